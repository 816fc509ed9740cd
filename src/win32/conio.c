/* SPDX-License-Identifier: MIT */
/*
 * conio.c - console input as a Windows console gives it: _kbhit, _getch
 * and their kin (see <conio.h>).
 *
 * A Windows console hands a key to _getch as it is pressed, unechoed, and
 * _kbhit sees it at once.  A terminal in its normal mode holds keys until
 * Enter and echoes them, so the first of these calls on a terminal puts
 * it in non-canonical, no-echo mode (signals stay on: Ctrl-C still
 * interrupts), and the library puts it back when the program exits
 * (atexit), or is killed by SIGINT, SIGTERM, SIGHUP or SIGQUIT while their
 * handlers are the default ones, as ncurses does: a shell left without
 * echo would be the user's problem otherwise.
 *
 * A program in the background of its terminal (started with &) leaves
 * the terminal alone: changing it would stop the program (SIGTTOU), and
 * the keys typed are the shell's, so _kbhit sees none there.
 *
 * Not a terminal: _kbhit asks the kernel how many bytes are ready
 * (FIONREAD: a pipe's or socket's queue, a file's rest), so /dev/null and
 * end of file say no; _getch reads one byte.  All read descriptor 0
 * directly, bypassing stdin's buffer, as Windows' conio bypasses stdin.
 */
#include "crt.h"

#include <conio.h>

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define INPUT STDIN_FILENO
#define NOTHING_PUSHED (-2)

static struct {
	pthread_mutex_t lock; /* guards all of this */
	bool changed;         /* the terminal is in conio's mode */
	bool hooks;           /* atexit and signal handlers installed */
	struct termios saved; /* its settings before */
	int pushed;           /* _ungetch's character, or NOTHING_PUSHED */
	uint16_t low;         /* _getwch_w16: the low surrogate still owed */
} console = { .lock = PTHREAD_MUTEX_INITIALIZER, .pushed = NOTHING_PUSHED };

/* Async-signal-safe: tcsetattr and sigprocmask are.  SIGTTOU is blocked
 * around it: a program moved to the background since (Ctrl-Z, bg) would
 * otherwise be stopped on its way out. */
