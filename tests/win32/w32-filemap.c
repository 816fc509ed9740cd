/* SPDX-License-Identifier: MIT */
/*
 * w32-filemap.c - CreateFileMapping with a real file: every row of
 * WIN32-BEHAVIOUR.md's "CreateFileMapping with a file" table, and what
 * goes with them: sizes past 4 GiB as two DWORDs, views and ReadFile /
 * WriteFile seeing each other, FlushViewOfFile read back through a fresh
 * handle, copy-on-write views that never change the file, and a named
 * file-backed section opened by name in a second process that never had
 * the file, an unnamed one's handle inherited by a child, and
 * SetEndOfFile refused while a section of the file exists here or a view
 * of it in another process.  One line per check (see check.h).  Files are
 * made in the current directory.
 *
 * The child is this program again; it writes its checks into a paging-file
 * control section, which the parent prints, as w32-lifetime.c does.
 */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N(x) "w32filemap." x
#define PATH "w32filemap.tmp"
#define SHARE (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

static const char *program;

static HANDLE open_file(DWORD access, DWORD disposition)
{
	return CreateFileA(PATH, access, SHARE, NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* Makes PATH hold size bytes: 'a' + i % 26 at i. */
static void make_file(DWORD size)
{
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS);
	char buf[4096];
	DWORD done = 0, n, i;

	while (done < size) {
		n = size - done < sizeof(buf) ? size - done : (DWORD)sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = (char)('a' + (done + i) % 26);
		WriteFile(f, buf, n, &n, NULL);
		done += n;
	}
	CloseHandle(f);
}

/* PATH's size through a handle of its own, as another program sees it. */
static unsigned long long size_of_file(void)
{
	HANDLE f = open_file(GENERIC_READ, OPEN_EXISTING);
	LARGE_INTEGER size;

	size.QuadPart = -1;
	GetFileSizeEx(f, &size);
	CloseHandle(f);
	return (unsigned long long)size.QuadPart;
}

/* n bytes of PATH at offset, read through a fresh handle, as a string. */
static const char *read_back(unsigned long long offset, DWORD n)
{
	static char buf[64];
	HANDLE f = open_file(GENERIC_READ, OPEN_EXISTING);
	OVERLAPPED at;
	DWORD got = 0;

	memset(&at, 0, sizeof(at));
	at.Offset = (DWORD)offset;
	at.OffsetHigh = (DWORD)(offset >> 32);
	memset(buf, 0, sizeof(buf));
	if (!ReadFile(f, buf, n < sizeof(buf) ? n : sizeof(buf) - 1, &got, &at))
		strcpy(buf, "(read failed)");
	CloseHandle(f);
	return buf;
}

static HANDLE map_file(HANDLE f, DWORD protect, DWORD high, DWORD low, const char *name)
{
	return CreateFileMappingA(f, NULL, protect, high, low, name);
}

/* CreateFileMapping of PATH opened with access, with its result and the
 * file's size after it. */
static void try_create(const char *check, DWORD access, DWORD protect, DWORD size)
{
	HANDLE f = open_file(access, OPEN_EXISTING), m;
	char buf[128];

	SetLastError(0xdead);
	m = map_file(f, protect, 0, size, NULL);
	say_result(check, m != NULL);
	snprintf(buf, sizeof(buf), "%s.file_size", check);
	CloseHandle(m);
	CloseHandle(f);
	say(buf, "%llu", size_of_file());
}

/* A PAGE_READWRITE section of f larger than the file, and the file's size
 * right after. */
static HANDLE grow(const char *check, HANDLE f, DWORD high, DWORD low)
{
	char buf[128];
	HANDLE m;

	SetLastError(0xdead);
	m = map_file(f, PAGE_READWRITE, high, low, NULL);
	say_result(check, m != NULL);
	snprintf(buf, sizeof(buf), "%s.file_size_at_create", check);
	say(buf, "%llu", size_of_file());
	return m;
}

static void empty_file(void)
{
	HANDLE f, m;

	make_file(0);
	try_create("empty.readwrite", GENERIC_READ | GENERIC_WRITE, PAGE_READWRITE, 0);
	try_create("empty.readonly", GENERIC_READ, PAGE_READONLY, 0);
	f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	m = map_file(f, PAGE_READWRITE, 0, 0, N("empty"));
	say_result("empty.named", m != NULL);
	say_result("empty.named.open", OpenFileMappingA(FILE_MAP_READ, FALSE, N("empty")) != NULL);
	CloseHandle(f);
}

static void sizes(void)
{
	HANDLE f, m;
	char *v;

	make_file(100);
	try_create("larger.readonly", GENERIC_READ | GENERIC_WRITE, PAGE_READONLY, 10000);
	try_create("larger.writecopy", GENERIC_READ | GENERIC_WRITE, PAGE_WRITECOPY, 10000);

	f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	m = grow("larger.readwrite", f, 0, 10000);
	v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	say("larger.readwrite.region", "%lu", query_region(v));
	say_bool("larger.readwrite.old_data", v && memcmp(v, "abcdefghij", 10) == 0);
	say_bool("larger.readwrite.new_zero", v && v[100] == 0 && v[9999] == 0);
	UnmapViewOfFile(v);
	CloseHandle(m);
	CloseHandle(f);
	say("larger.readwrite.file_size_after", "%llu", size_of_file());

	/* The file is 10000 bytes now. */
	f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	m = map_file(f, PAGE_READWRITE, 0, 100, NULL);
	say_bool("smaller.created", m != NULL);
	say("smaller.file_size", "%llu", size_of_file());
	SetLastError(0xdead);
	say_result("smaller.view_8192", MapViewOfFile(m, FILE_MAP_READ, 0, 0, 8192) != NULL);
	v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	say("smaller.view_0.region", "%lu", query_region(v));
	say_bool("smaller.view_0.data", v && memcmp(v, "abcdefghij", 10) == 0);
	UnmapViewOfFile(v);
	CloseHandle(m);
	say("smaller.file_size_after", "%llu", size_of_file());

	SetLastError(0xdead);
	m = map_file(f, PAGE_READONLY, 0, 0, NULL);
	say_result("size_0", m != NULL);
	v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	say("size_0.region", "%lu", query_region(v));
	say("size_0.last_bytes", "%d %d", v ? v[99] : -1, v ? v[9999] : -1);
	SetLastError(0xdead);
	say_result("size_0.view_past_file", MapViewOfFile(m, FILE_MAP_READ, 0, 0, 16384) != NULL);
	UnmapViewOfFile(v);
	CloseHandle(m);
	CloseHandle(f);
}

/* A section past 4 GiB: the size and the view offset as two DWORDs.  The
 * file is made 4 GiB long first, with a hole, so that the section grows it
 * by only 64 KiB: growing takes real blocks, and these run on tmpfs. */
static void large(void)
{
	HANDLE f, m;
	LONG high = 1;
	char *v;

	make_file(100);
	f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	SetFilePointer(f, 0, &high, FILE_BEGIN);
	SetEndOfFile(f);
	m = grow("large", f, 1, 0x10000);
	v = MapViewOfFile(m, FILE_MAP_WRITE, 1, 0, 0);
	say("large.view_high.region", "%lu", query_region(v));
	if (v)
		memcpy(v + 10, "past 4 GiB", 10);
	say_result("large.flush", FlushViewOfFile(v, 0));
	say("large.read_back", "%s", read_back(0x100000000ull + 10, 10));
	say("large.start_unchanged", "%s", read_back(0, 5));
	UnmapViewOfFile(v);
	CloseHandle(m);
	/* Shrunk again, so the test leaves no 4 GiB file about. */
	SetFilePointer(f, 0, NULL, FILE_BEGIN);
	SetEndOfFile(f);
	CloseHandle(f);
}

static void file_access(void)
{
	make_file(100);
	try_create("access.read.readwrite", GENERIC_READ, PAGE_READWRITE, 0);
	try_create("access.read.readwrite_larger", GENERIC_READ, PAGE_READWRITE, 20000);
	try_create("access.read.readonly", GENERIC_READ, PAGE_READONLY, 0);
	try_create("access.read.writecopy", GENERIC_READ, PAGE_WRITECOPY, 0);
	try_create("access.none.readonly", 0, PAGE_READONLY, 0);
	try_create("access.write.readonly", GENERIC_WRITE, PAGE_READONLY, 0);
	try_create("access.write.readwrite", GENERIC_WRITE, PAGE_READWRITE, 0);
	try_create("access.readwrite.readonly", GENERIC_READ | GENERIC_WRITE, PAGE_READONLY, 0);
}

/* Views of a PAGE_WRITECOPY section over a file opened with access. */
static void writecopy(const char *check, DWORD access)
{
	HANDLE f = open_file(access, OPEN_EXISTING);
	HANDLE m = map_file(f, PAGE_WRITECOPY, 0, 0, NULL);
	char buf[128], *c, *r;

	snprintf(buf, sizeof(buf), "%s.created", check);
	say_bool(buf, m != NULL);
	SetLastError(0xdead);
	snprintf(buf, sizeof(buf), "%s.view_write", check);
	say_result(buf, MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0) != NULL);
	snprintf(buf, sizeof(buf), "%s.view_all_access", check);
	say_result(buf, MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0) != NULL);
	c = MapViewOfFile(m, FILE_MAP_COPY, 0, 0, 0);
	r = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	snprintf(buf, sizeof(buf), "%s.view_copy", check);
	say_bool(buf, c != NULL);
	snprintf(buf, sizeof(buf), "%s.view_copy.protect", check);
	say(buf, "0x%lx", (unsigned long)query_memory(c).Protect);
	if (c)
		memcpy(c, "PRIVATE", 7);
	snprintf(buf, sizeof(buf), "%s.view_copy.reads_own", check);
	say(buf, "%.7s", c ? c : "(none)");
	snprintf(buf, sizeof(buf), "%s.view_read.unchanged", check);
	say(buf, "%.7s", r ? r : "(none)");
	snprintf(buf, sizeof(buf), "%s.view_copy.flush", check);
	say_result(buf, FlushViewOfFile(c, 0));
	snprintf(buf, sizeof(buf), "%s.file_unchanged", check);
	say(buf, "%s", read_back(0, 7));
	UnmapViewOfFile(c);
	UnmapViewOfFile(r);
	CloseHandle(m);
	CloseHandle(f);
	snprintf(buf, sizeof(buf), "%s.file_unchanged_after_close", check);
	say(buf, "%s", read_back(0, 7));
}

