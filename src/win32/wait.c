/* SPDX-License-Identifier: MIT */
/*
 * wait.c - WaitForSingleObject and WaitForMultipleObjects, with their Ex
 * forms, on mutexes, events and semaphores, and on the objects signalled
 * through a descriptor (processes), which wait-fd.c waits on.
 *
 * A wait is the native one (fm_sync_wait, fm_wait_any, fm_wait_all) once
 * every handle is checked: a handle that is not one gives
 * ERROR_INVALID_HANDLE, one without SYNCHRONIZE ERROR_ACCESS_DENIED (so a
 * section handle, which never has it, gives 5 as in Windows).  Files are
 * not waitable here (ERROR_INVALID_HANDLE): Windows signals a file handle
 * when its I/O completes, a notion this synchronous layer lacks.  The
 * process pseudo-handle never becomes signalled while the process waits,
 * so waiting on it alone sleeps the timeout out.  There are no APCs, so an
 * alertable wait is an ordinary one.
 */
#include "w32.h"

#define NS_PER_MS 1000000ull
#define PSEUDO_PROCESS ((HANDLE)(LONG_PTR)-1)
#define PSEUDO_THREAD  ((HANDLE)(LONG_PTR)-2)

static uint64_t timeout_ns(DWORD ms)
{
	return ms == INFINITE ? FM_INFINITE : ms * NS_PER_MS;
}

/* h's entry, checked ready to wait on: the thread's last lookup, valid
 * until its next one (w32_handle_peek); NULL with the last error set. */
static const struct w32_object *waitable(HANDLE h)
{
	const struct w32_object *obj = w32_handle_peek(h);

	if (!obj)
		return NULL;
	/* A thread handle waits on the event its thread sets as it ends. */
	if ((obj->kind == W32_SYNC || obj->kind == W32_WAITFD || obj->kind == W32_THREAD) &&
	    (obj->access & SYNCHRONIZE))
		return obj;
	if (obj->kind == W32_FILE)
		return w32_fail_null(ERROR_INVALID_HANDLE);
	if (!(obj->access & SYNCHRONIZE))
		return w32_fail_null(ERROR_ACCESS_DENIED);
	return w32_fail_null(ERROR_INVALID_HANDLE);
}

static DWORD wait_failed(DWORD error)
{
	SetLastError(error);
	return WAIT_FAILED;
}

/* A native wait's result as Windows says it; a timeout leaves the last
 * error alone, as in Windows. */
DWORD w32_wait_result(int r, size_t index)
{
	if (r == 0)
		return WAIT_OBJECT_0 + (DWORD)index;
	if (r == FM_ABANDONED)
		return WAIT_ABANDONED_0 + (DWORD)index;
	if (r == -ETIMEDOUT)
		return WAIT_TIMEOUT;
	return wait_failed(w32_error_of(r));
}

FM_W32_API DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds,
					      BOOL bAlertable)
{
	const struct w32_object *obj;
	struct w32_object copy;

	(void)bAlertable;
	if (hHandle == PSEUDO_PROCESS || hHandle == PSEUDO_THREAD) {
		Sleep(dwMilliseconds);
		return WAIT_TIMEOUT;
	}
	obj = waitable(hHandle);
	if (!obj)
		return WAIT_FAILED;
	if (obj->kind == W32_WAITFD) {
		copy = *obj; /* the wait looks other handles up */
		return w32_wait_mixed(&copy, 1, FALSE, dwMilliseconds);
	}
	return w32_wait_result(fm_sync_wait(obj->sync, timeout_ns(dwMilliseconds)), 0);
}

/* The hot path: a sync object this thread looked up last (the mutex of a
 * WaitForSingleObject + ReleaseMutex loop), waited on by the native call
 * alone; a mutex by fm_mutex_lock itself, as a native program would. */
FM_W32_API DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
	const struct w32_last_lookup *last = w32_handle_cached(hHandle);
	fm_sync *o = last ? last->waitable : NULL;
	uint64_t ns = timeout_ns(dwMilliseconds);
	int r;

	if (__builtin_expect(!o, 0))
		return WaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
	r = o == last->mutex ? fm_mutex_lock(o, ns) : fm_sync_wait(o, ns);
	return __builtin_expect(r == 0, 1) ? WAIT_OBJECT_0 : w32_wait_result(r, 0);
}

/* Wait-any takes the lowest signalled object, and only it; wait-all takes
 * all at once or nothing, and refuses one object named twice (87), also
 * through two handles, as Windows does (Wine 8.0 accepts it). */
FM_W32_API DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
						 BOOL bWaitAll, DWORD dwMilliseconds,
						 BOOL bAlertable)
{
	struct w32_object objs[MAXIMUM_WAIT_OBJECTS];
	fm_sync *objects[MAXIMUM_WAIT_OBJECTS];
	bool descriptors = false;
	size_t index = 0;
	DWORD i;
	int r;

	(void)bAlertable;
	if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS)
		return wait_failed(ERROR_INVALID_PARAMETER);
	if (!lpHandles)
		return wait_failed(ERROR_NOACCESS);
	for (i = 0; i < nCount; i++) {
		const struct w32_object *obj = waitable(lpHandles[i]);

		if (!obj)
			return WAIT_FAILED;
		objs[i] = *obj; /* the next lookup replaces it */
		objects[i] = objs[i].sync;
		descriptors |= objs[i].kind == W32_WAITFD;
	}
	if (descriptors)
		return w32_wait_mixed(objs, nCount, bWaitAll, dwMilliseconds);
	if (!bWaitAll) {
		r = fm_wait_any(objects, nCount, timeout_ns(dwMilliseconds), &index);
		return w32_wait_result(r, index);
	}
	/* A wait-all that took an abandoned mutex says WAIT_ABANDONED_0,
	 * whichever it was, as Windows' kernel does. */
	r = fm_wait_all(objects, nCount, timeout_ns(dwMilliseconds), &index);
	return w32_wait_result(r, 0);
}

FM_W32_API DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles,
					       BOOL bWaitAll, DWORD dwMilliseconds)
{
	return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}
