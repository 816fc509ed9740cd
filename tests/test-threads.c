/* SPDX-License-Identifier: MIT */
/*
 * test-threads.c - thread safety.  Eight threads each create, open, dup,
 * map, unmap and close sections of their own names and of a few shared
 * names, in a loop, keeping several views alive at once so that views of
 * all threads are interleaved in the process's view table; meanwhile they
 * query each other's views, which may vanish at any moment.  Every result
 * is checked against what it must be whatever the interleaving, and at the
 * end the store and the view table are empty.  No timing is assumed.
 */
#define _GNU_SOURCE
#include "harness.h"

#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#define THREADS    8
#define ITERATIONS 500 /* per thread */
#define RING       4   /* live views a thread keeps */
#define SHARED     3   /* shared names */
#define QUERIES    4   /* queries of other threads' views per iteration */

static size_t pg;
static pthread_barrier_t start;

/* Each thread's live views, published for the others to query. */
static _Atomic(char *) published[THREADS][RING];

struct ring_view {
	char *base;            /* NULL: an empty slot */
	uint64_t offset, section_size;
	uint64_t tag;          /* what the owner wrote at base; 0: not checked */
};

struct thread {
	int id;
	unsigned seed;
	unsigned next;         /* the ring slot to replace next */
	struct ring_view ring[RING];
};

static uint64_t own_size(int id)
{
	return (uint64_t)(id + 1) * pg + 3 * (uint64_t)id + 1;
}

static uint64_t shared_size(void)
{
	return 3 * pg + 64;
}

static bool known_size(uint64_t size)
{
	for (int i = 0; i < THREADS; i++)
		if (size == own_size(i))
			return true;
	return size == shared_size();
}

/* A create that must find the name or make it, never fail. */
static void check_created(int r)
{
	if (r != 0 && r != FM_EXISTED)
		FAIL("fm_section_create: %s: %s", fm_errname(r), fm_last_error_message());
}

/* A tag no other thread or iteration writes. */
static uint64_t tag_of(const struct thread *t, int k)
{
	return (uint64_t)(t->id + 1) << 32 | (uint64_t)(k + 1);
}

/* The query of one of our own live views, by any address in it, is exact. */
static void check_own_query(const struct ring_view *v, const char *addr)
{
	struct fm_view_info info = FM_VIEW_INFO_INIT;

	CHECK_OK(fm_view_query(&info, addr));
	CHECK(info.base == v->base);
	CHECK_INT_EQ(info.length, v->section_size - v->offset);
	CHECK_INT_EQ(info.offset, v->offset);
	CHECK_INT_EQ(info.section_size, v->section_size);
	CHECK_INT_EQ(info.access, FM_READ | FM_WRITE);
}

/* Unmaps the view in slot i (by an interior address), after checking it. */
static void drop_view(struct thread *t, unsigned i)
{
	struct ring_view *v = &t->ring[i];
	size_t length = v->section_size - v->offset;

	if (!v->base)
		return;
	atomic_store(&published[t->id][i], NULL);
	check_own_query(v, v->base + length - 1);
	if (v->tag)
		CHECK_INT_EQ(*(uint64_t *)v->base, v->tag);
	CHECK_OK(fm_view_unmap(v->base + length / 2));
	v->base = NULL;
}

/* Keeps a new view (mapped to the section's end), unmapping the oldest. */
static void keep_view(struct thread *t, char *base, uint64_t offset, uint64_t size,
		      uint64_t tag)
{
	unsigned i = t->next++ % RING;

	drop_view(t, i);
	t->ring[i] = (struct ring_view){ base, offset, size, tag };
	check_own_query(&t->ring[i], base);
	atomic_store(&published[t->id][i], base);
}

/* This thread's last message is about this thread's own name. */
static void check_own_message(const char *name)
{
	char expected[64];

	snprintf(expected, sizeof(expected), "Local\\%s:", name);
	if (!strstr(fm_last_error_message(), expected))
		FAIL("thread message \"%s\" does not name %s", fm_last_error_message(), name);
}

/* A section of the thread's own name: new every time, zero-filled, and
 * gone once its one handle is closed; its view stays. */
