/* SPDX-License-Identifier: MIT */
/*
 * cmd_ls.c - `filemap ls [--json]`: list the objects in the store.
 *
 * Each object is printed as soon as it is found, as a text row or as one
 * element of a JSON array, so that listing a store of 100,000 objects needs
 * no more memory than listing one (but for the table of holders, found
 * once, locks.c); rows come in directory order.  An object the caller may
 * not open (another user's 0600 Global\ object) is still listed, with
 * what fstat tells and type "?"; a corrupt one says why.  A mutex, event or
 * semaphore also shows its state, read from the header copy the listing
 * already reads and checked as the library checks it: a state that fails
 * is shown as corrupt, never described.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <pwd.h>
#include <string.h>

/* Owner names, looked up once each: a store usually has few owners, and
 * asking NSS for every row of a long listing would be slow. */
#define OWNER_CACHE 8

struct ls {
	bool json;
	size_t count;
	struct tool_locks locks;
	struct {
		uid_t uid;
		char name[32];
	} owners[OWNER_CACHE];
	size_t owners_used, owners_next;
};

static const char *const ns_label[FM__NS_COUNT] = { "Local", "Global" };

static const char *owner_name(struct ls *ls, uid_t uid)
{
	struct passwd *pw;
	size_t slot;

	for (size_t i = 0; i < ls->owners_used; i++)
		if (ls->owners[i].uid == uid)
			return ls->owners[i].name;
	slot = ls->owners_next;
	ls->owners_next = (slot + 1) % OWNER_CACHE;
	if (ls->owners_used < OWNER_CACHE)
		ls->owners_used++;
	ls->owners[slot].uid = uid;
	pw = getpwuid(uid);
	if (pw && strlen(pw->pw_name) < sizeof(ls->owners[slot].name))
		snprintf(ls->owners[slot].name, sizeof(ls->owners[slot].name), "%s", pw->pw_name);
	else
		snprintf(ls->owners[slot].name, sizeof(ls->owners[slot].name), "%u", (unsigned)uid);
	return ls->owners[slot].name;
}

/* The name after its prefix, or NULL when unknown. */
static const char *short_name(const struct tool_object *o)
{
	const char *slash = o->name ? strchr(o->name, '\\') : NULL;

	return slash ? slash + 1 : NULL;
}

static const char *state_of(const struct ls *ls, const struct tool_object *o, size_t holders)
{
	if (o->state == TOOL_CORRUPT)
		return "corrupt";
	if (!ls->locks.known)
		return "?";
	return holders ? "held" : "orphan";
}

/* Whether o is a sync object whose state was read and found sound. */
static bool has_sync_state(const struct tool_object *o)
{
	return o->state == TOOL_SOUND && o->hdr.type != FM__TYPE_SECTION;
}

static void print_text(struct ls *ls, const struct tool_entry *e, const struct tool_object *o,
		       const struct tool_lock *first, size_t holders)
{
	char size[24] = "?", sync[80] = "?";
	int width;

	if (ls->count++ == 0)
		printf("%-9s %-9s %14s %-5s %-10s %-7s %-10s %-17s %s\n", "NAMESPACE", "TYPE",
		       "SIZE", "MODE", "OWNER", "STATE", "HOLDERS", "SYNC", "NAME");
	if (o->typed)
		snprintf(size, sizeof(size), "%llu", (unsigned long long)o->hdr.size);
	if (o->typed && o->hdr.type == FM__TYPE_SECTION)
		snprintf(sync, sizeof(sync), "-");
	else if (has_sync_state(o))
		tool_sync_brief(sync, sizeof(sync), &o->sync);
	printf("%-9s %-9s %14s %04o  %-10s %-7s ", ns_label[e->ns],
	       o->typed ? tool_type_name(o->hdr.type) : "?", size,
	       tool_object_mode(o), owner_name(ls, o->st.st_uid),
	       state_of(ls, o, holders));
	if (!ls->locks.known || holders == 0) {
		printf("%-10s ", ls->locks.known ? "-" : "?");
	} else {
		width = tool_print_pids(stdout, first, holders, ",");
		printf("%*s ", width < 10 ? 10 - width : 0, "");
	}
	printf("%-17s ", sync);
	/* A hashed long name that cannot be read is shown by its file name. */
	tool_print_text(stdout, short_name(o) ? short_name(o) : e->file);
	if (o->backing) {
		struct stat st;
		const char *state = tool_backing_state(o, &st);

		/* Like a symlink in ls -l: the name, then where its data is. */
		fputs(" -> ", stdout);
		tool_print_text(stdout, o->backing);
		if (strcmp(state, "present") != 0)
			printf(" (%s)", state);
	}
	putchar('\n');
}

