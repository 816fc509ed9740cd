/* SPDX-License-Identifier: MIT */
/*
 * cmd_ls.c - `filemap ls [PATTERN] [--type T] [--namespace N] [-h] [--json]
 * [-1]`: list the objects in the store.
 *
 * Built on the public listing API (fm_store_list), so it shows exactly
 * what a program can learn.  Each object is printed as soon as it is
 * found, as a text row or as one element of a JSON array, so that listing
 * a store of 100,000 objects needs no more memory than listing one (but
 * for the table of holders, found once); rows come in directory order.
 * Every column but the last has a fixed width and what is longer is cut
 * (a list of holders ends in "+N more"; stat and --json show it whole), so
 * the columns stay aligned however long a row's values are.  The header
 * is printed even when nothing is listed.  A part of the store that cannot
 * be read (an unsafe directory) is reported and the rest still listed.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <stdio_ext.h>
#include <string.h>

/* The columns' widths; NAME, the last, takes what it needs. */
#define W_NAMESPACE 9
#define W_TYPE      9
#define W_SIZE      14
#define W_HUMAN     6
#define W_OWNER     10
#define W_STATE     7
#define W_HOLDERS   16
#define W_SYNC      21

struct ls {
	bool json, human, names;
	size_t count;
	bool said_unknown; /* that the holders are unknown */
};

/* Cuts text to width bytes, at a character, marking the cut with '+'. */
static void cut(char *text, size_t width)
{
	size_t at;

	if (strlen(text) <= width)
		return;
	at = width - 1;
	while (at > 0 && ((unsigned char)text[at] & 0xc0) == 0x80)
		at--;
	text[at] = '+';
	text[at + 1] = '\0';
}

static void print_header(const struct ls *ls)
{
	printf("%-*s %-*s %*s %-5s %-*s %-*s %-*s %-*s %s\n", W_NAMESPACE, "NAMESPACE", W_TYPE,
	       "TYPE", ls->human ? W_HUMAN : W_SIZE, "SIZE", "MODE", W_OWNER, "OWNER", W_STATE,
	       "STATE", W_HOLDERS, "HOLDERS", W_SYNC, "SYNC", "NAME");
}

static void print_row(const struct ls *ls, const struct fm_object_info *o)
{
	int width = ls->human ? W_HUMAN : W_SIZE;
	char size[32] = "?", owner[64], holders[64], sync[96];

	if (o->type == FM_TYPE_SECTION) {
		tool_size_text(size, sizeof(size), o->section_size, ls->human);
		/* A size too long for its column is shown human, never cut. */
		if (strlen(size) > (size_t)width)
			tool_size_text(size, sizeof(size), o->section_size, true);
	} else if (o->type) {
		snprintf(size, sizeof(size), "-");
	}
	snprintf(owner, sizeof(owner), "%s", tool_owner_name(o->uid));
	cut(owner, W_OWNER);
	tool_holders_text(holders, sizeof(holders), o, W_HOLDERS);
	tool_sync_text(sync, sizeof(sync), o);
	cut(sync, W_SYNC);
	printf("%-*s %-*s %*s %04o  %-*s %-*s %-*s %-*s ", W_NAMESPACE, tool_namespace_name(o->ns),
	       W_TYPE, tool_type_name((uint32_t)o->type), width, size, (unsigned)o->mode, W_OWNER,
	       owner, W_STATE, tool_state_name(o), W_HOLDERS, holders, W_SYNC, sync);
	tool_print_text(stdout, tool_short_name(o));
	if (o->backing) {
		/* Like a symlink in ls -l: the name, then where its data is. */
		fputs(" -> ", stdout);
		tool_print_text(stdout, o->backing);
		if (o->backing_state != FM_BACKING_PRESENT)
			printf(" (%s)", tool_backing_name(o->backing_state));
	}
	putchar('\n');
}

static void print_object(struct ls *ls, const struct fm_object_info *o)
{
	if (!o->holders_known && !ls->names && !ls->said_unknown) {
		fputs("filemap ls: note: /proc could not be read: the holders are unknown (?)\n",
		      stderr);
		ls->said_unknown = true;
	}
	if (ls->json) {
		fputs(ls->count ? ",\n" : "\n", stdout);
		tool_print_json_object(stdout, o);
	} else if (ls->names) {
		/* A name that cannot be read cannot be used either. */
		if (!o->name)
			return;
		tool_print_text(stdout, o->name);
		putchar('\n');
	} else {
		print_row(ls, o);
	}
	ls->count++;
}

int cmd_ls(int argc, char **argv)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	const char *type = NULL, *ns = NULL;
	struct ls ls = { 0 };
	const struct tool_opt opts[] = {
		{ "json", TOOL_OPT_FLAG, &ls.json, 0 },
		{ "human", TOOL_OPT_FLAG, &ls.human, 'h' },
		{ "names", TOOL_OPT_FLAG, &ls.names, '1' },
		{ "type", TOOL_OPT_TEXT, &type, 0 },
		{ "namespace", TOOL_OPT_TEXT, &ns, 0 },
		{ NULL },
	};
	int r, status = TOOL_OK;
	fm_store_list *l;
	char *pattern;

	r = tool_parse_args(argc, argv, opts, "[PATTERN]", &pattern);
	if (r == TOOL_OK && ls.json + ls.names > 1) {
		tool_error("--json and --names are two ways to print: choose one");
		r = TOOL_USAGE;
	}
	if (r == TOOL_OK)
		r = tool_list_open(&l, pattern, type, ns, ls.names ? FM_LIST_NO_HOLDERS : 0);
	if (r != TOOL_OK)
		return r;
	/* The library lists with threads of its own, which makes stdio lock
	 * stdout for every call; only this thread prints, so it need not. */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	if (ls.json)
		putchar('[');
	else if (!ls.names)
		print_header(&ls);
	while ((r = fm_store_list_next(l, &o)) != 0) {
		if (r < 0) {
			tool_lib_failure(r);
			status = TOOL_FAILED;
		} else {
			print_object(&ls, &o);
		}
	}
	if (ls.json)
		fputs(ls.count ? "\n]\n" : "]\n", stdout);
	fm_store_list_close(l);
	return status;
}
