/* SPDX-License-Identifier: MIT */
/*
 * test-file.c - file-backed sections: sizes (0 = the file's, growth to the
 * exact size, no truncation), the file's open mode bounding the section,
 * bad descriptors, copy-on-write views that never reach the file,
 * coherence with other processes and with read(), flush and sync, named
 * sections opened by path in another process, and a backing file that was
 * removed, replaced or truncated under the name (-ESTALE).
 *
 * Files live in the case's private directory (beside its store root), which
 * the harness removes; a test that needs a disk file system uses an
 * O_TMPFILE under /var/tmp, which leaves nothing behind.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <grp.h>
#include <unistd.h>

#define PAGE ((uint64_t)fm_page_size())

/* A path in the case's private directory (the one holding its store). */
static const char *tpath(const char *leaf)
{
	static char paths[8][1024];
	static int next;
	char *p = paths[next++ % 8];
	size_t n = strlen(test_root()) - strlen("/root");

	snprintf(p, sizeof(paths[0]), "%.*s/%s", (int)n, test_root(), leaf);
	return p;
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* Creates path with size bytes of pattern(); returns it. */
static const char *make_file(const char *leaf, uint64_t size)
{
	const char *path = tpath(leaf);
	uint8_t buf[4096];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	CHECK(fd >= 0);
	for (uint64_t done = 0; done < size;) {
		size_t n = size - done < sizeof(buf) ? (size_t)(size - done) : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(done + i);
		CHECK_INT_EQ(pwrite(fd, buf, n, (off_t)done), n);
		done += n;
	}
	close(fd);
	return path;
}

static int open_file(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		FAIL("open %s: %s", path, strerror(errno));
	return fd;
}

static uint64_t size_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		FAIL("stat %s: %s", path, strerror(errno));
	return (uint64_t)st.st_size;
}

/* Creates a section over fd with access; expects result. */
static int create_file(fm_section **s, const char *name, uint64_t size, int fd, unsigned access)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;

	opts.fd = fd;
	opts.access = access;
	return fm_section_create(s, name, size, &opts);
}

static fm_section *file_section(const char *name, uint64_t size, int fd, unsigned access)
{
	fm_section *s;

	CHECK_OK(create_file(&s, name, size, fd, access));
	return s;
}

/* Checks that view holds pattern() for [from, to). */
static void check_pattern(const uint8_t *view, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		if (view[i] != pattern(i))
			FAIL("byte %llu is %u, expected %u", (unsigned long long)i, view[i],
			     pattern(i));
}

/* The byte at offset of the file at path, read with pread. */
static int byte_at(const char *path, uint64_t offset)
{
	int fd = open_file(path, O_RDONLY);
	uint8_t c = 0;

	CHECK_INT_EQ(pread(fd, &c, 1, (off_t)offset), 1);
	close(fd);
	return c;
}

/* ---- sizes ---- */

static void grow_to_exact_size(void)
{
	const char *a = make_file("a", 100), *b = make_file("b", 100);
	fm_section *s, *n;
	uint8_t *v;
	int fd;

	fd = open_file(a, O_RDWR);
	s = file_section(NULL, 10000, fd, FM_READ | FM_WRITE);
	close(fd);
	CHECK_INT_EQ(size_of(a), 10000);
	CHECK_INT_EQ(fm_section_size(s), 10000);
	v = test_map_whole(s, FM_WRITE);
	check_pattern(v, 0, 100);
	CHECK_INT_EQ(v[100] | v[9999], 0);
	v[9999] = 42;
	CHECK_OK(fm_view_unmap(v));
	CHECK_INT_EQ(byte_at(a, 9999), 42);
	fm_section_close(s);
	/* Named: the same, and the file's blocks are taken at create. */
	fd = open_file(b, O_RDWR);
	n = file_section("grow", 5 * PAGE + 1, fd, FM_READ | FM_WRITE);
	close(fd);
	CHECK_INT_EQ(size_of(b), 5 * PAGE + 1);
	{
		struct stat st;

		CHECK_INT_EQ(stat(b, &st), 0);
		CHECK((uint64_t)st.st_blocks * 512 >= 5 * PAGE + 1);
	}
	fm_section_close(n);
	CHECK_INT_EQ(size_of(b), 5 * PAGE + 1);
}

/* FM_SECTION_RESERVE grows the file sparse. */
static void grow_sparse(void)
{
	const char *a = make_file("a", 0);
	int fd = open_file(a, O_RDWR);
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	struct stat st;
	fm_section *s;

	opts.fd = fd;
	opts.flags = FM_SECTION_RESERVE;
	CHECK_OK(fm_section_create(&s, NULL, 64 * PAGE, &opts));
	close(fd);
	CHECK_INT_EQ(stat(a, &st), 0);
	CHECK_INT_EQ(st.st_size, 64 * PAGE);
	CHECK((uint64_t)st.st_blocks * 512 < 64 * PAGE);
	fm_section_close(s);
}

