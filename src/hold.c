/* SPDX-License-Identifier: MIT */
/*
 * hold.c - this process's holds on named objects, and its table of them.
 *
 * A hold is one open description of an object's store file that carries
 * flock(LOCK_SH): the process's share of the name (object.c).  Every handle
 * the process has of the object with the same open mode uses it: a second
 * handle (fm_section_dup, or an open by name of a name the process holds,
 * found in the table) opens and locks nothing, and gets a descriptor
 * number of its own (a dup) only when it needs one (fm_section_fd, or the
 * Win32 layer's handle values).  A dup is the same description, so the
 * lock lives while any of them does.
 *
 * Views of a store-memory section map the hold's description itself.
 * When the process's last handle of the object goes, it asks whether it
 * was the last one out by converting its own lock: flock(LOCK_EX|LOCK_NB)
 * on the hold's description succeeds only if no other description holds a
 * lock.  If it fails, Linux has already dropped our shared lock (it
 * removes the old lock before it tries the new one), so a view that still
 * maps the description keeps the memory and not the name.  If it
 * succeeds, the name is removed, and the lock dropped at once (LOCK_UN)
 * when a view keeps the description alive.
 *
 * A conversion cannot see another process that shares the very same
 * description: a child after fork, a process that got the descriptor
 * across exec or over a socket.  So a hold is *shared* once that can be:
 * when it existed at a fork (its fork generation), when its descriptor was
 * given out (fm_section_fd, fm_sync_fd), or when it was adopted.  The last
 * handle of a shared hold closes its descriptor and tests "last one out"
 * on a fresh description instead, which the others' locks refuse; and its
 * views map a separate, unlocked description.  A description that views
 * map must also never become shared while it is locked, or a view in one
 * process would keep the name alive after the last handle in every
 * process: before a fork, and before a descriptor is given out, a hold
 * whose description views map moves its lock (a split).  A new
 * description is locked and put under every descriptor number the hold's
 * handles know (dup3); the old one, which the views keep, is unlocked.
 *
 * Locks: fm__global.lock guards the table, the list of holds and every
 * hold's counters, for memory work only.  *fm__global.fds keeps the holds'
 * descriptor numbers meaning what they mean: it is read-held wherever one
 * is used or handed out (a handle's own number, a close, a view's mmap)
 * and write-held by a split, and from before a fork until after it.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#define FIRST_BUCKETS 64

/* ------------------------------------------------------------------------
 * The list of holds and the table of findable ones
 * ------------------------------------------------------------------------ */

/* FNV-1a of the file name: the directory and mode are compared after.  A
 * hold keeps its file's, so that only a lookup hashes a name. */
static uint32_t hash_of(const char *file)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)file; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static size_t bucket_of(uint32_t hash, size_t buckets)
{
	return hash & (buckets - 1);
}

/* Gives the table buckets buckets (lock held); without memory it stays as
 * it is, its chains only longer. */
static void resize_locked(size_t buckets)
{
	struct fm__hold **table, *h, *next;

	table = calloc(buckets, sizeof(*table));
	if (!table)
		return;
	for (size_t i = 0; i < fm__global.hold_buckets; i++)
		for (h = fm__global.hold_table[i]; h; h = next) {
			size_t b = bucket_of(h->hash, buckets);

			next = h->chain;
			h->chain = table[b];
			table[b] = h;
		}
	free(fm__global.hold_table);
	fm__global.hold_table = table;
	fm__global.hold_buckets = buckets;
}

/* Doubles the table once it holds twice its buckets, and halves it (to
 * its first size at least) once it holds an eighth: a process that held
 * many objects once keeps no big table. */
static void fit_locked(void)
{
	size_t buckets = fm__global.hold_buckets, count = fm__global.hold_count;

	if (!buckets || count >= 2 * buckets)
		resize_locked(buckets ? buckets * 2 : FIRST_BUCKETS);
	else if (buckets > FIRST_BUCKETS && count < buckets / 8)
		resize_locked(buckets / 2);
}

/* Enters h in the list, and in the table if findable (lock held). */
static void index_locked(struct fm__hold *h)
{
	size_t b;

	h->next = fm__global.holds;
	if (h->next)
		h->next->prev = h;
	fm__global.holds = h;
	if (!h->findable)
		return;
	fit_locked();
	if (!fm__global.hold_buckets) {
		h->findable = false; /* no memory for a table: nobody finds it */
		return;
	}
	b = bucket_of(h->hash, fm__global.hold_buckets);
	h->chain = fm__global.hold_table[b];
	fm__global.hold_table[b] = h;
	fm__global.hold_count++;
}

