/* SPDX-License-Identifier: MIT */
/*
 * mutex.c - named mutexes: Windows' recursive, per-thread mutex that is
 * reported abandoned when its owner dies, and handed to a waiter when it is
 * released.
 *
 * The shared state is a futex word in the kernel's robust-futex format (the
 * owner's thread id, FUTEX_WAITERS, FUTEX_OWNER_DIED) and a few words of
 * information beside it (sync.h).  Which thread of a process owns the
 * mutex, and how often, is that process's private knowledge (struct
 * fm__mutex_local): the word only tells other processes that someone owns
 * it.  A thread id alone would not do: two processes in different PID
 * namespaces that share a store may have threads with the same id.  So a
 * co-holder that rewrites the word can deny the mutex to others, or take it
 * from its owner (whose release then reports FM_ECORRUPT), but it cannot
 * make a process believe that it owns the mutex, nor reach into it: the
 * state holds no pointer, and the robust-list node is private (robust.c).
 *
 * Taking: a compare-and-swap of a free word (thread id 0) to the taker's
 * id, the node linked into the thread's robust list, with list_op_pending
 * covering the moment between.  A word with FUTEX_OWNER_DIED and no id was
 * abandoned: its taker is told FM_ABANDONED.
 *
 * Hand-off: a release that finds waiters leaves the word free but marked
 * with FUTEX_WAITERS, wakes one sleeper (the kernel wakes the one that has
 * slept longest: first in, first out among threads of one priority), and
 * records its own identity in the handoff word.  Until somebody takes the
 * mutex, the releasing thread does not take it back, so a thread that
 * releases and waits again lets the waiter in first, as on Windows.  If
 * the woken waiter does not take it (it died; it took another object of a
 * wait-any), the releaser may take it again after HANDOFF_GRACE_NS.  Other
 * threads that did not wait may still take a free mutex first.
 *
 * A waiter may be armed and not yet asleep (it spins first): an armed one
 * counts as due too.  A thread that just released the mutex to us is
 * usually on its way back into waiting (two threads that each release and
 * wait again; on Windows it would be queued before we could retake the
 * mutex): so a release of a mutex we got contended keeps us off too, even
 * with nobody armed yet, for HANDOFF_BRIEF_NS, and only a call that would
 * wait anyway.  Where a hand-off lapses with nobody coming (a waiter that
 * died armed left the count high; the other thread went elsewhere), the
 * process makes no more hand-offs that woke nobody until the mutex is
 * contended again: a thread alone pays the lapse once, not at every lock.
 */
#define _GNU_SOURCE
#include "sync.h"

#define TID_MASK   FUTEX_TID_MASK
#define WAITERS    FUTEX_WAITERS
#define OWNER_DIED FUTEX_OWNER_DIED
/* No thread id is larger (PID_MAX_LIMIT): a word naming one is corrupt. */
#define TID_MAX    (4u << 20)
/* How long a thread that released a mutex to a waiter keeps off it if no
 * waiter takes it: long enough for a woken thread to be scheduled on a busy
 * machine, short enough not to matter when that thread died. */
#define HANDOFF_GRACE_NS (100 * 1000000ll)
/* The same when the wake reached nobody (see above): the time a spinning
 * waiter takes to take it, or a thread that just released it to come back
 * and wait for it again. */
#define HANDOFF_BRIEF_NS (200000ll)

static void *node_of(const fm_sync *m)
{
	return &m->local->next;
}

static bool ours(const fm_sync *m, const struct fm__thread *t)
{
	return atomic_load_explicit(&m->local->owner, memory_order_relaxed) == t->tid;
}

/*
 * Whether t handed m over lately and must keep off it for now; if so, w
 * (may be NULL: then t is not armed) learns until when.  A waiter is due
 * while the hand-off woke one or others are armed; else only a call that
 * waits anyway keeps off, briefly.  may_wait: the call waits if it cannot
 * take m (one that would not, keeps off only while a waiter is due: on
 * Windows the mutex would be that waiter's already).
 */
