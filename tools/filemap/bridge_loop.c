/* SPDX-License-Identifier: MIT */
/*
 * bridge_loop.c - what the bridge does while COMMAND runs: one thread that
 * waits on the inbox and on the bridged native events at once
 * (fm_wait_any), relays each event (relay.c), applies the helper's
 * messages, looks for the names that are not there yet, and stops when
 * COMMAND ends.
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <sys/wait.h>
#include <time.h>

#define MS 1000000u
/* How long the loop goes on after COMMAND ended, for the last messages of a
 * helper that ran in it (they come before the connection closes). */
#define LINGER_MS 2000

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / MS;
}

/* An exit status as a shell reports it. */
static int exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : TOOL_FAILED;
}

static void handle_message(struct bridge_loop *l, const struct bridge_msg *m)
{
	struct bridge_objects *o = l->objects;

	switch (m->type) {
	case BRIDGE_HELLO:
		l->linked = l->hello_seen = true;
		break;
	case BRIDGE_READY:
		l->ready = l->ready_seen = true;
		bridge_objects_ready(o);
		break;
	case BRIDGE_SET:
	case BRIDGE_RESET:
	case BRIDGE_PULSE:
		if (l->ready && m->index < o->event_count && !o->events[m->index].broken)
			relay_receive(&o->events[m->index].relay, m->type, m->seen);
		break;
	default:
		bridge_objects_message(o, m);
	}
}

/* Applies one note; returns true when the loop is done. */
static bool handle_note(struct bridge_loop *l, const struct bridge_note *n)
{
	switch (n->kind) {
	case BRIDGE_NOTE_MESSAGE:
		handle_message(l, &n->msg);
		return false;
	case BRIDGE_NOTE_LINK_CLOSED:
		l->linked = l->ready = false;
		return l->ended;
	case BRIDGE_NOTE_EXITED:
		if (n->pid == l->helper)
			l->helper = 0;
		if (n->pid != l->command)
			return false;
		l->command = 0;
		l->status = exit_status(n->status);
		l->ended = true;
		l->linger_until = now_ms() + LINGER_MS;
		return !(l->helper_in_command && l->linked);
	case BRIDGE_NOTE_STOP:
		l->status = n->status;
		return l->command == 0;
	}
	return false;
}

static bool drain(struct bridge_loop *l)
{
	struct bridge_note note;
	bool done = false;

	while (bridge_inbox_take(l->inbox, &note))
		done |= handle_note(l, &note);
	return done;
}

int bridge_loop_wait_ready(struct bridge_loop *l)
{
	/* ready_seen, not ready: a helper may be ready and gone at once. */
	while (!l->ready_seen) {
		if (drain(l))
			return l->status; /* stopped by a signal: 128 + its number */
		if (l->ready_seen)
			break;
		if (!l->helper) {
			tool_error("the Windows helper ended before it was ready (its messages are "
				   "above): is Wine installed, and does the prefix work?");
			return TOOL_FAILED;
		}
		fm_event_wait(l->inbox->wake, FM_INFINITE);
	}
	return TOOL_OK;
}

/* The objects the loop waits on: the inbox's event, then each event that
 * is waited on rather than looked at; which[k] is objects[k]'s event. */
static size_t wait_list(struct bridge_loop *l, fm_sync **objects, unsigned *which)
{
	struct bridge_objects *o = l->objects;
	size_t n = 0;

	objects[n++] = l->inbox->wake;
	for (unsigned i = 0; l->ready && i < o->event_count; i++) {
		if (!o->events[i].broken && relay_waits(&o->events[i].relay)) {
			which[n] = i;
			objects[n++] = o->events[i].event;
		}
	}
	return n;
}

/* Looks at the events not waited on; true while some are. */
static bool look(struct bridge_loop *l)
{
	struct bridge_objects *o = l->objects;
	bool some = false;

	for (unsigned i = 0; l->ready && i < o->event_count; i++) {
		struct relay *r = &o->events[i].relay;

		if (o->events[i].broken || relay_waits(r))
			continue;
		relay_look(r);
		some |= !relay_waits(r);
	}
	return some;
}

/* fm_wait_any failed (for more than one object: Linux before 5.16 has no
 * futex_waitv): the events cannot be relayed; the sections still are. */
static void no_waits(struct bridge_loop *l, int code)
{
	tool_lib_failure(code);
	tool_error("the events are not relayed");
	for (unsigned i = 0; i < l->objects->event_count; i++)
		l->objects->events[i].broken = true;
}

void bridge_loop_run(struct bridge_loop *l)
{
	fm_sync *objects[FM_WAIT_MAX];
	unsigned which[FM_WAIT_MAX];
	uint64_t next_poll = 0, timeout;
	bool looking = false, polling = true, done = false;
	size_t n, index;
	int r;

	while (!done) {
		if (polling && now_ms() >= next_poll) {
			polling = bridge_objects_poll(l->objects);
			next_poll = now_ms() + BRIDGE_APPEAR_POLL_MS;
		}
		n = wait_list(l, objects, which);
		timeout = looking ? BRIDGE_EVENT_POLL_MS * MS : polling ? BRIDGE_APPEAR_POLL_MS * MS :
									  FM_INFINITE;
		if (l->ended && timeout > BRIDGE_APPEAR_POLL_MS * MS)
			timeout = BRIDGE_APPEAR_POLL_MS * MS;
		r = fm_wait_any(objects, n, timeout, &index);
		if (r >= 0 && index > 0)
			relay_woken(&l->objects->events[which[index]].relay);
		else if (r < 0 && r != -ETIMEDOUT)
			no_waits(l, r);
		done = drain(l) || (l->ended && now_ms() >= l->linger_until);
		looking = look(l);
	}
}
