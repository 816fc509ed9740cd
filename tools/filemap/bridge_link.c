/* SPDX-License-Identifier: MIT */
/*
 * bridge_link.c - the connection to the Windows helper, and the inbox
 * through which it and the bridge's other threads wake the loop.
 *
 * The helper connects to a TCP port on 127.0.0.1 (Wine has no AF_UNIX
 * sockets, and its pipes do not reach Linux).  Any local user can connect
 * to a loopback port, so the bridge asks the kernel whose the connecting
 * socket is (/proc/net/tcp lists each socket's owner) and drops, unread,
 * every connection that is not its own user's.  The first connection of
 * ours that says HELLO is the helper; nothing else is accepted after it.
 *
 * The loop waits on native events with fm_wait_any(), which cannot also
 * wait on a socket, so a thread reads the connection and posts each
 * message to the inbox, whose unnamed event is the first the loop waits
 * on.  The threads that wait for the processes and for signals post there
 * too.
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long a connection of ours may take to say HELLO. */
#define HELLO_TIMEOUT_S 10

int bridge_inbox_init(struct bridge_inbox *in)
{
	int r;

	*in = (struct bridge_inbox){ 0 };
	pthread_mutex_init(&in->lock, NULL);
	r = fm_event_create(&in->wake, NULL, 0, NULL);
	return r < 0 ? tool_lib_failure(r) : TOOL_OK;
}

void bridge_inbox_post(struct bridge_inbox *in, const struct bridge_note *note)
{
	pthread_mutex_lock(&in->lock);
	if (in->count == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 64;
		struct bridge_note *v = malloc(cap * sizeof(*v));

		/* Out of memory, a note is lost: the loop still wakes. */
		for (size_t i = 0; v && i < in->count; i++)
			v[i] = in->notes[(in->head + i) % in->cap];
		if (v) {
			free(in->notes);
			in->notes = v;
			in->head = 0;
			in->cap = cap;
		}
	}
	if (in->count < in->cap)
		in->notes[(in->head + in->count++) % in->cap] = *note;
	pthread_mutex_unlock(&in->lock);
	fm_event_set(in->wake);
}

bool bridge_inbox_take(struct bridge_inbox *in, struct bridge_note *out)
{
	bool got;

	pthread_mutex_lock(&in->lock);
	got = in->count > 0;
	if (got) {
		*out = in->notes[in->head];
		in->head = (in->head + 1) % in->cap;
		in->count--;
	}
	pthread_mutex_unlock(&in->lock);
	return got;
}

void bridge_inbox_free(struct bridge_inbox *in)
{
	fm_event_close(in->wake);
	free(in->notes);
	pthread_mutex_destroy(&in->lock);
}

int bridge_link_listen(struct bridge_link *l, struct bridge_inbox *inbox)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);

	*l = (struct bridge_link){ .inbox = inbox, .sock = -1 };
	l->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->listener < 0 || bind(l->listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(l->listener, 8) < 0 ||
	    getsockname(l->listener, (struct sockaddr *)&addr, &len) < 0) {
		tool_error("cannot listen on 127.0.0.1 for the Windows helper: %s", strerror(errno));
		return TOOL_FAILED;
	}
	l->port = ntohs(addr.sin_port);
	return TOOL_OK;
}

/*
 * Whether the socket at the other end of sock (on the loopback) belongs to
 * our effective uid: /proc/net/tcp has a line for it, whose local address
 * is our peer's and whose remote address is ours, with its owner's uid.
 */
