/* SPDX-License-Identifier: MIT */
/*
 * winbase.h - the calls libfilemap-win32 implements, with Windows'
 * signatures.  <windows.h> includes it; including it alone works too.
 *
 * What each call does, and which last error it sets, follows Windows (the
 * project's WIN32-BEHAVIOUR.md is the reference): a successful call leaves
 * the last error alone, except where Windows sets it (CreateFileMapping,
 * CreateFile and the Create* of mutexes, events and semaphores set 0 or
 * ERROR_ALREADY_EXISTS).  A HANDLE is a file descriptor
 * in disguise, so an inheritable handle keeps its value across exec.
 */
#ifndef FILEMAP_WIN32_WINBASE_H
#define FILEMAP_WIN32_WINBASE_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Errors: the calling thread's last error. */
FM_W32_API DWORD WINAPI GetLastError(void);
FM_W32_API void WINAPI SetLastError(DWORD dwErrCode);

/* Sections (file mappings).  hFile INVALID_HANDLE_VALUE: paging-file
 * backed; a handle from CreateFile: that file, which must be open for read
 * (and write, for PAGE_READWRITE).  Size 0 means the file's size; a larger
 * PAGE_READWRITE section grows the file when it is created. */
FM_W32_API HANDLE WINAPI CreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes,
					    DWORD flProtect, DWORD dwMaximumSizeHigh,
					    DWORD dwMaximumSizeLow, LPCSTR lpName);
FM_W32_API HANDLE WINAPI CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes,
					    DWORD flProtect, DWORD dwMaximumSizeHigh,
					    DWORD dwMaximumSizeLow, LPCWSTR lpName)
	FM_W32_WIDE(CreateFileMappingW);
FM_W32_API HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					  LPCSTR lpName);
FM_W32_API HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					  LPCWSTR lpName) FM_W32_WIDE(OpenFileMappingW);

/* Views.  Offsets are multiples of 65536 (dwAllocationGranularity), and so
 * is every view's base address. */
FM_W32_API LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
				       DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
				       SIZE_T dwNumberOfBytesToMap);
FM_W32_API LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
					 DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
					 SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress);
FM_W32_API BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress);
FM_W32_API BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush);
FM_W32_API SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
				      SIZE_T dwLength);

/* Virtual memory.  VirtualAlloc reserves (MEM_RESERVE: a range on a 64 KiB
 * boundary, no access) and commits (MEM_COMMIT: a protection, zero-filled
 * pages) private memory, and commits pages of a view of a SEC_RESERVE
 * paging-file section, for every view of it; VirtualFree decommits or
 * releases what VirtualAlloc allocated (never a view); VirtualProtect
 * changes committed pages' protection, within what a view allows, and
 * returns the old one.  Errors as Windows gives them: 487 for a wrong or
 * uncommitted range, 87 for a bad size, type or protection, 5 for a
 * commit through a view of a file. */
FM_W32_API LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
				      DWORD flProtect);
FM_W32_API BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
FM_W32_API BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
				      PDWORD lpflOldProtect);
FM_W32_API void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
FM_W32_API void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo);

/* Handles and processes. */
#define HANDLE_FLAG_INHERIT            0x00000001
#define HANDLE_FLAG_PROTECT_FROM_CLOSE 0x00000002
FM_W32_API BOOL WINAPI CloseHandle(HANDLE hObject);
FM_W32_API BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
				       HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
				       DWORD dwDesiredAccess, BOOL bInheritHandle,
				       DWORD dwOptions);
FM_W32_API BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
FM_W32_API BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);
FM_W32_API HANDLE WINAPI GetCurrentProcess(void);
FM_W32_API DWORD WINAPI GetCurrentProcessId(void);
FM_W32_API DWORD WINAPI GetCurrentThreadId(void);

/* Threads.  A thread handle is signalled, for good, when its thread ends;
 * waits take it beside mutexes, events and semaphores.  GetExitCodeThread
 * gives STILL_ACTIVE until then, then what the thread's function returned
 * or ExitThread was given.  GetCurrentThread() is a pseudo-handle, which
 * DuplicateHandle turns into a real one. */
FM_W32_API HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes,
				      SIZE_T dwStackSize, LPTHREAD_START_ROUTINE lpStartAddress,
				      LPVOID lpParameter, DWORD dwCreationFlags,
				      LPDWORD lpThreadId);
