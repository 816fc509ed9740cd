/* SPDX-License-Identifier: MIT */
/*
 * reserve.c - part "reserve": a 1 TiB section on a machine with far less
 * memory, created with FM_SECTION_RESERVE, shared by two processes, must
 * cost only the pages they touch.
 *
 * Process A creates the section and maps all of it, and writes a value of
 * its own into the first page, the page at the middle (512 GiB) and the
 * last page.  Process B, a child forked before the section existed, opens
 * it by name, maps all of it, finds A's three values, writes its own next
 * to them and exits; A then finds B's (the views are coherent, and A's
 * view keeps the memory B wrote).  The memory used is read three ways: the
 * store file's st_blocks (what the store holds), the resident pages of
 * each process's 1 TiB view (its Rss in /proc/self/smaps), and the growth
 * of Shmem in /proc/meminfo, which is system-wide and so only reported:
 * another program's work moves it too.
 */
#define _GNU_SOURCE
#include "scale.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME       "Local\\scale.reserve"
#define MAX_PAGES  64 /* what the section may cost, in pages */
#define A_VALUE(i) (0xa11ce00000000000u | (uint64_t)(i))
#define B_VALUE(i) (0xb0b0000000000000u | (uint64_t)(i))

/* What B tells A. */
struct b_report {
	int code;          /* 0, or what failed */
	long rss_kib;      /* the resident pages of B's view, in KiB */
	char message[200];
};

/* A field of /proc/meminfo ("Shmem:"), in KiB. */
static long meminfo_kib(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "re");
	size_t n = strlen(field);
	char line[256];
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0) {
			v = atol(line + n);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

/* The resident pages of the mapping that starts at view, in KiB: its
 * "Rss:" in /proc/self/smaps.  Only the view's own pages count, not the
 * code the process happens to fault in meanwhile. */
static long view_rss_kib(const void *view)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	bool found = false;
	char line[512];
	long v = -1;

	while (f && v < 0 && fgets(line, sizeof(line), f)) {
		unsigned long start;

		if (sscanf(line, "%lx-", &start) == 1 && strchr(line, ' ') > strchr(line, '-'))
			found = start == (unsigned long)view;
		else if (found && strncmp(line, "Rss:", 4) == 0)
			v = atol(line + 4);
	}
	if (f)
		fclose(f);
	return v;
}

/* The three offsets: the first page, the middle one, the last one. */
static void offsets(uint64_t size, uint64_t off[3])
{
	uint64_t page = fm_page_size();

	off[0] = 0;
	off[1] = size / 2 / page * page;
	off[2] = (size - 1) / page * page;
}

/* Checks the three words at off + index, which must be value(i).  Returns
 * 0, or -1 with message saying which was wrong. */
static int check_words(const unsigned char *view, const uint64_t off[3], size_t index,
		       uint64_t tag, char *message, size_t len)
{
	for (int i = 0; i < 3; i++) {
		uint64_t got = ((const uint64_t *)(view + off[i]))[index];

		if (got != (tag | (uint64_t)i)) {
			snprintf(message, len, "at offset %llu: %#llx, expected %#llx",
				 (unsigned long long)(off[i] + index * 8), (unsigned long long)got,
				 (unsigned long long)(tag | (uint64_t)i));
			return -1;
		}
	}
	return 0;
}

/* Process B: waits for A, opens, maps, checks, writes, reports. */
static void b_main(int go, int done, uint64_t size)
{
	struct b_report rep = { 0 };
	fm_section *s = NULL;
	uint64_t off[3];
	void *view;
	char c;

	offsets(size, off);
	if (read(go, &c, 1) != 1) {
		snprintf(rep.message, sizeof(rep.message), "A never said go");
		rep.code = -EPIPE;
	} else if ((rep.code = fm_section_open(&s, NAME, FM_READ | FM_WRITE)) < 0 ||
		   (rep.code = fm_view_map(&view, s, 0, 0, FM_WRITE)) < 0) {
		snprintf(rep.message, sizeof(rep.message), "%s", fm_last_error_message());
	} else if (fm_section_size(s) != size) {
		snprintf(rep.message, sizeof(rep.message), "fm_section_size is %llu, not %llu",
			 (unsigned long long)fm_section_size(s), (unsigned long long)size);
		rep.code = -ERANGE;
	} else if (check_words(view, off, 0, A_VALUE(0), rep.message, sizeof(rep.message)) < 0) {
		rep.code = -EIO;
	} else {
		for (int i = 0; i < 3; i++)
			((uint64_t *)((unsigned char *)view + off[i]))[1] = B_VALUE(i);
		rep.rss_kib = view_rss_kib(view);
		fm_view_unmap(view);
	}
	fm_section_close(s);
	_exit(write(done, &rep, sizeof(rep)) == sizeof(rep) && rep.code == 0 ? 0 : 1);
}

