/* SPDX-License-Identifier: MIT */
/*
 * process.h - what Windows console programs take from Microsoft's
 * <process.h>: _getpid, and exit and system (from <stdlib.h>).  Threads
 * (_beginthreadex) are not provided here.
 */
#ifndef FILEMAP_WIN32_PROCESS_H
#define FILEMAP_WIN32_PROCESS_H

#include "filemap-crt.h"

#ifdef __cplusplus
extern "C" {
#endif

FM_W32_CRT_API int _getpid(void);

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_PROCESS_H */
