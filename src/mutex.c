/* SPDX-License-Identifier: MIT */
/*
 * mutex.c - named mutexes: Windows' recursive, per-thread mutex that is
 * reported abandoned when its owner dies.
 *
 * The mutex is a robust, recursive, process-shared pthread mutex in the
 * shared state.  glibc puts a robust mutex on its owner thread's robust
 * list, which the kernel walks when the thread exits, also on SIGKILL: it
 * marks the futex word FUTEX_OWNER_DIED and wakes a waiter, whose lock then
 * returns EOWNERDEAD.  We make it consistent at once and report
 * FM_ABANDONED: Windows' mutex stays usable after abandonment.
 *
 * A wait on several objects cannot call pthread_mutex_lock; it tries the
 * mutex, and to sleep it sets FUTEX_WAITERS in the futex word (__lock, the
 * owner's thread id and those two flags: the kernel's robust-futex ABI) so
 * that the unlock wakes it, exactly as glibc's own waiters do.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <linux/futex.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static _Atomic uint32_t *mutex_word(fm_sync *o)
{
	return (_Atomic uint32_t *)&o->state->mutex.__data.__lock;
}

/* The __kind glibc gives our mutexes, to tell a sound state from another. */
static int reference_kind;
static pthread_once_t reference_once = PTHREAD_ONCE_INIT;

static int init_mutex(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;
	int r;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	r = pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
	return -r;
}

static void find_reference_kind(void)
{
	pthread_mutex_t m;

	if (init_mutex(&m) == 0) {
		reference_kind = m.__data.__kind;
		pthread_mutex_destroy(&m);
	}
}

static const char *mutex_check(const struct fm__sync_state *st)
{
	pthread_once(&reference_once, find_reference_kind);
	if (st->mutex.__data.__kind != reference_kind)
		return "not a robust recursive shared mutex";
	return NULL;
}

/* Bookkeeping after this thread took the mutex (r: pthread's result). */
static int took(struct fm__sync_state *st, int r)
{
	if (r == EOWNERDEAD) {
		pthread_mutex_consistent(&st->mutex);
		atomic_store(&st->abandoned, 0);
	} else if (st->mutex.__data.__count == 1 &&
		   atomic_load_explicit(&st->abandoned, memory_order_relaxed) &&
		   atomic_exchange(&st->abandoned, 0)) {
		r = EOWNERDEAD; /* given back by a wait-all: still abandoned */
	}
	return r == EOWNERDEAD ? FM__TAKEN_ABANDONED : FM__TAKEN;
}

/* Maps pthread's answer to a take() result. */
static int take_result(struct fm__sync_state *st, int r)
{
	switch (r) {
	case 0:
	case EOWNERDEAD:
		return took(st, r);
	case EBUSY:
	case ETIMEDOUT:
		return FM__NOT_TAKEN;
	case EAGAIN:
		return -EAGAIN; /* the recursion count would overflow */
	default:
		return FM_ECORRUPT; /* EINVAL, ENOTRECOVERABLE: not our state */
	}
}

static int mutex_take(fm_sync *o, struct fm__waiter *w, bool all)
{
	int r = take_result(o->state, pthread_mutex_trylock(&o->state->mutex));

	(void)all;
	/*
	 * An unlock that finds FUTEX_WAITERS swaps the word to 0 and wakes one
	 * sleeper, so the bit is gone although other sleepers may remain.
	 * glibc's own waiters therefore take the mutex with the bit set, so
	 * that their unlock wakes the next one; a wait that has armed (it may
	 * have been that one sleeper) must do the same, or the others sleep
	 * on with nobody to wake them.  It costs at most one needless wake.
	 */
	if (w && w->armed && (r == FM__TAKEN || r == FM__TAKEN_ABANDONED))
		atomic_fetch_or(mutex_word(o), FUTEX_WAITERS);
	return r;
}

static void mutex_untake(fm_sync *o, int taken)
{
	/* Keep the news for the next taker: we hand the mutex back unused. */
	if (taken == FM__TAKEN_ABANDONED)
		atomic_store(&o->state->abandoned, 1);
	pthread_mutex_unlock(&o->state->mutex);
}

static bool mutex_observe(fm_sync *o, struct fm__waiter *w, bool all)
{
	_Atomic uint32_t *word = mutex_word(o);
	uint32_t v = atomic_load(word);

	(void)all;
	for (;;) {
		uint32_t tid = v & FUTEX_TID_MASK;

		/* Free, abandoned, or ours (recursion): take() will get it. */
		if (tid == 0 || tid == (uint32_t)gettid()) {
			w->expected = v;
			return true;
		}
		if (v & FUTEX_WAITERS)
			break;
		if (atomic_compare_exchange_weak(word, &v, v | FUTEX_WAITERS)) {
			v |= FUTEX_WAITERS;
			break;
		}
	}
	w->expected = v;
	return false;
}

