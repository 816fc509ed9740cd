/* SPDX-License-Identifier: MIT */
/*
 * fuzz-header.c - libFuzzer target: any bytes as a store object file.
 *
 * The input is planted in a private store under the name "fz" and held
 * (flock LOCK_SH, as a live holder would), then opened as a section, and
 * adopted as a descriptor (a handle inherited across exec) both as a
 * section and as a sync object.  Each must either refuse it (FM_ECORRUPT,
 * FM_ETYPE, -ESTALE, ...) or succeed, and then every byte of a whole view
 * must be readable, and a sync object's state describable: validation has
 * to rule out a SIGBUS or a crash from a lying header.
 *
 * A header that says its data is a shared memory segment names the IPC
 * namespace it lives in; an input that says so gets this process's, so
 * that what lies behind that check (attaching the segment whose id the
 * header gives, and checking it is its owner's) is explored too.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <stddef.h>
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

/* Reads every byte of a whole view of s, and closes s. */
static void read_all(fm_section *s)
{
	volatile uint8_t sink = 0;
	uint8_t *view;

	if (fm_view_map((void **)&view, s, 0, 0, FM_READ) == 0) {
		for (uint64_t i = 0; i < fm_section_size(s); i++)
			sink ^= view[i];
		fm_view_unmap(view);
	}
	(void)sink;
	fm_section_close(s);
}

/* Adopts a copy of fd as a section and as a sync object. */
static void adopt(int fd)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;
	int copy = dup(fd);
	fm_section *s;
	fm_sync *o;

	if (copy >= 0 && fm_section_adopt(&s, copy, FM_READ) == 0)
		read_all(s);
	else if (copy >= 0)
		close(copy);
	copy = dup(fd);
	if (copy >= 0 && fm_sync_adopt(&o, copy) == 0) {
		fm_sync_query(&info, o);
		fm_sync_close(o);
	} else if (copy >= 0) {
		close(copy);
	}
}

/* Writes the input into the file fd, giving a header that says its data is
 * a segment this process's IPC namespace. */
static void plant(int fd, const uint8_t *data, size_t size)
{
	struct fm__header h;
	uint64_t ns;

	if (write(fd, data, size) != (ssize_t)size)
		abort();
	if (size < sizeof(h))
		return;
	memcpy(&h, data, sizeof(h));
	if ((h.flags & FM__HDR_SHM) && fm__ipc_namespace(&ns) == 0 &&
	    pwrite(fd, &ns, sizeof(ns), offsetof(struct fm__header, ipc_ns)) != sizeof(ns))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fm_section *s;
	int fd;

	setup();
	fd = open(dir_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(dir_path);
		abort();
	}
	plant(fd, data, size);
	if (flock(fd, LOCK_SH) < 0)
		abort();
	if (fm_section_open(&s, "fz", FM_READ) == 0)
		read_all(s);
	adopt(fd);
	close(fd);
	unlink(dir_path);
	return 0;
}
