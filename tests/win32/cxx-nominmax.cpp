/* SPDX-License-Identifier: MIT */
/*
 * cxx-nominmax.cpp - NOMINMAX keeps <windows.h> from declaring min and
 * max, as in Windows' headers: this file defines templates with the very
 * signatures <windows.h> would, which would not compile otherwise.
 */
#define NOMINMAX
#include <windows.h>

#include <algorithm>

namespace {
template <class A, class B>
constexpr auto max(A a, B b) -> decltype(a > b ? a : b)
{
	return a > b ? b : a; /* deliberately backwards: this one is ours */
}
template <class A, class B>
constexpr auto min(A a, B b) -> decltype(a < b ? a : b)
{
	return a < b ? b : a;
}
} // namespace

bool nominmax_honoured()
{
	return max(1, 2.5) == 1 && min(1, 2.5) == 2.5 && std::max(1, 2) == 2;
}
