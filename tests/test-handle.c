/* SPDX-License-Identifier: MIT */
/*
 * test-handle.c - handles as descriptors: fm_section_fd, fm_section_adopt
 * across exec, fm_section_name/access, and views at a chosen address
 * (fm_view_map_at), the native ground the Win32 layer's inheritable handles
 * and MapViewOfFileEx stand on.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME "Local\\inherited"

/* Helper: adopts the descriptor argv[0], shows what it reads, then holds
 * the section until the pipe argv[1] reaches end of file. */
static int adopter(int argc, char **argv)
{
	fm_section *s;
	char *view, c;
	int r;

	r = fm_section_adopt(&s, atoi(argv[0]), 0);
	if (r < 0) {
		test_say("adopt failed: %s", fm_last_error_message());
		return 1;
	}
	if (fm_view_map((void **)&view, s, 0, 0, FM_READ) < 0)
		return 1;
	test_say("adopted %s access %u: %s", fm_section_name(s), fm_section_access(s), view);
	while (read(atoi(argv[1]), &c, 1) > 0)
		;
	fm_view_unmap(view);
	fm_section_close(s);
	return 0;
}

/*
 * The descriptor, inherited across exec and adopted, holds the name in the
 * child once the parent has closed its handle; the child's close removes
 * it.  keep_view: the parent maps a view before it gives the descriptor
 * out, and keeps it to the end: it keeps the memory, never the name.
 */
static void adopt_across_exec_case(bool keep_view)
{
	char fd_arg[16], pipe_arg[16];
	int hold[2], out, fd;
	fm_section *s, *probe;
	char *view;
	pid_t pid;

	CHECK_OK(fm_section_create(&s, NAME, 4096, NULL));
	CHECK_OK(fm_view_map((void **)&view, s, 0, 0, FM_WRITE));
	strcpy(view, "hello");
	if (!keep_view)
		CHECK_OK(fm_view_unmap(view));
	fd = fm_section_fd(s);
	CHECK(fd >= 0);
	CHECK_INT_EQ(fcntl(fd, F_SETFD, 0), 0); /* inheritable */
	CHECK_INT_EQ(pipe(hold), 0);
	fcntl(hold[1], F_SETFD, FD_CLOEXEC);
	snprintf(fd_arg, sizeof(fd_arg), "%d", fd);
	snprintf(pipe_arg, sizeof(pipe_arg), "%d", hold[0]);
	pid = test_spawn("adopter", &out, fd_arg, pipe_arg, NULL);
	close(hold[0]);

	/* Only the child's inherited hold keeps the name now. */
	fm_section_close(s);
	test_expect_line(out, "adopted Local\\inherited access 3: hello");
	CHECK_OK(fm_section_open(&probe, NAME, FM_READ));
	fm_section_close(probe);

	close(hold[1]);
	CHECK_INT_EQ(test_wait(pid), 0);
	CHECK_RC(fm_section_open(&probe, NAME, FM_READ), -ENOENT);
	close(out);
	if (keep_view) {
		CHECK_STR_EQ(view, "hello");
		CHECK_OK(fm_view_unmap(view));
	}
}

static void adopt_across_exec(void)
{
	adopt_across_exec_case(false);
}

static void adopt_across_exec_view_kept(void)
{
	adopt_across_exec_case(true);
}

/*
 * A handle whose descriptor was given out and made inheritable, closed
 * while another handle of the section (a duplicate) stays open, passes to
 * no program this process executes: its number, if still open, is
 * close-on-exec again.
 */
static void closed_handle_not_inherited(void)
{
	fm_section *s, *d;
	int fd, flags;

	CHECK_OK(fm_section_create(&s, NAME, 4096, NULL));
	CHECK_OK(fm_section_dup(&d, s, 0));
	fd = fm_section_fd(s);
	CHECK(fd >= 0);
	CHECK_INT_EQ(fcntl(fd, F_SETFD, 0), 0);
	fm_section_close(s);
	flags = fcntl(fd, F_GETFD);
	CHECK(flags < 0 || (flags & FD_CLOEXEC));
	fm_section_close(d);
	CHECK_RC(fm_section_open(&s, NAME, FM_READ), -ENOENT);
}

/* fm_section_fileno and fm_sync_fileno: each handle's own descriptor, the
 * same at every call and the one fm_section_fd gives, close-on-exec, of
 * the object's store file. */
