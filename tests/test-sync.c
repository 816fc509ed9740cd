/* SPDX-License-Identifier: MIT */
/*
 * test-sync.c - mutexes, events, semaphores and the waits over them, with
 * real threads, real processes and real signals: ownership, recursion and
 * abandonment (an owner that exits, is killed, or is a thread that ends),
 * auto- and manual-reset events and their pulses, semaphore counts, wait-any
 * and wait-all, the shared namespace, damaged state in the store, fault
 * injection, and stress that would catch a lost wake.
 *
 * Other processes are "agents" that re-run this binary and obey one-line
 * commands read from a pipe, answering each with one line (the result's
 * fm_errname), as in test-lifetime.c.  A case that needs a waiter to be
 * asleep before it acts does not sleep for a while and hope: it watches the
 * waiter's thread in /proc until the thread sleeps in a futex call (and,
 * for events and semaphores, the object counts it as a waiter).  Timeouts
 * appear only as "does not return before", never "returns within".
 */
#define _GNU_SOURCE
#include "harness.h"

#include "sync.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MS         1000000ull /* nanoseconds */
#define LONG_WAIT  (20000 * MS) /* a wait that fails the case, not hangs it */
#define NOBODY     65534

/* ------------------------------------------------------------------------
 * Watching a waiter go to sleep
 * ------------------------------------------------------------------------ */

/* For hint(): the object counts at least want armed waiters. */
struct armed {
	fm_sync *o;
	uint32_t want;
};

static bool enough_armed(void *arg)
{
	struct armed *a = arg;

	return atomic_load(&a->o->counter->waiters) >= a->want;
}

/* For hint(): somebody sleeps on the mutex (FUTEX_WAITERS). */
static bool mutex_contended(void *arg)
{
	fm_sync *m = arg;

	return atomic_load(m->word) & 0x80000000u;
}

/* ------------------------------------------------------------------------
 * Agents: helper processes driven one command at a time
 * ------------------------------------------------------------------------ */

struct agent {
	pid_t pid;
	int out; /* the agent's answers */
	int cmd; /* our commands */
};

static void agent_start(struct agent *a)
{
	int fds[2];
	char arg[16];

	signal(SIGPIPE, SIG_IGN);
	/* The read end survives exec, the write end stays ours. */
	if (pipe2(fds, O_CLOEXEC) < 0 || fcntl(fds[0], F_SETFD, 0) < 0)
		FAIL("pipe2: %s", strerror(errno));
	snprintf(arg, sizeof(arg), "%d", fds[0]);
	a->pid = test_spawn("agent", &a->out, arg, NULL);
	close(fds[0]);
	a->cmd = fds[1];
}

static void agent_send(struct agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void agent_send(struct agent *a, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	if (write(a->cmd, line, (size_t)n) != n)
		FAIL("agent %d: cannot send \"%s\": %s", (int)a->pid, line, strerror(errno));
}

/* Reads the agent's next answer. */
static const char *agent_answer(struct agent *a)
{
	static char reply[512];

	if (!test_read_line(a->out, reply, sizeof(reply)))
		FAIL("agent %d ended without answering", (int)a->pid);
	return reply;
}

#define agent_ask(a, ...) (agent_send(a, __VA_ARGS__), agent_answer(a))

/* The agent's main thread id (it has only that one). */
static pid_t agent_tid(struct agent *a)
{
	return a->pid;
}

/* Ends the agent (it closes its handle and exits 0) and reaps it. */
static void agent_stop(struct agent *a)
{
	close(a->cmd);
	CHECK_INT_EQ(test_wait(a->pid), 0);
	close(a->out);
}

static void agent_reap(struct agent *a, int expected)
{
	CHECK_INT_EQ(test_wait(a->pid), expected);
	close(a->out);
	close(a->cmd);
}

/* Which of n agents answers first (waiting up to 20 s); its line in line. */
static int first_answer(struct agent *a, const bool *pending, int n, char *line, size_t len)
{
	struct pollfd p[16];
	int map[16], k = 0;

	for (int i = 0; i < n; i++)
		if (pending[i]) {
			p[k] = (struct pollfd){ .fd = a[i].out, .events = POLLIN };
			map[k++] = i;
		}
	if (poll(p, (nfds_t)k, 20000) <= 0)
		FAIL("none of %d agents answered", k);
	for (int j = 0; j < k; j++)
		if (p[j].revents) {
			if (!test_read_line(a[map[j]].out, line, len))
				FAIL("agent %d ended without answering", (int)a[map[j]].pid);
			return map[j];
		}
	FAIL("poll said ready, nobody was");
}

/* The agent's one object and what it runs. */
static fm_sync *agent_obj;

static uint64_t timeout_arg(const char *arg)
{
	long ms = arg ? atol(arg) : 0;

	return ms < 0 ? FM_INFINITE : (uint64_t)ms * MS;
}

static int agent_open(const char *what, char *arg)
{
	char *name = arg ? strtok(arg, " ") : NULL, *extra = strtok(NULL, " ");

	if (strcmp(what, "create_mutex") == 0)
		return fm_mutex_create(&agent_obj, name, extra ? atoi(extra) : 0, NULL);
	if (strcmp(what, "open_mutex") == 0)
		return fm_mutex_open(&agent_obj, name);
	if (strcmp(what, "open_event") == 0)
		return fm_event_open(&agent_obj, name);
	if (strcmp(what, "open_semaphore") == 0)
		return fm_semaphore_open(&agent_obj, name);
	return -ENOSYS;
}

/* The turns two processes take at a mutex, in order ('T' the test, 'A'
 * an agent): a section both map. */
#define TURNS "Local\\turns"

struct turns {
	_Atomic int n;
	char who[256];
};

static void take_turn(struct turns *t, char who)
{
	int n = atomic_fetch_add(&t->n, 1);

	if (n >= 0 && n < (int)sizeof(t->who))
		t->who[n] = who;
}

/* "N": N times, waits for the agent's mutex (with fm_wait_any over it and
 * an event nobody sets, if any), takes a turn, and releases it. */
static int agent_turns(char *arg, bool any)
{
	fm_sync *objs[2] = { NULL, agent_obj };
	struct turns *t;
	fm_section *s;
	int r, n = arg ? atoi(arg) : 0;

	r = fm_section_open(&s, TURNS, FM_WRITE);
	if (r < 0 || (r = fm_view_map((void **)&t, s, 0, 0, FM_WRITE)) < 0 ||
	    (r = fm_event_create(&objs[0], NULL, 0, NULL)) < 0)
		return r;
	for (int i = 0; i < n && r >= 0; i++) {
		r = any ? fm_wait_any(objs, 2, LONG_WAIT, NULL) : fm_mutex_lock(agent_obj, LONG_WAIT);
		take_turn(t, 'A');
		if (r >= 0)
			r = fm_mutex_unlock(agent_obj);
	}
	fm_event_close(objs[0]);
	fm_view_unmap(t);
	fm_section_close(s);
	return r;
}

/* "PID TID": sets the event once that thread sleeps, waiting on it. */
static int set_when_asleep(char *arg)
{
	struct armed armed = { agent_obj, 1 };
	char *tid = arg ? strchr(arg, ' ') : NULL;

	if (!tid)
		return -EINVAL;
	test_wait_asleep(atoi(arg), atoi(tid + 1), enough_armed, &armed);
	return fm_event_set(agent_obj);
}

static void agent_do(char *line)
{
	char *arg = strchr(line, ' ');
	uint32_t prev = 0;
	int r;

	if (arg)
		*arg++ = '\0';
	if (strncmp(line, "create_", 7) == 0 || strncmp(line, "open_", 5) == 0)
		r = agent_open(line, arg);
	else if (strcmp(line, "lock") == 0)
		r = fm_mutex_lock(agent_obj, timeout_arg(arg));
	else if (strcmp(line, "trylock") == 0)
		r = fm_mutex_trylock(agent_obj);
	else if (strcmp(line, "unlock") == 0)
		r = fm_mutex_unlock(agent_obj);
	else if (strcmp(line, "wait") == 0)
		r = fm_sync_wait(agent_obj, timeout_arg(arg));
	else if (strcmp(line, "set") == 0)
		r = fm_event_set(agent_obj);
	else if (strcmp(line, "set_when_asleep") == 0)
		r = set_when_asleep(arg);
	else if (strcmp(line, "turns") == 0 || strcmp(line, "turns_any") == 0)
		r = agent_turns(arg, line[5] == '_');
	else if (strcmp(line, "release") == 0) {
		r = fm_semaphore_release(agent_obj, (uint32_t)atoi(arg ? arg : "1"), &prev);
		test_say("%s %u", fm_errname(r), prev);
		return;
	} else if (strcmp(line, "close") == 0) {
		fm_sync_close(agent_obj);
		agent_obj = NULL;
		r = 0;
	} else if (strcmp(line, "exit") == 0) {
		_exit(0); /* without closing or unlocking anything */
	} else {
		test_say("unknown command \"%s\"", line);
		return;
	}
	test_say("%s", fm_errname(r));
}

static int agent_main(int argc, char **argv)
{
	char line[512];
	int cmd;

	if (argc < 1)
		return 2;
	cmd = atoi(argv[0]);
	while (test_read_line(cmd, line, sizeof(line)))
		agent_do(line);
	fm_sync_close(agent_obj);
	return 0;
}

/* ------------------------------------------------------------------------
 * Threads of this process that wait
 * ------------------------------------------------------------------------ */

struct waiter {
	pthread_t thread;
	fm_sync *objects[FM_WAIT_MAX];
	size_t count;    /* 0: fm_sync_wait(objects[0]); else fm_wait_any */
	bool unlock;     /* a mutex: unlock it after taking it */
	uint64_t timeout;
	_Atomic pid_t tid;
	int result;
	size_t index;
	int unlocked;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	atomic_store(&w->tid, gettid());
	if (w->count)
		w->result = fm_wait_any(w->objects, w->count, w->timeout, &w->index);
	else
		w->result = fm_sync_wait(w->objects[0], w->timeout);
	if (w->unlock && w->result >= 0)
		w->unlocked = fm_mutex_unlock(w->objects[w->index]);
	return NULL;
}

static void waiter_start(struct waiter *w, fm_sync *o, uint64_t timeout)
{
	memset(w, 0, sizeof(*w));
	w->objects[0] = o;
	w->timeout = timeout;
	CHECK_INT_EQ(pthread_create(&w->thread, NULL, waiter_main, w), 0);
}

static pid_t waiter_tid(struct waiter *w)
{
	pid_t tid;

	while ((tid = atomic_load(&w->tid)) == 0)
		test_pause_ms(1);
	return tid;
}

/* Starts n waiters on an event or semaphore and waits until all sleep. */
static void waiters_asleep(struct waiter *w, int n, fm_sync *o, uint64_t timeout)
{
	struct armed a = { o, 0 };

	for (int i = 0; i < n; i++) {
		waiter_start(&w[i], o, timeout);
		a.want = (uint32_t)i + 1;
		test_wait_asleep(getpid(), waiter_tid(&w[i]), enough_armed, &a);
	}
}

static int waiter_join(struct waiter *w)
{
	CHECK_INT_EQ(pthread_join(w->thread, NULL), 0);
	return w->result;
}

/* Runs fn on a new thread and returns its result (fn's int). */
struct call {
	int (*fn)(void *);
	void *arg;
	int result;
};

static void *call_main(void *arg)
{
	struct call *c = arg;

	c->result = c->fn(c->arg);
	return NULL;
}

static int on_thread(int (*fn)(void *), void *arg)
{
	struct call c = { fn, arg, 0 };
	pthread_t t;

	CHECK_INT_EQ(pthread_create(&t, NULL, call_main, &c), 0);
	CHECK_INT_EQ(pthread_join(t, NULL), 0);
	return c.result;
}

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

static struct fm_sync_info query(fm_sync *o)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;

	CHECK_OK(fm_sync_query(&info, o));
	return info;
}

static void expect_free(fm_sync *m)
{
	struct fm_sync_info info = query(m);

	CHECK_INT_EQ(info.signaled, 1);
	CHECK_INT_EQ(info.owner_tid, 0);
	CHECK_INT_EQ(info.recursion, 0);
}

static void expect_owned_by_me(fm_sync *m, uint32_t recursion)
{
	struct fm_sync_info info = query(m);

	CHECK_INT_EQ(info.signaled, 0);
	CHECK_INT_EQ(info.owner_tid, gettid());
	CHECK_INT_EQ(info.owner_pid, getpid());
	CHECK_INT_EQ(info.recursion, recursion);
}

static int signaled(fm_sync *o)
{
	return query(o).signaled;
}

static uint32_t sem_count(fm_sync *s)
{
	return query(s).count;
}

/* The path of a Local\ object's store file. */
static const char *store_file(const char *ns_dir, const char *file)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s/%s", test_root(), ns_dir, file);
	return path;
}

static const char *local_file(const char *file)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "local-%u", (unsigned)geteuid());
	return store_file(dir, file);
}

/* ------------------------------------------------------------------------
 * Mutex
 * ------------------------------------------------------------------------ */

#define MUTEX "Local\\mutex"

