/* SPDX-License-Identifier: MIT */
/*
 * sync.h - what the sync objects' modules share (sync.c, mutex.c, event.c,
 * semaphore.c, wait.c).  Nothing here is public.
 *
 * A sync object is a store object of a header only; its state is the
 * header's sync words, mapped MAP_SHARED by every handle, so all processes
 * operate on the same words with atomics and futexes.  The state is
 * written by other processes, possibly hostile ones: every value read from
 * it is checked before it is used.
 */
#ifndef FM_SYNC_H
#define FM_SYNC_H

#include "internal.h"

#include <pthread.h>

/*
 * The shared state, overlaying struct fm__header's sync words (128 bytes
 * at a 64-byte aligned offset of the first page).
 */
struct fm__sync_state {
	/* event: FM__EV_SIGNALED + tokens (auto) or generation (manual), in
	 * units of FM__EV_UNIT; semaphore: the count.  A futex word. */
	_Atomic uint32_t word;
	/* How many waiters are armed: a hint that tells setters whether a
	 * wake is needed.  A waiter killed while armed leaves it high, which
	 * costs a needless wake, never a lost one. */
	_Atomic uint32_t waiters;
	/* event: FM_EVENT_MANUAL_RESET or 0; semaphore: the maximum.  Set at
	 * create, never changed. */
	uint32_t param;
	/* mutex: an abandoned acquisition was given back by a wait-all that
	 * could not take everything; the next taker is told FM_ABANDONED. */
	_Atomic uint32_t abandoned;
	uint32_t reserved[12];
	/* mutex: a robust, recursive, process-shared pthread mutex.  The
	 * kernel's robust-futex list marks it when its owner thread dies. */
	union {
		pthread_mutex_t mutex;
		uint8_t mutex_space[64];
	};
};
_Static_assert(sizeof(struct fm__sync_state) == sizeof(((struct fm__header *)0)->sync),
	       "the sync state overlays the header's sync words");

#define FM__EV_SIGNALED 1u
#define FM__EV_UNIT     2u

#define FM__SYNC_MAGIC 0x636e7973u /* "sync" */

struct fm_sync {
	_Atomic uint32_t magic; /* FM__SYNC_MAGIC while the handle is open */
	uint32_t type;          /* FM__TYPE_MUTEX, _EVENT or _SEMAPHORE */
	struct fm__object obj;  /* the handle's hold on the object file; its
				 * dev and ino tell two handles of one object
				 * apart from two objects */
	struct fm__sync_state *state; /* in page, this handle's mapping */
	void *page;
};

/* What a wait keeps about one of its objects. */
struct fm__waiter {
	uint32_t expected; /* the word's value the wait may sleep on */
	uint32_t gen;      /* a manual event's generation when armed */
	bool armed;        /* counted in the object's waiters hint */
	bool woke;         /* a wake on this object reached the wait */
};

/* Results of a kind's take(). */
#define FM__NOT_TAKEN        0
#define FM__TAKEN            1
#define FM__TAKEN_ABANDONED  2

/*
 * The operations a wait needs from each kind of object.
 *
 *  take     takes the object if it is available now: FM__TAKEN,
 *           FM__TAKEN_ABANDONED, FM__NOT_TAKEN, or a failure (FM_ECORRUPT,
 *           -EAGAIN).  all: part of a wait-all (a pulse does not count).
 *  untake   gives back what take took (a wait-all that cannot take all).
 *  observe  records in w the word's value to sleep on, and says whether the
 *           object looks available now (then the wait tries again instead
 *           of sleeping).  A mutex marks itself as having waiters here.
 *  word     the futex word a waiter sleeps on.
 *  pass_on  the object woke this wait, which did not take it: wake another
 *           waiter in its place, so that no wake is lost.
 *  check    NULL if the state is sound, else why not.
 */
struct fm__sync_kind {
	const char *noun;
	int (*take)(fm_sync *o, struct fm__waiter *w, bool all);
	void (*untake)(fm_sync *o, int taken);
	bool (*observe)(fm_sync *o, struct fm__waiter *w, bool all);
	_Atomic uint32_t *(*word)(fm_sync *o);
	void (*pass_on)(fm_sync *o);
	const char *(*check)(const struct fm__sync_state *st);
	void (*describe)(const struct fm__sync_state *st, struct fm_sync_info *info);
};

extern const struct fm__sync_kind fm__mutex_kind;
extern const struct fm__sync_kind fm__event_kind;
extern const struct fm__sync_kind fm__semaphore_kind;

/* The kind of a sync type, or NULL for a section or an unknown type. */
const struct fm__sync_kind *fm__sync_kind_of(uint32_t type);

/* Writes a new object's initial state; arg is the create call's. */
typedef int (*fm__sync_init)(struct fm__sync_state *st, const void *arg);

/*
 * Creates a sync object of type (or gets the existing one of that name):
 * 0 or FM_EXISTED with *out set, or a failure with its message.  init runs
 * on the new object's state before anyone else can see it.  undo (may be
 * NULL) runs on that state when the object is not used after all (the name
 * existed), to release what init took.
 */
int fm__sync_create(fm_sync **out, const char *name, uint32_t type, fm__sync_init init,
		    void (*undo)(struct fm__sync_state *st), const void *arg,
		    const struct fm_sync_opts *opts, const char *call);

/* Opens an existing named sync object of type. */
int fm__sync_open(fm_sync **out, const char *name, uint32_t type, const char *call);

/*
 * Checks that o is an open sync object of type (0: any), for call: 0, or
 * -EINVAL (NULL or not a sync object) or FM_ETYPE, with the message set.
 */
int fm__sync_use(const fm_sync *o, uint32_t type, const char *call);

/* The label of o for messages: its name or "(unnamed)". */
const char *fm__sync_label(const fm_sync *o);

/*
 * The generic wait over objects[0..count): any (take the lowest available)
 * or all (take all at once or nothing).  Objects are checked by the caller.
 * Returns 0 or FM_ABANDONED with *index, -ETIMEDOUT, or a failure.
 */
int fm__wait(fm_sync *const objects[], size_t count, bool all, uint64_t timeout_ns,
	     size_t *index, const char *call);

/* Adds ns to the CLOCK_MONOTONIC time t (a deadline). */
struct timespec;
void fm__deadline_add(struct timespec *t, uint64_t ns);

/* Describes a sync object's state from a copy of its header (the tool
 * reads store files without opening them as handles).  FM_ECORRUPT with
 * *why set if the state is not sound. */
int fm__sync_describe(const struct fm__header *h, struct fm_sync_info *info, const char **why);

/* The process (thread group) of the thread tid, from /proc; 0 if unknown. */
int32_t fm__process_of_thread(int32_t tid);

/* Whether the calling thread's process has a thread with this id. */
bool fm__thread_is_ours(int32_t tid);

#endif /* FM_SYNC_H */
