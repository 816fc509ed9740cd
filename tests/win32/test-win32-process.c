/* SPDX-License-Identifier: MIT */
/*
 * test-win32-process.c - what the process handles promise beyond what Wine
 * can be asked (w32-process.c compares the rest with Wine): another user's
 * process is refused, a process handle inherited across exec keeps its
 * meaning, a wait on a process wakes when it ends, also beside a sync
 * object, and GetExitCodeProcess of a process that is not the caller's
 * child.
 */
#define _GNU_SOURCE
#include "w32.h"
#include "harness.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

static void become_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		FAIL("cannot become uid %d: %s", NOBODY, strerror(errno));
}

/* As uid 65534: root's process (the case's) is refused, its own is not. */
static int open_as_nobody(void *arg)
{
	DWORD root_pid = (DWORD)(uintptr_t)arg;
	HANDLE h;

	become_nobody();
	SetLastError(0);
	CHECK(OpenProcess(SYNCHRONIZE, FALSE, root_pid) == NULL);
	CHECK_INT_EQ(GetLastError(), ERROR_ACCESS_DENIED);
	h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, GetCurrentProcessId());
	CHECK(h != NULL);
	CHECK_INT_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
	CHECK(CloseHandle(h));
	return 0;
}

static void other_users_process_refused(void)
{
	HANDLE h;

	if (geteuid() != 0)
		SKIP("needs root to switch a child to uid %d", NOBODY);
	CHECK_INT_EQ(test_in_child(open_as_nobody, (void *)(uintptr_t)getpid()), 0);
	/* Root opens anyone's: here, uid 65534's would be the same call. */
	h = OpenProcess(SYNCHRONIZE, FALSE, 1);
	CHECK(h != NULL);
	CloseHandle(h);
}

/* Helper: waits on the inherited process handle argv[0] and says what the
 * adopted handle is and what the wait gave. */
static int wait_inherited(int argc, char **argv)
{
	HANDLE h = (HANDLE)(uintptr_t)strtoull(argv[0], NULL, 10);
	struct w32_object obj = { 0 };
	DWORD code = 0;

	(void)argc;
	test_say("%s", w32_handle_get(&obj, h) && obj.kind == W32_WAITFD &&
				       obj.waitfd == W32_WAITFD_PROCESS
			       ? "process"
			       : "not a process");
	test_say("id %s", GetProcessId(h) == strtoul(argv[1], NULL, 10) ? "right" : "wrong");
	test_say("wait %lu", (unsigned long)WaitForSingleObject(h, 20000));
	test_say("exit code %s", GetExitCodeProcess(h, &code) && code != STILL_ACTIVE
					 ? "ended"
					 : "still active");
	return CloseHandle(h) ? 0 : 1;
}

/* Helper: sleeps until killed. */
static int linger(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_say("up");
	pause();
	return 0;
}

static void process_handle_inherited_across_exec(void)
{
	char value[32], pid_text[32], line[64];
	int out_linger, out;
	pid_t lingerer = test_spawn("linger", &out_linger, NULL), waiter;
	HANDLE h;

	CHECK(test_read_line(out_linger, line, sizeof(line)));
	h = OpenProcess(SYNCHRONIZE, TRUE, (DWORD)lingerer);
	CHECK(h != NULL);
	CHECK_INT_EQ(fcntl(w32_handle_fd(h), F_GETFD) & FD_CLOEXEC, 0);
	snprintf(value, sizeof(value), "%llu", (unsigned long long)(uintptr_t)h);
	snprintf(pid_text, sizeof(pid_text), "%d", (int)lingerer);
	waiter = test_spawn("wait_inherited", &out, value, pid_text, NULL);
	test_expect_line(out, "process");
	test_expect_line(out, "id right");
	kill(lingerer, SIGKILL);
	test_expect_line(out, "wait 0");
	/* Not the waiter's child: Linux keeps its status for its parent. */
	test_expect_line(out, "exit code ended");
	CHECK_INT_EQ(test_wait(waiter), 0);
	CHECK_INT_EQ(test_wait(lingerer), 128 + SIGKILL);
	close(out);
	close(out_linger);
	CloseHandle(h);
}

/* A wait-any over an event and a process answers the process when it is
 * killed, even with no timeout, and the event when it is set. */
static void mixed_wait_wakes_for_either(void)
{
	char line[64];
	int out;
	pid_t pid = test_spawn("linger", &out, NULL);
	HANDLE both[2], e = CreateEventA(NULL, FALSE, FALSE, NULL);
	DWORD code = 0;

	CHECK(test_read_line(out, line, sizeof(line)));
	both[0] = e;
	both[1] = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	CHECK(both[1] != NULL);
	CHECK_INT_EQ(WaitForMultipleObjects(2, both, FALSE, 20), WAIT_TIMEOUT);
	CHECK(SetEvent(e));
	CHECK_INT_EQ(WaitForMultipleObjects(2, both, FALSE, INFINITE), WAIT_OBJECT_0);
	/* The auto-reset event was consumed by that wait. */
	CHECK_INT_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
	kill(pid, SIGKILL);
	CHECK_INT_EQ(WaitForMultipleObjects(2, both, FALSE, INFINITE), WAIT_OBJECT_0 + 1);
	CHECK_INT_EQ(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_TIMEOUT);
	CHECK(GetExitCodeProcess(both[1], &code));
	CHECK_INT_EQ(code, 128 + SIGKILL);
	/* The program's own waitpid still reaps it: the status was peeked. */
	CHECK_INT_EQ(test_wait(pid), 128 + SIGKILL);
	/* Reaped: the exit code is no longer Linux's to give. */
	CHECK(GetExitCodeProcess(both[1], &code));
	CHECK_INT_EQ(code, 0);
	close(out);
	CloseHandle(both[1]);
	CloseHandle(e);
}

/* Closing a process handle releases its descriptor; a closed one and a
 * handle of another kind are refused by the process calls. */
static void process_calls_check_handles(void)
{
	HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
	HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
	int fd = w32_handle_fd(h);
	DWORD code;

	CHECK(h != NULL);
	CHECK(CloseHandle(h));
	CHECK(fcntl(fd, F_GETFD) < 0);
	CHECK(!GetExitCodeProcess(h, &code));
	CHECK_INT_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK_INT_EQ(GetProcessId(e), 0);
	CHECK_INT_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
	CHECK(!GetExitCodeProcess(h, NULL));
	CHECK_INT_EQ(GetLastError(), ERROR_NOACCESS);
	CHECK(OpenProcess(SYNCHRONIZE, FALSE, 0x80000000u) == NULL);
	CHECK_INT_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CloseHandle(h);
	CloseHandle(e);
}

static const struct test_helper helpers[] = {
	TEST_HELPER(wait_inherited),
	TEST_HELPER(linger),
};

static const struct test_case cases[] = {
	TEST_CASE(other_users_process_refused),
	TEST_CASE(process_handle_inherited_across_exec),
	TEST_CASE(mixed_wait_wakes_for_either),
	TEST_CASE(process_calls_check_handles),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
