/* SPDX-License-Identifier: MIT */
/*
 * io.h - the low-level I/O names of Microsoft's C runtime that Windows
 * console programs use: _access, _isatty, _fileno, and _setmode with its
 * modes.  Linux has no text mode: _setmode accepts every mode MSVC does,
 * remembers it for the answer of the next call, and changes nothing (the
 * wide printf calls write UTF-8 in every mode).
 */
#ifndef FILEMAP_WIN32_IO_H
#define FILEMAP_WIN32_IO_H

#include "filemap-crt.h"

#ifdef __cplusplus
extern "C" {
#endif

#define _O_RDONLY 0x0000
#define _O_WRONLY 0x0001
#define _O_RDWR   0x0002
#define _O_APPEND 0x0008
#define _O_CREAT  0x0100
#define _O_TRUNC  0x0200
#define _O_EXCL   0x0400
#define _O_TEXT   0x4000
#define _O_BINARY 0x8000
#define _O_WTEXT  0x10000
#define _O_U16TEXT 0x20000
#define _O_U8TEXT 0x40000
#define O_TEXT   _O_TEXT
#define O_BINARY _O_BINARY

/* 0 (exists), 2 (write), 4 (read) or 6: 0, or -1 with errno (EINVAL for
 * any other mode, as in MSVC). */
FM_W32_CRT_API int _access(const char *path, int mode);
FM_W32_CRT_API int _waccess(const wchar_t *path, int mode) FM_W32_CRT_WIDE(_waccess);
FM_W32_CRT_API int _isatty(int fd);
/* The previous mode (_O_TEXT at first), or -1 with errno EINVAL or EBADF. */
FM_W32_CRT_API int _setmode(int fd, int mode);

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_IO_H */
