/* SPDX-License-Identifier: MIT */
/*
 * check.h - what the Win32 test programs share: printing one line per
 * check, and starting a second process of the same program.
 *
 * The programs are plain Win32 C, built twice: natively against
 * libfilemap-win32, and with mingw-w64 to run under Wine, the reference.
 * Each check prints "name: value"; compare.py lines the two outputs up,
 * check by check.  A check where Windows and Wine 8.0 are known to differ
 * prints "name: value [windows: V]": the native build must answer V.
 * Values never show addresses, handles or ids, only facts about them.
 *
 * Starting a process or a thread is what the layer does not offer, so it
 * is done here: CreateProcess and CreateThread on Windows, posix_spawn and
 * pthreads natively.
 */
#ifndef FM_W32_TEST_CHECK_H
#define FM_W32_TEST_CHECK_H

#ifndef _WIN32
#include <sys/types.h>
#endif
#include <windows.h>

#include <stdarg.h>
#include <stdio.h>

/* One check: "name: value". */
void say(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One check where Wine 8.0 is known to differ: the native value must be
 * `windows`, Windows' answer. */
void say_windows(const char *name, const char *windows, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "name: yes/no". */
void say_bool(const char *name, int value);
/* A wide string shown as ASCII, '?' for anything else (so that a value
 * does not depend on how either side prints wide text); the result lasts
 * until four more calls. */
const char *wide_ascii(const wchar_t *w);
/* "name: N" for the thread's last error. */
void say_error(const char *name);
/* "name.ok: yes/no" and "name.error: N" for a call that returned ok. */
void say_result(const char *name, int ok);

/* VirtualQuery's answer for p (zeroed if it fails), and its RegionSize. */
MEMORY_BASIC_INFORMATION query_memory(const void *p);
unsigned long query_region(const void *p);

/* A started process of this same program, running `mode` with one
 * argument, and the means to wait for it or kill it. */
typedef struct child child;
child *start_child(const char *program, const char *mode, const char *arg);
int wait_child(child *c);           /* its exit code */
DWORD child_id(const child *c);     /* its process id */
void kill_child(child *c);          /* like SIGKILL / TerminateProcess */

/* Polls *flag until it is nonzero, up to ~10 s; 1 if it became so. */
int wait_flag(volatile LONG *flag);

/* What a program shares with the children it starts, in a named section:
 * handshake flags and the check lines a child tells, which the parent
 * prints once the child is done, so that the output's order never
 * depends on scheduling. */
struct control {
	volatile LONG ready;
	volatile LONG go;
	char lines[8192];
};
/* In the parent: creates the section; *handle to close at the end. */
struct control *control_create(const char *name, HANDLE *handle);
/* In a child: opens it (NULL if it cannot). */
struct control *control_open(const char *name);
/* In a child: one check line into the control section. */
void tell(struct control *c, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* In the parent: prints what the child told, and forgets it and the flags. */
void print_told(struct control *c);

/* A thread of this program running fn(arg), and the means to join it. */
typedef struct thread thread;
thread *start_thread(int (*fn)(void *), void *arg);
int join_thread(thread *t); /* fn's result */

#endif /* FM_W32_TEST_CHECK_H */
