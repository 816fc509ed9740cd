/* SPDX-License-Identifier: MIT */
/*
 * harness.c - runs each case in a forked child with a private store and a
 * timeout, checks the store is empty afterwards, and starts helpers.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

#define CASE_TIMEOUT_SECONDS 120
#define EXIT_SKIP 77

static const struct test_helper *all_helpers;
static size_t helper_count;
static char root_path[600];
static char case_dir[512];

const char *test_root(void)
{
	return root_path;
}

const char *test_store_path(const char *fmt, ...)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *buf = bufs[next++ % 4], rel[PATH_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(buf, PATH_MAX, "%s/%s", getenv("FILEMAP_ROOT"), rel);
	return buf;
}

_Noreturn void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(NULL);
	_exit(1);
}

_Noreturn void test_skip(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "    skipped: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(NULL);
	_exit(EXIT_SKIP);
}

void test_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void test_check_message(const char *file, int line, const char *call, const char *object)
{
	const char *m = fm_last_error_message();
	size_t n = strlen(call);

	if (strncmp(m, call, n) != 0 || m[n] != ':' || (object && !strstr(m, object)))
		test_fail(file, line, "message \"%s\" should name %s and %s", m, call,
			  object ? object : "no object");
}

void *test_map_whole(fm_section *s, unsigned access)
{
	void *view;

	CHECK_OK(fm_view_map(&view, s, 0, 0, access));
	return view;
}

void test_expect_gone(const char *name)
{
	fm_section *s;

	CHECK_RC(fm_section_open(&s, name, FM_READ), -ENOENT);
}

pid_t test_spawn_program(const char *program, char *const argv[], int in_fd, int *out_fd)
{
	int pipe_fds[2] = { -1, -1 };
	pid_t pid;

	if (out_fd && pipe2(pipe_fds, O_CLOEXEC) < 0)
		FAIL("pipe2: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0) {
		if (in_fd >= 0)
			dup2(in_fd, STDIN_FILENO);
		if (out_fd)
			dup2(pipe_fds[1], STDOUT_FILENO);
		execv(program, argv);
		_exit(126);
	}
	if (out_fd) {
		close(pipe_fds[1]);
		*out_fd = pipe_fds[0];
	}
	return pid;
}

pid_t test_spawn(const char *name, int *out_fd, ...)
{
	const char *args[64] = { "/proc/self/exe", "--helper", name };
	size_t n = 3;
	va_list ap;

	va_start(ap, out_fd);
	while (n < 63 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	return test_spawn_program("/proc/self/exe", (char *const *)args, -1, out_fd);
}

int test_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			FAIL("waitpid(%d): %s", (int)pid, strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool test_read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (buf[n] == '\n') {
			buf[n] = '\0';
			return true;
		}
		n++;
	}
	buf[n] = '\0';
	return n > 0;
}

void test_expect_line(int fd, const char *expected)
{
	char line[4096];

	if (!test_read_line(fd, line, sizeof(line)))
		FAIL("expected the line \"%s\" from a helper, got end of output", expected);
	CHECK_STR_EQ(line, expected);
}

int test_in_child(int (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn(arg));
	return test_wait(pid);
}

unsigned test_object_mode(const char *path)
{
	struct fm__header h;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		FAIL("cannot read the header of %s: %s", path, strerror(errno));
	close(fd);
	if ((st.st_mode & 0622) != 0600)
		FAIL("store file %s has mode %04o", path, (unsigned)(st.st_mode & 07777));
	return h.mode;
}

/* Whether thread tid of process pid sleeps in a futex call now. */
static bool asleep_in_futex(pid_t pid, pid_t tid)
{
	char path[128], buf[1024], *p;
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')) || p[1] != ' ' || p[2] != 'S')
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	f = fopen(path, "re");
	if (!f)
		return true; /* not allowed to look closer: sleeping will do */
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	return nr == SYS_futex || nr == SYS_futex_waitv;
}

