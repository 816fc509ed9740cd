/* SPDX-License-Identifier: MIT */
/*
 * test-faults.c - fault injection: every system call a public call makes
 * fails in turn.  For N = 1, 2, 3, ... the Nth wrapper call of os.h fails
 * (fm__os_fail_nth) during one public call; whatever the call returns, it
 * must not crash, a failure must be a negative code with this call's
 * message, and once everything is closed the store must be empty and no
 * descriptor left open.  The loop ends at the first N the call no longer
 * reaches.  The release path (fm_section_close) may leave an orphan when
 * its last-one-out removal is the call that fails; the next open of the
 * name must then remove it.  An injected close failure still closes the
 * descriptor, as a real close on Linux always does.
 */
#define _GNU_SOURCE
#include "harness.h"

#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME "Local\\f"
#define SIZE (3 * 4096 + 17)
/* Far more system calls than any one public call makes. */
#define MAX_N 1000

/* Leaves a message no call under test writes, so that a failure that
 * forgets its own message is caught. */
static void stale_message(void)
{
	CHECK_RC(fm_view_query(NULL, NULL), -EINVAL);
}

static void arm(long n, int err)
{
	stale_message();
	fm__os_fail_nth(n, err);
}

/* Disarms; whether the injected failure happened. */
static bool disarm(void)
{
	return fm__os_fail_remaining() == 0;
}

/* A result under injection: success, or a known failure with its message. */
static void check_result(const char *file, int line, int r, const char *call)
{
	const char *m = fm_last_error_message();
	size_t n = strlen(call);

	if (r >= 0)
		return;
	if (strcmp(fm_errname(r), "UNKNOWN") == 0)
		test_fail(file, line, "%s returned the unknown code %d", call, r);
	if (strncmp(m, call, n) != 0 || m[n] != ':')
		test_fail(file, line, "%s failed with %s but left the message \"%s\"", call,
			  fm_errname(r), m);
}

#define CHECK_RESULT(r, call) check_result(__FILE__, __LINE__, r, call)

/* The name most steps use, and its mode: a Local\ name, or a Global\ name
 * others may map, whose data is a SysV shared memory segment. */
static const char *target = NAME;
static uint32_t target_mode;

static void share_target(void)
{
	target = "Global\\f-shared";
	target_mode = 0666;
}

static int create_with_mode(fm_section **s, const char *name)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;

	opts.mode = name && strcmp(name, target) == 0 ? target_mode : 0;
	return fm_section_create(s, name, SIZE, &opts);
}

static fm_section *create_plain(const char *name)
{
	fm_section *s;

	CHECK_RC(create_with_mode(&s, name), 0);
	return s;
}

/* The SysV segments this process made that nobody has attached: a segment
 * is marked for removal as soon as it is made, and so goes with its last
 * attachment; one still there unattached would outlive every process.
 * (One an injected munmap failure left attached goes with this process.) */
static int segments_left(void)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	char line[512];
	int n = 0, cpid;
	unsigned long nattch;

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d %*d %*o %*u %d %*d %lu", &cpid, &nattch) == 2 &&
		    cpid == getpid() && nattch == 0)
			n++;
	fclose(f);
	return n;
}

/* Removes the (empty) store directories, so the next call makes them. */
static void remove_store_dirs(void)
{
	char path[800];

	snprintf(path, sizeof(path), "%s/local-%u", test_root(), (unsigned)geteuid());
	rmdir(path);
	snprintf(path, sizeof(path), "%s/global", test_root());
	rmdir(path);
	rmdir(test_root());
}

/* One step: injects a failure at the nth call; returns whether it fired. */
typedef bool step_fn(long n, int err);

/* Runs step for n = 1, 2, ... until its fault no longer fires, checking
 * the store and the descriptors after each. */
static void for_each_fault(step_fn *step, int err)
{
	long n;
	int fds;

	/* The namespace directories stay cached (a descriptor each) from here. */
	fm_section_close(create_plain("Local\\warm"));
	fm_section_close(create_plain("Global\\warm"));
	fds = test_fd_count();
	for (n = 1; n < MAX_N; n++) {
		bool fired = step(n, err);

		if (test_store_count() != 0)
			FAIL("fault at call %ld left %d object(s) in the store", n,
			     test_store_count());
		if (test_fd_count() != fds)
			FAIL("fault at call %ld: %d descriptors open, %d before", n, test_fd_count(), fds);
		if (segments_left() != 0)
			FAIL("fault at call %ld left %d shared memory segment(s)", n, segments_left());
		if (!fired)
			break;
	}
	CHECK(n > 1 && n < MAX_N);
}

