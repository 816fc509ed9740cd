/* SPDX-License-Identifier: MIT */
/*
 * file.c - the user's file behind a file-backed section.
 *
 * Create checks everything about the caller's descriptor before it changes
 * anything: that it is open, a regular file, open for what the section
 * needs, long enough or growable, on a file system that can map it, and,
 * for a named section, reachable by a path that leads back to the very
 * same file (device and inode), since that path is how other processes
 * (and a child that adopts an unnamed section's handle) find the data,
 * and the creator's own file.  Only then does it grow the file, and a
 * failure after that shrinks it back.
 *
 * An opener opens the path from the header with its own rights, which may
 * be more than the header's author has: root, say, opening a name another
 * user made.  So the header is trusted only to name its owner's files:
 * the path is opened O_PATH | O_NOFOLLOW first, which does nothing to the
 * file (no device is opened, no FIFO, no lease broken), and only a regular
 * file, still the creator's (device and inode), holding the whole section,
 * and owned by the header's owner (or by anyone, if root wrote the header),
 * is then opened for real, through that very descriptor, so that nothing
 * can be swapped in between.  A file removed, replaced or truncated under
 * the name is -ESTALE, never a SIGBUS later; another user's is -EACCES.
 * The header itself is the store file's, which only its owner may write.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* What a descriptor that is not a regular file is, for messages. */
static const char *kind_of(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a pipe";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "not a file";
	}
}

/* The file's path for messages: where /proc says it is, or "?". */
static void describe(char *buf, size_t len, int fd)
{
	if (fm__os_fd_path(fd, buf, len) < 0)
		snprintf(buf, len, "?");
}

/* The open mode of fd against the section's access. */
static int check_mode(int fd, int fl, const char *path, unsigned access, const char *label,
		      const char *call)
{
	int mode = fl & O_ACCMODE;

	if ((fl & O_PATH) || mode == O_WRONLY)
		return fm__fail(-EACCES, call, label,
				"fd %d (%s) is not open for reading, which every section needs", fd,
				path);
	if ((access & FM_WRITE) && mode != O_RDWR)
		return fm__fail(-EACCES, call, label,
				"fd %d (%s) is open read-only; a writable section (FM_WRITE) needs O_RDWR",
				fd, path);
	return 0;
}

/* Size 0 takes the file's size; a read-only section cannot grow the file. */
static int check_size(uint64_t *size, uint64_t file_size, unsigned access, int fd,
		      const char *path, const char *label, const char *call)
{
	if (*size == 0 && file_size == 0)
		return fm__fail(FM_EFILEEMPTY, call, label,
				"fd %d (%s) is an empty file; give the section a size", fd, path);
	if (*size == 0)
		*size = file_size;
	else if (*size > file_size && !(access & FM_WRITE))
		return fm__fail(-EFBIG, call, label,
				"fd %d (%s) has %llu bytes; a read-only section of %llu cannot grow it",
				fd, path, (unsigned long long)file_size, (unsigned long long)*size);
	return 0;
}

/* Maps one page, as the views will, to learn that the file system can. */
static int probe(int fd, unsigned access, const char *path, const char *label, const char *call)
{
	int prot = PROT_READ | (access & FM_EXEC ? PROT_EXEC : 0);
	void *p;
	int r;

	r = fm__os_mmap(&p, NULL, fm__page_size(), prot, MAP_SHARED, fd, 0);
	if (r == 0) {
		fm__os_munmap(p, fm__page_size());
		return 0;
	}
	if (r == -ENODEV)
		return fm__fail(-ENOTSUP, call, label, "the file system of %s cannot map files",
				path);
	if ((r == -EPERM || r == -EACCES) && (access & FM_EXEC))
		return fm__fail(-EACCES, call, label,
				"%s is on a file system mounted noexec: no FM_EXEC", path);
	return fm__fail(r, call, label, "cannot map %s: %s", path, fm_strerror(r));
}

/* The path that leads back to the file now, in b->path: 0, -ESTALE when
 * there is none (deleted, or in another mount namespace, where /proc may
 * read anything), or the failure to learn it (-ENOMEM, -ENAMETOOLONG). */
