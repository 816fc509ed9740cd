/* SPDX-License-Identifier: MIT */
/*
 * object.c - the lifetime of named objects, with no daemon (DESIGN.md).
 *
 * Every named object is a file in a namespace directory.  Each process
 * holds flock(LOCK_SH) on an open file description of it, its hold
 * (hold.c), which its handles of the object share, so the kernel counts
 * the holders: a description lives in its process (and in children that
 * inherit it across fork) and dies with them, also on SIGKILL.
 *
 *  - Create: build the file unnamed (O_TMPFILE), size and reserve it, write
 *    its header, lock it shared, then link it under its name; linkat never
 *    replaces, so nobody ever sees a half-made object, and a taken name
 *    makes us open the existing object instead.
 *  - Open: open, then try LOCK_EX|LOCK_NB: success means nobody holds the
 *    object (its holders died), so it is an orphan: remove it and report
 *    the name absent.  Otherwise lock shared and check st_nlink, since the
 *    object may have been removed while we waited.
 *  - Release: the process's last handle converts its hold's lock to
 *    LOCK_EX|LOCK_NB; success means we were the last one out: remove the
 *    name.  A hold whose description another process may share (a forked
 *    child, exec, a socket) cannot convert: it closes its description,
 *    then opens the file afresh and tries LOCK_EX|LOCK_NB there (hold.c).
 *  - A second handle (a dup, an open by name of a name the process holds)
 *    joins the process's hold: it opens and locks nothing.
 *
 * Only a remover ever holds LOCK_EX, and only for the moment of removal;
 * anybody who may read an object file could hold it longer, so nobody
 * waits for it in the kernel (lockwait.c).
 *
 * Who may write what: a store file is its owner's alone to write (its
 * header speaks for its owner: header.c, file.c); an object other users
 * may map keeps its data in a SysV segment instead of its file (shm.c),
 * which each handle keeps attached; the object's mode, recorded in the
 * header, bounds opens by name: other users' by the kernel, the owner's
 * here (owner_refused), and the creating handle not at all.
 */
#define _GNU_SOURCE
#include "internal.h"
#include "robust.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Bound on the open/create retry loops; each retry means another process
 * removed or published the name in between, so this is never reached in
 * practice. */
#define MAX_ATTEMPTS 1000
/* An attempt found the object held but its segment gone (every process
 * that had it attached left): look again, this many times at most. */
#define FM__DEAD 2
#define DEAD_TRIES 20

int fm__object_open_file(int dirfd, const char *file, int flags)
{
	/* O_NONBLOCK: a FIFO planted in a shared directory must not hang us. */
	return fm__os_openat(dirfd, file, flags | O_NOFOLLOW | O_NONBLOCK, 0);
}

/* With LOCK_EX held on the object file whose fstat is st: removes its name. */
static int remove_locked(int dirfd, const char *file, const struct stat *st)
{
	int r;

	/* We hold LOCK_EX, so no other remover can act; a file that still has
	 * a link is still under this name, since names are never reused
	 * while linked. */
	if (st->st_nlink == 0)
		return 1;
	r = fm__os_unlinkat(dirfd, file, 0);
	if (r == -EPERM || r == -EACCES)
		return -EACCES; /* sticky directory: another user's orphan */
	return r < 0 && r != -ENOENT ? r : 1;
}

int fm__object_remove_locked(int dirfd, const char *file, int fd)
{
	struct stat st;
	int r = fm__os_fstat(fd, &st);

	if (r < 0)
		return r;
	/* No lock tells whether a file that is no object is in use: it is
	 * left where it is, to a person (`filemap rm`). */
	return S_ISREG(st.st_mode) ? remove_locked(dirfd, file, &st) : 0;
}

int fm__object_remove_if_unheld(int dirfd, const char *file, int fd)
{
	int r = fm__os_flock(fd, LOCK_EX | LOCK_NB);

	if (r == -EWOULDBLOCK)
		return 0;
	return r < 0 ? r : fm__object_remove_locked(dirfd, file, fd);
}

static void object_init(struct fm__object *o)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

/* Whether o's hold is in use (fm__hold_start), not only allocated. */
static bool hold_started(const struct fm__object *o)
{
	return o->hold && o->hold->dir;
}

/* Gives out copies of its full name and file name, in one allocation that
 * out->name owns (out->file points into it): -ENOMEM without memory. */
static int object_names(struct fm__object *out, const char *full, const char *file)
{
	size_t full_size = strlen(full) + 1, file_size = strlen(file) + 1;
	char *both = malloc(full_size + file_size);

	if (!both)
		return -ENOMEM;
	memcpy(both, full, full_size);
	memcpy(both + full_size, file, file_size);
	out->name = both;
	out->file = both + full_size;
	return 0;
}

/* Frees what object_names made. */
static void object_names_free(struct fm__object *o)
{
	free(o->name);
	o->name = NULL;
	o->file = NULL;
}

/*
 * Allocates what a named handle keeps (its file name and full name) before
 * anything is locked or linked, so that nothing can fail afterwards.
 */
static int object_prepare(struct fm__object *out, const struct fm__name *name,
			  const char *call)
{
	object_init(out);
	if (object_names(out, name->full, name->file) == 0)
		return 0;
	return fm__fail(-ENOMEM, call, name->full, NULL);
}

