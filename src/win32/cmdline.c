/* SPDX-License-Identifier: MIT */
/*
 * cmdline.c - the program's arguments as Windows gives them: wmain's wide
 * argv and _wenviron, GetCommandLineA/W, CommandLineToArgvW, and
 * GetModuleFileNameA/W.
 *
 * Linux hands a program its arguments already split, as bytes.  wmain
 * gets them decoded as the locale says (UTF-8 when the locale is "C" or
 * POSIX, whose ASCII could not carry them).  GetCommandLine joins them
 * back into one line with Windows' quoting, so that CommandLineToArgvW,
 * which splits a line by Windows' rules, gives the same arguments back.
 */
#define _GNU_SOURCE
#include "crt.h"

#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <shellapi.h>

/* ---- decoding from the locale ---- */

static locale_t decoding_locale;
static pthread_once_t decoding_once = PTHREAD_ONCE_INIT;

/* The environment's locale, when it is neither UTF-8 nor ASCII (those two
 * are decoded as UTF-8 here); else none. */
static void find_decoding_locale(void)
{
	locale_t l = newlocale(LC_CTYPE_MASK, "", (locale_t)0);
	const char *codeset = l ? nl_langinfo_l(CODESET, l) : NULL;

	if (l && codeset && strcmp(codeset, "UTF-8") != 0 &&
	    strcmp(codeset, "ANSI_X3.4-1968") != 0) {
		decoding_locale = l;
		return;
	}
	if (l)
		freelocale(l);
}

/* Decodes s with the locale into out (room for strlen(s) * 2 + 1 units);
 * what it cannot decode becomes U+FFFD, a byte at a time. */
static size_t decode_with_locale(void *out, size_t width, const char *s)
{
	locale_t previous = uselocale(decoding_locale);
	size_t len = strlen(s), i = 0, units = 0, r;
	mbstate_t state;
	wchar_t c;

	memset(&state, 0, sizeof(state));
	while (i < len) {
		r = mbrtowc(&c, s + i, len - i, &state);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			memset(&state, 0, sizeof(state));
			c = 0xFFFD;
			r = 1;
		}
		units += w32_wide_put(out, width, units, (uint32_t)c);
		i += r;
	}
	uselocale(previous);
	return units;
}

void *w32_wide_of_locale(const char *s, size_t width)
{
	size_t len = strlen(s), units;
	void *out = malloc((2 * len + 1) * width);

	if (!out)
		return NULL;
	pthread_once(&decoding_once, find_decoding_locale);
	if (decoding_locale)
		units = decode_with_locale(out, width, s);
	else
		units = w32_wide_of_utf8(out, width, s, len);
	w32_wide_store(out, width, units, 0);
	return out;
}

/* ---- wmain ---- */

FM_W32_API wchar_t **_wenviron;
FM_W32_API w16_t **_wenviron_w16;
/* wmain's argv, which lives as long as the program, as argv does. */
static void **wide_argv;

/* A wide copy of a NULL-terminated array of strings; NULL if memory is
 * short.  It lives as long as the program, as argv does. */
