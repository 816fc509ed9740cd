/* SPDX-License-Identifier: MIT */
/*
 * robust.c - the process and its threads as mutex owners: the process's
 * token, each thread's cached id, and the robust-futex lists through which
 * the kernel reports an owner's death (the list operations themselves are
 * inline, in robust.h).
 *
 * When a thread exits, also on SIGKILL, the kernel walks the list of robust
 * futexes the thread registered (set_robust_list) and, for each entry whose
 * futex word holds the thread's id, sets FUTEX_OWNER_DIED and wakes a
 * waiter.  There is one list head per thread, and glibc registers its own
 * for its robust pthread mutexes: we link our entries into that same list,
 * in glibc's layout, so that both keep working.  An entry is a node
 * {prev, next}; the list links the addresses of the next fields (the head
 * counting as a node whose prev is the word before it); an entry's futex
 * word is at node + futex_offset, -32 for glibc.
 *
 * glibc's own nodes live inside the pthread_mutex_t, wherever the mutex
 * is; in a shared page, any co-holder could rewrite them and make the
 * owner's unlock write where it chose.  Ours live in a page private to the
 * process, mapped right after the state page, exactly 32 bytes after the
 * word (sync.h): nothing another process can write is ever followed as a
 * pointer.  list_op_pending covers the moment between taking the word and
 * linking the node, and between unlinking it and releasing the word: the
 * kernel looks at that entry too.
 *
 * A thread that ends owning mutexes (pthread_exit, or returning from its
 * start routine) runs our key's destructor first, which abandons them as
 * the kernel would (sync-map.c), so that their nodes are unlinked before
 * their mapping may go.  A process that dies is left to the kernel.
 */
#define _GNU_SOURCE
#include "sync.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* glibc's futex_offset, which the layout of sync.h is built for. */
#define FUTEX_OFFSET (-32L)
_Static_assert(64 - offsetof(struct fm__mutex_state, word) +
			       offsetof(struct fm__mutex_local, next) == -FUTEX_OFFSET,
	       "the node is futex_offset after the word");

struct fm__self fm__self_data;
_Atomic bool fm__self_ready;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

__thread struct fm__thread fm__me __attribute__((tls_model("initial-exec")));

/* A list head of our own, for a thread that has none (glibc registers one
 * for every thread; this is for a C library that does not).  The word
 * before a head is its node's prev, as in glibc's thread descriptor. */
static __thread __attribute__((tls_model("initial-exec"))) struct {
	void *prev;
	struct robust_list_head head;
} own;

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static void new_self(void)
{
	do
		fm__self_data.token = fm__os_random64();
	while (fm__self_data.token == 0);
	fm__self_data.pid = (int32_t)getpid();
}

static void init_self(void)
{
	new_self();
	atomic_store(&fm__self_ready, true);
}

void fm__self_init(void)
{
	pthread_once(&self_once, init_self);
}

static uint32_t ident_of(uint64_t token, int32_t tid)
{
	uint64_t x = token ^ ((uint64_t)(uint32_t)tid * 0x9E3779B97F4A7C15ull);

	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 32;
	return (uint32_t)x | 1u;
}

/* The calling thread's list head, registering one if it has none; NULL if
 * its futex_offset is not the one our nodes are placed for. */
static struct robust_list_head *find_head(void)
{
	struct robust_list_head *head = fm__os_robust_list();

	if (!head) {
		own.head.list.next = &own.head.list;
		own.head.futex_offset = FUTEX_OFFSET;
		own.head.list_op_pending = NULL;
		if (fm__os_set_robust_list(&own.head) == 0)
			head = &own.head;
	}
	return head && head->futex_offset == FUTEX_OFFSET ? head : NULL;
}

struct fm__thread *fm__thread_setup(void)
{
	fm__me.tid = fm__os_gettid();
	fm__me.ident = ident_of(fm__self()->token, fm__me.tid);
	fm__me.head = find_head();
	return &fm__me;
}

static void thread_ends(void *arg)
{
	(void)arg;
	fm__sync_map_thread_ends(fm__me.tid);
	free(fm__me.wait_memo);
	fm__me.wait_memo = NULL;
}

static void make_exit_key(void)
{
	pthread_key_create(&exit_key, thread_ends);
}

/* Arms the thread-end hook, once per thread: a thread that owns a mutex
 * must let go of it before it ends. */
void fm__thread_arm_exit_hook(struct fm__thread *t)
{
	pthread_once(&exit_key_once, make_exit_key);
	t->exit_hook = pthread_setspecific(exit_key, t) == 0;
}

void fm__robust_forked(void)
{
	int32_t parent_tid = fm__me.tid;

	/* First out of the list the child's thread inherited, then anew. */
	fm__sync_map_forked(parent_tid);
	if (atomic_load(&fm__self_ready))
		new_self();
	fm__me.tid = 0;
	if (parent_tid)
		fm__thread_setup();
}
