/* SPDX-License-Identifier: MIT */
/*
 * w32-sync.c - mutexes, events, semaphores and the waits: the rows of the
 * "Mutex / event / semaphore" and "Across processes" tables of the
 * project's Windows-behaviour notes, one check (or a few) a row.
 *
 * Names: missing, NULL, fresh, existing (the new call's state ignored),
 * another type's, case, W names, path-like and over-long names.  Then each
 * type's state changes, the rights a handle needs, the waits (any, all,
 * bad counts, bad handles, timeouts), a mutex owner thread that ends
 * holding it, and other processes: a mutex owner that exits or is killed
 * (WAIT_ABANDONED, also from a multiple wait), a release by a non-owner
 * process, a semaphore and events shared across processes, an inherited
 * event handle, and a mutex's hand-off: a releaser that waits again at once
 * alternates with a waiting process.  Children are this program
 * again; they tell their checks through a control section (check.h).
 *
 * Where Wine 8.0 answers unlike Windows (OpenMutex with access 0,
 * ReleaseSemaphore by 0, a wait-all naming a handle twice) the line says
 * Windows' answer, which the native build must give.
 */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N(x) "w32sync." x
#define SET_ERROR 0xdead /* set before a call, to see whether it changes */

static const char *program;
static struct control *control;

/* "WAIT_OBJECT_0+1", "WAIT_TIMEOUT" ...: a wait's result, by name. */
static const char *wait_name(DWORD r)
{
	static char buf[64];

	if (r == WAIT_TIMEOUT)
		return "WAIT_TIMEOUT";
	if (r == WAIT_FAILED)
		return "WAIT_FAILED";
	if (r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + MAXIMUM_WAIT_OBJECTS)
		snprintf(buf, sizeof(buf), "WAIT_ABANDONED_0+%lu", (unsigned long)(r - WAIT_ABANDONED_0));
	else if (r < MAXIMUM_WAIT_OBJECTS)
		snprintf(buf, sizeof(buf), "WAIT_OBJECT_0+%lu", (unsigned long)r);
	else
		snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)r);
	return buf;
}

/* "name: RESULT" and "name.error: N" for a wait already made. */
static void say_wait(const char *name, DWORD r)
{
	unsigned long error = (unsigned long)GetLastError();
	char buf[256];

	say(name, "%s", wait_name(r));
	snprintf(buf, sizeof(buf), "%s.error", name);
	say(buf, "%lu", error);
}

/* A check of a call, with the last error set to SET_ERROR before it. */
#define WAIT(name, call)    (SetLastError(SET_ERROR), say_wait(name, call))
#define RESULT(name, call)  (SetLastError(SET_ERROR), say_result(name, (call) != 0))
#define HANDLE_OF(name, call) (SetLastError(SET_ERROR), got(name, call))

static HANDLE got(const char *name, HANDLE h)
{
	say_result(name, h != NULL);
	return h;
}

/* A quick poll: whether the object is signalled (and so taken) now. */
static void poll(const char *name, HANDLE h)
{
	say(name, "%s", wait_name(WaitForSingleObject(h, 0)));
}

static HANDLE section(const char *name)
{
	return CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100, name);
}

/* ---- names ---- */

static void missing_and_null(void)
{
	HANDLE_OF("open.missing.mutex", OpenMutexA(SYNCHRONIZE, FALSE, N("missing")));
	HANDLE_OF("open.missing.event", OpenEventA(SYNCHRONIZE, FALSE, N("missing")));
	HANDLE_OF("open.missing.semaphore", OpenSemaphoreA(SYNCHRONIZE, FALSE, N("missing")));
	HANDLE_OF("open.null_name.mutex", OpenMutexA(SYNCHRONIZE, FALSE, NULL));
	HANDLE_OF("open.null_name.event", OpenEventA(SYNCHRONIZE, FALSE, NULL));
	HANDLE_OF("open.null_name.semaphore", OpenSemaphoreA(SYNCHRONIZE, FALSE, NULL));
}

static void fresh_and_existing(void)
{
	HANDLE m = HANDLE_OF("create.fresh.mutex", CreateMutexA(NULL, FALSE, N("m")));
	HANDLE e = HANDLE_OF("create.fresh.event", CreateEventA(NULL, FALSE, FALSE, N("e")));
	HANDLE s = HANDLE_OF("create.fresh.semaphore", CreateSemaphoreA(NULL, 0, 1, N("s")));
	HANDLE m2, e2, s2;
	LONG prev = -7;

	/* The existing objects, with the new call's initial state ignored. */
	m2 = HANDLE_OF("create.existing.mutex", CreateMutexA(NULL, TRUE, N("m")));
	RESULT("create.existing.mutex.not_owned", ReleaseMutex(m2));
	e2 = HANDLE_OF("create.existing.event", CreateEventA(NULL, TRUE, TRUE, N("e")));
	poll("create.existing.event.still_unset", e2);
	SetEvent(e2);
	poll("create.existing.event.set", e2);
	poll("create.existing.event.still_auto", e2);
	s2 = HANDLE_OF("create.existing.semaphore", CreateSemaphoreA(NULL, 5, 10, N("s")));
	poll("create.existing.semaphore.still_zero", s2);
	RESULT("create.existing.semaphore.release", ReleaseSemaphore(s2, 1, &prev));
	say("create.existing.semaphore.previous", "%ld", (long)prev);
	RESULT("create.existing.semaphore.still_max_1", ReleaseSemaphore(s2, 1, NULL));
	CloseHandle(m2);
	CloseHandle(e2);
	CloseHandle(s2);
	CloseHandle(m);
	CloseHandle(e);
	CloseHandle(s);
}

