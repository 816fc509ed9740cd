/* SPDX-License-Identifier: MIT */
/*
 * global.c - the process-global state and its one lock.
 *
 * Everything the library keeps per process (cached store directories, the
 * view table, the sync objects' mappings, the holds) lives in fm__global,
 * guarded by fm__global.lock (and the holds' descriptors by
 * fm__global.fds, hold.c).  fork() takes both first (pthread_atfork), so
 * the child never starts with one held by a thread it does not have.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_rwlock_t first_fds = PTHREAD_RWLOCK_INITIALIZER;

struct fm__global fm__global = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fds = &first_fds,
};

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
/* Set once the fork handlers are in: the lock, taken several times a
 * call, then skips pthread_once. */
static atomic_bool atfork_registered;

/* The holds move their locks off what views map first (hold.c); the fork
 * count goes up with the lock held across the fork, so that every hold
 * made before it is of the old generation, shared with the child. */
static void before_fork(void)
{
	fm__holds_before_fork();
	pthread_mutex_lock(&fm__global.lock);
	fm__global.forks++;
}

static void after_fork(void)
{
	pthread_mutex_unlock(&fm__global.lock);
	fm__holds_after_fork(false);
}

/* The child's one thread owns no mutex, and is not the parent's thread. */
static void after_fork_child(void)
{
	fm__robust_forked();
	pthread_mutex_unlock(&fm__global.lock);
	fm__holds_after_fork(true);
}

static void register_atfork(void)
{
	pthread_atfork(before_fork, after_fork, after_fork_child);
	atomic_store_explicit(&atfork_registered, true, memory_order_release);
}

void fm__global_lock(void)
{
	if (!atomic_load_explicit(&atfork_registered, memory_order_acquire))
		pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&fm__global.lock);
}

void fm__global_unlock(void)
{
	pthread_mutex_unlock(&fm__global.lock);
}

size_t fm__page_size(void)
{
	static _Atomic size_t cached;
	size_t size = atomic_load_explicit(&cached, memory_order_relaxed);

	if (!size) {
		size = (size_t)sysconf(_SC_PAGESIZE);
		atomic_store_explicit(&cached, size, memory_order_relaxed);
	}
	return size;
}

int fm__cpu_count(void)
{
	static _Atomic int cached;
	int n = atomic_load_explicit(&cached, memory_order_relaxed);

	if (n == 0) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);

		n = online > 0 ? (int)online : 1;
		atomic_store_explicit(&cached, n, memory_order_relaxed);
	}
	return n;
}

bool fm__thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	bool started;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	started = pthread_create(thread, NULL, fn, arg) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return started;
}

void *fm__zalloc(size_t size)
{
	void *p = malloc(size);

	/* Not memset: the compiler would make malloc + memset calloc again. */
	if (p)
		explicit_bzero(p, size);
	return p;
}

size_t fm__struct_fit(uint32_t size, const size_t *field_ends, size_t count)
{
	size_t fit = 0;

	for (size_t i = 0; i < count && field_ends[i] <= size; i++)
		fit = field_ends[i];
	return fit;
}
