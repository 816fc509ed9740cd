/* SPDX-License-Identifier: MIT */
/*
 * section.c - sections: create, open, dup, close, size.
 *
 * A section handle is a hold on the object file (object.c) plus a second,
 * unlocked description of the same file that views are mapped from: a
 * mapping keeps its description alive, and were it the locked one, a view
 * would keep the name alive after the last handle, which Windows does not.
 * The handle's access decides the descriptors' open modes, so the kernel,
 * not this library, refuses a writable view of a read-only handle.
 *
 * A file-backed section maps the user's file (file.c) instead: its store
 * file (named, or unnamed and never linked) holds only the header, and
 * views map the file: the creator's own description of it, or the file
 * opened by the path in the header.  The data starts at offset 0.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define ACCESS_BITS (FM_READ | FM_WRITE | FM_EXEC)
#define MODE_BITS   0777u

static int open_flags(unsigned access)
{
	return access & FM_WRITE ? O_RDWR : O_RDONLY;
}

/* Copies the fields of the caller's opts that fit into o (defaults first). */
static int read_opts(struct fm_section_opts *o, const struct fm_section_opts *opts)
{
	static const struct fm_section_opts defaults = FM_SECTION_OPTS_INIT;

	static const size_t field_ends[] = {
		offsetof(struct fm_section_opts, access), offsetof(struct fm_section_opts, flags),
		offsetof(struct fm_section_opts, fd), offsetof(struct fm_section_opts, mode),
		sizeof(struct fm_section_opts),
	};

	*o = defaults;
	if (!opts)
		return 0;
	if (opts->size < sizeof(opts->size))
		return -EINVAL;
	/* Whole fields only: a field the caller's struct cuts keeps its default. */
	memcpy(o, opts, fm__struct_fit(opts->size, field_ends, sizeof(field_ends) / sizeof(field_ends[0])));
	o->size = sizeof(*o);
	return 0;
}

/* Checks create's options; on success fills spec and *fd (-1: no file).
 * Returns 0 or a failure with its message set. */
static int check_create(struct fm__object_spec *spec, int *fd,
			const struct fm_section_opts *opts, uint64_t size, const char *label,
			const char *call)
{
	struct fm_section_opts o;
	unsigned access;
	mode_t mode;

	/* opts first: with a file, size 0 means the file's size. */
	if (read_opts(&o, opts) < 0)
		return fm__fail(-EINVAL, call, label, "opts->size is %u; use FM_SECTION_OPTS_INIT",
				opts->size);
	if (size == 0 && o.fd == -1)
		return fm__fail(-EINVAL, call, label, "size 0: a section needs at least one byte");
	if (size > (uint64_t)INT64_MAX - FM__HEADER_MAX)
		return fm__fail(-EFBIG, call, label, "size %llu is too large",
				(unsigned long long)size);
	if (o.access == 0 || (o.access & ~ACCESS_BITS))
		return fm__fail(-EINVAL, call, label,
				"access %#x: use FM_READ, FM_WRITE, FM_EXEC (FM_COPY is for views)",
				o.access);
	if (o.flags & ~FM_SECTION_RESERVE)
		return fm__fail(-EINVAL, call, label, "unknown flags %#x", o.flags);
	if (o.fd < -1)
		return fm__fail(-EINVAL, call, label,
				"fd %d: use -1 for memory from the store, or a file's descriptor",
				o.fd);
	mode = o.mode ? o.mode : 0600;
	if (mode & ~MODE_BITS)
		return fm__fail(-EINVAL, call, label, "mode %#o: only permission bits (0777)",
				(unsigned)mode);
	access = fm__access_normalize(o.access);
	/* Any mode will do: the creator's handle has the section's access
	 * whatever the mode says; only opens by name are bounded by it. */
	if (!(access & FM_WRITE))
		mode &= ~0222u; /* nobody may open it for writing */
	*spec = (struct fm__object_spec){
		.type = FM__TYPE_SECTION,
		.max_access = access,
		.flags = (o.flags & FM_SECTION_RESERVE ? FM__HDR_RESERVE : 0) |
			 (o.fd >= 0 ? FM__HDR_FILE : 0),
		.size = size,
		.mode = mode,
		.reserve = o.flags & FM_SECTION_RESERVE,
	};
	*fd = o.fd;
	return 0;
}

/*
 * The descriptor a file-backed section's views map from: a reopen of from
 * (a description of the same file: the creator's, or the handle dup
 * copies), or else (an open or an adopt) the file opened by the header's
 * path.
 */
