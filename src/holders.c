/* SPDX-License-Identifier: MIT */
/*
 * holders.c - who holds what: the holders of each named object, for listings.
 *
 * A holder of a named object holds flock(LOCK_SH) on its own open
 * description of the object's file, and keeps that description open for
 * as long as it holds the object (DESIGN.md).  Two places tell who:
 *
 *  - /proc/<pid>/fd: each descriptor of each process, followed (fstatat)
 *    to its file's device and inode, kept when the file is on the store's
 *    file system.  A process that has an object's file open holds it: a
 *    handle's descriptors are the only ones that stay open (others live
 *    for the moment of an open or a close), and a child that inherited a
 *    handle holds the object too.  One stat a descriptor, and no lock
 *    taken: 200,000 descriptors take some 0.3 s.  But only the processes
 *    the caller may inspect show: every one for root.
 *  - /proc/locks: every lock in the system and the pid that took it,
 *
 *      1: FLOCK  ADVISORY  READ  1234 00:1a:5678 0 EOF
 *      1: -> FLOCK  ADVISORY  WRITE 5678 00:1a:5678 0 EOF   (a waiter: skipped)
 *
 *    with the file as major:minor (hex) and inode (decimal).  The kernel
 *    makes it a page per read(), walking its whole lock list from the
 *    start each time, with the global file_rwsem held for writing, which
 *    stalls every flock() and every close() of a locked file in the system
 *    meanwhile: with 100,000 objects held, one read of it took 12 s.
 *
 * So the descriptors are scanned, and /proc/locks is read as well only
 * when some process could not be inspected (a caller that is not root),
 * since only it shows that process's holds.  Either way the result is a
 * table sorted by file then pid, so that listing 100,000 objects costs one
 * lookup each.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The most passes over /proc/locks while it keeps changing under us. */
#define MAX_PASSES 8
/* The most threads that scan /proc/<pid>/fd. */
#define MAX_SCANNERS 4

/* A device as the kernel keeps it, in 32 bits (MINORBITS is 20). */
static uint32_t dev_of(unsigned major, unsigned minor)
{
	return (uint32_t)major << 20 | (minor & 0xfffff);
}

static int compare(const void *pa, const void *pb)
{
	const struct fm__holder *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

/* Parses one line; false for anything but a granted FLOCK lock. */
static bool parse_line(const char *line, struct fm__holder *l)
{
	struct fm__proc_lock p;

	if (!fm__proc_lock_parse(line, &p))
		return false;
	*l = (struct fm__holder){ .ino = p.ino, .dev = dev_of(p.major, p.minor), .pid = p.pid };
	return true;
}

static bool append(struct fm__holders *l, size_t *cap, const struct fm__holder *lock)
{
	if (l->n == *cap) {
		size_t want = *cap ? *cap * 2 : 256;
		struct fm__holder *v = realloc(l->v, want * sizeof(*v));

		if (!v)
			return false;
		l->v = v;
		*cap = want;
	}
	l->v[l->n++] = *lock;
	return true;
}

/* Reads /proc/locks once into l, sorted; false when it cannot be read. */
static bool read_once(struct fm__holders *l)
{
	FILE *f = fopen("/proc/locks", "re");
	struct fm__holder lock;
	char *line = NULL;
	size_t cap = 0, len = 0;
	bool ok = f != NULL;

	*l = (struct fm__holders){ 0 };
	while (ok && getline(&line, &len, f) >= 0)
		if (parse_line(line, &lock))
			ok = append(l, &cap, &lock);
	if (f && ferror(f))
		ok = false;
	free(line);
	if (f)
		fclose(f);
	if (ok && l->n)
		qsort(l->v, l->n, sizeof(*l->v), compare);
	return ok;
}

static bool same_locks(const struct fm__holders *a, const struct fm__holders *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (compare(&a->v[i], &b->v[i]) != 0)
			return false;
	return true;
}

/* Sorts l and drops its repeats. */
static void sort_unique(struct fm__holders *l)
{
	size_t kept = 0;

	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), compare);
	for (size_t i = 0; i < l->n; i++)
		if (kept == 0 || compare(&l->v[kept - 1], &l->v[i]) != 0)
			l->v[kept++] = l->v[i];
	l->n = kept;
}

