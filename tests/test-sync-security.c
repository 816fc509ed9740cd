/* SPDX-License-Identifier: MIT */
/*
 * test-sync-security.c - what a co-holder of a mutex can and cannot do to
 * the other holders, and mutual exclusion across PID namespaces.
 *
 * The attacker is another user (uid 65534, in a forked child of the root
 * test) that holds the same Global\ mutex, made 0666 so that it may, and
 * writes chosen values into the state page through its own mapping: as a
 * pointer would be (a wild address, the address of the victim's stack),
 * as a futex word would be (waiters and no owner, the victim's own thread
 * id).  The victim must not crash, spin past its timeout, leak, or come to
 * believe that it owns the mutex; FM_ECORRUPT is its answer where the
 * state can no longer be right.
 *
 * Then two processes in two new PID namespaces, where each is process 1
 * and so has the same thread id, lock one mutex 100,000 times each and are
 * never inside together; and the death of an owner in one namespace is
 * reported in the other.
 *
 * Every case needs root (to switch uid, to make PID namespaces) and says
 * so when it is skipped.
 */
#define _GNU_SOURCE
#include "harness.h"

#include "sync.h"

#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MS         1000000ull
#define LONG_WAIT  (20000 * MS)
#define NOBODY     65534
#define SHARED     "Global\\victim"
#define NS_LOCKS   100000

/* ------------------------------------------------------------------------
 * The attacker
 * ------------------------------------------------------------------------ */

static void need_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root, to act as uid %d or to make PID namespaces", NOBODY);
}

/* All of o's state page, as this process maps it: every byte a co-holder
 * can write. */
static uint32_t *state_page(fm_sync *o)
{
	return (uint32_t *)((uintptr_t)o->state & ~(uintptr_t)(fm_page_size() - 1));
}

/* The 4-byte word index of the mutex word in its page. */
static size_t word_index(fm_sync *o)
{
	return (size_t)((uint32_t *)o->word - state_page(o));
}

struct poke {
	size_t at;      /* 4-byte word index in the state page */
	uint64_t value; /* written as 4 or 8 bytes */
	int width;
};

/* As uid 65534: opens the shared mutex and writes the value. */
static int attacker(void *arg)
{
	const struct poke *p = arg;
	uint32_t *page;
	fm_sync *m;

	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 10;
	if (fm_mutex_open(&m, SHARED) < 0)
		return 11;
	page = state_page(m);
	if ((p->at + (size_t)p->width / 4) * 4 > fm_page_size())
		return 12;
	if (p->width == 8)
		memcpy(&page[p->at], &p->value, 8);
	else
		atomic_store((_Atomic uint32_t *)&page[p->at], (uint32_t)p->value);
	fm_mutex_close(m);
	return 0;
}

static void poke(size_t at, uint64_t value, int width)
{
	struct poke p = { at, value, width };

	CHECK_INT_EQ(test_in_child(attacker, &p), 0);
}

/* A mutex of root's that uid 65534 may open (and so write). */
static fm_sync *shared_mutex(void)
{
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	fm_sync *m;

	opts.mode = 0666;
	CHECK_OK(fm_mutex_create(&m, SHARED, 0, &opts));
	return m;
}

/* ------------------------------------------------------------------------
 * Attacks
 * ------------------------------------------------------------------------ */

struct round {
	size_t at;
	uint64_t value; /* 0: the address of the victim's own stack */
};

/* The victim owns the mutex while the co-holder writes; its unlock must
 * not crash, nor write where the state says. */
static int victim_round(void *arg)
{
	const struct round *rd = arg;
	volatile uint64_t canary = 0x1122334455667788ull;
	fm_sync *m;
	int r;

	if (fm_mutex_open(&m, SHARED) < 0 || fm_mutex_lock(m, 0) != 0)
		return 2;
	poke(rd->at, rd->value ? rd->value : (uint64_t)(uintptr_t)&canary, 8);
	r = fm_mutex_unlock(m);
	if (r != 0 && r != FM_ECORRUPT)
		return 5;
	fm_mutex_close(m);
	return canary == 0x1122334455667788ull ? 0 : 6;
}