/*
 * A JSON string.  Names are UTF-8 and pass through; quotes, backslashes and
 * control characters are escaped.  A file name that is not UTF-8 (not made
 * by filemap) has its non-ASCII bytes escaped one by one, so the output
 * stays valid JSON.
 */
static void json_string(const char *s)
{
	bool utf8 = fm__utf8_utf16_units(s, strlen(s)) >= 0;

	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8))
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* A sync object's state, as the fields of struct fm_sync_info. */
static void print_json_sync(const struct fm_sync_info *info)
{
	const char *yes = "true", *no = "false";

	printf(",\"sync\":{\"signaled\":%s", info->signaled ? yes : no);
	if (info->type == FM_TYPE_MUTEX)
		printf(",\"owner_pid\":%d,\"owner_tid\":%d,\"recursion\":%u,\"abandoned\":%s",
		       (int)info->owner_pid, (int)info->owner_tid, (unsigned)info->recursion,
		       info->abandoned ? yes : no);
	else if (info->type == FM_TYPE_EVENT)
		printf(",\"manual_reset\":%s", info->manual_reset ? yes : no);
	else
		printf(",\"count\":%u,\"maximum\":%u", (unsigned)info->count,
		       (unsigned)info->maximum);
	putchar('}');
}

/* "backing": null, or the file-backed section's file and how it is now. */
static void print_json_backing(const struct tool_object *o)
{
	struct stat st;
	const char *state;

	fputs(",\"backing\":", stdout);
	if (!o->backing) {
		fputs("null", stdout);
		return;
	}
	state = tool_backing_state(o, &st);
	fputs("{\"path\":", stdout);
	json_string(o->backing);
	printf(",\"dev\":%llu,\"ino\":%llu,\"state\":\"%s\"}",
	       (unsigned long long)o->hdr.backing_dev, (unsigned long long)o->hdr.backing_ino,
	       state);
}

static void print_json(struct ls *ls, const struct tool_entry *e, const struct tool_object *o,
		       const struct tool_lock *first, size_t holders)
{
	fputs(ls->count++ ? ",\n{" : "\n{", stdout);
	printf("\"namespace\":\"%s\",\"name\":", ns_label[e->ns]);
	if (short_name(o))
		json_string(short_name(o));
	else
		fputs("null", stdout);
	fputs(",\"file\":", stdout);
	json_string(e->file);
	printf(",\"type\":\"%s\",\"size\":", o->typed ? tool_type_name(o->hdr.type) : "?");
	if (o->typed)
		printf("%llu", (unsigned long long)o->hdr.size);
	else
		fputs("null", stdout);
	printf(",\"mode\":\"%04o\",\"uid\":%u,\"holders\":", tool_object_mode(o),
	       (unsigned)o->st.st_uid);
	if (ls->locks.known) {
		putchar('[');
		tool_print_pids(stdout, first, holders, ",");
		printf("],\"orphan\":%s", holders ? "false" : "true");
	} else {
		fputs("null,\"orphan\":null", stdout);
	}
	printf(",\"corrupt\":%s", o->state == TOOL_CORRUPT ? "true" : "false");
	if (has_sync_state(o))
		print_json_sync(&o->sync);
	if (!o->typed || o->hdr.type == FM__TYPE_SECTION)
		print_json_backing(o); /* a section's; sync objects have none */
	if (o->problem) {
		fputs(",\"problem\":", stdout);
		json_string(o->problem);
	}
	putchar('}');
}

static int visit(const struct tool_entry *e, void *arg)
{
	struct ls *ls = arg;
	const struct tool_lock *first = NULL;
	struct tool_object o;
	size_t holders;

	tool_inspect(&o, e);
	if (o.state != TOOL_GONE) {
		holders = tool_locks_find(&ls->locks, &o.st, &first);
		if (ls->json)
			print_json(ls, e, &o, first, holders);
		else
			print_text(ls, e, &o, first, holders);
	}
	tool_object_free(&o);
	return TOOL_OK;
}

int cmd_ls(int argc, char **argv)
{
	struct ls ls = { 0 };
	const struct tool_opt opts[] = {
		{ "json", TOOL_OPT_FLAG, &ls.json },
		{ NULL },
	};
	int r;

	r = tool_parse_args(argc, argv, opts, "", NULL);
	if (r != TOOL_OK)
		return r;
	tool_locks_load(&ls.locks);
	if (ls.json)
		putchar('[');
	r = tool_walk_store(visit, &ls);
	if (ls.json)
		fputs(ls.count ? "\n]\n" : "]\n", stdout);
	tool_locks_free(&ls.locks);
	return r;
}