static bool deferred(fm_sync *m, struct fm__thread *t, struct fm__waiter *w, bool may_wait)
{
	uint32_t others;
	bool due;
	int64_t until;

	if (atomic_load_explicit(&m->mutex->handoff, memory_order_relaxed) != t->ident)
		return false;
	others = atomic_load_explicit(&m->mutex->waiters, memory_order_relaxed) - (w && w->armed);
	due = atomic_load_explicit(&m->local->handoff_woke, memory_order_relaxed) ||
	      (others > 0 && others < UINT32_MAX / 2);
	if (!due && !may_wait)
		return false;
	until = atomic_load_explicit(&m->local->handoff_ns, memory_order_relaxed) +
		(due ? HANDOFF_GRACE_NS : HANDOFF_BRIEF_NS);
	if (fm__now_ns() >= until)
		return false;
	if (w)
		w->retry_ns = until;
	return true;
}

/* Records in the shared state that t's process owns m, count times. */
static void publish_owner(struct fm__mutex_state *st, uint32_t count)
{
	const struct fm__self *self = fm__self();

	atomic_store_explicit(&st->owner, self->token, memory_order_relaxed);
	atomic_store_explicit(&st->owner_pid, self->pid, memory_order_relaxed);
	atomic_store_explicit(&st->recursion, count, memory_order_relaxed);
}

static void clear_owner(struct fm__mutex_state *st)
{
	atomic_store_explicit(&st->owner, 0, memory_order_relaxed);
	atomic_store_explicit(&st->owner_pid, 0, memory_order_relaxed);
	atomic_store_explicit(&st->recursion, 0, memory_order_relaxed);
}

/* Makes t the owner, in this process's own books (lc), of a mutex it just
 * took, or that it creates owned. */
static void own(struct fm__mutex_local *lc, struct fm__thread *t)
{
	fm__robust_link(t, &lc->next);
	atomic_store_explicit(&lc->count, 1, memory_order_relaxed);
	atomic_store_explicit(&lc->owner, t->tid, memory_order_relaxed);
}

/* Notes how t got m: from another thread's hand-off, or after waiting
 * while another owned it (contended); or back from its own hand-off, which
 * nobody took (quiet); the handoff word h is then cleared. */
static void note_handoff(fm_sync *m, struct fm__thread *t, uint32_t h, const struct fm__waiter *w)
{
	struct fm__mutex_local *lc = m->local;
	bool contended = (h != 0 && h != t->ident) || (w && w->saw_owner);

	atomic_store_explicit(&lc->contended, contended, memory_order_relaxed);
	if (contended)
		atomic_store_explicit(&lc->quiet, false, memory_order_relaxed);
	else if (h == t->ident)
		atomic_store_explicit(&lc->quiet, true, memory_order_relaxed);
	if (h != 0)
		atomic_store_explicit(&m->mutex->handoff, 0, memory_order_relaxed);
}

/*
 * Takes m for t, if its word still is v (free): FM__TAKEN,
 * FM__TAKEN_ABANDONED, FM__NOT_TAKEN (the word changed), or FM_ECORRUPT.
 * w: t's waiter, if it waited (armed: others may wait too, so FUTEX_WAITERS
 * stays set).
 */
static inline __attribute__((always_inline)) int claim(fm_sync *m, struct fm__thread *t,
							 uint32_t v, const struct fm__waiter *w)
{
	struct fm__mutex_state *st = m->mutex;
	uint32_t mine = (uint32_t)t->tid | (v & WAITERS) | (w && w->armed ? WAITERS : 0);
	int32_t owner;
	bool abandoned;

	fm__robust_pending(t, node_of(m));
	if (!atomic_compare_exchange_strong(m->word, &v, mine)) {
		fm__robust_pending(t, NULL);
		return FM__NOT_TAKEN;
	}
	owner = atomic_load_explicit(&m->local->owner, memory_order_relaxed);
	if (owner != 0 && fm__os_thread_exists(fm__self()->pid, owner)) {
		/* Another thread of ours owns it, yet its word said free: a
		 * co-holder wrote it.  Give the word back as it was. */
		atomic_compare_exchange_strong(m->word, &mine, v);
		fm__robust_pending(t, NULL);
		return FM_ECORRUPT;
	}
	own(m->local, t);
	fm__robust_pending(t, NULL);
	publish_owner(st, 1);
	note_handoff(m, t, atomic_load_explicit(&st->handoff, memory_order_relaxed), w);
	abandoned = (v & OWNER_DIED) ||
		    (atomic_load_explicit(&st->abandoned, memory_order_relaxed) &&
		     atomic_exchange(&st->abandoned, 0));
	return abandoned ? FM__TAKEN_ABANDONED : FM__TAKEN;
}

