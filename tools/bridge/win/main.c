/* SPDX-License-Identifier: MIT */
/*
 * main.c - filemap-bridge.exe's command line, its configuration, and the
 * program it runs (helper.h).
 *
 * It is a GUI-subsystem program, so that starting it from a game launcher
 * opens no console window; its messages go to the standard error it was
 * given (Wine's: the tool's), and the program it runs gets the same
 * standard handles.
 */
#include "helper.h"

#include <shellapi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void helper_say(const char *fmt, ...)
{
	HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
	char line[1024];
	va_list ap;
	DWORD n;
	int len;

	len = snprintf(line, sizeof(line), BRIDGE_HELPER_EXE ": ");
	va_start(ap, fmt);
	len += vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
	va_end(ap);
	if (len > (int)sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	if (err && err != INVALID_HANDLE_VALUE)
		WriteFile(err, line, (DWORD)len, &n, NULL);
}

WCHAR *helper_widen(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	WCHAR *w = n > 0 ? malloc((size_t)n * sizeof(WCHAR)) : NULL;

	if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
		free(w);
		w = NULL;
	}
	return w;
}

/* A Linux path as its Windows path on drive Z:, which Wine and Proton map
 * to / (a new string); a path that is not absolute is returned as it is. */
static WCHAR *windows_path(const WCHAR *path)
{
	size_t len = wcslen(path);
	WCHAR *w = malloc((len + 3) * sizeof(WCHAR));

	if (!w)
		return NULL;
	if (path[0] != L'/') {
		memcpy(w, path, (len + 1) * sizeof(WCHAR));
		return w;
	}
	w[0] = L'Z';
	w[1] = L':';
	for (size_t i = 0; i <= len; i++)
		w[i + 2] = path[i] == L'/' ? L'\\' : path[i];
	return w;
}

/* Decodes hex into UTF-8 text, then UTF-16; NULL if it is not that. */
static WCHAR *decode_name(const char *hex)
{
	size_t len = strlen(hex);
	char *utf8 = len % 2 == 0 && len > 0 ? malloc(len / 2 + 1) : NULL;
	WCHAR *w = NULL;
	unsigned byte;

	if (!utf8)
		return NULL;
	for (size_t i = 0; i < len / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &byte) != 1 || byte == 0)
			goto out;
		utf8[i] = (char)byte;
	}
	utf8[len / 2] = '\0';
	w = helper_widen(utf8);
out:
	free(utf8);
	return w;
}

/* Takes a "section" or "event" line's index, number and name. */
static bool object_line(struct helper *h, bool section, unsigned index,
			unsigned long long number, const char *hex)
{
	if (section) {
		struct helper_section *s = &h->sections[h->section_count];

		if (index != h->section_count || index >= BRIDGE_MAX_SECTIONS)
			return false;
		*s = (struct helper_section){ .index = (uint16_t)index, .size = number,
					      .name = decode_name(hex) };
		h->section_count++;
		return s->name != NULL;
	}
	struct helper_event *e = &h->events[h->event_count];

	if (index != h->event_count || index >= BRIDGE_MAX_EVENTS || number > 1)
		return false;
	*e = (struct helper_event){ .manual = number == 1, .name = decode_name(hex) };
	h->event_count++;
	return e->name != NULL;
}

/* Takes one configuration line; false when it makes no sense. */
static bool config_line(struct helper *h, const char *line)
{
	unsigned index, version;
	unsigned long long number;
	char kind[8], *hex = malloc(strlen(line) + 1);
	bool ok = false;

	if (!hex)
		return false;
	if (sscanf(line, "filemap-bridge %u", &version) == 1)
		ok = version == BRIDGE_VERSION;
	else if (sscanf(line, "port %u", &h->port) == 1)
		ok = h->port > 0 && h->port < 65536;
	else if (sscanf(line, "%7s %u %llu %s", kind, &index, &number, hex) == 4 &&
		 (strcmp(kind, "section") == 0 || strcmp(kind, "event") == 0))
		ok = object_line(h, kind[0] == 's', index, number, hex);
	free(hex);
	return ok;
}

/* Reads the whole file at path (NUL-terminated, free()), or NULL. */
static char *read_file(const WCHAR *path)
{
	HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	LARGE_INTEGER size;
	char *text = NULL;
	DWORD got = 0;

	if (f == INVALID_HANDLE_VALUE)
		return NULL;
	if (GetFileSizeEx(f, &size) && size.QuadPart < (1 << 24))
		text = malloc((size_t)size.QuadPart + 1);
	if (text && (!ReadFile(f, text, (DWORD)size.QuadPart, &got, NULL) || got != size.QuadPart)) {
		free(text);
		text = NULL;
	}
	if (text)
		text[got] = '\0';
	CloseHandle(f);
	return text;
}

