/* SPDX-License-Identifier: MIT */
/*
 * w32-protect.c - the protection of a view, for every section protection
 * and every access mask of Wine's conformance table (the FILE_MAP_* and
 * SECTION_MAP_EXECUTE combinations), on the paging file and on a file; the
 * file access each section protection needs (execute included); what
 * handles opened or duplicated with less access map; and what VirtualProtect
 * and VirtualAlloc(MEM_COMMIT) may do to a view's pages, for every section
 * and view protection (Wine's test_mapping).  One line per check (see
 * check.h).
 */
#include "check.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define N(x) "w32prot." x

static const struct {
	const char *name;
	DWORD protect;
} protections[] = {
	{ "readonly", PAGE_READONLY },
	{ "readwrite", PAGE_READWRITE },
	{ "writecopy", PAGE_WRITECOPY },
	{ "execute_read", PAGE_EXECUTE_READ },
	{ "execute_readwrite", PAGE_EXECUTE_READWRITE },
	{ "execute_writecopy", PAGE_EXECUTE_WRITECOPY },
};

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

/* A row where Wine 8.0 answers unlike Windows: the access mask, and
 * Windows' answer. */
struct deviation {
	DWORD access;
	const char *windows;
};

/* Windows' answer for access, if deviations names it. */
static const char *windows_answer(const struct deviation *deviations, DWORD access)
{
	for (; deviations && deviations->windows; deviations++)
		if (deviations->access == access)
			return deviations->windows;
	return NULL;
}

/* "0x20 alloc 0x20" for a view, "denied 5" for a refusal. */
static void view_check(const char *name, HANDLE h, DWORD access, const char *windows)
{
	char value[64];
	void *v;
	MEMORY_BASIC_INFORMATION m;

	SetLastError(0xdead);
	v = MapViewOfFile(h, access, 0, 0, 0);
	if (v) {
		m = query_memory(v);
		snprintf(value, sizeof(value), "%#lx alloc %#lx", (unsigned long)m.Protect,
			 (unsigned long)m.AllocationProtect);
		UnmapViewOfFile(v);
	} else {
		snprintf(value, sizeof(value), "denied %lu", (unsigned long)GetLastError());
	}
	if (windows)
		say_windows(name, windows, "%s", value);
	else
		say(name, "%s", value);
}

/* Every access mask of the table: bits 0-3 (COPY, WRITE, READ,
 * SECTION_MAP_EXECUTE), with and without FILE_MAP_EXECUTE. */
static void masks(const char *prefix, HANDLE h, const struct deviation *deviations)
{
	const DWORD all = FILE_MAP_ALL_ACCESS, all_exec = FILE_MAP_ALL_ACCESS | FILE_MAP_EXECUTE;
	char name[128];
	DWORD access;

	for (access = 0; access < 0x30; access++) {
		if (access >= 0x10 && access < 0x20)
			continue;
		snprintf(name, sizeof(name), "%s.%02lx", prefix, (unsigned long)access);
		view_check(name, h, access, windows_answer(deviations, access));
	}
	snprintf(name, sizeof(name), "%s.all_access", prefix);
	view_check(name, h, all, windows_answer(deviations, all));
	snprintf(name, sizeof(name), "%s.all_access_execute", prefix);
	view_check(name, h, all_exec, windows_answer(deviations, all_exec));
}

static void views_of(const char *backing, HANDLE file)
{
	char prefix[96];
	HANDLE h;
	size_t i;

	for (i = 0; i < COUNT(protections); i++) {
		snprintf(prefix, sizeof(prefix), "view.%s.%s", backing, protections[i].name);
		h = CreateFileMappingA(file, NULL, protections[i].protect, 0, 4096, NULL);
		if (!h) {
			say(prefix, "no section %lu", (unsigned long)GetLastError());
			continue;
		}
		masks(prefix, h, NULL);
		CloseHandle(h);
	}
}

static HANDLE open_file(DWORD access)
{
	HANDLE f = CreateFileA("protect.dat", access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
			       OPEN_EXISTING, 0, NULL);

	if (f == INVALID_HANDLE_VALUE)
		say("file.open", "failed %lu", (unsigned long)GetLastError());
	return f;
}

