/* SPDX-License-Identifier: MIT */
/* store.h - the fuzz targets' private store (store.c). */
#ifndef FM_FUZZ_STORE_H
#define FM_FUZZ_STORE_H

/* Makes (once) a private store root under /dev/shm, removed at exit, and
 * points FILEMAP_ROOT at it; returns its path. */
const char *fuzz_store(void);

#endif
