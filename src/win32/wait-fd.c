/* SPDX-License-Identifier: MIT */
/*
 * wait-fd.c - waits that include an object signalled through a descriptor
 * (a W32_WAITFD handle: a process), alone or beside mutexes, events and
 * semaphores.
 *
 * Such an object, once signalled, stays signalled, its descriptor polls
 * readable, and no wait consumes it.  So:
 *
 *   - one of them, or several with no sync object: poll(), exact;
 *   - wait-all: poll until every descriptor is readable (which consumes
 *     nothing and cannot be undone), then the native wait-all on the sync
 *     objects with the time left: still all or nothing;
 *   - wait-any beside sync objects: no one call sleeps on a futex and a
 *     descriptor at once, so the wait takes an available sync object whose
 *     index is below the lowest signalled descriptor's, else answers that
 *     descriptor, else sleeps on the sync objects for a slice (1 ms,
 *     doubling up to 50 ms) and looks again.  A sync object's signal wakes
 *     it at once; a process's end is seen within a slice.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>

#define SLICE_FIRST_MS 1u
#define SLICE_MAX_MS   50u
#define NS_PER_MS      1000000ull

struct deadline {
	bool forever;
	uint64_t at_ms; /* CLOCK_MONOTONIC */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / NS_PER_MS;
}

static struct deadline deadline_in(DWORD ms)
{
	return (struct deadline){ .forever = ms == INFINITE, .at_ms = now_ms() + ms };
}

/* The milliseconds left (INFINITE for none), never more than INFINITE - 1. */
static DWORD left_ms(const struct deadline *d)
{
	uint64_t now = now_ms();

	if (d->forever)
		return INFINITE;
	if (now >= d->at_ms)
		return 0;
	return d->at_ms - now >= INFINITE ? INFINITE - 1 : (DWORD)(d->at_ms - now);
}

static uint64_t native_timeout(DWORD ms)
{
	return ms == INFINITE ? FM_INFINITE : (uint64_t)ms * NS_PER_MS;
}

static int poll_timeout(DWORD ms)
{
	return ms == INFINITE ? -1 : ms > (DWORD)INT_MAX ? INT_MAX : (int)ms;
}

/* Polls fds until one is readable or the deadline passes: the number
 * readable, 0 at the deadline, or -errno (-EBADF for a closed one). */