static int open_backing(fm_section *s, unsigned access, int from, const char *call)
{
	int fd;

	if (from < 0)
		return fm__backing_open(&s->obj, open_flags(access), call);
	fd = fm__os_reopen(from, open_flags(access));
	return fd < 0 ? fm__fail(fd, call, s->obj.name, "cannot reopen the backing file: %s",
				 fm_strerror(fd))
		      : fd;
}

/*
 * Finishes a handle whose object is held: checks access, opens map_fd.
 * backing_from: for a file-backed section, a descriptor of its file
 * to reopen, or -1 to open it by path.
 */
static int section_finish(fm_section *s, unsigned access, int backing_from, const char *call)
{
	const char *label = s->obj.name ? s->obj.name : "(unnamed)";
	bool file = fm__section_is_file(s);

	if (access & ~s->obj.hdr.max_access)
		return fm__fail(-EACCES, call, label, "access \"%s\" exceeds the section's \"%s\"",
				fm__access_words(access).s,
				fm__access_words(s->obj.hdr.max_access).s);
	s->access = access;
	s->map_fd = -1;
	s->data_offset = file ? 0 : s->obj.hdr.header_size;
	atomic_init(&s->ro_fd, -1);
	if (fm__section_is_shm(s)) {
		/* Views are mappings of the handle's attachments (view.c). */
		s->data_offset = 0;
		return 0;
	}
	if (file) {
		s->map_fd = open_backing(s, access, backing_from, call);
		return s->map_fd < 0 ? s->map_fd : 0;
	}
	/* A named section's views map its hold's description (hold.c).  An
	 * unnamed section's descriptor holds no lock; if it is open for
	 * writing, as the creator's is, views may map from it directly. */
	if (s->obj.hold || (access & FM_WRITE))
		return 0;
	s->map_fd = fm__object_reopen(&s->obj, open_flags(access));
	if (s->map_fd < 0)
		return fm__fail(s->map_fd, call, label, NULL);
	return 0;
}

/*
 * Makes the held object of a new handle: a store object (new or existing).
 * An unnamed file-backed section's is an unnamed store file too, holding
 * only the header (with the file's path, device and inode), so that its
 * descriptor can be adopted across exec like any other section's.
 */
static int create_object(fm_section *s, const struct fm__name *name,
			 const struct fm__object_spec *spec, const char *call)
{
	return fm__object_create(&s->obj, name, spec, open_flags(spec->max_access), call);
}

/* The file-backed part of create, once the name is known to be new. */
struct grow {
	struct fm__backing *b;
	uint64_t size;
	bool reserve;
	const char *label, *call;
};

static int grow_file(void *arg)
{
	const struct grow *g = arg;

	return fm__backing_grow(g->b, g->size, g->reserve, g->label, g->call);
}

/*
 * The file-backed part of create: checks the file, and grows it, but a
 * named section's only when its name is new (spec->prepare, g), so that a
 * create that finds the name taken changes nothing.  A named section needs
 * the file's path; an unnamed one keeps it when it has one, for a child
 * that adopts the handle.
 */
static int prepare_file(struct fm__backing *b, struct fm__object_spec *spec, struct grow *g,
			int fd, bool named, const char *label, const char *call)
{
	int r = fm__backing_check(b, fd, &spec->size, spec->max_access, named, label, call);

	*g = (struct grow){ b, spec->size, spec->reserve, label, call };
	if (r == 0 && named) {
		spec->prepare = grow_file;
		spec->prepare_arg = g;
	} else if (r == 0) {
		r = grow_file(g);
	}
	spec->path = b->path;
	spec->dev = b->st.st_dev;
	spec->ino = b->st.st_ino;
	return r;
}

