/* SPDX-License-Identifier: MIT */
/*
 * test-section.c - sections: create, open, dup, close, size; their argument
 * checks with the exact codes, option structs of older and newer callers,
 * modes, access bounds, unnamed sections, the FM_EXISTED answer, huge and
 * reserved sizes, the last-error message, and the error-code table.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TIB (UINT64_C(1) << 40)

/* The store file of a Local\ name (its plain file name), fstat'ed. */
static struct stat local_stat(const char *file)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/local-%u/%s", test_root(), (unsigned)geteuid(), file);
	if (stat(path, &st) < 0)
		FAIL("stat %s: %s", path, strerror(errno));
	return st;
}

/* The mode the object of a Local\ name was created with. */
static unsigned local_mode(const char *file)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/local-%u/%s", test_root(), (unsigned)geteuid(), file);
	return test_object_mode(path);
}

/* Creates name with opts, expecting a new section. */
static fm_section *create_with(const char *name, uint64_t size,
			       const struct fm_section_opts *opts)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, name, size, opts), 0);
	return s;
}

static void create_and_open(void)
{
	fm_section *a, *b;

	CHECK_OK(fm_section_create(&a, "Local\\sec", 256, NULL));
	CHECK_INT_EQ(fm_section_size(a), 256);
	CHECK_OK(fm_section_open(&b, "sec", FM_READ));
	CHECK_INT_EQ(fm_section_size(b), 256);
	fm_section_close(b);
	fm_section_close(a);
	CHECK_RC(fm_section_open(&b, "sec", FM_READ), -ENOENT);
}

/* The low 32 bits of a system call argument, for a seccomp filter. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARG_LOW(n) (offsetof(struct seccomp_data, args[n]) + 4)
#else
#define ARG_LOW(n) offsetof(struct seccomp_data, args[n])
#endif

/* From now on, in this process, linkat(..., AT_EMPTY_PATH) fails with
 * ENOENT, as on Linux before 6.10 without CAP_DAC_READ_SEARCH. */
static void refuse_linkat_by_fd(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_linkat, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(4)),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, AT_EMPTY_PATH, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOENT),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = TEST_COUNT(filter), .filter = filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		SKIP("no seccomp filter: %s", strerror(errno));
	/* Without the filter: EBADF. */
	CHECK(linkat(-1, "", AT_FDCWD, "x", AT_EMPTY_PATH) < 0 && errno == ENOENT);
}

/* Where the kernel will not link a file by its descriptor, create links it
 * by /proc/self/fd/N; the second round knows that from the first. */
static void create_without_linkat_by_fd(void)
{
	fm_section *a, *b;

	refuse_linkat_by_fd();
	for (int round = 0; round < 2; round++) {
		CHECK_OK(fm_section_create(&a, "Local\\flink", 256, NULL));
		CHECK_RC(fm_section_create(&b, "Local\\flink", 256, NULL), FM_EXISTED);
		fm_section_close(b);
		CHECK_OK(fm_section_open(&b, "flink", FM_READ));
		fm_section_close(b);
		fm_section_close(a);
		CHECK_RC(fm_section_open(&b, "flink", FM_READ), -ENOENT);
	}
}

static void null_out(void)
{
	fm_section *s = create_with("n", 10, NULL), *d;

	CHECK_FAIL(fm_section_create(NULL, "other", 10, NULL), -EINVAL, "fm_section_create",
		   "other");
	CHECK_FAIL(fm_section_create(NULL, NULL, 10, NULL), -EINVAL, "fm_section_create", NULL);
	CHECK_FAIL(fm_section_open(NULL, "n", FM_READ), -EINVAL, "fm_section_open", "n");
	CHECK_FAIL(fm_section_dup(NULL, s, 0), -EINVAL, "fm_section_dup", NULL);
	CHECK_FAIL(fm_section_dup(&d, NULL, 0), -EINVAL, "fm_section_dup", NULL);
	fm_section_close(s);
	/* Nothing was made by the failed create. */
	CHECK_INT_EQ(test_store_count(), 0);
}

