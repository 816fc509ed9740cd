/* SPDX-License-Identifier: MIT */
/*
 * text.c - printing text that other users chose: object names, file names,
 * paths and messages that quote them.
 *
 * Any user can name a Global\ object, so a name is hostile input to
 * whoever lists the store, root included: a terminal acts on control
 * characters (C0, DEL, and the C1 controls U+0080..U+009F, among them CSI
 * and OSC, which can rewrite the screen or the window title), and
 * Unicode's bidirectional overrides and isolates reorder what follows them,
 * so that a name can display as another.  Such characters, the invisible
 * ones that can hide a difference between two names, and bytes that are
 * not UTF-8 are therefore never printed as they are: for a terminal each
 * of their bytes becomes \xHH, and in JSON the character becomes \uXXXX.
 * Everything else, other languages' letters included, passes through.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <string.h>

/* Code points that change how text displays without showing themselves. */
static bool invisible(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||      /* C1 controls: CSI, OSC, NEL ... */
	       c == 0x061c ||                   /* Arabic letter mark */
	       (c >= 0x200b && c <= 0x200f) ||  /* zero widths, LRM, RLM */
	       (c >= 0x2028 && c <= 0x202e) ||  /* line and paragraph separators, embeddings, overrides */
	       (c >= 0x2060 && c <= 0x206f) ||  /* word joiner, invisible operators, isolates */
	       c == 0xfeff ||                   /* zero width no-break space (BOM) */
	       (c >= 0xfff9 && c <= 0xfffb) ||  /* interlinear annotation */
	       (c >= 0xe0000 && c <= 0xe007f);  /* tags */
}

size_t tool_char_at(const char *s, uint32_t *cp, bool *unsafe)
{
	const unsigned char *p = (const unsigned char *)s;
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len = p[0] < 0xc2 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : p[0] < 0xf5 ? 4 : 1;
	uint32_t c = len == 1 ? p[0] : p[0] & (0x7f >> len);

	/* A lone byte: ASCII, or not UTF-8 (a continuation, C0/C1, F5-FF). */
	if (len == 1) {
		*cp = c;
		*unsafe = c < 0x20 || c >= 0x7f;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*cp = p[0];
			*unsafe = true;
			return 1;
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	/* Overlong, a surrogate, or past U+10FFFF: not UTF-8. */
	if (c < min[len] || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
		*cp = p[0];
		*unsafe = true;
		return 1;
	}
	*cp = c;
	*unsafe = invisible(c);
	return len;
}

void tool_print_text_n(FILE *f, const char *s, size_t len)
{
	const char *end = s + len, *run = s;
	uint32_t c;
	bool unsafe;
	size_t n;

	/* Safe characters go out a run at a time: a listing prints many. */
	for (; s < end && *s; s += n) {
		n = tool_char_at(s, &c, &unsafe);
		if (!unsafe)
			continue;
		fwrite(run, 1, (size_t)(s - run), f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "\\x%02x", (unsigned char)s[i]);
		run = s + n;
	}
	fwrite(run, 1, (size_t)(s - run), f);
}

void tool_print_text(FILE *f, const char *s)
{
	tool_print_text_n(f, s, strlen(s));
}

void tool_print_json_string(FILE *f, const char *s)
{
	const char *run;
	uint32_t c;
	bool unsafe;
	size_t n;

	putc('"', f);
	/* Characters that need no escape go out a run at a time. */
	for (run = s; *s; s += n) {
		n = tool_char_at(s, &c, &unsafe);
		if (!unsafe && c != '"' && c != '\\')
			continue;
		fwrite(run, 1, (size_t)(s - run), f);
		run = s + n;
		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", (int)c);
		} else if (c > 0xffff) {
			/* JSON spells a character past the BMP as a surrogate pair. */
			c -= 0x10000;
			fprintf(f, "\\u%04x\\u%04x", 0xd800 + (unsigned)(c >> 10),
				0xdc00 + (unsigned)(c & 0x3ff));
		} else {
			/* A byte that is not UTF-8 is shown as the character of its
			 * value, so that the output stays valid JSON. */
			fprintf(f, "\\u%04x", (unsigned)c);
		}
	}
	fwrite(run, 1, (size_t)(s - run), f);
	putc('"', f);
}

/* Roughly how many columns a printable character takes on a terminal. */
static int columns_of(uint32_t c)
{
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	    (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
	    (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xfe20 && c <= 0xfe2f))
		return 0; /* combining marks and variation selectors */
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) ||
	    (c >= 0x20000 && c <= 0x3fffd))
		return 2; /* wide: CJK, Hangul, full-width forms, emoji */
	return 1;
}

size_t tool_fit_columns(const char *s, size_t columns, size_t *used)
{
	size_t at = 0, width = 0, w, n;
	uint32_t c;
	bool unsafe;

	while (s[at]) {
		n = tool_char_at(s + at, &c, &unsafe);
		w = unsafe ? 4 * n : (size_t)columns_of(c);
		if (width + w > columns)
			break;
		width += w;
		at += n;
	}
	if (used)
		*used = width;
	return at;
}
