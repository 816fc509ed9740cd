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
	X(EPERM, -EPERM, 288, "operation not permitted: the calling thread does not own the mutex") \
	X(EOVERFLOW, -EOVERFLOW, 298, "the release would take the semaphore past its maximum count") \
	X(EBUSY, -EBUSY, 170, "the object is busy") \
	X(EAGAIN, -EAGAIN, 170, "resource temporarily unavailable; try again") \
	X(ETIMEDOUT, -ETIMEDOUT, 1460, "the wait timed out") \
	X(EMFILE, -EMFILE, 4, "too many open files in this process") \
	X(ENFILE, -ENFILE, 4, "too many open files in the system") \
	X(EROFS, -EROFS, 19, "read-only file system") \
	X(EDQUOT, -EDQUOT, 1295, "disk quota exceeded") \
	X(EIO, -EIO, 1117, "input/output error") \
	X(ENOSYS, -ENOSYS, 50, "the kernel lacks a needed call (futex_waitv needs Linux 5.16)")

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
 *   mode    permission bits (at most 0777) of a new named object, kept
 *           exactly: the umask does not apply.  0 means 0600.  They bound
 *           every open by name (other users' by the kernel, the owner's own
 *           by the library); the handle that creates the section, and its
 *           duplicates, keep the section's whole access whatever they say,
 *           as on Windows: 0444 publishes a section every user may read and
 *           only its creator's handles write.  The write bits are dropped
 *           for a section without FM_WRITE.  A Global\ section whose mode
 *           lets group or others in keeps its memory in a SysV shared
 *           memory segment, which no holder, its owner included, can shrink
 *           under the others (filemap(7), SECURITY).
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
 * otherwise ignored, and a file given in opts is left untouched).
 * Failures: -EINVAL (NULL out, size 0 without a file, access 0 or unknown
 * access or flag bits, fd below -1 or not a regular file, mode over 0777,
 * opts->size under 4), FM_ENAME, -ENAMETOOLONG, -EFBIG (also over
 * kernel.shmmax, for a shared Global\ section), -ENOSPC (the store, or
 * for a shared Global\ section the machine's memory or its SysV limits
 * kernel.shmmni and kernel.shmall, which the message names, cannot hold
 * the reservation), FM_ETYPE (the name belongs to another type of object),
 * -EACCES (the existing object's mode or maximum access refuses what
 * opts->access asks for, or a Global\ name is blocked by another user's
 * orphan until `filemap gc` runs as that user or root), -EBUSY (the name
 * is held exclusively, for more than a moment, by a process that is not
 * removing it: the message names its uid), -ESTALE (the existing object's
 * memory is gone while another process still holds its name: a handle
 * inherited across exec after every process that had it mapped exited),
 * -ENOTSUP (the existing shared object's memory is in another IPC
 * namespace), FM_ECORRUPT, FM_ESTORE (an unsafe store directory, named
 * with its owner; a store that cannot be made at all gives its -errno,
 * e.g. -ENOENT for a missing parent of FILEMAP_ROOT, and the message says
 * so), -EMFILE, -ENFILE, -ENOMEM, -EAGAIN (the name was removed and
 * re-created under us a thousand times in a row); with a file, also those
 * below.
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
 *    device and inode; other processes open the file by that path, with
 *    their own rights, and only if it belongs to the section's owner.  So
 *    the file must be the creator's own (or the creator root): another
 *    user's is -EACCES.  A file with no path that leads back to it
 *    (deleted, or moved out of reach) is -ESTALE; a path longer than
 *    PATH_MAX is -ENAMETOOLONG.  The file changes only once the name is
 *    known to be new.  Closing the last handle removes the name, never the
 *    file.
 *  - Unnamed: no name enters the store; the handle holds an unnamed store
 *    file with the header (and the file's path, device and inode, when
 *    the file has a path), so its descriptor can be adopted across exec
 *    like any section's (fm_section_adopt()), which opens the file by
 *    that path, as an open by name would: only a file of the section's
 *    owner.
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
 * section's maximum), -EBUSY, -ESTALE, -ENOTSUP (as for fm_section_create),
 * FM_ECORRUPT (the store object fails validation, or is writable by users
 * other than its owner; it is left alone while some process holds it),
 * FM_ESTORE, -EMFILE, -ENFILE, -ENOMEM, -EAGAIN.  A file-backed section's
 * file is opened by the path its creator left, for this handle's access,
 * without ever opening anything but a regular file: -ESTALE when that path
 * no longer leads to the same regular file (removed, or replaced: device
 * or inode differ) or the file was truncated below the section's size;
 * -EACCES when the file's permissions refuse this access, or the file does
 * not belong to the section's owner; -EBUSY when another process holds a
 * lease on it.  The messages name the path.
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
 * fm_section_max_access: the section's maximum access, opts->access of its
 * creator (FM_READ, FM_WRITE, FM_EXEC; FM_WRITE always with FM_READ): what
 * any handle to it may have at most, whatever the object's mode lets an
 * opener have.  0 for NULL.
 */
