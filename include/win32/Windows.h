/* SPDX-License-Identifier: MIT */
/*
 * Windows.h - the same header as <windows.h>: Windows' file system ignores
 * case, so Windows code spells it either way, and Linux's does not.
 */
#include "windows.h"
