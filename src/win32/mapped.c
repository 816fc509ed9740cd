/* SPDX-License-Identifier: MIT */
/*
 * mapped.c - whether a file has a section that Windows would refuse to cut
 * short: SetEndOfFile fails with ERROR_USER_MAPPED_FILE while a section of
 * the file exists (Microsoft: unmap every view and close the mapping
 * first), where Linux would truncate and leave the views to SIGBUS.
 *
 * What is seen, without a lock anyone else could see: every section handle
 * of this process (through the file its section maps), and every view of
 * the file in any process whose memory map this one may read (its own
 * user's, or every process for root), from /proc/<pid>/maps.  A section
 * another process holds without a view of it is not seen.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The file a handle may name. */
struct identity {
	dev_t dev;
	ino_t ino;
};

static bool section_maps(const struct w32_object *obj, const void *arg)
{
	const struct identity *id = arg;
	struct stat st;
	int fd;

	if (obj->kind != W32_SECTION)
		return false;
	fd = fm_section_file_fd(obj->section);
	return fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == id->dev && st.st_ino == id->ino;
}

/* Whether the memory map of process pid (a /proc entry) maps the file. */
static bool process_maps(const char *pid, const struct identity *id)
{
	char path[300], *line = NULL;
	unsigned int major_no, minor_no;
	unsigned long long ino;
	bool found = false;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return false; /* another user's, or gone meanwhile */
	while (!found && getline(&line, &cap, f) > 0)
		found = sscanf(line, "%*s %*s %*s %x:%x %llu", &major_no, &minor_no, &ino) == 3 &&
			ino == (unsigned long long)id->ino && makedev(major_no, minor_no) == id->dev;
	free(line);
	fclose(f);
	return found;
}

static bool any_process_maps(const struct identity *id)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	bool found = false;

	if (!proc)
		return false;
	while (!found && (e = readdir(proc)))
		if (isdigit((unsigned char)e->d_name[0]))
			found = process_maps(e->d_name, id);
	closedir(proc);
	return found;
}

bool w32_file_has_section(int fd)
{
	struct identity id;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return false;
	id = (struct identity){ st.st_dev, st.st_ino };
	return w32_handle_any(section_maps, &id) || any_process_maps(&id);
}
