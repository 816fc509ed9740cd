/* SPDX-License-Identifier: MIT */
/*
 * producer.c - the writing half of the telemetry sample, in plain Win32 C:
 * it publishes a record in the section Local\filemap-telemetry every few
 * milliseconds, under the mutex Local\filemap-telemetry-lock, and signals
 * the auto-reset event Local\filemap-telemetry-ready after each one; its
 * last record says "done".  consumer.c reads them (see telemetry.h for the
 * record and why a mutex).  It builds unchanged with mingw-w64 and, with
 * `pkg-config --cflags --libs filemap-win32`, on Linux.
 *
 *   usage: producer [RECORDS [INTERVAL_MS]]      (default 200 records, 10 ms)
 *   try:   ./consumer & ./producer 200           (start either one first)
 */
#include "telemetry.h"

#include <stdio.h>
#include <stdlib.h>

/* Writes record number sequence under the lock, then signals readers. */
static int publish(struct telemetry *shared, HANDLE lock, HANDLE ready, DWORD sequence, int done)
{
	struct telemetry t;
	DWORD r;

	ZeroMemory(&t, sizeof(t));
	t.magic = TELEMETRY_MAGIC;
	t.sequence = sequence;
	t.timestamp_ms = GetTickCount64();
	t.temperature = 20.0 + (double)(sequence % 50) / 10.0;
	t.pressure = 1013.25 + (double)(sequence % 7);
	t.rpm = (LONG)(1000 + sequence * 3 % 500);
	t.done = done ? 1 : 0;
	t.checksum = telemetry_checksum(&t);

	r = WaitForSingleObject(lock, INFINITE);
	if (r != WAIT_OBJECT_0 && r != WAIT_ABANDONED) {
		fprintf(stderr, "producer: cannot take the lock (%lu)\n",
			(unsigned long)GetLastError());
		return -1;
	}
	CopyMemory(shared, &t, sizeof(t));
	ReleaseMutex(lock);
	SetEvent(ready);
	return 0;
}

int main(int argc, char **argv)
{
	DWORD records = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 10) : 200;
	DWORD interval = argc > 2 ? (DWORD)strtoul(argv[2], NULL, 10) : 10;
	HANDLE section, lock, ready;
	struct telemetry *shared;
	DWORD i;
	int status = 0;

	section = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
				    sizeof(struct telemetry), TELEMETRY_SECTION);
	if (!section) {
		fprintf(stderr, "producer: CreateFileMapping failed (%lu)\n",
			(unsigned long)GetLastError());
		return 1;
	}
	lock = CreateMutex(NULL, FALSE, TELEMETRY_LOCK);
	ready = CreateEvent(NULL, FALSE, FALSE, TELEMETRY_READY); /* auto-reset */
	shared = (struct telemetry *)MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0);
	if (!lock || !ready || !shared) {
		fprintf(stderr, "producer: cannot set up (%lu)\n", (unsigned long)GetLastError());
		return 1;
	}
	for (i = 1; i <= records && status == 0; i++) {
		status = publish(shared, lock, ready, i, 0);
		Sleep(interval);
	}
	if (status == 0)
		status = publish(shared, lock, ready, records + 1, 1);
	printf("producer: wrote %lu records and a last one\n", (unsigned long)records);

	/* A consumer that has opened the objects keeps them alive: the
	 * producer may go at once. */
	UnmapViewOfFile(shared);
	CloseHandle(ready);
	CloseHandle(lock);
	CloseHandle(section);
	return status == 0 ? 0 : 1;
}
