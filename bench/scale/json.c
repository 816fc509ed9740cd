/* SPDX-License-Identifier: MIT */
/*
 * json.c - a strict JSON checker (RFC 8259), enough to say that what
 * `filemap ls --json` printed parses, and how many objects its array
 * holds.  It builds nothing: a recursive descent over the text that
 * accepts exactly the grammar (strings with valid escapes and no raw
 * control characters, numbers without leading zeros, the three literals),
 * and says where the first thing wrong is.
 */
#define _GNU_SOURCE
#include "scale.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64

struct parser {
	const char *p, *start, *end;
	const char *error; /* the first problem, or NULL */
	int depth;
};

static bool fail(struct parser *ps, const char *what)
{
	if (!ps->error)
		ps->error = what;
	return false;
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end && strchr(" \t\r\n", *ps->p) && *ps->p)
		ps->p++;
}

static bool eat(struct parser *ps, char c)
{
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == c) {
		ps->p++;
		return true;
	}
	return false;
}

static bool is_digit(struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static bool hex4(struct parser *ps)
{
	for (int i = 0; i < 4; i++, ps->p++)
		if (ps->p >= ps->end || !strchr("0123456789abcdefABCDEF", *ps->p) || !*ps->p)
			return fail(ps, "bad \\u escape");
	return true;
}

static bool string(struct parser *ps)
{
	if (!eat(ps, '"'))
		return fail(ps, "expected a string");
	while (ps->p < ps->end) {
		unsigned char c = (unsigned char)*ps->p++;

		if (c == '"')
			return true;
		if (c < 0x20)
			return fail(ps, "raw control character in a string");
		if (c != '\\')
			continue;
		if (ps->p >= ps->end)
			break;
		c = (unsigned char)*ps->p++;
		if (c == 'u') {
			if (!hex4(ps))
				return false;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return fail(ps, "bad escape in a string");
		}
	}
	return fail(ps, "unterminated string");
}

static bool number(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (!is_digit(ps))
		return fail(ps, "bad number");
	if (*ps->p++ != '0')
		while (is_digit(ps))
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!is_digit(ps))
			return fail(ps, "bad fraction");
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!is_digit(ps))
			return fail(ps, "bad exponent");
		while (is_digit(ps))
			ps->p++;
	}
	return true;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail(ps, "unexpected character");
	ps->p += n;
	return true;
}

static bool value(struct parser *ps);

/* The members or elements after an opening { or [; count may be NULL. */
static bool members(struct parser *ps, char close, bool keys, long *count)
{
	long n = 0;

	if (++ps->depth > MAX_DEPTH)
		return fail(ps, "nested too deep");
	if (!eat(ps, close)) {
		do {
			if (keys && (!string(ps) || !eat(ps, ':')))
				return fail(ps, "expected \"key\":");
			if (!value(ps))
				return false;
			n++;
		} while (eat(ps, ','));
		if (!eat(ps, close))
			return fail(ps, close == ']' ? "expected , or ]" : "expected , or }");
	}
	ps->depth--;
	if (count)
		*count = n;
	return true;
}

static bool value(struct parser *ps)
{
	skip_space(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end");
	switch (*ps->p) {
	case '{':
		ps->p++;
		return members(ps, '}', true, NULL);
	case '[':
		ps->p++;
		return members(ps, ']', false, NULL);
	case '"':
		return string(ps);
	case 't':
		return literal(ps, "true");
	case 'f':
		return literal(ps, "false");
	case 'n':
		return literal(ps, "null");
	default:
		return number(ps);
	}
}

/* The top-level array, each element an object. */
static bool array_of_objects(struct parser *ps, long *count)
{
	long n = 0;

	if (!eat(ps, '['))
		return fail(ps, "expected [ at the start");
	if (!eat(ps, ']')) {
		do {
			if (!eat(ps, '{'))
				return fail(ps, "expected an object in the array");
			if (!members(ps, '}', true, NULL))
				return false;
			n++;
		} while (eat(ps, ','));
		if (!eat(ps, ']'))
			return fail(ps, "expected , or ]");
	}
	*count = n;
	return true;
}

long json_array_count(const char *text, size_t len, char *why, size_t why_len)
{
	struct parser ps = { .p = text, .start = text, .end = text + len };
	long count = 0;

	if (array_of_objects(&ps, &count)) {
		skip_space(&ps);
		if (ps.p == ps.end)
			return count;
		fail(&ps, "text after the array");
	}
	snprintf(why, why_len, "%s at byte %td", ps.error, ps.p - ps.start);
	return -1;
}
