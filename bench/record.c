/* SPDX-License-Identifier: MIT */
/*
 * record.c - prints the measurement and goal lines of record.h.  Names are
 * the programs' own constants, so they need no JSON escaping beyond what
 * json_string() does for quotes and backslashes (Win32 names have them).
 */
#include "record.h"

#include <stdio.h>
#include <stdlib.h>

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct record_stats record_stats(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), by_value);
	return (struct record_stats){
		.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2,
		.min = v[0],
		.max = v[n - 1],
	};
}

static void json_string(const char *key, const char *s)
{
	printf("\"%s\": \"", key);
	for (; *s; s++)
		printf(*s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	fputs("\", ", stdout);
}

void record_measurement(const char *benchmark, const char *implementation, const char *unit,
			struct record_stats s, long iterations)
{
	putchar('{');
	json_string("benchmark", benchmark);
	json_string("implementation", implementation);
	json_string("unit", unit);
	printf("\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"iterations\": %ld}\n", s.median,
	       s.min, s.max, iterations);
	fflush(stdout);
}

bool record_goal(const char *goal, const char *benchmark, const char *implementation,
		 const char *reference, double ratio, double limit, enum record_better better,
		 bool check)
{
	static const char *const word[] = { "lower", "higher", "equal" };
	bool met = better == RECORD_LOWER	 ? ratio <= limit
		   : better == RECORD_HIGHER ? ratio >= limit
					     : ratio == limit;

	putchar('{');
	json_string("goal", goal);
	json_string("benchmark", benchmark);
	json_string("implementation", implementation);
	json_string("reference", reference);
	printf("\"ratio\": %.4g, \"limit\": %.4g, \"better\": \"%s\", \"met\": %s, \"check\": %s}\n",
	       ratio, limit, word[better], met ? "true" : "false", check ? "true" : "false");
	fflush(stdout);
	return met;
}