static void size_zero(void)
{
	fm_section *s;

	CHECK_FAIL(fm_section_create(&s, "zero", 0, NULL), -EINVAL, "fm_section_create", "zero");
	CHECK(strstr(fm_last_error_message(), "size 0") != NULL);
	CHECK_FAIL(fm_section_create(&s, NULL, 0, NULL), -EINVAL, "fm_section_create", NULL);
	CHECK_INT_EQ(test_store_count(), 0);
}

static void bad_section_access(void)
{
	static const unsigned bad[] = { 0, FM_COPY, FM_READ | FM_COPY, FM_WRITE | FM_COPY,
					1u << 4, 1u << 31, ~0u };
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	for (size_t i = 0; i < TEST_COUNT(bad); i++) {
		opts.access = bad[i];
		CHECK_FAIL(fm_section_create(&s, "acc", 10, &opts), -EINVAL, "fm_section_create",
			   "acc");
		CHECK_FAIL(fm_section_create(&s, NULL, 10, &opts), -EINVAL, "fm_section_create",
			   NULL);
	}
	CHECK_INT_EQ(test_store_count(), 0);
}

static void bad_flags(void)
{
	static const unsigned bad[] = { 1u << 1, 1u << 31, FM_SECTION_RESERVE | 1u << 5 };
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	for (size_t i = 0; i < TEST_COUNT(bad); i++) {
		opts.flags = bad[i];
		CHECK_FAIL(fm_section_create(&s, "flags", 10, &opts), -EINVAL,
			   "fm_section_create", "flags");
	}
	CHECK_INT_EQ(test_store_count(), 0);
}

static void bad_mode(void)
{
	/* Any permission bits will do (the creator's handle has all access
	 * whatever they say); nothing else. */
	static const uint32_t bad[] = { 01777, 04600, 02600, 01600, 010600, 0100000 };
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	for (size_t i = 0; i < TEST_COUNT(bad); i++) {
		opts.mode = bad[i];
		CHECK_FAIL(fm_section_create(&s, "mode", 10, &opts), -EINVAL,
			   "fm_section_create", "mode");
	}
	CHECK_INT_EQ(test_store_count(), 0);
}

/* The mode is recorded exactly, whatever the umask; write bits go from a
 * section without FM_WRITE; 0 means 0600. */
static void modes_exact(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *a, *b, *c;

	umask(0077);
	opts.mode = 0666;
	a = create_with("m666", 10, &opts);
	CHECK_INT_EQ(local_mode("m666"), 0666);
	opts.access = FM_READ;
	b = create_with("m444", 10, &opts);
	CHECK_INT_EQ(local_mode("m444"), 0444);
	c = create_with("m600", 10, NULL);
	CHECK_INT_EQ(local_mode("m600"), 0600);
	fm_section_close(a);
	fm_section_close(b);
	fm_section_close(c);
}

static void opts_fd(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	/* File-backed sections have their own tests (test-file.c). */
	opts.fd = -2;
	CHECK_FAIL(fm_section_create(&s, "fd", 10, &opts), -EINVAL, "fm_section_create", "fd");
	CHECK_INT_EQ(test_store_count(), 0);
}

static void opts_size(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.size = 0;
	CHECK_FAIL(fm_section_create(&s, "osz", 10, &opts), -EINVAL, "fm_section_create", "osz");
	opts.size = sizeof(opts.size) - 1;
	CHECK_FAIL(fm_section_create(&s, "osz", 10, &opts), -EINVAL, "fm_section_create", "osz");
	CHECK_INT_EQ(test_store_count(), 0);
}

/* An older caller's struct ends before fd: what lies beyond (here an fd
 * and a mode that would be refused) is never read; defaults apply. */
static void opts_older_caller(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s, *o;

	opts.size = offsetof(struct fm_section_opts, fd);
	opts.access = FM_READ;
	opts.fd = 0;
	opts.mode = 07777;
	s = create_with("old", 10, &opts);
	CHECK_INT_EQ(local_mode("old"), 0400);
	/* Its access was read: the section is read-only. */
	CHECK_FAIL(fm_section_open(&o, "old", FM_WRITE), -EACCES, "fm_section_open", "old");
	fm_section_close(s);
}