FM_API unsigned fm_section_max_access(const fm_section *s);

/*
 * fm_section_fd: the descriptor that holds the handle (and, for a named
 * section, its share of the name): the store file with the section's header
 * (for a file-backed section too, named or not: the header, not the
 * user's file).  It stays owned by s: do not close it.
 * It is O_CLOEXEC; a program that wants a child to inherit the handle
 * across exec clears FD_CLOEXEC and passes the number (or sends it over a
 * socket), and the child calls fm_section_adopt().  From this call on, the
 * process's handles of the section that share its description (see
 * filemap(7), LIFETIME) close as handles shared with another process do,
 * which costs an open more.  Returns the descriptor, or -EINVAL for NULL,
 * -EMFILE.
 * What it allows: the store file is writable only by its owner, so other
 * users' descriptors are read-only and cannot resize or rewrite anything.
 * The owner's may be read-write: for a Local\ or owner-only Global\
 * section whose data is that very file, whoever holds such a descriptor
 * can truncate the section under every view of it (SIGBUS): pass it only
 * to programs the owner trusts.  A shared Global\ section's data is not
 * in the file (a segment), and cannot be shrunk through it.
 */
FM_API int fm_section_fd(const fm_section *s);

/*
 * fm_section_fileno: the number of the same descriptor, for this process's
 * own use: telling handles apart, fstat.  Unlike fm_section_fd(), it does
 * not prepare the descriptor to leave the process: passing this number to
 * another process (exec, a socket) would let this process's last close
 * remove the name while the other still holds it.  Returns the
 * descriptor, or -EINVAL for NULL, -EMFILE.
 */
FM_API int fm_section_fileno(const fm_section *s);

/*
 * fm_section_file_fd: for a section backed by a file, the handle's own
 * description of that file, the one its views map: to tell which file it
 * is (fstat), for instance before truncating a file that a section maps.
 * It stays owned by s: do not close, resize, lock or seek it.  Returns the
 * descriptor, or -EINVAL (NULL s, or a section of store memory, which has
 * no file of the user's).
 */
FM_API int fm_section_file_fd(const fm_section *s);

/*
 * fm_section_adopt: make a handle of a descriptor that holds a section,
 * typically one inherited across exec from fm_section_fd() of a parent.  On
 * success the handle owns fd (fm_section_close closes it); on failure the
 * caller still does.  access 0 means what fd's open mode allows (for a
 * shared Global\ section, whose data is a segment, what the object's mode
 * gives this process's user), within the section's maximum; more than
 * that is -EACCES.  Returns 0, -EINVAL, -EBADF (fd is not open, or not a
 * filemap object), FM_ETYPE (another type of object), FM_ECORRUPT,
 * -EACCES, -ESTALE (a shared section's memory went with the last process
 * that had it mapped, before this handle was adopted), -ENOTSUP (another
 * IPC namespace).  A file-backed section's file, named or not, is opened
 * by the path in its header, as fm_section_open() does (so also -ESTALE,
 * also when an unnamed section's file had no path, and -EACCES when it is
 * not the section owner's).
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
 *           private to this process; FM_READ | FM_COPY is the same; of a
 *           shared Global\ section, whose data is a SysV segment, which
 *           has no file to map privately, the view is a private copy of
 *           the section made now, and does not see later writes);
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
	int file_backed;       /* 1: the section maps a file; 0: store memory */
};
#define FM_VIEW_INFO_INIT { sizeof(struct fm_view_info), NULL, 0, 0, 0, 0, 0 }