static void size_zero_is_file_size(void)
{
	const char *a = make_file("a", 3 * PAGE + 5);
	int fd = open_file(a, O_RDONLY);
	fm_section *s = file_section(NULL, 0, fd, FM_READ), *n;
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	uint8_t *v;

	CHECK_INT_EQ(fm_section_size(s), 3 * PAGE + 5);
	v = test_map_whole(s, FM_READ);
	check_pattern(v, 0, 3 * PAGE + 5);
	CHECK_OK(fm_view_query(&info, v));
	CHECK_INT_EQ(info.length, 3 * PAGE + 5);
	CHECK_INT_EQ(info.file_backed, 1);
	CHECK_OK(fm_view_unmap(v));
	/* A view at an offset sees the file at that offset. */
	CHECK_OK(fm_view_map((void **)&v, s, 2 * PAGE, 0, FM_READ));
	CHECK_INT_EQ(v[0], pattern(2 * PAGE));
	CHECK_OK(fm_view_unmap(v));
	n = file_section("z", 0, fd, FM_READ);
	CHECK_INT_EQ(fm_section_size(n), 3 * PAGE + 5);
	close(fd);
	fm_section_close(n);
	fm_section_close(s);
	CHECK_INT_EQ(size_of(a), 3 * PAGE + 5);
}

static void empty_file_size_zero(void)
{
	const char *a = make_file("empty", 0);
	int rw = open_file(a, O_RDWR), ro = open_file(a, O_RDONLY);
	fm_section *s;

	CHECK_FAIL(create_file(&s, NULL, 0, rw, FM_READ | FM_WRITE), FM_EFILEEMPTY,
		   "fm_section_create", "empty");
	CHECK_FAIL(create_file(&s, "e", 0, ro, FM_READ), FM_EFILEEMPTY, "fm_section_create",
		   "empty");
	CHECK_STR_EQ(fm_errname(FM_EFILEEMPTY), "FM_EFILEEMPTY");
	CHECK_INT_EQ(size_of(a), 0);
	CHECK_INT_EQ(test_store_count(), 0);
	close(rw);
	close(ro);
}

static void read_only_larger_refused(void)
{
	const char *a = make_file("short", 100);
	int ro = open_file(a, O_RDONLY), rw = open_file(a, O_RDWR);
	fm_section *s;

	CHECK_FAIL(create_file(&s, NULL, 101, ro, FM_READ), -EFBIG, "fm_section_create", "short");
	CHECK_FAIL(create_file(&s, "big", PAGE * 2, ro, FM_READ), -EFBIG, "fm_section_create",
		   "big");
	/* A read-only section over a writable descriptor does not grow it either. */
	CHECK_FAIL(create_file(&s, NULL, 200, rw, FM_READ), -EFBIG, "fm_section_create", "short");
	CHECK(strstr(fm_last_error_message(), "read-only") != NULL);
	CHECK_INT_EQ(size_of(a), 100);
	CHECK_INT_EQ(test_store_count(), 0);
	close(ro);
	close(rw);
}

static void smaller_than_file(void)
{
	const char *a = make_file("long", 3 * PAGE);
	int fd = open_file(a, O_RDWR);
	fm_section *s = file_section(NULL, PAGE + 10, fd, FM_READ | FM_WRITE);
	void *v;

	close(fd);
	CHECK_INT_EQ(size_of(a), 3 * PAGE);
	CHECK_INT_EQ(fm_section_size(s), PAGE + 10);
	CHECK_FAIL(fm_view_map(&v, s, 0, PAGE + 11, FM_READ), -ERANGE, "fm_view_map", NULL);
	CHECK_FAIL(fm_view_map(&v, s, 2 * PAGE, 0, FM_READ), -ERANGE, "fm_view_map", NULL);
	CHECK_OK(fm_view_map(&v, s, PAGE, 0, FM_WRITE));
	CHECK_INT_EQ(((uint8_t *)v)[9], pattern(PAGE + 9));
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
	CHECK_INT_EQ(size_of(a), 3 * PAGE);
	CHECK_INT_EQ(byte_at(a, 3 * PAGE - 1), pattern(3 * PAGE - 1));
}

/* ---- the file's open mode ---- */

static void read_only_fd_writable_section(void)
{
	const char *a = make_file("ro", 100);
	int fd = open_file(a, O_RDONLY);
	fm_section *s;

	CHECK_FAIL(create_file(&s, NULL, 100, fd, FM_READ | FM_WRITE), -EACCES,
		   "fm_section_create", "ro");
	CHECK(strstr(fm_last_error_message(), "O_RDWR") != NULL);
	CHECK_FAIL(create_file(&s, "w", 5000, fd, FM_READ | FM_WRITE), -EACCES,
		   "fm_section_create", "ro");
	CHECK_FAIL(create_file(&s, NULL, 0, fd, FM_WRITE), -EACCES, "fm_section_create", "ro");
	CHECK_INT_EQ(size_of(a), 100);
	CHECK_INT_EQ(test_store_count(), 0);
	close(fd);
}

