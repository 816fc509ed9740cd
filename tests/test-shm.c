/* SPDX-License-Identifier: MIT */
/*
 * test-shm.c - objects other users may map (a Global\ name whose mode lets
 * group or others in), whose data is a SysV shared memory segment rather
 * than their store file: they behave as every section and sync object
 * does (views, duplicates, copy-on-write, fixed addresses, execute, fork,
 * exec, crashes), nobody can shrink them, no segment outlives its last
 * user, and a process in another IPC namespace, or a machine out of
 * segments, gets a clear error.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "internal.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#define NAME "Global\\shared"
#define PAGES 3

static size_t page(void)
{
	return fm_page_size();
}

static fm_section *create_shared(const char *name, unsigned access, unsigned flags)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.mode = 0666;
	opts.access = access;
	opts.flags = flags;
	CHECK_OK(fm_section_create(&s, name, PAGES * page() + 5, &opts));
	return s;
}

/* The segment of a held section, from its header (internal). */
static int segment_of(fm_section *s, struct shmid_ds *ds)
{
	struct fm__header h;

	CHECK(pread(fm_section_fd(s), &h, sizeof(h), 0) == (ssize_t)sizeof(h));
	CHECK(h.flags & FM__HDR_SHM);
	CHECK(shmctl(h.shm_id, IPC_STAT, ds) == 0);
	return h.shm_id;
}

/* Whether a segment of that id still exists. */
static bool segment_exists(int id)
{
	struct shmid_ds ds;

	return shmctl(id, IPC_STAT, &ds) == 0;
}

/* ------------------------------------------------------------------------
 * Behaving like any section
 * ------------------------------------------------------------------------ */

/* Its store file is its header alone; the segment has the object's mode,
 * is marked for removal, and has one attachment a handle. */
static void data_in_a_segment(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *d;
	struct shmid_ds ds;
	struct stat st;
	int id;

	CHECK(fstat(fm_section_fd(s), &st) == 0);
	CHECK_INT_EQ(st.st_size, (off_t)page());
	CHECK_INT_EQ(st.st_mode & 07777, 0644);
	id = segment_of(s, &ds);
	CHECK_INT_EQ(ds.shm_perm.mode & 0777, 0666);
	CHECK(ds.shm_perm.mode & SHM_DEST);
	CHECK_INT_EQ(ds.shm_segsz, PAGES * page() + 5);
	CHECK_INT_EQ(ds.shm_nattch, 1);
	CHECK_OK(fm_section_dup(&d, s, 0));
	CHECK_INT_EQ(segment_of(d, &ds), id);
	CHECK_INT_EQ(ds.shm_nattch, 2);
	fm_section_close(d);
	fm_section_close(s);
	CHECK(!segment_exists(id));
	test_expect_gone(NAME);
}

/* Views share memory with every handle; an offset view; the last page's
 * tail reads zero; a view keeps the memory (not the name) after close. */
static void views_share_and_outlive(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *o;
	char *whole, *second, *other;
	struct shmid_ds ds;
	int id = segment_of(s, &ds);

	whole = test_map_whole(s, FM_WRITE);
	CHECK_OK(fm_view_map((void **)&second, s, page(), 0, FM_READ));
	CHECK_OK(fm_section_open(&o, NAME, FM_READ));
	other = test_map_whole(o, FM_READ);
	strcpy(whole + page(), "second page");
	CHECK_STR_EQ(second, "second page");
	CHECK_STR_EQ(other + page(), "second page");
	CHECK_INT_EQ(whole[PAGES * page() + 100], 0);
	fm_section_close(o);
	fm_section_close(s);
	test_expect_gone(NAME);
	CHECK(segment_exists(id));
	strcpy(whole, "still mine");
	CHECK_STR_EQ(other, "still mine");
	CHECK_OK(fm_view_unmap(whole));
	CHECK_OK(fm_view_unmap(second));
	CHECK_OK(fm_view_unmap(other));
	CHECK(!segment_exists(id));
}

/* A read-only view, even of a writable handle, can never be made writable;
 * a read-only section refuses write views. */
static void read_only_views_stay_so(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *r, *d;
	char *ro, *w;
	void *v;

	ro = test_map_whole(s, FM_READ);
	CHECK(mprotect(ro, page(), PROT_READ | PROT_WRITE) < 0);
	CHECK_OK(fm_section_dup(&d, s, FM_READ));
	w = test_map_whole(d, FM_READ);
	CHECK(mprotect(w, page(), PROT_READ | PROT_WRITE) < 0);
	CHECK_RC(fm_view_map(&v, d, 0, 0, FM_WRITE), -EACCES);
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(d);
	r = create_shared("Global\\ro", FM_READ, 0);
	CHECK_RC(fm_view_map(&v, r, 0, 0, FM_WRITE), -EACCES);
	w = test_map_whole(r, FM_READ);
	CHECK(mprotect(w, page(), PROT_READ | PROT_WRITE) < 0);
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(r);
	CHECK_OK(fm_view_unmap(ro));
	fm_section_close(s);
}

