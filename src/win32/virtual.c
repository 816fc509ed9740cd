/* SPDX-License-Identifier: MIT */
/*
 * virtual.c - VirtualAlloc, VirtualFree and VirtualProtect: reserving and
 * committing private memory, committing a view's pages, and protecting
 * either, with Windows' answers (Wine's conformance tests pin them down).
 *
 * Private memory is an anonymous mapping with no access, at a 64 KiB
 * boundary (a reservation); committing a page gives it its protection, and
 * decommitting maps fresh pages with no access over it, so its memory goes
 * and a later commit reads zeros.  regions.c keeps which pages are
 * committed and how Windows names each one's protection.
 *
 * A view's pages belong to its section: only a SEC_RESERVE section of the
 * paging file has pages to commit, and committing through one view commits
 * for all (fm_view_commit); a view's protections are its own, within what
 * the view itself allows.  Views are never freed here (UnmapViewOfFile).
 */
#define _GNU_SOURCE
#include "w32.h"

#include <errno.h>
#include <sys/mman.h>

#define TYPE_FLAGS (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_TOP_DOWN | MEM_WRITE_WATCH)

static uintptr_t page_size(void)
{
	return (uintptr_t)fm_page_size();
}

static uintptr_t page_down(uintptr_t a)
{
	return a & ~(page_size() - 1);
}

static uintptr_t round_to(uintptr_t a, uintptr_t to)
{
	return (a + to - 1) / to * to;
}

/* Maps [*base, *base + size) with no access, anywhere on a 64 KiB boundary
 * (*base 0) or exactly there.  0 or a Windows error. */
static DWORD reserve_space(uintptr_t *base, size_t size)
{
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	uintptr_t at;
	void *p;

	if (*base) {
		p = mmap((void *)*base, size, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != MAP_FAILED && (uintptr_t)p != *base)
			munmap(p, size); /* a kernel before 4.17 took it as a hint */
		if (p == MAP_FAILED || (uintptr_t)p != *base)
			return errno == ENOMEM && p == MAP_FAILED ? ERROR_NOT_ENOUGH_MEMORY
								  : ERROR_INVALID_ADDRESS;
		return 0;
	}
	p = mmap(NULL, size + W32_GRANULARITY, PROT_NONE, flags, -1, 0);
	if (p == MAP_FAILED)
		return ERROR_NOT_ENOUGH_MEMORY;
	/* Keep the aligned part; give back what lies before and after it. */
	at = round_to((uintptr_t)p, W32_GRANULARITY);
	if (at > (uintptr_t)p)
		munmap(p, at - (uintptr_t)p);
	munmap((void *)(at + size), (uintptr_t)p + W32_GRANULARITY - at);
	*base = at;
	return 0;
}

/* MEM_RESERVE: a new allocation; with MEM_COMMIT, committed throughout. */
static void *reserve(uintptr_t addr, SIZE_T bytes, DWORD type, DWORD protect)
{
	uintptr_t base = addr ? addr & ~(uintptr_t)(W32_GRANULARITY - 1) : 0;
	uintptr_t end = round_to(addr + bytes, page_size());
	struct w32_region r = { 0, addr ? end - base : round_to(bytes, page_size()), MEM_PRIVATE,
				protect };
	bool commit = type & MEM_COMMIT;
	DWORD error;

	if (addr && end <= addr)
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	r.base = base;
	error = reserve_space(&r.base, r.size);
	if (error)
		return w32_fail_null(error);
	if (commit && mprotect((void *)r.base, r.size, w32_protect_mmap(protect)) < 0)
		error = ERROR_NOT_ENOUGH_MEMORY;
	if (!error && !w32_region_add(&r, commit ? MEM_COMMIT : MEM_RESERVE, protect))
		error = ERROR_NOT_ENOUGH_MEMORY;
	if (error) {
		munmap((void *)r.base, r.size);
		return w32_fail_null(error);
	}
	return (void *)r.base;
}

/* The view containing addr (*info), with the region that keeps its pages'
 * protections, made on first need; false if addr is in no view. */
static bool view_region(struct w32_region *out, struct fm_view_info *info, const void *addr)
{
	uintptr_t size;

	if (fm_view_query(info, addr) < 0)
		return false;
	size = round_to(info->length, page_size());
	if (w32_region_find(out, addr)) {
		if (out->type == MEM_MAPPED && out->base == (uintptr_t)info->base && out->size == size)
			return true;
		w32_region_remove(out->base); /* a view unmapped behind our back */
	}
	*out = (struct w32_region){ (uintptr_t)info->base, size, MEM_MAPPED,
				    w32_protect_of_native(info->access, false) };
	return w32_region_add(out, MEM_COMMIT, out->alloc_protect) || w32_region_find(out, addr);
}

/* Gives [start, end) of a view or an allocation protect, in the kernel and
 * in the region.  0 or a Windows error. */
