/* SPDX-License-Identifier: MIT */
/*
 * tchar.h - generic-text mappings, following _UNICODE as Windows' tchar.h
 * does: _T() and _TCHAR, and every _t name of Microsoft's header that has
 * a narrow and a wide form here (printf and scanf families, strings,
 * characters, conversions, files, the environment, console input).
 *
 * Under _UNICODE, _tmain is wmain, which this layer makes work: main()
 * converts the arguments (and the environment) from the locale to wchar_t
 * and calls it (see wmain in <filemap-crt.h>).  _tprintf is wprintf,
 * which reads formats as MSVC does: %s prints a _TCHAR string.
 *
 * The wide forms are the C library's where glibc has them (wcslen, ...);
 * those need the default 4-byte wchar_t: under -fshort-wchar only this
 * layer's own calls (the _s forms, _wcsicmp, the printf family, ...) take
 * 2-byte strings.  The scanf family is glibc's: there %s reads a narrow
 * string even in a wide call (see filemap-porting(7)).
 */
#ifndef FILEMAP_WIN32_TCHAR_H
#define FILEMAP_WIN32_TCHAR_H

#include "filemap-crt.h"

#ifdef _UNICODE

#define __T(x) L##x
typedef wchar_t _TCHAR;
typedef wchar_t _TSCHAR, _TUCHAR, _TXCHAR;
typedef wint_t _TINT;
#define _TEOF WEOF

#define _tmain    wmain
#define _tenviron _wenviron

/* Formatted output and input. */
#define _tprintf     wprintf
#define _tprintf_s   wprintf_s
#define _ftprintf    fwprintf
#define _ftprintf_s  fwprintf_s
#define _stprintf    _swprintf
#define _stprintf_s  swprintf_s
#define _sntprintf   _snwprintf
#define _sntprintf_s _snwprintf_s
#define _sctprintf   _scwprintf
#define _vtprintf    vwprintf
#define _vtprintf_s  vwprintf_s
#define _vftprintf   vfwprintf
#define _vstprintf   _vswprintf
#define _vstprintf_s vswprintf_s
#define _vsntprintf  _vsnwprintf
#define _vsntprintf_s _vsnwprintf_s
#define _tscanf      wscanf
#define _ftscanf     fwscanf
#define _stscanf     swscanf

/* Unformatted input and output. */
#define _fgettc   fgetwc
#define _fgetts   fgetws
#define _fputtc   fputwc
#define _fputts   fputws
#define _gettc    getwc
#define _gettchar getwchar
#define _puttc    putwc
#define _puttchar putwchar
#define _putts    _putws
#define _ungettc  ungetwc
#define _gettch   _getwch
#define _gettche  _getwche
#define _puttch   _putwch

/* Conversions. */
#define _tcstod   wcstod
#define _tcstof   wcstof
#define _tcstol   wcstol
#define _tcstoul  wcstoul
#define _tcstoll  wcstoll
#define _tcstoull wcstoull
#define _tcstoi64 wcstoll
#define _tcstoui64 wcstoull
#define _ttoi     _wtoi
#define _ttol     _wtol
#define _ttoi64   _wtoi64
#define _ttof     _wtof
#define _tstoi    _wtoi
#define _tstol    _wtol
#define _tstoi64  _wtoi64
#define _tstof    _wtof
#define _itot     _itow
#define _itot_s   _itow_s
#define _ltot     _ltow
#define _ultot    _ultow

/* Strings. */
#define _tcscat    wcscat
#define _tcscat_s  wcscat_s
#define _tcschr    wcschr
#define _tcscmp    wcscmp
#define _tcscoll   wcscoll
#define _tcscpy    wcscpy
#define _tcscpy_s  wcscpy_s
#define _tcscspn   wcscspn
#define _tcsdup    _wcsdup
#define _tcsftime  wcsftime
#define _tcsicmp   _wcsicmp
#define _tcsnicmp  _wcsnicmp
#define _tcslen    wcslen
#define _tcsnlen   wcsnlen
#define _tcsclen   wcslen
#define _tcslwr    _wcslwr
#define _tcsupr    _wcsupr
#define _tcsncat   wcsncat
#define _tcsncmp   wcsncmp
#define _tcsnccmp  wcsncmp
#define _tcsncpy   wcsncpy
#define _tcsnccpy  wcsncpy
#define _tcsncpy_s wcsncpy_s
#define _tcspbrk   wcspbrk
#define _tcsrchr   wcsrchr
#define _tcsspn    wcsspn
#define _tcsstr    wcsstr
#define _tcsxfrm   wcsxfrm

