/* SPDX-License-Identifier: MIT */
/*
 * crt-printf.c - the printf calls of Microsoft's C runtime that glibc
 * lacks or answers differently: _snprintf, the _s forms, and the wide
 * family (wprintf, swprintf, _snwprintf, ...), all reading formats as
 * MSVC does (format.c).
 *
 * Each call formats into UTF-8 text first, then delivers it as its kind
 * requires:
 *   - to a stream, through its byte interface (so printf and wprintf mix
 *     on one stream, as on Windows);
 *   - to a buffer, in one of MSVC's four manners: _snprintf's (no
 *     terminator when the text fills count, -1 when it does not fit),
 *     swprintf's (truncated and terminated, -1), the _s forms' (failure
 *     and "" unless the text fits, or truncation with _TRUNCATE or a
 *     count below the size), or only counted (_scprintf).
 * Results count the call's units: bytes, or wchar_t units for a wide
 * call.  Every call has a twin for 2-byte wchar_t programs (_w16).
 */
#include "crt.h"

#include <stdlib.h>
#include <string.h>

/* How a call fills a buffer. */
enum manner { LEGACY, STANDARD, SECURE, COUNT_ONLY };

struct target {
	void *buffer;
	size_t size;  /* units */
	size_t count; /* SECURE: the most to write, _TRUNCATE, or SIZE_MAX - 1 for none */
	enum manner manner;
};

#define NO_COUNT (SIZE_MAX - 1)
/* The size of a buffer the legacy calls without a count must trust. */
#define UNCOUNTED ((size_t)INT_MAX)

int w32_crt_fail(int errnum)
{
	errno = errnum;
	return errnum;
}

/* Formats; 0, or -1 with errno set. */
static int format_text(struct w32_text *t, const void *fmt, size_t fmt_width,
		       size_t wchar_width, va_list ap)
{
	int r;

	if (!fmt)
		return w32_crt_fail(EINVAL), -1;
	r = w32_format(t, fmt, fmt_width, wchar_width, ap);
	if (r < 0) {
		w32_text_free(t);
		return w32_crt_fail(-r), -1;
	}
	return 0;
}

/* The text in the call's units (width 1: the bytes themselves); *n units. */
static void *units_of_text(const struct w32_text *t, size_t width, size_t *n)
{
	void *wide;

	if (width == 1) {
		*n = t->length;
		return t->data;
	}
	*n = w32_wide_of_utf8(NULL, width, t->data, t->length);
	wide = malloc((*n + 1) * width);
	if (wide)
		w32_wide_of_utf8(wide, width, t->data, t->length);
	return wide;
}

static void put_units(void *buffer, size_t width, const void *from, size_t n, bool terminate)
{
	memcpy(buffer, from, n * width);
	if (terminate)
		memset((char *)buffer + n * width, 0, width);
}

/* What a SECURE call does with n units of text. */
static int deliver_secure(const struct target *t, size_t width, const void *text, size_t n)
{
	size_t limit = t->count == _TRUNCATE ? t->size - 1 : t->count;

	if (n < t->size && (t->count == NO_COUNT || n <= limit)) {
		put_units(t->buffer, width, text, n, true);
		return (int)n;
	}
	if (t->count != NO_COUNT && limit < t->size) {
		put_units(t->buffer, width, text, limit, true);
		return -1;
	}
	put_units(t->buffer, width, text, 0, true);
	return w32_crt_fail(ERANGE), -1;
}

static int deliver(const struct target *t, size_t width, const void *text, size_t n)
{
	switch (t->manner) {
	case COUNT_ONLY:
		return (int)n;
	case LEGACY:
		if (!t->buffer)
			return (int)n;
		put_units(t->buffer, width, text, n < t->size ? n : t->size, n < t->size);
		return n <= t->size ? (int)n : -1;
	case STANDARD:
		if (n < t->size) {
			put_units(t->buffer, width, text, n, true);
			return (int)n;
		}
		if (t->size)
			put_units(t->buffer, width, text, t->size - 1, true);
		return -1;
	default:
		return deliver_secure(t, width, text, n);
	}
}

