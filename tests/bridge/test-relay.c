/* SPDX-License-Identifier: MIT */
/*
 * test-relay.c - the bridge's event relay (tools/bridge/relay.c) and mirror
 * (tools/bridge/mirror.c), both sides in one process: two fake events, two
 * relays, and the messages between them held in queues, so that the order
 * in which they arrive is the test's to choose.  Side a is the tool's (it
 * settles crossing messages), side b the Windows helper's.  test_bridge.py
 * runs the real thing under Wine; here every rule of relay.c is pinned down,
 * crossings included, which no timing of real processes can force.
 */
#include "harness.h"

#include "../../tools/bridge/mirror.h"
#include "../../tools/bridge/proto.h"
#include "../../tools/bridge/relay.h"

struct message {
	uint8_t type;
	uint32_t seen;
};

/* One side: its event, its relay, and what it sent to the other side. */
struct side {
	bool set;       /* the event's state */
	int pulses;     /* pulses the relay applied */
	struct relay relay;
	struct message sent[64];
	int nsent, delivered;
};

static bool fake_peek(void *event)
{
	return ((struct side *)event)->set;
}

static void fake_set(void *event)
{
	((struct side *)event)->set = true;
}

static void fake_reset(void *event)
{
	((struct side *)event)->set = false;
}

static void fake_pulse(void *event)
{
	((struct side *)event)->pulses++;
	((struct side *)event)->set = false;
}

static void fake_send(void *link, uint8_t type, uint16_t index, uint32_t seen)
{
	struct side *s = link;

	CHECK_INT_EQ(index, 7);
	CHECK(s->nsent < 64);
	s->sent[s->nsent++] = (struct message){ .type = type, .seen = seen };
}

static const struct relay_ops fake_ops = {
	.peek = fake_peek, .set = fake_set, .reset = fake_reset, .pulse = fake_pulse,
	.send = fake_send,
};

static void pair(struct side *a, struct side *b, bool manual)
{
	*a = (struct side){ 0 };
	*b = (struct side){ 0 };
	relay_init(&a->relay, &fake_ops, a, a, 7, manual, true);
	relay_init(&b->relay, &fake_ops, b, b, 7, manual, false);
}

/* One turn of a side's loop: a wait that returns (taking an auto-reset
 * event), or a look at an event it does not wait on. */
static void turn(struct side *s)
{
	if (!relay_waits(&s->relay)) {
		relay_look(&s->relay);
	} else if (s->set) {
		if (!s->relay.manual)
			s->set = false;
		relay_woken(&s->relay);
	}
}

/* Delivers the next message from from to to; false when there is none. */
static bool deliver(struct side *from, struct side *to)
{
	struct message m;

	if (from->delivered == from->nsent)
		return false;
	m = from->sent[from->delivered++];
	relay_receive(&to->relay, m.type, m.seen);
	return true;
}

/* Turns and delivers until nothing moves. */
static void settle(struct side *a, struct side *b)
{
	for (int i = 0; i < 100; i++) {
		int before = a->nsent + b->nsent;

		turn(a);
		turn(b);
		while (deliver(a, b) || deliver(b, a))
			;
		if (a->nsent + b->nsent == before && i > 2)
			return;
	}
	FAIL("the relays never settle: %d and %d messages", a->nsent, b->nsent);
}

static void manual_set_crosses_once(void)
{
	struct side a, b;

	pair(&a, &b, true);
	a.set = true; /* a native program sets it */
	settle(&a, &b);
	CHECK(b.set);
	CHECK_INT_EQ(a.nsent, 1);
	CHECK_INT_EQ(a.sent[0].type, BRIDGE_SET);
	CHECK_INT_EQ(b.nsent, 0); /* no echo */
	CHECK(!relay_waits(&b.relay)); /* looked at, for its reset */
}

static void manual_reset_comes_back(void)
{
	struct side a, b;

	pair(&a, &b, true);
	a.set = true;
	settle(&a, &b);
	b.set = false; /* a Windows program resets it */
	settle(&a, &b);
	CHECK(!a.set);
	CHECK_INT_EQ(b.nsent, 1);
	CHECK_INT_EQ(b.sent[0].type, BRIDGE_RESET);
	CHECK_INT_EQ(a.nsent, 1);
	CHECK(relay_waits(&a.relay) && relay_waits(&b.relay));
	/* And again, the other way. */
	b.set = true;
	settle(&a, &b);
	CHECK(a.set);
	CHECK_INT_EQ(a.nsent, 1);
	CHECK_INT_EQ(b.nsent, 2);
}

