/* SPDX-License-Identifier: MIT */
/*
 * header.c - reading and checking the header that starts every object file.
 *
 * A store file may have been written by a crashing process, another version,
 * or another user on purpose; nothing in it is trusted until every field has
 * been checked against the file's own fstat, and nothing in it is trusted
 * beyond its owner's rights: a store file that others may write is refused.
 * A header that fails is reported as FM_ECORRUPT with the reason, and its
 * object is never mapped.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

uint32_t fm__header_size(size_t name_size, size_t path_size)
{
	return (uint32_t)fm__round_up(FM__HEADER_NAME_OFFSET + name_size + path_size,
				      fm__page_size());
}

static bool known_type(uint32_t type)
{
	return type >= FM__TYPE_SECTION && type <= FM__TYPE_SEMAPHORE;
}

/* The bytes after the fixed part that fm__header_read takes in its one read. */
#define NAME_AHEAD 128

static const char not_ours[] = "bad magic: not a filemap object";
static const char truncated[] = "truncated header";

bool fm__header_is_ours(const char *why)
{
	return why != not_ours && why != truncated;
}

/*
 * A section's store file is its header and data; a file-backed section's
 * is its header alone, with the backing file's path after the name (which
 * only an unnamed one may lack); so is one whose data is a shared memory
 * segment.
 */
static const char *check_section(const struct fm__header *h, const struct stat *st)
{
	bool file = h->flags & FM__HDR_FILE, elsewhere = h->flags & (FM__HDR_FILE | FM__HDR_SHM);

	if (h->size == 0 || h->size > (uint64_t)INT64_MAX - h->header_size ||
	    (uint64_t)st->st_size != h->header_size + (elsewhere ? 0 : h->size))
		return "section size does not match the file";
	/* An unnamed file section's file may have had no path. */
	if (file ? h->path_size == 0 && h->name_size != 0 : h->path_size != 0)
		return "bad backing path size";
	return NULL;
}

/* Where the data is: the flags that say so, and the segment's id. */
static const char *check_data(const struct fm__header *h)
{
	if ((h->flags & FM__HDR_FILE) && (h->flags & FM__HDR_SHM))
		return "data both in a file and in shared memory";
	if ((h->flags & FM__HDR_FILE) && h->type != FM__TYPE_SECTION)
		return "only a section can be backed by a file";
	if ((h->flags & FM__HDR_SHM) && (h->shm_id < 0 || h->name_size == 0))
		return "bad shared memory segment";
	return NULL;
}

/* Checks the fixed fields; returns NULL if sound, else why not. */
static const char *check_fixed(const struct fm__header *h, const struct stat *st)
{
	uint64_t state_in_file;
	const char *why;

	if (memcmp(h->magic, FM__MAGIC, sizeof(h->magic)) != 0)
		return not_ours;
	if (h->version < FM__FORMAT_VERSION)
		return "made by an older filemap (format version below 2); "
		       "end the programs that hold it, or remove it with filemap rm";
	if (h->version != FM__FORMAT_VERSION)
		return "made by a newer filemap (unknown format version)";
	/* Only the owner's word counts: what others could write, nobody trusts. */
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "the store file is writable by other users";
	if (!known_type(h->type))
		return "unknown object type";
	if (h->header_size % fm__page_size() != 0 || h->header_size > FM__HEADER_MAX)
		return "bad header size";
	if (h->name_size > FM__NAME_MAX_BYTES || h->path_size > PATH_MAX ||
	    h->header_size < fm__header_size(h->name_size, h->path_size))
		return "bad name or path size";
	if (h->flags & ~FM__HDR_KNOWN)
		return "unknown flags";
	if (h->max_access & ~(FM_READ | FM_WRITE | FM_EXEC))
		return "bad access bits";
	if (h->mode & ~0777u)
		return "bad mode";
	if ((uint64_t)st->st_size < h->header_size)
		return truncated;
	if ((why = check_data(h)) != NULL)
		return why;
	if (h->type == FM__TYPE_SECTION)
		return check_section(h, st);
	/* A sync object is its header and one state page: in the file after
	 * the header, or a segment of one page (FM__HDR_SHM). */
	state_in_file = h->flags & FM__HDR_SHM ? 0 : fm__page_size();
	if (h->size != 0 || (h->flags & ~FM__HDR_SHM) ||
	    (uint64_t)st->st_size != h->header_size + state_in_file)
		return "sync object size does not match the file";
	return NULL;
}

/* Whether the name_size bytes at stored, the name of the sound header h,
 * are a name: else FM_ECORRUPT with *why. */