/*
 * Creates name (NULL: unnamed) with the nth call failing.  A success must be
 * `expected` and a working section, which is then closed.  Returns whether
 * the fault fired; *result gets the result.
 */
static bool create_under_fault(long n, int err, const char *name, int expected, int *result)
{
	fm_section *s;
	bool fired;
	void *v;
	int r;

	arm(n, err);
	r = create_with_mode(&s, name);
	fired = disarm();
	CHECK_RESULT(r, "fm_section_create");
	if (r >= 0) {
		CHECK_RC(r, expected);
		CHECK_INT_EQ(fm_section_size(s), SIZE);
		CHECK_OK(fm_view_map(&v, s, 0, 0, FM_WRITE));
		CHECK_OK(fm_view_unmap(v));
		fm_section_close(s);
	}
	*result = r;
	return fired;
}

static bool step_create(long n, int err)
{
	int r;

	return create_under_fault(n, err, target, 0, &r);
}

/* The same with no store directory yet: their creation fails in turn. */
static bool step_create_cold(long n, int err)
{
	remove_store_dirs();
	return step_create(n, err);
}

static bool step_create_global(long n, int err)
{
	int r;

	return create_under_fault(n, err, "Global\\f", 0, &r);
}

static bool step_create_unnamed(long n, int err)
{
	int r;

	return create_under_fault(n, err, NULL, 0, &r);
}

/* Creating a name that exists: the answer is that object, or a failure. */
static bool step_create_existing(long n, int err)
{
	fm_section *held = create_plain(target);
	bool fired;
	int r;

	fired = create_under_fault(n, err, target, FM_EXISTED, &r);
	fm_section_close(held);
	return fired;
}

static bool step_open(long n, int err)
{
	fm_section *held = create_plain(target), *s;
	bool fired;
	int r;

	arm(n, err);
	r = fm_section_open(&s, target, FM_READ | FM_WRITE);
	fired = disarm();
	CHECK_RESULT(r, "fm_section_open");
	if (r >= 0) {
		CHECK_INT_EQ(fm_section_size(s), SIZE);
		fm_section_close(s);
	}
	fm_section_close(held);
	return fired;
}

static bool step_dup(long n, int err)
{
	fm_section *held = create_plain(target), *s;
	bool fired;
	int r;

	arm(n, err);
	r = fm_section_dup(&s, held, FM_READ);
	fired = disarm();
	CHECK_RESULT(r, "fm_section_dup");
	if (r >= 0)
		fm_section_close(s);
	fm_section_close(held);
	return fired;
}

/* A view of a writable handle with access (the first of its kind may
 * open or attach what it maps from). */
static bool map_under_fault(long n, int err, unsigned access)
{
	fm_section *held = create_plain(target);
	char *v;
	bool fired;
	int r;

	arm(n, err);
	r = fm_view_map((void **)&v, held, 0, 0, access);
	fired = disarm();
	CHECK_RESULT(r, "fm_view_map");
	if (r >= 0) {
		if (access & (FM_WRITE | FM_COPY))
			v[SIZE - 1] = 1;
		CHECK_INT_EQ(v[0], 0);
		CHECK_OK(fm_view_unmap(v));
	}
	fm_section_close(held);
	return fired;
}

static bool step_map(long n, int err)
{
	return map_under_fault(n, err, FM_WRITE);
}

static bool step_map_read(long n, int err)
{
	return map_under_fault(n, err, FM_READ);
}

static bool step_map_copy(long n, int err)
{
	return map_under_fault(n, err, FM_COPY);
}

/* An unmap that fails may leave the pages mapped; they are unmapped here
 * directly, so the next step starts from a clean address space. */
static bool step_unmap(long n, int err)
{
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	fm_section *held = create_plain(target);
	bool fired;
	void *v;
	int r;

	CHECK_OK(fm_view_map(&v, held, 0, 0, FM_READ));
	arm(n, err);
	r = fm_view_unmap(v);
	fired = disarm();
	CHECK_RESULT(r, "fm_view_unmap");
	if (r < 0 && fm_view_query(&info, v) == 0)
		CHECK_OK(fm_view_unmap(v));
	else if (r < 0)
		munmap(v, fm__round_up(SIZE, fm_page_size()));
	fm_section_close(held);
	return fired;
}

static fm_section *create_reserved(const char *name)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.flags = FM_SECTION_RESERVE;
	opts.mode = strcmp(name, target) == 0 ? target_mode : 0;
	CHECK_OK(fm_section_create(&s, name, SIZE, &opts));
	return s;
}