FM_W32_API void WINAPI ExitThread(DWORD dwExitCode) __attribute__((noreturn));
FM_W32_API DWORD WINAPI ResumeThread(HANDLE hThread);
FM_W32_API BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
FM_W32_API DWORD WINAPI GetThreadId(HANDLE Thread);
FM_W32_API HANDLE WINAPI GetCurrentThread(void);
/* Process handles: a process's handle is signalled when it ends (wait on
 * it with SYNCHRONIZE).  Opening another user's process needs root
 * (ERROR_ACCESS_DENIED); a pid naming no process gives
 * ERROR_INVALID_PARAMETER.  GetExitCodeProcess answers STILL_ACTIVE while
 * the process runs; once it has ended, the exit code of a child of the
 * caller (128 + N if signal N killed it), or 0 for any other process, whose
 * status Linux keeps for its parent only. */
#define PROCESS_TERMINATE                 0x0001
#define PROCESS_CREATE_THREAD             0x0002
#define PROCESS_SET_SESSIONID             0x0004
#define PROCESS_VM_OPERATION              0x0008
#define PROCESS_VM_READ                   0x0010
#define PROCESS_VM_WRITE                  0x0020
#define PROCESS_DUP_HANDLE                0x0040
#define PROCESS_CREATE_PROCESS            0x0080
#define PROCESS_SET_QUOTA                 0x0100
#define PROCESS_SET_INFORMATION           0x0200
#define PROCESS_QUERY_INFORMATION         0x0400
#define PROCESS_SUSPEND_RESUME            0x0800
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000
#define PROCESS_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)
#define STILL_ACTIVE 259
FM_W32_API HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle,
				     DWORD dwProcessId);
FM_W32_API BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode);
FM_W32_API DWORD WINAPI GetProcessId(HANDLE Process);

/* Priority classes, on the nice value of every thread of the process:
 * IDLE 19, BELOW_NORMAL 10, NORMAL 0, ABOVE_NORMAL -5, HIGH -10,
 * REALTIME -20 (the scheduler's policy is not changed).  Raising it needs
 * root or CAP_SYS_NICE on Linux (else ERROR_ACCESS_DENIED); the handle
 * needs PROCESS_SET_INFORMATION, or PROCESS_QUERY_(LIMITED_)INFORMATION to
 * read it.  GetPriorityClass gives the class whose range holds the nice
 * value (0 with the last error set on failure). */
#define IDLE_PRIORITY_CLASS         0x00000040
#define BELOW_NORMAL_PRIORITY_CLASS 0x00004000
#define NORMAL_PRIORITY_CLASS       0x00000020
#define ABOVE_NORMAL_PRIORITY_CLASS 0x00008000
#define HIGH_PRIORITY_CLASS         0x00000080
#define REALTIME_PRIORITY_CLASS     0x00000100
FM_W32_API BOOL WINAPI SetPriorityClass(HANDLE hProcess, DWORD dwPriorityClass);
FM_W32_API DWORD WINAPI GetPriorityClass(HANDLE hProcess);

/* The command line, rebuilt from the arguments with Windows' quoting (so
 * CommandLineToArgvW gives them back), valid for the program's life.  The
 * W form decodes them as wmain's arguments are. */
FM_W32_API LPSTR WINAPI GetCommandLineA(void);
FM_W32_API LPWSTR WINAPI GetCommandLineW(void) FM_W32_WIDE(GetCommandLineW);
/* The program's own path (hModule NULL; any other: ERROR_MOD_NOT_FOUND),
 * a Linux path.  The length copied, or nSize with the path truncated,
 * terminated, and ERROR_INSUFFICIENT_BUFFER when it does not fit. */
FM_W32_API DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize);
FM_W32_API DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize)
	FM_W32_WIDE(GetModuleFileNameW);

/* Local memory: the C heap.  LMEM_MOVEABLE memory does not move (its
 * handle is its address, which LocalLock returns); LMEM_ZEROINIT zeroes
 * it; other flags are ERROR_INVALID_PARAMETER.  LocalFree frees a block
 * LocalAlloc gave (or nothing, for NULL) and returns NULL. */
#define LMEM_FIXED    0x0000
#define LMEM_MOVEABLE 0x0002
#define LMEM_ZEROINIT 0x0040
#define LPTR          (LMEM_FIXED | LMEM_ZEROINIT)
#define LHND          (LMEM_MOVEABLE | LMEM_ZEROINIT)
FM_W32_API HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
FM_W32_API HLOCAL WINAPI LocalFree(HLOCAL hMem);
FM_W32_API LPVOID WINAPI LocalLock(HLOCAL hMem);
FM_W32_API BOOL WINAPI LocalUnlock(HLOCAL hMem);

