/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the core's modules share: names, the store, the object
 * header, the named-object lifetime, errors.  Nothing here is public; the
 * tool and the tests reach it by linking the static library.
 */
#ifndef FM_INTERNAL_H
#define FM_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "filemap.h"
#include "os/os.h"

#define FM__HIDDEN __attribute__((visibility("hidden")))
#define FM__PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ------------------------------------------------------------------------
 * error.c: failures carry a code and leave a one-line message.
 * ------------------------------------------------------------------------ */

/*
 * Records this thread's last-error message, "<call>: <object>: <what>
 * (<ERRNAME>)" or "<call>: <what> (<ERRNAME>)" when object is NULL, and
 * returns code, so that a failure reads `return fm__fail(code, ...)`.
 * A detail (printf format, may be NULL) replaces the code's description.
 */
int fm__fail(int code, const char *call, const char *object, const char *detail, ...)
	FM__PRINTF(4, 5);
/* Sets this thread's last-error message back to a copy of an earlier one
 * (fm_last_error_message), for a failure reported later than it happened;
 * returns code. */
int fm__fail_again(int code, const char *message);

/* Access bits as a message says them: "r", "rw", "rwx", "c" (copy-on-write),
 * "none"; in a struct so that a message can take it in its arguments. */
struct fm__access_words {
	char s[8];
};
struct fm__access_words fm__access_words(unsigned access);

/* ------------------------------------------------------------------------
 * name.c: parsing, validating and encoding object names.
 * ------------------------------------------------------------------------ */

enum fm__namespace { FM__NS_LOCAL = 0, FM__NS_GLOBAL = 1, FM__NS_COUNT = 2 };

/* Windows' limit on a name after its prefix, in UTF-16 code units. */
#define FM__NAME_MAX_UNITS 32767
/* The longest full name in UTF-8: "Global\" + 3 bytes per UTF-16 unit. */
#define FM__NAME_MAX_BYTES (7 + 3 * FM__NAME_MAX_UNITS)

struct fm__name {
	enum fm__namespace ns;
	char *full;              /* canonical: "Local\x" or "Global\x" (in
				  * short_full, or malloc'd when longer) */
	size_t full_len;         /* strlen(full) */
	char file[NAME_MAX + 1]; /* the file name in the namespace directory */
	char short_full[128];    /* full, for most names: parsing one allocates
				  * nothing (so never copy a struct fm__name) */
};

/*
 * Validates name and fills out (out->full must be freed with
 * fm__name_free).  Returns 0, FM_ENAME, -ENAMETOOLONG or -ENOMEM.
 */
int fm__name_parse(struct fm__name *out, const char *name);
void fm__name_free(struct fm__name *n);

/* Strict UTF-8 check; returns the number of UTF-16 code units or -1. */
long fm__utf8_utf16_units(const char *s, size_t len);

/*
 * The reverse of the file-name encoding, for the tool: writes the name part
 * (after the prefix) of a directly encoded file name into out.  Returns
 * false for a hashed or foreign file name.
 */
bool fm__name_decode_file(char *out, size_t out_len, const char *file);

/* Whether a file name in a namespace directory is a hashed long name. */
bool fm__name_file_is_hashed(const char *file);

/* sha256.c */
void fm__sha256(const void *data, size_t len, uint8_t digest[32]);

/* ------------------------------------------------------------------------
 * store.c: the store's directories.
 * ------------------------------------------------------------------------ */

/*
 * An open, validated namespace directory.  Shared and reference-counted:
 * the process keeps the current one cached, and each named object keeps the
 * one it lives in, so a change of FILEMAP_ROOT never confuses an object's
 * last-one-out removal.
 */
struct fm__dir {
	_Atomic long refs;
	int fd;
	enum fm__namespace ns;
	uid_t uid;  /* the effective uid it was opened (and checked) for */
	char *path; /* for messages */
};

/* The store root in force: $FILEMAP_ROOT, else /dev/shm/filemap. */
const char *fm__store_root(void);

/*
 * A new reference to namespace ns's directory, created and validated as
 * needed.  Returns 0, FM_ESTORE (unsafe directory, message says why), or
 * -errno.  call names the public call for messages.  A cached directory is
 * returned unchecked: it may have been removed since.
 */
int fm__dir_get(struct fm__dir **out, enum fm__namespace ns, const char *call);

/*
 * After an operation in *dir failed with ENOENT: whether *dir was removed
 * (the store was deleted, and perhaps made anew).  If so, replaces *dir
 * (the caller's reference) by the store's current directory, validated
 * and cached, and returns 1 (try again); 0 when *dir is still in place
 * (the ENOENT stands); or a failure with its message set.
 */
int fm__dir_refresh(struct fm__dir **dir, const char *call);
struct fm__dir *fm__dir_ref(struct fm__dir *d);
void fm__dir_put(struct fm__dir *d);

