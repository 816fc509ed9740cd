/* SPDX-License-Identifier: MIT */
/*
 * format.c - printf formats read as Microsoft's C runtime reads them, for
 * the printf calls libfilemap-win32 provides (the _s forms, _snprintf and
 * the wide family).
 *
 * The engine walks the format itself and hands each number to glibc's
 * snprintf with a spec it understands; strings and characters it copies
 * itself, since there the two runtimes differ most:
 *
 *   - in a wide call %s/%c are wide and %S/%C narrow; in a narrow call the
 *     reverse; h makes them narrow and l or w wide in both;
 *   - l is 32 bits for integers (long is 32 bits on Windows: a DWORD
 *     printed with %lu reads right, and so does a Linux long that fits);
 *     I64 and ll are 64 bits, I32 is 32, I (like z and t) a pointer's;
 *   - %p is 16 upper-case hex digits; %n, %Z and n$ positions are refused.
 *
 * Output is UTF-8: a wide call's text and wide arguments are converted
 * leniently (text.c); a narrow call's narrow arguments are copied as
 * they are.  Field widths and precisions of strings count the call's own
 * units: bytes in a narrow call, wchar_t units in a wide one.
 */
#include "crt.h"

#include <stdlib.h>
#include <string.h>

#define NO_PRECISION (-1)

void w32_text_append(struct w32_text *t, const char *s, size_t n)
{
	size_t want = t->length + n + 1;
	char *grown;

	if (t->failed)
		return;
	if (want > t->capacity) {
		size_t capacity = t->capacity ? t->capacity : 128;

		while (capacity < want)
			capacity *= 2;
		grown = realloc(t->data, capacity);
		if (!grown) {
			t->failed = true;
			return;
		}
		t->data = grown;
		t->capacity = capacity;
	}
	memcpy(t->data + t->length, s, n);
	t->length += n;
	t->data[t->length] = '\0';
}

void w32_text_free(struct w32_text *t)
{
	free(t->data);
	*t = (struct w32_text){ 0 };
}

static void append_repeat(struct w32_text *t, char c, long n)
{
	char chunk[64];

	memset(chunk, c, sizeof(chunk));
	for (; n > 0; n -= (long)sizeof(chunk))
		w32_text_append(t, chunk, n < (long)sizeof(chunk) ? (size_t)n : sizeof(chunk));
}

/* One conversion specification, as parsed. */
struct spec {
	char flags[8];  /* of "-+ #0", in a NUL-terminated string */
	long width;     /* 0: none */
	long precision; /* NO_PRECISION: none */
	char size;      /* 'H' hh, 'h', 'l', 'L' (64 bits), 'z' (pointer), 'j', 'D' (long double), 0 */
	bool wide;      /* for s and c: the argument is wide */
	bool narrow;    /* for s and c: the argument is narrow */
	char conversion;
};

/* The format being read: units of width bytes. */
struct cursor {
	const void *fmt;
	size_t width;
	size_t i;
};

static uint32_t peek(const struct cursor *c, size_t ahead)
{
	if (c->width == 1)
		return (unsigned char)((const char *)c->fmt)[c->i + ahead];
	return w32_wide_unit(c->fmt, c->width, c->i + ahead);
}

static bool has_flag(const struct spec *s, char flag)
{
	return strchr(s->flags, flag) != NULL;
}

static long read_number(struct cursor *c)
{
	long n = 0;

	while (peek(c, 0) >= '0' && peek(c, 0) <= '9') {
		if (n < 100000000)
			n = n * 10 + (long)(peek(c, 0) - '0');
		c->i++;
	}
	return n;
}