static bool read_config(struct helper *h)
{
	WCHAR path[MAX_PATH + 64];
	char *text, *line, *next;
	bool ok = true;

	_snwprintf(path, MAX_PATH + 64, L"%ls\\" BRIDGE_CONFIG, h->rundir);
	path[MAX_PATH + 63] = L'\0';
	text = read_file(path);
	if (!text) {
		helper_say("cannot read %ls (error %lu)", path, GetLastError());
		return false;
	}
	for (line = text; ok && *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		ok = config_line(h, line);
		if (!ok)
			helper_say("%ls: a line makes no sense: %.60s", path, line);
	}
	free(text);
	return ok && h->port;
}

/* Appends arg to the command line at *line, quoted as programs' C
 * runtimes parse it back (CommandLineToArgvW's rules). */
static void append_argument(WCHAR *line, size_t *at, const WCHAR *arg)
{
	bool quote = !*arg || wcspbrk(arg, L" \t\n\v\"") != NULL;

	if (*at)
		line[(*at)++] = L' ';
	if (!quote) {
		wcscpy(line + *at, arg);
		*at += wcslen(arg);
		return;
	}
	line[(*at)++] = L'"';
	for (const WCHAR *p = arg;; p++) {
		size_t slashes = 0;

		while (*p == L'\\') {
			slashes++;
			p++;
		}
		/* Backslashes before a quote, or before the closing one, double. */
		if (!*p || *p == L'"')
			slashes = slashes * 2 + (*p == L'"');
		while (slashes--)
			line[(*at)++] = L'\\';
		if (!*p)
			break;
		line[(*at)++] = *p;
	}
	line[(*at)++] = L'"';
	line[*at] = L'\0';
}

/* Runs argv[0..argc) (argv[0] may be a Linux path) with our standard
 * handles; returns its process handle, or NULL having said why. */
static HANDLE run_program(WCHAR **argv, int argc)
{
	STARTUPINFOW si = { .cb = sizeof(si) };
	PROCESS_INFORMATION pi;
	WCHAR *program = windows_path(argv[0]), *line;
	size_t cap = 16, at = 0;
	HANDLE std[3] = { GetStdHandle(STD_INPUT_HANDLE), GetStdHandle(STD_OUTPUT_HANDLE),
			  GetStdHandle(STD_ERROR_HANDLE) };

	for (int i = 0; i < argc; i++)
		cap += 2 * wcslen(i ? argv[i] : program) + 3;
	line = program ? malloc(cap * sizeof(WCHAR)) : NULL;
	if (!line) {
		free(program);
		helper_say("out of memory");
		return NULL;
	}
	line[0] = L'\0';
	for (int i = 0; i < argc; i++)
		append_argument(line, &at, i ? argv[i] : program);
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = std[0];
	si.hStdOutput = std[1];
	si.hStdError = std[2];
	for (int i = 0; i < 3; i++)
		if (std[i] && std[i] != INVALID_HANDLE_VALUE)
			SetHandleInformation(std[i], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
	/* Our own handles are not inheritable: only the standard ones go. */
	if (!CreateProcessW(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
		helper_say("cannot run %ls (error %lu)", program, GetLastError());
		pi.hProcess = NULL;
	} else {
		CloseHandle(pi.hThread);
	}
	free(line);
	free(program);
	return pi.hProcess;
}

/* Sets up the bridge in the run directory at the Linux path dir. */
static bool setup(struct helper *h, const WCHAR *dir)
{
	WSADATA wsa;

	h->rundir = windows_path(dir);
	h->sock = INVALID_SOCKET;
	InitializeCriticalSection(&h->mirror_lock);
	if (!h->rundir || !read_config(h))
		return false;
	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
		helper_say("Winsock does not start");
		return false;
	}
	if (!link_connect(h) || !link_open_events(h))
		return false;
	sections_setup(h);
	link_send(h, BRIDGE_READY, 0, 0, 0, 0);
	return true;
}

int main(void)
{
	static struct helper h;
	WCHAR **argv;
	HANDLE program = NULL;
	DWORD code = 0;
	int argc, first;
	bool ok;

	argv = CommandLineToArgvW(GetCommandLineW(), &argc);
	if (!argv || argc < 3 || wcscmp(argv[1], L"" BRIDGE_HELPER_FLAG) != 0 ||
	    (argc > 3 && wcscmp(argv[3], L"--") != 0)) {
		helper_say("usage: " BRIDGE_HELPER_EXE " " BRIDGE_HELPER_FLAG
			   " RUNDIR [-- PROGRAM [ARG...]]; `filemap bridge` runs it");
		return 2;
	}
	first = argc > 3 ? 4 : argc;
	h.has_program = first < argc;
	ok = setup(&h, argv[2]);
	if (!ok)
		helper_say("the bridge is not set up%s", first < argc ? "; running the program anyway" : "");
	if (first < argc) {
		program = run_program(argv + first, argc - first);
		if (!program)
			return 127;
	} else if (!ok) {
		return 1;
	}
	if (ok)
		link_run(&h, program);
	else
		WaitForSingleObject(program, INFINITE);
	if (program && !GetExitCodeProcess(program, &code))
		code = 1;
	return (int)code;
}
