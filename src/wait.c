/* SPDX-License-Identifier: MIT */
/*
 * wait.c - waiting on one object or several: wait-any and wait-all.
 *
 * A wait first looks: one pass of loads over its objects, taking nothing
 * and arming nothing, that finds the lowest one available (wait-any) or
 * whether all are (wait-all); only then does it take.  That is all an
 * already-signalled wait costs.  Otherwise every wait runs the same loop,
 * whatever the kinds of its objects:
 *
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
 * by the scheduler): it runs at once instead of after the spin.  A mutex
 * is armed before the spin, so that its owner hands it over (mutex.c).
 *
 * The words are written by other processes: every loop here ends at the
 * deadline, and a state that keeps changing without letting the wait take
 * anything makes it pause, not spin.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long a wait spins before it sleeps, when another CPU could be
 * answering: a few round trips between cores, far below a time slice. */
#define SPIN_NS 20000
/* After this many tries in a row that the words invited and that failed,
 * a wait pauses for PAUSE_NS before the next. */
#define BUSY_TRIES 64
#define PAUSE_NS   1000000

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

int64_t fm__now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static struct timespec timespec_of(int64_t ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
}

static bool several_cpus(void)
{
	return fm__cpu_count() > 1;
}

/* A wait that did not succeed at once.  Only w[0..count) is used (and
 * initialized). */
struct wait {
	fm_sync *const *objects;
	size_t count;
	bool all;
	int64_t deadline_ns; /* 0: none */
	struct fm__waiter w[FM_WAIT_MAX];
	int taken[FM_WAIT_MAX]; /* wait-all: what each take() gave */
};

static const struct fm__sync_kind *kind(const struct wait *wt, size_t i)
{
	return wt->objects[i]->kind;
}

/* One wait-any attempt: FM__TAKEN... with *index, FM__NOT_TAKEN, or a
 * failure.  w: the waiters (NULL before the wait armed); how: FM__TAKE_*. */
static int try_any(fm_sync *const objects[], size_t count, struct fm__waiter *w, unsigned how,
		   size_t *index)
{
	for (size_t i = 0; i < count; i++) {
		int r = objects[i]->kind->take(objects[i], w ? &w[i] : NULL, how);

		if (r != FM__NOT_TAKEN) {
			*index = i;
			return r;
		}
	}
	return FM__NOT_TAKEN;
}

/* One wait-all attempt: everything, or nothing.  *index: an abandoned one. */
static int try_all(fm_sync *const objects[], size_t count, struct fm__waiter *w, unsigned how,
		   int taken[], size_t *index)
{
	int result = FM__TAKEN;
	size_t i;

	for (i = 0; i < count; i++) {
		taken[i] = objects[i]->kind->take(objects[i], w ? &w[i] : NULL, how | FM__TAKE_ALL);
		if (taken[i] != FM__TAKEN && taken[i] != FM__TAKEN_ABANDONED)
			break;
		if (taken[i] == FM__TAKEN_ABANDONED && result == FM__TAKEN) {
			result = FM__TAKEN_ABANDONED;
			*index = i;
		}
	}
	if (i == count)
		return result;
	result = taken[i];
	while (i-- > 0)
		objects[i]->kind->untake(objects[i], taken[i]);
	return result;
}

/* The lowest of objects[0..count) that looks available (loads only), or
 * count. */
static size_t first_ready(fm_sync *const objects[], size_t count, unsigned how)
{
	for (size_t i = 0; i < count; i++)
		if (fm__sync_ready(objects[i], how))
			return i;
	return count;
}

/*
 * The first attempt, after the first pass of loads: a wait-any takes
 * objects[first], which looked available (first == count: none did); a
 * wait-all takes everything if everything looks available.  FM__TAKEN...
 * with *index, FM__NOT_TAKEN, or a failure.  how: FM__TAKE_*.
 */
