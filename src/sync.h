/* SPDX-License-Identifier: MIT */
/*
 * sync.h - what the sync objects' modules share (sync.c, sync-map.c,
 * robust.c, mutex.c, event.c, semaphore.c, wait.c).  Nothing here is public.
 *
 * A sync object's state is one page that every holder maps shared and
 * read-write (the header itself is never mapped), so all processes operate
 * on the same words with atomics and futexes: the page after the header of
 * its store file, or, for a Global\ object other users may operate, the
 * SysV segment of one page that each of its handles keeps attached (shm.c,
 * FM__HDR_SHM), which no holder can shrink.  The state page is written by
 * other processes, possibly hostile ones: nothing in it is a pointer, a
 * length or an index, and every value read from it is checked before it
 * is used.
 *
 * What a process must be able to trust about a mutex (who of its threads
 * owns it, how often, where its robust-list node is) lives in a private
 * page the process maps right after the state page: see robust.c.
 */
#ifndef FM_SYNC_H
#define FM_SYNC_H

#include "internal.h"
#include "robust.h"

#include <time.h>

/* The tag of a state line: "SYN" and the object's type. */
#define FM__STATE_TAG(type) (0x53594e00u | (uint32_t)(type))

/*
 * An event's or a semaphore's state: one cache line, at an offset of its
 * page that depends on the object (fm__sync_state_offset), so that the
 * words of many objects do not all fall into one set of the CPU's cache.
 */
struct fm__counter_state {
	/* event: FM__EV_SIGNALED + tokens (auto) or generation (manual), in
	 * units of FM__EV_UNIT; semaphore: the count.  A futex word. */
	_Atomic uint32_t word;
	/* How many waiters are armed: a hint that tells setters whether a
	 * wake is needed.  A waiter killed while armed leaves it high, which
	 * costs a needless wake, never a lost one. */
	_Atomic uint32_t waiters;
	/* event: FM_EVENT_MANUAL_RESET or 0; semaphore: the maximum.  Set at
	 * create, never changed. */
	_Atomic uint32_t param;
	_Atomic uint32_t tag; /* FM__STATE_TAG(type) */
	uint32_t reserved[12];
};

/*
 * A mutex's state: the page's last line.  Its futex word sits 16 bytes
 * before the end of the page, so that the robust-list node the kernel
 * finds 32 bytes after it (glibc's futex_offset) falls into the owner's
 * private page that follows (robust.c).
 */
struct fm__mutex_state {
	/* The owner's process token (fm__self()->token), 0 when free: the
	 * owner checks it at release.  Information for everyone else. */
	_Atomic uint64_t owner;
	_Atomic int32_t owner_pid; /* the owner's pid, in its own namespace */
	_Atomic uint32_t recursion; /* how often the owner holds it */
	/* An abandoned acquisition was given back by a wait-all that could
	 * not take everything; the next taker is told FM_ABANDONED. */
	_Atomic uint32_t abandoned;
	/* The ident (fm__thread()->ident) of the thread that last released
	 * the mutex to a waiter, until somebody takes it: that thread does not
	 * take it back meanwhile (hand-off, mutex.c).  0: none. */
	_Atomic uint32_t handoff;
	/* How many waiters are armed (a hint, as an event's). */
	_Atomic uint32_t waiters;
	_Atomic uint32_t tag; /* FM__STATE_TAG(FM__TYPE_MUTEX) */
	uint32_t reserved[4];
	/* The owner's thread id | FUTEX_WAITERS | FUTEX_OWNER_DIED: the
	 * kernel's robust-futex ABI. */
	_Atomic uint32_t word;
	uint32_t tail[3];
};
_Static_assert(sizeof(struct fm__counter_state) == 64, "a counter's state is one line");
_Static_assert(sizeof(struct fm__mutex_state) == 64, "a mutex's state is one line");
_Static_assert(offsetof(struct fm__mutex_state, word) == 48,
	       "the mutex word is 16 bytes before the end of the page");

/*
 * What a process keeps privately about a mutex, at the start of the page
 * after the state page: the robust-list node, in glibc's layout (prev,
 * then next; the list links the addresses of the next fields), and who of
 * its threads owns it.  Nobody else can write here.
 */