/* Allocates the hold of a prepared handle that will lock a description
 * of its own (a handle that joins a hold needs none). */
static int prepare_hold(struct fm__object *out, const char *call)
{
	if (!out->hold)
		out->hold = fm__hold_alloc(out->file);
	return out->hold ? 0 : fm__fail(-ENOMEM, call, out->name, NULL);
}

/* Frees a hold that was allocated and not started. */
static void drop_unused_hold(struct fm__object *o)
{
	if (o->hold && !hold_started(o)) {
		free(o->hold);
		o->hold = NULL;
	}
}

static void object_unprepare(struct fm__object *out)
{
	drop_unused_hold(out);
	object_names_free(out);
	object_init(out);
}

/* Completes a prepared handle with its locked descriptor, the header and
 * the identity (st) of its file. */
static void object_set(struct fm__object *out, int fd, struct fm__dir *dir,
		       const struct fm__header *hdr, const struct stat *st)
{
	out->fd = fd;
	out->dir = dir ? fm__dir_ref(dir) : NULL;
	out->hdr = *hdr;
	out->dev = st->st_dev;
	out->ino = st->st_ino;
	out->owner = st->st_uid;
}

/* Undoes object_set, leaving out prepared and its descriptor open. */
static void object_unset(struct fm__object *out)
{
	fm__dir_put(out->dir);
	out->dir = NULL;
	out->fd = -1;
}

/* Reads and checks the header of a locked object file against name. */
static int check_existing(int fd, const struct stat *st, const struct fm__name *name,
			  uint32_t expected_type, struct fm__header *hdr, const char *call)
{
	const char *why = NULL;
	int r;

	r = fm__header_read_named(fd, st, hdr, name->full, name->full_len, &why);
	if (r == FM_ECORRUPT)
		return fm__fail(r, call, name->full, "corrupt object in the store: %s", why);
	/* Only a hash collision, or a forged file, holds another name. */
	if (r == 1)
		return fm__fail(FM_ECORRUPT, call, name->full,
				"the store file for this name holds another name");
	if (r < 0)
		return fm__fail(r, call, name->full, "cannot read the object's header: %s",
				fm_strerror(r));
	if (expected_type && hdr->type != expected_type)
		return fm__fail(FM_ETYPE, call, name->full, NULL);
	return 0;
}

static int not_regular(const struct fm__name *name, const char *call)
{
	return fm__fail(FM_ECORRUPT, call, name->full, "the store file is not a regular file");
}

/*
 * The orphan test of an open took LOCK_EX on fd: nobody held the file.  It
 * is removed now (its holders died) and the name reads as absent, -ENOENT;
 * so does another user's orphan that we may not remove, to an open, but it
 * blocks a create (-EACCES, naming the owner).  A file that is no object
 * is refused, and left.  Other failures have their message set.
 */
static int remove_orphan(struct fm__dir *dir, const struct fm__name *name, int fd,
			 bool creating, const char *call)
{
	struct stat st;
	int r = fm__os_fstat(fd, &st);

	if (r < 0)
		return fm__fail(r, call, name->full, NULL);
	if (!S_ISREG(st.st_mode))
		return not_regular(name, call);
	r = remove_locked(dir->fd, name->file, &st);
	if (r == 1 || (r == -EACCES && !creating))
		return -ENOENT;
	if (r == -EACCES)
		return fm__fail(r, call, name->full,
				"an orphan left by uid %u holds the name; run `filemap gc` as that user or root",
				(unsigned)st.st_uid);
	return fm__fail(r, call, name->full, NULL);
}

/* Somebody who is not a remover keeps LOCK_EX on the object file st. */
static int held_exclusively(const struct fm__name *name, const struct stat *st, const char *call)
{
	char holder[64];

	return fm__fail(-EBUSY, call, name->full,
			"held exclusively by %s, which no filemap process does for long; "
			"`filemap gc` run by its owner (uid %u) or root removes it",
			fm__lock_holder(st, holder, sizeof(holder)), (unsigned)st->st_uid);
}

/*
 * Whether the object's mode refuses its owner (uid) an open by name with
 * write or not.  Other users' opens are bounded by the kernel, on the
 * store file and on the segment; the owner's store file is always its own
 * to read and write (so that the handle that created the object, and its
 * duplicates, keep all their access), so the owner's bound is here.  Root
 * passes, as it passes any file's mode.
 */
static bool owner_refused(const struct fm__header *h, const struct stat *st, uid_t uid,
			  bool write)
{
	mode_t need = write ? 0600 : 0400;

	return st->st_uid == uid && uid != 0 && (h->mode & need) != need;
}

/* Attaches the data of a segment-backed object held at fd: 0, FM__DEAD
 * when its segment is gone, or a failure with its message set. */
static int attach_data(struct fm__object *out, const struct fm__header *hdr,
		       const struct stat *st, bool write, const char *call)
{
	int r = fm__shm_attach(&out->shm, hdr, st->st_uid, write, out->name, call);

	out->shm_write = write;
	return r == -EIDRM ? FM__DEAD : r;
}

/*
 * Takes the shared lock that makes us a holder, then checks the object and
 * attaches its data if it is a segment: 0 with out filled (fd is now
 * out's), 1 when it was removed while we waited for the lock, FM__DEAD, or
 * a failure with its message set.
 */