static int poll_until(struct pollfd *fds, size_t n, const struct deadline *d)
{
	for (;;) {
		DWORD left = left_ms(d);
		int r = poll(fds, n, poll_timeout(left));

		for (size_t i = 0; r > 0 && i < n; i++)
			if (fds[i].revents & POLLNVAL)
				return -EBADF;
		if (r > 0 || (r == 0 && left_ms(d) == 0))
			return r;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

int w32_waitfd_wait(int fd, DWORD timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct deadline d = deadline_in(timeout_ms);
	int r = poll_until(&p, 1, &d);

	return r > 0 ? 0 : r == 0 ? -ETIMEDOUT : r;
}

static DWORD failed(DWORD error)
{
	SetLastError(error);
	return WAIT_FAILED;
}

static DWORD failed_errno(int r)
{
	return failed(r == -EBADF ? ERROR_INVALID_HANDLE : w32_file_error(-r));
}

/* Whether objs[i] and objs[j] are one object (wait-all refuses that). */
static bool same_object(const struct w32_object *a, const struct w32_object *b)
{
	struct stat sa, sb;

	if (a->kind != b->kind)
		return false;
	if (a->kind == W32_WAITFD)
		return a->waitfd == b->waitfd && a->id == b->id;
	return fstat(fm_sync_fileno(a->sync), &sa) == 0 && fstat(fm_sync_fileno(b->sync), &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool has_duplicate(const struct w32_object *objs, DWORD count)
{
	for (DWORD i = 0; i < count; i++)
		for (DWORD j = i + 1; j < count; j++)
			if (same_object(&objs[i], &objs[j]))
				return true;
	return false;
}

/* The sync objects among objs[0..limit), and each one's index in objs. */
static size_t gather_syncs(fm_sync **syncs, DWORD *where, const struct w32_object *objs,
			   DWORD limit)
{
	size_t n = 0;

	for (DWORD i = 0; i < limit; i++)
		if (objs[i].kind == W32_SYNC || objs[i].kind == W32_THREAD) {
			syncs[n] = objs[i].sync;
			where[n++] = i;
		}
	return n;
}

static DWORD wait_all(const struct w32_object *objs, DWORD count, const struct deadline *d)
{
	fm_sync *syncs[MAXIMUM_WAIT_OBJECTS];
	DWORD where[MAXIMUM_WAIT_OBJECTS];
	size_t n, index = 0;
	int r;

	if (has_duplicate(objs, count))
		return failed(ERROR_INVALID_PARAMETER);
	for (DWORD i = 0; i < count; i++) {
		if (objs[i].kind != W32_WAITFD)
			continue;
		struct pollfd p = { .fd = objs[i].fd, .events = POLLIN };

		r = poll_until(&p, 1, d);
		if (r <= 0)
			return r == 0 ? WAIT_TIMEOUT : failed_errno(r);
	}
	n = gather_syncs(syncs, where, objs, count);
	if (n == 0)
		return WAIT_OBJECT_0;
	r = fm_wait_all(syncs, n, native_timeout(left_ms(d)), &index);
	return w32_wait_result(r, 0);
}

/* The lowest index of a signalled descriptor object, count if none, or
 * -errno. */
static long lowest_signalled(const struct w32_object *objs, DWORD count)
{
	struct pollfd p;

	for (DWORD i = 0; i < count; i++) {
		if (objs[i].kind != W32_WAITFD)
			continue;
		p = (struct pollfd){ .fd = objs[i].fd, .events = POLLIN };
		if (poll(&p, 1, 0) < 0)
			return -errno;
		if (p.revents & POLLNVAL)
			return -EBADF;
		if (p.revents)
			return i;
	}
	return count;
}

/* Wait-any with descriptors only: one poll over them all. */
static DWORD wait_any_fds(const struct w32_object *objs, DWORD count, const struct deadline *d)
{
	struct pollfd fds[MAXIMUM_WAIT_OBJECTS];
	int r;

	for (DWORD i = 0; i < count; i++)
		fds[i] = (struct pollfd){ .fd = objs[i].fd, .events = POLLIN };
	r = poll_until(fds, count, d);
	if (r <= 0)
		return r == 0 ? WAIT_TIMEOUT : failed_errno(r);
	for (DWORD i = 0; i < count; i++)
		if (fds[i].revents)
			return WAIT_OBJECT_0 + i;
	return WAIT_TIMEOUT;
}

static DWORD wait_any(const struct w32_object *objs, DWORD count, const struct deadline *d)
{
	fm_sync *syncs[MAXIMUM_WAIT_OBJECTS];
	DWORD where[MAXIMUM_WAIT_OBJECTS], slice = SLICE_FIRST_MS, left;
	size_t n, all = gather_syncs(syncs, where, objs, count), index = 0;
	long lowest;
	int r;

	if (all == 0)
		return wait_any_fds(objs, count, d);
	for (;;) {
		lowest = lowest_signalled(objs, count);
		if (lowest < 0)
			return failed_errno((int)lowest);
		n = gather_syncs(syncs, where, objs, (DWORD)lowest);
		r = n ? fm_wait_any(syncs, n, 0, &index) : -ETIMEDOUT;
		if (r != -ETIMEDOUT)
			return w32_wait_result(r, where[index]);
		if ((DWORD)lowest < count)
			return WAIT_OBJECT_0 + (DWORD)lowest;
		left = left_ms(d);
		if (left == 0)
			return WAIT_TIMEOUT;
		gather_syncs(syncs, where, objs, count);
		r = fm_wait_any(syncs, all, native_timeout(left < slice ? left : slice), &index);
		if (r != -ETIMEDOUT)
			return w32_wait_result(r, where[index]);
		slice = slice * 2 < SLICE_MAX_MS ? slice * 2 : SLICE_MAX_MS;
	}
}

DWORD w32_wait_mixed(const struct w32_object *objs, DWORD count, BOOL all, DWORD timeout_ms)
{
	struct deadline d = deadline_in(timeout_ms);

	return all ? wait_all(objs, count, &d) : wait_any(objs, count, &d);
}
