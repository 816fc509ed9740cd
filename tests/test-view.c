/* SPDX-License-Identifier: MIT */
/*
 * test-view.c - views: fm_view_map, fm_view_unmap, fm_view_flush and
 * fm_view_query.  Offsets and lengths with their exact codes; access as the
 * kernel enforces it (a write to a read-only view kills the process that
 * tries, and mprotect cannot lift it); copy-on-write and no-access views;
 * what query reports, also into an older caller's smaller struct; unmapping
 * and flushing by interior addresses; the zero tail of the last page;
 * coherence; views outliving their section; and a view table that copes
 * with a view unmapped behind its back.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t pg;

/* A child killed by a memory fault (SIGSEGV, or SIGBUS on some kernels). */
#define CHECK_FAULTED(status) \
	CHECK((status) == 128 + SIGSEGV || (status) == 128 + SIGBUS)

static fm_section *create(const char *name, uint64_t size)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, name, size, NULL), 0);
	return s;
}

static void *map(fm_section *s, uint64_t offset, size_t length, unsigned access)
{
	void *v;

	CHECK_OK(fm_view_map(&v, s, offset, length, access));
	return v;
}

static struct fm_view_info query(const void *addr)
{
	struct fm_view_info info = FM_VIEW_INFO_INIT;

	CHECK_OK(fm_view_query(&info, addr));
	return info;
}

/* In a forked child: the default action for memory faults (a sanitizer's
 * handler would turn the signal into an exit code), then touch the page. */
static void default_fault_signals(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
}

static int write_in_child(void *p)
{
	default_fault_signals();
	*(volatile char *)p = 1;
	return 0;
}

static int read_in_child(void *p)
{
	default_fault_signals();
	return *(volatile char *)p == 0 ? 0 : 1;
}

static void offsets(void)
{
	uint64_t size = 3 * pg + 100;
	fm_section *s = create("off", size), *whole = create("whole", 4 * pg);
	void *v;

	CHECK_FAIL(fm_view_map(&v, s, 1, 0, FM_READ), -EINVAL, "fm_view_map", "off");
	CHECK_FAIL(fm_view_map(&v, s, pg / 2, 10, FM_READ), -EINVAL, "fm_view_map", "off");
	CHECK_FAIL(fm_view_map(&v, s, size, 0, FM_READ), -EINVAL, "fm_view_map", "off");
	CHECK_FAIL(fm_view_map(&v, s, 4 * pg, 0, FM_READ), -ERANGE, "fm_view_map", "off");
	CHECK_FAIL(fm_view_map(&v, whole, 4 * pg, 0, FM_READ), -ERANGE, "fm_view_map", "whole");
	CHECK_FAIL(fm_view_map(&v, s, UINT64_MAX & ~(uint64_t)(pg - 1), 1, FM_READ), -ERANGE,
		   "fm_view_map", "off");
	CHECK_FAIL(fm_view_map(&v, s, 0, size + 1, FM_READ), -ERANGE, "fm_view_map", "off");
	CHECK_FAIL(fm_view_map(&v, s, pg, size - pg + 1, FM_READ), -ERANGE, "fm_view_map",
		   "off");
	CHECK_FAIL(fm_view_map(&v, s, pg, SIZE_MAX, FM_READ), -ERANGE, "fm_view_map", "off");
	/* Length 0 is the rest of the section, to the byte. */
	v = map(s, pg, 0, FM_READ);
	CHECK_INT_EQ(query(v).length, size - pg);
	CHECK_OK(fm_view_unmap(v));
	v = map(s, 3 * pg, 0, FM_READ);
	CHECK_INT_EQ(query(v).length, 100);
	CHECK_OK(fm_view_unmap(v));
	/* Exactly the whole section, and exactly its end. */
	v = map(s, 0, size, FM_READ);
	CHECK_INT_EQ(query(v).length, size);
	CHECK_OK(fm_view_unmap(v));
	v = map(s, pg, size - pg, FM_READ);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(whole);
	fm_section_close(s);
}

