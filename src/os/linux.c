/* SPDX-License-Identifier: MIT */
/*
 * linux.c - the platform contract of os.h, on Linux.
 *
 * Each wrapper returns its result or -errno.  Those that can be interrupted
 * without having done anything (close excepted: Linux closes the descriptor
 * even when close reports EINTR) are retried on EINTR.  All of them first ask
 * the fault injector whether this call is the one a test wants to fail.
 */
#define _GNU_SOURCE
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/uio.h>
#include <unistd.h>

/* Calls left before the injected failure; 0 means disarmed. */
static _Atomic long fail_countdown;
static _Atomic int fail_errno;

void fm__os_fail_nth(long nth, int err)
{
	atomic_store(&fail_errno, err);
	atomic_store(&fail_countdown, nth);
}

long fm__os_fail_remaining(void)
{
	return atomic_exchange(&fail_countdown, 0);
}

/* Returns -err when this call is the injected failure, else 0. */
static int injected(void)
{
	if (atomic_load_explicit(&fail_countdown, memory_order_relaxed) == 0)
		return 0;
	if (atomic_fetch_sub(&fail_countdown, 1) == 1)
		return -atomic_load(&fail_errno);
	return 0;
}

#define INJECT()                     \
	do {                         \
		int fault_ = injected(); \
		if (fault_)          \
			return fault_; \
	} while (0)

/* Runs a call that returns -1 and sets errno on failure, retrying EINTR. */
#define RETRY(expr)                                    \
	do {                                           \
		long r_;                               \
		INJECT();                              \
		do                                     \
			r_ = (long)(expr);             \
		while (r_ < 0 && errno == EINTR);      \
		return r_ < 0 ? -errno : r_;           \
	} while (0)

int fm__os_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	RETRY(openat(dirfd, path, flags | O_CLOEXEC, mode));
}

int fm__os_close(int fd)
{
	int fault = injected();

	/* No retry: on Linux the descriptor is gone even after EINTR (or any
	 * other error), so an injected failure must close it too. */
	if (close(fd) < 0 && errno != EINTR && !fault)
		return -errno;
	return fault;
}

int fm__os_fstat(int fd, struct stat *st)
{
	RETRY(fstat(fd, st));
}

int fm__os_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	RETRY(fstatat(dirfd, path, st, flags));
}

int fm__os_flock(int fd, int op)
{
	RETRY(flock(fd, op));
}

int fm__os_ftruncate(int fd, uint64_t size)
{
	RETRY(ftruncate(fd, (off_t)size));
}

int fm__os_fallocate(int fd, uint64_t offset, uint64_t len)
{
	RETRY(fallocate(fd, 0, (off_t)offset, (off_t)len));
}

int fm__os_fallocate_keep_size(int fd, uint64_t offset, uint64_t len)
{
	RETRY(fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)len));
}

int64_t fm__os_seek(int fd, uint64_t offset, int whence)
{
	RETRY(lseek(fd, (off_t)offset, whence));
}

