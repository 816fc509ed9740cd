/* SPDX-License-Identifier: MIT */
/*
 * test-commit.c - reserve and commit: fm_view_commit and fm_view_committed.
 * A reserve section's pages have no memory until committed, through any
 * view (writable, read-only, copy-on-write, at an offset), or touched; the
 * state is the section's, so every view and every process sees it, also
 * for a shared Global\ section whose data is a SysV segment, and for
 * another user; other sections are committed throughout; and the
 * arguments' exact codes.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <grp.h>
#include <unistd.h>

#define PAGES 16

static size_t pg;

static fm_section *reserved(const char *name)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.flags = FM_SECTION_RESERVE;
	CHECK_OK(fm_section_create(&s, name, PAGES * pg, &opts));
	return s;
}

static char *map(fm_section *s, uint64_t offset, unsigned access)
{
	void *v;

	CHECK_OK(fm_view_map(&v, s, offset, 0, access));
	return v;
}

/* Checks the state of the page at p and the length of its run, in pages. */
static void check_state(const char *file, int line, const void *p, int committed, size_t pages)
{
	size_t run = 0;
	int r = fm_view_committed(&run, p);

	if (r != committed || run != pages * pg)
		test_fail(file, line, "page at %p: committed %d, run %zu pages; expected %d, %zu",
			  p, r, run / pg, committed, pages);
}

#define CHECK_STATE(p, committed, pages) check_state(__FILE__, __LINE__, p, committed, pages)