static bool peer_is_ours(int sock)
{
	struct sockaddr_in me, peer;
	socklen_t len = sizeof(me), plen = sizeof(peer);
	unsigned laddr, lport, raddr, rport, uid;
	FILE *f = fopen("/proc/net/tcp", "re");
	char line[512];
	bool ours = false, found = false;

	if (!f || getsockname(sock, (struct sockaddr *)&me, &len) < 0 ||
	    getpeername(sock, (struct sockaddr *)&peer, &plen) < 0) {
		if (f)
			fclose(f);
		return false;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		/* "  12: 0100007F:9C40 0100007F:A1B2 01 ... ... ... uid ..."; the
		 * addresses are the raw in_addr words, the ports host order. */
		if (sscanf(line, " %*u: %8X:%4X %8X:%4X %*X %*s %*s %*s %u", &laddr, &lport, &raddr,
			   &rport, &uid) != 5)
			continue;
		found = laddr == peer.sin_addr.s_addr && lport == ntohs(peer.sin_port) &&
			raddr == me.sin_addr.s_addr && rport == ntohs(me.sin_port);
		ours = found && uid == geteuid();
	}
	fclose(f);
	return ours;
}

/* Reads one whole message; false at the end or on an error. */
static bool read_msg(int sock, struct bridge_msg *m)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*m)) {
		n = recv(sock, (char *)m + got, sizeof(*m) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* Accepts connections until one of ours says HELLO; its socket, or -1
 * when the listener was shut down. */
static int accept_helper(struct bridge_link *l, struct bridge_msg *hello)
{
	struct timeval limit = { .tv_sec = HELLO_TIMEOUT_S }, none = { 0 };
	int one = 1, fd;

	for (;;) {
		fd = accept4(l->listener, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0 && (errno == EINTR || errno == ECONNABORTED))
			continue;
		if (fd < 0)
			return -1;
		if (!peer_is_ours(fd)) {
			close(fd); /* another user's: not a byte is read */
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
		if (read_msg(fd, hello) && hello->type == BRIDGE_HELLO &&
		    hello->value == BRIDGE_VERSION) {
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			return fd;
		}
		if (hello->type == BRIDGE_HELLO)
			tool_error("the Windows helper speaks protocol %llu, this filemap %d: install "
				   "both from one build", (unsigned long long)hello->value,
				   BRIDGE_VERSION);
		close(fd);
	}
}

static void *reader_main(void *arg)
{
	struct bridge_link *l = arg;
	struct bridge_note note = { .kind = BRIDGE_NOTE_MESSAGE };
	int fd = accept_helper(l, &note.msg);

	if (fd < 0)
		return NULL;
	atomic_store(&l->sock, fd);
	bridge_inbox_post(l->inbox, &note);
	while (read_msg(fd, &note.msg))
		bridge_inbox_post(l->inbox, &note);
	note.kind = BRIDGE_NOTE_LINK_CLOSED;
	bridge_inbox_post(l->inbox, &note);
	return NULL;
}

int bridge_link_start(struct bridge_link *l)
{
	int r = pthread_create(&l->reader, NULL, reader_main, l);

	if (r != 0) {
		tool_error("cannot start a thread: %s", strerror(r));
		return TOOL_FAILED;
	}
	l->started = true;
	return TOOL_OK;
}

void bridge_link_send(struct bridge_link *l, uint8_t type, uint16_t index, uint32_t seen,
		      uint64_t value)
{
	struct bridge_msg m = { .type = type, .index = index, .seen = seen, .value = value };
	int fd = atomic_load(&l->sock);
	size_t sent = 0;
	ssize_t n;

	while (fd >= 0 && sent < sizeof(m)) {
		n = send(fd, (const char *)&m + sent, sizeof(m) - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the helper is gone: the reader says so */
		sent += (size_t)n;
	}
}

void bridge_link_close(struct bridge_link *l)
{
	int fd = atomic_load(&l->sock);

	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	if (l->listener >= 0)
		shutdown(l->listener, SHUT_RDWR); /* wakes a reader still in accept() */
	if (l->started)
		pthread_join(l->reader, NULL);
	if (fd >= 0)
		close(fd);
	if (l->listener >= 0)
		close(l->listener);
	l->listener = -1;
	atomic_store(&l->sock, -1);
	l->started = false;
}
