/* SPDX-License-Identifier: MIT */
/*
 * event.c - named events, auto-reset and manual-reset, as Windows has them.
 *
 * The state is one futex word.  Bit 0 says signalled.  The rest counts in
 * units of FM__EV_UNIT:
 *
 *  - auto-reset: tokens.  Windows releases one waiter at the moment of a
 *    set when somebody waits, and the event stays unsignalled; two quick
 *    sets release two waiters.  A plain bit would lose the second set, so a
 *    set that sees waiters hands over a token and wakes one; a waiter takes
 *    a token or the bit.  If the wake found nobody asleep (the waiters were
 *    awake, or dead), the token turns back into the bit, so that a set
 *    with nobody waiting is just "signalled", however often repeated.
 *  - manual-reset: a generation, bumped by every set and pulse.  A waiter
 *    notes it when it starts; a changed generation releases it even if the
 *    event was reset again before it woke (Windows releases the waiters at
 *    the set).
 *
 * Setters read the waiters hint after changing the word, waiters raise it
 * before reading the word (both sequentially consistent), so a setter that
 * sees no waiter can skip the wake: any waiter it missed will see the word.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <limits.h>

/* More tokens than this cannot be outstanding (each needs a setter in
 * flight); a word claiming more was not written by us. */
#define MAX_TOKENS 65536u

static bool is_manual(const struct fm__counter_state *st)
{
	return atomic_load_explicit(&st->param, memory_order_relaxed) & FM_EVENT_MANUAL_RESET;
}

static const char *event_check(const void *state)
{
	const struct fm__counter_state *st = state;

	if (atomic_load(&st->tag) != FM__STATE_TAG(FM__TYPE_EVENT))
		return "not an event's state";
	if (atomic_load(&st->param) & ~FM_EVENT_MANUAL_RESET)
		return "unknown event kind";
	if (!is_manual(st) && atomic_load(&st->word) / FM__EV_UNIT > MAX_TOKENS)
		return "impossible token count";
	return NULL;
}

/* Whether a wait that armed at generation w->gen may go. */
static bool available(const struct fm__counter_state *st, uint32_t v, const struct fm__waiter *w,
		      bool all)
{
	if (v & FM__EV_SIGNALED)
		return true;
	if (is_manual(st))
		return !all && w && w->armed && v / FM__EV_UNIT != w->gen;
	return v >= FM__EV_UNIT;
}

static int event_take(fm_sync *o, struct fm__waiter *w, unsigned how)
{
	struct fm__counter_state *st = o->counter;
	uint32_t v = atomic_load(&st->word);

	if (is_manual(st))
		return available(st, v, w, how & FM__TAKE_ALL) ? FM__TAKEN : FM__NOT_TAKEN;
	for (int i = 0; i < FM__CAS_TRIES && (v & FM__EV_SIGNALED || v >= FM__EV_UNIT); i++) {
		uint32_t next = v >= FM__EV_UNIT ? v - FM__EV_UNIT : v & ~FM__EV_SIGNALED;

		if (next / FM__EV_UNIT > MAX_TOKENS)
			return FM_ECORRUPT;
		if (atomic_compare_exchange_weak(&st->word, &v, next))
			return FM__TAKEN;
	}
	return FM__NOT_TAKEN;
}

static bool event_observe(fm_sync *o, struct fm__waiter *w, bool all)
{
	w->expected = atomic_load(&o->counter->word);
	if (!w->armed)
		w->gen = w->expected / FM__EV_UNIT;
	return available(o->counter, w->expected, w, all);
}

/*
 * A token is outstanding: wake a sleeper to take it.  If none was asleep,
 * take a token back (unless a waiter took it meanwhile), leaving the
 * signalled bit or (signal: a set) setting it, which a repeated set leaves
 * as it is.
 */
static void hand_over(struct fm__counter_state *st, bool signal)
{
	uint32_t v;

	if (fm__os_futex_wake(&st->word, 1) > 0)
		return;
	v = atomic_load(&st->word);
	for (int i = 0; i < FM__CAS_TRIES && v >= FM__EV_UNIT; i++)
		if (atomic_compare_exchange_weak(&st->word, &v,
						 (v - FM__EV_UNIT) | (signal ? FM__EV_SIGNALED : 0)))
			break;
}

static void auto_set(struct fm__counter_state *st)
{
	uint32_t v;

	if (atomic_load(&st->waiters) > 0) {
		atomic_fetch_add(&st->word, FM__EV_UNIT);
		hand_over(st, true);
		return;
	}
	v = atomic_fetch_or(&st->word, FM__EV_SIGNALED);
	/* A waiter that armed meanwhile may have read the word before us. */
	if (!(v & FM__EV_SIGNALED) && atomic_load(&st->waiters) > 0)
		fm__os_futex_wake(&st->word, 1);
}

