/* SPDX-License-Identifier: MIT */
/*
 * sync.c - sync object handles: create, open, dup, adopt, close, query.
 *
 * A sync object is a store object (object.c gives it its name and lifetime)
 * whose data is its header's sync words.  Each handle maps the header page
 * read-write from a separate, unlocked description, as a section's views
 * do, so that the mapping never keeps the name alive.  Every handle needs
 * write access to the state (waiting takes the object), so every object
 * file is opened read-write.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STATE_OFFSET offsetof(struct fm__header, sync)
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

bool fm__thread_is_ours(int32_t tid)
{
	return tid > 0 && syscall(SYS_tgkill, getpid(), tid, 0) == 0;
}

int32_t fm__process_of_thread(int32_t tid)
{
	char path[64], buf[512], *tgid;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = fm__os_openat(AT_FDCWD, path, O_RDONLY, 0);
	if (fd < 0)
		return 0;
	n = fm__os_pread(fd, buf, sizeof(buf) - 1, 0);
	fm__os_close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	tgid = strstr(buf, "\nTgid:");
	return tgid ? (int32_t)strtol(tgid + 6, NULL, 10) : 0;
}

const char *fm__sync_label(const fm_sync *o)
{
	return o && o->obj.name ? o->obj.name : "(unnamed)";
}

int fm__sync_use(const fm_sync *o, uint32_t type, const char *call)
{
	if (!o)
		return fm__fail(-EINVAL, call, NULL, "the object is NULL");
	if (atomic_load_explicit(&o->magic, memory_order_relaxed) != FM__SYNC_MAGIC)
		return fm__fail(FM_ETYPE, call, NULL, "not an open mutex, event or semaphore");
	if (type && o->type != type)
		return fm__fail(FM_ETYPE, call, fm__sync_label(o), "a %s, not a %s",
				fm__sync_kind_of(o->type)->noun, fm__sync_kind_of(type)->noun);
	return 0;
}

/* Maps the header page of an object file from map_fd, a read-write
 * description of its own (so that the mapping holds no lock), and closes
 * map_fd; a failure to open it (map_fd < 0) is passed on. */
static int map_file_page(void **page, int map_fd)
{
	int r;

	if (map_fd < 0)
		return map_fd;
	r = fm__os_mmap(page, NULL, fm__page_size(), PROT_READ | PROT_WRITE, MAP_SHARED,
			map_fd, 0);
	fm__os_close(map_fd);
	return r;
}

/*
 * Maps the state page of a handle's object (obj), a mapping of the
 * handle's own: the header page of the object file, or for an object
 * other users may operate, a second mapping of the handle's attachment of
 * the object's segment (shm.c), whose first page mirrors the header page.
 */
static int map_page(void **page, struct fm__object *obj)
{
	if (obj->shm)
		return fm__shm_dup(page, obj->shm, fm__page_size(), NULL);
	return map_file_page(page, fm__object_reopen(obj, O_RDWR));
}

static struct fm__sync_state *state_of(void *page)
{
	return (struct fm__sync_state *)((char *)page + STATE_OFFSET);
}

/*
 * Unmaps a handle's page, unless a thread of this process owns the mutex
 * in it: glibc's robust list then links through this very mapping, and the
 * kernel walks it when the thread exits (that is how the mutex becomes
 * abandoned), so the page stays mapped for the process's life.
 */
static void unmap_page(void *page, uint32_t type)
{
	struct fm__sync_state *st = state_of(page);

	if (type == FM__TYPE_MUTEX &&
	    fm__thread_is_ours(atomic_load((_Atomic int *)&st->mutex.__data.__lock) & FUTEX_TID_MASK))
		return;
	fm__os_munmap(page, fm__page_size());
}

/*
 * Completes a handle whose object is held: maps (unless create mapped it
 * already) and checks its state.  On failure the caller unmaps o->page.
 */
static int sync_finish(fm_sync *o, const char *call)
{
	const struct fm__sync_kind *kind = fm__sync_kind_of(o->obj.hdr.type);
	const char *why;
	int r;

	o->type = o->obj.hdr.type;
	r = o->page ? 0 : map_page(&o->page, &o->obj);
	if (r < 0)
		return fm__fail(r, call, fm__sync_label(o), NULL);
	o->state = state_of(o->page);
	why = kind->check(o->state);
	if (why)
		return fm__fail(FM_ECORRUPT, call, fm__sync_label(o), "corrupt %s state: %s",
				kind->noun, why);
	atomic_store(&o->magic, FM__SYNC_MAGIC);
	return 0;
}

/* Undoes a handle that sync_finish() could not complete. */
static void sync_discard(fm_sync *o, void (*undo)(struct fm__sync_state *st))
{
	if (o->page) {
		/* A new mutex its creator owns must leave glibc's robust list
		 * before its page goes. */
		if (undo)
			undo(state_of(o->page));
		unmap_page(o->page, o->obj.hdr.type);
	}
	fm__object_release(&o->obj);
	free(o);
}

/* What the object layer's init hook needs. */
struct create_ctx {
	fm__sync_init init;
	const void *arg;
	void *page; /* the new file's page, mapped by the hook */
};