/* Copy-on-write of a PAGE_READWRITE section: still private. */
static void copy_of_readwrite(void)
{
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	HANDLE m = map_file(f, PAGE_READWRITE, 0, 0, NULL);
	char *c = MapViewOfFile(m, FILE_MAP_COPY, 0, 0, 0);

	if (c)
		memcpy(c, "PRIVATE", 7);
	UnmapViewOfFile(c);
	CloseHandle(m);
	CloseHandle(f);
	say("readwrite.view_copy.file_unchanged", "%s", read_back(0, 7));
}

static void bad_handles(void)
{
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100, NULL), d;

	CloseHandle(f);
	SetLastError(0xdead);
	say_result("handle.closed_file", map_file(f, PAGE_READONLY, 0, 0, NULL) != NULL);
	say_result("handle.closed_file_sized", map_file(f, PAGE_READWRITE, 0, 100, NULL) != NULL);
	say_result("handle.section", map_file(s, PAGE_READONLY, 0, 0, NULL) != NULL);
	say_result("handle.section_sized", map_file(s, PAGE_READWRITE, 0, 100, NULL) != NULL);
	say_result("handle.bogus", map_file((HANDLE)(ULONG_PTR)0x1230, PAGE_READONLY, 0, 0, NULL) != NULL);
	CloseHandle(s);
	/* Not in the table: Wine's answer. */
	d = CreateFileA(".", GENERIC_READ, SHARE, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS,
			NULL);
	say_result("handle.directory", map_file(d, PAGE_READONLY, 0, 100, NULL) != NULL);
	CloseHandle(d);
}

