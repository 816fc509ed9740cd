/* SPDX-License-Identifier: MIT */
/*
 * w32-crt.c - Microsoft's C runtime as Windows programs use it: the secure
 * string copies (errno_t results, "" on failure, _TRUNCATE), _snprintf
 * and the _s printf forms, MSVC's printf formats in narrow and wide calls
 * (%s/%S/%hs/%ls, %ld on 32 bits, %I64d, %p), the number conversions,
 * case-insensitive compares, localtime_s/gmtime_s in MSVC's argument
 * order, the file and directory calls, _setmode, and the Interlocked calls
 * and barriers.  One line per check (see check.h).
 *
 * Built natively, with mingw-w64 against msvcrt.dll (not mingw's own
 * printf: -D__USE_MINGW_ANSI_STDIO is not given), and natively again with
 * -fshort-wchar.  Where msvcrt.dll, which Wine implements, answers unlike
 * the UCRT of current Windows, the check gives the UCRT's answer.
 */
#include "check.h"

/* mingw-w64's <io.h> (which its <fcntl.h> and <direct.h> include too)
 * declares the old POSIX tell(), which check.h's tell() would clash with. */
#define tell io_tell
#ifdef _WIN32
#include <fcntl.h>
#endif
#include <direct.h>
#include <io.h>
#undef tell
#include <errno.h>
#include <limits.h>
#include <process.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define FILE_NAME "w32crt-file.txt"
#define DIR_NAME  "w32crt-dir"

/* "r errno text": a call's errno_t, errno and the buffer after it. */
static void say_copy(const char *name, int r, const char *text)
{
	say(name, "%d %s", r, text);
}

/* The same for a wide buffer, shown once the call is done. */
static void say_wide_copy(const char *name, int r, const wchar_t *w)
{
	say(name, "%d %s", r, wide_ascii(w));
}

static void secure_copies(void)
{
	char b[8], full[4] = { 'x', 'x', 'x', 'x' };
	wchar_t w[8];

	say_copy("strcpy_s.fits", strcpy_s(b, sizeof(b), "abc"), b);
	say_copy("strcpy_s.too_small", strcpy_s(b, 4, "abcd"), b);
	strcpy_s(b, sizeof(b), "keep");
	say_copy("strcpy_s.null_source", strcpy_s(b, sizeof(b), NULL), b);
	strcpy_s(b, sizeof(b), "keep");
	say_copy("strcpy_s.zero_size", strcpy_s(b, 0, "abc"), b);
	say("strcpy_s.null_dest", "%d", strcpy_s(NULL, 8, "abc"));
	say_copy("strncpy_s.count", strncpy_s(b, sizeof(b), "abcdef", 3), b);
	say_copy("strncpy_s.truncate", strncpy_s(b, 4, "abcdef", _TRUNCATE), b);
	say_copy("strncpy_s.truncate_fits", strncpy_s(b, 4, "abc", _TRUNCATE), b);
	say_copy("strncpy_s.too_small", strncpy_s(b, 4, "abcdef", 5), b);
	say_copy("strncpy_s.null_source_none", strncpy_s(b, sizeof(b), NULL, 0), b);
	say("strncpy_s.nothing_at_all", "%d", strncpy_s(NULL, 0, NULL, 0));
	strcpy_s(b, sizeof(b), "ab");
	say_copy("strcat_s.fits", strcat_s(b, sizeof(b), "cd"), b);
	say_copy("strcat_s.too_small", strcat_s(b, sizeof(b), "efgh"), b);
	/* The UCRT: EINVAL (the destination is no string); msvcrt.dll: ERANGE. */
	say_windows("strcat_s.unterminated", "22 []", "%d [%s]", strcat_s(full, sizeof(full), "a"),
		    full);
	strcpy_s(b, sizeof(b), "ab");
	say_copy("strncat_s.truncate", strncat_s(b, 6, "cdefgh", _TRUNCATE), b);
	strcpy_s(b, sizeof(b), "ab");
	say_copy("strncat_s.count", strncat_s(b, sizeof(b), "cdefgh", 2), b);
	say_wide_copy("wcscpy_s.fits", wcscpy_s(w, 8, L"wide"), w);
	say_wide_copy("wcscpy_s.too_small", wcscpy_s(w, 4, L"wide"), w);
	say_wide_copy("wcsncpy_s.truncate", wcsncpy_s(w, 4, L"wider", _TRUNCATE), w);
	wcscpy_s(w, 8, L"ab");
	say_wide_copy("wcscat_s.fits", wcscat_s(w, 8, L"cd"), w);
	say_wide_copy("wcscat_s.too_small", wcscat_s(w, 8, L"efgh"), w);
}

