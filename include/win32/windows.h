/* SPDX-License-Identifier: MIT */
/*
 * windows.h - the Win32 compat header of filemap (libfilemap-win32).
 *
 * Windows programs that share memory between processes include <windows.h>
 * and call CreateFileMapping, MapViewOfFile and friends.  This header, found
 * first through `pkg-config --cflags filemap-win32`, gives them the types
 * with Windows' sizes, the constants, and the calls libfilemap-win32
 * implements on the native filemap API, so such code builds on Linux
 * unchanged.  It never defines _WIN32: code that tests for it still takes
 * its POSIX branches.
 *
 * Strings: the A calls take UTF-8 (Linux's "ANSI code page"); the W calls
 * take the program's wchar_t, 4 bytes (UTF-32) by default, or 2 bytes
 * (UTF-16) under -fshort-wchar, which this header detects and binds to the
 * matching entry points (the *_w16 symbols) with no change to the source.
 */
#ifndef FILEMAP_WIN32_WINDOWS_H
#define FILEMAP_WIN32_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The C runtime that MSVC's <windows.h> brings along: <stdio.h>,
 * <stdlib.h>, <string.h>, <time.h>, <wchar.h>, ..., and MSVC's own calls
 * (_snprintf, strcpy_s, localtime_s, ...). */
#include "filemap-crt.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FM_W32_BUILDING_LIBRARY)
#define FM_W32_API __attribute__((visibility("default")))
#else
#define FM_W32_API
#endif

/* A W call taking wchar_t strings is bound to the entry point for the
 * program's wchar_t width: the plain name for 4 bytes, name_w16 for 2. */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
#define FM_W32_WIDE(name) __asm__(#name "_w16")
#else
#define FM_W32_WIDE(name)
#endif

/* Calling conventions mean nothing on Linux; the words must still parse. */
#define WINAPI
#define APIENTRY
#define CALLBACK
#define WINBASEAPI
#define __stdcall
#define __cdecl
#define VOID void
#define CONST const
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif

/* ------------------------------------------------------------------------
 * Types, with the sizes they have on 64-bit Windows (LLP64)
 * ------------------------------------------------------------------------ */

typedef int BOOL;
typedef unsigned char BYTE, UCHAR, BOOLEAN;
typedef unsigned short WORD, USHORT;
typedef uint32_t DWORD, ULONG, UINT, DWORD32;
typedef int32_t LONG, INT, INT32;
typedef int64_t LONGLONG, INT64, LONG64;
typedef uint64_t ULONGLONG, DWORD64, UINT64, ULONG64;
typedef short SHORT;
typedef char CHAR;
typedef float FLOAT;
typedef wchar_t WCHAR;
typedef intptr_t INT_PTR, LONG_PTR, SSIZE_T;
typedef uintptr_t UINT_PTR, ULONG_PTR, DWORD_PTR;
typedef size_t SIZE_T;
typedef void *PVOID, *LPVOID, *HANDLE;
typedef const void *LPCVOID;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef HANDLE HMODULE, HINSTANCE, HGLOBAL, HLOCAL;
typedef BOOL *PBOOL, *LPBOOL;
typedef BYTE *PBYTE, *LPBYTE;
typedef WORD *PWORD, *LPWORD;
typedef DWORD *PDWORD, *LPDWORD;
typedef LONG *PLONG, *LPLONG;
typedef ULONG *PULONG;
typedef SIZE_T *PSIZE_T;
typedef CHAR *PCHAR, *LPCH, *PSTR, *LPSTR, *NPSTR;
typedef const CHAR *LPCCH, *PCSTR, *LPCSTR;
typedef WCHAR *PWCHAR, *LPWCH, *PWSTR, *LPWSTR;
typedef const WCHAR *LPCWCH, *PCWSTR, *LPCWSTR;