/* The file handle closed at once: the named section lives on. */
static void file_closed_first(void)
{
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	HANDLE m = map_file(f, PAGE_READWRITE, 0, 0, N("closed_first")), o;
	char *v;

	CloseHandle(f);
	SetLastError(0xdead);
	o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, N("closed_first"));
	say_result("closed_first.open", o != NULL);
	v = MapViewOfFile(o, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	say("closed_first.data", "%.10s", v ? v : "(none)");
	say("closed_first.region", "%lu", query_region(v));
	if (v)
		memcpy(v, "STILL", 5);
	UnmapViewOfFile(v);
	CloseHandle(o);
	v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	say("closed_first.creator_sees", "%.10s", v ? v : "(none)");
	UnmapViewOfFile(v);
	CloseHandle(m);
	say("closed_first.file", "%s", read_back(0, 10));
	say_result("closed_first.gone", OpenFileMappingA(FILE_MAP_READ, FALSE, N("closed_first")) != NULL);
}

/* An existing name: the existing file-backed section, whatever is asked. */
static void existing_name(void)
{
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	HANDLE m = map_file(f, PAGE_READWRITE, 0, 0, N("existing")), again, paged;
	char *v;

	SetLastError(0xdead);
	again = map_file(f, PAGE_READWRITE, 0, 50, N("existing"));
	say_result("existing.same_file", again != NULL);
	paged = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536,
				   N("existing"));
	say_result("existing.paging_file", paged != NULL);
	v = MapViewOfFile(paged, FILE_MAP_READ, 0, 0, 0);
	say("existing.paging_file.region", "%lu", query_region(v));
	say("existing.paging_file.data", "%.10s", v ? v : "(none)");
	UnmapViewOfFile(v);
	CloseHandle(paged);
	CloseHandle(again);
	CloseHandle(m);
	CloseHandle(f);
}

