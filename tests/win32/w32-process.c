/* SPDX-License-Identifier: MIT */
/*
 * w32-process.c - process handles: OpenProcess, waiting on a process (alone
 * and beside an event), GetExitCodeProcess, GetProcessId, the rights each
 * needs, and a real handle to this process from DuplicateHandle.  One line
 * per check (see check.h).
 *
 * The child is this program again: it waits for the parent's go, then
 * exits with code 42; another one is killed (TerminateProcess(137) on
 * Windows, SIGKILL natively: both say 137).
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#define N(x) "w32proc." x

static const char *program;

static void self(void)
{
	HANDLE h, d = NULL;
	DWORD code = 0;

	SetLastError(0xdead);
	h = OpenProcess(0, FALSE, 0);
	say_result("open.pid0", h != NULL);
	h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, GetCurrentProcessId());
	say_result("open.self", h != NULL);
	say_bool("open.self.id", GetProcessId(h) == GetCurrentProcessId());
	say("open.self.wait", "%lu", (unsigned long)WaitForSingleObject(h, 0));
	say_result("open.self.exit_code", GetExitCodeProcess(h, &code));
	say("open.self.exit_code.value", "%lu", (unsigned long)code);
	say_result("close.once", CloseHandle(h));
	say_result("close.twice", CloseHandle(h));
	code = 0;
	SetLastError(0xdead);
	say_result("pseudo.exit_code", GetExitCodeProcess(GetCurrentProcess(), &code));
	say("pseudo.exit_code.value", "%lu", (unsigned long)code);
	say_bool("pseudo.id", GetProcessId(GetCurrentProcess()) == GetCurrentProcessId());
	say_result("pseudo.duplicate", DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
						       GetCurrentProcess(), &d, 0, FALSE,
						       DUPLICATE_SAME_ACCESS));
	say_bool("pseudo.duplicate.real", d != NULL && d != GetCurrentProcess());
	say_bool("pseudo.duplicate.id", GetProcessId(d) == GetCurrentProcessId());
	say("pseudo.duplicate.wait", "%lu", (unsigned long)WaitForSingleObject(d, 0));
	CloseHandle(d);
}

static void rights(void)
{
	HANDLE sync_only = OpenProcess(SYNCHRONIZE, FALSE, GetCurrentProcessId());
	HANDLE query_only = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
					GetCurrentProcessId());
	HANDLE event = CreateEventA(NULL, TRUE, FALSE, NULL);
	DWORD code = 0;

	SetLastError(0xdead);
	say_result("rights.sync_only.exit_code", GetExitCodeProcess(sync_only, &code));
	say("rights.sync_only.wait", "%lu", (unsigned long)WaitForSingleObject(sync_only, 0));
	SetLastError(0xdead);
	say("rights.query_only.wait", "%lu", (unsigned long)WaitForSingleObject(query_only, 0));
	say_error("rights.query_only.wait.error");
	say_result("rights.query_only.exit_code", GetExitCodeProcess(query_only, &code));
	SetLastError(0xdead);
	say_result("rights.event.exit_code", GetExitCodeProcess(event, &code));
	CloseHandle(sync_only);
	CloseHandle(query_only);
	CloseHandle(event);
}

/* Child "exit": waits for the go, then exits with 42. */
static int exiter(struct control *c)
{
	c->ready = 1;
	return wait_flag(&c->go) ? 42 : 99;
}

