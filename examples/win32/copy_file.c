/* SPDX-License-Identifier: MIT */
/*
 * copy_file.c - copies a file through two file mappings, in plain Win32 C,
 * after the classic pattern: map the source read-only, create the
 * destination at the source's size by mapping it read-write with that size
 * (which grows the new file), then copy window by window.  It builds
 * unchanged on Windows (also with mingw-w64) and, with
 * `pkg-config --cflags --libs filemap-win32`, on Linux.
 *
 * Each window is a view of a few hundred MiB of each file, at an offset
 * that is a multiple of the 64 KiB allocation granularity, so files far
 * larger than the address space a 32-bit program has still copy; the last
 * window is shorter.  Offsets and sizes pass as high and low DWORDs, so
 * files past 4 GiB work.  An empty source makes an empty destination: an
 * empty file cannot be mapped.
 *
 *   usage: copy_file SRC DST
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

/* The bytes one view maps: 256 MiB, a multiple of the granularity. */
#define WINDOW ((ULONGLONG)256 * 1024 * 1024)

static void fail(const char *what)
{
	fprintf(stderr, "copy_file: %s failed (error %lu)\n", what, (unsigned long)GetLastError());
	exit(1);
}

int main(int argc, char **argv)
{
	HANDLE hSrc, hDst, hSrcMap, hDstMap;
	LARGE_INTEGER size;
	ULONGLONG offset, total;
	SYSTEM_INFO si;
	SIZE_T chunk;
	LPVOID pSrc, pDst;

	if (argc != 3) {
		fprintf(stderr, "usage: copy_file SRC DST\n");
		return 2;
	}
	GetSystemInfo(&si);
	if (WINDOW % si.dwAllocationGranularity != 0) {
		fprintf(stderr, "copy_file: unexpected allocation granularity %lu\n",
			(unsigned long)si.dwAllocationGranularity);
		return 1;
	}

	hSrc = CreateFileA(argv[1], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
			   FILE_ATTRIBUTE_NORMAL, NULL);
	if (hSrc == INVALID_HANDLE_VALUE)
		fail("CreateFile(SRC)");
	if (!GetFileSizeEx(hSrc, &size))
		fail("GetFileSizeEx(SRC)");
	total = (ULONGLONG)size.QuadPart;

	hDst = CreateFileA(argv[2], GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
			   FILE_ATTRIBUTE_NORMAL, NULL);
	if (hDst == INVALID_HANDLE_VALUE)
		fail("CreateFile(DST)");
	if (total == 0) {
		/* Nothing to map: the new, empty destination is the copy. */
		CloseHandle(hDst);
		CloseHandle(hSrc);
		return 0;
	}

	/* Size 0: the whole source. */
	hSrcMap = CreateFileMappingA(hSrc, NULL, PAGE_READONLY, 0, 0, NULL);
	if (hSrcMap == NULL)
		fail("CreateFileMapping(SRC)");
	/* The source's size as two DWORDs: the new file grows to it. */
	hDstMap = CreateFileMappingA(hDst, NULL, PAGE_READWRITE, (DWORD)(total >> 32),
				     (DWORD)(total & 0xFFFFFFFFu), NULL);
	if (hDstMap == NULL)
		fail("CreateFileMapping(DST)");

	for (offset = 0; offset < total; offset += chunk) {
		chunk = (SIZE_T)(total - offset < WINDOW ? total - offset : WINDOW);
		pSrc = MapViewOfFile(hSrcMap, FILE_MAP_READ, (DWORD)(offset >> 32),
				     (DWORD)(offset & 0xFFFFFFFFu), chunk);
		if (pSrc == NULL)
			fail("MapViewOfFile(SRC)");
		pDst = MapViewOfFile(hDstMap, FILE_MAP_WRITE, (DWORD)(offset >> 32),
				     (DWORD)(offset & 0xFFFFFFFFu), chunk);
		if (pDst == NULL)
			fail("MapViewOfFile(DST)");
		CopyMemory(pDst, pSrc, chunk);
		if (!UnmapViewOfFile(pDst))
			fail("UnmapViewOfFile(DST)");
		if (!UnmapViewOfFile(pSrc))
			fail("UnmapViewOfFile(SRC)");
	}

	CloseHandle(hDstMap);
	CloseHandle(hSrcMap);
	CloseHandle(hDst);
	CloseHandle(hSrc);
	return 0;
}