static void null_arguments(void)
{
	fm_section *s = create("nul", pg);
	void *v;

	CHECK_FAIL(fm_view_map(NULL, s, 0, 0, FM_READ), -EINVAL, "fm_view_map", NULL);
	CHECK_FAIL(fm_view_map(&v, NULL, 0, 0, FM_READ), -EINVAL, "fm_view_map", NULL);
	fm_section_close(s);
}

static void bad_view_access(void)
{
	static const unsigned bad[] = { FM_COPY | FM_WRITE, FM_COPY | FM_WRITE | FM_READ,
					1u << 4, 1u << 31 };
	fm_section *s = create("acc", pg);
	void *v;

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_FAIL(fm_view_map(&v, s, 0, 0, bad[i]), -EINVAL, "fm_view_map", "acc");
	/* The section's maximum access (read, write) has no exec. */
	CHECK_FAIL(fm_view_map(&v, s, 0, 0, FM_READ | FM_EXEC), -EACCES, "fm_view_map", "acc");
	fm_section_close(s);
}

/* A read-only view is read-only in the kernel's eyes: a write kills, and
 * mprotect refuses to make it writable. */
static void check_read_only(char *v)
{
	CHECK_FAULTED(test_in_child(write_in_child, v));
	CHECK_INT_EQ(v[0], 0);
	errno = 0;
	if (mprotect(v, pg, PROT_READ | PROT_WRITE) == 0)
		FAIL("mprotect made a read-only view writable");
	CHECK_INT_EQ(errno, EACCES);
}

/*
 * A read-only view of a writable handle: its descriptor is read-only too
 * (the handle's own is O_RDWR), so the kernel refuses mprotect(PROT_WRITE).
 */
static void read_view_of_writable_handle(void)
{
	fm_section *s = create("rv", pg);

	check_read_only(map(s, 0, 0, FM_READ));
	fm_section_close(s);
}

/* The same, for an unnamed section, whose own descriptor is O_RDWR. */
static void read_view_of_unnamed(void)
{
	fm_section *s = create(NULL, pg);

	check_read_only(map(s, 0, 0, FM_READ));
	fm_section_close(s);
}

static void read_only_handle(void)
{
	fm_section *s = create("ro", pg), *r;
	char *v, *c;
	void *w;

	CHECK_OK(fm_section_open(&r, "ro", FM_READ));
	CHECK_FAIL(fm_view_map(&w, r, 0, 0, FM_WRITE), -EACCES, "fm_view_map", "ro");
	CHECK_FAIL(fm_view_map(&w, r, 0, 0, FM_READ | FM_WRITE), -EACCES, "fm_view_map", "ro");
	v = map(r, 0, 0, FM_READ);
	check_read_only(v);
	/* Copy-on-write needs only read access, and stays private. */
	c = map(r, 0, 0, FM_COPY);
	c[0] = 'c';
	CHECK_INT_EQ(v[0], 0);
	CHECK_OK(fm_view_unmap(c));
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(r);
	fm_section_close(s);
}

