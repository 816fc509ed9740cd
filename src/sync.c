/* SPDX-License-Identifier: MIT */
/*
 * sync.c - sync object handles: create, open, dup, adopt, close, query.
 *
 * A sync object is a store object (object.c gives it its name and lifetime)
 * whose data is one state page: the page after the header in its store
 * file, or, for a Global\ object other users may operate, a SysV segment of
 * one page that each handle keeps attached (shm.c), which nobody can
 * shrink.  The process maps that page once, for all its handles of the
 * object (sync-map.c), from a separate, unlocked description or a second
 * mapping of a handle's attachment, as a section's views do, so that the
 * mapping never keeps the name alive.  Every handle needs write access to
 * the state (waiting takes the object); the header is read, never mapped.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

#define MODE_BITS    0777u

const struct fm__sync_kind *fm__sync_kind_of(uint32_t type)
{
	switch (type) {
	case FM__TYPE_MUTEX:
		return &fm__mutex_kind;
	case FM__TYPE_EVENT:
		return &fm__event_kind;
	case FM__TYPE_SEMAPHORE:
		return &fm__semaphore_kind;
	default:
		return NULL;
	}
}

int fm__sync_state_page(void **page, void *addr, int fd, uint64_t header_size, void *shm)
{
	/* A second mapping of the attachment checks nothing again. */
	if (shm)
		return fm__shm_dup(page, shm, fm__page_size(), addr);
	return fm__os_mmap(page, addr, fm__page_size(), PROT_READ | PROT_WRITE,
			   MAP_SHARED | (addr ? MAP_FIXED : 0), fd, header_size);
}

_Atomic uint64_t fm__sync_closes;

const char *fm__sync_label(const fm_sync *o)
{
	return o && o->obj.name ? o->obj.name : "(unnamed)";
}

int fm__sync_use_fail(const fm_sync *o, uint32_t type, const char *call)
{
	if (!o)
		return fm__fail(-EINVAL, call, NULL, "the object is NULL");
	if (!fm__sync_is_open(o))
		return fm__fail(FM_ETYPE, call, NULL, "not an open mutex, event or semaphore");
	if (type && o->type != type)
		return fm__fail(FM_ETYPE, call, fm__sync_label(o), "a %s, not a %s",
				fm__sync_kind_of(o->type)->noun, fm__sync_kind_of(type)->noun);
	return 0; /* never: fm__sync_use() called it */
}

/* Whether the state of o, a handle with its mapping, is sound; if not,
 * FM_ECORRUPT with the message, for call. */
static int check_state(const fm_sync *o, const char *call)
{
	const char *why = o->kind->check(o->state);

	if (!why)
		return 0;
	return fm__fail(FM_ECORRUPT, call, fm__sync_label(o), "corrupt %s state: %s", o->kind->noun,
			why);
}

/*
 * Completes a handle whose object is held: finds or makes the process's
 * mapping of its state (create gave it one already) and checks the state.
 */
static int sync_finish(fm_sync *o, const char *call)
{
	int r;

	o->type = o->obj.hdr.type;
	o->kind = fm__sync_kind_of(o->type);
	r = o->map ? 0 : fm__sync_map_get(o);
	if (r < 0)
		return fm__fail(r, call, fm__sync_label(o),
				r == FM_ECORRUPT ? "corrupt header: its type changed" : NULL);
	r = check_state(o, call);
	if (r < 0)
		return r;
	if (o->type == FM__TYPE_MUTEX)
		atomic_store(&o->open, FM__SYNC_OPEN(0));
	else if (o->type == FM__TYPE_EVENT && (atomic_load(&o->counter->param) & FM_EVENT_MANUAL_RESET))
		atomic_store(&o->open, FM__SYNC_OPEN(FM__EV_SIGNALED));
	else
		atomic_store(&o->open, FM__SYNC_OPEN(UINT32_MAX));
	return 0;
}

/* Undoes a handle that sync_finish() could not complete. */
static void sync_discard(fm_sync *o)
{
	fm__sync_map_put(o);
	fm__object_release(&o->obj);
	free(o);
}

/* What the object layer's init hook needs. */
struct create_ctx {
	uint32_t type;
	fm__sync_init init;
	const void *arg;
	struct fm__sync_map *map; /* the new file's state, mapped by the hook */
	void *state;
	struct fm__mutex_local *local;
};

