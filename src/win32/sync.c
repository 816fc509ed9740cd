/* SPDX-License-Identifier: MIT */
/*
 * sync.c - mutexes, events and semaphores: Create*, Create*Ex and Open*,
 * A and W, and ReleaseMutex, SetEvent, ResetEvent, PulseEvent and
 * ReleaseSemaphore.  The waits are in wait.c.
 *
 * Each call becomes one request (what kind, which name, which rights, the
 * initial state) that one function carries out, so the A, W and 2-byte W
 * entry points differ only in how they spell the name.  The native objects
 * know no per-handle rights; the table keeps Windows' rights for each
 * handle and the calls here check them, in Windows' order: the arguments,
 * then the handle, its type, and last its rights.
 */
#include "w32.h"

#include <stdlib.h>

/* The one specific right that changes an event's or semaphore's state
 * (EVENT_MODIFY_STATE == SEMAPHORE_MODIFY_STATE), and the query right of
 * all three types (MUTANT_QUERY_STATE, EVENT_QUERY_STATE, ...). */
#define MODIFY_STATE 0x0002u
#define QUERY_STATE  0x0001u
#define GENERIC_BITS (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL)

/* What one Create* or Open* call asks for. */
struct request {
	int type;                /* FM_TYPE_MUTEX, _EVENT or _SEMAPHORE */
	bool open;               /* Open*: the name must exist */
	LPSECURITY_ATTRIBUTES sa;
	BOOL inherit;            /* Open*; Create* takes sa->bInheritHandle */
	DWORD access;            /* as the caller asked, generic rights unmapped */
	bool owner;              /* a new mutex: the calling thread owns it */
	unsigned event_flags;    /* a new event: FM_EVENT_* */
	LONG initial, maximum;   /* a new semaphore */
};

static DWORD all_access(int type)
{
	return type == FM_TYPE_MUTEX ? MUTEX_ALL_ACCESS : EVENT_ALL_ACCESS;
}

DWORD w32_sync_rights(int type, DWORD access)
{
	DWORD rights = access & ~(GENERIC_BITS | MAXIMUM_ALLOWED);

	/* Windows' generic mappings for the three types: a mutex has no
	 * specific write right, so GENERIC_WRITE gives it nothing of use. */
	if (access & GENERIC_READ)
		rights |= STANDARD_RIGHTS_READ | QUERY_STATE;
	if ((access & GENERIC_WRITE) && type != FM_TYPE_MUTEX)
		rights |= STANDARD_RIGHTS_WRITE | MODIFY_STATE;
	else if (access & GENERIC_WRITE)
		rights |= STANDARD_RIGHTS_WRITE;
	if (access & GENERIC_EXECUTE)
		rights |= STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE;
	if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
		rights |= all_access(type);
	return rights;
}

/* Whether Windows grants an opener of an object with the default security
 * the access it asks for: 0 if so, else its error.  Nothing (0) is refused,
 * as is a right the type does not have. */
static DWORD open_error(int type, DWORD access)
{
	DWORD known = all_access(type) | GENERIC_BITS | MAXIMUM_ALLOWED;

	if (access & ACCESS_SYSTEM_SECURITY)
		return ERROR_PRIVILEGE_NOT_HELD;
	return access == 0 || (access & ~known) ? ERROR_ACCESS_DENIED : 0;
}

/* The arguments of a new object that Windows refuses before the name. */
static DWORD argument_error(const struct request *rq)
{
	if (rq->open || rq->type != FM_TYPE_SEMAPHORE)
		return 0;
	if (rq->maximum <= 0 || rq->initial < 0 || rq->initial > rq->maximum)
		return ERROR_INVALID_PARAMETER;
	return 0;
}

static int native_create(fm_sync **out, const struct request *rq, const char *name)
{
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;

	opts.mode = w32_mode_of(rq->sa, true);
	switch (rq->type) {
	case FM_TYPE_MUTEX:
		return fm_mutex_create(out, name, rq->owner, &opts);
	case FM_TYPE_EVENT:
		return fm_event_create(out, name, rq->event_flags, &opts);
	default:
		return fm_semaphore_create(out, name, (uint32_t)rq->initial,
					   (uint32_t)rq->maximum, &opts);
	}
}

