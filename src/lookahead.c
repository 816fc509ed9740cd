/* SPDX-License-Identifier: MIT */
/*
 * lookahead.c - a listing's entries inspected ahead, by two threads, handed
 * out in the walk's order.
 *
 * Inspecting an entry is four system calls (openat, fstat, preadv, close)
 * that wait for nothing but a CPU; a listing of 100,000 objects spends most
 * of its time there.  So the caller's thread reads the directory into a
 * ring of FM__AHEAD_SLOTS entries, and the caller's thread and one helper
 * thread each take the next entry not yet taken and inspect it; the caller
 * hands out the oldest entry once it is inspected.  The order is the
 * walk's whatever thread inspected what, and at most a ring's worth of
 * entries is held: a listing still streams.
 *
 * Who touches what: only the caller's thread reads the walk (its failures
 * leave the caller's thread-local message), fills slots at and after
 * `filled` and publishes them by storing `filled`; either thread takes
 * entries by moving the atomic `taken` on, and an entry's inspection
 * belongs to the thread that took it until its `done` is stored.  No lock
 * on that path: the lock serves only the two waits (see struct
 * ahead_sync).  A directory stays open while any of its entries is in the
 * ring: the walk pauses at each directory's end (fm__walk_pause), and the
 * ring is emptied before it goes on.
 *
 * fork: the helper is not in a child.  The lock, the condition variables
 * and the flags saying that the helper runs and who waits live in a page
 * the kernel hands a child zero-filled (MADV_WIPEONFORK): a child that goes
 * on with a listing finds an unlocked lock and no helper, and inspects
 * itself the entries the helper had taken and not finished (the one it was
 * in the middle of may leave the child a descriptor).  Without that page
 * (a kernel before 4.14) there is no helper.  The helper blocks every
 * signal, so that a signal meant for the program reaches one of its own
 * threads.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The entries the helper takes at a time, and how many wake it. */
#define HELPER_BATCH 4
#define WAKE_AT      16

struct slot {
	atomic_bool done;              /* inspected (or a failure): ready to hand out */
	int failure;                   /* the walk's failure, or 0 */
	char *message;                 /* and its message (malloc'd) */
	struct fm__entry e;            /* e.file points at file */
	char file[NAME_MAX + 1];
	struct fm__inspection o;
	bool inspected;                /* o holds something to free */
};

/* What a child must find reset: in the wipe-on-fork page.  The lock only
 * serves the two waits, which are rare: the caller's for the oldest entry
 * while the helper has it, the helper's for work. */
struct ahead_sync {
	pthread_mutex_t lock;
	pthread_cond_t work;       /* the helper waits for entries (or stop) */
	pthread_cond_t done;       /* the caller waits for the oldest entry */
	bool helper_runs;          /* set while the helper runs, in this process */
	atomic_bool stop;          /* the helper is to end */
	atomic_bool helper_waits;  /* on `work` */
	atomic_bool caller_waits;  /* on `done` */
};

struct fm__ahead {
	struct fm__walk *walk;
	bool (*keep)(const struct fm__entry *e, const void *arg);
	const void *arg;
	struct ahead_sync *sync;  /* a page of its own, or NULL: no helper */
	size_t sync_len;
	pthread_t helper;
	bool helper_tried;        /* start_helper was called */
	bool helper_started;      /* in the process that started it */
	/* Counters that only grow; entry i is ring[i % FM__AHEAD_SLOTS].  Only
	 * the caller's thread writes head and filled; either thread takes
	 * entries by moving taken on (compare and exchange). */
	size_t head;              /* the oldest entry not handed out */
	atomic_size_t taken;      /* the first entry not taken */
	atomic_size_t filled;     /* the first slot not filled */
	bool walk_waits;          /* the walk paused: empty the ring first */
	bool walk_ended;
	bool handed;              /* ring[head - 1] was handed out: free it */
	struct slot ring[FM__AHEAD_SLOTS];
};

static struct slot *slot_at(struct fm__ahead *a, size_t i)
{
	return &a->ring[i % FM__AHEAD_SLOTS];
}

/* Takes up to max entries that follow each other: returns how many, the
 * first at *first.  Entries below `filled` are complete (its store is a
 * release), and no entry is taken twice. */
static size_t take(struct fm__ahead *a, size_t max, size_t *first)
{
	size_t t = atomic_load(&a->taken), f, n;

	do {
		f = atomic_load_explicit(&a->filled, memory_order_acquire);
		if (t >= f)
			return 0;
		n = f - t < max ? f - t : max;
	} while (!atomic_compare_exchange_weak(&a->taken, &t, t + n));
	*first = t;
	return n;
}

/* Wakes whoever waits on cond, if its flag says it does (after our store
 * that it waits for: both sides are sequentially consistent, so either
 * we see its flag or it sees our store). */
