/* SPDX-License-Identifier: MIT */
/*
 * w32-threads.c - thread handles and SignalObjectAndWait.  Threads:
 * CreateThread (suspended too, with ResumeThread), ExitThread,
 * GetExitCodeThread, GetThreadId, waits on thread handles alone and beside
 * events (any and all), duplicates and their rights, the GetCurrentThread
 * pseudo-handle and a real handle made of it, and what other calls say of a
 * thread handle.  SignalObjectAndWait: each kind of object signalled, the
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

/* A thread that waits for its go, then returns its code. */
struct worker {
	HANDLE go;
	DWORD code;
	BOOL exit_thread; /* end with ExitThread rather than a return */
	HANDLE self;      /* a real handle it made of GetCurrentThread() */
	DWORD id;         /* GetCurrentThreadId() as it sees it */
};

static DWORD WINAPI work(LPVOID arg)
{
	struct worker *w = arg;

	w->id = GetCurrentThreadId();
	DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &w->self,
			0, FALSE, DUPLICATE_SAME_ACCESS);
	WaitForSingleObject(w->go, INFINITE);
	if (w->exit_thread)
		ExitThread(w->code);
	return w->code;
}

static HANDLE start(struct worker *w, DWORD code, DWORD flags)
{
	DWORD id = 0;
	HANDLE h;

	memset(w, 0, sizeof(*w));
	w->go = CreateEventA(NULL, TRUE, FALSE, NULL);
	w->code = code;
	h = CreateThread(NULL, 0, work, w, flags, &id);
	say_bool("thread.created", h != NULL && id != 0);
	say_bool("thread.id", GetThreadId(h) == id);
	return h;
}

static void exit_codes(void)
{
	struct worker a, b;
	HANDLE ha = start(&a, 7, 0), hb = start(&b, 42, 0), dup, limited;
	DWORD code = 0;

	say_result("exit.running", GetExitCodeThread(ha, &code));
	say("exit.running.code", "%lu", (unsigned long)code);
	say("exit.running.wait", "%#lx", (unsigned long)WaitForSingleObject(ha, 0));
	SetEvent(a.go);
	say("exit.returned.wait", "%#lx", (unsigned long)WaitForSingleObject(ha, 10000));
	say_result("exit.returned", GetExitCodeThread(ha, &code));
	say("exit.returned.code", "%lu", (unsigned long)code);
	say_bool("exit.returned.id_seen", a.id == GetThreadId(ha));
	say("exit.returned.wait_again", "%#lx", (unsigned long)WaitForSingleObject(ha, 0));
	say("exit.own_handle.wait", "%#lx", (unsigned long)WaitForSingleObject(a.self, 0));
	GetExitCodeThread(a.self, &code);
	say("exit.own_handle.code", "%lu", (unsigned long)code);
	b.exit_thread = TRUE;
	DuplicateHandle(GetCurrentProcess(), hb, GetCurrentProcess(), &dup, 0, FALSE,
			DUPLICATE_SAME_ACCESS);
	CloseHandle(hb);
	SetEvent(b.go);
	say("exit.exit_thread.wait_dup", "%#lx", (unsigned long)WaitForSingleObject(dup, 10000));
	GetExitCodeThread(dup, &code);
	say("exit.exit_thread.code", "%lu", (unsigned long)code);
	DuplicateHandle(GetCurrentProcess(), dup, GetCurrentProcess(), &limited, SYNCHRONIZE, FALSE, 0);
	say_result("rights.synchronize.exit_code", GetExitCodeThread(limited, &code));
	say("rights.synchronize.wait", "%#lx", (unsigned long)WaitForSingleObject(limited, 0));
	CloseHandle(limited);
	DuplicateHandle(GetCurrentProcess(), dup, GetCurrentProcess(), &limited,
			THREAD_QUERY_LIMITED_INFORMATION, FALSE, 0);
	say_result("rights.query.exit_code", GetExitCodeThread(limited, &code));
	SetLastError(0xdead);
	code = WaitForSingleObject(limited, 0);
	say("rights.query.wait", "%#lx %lu", (unsigned long)code, (unsigned long)GetLastError());
	CloseHandle(limited);
	SetLastError(0xdead);
	say_result("other.set_event", SetEvent(dup));
	say_result("other.release_mutex", ReleaseMutex(dup));
	say_result("other.exit_code_of_event", GetExitCodeThread(a.go, &code));
	CloseHandle(dup);
	CloseHandle(a.self);
	CloseHandle(b.self);
	CloseHandle(ha);
	CloseHandle(a.go);
	CloseHandle(b.go);
}