/* Adds the locks of more to l, keeping it sorted and without repeats. */
static bool merge(struct fm__holders *l, const struct fm__holders *more)
{
	size_t cap = l->n;

	for (size_t i = 0; i < more->n; i++)
		if (!append(l, &cap, &more->v[i]))
			return false;
	sort_unique(l);
	return true;
}

/*
 * The kernel makes /proc/locks a page per read(), finding its place again
 * by counting entries; a lock taken or dropped meanwhile by anyone shifts
 * the entries, so one pass over a busy system can skip a lock that was
 * held all along.  So the file is read until two passes agree (a few at
 * most), and every lock any pass saw counts: a holder that let go during
 * the listing may be named, one that held on is never missed.
 */
static bool read_proc_locks(struct fm__holders *l)
{
	struct fm__holders next;
	bool ok = read_once(l), same = false;

	for (int pass = 1; ok && !same && pass < MAX_PASSES; pass++) {
		ok = read_once(&next);
		same = ok && same_locks(l, &next);
		ok = ok && merge(l, &next);
		fm__holders_free(&next);
	}
	return ok;
}

/*
 * Adds the regular files of device dev (0: any) that process pid has open,
 * once each (a handle's two descriptors are usually neighbours).  Sets
 * *denied when its descriptors may not be inspected; a process that ended
 * meanwhile has none.  False only when memory ran out.
 */
static bool scan_process(struct fm__holders *l, size_t *cap, int procfd, pid_t pid, dev_t dev,
			 bool *denied)
{
	struct fm__holder lock = { .pid = pid };
	size_t first = l->n;
	struct dirent *de;
	char path[32];
	struct stat st;
	bool ok = true;
	DIR *dir;
	int fd;

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	fd = fm__os_openat(procfd, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		*denied |= fd == -EACCES || fd == -EPERM;
		return true;
	}
	dir = fdopendir(fd);
	if (!dir) {
		fm__os_close(fd);
		return true;
	}
	while (ok && (de = readdir(dir)) != NULL) {
		/* Follows the descriptor to its file; gone if closed since. */
		if (de->d_name[0] == '.' || fm__os_fstatat(fd, de->d_name, &st, 0) < 0 ||
		    !S_ISREG(st.st_mode) || (dev && st.st_dev != dev))
			continue;
		lock.dev = dev_of(major(st.st_dev), minor(st.st_dev));
		lock.ino = st.st_ino;
		if (l->n == first || compare(&l->v[l->n - 1], &lock) != 0)
			ok = append(l, cap, &lock);
	}
	closedir(dir);
	return ok;
}

/* One scanning thread's share of the processes: every count-th from index. */
struct scanner {
	pthread_t thread;
	int procfd;
	dev_t dev;
	const pid_t *pids;
	size_t npids, index, count;
	struct fm__holders found;
	size_t cap;
	bool ok, denied, started;
};

static void *scanner_main(void *arg)
{
	struct scanner *s = arg;

	for (size_t i = s->index; s->ok && i < s->npids; i += s->count)
		s->ok = scan_process(&s->found, &s->cap, s->procfd, s->pids[i], s->dev, &s->denied);
	return NULL;
}

/* The pids in /proc, ours too: a program that lists the store while it
 * holds objects is one of their holders (malloc'd); false on failure. */
static bool list_pids(int procfd, pid_t **pids, size_t *n)
{
	int fd = dup(procfd);
	DIR *proc = fd < 0 ? NULL : fdopendir(fd);
	size_t cap = 0;
	struct dirent *de;
	pid_t pid, *more;

	*pids = NULL;
	*n = 0;
	while (proc && (de = readdir(proc)) != NULL) {
		pid = (pid_t)atoi(de->d_name);
		if (pid <= 0)
			continue;
		if (*n == cap) {
			more = realloc(*pids, (cap = cap ? cap * 2 : 512) * sizeof(**pids));
			if (!more)
				break;
			*pids = more;
		}
		(*pids)[(*n)++] = pid;
	}
	if (proc)
		closedir(proc);
	else if (fd >= 0)
		close(fd);
	return proc && !de;
}

