/* SPDX-License-Identifier: MIT */
/*
 * harness.h - the test harness every tests/test-<module>.c uses.
 *
 * A test binary lists its cases and helpers and calls test_main().  Each
 * case runs in its own forked child, with its own private FILEMAP_ROOT (a
 * fresh directory under /dev/shm, reachable by other users so uid tests
 * work) and a timeout.  When the child is done the harness checks that the
 * case left its store empty (nothing leaked) and removes it.
 *
 * Multi-process cases re-run the same binary as a helper:
 *   pid_t pid = test_spawn("holder", &out_fd, "Local\\x", NULL);
 * runs helper "holder" with those arguments in a new process (exec of
 * /proc/self/exe), its stdout a pipe the case reads with test_read_line().
 *
 * Assertions print both sides and end the case; run one case with
 *   test-foo CASE_NAME
 * The binary ends with the line "N passed, N failed, N skipped".
 */
#ifndef FM_TEST_HARNESS_H
#define FM_TEST_HARNESS_H

#include <filemap.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

struct test_helper {
	const char *name;
	int (*fn)(int argc, char **argv); /* returns the helper's exit code */
};

#define TEST_CASE(fn) { #fn, fn }
#define TEST_HELPER(fn) { #fn, fn }
#define TEST_COUNT(array) (sizeof(array) / sizeof((array)[0]))

int test_main(int argc, char **argv, const struct test_case *cases, size_t ncases,
	      const struct test_helper *helpers, size_t nhelpers);

/* Ends the current case as failed (in its child), printing the reason. */
_Noreturn void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ends the current case as skipped, visibly, with the reason. */
_Noreturn void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)
#define SKIP(...) test_skip(__VA_ARGS__)

/*
 * AddressSanitizer's runtime (GCC 12's, and LLVM's before 17) does not hold
 * its allocator's locks across fork: a child that allocates while another
 * thread of its parent was in the allocator waits for ever (seen: a child
 * stuck in SizeClassAllocator64::GetFromAllocator).  glibc's malloc is
 * safe there.  A case whose child must allocate after a fork of a process
 * with threads skips under ASan; the plain and TSan builds run it.
 */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#define SKIP_FORK_WITH_THREADS_UNDER_ASAN() \
	SKIP("the child allocates after a fork of a process with threads: ASan's allocator may hang")
#else
#define SKIP_FORK_WITH_THREADS_UNDER_ASAN() ((void)0)
#endif

#define CHECK(cond)                                        \
	do {                                               \
		if (!(cond))                               \
			FAIL("CHECK(%s) failed", #cond);   \
	} while (0)

#define CHECK_INT_EQ(a, b)                                                              \
	do {                                                                            \
		long long a_ = (long long)(a), b_ = (long long)(b);                     \
		if (a_ != b_)                                                           \
			FAIL("%s == %s: %lld != %lld", #a, #b, a_, b_);                 \
	} while (0)

#define CHECK_STR_EQ(a, b)                                                              \
	do {                                                                            \
		const char *a_ = (a), *b_ = (b);                                        \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                                  \
			FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)",  \
			     b_ ? b_ : "(null)");                                       \
	} while (0)

/* A filemap result: compares codes and prints both names and the message. */
#define CHECK_RC(expr, expected)                                                         \
	do {                                                                             \
		int r_ = (expr), e_ = (expected);                                        \
		if (r_ != e_)                                                            \
			FAIL("%s: got %s (%d), expected %s (%d); last message: %s", #expr, \
			     fm_errname(r_), r_, fm_errname(e_), e_, fm_last_error_message()); \
	} while (0)

#define CHECK_OK(expr) CHECK_RC(expr, 0)

/* After a failure: the message starts with the call and names the object. */
void test_check_message(const char *file, int line, const char *call, const char *object);

/* A failure with its exact code and a message naming call and object. */
#define CHECK_FAIL(expr, code, call, object)                          \
	do {                                                          \
		CHECK_RC(expr, code);                                 \
		test_check_message(__FILE__, __LINE__, call, object); \
	} while (0)

/* Maps all of s with access (the case fails if it cannot). */
void *test_map_whole(fm_section *s, unsigned access);
/* Checks that name is absent: fm_section_open gives -ENOENT. */
void test_expect_gone(const char *name);

/* The case's private store root, and the directory holding it. */
const char *test_root(void);

/* A path under the store root, printf-style, in one of four rotating
 * buffers (so that one call may use several).  The root comes from
 * FILEMAP_ROOT, so helpers, which inherit it, may use this too. */
const char *test_store_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Starts helper name with the given arguments (NULL-terminated); if out_fd
 * is not NULL, *out_fd reads the helper's stdout.  Returns its pid. */
pid_t test_spawn(const char *name, int *out_fd, ...);
/* Starts program with argv (argv[0] as given), its stdin from in_fd (or
 * this process's when -1), and if out_fd is not NULL its stdout into a
 * pipe *out_fd reads.  Returns its pid. */
pid_t test_spawn_program(const char *program, char *const argv[], int in_fd, int *out_fd);
/* Waits for pid; returns its exit code, or 128 + signal. */
int test_wait(pid_t pid);
/* Reads one line (without the newline) from fd into buf; false at EOF. */
bool test_read_line(int fd, char *buf, size_t len);
/* Reads a line and checks it equals expected. */
void test_expect_line(int fd, const char *expected);

/* In a helper: writes a line to stdout and flushes it. */
void test_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The permission bits the object whose store file is at path was created
 * with (from its header).  Also checks what every store file's own mode
 * must be: its owner's to read and write, nobody else's to write.
 */
unsigned test_object_mode(const char *path);

/* Number of entries in the store (every namespace directory). */
int test_store_count(void);

/* Open descriptors of this process (counting the one that reads them). */
int test_fd_count(void);

/* Runs fn in a forked child and returns its exit code (128 + signal). */
int test_in_child(int (*fn)(void *), void *arg);

/* Sleeps ms milliseconds. */
void test_pause_ms(int ms);

/*
 * Waits (up to 20 s, then fails the case) until thread tid of process pid
 * sleeps in a futex call and hint(arg) (if not NULL) agrees: a case that
 * needs a waiter asleep before it acts watches for it rather than sleeping
 * for a while and hoping.
 */
void test_wait_asleep(pid_t pid, pid_t tid, bool (*hint)(void *), void *arg);

#endif /* FM_TEST_HARNESS_H */