/* Reads the length modifier: MSVC's and C99's. */
static void read_size(struct cursor *c, struct spec *s)
{
	uint32_t u = peek(c, 0);

	if (u == 'I' && peek(c, 1) == '6' && peek(c, 2) == '4') {
		s->size = 'L';
		c->i += 3;
	} else if (u == 'I' && peek(c, 1) == '3' && peek(c, 2) == '2') {
		s->size = 0;
		c->i += 3;
	} else if (u == 'I' || u == 'z' || u == 't') {
		s->size = 'z';
		c->i++;
	} else if (u == 'h' || u == 'l') {
		bool twice = peek(c, 1) == u;

		s->size = u == 'h' ? (twice ? 'H' : 'h') : (twice ? 'L' : 'l');
		s->narrow = u == 'h';
		s->wide = u == 'l';
		c->i += twice ? 2 : 1;
	} else if (u == 'w') {
		s->wide = true;
		c->i++;
	} else if (u == 'L' || u == 'q' || u == 'j') {
		s->size = u == 'L' ? 'D' : u == 'q' ? 'L' : 'j';
		c->i++;
	}
}

/* Parses the spec after a '%'; false for one MSVC refuses. */
static bool parse_spec(struct cursor *c, struct spec *s, va_list *ap)
{
	size_t nflags = 0;

	*s = (struct spec){ .precision = NO_PRECISION };
	while (peek(c, 0) && strchr("-+ #0", (int)peek(c, 0)) && nflags < sizeof(s->flags) - 2)
		s->flags[nflags++] = (char)peek(c, 0), c->i++;
	if (peek(c, 0) == '*') {
		s->width = va_arg(*ap, int);
		c->i++;
		if (s->width < 0) {
			s->width = -s->width;
			s->flags[nflags++] = '-';
		}
	} else {
		s->width = read_number(c);
	}
	if (peek(c, 0) == '$')
		return false;
	if (peek(c, 0) == '.') {
		c->i++;
		if (peek(c, 0) == '*') {
			s->precision = va_arg(*ap, int);
			c->i++;
			if (s->precision < 0)
				s->precision = NO_PRECISION;
		} else {
			s->precision = read_number(c);
		}
	}
	read_size(c, s);
	if (peek(c, 0) == 0 || peek(c, 0) > 0x7F)
		return false;
	s->conversion = (char)peek(c, 0);
	c->i++;
	return true;
}

/* Builds glibc's spec for s with length modifier size_mod. */
static void glibc_spec(char *out, size_t n, const struct spec *s, const char *size_mod)
{
	if (s->precision != NO_PRECISION)
		snprintf(out, n, "%%%s%ld.%ld%s%c", s->flags, s->width, s->precision, size_mod,
			 s->conversion);
	else
		snprintf(out, n, "%%%s%ld%s%c", s->flags, s->width, size_mod, s->conversion);
}

static void append_formatted(struct w32_text *out, const char *spec, ...)
	__attribute__((format(printf, 2, 3)));

static void append_formatted(struct w32_text *out, const char *spec, ...)
{
	char small[128];
	va_list ap;
	int n;

	va_start(ap, spec);
	n = vsnprintf(small, sizeof(small), spec, ap);
	va_end(ap);
	if (n < 0) {
		out->failed = true;
	} else if ((size_t)n < sizeof(small)) {
		w32_text_append(out, small, (size_t)n);
	} else {
		char *big = malloc((size_t)n + 1);

		if (!big) {
			out->failed = true;
			return;
		}
		va_start(ap, spec);
		vsnprintf(big, (size_t)n + 1, spec, ap);
		va_end(ap);
		w32_text_append(out, big, (size_t)n);
		free(big);
	}
}

static void format_integer(struct w32_text *out, struct spec *s, va_list *ap)
{
	bool is_signed = s->conversion == 'd' || s->conversion == 'i';
	unsigned long long u;
	long long v;
	char spec[48];

	switch (s->size) {
	case 'L': v = va_arg(*ap, long long); break;
	case 'z': v = (long long)va_arg(*ap, ptrdiff_t); break;
	case 'j': v = (long long)va_arg(*ap, intmax_t); break;
	default: v = va_arg(*ap, int); break; /* l is 32 bits, as on Windows */
	}
	if (s->size == 'H')
		v = is_signed ? (signed char)v : (unsigned char)v;
	else if (s->size == 'h')
		v = is_signed ? (short)v : (unsigned short)v;
	else if (s->size != 'L' && s->size != 'z' && s->size != 'j' && !is_signed)
		v = (unsigned int)v;
	glibc_spec(spec, sizeof(spec), s, "ll");
	u = (unsigned long long)v;
	if (is_signed)
		append_formatted(out, spec, v);
	else
		append_formatted(out, spec, u);
}

