/* SPDX-License-Identifier: MIT */
/*
 * cmd_bridge.c - `filemap bridge [--event NAME[:manual|:auto]]...
 * [--posix NAME]... [--wine PATH] [--verbose] NAME[:SIZE]...
 * [-- COMMAND [ARG...]]`.
 *
 * Runs COMMAND, a Wine or Proton command line, and while it runs makes
 * each NAME one object for the Windows programs of its prefix and for the
 * native programs of the user (bridge.h lists the parts; filemap.7 says
 * how it works).  In order:
 *
 *   1. the native objects, before anything runs: a NAME:SIZE nobody holds
 *      is made over a shared file, so that a Windows program's create gets
 *      ERROR_ALREADY_EXISTS as when another process made it first;
 *   2. the helper's configuration, and the port it connects to;
 *   3. COMMAND, with the helper in front of its Windows program, or the
 *      helper alone first when COMMAND names none;
 *   4. the loop, until COMMAND ends; then every native hold is released,
 *      so a name nobody else holds is gone, and the run directory with it.
 *
 * Without COMMAND the bridge holds its names until SIGINT or SIGTERM.  The
 * exit status is COMMAND's (128 + N when a signal N ended it).
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bridge_args {
	struct bridge_objects objects;
	const char *wine;
	char **command;       /* NULL when none */
	int command_count;
};

/* Splits "NAME:SUFFIX" at its last colon; returns the suffix or NULL. */
static const char *suffix(const char *arg)
{
	const char *colon = strrchr(arg, ':');

	return colon && colon[1] ? colon + 1 : NULL;
}

static int parse_name(struct fm__name *name, char **given, const char *arg, size_t len)
{
	*given = strndup(arg, len);
	if (!*given) {
		tool_error("out of memory");
		return TOOL_FAILED;
	}
	return tool_parse_name(name, *given);
}

static int add_section(struct bridge_args *a, const char *arg)
{
	struct bridge_objects *o = &a->objects;
	struct bridge_section *s = &o->sections[o->section_count];
	const char *size = suffix(arg);
	uint64_t bytes = 0;

	if (o->section_count == BRIDGE_MAX_SECTIONS) {
		tool_error("at most %d sections", BRIDGE_MAX_SECTIONS);
		return TOOL_USAGE;
	}
	if (size && (*size < '0' || *size > '9'))
		size = NULL; /* a size starts with a digit: this colon is the name's */
	if (size && (tool_parse_size(size, &bytes) < 0 || bytes == 0 || bytes > SIZE_MAX)) {
		tool_error("%s: a size is bytes above 0, with an optional K, M, G or T; leave it out "
			   "to take the size of whoever makes the name", arg);
		return TOOL_USAGE;
	}
	*s = (struct bridge_section){ .size = bytes, .file = -1 };
	o->section_count++;
	return parse_name(&s->name, &s->given, arg, size ? (size_t)(size - 1 - arg) : strlen(arg));
}

static int add_event(struct bridge_args *a, const char *arg)
{
	struct bridge_objects *o = &a->objects;
	struct bridge_event *e = &o->events[o->event_count];
	const char *kind = suffix(arg);
	size_t len = strlen(arg);

	if (o->event_count == BRIDGE_MAX_EVENTS) {
		tool_error("at most %d events", BRIDGE_MAX_EVENTS);
		return TOOL_USAGE;
	}
	*e = (struct bridge_event){ 0 };
	o->event_count++;
	if (kind && (strcmp(kind, "manual") == 0 || strcmp(kind, "auto") == 0)) {
		e->manual = kind[0] == 'm';
		len = (size_t)(kind - 1 - arg);
	}
	return parse_name(&e->name, &e->given, arg, len);
}

static int add_posix(struct bridge_args *a, const char *arg)
{
	struct bridge_objects *o = &a->objects;
	struct bridge_section *s = &o->posix[o->posix_count];
	int r;

	if (o->posix_count == BRIDGE_MAX_SECTIONS) {
		tool_error("at most %d --posix names", BRIDGE_MAX_SECTIONS);
		return TOOL_USAGE;
	}
	*s = (struct bridge_section){ .file = -1 };
	o->posix_count++;
	r = parse_name(&s->name, &s->given, arg, strlen(arg));
	if (r != TOOL_OK)
		return r;
	/* The file of "Local\x" is /dev/shm/x, as shm_open("/x") makes it. */
	s->posix = strchr(s->name.full, '\\') + 1;
	if (strchr(s->posix, '/') || strcmp(s->posix, ".") == 0 || strcmp(s->posix, "..") == 0) {
		tool_error("--posix %s: a shm_open name has no slash; the file is /dev/shm/NAME", arg);
		return TOOL_USAGE;
	}
	return TOOL_OK;
}

