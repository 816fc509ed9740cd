/* SPDX-License-Identifier: MIT */
/*
 * bench-sync.c - the sync objects next to what they are built on, side by
 * side in one run, against the targets:
 *
 *   round trip  two processes bouncing two auto-reset events (as
 *               examples/pingpong does), next to a raw futex round trip on
 *               two shared words without spinning (<= 1.1x), and next to
 *               two processes busy-spinning on shared words (<= 5x); with
 *               each side's CPU time per round trip, so that the cost of
 *               the wait's spin shows.  Run with the two processes on two
 *               CPUs, on one CPU, and where the scheduler puts them;
 *   wait64      fm_wait_any over 64 events of which the partner sets the
 *               last, next to a wait on that one event (<= 2x); and the
 *               same with the event already set (no partner), and with
 *               the already-set wait-any switching between two sets;
 *   mutex       two processes that each lock and unlock one mutex in a
 *               loop: a release with the other waiting hands the mutex
 *               over, so they alternate, and a's lock + unlock is a round
 *               trip, next to the raw futex round trip; with how many of
 *               a's turns followed one of b's (the "alternated" column).
 *
 * "event-nospin" is the event round trip with the wait's spin turned off.
 * The library spins only when sysconf() reports more than one CPU online,
 * and SPIN_NS is compiled in; so this program defines sysconf() itself,
 * and in a process asked to, answers 1 for the CPU count.  Whether the
 * library took that answer is checked (the "nospin" field), never assumed.
 *
 * Every round trip runs in two fresh processes (this program, run again
 * as side "a" and side "b"), blocks of the implementations alternate, and
 * each figure is the median over the blocks of each block's median.
 * (The uncontended mutex is measured with the other implementations by
 * run.py's workers.)  Prints record.h's lines on stdout, and a table on
 * stderr; the targets are reported as met or not, never as a failure.
 *
 * usage: bench-sync [ROUNDS]   (round trips a block; ctest runs it with a
 * tiny count, as a smoke test only: timings are never a test.)
 */
#define _GNU_SOURCE
#include "record.h"

#include <filemap.h>

#include <dlfcn.h>
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCKS     7
#define TIMEOUT_NS (10 * 1000000000ull)
#define IDLE       (FM_WAIT_MAX - 1) /* events nobody sets, before pong */

/* The shared words, in a section both sides open by name. */
struct shared {
	_Alignas(64) _Atomic uint32_t ping;
	_Alignas(64) _Atomic uint32_t pong;
	_Alignas(64) char last;     /* the mutex round trip: who held it last */
	_Atomic long repeats;       /* a's turns that followed a's own */
	struct result {
		double median_ns, mean_ns, cpu_ns; /* a round trip's */
		int nospin;                        /* the library spun not */
		double alternated;                 /* mutex: a's turns after b's */
	} side[2];
};

/* ---- sysconf, as the library sees it ---------------------------------- */

static bool one_cpu;        /* answer 1 for the CPUs online */
static bool one_cpu_taken;  /* the library asked, and got 1 */

/* Visible, so that the library's call reaches it (the build hides
 * symbols by default, executables' too). */
__attribute__((visibility("default"))) long sysconf(int name)
{
	static long (*real)(int);

	if (name == _SC_NPROCESSORS_ONLN && one_cpu) {
		one_cpu_taken = true;
		return 1;
	}
	if (!real)
		real = (long (*)(int))dlsym(RTLD_NEXT, "sysconf");
	return real ? real(name) : -1;
}

/* ---- the two sides of a round trip ------------------------------------ */

static struct shared *sh;
static fm_event *ping, *pong, *any[FM_WAIT_MAX]; /* any[IDLE] is pong */
static fm_mutex *mutex;

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int futex_wait(_Atomic uint32_t *w, uint32_t v)
{
	struct timespec rel = { TIMEOUT_NS / 1000000000u, 0 };

	if (syscall(SYS_futex, w, FUTEX_WAIT, v, &rel, NULL, 0) < 0 && errno == ETIMEDOUT)
		return -1;
	return 0;
}

static void futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Waits, sleeping, until *w == seq: a raw futex, no spinning. */
static int futex_until(_Atomic uint32_t *w, uint32_t seq)
{
	uint32_t v;

	while ((v = atomic_load(w)) != seq)
		if (futex_wait(w, v) < 0)
			return -1;
	return 0;
}