static void wrong_types(void)
{
	HANDLE m = CreateMutexA(NULL, FALSE, N("tm")), e = CreateEventA(NULL, FALSE, FALSE, N("te"));
	HANDLE s = CreateSemaphoreA(NULL, 0, 1, N("ts")), f = section(N("tf"));

	HANDLE_OF("type.open_event_on_mutex", OpenEventA(SYNCHRONIZE, FALSE, N("tm")));
	HANDLE_OF("type.open_semaphore_on_mutex", OpenSemaphoreA(SYNCHRONIZE, FALSE, N("tm")));
	HANDLE_OF("type.open_mutex_on_event", OpenMutexA(SYNCHRONIZE, FALSE, N("te")));
	HANDLE_OF("type.open_mutex_on_semaphore", OpenMutexA(SYNCHRONIZE, FALSE, N("ts")));
	HANDLE_OF("type.open_mutex_on_mapping", OpenMutexA(SYNCHRONIZE, FALSE, N("tf")));
	HANDLE_OF("type.create_mutex_on_event", CreateMutexA(NULL, FALSE, N("te")));
	HANDLE_OF("type.create_event_on_mutex", CreateEventA(NULL, FALSE, FALSE, N("tm")));
	HANDLE_OF("type.create_semaphore_on_mutex", CreateSemaphoreA(NULL, 0, 1, N("tm")));
	HANDLE_OF("type.create_mutex_on_mapping", CreateMutexA(NULL, FALSE, N("tf")));
	HANDLE_OF("type.create_event_on_mapping", CreateEventA(NULL, FALSE, FALSE, N("tf")));
	HANDLE_OF("type.create_mapping_on_mutex", section(N("tm")));
	HANDLE_OF("type.create_mapping_on_semaphore", section(N("ts")));
	HANDLE_OF("type.open_mapping_on_mutex", OpenFileMappingA(FILE_MAP_READ, FALSE, N("tm")));
	HANDLE_OF("type.open_mapping_on_event", OpenFileMappingA(FILE_MAP_READ, FALSE, N("te")));
	CloseHandle(m);
	CloseHandle(e);
	CloseHandle(s);
	CloseHandle(f);
}

static void zero_access(void)
{
	HANDLE m = CreateMutexA(NULL, FALSE, N("zero")), h;
	unsigned long error;

	SetLastError(SET_ERROR);
	h = OpenMutexA(0, FALSE, N("zero"));
	error = (unsigned long)GetLastError();
	say_windows("open.zero_access.ok", "no", "%s", h ? "yes" : "no");
	say_windows("open.zero_access.error", "5", "%lu", error);
	if (h)
		CloseHandle(h);
	CloseHandle(m);
}

static void name_forms(void)
{
	HANDLE h, w;
	char long_name[301];

	h = CreateMutexA(NULL, FALSE, N("Case"));
	HANDLE_OF("name.case_sensitive", OpenMutexA(SYNCHRONIZE, FALSE, N("CASE")));
	CloseHandle(h);
	HANDLE_OF("name.gone_with_last_handle", OpenMutexA(SYNCHRONIZE, FALSE, N("Case")));
	w = HANDLE_OF("name.wide.create", CreateEventW(NULL, FALSE, FALSE, L"w32sync.wide"));
	h = HANDLE_OF("name.wide.open_ansi", OpenEventA(SYNCHRONIZE, FALSE, N("wide")));
	CloseHandle(h);
	CloseHandle(w);
	HANDLE_OF("name.local_subdirectory", CreateMutexA(NULL, FALSE, "Local\\" N("d\\leaf")));
	HANDLE_OF("name.subdirectory", CreateEventA(NULL, FALSE, FALSE, N("d\\leaf")));
	HANDLE_OF("name.leading_backslash", OpenMutexA(SYNCHRONIZE, FALSE, "\\" N("x")));
	HANDLE_OF("name.empty_prefix_only", CreateMutexA(NULL, FALSE, "Local\\"));
	memset(long_name, 'n', 300);
	long_name[300] = '\0';
	HANDLE_OF("name.ansi_300", CreateMutexA(NULL, FALSE, long_name));
	h = HANDLE_OF("name.empty.create", CreateMutexA(NULL, FALSE, ""));
	CloseHandle(h);
	HANDLE_OF("name.empty.open", OpenMutexA(SYNCHRONIZE, FALSE, ""));
}

