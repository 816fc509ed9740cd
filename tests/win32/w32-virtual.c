/* SPDX-License-Identifier: MIT */
/*
 * w32-virtual.c - VirtualAlloc, VirtualFree, VirtualProtect and what
 * VirtualQuery then reports: private memory reserved, committed,
 * protected, reset, decommitted and released, with every protection and
 * the errors for a wrong base, size, type or protection (Wine's
 * test_VirtualAlloc, test_VirtualProtect and test_VirtualAlloc_protection);
 * views of a SEC_RESERVE section, committed through one view for all of
 * them and across processes; and what VirtualProtect and VirtualAlloc may
 * do to the pages of a view, for every section protection and view
 * (Wine's test_mapping).  One line per check (see check.h); values are
 * offsets and codes, never addresses.
 */
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N(x) "w32virt." x
#define MAPPING_SIZE 0x30000

static const char *program;

/* "<state> <protect> size <n> base+<o> alloc+<o> aprot <p> type <t>",
 * offsets from the address asked about; free memory's size depends on
 * what else the process has mapped, and is left out. */
static void query_as(const char *name, const void *p, const char *windows)
{
	MEMORY_BASIC_INFORMATION m = query_memory(p);
	char value[160];

	if (m.State == MEM_FREE)
		snprintf(value, sizeof(value), "free protect %#lx", (unsigned long)m.Protect);
	else
		snprintf(value, sizeof(value),
			 "state %#lx protect %#lx size %#lx base+%#lx alloc+%#llx aprot %#lx type %#lx",
			 (unsigned long)m.State, (unsigned long)m.Protect, (unsigned long)m.RegionSize,
			 (unsigned long)((const char *)m.BaseAddress - (const char *)p),
			 (unsigned long long)((const char *)p - (const char *)m.AllocationBase),
			 (unsigned long)m.AllocationProtect, (unsigned long)m.Type);
	if (windows)
		say_windows(name, windows, "%s", value);
	else
		say(name, "%s", value);
}

static void query(const char *name, const void *p)
{
	query_as(name, p, NULL);
}

/* A call's result: "ok" (or "ok +<offset>" from base for an address) and
 * the last error when it failed. */
static void result_ptr(const char *name, const void *p, const void *base)
{
	unsigned long error = (unsigned long)GetLastError();

	if (p && base)
		say(name, "ok +%#llx", (unsigned long long)((const char *)p - (const char *)base));
	else
		say(name, p ? "ok" : "failed %lu", error);
}

static void result(const char *name, BOOL ok)
{
	unsigned long error = (unsigned long)GetLastError();

	say(name, ok ? "ok" : "failed %lu", error);
}

#define TRY_PTR(name, call, base) \
	do { SetLastError(0xdead); result_ptr(name, (call), base); } while (0)
#define TRY(name, call) \
	do { SetLastError(0xdead); result(name, (call)); } while (0)

static void protect_to(const char *name, void *p, SIZE_T size, DWORD protect)
{
	DWORD old = 0xdead;
	BOOL ok;

	SetLastError(0xdead);
	ok = VirtualProtect(p, size, protect, &old);
	if (ok)
		say(name, "ok old %#lx", (unsigned long)old);
	else
		result(name, FALSE);
}

