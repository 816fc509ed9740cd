/* SPDX-License-Identifier: MIT */
/*
 * show.c - an object as ls, stat and watch show it: the words for its
 * type, namespace and state, its size exact or human, its owner's name,
 * its holders and a sync object's state cut to a column, and the one JSON
 * object that `ls --json` and `stat --json` print for it.  Everything
 * comes from the public listing API (struct fm_object_info).
 */
#define _GNU_SOURCE
#include "tool.h"

#include <pwd.h>
#include <string.h>
#include <time.h>

/* The types' names, bare and with their article. */
static const struct {
	uint32_t type;
	const char *name, *a_name;
} type_names[] = {
	{ FM_TYPE_SECTION, "section", "a section" },
	{ FM_TYPE_MUTEX, "mutex", "a mutex" },
	{ FM_TYPE_EVENT, "event", "an event" },
	{ FM_TYPE_SEMAPHORE, "semaphore", "a semaphore" },
};

#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))

const char *tool_type_name(uint32_t type)
{
	for (size_t i = 0; i < TYPE_COUNT; i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "?";
}

const char *tool_a_type(uint32_t type)
{
	for (size_t i = 0; i < TYPE_COUNT; i++)
		if (type_names[i].type == type)
			return type_names[i].a_name;
	return "an object of unknown type";
}

const char *tool_namespace_name(unsigned ns)
{
	return ns == FM_NAMESPACE_GLOBAL ? "Global" : "Local";
}

const char *tool_short_name(const struct fm_object_info *o)
{
	const char *slash = o->name ? strchr(o->name, '\\') : NULL;

	if (slash)
		return slash + 1;
	slash = strrchr(o->path, '/');
	return slash ? slash + 1 : o->path;
}

const char *tool_state_name(const struct fm_object_info *o)
{
	if (o->status == FM_ECORRUPT)
		return "corrupt";
	if (!o->holders_known)
		return "?";
	return o->holder_count ? "held" : "orphan";
}

const char *tool_backing_name(int backing_state)
{
	switch (backing_state) {
	case FM_BACKING_PRESENT:
		return "present";
	case FM_BACKING_MISSING:
		return "missing";
	case FM_BACKING_REPLACED:
		return "replaced";
	default:
		return "truncated";
	}
}

void tool_size_text(char *buf, size_t len, uint64_t size, bool human)
{
	static const char units[] = "KMGTPE";
	unsigned __int128 scale = 1024, tenths, whole;
	int unit = 0;

	if (!human || size < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)size);
		return;
	}
	while (unit < 5 && size >= scale * 1024) {
		scale *= 1024;
		unit++;
	}
	/* As ls -h: one decimal below 10, and rounded up, so that a size is
	 * never shown smaller than it is. */
	tenths = ((unsigned __int128)size * 10 + scale - 1) / scale;
	whole = (size + scale - 1) / scale;
	if (tenths < 100)
		snprintf(buf, len, "%u.%u%c", (unsigned)(tenths / 10), (unsigned)(tenths % 10),
			 units[unit]);
	else if (whole >= 1024 && unit < 5)
		snprintf(buf, len, "1.0%c", units[unit + 1]);
	else
		snprintf(buf, len, "%u%c", (unsigned)whole, units[unit]);
}

/* Owner names, looked up once each: a store usually has few owners, and
 * asking NSS for every row of a long listing would be slow. */
#define OWNER_CACHE 8

const char *tool_owner_name(uint32_t uid)
{
	static struct {
		uid_t uid;
		char name[33];
	} owners[OWNER_CACHE];
	static size_t used, next;
	struct passwd *pw;
	size_t slot;

	for (size_t i = 0; i < used; i++)
		if (owners[i].uid == uid)
			return owners[i].name;
	slot = next;
	next = (slot + 1) % OWNER_CACHE;
	if (used < OWNER_CACHE)
		used++;
	owners[slot].uid = uid;
	pw = getpwuid(uid);
	if (pw && strlen(pw->pw_name) < sizeof(owners[slot].name))
		snprintf(owners[slot].name, sizeof(owners[slot].name), "%s", pw->pw_name);
	else
		snprintf(owners[slot].name, sizeof(owners[slot].name), "%u", (unsigned)uid);
	return owners[slot].name;
}