/*
 * fm_view_query: describe the view containing addr (any address inside it).
 * A copy-on-write view reports FM_READ | FM_COPY; a read-write view reports
 * FM_READ | FM_WRITE.  Returns 0, -EINVAL (NULL out, out->size too small),
 * or -EFAULT (addr in no view).
 */
FM_API int fm_view_query(struct fm_view_info *out, const void *addr);

/*
 * fm_view_commit: give memory now to the pages of [addr, addr + length) of
 * a view (whole pages: addr rounded down, the end up), for the section, so
 * for every view of it in every process (Windows' VirtualAlloc MEM_COMMIT
 * on a view of a SEC_RESERVE section).  Only an FM_SECTION_RESERVE section
 * of the store has pages without memory; for any other view this checks
 * the range and does nothing.  A page that any view touches gets its memory
 * too, committed or not.  Returns 0, -EINVAL (length 0), -EFAULT (addr in
 * no view), -ERANGE (the range leaves the view), -ENOSPC (the store cannot
 * hold the pages), -EACCES (a view with no access of a read-only handle),
 * -ENOTSUP (a read-only view, on Linux before 5.14).
 */
FM_API int fm_view_commit(void *addr, size_t length);

/*
 * fm_view_committed: whether the page of a view that contains addr has
 * memory: 1 yes, 0 not yet (a page of an FM_SECTION_RESERVE section that no
 * view has committed or touched).  *out receives the length in bytes of the
 * run of pages from that page on, to at most the view's end, that are
 * alike.  Every view of any other section is committed throughout.
 * Returns 1, 0, -EINVAL (NULL out), -EFAULT (addr in no view).
 */
FM_API int fm_view_committed(size_t *out, const void *addr);

/*
 * fm_page_size: the granularity of view offsets, the system's page size.
 */
FM_API size_t fm_page_size(void);

/* ------------------------------------------------------------------------
 * Sync objects: mutexes, events and semaphores
 *
 * They share the sections' namespace (a name held by a section cannot be a
 * mutex: FM_ETYPE) and their lifetime: the name lives while a handle does.
 * Their state lives in shared memory and is operated on with futexes, so an
 * uncontended call makes no system call.  One handle type serves all three
 * kinds, so that a wait can name objects of any kind at once; a call made on
 * the wrong kind fails with FM_ETYPE.
 *
 * Timeouts are relative, in nanoseconds: 0 polls, FM_INFINITE never gives
 * up.  Waits measure them on CLOCK_MONOTONIC and are not cut short by
 * signals.  A wait returns 0, FM_ABANDONED (a mutex whose owner died while
 * holding it: the caller owns it now, and should check what it protects),
 * -ETIMEDOUT, or a failure.
 *
 * Every process that holds an object can write its shared state: it can
 * deny the object to the others, or take a mutex from its owner (whose
 * unlock then says FM_ECORRUPT), but no value it writes makes another
 * holder crash, spin, leak, or believe it owns a mutex it does not: a state
 * that cannot be right is FM_ECORRUPT, and every wait ends at its timeout.
 * ------------------------------------------------------------------------ */

typedef struct fm_sync fm_sync;
typedef fm_sync fm_mutex;
typedef fm_sync fm_event;
typedef fm_sync fm_semaphore;

#define FM_INFINITE UINT64_MAX

/* Object types, as fm_sync_type() and fm_sync_query() report them. */
#define FM_TYPE_SECTION   1
#define FM_TYPE_MUTEX     2
#define FM_TYPE_EVENT     3
#define FM_TYPE_SEMAPHORE 4

