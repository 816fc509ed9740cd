/* SPDX-License-Identifier: MIT */
/*
 * bridge-prog.c - the programs the bridge tests run on both sides: plain
 * Win32 C, built with mingw-w64 (run under Wine, through `filemap bridge`)
 * and natively against filemap's <windows.h> (FILEMAP_NATIVE), so one
 * producer and one consumer serve both directions.
 *
 *   bridge-prog produce NAME SIZE TICK STOP [TICKS]
 *       creates the section NAME (SIZE bytes) and the manual-reset events
 *       TICK and STOP; every 10 ms writes a counter at the section's first
 *       and last 4 bytes and pulses TICK, until STOP is set (or TICKS
 *       ticks, by default 6000: a minute, have passed).
 *   bridge-prog consume NAME TICK STOP [SIZE]
 *       waits for NAME and TICK to exist, is woken by TICK, sees the counter
 *       advance at both ends of the section, lets go of NAME, then sets
 *       STOP.  Natively, with SIZE, also checks that the native API reports
 *       exactly SIZE bytes.  TICK and STOP "-": no events.
 *   bridge-prog ping A B ROUNDS / bridge-prog pong A B ROUNDS
 *       bounce two auto-reset events ROUNDS times; ping prints the round
 *       trips' median and 99th percentile in microseconds (the latency
 *       benchmark, bench/bridge-latency.sh); both then say whether a spare
 *       signal (an echo) came.
 *   bridge-prog follow EVENT ACK ROUNDS
 *       ROUNDS times: waits for the manual-reset EVENT, resets it, sets the
 *       auto-reset ACK.
 *
 * Each prints "role: what: value" lines and exits 0 when all went well.
 */
#include <windows.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef FILEMAP_NATIVE
#include <filemap.h>
#endif

#define WAIT_MS 60000

static const char *role = "bridge-prog";

static int fail(const char *what)
{
	printf("%s: FAILED: %s (error %lu)\n", role, what, (unsigned long)GetLastError());
	fflush(stdout);
	return 1;
}

/* Polls for a named object to exist, as a consumer started first must. */
static HANDLE wait_open(HANDLE (*open)(const char *), const char *name)
{
	HANDLE h = NULL;

	for (int waited = 0; !h && waited < WAIT_MS; waited += 10) {
		h = open(name);
		if (!h)
			Sleep(10);
	}
	return h;
}

static HANDLE open_section(const char *name)
{
	return OpenFileMappingA(FILE_MAP_READ, FALSE, name);
}

static HANDLE open_event(const char *name)
{
	return OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name);
}

static int produce(const char *name, DWORD size, const char *tick_name, const char *stop_name,
		   DWORD ticks)
{
	HANDLE section, tick, stop;
	volatile LONG *head, *tail;
	DWORD i;

	role = "produce";
	section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, size, name);
	printf("produce: CreateFileMapping: %s\n",
	       !section ? "failed" : GetLastError() == ERROR_ALREADY_EXISTS ? "ERROR_ALREADY_EXISTS" :
								      "new");
	tick = CreateEventA(NULL, TRUE, FALSE, tick_name);
	stop = CreateEventA(NULL, TRUE, FALSE, stop_name);
	head = section ? MapViewOfFile(section, FILE_MAP_ALL_ACCESS, 0, 0, size) : NULL;
	if (!head || !tick || !stop)
		return fail("cannot make the section and events");
	fflush(stdout);
	tail = (volatile LONG *)((volatile char *)head + size - sizeof(LONG));
	for (i = 1; i <= ticks; i++) {
		*tail = (LONG)i;
		*head = (LONG)i;
		PulseEvent(tick);
		if (WaitForSingleObject(stop, 10) == WAIT_OBJECT_0)
			break;
	}
	printf("produce: stopped: %s\n", i <= ticks ? "yes" : "no, ran out of ticks");
	/* The last close removes a name; a process that exits holding it
	 * leaves an orphan (absent to openers) for gc, and the tests check
	 * that the store ends empty. */
	UnmapViewOfFile((void *)head);
	CloseHandle(section);
	CloseHandle(tick);
	CloseHandle(stop);
	return i <= ticks ? 0 : 1;
}

#ifdef FILEMAP_NATIVE
/* The native API's exact size of the section name. */
static unsigned long long native_size(const char *name)
{
	fm_section *s;
	unsigned long long size;

	if (fm_section_open(&s, name, FM_READ) < 0)
		return 0;
	size = fm_section_size(s);
	fm_section_close(s);
	return size;
}
#endif