static int hold_existing(struct fm__object *out, int fd, struct fm__dir *dir,
			 const struct fm__name *name, uint32_t expected_type, bool write,
			 const char *call)
{
	struct fm__header hdr;
	struct stat st;
	int r;

	r = fm__os_flock(fd, LOCK_SH | LOCK_NB);
	if (r == -EWOULDBLOCK) {
		/* A remover holds LOCK_EX for a moment: wait for it, a bounded
		 * time, and never for a lock on a file that is no object. */
		r = fm__os_fstat(fd, &st);
		if (r == 0 && !S_ISREG(st.st_mode))
			return not_regular(name, call);
		if (r == 0 && (r = fm__lock_shared(fd)) == -EBUSY)
			return held_exclusively(name, &st, call);
	}
	if (r == 0)
		r = fm__os_fstat(fd, &st);
	if (r < 0)
		return fm__fail(r, call, name->full, NULL);
	if (!S_ISREG(st.st_mode))
		return not_regular(name, call);
	if (st.st_nlink == 0)
		return 1;
	r = check_existing(fd, &st, name, expected_type, &hdr, call);
	if (r == 0 && owner_refused(&hdr, &st, dir->uid, write))
		r = fm__fail(-EACCES, call, name->full, "permission denied by the object's mode %04o",
			     (unsigned)hdr.mode);
	if (r == 0 && (hdr.flags & FM__HDR_SHM))
		r = attach_data(out, &hdr, &st, write, call);
	if (r == 0)
		object_set(out, fd, dir, &hdr, &st);
	return r;
}

/*
 * The object at name, which we held, has lost its segment: its last
 * attached process left while we took our hold (or every other holder is
 * a handle inherited across exec that was never used).  Removes the name
 * if nobody holds it now: 1 (look again), or FM__DEAD while somebody does.
 */
static int remove_dead(struct fm__dir *dir, const struct fm__name *name)
{
	int fd = fm__object_open_file(dir->fd, name->file, O_RDONLY), r = 0;

	if (fd >= 0) {
		r = fm__object_remove_if_unheld(dir->fd, name->file, fd);
		fm__os_close(fd);
	}
	return r == 1 || fd == -ENOENT ? 1 : FM__DEAD;
}

/*
 * One attempt to open the existing object into the prepared handle out: 0
 * on success; 1 when the caller should look again (the name was removed
 * meanwhile); -ENOENT, without a message, when the name is absent (or was
 * an orphan: see remove_orphan); other failures with their message set.
 */
static int open_attempt(struct fm__object *out, const struct fm__name *name,
			struct fm__dir *dir, int open_flags, uint32_t expected_type,
			bool creating, const char *call)
{
	bool read_only = false;
	int fd, r;

	fd = fm__object_open_file(dir->fd, name->file, open_flags);
	/* Another user's Global\ object may keep its data elsewhere, behind
	 * a store file only its owner may write: its
	 * header tells, so read that. */
	if (fd == -EACCES && open_flags == O_RDWR && dir->ns == FM__NS_GLOBAL) {
		fd = fm__object_open_file(dir->fd, name->file, O_RDONLY);
		read_only = true;
	}
	if (fd == -ENOENT)
		return -ENOENT;
	if (fd == -ELOOP)
		return fm__fail(FM_ECORRUPT, call, name->full, "the store file is a symlink");
	if (fd == -EISDIR || fd == -ENXIO || fd == -ENODEV)
		return not_regular(name, call);
	if (fd == -EACCES)
		return fm__fail(fd, call, name->full, "permission denied by the object's mode");
	if (fd < 0)
		return fm__fail(fd, call, name->full, NULL);

	/* The orphan test: LOCK_EX|LOCK_NB succeeds only if nobody holds the
	 * file.  Its type is checked after the lock, with the fstat that
	 * either path needs anyway. */
	r = fm__os_flock(fd, LOCK_EX | LOCK_NB);
	if (r == 0)
		r = remove_orphan(dir, name, fd, creating, call);
	else if (r == -EWOULDBLOCK)
		r = hold_existing(out, fd, dir, name, expected_type, open_flags == O_RDWR, call);
	else
		r = fm__fail(r, call, name->full, NULL);
	if (r == 0 && read_only && !(out->hdr.flags & (FM__HDR_FILE | FM__HDR_SHM))) {
		/* The data is in the store file, which we may not write. */
		object_unset(out);
		r = fm__fail(-EACCES, call, name->full, "permission denied by the object's mode");
	}
	if (r == 0)
		fm__hold_start(out, read_only ? O_RDONLY : open_flags, false);
	else
		fm__os_close(fd);
	return r == FM__DEAD ? remove_dead(dir, name) : r;
}

/* A name held with its memory gone (FM__DEAD) for the dead-th time:
 * 1 to look again after a pause, or the failure once it has lasted. */
static int still_dead(int dead, const struct fm__name *name, const char *call)
{
	struct timespec pause = { 0, 1000000L * dead };

	if (dead > DEAD_TRIES)
		return fm__fail(-ESTALE, call, name->full,
				"its memory is gone: every process that had it mapped has exited, but "
				"another still holds the name (a handle inherited across exec and "
				"never used?)");
	nanosleep(&pause, NULL);
	return 1;
}