/* The most objects one wait may name (Windows' MAXIMUM_WAIT_OBJECTS). */
#define FM_WAIT_MAX 64

/*
 * Options for the sync objects' create calls; start from FM_SYNC_OPTS_INIT.
 *
 *   size  sizeof(struct fm_sync_opts).
 *   mode  permission bits (at most 0777) of a new named object, kept
 *         exactly; 0 means 0600.  Every open by name needs read and write
 *         permission (waiting changes the state), so a Global\ object
 *         meant for other users needs theirs (e.g. 0666); its state then
 *         lives in a SysV shared memory segment nobody can shrink.  The
 *         creating handle and its duplicates keep all access whatever the
 *         mode says, as on Windows.
 */
struct fm_sync_opts {
	uint32_t size;
	uint32_t mode;
};
#define FM_SYNC_OPTS_INIT { sizeof(struct fm_sync_opts), 0 }

/*
 * fm_mutex_create: create a mutex, or get the existing one of that name.
 * name as for fm_section_create() (NULL: unnamed).  initial_owner non-zero:
 * the calling thread owns the new mutex once (ignored when the name
 * existed, as Windows ignores it).  Returns 0, FM_EXISTED, or -EINVAL,
 * FM_ENAME, -ENAMETOOLONG, FM_ETYPE, -EACCES, FM_ECORRUPT, FM_ESTORE,
 * -ENOSPC, -EMFILE, -ENOMEM.
 */
FM_API int fm_mutex_create(fm_mutex **out, const char *name, int initial_owner,
			   const struct fm_sync_opts *opts);

/* fm_mutex_open: open an existing named mutex.  Returns 0, or the errors of
 * fm_section_open() (-ENOENT, FM_ETYPE, -EACCES, ...). */
FM_API int fm_mutex_open(fm_mutex **out, const char *name);

/*
 * fm_mutex_lock: acquire the mutex for the calling thread, waiting up to
 * timeout_ns.  Ownership is per thread and recursive: a thread that owns it
 * gets it again at once, and must unlock it as many times.  Returns 0,
 * FM_ABANDONED (its owner, a thread or a whole process, died holding it;
 * the caller owns it now, once), -ETIMEDOUT, -EAGAIN (the recursion count
 * would overflow), FM_ETYPE (not a mutex), -EINVAL (NULL), FM_ECORRUPT,
 * -ENOTSUP (the thread's robust-futex list is not glibc's 64-bit layout).
 */
FM_API int fm_mutex_lock(fm_mutex *m, uint64_t timeout_ns);

/* fm_mutex_trylock: fm_mutex_lock() that never waits: -EBUSY instead of
 * -ETIMEDOUT when another thread owns it. */
FM_API int fm_mutex_trylock(fm_mutex *m);

/*
 * fm_mutex_unlock: release one level of the calling thread's ownership.
 * The last level releases the mutex; if threads wait for it, it goes to the
 * one that has waited longest (first in, first out among threads of one
 * priority), and the calling thread does not take it back before that
 * waiter has it, as on Windows (after 100 ms if the waiter never takes
 * it; threads that did not wait may still come first; see
 * fm_mutex_create(3)).  Returns 0, -EPERM (the calling thread does not own it:
 * Windows' ERROR_NOT_OWNER), FM_ECORRUPT (another process changed its
 * owner meanwhile; the calling thread owns it no more), FM_ETYPE, -EINVAL.
 */
FM_API int fm_mutex_unlock(fm_mutex *m);

/* fm_mutex_close: fm_sync_close(). */
FM_API void fm_mutex_close(fm_mutex *m);

/* Flags of fm_event_create(). */
#define FM_EVENT_MANUAL_RESET (1u << 0) /* stays signalled until reset */
#define FM_EVENT_SIGNALED     (1u << 1) /* starts signalled */

/*
 * fm_event_create: create an event, or get the existing one of that name
 * (whose kind and state are unchanged; flags are then ignored).  An
 * auto-reset event (the default) releases exactly one waiter per set and
 * is reset by that release; a manual-reset one releases every waiter until
 * it is reset.  Returns as fm_mutex_create(); -EINVAL for unknown flags.
 */