static void write_only_fd(void)
{
	const char *a = make_file("wo", 100);
	int fd = open_file(a, O_WRONLY);
	fm_section *s;

	CHECK_FAIL(create_file(&s, NULL, 0, fd, FM_READ), -EACCES, "fm_section_create", "wo");
	CHECK_FAIL(create_file(&s, NULL, 0, fd, FM_READ | FM_WRITE), -EACCES,
		   "fm_section_create", "wo");
	close(fd);
	fd = open_file(a, O_PATH);
	CHECK_FAIL(create_file(&s, NULL, 0, fd, FM_READ), -EACCES, "fm_section_create", "wo");
	close(fd);
	CHECK_INT_EQ(size_of(a), 100);
}

/* A read-only file: read-only section, copy-on-write views, and the file
 * never changes. */
static void copy_view_never_changes_file(void)
{
	const char *a = make_file("cow", 2 * PAGE);
	fm_section *s, *n, *o;
	uint8_t *v, *w;
	int fd;

	CHECK_INT_EQ(chmod(a, 0444), 0);
	fd = open_file(a, O_RDONLY);
	s = file_section(NULL, 0, fd, FM_READ);
	n = file_section("cow", 0, fd, FM_READ);
	close(fd);
	CHECK_FAIL(fm_view_map((void **)&v, s, 0, 0, FM_WRITE), -EACCES, "fm_view_map", NULL);
	CHECK_FAIL(fm_section_open(&o, "cow", FM_READ | FM_WRITE), -EACCES, "fm_section_open",
		   "cow");
	v = test_map_whole(s, FM_COPY);
	w = test_map_whole(n, FM_READ | FM_COPY);
	check_pattern(v, 0, 2 * PAGE);
	memset(v, 0xee, 2 * PAGE);
	memset(w, 0xdd, PAGE);
	CHECK_OK(fm_view_flush(v, 0));
	CHECK_OK(fm_view_flush(w, 0));
	CHECK_INT_EQ(v[PAGE], 0xee);
	CHECK_INT_EQ(byte_at(a, 0), pattern(0));
	CHECK_INT_EQ(byte_at(a, PAGE), pattern(PAGE));
	/* A writable section's copy-on-write view does not write either. */
	CHECK_INT_EQ(chmod(a, 0644), 0);
	fd = open_file(a, O_RDWR);
	fm_section_close(s);
	s = file_section(NULL, 0, fd, FM_READ | FM_WRITE);
	close(fd);
	CHECK_OK(fm_view_unmap(v));
	v = test_map_whole(s, FM_COPY);
	v[5] = 0xcc;
	CHECK_OK(fm_view_flush(v, 0));
	CHECK_OK(fm_section_sync(s));
	CHECK_INT_EQ(byte_at(a, 5), pattern(5));
	CHECK_OK(fm_view_unmap(v));
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
	fm_section_close(n);
	CHECK_INT_EQ(size_of(a), 2 * PAGE);
}

/* ---- bad descriptors ---- */

static void bad_descriptors(void)
{
	int p[2], sv[2], dir, proc, null, closed;
	fm_section *s;

	CHECK_INT_EQ(pipe2(p, O_CLOEXEC), 0);
	CHECK_FAIL(create_file(&s, NULL, 10, p[0], FM_READ), -EINVAL, "fm_section_create",
		   "(unnamed)");
	CHECK(strstr(fm_last_error_message(), "is a pipe, not a regular file") != NULL);
	CHECK_FAIL(create_file(&s, "p", 0, p[1], FM_READ | FM_WRITE), -EINVAL,
		   "fm_section_create", "p");
	CHECK_INT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	CHECK_FAIL(create_file(&s, NULL, 10, sv[0], FM_READ), -EINVAL, "fm_section_create",
		   NULL);
	CHECK(strstr(fm_last_error_message(), "socket") != NULL);
	dir = open_file(tpath(""), O_RDONLY | O_DIRECTORY);
	CHECK_FAIL(create_file(&s, NULL, 10, dir, FM_READ), -EINVAL, "fm_section_create", NULL);
	CHECK(strstr(fm_last_error_message(), "directory") != NULL);
	null = open_file("/dev/null", O_RDWR);
	CHECK_FAIL(create_file(&s, NULL, 10, null, FM_READ), -EINVAL, "fm_section_create", NULL);
	CHECK(strstr(fm_last_error_message(), "character device") != NULL);
	/* A regular file on a file system that cannot map files. */
	proc = open_file("/proc/self/status", O_RDONLY);
	CHECK_FAIL(create_file(&s, "proc", 0, proc, FM_READ), -ENOTSUP, "fm_section_create",
		   "/proc/");
	CHECK_FAIL(create_file(&s, NULL, 10, proc, FM_READ), -ENOTSUP, "fm_section_create",
		   "cannot map");
	closed = dup(null);
	close(closed);
	CHECK_FAIL(create_file(&s, NULL, 10, closed, FM_READ), -EBADF, "fm_section_create",
		   "is not open");
	CHECK_FAIL(create_file(&s, "c", 0, closed, FM_READ), -EBADF, "fm_section_create", "c");
	CHECK_INT_EQ(test_store_count(), 0);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	close(dir);
	close(null);
	close(proc);
}

