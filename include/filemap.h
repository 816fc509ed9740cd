/* SPDX-License-Identifier: MIT */
/*
 * filemap.h - the native filemap API, and its manual.
 *
 * filemap brings the Windows file-mapping model to Linux: named sections of
 * shared memory that any process can create, open by name without knowing
 * their size, and map as views; the name lives exactly as long as some
 * process holds a handle to it, and vanishes when the last one is closed or
 * its process dies, also by SIGKILL.  There is no daemon: the kernel's file
 * locks count the holders.  filemap.7 describes the model; each function
 * below has its own section-3 man page.
 *
 * Conventions, true of every call unless its comment says otherwise:
 *
 *  - Results: 0 is success, a positive value is success with news
 *    (FM_EXISTED, FM_ABANDONED), a negative value is a failure: -errno where
 *    errno has the word, or one of the FM_E* codes below.  errno is never
 *    set on purpose.  fm_strerror() and fm_errname() describe any result,
 *    and fm_last_error_message() says which object a failure concerned.
 *  - Output parameters come first, are named out, and are written only on
 *    success.
 *  - Arguments are checked in order; a bad one is reported, never trusted,
 *    and no call prints, exits or aborts.
 *  - Every call is thread-safe.  A handle (fm_section *) may be used from
 *    several threads at once, but must not be closed while another thread
 *    still uses it.
 *  - Every descriptor the library opens is O_CLOEXEC.  A handle survives
 *    fork(): the child holds the object too, until it closes the handle or
 *    exits.
 */
#ifndef FILEMAP_H
#define FILEMAP_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <filemap/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FM_BUILDING_LIBRARY)
#define FM_API __attribute__((visibility("default")))
#else
#define FM_API
#endif

/* ------------------------------------------------------------------------
 * Results and errors
 * ------------------------------------------------------------------------ */

#define FM_EXISTED   1 /* create found the name taken: you got that object */
#define FM_ABANDONED 2 /* a wait got a mutex whose owner died holding it */

/* Failure codes errno has no word for.  They are negative, like -errno. */
#define FM_ETYPE    (-10001) /* the name belongs to an object of another type */
#define FM_ENAME    (-10002) /* the name is malformed */
#define FM_ECORRUPT (-10003) /* the object in the store fails validation */
#define FM_ESTORE   (-10004) /* a store directory is unsafe to use */
/* A file-backed section of size 0 (the file's size) over an empty file.
 * Its own code, not -EINVAL, so that bindings tell it apart without looking
 * at the file themselves: the Win32 layer reports ERROR_FILE_INVALID. */
#define FM_EFILEEMPTY (-10005)

/*
 * FM_ERRORS(X) lists every result the library returns, once:
 *   X(name, code, win32_error, description)
 * It generates fm_strerror() and fm_errname(), and bindings (the Win32
 * layer, the Python module) generate their own mappings from it, so a code
 * added here reaches all of them.  win32_error is the one Windows error
 * code (ERROR_*) that the Win32 layer reports for the result.
 */