static void unindex_locked(struct fm__hold *h)
{
	struct fm__hold **at;

	if (h->prev)
		h->prev->next = h->next;
	else
		fm__global.holds = h->next;
	if (h->next)
		h->next->prev = h->prev;
	if (!h->findable)
		return;
	at = &fm__global.hold_table[bucket_of(h->hash, fm__global.hold_buckets)];
	while (*at != h)
		at = &(*at)->chain;
	*at = h->chain;
	fm__global.hold_count--;
	fit_locked();
}

/* Whether h's description may be in another process (lock held). */
static bool shared_locked(const struct fm__hold *h)
{
	return h->escaped || h->forks != fm__global.forks;
}

struct fm__hold *fm__hold_alloc(const char *file)
{
	size_t len = strlen(file) + 1;
	struct fm__hold *h = fm__zalloc(sizeof(*h) + len);

	if (!h)
		return NULL;
	memcpy(h->file, file, len);
	h->hash = hash_of(file);
	h->fd = -1;
	atomic_init(&h->map_fd, -1);
	return h;
}

void fm__hold_start(struct fm__object *o, int mode, bool escaped)
{
	struct fm__hold *h = o->hold;

	h->dir = fm__dir_ref(o->dir);
	h->dev = o->dev;
	h->ino = o->ino;
	h->owner = o->owner;
	h->hdr = o->hdr;
	h->mode = mode;
	/* Data elsewhere (a user's file, a segment) is each handle's own
	 * business: opens of those go the whole way. */
	h->findable = !escaped && !(o->hdr.flags & (FM__HDR_FILE | FM__HDR_SHM));
	h->fd = o->fd;
	h->refs = 1;
	h->escaped = escaped;
	h->fd_user = o;
	h->users = o;
	o->hold_prev = o->hold_next = NULL;
	fm__global_lock();
	h->forks = fm__global.forks;
	index_locked(h);
	fm__global_unlock();
}

static void hold_free(struct fm__hold *h)
{
	fm__dir_put(h->dir);
	free(h);
}

/* Lets go of a reference on h taken under the lock (freed at the last). */
static void unpin(struct fm__hold *h)
{
	bool gone;

	fm__global_lock();
	gone = --h->refs == 0;
	fm__global_unlock();
	if (gone)
		hold_free(h);
}

/* ------------------------------------------------------------------------
 * Handles
 * ------------------------------------------------------------------------ */

/* Puts out among h's handles (lock held, h has handles). */
static void join_locked(struct fm__object *out, struct fm__hold *h)
{
	h->refs++;
	out->hold_prev = NULL;
	out->hold_next = h->users;
	h->users->hold_prev = out;
	h->users = out;
}

/* Gives out, now one of h's handles, what a handle of h knows. */
static void joined(struct fm__object *out, struct fm__hold *h)
{
	out->fd = -1;
	out->hold = h;
	out->dir = fm__dir_ref(h->dir);
	out->dev = h->dev;
	out->ino = h->ino;
	out->owner = h->owner;
	out->hdr = h->hdr;
}

void fm__hold_join(struct fm__object *out, struct fm__hold *h)
{
	fm__global_lock();
	join_locked(out, h);
	fm__global_unlock();
	joined(out, h);
}

struct fm__hold *fm__hold_join_name(struct fm__object *out, const struct fm__dir *dir,
				    const char *file, int mode)
{
	uint32_t hash = hash_of(file);
	struct fm__hold *h = NULL;

	fm__global_lock();
	if (fm__global.hold_buckets)
		for (h = fm__global.hold_table[bucket_of(hash, fm__global.hold_buckets)]; h;
		     h = h->chain)
			if (h->hash == hash && h->dir == dir && h->mode == mode &&
			    strcmp(h->file, file) == 0)
				break;
	/* A hold is in the table exactly while it has handles. */
	if (h)
		join_locked(out, h);
	fm__global_unlock();
	if (h)
		joined(out, h);
	return h;
}

static void share(struct fm__hold *h);