/* ---- mutexes ---- */

struct owner_thread {
	HANDLE mutex;
	volatile LONG owns;
	volatile LONG release;
};

static int own_then_release(void *arg)
{
	struct owner_thread *t = arg;

	WaitForSingleObject(t->mutex, INFINITE);
	InterlockedExchange(&t->owns, 1);
	wait_flag(&t->release);
	return ReleaseMutex(t->mutex) ? 0 : 1;
}

static void mutex_ownership(void)
{
	HANDLE m = CreateMutexA(NULL, FALSE, N("own")), other, r;
	struct owner_thread t = { m, 0, 0 };
	thread *th;
	int i;

	RESULT("mutex.release_unowned", ReleaseMutex(m));
	th = start_thread(own_then_release, &t);
	say_bool("mutex.thread_owns", wait_flag(&t.owns));
	WAIT("mutex.wait_while_thread_owns", WaitForSingleObject(m, 0));
	RESULT("mutex.release_by_non_owner_thread", ReleaseMutex(m));
	InterlockedExchange(&t.release, 1);
	say("mutex.thread_released", "%d", join_thread(th));

	/* Recursion: n waits need n releases, through any handle. */
	other = OpenMutexA(MUTEX_ALL_ACCESS, FALSE, N("own"));
	for (i = 0; i < 3; i++)
		WaitForSingleObject(m, 0);
	RESULT("mutex.recursive.release_1_other_handle", ReleaseMutex(other));
	RESULT("mutex.recursive.release_2", ReleaseMutex(m));
	RESULT("mutex.recursive.release_3_other_handle", ReleaseMutex(other));
	RESULT("mutex.recursive.release_4", ReleaseMutex(m));
	CloseHandle(other);

	/* ReleaseMutex needs no right: a READ_CONTROL handle releases. */
	WaitForSingleObject(m, 0);
	r = OpenMutexA(READ_CONTROL, FALSE, N("own"));
	RESULT("mutex.release_read_control_handle", ReleaseMutex(r));
	WAIT("mutex.wait_read_control_handle", WaitForSingleObject(r, 0));
	CloseHandle(r);
	r = OpenMutexA(MUTEX_MODIFY_STATE, FALSE, N("own"));
	WAIT("mutex.wait_modify_state_handle", WaitForSingleObject(r, 0));
	CloseHandle(r);
	r = OpenMutexA(GENERIC_EXECUTE, FALSE, N("own"));
	WAIT("mutex.wait_generic_execute_handle", WaitForSingleObject(r, 0));
	RESULT("mutex.release_generic_execute_handle", ReleaseMutex(r));
	CloseHandle(r);
	CloseHandle(m);

	m = CreateMutexA(NULL, TRUE, N("initial"));
	RESULT("mutex.initial_owner.release", ReleaseMutex(m));
	RESULT("mutex.initial_owner.release_again", ReleaseMutex(m));
	CloseHandle(m);
	m = CreateMutexExA(NULL, N("initial_ex"), CREATE_MUTEX_INITIAL_OWNER, MUTEX_ALL_ACCESS);
	RESULT("mutex.ex_initial_owner.release", ReleaseMutex(m));
	CloseHandle(m);
}

static int own_and_end(void *arg)
{
	return WaitForSingleObject((HANDLE)arg, 0) == WAIT_OBJECT_0 ? 0 : 1;
}

/* A thread that ends holding a mutex abandons it, as a process does. */
static void mutex_abandoned_by_thread(void)
{
	HANDLE m = CreateMutexA(NULL, FALSE, NULL);

	say("mutex.thread_ends_owning", "%d", join_thread(start_thread(own_and_end, m)));
	WAIT("mutex.abandoned_by_thread", WaitForSingleObject(m, 0));
	RESULT("mutex.abandoned_by_thread.release", ReleaseMutex(m));
	WAIT("mutex.abandoned_by_thread.next_wait", WaitForSingleObject(m, 0));
	ReleaseMutex(m);
	CloseHandle(m);
}

/* ---- events ---- */

static int set_later(void *arg)
{
	Sleep(50);
	return SetEvent((HANDLE)arg) ? 0 : 1;
}

static void event_states(void)
{
	HANDLE a = CreateEventA(NULL, FALSE, FALSE, NULL), m = CreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE x;
	thread *t;

	RESULT("event.auto.set", SetEvent(a));
	RESULT("event.auto.set_again", SetEvent(a));
	poll("event.auto.first_wait", a);
	poll("event.auto.second_wait", a);
	RESULT("event.manual.set", SetEvent(m));
	poll("event.manual.first_wait", m);
	poll("event.manual.second_wait", m);
	RESULT("event.manual.reset", ResetEvent(m));
	poll("event.manual.after_reset", m);
	RESULT("event.pulse_no_waiters", PulseEvent(m));
	poll("event.after_pulse", m);
	t = start_thread(set_later, a);
	WAIT("event.set_by_thread", WaitForSingleObject(a, 10000));
	join_thread(t);
	CloseHandle(a);
	CloseHandle(m);

	x = CreateEventExA(NULL, NULL, CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET,
			   EVENT_ALL_ACCESS);
	poll("event.ex.manual_initially_set", x);
	poll("event.ex.still_set", x);
	CloseHandle(x);
}