FM_API int fm_event_create(fm_event **out, const char *name, unsigned flags,
			   const struct fm_sync_opts *opts);
FM_API int fm_event_open(fm_event **out, const char *name);

/*
 * fm_event_set: signal the event.  Auto-reset: if threads wait, exactly one
 * is released and the event stays unsignalled; else it stays signalled
 * until one wait takes it (setting it twice is setting it once).
 * Manual-reset: every waiter is released, and later waits return at once,
 * until fm_event_reset().  fm_event_reset: unsignal it.  fm_event_pulse:
 * release the threads waiting now (all of them for a manual-reset event,
 * one for an auto-reset one, none if none wait) and leave it unsignalled.
 * Each returns 0, FM_ETYPE (not an event), -EINVAL (NULL), FM_ECORRUPT.
 */
FM_API int fm_event_set(fm_event *e);
FM_API int fm_event_reset(fm_event *e);
FM_API int fm_event_pulse(fm_event *e);

/* fm_event_wait: wait until the event is signalled; an auto-reset event is
 * reset by the wait that takes it.  Returns 0, -ETIMEDOUT, or a failure. */
FM_API int fm_event_wait(fm_event *e, uint64_t timeout_ns);
FM_API void fm_event_close(fm_event *e);

/*
 * fm_semaphore_create: create a semaphore with a count of initial and the
 * given maximum (1 to INT32_MAX, Windows' limit; initial at most maximum),
 * or get the existing one of that name (counts then ignored).  Returns as
 * fm_mutex_create(); -EINVAL for a bad count.
 */
FM_API int fm_semaphore_create(fm_semaphore **out, const char *name, uint32_t initial,
			       uint32_t maximum, const struct fm_sync_opts *opts);
FM_API int fm_semaphore_open(fm_semaphore **out, const char *name);

/*
 * fm_semaphore_release: add count (at least 1) to the semaphore's count,
 * releasing as many waiters.  previous (may be NULL) receives the count
 * before the release.  Past the maximum it fails with -EOVERFLOW (Windows'
 * ERROR_TOO_MANY_POSTS) and changes nothing.  Returns 0, -EOVERFLOW,
 * -EINVAL (count 0, NULL), FM_ETYPE, FM_ECORRUPT.
 */
FM_API int fm_semaphore_release(fm_semaphore *s, uint32_t count, uint32_t *previous);

/* fm_semaphore_wait: wait until the count is above zero, and decrement it.
 * Returns 0, -ETIMEDOUT, or a failure. */
FM_API int fm_semaphore_wait(fm_semaphore *s, uint64_t timeout_ns);
FM_API void fm_semaphore_close(fm_semaphore *s);

/*
 * fm_sync_wait: wait on one object of any kind (Windows'
 * WaitForSingleObject): lock a mutex, take an event, decrement a semaphore.
 */
FM_API int fm_sync_wait(fm_sync *o, uint64_t timeout_ns);

/*
 * fm_wait_any: wait until at least one of objects[0..count) is signalled,
 * then take the one with the lowest index, and only that one; *index (may
 * be NULL) receives its index.  fm_wait_all: wait until all of them are
 * signalled at once, then take them all; it takes nothing while it cannot
 * take everything (an object may look taken for an instant while it tries,
 * and is then given back).  *index receives the index of an abandoned mutex
 * when the result is FM_ABANDONED, else 0.
 *
 * count is 1 to FM_WAIT_MAX.  wait-any may name an object twice; wait-all
 * may not (-EINVAL), also through two handles of one object.  Both return
 * 0, FM_ABANDONED, -ETIMEDOUT, or -EINVAL (NULL objects or element, count
 * 0 or over FM_WAIT_MAX), FM_ETYPE (an element is not a sync object),
 * FM_ECORRUPT, -ENOSYS (a kernel before 5.16, for more than one object).
 */
FM_API int fm_wait_any(fm_sync *const objects[], size_t count, uint64_t timeout_ns,
		       size_t *index);
