/* SPDX-License-Identifier: MIT */
/*
 * memory.c - part "memory": what one open section and one view cost the
 * process, in heap and descriptors, at 10 objects and at 100,000; the
 * goal is a cost that does not grow with the count.
 *
 * The heap is the allocator's own count of bytes in use (mallinfo2, or
 * under AddressSanitizer its allocator's), read before and after making
 * the objects, so it counts the library's allocations and nothing of the
 * kernel's; closing everything must bring it back where it was.  glibc's
 * per-thread cache (tcache) keeps freed chunks that mallinfo2 still counts
 * as in use, and serves later allocations from them unseen, so the part
 * runs in a fresh process of this program started with the cache off
 * (GLIBC_TUNABLES=glibc.malloc.tcache_count=0), which sends its figures
 * back over a pipe.
 *
 * Two limits of the machine shape the counts.  Each section holds a
 * descriptor, and a process without CAP_SYS_RESOURCE cannot raise its
 * hard RLIMIT_NOFILE: the section count is capped at what the limit
 * allows, and the run says so.  Each view is a mapping, and a process may
 * have at most vm.max_map_count (65,530 by default) of them: the views are
 * one page each of one sparse section, placed side by side in a free range
 * with fm_view_map_at, so that the kernel merges neighbours with adjacent
 * offsets into one mapping; the library still keeps one entry a view.
 */
#define _GNU_SOURCE
#include "scale.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
/* From the sanitizer runtime (its header is not always installed). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#define NAME_FMT    "Local\\scale.mem.%ld"
#define VIEWS_NAME  "Local\\scale.mem.views"
#define OBJECT_SIZE 4096
#define FD_SPARE    64
#define TUNABLE     "glibc.malloc.tcache_count=0"

/* What objects cost, each. */
struct cost {
	long count;
	double heap;   /* bytes */
	double fds;
	long left;     /* heap bytes still in use after closing them all */
};

/* What the measuring process sends back. */
struct outcome {
	int ok;
	struct cost sec[2], view[2]; /* at the small count and the large one */
	char message[256];           /* when not ok: what failed */
};

static struct outcome out; /* the measuring process's */

static void failed(const char *fmt, ...) SCALE_PRINTF(1, 2);

static void failed(const char *fmt, ...)
{
	va_list ap;

	if (!out.ok)
		return; /* the first failure is the one to tell */
	out.ok = 0;
	va_start(ap, fmt);
	vsnprintf(out.message, sizeof(out.message), fmt, ap);
	va_end(ap);
}

static long heap_in_use(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return (long)__sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return (long)(mi.uordblks + mi.hblkhd);
#endif
}

/* Opens n named sections and measures them; then closes them. */
static int sections(long n, struct cost *c)
{
	fm_section **s = calloc((size_t)n, sizeof(*s));
	long heap0, fds0, i;
	char name[64];
	int r = 0;

	if (!s)
		return -1;
	heap0 = heap_in_use();
	fds0 = open_fds();
	for (i = 0; i < n && r >= 0; i++) {
		snprintf(name, sizeof(name), NAME_FMT, i);
		r = fm_section_create(&s[i], name, OBJECT_SIZE, NULL);
	}
	if (r < 0)
		failed("memory: section %ld of %ld: %s", i, n, fm_last_error_message());
	*c = (struct cost){ .count = n, .heap = (double)(heap_in_use() - heap0) / (double)n };
	c->fds = (double)(open_fds() - fds0) / (double)n;
	for (i = 0; i < n; i++)
		fm_section_close(s[i]);
	c->left = heap_in_use() - heap0;
	free(s);
	return r < 0 ? -1 : 0;
}

/* A free range of n pages: found, then given back for the views. */
static unsigned char *free_range(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, len);
	return p;
}

/* Maps n one-page views of one sparse section side by side; measures. */
static int views(long n, struct cost *c)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	size_t page = fm_page_size();
	fm_section *s = NULL;
	unsigned char *base;
	long heap0, fds0, i = 0;
	void *v;
	int r;

	opts.flags = FM_SECTION_RESERVE;
	r = fm_section_create(&s, VIEWS_NAME, (uint64_t)n * page, &opts);
	base = r < 0 ? NULL : free_range((size_t)n * page);
	if (!base) {
		failed("memory: a section of %ld pages and room to map it: %s", n,
			       r < 0 ? fm_last_error_message() : strerror(errno));
		fm_section_close(s);
		return -1;
	}
	heap0 = heap_in_use();
	fds0 = open_fds();
	for (; i < n && r >= 0; i++)
		r = fm_view_map_at(&v, s, (uint64_t)i * page, page, FM_WRITE, base + i * page);
	if (r < 0)
		failed("memory: view %ld of %ld: %s", i, n, fm_last_error_message());
	*c = (struct cost){ .count = n, .heap = (double)(heap_in_use() - heap0) / (double)n };
	c->fds = (double)(open_fds() - fds0) / (double)n;
	for (long k = 0; k < i - (r < 0); k++)
		fm_view_unmap(base + k * page);
	c->left = heap_in_use() - heap0;
	fm_section_close(s);
	return r < 0 ? -1 : 0;
}