static void timeout(void)
{
	HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
	LARGE_INTEGER t0, t1, f;
	long long ms;

	QueryPerformanceFrequency(&f);
	QueryPerformanceCounter(&t0);
	WAIT("timeout.200ms", WaitForSingleObject(e, 200));
	QueryPerformanceCounter(&t1);
	ms = (t1.QuadPart - t0.QuadPart) * 1000 / f.QuadPart;
	/* Not before the time; Windows' clock tick (15.6 ms) may round it. */
	say_bool("timeout.200ms.not_early", ms >= 184);
	WAIT("timeout.zero", WaitForSingleObject(e, 0));
	WAIT("timeout.multiple_100ms", WaitForMultipleObjects(1, &e, FALSE, 100));
	CloseHandle(e);
}

static void event_rights(void)
{
	HANDLE e = CreateEventA(NULL, TRUE, FALSE, N("rights")), h, mutex;

	h = OpenEventA(SYNCHRONIZE, FALSE, N("rights"));
	RESULT("event.synchronize_only.set", SetEvent(h));
	RESULT("event.synchronize_only.reset", ResetEvent(h));
	RESULT("event.synchronize_only.pulse", PulseEvent(h));
	SetEvent(e);
	WAIT("event.synchronize_only.wait", WaitForSingleObject(h, 0));
	CloseHandle(h);
	h = OpenEventA(EVENT_MODIFY_STATE, FALSE, N("rights"));
	WAIT("event.modify_only.wait", WaitForSingleObject(h, 0));
	RESULT("event.modify_only.reset", ResetEvent(h));
	CloseHandle(h);
	h = OpenEventA(GENERIC_WRITE, FALSE, N("rights"));
	RESULT("event.generic_write.set", SetEvent(h));
	WAIT("event.generic_write.wait", WaitForSingleObject(h, 0));
	CloseHandle(h);
	h = OpenEventA(GENERIC_READ, FALSE, N("rights"));
	RESULT("event.generic_read.set", SetEvent(h));
	CloseHandle(h);
	h = CreateEventExA(NULL, NULL, 0, SYNCHRONIZE);
	RESULT("event.ex_synchronize_only.set", SetEvent(h));
	CloseHandle(h);
	mutex = CreateMutexA(NULL, FALSE, NULL);
	RESULT("event.set_on_mutex", SetEvent(mutex));
	RESULT("event.set_null", SetEvent(NULL));
	RESULT("mutex.release_on_event", ReleaseMutex(e));
	CloseHandle(mutex);
	CloseHandle(e);
}

/* ---- semaphores ---- */

static void semaphore_counts(void)
{
	HANDLE s, h;
	LONG prev = -7;
	unsigned long error;
	BOOL ok;
	int i;

	HANDLE_OF("semaphore.initial_over_max", CreateSemaphoreA(NULL, 2, 1, N("bad")));
	HANDLE_OF("semaphore.max_0", CreateSemaphoreA(NULL, 0, 0, N("bad")));
	HANDLE_OF("semaphore.initial_negative", CreateSemaphoreA(NULL, -1, 1, N("bad")));
	s = CreateSemaphoreA(NULL, 0, 5, N("count"));
	RESULT("semaphore.release_2", ReleaseSemaphore(s, 2, &prev));
	say("semaphore.release_2.previous", "%ld", (long)prev);
	RESULT("semaphore.release_1", ReleaseSemaphore(s, 1, &prev));
	say("semaphore.release_1.previous", "%ld", (long)prev);
	prev = -7;
	RESULT("semaphore.release_past_max", ReleaseSemaphore(s, 3, &prev));
	say("semaphore.release_past_max.previous_untouched", "%ld", (long)prev);
	for (i = 0; i < 3; i++)
		WaitForSingleObject(s, 0);
	poll("semaphore.empty_after_3_waits", s);

	SetLastError(SET_ERROR);
	ok = ReleaseSemaphore(s, 0, NULL);
	error = (unsigned long)GetLastError();
	say_windows("semaphore.release_0.ok", "no", "%s", ok ? "yes" : "no");
	say_windows("semaphore.release_0.error", "87", "%lu", error);

	h = OpenSemaphoreA(SYNCHRONIZE, FALSE, N("count"));
	RESULT("semaphore.synchronize_only.release", ReleaseSemaphore(h, 1, NULL));
	CloseHandle(h);
	h = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, N("count"));
	RESULT("semaphore.modify_only.release", ReleaseSemaphore(h, 1, NULL));
	WAIT("semaphore.modify_only.wait", WaitForSingleObject(h, 0));
	CloseHandle(h);
	WAIT("semaphore.wait", WaitForSingleObject(s, 0));
	h = CreateSemaphoreExA(NULL, 0, 1, NULL, 0, SYNCHRONIZE);
	RESULT("semaphore.ex_synchronize_only.release", ReleaseSemaphore(h, 1, NULL));
	CloseHandle(h);
	h = CreateEventA(NULL, FALSE, FALSE, NULL);
	RESULT("semaphore.release_on_event", ReleaseSemaphore(h, 1, NULL));
	CloseHandle(h);
	CloseHandle(s);
}