/* Spins until *w == seq (or the timeout). */
static int spin_until(_Atomic uint32_t *w, uint32_t seq)
{
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + TIMEOUT_NS;

	for (unsigned n = 1; atomic_load_explicit(w, memory_order_acquire) != seq; n++) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		if (n % 65536 == 0 && clock_ns(CLOCK_MONOTONIC) > deadline)
			return -1;
	}
	return 0;
}

static int event_a(uint32_t seq)
{
	(void)seq;
	return fm_event_set(ping) < 0 || fm_event_wait(pong, TIMEOUT_NS) < 0 ? -1 : 0;
}

static int event_b(uint32_t seq)
{
	(void)seq;
	return fm_event_wait(ping, TIMEOUT_NS) < 0 || fm_event_set(pong) < 0 ? -1 : 0;
}

static int wait64_a(uint32_t seq)
{
	size_t index = 0;

	(void)seq;
	if (fm_event_set(ping) < 0 || fm_wait_any(any, FM_WAIT_MAX, TIMEOUT_NS, &index) < 0)
		return -1;
	return index == IDLE ? 0 : -1;
}

static int futex_a(uint32_t seq)
{
	atomic_store(&sh->ping, seq);
	futex_wake(&sh->ping);
	return futex_until(&sh->pong, seq);
}

static int futex_b(uint32_t seq)
{
	if (futex_until(&sh->ping, seq) < 0)
		return -1;
	atomic_store(&sh->pong, seq);
	futex_wake(&sh->pong);
	return 0;
}

static int spin_a(uint32_t seq)
{
	atomic_store_explicit(&sh->ping, seq, memory_order_release);
	return spin_until(&sh->pong, seq);
}

static int spin_b(uint32_t seq)
{
	if (spin_until(&sh->ping, seq) < 0)
		return -1;
	atomic_store_explicit(&sh->pong, seq, memory_order_release);
	return 0;
}

/* One turn at the mutex.  b holds its first until a is waiting for the
 * mutex (a millisecond after a says it is about to), so that every turn
 * after is contended. */
static int mutex_turn(uint32_t seq, char who)
{
	struct timespec settle = { 0, 1000000 };

	if (who == 'a' && seq == 1) {
		while (atomic_load(&sh->pong) != 1)
			sched_yield();
		atomic_store(&sh->ping, 1);
	}
	if (fm_mutex_lock(mutex, TIMEOUT_NS) < 0)
		return -1;
	if (who == 'a' && sh->last == 'a')
		atomic_fetch_add(&sh->repeats, 1);
	sh->last = who;
	if (who == 'b' && seq == 1) {
		atomic_store(&sh->pong, 1);
		while (atomic_load(&sh->ping) != 1)
			sched_yield();
		nanosleep(&settle, NULL);
	}
	return fm_mutex_unlock(mutex) < 0 ? -1 : 0;
}

static int mutex_a(uint32_t seq)
{
	return mutex_turn(seq, 'a');
}

static int mutex_b(uint32_t seq)
{
	return mutex_turn(seq, 'b');
}

struct impl {
	const char *name, *label; /* label: in the records */
	int (*a)(uint32_t seq);
	int (*b)(uint32_t seq);
	bool nospin;
};

static const struct impl impls[] = {
	{ "event", "filemap event", event_a, event_b, false },
	{ "event-nospin", "filemap event, no spin", event_a, event_b, true },
	{ "futex", "raw futex", futex_a, futex_b, false },
	{ "spin", "busy spin", spin_a, spin_b, false },
	{ "wait64", "filemap wait_any(64)", wait64_a, event_b, false },
	{ "mutex", "filemap mutex hand-off", mutex_a, mutex_b, false },
};
enum { EVENT, EVENT_NOSPIN, FUTEX, SPIN, WAIT64, MUTEX, IMPLS };

static double median(double v[], size_t n)
{
	return record_stats(v, n).median;
}