/* A size no file system holds: -EFBIG, the file unchanged.  Needs a disk
 * file system (tmpfs takes sizes up to 2^63 sparse). */
static void huge_size(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	int fd = open("/var/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	struct statfs sfs;
	struct stat st;
	fm_section *s;

	if (fd < 0 || fstatfs(fd, &sfs) < 0 || sfs.f_type == TMPFS_MAGIC)
		SKIP("no O_TMPFILE on a disk file system under /var/tmp");
	CHECK_INT_EQ(write(fd, "x", 1), 1);
	opts.fd = fd;
	CHECK_FAIL(fm_section_create(&s, NULL, UINT64_C(1) << 62, &opts), -EFBIG,
		   "fm_section_create", "cannot hold");
	opts.flags = FM_SECTION_RESERVE;
	CHECK_FAIL(fm_section_create(&s, NULL, UINT64_C(1) << 62, &opts), -EFBIG,
		   "fm_section_create", "cannot hold");
	CHECK_INT_EQ(fstat(fd, &st), 0);
	CHECK_INT_EQ(st.st_size, 1);
	/* Past what any size may be: refused before the file is touched. */
	CHECK_FAIL(fm_section_create(&s, NULL, UINT64_MAX, &opts), -EFBIG, "fm_section_create",
		   NULL);
	close(fd);
}

/* ---- lifetime of the file and the handle ---- */

static void caller_closes_fd(void)
{
	const char *a = make_file("a", PAGE);
	int fd = open_file(a, O_RDWR | O_APPEND);
	fm_section *s = file_section(NULL, 0, fd, FM_READ | FM_WRITE);
	fm_section *n = file_section("cl", 2 * PAGE, fd, FM_READ | FM_WRITE), *d;
	uint8_t *v, *w;

	close(fd);
	v = test_map_whole(s, FM_WRITE);
	w = test_map_whole(n, FM_WRITE);
	check_pattern(v, 0, PAGE);
	v[1] = 0x55;
	CHECK_INT_EQ(w[1], 0x55);
	CHECK_INT_EQ(byte_at(a, 1), 0x55);
	/* dup and a read-only view of a writable handle reach the file too. */
	CHECK_OK(fm_section_dup(&d, n, FM_READ));
	fm_section_close(n);
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(w));
	w = test_map_whole(d, FM_READ);
	CHECK_INT_EQ(w[1], 0x55);
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(d);
	/* The views outlive every handle. */
	v[2] = 0x66;
	CHECK_OK(fm_view_flush(v, 0));
	CHECK_OK(fm_view_unmap(v));
	CHECK_INT_EQ(byte_at(a, 2), 0x66);
}

static void last_close_keeps_file(void)
{
	const char *a = make_file("keep", 1000);
	int fd = open_file(a, O_RDWR);
	fm_section *s = file_section("keep", 0, fd, FM_READ | FM_WRITE);
	struct stat st;
	char store[1024];

	close(fd);
	snprintf(store, sizeof(store), "%s/local-%u/keep", test_root(), (unsigned)geteuid());
	/* The store holds the header alone: one page for a short name and path. */
	CHECK_INT_EQ(stat(store, &st), 0);
	CHECK_INT_EQ(st.st_size, PAGE);
	CHECK_INT_EQ(test_store_count(), 1);
	fm_section_close(s);
	CHECK_INT_EQ(test_store_count(), 0);
	test_expect_gone("keep");
	CHECK_INT_EQ(size_of(a), 1000);
	CHECK_INT_EQ(byte_at(a, 999), pattern(999));
}