/* Creating an existing mutex ignores initial_owner: the creator's
 * ownership is unchanged, and nobody else is made an owner. */
static void mutex_create_existing(void)
{
	fm_mutex *m, *again, *free_m, *free_again;
	struct agent other;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 1, NULL));
	expect_owned_by_me(m, 1);
	CHECK_STR_EQ(fm_sync_name(m), MUTEX);
	CHECK_INT_EQ(fm_sync_type(m), FM_TYPE_MUTEX);
	CHECK_RC(fm_mutex_create(&again, MUTEX, 1, NULL), FM_EXISTED);
	expect_owned_by_me(m, 1); /* not 2: the second initial_owner is ignored */

	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "create_mutex %s 1", MUTEX), "FM_EXISTED");
	CHECK_STR_EQ(agent_ask(&other, "trylock"), "EBUSY");
	CHECK_STR_EQ(agent_ask(&other, "unlock"), "EPERM");
	expect_owned_by_me(m, 1);
	CHECK_OK(fm_mutex_unlock(again));
	expect_free(m);
	CHECK_RC(fm_mutex_unlock(m), -EPERM);
	CHECK_STR_EQ(agent_ask(&other, "trylock"), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&other, "unlock"), "SUCCESS");
	agent_stop(&other);

	/* Created free, then "created" owned: still free. */
	CHECK_OK(fm_mutex_create(&free_m, "Local\\free", 0, NULL));
	expect_free(free_m);
	CHECK_RC(fm_mutex_create(&free_again, "Local\\free", 1, NULL), FM_EXISTED);
	expect_free(free_m);
	fm_mutex_close(free_again);
	fm_mutex_close(free_m);
	fm_mutex_close(again);
	fm_mutex_close(m);
}

/* Another process holds it: a timed lock gives up, trylock is busy, and an
 * unlock from here is not the owner's. */
static void mutex_timeout_across_processes(void)
{
	struct agent owner;
	struct timespec t0, t1;
	fm_mutex *m;

	agent_start(&owner);
	CHECK_STR_EQ(agent_ask(&owner, "create_mutex %s 0", MUTEX), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&owner, "lock -1"), "SUCCESS");
	CHECK_OK(fm_mutex_open(&m, MUTEX));
	CHECK_INT_EQ(query(m).owner_pid, owner.pid);
	CHECK_INT_EQ(query(m).owner_tid, agent_tid(&owner));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_RC(fm_mutex_lock(m, 100 * MS), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* It did not give up before its time. */
	CHECK((t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec) >= 100000000ll);
	CHECK_RC(fm_mutex_lock(m, 0), -ETIMEDOUT);
	CHECK_RC(fm_mutex_trylock(m), -EBUSY);
	CHECK_RC(fm_sync_wait(m, 0), -ETIMEDOUT);
	CHECK_FAIL(fm_mutex_unlock(m), -EPERM, "fm_mutex_unlock", MUTEX);

	CHECK_STR_EQ(agent_ask(&owner, "unlock"), "SUCCESS");
	CHECK_OK(fm_mutex_lock(m, 100 * MS));
	CHECK_STR_EQ(agent_ask(&owner, "trylock"), "EBUSY");
	CHECK_STR_EQ(agent_ask(&owner, "lock 50"), "ETIMEDOUT");
	CHECK_STR_EQ(agent_ask(&owner, "unlock"), "EPERM");
	CHECK_OK(fm_mutex_unlock(m));
	agent_stop(&owner);
	fm_mutex_close(m);
}

static void mutex_recursion(void)
{
	fm_mutex *m;

	CHECK_OK(fm_mutex_create(&m, NULL, 0, NULL));
	CHECK(fm_sync_name(m) == NULL);
	for (uint32_t i = 1; i <= 5; i++) {
		CHECK_OK(i % 2 ? fm_mutex_lock(m, FM_INFINITE) : fm_mutex_trylock(m));
		expect_owned_by_me(m, i);
	}
	for (uint32_t i = 5; i >= 1; i--) {
		expect_owned_by_me(m, i);
		CHECK_OK(fm_mutex_unlock(m));
	}
	expect_free(m);
	CHECK_FAIL(fm_mutex_unlock(m), -EPERM, "fm_mutex_unlock", "(unnamed)");
	/* The store holds nothing for an unnamed mutex. */
	CHECK_INT_EQ(test_store_count(), 0);
	fm_mutex_close(m);
}

static int unlock_other_thread(void *m)
{
	return fm_mutex_unlock(m);
}

static int lock_other_thread(void *m)
{
	return fm_mutex_trylock(m);
}

/* Ownership is the thread's, not the handle's nor the process's. */
static void mutex_ownership_per_thread(void)
{
	fm_mutex *m, *dup, *opened;
	struct agent other;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	CHECK_OK(fm_sync_dup(&dup, m));
	CHECK_OK(fm_mutex_open(&opened, MUTEX));
	CHECK_INT_EQ(fm_sync_type(dup), FM_TYPE_MUTEX);
	CHECK_STR_EQ(fm_sync_name(dup), MUTEX);

	CHECK_OK(fm_mutex_lock(m, FM_INFINITE));
	CHECK_RC(on_thread(unlock_other_thread, m), -EPERM);
	CHECK_RC(on_thread(unlock_other_thread, dup), -EPERM);
	CHECK_RC(on_thread(lock_other_thread, dup), -EBUSY);
	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "open_mutex %s", MUTEX), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&other, "unlock"), "EPERM");
	CHECK_STR_EQ(agent_ask(&other, "trylock"), "EBUSY");
	expect_owned_by_me(m, 1);

	/* Any handle of the same object, in the owner thread, works. */
	CHECK_OK(fm_mutex_lock(dup, 0));
	CHECK_OK(fm_mutex_trylock(opened));
	expect_owned_by_me(opened, 3);
	CHECK_OK(fm_mutex_unlock(dup));
	CHECK_OK(fm_mutex_unlock(opened));
	CHECK_OK(fm_mutex_unlock(dup));
	expect_free(m);
	CHECK_RC(fm_mutex_unlock(m), -EPERM);
	CHECK_STR_EQ(agent_ask(&other, "trylock"), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&other, "unlock"), "SUCCESS");
	agent_stop(&other);
	fm_mutex_close(opened);
	fm_mutex_close(dup);
	fm_mutex_close(m);
}

/* The owner process exits without unlocking: the next lock is told. */
static void mutex_abandoned_by_exit(void)
{
	struct agent owner;
	struct fm_sync_info info;
	fm_mutex *m;

	agent_start(&owner);
	CHECK_STR_EQ(agent_ask(&owner, "create_mutex %s 1", MUTEX), "SUCCESS");
	CHECK_OK(fm_mutex_open(&m, MUTEX));
	CHECK_INT_EQ(query(m).owner_pid, owner.pid);
	agent_send(&owner, "exit");
	agent_reap(&owner, 0);

	info = query(m);
	CHECK_INT_EQ(info.abandoned, 1);
	CHECK_INT_EQ(info.signaled, 1);
	CHECK_RC(fm_mutex_lock(m, LONG_WAIT), FM_ABANDONED);
	expect_owned_by_me(m, 1);
	CHECK_INT_EQ(query(m).abandoned, 0);
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_OK(fm_mutex_lock(m, LONG_WAIT));
	CHECK_OK(fm_mutex_unlock(m));
	/* trylock and fm_sync_wait report it too. */
	agent_start(&owner);
	CHECK_STR_EQ(agent_ask(&owner, "open_mutex %s", MUTEX), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&owner, "lock 0"), "SUCCESS");
	agent_send(&owner, "exit");
	agent_reap(&owner, 0);
	CHECK_RC(fm_mutex_trylock(m), FM_ABANDONED);
	CHECK_OK(fm_mutex_unlock(m));
	fm_mutex_close(m);
}

/*
 * The owner is killed while three other processes wait: exactly one of them
 * gets FM_ABANDONED, and the others then get the mutex, one at a time, as
 * each unlocks.
 */
static void mutex_abandoned_by_kill_with_waiters(void)
{
	struct agent owner, w[3];
	bool pending[3] = { true, true, true };
	char line[256];
	fm_mutex *m;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	agent_start(&owner);
	CHECK_STR_EQ(agent_ask(&owner, "open_mutex %s", MUTEX), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&owner, "lock -1"), "SUCCESS");
	for (int i = 0; i < 3; i++) {
		agent_start(&w[i]);
		CHECK_STR_EQ(agent_ask(&w[i], "open_mutex %s", MUTEX), "SUCCESS");
		agent_send(&w[i], "lock -1");
		test_wait_asleep(w[i].pid, agent_tid(&w[i]), mutex_contended, m);
	}
	CHECK(kill(owner.pid, SIGKILL) == 0);
	agent_reap(&owner, 128 + SIGKILL);

	for (int turn = 0; turn < 3; turn++) {
		int i = first_answer(w, pending, 3, line, sizeof(line));

		CHECK_STR_EQ(line, turn == 0 ? "FM_ABANDONED" : "SUCCESS");
		pending[i] = false;
		CHECK_INT_EQ(query(m).owner_pid, w[i].pid);
		CHECK_INT_EQ(query(m).abandoned, 0);
		CHECK_STR_EQ(agent_ask(&w[i], "unlock"), "SUCCESS");
	}
	expect_free(m);
	for (int i = 0; i < 3; i++)
		agent_stop(&w[i]);
	fm_mutex_close(m);
}

static int lock_and_end(void *m)
{
	return fm_mutex_lock(m, 0); /* the thread ends owning it */
}

static int lock_twice_and_end(void *m)
{
	int r = fm_mutex_lock(m, 0);

	return r ? r : fm_mutex_lock(m, 0);
}

/* A thread that ends holding the mutex abandons it, however often it
 * holds it; the process itself lives on. */
static void mutex_abandoned_by_thread(void)
{
	fm_mutex *m;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	CHECK_OK(on_thread(lock_and_end, m));
	CHECK_INT_EQ(query(m).abandoned, 1);
	CHECK_RC(fm_mutex_lock(m, LONG_WAIT), FM_ABANDONED);
	expect_owned_by_me(m, 1);
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_OK(on_thread(lock_twice_and_end, m));
	CHECK_RC(fm_sync_wait(m, LONG_WAIT), FM_ABANDONED);
	expect_owned_by_me(m, 1); /* the dead thread's recursion is not ours */
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_RC(fm_mutex_unlock(m), -EPERM);
	CHECK_OK(fm_mutex_trylock(m));
	CHECK_OK(fm_mutex_unlock(m));
	fm_mutex_close(m);
}

/* Wait-any and wait-all say which object was abandoned. */
static void mutex_abandoned_in_waits(void)
{
	struct agent owner;
	fm_sync *objs[3];
	fm_event *e;
	fm_semaphore *s;
	fm_mutex *m;
	size_t index = 99;

	CHECK_OK(fm_event_create(&e, NULL, 0, NULL));
	CHECK_OK(fm_semaphore_create(&s, NULL, 1, 1, NULL));
	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	agent_start(&owner);
	CHECK_STR_EQ(agent_ask(&owner, "open_mutex %s", MUTEX), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&owner, "lock 0"), "SUCCESS");
	agent_send(&owner, "exit");
	agent_reap(&owner, 0);

	objs[0] = e;
	objs[1] = m;
	CHECK_RC(fm_wait_any(objs, 2, LONG_WAIT, &index), FM_ABANDONED);
	CHECK_INT_EQ(index, 1);
	expect_owned_by_me(m, 1);
	CHECK_OK(fm_mutex_unlock(m));

	/* Again, abandoned by a thread, through wait-all. */
	CHECK_OK(on_thread(lock_and_end, m));
	objs[0] = s;
	objs[1] = m;
	objs[2] = e;
	index = 99;
	CHECK_RC(fm_wait_all(objs, 2, LONG_WAIT, &index), FM_ABANDONED);
	CHECK_INT_EQ(index, 1);
	CHECK_INT_EQ(sem_count(s), 0);
	expect_owned_by_me(m, 1);
	CHECK_OK(fm_mutex_unlock(m));

	/* A wait-all that cannot finish gives the abandoned mutex back, and
	 * the news stays with it for the next taker. */
	CHECK_OK(on_thread(lock_and_end, m));
	CHECK_RC(fm_wait_all(objs, 3, 0, &index), -ETIMEDOUT);
	expect_free(m);
	CHECK_INT_EQ(query(m).abandoned, 1);
	CHECK_INT_EQ(sem_count(s), 0);
	CHECK_OK(fm_semaphore_release(s, 1, NULL));
	CHECK_RC(fm_wait_all(objs, 3, 10 * MS, &index), -ETIMEDOUT);
	CHECK_INT_EQ(sem_count(s), 1);
	CHECK_INT_EQ(query(m).abandoned, 1);
	CHECK_RC(fm_mutex_lock(m, 0), FM_ABANDONED);
	CHECK_OK(fm_mutex_unlock(m));
	fm_mutex_close(m);
	fm_semaphore_close(s);
	fm_event_close(e);
}

/* Closing a handle while owning the mutex keeps it owned; the owner
 * thread's end then abandons it. */
struct close_owned {
	fm_mutex *m;
	int rd, wr; /* the thread says "locked" on wr, waits for EOF on rd */
};

