/* SPDX-License-Identifier: MIT */
/*
 * fuzz-sync.c - libFuzzer target: any values in a sync object's state
 * page, as a hostile co-holder could write them, then any operations.
 *
 * The input picks one of four objects (a mutex, an auto-reset and a
 * manual-reset event, a semaphore), freshly made for the input, either
 * Local\ (the state page in its store file) or Global\ and shared with
 * other users (the state page a SysV segment, a mutex's private page
 * mapped right after it), writes
 * chosen 32-bit values at chosen places of its state page (between
 * operations too, and while this thread owns the mutex), and runs
 * operations on it: lock, trylock, unlock, the waits (with timeouts of 0
 * and 1 ms, alone and among the others in a wait-any and a wait-all), set,
 * reset, pulse, release, query, and a second handle opened and closed.
 * Every operation must return, within a second (else abort: the fuzzer
 * reports a hang as a crash), with a result from its documented set;
 * none may crash, and nothing may be left in the store.
 *
 * Input: byte 0 the object (bits 0-1) and whether the four are shared (bit
 * 2); then steps of 6 bytes: an operation code, and for a write, a
 * 4-byte-word index of the page and a value.
 */
#define _GNU_SOURCE
#include "store.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MS           1000000ull
#define OP_LIMIT_NS  1000000000ll /* an operation that takes longer hung */
#define STEP         6

static const char *const names[2][4] = {
	{ "Local\\fm", "Local\\fa", "Local\\fe", "Local\\fs" },
	{ "Global\\fm", "Global\\fa", "Global\\fe", "Global\\fs" },
};

static fm_sync *make(int which, bool shared)
{
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	const char *name = names[shared][which];
	fm_sync *o = NULL;
	int r;

	opts.mode = shared ? 0666 : 0600;
	if (which == 0)
		r = fm_mutex_create(&o, name, 0, &opts);
	else if (which == 3)
		r = fm_semaphore_create(&o, name, 1, 3, &opts);
	else
		r = fm_event_create(&o, name, which == 2 ? FM_EVENT_MANUAL_RESET : 0, &opts);
	if (r != 0)
		abort();
	return o;
}

/* Whether r is a result the operation may give on a state anyone wrote. */
static bool acceptable(int r)
{
	return r == 0 || r == FM_ABANDONED || r == -ETIMEDOUT || r == -EBUSY || r == -EPERM ||
	       r == FM_ECORRUPT || r == FM_ETYPE || r == -EOVERFLOW || r == -EAGAIN;
}

/* Writes value at the word index of o's state page. */
static void poke(fm_sync *o, uint8_t index, uint32_t value)
{
	_Atomic uint32_t *page =
		(_Atomic uint32_t *)((uintptr_t)o->state & ~(uintptr_t)(fm_page_size() - 1));
	size_t words = fm_page_size() / 4;
	/* Mostly the object's own line, sometimes anywhere in the page. */
	size_t line = (size_t)((_Atomic uint32_t *)o->state - page);
	size_t at = index & 0x80 ? (index * 131u) % words : line + (index & 15);

	atomic_store(&page[at], value);
}

static int wait_among(fm_sync *o, fm_sync *const others[4], bool all)
{
	fm_sync *objs[4];
	size_t n = 0, index;

	objs[n++] = o;
	for (int i = 0; i < 4; i++)
		if (others[i] && others[i] != o && n < (all ? 2 : 4))
			objs[n++] = others[i];
	return all ? fm_wait_all(objs, n, MS, &index) : fm_wait_any(objs, n, MS, &index);
}

/* Opens another handle of o by name. */
static int open_again(fm_sync **out, fm_sync *o)
{
	switch (fm_sync_type(o)) {
	case FM_TYPE_MUTEX:
		return fm_mutex_open(out, fm_sync_name(o));
	case FM_TYPE_EVENT:
		return fm_event_open(out, fm_sync_name(o));
	default:
		return fm_semaphore_open(out, fm_sync_name(o));
	}
}

static int operate(fm_sync *o, fm_sync *const all[4], uint8_t op, uint32_t arg)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;
	fm_sync *d;
	int r;

	switch (op % 14) {
	case 0: return fm_mutex_lock(o, 0);
	case 1: return fm_mutex_lock(o, MS);
	case 2: return fm_mutex_trylock(o);
	case 3: return fm_mutex_unlock(o);
	case 4: return fm_sync_wait(o, arg & 1 ? MS : 0);
	case 5: return wait_among(o, all, false);
	case 6: return wait_among(o, all, true);
	case 7: return fm_event_set(o);
	case 8: return fm_event_reset(o);
	case 9: return fm_event_pulse(o);
	case 10: return fm_semaphore_release(o, arg % 4 + 1, NULL);
	case 11: return fm_sync_query(&info, o);
	case 12:
		r = fm_sync_dup(&d, o);
		break;
	default:
		r = open_again(&d, o);
		break;
	}
	if (r == 0)
		fm_sync_close(d);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fm_sync *all[4] = { NULL, NULL, NULL, NULL }, *o;
	int which;

	fuzz_store();
	if (size < 1)
		return 0;
	which = data[0] % 4;
	for (int i = 0; i < 4; i++)
		all[i] = make(i, data[0] & 4);
	o = all[which];
	for (size_t at = 1; at + STEP <= size; at += STEP) {
		uint32_t value;
		int64_t start;
		int r;

		memcpy(&value, data + at + 2, 4);
		if (data[at] & 0x80) {
			poke(o, data[at + 1], value);
			continue;
		}
		start = fm__now_ns();
		r = operate(o, all, data[at], value);
		if (fm__now_ns() - start > OP_LIMIT_NS || !acceptable(r)) {
			fprintf(stderr, "operation %u gave %d (%s) after %lld ns\n", data[at] % 14, r,
				fm_errname(r), (long long)(fm__now_ns() - start));
			abort();
		}
	}
	/* Let go of what this thread owns, however the state reads now. */
	while (fm_mutex_unlock(all[0]) == 0)
		;
	for (int i = 0; i < 4; i++)
		fm_sync_close(all[i]);
	return 0;
}