/* The three kinds of store directory. */
enum fm__dir_kind { FM__DIR_ROOT, FM__DIR_GLOBAL, FM__DIR_LOCAL };

/*
 * Validates an open store directory of kind for effective uid: the root
 * owned by root or uid, and sticky if others may write it; global/ mode
 * 1777 owned by root or by the root's owner (root_owner); local-<uid> mode
 * 0700 owned by uid.  Returns NULL when safe, else why not, which may be
 * written into buf (len bytes): one clause that names the owner and says
 * what to do.
 */
const char *fm__dir_check(const struct stat *st, enum fm__dir_kind kind, uid_t uid,
			  uid_t root_owner, char *buf, size_t len);

/*
 * Opens the existing store directory name under dirfd with flags (O_PATH,
 * so that one we may not read is still judged by its owner; O_RDONLY to
 * read it), never following a symlink, and checks it with fm__dir_check.
 * Returns the descriptor with *st, or -ENOENT, FM_ESTORE or -errno with
 * why (len bytes) saying what is wrong.  Creates nothing: the library's
 * opens and the store walk share it.
 */
int fm__store_dir_open(int dirfd, const char *name, int flags, enum fm__dir_kind kind, uid_t uid,
		       uid_t root_owner, char *why, size_t len, struct stat *st);

/* ------------------------------------------------------------------------
 * header.c: the object header at the start of every object file.
 * ------------------------------------------------------------------------ */

enum fm__type {
	FM__TYPE_SECTION = 1,
	FM__TYPE_MUTEX = 2,
	FM__TYPE_EVENT = 3,
	FM__TYPE_SEMAPHORE = 4,
};

#define FM__MAGIC "FILEMAP\x1a"
/* 2: the header records the object's mode and where its data is
 * (FM__HDR_SHM: a SysV segment), and a sync object's state is a page of its
 * own after the header, or its segment (sync.h).  Format 1 trusted a
 * file-backed header's path blindly and overlaid a sync object's state on
 * its header: its objects, and those of any other version, are refused
 * (FM_ECORRUPT, saying which). */
#define FM__FORMAT_VERSION 2u
/* The name (then the backing path) starts here; the rest of the page and
 * any further pages up to header_size belong to the header. */
#define FM__HEADER_NAME_OFFSET 256u
/* A header's size never exceeds this: the longest name fits well. */
#define FM__HEADER_MAX (FM__HEADER_NAME_OFFSET + FM__NAME_MAX_BYTES + PATH_MAX + 65536u)

/* Header flags. */
#define FM__HDR_RESERVE (1u << 0) /* sparse: FM_SECTION_RESERVE */
#define FM__HDR_FILE    (1u << 1) /* backed by a user's file: the store file is the
				   * header alone, the data is the file at the path
				   * after the name, verified by backing_dev/ino;
				   * an unnamed one's path may be missing */
#define FM__HDR_SHM     (1u << 2) /* the data (a section's bytes, a sync object's
				   * state page) is a SysV shared memory segment,
				   * shm_id; the store file is the header alone */
#define FM__HDR_KNOWN   (FM__HDR_RESERVE | FM__HDR_FILE | FM__HDR_SHM)

/*
 * The fixed part of the header, FM__HEADER_NAME_OFFSET bytes, native byte
 * order (a store never leaves its machine).  Checked field by field on every
 * open, against the file's own fstat.
 */
struct fm__header {
	char magic[8];         /* FM__MAGIC */
	uint32_t version;      /* FM__FORMAT_VERSION */
	uint32_t type;         /* enum fm__type */
	uint32_t header_size;  /* bytes before the data; a multiple of the page size */
	uint32_t flags;        /* FM__HDR_* */
	uint32_t max_access;   /* FM_READ | FM_WRITE | FM_EXEC the object allows */
	uint32_t name_size;    /* bytes of the full name at FM__HEADER_NAME_OFFSET */
	uint64_t size;         /* the exact size the creator asked for */
	uint32_t creator_uid;
	uint32_t creator_pid;
	int64_t created_sec;   /* CLOCK_REALTIME at creation */
	uint32_t created_nsec;
	uint32_t path_size;    /* bytes of the backing file's path after the name */
	uint64_t backing_dev;  /* the backing file's device and inode */
	uint64_t backing_ino;
	uint32_t mode;         /* the object's permission bits, as its creator gave them */
	int32_t shm_id;        /* FM__HDR_SHM: the segment, and its shm_ctime once */
	int64_t shm_ctime;     /* made: with its creator and size, its identity */
	uint64_t ipc_ns;       /* the inode of the IPC namespace it lives in */
	/* Unused (zero).  A sync object's state is not here: it is the page
	 * after the header, or its segment (sync.h), so that no holder maps
	 * the header. */
	uint8_t reserved[152];
};
_Static_assert(sizeof(struct fm__header) == FM__HEADER_NAME_OFFSET, "header layout");

