/* SPDX-License-Identifier: MIT */
/*
 * worker-win32.c - the comparison cases written as a Windows program:
 * CreateFileMapping / OpenFileMapping / MapViewOfFile / UnmapViewOfFile /
 * CloseHandle, and CreateMutex + WaitForSingleObject + ReleaseMutex.  The
 * same source builds against filemap's <windows.h> (filemap's Win32
 * layer) and with mingw-w64 as a Windows program that run.py runs under
 * Wine, so the two answer the same requests.  Driven by bench/run.py (see
 * worker.h).
 */
#include "worker.h"

#include <windows.h>

#include <stdio.h>

static HANDLE held_small, held_large, held_shared, mutex;
static char message[256];
static char created[128], held_name[128], shared_name[128];

const char *worker_error(void)
{
	return message;
}

static int fail(const char *what)
{
	snprintf(message, sizeof(message), "%s: error %lu", what, (unsigned long)GetLastError());
	return -1;
}

/* A named section of size bytes (below 4 GiB). */
static HANDLE make(const char *name, unsigned long long size)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)size,
				      name);

	if (!h)
		fail(name);
	else if (GetLastError() == ERROR_ALREADY_EXISTS) {
		snprintf(message, sizeof(message), "%s: already exists", name);
		CloseHandle(h);
		h = NULL;
	}
	return h;
}

/* Maps all of h, touching size bytes of it if asked, and unmaps it. */
static int map_unmap(HANDLE h, unsigned long long touch)
{
	void *v = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);

	if (!v)
		return fail("MapViewOfFile");
	worker_touch(v, touch);
	return UnmapViewOfFile(v) ? 0 : fail("UnmapViewOfFile");
}

static int lifecycle(void)
{
	HANDLE h = make(created, WORKER_SMALL);
	int r;

	if (!h)
		return -1;
	r = map_unmap(h, 0);
	CloseHandle(h);
	return r;
}

static int prepare_small(void)
{
	worker_name(created, sizeof(created), "Local\\", "created");
	worker_name(held_name, sizeof(held_name), "Local\\", "held");
	if (!held_small)
		held_small = make(held_name, WORKER_SMALL);
	return held_small ? 0 : -1;
}

/* The holder's side of "open": the name exists while this worker lives. */
static int prepare_hold(void)
{
	worker_shared_name(shared_name, sizeof(shared_name), "Local\\", "held");
	if (!held_shared)
		held_shared = make(shared_name, WORKER_SMALL);
	return held_shared ? 0 : -1;
}

static int hold_nothing(void)
{
	return 0;
}

static int prepare_open(void)
{
	worker_shared_name(shared_name, sizeof(shared_name), "Local\\", "held");
	return 0;
}

/* Opens the name another process holds, maps all of it, unmaps, closes. */
static int open_existing(void)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, shared_name);
	int r;

	if (!h)
		return fail(shared_name);
	r = map_unmap(h, 0);
	CloseHandle(h);
	return r;
}

/* A second handle to a section this process holds: by its name... */
static int open_again(void)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, held_name);

	if (!h)
		return fail(held_name);
	return CloseHandle(h) ? 0 : fail("CloseHandle");
}

/* ... and by duplicating the handle. */
static int dup_handle(void)
{
	HANDLE h;

	if (!DuplicateHandle(GetCurrentProcess(), held_small, GetCurrentProcess(), &h, 0, FALSE,
			     DUPLICATE_SAME_ACCESS))
		return fail("DuplicateHandle");
	return CloseHandle(h) ? 0 : fail("CloseHandle");
}

static int prepare_large(void)
{
	char name[128];

	worker_name(name, sizeof(name), "Local\\", "large");
	if (!held_large)
		held_large = make(name, WORKER_LARGE);
	return held_large ? 0 : -1;
}

static int map_small(void) { return map_unmap(held_small, 0); }
static int map_small_touched(void) { return map_unmap(held_small, WORKER_SMALL); }
static int map_large(void) { return map_unmap(held_large, 0); }
static int map_large_touched(void) { return map_unmap(held_large, WORKER_LARGE); }

static int prepare_mutex(void)
{
	char name[128];

	worker_name(name, sizeof(name), "Local\\", "mutex");
	mutex = CreateMutexA(NULL, FALSE, name);
	return mutex ? 0 : fail(name);
}

static int lock_unlock(void)
{
	if (WaitForSingleObject(mutex, INFINITE) != WAIT_OBJECT_0)
		return fail("WaitForSingleObject");
	return ReleaseMutex(mutex) ? 0 : fail("ReleaseMutex");
}

const struct worker_case worker_cases[] = {
	WORKER_COMMON_CASES,
	{ "open-again", prepare_small, open_again },
	{ "dup", prepare_small, dup_handle },
	{ NULL, NULL, NULL },
};

void worker_cleanup(void)
{
	if (held_small)
		CloseHandle(held_small);
	if (held_large)
		CloseHandle(held_large);
	if (held_shared)
		CloseHandle(held_shared);
	if (mutex)
		CloseHandle(mutex);
}
