/* SPDX-License-Identifier: MIT */
/*
 * tmain.c - a Windows program's entry point as Visual Studio writes it,
 * for test-win32-console: _tmain with _TCHAR arguments, printed with
 * _tprintf("%s").  Built with UNICODE and _UNICODE (so _tmain is wmain),
 * also with -fshort-wchar, also as C++ (tmain.cpp), and in the forms
 * TMAIN_FORM selects: 2 (argc, argv), 0 (no parameters, as Microsoft's
 * samples write it), 3 (argc, argv, envp).
 *
 * It prints each argument, its length in _TCHARs, and the first code
 * point, then one environment variable through _tgetenv.
 */
#include <windows.h>
#include <tchar.h>

#ifndef TMAIN_FORM
#define TMAIN_FORM 2
#endif

#if TMAIN_FORM == 0
int _tmain()
{
	_tprintf(_T("form 0: %s\n"), _T("no arguments"));
	return 0;
}
#else
/* Counted here, not with _tcslen: glibc's wcslen assumes 4-byte wchar_t. */
static int length(const _TCHAR *s)
{
	int n = 0;

	while (s[n])
		n++;
	return n;
}

#if TMAIN_FORM == 3
int _tmain(int argc, _TCHAR *argv[], _TCHAR *envp[])
#else
int _tmain(int argc, _TCHAR *argv[])
#endif
{
	const _TCHAR *value = _tgetenv(_T("W32_TMAIN"));
	int i;

	_tprintf(_T("argc %d\n"), argc);
	for (i = 1; i < argc; i++)
		_tprintf(_T("arg %d [%s] %d U+%04X\n"), i, argv[i], length(argv[i]),
			 (unsigned)argv[i][0]);
	_tprintf(_T("env [%s]\n"), value ? value : _T("(unset)"));
#if TMAIN_FORM == 3
	_tprintf(_T("envp %s\n"), envp && envp[0] ? _T("given") : _T("missing"));
#endif
	return argc;
}
#endif