/* The header bytes a name and backing path need, rounded up to pages. */
uint32_t fm__header_size(size_t name_size, size_t path_size);

/*
 * Reads and validates the header of the object file open at fd, whose fstat
 * is st.  On success *hdr is filled and, if name_out is not NULL, *name_out
 * gets the full name (malloc'd, NUL-terminated).  Returns 0, FM_ECORRUPT
 * with *why saying what failed, or -errno.
 */
int fm__header_read(int fd, const struct stat *st, struct fm__header *hdr,
		    char **name_out, const char **why);

/*
 * The same for the object of the full name name (name_len bytes, no NUL),
 * in one read when the header does hold that name.  Returns 0; 1 when the
 * header is sound but holds another name; FM_ECORRUPT with *why; -errno.
 */
int fm__header_read_named(int fd, const struct stat *st, struct fm__header *hdr,
			  const char *name, size_t name_len, const char **why);

/*
 * Reads the backing file's path of a file-backed section's header (hdr, as
 * header_read gave it) from the object file at fd: absolute, without a NUL.
 * Returns 0 with *path_out malloc'd, FM_ECORRUPT with *why, or -errno.
 */
int fm__header_read_path(int fd, const struct fm__header *hdr, char **path_out,
			 const char **why);

/* Whether a header_read failure (its *why) still looked like a filemap
 * object: false for a bad magic or a file too short to tell. */
bool fm__header_is_ours(const char *why);

/* How many bytes of a caller's versioned struct of `size` bytes the library
 * may use: only whole fields, of those listed by their end offsets. */
size_t fm__struct_fit(uint32_t size, const size_t *field_ends, size_t count);

/* ------------------------------------------------------------------------
 * lockwait.c: locks that other processes hold.
 * ------------------------------------------------------------------------ */

/*
 * Takes LOCK_SH on fd, trying again for a bounded time (a few seconds)
 * while another description holds LOCK_EX, never blocking.  Returns 0,
 * -EBUSY when the exclusive holder stayed (no remover does), or -errno.
 */
int fm__lock_shared(int fd);

/* One granted flock() lock, as /proc/locks lists it. */
struct fm__proc_lock {
	pid_t pid;
	unsigned major, minor; /* the file's device */
	uint64_t ino;
	bool exclusive;        /* LOCK_EX */
};

/* Parses a line of /proc/locks; false for anything but a granted FLOCK. */
bool fm__proc_lock_parse(const char *line, struct fm__proc_lock *out);

/* Names who holds LOCK_EX on the file st, for a message: "uid N (pid P)",
 * or "another process" when /proc does not tell.  Returns buf. */
const char *fm__lock_holder(const struct stat *st, char *buf, size_t len);

/* ------------------------------------------------------------------------
 * object.c: the lifetime of named objects (DESIGN.md "Lifetime").
 * ------------------------------------------------------------------------ */

struct fm__hold; /* hold.c */

/*
 * One handle of an object file.  A named object's handle uses its
 * process's hold on it (hold.c), one locked description that the process's
 * handles of the object share; fd is then the handle's own number for it
 * (fm_section_fd), or -1 until it needs one: fm__object_fd() gives a
 * descriptor either way.  dir and file say where its name is.  An unnamed
 * object has no hold, dir == NULL, and fd is its own description.
 */
struct fm__object {
	_Atomic int fd;
	struct fm__hold *hold;
	struct fm__object *hold_prev, *hold_next; /* the hold's handles (hold.c) */
	struct fm__dir *dir;
	char *file;     /* the file name in dir (in name's allocation), or NULL */
	char *name;     /* the full name (malloc'd, with file after it), or NULL */
	dev_t dev;      /* the object file's identity (0 for an unnamed */
	ino_t ino;      /* file-backed section's, which has none here) */
	uid_t owner;    /* the object file's owner: whom its header speaks for */
	struct fm__header hdr;
	/* FM__HDR_SHM: this handle's attachment of the data, read-write if
	 * shm_write, and a read-only one made on first use (fm__object_shm_ro);
	 * both fm__shm_length(&hdr) long.  NULL otherwise. */
	void *shm;
	bool shm_write;
	_Atomic(void *) shm_ro;
};

/* What to build when creating. */
struct fm__object_spec {
	uint32_t type;
	uint32_t max_access;
	uint32_t flags;     /* FM__HDR_* */
	uint64_t size;      /* data bytes after the header */
	mode_t mode;        /* permission bits of a named object */
	bool reserve;       /* sparse: do not reserve the data's memory */
	/* Runs on the new file (fd, open read-write, with its header) before
	 * anyone else can see it, with its data's segment attached read-write
	 * at shm (NULL: the data is in the file); NULL for none.  Returns 0 or
	 * -errno. */
	int (*init)(int fd, void *shm, void *arg);
	void *init_arg;
	/* A file-backed section (FM__HDR_FILE): where its data is.  Its store
	 * file holds only the header, with this path. */
	const char *path;   /* absolute; NULL for an unnamed section of a file
			     * that has none (deleted), which cannot be adopted */
	uint64_t dev, ino;
	/* Runs once a named create knows the name is absent, before it builds
	 * the object; NULL for none.  With it, create looks for the name
	 * first, so that a name that exists changes nothing (a file-backed
	 * section grows the caller's file here).  Returns 0, or a failure
	 * with its message set. */
	int (*prepare)(void *arg);
	void *prepare_arg;
};