#define FM_ERRORS(X) \
	X(SUCCESS, 0, 0, "success") \
	X(FM_EXISTED, FM_EXISTED, 183, "the name existed: you got the existing object") \
	X(FM_ABANDONED, FM_ABANDONED, 0, "the mutex was abandoned by an owner that died; you own it now") \
	X(FM_ETYPE, FM_ETYPE, 6, "the name belongs to an object of another type") \
	X(FM_ENAME, FM_ENAME, 3, "malformed name (empty, bad prefix, backslash after the prefix, or not UTF-8)") \
	X(FM_ECORRUPT, FM_ECORRUPT, 1392, "the object in the store is corrupt and was not used") \
	X(FM_ESTORE, FM_ESTORE, 5, "a store directory is unsafe (wrong owner, mode or type, or a symlink)") \
	X(FM_EFILEEMPTY, FM_EFILEEMPTY, 1006, "the backing file is empty: a section over it needs a size") \
	X(ENOENT, -ENOENT, 2, "no object of that name") \
	X(EACCES, -EACCES, 5, "permission denied, or more access than the object or handle allows") \
	X(EINVAL, -EINVAL, 87, "invalid argument") \
	X(ENAMETOOLONG, -ENAMETOOLONG, 206, "name too long (more than 32,767 UTF-16 code units after the prefix)") \
	X(ENOSPC, -ENOSPC, 1455, "not enough space in the store to reserve the section's memory") \
	X(ENOMEM, -ENOMEM, 8, "out of memory or address space") \
	X(ERANGE, -ERANGE, 5, "offset or length past the end of the section or view") \
	X(EFAULT, -EFAULT, 487, "the address is not inside a view made by this library") \
	X(EEXIST, -EEXIST, 487, "the address range is already in use") \
	X(EFBIG, -EFBIG, 8, "size too large (for the store, the file system, or a read-only backing file)") \
	X(ENOTSUP, -ENOTSUP, 50, "not supported") \
	X(ESTALE, -ESTALE, 1006, "the backing file was removed, replaced or truncated") \
	X(EBADF, -EBADF, 6, "bad file descriptor") \
	X(EPERM, -EPERM, 5, "operation not permitted") \
	X(EBUSY, -EBUSY, 170, "the object is busy") \
	X(EAGAIN, -EAGAIN, 170, "resource temporarily unavailable; try again") \
	X(ETIMEDOUT, -ETIMEDOUT, 1460, "the wait timed out") \
	X(EMFILE, -EMFILE, 4, "too many open files in this process") \
	X(ENFILE, -ENFILE, 4, "too many open files in the system") \
	X(EROFS, -EROFS, 19, "read-only file system") \
	X(EDQUOT, -EDQUOT, 1295, "disk quota exceeded") \
	X(EIO, -EIO, 1117, "input/output error")

/*
 * fm_strerror: a constant English description of a result code (0, a
 * positive FM_* news code, -errno or FM_E*).  Never NULL.  A -errno value
 * not in FM_ERRORS gets the C library's description; any other unknown
 * code a generic one.  Thread-safe.
 */
FM_API const char *fm_strerror(int code);

/*
 * fm_errname: the symbolic name of a result code: "ENOENT", "FM_ETYPE",
 * "FM_EXISTED", "SUCCESS".  Never NULL.  A -errno value not in FM_ERRORS
 * gets the C library's name ("EINTR"); any other unknown code "UNKNOWN".
 */
FM_API const char *fm_errname(int code);

/*
 * fm_last_error_message: this thread's message for its most recent failed
 * call, one line naming the call and the object, e.g.
 *   fm_section_open: Local\telemetry: no object of that name (ENOENT)
 * Meaningful only right after a failure on the same thread; success does not
 * clear it.  The string belongs to the thread and is overwritten by its next
 * failure.  "" before any failure.  The return code remains the contract.
 */
FM_API const char *fm_last_error_message(void);

/* ------------------------------------------------------------------------
 * Access
 * ------------------------------------------------------------------------ */

#define FM_READ  (1u << 0) /* read */
#define FM_WRITE (1u << 1) /* write; implies FM_READ */
#define FM_EXEC  (1u << 2) /* execute */
#define FM_COPY  (1u << 3) /* a view only: copy-on-write, private to the process */

/* ------------------------------------------------------------------------
 * Sections
 * ------------------------------------------------------------------------ */

typedef struct fm_section fm_section;

/*
 * Options for fm_section_create().  Always start from FM_SECTION_OPTS_INIT
 * (a zeroed struct would ask for fd 0 as the backing file): the library
 * reads only the whole fields within the first `size` bytes, so programs
 * built against an older or newer filemap.h keep working.
 *
 *   size    sizeof(struct fm_section_opts).
 *   access  the section's maximum access: a combination of FM_READ, FM_WRITE
 *           and FM_EXEC (FM_WRITE implies FM_READ).  Every handle and view
 *           of the section is bounded by it, for every process.  Default
 *           FM_READ | FM_WRITE.
 *   flags   FM_SECTION_RESERVE: keep the section sparse; memory is taken
 *           when a page is first touched.  Without it (the default, Windows'
 *           SEC_COMMIT) the whole section's memory is reserved at create.
 *   fd      -1: the memory comes from the store.  A descriptor of a regular
 *           file backs the section by that file: see "File-backed sections"
 *           under fm_section_create().
 *   mode    permission bits (at most 0777) of a new named object, applied
 *           exactly: the umask does not apply.  0 means 0600.  The owner
 *           must be able to read (0400), and to write (0200) a section with
 *           FM_WRITE.  The write bits are dropped for a section without
 *           FM_WRITE, so the kernel refuses writers too.
 */