static int lock_close_and_wait(void *arg)
{
	struct close_owned *c = arg;
	fm_mutex *h;
	char ch;
	int r;

	r = fm_sync_dup(&h, c->m);
	if (r == 0)
		r = fm_mutex_lock(h, 0);
	fm_mutex_close(h);
	if (write(c->wr, "x", 1) != 1)
		return -EIO;
	while (read(c->rd, &ch, 1) > 0)
		;
	return r; /* and the thread ends, owning it */
}

static void mutex_close_while_owned(void)
{
	struct close_owned c;
	struct agent other;
	int go[2], done[2];
	pthread_t t;
	struct call call;
	char ch;

	CHECK_OK(fm_mutex_create(&c.m, MUTEX, 0, NULL));
	CHECK_INT_EQ(pipe2(go, O_CLOEXEC), 0);
	CHECK_INT_EQ(pipe2(done, O_CLOEXEC), 0);
	c.rd = go[0];
	c.wr = done[1];
	call = (struct call){ lock_close_and_wait, &c, 0 };
	CHECK_INT_EQ(pthread_create(&t, NULL, call_main, &call), 0);
	CHECK_INT_EQ(read(done[0], &ch, 1), 1);

	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "open_mutex %s", MUTEX), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&other, "trylock"), "EBUSY");
	CHECK_STR_EQ(agent_ask(&other, "lock 50"), "ETIMEDOUT");
	CHECK_INT_EQ(query(c.m).signaled, 0);
	close(go[1]);
	CHECK_INT_EQ(pthread_join(t, NULL), 0);
	CHECK_OK(call.result);
	CHECK_STR_EQ(agent_ask(&other, "lock -1"), "FM_ABANDONED");
	CHECK_STR_EQ(agent_ask(&other, "unlock"), "SUCCESS");
	agent_stop(&other);
	close(go[0]);
	close(done[0]);
	close(done[1]);
	fm_mutex_close(c.m);
}

/*
 * Several waiters of the wait path (fm_wait_any) sleep on one mutex; as
 * each takes it and unlocks it, the next must be woken.  A waiter that
 * takes the mutex after sleeping must leave FUTEX_WAITERS set, as glibc's
 * own waiters do, or the unlock that follows wakes nobody.
 */
static void mutex_waiters_each_woken(int kind)
{
	struct waiter w[3];
	fm_event *never;
	fm_mutex *m;
	int n = 3;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 1, NULL));
	CHECK_OK(fm_event_create(&never, NULL, 0, NULL));
	for (int i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].objects[0] = m;
		w[i].objects[1] = never;
		/* kind 0: one object (futex_wait); 1: two (futex_waitv); 2: the
		 * last waiter is a plain fm_mutex_lock (glibc's own wait). */
		w[i].count = kind == 1 ? 2 : kind == 2 && i == n - 1 ? 0 : 1;
		w[i].unlock = true;
		w[i].timeout = LONG_WAIT;
		CHECK_INT_EQ(pthread_create(&w[i].thread, NULL, waiter_main, &w[i]), 0);
		test_wait_asleep(getpid(), waiter_tid(&w[i]), mutex_contended, m);
	}
	CHECK_OK(fm_mutex_unlock(m));
	for (int i = 0; i < n; i++) {
		CHECK_RC(waiter_join(&w[i]), 0);
		CHECK_INT_EQ(w[i].index, 0);
		CHECK_OK(w[i].unlocked);
	}
	expect_free(m);
	fm_event_close(never);
	fm_mutex_close(m);
}

static void mutex_wait_any_waiters_each_woken(void)
{
	mutex_waiters_each_woken(0);
}

static void mutex_waitv_waiters_each_woken(void)
{
	mutex_waiters_each_woken(1);
}

static void mutex_mixed_waiters_each_woken(void)
{
	mutex_waiters_each_woken(2);
}

/*
 * Hand-off: this process releases the mutex and at once waits for it again,
 * ten times, while an agent waits for it: each release gives it to the
 * agent, as on Windows, so the turns alternate (9 of 10 at least: a woken
 * agent that the scheduler does not run within the grace may lose one).
 * any: both wait with fm_wait_any, over the mutex and an idle event.
 */
static void mutex_handoff(bool any)
{
	fm_sync *m, *idle, *objs[2];
	struct turns *t;
	struct agent other;
	fm_section *s;
	int alternations = 0;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 1, NULL));
	CHECK_OK(fm_event_create(&idle, NULL, 0, NULL));
	CHECK_OK(fm_section_create(&s, TURNS, sizeof(*t), NULL));
	t = test_map_whole(s, FM_WRITE);
	objs[0] = any ? m : idle;
	objs[1] = any ? idle : m;
	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "open_mutex %s", MUTEX), "SUCCESS");
	agent_send(&other, any ? "turns_any 10" : "turns 10");
	test_wait_asleep(other.pid, agent_tid(&other), mutex_contended, m);
	for (int i = 0; i < 10; i++) {
		size_t index = 9;

		take_turn(t, 'T');
		CHECK_OK(fm_mutex_unlock(m));
		if (any) {
			CHECK_OK(fm_wait_any(objs, 2, LONG_WAIT, &index));
			CHECK_INT_EQ(index, 0);
		} else {
			CHECK_OK(fm_mutex_lock(m, LONG_WAIT));
		}
	}
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_STR_EQ(agent_answer(&other), "SUCCESS");
	CHECK_INT_EQ(atomic_load(&t->n), 20);
	for (int i = 0; i + 1 < 20; i++)
		alternations += t->who[i] == 'T' && t->who[i + 1] == 'A';
	if (alternations < 9)
		FAIL("turns %.20s: only %d of 10 releases went to the waiter", t->who, alternations);
	agent_stop(&other);
	CHECK_OK(fm_view_unmap(t));
	fm_section_close(s);
	fm_event_close(idle);
	fm_mutex_close(m);
}

static void mutex_handoff_alternates(void)
{
	mutex_handoff(false);
}

static void mutex_handoff_in_wait_any(void)
{
	mutex_handoff(true);
}

/* A release that hands the mutex to a waiter keeps the releaser off it
 * (Windows: the waiter owns it already), even for a lock that would not
 * wait; with nobody waiting, the releaser takes it back at once. */
static void mutex_handoff_keeps_releaser_off(void)
{
	struct agent other;
	fm_mutex *m;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 1, NULL));
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_OK(fm_mutex_trylock(m)); /* nobody waited */
	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "open_mutex %s", MUTEX), "SUCCESS");
	agent_send(&other, "lock -1");
	test_wait_asleep(other.pid, agent_tid(&other), mutex_contended, m);
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_RC(fm_mutex_trylock(m), -EBUSY);
	CHECK_STR_EQ(agent_answer(&other), "SUCCESS");
	CHECK_INT_EQ(query(m).owner_pid, other.pid);
	CHECK_STR_EQ(agent_ask(&other, "unlock"), "SUCCESS");
	CHECK_OK(fm_mutex_trylock(m));
	CHECK_OK(fm_mutex_unlock(m));
	agent_stop(&other);
	fm_mutex_close(m);
}

static _Atomic pid_t retaker_tid;

/* On a thread: waits for the mutex, releases it, and takes it back with a
 * lock that would not wait (then lets go). */
static int wait_release_retake(void *m)
{
	atomic_store(&retaker_tid, gettid());
	int r = fm_mutex_lock(m, LONG_WAIT);

	if (r == 0)
		r = fm_mutex_unlock(m);
	if (r == 0)
		r = fm_mutex_trylock(m);
	if (r == 0)
		r = fm_mutex_unlock(m);
	return r;
}

/* A thread that had to wait for the mutex and releases it with nobody
 * waiting may take it back at once, even with a lock that would not wait:
 * nobody is owed it (Windows answers WAIT_OBJECT_0 there). */
/*
 * Runs fn(m) on a thread whose first lock of m has to wait: an agent holds
 * m until the thread sleeps in that lock (fn says its thread id in
 * retaker_tid first).  Returns fn's result.
 */
static int after_waiting(fm_mutex *m, int (*fn)(void *))
{
	struct call c = { fn, m, 0 };
	struct agent other;
	pthread_t t;

	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "open_mutex %s", MUTEX), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&other, "lock 0"), "SUCCESS");
	atomic_store(&retaker_tid, 0);
	CHECK_INT_EQ(pthread_create(&t, NULL, call_main, &c), 0);
	while (atomic_load(&retaker_tid) == 0)
		test_pause_ms(1);
	test_wait_asleep(getpid(), atomic_load(&retaker_tid), mutex_contended, m);
	CHECK_STR_EQ(agent_ask(&other, "unlock"), "SUCCESS");
	CHECK_INT_EQ(pthread_join(t, NULL), 0);
	agent_stop(&other);
	return c.result;
}

static void mutex_retake_after_waiting(void)
{
	fm_mutex *m;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	CHECK_OK(after_waiting(m, wait_release_retake));
	fm_mutex_close(m);
}

/* On a thread: waits for the mutex (an agent holds it), then, alone,
 * releases and takes it twice; says whether the second release left a
 * hand-off behind. */
static int contended_then_alone(void *m)
{
	fm_mutex *mx = m;
	int r;

	atomic_store(&retaker_tid, gettid());
	r = fm_mutex_lock(mx, LONG_WAIT);
	for (int i = 0; i < 2 && r == 0; i++) {
		r = fm_mutex_unlock(mx);
		if (r == 0)
			r = fm_mutex_lock(mx, LONG_WAIT);
	}
	if (r == 0)
		r = fm_mutex_unlock(mx);
	return r ? r : (int)atomic_load(&mx->mutex->handoff);
}

/*
 * The brief keep-off after a contended release is paid once when nobody
 * comes back, not at every later lock: a thread that waited for the mutex,
 * then locks and unlocks it alone, soon leaves no hand-off behind.  The
 * same when a waiter that died armed left the waiters count high: the
 * releases wake nobody, and stop handing over.
 */
static void mutex_alone_after_contention(void)
{
	fm_mutex *m;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	CHECK_INT_EQ(after_waiting(m, contended_then_alone), 0);
	fm_mutex_close(m);

	/* A waiter died armed: the count says one waits, nobody does. */
	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	atomic_fetch_add(&m->mutex->waiters, 1);
	for (int i = 0; i < 3; i++) {
		CHECK_OK(fm_mutex_lock(m, LONG_WAIT));
		CHECK_OK(fm_mutex_unlock(m));
	}
	CHECK_INT_EQ(atomic_load(&m->mutex->handoff), 0);
	atomic_fetch_sub(&m->mutex->waiters, 1);
	fm_mutex_close(m);
}

/* A fork child is another process: it does not own what its parent's
 * thread owns, and what it owns when it exits is abandoned. */
static int child_of_owner(void *m)
{
	if (fm_mutex_unlock(m) != -EPERM)
		return 1;
	if (fm_mutex_trylock(m) != -EBUSY)
		return 2;
	return 0;
}

static int child_locks_and_exits(void *m)
{
	return fm_mutex_lock(m, LONG_WAIT) == 0 ? 0 : 1;
}

static void mutex_owned_across_fork(void)
{
	fm_mutex *m;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 1, NULL));
	CHECK_OK(fm_mutex_lock(m, 0));
	CHECK_INT_EQ(test_in_child(child_of_owner, m), 0);
	expect_owned_by_me(m, 2);
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_INT_EQ(test_in_child(child_locks_and_exits, m), 0);
	CHECK_RC(fm_mutex_lock(m, LONG_WAIT), FM_ABANDONED);
	CHECK_OK(fm_mutex_unlock(m));
	fm_mutex_close(m);
}

/* ------------------------------------------------------------------------
 * Event
 * ------------------------------------------------------------------------ */

#define EVENT "Local\\event"

static void event_auto_reset(void)
{
	fm_event *e, *again;
	struct fm_sync_info info;

	CHECK_OK(fm_event_create(&e, EVENT, 0, NULL));
	info = query(e);
	CHECK_INT_EQ(info.type, FM_TYPE_EVENT);
	CHECK_INT_EQ(info.manual_reset, 0);
	CHECK_INT_EQ(info.signaled, 0);
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	CHECK_RC(fm_event_wait(e, 10 * MS), -ETIMEDOUT);
	CHECK_OK(fm_event_set(e));
	CHECK_INT_EQ(signaled(e), 1);
	CHECK_OK(fm_event_wait(e, 0)); /* one wait takes it */
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	/* Set twice with nobody waiting is set once. */
	CHECK_OK(fm_event_set(e));
	CHECK_OK(fm_event_set(e));
	CHECK_OK(fm_sync_wait(e, 0));
	CHECK_RC(fm_sync_wait(e, 0), -ETIMEDOUT);
	/* Reset unsignals; flags of a second create are ignored. */
	CHECK_OK(fm_event_set(e));
	CHECK_OK(fm_event_reset(e));
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	CHECK_RC(fm_event_create(&again, EVENT, FM_EVENT_MANUAL_RESET | FM_EVENT_SIGNALED, NULL),
		 FM_EXISTED);
	info = query(again);
	CHECK_INT_EQ(info.manual_reset, 0);
	CHECK_INT_EQ(info.signaled, 0);
	fm_event_close(again);
	fm_event_close(e);
}

