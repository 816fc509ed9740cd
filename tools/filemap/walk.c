/* SPDX-License-Identifier: MIT */
/*
 * walk.c - walking the store and finding one name in it, for the verbs
 * that act on store files (rm, gc) or must know a name's type before they
 * open it (signal, wait).
 *
 * The library's walk (list.c) does the looking, exactly as fm_store_list
 * does: it opens every directory with O_NOFOLLOW, checks it as the library
 * would, and never creates anything.  This file only reports what it finds
 * wrong, as one error line each, and goes on.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <string.h>
#include <unistd.h>

/* Stripped from the messages it names, as every fm_ call is. */
static const char walk_call[] = "fm__walk_next";

int tool_walk_store(tool_visit_fn fn, void *arg)
{
	struct fm__walk *w;
	struct fm__entry e;
	int r, status = TOOL_OK;

	r = fm__walk_open(&w, FM_NAMESPACE_LOCAL | FM_NAMESPACE_GLOBAL, NULL);
	if (r < 0)
		return tool_fail(r, "cannot walk the store");
	while ((r = fm__walk_next(w, &e, walk_call)) != 0) {
		if (r < 0)
			status = tool_lib_failure(r);
		else if (fn(&e, arg) != TOOL_OK)
			status = TOOL_FAILED;
	}
	fm__walk_close(w);
	return status == TOOL_OK ? TOOL_OK : TOOL_FAILED;
}

int tool_find(struct tool_found *f, struct fm__name *parsed, int argc, char **argv)
{
	char *name;
	int r;

	r = tool_parse_args(argc, argv, NULL, "NAME", &name);
	if (r == TOOL_OK)
		r = tool_parse_name(parsed, name);
	if (r != TOOL_OK)
		return r;
	r = tool_lookup(f, parsed);
	if (r != TOOL_OK)
		fm__name_free(parsed);
	return r;
}

int tool_lookup(struct tool_found *f, struct fm__name *parsed)
{
	unsigned ns = parsed->ns == FM__NS_GLOBAL ? FM_NAMESPACE_GLOBAL : FM_NAMESPACE_LOCAL;
	int r;

	memset(f, 0, sizeof(*f));
	r = fm__walk_open(&f->walk, ns, parsed->file);
	if (r < 0)
		return tool_fail(r, "cannot walk the store");
	r = fm__walk_next(f->walk, &f->e, walk_call);
	if (r == 1)
		return TOOL_OK;
	fm__walk_close(f->walk);
	f->walk = NULL;
	return r == 0 ? tool_absent(parsed->full) : tool_lib_failure(r);
}

void tool_found_close(struct tool_found *f, struct fm__name *parsed)
{
	fm__walk_close(f->walk);
	f->walk = NULL;
	if (parsed)
		fm__name_free(parsed);
}
