/* SPDX-License-Identifier: MIT */
/*
 * w32-system.c - the small calls around sections: process and thread ids,
 * the tick count and the performance counter, Sleep, the last error, and
 * the security descriptor that shares a named object with everyone.  One
 * line per check (see check.h).
 */
#include "check.h"

#include <string.h>

static void ids_and_time(void)
{
	LARGE_INTEGER freq, before, after;
	ULONGLONG tick64;
	DWORD tick;

	say_bool("ids.process", GetCurrentProcessId() != 0);
	say_bool("ids.thread", GetCurrentThreadId() != 0);
	say_bool("ids.process_pseudo_handle", GetCurrentProcess() == (HANDLE)(LONG_PTR)-1);
	say_result("time.frequency", QueryPerformanceFrequency(&freq) && freq.QuadPart > 0);
	QueryPerformanceCounter(&before);
	tick = GetTickCount();
	tick64 = GetTickCount64();
	say_bool("time.tick_is_low_tick64", (DWORD)(tick64 - tick) < 1000);
	Sleep(30);
	QueryPerformanceCounter(&after);
	/* Coarse on purpose: Sleep may oversleep, never undersleep by much. */
	say_bool("time.sleep_advances_counter",
		 (after.QuadPart - before.QuadPart) * 1000 / freq.QuadPart >= 20);
	say_bool("time.sleep_advances_ticks", GetTickCount64() - tick64 >= 15);
}

static void last_error(void)
{
	SetLastError(0);
	say("last_error.zero", "%lu", (unsigned long)GetLastError());
	SetLastError(0xFFFFFFFF);
	say("last_error.max", "%lu", (unsigned long)GetLastError());
	SetLastError(ERROR_ALREADY_EXISTS);
	say("last_error.kept", "%lu", (unsigned long)GetLastError());
}

static void security(void)
{
	SECURITY_DESCRIPTOR sd;
	SECURITY_ATTRIBUTES sa = { sizeof(sa), &sd, FALSE };
	HANDLE h, o;

	SetLastError(0xdead);
	say_result("security.init", InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
	say_result("security.null_dacl", SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE));
	SetLastError(1234);
	h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 100,
			       "Global\\w32sys.everyone");
	say_result("security.null_dacl.create", h != NULL);
	o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "Global\\w32sys.everyone");
	say_result("security.null_dacl.open", o != NULL);
	CloseHandle(o);
	CloseHandle(h);
	sa.lpSecurityDescriptor = NULL;
	SetLastError(1234);
	h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 100, "w32sys.default");
	say_result("security.default.create", h != NULL);
	CloseHandle(h);
	say_result("security.bad_revision", InitializeSecurityDescriptor(&sd, 2));
}

int main(void)
{
	ids_and_time();
	last_error();
	security();
	return 0;
}