int fm__os_dup(int fd)
{
	RETRY(fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

int fm__os_dup3(int oldfd, int newfd)
{
	RETRY(dup3(oldfd, newfd, O_CLOEXEC));
}

int fm__os_setfd_cloexec(int fd)
{
	RETRY(fcntl(fd, F_SETFD, FD_CLOEXEC));
}

int fm__os_fdatasync(int fd)
{
	RETRY(fdatasync(fd));
}

int fm__os_getfl(int fd)
{
	RETRY(fcntl(fd, F_GETFL));
}

ssize_t fm__os_pread(int fd, void *buf, size_t len, uint64_t offset)
{
	RETRY(pread(fd, buf, len, (off_t)offset));
}

ssize_t fm__os_pread2(int fd, void *a, size_t alen, void *b, size_t blen, uint64_t offset)
{
	struct iovec iov[2] = { { a, alen }, { b, blen } };

	RETRY(preadv(fd, iov, blen ? 2 : 1, (off_t)offset));
}

ssize_t fm__os_pwrite2(int fd, const void *a, size_t alen, const void *b, size_t blen,
		       uint64_t offset)
{
	struct iovec iov[2] = { { (void *)a, alen }, { (void *)b, blen } };

	RETRY(pwritev(fd, iov, blen ? 2 : 1, (off_t)offset));
}

int fm__os_fchmod(int fd, mode_t mode)
{
	RETRY(fchmod(fd, mode));
}

int fm__os_mkdirat(int dirfd, const char *path, mode_t mode)
{
	RETRY(mkdirat(dirfd, path, mode));
}

/* /proc/self/fd/N names the open file itself, even once it is unlinked. */
static void proc_fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * Gives the unnamed (O_TMPFILE) file open at fd the name dirfd/name.
 * Fails with -EEXIST when the name is taken: linkat never replaces.
 *
 * Linux 6.10 and later let the process that opened a file link it by its
 * descriptor (AT_EMPTY_PATH); older kernels allow that only with
 * CAP_DAC_READ_SEARCH and otherwise say ENOENT.  Then the file is linked
 * by /proc/self/fd/N, a walk through procfs that costs about 2 us more,
 * and the process does so from then on.
 */
int fm__os_linkat_fd(int fd, int dirfd, const char *name)
{
	static _Atomic bool by_proc;
	bool tried = false;
	char path[64];
	int r;

	INJECT();
	if (!atomic_load_explicit(&by_proc, memory_order_relaxed)) {
		do
			r = linkat(fd, "", dirfd, name, AT_EMPTY_PATH);
		while (r < 0 && errno == EINTR);
		if (r == 0 || errno != ENOENT)
			return r == 0 ? 0 : -errno;
		tried = true;
	}
	proc_fd_path(path, sizeof(path), fd);
	do
		r = linkat(AT_FDCWD, path, dirfd, name, AT_SYMLINK_FOLLOW);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	/* ENOENT by descriptor, success by path: the kernel refused the
	 * former (a directory removed meanwhile fails both). */
	if (tried)
		atomic_store_explicit(&by_proc, true, memory_order_relaxed);
	return 0;
}

/*
 * Opens the file open at fd again, as a new open file description (with
 * its own flock state), even if the file has no name any more.
 */
int fm__os_reopen(int fd, int flags)
{
	char path[64];

	proc_fd_path(path, sizeof(path), fd);
	RETRY(open(path, flags | O_CLOEXEC));
}

int fm__os_fd_path(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	INJECT();
	proc_fd_path(path, sizeof(path), fd);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= len - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

int fm__os_unlinkat(int dirfd, const char *path, int flags)
{
	RETRY(unlinkat(dirfd, path, flags));
}

int fm__os_rename_noreplace(int dirfd, const char *from, const char *to)
{
	RETRY(renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE));
}

int fm__os_mmap(void **out, void *addr, size_t len, int prot, int flags, int fd,
		uint64_t offset)
{
	void *p;

	INJECT();
	p = mmap(addr, len, prot, flags, fd, (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	*out = p;
	return 0;
}

int fm__os_munmap(void *addr, size_t len)
{
	INJECT();
	return munmap(addr, len) < 0 ? -errno : 0;
}

int fm__os_msync(void *addr, size_t len, int flags)
{
	RETRY(msync(addr, len, flags));
}

int fm__os_mprotect(void *addr, size_t len, int prot)
{
	INJECT();
	return mprotect(addr, len, prot) < 0 ? -errno : 0;
}

int fm__os_madvise(void *addr, size_t len, int advice)
{
	RETRY(madvise(addr, len, advice));
}

int fm__os_mincore(const void *addr, size_t len, unsigned char *vec)
{
	RETRY(mincore((void *)addr, len, vec));
}

int fm__os_mremap(void **out, void *old, size_t old_len, size_t new_len, int flags,
		  void *new_addr)
{
	void *p;

	INJECT();
	p = mremap(old, old_len, new_len, flags, new_addr);
	if (p == MAP_FAILED)
		return -errno;
	*out = p;
	return 0;
}

int fm__os_shmget(int key, size_t size, int flags)
{
	RETRY(shmget((key_t)key, size, flags));
}

int fm__os_shmat(void **out, int id, int flags)
{
	void *p;

	INJECT();
	p = shmat(id, NULL, flags);
	if (p == (void *)-1)
		return -errno;
	*out = p;
	return 0;
}

int fm__os_shmctl(int id, int cmd, struct shmid_ds *ds)
{
	RETRY(shmctl(id, cmd, ds));
}
