/* SPDX-License-Identifier: MIT */
/*
 * filemap-crt.h - the part of Microsoft's C runtime that Windows console
 * programs take for granted, on glibc: the C headers <windows.h> pulls in,
 * MSVC's types and keywords (errno_t, __int64, _countof), its string,
 * number, time and file calls (_snprintf, strcpy_s, _itoa, localtime_s,
 * fopen_s, _stricmp, ...), and its printf formats.  <windows.h>,
 * <tchar.h>, <conio.h>, <io.h>, <direct.h> and <process.h> include it;
 * include it alone if none of those fits.
 *
 * The calls answer as Microsoft's runtime (the UCRT) does, results, errno
 * and all, with one difference: where MSVC calls the invalid-parameter
 * handler (a null pointer, a buffer too small for strcpy_s), which ends the
 * program by default, these return the error code and set errno as MSVC
 * does when a handler returns; nothing here ends the program.
 *
 * Formats.  The printf calls implemented here (the _s forms, _snprintf,
 * and the whole wide family: wprintf, swprintf, ...) read formats as MSVC
 * does, not as glibc does:
 *   - in a wide call, %s and %c take a wide string and character and %S
 *     and %C narrow ones; in a narrow call the reverse; %hs/%hc are always
 *     narrow, %ls/%lc/%ws/%wc always wide;
 *   - %ld, %lu, %lx read 32 bits (long is 32 bits on Windows), %I64d and
 *     %lld 64, %I32d 32, %Id/%Iu/%zu a pointer's width;
 *   - %p prints 16 upper-case hex digits, as MSVC does on x64;
 *   - %n is refused (MSVC disables it): the call fails with EINVAL.
 * Wide output goes to a stream as UTF-8 through its byte interface, so a
 * program may mix printf and wprintf on one stream, as on Windows (glibc's
 * own wprintf would make the stream wide and drop later printf output).
 * The C library's narrow printf itself is glibc's: %I64d there is not
 * MSVC's (see filemap-porting(7)).
 *
 * Wide strings are the program's wchar_t: 4 bytes, or 2 under
 * -fshort-wchar, bound to the *_w16 entry points as <windows.h> does.
 */
#ifndef FILEMAP_WIN32_CRT_H
#define FILEMAP_WIN32_CRT_H

/* What MSVC's <windows.h> and <tchar.h> bring along: real code calls
 * memcpy, exit, rand or time with only those included. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>
#ifdef __cplusplus
/* Their C++ forms #undef the standard names; they must come before the
 * redirections below (wprintf, clock, ...), not after. */
#include <cstdio>
#include <ctime>
#include <cwchar>
#endif

#if defined(FM_W32_BUILDING_LIBRARY)
#define FM_W32_CRT_API __attribute__((visibility("default")))
#else
#define FM_W32_CRT_API
#endif

/* The entry point for a program whose wchar_t is 2 bytes (-fshort-wchar):
 * name_w16; the plain name for 4 bytes (as FM_W32_WIDE in <windows.h>). */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
#define FM_W32_CRT_WIDE(name) __asm__(#name "_w16")
#else
#define FM_W32_CRT_WIDE(name)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Types, keywords and limits
 * ------------------------------------------------------------------------ */

typedef int errno_t;
typedef size_t rsize_t;
typedef int64_t __time64_t;
typedef int32_t __time32_t;

#ifndef __int64
#define __int64 long long
#endif
#ifndef __int32
#define __int32 int
#endif
#ifndef __int16
#define __int16 short
#endif
#ifndef __int8
#define __int8 char
#endif

/* The count of a string-copying _s call that truncates instead of failing,
 * and what such a call returns when it did. */
#define _TRUNCATE ((size_t)-1)
#define STRUNCATE 80
/* What _stricmp and friends return for a bad argument. */
#define _NLSCMPERROR 2147483647

#define _MAX_PATH  260
#define _MAX_DRIVE 3
#define _MAX_DIR   256
#define _MAX_FNAME 256
#define _MAX_EXT   256

#define _countof(array) (sizeof(array) / sizeof((array)[0]))

