/* SPDX-License-Identifier: MIT */
/*
 * winuser.h - the few window-system calls a console program makes, and
 * what they do where there are no windows.
 *
 *   - MessageBoxA/W prints "caption: text" (caption "Error" when NULL) and
 *     a newline to standard output and returns the button a user accepting
 *     the box would press: IDOK for MB_OK and MB_OKCANCEL, IDYES for
 *     MB_YESNO and MB_YESNOCANCEL, IDRETRY for MB_RETRYCANCEL and
 *     MB_ABORTRETRYIGNORE, IDCONTINUE for MB_CANCELTRYCONTINUE.
 *   - RegisterWindowMessageA/W gives the same number in 0xC000..0xFFFF for
 *     the same name (ignoring case) in every process; a NULL or empty name
 *     is ERROR_INVALID_PARAMETER.
 *   - SendNotifyMessage, PostMessage and SendMessage (A and W) to
 *     HWND_BROADCAST succeed and reach no window, as there is none; to any
 *     other window they fail with ERROR_INVALID_WINDOW_HANDLE.
 *   - GetAsyncKeyState and GetKeyState report no key down (0): the
 *     keyboard belongs to the terminal (read it with <conio.h>).
 *   - GetActiveWindow, GetForegroundWindow and GetConsoleWindow: NULL.
 * <windows.h> includes it.  Windows, message loops, dialogs and the
 * clipboard are not provided.
 */
#ifndef FILEMAP_WIN32_WINUSER_H
#define FILEMAP_WIN32_WINUSER_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct HWND__ *HWND;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;
typedef WORD ATOM;

#define HWND_BROADCAST ((HWND)(ULONG_PTR)0xffff)
#define HWND_DESKTOP   ((HWND)0)

#define WM_NULL  0x0000
#define WM_CLOSE 0x0010
#define WM_QUIT  0x0012
#define WM_USER  0x0400
#define WM_APP   0x8000

#define MB_OK                0x00000000L
#define MB_OKCANCEL          0x00000001L
#define MB_ABORTRETRYIGNORE  0x00000002L
#define MB_YESNOCANCEL       0x00000003L
#define MB_YESNO             0x00000004L
#define MB_RETRYCANCEL       0x00000005L
#define MB_CANCELTRYCONTINUE 0x00000006L
#define MB_TYPEMASK          0x0000000FL
#define MB_ICONHAND          0x00000010L
#define MB_ICONQUESTION      0x00000020L
#define MB_ICONEXCLAMATION   0x00000030L
#define MB_ICONASTERISK      0x00000040L
#define MB_ICONWARNING       MB_ICONEXCLAMATION
#define MB_ICONERROR         MB_ICONHAND
#define MB_ICONINFORMATION   MB_ICONASTERISK
#define MB_ICONSTOP          MB_ICONHAND
#define MB_DEFBUTTON1        0x00000000L
#define MB_DEFBUTTON2        0x00000100L
#define MB_DEFBUTTON3        0x00000200L
#define MB_DEFBUTTON4        0x00000300L
#define MB_APPLMODAL         0x00000000L
#define MB_SYSTEMMODAL       0x00001000L
#define MB_TASKMODAL         0x00002000L
#define MB_SETFOREGROUND     0x00010000L
#define MB_TOPMOST           0x00040000L

#define IDOK       1
#define IDCANCEL   2
#define IDABORT    3
#define IDRETRY    4
#define IDIGNORE   5
#define IDYES      6
#define IDNO       7
#define IDTRYAGAIN 10
#define IDCONTINUE 11

#define VK_LBUTTON  0x01
#define VK_RBUTTON  0x02
#define VK_CANCEL   0x03
#define VK_BACK     0x08
#define VK_TAB      0x09
#define VK_RETURN   0x0D
#define VK_SHIFT    0x10
#define VK_CONTROL  0x11
#define VK_MENU     0x12
#define VK_PAUSE    0x13
#define VK_ESCAPE   0x1B
#define VK_SPACE    0x20
#define VK_PRIOR    0x21
#define VK_NEXT     0x22
#define VK_END      0x23
#define VK_HOME     0x24
#define VK_LEFT     0x25
#define VK_UP       0x26
#define VK_RIGHT    0x27
#define VK_DOWN     0x28
#define VK_INSERT   0x2D
#define VK_DELETE   0x2E
#define VK_NUMPAD0  0x60
#define VK_F1       0x70
#define VK_F12      0x7B
#define VK_LSHIFT   0xA0
#define VK_RSHIFT   0xA1
#define VK_LCONTROL 0xA2
#define VK_RCONTROL 0xA3

#define ERROR_INVALID_WINDOW_HANDLE 1400L
#define ERROR_INVALID_MSGBOX_STYLE  1429L

FM_W32_API int WINAPI MessageBoxA(HWND hWnd, LPCSTR lpText, LPCSTR lpCaption, UINT uType);
FM_W32_API int WINAPI MessageBoxW(HWND hWnd, LPCWSTR lpText, LPCWSTR lpCaption, UINT uType)
	FM_W32_WIDE(MessageBoxW);
FM_W32_API UINT WINAPI RegisterWindowMessageA(LPCSTR lpString);
FM_W32_API UINT WINAPI RegisterWindowMessageW(LPCWSTR lpString)
	FM_W32_WIDE(RegisterWindowMessageW);
FM_W32_API BOOL WINAPI SendNotifyMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
FM_W32_API BOOL WINAPI SendNotifyMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
FM_W32_API BOOL WINAPI PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
FM_W32_API BOOL WINAPI PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
FM_W32_API LRESULT WINAPI SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
FM_W32_API LRESULT WINAPI SendMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
FM_W32_API SHORT WINAPI GetAsyncKeyState(int vKey);
FM_W32_API SHORT WINAPI GetKeyState(int nVirtKey);
FM_W32_API HWND WINAPI GetActiveWindow(void);
FM_W32_API HWND WINAPI GetForegroundWindow(void);
FM_W32_API HWND WINAPI GetConsoleWindow(void);

#ifdef UNICODE
#define MessageBox            MessageBoxW
#define RegisterWindowMessage RegisterWindowMessageW
#define SendNotifyMessage     SendNotifyMessageW
#define PostMessage           PostMessageW
#define SendMessage           SendMessageW
#else
#define MessageBox            MessageBoxA
#define RegisterWindowMessage RegisterWindowMessageA
#define SendNotifyMessage     SendNotifyMessageA
#define PostMessage           PostMessageA
#define SendMessage           SendMessageA
#endif

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_WINUSER_H */
