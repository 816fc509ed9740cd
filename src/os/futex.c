/* SPDX-License-Identifier: MIT */
/*
 * futex.c - the futex calls of os.h, on Linux, and the thread's id and
 * robust-futex list that go with them.
 *
 * Every word is in a MAP_SHARED file mapping that other processes map at
 * other addresses, so every call is a shared futex (no FUTEX_PRIVATE_FLAG):
 * the kernel keys it by the file's inode and offset.
 */
#define _GNU_SOURCE
#include "os.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#endif

int fm__os_futex_wait(const _Atomic uint32_t *word, uint32_t expected,
		      const struct timespec *deadline)
{
	long r;

	/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so a
	 * retry after EINTR needs no recomputation. */
	do
		r = syscall(SYS_futex, word, FUTEX_WAIT_BITSET, expected, deadline, NULL,
			    FUTEX_BITSET_MATCH_ANY);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}

int fm__os_futex_wake(const _Atomic uint32_t *word, int n)
{
	long r = syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);

	return r < 0 ? -errno : (int)r;
}

int fm__os_futex_waitv(const _Atomic uint32_t *const words[], const uint32_t expected[],
		       size_t count, const struct timespec *deadline)
{
	struct futex_waitv waiters[64];
	long r;

	if (count > sizeof(waiters) / sizeof(waiters[0]))
		return -EINVAL;
	for (size_t i = 0; i < count; i++)
		waiters[i] = (struct futex_waitv){
			.val = expected[i],
			.uaddr = (uintptr_t)words[i],
			.flags = FUTEX2_SIZE_U32,
		};
	do
		r = syscall(SYS_futex_waitv, waiters, (unsigned)count, 0, deadline,
			    CLOCK_MONOTONIC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return (int)r;
}

int32_t fm__os_gettid(void)
{
	return (int32_t)syscall(SYS_gettid);
}

bool fm__os_thread_exists(int32_t pid, int32_t tid)
{
	return syscall(SYS_tgkill, pid, tid, 0) == 0 || errno != ESRCH;
}

struct robust_list_head *fm__os_robust_list(void)
{
	struct robust_list_head *head = NULL;
	size_t len = 0;

	if (syscall(SYS_get_robust_list, 0, &head, &len) < 0 || len != sizeof(*head))
		return NULL;
	return head;
}

int fm__os_set_robust_list(struct robust_list_head *head)
{
	return syscall(SYS_set_robust_list, head, sizeof(*head)) < 0 ? -errno : 0;
}

uint64_t fm__os_random64(void)
{
	struct timespec now;
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	clock_gettime(CLOCK_MONOTONIC, &now);
	v = (uint64_t)now.tv_nsec ^ ((uint64_t)now.tv_sec << 30) ^ ((uint64_t)getpid() << 40) ^
	    (uint64_t)(uintptr_t)&now;
	return v * 0x9E3779B97F4A7C15ull;
}
