/* SPDX-License-Identifier: MIT */
/*
 * w32-threads.c - SignalObjectAndWait: each kind of object signalled, the
 * handles it refuses and in which order (nothing is signalled when the
 * other handle is bad, nothing waited on when the signal fails), and a
 * hand-off between two threads (Wine's test_signalandwait, and more).
 * One line per check (see check.h).
 */
#include "check.h"

#include <string.h>

static void signal_and_wait(const char *name, HANDLE signal, HANDLE wait, DWORD ms)
{
	DWORD r;

	SetLastError(0xdead);
	r = SignalObjectAndWait(signal, wait, ms, FALSE);
	if (r == WAIT_FAILED)
		say(name, "failed %lu", (unsigned long)GetLastError());
	else
		say(name, "%#lx", (unsigned long)r);
}

/* Whether a wait on h would succeed now (it takes the object if so). */
static void signalled(const char *name, HANDLE h)
{
	say_bool(name, WaitForSingleObject(h, 0) == WAIT_OBJECT_0);
}

static void events(void)
{
	HANDLE e0 = CreateEventA(NULL, FALSE, FALSE, NULL), e1 = CreateEventA(NULL, TRUE, TRUE, NULL);
	HANDLE section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
	HANDLE limited;
	int i, fails = 0;

	signal_and_wait("event.null_null", NULL, NULL, 0);
	signal_and_wait("event.signal_null_wait", e0, NULL, 0);
	signalled("event.signal_null_wait.set", e0);
	signal_and_wait("event.null_signal", NULL, e0, 0);
	signal_and_wait("event.set_then_wait", e0, e1, 0);
	signalled("event.set_then_wait.set", e0);
	for (i = 0; i < 1000; i++)
		fails += SignalObjectAndWait(e0, e0, 0, FALSE) != WAIT_OBJECT_0;
	say("event.set_and_take_same.fails", "%d", fails);
	signalled("event.set_and_take_same.left_set", e0);
	ResetEvent(e1);
	signal_and_wait("event.wait_times_out", e0, e1, 0);
	ResetEvent(e0);
	signal_and_wait("event.wait_on_section", e0, section, 0);
	signalled("event.wait_on_section.set", e0);
	signal_and_wait("event.signal_section", section, e1, 0);
	DuplicateHandle(GetCurrentProcess(), e0, GetCurrentProcess(), &limited, SYNCHRONIZE, FALSE, 0);
	signal_and_wait("event.signal_without_modify", limited, e1, 0);
	signal_and_wait("event.wait_without_synchronize", e1, section, 0);
	CloseHandle(limited);
	CloseHandle(section);
	CloseHandle(e1);
	CloseHandle(e0);
}

static void semaphores(void)
{
	HANDLE s0 = CreateSemaphoreA(NULL, 0, 1, NULL), s1 = CreateSemaphoreA(NULL, 1, 1, NULL);

	signal_and_wait("semaphore.release_then_take", s0, s1, 0);
	signal_and_wait("semaphore.release_past_maximum", s0, s1, 0);
	say_result("semaphore.s0_at_maximum", ReleaseSemaphore(s0, 1, NULL));
	say_result("semaphore.s1_untouched", ReleaseSemaphore(s1, 1, NULL));
	CloseHandle(s0);
	CloseHandle(s1);
}

static void mutexes(void)
{
	HANDLE m = CreateMutexA(NULL, TRUE, NULL), e = CreateEventA(NULL, TRUE, TRUE, NULL);
	HANDLE f = CreateFileA("w32threads.tmp", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
			       FILE_FLAG_DELETE_ON_CLOSE, NULL);

	signal_and_wait("mutex.release_owned", m, e, 0);
	say_result("mutex.released", ReleaseMutex(m));
	signal_and_wait("mutex.release_not_owned", m, e, 0);
	say("mutex.take", "%#lx", (unsigned long)WaitForSingleObject(m, 0));
	signal_and_wait("mutex.release_then_take_back", m, m, 0);
	say_result("mutex.owned_again", ReleaseMutex(m));
	signal_and_wait("file.file", f, f, 0);
	CloseHandle(f);
	CloseHandle(e);
	CloseHandle(m);
}

/* A worker that answers each start with a done, 100 times. */
struct pingpong {
	HANDLE start, done;
	int rounds;
};

static int answer(void *arg)
{
	struct pingpong *p = arg;
	int i;

	for (i = 0; i < 100; i++) {
		if (WaitForSingleObject(p->start, 10000) != WAIT_OBJECT_0)
			return 1;
		p->rounds++;
		SetEvent(p->done);
	}
	return 0;
}

static void hand_off(void)
{
	struct pingpong p = { CreateEventA(NULL, FALSE, FALSE, NULL),
			      CreateEventA(NULL, FALSE, FALSE, NULL), 0 };
	thread *t = start_thread(answer, &p);
	int i, fails = 0;

	for (i = 0; i < 100; i++)
		fails += SignalObjectAndWait(p.start, p.done, 10000, FALSE) != WAIT_OBJECT_0;
	say("handoff.fails", "%d", fails);
	say("handoff.worker", "%d", join_thread(t));
	say("handoff.rounds", "%d", p.rounds);
	CloseHandle(p.start);
	CloseHandle(p.done);
}

int main(void)
{
	events();
	semaphores();
	mutexes();
	hand_off();
	return 0;
}
