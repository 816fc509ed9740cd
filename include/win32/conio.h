/* SPDX-License-Identifier: MIT */
/*
 * conio.h - console input as Windows programs read it: _kbhit, _getch,
 * _getche, _ungetch, _putch, _cputs, their wide forms, and the old names
 * without the underscore (kbhit, getch, getche, putch, ungetch, cputs).
 *
 * On a terminal, keys come without Enter and without echo, as from a
 * Windows console: the first of these calls switches standard input's
 * terminal to that mode (Ctrl-C still interrupts), and the library puts
 * the terminal back as it was when the program exits, or dies of SIGINT,
 * SIGTERM, SIGHUP or SIGQUIT while it had not set its own handler for
 * them.  A program in the background of its terminal leaves it alone and
 * sees no key.  Enter reads as '\r', as on Windows; other keys arrive as the
 * bytes the terminal sends (an arrow key is an escape sequence, not
 * Windows' 0xE0 and a scan code).
 *
 * When standard input is not a terminal, _kbhit is true only when a byte
 * can be read without blocking: never on /dev/null or at end of file;
 * _getch reads one byte, and returns EOF (-1) at end of file.
 */
#ifndef FILEMAP_WIN32_CONIO_H
#define FILEMAP_WIN32_CONIO_H

#include "filemap-crt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Nonzero when a key (a byte) is waiting. */
FM_W32_CRT_API int _kbhit(void);
/* The next key, without echo; waits for one. */
FM_W32_CRT_API int _getch(void);
/* The same, echoed to standard output. */
FM_W32_CRT_API int _getche(void);
/* Pushes c back for the next _getch (one at a time: EOF when full). */
FM_W32_CRT_API int _ungetch(int c);
FM_W32_CRT_API int _putch(int c);
FM_W32_CRT_API int _cputs(const char *s);
/* A key as a wide character: the terminal's UTF-8 decoded (WEOF at end). */
FM_W32_CRT_API wint_t _getwch(void) FM_W32_CRT_WIDE(_getwch);
FM_W32_CRT_API wint_t _getwche(void) FM_W32_CRT_WIDE(_getwche);
FM_W32_CRT_API wint_t _putwch(wchar_t c) FM_W32_CRT_WIDE(_putwch);

#define kbhit()    _kbhit()
#define getch()    _getch()
#define getche()   _getche()
#define ungetch(c) _ungetch(c)
#define putch(c)   _putch(c)
#define cputs(s)   _cputs(s)

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_CONIO_H */
