/* SPDX-License-Identifier: MIT */
/*
 * inspect.c - looking at one store file from outside, for listings.
 *
 * An object is inspected the way the library opens one (openat with
 * O_NOFOLLOW and O_NONBLOCK, the header read and checked field by field)
 * but without a lock, so looking never changes what a holder or an opener
 * sees: a listing neither holds an object nor removes an orphan.  Every
 * file is judged on its own header, never trusted: a bad one is reported
 * as corrupt with the reason, and a file the caller may not open is
 * reported with what its directory entry tells.
 */
#define _GNU_SOURCE
#include "internal.h"

#include "sync.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ns_prefix[FM__NS_COUNT] = { "Local\\", "Global\\" };

/* Whether name ("Local\\x") is stored under e's file name, in e's namespace. */
static bool belongs_here(const char *name, const struct fm__entry *e)
{
	struct fm__name parsed;
	bool ok;

	if (fm__name_parse(&parsed, name) < 0)
		return false;
	ok = parsed.ns == e->ns && strcmp(parsed.file, e->file) == 0;
	fm__name_free(&parsed);
	return ok;
}

/*
 * The name a directly encoded file name stands for, or NULL (a hashed or
 * foreign file name: fm__name_decode_file accepts only what the encoder
 * writes).
 */
static char *decode_name(const struct fm__entry *e)
{
	char rest[NAME_MAX + 1], *name;

	if (!fm__name_decode_file(rest, sizeof(rest), e->file) ||
	    asprintf(&name, "%s%s", ns_prefix[e->ns], rest) < 0)
		return NULL;
	return name;
}

static void set_state(struct fm__inspection *o, enum fm__inspect_state state, int error,
		      const char *problem)
{
	o->state = state;
	o->error = error;
	o->problem = problem;
}

/*
 * A sync object other users may operate keeps its state in a segment, not
 * in the header (whose copy stays as it was made): this copies it into
 * o->hdr, attaching the segment read-only for the moment (no lock, no
 * hold: the object is only looked at).  False, with o's state and problem
 * set, when it cannot be read.
 */
static bool read_shm_state(struct fm__inspection *o)
{
	const size_t at = offsetof(struct fm__header, sync);
	void *page;
	int r = fm__shm_attach(&page, &o->hdr, o->st.st_uid, false, o->name, "fm_store_list_next");

	if (r == 0) {
		memcpy(o->hdr.sync, (const char *)page + at, sizeof(o->hdr.sync));
		fm__os_munmap(page, fm__shm_length(&o->hdr));
		return true;
	}
	if (r == -EIDRM)
		set_state(o, FM__INSPECT_UNREADABLE, -EIDRM,
			  "its state is gone: nobody has it any more (an orphan)");
	else
		set_state(o, r == FM_ECORRUPT ? FM__INSPECT_CORRUPT : FM__INSPECT_UNREADABLE, r,
			  fm_strerror(r));
	return false;
}

/*
 * Judges a sync object's state, from the header's copy of it or its
 * segment: the library refuses an object whose state fails its checks, so
 * such an object is corrupt, though its type is known.
 */
static void inspect_sync(struct fm__inspection *o)
{
	const char *why = NULL;

	if ((o->hdr.flags & FM__HDR_SHM) && !read_shm_state(o))
		return;
	if (fm__sync_describe(&o->hdr, &o->sync, &why) == 0)
		return;
	snprintf(o->why, sizeof(o->why), "corrupt %s state: %s",
		 fm__sync_kind_of(o->hdr.type)->noun, why ? why : "unknown kind");
	set_state(o, FM__INSPECT_CORRUPT, FM_ECORRUPT, o->why);
}

