/* SPDX-License-Identifier: MIT */
/*
 * robust.h - the process, its threads, and their robust-futex lists
 * (robust.c): what a mutex's fast path needs, inline, since a lock and an
 * unlock use each of these.  Nothing here is public.
 */
#ifndef FM_ROBUST_H
#define FM_ROBUST_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* What identifies this process to other holders; new in a fork child. */
struct fm__self {
	uint64_t token; /* random, never 0: tells processes apart across PID
			 * namespaces, where thread ids repeat */
	int32_t pid;    /* getpid(), cached */
};

extern struct fm__self fm__self_data;
extern _Atomic bool fm__self_ready;
void fm__self_init(void);

static inline const struct fm__self *fm__self(void)
{
	if (__builtin_expect(!atomic_load_explicit(&fm__self_ready, memory_order_acquire), 0))
		fm__self_init();
	return &fm__self_data;
}

/* What the library keeps per thread. */
struct fm__thread {
	int32_t tid;     /* gettid(), cached; 0 until set up */
	uint32_t ident;  /* this thread in a mutex's hand-off marker, never 0 */
	/* The kernel's robust-futex list of this thread (glibc's), or NULL
	 * if its layout is not the one this library links into. */
	struct robust_list_head *head;
	bool exit_hook;  /* the thread-end hook is armed */
	/* The thread's last wait-any set (wait.c): malloc'd, or NULL; freed
	 * as the thread ends. */
	struct fm__wait_memo *wait_memo;
};

extern __thread struct fm__thread fm__me __attribute__((tls_model("initial-exec")));
struct fm__thread *fm__thread_setup(void);
void fm__thread_arm_exit_hook(struct fm__thread *t);

/* The calling thread, set up on first use. */
static inline struct fm__thread *fm__thread(void)
{
	if (__builtin_expect(fm__me.tid != 0, 1))
		return &fm__me;
	return fm__thread_setup();
}

/*
 * The robust-list operations on the calling thread's list, in glibc's
 * protocol: pending(node) before taking or releasing a mutex (the kernel
 * finishes that operation if the thread dies in it), pending(NULL) after;
 * link a node once the mutex is taken, unlink it before it is released.
 * A node is {prev, next}; the list links the addresses of next fields,
 * and the head counts as a node whose prev is the word before it.  The
 * kernel reads the list only when the thread dies, so compiler barriers
 * keep these stores in order with the word's atomics around them.
 */
static inline void fm__robust_pending(struct fm__thread *t, void *node)
{
	atomic_signal_fence(memory_order_seq_cst);
	t->head->list_op_pending = node;
	atomic_signal_fence(memory_order_seq_cst);
}

static inline void fm__robust_link(struct fm__thread *t, void *node)
{
	void **n = node, *first = t->head->list.next;
	void **f = (void **)((uintptr_t)first & ~(uintptr_t)1);

	if (__builtin_expect(!t->exit_hook, 0))
		fm__thread_arm_exit_hook(t);
	f[-1] = node;
	n[0] = first;
	n[-1] = &t->head->list;
	/* The node is complete before the list leads to it. */
	atomic_signal_fence(memory_order_seq_cst);
	t->head->list.next = node;
}

static inline void fm__robust_unlink(void *node)
{
	void **n = node;
	void **next = (void **)((uintptr_t)n[0] & ~(uintptr_t)1);
	void **prev = (void **)((uintptr_t)n[-1] & ~(uintptr_t)1);

	next[-1] = n[-1];
	prev[0] = n[0];
	/* Out of the list before the node's own links go. */
	atomic_signal_fence(memory_order_seq_cst);
	n[-1] = NULL;
	n[0] = NULL;
}

/* In a fork child (global.c, the global lock held): forgets the parent's
 * mutex ownership (fm__sync_map_forked), then takes a new token and pid
 * and the child's own thread id. */
void fm__robust_forked(void);

#endif /* FM_ROBUST_H */
