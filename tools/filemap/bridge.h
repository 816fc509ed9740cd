/* SPDX-License-Identifier: MIT */
/*
 * bridge.h - `filemap bridge`: what its parts share.
 *
 * The bridge makes each NAME one object for the Windows programs of a Wine
 * or Proton prefix and for native programs (filemap.7, "THE BRIDGE"):
 *
 *   cmd_bridge.c      the command line, and the order of things
 *   bridge_run.c      the run directory: the shared files, the helper's
 *                     configuration, and sweeping what a dead bridge left
 *   bridge_command.c  the Windows helper, the COMMAND it goes into, and
 *                     the processes the bridge starts
 *   bridge_link.c     the connection to the helper, and the inbox of the
 *                     loop (messages, exits, signals)
 *   bridge_objects.c  the native sections and events, mirrors included
 *   bridge_loop.c     the loop that relays while COMMAND runs
 *
 * The Windows half is tools/bridge/win/ (filemap-bridge.exe); the wire
 * protocol, the event relay and the mirror are tools/bridge/, shared.
 */
#ifndef FM_TOOL_BRIDGE_H
#define FM_TOOL_BRIDGE_H

#include "tool.h"

#include "../bridge/mirror.h"
#include "../bridge/proto.h"
#include "../bridge/relay.h"

#include <pthread.h>
#include <stdatomic.h>

/* ------------------------------------------------------------------------
 * The objects (bridge_objects.c)
 * ------------------------------------------------------------------------ */

enum bridge_state {
	BRIDGE_PENDING,  /* no side has the name yet: looked for */
	BRIDGE_SHARING,  /* the native name maps the shared file itself */
	BRIDGE_COPYING,  /* the native name existed: mirrored to the file */
	BRIDGE_BROKEN,   /* could not be set up (said so) */
};

struct bridge_section {
	char *given;             /* NAME as given (without :SIZE), for Windows */
	struct fm__name name;
	uint64_t size;           /* asked for, then the shared file's */
	const char *posix;       /* --posix: the /dev/shm file's name, else NULL */
	enum bridge_state state;
	fm_section *section;     /* the native name, held */
	int file;                /* the shared file, or -1 */
	void *file_view, *native_view;  /* mirrored: both ends */
	unsigned char *shadow;
	struct mirror mirror;
	bool file_told;          /* the helper knows the file is ready */
	int windows;             /* the helper's BRIDGE_STATUS, -1 failed, 0 not yet */
};

struct bridge_event {
	char *given;             /* NAME as given (without :manual or :auto) */
	struct fm__name name;
	bool manual;
	fm_event *event;
	struct relay relay;
	bool broken;
};

struct bridge_link;

struct bridge_objects {
	struct bridge_section sections[BRIDGE_MAX_SECTIONS]; /* index: the helper's */
	unsigned section_count;
	struct bridge_section posix[BRIDGE_MAX_SECTIONS];    /* --posix ones */
	unsigned posix_count;
	struct bridge_event events[BRIDGE_MAX_EVENTS];
	unsigned event_count;
	int rundir;              /* the run directory, for the shared files */
	struct bridge_link *link;
	/* The mirrored sections, which the mirror thread copies. */
	pthread_mutex_t mirror_lock;
	struct mirror *mirrors[BRIDGE_MAX_SECTIONS];
	unsigned mirror_count;
	pthread_t mirror_thread;
	bool mirror_started;
	atomic_bool stop_mirrors;
	bool verbose;
};

/* Makes or finds every native object before COMMAND starts.  Returns
 * TOOL_OK or TOOL_FAILED having said why. */
int bridge_objects_setup(struct bridge_objects *o);

/* Looks for the pending sections; true while some remain. */
bool bridge_objects_poll(struct bridge_objects *o);

/* A message from the helper about a section (APPEARED, STATUS, FAILED). */
void bridge_objects_message(struct bridge_objects *o, const struct bridge_msg *m);

/* Once the helper is ready: tells it the files made after it read its
 * configuration, and starts relaying the events. */
void bridge_objects_ready(struct bridge_objects *o);

/* Releases every native object; a shared file some process still has open
 * (a native program holds the name) is kept, and said so. */
void bridge_objects_close(struct bridge_objects *o);

/* ------------------------------------------------------------------------
 * The run directory (bridge_run.c)
 * ------------------------------------------------------------------------ */

struct bridge_run {
	int dir;          /* <root>-bridge-<uid>, 0700 */
	int fd;           /* our run-<pid>-<n> in it, locked while we run */
	char *path;       /* its path */
	char *name;       /* its name in dir */
};

/* Sweeps what dead bridges left, then makes and locks a run directory.
 * Returns TOOL_OK or TOOL_FAILED having said why. */
int bridge_run_open(struct bridge_run *r);

/* Writes the helper's configuration; TOOL_OK or TOOL_FAILED. */
int bridge_run_write_config(struct bridge_run *r, const struct bridge_objects *o,
			    unsigned port);

/* Copies the helper into the run directory (a Proton game's container
 * sees /dev/shm, not the host's /usr); TOOL_OK or TOOL_FAILED. */
int bridge_run_copy_helper(struct bridge_run *r, const char *helper);

/* Removes the run directory, but for files some process has open. */
void bridge_run_close(struct bridge_run *r);