static void restore_terminal(void)
{
	sigset_t ttou, old;

	if (!console.changed)
		return;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetattr(INPUT, TCSANOW, &console.saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void restore_and_die(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Hooks the signals that would otherwise end the program with the
 * terminal still changed, unless the program handles them itself. */
static void install_hooks_locked(void)
{
	static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction old, hook = { .sa_handler = restore_and_die };

	console.hooks = true;
	atexit(restore_terminal);
	sigemptyset(&hook.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			sigaction(fatal[i], &hook, NULL);
}

enum input { NOT_A_TERMINAL, TERMINAL, BACKGROUND };

/* Whether the program is in the background of the terminal it reads: the
 * terminal is its controlling one (else tcgetpgrp fails, and no signal
 * would stop it) and another process group has the foreground. */
static bool in_background(void)
{
	pid_t foreground = tcgetpgrp(INPUT);

	return foreground >= 0 && foreground != getpgrp();
}

/* What the input is; a terminal in the foreground is put in conio's mode. */
static enum input terminal_input(void)
{
	struct termios t;

	if (!isatty(INPUT))
		return NOT_A_TERMINAL;
	if (in_background())
		return BACKGROUND;
	pthread_mutex_lock(&console.lock);
	if (!console.changed && tcgetattr(INPUT, &console.saved) == 0) {
		t = console.saved;
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		if (!console.hooks)
			install_hooks_locked();
		console.changed = tcsetattr(INPUT, TCSANOW, &t) == 0;
	}
	pthread_mutex_unlock(&console.lock);
	return TERMINAL;
}

static int take_pushed(void)
{
	int c;

	pthread_mutex_lock(&console.lock);
	c = console.pushed;
	console.pushed = NOTHING_PUSHED;
	pthread_mutex_unlock(&console.lock);
	return c;
}

FM_W32_API int _kbhit(void)
{
	int ready = 0;
	bool pushed;

	pthread_mutex_lock(&console.lock);
	pushed = console.pushed != NOTHING_PUSHED;
	pthread_mutex_unlock(&console.lock);
	if (pushed)
		return 1;
	if (terminal_input() == BACKGROUND)
		return 0;
	return ioctl(INPUT, FIONREAD, &ready) == 0 && ready > 0;
}

/* One byte of input: EOF at its end or on an error. */
static int read_byte(void)
{
	unsigned char c;
	ssize_t n;

	do
		n = read(INPUT, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? c : EOF;
}

FM_W32_API int _getch(void)
{
	int c = take_pushed();
	bool terminal;

	if (c != NOTHING_PUSHED)
		return c;
	terminal = terminal_input() != NOT_A_TERMINAL;
	c = read_byte();
	/* The terminal turned Enter's '\r' into '\n'; Windows gives '\r'. */
	return terminal && c == '\n' ? '\r' : c;
}

static int echo(int c)
{
	if (c != EOF) {
		fputc(c, stdout);
		fflush(stdout);
	}
	return c;
}

FM_W32_API int _getche(void)
{
	return echo(_getch());
}

FM_W32_API int _ungetch(int c)
{
	int r = EOF;

	pthread_mutex_lock(&console.lock);
	if (console.pushed == NOTHING_PUSHED && c != EOF) {
		console.pushed = c & 0xFF;
		r = console.pushed;
	}
	pthread_mutex_unlock(&console.lock);
	return r;
}

FM_W32_API int _putch(int c)
{
	return echo(c & 0xFF);
}

FM_W32_API int _cputs(const char *s)
{
	if (!s)
		return w32_crt_fail(EINVAL), -1;
	return fputs(s, stdout) == EOF || fflush(stdout) == EOF ? -1 : 0;
}

/* ---- wide keys: the terminal's UTF-8, decoded ---- */

static uint32_t read_code_point(void)
{
	char bytes[4];
	size_t n = 1, need, used;
	int c = _getch();

	if (c == EOF)
		return UINT32_MAX;
	bytes[0] = (char)c;
	need = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	while (n < need && (c = read_byte()) != EOF)
		bytes[n++] = (char)c;
	return w32_utf8_next(bytes, n, &used);
}

FM_W32_API wint_t _getwch(void)
{
	uint32_t c = read_code_point();

	return c == UINT32_MAX ? WEOF : (wint_t)c;
}

/* A key past U+FFFF comes as two calls, its surrogates, as on Windows. */
FM_W32_API wint_t _getwch_w16(void)
{
	uint16_t pair[2];
	uint32_t c;

	pthread_mutex_lock(&console.lock);
	c = console.low;
	console.low = 0;
	pthread_mutex_unlock(&console.lock);
	if (c)
		return (wint_t)c;
	c = read_code_point();
	if (c == UINT32_MAX)
		return WEOF;
	if (w32_wide_put(pair, 2, 0, c) == 2) {
		pthread_mutex_lock(&console.lock);
		console.low = pair[1];
		pthread_mutex_unlock(&console.lock);
	}
	return pair[0];
}

static wint_t put_wide_char(uint32_t c)
{
	char utf8[4];
	size_t n = w32_utf8_put(utf8, c);

	if (fwrite(utf8, 1, n, stdout) != n || fflush(stdout) == EOF)
		return WEOF;
	return (wint_t)c;
}

FM_W32_API wint_t _getwche(void)
{
	wint_t c = _getwch();

	return c == WEOF ? WEOF : put_wide_char((uint32_t)c);
}

FM_W32_API wint_t _getwche_w16(void)
{
	wint_t c = _getwch_w16();

	return c == WEOF ? WEOF : put_wide_char((uint32_t)c);
}

FM_W32_API wint_t _putwch(wchar_t c)
{
	return put_wide_char((uint32_t)c);
}

FM_W32_API wint_t _putwch_w16(w16_t c)
{
	return put_wide_char(c);
}
