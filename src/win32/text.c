/* SPDX-License-Identifier: MIT */
/*
 * text.c - wide strings to UTF-8 and back, for the W calls and the C
 * runtime's wide calls.
 *
 * A W call gets the program's wchar_t: UTF-32 code points (4 bytes, the
 * Linux default) or UTF-16 units (2 bytes, -fshort-wchar).  Names travel
 * to the native API as UTF-8.  A lone surrogate or a value past U+10FFFF
 * has no UTF-8 form and is refused as a malformed name (FM_ENAME), never
 * replaced, so two different wide names never meet as one.
 *
 * Text that is only shown or copied (printf output, argv, a message box)
 * is converted leniently instead, as Windows converts it: what has no form
 * on the other side becomes U+FFFD.
 */
#include "w32.h"

#include <stdlib.h>

#define SURROGATE_HIGH 0xD800u
#define SURROGATE_LOW  0xDC00u
#define SURROGATE_END  0xE000u
#define CODE_POINT_MAX 0x10FFFFu

/* Writes code point c as UTF-8 at p; returns the bytes written. */
static size_t put_utf8(char *p, uint32_t c)
{
	if (c < 0x80) {
		p[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (char)(0xC0 | c >> 6);
		p[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		p[0] = (char)(0xE0 | c >> 12);
		p[1] = (char)(0x80 | (c >> 6 & 0x3F));
		p[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	p[0] = (char)(0xF0 | c >> 18);
	p[1] = (char)(0x80 | (c >> 12 & 0x3F));
	p[2] = (char)(0x80 | (c >> 6 & 0x3F));
	p[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

static bool is_surrogate(uint32_t c)
{
	return c >= SURROGATE_HIGH && c < SURROGATE_END;
}

int w32_utf8_from_utf32(char **out, const uint32_t *s)
{
	size_t n = 0, i;
	char *buf, *p;

	if (!s) {
		*out = NULL;
		return 0;
	}
	for (i = 0; s[i]; i++) {
		if (is_surrogate(s[i]) || s[i] > CODE_POINT_MAX)
			return FM_ENAME;
		n += s[i] < 0x80 ? 1 : s[i] < 0x800 ? 2 : s[i] < 0x10000 ? 3 : 4;
	}
	buf = p = malloc(n + 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; s[i]; i++)
		p += put_utf8(p, s[i]);
	*p = '\0';
	*out = buf;
	return 0;
}

/* The code point of the UTF-16 sequence at s, its length in *units; or
 * UINT32_MAX for a lone surrogate. */
static uint32_t next_utf16(const uint16_t *s, size_t *units)
{
	uint32_t c = s[0];

	*units = 1;
	if (!is_surrogate(c))
		return c;
	if (c >= SURROGATE_LOW || s[1] < SURROGATE_LOW || s[1] >= SURROGATE_END)
		return UINT32_MAX;
	*units = 2;
	return 0x10000 + ((c - SURROGATE_HIGH) << 10) + (s[1] - SURROGATE_LOW);
}

int w32_utf8_from_utf16(char **out, const uint16_t *s)
{
	size_t i, units;
	char *buf, *p;

	if (!s) {
		*out = NULL;
		return 0;
	}
	for (i = 0; s[i]; i += units)
		if (next_utf16(s + i, &units) == UINT32_MAX)
			return FM_ENAME;
	/* Each unit becomes at most 3 bytes (a pair, two units, becomes 4). */
	buf = p = malloc(3 * i + 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; s[i]; i += units)
		p += put_utf8(p, next_utf16(s + i, &units));
	*p = '\0';
	*out = buf;
	return 0;
}

size_t w32_utf16_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	/* Every byte but a continuation byte starts a character; a four-byte
	 * one is a surrogate pair. */
	for (; *p; p++) {
		if ((*p & 0xC0) != 0x80)
			n++;
		if (*p >= 0xF0)
			n++;
	}
	return n;
}

int w32_utf8_from_wide(char **out, const void *s, size_t width)
{
	return width == 2 ? w32_utf8_from_utf16(out, s) : w32_utf8_from_utf32(out, s);
}

/* ---- the C runtime's wide strings: lenient, any width ---- */

uint32_t w32_wide_unit(const void *s, size_t width, size_t i)
{
	return width == 2 ? ((const uint16_t *)s)[i] : ((const uint32_t *)s)[i];
}

void w32_wide_store(void *s, size_t width, size_t i, uint32_t unit)
{
	if (width == 2)
		((uint16_t *)s)[i] = (uint16_t)unit;
	else
		((uint32_t *)s)[i] = unit;
}

size_t w32_wide_length(const void *s, size_t width)
{
	size_t n = 0;

	while (w32_wide_unit(s, width, n))
		n++;
	return n;
}

/* The code point at s[*i] (a surrogate pair in UTF-16), advancing *i;
 * U+FFFD for a lone surrogate or a value past U+10FFFF. */
static uint32_t next_code_point(const void *s, size_t width, size_t n, size_t *i)
{
	uint32_t c = w32_wide_unit(s, width, (*i)++), low;

	if (width == 2 && c >= SURROGATE_HIGH && c < SURROGATE_LOW && *i < n) {
		low = w32_wide_unit(s, width, *i);
		if (low >= SURROGATE_LOW && low < SURROGATE_END) {
			(*i)++;
			return 0x10000 + ((c - SURROGATE_HIGH) << 10) + (low - SURROGATE_LOW);
		}
	}
	return is_surrogate(c) || c > CODE_POINT_MAX ? 0xFFFD : c;
}

char *w32_utf8_of_wide(const void *s, size_t width, size_t n, size_t *length)
{
	size_t i = 0, used = 0;
	char *buf = malloc(4 * n + 1);

	if (!buf)
		return NULL;
	while (i < n)
		used += put_utf8(buf + used, next_code_point(s, width, n, &i));
	buf[used] = '\0';
	if (length)
		*length = used;
	return buf;
}

size_t w32_utf8_put(char *out, uint32_t code_point)
{
	return put_utf8(out, is_surrogate(code_point) || code_point > CODE_POINT_MAX
				     ? 0xFFFD
				     : code_point);
}

/* The code point of the UTF-8 sequence at s (len bytes left), its length
 * in *bytes; U+FFFD for one byte that starts no valid sequence. */
uint32_t w32_utf8_next(const char *s, size_t len, size_t *bytes)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, k;

	*bytes = 1;
	if (p[0] < 0x80)
		return p[0];
	if (p[0] >= 0xC2 && p[0] < 0xE0)
		n = 2, c = p[0] & 0x1F, min = 0x80;
	else if (p[0] >= 0xE0 && p[0] < 0xF0)
		n = 3, c = p[0] & 0x0F, min = 0x800;
	else if (p[0] >= 0xF0 && p[0] < 0xF5)
		n = 4, c = p[0] & 0x07, min = 0x10000;
	else
		return 0xFFFD;
	if (n > len)
		return 0xFFFD;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0xFFFD;
		c = c << 6 | (p[k] & 0x3F);
	}
	if (c < min || c > CODE_POINT_MAX || is_surrogate(c))
		return 0xFFFD;
	*bytes = n;
	return c;
}

size_t w32_wide_put(void *out, size_t width, size_t i, uint32_t code_point)
{
	if (width == 4 || code_point < 0x10000) {
		if (out)
			w32_wide_store(out, width, i, code_point);
		return 1;
	}
	if (out) {
		code_point -= 0x10000;
		w32_wide_store(out, width, i, SURROGATE_HIGH + (code_point >> 10));
		w32_wide_store(out, width, i + 1, SURROGATE_LOW + (code_point & 0x3FF));
	}
	return 2;
}

size_t w32_wide_of_utf8(void *out, size_t width, const char *s, size_t len)
{
	size_t i = 0, units = 0, bytes;

	while (i < len) {
		uint32_t c = w32_utf8_next(s + i, len - i, &bytes);

		units += w32_wide_put(out, width, units, c);
		i += bytes;
	}
	return units;
}