static void memory_copies(void)
{
	char b[4] = { 'x', 'x', 'x', 'x' };

	say("memcpy_s.fits", "%d %c", memcpy_s(b, sizeof(b), "ab", 2), b[1]);
	say("memcpy_s.too_big", "%d %d%d%d%d", memcpy_s(b, sizeof(b), "abcdefgh", 8), b[0], b[1],
	    b[2], b[3]);
	memcpy(b, "xxxx", 4);
	say("memcpy_s.null_source", "%d %d", memcpy_s(b, sizeof(b), NULL, 2), b[0]);
	memcpy(b, "xxxx", 4);
	say("memmove_s.too_big", "%d %c", memmove_s(b, sizeof(b), "abcdefgh", 8), b[0]);
	say("memmove_s.overlap", "%d %c%c", memmove_s(b + 1, 3, b, 2), b[1], b[2]);
}

static void narrow_printf(void)
{
	char b[64], four[4];
	int r;

	r = _snprintf(b, sizeof(b), "%s", "abc");
	say("_snprintf.fits", "%d %s", r, b);
	memset(four, '#', sizeof(four));
	r = _snprintf(four, sizeof(four), "%s", "abcd");
	say("_snprintf.exact", "%d %.4s", r, four);
	r = _snprintf(four, sizeof(four), "%s", "abcdef");
	say("_snprintf.over", "%d %.4s", r, four);
	r = sprintf_s(b, sizeof(b), "%d-%s", 42, "x");
	say("sprintf_s.fits", "%d %s", r, b);
	errno = 0;
	r = sprintf_s(b, 4, "%s", "abcdef");
	/* The UCRT empties the buffer and says ERANGE; msvcrt.dll does not. */
	say_windows("sprintf_s.over", "-1 [] 34", "%d [%s] %d", r, b, errno);
	r = _snprintf_s(b, 4, _TRUNCATE, "%s", "abcdef");
	say("_snprintf_s.truncate", "%d %s", r, b);
	r = _snprintf_s(b, sizeof(b), 3, "%s", "abcdef");
	say("_snprintf_s.count_below", "%d %s", r, b);
	r = _snprintf_s(b, sizeof(b), 5, "%s", "abc");
	say("_snprintf_s.count_fits", "%d %s", r, b);
	say("_scprintf", "%d", _scprintf("%d-%s", 42, "xy"));
}

/* Each format through sprintf_s, as MSVC reads it. */
static void narrow_formats(void)
{
	char b[128];
	DWORD big = 4294967295u;

	sprintf_s(b, sizeof(b), "%lu %ld %lx", big, (LONG)-5, big);
	say("format.long_is_32_bits", "%s", b);
	sprintf_s(b, sizeof(b), "%I64d %I64u %I64x %lld", -1234567890123ll,
		  18446744073709551615ull, 0xfedcba9876543210ull, 1ll << 40);
	say("format.I64", "%s", b);
	sprintf_s(b, sizeof(b), "%Iu %Id %I32d", (size_t)123456789012ull, (ptrdiff_t)-7, 99);
	say("format.I", "%s", b);
	sprintf_s(b, sizeof(b), "%hd %hu %hhu", 70000, 70000, 300);
	/* msvcrt.dll predates hh; the UCRT has it. */
	say_windows("format.short", "4464 4464 44", "%s", b);
	sprintf_s(b, sizeof(b), "[%5.2s][%-5s][%05d][%+d][% d][%#x][%o]", "abcdef", "ab", 42, 7, 7,
		  255, 8);
	say("format.flags", "%s", b);
	sprintf_s(b, sizeof(b), "[%*d][%-*d][%.*s]", 5, 1, 4, 2, 2, "xyz");
	say("format.star", "%s", b);
	sprintf_s(b, sizeof(b), "%S|%ls|%hs|%s|%C|%c|%%", L"wide", L"ls", "hs", "s", L'W', 'c');
	say("format.strings", "%s", b);
	sprintf_s(b, sizeof(b), "%.3f %g %X", 3.14159, 0.5, 0xabcu);
	say("format.numbers", "%s", b);
	sprintf_s(b, sizeof(b), "%p", (void *)(uintptr_t)0x1234);
	say("format.pointer", "%s", b);
	sprintf_s(b, sizeof(b), "[%s]", (const char *)NULL);
	say("format.null_string", "%s", b);
}