/* Checks the buffer arguments as MSVC does; 0 or -1 with errno. */
static int check_target(const struct target *t, size_t width, const void *fmt)
{
	bool needs_buffer = t->manner == SECURE || t->manner == STANDARD ||
			    (t->manner == LEGACY && t->size != 0);

	if (needs_buffer && (!t->buffer || (t->manner == SECURE && t->size == 0)))
		return w32_crt_fail(EINVAL), -1;
	if (!fmt && t->manner == SECURE)
		put_units(t->buffer, width, "", 0, true);
	return 0;
}

static int to_buffer(const struct target *t, size_t width, const void *fmt, size_t wchar_width,
		     va_list ap)
{
	struct w32_text text = { 0 };
	size_t n;
	void *units;
	int r;

	if (check_target(t, width, fmt) < 0)
		return -1;
	if (format_text(&text, fmt, width, wchar_width, ap) < 0) {
		if (t->manner == SECURE)
			put_units(t->buffer, width, "", 0, true);
		return -1;
	}
	units = units_of_text(&text, width, &n);
	if (!units) {
		w32_text_free(&text);
		return w32_crt_fail(ENOMEM), -1;
	}
	r = n > INT_MAX ? -1 : deliver(t, width, units, n);
	if (units != text.data)
		free(units);
	w32_text_free(&text);
	return r;
}

static int to_stream(FILE *stream, size_t width, const void *fmt, size_t wchar_width,
		     va_list ap)
{
	struct w32_text text = { 0 };
	size_t units;
	int r;

	if (!stream)
		return w32_crt_fail(EINVAL), -1;
	if (format_text(&text, fmt, width, wchar_width, ap) < 0)
		return -1;
	units = width == 1 ? text.length : w32_wide_of_utf8(NULL, width, text.data, text.length);
	r = fwrite(text.data, 1, text.length, stream) == text.length ? (int)units : -1;
	w32_text_free(&text);
	return r;
}

/* The body of a variadic call: forwards its arguments to expr's `ap`. */
#define FORWARD(last, expr)             \
	va_list ap;                     \
	int r;                          \
	va_start(ap, last);             \
	r = (expr);                     \
	va_end(ap);                     \
	return r

#define LEGACY_TO(b, n)        (&(struct target){ (b), (n), 0, LEGACY })
#define STANDARD_TO(b, n)      (&(struct target){ (b), (n), 0, STANDARD })
#define SECURE_TO(b, n, count) (&(struct target){ (b), (n), (count), SECURE })
#define COUNTED                (&(struct target){ NULL, 0, 0, COUNT_ONLY })

/* ---- narrow calls; W is the program's wchar_t width for %ls ---- */

