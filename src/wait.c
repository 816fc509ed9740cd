/* SPDX-License-Identifier: MIT */
/*
 * wait.c - waiting on one object or several: wait-any and wait-all.
 *
 * Every wait runs the same loop, whatever the kinds of its objects:
 *
 *   try to take (any: the lowest available; all: every one, or give back
 *   what it took and have nothing);
 *   arm (raise each object's waiters hint, so that setters wake us);
 *   loop: observe each object's futex word, try again if the observation
 *         says it could succeed, else sleep until one of the words changes
 *         from what was observed (futex_wait for one object, futex_waitv
 *         for several).
 *
 * A sleeper woken by an object it then does not take (it took another, or
 * timed out) passes the wake on, so that a waker's single wake is never
 * swallowed.  Wait-all cannot take several words atomically: it takes them
 * one by one and gives all back if one fails, so an object may look taken
 * for an instant; Windows' promise, that a wait-all that cannot complete
 * consumes nothing, holds.
 *
 * Before it sleeps, a wait on a machine with more than one CPU tries again
 * for a few microseconds, yielding the CPU between tries: a partner busy on
 * another core usually answers within that time, and a round trip without
 * a sleep is many times faster.  Yielding rather than pausing matters when
 * the partner needs this very CPU (both pinned to one, or placed together
 * by the scheduler): it runs at once instead of after the spin.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <linux/futex.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

/* How long a wait spins before it sleeps, when another CPU could be
 * answering: a few round trips between cores, far below a time slice. */
#define SPIN_NS 20000

