/* SPDX-License-Identifier: MIT */
/*
 * w32-views.c - MapViewOfFile(Ex), UnmapViewOfFile, FlushViewOfFile,
 * VirtualQuery and GetSystemInfo: placement on the 64 KiB granularity,
 * bounds, protections as VirtualQuery reports them, copy-on-write, fixed
 * bases, and what VirtualQuery says of views, freed ranges and other
 * memory.  One line per check (see check.h).
 */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static SYSTEM_INFO sys;

static HANDLE create(DWORD protect, DWORD size)
{
	return CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, protect, 0, size, NULL);
}

static void try_map(const char *name, HANDLE h, DWORD off_low, SIZE_T size)
{
	void *v;

	SetLastError(0xdead);
	v = MapViewOfFile(h, FILE_MAP_WRITE, 0, off_low, size);
	say_result(name, v != NULL);
	if (v)
		UnmapViewOfFile(v);
}

static void system_info(void)
{
	GetSystemInfo(&sys);
	say("system.allocation_granularity", "%lu", (unsigned long)sys.dwAllocationGranularity);
	say("system.page_size", "%lu", (unsigned long)sys.dwPageSize);
	say("system.minimum_address", "%llx",
	    (unsigned long long)(uintptr_t)sys.lpMinimumApplicationAddress);
	say_bool("system.processors", sys.dwNumberOfProcessors >= 1);
}

static void bounds(void)
{
	HANDLE small = create(PAGE_READWRITE, 5000);
	HANDLE big = create(PAGE_READWRITE, 70000);
	HANDLE three = create(PAGE_READWRITE, 3 * 65536);
	char *v;

	try_map("map.exact_size", small, 0, 5000);
	try_map("map.page_tail", small, 0, 5001);
	try_map("map.whole_page", small, 0, 8192);
	try_map("map.past_page", small, 0, 8193);
	try_map("map.offset_1", big, 1, 0);
	try_map("map.offset_4096", big, 4096, 0);
	try_map("map.offset_32768", big, 32768, 0);
	try_map("map.offset_past_end", big, 131072, 0);
	try_map("map.offset_at_end", three, 3 * 65536, 0);
	try_map("map.offset_and_size_fit", three, 65536, 2 * 65536);
	try_map("map.offset_and_size_past_by_1", three, 65536, 2 * 65536 + 1);
	try_map("map.size_past_section", three, 0, 4 * 65536);
	v = MapViewOfFile(big, FILE_MAP_WRITE, 0, 65536, 0);
	say("map.size0_from_offset.region", "%lu", (unsigned long)query_region(v));
	UnmapViewOfFile(v);
	v = MapViewOfFile(small, FILE_MAP_WRITE, 0, 0, 0);
	say_bool("map.tail_reads_zero", v && v[4999] == 0 && v[5000] == 0 && v[8191] == 0);
	UnmapViewOfFile(v);
	SetLastError(0xdead);
	say_result("map.null_handle", MapViewOfFile(NULL, FILE_MAP_READ, 0, 0, 0) != NULL);
	say_result("map.invalid_handle",
		   MapViewOfFile(INVALID_HANDLE_VALUE, FILE_MAP_READ, 0, 0, 0) != NULL);
	say_result("map.bogus_handle",
		   MapViewOfFile((HANDLE)(ULONG_PTR)0x1230, FILE_MAP_READ, 0, 0, 0) != NULL);
	CloseHandle(small);
	CloseHandle(big);
	CloseHandle(three);
}

static void placement(void)
{
	HANDLE h = create(PAGE_READWRITE, 100);
	char *v[4];
	int i, aligned = 1;

	for (i = 0; i < 4; i++) {
		v[i] = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
		aligned &= v[i] && (uintptr_t)v[i] % 65536 == 0;
	}
	say_bool("map.bases_on_granularity", aligned);
	say_bool("map.two_views_differ", v[0] != v[1]);
	strcpy(v[0], "written in 0");
	say("map.two_views_coherent", "%s", v[1]);
	for (i = 0; i < 4; i++)
		UnmapViewOfFile(v[i]);
	CloseHandle(h);
}

