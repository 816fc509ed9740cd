/* SPDX-License-Identifier: MIT */
/*
 * w32-sections.c - CreateFileMapping and OpenFileMapping, paging-file
 * backed: results and last errors for fresh and existing names, sizes,
 * protections, section attributes (also of a file's section), names and
 * their prefixes, and what an opened handle's access allows a view.  One
 * line per check (see check.h).
 */
#include "check.h"

#include <stdio.h>
#include <string.h>

#define N(x) "w32sec." x

static HANDLE create(const char *name, DWORD protect, DWORD size)
{
	return CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, protect, 0, size, name);
}

/* Maps a view with `access` and reports whether it worked, and the error. */
static void try_view(const char *name, HANDLE h, DWORD access)
{
	void *v;

	SetLastError(0xdead);
	v = MapViewOfFile(h, access, 0, 0, 0);
	say_result(name, v != NULL);
	if (v)
		UnmapViewOfFile(v);
}

static void fresh_and_existing(void)
{
	HANDLE h, again, unnamed;
	char *v, *w;

	SetLastError(1234);
	h = create(N("fresh"), PAGE_READWRITE, 256);
	say_result("create.fresh", h != NULL);
	SetLastError(1234);
	unnamed = create(NULL, PAGE_READWRITE, 256);
	say_result("create.unnamed", unnamed != NULL);
	v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	strcpy(v, "first");

	SetLastError(0);
	again = create(N("fresh"), PAGE_READWRITE, 65536);
	say_result("create.existing_larger", again != NULL);
	say_bool("create.existing_larger.other_handle_value", again != h);
	w = MapViewOfFile(again, FILE_MAP_READ, 0, 0, 0);
	say("create.existing_larger.content", "%s", w ? w : "(no view)");
	say("create.existing_larger.region", "%lu", (unsigned long)query_region(w));
	UnmapViewOfFile(w);
	CloseHandle(again);

	again = create(N("fresh"), PAGE_READWRITE, 16);
	say_result("create.existing_smaller", again != NULL);
	w = MapViewOfFile(again, FILE_MAP_READ, 0, 0, 0);
	say("create.existing_smaller.region", "%lu", (unsigned long)query_region(w));
	UnmapViewOfFile(w);
	CloseHandle(again);

	w = MapViewOfFile(unnamed, FILE_MAP_READ, 0, 0, 0);
	say_bool("create.zero_filled", w && w[0] == 0 && w[255] == 0);
	say_bool("create.unnamed_distinct", w && strcmp(w, "first") != 0);
	UnmapViewOfFile(w);
	UnmapViewOfFile(v);
	CloseHandle(unnamed);
	CloseHandle(h);
}

static void sizes_and_protections(void)
{
	HANDLE h;

	say_result("create.size0.named", create(N("zero"), PAGE_READWRITE, 0) != NULL);
	say_result("create.size0.unnamed", create(NULL, PAGE_READWRITE, 0) != NULL);
	say_result("create.size0.left_nothing",
		   OpenFileMappingA(FILE_MAP_READ, FALSE, N("zero")) != NULL);
	say_result("create.protect_noaccess", create(NULL, PAGE_NOACCESS, 10) != NULL);
	say_result("create.protect_0", create(NULL, 0, 10) != NULL);
	say_result("create.protect_execute", create(NULL, PAGE_EXECUTE, 10) != NULL);
	say_result("create.protect_guard", create(NULL, PAGE_READWRITE | PAGE_GUARD, 10) != NULL);
	say_result("create.protect_commit_and_reserve",
		   create(NULL, PAGE_READWRITE | SEC_COMMIT | SEC_RESERVE, 10) != NULL);
	h = create(NULL, PAGE_READWRITE | SEC_COMMIT, 10);
	say_result("create.protect_commit", h != NULL);
	CloseHandle(h);
	h = create(NULL, PAGE_READWRITE | SEC_RESERVE, 10);
	say_result("create.protect_reserve", h != NULL);
	CloseHandle(h);
	h = create(NULL, PAGE_EXECUTE_READ, 10);
	say_result("create.protect_execute_read", h != NULL);
	CloseHandle(h);
	h = create(NULL, PAGE_EXECUTE_READWRITE, 10);
	say_result("create.protect_execute_readwrite", h != NULL);
	CloseHandle(h);
}

/* Section attributes: SEC_NOCACHE and SEC_WRITECOMBINE are hints Windows
 * accepts with SEC_COMMIT or SEC_RESERVE; a bad combination is refused
 * (87) before an image is looked for (193).  On the paging file and on a
 * file alike. */
static void attribute(const char *name, HANDLE file, DWORD protect)
{
	char check[96];
	HANDLE h;

	snprintf(check, sizeof(check), "attributes.%s.%s", file == INVALID_HANDLE_VALUE ? "paging" : "file",
		 name);
	SetLastError(1234);
	h = CreateFileMappingA(file, NULL, protect, 0, 4096, NULL);
	say_result(check, h != NULL);
	CloseHandle(h);
}

