/* SPDX-License-Identifier: MIT */
/*
 * cmd_signal.c - `filemap signal NAME [--count N]`: set an event, or
 * release a semaphore by N.
 *
 * The counterpart of `filemap wait`, so that shell scripts can wake
 * programs and each other.  A mutex cannot be signalled: only the thread
 * that owns it may release it, and the tool's own process never does while
 * it runs this verb; a section has nothing to signal.  Both are refused
 * with the reason, as is a release past a semaphore's maximum (which
 * changes nothing).  Nothing is printed on success.
 */
#define _GNU_SOURCE
#include "tool.h"

/* --count was not given (TOOL_OPT_NUMBER never yields UINT64_MAX). */
#define NO_COUNT UINT64_MAX

/* Releases the semaphore s by count; returns a TOOL_* code. */
static int release(fm_semaphore *s, const char *name, uint32_t count)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;
	int r = fm_semaphore_release(s, count, NULL);

	if (r != -EOVERFLOW)
		return r < 0 ? tool_lib_failure(r) : TOOL_OK;
	if (fm_sync_query(&info, s) == 0)
		return tool_fail_advice(r, "nothing was released",
					"%s: releasing %u would take the semaphore past its maximum: "
					"count %u, maximum %u",
					name, (unsigned)count, (unsigned)info.count,
					(unsigned)info.maximum);
	return tool_fail_advice(r, "nothing was released",
				"%s: releasing %u would take the semaphore past its maximum", name,
				(unsigned)count);
}

/* Says why an object of type cannot be signalled; returns TOOL_FAILED. */
static int refuse(const char *name, uint32_t type)
{
	if (type == FM__TYPE_MUTEX)
		return tool_fail_advice(FM_ETYPE, "`filemap wait --hold` holds one for a script",
					"%s is a mutex: only the thread that owns it can release "
					"it, so it cannot be signalled", name);
	return tool_fail_advice(FM_ETYPE, "only an event or a semaphore can be signalled",
				"%s is %s", name, tool_a_type(type));
}

/* Sets the event or releases the semaphore o; returns a TOOL_* code. */
static int signal_it(fm_sync *o, uint32_t type, const char *name, uint64_t count)
{
	int r;

	if (type == FM__TYPE_SEMAPHORE)
		return release(o, name, count == NO_COUNT ? 1 : (uint32_t)count);
	if (count != NO_COUNT)
		return tool_fail(-EINVAL, "%s is an event: it is set or not, so --count means "
				 "nothing for it", name);
	r = fm_event_set(o);
	return r < 0 ? tool_lib_failure(r) : TOOL_OK;
}

int cmd_signal(int argc, char **argv)
{
	uint64_t count = NO_COUNT;
	const struct tool_opt opts[] = {
		{ "count", TOOL_OPT_NUMBER, &count, 0 },
		{ NULL },
	};
	struct fm__name name;
	uint32_t type = 0;
	fm_sync *o = NULL;
	char *arg;
	int r;

	r = tool_parse_args(argc, argv, opts, "NAME", &arg);
	if (r != TOOL_OK)
		return r;
	if (count != NO_COUNT && (count == 0 || count > INT32_MAX)) {
		tool_error("--count %llu: use 1 to %d", (unsigned long long)count, INT32_MAX);
		return TOOL_USAGE;
	}
	r = tool_parse_name(&name, arg);
	if (r != TOOL_OK)
		return r;
	r = tool_peek_type(&type, &name);
	if (r == TOOL_OK && type != FM__TYPE_EVENT && type != FM__TYPE_SEMAPHORE)
		r = refuse(name.full, type);
	if (r == TOOL_OK)
		r = tool_open_sync(&o, type, name.full);
	if (r == TOOL_OK)
		r = signal_it(o, type, name.full, count);
	fm_sync_close(o);
	fm__name_free(&name);
	return r;
}