/* A newer caller's larger struct works too. */
static void opts_newer_caller(void)
{
	struct {
		struct fm_section_opts opts;
		uint64_t later[4];
	} newer = { FM_SECTION_OPTS_INIT, { 0 } };
	fm_section *s;

	newer.opts.size = sizeof(newer);
	newer.opts.mode = 0640;
	s = create_with("new", 10, &newer.opts);
	CHECK_INT_EQ(local_mode("new"), 0640);
	fm_section_close(s);
}

static void open_args(void)
{
	fm_section *s = create_with("there", 10, NULL), *o;

	CHECK_FAIL(fm_section_open(&o, NULL, FM_READ), -EINVAL, "fm_section_open", NULL);
	CHECK_FAIL(fm_section_open(&o, "there", 0), -EINVAL, "fm_section_open", "there");
	CHECK_FAIL(fm_section_open(&o, "there", FM_COPY), -EINVAL, "fm_section_open", "there");
	CHECK_FAIL(fm_section_open(&o, "there", FM_READ | 1u << 9), -EINVAL, "fm_section_open",
		   "there");
	CHECK_FAIL(fm_section_open(&o, "missing", FM_READ), -ENOENT, "fm_section_open",
		   "Local\\missing");
	/* More than the section's maximum access (default read and write). */
	CHECK_FAIL(fm_section_open(&o, "there", FM_EXEC), -EACCES, "fm_section_open", "there");
	/* Said in words, as the Python module and the tool spell access. */
	CHECK_STR_EQ(fm_last_error_message(), "fm_section_open: Local\\there: access \"x\" "
		     "exceeds the section's \"rw\" (EACCES)");
	fm_section_close(s);
}

static void dup_access(void)
{
	fm_section *rw = create_with("d", 10, NULL), *r, *d;
	void *v;

	CHECK_OK(fm_section_open(&r, "d", FM_READ));
	CHECK_FAIL(fm_section_dup(&d, r, FM_WRITE), -EACCES, "fm_section_dup", "d");
	CHECK_FAIL(fm_section_dup(&d, r, FM_READ | FM_EXEC), -EACCES, "fm_section_dup", "d");
	CHECK_STR_EQ(fm_last_error_message(), "fm_section_dup: Local\\d: access \"rx\" is wider "
		     "than the handle's \"r\" (EACCES)");
	CHECK_FAIL(fm_section_dup(&d, r, FM_COPY), -EINVAL, "fm_section_dup", "d");
	/* 0: the same access as the handle; the section's maximum is its own. */
	CHECK_OK(fm_section_dup(&d, r, 0));
	CHECK_INT_EQ(fm_section_access(d), FM_READ);
	CHECK_INT_EQ(fm_section_max_access(d), FM_READ | FM_WRITE);
	CHECK_INT_EQ(fm_section_max_access(NULL), 0);
	CHECK_FAIL(fm_view_map(&v, d, 0, 0, FM_WRITE), -EACCES, "fm_view_map", "d");
	CHECK_STR_EQ(fm_last_error_message(), "fm_view_map: Local\\d: view access \"rw\" exceeds "
		     "the handle's \"r\" (EACCES)");
	fm_section_close(d);
	CHECK_OK(fm_section_dup(&d, rw, 0));
	CHECK_INT_EQ(fm_section_access(d), FM_READ | FM_WRITE);
	fm_section_close(d);
	fm_section_close(r);
	/* A dup keeps the name alive by itself. */
	CHECK_OK(fm_section_dup(&d, rw, FM_READ));
	fm_section_close(rw);
	CHECK_OK(fm_section_open(&r, "d", FM_READ));
	fm_section_close(r);
	fm_section_close(d);
	CHECK_RC(fm_section_open(&r, "d", FM_READ), -ENOENT);
}

static void close_and_size_null(void)
{
	fm_section_close(NULL);
	CHECK_INT_EQ(fm_section_size(NULL), 0);
}