struct fm_section_opts {
	uint32_t size;
	unsigned access;
	unsigned flags;
	int fd;
	uint32_t mode;
};
#define FM_SECTION_RESERVE (1u << 0)
#define FM_SECTION_OPTS_INIT { sizeof(struct fm_section_opts), FM_READ | FM_WRITE, 0, -1, 0 }

/*
 * fm_section_create: create a section, or get the existing one of that name.
 *
 *   out   receives the new handle.
 *   name  "Local\\x", "Global\\x" or "x" (the same as "Local\\x"), UTF-8;
 *         or NULL for an unnamed section, private to this process and the
 *         children it forks.  Local\ names are private to the user; Global\
 *         names are visible to every user, subject to the object's mode.
 *         After the prefix any character but a backslash, up to 32,767
 *         UTF-16 code units; names are case-sensitive.
 *   size  bytes, exact (fm_section_size() and every other process see this
 *         very number); must not be 0 for a section from the store.
 *   opts  NULL for the defaults, or options (see above).
 *
 * Returns 0 when the section is new, its memory zero-filled and (unless
 * FM_SECTION_RESERVE) reserved; FM_EXISTED when the name was taken: *out is
 * then a handle to the existing section, whose size, access, mode and
 * backing are unchanged (size and opts of this call are checked but
 * otherwise ignored; a file this call grew stays grown, as on Windows).
 * Failures: -EINVAL (NULL out, size 0 without a file, access 0 or unknown
 * access or flag bits, fd below -1 or not a regular file, mode over 0777
 * or without the owner's bits above, opts->size under 4), FM_ENAME,
 * -ENAMETOOLONG, -EFBIG, -ENOSPC (the store cannot hold the reservation),
 * FM_ETYPE (the name belongs to another type of object), -EACCES (the
 * existing object's mode or maximum access refuses what opts->access asks
 * for, or a Global\ name is blocked by another user's orphan until
 * `filemap gc` runs as that user or root), FM_ECORRUPT, FM_ESTORE (an
 * unsafe store directory; a store that cannot be made at all gives its
 * -errno, e.g. -ENOENT for a missing parent of FILEMAP_ROOT, and the
 * message says so), -EMFILE, -ENFILE, -ENOMEM, -EAGAIN (the name was
 * removed and re-created under us a thousand times in a row); with a file,
 * also those below.
 *
 * The handle holds the name: the name lives while any process holds a
 * handle to the section, and is gone when the last one is closed or its
 * process exits or is killed.  Release it with fm_section_close().
 *
 * File-backed sections (opts->fd >= 0).  The section maps the file from
 * its offset 0; a copy-on-write view (FM_COPY) never changes it.
 *  - size 0 means the file's current size; an empty file with size 0 is
 *    FM_EFILEEMPTY.
 *  - A size over the file's grows the file, at create, to exactly that
 *    size, taking its blocks at once (fallocate) unless FM_SECTION_RESERVE,
 *    so a full disk is -ENOSPC here rather than a SIGBUS later; a size the
 *    file system cannot hold is -EFBIG.  Only a writable section
 *    (FM_WRITE) grows the file: a read-only one larger than the file is
 *    -EFBIG, the file unchanged.
 *  - A size under the file's makes a section of that size; the file is not
 *    truncated.
 *  - The descriptor's open mode bounds the section: every section needs it
 *    open for reading, FM_WRITE needs O_RDWR; otherwise -EACCES, the file
 *    unchanged.  FM_EXEC on a file system mounted noexec is -EACCES.
 *  - A descriptor that is not open is -EBADF; one that is not a regular
 *    file (a pipe, directory, socket, device) -EINVAL; a regular file on a
 *    file system that cannot map files (/proc, /sys) -ENOTSUP.
 *  - The section keeps its own description of the file (a reopen, with the
 *    section's access, not a dup): the caller may close fd at once.
 *  - Named: the store keeps only a header, with the file's absolute path,
 *    device and inode; other processes open the file by that path.  A file
 *    with no path that leads back to it (deleted, or moved out of reach) is
 *    -ESTALE; a path longer than PATH_MAX is -ENAMETOOLONG.  Closing the
 *    last handle removes the name, never the file.
 *  - Unnamed: nothing enters the store.
 *  - If another program truncates the file under a live view, touching the
 *    pages past its new end raises SIGBUS: the kernel's answer, which no
 *    library can turn into an error code.
 */