static void wake(struct ahead_sync *sync, atomic_bool *waits, pthread_cond_t *cond)
{
	if (!atomic_load(waits))
		return;
	pthread_mutex_lock(&sync->lock);
	pthread_cond_signal(cond);
	pthread_mutex_unlock(&sync->lock);
}

/* Inspects the n entries from first, taken by this thread, and marks each
 * done (a failure of the walk needs nothing). */
static void inspect_taken(struct fm__ahead *a, size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++) {
		struct slot *s = slot_at(a, i);

		if (!s->failure) {
			fm__inspect(&s->o, &s->e);
			/* The listing reads nothing more through it: a ring of
			 * entries must not keep a ring of store files open. */
			if (s->o.fd >= 0)
				fm__os_close(s->o.fd);
			s->o.fd = -1;
			s->inspected = true;
		}
		atomic_store(&s->done, true);
		/* The caller may be waiting for this very one: not for the
		 * rest of the batch too. */
		if (a->sync)
			wake(a->sync, &a->sync->caller_waits, &a->sync->done);
	}
}

/* Whether the helper has something to do, or is to stop. */
static bool helper_has_work(struct fm__ahead *a)
{
	/* Sequentially consistent, as the flag's store before it (wake). */
	return atomic_load(&a->sync->stop) || atomic_load(&a->taken) < atomic_load(&a->filled);
}

static void *helper_main(void *arg)
{
	struct fm__ahead *a = arg;
	struct ahead_sync *sync = a->sync;
	size_t first, n;

	while (!atomic_load(&sync->stop)) {
		/* A few at a time: fewer turns of the counter. */
		n = take(a, HELPER_BATCH, &first);
		if (n > 0) {
			inspect_taken(a, first, n);
			continue;
		}
		pthread_mutex_lock(&sync->lock);
		atomic_store(&sync->helper_waits, true);
		while (!helper_has_work(a))
			pthread_cond_wait(&sync->work, &sync->lock);
		atomic_store(&sync->helper_waits, false);
		pthread_mutex_unlock(&sync->lock);
	}
	return NULL;
}

/* Starts the helper when there is more than one CPU to run it; without
 * it the caller's thread inspects every entry. */
static void start_helper(struct fm__ahead *a)
{
	long page = (long)fm__page_size();
	void *p;

	if (fm__cpu_count() < 2)
		return;
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	/* Zero-filled in a child: an unlocked lock, and no helper. */
	if (madvise(p, (size_t)page, MADV_WIPEONFORK) < 0) {
		munmap(p, (size_t)page);
		return;
	}
	a->sync = p;
	a->sync_len = (size_t)page;
	pthread_mutex_init(&a->sync->lock, NULL);
	pthread_cond_init(&a->sync->work, NULL);
	pthread_cond_init(&a->sync->done, NULL);
	a->helper_started = fm__thread_start(&a->helper, helper_main, a);
	a->sync->helper_runs = a->helper_started;
}

int fm__ahead_open(struct fm__ahead **out, struct fm__walk *w,
		   bool (*keep)(const struct fm__entry *e, const void *arg), const void *arg)
{
	struct fm__ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->walk = w;
	a->keep = keep;
	a->arg = arg;
	fm__walk_pause(w);
	*out = a;
	return 0;
}

/*
 * In a child forked while the helper ran, the helper is gone and the
 * page is zero: the entries it had taken and not finished are inspected
 * here (the caller's thread finishes what it takes before it returns).
 */
static void after_fork(struct fm__ahead *a)
{
	size_t taken;

	if (!a->helper_started || a->sync->helper_runs)
		return;
	a->helper_started = false;
	taken = atomic_load(&a->taken);
	for (size_t i = a->head; i < taken; i++)
		if (!atomic_load(&slot_at(a, i)->done))
			inspect_taken(a, i, 1);
}

/* Puts entry e of the walk into the free slot s. */
static void put_entry(struct slot *s, const struct fm__entry *e)
{
	size_t len = strlen(e->file);

	s->e = *e;
	/* A directory entry's name fits; a one-file walk's lives as long as
	 * the walk. */
	if (len <= NAME_MAX) {
		memcpy(s->file, e->file, len + 1);
		s->e.file = s->file;
	}
}

/* Puts the walk's failure r into the free slot s: handed out in its turn,
 * with the message it left now. */
static void put_failure(struct slot *s, int r)
{
	s->failure = r;
	s->message = strdup(fm_last_error_message());
}

/*
 * Reads entries from the walk into the free slots, until the ring is full
 * or the walk pauses (a directory's end, or a failure) or ends.  Only the
 * caller's thread fills, and only slots nobody looks at until `filled`
 * passes them.
 */