void fm__deadline_add(struct timespec *t, uint64_t ns)
{
	uint64_t sec = ns / 1000000000u;

	/* A timeout of centuries is as good as infinite; keep time_t sane. */
	if (sec > (uint64_t)INT32_MAX)
		sec = INT32_MAX;
	t->tv_sec += (time_t)sec;
	t->tv_nsec += (long)(ns % 1000000000u);
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

static bool past(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

static bool several_cpus(void)
{
	static _Atomic int cpus;
	int n = atomic_load_explicit(&cpus, memory_order_relaxed);

	if (n == 0) {
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
		atomic_store_explicit(&cpus, n > 0 ? n : 1, memory_order_relaxed);
	}
	return n > 1;
}

struct wait {
	fm_sync *const *objects;
	size_t count;
	bool all;
	struct fm__waiter w[FM_WAIT_MAX];
	int taken[FM_WAIT_MAX]; /* wait-all: what each take() gave */
};

static const struct fm__sync_kind *kind(const struct wait *wt, size_t i)
{
	return fm__sync_kind_of(wt->objects[i]->type);
}

/* One wait-any attempt: FM__TAKEN... with *index, FM__NOT_TAKEN, or a failure. */
static int try_any(struct wait *wt, size_t *index)
{
	for (size_t i = 0; i < wt->count; i++) {
		int r = kind(wt, i)->take(wt->objects[i], &wt->w[i], false);

		if (r != FM__NOT_TAKEN) {
			*index = i;
			return r;
		}
	}
	return FM__NOT_TAKEN;
}

/* One wait-all attempt: everything, or nothing.  *index: an abandoned one. */
static int try_all(struct wait *wt, size_t *index)
{
	int result = FM__TAKEN;
	size_t i;

	for (i = 0; i < wt->count; i++) {
		wt->taken[i] = kind(wt, i)->take(wt->objects[i], &wt->w[i], true);
		if (wt->taken[i] != FM__TAKEN && wt->taken[i] != FM__TAKEN_ABANDONED)
			break;
		if (wt->taken[i] == FM__TAKEN_ABANDONED && result == FM__TAKEN) {
			result = FM__TAKEN_ABANDONED;
			*index = i;
		}
	}
	if (i == wt->count)
		return result;
	result = wt->taken[i];
	while (i-- > 0)
		kind(wt, i)->untake(wt->objects[i], wt->taken[i]);
	return result;
}

static int attempt(struct wait *wt, size_t *index)
{
	return wt->all ? try_all(wt, index) : try_any(wt, index);
}

/* Raises the waiters hints (mutexes use FUTEX_WAITERS instead). */
static void arm(struct wait *wt)
{
	for (size_t i = 0; i < wt->count; i++) {
		fm_sync *o = wt->objects[i];

		if (o->type != FM__TYPE_MUTEX)
			atomic_fetch_add(&o->state->waiters, 1);
		kind(wt, i)->observe(o, &wt->w[i], wt->all); /* notes a manual event's generation */
		wt->w[i].armed = true;
	}
}

static void disarm(struct wait *wt, int result, size_t index)
{
	for (size_t i = 0; i < wt->count; i++) {
		fm_sync *o = wt->objects[i];
		bool took = result >= 0 && (wt->all || i == index);

		if (!wt->w[i].armed)
			continue;
		if (o->type != FM__TYPE_MUTEX)
			atomic_fetch_sub(&o->state->waiters, 1);
		if (wt->w[i].woke && !took)
			kind(wt, i)->pass_on(o);
	}
}

/* Whether the observed words say another attempt could succeed. */
static bool worth_trying(struct wait *wt)
{
	bool any = false, all = true;

	for (size_t i = 0; i < wt->count; i++) {
		bool ok = kind(wt, i)->observe(wt->objects[i], &wt->w[i], wt->all);

		any |= ok;
		all &= ok;
	}
	return wt->all ? all : any;
}

/* Sleeps until an observed word changes: 0, -EAGAIN, -ETIMEDOUT, -ENOSYS. */
static int sleep_on(struct wait *wt, const struct timespec *deadline)
{
	const _Atomic uint32_t *words[FM_WAIT_MAX];
	uint32_t expected[FM_WAIT_MAX];
	int r;

	if (wt->count == 1) {
		r = fm__os_futex_wait(kind(wt, 0)->word(wt->objects[0]), wt->w[0].expected,
				      deadline);
		if (r == 0)
			wt->w[0].woke = true;
		return r;
	}
	for (size_t i = 0; i < wt->count; i++) {
		words[i] = kind(wt, i)->word(wt->objects[i]);
		expected[i] = wt->w[i].expected;
	}
	r = fm__os_futex_waitv(words, expected, wt->count, deadline);
	if (r >= 0 && (size_t)r < wt->count) {
		wt->w[r].woke = true;
		r = 0;
	}
	return r;
}

/* Tries for SPIN_NS before the wait sleeps; FM__NOT_TAKEN if in vain. */
static int spin(struct wait *wt, size_t *index)
{
	struct timespec until;
	int r = FM__NOT_TAKEN;

	if (!several_cpus())
		return r;
	clock_gettime(CLOCK_MONOTONIC, &until);
	fm__deadline_add(&until, SPIN_NS);
	do {
		sched_yield();
		r = attempt(wt, index);
	} while (r == FM__NOT_TAKEN && !past(&until));
	return r;
}

/* Turns a take() result into the wait's result. */
static int result_of(int r, const char *call, const struct wait *wt, size_t index)
{
	if (r == FM__TAKEN)
		return 0;
	if (r == FM__TAKEN_ABANDONED)
		return FM_ABANDONED;
	return fm__fail(r, call, fm__sync_label(wt->objects[index < wt->count ? index : 0]),
			r == FM_ECORRUPT ? "corrupt state" : NULL);
}

int fm__wait(fm_sync *const objects[], size_t count, bool all, uint64_t timeout_ns,
	     size_t *index, const char *call)
{
	struct wait wt = { .objects = objects, .count = count, .all = all };
	struct timespec deadline, *dl = NULL;
	size_t taken = 0;
	int r;

	r = attempt(&wt, &taken);
	if (r == FM__NOT_TAKEN && timeout_ns != 0)
		r = spin(&wt, &taken);
	if (r != FM__NOT_TAKEN || timeout_ns == 0)
		goto out;
	if (timeout_ns != FM_INFINITE) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		fm__deadline_add(&deadline, timeout_ns);
		dl = &deadline;
	}
	arm(&wt);
	for (;;) {
		bool worth = worth_trying(&wt);

		r = attempt(&wt, &taken);
		if (r != FM__NOT_TAKEN)
			break;
		if (worth)
			continue; /* it changed between our look and our try */
		r = sleep_on(&wt, dl);
		if (r == -ETIMEDOUT || r == -ENOSYS || r == -EINVAL || r == -EFAULT)
			break;
	}
	disarm(&wt, r == FM__TAKEN || r == FM__TAKEN_ABANDONED ? 0 : -1, taken);
out:
	if (r == FM__NOT_TAKEN || r == -ETIMEDOUT)
		return -ETIMEDOUT;
	if (r == -ENOSYS)
		return fm__fail(r, call, fm__sync_label(objects[0]),
				"waiting on several objects needs futex_waitv (Linux 5.16 or later)");
	if (r == -EINVAL || r == -EFAULT)
		return fm__fail(r, call, fm__sync_label(objects[0]), "the kernel refused the wait");
	if (index && (r == FM__TAKEN || r == FM__TAKEN_ABANDONED))
		*index = r == FM__TAKEN_ABANDONED || !all ? taken : 0;
	return result_of(r, call, &wt, taken);
}

/* Checks a wait's arguments: 0, or a failure with its message set. */
static int check_objects(fm_sync *const objects[], size_t count, bool all, const char *call)
{
	int r;

	if (!objects)
		return fm__fail(-EINVAL, call, NULL, "objects is NULL");
	if (count == 0 || count > FM_WAIT_MAX)
		return fm__fail(-EINVAL, call, NULL, "count %zu: wait on 1 to %d objects", count,
				FM_WAIT_MAX);
	for (size_t i = 0; i < count; i++) {
		r = fm__sync_use(objects[i], 0, call);
		if (r < 0)
			return r;
		for (size_t j = 0; all && j < i; j++)
			if (objects[j]->obj.dev == objects[i]->obj.dev &&
			    objects[j]->obj.ino == objects[i]->obj.ino)
				return fm__fail(-EINVAL, call, fm__sync_label(objects[i]),
						"objects %zu and %zu are the same object: a wait-all cannot take it twice",
						j, i);
	}
	return 0;
}

FM_API int fm_wait_any(fm_sync *const objects[], size_t count, uint64_t timeout_ns,
		       size_t *index)
{
	static const char call[] = "fm_wait_any";
	int r = check_objects(objects, count, false, call);

	return r < 0 ? r : fm__wait(objects, count, false, timeout_ns, index, call);
}

FM_API int fm_wait_all(fm_sync *const objects[], size_t count, uint64_t timeout_ns,
		       size_t *index)
{
	static const char call[] = "fm_wait_all";
	int r = check_objects(objects, count, true, call);

	return r < 0 ? r : fm__wait(objects, count, true, timeout_ns, index, call);
}

FM_API int fm_sync_wait(fm_sync *o, uint64_t timeout_ns)
{
	static const char call[] = "fm_sync_wait";
	int r = fm__sync_use(o, 0, call);

	if (r < 0)
		return r;
	if (o->type == FM__TYPE_MUTEX)
		return fm_mutex_lock(o, timeout_ns);
	return fm__wait(&o, 1, false, timeout_ns, NULL, call);
}
