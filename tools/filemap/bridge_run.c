/* SPDX-License-Identifier: MIT */
/*
 * bridge_run.c - the bridge's run directory, and sweeping the ones whose
 * bridge is gone.
 *
 * A section both sides map without copying must be a file: a Windows
 * program's view starts at the section's first byte, and a store object
 * starts with its header.  So each bridge makes its files in a directory
 * of its own, on tmpfs beside the store's root, private to the user:
 *
 *   <root>-bridge-<uid>/            /dev/shm/filemap-bridge-1000, mode 0700
 *     run-<pid>-<random>/           one bridge, locked (flock) while it runs
 *       config                      what the helper makes (proto.h)
 *       filemap-bridge.exe          a copy of the helper
 *       section-<i>                 the shared file of section i
 *
 * Beside the root rather than in it, so that the store holds only objects;
 * a private FILEMAP_ROOT gets private bridge files.  The directory must be
 * the user's own, mode 0700 and not a symlink, like local-<uid>.
 *
 * A bridge that exits removes its directory, but for a shared file that
 * some process still has open: a native program that holds a bridged name
 * after the game ended maps that file, and later openers of the name open
 * it by its path.  A bridge killed with SIGKILL leaves everything.  Both
 * are swept by the next bridge and by `filemap gc`: a run directory whose
 * lock is free and whose pid is gone (the pid covers the moment between
 * making the directory and locking it) loses every file no process has
 * open, and then itself.
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* How often, and how far apart, a bridge that ends tries to remove files
 * that some process still has open. */
#define CLOSE_TRIES 20
#define CLOSE_PAUSE_MS 50

/* The bridge directory's path, for the caller's effective uid. */
static int bridge_dir_path(char *out, size_t len)
{
	const char *root = fm__store_root();
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (snprintf(out, len, "%.*s-bridge-%u", (int)n, root, (unsigned)geteuid()) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Opens the bridge directory, made first when create; -ENOENT when it is
 * not there (and not create).  Refuses one that is not a directory of our
 * own with mode 0700 (-EPERM, having said why).
 */
static int open_bridge_dir(bool create, char *path, size_t len)
{
	char parent[PATH_MAX], base[NAME_MAX + 1];
	struct stat st;
	int pfd, fd;

	if (bridge_dir_path(path, len) < 0)
		return -ENAMETOOLONG;
	snprintf(parent, sizeof(parent), "%s", path);
	snprintf(base, sizeof(base), "%s", basename(parent));
	snprintf(parent, sizeof(parent), "%s", path);
	pfd = open(dirname(parent), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	if (create && mkdirat(pfd, base, 0700) < 0 && errno != EEXIST) {
		fd = -errno;
		close(pfd);
		return fd;
	}
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fd = errno == ELOOP || errno == ENOTDIR ? -EPERM : -errno;
	close(pfd);
	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_uid != geteuid())) {
		close(fd);
		fd = -EPERM;
	}
	/* Ours: its mode is ours to fix (a umask may have cut it). */
	if (fd >= 0 && (st.st_mode & 07777) != 0700 && fchmod(fd, 0700) < 0) {
		close(fd);
		fd = -EPERM;
	}
	if (fd == -EPERM)
		tool_error("%s is not a directory of your own: remove it (another user may have made "
			   "it to stop your bridges), or point FILEMAP_ROOT elsewhere", path);
	return fd;
}

/* The pid in a run directory's name "run-<pid>-<hex>", or 0. */
static pid_t run_pid(const char *name)
{
	unsigned random;
	int pid, end = 0;

	if (sscanf(name, "run-%d-%8x%n", &pid, &random, &end) != 2 || name[end] || pid <= 0)
		return 0;
	return (pid_t)pid;
}

bool bridge_file_in_use(dev_t dev, ino_t ino)
{
	DIR *proc = opendir("/proc");
	struct dirent *de, *fe;
	bool used = false;
	char path[64];
	struct stat st;

	while (proc && !used && (de = readdir(proc)) != NULL) {
		int pid = atoi(de->d_name), fd;
		DIR *fds;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fds = fd < 0 ? NULL : fdopendir(fd);
		if (!fds && fd >= 0)
			close(fd);
		while (fds && !used && (fe = readdir(fds)) != NULL)
			used = fe->d_name[0] != '.' && fstatat(fd, fe->d_name, &st, 0) == 0 &&
			       st.st_dev == dev && st.st_ino == ino;
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	return used;
}

/*
 * Removes the files of the run directory fd that no process has open, and
 * the directory (name, in dir) when they all went.  verbose: says what it
 * keeps.  Returns how many files it kept.
 */
static int empty_run_dir(int dir, const char *name, int fd, bool verbose)
{
	int copy = dup(fd), kept = 0;
	DIR *d = copy < 0 ? NULL : fdopendir(copy);
	struct dirent *de;
	struct stat st;

	if (!d && copy >= 0)
		close(copy);
	if (d)
		rewinddir(d); /* the copy shares fd's offset, where a last pass ended */
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode) && bridge_file_in_use(st.st_dev, st.st_ino)) {
			if (verbose)
				printf("keeping bridge file %s/%s: a process still has it open\n", name,
				       de->d_name);
			kept++;
			continue;
		}
		unlinkat(fd, de->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
	}
	if (d)
		closedir(d);
	if (!kept)
		unlinkat(dir, name, AT_REMOVEDIR);
	return kept;
}

