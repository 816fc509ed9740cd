/* SPDX-License-Identifier: MIT */
/*
 * relay.c - how one side of the bridge relays an event (relay.h).
 *
 * A Windows program's event lives in Wine's server, a native one in
 * filemap's store; nothing can be both.  So each side keeps its own event
 * of the name and the bridge makes them behave as one, with these rules
 * (filemap.7 says them to users):
 *
 *  - Manual-reset.  A side's loop waits on its event while it is not set.
 *    Woken with the event set, it tells the other side SET (unless the
 *    other side is set already); woken with it not set, the event was
 *    pulsed (or set and reset faster than the loop looked), and it tells
 *    PULSE.  While the event is set it is looked at every millisecond, and
 *    its reset is told as RESET.  A side applies what it is told with its
 *    own calls, and notes the state it set, so it never tells it back.
 *  - Auto-reset.  Each side's loop is one more waiter: a set on one side
 *    releases one waiter there, a program's or the loop's, and the loop
 *    that takes it sets the event on the other side, where exactly one
 *    waiter takes it, now or later.  So every set is consumed once, on one
 *    side or the other; with the waiters on one side only (a producer on
 *    one side and its consumers on the other) every set reaches them.
 *    While a set the loop made is still there it only looks at the event,
 *    or it would take its own set back.  A pulse that the loop takes goes
 *    on as a set; a reset on one side cannot reach a set already passed on.
 *  - Crossing messages.  When both sides change a manual-reset event at
 *    once (one sets, the other resets, each before hearing of the other),
 *    each side applies the other's change last and they would disagree.
 *    Each message says how many the sender had received, so the side that
 *    settles (the tool) sees a crossing message and sends its state back:
 *    both end in the state the Windows side reported.
 */
#include "relay.h"

#include "proto.h"

void relay_init(struct relay *r, const struct relay_ops *ops, void *event, void *link,
		uint16_t index, bool manual, bool settles)
{
	*r = (struct relay){ .ops = ops, .event = event, .link = link, .index = index,
			     .manual = manual, .settles = settles };
}

static void tell(struct relay *r, uint8_t type)
{
	r->sent++;
	r->ops->send(r->link, type, r->index, r->received);
}

bool relay_waits(const struct relay *r)
{
	return r->manual ? !r->local_set : !r->pending;
}

void relay_woken(struct relay *r)
{
	if (!r->manual) {
		tell(r, BRIDGE_SET); /* the wait took it: it goes across */
		return;
	}
	if (!r->ops->peek(r->event)) {
		tell(r, BRIDGE_PULSE);
		return;
	}
	r->local_set = true;
	if (!r->peer_set) {
		r->peer_set = true;
		tell(r, BRIDGE_SET);
	}
}

void relay_look(struct relay *r)
{
	if (r->ops->peek(r->event))
		return;
	if (!r->manual) {
		r->pending = false; /* somebody here took what we set */
		return;
	}
	r->local_set = false;
	if (r->peer_set) {
		r->peer_set = false;
		tell(r, BRIDGE_RESET);
	}
}

/* Applies a state change from the other side. */
static void apply(struct relay *r, uint8_t type)
{
	switch (type) {
	case BRIDGE_SET:
		r->ops->set(r->event);
		r->peer_set = r->local_set = r->manual;
		r->pending = !r->manual;
		break;
	case BRIDGE_RESET:
		r->ops->reset(r->event);
		r->peer_set = r->local_set = r->pending = false;
		break;
	case BRIDGE_PULSE:
		/* Releases who waits now; the loop does not wait meanwhile. */
		r->ops->pulse(r->event);
		r->peer_set = r->local_set = false;
		break;
	}
}

void relay_receive(struct relay *r, uint8_t type, uint32_t seen)
{
	/* Sent before the sender heard of our last message(s). */
	bool crossed = seen != r->sent;

	if (type != BRIDGE_SET && type != BRIDGE_RESET && type != BRIDGE_PULSE)
		return;
	r->received++;
	apply(r, type);
	if (crossed && r->settles && r->manual && type != BRIDGE_PULSE)
		tell(r, type);
}
