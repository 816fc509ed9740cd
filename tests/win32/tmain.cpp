/* SPDX-License-Identifier: MIT */
/*
 * tmain.cpp - tmain.c compiled as C++: _tmain as wmain there too.
 */
#include "tmain.c"
