/* SPDX-License-Identifier: MIT */
/*
 * worker-posix.c - the comparison cases in raw POSIX, the reference the
 * issue names: shm_open + ftruncate + mmap + munmap + close + shm_unlink
 * for the lifecycle, shm_open + fstat (the opener does not know the size)
 * + mmap for the open, and a robust process-shared pthread mutex in shared
 * memory for the mutex.  Driven by bench/run.py (see worker.h).
 */
#define _GNU_SOURCE
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char message[256];
static char created[128], held_name[128], large_name[128], mutex_name[128], shared_name[128];
static int held_small = -1, held_large = -1, held_shared = -1;
static pthread_mutex_t *mutex;

const char *worker_error(void)
{
	return message;
}

static int fail(const char *what, const char *name, int err)
{
	snprintf(message, sizeof(message), "%s %s: %s", what, name, strerror(err));
	return -1;
}

/* A new shared memory object of size bytes, held open: its fd, or -1. */
static int make(const char *name, unsigned long long size)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return fail("shm_open", name, errno);
	if (ftruncate(fd, (off_t)size) < 0) {
		fail("ftruncate", name, errno);
		close(fd);
		shm_unlink(name);
		return -1;
	}
	return fd;
}

static int map_unmap(int fd, unsigned long long size, int touch)
{
	void *v = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (v == MAP_FAILED)
		return fail("mmap", "view", errno);
	if (touch)
		worker_touch(v, size);
	return munmap(v, size) < 0 ? fail("munmap", "view", errno) : 0;
}

/* Create, map, unmap, close, unlink; committing the memory first if
 * asked, as filemap's create does (posix_fallocate: the same fallocate). */
static int create_map_close(bool commit)
{
	int fd = make(created, WORKER_SMALL), r = 0;

	if (fd < 0)
		return -1;
	if (commit && (r = posix_fallocate(fd, 0, WORKER_SMALL)) != 0)
		r = fail("posix_fallocate", created, r);
	if (r == 0)
		r = map_unmap(fd, WORKER_SMALL, 0);
	close(fd);
	if (shm_unlink(created) < 0)
		return fail("shm_unlink", created, errno);
	return r;
}

static int lifecycle(void)
{
	return create_map_close(false);
}

static int lifecycle_committed(void)
{
	return create_map_close(true);
}

static int prepare_small(void)
{
	worker_name(created, sizeof(created), "/", "created");
	worker_name(held_name, sizeof(held_name), "/", "held");
	if (held_small < 0)
		held_small = make(held_name, WORKER_SMALL);
	return held_small < 0 ? -1 : 0;
}

/* The holder's side of "open": the name exists while this worker lives. */
static int prepare_hold(void)
{
	worker_shared_name(shared_name, sizeof(shared_name), "/", "held");
	if (held_shared < 0)
		held_shared = make(shared_name, WORKER_SMALL);
	return held_shared < 0 ? -1 : 0;
}

static int hold_nothing(void)
{
	return 0;
}

static int prepare_open(void)
{
	worker_shared_name(shared_name, sizeof(shared_name), "/", "held");
	return 0;
}

/* Opens name and learns its size (an opener does not know it): the
 * descriptor, or -1. */
static int open_sized(const char *name, struct stat *st)
{
	int fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);

	if (fd < 0)
		return fail("shm_open", name, errno);
	if (fstat(fd, st) < 0) {
		fail("fstat", name, errno);
		close(fd);
		return -1;
	}
	return fd;
}

static int open_existing(void)
{
	struct stat st;
	int fd = open_sized(shared_name, &st), r;

	if (fd < 0)
		return -1;
	r = map_unmap(fd, (unsigned long long)st.st_size, 0);
	close(fd);
	return r;
}

/* A raw POSIX open, the reference for filemap's second handles. */
static int open_again(void)
{
	struct stat st;
	int fd = open_sized(held_name, &st);

	return fd < 0 ? -1 : close(fd);
}

static int prepare_large(void)
{
	worker_name(large_name, sizeof(large_name), "/", "large");
	if (held_large < 0)
		held_large = make(large_name, WORKER_LARGE);
	return held_large < 0 ? -1 : 0;
}

static int map_small(void) { return map_unmap(held_small, WORKER_SMALL, 0); }
static int map_small_touched(void) { return map_unmap(held_small, WORKER_SMALL, 1); }
static int map_large(void) { return map_unmap(held_large, WORKER_LARGE, 0); }
static int map_large_touched(void) { return map_unmap(held_large, WORKER_LARGE, 1); }

static int prepare_mutex(void)
{
	pthread_mutexattr_t attr;
	int fd, err;

	worker_name(mutex_name, sizeof(mutex_name), "/", "mutex");
	fd = make(mutex_name, WORKER_PAGE);
	if (fd < 0)
		return -1;
	mutex = mmap(NULL, WORKER_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (mutex == MAP_FAILED) {
		mutex = NULL;
		return fail("mmap", mutex_name, errno);
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	err = pthread_mutex_init(mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	return err ? fail("pthread_mutex_init", mutex_name, err) : 0;
}

static int lock_unlock(void)
{
	int err = pthread_mutex_lock(mutex);

	if (err)
		return fail("pthread_mutex_lock", mutex_name, err);
	err = pthread_mutex_unlock(mutex);
	return err ? fail("pthread_mutex_unlock", mutex_name, err) : 0;
}

const struct worker_case worker_cases[] = {
	WORKER_COMMON_CASES,
	{ "lifecycle-committed", prepare_small, lifecycle_committed },
	{ "open-again", prepare_small, open_again },
	{ NULL, NULL, NULL },
};

void worker_cleanup(void)
{
	if (held_small >= 0) {
		close(held_small);
		shm_unlink(held_name);
	}
	if (held_shared >= 0) {
		close(held_shared);
		shm_unlink(shared_name);
	}
	if (held_large >= 0) {
		close(held_large);
		shm_unlink(large_name);
	}
	if (mutex) {
		munmap(mutex, WORKER_PAGE);
		shm_unlink(mutex_name);
	}
}