static void wide_printf(void)
{
	wchar_t w[64], four[4];
	int r;

	r = swprintf_s(w, 64, L"%s|%S|%c|%C|%hs|%ls|%5s|%-3s|", L"wide", "narrow", L'w', 'n', "hs",
		       L"ls", L"ab", L"c");
	say("swprintf_s.strings", "%d %s", r, wide_ascii(w));
	r = swprintf_s(w, 64, L"%d %lu %I64d %x %.2f", -3, (DWORD)4000000000u, 1ll << 40, 255,
		       2.5);
	say("swprintf_s.numbers", "%d %s", r, wide_ascii(w));
	errno = 0;
	r = swprintf_s(w, 4, L"%s", L"abcdef");
	say("swprintf_s.over", "%d [%s] %d", r, wide_ascii(w), errno);
	r = _snwprintf(four, 4, L"%s", L"abcdef");
	say("_snwprintf.over", "%d %c%c%c%c", r, (char)four[0], (char)four[1], (char)four[2],
	    (char)four[3]);
	r = _snwprintf(w, 64, L"%s", L"fits");
	say("_snwprintf.fits", "%d %s", r, wide_ascii(w));
	r = _snwprintf_s(w, 4, _TRUNCATE, L"%s", L"abcdef");
	say("_snwprintf_s.truncate", "%d %s", r, wide_ascii(w));
	say("_scwprintf", "%d", _scwprintf(L"%s=%d", L"ab", 12));
	r = swprintf(w, 64, L"%s and %S", L"wide", "narrow");
	say("swprintf.fits", "%d %s", r, wide_ascii(w));
}

/* Wide output on the same stream as narrow output: each line is a check. */
static void wide_streams(void)
{
	fflush(stdout);
	wprintf(L"wprintf.line: %s %S %d\n", L"wide", "narrow", 5);
	fwprintf(stdout, L"fwprintf.line: %s\n", L"wide");
	fputws(L"fputws.line: wide\n", stdout);
	wprintf_s(L"wprintf_s.line: %s\n", L"wide");
	fflush(stdout);
	printf("printf.after_wide: still narrow\n");
	fflush(stdout);
}

static void numbers(void)
{
	char b[80];
	wchar_t w[40];

	say("_itoa.negative", "%s", _itoa(-5, b, 10));
	say("_itoa.hex_negative", "%s", _itoa(-5, b, 16));
	say("_itoa.binary", "%s", _itoa(255, b, 2));
	say("_itoa.base36", "%s", _itoa(35, b, 36));
	say("_ltoa.hex_negative", "%s", _ltoa(-1, b, 16));
	say("_ultoa.max", "%s", _ultoa(0xFFFFFFFFul, b, 10));
	say("_i64toa.hex_negative", "%s", _i64toa(-1, b, 16));
	say("_i64toa.min", "%s", _i64toa(LLONG_MIN, b, 10));
	say("_ui64toa.max", "%s", _ui64toa(ULLONG_MAX, b, 10));
	say_copy("_itoa_s.fits", _itoa_s(-123, b, 5, 10), b);
	say_copy("_itoa_s.too_small", _itoa_s(-123, b, 4, 10), b);
	say("_itoa_s.bad_radix", "%d", _itoa_s(1, b, sizeof(b), 37));
	say_wide_copy("_itow_s.fits", _itow_s(255, w, 40, 16), w);
	say_wide_copy("_itow_s.too_small", _itow_s(255, w, 2, 10), w);
	say("_itow.negative", "%s", wide_ascii(_itow(-42, w, 10)));
	say("_wtoi.plain", "%d", _wtoi(L"  -42xyz"));
	say("_wtol.plain", "%ld", (long)_wtol(L"+17"));
	say("_wtoi64.big", "%lld", _wtoi64(L"-9000000000"));
	say("_atoi64.big", "%lld", _atoi64("9000000000"));
	say("_wtof.plain", "%.2f", _wtof(L"2.5e1"));
}

static void case_and_copies(void)
{
	char mixed[] = "MiXeD 1", *dup;
	wchar_t *wdup;

	say("_stricmp.equal", "%d", _stricmp("Hello", "hELLO"));
	say("_stricmp.less", "%d", _stricmp("apple", "BANANA") < 0);
	say("_stricmp.bracket", "%d", _stricmp("[", "a") < 0); /* folds to lower case */
	say("_strnicmp.prefix", "%d", _strnicmp("abcX", "ABCY", 3));
	say("_wcsicmp.equal", "%d", _wcsicmp(L"Wide", L"wIDE"));
	say("_wcsnicmp.prefix", "%d", _wcsnicmp(L"abX", L"ABY", 2));
	say("_strlwr", "%s", _strlwr(mixed));
	say("_strupr", "%s", _strupr(mixed));
	dup = _strdup("copy");
	say("_strdup", "%s", dup);
	free(dup);
	wdup = _wcsdup(L"wcopy");
	say("_wcsdup", "%s", wide_ascii(wdup));
	free(wdup);
}

