/* SPDX-License-Identifier: MIT */
/*
 * shellapi.h - CommandLineToArgvW: splits a command line as Windows does
 * (the first word, the program, ends at the first blank or, quoted, at
 * the next quote, with no escapes; then 2n backslashes before a quote give
 * n and the quote opens or closes a quoted part, 2n + 1 give n and a
 * literal quote, backslashes before anything else are themselves, and
 * inside quotes "" is a literal quote).  An empty line gives the program's
 * path.  The array and its strings are one block: free it with LocalFree.
 * The rest of the shell (ShellExecute, ...) is not provided.
 */
#ifndef FILEMAP_WIN32_SHELLAPI_H
#define FILEMAP_WIN32_SHELLAPI_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

FM_W32_API LPWSTR *WINAPI CommandLineToArgvW(LPCWSTR lpCmdLine, int *pNumArgs)
	FM_W32_WIDE(CommandLineToArgvW);

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_SHELLAPI_H */