static void event_initial_state_and_flags(void)
{
	fm_event *e;
	struct fm_sync_info info;

	CHECK_OK(fm_event_create(&e, NULL, FM_EVENT_SIGNALED, NULL));
	CHECK_INT_EQ(signaled(e), 1);
	CHECK_OK(fm_event_wait(e, 0));
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	fm_event_close(e);
	CHECK_OK(fm_event_create(&e, NULL, FM_EVENT_SIGNALED | FM_EVENT_MANUAL_RESET, NULL));
	info = query(e);
	CHECK_INT_EQ(info.manual_reset, 1);
	CHECK_INT_EQ(info.signaled, 1);
	fm_event_close(e);
	CHECK_FAIL(fm_event_create(&e, EVENT, 1u << 2, NULL), -EINVAL, "fm_event_create", EVENT);
	CHECK_RC(fm_event_create(&e, NULL, ~0u, NULL), -EINVAL);
	CHECK_INT_EQ(test_store_count(), 0);
}

/*
 * Eight waiters sleep on an auto-reset event; eight sets back to back
 * release each exactly once, and leave nothing for a ninth.
 */
static void event_auto_eight_threads(void)
{
	struct waiter w[8];
	fm_event *e;

	CHECK_OK(fm_event_create(&e, EVENT, 0, NULL));
	waiters_asleep(w, 8, e, LONG_WAIT);
	for (int i = 0; i < 8; i++)
		CHECK_OK(fm_event_set(e));
	for (int i = 0; i < 8; i++)
		CHECK_RC(waiter_join(&w[i]), 0);
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	fm_event_close(e);
}

/* Starts n agents that open name (of kind "event" or "semaphore") and
 * wait on it; returns once all of them sleep in the wait. */
static void agents_waiting(struct agent *a, int n, fm_sync *o, const char *kind,
			   const char *name)
{
	struct armed armed = { o, 0 };

	for (int i = 0; i < n; i++) {
		agent_start(&a[i]);
		CHECK_STR_EQ(agent_ask(&a[i], "open_%s %s", kind, name), "SUCCESS");
		agent_send(&a[i], "wait -1");
		armed.want = (uint32_t)i + 1;
		test_wait_asleep(a[i].pid, agent_tid(&a[i]), enough_armed, &armed);
	}
}

/* Collects n answers (each must be SUCCESS) from the agents still pending. */
static void agents_released(struct agent *a, bool *pending, int total, int n)
{
	char line[256];

	for (int k = 0; k < n; k++) {
		int i = first_answer(a, pending, total, line, sizeof(line));

		CHECK_STR_EQ(line, "SUCCESS");
		pending[i] = false;
	}
}

static void event_auto_eight_processes(void)
{
	struct agent a[8];
	bool pending[8];
	fm_event *e;

	CHECK_OK(fm_event_create(&e, EVENT, 0, NULL));
	agents_waiting(a, 8, e, "event", EVENT);
	for (int i = 0; i < 8; i++) {
		CHECK_OK(fm_event_set(e));
		pending[i] = true;
	}
	agents_released(a, pending, 8, 8);
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	for (int i = 0; i < 8; i++)
		agent_stop(&a[i]);
	fm_event_close(e);
}

static void event_manual_reset(void)
{
	struct waiter w[4];
	fm_event *e;
	struct agent other;

	CHECK_OK(fm_event_create(&e, EVENT, FM_EVENT_MANUAL_RESET, NULL));
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	waiters_asleep(w, 4, e, LONG_WAIT);
	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "open_event %s", EVENT), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&other, "set"), "SUCCESS");
	for (int i = 0; i < 4; i++)
		CHECK_RC(waiter_join(&w[i]), 0);
	/* It stays signalled, for every later wait, until reset. */
	for (int i = 0; i < 3; i++)
		CHECK_OK(fm_event_wait(e, 0));
	CHECK_STR_EQ(agent_ask(&other, "wait 0"), "SUCCESS");
	CHECK_INT_EQ(signaled(e), 1);
	CHECK_OK(fm_event_reset(e));
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	CHECK_STR_EQ(agent_ask(&other, "wait 0"), "ETIMEDOUT");
	agent_stop(&other);
	fm_event_close(e);
}

/* A manual pulse releases every current waiter and leaves it unsignalled. */
static void event_pulse_manual(void)
{
	struct waiter w[3];
	fm_event *e;

	CHECK_OK(fm_event_create(&e, NULL, FM_EVENT_MANUAL_RESET, NULL));
	CHECK_OK(fm_event_pulse(e)); /* nobody waits: nothing happens */
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	waiters_asleep(w, 3, e, LONG_WAIT);
	CHECK_OK(fm_event_pulse(e));
	for (int i = 0; i < 3; i++)
		CHECK_RC(waiter_join(&w[i]), 0);
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	/* A pulse of a set manual event resets it. */
	CHECK_OK(fm_event_set(e));
	CHECK_OK(fm_event_pulse(e));
	CHECK_INT_EQ(signaled(e), 0);
	fm_event_close(e);
}

/*
 * An auto pulse releases one waiter of two, and leaves the event
 * unsignalled; the other is released by the next set, which it consumes.
 * Had the pulse released both, that set would be left signalled.
 */
static void event_pulse_auto(void)
{
	struct waiter w[2];
	fm_event *e;
	int done;

	CHECK_OK(fm_event_create(&e, NULL, 0, NULL));
	CHECK_OK(fm_event_pulse(e)); /* no waiter: stays unsignalled */
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_OK(fm_event_set(e));
	CHECK_OK(fm_event_pulse(e)); /* signalled, no waiter: reset */
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);

	waiters_asleep(w, 2, e, LONG_WAIT);
	CHECK_OK(fm_event_pulse(e));
	/* Exactly one returns: whichever it is, join it first. */
	for (done = -1; done < 0; test_pause_ms(1))
		for (int i = 0; i < 2 && done < 0; i++)
			if (pthread_tryjoin_np(w[i].thread, NULL) == 0)
				done = i;
	CHECK_OK(w[done].result);
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_RC(fm_event_wait(e, 0), -ETIMEDOUT);
	CHECK_OK(fm_event_set(e));
	CHECK_RC(waiter_join(&w[1 - done]), 0);
	CHECK_INT_EQ(signaled(e), 0);
	fm_event_close(e);
}

static int wait_forever(void *e)
{
	return fm_event_wait(e, FM_INFINITE);
}

/* FM_INFINITE waits until the set, in another thread. */
static void event_wait_infinite(void)
{
	struct waiter w;
	fm_event *e;

	CHECK_OK(fm_event_create(&e, NULL, 0, NULL));
	waiters_asleep(&w, 1, e, FM_INFINITE);
	CHECK_OK(fm_event_set(e));
	CHECK_RC(waiter_join(&w), 0);
	CHECK_OK(fm_event_set(e));
	CHECK_OK(on_thread(wait_forever, e)); /* already set: returns at once */
	CHECK_INT_EQ(signaled(e), 0);
	fm_event_close(e);
}

/* ------------------------------------------------------------------------
 * Semaphore
 * ------------------------------------------------------------------------ */

#define SEM "Local\\semaphore"

static void semaphore_counts(void)
{
	fm_semaphore *s, *again;
	struct fm_sync_info info;
	uint32_t prev = 99;

	CHECK_FAIL(fm_semaphore_create(&s, SEM, 3, 2, NULL), -EINVAL, "fm_semaphore_create", SEM);
	CHECK_RC(fm_semaphore_create(&s, SEM, 0, 0, NULL), -EINVAL);
	CHECK_RC(fm_semaphore_create(&s, SEM, 0, (uint32_t)INT32_MAX + 1, NULL), -EINVAL);
	CHECK_RC(fm_semaphore_create(&s, SEM, UINT32_MAX, UINT32_MAX, NULL), -EINVAL);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_OK(fm_semaphore_create(&s, NULL, INT32_MAX, INT32_MAX, NULL));
	CHECK_RC(fm_semaphore_release(s, 1, &prev), -EOVERFLOW);
	CHECK_INT_EQ(prev, 99); /* written only on success */
	fm_semaphore_close(s);

	CHECK_OK(fm_semaphore_create(&s, SEM, 1, 3, NULL));
	info = query(s);
	CHECK_INT_EQ(info.type, FM_TYPE_SEMAPHORE);
	CHECK_INT_EQ(info.count, 1);
	CHECK_INT_EQ(info.maximum, 3);
	CHECK_INT_EQ(info.signaled, 1);
	CHECK_RC(fm_semaphore_create(&again, SEM, 0, 9, NULL), FM_EXISTED);
	CHECK_INT_EQ(query(again).maximum, 3);
	CHECK_INT_EQ(query(again).count, 1);

	CHECK_OK(fm_semaphore_release(s, 1, &prev));
	CHECK_INT_EQ(prev, 1);
	CHECK_OK(fm_semaphore_release(again, 1, NULL));
	CHECK_INT_EQ(sem_count(s), 3);
	CHECK_FAIL(fm_semaphore_release(s, 1, &prev), -EOVERFLOW, "fm_semaphore_release", SEM);
	CHECK_INT_EQ(sem_count(s), 3);
	CHECK_OK(fm_semaphore_wait(s, 0));
	CHECK_RC(fm_semaphore_release(s, 2, &prev), -EOVERFLOW);
	CHECK_RC(fm_semaphore_release(s, UINT32_MAX, &prev), -EOVERFLOW);
	CHECK_INT_EQ(sem_count(s), 2);
	CHECK_FAIL(fm_semaphore_release(s, 0, &prev), -EINVAL, "fm_semaphore_release", SEM);
	CHECK_INT_EQ(sem_count(s), 2);
	CHECK_OK(fm_semaphore_wait(s, 0));
	CHECK_OK(fm_sync_wait(again, 10 * MS));
	CHECK_INT_EQ(sem_count(s), 0);
	CHECK_INT_EQ(query(s).signaled, 0);
	CHECK_RC(fm_semaphore_wait(s, 0), -ETIMEDOUT);
	CHECK_RC(fm_semaphore_wait(s, 10 * MS), -ETIMEDOUT);
	CHECK_OK(fm_semaphore_release(s, 3, &prev));
	CHECK_INT_EQ(prev, 0);
	fm_semaphore_close(again);
	fm_semaphore_close(s);
}

/* A release of n wakes n waiters in other processes, no more. */
static void semaphore_release_wakes_processes(void)
{
	struct agent a[3], releaser;
	bool pending[3] = { true, true, true };
	fm_semaphore *s;

	CHECK_OK(fm_semaphore_create(&s, SEM, 0, 5, NULL));
	agents_waiting(a, 3, s, "semaphore", SEM);
	agent_start(&releaser);
	CHECK_STR_EQ(agent_ask(&releaser, "open_semaphore %s", SEM), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&releaser, "release 2"), "SUCCESS 0");
	agents_released(a, pending, 3, 2);
	CHECK_INT_EQ(sem_count(s), 0); /* the third still waits: nothing left */
	CHECK_OK(fm_semaphore_release(s, 1, NULL));
	agents_released(a, pending, 3, 1);
	CHECK_INT_EQ(sem_count(s), 0);
	CHECK_STR_EQ(agent_ask(&releaser, "release 5"), "SUCCESS 0");
	CHECK_STR_EQ(agent_ask(&releaser, "release 1"), "EOVERFLOW 0");
	CHECK_INT_EQ(sem_count(s), 5);
	for (int i = 0; i < 3; i++)
		agent_stop(&a[i]);
	agent_stop(&releaser);
	fm_semaphore_close(s);
}

/* ------------------------------------------------------------------------
 * Waits over several objects
 * ------------------------------------------------------------------------ */

/* Wait-any takes the lowest signalled object, and only that one. */
static void wait_any_lowest_index(void)
{
	fm_event *never, *e;
	fm_semaphore *s;
	fm_mutex *m;
	fm_sync *objs[4];
	size_t index = 99;

	CHECK_OK(fm_event_create(&never, NULL, 0, NULL));
	CHECK_OK(fm_semaphore_create(&s, NULL, 2, 2, NULL));
	CHECK_OK(fm_event_create(&e, NULL, FM_EVENT_SIGNALED, NULL));
	CHECK_OK(fm_mutex_create(&m, NULL, 0, NULL));
	objs[0] = never;
	objs[1] = s;
	objs[2] = e;
	objs[3] = m;
	for (int round = 0; round < 2; round++) {
		CHECK_OK(fm_wait_any(objs, 4, 0, &index));
		CHECK_INT_EQ(index, 1);
		CHECK_INT_EQ(sem_count(s), 1 - round);
		CHECK_INT_EQ(signaled(e), 1);
		expect_free(m);
	}
	CHECK_OK(fm_wait_any(objs, 4, LONG_WAIT, &index));
	CHECK_INT_EQ(index, 2);
	CHECK_INT_EQ(signaled(e), 0);
	expect_free(m);
	CHECK_OK(fm_wait_any(objs, 4, FM_INFINITE, &index));
	CHECK_INT_EQ(index, 3);
	expect_owned_by_me(m, 1);
	/* Owned by us: recursion, so the mutex is still available to us. */
	CHECK_OK(fm_wait_any(objs, 4, 0, NULL));
	expect_owned_by_me(m, 2);
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_RC(fm_wait_any(objs, 1, 0, &index), -ETIMEDOUT);
	CHECK_RC(fm_wait_any(objs, 3, 10 * MS, &index), -ETIMEDOUT);
	/* Duplicates are fine for wait-any. */
	objs[1] = m;
	objs[2] = m;
	CHECK_OK(fm_wait_any(objs, 3, 0, &index));
	CHECK_INT_EQ(index, 1);
	CHECK_OK(fm_mutex_unlock(m));
	fm_mutex_close(m);
	fm_event_close(e);
	fm_semaphore_close(s);
	fm_event_close(never);
}