/* Wine's test_VirtualAlloc. */
static void reserve_and_commit(void)
{
	char *a, *b;

	TRY_PTR("alloc.size0", VirtualAlloc(NULL, 0, MEM_RESERVE, PAGE_NOACCESS), NULL);
	a = VirtualAlloc(NULL, 0xFFFC, MEM_RESERVE, PAGE_NOACCESS);
	say_bool("alloc.reserve.on_granularity", a && (uintptr_t)a % 65536 == 0);
	query("alloc.reserve", a);
	protect_to("alloc.protect_reserved", a, 0xFFFC, PAGE_READONLY);
	TRY_PTR("alloc.commit", VirtualAlloc(a, 0x1000, MEM_COMMIT, PAGE_NOACCESS), a);
	query("alloc.committed", a);
	query("alloc.rest", a + 0x1000);
	protect_to("alloc.protect_partly_committed", a, 0xFFFC, PAGE_READONLY);
	protect_to("alloc.protect_readonly", a, 0x1000, PAGE_READONLY);
	protect_to("alloc.protect_readwrite", a, 0x1000, PAGE_READWRITE);
	query("alloc.readwrite", a);
	memset(a, 0x55, 20);
	say_bool("alloc.writes", a[19] == 0x55);
	TRY_PTR("alloc.reset", VirtualAlloc(a, 0x1000, MEM_RESET, PAGE_NOACCESS), a);
	query("alloc.reset.state", a);
	TRY_PTR("alloc.reset_reserved", VirtualAlloc(a + 0x1000, 0x1000, MEM_RESET, PAGE_NOACCESS), a);
	TRY_PTR("alloc.reset_past", VirtualAlloc(a + 0xf000, 0x2000, MEM_RESET, PAGE_NOACCESS), a);
	TRY_PTR("alloc.reserve_protect_0", VirtualAlloc(NULL, 0x1000, MEM_RESERVE, 0), NULL);
	TRY_PTR("alloc.commit_protect_0", VirtualAlloc(NULL, 0x1000, MEM_COMMIT, 0), NULL);
	TRY_PTR("alloc.commit_two_protections",
		VirtualAlloc(a, 0x1000, MEM_COMMIT, PAGE_READONLY | PAGE_EXECUTE), a);
	protect_to("alloc.protect_two", a, 0x1000, PAGE_READWRITE | PAGE_EXECUTE_WRITECOPY);
	protect_to("alloc.protect_0", a, 0x1000, 0);
	TRY("free.type_0", VirtualFree(a, 0x10000, 0));
	TRY("free.type_free", VirtualFree(a, 0, MEM_FREE));
	TRY("free.decommit", VirtualFree(a, 0x10000, MEM_DECOMMIT));
	/* Every page reserved now, alike (MS: a region is the pages with
	 * identical attributes; a reserved page's protection is 0): Wine 8.0
	 * keeps the page it decommitted apart. */
	query_as("free.decommitted", a,
		 "state 0x2000 protect 0 size 0x10000 base+0 alloc+0 aprot 0x1 type 0x20000");
	TRY_PTR("free.recommit", VirtualAlloc(a, 0x1000, MEM_COMMIT, PAGE_READWRITE), a);
	say_bool("free.recommit_zero", a[0] == 0 && a[19] == 0);
	TRY("free.release_size_1", VirtualFree(a, 1, MEM_RELEASE));
	TRY("free.release", VirtualFree(a, 0, MEM_RELEASE));
	query("free.released", a);
	b = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE);
	say_bool("alloc.commit_reserve.on_granularity", b && (uintptr_t)b % 65536 == 0);
	TRY("alloc.commit_reserve.release", VirtualFree(b, 0, MEM_RELEASE));
	a = VirtualAlloc(b, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE);
	say_bool("alloc.same_address_again", a == b);
	VirtualFree(a, 0, MEM_RELEASE);
}

static const DWORD all_protections[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
	0x0f, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0,
	0xf0,
};

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

/* Wine's test_VirtualProtect: every protection on a committed page. */
static void protect_every_value(void)
{
	char *base = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
	char name[64];
	DWORD old;
	size_t i;

	SetLastError(0xdead);
	result("protect.null_old", VirtualProtect(base, 4096, PAGE_READONLY, NULL));
	for (i = 0; i < COUNT(all_protections); i++) {
		snprintf(name, sizeof(name), "protect.%02lx", (unsigned long)all_protections[i]);
		protect_to(name, base, 4096, all_protections[i]);
		snprintf(name, sizeof(name), "protect.%02lx.query", (unsigned long)all_protections[i]);
		query(name, base);
		VirtualProtect(base, 4096, PAGE_NOACCESS, &old);
	}
	VirtualFree(base, 0, MEM_RELEASE);
}