static void format_float(struct w32_text *out, struct spec *s, va_list *ap)
{
	char spec[48];

	if (s->size == 'D') {
		long double v = va_arg(*ap, long double);

		glibc_spec(spec, sizeof(spec), s, "L");
		append_formatted(out, spec, v);
	} else {
		double v = va_arg(*ap, double);

		glibc_spec(spec, sizeof(spec), s, "");
		append_formatted(out, spec, v);
	}
}

/* Appends text (UTF-8, `units` long in the call's units), padded to the
 * field width: MSVC pads strings with zeros too when asked. */
static void append_padded(struct w32_text *out, const struct spec *s, const char *text,
			  size_t bytes, size_t units)
{
	long pad = s->width > (long)units ? s->width - (long)units : 0;
	bool left = has_flag(s, '-');

	if (!left)
		append_repeat(out, has_flag(s, '0') ? '0' : ' ', pad);
	w32_text_append(out, text, bytes);
	if (left)
		append_repeat(out, ' ', pad);
}

/* The units a call's own output counts for UTF-8 text: bytes for a narrow
 * call, wchar_t units for a wide one. */
static size_t units_of(const char *utf8, size_t bytes, size_t fmt_width)
{
	return fmt_width == 1 ? bytes : w32_wide_of_utf8(NULL, fmt_width, utf8, bytes);
}

/* %s / %S: a narrow string (bytes, valid UTF-8 made so in a wide call). */
static void format_narrow_string(struct w32_text *out, const struct spec *s, const char *str,
				 size_t fmt_width)
{
	size_t n = str ? strlen(str) : 6;
	char *utf8;

	if (!str)
		str = "(null)";
	if (fmt_width == 1) {
		if (s->precision != NO_PRECISION && (size_t)s->precision < n)
			n = (size_t)s->precision;
		append_padded(out, s, str, n, n);
		return;
	}
	/* A wide call counts the characters it makes of the bytes. */
	{
		size_t units = w32_wide_of_utf8(NULL, fmt_width, str, n);
		void *wide = malloc((units + 1) * fmt_width);

		if (!wide) {
			out->failed = true;
			return;
		}
		w32_wide_of_utf8(wide, fmt_width, str, n);
		if (s->precision != NO_PRECISION && (size_t)s->precision < units)
			units = (size_t)s->precision;
		utf8 = w32_utf8_of_wide(wide, fmt_width, units, &n);
		free(wide);
	}
	if (!utf8) {
		out->failed = true;
		return;
	}
	append_padded(out, s, utf8, n, units_of(utf8, n, fmt_width));
	free(utf8);
}

/* %ls (or %s in a wide call): a wide string of wchar_width units. */
static void format_wide_string(struct w32_text *out, const struct spec *s, const void *str,
			       size_t fmt_width, size_t wchar_width)
{
	static const uint32_t null32[] = { '(', 'n', 'u', 'l', 'l', ')', 0 };
	static const uint16_t null16[] = { '(', 'n', 'u', 'l', 'l', ')', 0 };
	size_t units, bytes;
	char *utf8;

	if (!str)
		str = wchar_width == 2 ? (const void *)null16 : (const void *)null32;
	units = w32_wide_length(str, wchar_width);
	if (s->precision != NO_PRECISION && (size_t)s->precision < units)
		units = (size_t)s->precision;
	utf8 = w32_utf8_of_wide(str, wchar_width, units, &bytes);
	if (!utf8) {
		out->failed = true;
		return;
	}
	append_padded(out, s, utf8, bytes, units_of(utf8, bytes, fmt_width));
	free(utf8);
}

