/* SPDX-License-Identifier: MIT */
/*
 * view.c - MapViewOfFile(Ex), UnmapViewOfFile, FlushViewOfFile.
 *
 * Windows places views on its 64 KiB allocation granularity and measures a
 * paging-file section in whole pages; the native API works in pages and
 * exact sizes.  This file does the Windows arithmetic (offset alignment,
 * page-rounded bounds, 64 KiB-aligned bases) and leaves the mapping itself,
 * and the kernel-enforced access, to fm_view_map_at().  Which protection an
 * access mask gives, and which rights it needs, is protect.c's table.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <stdatomic.h>
#include <sys/mman.h>

/* Tries to place a view at a free 64 KiB boundary before giving up: another
 * thread may take the range between the probe and the mapping. */
#define PLACE_TRIES 8

static uint64_t round_up(uint64_t n, uint64_t to)
{
	return (n + to - 1) / to * to;
}

/* Where the last view went: the next one most likely fits there (its
 * predecessor was unmapped) or just below it, where the kernel, too, would
 * put it.  A guess costs one mmap that fails fast; the probe below, two
 * more calls. */
static _Atomic uintptr_t last_base;

static int map_at(void **out, fm_section *s, uint64_t offset, size_t length, unsigned access,
		  uintptr_t at)
{
	int r = fm_view_map_at(out, s, offset, length, access, (void *)at);

	if (r == 0)
		atomic_store(&last_base, at);
	return r;
}

/* Maps the view at a 64 KiB boundary: first where the last view went or
 * just below; else reserves room for the view and one granule more, and
 * maps at the aligned address inside. */
static int place_view(void **out, fm_section *s, uint64_t offset, size_t length,
		      unsigned access, size_t span)
{
	uintptr_t last = atomic_load(&last_base), below, at;
	size_t granules = (size_t)round_up(span, W32_GRANULARITY);
	void *probe;
	int r = -ENOMEM, i;

	below = last - granules;
	if (last && (r = map_at(out, s, offset, length, access, last)) != -EEXIST)
		return r;
	if (last > granules + W32_GRANULARITY &&
	    (r = map_at(out, s, offset, length, access, below)) != -EEXIST)
		return r;
	for (i = 0; i < PLACE_TRIES; i++) {
		probe = mmap(NULL, span + W32_GRANULARITY, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (probe == MAP_FAILED)
			return -ENOMEM;
		munmap(probe, span + W32_GRANULARITY);
		at = (uintptr_t)round_up((uintptr_t)probe, W32_GRANULARITY);
		r = map_at(out, s, offset, length, access, at);
		if (r != -EEXIST)
			return r;
	}
	return r;
}

/* Checks offset and size against the section, Windows' way; fills the
 * native length and the span the view takes.  0 or a Windows error. */
static DWORD check_range(size_t *length, size_t *span, fm_section *s, uint64_t offset,
			 SIZE_T bytes)
{
	uint64_t size = fm_section_size(s);
	uint64_t limit = round_up(size, fm_page_size());

	if (offset % W32_GRANULARITY)
		return ERROR_MAPPED_ALIGNMENT;
	if (offset >= limit)
		return ERROR_INVALID_PARAMETER;
	if (bytes > limit - offset)
		return ERROR_ACCESS_DENIED;
	/* A paging-file section is whole pages in Windows: a view may reach
	 * into the last page's tail, which the native view maps anyway. */
	*length = bytes == 0 ? 0 : (size_t)(bytes < size - offset ? bytes : size - offset);
	*span = (size_t)round_up(bytes ? bytes : limit - offset, fm_page_size());
	return 0;
}

static DWORD native_view_error(int r)
{
	if (r == -EEXIST || r == -EFAULT)
		return ERROR_INVALID_ADDRESS;
	return w32_error_of(r);
}

FM_W32_API LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
					 DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
					 SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress)
{
	uint64_t offset = (uint64_t)dwFileOffsetHigh << 32 | dwFileOffsetLow;
	DWORD protect = w32_view_protect(dwDesiredAccess);
	unsigned native = w32_protect_native(protect);
	struct w32_object obj;
	size_t length, span;
	void *view;
	DWORD error;
	int r;

	if (!w32_handle_get(&obj, hFileMappingObject) || obj.kind != W32_SECTION)
		return w32_fail_null(ERROR_INVALID_HANDLE);
	/* The rights the view's protection needs, whatever else the mask asks. */
	if (!w32_protect_rights_allow(obj.access, protect))
		return w32_fail_null(ERROR_ACCESS_DENIED);
	error = check_range(&length, &span, obj.section, offset, dwNumberOfBytesToMap);
	if (!error && (uintptr_t)lpBaseAddress % W32_GRANULARITY)
		error = ERROR_MAPPED_ALIGNMENT;
	if (error)
		return w32_fail_null(error);
	if (lpBaseAddress)
		r = fm_view_map_at(&view, obj.section, offset, length, native, lpBaseAddress);
	else
		r = place_view(&view, obj.section, offset, length, native, span);
	if (r < 0)
		return w32_fail_null(native_view_error(r));
	/* A view unmapped behind our back may have left its pages' record. */
	w32_region_remove((uintptr_t)view);
	return view;
}

FM_W32_API LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
				       DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
				       SIZE_T dwNumberOfBytesToMap)
{
	return MapViewOfFileEx(hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh,
			       dwFileOffsetLow, dwNumberOfBytesToMap, NULL);
}

FM_W32_API BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress)
{
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	bool view = fm_view_query(&info, lpBaseAddress) == 0;
	int r = fm_view_unmap((void *)lpBaseAddress);

	if (r < 0)
		return w32_fail(native_view_error(r));
	/* The protections VirtualProtect gave its pages go with it. */
	if (view)
		w32_region_remove((uintptr_t)info.base);
	return TRUE;
}

FM_W32_API BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush)
{
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	uintptr_t addr = (uintptr_t)lpBaseAddress, end;
	int r;

	/* Windows flushes any mapped memory without complaint, and calls
	 * an unmapped address an invalid parameter. */
	if (fm_view_query(&info, lpBaseAddress) < 0)
		return w32_address_mapped(lpBaseAddress) ? TRUE : w32_fail(ERROR_INVALID_PARAMETER);
	end = (uintptr_t)info.base + round_up(info.length, fm_page_size());
	if (dwNumberOfBytesToFlush > end - addr)
		return w32_fail(ERROR_INVALID_PARAMETER);
	r = fm_view_flush((void *)lpBaseAddress, dwNumberOfBytesToFlush);
	return r < 0 ? w32_fail_native(r) : TRUE;
}
