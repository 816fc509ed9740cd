/* SPDX-License-Identifier: MIT */
/*
 * dashboard.c - a telemetry reader written the way game telemetry tools
 * are written for Windows: _tmain and _tprintf, the game's process found
 * by its exe name in a Toolhelp snapshot before its memory is mapped, and
 * a `while (!_kbhit())` loop printing the shared record until a key is
 * pressed or the game ends.  The "game" is producer.c (see telemetry.h).
 *
 * It builds unchanged with mingw-w64, and on Linux with nothing but
 * `pkg-config --cflags --libs filemap-win32`, with or without UNICODE and
 * _UNICODE: on Linux the producer is found as "producer.exe", the name
 * its Windows build would have.
 *
 *   usage: dashboard [EXE_NAME [STARTUP_WAIT_MS]]   (producer.exe, 10000)
 *   try:   ./dashboard & ./producer 300 20          (a key stops it early)
 */
#include "telemetry.h"

#include <conio.h>
#include <stdio.h>
#include <stdlib.h>
#include <tchar.h>
#include <tlhelp32.h>

#define RETRY_MS 50

/* The id of a running process called name, or 0. */
static DWORD find_process(const TCHAR *name)
{
	PROCESSENTRY32 entry;
	DWORD id = 0;
	HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);

	if (snapshot == INVALID_HANDLE_VALUE)
		return 0;
	ZeroMemory(&entry, sizeof(entry));
	entry.dwSize = sizeof(entry);
	if (Process32First(snapshot, &entry)) {
		do {
			if (_tcsicmp(entry.szExeFile, name) == 0)
				id = entry.th32ProcessID;
		} while (!id && Process32Next(snapshot, &entry));
	}
	CloseHandle(snapshot);
	return id;
}

/* Waits for the game and its objects: its process (to notice when it
 * ends), the section, the lock and the event.  0, or -1 on a timeout. */
static int attach(const TCHAR *exe, DWORD startup_ms, HANDLE objects[4])
{
	DWORD waited, id = 0;

	ZeroMemory(objects, 4 * sizeof(HANDLE));
	for (waited = 0; waited <= startup_ms; waited += RETRY_MS) {
		if (!id && (id = find_process(exe)) != 0)
			objects[0] = OpenProcess(SYNCHRONIZE, FALSE, id);
		if (objects[0] && !objects[1])
			objects[1] = OpenFileMapping(FILE_MAP_READ, FALSE, TELEMETRY_SECTION);
		if (objects[1] && !objects[2])
			objects[2] = OpenMutex(SYNCHRONIZE, FALSE, TELEMETRY_LOCK);
		if (objects[2] && !objects[3])
			objects[3] = OpenEvent(SYNCHRONIZE, FALSE, TELEMETRY_READY);
		if (objects[3])
			return 0;
		Sleep(RETRY_MS);
	}
	return -1;
}

/* Copies the record under the lock; FALSE when the lock is gone. */
static BOOL read_record(struct telemetry *out, const struct telemetry *shared, HANDLE lock)
{
	DWORD r = WaitForSingleObject(lock, 1000);

	if (r != WAIT_OBJECT_0 && r != WAIT_ABANDONED)
		return FALSE;
	CopyMemory(out, shared, sizeof(*out));
	ReleaseMutex(lock);
	return TRUE;
}

int _tmain(int argc, _TCHAR *argv[])
{
	const TCHAR *exe = argc > 1 ? argv[1] : _T("producer.exe");
	DWORD startup_ms = argc > 2 ? (DWORD)_tcstoul(argv[2], NULL, 10) : 10000;
	DWORD shown = 0, last = 0, r;
	HANDLE objects[4], waits[2];
	const struct telemetry *shared;
	struct telemetry t;
	const TCHAR *why = _T("a key was pressed");

	_tprintf(_T("dashboard: looking for %s...\n"), exe);
	if (attach(exe, startup_ms, objects) < 0) {
		_tprintf(_T("dashboard: %s is not running (%lu)\n"), exe,
			 (unsigned long)GetLastError());
		return 1;
	}
	shared = (const struct telemetry *)MapViewOfFile(objects[1], FILE_MAP_READ, 0, 0, 0);
	if (!shared) {
		_tprintf(_T("dashboard: MapViewOfFile failed (%lu)\n"), (unsigned long)GetLastError());
		return 1;
	}
	_tprintf(_T("dashboard: found %s, reading %s\n"), exe, TELEMETRY_SECTION);
	waits[0] = objects[3];
	waits[1] = objects[0];
	while (!_kbhit()) {
		r = WaitForMultipleObjects(2, waits, FALSE, 1000);
		if (r == WAIT_OBJECT_0 + 1) {
			why = _T("the game ended");
			break;
		}
		if (r != WAIT_OBJECT_0 || !read_record(&t, shared, objects[2]))
			continue;
		if (t.checksum != telemetry_checksum(&t) || t.sequence == last)
			continue;
		last = t.sequence;
		if (shown++ % 50 == 0)
			_tprintf(_T("#%5lu  %6.2f C  %8.2f hPa  %5ld rpm\n"), (unsigned long)t.sequence,
				 t.temperature, t.pressure, (long)t.rpm);
		if (t.done) {
			why = _T("the last record came");
			break;
		}
	}
	_tprintf(_T("dashboard: %lu records, last #%lu, stopped: %s\n"), (unsigned long)shown,
		 (unsigned long)last, why);
	UnmapViewOfFile(shared);
	for (r = 0; r < 4; r++)
		CloseHandle(objects[r]);
	return last ? 0 : 1;
}
