/* SPDX-License-Identifier: MIT */
/*
 * main.c - the filemap tool: finds the verb in its table and runs it.
 *
 * Each verb is a function in its own cmd_<verb>.c with a help text here,
 * whose first line is its synopsis; `filemap --help` lists the synopses and
 * `filemap help VERB` (or `filemap VERB --help`) prints the whole text.
 * filemap.1 is the manual.
 */
#include "tool.h"

#include <stdio.h>
#include <string.h>

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct verb verbs[] = {
	{ "ls", cmd_ls,
	  "ls [PATTERN] [--type T] [--namespace N] [-h] [--json | -1]\n"
	  "  Lists the objects in the store: your Local\\ objects (root: every user's)\n"
	  "  and the Global\\ ones, with namespace, type, exact size (- for a mutex,\n"
	  "  event or semaphore), mode, owner, state (held, orphan, corrupt), the pids\n"
	  "  of the holders (cut to \"+N more\"), and the state of a mutex (free,\n"
	  "  owner=PID/TID), event (signaled,auto) or semaphore (count=N/MAX); a section\n"
	  "  over a file shows NAME -> PATH.\n"
	  "  PATTERN         a glob on the name after its prefix (job.*); Local\\job.* or\n"
	  "                  Global\\job.* also picks the namespace\n"
	  "  --type T        only sections, mutexes, events or semaphores (T: section,\n"
	  "                  mutex, event, semaphore)\n"
	  "  --namespace N   only Local or Global objects\n"
	  "  -h, --human     sizes in K, M, G (powers of 1024), as ls -h\n"
	  "  --json          one JSON array, printed object by object\n"
	  "  -1, --names     only the full names, one a line\n" },
	{ "stat", cmd_stat,
	  "stat NAME [--json]\n"
	  "  Shows everything about one object: type, size, access, mode, owner,\n"
	  "  holders, creator and time, a sync object's state and waiters, or why it\n"
	  "  is corrupt; for a section over a file, the file, its device and inode, and\n"
	  "  whether it is still there.\n"
	  "  --json  the same as one JSON object, as ls --json prints each\n" },
	{ "watch", cmd_watch,
	  "watch [PATTERN] [--type T] [--namespace N] [--interval MS] [--count N]\n"
	  "  A live view of the objects, refreshed in place: type, size, state, holders,\n"
	  "  a mutex's owner, an event's signal, a semaphore's count, and the waits on\n"
	  "  them; what changed since the last refresh is shown in reverse video.  Not\n"
	  "  on a terminal, each refresh prints the table in plain lines and an empty\n"
	  "  line.  Ends at SIGINT (Ctrl-C) or SIGTERM.\n"
	  "  PATTERN, --type, --namespace   as for ls\n"
	  "  --interval MS   refresh every MS milliseconds (default 1000)\n"
	  "  --count N       stop after N refreshes (default: never)\n" },
	{ "create", cmd_create,
	  "create NAME [SIZE] [--type T] [--mode M] [--file PATH [--read-only]]\n"
	  "       [--hold] [type options]\n"
	  "  Creates a section of SIZE bytes, or a mutex, event or semaphore (no SIZE),\n"
	  "  or finds the existing one.  A name lives only while some process holds\n"
	  "  it: without --hold it vanishes again as soon as this command exits.\n"
	  "  --type T       section (the default), mutex, event or semaphore\n"
	  "  --mode M       octal permission bits of a new object (default 0600)\n"
	  "  --file PATH    a section: map the file PATH; SIZE 0 is its size, a\n"
	  "                 larger SIZE grows it\n"
	  "  --read-only    with --file: open it read-only, make a read-only section\n"
	  "  --hold         keep holding it until SIGINT or SIGTERM\n"
	  "  --manual       an event: manual-reset (default: auto-reset)\n"
	  "  --signaled     an event: starts signalled\n"
	  "  --initial N    a semaphore: its count at first (default 1)\n"
	  "  --maximum N    a semaphore: its maximum count (default 2147483647)\n" },
	{ "cat", cmd_cat,
	  "cat NAME [--offset N] [--length N] [--hex] [--follow [--interval MS]]\n"
	  "  Writes the section's bytes to standard output.\n"
	  "  --offset N      start N bytes in (any offset; default 0)\n"
	  "  --length N      write N bytes (default: to the end)\n"
	  "  --hex           a canonical hex+ASCII dump, like hexdump -C\n"
	  "  -f, --follow    then write them again each time they change, until SIGINT\n"
	  "                  (at most 16 MiB; a dump each time with --hex, after an\n"
	  "                  empty line); holds the section meanwhile, as any reader\n"
	  "  --interval MS   with --follow: look every MS milliseconds (default 250)\n" },
	{ "write", cmd_write,
	  "write NAME [--offset N] < DATA\n"
	  "  Copies standard input into the section at offset N (any offset; default\n"
	  "  0).  Data that does not fit is refused and nothing is written.\n" },
	{ "signal", cmd_signal,
	  "signal NAME [--count N]\n"
	  "  Sets an event, or releases a semaphore by N (default 1).  A mutex (only\n"
	  "  its owner can release it), a section, or a release past the semaphore's\n"
	  "  maximum is refused with exit status 1.\n"
	  "  --count N  a semaphore: release it by N\n" },
	{ "wait", cmd_wait,
	  "wait NAME [--timeout MS] [--hold]\n"
	  "  Waits until the object is signalled and takes it: an auto-reset event is\n"
	  "  reset, a semaphore decremented.  On a mutex it waits until the mutex is\n"
	  "  free: it locks it and unlocks it at once, unless --hold.  Exit status 0\n"
	  "  signalled, 4 timed out, 5 the mutex was abandoned by an owner that died.\n"
	  "  --timeout MS  give up after MS milliseconds (0 polls; default: never)\n"
	  "  --hold        a mutex: keep it locked until SIGINT or SIGTERM\n" },
	{ "rm", cmd_rm,
	  "rm NAME\n"
	  "  Removes the name now, even while processes hold it (they keep their\n"
	  "  memory); also removes a corrupt object.\n" },
	{ "bridge", cmd_bridge,
	  "bridge [--event NAME[:manual]]... [--posix NAME]... [--wine PATH] [--verbose]\n"
	  "       [NAME[:SIZE]]... [-- COMMAND [ARG...]]\n"
	  "  Runs COMMAND, a Wine or Proton command line (`wine game.exe`, or Steam's\n"
	  "  %command% in a game's launch options), and while it runs makes each NAME\n"
	  "  one object for the Windows programs in its prefix and for your native\n"
	  "  programs: a section both sides map, or an event whose set, pulse and\n"
	  "  reset reach the other side.  When COMMAND has exited and no native\n"
	  "  program holds a name, the name is gone.  Exit status: COMMAND's.\n"
	  "  NAME:SIZE      a section of SIZE bytes, made before COMMAND starts unless\n"
	  "                 NAME is held natively already (then: that one's size)\n"
	  "  NAME           a section of the size of whichever side makes it first\n"
	  "  --event NAME   an event, auto-reset (or :manual) unless it exists already\n"
	  "  --posix NAME   the file /dev/shm/NAME (shm_open's, a community bridge's)\n"
	  "                 as the section NAME, once it appears; needs no Wine\n"
	  "  --wine PATH    the wine to run the helper with when COMMAND names no .exe\n"
	  "                 (default: $WINE, else wine); without COMMAND, the names are\n"
	  "                 held until SIGINT or SIGTERM\n"
	  "  --verbose      say how each name is shared\n" },
	{ "gc", cmd_gc,
	  "gc\n"
	  "  Removes orphans, objects no process holds (left by holders that died),\n"
	  "  corrupt ones included, and the directories a creator killed while it\n"
	  "  made the store left behind, and prints each.\n" },
};