/* Starts the threads of shares 1 to n - 1; the calling thread scans
 * share 0 after, and any that cannot start.  They block every signal: one
 * meant for the program reaches one of its own threads. */
static void start_scanners(struct scanner *sc, size_t n)
{
	for (size_t i = 1; i < n; i++)
		sc[i].started = fm__thread_start(&sc[i].thread, scanner_main, &sc[i]);
	for (size_t i = 1; i < n; i++)
		if (!sc[i].started)
			scanner_main(&sc[i]);
}

/*
 * Scans every process's descriptors but our own, in a few threads: the
 * cost is the kernel's, a path walk for each descriptor, and the
 * processes are independent.  Only files on the store's file system are
 * kept (objects live in it).  False when /proc cannot be read.
 * *complete: every process could be inspected.
 */
static bool scan_fds(struct fm__holders *l, bool *complete)
{
	struct scanner sc[MAX_SCANNERS] = { 0 };
	int procfd = fm__os_openat(AT_FDCWD, "/proc", O_RDONLY | O_DIRECTORY, 0);
	struct stat root;
	dev_t dev = stat(fm__store_root(), &root) == 0 ? root.st_dev : 0;
	long cpus = fm__cpu_count();
	size_t n = 1, npids = 0, total = 0;
	bool ok = procfd >= 0;
	pid_t *pids = NULL;

	*l = (struct fm__holders){ 0 };
	ok = ok && list_pids(procfd, &pids, &npids);
	while (ok && n < MAX_SCANNERS && (long)n < cpus && n * 16 < npids)
		n++;
	for (size_t i = 0; ok && i < n; i++)
		sc[i] = (struct scanner){ .procfd = procfd, .dev = dev, .pids = pids, .npids = npids,
					  .index = i, .count = n, .ok = true };
	if (ok) {
		start_scanners(sc, n);
		scanner_main(&sc[0]);
	}
	*complete = true;
	for (size_t i = 0; i < n; i++) {
		if (sc[i].started)
			pthread_join(sc[i].thread, NULL);
		ok = ok && sc[i].ok;
		*complete = *complete && !sc[i].denied;
		total += sc[i].found.n;
	}
	/* Gathered into one table of the exact size, for the least memory. */
	l->v = ok && total ? malloc(total * sizeof(*l->v)) : NULL;
	ok = ok && (l->v || !total);
	for (size_t i = 0; i < n; i++) {
		if (ok && sc[i].found.n) {
			memcpy(l->v + l->n, sc[i].found.v, sc[i].found.n * sizeof(*l->v));
			l->n += sc[i].found.n;
		}
		fm__holders_free(&sc[i].found);
	}
	free(pids);
	if (procfd >= 0)
		fm__os_close(procfd);
	sort_unique(l);
	return ok;
}

int fm__holders_load(struct fm__holders *l)
{
	struct fm__holders more;
	bool complete = false, ok = scan_fds(l, &complete);

	if (ok && !complete) {
		ok = read_proc_locks(&more) && merge(l, &more);
		fm__holders_free(&more);
	}
	if (!ok) {
		fm__holders_free(l);
		return -EIO;
	}
	l->known = true;
	return 0;
}

void fm__holders_free(struct fm__holders *l)
{
	free(l->v);
	*l = (struct fm__holders){ 0 };
}

size_t fm__holders_find(const struct fm__holders *l, const struct stat *st,
		       const struct fm__holder **first)
{
	struct fm__holder key = { .ino = st->st_ino, .dev = dev_of(major(st->st_dev), minor(st->st_dev)),
				 .pid = -1 };
	size_t lo = 0, hi = l->n, end;

	/* The first lock on the file: pid -1 sorts before every real pid. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (compare(&l->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < l->n; end++)
		if (l->v[end].dev != key.dev || l->v[end].ino != key.ino)
			break;
	*first = l->n ? &l->v[lo] : NULL;
	return end - lo;
}