static void make_file(void)
{
	HANDLE f = CreateFileA("protect.dat", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
			       0, NULL);

	SetFilePointer(f, 4096, NULL, FILE_BEGIN);
	say_bool("file.made", SetEndOfFile(f));
	CloseHandle(f);
}

static void views(void)
{
	HANDLE f;

	views_of("paging", INVALID_HANDLE_VALUE);
	f = open_file(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE);
	views_of("file", f);
	CloseHandle(f);
}

/* Whether a file opened with `access` backs a section of each protection.
 * MS documents GENERIC_EXECUTE for every PAGE_EXECUTE_* protection; Wine
 * 8.0 does not ask for it (its own test marks the read-only file's rows
 * todo_wine), so there the native build answers as Windows. */
static void file_access(const char *label, DWORD access)
{
	bool exec = access & (GENERIC_EXECUTE | GENERIC_ALL);
	bool write = access & (GENERIC_WRITE | GENERIC_ALL);
	char name[96];
	HANDLE f = open_file(access), h;
	size_t i;

	for (i = 0; i < COUNT(protections); i++) {
		DWORD p = protections[i].protect;
		bool wants_exec = p & (PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY);
		bool wants_write = p == PAGE_READWRITE || p == PAGE_EXECUTE_READWRITE;

		snprintf(name, sizeof(name), "file.%s.%s", label, protections[i].name);
		SetLastError(0xdead);
		h = CreateFileMappingA(f, NULL, p, 0, 4096, NULL);
		if (wants_exec && !exec && (write || !wants_write))
			say_windows(name, "denied 5", h ? "section" : "denied %lu",
				    (unsigned long)GetLastError());
		else
			say(name, h ? "section" : "denied %lu", (unsigned long)GetLastError());
		CloseHandle(h);
	}
	CloseHandle(f);
}

static void file_accesses(void)
{
	file_access("read", GENERIC_READ);
	file_access("read_write", GENERIC_READ | GENERIC_WRITE);
	file_access("read_execute", GENERIC_READ | GENERIC_EXECUTE);
	file_access("all", GENERIC_ALL);
}

/* OpenFileMapping turns FILE_MAP_EXECUTE into SECTION_MAP_EXECUTE, the
 * right an executable view needs (NT: ReactOS's kernel32 OpenFileMappingW
 * makes that fixup; MS documents FILE_MAP_EXECUTE as the way to open for
 * executable views).  Wine 8.0 does not, and refuses these views. */
static const struct deviation read_execute[] = {
	{ 0x21, "0x80 alloc 0x80" }, { 0x24, "0x20 alloc 0x20" }, { 0x25, "0x20 alloc 0x20" },
	{ 0x2c, "0x20 alloc 0x20" }, { 0x2d, "0x20 alloc 0x20" }, { 0, NULL },
};
static const struct deviation write_execute[] = {
	{ 0x22, "0x40 alloc 0x40" }, { 0x23, "0x40 alloc 0x40" }, { 0x26, "0x40 alloc 0x40" },
	{ 0x27, "0x40 alloc 0x40" }, { 0x2a, "0x40 alloc 0x40" }, { 0x2b, "0x40 alloc 0x40" },
	{ 0x2e, "0x40 alloc 0x40" }, { 0x2f, "0x40 alloc 0x40" },
	{ FILE_MAP_ALL_ACCESS | FILE_MAP_EXECUTE, "0x40 alloc 0x40" }, { 0, NULL },
};

/* The protections VirtualProtect and VirtualAlloc(MEM_COMMIT) are asked
 * for on a view's page, in this order, as Wine's test_mapping does. */
static const DWORD page_protections[] = {
	PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY,
	PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY,
};

/* One view of each protection. */
static const DWORD view_masks[] = {
	0, FILE_MAP_COPY, FILE_MAP_WRITE, FILE_MAP_READ, FILE_MAP_EXECUTE | FILE_MAP_COPY,
	FILE_MAP_EXECUTE | FILE_MAP_WRITE, FILE_MAP_EXECUTE | FILE_MAP_READ,
};

