/* SPDX-License-Identifier: MIT */
/*
 * second_process.c - the second half of the two-process shared-memory
 * sample, in plain Win32 C, after the pattern of Microsoft's "Creating
 * Named Shared Memory".  It opens Local\MyFileMappingObject by name,
 * without knowing its size, maps it, and prints the message (Microsoft's
 * sample shows it in a message box) and the size of the view.
 */
#include <windows.h>
#include <stdio.h>
#include <tchar.h>

#define BUF_SIZE 256

static TCHAR szName[] = TEXT("Local\\MyFileMappingObject");

int _tmain(void)
{
	MEMORY_BASIC_INFORMATION info;
	HANDLE hMapFile;
	LPCTSTR pBuf;

	hMapFile = OpenFileMapping(FILE_MAP_ALL_ACCESS, /* read/write access */
				   FALSE,               /* do not inherit the name */
				   szName);             /* name of mapping object */
	if (hMapFile == NULL) {
		_tprintf(TEXT("Could not open file mapping object (%lu).\n"),
			 (unsigned long)GetLastError());
		return 1;
	}
	pBuf = (LPTSTR)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
	if (pBuf == NULL) {
		_tprintf(TEXT("Could not map view of file (%lu).\n"), (unsigned long)GetLastError());
		CloseHandle(hMapFile);
		return 1;
	}
	VirtualQuery(pBuf, &info, sizeof(info));
	_tprintf(TEXT("second_process: read \"%s\" (a view of %lu bytes: %d rounded to a page)\n"),
		 pBuf, (unsigned long)info.RegionSize, BUF_SIZE);

	UnmapViewOfFile(pBuf);
	CloseHandle(hMapFile);
	return 0;
}