/* A copy-on-write view is private and never changes the section. */
static void copy_view_is_private(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	char *w = test_map_whole(s, FM_WRITE), *c;

	strcpy(w, "shared");
	c = test_map_whole(s, FM_COPY);
	CHECK_STR_EQ(c, "shared");
	strcpy(c, "mine");
	CHECK_STR_EQ(w, "shared");
	CHECK_OK(fm_view_unmap(c));
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

/* A view at a chosen address, never over a mapping there. */
static void view_at_fixed_address(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	size_t len = PAGES * page() + page();
	void *hole = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *v;
	char *w = test_map_whole(s, FM_WRITE);

	CHECK(hole != MAP_FAILED);
	CHECK_RC(fm_view_map_at(&v, s, 0, 0, FM_READ, hole), -EEXIST);
	munmap(hole, len);
	CHECK_OK(fm_view_map_at(&v, s, 0, 0, FM_READ, hole));
	CHECK(v == hole);
	strcpy(w, "fixed");
	CHECK_STR_EQ(v, "fixed");
	CHECK_OK(fm_view_unmap(v));
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

/* A child holds what its parent held, across fork. */
static int child_writes(void *view)
{
	strcpy(view, "from the child");
	return 0;
}

static void fork_shares(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	char *w = test_map_whole(s, FM_WRITE);

	CHECK_INT_EQ(test_in_child(child_writes, w), 0);
	CHECK_STR_EQ(w, "from the child");
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

/* The bytes of segment id in memory (/proc/sysvipc/shm's rss). */
static unsigned long long resident(int id)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	unsigned long long rss = 0;
	char line[512];
	int shmid;

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d %d %*o %*u %*d %*d %*u %*u %*u %*u %*u %*u %*u %*u %llu",
			   &shmid, &rss) == 2 && shmid == id)
			break;
	fclose(f);
	return rss;
}

/* A section's memory is taken at create, unless it is reserved: then each
 * page is taken when first touched. */
static void commit_and_reserve(void)
{
	fm_section *c = create_shared(NAME, FM_READ | FM_WRITE, 0);
	fm_section *r = create_shared("Global\\reserved", FM_READ | FM_WRITE, FM_SECTION_RESERVE);
	struct shmid_ds ds;
	char *w;

	CHECK_INT_EQ(resident(segment_of(c, &ds)), (PAGES + 1) * page());
	CHECK_INT_EQ(resident(segment_of(r, &ds)), 0);
	w = test_map_whole(r, FM_WRITE);
	w[page()] = 1;
	CHECK_INT_EQ(resident(segment_of(r, &ds)), page());
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(r);
	fm_section_close(c);
}

/* Sync objects too: their state page is the segment's first page. */
static void sync_state_in_a_segment(void)
{
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	fm_sync *m, *other, *dup;
	struct stat st;

	opts.mode = 0660;
	CHECK_OK(fm_semaphore_create(&m, "Global\\sem", 2, 5, &opts));
	CHECK(fstat(fm_sync_fd(m), &st) == 0);
	CHECK_INT_EQ(st.st_size, (off_t)page());
	CHECK_OK(fm_semaphore_open(&other, "Global\\sem"));
	CHECK_OK(fm_sync_dup(&dup, other));
	CHECK_OK(fm_semaphore_wait(dup, 0));
	CHECK_OK(fm_semaphore_wait(m, 0));
	CHECK_RC(fm_semaphore_wait(other, 0), -ETIMEDOUT);
	CHECK_OK(fm_semaphore_release(m, 1, NULL));
	CHECK_OK(fm_semaphore_wait(other, 0));
	fm_sync_close(dup);
	fm_sync_close(other);
	fm_sync_close(m);
}

/* ------------------------------------------------------------------------
 * Lifetime
 * ------------------------------------------------------------------------ */

/* Helper: creates argv[0] shared, says "ready <segment id>", and waits to
 * be killed. */
static int holder(int argc, char **argv)
{
	fm_section *s = create_shared(argv[0], FM_READ | FM_WRITE, 0);
	struct shmid_ds ds;

	test_say("ready %d", segment_of(s, &ds));
	pause();
	return 0;
}