static void flush_and_sync(void)
{
	const char *a = make_file("fl", 2 * PAGE);
	int fd = open_file(a, O_RDWR);
	fm_section *s = file_section("fl", 0, fd, FM_READ | FM_WRITE), *m;
	uint8_t *v;

	close(fd);
	v = test_map_whole(s, FM_WRITE);
	memcpy(v + PAGE + 3, "flushed", 7);
	CHECK_OK(fm_view_flush(v + PAGE, 10));
	CHECK_OK(fm_section_sync(s));
	{
		char buf[8] = { 0 };
		int rd = open_file(a, O_RDONLY);

		CHECK_INT_EQ(pread(rd, buf, 7, (off_t)PAGE + 3), 7);
		CHECK_STR_EQ(buf, "flushed");
		close(rd);
	}
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
	CHECK_OK(fm_section_create(&m, NULL, 10, NULL));
	CHECK_OK(fm_section_sync(m));
	fm_section_close(m);
	CHECK_FAIL(fm_section_sync(NULL), -EINVAL, "fm_section_sync", NULL);
}

/* ---- named file sections in other processes ---- */

/* Helper: opens argv[0] with access "r"/"w" argv[1]; prints the size and
 * the 8 bytes at offset argv[2] in hex; with "w", then writes argv[3] there. */
static int helper_peek(int argc, char **argv)
{
	unsigned access;
	uint64_t offset;
	fm_section *s;
	uint8_t *v;
	int r;

	if (argc < 3)
		return 2;
	access = argv[1][0] == 'w' ? FM_READ | FM_WRITE : FM_READ;
	offset = strtoull(argv[2], NULL, 10);
	r = fm_section_open(&s, argv[0], access);
	if (r < 0) {
		test_say("%s", fm_errname(r));
		return 1;
	}
	r = fm_view_map((void **)&v, s, 0, 0, access & FM_WRITE ? FM_WRITE : FM_READ);
	if (r < 0)
		return 3;
	test_say("%llu %02x%02x%02x%02x%02x%02x%02x%02x", (unsigned long long)fm_section_size(s),
		 v[offset], v[offset + 1], v[offset + 2], v[offset + 3], v[offset + 4],
		 v[offset + 5], v[offset + 6], v[offset + 7]);
	if (argc > 3) {
		memcpy(v + offset, argv[3], strlen(argv[3]));
		fm_view_flush(v, 0);
	}
	fm_view_unmap(v);
	fm_section_close(s);
	return 0;
}

/* The hex of pattern() at offset, as helper_peek prints it. */
static void expected_peek(char *buf, size_t len, uint64_t size, uint64_t offset)
{
	int n = snprintf(buf, len, "%llu ", (unsigned long long)size);

	for (int i = 0; i < 8; i++)
		n += snprintf(buf + n, len - (size_t)n, "%02x", pattern(offset + (uint64_t)i));
}

static void other_process_sees_file(void)
{
	const char *a = make_file("shared", 5 * PAGE);
	int fd = open_file(a, O_RDWR), out;
	fm_section *s = file_section("Local\\shared", 0, fd, FM_READ | FM_WRITE);
	char expected[64], offset[32], line[64];
	uint8_t *v;
	pid_t pid;

	close(fd);
	expected_peek(expected, sizeof(expected), 5 * PAGE, 4 * PAGE + 1);
	snprintf(offset, sizeof(offset), "%llu", (unsigned long long)(4 * PAGE + 1));
	pid = test_spawn("helper_peek", &out, "shared", "r", offset, NULL);
	test_expect_line(out, expected);
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	/* Coherence: the other process's writes, our view and read(). */
	v = test_map_whole(s, FM_WRITE);
	memcpy(v + 100, "parent!!", 8);
	pid = test_spawn("helper_peek", &out, "shared", "w", "100", "child", NULL);
	snprintf(line, sizeof(line), "%llu 706172656e742121", (unsigned long long)(5 * PAGE));
	test_expect_line(out, line);
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	CHECK(memcmp(v + 100, "childt!!", 8) == 0);
	CHECK_INT_EQ(byte_at(a, 100), 'c');
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
	test_expect_gone("shared");
}

static void backing_removed(void)
{
	const char *a = make_file("gone", 100);
	int fd = open_file(a, O_RDWR), out;
	fm_section *s = file_section("gone", 0, fd, FM_READ | FM_WRITE), *o;
	pid_t pid;

	close(fd);
	CHECK_INT_EQ(unlink(a), 0);
	CHECK_FAIL(fm_section_open(&o, "gone", FM_READ), -ESTALE, "fm_section_open", a);
	CHECK(strstr(fm_last_error_message(), "removed") != NULL);
	pid = test_spawn("helper_peek", &out, "gone", "r", "0", NULL);
	test_expect_line(out, "ESTALE");
	CHECK_INT_EQ(test_wait(pid), 1);
	close(out);
	/* The handles that have the file keep working. */
	CHECK_OK(fm_section_dup(&o, s, 0));
	fm_section_close(o);
	fm_section_close(s);
}

