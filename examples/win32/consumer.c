/* SPDX-License-Identifier: MIT */
/*
 * consumer.c - the reading half of the telemetry sample, in plain Win32 C:
 * it opens the producer's section, mutex and event by name (retrying for
 * a while when the producer is not up yet), then waits for the event,
 * copies the record under the mutex, and checks it: the checksum (no torn
 * read) and the sequence numbers (never going back).  Missed sequence
 * numbers are counted but are no error: this is a latest-value pattern.
 * It stops at the producer's last record (exit 0), or when nothing comes
 * for a second (exit 1).  See telemetry.h for the record and why a mutex.
 *
 *   usage: consumer [STARTUP_WAIT_MS]      (how long to retry opening; 10000)
 *   try:   ./consumer & ./producer 200
 */
#include "telemetry.h"

#include <stdio.h>
#include <stdlib.h>

#define RETRY_MS 50
#define QUIET_MS 1000 /* nothing for this long: the producer is gone */

struct tally {
	DWORD seen;      /* records with a new sequence number */
	DWORD repeats;   /* the same record again: woken by a set it had already seen */
	DWORD missed;    /* sequence numbers overwritten before this reader came */
	DWORD torn;      /* bad magic or checksum: must stay 0 */
	DWORD backwards; /* a sequence number below the last one: must stay 0 */
	DWORD abandoned; /* the lock's owner died holding it */
	DWORD last;
};

/* Opens the three objects, retrying while the producer starts. */
static int open_all(HANDLE *section, HANDLE *lock, HANDLE *ready, DWORD startup_ms)
{
	DWORD waited;

	*section = *lock = *ready = NULL;
	for (waited = 0;; waited += RETRY_MS) {
		if (!*section)
			*section = OpenFileMapping(FILE_MAP_READ, FALSE, TELEMETRY_SECTION);
		if (!*lock)
			*lock = OpenMutex(SYNCHRONIZE, FALSE, TELEMETRY_LOCK);
		if (!*ready)
			*ready = OpenEvent(SYNCHRONIZE, FALSE, TELEMETRY_READY);
		if (*section && *lock && *ready)
			return 0;
		if (waited >= startup_ms)
			return -1;
		Sleep(RETRY_MS);
	}
}

/* Copies the record under the lock; 0, or -1 if the lock cannot be had. */
static int copy_record(struct telemetry *out, const struct telemetry *shared, HANDLE lock,
		       struct tally *n)
{
	DWORD r = WaitForSingleObject(lock, QUIET_MS);

	if (r == WAIT_ABANDONED)
		n->abandoned++; /* the producer died mid-write: the checksum will tell */
	else if (r != WAIT_OBJECT_0)
		return -1;
	CopyMemory(out, shared, sizeof(*out));
	ReleaseMutex(lock);
	return 0;
}

/* A reader woken by one set may copy the record of the next write, whose
 * own set then wakes it for the same record again: a repeat, no error. */
static void check_record(const struct telemetry *t, struct tally *n)
{
	if (t->magic != TELEMETRY_MAGIC || t->checksum != telemetry_checksum(t))
		n->torn++;
	else if (t->sequence == n->last)
		n->repeats++;
	else if (t->sequence < n->last)
		n->backwards++;
	else {
		n->seen++;
		n->missed += t->sequence - n->last - 1;
		n->last = t->sequence;
	}
}

int main(int argc, char **argv)
{
	DWORD startup_ms = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 10) : 10000;
	struct tally n = { 0, 0, 0, 0, 0, 0, 0 };
	const struct telemetry *shared;
	HANDLE section, lock, ready;
	struct telemetry t;
	int done = 0;

	if (open_all(&section, &lock, &ready, startup_ms) < 0) {
		fprintf(stderr, "consumer: the producer did not come up (%lu)\n",
			(unsigned long)GetLastError());
		return 1;
	}
	shared = (const struct telemetry *)MapViewOfFile(section, FILE_MAP_READ, 0, 0, 0);
	if (!shared) {
		fprintf(stderr, "consumer: MapViewOfFile failed (%lu)\n",
			(unsigned long)GetLastError());
		return 1;
	}
	while (!done) {
		if (WaitForSingleObject(ready, QUIET_MS) != WAIT_OBJECT_0)
			break;
		if (copy_record(&t, shared, lock, &n) < 0)
			break;
		check_record(&t, &n);
		done = t.done && t.checksum == telemetry_checksum(&t);
	}
	printf("consumer: %lu records seen, last sequence %lu, %lu missed, %lu repeated, "
	       "%lu torn, %lu out of order, %lu abandoned locks: %s\n",
	       (unsigned long)n.seen, (unsigned long)n.last, (unsigned long)n.missed,
	       (unsigned long)n.repeats, (unsigned long)n.torn, (unsigned long)n.backwards,
	       (unsigned long)n.abandoned, done ? "done" : "timed out");
	UnmapViewOfFile(shared);
	CloseHandle(ready);
	CloseHandle(lock);
	CloseHandle(section);
	return done && n.torn == 0 && n.backwards == 0 ? 0 : 1;
}