FM_API int fm_section_create(fm_section **out, const char *name, uint64_t size,
			     const struct fm_section_opts *opts);

/*
 * fm_section_open: open an existing named section.
 *
 *   access  what this handle may do, within the section's maximum access:
 *           FM_READ, FM_WRITE (implies FM_READ), FM_EXEC, combined.  Every
 *           view made from the handle is bounded by it.
 *
 * The opener needs no size: fm_section_size() tells it.  Returns 0, or
 * -EINVAL (NULL out or name, access 0 or unknown bits), FM_ENAME,
 * -ENAMETOOLONG, -ENOENT (no such name, or only an orphan its holders left
 * when they died), FM_ETYPE, -EACCES (the object's mode, or access over the
 * section's maximum), FM_ECORRUPT (the store object fails validation; it is
 * left alone while some process holds it), FM_ESTORE, -EMFILE, -ENFILE,
 * -ENOMEM, -EAGAIN.  A file-backed section's file is opened by the path its
 * creator left, for this handle's access: -ESTALE when that path no longer
 * leads to the same file (removed, or replaced: device or inode differ) or
 * the file was truncated below the section's size; -EACCES when the file's
 * permissions refuse this access.  Both messages name the path.
 */
FM_API int fm_section_open(fm_section **out, const char *name, unsigned access);

/*
 * fm_section_dup: a second, independent handle to the section s, with access
 * no wider than s's (0 means the same access).  It keeps the name alive by
 * itself, and must be closed by itself.  Returns 0, -EINVAL (NULL out or s,
 * unknown bits), -EACCES (more access than s has), -EMFILE.  For a
 * file-backed section the new handle reopens the file s already has open.
 */
FM_API int fm_section_dup(fm_section **out, fm_section *s, unsigned access);

/*
 * fm_section_close: release a handle.  If it was the last handle to a named
 * section in any process, the name is removed.  Views made from the handle
 * stay mapped and keep their memory.  NULL is accepted and ignored.
 */
FM_API void fm_section_close(fm_section *s);

/*
 * fm_section_size: the section's exact size in bytes, as its creator asked.
 * 0 for NULL.
 */
FM_API uint64_t fm_section_size(const fm_section *s);

/*
 * fm_section_name: the section's full name as stored ("Local\\x" for "x"),
 * or NULL for an unnamed section or NULL s.  Valid while s is open.
 */
FM_API const char *fm_section_name(const fm_section *s);

/*
 * fm_section_access: the handle's access (FM_READ, FM_WRITE, FM_EXEC
 * combined; FM_WRITE always with FM_READ).  0 for NULL.
 */
FM_API unsigned fm_section_access(const fm_section *s);

/*
 * fm_section_fd: the descriptor that holds the handle (and, for a named
 * section, its share of the name): the store file with the section's header
 * (for a named file-backed section too: the header, not the user's file),
 * or for an unnamed file-backed section, the handle's own description of
 * the file, which has no header and cannot be adopted (-EBADF).  It stays
 * owned by s: do not close it.
 * It is O_CLOEXEC; a program that wants a child to inherit the handle
 * across exec clears FD_CLOEXEC and passes the number, and the child calls
 * fm_section_adopt().  Returns the descriptor, or -EINVAL for NULL.
 */
FM_API int fm_section_fd(const fm_section *s);

/*
 * fm_section_adopt: make a handle of a descriptor that holds a section,
 * typically one inherited across exec from fm_section_fd() of a parent.  On
 * success the handle owns fd (fm_section_close closes it); on failure the
 * caller still does.  access 0 means what fd's open mode allows; more than
 * that, or than the section's maximum, is -EACCES.  Returns 0, -EINVAL,
 * -EBADF (fd is not open, or not a filemap object), FM_ETYPE (another type
 * of object), FM_ECORRUPT, -EACCES.  A named file-backed section's file is
 * opened by its path, as fm_section_open() does (so also -ESTALE).
 */
FM_API int fm_section_adopt(fm_section **out, int fd, unsigned access);