static void child_exits(struct control *c)
{
	child *ch = start_child(program, "exit", NULL);
	HANDLE event = CreateEventA(NULL, TRUE, FALSE, NULL), h, both[2];
	DWORD code = 0, id = ch ? child_id(ch) : 0;

	say_bool("child.ready", ch && wait_flag(&c->ready));
	h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, id);
	say_result("child.open", h != NULL);
	say_bool("child.id", GetProcessId(h) == id);
	say("child.running.wait", "%lu", (unsigned long)WaitForSingleObject(h, 0));
	say_result("child.running.exit_code", GetExitCodeProcess(h, &code));
	say("child.running.exit_code.value", "%lu", (unsigned long)code);
	both[0] = event;
	both[1] = h;
	say("child.running.wait_any", "%lu",
	    (unsigned long)WaitForMultipleObjects(2, both, FALSE, 30));
	SetEvent(event);
	say("child.running.wait_any.event", "%lu",
	    (unsigned long)WaitForMultipleObjects(2, both, FALSE, INFINITE));
	say("child.running.wait_all", "%lu",
	    (unsigned long)WaitForMultipleObjects(2, both, TRUE, 30));
	ResetEvent(event);
	c->go = 1;
	say("child.ended.wait", "%lu", (unsigned long)WaitForSingleObject(h, 10000));
	say_result("child.ended.exit_code", GetExitCodeProcess(h, &code));
	say("child.ended.exit_code.value", "%lu", (unsigned long)code);
	say("child.ended.wait_any", "%lu",
	    (unsigned long)WaitForMultipleObjects(2, both, FALSE, 0));
	say("child.ended.wait_all", "%lu",
	    (unsigned long)WaitForMultipleObjects(2, both, TRUE, 30));
	SetEvent(event);
	say("child.ended.wait_all.event", "%lu",
	    (unsigned long)WaitForMultipleObjects(2, both, TRUE, 0));
	say("child.exit", "%d", ch ? wait_child(ch) : -1);
	CloseHandle(h);
	CloseHandle(event);
	c->ready = c->go = 0;
}

/* Child "linger": waits to be killed. */
static int linger(struct control *c)
{
	c->ready = 1;
	Sleep(60000);
	return 99;
}

static void child_killed(struct control *c)
{
	child *ch = start_child(program, "linger", NULL);
	DWORD code = 0, id = ch ? child_id(ch) : 0;
	HANDLE h, h2 = NULL, twice[2];

	say_bool("killed.ready", ch && wait_flag(&c->ready));
	h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, id);
	say_result("killed.duplicate", DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(),
						       &h2, SYNCHRONIZE, FALSE, 0));
	kill_child(ch);
	twice[0] = h;
	twice[1] = h2;
	say("killed.wait_any", "%lu", (unsigned long)WaitForMultipleObjects(2, twice, FALSE, 10000));
	SetLastError(0xdead);
	say_windows("killed.wait_all_same_twice", "4294967295", "%lu",
		    (unsigned long)WaitForMultipleObjects(2, twice, TRUE, 0));
	SetLastError(0xdead);
	say_result("killed.exit_code", GetExitCodeProcess(h, &code));
	say("killed.exit_code.value", "%lu", (unsigned long)code);
	SetLastError(0xdead);
	say_result("killed.duplicate.exit_code", GetExitCodeProcess(h2, &code));
	say("killed.exit", "%d", ch ? wait_child(ch) : -1);
	CloseHandle(h);
	CloseHandle(h2);
	/* Every handle closed and the child reaped: its id names nothing, and
	 * Windows says 87 (Microsoft's OpenProcess page); Wine 8.0 still
	 * opens it. */
	SetLastError(0xdead);
	h = OpenProcess(SYNCHRONIZE, FALSE, id);
	say_windows("killed.reopen.ok", "no", "%s", h ? "yes" : "no");
	say_windows("killed.reopen.error", "87", "%lu", (unsigned long)GetLastError());
	CloseHandle(h);
	c->ready = c->go = 0;
}

static int run_child(const char *mode)
{
	struct control *c = control_open(N("control"));

	if (!c)
		return 99;
	if (strcmp(mode, "exit") == 0)
		return exiter(c);
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
	self();
	rights();
	child_exits(c);
	child_killed(c);
	UnmapViewOfFile(c);
	CloseHandle(control_handle);
	return 0;
}