int fm__hold_own_fd(struct fm__object *o, bool shared)
{
	struct fm__hold *h = o->hold;
	int fd = -1;

	if (shared)
		share(h);
	pthread_rwlock_rdlock(fm__global.fds);
	fm__global_lock();
	if (o->fd < 0 && !h->fd_user) {
		h->fd_user = o;
		o->fd = h->fd;
	}
	fd = o->fd;
	fm__global_unlock();
	if (fd < 0)
		fd = fm__os_dup(h->fd);
	if (fd >= 0 && fd != o->fd) {
		int expected = -1;

		/* Two threads may race to give o its number: one keeps its. */
		if (!atomic_compare_exchange_strong(&o->fd, &expected, fd)) {
			fm__os_close(fd);
			fd = expected;
		}
	}
	pthread_rwlock_unlock(fm__global.fds);
	return fd;
}

/*
 * The last handle of h in this process went (fds read-held): the last one
 * out of every process removes the name.  mapped: a view still maps h's
 * description.
 */
static void last_one_out(struct fm__hold *h, bool shared, bool mapped)
{
	int map_fd = atomic_exchange(&h->map_fd, -1), fd, r;

	if (map_fd >= 0)
		fm__os_close(map_fd);
	if (shared) {
		/* Another process may share our description, and our lock:
		 * ask a fresh description, which every holder's lock refuses. */
		fm__os_close(h->fd);
		fd = fm__object_open_file(h->dir->fd, h->file, O_RDONLY);
		if (fd >= 0) {
			fm__object_remove_if_unheld(h->dir->fd, h->file, fd);
			fm__os_close(fd);
		}
		return;
	}
	r = fm__os_flock(h->fd, LOCK_EX | LOCK_NB);
	if (r == 0)
		fm__object_remove_locked(h->dir->fd, h->file, h->fd);
	/* A failed conversion left no lock; a view keeps the description, so
	 * a lock it still has goes now, not with the view. */
	if (mapped && r != -EWOULDBLOCK)
		fm__os_flock(h->fd, LOCK_UN);
	fm__os_close(h->fd);
}

void fm__hold_release(struct fm__object *o)
{
	struct fm__hold *h = o->hold;
	bool last, shared, mapped;
	int own = o->fd, hold_fd = h->fd;

	pthread_rwlock_rdlock(fm__global.fds);
	fm__global_lock();
	if (o->hold_prev)
		o->hold_prev->hold_next = o->hold_next;
	else
		h->users = o->hold_next;
	if (o->hold_next)
		o->hold_next->hold_prev = o->hold_prev;
	if (h->fd_user == o)
		h->fd_user = NULL;
	last = !h->users;
	/* Not the last: the other handles keep h, so our reference goes now,
	 * and h is not touched after the lock. */
	if (last)
		unindex_locked(h);
	else
		h->refs--;
	shared = shared_locked(h);
	mapped = h->views > 0;
	/* The hold's own number stays open for the other handles: if it was
	 * given out, it may have been made inheritable, and a closed handle
	 * must not pass to the programs this process executes.  Under the
	 * lock: after it, the last handle may close the number and another
	 * thread's open be given it. */
	if (own >= 0 && own == hold_fd && !last && h->escaped)
		fm__os_setfd_cloexec(hold_fd);
	fm__global_unlock();
	if (own >= 0 && own != hold_fd)
		fm__os_close(own);
	if (last)
		last_one_out(h, shared, mapped);
	pthread_rwlock_unlock(fm__global.fds);
	o->fd = -1;
	o->hold = NULL;
	if (last)
		unpin(h);
}

/* ------------------------------------------------------------------------
 * Views
 * ------------------------------------------------------------------------ */

void fm__hold_map_begin(void)
{
	pthread_rwlock_rdlock(fm__global.fds);
}

void fm__hold_map_end(void)
{
	pthread_rwlock_unlock(fm__global.fds);
}

int fm__hold_view_fd(struct fm__object *o, struct fm__hold **counted)
{
	struct fm__hold *h = o->hold;
	int fd, expected = -1;
	bool shared;

	fm__global_lock();
	shared = shared_locked(h);
	if (!shared) {
		h->views++;
		h->refs++;
	}
	fm__global_unlock();
	*counted = shared ? NULL : h;
	if (!shared)
		return h->fd;
	fd = atomic_load(&h->map_fd);
	if (fd >= 0)
		return fd;
	fd = fm__file_reopen(h->dir, h->file, h->dev, h->ino, h->fd, h->mode);
	if (fd < 0)
		return fd;
	/* Two threads may race to open it; the loser closes its own. */
	if (!atomic_compare_exchange_strong(&h->map_fd, &expected, fd)) {
		fm__os_close(fd);
		fd = expected;
	}
	return fd;
}