/* Whether a copy-on-write protection is asked of a shared view: Windows
 * makes such pages private; the layer cannot (its man page says so), and
 * test-win32 checks that it refuses.  Those rows are left out. */
static bool copy_of_shared(DWORD view_protect, DWORD protect)
{
	bool view_copies = view_protect == PAGE_WRITECOPY || view_protect == PAGE_EXECUTE_WRITECOPY;

	return !view_copies && (protect == PAGE_WRITECOPY || protect == PAGE_EXECUTE_WRITECOPY);
}

/* VirtualProtect of the first page to each protection in turn, then
 * VirtualAlloc(MEM_COMMIT) with each: what they answer, what VirtualQuery
 * says after. */
static void page_calls(const char *prefix, char *v, DWORD view_protect)
{
	char name[160];
	DWORD old;
	size_t k;
	void *p;

	for (k = 0; k < COUNT(page_protections); k++) {
		if (copy_of_shared(view_protect, page_protections[k]))
			continue;
		snprintf(name, sizeof(name), "%s.protect.%02lx", prefix,
			 (unsigned long)page_protections[k]);
		SetLastError(0xdead);
		old = 0xdead;
		if (VirtualProtect(v, 4096, page_protections[k], &old))
			say(name, "ok old %#lx now %#lx", (unsigned long)old,
			    (unsigned long)query_memory(v).Protect);
		else
			say(name, "failed %lu", (unsigned long)GetLastError());
	}
	for (k = 0; k < COUNT(page_protections); k++) {
		if (copy_of_shared(view_protect, page_protections[k]))
			continue;
		snprintf(name, sizeof(name), "%s.commit.%02lx", prefix,
			 (unsigned long)page_protections[k]);
		SetLastError(0xdead);
		p = VirtualAlloc(v, 4096, MEM_COMMIT, page_protections[k]);
		if (p)
			say(name, "ok now %#lx", (unsigned long)query_memory(v).Protect);
		else
			say(name, "failed %lu", (unsigned long)GetLastError());
	}
}

/* Every section protection, every view protection: the page calls. */
static void view_pages(const char *backing, HANDLE file)
{
	char prefix[96];
	HANDLE h;
	size_t i, j;
	char *v;

	for (i = 0; i < COUNT(protections); i++) {
		h = CreateFileMappingA(file, NULL, protections[i].protect, 0, 4096, NULL);
		for (j = 0; h && j < COUNT(view_masks); j++) {
			v = MapViewOfFile(h, view_masks[j], 0, 0, 0);
			if (!v)
				continue;
			snprintf(prefix, sizeof(prefix), "pages.%s.%s.%02lx", backing,
				 protections[i].name, (unsigned long)view_masks[j]);
			page_calls(prefix, v, query_memory(v).Protect);
			UnmapViewOfFile(v);
		}
		CloseHandle(h);
	}
}

static void pages(void)
{
	HANDLE f;

	view_pages("paging", INVALID_HANDLE_VALUE);
	f = open_file(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE);
	view_pages("file", f);
	CloseHandle(f);
}

/* Handles with less than the creator's rights: what their views may be. */
static void reduced_handles(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_EXECUTE_READWRITE, 0, 4096,
				      N("erw"));
	HANDLE o, d;

	o = OpenFileMappingA(FILE_MAP_READ | FILE_MAP_EXECUTE, FALSE, N("erw"));
	say_bool("open.read_execute", o != NULL);
	masks("open.read_execute", o, read_execute);
	CloseHandle(o);
	o = OpenFileMappingA(FILE_MAP_WRITE | FILE_MAP_EXECUTE, FALSE, N("erw"));
	say_bool("open.write_execute", o != NULL);
	masks("open.write_execute", o, write_execute);
	CloseHandle(o);
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, N("erw"));
	masks("open.read", o, NULL);
	CloseHandle(o);
	say_bool("dup.none", DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0,
					     FALSE, 0));
	masks("dup.none", d, NULL);
	CloseHandle(d);
	CloseHandle(h);
}

int main(void)
{
	make_file();
	views();
	file_accesses();
	reduced_handles();
	pages();
	DeleteFileA("protect.dat");
	return 0;
}