/* Reports one kind of object at two counts. */
static void report_kind(const char *kind, const struct cost c[2])
{
	char bench[2][96], goal[96];

	for (int k = 0; k < 2; k++) {
		snprintf(bench[k], sizeof(bench[k]), "heap per %s, %ld objects", kind, c[k].count);
		report_value(bench[k], IMPL_NATIVE, "bytes", c[k].heap);
		snprintf(goal, sizeof(goal), "descriptors per %s, %ld objects", kind, c[k].count);
		report_value(goal, IMPL_NATIVE, "fds", c[k].fds);
		snprintf(goal, sizeof(goal), "memory: heap left after closing %ld %ss", c[k].count,
			 kind);
		report_goal(goal, bench[k], IMPL_NATIVE, "the heap before", (double)c[k].left, 0,
			    RECORD_EQUAL, true);
	}
	note("memory: per %s: %.1f bytes and %.2f fds at %ld, %.1f bytes and %.2f fds at %ld", kind,
	     c[0].heap, c[0].fds, c[0].count, c[1].heap, c[1].fds, c[1].count);
	snprintf(goal, sizeof(goal), "heap per %s with %ld <= 1.2x with %ld", kind, c[1].count,
		 c[0].count);
	report_goal(goal, bench[1], IMPL_NATIVE, bench[0], c[1].heap / c[0].heap, 1.2,
		    RECORD_LOWER, false);
}

/* How many sections the descriptor limit lets this process hold. */
static long section_cap(const struct scale_opts *o, double fds_each)
{
	long limit = raise_fd_limit((long)((double)o->memory * fds_each) + FD_SPARE);
	long cap = (long)((double)(limit - open_fds() - FD_SPARE) / (fds_each > 0 ? fds_each : 1));

	if (cap < o->memory)
		note("memory: %ld sections would need %.0f descriptors; RLIMIT_NOFILE is %ld and its "
		     "hard limit cannot be raised here, so the large count of sections is %ld",
		     o->memory, (double)o->memory * fds_each, limit, cap);
	return cap < o->memory ? cap : o->memory;
}

/* The measuring process: argv is --memory-child FD SMALL LARGE. */
int memory_child(char **argv)
{
	struct scale_opts o = { .small = atol(argv[3]), .memory = atol(argv[4]) };
	struct cost warm;
	int fd = atoi(argv[2]);

	out.ok = 1;
	/* Once uncounted, so that the library's lasting state (its
	 * directory cache) exists before anything is counted. */
	if (sections(1, &warm) == 0 && views(1, &warm) == 0 && sections(o.small, &out.sec[0]) == 0 &&
	    sections(section_cap(&o, out.sec[0].fds), &out.sec[1]) == 0 &&
	    views(o.small, &out.view[0]) == 0)
		views(o.memory, &out.view[1]);
	return write(fd, &out, sizeof(out)) == sizeof(out) ? 0 : 1;
}

/* Runs the measuring process in root; fills *res.  Returns 0 or -1. */
static int measure(const char *root, const struct scale_opts *o, struct outcome *res)
{
	char fd[16], small[24], large[24], tunables[512], how[48];
	const char *old = getenv("GLIBC_TUNABLES");
	int p[2], status;
	ssize_t got;
	pid_t pid;

	if (pipe(p) < 0) {
		note("memory: pipe: %s", strerror(errno));
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	snprintf(fd, sizeof(fd), "%d", p[1]);
	snprintf(small, sizeof(small), "%ld", o->small);
	snprintf(large, sizeof(large), "%ld", o->memory);
	snprintf(tunables, sizeof(tunables), "%s%s" TUNABLE, old ? old : "", old ? ":" : "");
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		store_use(root);
		setenv("GLIBC_TUNABLES", tunables, 1);
		execl("/proc/self/exe", "bench-scale", "--memory-child", fd, small, large,
		      (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	got = pid < 0 ? -1 : read(p[0], res, sizeof(*res));
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !exited_well(status) ||
	    got != sizeof(*res)) {
		note("memory: the measuring process: %s",
		     pid < 0 ? strerror(errno) : status_text(status, how, sizeof(how)));
		return -1;
	}
	return 0;
}

int part_memory(const struct scale_opts *o)
{
	char root[PATH_MAX];
	struct outcome res;
	int r = 0;

	if (store_prepare(root, sizeof(root), "memory", o) < 0)
		return -1;
	if (measure(root, o, &res) < 0) {
		r = -1;
	} else if (!res.ok) {
		report_failure("%s", res.message);
	} else {
		report_kind("section", res.sec);
		report_kind("view", res.view);
	}
	store_finish(root, "memory", IMPL_NATIVE);
	return r;
}
