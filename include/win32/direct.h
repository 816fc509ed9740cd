/* SPDX-License-Identifier: MIT */
/*
 * direct.h - the directory calls of Microsoft's C runtime.  _mkdir takes
 * one argument, as on Windows, and makes the directory with mode 0777
 * less the umask.  Results: 0, or -1 with errno (EEXIST, ENOENT, ...);
 * _getcwd returns its buffer, or one it allocates (at least maxlen bytes)
 * for a NULL buffer, or NULL with errno (ERANGE when it is too small).
 */
#ifndef FILEMAP_WIN32_DIRECT_H
#define FILEMAP_WIN32_DIRECT_H

#include "filemap-crt.h"

#ifdef __cplusplus
extern "C" {
#endif

FM_W32_CRT_API int _mkdir(const char *path);
FM_W32_CRT_API int _wmkdir(const wchar_t *path) FM_W32_CRT_WIDE(_wmkdir);
FM_W32_CRT_API int _rmdir(const char *path);
FM_W32_CRT_API int _chdir(const char *path);
FM_W32_CRT_API char *_getcwd(char *buffer, int maxlen);

#ifdef __cplusplus
}
#endif

#endif /* FILEMAP_WIN32_DIRECT_H */
