/* SPDX-License-Identifier: MIT */
/*
 * query.c - VirtualQuery and GetSystemInfo: the process's memory described
 * in Windows' terms.
 *
 * A view is described from the native view table (fm_view_query), sizes in
 * whole pages, with the protections VirtualProtect gave its pages
 * (regions.c) and which pages its section has committed (a SEC_RESERVE
 * section's others are MEM_RESERVE, protection 0).  In a copy-on-write view
 * Windows reports each page the process has written as PAGE_READWRITE; the
 * kernel tells which ones in /proc/self/pagemap (a written page is
 * anonymous, no longer the file's).  Memory from VirtualAlloc is described
 * from its region's record.  Other memory comes from /proc/self/maps:
 * private or image memory where something is mapped, MEM_FREE up to the
 * next mapping where nothing is.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_SWAPPED (1ull << 62)
#define PAGEMAP_FILE    (1ull << 61)
#define PAGEMAP_BATCH   512

static uintptr_t page_size(void)
{
	return (uintptr_t)fm_page_size();
}

bool w32_address_mapped(const void *addr)
{
	uintptr_t page = (uintptr_t)addr & ~(page_size() - 1);

	/* msync answers ENOMEM exactly where nothing is mapped. */
	return addr && msync((void *)page, page_size(), MS_ASYNC) == 0;
}

/* Whether the page at `page` is a private copy: this process wrote it. */
static bool page_written(int pagemap, uintptr_t page, uint64_t *cache, uintptr_t *cached)
{
	uintptr_t index = page / page_size();
	uint64_t e;

	if (pagemap < 0)
		return false;
	if (index < *cached || index >= *cached + PAGEMAP_BATCH) {
		memset(cache, 0, PAGEMAP_BATCH * sizeof(*cache));
		if (pread(pagemap, cache, PAGEMAP_BATCH * sizeof(*cache),
			  (off_t)(index * sizeof(*cache))) < 0)
			return false;
		*cached = index;
	}
	e = cache[index - *cached];
	return (e & PAGEMAP_SWAPPED) || ((e & PAGEMAP_PRESENT) && !(e & PAGEMAP_FILE));
}

/* The end of the run of pages from `page` that are written or not alike. */
static uintptr_t cow_region_end(uintptr_t page, uintptr_t end, bool *written)
{
	uint64_t cache[PAGEMAP_BATCH];
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uintptr_t cached = UINTPTR_MAX - PAGEMAP_BATCH, p;

	*written = page_written(pagemap, page, cache, &cached);
	for (p = page + page_size(); p < end; p += page_size())
		if (page_written(pagemap, p, cache, &cached) != *written)
			break;
	if (pagemap >= 0)
		close(pagemap);
	return p;
}

bool w32_page_written(const void *page)
{
	bool written;

	cow_region_end((uintptr_t)page, (uintptr_t)page + page_size(), &written);
	return written;
}

static uintptr_t min_end(uintptr_t a, uintptr_t b)
{
	return a < b ? a : b;
}

/* A view's page: its protection (the view's, or what VirtualProtect gave
 * it), whether its section gave it memory, and whether a copy-on-write
 * page was written; the region is the run of pages alike in all three. */
static void describe_view(MEMORY_BASIC_INFORMATION *m, const struct fm_view_info *v,
			  uintptr_t page)
{
	uintptr_t base = (uintptr_t)v->base;
	uintptr_t end = base + ((v->length + page_size() - 1) & ~(page_size() - 1));
	DWORD alloc = w32_protect_of_native(v->access, false), protect = alloc;
	struct w32_region r;
	struct w32_page p;
	size_t run = 0;
	bool written = false;
	int committed;

	if (w32_region_find(&r, (void *)page) && r.type == MEM_MAPPED && r.base == base &&
	    r.size == end - base && w32_region_page(&p, (void *)page)) {
		protect = p.protect;
		end = min_end(end, page + p.run);
	}
	committed = fm_view_committed(&run, (void *)page);
	if (committed >= 0)
		end = min_end(end, page + run);
	if (committed && w32_protect_copies(protect))
		end = cow_region_end(page, end, &written);
	*m = (MEMORY_BASIC_INFORMATION){
		.BaseAddress = (void *)page,
		.AllocationBase = v->base,
		.AllocationProtect = alloc,
		.RegionSize = end - page,
		.State = committed ? MEM_COMMIT : MEM_RESERVE,
		.Protect = !committed ? 0 : written ? w32_protect_written(protect) : protect,
		.Type = MEM_MAPPED,
	};
}

/* Memory from VirtualAlloc: the region's own record of its pages. */
static bool describe_private(MEMORY_BASIC_INFORMATION *m, uintptr_t page)
{
	struct w32_region r;
	struct w32_page p;

	if (!w32_region_find(&r, (void *)page) || r.type != MEM_PRIVATE ||
	    !w32_region_page(&p, (void *)page))
		return false;
	*m = (MEMORY_BASIC_INFORMATION){
		.BaseAddress = (void *)page,
		.AllocationBase = (void *)r.base,
		.AllocationProtect = r.alloc_protect,
		.RegionSize = p.run,
		.State = p.state,
		.Protect = p.state == MEM_COMMIT ? p.protect : 0,
		.Type = MEM_PRIVATE,
	};
	return true;
}

