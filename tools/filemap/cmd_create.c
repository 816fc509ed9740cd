/* SPDX-License-Identifier: MIT */
/*
 * cmd_create.c - `filemap create NAME [SIZE] [--type T] [--mode M]
 * [--file PATH [--read-only]] [--hold] [--manual] [--signaled] [--initial N]
 * [--maximum N]`.
 *
 * Makes a section of SIZE bytes, or a mutex, event or semaphore (which have
 * no size), or finds the existing object of that name.  A name lives only
 * while some process holds it (DESIGN.md), and this command is a process
 * like any other: without --hold the object it makes is gone again when it
 * exits, unless someone else holds it too.  That is useful only to check
 * that a name can be created, so the command says so on stderr.  With
 * --hold it keeps the object until SIGINT, SIGTERM or SIGHUP, which makes
 * it a handy holder for scripts and tests.  The created mutex is free: the
 * holder does not own it (`filemap wait --hold` does that).  With --file a
 * section maps that file (SIZE 0: the file's size; a larger SIZE grows it),
 * and only its header enters the store.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* A number option that was not given (TOOL_OPT_NUMBER never yields it). */
#define NOT_GIVEN UINT64_MAX

struct create {
	const char *type_text;
	uint32_t type;
	uint64_t size;
	bool keep, manual, signaled, read_only;
	const char *file;
	uint64_t initial, maximum;
	uint32_t mode;
};

/* Sets c->type from --type; TOOL_OK or TOOL_USAGE. */
/* Refuses an option given for a type it does not apply to. */
static int misplaced(const char *option, const struct create *c)
{
	tool_error("--%s does not apply to %s; see `filemap create --help`", option,
		   tool_a_type(c->type));
	return TOOL_USAGE;
}

/* Checks the options of a sync object; TOOL_OK or TOOL_USAGE. */
static int check_sync(struct create *c, const char *size)
{
	if (size) {
		tool_error("%s has no size: leave out %s", tool_a_type(c->type), size);
		return TOOL_USAGE;
	}
	if (c->file || c->read_only)
		return misplaced(c->file ? "file" : "read-only", c);
	if (c->type != FM__TYPE_EVENT && (c->manual || c->signaled))
		return misplaced(c->manual ? "manual" : "signaled", c);
	if (c->type != FM__TYPE_SEMAPHORE && (c->initial != NOT_GIVEN || c->maximum != NOT_GIVEN))
		return misplaced(c->initial != NOT_GIVEN ? "initial" : "maximum", c);
	if (c->type != FM__TYPE_SEMAPHORE)
		return TOOL_OK;
	if (c->maximum == NOT_GIVEN)
		c->maximum = INT32_MAX;
	/* The one rule of the Python module too: a semaphore starts at 1, as
	 * threading.Semaphore does, and may go up to Windows' limit. */
	if (c->initial == NOT_GIVEN)
		c->initial = 1;
	if (c->maximum == 0 || c->maximum > INT32_MAX) {
		tool_error("--maximum %llu: use 1 to %d", (unsigned long long)c->maximum, INT32_MAX);
		return TOOL_USAGE;
	}
	if (c->initial > c->maximum) {
		tool_error("--initial %llu is above the maximum, %llu", (unsigned long long)c->initial,
			   (unsigned long long)c->maximum);
		return TOOL_USAGE;
	}
	return TOOL_OK;
}

/* Checks the command line beyond its syntax; TOOL_OK or TOOL_USAGE. */
static int check(struct create *c, const char *size)
{
	int r = c->type_text ? tool_parse_type(c->type_text, &c->type) : TOOL_OK;

	if (r != TOOL_OK || c->type != FM__TYPE_SECTION)
		return r == TOOL_OK ? check_sync(c, size) : r;
	if (c->manual || c->signaled)
		return misplaced(c->manual ? "manual" : "signaled", c);
	if (c->initial != NOT_GIVEN || c->maximum != NOT_GIVEN)
		return misplaced(c->initial != NOT_GIVEN ? "initial" : "maximum", c);
	if (c->read_only && !c->file) {
		tool_error("--read-only is for a section over a file: use it with --file");
		return TOOL_USAGE;
	}
	if (!size) {
		tool_error("expects NAME SIZE for a section; see `filemap create --help`");
		return TOOL_USAGE;
	}
	r = tool_parse_size(size, &c->size);
	if (r < 0)
		return tool_bad_size("size", size, r);
	/* Over a file, size 0 means the file's size. */
	if (c->size == 0 && !c->file) {
		tool_error("size 0: a section needs a size above 0 (0 is for --file: the file's size)");
		return TOOL_USAGE;
	}
	return TOOL_OK;
}

/* Says what was made: "65536 bytes", "a mutex", "an auto-reset event". */
static void describe(char *buf, size_t len, uint32_t type, uint64_t size)
{
	if (type == FM__TYPE_SECTION)
		snprintf(buf, len, "%llu bytes", (unsigned long long)size);
	else
		snprintf(buf, len, "%s", tool_a_type(type));
}