/* A reserve section's view keeps a description of its file. */
static bool step_map_reserved(long n, int err)
{
	fm_section *held = create_reserved(target);
	bool fired;
	void *v;
	int r;

	arm(n, err);
	r = fm_view_map(&v, held, 0, 0, FM_WRITE);
	fired = disarm();
	CHECK_RESULT(r, "fm_view_map");
	if (r >= 0)
		CHECK_OK(fm_view_unmap(v));
	fm_section_close(held);
	return fired;
}

/* Commit through a writable view, then through a read-only one. */
static bool step_commit(long n, int err)
{
	fm_section *held = create_reserved(target);
	bool fired;
	void *v, *w;
	int r;

	CHECK_OK(fm_view_map(&v, held, 0, 0, FM_WRITE));
	CHECK_OK(fm_view_map(&w, held, 0, 0, FM_READ));
	arm(n, err);
	r = fm_view_commit(v, 1);
	if (r >= 0)
		r = fm_view_commit((char *)w + fm_page_size(), 1);
	fired = disarm();
	CHECK_RESULT(r, "fm_view_commit");
	CHECK_OK(fm_view_unmap(w));
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(held);
	return fired;
}

/* Whether pages have memory: a committed page, then a reserved one. */
static bool step_committed(long n, int err)
{
	fm_section *held = create_reserved(target);
	size_t run;
	bool fired;
	void *v;
	int r;

	CHECK_OK(fm_view_map(&v, held, 0, 0, FM_WRITE));
	CHECK_OK(fm_view_commit(v, 1));
	arm(n, err);
	r = fm_view_committed(&run, v);
	if (r >= 0)
		r = fm_view_committed(&run, (char *)v + fm_page_size());
	fired = disarm();
	CHECK_RESULT(r, "fm_view_committed");
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(held);
	return fired;
}

/*
 * The release path.  A failure in the last-one-out removal may leave the
 * object behind as an orphan (nobody holds it); then the next open of the
 * name must remove it and report it absent.
 */
static bool step_close(long n, int err)
{
	fm_section *s = create_plain(target), *o;
	void *v;
	bool fired;

	CHECK_OK(fm_view_map(&v, s, 0, 0, FM_READ));
	arm(n, err);
	fm_section_close(s);
	fired = disarm();
	if (test_store_count() != 0) {
		CHECK_RC(fm_section_open(&o, target, FM_READ), -ENOENT);
		CHECK_INT_EQ(test_store_count(), 0);
	}
	CHECK_OK(fm_view_unmap(v));
	return fired;
}

static void fault_create(void)
{
	for_each_fault(step_create, EIO);
}

static void fault_create_cold_store(void)
{
	for_each_fault(step_create_cold, EIO);
}

static void fault_create_global(void)
{
	for_each_fault(step_create_global, EIO);
}

static void fault_create_unnamed(void)
{
	for_each_fault(step_create_unnamed, EIO);
}

static void fault_create_existing(void)
{
	for_each_fault(step_create_existing, EIO);
}

static void fault_open(void)
{
	for_each_fault(step_open, EIO);
}

static void fault_dup(void)
{
	for_each_fault(step_dup, EIO);
}

static void fault_map(void)
{
	for_each_fault(step_map, EIO);
}

static void fault_unmap(void)
{
	for_each_fault(step_unmap, EIO);
}

static void fault_close(void)
{
	for_each_fault(step_close, EIO);
}

static void fault_map_reserved(void)
{
	for_each_fault(step_map_reserved, EIO);
}

static void fault_commit(void)
{
	for_each_fault(step_commit, EIO);
}

static void fault_committed(void)
{
	for_each_fault(step_committed, EIO);
}

static void fault_map_read(void)
{
	for_each_fault(step_map_read, EIO);
}

static void fault_map_copy(void)
{
	for_each_fault(step_map_copy, EIO);
}

/* The same for a Global\ section others may map: a segment's data. */
static void fault_shared(void)
{
	static step_fn *const steps[] = {
		step_create, step_create_existing, step_open, step_dup, step_map, step_map_read,
		step_map_copy, step_unmap, step_close, step_map_reserved, step_commit,
		step_committed,
	};

	share_target();
	for (size_t i = 0; i < TEST_COUNT(steps); i++)
		for_each_fault(steps[i], EIO);
	for_each_fault(step_create, ENOMEM);
}

/* Other errors take the same paths; ENOMEM and EMFILE are the likely ones. */
static void fault_other_errors(void)
{
	for_each_fault(step_create, ENOMEM);
	for_each_fault(step_open, EMFILE);
	for_each_fault(step_create_existing, EINTR);
}

/* ---- file-backed sections ---- */