static void backing_replaced(void)
{
	const char *a = make_file("rep", 100), *b = make_file("other", 100);
	int fd = open_file(a, O_RDONLY);
	fm_section *s = file_section("rep", 0, fd, FM_READ), *o;

	close(fd);
	CHECK_INT_EQ(rename(b, a), 0);
	CHECK_FAIL(fm_section_open(&o, "rep", FM_READ), -ESTALE, "fm_section_open", a);
	CHECK(strstr(fm_last_error_message(), "replaced") != NULL);
	/* A directory in its place, too. */
	CHECK_INT_EQ(unlink(a), 0);
	CHECK_INT_EQ(mkdir(a, 0700), 0);
	CHECK_FAIL(fm_section_open(&o, "rep", FM_READ), -ESTALE, "fm_section_open", a);
	/* Creating the name gets the existing section, and so the same answer. */
	fd = open_file(make_file("third", 10), O_RDONLY);
	CHECK_FAIL(create_file(&o, "rep", 0, fd, FM_READ), -ESTALE, "fm_section_create", a);
	close(fd);
	fm_section_close(s);
	CHECK_INT_EQ(test_store_count(), 0);
}

static void backing_truncated(void)
{
	const char *a = make_file("trunc", 3 * PAGE);
	int fd = open_file(a, O_RDWR);
	fm_section *s = file_section("trunc", 0, fd, FM_READ | FM_WRITE), *o;

	CHECK_INT_EQ(ftruncate(fd, PAGE), 0);
	close(fd);
	CHECK_FAIL(fm_section_open(&o, "trunc", FM_READ), -ESTALE, "fm_section_open", a);
	CHECK(strstr(fm_last_error_message(), "truncated") != NULL);
	fm_section_close(s);
}

/* The creator's file must be reachable by path for a named section. */
static void named_needs_path(void)
{
	const char *a = make_file("del", PAGE);
	int fd = open_file(a, O_RDWR);
	fm_section *s;
	uint8_t *v;

	CHECK_INT_EQ(unlink(a), 0);
	CHECK_FAIL(create_file(&s, "del", 0, fd, FM_READ | FM_WRITE), -ESTALE,
		   "fm_section_create", "another process");
	CHECK_INT_EQ(test_store_count(), 0);
	/* An unnamed section needs no path. */
	s = file_section(NULL, 2 * PAGE, fd, FM_READ | FM_WRITE);
	v = test_map_whole(s, FM_READ);
	check_pattern(v, 0, PAGE);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
	close(fd);
}

/* Opens Global\perm, whose file this process may read but not write. */
static int perm_checks(void *path)
{
	fm_section *o;

	CHECK_FAIL(fm_section_open(&o, "Global\\perm", FM_READ | FM_WRITE), -EACCES,
		   "fm_section_open", path);
	CHECK(strstr(fm_last_error_message(), "permission denied") != NULL);
	CHECK_OK(fm_section_open(&o, "Global\\perm", FM_READ));
	fm_section_close(o);
	return 0;
}

/* The same as uid 65534, whom the file's mode 0644 lets read only. */
static int perm_checks_as_nobody(void *path)
{
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		FAIL("cannot become uid 65534: %s", strerror(errno));
	return perm_checks(path);
}

/* The opener's own permissions on the file count, not the creator's. */
static void opener_permission(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	const char *a = make_file("perm", 100);
	fm_section *s;

	opts.fd = open_file(a, O_RDWR);
	opts.mode = 0666;
	CHECK_OK(fm_section_create(&s, "Global\\perm", 0, &opts));
	close(opts.fd);
	if (geteuid() == 0) {
		CHECK_INT_EQ(test_in_child(perm_checks_as_nobody, (void *)a), 0);
	} else {
		CHECK_INT_EQ(chmod(a, 0444), 0);
		CHECK_INT_EQ(perm_checks((void *)a), 0);
	}
	fm_section_close(s);
}

/* Helper: adopts the inherited descriptor argv[0] of a section; prints the
 * size and the first 8 bytes in hex, then writes argv[1] at offset 0. */
