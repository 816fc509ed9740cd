/* SPDX-License-Identifier: MIT */
/*
 * user.c - the user32 calls a console program makes, where there are no
 * windows: a message box is a line on standard output, a registered
 * message is a number every process agrees on, a broadcast reaches no one,
 * and no key is ever down for GetAsyncKeyState (see <winuser.h>).
 */
#include "w32.h"

#include <stdio.h>
#include <stdlib.h>

/* The first registered message number, and how many there are. */
#define REGISTERED_FIRST 0xC000u
#define REGISTERED_COUNT 0x4000u

/* The button a user accepting the box would press. */
static int accepting_button(UINT type)
{
	static const int buttons[] = {
		[MB_OK] = IDOK,
		[MB_OKCANCEL] = IDOK,
		[MB_ABORTRETRYIGNORE] = IDRETRY,
		[MB_YESNOCANCEL] = IDYES,
		[MB_YESNO] = IDYES,
		[MB_RETRYCANCEL] = IDRETRY,
		[MB_CANCELTRYCONTINUE] = IDCONTINUE,
	};
	UINT kind = type & MB_TYPEMASK;

	return kind < sizeof(buttons) / sizeof(buttons[0]) ? buttons[kind] : 0;
}

static int message_box(const char *text, const char *caption, UINT type)
{
	int button = accepting_button(type);

	if (!button) {
		SetLastError(ERROR_INVALID_MSGBOX_STYLE);
		return 0;
	}
	printf("%s: %s\n", caption ? caption : "Error", text ? text : "");
	fflush(stdout);
	return button;
}

FM_W32_API int WINAPI MessageBoxA(HWND hWnd, LPCSTR lpText, LPCSTR lpCaption, UINT uType)
{
	(void)hWnd;
	return message_box(lpText, lpCaption, uType);
}

static int message_box_wide(const void *text, const void *caption, UINT type, size_t width)
{
	char *t = text ? w32_utf8_of_wide(text, width, w32_wide_length(text, width), NULL) : NULL;
	char *c = caption ? w32_utf8_of_wide(caption, width, w32_wide_length(caption, width), NULL)
			  : NULL;
	int r = (text && !t) || (caption && !c) ? (SetLastError(ERROR_NOT_ENOUGH_MEMORY), 0)
						  : message_box(t, c, type);

	free(t);
	free(c);
	return r;
}

FM_W32_API int WINAPI MessageBoxW(HWND hWnd, LPCWSTR lpText, LPCWSTR lpCaption, UINT uType)
{
	(void)hWnd;
	return message_box_wide(lpText, lpCaption, uType, 4);
}

FM_W32_API int WINAPI MessageBoxW_w16(HWND hWnd, const uint16_t *lpText,
				      const uint16_t *lpCaption, UINT uType)
{
	(void)hWnd;
	return message_box_wide(lpText, lpCaption, uType, 2);
}

/* FNV-1a of the name with ASCII letters folded: Windows matches
 * registered names without regard to case. */
static UINT registered_number(const void *name, size_t width)
{
	uint32_t hash = 2166136261u, u;

	for (size_t i = 0;; i++) {
		u = width == 1 ? (unsigned char)((const char *)name)[i]
			       : w32_wide_unit(name, width, i);
		if (!u)
			break;
		if (u >= 'a' && u <= 'z')
			u -= 'a' - 'A';
		for (int byte = 0; byte < 4; byte++)
			hash = (hash ^ ((u >> (8 * byte)) & 0xFF)) * 16777619u;
	}
	return REGISTERED_FIRST + hash % REGISTERED_COUNT;
}

static UINT register_message(const void *name, size_t width)
{
	if (!name || (width == 1 ? *(const char *)name == '\0' : !w32_wide_unit(name, width, 0))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	return registered_number(name, width);
}

FM_W32_API UINT WINAPI RegisterWindowMessageA(LPCSTR lpString)
{
	return register_message(lpString, 1);
}

FM_W32_API UINT WINAPI RegisterWindowMessageW(LPCWSTR lpString)
{
	return register_message(lpString, 4);
}

FM_W32_API UINT WINAPI RegisterWindowMessageW_w16(const uint16_t *lpString)
{
	return register_message(lpString, 2);
}

/* A message goes nowhere: a broadcast (or, for PostMessage, the thread's
 * own queue, NULL) is accepted; any other window does not exist. */
static BOOL deliver(HWND hWnd, bool to_thread_allowed)
{
	if (hWnd == HWND_BROADCAST || (to_thread_allowed && hWnd == NULL))
		return TRUE;
	return w32_fail(ERROR_INVALID_WINDOW_HANDLE);
}

FM_W32_API BOOL WINAPI SendNotifyMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
	return deliver(hWnd, false);
}

FM_W32_API BOOL WINAPI SendNotifyMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
	return deliver(hWnd, false);
}

FM_W32_API BOOL WINAPI PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
	return deliver(hWnd, true);
}

FM_W32_API BOOL WINAPI PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
	return deliver(hWnd, true);
}

/* No window answers: 0. */
FM_W32_API LRESULT WINAPI SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
	deliver(hWnd, false);
	return 0;
}

FM_W32_API LRESULT WINAPI SendMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
	deliver(hWnd, false);
	return 0;
}

FM_W32_API SHORT WINAPI GetAsyncKeyState(int vKey)
{
	return 0;
}

FM_W32_API SHORT WINAPI GetKeyState(int nVirtKey)
{
	return 0;
}

FM_W32_API HWND WINAPI GetActiveWindow(void)
{
	return NULL;
}

FM_W32_API HWND WINAPI GetForegroundWindow(void)
{
	return NULL;
}

FM_W32_API HWND WINAPI GetConsoleWindow(void)
{
	return NULL;
}