/*
 * Creates an object named name (NULL: unnamed), or opens the existing one
 * of that name with open_flags (O_RDONLY or O_RDWR).  Returns 0 (new) or
 * FM_EXISTED with *out filled, or a failure code with its message set.
 */
int fm__object_create(struct fm__object *out, const struct fm__name *name,
		      const struct fm__object_spec *spec, int open_flags,
		      const char *call);

/* Opens an existing named object with open_flags.  expected_type 0: any. */
int fm__object_open(struct fm__object *out, const struct fm__name *name,
		    int open_flags, uint32_t expected_type, const char *call);

/* Another handle on the same object: of the same hold when open_flags is
 * its descriptor's mode, else a new description, locked shared. */
int fm__object_dup(struct fm__object *out, struct fm__object *o, int open_flags,
		   const char *call);

/* A descriptor of the handle's object file: its own number, or its
 * hold's.  Stays the handle's (never close it). */
int fm__object_fd(const struct fm__object *o);

/*
 * The handle's own descriptor number (fm_section_fd, fm_sync_fd): the
 * hold's when no other handle has taken it, else a dup.  share: the
 * descriptor may leave the process (exec, a socket), so the hold becomes
 * shared (hold.c).  Returns it, or a failure with its message set.
 */
int fm__object_own_fd(struct fm__object *o, bool share, const char *call);

/*
 * Makes a handle of the object file open at fd (say, inherited across
 * exec), taking ownership of fd on success.  A descriptor that is not a
 * filemap object is -EBADF.  access (FM_* bits) says what the handle's
 * data must allow; 0: as much as it can have.  Once the caller keeps the
 * handle, fm__object_adopted(out, fd's open mode) makes it a holder's
 * (until then a release leaves the name alone).
 */
int fm__object_adopt(struct fm__object *out, int fd, uint32_t expected_type, unsigned access,
		     const char *call);
void fm__object_adopted(struct fm__object *o, int mode);

/*
 * A new description of the object's file with open flags, holding no lock:
 * by its name when that still leads to the file, else through
 * /proc/self/fd.  Returns the descriptor or -errno.
 */
int fm__object_reopen(const struct fm__object *o, int flags);

/* The same for the file dev:ino named file in dir (NULL: unnamed) and
 * open at fd. */
int fm__file_reopen(const struct fm__dir *dir, const char *file, dev_t dev, ino_t ino, int fd,
		    int flags);

/* Releases a handle; the last one out of a named object removes its name. */
void fm__object_release(struct fm__object *o);

/*
 * A read-only attachment of a segment-backed object's data, for views that
 * must never become writable: o->shm when the handle is read-only, else
 * one attached on first use.  NULL when the object's mode denies even its
 * owner reading (its creator then has only the read-write one).
 */
void *fm__object_shm_ro(struct fm__object *o);

/*
 * If nobody holds the object file open at fd (named file in dir), removes
 * its name.  Takes LOCK_EX|LOCK_NB on fd, which must be a description of
 * this process's own that holds no lock.  Returns 1 removed, 0 held or not
 * a regular file (left alone), or a failure (-EACCES: sticky directory,
 * another user's file).
 */
int fm__object_remove_if_unheld(int dirfd, const char *file, int fd);

/* The same once LOCK_EX is held on fd: removes the name if the file is
 * still linked (under it: names are never reused while linked). */
int fm__object_remove_locked(int dirfd, const char *file, int fd);

/* ------------------------------------------------------------------------
 * hold.c: this process's holds on named objects, and its table of them.
 * ------------------------------------------------------------------------ */

/*
 * One open description of a named object's store file with LOCK_SH on it:
 * this process's share of the name, used by every handle of the object
 * that the process has with the same open mode (hold.c says how).
 */
struct fm__hold {
	/* Set when made, then constant. */
	struct fm__dir *dir;       /* where the name is (a reference) */
	dev_t dev;                 /* the store file's identity */
	ino_t ino;
	uid_t owner;               /* and owner */
	struct fm__header hdr;     /* as the first open read and checked it */
	int mode;                  /* fd's open mode: O_RDONLY or O_RDWR */
	uint32_t hash;             /* of file, for the table (hold.c) */
	bool findable;             /* opens by name of file may join it */
	int fd;                    /* the locked description; the number stays,
				    * what it refers to moves only in a split */
	/* fm__global.lock guards the rest. */
	long views;                /* views that map fd's description */
	long refs;                 /* handles and views: freed at 0 */
	unsigned long forks;       /* fm__global.forks when it was made */
	bool escaped;              /* its description may be in another process */
	struct fm__object *fd_user; /* the handle whose own number fd is, or NULL */
	struct fm__object *users;  /* its handles */
	struct fm__hold *prev, *next; /* every hold that has handles */
	struct fm__hold *chain;    /* the table's bucket */
	_Atomic int map_fd;        /* shared: an unlocked description views map,
				    * opened on first use; -1 */
	char file[];               /* the file name in dir */
};