static void waits(void)
{
	struct worker w[3];
	HANDLE h[4];
	int i;

	for (i = 0; i < 3; i++)
		h[i] = start(&w[i], (DWORD)i, 0);
	h[3] = CreateEventA(NULL, TRUE, FALSE, NULL);
	say("wait.any.none", "%#lx", (unsigned long)WaitForMultipleObjects(4, h, FALSE, 0));
	SetEvent(w[1].go);
	say("wait.any.second", "%#lx", (unsigned long)WaitForMultipleObjects(3, h, FALSE, 10000));
	say("wait.all.not_yet", "%#lx", (unsigned long)WaitForMultipleObjects(3, h, TRUE, 0));
	SetEvent(h[3]);
	say("wait.any.event_before_threads", "%#lx",
	    (unsigned long)WaitForMultipleObjects(2, &h[2], FALSE, 10000));
	SetEvent(w[0].go);
	SetEvent(w[2].go);
	say("wait.all.threads_and_event", "%#lx",
	    (unsigned long)WaitForMultipleObjects(4, h, TRUE, 10000));
	for (i = 0; i < 3; i++) {
		CloseHandle(h[i]);
		CloseHandle(w[i].go);
		CloseHandle(w[i].self);
	}
	CloseHandle(h[3]);
}

static void suspended(void)
{
	struct worker w;
	HANDLE h = start(&w, 5, CREATE_SUSPENDED);
	DWORD code = 0;

	SetEvent(w.go);
	/* Suspended, it cannot end, however long one waits. */
	say("suspended.wait", "%#lx", (unsigned long)WaitForSingleObject(h, 200));
	GetExitCodeThread(h, &code);
	say("suspended.code", "%lu", (unsigned long)code);
	say("suspended.resume", "%lu", (unsigned long)ResumeThread(h));
	say("suspended.resumed.wait", "%#lx", (unsigned long)WaitForSingleObject(h, 10000));
	say("suspended.resume_again", "%lu", (unsigned long)ResumeThread(h));
	GetExitCodeThread(h, &code);
	say("suspended.resumed.code", "%lu", (unsigned long)code);
	CloseHandle(w.self);
	CloseHandle(w.go);
	CloseHandle(h);
}

static void pseudo_handle(void)
{
	HANDLE self = GetCurrentThread(), real = NULL;
	DWORD code = 0;

	say("pseudo.value", "%lld", (long long)(intptr_t)self);
	say_result("pseudo.exit_code", GetExitCodeThread(self, &code));
	say("pseudo.exit_code.value", "%lu", (unsigned long)code);
	say_bool("pseudo.id", GetThreadId(self) == GetCurrentThreadId());
	say("pseudo.wait", "%#lx", (unsigned long)WaitForSingleObject(self, 50));
	say_result("pseudo.duplicate", DuplicateHandle(GetCurrentProcess(), self, GetCurrentProcess(),
						       &real, 0, FALSE, DUPLICATE_SAME_ACCESS));
	say_bool("pseudo.duplicate.real", real != NULL && real != self);
	say("pseudo.duplicate.wait", "%#lx", (unsigned long)WaitForSingleObject(real, 0));
	say_bool("pseudo.duplicate.id", GetThreadId(real) == GetCurrentThreadId());
	GetExitCodeThread(real, &code);
	say("pseudo.duplicate.code", "%lu", (unsigned long)code);
	say_result("pseudo.close", CloseHandle(self));
	CloseHandle(real);
}

int main(void)
{
	exit_codes();
	waits();
	suspended();
	pseudo_handle();
	events();
	semaphores();
	mutexes();
	hand_off();
	return 0;
}