static int init_hook(int fd, void *shm, void *arg)
{
	struct create_ctx *ctx = arg;
	int r = shm ? fm__shm_dup(&ctx->page, shm, fm__page_size(), NULL)
		    : map_file_page(&ctx->page, fm__os_reopen(fd, O_RDWR)); /* no name yet */

	if (r < 0)
		return r;
	r = ctx->init(state_of(ctx->page), ctx->arg);
	if (r < 0) {
		fm__os_munmap(ctx->page, fm__page_size());
		ctx->page = NULL;
	}
	return r;
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

int fm__sync_create(fm_sync **out, const char *name, uint32_t type, fm__sync_init init,
		    void (*undo)(struct fm__sync_state *st), const void *arg,
		    const struct fm_sync_opts *opts, const char *call)
{
	const char *label = name ? name : "(unnamed)";
	struct create_ctx ctx = { init, arg, NULL };
	struct fm__name parsed = { 0 };
	struct fm__object_spec spec;
	struct fm_sync_opts o;
	fm_sync *s;
	int r, result;

	if (!out)
		return fm__fail(-EINVAL, call, label, "out is NULL");
	if (name && (r = fm__name_parse(&parsed, name)) < 0)
		return fm__fail(r, call, label, NULL);
	if (read_opts(&o, opts) < 0)
		r = fm__fail(-EINVAL, call, label, "opts->size is %u; use FM_SYNC_OPTS_INIT",
			     opts->size);
	else if ((o.mode ? o.mode : 0600) & ~MODE_BITS)
		r = fm__fail(-EINVAL, call, label, "mode %#o: only permission bits (0777)",
			     (unsigned)o.mode);
	else /* any mode: the creator's handle has all access whatever it says */
		r = 0;
	s = r < 0 ? NULL : calloc(1, sizeof(*s));
	if (r == 0 && !s)
		r = fm__fail(-ENOMEM, call, label, NULL);
	if (r < 0) {
		fm__name_free(&parsed);
		return r;
	}
	spec = (struct fm__object_spec){
		.type = type,
		.max_access = FM_READ | FM_WRITE,
		.mode = o.mode ? o.mode : 0600,
		.reserve = false,
		.init = init_hook,
		.init_arg = &ctx,
	};
	result = fm__object_create(&s->obj, name ? &parsed : NULL, &spec, O_RDWR, call);
	fm__name_free(&parsed);
	if (ctx.page && result != 0) {
		/* Built but not published: the name existed, or publishing
		 * failed.  Release what init took before the page goes. */
		if (undo)
			undo(state_of(ctx.page));
		fm__os_munmap(ctx.page, fm__page_size());
		ctx.page = NULL;
	}
	if (result < 0) {
		free(s);
		return result;
	}
	s->page = ctx.page;
	r = sync_finish(s, call);
	if (r < 0) {
		sync_discard(s, result == 0 ? undo : NULL); /* undo only what init did */
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
	s = calloc(1, sizeof(*s));
	r = s ? fm__object_open(&s->obj, &parsed, O_RDWR, type, call)
	      : fm__fail(-ENOMEM, call, name, NULL);
	fm__name_free(&parsed);
	if (r < 0) {
		free(s);
		return r;
	}
	r = sync_finish(s, call);
	if (r < 0) {
		sync_discard(s, NULL);
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
	d = calloc(1, sizeof(*d));
	if (!d)
		return fm__fail(-ENOMEM, call, fm__sync_label(o), NULL);
	r = fm__object_dup(&d->obj, &o->obj, O_RDWR, call);
	if (r < 0) {
		free(d);
		return r;
	}
	r = sync_finish(d, call);
	if (r < 0) {
		sync_discard(d, NULL);
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
		return fm__fail(-EACCES, call, NULL, "descriptor %d is not open for reading and writing",
				fd);
	s = calloc(1, sizeof(*s));
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
		r = fm__fail(-EACCES, call, NULL, "descriptor %d is not open for reading and writing",
			     fd);
	else
		r = sync_finish(s, call);
	if (r < 0) {
		s->obj.fd = -1; /* not ours after all: the caller keeps fd */
		sync_discard(s, NULL);
		return r;
	}
	*out = s;
	return 0;
}

FM_API void fm_sync_close(fm_sync *o)
{
	if (!o || atomic_load(&o->magic) != FM__SYNC_MAGIC)
		return;
	atomic_store(&o->magic, 0);
	unmap_page(o->page, o->type);
	fm__object_release(&o->obj);
	free(o);
}

FM_API int fm_sync_type(const fm_sync *o)
{
	if (!o || atomic_load(&o->magic) != FM__SYNC_MAGIC)
		return fm__fail(-EINVAL, "fm_sync_type", NULL, "not an open sync object");
	return (int)o->type;
}

FM_API const char *fm_sync_name(const fm_sync *o)
{
	return o && atomic_load(&o->magic) == FM__SYNC_MAGIC ? o->obj.name : NULL;
}

FM_API int fm_sync_fd(const fm_sync *o)
{
	int r = fm__sync_use(o, 0, "fm_sync_fd");

	return r < 0 ? r : o->obj.fd;
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
	const struct fm__sync_kind *kind;
	const char *why;
	int r;

	if (!out || out->size < offsetof(struct fm_sync_info, type) + sizeof(int))
		return fm__fail(-EINVAL, call, NULL, out ? "out->size is too small" : "out is NULL");
	r = fm__sync_use(o, 0, call);
	if (r < 0)
		return r;
	kind = fm__sync_kind_of(o->type);
	why = kind->check(o->state);
	if (why)
		return fm__fail(FM_ECORRUPT, call, fm__sync_label(o), "corrupt %s state: %s",
				kind->noun, why);
	info.type = (int)o->type;
	kind->describe(o->state, &info);
	copy_info(out, &info);
	return 0;
}

int fm__sync_describe(const struct fm__header *h, struct fm_sync_info *info, const char **why)
{
	const struct fm__sync_kind *kind = fm__sync_kind_of(h->type);
	const struct fm__sync_state *st = (const struct fm__sync_state *)h->sync;

	*why = NULL;
	if (!kind)
		return -EINVAL;
	*why = kind->check(st);
	if (*why)
		return FM_ECORRUPT;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->type = (int)h->type;
	kind->describe(st, info);
	return 0;
}
