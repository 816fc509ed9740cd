/* SPDX-License-Identifier: MIT */
/*
 * helper.h - filemap-bridge.exe, the Windows side of `filemap bridge`.
 *
 * A small Windows program, built with mingw-w64 and run by Wine or Proton
 * in the game's prefix, that makes the bridged names there: each section
 * on the file the tool shares (through its Z: path), or mirrored to that
 * file when the name existed before; each event, relayed to the tool over
 * a loopback connection.  It uses documented Win32 calls only, nothing of
 * Wine's own, so that Proton's Wine runs it as Debian's does.
 *
 *   filemap-bridge.exe --filemap-bridge RUNDIR [-- PROGRAM [ARG...]]
 *
 * With a PROGRAM (the tool puts the helper in front of the game's .exe in
 * the command it runs) it sets everything up, runs the program, relays
 * while it runs and exits with its exit code; it runs the program even
 * when the bridge cannot be set up, saying why on standard error.  Without
 * one it relays until the tool closes the connection.
 *
 * main.c: the command line, the configuration, running the program.
 * link.c: the connection, its messages, and the event relay loop.
 * sections.c: sections, shared or mirrored, and names that appear later.
 */
#ifndef FM_BRIDGE_HELPER_H
#define FM_BRIDGE_HELPER_H

#include <winsock2.h>
#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "../mirror.h"
#include "../proto.h"
#include "../relay.h"

struct helper_section {
	uint16_t index;
	WCHAR *name;
	uint64_t size;       /* of the shared file; 0 while not known */
	HANDLE object;       /* the Windows section of the name, held */
	HANDLE file_mapping; /* when mirrored: an unnamed mapping of the file */
	void *object_view, *file_view;
	size_t object_length;
	bool done;           /* shared, mirrored, or failed: nothing more to do */
	unsigned char *shadow;
	struct mirror mirror;
};

struct helper_event {
	WCHAR *name;
	HANDLE handle;
	bool manual;
	struct relay relay;
};

struct helper {
	WCHAR *rundir;       /* the run directory's Windows (Z:) path */
	unsigned port;
	struct helper_section sections[BRIDGE_MAX_SECTIONS];
	unsigned section_count;
	struct helper_event events[BRIDGE_MAX_EVENTS];
	unsigned event_count;
	bool has_program;    /* it runs a program (else the tool's going ends it) */
	SOCKET sock;         /* INVALID_SOCKET once the tool is gone */
	HANDLE sock_event;   /* signalled when the connection has news */
	unsigned char rx[16 * 64];
	size_t rx_len;
	/* The mirrored sections, which the mirror thread copies. */
	CRITICAL_SECTION mirror_lock;
	struct mirror *mirrors[BRIDGE_MAX_SECTIONS];
	unsigned mirror_count;
	HANDLE mirror_thread;
};

/* Writes one line to standard error: "filemap-bridge.exe: " + text. */
void helper_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A UTF-8 string as a new UTF-16 one (free()), or NULL. */
WCHAR *helper_widen(const char *s);

/* link.c */
bool link_connect(struct helper *h);
void link_send(struct helper *h, uint8_t type, uint8_t kind, uint16_t index, uint32_t seen,
	       uint64_t value);
bool link_open_events(struct helper *h);
/* Relays until program (if not NULL) exits, or else until the tool is gone. */
void link_run(struct helper *h, HANDLE program);

/* sections.c */
void sections_setup(struct helper *h);
/* Looks for the sections whose size is not known; true while some are. */
bool sections_poll(struct helper *h);
void sections_file_ready(struct helper *h, uint16_t index, uint64_t size);

#endif /* FM_BRIDGE_HELPER_H */