#ifdef UNICODE
typedef WCHAR TCHAR, TBYTE;
#define __TEXT(quote) L##quote
#else
typedef char TCHAR, TBYTE;
#define __TEXT(quote) quote
#endif
#define TEXT(quote) __TEXT(quote)
typedef TCHAR *PTCHAR, *LPTSTR, *PTSTR;
typedef const TCHAR *LPCTSTR, *PCTSTR;

typedef union _LARGE_INTEGER {
	struct {
		DWORD LowPart;
		LONG HighPart;
	};
	struct {
		DWORD LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
	struct {
		DWORD LowPart;
		DWORD HighPart;
	};
	struct {
		DWORD LowPart;
		DWORD HighPart;
	} u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef struct _SECURITY_ATTRIBUTES {
	DWORD nLength;
	LPVOID lpSecurityDescriptor;
	BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* An access-control list: the header, then AceCount ACEs, AclSize bytes in
 * all.  What a new object's DACL grants Everyone (or Creator Owner) is
 * what the layer can carry out; see winbase.h. */
typedef struct _ACL {
	BYTE AclRevision;
	BYTE Sbz1;
	WORD AclSize;
	WORD AceCount;
	WORD Sbz2;
} ACL, *PACL;

typedef DWORD ACCESS_MASK;
typedef struct _ACE_HEADER {
	BYTE AceType;
	BYTE AceFlags;
	WORD AceSize;
} ACE_HEADER, *PACE_HEADER;
typedef struct _ACCESS_ALLOWED_ACE {
	ACE_HEADER Header;
	ACCESS_MASK Mask;
	DWORD SidStart;
} ACCESS_ALLOWED_ACE, *PACCESS_ALLOWED_ACE;
typedef ACCESS_ALLOWED_ACE ACCESS_DENIED_ACE, *PACCESS_DENIED_ACE;

typedef struct _SID_IDENTIFIER_AUTHORITY {
	BYTE Value[6];
} SID_IDENTIFIER_AUTHORITY, *PSID_IDENTIFIER_AUTHORITY;
typedef struct _SID {
	BYTE Revision;
	BYTE SubAuthorityCount;
	SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
	DWORD SubAuthority[1];
} SID, *PISID;

typedef WORD SECURITY_DESCRIPTOR_CONTROL, *PSECURITY_DESCRIPTOR_CONTROL;
typedef PVOID PSID;
typedef struct _SECURITY_DESCRIPTOR {
	BYTE Revision;
	BYTE Sbz1;
	SECURITY_DESCRIPTOR_CONTROL Control;
	PSID Owner;
	PSID Group;
	PACL Sacl;
	PACL Dacl;
} SECURITY_DESCRIPTOR, *PISECURITY_DESCRIPTOR;
typedef PVOID PSECURITY_DESCRIPTOR;

typedef struct _SYSTEM_INFO {
	union {
		DWORD dwOemId;
		struct {
			WORD wProcessorArchitecture;
			WORD wReserved;
		};
	};
	DWORD dwPageSize;
	LPVOID lpMinimumApplicationAddress;
	LPVOID lpMaximumApplicationAddress;
	DWORD_PTR dwActiveProcessorMask;
	DWORD dwNumberOfProcessors;
	DWORD dwProcessorType;
	DWORD dwAllocationGranularity;
	WORD wProcessorLevel;
	WORD wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;

typedef DWORD (WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;

typedef struct _MEMORY_BASIC_INFORMATION {
	PVOID BaseAddress;
	PVOID AllocationBase;
	DWORD AllocationProtect;
	WORD PartitionId;
	SIZE_T RegionSize;
	DWORD State;
	DWORD Protect;
	DWORD Type;
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION;

/* Accepted for signature compatibility; this layer's I/O is synchronous. */
typedef struct _OVERLAPPED {
	ULONG_PTR Internal;
	ULONG_PTR InternalHigh;
	union {
		struct {
			DWORD Offset;
			DWORD OffsetHigh;
		};
		PVOID Pointer;
	};
	HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

/* ------------------------------------------------------------------------
 * Constants
 * ------------------------------------------------------------------------ */

#define TRUE  1
#define FALSE 0
#ifndef NULL
#define NULL ((void *)0)
#endif
#define MAX_PATH 260
#define INFINITE 0xFFFFFFFFu
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define INVALID_FILE_SIZE ((DWORD)0xFFFFFFFF)
#define INVALID_SET_FILE_POINTER ((DWORD)-1)

#define MAXIMUM_WAIT_OBJECTS 64

#define WAIT_OBJECT_0    0x00000000u
#define WAIT_ABANDONED   0x00000080u
#define WAIT_ABANDONED_0 0x00000080u
#define WAIT_IO_COMPLETION 0x000000C0u
#define WAIT_TIMEOUT     0x00000102u
#define WAIT_FAILED      0xFFFFFFFFu

#define PAGE_NOACCESS          0x01
#define PAGE_READONLY          0x02
#define PAGE_READWRITE         0x04
#define PAGE_WRITECOPY         0x08
#define PAGE_EXECUTE           0x10
#define PAGE_EXECUTE_READ      0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_EXECUTE_WRITECOPY 0x80
#define PAGE_GUARD             0x100
#define PAGE_NOCACHE           0x200
#define PAGE_WRITECOMBINE      0x400

#define SEC_FILE           0x00800000
#define SEC_IMAGE          0x01000000
#define SEC_PROTECTED_IMAGE 0x02000000
#define SEC_RESERVE        0x04000000
#define SEC_COMMIT         0x08000000
#define SEC_NOCACHE        0x10000000
#define SEC_WRITECOMBINE   0x40000000
#define SEC_LARGE_PAGES    0x80000000
#define SEC_IMAGE_NO_EXECUTE (SEC_IMAGE | SEC_NOCACHE)

#define MEM_COMMIT      0x00001000
#define MEM_RESERVE     0x00002000
#define MEM_DECOMMIT    0x00004000
#define MEM_RELEASE     0x00008000
#define MEM_FREE        0x00010000
#define MEM_PRIVATE     0x00020000
#define MEM_MAPPED      0x00040000
#define MEM_RESET       0x00080000
#define MEM_TOP_DOWN    0x00100000
#define MEM_WRITE_WATCH 0x00200000
#define MEM_RESET_UNDO  0x01000000
#define MEM_LARGE_PAGES 0x20000000
#define MEM_IMAGE       0x01000000

#define DELETE                   0x00010000L
#define READ_CONTROL             0x00020000L
#define WRITE_DAC                0x00040000L
#define WRITE_OWNER              0x00080000L
#define SYNCHRONIZE              0x00100000L
#define STANDARD_RIGHTS_REQUIRED 0x000F0000L
#define STANDARD_RIGHTS_READ     READ_CONTROL
#define STANDARD_RIGHTS_WRITE    READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE  READ_CONTROL
#define STANDARD_RIGHTS_ALL      0x001F0000L

#define ACCESS_SYSTEM_SECURITY   0x01000000L
#define MAXIMUM_ALLOWED          0x02000000L

/* Mutex, event and semaphore rights.  MUTEX_MODIFY_STATE is the same bit
 * as MUTANT_QUERY_STATE, as in Windows' headers. */
#define MUTANT_QUERY_STATE     0x0001
#define MUTANT_ALL_ACCESS      (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | MUTANT_QUERY_STATE)
#define MUTEX_MODIFY_STATE     MUTANT_QUERY_STATE
#define MUTEX_ALL_ACCESS       MUTANT_ALL_ACCESS
#define EVENT_QUERY_STATE      0x0001
#define EVENT_MODIFY_STATE     0x0002
#define EVENT_ALL_ACCESS       (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define SEMAPHORE_QUERY_STATE  0x0001
#define SEMAPHORE_MODIFY_STATE 0x0002
#define SEMAPHORE_ALL_ACCESS   (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)

/* Flags of CreateMutexEx and CreateEventEx. */
#define CREATE_MUTEX_INITIAL_OWNER 0x00000001
#define CREATE_EVENT_MANUAL_RESET  0x00000001
#define CREATE_EVENT_INITIAL_SET   0x00000002

/* Thread rights. */
#define THREAD_TERMINATE                 0x0001
#define THREAD_SUSPEND_RESUME            0x0002
#define THREAD_GET_CONTEXT               0x0008
#define THREAD_SET_CONTEXT               0x0010
#define THREAD_SET_INFORMATION           0x0020
#define THREAD_QUERY_INFORMATION         0x0040
#define THREAD_SET_THREAD_TOKEN          0x0080
#define THREAD_IMPERSONATE               0x0100
#define THREAD_DIRECT_IMPERSONATION      0x0200
#define THREAD_SET_LIMITED_INFORMATION   0x0400
#define THREAD_QUERY_LIMITED_INFORMATION 0x0800
#define THREAD_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)

/* Flags of CreateThread (STILL_ACTIVE, a thread's exit code while it
 * runs, is in winbase.h). */
#define CREATE_SUSPENDED                  0x00000004
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000

#define SECTION_QUERY                0x0001
#define SECTION_MAP_WRITE            0x0002
#define SECTION_MAP_READ             0x0004
#define SECTION_MAP_EXECUTE          0x0008
#define SECTION_EXTEND_SIZE          0x0010
#define SECTION_MAP_EXECUTE_EXPLICIT 0x0020
#define SECTION_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_WRITE | \
			    SECTION_MAP_READ | SECTION_MAP_EXECUTE | SECTION_EXTEND_SIZE)

#define FILE_MAP_COPY       SECTION_QUERY
#define FILE_MAP_WRITE      SECTION_MAP_WRITE
#define FILE_MAP_READ       SECTION_MAP_READ
#define FILE_MAP_ALL_ACCESS SECTION_ALL_ACCESS
#define FILE_MAP_EXECUTE    SECTION_MAP_EXECUTE_EXPLICIT
#define FILE_MAP_RESERVE    0x80000000
#define FILE_MAP_TARGETS_INVALID 0x40000000
#define FILE_MAP_LARGE_PAGES 0x20000000

#define GENERIC_READ    0x80000000u
#define GENERIC_WRITE   0x40000000u
#define GENERIC_EXECUTE 0x20000000u
#define GENERIC_ALL     0x10000000u

#define FILE_SHARE_READ   0x00000001
#define FILE_SHARE_WRITE  0x00000002
#define FILE_SHARE_DELETE 0x00000004

#define CREATE_NEW        1
#define CREATE_ALWAYS     2
#define OPEN_EXISTING     3
#define OPEN_ALWAYS       4
#define TRUNCATE_EXISTING 5

#define FILE_ATTRIBUTE_READONLY  0x00000001
#define FILE_ATTRIBUTE_HIDDEN    0x00000002
#define FILE_ATTRIBUTE_SYSTEM    0x00000004
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010
#define FILE_ATTRIBUTE_ARCHIVE   0x00000020
#define FILE_ATTRIBUTE_NORMAL    0x00000080
#define FILE_ATTRIBUTE_TEMPORARY 0x00000100

#define FILE_FLAG_WRITE_THROUGH       0x80000000u
#define FILE_FLAG_OVERLAPPED          0x40000000
#define FILE_FLAG_NO_BUFFERING        0x20000000
#define FILE_FLAG_RANDOM_ACCESS       0x10000000
#define FILE_FLAG_SEQUENTIAL_SCAN     0x08000000
#define FILE_FLAG_DELETE_ON_CLOSE     0x04000000
#define FILE_FLAG_BACKUP_SEMANTICS    0x02000000
#define FILE_FLAG_POSIX_SEMANTICS     0x01000000

#define FILE_BEGIN   0
#define FILE_CURRENT 1
#define FILE_END     2

#define DUPLICATE_CLOSE_SOURCE 0x00000001
#define DUPLICATE_SAME_ACCESS  0x00000002

#define SECURITY_DESCRIPTOR_REVISION   1
#define SECURITY_DESCRIPTOR_MIN_LENGTH sizeof(SECURITY_DESCRIPTOR)
#define SE_DACL_PRESENT   0x0004
#define SE_DACL_DEFAULTED 0x0008

#define ACL_REVISION     2
#define ACL_REVISION_DS  4
#define ACCESS_ALLOWED_ACE_TYPE 0
#define ACCESS_DENIED_ACE_TYPE  1
#define SID_REVISION     1
#define SID_MAX_SUB_AUTHORITIES 15
#define SECURITY_NULL_SID_AUTHORITY    { { 0, 0, 0, 0, 0, 0 } }
#define SECURITY_WORLD_SID_AUTHORITY   { { 0, 0, 0, 0, 0, 1 } }
#define SECURITY_CREATOR_SID_AUTHORITY { { 0, 0, 0, 0, 0, 3 } }
#define SECURITY_NT_AUTHORITY          { { 0, 0, 0, 0, 0, 5 } }
#define SECURITY_WORLD_RID             0x00000000
#define SECURITY_CREATOR_OWNER_RID     0x00000000
#define SECURITY_AUTHENTICATED_USER_RID 0x0000000B
#define SECURITY_LOCAL_SYSTEM_RID      0x00000012
#define SECURITY_BUILTIN_DOMAIN_RID    0x00000020
#define DOMAIN_ALIAS_RID_ADMINS        0x00000220
#define DOMAIN_ALIAS_RID_USERS         0x00000221

#define PROCESSOR_ARCHITECTURE_INTEL 0
#define PROCESSOR_ARCHITECTURE_ARM   5
#define PROCESSOR_ARCHITECTURE_AMD64 9
#define PROCESSOR_ARCHITECTURE_ARM64 12
#define PROCESSOR_ARCHITECTURE_UNKNOWN 0xFFFF
#define PROCESSOR_AMD_X8664 8664

/* Every error code this layer sets. */
#define ERROR_SUCCESS              0L
#define NO_ERROR                   0L
#define ERROR_INVALID_FUNCTION     1L
#define ERROR_FILE_NOT_FOUND       2L
#define ERROR_PATH_NOT_FOUND       3L
#define ERROR_TOO_MANY_OPEN_FILES  4L
#define ERROR_ACCESS_DENIED        5L
#define ERROR_INVALID_HANDLE       6L
#define ERROR_NOT_ENOUGH_MEMORY    8L
#define ERROR_OUTOFMEMORY          14L
#define ERROR_WRITE_PROTECT        19L
#define ERROR_BAD_LENGTH           24L
#define ERROR_GEN_FAILURE          31L
#define ERROR_SHARING_VIOLATION    32L
#define ERROR_HANDLE_EOF           38L
#define ERROR_NO_MORE_FILES        18L
#define ERROR_NOT_SUPPORTED        50L
#define ERROR_FILE_EXISTS          80L
#define ERROR_INVALID_PARAMETER    87L
#define ERROR_BROKEN_PIPE          109L
#define ERROR_DISK_FULL            112L
#define ERROR_CALL_NOT_IMPLEMENTED 120L
#define ERROR_INSUFFICIENT_BUFFER  122L
#define ERROR_INVALID_NAME         123L
#define ERROR_MOD_NOT_FOUND        126L
#define ERROR_NEGATIVE_SEEK        131L
#define ERROR_DIR_NOT_EMPTY        145L
#define ERROR_BAD_PATHNAME         161L
#define ERROR_BUSY                 170L
#define ERROR_ALREADY_EXISTS       183L
#define ERROR_BAD_EXE_FORMAT       193L
#define ERROR_FILENAME_EXCED_RANGE 206L
#define ERROR_NOT_OWNER            288L
#define ERROR_TOO_MANY_POSTS       298L
#define ERROR_INVALID_ADDRESS      487L
#define ERROR_NOACCESS             998L
#define ERROR_FILE_INVALID         1006L
#define ERROR_MAPPED_ALIGNMENT     1132L
#define ERROR_USER_MAPPED_FILE     1224L
#define ERROR_INVALID_USER_BUFFER  1784L
#define ERROR_ALLOTTED_SPACE_EXCEEDED 1344L
#define ERROR_INVALID_ACL          1336L
#define ERROR_INVALID_SID          1337L
#define ERROR_DISK_QUOTA_EXCEEDED  1295L
#define ERROR_UNKNOWN_REVISION     1305L
#define ERROR_REVISION_MISMATCH    1306L
#define ERROR_PRIVILEGE_NOT_HELD   1314L
#define ERROR_FILE_CORRUPT         1392L
#define ERROR_IO_DEVICE            1117L
#define ERROR_COMMITMENT_LIMIT     1455L
#define ERROR_TIMEOUT              1460L
#define ERROR_CANT_RESOLVE_FILENAME 1921L

/* ------------------------------------------------------------------------
 * Macros
 * ------------------------------------------------------------------------ */

#define ZeroMemory(dest, len)        memset((dest), 0, (len))
#define SecureZeroMemory(dest, len)  memset((dest), 0, (len))
#define FillMemory(dest, len, fill)  memset((dest), (fill), (len))
#define CopyMemory(dest, src, len)   memcpy((dest), (src), (len))
#define MoveMemory(dest, src, len)   memmove((dest), (src), (len))

#define MAKEWORD(lo, hi) ((WORD)(((BYTE)((DWORD_PTR)(lo) & 0xff)) | \
				 ((WORD)((BYTE)((DWORD_PTR)(hi) & 0xff))) << 8))
#define MAKELONG(lo, hi) ((LONG)(((WORD)((DWORD_PTR)(lo) & 0xffff)) | \
				 ((DWORD)((WORD)((DWORD_PTR)(hi) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l) ((WORD)((DWORD_PTR)(l) >> 16))
#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w) ((BYTE)((DWORD_PTR)(w) >> 8))

/* min and max, unless NOMINMAX, as in Windows' headers.  In C they are
 * Windows' macros.  In C++ they are function templates instead, so that
 * they cannot break the standard library (std::min, numeric_limits<T>::max()
 * and <algorithm> stay intact); where std::min and ::min both fit, the
 * standard one is chosen (it is the more specialised).  A program that
 * defined its own min or max macro keeps it, as with Windows' headers. */
#if !defined(__cplusplus) && !defined(NOMINMAX)
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#endif

#define UNREFERENCED_PARAMETER(p) ((void)(p))

#ifdef __cplusplus
}

#ifndef NOMINMAX
#ifndef max
template <class A, class B>
constexpr auto max(const A &a, const B &b) -> decltype(a > b ? a : b)
{
	return a > b ? a : b;
}
#endif
#ifndef min
template <class A, class B>
constexpr auto min(const A &a, const B &b) -> decltype(a < b ? a : b)
{
	return a < b ? a : b;
}
#endif
#endif
#endif

/* ------------------------------------------------------------------------
 * Calls, and the headers MSVC's <windows.h> includes (<shellapi.h> and
 * <mmsystem.h> unless WIN32_LEAN_AND_MEAN, as there)
 * ------------------------------------------------------------------------ */

#include "winnt.h"
#include "winbase.h"
#include "winuser.h"
#ifndef WIN32_LEAN_AND_MEAN
#include "shellapi.h"
#include "mmsystem.h"
#endif

#endif /* FILEMAP_WIN32_WINDOWS_H */