static int check_name(const char *stored, const struct fm__header *h, const char **why)
{
	if (memchr(stored, '\0', h->name_size)) {
		*why = "bad name";
		return FM_ECORRUPT;
	}
	return 0;
}

/* Takes the name of the sound header h from the name_size bytes at stored:
 * 0 with *out (malloc'd, NUL-terminated), FM_ECORRUPT with *why. */
static int take_name(const char *stored, const struct fm__header *h, char **out,
		     const char **why)
{
	int r = check_name(stored, h, why);
	char *name;

	if (r < 0)
		return r;
	name = malloc(h->name_size + 1);
	if (!name)
		return -ENOMEM;
	memcpy(name, stored, h->name_size);
	name[h->name_size] = '\0';
	*out = name;
	return 0;
}

/* Reads the full name of the sound header h from fd: 0 with *out (malloc'd,
 * NUL-terminated), FM_ECORRUPT with *why, or -errno. */
static int read_name(int fd, const struct fm__header *h, char **out, const char **why)
{
	char *name = malloc(h->name_size + 1);
	ssize_t n;
	int r;

	if (!name)
		return -ENOMEM;
	n = fm__os_pread(fd, name, h->name_size, FM__HEADER_NAME_OFFSET);
	if (n != (ssize_t)h->name_size) {
		*why = "truncated name";
		r = n < 0 ? (int)n : FM_ECORRUPT;
	} else {
		r = check_name(name, h, why);
	}
	if (r < 0) {
		free(name);
		return r;
	}
	name[h->name_size] = '\0';
	*out = name;
	return 0;
}

/* Checks the fixed part h that a read of n bytes gave. */
static int check_read(ssize_t n, const struct fm__header *h, const struct stat *st,
		      const char **why)
{
	if (n < 0)
		return (int)n;
	*why = (size_t)n < sizeof(*h) ? truncated : check_fixed(h, st);
	return *why ? FM_ECORRUPT : 0;
}

int fm__header_read(int fd, const struct stat *st, struct fm__header *hdr,
		    char **name_out, const char **why)
{
	char ahead[NAME_AHEAD];
	struct fm__header h;
	ssize_t n;
	int r;

	/* One read for the fixed part and, most often, the whole name after it
	 * (a listing reads 100,000 headers); a longer name is read again. */
	n = fm__os_pread2(fd, &h, sizeof(h), ahead, name_out ? sizeof(ahead) : 0, 0);
	r = check_read(n, &h, st, why);
	if (r == 0 && name_out)
		r = (size_t)n - sizeof(h) >= h.name_size ? take_name(ahead, &h, name_out, why)
							  : read_name(fd, &h, name_out, why);
	if (r == 0)
		*hdr = h;
	return r;
}

int fm__header_read_named(int fd, const struct stat *st, struct fm__header *hdr,
			  const char *name, size_t name_len, const char **why)
{
	/* Most names fit on the stack: an open then allocates nothing here. */
	char small[256];
	char *stored = name_len <= sizeof(small) ? small : malloc(name_len);
	struct fm__header h;
	bool same;
	ssize_t n;
	int r;

	if (!stored)
		return -ENOMEM;
	/* One read for the fixed part and, if it is name, the name after it. */
	n = fm__os_pread2(fd, &h, sizeof(h), stored, name_len, 0);
	r = check_read(n, &h, st, why);
	same = r == 0 && h.name_size == name_len && (size_t)n == sizeof(h) + name_len &&
	       memcmp(stored, name, name_len) == 0;
	if (stored != small)
		free(stored);
	if (r == 0 && !same) {
		/* Another name, or a bad one: read it as stored, to tell. */
		stored = NULL;
		r = read_name(fd, &h, &stored, why);
		if (r == 0 && strcmp(stored, name) != 0)
			r = 1;
		free(stored);
	}
	if (r == 0)
		*hdr = h;
	return r;
}

int fm__header_read_path(int fd, const struct fm__header *hdr, char **path_out,
			 const char **why)
{
	char *path = malloc(hdr->path_size + 1);
	ssize_t n;

	if (!path)
		return -ENOMEM;
	n = fm__os_pread(fd, path, hdr->path_size, FM__HEADER_NAME_OFFSET + hdr->name_size);
	if (n != (ssize_t)hdr->path_size) {
		free(path);
		*why = "truncated backing path";
		return n < 0 ? (int)n : FM_ECORRUPT;
	}
	path[hdr->path_size] = '\0';
	if (path[0] != '/' || memchr(path, '\0', hdr->path_size)) {
		free(path);
		*why = "bad backing path";
		return FM_ECORRUPT;
	}
	*path_out = path;
	return 0;
}