/* ------------------------------------------------------------------------
 * Strings: the secure copies (errno_t: 0, EINVAL, ERANGE, or STRUNCATE
 * with _TRUNCATE; the destination gets "" on failure), case-insensitive
 * compares (ASCII letters, as MSVC's "C" locale), duplicates
 * ------------------------------------------------------------------------ */

FM_W32_CRT_API errno_t strcpy_s(char *dest, rsize_t size, const char *src);
FM_W32_CRT_API errno_t strncpy_s(char *dest, rsize_t size, const char *src, rsize_t count);
FM_W32_CRT_API errno_t strcat_s(char *dest, rsize_t size, const char *src);
FM_W32_CRT_API errno_t strncat_s(char *dest, rsize_t size, const char *src, rsize_t count);
FM_W32_CRT_API errno_t wcscpy_s(wchar_t *dest, rsize_t size, const wchar_t *src)
	FM_W32_CRT_WIDE(wcscpy_s);
FM_W32_CRT_API errno_t wcsncpy_s(wchar_t *dest, rsize_t size, const wchar_t *src, rsize_t count)
	FM_W32_CRT_WIDE(wcsncpy_s);
FM_W32_CRT_API errno_t wcscat_s(wchar_t *dest, rsize_t size, const wchar_t *src)
	FM_W32_CRT_WIDE(wcscat_s);
FM_W32_CRT_API errno_t memcpy_s(void *dest, rsize_t size, const void *src, rsize_t count);
FM_W32_CRT_API errno_t memmove_s(void *dest, rsize_t size, const void *src, rsize_t count);

FM_W32_CRT_API int _stricmp(const char *a, const char *b);
FM_W32_CRT_API int _strnicmp(const char *a, const char *b, size_t count);
FM_W32_CRT_API int _wcsicmp(const wchar_t *a, const wchar_t *b) FM_W32_CRT_WIDE(_wcsicmp);
FM_W32_CRT_API int _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t count)
	FM_W32_CRT_WIDE(_wcsnicmp);
FM_W32_CRT_API char *_strdup(const char *s);
FM_W32_CRT_API wchar_t *_wcsdup(const wchar_t *s) FM_W32_CRT_WIDE(_wcsdup);
FM_W32_CRT_API char *_strlwr(char *s);
FM_W32_CRT_API char *_strupr(char *s);
FM_W32_CRT_API wchar_t *_wcslwr(wchar_t *s) FM_W32_CRT_WIDE(_wcslwr);
FM_W32_CRT_API wchar_t *_wcsupr(wchar_t *s) FM_W32_CRT_WIDE(_wcsupr);
#define stricmp   _stricmp
#define strnicmp  _strnicmp
#define strcmpi   _stricmp
#define _strcmpi  _stricmp
#define wcsicmp   _wcsicmp
#define wcsnicmp  _wcsnicmp
#define strlwr    _strlwr
#define strupr    _strupr

/* ------------------------------------------------------------------------
 * Numbers: radix 2..36; negative only in radix 10, else the two's
 * complement of the type (32 bits for int and long, as on Windows).
 * _wtoi and _wtol saturate at the 32-bit limits, as MSVC's do.
 * ------------------------------------------------------------------------ */

FM_W32_CRT_API char *_itoa(int value, char *buffer, int radix);
FM_W32_CRT_API char *_ltoa(long value, char *buffer, int radix);
FM_W32_CRT_API char *_ultoa(unsigned long value, char *buffer, int radix);
FM_W32_CRT_API char *_i64toa(long long value, char *buffer, int radix);
FM_W32_CRT_API char *_ui64toa(unsigned long long value, char *buffer, int radix);
FM_W32_CRT_API errno_t _itoa_s(int value, char *buffer, size_t size, int radix);
FM_W32_CRT_API errno_t _ltoa_s(long value, char *buffer, size_t size, int radix);
FM_W32_CRT_API errno_t _i64toa_s(long long value, char *buffer, size_t size, int radix);
FM_W32_CRT_API wchar_t *_itow(int value, wchar_t *buffer, int radix) FM_W32_CRT_WIDE(_itow);
FM_W32_CRT_API errno_t _itow_s(int value, wchar_t *buffer, size_t size, int radix)
	FM_W32_CRT_WIDE(_itow_s);