static int init_hook(int fd, void *shm, void *arg)
{
	struct create_ctx *ctx = arg;
	int map_fd = shm ? -1 : fm__os_reopen(fd, O_RDWR), r; /* fd has no name yet */

	if (!shm && map_fd < 0)
		return map_fd;
	r = fm__sync_map_new(&ctx->map, shm ? fd : map_fd, shm, ctx->type, &ctx->state,
			     &ctx->local);
	if (map_fd >= 0)
		fm__os_close(map_fd);
	if (r < 0)
		return r;
	r = ctx->init(ctx->state, ctx->local, ctx->arg);
	if (r < 0) {
		fm__sync_map_discard(ctx->map);
		ctx->map = NULL;
	}
	return r;
}

/* A new object's state that no handle will use: releases what init took
 * (a new mutex its creator owns must leave the robust list), then unmaps. */
static void drop_new_state(struct create_ctx *ctx, void (*undo)(void *, struct fm__mutex_local *))
{
	if (undo)
		undo(ctx->state, ctx->local);
	fm__sync_map_discard(ctx->map);
	ctx->map = NULL;
}

static int read_opts(struct fm_sync_opts *o, const struct fm_sync_opts *opts)
{
	static const size_t field_ends[] = {
		offsetof(struct fm_sync_opts, mode), sizeof(struct fm_sync_opts),
	};

	*o = (struct fm_sync_opts)FM_SYNC_OPTS_INIT;
	if (!opts)
		return 0;
	if (opts->size < sizeof(opts->size))
		return -EINVAL;
	memcpy(o, opts, fm__struct_fit(opts->size, field_ends, 2));
	o->size = sizeof(*o);
	return 0;
}

/* Reads and checks the create call's options into *o: 0, or -EINVAL with
 * the message set. */
static int check_opts(struct fm_sync_opts *o, const struct fm_sync_opts *opts, const char *label,
		      const char *call)
{
	if (read_opts(o, opts) < 0)
		return fm__fail(-EINVAL, call, label, "opts->size is %u; use FM_SYNC_OPTS_INIT",
				opts->size);
	/* Any permission bits: the creator's handle has all access whatever
	 * they say; they bound opens by name. */
	if ((o->mode ? o->mode : 0600) & ~MODE_BITS)
		return fm__fail(-EINVAL, call, label, "mode %#o: only permission bits (0777)",
				(unsigned)o->mode);
	return 0;
}

int fm__sync_create(fm_sync **out, const char *name, uint32_t type, fm__sync_init init,
		    void (*undo)(void *state, struct fm__mutex_local *local), const void *arg,
		    const struct fm_sync_opts *opts, const char *call)
{
	const char *label = name ? name : "(unnamed)";
	struct create_ctx ctx = { type, init, arg, NULL, NULL, NULL };
	struct fm__name parsed = { 0 };
	struct fm__object_spec spec;
	struct fm_sync_opts o;
	fm_sync *s;
	int r, result;

	if (!out)
		return fm__fail(-EINVAL, call, label, "out is NULL");
	if (name && (r = fm__name_parse(&parsed, name)) < 0)
		return fm__fail(r, call, label, NULL);
	r = check_opts(&o, opts, label, call);
	s = r < 0 ? NULL : fm__zalloc(sizeof(*s));
	if (r == 0 && !s)
		r = fm__fail(-ENOMEM, call, label, NULL);
	if (r < 0) {
		fm__name_free(&parsed);
		return r;
	}
	spec = (struct fm__object_spec){
		.type = type,
		.max_access = FM_READ | FM_WRITE,
		.size = fm__page_size(), /* the state page (the header says 0) */
		.mode = o.mode ? o.mode : 0600,
		.reserve = false,
		.init = init_hook,
		.init_arg = &ctx,
	};
	result = fm__object_create(&s->obj, name ? &parsed : NULL, &spec, O_RDWR, call);
	fm__name_free(&parsed);
	if (ctx.map && result != 0)
		drop_new_state(&ctx, undo); /* the name existed, or publishing failed */
	if (result < 0) {
		free(s);
		return result;
	}
	r = ctx.map ? fm__sync_map_adopt(s, ctx.map) : 0;
	if (r < 0)
		drop_new_state(&ctx, undo);
	r = r < 0 ? fm__fail(r, call, label, NULL) : sync_finish(s, call);
	if (r < 0) {
		if (ctx.map && undo) /* undo only what init did */
			undo(ctx.state, ctx.local);
		sync_discard(s);
		return r;
	}
	*out = s;
	return result;
}