/* Every byte of [p, p + len) is zero. */
static bool all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void unnamed_sections(void)
{
	fm_section *a = create_with(NULL, 12345, NULL), *b = create_with(NULL, 12345, NULL), *d;
	unsigned char *va, *vb, *vd;

	CHECK_INT_EQ(fm_section_size(a), 12345);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_OK(fm_view_map((void **)&va, a, 0, 0, FM_WRITE));
	CHECK_OK(fm_view_map((void **)&vb, b, 0, 0, FM_WRITE));
	CHECK(all_zero(va, 12345) && all_zero(vb, 12345));
	memset(va, 0x5a, 12345);
	CHECK(all_zero(vb, 12345)); /* distinct sections */
	/* A dup of an unnamed section is the same memory. */
	CHECK_OK(fm_section_dup(&d, a, FM_READ));
	CHECK_OK(fm_view_map((void **)&vd, d, 0, 0, FM_READ));
	CHECK_INT_EQ(vd[12344], 0x5a);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_OK(fm_view_unmap(vd));
	CHECK_OK(fm_view_unmap(vb));
	CHECK_OK(fm_view_unmap(va));
	fm_section_close(d);
	fm_section_close(b);
	fm_section_close(a);
}

static void unnamed_read_only(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;
	unsigned char *v;

	opts.access = FM_READ;
	s = create_with(NULL, 100, &opts);
	CHECK_FAIL(fm_view_map((void **)&v, s, 0, 0, FM_WRITE), -EACCES, "fm_view_map", NULL);
	CHECK_OK(fm_view_map((void **)&v, s, 0, 0, FM_READ));
	CHECK(all_zero(v, 100));
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

/* Creating a taken name gives the existing section, its size and mode
 * unchanged; the arguments are still checked. */
static void existed(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s = create_with("ex", 100, NULL), *e;

	CHECK_RC(fm_section_create(&e, "ex", 5000, NULL), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(e), 100);
	fm_section_close(e);
	opts.access = FM_READ;
	opts.mode = 0644;
	CHECK_RC(fm_section_create(&e, "Local\\ex", 1, &opts), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(e), 100);
	CHECK_INT_EQ(fm_section_access(e), FM_READ);
	CHECK_INT_EQ(local_stat("ex").st_mode & 07777, 0600);
	fm_section_close(e);
	CHECK_FAIL(fm_section_create(&e, "ex", 0, NULL), -EINVAL, "fm_section_create", "ex");
	opts.access = 0;
	CHECK_FAIL(fm_section_create(&e, "ex", 100, &opts), -EINVAL, "fm_section_create", "ex");
	fm_section_close(s);
}

static void existed_read_only(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s, *e;

	opts.access = FM_READ;
	s = create_with("ro", 100, &opts);
	CHECK_FAIL(fm_section_create(&e, "ro", 100, NULL), -EACCES, "fm_section_create", "ro");
	CHECK_FAIL(fm_section_open(&e, "ro", FM_WRITE), -EACCES, "fm_section_open", "ro");
	CHECK_RC(fm_section_create(&e, "ro", 100, &opts), FM_EXISTED);
	fm_section_close(e);
	fm_section_close(s);
}

static void huge_sizes(void)
{
	static const uint64_t huge[] = { UINT64_MAX, (uint64_t)INT64_MAX + 1, INT64_MAX,
					 INT64_MAX - 4096 };
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.flags = FM_SECTION_RESERVE;
	for (size_t i = 0; i < TEST_COUNT(huge); i++) {
		CHECK_FAIL(fm_section_create(&s, "big", huge[i], NULL), -EFBIG,
			   "fm_section_create", "big");
		CHECK_FAIL(fm_section_create(&s, "big", huge[i], &opts), -EFBIG,
			   "fm_section_create", "big");
		CHECK_FAIL(fm_section_create(&s, NULL, huge[i], NULL), -EFBIG,
			   "fm_section_create", NULL);
	}
	CHECK_INT_EQ(test_store_count(), 0);
}

/* A committed section larger than the store is refused at create, not
 * with a SIGBUS later.  Only where the store's size is known and smaller. */
static void commit_too_big(void)
{
	struct statvfs vfs;
	fm_section *s;

	if (statvfs("/dev/shm", &vfs) < 0 || vfs.f_blocks == 0 ||
	    (uint64_t)vfs.f_blocks * vfs.f_frsize >= TIB)
		SKIP("/dev/shm has no size limit below 1 TiB");
	CHECK_FAIL(fm_section_create(&s, "toobig", TIB, NULL), -ENOSPC, "fm_section_create",
		   "toobig");
	CHECK_FAIL(fm_section_create(&s, NULL, TIB, NULL), -ENOSPC, "fm_section_create", NULL);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* A reserved section of 1 TiB takes memory only where it is touched.  The
 * two ends are mapped as views of a page each: 1 TiB of free address space
 * in one piece is not a given (sanitizers take much of it). */
static void reserve_one_tib(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	size_t pg = fm_page_size();
	unsigned char *first, *last, *again;
	struct stat st;
	fm_section *s;

	opts.flags = FM_SECTION_RESERVE;
	s = create_with("tib", TIB, &opts);
	CHECK_INT_EQ(fm_section_size(s), TIB);
	CHECK_OK(fm_view_map((void **)&first, s, 0, pg, FM_WRITE));
	CHECK_OK(fm_view_map((void **)&last, s, TIB - pg, 0, FM_WRITE));
	first[0] = 1;
	last[0] = 2;
	last[pg - 1] = 3;
	CHECK_OK(fm_view_map((void **)&again, s, TIB - pg, pg, FM_READ));
	CHECK(again[0] == 2 && again[pg - 1] == 3);
	st = local_stat("tib");
	CHECK((uint64_t)st.st_size > TIB);
	/* Two data pages and the header: far below a megabyte. */
	CHECK((uint64_t)st.st_blocks * 512 < (1u << 20));
	CHECK_OK(fm_view_unmap(again));
	CHECK_OK(fm_view_unmap(last + pg / 2));
	CHECK_OK(fm_view_unmap(first));
	fm_section_close(s);
}

/* The message is "" before any failure and survives later successes. */
static void last_error_message(void)
{
	fm_section *s;

	CHECK_STR_EQ(fm_last_error_message(), "");
	CHECK_FAIL(fm_section_open(&s, "Global\\absent", FM_READ), -ENOENT, "fm_section_open",
		   "Global\\absent");
	CHECK(strstr(fm_last_error_message(), "(ENOENT)") != NULL);
	s = create_with("present", 1, NULL);
	CHECK(strstr(fm_last_error_message(), "Global\\absent") != NULL);
	fm_section_close(s);
}

static void error_table(void)
{
	static const struct {
		const char *name;
		int code;
	} all[] = {
#define X(name, value, win32, text) { #name, value },
		FM_ERRORS(X)
#undef X
	};
	static const int unknown[] = { -99999, 99, INT_MIN, INT_MAX, -4096 };

	for (size_t i = 0; i < TEST_COUNT(all); i++) {
		CHECK_STR_EQ(fm_errname(all[i].code), all[i].name);
		CHECK(fm_strerror(all[i].code)[0] != '\0');
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(all[i].name, all[j].name) != 0 && all[i].code != all[j].code);
	}
	for (size_t i = 0; i < TEST_COUNT(unknown); i++) {
		CHECK_STR_EQ(fm_errname(unknown[i]), "UNKNOWN");
		CHECK(fm_strerror(unknown[i]) != NULL && fm_strerror(unknown[i])[0] != '\0');
	}
	CHECK_STR_EQ(fm_strerror(0), "success");
}

static const struct test_case cases[] = {
	TEST_CASE(create_and_open),
	TEST_CASE(create_without_linkat_by_fd),
	TEST_CASE(null_out),
	TEST_CASE(size_zero),
	TEST_CASE(bad_section_access),
	TEST_CASE(bad_flags),
	TEST_CASE(bad_mode),
	TEST_CASE(modes_exact),
	TEST_CASE(opts_fd),
	TEST_CASE(opts_size),
	TEST_CASE(opts_older_caller),
	TEST_CASE(opts_newer_caller),
	TEST_CASE(open_args),
	TEST_CASE(dup_access),
	TEST_CASE(close_and_size_null),
	TEST_CASE(unnamed_sections),
	TEST_CASE(unnamed_read_only),
	TEST_CASE(existed),
	TEST_CASE(existed_read_only),
	TEST_CASE(huge_sizes),
	TEST_CASE(commit_too_big),
	TEST_CASE(reserve_one_tib),
	TEST_CASE(last_error_message),
	TEST_CASE(error_table),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