static int open_existing(struct fm__object *out, const struct fm__name *name,
			 struct fm__dir **dir, int open_flags, uint32_t expected_type,
			 bool creating, const char *call)
{
	bool refreshed = false;
	int dead = 0;

	if (prepare_hold(out, call) < 0)
		return -ENOMEM;
	for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		int r = open_attempt(out, name, *dir, open_flags, expected_type, creating, call);

		if (r == -ENOENT && !refreshed) {
			refreshed = true;
			r = fm__dir_refresh(dir, call);
			if (r == 0)
				r = -ENOENT;
		}
		if (r == FM__DEAD)
			r = still_dead(++dead, name, call);
		if (r != 1)
			return r;
	}
	return fm__fail(-EAGAIN, call, name->full, "the name kept changing; try again");
}

/* Undoes fm__hold_join: out is prepared again, holding nothing. */
static void leave_hold(struct fm__object *out)
{
	fm__hold_release(out);
	fm__dir_put(out->dir);
	out->dir = NULL;
}

/*
 * An open by name of a name this process holds with the same open mode: a
 * new handle of that hold, which opens and locks nothing, once the held
 * file is seen to have its name still.  While a process holds an object,
 * only a removal by force (`filemap rm`, a removed store) takes the name
 * from it, and then the file has no link left: one fstat of the hold's own
 * descriptor tells, with no lookup of the name (a name removed and made
 * anew by someone else leads to the new object, found by a fresh open).
 * The descriptor is only sure to stay open while a handle uses the hold,
 * hence the join first.  The object's header was checked when the hold
 * was made; the owner's bound is checked again, as an open does.
 * Returns 0; 1 when there is no such hold (open the name); or a failure
 * with its message set.
 */
static int open_held(struct fm__object *out, const struct fm__name *name, struct fm__dir *dir,
		     int open_flags, uint32_t expected_type, const char *call)
{
	struct fm__hold *h = fm__hold_join_name(out, dir, name->file, open_flags);
	struct stat st;
	int r;

	if (!h)
		return 1;
	r = fm__os_fstat(h->fd, &st);
	if (r < 0 || st.st_nlink == 0)
		r = 1;
	else if (expected_type && h->hdr.type != expected_type)
		r = fm__fail(FM_ETYPE, call, name->full, NULL);
	else if (owner_refused(&h->hdr, &st, dir->uid, open_flags == O_RDWR))
		r = fm__fail(-EACCES, call, name->full, "permission denied by the object's mode %04o",
			     (unsigned)h->hdr.mode);
	else
		return 0;
	leave_hold(out);
	return r;
}

int fm__object_open(struct fm__object *out, const struct fm__name *name, int open_flags,
		    uint32_t expected_type, const char *call)
{
	struct fm__dir *dir;
	int r;

	r = fm__dir_get(&dir, name->ns, call);
	if (r < 0)
		return r;
	r = object_prepare(out, name, call);
	if (r == 0)
		r = open_held(out, name, dir, open_flags, expected_type, call);
	if (r == 1)
		r = open_existing(out, name, &dir, open_flags, expected_type, false, call);
	if (r == -ENOENT)
		fm__fail(r, call, name->full, NULL);
	if (r < 0)
		object_unprepare(out);
	fm__dir_put(dir);
	return r;
}

/* Fills the header of a new object (name NULL: unnamed) made by uid. */
static void header_fill(struct fm__header *h, const struct fm__name *name,
			const struct fm__object_spec *spec, uid_t uid)
{
	size_t name_size = name ? name->full_len : 0;
	size_t path_size = spec->path ? strlen(spec->path) : 0;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, FM__MAGIC, sizeof(h->magic));
	h->version = FM__FORMAT_VERSION;
	h->type = spec->type;
	h->header_size = fm__header_size(name_size, path_size);
	h->flags = spec->flags;
	h->max_access = spec->max_access;
	h->name_size = (uint32_t)name_size;
	/* What the creator asked for: a sync object's state page, in the
	 * file after the header, is none of its business. */
	h->size = spec->type == FM__TYPE_SECTION ? spec->size : 0;
	h->creator_uid = (uint32_t)uid;
	h->creator_pid = (uint32_t)fm__self()->pid; /* cached: no system call */
	h->created_sec = now.tv_sec;
	h->created_nsec = (uint32_t)now.tv_nsec;
	h->path_size = (uint32_t)path_size;
	h->backing_dev = spec->dev;
	h->backing_ino = spec->ino;
	h->mode = (uint32_t)spec->mode;
}

/*
 * The mode of a new object's store file.  Its header is trusted as far as
 * its owner is (other users' processes act on what it says), so nobody
 * else may ever write it, and its owner always may (the creator's handle
 * keeps all its access, whatever the object's mode: the owner's opens by
 * name are bounded by the mode in the header, see owner_refused).  When
 * the data is elsewhere (a segment, a user's file), the users the object's
 * mode lets in read the header; otherwise nobody else may open it at all
 * (Local\ objects, and owner-only Global\ ones).
 */
static mode_t store_mode(const struct fm__object_spec *spec, bool data_elsewhere)
{
	mode_t mode = 0600;

	if (data_elsewhere && (spec->mode & 0070))
		mode |= 0040;
	if (data_elsewhere && (spec->mode & 0007))
		mode |= 0004;
	return mode;
}