/* t owns m already: once more. */
static int recurse(fm_sync *m)
{
	uint32_t n = atomic_load_explicit(&m->local->count, memory_order_relaxed);

	if (n == UINT32_MAX)
		return -EAGAIN;
	atomic_store_explicit(&m->local->count, n + 1, memory_order_relaxed);
	atomic_store_explicit(&m->mutex->recursion, n + 1, memory_order_relaxed);
	return FM__TAKEN;
}

/* The calling thread owns m: gives back one of its holds if it has more
 * than one, and says so; false leaves its last hold to release(). */
static bool unrecurse(fm_sync *m)
{
	uint32_t n = atomic_load_explicit(&m->local->count, memory_order_relaxed);

	if (n <= 1)
		return false;
	atomic_store_explicit(&m->local->count, n - 1, memory_order_relaxed);
	atomic_store_explicit(&m->mutex->recursion, n - 1, memory_order_relaxed);
	return true;
}

bool fm__mutex_ready(fm_sync *m, unsigned how)
{
	struct fm__thread *t = fm__thread();
	uint32_t v = atomic_load_explicit(m->word, memory_order_relaxed);

	if (ours(m, t) || (v & TID_MASK) > TID_MAX)
		return true; /* recursion, or a corrupt word take() reports */
	return (v & TID_MASK) == 0 && !deferred(m, t, NULL, how & FM__TAKE_MAY_WAIT);
}

static int mutex_take(fm_sync *m, struct fm__waiter *w, unsigned how)
{
	struct fm__thread *t = fm__thread();

	if (!t->head)
		return -ENOTSUP;
	if (ours(m, t))
		return recurse(m);
	for (int i = 0; i < FM__CAS_TRIES; i++) {
		uint32_t v = atomic_load(m->word);
		int r;

		if ((v & TID_MASK) > TID_MAX)
			return FM_ECORRUPT;
		if ((v & TID_MASK) != 0 || deferred(m, t, w, w || (how & FM__TAKE_MAY_WAIT)))
			return FM__NOT_TAKEN;
		r = claim(m, t, v, w);
		if (r != FM__NOT_TAKEN)
			return r;
	}
	return FM__NOT_TAKEN;
}

/* Marks m as handed over by t: t keeps off it for a while (deferred());
 * briefly until the wake says it reached a waiter. */
static void mark_handoff(fm_sync *m, struct fm__thread *t)
{
	atomic_store_explicit(&m->local->handoff_ns, fm__now_ns(), memory_order_relaxed);
	atomic_store_explicit(&m->local->handoff_woke, false, memory_order_relaxed);
	atomic_store(&m->mutex->handoff, t->ident);
}

/* The word of m, which t owned, is free now, marked for its waiters: wakes
 * one.  handoff: t's own release (not a wait-all's give-back). */
static void wake_waiter(fm_sync *m, struct fm__thread *t, bool handoff)
{
	struct fm__mutex_local *lc = m->local;
	uint32_t h = t->ident;
	bool woke = fm__os_futex_wake(m->word, 1) > 0;

	if (!handoff)
		return;
	if (woke) {
		atomic_store_explicit(&lc->handoff_woke, true, memory_order_relaxed);
		atomic_store_explicit(&lc->quiet, false, memory_order_relaxed);
	} else if (atomic_load_explicit(&lc->quiet, memory_order_relaxed)) {
		/* Nobody asleep, and lately nobody came: no hand-off. */
		atomic_compare_exchange_strong(&m->mutex->handoff, &h, 0);
	}
}

/*
 * Releases m, which t owns once: 0, or FM_ECORRUPT if the word no longer
 * says so (a co-holder wrote it; the word is left as it is).  Either way t
 * owns m no more.  handoff: a release (the mutex may go to a waiter, see
 * above); else a wait-all gives back what it could not use.
 */