/* Refuses a name given twice; TOOL_OK or TOOL_USAGE. */
static int check_unique(const struct bridge_objects *o)
{
	const char *names[2 * BRIDGE_MAX_SECTIONS + BRIDGE_MAX_EVENTS];
	size_t n = 0;

	for (unsigned i = 0; i < o->section_count; i++)
		names[n++] = o->sections[i].name.full;
	for (unsigned i = 0; i < o->posix_count; i++)
		names[n++] = o->posix[i].name.full;
	for (unsigned i = 0; i < o->event_count; i++)
		names[n++] = o->events[i].name.full;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			if (strcmp(names[i], names[j]) == 0) {
				tool_error("%s is named twice", names[i]);
				return TOOL_USAGE;
			}
		}
	}
	return n ? TOOL_OK : TOOL_USAGE;
}

/* Handles the option argv[*i]; TOOL_OK, TOOL_HELP or TOOL_USAGE. */
static int parse_option(struct bridge_args *a, int argc, char **argv, int *i)
{
	const char *opt = argv[*i], *value = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
		return TOOL_HELP;
	if (strcmp(opt, "--verbose") == 0) {
		a->objects.verbose = true;
		return TOOL_OK;
	}
	if (strcmp(opt, "--event") != 0 && strcmp(opt, "--posix") != 0 && strcmp(opt, "--wine") != 0) {
		tool_error("unknown option %s; see `filemap bridge --help`", opt);
		return TOOL_USAGE;
	}
	if (!value) {
		tool_error("%s needs a value; see `filemap bridge --help`", opt);
		return TOOL_USAGE;
	}
	++*i;
	if (strcmp(opt, "--wine") == 0) {
		a->wine = value;
		return TOOL_OK;
	}
	return strcmp(opt, "--event") == 0 ? add_event(a, value) : add_posix(a, value);
}

static int parse(struct bridge_args *a, int argc, char **argv)
{
	int r = TOOL_OK;

	for (int i = 1; r == TOOL_OK && i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			a->command = i + 1 < argc ? argv + i + 1 : NULL;
			a->command_count = argc - i - 1;
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			r = parse_option(a, argc, argv, &i);
		else
			r = add_section(a, argv[i]);
	}
	if (r == TOOL_OK && check_unique(&a->objects) != TOOL_OK) {
		if (!a->objects.section_count && !a->objects.event_count && !a->objects.posix_count)
			tool_error("expects at least one NAME, --event NAME or --posix NAME; see "
				   "`filemap bridge --help`");
		r = TOOL_USAGE;
	}
	return r;
}

static void free_args(struct bridge_args *a)
{
	struct bridge_objects *o = &a->objects;

	for (unsigned i = 0; i < o->section_count; i++) {
		fm__name_free(&o->sections[i].name);
		free(o->sections[i].given);
	}
	for (unsigned i = 0; i < o->posix_count; i++) {
		fm__name_free(&o->posix[i].name);
		free(o->posix[i].given);
	}
	for (unsigned i = 0; i < o->event_count; i++) {
		fm__name_free(&o->events[i].name);
		free(o->events[i].given);
	}
}

/* Everything the run holds, released by finish(). */
struct bridge_session {
	struct bridge_inbox inbox;
	struct bridge_link link;
	struct bridge_run run;
	struct bridge_loop loop;
	char *helper;
	char **argv;          /* COMMAND with the helper in it, or NULL */
	char **helper_argv;   /* the helper alone, or NULL */
	_Atomic pid_t child;
	bool wine;
};

/* Starts the helper: in front of COMMAND's Windows program, or alone. */
static int start_helper(struct bridge_session *st, struct bridge_args *a)
{
	int index = a->command ? bridge_program_index(a->command, a->command_count) : -1, r;

	if (index >= 0) {
		st->argv = bridge_insert_helper(a->command, a->command_count, index, st->run.path);
		st->loop.helper_in_command = true;
		if (a->objects.verbose)
			tool_error("running the Windows helper in front of %s", a->command[index]);
		return st->argv ? TOOL_OK : TOOL_FAILED;
	}
	if (getenv("STEAM_COMPAT_DATA_PATH"))
		tool_error("note: COMMAND names no Windows program; Proton runs its own Wine, so "
			   "put `filemap bridge ... --` right before Steam's %%command%%");
	st->helper_argv = bridge_helper_command(a->wine, st->run.path);
	if (!st->helper_argv)
		return TOOL_FAILED;
	if (a->objects.verbose)
		tool_error("running the Windows helper with %s in %s", st->helper_argv[0],
			   getenv("WINEPREFIX") ? getenv("WINEPREFIX") : "Wine's default prefix, ~/.wine");
	r = bridge_spawn(&st->loop.helper, st->helper_argv, &st->inbox);
	if (r != TOOL_OK) {
		tool_error("the Windows helper needs Wine: install it, give --wine PATH or $WINE, "
			   "or name the game's .exe in COMMAND");
		return TOOL_FAILED;
	}
	return bridge_loop_wait_ready(&st->loop);
}

