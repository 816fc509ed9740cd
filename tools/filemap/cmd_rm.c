/* SPDX-License-Identifier: MIT */
/*
 * cmd_rm.c - `filemap rm NAME`: administrative removal of a name.
 *
 * Unlike the library, which removes a name only when its last holder goes,
 * rm unlinks it at once, held or not, corrupt or not.  Holders keep their
 * handles and views and the memory under them (the file lives while it is
 * open); the name is free for a new object at once, and when the old
 * holders let go, their last-one-out check finds the old file unlinked and
 * leaves the new one alone.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <string.h>

/* Says, on stderr, who still holds what was removed. */
static void note_holders(const char *name, const struct stat *st)
{
	const struct tool_lock *first;
	struct tool_locks locks;
	size_t n;

	tool_locks_load(&locks);
	n = tool_locks_find(&locks, st, &first);
	if (n > 0) {
		fputs("filemap rm: note: ", stderr);
		tool_print_text(stderr, name);
		fputs(" was held by pid ", stderr);
		tool_print_pids(stderr, first, n, ", ");
		fputs("; they keep their memory until they let go, but the name is gone\n", stderr);
	}
	tool_locks_free(&locks);
}

int cmd_rm(int argc, char **argv)
{
	struct tool_entry e;
	struct fm__name name;
	int r;

	r = tool_find(&e, &name, argc, argv);
	if (r != TOOL_OK)
		return r;
	r = fm__os_unlinkat(e.dirfd, e.file, 0);
	if (r == -ENOENT) {
		r = tool_absent(name.full);
	} else if (r == -EPERM || r == -EACCES) {
		tool_error("%s: cannot remove it: it belongs to uid %u; run `filemap rm` as that user or root",
			   name.full, (unsigned)e.st.st_uid);
		r = TOOL_FAILED;
	} else if (r < 0) {
		tool_error("%s: cannot remove %s/%s: %s", name.full, e.dir_path, e.file,
			   strerror(-r));
		r = TOOL_FAILED;
	} else {
		note_holders(name.full, &e.st);
		r = TOOL_OK;
	}
	tool_entry_close(&e, &name);
	return r;
}
