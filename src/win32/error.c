/* SPDX-License-Identifier: MIT */
/*
 * error.c - the thread's last error, and the mapping of native results to
 * Windows error codes.
 *
 * The mapping is one table, generated from the FM_ERRORS X-macro of
 * filemap.h, whose third column names the Windows code for each native
 * result; a code added to the core reaches this layer with no edit here.
 * File calls get errno values from the C library instead; they go through
 * the same table, corrected only where a file call answers differently.
 */
#include "w32.h"

#include <errno.h>

static _Thread_local DWORD last_error;

FM_W32_API DWORD WINAPI GetLastError(void)
{
	return last_error;
}

FM_W32_API void WINAPI SetLastError(DWORD dwErrCode)
{
	last_error = dwErrCode;
}

/* The table: the Windows code FM_ERRORS gives code, or -1 if it lists no
 * such code. */
static long lookup(int code)
{
	switch (code) {
#define X(name, value, win32, text) \
	case value:                 \
		return win32;
		FM_ERRORS(X)
#undef X
	}
	return -1;
}

DWORD w32_error_of(int code)
{
	long error = lookup(code);

	return error < 0 ? ERROR_GEN_FAILURE : (DWORD)error;
}

bool w32_error_known(int code)
{
	return lookup(code) >= 0;
}

DWORD w32_file_error(int errnum)
{
	/* Where a file call's answer differs from a named object's. */
	switch (errnum) {
	case EEXIST:
		return ERROR_FILE_EXISTS;
	case ENOSPC:
		return ERROR_DISK_FULL;
	case ENOTDIR:
		return ERROR_PATH_NOT_FOUND;
	case EISDIR:
		return ERROR_ACCESS_DENIED;
	case ELOOP:
		return ERROR_CANT_RESOLVE_FILENAME;
	case ETXTBSY:
		return ERROR_SHARING_VIOLATION;
	case ESPIPE:
		return ERROR_INVALID_FUNCTION;
	case EFAULT:
		return ERROR_NOACCESS;
	}
	return w32_error_of(-errnum);
}

BOOL w32_fail(DWORD error)
{
	last_error = error;
	return FALSE;
}

void *w32_fail_null(DWORD error)
{
	last_error = error;
	return NULL;
}

BOOL w32_fail_native(int code)
{
	return w32_fail(w32_error_of(code));
}