/* Steps 1 and 2 (see the top), and the helper. */
static int prepare(struct bridge_session *st, struct bridge_args *a)
{
	struct bridge_objects *o = &a->objects;
	int r;

	if (st->wine && (bridge_find_helper(&st->helper) != TOOL_OK ||
			 bridge_run_open(&st->run) != TOOL_OK ||
			 bridge_link_listen(&st->link, &st->inbox) != TOOL_OK))
		return TOOL_FAILED;
	o->rundir = st->run.fd;
	o->link = &st->link;
	r = bridge_objects_setup(o);
	if (r != TOOL_OK || !st->wine)
		return r;
	if (bridge_run_copy_helper(&st->run, st->helper) != TOOL_OK ||
	    bridge_run_write_config(&st->run, o, st->link.port) != TOOL_OK)
		return TOOL_FAILED;
	for (unsigned i = 0; i < o->section_count; i++)
		o->sections[i].file_told = o->sections[i].file >= 0;
	if (bridge_link_start(&st->link) != TOOL_OK)
		return TOOL_FAILED;
	return start_helper(st, a);
}

/* Takes the inbox's notes until the helper's end is among them, for at
 * most tenths tenths of a second; whether it ended. */
static bool helper_ended(struct bridge_session *st, int tenths)
{
	for (int i = 0; st->loop.helper && i < tenths; i++) {
		struct bridge_note note;

		while (bridge_inbox_take(&st->inbox, &note))
			if (note.kind == BRIDGE_NOTE_EXITED && note.pid == st->loop.helper)
				st->loop.helper = 0;
		if (st->loop.helper)
			fm_event_wait(st->inbox.wake, 100 * 1000000u);
	}
	return !st->loop.helper;
}

/* Waits a little for the helper we started alone, which ends when the
 * connection closes; stops it if it does not.  Its end is waited for in
 * every case: its waiter thread posts it to the inbox, which must outlive
 * that. */
static void stop_helper(struct bridge_session *st)
{
	if (helper_ended(st, 100))
		return;
	kill(st->loop.helper, SIGTERM);
	if (helper_ended(st, 50))
		return;
	kill(st->loop.helper, SIGKILL);
	helper_ended(st, INT_MAX);
}

static void finish(struct bridge_session *st, struct bridge_args *a)
{
	bridge_link_close(&st->link);
	stop_helper(st);
	bridge_objects_close(&a->objects);
	if (st->loop.ended && st->loop.helper_in_command && !st->loop.hello_seen)
		tool_error("the Windows helper never connected: COMMAND did not run it (its messages "
			   "above may say why); the names were native only");
	bridge_run_close(&st->run);
	if (st->argv)
		free(st->argv[bridge_program_index(a->command, a->command_count)]);
	free(st->argv);
	if (st->helper_argv)
		free(st->helper_argv[1]);
	free(st->helper_argv);
	free(st->helper);
	bridge_inbox_free(&st->inbox);
}

static int run(struct bridge_args *a)
{
	struct bridge_session st = { .link = { .listener = -1, .sock = -1 },
				   .run = { .dir = -1, .fd = -1 } };
	pid_t pid;
	int r;

	st.wine = a->objects.section_count || a->objects.event_count;
	st.loop = (struct bridge_loop){ .objects = &a->objects, .inbox = &st.inbox,
					.link = &st.link };
	r = bridge_inbox_init(&st.inbox);
	if (r == TOOL_OK)
		r = bridge_signals_start(&st.inbox, &st.child);
	if (r != TOOL_OK)
		return r;
	r = prepare(&st, a);
	if (r == TOOL_OK && a->command) {
		r = bridge_spawn(&pid, st.argv ? st.argv : a->command, &st.inbox);
		st.loop.command = r == TOOL_OK ? pid : 0;
		atomic_store(&st.child, st.loop.command);
	} else if (r == TOOL_OK) {
		printf("filemap bridge: holding the names until SIGINT or SIGTERM (pid %d)\n",
		       (int)getpid());
		fflush(stdout);
	}
	if (r == TOOL_OK) {
		bridge_loop_run(&st.loop);
		r = st.loop.status;
	}
	atomic_store(&st.child, 0);
	finish(&st, a);
	return r;
}

int cmd_bridge(int argc, char **argv)
{
	struct bridge_args *a = calloc(1, sizeof(*a));
	int r;

	if (!a) {
		tool_error("out of memory");
		return TOOL_FAILED;
	}
	r = parse(a, argc, argv);
	if (r == TOOL_OK)
		r = run(a);
	free_args(a);
	free(a);
	return r;
}