#define NARROW_CALLS(SUFFIX, W)                                                               \
	FM_W32_API int _vsnprintf##SUFFIX(char *b, size_t n, const char *f, va_list ap)       \
	{                                                                                     \
		return to_buffer(LEGACY_TO(b, n), 1, f, W, ap);                               \
	}                                                                                     \
	FM_W32_API int _snprintf##SUFFIX(char *b, size_t n, const char *f, ...)               \
	{                                                                                     \
		FORWARD(f, to_buffer(LEGACY_TO(b, n), 1, f, W, ap));                          \
	}                                                                                     \
	FM_W32_API int vsprintf_s##SUFFIX(char *b, size_t n, const char *f, va_list ap)       \
	{                                                                                     \
		return to_buffer(SECURE_TO(b, n, NO_COUNT), 1, f, W, ap);                     \
	}                                                                                     \
	FM_W32_API int sprintf_s##SUFFIX(char *b, size_t n, const char *f, ...)               \
	{                                                                                     \
		FORWARD(f, to_buffer(SECURE_TO(b, n, NO_COUNT), 1, f, W, ap));                \
	}                                                                                     \
	FM_W32_API int _vsnprintf_s##SUFFIX(char *b, size_t n, size_t c, const char *f,       \
					    va_list ap)                                       \
	{                                                                                     \
		return to_buffer(SECURE_TO(b, n, c), 1, f, W, ap);                            \
	}                                                                                     \
	FM_W32_API int _snprintf_s##SUFFIX(char *b, size_t n, size_t c, const char *f, ...)   \
	{                                                                                     \
		FORWARD(f, to_buffer(SECURE_TO(b, n, c), 1, f, W, ap));                       \
	}                                                                                     \
	FM_W32_API int vfprintf_s##SUFFIX(FILE *s, const char *f, va_list ap)                 \
	{                                                                                     \
		return to_stream(s, 1, f, W, ap);                                             \
	}                                                                                     \
	FM_W32_API int fprintf_s##SUFFIX(FILE *s, const char *f, ...)                         \
	{                                                                                     \
		FORWARD(f, to_stream(s, 1, f, W, ap));                                        \
	}                                                                                     \
	FM_W32_API int vprintf_s##SUFFIX(const char *f, va_list ap)                           \
	{                                                                                     \
		return to_stream(stdout, 1, f, W, ap);                                        \
	}                                                                                     \
	FM_W32_API int printf_s##SUFFIX(const char *f, ...)                                   \
	{                                                                                     \
		FORWARD(f, to_stream(stdout, 1, f, W, ap));                                   \
	}                                                                                     \
	FM_W32_API int _vscprintf##SUFFIX(const char *f, va_list ap)                          \
	{                                                                                     \
		return to_buffer(COUNTED, 1, f, W, ap);                                       \
	}                                                                                     \
	FM_W32_API int _scprintf##SUFFIX(const char *f, ...)                                  \
	{                                                                                     \
		FORWARD(f, to_buffer(COUNTED, 1, f, W, ap));                                  \
	}

/* ---- wide calls, of wchar_t type T and width W ---- */

#define WIDE_CALLS(SUFFIX, T, W)                                                              \
	FM_W32_API int _vsnwprintf##SUFFIX(T *b, size_t n, const T *f, va_list ap)            \
	{                                                                                     \
		return to_buffer(LEGACY_TO(b, n), W, f, W, ap);                               \
	}                                                                                     \
	FM_W32_API int _snwprintf##SUFFIX(T *b, size_t n, const T *f, ...)                    \
	{                                                                                     \
		FORWARD(f, to_buffer(LEGACY_TO(b, n), W, f, W, ap));                          \
	}                                                                                     \
	FM_W32_API int fm_w32_vswprintf##SUFFIX(T *b, size_t n, const T *f, va_list ap)       \
	{                                                                                     \
		return to_buffer(STANDARD_TO(b, n), W, f, W, ap);                             \
	}                                                                                     \
	FM_W32_API int fm_w32_swprintf##SUFFIX(T *b, size_t n, const T *f, ...)               \
	{                                                                                     \
		FORWARD(f, to_buffer(STANDARD_TO(b, n), W, f, W, ap));                        \
	}                                                                                     \
	FM_W32_API int vswprintf_s##SUFFIX(T *b, size_t n, const T *f, va_list ap)            \
	{                                                                                     \
		return to_buffer(SECURE_TO(b, n, NO_COUNT), W, f, W, ap);                     \
	}                                                                                     \
	FM_W32_API int swprintf_s##SUFFIX(T *b, size_t n, const T *f, ...)                    \
	{                                                                                     \
		FORWARD(f, to_buffer(SECURE_TO(b, n, NO_COUNT), W, f, W, ap));                \
	}                                                                                     \
	FM_W32_API int _vsnwprintf_s##SUFFIX(T *b, size_t n, size_t c, const T *f, va_list ap) \
	{                                                                                     \
		return to_buffer(SECURE_TO(b, n, c), W, f, W, ap);                            \
	}                                                                                     \
	FM_W32_API int _snwprintf_s##SUFFIX(T *b, size_t n, size_t c, const T *f, ...)        \
	{                                                                                     \
		FORWARD(f, to_buffer(SECURE_TO(b, n, c), W, f, W, ap));                       \
	}                                                                                     \
	FM_W32_API int fm_w32_vfwprintf##SUFFIX(FILE *s, const T *f, va_list ap)              \
	{                                                                                     \
		return to_stream(s, W, f, W, ap);                                             \
	}                                                                                     \
	FM_W32_API int fm_w32_fwprintf##SUFFIX(FILE *s, const T *f, ...)                      \
	{                                                                                     \
		FORWARD(f, to_stream(s, W, f, W, ap));                                        \
	}                                                                                     \
	FM_W32_API int fwprintf_s##SUFFIX(FILE *s, const T *f, ...)                           \
	{                                                                                     \
		FORWARD(f, to_stream(s, W, f, W, ap));                                        \
	}                                                                                     \
	FM_W32_API int fm_w32_vwprintf##SUFFIX(const T *f, va_list ap)                        \
	{                                                                                     \
		return to_stream(stdout, W, f, W, ap);                                        \
	}                                                                                     \
	FM_W32_API int vwprintf_s##SUFFIX(const T *f, va_list ap)                             \
	{                                                                                     \
		return to_stream(stdout, W, f, W, ap);                                        \
	}                                                                                     \
	FM_W32_API int fm_w32_wprintf##SUFFIX(const T *f, ...)                                \
	{                                                                                     \
		FORWARD(f, to_stream(stdout, W, f, W, ap));                                   \
	}                                                                                     \
	FM_W32_API int wprintf_s##SUFFIX(const T *f, ...)                                     \
	{                                                                                     \
		FORWARD(f, to_stream(stdout, W, f, W, ap));                                   \
	}                                                                                     \
	FM_W32_API int _scwprintf##SUFFIX(const T *f, ...)                                    \
	{                                                                                     \
		FORWARD(f, to_buffer(COUNTED, W, f, W, ap));                                  \
	}                                                                                     \
	FM_W32_API int _vswprintf##SUFFIX(T *b, const T *f, va_list ap)                       \
	{                                                                                     \
		return to_buffer(STANDARD_TO(b, UNCOUNTED), W, f, W, ap);                     \
	}                                                                                     \
	FM_W32_API int _swprintf##SUFFIX(T *b, const T *f, ...)                               \
	{                                                                                     \
		FORWARD(f, to_buffer(STANDARD_TO(b, UNCOUNTED), W, f, W, ap));                \
	}