FM_API int fm_wait_all(fm_sync *const objects[], size_t count, uint64_t timeout_ns,
		       size_t *index);

/* What fm_sync_query() reports; the caller sets size, as for fm_view_info. */
struct fm_sync_info {
	uint32_t size;      /* sizeof(struct fm_sync_info), set by the caller */
	int type;           /* FM_TYPE_MUTEX, FM_TYPE_EVENT, FM_TYPE_SEMAPHORE */
	int signaled;       /* a wait would succeed now: the mutex is free, the
			     * event set, the semaphore's count above zero */
	int manual_reset;   /* an event: manual-reset */
	uint32_t count;     /* a semaphore: its count and maximum */
	uint32_t maximum;
	int32_t owner_pid;  /* a mutex: its owner's process and thread, or 0,
			     * as the owner sees itself (its PID namespace's) */
	int32_t owner_tid;
	uint32_t recursion; /* a mutex: how many times its owner holds it */
	int abandoned;      /* a mutex: its owner died; the next taker is told */
};
#define FM_SYNC_INFO_INIT { sizeof(struct fm_sync_info), 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/* fm_sync_query: a snapshot of the object's state (it may change at once).
 * Returns 0, -EINVAL (NULL, size too small), FM_ECORRUPT. */
FM_API int fm_sync_query(struct fm_sync_info *out, const fm_sync *o);

/* fm_sync_type: FM_TYPE_MUTEX, FM_TYPE_EVENT or FM_TYPE_SEMAPHORE; -EINVAL
 * for NULL or a pointer that is not an open sync object. */
FM_API int fm_sync_type(const fm_sync *o);

/* fm_sync_name: the full name ("Local\\x"), or NULL when unnamed or NULL. */
FM_API const char *fm_sync_name(const fm_sync *o);

/* fm_sync_fd, fm_sync_adopt: as fm_section_fd() and fm_section_adopt(), for
 * a sync object of any kind (fm_sync_type() tells which one was adopted).
 * The descriptor is read-only unless its owner holds it; the owner's, of a
 * Local\ or owner-only Global\ object whose state is in that very file, can
 * truncate it under every handle (pass it only to programs the owner
 * trusts); a shared Global\ object's state is in a segment, which the
 * adopter attaches (a read-only descriptor will then do). */
FM_API int fm_sync_fd(const fm_sync *o);
/* fm_sync_fileno: as fm_section_fileno(), for a sync object. */
FM_API int fm_sync_fileno(const fm_sync *o);
FM_API int fm_sync_adopt(fm_sync **out, int fd);

/* fm_sync_dup: a second, independent handle to the same object. */
FM_API int fm_sync_dup(fm_sync **out, fm_sync *o);

/*
 * fm_sync_close: release a handle; the last one out removes the name.  A
 * mutex the calling process's threads own stays owned (Windows does the
 * same): it is abandoned when the owner thread exits.  A fork child owns
 * nothing its parent owns.  NULL is ignored.
 */
FM_API void fm_sync_close(fm_sync *o);

/* ------------------------------------------------------------------------
 * Listing the store
 *
 * A program can list the named objects as `filemap ls` does, without the
 * tool: fm_store_list_open() starts a listing, fm_store_list_next() gives
 * one object at a time, fm_store_list_close() ends it.  A listing streams:
 * a store of 100,000 objects takes no more memory than one of ten, but for
 * the table of holders, made once at the start.  With more than one CPU, a
 * thread of the listing's own (blocking every signal, ended by
 * fm_store_list_close) looks at objects up to 128 entries ahead; the order
 * stays the directory's, and a child forked meanwhile may go on with it.  It only looks: each store
 * file is opened for reading, without a lock, so a listing never holds,
 * creates, repairs or removes anything, and never waits for another
 * process.  What it reports is a snapshot; objects come and go meanwhile.
 * ------------------------------------------------------------------------ */

typedef struct fm_store_list fm_store_list;

