/* SPDX-License-Identifier: MIT */
/*
 * w32-cmdline.c - the calls around a console program: CommandLineToArgvW
 * (Windows' quoting rules, case by case), GetCommandLineA/W,
 * GetModuleFileNameA/W, LocalAlloc/LocalFree, process snapshots
 * (CreateToolhelp32Snapshot, Process32First/Next finding this program and
 * a child of it by name and id), the priority class, registered window
 * messages and the multimedia timer.  One line per check (see check.h).
 * Built natively, with mingw-w64, and natively with -fshort-wchar.
 */
#include "check.h"

#include <shellapi.h>
#include <tlhelp32.h>
#include <mmsystem.h>

#include <stdlib.h>
#include <string.h>

#define N(x) "w32cmd." x

static const char *program;

/* A wide string's length, counted here: under -fshort-wchar the C
 * library's wcslen would read 4-byte units. */
static size_t length(const wchar_t *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	return n;
}

/* "count [arg][arg]...", the arguments after the first word. */
static void say_split(const char *name, const wchar_t *line)
{
	char out[1024] = "";
	size_t used;
	LPWSTR *argv;
	int count = -1, i;

	SetLastError(0xdead);
	argv = CommandLineToArgvW(line, &count);
	used = (size_t)snprintf(out, sizeof(out), "%d", argv ? count : -1);
	for (i = 1; argv && i < count && used < sizeof(out); i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used, " [%s]", wide_ascii(argv[i]));
	say(name, "%s", out);
	if (argv) {
		say_bool("split.last_is_null", argv[count] == NULL);
		say("split.program", "[%s]", wide_ascii(argv[0]));
	}
	LocalFree(argv);
}

static void splitting(void)
{
	static const wchar_t *const lines[] = {
		L"prog a b c",
		L"prog \"a b\" c",
		L"prog a\\\"b",
		L"prog a\\\\\"b c\"",
		L"prog a\\\\\\\"b",
		L"prog a\\b\\\\c",
		L"prog \"a\"\"b\"",
		L"prog \"\"\"a\"\"\"",
		L"prog \"\"\"\"\"\"",
		L"prog \"\"",
		L"prog   a \t  b  ",
		L"prog a\"b c\"d",
		L"prog \\\"a\\\"",
		L"prog \"a b",
		L"prog \"a\\\\\" b",
		L"\"C:\\Program Files\\x.exe\" a",
		L"\"unterminated program",
		L"\"a\"b c",
		L"  leading",
		L"prog\tx",
	};
	char name[32];
	int count = -1;
	LPWSTR *argv;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(name, sizeof(name), "split.%zu", i);
		say_split(name, lines[i]);
	}
	argv = CommandLineToArgvW(L"", &count);
	say("split.empty", "%d %d", count, argv && length(argv[0]) > 0);
	LocalFree(argv);
	SetLastError(0xdead);
	argv = CommandLineToArgvW(L"prog a", NULL);
	say_result("split.no_count", argv != NULL);
}

/* Child "args": splits its own command line. */
static int split_own(struct control *c)
{
	int count = 0;
	LPWSTR *argv = CommandLineToArgvW(GetCommandLineW(), &count);

	tell(c, "own.count", "%d", count);
	tell(c, "own.mode", "%s", count > 1 ? wide_ascii(argv[1]) : "");
	tell(c, "own.arg", "%s", count > 2 ? wide_ascii(argv[2]) : "");
	tell(c, "own.narrow_has_mode", "%s", strstr(GetCommandLineA(), "args") ? "yes" : "no");
	LocalFree(argv);
	return 0;
}

static void own_command_line(struct control *c)
{
	child *ch = start_child(program, "args", "x\\y\\z");

	say("own.exit", "%d", ch ? wait_child(ch) : -1);
	print_told(c);
}