FM_W32_CRT_API int _wtoi(const wchar_t *s) FM_W32_CRT_WIDE(_wtoi);
FM_W32_CRT_API long _wtol(const wchar_t *s) FM_W32_CRT_WIDE(_wtol);
FM_W32_CRT_API long long _wtoi64(const wchar_t *s) FM_W32_CRT_WIDE(_wtoi64);
FM_W32_CRT_API long long _atoi64(const char *s);
FM_W32_CRT_API double _wtof(const wchar_t *s) FM_W32_CRT_WIDE(_wtof);
FM_W32_CRT_API wchar_t *_ltow(long value, wchar_t *buffer, int radix) FM_W32_CRT_WIDE(_ltow);
FM_W32_CRT_API wchar_t *_ultow(unsigned long value, wchar_t *buffer, int radix)
	FM_W32_CRT_WIDE(_ultow);
#define _strtoi64  strtoll
#define _strtoui64 strtoull
#define _wcstoi64  wcstoll
#define _wcstoui64 wcstoull
#define itoa  _itoa
#define ltoa  _ltoa
#define ultoa _ultoa

/* ------------------------------------------------------------------------
 * Time: MSVC's argument order (the result first), the reverse of C11
 * Annex K; EINVAL for a null pointer or a time before 1970 or after
 * 3000-12-31 23:59:59 UTC (*result then holds -1 in every field).
 * ------------------------------------------------------------------------ */

FM_W32_CRT_API errno_t localtime_s(struct tm *result, const time_t *timer);
FM_W32_CRT_API errno_t gmtime_s(struct tm *result, const time_t *timer);
FM_W32_CRT_API errno_t _localtime64_s(struct tm *result, const __time64_t *timer);
FM_W32_CRT_API errno_t _gmtime64_s(struct tm *result, const __time64_t *timer);
FM_W32_CRT_API __time64_t _time64(__time64_t *timer);
FM_W32_CRT_API errno_t ctime_s(char *buffer, size_t size, const time_t *timer);
FM_W32_CRT_API errno_t asctime_s(char *buffer, size_t size, const struct tm *tm);
/* clock() as MSVC's: the wall-clock time since the program started, in
 * CLOCKS_PER_SEC units, where glibc's counts CPU time (a loop that sleeps
 * while it waits for clock() to advance would wait almost for ever). */
FM_W32_CRT_API clock_t fm_w32_clock(void);

/* ------------------------------------------------------------------------
 * Files.  Wide names are converted to UTF-8, the layer's narrow encoding.
 * fopen_s and _wfopen_s return the errno of the failure and set *file to
 * NULL.
 * ------------------------------------------------------------------------ */

FM_W32_CRT_API errno_t fopen_s(FILE **file, const char *name, const char *mode);
FM_W32_CRT_API FILE *_wfopen(const wchar_t *name, const wchar_t *mode) FM_W32_CRT_WIDE(_wfopen);
FM_W32_CRT_API errno_t _wfopen_s(FILE **file, const wchar_t *name, const wchar_t *mode)
	FM_W32_CRT_WIDE(_wfopen_s);
FM_W32_CRT_API void _wperror(const wchar_t *message) FM_W32_CRT_WIDE(_wperror);
FM_W32_CRT_API int _wremove(const wchar_t *name) FM_W32_CRT_WIDE(_wremove);
FM_W32_CRT_API errno_t _dupenv_s(char **value, size_t *length, const char *name);
/* The value of an environment variable as a wide string that lives as long
 * as the program; NULL when unset. */
FM_W32_CRT_API wchar_t *_wgetenv(const wchar_t *name) FM_W32_CRT_WIDE(_wgetenv);
FM_W32_CRT_API int _wsystem(const wchar_t *command) FM_W32_CRT_WIDE(_wsystem);
FM_W32_CRT_API wchar_t *_wgetcwd(wchar_t *buffer, int maxlen) FM_W32_CRT_WIDE(_wgetcwd);
extern char **environ;
#define _environ environ
#define _fileno fileno
#define _unlink unlink
#define _fdopen fdopen
#define _popen  popen
#define _pclose pclose

