/* SPDX-License-Identifier: MIT */
/*
 * text.c - wide strings to UTF-8 and back, for the W calls.
 *
 * A W call gets the program's wchar_t: UTF-32 code points (4 bytes, the
 * Linux default) or UTF-16 units (2 bytes, -fshort-wchar).  Names travel
 * to the native API as UTF-8.  A lone surrogate or a value past U+10FFFF
 * has no UTF-8 form and is refused as a malformed name (FM_ENAME), never
 * replaced, so two different wide names never meet as one.
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
