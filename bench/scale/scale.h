/* SPDX-License-Identifier: MIT */
/*
 * scale.h - what the parts of bench-scale share.
 *
 * bench-scale (issue 7) runs four parts, each in its own private store:
 * names (100,000 live named sections: the cost of an open, and of the
 * tool's listing), churn (many processes creating, opening, mapping and
 * closing shared names while some are killed), reserve (a 1 TiB sparse
 * section shared by two processes) and memory (the library's heap and
 * descriptors per object).  They share the options, the stores, running
 * the filemap tool, a few process helpers, and the report: JSON lines on
 * stdout and a table of goals on stderr.
 */
#ifndef BENCH_SCALE_H
#define BENCH_SCALE_H

#include "record.h"

#include <filemap.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SCALE_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* What the command line sets; the defaults are the full size. */
struct scale_opts {
	long names;          /* names: live objects in the large store */
	long small;          /* names: live objects in the small store */
	long blocks;         /* names: timed blocks of each kind and store */
	long iterations;     /* names: opens a block */
	long ls_runs;        /* names: timed runs of `filemap ls` */
	long workers;        /* churn: processes */
	long ops;            /* churn: operations each */
	long shared;         /* churn: names they share */
	long kills;          /* churn: workers killed with SIGKILL */
	uint64_t reserve;    /* reserve: the section's size */
	long memory;         /* memory: objects in the large count */
	uint64_t seed;       /* for every random choice */
	const char *tool;    /* the filemap tool */
};

/* ------------------------------------------------------------------------
 * The parts.  Each returns 0, or -1 when it could not run at all (having
 * said why); what it checks is recorded with report_check.
 * ------------------------------------------------------------------------ */

int part_names(const struct scale_opts *o);
int part_churn(const struct scale_opts *o);
int part_reserve(const struct scale_opts *o);
int part_memory(const struct scale_opts *o);

/* The memory part measures in a process of its own, this program run
 * again as `bench-scale --memory-child FD SMALL LARGE`. */
int memory_child(char **argv);

/* ------------------------------------------------------------------------
 * report.c: JSON lines on stdout, notes and the table on stderr.
 * ------------------------------------------------------------------------ */

/* Figures over a run's blocks (or a single value). */
struct stats {
	double median, min, max;
	long iterations;
};

/* Median, min and max of v[0..n) (sorted in place); n > 0. */
void stats_of(struct stats *out, double *v, size_t n, long iterations);

/* The implementations measured. */
#define IMPL_NATIVE "filemap native"
#define IMPL_TOOL   "filemap tool"

/* One measurement line. */
void report_measure(const char *benchmark, const char *impl, const char *unit,
		    const struct stats *s);
void report_value(const char *benchmark, const char *impl, const char *unit, double value);

/*
 * One goal line, and a row of the table.  A speed goal (correctness false)
 * that is missed is reported, never a failure; a missed correctness goal
 * makes the run fail.  For a check of a count ratio is the count itself
 * and limit its bound.
 */
void report_goal(const char *goal, const char *benchmark, const char *impl,
		 const char *reference, double ratio, double limit, enum record_better better,
		 bool correctness);

/* A correctness failure that is not a goal: says why, and fails the run. */
void report_failure(const char *fmt, ...) SCALE_PRINTF(1, 2);

/* A line on stderr, "bench-scale: ...". */
void note(const char *fmt, ...) SCALE_PRINTF(1, 2);

/* Prints the table of every goal on stderr; returns the number of failed
 * correctness checks (goals and report_failure). */
int report_table(void);

/* ------------------------------------------------------------------------
 * store.c: each part's private store, under one base directory.
 * ------------------------------------------------------------------------ */

/* Sets the base: $FILEMAP_ROOT if set, else a fresh directory in /dev/shm.
 * Returns 0 or -1 having said why. */
int store_base_init(void);
/* Removes the base if this run made it (and it is empty). */
void store_base_done(void);

/*
 * The store root of part (<base>/<part>) into root.  The store must start
 * empty: leftovers of an earlier run are swept with `filemap gc`; what
 * stays (held by some process) fails.  Returns 0 or -1 having said why.
 */
int store_prepare(char *root, size_t len, const char *part, const struct scale_opts *o);

/* Makes root the store the library uses from now on (FILEMAP_ROOT; the
 * library reads it on every call). */
void store_use(const char *root);

/*
 * Walks root and says what it holds besides its empty namespace
 * directories: returns how many entries, describing the first few in what
 * (may be NULL).  -1 when root cannot be read (an absent root is empty).
 */
long store_leftovers(const char *root, char *what, size_t len);

/* Removes root if it is empty (its namespace directories, then itself). */
void store_remove(const char *root);

/*
 * The end of a part: root must be empty.  Reports the entries left (a
 * measurement, and a correctness goal named after label), then removes
 * the store, or says what is in it.  Returns 0 when it was empty.
 */
int store_finish(const char *root, const char *label, const char *impl);

/* ------------------------------------------------------------------------
 * run.c: running the filemap tool, and processes.
 * ------------------------------------------------------------------------ */

struct run {
	int status;       /* as waitpid gives it */
	double seconds;   /* wall time from fork to exit */
	double cpu_seconds; /* the child's user and system time, all its threads */
	long maxrss_kib;  /* the child's peak resident set */
	int out;          /* its stdout (a memfd, at offset 0), or -1 */
};

/*
 * Runs `tool args...` (args NULL-terminated) against the store root, its
 * stdout captured in r->out (close it) when capture, else to /dev/null.
 * Returns 0 when it ran and exited 0, else -1 having said why.
 */
int run_tool(struct run *r, const struct scale_opts *o, const char *root, bool capture,
	     const char *const args[]);

/* run_tool with its stdout captured and returned (free it); NULL when it
 * failed, having said why. */
char *run_tool_text(struct run *r, const struct scale_opts *o, const char *root,
		    const char *const args[], size_t *len);

/* Reads all of fd from offset 0 into a NUL-terminated buffer (free it);
 * NULL on failure. */
char *read_all(int fd, size_t *len);

/* Whether status (from waitpid) is a clean exit 0. */
bool exited_well(int status);

/* Describes status: "exit 3", "killed by SIGKILL". */
const char *status_text(int status, char *buf, size_t len);

/* Raises the soft descriptor limit to the hard one, and the hard one as
 * far as want allows (needs CAP_SYS_RESOURCE).  Returns the soft limit. */
long raise_fd_limit(long want);

/* How many descriptors this process has open. */
long open_fds(void);

/* Seconds on the monotonic clock. */
double now(void);

/* A 64-bit pseudo-random number from *state (splitmix64). */
uint64_t rng_next(uint64_t *state);

/* ------------------------------------------------------------------------
 * json.c: checking what `filemap ls --json` prints.
 * ------------------------------------------------------------------------ */

/*
 * Checks that text is one JSON array of objects (RFC 8259 syntax, strict)
 * and counts its elements.  Returns the count, or -1 with *why set to what
 * is wrong and where.
 */
long json_array_count(const char *text, size_t len, char *why, size_t why_len);

#endif /* BENCH_SCALE_H */