/* Wine's test_VirtualAlloc_protection: every protection, committed at once. */
static void alloc_every_value(void)
{
	char name[64], *base;
	size_t i;

	for (i = 0; i < COUNT(all_protections); i++) {
		snprintf(name, sizeof(name), "commit.%02lx", (unsigned long)all_protections[i]);
		SetLastError(0xdead);
		base = VirtualAlloc(NULL, 4096, MEM_COMMIT, all_protections[i]);
		result_ptr(name, base, NULL);
		if (!base)
			continue;
		snprintf(name, sizeof(name), "commit.%02lx.query", (unsigned long)all_protections[i]);
		query(name, base);
		if (all_protections[i] == PAGE_READWRITE || all_protections[i] == PAGE_EXECUTE_READWRITE)
			base[0] = 1;
		snprintf(name, sizeof(name), "commit.%02lx.again", (unsigned long)all_protections[i]);
		TRY_PTR(name, VirtualAlloc(base, 4096, MEM_COMMIT, all_protections[i]), base);
		VirtualFree(base, 0, MEM_RELEASE);
	}
}

/* Ranges that leave an allocation, and addresses that are no allocation's. */
static void ranges(void)
{
	char *p = VirtualAlloc(NULL, 0x5000, MEM_RESERVE, PAGE_READWRITE), *gone;

	query("range.reserved", p);
	TRY_PTR("range.commit_middle", VirtualAlloc(p + 0x1000, 0x1000, MEM_COMMIT, PAGE_READWRITE), p);
	query("range.before", p);
	query("range.middle", p + 0x1000);
	query("range.after", p + 0x2000);
	TRY_PTR("range.commit_other", VirtualAlloc(p + 0x1000, 0x1000, MEM_COMMIT, PAGE_EXECUTE_READ), p);
	query("range.middle_again", p + 0x1000);
	TRY_PTR("range.commit_past", VirtualAlloc(p + 0x4000, 0x2000, MEM_COMMIT, PAGE_READWRITE), p);
	TRY_PTR("range.commit_in_pad", VirtualAlloc(p + 0x6000, 0x1000, MEM_COMMIT, PAGE_READWRITE), p);
	TRY_PTR("range.reserve_inside", VirtualAlloc(p + 0x1000, 0x1000, MEM_RESERVE, PAGE_READWRITE), p);
	TRY("range.release_inside", VirtualFree(p + 0x1000, 0, MEM_RELEASE));
	TRY("range.decommit_size0_inside", VirtualFree(p + 0x1000, 0, MEM_DECOMMIT));
	TRY("range.decommit_past", VirtualFree(p + 0x4000, 0x2000, MEM_DECOMMIT));
	TRY("range.release", VirtualFree(p, 0, MEM_RELEASE));
	TRY("range.release_again", VirtualFree(p, 0, MEM_RELEASE));
	gone = p;
	protect_to("range.free.protect", gone, 0x1000, PAGE_READONLY);
	TRY_PTR("range.free.commit", VirtualAlloc(gone, 0x1000, MEM_COMMIT, PAGE_READONLY), NULL);
	/* A reservation at an address rounds down to the granularity. */
	p = VirtualAlloc(gone + 0x1000, 0x1000, MEM_RESERVE, PAGE_READWRITE);
	say_bool("range.fixed.rounded_down", p == gone);
	query("range.fixed", p);
	TRY("range.fixed.release_inside", VirtualFree(p + 0x1000, 0, MEM_RELEASE));
	VirtualFree(p, 0, MEM_RELEASE);
	p = VirtualAlloc(gone + 0x1234, 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
	say_bool("range.fixed_commit.rounded_down", p == gone);
	query("range.fixed_commit", p);
	VirtualFree(p, 0, MEM_RELEASE);
	p = VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE);
	query("range.commit_reserves", p);
	VirtualFree(p, 0, MEM_RELEASE);
}

