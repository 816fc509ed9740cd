/* SPDX-License-Identifier: MIT */
/*
 * lockwait.c - waiting for a lock another process holds, and naming it.
 *
 * Only a remover ever holds LOCK_EX on an object file, for the moment it
 * takes to unlink it (object.c).  But any user who may read an object's
 * file may also take LOCK_EX on it and keep it: a blocking flock() would
 * then hang every later open, create and gc of that name.  So nothing
 * here blocks: a shared lock is tried again and again, backing off, for a
 * bounded time (a real remover lets go within microseconds), and then the
 * name is reported as held by someone who is not a remover, naming the
 * holder from /proc/locks.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sysmacros.h>
#include <time.h>

/* How long a shared lock waits for an exclusive holder to go, in all. */
#define LOCK_WAIT_NS  (2 * 1000000000LL)
/* The first pause between tries, doubling up to the longest. */
#define FIRST_PAUSE_NS 20000LL
#define LONGEST_PAUSE_NS 20000000LL

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void pause_ns(long long ns)
{
	struct timespec t = { ns / 1000000000LL, ns % 1000000000LL };

	while (nanosleep(&t, &t) < 0)
		;
}

int fm__lock_shared(int fd)
{
	long long deadline = now_ns() + LOCK_WAIT_NS, pause = FIRST_PAUSE_NS;
	int r;

	while ((r = fm__os_flock(fd, LOCK_SH | LOCK_NB)) == -EWOULDBLOCK) {
		if (now_ns() >= deadline)
			return -EBUSY;
		pause_ns(pause);
		pause = pause * 2 < LONGEST_PAUSE_NS ? pause * 2 : LONGEST_PAUSE_NS;
	}
	return r;
}

bool fm__proc_lock_parse(const char *line, struct fm__proc_lock *out)
{
	const char *p = strchr(line, ':');
	unsigned long long ino;
	unsigned major, minor;
	char kind[16];
	int pid;

	/* "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; a waiter's line
	 * has "->" where a holder's has the lock class. */
	if (!p || sscanf(p + 1, " FLOCK %*s %15s %d %x:%x:%llu", kind, &pid, &major, &minor,
			 &ino) != 5)
		return false;
	*out = (struct fm__proc_lock){ .pid = pid, .major = major, .minor = minor, .ino = ino,
				       .exclusive = strcmp(kind, "WRITE") == 0 };
	return true;
}

/* The pid holding LOCK_EX on the file st from /proc/locks, or 0. */
static pid_t exclusive_holder(const struct stat *st)
{
	FILE *f = fopen("/proc/locks", "re");
	struct fm__proc_lock l;
	char *line = NULL;
	size_t len = 0;
	pid_t pid = 0;

	if (!f)
		return 0;
	/* Large reads: the kernel walks its whole lock list for each one. */
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	while (!pid && getline(&line, &len, f) >= 0)
		if (fm__proc_lock_parse(line, &l) && l.exclusive && l.ino == st->st_ino &&
		    l.major == major(st->st_dev) && l.minor == minor(st->st_dev))
			pid = l.pid;
	free(line);
	fclose(f);
	return pid > 0 ? pid : 0;
}

/* The effective uid of process pid, from /proc; false if not visible. */
static bool uid_of(pid_t pid, uid_t *uid)
{
	char path[64], buf[1024], *field;
	unsigned real, effective;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = fm__os_openat(AT_FDCWD, path, O_RDONLY, 0);
	if (fd < 0)
		return false;
	n = fm__os_pread(fd, buf, sizeof(buf) - 1, 0);
	fm__os_close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	field = strstr(buf, "\nUid:");
	if (!field || sscanf(field + 5, "%u %u", &real, &effective) != 2)
		return false;
	*uid = effective;
	return true;
}

const char *fm__lock_holder(const struct stat *st, char *buf, size_t len)
{
	pid_t pid = exclusive_holder(st);
	uid_t uid;

	if (pid && uid_of(pid, &uid))
		snprintf(buf, len, "uid %u (pid %d)", (unsigned)uid, (int)pid);
	else
		snprintf(buf, len, "another process");
	return buf;
}
