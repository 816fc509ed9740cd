/* SPDX-License-Identifier: MIT */
/*
 * semaphore.c - named semaphores: a count between 0 and a maximum.
 *
 * The count is the futex word; the maximum is fixed at create.  A release
 * that would pass the maximum changes nothing (Windows' ERROR_TOO_MANY_POSTS).
 * Releasers read the waiters hint after raising the count, waiters raise it
 * before reading the count, so a release that sees no waiter needs no wake.
 */
#define _GNU_SOURCE
#include "sync.h"

static uint32_t maximum_of(const struct fm__counter_state *st)
{
	return atomic_load_explicit(&st->param, memory_order_relaxed);
}

static const char *semaphore_check(const void *state)
{
	const struct fm__counter_state *st = state;

	if (atomic_load(&st->tag) != FM__STATE_TAG(FM__TYPE_SEMAPHORE))
		return "not a semaphore's state";
	if (maximum_of(st) == 0 || maximum_of(st) > INT32_MAX)
		return "bad maximum count";
	if (atomic_load(&st->word) > maximum_of(st))
		return "count above the maximum";
	return NULL;
}

static int semaphore_take(fm_sync *o, struct fm__waiter *w, unsigned how)
{
	struct fm__counter_state *st = o->counter;
	uint32_t v = atomic_load(&st->word);

	(void)w;
	(void)how;
	/* Bounded: a count that others keep changing ends as "not taken". */
	for (int i = 0; i < FM__CAS_TRIES && v > 0; i++) {
		if (v > maximum_of(st))
			return FM_ECORRUPT;
		if (atomic_compare_exchange_weak(&st->word, &v, v - 1))
			return FM__TAKEN;
	}
	return FM__NOT_TAKEN;
}

static bool semaphore_observe(fm_sync *o, struct fm__waiter *w, bool all)
{
	(void)all;
	w->expected = atomic_load(&o->counter->word);
	return w->expected > 0;
}

/* Adds n to the count unless that passes the maximum; wakes n waiters. */
static int add(struct fm__counter_state *st, uint32_t n, uint32_t *previous)
{
	uint32_t v = atomic_load(&st->word), max = maximum_of(st);
	int tries = 0;

	do {
		if (v > max || max > INT32_MAX || ++tries > FM__CAS_TRIES)
			return FM_ECORRUPT;
		if (n > max - v)
			return -EOVERFLOW;
	} while (!atomic_compare_exchange_weak(&st->word, &v, v + n));
	if (previous)
		*previous = v;
	if (atomic_load(&st->waiters) > 0)
		fm__os_futex_wake(&st->word, n > INT32_MAX ? INT32_MAX : (int)n);
	return 0;
}

static void semaphore_untake(fm_sync *o, int taken)
{
	(void)taken;
	add(o->counter, 1, NULL);
}

static void semaphore_pass_on(fm_sync *o)
{
	if (atomic_load(&o->counter->word) > 0 && atomic_load(&o->counter->waiters) > 0)
		fm__os_futex_wake(&o->counter->word, 1);
}

static void semaphore_describe(const void *state, struct fm_sync_info *info)
{
	const struct fm__counter_state *st = state;

	info->count = atomic_load(&st->word);
	info->maximum = maximum_of(st);
	info->signaled = info->count > 0;
}

const struct fm__sync_kind fm__semaphore_kind = {
	.noun = "semaphore",
	.take = semaphore_take,
	.untake = semaphore_untake,
	.observe = semaphore_observe,
	.pass_on = semaphore_pass_on,
	.check = semaphore_check,
	.describe = semaphore_describe,
};

struct counts {
	uint32_t initial, maximum;
};

static int semaphore_init(void *state, struct fm__mutex_local *local, const void *arg)
{
	struct fm__counter_state *st = state;
	const struct counts *c = arg;

	(void)local;
	atomic_store(&st->tag, FM__STATE_TAG(FM__TYPE_SEMAPHORE));
	atomic_store(&st->param, c->maximum);
	atomic_store(&st->word, c->initial);
	return 0;
}

FM_API int fm_semaphore_create(fm_semaphore **out, const char *name, uint32_t initial,
			       uint32_t maximum, const struct fm_sync_opts *opts)
{
	static const char call[] = "fm_semaphore_create";
	struct counts c = { initial, maximum };

	if (maximum == 0 || maximum > INT32_MAX)
		return fm__fail(-EINVAL, call, name ? name : "(unnamed)",
				"maximum %u: it must be 1 to %d", maximum, INT32_MAX);
	if (initial > maximum)
		return fm__fail(-EINVAL, call, name ? name : "(unnamed)",
				"initial count %u is above the maximum %u", initial, maximum);
	return fm__sync_create(out, name, FM__TYPE_SEMAPHORE, semaphore_init, NULL, &c, opts, call);
}

FM_API int fm_semaphore_open(fm_semaphore **out, const char *name)
{
	return fm__sync_open(out, name, FM__TYPE_SEMAPHORE, "fm_semaphore_open");
}

FM_API int fm_semaphore_release(fm_semaphore *s, uint32_t count, uint32_t *previous)
{
	static const char call[] = "fm_semaphore_release";
	int r = fm__sync_use(s, FM__TYPE_SEMAPHORE, call);

	if (r < 0)
		return r;
	if (count == 0)
		return fm__fail(-EINVAL, call, fm__sync_label(s), "count 0: release at least 1");
	r = add(s->counter, count, previous);
	if (r == -EOVERFLOW)
		return fm__fail(r, call, fm__sync_label(s),
				"releasing %u would pass the maximum count %u", count,
				maximum_of(s->counter));
	if (r < 0)
		return fm__fail(r, call, fm__sync_label(s), "corrupt semaphore state: %s",
				semaphore_check(s->counter));
	return 0;
}

FM_API int fm_semaphore_wait(fm_semaphore *s, uint64_t timeout_ns)
{
	static const char call[] = "fm_semaphore_wait";
	int r = fm__sync_use(s, FM__TYPE_SEMAPHORE, call);

	return r < 0 ? r : fm__wait(&s, 1, false, timeout_ns, NULL, call);
}

FM_API void fm_semaphore_close(fm_semaphore *s)
{
	fm_sync_close(s);
}
