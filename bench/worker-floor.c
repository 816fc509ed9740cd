/* SPDX-License-Identifier: MIT */
/*
 * worker-floor.c - filemap's system calls alone: each case makes exactly
 * the calls `strace` shows filemap's native API making for it, in that
 * order and with those arguments, and nothing else.  What the promises
 * (filemap(7), LIFETIME) cost in the kernel, whatever a library does in
 * user space: run.py puts it beside filemap and raw POSIX in one run, so
 * that each table shows how far a goal is from what can be reached at all.
 * When filemap's calls change, this file changes with them
 * (`run.py --syscalls CASE` lists them).  Driven by bench/run.py (see
 * worker.h); it has only the cases it names below.
 */
#define _GNU_SOURCE
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define HEADER 4096ull /* the data starts a page in (filemap(7)) */

static char message[256];
static char created[128], held_name[128], shared_name[128], header[256];
static int dirfd = -1, held = -1, held_shared = -1;

const char *worker_error(void)
{
	return message;
}

static int fail(const char *what, const char *name, int err)
{
	snprintf(message, sizeof(message), "%s %s: %s", what, name, strerror(err));
	return -1;
}

/* The store directory: /dev/shm itself will do, the files are ours. */
static int prepare_dir(void)
{
	if (dirfd < 0)
		dirfd = open("/dev/shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return dirfd < 0 ? fail("open", "/dev/shm", errno) : 0;
}

/* The header write: a fixed part and the name, as filemap's pwritev. */
static int write_header(int fd, const char *name)
{
	struct iovec iov[2] = { { header, sizeof(header) }, { (void *)name, strlen(name) } };

	return pwritev(fd, iov, 2, 0) < 0 ? -1 : 0;
}

/* Links the unnamed file fd as name: by descriptor, or through /proc on
 * kernels that refuse that (filemap's fm__os_linkat_fd). */
static int link_fd(int fd, const char *name)
{
	char path[64];

	if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, path, dirfd, name, AT_SYMLINK_FOLLOW);
}

/* Create: build unnamed, reserve (or size), header, identity, lock,
 * publish; map, unmap; the last close: convert, link count, unlink. */
static int create_map_close(bool reserve)
{
	struct stat st;
	void *v;
	int fd, views_fd = -1, map_errno;

	geteuid();
	fd = openat(dirfd, ".", O_RDWR | O_CLOEXEC | O_TMPFILE, 0600);
	if (fd < 0)
		return fail("openat", "O_TMPFILE", errno);
	if ((reserve ? ftruncate(fd, HEADER + WORKER_SMALL)
		     : fallocate(fd, 0, 0, HEADER + WORKER_SMALL)) < 0 ||
	    write_header(fd, created) < 0 || fstat(fd, &st) < 0 ||
	    flock(fd, LOCK_SH | LOCK_NB) < 0 || link_fd(fd, created) < 0) {
		fail("create", created, errno);
		close(fd);
		return -1;
	}
	/* A reserve section's views share a descriptor for committing. */
	if (reserve)
		views_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	v = mmap(NULL, WORKER_SMALL, PROT_READ | PROT_WRITE, MAP_SHARED, fd, HEADER);
	map_errno = errno;
	if (v != MAP_FAILED)
		munmap(v, WORKER_SMALL);
	if (views_fd >= 0)
		close(views_fd);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 && st.st_nlink > 0)
		unlinkat(dirfd, created, 0);
	close(fd);
	return v == MAP_FAILED ? fail("mmap", created, map_errno) : 0;
}

static int lifecycle(void)
{
	return create_map_close(false);
}

static int lifecycle_sparse(void)
{
	return create_map_close(true);
}

/* A store file of name, made and held (LOCK_SH) as a creator would. */
static int make_held(const char *name)
{
	int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return fail("openat", name, errno);
	if (fallocate(fd, 0, 0, HEADER + WORKER_SMALL) < 0 || write_header(fd, name) < 0 ||
	    flock(fd, LOCK_SH) < 0) {
		fail("make", name, errno);
		close(fd);
		unlinkat(dirfd, name, 0);
		return -1;
	}
	return fd;
}

static int prepare_small(void)
{
	worker_name(created, sizeof(created), "", "floor-created");
	worker_name(held_name, sizeof(held_name), "", "floor-held");
	if (prepare_dir() < 0)
		return -1;
	if (held < 0)
		held = make_held(held_name);
	return held < 0 ? -1 : 0;
}

/* The holder's side of "open". */
static int prepare_hold(void)
{
	worker_shared_name(shared_name, sizeof(shared_name), "", "floor-held");
	if (prepare_dir() < 0)
		return -1;
	if (held_shared < 0)
		held_shared = make_held(shared_name);
	return held_shared < 0 ? -1 : 0;
}

static int hold_nothing(void)
{
	return 0;
}

static int prepare_open(void)
{
	worker_shared_name(shared_name, sizeof(shared_name), "", "floor-held");
	return prepare_dir();
}

/* Open a name another process holds: the orphan test (an exclusive try,
 * refused), the shared lock, identity and size, the header and name;
 * map, unmap; the last close's conversion, refused. */
static int open_existing(void)
{
	char head[sizeof(header)], name[sizeof(shared_name)];
	struct iovec iov[2] = { { head, sizeof(head) }, { name, strlen(shared_name) } };
	struct stat st;
	void *v;
	int fd;

	geteuid();
	fd = openat(dirfd, shared_name, O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail("openat", shared_name, errno);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		close(fd);
		return fail("open", shared_name, ESRCH); /* its holder is gone */
	}
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 || fstat(fd, &st) < 0 || preadv(fd, iov, 2, 0) < 0) {
		fail("open", shared_name, errno);
		close(fd);
		return -1;
	}
	v = mmap(NULL, WORKER_SMALL, PROT_READ | PROT_WRITE, MAP_SHARED, fd, HEADER);
	if (v == MAP_FAILED) {
		fail("mmap", shared_name, errno);
		close(fd);
		return -1;
	}
	munmap(v, WORKER_SMALL);
	flock(fd, LOCK_EX | LOCK_NB);
	close(fd);
	return 0;
}

/* A second handle by name of a held object: the namespace's user, and the
 * held description's link count (the name was not removed by force). */
static int open_again(void)
{
	struct stat st;

	geteuid();
	return fstat(held, &st) < 0 ? fail("fstat", held_name, errno) : 0;
}

const struct worker_case worker_cases[] = {
	{ "lifecycle", prepare_small, lifecycle },
	{ "lifecycle-sparse", prepare_small, lifecycle_sparse },
	{ "hold", prepare_hold, hold_nothing },
	{ "open", prepare_open, open_existing },
	{ "open-again", prepare_small, open_again },
	{ NULL, NULL, NULL },
};

void worker_cleanup(void)
{
	if (held >= 0) {
		close(held);
		unlinkat(dirfd, held_name, 0);
	}
	if (held_shared >= 0) {
		close(held_shared);
		unlinkat(dirfd, shared_name, 0);
	}
	if (dirfd >= 0)
		close(dirfd);
}