static int path_of(struct fm__backing *b)
{
	struct stat at;
	int n;

	b->path = malloc(PATH_MAX);
	if (!b->path)
		return -ENOMEM;
	n = fm__os_fd_path(b->fd, b->path, PATH_MAX);
	if (n < 0)
		return n;
	if (b->path[0] != '/' || fm__os_fstatat(AT_FDCWD, b->path, &at, 0) < 0 ||
	    at.st_dev != b->st.st_dev || at.st_ino != b->st.st_ino)
		return -ESTALE;
	return 0;
}

/* A named section's data must be reachable by path: the file's, now. */
static int resolve_path(struct fm__backing *b, const char *label, const char *call)
{
	int r = path_of(b);

	if (r == -ENAMETOOLONG)
		return fm__fail(r, call, label, "fd %d: the file's path is longer than PATH_MAX",
				b->fd);
	if (r == -ESTALE)
		return fm__fail(-ESTALE, call, label,
				"fd %d (%s) has no path another process could open it by (deleted or moved?)",
				b->fd, b->path);
	if (r == -ENOMEM)
		return fm__fail(r, call, label, NULL);
	if (r < 0)
		return fm__fail(r, call, label, "fd %d: cannot learn the file's path: %s", b->fd,
				fm_strerror(r));
	/* Openers open only the files of the header's owner (fm__backing_open). */
	if (b->st.st_uid != geteuid() && geteuid() != 0)
		return fm__fail(-EACCES, call, label,
				"fd %d (%s) belongs to uid %u: a named section may map only its creator's own file",
				b->fd, b->path, (unsigned)b->st.st_uid);
	return 0;
}

int fm__backing_check(struct fm__backing *b, int fd, uint64_t *size, unsigned access,
		      bool named, const char *label, const char *call)
{
	char path[256];
	int fl, r;

	memset(b, 0, sizeof(*b));
	b->fd = fd;
	fl = fm__os_getfl(fd);
	if (fl == -EBADF)
		return fm__fail(fl, call, label, "fd %d is not open", fd);
	if (fl < 0)
		return fm__fail(fl, call, label, "fd %d: %s", fd, fm_strerror(fl));
	r = fm__os_fstat(fd, &b->st);
	if (r < 0)
		return fm__fail(r, call, label, "fd %d: %s", fd, fm_strerror(r));
	if (!S_ISREG(b->st.st_mode))
		return fm__fail(-EINVAL, call, label, "fd %d is %s, not a regular file", fd,
				kind_of(b->st.st_mode));
	describe(path, sizeof(path), fd);
	r = check_mode(fd, fl, path, access, label, call);
	/* /proc and /sys files read as empty: that they cannot be mapped is
	 * the real answer. */
	if (r == 0)
		r = probe(fd, access, path, label, call);
	if (r == 0)
		r = check_size(size, (uint64_t)b->st.st_size, access, fd, path, label, call);
	if (r == 0 && named)
		r = resolve_path(b, label, call);
	/* Unnamed, the path only lets a child that adopts the handle find the
	 * file (if it is the creator's: fm__backing_open): none is no error. */
	if (r == 0 && !named && path_of(b) < 0) {
		free(b->path);
		b->path = NULL;
	}
	return r;
}

int fm__backing_grow(struct fm__backing *b, uint64_t size, bool reserve, const char *label,
		     const char *call)
{
	uint64_t old = (uint64_t)b->st.st_size;
	char path[256];
	int r;

	if (size <= old)
		return 0;
	/* Blocks now, so that a full disk is this error rather than a SIGBUS
	 * in some process later; a file system without fallocate grows sparse. */
	r = reserve ? -EOPNOTSUPP : fm__os_fallocate(b->fd, old, size - old);
	if (r == -EOPNOTSUPP)
		r = fm__os_ftruncate(b->fd, size);
	if (r == 0) {
		b->grown_to = size;
		return 0;
	}
	/* A failed fallocate may have taken some blocks, or the size. */
	fm__os_ftruncate(b->fd, old);
	describe(path, sizeof(path), b->fd);
	if (r == -EFBIG || r == -EINVAL)
		return fm__fail(-EFBIG, call, label,
				"the file system of %s cannot hold a file of %llu bytes", path,
				(unsigned long long)size);
	if (r == -ENOSPC)
		return fm__fail(r, call, label, "no space to grow %s to %llu bytes", path,
				(unsigned long long)size);
	return fm__fail(r, call, label, "cannot grow %s to %llu bytes: %s", path,
			(unsigned long long)size, fm_strerror(r));
}