static void protect_of(const char *name, HANDLE h, DWORD access)
{
	void *v = MapViewOfFile(h, access, 0, 0, 0);
	MEMORY_BASIC_INFORMATION m = query_memory(v);

	say(name, "%lu", v ? (unsigned long)m.Protect : 0ul);
	UnmapViewOfFile(v);
}

static void protections(void)
{
	HANDLE h = create(PAGE_READWRITE, 2 * 4096);
	char *shared, *copy, *other;
	MEMORY_BASIC_INFORMATION m;

	protect_of("protect.read", h, FILE_MAP_READ);
	protect_of("protect.write", h, FILE_MAP_WRITE);
	protect_of("protect.all_access", h, FILE_MAP_ALL_ACCESS);
	protect_of("protect.read_write", h, FILE_MAP_READ | FILE_MAP_WRITE);
	protect_of("protect.copy", h, FILE_MAP_COPY);
	protect_of("protect.read_copy", h, FILE_MAP_READ | FILE_MAP_COPY);
	protect_of("protect.write_copy", h, FILE_MAP_WRITE | FILE_MAP_COPY);
	protect_of("protect.noaccess", h, 0);
	m = query_memory(MapViewOfFile(h, 0, 0, 0, 0));
	say("protect.noaccess.state", "%lu", (unsigned long)m.State);
	UnmapViewOfFile(m.BaseAddress);

	shared = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	strcpy(shared, "section");
	copy = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
	say("cow.shows_section", "%s", copy);
	strcpy(copy, "private");
	say("cow.write_stays_private", "%s", shared);
	say("cow.reads_own_write", "%s", copy);
	m = query_memory(copy);
	say_windows("cow.written_page.protect", "4", "%lu", (unsigned long)m.Protect);
	say_windows("cow.written_page.region", "4096", "%lu", (unsigned long)m.RegionSize);
	say("cow.written_page.allocation_protect", "%lu", (unsigned long)m.AllocationProtect);
	m = query_memory(copy + 4096);
	say("cow.next_page.protect", "%lu", (unsigned long)m.Protect);

	/* COPY only counts alone: WRITE | COPY is a shared, writable view. */
	other = MapViewOfFile(h, FILE_MAP_WRITE | FILE_MAP_COPY, 0, 0, 0);
	strcpy(other, "shared!");
	say("cow.write_copy_is_shared", "%s", shared);
	UnmapViewOfFile(other);
	UnmapViewOfFile(copy);
	UnmapViewOfFile(shared);
	CloseHandle(h);
}

static void fixed_bases(void)
{
	HANDLE h = create(PAGE_READWRITE, 4096);
	char *v, *at, *heap, *inside;

	v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	UnmapViewOfFile(v);
	SetLastError(0xdead);
	at = MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, v);
	say_result("ex.free_address", at != NULL);
	say_bool("ex.free_address.exact", at == v);
	say_result("ex.over_view", MapViewOfFileEx(h, FILE_MAP_READ, 0, 0, 0, at) != NULL);
	say_result("ex.unaligned",
		   MapViewOfFileEx(h, FILE_MAP_READ, 0, 0, 0, at + 4096) != NULL);
	UnmapViewOfFile(at);
	heap = malloc(4 << 20);
	inside = (char *)(((uintptr_t)heap + 65535) & ~(uintptr_t)65535);
	heap[inside - heap] = 1;
	say_result("ex.over_heap", MapViewOfFileEx(h, FILE_MAP_READ, 0, 0, 0, inside) != NULL);
	free(heap);
	SetLastError(0xdead);
	v = MapViewOfFileEx(h, FILE_MAP_READ, 0, 0, 0, NULL);
	say_result("ex.null_base", v != NULL);
	UnmapViewOfFile(v);
	CloseHandle(h);
}