/* Sweeps the run directory name in dir if its bridge is gone. */
static void sweep_one(int dir, const char *name, const char *path, bool verbose)
{
	pid_t pid = run_pid(name);
	int fd;

	if (!pid || kill(pid, 0) == 0 || errno != ESRCH)
		return; /* not ours, or its bridge may still be making it */
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && empty_run_dir(dir, name, fd, verbose) == 0 &&
	    verbose)
		printf("removed stale bridge directory %s/%s (its bridge, pid %d, is gone)\n", path,
		       name, (int)pid);
	close(fd);
}

int bridge_sweep(bool verbose)
{
	char path[PATH_MAX];
	int dir = open_bridge_dir(false, path, sizeof(path)), copy;
	struct dirent *de;
	DIR *d;

	if (dir == -ENOENT)
		return TOOL_OK;
	if (dir < 0)
		return dir == -EPERM ? TOOL_FAILED : TOOL_OK;
	copy = dup(dir);
	d = copy < 0 ? NULL : fdopendir(copy);
	if (!d && copy >= 0)
		close(copy);
	while (d && (de = readdir(d)) != NULL)
		sweep_one(dir, de->d_name, path, verbose);
	if (d)
		closedir(d);
	close(dir);
	return TOOL_OK;
}

int bridge_run_open(struct bridge_run *r)
{
	char path[PATH_MAX], name[64];
	uint32_t random = 0;

	*r = (struct bridge_run){ .dir = -1, .fd = -1 };
	bridge_sweep(false);
	r->dir = open_bridge_dir(true, path, sizeof(path));
	if (r->dir < 0) {
		if (r->dir != -EPERM)
			tool_error("cannot make %s: %s", path, strerror(-r->dir));
		return TOOL_FAILED;
	}
	if (getrandom(&random, sizeof(random), 0) != sizeof(random))
		random = (uint32_t)time(NULL);
	snprintf(name, sizeof(name), "run-%d-%08x", (int)getpid(), (unsigned)random);
	if (mkdirat(r->dir, name, 0700) == 0)
		r->fd = openat(r->dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->fd < 0 || flock(r->fd, LOCK_EX | LOCK_NB) < 0 ||
	    asprintf(&r->path, "%s/%s", path, name) < 0 || !(r->name = strdup(name))) {
		tool_error("cannot make a run directory in %s: %s", path, strerror(errno));
		return TOOL_FAILED;
	}
	return TOOL_OK;
}

/* Hex of the UTF-8 bytes of s, into a new string. */
static char *hex(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1);

	for (size_t i = 0; out && i < n; i++)
		sprintf(out + 2 * i, "%02x", (unsigned char)s[i]);
	if (out)
		out[2 * n] = '\0';
	return out;
}

int bridge_run_write_config(struct bridge_run *r, const struct bridge_objects *o,
			    unsigned port)
{
	int fd = openat(r->fd, BRIDGE_CONFIG, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	bool ok = f != NULL;
	char *name;

	if (!f && fd >= 0)
		close(fd);
	if (ok)
		fprintf(f, "filemap-bridge %d\nport %u\n", BRIDGE_VERSION, port);
	for (unsigned i = 0; ok && i < o->section_count; i++) {
		const struct bridge_section *s = &o->sections[i];

		ok = (name = hex(s->given)) != NULL;
		if (ok)
			fprintf(f, "section %u %llu %s\n", i,
				s->file >= 0 ? (unsigned long long)s->size : 0ull, name);
		free(name);
	}
	for (unsigned i = 0; ok && i < o->event_count; i++) {
		ok = (name = hex(o->events[i].given)) != NULL;
		if (ok)
			fprintf(f, "event %u %d %s\n", i, o->events[i].manual, name);
		free(name);
	}
	if (f && (fclose(f) != 0 || !ok))
		ok = false;
	if (!ok)
		tool_error("cannot write %s/" BRIDGE_CONFIG ": %s", r->path, strerror(errno));
	return ok ? TOOL_OK : TOOL_FAILED;
}

int bridge_run_copy_helper(struct bridge_run *r, const char *helper)
{
	int in = open(helper, O_RDONLY | O_CLOEXEC), out = -1;
	char buf[65536];
	ssize_t n = 0;

	if (in >= 0)
		out = openat(r->fd, BRIDGE_HELPER_EXE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out < 0 || n < 0 || close(out) < 0) {
		tool_error("cannot copy %s into %s: %s", helper, r->path, strerror(errno));
		return TOOL_FAILED;
	}
	return TOOL_OK;
}

void bridge_run_close(struct bridge_run *r)
{
	int kept = 0;

	/* Wine's server lets go of a program's files a moment after the
	 * program ended: a little patience, before leaving them to gc. */
	for (int i = 0; r->fd >= 0 && r->dir >= 0 && i < CLOSE_TRIES; i++) {
		kept = empty_run_dir(r->dir, r->name, r->fd, false);
		if (!kept)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = CLOSE_PAUSE_MS * 1000000L }, NULL);
	}
	if (kept)
		tool_error("note: %s stays while programs hold its files; the next bridge or "
			   "`filemap gc` removes it after them", r->path);
	if (r->fd >= 0)
		close(r->fd);
	if (r->dir >= 0)
		close(r->dir);
	free(r->path);
	free(r->name);
	*r = (struct bridge_run){ .dir = -1, .fd = -1 };
}