static void flags(void)
{
	char *p;

	p = VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE | PAGE_NOCACHE);
	query("flags.nocache", p);
	VirtualFree(p, 0, MEM_RELEASE);
	p = VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE | PAGE_WRITECOMBINE);
	query("flags.writecombine", p);
	VirtualFree(p, 0, MEM_RELEASE);
	p = VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
	query("flags.guard", p);
	VirtualFree(p, 0, MEM_RELEASE);
	/* MS: PAGE_GUARD "cannot be used with PAGE_NOACCESS"; Wine 8.0 takes it. */
	SetLastError(0xdead);
	p = VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_NOACCESS | PAGE_GUARD);
	say_windows("flags.noaccess_guard", "failed 87", p ? "ok" : "failed %lu",
		    (unsigned long)GetLastError());
	VirtualFree(p, 0, MEM_RELEASE);
	SetLastError(0xdead);
	p = VirtualAlloc(NULL, 0x2000, MEM_COMMIT | MEM_RESERVE | MEM_WRITE_WATCH, PAGE_READWRITE);
	result_ptr("flags.write_watch", p, NULL);
	VirtualFree(p, 0, MEM_RELEASE);
	TRY_PTR("flags.write_watch_alone", VirtualAlloc(NULL, 0x2000, MEM_WRITE_WATCH, PAGE_READWRITE), NULL);
	SetLastError(0xdead);
	p = VirtualAlloc(NULL, 0x2000, MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
	result_ptr("flags.top_down", p, NULL);
	VirtualFree(p, 0, MEM_RELEASE);
	TRY_PTR("flags.reset_undo", VirtualAlloc(NULL, 0x2000, MEM_RESET_UNDO, PAGE_READWRITE), NULL);
	TRY_PTR("flags.type_0", VirtualAlloc(NULL, 0x2000, 0, PAGE_READWRITE), NULL);
	TRY_PTR("flags.decommit_type", VirtualAlloc(NULL, 0x2000, MEM_DECOMMIT, PAGE_READWRITE), NULL);
	/* MS: MEM_RESET "cannot be used with any other value"; Wine 8.0 takes
	 * it with MEM_COMMIT. */
	SetLastError(0xdead);
	p = VirtualAlloc(NULL, 0x2000, MEM_RESET | MEM_COMMIT, PAGE_READWRITE);
	say_windows("flags.reset_commit", "failed 87", p ? "ok" : "failed %lu",
		    (unsigned long)GetLastError());
	VirtualFree(p, 0, MEM_RELEASE);
	TRY("flags.free_both", VirtualFree(NULL, 0, MEM_RELEASE | MEM_DECOMMIT));
}

/* Views of a SEC_RESERVE section: reserved until committed, through any
 * view, for every view (Wine's test_MapViewOfFile, SEC_RESERVE part). */
