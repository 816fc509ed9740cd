/* SPDX-License-Identifier: MIT */
/*
 * check.c - the output and process helpers of the Win32 test programs
 * (see check.h).  The process and thread half has a Windows and a POSIX
 * branch; all the rest of the tests is the same code on both.
 */
#ifndef _WIN32
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
#endif

#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void vsay(const char *name, const char *suffix, const char *fmt, va_list ap)
{
	printf("%s: ", name);
	vprintf(fmt, ap);
	printf("%s\n", suffix);
	fflush(stdout);
}

void say(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(name, "", fmt, ap);
	va_end(ap);
}

void say_windows(const char *name, const char *windows, const char *fmt, ...)
{
	char suffix[128];
	va_list ap;

	snprintf(suffix, sizeof(suffix), " [windows: %s]", windows);
	va_start(ap, fmt);
	vsay(name, suffix, fmt, ap);
	va_end(ap);
}

const char *wide_ascii(const wchar_t *w)
{
	static char buffers[4][512];
	static int next;
	char *out = buffers[next++ % 4];
	size_t i;

	for (i = 0; w && w[i] && i < sizeof(buffers[0]) - 1; i++)
		out[i] = w[i] >= 0x20 && w[i] < 0x7F ? (char)w[i] : '?';
	out[i] = '\0';
	return out;
}

void say_bool(const char *name, int value)
{
	say(name, "%s", value ? "yes" : "no");
}

void say_error(const char *name)
{
	say(name, "%lu", (unsigned long)GetLastError());
}

void say_result(const char *name, int ok)
{
	char buf[256];
	unsigned long error = (unsigned long)GetLastError();

	snprintf(buf, sizeof(buf), "%s.ok", name);
	say_bool(buf, ok);
	snprintf(buf, sizeof(buf), "%s.error", name);
	say(buf, "%lu", error);
}

MEMORY_BASIC_INFORMATION query_memory(const void *p)
{
	MEMORY_BASIC_INFORMATION m;

	memset(&m, 0, sizeof(m));
	VirtualQuery(p, &m, sizeof(m));
	return m;
}

unsigned long query_region(const void *p)
{
	return (unsigned long)query_memory(p).RegionSize;
}

/* The flag is read with an interlocked operation: a thread of this process
 * may be setting it (ThreadSanitizer sees a plain read race). */
int wait_flag(volatile LONG *flag)
{
	int i;

	for (i = 0; i < 2000 && !InterlockedCompareExchange(flag, 0, 0); i++)
		Sleep(5);
	return InterlockedCompareExchange(flag, 0, 0) != 0;
}

struct control *control_create(const char *name, HANDLE *handle)
{
	*handle = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
				     sizeof(struct control), name);
	return *handle ? MapViewOfFile(*handle, FILE_MAP_WRITE, 0, 0, 0) : NULL;
}

struct control *control_open(const char *name)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);

	return h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
}

void tell(struct control *c, const char *name, const char *fmt, ...)
{
	size_t used = strlen(c->lines);
	va_list ap;

	used += snprintf(c->lines + used, sizeof(c->lines) - used, "%s: ", name);
	va_start(ap, fmt);
	used += vsnprintf(c->lines + used, sizeof(c->lines) - used, fmt, ap);
	va_end(ap);
	snprintf(c->lines + used, sizeof(c->lines) - used, "\n");
}

void print_told(struct control *c)
{
	fputs(c->lines, stdout);
	fflush(stdout);
	memset(c->lines, 0, sizeof(c->lines));
	c->ready = c->go = 0;
}

struct thread_start {
	int (*fn)(void *);
	void *arg;
};

#ifdef _WIN32

struct thread {
	HANDLE handle;
};

static DWORD WINAPI thread_main(LPVOID p)
{
	struct thread_start start = *(struct thread_start *)p;

	free(p);
	return (DWORD)start.fn(start.arg);
}

thread *start_thread(int (*fn)(void *), void *arg)
{
	struct thread_start *start = malloc(sizeof(*start));
	thread *t = calloc(1, sizeof(*t));

	start->fn = fn;
	start->arg = arg;
	t->handle = CreateThread(NULL, 0, thread_main, start, 0, NULL);
	return t;
}

int join_thread(thread *t)
{
	DWORD code = 255;

	WaitForSingleObject(t->handle, INFINITE);
	GetExitCodeThread(t->handle, &code);
	CloseHandle(t->handle);
	free(t);
	return (int)code;
}

struct child {
	PROCESS_INFORMATION pi;
};

child *start_child(const char *program, const char *mode, const char *arg)
{
	STARTUPINFOA si;
	char line[1024];
	child *c = calloc(1, sizeof(*c));

	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);

	snprintf(line, sizeof(line), "\"%s\" %s %s", program, mode, arg ? arg : "-");
	/* Handles marked inheritable go to the child, as the tests want. */
	if (!c || !CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &c->pi)) {
		free(c);
		return NULL;
	}
	return c;
}

int wait_child(child *c)
{
	DWORD code = 255;

	WaitForSingleObject(c->pi.hProcess, INFINITE);
	GetExitCodeProcess(c->pi.hProcess, &code);
	CloseHandle(c->pi.hProcess);
	CloseHandle(c->pi.hThread);
	free(c);
	return (int)code;
}

void kill_child(child *c)
{
	TerminateProcess(c->pi.hProcess, 137);
}

DWORD child_id(const child *c)
{
	return c->pi.dwProcessId;
}

#else

struct thread {
	pthread_t id;
};

static void *thread_main(void *p)
{
	struct thread_start start = *(struct thread_start *)p;

	free(p);
	return (void *)(intptr_t)start.fn(start.arg);
}

thread *start_thread(int (*fn)(void *), void *arg)
{
	struct thread_start *start = malloc(sizeof(*start));
	thread *t = calloc(1, sizeof(*t));

	start->fn = fn;
	start->arg = arg;
	pthread_create(&t->id, NULL, thread_main, start);
	return t;
}

int join_thread(thread *t)
{
	void *code = NULL;

	pthread_join(t->id, &code);
	free(t);
	return (int)(intptr_t)code;
}

struct child {
	pid_t pid;
};

child *start_child(const char *program, const char *mode, const char *arg)
{
	char *argv[] = { (char *)program, (char *)mode, (char *)(arg ? arg : "-"), NULL };
	child *c = calloc(1, sizeof(*c));

	/* Descriptors without FD_CLOEXEC, the inheritable handles, go along. */
	if (!c || posix_spawn(&c->pid, "/proc/self/exe", NULL, NULL, argv, environ) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

int wait_child(child *c)
{
	int status = 0;

	while (waitpid(c->pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	free(c);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void kill_child(child *c)
{
	kill(c->pid, SIGKILL);
}

DWORD child_id(const child *c)
{
	return (DWORD)c->pid;
}

#endif