/*
 * A thread that waits on the same events again and again has them checked
 * once (wait.c): the set's handles and their words are remembered until a
 * handle is closed.  The same handles in another order, one closed and a
 * mutex in its place, a set with a mutex, a section in a handle's place:
 * each is seen at the next wait.
 */
static void wait_any_same_set_again(void)
{
	fm_event *idle, *idle2, *e;
	fm_semaphore *s;
	fm_section *section;
	fm_mutex *m;
	fm_sync *objs[3];
	size_t index = 99;

	CHECK_OK(fm_event_create(&idle, NULL, 0, NULL));
	CHECK_OK(fm_event_create(&idle2, NULL, 0, NULL));
	CHECK_OK(fm_event_create(&e, NULL, 0, NULL));
	CHECK_OK(fm_semaphore_create(&s, NULL, 0, 5, NULL));
	objs[0] = idle;
	objs[1] = e;
	objs[2] = s;
	for (int round = 0; round < 3; round++) {
		CHECK_OK(fm_event_set(e));
		CHECK_OK(fm_wait_any(objs, 3, 0, &index));
		CHECK_INT_EQ(index, 1);
		CHECK_INT_EQ(signaled(e), 0);
		CHECK_RC(fm_wait_any(objs, 3, 0, &index), -ETIMEDOUT);
	}
	CHECK_OK(fm_semaphore_release(s, 2, NULL));
	CHECK_OK(fm_wait_any(objs, 3, 0, &index));
	CHECK_INT_EQ(index, 2);
	CHECK_INT_EQ(sem_count(s), 1);
	/* The same handles in another order. */
	objs[0] = s;
	objs[2] = idle;
	CHECK_OK(fm_wait_any(objs, 3, 0, &index));
	CHECK_INT_EQ(index, 0);
	CHECK_INT_EQ(sem_count(s), 0);

	/* A handle closed, and a mutex (free) in its place. */
	objs[0] = idle;
	objs[2] = s;
	CHECK_RC(fm_wait_any(objs, 3, 0, &index), -ETIMEDOUT);
	fm_event_close(idle);
	CHECK_OK(fm_mutex_create(&m, NULL, 0, NULL));
	objs[0] = m;
	CHECK_OK(fm_wait_any(objs, 3, 0, &index));
	CHECK_INT_EQ(index, 0);
	expect_owned_by_me(m, 1);
	CHECK_OK(fm_mutex_unlock(m));

	/* A set with a mutex, again and again (never remembered: a mutex's
	 * word says little about whether this thread may take it). */
	objs[0] = idle2;
	objs[1] = e;
	objs[2] = m;
	for (int round = 0; round < 4; round++) {
		if (round == 2)
			CHECK_OK(fm_event_set(e));
		CHECK_OK(fm_wait_any(objs, 3, 0, &index));
		CHECK_INT_EQ(index, round == 2 ? 1 : 2);
	}
	expect_owned_by_me(m, 3);
	for (int round = 0; round < 3; round++)
		CHECK_OK(fm_mutex_unlock(m));

	/* A section where a handle was. */
	CHECK_OK(fm_section_create(&section, NULL, 64, NULL));
	objs[0] = (fm_sync *)section;
	CHECK_FAIL(fm_wait_any(objs, 3, 0, &index), FM_ETYPE, "fm_wait_any", NULL);
	fm_section_close(section);
	fm_mutex_close(m);
	fm_semaphore_close(s);
	fm_event_close(e);
	fm_event_close(idle2);
}

/* Wait-all that cannot take everything takes nothing, also on timeout;
 * when it can, it takes all: the mutex owned, the count decremented, the
 * auto event reset. */
static void wait_all_all_or_nothing(void)
{
	fm_event *e, *gate;
	fm_semaphore *s;
	fm_mutex *m;
	fm_sync *objs[4];
	size_t index = 99;

	CHECK_OK(fm_mutex_create(&m, NULL, 0, NULL));
	CHECK_OK(fm_semaphore_create(&s, NULL, 1, 3, NULL));
	CHECK_OK(fm_event_create(&e, NULL, FM_EVENT_SIGNALED, NULL));
	CHECK_OK(fm_event_create(&gate, NULL, FM_EVENT_MANUAL_RESET, NULL));
	objs[0] = m;
	objs[1] = s;
	objs[2] = e;
	objs[3] = gate;
	CHECK_RC(fm_wait_all(objs, 4, 0, &index), -ETIMEDOUT);
	CHECK_RC(fm_wait_all(objs, 4, 20 * MS, &index), -ETIMEDOUT);
	expect_free(m);
	CHECK_INT_EQ(sem_count(s), 1);
	CHECK_INT_EQ(signaled(e), 1);

	CHECK_OK(fm_wait_all(objs, 3, 0, &index));
	CHECK_INT_EQ(index, 0);
	expect_owned_by_me(m, 1);
	CHECK_INT_EQ(sem_count(s), 0);
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_OK(fm_mutex_unlock(m));

	/* A manual event is left set by a wait-all. */
	CHECK_OK(fm_event_set(e));
	CHECK_OK(fm_semaphore_release(s, 1, NULL));
	CHECK_OK(fm_event_set(gate));
	CHECK_OK(fm_wait_all(objs, 4, FM_INFINITE, NULL));
	CHECK_INT_EQ(signaled(gate), 1);
	CHECK_INT_EQ(signaled(e), 0);
	CHECK_OK(fm_mutex_unlock(m));
	fm_event_close(gate);
	fm_event_close(e);
	fm_semaphore_close(s);
	fm_mutex_close(m);
}

static void wait_all_refuses_duplicates(void)
{
	fm_event *e, *dup, *named, *opened, *other;
	fm_sync *objs[3];
	size_t index = 99;

	CHECK_OK(fm_event_create(&e, NULL, FM_EVENT_MANUAL_RESET | FM_EVENT_SIGNALED, NULL));
	CHECK_OK(fm_sync_dup(&dup, e));
	CHECK_OK(fm_event_create(&other, NULL, FM_EVENT_MANUAL_RESET | FM_EVENT_SIGNALED, NULL));
	objs[0] = e;
	objs[1] = other;
	objs[2] = e;
	CHECK_FAIL(fm_wait_all(objs, 3, 0, &index), -EINVAL, "fm_wait_all", NULL);
	objs[2] = dup;
	CHECK_RC(fm_wait_all(objs, 3, 0, &index), -EINVAL);
	CHECK_OK(fm_wait_all(objs, 2, 0, &index));
	CHECK_OK(fm_wait_any(objs, 3, 0, &index));
	CHECK_INT_EQ(index, 0);

	CHECK_OK(fm_event_create(&named, EVENT, 0, NULL));
	CHECK_OK(fm_event_open(&opened, EVENT));
	objs[0] = named;
	objs[1] = opened;
	CHECK_RC(fm_wait_all(objs, 2, 0, &index), -EINVAL);
	CHECK_OK(fm_event_set(opened));
	CHECK_OK(fm_wait_any(objs, 2, 0, &index));
	CHECK_INT_EQ(index, 0);
	fm_event_close(opened);
	fm_event_close(named);
	fm_event_close(other);
	fm_event_close(dup);
	fm_event_close(e);
}

static void wait_bad_arguments(void)
{
	fm_sync *objs[FM_WAIT_MAX + 1];
	fm_section *section;
	fm_event *e;
	size_t index = 99;

	CHECK_OK(fm_event_create(&e, NULL, FM_EVENT_SIGNALED | FM_EVENT_MANUAL_RESET, NULL));
	for (int i = 0; i <= FM_WAIT_MAX; i++)
		objs[i] = e;
	CHECK_OK(fm_wait_any(objs, FM_WAIT_MAX, 0, &index));
	index = 99;
	CHECK_FAIL(fm_wait_any(objs, 0, 0, &index), -EINVAL, "fm_wait_any", NULL);
	CHECK_FAIL(fm_wait_any(objs, FM_WAIT_MAX + 1, 0, &index), -EINVAL, "fm_wait_any", NULL);
	CHECK_FAIL(fm_wait_all(objs, 0, 0, &index), -EINVAL, "fm_wait_all", NULL);
	CHECK_RC(fm_wait_all(objs, FM_WAIT_MAX + 1, 0, &index), -EINVAL);
	CHECK_RC(fm_wait_any(NULL, 1, 0, &index), -EINVAL);
	CHECK_RC(fm_wait_all(NULL, 1, 0, &index), -EINVAL);
	objs[1] = NULL;
	CHECK_RC(fm_wait_any(objs, 2, 0, &index), -EINVAL);
	CHECK_RC(fm_wait_all(objs, 2, 0, &index), -EINVAL);
	CHECK_INT_EQ(index, 99); /* written only on success */

	/* A section is not a sync object; its first word is a descriptor,
	 * never the sync magic. */
	CHECK_OK(fm_section_create(&section, NULL, 64, NULL));
	objs[1] = (fm_sync *)section;
	CHECK_FAIL(fm_wait_any(objs, 2, 0, &index), FM_ETYPE, "fm_wait_any", NULL);
	CHECK_RC(fm_wait_all(objs, 2, 0, &index), FM_ETYPE);
	CHECK_RC(fm_sync_wait((fm_sync *)section, 0), FM_ETYPE);
	CHECK_RC(fm_event_set((fm_sync *)section), FM_ETYPE);
	CHECK_RC(fm_sync_type((fm_sync *)section), -EINVAL);
	CHECK(fm_sync_name((fm_sync *)section) == NULL);
	fm_sync_close((fm_sync *)section); /* ignored */
	CHECK_INT_EQ(fm_section_size(section), 64);
	fm_section_close(section);
	fm_event_close(e);
}

/* The main process waits on 64 events; a helper sets the last one once it
 * sees the main thread asleep. */
static void wait_any_64_across_processes(void)
{
	fm_sync *objs[FM_WAIT_MAX];
	struct agent setter;
	char name[64];
	size_t index = 99;

	for (int i = 0; i < FM_WAIT_MAX; i++) {
		snprintf(name, sizeof(name), "Local\\ev%d", i);
		CHECK_OK(fm_event_create(&objs[i], name, 0, NULL));
	}
	agent_start(&setter);
	CHECK_STR_EQ(agent_ask(&setter, "open_event %s", name), "SUCCESS");
	agent_send(&setter, "set_when_asleep %d %d", (int)getpid(), (int)gettid());
	CHECK_OK(fm_wait_any(objs, FM_WAIT_MAX, LONG_WAIT, &index));
	CHECK_INT_EQ(index, FM_WAIT_MAX - 1);
	CHECK_STR_EQ(agent_answer(&setter), "SUCCESS");
	for (int i = 0; i < FM_WAIT_MAX; i++)
		CHECK_INT_EQ(signaled(objs[i]), 0);

	/* And wait-all, which the helper completes. */
	for (int i = 0; i < FM_WAIT_MAX - 1; i++)
		CHECK_OK(fm_event_set(objs[i]));
	agent_send(&setter, "set_when_asleep %d %d", (int)getpid(), (int)gettid());
	CHECK_OK(fm_wait_all(objs, FM_WAIT_MAX, LONG_WAIT, &index));
	CHECK_STR_EQ(agent_answer(&setter), "SUCCESS");
	for (int i = 0; i < FM_WAIT_MAX; i++)
		CHECK_INT_EQ(signaled(objs[i]), 0);
	agent_stop(&setter);
	for (int i = 0; i < FM_WAIT_MAX; i++)
		fm_event_close(objs[i]);
}

/* ------------------------------------------------------------------------
 * The namespace, handles, descriptors, modes
 * ------------------------------------------------------------------------ */

enum { K_SECTION, K_MUTEX, K_EVENT, K_SEMAPHORE, KINDS };
static const char *const kind_name[KINDS] = { "section", "mutex", "event", "semaphore" };

/* Creates (or opens) name as kind k; closes what it got. */
static int make_kind(int k, const char *name, bool create)
{
	fm_section *section = NULL;
	fm_sync *o = NULL;
	int r;

	switch (k) {
	case K_SECTION:
		r = create ? fm_section_create(&section, name, 64, NULL)
			   : fm_section_open(&section, name, FM_READ);
		break;
	case K_MUTEX:
		r = create ? fm_mutex_create(&o, name, 0, NULL) : fm_mutex_open(&o, name);
		break;
	case K_EVENT:
		r = create ? fm_event_create(&o, name, 0, NULL) : fm_event_open(&o, name);
		break;
	default:
		r = create ? fm_semaphore_create(&o, name, 0, 1, NULL) : fm_semaphore_open(&o, name);
		break;
	}
	if (r >= 0) {
		fm_section_close(section);
		fm_sync_close(o);
	}
	return r;
}

