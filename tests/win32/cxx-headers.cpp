/* SPDX-License-Identifier: MIT */
/*
 * cxx-headers.cpp - every Win32 header of the layer, as C++ beside the
 * standard library, built with -Wall -Wextra -Werror as C++17 and C++20:
 * min and max must not break <algorithm>, std::min, numeric_limits<T>::max
 * or a member named max, and MSVC's C++ forms of the _s calls (which take
 * an array and know its size) must be there.
 */
#include <windows.h>
#include <Windows.h>
#include <tchar.h>
#include <conio.h>
#include <TlHelp32.h>
#include <tlhelp32.h>
#include <intrin.h>
#include <direct.h>
#include <io.h>
#include <process.h>
#include <shellapi.h>
#include <mmsystem.h>
#include <timeapi.h>

#include <algorithm>
#include <cstdio>
#include <cwchar>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

struct gauge {
	int max() const { return 9000; }
	int min() const { return 0; }
};

static int unqualified()
{
	using namespace std;
	/* Both std::max and ::max fit: the standard one is chosen. */
	return max(1, 2) + min(3, 4);
}

bool nominmax_honoured();

int main()
{
	std::vector<int> v{ 3, 1, 2 };
	char small[4], name[16];
	wchar_t wide[16];
	size_t mixed = max(sizeof(int), size_t(3));
	volatile LONG counter = 0;

	std::sort(v.begin(), v.end());
	bool ok = std::max(1, 2) == 2 && std::min(v[0], v[2]) == 1 && max(2, 7.5) == 7.5 &&
		  min(-1, 1) == -1 && std::numeric_limits<int>::max() == INT_MAX &&
		  gauge().max() == 9000 && unqualified() == 5 && mixed == 4 &&
		  *std::max_element(v.begin(), v.end()) == 3;
	ok = ok && strcpy_s(small, "toolong") == ERANGE && small[0] == 0;
	ok = ok && strcpy_s(name, "fits") == 0 && sprintf_s(name, "%d", 42) == 2;
	ok = ok && swprintf_s(wide, L"%s", L"wide") == 4 && _countof(wide) == 16;
	ok = ok && InterlockedIncrement(&counter) == 1 && nominmax_honoured();
	std::wprintf(L"%s: %s\n", L"headers", ok ? L"ok" : L"FAILED");
	return ok ? 0 : 1;
}