static void reserve_views(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0,
				      MAPPING_SIZE, NULL);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0), *w = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	char *c = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);

	query("reserve.view_write", v);
	query("reserve.view_read", w);
	query("reserve.view_copy", c);
	protect_to("reserve.protect_reserved", v, 0x1000, PAGE_READONLY);
	TRY_PTR("reserve.commit", VirtualAlloc(v + 0x2000, 0x3000, MEM_COMMIT, PAGE_READWRITE), v);
	query("reserve.write.0", v);
	query("reserve.write.2000", v + 0x2000);
	query("reserve.write.5000", v + 0x5000);
	query("reserve.read.2000", w + 0x2000);
	query("reserve.copy.2000", c + 0x2000);
	v[0x2000] = 'x';
	say_bool("reserve.shared", w[0x2000] == 'x' && c[0x2000] == 'x');
	TRY_PTR("reserve.commit_readonly_through_read", VirtualAlloc(w + 0x8000, 0x1000, MEM_COMMIT, PAGE_READONLY), w);
	query("reserve.write.8000", v + 0x8000);
	TRY_PTR("reserve.commit_readwrite_through_read", VirtualAlloc(w + 0x9000, 0x1000, MEM_COMMIT, PAGE_READWRITE), w);
	TRY_PTR("reserve.commit_writecopy_through_copy", VirtualAlloc(c + 0xa000, 0x1000, MEM_COMMIT, PAGE_WRITECOPY), c);
	query("reserve.copy.a000", c + 0xa000);
	query("reserve.write.a000", v + 0xa000);
	TRY_PTR("reserve.commit_past_view", VirtualAlloc(v + 0x2f000, 0x2000, MEM_COMMIT, PAGE_READWRITE), v);
	TRY_PTR("reserve.commit_execute", VirtualAlloc(v + 0xb000, 0x1000, MEM_COMMIT, PAGE_EXECUTE_READWRITE), v);
	TRY_PTR("reserve.commit_noaccess", VirtualAlloc(v + 0xc000, 0x1000, MEM_COMMIT, PAGE_NOACCESS), v);
	query("reserve.write.c000", v + 0xc000);
	query("reserve.read.c000", w + 0xc000);
	protect_to("reserve.protect_committed", v + 0x2000, 0x1000, PAGE_READONLY);
	query("reserve.write.2000_readonly", v + 0x2000);
	protect_to("reserve.protect_mixed", v + 0x4000, 0x2000, PAGE_READONLY);
	TRY("reserve.decommit_view", VirtualFree(v + 0x2000, 0x1000, MEM_DECOMMIT));
	TRY("reserve.release_view", VirtualFree(v, 0, MEM_RELEASE));
	TRY("reserve.release_view_inside", VirtualFree(v + 0x1000, 0, MEM_RELEASE));
	TRY_PTR("reserve.reserve_at_view", VirtualAlloc(v, 0x1000, MEM_RESERVE, PAGE_READWRITE), v);
	TRY_PTR("reserve.reset_view", VirtualAlloc(v, 0x1000, MEM_RESET, PAGE_READWRITE), v);
	TRY("reserve.unmap_write", UnmapViewOfFile(v));
	TRY("reserve.unmap_read", UnmapViewOfFile(w));
	UnmapViewOfFile(c);
	v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	query("reserve.remapped", v);
	query("reserve.remapped.2000", v + 0x2000);
	say_bool("reserve.remapped.kept", v[0x2000] == 'x');
	UnmapViewOfFile(v);
	CloseHandle(h);
}

/* Child "committer": the named SEC_RESERVE section; tells what it sees,
 * commits a page, and leaves. */
static int committer(struct control *c)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, N("shared"));
	char *v = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	MEMORY_BASIC_INFORMATION m;

	m = query_memory(v);
	tell(c, "process.child.0", "state %#lx protect %#lx size %#lx", (unsigned long)m.State,
	     (unsigned long)m.Protect, (unsigned long)m.RegionSize);
	m = query_memory(v ? v + 0x2000 : NULL);
	tell(c, "process.child.2000", "state %#lx size %#lx", (unsigned long)m.State,
	     (unsigned long)m.RegionSize);
	tell(c, "process.child.commit", "%s",
	     v && VirtualAlloc(v + 0x5000, 0x1000, MEM_COMMIT, PAGE_READWRITE) ? "ok" : "failed");
	if (v)
		v[0x5000] = 'c';
	UnmapViewOfFile(v);
	CloseHandle(h);
	return 0;
}

/* Committing in one process commits for the views of every other. */
static void across_processes(struct control *c)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0,
				      MAPPING_SIZE, N("shared"));
	char *v = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	child *ch;

	TRY_PTR("process.commit", VirtualAlloc(v, 0x2000, MEM_COMMIT, PAGE_READONLY), v);
	ch = start_child(program, "committer", NULL);
	say("process.child.exit", "%d", ch ? wait_child(ch) : -1);
	print_told(c);
	query("process.parent.5000", v + 0x5000);
	say_bool("process.parent.reads", v[0x5000] == 'c');
	query("process.parent.6000", v + 0x6000);
	UnmapViewOfFile(v);
	CloseHandle(h);
}

int main(int argc, char **argv)
{
	HANDLE control_handle;
	struct control *c;

	program = argv[0];
	if (argc == 3) {
		c = control_open(N("control"));
		return !c ? 99 : strcmp(argv[1], "committer") == 0 ? committer(c) : 98;
	}
	c = control_create(N("control"), &control_handle);
	reserve_and_commit();
	protect_every_value();
	alloc_every_value();
	ranges();
	flags();
	reserve_views();
	across_processes(c);
	UnmapViewOfFile(c);
	CloseHandle(control_handle);
	return 0;
}