static void reserve_starts_empty(void)
{
	fm_section *s = reserved("Local\\r");
	char *v = map(s, 0, FM_WRITE);

	CHECK_STATE(v, 0, PAGES);
	CHECK_STATE(v + 5 * pg + 17, 0, PAGES - 5);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

/* Committing through one view commits for every view of the section. */
static void commit_shows_in_every_view(void)
{
	fm_section *s = reserved("Local\\r");
	char *a = map(s, 0, FM_WRITE), *b = map(s, 0, FM_READ), *c = map(s, 0, FM_COPY);

	CHECK_OK(fm_view_commit(a + 2 * pg + 10, 3 * pg - 10));
	CHECK_STATE(a, 0, 2);
	CHECK_STATE(a + 2 * pg, 1, 3);
	CHECK_STATE(b + 3 * pg, 1, 2);
	CHECK_STATE(c + 5 * pg, 0, PAGES - 5);
	/* A read-only view and a copy-on-write one commit too. */
	CHECK_OK(fm_view_commit(b + 8 * pg, 1));
	CHECK_OK(fm_view_commit(c + 10 * pg, pg));
	CHECK_STATE(a + 8 * pg, 1, 1);
	CHECK_STATE(a + 9 * pg, 0, 1);
	CHECK_STATE(a + 10 * pg, 1, 1);
	/* Committed pages read as zero, and are the section's. */
	CHECK(b[2 * pg] == 0);
	a[2 * pg] = 'x';
	CHECK(b[2 * pg] == 'x');
	CHECK_OK(fm_view_unmap(c));
	CHECK_OK(fm_view_unmap(b));
	CHECK_OK(fm_view_unmap(a));
	fm_section_close(s);
}

/* A view at an offset sees the section's pages, not its own numbering. */
static void view_at_offset(void)
{
	fm_section *s = reserved(NULL);
	char *whole = map(s, 0, FM_WRITE), *tail = map(s, 4 * pg, FM_WRITE);

	CHECK_OK(fm_view_commit(tail + pg, pg));
	CHECK_STATE(whole + 5 * pg, 1, 1);
	CHECK_STATE(tail, 0, 1);
	CHECK_STATE(tail + 2 * pg, 0, PAGES - 6);
	CHECK_OK(fm_view_unmap(tail));
	CHECK_OK(fm_view_unmap(whole));
	fm_section_close(s);
}

/* The kernel gives a page its memory when any view first touches it. */
static void touch_commits(void)
{
	fm_section *s = reserved("Local\\r");
	char *a = map(s, 0, FM_WRITE), *b = map(s, 0, FM_READ);

	a[12 * pg + 5] = 1;
	CHECK_STATE(b + 12 * pg, 1, 1);
	CHECK(*(volatile char *)(b + 14 * pg) == 0);
	CHECK_STATE(a + 14 * pg, 1, 1);
	CHECK_OK(fm_view_unmap(b));
	CHECK_OK(fm_view_unmap(a));
	fm_section_close(s);
}

/* Helper: opens argv[0], maps it and commits page argv[1]; prints what the
 * first page's state and run are then. */
static int helper_commit(int argc, char **argv)
{
	fm_section *s;
	size_t run = 0;
	char *v;
	int r;

	if (argc < 2 || fm_section_open(&s, argv[0], FM_READ | FM_WRITE) < 0)
		return 2;
	if (fm_view_map((void **)&v, s, 0, 0, FM_WRITE) < 0)
		return 3;
	r = fm_view_commit(v + (size_t)atoi(argv[1]) * pg, 1);
	test_say("commit %s", fm_errname(r));
	r = fm_view_committed(&run, v);
	test_say("first %d %zu", r, run / pg);
	fm_view_unmap(v);
	fm_section_close(s);
	return 0;
}

static void commit_in_another_process(void)
{
	fm_section *s = reserved("Local\\shared");
	char *v = map(s, 0, FM_READ);
	pid_t pid;
	int out;

	CHECK_OK(fm_view_commit(v, 2 * pg));
	pid = test_spawn("helper_commit", &out, "Local\\shared", "7", NULL);
	test_expect_line(out, "commit SUCCESS");
	test_expect_line(out, "first 1 2");
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	CHECK_STATE(v + 6 * pg, 0, 1);
	CHECK_STATE(v + 7 * pg, 1, 1);
	CHECK_STATE(v + 8 * pg, 0, PAGES - 8);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

/* Every other section is committed throughout, its last page included. */
static void other_sections_are_committed(void)
{
	fm_section *s;
	char *v;

	CHECK_OK(fm_section_create(&s, NULL, 3 * pg + 100, NULL));
	v = map(s, 0, FM_READ);
	CHECK_STATE(v, 1, 4);
	CHECK_STATE(v + 3 * pg + 1, 1, 1);
	CHECK_OK(fm_view_commit(v + pg, 2 * pg));
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

/* A reserve section's last page, partly past the section's end. */
static void last_page(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;
	char *v;

	opts.flags = FM_SECTION_RESERVE;
	CHECK_OK(fm_section_create(&s, "Local\\tail", 2 * pg + 100, &opts));
	v = map(s, 0, FM_WRITE);
	CHECK_STATE(v, 0, 3);
	CHECK_OK(fm_view_commit(v + 2 * pg, 100));
	CHECK_STATE(v + 2 * pg, 1, 1);
	CHECK_STATE(v + pg, 0, 1);
	CHECK_INT_EQ(fm_section_size(s), 2 * pg + 100);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

static void bad_arguments(void)
{
	fm_section *s = reserved("Local\\r");
	char *v = map(s, pg, FM_WRITE), stack = 0;
	size_t run;

	CHECK_FAIL(fm_view_commit(v, 0), -EINVAL, "fm_view_commit", NULL);
	CHECK_FAIL(fm_view_commit(&stack, 1), -EFAULT, "fm_view_commit", NULL);
	CHECK_FAIL(fm_view_commit(v, (PAGES - 1) * pg + 1), -ERANGE, "fm_view_commit", NULL);
	CHECK_FAIL(fm_view_commit(v + pg, SIZE_MAX), -ERANGE, "fm_view_commit", NULL);
	CHECK_FAIL(fm_view_committed(NULL, v), -EINVAL, "fm_view_committed", NULL);
	CHECK_FAIL(fm_view_committed(&run, &stack), -EFAULT, "fm_view_committed", NULL);
	CHECK_STATE(v, 0, PAGES - 1);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

/* A reserve section's view keeps a description of its file, and gives it
 * back when it is unmapped; the section's name is not held by it.  (The
 * handle had one descriptor: its hold's, which its views map too.) */
static void view_keeps_no_name(void)
{
	fm_section *s = reserved("Local\\gone");
	int before = test_fd_count();
	char *v = map(s, 0, FM_WRITE);

	CHECK_INT_EQ(test_fd_count(), before + 1);
	fm_section_close(s);
	test_expect_gone("Local\\gone");
	CHECK_OK(fm_view_commit(v, 1));
	CHECK_STATE(v, 1, 1);
	CHECK_OK(fm_view_unmap(v));
	CHECK_INT_EQ(test_fd_count(), before - 1);
}

/* Many views of a reserve section cost no descriptor each: the views of
 * one handle and one access share one, which goes with the last of them;
 * a commit through a view still works after the handle is closed. */
static void views_share_a_descriptor(void)
{
	enum { VIEWS = 200 };
	fm_section *s = reserved("Local\\many");
	int before = test_fd_count();
	char *w[VIEWS], *r[VIEWS];

	for (int i = 0; i < VIEWS; i++) {
		w[i] = map(s, (uint64_t)(i % PAGES) * pg, FM_WRITE);
		r[i] = map(s, (uint64_t)(i % PAGES) * pg, FM_READ);
	}
	/* one for the writable views, a read-only description and one for
	 * the read-only views */
	CHECK(test_fd_count() <= before + 3);
	fm_section_close(s);
	for (int i = 0; i < VIEWS - 1; i++) {
		CHECK_OK(fm_view_unmap(w[i]));
		CHECK_OK(fm_view_unmap(r[i]));
	}
	CHECK_OK(fm_view_commit(w[VIEWS - 1], 1));
	CHECK_STATE(r[VIEWS - 1], 1, 1);
	CHECK_OK(fm_view_unmap(w[VIEWS - 1]));
	CHECK_OK(fm_view_unmap(r[VIEWS - 1]));
	CHECK_INT_EQ(test_fd_count(), before - 1);
}

/* As uid 65534: opens the shared section read-only, sees page 2
 * committed, and commits page 9 through its read-only view. */
static int other_user_commits(void *arg)
{
	fm_section *s;
	size_t run = 0;
	char *v;

	(void)arg;
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return 90;
	if (fm_section_open(&s, "Global\\segment", FM_READ) < 0)
		return 1;
	if (fm_view_map((void **)&v, s, 0, 0, FM_READ) < 0)
		return 2;
	if (fm_view_committed(&run, v + 2 * pg) != 1 || run != pg)
		return 3;
	if (fm_view_commit(v + 9 * pg, 1) < 0 || v[9 * pg] != 0)
		return 4;
	fm_view_unmap(v);
	fm_section_close(s);
	return 0;
}

/* A Global\ section others may map keeps its data in a SysV segment: its
 * pages too have memory only once committed, for every view, in every
 * process, whoever commits them. */
static void shared_segment(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;
	char *a, *b, *tail;

	opts.flags = FM_SECTION_RESERVE;
	opts.mode = 0644;
	CHECK_OK(fm_section_create(&s, "Global\\segment", PAGES * pg, &opts));
	a = map(s, 0, FM_WRITE);
	b = map(s, 0, FM_READ);
	tail = map(s, 4 * pg, FM_READ);
	CHECK_STATE(b, 0, PAGES);
	CHECK_OK(fm_view_commit(b + 2 * pg, 1));
	CHECK_STATE(a, 0, 2);
	CHECK_STATE(a + 2 * pg, 1, 1);
	CHECK_STATE(tail, 0, PAGES - 4);
	CHECK_OK(fm_view_commit(tail + pg, pg));
	CHECK_STATE(a + 5 * pg, 1, 1);
	a[2 * pg] = 'x';
	CHECK(b[2 * pg] == 'x');
	if (geteuid() == 0) {
		CHECK_INT_EQ(test_in_child(other_user_commits, NULL), 0);
		CHECK_STATE(a + 9 * pg, 1, 1);
		CHECK_STATE(a + 10 * pg, 0, PAGES - 10);
	}
	CHECK_OK(fm_view_unmap(tail));
	CHECK_OK(fm_view_unmap(b));
	CHECK_OK(fm_view_unmap(a));
	fm_section_close(s);
}

static const struct test_case cases[] = {
	TEST_CASE(reserve_starts_empty),
	TEST_CASE(commit_shows_in_every_view),
	TEST_CASE(view_at_offset),
	TEST_CASE(touch_commits),
	TEST_CASE(commit_in_another_process),
	TEST_CASE(other_sections_are_committed),
	TEST_CASE(last_page),
	TEST_CASE(bad_arguments),
	TEST_CASE(view_keeps_no_name),
	TEST_CASE(views_share_a_descriptor),
	TEST_CASE(shared_segment),
};

static const struct test_helper helpers[] = {
	TEST_HELPER(helper_commit),
};

int main(int argc, char **argv)
{
	pg = fm_page_size();
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
