/* SPDX-License-Identifier: MIT */
/*
 * w32-lifetime.c - how long names live, handles (CloseHandle,
 * DuplicateHandle, inheritance), the last error, and the cross-process
 * rows: the two-process sample, a creator that exits or is killed while
 * another process holds only a view, and a handle inherited by a child.
 *
 * The child processes are this program again (check.h starts them); they
 * write their checks into a shared control section, which the parent
 * prints, so the output's order never depends on scheduling.
 */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N(x) "w32life." x
#define MESSAGE "Message from first process."

static const char *program;

static HANDLE create(const char *name, DWORD size)
{
	return CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, size, name);
}

/* Creates name, which must be gone, and checks it comes back fresh. */
static void recreate_fresh(const char *check, const char *name)
{
	char zeroed[128];
	HANDLE h;
	char *v;

	SetLastError(1234);
	h = create(name, 100);
	say_result(check, h != NULL);
	v = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	snprintf(zeroed, sizeof(zeroed), "%s_zeroed", check);
	say_bool(zeroed, v && v[0] == 0);
	UnmapViewOfFile(v);
	CloseHandle(h);
}

static void last_handle_with_view(void)
{
	HANDLE h = create(N("view_only"), 100);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);

	strcpy(v, "kept");
	CloseHandle(h);
	say_result("lifetime.view_only.open",
		   OpenFileMappingA(FILE_MAP_READ, FALSE, N("view_only")) != NULL);
	say("lifetime.view_only.view_reads", "%s", v);
	strcpy(v, "still writable");
	say("lifetime.view_only.view_writes", "%s", v);
	recreate_fresh("lifetime.view_only.recreate", N("view_only"));
	UnmapViewOfFile(v);
	say_result("lifetime.all_gone.open",
		   OpenFileMappingA(FILE_MAP_READ, FALSE, N("view_only")) != NULL);
}

static void duplicates(void)
{
	HANDLE h = create(N("dup"), 100), d = NULL, r = NULL, z = NULL;
	char *a, *b;

	SetLastError(0xdead);
	say_result("dup.same_access", DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(),
						      &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
	say_bool("dup.same_access.other_value", d != h && d != NULL);
	a = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	b = MapViewOfFile(d, FILE_MAP_WRITE, 0, 0, 0);
	strcpy(a, "same section");
	say("dup.same_access.same_memory", "%s", b);
	UnmapViewOfFile(a);
	UnmapViewOfFile(b);
	CloseHandle(h);
	h = OpenFileMappingA(FILE_MAP_READ, FALSE, N("dup"));
	say_result("dup.keeps_name", h != NULL);
	CloseHandle(h);

	DuplicateHandle(GetCurrentProcess(), d, GetCurrentProcess(), &r, FILE_MAP_READ, FALSE, 0);
	SetLastError(0xdead);
	a = MapViewOfFile(r, FILE_MAP_WRITE, 0, 0, 0);
	say_result("dup.read.view_write", a != NULL);
	a = MapViewOfFile(r, FILE_MAP_READ, 0, 0, 0);
	say_result("dup.read.view_read", a != NULL);
	UnmapViewOfFile(a);
	DuplicateHandle(GetCurrentProcess(), d, GetCurrentProcess(), &z, 0, FALSE, 0);
	say_result("dup.no_access.view_read", MapViewOfFile(z, FILE_MAP_READ, 0, 0, 0) != NULL);
	CloseHandle(z);

	SetLastError(0xdead);
	say_result("dup.close_source", DuplicateHandle(GetCurrentProcess(), r, GetCurrentProcess(),
						       &z, 0, FALSE,
						       DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
	/* The duplicate may take the source's freed value, so only the
	 * duplicate is used, and then both values are gone. */
	a = MapViewOfFile(z, FILE_MAP_READ, 0, 0, 0);
	say_bool("dup.close_source.duplicate_works", a != NULL);
	UnmapViewOfFile(a);
	CloseHandle(z);
	say_result("dup.close_source.source_closed", CloseHandle(r));
	say_result("dup.bad_source", DuplicateHandle(GetCurrentProcess(), (HANDLE)(ULONG_PTR)0x1230,
						     GetCurrentProcess(), &r, 0, FALSE,
						     DUPLICATE_SAME_ACCESS));
	CloseHandle(d);
	say_result("dup.all_closed.open", OpenFileMappingA(FILE_MAP_READ, FALSE, N("dup")) != NULL);
}

static void closing(void)
{
	HANDLE h = create(NULL, 100);

	SetLastError(0xdead);
	say_result("close.once", CloseHandle(h));
	say_result("close.twice", CloseHandle(h));
	say_result("close.null", CloseHandle(NULL));
	SetLastError(0xdead);
	say_result("close.current_process", CloseHandle(GetCurrentProcess()));
}

static void last_error_kept(void)
{
	HANDLE h = create(N("kept"), 100), o, d;
	MEMORY_BASIC_INFORMATION m;
	char *v;

	SetLastError(4321);
	o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, N("kept"));
	v = MapViewOfFile(o, FILE_MAP_WRITE, 0, 0, 0);
	VirtualQuery(v, &m, sizeof(m));
	FlushViewOfFile(v, 0);
	UnmapViewOfFile(v);
	DuplicateHandle(GetCurrentProcess(), o, GetCurrentProcess(), &d, 0, FALSE,
			DUPLICATE_SAME_ACCESS);
	CloseHandle(d);
	CloseHandle(o);
	say("last_error.kept_by_successes", "%lu", (unsigned long)GetLastError());
	SetLastError(0);
	say("last_error.set", "%lu", (unsigned long)GetLastError());
	CloseHandle(h);
}

/* Child "reader": the second process of Microsoft's sample. */
static int reader(struct control *c)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, N("sample")), again;
	char *v = h ? MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;

	tell(c, "sample.reader.opened", "%s", h ? "yes" : "no");
	tell(c, "sample.reader.message", "%s", v ? v : "(no view)");
	tell(c, "sample.reader.region", "%lu", (unsigned long)query_region(v));
	again = create(N("sample"), 65536);
	tell(c, "sample.reader.create_larger.error", "%lu", (unsigned long)GetLastError());
	UnmapViewOfFile(v);
	v = MapViewOfFile(again, FILE_MAP_READ, 0, 0, 0);
	tell(c, "sample.reader.create_larger.region", "%lu", (unsigned long)query_region(v));
	UnmapViewOfFile(v);
	CloseHandle(again);
	CloseHandle(h);
	return 0;
}