void test_pause_ms(int ms)
{
	struct timespec t = { 0, ms * 1000000L };

	nanosleep(&t, NULL);
}

void test_wait_asleep(pid_t pid, pid_t tid, bool (*hint)(void *), void *arg)
{
	for (int i = 0; i < 20000; i++) {
		if (asleep_in_futex(pid, tid) && (!hint || hint(arg)))
			return;
		test_pause_ms(1);
	}
	FAIL("thread %d of process %d never went to sleep in a wait", (int)tid, (int)pid);
}

/* Counts the entries of every directory directly under the root. */
int test_store_count(void)
{
	DIR *root = opendir(root_path), *sub;
	struct dirent *e, *f;
	int count = 0;

	if (!root)
		return 0; /* never used: empty */
	while ((e = readdir(root)) != NULL) {
		char path[1024];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", root_path, e->d_name);
		sub = opendir(path);
		if (!sub) {
			count++; /* a file directly under the root */
			continue;
		}
		while ((f = readdir(sub)) != NULL)
			if (strcmp(f->d_name, ".") != 0 && strcmp(f->d_name, "..") != 0)
				count++;
		closedir(sub);
	}
	closedir(root);
	return count;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	/* Make directories a case chmodded (or a hostile test left) removable. */
	if (flag == FTW_DP || flag == FTW_D)
		chmod(path, 0700);
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs one case in a child; returns 0 pass, 1 fail, 2 skip. */
static int run_case(const struct test_case *c)
{
	int status, leaked;
	pid_t pid;

	snprintf(case_dir, sizeof(case_dir), "/dev/shm/fm-test-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(case_dir)) {
		fprintf(stderr, "    mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	/* Reachable (not listable) by other users, for the uid tests. */
	chmod(case_dir, 0711);
	snprintf(root_path, sizeof(root_path), "%s/root", case_dir);
	setenv("FILEMAP_ROOT", root_path, 1);

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		alarm(CASE_TIMEOUT_SECONDS);
		c->fn();
		fflush(NULL);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Whatever the case left running goes now, before the leak check. */
	kill(-pid, SIGKILL);
	leaked = test_store_count();
	remove_tree(case_dir);

	if (WIFSIGNALED(status)) {
		fprintf(stderr, "    killed by signal %d (%s)%s\n", WTERMSIG(status),
			strsignal(WTERMSIG(status)),
			WTERMSIG(status) == SIGALRM ? ": timed out" : "");
		return 1;
	}
	if (WEXITSTATUS(status) == EXIT_SKIP)
		return 2;
	if (WEXITSTATUS(status) != 0)
		return 1;
	if (leaked) {
		fprintf(stderr, "    the case left %d object(s) in its store\n", leaked);
		return 1;
	}
	return 0;
}

static int run_helper(const char *name, int argc, char **argv)
{
	for (size_t i = 0; i < helper_count; i++)
		if (strcmp(all_helpers[i].name, name) == 0)
			return all_helpers[i].fn(argc, argv);
	fprintf(stderr, "no helper named %s\n", name);
	return 125;
}

int test_main(int argc, char **argv, const struct test_case *cases, size_t ncases,
	      const struct test_helper *helpers, size_t nhelpers)
{
	int passed = 0, failed = 0, skipped = 0;

	all_helpers = helpers;
	helper_count = nhelpers;
	if (argc >= 3 && strcmp(argv[1], "--helper") == 0)
		return run_helper(argv[2], argc - 3, argv + 3);

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < ncases; i++) {
		int r;

		if (argc >= 2 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		r = run_case(&cases[i]);
		printf("%s %zu - %s\n", r == 0 ? "ok" : r == 2 ? "skip" : "not ok", i + 1,
		       cases[i].name);
		passed += r == 0;
		failed += r == 1;
		skipped += r == 2;
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed || passed + skipped == 0 ? 1 : 0;
}

int test_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		FAIL("opendir /proc/self/fd: %s", strerror(errno));
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