struct fm__mutex_local {
	uint64_t unused;
	void *prev;               /* the robust-list node: its previous entry */
	void *next;               /* the node the list links; word + 32 */
	_Atomic int32_t owner;    /* the owning thread of this process, or 0 */
	_Atomic uint32_t count;   /* its recursion count */
	/* This process's last hand-off (mutex.c): when (CLOCK_MONOTONIC ns),
	 * and whether its wake reached a sleeping waiter. */
	_Atomic int64_t handoff_ns;
	_Atomic bool handoff_woke;
	/* The owner got the mutex from another thread's hand-off, or waited
	 * while another thread owned it. */
	_Atomic bool contended;
	/* A hand-off of ours lapsed with nobody coming: make no more that
	 * wake nobody until the mutex is contended again. */
	_Atomic bool quiet;
};

/* A compare-and-swap loop on a shared word gives up after this many
 * failures: the word then changes faster than honest holders change it. */
#define FM__CAS_TRIES 1024

#define FM__EV_SIGNALED 1u
#define FM__EV_UNIT     2u

#define FM__SYNC_MAGIC 0x636e7973u /* "sync" */

/* The offset of an object's state line in its state page. */
size_t fm__sync_state_offset(uint32_t type, uint64_t ino);

/*
 * Maps the state page of a sync object, shared and read-write, at addr
 * (NULL: anywhere; else in place of what is there): the one place that
 * says where a sync object's state comes from (sync.c).  With shm NULL, the
 * page after the header (header_size bytes) of the store file open at fd,
 * a description of the process's own holding no lock (the mapping keeps
 * it); else shm, a read-write attachment of the object's segment (a
 * handle's, or a new object's), of which this makes a second mapping.
 */
int fm__sync_state_page(void **page, void *addr, int fd, uint64_t header_size, void *shm);

/* The process's one mapping of a sync object's state (sync-map.c). */
struct fm__sync_map;

struct fm__sync_kind;

/*
 * An open handle's first word: FM__SYNC_MAGIC, and above it the bits of the
 * futex word that make the object available (an event or semaphore: a
 * manual-reset event's FM__EV_SIGNALED; else any, a count, a token or the
 * signalled bit), 0 for a mutex.  Both in one word, beside the futex word's
 * address, so that the first pass of a wait-any checks a handle and learns
 * how to read its word with one compare (wait.c).
 */
#define FM__SYNC_OPEN(ready_mask) ((uint64_t)(ready_mask) << 32 | FM__SYNC_MAGIC)

struct fm_sync {
	_Atomic uint64_t open;  /* FM__SYNC_OPEN(...) while the handle is open, else 0 */
	_Atomic uint32_t *word; /* the futex word, in the state page */
	uint32_t type;          /* FM__TYPE_MUTEX, _EVENT or _SEMAPHORE */
	const struct fm__sync_kind *kind;
	_Atomic uint32_t *waiters; /* the waiters hint, beside the word */
	union {
		void *state; /* the state line, in the state page */
		struct fm__counter_state *counter; /* an event or semaphore */
		struct fm__mutex_state *mutex;
	};
	struct fm__mutex_local *local; /* a mutex: this process's private part */
	struct fm__sync_map *map;
	struct fm__object obj; /* the handle's hold on the object file; its
				* dev and ino tell two handles of one object
				* apart from two objects */
};

/* What a wait keeps about one of its objects. */
struct fm__waiter {
	uint32_t expected; /* the word's value the wait may sleep on */
	uint32_t gen;      /* a manual event's generation when armed */
	bool armed;        /* counted in the object's waiters hint */
	bool woke;         /* a wake on this object reached the wait */
	/* A mutex this thread handed to a waiter: not before this
	 * CLOCK_MONOTONIC time (ns) may the wait take it back; 0: no limit. */
	int64_t retry_ns;
	bool saw_owner;    /* a mutex: the wait found it owned by another */
};

/* How a take() takes: part of a wait-all (a pulse does not count); for a
 * call that will wait if it cannot (not a try, not a timeout of 0). */
#define FM__TAKE_ALL      1u
#define FM__TAKE_MAY_WAIT 2u

/* Results of a kind's take(). */
#define FM__NOT_TAKEN        0
#define FM__TAKEN            1
#define FM__TAKEN_ABANDONED  2