static void attributes_of(HANDLE file)
{
	attribute("commit_nocache", file, PAGE_READWRITE | SEC_COMMIT | SEC_NOCACHE);
	attribute("reserve_nocache", file, PAGE_READWRITE | SEC_RESERVE | SEC_NOCACHE);
	attribute("commit_writecombine", file, PAGE_READWRITE | SEC_COMMIT | SEC_WRITECOMBINE);
	attribute("reserve_writecombine", file, PAGE_READWRITE | SEC_RESERVE | SEC_WRITECOMBINE);
	attribute("readonly_commit_nocache", file, PAGE_READONLY | SEC_COMMIT | SEC_NOCACHE);
	attribute("nocache_alone", file, PAGE_READWRITE | SEC_NOCACHE);
	attribute("writecombine_alone", file, PAGE_READWRITE | SEC_WRITECOMBINE);
	attribute("image", file, PAGE_READONLY | SEC_IMAGE);
	attribute("image_no_execute", file, PAGE_READONLY | SEC_IMAGE_NO_EXECUTE);
	attribute("image_commit", file, PAGE_READONLY | SEC_IMAGE | SEC_COMMIT);
	attribute("image_reserve", file, PAGE_READONLY | SEC_IMAGE | SEC_RESERVE);
	attribute("image_noaccess", file, PAGE_NOACCESS | SEC_IMAGE);
	attribute("file_flag", file, PAGE_READWRITE | SEC_FILE);
	attribute("unknown_flag", file, PAGE_READWRITE | SEC_COMMIT | 0x00100000);
}

static void attributes(void)
{
	HANDLE f = CreateFileA("attributes.dat", GENERIC_READ | GENERIC_WRITE, 0, NULL,
			       CREATE_ALWAYS, 0, NULL);

	SetFilePointer(f, 4096, NULL, FILE_BEGIN);
	SetEndOfFile(f);
	attributes_of(INVALID_HANDLE_VALUE);
	attributes_of(f);
	CloseHandle(f);
	DeleteFileA("attributes.dat");
}

static void big_section(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 1, 0x10000, NULL);
	char *high, *low;

	say_result("create.4g_64k", h != NULL);
	high = MapViewOfFile(h, FILE_MAP_WRITE, 1, 0, 0);
	say_bool("create.4g_64k.view_at_4g", high != NULL);
	say("create.4g_64k.view_at_4g.region", "%lu", (unsigned long)query_region(high));
	low = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 65536);
	if (high && low) {
		high[0] = 'h';
		say_bool("create.4g_64k.distinct_from_0", low[0] == 0);
	}
	UnmapViewOfFile(high);
	UnmapViewOfFile(low);
	CloseHandle(h);
}

static void protections_bound_views(void)
{
	HANDLE ro = create(N("readonly"), PAGE_READONLY, 5000);
	HANDLE wc = create(NULL, PAGE_WRITECOPY, 5000);
	HANDLE all;

	say_result("create.readonly", ro != NULL);
	try_view("readonly.view_write", ro, FILE_MAP_WRITE);
	try_view("readonly.view_all_access", ro, FILE_MAP_ALL_ACCESS);
	try_view("readonly.view_read", ro, FILE_MAP_READ);
	try_view("readonly.view_copy", ro, FILE_MAP_COPY);
	/* The handle opens (its write view is refused by Windows' section
	 * protection, but Wine 8.0 grants it: tested natively only). */
	all = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, N("readonly"));
	say_result("readonly.open_all_access", all != NULL);
	try_view("readonly.open_all_access.view_read", all, FILE_MAP_READ);
	CloseHandle(all);
	CloseHandle(ro);

	say_result("create.writecopy", wc != NULL);
	try_view("writecopy.view_write", wc, FILE_MAP_WRITE);
	try_view("writecopy.view_all_access", wc, FILE_MAP_ALL_ACCESS);
	try_view("writecopy.view_copy", wc, FILE_MAP_COPY);
	try_view("writecopy.view_read", wc, FILE_MAP_READ);
	CloseHandle(wc);
}

static void open_access(void)
{
	HANDLE h = create(N("open"), PAGE_READWRITE, 5000), o;

	SetLastError(0xdead);
	say_result("open.missing", OpenFileMappingA(FILE_MAP_READ, FALSE, N("missing")) != NULL);
	say_result("open.null_name", OpenFileMappingA(FILE_MAP_READ, FALSE, NULL) != NULL);
	SetLastError(0xdead);
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, N("open"));
	say_result("open.read", o != NULL);
	try_view("open.read.view_write", o, FILE_MAP_WRITE);
	try_view("open.read.view_all_access", o, FILE_MAP_ALL_ACCESS);
	try_view("open.read.view_read", o, FILE_MAP_READ);
	try_view("open.read.view_copy", o, FILE_MAP_COPY);
	try_view("open.read.view_noaccess", o, 0);
	CloseHandle(o);
	o = OpenFileMappingA(FILE_MAP_WRITE, FALSE, N("open"));
	say_result("open.write", o != NULL);
	try_view("open.write.view_read", o, FILE_MAP_READ);
	try_view("open.write.view_write", o, FILE_MAP_WRITE);
	try_view("open.write.view_copy", o, FILE_MAP_COPY);
	CloseHandle(o);
	o = OpenFileMappingA(FILE_MAP_COPY, FALSE, N("open"));
	say_result("open.copy", o != NULL);
	try_view("open.copy.view_read", o, FILE_MAP_READ);
	try_view("open.copy.view_write", o, FILE_MAP_WRITE);
	CloseHandle(o);
	o = OpenFileMappingA(0, FALSE, N("open"));
	say_result("open.no_access", o != NULL);
	try_view("open.no_access.view_read", o, FILE_MAP_READ);
	CloseHandle(o);
	CloseHandle(h);
}

