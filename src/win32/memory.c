/* SPDX-License-Identifier: MIT */
/*
 * memory.c - LocalAlloc and LocalFree, on the C heap: what Windows calls
 * return blocks in (CommandLineToArgvW) and what old Windows code still
 * allocates with.  Memory never moves here, so an LMEM_MOVEABLE block's
 * handle is its address and LocalLock returns it.
 */
#include "w32.h"

#include <stdlib.h>

FM_W32_API HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes)
{
	void *p;

	if (uFlags & ~(UINT)(LMEM_MOVEABLE | LMEM_ZEROINIT))
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	/* A block of 0 bytes is still a block, as on Windows. */
	p = uFlags & LMEM_ZEROINIT ? calloc(1, uBytes ? uBytes : 1) : malloc(uBytes ? uBytes : 1);
	return p ? p : w32_fail_null(ERROR_NOT_ENOUGH_MEMORY);
}

FM_W32_API HLOCAL WINAPI LocalFree(HLOCAL hMem)
{
	free(hMem);
	return NULL;
}

FM_W32_API LPVOID WINAPI LocalLock(HLOCAL hMem)
{
	return hMem ? hMem : w32_fail_null(ERROR_INVALID_HANDLE);
}

FM_W32_API BOOL WINAPI LocalUnlock(HLOCAL hMem)
{
	/* Nothing is locked here: Windows answers FALSE and NO_ERROR for a
	 * block whose lock count this call brings to 0, and for fixed ones. */
	(void)hMem;
	SetLastError(NO_ERROR);
	return FALSE;
}
