/* SPDX-License-Identifier: MIT */
/*
 * link.c - the helper's connection to the tool, and its loop: it waits on
 * the program, the connection and the bridged events at once, and relays
 * (relay.c) what happens to each event (helper.h).
 *
 * The connection is TCP on the loopback, the one way to the tool that is
 * documented Win32 and that Wine's and Proton's Winsock both have (Wine 8
 * has no AF_UNIX sockets).  WSAEventSelect turns its news into an event
 * the loop waits on with the others.
 */
#include "helper.h"

#include <ws2tcpip.h>

/* The most Sleep(1) retries of a send the tool is slow to take. */
#define SEND_RETRIES 2000

static void link_lost(struct helper *h, const char *why)
{
	if (h->sock == INVALID_SOCKET)
		return;
	closesocket(h->sock);
	h->sock = INVALID_SOCKET;
	if (h->has_program)
		helper_say("the connection to filemap is gone (%s): events are no longer relayed",
			   why);
}

bool link_connect(struct helper *h)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((u_short)h->port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	BOOL one = TRUE;

	h->sock = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
	if (h->sock == INVALID_SOCKET || connect(h->sock, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		helper_say("cannot connect to filemap on 127.0.0.1:%u (error %d)", h->port,
			   WSAGetLastError());
		return false;
	}
	setsockopt(h->sock, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
	h->sock_event = WSACreateEvent();
	if (h->sock_event == WSA_INVALID_EVENT ||
	    WSAEventSelect(h->sock, h->sock_event, FD_READ | FD_CLOSE) != 0) {
		helper_say("cannot watch the connection (error %d)", WSAGetLastError());
		return false;
	}
	link_send(h, BRIDGE_HELLO, 0, 0, 0, BRIDGE_VERSION);
	return h->sock != INVALID_SOCKET;
}

void link_send(struct helper *h, uint8_t type, uint8_t kind, uint16_t index, uint32_t seen,
	       uint64_t value)
{
	struct bridge_msg m = { .type = type, .kind = kind, .index = index, .seen = seen,
				.value = value };
	const char *p = (const char *)&m;
	int left = sizeof(m), tries = 0, n;

	while (h->sock != INVALID_SOCKET && left > 0) {
		n = send(h->sock, p, left, 0);
		if (n > 0) {
			p += n;
			left -= n;
		} else if (WSAGetLastError() == WSAEWOULDBLOCK && tries++ < SEND_RETRIES) {
			Sleep(1);
		} else {
			link_lost(h, "cannot send");
		}
	}
}

static bool event_peek(void *event)
{
	struct helper_event *e = event;

	if (WaitForSingleObject(e->handle, 0) != WAIT_OBJECT_0)
		return false;
	/* Looking took an auto-reset event's signal: give it back. */
	if (!e->manual)
		SetEvent(e->handle);
	return true;
}

static void event_set(void *event)
{
	SetEvent(((struct helper_event *)event)->handle);
}

static void event_reset(void *event)
{
	ResetEvent(((struct helper_event *)event)->handle);
}

static void event_pulse(void *event)
{
	PulseEvent(((struct helper_event *)event)->handle);
}

static void event_send(void *link, uint8_t type, uint16_t index, uint32_t seen)
{
	link_send(link, type, 0, index, seen, 0);
}

static const struct relay_ops event_ops = {
	.peek = event_peek, .set = event_set, .reset = event_reset, .pulse = event_pulse,
	.send = event_send,
};

bool link_open_events(struct helper *h)
{
	for (unsigned i = 0; i < h->event_count; i++) {
		struct helper_event *e = &h->events[i];

		/* A program that creates the name later gets this one, with
		 * ERROR_ALREADY_EXISTS, as when another process made it first. */
		e->handle = CreateEventW(NULL, e->manual, FALSE, e->name);
		if (!e->handle)
			link_send(h, BRIDGE_FAILED, BRIDGE_KIND_EVENT, (uint16_t)i, 0, GetLastError());
		relay_init(&e->relay, &event_ops, e, h, (uint16_t)i, e->manual, false);
	}
	return h->sock != INVALID_SOCKET;
}

static void handle(struct helper *h, const struct bridge_msg *m)
{
	switch (m->type) {
	case BRIDGE_SET:
	case BRIDGE_RESET:
	case BRIDGE_PULSE:
		if (m->index < h->event_count && h->events[m->index].handle)
			relay_receive(&h->events[m->index].relay, m->type, m->seen);
		break;
	case BRIDGE_FILE:
		sections_file_ready(h, m->index, m->value);
		break;
	}
}

/* Takes every message that has arrived. */
static void receive(struct helper *h)
{
	WSANETWORKEVENTS news;
	bool closed;
	int n;

	if (WSAEnumNetworkEvents(h->sock, h->sock_event, &news) != 0) {
		link_lost(h, "cannot read");
		return;
	}
	closed = news.lNetworkEvents & FD_CLOSE;
	while (h->sock != INVALID_SOCKET) {
		n = recv(h->sock, (char *)h->rx + h->rx_len, (int)(sizeof(h->rx) - h->rx_len), 0);
		if (n <= 0) {
			if (n == 0 || WSAGetLastError() != WSAEWOULDBLOCK)
				link_lost(h, n == 0 ? "closed by filemap" : "cannot read");
			else if (closed)
				link_lost(h, "closed by filemap");
			break;
		}
		h->rx_len += (size_t)n;
		size_t whole = h->rx_len / sizeof(struct bridge_msg) * sizeof(struct bridge_msg);

		for (size_t at = 0; at < whole; at += sizeof(struct bridge_msg)) {
			struct bridge_msg m;

			memcpy(&m, h->rx + at, sizeof(m));
			handle(h, &m);
		}
		memmove(h->rx, h->rx + whole, h->rx_len - whole);
		h->rx_len -= whole;
	}
}

/* What the loop waits on: fills handles and which event each is (-1 for
 * the program and the connection); returns how many. */
static DWORD wait_list(struct helper *h, HANDLE program, HANDLE *handles, int *which)
{
	DWORD n = 0;

	if (program) {
		which[n] = -1;
		handles[n++] = program;
	}
	if (h->sock != INVALID_SOCKET) {
		which[n] = -1;
		handles[n++] = h->sock_event;
	}
	for (unsigned i = 0; h->sock != INVALID_SOCKET && i < h->event_count; i++) {
		if (h->events[i].handle && relay_waits(&h->events[i].relay)) {
			which[n] = (int)i;
			handles[n++] = h->events[i].handle;
		}
	}
	return n;
}

/* Looks at the events not waited on; true if there are some. */
static bool look(struct helper *h)
{
	bool some = false;

	for (unsigned i = 0; h->sock != INVALID_SOCKET && i < h->event_count; i++) {
		if (h->events[i].handle && !relay_waits(&h->events[i].relay)) {
			relay_look(&h->events[i].relay);
			some = some || !relay_waits(&h->events[i].relay);
		}
	}
	return some;
}

/*
 * The program ended: what it did to the events just before (a last set, a
 * last reset) must still go across, though the wait saw the program first.
 * So the events are taken and looked at once more, without waiting.
 */
static void last_round(struct helper *h)
{
	HANDLE handles[MAXIMUM_WAIT_OBJECTS];
	int which[MAXIMUM_WAIT_OBJECTS];
	DWORD n, r;

	for (unsigned rounds = 0; h->sock != INVALID_SOCKET && rounds <= h->event_count; rounds++) {
		n = wait_list(h, NULL, handles, which);
		r = WaitForMultipleObjects(n, handles, FALSE, 0);
		if (r >= WAIT_OBJECT_0 + n)
			break;
		if (handles[r - WAIT_OBJECT_0] == h->sock_event)
			receive(h);
		else
			relay_woken(&h->events[which[r - WAIT_OBJECT_0]].relay);
	}
	look(h);
}

void link_run(struct helper *h, HANDLE program)
{
	HANDLE handles[MAXIMUM_WAIT_OBJECTS];
	int which[MAXIMUM_WAIT_OBJECTS];
	ULONGLONG next_poll = 0;
	bool looking = false, polling = true;
	DWORD n, r, timeout;

	for (;;) {
		if (polling && GetTickCount64() >= next_poll) {
			polling = h->sock != INVALID_SOCKET && sections_poll(h);
			next_poll = GetTickCount64() + BRIDGE_APPEAR_POLL_MS;
		}
		n = wait_list(h, program, handles, which);
		if (n == 0)
			return; /* no program, and the tool is gone */
		timeout = looking ? BRIDGE_EVENT_POLL_MS : polling ? BRIDGE_APPEAR_POLL_MS : INFINITE;
		r = WaitForMultipleObjects(n, handles, FALSE, timeout);
		if (r < WAIT_OBJECT_0 + n && handles[r - WAIT_OBJECT_0] == program) {
			last_round(h);
			return;
		}
		if (r < WAIT_OBJECT_0 + n && handles[r - WAIT_OBJECT_0] == h->sock_event)
			receive(h);
		else if (r < WAIT_OBJECT_0 + n)
			relay_woken(&h->events[which[r - WAIT_OBJECT_0]].relay);
		else if (r == WAIT_FAILED)
			Sleep(BRIDGE_EVENT_POLL_MS);
		looking = look(h);
	}
}
