/* SPDX-License-Identifier: MIT */
/*
 * fuzz-header.c - libFuzzer target: any bytes as a store object file.
 *
 * The input is planted in a private store under the name "fz" and held
 * (flock LOCK_SH, as a live holder would), then opened as a section.  The
 * open must either refuse it (FM_ECORRUPT, FM_ETYPE, ...) or succeed, and
 * then every byte of a whole view must be readable: validation has to rule
 * out a SIGBUS from a lying header.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root_dir[64], dir_path[256];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_store(void)
{
	nftw(root_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Makes a private store once, and its Local\ directory. */
static void setup(void)
{
	char root[80];
	fm_section *s;

	if (dir_path[0])
		return;
	strcpy(root_dir, "/dev/shm/fm-fuzz-XXXXXX");
	if (!mkdtemp(root_dir))
		abort();
	atexit(remove_store);
	snprintf(root, sizeof(root), "%s/r", root_dir);
	setenv("FILEMAP_ROOT", root, 1);
	if (fm_section_create(&s, NULL, 1, NULL) < 0)
		abort();
	fm_section_close(s);
	snprintf(dir_path, sizeof(dir_path), "%s/local-%u/fz", root, (unsigned)geteuid());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile uint8_t sink = 0;
	fm_section *s;
	uint8_t *view;
	int fd;

	setup();
	fd = open(dir_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || flock(fd, LOCK_SH) < 0)
		abort();
	if (fm_section_open(&s, "fz", FM_READ) == 0) {
		if (fm_view_map((void **)&view, s, 0, 0, FM_READ) == 0) {
			for (uint64_t i = 0; i < fm_section_size(s); i++)
				sink ^= view[i];
			fm_view_unmap(view);
		}
		fm_section_close(s);
	}
	(void)sink;
	close(fd);
	unlink(dir_path);
	return 0;
}
