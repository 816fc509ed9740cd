/* SPDX-License-Identifier: MIT */
/*
 * names.c - part "names": does anything slow down when one store holds
 * 100,000 live named sections?
 *
 * Two stores side by side: a small one with 10 live sections and a large
 * one with 100,000 (4 KiB each, never touched), held by holder processes.
 * Each handle holds two descriptors (the locked one and the one views map
 * from), so 100,000 of them need 200,000; a process may raise its hard
 * RLIMIT_NOFILE up to /proc/sys/fs/nr_open only with CAP_SYS_RESOURCE, so
 * the holders are as many processes as the limit in force requires, and
 * the run says which limit that was.
 *
 * Timed, in blocks that alternate between the stores (ABBA, so drift
 * cancels), switching FILEMAP_ROOT between blocks: fm_section_open + close
 * of a random live name, the same with a whole view mapped and unmapped,
 * and open + close of one name again and again; each figure is the median
 * of the block means.  Next to the two random kinds, in the same rotation,
 * runs the reference: raw POSIX's shm_open + fstat + mmap + munmap + close
 * of a random one of as many 4 KiB objects in /dev/shm, what the kernel
 * alone costs to look up, open and map one of 100,000 tmpfs files; a goal
 * compares filemap's growth from 10 to 100,000 objects with raw POSIX's.
 * Those objects exist only while the opens are timed, and every way out
 * removes them (an interrupted run leaves them, as it leaves its stores).
 * And the tool:
 * `filemap ls` over each store (goal: under 0.6 s for 100,000 objects), and
 * `filemap ls --json`, whose peak RSS shows whether it streams, and whose
 * output must parse and list every object.  The tool runs over the small
 * store before the large one's holders start, since what it costs follows
 * what the whole system holds (it finds holders in /proc).
 *
 * While the 100,000 are held, anything that reads /proc/locks (lslocks, an
 * older filemap ls) takes seconds per read and stalls every flock() and
 * close() of a locked file on the machine meanwhile; the run holds them
 * only as long as it must.
 */
#define _GNU_SOURCE
#include "scale.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME_FMT        "Local\\scale.name.%ld"
#define OBJECT_SIZE     4096
#define FDS_PER_SECTION 2  /* the locked descriptor and the one views map from */
#define FD_SPARE        64 /* descriptors a holder keeps for everything else */

/* A store and the processes that keep its sections alive. */
struct side {
	const char *label; /* "10 objects" */
	char root[PATH_MAX];
	long count;
	pid_t *holders;
	long nholders;
	int release;       /* closing it lets the holders close and exit */
	char shm[48];      /* the raw POSIX objects: this prefix and an index */
	long shm_made;     /* how many of them exist, [0, shm_made) */
};

/* What a holder tells the parent once its sections exist: one write,
 * smaller than PIPE_BUF, so holders sharing the pipe never interleave. */
struct ready {
	long index;
	int code;
	char message[200];
};

/* ---- holders ----------------------------------------------------------- */

static void name_of(char *buf, size_t len, long i)
{
	snprintf(buf, len, NAME_FMT, i);
}

/* A holder process: creates sections [lo, hi), says so, waits for the
 * release pipe to close, closes them (the last close removes each name). */
static void holder_main(long index, long lo, long hi, int ready_fd, int release_fd)
{
	fm_section **held = calloc((size_t)(hi - lo), sizeof(*held));
	struct ready msg = { .index = index };
	char name[64], c;
	long i;

	if (!held)
		msg.code = -ENOMEM;
	for (i = lo; held && i < hi && msg.code >= 0; i++) {
		name_of(name, sizeof(name), i);
		msg.code = fm_section_create(&held[i - lo], name, OBJECT_SIZE, NULL);
		if (msg.code < 0)
			snprintf(msg.message, sizeof(msg.message), "%s", fm_last_error_message());
	}
	if (write(ready_fd, &msg, sizeof(msg)) != sizeof(msg))
		msg.code = -EIO;
	while (msg.code >= 0 && read(release_fd, &c, 1) < 0 && errno == EINTR)
		;
	for (i = lo; held && i < hi; i++)
		fm_section_close(held[i - lo]);
	_exit(msg.code < 0);
}

