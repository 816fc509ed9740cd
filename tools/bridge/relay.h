/* SPDX-License-Identifier: MIT */
/*
 * relay.h - one bridged event, as one side of the bridge sees it: a set,
 * reset or pulse made on this side goes to the other side, and what comes
 * from there is applied here, without coming back as an echo.
 *
 * Both sides run the same code (relay.c) over their own calls: the tool
 * over fm_event_*, the Windows helper over SetEvent and friends.  Each
 * side has a loop that waits on the events for which relay_waits() is
 * true, calls relay_woken() for the one its wait returned, calls
 * relay_look() every BRIDGE_EVENT_POLL_MS for the others, and
 * relay_receive() for each message from the other side.  The loop is one
 * thread, so that this side never waits on an event while it sets or
 * pulses it for the other side.
 */
#ifndef FM_BRIDGE_RELAY_H
#define FM_BRIDGE_RELAY_H

#include <stdbool.h>
#include <stdint.h>

struct relay_ops {
	/* Whether the event is signalled now, without taking the signal. */
	bool (*peek)(void *event);
	void (*set)(void *event);
	void (*reset)(void *event);
	void (*pulse)(void *event);
	/* Sends a BRIDGE_SET, _RESET or _PULSE about event index. */
	void (*send)(void *link, uint8_t type, uint16_t index, uint32_t seen);
};

struct relay {
	const struct relay_ops *ops;
	void *event; /* the side's own handle, passed to ops */
	void *link;  /* passed to ops->send */
	uint16_t index;
	bool manual;
	/* This side settles crossing messages (the tool does; see relay.c). */
	bool settles;
	/* Manual-reset: the event is set here as far as we know, so it is
	 * looked at (for its reset) rather than waited on. */
	bool local_set;
	/* Manual-reset: the state the other side has, as it last said or was
	 * last told. */
	bool peer_set;
	/* Auto-reset: a signal from the other side is set here and nobody has
	 * taken it yet: looked at, not waited on (a wait would take it back). */
	bool pending;
	/* BRIDGE_SET/_RESET/_PULSE messages sent and received for this event. */
	uint32_t sent, received;
};

void relay_init(struct relay *r, const struct relay_ops *ops, void *event, void *link,
		uint16_t index, bool manual, bool settles);

/* Whether the loop should wait on the event (else it looks at it). */
bool relay_waits(const struct relay *r);

/* The loop's wait returned this event (and took it if it is auto-reset). */
void relay_woken(struct relay *r);

/* Looks at an event that is not waited on. */
void relay_look(struct relay *r);

/* Applies a message from the other side (type BRIDGE_SET, _RESET, _PULSE). */
void relay_receive(struct relay *r, uint8_t type, uint32_t seen);

#endif /* FM_BRIDGE_RELAY_H */