static void module_name(void)
{
	char path[MAX_PATH], small[5];
	wchar_t wpath[MAX_PATH];
	DWORD n;

	n = GetModuleFileNameA(NULL, path, MAX_PATH);
	say_bool("module.length", n > 0 && n == strlen(path));
	memset(small, 'x', sizeof(small));
	SetLastError(0xdead);
	n = GetModuleFileNameA(NULL, small, sizeof(small));
	/* Since Vista the truncated name is terminated; Wine 8.0 does as XP. */
	say_windows("module.small", "5 1", "%lu %d", (unsigned long)n,
		    small[sizeof(small) - 1] == '\0');
	say_error("module.small.error");
	n = GetModuleFileNameW(NULL, wpath, MAX_PATH);
	say_bool("module.wide_length", n > 0 && n == length(wpath));
	SetLastError(0xdead);
	say("module.bad", "%lu", (unsigned long)GetModuleFileNameA((HMODULE)(ULONG_PTR)0x1230,
								   path, MAX_PATH));
	say_error("module.bad.error");
}

static void local_memory(void)
{
	char *p = LocalAlloc(LPTR, 16), *m;
	HLOCAL h;

	say("local.zeroed", "%d", p && p[0] == 0 && p[15] == 0);
	say_bool("local.free", LocalFree(p) == NULL);
	say_bool("local.free_null", LocalFree(NULL) == NULL);
	h = LocalAlloc(LMEM_MOVEABLE | LMEM_ZEROINIT, 8);
	m = LocalLock(h);
	say("local.moveable", "%d", m && m[7] == 0);
	SetLastError(0xdead);
	say_result("local.unlock", LocalUnlock(h));
	LocalFree(h);
}

/* The name this program has in a snapshot: its module's last part. */
static void own_image_name(char *out, size_t size)
{
	char path[MAX_PATH], *base;
	size_t n;

	GetModuleFileNameA(NULL, path, MAX_PATH);
	base = strrchr(path, '\\') ? strrchr(path, '\\') + 1 : path;
	base = strrchr(base, '/') ? strrchr(base, '/') + 1 : base;
	n = strlen(base);
	snprintf(out, size, "%.*s%s", (int)(n < size - 5 ? n : size - 5), base,
		 n > 4 && _stricmp(base + n - 4, ".exe") == 0 ? "" : ".exe");
}

/* Child "linger": waits for the parent's go. */
static int linger(struct control *c)
{
	c->ready = 1;
	wait_flag(&c->go);
	return 0;
}

static void walk(HANDLE snap, DWORD child_pid, const char *name, int *self, int *found_child)
{
	PROCESSENTRY32 pe;
	int entries = 0;

	pe.dwSize = sizeof(pe);
	for (BOOL ok = Process32First(snap, &pe); ok; ok = Process32Next(snap, &pe)) {
		entries++;
		if (pe.th32ProcessID == GetCurrentProcessId())
			*self = strcmp(pe.szExeFile, name) == 0 && pe.cntThreads >= 1;
		if (pe.th32ProcessID == child_pid)
			*found_child = strcmp(pe.szExeFile, name) == 0 &&
				       pe.th32ParentProcessID == GetCurrentProcessId();
	}
	say_error("snapshot.end.error");
	say_bool("snapshot.several", entries > 1);
}