/* A new, unused hold for file, made before anything is locked or linked
 * so that nothing fails after; NULL without memory.  Freed with free()
 * while unused. */
struct fm__hold *fm__hold_alloc(const char *file);

/*
 * Puts the handle o, whose fd is open with mode and carries LOCK_SH and
 * whose dir, dev, ino, owner and hdr are set, in its new hold o->hold
 * (from fm__hold_alloc), which takes o->fd as its own.  escaped: the
 * descriptor may be in another process already (adopted).  Cannot fail.
 */
void fm__hold_start(struct fm__object *o, int mode, bool escaped);

/* Makes the prepared handle out (its file and name set) another handle of
 * h, which a handle of the caller's uses: no descriptor of its own yet,
 * and h's dir, identity, owner and header. */
void fm__hold_join(struct fm__object *out, struct fm__hold *h);

/* The same for the findable hold of file in dir with open mode, if this
 * process has one: that hold, with out its handle, or NULL with out
 * unchanged.  One round of the lock. */
struct fm__hold *fm__hold_join_name(struct fm__object *out, const struct fm__dir *dir,
				    const char *file, int mode);

/* Gives o (a handle of a hold) its own descriptor number; share as
 * fm__object_own_fd says.  Returns it or -errno. */
int fm__hold_own_fd(struct fm__object *o, bool share);

/* Ends o's use of its hold; the last handle out of the process asks
 * whether it is the last one out of every process and removes the name if
 * so (hold.c). */
void fm__hold_release(struct fm__object *o);

/*
 * Views of a store-memory section.  fm__hold_map_begin() is called before
 * a view of o's hold is mapped and fm__hold_map_end() after, success or
 * not: between them the hold's descriptors stay what they are.  The
 * descriptor to map with o's access (mode O_RDONLY or O_RDWR): the hold's
 * own while it is private, counted in its views (*counted = the hold:
 * call fm__hold_view_gone when the view goes, or fails); else an
 * unlocked description of the file (*counted = NULL).  Returns it or
 * -errno.
 */
void fm__hold_map_begin(void);
void fm__hold_map_end(void);
int fm__hold_view_fd(struct fm__object *o, struct fm__hold **counted);
void fm__hold_view_gone(struct fm__hold *h);

/* pthread_atfork's: before a fork, every hold whose description a view
 * maps moves its lock to a new description, and every hold becomes
 * shared (its generation); after, in the parent and in the child. */
void fm__holds_before_fork(void);
void fm__holds_after_fork(bool child);

/* Opens a store file for inspection: no locks, never blocks, no symlinks. */
int fm__object_open_file(int dirfd, const char *file, int flags);

/* ------------------------------------------------------------------------
 * shm.c: the data of objects other users may map, in SysV shared memory.
 * ------------------------------------------------------------------------ */

/* Whether a new object's data goes into a segment: a Global\ object
 * (not file-backed) whose mode lets group or others in. */
bool fm__shm_wanted(const struct fm__name *name, const struct fm__object_spec *spec);

/* The bytes of the segment of header h, and its length mapped. */
size_t fm__shm_size(const struct fm__header *h);
size_t fm__shm_length(const struct fm__header *h);

/* The inode of this process's IPC namespace. */
int fm__ipc_namespace(uint64_t *out);

/* A new object's segment, as its creator has it. */
struct fm__shm_new {
	int id;
	void *rw;        /* attached read-write */
	void *ro;        /* attached read-only (only when made for a reader) */
	size_t len;      /* the attachments' length */
	int64_t ctime;   /* the segment's shm_ctime, for the header */
	uint64_t ipc_ns;
};

/*
 * Makes a segment of size bytes with permission bits mode, marked for
 * removal, attached read-write (and read-only too unless write), its pages
 * taken unless reserve.  Returns 0, or a failure with its message set
 * (-ENOSPC: a system limit or memory, named).
 */
int fm__shm_create(struct fm__shm_new *n, uint64_t size, mode_t mode, bool reserve, bool write,
		   const char *label, const char *call);

/* Detaches what fm__shm_create attached; the segment goes with its last. */
void fm__shm_discard(struct fm__shm_new *n);

