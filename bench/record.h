/* SPDX-License-Identifier: MIT */
/*
 * record.h - the lines every benchmark program prints on stdout, which
 * bench/run.py gathers into bench/results/latest.json and its table:
 *
 *   {"benchmark": ..., "implementation": ..., "unit": ..., "median": ...,
 *    "min": ..., "max": ..., "iterations": ...}
 *   {"goal": ..., "benchmark": ..., "implementation": ..., "reference": ...,
 *    "ratio": ..., "limit": ..., "better": "lower"|"higher"|"equal",
 *    "met": ..., "check": ...}
 *
 * median, min and max are over the blocks a program ran, each block's
 * figure its mean (or its own median); iterations counts every timed one.
 */
#ifndef BENCH_RECORD_H
#define BENCH_RECORD_H

#include <stdbool.h>
#include <stddef.h>

/* The median, min and max of n values (n > 0; v is sorted in place). */
struct record_stats {
	double median, min, max;
};
struct record_stats record_stats(double *v, size_t n);

void record_measurement(const char *benchmark, const char *implementation, const char *unit,
			struct record_stats s, long iterations);

/* How a goal's ratio must stand against its limit. */
enum record_better { RECORD_LOWER, RECORD_HIGHER, RECORD_EQUAL };

/* A goal: ratio is implementation's figure over reference's, which must
 * stay at or below limit (RECORD_LOWER), at or above it, or equal it.  A
 * correctness check (check: its line says "check": true) gives a count as
 * its ratio and the count's bound as its limit.  Returns whether it was
 * met. */
bool record_goal(const char *goal, const char *benchmark, const char *implementation,
		 const char *reference, double ratio, double limit, enum record_better better,
		 bool check);

#endif
