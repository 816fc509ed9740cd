/* SPDX-License-Identifier: MIT */
/*
 * proto.h - what `filemap bridge` (Linux) and its Windows helper,
 * filemap-bridge.exe (run under Wine or Proton), say to each other.
 *
 * Both sides include this file: the tool built by the host compiler, the
 * helper by mingw-w64.  So it holds only fixed-size C types and constants,
 * nothing of either system.
 *
 * The bridge writes a run directory (bridge_run.c) with a configuration
 * file, "config", that the helper reads through its Z: path:
 *
 *     filemap-bridge 1
 *     port 40123
 *     section 0 65536 4c6f63616c5c78          index, size (0: not known yet), name
 *     event 0 1 4c6f63616c5c782e7469636b      index, manual-reset (1) or not, name
 *
 * Names are hex-encoded UTF-8, so that no character of a name can break a
 * line.  Section i's shared file is "section-<i>" in the same directory.
 *
 * Then the helper connects to 127.0.0.1:port (the bridge checks that the
 * connection comes from its own user) and both send 16-byte messages, in
 * the byte order of x86-64, the only architecture both sides run on.
 */
#ifndef FM_BRIDGE_PROTO_H
#define FM_BRIDGE_PROTO_H

#include <stdint.h>

#define BRIDGE_VERSION 1
#define BRIDGE_CONFIG "config"
#define BRIDGE_HELPER_EXE "filemap-bridge.exe"
/* The helper's first argument, then the run directory's Linux path. */
#define BRIDGE_HELPER_FLAG "--filemap-bridge"
/* At most this many sections, and events (a Windows wait takes 64 handles,
 * the helper needs two of them: the connection and the program). */
#define BRIDGE_MAX_SECTIONS 64
#define BRIDGE_MAX_EVENTS 60
/* How often a side looks for a name that is not there yet, and how often
 * an event that cannot be waited on is looked at (relay.h). */
#define BRIDGE_APPEAR_POLL_MS 10
#define BRIDGE_EVENT_POLL_MS 1

enum bridge_msg_type {
	/* helper -> bridge: the first message; value: BRIDGE_VERSION. */
	BRIDGE_HELLO = 1,
	/* helper -> bridge: every object of the config is set up (or has
	 * failed, said with BRIDGE_FAILED); the program may start. */
	BRIDGE_READY = 2,
	/* Both ways: event index was set, reset or pulsed on the sender's
	 * side.  seen: how many of these the sender had received for that
	 * event (relay.c uses it to resolve crossing messages). */
	BRIDGE_SET = 3,
	BRIDGE_RESET = 4,
	BRIDGE_PULSE = 5,
	/* helper -> bridge: section index, whose size was not known, appeared
	 * on the Windows side; value: its size (VirtualQuery's, whole pages). */
	BRIDGE_APPEARED = 6,
	/* bridge -> helper: section index's file is ready, value bytes. */
	BRIDGE_FILE = 7,
	/* helper -> bridge: how section index is shared on the Windows side,
	 * value: BRIDGE_SHARED or BRIDGE_MIRRORED. */
	BRIDGE_STATUS = 8,
	/* helper -> bridge: object index (kind: BRIDGE_KIND_*) could not be
	 * made; value: the Windows error code. */
	BRIDGE_FAILED = 9,
};

/* Values of BRIDGE_STATUS. */
#define BRIDGE_SHARED 1   /* the Windows object maps the shared file itself */
#define BRIDGE_MIRRORED 2 /* it existed before: its bytes are copied */

/* kind of BRIDGE_FAILED. */
#define BRIDGE_KIND_SECTION 1
#define BRIDGE_KIND_EVENT 2

struct bridge_msg {
	uint8_t type;   /* enum bridge_msg_type */
	uint8_t kind;   /* BRIDGE_FAILED: BRIDGE_KIND_*; else 0 */
	uint16_t index; /* the object's index in the config */
	uint32_t seen;
	uint64_t value;
};

_Static_assert(sizeof(struct bridge_msg) == 16, "the wire format is 16 bytes");

#endif /* FM_BRIDGE_PROTO_H */