/* ---- waits ---- */

static void wait_any(void)
{
	HANDLE e[3] = { CreateEventA(NULL, TRUE, FALSE, NULL), CreateEventA(NULL, FALSE, TRUE, NULL),
			CreateEventA(NULL, FALSE, TRUE, NULL) };
	HANDLE twice[2];
	int i;

	WAIT("wait_any.lowest", WaitForMultipleObjects(3, e, FALSE, 0));
	poll("wait_any.taken_one_consumed", e[1]);
	poll("wait_any.other_untouched", e[2]);
	SetEvent(e[0]);
	twice[0] = twice[1] = e[0];
	WAIT("wait_any.same_handle_twice", WaitForMultipleObjects(2, twice, FALSE, 0));
	WAIT("wait_any.alertable", WaitForMultipleObjectsEx(3, e, FALSE, 0, TRUE));
	WAIT("wait_single.alertable", WaitForSingleObjectEx(e[0], 0, TRUE));
	for (i = 0; i < 3; i++)
		CloseHandle(e[i]);
}

static void wait_all(void)
{
	HANDLE h[3] = { CreateMutexA(NULL, FALSE, NULL), CreateSemaphoreA(NULL, 1, 1, NULL),
			CreateEventA(NULL, FALSE, FALSE, NULL) };
	HANDLE twice[2];
	unsigned long error;
	DWORD r;
	int i;

	WAIT("wait_all.not_all_signalled", WaitForMultipleObjects(3, h, TRUE, 0));
	RESULT("wait_all.not_all.mutex_not_taken", ReleaseMutex(h[0]));
	RESULT("wait_all.not_all.semaphore_still_1", ReleaseSemaphore(h[1], 1, NULL));
	SetEvent(h[2]);
	WAIT("wait_all.all_signalled", WaitForMultipleObjects(3, h, TRUE, 0));
	RESULT("wait_all.mutex_owned", ReleaseMutex(h[0]));
	poll("wait_all.semaphore_decremented", h[1]);
	poll("wait_all.event_reset", h[2]);
	WAIT("wait_all.timeout_100ms", WaitForMultipleObjects(3, h, TRUE, 100));

	SetEvent(h[2]);
	twice[0] = twice[1] = h[2];
	SetLastError(SET_ERROR);
	r = WaitForMultipleObjects(2, twice, TRUE, 0);
	error = (unsigned long)GetLastError();
	say_windows("wait_all.same_handle_twice", "WAIT_FAILED", "%s", wait_name(r));
	say_windows("wait_all.same_handle_twice.error", "87", "%lu", error);
	for (i = 0; i < 3; i++)
		CloseHandle(h[i]);
}

static void wait_failures(void)
{
	HANDLE e = CreateEventA(NULL, TRUE, TRUE, NULL), many[MAXIMUM_WAIT_OBJECTS + 1];
	HANDLE f = section(NULL), pair[2], closed;
	int i;

	for (i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
		many[i] = e;
	WAIT("wait.count_0", WaitForMultipleObjects(0, many, FALSE, 0));
	WAIT("wait.count_65", WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, FALSE, 0));
	WAIT("wait.count_64", WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, FALSE, 0));
	WAIT("wait.null_handle", WaitForSingleObject(NULL, 0));
	pair[0] = e;
	pair[1] = NULL;
	WAIT("wait.null_in_array", WaitForMultipleObjects(2, pair, FALSE, 0));
	closed = CreateEventA(NULL, TRUE, TRUE, NULL);
	CloseHandle(closed);
	WAIT("wait.closed_handle", WaitForSingleObject(closed, 0));
	WAIT("wait.section", WaitForSingleObject(f, 0));
	pair[1] = f;
	WAIT("wait.section_in_array", WaitForMultipleObjects(2, pair, FALSE, 0));
	WAIT("wait.current_process_10ms", WaitForSingleObject(GetCurrentProcess(), 10));
	CloseHandle(f);
	CloseHandle(e);
}