#define VERB_COUNT (sizeof(verbs) / sizeof(verbs[0]))

static void usage(FILE *f)
{
	fputs("usage: filemap VERB [ARGS]\n\nverbs:\n", f);
	for (size_t i = 0; i < VERB_COUNT; i++) {
		const char *nl = strchr(verbs[i].help, '\n');

		fprintf(f, "  filemap %.*s\n", (int)(nl - verbs[i].help), verbs[i].help);
	}
	fputs("  filemap help [VERB]\n"
	      "\nSizes and offsets take K, M, G, T suffixes (powers of 1024).  NAME is\n"
	      "Local\\NAME, Global\\NAME or NAME (Local\\).  The store is $FILEMAP_ROOT,\n"
	      "else /dev/shm/filemap.  `filemap help VERB` says more; see filemap(1).\n",
	      f);
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < VERB_COUNT; i++)
		if (strcmp(name, verbs[i].name) == 0)
			return &verbs[i];
	return NULL;
}

/* `filemap help [VERB]`: the whole help of one verb, or the list. */
static int help(int argc, char **argv)
{
	const struct verb *v;

	if (argc < 3) {
		usage(stdout);
		return TOOL_OK;
	}
	tool_verb = "help";
	v = find_verb(argv[2]);
	if (!v || argc > 3) {
		tool_error(v ? "expects one VERB; see `filemap --help`"
			     : "no verb \"%s\"; see `filemap --help`", argv[2]);
		return TOOL_USAGE;
	}
	printf("usage: filemap %s", v->help);
	return TOOL_OK;
}

int main(int argc, char **argv)
{
	const struct verb *v;
	int r;

	if (argc < 2) {
		usage(stderr);
		return TOOL_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		argv[1] = "help";
	if (strcmp(argv[1], "help") == 0)
		return help(argc, argv);
	if (strcmp(argv[1], "--version") == 0) {
		printf("filemap %s\n", FM_VERSION_STRING);
		return TOOL_OK;
	}
	v = find_verb(argv[1]);
	if (!v) {
		tool_error("unknown verb \"%s\"; see `filemap --help`", argv[1]);
		return TOOL_USAGE;
	}
	tool_verb = v->name;
	r = v->fn(argc - 1, argv + 1);
	if (r == TOOL_HELP) {
		printf("usage: filemap %s", v->help);
		r = TOOL_OK;
	}
	/* Output that could not be written (a full disk) is a failure. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_error("cannot write the output");
		return TOOL_FAILED;
	}
	return r;
}