/*
 * Attaches the segment of header h (whose store file owner owns) read-write
 * or read-only, once checked to be the one owner made.  Returns 0 with
 * *out; -EIDRM, without a message, when it is gone (every process that
 * had it attached left); or a failure with its message set (-EACCES by
 * its mode, FM_ECORRUPT, -ENOTSUP from another IPC namespace).
 */
int fm__shm_attach(void **out, const struct fm__header *h, uid_t owner, bool write,
		   const char *label, const char *call);

/* Another mapping of the len shared bytes at from (at a fixed address if
 * at is not NULL, replacing what is there), with from's protection. */
int fm__shm_dup(void **out, void *from, size_t len, void *at);

/* A segment a creator killed before it marked it left behind. */
struct fm__shm_leak {
	int id;
	uint32_t key;
	uid_t owner;
	pid_t creator;
	size_t size;
};

/*
 * Removes the segments creators killed between shmget and IPC_RMID left
 * in this IPC namespace (the caller's own; as root, everyone's), calling
 * removed for each.  Returns how many, or a negative error from SHM_INFO.
 */
int fm__shm_sweep(void (*removed)(const struct fm__shm_leak *leak, void *arg), void *arg);

/* ------------------------------------------------------------------------
 * file.c: the user's file behind a file-backed section.
 * ------------------------------------------------------------------------ */

/* What create learns about the caller's file before it builds anything. */
struct fm__backing {
	int fd;            /* the caller's descriptor: checked, never closed */
	char *path;        /* where others open it (named sections), or NULL */
	struct stat st;    /* the file when create looked at it */
	uint64_t grown_to; /* the size create grew it to, or 0 */
};

/*
 * Checks that the caller's fd can back a section with access (FM_* bits)
 * of *size bytes (0: the file's size, filled in), that its file system
 * can map it, and, when named, that its path leads back to it (unnamed,
 * b->path is that path when there is one, else NULL).  Changes nothing.  Returns 0 or a failure with its message set; release b either
 * way with fm__backing_release.
 */
int fm__backing_check(struct fm__backing *b, int fd, uint64_t *size, unsigned access,
		      bool named, const char *label, const char *call);

/* Grows the file to size if it is shorter, taking its blocks now unless
 * reserve.  Returns 0 or a failure (the file unchanged) with its message. */
int fm__backing_grow(struct fm__backing *b, uint64_t size, bool reserve, const char *label,
		     const char *call);

/* After a later failure: shrinks a file create grew back to its old size,
 * if nobody changed its size since. */
void fm__backing_undo(struct fm__backing *b);
void fm__backing_release(struct fm__backing *b);

/*
 * Opens the backing file of the named file-backed section held by o, by
 * the path in its header, with open_flags; it must still be the file the
 * creator used (device and inode) and hold the whole section.  Returns the
 * descriptor, or -ESTALE, -EACCES, ... with its message set.
 */
int fm__backing_open(const struct fm__object *o, int open_flags, const char *call);

/* ------------------------------------------------------------------------
 * section.c / view.c
 * ------------------------------------------------------------------------ */

struct fm_section {
	struct fm__object obj; /* the handle's hold on the object file */
	int map_fd;            /* a file-backed section's: the user's file, which
			        * views map; an unnamed read-only handle's: a
			        * read-only description; else -1 (views map the
			        * hold's description, or an unnamed one's own) */
	uint64_t data_offset;  /* where the data starts in the file views map:
			        * header_size, or 0 for a user's file */
	unsigned access;       /* this handle's access: FM_READ|FM_WRITE|FM_EXEC */
	_Atomic int ro_fd;     /* a read-only description for the read-only views
			        * of a writable handle, opened on first use; -1 */
	/* A reserve section's: the descriptions its read-only [0] and writable
	 * [1] views share for commit.c, while some view has it; NULL.  Under
	 * fm__global.lock. */
	struct fm__commit_fd *commit_fd[2];
};

/* Whether the section's data is a user's file (no header before it). */
static inline bool fm__section_is_file(const fm_section *s)
{
	return s->obj.hdr.flags & FM__HDR_FILE;
}

/* Whether the section's data is a shared memory segment (shm.c): views map
 * the handle's attachments, s->obj.shm and fm__object_shm_ro(). */
static inline bool fm__section_is_shm(const fm_section *s)
{
	return s->obj.hdr.flags & FM__HDR_SHM;
}

/*
 * The descriptor a view with view_access maps from, called between
 * fm__hold_map_begin() and fm__hold_map_end().  A view without FM_WRITE
 * always maps from a read-only description, so that mprotect() cannot make
 * it writable later.  *counted: the hold whose views count the view
 * (fm__hold_view_gone when it goes), or NULL.  Returns the descriptor, or
 * a failure with its message.
 */
int fm__section_view_fd(fm_section *s, unsigned view_access, struct fm__hold **counted,
			const char *call);

/* FM_WRITE implies FM_READ. */
static inline unsigned fm__access_normalize(unsigned access)
{
	return access & FM_WRITE ? access | FM_READ : access;
}

