/* SPDX-License-Identifier: MIT */
/*
 * crt-time.c - the time calls of Microsoft's C runtime: localtime_s and
 * gmtime_s with MSVC's argument order (the result first, the reverse of
 * C11 Annex K), their _64 names, _time64, ctime_s and asctime_s, and
 * clock() as MSVC's: wall-clock time since the program started.
 *
 * The UCRT's checks: a null result is EINVAL; otherwise every field of it
 * is first set to -1, and a null time, or one outside the UCRT's range, is
 * EINVAL with the fields left at -1: local time from 1970 to 3000-12-31
 * 23:59:59 UTC; UTC half a day before that and 14 hours after, as the
 * UCRT allows for the zones.  asctime_s and ctime_s write "" first, then
 * fail with EINVAL for a buffer under 26 characters.
 */
#include "crt.h"

#include <string.h>

/* _MAX__TIME64_T: 3000-12-31 23:59:59 UTC. */
#define MAX_TIME64 32535215999ll
/* The UCRT's _MIN_LOCAL_TIME and _MAX_LOCAL_TIME. */
#define MIN_LOCAL (-12 * 3600ll)
#define MAX_LOCAL (14 * 3600ll)
#define ASCTIME_SIZE 26

static errno_t convert(struct tm *result, const time_t *timer, bool local)
{
	long long from = local ? 0 : MIN_LOCAL, to = local ? MAX_TIME64 : MAX_TIME64 + MAX_LOCAL;

	if (!result)
		return w32_crt_fail(EINVAL);
	memset(result, 0xFF, sizeof(*result));
	if (!timer || *timer < from || *timer > to)
		return w32_crt_fail(EINVAL);
	if (!(local ? localtime_r(timer, result) : gmtime_r(timer, result))) {
		memset(result, 0xFF, sizeof(*result));
		return w32_crt_fail(EINVAL);
	}
	return 0;
}

FM_W32_API errno_t localtime_s(struct tm *result, const time_t *timer)
{
	return convert(result, timer, true);
}

FM_W32_API errno_t gmtime_s(struct tm *result, const time_t *timer)
{
	return convert(result, timer, false);
}

FM_W32_API errno_t _localtime64_s(struct tm *result, const __time64_t *timer)
{
	time_t t;

	if (!timer)
		return convert(result, NULL, true);
	t = (time_t)*timer;
	return convert(result, &t, true);
}

FM_W32_API errno_t _gmtime64_s(struct tm *result, const __time64_t *timer)
{
	time_t t;

	if (!timer)
		return convert(result, NULL, false);
	t = (time_t)*timer;
	return convert(result, &t, false);
}

FM_W32_API __time64_t _time64(__time64_t *timer)
{
	__time64_t now = (__time64_t)time(NULL);

	if (timer)
		*timer = now;
	return now;
}

FM_W32_API errno_t asctime_s(char *buffer, size_t size, const struct tm *tm)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	if (!buffer || size == 0)
		return w32_crt_fail(EINVAL);
	buffer[0] = '\0';
	if (size < ASCTIME_SIZE)
		return w32_crt_fail(EINVAL);
	if (!tm || tm->tm_wday < 0 || tm->tm_wday > 6 || tm->tm_mon < 0 || tm->tm_mon > 11 ||
	    tm->tm_mday < 1 || tm->tm_mday > 31 || tm->tm_hour < 0 || tm->tm_hour > 23 ||
	    tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0 || tm->tm_sec > 60 ||
	    tm->tm_year < 0 || tm->tm_year > 8099)
		return w32_crt_fail(EINVAL);
	snprintf(buffer, size, "%.3s %.3s %2d %02d:%02d:%02d %04d\n", days + 3 * tm->tm_wday,
		 months + 3 * tm->tm_mon, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec,
		 tm->tm_year + 1900);
	return 0;
}

FM_W32_API errno_t ctime_s(char *buffer, size_t size, const time_t *timer)
{
	struct tm tm;
	errno_t r;

	if (!buffer || size == 0)
		return w32_crt_fail(EINVAL);
	buffer[0] = '\0';
	if (size < ASCTIME_SIZE || !timer || *timer < 0)
		return w32_crt_fail(EINVAL);
	r = convert(&tm, timer, true);
	return r ? r : asctime_s(buffer, size, &tm);
}

/* When the program started, as near as a library can tell: when it was
 * loaded, as MSVC's CRT counts from its own start-up. */
static struct timespec started;

__attribute__((constructor)) static void note_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &started);
}

FM_W32_API clock_t fm_w32_clock(void)
{
	struct timespec now;
	int64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (int64_t)(now.tv_sec - started.tv_sec) * 1000000000 + (now.tv_nsec - started.tv_nsec);
	return (clock_t)(ns / (1000000000 / CLOCKS_PER_SEC));
}