/*
 * Each 8 bytes of the state page, in turn, while the victim owns the
 * mutex: a wild pointer, then the victim's stack address.  Today's
 * glibc mutex kept its robust-list links there, and the owner's unlock
 * followed them (a segfault, or a write into its own stack).
 */
static void attack_rewrites_state_while_owned(void)
{
	size_t words;
	fm_sync *m;

	need_root();
	m = shared_mutex();
	words = fm_page_size() / 4;
	for (size_t at = 0; at + 2 <= words; at += 2)
		for (int v = 0; v < 2; v++) {
			struct round rd = { at, v ? 0x4141414141414141ull : 0 };
			int r = test_in_child(victim_round, &rd);

			if (r != 0)
				FAIL("the owner's unlock after a co-holder wrote %s at state byte %zu: exit %d",
				     v ? "0x4141..." : "a stack address", at * 4, r);
			/* A fresh mutex for the next round. */
			fm_mutex_close(m);
			m = shared_mutex();
		}
	fm_mutex_close(m);
}

/* FUTEX_WAITERS and no owner: a free mutex that says it has waiters.  The
 * waits take it, or time out; none spins past its time. */
static void attack_waiters_without_owner(void)
{
	fm_sync *m, *e, *objs[2];
	size_t index = 9;

	need_root();
	m = shared_mutex();
	CHECK_OK(fm_event_create(&e, NULL, 0, NULL));
	poke(word_index(m), FUTEX_WAITERS, 4);
	objs[0] = m;
	objs[1] = e;
	CHECK_OK(fm_wait_any(objs, 2, 100 * MS, &index));
	CHECK_INT_EQ(index, 0);
	CHECK_RC(fm_wait_all(objs, 2, 100 * MS, &index), -ETIMEDOUT);
	CHECK_OK(fm_mutex_unlock(m));
	poke(word_index(m), FUTEX_WAITERS | FUTEX_OWNER_DIED, 4);
	CHECK_RC(fm_mutex_lock(m, 100 * MS), FM_ABANDONED);
	CHECK_OK(fm_mutex_unlock(m));
	fm_event_close(e);
	fm_mutex_close(m);
}

/* The mappings of objects: of store files, and of segments (the state of
 * a Global\ object other users may open, as SHARED is). */
static int store_mappings(void)
{
	char line[2048];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, test_root()) != NULL || strstr(line, "/SYSV") != NULL;
	fclose(f);
	return n;
}

/* The victim's own thread id in the word: it does not own the mutex for
 * that, and its handles still unmap when closed (today's close kept the
 * page of a mutex "owned" by the calling thread: 65,000 cycles and mmap
 * failed). */
static void attack_victims_tid_in_word(void)
{
	fm_sync *m, *o;
	int before;

	need_root();
	m = shared_mutex();
	poke(word_index(m), (uint32_t)gettid(), 4);
	before = store_mappings();
	CHECK(before > 0);
	for (int i = 0; i < 1000; i++) {
		CHECK_OK(fm_mutex_open(&o, SHARED));
		fm_mutex_close(o);
	}
	CHECK_INT_EQ(store_mappings(), before);
	CHECK_RC(fm_mutex_unlock(m), -EPERM);
	CHECK_RC(fm_mutex_trylock(m), -EBUSY);
	CHECK_RC(fm_mutex_lock(m, 10 * MS), -ETIMEDOUT);
	fm_mutex_close(m);
}

static int lock_on_thread(void *m)
{
	return fm_mutex_trylock(m);
}

static void *lock_main(void *arg)
{
	return (void *)(intptr_t)lock_on_thread(arg);
}

/* The word made free while the victim owns the mutex: no second thread of
 * the victim's takes it as well, and the owner's unlock reports that the
 * state changed under it; a word handed to someone else likewise. */
