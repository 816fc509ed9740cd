/* SPDX-License-Identifier: MIT */
/*
 * crt.h - what the C-runtime files of libfilemap-win32 share: the printf
 * format engine, the growable text it writes, and the entry points for
 * programs built with a 2-byte wchar_t (-fshort-wchar), which
 * <filemap-crt.h> binds to the *_w16 names.
 *
 * A wide string here is the program's: units of `width` bytes, 4 (UTF-32)
 * or 2 (UTF-16); each wide call has one body taking the width, and two
 * entry points that pass 4 and 2.
 */
#ifndef FM_WIN32_CRT_H
#define FM_WIN32_CRT_H

#include "w32.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

/* UTF-8 text being built; failed once an allocation failed. */
struct w32_text {
	char *data;
	size_t length;
	size_t capacity;
	bool failed;
};

W32_INTERNAL void w32_text_append(struct w32_text *t, const char *s, size_t n);
W32_INTERNAL void w32_text_free(struct w32_text *t);

/* MSVC's printf: formats fmt (units of fmt_width bytes: 1 for a narrow
 * call, else the wide call's wchar_t width) into out as UTF-8; a narrow
 * call's wide arguments are wchar_t of wchar_width bytes.  0, or -EINVAL
 * for a format MSVC refuses (%n, an unknown conversion), -ENOMEM. */
W32_INTERNAL int w32_format(struct w32_text *out, const void *fmt, size_t fmt_width,
			    size_t wchar_width, va_list ap);

/* Sets errno and returns it: the _s calls' failures. */
W32_INTERNAL int w32_crt_fail(int errnum);

/* ---- entry points for 2-byte wchar_t programs (filemap-crt.h binds them) ---- */

typedef uint16_t w16_t;

FM_W32_API errno_t wcscpy_s_w16(w16_t *dest, rsize_t size, const w16_t *src);
FM_W32_API errno_t wcsncpy_s_w16(w16_t *dest, rsize_t size, const w16_t *src, rsize_t count);
FM_W32_API errno_t wcscat_s_w16(w16_t *dest, rsize_t size, const w16_t *src);
FM_W32_API int _wcsicmp_w16(const w16_t *a, const w16_t *b);
FM_W32_API int _wcsnicmp_w16(const w16_t *a, const w16_t *b, size_t count);
FM_W32_API w16_t *_wcsdup_w16(const w16_t *s);
FM_W32_API w16_t *_wcslwr_w16(w16_t *s);
FM_W32_API w16_t *_wcsupr_w16(w16_t *s);

FM_W32_API w16_t *_itow_w16(int value, w16_t *buffer, int radix);
FM_W32_API errno_t _itow_s_w16(int value, w16_t *buffer, size_t size, int radix);
FM_W32_API int _wtoi_w16(const w16_t *s);
FM_W32_API long _wtol_w16(const w16_t *s);
FM_W32_API long long _wtoi64_w16(const w16_t *s);
FM_W32_API double _wtof_w16(const w16_t *s);
FM_W32_API w16_t *_ltow_w16(long value, w16_t *buffer, int radix);
FM_W32_API w16_t *_ultow_w16(unsigned long value, w16_t *buffer, int radix);

FM_W32_API FILE *_wfopen_w16(const w16_t *name, const w16_t *mode);
FM_W32_API errno_t _wfopen_s_w16(FILE **file, const w16_t *name, const w16_t *mode);
FM_W32_API void _wperror_w16(const w16_t *message);
FM_W32_API int _wremove_w16(const w16_t *name);
FM_W32_API int _waccess_w16(const w16_t *path, int mode);
FM_W32_API w16_t *_wgetenv_w16(const w16_t *name);
FM_W32_API int _wsystem_w16(const w16_t *command);
FM_W32_API w16_t *_wgetcwd_w16(w16_t *buffer, int maxlen);
FM_W32_API int _wmkdir_w16(const w16_t *path);