static void opens_as(const char *check, const char *created, const char *opened)
{
	HANDLE h = create(created, PAGE_READWRITE, 100), o;

	o = OpenFileMappingA(FILE_MAP_READ, FALSE, opened);
	say_result(check, o != NULL);
	CloseHandle(o);
	CloseHandle(h);
}

static void names(void)
{
	HANDLE upper = create(N("Case"), PAGE_READWRITE, 100), lower;
	char *u, *l;

	SetLastError(0xdead);
	lower = create(N("case"), PAGE_READWRITE, 100);
	say_result("name.case_sensitive", lower != NULL);
	u = MapViewOfFile(upper, FILE_MAP_WRITE, 0, 0, 0);
	l = MapViewOfFile(lower, FILE_MAP_WRITE, 0, 0, 0);
	u[0] = 'U';
	say_bool("name.case_sensitive.distinct", l[0] == 0);
	UnmapViewOfFile(u);
	UnmapViewOfFile(l);
	CloseHandle(upper);
	CloseHandle(lower);

	opens_as("name.local_opens_plain", N("plain"), "Local\\" N("plain"));
	opens_as("name.plain_opens_local", "Local\\" N("local"), N("local"));
	opens_as("name.global_opens_global", "Global\\" N("global"), "Global\\" N("global"));
	SetLastError(1234);
	upper = create("Global\\" N("global"), PAGE_READWRITE, 100);
	say_result("name.global_create", upper != NULL);
	CloseHandle(upper);
}

static void malformed_names(void)
{
	char longname[301];
	HANDLE h;

	say_result("name.missing_dir.create", create("Local\\" N("d") "\\leaf", PAGE_READWRITE, 10) != NULL);
	say_result("name.missing_dir.create_noprefix", create(N("d") "\\leaf", PAGE_READWRITE, 10) != NULL);
	say_result("name.missing_dir.open", OpenFileMappingA(FILE_MAP_READ, FALSE, "Local\\" N("d") "\\leaf") != NULL);
	say_result("name.missing_dir.open_noprefix", OpenFileMappingA(FILE_MAP_READ, FALSE, N("d") "\\leaf") != NULL);
	say_result("name.local_only", create("Local\\", PAGE_READWRITE, 10) != NULL);
	say_result("name.global_only", create("Global\\", PAGE_READWRITE, 10) != NULL);
	say_result("name.local_only.open", OpenFileMappingA(FILE_MAP_READ, FALSE, "Local\\") != NULL);
	say_result("name.empty_component", create("Local\\\\x", PAGE_READWRITE, 10) != NULL);
	say_result("name.leading_backslash", create("\\" N("x"), PAGE_READWRITE, 10) != NULL);
	SetLastError(1234);
	h = create("", PAGE_READWRITE, 10);
	say_result("name.empty.create_unnamed", h != NULL);
	CloseHandle(h);
	say_result("name.empty.open", OpenFileMappingA(FILE_MAP_READ, FALSE, "") != NULL);

	memset(longname, 'n', 300);
	longname[300] = '\0';
	say_result("name.ansi_300.create", create(longname, PAGE_READWRITE, 10) != NULL);
	say_result("name.ansi_300.open", OpenFileMappingA(FILE_MAP_READ, FALSE, longname) != NULL);
	longname[259] = '\0';
	SetLastError(1234);
	h = create(longname, PAGE_READWRITE, 10);
	say_result("name.ansi_259.create", h != NULL);
	CloseHandle(h);
}

static void file_handles(void)
{
	HANDLE s = create(NULL, PAGE_READWRITE, 10), h;

	SetLastError(1234);
	h = CreateFileMappingA(NULL, NULL, PAGE_READWRITE, 0, 10, NULL);
	say_result("create.file_null_is_paging_file", h != NULL);
	CloseHandle(h);
	say_result("create.file_bogus_handle",
		   CreateFileMappingA((HANDLE)(ULONG_PTR)0x1230, NULL, PAGE_READWRITE, 0, 10, NULL) != NULL);
	say_result("create.file_is_a_section",
		   CreateFileMappingA(s, NULL, PAGE_READWRITE, 0, 10, NULL) != NULL);
	CloseHandle(s);
}

int main(void)
{
	fresh_and_existing();
	sizes_and_protections();
	attributes();
	big_section();
	protections_bound_views();
	open_access();
	names();
	malformed_names();
	file_handles();
	return 0;
}