/* Every kind against every other: FM_ETYPE for create and open. */
static void namespace_types(void)
{
	fm_section *section;
	fm_sync *held[KINDS];
	char name[64];

	CHECK_OK(fm_section_create(&section, "Local\\section", 64, NULL));
	CHECK_OK(fm_mutex_create(&held[K_MUTEX], "Local\\mutex", 0, NULL));
	CHECK_OK(fm_event_create(&held[K_EVENT], "Local\\event", 0, NULL));
	CHECK_OK(fm_semaphore_create(&held[K_SEMAPHORE], "Local\\semaphore", 0, 1, NULL));
	for (int have = 0; have < KINDS; have++)
		for (int want = 0; want < KINDS; want++) {
			snprintf(name, sizeof(name), "Local\\%s", kind_name[have]);
			if (want == have) {
				CHECK_RC(make_kind(want, name, true), FM_EXISTED);
				CHECK_OK(make_kind(want, name, false));
				continue;
			}
			if (make_kind(want, name, true) != FM_ETYPE ||
			    make_kind(want, name, false) != FM_ETYPE)
				FAIL("a %s named %s: %s create/open gave %s, %s", kind_name[have],
				     name, kind_name[want], fm_errname(make_kind(want, name, true)),
				     fm_errname(make_kind(want, name, false)));
			CHECK(strstr(fm_last_error_message(), name) != NULL);
		}
	/* The wrong kind's calls on a handle. */
	CHECK_FAIL(fm_event_set(held[K_MUTEX]), FM_ETYPE, "fm_event_set", "Local\\mutex");
	CHECK_RC(fm_event_reset(held[K_SEMAPHORE]), FM_ETYPE);
	CHECK_RC(fm_event_pulse(held[K_MUTEX]), FM_ETYPE);
	CHECK_RC(fm_event_wait(held[K_SEMAPHORE], 0), FM_ETYPE);
	CHECK_FAIL(fm_mutex_lock(held[K_EVENT], 0), FM_ETYPE, "fm_mutex_lock", "Local\\event");
	CHECK_RC(fm_mutex_trylock(held[K_SEMAPHORE]), FM_ETYPE);
	CHECK_RC(fm_mutex_unlock(held[K_EVENT]), FM_ETYPE);
	CHECK_RC(fm_semaphore_release(held[K_MUTEX], 1, NULL), FM_ETYPE);
	CHECK_RC(fm_semaphore_wait(held[K_EVENT], 0), FM_ETYPE);
	for (int k = K_MUTEX; k < KINDS; k++)
		fm_sync_close(held[k]);
	fm_section_close(section);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Names go with their last handle: closed, or its process killed. */
static void namespace_lifetime(void)
{
	struct agent holder;
	fm_sync *o, *d;

	CHECK_FAIL(fm_mutex_open(&o, "Local\\missing"), -ENOENT, "fm_mutex_open", "Local\\missing");
	CHECK_RC(fm_event_open(&o, "missing"), -ENOENT);
	CHECK_RC(fm_semaphore_open(&o, "Global\\missing"), -ENOENT);

	CHECK_OK(fm_semaphore_create(&o, SEM, 1, 1, NULL));
	CHECK_OK(fm_sync_dup(&d, o));
	fm_semaphore_close(o);
	CHECK_INT_EQ(test_store_count(), 1);
	CHECK_OK(fm_semaphore_wait(d, 0)); /* the same object */
	fm_sync_close(d);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_RC(fm_semaphore_open(&o, SEM), -ENOENT);

	agent_start(&holder);
	CHECK_STR_EQ(agent_ask(&holder, "create_mutex %s 1", MUTEX), "SUCCESS");
	CHECK_OK(fm_mutex_open(&o, MUTEX));
	fm_mutex_close(o);
	CHECK(kill(holder.pid, SIGKILL) == 0);
	agent_reap(&holder, 128 + SIGKILL);
	CHECK_RC(fm_mutex_open(&o, MUTEX), -ENOENT);
	CHECK_INT_EQ(test_store_count(), 0);
	/* A new one is fresh: not owned, not abandoned. */
	CHECK_OK(fm_mutex_create(&o, MUTEX, 0, NULL));
	expect_free(o);
	CHECK_INT_EQ(query(o).abandoned, 0);
	fm_mutex_close(o);
}

/*
 * A handle whose name was removed (`filemap rm`) and given to a new object:
 * its dup (whose mapping is opened now) is still its own object, not the
 * new one, whichever way the dup's descriptors are opened.
 */
static void namespace_dup_after_name_replaced(void)
{
	fm_sync *e, *other, *d, *objs[2];
	size_t index;

	CHECK_OK(fm_event_create(&e, EVENT, FM_EVENT_MANUAL_RESET, NULL));
	CHECK_INT_EQ(unlink(local_file("event")), 0);
	CHECK_OK(fm_event_create(&other, EVENT, FM_EVENT_MANUAL_RESET, NULL));
	CHECK_OK(fm_sync_dup(&d, e));
	CHECK_OK(fm_event_set(d));
	CHECK_INT_EQ(query(e).signaled, 1);
	CHECK_INT_EQ(query(other).signaled, 0);
	objs[0] = e;
	objs[1] = d;
	CHECK_RC(fm_wait_all(objs, 2, 0, &index), -EINVAL); /* the same object */
	fm_sync_close(d);
	fm_sync_close(e);
	CHECK_INT_EQ(test_store_count(), 1);
	fm_sync_close(other);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Unnamed objects work, are never in the store, and dup shares them. */
static void namespace_unnamed(void)
{
	fm_sync *m, *e, *s, *d;

	CHECK_OK(fm_mutex_create(&m, NULL, 1, NULL));
	CHECK_OK(fm_event_create(&e, NULL, 0, NULL));
	CHECK_OK(fm_semaphore_create(&s, NULL, 0, 2, NULL));
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK(fm_sync_name(m) == NULL && fm_sync_name(e) == NULL && fm_sync_name(s) == NULL);
	expect_owned_by_me(m, 1);
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_OK(fm_sync_dup(&d, e));
	CHECK_INT_EQ(fm_sync_type(d), FM_TYPE_EVENT);
	CHECK_OK(fm_event_set(d));
	fm_sync_close(d);
	CHECK_OK(fm_event_wait(e, 0));
	CHECK_OK(fm_sync_dup(&d, s));
	CHECK_OK(fm_semaphore_release(d, 2, NULL));
	CHECK_INT_EQ(sem_count(s), 2);
	CHECK(fm_sync_fd(s) >= 0 && fm_sync_fd(d) >= 0 && fm_sync_fd(s) != fm_sync_fd(d));
	fm_sync_close(d);
	fm_sync_close(s);
	fm_sync_close(e);
	fm_sync_close(m);
}

/* Helper: adopts the descriptor argv[0], says what it got, and works it. */
static int adopter(int argc, char **argv)
{
	fm_sync *o;
	int r;

	if (argc < 1)
		return 2;
	r = fm_sync_adopt(&o, atoi(argv[0]));
	if (r < 0) {
		test_say("adopt failed: %s", fm_last_error_message());
		return 1;
	}
	test_say("type %d name %s", fm_sync_type(o), fm_sync_name(o) ? fm_sync_name(o) : "-");
	if (fm_sync_type(o) == FM_TYPE_EVENT)
		r = fm_event_set(o);
	else if (fm_sync_type(o) == FM_TYPE_SEMAPHORE)
		r = fm_semaphore_release(o, 2, NULL);
	else
		r = fm_mutex_lock(o, 0); /* and exit owning it */
	test_say("%s", fm_errname(r));
	fm_sync_close(o);
	return 0;
}

/* Passes o's descriptor to an adopter across exec; returns its pid. */
static pid_t pass_to_adopter(fm_sync *o, const char *expected)
{
	char arg[16], line[256];
	int fd = fm_sync_fd(o), out;
	pid_t pid;

	CHECK(fd >= 0);
	CHECK_INT_EQ(fcntl(fd, F_SETFD, 0), 0);
	snprintf(arg, sizeof(arg), "%d", fd);
	pid = test_spawn("adopter", &out, arg, NULL);
	CHECK_INT_EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	CHECK(test_read_line(out, line, sizeof(line)));
	CHECK_STR_EQ(line, expected);
	test_expect_line(out, "SUCCESS");
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	return pid;
}

static void adopt_across_exec(void)
{
	fm_sync *e, *s, *m, *a;
	fm_section *section;
	char expected[64];
	int fds[2], fd;

	CHECK_OK(fm_event_create(&e, EVENT, 0, NULL));
	snprintf(expected, sizeof(expected), "type %d name %s", FM_TYPE_EVENT, EVENT);
	pass_to_adopter(e, expected);
	CHECK_OK(fm_event_wait(e, 0));
	CHECK_OK(fm_semaphore_create(&s, NULL, 0, 5, NULL));
	snprintf(expected, sizeof(expected), "type %d name -", FM_TYPE_SEMAPHORE);
	pass_to_adopter(s, expected);
	CHECK_INT_EQ(sem_count(s), 2);
	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	snprintf(expected, sizeof(expected), "type %d name %s", FM_TYPE_MUTEX, MUTEX);
	pass_to_adopter(m, expected);
	CHECK_RC(fm_mutex_lock(m, LONG_WAIT), FM_ABANDONED);
	CHECK_OK(fm_mutex_unlock(m));

	/* Adopting here, in-process, is another handle of the same object. */
	fd = fcntl(fm_sync_fd(e), F_DUPFD_CLOEXEC, 0);
	CHECK_OK(fm_sync_adopt(&a, fd));
	CHECK_INT_EQ(fm_sync_type(a), FM_TYPE_EVENT);
	CHECK_STR_EQ(fm_sync_name(a), EVENT);
	CHECK_OK(fm_event_set(a));
	fm_sync_close(a);
	CHECK_OK(fm_event_wait(e, 0));

	/* What adopt refuses; the caller keeps its descriptor. */
	CHECK_RC(fm_sync_adopt(NULL, fm_sync_fd(e)), -EINVAL);
	CHECK_OK(fm_section_create(&section, "Local\\section", 64, NULL));
	CHECK_FAIL(fm_sync_adopt(&a, fm_section_fd(section)), FM_ETYPE, "fm_sync_adopt", NULL);
	CHECK(fcntl(fm_section_fd(section), F_GETFD) >= 0);
	fm_section_close(section);
	CHECK_INT_EQ(pipe(fds), 0);
	CHECK_RC(fm_sync_adopt(&a, fds[0]), -EACCES); /* read-only */
	CHECK_RC(fm_sync_adopt(&a, fds[1]), -EACCES); /* write-only */
	close(fds[0]);
	close(fds[1]);
	CHECK_RC(fm_sync_adopt(&a, fds[0]), -EBADF);
	fd = open(local_file("event"), O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_RC(fm_sync_adopt(&a, fd), -EACCES);
	close(fd);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK_RC(fm_sync_adopt(&a, fd), -EBADF);
	close(fd);
	fm_sync_close(m);
	fm_sync_close(s);
	fm_sync_close(e);
}

static void query_and_null_arguments(void)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;
	fm_sync *m, *o = NULL;
	uint32_t prev;

	CHECK_OK(fm_mutex_create(&m, NULL, 1, NULL));
	CHECK_OK(fm_mutex_lock(m, 0));
	CHECK_OK(fm_sync_query(&info, m));
	CHECK_INT_EQ(info.size, sizeof(info));
	CHECK_INT_EQ(info.type, FM_TYPE_MUTEX);
	CHECK_INT_EQ(info.signaled, 0);
	CHECK_INT_EQ(info.owner_pid, getpid());
	CHECK_INT_EQ(info.owner_tid, gettid());
	CHECK_INT_EQ(info.recursion, 2);
	CHECK_INT_EQ(info.abandoned, 0);
	/* An older caller's shorter struct: only what fits is written. */
	memset(&info, 0x55, sizeof(info));
	info.size = offsetof(struct fm_sync_info, type) + sizeof(int);
	CHECK_OK(fm_sync_query(&info, m));
	CHECK_INT_EQ(info.type, FM_TYPE_MUTEX);
	CHECK_INT_EQ(info.signaled, 0x55555555);
	info.size = 3;
	CHECK_FAIL(fm_sync_query(&info, m), -EINVAL, "fm_sync_query", NULL);
	CHECK_RC(fm_sync_query(NULL, m), -EINVAL);
	info.size = sizeof(info);
	CHECK_RC(fm_sync_query(&info, NULL), -EINVAL);

	CHECK_RC(fm_mutex_create(NULL, NULL, 0, NULL), -EINVAL);
	CHECK_RC(fm_event_create(NULL, "x", 0, NULL), -EINVAL);
	CHECK_RC(fm_semaphore_create(NULL, NULL, 0, 1, NULL), -EINVAL);
	CHECK_FAIL(fm_mutex_open(&o, NULL), -EINVAL, "fm_mutex_open", NULL);
	CHECK_RC(fm_event_open(&o, NULL), -EINVAL);
	CHECK_RC(fm_semaphore_open(&o, NULL), -EINVAL);
	CHECK_RC(fm_mutex_open(NULL, "x"), -EINVAL);
	CHECK_RC(fm_mutex_lock(NULL, 0), -EINVAL);
	CHECK_RC(fm_mutex_trylock(NULL), -EINVAL);
	CHECK_RC(fm_mutex_unlock(NULL), -EINVAL);
	CHECK_RC(fm_event_set(NULL), -EINVAL);
	CHECK_RC(fm_event_reset(NULL), -EINVAL);
	CHECK_RC(fm_event_pulse(NULL), -EINVAL);
	CHECK_RC(fm_event_wait(NULL, 0), -EINVAL);
	CHECK_RC(fm_semaphore_release(NULL, 1, &prev), -EINVAL);
	CHECK_RC(fm_semaphore_wait(NULL, 0), -EINVAL);
	CHECK_RC(fm_sync_wait(NULL, 0), -EINVAL);
	CHECK_RC(fm_sync_type(NULL), -EINVAL);
	CHECK(fm_sync_name(NULL) == NULL);
	CHECK_RC(fm_sync_fd(NULL), -EINVAL);
	CHECK_RC(fm_sync_dup(NULL, m), -EINVAL);
	CHECK_RC(fm_sync_dup(&o, NULL), -EINVAL);
	CHECK_RC(fm_sync_adopt(NULL, 0), -EINVAL);
	CHECK(o == NULL); /* never written by a failure */
	fm_sync_close(NULL);
	fm_mutex_close(NULL);
	fm_event_close(NULL);
	fm_semaphore_close(NULL);
	CHECK_OK(fm_mutex_unlock(m));
	CHECK_OK(fm_mutex_unlock(m));
	fm_mutex_close(m);
}

static void need_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root to switch to uid %d", NOBODY);
}

/* As uid 65534: the 0666 Global\ mutex works, the 0600 one is refused. */
static int as_nobody(void *arg)
{
	fm_sync *m;

	(void)arg;
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		FAIL("cannot become uid %d: %s", NOBODY, strerror(errno));
	CHECK_OK(fm_mutex_open(&m, "Global\\shared"));
	CHECK_OK(fm_mutex_lock(m, LONG_WAIT));
	CHECK_OK(fm_mutex_unlock(m));
	fm_mutex_close(m);
	CHECK_FAIL(fm_event_open(&m, "Global\\private"), -EACCES, "fm_event_open", "Global\\private");
	CHECK_RC(fm_event_create(&m, "Global\\private", 0, NULL), -EACCES);
	return 0;
}

static void sync_modes(void)
{
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	fm_sync *shared, *priv, *o;

	need_root();
	CHECK_OK(fm_event_create(&priv, "Global\\private", 0, NULL));
	CHECK_INT_EQ(test_object_mode(store_file("global", "private")), 0600);
	opts.mode = 0666;
	CHECK_OK(fm_mutex_create(&shared, "Global\\shared", 0, &opts));
	CHECK_INT_EQ(test_object_mode(store_file("global", "shared")), 0666);
	CHECK_INT_EQ(test_in_child(as_nobody, NULL), 0);
	expect_free(shared);

	opts.mode = 01600;
	CHECK_FAIL(fm_mutex_create(&o, "Local\\m", 0, &opts), -EINVAL, "fm_mutex_create", "Local\\m");
	opts.mode = 010600;
	CHECK_RC(fm_semaphore_create(&o, "Local\\m", 0, 1, &opts), -EINVAL);
	opts.size = 0;
	opts.mode = 0;
	CHECK_RC(fm_mutex_create(&o, "Local\\m", 0, &opts), -EINVAL);
	CHECK_INT_EQ(test_store_count(), 2);
	fm_sync_close(shared);
	fm_sync_close(priv);
}

/* ------------------------------------------------------------------------
 * Damaged state in the store
 * ------------------------------------------------------------------------ */

/* Where field of o's state line (a struct layout) is in o's store file. */
#define STATE_AT(o, layout, field)                                                   \
	((o)->obj.hdr.header_size + fm__sync_state_offset((o)->type, (o)->obj.ino) + \
	 offsetof(layout, field))

/* Writes value (4 bytes) at offset of a Local\ object's store file. */
static void damage(const char *file, size_t offset, uint32_t value)
{
	int fd = open(local_file(file), O_WRONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK_INT_EQ(pwrite(fd, &value, sizeof(value), (off_t)offset), sizeof(value));
	close(fd);
}

/* An open of the damaged object: FM_ECORRUPT, naming it and the call. */
#define CHECK_CORRUPT(expr, call, name)                                      \
	do {                                                                 \
		CHECK_FAIL(expr, FM_ECORRUPT, call, name);                   \
		CHECK(strstr(fm_last_error_message(), "corrupt") != NULL);   \
	} while (0)

static void corrupt_semaphore(void)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;
	fm_sync *s, *o;

	CHECK_OK(fm_semaphore_create(&s, SEM, 1, 2, NULL));
	damage("semaphore", STATE_AT(s, struct fm__counter_state, word), 7); /* above its maximum */
	CHECK_CORRUPT(fm_semaphore_open(&o, SEM), "fm_semaphore_open", SEM);
	CHECK_CORRUPT(fm_semaphore_create(&o, SEM, 0, 1, NULL), "fm_semaphore_create", SEM);
	/* Damaged after this handle opened it. */
	CHECK_CORRUPT(fm_semaphore_release(s, 1, NULL), "fm_semaphore_release", SEM);
	CHECK_RC(fm_semaphore_wait(s, 0), FM_ECORRUPT);
	CHECK_RC(fm_semaphore_wait(s, 10 * MS), FM_ECORRUPT);
	CHECK_RC(fm_wait_any(&s, 1, 0, NULL), FM_ECORRUPT);
	CHECK_CORRUPT(fm_sync_query(&info, s), "fm_sync_query", SEM);
	damage("semaphore", STATE_AT(s, struct fm__counter_state, word), 0);
	damage("semaphore", STATE_AT(s, struct fm__counter_state, param), 0); /* a maximum of 0 */
	CHECK_CORRUPT(fm_semaphore_open(&o, SEM), "fm_semaphore_open", SEM);
	damage("semaphore", STATE_AT(s, struct fm__counter_state, param), 0x80000000u);
	CHECK_CORRUPT(fm_semaphore_open(&o, SEM), "fm_semaphore_open", SEM);
	/* Repaired, it works again. */
	damage("semaphore", STATE_AT(s, struct fm__counter_state, param), 2);
	CHECK_OK(fm_semaphore_open(&o, SEM));
	CHECK_OK(fm_semaphore_release(o, 2, NULL));
	CHECK_OK(fm_semaphore_wait(s, 0));
	fm_sync_close(o);
	fm_sync_close(s);
}

static void corrupt_event(void)
{
	fm_sync *e, *o;

	CHECK_OK(fm_event_create(&e, EVENT, 0, NULL));
	damage("event", STATE_AT(e, struct fm__counter_state, param), FM_EVENT_MANUAL_RESET | 4); /* unknown kind bits */
	CHECK_CORRUPT(fm_event_open(&o, EVENT), "fm_event_open", EVENT);
	CHECK_CORRUPT(fm_event_set(e), "fm_event_set", EVENT);
	CHECK_RC(fm_event_reset(e), FM_ECORRUPT);
	CHECK_RC(fm_event_pulse(e), FM_ECORRUPT);
	damage("event", STATE_AT(e, struct fm__counter_state, param), 0);
	damage("event", STATE_AT(e, struct fm__counter_state, word), 0xfffffff0u); /* tokens no set could leave */
	CHECK_CORRUPT(fm_event_open(&o, EVENT), "fm_event_open", EVENT);
	CHECK_RC(fm_event_set(e), FM_ECORRUPT);
	damage("event", STATE_AT(e, struct fm__counter_state, word), 0);
	CHECK_OK(fm_event_open(&o, EVENT));
	CHECK_OK(fm_event_set(o));
	CHECK_OK(fm_event_wait(e, 0));
	fm_sync_close(o);
	fm_sync_close(e);
}

static void corrupt_mutex(void)
{
	fm_sync *m, *o;
	size_t tag, word;
	uint32_t sound;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	tag = STATE_AT(m, struct fm__mutex_state, tag);
	word = STATE_AT(m, struct fm__mutex_state, word);
	sound = atomic_load(&m->mutex->tag);
	damage("mutex", tag, 0); /* not a mutex's state at all */
	CHECK_CORRUPT(fm_mutex_open(&o, MUTEX), "fm_mutex_open", MUTEX);
	CHECK_CORRUPT(fm_mutex_create(&o, MUTEX, 1, NULL), "fm_mutex_create", MUTEX);
	damage("mutex", tag, FM__STATE_TAG(FM__TYPE_EVENT)); /* another type's */
	CHECK_CORRUPT(fm_mutex_open(&o, MUTEX), "fm_mutex_open", MUTEX);
	damage("mutex", tag, sound);
	damage("mutex", word, 0x3fffffff); /* an owner no thread id can be */
	CHECK_CORRUPT(fm_mutex_open(&o, MUTEX), "fm_mutex_open", MUTEX);
	/* Damaged after this handle opened it. */
	CHECK_CORRUPT(fm_mutex_lock(m, 0), "fm_mutex_lock", MUTEX);
	CHECK_CORRUPT(fm_mutex_lock(m, 10 * MS), "fm_mutex_lock", MUTEX);
	CHECK_CORRUPT(fm_sync_wait(m, 10 * MS), "fm_sync_wait", MUTEX);
	CHECK_RC(fm_wait_any(&m, 1, 10 * MS, NULL), FM_ECORRUPT);
	damage("mutex", word, 0);
	CHECK_OK(fm_mutex_open(&o, MUTEX));
	CHECK_OK(fm_mutex_lock(o, 0));
	CHECK_OK(fm_mutex_unlock(m));
	fm_sync_close(o);
	fm_sync_close(m);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Helper: "open NAME" or "create NAME" a mutex, and says the result's name
 * and message ("SUCCESS" alone on success). */
static int mutex_opener(int argc, char **argv)
{
	fm_sync *m;
	int r;

	if (argc < 2)
		return 2;
	r = strcmp(argv[0], "create") == 0 ? fm_mutex_create(&m, argv[1], 0, NULL)
					   : fm_mutex_open(&m, argv[1]);
	test_say("%s %s", fm_errname(r), r < 0 ? fm_last_error_message() : "");
	if (r >= 0)
		fm_sync_close(m);
	return 0;
}

/* What the helper says for verb ("open", "create") of MUTEX. */
static const char *other_process(const char *verb)
{
	static char line[1024];
	int out;
	pid_t pid = test_spawn("mutex_opener", &out, verb, MUTEX, NULL);

	if (!test_read_line(out, line, sizeof(line)))
		FAIL("mutex_opener said nothing");
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	return line;
}

/* An object of another format version (format 1 kept a sync object's state
 * in its header) is refused, and the message says what it is: by another
 * process's open (one that holds it checked the header when it opened it,
 * and opens it again from what it holds). */
static void other_format_refused(void)
{
	size_t version = offsetof(struct fm__header, version);
	fm_sync *m, *o;
	const char *said;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 0, NULL));
	damage("mutex", version, 1);
	said = other_process("open");
	CHECK(strncmp(said, "FM_ECORRUPT fm_mutex_open: " MUTEX ": ", 28 + strlen(MUTEX)) == 0);
	CHECK(strstr(said, "older filemap") != NULL);
	damage("mutex", version, FM__FORMAT_VERSION + 1);
	said = other_process("create");
	CHECK(strncmp(said, "FM_ECORRUPT fm_mutex_create: ", 29) == 0);
	CHECK(strstr(said, "newer filemap") != NULL);
	damage("mutex", version, FM__FORMAT_VERSION);
	CHECK_STR_EQ(other_process("open"), "SUCCESS ");
	CHECK_OK(fm_mutex_open(&o, MUTEX));
	fm_sync_close(o);
	fm_sync_close(m);
}