static void sample(struct control *c)
{
	HANDLE h = create(N("sample"), 256);
	char *v = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 256);
	child *ch;

	CopyMemory(v, MESSAGE, sizeof(MESSAGE));
	ch = start_child(program, "reader", NULL);
	say("sample.reader.exit", "%d", ch ? wait_child(ch) : -1);
	print_told(c);
	UnmapViewOfFile(v);
	CloseHandle(h);
}

/* Child "creator": creates a name, then exits without closing anything. */
static int creator(struct control *c)
{
	HANDLE h = create(N("orphan"), 100);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);

	strcpy(v, "alive");
	c->ready = 1;
	wait_flag(&c->go);
	return 0;
}

static void creator_exits(struct control *c)
{
	child *ch = start_child(program, "creator", NULL);
	HANDLE h;
	char *v = NULL;

	say_bool("orphan.creator_ready", wait_flag(&c->ready));
	h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, N("orphan"));
	if (h)
		v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	CloseHandle(h); /* only the view is left here */
	c->go = 1;
	say("orphan.creator_exit", "%d", ch ? wait_child(ch) : -1);
	say_result("orphan.open_after_exit",
		   OpenFileMappingA(FILE_MAP_READ, FALSE, N("orphan")) != NULL);
	say("orphan.view_reads", "%s", v ? v : "(no view)");
	if (v)
		strcpy(v, "accepts data");
	say("orphan.view_writes", "%s", v ? v : "(no view)");
	recreate_fresh("orphan.recreate", N("orphan"));
	UnmapViewOfFile(v);
	c->ready = c->go = 0;
}

/* Child "holder": creates a name and holds it until killed. */
static int holder(struct control *c)
{
	create(N("killed"), 100);
	c->ready = 1;
	while (!c->go)
		Sleep(100);
	return 0;
}

static void holder_killed(struct control *c)
{
	child *ch = start_child(program, "holder", NULL);
	HANDLE h;

	say_bool("killed.holder_ready", wait_flag(&c->ready));
	h = OpenFileMappingA(FILE_MAP_READ, FALSE, N("killed"));
	say_bool("killed.open_while_held", h != NULL);
	CloseHandle(h);
	if (ch) {
		kill_child(ch);
		say("killed.exit", "%d", wait_child(ch));
	}
	say_result("killed.open_after_kill",
		   OpenFileMappingA(FILE_MAP_READ, FALSE, N("killed")) != NULL);
	c->ready = c->go = 0;
}

/* Child "inherit": uses the handle value it was given. */
static int inheritor(struct control *c, const char *value)
{
	HANDLE h = (HANDLE)(uintptr_t)strtoull(value, NULL, 10);
	char *v = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);

	tell(c, "inherit.child.view", "%s", v ? "yes" : "no");
	tell(c, "inherit.child.reads", "%s", v ? v : "(no view)");
	UnmapViewOfFile(v);
	return CloseHandle(h) ? 0 : 1;
}

static void inheritance(struct control *c)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 100, NULL);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0), value[32];
	DWORD flags = 0;
	child *ch;

	strcpy(v, "inherited");
	UnmapViewOfFile(v);
	say_bool("inherit.flag", GetHandleInformation(h, &flags) && (flags & HANDLE_FLAG_INHERIT));
	snprintf(value, sizeof(value), "%llu", (unsigned long long)(uintptr_t)h);
	ch = start_child(program, "inherit", value);
	say("inherit.child.exit", "%d", ch ? wait_child(ch) : -1);
	print_told(c);
	CloseHandle(h);
}

static int run_child(const char *mode, const char *arg)
{
	struct control *c = control_open(N("control"));

	if (!c)
		return 99;
	if (strcmp(mode, "reader") == 0)
		return reader(c);
	if (strcmp(mode, "creator") == 0)
		return creator(c);
	if (strcmp(mode, "holder") == 0)
		return holder(c);
	if (strcmp(mode, "inherit") == 0)
		return inheritor(c, arg);
	return 98;
}

int main(int argc, char **argv)
{
	HANDLE control_handle;
	struct control *c;

	program = argv[0];
	if (argc == 3)
		return run_child(argv[1], argv[2]);
	c = control_create(N("control"), &control_handle);
	last_handle_with_view();
	duplicates();
	closing();
	last_error_kept();
	sample(c);
	creator_exits(c);
	holder_killed(c);
	inheritance(c);
	UnmapViewOfFile(c);
	CloseHandle(control_handle);
	return 0;
}