/* Reads and judges the header of the open file o->fd. */
static void inspect_header(struct fm__inspection *o, const struct fm__entry *e)
{
	const char *why = "";
	char *stored = NULL;
	int r;

	r = fm__header_read(o->fd, &o->st, &o->hdr, &stored, &why);
	if (r == FM_ECORRUPT) {
		set_state(o, FM__INSPECT_CORRUPT, r, why);
	} else if (r < 0) {
		set_state(o, FM__INSPECT_FAILED, r, fm_strerror(r));
	} else if (!belongs_here(stored, e)) {
		set_state(o, FM__INSPECT_CORRUPT, FM_ECORRUPT,
			  "the store file for this name holds another name");
	} else if ((o->hdr.flags & FM__HDR_FILE) &&
		   (r = fm__header_read_path(o->fd, &o->hdr, &o->backing, &why)) < 0) {
		if (r == FM_ECORRUPT)
			set_state(o, FM__INSPECT_CORRUPT, r, why);
		else
			set_state(o, FM__INSPECT_FAILED, r, fm_strerror(r));
	} else {
		o->typed = true;
		set_state(o, FM__INSPECT_SOUND, 0, NULL);
		o->name = stored;
		stored = NULL;
		if (fm__sync_kind_of(o->hdr.type))
			inspect_sync(o);
	}
	free(stored);
}

/* The file could not be opened: says why, from the error. */
static void not_opened(struct fm__inspection *o, const struct fm__entry *e, int err)
{
	if (err == -ENOENT) {
		set_state(o, FM__INSPECT_GONE, err, "removed meanwhile");
		return;
	}
	if (err == -EACCES || err == -EPERM)
		set_state(o, FM__INSPECT_UNREADABLE, -EACCES, "permission denied by the object's mode");
	else if (err == -ELOOP || err == -ENXIO || err == -ENODEV || err == -EISDIR)
		set_state(o, FM__INSPECT_CORRUPT, FM_ECORRUPT, "not a regular file");
	else
		set_state(o, FM__INSPECT_FAILED, err, fm_strerror(err));
	/* What is shown of a file that cannot be opened is its entry's. */
	if (e->type_only && fm__os_fstatat(e->dirfd, e->file, &o->st, AT_SYMLINK_NOFOLLOW) < 0)
		set_state(o, FM__INSPECT_GONE, -ENOENT, "removed meanwhile");
}

void fm__inspect(struct fm__inspection *o, const struct fm__entry *e)
{
	int fd;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->st = e->st;
	if (!S_ISREG(e->st.st_mode)) {
		set_state(o, FM__INSPECT_CORRUPT, FM_ECORRUPT, "not a regular file");
	} else if ((fd = fm__object_open_file(e->dirfd, e->file, O_RDONLY)) < 0) {
		not_opened(o, e, fd);
	} else {
		o->fd = fd;
		if (fm__os_fstat(fd, &o->st) < 0 || !S_ISREG(o->st.st_mode))
			/* Replaced by something else since the walk saw it. */
			set_state(o, FM__INSPECT_CORRUPT, FM_ECORRUPT, "not a regular file");
		else
			inspect_header(o, e);
	}
	if (!o->name)
		o->name = decode_name(e);
}

void fm__inspection_free(struct fm__inspection *o)
{
	if (o->fd >= 0)
		fm__os_close(o->fd);
	o->fd = -1;
	free(o->name);
	o->name = NULL;
	free(o->backing);
	o->backing = NULL;
}

int fm__backing_state(const struct fm__inspection *o, struct stat *st)
{
	/* What fm__backing_open checks, without opening the file. */
	if (stat(o->backing, st) < 0)
		return FM_BACKING_MISSING;
	if (!S_ISREG(st->st_mode) || st->st_dev != o->hdr.backing_dev ||
	    st->st_ino != o->hdr.backing_ino)
		return FM_BACKING_REPLACED;
	if ((uint64_t)st->st_size < o->hdr.size)
		return FM_BACKING_TRUNCATED;
	return FM_BACKING_PRESENT;
}

int32_t fm__inspect_waiters(const struct fm__inspection *o)
{
	const struct fm__sync_state *st = (const struct fm__sync_state *)o->hdr.sync;

	switch (o->hdr.type) {
	case FM__TYPE_EVENT:
	case FM__TYPE_SEMAPHORE:
		return (int32_t)(atomic_load(&st->waiters) & INT32_MAX);
	case FM__TYPE_MUTEX: {
		/* A thread that sleeps on the mutex sets FUTEX_WAITERS in its
		 * word (mutex.c), and the unlock that wakes it clears it: the
		 * kernel does not say how many.  A free mutex has no waiters,
		 * whatever a dead owner left in the word. */
		uint32_t word = (uint32_t)st->mutex.__data.__lock;

		return (word & FUTEX_TID_MASK) && (word & FUTEX_WAITERS) ? 1 : 0;
	}
	default:
		return -1;
	}
}