void fm__hold_view_gone(struct fm__hold *h)
{
	bool gone;

	fm__global_lock();
	h->views--;
	gone = --h->refs == 0;
	fm__global_unlock();
	if (gone)
		hold_free(h);
}

/* ------------------------------------------------------------------------
 * Sharing a description: splits, fork
 * ------------------------------------------------------------------------ */

/* Puts fresh under the own descriptor number of each of h's handles but
 * h->fd (fds write-held, so none of those numbers changes meanwhile; the
 * lock keeps the list still): 0 or the first failure. */
static int renumber_handles(struct fm__hold *h, int fresh)
{
	int r = 0;

	fm__global_lock();
	for (struct fm__object *o = h->users; r >= 0 && o; o = o->hold_next)
		if (o->fd >= 0 && o->fd != h->fd)
			r = fm__os_dup3(fresh, o->fd);
	fm__global_unlock();
	return r;
}

/*
 * Moves h's lock off the description its views map (fds write-held, so
 * that h, which has handles, stays): a new description, locked, goes under
 * h->fd and every handle's own number, and the old one, which the views
 * keep, is unlocked and kept for the views to come.  On a failure nothing
 * is unlocked: the name then lives as long as those views, as it did
 * before this release.
 */
static void split(struct fm__hold *h)
{
	int keep = fm__os_dup(h->fd), fresh = -1, r = keep;

	if (r >= 0)
		r = fresh = fm__file_reopen(h->dir, h->file, h->dev, h->ino, h->fd, h->mode);
	/* Our own lock on the file keeps any LOCK_EX away: this never waits. */
	if (r >= 0)
		r = fm__os_flock(fresh, LOCK_SH | LOCK_NB);
	if (r >= 0)
		r = fm__os_dup3(fresh, h->fd);
	if (r >= 0)
		r = renumber_handles(h, fresh);
	if (r >= 0 && fm__os_flock(keep, LOCK_UN) == 0) {
		atomic_store(&h->map_fd, keep);
		keep = -1;
	}
	if (fresh >= 0)
		fm__os_close(fresh);
	if (keep >= 0)
		fm__os_close(keep);
}

/* Makes h shared: its descriptor is leaving the process. */
static void share(struct fm__hold *h)
{
	bool escaped, mapped;

	/* Once shared, always: a hold given out before needs no write lock. */
	fm__global_lock();
	escaped = h->escaped;
	fm__global_unlock();
	if (escaped)
		return;
	pthread_rwlock_wrlock(fm__global.fds);
	fm__global_lock();
	mapped = !shared_locked(h) && h->views > 0;
	h->escaped = true;
	fm__global_unlock();
	if (mapped)
		split(h);
	pthread_rwlock_unlock(fm__global.fds);
}

void fm__holds_before_fork(void)
{
	struct fm__hold *h, *next;
	bool mapped;

	/*
	 * With fds write-held, no hold leaves the list (a release read-holds
	 * fds) and none in it is freed (it has handles); new ones come in at
	 * its head with no view yet (a view's map read-holds fds).  So the
	 * list is walked as it is, with nothing to allocate and nothing to
	 * pin, and every hold whose locked description views map is split.
	 */
	pthread_rwlock_wrlock(fm__global.fds);
	fm__global_lock();
	h = fm__global.holds;
	fm__global_unlock();
	for (; h; h = next) {
		fm__global_lock();
		next = h->next;
		mapped = !shared_locked(h) && h->views > 0;
		fm__global_unlock();
		if (mapped)
			split(h);
	}
}

/* The locks children took in place of their parent's (after_fork), kept
 * reachable: the old one may still count as locked to a sanitizer. */
struct child_lock {
	pthread_rwlock_t lock;
	struct child_lock *older;
};

static struct child_lock *child_locks;

void fm__holds_after_fork(bool child)
{
	struct child_lock *l;

	if (!child) {
		pthread_rwlock_unlock(fm__global.fds);
		return;
	}
	/* The child's one thread is not the parent's writer (glibc tells a
	 * writer by its thread id), so it cannot unlock: a new lock.  Without
	 * memory, the old one made anew in place does as well. */
	l = malloc(sizeof(*l));
	if (!l) {
		pthread_rwlock_init(fm__global.fds, NULL);
		return;
	}
	pthread_rwlock_init(&l->lock, NULL);
	l->older = child_locks;
	child_locks = l;
	fm__global.fds = &l->lock;
}