static void fill(struct fm__ahead *a, const char *call)
{
	size_t end = atomic_load_explicit(&a->filled, memory_order_relaxed), start = end;
	struct fm__entry e;
	int r;

	while (!a->walk_waits && !a->walk_ended && end - a->head < FM__AHEAD_SLOTS) {
		r = fm__walk_next(a->walk, &e, call);
		if (r == 0)
			a->walk_ended = true;
		else if (r == FM__WALK_DIR_END || r < 0)
			a->walk_waits = true;
		if (r < 0)
			put_failure(slot_at(a, end++), r);
		if (r != 1 || (a->keep && !a->keep(&e, a->arg)))
			continue;
		put_entry(slot_at(a, end++), &e);
	}
	if (end == start)
		return;
	if (!a->helper_tried && end - a->head > 1) {
		/* More than one entry to look at: worth a second thread. */
		a->helper_tried = true;
		start_helper(a);
	}
	atomic_store(&a->filled, end);
	/* A helper waiting for work is woken for a few entries, not for each
	 * (the caller's thread inspects what it leaves). */
	if (a->sync && (end - atomic_load(&a->taken) >= WAKE_AT || a->walk_waits || a->walk_ended))
		wake(a->sync, &a->sync->helper_waits, &a->sync->work);
}

/* Frees what the entry handed out last held, and empties its slot. */
static void release_handed(struct fm__ahead *a)
{
	struct slot *s;

	if (!a->handed)
		return;
	s = slot_at(a, a->head - 1);
	if (s->inspected)
		fm__inspection_free(&s->o);
	free(s->message);
	s->message = NULL;
	s->failure = 0;
	s->inspected = false;
	/* Nobody else looks at it until `filled` passes it again. */
	atomic_store_explicit(&s->done, false, memory_order_relaxed);
	a->handed = false;
}

/* Waits until the oldest entry is inspected, inspecting later ones
 * meanwhile rather than idle, and takes it out of the ring. */
static struct slot *take_oldest(struct fm__ahead *a)
{
	struct slot *s = slot_at(a, a->head);
	struct ahead_sync *sync = a->sync;
	size_t first;

	while (!atomic_load(&s->done)) {
		if (take(a, 1, &first) == 1) {
			inspect_taken(a, first, 1);
			continue;
		}
		/* Every entry is taken, the oldest by the helper (without a
		 * helper, the caller's thread takes the oldest first). */
		pthread_mutex_lock(&sync->lock);
		atomic_store(&sync->caller_waits, true);
		while (!atomic_load(&s->done))
			pthread_cond_wait(&sync->done, &sync->lock);
		atomic_store(&sync->caller_waits, false);
		pthread_mutex_unlock(&sync->lock);
	}
	a->head++;
	a->handed = true;
	return s;
}

int fm__ahead_next(struct fm__ahead *a, const struct fm__entry **e, struct fm__inspection **o,
		   const char *call)
{
	struct slot *s;

	release_handed(a);
	after_fork(a);
	for (;;) {
		/* The ring is empty: the paused walk may go on. */
		if (a->walk_waits && a->head == atomic_load(&a->filled))
			a->walk_waits = false;
		fill(a, call);
		if (a->head < atomic_load(&a->filled))
			break;
		if (a->walk_ended)
			return 0;
	}
	s = take_oldest(a);
	if (s->failure)
		return fm__fail_again(s->failure, s->message ? s->message : "");
	if (s->o.state == FM__INSPECT_FAILED) {
		/* What stopped the look ahead (-EMFILE...) may be gone: told as
		 * it is at this call, as if the entry were looked at only now. */
		fm__inspection_free(&s->o);
		fm__inspect(&s->o, &s->e);
	}
	*e = &s->e;
	*o = &s->o;
	return 1;
}

void fm__ahead_close(struct fm__ahead *a)
{
	size_t filled;

	if (!a)
		return;
	after_fork(a);
	if (a->helper_started) {
		atomic_store(&a->sync->stop, true);
		pthread_mutex_lock(&a->sync->lock);
		pthread_cond_signal(&a->sync->work);
		pthread_mutex_unlock(&a->sync->lock);
		pthread_join(a->helper, NULL);
	}
	release_handed(a);
	filled = atomic_load(&a->filled);
	for (size_t i = a->head; i < filled; i++) {
		struct slot *s = slot_at(a, i);

		if (s->inspected)
			fm__inspection_free(&s->o);
		free(s->message);
	}
	if (a->sync) {
		pthread_cond_destroy(&a->sync->done);
		pthread_cond_destroy(&a->sync->work);
		pthread_mutex_destroy(&a->sync->lock);
		munmap(a->sync, a->sync_len);
	}
	fm__walk_close(a->walk);
	free(a);
}