/* Side a: warm rounds, then rounds timed one by one. */
static int run_a(const struct impl *im, long warm, long rounds, struct result *res)
{
	double *t = malloc((size_t)rounds * sizeof(*t)), sum = 0;
	uint64_t cpu, start;
	uint32_t seq = 0;

	if (!t)
		return -1;
	for (long i = 0; i < warm; i++)
		if (im->a(++seq) < 0)
			goto fail;
	cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	for (long i = 0; i < rounds; i++) {
		start = clock_ns(CLOCK_MONOTONIC);
		if (im->a(++seq) < 0)
			goto fail;
		t[i] = (double)(clock_ns(CLOCK_MONOTONIC) - start);
		sum += t[i];
	}
	res->cpu_ns = (double)(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu) / (double)rounds;
	res->mean_ns = sum / (double)rounds;
	res->median_ns = median(t, (size_t)rounds);
	free(t);
	return 0;
fail:
	free(t);
	return -1;
}

static int run_b(const struct impl *im, long warm, long rounds, struct result *res)
{
	uint64_t cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	uint32_t seq = 0;

	for (long i = 0; i < warm + rounds; i++)
		if (im->b(++seq) < 0)
			return -1;
	res->cpu_ns = (double)(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu) / (double)(warm + rounds);
	return 0;
}

static char prefix[64]; /* of the objects' names: Local\bench-sync.<pid> */
static fm_section *mem;  /* the shared section, held for the whole run */

/* Creates (create) or opens the shared section and the events, by name. */
static int get_objects(bool create)
{
	char name[128];
	void *view;
	int r = 0;

	snprintf(name, sizeof(name), "%s.mem", prefix);
	if ((create ? fm_section_create(&mem, name, sizeof(struct shared), NULL)
		    : fm_section_open(&mem, name, FM_READ | FM_WRITE)) < 0 ||
	    fm_view_map(&view, mem, 0, 0, FM_WRITE) < 0)
		return -1;
	sh = view;
	for (int i = 0; i <= FM_WAIT_MAX && r >= 0; i++) {
		fm_event **e = i == FM_WAIT_MAX ? &ping : &any[i];

		if (i == IDLE || i == FM_WAIT_MAX)
			snprintf(name, sizeof(name), "%s.%s", prefix, i == IDLE ? "pong" : "ping");
		else
			snprintf(name, sizeof(name), "%s.idle%d", prefix, i);
		r = create ? fm_event_create(e, name, 0, NULL) : fm_event_open(e, name);
	}
	pong = any[IDLE];
	snprintf(name, sizeof(name), "%s.mutex", prefix);
	if (r >= 0)
		r = create ? fm_mutex_create(&mutex, name, 0, NULL) : fm_mutex_open(&mutex, name);
	return r < 0 ? -1 : 0;
}

static int pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* argv: --side a|b IMPL CPU PREFIX WARM ROUNDS.  Handles are the
 * process's own, opened by name; the process exits with them. */
static int side_main(char **argv)
{
	int b = strcmp(argv[2], "b") == 0, im = atoi(argv[3]), r;
	struct result res = { 0 };

	if (im < 0 || im >= IMPLS || pin(atoi(argv[4])) < 0) {
		fprintf(stderr, "bench-sync: side %s: bad impl or CPU\n", argv[2]);
		return 1;
	}
	one_cpu = impls[im].nospin;
	snprintf(prefix, sizeof(prefix), "%s", argv[5]);
	if (get_objects(false) < 0) {
		fprintf(stderr, "bench-sync: side %s: %s\n", argv[2], fm_last_error_message());
		return 1;
	}
	r = (b ? run_b : run_a)(&impls[im], atol(argv[6]), atol(argv[7]), &res);
	if (r < 0) {
		fprintf(stderr, "bench-sync: side %s, %s: a round trip failed or timed out\n",
			argv[2], impls[im].name);
		return 1;
	}
	res.nospin = one_cpu_taken;
	sh->side[b] = res;
	return 0;
}

/* ---- the driver -------------------------------------------------------- */