/* One line of /proc/self/maps. */
struct mapping {
	uintptr_t start, end;
	char perms[5];
	unsigned long long inode;
	char path[256];
};

static bool parse_mapping(struct mapping *m, const char *line)
{
	int path_at = 0;

	m->path[0] = '\0';
	if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s %*s %*s %llu %n", &m->start, &m->end,
		   m->perms, &m->inode, &path_at) < 4)
		return false;
	if (path_at > 0)
		sscanf(line + path_at, "%255s", m->path);
	return true;
}

static DWORD mapping_protect(const char *perms)
{
	bool r = perms[0] == 'r', w = perms[1] == 'w', x = perms[2] == 'x';

	if (x)
		return w ? PAGE_EXECUTE_READWRITE : r ? PAGE_EXECUTE_READ : PAGE_EXECUTE;
	return w ? PAGE_READWRITE : r ? PAGE_READONLY : PAGE_NOACCESS;
}

/* A shared object or executable, as opposed to a file some code mapped. */
static bool is_image(const struct mapping *m)
{
	return m->inode && (strstr(m->path, ".so") || m->perms[2] == 'x');
}

static void describe_mapping(MEMORY_BASIC_INFORMATION *m, const struct mapping *map,
			     uintptr_t alloc_base, DWORD alloc_protect, uintptr_t page)
{
	bool reserved = !map->inode && mapping_protect(map->perms) == PAGE_NOACCESS;

	*m = (MEMORY_BASIC_INFORMATION){
		.BaseAddress = (void *)page,
		.AllocationBase = (void *)alloc_base,
		.AllocationProtect = alloc_protect,
		.RegionSize = map->end - page,
		.State = reserved ? MEM_RESERVE : MEM_COMMIT,
		.Protect = reserved ? 0 : mapping_protect(map->perms),
		.Type = is_image(map) ? MEM_IMAGE : map->inode ? MEM_MAPPED : MEM_PRIVATE,
	};
}

static void describe_free(MEMORY_BASIC_INFORMATION *m, uintptr_t page, uintptr_t next)
{
	*m = (MEMORY_BASIC_INFORMATION){
		.BaseAddress = (void *)page,
		.RegionSize = next - page,
		.State = MEM_FREE,
		.Protect = PAGE_NOACCESS,
	};
}

/* Whether map continues the allocation base: the next piece of one file's
 * image, which Windows reports as one allocation. */
static bool same_allocation(const struct mapping *base, const struct mapping *map)
{
	return map->inode && map->inode == base->inode && map->start == base->end;
}

/* Describes memory that is no view; false if /proc/self/maps is unreadable. */
static bool describe_other(MEMORY_BASIC_INFORMATION *m, uintptr_t page)
{
	FILE *f = fopen("/proc/self/maps", "re");
	struct mapping map, base = { 0 };
	bool found = false;
	size_t cap = 0;
	char *line = NULL;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		if (!parse_mapping(&map, line))
			continue;
		found = map.end > page;
		if (!found && same_allocation(&base, &map))
			base.end = map.end;
		else if (!found)
			base = map;
	}
	free(line);
	fclose(f);
	if (!found)
		describe_free(m, page, W32_MAX_ADDRESS + 1);
	else if (map.start > page)
		describe_free(m, page, map.start);
	else if (same_allocation(&base, &map))
		describe_mapping(m, &map, base.start, mapping_protect(base.perms), page);
	else
		describe_mapping(m, &map, map.start, mapping_protect(map.perms), page);
	return true;
}

FM_W32_API SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
				      SIZE_T dwLength)
{
	struct fm_view_info view = FM_VIEW_INFO_INIT;
	uintptr_t page = (uintptr_t)lpAddress & ~(page_size() - 1);
	MEMORY_BASIC_INFORMATION m;

	if ((uintptr_t)lpAddress > W32_MAX_ADDRESS)
		return w32_fail(ERROR_INVALID_PARAMETER);
	if (dwLength < sizeof(m))
		return w32_fail(ERROR_BAD_LENGTH);
	if (!lpBuffer)
		return w32_fail(ERROR_NOACCESS);
	if (fm_view_query(&view, lpAddress) == 0)
		describe_view(&m, &view, page);
	else if (!describe_private(&m, page) && !describe_other(&m, page))
		return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
	*lpBuffer = m;
	return sizeof(m);
}

FM_W32_API void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 1)
		cpus = 1;
	*lpSystemInfo = (SYSTEM_INFO){
		.dwPageSize = (DWORD)page_size(),
		.lpMinimumApplicationAddress = (void *)(uintptr_t)W32_GRANULARITY,
		.lpMaximumApplicationAddress = (void *)W32_MAX_ADDRESS,
		.dwActiveProcessorMask = cpus >= 64 ? ~(DWORD_PTR)0 : ((DWORD_PTR)1 << cpus) - 1,
		.dwNumberOfProcessors = (DWORD)cpus,
		.dwAllocationGranularity = W32_GRANULARITY,
#if defined(__x86_64__)
		.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64,
		.dwProcessorType = PROCESSOR_AMD_X8664,
		.wProcessorLevel = 6,
#elif defined(__aarch64__)
		.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM64,
#else
		.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_UNKNOWN,
#endif
	};
}

FM_W32_API void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
	GetSystemInfo(lpSystemInfo);
}
