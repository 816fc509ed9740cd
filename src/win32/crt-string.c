/* SPDX-License-Identifier: MIT */
/*
 * crt-string.c - the string calls of Microsoft's C runtime: the secure
 * copies (strcpy_s, strncpy_s, strcat_s, their wide forms, memcpy_s),
 * case-insensitive compares and case changes (ASCII letters), _strdup and
 * friends.
 *
 * The secure calls follow the UCRT's checks in its order: a null or
 * zero-sized destination is EINVAL and left alone; a null source is EINVAL
 * with "" in the destination; a result that does not fit is ERANGE with ""
 * (or, given _TRUNCATE, as much as fits and STRUNCATE).  Where MSVC would
 * then call the invalid-parameter handler, these return, with errno set,
 * as MSVC does when the handler returns.
 *
 * One body serves bytes and both wide widths: `width` is the size of a
 * unit (1, 2 or 4).
 */
#include "crt.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

static uint32_t unit_at(const void *s, size_t width, size_t i)
{
	return width == 1 ? (unsigned char)((const char *)s)[i] : w32_wide_unit(s, width, i);
}

static void unit_put(void *s, size_t width, size_t i, uint32_t u)
{
	if (width == 1)
		((char *)s)[i] = (char)u;
	else
		w32_wide_store(s, width, i, u);
}

/* The length of s, or limit if s has no terminator before it. */
static size_t length_within(const void *s, size_t width, size_t limit)
{
	size_t n = 0;

	while (n < limit && unit_at(s, width, n))
		n++;
	return n;
}

/* Copies n units of src to dest + at, and a terminator. */
static void put_string(void *dest, size_t width, size_t at, const void *src, size_t n)
{
	memmove((char *)dest + at * width, src, n * width);
	unit_put(dest, width, at + n, 0);
}

/* The UCRT's checks shared by every copy: EINVAL for a null or empty
 * destination (untouched) or a null source ("" written); else 0. */
static int check_copy(void *dest, rsize_t size, const void *src, size_t width)
{
	if (!dest || size == 0)
		return w32_crt_fail(EINVAL);
	if (!src) {
		unit_put(dest, width, 0, 0);
		return w32_crt_fail(EINVAL);
	}
	return 0;
}

/* The count of a copy without one (strcpy_s): not _TRUNCATE, which is
 * SIZE_MAX. */
#define WHOLE (SIZE_MAX - 1)

/* strncpy_s and friends: at most count units of src (_TRUNCATE: what
 * fits) after the `at` units already in dest. */
static errno_t copy_at(void *dest, rsize_t size, size_t at, const void *src, rsize_t count,
		       size_t width)
{
	size_t room = size - at, n;

	if (count == _TRUNCATE) {
		n = length_within(src, width, room);
		if (n == room) {
			put_string(dest, width, at, src, room - 1);
			return STRUNCATE;
		}
	} else {
		n = length_within(src, width, count);
		if (n >= room) {
			unit_put(dest, width, 0, 0);
			return w32_crt_fail(ERANGE);
		}
	}
	put_string(dest, width, at, src, n);
	return 0;
}

static errno_t strncpy_any(void *dest, rsize_t size, const void *src, rsize_t count,
			   size_t width)
{
	/* Copying nothing to nowhere is fine; copying nothing from NULL too. */
	if (!dest && size == 0 && count == 0)
		return 0;
	if (dest && size && !src && count == 0) {
		unit_put(dest, width, 0, 0);
		return 0;
	}
	return check_copy(dest, size, src, width) ?: copy_at(dest, size, 0, src, count, width);
}

static errno_t strcat_any(void *dest, rsize_t size, const void *src, rsize_t count,
			  size_t width)
{
	static const uint32_t nothing = 0;
	size_t at;
	int r;

	/* Appending nothing needs no source, nor a destination if none. */
	if (!dest && size == 0 && count == 0)
		return 0;
	if (!src && count == 0)
		src = &nothing;
	r = check_copy(dest, size, src, width);

	if (r)
		return r;
	at = length_within(dest, width, size);
	if (at == size) {
		/* The destination is not a string: the UCRT says EINVAL. */
		unit_put(dest, width, 0, 0);
		return w32_crt_fail(EINVAL);
	}
	return copy_at(dest, size, at, src, count, width);
}

FM_W32_API errno_t strcpy_s(char *dest, rsize_t size, const char *src)
{
	return check_copy(dest, size, src, 1) ?: copy_at(dest, size, 0, src, WHOLE, 1);
}

FM_W32_API errno_t strncpy_s(char *dest, rsize_t size, const char *src, rsize_t count)
{
	return strncpy_any(dest, size, src, count, 1);
}

FM_W32_API errno_t strcat_s(char *dest, rsize_t size, const char *src)
{
	return strcat_any(dest, size, src, WHOLE, 1);
}

FM_W32_API errno_t strncat_s(char *dest, rsize_t size, const char *src, rsize_t count)
{
	return strcat_any(dest, size, src, count, 1);
}

FM_W32_API errno_t wcscpy_s(wchar_t *dest, rsize_t size, const wchar_t *src)
{
	return check_copy(dest, size, src, 4) ?: copy_at(dest, size, 0, src, WHOLE, 4);
}

