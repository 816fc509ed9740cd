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
#include "store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir_path[256];

/* Makes a private store once, and its Local\ directory. */
static void setup(void)
{
	const char *root;
	fm_section *s;

	if (dir_path[0])
		return;
	root = fuzz_store();
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
