/* SPDX-License-Identifier: MIT */
/*
 * w32-wide.c - the W calls and the generic-text macros: Unicode names
 * (CJK, a character outside the BMP that UTF-16 writes as a surrogate
 * pair), long W names, W and A names meeting, and a file path in W.
 *
 * Built with UNICODE, so TEXT() and CreateFileMapping are the W forms; and
 * natively built twice, with the default 4-byte wchar_t and with
 * -fshort-wchar, where <windows.h> binds the 2-byte entry points.  Both
 * must print what Windows does.  One line per check (see check.h).
 */
#define UNICODE
#define _UNICODE
#include "check.h"

#include <string.h>

static HANDLE create_w(LPCWSTR name)
{
	return CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100, name);
}

/* Creates `created` in W, then tries to open `opened` in W. */
static void w_opens_w(const char *check, LPCWSTR created, LPCWSTR opened)
{
	char buf[128];
	HANDLE h, o;

	SetLastError(1234);
	h = create_w(created);
	snprintf(buf, sizeof(buf), "%s.create", check);
	say_result(buf, h != NULL);
	SetLastError(0xdead);
	o = OpenFileMappingW(FILE_MAP_READ, FALSE, opened);
	snprintf(buf, sizeof(buf), "%s.open", check);
	say_result(buf, o != NULL);
	CloseHandle(o);
	CloseHandle(h);
}

static void unicode_names(void)
{
	HANDLE h, o;
	char *v, *w;

	w_opens_w("wide.cjk", L"w32wide.刘大大别是妖怪吧", L"w32wide.刘大大别是妖怪吧");
	w_opens_w("wide.cjk_other", L"w32wide.刘大大别是妖怪吧", L"w32wide.刘大大别是妖怪");
	w_opens_w("wide.surrogate_pair", L"w32wide.\U0001F600\U00010437", L"w32wide.\U0001F600\U00010437");
	w_opens_w("wide.pair_differs", L"w32wide.\U0001F600", L"w32wide.\U0001F601");
	w_opens_w("wide.local_prefix", L"Local\\w32wide.p", L"w32wide.p");

	/* The generic form under UNICODE is the W call, TEXT() a wide literal. */
	h = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100, TEXT("w32wide.ascii"));
	say_result("wide.generic_create", h != NULL);
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, "w32wide.ascii");
	say_result("wide.w_created_opens_with_a", o != NULL);
	v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	w = MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0);
	strcpy(v, "one object");
	say("wide.w_and_a_same_memory", "%s", w ? w : "(no view)");
	UnmapViewOfFile(v);
	UnmapViewOfFile(w);
	CloseHandle(o);
	CloseHandle(h);
	h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100, "w32wide.a");
	o = OpenFileMapping(FILE_MAP_READ, FALSE, TEXT("w32wide.a"));
	say_result("wide.a_created_opens_with_w", o != NULL);
	CloseHandle(o);
	CloseHandle(h);
	SetLastError(0xdead);
	say_result("wide.open_null", OpenFileMappingW(FILE_MAP_READ, FALSE, NULL) != NULL);
	say_result("wide.backslash", create_w(L"Local\\w32wide.d\\leaf") != NULL);
}

static void long_names(void)
{
	static WCHAR name[2001], shorter[2001];
	int i;

	for (i = 0; i < 2000; i++)
		name[i] = (WCHAR)(i < 8 ? "w32wide."[i] : 'a' + i % 26);
	name[300] = 0;
	memcpy(shorter, name, sizeof(name));
	shorter[299] = 0;
	w_opens_w("wide.long_300", name, name);
	w_opens_w("wide.long_300_prefix_299", name, shorter);
	name[300] = 'x';
	w_opens_w("wide.long_2000", name, name);
}

static void wide_paths(void)
{
	static const WCHAR path[] = L"w32wide-ü-\U0001F600.tmp";
	HANDLE f;
	DWORD n = 0;

	DeleteFileW(path);
	SetLastError(0xdead);
	f = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
	say_result("wide.file_create", f != INVALID_HANDLE_VALUE);
	say_bool("wide.file_write", WriteFile(f, "abc", 3, &n, NULL) && n == 3);
	CloseHandle(f);
	f = CreateFile(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	say_result("wide.file_open_generic", f != INVALID_HANDLE_VALUE);
	say("wide.file_size", "%lu", (unsigned long)GetFileSize(f, NULL));
	CloseHandle(f);
	SetLastError(0xdead);
	say_result("wide.file_delete", DeleteFileW(path));
	say_result("wide.file_delete_again", DeleteFile(path));
}

int main(void)
{
	unicode_names();
	long_names();
	wide_paths();
	return 0;
}
