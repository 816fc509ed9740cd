/* SPDX-License-Identifier: MIT */
/*
 * crt-number.c - numbers to strings and back as Microsoft's C runtime
 * does it: _itoa and its kin, their _s forms, _wtoi, _wtol, _atoi64.
 *
 * int and long are 32 bits on Windows, so _ltoa and _ultoa convert the low
 * 32 bits of their argument and _wtol saturates at the 32-bit limits:
 * what Windows code means by them on a Linux long.  Only radix 10 writes a
 * minus sign; in any other radix a negative value is written as the
 * two's complement of its type, as MSVC does.
 */
#include "crt.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Writes magnitude in radix into digits (room for 66), "-" first if
 * negative; its length. */
static size_t spell(char *digits, unsigned long long magnitude, bool negative, int radix)
{
	char reversed[66];
	size_t n = 0, i = 0;

	do {
		reversed[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[magnitude % (unsigned)radix];
		magnitude /= (unsigned)radix;
	} while (magnitude);
	if (negative)
		digits[i++] = '-';
	while (n)
		digits[i++] = reversed[--n];
	digits[i] = '\0';
	return i;
}

/* The UCRT's common_xtox_s: the checks in its order, then the digits into
 * buffer (units of width bytes).  bits are the value as its type holds
 * it; value, its signed reading (0 for an unsigned type), which radix 10
 * writes with its sign. */
static errno_t to_text(void *buffer, size_t size, size_t width, long long value,
		       unsigned long long bits, int radix)
{
	bool negative = radix == 10 && value < 0;
	char digits[68];
	size_t n, i;

	if (!buffer || size == 0)
		return w32_crt_fail(EINVAL);
	memset(buffer, 0, width);
	if (radix < 2 || radix > 36)
		return w32_crt_fail(EINVAL);
	n = spell(digits, negative ? 0 - (unsigned long long)value : bits, negative, radix);
	if (n >= size)
		return w32_crt_fail(ERANGE);
	for (i = 0; i <= n; i++) {
		if (width == 1)
			((char *)buffer)[i] = digits[i];
		else
			w32_wide_store(buffer, width, i, (unsigned char)digits[i]);
	}
	return 0;
}

/* The unbounded forms (_itoa, ...) return their buffer whatever happened. */
#define UNBOUNDED SIZE_MAX

FM_W32_API char *_itoa(int value, char *buffer, int radix)
{
	to_text(buffer, UNBOUNDED, 1, value, (unsigned)value, radix);
	return buffer;
}

FM_W32_API char *_ltoa(long value, char *buffer, int radix)
{
	return _itoa((int)value, buffer, radix);
}

FM_W32_API char *_ultoa(unsigned long value, char *buffer, int radix)
{
	to_text(buffer, UNBOUNDED, 1, 0, (uint32_t)value, radix);
	return buffer;
}

FM_W32_API char *_i64toa(long long value, char *buffer, int radix)
{
	to_text(buffer, UNBOUNDED, 1, value, (unsigned long long)value, radix);
	return buffer;
}

FM_W32_API char *_ui64toa(unsigned long long value, char *buffer, int radix)
{
	to_text(buffer, UNBOUNDED, 1, 0, value, radix);
	return buffer;
}

FM_W32_API errno_t _itoa_s(int value, char *buffer, size_t size, int radix)
{
	return to_text(buffer, size, 1, value, (unsigned)value, radix);
}

FM_W32_API errno_t _ltoa_s(long value, char *buffer, size_t size, int radix)
{
	return _itoa_s((int)value, buffer, size, radix);
}

FM_W32_API errno_t _i64toa_s(long long value, char *buffer, size_t size, int radix)
{
	return to_text(buffer, size, 1, value, (unsigned long long)value, radix);
}

FM_W32_API wchar_t *_itow(int value, wchar_t *buffer, int radix)
{
	to_text(buffer, UNBOUNDED, 4, value, (unsigned)value, radix);
	return buffer;
}

FM_W32_API w16_t *_itow_w16(int value, w16_t *buffer, int radix)
{
	to_text(buffer, UNBOUNDED, 2, value, (unsigned)value, radix);
	return buffer;
}

FM_W32_API wchar_t *_ltow(long value, wchar_t *buffer, int radix)
{
	return _itow((int)value, buffer, radix);
}

FM_W32_API w16_t *_ltow_w16(long value, w16_t *buffer, int radix)
{
	return _itow_w16((int)value, buffer, radix);
}

FM_W32_API wchar_t *_ultow(unsigned long value, wchar_t *buffer, int radix)
{
	to_text(buffer, UNBOUNDED, 4, 0, (uint32_t)value, radix);
	return buffer;
}

FM_W32_API w16_t *_ultow_w16(unsigned long value, w16_t *buffer, int radix)
{
	to_text(buffer, UNBOUNDED, 2, 0, (uint32_t)value, radix);
	return buffer;
}

FM_W32_API errno_t _itow_s(int value, wchar_t *buffer, size_t size, int radix)
{
	return to_text(buffer, size, 4, value, (unsigned)value, radix);
}

FM_W32_API errno_t _itow_s_w16(int value, w16_t *buffer, size_t size, int radix)
{
	return to_text(buffer, size, 2, value, (unsigned)value, radix);
}

/* ---- strings to numbers: leading white space, a sign, decimal digits;
 * saturated at the limits with ERANGE; NULL is EINVAL and 0 ---- */

static long long parse(const void *s, size_t width, long long min, long long max)
{
	char *utf8 = NULL;
	const char *text = s;
	long long v;

	if (!s)
		return w32_crt_fail(EINVAL), 0;
	if (width != 1) {
		utf8 = w32_utf8_of_wide(s, width, w32_wide_length(s, width), NULL);
		if (!utf8)
			return w32_crt_fail(ENOMEM), 0;
		text = utf8;
	}
	errno = 0;
	v = strtoll(text, NULL, 10);
	free(utf8);
	if (v > max || v < min) {
		errno = ERANGE;
		v = v > max ? max : min;
	}
	return v;
}

FM_W32_API int _wtoi(const wchar_t *s)
{
	return (int)parse(s, 4, INT_MIN, INT_MAX);
}

FM_W32_API int _wtoi_w16(const w16_t *s)
{
	return (int)parse(s, 2, INT_MIN, INT_MAX);
}

FM_W32_API long _wtol(const wchar_t *s)
{
	return (long)parse(s, 4, INT32_MIN, INT32_MAX);
}

FM_W32_API long _wtol_w16(const w16_t *s)
{
	return (long)parse(s, 2, INT32_MIN, INT32_MAX);
}

FM_W32_API long long _wtoi64(const wchar_t *s)
{
	return parse(s, 4, LLONG_MIN, LLONG_MAX);
}

FM_W32_API long long _wtoi64_w16(const w16_t *s)
{
	return parse(s, 2, LLONG_MIN, LLONG_MAX);
}

FM_W32_API long long _atoi64(const char *s)
{
	return parse(s, 1, LLONG_MIN, LLONG_MAX);
}

static double parse_double(const void *s, size_t width)
{
	char *utf8;
	double v;

	if (!s)
		return w32_crt_fail(EINVAL), 0.0;
	utf8 = w32_utf8_of_wide(s, width, w32_wide_length(s, width), NULL);
	if (!utf8)
		return w32_crt_fail(ENOMEM), 0.0;
	v = strtod(utf8, NULL);
	free(utf8);
	return v;
}

FM_W32_API double _wtof(const wchar_t *s)
{
	return parse_double(s, 4);
}

FM_W32_API double _wtof_w16(const w16_t *s)
{
	return parse_double(s, 2);
}