/* Waits for every holder; false if one did not exit well. */
static bool reap_holders(struct side *sd)
{
	bool ok = true;
	char how[48];
	int status;

	if (sd->release >= 0)
		close(sd->release);
	sd->release = -1;
	for (long i = 0; i < sd->nholders; i++) {
		if (waitpid(sd->holders[i], &status, 0) != sd->holders[i] || !exited_well(status)) {
			note("holder %ld of %s: %s", i, sd->root, status_text(status, how, sizeof(how)));
			ok = false;
		}
	}
	free(sd->holders);
	sd->holders = NULL;
	sd->nholders = 0;
	return ok;
}

/* Reads every holder's ready message; false if one failed. */
static bool await_holders(struct side *sd, int ready_fd)
{
	struct ready msg;
	bool ok = true;

	for (long i = 0; i < sd->nholders; i++) {
		if (read(ready_fd, &msg, sizeof(msg)) != sizeof(msg)) {
			note("a holder of %s died before it was ready", sd->root);
			return false;
		}
		if (msg.code < 0) {
			note("holder %ld of %s: %s", msg.index, sd->root, msg.message);
			ok = false;
		}
	}
	return ok;
}

/* Starts holders for sd->count sections, per_holder at most each.  They
 * close inherited (another side's release pipe, or -1), so that closing
 * it lets that side's holders go however long this side's live. */
static int start_holders(struct side *sd, long per_holder, int inherited)
{
	int ready[2], release[2];
	bool ok;

	sd->nholders = (sd->count + per_holder - 1) / per_holder;
	sd->holders = calloc((size_t)sd->nholders, sizeof(pid_t));
	if (!sd->holders || pipe2(ready, O_CLOEXEC) < 0 || pipe2(release, O_CLOEXEC) < 0) {
		note("cannot start holders: %s", strerror(errno));
		return -1;
	}
	store_use(sd->root);
	fflush(NULL);
	for (long i = 0; i < sd->nholders; i++) {
		long lo = i * per_holder, hi = lo + per_holder < sd->count ? lo + per_holder : sd->count;

		sd->holders[i] = fork();
		if (sd->holders[i] == 0) {
			close(ready[0]);
			close(release[1]);
			if (inherited >= 0)
				close(inherited);
			holder_main(i, lo, hi, ready[1], release[0]);
		}
		if (sd->holders[i] < 0) {
			note("fork: %s", strerror(errno));
			sd->nholders = i;
			break;
		}
	}
	close(ready[1]);
	close(release[0]);
	sd->release = release[1];
	ok = await_holders(sd, ready[0]);
	close(ready[0]);
	return ok ? 0 : -1;
}

/* ---- the raw POSIX reference ------------------------------------------ */

static void shm_name_of(char *buf, size_t len, const struct side *sd, long i)
{
	snprintf(buf, len, "%s%ld", sd->shm, i);
}

/* Removes sd's raw POSIX objects; false if one would not go. */
static bool shm_remove(struct side *sd)
{
	bool ok = true;
	char name[80];

	for (; sd->shm_made > 0; sd->shm_made--) {
		shm_name_of(name, sizeof(name), sd, sd->shm_made - 1);
		if (shm_unlink(name) < 0 && errno != ENOENT) {
			report_failure("shm_unlink %s: %s", name, strerror(errno));
			ok = false;
		}
	}
	return ok;
}

/*
 * Makes sd->count raw POSIX objects of OBJECT_SIZE in /dev/shm, untouched.
 * None is held open (100,000 descriptors are more than RLIMIT_NOFILE
 * allows): a POSIX object lives until shm_unlink.  On failure removes
 * what it made; the run's pid in the names keeps other runs' apart.
 */
