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
	const struct fm__holder *first;
	struct fm__holders holders = { 0 };
	size_t n = 0;

	if (fm__holders_load(&holders) == 0)
		n = fm__holders_find(&holders, st, &first);
	if (n > 0) {
		fputs("filemap rm: note: ", stderr);
		tool_print_text(stderr, name);
		fputs(" was held by pid ", stderr);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "%s%d", i ? ", " : "", (int)first[i].pid);
		fputs("; they keep their memory until they let go, but the name is gone\n", stderr);
	}
	fm__holders_free(&holders);
}

int cmd_rm(int argc, char **argv)
{
	struct tool_found f;
	struct fm__name name;
	int r;

	r = tool_find(&f, &name, argc, argv);
	if (r != TOOL_OK)
		return r;
	r = fm__os_unlinkat(f.e.dirfd, f.e.file, 0);
	if (r == -ENOENT) {
		r = tool_absent(name.full);
	} else if (r == -EPERM || r == -EACCES) {
		r = tool_fail_advice(r, "run `filemap rm` as that user or root",
				     "%s: cannot remove it: it belongs to uid %u", name.full,
				     (unsigned)f.e.st.st_uid);
	} else if (r < 0) {
		r = tool_fail(r, "%s: cannot remove %s/%s: %s", name.full, f.e.dir_path, f.e.file,
			      fm_strerror(r));
	} else {
		note_holders(name.full, &f.e.st);
		r = TOOL_OK;
	}
	tool_found_close(&f, &name);
	return r;
}
