/* SPDX-License-Identifier: MIT */
/*
 * syncobj.c - what the verbs share about mutexes, events and semaphores:
 * finding out which type a name holds before opening it, opening it by
 * that type, and waiting so that SIGINT and SIGTERM stop a wait but never
 * a take.
 *
 * The library waits through signals (its waits are not cut short by
 * EINTR), so a signal that kills the tool with its default action could
 * land between the moment a wait takes an object and the moment the tool
 * reports it: an event's signal or a semaphore's unit would be lost, a
 * mutex abandoned.  The tool therefore blocks the signals that stop it,
 * waits in short slices, and between slices ends itself by a pending
 * signal, as the default action would have, but only while it has taken
 * nothing, and after closing its handle, so that a wait that was the last
 * holder of a name removes it as it goes.
 */
#define _GNU_SOURCE
#include "tool.h"

#include "sync.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long one slice of a wait lasts: how late a stop signal may be seen. */
#define SLICE_NS (100u * 1000u * 1000u)

int tool_peek_type(uint32_t *type, struct fm__name *name)
{
	struct fm__inspection o;
	struct tool_found f;
	int r;

	r = tool_lookup(&f, name);
	if (r != TOOL_OK)
		return r;
	fm__inspect(&o, &f.e);
	if (o.state == FM__INSPECT_GONE) {
		r = tool_absent(name->full);
	} else if (o.state == FM__INSPECT_CORRUPT) {
		r = tool_fail(FM_ECORRUPT, "%s is corrupt: %s", name->full, o.problem);
	} else if (o.state != FM__INSPECT_SOUND) {
		r = tool_fail(o.error, "%s: cannot look at it: %s", name->full, o.problem);
	} else {
		*type = o.hdr.type;
		r = TOOL_OK;
	}
	fm__inspection_free(&o);
	tool_found_close(&f, NULL);
	return r;
}

int tool_type_failure(int code, struct fm__name *name, uint32_t wanted)
{
	uint32_t type = wanted;
	int r;

	if (code != FM_ETYPE)
		return tool_lib_failure(code);
	r = tool_peek_type(&type, name);
	if (r != TOOL_OK)
		return r;
	if (type == wanted) /* replaced by one of the wanted type meanwhile */
		return tool_lib_failure(code);
	return tool_fail(FM_ETYPE, "%s is %s, not %s", name->full, tool_a_type(type),
			 tool_a_type(wanted));
}

int tool_open_sync(fm_sync **out, uint32_t type, const char *name)
{
	int r;

	switch (type) {
	case FM__TYPE_MUTEX:
		r = fm_mutex_open(out, name);
		break;
	case FM__TYPE_EVENT:
		r = fm_event_open(out, name);
		break;
	case FM__TYPE_SEMAPHORE:
		r = fm_semaphore_open(out, name);
		break;
	default:
		return tool_fail(FM_ETYPE, "%s is %s, not a mutex, event or semaphore", name,
				 tool_a_type(type));
	}
	return r < 0 ? tool_lib_failure(r) : TOOL_OK;
}

void tool_stop_signals(sigset_t *set, bool even_ignored)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		/* A shell starts background jobs ignoring SIGINT: keep that. */
		if (even_ignored ||
		    (sigaction(stops[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN))
			sigaddset(set, stops[i]);
	}
}

void tool_die_by(int sig)
{
	sigset_t one;

	signal(sig, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	raise(sig); /* pending while blocked; delivered by the unblock */
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	_exit(128 + sig);
}

static uint64_t monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int tool_wait_sliced(fm_sync *o, uint64_t timeout_ns, const sigset_t *set)
{
	const struct timespec poll = { 0, 0 };
	uint64_t start = monotonic_ns(), elapsed, left;
	int r, sig;

	for (;;) {
		elapsed = monotonic_ns() - start;
		left = FM_INFINITE;
		if (timeout_ns != FM_INFINITE)
			left = elapsed < timeout_ns ? timeout_ns - elapsed : 0;
		r = fm_sync_wait(o, left < SLICE_NS ? left : SLICE_NS);
		if (r != -ETIMEDOUT)
			return r;
		sig = sigtimedwait(set, NULL, &poll);
		if (sig > 0) {
			/* Let go first: if this was the name's last holder,
			 * closing removes it, where dying would leave an
			 * orphan for the next opener or `filemap gc`. */
			fm_sync_close(o);
			tool_die_by(sig);
		}
		if (timeout_ns != FM_INFINITE && monotonic_ns() - start >= timeout_ns)
			return -ETIMEDOUT;
	}
}