/*
 * The operations a wait needs from each kind of object.
 *
 *  take     takes the object if it is available now: FM__TAKEN,
 *           FM__TAKEN_ABANDONED, FM__NOT_TAKEN, or a failure (FM_ECORRUPT,
 *           -EAGAIN, -ENOTSUP).  w may be NULL (not yet armed).  how:
 *           FM__TAKE_*.
 *  untake   gives back what take took (a wait-all that cannot take all).
 *  observe  records in w the word's value to sleep on, and says whether the
 *           object looks available now (then the wait tries again instead
 *           of sleeping).  A mutex marks itself as having waiters here.
 *  pass_on  the object woke this wait, which did not take it: wake another
 *           waiter in its place, so that no wake is lost.
 *  check    NULL if the state line is sound, else why not.
 *  describe fills what fm_sync_query() reports from a sound state line
 *           (a copy will do: the tool reads store files).
 */
struct fm__sync_kind {
	const char *noun;
	int (*take)(fm_sync *o, struct fm__waiter *w, unsigned how);
	void (*untake)(fm_sync *o, int taken);
	bool (*observe)(fm_sync *o, struct fm__waiter *w, bool all);
	void (*pass_on)(fm_sync *o);
	const char *(*check)(const void *state);
	void (*describe)(const void *state, struct fm_sync_info *info);
};

extern const struct fm__sync_kind fm__mutex_kind;
extern const struct fm__sync_kind fm__event_kind;
extern const struct fm__sync_kind fm__semaphore_kind;

/* The kind of a sync type, or NULL for a section or an unknown type. */
const struct fm__sync_kind *fm__sync_kind_of(uint32_t type);

/*
 * Writes a new object's initial state into its state line; arg is the
 * create call's.  For a mutex, local is its private part (else NULL).
 */
typedef int (*fm__sync_init)(void *state, struct fm__mutex_local *local, const void *arg);

/*
 * Creates a sync object of type (or gets the existing one of that name):
 * 0 or FM_EXISTED with *out set, or a failure with its message.  init runs
 * on the new object's state before anyone else can see it.  undo (may be
 * NULL) runs on that state when the object is not used after all (the name
 * existed), to release what init took.
 */
int fm__sync_create(fm_sync **out, const char *name, uint32_t type, fm__sync_init init,
		    void (*undo)(void *state, struct fm__mutex_local *local), const void *arg,
		    const struct fm_sync_opts *opts, const char *call);

/* Opens an existing named sync object of type. */
int fm__sync_open(fm_sync **out, const char *name, uint32_t type, const char *call);

/*
 * Checks that o is an open sync object of type (0: any), for call: 0, or
 * -EINVAL (NULL or not a sync object) or FM_ETYPE, with the message set.
 */
int fm__sync_use_fail(const fm_sync *o, uint32_t type, const char *call);

/* Whether o (not NULL) is an open handle. */
static inline bool fm__sync_is_open(const fm_sync *o)
{
	return (uint32_t)atomic_load_explicit(&o->open, memory_order_relaxed) == FM__SYNC_MAGIC;
}

static inline int fm__sync_use(const fm_sync *o, uint32_t type, const char *call)
{
	if (__builtin_expect(o && fm__sync_is_open(o) && (!type || o->type == type), 1))
		return 0;
	return fm__sync_use_fail(o, type, call);
}

/* How many handles the process has closed: a thread's record of handles
 * it checked holds while this stays as it was (wait.c).  Bumped, with
 * release, after a closing handle is marked closed. */
extern _Atomic uint64_t fm__sync_closes;

/* The label of o for messages: its name or "(unnamed)". */
const char *fm__sync_label(const fm_sync *o);

/*
 * The generic wait over objects[0..count): any (take the lowest available)
 * or all (take all at once or nothing).  Objects are checked by the caller.
 * Returns 0 or FM_ABANDONED with *index, -ETIMEDOUT, or a failure.
 */
int fm__wait(fm_sync *const objects[], size_t count, bool all, uint64_t timeout_ns,
	     size_t *index, const char *call);

/* A take() result as a call's result: 0, FM_ABANDONED, -ETIMEDOUT (not
 * taken), or a failure with its message, for call and the object label. */
