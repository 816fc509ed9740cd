/* SPDX-License-Identifier: MIT */
/*
 * worker.h - one implementation of the comparison benchmarks (filemap
 * native, filemap's Win32 layer, raw POSIX, Boost.Interprocess, Wine),
 * driven by bench/run.py over a pipe so that the implementations run
 * alternately in one run.  Each worker program defines the cases it has;
 * worker-main.c holds the loop, the clock and the protocol, and builds for
 * Linux, for mingw-w64 (run under Wine) and into the C++ Boost worker.
 *
 * Protocol, one line each way:
 *   driver: "<case> <count>"     worker: "ok <nanoseconds for all count>"
 *                                        "none"  (this worker lacks the case)
 *                                        "error <message>"
 *   driver: "quit" (or end of input): the worker cleans up and exits 0.
 */
#ifndef BENCH_WORKER_H
#define BENCH_WORKER_H

#ifdef __cplusplus
extern "C" {
#endif

struct worker_case {
	const char *name;
	/* Once, before the case's first iteration, untimed (may be NULL):
	 * creates what the case works on.  0, or -1 with worker_error set. */
	int (*prepare)(void);
	/* One iteration: 0, or -1 with worker_error set. */
	int (*op)(void);
};

/* Defined by each worker: its cases, ended by a { NULL } entry; a
 * cleanup run at exit (may do nothing); and the message of the last
 * failure, naming what failed. */
extern const struct worker_case worker_cases[];
void worker_cleanup(void);
const char *worker_error(void);

/* From worker-main.c: writes into buf a name unique to this worker process,
 * prefix + "bench.<pid>." + what: "Local\bench.1234.held" for the Win32
 * and native namespaces, "/bench.1234.held" for POSIX. */
void worker_name(char *buf, unsigned len, const char *prefix, const char *what);

/* The same for a name another process of the same implementation holds:
 * run.py starts a second worker and asks it to "hold" (the "open" case
 * must measure an open of a name this process does not hold, or a
 * per-process table of held objects would answer it).  Both get
 * FILEMAP_BENCH_TAG from run.py, distinct for each implementation;
 * without it, the pid, and only this process can hold the name. */
void worker_shared_name(char *buf, unsigned len, const char *prefix, const char *what);

/* Writes one byte into every page of [base, base + len): the "touched"
 * cases fault every page in. */
void worker_touch(void *base, unsigned long long len);

/* The cases every worker has, under the same function names, so that the
 * workers answer the same requests: a worker's table starts with these.
 * "hold" creates the name "open" opens (its op does nothing): run.py asks
 * a second worker of the same implementation for it, so that "open" opens
 * a name held by another process. */
#define WORKER_COMMON_CASES                                   \
	{ "lifecycle", prepare_small, lifecycle },            \
	{ "hold", prepare_hold, hold_nothing },               \
	{ "open", prepare_open, open_existing },              \
	{ "map-64k", prepare_small, map_small },              \
	{ "map-64k-touched", prepare_small, map_small_touched }, \
	{ "map-64m", prepare_large, map_large },              \
	{ "map-64m-touched", prepare_large, map_large_touched }, \
	{ "mutex", prepare_mutex, lock_unlock }

/* The sizes the cases share. */
#define WORKER_SMALL  (64ull << 10) /* 64 KiB: lifecycle, open, small map */
#define WORKER_LARGE  (64ull << 20) /* 64 MiB: large map, memcpy */
#define WORKER_PAGE   4096ull

#ifdef __cplusplus
}
#endif
#endif