/* ------------------------------------------------------------------------
 * printf, as MSVC reads formats (see the top of this file).  Results: the
 * characters written (wide calls count wchar_t units), or -1.  _snprintf
 * and _snwprintf write no terminator when the output fills count, and
 * return -1 when it does not fit; the _s forms fail (EINVAL or ERANGE,
 * "" in the buffer) unless given _TRUNCATE, which truncates, terminates
 * and returns -1.
 * ------------------------------------------------------------------------ */

FM_W32_CRT_API int _snprintf(char *buffer, size_t count, const char *format, ...)
	FM_W32_CRT_WIDE(_snprintf);
FM_W32_CRT_API int _vsnprintf(char *buffer, size_t count, const char *format, va_list args)
	FM_W32_CRT_WIDE(_vsnprintf);
FM_W32_CRT_API int sprintf_s(char *buffer, size_t size, const char *format, ...)
	FM_W32_CRT_WIDE(sprintf_s);
FM_W32_CRT_API int vsprintf_s(char *buffer, size_t size, const char *format, va_list args)
	FM_W32_CRT_WIDE(vsprintf_s);
FM_W32_CRT_API int _snprintf_s(char *buffer, size_t size, size_t count, const char *format, ...)
	FM_W32_CRT_WIDE(_snprintf_s);
FM_W32_CRT_API int _vsnprintf_s(char *buffer, size_t size, size_t count, const char *format,
				va_list args) FM_W32_CRT_WIDE(_vsnprintf_s);
FM_W32_CRT_API int printf_s(const char *format, ...) FM_W32_CRT_WIDE(printf_s);
FM_W32_CRT_API int vprintf_s(const char *format, va_list args) FM_W32_CRT_WIDE(vprintf_s);
FM_W32_CRT_API int fprintf_s(FILE *stream, const char *format, ...) FM_W32_CRT_WIDE(fprintf_s);
FM_W32_CRT_API int vfprintf_s(FILE *stream, const char *format, va_list args)
	FM_W32_CRT_WIDE(vfprintf_s);
FM_W32_CRT_API int _scprintf(const char *format, ...) FM_W32_CRT_WIDE(_scprintf);
FM_W32_CRT_API int _vscprintf(const char *format, va_list args) FM_W32_CRT_WIDE(_vscprintf);

FM_W32_CRT_API int _snwprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...)
	FM_W32_CRT_WIDE(_snwprintf);
FM_W32_CRT_API int _vsnwprintf(wchar_t *buffer, size_t count, const wchar_t *format,
			       va_list args) FM_W32_CRT_WIDE(_vsnwprintf);
FM_W32_CRT_API int swprintf_s(wchar_t *buffer, size_t size, const wchar_t *format, ...)
	FM_W32_CRT_WIDE(swprintf_s);
FM_W32_CRT_API int vswprintf_s(wchar_t *buffer, size_t size, const wchar_t *format,
			       va_list args) FM_W32_CRT_WIDE(vswprintf_s);
FM_W32_CRT_API int _snwprintf_s(wchar_t *buffer, size_t size, size_t count,
				const wchar_t *format, ...) FM_W32_CRT_WIDE(_snwprintf_s);
FM_W32_CRT_API int _vsnwprintf_s(wchar_t *buffer, size_t size, size_t count,
				 const wchar_t *format, va_list args)
	FM_W32_CRT_WIDE(_vsnwprintf_s);
FM_W32_CRT_API int wprintf_s(const wchar_t *format, ...) FM_W32_CRT_WIDE(wprintf_s);
FM_W32_CRT_API int vwprintf_s(const wchar_t *format, va_list args) FM_W32_CRT_WIDE(vwprintf_s);
FM_W32_CRT_API int fwprintf_s(FILE *stream, const wchar_t *format, ...)
	FM_W32_CRT_WIDE(fwprintf_s);
FM_W32_CRT_API int _scwprintf(const wchar_t *format, ...) FM_W32_CRT_WIDE(_scwprintf);
/* swprintf without a count, as MSVC's legacy _swprintf (_stprintf under
 * _UNICODE): the buffer must be large enough. */
FM_W32_CRT_API int _swprintf(wchar_t *buffer, const wchar_t *format, ...)
	FM_W32_CRT_WIDE(_swprintf);