/* The size of the backing file before each step: shorter than SIZE, so
 * that create grows it. */
#define FILE_START 100

/* A backing file in the case's directory (beside its store), FILE_START
 * bytes long, open with flags. */
static int backing_file(int flags)
{
	char path[1024];
	size_t n = strlen(test_root()) - strlen("/root");
	int fd;

	snprintf(path, sizeof(path), "%.*s/backing", (int)n, test_root());
	fd = open(path, flags | O_CREAT | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	CHECK_INT_EQ(ftruncate(fd, FILE_START), 0);
	return fd;
}

static uint64_t fd_size(int fd)
{
	struct stat st;

	CHECK_INT_EQ(fstat(fd, &st), 0);
	return (uint64_t)st.st_size;
}

/* Creates a file section under fault: a failure leaves the file as it was. */
static bool file_create_under_fault(long n, int err, const char *name)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;
	bool fired;
	char *v;
	int r;

	opts.fd = backing_file(O_RDWR);
	arm(n, err);
	r = fm_section_create(&s, name, SIZE, &opts);
	fired = disarm();
	CHECK_RESULT(r, "fm_section_create");
	if (r >= 0) {
		CHECK_RC(r, 0);
		CHECK_INT_EQ(fd_size(opts.fd), SIZE);
		CHECK_OK(fm_view_map((void **)&v, s, 0, 0, FM_WRITE));
		v[SIZE - 1] = 1;
		CHECK_OK(fm_view_unmap(v));
		fm_section_close(s);
	} else {
		CHECK_INT_EQ(fd_size(opts.fd), FILE_START);
	}
	close(opts.fd);
	return fired;
}

static bool step_file_create(long n, int err)
{
	return file_create_under_fault(n, err, NAME);
}

static bool step_file_create_unnamed(long n, int err)
{
	return file_create_under_fault(n, err, NULL);
}

/* Opening a named file section opens its file by path. */
static bool step_file_open(long n, int err)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *held, *s;
	bool fired;
	int r;

	opts.fd = backing_file(O_RDWR);
	CHECK_OK(fm_section_create(&held, NAME, 0, &opts));
	close(opts.fd);
	arm(n, err);
	r = fm_section_open(&s, NAME, FM_READ | FM_WRITE);
	fired = disarm();
	CHECK_RESULT(r, "fm_section_open");
	if (r >= 0) {
		CHECK_INT_EQ(fm_section_size(s), FILE_START);
		CHECK_OK(fm_section_sync(s));
		fm_section_close(s);
	}
	fm_section_close(held);
	return fired;
}

static void fault_file_create(void)
{
	for_each_fault(step_file_create, EIO);
	for_each_fault(step_file_create, ENOSPC);
}

static void fault_file_create_unnamed(void)
{
	for_each_fault(step_file_create_unnamed, EIO);
}

static void fault_file_open(void)
{
	for_each_fault(step_file_open, EIO);
}

/* ENOSPC where fallocate reserves the memory: create reports -ENOSPC, with
 * a message saying the store cannot hold it. */
static bool saw_no_space;

static bool step_no_space(long n, int err)
{
	bool fired;
	int r;

	fired = create_under_fault(n, ENOSPC, NAME, 0, &r);
	if (r == -ENOSPC && strstr(fm_last_error_message(), "cannot hold"))
		saw_no_space = true;
	return fired;
}

static void fault_no_space(void)
{
	for_each_fault(step_no_space, ENOSPC);
	CHECK(saw_no_space);
	/* The same for an unnamed section, and where the name exists (the
	 * creator then gets that object and needs no room). */
	for_each_fault(step_create_unnamed, ENOSPC);
	for_each_fault(step_create_existing, ENOSPC);
}

static const struct test_case cases[] = {
	TEST_CASE(fault_create),
	TEST_CASE(fault_create_cold_store),
	TEST_CASE(fault_create_global),
	TEST_CASE(fault_create_unnamed),
	TEST_CASE(fault_create_existing),
	TEST_CASE(fault_open),
	TEST_CASE(fault_dup),
	TEST_CASE(fault_map),
	TEST_CASE(fault_map_read),
	TEST_CASE(fault_map_copy),
	TEST_CASE(fault_unmap),
	TEST_CASE(fault_close),
	TEST_CASE(fault_map_reserved),
	TEST_CASE(fault_commit),
	TEST_CASE(fault_committed),
	TEST_CASE(fault_shared),
	TEST_CASE(fault_other_errors),
	TEST_CASE(fault_no_space),
	TEST_CASE(fault_file_create),
	TEST_CASE(fault_file_create_unnamed),
	TEST_CASE(fault_file_open),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
