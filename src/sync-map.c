/* SPDX-License-Identifier: MIT */
/*
 * sync-map.c - each process maps each sync object's state once.
 *
 * All handles of one object in a process share one mapping, found by its
 * key (fm__global.sync_maps), so that a mutex's word has one address in
 * the process and one robust-list node, whichever handle locks or unlocks
 * it (robust.c).  A mutex's mapping is two pages side by side: its shared
 * state page (of its store file, or of its segment: fm__sync_state_page),
 * then a private anonymous page with the process's own bookkeeping
 * (sync.h).
 *
 * A mapping lives while a handle uses it, or while a thread of the process
 * owns the mutex: Windows keeps a mutex owned when its last handle is
 * closed, and the kernel must find the node where it was linked.  Both are
 * the process's own knowledge; nothing another process writes can keep a
 * mapping alive, or make one go early.
 *
 * The key must not pass to another object while the mapping is in the
 * table, which may be after the object's name is gone (a thread still owns
 * a mutex whose last handle was closed).  A mapping of a store file holds
 * its inode, so the file's device and inode are its key.  A mapping of a
 * segment holds the segment, not the store file, whose inode a file
 * system may give to the next file made (ext4 does at once): its key is
 * the segment's id, which no other segment can have while this one is
 * attached, with its creation time, as the header records them.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <fcntl.h>
#include <search.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* What tells one object's mapping from another's (see above). */
struct map_key {
	bool shm;          /* the state is a segment */
	uint64_t id, time; /* the file's device and inode; or the segment's id
			    * and creation time */
};

struct fm__sync_map {
	struct map_key key;
	uint32_t type;
	long refs;  /* handles using it (fm__global.lock) */
	bool listed; /* in fm__global.sync_maps */
	void *base; /* the state page, then a mutex's private page */
	size_t len;
	void *state; /* the object's state line, in the first page */
	struct fm__mutex_local *local;
};

size_t fm__sync_state_offset(uint32_t type, uint64_t ino)
{
	size_t lines = fm__page_size() / 64;

	if (type == FM__TYPE_MUTEX)
		return (lines - 1) * 64;
	/* Another line of the page for each object (the inode spread by a
	 * multiplicative hash), the last one excepted: mutexes use it. */
	return (size_t)(((ino * 0x9E3779B97F4A7C15ull) >> 32) % (lines - 1)) * 64;
}

/* The key of o's object. */
static struct map_key key_of(const struct fm__object *o)
{
	if (o->hdr.flags & FM__HDR_SHM)
		return (struct map_key){ true, (uint32_t)o->hdr.shm_id, (uint64_t)o->hdr.shm_ctime };
	return (struct map_key){ false, (uint64_t)o->dev, (uint64_t)o->ino };
}

/* Maps a new mapping of the state of the object file open at fd (whose
 * store file has inode ino), or of its segment's attachment shm. */
static int map_build(struct fm__sync_map **out, int fd, void *shm, uint32_t type,
		     uint64_t header_size, uint64_t ino)
{
	size_t page = fm__page_size();
	struct fm__sync_map *m = calloc(1, sizeof(*m));
	void *base = NULL;
	int r;

	if (!m)
		return -ENOMEM;
	m->type = type;
	m->len = type == FM__TYPE_MUTEX ? 2 * page : page;
	if (type == FM__TYPE_MUTEX) {
		/* Both pages private and anonymous first; then the state page
		 * takes the place of the first. */
		r = fm__os_mmap(&base, NULL, m->len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r == 0)
			r = fm__sync_state_page(&base, base, fd, header_size, shm);
	} else {
		r = fm__sync_state_page(&base, NULL, fd, header_size, shm);
	}
	if (r < 0) {
		if (base)
			fm__os_munmap(base, m->len);
		free(m);
		return r;
	}
	m->base = base;
	m->state = (char *)base + fm__sync_state_offset(type, ino);
	m->local = type == FM__TYPE_MUTEX ? (struct fm__mutex_local *)((char *)base + page) : NULL;
	*out = m;
	return 0;
}

