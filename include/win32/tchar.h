/* SPDX-License-Identifier: MIT */
/*
 * tchar.h - generic-text mappings, following _UNICODE as Windows' tchar.h
 * does: _T() and _TCHAR, and the string and printf calls a Windows sample
 * uses through them (_tcslen, _tprintf, ...).  _tmain is main: a Linux
 * program's arguments are char strings either way.  Under _UNICODE,
 * _tprintf is the C library's wprintf, whose %s takes a char string (use
 * %ls for a wide one), unlike Microsoft's.
 */
#ifndef FILEMAP_WIN32_TCHAR_H
#define FILEMAP_WIN32_TCHAR_H

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define _tmain main

#ifdef _UNICODE
#define __T(x) L##x
typedef wchar_t _TCHAR;
typedef wchar_t _TSCHAR, _TUCHAR, _TXCHAR;
#define _tcslen   wcslen
#define _tcscpy   wcscpy
#define _tcsncpy  wcsncpy
#define _tcscat   wcscat
#define _tcscmp   wcscmp
#define _tcsncmp  wcsncmp
#define _tcschr   wcschr
#define _tcsstr   wcsstr
#define _tprintf  wprintf
#define _ftprintf fwprintf
#define _tcstol   wcstol
#define _tcstoul  wcstoul
#else
#define __T(x) x
typedef char _TCHAR;
typedef char _TSCHAR;
typedef unsigned char _TUCHAR, _TXCHAR;
#define _tcslen   strlen
#define _tcscpy   strcpy
#define _tcsncpy  strncpy
#define _tcscat   strcat
#define _tcscmp   strcmp
#define _tcsncmp  strncmp
#define _tcschr   strchr
#define _tcsstr   strstr
#define _tprintf  printf
#define _ftprintf fprintf
#define _tcstol   strtol
#define _tcstoul  strtoul
#endif

#define _T(x)    __T(x)
#define _TEXT(x) __T(x)

#endif /* FILEMAP_WIN32_TCHAR_H */
