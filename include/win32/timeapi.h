/* SPDX-License-Identifier: MIT */
/*
 * timeapi.h - the multimedia timer calls.  Linux timers already have the
 * resolution timeBeginPeriod asks Windows for, so it and timeEndPeriod
 * only check their argument (1 ms and up: TIMERR_NOERROR; 0:
 * TIMERR_NOCANDO) and change nothing.  timeGetTime is the milliseconds
 * since boot (GetTickCount's clock), wrapping at 2^32 as on Windows.
 * timeGetDevCaps reports 1 ms to 1,000,000 ms, as Windows 10 does
 * (TIMERR_NOCANDO for a NULL or short structure).
 */
#ifndef FILEMAP_WIN32_TIMEAPI_H
#define FILEMAP_WIN32_TIMEAPI_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef UINT MMRESULT;

typedef struct timecaps_tag {
	UINT wPeriodMin;
	UINT wPeriodMax;
} TIMECAPS, *PTIMECAPS, *LPTIMECAPS;

#define TIMERR_NOERROR 0
#define TIMERR_BASE    96
#define TIMERR_NOCANDO (TIMERR_BASE + 1)
#define TIMERR_STRUCT  (TIMERR_BASE + 33)

FM_W32_API MMRESULT WINAPI timeBeginPeriod(UINT uPeriod);
FM_W32_API MMRESULT WINAPI timeEndPeriod(UINT uPeriod);
FM_W32_API DWORD WINAPI timeGetTime(void);
FM_W32_API MMRESULT WINAPI timeGetDevCaps(LPTIMECAPS ptc, UINT cbtc);

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_TIMEAPI_H */