static void own_round(struct thread *t, int k)
{
	uint64_t size = own_size(t->id), tag = tag_of(t, k);
	fm_section *s, *o;
	char name[32], *v;

	snprintf(name, sizeof(name), "own-%d", t->id);
	CHECK_RC(fm_section_create(&s, name, size, NULL), 0);
	CHECK_INT_EQ(fm_section_size(s), size);
	CHECK_OK(fm_view_map((void **)&v, s, 0, 0, FM_WRITE));
	CHECK(*(uint64_t *)v == 0 && v[size - 1] == 0);
	*(uint64_t *)v = tag;
	v[size - 1] = 1;
	keep_view(t, v, 0, size, tag);
	fm_section_close(s);
	CHECK_RC(fm_section_open(&o, name, FM_READ), -ENOENT);
	check_own_message(name);
}

/* Reads this thread's slot of a shared section through a dup'ed handle. */
static uint64_t read_slot_via_dup(struct thread *t, fm_section *s)
{
	fm_section *d;
	uint64_t value;
	char *r;

	CHECK_OK(fm_section_dup(&d, s, FM_READ));
	CHECK_OK(fm_view_map((void **)&r, d, 0, 0, FM_READ));
	value = ((uint64_t *)(r + pg))[t->id];
	CHECK_OK(fm_view_unmap(r));
	fm_section_close(d);
	return value;
}

/* A shared name: new or existing, always the same size; each thread
 * writes only its own slot, so it reads back what it wrote. */
static void shared_round(struct thread *t, int k)
{
	uint64_t tag = tag_of(t, k);
	fm_section *s, *o;
	char name[32], *v;
	int r;

	snprintf(name, sizeof(name), "shared-%d", k % SHARED);
	r = fm_section_create(&s, name, shared_size(), NULL);
	check_created(r);
	CHECK_INT_EQ(fm_section_size(s), shared_size());
	CHECK_OK(fm_view_map((void **)&v, s, pg, 0, FM_WRITE));
	((uint64_t *)v)[t->id] = tag;
	CHECK_INT_EQ(read_slot_via_dup(t, s), tag);
	keep_view(t, v, pg, shared_size(), 0);
	fm_section_close(s);

	/* Another shared name: held by some thread or not. */
	snprintf(name, sizeof(name), "shared-%d", (k + 1) % SHARED);
	r = fm_section_open(&o, name, FM_READ);
	CHECK(r == 0 || r == -ENOENT);
	if (r == 0) {
		CHECK_INT_EQ(fm_section_size(o), shared_size());
		fm_section_close(o);
	}
}

/* Queries another thread's view, which may be gone, or replaced by another
 * view at the same address: any answer must describe a real view of ours. */
static void query_other(struct thread *t)
{
	int other = (int)(rand_r(&t->seed) % THREADS);
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	char *p = atomic_load(&published[other][rand_r(&t->seed) % RING]), *base;
	int r;

	if (!p || other == t->id)
		return;
	r = fm_view_query(&info, p + 1);
	CHECK(r == 0 || r == -EFAULT);
	if (r < 0)
		return;
	base = info.base;
	CHECK(base <= p + 1 && p + 1 < base + fm__round_up(info.length, pg));
	CHECK(known_size(info.section_size));
	CHECK(info.offset == 0 || info.offset == pg);
	CHECK_INT_EQ(info.length, info.section_size - info.offset);
	CHECK(info.access == (FM_READ | FM_WRITE) || info.access == FM_READ);
}

static void *worker(void *arg)
{
	struct thread *t = arg;

	pthread_barrier_wait(&start);
	for (int k = 0; k < ITERATIONS; k++) {
		own_round(t, k);
		shared_round(t, k);
		for (int q = 0; q < QUERIES; q++)
			query_other(t);
	}
	for (unsigned i = 0; i < RING; i++)
		drop_view(t, i);
	return NULL;
}

/* Runs fn on THREADS threads, released together; meanwhile (if not NULL)
 * runs on this thread, released with them. */
static void run_threads_and(void *(*fn)(void *), struct thread *ts, void (*meanwhile)(void))
{
	pthread_t th[THREADS];

	CHECK_INT_EQ(pthread_barrier_init(&start, NULL, THREADS + (meanwhile != NULL)), 0);
	for (int i = 0; i < THREADS; i++) {
		ts[i] = (struct thread){ .id = i, .seed = (unsigned)i + 1 };
		CHECK_INT_EQ(pthread_create(&th[i], NULL, fn, &ts[i]), 0);
	}
	if (meanwhile) {
		pthread_barrier_wait(&start);
		meanwhile();
	}
	for (int i = 0; i < THREADS; i++)
		CHECK_INT_EQ(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&start);
}

static void run_threads(void *(*fn)(void *), struct thread *ts)
{
	run_threads_and(fn, ts, NULL);
}

static void threads_interleaved(void)
{
	struct thread ts[THREADS];

	run_threads(worker, ts);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_INT_EQ(fm__global.view_count, 0);
}

