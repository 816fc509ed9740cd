/* SPDX-License-Identifier: MIT */
/*
 * cmd_wait.c - `filemap wait NAME [--timeout MS] [--hold]`: wait until a
 * mutex, event or semaphore is signalled, so that shell scripts can
 * synchronise with programs and with each other.
 *
 * An event or a semaphore is taken as any waiter takes it: an auto-reset
 * event is unsignalled by the wait, a semaphore's count decremented.  A
 * mutex is different: a process that took it and exited would abandon it.
 * So wait, by default, waits until the mutex is free: it locks it and at
 * once unlocks it, and if the mutex was abandoned it says so (exit 5) and
 * leaves the news for the next taker, as it found it.  With --hold it keeps
 * the mutex locked until SIGINT, SIGTERM or SIGHUP, then unlocks it: the
 * lock of a script's critical section; killed (SIGKILL), it abandons it, as
 * any owner that dies does.
 *
 * SIGINT, SIGTERM and SIGHUP end a wait as their default action would, but
 * never after the object was taken (syncobj.c, tool_wait_sliced).
 */
#define _GNU_SOURCE
#include "tool.h"

#include "sync.h"

#include <unistd.h>

/* --timeout was not given (TOOL_OPT_NUMBER never yields UINT64_MAX). */
#define NO_TIMEOUT UINT64_MAX
#define NS_PER_MS  1000000u

/* Keeps the mutex o locked until a signal of the hold set, then unlocks it. */
static void hold(fm_mutex *o, const char *name, int taken)
{
	sigset_t set;
	int sig;

	tool_stop_signals(&set, true);
	sigprocmask(SIG_BLOCK, &set, NULL);
	tool_print_text(stdout, name);
	printf(": locked%s by pid %d until SIGINT or SIGTERM\n",
	       taken == FM_ABANDONED ? " (abandoned by its last owner)" : "", (int)getpid());
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	fm_mutex_unlock(o);
}

/* After a wait on a mutex took it (taken: 0 or FM_ABANDONED). */
static void mutex_taken(fm_mutex *o, const char *name, int taken, bool keep)
{
	if (taken == FM_ABANDONED && keep)
		tool_fail_advice(FM_ABANDONED, "you hold it now: check what it protects",
				 "%s was abandoned: an owner died holding it", name);
	else if (taken == FM_ABANDONED)
		tool_fail_advice(FM_ABANDONED,
				 "it is free, and the next program to take it is told so too",
				 "%s was abandoned: an owner died holding it", name);
	if (keep)
		hold(o, name, taken);
	else if (taken == FM_ABANDONED)
		/* Give it back unused, still abandoned: the next taker is told
		 * too, as if this wait had only looked. */
		fm__mutex_kind.untake(o, FM__TAKEN_ABANDONED);
	else
		fm_mutex_unlock(o);
}

/* Says why an object of type cannot be waited on like this, or returns
 * TOOL_OK. */
static int check_type(const char *name, uint32_t type, bool keep)
{
	if (!fm__sync_kind_of(type))
		return tool_fail_advice(FM_ETYPE,
					"only a mutex, an event or a semaphore can be waited on",
					"%s is %s", name, tool_a_type(type));
	if (keep && type != FM__TYPE_MUTEX)
		return tool_fail_advice(FM_ETYPE,
					"--hold keeps a mutex locked; a wait takes an event or a "
					"semaphore for good",
					"%s is %s", name, tool_a_type(type));
	return TOOL_OK;
}

/* Waits on the object name of type; returns a TOOL_* code. */
static int wait_on(const char *name, uint32_t type, uint64_t ms, bool keep, const sigset_t *set)
{
	fm_sync *o;
	int r;

	r = tool_open_sync(&o, type, name);
	if (r != TOOL_OK)
		return r;
	r = tool_wait_sliced(o, ms == NO_TIMEOUT ? FM_INFINITE : ms * NS_PER_MS, set);
	if (r == -ETIMEDOUT) {
		tool_fail(-ETIMEDOUT, "%s: timed out after %llu ms", name, (unsigned long long)ms);
		r = TOOL_TIMEOUT;
	} else if (r < 0) {
		r = tool_lib_failure(r);
	} else {
		if (type == FM__TYPE_MUTEX)
			mutex_taken(o, name, r, keep);
		r = r == FM_ABANDONED ? TOOL_ABANDONED : TOOL_OK;
	}
	fm_sync_close(o);
	return r;
}

int cmd_wait(int argc, char **argv)
{
	uint64_t ms = NO_TIMEOUT;
	bool keep = false;
	const struct tool_opt opts[] = {
		{ "timeout", TOOL_OPT_NUMBER, &ms, 0 },
		{ "hold", TOOL_OPT_FLAG, &keep, 0 },
		{ NULL },
	};
	struct fm__name name;
	uint32_t type = 0;
	sigset_t set;
	char *arg;
	int r;

	r = tool_parse_args(argc, argv, opts, "NAME", &arg);
	if (r != TOOL_OK)
		return r;
	if (ms != NO_TIMEOUT && ms > UINT64_MAX / NS_PER_MS) {
		tool_error("--timeout %llu: too long; leave it out to wait forever",
			   (unsigned long long)ms);
		return TOOL_USAGE;
	}
	r = tool_parse_name(&name, arg);
	if (r != TOOL_OK)
		return r;
	/* Blocked from the start: a stop signal is seen between slices of the
	 * wait, never between taking the object and reporting it. */
	tool_stop_signals(&set, false);
	sigprocmask(SIG_BLOCK, &set, NULL);
	r = tool_peek_type(&type, &name);
	if (r == TOOL_OK)
		r = check_type(name.full, type, keep);
	if (r == TOOL_OK)
		r = wait_on(name.full, type, ms, keep, &set);
	fm__name_free(&name);
	return r;
}