static int helper_adopt(int argc, char **argv)
{
	fm_section *s;
	uint8_t *v;
	int r;

	if (argc < 2)
		return 2;
	r = fm_section_adopt(&s, atoi(argv[0]), 0);
	if (r < 0) {
		test_say("%s", fm_errname(r));
		return 1;
	}
	if (fm_view_map((void **)&v, s, 0, 0, FM_WRITE) < 0)
		return 3;
	test_say("%llu %02x%02x%02x%02x%02x%02x%02x%02x", (unsigned long long)fm_section_size(s),
		 v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
	memcpy(v, argv[1], strlen(argv[1]));
	fm_view_unmap(v);
	fm_section_close(s);
	return 0;
}

/* The store descriptor of a file section, named or not, can be adopted:
 * the child finds the file by the path in the header. */
static void adopt_file_sections(void)
{
	const char *a = make_file("ad", PAGE);
	int fd = open_file(a, O_RDWR), copy;
	fm_section *s = file_section("ad", 0, fd, FM_READ | FM_WRITE), *u, *t;
	uint8_t *v;

	u = file_section(NULL, 0, fd, FM_READ | FM_WRITE);
	close(fd);
	copy = fcntl(fm_section_fd(s), F_DUPFD_CLOEXEC, 0);
	CHECK_OK(fm_section_adopt(&t, copy, 0));
	CHECK_INT_EQ(fm_section_size(t), PAGE);
	v = test_map_whole(t, FM_WRITE);
	check_pattern(v, 0, PAGE);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(t);
	copy = fcntl(fm_section_fd(u), F_DUPFD_CLOEXEC, 0);
	CHECK_OK(fm_section_adopt(&t, copy, 0));
	CHECK_INT_EQ(fm_section_size(t), PAGE);
	CHECK(fm_section_name(t) == NULL);
	v = test_map_whole(t, FM_WRITE);
	check_pattern(v, 0, PAGE);
	v[7] = 'u';
	CHECK_INT_EQ(byte_at(a, 7), 'u');
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(t);
	fm_section_close(u);
	fm_section_close(s);
}

/* An unnamed file section's handle, inherited across exec: the child
 * adopts it and shares the file with the parent. */
static void unnamed_file_section_across_exec(void)
{
	const char *a = make_file("inh", 2 * PAGE);
	int fd = open_file(a, O_RDWR), out;
	fm_section *u = file_section(NULL, 0, fd, FM_READ | FM_WRITE);
	char arg[16], expected[64];
	uint8_t *v;
	pid_t pid;

	close(fd);
	v = test_map_whole(u, FM_WRITE);
	snprintf(arg, sizeof(arg), "%d", fm_section_fd(u));
	CHECK_INT_EQ(fcntl(fm_section_fd(u), F_SETFD, 0), 0);
	pid = test_spawn("helper_adopt", &out, arg, "child", NULL);
	CHECK_INT_EQ(fcntl(fm_section_fd(u), F_SETFD, FD_CLOEXEC), 0);
	expected_peek(expected, sizeof(expected), 2 * PAGE, 0);
	test_expect_line(out, expected);
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	CHECK(memcmp(v, "child", 5) == 0);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(u);
}

/* The unnamed file section u maps its file, but its descriptor's adoption
 * fails with err. */
static void works_but_refuses_adopt(fm_section *u, int err)
{
	fm_section *t;
	uint8_t *v = test_map_whole(u, FM_READ);
	int copy;

	check_pattern(v, 0, PAGE);
	CHECK_OK(fm_view_unmap(v));
	copy = fcntl(fm_section_fd(u), F_DUPFD_CLOEXEC, 0);
	CHECK_FAIL(fm_section_adopt(&t, copy, 0), err, "fm_section_adopt", NULL);
	close(copy);
}

/* A file removed before its unnamed section was made has no path: the
 * section works, but its descriptor cannot be adopted (-ESTALE). */
static void unnamed_section_of_deleted_file(void)
{
	const char *a = make_file("del", PAGE);
	int fd = open_file(a, O_RDWR);
	fm_section *u;

	CHECK_INT_EQ(unlink(a), 0);
	u = file_section(NULL, 0, fd, FM_READ | FM_WRITE);
	close(fd);
	works_but_refuses_adopt(u, -ESTALE);
	fm_section_close(u);
}

/* As uid 65534: an unnamed read-only section of root's file works, but its
 * descriptor cannot be adopted: a header names only its owner's files. */
static int unnamed_of_root_file(void *path)
{
	fm_section *u;
	int fd;

	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		FAIL("cannot become uid 65534: %s", strerror(errno));
	fd = open_file(path, O_RDONLY);
	u = file_section(NULL, 0, fd, FM_READ);
	close(fd);
	works_but_refuses_adopt(u, -EACCES);
	fm_section_close(u);
	return 0;
}

static void unnamed_section_of_another_users_file(void)
{
	const char *a = make_file("roots", PAGE);

	fm_section *store;

	if (geteuid() != 0)
		SKIP("needs root to become another user");
	CHECK_INT_EQ(chmod(a, 0644), 0);
	/* Root makes the store's root (1777), where uid 65534 makes its own. */
	CHECK_OK(fm_section_create(&store, NULL, PAGE, NULL));
	CHECK_INT_EQ(test_in_child(unnamed_of_root_file, (void *)a), 0);
	fm_section_close(store);
}

/* Whether descriptor fd is a description of the file at path. */
static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fd >= 0 && fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* fm_section_file_fd tells which file a section maps, for every kind of
 * handle to it; a store section has none. */
static void file_descriptor(void)
{
	const char *a = make_file("which", PAGE);
	int fd = open_file(a, O_RDWR);
	fm_section *n = file_section("which", 0, fd, FM_READ | FM_WRITE), *u, *o, *d, *m;

	u = file_section(NULL, 0, fd, FM_READ);
	close(fd);
	CHECK_OK(fm_section_open(&o, "which", FM_READ));
	CHECK_OK(fm_section_dup(&d, u, 0));
	CHECK(same_file(fm_section_file_fd(n), a));
	CHECK(same_file(fm_section_file_fd(u), a));
	CHECK(same_file(fm_section_file_fd(o), a));
	CHECK(same_file(fm_section_file_fd(d), a));
	CHECK(fm_section_file_fd(n) != fm_section_fd(n));
	CHECK_INT_EQ(fcntl(fm_section_file_fd(o), F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_OK(fm_section_create(&m, NULL, 10, NULL));
	CHECK_FAIL(fm_section_file_fd(m), -EINVAL, "fm_section_file_fd", "(unnamed)");
	CHECK_FAIL(fm_section_file_fd(NULL), -EINVAL, "fm_section_file_fd", NULL);
	fm_section_close(m);
	fm_section_close(d);
	fm_section_close(o);
	fm_section_close(u);
	fm_section_close(n);
}

/* A name that exists: the caller gets that section, whatever its backing. */
static void existing_name(void)
{
	const char *a = make_file("x1", PAGE), *b = make_file("x2", 2 * PAGE);
	int fa = open_file(a, O_RDWR), fb = open_file(b, O_RDWR);
	fm_section *s, *t, *m;
	uint8_t *v;

	s = file_section("x", 0, fa, FM_READ | FM_WRITE);
	CHECK_RC(create_file(&t, "x", 0, fb, FM_READ | FM_WRITE), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(t), PAGE);
	v = test_map_whole(t, FM_READ);
	check_pattern(v, 0, PAGE);
	CHECK_OK(fm_view_unmap(v));
	CHECK_RC(fm_section_create(&m, "x", 10, NULL), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(m), PAGE);
	fm_section_close(m);
	fm_section_close(t);
	fm_section_close(s);
	/* A store section's name, created again with a file. */
	CHECK_OK(fm_section_create(&m, "y", 10, NULL));
	CHECK_RC(create_file(&t, "y", 0, fb, FM_READ), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(t), 10);
	fm_section_close(t);
	fm_section_close(m);
	close(fa);
	close(fb);
	CHECK_INT_EQ(size_of(b), 2 * PAGE);
}

/* A read-only duplicate of a writable named file section gives out a
 * read-only descriptor (fm_section_fd), which adopts only as read-only. */
static void read_only_dup_gives_read_only_fd(void)
{
	int fd = open_file(make_file("ro-dup", 4096), O_RDWR);
	fm_section *s = file_section("rodup", 0, fd, FM_READ | FM_WRITE), *d, *a;
	int out;

	close(fd);
	CHECK_OK(fm_section_dup(&d, s, FM_READ));
	out = fm_section_fd(d);
	CHECK(out >= 0);
	CHECK_INT_EQ(fcntl(out, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_RC(fm_section_adopt(&a, out, FM_WRITE), -EACCES);
	CHECK_OK(fm_section_adopt(&a, out, 0));
	CHECK_INT_EQ(fm_section_access(a), FM_READ);
	fm_section_close(a);
	fm_section_close(d);
	fm_section_close(s);
}

static const struct test_case cases[] = {
	TEST_CASE(grow_to_exact_size),
	TEST_CASE(grow_sparse),
	TEST_CASE(size_zero_is_file_size),
	TEST_CASE(empty_file_size_zero),
	TEST_CASE(read_only_larger_refused),
	TEST_CASE(smaller_than_file),
	TEST_CASE(read_only_fd_writable_section),
	TEST_CASE(write_only_fd),
	TEST_CASE(copy_view_never_changes_file),
	TEST_CASE(bad_descriptors),
	TEST_CASE(huge_size),
	TEST_CASE(caller_closes_fd),
	TEST_CASE(last_close_keeps_file),
	TEST_CASE(flush_and_sync),
	TEST_CASE(other_process_sees_file),
	TEST_CASE(backing_removed),
	TEST_CASE(backing_replaced),
	TEST_CASE(backing_truncated),
	TEST_CASE(named_needs_path),
	TEST_CASE(opener_permission),
	TEST_CASE(adopt_file_sections),
	TEST_CASE(unnamed_section_of_another_users_file),
	TEST_CASE(unnamed_file_section_across_exec),
	TEST_CASE(unnamed_section_of_deleted_file),
	TEST_CASE(file_descriptor),
	TEST_CASE(existing_name),
	TEST_CASE(read_only_dup_gives_read_only_fd),
};

static const struct test_helper helpers[] = {
	TEST_HELPER(helper_peek),
	TEST_HELPER(helper_adopt),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