static void handles(void)
{
	HANDLE e = CreateEventA(NULL, FALSE, FALSE, N("dup")), m = CreateMutexA(NULL, FALSE, NULL);
	HANDLE d = NULL;

	RESULT("dup.event.synchronize", DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(),
							&d, SYNCHRONIZE, FALSE, 0));
	RESULT("dup.event.synchronize.set", SetEvent(d));
	SetEvent(e);
	WAIT("dup.event.synchronize.wait", WaitForSingleObject(d, 0));
	CloseHandle(d);
	DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, 0, FALSE,
			DUPLICATE_SAME_ACCESS);
	RESULT("dup.event.same_access.set", SetEvent(d));
	CloseHandle(e);
	HANDLE_OF("dup.event.keeps_name", e = OpenEventA(SYNCHRONIZE, FALSE, N("dup")));
	WAIT("dup.event.same_object", WaitForSingleObject(e, 0));
	CloseHandle(e);
	CloseHandle(d);

	DuplicateHandle(GetCurrentProcess(), m, GetCurrentProcess(), &d, SYNCHRONIZE, FALSE, 0);
	WAIT("dup.mutex.synchronize.wait", WaitForSingleObject(d, 0));
	RESULT("dup.mutex.release_via_original", ReleaseMutex(m));
	DuplicateHandle(GetCurrentProcess(), m, GetCurrentProcess(), &d, MUTEX_MODIFY_STATE, FALSE,
			DUPLICATE_CLOSE_SOURCE);
	WAIT("dup.mutex.modify_only.wait", WaitForSingleObject(d, 0));
	CloseHandle(d);

	e = CreateEventA(NULL, FALSE, FALSE, NULL);
	RESULT("close.event", CloseHandle(e));
	RESULT("close.event_twice", CloseHandle(e));
}

/* ---- other processes ---- */

/* Child "owner": takes the mutex named arg, then exits (or waits to be
 * killed, with arg "killed") without releasing it. */
static int owner(struct control *c, const char *name)
{
	HANDLE m = OpenMutexA(SYNCHRONIZE, FALSE, name);

	tell(c, "child.owner.wait", "%s", wait_name(WaitForSingleObject(m, 10000)));
	c->ready = 1;
	while (strcmp(name, N("killed")) == 0)
		Sleep(100);
	wait_flag(&c->go);
	return 0;
}

/* Starts an owner of name and waits until it owns the mutex. */
static child *start_owner(const char *name)
{
	child *ch = start_child(program, "owner", name);

	say_bool("child.owner_ready", wait_flag(&control->ready));
	return ch;
}

static void abandoned_on_exit(void)
{
	HANDLE m = CreateMutexA(NULL, FALSE, N("abandon"));
	child *ch = start_owner(N("abandon"));

	RESULT("abandon.release_other_process_owns", ReleaseMutex(m));
	WAIT("abandon.wait_while_owned", WaitForSingleObject(m, 0));
	control->go = 1;
	WAIT("abandon.after_exit", WaitForSingleObject(m, 10000));
	say("abandon.child_exit", "%d", ch ? wait_child(ch) : -1);
	print_told(control);
	RESULT("abandon.release", ReleaseMutex(m));
	WAIT("abandon.next_wait", WaitForSingleObject(m, 0));
	ReleaseMutex(m);
	CloseHandle(m);
}

static void abandoned_on_kill(void)
{
	HANDLE m = CreateMutexA(NULL, FALSE, N("killed"));
	child *ch = start_owner(N("killed"));

	if (ch) {
		kill_child(ch);
		say("killed.exit", "%d", wait_child(ch));
	}
	print_told(control);
	WAIT("killed.wait", WaitForSingleObject(m, 10000));
	RESULT("killed.release", ReleaseMutex(m));
	CloseHandle(m);
}

/* WAIT_ABANDONED_0 + i from WaitForMultipleObjects, any and all. */
static void abandoned_in_multiple(void)
{
	HANDLE h[2] = { CreateEventA(NULL, TRUE, FALSE, NULL),
			CreateMutexA(NULL, FALSE, N("abandon_any")) };
	child *ch = start_owner(N("abandon_any"));

	control->go = 1;
	say("abandon_any.child_exit", "%d", ch ? wait_child(ch) : -1);
	print_told(control);
	WAIT("abandon_any.wait", WaitForMultipleObjects(2, h, FALSE, 10000));
	ReleaseMutex(h[1]);
	CloseHandle(h[1]);

	h[1] = CreateMutexA(NULL, FALSE, N("abandon_all"));
	SetEvent(h[0]);
	ch = start_owner(N("abandon_all"));
	control->go = 1;
	say("abandon_all.child_exit", "%d", ch ? wait_child(ch) : -1);
	print_told(control);
	WAIT("abandon_all.wait", WaitForMultipleObjects(2, h, TRUE, 10000));
	RESULT("abandon_all.release", ReleaseMutex(h[1]));
	CloseHandle(h[1]);
	CloseHandle(h[0]);
}