/* Views, ReadFile and WriteFile on one file. */
static void coherence(void)
{
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	HANDLE m = map_file(f, PAGE_READWRITE, 0, 0, NULL);
	char *v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
	OVERLAPPED at;
	char buf[16];
	DWORD n = 0;

	memset(&at, 0, sizeof(at));
	at.Offset = 20;
	WriteFile(f, "written", 7, &n, &at);
	say("coherent.view_sees_writefile", "%.7s", v ? v + 20 : "(none)");
	if (v)
		memcpy(v + 40, "viewed", 6);
	memset(buf, 0, sizeof(buf));
	at.Offset = 40;
	ReadFile(f, buf, 6, &n, &at);
	say("coherent.readfile_sees_view", "%s", buf);
	if (v)
		memcpy(v, "FLUSHED", 7);
	SetLastError(0xdead);
	say_result("flush.view", FlushViewOfFile(v, 0));
	say_result("flush.view_interior", FlushViewOfFile(v ? v + 4097 : NULL, 100));
	say_result("flush.file", FlushFileBuffers(f));
	say("flush.read_back", "%s", read_back(0, 7));
	if (v)
		memcpy(v + 60, "unmapped", 8);
	UnmapViewOfFile(v);
	CloseHandle(m);
	CloseHandle(f);
	say("unmap_close.read_back", "%s", read_back(60, 8));
}

/* Child "opener": the named file-backed section, by name only. */
static int opener(struct control *c)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, N("shared"));
	char *v = h ? MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
	size_t used;

	used = (size_t)snprintf(c->lines, sizeof(c->lines), "shared.child.opened: %s\n",
				h ? "yes" : "no");
	used += (size_t)snprintf(c->lines + used, sizeof(c->lines) - used,
				 "shared.child.data: %.10s\nshared.child.region: %lu\n",
				 v ? v : "(none)", query_region(v));
	if (v)
		memcpy(v + 100, "from child", 10);
	snprintf(c->lines + used, sizeof(c->lines) - used, "shared.child.flush: %s\n",
		 v && FlushViewOfFile(v, 0) ? "yes" : "no");
	UnmapViewOfFile(v);
	CloseHandle(h);
	return 0;
}

static void two_processes(struct control *c)
{
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	HANDLE m = map_file(f, PAGE_READWRITE, 0, 0, N("shared"));
	char *v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	child *ch;

	CloseHandle(f);
	ch = start_child(program, "opener", NULL);
	say("shared.child.exit", "%d", ch ? wait_child(ch) : -1);
	fputs(c->lines, stdout);
	say("shared.parent_view", "%.10s", v ? v + 100 : "(none)");
	say("shared.file", "%s", read_back(100, 10));
	UnmapViewOfFile(v);
	CloseHandle(m);
	say_result("shared.gone", OpenFileMappingA(FILE_MAP_READ, FALSE, N("shared")) != NULL);
}

/* Child "inheritor": maps the unnamed file section whose inherited handle
 * value it was given, reads it and writes through it. */
static int inheritor(struct control *c, const char *value)
{
	HANDLE h = (HANDLE)(uintptr_t)strtoull(value, NULL, 10);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);

	tell(c, "inherit.child.view", "%s", v ? "yes" : "no");
	tell(c, "inherit.child.data", "%.10s", v ? v : "(none)");
	tell(c, "inherit.child.region", "%lu", query_region(v));
	if (v)
		memcpy(v + 200, "inherited!", 10);
	UnmapViewOfFile(v);
	return CloseHandle(h) ? 0 : 1;
}

/* An unnamed file-backed section's handle, inherited across process
 * creation: the child maps the same file through it. */
