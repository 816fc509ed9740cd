/* SPDX-License-Identifier: MIT */
/*
 * cmd_stat.c - `filemap stat NAME [--json]`: everything about one object.
 *
 * stat only looks, through the listing API: it opens the object's file
 * without a lock, so unlike an open through the library it neither holds
 * the object nor removes an orphan; it shows an orphan as one, and a
 * corrupt object with the reason.  Output is one "field: value" line each,
 * for people and for grep, or with --json the same JSON object as an
 * element of `ls --json`.  What a line says depends on what is known:
 *
 *   every object   name, file, type (? when unreadable)
 *   a section      size, access, memory
 *   a sync object  its state: a mutex's owner, an event's signal, a
 *                  semaphore's count, and the waiters
 *   not sound      problem: why it is corrupt or cannot be read
 *   a sound header created, header
 *   over a file    backing, file id, file state
 *   every object   mode, owner, state, holders
 */
#define _GNU_SOURCE
#include "tool.h"

#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

static void field(const char *label)
{
	printf("%-12s", label);
}

static void print_access(unsigned access)
{
	static const struct {
		unsigned bit;
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

static void print_section(const struct fm_object_info *o)
{
	field("size:");
	printf("%llu bytes\n", (unsigned long long)o->section_size);
	print_access(o->max_access);
	field("memory:");
	if (o->flags & FM_OBJECT_FILE)
		puts("the backing file's (below)");
	else if (o->flags & FM_OBJECT_RESERVE)
		puts("sparse (taken when a page is first touched)");
	else
		puts("reserved when it was created");
}

static void print_mutex(const struct fm_sync_info *info)
{
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
}

/* A mutex's, event's or semaphore's state, a line a fact. */
static void print_sync(const struct fm_object_info *o)
{
	const struct fm_sync_info *info = &o->sync;

	if (info->type == FM_TYPE_MUTEX) {
		print_mutex(info);
	} else if (info->type == FM_TYPE_EVENT) {
		field("signaled:");
		puts(info->signaled ? "yes" : "no");
		field("reset:");
		puts(info->manual_reset ? "manual (stays signaled until reset)"
					: "auto (the wait that takes it resets it)");
	} else {
		field("count:");
		printf("%u\n", (unsigned)info->count);
		field("maximum:");
		printf("%u\n", (unsigned)info->maximum);
	}
	field("waiters:");
	if (info->type == FM_TYPE_MUTEX)
		puts(o->waiters > 0 ? "yes (a thread waits, or waited and gave up, since it was locked)"
				    : "none");
	else
		printf("%d\n", (int)o->waiters);
}

/* Who made it, when, and its header's size. */
static void print_created(const struct fm_object_info *o)
{
	time_t when = (time_t)o->created_sec;
	char stamp[64] = "?";
	struct tm tm;

	if (localtime_r(&when, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S %z", &tm);
	field("created:");
	printf("%s by uid %u, pid %d\n", stamp, (unsigned)o->creator_uid, (int)o->creator_pid);
	field("header:");
	printf("%u bytes\n", (unsigned)o->header_size);
}

/* A file-backed section's file, and whether openers will find it. */
static void print_backing(const struct fm_object_info *o)
{
	const char *state = tool_backing_name(o->backing_state);

	field("backing:");
	tool_print_text(stdout, o->backing);
	puts(" (the section's data; rm and gc never touch it)");
	field("file id:");
	printf("device %u:%u, inode %llu\n", major((dev_t)o->backing_dev),
	       minor((dev_t)o->backing_dev), (unsigned long long)o->backing_ino);
	field("file state:");
	if (o->backing_state == FM_BACKING_PRESENT)
		printf("present, %llu bytes\n", (unsigned long long)o->backing_file_size);
	else if (o->backing_state == FM_BACKING_TRUNCATED)
		printf("truncated to %llu bytes: opening the name fails (ESTALE)\n",
		       (unsigned long long)o->backing_file_size);
	else
		printf("%s%s: opening the name fails (ESTALE)\n", state,
		       o->backing_state == FM_BACKING_REPLACED ? " by another file" : "");
}

static void print_owner(const struct fm_object_info *o)
{
	const char *name = tool_owner_name(o->uid);
	char digits[16];

	field("mode:");
	printf("%04o\n", (unsigned)o->mode);
	field("owner:");
	snprintf(digits, sizeof(digits), "%u", (unsigned)o->uid);
	if (strcmp(name, digits) != 0)
		printf("%s (uid %u)\n", name, (unsigned)o->uid);
	else
		printf("uid %u\n", (unsigned)o->uid);
}

static void print_holders(const struct fm_object_info *o)
{
	field("state:");
	if (o->status == FM_ECORRUPT)
		puts("corrupt (never used; `filemap rm` removes it)");
	else if (!o->holders_known)
		puts("unknown");
	else if (o->holder_count)
		puts("held");
	else
		puts("orphan (nobody holds it: it reads as absent, and `filemap gc` removes it)");
	field("holders:");
	if (!o->holders_known)
		fputs("unknown", stdout);
	else if (o->holder_count == 0)
		fputs("none", stdout);
	for (size_t i = 0; i < o->holder_count; i++)
		printf("%s%d", i ? ", " : "", (int)o->holders[i]);
	putchar('\n');
}

static void print_text(const struct fm_object_info *o)
{
	field("name:");
	tool_print_text(stdout, o->name);
	putchar('\n');
	field("file:");
	tool_print_text(stdout, o->path);
	putchar('\n');
	field("type:");
	puts(tool_type_name((uint32_t)o->type));
	if (o->type == FM_TYPE_SECTION)
		print_section(o);
	else if (o->sync.type)
		print_sync(o);
	if (o->problem) {
		field("problem:");
		tool_print_text(stdout, o->problem);
		putchar('\n');
	}
	if (o->type)
		print_created(o);
	if (o->backing)
		print_backing(o);
	print_owner(o);
	print_holders(o);
}

int cmd_stat(int argc, char **argv)
{
	struct fm_list_opts opts = FM_LIST_OPTS_INIT;
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	bool json = false;
	const struct tool_opt options[] = {
		{ "json", TOOL_OPT_FLAG, &json, 0 },
		{ NULL },
	};
	struct fm__name name;
	fm_store_list *l;
	char *arg;
	int r;

	r = tool_parse_args(argc, argv, options, "NAME", &arg);
	if (r == TOOL_OK)
		r = tool_parse_name(&name, arg);
	if (r != TOOL_OK)
		return r;
	opts.name = name.full;
	r = fm_store_list_open(&l, &opts);
	if (r < 0) {
		fm__name_free(&name);
		return tool_lib_failure(r);
	}
	r = fm_store_list_next(l, &o);
	if (r < 0) {
		r = tool_lib_failure(r);
	} else if (r == 0) {
		r = tool_absent(name.full);
	} else {
		/* The name asked for, also when the store could not tell it. */
		o.name = name.full;
		if (json) {
			tool_print_json_object(stdout, &o);
			putchar('\n');
		} else {
			print_text(&o);
		}
		r = TOOL_OK;
	}
	fm_store_list_close(l);
	fm__name_free(&name);
	return r;
}
