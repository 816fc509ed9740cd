/* SPDX-License-Identifier: MIT */
/*
 * cmd_create.c - `filemap create NAME SIZE [--mode M] [--file PATH
 * [--read-only]] [--hold]`.
 *
 * A name lives only while some process holds it (DESIGN.md), and this
 * command is a process like any other: without --hold the section it makes
 * is gone again when it exits, unless someone else holds it too.  That is
 * useful only to check that a name can be created, so the command says so
 * on stderr.  With --hold it keeps the section until SIGINT, SIGTERM or
 * SIGHUP, which makes it a handy holder for scripts and tests.  With
 * --file the section maps that file (SIZE 0: the file's size; a larger
 * SIZE grows it), and only the header enters the store.
 */

#include <fcntl.h>
#define _GNU_SOURCE
#include "tool.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Waits for a signal in set (blocked), then releases the section. */
static int hold(fm_section *s, int created, const char *name, const sigset_t *set)
{
	int sig;

	tool_print_text(stdout, name);
	printf(": %s, %llu bytes, held by pid %d until SIGINT or SIGTERM\n",
	       created == FM_EXISTED ? "existed" : "created",
	       (unsigned long long)fm_section_size(s), (int)getpid());
	fflush(stdout);
	while (sigwait(set, &sig) != 0)
		;
	fm_section_close(s);
	return TOOL_OK;
}

/* Tells what happened when the command does not hold the section. */
static void report(int created, const char *name, uint64_t asked, uint64_t size)
{
	if (created == FM_EXISTED && size != asked)
		tool_error("%s existed already, with %llu bytes (not %llu): you got that one, unchanged",
			   name, (unsigned long long)size, (unsigned long long)asked);
	else if (created == FM_EXISTED)
		tool_error("%s existed already: you got that one, unchanged", name);
	else
		tool_error("created %s, %llu bytes; nobody holds it now, so the name vanished again "
			   "when this command exited: use --hold to keep it",
			   name, (unsigned long long)size);
}

int cmd_create(int argc, char **argv)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	const char *file = NULL;
	uint64_t size = 0;
	bool keep = false, read_only = false;
	const struct tool_opt options[] = {
		{ "mode", TOOL_OPT_MODE, &opts.mode },
		{ "file", TOOL_OPT_TEXT, &file },
		{ "read-only", TOOL_OPT_FLAG, &read_only },
		{ "hold", TOOL_OPT_FLAG, &keep },
		{ NULL },
	};
	struct fm__name name;
	sigset_t set;
	fm_section *s;
	char *pos[2];
	int r;

	r = tool_parse_args(argc, argv, options, "NAME SIZE", pos);
	if (r != TOOL_OK)
		return r;
	if (tool_parse_size(pos[1], &size) < 0 || (size == 0 && !file)) {
		tool_error("size %s: use a number of bytes above 0, with an optional K, M, G or T",
			   pos[1]);
		return TOOL_USAGE;
	}
	if (read_only && !file) {
		tool_error("--read-only is for a section over a file: use it with --file");
		return TOOL_USAGE;
	}
	r = tool_parse_name(&name, pos[0]);
	if (r != TOOL_OK)
		return r;
	if (file) {
		opts.fd = open(file, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (opts.fd < 0) {
			tool_error("%s: %s", file, strerror(errno));
			fm__name_free(&name);
			return TOOL_FAILED;
		}
		opts.access = read_only ? FM_READ : FM_READ | FM_WRITE;
	}
	/* Blocked before creating, so that a signal arriving at once still
	 * ends the hold in order rather than by the default action. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (keep)
		sigprocmask(SIG_BLOCK, &set, NULL);
	r = fm_section_create(&s, name.full, size, &opts);
	/* The section has its own hold on the file. */
	if (opts.fd >= 0)
		close(opts.fd);
	if (r < 0) {
		r = tool_lib_failure(r);
	} else if (keep) {
		r = hold(s, r, name.full, &set);
	} else {
		report(r, name.full, size, fm_section_size(s));
		fm_section_close(s);
		r = TOOL_OK;
	}
	fm__name_free(&name);
	return r;
}
