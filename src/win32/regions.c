/* SPDX-License-Identifier: MIT */
/*
 * regions.c - the state Windows keeps for each page that Linux does not:
 * for memory from VirtualAlloc, which pages are reserved and which
 * committed, and each page's protection as Windows names it; for a view,
 * the protection VirtualProtect or VirtualAlloc gave its pages (a view's
 * commit state is its section's, and lives in the core: fm_view_committed).
 *
 * A region is one allocation: its base, size, type and allocation
 * protection, and its pages as runs of pages alike, kept merged, so that a
 * run is exactly what VirtualQuery reports as one region of pages and a
 * reservation of any size costs a few runs.  The regions sit in an array
 * sorted by base, under one lock; the system calls that change the pages
 * (mmap, mprotect) are made by the callers, outside it.
 */
#include "w32.h"

#include <pthread.h>
#include <stdlib.h>

/* A run of pages alike: [first, first + count) of its region. */
struct run {
	size_t first, count;
	DWORD state, protect;
};

struct region {
	struct w32_region info;
	struct run *runs;
	size_t nruns;
};

static struct {
	pthread_mutex_t lock; /* guards all below */
	struct region **items; /* sorted by base; regions never overlap */
	size_t count, cap;
} regions = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void lock_regions(void)
{
	pthread_mutex_lock(&regions.lock);
}

static void unlock_regions(void)
{
	pthread_mutex_unlock(&regions.lock);
}

/* A fork while another thread holds the lock must not leave the child's
 * locked forever. */
__attribute__((constructor)) static void regions_start_up(void)
{
	pthread_atfork(lock_regions, unlock_regions, unlock_regions);
}

static size_t page_size(void)
{
	return fm_page_size();
}

/* The index of the region containing addr, or of where one would go. */
static size_t search_locked(uintptr_t addr, bool *found)
{
	size_t lo = 0, hi = regions.count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct w32_region *r = &regions.items[mid]->info;

		if (addr < r->base) {
			hi = mid;
		} else if (addr >= r->base + r->size) {
			lo = mid + 1;
		} else {
			*found = true;
			return mid;
		}
	}
	*found = false;
	return lo;
}

static void region_free(struct region *r)
{
	if (r) {
		free(r->runs);
		free(r);
	}
}

bool w32_region_add(const struct w32_region *info, DWORD state, DWORD protect)
{
	struct region *r = calloc(1, sizeof(*r)), **grown;
	bool found, ok = false;
	size_t at;

	if (!r || !(r->runs = malloc(sizeof(*r->runs)))) {
		region_free(r);
		return false;
	}
	r->info = *info;
	r->runs[0] = (struct run){ 0, info->size / page_size(), state, protect };
	r->nruns = 1;
	lock_regions();
	at = search_locked(info->base, &found);
	if (!found && regions.count == regions.cap) {
		grown = realloc(regions.items, (regions.cap ? 2 * regions.cap : 16) * sizeof(*grown));
		if (grown) {
			regions.items = grown;
			regions.cap = regions.cap ? 2 * regions.cap : 16;
		}
	}
	if (!found && regions.count < regions.cap) {
		memmove(regions.items + at + 1, regions.items + at,
			(regions.count - at) * sizeof(*regions.items));
		regions.items[at] = r;
		regions.count++;
		ok = true;
	}
	unlock_regions();
	if (!ok)
		region_free(r);
	return ok;
}

bool w32_region_remove(uintptr_t base)
{
	struct region *r = NULL;
	bool found;
	size_t at;

	lock_regions();
	at = search_locked(base, &found);
	if (found && regions.items[at]->info.base == base) {
		r = regions.items[at];
		memmove(regions.items + at, regions.items + at + 1,
			(regions.count - at - 1) * sizeof(*regions.items));
		regions.count--;
	}
	unlock_regions();
	region_free(r);
	return r != NULL;
}

bool w32_region_find(struct w32_region *out, const void *addr)
{
	bool found;
	size_t at;

	lock_regions();
	at = search_locked((uintptr_t)addr, &found);
	if (found)
		*out = regions.items[at]->info;
	unlock_regions();
	return found;
}

/* The run holding page index, in r (lock held). */
static const struct run *run_of(const struct region *r, size_t page)
{
	size_t i;

	for (i = 0; i < r->nruns; i++)
		if (page < r->runs[i].first + r->runs[i].count)
			return &r->runs[i];
	return &r->runs[r->nruns - 1];
}

bool w32_region_page(struct w32_page *out, const void *addr)
{
	const struct region *r;
	const struct run *run;
	bool found;
	size_t at, page;

	lock_regions();
	at = search_locked((uintptr_t)addr, &found);
	if (found) {
		r = regions.items[at];
		page = ((uintptr_t)addr - r->info.base) / page_size();
		run = run_of(r, page);
		*out = (struct w32_page){ run->state, run->protect,
					  (run->first + run->count - page) * page_size() };
	}
	unlock_regions();
	return found;
}

/* Appends a run to runs (room made by the caller), merging it with the
 * last one when they are alike. */
static void append(struct run *runs, size_t *n, struct run add)
{
	struct run *last = *n ? &runs[*n - 1] : NULL;

	if (!add.count)
		return;
	if (last && last->state == add.state && last->protect == add.protect &&
	    last->first + last->count == add.first)
		last->count += add.count;
	else
		runs[(*n)++] = add;
}

/* Sets pages [first, first + count) of r to state and protect (lock
 * held): the runs before, the new one, the runs after, merged. */
static bool set_locked(struct region *r, size_t first, size_t count, DWORD state, DWORD protect)
{
	struct run *runs = malloc((r->nruns + 2) * sizeof(*runs)), cut;
	size_t i, n = 0, end = first + count;

	if (!runs)
		return false;
	for (i = 0; i < r->nruns && r->runs[i].first < first; i++) {
		cut = r->runs[i];
		if (cut.first + cut.count > first)
			cut.count = first - cut.first;
		append(runs, &n, cut);
	}
	append(runs, &n, (struct run){ first, count, state, protect });
	for (i = 0; i < r->nruns; i++) {
		cut = r->runs[i];
		if (cut.first + cut.count <= end)
			continue;
		if (cut.first < end) {
			cut.count -= end - cut.first;
			cut.first = end;
		}
		append(runs, &n, cut);
	}
	free(r->runs);
	r->runs = runs;
	r->nruns = n;
	return true;
}

bool w32_region_set(const void *addr, size_t length, DWORD state, DWORD protect)
{
	struct region *r;
	bool found, ok = false;
	size_t at, first;

	lock_regions();
	at = search_locked((uintptr_t)addr, &found);
	if (found) {
		r = regions.items[at];
		first = ((uintptr_t)addr - r->info.base) / page_size();
		if ((uintptr_t)addr + length <= r->info.base + r->info.size)
			ok = set_locked(r, first, length / page_size(), state, protect);
	}
	unlock_regions();
	return ok;
}