static void check_own_descriptor(int a, int again, int b)
{
	struct stat sa, sb;

	CHECK(a >= 0 && b >= 0 && a != b);
	CHECK_INT_EQ(again, a);
	CHECK(fcntl(a, F_GETFD) & FD_CLOEXEC);
	CHECK(fcntl(b, F_GETFD) & FD_CLOEXEC);
	CHECK(fstat(a, &sa) == 0 && fstat(b, &sb) == 0);
	CHECK(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

static void fileno_is_the_handles_own(void)
{
	fm_section *s, *d;
	fm_event *e, *f;

	CHECK_RC(fm_section_fileno(NULL), -EINVAL);
	CHECK_RC(fm_sync_fileno(NULL), -EINVAL);
	CHECK_OK(fm_section_create(&s, NAME, 4096, NULL));
	CHECK_OK(fm_section_dup(&d, s, 0));
	check_own_descriptor(fm_section_fileno(s), fm_section_fileno(s), fm_section_fileno(d));
	CHECK_INT_EQ(fm_section_fd(s), fm_section_fileno(s));
	fm_section_close(s);
	fm_section_close(d);
	test_expect_gone(NAME);
	CHECK_OK(fm_event_create(&e, "Local\\ev", 0, NULL));
	CHECK_OK(fm_sync_dup(&f, e));
	check_own_descriptor(fm_sync_fileno(e), fm_sync_fileno(e), fm_sync_fileno(f));
	CHECK_INT_EQ(fm_sync_fd(e), fm_sync_fileno(e));
	fm_sync_close(e);
	fm_sync_close(f);
	test_expect_gone("Local\\ev");
}

static void adopt_refuses(void)
{
	fm_section *s, *a;
	int fds[2], fd;

	CHECK_RC(fm_section_adopt(NULL, 0, 0), -EINVAL);
	CHECK_INT_EQ(pipe(fds), 0);
	CHECK_RC(fm_section_adopt(&a, fds[0], 0), -EBADF);
	close(fds[0]);
	close(fds[1]);
	CHECK_RC(fm_section_adopt(&a, fds[0], 0), -EBADF); /* closed */
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	CHECK_RC(fm_section_adopt(&a, fd, 0), -EBADF); /* not a filemap object */
	close(fd);

	CHECK_OK(fm_section_create(&s, "Local\\ro", 100, NULL));
	fd = fm_section_fd(s);
	CHECK_RC(fm_section_adopt(&a, fd, 1u << 9), -EINVAL);
	/* A read-only descriptor cannot give a writable handle. */
	CHECK_INT_EQ(fm_section_dup(&a, s, FM_READ), 0);
	CHECK_RC(fm_section_adopt(&a, fm_section_fd(a), FM_WRITE), -EACCES);
	fm_section_close(a);
	fm_section_close(s);
	CHECK_RC(fm_section_fd(NULL), -EINVAL);
	CHECK(fm_section_name(NULL) == NULL);
	CHECK_INT_EQ(fm_section_access(NULL), 0);
}

static void unnamed_has_no_name(void)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, NULL, 10, NULL));
	CHECK(fm_section_name(s) == NULL);
	CHECK_INT_EQ(fm_section_access(s), FM_READ | FM_WRITE);
	fm_section_close(s);
	CHECK_OK(fm_section_create(&s, "plain", 10, NULL));
	CHECK_STR_EQ(fm_section_name(s), "Local\\plain");
	fm_section_close(s);
}

static void map_at_address(void)
{
	size_t page = fm_page_size();
	void *first, *again, *clash;
	fm_section *s;
	char *heap;

	CHECK_OK(fm_section_create(&s, "Local\\at", 65536, NULL));
	CHECK_OK(fm_view_map(&first, s, 0, 0, FM_WRITE));
	CHECK_RC(fm_view_map_at(&clash, s, 0, 0, FM_READ, first), -EEXIST);
	CHECK_RC(fm_view_map_at(&clash, s, 0, 0, FM_READ, (char *)first + page), -EEXIST);
	CHECK_OK(fm_view_unmap(first));
	CHECK_OK(fm_view_map_at(&again, s, 0, 0, FM_READ, first));
	CHECK(again == first);
	CHECK_RC(fm_view_map_at(&clash, s, 0, 0, FM_READ, (char *)first + 1), -EINVAL);
	CHECK_OK(fm_view_unmap(again));

	/* Never over memory the program owns. */
	heap = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(heap != MAP_FAILED);
	CHECK_RC(fm_view_map_at(&clash, s, 0, page, FM_READ, heap + page), -EEXIST);
	munmap(heap, 4 * page);
	fm_section_close(s);
}

static const struct test_case cases[] = {
	TEST_CASE(adopt_across_exec),
	TEST_CASE(adopt_across_exec_view_kept),
	TEST_CASE(closed_handle_not_inherited),
	TEST_CASE(fileno_is_the_handles_own),
	TEST_CASE(adopt_refuses),
	TEST_CASE(unnamed_has_no_name),
	TEST_CASE(map_at_address),
};

static const struct test_helper helpers[] = {
	TEST_HELPER(adopter),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