/* Mutexes, events and semaphores: named ones share the sections'
 * namespace (a name taken by another type: NULL, ERROR_INVALID_HANDLE).
 * Create* of an existing name returns it with ERROR_ALREADY_EXISTS and
 * ignores the call's initial state; a fresh one sets the last error to 0.
 * Rights: waiting needs SYNCHRONIZE; SetEvent, ResetEvent and PulseEvent
 * need EVENT_MODIFY_STATE; ReleaseSemaphore SEMAPHORE_MODIFY_STATE;
 * ReleaseMutex needs none, only ownership. */
FM_W32_API HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
				      LPCSTR lpName);
FM_W32_API HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
				      LPCWSTR lpName) FM_W32_WIDE(CreateMutexW);
FM_W32_API HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCSTR lpName,
					DWORD dwFlags, DWORD dwDesiredAccess);
FM_W32_API HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCWSTR lpName,
					DWORD dwFlags, DWORD dwDesiredAccess)
	FM_W32_WIDE(CreateMutexExW);
FM_W32_API HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
FM_W32_API HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
	FM_W32_WIDE(OpenMutexW);
FM_W32_API BOOL WINAPI ReleaseMutex(HANDLE hMutex);

FM_W32_API HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
				      BOOL bInitialState, LPCSTR lpName);
FM_W32_API HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
				      BOOL bInitialState, LPCWSTR lpName)
	FM_W32_WIDE(CreateEventW);
FM_W32_API HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName,
					DWORD dwFlags, DWORD dwDesiredAccess);
FM_W32_API HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName,
					DWORD dwFlags, DWORD dwDesiredAccess)
	FM_W32_WIDE(CreateEventExW);
FM_W32_API HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
FM_W32_API HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
	FM_W32_WIDE(OpenEventW);
FM_W32_API BOOL WINAPI SetEvent(HANDLE hEvent);
FM_W32_API BOOL WINAPI ResetEvent(HANDLE hEvent);
FM_W32_API BOOL WINAPI PulseEvent(HANDLE hEvent);

FM_W32_API HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					  LONG lInitialCount, LONG lMaximumCount, LPCSTR lpName);
FM_W32_API HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					  LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName)
	FM_W32_WIDE(CreateSemaphoreW);
FM_W32_API HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					    LONG lInitialCount, LONG lMaximumCount, LPCSTR lpName,
					    DWORD dwFlags, DWORD dwDesiredAccess);
FM_W32_API HANDLE WINAPI CreateSemaphoreExW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					    LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName,
					    DWORD dwFlags, DWORD dwDesiredAccess)
	FM_W32_WIDE(CreateSemaphoreExW);
FM_W32_API HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					LPCSTR lpName);
FM_W32_API HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					LPCWSTR lpName) FM_W32_WIDE(OpenSemaphoreW);
FM_W32_API BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
					LPLONG lpPreviousCount);

/* Waits.  Timeouts in milliseconds, INFINITE never gives up.  Results:
 * WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i (a mutex whose owner died: the
 * caller owns it now), WAIT_TIMEOUT (last error unchanged), WAIT_FAILED.
 * There are no APCs here: bAlertable is accepted and changes nothing. */
FM_W32_API DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
FM_W32_API DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds,
					      BOOL bAlertable);
FM_W32_API DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles,
					       BOOL bWaitAll, DWORD dwMilliseconds);
FM_W32_API DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
						 BOOL bWaitAll, DWORD dwMilliseconds,
						 BOOL bAlertable);
/* Signals hObjectToSignal (releases a mutex the thread owns, sets an event,
 * releases a semaphore by 1), then waits on hObjectToWaitOn; a signal that
 * fails is the call's failure (WAIT_FAILED), and nothing is waited on. */
FM_W32_API DWORD WINAPI SignalObjectAndWait(HANDLE hObjectToSignal, HANDLE hObjectToWaitOn,
					    DWORD dwMilliseconds, BOOL bAlertable);

/* Files. */
FM_W32_API HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
				     DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
				     DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
				     HANDLE hTemplateFile);
FM_W32_API HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
				     DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
				     DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
				     HANDLE hTemplateFile) FM_W32_WIDE(CreateFileW);
FM_W32_API BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
				LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
FM_W32_API BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
				 LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
FM_W32_API DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove,
				       PLONG lpDistanceToMoveHigh, DWORD dwMoveMethod);
FM_W32_API BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
					PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod);