/* Writes the header h (then name, backing path) of a new object into the
 * unnamed file fd. */
static int write_header(int fd, const struct fm__name *name, const struct fm__object_spec *spec,
			const struct fm__header *h)
{
	size_t name_size = name ? name->full_len : 0;
	ssize_t n;

	/* The name follows the fixed part directly (FM__HEADER_NAME_OFFSET). */
	n = fm__os_pwrite2(fd, h, sizeof(*h), name ? name->full : NULL, name_size, 0);
	if (n >= 0 && (size_t)n != sizeof(*h) + name_size)
		n = -EIO;
	if (n >= 0 && h->path_size) {
		n = fm__os_pwrite2(fd, spec->path, h->path_size, NULL, 0,
				   FM__HEADER_NAME_OFFSET + name_size);
		if (n >= 0 && (size_t)n != h->path_size)
			n = -EIO;
	}
	return n < 0 ? (int)n : 0;
}

/* Sizes the new file and, unless reserving, takes its memory now. */
static int allocate(int fd, uint64_t total, bool reserve)
{
	int r;

	if (reserve)
		return fm__os_ftruncate(fd, total);
	r = fm__os_fallocate(fd, 0, total);
	/* A store on a file system without fallocate still works, unreserved. */
	if (r == -EOPNOTSUPP)
		r = fm__os_ftruncate(fd, total);
	return r;
}

/* A new object's file, built unnamed, and its segment if it has one. */
struct built {
	int fd;
	struct fm__header hdr;
	struct stat st;
	struct fm__shm_new shm; /* id -1: none */
};

/* The header of a new object whose data is the segment n. */
static void header_set_shm(struct fm__header *h, const struct fm__shm_new *n)
{
	h->flags |= FM__HDR_SHM;
	h->shm_id = n->id;
	h->shm_ctime = n->ctime;
	h->ipc_ns = n->ipc_ns;
}

/* Sizes, fills and locks the new file b->fd, made by uid. */
static int build_file(struct built *b, const struct fm__name *name,
		      const struct fm__object_spec *spec, uid_t uid)
{
	bool elsewhere = (spec->flags & FM__HDR_FILE) || b->shm.id >= 0;
	uint64_t data = elsewhere ? 0 : spec->size;
	int r;

	/* A store file of its header alone is always reserved. */
	r = allocate(b->fd, fm__header_size(name ? name->full_len : 0,
					    spec->path ? strlen(spec->path) : 0) + data,
		     spec->reserve && !elsewhere);
	header_fill(&b->hdr, name, spec, uid);
	if (b->shm.id >= 0)
		header_set_shm(&b->hdr, &b->shm);
	if (r == 0)
		r = write_header(b->fd, name, spec, &b->hdr);
	/* The file was made with its store mode, less the umask (or as a default
	 * ACL of the directory says): the mode is set exactly only if that
	 * changed it.  The fstat also gives the file's identity. */
	if (r == 0)
		r = fm__os_fstat(b->fd, &b->st);
	if (r == 0 && (b->st.st_mode & 07777) != store_mode(spec, elsewhere))
		r = fm__os_fchmod(b->fd, store_mode(spec, elsewhere));
	if (r == 0 && spec->init)
		r = spec->init(b->fd, b->shm.rw, spec->init_arg);
	/* Nobody else can have the unnamed file: the lock is free. */
	if (r == 0 && name)
		r = fm__os_flock(b->fd, LOCK_SH | LOCK_NB);
	return r;
}

/* Makes the segment of a new object that other users may map (writable by
 * its creator if write), into b->shm; none for others.  Returns 0, or a
 * failure with its message set. */
static int build_shm(struct built *b, const struct fm__name *name,
		     const struct fm__object_spec *spec, bool write, const char *call)
{
	uint64_t bytes = spec->type == FM__TYPE_SECTION ? spec->size : fm__page_size();

	b->shm = (struct fm__shm_new){ .id = -1 };
	if (!fm__shm_wanted(name, spec))
		return 0;
	return fm__shm_create(&b->shm, bytes, spec->mode, spec->reserve, write, name->full, call);
}

/* Builds the new object's file, unnamed, in dir, into b.  Returns 0, or a
 * failure with its message set. */
static int build(struct built *b, struct fm__dir *dir, const struct fm__name *name,
		 const struct fm__object_spec *spec, bool write, const char *call)
{
	const char *label = name ? name->full : "(unnamed)";
	int r = build_shm(b, name, spec, write, call);

	if (r < 0)
		return r;
	b->fd = fm__os_openat(dir->fd, ".", O_TMPFILE | O_RDWR,
			      store_mode(spec, (spec->flags & FM__HDR_FILE) || b->shm.id >= 0));
	r = b->fd < 0 ? b->fd : build_file(b, name, spec, dir->uid);
	if (r < 0) {
		if (b->fd >= 0)
			fm__os_close(b->fd);
		fm__shm_discard(&b->shm);
	}
	if (b->fd < 0)
		return fm__fail(b->fd, call, label, "cannot make a file in %s: %s", dir->path,
				fm_strerror(b->fd));
	if (r == -ENOSPC || r == -ENOMEM || r == -EFBIG)
		return fm__fail(r == -EFBIG ? r : -ENOSPC, call, label,
				"the store %s cannot hold %llu bytes", dir->path,
				(unsigned long long)(spec->flags & FM__HDR_FILE ? 0 : spec->size));
	if (r < 0)
		return fm__fail(r, call, label, "cannot build the object in %s: %s", dir->path,
				fm_strerror(r));
	return 0;
}