static void map_destroy(struct fm__sync_map *m)
{
	fm__os_munmap(m->base, m->len);
	free(m);
}

static int compare(const void *a, const void *b)
{
	const struct map_key *x = &((const struct fm__sync_map *)a)->key;
	const struct map_key *y = &((const struct fm__sync_map *)b)->key;

	if (x->shm != y->shm)
		return x->shm ? 1 : -1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->time < y->time ? -1 : x->time > y->time;
}

/* The listed mapping of key, or NULL (lock held). */
static struct fm__sync_map *find_locked(struct map_key key)
{
	struct fm__sync_map probe = { .key = key };
	void *node = tfind(&probe, &fm__global.sync_maps, compare);

	return node ? *(struct fm__sync_map **)node : NULL;
}

static void use(fm_sync *o, struct fm__sync_map *m)
{
	o->map = m;
	o->local = m->local;
	if (m->type == FM__TYPE_MUTEX) {
		o->mutex = m->state;
		o->word = &o->mutex->word;
		o->waiters = &o->mutex->waiters;
	} else {
		o->counter = m->state;
		o->word = &o->counter->word;
		o->waiters = &o->counter->waiters;
	}
}

/* Whether a thread of this process owns the mutex m maps. */
static bool owned(const struct fm__sync_map *m)
{
	return m->local && atomic_load(&m->local->owner) != 0;
}

/* Lists m (lock held); false if there is no memory for it, or if another
 * mapping is listed under its key (never, keys being unique). */
static bool list_locked(struct fm__sync_map *m)
{
	void *node = tsearch(m, &fm__global.sync_maps, compare);

	m->listed = node && *(struct fm__sync_map **)node == m;
	return m->listed;
}

static void map_release(struct fm__sync_map *m);

int fm__sync_map_get(fm_sync *o)
{
	struct map_key key = key_of(&o->obj);
	struct fm__sync_map *m, *fresh = NULL;
	int fd, r;

	for (;;) {
		fm__global_lock();
		m = find_locked(key);
		if (!m && fresh && list_locked(fresh)) {
			m = fresh;
			fresh = NULL;
		}
		if (m)
			m->refs++;
		fm__global_unlock();
		if (m || fresh)
			break;
		/* Mapped without the lock held; another thread may list the
		 * same object meanwhile, and then its mapping is used.  A
		 * segment is mapped again from the handle's attachment. */
		fd = o->obj.shm ? -1 : fm__object_reopen(&o->obj, O_RDWR);
		if (!o->obj.shm && fd < 0)
			return fd;
		r = map_build(&fresh, fd, o->obj.shm, o->type, o->obj.hdr.header_size, o->obj.ino);
		if (fd >= 0)
			fm__os_close(fd);
		if (r < 0)
			return r;
		fresh->key = key;
	}
	if (fresh)
		map_destroy(fresh); /* lost the race, or no memory to list it */
	if (!m)
		return -ENOMEM;
	if (m->type != o->type) {
		/* The same file under another type: its header was rewritten. */
		map_release(m);
		return FM_ECORRUPT;
	}
	use(o, m);
	return 0;
}

int fm__sync_map_new(struct fm__sync_map **map, int fd, void *shm, uint32_t type, void **state,
		     struct fm__mutex_local **local)
{
	/* The new file is its header, then the state page, unless that is
	 * its segment. */
	uint64_t state_in_file = shm ? 0 : fm__page_size();
	struct stat st;
	int r = fm__os_fstat(fd, &st);

	if (r == 0 && (uint64_t)st.st_size < state_in_file)
		r = -EINVAL;
	if (r == 0)
		r = map_build(map, fd, shm, type, (uint64_t)st.st_size - state_in_file,
			      (uint64_t)st.st_ino);
	if (r < 0)
		return r;
	*state = (*map)->state;
	*local = (*map)->local;
	return 0;
}