FM_W32_API BOOL WINAPI SetEndOfFile(HANDLE hFile);
FM_W32_API DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh);
FM_W32_API BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize);
FM_W32_API BOOL WINAPI DeleteFileA(LPCSTR lpFileName);
FM_W32_API BOOL WINAPI DeleteFileW(LPCWSTR lpFileName) FM_W32_WIDE(DeleteFileW);
FM_W32_API BOOL WINAPI FlushFileBuffers(HANDLE hFile);

/* Time. */
FM_W32_API DWORD WINAPI GetTickCount(void);
FM_W32_API ULONGLONG WINAPI GetTickCount64(void);
FM_W32_API void WINAPI Sleep(DWORD dwMilliseconds);
FM_W32_API BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
FM_W32_API BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);

/* Security descriptors: only what named objects need.  No descriptor gives
 * a new object owner-only access (mode 0600); a present NULL DACL gives
 * every user read and write (0666); a DACL gives every user what it grants
 * Everyone (or Authenticated Users, or Users), and the owner that and what
 * it grants Creator Owner, the first ACE to speak of a right deciding it;
 * one that speaks of no such account is kept owner-only.  Read is
 * GENERIC_READ, FILE_MAP_READ, SECTION_QUERY or SYNCHRONIZE; write is
 * GENERIC_WRITE, FILE_MAP_WRITE or EVENT_MODIFY_STATE (GENERIC_ALL both);
 * a mutex, event or semaphore is either both or neither. */
FM_W32_API BOOL WINAPI InitializeSecurityDescriptor(PSECURITY_DESCRIPTOR pSecurityDescriptor,
						    DWORD dwRevision);
FM_W32_API BOOL WINAPI SetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
						 BOOL bDaclPresent, PACL pDacl,
						 BOOL bDaclDefaulted);
FM_W32_API BOOL WINAPI InitializeAcl(PACL pAcl, DWORD nAclLength, DWORD dwAclRevision);
FM_W32_API BOOL WINAPI AddAccessAllowedAce(PACL pAcl, DWORD dwAceRevision, DWORD AccessMask,
					   PSID pSid);
FM_W32_API BOOL WINAPI AddAccessDeniedAce(PACL pAcl, DWORD dwAceRevision, DWORD AccessMask,
					  PSID pSid);
FM_W32_API BOOL WINAPI AllocateAndInitializeSid(PSID_IDENTIFIER_AUTHORITY pIdentifierAuthority,
						BYTE nSubAuthorityCount, DWORD nSubAuthority0,
						DWORD nSubAuthority1, DWORD nSubAuthority2,
						DWORD nSubAuthority3, DWORD nSubAuthority4,
						DWORD nSubAuthority5, DWORD nSubAuthority6,
						DWORD nSubAuthority7, PSID *pSid);
FM_W32_API PVOID WINAPI FreeSid(PSID pSid);
FM_W32_API DWORD WINAPI GetLengthSid(PSID pSid);
FM_W32_API BOOL WINAPI IsValidSid(PSID pSid);
FM_W32_API BOOL WINAPI EqualSid(PSID pSid1, PSID pSid2);

/* The A or W form, following UNICODE, as in Windows' headers. */
#ifdef UNICODE
#define CreateFileMapping CreateFileMappingW
#define OpenFileMapping   OpenFileMappingW
#define CreateMutex       CreateMutexW
#define CreateMutexEx     CreateMutexExW
#define OpenMutex         OpenMutexW
#define CreateEvent       CreateEventW
#define CreateEventEx     CreateEventExW
#define OpenEvent         OpenEventW
#define CreateSemaphore   CreateSemaphoreW
#define CreateSemaphoreEx CreateSemaphoreExW
#define OpenSemaphore     OpenSemaphoreW
#define CreateFile        CreateFileW
#define DeleteFile        DeleteFileW
#define GetCommandLine    GetCommandLineW
#define GetModuleFileName GetModuleFileNameW
#else
#define CreateFileMapping CreateFileMappingA
#define OpenFileMapping   OpenFileMappingA
#define CreateMutex       CreateMutexA
#define CreateMutexEx     CreateMutexExA
#define OpenMutex         OpenMutexA
#define CreateEvent       CreateEventA
#define CreateEventEx     CreateEventExA
#define OpenEvent         OpenEventA
#define CreateSemaphore   CreateSemaphoreA
#define CreateSemaphoreEx CreateSemaphoreExA
#define OpenSemaphore     OpenSemaphoreA
#define CreateFile        CreateFileA
#define DeleteFile        DeleteFileA
#define GetCommandLine    GetCommandLineA
#define GetModuleFileName GetModuleFileNameA
#endif

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_WINBASE_H */