static void unmapping(void)
{
	HANDLE h = create(PAGE_READWRITE, 3 * 4096);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0), *heap = malloc(64);
	int stack = 0;

	SetLastError(0xdead);
	say_result("unmap.base", UnmapViewOfFile(v));
	say("unmap.base.state", "%lu", (unsigned long)query_memory(v).State);
	say_result("unmap.twice", UnmapViewOfFile(v));
	v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	SetLastError(0xdead);
	say_result("unmap.inside", UnmapViewOfFile(v + 4096 + 5));
	say("unmap.inside.state_of_base", "%lu", (unsigned long)query_memory(v).State);
	say_result("unmap.heap", UnmapViewOfFile(heap));
	say_result("unmap.stack", UnmapViewOfFile(&stack));
	say_result("unmap.null", UnmapViewOfFile(NULL));
	free(heap);
	CloseHandle(h);
}

static void queries(void)
{
	HANDLE h = create(PAGE_READWRITE, 3 * 4096 + 100);
	char *v = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0), *heap = malloc(100);
	MEMORY_BASIC_INFORMATION m;
	SIZE_T r;

	memset(&m, 0, sizeof(m));
	SetLastError(0xdead);
	r = VirtualQuery(v, &m, sizeof(m));
	say_bool("query.view.returns_size", r == sizeof(m));
	say_error("query.view.error");
	say_bool("query.view.base", m.BaseAddress == v);
	say_bool("query.view.allocation_base", m.AllocationBase == v);
	say("query.view.region", "%lu", (unsigned long)m.RegionSize);
	say("query.view.state", "%lu", (unsigned long)m.State);
	say("query.view.type", "%lu", (unsigned long)m.Type);
	say("query.view.protect", "%lu", (unsigned long)m.Protect);
	say("query.view.allocation_protect", "%lu", (unsigned long)m.AllocationProtect);
	m = query_memory(v + 4096 + 5);
	say_bool("query.interior.base", m.BaseAddress == v + 4096);
	say_bool("query.interior.allocation_base", m.AllocationBase == v);
	say("query.interior.region", "%lu", (unsigned long)m.RegionSize);
	m = query_memory(v + 4 * 4096);
	say("query.after_view.state", "%lu", (unsigned long)m.State);
	say_bool("query.after_view.base", m.BaseAddress == v + 4 * 4096);
	say_bool("query.after_view.allocation_base_null", m.AllocationBase == NULL);
	say("query.after_view.allocation_protect", "%lu", (unsigned long)m.AllocationProtect);
	say("query.after_view.protect", "%lu", (unsigned long)m.Protect);
	say("query.after_view.type", "%lu", (unsigned long)m.Type);
	say_bool("query.after_view.region_in_pages", m.RegionSize && m.RegionSize % 4096 == 0);
	m = query_memory(heap);
	say("query.heap.state", "%lu", (unsigned long)m.State);
	say("query.heap.type", "%lu", (unsigned long)m.Type);
	say("query.heap.protect", "%lu", (unsigned long)m.Protect);
	SetLastError(0xdead);
	say_result("query.short_buffer", VirtualQuery(heap, &m, sizeof(m) - 1) != 0);
	say_result("query.kernel_address",
		   VirtualQuery((void *)(uintptr_t)0xffff800000000000ull, &m, sizeof(m)) != 0);
	free(heap);
	UnmapViewOfFile(v);
	CloseHandle(h);
}

static void flushing(void)
{
	HANDLE h = create(PAGE_READWRITE, 5000);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);

	SetLastError(0xdead);
	say_result("flush.base_0", FlushViewOfFile(v, 0));
	say_result("flush.interior", FlushViewOfFile(v + 100, 10));
	say_result("flush.whole_view", FlushViewOfFile(v, 8192));
	say_result("flush.past_view", FlushViewOfFile(v, 8193));
	say_result("flush.null", FlushViewOfFile(NULL, 10));
	UnmapViewOfFile(v);
	CloseHandle(h);
}

int main(void)
{
	system_info();
	bounds();
	placement();
	protections();
	fixed_bases();
	unmapping();
	queries();
	flushing();
	return 0;
}