static void copy_views(void)
{
	fm_section *s = create("cow", 2 * pg);
	char *w = map(s, 0, 0, FM_WRITE), *c, *c2, *other;

	strcpy(w, "original");
	c = map(s, 0, 0, FM_COPY);
	c2 = map(s, 0, 0, FM_READ | FM_COPY);
	CHECK_INT_EQ(query(c).access, FM_READ | FM_COPY);
	CHECK_INT_EQ(query(c2).access, FM_READ | FM_COPY);
	CHECK_STR_EQ(c, "original");
	strcpy(c, "private");
	CHECK_STR_EQ(w, "original");
	CHECK_STR_EQ(c2, "original");
	other = map(s, 0, 0, FM_READ);
	CHECK_STR_EQ(other, "original");
	/* A page the copy has not written still shows the section. */
	strcpy(w + pg, "later");
	CHECK_STR_EQ(c + pg, "later");
	CHECK_OK(fm_view_unmap(other));
	CHECK_OK(fm_view_unmap(c2));
	CHECK_OK(fm_view_unmap(c));
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

static void no_access_view(void)
{
	fm_section *s = create("none", pg);
	void *v = map(s, 0, 0, 0);

	CHECK_INT_EQ(query(v).access, 0);
	CHECK_FAULTED(test_in_child(read_in_child, v));
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

static void check_info(const struct fm_view_info *i, void *base, size_t length,
		       uint64_t offset, unsigned access, uint64_t section_size)
{
	CHECK(i->base == base);
	CHECK_INT_EQ(i->length, length);
	CHECK_INT_EQ(i->offset, offset);
	CHECK_INT_EQ(i->access, access);
	CHECK_INT_EQ(i->section_size, section_size);
	CHECK_INT_EQ(i->size, sizeof(*i));
}

static void query_fields(void)
{
	uint64_t size = 5 * pg + 10;
	fm_section *s = create("q", size);
	char *v = map(s, 2 * pg, 0, FM_WRITE), *r = map(s, pg, pg, FM_READ);
	struct fm_view_info info;

	info = query(v);
	check_info(&info, v, 3 * pg + 10, 2 * pg, FM_READ | FM_WRITE, size);
	info = query(v + pg + 7);
	check_info(&info, v, 3 * pg + 10, 2 * pg, FM_READ | FM_WRITE, size);
	info = query(v + 3 * pg + 9);
	check_info(&info, v, 3 * pg + 10, 2 * pg, FM_READ | FM_WRITE, size);
	info = query(r + pg - 1);
	check_info(&info, r, pg, pg, FM_READ, size);
	CHECK_FAIL(fm_view_query(NULL, v), -EINVAL, "fm_view_query", NULL);
	info.size = 0;
	CHECK_FAIL(fm_view_query(&info, v), -EINVAL, "fm_view_query", NULL);
	info.size = sizeof(info.size) - 1;
	CHECK_FAIL(fm_view_query(&info, v), -EINVAL, "fm_view_query", NULL);
	info.size = sizeof(info);
	CHECK_FAIL(fm_view_query(&info, &info), -EFAULT, "fm_view_query", NULL);
	CHECK_OK(fm_view_unmap(r));
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

/* Bytes from..to of p all equal c. */
static bool all_bytes(const unsigned char *p, size_t from, size_t to, unsigned char c)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* An older caller's struct ends before access: nothing past its size is
 * written; a newer caller's larger one keeps its tail too. */
static void query_struct_sizes(void)
{
	fm_section *s = create("qs", 3 * pg);
	char *v = map(s, pg, 0, FM_WRITE);
	union {
		struct fm_view_info info;
		unsigned char bytes[sizeof(struct fm_view_info) + 32];
	} u;
	size_t old = offsetof(struct fm_view_info, access);

	memset(&u, 0xa5, sizeof(u));
	u.info.size = (uint32_t)old;
	CHECK_OK(fm_view_query(&u.info, v + 1));
	CHECK(u.info.base == v);
	CHECK_INT_EQ(u.info.length, 2 * pg);
	CHECK_INT_EQ(u.info.offset, pg);
	CHECK_INT_EQ(u.info.size, old);
	CHECK(all_bytes(u.bytes, old, sizeof(u), 0xa5));

	memset(&u, 0xa5, sizeof(u));
	u.info.size = sizeof(u);
	CHECK_OK(fm_view_query(&u.info, v));
	CHECK_INT_EQ(u.info.section_size, 3 * pg);
	CHECK_INT_EQ(u.info.file_backed, 0);
	CHECK_INT_EQ(u.info.size, sizeof(u));
	CHECK(all_bytes(u.bytes, sizeof(u.info), sizeof(u), 0xa5));
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(s);
}

/* No page of [p, p + len) is mapped any more. */
static bool unmapped(void *p, size_t len)
{
	unsigned char vec[64];

	CHECK(len / pg <= sizeof(vec));
	return mincore(p, len, vec) < 0 && errno == ENOMEM;
}

static void unmap_by_interior_address(void)
{
	fm_section *s = create("ui", 4 * pg);
	char *v = map(s, 0, 0, FM_WRITE);
	struct fm_view_info info = FM_VIEW_INFO_INIT;

	CHECK_OK(fm_view_unmap(v + 2 * pg + 5));
	CHECK(unmapped(v, 4 * pg));
	CHECK_FAIL(fm_view_query(&info, v), -EFAULT, "fm_view_query", NULL);
	CHECK_FAIL(fm_view_query(&info, v + 3 * pg), -EFAULT, "fm_view_query", NULL);
	fm_section_close(s);
}

static void unmap_not_a_view(void)
{
	fm_section *s = create("un", pg);
	char *v = map(s, 0, 0, FM_READ), *heap = malloc(64);
	int local = 0;

	CHECK_OK(fm_view_unmap(v));
	CHECK_FAIL(fm_view_unmap(v), -EFAULT, "fm_view_unmap", NULL);
	CHECK_FAIL(fm_view_unmap(heap), -EFAULT, "fm_view_unmap", NULL);
	CHECK_FAIL(fm_view_unmap(&local), -EFAULT, "fm_view_unmap", NULL);
	CHECK_FAIL(fm_view_unmap(NULL), -EFAULT, "fm_view_unmap", NULL);
	free(heap);
	fm_section_close(s);
}

static void flush(void)
{
	fm_section *s = create("fl", 3 * pg);
	char *v = map(s, 0, 0, FM_WRITE), *heap = malloc(64);

	v[pg + 5] = 1;
	CHECK_OK(fm_view_flush(v, 0));
	CHECK_OK(fm_view_flush(v + pg + 5, 100));
	CHECK_OK(fm_view_flush(v + pg + 5, 0));
	CHECK_OK(fm_view_flush(v, 3 * pg));
	CHECK_FAIL(fm_view_flush(v, 3 * pg + 1), -ERANGE, "fm_view_flush", NULL);
	CHECK_FAIL(fm_view_flush(v + 3 * pg - 1, 2), -ERANGE, "fm_view_flush", NULL);
	CHECK_FAIL(fm_view_flush(v + pg, SIZE_MAX), -ERANGE, "fm_view_flush", NULL);
	CHECK_FAIL(fm_view_flush(heap, 1), -EFAULT, "fm_view_flush", NULL);
	CHECK_OK(fm_view_unmap(v));
	CHECK_FAIL(fm_view_flush(v, 0), -EFAULT, "fm_view_flush", NULL);
	free(heap);
	fm_section_close(s);
}

/* The bytes of the last page past the section's end read as zero. */
static void zero_tail(void)
{
	fm_section *s = create("tail", 100);
	unsigned char *w = map(s, 0, 0, FM_WRITE), *r;

	CHECK_INT_EQ(query(w).length, 100);
	CHECK(all_bytes(w, 0, pg, 0));
	memset(w, 0xff, 100);
	r = map(s, 0, 0, FM_READ);
	CHECK(all_bytes(r, 0, 100, 0xff));
	CHECK(all_bytes(r, 100, pg, 0));
	CHECK(all_bytes(w, 100, pg, 0));
	CHECK_OK(fm_view_unmap(r));
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

static void coherent_views(void)
{
	fm_section *s = create("coh", 2 * pg), *o;
	char *a = map(s, 0, 0, FM_WRITE), *b = map(s, 0, 0, FM_WRITE), *c, *tail;

	CHECK(a != b);
	strcpy(a, "from a");
	CHECK_STR_EQ(b, "from a");
	strcpy(b + pg + 1, "from b");
	CHECK_STR_EQ(a + pg + 1, "from b");
	/* Through another handle, and a view at another offset. */
	CHECK_OK(fm_section_open(&o, "coh", FM_READ | FM_WRITE));
	c = map(o, 0, 0, FM_READ);
	tail = map(o, pg, 0, FM_WRITE);
	CHECK_STR_EQ(c, "from a");
	strcpy(tail, "from tail");
	CHECK_STR_EQ(a + pg, "from tail");
	CHECK_OK(fm_view_unmap(tail));
	CHECK_OK(fm_view_unmap(c));
	fm_section_close(o);
	CHECK_OK(fm_view_unmap(b));
	CHECK_OK(fm_view_unmap(a));
	fm_section_close(s);
}

/* A view keeps its memory, not the name, after the section is closed. */
static void view_outlives_section(void)
{
	fm_section *s = create("outlive", pg + 1), *o;
	char *v = map(s, 0, 0, FM_WRITE), *r = map(s, 0, 0, FM_READ);

	strcpy(v, "kept");
	fm_section_close(s);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_RC(fm_section_open(&o, "outlive", FM_READ), -ENOENT);
	CHECK_STR_EQ(r, "kept");
	strcpy(v + pg, "");
	strcpy(v, "still");
	CHECK_STR_EQ(r, "still");
	CHECK_INT_EQ(query(v).section_size, pg + 1);
	CHECK_OK(fm_view_flush(v, 0));
	CHECK_OK(fm_view_unmap(r));
	CHECK_OK(fm_view_unmap(v));
}

/* A view unmapped with plain munmap stays in the table until a new view
 * takes its range; then the new view is what query reports. */
static void munmap_behind_back(void)
{
	fm_section *s = create("behind", 4 * pg);
	char *a = map(s, 0, 0, FM_WRITE), *b;
	struct fm_view_info info;

	CHECK_INT_EQ(munmap(a, 4 * pg), 0);
	CHECK_OK(fm_view_map_at((void **)&b, s, pg, 2 * pg, FM_READ, a + pg));
	CHECK(b == a + pg);
	info = query(b + pg);
	check_info(&info, b, 2 * pg, pg, FM_READ, 4 * pg);
	/* The stale entry (a) is gone, not half-reported around b. */
	CHECK_RC(fm_view_query(&info, a), -EFAULT);
	CHECK_RC(fm_view_query(&info, a + 3 * pg), -EFAULT);
	CHECK_OK(fm_view_unmap(b));
	CHECK_RC(fm_view_query(&info, b), -EFAULT);
	fm_section_close(s);
}

/* The same when the kernel itself hands the range to the next view, as it
 * usually does for a view of the same length. */
static void munmap_reused_by_kernel(void)
{
	fm_section *s = create("reuse", 4 * pg);
	char *a = map(s, 0, 0, FM_WRITE), *b;
	struct fm_view_info info;

	CHECK_INT_EQ(munmap(a, 4 * pg), 0);
	b = map(s, 2 * pg, 0, FM_READ);
	info = query(b + pg);
	check_info(&info, b, 2 * pg, 2 * pg, FM_READ, 4 * pg);
	CHECK_OK(fm_view_unmap(b));
	CHECK_RC(fm_view_query(&info, b), -EFAULT);
	fm_section_close(s);
}

/* One new view over the ranges of two stale ones replaces both. */
static void munmap_two_behind_back(void)
{
	fm_section *s = create("behind2", 4 * pg);
	char *r, *a, *c, *b;
	struct fm_view_info info;

	/* Find four free pages, then place two views in them. */
	r = mmap(NULL, 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED);
	CHECK_INT_EQ(munmap(r, 4 * pg), 0);
	CHECK_OK(fm_view_map_at((void **)&a, s, 0, 2 * pg, FM_WRITE, r));
	CHECK_OK(fm_view_map_at((void **)&c, s, 2 * pg, 2 * pg, FM_WRITE, r + 2 * pg));
	CHECK_INT_EQ(munmap(r, 4 * pg), 0);
	CHECK_OK(fm_view_map_at((void **)&b, s, 0, 0, FM_READ, r));
	info = query(r + 3 * pg);
	check_info(&info, r, 4 * pg, 0, FM_READ, 4 * pg);
	info = query(r);
	check_info(&info, r, 4 * pg, 0, FM_READ, 4 * pg);
	CHECK_OK(fm_view_unmap(r + 2 * pg));
	CHECK_RC(fm_view_query(&info, r), -EFAULT);
	CHECK_RC(fm_view_query(&info, r + 3 * pg), -EFAULT);
	fm_section_close(s);
}

/* ------------------------------------------------------------------------
 * A handle whose name is taken away
 * ------------------------------------------------------------------------ */

#define TAKEN "Local\\taken"

/* The store file of a Local\ name (a plain file name). */
static const char *local_path(const char *file)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/local-%u/%s", test_root(), (unsigned)geteuid(), file);
	return path;
}

/* Creates name with text in it. */
static fm_section *create_with_text(const char *name, const char *text)
{
	fm_section *s = create(name, pg);
	char *v = map(s, 0, 0, FM_WRITE);

	strcpy(v, text);
	CHECK_OK(fm_view_unmap(v));
	return s;
}

/* s still maps its own object: a read-only view (its descriptor opened
 * now) and a dup's view both read text. */
static void expect_own_object(fm_section *s, const char *text)
{
	fm_section *d;
	char *v;

	v = map(s, 0, 0, FM_READ);
	CHECK_STR_EQ(v, text);
	CHECK_OK(fm_view_unmap(v));
	CHECK_OK(fm_section_dup(&d, s, FM_READ));
	v = map(d, 0, 0, FM_READ);
	CHECK_STR_EQ(v, text);
	CHECK_OK(fm_view_unmap(v));
	fm_section_close(d);
}

/* Removed (as `filemap rm` does): the handle keeps working. */
static void name_removed_under_handle(void)
{
	fm_section *s = create_with_text(TAKEN, "mine");

	CHECK_INT_EQ(unlink(local_path("taken")), 0);
	expect_own_object(s, "mine");
	fm_section_close(s);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Removed, then given to a new object: descriptors opened by the name now
 * would reach the new object, so the handle's reach its own. */
static void name_replaced_under_handle(void)
{
	fm_section *s = create_with_text(TAKEN, "mine"), *t;

	CHECK_INT_EQ(unlink(local_path("taken")), 0);
	t = create_with_text(TAKEN, "the new one's");
	expect_own_object(s, "mine");
	expect_own_object(t, "the new one's");
	fm_section_close(s);
	CHECK_INT_EQ(test_store_count(), 1);
	fm_section_close(t);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Replaced by a FIFO, or by a symlink to another object: neither is
 * followed, waited for or mapped. */
static void name_replaced_by_plant(void)
{
	fm_section *s = create_with_text(TAKEN, "mine"), *other;
	char target[1024];

	alarm(20);
	other = create_with_text("Local\\other", "another object's");
	snprintf(target, sizeof(target), "%s", local_path("other"));
	CHECK_INT_EQ(unlink(local_path("taken")), 0);
	CHECK_INT_EQ(mkfifo(local_path("taken"), 0600), 0);
	expect_own_object(s, "mine");
	CHECK_INT_EQ(unlink(local_path("taken")), 0);
	CHECK_INT_EQ(symlink(target, local_path("taken")), 0);
	expect_own_object(s, "mine");
	fm_section_close(s);
	CHECK_INT_EQ(unlink(local_path("taken")), 0);
	fm_section_close(other);
	CHECK_INT_EQ(test_store_count(), 0);
}

static const struct test_case cases[] = {
	TEST_CASE(offsets),
	TEST_CASE(null_arguments),
	TEST_CASE(bad_view_access),
	TEST_CASE(read_view_of_writable_handle),
	TEST_CASE(read_view_of_unnamed),
	TEST_CASE(read_only_handle),
	TEST_CASE(copy_views),
	TEST_CASE(no_access_view),
	TEST_CASE(query_fields),
	TEST_CASE(query_struct_sizes),
	TEST_CASE(unmap_by_interior_address),
	TEST_CASE(unmap_not_a_view),
	TEST_CASE(flush),
	TEST_CASE(zero_tail),
	TEST_CASE(coherent_views),
	TEST_CASE(view_outlives_section),
	TEST_CASE(munmap_behind_back),
	TEST_CASE(munmap_reused_by_kernel),
	TEST_CASE(munmap_two_behind_back),
	TEST_CASE(name_removed_under_handle),
	TEST_CASE(name_replaced_under_handle),
	TEST_CASE(name_replaced_by_plant),
};

int main(int argc, char **argv)
{
	pg = fm_page_size();
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