static DWORD apply(uintptr_t start, uintptr_t end, DWORD protect)
{
	if (mprotect((void *)start, end - start, w32_protect_mmap(protect)) < 0)
		return errno == EACCES ? ERROR_ACCESS_DENIED : ERROR_INVALID_ADDRESS;
	return w32_region_set((void *)start, end - start, MEM_COMMIT, protect)
		       ? 0
		       : ERROR_NOT_ENOUGH_MEMORY;
}

/* MEM_COMMIT through a view: only a paging-file section's, within what the
 * view allows; the section's pages, for every view; the protection, for
 * this one. */
static void *commit_view(uintptr_t start, uintptr_t end, DWORD protect)
{
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	struct w32_region view;
	DWORD error;
	int r;

	if (!view_region(&view, &info, (void *)start))
		return w32_fail_null(ERROR_NOT_ENOUGH_MEMORY);
	if (info.file_backed)
		return w32_fail_null(ERROR_ACCESS_DENIED);
	if (end > view.base + view.size)
		return w32_fail_null(ERROR_INVALID_ADDRESS);
	if (!w32_protect_within(protect, view.alloc_protect))
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	if (w32_protect_copies(protect) && !(info.access & FM_COPY))
		return w32_fail_null(ERROR_NOT_SUPPORTED); /* see protect_known */
	r = fm_view_commit((void *)start, end - start);
	if (r < 0)
		return w32_fail_null(w32_error_of(r));
	error = apply(start, end, protect);
	return error ? w32_fail_null(error) : (void *)start;
}

/* MEM_COMMIT of pages of an existing allocation or view. */
static void *commit(uintptr_t addr, SIZE_T bytes, DWORD protect)
{
	uintptr_t start = page_down(addr), end = round_to(addr + bytes, page_size());
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	struct w32_region r;
	DWORD error;

	if (end <= addr)
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	if (fm_view_query(&info, (void *)addr) == 0)
		return commit_view(start, end, protect);
	if (!w32_region_find(&r, (void *)addr) || end > r.base + r.size)
		return w32_fail_null(ERROR_INVALID_ADDRESS);
	if (w32_protect_copies(protect))
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	error = apply(start, end, protect);
	return error ? w32_fail_null(error) : (void *)start;
}

/* MEM_RESET: the contents may go; the pages stay as they are. */
static void *reset(uintptr_t addr, SIZE_T bytes)
{
	uintptr_t start = page_down(addr), end = round_to(addr + bytes, page_size());
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	struct w32_region r;

	if (fm_view_query(&info, (void *)addr) == 0)
		return (void *)start; /* a section's pages are shared: kept */
	if (!w32_region_find(&r, (void *)addr) || end > r.base + r.size)
		return w32_fail_null(ERROR_INVALID_ADDRESS);
	madvise((void *)start, end - start, MADV_FREE);
	return (void *)start;
}

FM_W32_API LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
				      DWORD flProtect)
{
	uintptr_t addr = (uintptr_t)lpAddress;
	DWORD type = flAllocationType, protect = w32_protect_page(flProtect);

	if (dwSize == 0 || (type & ~TYPE_FLAGS) || !(type & (MEM_COMMIT | MEM_RESERVE | MEM_RESET)))
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	if ((type & MEM_RESET) && type != MEM_RESET)
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	if ((type & MEM_WRITE_WATCH) && !(type & MEM_RESERVE))
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	if (addr > W32_MAX_ADDRESS || dwSize > W32_MAX_ADDRESS - addr)
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	if (type == MEM_RESET)
		return reset(addr, dwSize);
	if (!protect)
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	/* Committing with no address reserves too, as Windows does. */
	if ((type & MEM_RESERVE) || !addr) {
		if (w32_protect_copies(protect))
			return w32_fail_null(ERROR_INVALID_PARAMETER);
		return reserve(addr, dwSize, type, protect);
	}
	return commit(addr, dwSize, protect);
}

/* MEM_DECOMMIT of [start, end) of allocation r: fresh pages with no access
 * take their place, so their memory goes and a commit reads zeros. */
static BOOL decommit(const struct w32_region *r, uintptr_t start, uintptr_t end)
{
	void *p = mmap((void *)start, end - start, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED)
		return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
	return w32_region_set((void *)start, end - start, MEM_RESERVE, r->alloc_protect)
		       ? TRUE
		       : w32_fail(ERROR_NOT_ENOUGH_MEMORY);
}

