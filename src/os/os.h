/* SPDX-License-Identifier: MIT */
/*
 * os.h - the platform contract: every system call the core makes.
 *
 * The core never calls the kernel directly.  It calls these wrappers, which
 * return the result or -errno (never leaving errno as the answer), retry
 * EINTR where a retry is right, and pass through one table, fm__os, so that
 * tests can make the Nth call fail (fm__os_fail_nth) and prove that every
 * failure path cleans up.  A port to another kernel replaces linux.c.
 */
#ifndef FM_OS_H
#define FM_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

int fm__os_openat(int dirfd, const char *path, int flags, mode_t mode);
int fm__os_close(int fd);
int fm__os_fstat(int fd, struct stat *st);
int fm__os_fstatat(int dirfd, const char *path, struct stat *st, int flags);
int fm__os_flock(int fd, int op);
int fm__os_ftruncate(int fd, uint64_t size);
/* Allocates [offset, offset + len), growing the file to its end (mode 0). */
int fm__os_fallocate(int fd, uint64_t offset, uint64_t len);
/* Allocates [offset, offset + len) without changing the file's size. */
int fm__os_fallocate_keep_size(int fd, uint64_t offset, uint64_t len);
/* The next offset at or after offset that holds data (whence SEEK_DATA) or
 * is a hole (SEEK_HOLE; the end of the file is one): lseek. */
int64_t fm__os_seek(int fd, uint64_t offset, int whence);
/* A second descriptor of fd's description, close-on-exec. */
int fm__os_dup(int fd);
/* Makes newfd (close-on-exec) refer to what oldfd refers to, atomically. */
int fm__os_dup3(int oldfd, int newfd);
/* Makes fd close-on-exec again. */
int fm__os_setfd_cloexec(int fd);
int fm__os_fdatasync(int fd);
/* The access mode and status flags of fd (fcntl F_GETFL). */
int fm__os_getfl(int fd);
ssize_t fm__os_pread(int fd, void *buf, size_t len, uint64_t offset);
/* Reads into a then b, contiguously from offset, in one call. */
ssize_t fm__os_pread2(int fd, void *a, size_t alen, void *b, size_t blen, uint64_t offset);
/* Writes a then b, contiguously from offset, in one call. */
ssize_t fm__os_pwrite2(int fd, const void *a, size_t alen, const void *b, size_t blen,
		       uint64_t offset);
int fm__os_fchmod(int fd, mode_t mode);
int fm__os_mkdirat(int dirfd, const char *path, mode_t mode);
int fm__os_linkat_fd(int fd, int dirfd, const char *name);
int fm__os_reopen(int fd, int flags);
/* The path the file open at fd has now (readlink of /proc/self/fd/N):
 * its length, or -errno; -ENAMETOOLONG when it does not fit len - 1. */
int fm__os_fd_path(int fd, char *buf, size_t len);
int fm__os_unlinkat(int dirfd, const char *path, int flags);
/* Renames, failing with -EEXIST instead of replacing (RENAME_NOREPLACE). */
int fm__os_rename_noreplace(int dirfd, const char *from, const char *to);
int fm__os_mmap(void **out, void *addr, size_t len, int prot, int flags, int fd,
		uint64_t offset);
int fm__os_munmap(void *addr, size_t len);
int fm__os_msync(void *addr, size_t len, int flags);
int fm__os_mprotect(void *addr, size_t len, int prot);
int fm__os_madvise(void *addr, size_t len, int advice);
/* Whether each page of [addr, addr + len) is resident: bit 0 of vec[i]. */
int fm__os_mincore(const void *addr, size_t len, unsigned char *vec);
/* mremap; with old_len 0, a second mapping of the same shared pages. */
int fm__os_mremap(void **out, void *old, size_t old_len, size_t new_len, int flags,
		  void *new_addr);

/* SysV shared memory: shmget's id, shmat's address in *out, shmctl's
 * result (an id for SHM_STAT_ANY). */
struct shmid_ds;
int fm__os_shmget(int key, size_t size, int flags);
int fm__os_shmat(void **out, int id, int flags);
int fm__os_shmctl(int id, int cmd, struct shmid_ds *ds);

/*
 * Futexes on shared memory (never FUTEX_PRIVATE_FLAG: the words live in
 * files mapped by several processes).  Deadlines are absolute
 * CLOCK_MONOTONIC times, NULL for none.  They are not fault-injected: they
 * allocate nothing and a wait's failure paths are its timeouts.
 *
 * fm__os_futex_wait: sleeps while *word == expected; 0 when woken (or
 * spuriously), -EAGAIN when *word differed, -ETIMEDOUT; EINTR is retried.
 * fm__os_futex_wake: wakes up to n sleepers; returns how many it woke.
 * fm__os_futex_waitv: sleeps while every words[i] == expected[i] (Linux
 * 5.16+); returns the index of the word that woke it, -EAGAIN, -ETIMEDOUT,
 * or -ENOSYS on an older kernel.
 */
struct timespec;
int fm__os_futex_wait(const _Atomic uint32_t *word, uint32_t expected,
		      const struct timespec *deadline);
int fm__os_futex_wake(const _Atomic uint32_t *word, int n);
int fm__os_futex_waitv(const _Atomic uint32_t *const words[], const uint32_t expected[],
		       size_t count, const struct timespec *deadline);

/*
 * The calling thread and its robust-futex list (not fault-injected either).
 *
 * fm__os_gettid: the thread's id, in its own PID namespace.
 * fm__os_robust_list: the list head the thread registered (glibc registers
 * one for every thread), or NULL if none.
 * fm__os_set_robust_list: registers head as the thread's list: 0 or -errno.
 * fm__os_random64: 64 random bits (never blocking; a weaker mix of the
 * time, the pid and an address if the kernel has no entropy to give yet).
 * fm__os_thread_exists: whether the thread tid of the process pid (this
 * one's) still exists.
 */
struct robust_list_head;
int32_t fm__os_gettid(void);
bool fm__os_thread_exists(int32_t pid, int32_t tid);
struct robust_list_head *fm__os_robust_list(void);
int fm__os_set_robust_list(struct robust_list_head *head);
uint64_t fm__os_random64(void);

/*
 * Fault injection for tests: the nth wrapper call from now on (1 = the next
 * one) fails with -err instead of reaching the kernel; 0 disarms.  Counting
 * is process-wide.  Returns how many calls were left when it was disarmed
 * (so a test knows whether its fault fired).
 */
void fm__os_fail_nth(long nth, int err);
long fm__os_fail_remaining(void);

#endif /* FM_OS_H */
