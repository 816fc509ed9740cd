/* SPDX-License-Identifier: MIT */
/*
 * cmd_write.c - `filemap write NAME [--offset N] < DATA`.
 *
 * Data that does not fit the section from the offset is refused before a
 * byte is written, so the command must know how much there is first.  When
 * standard input is a regular file its size says, and the data is read
 * straight into the section a window at a time; from a pipe or a terminal
 * the data is read into memory first, but never more than one byte past
 * what fits, so an endless stream is refused without eating memory.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How much of the section is mapped at once, reading from a file. */
#define WINDOW ((size_t)64 << 20)

static int too_big(const char *name, const char *more, uint64_t amount, uint64_t size,
		   uint64_t offset)
{
	return tool_fail_advice(-ERANGE, "nothing was written",
				"%s: %s%llu bytes of data do not fit: the section has %llu bytes, "
				"%llu from offset %llu",
				name, more, (unsigned long long)amount, (unsigned long long)size,
				(unsigned long long)(size - offset), (unsigned long long)offset);
}

/* Reads up to len bytes from fd; returns how many (short only at end of
 * input), or -errno. */
static ssize_t read_full(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Standard input is a regular file of n bytes from its current position. */
static int from_file(fm_section *s, const char *name, uint64_t offset, uint64_t n)
{
	unsigned char *data;
	uint64_t done;
	size_t chunk;
	ssize_t got;
	int r;

	if (n > fm_section_size(s) - offset)
		return too_big(name, "", n, fm_section_size(s), offset);
	for (done = 0; done < n; done += chunk) {
		chunk = n - done < WINDOW ? (size_t)(n - done) : WINDOW;
		r = tool_map(s, offset + done, chunk, FM_WRITE, &data);
		if (r < 0)
			return tool_lib_failure(r);
		got = read_full(STDIN_FILENO, data, chunk);
		fm_view_unmap(data);
		if (got != (ssize_t)chunk)
			return tool_fail_advice(got < 0 ? (int)got : -EIO, "those were written",
						"%s: standard input %s after %llu of %llu bytes",
						name, got < 0 ? strerror((int)-got) : "shrank",
						(unsigned long long)(done + (got > 0 ? (uint64_t)got : 0)),
						(unsigned long long)n);
	}
	return TOOL_OK;
}

/* Reads all of standard input, up to room + 1 bytes, into *out. */
static int slurp(unsigned char **out, size_t *len, uint64_t room)
{
	size_t cap = 0, limit = room < SIZE_MAX - 1 ? (size_t)room + 1 : SIZE_MAX;
	unsigned char *buf = NULL, *grown;
	ssize_t n = 1;

	*out = NULL;
	*len = 0;
	while (*len < limit && n > 0) {
		if (*len == cap) {
			cap = cap < 65536 ? 65536 : cap * 2;
			cap = cap < limit ? cap : limit;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				return tool_fail(-ENOMEM, "out of memory reading standard input");
			}
			buf = grown;
		}
		n = read_full(STDIN_FILENO, buf + *len, cap - *len);
		if (n < 0) {
			free(buf);
			return tool_fail((int)n, "cannot read standard input: %s", strerror((int)-n));
		}
		*len += (size_t)n;
	}
	*out = buf;
	return TOOL_OK;
}

/* Standard input is a pipe or a terminal: its size is known at its end. */
static int from_stream(fm_section *s, const char *name, uint64_t offset)
{
	uint64_t room = fm_section_size(s) - offset;
	unsigned char *buf, *data;
	size_t len;
	int r;

	r = slurp(&buf, &len, room);
	if (r != TOOL_OK)
		return r;
	if (len > room) {
		r = too_big(name, "more than ", room, fm_section_size(s), offset);
	} else if (len > 0) {
		r = tool_map(s, offset, len, FM_WRITE, &data);
		if (r < 0) {
			r = tool_lib_failure(r);
		} else {
			memcpy(data, buf, len);
			fm_view_unmap(data);
		}
	}
	free(buf);
	return r;
}

int cmd_write(int argc, char **argv)
{
	uint64_t offset = 0;
	const struct tool_opt opts[] = {
		{ "offset", TOOL_OPT_SIZE, &offset, 0 },
		{ NULL },
	};
	struct fm__name name;
	fm_section *s;
	struct stat st;
	off_t at;
	char *arg;
	int r;

	r = tool_parse_args(argc, argv, opts, "NAME", &arg);
	if (r == TOOL_OK)
		r = tool_open_section(&s, &name, arg, FM_READ | FM_WRITE);
	if (r != TOOL_OK)
		return r;
	r = tool_check_range(name.full, fm_section_size(s), offset, 0);
	if (r == TOOL_OK) {
		tool_catch_sigbus();
		if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
		    (at = lseek(STDIN_FILENO, 0, SEEK_CUR)) >= 0)
			r = from_file(s, name.full, offset,
				      st.st_size > at ? (uint64_t)(st.st_size - at) : 0);
		else
			r = from_stream(s, name.full, offset);
	}
	fm_section_close(s);
	fm__name_free(&name);
	return r;
}