/* Namespaces, as bits: struct fm_object_info's ns, and a filter. */
#define FM_NAMESPACE_LOCAL  (1u << 0)
#define FM_NAMESPACE_GLOBAL (1u << 1)

/* Flags of struct fm_list_opts. */
#define FM_LIST_NO_HOLDERS (1u << 0) /* do not look for holders (faster) */

/*
 * Options for fm_store_list_open(); start from FM_LIST_OPTS_INIT.
 *
 *   size        sizeof(struct fm_list_opts).
 *   namespaces  FM_NAMESPACE_LOCAL, FM_NAMESPACE_GLOBAL or both; 0: both.
 *   type        FM_TYPE_SECTION, _MUTEX, _EVENT or _SEMAPHORE: only that
 *               type (objects whose type cannot be read are left out); 0:
 *               every object.
 *   pattern     a glob (fnmatch(3): *, ?, [...], \ quotes) matched against
 *               the name after its prefix ("job.*" matches Local\job.1);
 *               one that starts with Local\ or Global\ also picks that
 *               namespace.  An object whose name cannot be read (a long
 *               name stored under its hash, in an object the caller may
 *               not open) is matched by its file name.  NULL: every name.
 *               Copied: it need not outlive the call.
 *   name        one object: its full name ("x" is Local\x), checked as
 *               fm_section_open() checks names; the listing then holds at
 *               most that object, found without reading the directory.
 *               NULL: every object.  Copied.
 *   flags       FM_LIST_NO_HOLDERS: holders_known stays 0.
 */
struct fm_list_opts {
	uint32_t size;
	unsigned namespaces;
	int type;
	const char *pattern;
	const char *name;
	unsigned flags;
};
#define FM_LIST_OPTS_INIT { sizeof(struct fm_list_opts), 0, 0, NULL, NULL, 0 }

/* Where a section's data is: struct fm_object_info's backing_state. */
#define FM_BACKING_STORE     0 /* memory from the store (and every sync object) */
#define FM_BACKING_PRESENT   1 /* a file, there as its creator left it */
#define FM_BACKING_MISSING   2 /* a file no longer at its path: openers get -ESTALE */
#define FM_BACKING_REPLACED  3 /* another file at its path: -ESTALE */
#define FM_BACKING_TRUNCATED 4 /* the file is shorter than the section: -ESTALE */

/* struct fm_object_info's flags. */
#define FM_OBJECT_RESERVE (1u << 0) /* a sparse section (FM_SECTION_RESERVE) */
#define FM_OBJECT_FILE    (1u << 1) /* a section over a file */