NARROW_CALLS(, 4)
NARROW_CALLS(_w16, 2)
WIDE_CALLS(, wchar_t, 4)
WIDE_CALLS(_w16, w16_t, 2)

/* ---- wide strings and characters to a stream, as UTF-8 ---- */

static int put_wide(const void *s, size_t width, size_t n, FILE *stream)
{
	size_t bytes;
	char *utf8;
	int r;

	if (!s || !stream)
		return w32_crt_fail(EINVAL), -1;
	utf8 = w32_utf8_of_wide(s, width, n, &bytes);
	if (!utf8)
		return w32_crt_fail(ENOMEM), -1;
	r = fwrite(utf8, 1, bytes, stream) == bytes ? 0 : -1;
	free(utf8);
	return r;
}

FM_W32_API int fm_w32_fputws(const wchar_t *s, FILE *stream)
{
	return put_wide(s, 4, s ? w32_wide_length(s, 4) : 0, stream);
}

FM_W32_API int fm_w32_fputws_w16(const w16_t *s, FILE *stream)
{
	return put_wide(s, 2, s ? w32_wide_length(s, 2) : 0, stream);
}

FM_W32_API wint_t fm_w32_fputwc(wchar_t c, FILE *stream)
{
	return put_wide(&c, 4, 1, stream) == 0 ? (wint_t)c : WEOF;
}

FM_W32_API wint_t fm_w32_fputwc_w16(w16_t c, FILE *stream)
{
	return put_wide(&c, 2, 1, stream) == 0 ? (wint_t)c : WEOF;
}

/* _putws: the string and a newline, as puts. */
FM_W32_API int _putws(const wchar_t *s)
{
	return fm_w32_fputws(s, stdout) < 0 || fputc('\n', stdout) == EOF ? -1 : 0;
}

FM_W32_API int _putws_w16(const w16_t *s)
{
	return fm_w32_fputws_w16(s, stdout) < 0 || fputc('\n', stdout) == EOF ? -1 : 0;
}