/*
 * fm_section_sync: make a file-backed section's data durable: writes every
 * modified page of the file, from any view in any process, and what is
 * needed to read it back (its size), to stable storage, and waits
 * (fdatasync).  Views of store memory have nothing to write: 0 at once.
 * Returns 0, -EINVAL (NULL s), -EIO, -ENOSPC, -EDQUOT (the file system's
 * own failures, the message names the file).
 */
FM_API int fm_section_sync(fm_section *s);

/* ------------------------------------------------------------------------
 * Views
 * ------------------------------------------------------------------------ */

/*
 * fm_view_map: map [offset, offset + length) of a section into this process.
 *
 *   out     receives the view's base address (page-aligned).
 *   s       the section handle.  The view stays valid after s is closed.
 *   offset  a multiple of fm_page_size(), less than the section's size.
 *   length  bytes; 0 means to the section's end.
 *   access  FM_READ; FM_WRITE (read and write); FM_COPY (copy-on-write:
 *           reads see the section until the page is written, writes stay
 *           private to this process; FM_READ | FM_COPY is the same);
 *           FM_EXEC may be added to any of them; 0 reserves the range with
 *           no access at all (a PROT_NONE view, as Windows allows).  The
 *           handle's access bounds it; FM_COPY needs only FM_READ.
 *
 * All views of one section, in any process, are coherent.  The bytes of the
 * last page past the section's end read as zero.  The kernel enforces the
 * access: a write to a read-only view faults, and mprotect() cannot make it
 * writable.  Returns 0, or -EINVAL (NULL out or s, unknown bits, FM_COPY |
 * FM_WRITE, misaligned offset), -ERANGE (offset at or past the end, or
 * offset + length past it), -EACCES (more access than the handle has, or
 * exec on a store mounted noexec), -ENOMEM.
 */
FM_API int fm_view_map(void **out, fm_section *s, uint64_t offset, size_t length,
		       unsigned access);

/*
 * fm_view_map_at: like fm_view_map(), at the page-aligned address addr
 * (NULL: anywhere), never replacing what is mapped there: a range that is
 * already in use, in whole or part, is -EEXIST.  A misaligned addr is
 * -EINVAL.
 */
FM_API int fm_view_map_at(void **out, fm_section *s, uint64_t offset, size_t length,
			  unsigned access, void *addr);

/*
 * fm_view_unmap: unmap the whole view containing addr (any address inside
 * it).  Returns 0, or -EFAULT when addr is in no view this library made.
 */
FM_API int fm_view_unmap(void *addr);

/*
 * fm_view_flush: write the view's modified pages in [addr, addr + length)
 * back to the section's backing and wait for it (msync MS_SYNC); length 0
 * means to the view's end.  For memory from the store this orders nothing
 * new (all views already share the same pages) and always succeeds.  For a
 * file-backed section the pages are written to the file's device (read()
 * sees a shared view's writes at once anyway, through the page cache);
 * fm_section_sync() is the call that promises durability, for the whole
 * file and its size.  A copy-on-write view never writes to the file.
 * Returns 0, -EFAULT (addr in no view), -ERANGE (the range leaves the view).
 */
FM_API int fm_view_flush(void *addr, size_t length);

/*
 * What fm_view_query() reports.  The caller sets size = sizeof(struct
 * fm_view_info); the library fills only the whole fields that fit.
 */
struct fm_view_info {
	uint32_t size;         /* sizeof(struct fm_view_info), set by the caller */
	void *base;            /* the view's base address */
	size_t length;         /* the view's length in bytes, exact */
	uint64_t offset;       /* where in the section the view starts */
	unsigned access;       /* FM_READ / FM_WRITE / FM_COPY / FM_EXEC as mapped */
	uint64_t section_size; /* the section's exact size */
};
#define FM_VIEW_INFO_INIT { sizeof(struct fm_view_info), NULL, 0, 0, 0, 0 }

/*
 * fm_view_query: describe the view containing addr (any address inside it).
 * A copy-on-write view reports FM_READ | FM_COPY; a read-write view reports
 * FM_READ | FM_WRITE.  Returns 0, -EINVAL (NULL out, out->size too small),
 * or -EFAULT (addr in no view).
 */
FM_API int fm_view_query(struct fm_view_info *out, const void *addr);

/*
 * fm_page_size: the granularity of view offsets, the system's page size.
 */
FM_API size_t fm_page_size(void);

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_H */