FM_W32_API int _snprintf_w16(char *buffer, size_t count, const char *format, ...);
FM_W32_API int _vsnprintf_w16(char *buffer, size_t count, const char *format, va_list args);
FM_W32_API int sprintf_s_w16(char *buffer, size_t size, const char *format, ...);
FM_W32_API int vsprintf_s_w16(char *buffer, size_t size, const char *format, va_list args);
FM_W32_API int _snprintf_s_w16(char *buffer, size_t size, size_t count, const char *format,
			       ...);
FM_W32_API int _vsnprintf_s_w16(char *buffer, size_t size, size_t count, const char *format,
				va_list args);
FM_W32_API int printf_s_w16(const char *format, ...);
FM_W32_API int vprintf_s_w16(const char *format, va_list args);
FM_W32_API int fprintf_s_w16(FILE *stream, const char *format, ...);
FM_W32_API int vfprintf_s_w16(FILE *stream, const char *format, va_list args);
FM_W32_API int _scprintf_w16(const char *format, ...);
FM_W32_API int _vscprintf_w16(const char *format, va_list args);

FM_W32_API int _snwprintf_w16(w16_t *buffer, size_t count, const w16_t *format, ...);
FM_W32_API int _vsnwprintf_w16(w16_t *buffer, size_t count, const w16_t *format, va_list args);
FM_W32_API int swprintf_s_w16(w16_t *buffer, size_t size, const w16_t *format, ...);
FM_W32_API int vswprintf_s_w16(w16_t *buffer, size_t size, const w16_t *format, va_list args);
FM_W32_API int _snwprintf_s_w16(w16_t *buffer, size_t size, size_t count, const w16_t *format,
				...);
FM_W32_API int _vsnwprintf_s_w16(w16_t *buffer, size_t size, size_t count,
				 const w16_t *format, va_list args);
FM_W32_API int wprintf_s_w16(const w16_t *format, ...);
FM_W32_API int vwprintf_s_w16(const w16_t *format, va_list args);
FM_W32_API int fwprintf_s_w16(FILE *stream, const w16_t *format, ...);
FM_W32_API int _scwprintf_w16(const w16_t *format, ...);
FM_W32_API int _swprintf_w16(w16_t *buffer, const w16_t *format, ...);
FM_W32_API int _vswprintf_w16(w16_t *buffer, const w16_t *format, va_list args);
FM_W32_API int fm_w32_wprintf_w16(const w16_t *format, ...);
FM_W32_API int fm_w32_fwprintf_w16(FILE *stream, const w16_t *format, ...);
FM_W32_API int fm_w32_swprintf_w16(w16_t *buffer, size_t count, const w16_t *format, ...);
FM_W32_API int fm_w32_vwprintf_w16(const w16_t *format, va_list args);
FM_W32_API int fm_w32_vfwprintf_w16(FILE *stream, const w16_t *format, va_list args);
FM_W32_API int fm_w32_vswprintf_w16(w16_t *buffer, size_t count, const w16_t *format,
				    va_list args);
FM_W32_API int fm_w32_fputws_w16(const w16_t *s, FILE *stream);
FM_W32_API wint_t fm_w32_fputwc_w16(w16_t c, FILE *stream);
FM_W32_API int _putws_w16(const w16_t *s);

FM_W32_API int fm_w32_run_wmain_w16(int argc, char **argv, char **envp,
				    int (*entry)(int, w16_t **, w16_t **));
FM_W32_API extern w16_t **_wenviron_w16;
FM_W32_API wint_t _getwch_w16(void);
FM_W32_API wint_t _getwche_w16(void);
FM_W32_API wint_t _putwch_w16(w16_t c);

/* Decodes the bytes of an argument or variable as the locale says (UTF-8
 * when it is "C" or POSIX): a malloc'ed wide string (NULL when memory is
 * short). */
W32_INTERNAL void *w32_wide_of_locale(const char *s, size_t width);

#endif /* FM_WIN32_CRT_H */