static void **wide_array(char **strings, size_t width)
{
	size_t n = 0, i;
	void **out;

	while (strings && strings[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	for (i = 0; out && i < n; i++) {
		out[i] = w32_wide_of_locale(strings[i], width);
		if (!out[i])
			return NULL;
	}
	return out;
}

/* Exit status 255 when the arguments cannot even be converted. */
#define NO_MEMORY_STATUS 255

FM_W32_API int fm_w32_run_wmain(int argc, char **argv, char **envp,
				int (*entry)(int, wchar_t **, wchar_t **))
{
	wide_argv = wide_array(argv, 4);
	_wenviron = (wchar_t **)wide_array(envp, 4);
	if (!wide_argv || !_wenviron)
		return NO_MEMORY_STATUS;
	return entry(argc, (wchar_t **)wide_argv, _wenviron);
}

FM_W32_API int fm_w32_run_wmain_w16(int argc, char **argv, char **envp,
				    int (*entry)(int, w16_t **, w16_t **))
{
	wide_argv = wide_array(argv, 2);
	_wenviron_w16 = (w16_t **)wide_array(envp, 2);
	if (!wide_argv || !_wenviron_w16)
		return NO_MEMORY_STATUS;
	return entry(argc, (w16_t **)wide_argv, _wenviron_w16);
}

/* ---- GetCommandLine ---- */

static struct {
	pthread_once_t once;
	char *narrow;
	void *wide4, *wide2;
} command_line = { .once = PTHREAD_ONCE_INIT };

static bool needs_quotes(const char *arg)
{
	return *arg == '\0' || strpbrk(arg, " \t\n\v\"") != NULL;
}

/* Appends arg as CommandLineToArgvW will split it back: quoted when it
 * holds a blank or a quote, each quote escaped with a backslash, and the
 * backslashes before a quote (or the closing one) doubled. */
static void quote_argument(struct w32_text *t, const char *arg)
{
	size_t backslashes = 0;

	if (!needs_quotes(arg)) {
		w32_text_append(t, arg, strlen(arg));
		return;
	}
	w32_text_append(t, "\"", 1);
	for (const char *p = arg;; p++) {
		if (*p == '\\') {
			backslashes++;
			continue;
		}
		for (size_t i = 0; i < backslashes * (*p == '"' || *p == '\0' ? 2 : 1); i++)
			w32_text_append(t, "\\", 1);
		backslashes = 0;
		if (*p == '\0')
			break;
		if (*p == '"')
			w32_text_append(t, "\\", 1);
		w32_text_append(t, p, 1);
	}
	w32_text_append(t, "\"", 1);
}

/* The program's first word follows its own rule: quoted when it holds a
 * blank, with no escapes. */
static void quote_program(struct w32_text *t, const char *program)
{
	bool quote = strpbrk(program, " \t") != NULL;

	if (quote)
		w32_text_append(t, "\"", 1);
	w32_text_append(t, program, strlen(program));
	if (quote)
		w32_text_append(t, "\"", 1);
}

static void build_command_line(void)
{
	struct w32_text t = { 0 };
	char buf[4096];
	ssize_t n;
	size_t used = 0, start;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	struct w32_text raw = { 0 };

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		w32_text_append(&raw, buf, (size_t)n);
	if (fd >= 0)
		close(fd);
	for (start = 0; raw.data && start < raw.length; start = used + 1) {
		used = start + strlen(raw.data + start);
		if (start > 0)
			w32_text_append(&t, " ", 1);
		if (start == 0)
			quote_program(&t, raw.data);
		else
			quote_argument(&t, raw.data + start);
	}
	w32_text_append(&t, "", 0);
	w32_text_free(&raw);
	command_line.narrow = t.failed ? NULL : t.data;
	if (command_line.narrow) {
		command_line.wide4 = w32_wide_of_locale(command_line.narrow, 4);
		command_line.wide2 = w32_wide_of_locale(command_line.narrow, 2);
	}
}

static void *command_line_of(size_t width)
{
	pthread_once(&command_line.once, build_command_line);
	if (width == 1)
		return command_line.narrow;
	return width == 2 ? command_line.wide2 : command_line.wide4;
}

FM_W32_API LPSTR WINAPI GetCommandLineA(void)
{
	return command_line_of(1);
}

FM_W32_API LPWSTR WINAPI GetCommandLineW(void)
{
	return command_line_of(4);
}

FM_W32_API w16_t *WINAPI GetCommandLineW_w16(void)
{
	return command_line_of(2);
}

/* ---- CommandLineToArgvW ---- */

/* Splitting state: the line read at s, arguments written at d. */
struct splitter {
	const void *line;
	size_t width, s;
	void *out;
	size_t d;
	int argc;
};

static uint32_t at(const struct splitter *p, size_t i)
{
	return w32_wide_unit(p->line, p->width, i);
}

static void emit(struct splitter *p, uint32_t unit)
{
	w32_wide_store(p->out, p->width, p->d++, unit);
}

static bool blank(uint32_t u)
{
	return u == ' ' || u == '\t';
}

/* The first word: to the next quote if it starts with one, else to the
 * next blank; no escapes. */
static void split_program(struct splitter *p)
{
	if (at(p, p->s) == '"') {
		for (p->s++; at(p, p->s) && at(p, p->s) != '"'; p->s++)
			emit(p, at(p, p->s));
		if (at(p, p->s) == '"')
			p->s++;
	} else {
		for (; at(p, p->s) && !blank(at(p, p->s)); p->s++)
			emit(p, at(p, p->s));
	}
	emit(p, 0);
	p->argc++;
}

/* A quote after `backslashes` backslashes (already copied), and the run
 * of quotes after it: an even count halves them and opens or closes a
 * quoted part; an odd count halves them and is a literal quote.  In a run,
 * every third quote is a literal one. */
static void split_quote(struct splitter *p, size_t backslashes, unsigned *quotes)
{
	p->d -= backslashes / 2;
	if (backslashes % 2) {
		p->d--;
		emit(p, '"');
	} else {
		(*quotes)++;
	}
	for (p->s++; at(p, p->s) == '"'; p->s++) {
		if (++*quotes == 3) {
			emit(p, '"');
			*quotes = 0;
		}
	}
	if (*quotes == 2)
		*quotes = 0;
}

/* The arguments after the first word: each starts at a non-blank and
 * ends at a blank outside quotes. */
static void split_arguments(struct splitter *p)
{
	size_t backslashes = 0;
	unsigned quotes = 0;
	uint32_t u;

	while (blank(at(p, p->s)))
		p->s++;
	if (!at(p, p->s))
		return;
	p->argc++;
	while ((u = at(p, p->s)) != 0) {
		if (blank(u) && quotes == 0) {
			emit(p, 0);
			backslashes = 0;
			while (blank(at(p, p->s)))
				p->s++;
			if (at(p, p->s))
				p->argc++;
			continue;
		}
		if (u == '"') {
			split_quote(p, backslashes, &quotes);
			backslashes = 0;
			continue;
		}
		backslashes = u == '\\' ? backslashes + 1 : 0;
		emit(p, u);
		p->s++;
	}
	emit(p, 0);
}

static void *split(const void *line, size_t width, int *count)
{
	size_t len, units, i, ptrs;
	struct splitter p = { .line = line, .width = width };
	void **argv;
	char *strings;

	if (!count || !line)
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	len = w32_wide_length(line, width);
	if (len == 0)
		return NULL; /* the caller gives the program's path */
	/* Every unit written consumed one of the line, or ends an argument
	 * that consumed a blank or a quote, but the last two; and there are
	 * fewer arguments than units. */
	units = len + 3;
	ptrs = (len + 2) * sizeof(void *);
	argv = LocalAlloc(LMEM_FIXED, ptrs + units * width);
	if (!argv)
		return NULL;
	strings = (char *)argv + ptrs;
	p.out = strings;
	split_program(&p);
	split_arguments(&p);
	for (i = 0, p.d = 0; i < (size_t)p.argc; i++) {
		argv[i] = strings + p.d * width;
		while (w32_wide_unit(strings, width, p.d))
			p.d++;
		p.d++;
	}
	argv[p.argc] = NULL;
	*count = p.argc;
	return argv;
}

/* An empty line gives the program's own path, as on Windows. */
static void *program_path_argv(size_t width, int *count)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	size_t units;
	void **argv;

	if (n < 0)
		n = 0;
	path[n] = '\0';
	units = w32_wide_of_utf8(NULL, width, path, (size_t)n);
	argv = LocalAlloc(LMEM_FIXED, 2 * sizeof(void *) + (units + 1) * width);
	if (!argv)
		return NULL;
	argv[0] = argv + 2;
	argv[1] = NULL;
	w32_wide_of_utf8(argv[0], width, path, (size_t)n);
	w32_wide_store(argv[0], width, units, 0);
	*count = 1;
	return argv;
}

static void *command_line_to_argv(const void *line, size_t width, int *count)
{
	void *argv = split(line, width, count);

	if (!argv && count && line && w32_wide_unit(line, width, 0) == 0)
		return program_path_argv(width, count);
	return argv;
}

FM_W32_API LPWSTR *WINAPI CommandLineToArgvW(LPCWSTR lpCmdLine, int *pNumArgs)
{
	return command_line_to_argv(lpCmdLine, 4, pNumArgs);
}

FM_W32_API w16_t **WINAPI CommandLineToArgvW_w16(const w16_t *lpCmdLine, int *pNumArgs)
{
	return command_line_to_argv(lpCmdLine, 2, pNumArgs);
}

/* ---- GetModuleFileName ---- */

static DWORD module_file_name(HMODULE module, void *buffer, DWORD size, size_t width)
{
	char path[PATH_MAX];
	ssize_t n;
	size_t units;
	void *wide = NULL;

	if (module)
		return w32_fail(ERROR_MOD_NOT_FOUND);
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n < 0)
		return w32_fail(w32_file_error(errno));
	path[n] = '\0';
	if (width != 1) {
		wide = w32_wide_of_locale(path, width);
		if (!wide)
			return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
	}
	units = width == 1 ? (size_t)n : w32_wide_length(wide, width);
	if (size > 0) {
		size_t copied = units < size ? units : size - 1;

		memcpy(buffer, width == 1 ? (void *)path : wide, copied * width);
		memset((char *)buffer + copied * width, 0, width);
	}
	free(wide);
	if (units >= size) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return size;
	}
	return (DWORD)units;
}

FM_W32_API DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize)
{
	return module_file_name(hModule, lpFilename, nSize, 1);
}

FM_W32_API DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize)
{
	return module_file_name(hModule, lpFilename, nSize, 4);
}

FM_W32_API DWORD WINAPI GetModuleFileNameW_w16(HMODULE hModule, w16_t *lpFilename,
					       DWORD nSize)
{
	return module_file_name(hModule, lpFilename, nSize, 2);
}