static int first_attempt(fm_sync *const objects[], size_t count, unsigned how, size_t first,
			 size_t *index)
{
	int taken[FM_WAIT_MAX], r;

	if (how & FM__TAKE_ALL) {
		for (size_t i = 0; i < count; i++)
			if (!fm__sync_ready(objects[i], how))
				return FM__NOT_TAKEN;
		return try_all(objects, count, NULL, how, taken, index);
	}
	if (first >= count)
		return FM__NOT_TAKEN;
	*index = first;
	r = objects[first]->kind->take(objects[first], NULL, how);
	/* Another thread was quicker: try them all. */
	return r == FM__NOT_TAKEN ? try_any(objects, count, NULL, how, index) : r;
}

/* An attempt of an armed wait (it may wait). */
static int attempt(struct wait *wt, size_t *index)
{
	if (wt->all)
		return try_all(wt->objects, wt->count, wt->w, FM__TAKE_MAY_WAIT, wt->taken, index);
	return try_any(wt->objects, wt->count, wt->w, FM__TAKE_MAY_WAIT, index);
}

/* Raises the waiters hints of the objects (only mutexes: before the spin;
 * then the rest) and notes what each word is now. */
static void arm(struct wait *wt, bool mutexes_only)
{
	for (size_t i = 0; i < wt->count; i++) {
		fm_sync *o = wt->objects[i];

		if (wt->w[i].armed || (mutexes_only && o->type != FM__TYPE_MUTEX))
			continue;
		atomic_fetch_add(o->waiters, 1);
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
		atomic_fetch_sub(o->waiters, 1);
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

/* The time the sleep ends at: the deadline, or earlier when a mutex may
 * be taken back then (0: none). */
static int64_t wake_at(const struct wait *wt)
{
	int64_t at = wt->deadline_ns;

	for (size_t i = 0; i < wt->count; i++)
		if (wt->w[i].retry_ns && (at == 0 || wt->w[i].retry_ns < at))
			at = wt->w[i].retry_ns;
	return at;
}

/* Sleeps until an observed word changes: 0, -EAGAIN, -ETIMEDOUT, -ENOSYS. */
static int sleep_on(struct wait *wt)
{
	const _Atomic uint32_t *words[FM_WAIT_MAX];
	uint32_t expected[FM_WAIT_MAX];
	int64_t at = wake_at(wt);
	struct timespec until = timespec_of(at);
	int r;

	if (wt->count == 1) {
		r = fm__os_futex_wait(wt->objects[0]->word, wt->w[0].expected, at ? &until : NULL);
		if (r == 0)
			wt->w[0].woke = true;
		return r;
	}
	for (size_t i = 0; i < wt->count; i++) {
		words[i] = wt->objects[i]->word;
		expected[i] = wt->w[i].expected;
	}
	r = fm__os_futex_waitv(words, expected, wt->count, at ? &until : NULL);
	if (r >= 0 && (size_t)r < wt->count) {
		wt->w[r].woke = true;
		r = 0;
	}
	return r;
}

static bool past(const struct wait *wt)
{
	return wt->deadline_ns && fm__now_ns() >= wt->deadline_ns;
}

/* Tries for SPIN_NS before the wait sleeps; FM__NOT_TAKEN if in vain. */
static int spin(struct wait *wt, size_t *index)
{
	int64_t until;
	int r = FM__NOT_TAKEN;

	if (!several_cpus())
		return r;
	until = fm__now_ns() + SPIN_NS;
	do {
		sched_yield();
		r = attempt(wt, index);
	} while (r == FM__NOT_TAKEN && fm__now_ns() < until);
	return r;
}

/* Sleeps a little, not past the deadline: the words invite tries that keep
 * failing (they change faster than honest holders change them). */
static void pause_briefly(const struct wait *wt)
{
	int64_t ns = PAUSE_NS;
	struct timespec t;

	if (wt->deadline_ns && wt->deadline_ns - fm__now_ns() < ns)
		ns = wt->deadline_ns - fm__now_ns();
	if (ns <= 0)
		return;
	t = timespec_of(ns);
	nanosleep(&t, NULL);
}

/* Waits, armed, until it takes, fails or times out. */
static int wait_loop(struct wait *wt, size_t *index)
{
	int busy = 0, r;

	for (;;) {
		bool worth = worth_trying(wt);

		r = attempt(wt, index);
		if (r != FM__NOT_TAKEN)
			return r;
		if (past(wt))
			return -ETIMEDOUT;
		if (worth && ++busy < BUSY_TRIES)
			continue; /* it changed between our look and our try */
		if (worth) {
			pause_briefly(wt);
			busy = 0;
			continue;
		}
		busy = 0;
		r = sleep_on(wt);
		if (r == -ENOSYS || r == -EINVAL || r == -EFAULT)
			return r;
		/* -ETIMEDOUT: the deadline (seen at the top), or a mutex this
		 * thread handed over may be taken back now. */
	}
}

/* The wait after the first pass failed: arms, spins, sleeps. */
static int wait_slow(fm_sync *const objects[], size_t count, bool all, uint64_t timeout_ns,
		     size_t *index)
{
	struct wait wt;
	int r;

	wt.objects = objects;
	wt.count = count;
	wt.all = all;
	wt.deadline_ns = 0;
	if (timeout_ns != FM_INFINITE) {
		struct timespec deadline;

		clock_gettime(CLOCK_MONOTONIC, &deadline);
		fm__deadline_add(&deadline, timeout_ns);
		wt.deadline_ns = ns_of(&deadline);
	}
	memset(wt.w, 0, count * sizeof(wt.w[0]));
	arm(&wt, true);
	r = spin(&wt, index);
	if (r == FM__NOT_TAKEN) {
		arm(&wt, false);
		r = wait_loop(&wt, index);
	}
	disarm(&wt, r == FM__TAKEN || r == FM__TAKEN_ABANDONED ? 0 : -1, *index);
	return r;
}

int fm__take_result(int r, const char *call, const char *label)
{
	switch (r) {
	case FM__TAKEN:
		return 0;
	case FM__TAKEN_ABANDONED:
		return FM_ABANDONED;
	case FM__NOT_TAKEN:
	case -ETIMEDOUT:
		return -ETIMEDOUT;
	case -ENOSYS:
		return fm__fail(r, call, label,
				"waiting on several objects needs futex_waitv (Linux 5.16 or later)");
	case -EINVAL:
	case -EFAULT:
		return fm__fail(r, call, label, "the kernel refused the wait");
	case -EAGAIN:
		return fm__fail(r, call, label, "the mutex's recursion count would overflow");
	case -ENOTSUP:
		return fm__fail(r, call, label,
				"this thread has no robust-futex list of the layout filemap links into");
	default:
		return fm__fail(r, call, label, r == FM_ECORRUPT ? "corrupt state" : NULL);
	}
}

static unsigned how_of(bool all, uint64_t timeout_ns)
{
	return (all ? FM__TAKE_ALL : 0) | (timeout_ns != 0 ? FM__TAKE_MAY_WAIT : 0);
}

/* fm__wait, after a first pass of loads found objects[first] available
 * (first == count: none). */
static int wait_from(fm_sync *const objects[], size_t count, bool all, uint64_t timeout_ns,
		     size_t *index, size_t first, const char *call)
{
	size_t taken = 0;
	int r = first_attempt(objects, count, how_of(all, timeout_ns), first, &taken);

	if (r == FM__NOT_TAKEN && timeout_ns != 0)
		r = wait_slow(objects, count, all, timeout_ns, &taken);
	if (__builtin_expect(r == FM__TAKEN, 1) && (all || !index)) {
		if (index)
			*index = 0;
		return 0;
	}
	if (index && (r == FM__TAKEN || r == FM__TAKEN_ABANDONED))
		*index = r == FM__TAKEN_ABANDONED || !all ? taken : 0;
	if (r == FM__TAKEN)
		return 0;
	return fm__take_result(r, call, fm__sync_label(objects[taken < count ? taken : 0]));
}

int fm__wait(fm_sync *const objects[], size_t count, bool all, uint64_t timeout_ns,
	     size_t *index, const char *call)
{
	size_t first = all ? count : first_ready(objects, count, how_of(all, timeout_ns));

	return wait_from(objects, count, all, timeout_ns, index, first, call);
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

/* An open event or semaphore: available when its word is not 0. */
#define OPEN_COUNTER FM__SYNC_OPEN(UINT32_MAX)

/*
 * How many of objects[0..count) in a row are open events or semaphores not
 * available now: the bulk of a wait-any's first pass, one compare and two
 * loads an object, unrolled.  Stops at one that is available, or of
 * another kind, or not a handle.
 */
static size_t unset_counters(fm_sync *const objects[], size_t count)
{
	size_t i;

#pragma GCC unroll 4
	for (i = 0; i < count; i++) {
		fm_sync *o = objects[i];

		if (!o || atomic_load_explicit(&o->open, memory_order_relaxed) != OPEN_COUNTER ||
		    atomic_load_explicit(o->word, memory_order_relaxed) != 0)
			break;
	}
	return i;
}

/*
 * The first pass of a wait-any, loads only: checks every handle (false if
 * one is not open) and finds the lowest object that looks available
 * (*first; count: none).
 */
static bool look(fm_sync *const objects[], size_t count, unsigned how, size_t *first)
{
	size_t i = 0;

	*first = count;
	while ((i += unset_counters(objects + i, count - i)) < count) {
		if (!objects[i] || !fm__sync_is_open(objects[i]))
			return false;
		if (fm__sync_ready(objects[i], how)) {
			*first = i;
			break;
		}
		i++;
	}
	for (i = *first + 1; i < count; i++)
		if (!objects[i] || !fm__sync_is_open(objects[i]))
			return false;
	return true;
}

/*
 * A thread's last wait-any set, and once the thread has waited on the same
 * events and semaphores twice in a row, where each one's futex word is.  A
 * program that waits on the same handles again and again (a
 * WaitForMultipleObjects loop) then has them checked once: each later first
 * pass compares its array with this copy and loads each word: two loads an
 * object, where look() makes four, two of them in the handle's line.
 * The words hold while no handle of the process has been closed since the
 * handles were checked (fm__sync_closes): until then each of them is open,
 * at its address.  Only handles are remembered, never a word's value.
 */
struct fm__wait_memo {
	size_t count;      /* the set's size; 0: none */
	bool known;        /* words[] are known, checked when closes was... */
	uint64_t closes;   /* ...fm__sync_closes */
	unsigned misses;   /* first passes it did not serve: to 127, then from 64 */
	fm_sync *objects[FM_WAIT_MAX];
	_Atomic uint32_t *words[FM_WAIT_MAX];
};

static bool memo_is(const struct fm__wait_memo *m, fm_sync *const objects[], size_t count)
{
	return m->count == count && memcmp(m->objects, objects, count * sizeof(objects[0])) == 0;
}

/* Whether m knows the words of objects[0..count), checked since the last
 * close. */
static bool memo_holds(const struct fm__wait_memo *m, fm_sync *const objects[], size_t count)
{
	return m && m->known &&
	       m->closes == atomic_load_explicit(&fm__sync_closes, memory_order_acquire) &&
	       memo_is(m, objects, count);
}

/* The first of the memo's objects whose word is not 0 (available: they are
 * all events and semaphores), or its count. */
static size_t memo_first(const struct fm__wait_memo *m)
{
	size_t count = m->count, i;

#pragma GCC unroll 4
	for (i = 0; i < count; i++)
		if (atomic_load_explicit(m->words[i], memory_order_relaxed) != 0)
			break;
	return i;
}

/* Learns the words of objects[0..count), checked open after fm__sync_closes
 * was closes, if all of them are events and semaphores (OPEN_COUNTER); else
 * forgets the set, whose next waits are misses. */
static void memo_learn(struct fm__wait_memo *m, fm_sync *const objects[], size_t count,
		       uint64_t closes)
{
#pragma GCC unroll 4
	for (size_t i = 0; i < count; i++) {
		if (atomic_load_explicit(&objects[i]->open, memory_order_relaxed) != OPEN_COUNTER) {
			m->count = 0;
			return;
		}
		m->words[i] = objects[i]->word;
	}
	m->closes = closes;
	m->known = true;
}

/*
 * After look() checked objects[0..count) (closes: fm__sync_closes before):
 * the same set as the one noted has its words learnt, another may be noted
 * in its place.  Noting copies the set, which would cost a program that
 * changes its set at every wait a quarter of the first pass: of the
 * thread's misses only the 1st, 2nd, 4th... 64th, then every 64th are
 * noted.  A set waited on again and again is still learnt within 65 waits,
 * and one of two sets waited on in turn stays learnt.
 */
static void memo_note(struct fm__thread *t, fm_sync *const objects[], size_t count,
		      uint64_t closes)
{
	struct fm__wait_memo *m = t->wait_memo;

	if (!m) {
		/* Freed as the thread ends: only with the hook armed. */
		if (!t->exit_hook)
			fm__thread_arm_exit_hook(t);
		m = t->exit_hook ? calloc(1, sizeof(*m)) : NULL;
		if (!m)
			return;
		t->wait_memo = m;
	}
	if (memo_is(m, objects, count)) {
		memo_learn(m, objects, count, closes);
		return;
	}
	/* 1, 2, 4... 64 are the powers of two; then 64 comes every 64th. */
	m->misses = m->misses < 127 ? m->misses + 1 : 64;
	if ((m->misses & (m->misses - 1)) != 0)
		return;
	m->known = false;
	/* A loop: the compiler's inline memcpy of a variable size here is a
	 * rep movsq, slower to start than copying 64 pointers. */
#pragma GCC unroll 4
	for (size_t i = 0; i < count; i++)
		m->objects[i] = objects[i];
	m->count = count;
}

/* The first pass: the thread's memo if it knows these handles, else look(),
 * which checks them.  A wait-any over 64 objects whose last one is set
 * then costs about 1.5 times a single wait (bench-sync). */
FM_API int fm_wait_any(fm_sync *const objects[], size_t count, uint64_t timeout_ns,
		       size_t *index)
{
	static const char call[] = "fm_wait_any";
	struct fm__thread *t;
	uint64_t closes;
	size_t first;

	if (!objects || count == 0 || count > FM_WAIT_MAX)
		return check_objects(objects, count, false, call);
	t = fm__thread();
	if (memo_holds(t->wait_memo, objects, count)) {
		first = memo_first(t->wait_memo);
	} else {
		closes = atomic_load_explicit(&fm__sync_closes, memory_order_acquire);
		if (!look(objects, count, how_of(false, timeout_ns), &first))
			return check_objects(objects, count, false, call);
		memo_note(t, objects, count, closes);
	}
	return wait_from(objects, count, false, timeout_ns, index, first, call);
}

FM_API int fm_wait_all(fm_sync *const objects[], size_t count, uint64_t timeout_ns,
		       size_t *index)
{
	static const char call[] = "fm_wait_all";
	int r = check_objects(objects, count, true, call);

	return r < 0 ? r : fm__wait(objects, count, true, timeout_ns, index, call);
}

static const char sync_wait_call[] = "fm_sync_wait";

/* fm_sync_wait but for a mutex: apart, so that a mutex's (the Win32
 * layer's WaitForSingleObject) pays nothing for it. */
static __attribute__((noinline)) int wait_one(fm_sync *o, uint64_t timeout_ns)
{
	int r = fm__sync_use(o, 0, sync_wait_call);

	if (r < 0)
		return r;
	return fm__wait(&o, 1, false, timeout_ns, NULL, sync_wait_call);
}

FM_API int fm_sync_wait(fm_sync *o, uint64_t timeout_ns)
{
	if (o && fm__sync_is_open(o) && o->type == FM__TYPE_MUTEX)
		return fm__mutex_lock(o, timeout_ns, false, sync_wait_call);
	return wait_one(o, timeout_ns);
}