static int shm_make(struct side *sd)
{
	char name[80];
	int fd, err;

	snprintf(sd->shm, sizeof(sd->shm), "/fm-scale-%d-%ld-", (int)getpid(), sd->count);
	while (sd->shm_made < sd->count) {
		shm_name_of(name, sizeof(name), sd, sd->shm_made);
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		err = fd < 0 ? errno : ftruncate(fd, OBJECT_SIZE) < 0 ? errno : 0;
		if (fd >= 0) {
			sd->shm_made++;
			close(fd);
		}
		if (err) {
			report_failure("raw POSIX object %s: %s", name, strerror(err));
			shm_remove(sd);
			return -1;
		}
	}
	return 0;
}

/* ---- timing ------------------------------------------------------------ */

/*
 * What is timed.  A random live name is what a program meets, and with
 * 100,000 objects it also meets their cost in the CPU's caches (each open
 * touches another file's dentry, inode, lock list and header page); one
 * name again and again shows the cost of the structures alone.  Next to
 * a random kind runs raw POSIX (posix names its benchmark): what the
 * kernel alone pays for a random one of as many tmpfs files.  A POSIX open
 * needs the map to reach the memory (as in bench/run.py's open benchmark),
 * so the same operation stands beside both kinds, and beside open + map as
 * that benchmark's second implementation.
 */
struct kind {
	const char *what, *brief;
	bool map;          /* the whole view mapped and unmapped too */
	bool same;         /* always name 0 */
	const char *posix; /* raw POSIX's benchmark, or NULL for none */
};

static const struct kind kinds[] = {
	{ "open by name", "open", false, false,
	  "shm_open + fstat + mmap + munmap + close by name" },
	{ "open + map + unmap by name", "open+map", true, false, "open + map + unmap by name" },
	{ "open by name, one name again and again", "open of one name", false, true, NULL },
};

#define IMPL_POSIX "raw POSIX"

/* Opens a live name of sd (and maps it whole), then closes it. */
static int open_once(const struct side *sd, uint64_t *rng, const struct kind *k)
{
	uint64_t i = rng_next(rng) % (uint64_t)sd->count;
	fm_section *s;
	char name[64];
	void *v;
	int r;

	name_of(name, sizeof(name), k->same ? 0 : (long)i);
	r = fm_section_open(&s, name, FM_READ | FM_WRITE);
	if (r < 0)
		return r;
	if (k->map) {
		r = fm_view_map(&v, s, 0, 0, FM_WRITE);
		if (r == 0)
			r = fm_view_unmap(v);
	}
	fm_section_close(s);
	return r;
}

/* The same in raw POSIX, a random one of sd's objects: opened, its size
 * asked (an opener does not know it), mapped whole, unmapped, closed.
 * Returns 0 or -errno. */