static void manual_pulse_releases_the_other_side(void)
{
	struct side a, b;

	pair(&a, &b, true);
	/* A pulse: the wait returned, the event is not set any more. */
	relay_woken(&b.relay);
	settle(&a, &b);
	CHECK_INT_EQ(a.pulses, 1);
	CHECK(!a.set && !b.set);
	CHECK_INT_EQ(b.nsent, 1);
	CHECK_INT_EQ(a.nsent, 0); /* not pulsed back */
}

static void auto_set_taken_once(void)
{
	struct side a, b;

	pair(&a, &b, false);
	b.set = true; /* a Windows program sets it; the helper's wait takes it */
	settle(&a, &b);
	CHECK(a.set); /* set natively, for one waiter there */
	CHECK(!relay_waits(&a.relay)); /* and the tool does not take it back */
	settle(&a, &b);
	CHECK(a.set); /* nobody took it yet: it stays set */
	a.set = false; /* a native waiter takes it */
	settle(&a, &b);
	CHECK(relay_waits(&a.relay));
	CHECK_INT_EQ(a.nsent, 0); /* never sent back */
	CHECK_INT_EQ(b.nsent, 1);
	CHECK(!b.set);
}

static void auto_sets_merge_while_pending(void)
{
	struct side a, b;

	pair(&a, &b, false);
	b.set = true;
	settle(&a, &b);
	a.set = true; /* a native set while the relayed one waits: still one */
	b.set = true;
	settle(&a, &b);
	CHECK(a.set);
	CHECK_INT_EQ(b.nsent, 2);
	CHECK_INT_EQ(a.nsent, 0);
}

/*
 * Both sides set at first.  The tool's side resets (a native program), and
 * before that reaches Windows a Windows program resets and sets the event
 * again.  Windows ends set: so must both sides.  Without the settling, the
 * tool would apply Windows' messages last and Windows the tool's.
 */
static void crossing_ends_in_the_windows_state(void)
{
	struct side a, b;

	pair(&a, &b, true);
	a.set = true;
	settle(&a, &b);
	a.set = false;
	turn(&a); /* sends RESET */
	b.set = false;
	turn(&b); /* sends RESET, crossing a's */
	b.set = true;
	turn(&b); /* sends SET */
	while (deliver(&b, &a) || deliver(&a, &b))
		;
	settle(&a, &b);
	CHECK(b.set);
	CHECK(a.set);
}

static void crossing_other_order(void)
{
	struct side a, b;

	pair(&a, &b, true);
	a.set = true;
	turn(&a); /* SET */
	b.set = true;
	turn(&b);
	b.set = false;
	turn(&b); /* SET, RESET: both cross a's SET */
	while (deliver(&a, &b) || deliver(&b, &a))
		;
	settle(&a, &b);
	CHECK(!b.set);
	CHECK(!a.set);
}

static void mirror_copies_each_way(void)
{
	unsigned char first[300] = { 0 }, second[300] = { 0 }, shadow[300];
	struct mirror m;

	memset(second, 'n', sizeof(second));
	mirror_init(&m, first, second, shadow, sizeof(first), 0);
	CHECK(memcmp(first, second, sizeof(first)) == 0); /* from second */
	first[0] = 'w';
	second[299] = 'x'; /* the last, short block */
	CHECK_INT_EQ(mirror_pass(&m), 64 + 300 % 64);
	CHECK_INT_EQ(second[0], 'w');
	CHECK_INT_EQ(first[299], 'x');
	CHECK_INT_EQ(mirror_pass(&m), 0);
}

static void mirror_first_side_wins_a_block(void)
{
	unsigned char first[128] = { 0 }, second[128] = { 0 }, shadow[128];
	struct mirror m;

	mirror_init(&m, first, second, shadow, sizeof(first), 1);
	first[10] = 1;
	second[20] = 2; /* same block */
	second[100] = 3; /* another */
	mirror_pass(&m);
	CHECK_INT_EQ(second[10], 1);
	CHECK_INT_EQ(second[20], 0); /* the first side's block won */
	CHECK_INT_EQ(first[100], 3);
}

static const struct test_case cases[] = {
	TEST_CASE(manual_set_crosses_once),
	TEST_CASE(manual_reset_comes_back),
	TEST_CASE(manual_pulse_releases_the_other_side),
	TEST_CASE(auto_set_taken_once),
	TEST_CASE(auto_sets_merge_while_pending),
	TEST_CASE(crossing_ends_in_the_windows_state),
	TEST_CASE(crossing_other_order),
	TEST_CASE(mirror_copies_each_way),
	TEST_CASE(mirror_first_side_wins_a_block),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