/*
 * A description of a reserve section's file that commit.c commits pages
 * through and asks which have memory.  Views outlive their handle, so each
 * view keeps one; the views of one handle and one access share it, so
 * that a process may have as many views as mappings, not as descriptors.
 * It goes with the last of those views.
 */
struct fm__commit_fd {
	int fd;
	unsigned refs;                    /* its views; under fm__global.lock */
	struct fm__commit_fd **in_handle; /* the handle's slot, until it closes */
};

/* The handle's shared description for a view with view_access, made from
 * fd (the one it maps) if no view has one, with one more reference: the
 * view's.  NULL with errno's code in *err when it cannot be made. */
struct fm__commit_fd *fm__commit_fd_take(fm_section *s, unsigned view_access, int fd, int *err);

/* A view drops its reference to c (NULL: none); the last closes it. */
void fm__commit_fd_put(struct fm__commit_fd *c);

/* The closing handle s lets its views' descriptions go their own way. */
void fm__commit_fd_forget(fm_section *s);

/* What commit.c needs of the view that contains an address. */
struct fm__view_pages {
	uintptr_t base;       /* page-aligned */
	size_t map_len;       /* whole pages */
	size_t length;        /* exact */
	uint64_t file_offset; /* where the view starts in the file it maps */
	int fd;               /* the caller's own copy of a reserve section's
			       * file description (close it), else -1 */
	void *pages;          /* for a reserve section in a segment, the caller's
			       * own read-only mapping of the view's map_len
			       * bytes (unmap it), else NULL */
	unsigned access;      /* as fm_view_query reports it */
};

/* Fills out for the view containing addr.  Returns 0, -EFAULT (in no
 * view) or a failure to copy the descriptor or the pages, with the
 * message set. */
int fm__view_pages(struct fm__view_pages *out, const void *addr, const char *call);

/* ------------------------------------------------------------------------
 * list.c, inspect.c, holders.c: looking at the store from outside, for
 * fm_store_list and the tool.  Nothing here creates, holds, locks or
 * removes anything.
 * ------------------------------------------------------------------------ */

/* One directory entry of a namespace directory, as a walk finds it. */
struct fm__entry {
	enum fm__namespace ns;
	uid_t owner;          /* the uid of local-<uid>; for global/, -1 */
	int dirfd;
	const char *dir_path; /* "<root>/local-<uid>" or "<root>/global" */
	const char *file;
	struct stat st;       /* the entry itself, not followed */
	bool type_only;       /* st holds only the type, from readdir: a regular
			       * file is stat'ed by fm__inspect, through the
			       * descriptor it opens (one system call fewer) */
};

/*
 * A walk over the namespace directories of the store in force, without
 * creating anything: the caller's local-<uid> (for root, every local-*)
 * and global/, as namespaces (FM_NAMESPACE_* bits; 0: none) asks; or, when
 * one is not NULL, only the file one of the caller's directory of the one
 * namespace asked.  Every directory is checked as the library checks it.
 */
struct fm__walk;

int fm__walk_open(struct fm__walk **out, unsigned namespaces, const char *one);
/*
 * The next entry: 1 with *e filled (valid until the next call), 0 at the
 * end, or a failure with its message set (call names the caller): a
 * directory that is unsafe (FM_ESTORE) or cannot be read (-EMFILE, ...),
 * which the walk then leaves; the next call goes on with the next one.
 */
int fm__walk_next(struct fm__walk *w, struct fm__entry *e, const char *call);
/*
 * Makes fm__walk_next return FM__WALK_DIR_END at the end of each directory
 * (and after a failure) instead of going on: the entries handed out so far
 * stay valid (their dirfd open, their dir_path allocated) until the next
 * call, for a caller that inspects them in another thread.
 */
#define FM__WALK_DIR_END 2
void fm__walk_pause(struct fm__walk *w);
void fm__walk_close(struct fm__walk *w);

enum fm__inspect_state {
	FM__INSPECT_SOUND,      /* the header is valid and names this file */
	FM__INSPECT_CORRUPT,    /* the file fails validation: problem says why */
	FM__INSPECT_UNREADABLE, /* the caller may not open it (its mode) */
	FM__INSPECT_GONE,       /* removed while we looked */
	FM__INSPECT_FAILED,     /* could not be looked at (error: -EMFILE, ...) */
};

/* What inspecting an entry found. */
struct fm__inspection {
	enum fm__inspect_state state;
	int error;             /* 0, FM_ECORRUPT, or the -errno that stopped us */
	const char *problem;   /* why not SOUND, in words; lives as long as this */
	int fd;                /* open for reading and holding no lock, or -1 */
	struct stat st;        /* of the open file, else of the entry */
	bool typed;            /* hdr is sound: type and size are known (also for
				* a sync object whose state is corrupt) */
	struct fm__header hdr; /* valid when typed */
	struct fm_sync_info sync; /* a sync object's state, when SOUND */
	int32_t waiters;          /* and its waiters (fm__inspect_waiters) */
	char *name;            /* the full name; NULL when unknown (hashed) */
	char why[96];          /* where a composed problem is kept */
	char *backing;         /* a sound file-backed section's file path, or NULL */
};