void tool_holders_text(char *buf, size_t len, const struct fm_object_info *o, size_t width)
{
	size_t used = 0, shown = 0;
	char more[32];
	int n;

	if (!o->holders_known || o->holder_count == 0) {
		snprintf(buf, len, "%s", o->holders_known ? "-" : "?");
		return;
	}
	width = width < len ? width : len - 1;
	buf[0] = '\0';
	for (size_t i = 0; i < o->holder_count; i++) {
		char pid[16];
		size_t left = o->holder_count - i - 1;

		n = snprintf(pid, sizeof(pid), "%s%d", i ? "," : "", (int)o->holders[i]);
		/* Room for this pid, and for " +N more" if others follow. */
		snprintf(more, sizeof(more), " +%zu more", left);
		if (used + (size_t)n + (left ? strlen(more) : 0) > width && i > 0)
			break;
		memcpy(buf + used, pid, (size_t)n + 1);
		used += (size_t)n;
		shown++;
	}
	if (shown < o->holder_count) {
		snprintf(more, sizeof(more), " +%zu more", o->holder_count - shown);
		snprintf(buf + used, len - used, "%s", more);
	}
}

void tool_sync_text(char *buf, size_t len, const struct fm_object_info *o)
{
	const struct fm_sync_info *info = &o->sync;
	const char *abandoned = info->abandoned ? ",abandoned" : "";

	switch (o->type == FM_TYPE_SECTION ? -1 : info->type) {
	case -1:
		snprintf(buf, len, "-");
		break;
	case FM_TYPE_MUTEX:
		if (info->owner_tid == 0)
			snprintf(buf, len, "free%s", abandoned);
		else if (info->recursion > 1)
			snprintf(buf, len, "owner=%d/%d,recursion=%u%s", (int)info->owner_pid,
				 (int)info->owner_tid, (unsigned)info->recursion, abandoned);
		else
			snprintf(buf, len, "owner=%d/%d%s", (int)info->owner_pid,
				 (int)info->owner_tid, abandoned);
		break;
	case FM_TYPE_EVENT:
		snprintf(buf, len, "%s,%s", info->signaled ? "signaled" : "unsignaled",
			 info->manual_reset ? "manual" : "auto");
		break;
	case FM_TYPE_SEMAPHORE:
		snprintf(buf, len, "count=%u/%u", (unsigned)info->count, (unsigned)info->maximum);
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
}

/* ------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------ */

static const char *yes_no(int v)
{
	return v ? "true" : "false";
}

/* A sync object's state, as the fields of struct fm_sync_info. */
static void json_sync(FILE *f, const struct fm_object_info *o)
{
	const struct fm_sync_info *info = &o->sync;

	fprintf(f, ",\"sync\":{\"signaled\":%s", yes_no(info->signaled));
	if (info->type == FM_TYPE_MUTEX)
		fprintf(f, ",\"owner_pid\":%d,\"owner_tid\":%d,\"recursion\":%u,\"abandoned\":%s",
			(int)info->owner_pid, (int)info->owner_tid, (unsigned)info->recursion,
			yes_no(info->abandoned));
	else if (info->type == FM_TYPE_EVENT)
		fprintf(f, ",\"manual_reset\":%s", yes_no(info->manual_reset));
	else
		fprintf(f, ",\"count\":%u,\"maximum\":%u", (unsigned)info->count,
			(unsigned)info->maximum);
	fprintf(f, ",\"waiters\":%d}", (int)o->waiters);
}

/* "backing": null, or the file-backed section's file and how it is now. */
static void json_backing(FILE *f, const struct fm_object_info *o)
{
	fputs(",\"backing\":", f);
	if (!o->backing) {
		fputs("null", f);
		return;
	}
	fputs("{\"path\":", f);
	tool_print_json_string(f, o->backing);
	fprintf(f, ",\"dev\":%llu,\"ino\":%llu,\"state\":\"%s\",\"file_size\":%llu}",
		(unsigned long long)o->backing_dev, (unsigned long long)o->backing_ino,
		tool_backing_name(o->backing_state), (unsigned long long)o->backing_file_size);
}

/* What only a readable header tells: access, memory, creator and time. */
static void json_header(FILE *f, const struct fm_object_info *o)
{
	time_t when = (time_t)o->created_sec;
	char stamp[32] = "";
	struct tm tm;

	if (o->type == FM_TYPE_SECTION)
		fprintf(f, ",\"access\":\"%s%s%s\",\"reserve\":%s",
			o->max_access & FM_READ ? "r" : "", o->max_access & FM_WRITE ? "w" : "",
			o->max_access & FM_EXEC ? "x" : "", yes_no(o->flags & FM_OBJECT_RESERVE));
	if (gmtime_r(&when, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, ",\"created\":\"%s.%09uZ\",\"creator_uid\":%u,\"creator_pid\":%d,"
		"\"header_size\":%u",
		stamp, (unsigned)o->created_nsec, (unsigned)o->creator_uid, (int)o->creator_pid,
		(unsigned)o->header_size);
}

void tool_print_json_object(FILE *f, const struct fm_object_info *o)
{
	fprintf(f, "{\"namespace\":\"%s\",\"name\":", tool_namespace_name(o->ns));
	if (o->name)
		tool_print_json_string(f, tool_short_name(o));
	else
		fputs("null", f);
	fputs(",\"file\":", f);
	tool_print_json_string(f, strrchr(o->path, '/') + 1);
	fputs(",\"path\":", f);
	tool_print_json_string(f, o->path);
	fprintf(f, ",\"type\":\"%s\",\"size\":", tool_type_name((uint32_t)o->type));
	if (o->type == FM_TYPE_SECTION)
		fprintf(f, "%llu", (unsigned long long)o->section_size);
	else
		fputs("null", f);
	fprintf(f, ",\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u,\"holders\":", (unsigned)o->mode,
		(unsigned)o->uid, (unsigned)o->gid);
	if (o->holders_known) {
		putc('[', f);
		for (size_t i = 0; i < o->holder_count; i++)
			fprintf(f, "%s%d", i ? "," : "", (int)o->holders[i]);
		fprintf(f, "],\"orphan\":%s", yes_no(o->holder_count == 0));
	} else {
		fputs("null,\"orphan\":null", f);
	}
	fprintf(f, ",\"corrupt\":%s", yes_no(o->status == FM_ECORRUPT));
	if (o->type)
		json_header(f, o);
	if (o->sync.type)
		json_sync(f, o);
	if (o->type == 0 || o->type == FM_TYPE_SECTION)
		json_backing(f, o); /* a section's; sync objects have none */
	if (o->problem) {
		fputs(",\"problem\":", f);
		tool_print_json_string(f, o->problem);
	}
	putc('}', f);
}

/* ------------------------------------------------------------------------
 * Listing with the command line's filters
 * ------------------------------------------------------------------------ */

int tool_list_open(fm_store_list **l, const char *pattern, const char *type_text,
		   const char *namespace_text, unsigned flags)
{
	struct fm_list_opts opts = FM_LIST_OPTS_INIT;
	uint32_t type = 0;
	int r;

	if (type_text && tool_parse_type(type_text, &type) != TOOL_OK)
		return TOOL_USAGE;
	if (namespace_text) {
		if (strcasecmp(namespace_text, "Local") == 0) {
			opts.namespaces = FM_NAMESPACE_LOCAL;
		} else if (strcasecmp(namespace_text, "Global") == 0) {
			opts.namespaces = FM_NAMESPACE_GLOBAL;
		} else {
			tool_error("--namespace %s: use Local or Global", namespace_text);
			return TOOL_USAGE;
		}
	}
	opts.type = (int)type;
	opts.pattern = pattern;
	opts.flags = flags;
	r = fm_store_list_open(l, &opts);
	return r < 0 ? tool_lib_failure(r) : TOOL_OK;
}
