/* SPDX-License-Identifier: MIT */
/*
 * pingpong.c - two processes bounce two named auto-reset events.
 *
 * The first process creates the events Local\pingpong.<pid>.ping and
 * .pong (its pid in the names, so that two runs do not meet), then runs
 * itself again as the partner, which knows only the names' prefix and
 * opens the events by name.  The first process sets "ping" and waits for
 * "pong"; the partner waits for "ping" and sets "pong": one round trip.
 * After ROUNDS of them it prints the median and mean round-trip time.
 *
 *   usage: pingpong [ROUNDS]          (default 100000)
 *          pingpong --partner PREFIX ROUNDS   (run by the first process)
 *
 * A wait gives up after TIMEOUT_NS, so a partner that dies cannot hang
 * the other side forever.
 */
#define _GNU_SOURCE
#include <filemap.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_NS (10 * 1000000000ull)

struct events {
	fm_event *ping, *pong;
};

static int fail(const char *what)
{
	fprintf(stderr, "pingpong: %s: %s\n", what, fm_last_error_message());
	return 1;
}

static void names(char ping[], char pong[], size_t size, const char *prefix)
{
	snprintf(ping, size, "%s.ping", prefix);
	snprintf(pong, size, "%s.pong", prefix);
}

/* Creates both events (create != 0) or opens them by name. */
static int get_events(struct events *ev, const char *prefix, int create)
{
	char ping[128], pong[128];
	int r;

	names(ping, pong, sizeof(ping), prefix);
	r = create ? fm_event_create(&ev->ping, ping, 0, NULL) : fm_event_open(&ev->ping, ping);
	if (r < 0)
		return fail(create ? "creating the events" : "opening the events");
	r = create ? fm_event_create(&ev->pong, pong, 0, NULL) : fm_event_open(&ev->pong, pong);
	if (r < 0) {
		fm_event_close(ev->ping);
		return fail(create ? "creating the events" : "opening the events");
	}
	return 0;
}

static void put_events(struct events *ev)
{
	fm_event_close(ev->ping);
	fm_event_close(ev->pong);
}

/* The partner: one "pong" to say it is there, then one per "ping". */
static int partner(const char *prefix, long rounds)
{
	struct events ev;
	int status = 0;

	if (get_events(&ev, prefix, 0))
		return 1;
	if (fm_event_set(ev.pong) < 0)
		status = fail("setting pong");
	for (long i = 0; i < rounds && status == 0; i++) {
		if (fm_event_wait(ev.ping, TIMEOUT_NS) < 0)
			status = fail("waiting for ping");
		else if (fm_event_set(ev.pong) < 0)
			status = fail("setting pong");
	}
	put_events(&ev);
	return status;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Bounces the events rounds times, noting each round trip's time in t. */
static int bounce(struct events *ev, uint64_t t[], long rounds)
{
	if (fm_event_wait(ev->pong, TIMEOUT_NS) < 0)
		return fail("waiting for the partner to start");
	for (long i = 0; i < rounds; i++) {
		uint64_t start = now_ns();

		if (fm_event_set(ev->ping) < 0)
			return fail("setting ping");
		if (fm_event_wait(ev->pong, TIMEOUT_NS) < 0)
			return fail("waiting for pong");
		t[i] = now_ns() - start;
	}
	return 0;
}

static void report(uint64_t t[], long rounds)
{
	double sum = 0;

	for (long i = 0; i < rounds; i++)
		sum += (double)t[i];
	qsort(t, (size_t)rounds, sizeof(t[0]), by_value);
	printf("pingpong: %ld round trips: median %.2f us, mean %.2f us\n", rounds,
	       (double)t[rounds / 2] / 1e3, sum / (double)rounds / 1e3);
}

/* Runs this program again as the partner; its pid, or -1. */
static pid_t spawn_partner(const char *prefix, long rounds)
{
	char count[32];
	pid_t pid;

	snprintf(count, sizeof(count), "%ld", rounds);
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "pingpong", "--partner", prefix, count, (char *)NULL);
		perror("pingpong: running the partner");
		_exit(127);
	}
	if (pid < 0)
		perror("pingpong: fork");
	return pid;
}

int main(int argc, char **argv)
{
	char prefix[64];
	struct events ev;
	uint64_t *t;
	long rounds;
	int status = 0, r;
	pid_t pid;

	if (argc == 4 && strcmp(argv[1], "--partner") == 0)
		return partner(argv[2], atol(argv[3]));
	rounds = argc > 1 ? atol(argv[1]) : 100000;
	if (argc > 2 || rounds < 1) {
		fprintf(stderr, "usage: pingpong [ROUNDS]\n");
		return 2;
	}
	t = malloc((size_t)rounds * sizeof(*t));
	if (!t) {
		perror("pingpong");
		return 1;
	}
	snprintf(prefix, sizeof(prefix), "Local\\pingpong.%d", (int)getpid());
	if (get_events(&ev, prefix, 1)) {
		free(t);
		return 1;
	}
	pid = spawn_partner(prefix, rounds);
	r = pid < 0 ? 1 : bounce(&ev, t, rounds);
	if (pid > 0 && (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
			WEXITSTATUS(status) != 0)) {
		fprintf(stderr, "pingpong: the partner failed\n");
		r = 1;
	}
	if (r == 0)
		report(t, rounds);
	put_events(&ev);
	free(t);
	return r;
}
