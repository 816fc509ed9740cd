/* SPDX-License-Identifier: MIT */
/*
 * error.c - result codes and the per-thread last-error message.
 *
 * The descriptions and names come from the FM_ERRORS table in filemap.h,
 * the single list of every code.  A failure also records one line naming
 * the call and the object, for fm_last_error_message().
 */
#define _GNU_SOURCE
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Long names are cut in messages, to keep them one readable line. */
#define MESSAGE_NAME_MAX 200

static _Thread_local char last_message[512];

FM_API const char *fm_strerror(int code)
{
	switch (code) {
#define X(name, value, win32, text) \
	case value:                 \
		return text;
		FM_ERRORS(X)
#undef X
	}
	if (code < 0 && code > -4096) {
		const char *text = strerrordesc_np(-code);

		if (text)
			return text;
	}
	return code > 0 ? "success, with news this library does not know" : "unknown error";
}

FM_API const char *fm_errname(int code)
{
	switch (code) {
#define X(name, value, win32, text) \
	case value:                 \
		return #name;
		FM_ERRORS(X)
#undef X
	}
	if (code < 0 && code > -4096) {
		const char *name = strerrorname_np(-code);

		if (name)
			return name;
	}
	return "UNKNOWN";
}

struct fm__access_words fm__access_words(unsigned access)
{
	struct fm__access_words w = { "" };
	size_t n = 0;

	if (access & FM_COPY)
		w.s[n++] = 'c';
	else if (access & (FM_READ | FM_WRITE))
		w.s[n++] = 'r';
	if (access & FM_WRITE)
		w.s[n++] = 'w';
	if (access & FM_EXEC)
		w.s[n++] = 'x';
	if (n == 0)
		snprintf(w.s, sizeof(w.s), "none");
	return w;
}

FM_API const char *fm_last_error_message(void)
{
	return last_message;
}

int fm__fail_again(int code, const char *message)
{
	snprintf(last_message, sizeof(last_message), "%s", message);
	return code;
}

int fm__fail(int code, const char *call, const char *object, const char *detail, ...)
{
	char what[256];
	size_t used = 0;
	int n;

	if (detail) {
		va_list ap;

		va_start(ap, detail);
		vsnprintf(what, sizeof(what), detail, ap);
		va_end(ap);
	} else {
		snprintf(what, sizeof(what), "%s", fm_strerror(code));
	}
	n = snprintf(last_message, sizeof(last_message), "%s: ", call);
	used = n > 0 ? (size_t)n : 0;
	if (object && used < sizeof(last_message)) {
		size_t len = strlen(object), cut = len;

		/* Cut a long name at a character boundary, and say so. */
		if (len > MESSAGE_NAME_MAX) {
			cut = MESSAGE_NAME_MAX;
			while (cut > 0 && ((unsigned char)object[cut] & 0xc0) == 0x80)
				cut--;
		}
		n = snprintf(last_message + used, sizeof(last_message) - used, "%.*s%s: ",
			     (int)cut, object, cut < len ? "..." : "");
		used += n > 0 ? (size_t)n : 0;
	}
	if (used < sizeof(last_message))
		snprintf(last_message + used, sizeof(last_message) - used, "%s (%s)", what,
			 fm_errname(code));
	return code;
}