/* The new object b (its file now named, or unnamed) becomes the handle
 * out; the creator keeps the attachment its access needs, and its own
 * description of the file, read-write. */
static void adopt_built(struct fm__object *out, struct built *b, struct fm__dir *dir, bool write)
{
	object_set(out, b->fd, dir, &b->hdr, &b->st);
	if (dir)
		fm__hold_start(out, O_RDWR, false);
	if (b->shm.id < 0)
		return;
	out->shm = write ? b->shm.rw : b->shm.ro;
	out->shm_write = write;
	if (write)
		b->shm.rw = NULL;
	else
		b->shm.ro = NULL;
	fm__shm_discard(&b->shm);
}

/*
 * Gives the built file its name, or opens what already has that name,
 * into the prepared handle out.  Consumes b->fd.
 */
static int publish_file(struct fm__object *out, struct built *b, struct fm__dir **dir,
			const struct fm__name *name, int open_flags, uint32_t expected_type,
			const char *call)
{
	for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		int r = fm__os_linkat_fd(b->fd, (*dir)->fd, name->file);

		if (r == 0) {
			adopt_built(out, b, *dir, open_flags == O_RDWR);
			return 0;
		}
		/* A store removed since we cached its directory: the file goes
		 * into the current one instead (or fails, -EXDEV, if another
		 * file system was mounted in its place meanwhile). */
		if (r == -ENOENT) {
			int fresh = fm__dir_refresh(dir, call);

			if (fresh == 1)
				continue;
			if (fresh < 0) {
				fm__os_close(b->fd);
				return fresh;
			}
		}
		if (r != -EEXIST) {
			fm__os_close(b->fd);
			return fm__fail(r, call, name->full, "cannot publish the name in %s: %s",
					(*dir)->path, fm_strerror(r));
		}
		r = open_existing(out, name, dir, open_flags, expected_type, true, call);
		if (r != -ENOENT) {
			fm__os_close(b->fd);
			return r == 0 ? FM_EXISTED : r;
		}
		/* The name was an orphan, or vanished: try to take it again. */
	}
	fm__os_close(b->fd);
	return fm__fail(-EAGAIN, call, name->full, "the name kept changing; try again");
}

/* publish_file, and the new object's segment goes if it is not used. */
static int publish(struct fm__object *out, struct built *b, struct fm__dir **dir,
		   const struct fm__name *name, int open_flags, uint32_t expected_type,
		   const char *call)
{
	int r = publish_file(out, b, dir, name, open_flags, expected_type, call);

	if (r != 0) /* the new object is not used */
		fm__shm_discard(&b->shm);
	return r;
}


/* Creates a named object into the prepared handle out. */
static int create_named(struct fm__object *out, struct fm__dir **dir, const struct fm__name *name,
			const struct fm__object_spec *spec, int open_flags, const char *call)
{
	struct built b;
	int r;

	/* A name this process holds: nothing to build. */
	r = open_held(out, name, *dir, open_flags, spec->type, call);
	if (r != 1)
		return r == 0 ? FM_EXISTED : r;
	r = prepare_hold(out, call);
	if (r < 0)
		return r;
	if (spec->prepare) {
		r = open_existing(out, name, dir, open_flags, spec->type, true, call);
		if (r != -ENOENT)
			return r == 0 ? FM_EXISTED : r;
		r = spec->prepare(spec->prepare_arg);
		if (r < 0)
			return r;
	}
	r = build(&b, *dir, name, spec, open_flags == O_RDWR, call);
	if (r == 0)
		return publish(out, &b, dir, name, open_flags, spec->type, call);
	if (r != -ENOSPC)
		return r;
	/* No room for a new object; but if the name exists, the caller gets
	 * that one, and needs no room.  If not, build's message stands. */
	r = open_existing(out, name, dir, open_flags, spec->type, true, call);
	if (r == -ENOENT)
		return -ENOSPC;
	return r == 0 ? FM_EXISTED : r;
}

int fm__object_create(struct fm__object *out, const struct fm__name *name,
		      const struct fm__object_spec *spec, int open_flags, const char *call)
{
	struct fm__dir *dir;
	struct built b;
	int r;

	r = fm__dir_get(&dir, name ? name->ns : FM__NS_LOCAL, call);
	if (r < 0)
		return r;
	if (name) {
		r = object_prepare(out, name, call);
		if (r == 0)
			r = create_named(out, &dir, name, spec, open_flags, call);
		if (r < 0)
			object_unprepare(out);
	} else {
		object_init(out);
		r = build(&b, dir, NULL, spec, open_flags == O_RDWR, call);
		if (r == 0)
			adopt_built(out, &b, NULL, open_flags == O_RDWR);
	}
	fm__dir_put(dir);
	return r;
}