/* Waits for a signal in set (blocked); the caller then releases the object. */
static void hold(int created, const char *name, const char *what, const sigset_t *set)
{
	int sig;

	tool_print_text(stdout, name);
	printf(": %s, %s, held by pid %d until SIGINT or SIGTERM\n",
	       created == FM_EXISTED ? "existed" : "created", what, (int)getpid());
	fflush(stdout);
	while (sigwait(set, &sig) != 0)
		;
}

/* Tells what happened when the command does not hold the object. */
static void report(int created, const char *name, const struct create *c, uint64_t size,
		   const char *what)
{
	if (created == FM_EXISTED && c->type == FM__TYPE_SECTION && c->size && size != c->size)
		tool_error("%s existed already, with %llu bytes (not %llu): you got that one, unchanged",
			   name, (unsigned long long)size, (unsigned long long)c->size);
	else if (created == FM_EXISTED)
		tool_error("%s existed already: you got that one, unchanged", name);
	else
		tool_error("created %s, %s; nobody holds it now, so the name vanished again "
			   "when this command exited: use --hold to keep it",
			   name, what);
}

/* Creates the sync object of c->type; returns the library's result. */
static int create_sync(fm_sync **o, const char *name, const struct create *c)
{
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;

	opts.mode = c->mode;
	switch (c->type) {
	case FM__TYPE_MUTEX:
		return fm_mutex_create(o, name, 0, &opts);
	case FM__TYPE_EVENT:
		return fm_event_create(o, name,
				       (c->manual ? FM_EVENT_MANUAL_RESET : 0) |
					       (c->signaled ? FM_EVENT_SIGNALED : 0),
				       &opts);
	default:
		return fm_semaphore_create(o, name, (uint32_t)c->initial, (uint32_t)c->maximum,
					   &opts);
	}
}

/* Creates the object, then holds it or reports; returns a TOOL_* code. */
static int create(struct fm__name *name, const struct create *c, const sigset_t *set)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s = NULL;
	fm_sync *o = NULL;
	uint64_t size = 0;
	char what[64];
	int r;

	opts.mode = c->mode;
	if (c->file) {
		opts.fd = open(c->file, (c->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (opts.fd < 0)
			return tool_fail(-errno, "%s: cannot open it: %s", c->file, strerror(errno));
		opts.access = c->read_only ? FM_READ : FM_READ | FM_WRITE;
	}
	if (c->type == FM__TYPE_SECTION)
		r = fm_section_create(&s, name->full, c->size, &opts);
	else
		r = create_sync(&o, name->full, c);
	if (opts.fd >= 0)
		close(opts.fd); /* the section has its own hold on the file */
	if (r < 0)
		return tool_type_failure(r, name, c->type);
	if (s)
		size = fm_section_size(s);
	describe(what, sizeof(what), c->type, size);
	if (c->keep)
		hold(r, name->full, what, set);
	else
		report(r, name->full, c, size, what);
	fm_section_close(s);
	fm_sync_close(o);
	return TOOL_OK;
}

int cmd_create(int argc, char **argv)
{
	struct create c = { .type = FM__TYPE_SECTION, .initial = NOT_GIVEN, .maximum = NOT_GIVEN };
	const struct tool_opt options[] = {
		{ "type", TOOL_OPT_TEXT, &c.type_text, 0 },
		{ "mode", TOOL_OPT_MODE, &c.mode, 0 },
		{ "file", TOOL_OPT_TEXT, &c.file, 0 },
		{ "read-only", TOOL_OPT_FLAG, &c.read_only, 0 },
		{ "hold", TOOL_OPT_FLAG, &c.keep, 0 },
		{ "manual", TOOL_OPT_FLAG, &c.manual, 0 },
		{ "signaled", TOOL_OPT_FLAG, &c.signaled, 0 },
		{ "initial", TOOL_OPT_NUMBER, &c.initial, 0 },
		{ "maximum", TOOL_OPT_NUMBER, &c.maximum, 0 },
		{ NULL },
	};
	struct fm__name name;
	sigset_t set;
	char *pos[2];
	int r;

	r = tool_parse_args(argc, argv, options, "NAME [SIZE]", pos);
	if (r == TOOL_OK)
		r = check(&c, pos[1]);
	if (r == TOOL_OK)
		r = tool_parse_name(&name, pos[0]);
	if (r != TOOL_OK)
		return r;
	/* Blocked before creating, so that a signal arriving at once still
	 * ends the hold in order rather than by the default action. */
	tool_stop_signals(&set, true);
	if (c.keep)
		sigprocmask(SIG_BLOCK, &set, NULL);
	r = create(&name, &c, &set);
	fm__name_free(&name);
	return r;
}
