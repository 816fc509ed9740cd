/* SPDX-License-Identifier: MIT */
/*
 * run.c - processes: running the filemap tool against a store and taking
 * its time, exit status and peak memory (wait4's rusage, the child's own),
 * descriptor limits, clocks and random numbers.
 */
#define _GNU_SOURCE
#include "scale.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A run of the tool that takes longer is killed (SIGALRM) and fails. */
#define TOOL_TIMEOUT 300
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

bool exited_well(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const char *status_text(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by SIG%s", sigabbrev_np(WTERMSIG(status)) ?: "?");
	else
		snprintf(buf, len, "status %#x", (unsigned)status);
	return buf;
}

long raise_fd_limit(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	if (want > 0 && (rlim_t)want > rl.rlim_max) {
		struct rlimit more = { (rlim_t)want, (rlim_t)want };

		if (setrlimit(RLIMIT_NOFILE, &more) == 0)
			return want;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	return rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur;
}

long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	long n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

char *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap), *more;
	ssize_t got;

	while (buf) {
		if (n + 1 == cap) {
			more = realloc(buf, cap *= 2);
			if (!more)
				break;
			buf = more;
		}
		got = pread(fd, buf + n, cap - n - 1, (off_t)n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		if (got == 0) {
			buf[n] = '\0';
			*len = n;
			return buf;
		}
		n += (size_t)got;
	}
	free(buf);
	return NULL;
}

/* In the child: stdout to out (or /dev/null), FILEMAP_ROOT, exec. */
static void exec_tool(const struct scale_opts *o, const char *root, int out,
		      const char *const args[])
{
	const char *argv[8] = { "filemap" };
	int i, fd = out >= 0 ? out : open("/dev/null", O_WRONLY | O_CLOEXEC);

	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || setenv("FILEMAP_ROOT", root, 1) < 0)
		_exit(126);
	alarm(TOOL_TIMEOUT); /* stays set across exec */
	execv(o->tool, (char *const *)argv);
	fprintf(stderr, "bench-scale: cannot run the filemap tool %s: %s\n", o->tool,
		strerror(errno));
	_exit(127);
}

int run_tool(struct run *r, const struct scale_opts *o, const char *root, bool capture,
	     const char *const args[])
{
	struct rusage ru;
	char how[48];
	double start;
	pid_t pid;

	*r = (struct run){ .out = -1 };
	if (capture && (r->out = memfd_create("filemap-output", MFD_CLOEXEC)) < 0) {
		note("memfd_create for the tool's output: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	start = now();
	pid = fork();
	if (pid == 0)
		exec_tool(o, root, r->out, args);
	if (pid < 0 || wait4(pid, &r->status, 0, &ru) != pid) {
		note("cannot run the filemap tool: %s", strerror(errno));
		return -1;
	}
	r->seconds = now() - start;
	r->maxrss_kib = ru.ru_maxrss;
	r->cpu_seconds = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (exited_well(r->status))
		return 0;
	note("`filemap %s%s%s` in %s: %s%s", args[0], args[1] ? " " : "", args[1] ? args[1] : "",
	     root, status_text(r->status, how, sizeof(how)),
	     WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGALRM
		     ? " (it ran longer than " STRINGIFY(TOOL_TIMEOUT) " s)"
		     : "");
	return -1;
}

char *run_tool_text(struct run *r, const struct scale_opts *o, const char *root,
		    const char *const args[], size_t *len)
{
	char *text = NULL;

	*len = 0;
	if (run_tool(r, o, root, true, args) == 0) {
		text = read_all(r->out, len);
		if (!text)
			note("cannot read back what `filemap %s` printed", args[0]);
	}
	if (r->out >= 0)
		close(r->out);
	r->out = -1;
	return text;
}
