/* SPDX-License-Identifier: MIT */
/*
 * thread.c - threads as Windows has them: CreateThread, ExitThread,
 * ResumeThread, GetExitCodeThread, GetThreadId, the GetCurrentThread
 * pseudo-handle, and thread handles that waits take.
 *
 * A thread is signalled, for good, when it ends.  So each thread the layer
 * knows has a record with an unnamed manual-reset event that it sets as it
 * ends, and never resets: a thread handle is a native handle of that event
 * (its own descriptor, so its own HANDLE value), and every wait, alone or
 * beside mutexes, events and semaphores, any or all, is the native one.
 * The table keeps the handle as W32_THREAD, so the event's own calls
 * (SetEvent ...) refuse it as they refuse any other type.
 *
 * A record lives while a handle or the running thread holds it.  A thread
 * the layer did not start (the main thread, a pthread) gets one when it
 * first duplicates its pseudo-handle; it is ended by the thread-specific
 * data's destructor, with exit code 0, since a pthread's own exit value is
 * not a DWORD.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define GENERIC_BITS (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL)

struct w32_thread {
	_Atomic long refs;         /* handles, and the thread while it runs */
	fm_sync *ended;            /* manual-reset event, set when it ends */
	_Atomic DWORD exit_code;   /* STILL_ACTIVE until then */
	_Atomic pid_t tid;
	LPTHREAD_START_ROUTINE start;
	void *arg;
	pthread_mutex_t lock;      /* guards suspended */
	pthread_cond_t resumed;
	DWORD suspended;           /* CREATE_SUSPENDED's count, to ResumeThread */
};

/* The calling thread's record, once it has one. */
static __thread struct w32_thread *current;
/* Ends the record of a thread the layer did not start, when it exits. */
static pthread_key_t foreign_key;
static pthread_once_t foreign_once = PTHREAD_ONCE_INIT;

static void thread_put(struct w32_thread *t)
{
	if (atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	fm_sync_close(t->ended);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->resumed);
	free(t);
}

/* A new record, held by its thread until the thread ends. */
static struct w32_thread *thread_new(void)
{
	struct w32_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (fm_event_create(&t->ended, NULL, FM_EVENT_MANUAL_RESET, NULL) < 0) {
		free(t);
		return NULL;
	}
	atomic_init(&t->refs, 1); /* the thread's own */
	atomic_init(&t->exit_code, STILL_ACTIVE);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->resumed, NULL);
	return t;
}

/* The calling thread ends with code: waits on it are satisfied. */
static void thread_end(DWORD code)
{
	struct w32_thread *t = current;

	if (!t)
		return;
	current = NULL;
	atomic_store(&t->exit_code, code);
	fm_event_set(t->ended);
	thread_put(t);
}

static void foreign_exit(void *t)
{
	if (t == current)
		thread_end(0);
}

static void foreign_key_create(void)
{
	pthread_key_create(&foreign_key, foreign_exit);
}

DWORD w32_thread_rights(DWORD access)
{
	DWORD rights = access & ~(GENERIC_BITS | MAXIMUM_ALLOWED);

	if (access & GENERIC_READ)
		rights |= STANDARD_RIGHTS_READ | THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION;
	if (access & GENERIC_WRITE)
		rights |= STANDARD_RIGHTS_WRITE | THREAD_TERMINATE | THREAD_SUSPEND_RESUME |
			  THREAD_SET_INFORMATION | THREAD_SET_CONTEXT;
	if (access & GENERIC_EXECUTE)
		rights |= STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE;
	if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
		rights |= THREAD_ALL_ACCESS;
	return rights;
}

/* A handle's object for record t (a reference of its own). */
static bool thread_object(struct w32_object *out, struct w32_thread *t, DWORD rights)
{
	fm_sync *s;
	int r = fm_sync_dup(&s, t->ended);

	if (r < 0)
		return w32_fail_native(r);
	atomic_fetch_add(&t->refs, 1);
	*out = (struct w32_object){ .kind = W32_THREAD, .access = rights, .sync = s, .fd = -1,
				    .thread = t };
	return true;
}

bool w32_thread_dup(struct w32_object *out, const struct w32_object *src, DWORD access,
		    bool same_access)
{
	return thread_object(out, src->thread, same_access ? access : w32_thread_rights(access));
}

void w32_thread_release(struct w32_object *obj)
{
	fm_sync_close(obj->sync);
	thread_put(obj->thread);
}

bool w32_thread_self(struct w32_object *out, DWORD access)
{
	struct w32_thread *t = current;
	bool ok;

	if (!t) {
		/* A thread the layer did not start: its record, made now, ends
		 * with it.  The thread's own reference is the key's. */
		pthread_once(&foreign_once, foreign_key_create);
		t = thread_new();
		if (!t)
			return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
		atomic_store(&t->tid, gettid());
		current = t;
		pthread_setspecific(foreign_key, t);
	}
	ok = thread_object(out, t, w32_thread_rights(access));
	return ok;
}