FM_API int fm_section_create(fm_section **out, const char *name, uint64_t size,
			     const struct fm_section_opts *opts)
{
	static const char call[] = "fm_section_create";
	const char *label = name ? name : "(unnamed)";
	struct fm__backing backing = { .fd = -1 }, *b = NULL;
	struct fm__name parsed = { 0 };
	struct grow grow;
	struct fm__object_spec spec;
	fm_section *s = NULL;
	int r, result = -1, fd = -1;

	if (!out)
		return fm__fail(-EINVAL, call, label, "out is NULL");
	if (name && (r = fm__name_parse(&parsed, name)) < 0)
		return fm__fail(r, call, label, NULL);
	r = check_create(&spec, &fd, opts, size, label, call);
	if (r == 0 && fd >= 0) {
		b = &backing;
		r = prepare_file(b, &spec, &grow, fd, name != NULL, label, call);
	}
	if (r == 0 && !(s = fm__zalloc(sizeof(*s))))
		r = fm__fail(-ENOMEM, call, label, NULL);
	if (r == 0)
		r = result = create_object(s, name ? &parsed : NULL, &spec, call);
	/* A new file section's creator reopens the file it was given; an
	 * existing one's file is the one its header names. */
	if (r >= 0)
		r = section_finish(s, spec.max_access, result == 0 && b ? b->fd : -1, call);
	fm__name_free(&parsed);
	if (r < 0 && result >= 0)
		fm__object_release(&s->obj);
	/* A racing creator that published the name first: its section. */
	if ((r < 0 || result == FM_EXISTED) && b)
		fm__backing_undo(b);
	if (b)
		fm__backing_release(b);
	if (r < 0) {
		free(s);
		return r;
	}
	*out = s;
	return result;
}