static int consume(const char *name, const char *tick_name, const char *stop_name,
		   const char *size)
{
	bool events = strcmp(tick_name, "-") != 0;
	HANDLE section, tick = NULL, stop = NULL;
	volatile LONG *head, *tail;
	MEMORY_BASIC_INFORMATION info;
	LONG first, now = 0;
	bool advanced;

	role = "consume";
	section = wait_open(open_section, name);
	if (events) {
		tick = wait_open(open_event, tick_name);
		stop = wait_open(open_event, stop_name);
	}
	head = section ? MapViewOfFile(section, FILE_MAP_READ, 0, 0, 0) : NULL;
	if (!head || (events && (!tick || !stop)) ||
	    VirtualQuery((void *)head, &info, sizeof(info)) == 0)
		return fail("cannot open the section and events");
	tail = (volatile LONG *)((volatile char *)head + info.RegionSize - sizeof(LONG));
#ifdef FILEMAP_NATIVE
	if (size)
		printf("consume: exact size: %llu (expected %s)\n", native_size(name), size);
#else
	(void)size;
#endif
	if (events)
		printf("consume: woken by the event: %s\n",
		       WaitForSingleObject(tick, WAIT_MS) == WAIT_OBJECT_0 ? "yes" : "no");
	first = *head;
	for (int waited = 0; waited < WAIT_MS && (now = *head) < first + 5; waited += 5)
		Sleep(5);
	advanced = now >= first + 5 && *tail >= first + 5;
	printf("consume: counter advanced: %s\n", now >= first + 5 ? "yes" : "no");
	printf("consume: last bytes follow: %s\n", *tail >= first + 5 ? "yes" : "no");
	/* Lets go of the name before the producer is told to stop, so that
	 * the name is gone once the producer's side ends. */
	UnmapViewOfFile((void *)head);
	CloseHandle(section);
	if (events) {
		CloseHandle(tick);
		SetEvent(stop);
		CloseHandle(stop);
	}
	return advanced ? 0 : 1;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Whether a spare signal arrives on e within 200 ms (an echo would). */
static const char *spare(HANDLE e)
{
	return WaitForSingleObject(e, 200) == WAIT_OBJECT_0 ? "one" : "none";
}

static int ping(const char *a_name, const char *b_name, int rounds)
{
	HANDLE a = CreateEventA(NULL, FALSE, FALSE, a_name), b = CreateEventA(NULL, FALSE, FALSE, b_name);
	double *us = malloc(sizeof(double) * (size_t)rounds);
	LARGE_INTEGER hz, t0, t1;

	role = "ping";
	if (!a || !b || !us)
		return fail("cannot make the events");
	QueryPerformanceFrequency(&hz);
	for (int i = 0; i < rounds; i++) {
		QueryPerformanceCounter(&t0);
		SetEvent(a);
		if (WaitForSingleObject(b, WAIT_MS) != WAIT_OBJECT_0)
			return fail("no pong");
		QueryPerformanceCounter(&t1);
		us[i] = (double)(t1.QuadPart - t0.QuadPart) * 1e6 / (double)hz.QuadPart;
	}
	qsort(us, (size_t)rounds, sizeof(*us), compare);
	printf("ping: round trips: %d, median %.1f us, p99 %.1f us\n", rounds, us[rounds / 2],
	       us[rounds * 99 / 100]);
	printf("ping: spare signal: %s\n", spare(b));
	free(us);
	CloseHandle(a);
	CloseHandle(b);
	return 0;
}

static int pong(const char *a_name, const char *b_name, int rounds)
{
	HANDLE a = CreateEventA(NULL, FALSE, FALSE, a_name), b = CreateEventA(NULL, FALSE, FALSE, b_name);
	int i;

	role = "pong";
	if (!a || !b)
		return fail("cannot make the events");
	for (i = 0; i < rounds && WaitForSingleObject(a, WAIT_MS) == WAIT_OBJECT_0; i++)
		SetEvent(b);
	printf("pong: answered: %d\n", i);
	printf("pong: spare signal: %s\n", spare(a));
	CloseHandle(a);
	CloseHandle(b);
	return i == rounds ? 0 : 1;
}

/* Waits for the manual-reset event to be set, resets it, and says so by
 * setting the auto-reset ack; rounds times. */
static int follow(const char *event_name, const char *ack_name, int rounds)
{
	HANDLE e = wait_open(open_event, event_name), ack = wait_open(open_event, ack_name);
	int i;

	role = "follow";
	if (!e || !ack)
		return fail("cannot open the events");
	for (i = 0; i < rounds && WaitForSingleObject(e, WAIT_MS) == WAIT_OBJECT_0; i++) {
		ResetEvent(e);
		SetEvent(ack);
	}
	printf("follow: rounds: %d\n", i);
	CloseHandle(e);
	CloseHandle(ack);
	return i == rounds ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "produce") == 0)
		return produce(argv[2], (DWORD)strtoul(argv[3], NULL, 0), argv[4], argv[5],
			       argc == 7 ? (DWORD)strtoul(argv[6], NULL, 0) : WAIT_MS / 10);
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "consume") == 0)
		return consume(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
	if (argc == 5 && strcmp(argv[1], "ping") == 0)
		return ping(argv[2], argv[3], atoi(argv[4]) > 0 ? atoi(argv[4]) : 1);
	if (argc == 5 && strcmp(argv[1], "pong") == 0)
		return pong(argv[2], argv[3], atoi(argv[4]));
	if (argc == 5 && strcmp(argv[1], "follow") == 0)
		return follow(argv[2], argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: bridge-prog produce NAME SIZE TICK STOP [TICKS] | consume NAME TICK STOP "
			"[SIZE] | ping A B ROUNDS | pong A B ROUNDS | follow EVENT ACK ROUNDS\n");
	return 2;
}
