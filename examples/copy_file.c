/* SPDX-License-Identifier: MIT */
/*
 * copy_file.c - copies a file through two file-backed sections.
 *
 *   usage: copy_file SRC DST
 *
 * SRC is mapped by a read-only section of its own size (size 0); DST is
 * created (or truncated) and given a writable section of SRC's size, which
 * grows it to exactly that size at once, its blocks taken, so a full disk
 * is an error here rather than a SIGBUS in the middle of the copy.  The
 * bytes then go view to view, one window of at most 256 MiB at a time, so
 * a file of any size (beyond 4 GiB too) needs only two windows of address
 * space.  The holes of a sparse SRC are not copied: DST's new blocks read
 * as zero already.
 *
 * An empty SRC has no section (a section needs at least one byte:
 * FM_EFILEEMPTY); its copy is the empty DST.
 */
#define _GNU_SOURCE
#include <filemap.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A multiple of any page size, as view offsets must be. */
#define WINDOW ((uint64_t)256 << 20)

/*
 * Copies the window [offset, offset + length) of the file open at fd from
 * from to to: only its data, found with SEEK_DATA and SEEK_HOLE.  A file
 * system that cannot tell holes reports it all as data.
 */
static void copy_window(char *to, const char *from, int fd, uint64_t offset, size_t length)
{
	uint64_t end = offset + length, at = offset;

	while (at < end) {
		off_t data = lseek(fd, (off_t)at, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			return; /* only a hole from here to the end of the file */
		if (data < 0) {
			data = (off_t)at; /* no answer: copy the rest */
			hole = (off_t)end;
		} else {
			hole = lseek(fd, data, SEEK_HOLE);
		}
		if ((uint64_t)data >= end)
			return;
		if (hole < 0 || (uint64_t)hole > end)
			hole = (off_t)end;
		memcpy(to + (data - (off_t)offset), from + (data - (off_t)offset),
		       (size_t)(hole - data));
		at = (uint64_t)hole;
	}
}

/* Copies src to dst window by window; 0, or -1 with the library's message. */
static int copy(fm_section *src, fm_section *dst, int src_fd)
{
	uint64_t size = fm_section_size(src);

	for (uint64_t offset = 0; offset < size; offset += WINDOW) {
		size_t length = (size_t)(size - offset < WINDOW ? size - offset : WINDOW);
		void *from, *to;

		if (fm_view_map(&from, src, offset, length, FM_READ) < 0)
			return -1;
		if (fm_view_map(&to, dst, offset, length, FM_WRITE) < 0) {
			fm_view_unmap(from);
			return -1;
		}
		copy_window(to, from, src_fd, offset, length);
		fm_view_unmap(to);
		fm_view_unmap(from);
	}
	return 0;
}

/* Opens path, saying why not. */
static int open_or_say(const char *path, int flags, mode_t mode)
{
	int fd = open(path, flags | O_CLOEXEC, mode);

	if (fd < 0)
		fprintf(stderr, "copy_file: %s: %s\n", path, strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	struct fm_section_opts src_opts = FM_SECTION_OPTS_INIT, dst_opts = FM_SECTION_OPTS_INIT;
	fm_section *src = NULL, *dst = NULL;
	int status = 1, r;

	if (argc != 3) {
		fprintf(stderr, "usage: copy_file SRC DST\n");
		return 2;
	}
	src_opts.fd = open_or_say(argv[1], O_RDONLY, 0);
	if (src_opts.fd < 0)
		return 1;
	dst_opts.fd = open_or_say(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (dst_opts.fd < 0)
		goto out;
	src_opts.access = FM_READ;
	r = fm_section_create(&src, NULL, 0, &src_opts);
	if (r == FM_EFILEEMPTY) {
		status = 0; /* the empty DST is the copy */
		goto out;
	}
	if (r >= 0)
		r = fm_section_create(&dst, NULL, fm_section_size(src), &dst_opts);
	if (r >= 0)
		r = copy(src, dst, src_opts.fd);
	if (r < 0)
		fprintf(stderr, "copy_file: %s -> %s: %s\n", argv[1], argv[2],
			fm_last_error_message());
	else
		status = 0;
out:
	fm_section_close(dst);
	fm_section_close(src);
	if (dst_opts.fd >= 0)
		close(dst_opts.fd);
	close(src_opts.fd);
	return status;
}