/* A holder killed with SIGKILL leaves an orphan name and no segment. */
static void killed_holder_leaves_nothing(void)
{
	char line[64];
	pid_t pid;
	int out, id;

	pid = test_spawn("holder", &out, NAME, NULL);
	CHECK(test_read_line(out, line, sizeof(line)) && sscanf(line, "ready %d", &id) == 1);
	CHECK(segment_exists(id));
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK_INT_EQ(test_wait(pid), 128 + SIGKILL);
	close(out);
	CHECK(!segment_exists(id));
	test_expect_gone(NAME);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Helper: adopts descriptor argv[0] and reads what the section holds. */
static int adopter(int argc, char **argv)
{
	fm_section *s;
	char *view;
	int r = fm_section_adopt(&s, atoi(argv[0]), 0);

	if (r < 0) {
		test_say("%s", fm_errname(r));
		return 0;
	}
	view = test_map_whole(s, FM_READ);
	test_say("adopted access %u: %s", fm_section_access(s), view);
	fm_section_close(s);
	return 0;
}

/* Starts adopter on s's descriptor. */
static pid_t spawn_adopter(fm_section *s, int *out)
{
	char fd_arg[16];

	CHECK_INT_EQ(fcntl(fm_section_fd(s), F_SETFD, 0), 0);
	snprintf(fd_arg, sizeof(fd_arg), "%d", fm_section_fd(s));
	return test_spawn("adopter", out, fd_arg, NULL);
}

/*
 * A handle inherited across exec attaches the segment by its id, with the
 * access the object's mode gives its user, while some process still has
 * the segment attached.
 */
static void adopt_across_exec(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	char *w = test_map_whole(s, FM_WRITE);
	pid_t pid;
	int out;

	strcpy(w, "inherited");
	pid = spawn_adopter(s, &out);
	test_expect_line(out, "adopted access 3: inherited");
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

/*
 * If every process that had the segment attached is gone before the
 * inherited handle is used, the memory is gone with them: the handle is
 * -ESTALE, and an open of the name, which that handle still holds, says so.
 */
static void adopt_after_memory_gone(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *o;
	struct shmid_ds ds;
	int id = segment_of(s, &ds), out;
	pid_t pid;

	/* The handle keeps its hold on the name, and lets its memory go, as an
	 * inherited descriptor nobody adopted yet does. */
	CHECK(munmap(s->obj.shm, fm__shm_length(&s->obj.hdr)) == 0);
	s->obj.shm = NULL;
	CHECK(!segment_exists(id));
	CHECK_RC(fm_section_open(&o, NAME, FM_READ), -ESTALE);
	CHECK(strstr(fm_last_error_message(), "memory is gone") != NULL);
	pid = spawn_adopter(s, &out);
	test_expect_line(out, "ESTALE");
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	fm_section_close(s);
	test_expect_gone(NAME);
}

/* ------------------------------------------------------------------------
 * Limits and namespaces (root: a private IPC namespace)
 * ------------------------------------------------------------------------ */

static void need_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root for an IPC namespace of its own");
}

static void new_ipc_namespace(void)
{
	if (unshare(CLONE_NEWIPC) < 0)
		SKIP("unshare(CLONE_NEWIPC): %s", strerror(errno));
}

/* A process in another IPC namespace cannot attach: it is told why. */
static int open_elsewhere(void *unused)
{
	fm_section *s;

	new_ipc_namespace();
	CHECK_FAIL(fm_section_open(&s, NAME, FM_READ), -ENOTSUP, "fm_section_open", NAME);
	CHECK(strstr(fm_last_error_message(), "IPC namespace") != NULL);
	return 0;
}

static void other_ipc_namespace(void)
{
	fm_section *s;

	need_root();
	s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	CHECK_INT_EQ(test_in_child(open_elsewhere, NULL), 0);
	fm_section_close(s);
}

/* With kernel.shmmni segments in use, a create is -ENOSPC naming it, and
 * leaves nothing behind; Local\ objects need no segment. */
static int run_out_of_segments(void *unused)
{
	fm_section *a, *b, *l;
	int fd;

	new_ipc_namespace();
	fd = open("/proc/sys/kernel/shmmni", O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0 && write(fd, "1", 1) == 1);
	close(fd);
	a = create_shared(NAME, FM_READ | FM_WRITE, 0);
	CHECK_FAIL(fm_section_create(&b, "Global\\second", 4096,
				     &(struct fm_section_opts){ sizeof(struct fm_section_opts),
								FM_READ | FM_WRITE, 0, -1, 0666 }),
		   -ENOSPC, "fm_section_create", "Global\\second");
	CHECK(strstr(fm_last_error_message(), "kernel.shmmni") != NULL);
	CHECK_OK(fm_section_create(&l, "Local\\plenty", 4096, NULL));
	fm_section_close(l);
	fm_section_close(a);
	return 0;
}

static void out_of_segments(void)
{
	need_root();
	CHECK_INT_EQ(test_in_child(run_out_of_segments, NULL), 0);
	CHECK_INT_EQ(test_store_count(), 0);
}

static const struct test_case cases[] = {
	TEST_CASE(data_in_a_segment),
	TEST_CASE(views_share_and_outlive),
	TEST_CASE(read_only_views_stay_so),
	TEST_CASE(copy_view_is_private),
	TEST_CASE(view_at_fixed_address),
	TEST_CASE(fork_shares),
	TEST_CASE(commit_and_reserve),
	TEST_CASE(sync_state_in_a_segment),
	TEST_CASE(killed_holder_leaves_nothing),
	TEST_CASE(adopt_across_exec),
	TEST_CASE(adopt_after_memory_gone),
	TEST_CASE(other_ipc_namespace),
	TEST_CASE(out_of_segments),
};

static const struct test_helper helpers[] = {
	TEST_HELPER(holder),
	TEST_HELPER(adopter),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
