/* SPDX-License-Identifier: MIT */
/*
 * tool.h - what the verbs of the filemap tool share.
 *
 * The tool is main.c's table of verbs and one cmd_<verb>.c a verb.  They
 * share command-line parsing (options, sizes with K/M/G/T suffixes, object
 * names), error lines that say what to do, printing other users' text
 * safely (text.c), showing an object as ls, stat and watch do (show.c),
 * and, for the verbs that act on the store (rm, gc) rather than list it,
 * walking it and inspecting its files (walk.c).  Listing goes through the
 * public fm_store_list API; the tool links the static library and uses its
 * internals (fm__*) only to remove what the API never removes.
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
int cmd_watch(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_gc(int argc, char **argv);
int cmd_signal(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_bridge(int argc, char **argv);

/* ------------------------------------------------------------------------
 * tool.c: arguments and errors.
 *
 * Every error is one line on stderr: "filemap VERB: what", then for a
 * failure about an object or the store its code in parentheses, as the
 * library's messages have it ("(ENOENT)"), then "; what to do".  Usage
 * errors (exit 2) carry no code.
 * ------------------------------------------------------------------------ */

/* The verb being run, for messages ("filemap cat: ..."); NULL before. */
extern const char *tool_verb;

/* Prints one line to stderr: "filemap VERB: " + the message. */
void tool_error(const char *fmt, ...) FM__PRINTF(1, 2);

/*
 * Reports a failure with code (a library result code): the message, its
 * code's name in parentheses, then advice, or when advice is NULL the hint
 * of what to do for code if there is one.  Returns the exit code:
 * TOOL_ABSENT for -ENOENT, else TOOL_FAILED.
 */
int tool_fail_advice(int code, const char *advice, const char *fmt, ...) FM__PRINTF(3, 4);
#define tool_fail(code, ...) tool_fail_advice(code, NULL, __VA_ARGS__)

/* Reports a failed library call from fm_last_error_message() as tool_fail
 * does, and returns the exit code. */
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
	char letter;      /* a one-letter form ("-h"), or 0 */
};

/*
 * Parses argv (argv[0] is the verb): options from opts, anywhere, as
 * "--name VALUE" or "--name=VALUE" (or "-L" for a flag with a letter), and
 * as many positional arguments as the words of positional ("NAME SIZE", or
 * "" for none) into pos; a word in brackets ("NAME [SIZE]") may be left
 * out, and its pos is then NULL.  "--" ends the options, so a name may
 * start with '-'.  Returns TOOL_OK, TOOL_HELP (for --help, or -h unless a
 * flag takes that letter) or TOOL_USAGE, having said why.
 */
int tool_parse_args(int argc, char **argv, const struct tool_opt *opts, const char *positional,
		    char **pos);

/* A size or offset: decimal digits, then optionally K, M, G or T (powers
 * of 1024, either case).  Returns 0, -1 for bad text, -2 when it does not
 * fit 64 bits. */
int tool_parse_size(const char *text, uint64_t *out);

/* Says why a size given as what ("--length", "size") was refused, for
 * tool_parse_size's result r; returns TOOL_USAGE. */
int tool_bad_size(const char *what, const char *text, int r);

/* Parses an object name for the tool's own use.  Returns TOOL_OK, or
 * TOOL_USAGE / TOOL_FAILED having said why. */
int tool_parse_name(struct fm__name *out, const char *name);

/* Parses --type T (section, mutex, event, semaphore) into *type. */
int tool_parse_type(const char *text, uint32_t *type);

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
 * For cat and write: parses the name arg and opens the section so named
 * with access.  Returns TOOL_OK with *s open and *name parsed (close and
 * free both), or an exit code having said why.
 */
int tool_open_section(fm_section **s, struct fm__name *name, const char *arg, unsigned access);

/*
 * Checks that [offset, offset + length) lies within the section name of
 * size bytes.  Returns TOOL_OK, or TOOL_FAILED having said why.
 */
int tool_check_range(const char *name, uint64_t size, uint64_t offset, uint64_t length);

/*
 * Sleeps up to ms milliseconds, or until one of the signals in set
 * (blocked by the caller) arrives: returns that signal, or 0.
 */
int tool_sleep(uint64_t ms, const sigset_t *set);

/* ------------------------------------------------------------------------
 * text.c: other users' text, made safe to print.
 * ------------------------------------------------------------------------ */

/*
 * The character at s: returns its length in bytes (at least 1, never past
 * the terminating NUL), *cp its code point (or the byte, for a byte that
 * is not UTF-8), and *unsafe whether it must not reach a terminal as it is:
 * C0 and C1 controls, DEL, bidirectional and other invisible formatting
 * characters, bytes that are not UTF-8.
 */