FM_W32_API errno_t wcscpy_s_w16(w16_t *dest, rsize_t size, const w16_t *src)
{
	return check_copy(dest, size, src, 2) ?: copy_at(dest, size, 0, src, WHOLE, 2);
}

FM_W32_API errno_t wcsncpy_s(wchar_t *dest, rsize_t size, const wchar_t *src, rsize_t count)
{
	return strncpy_any(dest, size, src, count, 4);
}

FM_W32_API errno_t wcsncpy_s_w16(w16_t *dest, rsize_t size, const w16_t *src, rsize_t count)
{
	return strncpy_any(dest, size, src, count, 2);
}

FM_W32_API errno_t wcscat_s(wchar_t *dest, rsize_t size, const wchar_t *src)
{
	return strcat_any(dest, size, src, WHOLE, 4);
}

FM_W32_API errno_t wcscat_s_w16(w16_t *dest, rsize_t size, const w16_t *src)
{
	return strcat_any(dest, size, src, WHOLE, 2);
}

/* memcpy_s: a null source or a count past the size clears the whole
 * destination, as the UCRT does. */
FM_W32_API errno_t memcpy_s(void *dest, rsize_t size, const void *src, rsize_t count)
{
	if (count == 0)
		return 0;
	if (!dest)
		return w32_crt_fail(EINVAL);
	if (!src || count > size) {
		memset(dest, 0, size);
		return w32_crt_fail(src ? ERANGE : EINVAL);
	}
	memmove(dest, src, count);
	return 0;
}

/* memmove_s leaves the destination alone whatever fails. */
FM_W32_API errno_t memmove_s(void *dest, rsize_t size, const void *src, rsize_t count)
{
	if (count == 0)
		return 0;
	if (!dest || !src)
		return w32_crt_fail(EINVAL);
	if (count > size)
		return w32_crt_fail(ERANGE);
	memmove(dest, src, count);
	return 0;
}

/* ---- case-insensitive compares: ASCII letters folded to lower case,
 * as MSVC's "C" locale does; a null argument is EINVAL and answers
 * _NLSCMPERROR ---- */

static uint32_t fold(uint32_t u)
{
	return u >= 'A' && u <= 'Z' ? u + ('a' - 'A') : u;
}

static int compare_folded(const void *a, const void *b, size_t count, size_t width)
{
	size_t i;

	if (!a || !b)
		return w32_crt_fail(EINVAL), _NLSCMPERROR;
	for (i = 0; i < count; i++) {
		uint32_t x = fold(unit_at(a, width, i)), y = fold(unit_at(b, width, i));

		if (x != y)
			return x < y ? -1 : 1;
		if (x == 0)
			break;
	}
	return 0;
}

FM_W32_API int _stricmp(const char *a, const char *b)
{
	return compare_folded(a, b, SIZE_MAX, 1);
}

FM_W32_API int _strnicmp(const char *a, const char *b, size_t count)
{
	return compare_folded(a, b, count, 1);
}

FM_W32_API int _wcsicmp(const wchar_t *a, const wchar_t *b)
{
	return compare_folded(a, b, SIZE_MAX, 4);
}

FM_W32_API int _wcsicmp_w16(const w16_t *a, const w16_t *b)
{
	return compare_folded(a, b, SIZE_MAX, 2);
}

FM_W32_API int _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t count)
{
	return compare_folded(a, b, count, 4);
}

FM_W32_API int _wcsnicmp_w16(const w16_t *a, const w16_t *b, size_t count)
{
	return compare_folded(a, b, count, 2);
}

static void *duplicate(const void *s, size_t width)
{
	size_t bytes;
	void *copy;

	if (!s)
		return NULL;
	bytes = (length_within(s, width, SIZE_MAX) + 1) * width;
	copy = malloc(bytes);
	return copy ? memcpy(copy, s, bytes) : NULL;
}

FM_W32_API char *_strdup(const char *s)
{
	return duplicate(s, 1);
}

FM_W32_API wchar_t *_wcsdup(const wchar_t *s)
{
	return duplicate(s, 4);
}

FM_W32_API w16_t *_wcsdup_w16(const w16_t *s)
{
	return duplicate(s, 2);
}


static void *change_case(void *s, size_t width, bool upper)
{
	uint32_t u;

	for (size_t i = 0; s && (u = unit_at(s, width, i)) != 0; i++) {
		if (upper && u >= 'a' && u <= 'z')
			unit_put(s, width, i, u - ('a' - 'A'));
		else if (!upper)
			unit_put(s, width, i, fold(u));
	}
	return s;
}

FM_W32_API char *_strlwr(char *s)
{
	return change_case(s, 1, false);
}

FM_W32_API char *_strupr(char *s)
{
	return change_case(s, 1, true);
}

FM_W32_API wchar_t *_wcslwr(wchar_t *s)
{
	return change_case(s, 4, false);
}

FM_W32_API w16_t *_wcslwr_w16(w16_t *s)
{
	return change_case(s, 2, false);
}

FM_W32_API wchar_t *_wcsupr(wchar_t *s)
{
	return change_case(s, 4, true);
}

FM_W32_API w16_t *_wcsupr_w16(w16_t *s)
{
	return change_case(s, 2, true);
}