static pid_t spawn_side(const char *side, int im, int cpu, long warm, long rounds)
{
	char sim[16], scpu[16], swarm[32], srounds[32];
	pid_t pid;

	snprintf(sim, sizeof(sim), "%d", im);
	snprintf(scpu, sizeof(scpu), "%d", cpu);
	snprintf(swarm, sizeof(swarm), "%ld", warm);
	snprintf(srounds, sizeof(srounds), "%ld", rounds);
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "bench-sync", "--side", side, sim, scpu, prefix, swarm,
		      srounds, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static bool exited_well(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* One block of one implementation, in two fresh processes. */
static int pair(int im, int cpu_a, int cpu_b, long rounds, struct result out[2])
{
	long warm = rounds / 10 + 10;
	pid_t a, b;
	bool ok;

	atomic_store(&sh->ping, 0);
	atomic_store(&sh->pong, 0);
	sh->last = 0;
	atomic_store(&sh->repeats, 0);
	memset(sh->side, 0, sizeof(sh->side));
	b = spawn_side("b", im, cpu_b, warm, rounds);
	if (b < 0)
		return -1;
	a = spawn_side("a", im, cpu_a, warm, rounds);
	ok = a > 0 && exited_well(a);
	if (!ok)
		kill(b, SIGKILL); /* it would wait for a partner that is gone */
	ok = exited_well(b) && ok;
	out[0] = sh->side[0];
	out[1] = sh->side[1];
	out[0].alternated = 1 - (double)atomic_load(&sh->repeats) / (double)(warm + rounds);
	return ok ? 0 : -1;
}

/* A scenario's figures: per implementation, medians over the blocks. */
struct figures {
	char benchmark[64];
	bool ran[IMPLS];
	double rt_ns[IMPLS], mean_ns[IMPLS], cpu_a_ns[IMPLS], cpu_b_ns[IMPLS];
	double alternated[IMPLS]; /* the worst block's */
	bool nospin[IMPLS];
};

static int scenario(const char *name, const int list[], int n, int cpu_a, int cpu_b, long rounds,
		    struct figures *f)
{
	double v[4][IMPLS][BLOCKS];
	struct result res[2];

	memset(f, 0, sizeof(*f));
	snprintf(f->benchmark, sizeof(f->benchmark), "event round trip between processes, %s%s",
		 cpu_a < 0 ? "" : cpu_a == cpu_b ? "one CPU " : "CPUs ", name);
	for (int blk = 0; blk < BLOCKS; blk++)
		for (int k = 0; k < n; k++) {
			if (pair(list[k], cpu_a, cpu_b, rounds, res) < 0) {
				fprintf(stderr, "bench-sync: %s, %s failed\n", name, impls[list[k]].name);
				return -1;
			}
			v[0][list[k]][blk] = res[0].median_ns;
			v[1][list[k]][blk] = res[0].mean_ns;
			v[2][list[k]][blk] = res[0].cpu_ns;
			v[3][list[k]][blk] = res[1].cpu_ns;
			f->nospin[list[k]] = res[0].nospin || res[1].nospin;
			if (blk == 0 || res[0].alternated < f->alternated[list[k]])
				f->alternated[list[k]] = res[0].alternated;
		}
	for (int k = 0; k < n; k++) {
		int im = list[k];

		struct record_stats rt;

		for (int blk = 0; blk < BLOCKS; blk++)
			v[0][im][blk] /= 1e3; /* microseconds */
		rt = record_stats(v[0][im], BLOCKS);
		f->ran[im] = true;
		f->rt_ns[im] = rt.median * 1e3;
		f->mean_ns[im] = median(v[1][im], BLOCKS);
		f->cpu_a_ns[im] = median(v[2][im], BLOCKS);
		f->cpu_b_ns[im] = median(v[3][im], BLOCKS);
		if (!impls[im].nospin || f->nospin[im])
			record_measurement(f->benchmark, impls[im].label, "us", rt, rounds * BLOCKS);
	}
	return 0;
}

/* ---- in one process ---------------------------------------------------- */

static int op_wait1_set(void)
{
	return fm_event_set(pong) < 0 || fm_event_wait(pong, FM_INFINITE) < 0 ? -1 : 0;
}

static int op_wait64_set(void)
{
	size_t index;

	return fm_event_set(pong) < 0 || fm_wait_any(any, FM_WAIT_MAX, FM_INFINITE, &index) < 0 ||
			       index != IDLE
		       ? -1
		       : 0;
}

/* The same wait-any over two sets in turn, the same events with the first
 * two swapped: the library remembers a thread's last set (wait.c), and
 * this shows the first pass it makes when the set is not the last one. */
static int op_wait64_turns(void)
{
	static fm_event *swapped[FM_WAIT_MAX];
	static bool turn;
	size_t index;

	if (!swapped[0]) {
		memcpy(swapped, any, sizeof(swapped));
		swapped[0] = any[1];
		swapped[1] = any[0];
	}
	turn = !turn;
	return fm_event_set(pong) < 0 ||
			       fm_wait_any(turn ? swapped : any, FM_WAIT_MAX, FM_INFINITE, &index) < 0 ||
			       index != IDLE
		       ? -1
		       : 0;
}

/* Nanoseconds an op takes, over a block of n. */
static double per_op(int (*op)(void), long n)
{
	uint64_t start = clock_ns(CLOCK_MONOTONIC);

	for (long i = 0; i < n; i++)
		if (op() < 0)
			return -1;
	return (double)(clock_ns(CLOCK_MONOTONIC) - start) / (double)n;
}

/* Alternating blocks of two ops, in nanoseconds: 0, or -1 if one failed. */
static int side_by_side(int (*x)(void), int (*y)(void), long n, struct record_stats *sx,
			struct record_stats *sy)
{
	double vx[BLOCKS * 3], vy[BLOCKS * 3];

	for (int i = 0; i < BLOCKS * 3; i++) {
		vx[i] = per_op(x, n);
		vy[i] = per_op(y, n);
		if (vx[i] < 0 || vy[i] < 0)
			return -1;
	}
	*sx = record_stats(vx, BLOCKS * 3);
	*sy = record_stats(vy, BLOCKS * 3);
	return 0;
}

/* ---- reporting --------------------------------------------------------- */

struct target {
	const char *what;
	double ratio, limit;
};

static struct target targets[16];
static int ntargets;

/* A target on a benchmark: implementation x's figure over reference y's. */
static void target(const char *what, const char *benchmark, const char *x, const char *y,
		   double ratio, double limit)
{
	if (ntargets < (int)(sizeof(targets) / sizeof(targets[0])))
		targets[ntargets++] = (struct target){ what, ratio, limit };
	record_goal(what, benchmark, x, y, ratio, limit, RECORD_LOWER, false);
}

/* A round trip target within scenario f: im's median over ref's. */
static void rt_target(const char *what, const struct figures *f, int im, int ref, double limit)
{
	target(what, f->benchmark, impls[im].label, impls[ref].label, f->rt_ns[im] / f->rt_ns[ref],
	       limit);
}

static void table_rows(const char *cpus, const struct figures *f)
{
	for (int im = 0; im < IMPLS; im++) {
		if (!f->ran[im])
			continue;
		char alternated[32] = "";

		if (im == MUTEX)
			snprintf(alternated, sizeof(alternated), "  alternated %.1f%%",
				 f->alternated[im] * 100);
		fprintf(stderr, "  %-10s %-13s %10.2f %9.2f %9.2f %9.2f%s%s\n", cpus, impls[im].name,
			f->rt_ns[im] / 1e3, f->mean_ns[im] / 1e3, f->cpu_a_ns[im] / 1e3,
			f->cpu_b_ns[im] / 1e3,
			impls[im].nospin && !f->nospin[im] ? "  (spin not disabled)" : "", alternated);
	}
}

static void table_targets(void)
{
	fprintf(stderr, "\n  %-52s %7s %7s\n", "target", "ratio", "limit");
	for (int i = 0; i < ntargets; i++)
		fprintf(stderr, "  %-52s %6.2fx %6.2fx  %s\n", targets[i].what, targets[i].ratio,
			targets[i].limit, targets[i].ratio <= targets[i].limit ? "met" : "NOT met");
}

/* ---- main -------------------------------------------------------------- */

static int create_objects(void)
{
	snprintf(prefix, sizeof(prefix), "Local\\bench-sync.%d", (int)getpid());
	return get_objects(true);
}

/* The first two CPUs this process may run on; cpu[1] -1 if only one. */
static void two_cpus(int cpu[2])
{
	cpu_set_t set;
	int n = 0;

	cpu[0] = cpu[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
}

static int in_process(long rounds)
{
	static const char bench[] = "set + wait, event already set";
	struct record_stats x, y, t, y2;

	if (side_by_side(op_wait64_set, op_wait1_set, rounds * 10, &x, &y) < 0 ||
	    side_by_side(op_wait64_turns, op_wait1_set, rounds * 10, &t, &y2) < 0)
		return -1;
	record_measurement(bench, "filemap event_wait", "ns", y, rounds * 10 * BLOCKS * 3);
	record_measurement(bench, "filemap wait_any(64)", "ns", x, rounds * 10 * BLOCKS * 3);
	record_measurement(bench, "filemap wait_any(64), two sets in turn", "ns", t,
			   rounds * 10 * BLOCKS * 3);
	fprintf(stderr,
		"  set + wait, already set: wait_any(64) %.1f ns, event_wait %.1f ns;\n"
		"  two sets in turn %.1f ns, event_wait beside it %.1f ns\n\n",
		x.median, y.median, t.median, y2.median);
	target("wait set: wait_any(64) / event_wait", bench, "filemap wait_any(64)",
	       "filemap event_wait", x.median / y.median, 2);
	return 0;
}

static int round_trips(long rounds)
{
	static const int pinned[] = { EVENT, EVENT_NOSPIN, FUTEX, SPIN, MUTEX, WAIT64 };
	/* Waiting on several objects needs futex_waitv (Linux 5.16). */
	int npinned = fm_wait_any(any, 2, 1, NULL) == -ENOSYS ? 5 : 6;
	static const int one[] = { EVENT, EVENT_NOSPIN, FUTEX, MUTEX };
	static const int free_[] = { EVENT, FUTEX, MUTEX };
	struct figures f2, f1, f0;
	char two[32], single[32];
	int cpu[2];

	two_cpus(cpu);
	snprintf(two, sizeof(two), "%d,%d", cpu[0], cpu[1]);
	snprintf(single, sizeof(single), "%d", cpu[0]);
	fprintf(stderr, "  round trip (us)   impl      median      mean  cpu a/rt  cpu b/rt\n");
	if (cpu[1] < 0) {
		fprintf(stderr, "  (one CPU only: the two-CPU round trips are skipped)\n");
	} else {
		if (npinned < 6)
			fprintf(stderr, "  (no futex_waitv: the wait64 round trip is skipped)\n");
		if (scenario(two, pinned, npinned, cpu[0], cpu[1], rounds, &f2) < 0)
			return -1;
		table_rows(two, &f2);
	}
	if (scenario(single, one, 4, cpu[0], cpu[0], rounds, &f1) < 0 ||
	    scenario("unpinned", free_, 3, -1, -1, rounds, &f0) < 0)
		return -1;
	table_rows(single, &f1);
	table_rows("unpinned", &f0);
	if (cpu[1] >= 0) {
		rt_target("round trip, 2 CPUs: event / futex", &f2, EVENT, FUTEX, 1.1);
		rt_target("round trip, 2 CPUs: event-nospin / futex", &f2, EVENT_NOSPIN, FUTEX, 1.1);
		rt_target("round trip, 2 busy CPUs: event / spin", &f2, EVENT, SPIN, 5);
		if (f2.ran[WAIT64])
			rt_target("round trip, 2 CPUs: wait_any(64) / event", &f2, WAIT64, EVENT, 2);
	}
	rt_target("round trip, 1 CPU: event / futex", &f1, EVENT, FUTEX, 1.1);
	rt_target("round trip, 1 CPU: event-nospin / futex", &f1, EVENT_NOSPIN, FUTEX, 1.1);
	rt_target("round trip, unpinned: event / futex", &f0, EVENT, FUTEX, 1.1);
	return 0;
}

int main(int argc, char **argv)
{
	long rounds;
	int r;

	if (argc == 8 && strcmp(argv[1], "--side") == 0)
		return side_main(argv);
	rounds = argc > 1 ? atol(argv[1]) : 5000;
	if (argc > 2 || rounds < 1) {
		fprintf(stderr, "usage: bench-sync [ROUNDS]\n");
		return 2;
	}
	if (create_objects() < 0) {
		fprintf(stderr, "bench-sync: %s\n", fm_last_error_message());
		return 1;
	}
	fprintf(stderr, "bench-sync: medians over %d blocks of %ld round trips\n", BLOCKS, rounds);
	r = in_process(rounds) < 0 || round_trips(rounds) < 0;
	if (r)
		fprintf(stderr, "bench-sync: failed: %s\n", fm_last_error_message());
	else
		table_targets();
	return r;
}
