/* SPDX-License-Identifier: MIT */
/*
 * system.c - time (GetTickCount, Sleep, the performance counter, the
 * multimedia timer) and the two security-descriptor calls that Windows
 * code uses to share a named object with everyone.
 *
 * A security descriptor is kept as Windows lays it out.  What a new named
 * object's mode becomes from it (a present NULL DACL: every user may read
 * and write; else what its DACL grants Everyone and Creator Owner) is
 * security.c's to say, in w32_mode_of.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <time.h>
#include <unistd.h>

/* The performance counter ticks in 100 ns, like most Windows machines'. */
#define QPC_FREQUENCY 10000000ll
#define NS_PER_MS 1000000ll

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Milliseconds since boot, counting suspend, as Windows' tick count does. */
FM_W32_API ULONGLONG WINAPI GetTickCount64(void)
{
	return (ULONGLONG)(clock_ns(CLOCK_BOOTTIME) / NS_PER_MS);
}

FM_W32_API DWORD WINAPI GetTickCount(void)
{
	return (DWORD)GetTickCount64();
}

FM_W32_API void WINAPI Sleep(DWORD dwMilliseconds)
{
	struct timespec ts;

	if (dwMilliseconds == INFINITE) {
		for (;;)
			pause();
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += dwMilliseconds / 1000;
	ts.tv_nsec += (long)(dwMilliseconds % 1000) * NS_PER_MS;
	if (ts.tv_nsec >= 1000000000l) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000l;
	}
	/* An absolute deadline makes a signal's interruption harmless. */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

FM_W32_API BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount)
{
	lpPerformanceCount->QuadPart = clock_ns(CLOCK_MONOTONIC) / (1000000000ll / QPC_FREQUENCY);
	return TRUE;
}

FM_W32_API BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency)
{
	lpFrequency->QuadPart = QPC_FREQUENCY;
	return TRUE;
}

FM_W32_API BOOL WINAPI InitializeSecurityDescriptor(PSECURITY_DESCRIPTOR pSecurityDescriptor,
						    DWORD dwRevision)
{
	SECURITY_DESCRIPTOR *sd = pSecurityDescriptor;

	if (dwRevision != SECURITY_DESCRIPTOR_REVISION)
		return w32_fail(ERROR_UNKNOWN_REVISION);
	*sd = (SECURITY_DESCRIPTOR){ .Revision = SECURITY_DESCRIPTOR_REVISION };
	return TRUE;
}

FM_W32_API BOOL WINAPI SetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
						 BOOL bDaclPresent, PACL pDacl,
						 BOOL bDaclDefaulted)
{
	SECURITY_DESCRIPTOR *sd = pSecurityDescriptor;

	if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
		return w32_fail(ERROR_UNKNOWN_REVISION);
	sd->Control &= (SECURITY_DESCRIPTOR_CONTROL)~(SE_DACL_PRESENT | SE_DACL_DEFAULTED);
	sd->Dacl = NULL;
	if (!bDaclPresent)
		return TRUE;
	sd->Control |= SE_DACL_PRESENT | (bDaclDefaulted ? SE_DACL_DEFAULTED : 0);
	sd->Dacl = pDacl;
	return TRUE;
}

/* ---- the multimedia timer (timeapi.h) ---- */

/* Linux's timers already give the resolution timeBeginPeriod asks for. */
FM_W32_API MMRESULT WINAPI timeBeginPeriod(UINT uPeriod)
{
	return uPeriod ? TIMERR_NOERROR : TIMERR_NOCANDO;
}

FM_W32_API MMRESULT WINAPI timeEndPeriod(UINT uPeriod)
{
	return uPeriod ? TIMERR_NOERROR : TIMERR_NOCANDO;
}

FM_W32_API DWORD WINAPI timeGetTime(void)
{
	return GetTickCount();
}

FM_W32_API MMRESULT WINAPI timeGetDevCaps(LPTIMECAPS ptc, UINT cbtc)
{
	if (!ptc || cbtc < sizeof(*ptc))
		return TIMERR_NOCANDO;
	ptc->wPeriodMin = 1;
	ptc->wPeriodMax = 1000000;
	return TIMERR_NOERROR;
}