/*
 * One object, as fm_store_list_next() reports it.  The caller sets size =
 * sizeof(struct fm_object_info); the library fills only the whole fields
 * that fit.  Strings and the holders array belong to the listing and stay
 * valid until its next call.  What the caller may not read of an object
 * (another user's 0600 Global\ object: status -EACCES) is 0 or NULL, but
 * for ns, path, mode, uid, gid and the holders.
 *
 *   ns            FM_NAMESPACE_LOCAL or FM_NAMESPACE_GLOBAL.
 *   name          the full name, "Local\x"; NULL when it cannot be known
 *                 (a long name stored under its hash, unreadable).  For
 *                 root, Local\ objects of every user are listed: uid tells
 *                 whose.
 *   path          the object's file in the store.
 *   type          FM_TYPE_*; 0 when unknown (unreadable or corrupt).
 *   status        0: sound.  FM_ECORRUPT: the object fails validation and
 *                 openers refuse it (problem says why; type may still be
 *                 known, e.g. a semaphore whose count is over its maximum).
 *                 -EACCES: the caller may not read it (its mode).  For a
 *                 sync object other users may operate, whose state is a
 *                 shared memory segment (filemap(7), SECURITY): -EIDRM
 *                 when that state is gone (an orphan's), -ENOTSUP when it
 *                 is in another IPC namespace.
 *   problem       why status is not 0, in words; NULL when it is.
 *   section_size  a section's exact size; 0 for a sync object.
 *   mode, uid, gid  the object's permission bits, as its creator gave them
 *                 (from its header; the store file's own bits, which say
 *                 who may read the header, when the header is not sound),
 *                 and its owner.
 *   max_access    a section's maximum access (FM_READ, FM_WRITE, FM_EXEC).
 *   flags         FM_OBJECT_RESERVE, FM_OBJECT_FILE.
 *   header_size   the bytes of its header in the store.
 *   creator_uid, creator_pid, created_sec, created_nsec
 *                 who made it, and when (CLOCK_REALTIME).
 *   holders_known 1 when the holders below are known: they come from
 *                 /proc/<pid>/fd of every process the caller may inspect
 *                 (root: all of them), and /proc/locks for the others.  0
 *                 with FM_LIST_NO_HOLDERS, or when /proc cannot be read.
 *   holder_count, holders
 *                 the processes that hold the object, ascending, each once.
 *                 None (and holders_known) is an orphan: its holders died,
 *                 openers treat it as absent, and `filemap gc` removes it.
 *   backing, backing_state, backing_dev, backing_ino, backing_file_size
 *                 a section over a file: the file's path, FM_BACKING_*,
 *                 the device and inode it must still have, and its size
 *                 now (0 when missing).  Else NULL and FM_BACKING_STORE.
 *   sync          a sound mutex's, event's or semaphore's state, as
 *                 fm_sync_query() reports it (sync.type 0 otherwise).
 *   waiters       for an event or a semaphore: how many waits are armed
 *                 on it (a hint: a waiter killed while it waited counts
 *                 until the next wake); for a mutex, 1 when it is owned
 *                 and a thread has waited for it since it was locked (the
 *                 kernel does not count them, and a wait that gave up
 *                 leaves its mark until the unlock), else 0; -1 when not
 *                 known.
 */
struct fm_object_info {
	uint32_t size;
	unsigned ns;
	const char *name;
	const char *path;
	int type;
	int status;
	const char *problem;
	uint64_t section_size;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	unsigned max_access;
	unsigned flags;
	uint32_t header_size;
	uint32_t creator_uid;
	int32_t creator_pid;
	int64_t created_sec;
	uint32_t created_nsec;
	int holders_known;
	size_t holder_count;
	const int32_t *holders;
	const char *backing;
	int backing_state;
	uint64_t backing_dev;
	uint64_t backing_ino;
	uint64_t backing_file_size;
	struct fm_sync_info sync;
	int32_t waiters;
};
#define FM_OBJECT_INFO_INIT                                                                 \
	{ sizeof(struct fm_object_info), 0, NULL, NULL, 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, \
	  0, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, FM_SYNC_INFO_INIT, 0 }

/*
 * fm_store_list_open: start listing the store in force ($FILEMAP_ROOT, else
 * /dev/shm/filemap): the caller's Local\ objects (root: every user's) and
 * the Global\ ones, filtered by opts (NULL: everything).  Finds the
 * holders once, here, unless opts asks not to.  A store that does not
 * exist yet lists nothing; nothing is created.  Returns 0 with *out, or
 * -EINVAL (NULL out, opts->size under 4, unknown namespaces, type or
 * flags), FM_ENAME, -ENAMETOOLONG (opts->name), -ENOMEM.  The listing is
 * used by one thread at a time; release it with fm_store_list_close().
 */
FM_API int fm_store_list_open(fm_store_list **out, const struct fm_list_opts *opts);

/*
 * fm_store_list_next: the next object, in directory order.  Returns 1 with
 * *out filled, 0 at the end (and every call after it), or a failure that
 * skips one part of the store, whose message names it: FM_ESTORE (an
 * unsafe store directory, left alone), -EMFILE, -ENFILE, -ENOMEM, -EACCES
 * (a directory or object that could not be read); the next call goes on
 * with the rest.  -EINVAL for NULL l or out, or out->size too small.
 */
FM_API int fm_store_list_next(fm_store_list *l, struct fm_object_info *out);

/* fm_store_list_close: end a listing.  NULL is ignored. */
FM_API void fm_store_list_close(fm_store_list *l);

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_H */