static inline __attribute__((always_inline)) int release(fm_sync *m, struct fm__thread *t,
							  bool handoff)
{
	struct fm__mutex_state *st = m->mutex;
	uint32_t v;
	int r = 0, i;

	if (handoff && atomic_load_explicit(&m->local->contended, memory_order_relaxed) &&
	    !atomic_load_explicit(&m->local->quiet, memory_order_relaxed))
		mark_handoff(m, t);
	fm__robust_pending(t, node_of(m));
	fm__robust_unlink(node_of(m));
	/* Another thread of ours that takes the word after us (its compare-
	 * and-swap orders after ours) sees this. */
	atomic_store_explicit(&m->local->count, 0, memory_order_relaxed);
	atomic_store_explicit(&m->local->owner, 0, memory_order_relaxed);
	v = atomic_load(m->word);
	if ((v & TID_MASK) != (uint32_t)t->tid ||
	    atomic_load_explicit(&st->owner, memory_order_relaxed) != fm__self()->token) {
		r = FM_ECORRUPT;
		goto out;
	}
	clear_owner(st);
	/* Waiters count themselves before they look at the word: one that
	 * this misses sees the word free. */
	for (i = 0; i < FM__CAS_TRIES && atomic_load(&st->waiters) == 0; i++) {
		if (atomic_compare_exchange_strong(m->word, &v, 0))
			goto out;
		if ((v & TID_MASK) != (uint32_t)t->tid) {
			r = FM_ECORRUPT;
			goto out;
		}
	}
	/* Waiters: the word stays marked for them, and one is woken. */
	if (handoff)
		mark_handoff(m, t);
	atomic_store(m->word, WAITERS);
	wake_waiter(m, t, handoff);
out:
	fm__robust_pending(t, NULL);
	return r;
}

static void mutex_untake(fm_sync *m, int taken)
{
	struct fm__thread *t = fm__thread();

	if (unrecurse(m))
		return;
	/* Keep the news for the next taker: we hand the mutex back unused. */
	if (taken == FM__TAKEN_ABANDONED)
		atomic_store(&m->mutex->abandoned, 1);
	release(m, t, false);
}

static bool mutex_observe(fm_sync *m, struct fm__waiter *w, bool all)
{
	struct fm__thread *t = fm__thread();
	uint32_t v = atomic_load(m->word);

	(void)all;
	w->retry_ns = 0;
	if (ours(m, t)) {
		w->expected = v;
		return true;
	}
	for (int i = 0; i < FM__CAS_TRIES; i++) {
		uint32_t tid = v & TID_MASK;

		/* Free (or abandoned, or corrupt): take() will tell. */
		if ((tid == 0 && !deferred(m, t, w, true)) || tid > TID_MAX) {
			w->expected = v;
			return true;
		}
		if (tid != 0)
			w->saw_owner = true;
		/* The kernel wakes a waiter at the owner's death only if the
		 * word says there are some. */
		if (v & WAITERS)
			break;
		if (atomic_compare_exchange_weak(m->word, &v, v | WAITERS)) {
			v |= WAITERS;
			break;
		}
	}
	w->expected = v;
	return false;
}

static void mutex_pass_on(fm_sync *m)
{
	/* Woken to take the mutex, we leave it: if it is free, the next
	 * sleeper has the wake. */
	if ((atomic_load(m->word) & TID_MASK) == 0)
		fm__os_futex_wake(m->word, 1);
}

static const char *mutex_check(const void *state)
{
	const struct fm__mutex_state *st = state;

	if (atomic_load(&st->tag) != FM__STATE_TAG(FM__TYPE_MUTEX))
		return "not a mutex's state";
	if ((atomic_load(&st->word) & TID_MASK) > TID_MAX)
		return "impossible owner thread id";
	return NULL;
}

static void mutex_describe(const void *state, struct fm_sync_info *info)
{
	const struct fm__mutex_state *st = state;
	uint32_t v = atomic_load(&st->word);

	info->owner_tid = (int32_t)(v & TID_MASK);
	info->signaled = info->owner_tid == 0;
	info->owner_pid = info->owner_tid ? atomic_load(&st->owner_pid) : 0;
	info->recursion = info->owner_tid ? atomic_load(&st->recursion) : 0;
	info->abandoned = (v & OWNER_DIED) || atomic_load(&st->abandoned);
}