static void attack_forged_free_while_owned(void)
{
	pthread_t t;
	void *r;
	fm_sync *m;

	need_root();
	m = shared_mutex();
	CHECK_OK(fm_mutex_lock(m, 0));
	poke(word_index(m), 0, 4);
	CHECK_INT_EQ(pthread_create(&t, NULL, lock_main, m), 0);
	CHECK_INT_EQ(pthread_join(t, &r), 0);
	CHECK_RC((int)(intptr_t)r, FM_ECORRUPT);
	CHECK_OK(fm_mutex_lock(m, 0)); /* still ours: recursion */
	CHECK_OK(fm_mutex_unlock(m));
	poke(word_index(m), 1, 4); /* given to thread 1 */
	CHECK_RC(fm_mutex_unlock(m), FM_ECORRUPT);
	CHECK_RC(fm_mutex_unlock(m), -EPERM);
	CHECK_RC(fm_mutex_trylock(m), -EBUSY);
	fm_mutex_close(m);
}

/* ------------------------------------------------------------------------
 * PID namespaces
 * ------------------------------------------------------------------------ */

struct ns_shared {
	_Atomic int ready, go;
	_Atomic int inside, overlaps;
	_Atomic long count;
	_Atomic int step; /* the owner-death part */
	_Atomic int abandoned;
};

/* In a new PID namespace, as its process 1: the lock loop; then part
 * (1: lock and die; 2: then lock and tell). */
static int ns_member(struct ns_shared *sh, int part)
{
	fm_sync *m;

	if (getpid() != 1 || fm_mutex_open(&m, "Local\\ns") < 0)
		return 20;
	atomic_fetch_add(&sh->ready, 1);
	while (!atomic_load(&sh->go))
		sched_yield();
	for (int i = 0; i < NS_LOCKS; i++) {
		int r = fm_mutex_lock(m, LONG_WAIT);

		if (r != 0)
			return 21;
		if (atomic_fetch_add(&sh->inside, 1) != 0)
			atomic_fetch_add(&sh->overlaps, 1);
		atomic_store(&sh->count, atomic_load(&sh->count) + 1);
		atomic_fetch_sub(&sh->inside, 1);
		if (fm_mutex_unlock(m) != 0)
			return 22;
	}
	atomic_fetch_add(&sh->step, 1);
	while (atomic_load(&sh->step) < 2)
		sched_yield();
	if (part == 1) {
		if (fm_mutex_lock(m, LONG_WAIT) != 0)
			return 23;
		atomic_store(&sh->step, 3);
		_exit(0); /* owning it */
	}
	while (atomic_load(&sh->step) < 3)
		sched_yield();
	atomic_store(&sh->abandoned, fm_mutex_lock(m, LONG_WAIT) == FM_ABANDONED);
	return fm_mutex_unlock(m) == 0 ? 0 : 24;
}

/* A child that makes a PID namespace, and its process 1 the member. */
static pid_t ns_spawn(struct ns_shared *sh, int part)
{
	pid_t pid, inner;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;
	if (unshare(CLONE_NEWPID) < 0)
		_exit(30);
	inner = fork();
	if (inner == 0)
		_exit(ns_member(sh, part));
	if (inner < 0)
		_exit(31);
	while (waitpid(inner, &status, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static void pid_namespaces_exclude(void)
{
	struct ns_shared *sh;
	fm_sync *m;
	pid_t a, b;

	need_root();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	CHECK_OK(fm_mutex_create(&m, "Local\\ns", 0, NULL));
	a = ns_spawn(sh, 1);
	b = ns_spawn(sh, 2);
	for (int i = 0; i < 20000 && atomic_load(&sh->ready) < 2; i++)
		usleep(1000);
	CHECK_INT_EQ(atomic_load(&sh->ready), 2);
	atomic_store(&sh->go, 1);
	while (atomic_load(&sh->step) < 2)
		usleep(1000);
	CHECK_INT_EQ(atomic_load(&sh->overlaps), 0);
	CHECK_INT_EQ(atomic_load(&sh->count), 2 * NS_LOCKS);
	CHECK_INT_EQ(test_wait(a), 0);
	CHECK_INT_EQ(test_wait(b), 0);
	CHECK_INT_EQ(atomic_load(&sh->abandoned), 1);
	munmap(sh, sizeof(*sh));
	fm_mutex_close(m);
}

static const struct test_case cases[] = {
	TEST_CASE(attack_rewrites_state_while_owned),
	TEST_CASE(attack_waiters_without_owner),
	TEST_CASE(attack_victims_tid_in_word),
	TEST_CASE(attack_forged_free_while_owned),
	TEST_CASE(pid_namespaces_exclude),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
