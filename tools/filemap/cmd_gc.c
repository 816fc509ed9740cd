/* SPDX-License-Identifier: MIT */
/*
 * cmd_gc.c - `filemap gc`: remove the orphans in the store.
 *
 * An orphan is an object no process holds: its holders died without the
 * last-one-out removal.  Opening its name would remove it anyway (it reads
 * as absent); gc sweeps them all at once, with the library's own test
 * (fm__object_remove_if_unheld: LOCK_EX|LOCK_NB on a fresh description), so
 * a held object is never touched and an opener racing with gc sees either
 * the object or nothing.  A corrupt file nobody holds is an orphan too.
 * Another user's orphan in global/ can be removed only by that user or root
 * (the directory is sticky); gc says so and leaves it.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <string.h>
#include <unistd.h>

/* Prints the object's name, or its file when the name is unknown, and
 * whose store it is in when that is not the caller's. */
static void print_label(FILE *f, const struct tool_object *o, const struct tool_entry *e)
{
	if (o->name) {
		tool_print_text(f, o->name);
	} else {
		tool_print_text(f, e->dir_path);
		putc('/', f);
		tool_print_text(f, e->file);
	}
	if (e->ns == FM__NS_LOCAL && e->owner != geteuid())
		fprintf(f, " (uid %u)", (unsigned)e->owner);
}

/* Removes the entry if it is an orphan; returns a TOOL_* code. */
static int collect(const struct tool_object *o, const struct tool_entry *e)
{
	int r = fm__object_remove_if_unheld(e->dirfd, e->file, o->fd);

	if (r == 1) {
		printf("removed %sorphan ", o->state == TOOL_CORRUPT ? "corrupt " : "");
		print_label(stdout, o, e);
		if (o->state == TOOL_CORRUPT)
			printf(" (%s)", o->problem);
		putchar('\n');
		return TOOL_OK;
	}
	if (r == 0)
		return TOOL_OK; /* held: not ours to judge */
	fputs(r == -EACCES ? "filemap gc: note: cannot remove orphan " : "filemap gc: cannot remove ",
	      stderr);
	print_label(stderr, o, e);
	if (r == -EACCES) {
		fprintf(stderr, " of uid %u; run `filemap gc` as that user or root\n",
			(unsigned)o->st.st_uid);
		return TOOL_OK;
	}
	fprintf(stderr, ": %s\n", strerror(-r));
	return TOOL_FAILED;
}

static int visit(const struct tool_entry *e, void *arg)
{
	struct tool_object o;
	int r = TOOL_OK;

	(void)arg;
	tool_inspect(&o, e);
	if (!S_ISREG(o.st.st_mode)) {
		/* Not something the library made: no lock can tell if it is in
		 * use, so it is left to a person. */
		fputs("filemap gc: note: leaving ", stderr);
		print_label(stderr, &o, e);
		fputs(": not a regular file, so not an object; remove it by hand\n", stderr);
	} else if (o.fd >= 0) {
		r = collect(&o, e);
	}
	/* An unreadable object (another user's, mode 0600) cannot be
	 * tested for holders; only its owner or root may remove it anyway. */
	tool_object_free(&o);
	return r;
}

int cmd_gc(int argc, char **argv)
{
	int r;

	r = tool_parse_args(argc, argv, NULL, "", NULL);
	if (r != TOOL_OK)
		return r;
	return tool_walk_store(visit, NULL);
}
