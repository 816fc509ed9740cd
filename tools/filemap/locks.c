/* SPDX-License-Identifier: MIT */
/*
 * locks.c - who holds what: the holders of each object, from /proc/locks.
 *
 * A holder of a named object holds flock(LOCK_SH) on its file (DESIGN.md),
 * so the FLOCK lines of /proc/locks name every holder's pid:
 *
 *   1: FLOCK  ADVISORY  READ  1234 00:1a:5678 0 EOF
 *   1: -> FLOCK  ADVISORY  WRITE 5678 00:1a:5678 0 EOF   (a waiter: skipped)
 *
 * with the file as major:minor (hex) and inode (decimal).  The file is read
 * (twice or a few times, see tool_locks_load) and sorted, so that listing
 * 100,000 objects costs one lookup each, not one read of /proc/locks each.  The pid is the process that took the
 * lock; a child that inherited the hold across fork is not named.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

/* The most passes over /proc/locks while it keeps changing under us. */
#define MAX_PASSES 8

static int compare(const void *pa, const void *pb)
{
	const struct tool_lock *a = pa, *b = pb;

	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

/* Parses one line; false for anything but a granted FLOCK lock. */
static bool parse_line(const char *line, struct tool_lock *l)
{
	const char *p = strchr(line, ':');
	unsigned long long ino;
	unsigned major, minor;
	int pid;

	/* A waiter's line has "->" where a holder's has the lock class. */
	if (!p || sscanf(p + 1, " FLOCK %*s %*s %d %x:%x:%llu", &pid, &major, &minor, &ino) != 4)
		return false;
	*l = (struct tool_lock){ .major = major, .minor = minor, .ino = ino, .pid = pid };
	return true;
}

static bool append(struct tool_locks *l, size_t *cap, const struct tool_lock *lock)
{
	if (l->n == *cap) {
		size_t want = *cap ? *cap * 2 : 256;
		struct tool_lock *v = realloc(l->v, want * sizeof(*v));

		if (!v)
			return false;
		l->v = v;
		*cap = want;
	}
	l->v[l->n++] = *lock;
	return true;
}

/* Reads /proc/locks once into l, sorted; false when it cannot be read. */
static bool read_once(struct tool_locks *l)
{
	FILE *f = fopen("/proc/locks", "re");
	struct tool_lock lock;
	char *line = NULL;
	size_t cap = 0, len = 0;
	bool ok = f != NULL;

	*l = (struct tool_locks){ 0 };
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

static bool same_locks(const struct tool_locks *a, const struct tool_locks *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (compare(&a->v[i], &b->v[i]) != 0)
			return false;
	return true;
}

/* Adds the locks of more to l, keeping it sorted and without repeats. */
static bool merge(struct tool_locks *l, const struct tool_locks *more)
{
	size_t cap = l->n, kept = 0;

	for (size_t i = 0; i < more->n; i++)
		if (!append(l, &cap, &more->v[i]))
			return false;
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), compare);
	for (size_t i = 0; i < l->n; i++)
		if (kept == 0 || compare(&l->v[kept - 1], &l->v[i]) != 0)
			l->v[kept++] = l->v[i];
	l->n = kept;
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
void tool_locks_load(struct tool_locks *l)
{
	struct tool_locks next;
	bool ok = read_once(l), same = false;

	for (int pass = 1; ok && !same && pass < MAX_PASSES; pass++) {
		ok = read_once(&next);
		same = ok && same_locks(l, &next);
		ok = ok && merge(l, &next);
		tool_locks_free(&next);
	}
	if (!ok) {
		tool_error("cannot read /proc/locks: holders are unknown");
		tool_locks_free(l);
		return;
	}
	l->known = true;
}

void tool_locks_free(struct tool_locks *l)
{
	free(l->v);
	*l = (struct tool_locks){ 0 };
}

size_t tool_locks_find(const struct tool_locks *l, const struct stat *st,
		       const struct tool_lock **first)
{
	struct tool_lock key = { .major = major(st->st_dev), .minor = minor(st->st_dev),
				 .ino = st->st_ino, .pid = -1 };
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
		if (l->v[end].major != key.major || l->v[end].minor != key.minor ||
		    l->v[end].ino != key.ino)
			break;
	*first = l->n ? &l->v[lo] : NULL;
	return end - lo;
}

int tool_print_pids(FILE *f, const struct tool_lock *first, size_t n, const char *sep)
{
	int written = 0;

	for (size_t i = 0; i < n; i++) {
		/* One process holding the object twice is one holder. */
		if (i > 0 && first[i].pid == first[i - 1].pid)
			continue;
		written += fprintf(f, "%s%d", i > 0 ? sep : "", (int)first[i].pid);
	}
	return written;
}