/*
 * Removes the run directories of bridges that are gone, but for any file
 * some process still has open (a native program holding a bridged name,
 * a Wine program mapping it).  Prints what it removed when verbose (gc).
 * Returns TOOL_OK or TOOL_FAILED.
 */
int bridge_sweep(bool verbose);

/* Whether some other process has the file (dev, ino) open. */
bool bridge_file_in_use(dev_t dev, ino_t ino);

/* ------------------------------------------------------------------------
 * The link to the helper and the loop's inbox (bridge_link.c)
 * ------------------------------------------------------------------------ */

enum bridge_note_kind {
	BRIDGE_NOTE_MESSAGE,     /* msg from the helper */
	BRIDGE_NOTE_LINK_CLOSED, /* the helper closed the connection */
	BRIDGE_NOTE_EXITED,      /* a process we started ended: pid, status */
	BRIDGE_NOTE_STOP,        /* a signal asked us to stop: status */
};

struct bridge_note {
	enum bridge_note_kind kind;
	struct bridge_msg msg;
	pid_t pid;
	int status;
};

struct bridge_inbox {
	pthread_mutex_t lock;
	struct bridge_note *notes;
	size_t head, count, cap;
	fm_event *wake;          /* unnamed, auto-reset: set at each post */
};

int bridge_inbox_init(struct bridge_inbox *in);
void bridge_inbox_post(struct bridge_inbox *in, const struct bridge_note *note);
bool bridge_inbox_take(struct bridge_inbox *in, struct bridge_note *out);
void bridge_inbox_free(struct bridge_inbox *in);

struct bridge_link {
	int listener;
	unsigned port;
	atomic_int sock;         /* the helper's connection, or -1 */
	pthread_t reader;
	bool started;
	struct bridge_inbox *inbox;
};

/* Listens on 127.0.0.1 (a port of the kernel's choice); TOOL_OK or
 * TOOL_FAILED. */
int bridge_link_listen(struct bridge_link *l, struct bridge_inbox *inbox);

/* Starts the thread that accepts the helper (only from our own user) and
 * posts its messages to the inbox. */
int bridge_link_start(struct bridge_link *l);

void bridge_link_send(struct bridge_link *l, uint8_t type, uint16_t index, uint32_t seen,
		      uint64_t value);

/* Closes the connection (a helper without a program then exits) and
 * joins the thread. */
void bridge_link_close(struct bridge_link *l);

/* ------------------------------------------------------------------------
 * The helper and the processes (bridge_command.c)
 * ------------------------------------------------------------------------ */

/* Finds filemap-bridge.exe beside the tool or where it is installed;
 * returns TOOL_OK with *path (free()), or TOOL_FAILED having said where
 * it looked and what to install. */
int bridge_find_helper(char **path);

/* The index in argv of the Windows program COMMAND runs (the first
 * argument after the first that names a .exe, .bat, .cmd or .com), or -1. */
int bridge_program_index(char *const argv[], int argc);

/* COMMAND with the helper in front of its program at index (free() the
 * array and its [index] to [index + 3] entries), or NULL. */
char **bridge_insert_helper(char *const argv[], int argc, int index, const char *rundir);

/* The helper's command when COMMAND names no Windows program: the wine
 * binary wine (else $WINE, else "wine") runs it in $WINEPREFIX. */
char **bridge_helper_command(const char *wine, const char *rundir);

/*
 * Starts argv (searching PATH) with the signals the tool blocks unblocked,
 * and a thread that posts its end to inbox.  Returns TOOL_OK with *pid, or
 * 126 / 127 (not executable / not found) having said why.
 */
int bridge_spawn(pid_t *pid, char *const argv[], struct bridge_inbox *inbox);

/* Blocks SIGINT, SIGTERM and SIGHUP and starts the thread that handles
 * them: one sent by a process goes on to *child (when it is > 0), one
 * from the terminal reaches COMMAND by itself; with no child, each posts
 * BRIDGE_NOTE_STOP. */
int bridge_signals_start(struct bridge_inbox *inbox, _Atomic pid_t *child);

/* ------------------------------------------------------------------------
 * The loop (bridge_loop.c)
 * ------------------------------------------------------------------------ */

struct bridge_loop {
	struct bridge_objects *objects;
	struct bridge_inbox *inbox;
	struct bridge_link *link;
	pid_t command;           /* COMMAND, or 0 when none runs */
	pid_t helper;            /* the helper we started, or 0 */
	bool helper_in_command;  /* the helper runs in COMMAND, in front of its program */
	bool ended;              /* COMMAND ended: the loop ends once the helper's
				  * connection closes, or at linger_until */
	uint64_t linger_until;   /* CLOCK_MONOTONIC, ms */
	bool ready;              /* the helper said READY, and is still there */
	bool ready_seen;         /* the helper said READY at some point */
	bool linked;             /* the connection is up */
	bool hello_seen;         /* the helper connected at some point */
	int status;              /* how COMMAND ended, as an exit status */
};

/* Waits for the helper's READY (when we started it); TOOL_OK, TOOL_FAILED
 * having said why, or 128 + N when a signal N stopped the bridge. */
int bridge_loop_wait_ready(struct bridge_loop *l);

/* Relays until COMMAND ends (or, without one, until a signal); its exit
 * status is l->status. */
void bridge_loop_run(struct bridge_loop *l);

#endif /* FM_TOOL_BRIDGE_H */