FM_W32_API BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
	uintptr_t addr = (uintptr_t)lpAddress, start = page_down(addr), end;
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	struct w32_region r;

	if (dwFreeType != MEM_RELEASE && dwFreeType != MEM_DECOMMIT)
		return w32_fail(ERROR_INVALID_PARAMETER);
	if (dwFreeType == MEM_RELEASE && dwSize != 0)
		return w32_fail(ERROR_INVALID_PARAMETER);
	/* A view is unmapped, never freed; nor is memory nobody allocated. */
	if (fm_view_query(&info, lpAddress) == 0 || !w32_region_find(&r, lpAddress) ||
	    r.type != MEM_PRIVATE)
		return w32_fail(ERROR_INVALID_PARAMETER);
	if (dwSize == 0 && addr != r.base)
		return w32_fail(ERROR_INVALID_ADDRESS);
	if (dwFreeType == MEM_RELEASE) {
		w32_region_remove(r.base);
		munmap((void *)r.base, r.size);
		return TRUE;
	}
	end = dwSize ? round_to(addr + dwSize, page_size()) : r.base + r.size;
	if (end <= addr || end > r.base + r.size)
		return w32_fail(ERROR_INVALID_PARAMETER);
	return decommit(&r, start, end);
}

/* The protection of the page at page as VirtualProtect returns it (a
 * written copy-on-write page reads as its own), and whether every page of
 * [page, end) is committed.  *limit gets what the allocation allows. */
static bool committed_range(DWORD *first, DWORD *limit, uintptr_t page, uintptr_t end,
			    bool view)
{
	struct w32_page p;
	struct w32_region r;
	size_t run;
	uintptr_t at;

	if (!w32_region_find(&r, (void *)page) || !w32_region_page(&p, (void *)page))
		return false;
	*limit = r.alloc_protect;
	*first = w32_protect_copies(p.protect) && w32_page_written((void *)page)
			 ? w32_protect_written(p.protect)
			 : p.protect;
	for (at = page; at < end; at += run) {
		if (view ? fm_view_committed(&run, (void *)at) != 1
			 : !w32_region_page(&p, (void *)at) || p.state != MEM_COMMIT)
			return false;
		if (!view)
			run = p.run;
	}
	return true;
}

/* VirtualProtect of pages of a view or an allocation.  0 or an error. */
static DWORD protect_known(uintptr_t start, uintptr_t end, DWORD protect, DWORD *old,
			   const struct fm_view_info *view)
{
	struct w32_region r;
	DWORD first = 0, limit = 0;

	if (!w32_region_find(&r, (void *)start) || end > r.base + r.size)
		return ERROR_INVALID_PARAMETER;
	if (!committed_range(&first, &limit, start, end, view != NULL))
		return ERROR_INVALID_ADDRESS;
	if (view ? !w32_protect_within(protect, limit) : w32_protect_copies(protect))
		return ERROR_INVALID_PARAMETER;
	/* Only a copy-on-write view's pages can be copies: the kernel cannot
	 * make pages of a shared mapping private without its file. */
	if (view && w32_protect_copies(protect) && !(view->access & FM_COPY))
		return ERROR_NOT_SUPPORTED;
	*old = first;
	return apply(start, end, protect);
}

/* VirtualProtect of memory the layer did not allocate (the program's data,
 * its heap): what the kernel says, as Windows names it. */
static DWORD protect_other(uintptr_t start, uintptr_t end, DWORD protect, DWORD *old)
{
	MEMORY_BASIC_INFORMATION m;

	if (!w32_address_mapped((void *)start) || !VirtualQuery((void *)start, &m, sizeof(m)))
		return ERROR_INVALID_PARAMETER;
	if (w32_protect_copies(protect))
		return ERROR_INVALID_PARAMETER;
	if (mprotect((void *)start, end - start, w32_protect_mmap(protect)) < 0)
		return errno == ENOMEM ? ERROR_INVALID_ADDRESS : ERROR_ACCESS_DENIED;
	*old = m.Protect;
	return 0;
}

FM_W32_API BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
				      PDWORD lpflOldProtect)
{
	uintptr_t addr = (uintptr_t)lpAddress, start = page_down(addr);
	uintptr_t end = round_to(addr + (dwSize ? dwSize : 1), page_size());
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	DWORD protect = w32_protect_page(flNewProtect), old = 0, error;
	struct w32_region r;

	if (!protect)
		return w32_fail(ERROR_INVALID_PARAMETER);
	if (!lpflOldProtect)
		return w32_fail(ERROR_NOACCESS);
	if (end <= addr)
		return w32_fail(ERROR_INVALID_PARAMETER);
	if (fm_view_query(&info, lpAddress) == 0)
		error = view_region(&r, &info, lpAddress)
				? protect_known(start, end, protect, &old, &info)
				: ERROR_NOT_ENOUGH_MEMORY;
	else if (w32_region_find(&r, lpAddress) && r.type == MEM_PRIVATE)
		error = protect_known(start, end, protect, &old, NULL);
	else
		error = protect_other(start, end, protect, &old);
	if (error)
		return w32_fail(error);
	*lpflOldProtect = old;
	return TRUE;
}