static void manual_bump(struct fm__counter_state *st, bool signal)
{
	uint32_t v = atomic_load(&st->word), next;
	int tries = 0;

	do {
		if (signal && (v & FM__EV_SIGNALED))
			return; /* already set: nobody waits on a set event */
		if (++tries > FM__CAS_TRIES)
			break; /* a word nobody honest writes so fast: wake anyway */
		next = (v / FM__EV_UNIT + 1) * FM__EV_UNIT | (signal ? FM__EV_SIGNALED : 0);
	} while (!atomic_compare_exchange_weak(&st->word, &v, next));
	if (atomic_load(&st->waiters) > 0)
		fm__os_futex_wake(&st->word, INT_MAX);
}

static void event_untake(fm_sync *o, int taken)
{
	(void)taken;
	if (!is_manual(o->counter))
		auto_set(o->counter);
}

static void event_pass_on(fm_sync *o)
{
	struct fm__counter_state *st = o->counter;

	if (!is_manual(st) && atomic_load(&st->word) >= FM__EV_UNIT)
		hand_over(st, true);
}

static void event_describe(const void *state, struct fm_sync_info *info)
{
	const struct fm__counter_state *st = state;
	uint32_t v = atomic_load(&st->word);

	info->manual_reset = is_manual(st);
	info->signaled = (v & FM__EV_SIGNALED) || (!is_manual(st) && v >= FM__EV_UNIT);
}

const struct fm__sync_kind fm__event_kind = {
	.noun = "event",
	.take = event_take,
	.untake = event_untake,
	.observe = event_observe,
	.pass_on = event_pass_on,
	.check = event_check,
	.describe = event_describe,
};

static int event_init(void *state, struct fm__mutex_local *local, const void *arg)
{
	struct fm__counter_state *st = state;
	unsigned flags = *(const unsigned *)arg;

	(void)local;
	atomic_store(&st->tag, FM__STATE_TAG(FM__TYPE_EVENT));
	atomic_store(&st->param, flags & FM_EVENT_MANUAL_RESET);
	atomic_store(&st->word, flags & FM_EVENT_SIGNALED ? FM__EV_SIGNALED : 0);
	return 0;
}

FM_API int fm_event_create(fm_event **out, const char *name, unsigned flags,
			   const struct fm_sync_opts *opts)
{
	static const char call[] = "fm_event_create";

	if (flags & ~(FM_EVENT_MANUAL_RESET | FM_EVENT_SIGNALED))
		return fm__fail(-EINVAL, call, name ? name : "(unnamed)", "unknown flags %#x",
				flags);
	return fm__sync_create(out, name, FM__TYPE_EVENT, event_init, NULL, &flags, opts, call);
}

FM_API int fm_event_open(fm_event **out, const char *name)
{
	return fm__sync_open(out, name, FM__TYPE_EVENT, "fm_event_open");
}

/* The common start of set, reset and pulse. */
static int event_use(fm_event *e, const char *call)
{
	int r = fm__sync_use(e, FM__TYPE_EVENT, call);
	const char *why = r == 0 ? event_check(e->counter) : NULL;

	if (why)
		r = fm__fail(FM_ECORRUPT, call, fm__sync_label(e), "corrupt event state: %s", why);
	return r;
}

FM_API int fm_event_set(fm_event *e)
{
	int r = event_use(e, "fm_event_set");

	if (r < 0)
		return r;
	if (is_manual(e->counter))
		manual_bump(e->counter, true);
	else
		auto_set(e->counter);
	return 0;
}

FM_API int fm_event_reset(fm_event *e)
{
	int r = event_use(e, "fm_event_reset");

	if (r == 0)
		atomic_fetch_and(&e->counter->word, ~FM__EV_SIGNALED);
	return r;
}

FM_API int fm_event_pulse(fm_event *e)
{
	struct fm__counter_state *st;
	int r = event_use(e, "fm_event_pulse");

	if (r < 0)
		return r;
	st = e->counter;
	if (is_manual(st)) {
		manual_bump(st, false);
		return 0;
	}
	atomic_fetch_and(&st->word, ~FM__EV_SIGNALED);
	if (atomic_load(&st->waiters) == 0)
		return 0;
	/* Release one sleeper if there is one; else the event stays reset. */
	atomic_fetch_add(&st->word, FM__EV_UNIT);
	hand_over(st, false);
	return 0;
}

FM_API int fm_event_wait(fm_event *e, uint64_t timeout_ns)
{
	static const char call[] = "fm_event_wait";
	int r = fm__sync_use(e, FM__TYPE_EVENT, call);

	return r < 0 ? r : fm__wait(&e, 1, false, timeout_ns, NULL, call);
}

FM_API void fm_event_close(fm_event *e)
{
	fm_sync_close(e);
}