static int native_open(fm_sync **out, const struct request *rq, const char *name)
{
	switch (rq->type) {
	case FM_TYPE_MUTEX:
		return fm_mutex_open(out, name);
	case FM_TYPE_EVENT:
		return fm_event_open(out, name);
	default:
		return fm_semaphore_open(out, name);
	}
}

/* Carries out rq for name (UTF-8, or NULL). */
static HANDLE request_run(const struct request *rq, const char *name)
{
	struct w32_object obj = { .kind = W32_SYNC, .fd = -1 };
	DWORD error = argument_error(rq);
	bool inherit = rq->open ? rq->inherit : rq->sa && rq->sa->bInheritHandle;
	HANDLE h;
	int r;

	if (!error && rq->open && !name)
		error = ERROR_INVALID_PARAMETER;
	if (!rq->open && name && name[0] == '\0')
		name = NULL; /* as for sections, "" makes an unnamed object */
	if (!error && name)
		/* "" names the directory of named objects: not a sync object. */
		error = name[0] == '\0' ? ERROR_INVALID_HANDLE : w32_name_error(name);
	if (error)
		return w32_fail_null(error);
	r = rq->open ? native_open(&obj.sync, rq, name) : native_create(&obj.sync, rq, name);
	if (r < 0)
		return w32_fail_null(w32_error_of(r));
	/* Windows looks the name up first, and only then checks the rights. */
	error = rq->open ? open_error(rq->type, rq->access) : 0;
	obj.access = w32_sync_rights(rq->type, rq->access);
	h = error ? NULL : w32_handle_add(&obj, inherit);
	if (!h) {
		fm_sync_close(obj.sync);
		return error ? w32_fail_null(error) : NULL;
	}
	if (!rq->open)
		SetLastError(r == FM_EXISTED ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return h;
}

/* An A name travels through a MAX_PATH buffer of UTF-16 in Windows. */
static HANDLE request_ansi(const struct request *rq, const char *name)
{
	if (name && w32_utf16_length(name) > MAX_PATH)
		return w32_fail_null(ERROR_FILENAME_EXCED_RANGE);
	return request_run(rq, name);
}

static HANDLE request_wide(const struct request *rq, const void *name, size_t width)
{
	char *utf8;
	HANDLE h;
	int r = w32_utf8_from_wide(&utf8, name, width);

	if (r < 0)
		return w32_fail_null(w32_error_of(r));
	h = request_run(rq, utf8);
	free(utf8);
	return h;
}

/* ---- the requests of each call ---- */

static struct request open_request(int type, DWORD access, BOOL inherit)
{
	return (struct request){ .type = type, .open = true, .access = access, .inherit = inherit };
}

static struct request mutex_request(LPSECURITY_ATTRIBUTES sa, DWORD flags, DWORD access)
{
	return (struct request){ .type = FM_TYPE_MUTEX, .sa = sa, .access = access,
				 .owner = (flags & CREATE_MUTEX_INITIAL_OWNER) != 0 };
}

static struct request event_request(LPSECURITY_ATTRIBUTES sa, DWORD flags, DWORD access)
{
	unsigned native = (flags & CREATE_EVENT_MANUAL_RESET ? FM_EVENT_MANUAL_RESET : 0) |
			  (flags & CREATE_EVENT_INITIAL_SET ? FM_EVENT_SIGNALED : 0);

	return (struct request){ .type = FM_TYPE_EVENT, .sa = sa, .access = access,
				 .event_flags = native };
}

static struct request semaphore_request(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum,
					DWORD access)
{
	return (struct request){ .type = FM_TYPE_SEMAPHORE, .sa = sa, .access = access,
				 .initial = initial, .maximum = maximum };
}

static DWORD event_flags(BOOL manual, BOOL initial)
{
	return (manual ? CREATE_EVENT_MANUAL_RESET : 0) | (initial ? CREATE_EVENT_INITIAL_SET : 0);
}

/* ---- mutexes ---- */

FM_W32_API HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
				      LPCSTR lpName)
{
	struct request rq = mutex_request(lpMutexAttributes,
					  bInitialOwner ? CREATE_MUTEX_INITIAL_OWNER : 0,
					  MUTEX_ALL_ACCESS);

	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
				      LPCWSTR lpName)
{
	struct request rq = mutex_request(lpMutexAttributes,
					  bInitialOwner ? CREATE_MUTEX_INITIAL_OWNER : 0,
					  MUTEX_ALL_ACCESS);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateMutexW_w16(LPSECURITY_ATTRIBUTES sa, BOOL owner,
					  const uint16_t *lpName)
{
	struct request rq = mutex_request(sa, owner ? CREATE_MUTEX_INITIAL_OWNER : 0,
					  MUTEX_ALL_ACCESS);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCSTR lpName,
					DWORD dwFlags, DWORD dwDesiredAccess)
{
	struct request rq = mutex_request(lpMutexAttributes, dwFlags, dwDesiredAccess);

	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCWSTR lpName,
					DWORD dwFlags, DWORD dwDesiredAccess)
{
	struct request rq = mutex_request(lpMutexAttributes, dwFlags, dwDesiredAccess);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateMutexExW_w16(LPSECURITY_ATTRIBUTES sa, const uint16_t *lpName,
					    DWORD flags, DWORD access)
{
	struct request rq = mutex_request(sa, flags, access);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
	struct request rq = open_request(FM_TYPE_MUTEX, dwDesiredAccess, bInheritHandle);

	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
	struct request rq = open_request(FM_TYPE_MUTEX, dwDesiredAccess, bInheritHandle);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI OpenMutexW_w16(DWORD access, BOOL inherit, const uint16_t *lpName)
{
	struct request rq = open_request(FM_TYPE_MUTEX, access, inherit);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

/* ---- events ---- */

FM_W32_API HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
				      BOOL bInitialState, LPCSTR lpName)
{
	struct request rq = event_request(lpEventAttributes,
					  event_flags(bManualReset, bInitialState),
					  EVENT_ALL_ACCESS);

	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
				      BOOL bInitialState, LPCWSTR lpName)
{
	struct request rq = event_request(lpEventAttributes,
					  event_flags(bManualReset, bInitialState),
					  EVENT_ALL_ACCESS);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateEventW_w16(LPSECURITY_ATTRIBUTES sa, BOOL manual, BOOL initial,
					  const uint16_t *lpName)
{
	struct request rq = event_request(sa, event_flags(manual, initial), EVENT_ALL_ACCESS);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName,
					DWORD dwFlags, DWORD dwDesiredAccess)
{
	struct request rq = event_request(lpEventAttributes, dwFlags, dwDesiredAccess);

	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName,
					DWORD dwFlags, DWORD dwDesiredAccess)
{
	struct request rq = event_request(lpEventAttributes, dwFlags, dwDesiredAccess);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateEventExW_w16(LPSECURITY_ATTRIBUTES sa, const uint16_t *lpName,
					    DWORD flags, DWORD access)
{
	struct request rq = event_request(sa, flags, access);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
	struct request rq = open_request(FM_TYPE_EVENT, dwDesiredAccess, bInheritHandle);

	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
	struct request rq = open_request(FM_TYPE_EVENT, dwDesiredAccess, bInheritHandle);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI OpenEventW_w16(DWORD access, BOOL inherit, const uint16_t *lpName)
{
	struct request rq = open_request(FM_TYPE_EVENT, access, inherit);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

/* ---- semaphores ---- */

FM_W32_API HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					  LONG lInitialCount, LONG lMaximumCount, LPCSTR lpName)
{
	struct request rq = semaphore_request(lpSemaphoreAttributes, lInitialCount,
					      lMaximumCount, SEMAPHORE_ALL_ACCESS);

	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					  LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName)
{
	struct request rq = semaphore_request(lpSemaphoreAttributes, lInitialCount,
					      lMaximumCount, SEMAPHORE_ALL_ACCESS);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateSemaphoreW_w16(LPSECURITY_ATTRIBUTES sa, LONG initial,
					      LONG maximum, const uint16_t *lpName)
{
	struct request rq = semaphore_request(sa, initial, maximum, SEMAPHORE_ALL_ACCESS);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

/* dwFlags is reserved; Windows ignores it. */
FM_W32_API HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					    LONG lInitialCount, LONG lMaximumCount, LPCSTR lpName,
					    DWORD dwFlags, DWORD dwDesiredAccess)
{
	struct request rq = semaphore_request(lpSemaphoreAttributes, lInitialCount,
					      lMaximumCount, dwDesiredAccess);

	(void)dwFlags;
	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI CreateSemaphoreExW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					    LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName,
					    DWORD dwFlags, DWORD dwDesiredAccess)
{
	struct request rq = semaphore_request(lpSemaphoreAttributes, lInitialCount,
					      lMaximumCount, dwDesiredAccess);

	(void)dwFlags;
	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateSemaphoreExW_w16(LPSECURITY_ATTRIBUTES sa, LONG initial,
						LONG maximum, const uint16_t *lpName,
						DWORD flags, DWORD access)
{
	struct request rq = semaphore_request(sa, initial, maximum, access);

	(void)flags;
	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					LPCSTR lpName)
{
	struct request rq = open_request(FM_TYPE_SEMAPHORE, dwDesiredAccess, bInheritHandle);

	return request_ansi(&rq, lpName);
}

FM_W32_API HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					LPCWSTR lpName)
{
	struct request rq = open_request(FM_TYPE_SEMAPHORE, dwDesiredAccess, bInheritHandle);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI OpenSemaphoreW_w16(DWORD access, BOOL inherit, const uint16_t *lpName)
{
	struct request rq = open_request(FM_TYPE_SEMAPHORE, access, inherit);

	return request_wide(&rq, lpName, sizeof(*lpName));
}

/* ---- changing the state ---- */

/* The object of h if it is of type (0: any, left to the native call, which
 * refuses another type with FM_ETYPE, also 6) and the handle has right;
 * else NULL, with Windows' error: 6 for no handle or another type, then 5. */
static fm_sync *object_of(HANDLE h, int type, DWORD right)
{
	const struct w32_object *obj = w32_handle_peek(h);

	if (!obj)
		return NULL;
	if (obj->kind != W32_SYNC || (type && fm_sync_type(obj->sync) != type))
		return w32_fail_null(ERROR_INVALID_HANDLE);
	if ((obj->access & right) != right)
		return w32_fail_null(ERROR_ACCESS_DENIED);
	return obj->sync;
}

static BOOL result(int r)
{
	return r < 0 ? w32_fail_native(r) : TRUE;
}

/* Windows checks no right here (a READ_CONTROL handle releases), only that
 * the calling thread owns the mutex: else ERROR_NOT_OWNER.  The type is
 * fm_mutex_unlock's to check, once, on this hot path; the handle is most
 * often the one the thread's wait looked up. */
FM_W32_API BOOL WINAPI ReleaseMutex(HANDLE hMutex)
{
	const struct w32_last_lookup *last = w32_handle_cached(hMutex);
	fm_sync *m = last && last->mutex ? last->mutex : object_of(hMutex, 0, 0);

	return m ? result(fm_mutex_unlock(m)) : FALSE;
}

FM_W32_API BOOL WINAPI SetEvent(HANDLE hEvent)
{
	fm_sync *e = object_of(hEvent, FM_TYPE_EVENT, EVENT_MODIFY_STATE);

	return e ? result(fm_event_set(e)) : FALSE;
}

FM_W32_API BOOL WINAPI ResetEvent(HANDLE hEvent)
{
	fm_sync *e = object_of(hEvent, FM_TYPE_EVENT, EVENT_MODIFY_STATE);

	return e ? result(fm_event_reset(e)) : FALSE;
}

FM_W32_API BOOL WINAPI PulseEvent(HANDLE hEvent)
{
	fm_sync *e = object_of(hEvent, FM_TYPE_EVENT, EVENT_MODIFY_STATE);

	return e ? result(fm_event_pulse(e)) : FALSE;
}

/* The count must be above zero (checked before the handle, as the kernel
 * does); past the maximum nothing changes and the error is
 * ERROR_TOO_MANY_POSTS. */
FM_W32_API BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
					LPLONG lpPreviousCount)
{
	uint32_t previous = 0;
	fm_sync *s;
	int r;

	if (lReleaseCount <= 0)
		return w32_fail(ERROR_INVALID_PARAMETER);
	s = object_of(hSemaphore, FM_TYPE_SEMAPHORE, SEMAPHORE_MODIFY_STATE);
	if (!s)
		return FALSE;
	r = fm_semaphore_release(s, (uint32_t)lReleaseCount, &previous);
	if (r < 0)
		return w32_fail_native(r);
	if (lpPreviousCount)
		*lpPreviousCount = (LONG)previous;
	return TRUE;
}