int fm__take_result(int r, const char *call, const char *label);

/* Adds ns to the CLOCK_MONOTONIC time t (a deadline). */
void fm__deadline_add(struct timespec *t, uint64_t ns);

/* CLOCK_MONOTONIC now, in ns. */
int64_t fm__now_ns(void);

/*
 * Describes the sync object of the store file open at fd (fstat st, sound
 * header h; label names it) from its state page, for the store's
 * inspection (inspect.c), which reads store files without opening them as
 * handles: *info as fm_sync_query() reports it, and *waiters as struct
 * fm_object_info says.  A state in a segment is read through a read-only
 * attachment for the moment.  FM_ECORRUPT with *why set if the state is not
 * sound, -EIDRM if its segment is gone (an orphan's), or -errno.
 */
int fm__sync_describe_file(int fd, const struct stat *st, const struct fm__header *h,
			   const char *label, struct fm_sync_info *info, int32_t *waiters,
			   const char **why);

/* ------------------------------------------------------------------------
 * sync-map.c: each process maps each sync object's state once.
 * ------------------------------------------------------------------------ */

/*
 * Makes o (whose obj is held, and whose type is set) use the process's
 * mapping of its object's state, mapping it now if the process has none:
 * sets o->map, o->word, o->waiters, o->mutex or o->counter, and o->local.
 * Returns 0 or -errno.
 */
int fm__sync_map_get(fm_sync *o);

/*
 * Maps the state of the new object file open at fd (unnamed yet: only its
 * creator can see it), of type, for its initial state: the page after its
 * header, or shm, its creator's read-write attachment of its segment (not
 * NULL for an object other users may operate).  Into *map, with *state and
 * *local (a mutex's, else NULL) pointing into it.
 */
int fm__sync_map_new(struct fm__sync_map **map, int fd, void *shm, uint32_t type, void **state,
		     struct fm__mutex_local **local);

/* Adopts a new object's mapping (from fm__sync_map_new) for its first
 * handle o, once the object is published: 0, or -ENOMEM (the mapping is
 * then still the caller's). */
int fm__sync_map_adopt(fm_sync *o, struct fm__sync_map *map);

/* Drops a mapping fm__sync_map_new made and nobody adopted. */
void fm__sync_map_discard(struct fm__sync_map *map);

/* Drops o's use of its mapping; the last use unmaps it, unless a thread
 * of this process owns the mutex (it is kept until the owner is done). */
void fm__sync_map_put(fm_sync *o);

/* A thread of this process ends (robust.c): abandons each mutex it owns,
 * as the kernel would, and drops mappings only its ownership kept. */
void fm__sync_map_thread_ends(int32_t tid);

/* In a fork child (robust.c, the global lock held): the child's thread owns
 * nothing; forgets the parent's ownership, and takes the nodes of what its
 * forking thread (parent_tid) owned out of the list the child inherited. */
void fm__sync_map_forked(int32_t parent_tid);

/*
 * Whether o looks available now, from loads alone: the first pass of a
 * wait, before it takes or arms anything.  Inline, without a call for an
 * event or a semaphore: a wait-any over 64 objects pays this 64 times.
 * how: FM__TAKE_*.  A mutex's answer is fm__mutex_ready().
 */
bool fm__mutex_ready(fm_sync *m, unsigned how);
static inline bool fm__sync_ready(fm_sync *o, unsigned how)
{
	uint32_t ready_mask = (uint32_t)(atomic_load_explicit(&o->open, memory_order_relaxed) >> 32);

	if (__builtin_expect(ready_mask != 0, 1))
		return atomic_load_explicit(o->word, memory_order_relaxed) & ready_mask;
	return fm__mutex_ready(o, how);
}

/* Locks the mutex m (checked by the caller) for call, waiting timeout_ns,
 * or not at all (try: -EBUSY rather than -ETIMEDOUT). */
int fm__mutex_lock(fm_mutex *m, uint64_t timeout_ns, bool try, const char *call);

/* A thread that ends owning a mutex (sync-map.c): abandons it, as the
 * kernel does for a thread that dies, and unlinks its node. */
void fm__mutex_abandon(struct fm__mutex_state *st, struct fm__mutex_local *lc,
		       struct fm__thread *t);

#endif /* FM_SYNC_H */
