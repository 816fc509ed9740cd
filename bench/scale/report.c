/* SPDX-License-Identifier: MIT */
/*
 * report.c - what bench-scale prints.
 *
 * stdout carries record.h's lines, which every `make bench` program
 * shares.  For a correctness check the goal's "ratio" is the checked count
 * itself (errors, pages, entries) and "limit" its bound.  stderr carries
 * notes as the run goes and, at the end, a table of every goal.  Speed
 * goals missed are reported; only a failed correctness check fails the run.
 */
#define _GNU_SOURCE
#include "scale.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GOALS 48

struct goal {
	char text[96];
	double ratio, limit;
	enum record_better better;
	bool met, correctness;
};

static struct goal goals[MAX_GOALS];
static int ngoals;
static int failures; /* correctness failures that are not goals */

void stats_of(struct stats *out, double *v, size_t n, long iterations)
{
	struct record_stats r = record_stats(v, n);

	*out = (struct stats){ r.median, r.min, r.max, iterations };
}

void report_measure(const char *benchmark, const char *impl, const char *unit,
		    const struct stats *s)
{
	record_measurement(benchmark, impl, unit, (struct record_stats){ s->median, s->min, s->max },
			   s->iterations);
}

void report_value(const char *benchmark, const char *impl, const char *unit, double value)
{
	struct stats s = { value, value, value, 1 };

	report_measure(benchmark, impl, unit, &s);
}

void report_goal(const char *goal, const char *benchmark, const char *impl,
		 const char *reference, double ratio, double limit, enum record_better better,
		 bool correctness)
{
	bool met = record_goal(goal, benchmark, impl, reference, ratio, limit, better, correctness);

	if (ngoals == MAX_GOALS) {
		note("too many goals for the table; \"%s\" is left out of it", goal);
		return;
	}
	goals[ngoals] = (struct goal){ .ratio = ratio, .limit = limit, .better = better,
				       .met = met, .correctness = correctness };
	snprintf(goals[ngoals].text, sizeof(goals[ngoals].text), "%s", goal);
	ngoals++;
}

static void vnote(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("bench-scale: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(fmt, ap);
	va_end(ap);
}

void report_failure(const char *fmt, ...)
{
	va_list ap;

	failures++;
	va_start(ap, fmt);
	fputs("bench-scale: FAILED: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* How a row's bound reads: "<= 1.2", ">= 1", "== 0". */
static void bound_text(char *buf, size_t len, const struct goal *g)
{
	static const char *const op[] = { "<=", ">=", "==" };

	snprintf(buf, len, "%s %.4g", op[g->better], g->limit);
}

static void table_rows(bool correctness)
{
	char bound[32];

	for (int i = 0; i < ngoals; i++) {
		const struct goal *g = &goals[i];

		if (g->correctness != correctness)
			continue;
		bound_text(bound, sizeof(bound), g);
		fprintf(stderr, "  %-58s %10.4g %10s  %s\n", g->text, g->ratio, bound,
			g->met ? "met" : correctness ? "FAILED" : "NOT met");
	}
}

int report_table(void)
{
	int failed = failures;

	for (int i = 0; i < ngoals; i++)
		failed += goals[i].correctness && !goals[i].met;
	fflush(stdout);
	fprintf(stderr, "\n  %-58s %10s %10s\n", "goal (speed and size: reported, never a failure)",
		"ratio", "goal");
	table_rows(false);
	fprintf(stderr, "\n  %-58s %10s %10s\n", "check (correctness: a failure fails the run)",
		"value", "bound");
	table_rows(true);
	fprintf(stderr, "\n  %s\n", failed ? "correctness: FAILED" : "correctness: all checks passed");
	return failed;
}
