/* SPDX-License-Identifier: MIT */
/*
 * first_process.c - the first half of the two-process shared-memory
 * sample, in plain Win32 C, after the pattern of Microsoft's "Creating
 * Named Shared Memory".  It builds unchanged on Windows and, with
 * `pkg-config --cflags --libs filemap-win32`, on Linux.
 *
 * It creates the 256-byte section Local\MyFileMappingObject, copies a
 * message into it, and keeps its handle while the second process reads:
 * a named section lives only as long as someone holds a handle to it.
 * Microsoft's sample waits for a key; this one runs the second process
 * itself when given its command, and waits for a key otherwise.
 *
 *   usage: first_process [SECOND_PROCESS_COMMAND]
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <tchar.h>

#define BUF_SIZE 256

static TCHAR szName[] = TEXT("Local\\MyFileMappingObject");
static TCHAR szMsg[] = TEXT("Message from first process.");

int _tmain(int argc, char **argv)
{
	HANDLE hMapFile;
	LPCTSTR pBuf;
	int status = 0;

	hMapFile = CreateFileMapping(INVALID_HANDLE_VALUE, /* use the paging file */
				     NULL,                 /* default security */
				     PAGE_READWRITE,       /* read/write access */
				     0,                    /* maximum object size (high DWORD) */
				     BUF_SIZE,             /* maximum object size (low DWORD) */
				     szName);              /* name of the mapping object */
	if (hMapFile == NULL) {
		_tprintf(TEXT("Could not create file mapping object (%lu).\n"),
			 (unsigned long)GetLastError());
		return 1;
	}
	pBuf = (LPTSTR)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
	if (pBuf == NULL) {
		_tprintf(TEXT("Could not map view of file (%lu).\n"), (unsigned long)GetLastError());
		CloseHandle(hMapFile);
		return 1;
	}
	CopyMemory((PVOID)pBuf, szMsg, sizeof(szMsg));
	_tprintf(TEXT("first_process: wrote the message into Local\\MyFileMappingObject\n"));
	fflush(stdout);

	if (argc > 1) {
		/* The second process opens the section by name while we hold it. */
		status = system(argv[1]) == 0 ? 0 : 1;
	} else {
		_tprintf(TEXT("Run second_process now, then press Enter.\n"));
		getchar();
	}

	UnmapViewOfFile(pBuf);
	CloseHandle(hMapFile);
	return status;
}
