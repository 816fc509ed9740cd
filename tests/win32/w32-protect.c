/* SPDX-License-Identifier: MIT */
/*
 * w32-protect.c - the protection of a view, for every section protection
 * and every access mask of Wine's conformance table (the FILE_MAP_* and
 * SECTION_MAP_EXECUTE combinations), on the paging file and on a file; the
 * file access each section protection needs (execute included); and what
 * handles opened or duplicated with less access map.  One line per check
 * (see check.h).
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
	DeleteFileA("protect.dat");
	return 0;
}
