/* SPDX-License-Identifier: MIT */
/*
 * TlHelp32.h - process snapshots: CreateToolhelp32Snapshot with
 * TH32CS_SNAPPROCESS, walked with Process32First/Next (A and W), over
 * /proc.  Each process is named as Windows would name its image: a Wine
 * process by its Windows executable ("Game64.exe"), a Linux one by its
 * executable's file name with ".exe" appended ("producer.exe"), so a
 * reader looking for a game's process finds it, and its native stand-in.
 * The parent's id, the thread count and the base priority (from the nice
 * value) are filled in; kernel threads keep their bare names.  Snapshots
 * of modules, threads and heaps are not provided (a snapshot without
 * TH32CS_SNAPPROCESS lists nothing).  Close a snapshot with CloseHandle.
 */
#ifndef FILEMAP_WIN32_TLHELP32_H
#define FILEMAP_WIN32_TLHELP32_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TH32CS_SNAPHEAPLIST 0x00000001
#define TH32CS_SNAPPROCESS  0x00000002
#define TH32CS_SNAPTHREAD   0x00000004
#define TH32CS_SNAPMODULE   0x00000008
#define TH32CS_SNAPMODULE32 0x00000010
#define TH32CS_SNAPALL      0x0000000F
#define TH32CS_INHERIT      0x80000000

typedef struct tagPROCESSENTRY32W {
	DWORD dwSize;
	DWORD cntUsage;
	DWORD th32ProcessID;
	ULONG_PTR th32DefaultHeapID;
	DWORD th32ModuleID;
	DWORD cntThreads;
	DWORD th32ParentProcessID;
	LONG pcPriClassBase;
	DWORD dwFlags;
	WCHAR szExeFile[MAX_PATH];
} PROCESSENTRY32W, *PPROCESSENTRY32W, *LPPROCESSENTRY32W;

typedef struct tagPROCESSENTRY32 {
	DWORD dwSize;
	DWORD cntUsage;
	DWORD th32ProcessID;
	ULONG_PTR th32DefaultHeapID;
	DWORD th32ModuleID;
	DWORD cntThreads;
	DWORD th32ParentProcessID;
	LONG pcPriClassBase;
	DWORD dwFlags;
	CHAR szExeFile[MAX_PATH];
} PROCESSENTRY32, *PPROCESSENTRY32, *LPPROCESSENTRY32;

/* INVALID_HANDLE_VALUE on failure.  th32ProcessID is ignored for
 * processes, as on Windows. */
FM_W32_API HANDLE WINAPI CreateToolhelp32Snapshot(DWORD dwFlags, DWORD th32ProcessID);
/* FALSE with ERROR_NO_MORE_FILES past the last process;
 * ERROR_BAD_LENGTH when dwSize is below the structure's size. */
FM_W32_API BOOL WINAPI Process32First(HANDLE hSnapshot, LPPROCESSENTRY32 lppe);
FM_W32_API BOOL WINAPI Process32Next(HANDLE hSnapshot, LPPROCESSENTRY32 lppe);
FM_W32_API BOOL WINAPI Process32FirstW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe)
	FM_W32_WIDE(Process32FirstW);
FM_W32_API BOOL WINAPI Process32NextW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe)
	FM_W32_WIDE(Process32NextW);

#ifdef UNICODE
#define Process32First   Process32FirstW
#define Process32Next    Process32NextW
#define PROCESSENTRY32   PROCESSENTRY32W
#define PPROCESSENTRY32  PPROCESSENTRY32W
#define LPPROCESSENTRY32 LPPROCESSENTRY32W
#endif

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_TLHELP32_H */