static int posix_once(const struct side *sd, uint64_t *rng, const struct kind *k)
{
	uint64_t i = rng_next(rng) % (uint64_t)sd->count;
	struct stat st;
	char name[80];
	int fd, r = 0;
	void *v;

	shm_name_of(name, sizeof(name), sd, k->same ? 0 : (long)i);
	fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if ((v = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) ==
		 MAP_FAILED)
		r = -errno;
	else if (munmap(v, (size_t)st.st_size) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The implementations a comparison times: filemap, then the reference. */
static const struct impl {
	const char *name;
	int (*once)(const struct side *sd, uint64_t *rng, const struct kind *k);
} impls[] = { { IMPL_NATIVE, open_once }, { IMPL_POSIX, posix_once } };

/* Mean microseconds of one open by m over a block in sd's store; -1 on
 * failure, with *err its code. */
static double block(const struct impl *m, const struct side *sd, long iterations, uint64_t *rng,
		    const struct kind *k, int *err)
{
	double start;

	store_use(sd->root);
	/* Untimed: the library reopens its directories for the new root. */
	if ((*err = m->once(sd, rng, k)) < 0)
		return -1;
	start = now();
	for (long i = 0; i < iterations; i++)
		if ((*err = m->once(sd, rng, k)) < 0)
			return -1;
	return (now() - start) / (double)iterations * 1e6;
}

/*
 * o->blocks rounds of blocks into v[implementation][store]: the stores in
 * turn (ABBA, so drift cancels), and in each store the nimpl
 * implementations in turn, their order reversed every other round too.
 */
static int run_blocks(struct side sides[2], const struct scale_opts *o, const struct kind *k,
		      uint64_t *rng, double *v[2][2], int nimpl)
{
	int err;

	for (long b = 0; b < o->blocks; b++) {
		for (int turn = 0; turn < 2 * nimpl; turn++) {
			int s = (int)((b + turn / nimpl) % 2), m = (int)((b + turn) % nimpl);

			v[m][s][b] = block(&impls[m], &sides[s], o->iterations, rng, k, &err);
			if (v[m][s][b] < 0) {
				report_failure("%s (%s) in %s: %s", k->what, impls[m].name,
					       m ? sides[s].shm : sides[s].root,
					       m ? strerror(-err) : fm_last_error_message());
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Filemap's growth from the small store to the large one next to raw
 * POSIX's, which is the kernel's own: looking up and opening one of so
 * many tmpfs files, their dentries and inodes out of the CPU's caches.
 */
static void report_growth(const struct side sides[2], const struct kind *k,
			  const struct stats st[2][2], char bench[2][2][96])
{
	double fm = st[0][1].median / st[0][0].median, posix = st[1][1].median / st[1][0].median;
	char goal[96], ref[256];

	note("%s, %s to %s: filemap +%.2f us (%.3gx), raw POSIX +%.2f us (%.3gx)", k->what,
	     sides[0].label, sides[1].label, st[0][1].median - st[0][0].median, fm,
	     st[1][1].median - st[1][0].median, posix);
	snprintf(goal, sizeof(goal), "%s growth (%ld/%ld) <= 1.2x raw POSIX's growth", k->brief,
		 sides[1].count, sides[0].count);
	snprintf(ref, sizeof(ref), "raw POSIX's growth, %s over %s", bench[1][1], sides[0].label);
	report_goal(goal, bench[0][1], IMPL_NATIVE, ref, fm / posix, 1.2, RECORD_LOWER, false);
}

/* The two stores side by side for one kind of open, and raw POSIX's two
 * sets beside them when the kind has it; reports them. */
static int compare(struct side sides[2], const struct scale_opts *o, const struct kind *k,
		   uint64_t *rng)
{
	int nimpl = k->posix ? 2 : 1, r = -1;
	double *v[2][2] = { { NULL, NULL }, { NULL, NULL } };
	struct stats st[2][2];
	char bench[2][2][96], goal[96];

	for (int m = 0; m < nimpl; m++)
		for (int s = 0; s < 2; s++)
			if (!(v[m][s] = calloc((size_t)o->blocks, sizeof(double)))) {
				report_failure("%s: out of memory", k->what);
				goto out;
			}
	if (run_blocks(sides, o, k, rng, v, nimpl) < 0)
		goto out;
	for (int s = 0; s < 2; s++) {
		for (int m = 0; m < nimpl; m++) {
			stats_of(&st[m][s], v[m][s], (size_t)o->blocks, o->blocks * o->iterations);
			snprintf(bench[m][s], sizeof(bench[m][s]), "%s, %s", m ? k->posix : k->what,
				 sides[s].label);
			report_measure(bench[m][s], impls[m].name, "us", &st[m][s]);
		}
	}
	snprintf(goal, sizeof(goal), "%s with %ld objects <= 1.2x with %ld", k->brief,
		 sides[1].count, sides[0].count);
	report_goal(goal, bench[0][1], IMPL_NATIVE, bench[0][0], st[0][1].median / st[0][0].median,
		    1.2, RECORD_LOWER, false);
	if (k->posix)
		report_growth(sides, k, st, bench);
	r = 0;
out:
	for (int m = 0; m < 2; m++)
		for (int s = 0; s < 2; s++)
			free(v[m][s]);
	return r;
}

/* The library takes FILEMAP_ROOT on each call: a name only the large
 * store has is absent from the small one, and there a moment later. */
static int check_root_switch(struct side sides[2])
{
	fm_section *s = NULL;
	char name[64];
	int r0, r1;

	name_of(name, sizeof(name), sides[0].count);
	store_use(sides[0].root);
	r0 = fm_section_open(&s, name, FM_READ);
	fm_section_close(r0 == 0 ? s : NULL);
	store_use(sides[1].root);
	r1 = fm_section_open(&s, name, FM_READ);
	fm_section_close(r1 == 0 ? s : NULL);
	if (r0 == -ENOENT && r1 == 0)
		return 0;
	report_failure("switching FILEMAP_ROOT between calls: %s gave %s in %s and %s in %s", name,
		       fm_errname(r0), sides[0].root, fm_errname(r1), sides[1].root);
	return -1;
}

/* ---- the tool ---------------------------------------------------------- */

/* `filemap ls` over sd's store, o->ls_runs times: its wall time and,
 * next to it, the processor time it took (its threads added up). */
static int time_ls(const struct side *sd, const struct scale_opts *o, bool with_goal)
{
	static const char *const ls[] = { "ls", NULL };
	double *t = calloc(2 * (size_t)o->ls_runs, sizeof(double)), *cpu = t + o->ls_runs;
	char bench[96], goal[96];
	struct stats st, cpu_st;
	struct run r;

	for (long i = 0; t && i < o->ls_runs; i++) {
		if (run_tool(&r, o, sd->root, false, ls) < 0) {
			report_failure("`filemap ls` failed on %s", sd->root);
			free(t);
			return -1;
		}
		t[i] = r.seconds * 1e3;
		cpu[i] = r.cpu_seconds * 1e3;
	}
	if (!t)
		return -1;
	stats_of(&st, t, (size_t)o->ls_runs, o->ls_runs);
	stats_of(&cpu_st, cpu, (size_t)o->ls_runs, o->ls_runs);
	free(t);
	snprintf(bench, sizeof(bench), "filemap ls, %s", sd->label);
	report_measure(bench, IMPL_TOOL, "ms", &st);
	snprintf(bench, sizeof(bench), "filemap ls processor time, %s", sd->label);
	report_measure(bench, IMPL_TOOL, "ms", &cpu_st);
	snprintf(bench, sizeof(bench), "filemap ls, %s", sd->label);
	snprintf(goal, sizeof(goal), "filemap ls of %ld objects < 0.6 s", sd->count);
	if (with_goal)
		report_goal(goal, bench, IMPL_TOOL, "0.6 s", st.median / 0.6e3, 1.0, RECORD_LOWER,
			    false);
	return 0;
}

/* `filemap ls --json` over sd's store: its peak RSS, and its output checked.
 * *rss gets the peak in KiB, *bytes the output's size. */
static int check_ls_json(const struct side *sd, const struct scale_opts *o, long *rss,
			 size_t *bytes)
{
	static const char *const ls[] = { "ls", "--json", NULL };
	char bench[96], goal[96], why[128];
	size_t len = 0;
	struct run r;
	long count = -1;
	char *text;

	text = run_tool_text(&r, o, sd->root, ls, &len);
	if (!text) {
		report_failure("`filemap ls --json` failed on %s", sd->root);
		return -1;
	}
	count = json_array_count(text, len, why, sizeof(why));
	free(text);
	if (count < 0)
		report_failure("`filemap ls --json` on %s: not valid JSON: %s", sd->root, why);
	*rss = r.maxrss_kib;
	*bytes = len;
	snprintf(bench, sizeof(bench), "filemap ls --json peak RSS, %s", sd->label);
	report_value(bench, IMPL_TOOL, "KiB", (double)r.maxrss_kib);
	snprintf(bench, sizeof(bench), "filemap ls --json entries, %s", sd->label);
	report_value(bench, IMPL_TOOL, "count", (double)count);
	snprintf(goal, sizeof(goal), "ls --json parses and lists all %ld objects", sd->count);
	report_goal(goal, bench, IMPL_TOOL, "the live objects", (double)count, (double)sd->count,
		    RECORD_EQUAL, true);
	note("ls --json, %s: %zu bytes of JSON, peak RSS %ld KiB, %.0f ms", sd->label, len,
	     r.maxrss_kib, r.seconds * 1e3);
	return 0;
}

/* The tool over one store: `ls` timed, `ls --json` checked. */
static int tool_on(const struct side *sd, const struct scale_opts *o, bool with_goal, long *rss,
		   size_t *bytes)
{
	return time_ls(sd, o, with_goal) < 0 || check_ls_json(sd, o, rss, bytes) < 0 ? -1 : 0;
}

/*
 * Streaming, judged: a listing that kept its output would grow by at
 * least the output's size; one that streams grows only by its table of
 * holders (tens of bytes an object, next to some 190 of JSON).  So the
 * goal is peak RSS growth from the small store to the large one under a
 * quarter of the large listing's output.
 */
static void report_streaming(const struct side sides[2], const long rss[2], const size_t bytes[2])
{
	char bench[96], ref[96];
	double growth;

	growth = (double)(rss[1] - rss[0]) * 1024;
	snprintf(bench, sizeof(bench), "filemap ls --json peak RSS growth, %ld to %ld objects",
		 sides[0].count, sides[1].count);
	report_value(bench, IMPL_TOOL, "KiB", growth / 1024);
	snprintf(ref, sizeof(ref), "its output, %ld objects (%zu bytes)", sides[1].count, bytes[1]);
	report_goal("ls --json streams: RSS growth <= 1/4 of its output", bench, IMPL_TOOL, ref,
		    growth / (double)bytes[1], 0.25, RECORD_LOWER, false);
}

/* ---- the part ---------------------------------------------------------- */

/* Removes the raw POSIX objects, lets the holders go and checks that the
 * stores are empty after. */
static int finish(struct side sides[2])
{
	char label[64];
	int r = 0;

	for (int s = 0; s < 2; s++) {
		if (!shm_remove(&sides[s]))
			r = -1;
		if (!reap_holders(&sides[s]))
			r = -1;
		snprintf(label, sizeof(label), "names, %s", sides[s].label);
		store_finish(sides[s].root, label, IMPL_NATIVE);
	}
	return r;
}

int part_names(const struct scale_opts *o)
{
	struct side sides[2] = { { .count = o->small, .release = -1 },
				 { .count = o->names, .release = -1 } };
	long rss[2] = { 0, 0 };
	size_t bytes[2] = { 0, 0 };
	char labels[2][48];
	uint64_t rng = o->seed;
	long limit, per_holder;
	int r = -1;

	for (int s = 0; s < 2; s++) {
		snprintf(labels[s], sizeof(labels[s]), "%ld objects", sides[s].count);
		sides[s].label = labels[s];
		if (store_prepare(sides[s].root, sizeof(sides[s].root), s ? "names-large" : "names-small",
				  o) < 0)
			return -1;
	}
	limit = raise_fd_limit(o->names * FDS_PER_SECTION + FD_SPARE);
	per_holder = (limit - FD_SPARE) / FDS_PER_SECTION;
	note("names: %ld live sections need %ld descriptors; RLIMIT_NOFILE is %ld here, so %ld "
	     "holder process%s of at most %ld sections each",
	     o->names, o->names * FDS_PER_SECTION, limit, (o->names + per_holder - 1) / per_holder,
	     (o->names + per_holder - 1) / per_holder > 1 ? "es" : "", per_holder);
	/* The tool over the small store first, while the system holds only
	 * it: the tool's cost follows what the whole system holds. */
	if (start_holders(&sides[0], per_holder, -1) < 0)
		goto no_holders;
	if (tool_on(&sides[0], o, false, &rss[0], &bytes[0]) < 0)
		goto out;
	if (start_holders(&sides[1], per_holder, sides[0].release) < 0)
		goto no_holders;
	if (check_root_switch(sides) < 0)
		goto out;
	/* Raw POSIX's objects only while the opens are timed. */
	if (shm_make(&sides[0]) < 0 || shm_make(&sides[1]) < 0)
		goto out;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (compare(sides, o, &kinds[k], &rng) < 0)
			goto out;
	if (!shm_remove(&sides[0]) || !shm_remove(&sides[1]))
		goto out;
	if (tool_on(&sides[1], o, true, &rss[1], &bytes[1]) < 0)
		goto out;
	report_streaming(sides, rss, bytes);
	r = 0;
	goto out;
no_holders:
	report_failure("names: the holders could not create their sections");
out:
	if (finish(sides) < 0)
		r = -1;
	return r;
}