static void report_pages(const char *bench, const char *goal, double pages, bool correctness)
{
	report_value(bench, IMPL_NATIVE, "pages", pages);
	report_goal(goal, bench, IMPL_NATIVE, "at most 64 pages", pages, MAX_PAGES, RECORD_LOWER,
		    correctness);
}

/* The memory figures, taken while A's view exists; B's view was measured
 * before B unmapped it. */
static void report_memory(fm_section *s, long rss_kib, long b_rss_kib, long shmem_kib)
{
	double page_kib = (double)fm_page_size() / 1024;
	struct stat st;

	if (fstat(fm_section_fd(s), &st) < 0) {
		report_failure("reserve: fstat of the store file: %s", strerror(errno));
		return;
	}
	if (rss_kib < 0 || b_rss_kib < 0)
		report_failure("reserve: the view of %s is not in /proc/self/smaps", rss_kib < 0 ? "A" : "B");
	note("reserve: store file of %llu bytes holds %lld KiB; resident in A's view %ld KiB, "
	     "in B's %ld KiB; Shmem growth %ld KiB (system-wide)",
	     (unsigned long long)st.st_size, (long long)st.st_blocks / 2, rss_kib, b_rss_kib,
	     shmem_kib);
	report_pages("reserve: store file blocks", "reserve: the store file holds <= 64 pages",
		     (double)st.st_blocks * 512 / (double)fm_page_size(), true);
	report_pages("reserve: resident pages of the creator's view",
		     "reserve: the creator's view holds <= 64 pages", (double)rss_kib / page_kib,
		     true);
	report_pages("reserve: resident pages of the opener's view",
		     "reserve: the opener's view holds <= 64 pages", (double)b_rss_kib / page_kib,
		     true);
	report_pages("reserve: Shmem growth, system-wide",
		     "reserve: Shmem grows <= 64 pages (system-wide, noisy)",
		     (double)shmem_kib / page_kib, false);
}

/* Process A, with B started and waiting on go. */
static int a_run(uint64_t size, int go, int done, pid_t b)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	long shmem0 = meminfo_kib("Shmem:");
	struct b_report rep = { .code = -EPIPE };
	fm_section *s = NULL;
	char message[200];
	uint64_t off[3];
	void *view = NULL;
	int status, r;

	offsets(size, off);
	opts.flags = FM_SECTION_RESERVE;
	r = fm_section_create(&s, NAME, size, &opts);
	if (r == 0)
		r = fm_view_map(&view, s, 0, 0, FM_WRITE);
	if (r < 0) {
		report_failure("reserve: %s", fm_last_error_message());
		close(go);
		waitpid(b, &status, 0);
		fm_section_close(s);
		return -1;
	}
	for (int i = 0; i < 3; i++)
		((uint64_t *)((unsigned char *)view + off[i]))[0] = A_VALUE(i);
	if (write(go, "g", 1) != 1 || read(done, &rep, sizeof(rep)) != sizeof(rep))
		snprintf(rep.message, sizeof(rep.message), "process B died");
	close(go);
	if (waitpid(b, &status, 0) != b || !exited_well(status) || rep.code != 0)
		report_failure("reserve: process B: %s", rep.message);
	else if (check_words(view, off, 1, B_VALUE(0), message, sizeof(message)) < 0)
		report_failure("reserve: A does not see what B wrote: %s", message);
	report_memory(s, view_rss_kib(view), rep.rss_kib, meminfo_kib("Shmem:") - shmem0);
	fm_view_unmap(view);
	fm_section_close(s);
	return 0;
}

int part_reserve(const struct scale_opts *o)
{
	char root[PATH_MAX];
	int go[2], done[2], r;
	pid_t b;

	if (store_prepare(root, sizeof(root), "reserve", o) < 0)
		return -1;
	store_use(root);
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(done, O_CLOEXEC) < 0) {
		note("reserve: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	b = fork();
	if (b == 0) {
		close(go[1]);
		close(done[0]);
		b_main(go[0], done[1], o->reserve);
	}
	close(go[0]);
	close(done[1]);
	r = b < 0 ? -1 : a_run(o->reserve, go[1], done[0], b);
	if (b < 0)
		close(go[1]);
	close(done[0]);
	store_finish(root, "reserve", IMPL_NATIVE);
	return r;
}
