/* SPDX-License-Identifier: MIT */
/*
 * cmd_stat.c - `filemap stat NAME`: everything about one object.
 *
 * stat only looks: it opens the object's file without a lock, so unlike an
 * open through the library it neither holds the object nor removes an
 * orphan; it shows an orphan as one, and a corrupt object with the reason.
 * Output is one "field: value" line each, for people and for grep.  A
 * mutex, event or semaphore shows its state instead of a size: the owner of
 * a mutex, whether an event is signaled, a semaphore's count.
 * A file-backed section also shows its file: the path, the device and inode
 * it must still have, and whether it does.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <pwd.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

static void field(const char *label)
{
	printf("%-12s", label);
}

static void print_access(uint32_t access)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = { { FM_READ, "read" }, { FM_WRITE, "write" }, { FM_EXEC, "exec" } };
	const char *sep = "";

	field("access:");
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (access & bits[i].bit) {
			printf("%s%s", sep, bits[i].name);
			sep = ", ";
		}
	}
	puts(*sep ? " (the most any handle or view may have)" : "none");
}

/* A mutex's, event's or semaphore's state, a line a fact. */
static void print_sync(const struct fm_sync_info *info)
{
	switch (info->type) {
	case FM_TYPE_MUTEX:
		field("locked:");
		if (info->owner_tid == 0)
			puts("no (free)");
		else if (info->recursion > 1)
			printf("by pid %d, thread %d, %u times over\n", (int)info->owner_pid,
			       (int)info->owner_tid, (unsigned)info->recursion);
		else
			printf("by pid %d, thread %d\n", (int)info->owner_pid, (int)info->owner_tid);
		if (info->abandoned) {
			field("abandoned:");
			puts("yes (an owner died holding it; the next wait is told so)");
		}
		break;
	case FM_TYPE_EVENT:
		field("signaled:");
		puts(info->signaled ? "yes" : "no");
		field("reset:");
		puts(info->manual_reset ? "manual (stays signaled until reset)"
					: "auto (the wait that takes it resets it)");
		break;
	default:
		field("count:");
		printf("%u\n", (unsigned)info->count);
		field("maximum:");
		printf("%u\n", (unsigned)info->maximum);
		break;
	}
}

/* What only a sound header tells, with a sync object's state (or why it
 * is corrupt). */
static void print_header(const struct tool_object *o)
{
	const struct fm__header *h = &o->hdr;
	time_t when = (time_t)h->created_sec;
	char stamp[64] = "?";
	struct tm tm;

	field("type:");
	puts(tool_type_name(h->type));
	if (h->type == FM__TYPE_SECTION) {
		field("size:");
		printf("%llu bytes\n", (unsigned long long)h->size);
		print_access(h->max_access);
		field("memory:");
		if (h->flags & FM__HDR_FILE)
			puts("the backing file's (below)");
		else
			puts(h->flags & FM__HDR_RESERVE ? "sparse (taken when a page is first touched)"
							: "reserved when it was created");
	} else if (o->state == TOOL_SOUND) {
		print_sync(&o->sync);
	} else {
		field("problem:");
		puts(o->problem);
	}
	if (localtime_r(&when, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S %z", &tm);
	field("created:");
	printf("%s by uid %u, pid %u\n", stamp, (unsigned)h->creator_uid,
	       (unsigned)h->creator_pid);
	field("header:");
	printf("%u bytes\n", (unsigned)h->header_size);
}

/* A file-backed section's file, and whether openers will find it. */
static void print_backing(const struct tool_object *o)
{
	struct stat st;
	const char *state = tool_backing_state(o, &st);

	field("backing:");
	tool_print_text(stdout, o->backing);
	puts(" (the section's data; rm and gc never touch it)");
	field("file id:");
	printf("device %u:%u, inode %llu\n", major((dev_t)o->hdr.backing_dev),
	       minor((dev_t)o->hdr.backing_dev), (unsigned long long)o->hdr.backing_ino);
	field("file state:");
	if (strcmp(state, "present") == 0)
		printf("present, %llu bytes\n", (unsigned long long)st.st_size);
	else if (strcmp(state, "truncated") == 0)
		printf("truncated to %llu bytes: opening the name fails (ESTALE)\n",
		       (unsigned long long)st.st_size);
	else
		printf("%s%s: opening the name fails (ESTALE)\n", state,
		       strcmp(state, "replaced") == 0 ? " by another file" : "");
}

static void print_owner(const struct tool_object *o)
{
	const struct stat *st = &o->st;
	struct passwd *pw = getpwuid(st->st_uid);

	field("mode:");
	printf("%04o\n", tool_object_mode(o));
	field("owner:");
	if (pw)
		printf("%s (uid %u)\n", pw->pw_name, (unsigned)st->st_uid);
	else
		printf("uid %u\n", (unsigned)st->st_uid);
}

static void print_holders(const struct tool_object *o)
{
	const struct tool_lock *first;
	struct tool_locks locks;
	size_t n;

	tool_locks_load(&locks);
	n = tool_locks_find(&locks, &o->st, &first);
	field("state:");
	if (o->state == TOOL_CORRUPT)
		puts("corrupt (never used; `filemap rm` removes it)");
	else if (!locks.known)
		puts("unknown");
	else if (n)
		puts("held");
	else
		puts("orphan (nobody holds it: it reads as absent, and `filemap gc` removes it)");
	field("holders:");
	if (!locks.known)
		fputs("unknown", stdout);
	else if (n == 0)
		fputs("none", stdout);
	tool_print_pids(stdout, first, n, ", ");
	putchar('\n');
	tool_locks_free(&locks);
}

int cmd_stat(int argc, char **argv)
{
	struct tool_object o;
	struct tool_entry e;
	struct fm__name name;
	int r;

	r = tool_find(&e, &name, argc, argv);
	if (r != TOOL_OK)
		return r;
	tool_inspect(&o, &e);
	if (o.state == TOOL_GONE) {
		r = tool_absent(name.full);
	} else {
		field("name:");
		tool_print_text(stdout, name.full);
		putchar('\n');
		field("file:");
		tool_print_text(stdout, e.dir_path);
		putchar('/');
		tool_print_text(stdout, e.file);
		putchar('\n');
		if (o.typed)
			print_header(&o);
		if (o.backing)
			print_backing(&o);
		else
			printf("%-12s?\n%-12s%s\n", "type:", "problem:", o.problem);
		print_owner(&o);
		print_holders(&o);
	}
	tool_object_free(&o);
	tool_entry_close(&e, &name);
	return r;
}