size_t tool_char_at(const char *s, uint32_t *cp, bool *unsafe);

/* Writes s for a terminal: every byte of an unsafe character as \xHH. */
void tool_print_text(FILE *f, const char *s);
/* The same for the first len bytes of s (not past a NUL). */
void tool_print_text_n(FILE *f, const char *s, size_t len);

/* Writes s as a JSON string: quotes, backslashes and unsafe characters
 * escaped (\uXXXX; a byte that is not UTF-8 as the character of its value). */
void tool_print_json_string(FILE *f, const char *s);

/* How many bytes of s fit in columns terminal columns as tool_print_text
 * prints them; *used (may be NULL) gets the columns they take. */
size_t tool_fit_columns(const char *s, size_t columns, size_t *used);

/* ------------------------------------------------------------------------
 * show.c: an object as ls, stat and watch show it.
 * ------------------------------------------------------------------------ */

/* "section", "mutex", "event", "semaphore", or "?". */
const char *tool_type_name(uint32_t type);

/* The same with its article, for messages: "a mutex", "an event". */
const char *tool_a_type(uint32_t type);

/* "Local" or "Global". */
const char *tool_namespace_name(unsigned ns);

/* The name after its prefix, or, when the name is unknown, the store
 * file's name. */
const char *tool_short_name(const struct fm_object_info *o);

/* "held", "orphan", "corrupt", or "?" when the holders are unknown. */
const char *tool_state_name(const struct fm_object_info *o);

/* "present", "missing", "replaced" or "truncated". */
const char *tool_backing_name(int backing_state);

/* A size in bytes, exact ("4097"), or human ("4.1K"), as ls -h. */
void tool_size_text(char *buf, size_t len, uint64_t size, bool human);

/* An owner's user name, looked up once per uid, or the uid in digits. */
const char *tool_owner_name(uint32_t uid);

/*
 * The holders as "pid,pid,...", at most width characters: when they do not
 * fit, as many as do and then " +N more".  "-" for none, "?" if unknown.
 */
void tool_holders_text(char *buf, size_t len, const struct fm_object_info *o, size_t width);

/* A sync object's state in one word-like token ("free", "owner=PID/TID",
 * "signaled,auto", "count=3/5"); "-" for a section, "?" if unknown. */
void tool_sync_text(char *buf, size_t len, const struct fm_object_info *o);

/* Writes o as one JSON object (no newline), every field of
 * fm_object_info that applies. */
void tool_print_json_object(FILE *f, const struct fm_object_info *o);

/*
 * Starts a listing with filters from the command line: pattern (NULL:
 * all), type_text and namespace_text (NULL: any).  Returns TOOL_OK with *l,
 * or TOOL_USAGE / TOOL_FAILED having said why.
 */
int tool_list_open(fm_store_list **l, const char *pattern, const char *type_text,
		   const char *namespace_text, unsigned flags);

/* ------------------------------------------------------------------------
 * walk.c: walking the store and inspecting its files, for rm and gc.
 * ------------------------------------------------------------------------ */

/* Visits one entry; returns TOOL_OK or TOOL_FAILED (remembered, walking
 * goes on). */
typedef int (*tool_visit_fn)(const struct fm__entry *e, void *arg);

/*
 * Visits every entry of the caller's local-<uid> directory (for root, of
 * every local-* directory) and of global/, in directory order, without
 * creating anything.  A directory that is unsafe or unreadable is reported
 * and skipped.  Returns TOOL_OK or TOOL_FAILED.
 */
int tool_walk_store(tool_visit_fn fn, void *arg);

/* The entry of one name, found without creating anything. */
struct tool_found {
	struct fm__walk *walk;
	struct fm__entry e;
};

/*
 * For a verb whose only argument is NAME: parses the command line, then
 * finds the entry of the object so named; fills *parsed and *f (release
 * both with tool_found_close).  Returns TOOL_OK, or TOOL_HELP, TOOL_ABSENT,
 * TOOL_USAGE or TOOL_FAILED having said why.
 */
int tool_find(struct tool_found *f, struct fm__name *parsed, int argc, char **argv);
/* parsed may be NULL: it is then left to the caller. */
void tool_found_close(struct tool_found *f, struct fm__name *parsed);

/* tool_find for a name already parsed; parsed stays the caller's, also on
 * failure (pass NULL to tool_found_close to keep it). */
int tool_lookup(struct tool_found *f, struct fm__name *parsed);

/* ------------------------------------------------------------------------
 * syncobj.c: what signal, wait and create share about sync objects.
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

/* Ends the process by sig, as sig's default action would. */
void tool_die_by(int sig) __attribute__((noreturn));

#endif /* FM_TOOL_H */