int fm__sync_open(fm_sync **out, const char *name, uint32_t type, const char *call)
{
	struct fm__name parsed;
	fm_sync *s;
	int r;

	if (!out)
		return fm__fail(-EINVAL, call, name, "out is NULL");
	if (!name)
		return fm__fail(-EINVAL, call, NULL, "name is NULL: only named objects can be opened");
	r = fm__name_parse(&parsed, name);
	if (r < 0)
		return fm__fail(r, call, name, NULL);
	s = fm__zalloc(sizeof(*s));
	r = s ? fm__object_open(&s->obj, &parsed, O_RDWR, type, call)
	      : fm__fail(-ENOMEM, call, name, NULL);
	fm__name_free(&parsed);
	if (r < 0) {
		free(s);
		return r;
	}
	r = sync_finish(s, call);
	if (r < 0) {
		sync_discard(s);
		return r;
	}
	*out = s;
	return 0;
}

FM_API int fm_sync_dup(fm_sync **out, fm_sync *o)
{
	static const char call[] = "fm_sync_dup";
	fm_sync *d;
	int r;

	if (!out)
		return fm__fail(-EINVAL, call, NULL, "out is NULL");
	r = fm__sync_use(o, 0, call);
	if (r < 0)
		return r;
	d = fm__zalloc(sizeof(*d));
	if (!d)
		return fm__fail(-ENOMEM, call, fm__sync_label(o), NULL);
	r = fm__object_dup(&d->obj, &o->obj, O_RDWR, call);
	if (r < 0) {
		free(d);
		return r;
	}
	r = sync_finish(d, call);
	if (r < 0) {
		sync_discard(d);
		return r;
	}
	*out = d;
	return 0;
}

