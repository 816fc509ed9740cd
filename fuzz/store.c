/* SPDX-License-Identifier: MIT */
/*
 * store.c - what the fuzz targets share: a private store of their own, made
 * once and removed at exit, so that a fuzzer run touches no other store.
 */
#define _GNU_SOURCE
#include "store.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char root_dir[64], root[80];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_store(void)
{
	nftw(root_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_store(void)
{
	if (root[0])
		return root;
	strcpy(root_dir, "/dev/shm/fm-fuzz-XXXXXX");
	if (!mkdtemp(root_dir))
		abort();
	atexit(remove_store);
	snprintf(root, sizeof(root), "%s/r", root_dir);
	setenv("FILEMAP_ROOT", root, 1);
	return root;
}