void *fm__object_shm_ro(struct fm__object *o)
{
	void *ro = atomic_load(&o->shm_ro), *expected = NULL;

	if (!o->shm_write || ro)
		return o->shm_write ? ro : o->shm;
	/* Our hold keeps the segment: its id is still ours to attach. */
	if (fm__shm_attach(&ro, &o->hdr, o->owner, false, o->name, "fm_view_map") < 0)
		return NULL;
	/* Two threads may race to attach it; the loser detaches its own. */
	if (!atomic_compare_exchange_strong(&o->shm_ro, &expected, ro)) {
		fm__os_munmap(ro, fm__shm_length(&o->hdr));
		ro = expected;
	}
	return ro;
}

/* Another attachment of o's segment, for a handle that may write or not.
 * No permission is checked again: a duplicate has what o had, or less. */
static int dup_data(struct fm__object *out, struct fm__object *o, bool write)
{
	size_t len = fm__shm_length(&o->hdr);
	void *from = write ? o->shm : fm__object_shm_ro(o);
	int r;

	if (!from) /* the mode denies its very owner reading: o is the creator */
		from = o->shm;
	r = fm__shm_dup(&out->shm, from, len, NULL);
	if (r == 0 && from == o->shm && o->shm_write && !write)
		r = fm__os_mprotect(out->shm, len, PROT_READ);
	if (r < 0 && out->shm)
		fm__os_munmap(out->shm, len);
	out->shm = r < 0 ? NULL : out->shm;
	out->shm_write = write;
	return r;
}

/* A new description of o's store file for a duplicate with open_flags, and
 * in *mode how it is open: a store file that holds no data is opened
 * read-only by those who may not write it. */
static int reopen_store(const struct fm__object *o, int open_flags, int *mode)
{
	int fd = fm__object_reopen(o, open_flags);

	*mode = open_flags;
	if (fd == -EACCES && open_flags == O_RDWR && (o->hdr.flags & (FM__HDR_FILE | FM__HDR_SHM))) {
		fd = fm__object_reopen(o, O_RDONLY);
		*mode = O_RDONLY;
	}
	return fd;
}

/* Whether a duplicate with open_flags may share o's hold: its description
 * has that mode.  Also when it holds only a header (the data mapped
 * through each handle's own): fm_section_fd gives it out, and a read-only
 * handle's must not adopt as a writable one. */
static bool can_join(const struct fm__object *o, int open_flags)
{
	return hold_started(o) && o->hold->mode == open_flags;
}

/* The prepared out, a duplicate of o, on a description of its own,
 * locked shared when named.  Returns 0 or -errno. */
static int dup_fresh(struct fm__object *out, struct fm__object *o, int open_flags,
		     const char *call)
{
	int mode, fd = reopen_store(o, open_flags, &mode), r = 0;

	if (fd < 0)
		return fd;
	if (o->dir)
		r = prepare_hold(out, call);
	/* Our own hold keeps any LOCK_EX away: this never waits. */
	if (r == 0 && o->dir)
		r = fm__os_flock(fd, LOCK_SH | LOCK_NB);
	if (r < 0) {
		fm__os_close(fd);
		return r;
	}
	out->fd = fd;
	out->dir = o->dir ? fm__dir_ref(o->dir) : NULL;
	out->hdr = o->hdr;
	out->dev = o->dev;
	out->ino = o->ino;
	out->owner = o->owner;
	if (o->dir)
		fm__hold_start(out, mode, false);
	return 0;
}

int fm__object_dup(struct fm__object *out, struct fm__object *o, int open_flags,
		   const char *call)
{
	const char *label = o->name ? o->name : "(unnamed)";
	int r = 0;

	object_init(out);
	if (o->dir)
		r = object_names(out, o->name, o->file);
	if (r == 0 && can_join(o, open_flags))
		fm__hold_join(out, o->hold);
	else if (r == 0)
		r = dup_fresh(out, o, open_flags, call);
	if (r == 0 && o->shm)
		r = dup_data(out, o, open_flags == O_RDWR);
	if (r < 0) {
		fm__object_release(out);
		return fm__fail(r, call, label, NULL);
	}
	return 0;
}

int fm__object_fd(const struct fm__object *o)
{
	int fd = o->fd;

	return fd >= 0 || !o->hold ? fd : o->hold->fd;
}

int fm__object_own_fd(struct fm__object *o, bool share, const char *call)
{
	int fd;

	if (!hold_started(o))
		return o->fd;
	fd = fm__hold_own_fd(o, share);
	return fd < 0 ? fm__fail(fd, call, o->name, "cannot give the handle a descriptor: %s",
				 fm_strerror(fd))
		      : fd;
}

int fm__file_reopen(const struct fm__dir *dir, const char *file, dev_t dev, ino_t ino, int fd,
		    int flags)
{
	struct stat st;
	int named;

	/* By name, an open costs half of one through /proc/self/fd; but the
	 * name may have been removed or given to another file meanwhile
	 * (`filemap rm`, then a create). */
	if (dir) {
		named = fm__object_open_file(dir->fd, file, flags);
		if (named >= 0 && fm__os_fstat(named, &st) == 0 && st.st_dev == dev &&
		    st.st_ino == ino)
			return named;
		if (named >= 0)
			fm__os_close(named);
	}
	/* O_NONBLOCK: a lease the file's owner took must not hang us. */
	return fm__os_reopen(fd, flags | O_NONBLOCK);
}