FM_W32_CRT_API int _vswprintf(wchar_t *buffer, const wchar_t *format, va_list args)
	FM_W32_CRT_WIDE(_vswprintf);

/* The wide calls of the C library under their standard names: MSVC's
 * formats, and output a stream's narrow side takes (see the top). */
FM_W32_CRT_API int fm_w32_wprintf(const wchar_t *format, ...) FM_W32_CRT_WIDE(fm_w32_wprintf);
FM_W32_CRT_API int fm_w32_fwprintf(FILE *stream, const wchar_t *format, ...)
	FM_W32_CRT_WIDE(fm_w32_fwprintf);
FM_W32_CRT_API int fm_w32_swprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...)
	FM_W32_CRT_WIDE(fm_w32_swprintf);
FM_W32_CRT_API int fm_w32_vwprintf(const wchar_t *format, va_list args)
	FM_W32_CRT_WIDE(fm_w32_vwprintf);
FM_W32_CRT_API int fm_w32_vfwprintf(FILE *stream, const wchar_t *format, va_list args)
	FM_W32_CRT_WIDE(fm_w32_vfwprintf);
FM_W32_CRT_API int fm_w32_vswprintf(wchar_t *buffer, size_t count, const wchar_t *format,
				    va_list args) FM_W32_CRT_WIDE(fm_w32_vswprintf);
FM_W32_CRT_API int fm_w32_fputws(const wchar_t *s, FILE *stream) FM_W32_CRT_WIDE(fm_w32_fputws);
FM_W32_CRT_API wint_t fm_w32_fputwc(wchar_t c, FILE *stream) FM_W32_CRT_WIDE(fm_w32_fputwc);
FM_W32_CRT_API int _putws(const wchar_t *s) FM_W32_CRT_WIDE(_putws);

#ifndef FM_W32_BUILDING_LIBRARY
#undef wprintf
#undef fwprintf
#undef swprintf
#undef vwprintf
#undef vfwprintf
#undef vswprintf
#undef fputws
#undef fputwc
#undef putwc
#undef putwchar
#undef clock
#define clock     fm_w32_clock
#define wprintf   fm_w32_wprintf
#define fwprintf  fm_w32_fwprintf
#define swprintf  fm_w32_swprintf
#define vwprintf  fm_w32_vwprintf
#define vfwprintf fm_w32_vfwprintf
#define vswprintf fm_w32_vswprintf
#define fputws    fm_w32_fputws
#define fputwc    fm_w32_fputwc
#define putwc     fm_w32_fputwc
#define putwchar(c) fm_w32_fputwc((c), stdout)
#endif

/* ------------------------------------------------------------------------
 * wmain: a program whose entry point is wmain (or _tmain under _UNICODE)
 * gets a main() that converts its arguments and environment to wchar_t
 * (from the locale's encoding; UTF-8 when the locale is "C" or POSIX,
 * whose ASCII could not carry them; bytes with no meaning become U+FFFD)
 * and calls it; _wenviron is the converted environment.  The macro below
 * makes that main() where wmain is defined: it renames the program's
 * wmain to fm_w32_wmain, so the name wmain must be used only there.  It
 * works whatever wmain's parameters ((void), (argc, argv) or (argc, argv,
 * envp)).
 * ------------------------------------------------------------------------ */

FM_W32_CRT_API int fm_w32_run_wmain(int argc, char **argv, char **envp,
				    int (*entry)(int, wchar_t **, wchar_t **))
	FM_W32_CRT_WIDE(fm_w32_run_wmain);
FM_W32_CRT_API extern wchar_t **_wenviron FM_W32_CRT_WIDE(_wenviron);

#ifndef FM_W32_BUILDING_LIBRARY
/* main calls the program's wmain through an alias of it with all three
 * parameters, which a shorter list ignores (the call is the C ABI's, whose
 * caller cleans up); GCC's check that an alias has its target's type is
 * silenced there, as the type differs on purpose. */
#if defined(__clang__)
#define FM_W32_ANY_TYPE_ALIAS(declaration) declaration
#else
#define FM_W32_ANY_TYPE_ALIAS(declaration)                                  \
	_Pragma("GCC diagnostic push")                                      \
	_Pragma("GCC diagnostic ignored \"-Wattribute-alias\"")           \
	declaration                                                         \
	_Pragma("GCC diagnostic pop")
