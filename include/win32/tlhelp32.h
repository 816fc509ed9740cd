/* SPDX-License-Identifier: MIT */
/*
 * tlhelp32.h - the same header as <TlHelp32.h>: Windows' file system
 * ignores case, so Windows code spells it either way, and Linux's does not.
 */
#include "TlHelp32.h"