static bool is_regular(int fd)
{
	struct stat st;

	return fm__os_fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

static int not_read_write(int fd, const char *call)
{
	return fm__fail(-EACCES, call, NULL, "descriptor %d is not open for reading and writing",
			fd);
}

FM_API int fm_sync_adopt(fm_sync **out, int fd)
{
	static const char call[] = "fm_sync_adopt";
	fm_sync *s;
	int r, fl;

	if (!out)
		return fm__fail(-EINVAL, call, NULL, "out is NULL");
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return fm__fail(-EBADF, call, NULL, "descriptor %d is not open", fd);
	/* Read-only will do only for an object whose state is in a segment. */
	if ((fl & O_ACCMODE) == O_WRONLY || ((fl & O_ACCMODE) != O_RDWR && !is_regular(fd)))
		return not_read_write(fd, call);
	s = fm__zalloc(sizeof(*s));
	if (!s)
		return fm__fail(-ENOMEM, call, NULL, NULL);
	r = fm__object_adopt(&s->obj, fd, 0, FM_READ | FM_WRITE, call);
	if (r < 0) {
		free(s);
		return r;
	}
	/* The state is in the object file, unless in a segment (attached). */
	if (!fm__sync_kind_of(s->obj.hdr.type))
		r = fm__fail(FM_ETYPE, call, s->obj.name, "a section, not a sync object");
	else if (!s->obj.shm && (fl & O_ACCMODE) != O_RDWR)
		r = not_read_write(fd, call);
	else
		r = sync_finish(s, call);
	if (r < 0) {
		s->obj.fd = -1; /* not ours after all: the caller keeps fd */
		sync_discard(s);
		return r;
	}
	fm__object_adopted(&s->obj, fl & O_ACCMODE);
	*out = s;
	return 0;
}

FM_API void fm_sync_close(fm_sync *o)
{
	if (!o || !fm__sync_is_open(o))
		return;
	atomic_store(&o->open, 0);
	atomic_fetch_add_explicit(&fm__sync_closes, 1, memory_order_release);
	fm__sync_map_put(o);
	fm__object_release(&o->obj);
	free(o);
}

FM_API int fm_sync_type(const fm_sync *o)
{
	if (!o || !fm__sync_is_open(o))
		return fm__fail(-EINVAL, "fm_sync_type", NULL, "not an open sync object");
	return (int)o->type;
}

FM_API const char *fm_sync_name(const fm_sync *o)
{
	return o && fm__sync_is_open(o) ? o->obj.name : NULL;
}

/* The handle's own descriptor; share: it may leave the process. */
static int own_fd(const fm_sync *o, bool share, const char *call)
{
	int r = fm__sync_use(o, 0, call);

	/* The handle is not changed, but its hold learns where its
	 * description may go. */
	return r < 0 ? r : fm__object_own_fd((struct fm__object *)&o->obj, share, call);
}

FM_API int fm_sync_fd(const fm_sync *o)
{
	return own_fd(o, true, "fm_sync_fd");
}

FM_API int fm_sync_fileno(const fm_sync *o)
{
	return own_fd(o, false, "fm_sync_fileno");
}

/* Fills the fields of info that fit the caller's size. */
static void copy_info(struct fm_sync_info *out, const struct fm_sync_info *info)
{
	static const size_t field_ends[] = {
		offsetof(struct fm_sync_info, type) + sizeof(int),
		offsetof(struct fm_sync_info, signaled) + sizeof(int),
		offsetof(struct fm_sync_info, manual_reset) + sizeof(int),
		offsetof(struct fm_sync_info, count) + sizeof(uint32_t),
		offsetof(struct fm_sync_info, maximum) + sizeof(uint32_t),
		offsetof(struct fm_sync_info, owner_pid) + sizeof(int32_t),
		offsetof(struct fm_sync_info, owner_tid) + sizeof(int32_t),
		offsetof(struct fm_sync_info, recursion) + sizeof(uint32_t),
		sizeof(struct fm_sync_info),
	};
	uint32_t size = out->size;

	memcpy(out, info, fm__struct_fit(size, field_ends, sizeof(field_ends) / sizeof(field_ends[0])));
	out->size = size;
}

FM_API int fm_sync_query(struct fm_sync_info *out, const fm_sync *o)
{
	static const char call[] = "fm_sync_query";
	struct fm_sync_info info = { .size = sizeof(info) };
	int r;

	if (!out || out->size < offsetof(struct fm_sync_info, type) + sizeof(int))
		return fm__fail(-EINVAL, call, NULL, out ? "out->size is too small" : "out is NULL");
	r = fm__sync_use(o, 0, call);
	if (r < 0)
		return r;
	r = check_state(o, call);
	if (r < 0)
		return r;
	info.type = (int)o->type;
	o->kind->describe(o->state, &info);
	copy_info(out, &info);
	return 0;
}

/*
 * How many waits are armed on the object whose state line is state, as
 * struct fm_object_info's waiters says: an event's or semaphore's hint; for
 * a mutex 1 when it is owned and its word says a thread waits, else 0.
 */
static int32_t waiters_of(uint32_t type, const void *state)
{
	const struct fm__counter_state *counter = state;
	const struct fm__mutex_state *mutex = state;
	uint32_t word;

	if (type != FM__TYPE_MUTEX)
		return (int32_t)(atomic_load(&counter->waiters) & INT32_MAX);
	word = atomic_load(&mutex->word);
	return (word & FUTEX_TID_MASK) && (word & FUTEX_WAITERS) ? 1 : 0;
}

/*
 * Copies the state line of the stored sync object (fd, st, sound header h)
 * into line (len bytes): from the page after its header, or from its
 * segment, attached read-only for the moment (no hold: it is only looked
 * at).  Returns the bytes read, -EIDRM when the segment is gone (an
 * orphan's), or another failure (with its message, for a segment).
 */
static ssize_t read_state_line(int fd, const struct stat *st, const struct fm__header *h,
			       const char *label, void *line, size_t len)
{
	size_t at = fm__sync_state_offset(h->type, (uint64_t)st->st_ino);
	void *page;
	int r;

	if (!(h->flags & FM__HDR_SHM))
		return fm__os_pread(fd, line, len, h->header_size + at);
	r = fm__shm_attach(&page, h, st->st_uid, false, label, "fm_store_list_next");
	if (r < 0)
		return r;
	memcpy(line, (const char *)page + at, len);
	fm__os_munmap(page, fm__shm_length(h));
	return (ssize_t)len;
}

int fm__sync_describe_file(int fd, const struct stat *st, const struct fm__header *h,
			   const char *label, struct fm_sync_info *info, int32_t *waiters,
			   const char **why)
{
	const struct fm__sync_kind *kind = fm__sync_kind_of(h->type);
	union {
		struct fm__counter_state counter;
		struct fm__mutex_state mutex;
	} line;
	ssize_t n;

	*why = NULL;
	if (!kind)
		return -EINVAL;
	n = read_state_line(fd, st, h, label, &line, sizeof(line));
	if (n < 0)
		return (int)n;
	*why = n == (ssize_t)sizeof(line) ? kind->check(&line) : "truncated state";
	if (*why)
		return FM_ECORRUPT;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->type = (int)h->type;
	kind->describe(&line, info);
	*waiters = waiters_of(h->type, &line);
	return 0;
}