static void format_char(struct w32_text *out, const struct spec *s, va_list *ap,
			size_t fmt_width)
{
	bool wide = s->wide || (!s->narrow && (fmt_width == 1) == (s->conversion == 'C'));
	int value = va_arg(*ap, int);
	char buf[4];
	size_t n;

	if (wide) {
		n = w32_utf8_put(buf, (uint32_t)value);
	} else if (fmt_width == 1) {
		buf[0] = (char)value;
		n = 1;
	} else {
		size_t bytes;

		buf[0] = (char)value;
		n = w32_utf8_put(buf, w32_utf8_next(buf, 1, &bytes));
	}
	append_padded(out, s, buf, n, units_of(buf, n, fmt_width));
}

static void format_pointer(struct w32_text *out, const struct spec *s, va_list *ap)
{
	char hex[24];
	size_t n = (size_t)snprintf(hex, sizeof(hex), "%016llX",
				    (unsigned long long)(uintptr_t)va_arg(*ap, void *));
	struct spec unpadded = *s;

	unpadded.flags[0] = has_flag(s, '-') ? '-' : '\0';
	unpadded.flags[1] = '\0';
	append_padded(out, &unpadded, hex, n, n);
}

/* One conversion; false for one MSVC refuses. */
static bool convert(struct w32_text *out, struct spec *s, va_list *ap, size_t fmt_width,
		    size_t wchar_width)
{
	bool wide_string;

	switch (s->conversion) {
	case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
		format_integer(out, s, ap);
		return true;
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
		format_float(out, s, ap);
		return true;
	case 'c': case 'C':
		format_char(out, s, ap, fmt_width);
		return true;
	case 's': case 'S':
		wide_string = s->wide ||
			      (!s->narrow && (fmt_width == 1) == (s->conversion == 'S'));
		if (wide_string)
			format_wide_string(out, s, va_arg(*ap, const void *), fmt_width,
					   wchar_width);
		else
			format_narrow_string(out, s, va_arg(*ap, const char *), fmt_width);
		return true;
	case 'p':
		format_pointer(out, s, ap);
		return true;
	case '%':
		w32_text_append(out, "%", 1);
		return true;
	default: /* n (disabled in MSVC), Z, and anything unknown */
		return false;
	}
}

/* Appends the literal text fmt[from..to) of the format. */
static void append_literal(struct w32_text *out, const struct cursor *c, size_t from, size_t to)
{
	size_t bytes;
	char *utf8;

	if (to == from)
		return;
	if (c->width == 1) {
		w32_text_append(out, (const char *)c->fmt + from, to - from);
		return;
	}
	utf8 = w32_utf8_of_wide((const char *)c->fmt + from * c->width, c->width, to - from,
				&bytes);
	if (!utf8) {
		out->failed = true;
		return;
	}
	w32_text_append(out, utf8, bytes);
	free(utf8);
}

int w32_format(struct w32_text *out, const void *fmt, size_t fmt_width, size_t wchar_width,
	       va_list ap)
{
	struct cursor c = { .fmt = fmt, .width = fmt_width };
	struct spec s;
	va_list args;
	size_t start = 0;
	int r = 0;

	va_copy(args, ap);
	while (peek(&c, 0)) {
		if (peek(&c, 0) != '%') {
			c.i++;
			continue;
		}
		append_literal(out, &c, start, c.i);
		c.i++;
		if (!parse_spec(&c, &s, &args) ||
		    !convert(out, &s, &args, fmt_width, wchar_width)) {
			r = -EINVAL;
			break;
		}
		start = c.i;
	}
	if (r == 0)
		append_literal(out, &c, start, c.i);
	va_end(args);
	/* An empty result still has its terminator. */
	if (r == 0 && !out->data)
		w32_text_append(out, "", 0);
	return r == 0 && out->failed ? -ENOMEM : r;
}