/* ------------------------------------------------------------------------
 * Stress
 * ------------------------------------------------------------------------ */

#define STRESS_PROCS 4
#define STRESS_LOCKS 100000

/* Helper: STRESS_LOCKS times, lock, add one to the counter, unlock. */
static int counter(int argc, char **argv)
{
	volatile uint64_t *count;
	fm_section *s;
	fm_sync *m;
	int r = 0;

	(void)argc;
	(void)argv;
	if (fm_mutex_open(&m, MUTEX) < 0 || fm_section_open(&s, "Local\\counter", FM_WRITE) < 0 ||
	    fm_view_map((void **)&count, s, 0, 0, FM_WRITE) < 0) {
		test_say("%s", fm_last_error_message());
		return 1;
	}
	test_say("ready");
	for (int i = 0; i < STRESS_LOCKS && r == 0; i++) {
		r = fm_mutex_lock(m, LONG_WAIT);
		if (r == 0) {
			uint64_t v = *count;

			*count = v + 1;
			r = fm_mutex_unlock(m);
		}
	}
	test_say("%s", fm_errname(r));
	fm_view_unmap((void *)count);
	fm_section_close(s);
	fm_mutex_close(m);
	return 0;
}

static void stress_mutex_processes(void)
{
	int out[STRESS_PROCS];
	pid_t pid[STRESS_PROCS];
	uint64_t *count;
	fm_section *s;
	fm_sync *m;

	CHECK_OK(fm_mutex_create(&m, MUTEX, 1, NULL)); /* held until all are ready */
	CHECK_OK(fm_section_create(&s, "Local\\counter", sizeof(*count), NULL));
	count = test_map_whole(s, FM_WRITE);
	for (int i = 0; i < STRESS_PROCS; i++) {
		pid[i] = test_spawn("counter", &out[i], NULL);
		test_expect_line(out[i], "ready");
	}
	CHECK_OK(fm_mutex_unlock(m));
	for (int i = 0; i < STRESS_PROCS; i++) {
		test_expect_line(out[i], "SUCCESS");
		CHECK_INT_EQ(test_wait(pid[i]), 0);
		close(out[i]);
	}
	CHECK_INT_EQ(*count, (uint64_t)STRESS_PROCS * STRESS_LOCKS);
	expect_free(m);
	CHECK_OK(fm_view_unmap(count));
	fm_section_close(s);
	fm_sync_close(m);
}

