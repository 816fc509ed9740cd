/* SPDX-License-Identifier: MIT */
/*
 * fuzz-print.c - libFuzzer target: any byte string as a name the tool
 * prints (tools/filemap/text.c), for a terminal and in JSON.
 *
 * Whatever the bytes, what reaches a terminal must hold no character the
 * tool calls unsafe (C0 and C1 controls, DEL, bidirectional and invisible
 * formatting characters, bytes that are not UTF-8); must give the input
 * back when its \xHH escapes are undone (for input without a backslash,
 * the one ambiguity the scheme has); JSON must be one string of safe
 * characters and valid escapes; and cutting to a width must end on a
 * character and fit it.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every character of out[0..len) is safe to print. */
static void check_safe(const char *out, size_t len)
{
	uint32_t c;
	bool unsafe;

	if (strlen(out) != len)
		abort();
	for (size_t at = 0; at < len; at += tool_char_at(out + at, &c, &unsafe))
		if (tool_char_at(out + at, &c, &unsafe) && unsafe)
			abort();
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* out with its \xHH escapes undone equals in. */
static void check_round_trip(const char *in, const char *out)
{
	size_t i = 0;

	for (const char *p = out; *p; i++) {
		int hi, lo;

		if (p[0] == '\\' && p[1] == 'x' && (hi = hex_value(p[2])) >= 0 &&
		    (lo = hex_value(p[3])) >= 0) {
			if ((unsigned char)in[i] != (unsigned)(hi << 4 | lo))
				abort();
			p += 4;
		} else if (in[i] != *p++) {
			abort();
		}
	}
	if (in[i] != '\0')
		abort();
}

/* out is one JSON string: quotes at both ends, escapes all valid. */
static void check_json(const char *out, size_t len)
{
	if (len < 2 || out[0] != '"' || out[len - 1] != '"')
		abort();
	for (size_t i = 1; i < len - 1; i++) {
		if (out[i] == '"')
			abort();
		if (out[i] != '\\')
			continue;
		i++;
		if (out[i] == 'u') {
			for (int k = 1; k <= 4; k++)
				if (hex_value(out[i + k]) < 0)
					abort();
			i += 4;
		} else if (out[i] != '"' && out[i] != '\\') {
			abort();
		}
	}
}

/* Cutting s to each width ends on a character and fits. */
static void check_fit(const char *s)
{
	uint32_t c;
	bool unsafe;

	for (size_t width = 0; width < 24; width++) {
		size_t used, n = tool_fit_columns(s, width, &used), at = 0;

		while (at < n)
			at += tool_char_at(s + at, &c, &unsafe);
		if (at != n || used > width || n > strlen(s))
			abort();
	}
}

static char *printed(void (*print)(FILE *, const char *), const char *s, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	if (!f)
		abort();
	print(f, s);
	fclose(f);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *out;
	size_t len;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	out = printed(tool_print_text, s, &len);
	check_safe(out, len);
	if (!strchr(s, '\\'))
		check_round_trip(s, out);
	free(out);
	out = printed(tool_print_json_string, s, &len);
	check_safe(out, len);
	check_json(out, len);
	free(out);
	check_fit(s);
	free(s);
	return 0;
}