static void mutex_pass_on(fm_sync *o)
{
	_Atomic uint32_t *word = mutex_word(o);
	uint32_t v = atomic_load(word);

	/*
	 * The unlock woke one waiter, us, and cleared FUTEX_WAITERS.  If the
	 * mutex is free, wake the next sleeper; if another thread took it
	 * meanwhile without the bit, set it, so that its unlock wakes one.
	 */
	while ((v & FUTEX_TID_MASK) != 0 && !(v & FUTEX_WAITERS))
		if (atomic_compare_exchange_weak(word, &v, v | FUTEX_WAITERS))
			return;
	if ((v & FUTEX_TID_MASK) == 0)
		fm__os_futex_wake(word, 1);
}

static void mutex_describe(const struct fm__sync_state *st, struct fm_sync_info *info)
{
	uint32_t v = (uint32_t)st->mutex.__data.__lock;

	info->owner_tid = (int32_t)(v & FUTEX_TID_MASK);
	info->signaled = info->owner_tid == 0;
	info->owner_pid = info->owner_tid ? fm__process_of_thread(info->owner_tid) : 0;
	info->recursion = info->owner_tid ? st->mutex.__data.__count : 0;
	info->abandoned = (v & FUTEX_OWNER_DIED) || atomic_load(&st->abandoned);
}

const struct fm__sync_kind fm__mutex_kind = {
	.noun = "mutex",
	.take = mutex_take,
	.untake = mutex_untake,
	.observe = mutex_observe,
	.word = mutex_word,
	.pass_on = mutex_pass_on,
	.check = mutex_check,
	.describe = mutex_describe,
};

static int mutex_init(struct fm__sync_state *st, const void *arg)
{
	int r = init_mutex(&st->mutex);

	if (r == 0 && *(const int *)arg) {
		r = -pthread_mutex_lock(&st->mutex);
		if (r == 0)
			took(st, 0);
	}
	return r;
}

/* The name existed: the new mutex, owned by us, is thrown away. */
static void mutex_undo(struct fm__sync_state *st)
{
	if (st->mutex.__data.__owner == gettid())
		pthread_mutex_unlock(&st->mutex);
}

FM_API int fm_mutex_create(fm_mutex **out, const char *name, int initial_owner,
			   const struct fm_sync_opts *opts)
{
	int owner = initial_owner != 0;

	return fm__sync_create(out, name, FM__TYPE_MUTEX, mutex_init, mutex_undo, &owner, opts,
			       "fm_mutex_create");
}

FM_API int fm_mutex_open(fm_mutex **out, const char *name)
{
	return fm__sync_open(out, name, FM__TYPE_MUTEX, "fm_mutex_open");
}

/* Locks m, waiting until deadline (NULL: forever). */
static int mutex_lock(fm_mutex *m, uint64_t timeout_ns, bool try, const char *call)
{
	struct timespec deadline;
	int r = fm__sync_use(m, FM__TYPE_MUTEX, call);

	if (r < 0)
		return r;
	if (try || timeout_ns == 0) {
		r = pthread_mutex_trylock(&m->state->mutex);
	} else if (timeout_ns == FM_INFINITE) {
		r = pthread_mutex_lock(&m->state->mutex);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		fm__deadline_add(&deadline, timeout_ns);
		r = pthread_mutex_clocklock(&m->state->mutex, CLOCK_MONOTONIC, &deadline);
	}
	r = take_result(m->state, r);
	if (r == FM__NOT_TAKEN)
		return try ? -EBUSY : -ETIMEDOUT;
	if (r < 0)
		return fm__fail(r, call, fm__sync_label(m),
				r == -EAGAIN ? "the recursion count would overflow"
					     : "corrupt mutex state");
	return r == FM__TAKEN_ABANDONED ? FM_ABANDONED : 0;
}

FM_API int fm_mutex_lock(fm_mutex *m, uint64_t timeout_ns)
{
	return mutex_lock(m, timeout_ns, false, "fm_mutex_lock");
}

FM_API int fm_mutex_trylock(fm_mutex *m)
{
	return mutex_lock(m, 0, true, "fm_mutex_trylock");
}

FM_API int fm_mutex_unlock(fm_mutex *m)
{
	static const char call[] = "fm_mutex_unlock";
	struct fm__sync_state *st;
	int r = fm__sync_use(m, FM__TYPE_MUTEX, call);

	if (r < 0)
		return r;
	st = m->state;
	/*
	 * A robust or recursive mutex's unlock by a thread that does not own
	 * it fails with EPERM (POSIX requires it, glibc checks the futex
	 * word's owner tid); no check of ours could be cheaper.
	 */
	r = pthread_mutex_unlock(&st->mutex);
	if (r == EPERM)
		return fm__fail(-EPERM, call, fm__sync_label(m),
				"the calling thread does not own the mutex");
	if (r != 0)
		return fm__fail(FM_ECORRUPT, call, fm__sync_label(m), "corrupt mutex state");
	return 0;
}

FM_API void fm_mutex_close(fm_mutex *m)
{
	fm_sync_close(m);
}