#define ITEMS 20000 /* per producer */
#define SLOTS 8

/* Producers and consumers over a ring: a semaphore pair counts free and
 * full slots, a mutex guards the ring, each side takes both at once with
 * wait-all.  A lost wake shows as a wait that times out. */
struct ring {
	fm_sync *free_slots, *full_slots, *lock;
	uint64_t slot[SLOTS];
	unsigned head, tail;
	uint64_t consumed_sum;
	int failure;
	const char *what;
};

static void ring_fail(struct ring *g, int r, const char *what)
{
	if (r != 0 && !g->failure) {
		g->failure = r;
		g->what = what;
	}
}

static void *producer(void *arg)
{
	struct ring *g = arg;
	fm_sync *objs[2] = { g->free_slots, g->lock };

	for (uint64_t i = 1; i <= ITEMS && !g->failure; i++) {
		int r = fm_wait_all(objs, 2, LONG_WAIT, NULL);

		ring_fail(g, r, "producer wait");
		if (r)
			break;
		g->slot[g->head++ % SLOTS] = i;
		ring_fail(g, fm_mutex_unlock(g->lock), "producer unlock");
		ring_fail(g, fm_semaphore_release(g->full_slots, 1, NULL), "producer release");
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct ring *g = arg;
	fm_sync *objs[2] = { g->lock, g->full_slots };

	for (int i = 0; i < ITEMS && !g->failure; i++) {
		int r = fm_wait_all(objs, 2, LONG_WAIT, NULL);

		ring_fail(g, r, "consumer wait");
		if (r)
			break;
		g->consumed_sum += g->slot[g->tail++ % SLOTS];
		ring_fail(g, fm_mutex_unlock(g->lock), "consumer unlock");
		ring_fail(g, fm_semaphore_release(g->free_slots, 1, NULL), "consumer release");
	}
	return NULL;
}

/* Ping-pong over two auto-reset events. */
struct pingpong {
	fm_sync *ping, *pong;
	int failure;
};

static void *pinger(void *arg)
{
	struct pingpong *p = arg;

	for (int i = 0; i < ITEMS && !p->failure; i++) {
		int r = fm_event_set(p->ping);

		if (r == 0)
			r = fm_event_wait(p->pong, LONG_WAIT);
		if (r)
			p->failure = r;
	}
	return NULL;
}

static void *ponger(void *arg)
{
	struct pingpong *p = arg;

	for (int i = 0; i < ITEMS && !p->failure; i++) {
		int r = fm_event_wait(p->ping, LONG_WAIT);

		if (r == 0)
			r = fm_event_set(p->pong);
		if (r)
			p->failure = r;
	}
	return NULL;
}

static void stress_threads(void)
{
	struct ring g = { 0 };
	struct pingpong p = { 0 };
	pthread_t t[6];
	uint64_t expected = 2 * (uint64_t)ITEMS * (ITEMS + 1) / 2;

	CHECK_OK(fm_semaphore_create(&g.free_slots, NULL, SLOTS, SLOTS, NULL));
	CHECK_OK(fm_semaphore_create(&g.full_slots, NULL, 0, SLOTS, NULL));
	CHECK_OK(fm_mutex_create(&g.lock, NULL, 0, NULL));
	CHECK_OK(fm_event_create(&p.ping, NULL, 0, NULL));
	CHECK_OK(fm_event_create(&p.pong, NULL, 0, NULL));
	CHECK_INT_EQ(pthread_create(&t[0], NULL, producer, &g), 0);
	CHECK_INT_EQ(pthread_create(&t[1], NULL, producer, &g), 0);
	CHECK_INT_EQ(pthread_create(&t[2], NULL, consumer, &g), 0);
	CHECK_INT_EQ(pthread_create(&t[3], NULL, consumer, &g), 0);
	CHECK_INT_EQ(pthread_create(&t[4], NULL, pinger, &p), 0);
	CHECK_INT_EQ(pthread_create(&t[5], NULL, ponger, &p), 0);
	for (int i = 0; i < 6; i++)
		CHECK_INT_EQ(pthread_join(t[i], NULL), 0);
	if (g.failure)
		FAIL("%s: %s", g.what, fm_errname(g.failure));
	CHECK_OK(p.failure);
	CHECK_INT_EQ(g.consumed_sum, expected);
	CHECK_INT_EQ(g.head, 2 * ITEMS);
	CHECK_INT_EQ(g.tail, 2 * ITEMS);
	CHECK_INT_EQ(sem_count(g.free_slots), SLOTS);
	CHECK_INT_EQ(sem_count(g.full_slots), 0);
	expect_free(g.lock);
	CHECK_INT_EQ(signaled(p.ping), 0);
	CHECK_INT_EQ(signaled(p.pong), 0);
	fm_sync_close(p.pong);
	fm_sync_close(p.ping);
	fm_sync_close(g.lock);
	fm_sync_close(g.full_slots);
	fm_sync_close(g.free_slots);
}

/* ------------------------------------------------------------------------
 * Fault injection (as in test-faults.c)
 * ------------------------------------------------------------------------ */

/* Open descriptors, or mappings of store files (a sanitizer's own
 * mappings come and go, so only the store's count). */
static int proc_count(const char *what)
{
	char line[2048];
	int n = 0;
	FILE *f;

	if (strcmp(what, "fd") == 0) {
		for (int fd = 0; fd < 1024; fd++)
			n += fcntl(fd, F_GETFD) >= 0;
		return n;
	}
	f = fopen("/proc/self/maps", "re");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, test_root()) != NULL;
	fclose(f);
	return n;
}

/* A result under injection: success, or a failure with this call's message. */
static void check_result(int r, const char *call)
{
	if (r < 0)
		test_check_message(__FILE__, __LINE__, call, NULL);
}

typedef bool fault_step(long n);

static void for_each_fault(fault_step *step)
{
	fm_sync *warm;
	int fds, maps;
	long n;

	/* The namespace directory stays cached from here. */
	CHECK_OK(fm_event_create(&warm, "Local\\warm", 0, NULL));
	fm_sync_close(warm);
	fds = proc_count("fd");
	maps = proc_count("maps");
	for (n = 1; n < 1000; n++) {
		bool fired = step(n);

		if (test_store_count() != 0)
			FAIL("fault at call %ld left %d object(s) in the store", n, test_store_count());
		if (proc_count("fd") != fds)
			FAIL("fault at call %ld: %d descriptors open, %d before", n, proc_count("fd"),
			     fds);
		if (proc_count("maps") != maps)
			FAIL("fault at call %ld: %d mappings, %d before", n, proc_count("maps"), maps);
		if (!fired)
			break;
	}
	CHECK(n > 1 && n < 1000);
}

static bool create_mutex_at(long n, int owner)
{
	fm_sync *m;
	bool fired;
	int r;

	fm__os_fail_nth(n, EIO);
	r = fm_mutex_create(&m, MUTEX, owner, NULL);
	fired = fm__os_fail_remaining() == 0;
	check_result(r, "fm_mutex_create");
	if (r >= 0) {
		CHECK_OK(r);
		if (owner)
			expect_owned_by_me(m, 1);
		else
			CHECK_OK(fm_mutex_lock(m, 0));
		CHECK_OK(fm_mutex_unlock(m));
		fm_mutex_close(m);
	}
	return fired;
}

static bool step_mutex_create(long n)
{
	return create_mutex_at(n, 0);
}

static bool step_mutex_create_owned(long n)
{
	return create_mutex_at(n, 1);
}

static bool step_event_open(long n)
{
	fm_sync *held, *e;
	bool fired;
	int r;

	CHECK_OK(fm_event_create(&held, EVENT, 0, NULL));
	fm__os_fail_nth(n, EIO);
	r = fm_event_open(&e, EVENT);
	fired = fm__os_fail_remaining() == 0;
	check_result(r, "fm_event_open");
	if (r >= 0) {
		CHECK_OK(fm_event_set(e));
		CHECK_OK(fm_event_wait(held, 0));
		fm_event_close(e);
	}
	fm_event_close(held);
	return fired;
}

static bool step_sync_dup(long n)
{
	const char *call;
	fm_sync *held, *d;
	bool fired;
	int r;

	CHECK_OK(fm_semaphore_create(&held, SEM, 0, 1, NULL));
	fm__os_fail_nth(n, EMFILE);
	/* A duplicate opens nothing: its own descriptor number (a Win32
	 * handle's value) is the one call that can fail. */
	r = fm_sync_dup(&d, held);
	call = "fm_sync_dup";
	if (r == 0 && (r = fm_sync_fileno(d)) < 0) {
		call = "fm_sync_fileno";
		fm_sync_close(d);
	}
	r = r > 0 ? 0 : r;
	fired = fm__os_fail_remaining() == 0;
	check_result(r, call);
	if (r >= 0) {
		CHECK_OK(fm_semaphore_release(d, 1, NULL));
		CHECK_OK(fm_semaphore_wait(held, 0));
		fm_sync_close(d);
	}
	fm_sync_close(held);
	return fired;
}

static void fault_sync_calls(void)
{
	for_each_fault(step_mutex_create);
	for_each_fault(step_mutex_create_owned);
	for_each_fault(step_event_open);
	for_each_fault(step_sync_dup);
}

/* ------------------------------------------------------------------------
 * The cases
 * ------------------------------------------------------------------------ */

static const struct test_case cases[] = {
	TEST_CASE(mutex_create_existing),
	TEST_CASE(mutex_timeout_across_processes),
	TEST_CASE(mutex_recursion),
	TEST_CASE(mutex_ownership_per_thread),
	TEST_CASE(mutex_abandoned_by_exit),
	TEST_CASE(mutex_abandoned_by_kill_with_waiters),
	TEST_CASE(mutex_abandoned_by_thread),
	TEST_CASE(mutex_abandoned_in_waits),
	TEST_CASE(mutex_close_while_owned),
	TEST_CASE(mutex_wait_any_waiters_each_woken),
	TEST_CASE(mutex_waitv_waiters_each_woken),
	TEST_CASE(mutex_mixed_waiters_each_woken),
	TEST_CASE(mutex_handoff_alternates),
	TEST_CASE(mutex_handoff_in_wait_any),
	TEST_CASE(mutex_handoff_keeps_releaser_off),
	TEST_CASE(mutex_retake_after_waiting),
	TEST_CASE(mutex_alone_after_contention),
	TEST_CASE(mutex_owned_across_fork),
	TEST_CASE(event_auto_reset),
	TEST_CASE(event_initial_state_and_flags),
	TEST_CASE(event_auto_eight_threads),
	TEST_CASE(event_auto_eight_processes),
	TEST_CASE(event_manual_reset),
	TEST_CASE(event_pulse_manual),
	TEST_CASE(event_pulse_auto),
	TEST_CASE(event_wait_infinite),
	TEST_CASE(semaphore_counts),
	TEST_CASE(semaphore_release_wakes_processes),
	TEST_CASE(wait_any_lowest_index),
	TEST_CASE(wait_any_same_set_again),
	TEST_CASE(wait_all_all_or_nothing),
	TEST_CASE(wait_all_refuses_duplicates),
	TEST_CASE(wait_bad_arguments),
	TEST_CASE(wait_any_64_across_processes),
	TEST_CASE(namespace_types),
	TEST_CASE(namespace_lifetime),
	TEST_CASE(namespace_dup_after_name_replaced),
	TEST_CASE(namespace_unnamed),
	TEST_CASE(adopt_across_exec),
	TEST_CASE(query_and_null_arguments),
	TEST_CASE(sync_modes),
	TEST_CASE(corrupt_semaphore),
	TEST_CASE(corrupt_event),
	TEST_CASE(corrupt_mutex),
	TEST_CASE(other_format_refused),
	TEST_CASE(stress_mutex_processes),
	TEST_CASE(stress_threads),
	TEST_CASE(fault_sync_calls),
};

static const struct test_helper helpers[] = {
	{ "agent", agent_main },
	TEST_HELPER(adopter),
	TEST_HELPER(mutex_opener),
	TEST_HELPER(counter),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