void fm__backing_undo(struct fm__backing *b)
{
	struct stat st;

	if (b->grown_to && fm__os_fstat(b->fd, &st) == 0 && (uint64_t)st.st_size == b->grown_to)
		fm__os_ftruncate(b->fd, (uint64_t)b->st.st_size);
	b->grown_to = 0;
}

void fm__backing_release(struct fm__backing *b)
{
	free(b->path);
	b->path = NULL;
}

/* Checks the file found at the header's path (fstat st) against the
 * header of o: 0, or a failure with its message set. */
static int check_found(const struct fm__object *o, const struct stat *st, const char *path,
		       const char *call)
{
	if (!S_ISREG(st->st_mode) || st->st_dev != o->hdr.backing_dev ||
	    st->st_ino != o->hdr.backing_ino)
		return fm__fail(-ESTALE, call, o->name,
				"the backing file %s was replaced by another file", path);
	if (st->st_uid != o->owner && o->owner != 0)
		return fm__fail(-EACCES, call, o->name,
				"the backing file %s belongs to uid %u, not to the section's owner, uid %u: "
				"not opened", path, (unsigned)st->st_uid, (unsigned)o->owner);
	if ((uint64_t)st->st_size < o->hdr.size)
		return fm__fail(-ESTALE, call, o->name,
				"the backing file %s was truncated to %llu bytes, short of the section's %llu",
				path, (unsigned long long)st->st_size, (unsigned long long)o->hdr.size);
	return 0;
}

/* Opens for real the file that the O_PATH descriptor at refers to. */
static int open_found(const struct fm__object *o, int at, int open_flags, const char *path,
		      const char *call)
{
	/* O_NONBLOCK: a lease its owner holds on it must not hang us. */
	int fd = fm__os_reopen(at, open_flags | O_NONBLOCK | O_NOCTTY);

	if (fd == -EACCES || fd == -EPERM)
		return fm__fail(-EACCES, call, o->name, "permission denied by the backing file %s",
				path);
	if (fd == -EWOULDBLOCK)
		return fm__fail(-EBUSY, call, o->name,
				"the backing file %s is under a lease another process holds", path);
	if (fd < 0)
		return fm__fail(fd, call, o->name, "cannot open the backing file %s: %s", path,
				fm_strerror(fd));
	return fd;
}

int fm__backing_open(const struct fm__object *o, int open_flags, const char *call)
{
	const char *why = NULL;
	char *path = NULL;
	struct stat st;
	int at, r;

	if (o->hdr.path_size == 0)
		return fm__fail(-ESTALE, call, o->name,
				"the backing file had no path when the section was made (deleted?)");
	r = fm__header_read_path(fm__object_fd(o), &o->hdr, &path, &why);
	if (r < 0)
		return fm__fail(r, call, o->name, "cannot read the backing file's path: %s",
				r == FM_ECORRUPT ? why : fm_strerror(r));
	/* O_PATH: no side effect, whatever is there; O_NOFOLLOW: a symlink
	 * put in its place is opened as itself, and refused. */
	at = fm__os_openat(AT_FDCWD, path, O_PATH | O_NOFOLLOW, 0);
	if (at == -ENOENT || at == -ENOTDIR)
		r = fm__fail(-ESTALE, call, o->name, "the backing file %s was removed", path);
	else if (at == -EACCES || at == -EPERM)
		r = fm__fail(-EACCES, call, o->name, "permission denied on the way to the backing file %s",
			     path);
	else if (at < 0)
		r = fm__fail(at, call, o->name, "cannot open the backing file %s: %s", path,
			     fm_strerror(at));
	else if ((r = fm__os_fstat(at, &st)) < 0)
		r = fm__fail(r, call, o->name, "%s: %s", path, fm_strerror(r));
	else if ((r = check_found(o, &st, path, call)) == 0)
		r = open_found(o, at, open_flags, path, call);
	if (at >= 0)
		fm__os_close(at);
	free(path);
	return r;
}
