/* SPDX-License-Identifier: MIT */
/*
 * tool.h - what the verbs of the filemap tool share.
 *
 * The tool is main.c's table of verbs and one cmd_<verb>.c a verb.  They
 * share command-line parsing (options, sizes with K/M/G/T suffixes, object
 * names), error lines that say what to do, walking the store and inspecting
 * the objects in it, and the table of who holds what, made once from
 * /proc (locks.c).  The tool links the static library and uses its internals
 * (fm__*): it is the one program that looks into the store from outside the
 * API, to list it, inspect it and clean it up.
 */
#ifndef FM_TOOL_H
#define FM_TOOL_H

#include "internal.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Exit codes (filemap.1 lists them). */
enum tool_exit {
	TOOL_OK = 0,        /* success */
	TOOL_FAILED = 1,    /* the operation failed */
	TOOL_USAGE = 2,     /* bad usage */
	TOOL_ABSENT = 3,    /* no object of that name */
	TOOL_TIMEOUT = 4,   /* wait: the timeout passed first */
	TOOL_ABANDONED = 5, /* wait: got a mutex whose owner died holding it */
	TOOL_HELP = -1,     /* not an exit code: the verb was asked for --help */
};

/* The verbs.  argv[0] is the verb itself. */
int cmd_ls(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_gc(int argc, char **argv);
int cmd_signal(int argc, char **argv);
int cmd_wait(int argc, char **argv);

/* ------------------------------------------------------------------------
 * tool.c: arguments and errors.
 * ------------------------------------------------------------------------ */

/* The verb being run, for messages ("filemap cat: ..."); NULL before. */
extern const char *tool_verb;

/* Prints one line to stderr: "filemap VERB: " + the message. */
void tool_error(const char *fmt, ...) FM__PRINTF(1, 2);

/*
 * Reports a failed library call from fm_last_error_message(), with a hint
 * of what to do, and returns the exit code: TOOL_ABSENT for -ENOENT, else
 * TOOL_FAILED.
 */
int tool_lib_failure(int code);

/* Reports that name has no object, and returns TOOL_ABSENT. */
int tool_absent(const char *name);

enum tool_opt_kind {
	TOOL_OPT_FLAG,   /* bool: present or not */
	TOOL_OPT_SIZE,   /* uint64_t: a size, K/M/G/T suffixes allowed */
	TOOL_OPT_MODE,   /* uint32_t: octal permission bits */
	TOOL_OPT_NUMBER, /* uint64_t: decimal digits only, below UINT64_MAX */
	TOOL_OPT_TEXT,   /* const char *: any text, e.g. a path */
};

struct tool_opt {
	const char *name; /* without the leading "--"; NULL ends a table */
	enum tool_opt_kind kind;
	void *value;
};

/*
 * Parses argv (argv[0] is the verb): options from opts, anywhere, as
 * "--name VALUE" or "--name=VALUE", and as many positional arguments as the
 * words of positional ("NAME SIZE", or "" for none) into pos; a word in
 * brackets ("NAME [SIZE]") may be left out, and its pos is then NULL.
 * "--" ends the options, so a name may start with '-'.  Returns TOOL_OK,
 * TOOL_HELP (for --help or -h) or TOOL_USAGE, having said why.
 */
int tool_parse_args(int argc, char **argv, const struct tool_opt *opts, const char *positional,
		    char **pos);

/* A size or offset: decimal digits, then optionally K, M, G or T (powers
 * of 1024, either case).  Returns 0, or -1 for bad text or overflow. */
int tool_parse_size(const char *text, uint64_t *out);

/* Parses an object name for the tool's own use.  Returns TOOL_OK, or
 * TOOL_USAGE / TOOL_FAILED having said why. */
int tool_parse_name(struct fm__name *out, const char *name);

/* Writes s for a terminal: control characters as \xHH. */
void tool_print_text(FILE *f, const char *s);

/*
 * Catches SIGBUS while touching a view, which means the object's memory
 * could not be provided (a sparse section in a full store, or a store file
 * someone truncated): says so and exits with TOOL_FAILED.
 */
void tool_catch_sigbus(void);

/*
 * Maps [offset, offset + length) of s, length > 0, from the page at or below
 * offset, since views start on pages but users need not.  *data points at
 * offset; fm_view_unmap(*data) unmaps it.  Returns 0 or a library failure.
 */
int tool_map(fm_section *s, uint64_t offset, size_t length, unsigned access,
	     unsigned char **data);

/*
 * For cat and write: parses the command line (options opts, one NAME) and
 * opens the section so named with access.  Returns TOOL_OK with *s open
 * and *name parsed (close and free both), or an exit code having said why.
 */
int tool_open_section(fm_section **s, struct fm__name *name, int argc, char **argv,
		      const struct tool_opt *opts, unsigned access);

/*
 * Checks that [offset, offset + length) lies within the section name of
 * size bytes.  Returns TOOL_OK, or TOOL_FAILED having said why.
 */
int tool_check_range(const char *name, uint64_t size, uint64_t offset, uint64_t length);

/* ------------------------------------------------------------------------
 * walk.c: walking the store and inspecting its objects.
 * ------------------------------------------------------------------------ */

/* One directory entry found in a namespace directory. */
struct tool_entry {
	enum fm__namespace ns;
	uid_t owner;          /* the uid of local-<uid>; for global/, -1 */
	int dirfd;
	const char *dir_path; /* "<root>/local-<uid>" or "<root>/global" */
	const char *file;
	struct stat st;       /* the entry itself, not followed */
	bool type_only;       /* st holds only the type, from readdir: a regular
			       * file is stat'ed by tool_inspect, through the
			       * descriptor it opens (one system call fewer) */
};

enum tool_state {
	TOOL_SOUND,      /* the header is valid and names this file */
	TOOL_CORRUPT,    /* the file fails validation: problem says why */
	TOOL_UNREADABLE, /* the file cannot be opened (another user's mode) */
	TOOL_GONE,       /* removed while we looked */
};

/* What inspecting an entry found. */
struct tool_object {
	enum tool_state state;
	const char *problem;   /* why CORRUPT or UNREADABLE; text that lives
				* as long as the object */
	int fd;                /* open for reading and holding no lock, or -1 */
	struct stat st;        /* of the open file, else of the entry */
	bool typed;            /* hdr is sound: its type and size are known
				* (also for a sync object whose state is corrupt) */
	struct fm__header hdr; /* valid when typed */
	struct fm_sync_info sync; /* a sync object's state, when SOUND */
	char *name;            /* the full name; NULL when unknown (hashed) */
	char why[96];          /* where a composed problem is kept */
	char *backing;         /* a sound file-backed section's file path, or NULL */
};

/* The object's permission bits: as its creator gave them (its header) when
 * the header is sound, else its store file's. */
unsigned tool_object_mode(const struct tool_object *o);

/*
 * Visits one entry; returns TOOL_OK or TOOL_FAILED (remembered, walking
 * goes on).
 */
typedef int (*tool_visit_fn)(const struct tool_entry *e, void *arg);

/*
 * Visits every entry of the caller's local-<uid> directory (for root, of
 * every local-* directory) and of global/, under fm__store_root(), in
 * directory order, without creating anything.  A directory that is unsafe
 * or unreadable is reported and skipped.  Returns TOOL_OK or TOOL_FAILED.
 */
int tool_walk_store(tool_visit_fn fn, void *arg);

/*
 * For a verb whose only argument is NAME: parses the command line, then
 * finds the entry of the object so named in the caller's store, without
 * creating anything; fills *parsed and *e (release both with
 * tool_entry_close).  Returns TOOL_OK, or TOOL_HELP, TOOL_ABSENT,
 * TOOL_USAGE or TOOL_FAILED having said why.
 */
int tool_find(struct tool_entry *e, struct fm__name *parsed, int argc, char **argv);
/* parsed may be NULL: it is then left to the caller. */
void tool_entry_close(struct tool_entry *e, struct fm__name *parsed);

/* tool_find for a name already parsed; parsed stays the caller's, also on
 * failure (pass NULL to tool_entry_close to keep it). */
int tool_lookup(struct tool_entry *e, struct fm__name *parsed);

/* Inspects e; never fails (what went wrong is o->state and o->problem). */
void tool_inspect(struct tool_object *o, const struct tool_entry *e);
void tool_object_free(struct tool_object *o);

/*
 * How a file-backed section's file (o->backing) is now, as an opener would
 * find it: "present", "missing", "replaced" or "truncated" (the last three
 * make openers fail with ESTALE).  *st gets the file's stat when it has one.
 */
const char *tool_backing_state(const struct tool_object *o, struct stat *st);

/* "section", "mutex", "event", "semaphore", or "?". */
const char *tool_type_name(uint32_t type);

/* The same with its article, for messages: "a mutex", "an event". */
const char *tool_a_type(uint32_t type);

/* ------------------------------------------------------------------------
 * syncobj.c: what signal, wait, ls and stat share about sync objects.
 * ------------------------------------------------------------------------ */

/*
 * Finds the object named name and says what type it is, without holding it
 * (so that a verb can refuse a type it has no use for, and say which type
 * it found).  Returns TOOL_OK with *type set, or TOOL_ABSENT or
 * TOOL_FAILED having said why (corrupt, unreadable).
 */
int tool_peek_type(uint32_t *type, struct fm__name *name);

/*
 * Reports a failed create or open of name as an object of type wanted:
 * for FM_ETYPE, names the type the name holds; else as tool_lib_failure.
 * Returns the exit code.
 */
int tool_type_failure(int code, struct fm__name *name, uint32_t wanted);

/* Opens the sync object name of type (a mutex, an event or a semaphore).
 * Returns TOOL_OK, or an exit code having said why. */
int tool_open_sync(fm_sync **out, uint32_t type, const char *name);

/* A sync object's state in one word-like token for ls ("free",
 * "owner=PID/TID", "signaled,auto", "count=3/5"). */
void tool_sync_brief(char *buf, size_t len, const struct fm_sync_info *info);

/*
 * Waits on o for up to timeout_ns (FM_INFINITE: forever), as fm_sync_wait,
 * in slices between which it looks for the signals of set (blocked by the
 * caller): one that arrives before the wait succeeds closes o and ends the
 * process by that signal, as its default action would, never after the
 * object was taken.  Returns what fm_sync_wait returned.
 */
int tool_wait_sliced(fm_sync *o, uint64_t timeout_ns, const sigset_t *set);

/* The signals that end a wait or a hold (SIGINT, SIGTERM, SIGHUP), less
 * those the tool was started ignoring, unless even_ignored. */
void tool_stop_signals(sigset_t *set, bool even_ignored);

/* ------------------------------------------------------------------------
 * locks.c: who holds what, from /proc/<pid>/fd (and /proc/locks when some
 * process cannot be inspected).
 * ------------------------------------------------------------------------ */

/* A holder of the object file dev:ino: a process that has it open, or
 * (from /proc/locks) that took a FLOCK lock on it. */
struct tool_lock {
	uint64_t ino;
	uint32_t dev; /* as the kernel keeps it: major << 20 | minor */
	pid_t pid;
};

/* Every holder of every regular file, sorted by file then pid. */
struct tool_locks {
	struct tool_lock *v;
	size_t n;
	bool known; /* false when /proc could not be read */
};

/* Finds the holders once; on failure says so and leaves l->known false. */
void tool_locks_load(struct tool_locks *l);
void tool_locks_free(struct tool_locks *l);

/* The locks on st's file: returns how many, *first the first of them. */
size_t tool_locks_find(const struct tool_locks *l, const struct stat *st,
		       const struct tool_lock **first);

/* Prints the distinct pids of n locks from first, separated by sep;
 * returns how many characters that took. */
int tool_print_pids(FILE *f, const struct tool_lock *first, size_t n, const char *sep);

#endif /* FM_TOOL_H */