int fm__sync_map_adopt(fm_sync *o, struct fm__sync_map *map)
{
	bool listed;

	map->key = key_of(&o->obj);
	map->refs = 1;
	/* A new inode, or segment: nothing is listed under its key. */
	fm__global_lock();
	listed = list_locked(map);
	fm__global_unlock();
	if (!listed)
		return -ENOMEM;
	use(o, map);
	return 0;
}

void fm__sync_map_discard(struct fm__sync_map *map)
{
	if (map)
		map_destroy(map);
}

/* Drops m if nothing needs it any more (lock held); true if dropped. */
static bool drop_locked(struct fm__sync_map *m)
{
	if (m->refs > 0 || owned(m))
		return false;
	if (m->listed)
		tdelete(m, &fm__global.sync_maps, compare);
	m->listed = false;
	return true;
}

static void map_release(struct fm__sync_map *m)
{
	bool gone;

	fm__global_lock();
	m->refs--;
	gone = drop_locked(m);
	fm__global_unlock();
	if (gone)
		map_destroy(m);
}

void fm__sync_map_put(fm_sync *o)
{
	if (o->map)
		map_release(o->map);
}

/* twalk_r's visit: finds a mutex the thread closure->tid owns. */
struct search {
	int32_t tid;
	struct fm__sync_map *found;
};

static void find_owned(const void *node, VISIT which, void *arg)
{
	struct fm__sync_map *m = *(struct fm__sync_map *const *)node;
	struct search *s = arg;

	if ((which == postorder || which == leaf) && !s->found && m->local &&
	    atomic_load(&m->local->owner) == s->tid)
		s->found = m;
}

void fm__sync_map_thread_ends(int32_t tid)
{
	struct fm__thread *t = fm__thread();

	if (tid == 0 || tid != t->tid)
		return;
	for (int i = 0; i < 1 << 20; i++) {
		struct search s = { tid, NULL };
		bool gone;

		fm__global_lock();
		twalk_r(fm__global.sync_maps, find_owned, &s);
		fm__global_unlock();
		if (!s.found)
			return;
		/* Nobody else changes a mapping this thread owns. */
		fm__mutex_abandon(s.found->state, s.found->local, t);
		fm__global_lock();
		gone = drop_locked(s.found);
		fm__global_unlock();
		if (gone)
			map_destroy(s.found);
	}
}

/* twalk_r's visit for the fork child: collects every mapping. */
struct collect {
	struct fm__sync_map **all;
	size_t n, cap;
};

static void collect_all(const void *node, VISIT which, void *arg)
{
	struct collect *c = arg;

	if ((which == postorder || which == leaf) && c->n < c->cap)
		c->all[c->n++] = *(struct fm__sync_map *const *)node;
}

static void count_all(const void *node, VISIT which, void *arg)
{
	(void)node;
	if (which == postorder || which == leaf)
		++*(size_t *)arg;
}

void fm__sync_map_forked(int32_t parent_tid)
{
	struct collect c = { NULL, 0, 0 };

	twalk_r(fm__global.sync_maps, count_all, &c.cap);
	c.all = c.cap ? malloc(c.cap * sizeof(*c.all)) : NULL;
	if (!c.all)
		return;
	twalk_r(fm__global.sync_maps, collect_all, &c);
	for (size_t i = 0; i < c.n; i++) {
		struct fm__sync_map *m = c.all[i];

		if (!owned(m))
			continue;
		/* The forking thread's list is the child's thread's now; the
		 * others' lists are nobody's. */
		if (atomic_load(&m->local->owner) == parent_tid)
			fm__robust_unlink(&m->local->next);
		atomic_store(&m->local->owner, 0);
		atomic_store(&m->local->count, 0);
		if (drop_locked(m))
			map_destroy(m);
	}
	free(c.all);
}