/* Maps s, writes the thread's tag in its slot, closes s, and checks the
 * view still holds the tag before it unmaps it. */
static void use_and_close(struct thread *t, int k, fm_section *s)
{
	uint64_t *slots;

	CHECK_OK(fm_view_map((void **)&slots, s, 0, 0, FM_WRITE));
	slots[t->id] = tag_of(t, k);
	fm_section_close(s);
	/* The view holds the memory after the handle is gone. */
	CHECK_INT_EQ(slots[t->id], tag_of(t, k));
	CHECK_OK(fm_view_unmap(slots));
}

/* All threads create, use and close one name as fast as they can: each
 * create must find it or make it anew, never fail, and the last one out,
 * whoever it is, removes it. */
static void *same_name_worker(void *arg)
{
	struct thread *t = arg;
	fm_section *s;
	int r;

	pthread_barrier_wait(&start);
	for (int k = 0; k < ITERATIONS; k++) {
		r = fm_section_create(&s, "Global\\storm", shared_size(), NULL);
		check_created(r);
		use_and_close(t, k, s);
	}
	return NULL;
}

static void threads_same_name(void)
{
	struct thread ts[THREADS];
	fm_section *warm;

	/* The Global\ directory exists before the threads start: its first
	 * creation is threads_first_use's business. */
	CHECK_OK(fm_section_create(&warm, "Global\\warm", 1, NULL));
	fm_section_close(warm);
	run_threads(same_name_worker, ts);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_INT_EQ(fm__global.view_count, 0);
}

#define FORKS 50

static atomic_bool forks_done;
static fm_section *forked_section;

/* Opens, maps and closes the name until the main thread stops forking. */
static void *fork_race_worker(void *arg)
{
	struct thread *t = arg;
	fm_section *s;

	pthread_barrier_wait(&start);
	for (int k = 0; k < 20 || !atomic_load(&forks_done); k++) {
		CHECK_OK(fm_section_open(&s, "Local\\forked", FM_READ | FM_WRITE));
		use_and_close(t, k, s);
	}
	return NULL;
}

/* The child closes what it inherited: a close in a child of a forked
 * process, with the holds' lock the child took anew. */
static int close_forked(void *arg)
{
	fm_section_close(arg);
	return 0;
}

/*
 * Threads open, map and close a name this process holds while the main
 * thread forks again and again: a fork moves the lock of every hold that
 * views map to a new description under the threads' feet, and makes every
 * hold shared.  Every view keeps its memory, every child's close leaves the
 * name to the parent, and the parent's last close removes it.
 */
/* The main thread's part: FORKS children, one after the other. */
static void fork_repeatedly(void)
{
	for (int i = 0; i < FORKS; i++)
		CHECK_INT_EQ(test_in_child(close_forked, forked_section), 0);
	atomic_store(&forks_done, true);
}

static void threads_while_forking(void)
{
	struct thread ts[THREADS];

	SKIP_FORK_WITH_THREADS_UNDER_ASAN();
	CHECK_OK(fm_section_create(&forked_section, "Local\\forked", shared_size(), NULL));
	atomic_store(&forks_done, false);
	run_threads_and(fork_race_worker, ts, fork_repeatedly);
	CHECK_INT_EQ(test_store_count(), 1);
	fm_section_close(forked_section);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_INT_EQ(fm__global.view_count, 0);
}

/* All threads make their first Global\ object at once. */
static void *first_use_worker(void *arg)
{
	fm_section *s;

	pthread_barrier_wait(&start);
	check_created(fm_section_create(&s, "Global\\first", pg, NULL));
	fm_section_close(s);
	return NULL;
}

/*
 * The store's Global\ directory is made by whichever thread comes first;
 * the others must accept it, not find it half-made (with the mode the
 * umask left it before its real mode is set).
 */
static void threads_first_use(void)
{
	struct thread ts[THREADS];
	char path[700];

	umask(022);
	snprintf(path, sizeof(path), "%s/global", test_root());
	for (int round = 0; round < 200; round++) {
		/* Empty now; removed, the next call makes it anew. */
		rmdir(path);
		run_threads(first_use_worker, ts);
	}
	CHECK_INT_EQ(test_store_count(), 0);
}

static const struct test_case cases[] = {
	TEST_CASE(threads_interleaved),
	TEST_CASE(threads_same_name),
	TEST_CASE(threads_while_forking),
	TEST_CASE(threads_first_use),
};

int main(int argc, char **argv)
{
	pg = fm_page_size();
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