static void say_tm(const char *name, int r, const struct tm *tm)
{
	say(name, "%d %d-%d-%d %d:%d:%d wday %d yday %d", r, tm->tm_year, tm->tm_mon, tm->tm_mday,
	    tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_wday, tm->tm_yday);
}

static void times(void)
{
	time_t t = 1000000000, negative = -100000;
	__time64_t max = 32535215999ll, past_max = 32535215999ll + 14 * 3600 + 1, now = 0;
	struct tm tm;
	char b[64];
	clock_t start;
	int r;

	/* MSVC's order: the result first. */
	say_tm("gmtime_s.billion", gmtime_s(&tm, &t), &tm);
	say_tm("gmtime_s.null_time", gmtime_s(&tm, NULL), &tm);
	say("gmtime_s.null_result", "%d", gmtime_s(NULL, &t));
	say_tm("gmtime_s.negative", gmtime_s(&tm, &negative), &tm);
	say_tm("_gmtime64_s.max", _gmtime64_s(&tm, &max), &tm);
	say_tm("_gmtime64_s.zone_past_max", _gmtime64_s(&tm, &past_max), &tm);
	say("localtime_s.billion", "%d", localtime_s(&tm, &t));
	say_tm("localtime_s.negative", localtime_s(&tm, &negative), &tm);
	say_tm("localtime_s.null_time", localtime_s(&tm, NULL), &tm);
	say("_localtime64_s.now", "%d", _localtime64_s(&tm, &now));
	say("_time64.recent", "%d", _time64(&now) > 1000000000 && now > 1000000000);
	gmtime_s(&tm, &t);
	r = asctime_s(b, sizeof(b), &tm);
	/* The UCRT pads the day with a space, as C does; msvcrt.dll with 0. */
	say_windows("asctime_s.fits", "0 Sun Sep  9 01:46:40 2001", "%d %.24s", r, b);
	say("asctime_s.too_small", "%d", asctime_s(b, 25, &tm));
	say("ctime_s.fits", "%d %d", ctime_s(b, sizeof(b), &t), (int)strlen(b));
	/* MSVC's clock() counts wall time (glibc's, CPU time: about 0 here). */
	start = clock();
	Sleep(100);
	say_bool("clock.counts_wall_time", clock() - start >= CLOCKS_PER_SEC / 20);
	r = ctime_s(b, 20, &t);
	/* The UCRT empties the buffer first; msvcrt.dll writes the time. */
	say_windows("ctime_s.too_small", "22 0", "%d %d", r, (int)strlen(b));
}

static void files(void)
{
	FILE *f = NULL;
	char line[32], cwd_small[1], *cwd;
	int r;

	say("fopen_s.missing", "%d %d", fopen_s(&f, "w32crt-no-such-file", "r"), f == NULL);
	say("fopen_s.create", "%d", fopen_s(&f, FILE_NAME, "w"));
	if (f) {
		fputs("written\n", f);
		fclose(f);
	}
	f = _wfopen(L"" FILE_NAME, L"r");
	say("_wfopen.read", "%s", f && fgets(line, sizeof(line), f) ? line : "(nothing)\n");
	if (f)
		fclose(f);
	say("_wfopen_s.missing", "%d", _wfopen_s(&f, L"w32crt-no-such-file", L"r"));
	say("_access.exists", "%d", _access(FILE_NAME, 0));
	say("_access.read_write", "%d", _access(FILE_NAME, 6));
	errno = 0;
	say("_access.missing", "%d %d", _access("w32crt-no-such-file", 0), errno);
	errno = 0;
	r = _access(FILE_NAME, 1);
	/* The UCRT refuses modes other than 0, 2, 4, 6; msvcrt.dll takes 1. */
	say_windows("_access.bad_mode", "-1 22", "%d %d", r, errno);
	remove(FILE_NAME);
	say("_mkdir.new", "%d", _mkdir(DIR_NAME));
	errno = 0;
	say("_mkdir.again", "%d %d", _mkdir(DIR_NAME), errno);
	say("_rmdir", "%d", _rmdir(DIR_NAME));
	cwd = _getcwd(NULL, 0);
	say("_getcwd.allocated", "%d", cwd != NULL && strlen(cwd) > 0);
	free(cwd);
	errno = 0;
	say("_getcwd.too_small", "%d %d", _getcwd(cwd_small, 1) == NULL, errno);
}