const struct fm__sync_kind fm__mutex_kind = {
	.noun = "mutex",
	.take = mutex_take,
	.untake = mutex_untake,
	.observe = mutex_observe,
	.pass_on = mutex_pass_on,
	.check = mutex_check,
	.describe = mutex_describe,
};

void fm__mutex_abandon(struct fm__mutex_state *st, struct fm__mutex_local *lc,
		       struct fm__thread *t)
{
	uint32_t v;
	bool marked = false;

	fm__robust_pending(t, &lc->next);
	fm__robust_unlink(&lc->next);
	atomic_store_explicit(&lc->count, 0, memory_order_relaxed);
	atomic_store(&lc->owner, 0);
	v = atomic_load(&st->word);
	for (int i = 0; i < FM__CAS_TRIES && (v & TID_MASK) == (uint32_t)t->tid && !marked; i++)
		marked = atomic_compare_exchange_weak(&st->word, &v, (v & WAITERS) | OWNER_DIED);
	if (marked) {
		clear_owner(st);
		if (v & WAITERS)
			fm__os_futex_wake(&st->word, 1);
	}
	fm__robust_pending(t, NULL);
}

static int mutex_init(void *state, struct fm__mutex_local *lc, const void *arg)
{
	struct fm__mutex_state *st = state;
	struct fm__thread *t = fm__thread();

	atomic_store(&st->tag, FM__STATE_TAG(FM__TYPE_MUTEX));
	if (!*(const int *)arg)
		return 0;
	if (!t->head)
		return -ENOTSUP;
	/* Owned from the start: nobody can see the object yet. */
	fm__robust_pending(t, &lc->next);
	atomic_store(&st->word, (uint32_t)t->tid);
	own(lc, t);
	fm__robust_pending(t, NULL);
	publish_owner(st, 1);
	return 0;
}

/* The name existed: the new mutex, maybe owned by us, is thrown away. */
static void mutex_undo(void *state, struct fm__mutex_local *lc)
{
	(void)state;
	if (atomic_load(&lc->owner) != 0) {
		fm__robust_unlink(&lc->next);
		atomic_store(&lc->owner, 0);
	}
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

int fm__mutex_lock(fm_mutex *m, uint64_t timeout_ns, bool try, const char *call)
{
	int r = mutex_take(m, NULL, try || timeout_ns == 0 ? 0 : FM__TAKE_MAY_WAIT);

	if (__builtin_expect(r == FM__TAKEN, 1))
		return 0;
	if (r == FM__NOT_TAKEN && !try && timeout_ns != 0)
		return fm__wait(&m, 1, false, timeout_ns, NULL, call);
	if (r == FM__NOT_TAKEN && try)
		return -EBUSY;
	return fm__take_result(r, call, fm__sync_label(m));
}

FM_API int fm_mutex_lock(fm_mutex *m, uint64_t timeout_ns)
{
	static const char call[] = "fm_mutex_lock";
	int r = fm__sync_use(m, FM__TYPE_MUTEX, call);

	return r < 0 ? r : fm__mutex_lock(m, timeout_ns, false, call);
}

FM_API int fm_mutex_trylock(fm_mutex *m)
{
	static const char call[] = "fm_mutex_trylock";
	int r = fm__sync_use(m, FM__TYPE_MUTEX, call);

	return r < 0 ? r : fm__mutex_lock(m, 0, true, call);
}

FM_API int fm_mutex_unlock(fm_mutex *m)
{
	static const char call[] = "fm_mutex_unlock";
	struct fm__thread *t;
	int r = fm__sync_use(m, FM__TYPE_MUTEX, call);

	if (r < 0)
		return r;
	t = fm__thread();
	if (!ours(m, t))
		return fm__fail(-EPERM, call, fm__sync_label(m),
				"the calling thread does not own the mutex");
	if (unrecurse(m))
		return 0;
	if (release(m, t, true) < 0)
		return fm__fail(FM_ECORRUPT, call, fm__sync_label(m),
				"corrupt mutex state: another process changed its owner; "
				"the calling thread owns it no more");
	return 0;
}

FM_API void fm_mutex_close(fm_mutex *m)
{
	fm_sync_close(m);
}