static void *run(void *arg)
{
	struct w32_thread *t = arg;

	current = t;
	atomic_store(&t->tid, gettid());
	pthread_mutex_lock(&t->lock);
	while (t->suspended)
		pthread_cond_wait(&t->resumed, &t->lock);
	pthread_mutex_unlock(&t->lock);
	thread_end(t->start(t->arg));
	return NULL;
}

/* Starts t detached, with a stack of stack bytes (0: the default). */
static int launch(struct w32_thread *t, SIZE_T stack)
{
	pthread_attr_t attr;
	pthread_t id;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (stack >= (SIZE_T)PTHREAD_STACK_MIN)
		pthread_attr_setstacksize(&attr, stack);
	r = pthread_create(&id, &attr, run, t);
	pthread_attr_destroy(&attr);
	return r;
}

FM_W32_API HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes,
				      SIZE_T dwStackSize, LPTHREAD_START_ROUTINE lpStartAddress,
				      LPVOID lpParameter, DWORD dwCreationFlags,
				      LPDWORD lpThreadId)
{
	struct w32_thread *t;
	struct w32_object obj;
	HANDLE h;

	if (!lpStartAddress || (dwCreationFlags & ~(CREATE_SUSPENDED |
						     STACK_SIZE_PARAM_IS_A_RESERVATION)))
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	t = thread_new();
	if (!t)
		return w32_fail_null(ERROR_NOT_ENOUGH_MEMORY);
	t->start = lpStartAddress;
	t->arg = lpParameter;
	t->suspended = dwCreationFlags & CREATE_SUSPENDED ? 1 : 0;
	if (!thread_object(&obj, t, THREAD_ALL_ACCESS)) {
		thread_put(t);
		return NULL;
	}
	h = w32_handle_add(&obj, lpThreadAttributes && lpThreadAttributes->bInheritHandle);
	if (!h || launch(t, dwStackSize) != 0) {
		if (h && w32_handle_take(&obj, h))
			w32_object_release(&obj);
		else if (!h)
			w32_object_release(&obj);
		thread_put(t);
		return w32_fail_null(ERROR_NOT_ENOUGH_MEMORY);
	}
	while (!atomic_load(&t->tid))
		sched_yield(); /* its id, for lpThreadId and GetThreadId */
	if (lpThreadId)
		*lpThreadId = (DWORD)atomic_load(&t->tid);
	return h;
}

FM_W32_API void WINAPI ExitThread(DWORD dwExitCode)
{
	thread_end(dwExitCode);
	pthread_exit(NULL);
}

/* The record of a thread handle with right; NULL with the last error. */
static struct w32_thread *thread_of(HANDLE h, DWORD right, struct w32_object *obj)
{
	if (!w32_handle_get(obj, h))
		return NULL;
	if (obj->kind != W32_THREAD)
		return w32_fail_null(ERROR_INVALID_HANDLE);
	if (!(obj->access & right))
		return w32_fail_null(ERROR_ACCESS_DENIED);
	return obj->thread;
}

FM_W32_API BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode)
{
	const DWORD query = THREAD_QUERY_INFORMATION | THREAD_QUERY_LIMITED_INFORMATION;
	struct w32_object obj;
	struct w32_thread *t;

	if (hThread == W32_PSEUDO_THREAD) {
		if (!lpExitCode)
			return w32_fail(ERROR_NOACCESS);
		*lpExitCode = STILL_ACTIVE;
		return TRUE;
	}
	t = thread_of(hThread, query, &obj);
	if (!t)
		return FALSE;
	if (!lpExitCode)
		return w32_fail(ERROR_NOACCESS);
	*lpExitCode = atomic_load(&t->exit_code);
	return TRUE;
}

FM_W32_API DWORD WINAPI GetThreadId(HANDLE Thread)
{
	const DWORD query = THREAD_QUERY_INFORMATION | THREAD_QUERY_LIMITED_INFORMATION;
	struct w32_object obj;
	struct w32_thread *t;

	if (Thread == W32_PSEUDO_THREAD)
		return (DWORD)gettid();
	t = thread_of(Thread, query, &obj);
	return t ? (DWORD)atomic_load(&t->tid) : 0;
}

FM_W32_API DWORD WINAPI ResumeThread(HANDLE hThread)
{
	struct w32_object obj;
	struct w32_thread *t = thread_of(hThread, THREAD_SUSPEND_RESUME, &obj);
	DWORD previous;

	if (!t)
		return (DWORD)-1;
	pthread_mutex_lock(&t->lock);
	previous = t->suspended;
	if (t->suspended && --t->suspended == 0)
		pthread_cond_broadcast(&t->resumed);
	pthread_mutex_unlock(&t->lock);
	return previous;
}

FM_W32_API HANDLE WINAPI GetCurrentThread(void)
{
	return W32_PSEUDO_THREAD;
}