#endif
#ifdef __cplusplus
#define FM_W32_WMAIN_DEFINITION extern "C" int fm_w32_wmain
#else
/* static: it needs no prototype, and nothing outside calls it. */
#define FM_W32_WMAIN_DEFINITION static int fm_w32_wmain
#endif
#define wmain                                                                        \
	fm_w32_wmain_return_type(void);                                              \
	FM_W32_ANY_TYPE_ALIAS(static int fm_w32_wmain_entry(int, wchar_t **, wchar_t **) \
				      __attribute__((alias("fm_w32_wmain")));)       \
	int main(int fm_w32_argc, char **fm_w32_argv, char **fm_w32_envp)            \
	{                                                                            \
		return fm_w32_run_wmain(fm_w32_argc, fm_w32_argv, fm_w32_envp,       \
					fm_w32_wmain_entry);                         \
	}                                                                            \
	FM_W32_WMAIN_DEFINITION
#endif

#ifdef __cplusplus
} /* extern "C" */

#ifndef FM_W32_BUILDING_LIBRARY
/* std::wprintf and friends name the same calls as ::wprintf. */
namespace std {
using ::fm_w32_clock;
using ::fm_w32_wprintf;
using ::fm_w32_fwprintf;
using ::fm_w32_swprintf;
using ::fm_w32_vwprintf;
using ::fm_w32_vfwprintf;
using ::fm_w32_vswprintf;
using ::fm_w32_fputws;
using ::fm_w32_fputwc;
}
#endif

/* MSVC's C++ forms that take an array and know its size. */
template <size_t N> inline errno_t strcpy_s(char (&dest)[N], const char *src)
{
	return strcpy_s(dest, N, src);
}
template <size_t N> inline errno_t strncpy_s(char (&dest)[N], const char *src, size_t count)
{
	return strncpy_s(dest, N, src, count);
}
template <size_t N> inline errno_t strcat_s(char (&dest)[N], const char *src)
{
	return strcat_s(dest, N, src);
}
template <size_t N> inline errno_t wcscpy_s(wchar_t (&dest)[N], const wchar_t *src)
{
	return wcscpy_s(dest, N, src);
}
template <size_t N>
inline errno_t wcsncpy_s(wchar_t (&dest)[N], const wchar_t *src, size_t count)
{
	return wcsncpy_s(dest, N, src, count);
}
template <size_t N> inline errno_t wcscat_s(wchar_t (&dest)[N], const wchar_t *src)
{
	return wcscat_s(dest, N, src);
}
template <size_t N> inline errno_t _itoa_s(int value, char (&dest)[N], int radix)
{
	return _itoa_s(value, dest, N, radix);
}
template <size_t N> inline errno_t _itow_s(int value, wchar_t (&dest)[N], int radix)
{
	return _itow_s(value, dest, N, radix);
}
/* The printf forms: the body forwards its arguments to a va_list call. */
#define FM_W32_FORWARD_ARRAY(last, call)  \
	va_list args;                     \
	int r;                            \
	va_start(args, last);             \
	r = call;                         \
	va_end(args);                     \
	return r
template <size_t N> inline int sprintf_s(char (&dest)[N], const char *format, ...)
{
	FM_W32_FORWARD_ARRAY(format, vsprintf_s(dest, N, format, args));
}
template <size_t N>
inline int _snprintf_s(char (&dest)[N], size_t count, const char *format, ...)
{
	FM_W32_FORWARD_ARRAY(format, _vsnprintf_s(dest, N, count, format, args));
}
template <size_t N> inline int swprintf_s(wchar_t (&dest)[N], const wchar_t *format, ...)
{
	FM_W32_FORWARD_ARRAY(format, vswprintf_s(dest, N, format, args));
}
template <size_t N>
inline int _snwprintf_s(wchar_t (&dest)[N], size_t count, const wchar_t *format, ...)
{
	FM_W32_FORWARD_ARRAY(format, _vsnwprintf_s(dest, N, count, format, args));
}
#endif /* __cplusplus */

#endif /* FILEMAP_WIN32_CRT_H */