/* Child "semwaiter": waits on the semaphore until the parent releases it. */
static int semaphore_waiter(struct control *c)
{
	HANDLE s = OpenSemaphoreA(SYNCHRONIZE, FALSE, N("shared"));

	c->ready = 1;
	tell(c, "semaphore.child.wait", "%s", wait_name(WaitForSingleObject(s, 10000)));
	return CloseHandle(s) ? 0 : 1;
}

/* Child "semposter": releases the semaphore, once too often. */
static int semaphore_poster(struct control *c)
{
	HANDLE s = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, N("shared"));
	LONG prev = -7;
	BOOL ok = ReleaseSemaphore(s, 1, &prev);

	tell(c, "semaphore.child.release", "%s", ok ? "yes" : "no");
	tell(c, "semaphore.child.release.previous", "%ld", (long)prev);
	ok = ReleaseSemaphore(s, 1, NULL);
	tell(c, "semaphore.child.release_past_max", "%s", ok ? "yes" : "no");
	tell(c, "semaphore.child.release_past_max.error", "%lu", (unsigned long)GetLastError());
	return CloseHandle(s) ? 0 : 1;
}

static void semaphore_across(void)
{
	HANDLE s = CreateSemaphoreA(NULL, 0, 1, N("shared"));
	child *ch = start_child(program, "semwaiter", NULL);
	LONG prev = -7;

	say_bool("semaphore.child_ready", wait_flag(&control->ready));
	RESULT("semaphore.release_for_child", ReleaseSemaphore(s, 1, &prev));
	say("semaphore.release_for_child.previous", "%ld", (long)prev);
	say("semaphore.waiter_exit", "%d", ch ? wait_child(ch) : -1);
	print_told(control);
	ch = start_child(program, "semposter", NULL);
	say("semaphore.poster_exit", "%d", ch ? wait_child(ch) : -1);
	print_told(control);
	poll("semaphore.posted_by_child", s);
	poll("semaphore.posted_once", s);
	CloseHandle(s);
}

/* Child "pinger": sets ping, then waits for pong. */
static int pinger(struct control *c)
{
	HANDLE ping = OpenEventA(EVENT_MODIFY_STATE, FALSE, N("ping"));
	HANDLE pong = OpenEventA(SYNCHRONIZE, FALSE, N("pong"));

	tell(c, "events.child.set_ping", "%s", SetEvent(ping) ? "yes" : "no");
	tell(c, "events.child.pong", "%s", wait_name(WaitForSingleObject(pong, 10000)));
	CloseHandle(ping);
	CloseHandle(pong);
	return 0;
}

static void events_across(void)
{
	HANDLE ping = CreateEventA(NULL, FALSE, FALSE, N("ping"));
	HANDLE pong = CreateEventA(NULL, FALSE, FALSE, N("pong"));
	child *ch = start_child(program, "pinger", NULL);

	WAIT("events.ping", WaitForSingleObject(ping, 10000));
	RESULT("events.set_pong", SetEvent(pong));
	say("events.child_exit", "%d", ch ? wait_child(ch) : -1);
	print_told(control);
	CloseHandle(ping);
	CloseHandle(pong);
}

/* Child "inherit": sets the event whose handle value it was given. */
static int inheritor(struct control *c, const char *value)
{
	HANDLE h = (HANDLE)(uintptr_t)strtoull(value, NULL, 10);

	tell(c, "inherit.child.set", "%s", SetEvent(h) ? "yes" : "no");
	return CloseHandle(h) ? 0 : 1;
}

static void inherited_event(void)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	HANDLE e = CreateEventA(&sa, FALSE, FALSE, NULL);
	DWORD flags = 0;
	char value[32];
	child *ch;

	say_bool("inherit.flag", GetHandleInformation(e, &flags) && (flags & HANDLE_FLAG_INHERIT));
	snprintf(value, sizeof(value), "%llu", (unsigned long long)(uintptr_t)e);
	ch = start_child(program, "inherit", value);
	say("inherit.child_exit", "%d", ch ? wait_child(ch) : -1);
	print_told(control);
	WAIT("inherit.wait", WaitForSingleObject(e, 10000));
	CloseHandle(e);
}

/* ---- hand-off ---- */

/* The turns the two processes take at the mutex, in a section both map;
 * a turn is taken holding the mutex. */
struct turns {
	volatile LONG n;
	char who[64];
};

static void take_turn(struct turns *t, char who)
{
	LONG n = t->n++;

	if (n >= 0 && n < (LONG)sizeof(t->who))
		t->who[n] = who;
}

static struct turns *map_turns(HANDLE *section, BOOL create)
{
	*section = create ? CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
					       sizeof(struct turns), N("turns"))
			  : OpenFileMappingA(FILE_MAP_WRITE, FALSE, N("turns"));
	return *section ? MapViewOfFile(*section, FILE_MAP_WRITE, 0, 0, 0) : NULL;
}

/* Waits for m: alone, or (any) among an event nobody sets. */
static DWORD wait_turn(HANDLE m, HANDLE idle, BOOL any)
{
	HANDLE h[2] = { idle, m };

	return any ? WaitForMultipleObjects(2, h, FALSE, 10000) : WaitForSingleObject(m, 10000);
}