/* Characters. */
#define _istalnum  iswalnum
#define _istalpha  iswalpha
#define _istcntrl  iswcntrl
#define _istdigit  iswdigit
#define _istgraph  iswgraph
#define _istlower  iswlower
#define _istprint  iswprint
#define _istpunct  iswpunct
#define _istspace  iswspace
#define _istupper  iswupper
#define _istxdigit iswxdigit
#define _totlower  towlower
#define _totupper  towupper

/* Files, directories, the environment, the shell. */
#define _tfopen    _wfopen
#define _tfopen_s  _wfopen_s
#define _tremove   _wremove
#define _tunlink   _wremove
#define _tmkdir    _wmkdir
#define _taccess   _waccess
#define _tperror   _wperror
#define _tgetenv   _wgetenv
#define _tsystem   _wsystem
#define _tgetcwd   _wgetcwd

#else /* !_UNICODE */

#define __T(x) x
typedef char _TCHAR;
typedef char _TSCHAR;
typedef unsigned char _TUCHAR, _TXCHAR;
typedef int _TINT;
#define _TEOF EOF

#define _tmain    main
#define _tenviron environ

#define _tprintf     printf
#define _tprintf_s   printf_s
#define _ftprintf    fprintf
#define _ftprintf_s  fprintf_s
#define _stprintf    sprintf
#define _stprintf_s  sprintf_s
#define _sntprintf   _snprintf
#define _sntprintf_s _snprintf_s
#define _sctprintf   _scprintf
#define _vtprintf    vprintf
#define _vtprintf_s  vprintf_s
#define _vftprintf   vfprintf
#define _vstprintf   vsprintf
#define _vstprintf_s vsprintf_s
#define _vsntprintf  _vsnprintf
#define _vsntprintf_s _vsnprintf_s
#define _tscanf      scanf
#define _ftscanf     fscanf
#define _stscanf     sscanf

#define _fgettc   fgetc
#define _fgetts   fgets
#define _fputtc   fputc
#define _fputts   fputs
#define _gettc    getc
#define _gettchar getchar
#define _puttc    putc
#define _puttchar putchar
#define _putts    puts
#define _ungettc  ungetc
#define _gettch   _getch
#define _gettche  _getche
#define _puttch   _putch

#define _tcstod   strtod
#define _tcstof   strtof
#define _tcstol   strtol
#define _tcstoul  strtoul
#define _tcstoll  strtoll
#define _tcstoull strtoull
#define _tcstoi64 strtoll
#define _tcstoui64 strtoull
#define _ttoi     atoi
#define _ttol     atol
#define _ttoi64   _atoi64
#define _ttof     atof
#define _tstoi    atoi
#define _tstol    atol
#define _tstoi64  _atoi64
#define _tstof    atof
#define _itot     _itoa
#define _itot_s   _itoa_s
#define _ltot     _ltoa
#define _ultot    _ultoa

#define _tcscat    strcat
#define _tcscat_s  strcat_s
#define _tcschr    strchr
#define _tcscmp    strcmp
#define _tcscoll   strcoll
#define _tcscpy    strcpy
#define _tcscpy_s  strcpy_s
#define _tcscspn   strcspn
#define _tcsdup    _strdup
#define _tcsftime  strftime
#define _tcsicmp   _stricmp
#define _tcsnicmp  _strnicmp
#define _tcslen    strlen
#define _tcsnlen   strnlen
#define _tcsclen   strlen
#define _tcslwr    _strlwr
#define _tcsupr    _strupr
#define _tcsncat   strncat
#define _tcsncmp   strncmp
#define _tcsnccmp  strncmp
#define _tcsncpy   strncpy
#define _tcsnccpy  strncpy
#define _tcsncpy_s strncpy_s
#define _tcspbrk   strpbrk
#define _tcsrchr   strrchr
#define _tcsspn    strspn
#define _tcsstr    strstr
#define _tcsxfrm   strxfrm

#define _istalnum  isalnum
#define _istalpha  isalpha
#define _istcntrl  iscntrl
#define _istdigit  isdigit
#define _istgraph  isgraph
#define _istlower  islower
#define _istprint  isprint
#define _istpunct  ispunct
#define _istspace  isspace
#define _istupper  isupper
#define _istxdigit isxdigit
#define _totlower  tolower
#define _totupper  toupper

#define _tfopen    fopen
#define _tfopen_s  fopen_s
#define _tremove   remove
#define _tunlink   remove
#define _tmkdir    _mkdir
#define _taccess   _access
#define _tperror   perror
#define _tgetenv   getenv
#define _tsystem   system
#define _tgetcwd   _getcwd

#endif /* _UNICODE */

#define _T(x)    __T(x)
#define _TEXT(x) __T(x)

#endif /* FILEMAP_WIN32_TCHAR_H */
