/* SPDX-License-Identifier: MIT */
/*
 * worker-native.c - the comparison cases through filemap's native API
 * (fm_section_*, fm_view_*, fm_mutex_*), plus memcpy into a view next to
 * memcpy into private memory.  Driven by bench/run.py (see worker.h).
 */
#define _GNU_SOURCE
#include "worker.h"

#include <filemap.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fm_section *held_small, *held_large, *held_shared;
static fm_mutex *mutex;
static char *source, *private_copy;
static void *large_view;
static char created[128], held_name[128], shared_name[128];

const char *worker_error(void)
{
	return fm_last_error_message();
}

/* Maps all of s, touching every page if asked, and unmaps it. */
static int map_unmap(fm_section *s, int touch)
{
	void *v;

	if (fm_view_map(&v, s, 0, 0, FM_WRITE) < 0)
		return -1;
	if (touch)
		worker_touch(v, fm_section_size(s));
	return fm_view_unmap(v) < 0 ? -1 : 0;
}

/* Create, map, unmap, close; with flags in the create's options. */
static int create_map_close(unsigned flags)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;
	int r;

	opts.flags = flags;
	if (fm_section_create(&s, created, WORKER_SMALL, &opts) != 0)
		return -1; /* FM_EXISTED too: the name must be new every time */
	r = map_unmap(s, 0);
	fm_section_close(s);
	return r;
}

static int lifecycle(void)
{
	return create_map_close(0);
}

/* The same without the reservation (a sparse section, as shm_open's is):
 * what committing the memory at create costs shows as the difference. */
static int lifecycle_sparse(void)
{
	return create_map_close(FM_SECTION_RESERVE);
}

static int prepare_small(void)
{
	worker_name(created, sizeof(created), "Local\\", "created");
	worker_name(held_name, sizeof(held_name), "Local\\", "held");
	if (!held_small && fm_section_create(&held_small, held_name, WORKER_SMALL, NULL) != 0)
		return -1;
	return 0;
}

/* The holder's side of "open": the name exists while this worker lives. */
static int prepare_hold(void)
{
	worker_shared_name(shared_name, sizeof(shared_name), "Local\\", "held");
	if (!held_shared && fm_section_create(&held_shared, shared_name, WORKER_SMALL, NULL) != 0)
		return -1;
	return 0;
}

static int hold_nothing(void)
{
	return 0;
}

static int prepare_open(void)
{
	worker_shared_name(shared_name, sizeof(shared_name), "Local\\", "held");
	return 0;
}

/* Opens the name another process holds, maps all of it, unmaps, closes. */
static int open_existing(void)
{
	fm_section *s;
	int r;

	if (fm_section_open(&s, shared_name, FM_READ | FM_WRITE) < 0)
		return -1;
	r = map_unmap(s, 0);
	fm_section_close(s);
	return r;
}

/* A second handle to a section this process holds: by its name... */
static int open_again(void)
{
	fm_section *s;

	if (fm_section_open(&s, held_name, FM_READ | FM_WRITE) < 0)
		return -1;
	fm_section_close(s);
	return 0;
}

/* ... and by duplicating the handle. */
static int dup_handle(void)
{
	fm_section *s;

	if (fm_section_dup(&s, held_small, 0) < 0)
		return -1;
	fm_section_close(s);
	return 0;
}

static int prepare_large(void)
{
	char name[128];

	worker_name(name, sizeof(name), "Local\\", "large");
	return held_large ? 0 : fm_section_create(&held_large, name, WORKER_LARGE, NULL) == 0 ? 0 : -1;
}

static int map_small(void) { return map_unmap(held_small, 0); }
static int map_small_touched(void) { return map_unmap(held_small, 1); }
static int map_large(void) { return map_unmap(held_large, 0); }
static int map_large_touched(void) { return map_unmap(held_large, 1); }

/* The memcpy cases copy WORKER_LARGE bytes from a private buffer into
 * either a view or another private buffer, both faulted in beforehand, so
 * that only the copy's bandwidth is measured. */
static int prepare_source(void)
{
	if (source)
		return 0;
	source = malloc(WORKER_LARGE);
	if (!source)
		return -1;
	memset(source, 0x5a, WORKER_LARGE);
	return 0;
}

static int prepare_memcpy_view(void)
{
	if (prepare_source() < 0 || prepare_large() < 0)
		return -1;
	if (fm_view_map(&large_view, held_large, 0, 0, FM_WRITE) < 0)
		return -1;
	memset(large_view, 0, WORKER_LARGE);
	return 0;
}

static int prepare_memcpy_private(void)
{
	if (prepare_source() < 0)
		return -1;
	private_copy = malloc(WORKER_LARGE);
	if (!private_copy)
		return -1;
	memset(private_copy, 0, WORKER_LARGE);
	return 0;
}

static int memcpy_view(void)
{
	memcpy(large_view, source, WORKER_LARGE);
	return 0;
}

static int memcpy_private(void)
{
	memcpy(private_copy, source, WORKER_LARGE);
	return 0;
}

static int prepare_mutex(void)
{
	char name[128];

	worker_name(name, sizeof(name), "Local\\", "mutex");
	return fm_mutex_create(&mutex, name, 0, NULL) < 0 ? -1 : 0;
}

static int lock_unlock(void)
{
	return fm_mutex_lock(mutex, FM_INFINITE) < 0 || fm_mutex_unlock(mutex) < 0 ? -1 : 0;
}

const struct worker_case worker_cases[] = {
	WORKER_COMMON_CASES,
	{ "lifecycle-sparse", prepare_small, lifecycle_sparse },
	{ "open-again", prepare_small, open_again },
	{ "dup", prepare_small, dup_handle },
	{ "memcpy-view", prepare_memcpy_view, memcpy_view },
	{ "memcpy-private", prepare_memcpy_private, memcpy_private },
	{ NULL, NULL, NULL },
};

void worker_cleanup(void)
{
	if (large_view)
		fm_view_unmap(large_view);
	fm_section_close(held_small);
	fm_section_close(held_large);
	fm_section_close(held_shared);
	fm_mutex_close(mutex);
	free(source);
	free(private_copy);
}