static void inheritance(struct control *c)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	HANDLE m = CreateFileMappingA(f, &sa, PAGE_READWRITE, 0, 0, NULL);
	char value[32];
	child *ch;

	CloseHandle(f);
	c->lines[0] = '\0'; /* the opener's, printed already */
	snprintf(value, sizeof(value), "%llu", (unsigned long long)(uintptr_t)m);
	ch = start_child(program, "inheritor", value);
	say("inherit.child.exit", "%d", ch ? wait_child(ch) : -1);
	print_told(c);
	say("inherit.file", "%s", read_back(200, 10));
	CloseHandle(m);
}

/* SetEndOfFile to `at` through f: "ok" or the error, and the size. */
static void end_of_file(const char *check, HANDLE f, LONG at)
{
	unsigned long error;
	BOOL ok;

	SetFilePointer(f, at, NULL, FILE_BEGIN);
	SetLastError(0xdead);
	ok = SetEndOfFile(f);
	error = ok ? 0 : (unsigned long)GetLastError();
	say(check, "%s %lu, size %llu", ok ? "ok" : "failed", error, size_of_file());
}

/* Child "viewer": maps the named file section, and holds only the view
 * until the parent says go. */
static int viewer(struct control *c)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_READ, FALSE, N("viewed"));
	void *v = h ? MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0) : NULL;

	CloseHandle(h);
	tell(c, "user_mapped.child.view", "%s", v ? "yes" : "no");
	c->ready = 1;
	wait_flag(&c->go);
	UnmapViewOfFile(v);
	return 0;
}

/* A file that a section maps cannot be cut short (ERROR_USER_MAPPED_FILE)
 * while the section exists, through a handle or only a view, in this
 * process or another; growing it can. */
static void user_mapped(struct control *c)
{
	HANDLE f = open_file(GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING), m, g;
	void *v;
	child *ch;

	end_of_file("user_mapped.before", f, 12288);
	m = map_file(f, PAGE_READWRITE, 0, 4096, NULL);
	end_of_file("user_mapped.handle.shrink_past_section", f, 8192);
	end_of_file("user_mapped.handle.shrink_into_section", f, 2048);
	end_of_file("user_mapped.handle.grow", f, 16384);
	end_of_file("user_mapped.handle.same", f, 16384);
	v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	CloseHandle(m);
	end_of_file("user_mapped.view.shrink", f, 8192);
	end_of_file("user_mapped.view.grow", f, 20000);
	UnmapViewOfFile(v);
	end_of_file("user_mapped.none.shrink", f, 12288);
	g = open_file(GENERIC_READ, OPEN_EXISTING);
	m = map_file(g, PAGE_READONLY, 0, 0, N("viewed"));
	CloseHandle(g);
	end_of_file("user_mapped.other_file_handle.shrink", f, 8192);
	ch = start_child(program, "viewer", NULL);
	say_bool("user_mapped.child.ready", ch && wait_flag(&c->ready));
	CloseHandle(m);
	end_of_file("user_mapped.other_process_view.shrink", f, 4096);
	c->go = 1;
	say("user_mapped.child.exit", "%d", ch ? wait_child(ch) : -1);
	print_told(c);
	end_of_file("user_mapped.closed.shrink", f, 4096);
	CloseHandle(f);
}

int main(int argc, char **argv)
{
	HANDLE control_handle;
	struct control *c;

	program = argv[0];
	control_handle = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
					    sizeof(struct control), N("control"));
	c = MapViewOfFile(control_handle, FILE_MAP_WRITE, 0, 0, 0);
	if (!c)
		return 99;
	if (argc == 3 && strcmp(argv[1], "inheritor") == 0)
		return inheritor(c, argv[2]);
	if (argc == 3 && strcmp(argv[1], "viewer") == 0)
		return viewer(c);
	if (argc == 3)
		return strcmp(argv[1], "opener") == 0 ? opener(c) : 98;
	empty_file();
	sizes();
	large();
	file_access();
	make_file(100);
	writecopy("writecopy.read", GENERIC_READ);
	writecopy("writecopy.readwrite", GENERIC_READ | GENERIC_WRITE);
	copy_of_readwrite();
	bad_handles();
	make_file(10000);
	file_closed_first();
	existing_name();
	coherence();
	two_processes(c);
	inheritance(c);
	user_mapped(c);
	UnmapViewOfFile(c);
	CloseHandle(control_handle);
	DeleteFileA(PATH);
	return 0;
}
