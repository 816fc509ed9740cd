/* SPDX-License-Identifier: MIT */
/*
 * signalwait.c - SignalObjectAndWait: signal one object, then wait on
 * another.
 *
 * Windows promises no more atomicity than that (Microsoft: another thread
 * may see the first object signalled before the caller waits), and checks
 * as NT's NtSignalAndWaitForSingleObject does: both handles first (the one
 * to wait on must have SYNCHRONIZE), then the type of the one to signal (a
 * mutex, an event or a semaphore, else ERROR_INVALID_HANDLE) and its right;
 * a signal that fails (a mutex not owned, a semaphore at its maximum) is
 * the call's failure, and nothing is waited on.
 */
#include "w32.h"

static DWORD wait_failed(DWORD error)
{
	SetLastError(error);
	return WAIT_FAILED;
}

/* Signals the object of sig as its Release/Set call would. */
static BOOL signal_object(HANDLE h, const struct w32_object *sig)
{
	switch (sig->kind == W32_SYNC ? fm_sync_type(sig->sync) : 0) {
	case FM_TYPE_MUTEX:
		return ReleaseMutex(h);
	case FM_TYPE_EVENT:
		return SetEvent(h);
	case FM_TYPE_SEMAPHORE:
		return ReleaseSemaphore(h, 1, NULL);
	}
	return w32_fail(ERROR_INVALID_HANDLE);
}

FM_W32_API DWORD WINAPI SignalObjectAndWait(HANDLE hObjectToSignal, HANDLE hObjectToWaitOn,
					    DWORD dwMilliseconds, BOOL bAlertable)
{
	struct w32_object sig, wait;

	if (!w32_handle_get(&sig, hObjectToSignal) || !w32_handle_get(&wait, hObjectToWaitOn))
		return WAIT_FAILED;
	/* A file would have the right in Windows (and is then no object to
	 * signal); a section handle never has it. */
	if (wait.kind != W32_FILE && !(wait.access & SYNCHRONIZE))
		return wait_failed(ERROR_ACCESS_DENIED);
	if (!signal_object(hObjectToSignal, &sig))
		return WAIT_FAILED;
	return WaitForSingleObjectEx(hObjectToWaitOn, dwMilliseconds, bAlertable);
}