int fm__object_reopen(const struct fm__object *o, int flags)
{
	return fm__file_reopen(o->dir, o->file, o->dev, o->ino, fm__object_fd(o), flags);
}

/* Where a named object's file should be: its namespace directory, and
 * whether the name there still refers to the file open at fd. */
static int locate(struct fm__object *out, const struct stat *st, const char *name,
		  const char *call)
{
	struct fm__name parsed;
	struct stat at;
	int r;

	r = fm__name_parse(&parsed, name);
	if (r < 0)
		return fm__fail(FM_ECORRUPT, call, name, "the object's header holds a bad name");
	r = object_prepare(out, &parsed, call);
	if (r == 0)
		r = fm__dir_get(&out->dir, parsed.ns, call);
	fm__name_free(&parsed);
	if (r < 0) {
		object_unprepare(out);
		return r;
	}
	/* Removed or replaced meanwhile (rm, another FILEMAP_ROOT): the handle
	 * still works, but has no name to remove when it goes. */
	r = fm__os_fstatat(out->dir->fd, out->file, &at, AT_SYMLINK_NOFOLLOW);
	if (r == -ENOENT && fm__dir_refresh(&out->dir, call) == 1)
		r = fm__os_fstatat(out->dir->fd, out->file, &at, AT_SYMLINK_NOFOLLOW);
	if (r < 0 || at.st_dev != st->st_dev || at.st_ino != st->st_ino) {
		fm__dir_put(out->dir);
		out->dir = NULL;
	}
	return 0;
}

/*
 * Attaches the data of a segment-backed object being adopted: with write
 * if access asks for it, or (access 0) as much as the object's mode lets
 * this user.  Returns 0, or a failure with its message set.
 */
static int adopt_data(struct fm__object *out, const struct fm__header *hdr, uid_t owner,
		      unsigned access, const char *call)
{
	bool write = access ? (access & FM_WRITE) : (hdr->max_access & FM_WRITE);
	int r = fm__shm_attach(&out->shm, hdr, owner, write, out->name, call);

	if (r == -EACCES && write && !access)
		r = fm__shm_attach(&out->shm, hdr, owner, write = false, out->name, call);
	if (r == -EIDRM)
		return fm__fail(-ESTALE, call, out->name,
				"its memory is gone: every process that had it mapped exited before "
				"this handle was used");
	out->shm_write = write;
	return r;
}

int fm__object_adopt(struct fm__object *out, int fd, uint32_t expected_type, unsigned access,
		     const char *call)
{
	struct fm__header hdr;
	const char *why = NULL;
	char *name = NULL;
	struct stat st;
	int r;

	object_init(out);
	r = fm__os_fstat(fd, &st);
	if (r < 0)
		return fm__fail(r, call, NULL, "descriptor %d: %s", fd, fm_strerror(r));
	if (!S_ISREG(st.st_mode))
		return fm__fail(-EBADF, call, NULL, "descriptor %d is not a filemap object", fd);
	r = fm__header_read(fd, &st, &hdr, &name, &why);
	if (r == FM_ECORRUPT && !fm__header_is_ours(why))
		return fm__fail(-EBADF, call, NULL, "descriptor %d is not a filemap object", fd);
	if (r < 0)
		return fm__fail(r, call, NULL, "descriptor %d: %s", fd,
				r == FM_ECORRUPT ? why : fm_strerror(r));
	if (expected_type && hdr.type != expected_type)
		r = fm__fail(FM_ETYPE, call, name, NULL);
	else if (hdr.name_size && (r = locate(out, &st, name, call)) == 0 && out->dir &&
		 (r = fm__lock_shared(fd)) < 0)
		/* An inherited hold is already LOCK_SH; this only makes sure. */
		r = fm__fail(r, call, name, r == -EBUSY ? "held exclusively by another process" : NULL);
	if (r == 0 && out->dir)
		r = prepare_hold(out, call);
	if (r == 0 && (hdr.flags & FM__HDR_SHM))
		r = adopt_data(out, &hdr, st.st_uid, access, call);
	if (r < 0 && out->name) {
		fm__dir_put(out->dir);
		object_unprepare(out);
	}
	free(name);
	if (r < 0)
		return r;
	out->fd = fd;
	out->hdr = hdr;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->owner = st.st_uid;
	return 0;
}

void fm__object_adopted(struct fm__object *o, int mode)
{
	/* Where fd came from, others may have the same description. */
	if (o->hold)
		fm__hold_start(o, mode, true);
}

void fm__object_release(struct fm__object *o)
{
	void *ro = atomic_load(&o->shm_ro);

	/* The data first: with the last attachment, a segment goes. */
	if (o->shm)
		fm__os_munmap(o->shm, fm__shm_length(&o->hdr));
	if (ro)
		fm__os_munmap(ro, fm__shm_length(&o->hdr));
	o->shm = NULL;
	atomic_store(&o->shm_ro, NULL);
	if (hold_started(o))
		fm__hold_release(o); /* the last one out removes the name */
	else if (o->fd >= 0)
		fm__os_close(o->fd);
	drop_unused_hold(o);
	o->fd = -1;
	fm__dir_put(o->dir);
	o->dir = NULL;
	object_names_free(o);
}