static void snapshots(struct control *c)
{
	child *ch = start_child(program, "linger", NULL);
	HANDLE snap, event = CreateEventA(NULL, FALSE, FALSE, NULL);
	PROCESSENTRY32W pew;
	PROCESSENTRY32 pe;
	char name[MAX_PATH];
	int self = 0, found_child = 0, wide_self = 0;

	own_image_name(name, sizeof(name));
	say_bool("snapshot.child_ready", ch && wait_flag(&c->ready));
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	say_bool("snapshot.handle", snap != INVALID_HANDLE_VALUE);
	walk(snap, ch ? child_id(ch) : 0, name, &self, &found_child);
	say_bool("snapshot.self_by_name", self);
	say_bool("snapshot.child_by_name_and_parent", found_child);
	SetLastError(0xdead);
	say_result("snapshot.past_end", Process32Next(snap, &pe));
	pe.dwSize = 0;
	SetLastError(0xdead);
	say_result("snapshot.small_size", Process32First(snap, &pe));
	pew.dwSize = sizeof(pew);
	for (BOOL ok = Process32FirstW(snap, &pew); ok; ok = Process32NextW(snap, &pew))
		if (pew.th32ProcessID == GetCurrentProcessId())
			wide_self = strcmp(wide_ascii(pew.szExeFile), name) == 0;
	say_bool("snapshot.wide_self_by_name", wide_self);
	say_result("snapshot.close", CloseHandle(snap));
	pe.dwSize = sizeof(pe);
	SetLastError(0xdead);
	say_result("snapshot.not_a_snapshot", Process32First(event, &pe));
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	SetLastError(0xdead);
	say_result("snapshot.no_processes", Process32First(snap, &pe));
	CloseHandle(snap);
	CloseHandle(event);
	c->go = 1;
	say("snapshot.child_exit", "%d", ch ? wait_child(ch) : -1);
	c->ready = c->go = 0;
}

/* Lowering only: raising the priority back needs privileges on Linux. */
static void priority(void)
{
	HANDLE query = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentProcessId());

	SetLastError(0xdead);
	say_result("priority.set_idle", SetPriorityClass(GetCurrentProcess(), IDLE_PRIORITY_CLASS));
	say("priority.get", "%#lx", (unsigned long)GetPriorityClass(GetCurrentProcess()));
	say("priority.get_by_handle", "%#lx", (unsigned long)GetPriorityClass(query));
	SetLastError(0xdead);
	say_result("priority.set_bad_class", SetPriorityClass(GetCurrentProcess(), 0x12345));
	SetLastError(0xdead);
	say_result("priority.set_without_right", SetPriorityClass(query, IDLE_PRIORITY_CLASS));
	CloseHandle(query);
}

static void messages_and_timer(void)
{
	UINT a = RegisterWindowMessageA("filemap-w32cmd"), b = RegisterWindowMessageA("FILEMAP-W32CMD");
	UINT w = RegisterWindowMessageW(L"filemap-w32cmd"), other = RegisterWindowMessageA("other");
	TIMECAPS caps;
	MMRESULT r;

	say_bool("message.range", a >= 0xC000 && a <= 0xFFFF);
	say_bool("message.ignores_case", a == b);
	say_bool("message.wide_same", a == w);
	say_bool("message.other_differs", other != a && other >= 0xC000);
	say("timer.begin", "%u", timeBeginPeriod(1));
	say("timer.end", "%u", timeEndPeriod(1));
	say("timer.begin_zero", "%u", timeBeginPeriod(0));
	r = timeGetDevCaps(&caps, sizeof(caps));
	say("timer.caps", "%u %u", r, caps.wPeriodMin);
	/* Windows 10 and 11 answer 1000000; Wine 8.0 65535. */
	say_windows("timer.caps_max", "1000000", "%u", caps.wPeriodMax);
	say("timer.caps_small", "%u", timeGetDevCaps(&caps, 1));
	say_bool("timer.time", timeGetTime() != 0);
}

static int run_child(const char *mode)
{
	struct control *c = control_open(N("control"));

	if (!c)
		return 99;
	if (strcmp(mode, "args") == 0)
		return split_own(c);
	if (strcmp(mode, "linger") == 0)
		return linger(c);
	return 98;
}

int main(int argc, char **argv)
{
	HANDLE control_handle;
	struct control *c;

	program = argv[0];
	if (argc == 3)
		return run_child(argv[1]);
	c = control_create(N("control"), &control_handle);
	splitting();
	own_command_line(c);
	module_name();
	local_memory();
	snapshots(c);
	messages_and_timer();
	priority();
	UnmapViewOfFile(c);
	CloseHandle(control_handle);
	return 0;
}