/* Child "handoff" (arg "any" or "one"): ten times, waits for the mutex,
 * takes a turn, releases it. */
static int handoff_child(struct control *c, const char *arg)
{
	BOOL any = strcmp(arg, "any") == 0;
	HANDLE m = OpenMutexA(SYNCHRONIZE, FALSE, N("handoff"));
	HANDLE idle = CreateEventA(NULL, FALSE, FALSE, NULL), section;
	struct turns *t = map_turns(&section, FALSE);
	int bad = 0;

	if (!m || !idle || !t)
		return 1;
	c->ready = 1;
	for (int i = 0; i < 10; i++) {
		DWORD r = wait_turn(m, idle, any);

		bad |= r != (any ? WAIT_OBJECT_0 + 1 : WAIT_OBJECT_0);
		take_turn(t, 'C');
		bad |= !ReleaseMutex(m);
	}
	tell(c, any ? "handoff_any.child.waits" : "handoff.child.waits", "%s", bad ? "failed" : "ok");
	UnmapViewOfFile(t);
	CloseHandle(section);
	CloseHandle(idle);
	CloseHandle(m);
	return 0;
}

/*
 * A process that releases the mutex and at once waits for it again, ten
 * times, while another process waits: a release gives it to the waiter,
 * so the waiter is served before the releaser is done.  (Windows
 * alternates strictly; Wine 8.0 on a busy machine mostly, not always, so
 * the check asks for one turn of the waiter's among the releaser's; the
 * native build's strict alternation is test-win32's sync_handoff.)  any:
 * both wait with WaitForMultipleObjects.
 */
static void handoff(BOOL any)
{
	const char *name = any ? "handoff_any" : "handoff";
	HANDLE m = CreateMutexA(NULL, TRUE, N("handoff"));
	HANDLE idle = CreateEventA(NULL, FALSE, FALSE, NULL), section;
	struct turns *t = map_turns(&section, TRUE);
	child *ch = start_child(program, "handoff", any ? "any" : "one");
	char line[64];
	int first_child = -1, last_parent = -1, bad = 0;

	snprintf(line, sizeof(line), "%s.child_ready", name);
	say_bool(line, wait_flag(&control->ready));
	Sleep(200); /* for the child to be asleep in its wait */
	for (int i = 0; i < 10; i++) {
		DWORD r;

		take_turn(t, 'P');
		bad |= !ReleaseMutex(m);
		r = wait_turn(m, idle, any);
		bad |= r != (any ? WAIT_OBJECT_0 + 1 : WAIT_OBJECT_0);
	}
	bad |= !ReleaseMutex(m);
	snprintf(line, sizeof(line), "%s.child_exit", name);
	say(line, "%d", ch ? wait_child(ch) : -1);
	print_told(control);
	for (int i = 0; i < 20; i++) {
		if (t->who[i] == 'C' && first_child < 0)
			first_child = i;
		if (t->who[i] == 'P')
			last_parent = i;
	}
	snprintf(line, sizeof(line), "%s.waits", name);
	say(line, "%s", bad ? "failed" : "ok");
	snprintf(line, sizeof(line), "%s.waiter_served", name);
	say_bool(line, first_child >= 0 && first_child < last_parent);
	UnmapViewOfFile(t);
	CloseHandle(section);
	CloseHandle(idle);
	CloseHandle(m);
}

static int run_child(const char *mode, const char *arg)
{
	struct control *c = control_open(N("control"));

	if (!c)
		return 99;
	if (strcmp(mode, "owner") == 0)
		return owner(c, arg);
	if (strcmp(mode, "semwaiter") == 0)
		return semaphore_waiter(c);
	if (strcmp(mode, "semposter") == 0)
		return semaphore_poster(c);
	if (strcmp(mode, "pinger") == 0)
		return pinger(c);
	if (strcmp(mode, "inherit") == 0)
		return inheritor(c, arg);
	if (strcmp(mode, "handoff") == 0)
		return handoff_child(c, arg);
	return 98;
}

int main(int argc, char **argv)
{
	HANDLE control_handle;

	program = argv[0];
	if (argc == 3)
		return run_child(argv[1], argv[2]);
	control = control_create(N("control"), &control_handle);
	missing_and_null();
	fresh_and_existing();
	wrong_types();
	zero_access();
	name_forms();
	mutex_ownership();
	mutex_abandoned_by_thread();
	event_states();
	timeout();
	event_rights();
	semaphore_counts();
	wait_any();
	wait_all();
	wait_failures();
	handles();
	abandoned_on_exit();
	abandoned_on_kill();
	abandoned_in_multiple();
	semaphore_across();
	events_across();
	inherited_event();
	handoff(FALSE);
	handoff(TRUE);
	UnmapViewOfFile(control);
	CloseHandle(control_handle);
	return 0;
}