FM_API int fm_section_open(fm_section **out, const char *name, unsigned access)
{
	static const char call[] = "fm_section_open";
	struct fm__name parsed;
	fm_section *s;
	int r;

	if (!out)
		return fm__fail(-EINVAL, call, name, "out is NULL");
	if (!name)
		return fm__fail(-EINVAL, call, NULL, "name is NULL: only named sections can be opened");
	r = fm__name_parse(&parsed, name);
	if (r < 0)
		return fm__fail(r, call, name, NULL);
	if (access == 0 || (access & ~ACCESS_BITS)) {
		fm__name_free(&parsed);
		return fm__fail(-EINVAL, call, name, "access %#x: use FM_READ, FM_WRITE, FM_EXEC",
				access);
	}
	access = fm__access_normalize(access);
	s = fm__zalloc(sizeof(*s));
	r = s ? fm__object_open(&s->obj, &parsed, open_flags(access), FM__TYPE_SECTION, call)
	      : fm__fail(-ENOMEM, call, name, NULL);
	fm__name_free(&parsed);
	if (r == 0 && (r = section_finish(s, access, -1, call)) < 0)
		fm__object_release(&s->obj);
	if (r < 0) {
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

FM_API int fm_section_dup(fm_section **out, fm_section *s, unsigned access)
{
	static const char call[] = "fm_section_dup";
	fm_section *d;
	int r;

	if (!out || !s)
		return fm__fail(-EINVAL, call, NULL, "%s is NULL", out ? "s" : "out");
	if (access & ~ACCESS_BITS)
		return fm__fail(-EINVAL, call, s->obj.name, "unknown access bits %#x", access);
	access = access ? fm__access_normalize(access) : s->access;
	if (access & ~s->access)
		return fm__fail(-EACCES, call, s->obj.name,
				"access \"%s\" is wider than the handle's \"%s\"",
				fm__access_words(access).s, fm__access_words(s->access).s);
	d = fm__zalloc(sizeof(*d));
	if (!d)
		return fm__fail(-ENOMEM, call, s->obj.name, NULL);
	r = fm__object_dup(&d->obj, &s->obj, open_flags(access), call);
	if (r == 0 && (r = section_finish(d, access, s->map_fd, call)) < 0)
		fm__object_release(&d->obj);
	if (r < 0) {
		free(d);
		return r;
	}
	*out = d;
	return 0;
}

/* Whether the description the handle's views map is open for writing. */
static bool maps_writable(const fm_section *s)
{
	/* The creator's hold is its read-write O_TMPFILE description, even
	 * for a section it made read-only. */
	if (s->obj.hold && s->map_fd < 0)
		return s->obj.hold->mode == O_RDWR;
	return s->access & FM_WRITE;
}

int fm__section_view_fd(fm_section *s, unsigned view_access, struct fm__hold **counted,
			const char *call)
{
	int fd, expected = -1;

	*counted = NULL;
	if ((view_access & FM_WRITE) || !maps_writable(s)) {
		/* The handle's own descriptors have the right mode. */
		if (s->map_fd >= 0 || !s->obj.hold)
			return s->map_fd >= 0 ? s->map_fd : s->obj.fd;
		fd = fm__hold_view_fd(&s->obj, counted);
		return fd < 0 ? fm__fail(fd, call, s->obj.name, NULL) : fd;
	}
	fd = atomic_load(&s->ro_fd);
	if (fd >= 0)
		return fd;
	if (fm__section_is_file(s))
		fd = fm__os_reopen(s->map_fd, O_RDONLY);
	else
		fd = fm__object_reopen(&s->obj, O_RDONLY);
	if (fd < 0)
		return fm__fail(fd, call, s->obj.name, NULL);
	/* Two threads may race to open it; the loser closes its own. */
	if (!atomic_compare_exchange_strong(&s->ro_fd, &expected, fd)) {
		fm__os_close(fd);
		fd = expected;
	}
	return fd;
}

FM_API int fm_section_adopt(fm_section **out, int fd, unsigned access)
{
	static const char call[] = "fm_section_adopt";
	fm_section *s;
	int r, fl;

	if (!out)
		return fm__fail(-EINVAL, call, NULL, "out is NULL");
	if (access & ~ACCESS_BITS)
		return fm__fail(-EINVAL, call, NULL, "unknown access bits %#x", access);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return fm__fail(-EBADF, call, NULL, "descriptor %d is not open", fd);
	access = fm__access_normalize(access);
	s = fm__zalloc(sizeof(*s));
	if (!s)
		return fm__fail(-ENOMEM, call, NULL, NULL);
	r = fm__object_adopt(&s->obj, fd, FM__TYPE_SECTION, access, call);
	if (r < 0) {
		free(s);
		return r;
	}
	/* By default, what the kernel will allow, within the section's
	 * maximum: the descriptor's open mode, or for a section in a segment,
	 * the attachment the object's mode let us have. */
	if (!access) {
		bool write = fm__section_is_shm(s) ? s->obj.shm_write : (fl & O_ACCMODE) == O_RDWR;

		access = (write ? FM_READ | FM_WRITE : FM_READ) & (s->obj.hdr.max_access | FM_READ);
	}
	if ((access & FM_WRITE) && !fm__section_is_shm(s) && (fl & O_ACCMODE) != O_RDWR)
		r = fm__fail(-EACCES, call, NULL, "descriptor %d is not open for writing", fd);
	else
		r = section_finish(s, access, -1, call);
	if (r < 0) {
		s->obj.fd = -1; /* not ours after all: the caller keeps fd */
		fm__object_release(&s->obj);
		free(s);
		return r;
	}
	fm__object_adopted(&s->obj, fl & O_ACCMODE);
	*out = s;
	return 0;
}

FM_API int fm_section_fd(const fm_section *s)
{
	static const char call[] = "fm_section_fd";

	if (!s)
		return fm__fail(-EINVAL, call, NULL, "s is NULL");
	/* The handle is not changed, but its hold learns that its description
	 * may leave the process. */
	return fm__object_own_fd((struct fm__object *)&s->obj, true, call);
}

FM_API int fm_section_fileno(const fm_section *s)
{
	static const char call[] = "fm_section_fileno";

	if (!s)
		return fm__fail(-EINVAL, call, NULL, "s is NULL");
	return fm__object_own_fd((struct fm__object *)&s->obj, false, call);
}

FM_API int fm_section_file_fd(const fm_section *s)
{
	static const char call[] = "fm_section_file_fd";

	if (!s)
		return fm__fail(-EINVAL, call, NULL, "s is NULL");
	if (!fm__section_is_file(s))
		return fm__fail(-EINVAL, call, s->obj.name ? s->obj.name : "(unnamed)",
				"the section is store memory, not backed by a file");
	return s->map_fd;
}

FM_API int fm_section_sync(fm_section *s)
{
	static const char call[] = "fm_section_sync";
	int r;

	if (!s)
		return fm__fail(-EINVAL, call, NULL, "s is NULL");
	if (!fm__section_is_file(s))
		return 0;
	r = fm__os_fdatasync(s->map_fd);
	return r < 0 ? fm__fail(r, call, s->obj.name ? s->obj.name : "(unnamed)",
				"cannot write the backing file to its device: %s", fm_strerror(r))
		     : 0;
}

FM_API const char *fm_section_name(const fm_section *s)
{
	return s ? s->obj.name : NULL;
}

FM_API unsigned fm_section_access(const fm_section *s)
{
	return s ? s->access : 0;
}

FM_API unsigned fm_section_max_access(const fm_section *s)
{
	return s ? s->obj.hdr.max_access : 0;
}

FM_API void fm_section_close(fm_section *s)
{
	if (!s)
		return;
	if (s->map_fd >= 0)
		fm__os_close(s->map_fd);
	if (atomic_load(&s->ro_fd) >= 0)
		fm__os_close(atomic_load(&s->ro_fd));
	fm__commit_fd_forget(s);
	fm__object_release(&s->obj);
	free(s);
}

FM_API uint64_t fm_section_size(const fm_section *s)
{
	return s ? s->obj.hdr.size : 0;
}