static int count_formatted(const char *format, ...)
{
	va_list args;
	int r;

	va_start(args, format);
	r = _vscprintf(format, args);
	va_end(args);
	return r;
}

/* The rest of the calls, one check each. */
static void the_rest(void)
{
	char b[32];
	wchar_t w[32], upper[] = L"MiXeD", lower[] = L"MiXeD";
	FILE *f = tmpfile();

	say_copy("_ltoa_s.fits", _ltoa_s(-7, b, sizeof(b), 16), b);
	say_copy("_i64toa_s.too_small", _i64toa_s(-1234567890123ll, b, 8, 10), b);
	say("_ltow.hex_negative", "%s", wide_ascii(_ltow(-1, w, 16)));
	say("_ultow.octal", "%s", wide_ascii(_ultow(8, w, 8)));
	say("_wcslwr", "%s", wide_ascii(_wcslwr(lower)));
	say("_wcsupr", "%s", wide_ascii(_wcsupr(upper)));
	say("_vscprintf", "%d", count_formatted("%s-%d", "abc", 12345));
	say("_swprintf", "%d %s", _swprintf(w, L"%s%d", L"no count ", 7), wide_ascii(w));
	say("fprintf_s", "%d", f ? fprintf_s(f, "%I64d|%s", 1ll << 33, "x") : -1);
	if (f)
		fclose(f);
	say("_wmkdir.new", "%d", _wmkdir(L"" DIR_NAME));
	say("_waccess.dir", "%d", _waccess(L"" DIR_NAME, 0));
	say("_rmdir.wide_made", "%d", _rmdir(DIR_NAME));
	f = _wfopen(L"" FILE_NAME, L"w");
	if (f)
		fclose(f);
	say("_wremove", "%d %d", _wremove(L"" FILE_NAME), _access(FILE_NAME, 0));
	say_bool("_getpid", _getpid() == (int)GetCurrentProcessId());
	say("_isatty.pipe", "%d", _isatty(_fileno(stdout)));
	fflush(stdout);
	_putws(L"_putws.line: wide");
	fflush(stdout);
}

static void modes(void)
{
	fflush(stdout);
	say("_setmode.first", "%#x", _setmode(_fileno(stdout), _O_BINARY));
	say("_setmode.back", "%#x", _setmode(_fileno(stdout), _O_TEXT));
	errno = 0;
	say("_setmode.bad_mode", "%d %d", _setmode(_fileno(stdout), 0x1234), errno);
}

static void interlocked(void)
{
	volatile LONG v = 5;
	volatile LONG64 v64 = 1ll << 40;
	void *volatile p = NULL;
	int x = 1;

	say("InterlockedIncrement", "%ld %ld", (long)InterlockedIncrement(&v), (long)v);
	say("InterlockedDecrement", "%ld", (long)InterlockedDecrement(&v));
	say("InterlockedExchange", "%ld %ld", (long)InterlockedExchange(&v, 9), (long)v);
	say("InterlockedExchangeAdd", "%ld %ld", (long)InterlockedExchangeAdd(&v, 3), (long)v);
	say("InterlockedCompareExchange.match", "%ld %ld",
	    (long)InterlockedCompareExchange(&v, 1, 12), (long)v);
	say("InterlockedCompareExchange.miss", "%ld %ld",
	    (long)InterlockedCompareExchange(&v, 2, 12), (long)v);
	say("InterlockedIncrement64", "%lld", (long long)InterlockedIncrement64(&v64));
	say("InterlockedCompareExchange64", "%lld",
	    (long long)InterlockedCompareExchange64(&v64, 7, (1ll << 40) + 1));
	say("InterlockedExchangePointer", "%d",
	    InterlockedExchangePointer(&p, &x) == NULL && p == &x);
	MemoryBarrier();
	YieldProcessor();
	_ReadWriteBarrier();
	_WriteBarrier();
	say("barriers", "%d", x);
}

int main(void)
{
	secure_copies();
	memory_copies();
	narrow_printf();
	narrow_formats();
	wide_printf();
	wide_streams();
	numbers();
	case_and_copies();
	times();
	files();
	modes();
	the_rest();
	interlocked();
	say("_countof", "%d", (int)_countof("four"));
	return 0;
}
