/* SPDX-License-Identifier: MIT */
/*
 * telemetry.h - what producer.c and consumer.c agree on: the names of the
 * three shared objects and the record the section holds.
 *
 * The pattern is "latest value": the producer overwrites one record many
 * times a second and signals an auto-reset event each time; a consumer
 * wakes, copies the record and checks it.  A consumer that is slower than
 * the producer misses some records, which is fine: it always gets the
 * latest one, never a torn one.
 *
 * Torn reads are prevented with a named mutex rather than a seqlock: a
 * seqlock needs atomic operations and memory barriers that plain Win32 C
 * spells with compiler-specific intrinsics, while a mutex is one
 * WaitForSingleObject / ReleaseMutex pair, costs little when uncontended,
 * and tells the consumer (WAIT_ABANDONED) when a producer died in the
 * middle of a write.  The checksum then proves what the mutex promises.
 */
#ifndef TELEMETRY_H
#define TELEMETRY_H

#include <windows.h>
#include <stddef.h>

#define TELEMETRY_SECTION TEXT("Local\\filemap-telemetry")
#define TELEMETRY_LOCK    TEXT("Local\\filemap-telemetry-lock")
#define TELEMETRY_READY   TEXT("Local\\filemap-telemetry-ready")

#define TELEMETRY_MAGIC 0x4d4c4554u /* "TELM" */

struct telemetry {
	DWORD magic;
	DWORD sequence;         /* 1, 2, ... in the order written; 0: none yet */
	ULONGLONG timestamp_ms; /* the producer's GetTickCount64() */
	double temperature;     /* made-up readings */
	double pressure;
	LONG rpm;
	DWORD done;             /* nonzero in the producer's last record */
	DWORD checksum;         /* FNV-1a of every byte before it */
};

/* FNV-1a over the record up to its checksum (the fields leave no padding
 * before it). */
static DWORD telemetry_checksum(const struct telemetry *t)
{
	const BYTE *p = (const BYTE *)t;
	DWORD hash = 2166136261u;
	size_t i;

	for (i = 0; i < offsetof(struct telemetry, checksum); i++)
		hash = (hash ^ p[i]) * 16777619u;
	return hash;
}

#endif /* TELEMETRY_H */
