/* SPDX-License-Identifier: MIT */
/*
 * worker-main.c - the loop every benchmark worker shares (see worker.h):
 * reads "<case> <count>" lines, runs the case's prepare once and then
 * count iterations of its op, and answers with the nanoseconds they took.
 * The clock is the monotonic one of each platform: clock_gettime on Linux,
 * QueryPerformanceCounter under Windows (the mingw build run by Wine).
 */
#define _GNU_SOURCE
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>

static unsigned long long now_ns(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER t;

	if (!freq.QuadPart)
		QueryPerformanceFrequency(&freq);
	QueryPerformanceCounter(&t);
	return (unsigned long long)((double)t.QuadPart * 1e9 / (double)freq.QuadPart);
}

static unsigned long process_id(void)
{
	return GetCurrentProcessId();
}
#else
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static unsigned long process_id(void)
{
	return (unsigned long)getpid();
}
#endif

void worker_name(char *buf, unsigned len, const char *prefix, const char *what)
{
	snprintf(buf, len, "%sbench.%lu.%s", prefix, process_id(), what);
}

void worker_shared_name(char *buf, unsigned len, const char *prefix, const char *what)
{
	const char *tag = getenv("FILEMAP_BENCH_TAG");

	if (tag && *tag)
		snprintf(buf, len, "%sbench.%s.%s", prefix, tag, what);
	else
		worker_name(buf, len, prefix, what);
}

void worker_touch(void *base, unsigned long long len)
{
	volatile char *p = (volatile char *)base;

	for (unsigned long long off = 0; off < len; off += WORKER_PAGE)
		p[off] = 1;
}

static const struct worker_case *find(const char *name)
{
	for (const struct worker_case *c = worker_cases; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Whether each case was prepared: cases are few, so a flag each. */
static unsigned char prepared[64];

static void run(const char *name, long count)
{
	const struct worker_case *c = find(name);
	unsigned long long start;
	size_t index;

	if (!c) {
		puts("none");
		return;
	}
	index = (size_t)(c - worker_cases);
	if (index < sizeof(prepared) && !prepared[index]) {
		if (c->prepare && c->prepare() < 0) {
			printf("error %s: %s\n", name, worker_error());
			return;
		}
		prepared[index] = 1;
	}
	start = now_ns();
	for (long i = 0; i < count; i++)
		if (c->op() < 0) {
			printf("error %s: %s\n", name, worker_error());
			return;
		}
	printf("ok %llu\n", now_ns() - start);
}

int main(void)
{
	char line[256], name[128];
	long count;

	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%127s %ld", name, &count) != 2 || count < 1) {
			if (strncmp(line, "quit", 4) == 0)
				break;
			printf("error bad request: %s", line);
		} else {
			run(name, count);
		}
		fflush(stdout);
	}
	worker_cleanup();
	return 0;
}