/* Inspects e without a lock; never fails (see o->state and o->problem). */
void fm__inspect(struct fm__inspection *o, const struct fm__entry *e);
void fm__inspection_free(struct fm__inspection *o);

/* A sound sync object's waiters, as struct fm_object_info's waiters says. */
int32_t fm__inspect_waiters(const struct fm__inspection *o);

/*
 * How a file-backed section's file (o->backing) is now, as an opener would
 * find it: FM_BACKING_PRESENT, _MISSING, _REPLACED or _TRUNCATED (the last
 * three make openers fail with ESTALE).  *st gets the file's stat when it
 * has one.
 */
int fm__backing_state(const struct fm__inspection *o, struct stat *st);

/*
 * lookahead.c: the walk's entries inspected ahead of the caller, in a
 * second thread when the machine has more than one CPU, and handed out in
 * the walk's order.  At most FM__AHEAD_SLOTS entries are held at a time,
 * so a listing still streams.
 */
struct fm__ahead;
#define FM__AHEAD_SLOTS 128

/* Takes the walk w (closed by fm__ahead_close); keep (may be NULL) says
 * which entries are worth inspecting.  0 or -ENOMEM. */
int fm__ahead_open(struct fm__ahead **out, struct fm__walk *w,
		   bool (*keep)(const struct fm__entry *e, const void *arg), const void *arg);
/*
 * The next entry kept and its inspection: 1 with *e and *o (valid until the
 * next call), 0 at the end, or the walk's failure with its message set.
 */
int fm__ahead_next(struct fm__ahead *a, const struct fm__entry **e, struct fm__inspection **o,
		   const char *call);
void fm__ahead_close(struct fm__ahead *a);

/* A holder of the object file dev:ino: a process that has it open, or
 * (from /proc/locks) that took a FLOCK lock on it. */
struct fm__holder {
	uint64_t ino;
	uint32_t dev; /* as the kernel keeps it: major << 20 | minor */
	pid_t pid;
};

/* Every holder of every regular file on the store's file system, sorted by
 * file then pid, each pid once a file. */
struct fm__holders {
	struct fm__holder *v;
	size_t n;
	bool known; /* false when /proc could not be read */
};

/* Finds the holders once: 0, or -EIO (/proc unreadable, l->known false). */
int fm__holders_load(struct fm__holders *l);
void fm__holders_free(struct fm__holders *l);

/* The holders of st's file: returns how many, *first the first of them. */
size_t fm__holders_find(const struct fm__holders *l, const struct stat *st,
			const struct fm__holder **first);

/* ------------------------------------------------------------------------
 * Process-global state (global.c): one struct, one lock.
 * ------------------------------------------------------------------------ */

struct fm__view; /* view.c */

struct fm__global {
	/* Guards every field below.  Held only for memory work, never across
	 * a system call that can block.  fork() takes it (pthread_atfork), so a
	 * child never inherits it held. */
	pthread_mutex_t lock;
	struct fm__dir *dirs[FM__NS_COUNT]; /* cached namespace directories */
	char *dirs_root;                    /* the root they were opened under */
	uid_t dirs_uid;                     /* and the effective uid (Local\ differs) */
	void *views;                        /* tsearch tree of struct fm__view */
	size_t view_count;
	void *sync_maps;                    /* tsearch tree of struct fm__sync_map */
	struct fm__hold *holds;             /* every hold with handles (hold.c) */
	struct fm__hold **hold_table;       /* the findable ones, by file name */
	size_t hold_buckets, hold_count;
	unsigned long forks;                /* forks this process made (or its
					     * parent, before it was born) */
	/* Not guarded by lock: keeps the holds' descriptor numbers still.
	 * Read-held while one is used or handed out, write-held while a split
	 * re-points them, and across fork (hold.c); a child takes a new
	 * one. */
	pthread_rwlock_t *fds;
};

extern struct fm__global fm__global;
void fm__global_lock(void);
void fm__global_unlock(void);

/* The system page size, cached. */
size_t fm__page_size(void);

/* The CPUs online, asked once (at least 1). */
int fm__cpu_count(void);

/* Starts a library thread running fn(arg), with every signal blocked in it
 * (a signal meant for the program reaches one of its own threads).
 * Returns whether it started. */
bool fm__thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

/* calloc(1, size) for the handles an open makes and a close frees: glibc's
 * calloc never takes from its per-thread cache, so freed handles would pile
 * up there and each calloc and free go the slow way. */
void *fm__zalloc(size_t size);

static inline uint64_t fm__round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

#endif /* FM_INTERNAL_H */
