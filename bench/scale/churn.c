/* SPDX-License-Identifier: MIT */
/*
 * churn.c - part "churn": many processes creating, opening, mapping,
 * unmapping and closing a few shared names at once, some of them killed
 * with SIGKILL at random moments, and not one unexpected result.
 *
 * Each worker keeps a few handles and views and picks its next operation
 * at random.  Every section is 64 KiB and split into one slot a worker;
 * a worker writes only its own slot, a signed record (its id, a sequence
 * number, a checksum) stored as one aligned 64-bit word, so that any
 * reader sees a whole record or the one before.  Whenever a worker maps or
 * unmaps, it checks the whole view: each slot is zero or a well-formed
 * record of the worker that owns it, with nothing else in it; and its own
 * slot holds exactly the record it last wrote into that object (known by
 * the object's inode, which cannot be reused while the worker maps it).
 * Expected results: create gives 0 or FM_EXISTED, open 0 or -ENOENT (the
 * name is gone when nobody holds it); anything else is an error, counted
 * with its code and message.
 *
 * Workers write their counts into a shared anonymous mapping as they go,
 * so a killed worker's errors count too; the parent kills each victim once
 * its progress passes a random point, so the kill lands at an arbitrary
 * instruction of a run in full swing.  Afterwards one `filemap gc` must
 * leave the store empty: no object, no stray file, nothing in the root
 * but its namespace directories.
 */
#define _GNU_SOURCE
#include "scale.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SECTION_SIZE  (64u * 1024)
#define NAME_FMT      "Local\\scale.%ld"
#define MAX_HANDLES   4
#define MAX_VIEWS     4
#define MAX_MESSAGES  3
#define STALL_SECONDS 60 /* no progress at all this long: a hang */

enum op { OP_CREATE, OP_OPEN, OP_MAP, OP_WRITE, OP_UNMAP, OP_CLOSE, OP_COUNT };

static const char *const op_name[OP_COUNT] = { "create", "open", "map", "write", "unmap",
					       "close" };

/* What a worker reports, in memory its parent shares. */
struct result {
	_Atomic long progress;   /* operations done so far */
	long done[OP_COUNT];
	long existed, absent;    /* create: FM_EXISTED; open: -ENOENT */
	long errors;             /* unexpected results */
	char message[MAX_MESSAGES][192];
	int finished;            /* ran to its end */
};

struct handle {
	fm_section *s;
	long name;
	ino_t ino;
};

struct view {
	_Atomic uint64_t *slot;  /* this worker's slot in the view */
	unsigned char *base;
	long name;
	ino_t ino;
	uint64_t expected;       /* the record the slot must hold */
};

struct worker {
	long index, workers, shared;
	size_t slot_size;
	uint32_t seq;
	uint64_t rng;
	struct result *res;
	struct handle h[MAX_HANDLES];
	struct view v[MAX_VIEWS];
	int nh, nv;
};

/* ---- records ----------------------------------------------------------- */

/* id (worker index + 1) in bits 0-15, seq in 16-47, a checksum in 48-63. */
static uint64_t record(long index, uint32_t seq)
{
	uint64_t body = (uint64_t)(index + 1) | (uint64_t)seq << 16, mix = body;

	return body | (rng_next(&mix) & 0xffff000000000000u);
}

static bool well_formed(uint64_t rec, long slot)
{
	return (long)(rec & 0xffff) == slot + 1 &&
	       record(slot, (uint32_t)(rec >> 16)) == rec;
}

/* ---- errors ------------------------------------------------------------ */

static void worker_error(struct worker *w, enum op op, long name, const char *fmt, ...)
	SCALE_PRINTF(4, 5);

static void worker_error(struct worker *w, enum op op, long name, const char *fmt, ...)
{
	long n = w->res->errors++;
	va_list ap;
	int len;

	if (n >= MAX_MESSAGES)
		return;
	len = snprintf(w->res->message[n], sizeof(w->res->message[n]), "worker %ld, %s of " NAME_FMT ": ",
		       w->index, op_name[op], name);
	va_start(ap, fmt);
	vsnprintf(w->res->message[n] + len, sizeof(w->res->message[n]) - (size_t)len, fmt, ap);
	va_end(ap);
}

/* A failed library call: its code and the library's message. */
static void lib_error(struct worker *w, enum op op, long name, int code)
{
	worker_error(w, op, name, "%s (%s)", fm_last_error_message(), fm_errname(code));
}

/* ---- checks ------------------------------------------------------------ */

/* Every slot of the view holds nothing or its owner's record, and the
 * bytes after the record word, and after the last slot, are zero. */
static void check_view(struct worker *w, const struct view *v, enum op op)
{
	const uint64_t *words = (const uint64_t *)v->base;
	size_t per_slot = w->slot_size / 8, nwords = SECTION_SIZE / 8;

	for (size_t i = 0; i < nwords; i++) {
		size_t slot = i / per_slot;
		uint64_t x = i % per_slot == 0 && slot < (size_t)w->workers
				     ? atomic_load_explicit((_Atomic uint64_t *)&words[i],
							    memory_order_acquire)
				     : words[i];

		if (x == 0)
			continue;
		if (i % per_slot == 0 && slot < (size_t)w->workers && well_formed(x, (long)slot))
			continue;
		worker_error(w, op, v->name, "word %zu (slot %zu) holds %#llx: not a record of worker %zu",
		      i, slot, (unsigned long long)x, slot);
		return;
	}
}

/* Signs the slot again through v; every view of the same object must see
 * the new record at once. */
static void sign(struct worker *w, struct view *v, enum op op)
{
	uint64_t rec = record(w->index, ++w->seq);

	atomic_store_explicit(v->slot, rec, memory_order_release);
	for (int i = 0; i < w->nv; i++) {
		if (w->v[i].ino != v->ino)
			continue;
		w->v[i].expected = rec;
		if (atomic_load(w->v[i].slot) != rec)
			worker_error(w, op, v->name, "another view of the same object does not see the write");
	}
}

/* ---- operations -------------------------------------------------------- */

static ino_t inode_of(fm_section *s)
{
	struct stat st;

	return fstat(fm_section_fd(s), &st) == 0 ? st.st_ino : 0;
}

/* Keeps a new handle after checking its size. */
static void keep(struct worker *w, fm_section *s, long name, enum op op)
{
	if (fm_section_size(s) != SECTION_SIZE)
		worker_error(w, op, name, "fm_section_size is %llu, not %u",
		      (unsigned long long)fm_section_size(s), SECTION_SIZE);
	w->h[w->nh++] = (struct handle){ s, name, inode_of(s) };
}

static void op_create(struct worker *w, long name, const char *text)
{
	fm_section *s;
	int r = fm_section_create(&s, text, SECTION_SIZE, NULL);

	if (r < 0) {
		lib_error(w, OP_CREATE, name, r);
		return;
	}
	w->res->existed += r == FM_EXISTED;
	keep(w, s, name, OP_CREATE);
}

static void op_open(struct worker *w, long name, const char *text)
{
	fm_section *s;
	int r = fm_section_open(&s, text, FM_READ | FM_WRITE);

	if (r == -ENOENT) {
		w->res->absent++;
		return;
	}
	if (r < 0) {
		lib_error(w, OP_OPEN, name, r);
		return;
	}
	keep(w, s, name, OP_OPEN);
}

static void op_map(struct worker *w, const struct handle *h)
{
	struct view *v = &w->v[w->nv];
	void *base;
	int r = fm_view_map(&base, h->s, 0, 0, FM_WRITE);

	if (r < 0) {
		lib_error(w, OP_MAP, h->name, r);
		return;
	}
	*v = (struct view){ .base = base, .name = h->name, .ino = h->ino };
	v->slot = (_Atomic uint64_t *)(v->base + (size_t)w->index * w->slot_size);
	v->expected = atomic_load(v->slot);
	w->nv++;
	check_view(w, v, OP_MAP);
	/* Another view of the object already knows what the slot holds. */
	for (int i = 0; i < w->nv - 1; i++)
		if (w->v[i].ino == v->ino && w->v[i].expected != v->expected)
			worker_error(w, OP_MAP, v->name, "a new view shows %#llx in this worker's slot, "
						 "another view of the object %#llx",
			      (unsigned long long)v->expected, (unsigned long long)w->v[i].expected);
	sign(w, v, OP_MAP);
}

static void op_unmap(struct worker *w, int i)
{
	struct view *v = &w->v[i];
	uint64_t found = atomic_load(v->slot);
	int r;

	if (found != v->expected)
		worker_error(w, OP_UNMAP, v->name, "this worker's slot holds %#llx, not its record %#llx",
		      (unsigned long long)found, (unsigned long long)v->expected);
	check_view(w, v, OP_UNMAP);
	r = fm_view_unmap(v->base);
	if (r < 0)
		lib_error(w, OP_UNMAP, v->name, r);
	w->v[i] = w->v[--w->nv];
}

static void op_close(struct worker *w, int i)
{
	fm_section_close(w->h[i].s);
	w->h[i] = w->h[--w->nh];
}

/* The next operation: random, bent to what the worker holds. */
static enum op choose(struct worker *w)
{
	enum op op = (enum op)(rng_next(&w->rng) % OP_COUNT);

	if ((op == OP_WRITE || op == OP_UNMAP) && w->nv == 0)
		op = OP_MAP;
	if (op == OP_MAP && w->nv == MAX_VIEWS)
		op = OP_UNMAP;
	if ((op == OP_MAP || op == OP_CLOSE) && w->nh == 0)
		op = OP_CREATE;
	if ((op == OP_CREATE || op == OP_OPEN) && w->nh == MAX_HANDLES)
		op = OP_CLOSE;
	return op;
}

static void step(struct worker *w)
{
	long name = (long)(rng_next(&w->rng) % (uint64_t)w->shared);
	enum op op = choose(w);
	char text[64];

	snprintf(text, sizeof(text), NAME_FMT, name);
	switch (op) {
	case OP_CREATE:
		op_create(w, name, text);
		break;
	case OP_OPEN:
		op_open(w, name, text);
		break;
	case OP_MAP:
		op_map(w, &w->h[rng_next(&w->rng) % (uint64_t)w->nh]);
		break;
	case OP_WRITE:
		sign(w, &w->v[rng_next(&w->rng) % (uint64_t)w->nv], OP_WRITE);
		break;
	case OP_UNMAP:
		op_unmap(w, (int)(rng_next(&w->rng) % (uint64_t)w->nv));
		break;
	case OP_CLOSE:
		op_close(w, (int)(rng_next(&w->rng) % (uint64_t)w->nh));
		break;
	case OP_COUNT:
		break;
	}
	w->res->done[op]++;
	atomic_fetch_add(&w->res->progress, 1);
}

static void worker_main(long index, const struct scale_opts *o, struct result *res)
{
	struct worker w = {
		.index = index, .workers = o->workers, .shared = o->shared,
		.slot_size = SECTION_SIZE / (size_t)o->workers / 8 * 8,
		.rng = o->seed ^ ((uint64_t)index << 40 | 0x5ca1e), .res = res,
	};

	for (long i = 0; i < o->ops; i++)
		step(&w);
	while (w.nv)
		op_unmap(&w, 0);
	while (w.nh)
		op_close(&w, 0);
	res->finished = 1;
	_exit(0);
}

/* ---- the parent -------------------------------------------------------- */

struct crew {
	long n, cap;
	pid_t *pid;
	int *status;
	bool *victim, *reaped;
	long *kill_at;      /* progress at which a victim is killed; LONG_MAX once it was */
	struct result *res; /* shared with the workers */
};

/* Chooses o->kills victims and when each dies. */
static void choose_victims(struct crew *c, const struct scale_opts *o, uint64_t *rng)
{
	for (long k = 0; k < o->kills; k++) {
		long i;

		do
			i = (long)(rng_next(rng) % (uint64_t)c->n);
		while (c->victim[i]);
		c->victim[i] = true;
		/* Anywhere in the first 90 %, the very start (when the store's
		 * directories are made) included, so the kill lands mid-run. */
		c->kill_at[i] = (long)(rng_next(rng) % (uint64_t)(o->ops * 9 / 10 + 1));
	}
}

static long total_progress(const struct crew *c)
{
	long sum = 0;

	for (long i = 0; i < c->n; i++)
		sum += atomic_load(&c->res[i].progress);
	return sum;
}

/* Kills victims on time and reaps everyone; -1 if the run stalled. */
static int supervise(struct crew *c)
{
	const struct timespec tick = { 0, 100000 };
	long alive = c->n, last = -1;
	double stalled_since = now();
	int status;
	pid_t pid;

	while (alive > 0) {
		for (long i = 0; i < c->n; i++)
			if (c->victim[i] && !c->reaped[i] &&
			    atomic_load(&c->res[i].progress) >= c->kill_at[i]) {
				kill(c->pid[i], SIGKILL);
				c->kill_at[i] = LONG_MAX;
			}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			for (long i = 0; i < c->n; i++)
				if (c->pid[i] == pid) {
					c->status[i] = status;
					c->reaped[i] = true;
					alive--;
				}
		if (total_progress(c) != last) {
			last = total_progress(c);
			stalled_since = now();
		} else if (now() - stalled_since > STALL_SECONDS) {
			report_failure("churn: no worker made progress for %d s: killing them all",
				       STALL_SECONDS);
			for (long i = 0; i < c->n; i++)
				if (!c->reaped[i])
					kill(c->pid[i], SIGKILL);
			while (waitpid(-1, &status, 0) > 0)
				;
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	return 0;
}

/* Sums the workers' reports and judges each worker's end. */
static void judge(const struct crew *c, double seconds)
{
	long ops = 0, errors = 0, killed = 0, intact = 0, survivors = 0, existed = 0, absent = 0;
	long done[OP_COUNT] = { 0 };
	char how[48];

	for (long i = 0; i < c->n; i++) {
		const struct result *r = &c->res[i];
		bool was_killed = WIFSIGNALED(c->status[i]) && WTERMSIG(c->status[i]) == SIGKILL &&
				  c->victim[i];

		ops += atomic_load(&r->progress);
		errors += r->errors;
		existed += r->existed;
		absent += r->absent;
		for (int k = 0; k < OP_COUNT; k++)
			done[k] += r->done[k];
		for (long m = 0; m < r->errors && m < MAX_MESSAGES; m++)
			note("churn error: %s", r->message[m]);
		if (was_killed) {
			killed++;
			continue;
		}
		survivors++;
		if (exited_well(c->status[i]) && r->finished)
			intact++;
		else
			note("churn worker %ld: %s%s", i, status_text(c->status[i], how, sizeof(how)),
			     r->finished ? "" : ", did not finish");
	}
	note("churn: %ld ops in %.2f s: %ld create (%ld existed), %ld open (%ld found nothing), "
	     "%ld map, %ld write, %ld unmap, %ld close; %ld of %ld workers killed",
	     ops, seconds, done[OP_CREATE], existed, done[OP_OPEN], absent, done[OP_MAP],
	     done[OP_WRITE], done[OP_UNMAP], done[OP_CLOSE], killed, c->n);
	report_value("churn operations", IMPL_NATIVE, "ops/s", (double)ops / seconds);
	report_value("churn workers killed", IMPL_NATIVE, "count", (double)killed);
	report_value("churn unexpected errors", IMPL_NATIVE, "count", (double)errors);
	report_goal("churn: no unexpected error", "churn unexpected errors", IMPL_NATIVE, "none",
		    (double)errors, 0, RECORD_EQUAL, true);
	report_value("churn survivors intact", IMPL_NATIVE, "count", (double)intact);
	report_goal("churn: every survivor exits 0 having finished", "churn survivors intact",
		    IMPL_NATIVE, "the survivors", (double)intact, (double)survivors, RECORD_EQUAL,
		    true);
}

/* After the run: one `filemap gc`, then nothing may be left. */
static void check_empty(const char *root, const struct scale_opts *o)
{
	static const char *const gc[] = { "gc", NULL }, *const ls[] = { "ls", "--json", NULL };
	char why[128];
	long removed = 0, listed = -1;
	size_t len;
	struct run r;
	char *text;

	text = run_tool_text(&r, o, root, gc, &len);
	if (!text)
		report_failure("churn: `filemap gc` failed on %s", root);
	for (char *p = text; p && (p = strstr(p, "removed ")) != NULL; p++)
		removed++;
	free(text);
	report_value("churn entries removed by gc", IMPL_TOOL, "count", (double)removed);
	text = run_tool_text(&r, o, root, ls, &len);
	if (text) {
		listed = json_array_count(text, len, why, sizeof(why));
		if (listed < 0)
			note("churn: `filemap ls --json` printed no valid JSON: %s", why);
		free(text);
	}
	report_value("churn objects listed after gc", IMPL_TOOL, "count", (double)listed);
	report_goal("churn: `filemap ls --json` is [] after gc", "churn objects listed after gc",
		    IMPL_TOOL, "none", (double)listed, 0, RECORD_EQUAL, true);
	store_finish(root, "churn, after gc", IMPL_TOOL);
}

static void crew_free(struct crew *c)
{
	free(c->pid);
	free(c->status);
	free(c->victim);
	free(c->reaped);
	free(c->kill_at);
	if (c->res)
		munmap(c->res, (size_t)c->cap * sizeof(*c->res));
}

static int crew_alloc(struct crew *c, long n)
{
	*c = (struct crew){ .n = n, .cap = n };
	c->pid = calloc((size_t)n, sizeof(*c->pid));
	c->status = calloc((size_t)n, sizeof(*c->status));
	c->victim = calloc((size_t)n, sizeof(*c->victim));
	c->reaped = calloc((size_t)n, sizeof(*c->reaped));
	c->kill_at = calloc((size_t)n, sizeof(*c->kill_at));
	c->res = mmap(NULL, (size_t)n * sizeof(*c->res), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->res == MAP_FAILED)
		c->res = NULL;
	if (c->pid && c->status && c->victim && c->reaped && c->kill_at && c->res)
		return 0;
	note("churn: out of memory");
	crew_free(c);
	return -1;
}

int part_churn(const struct scale_opts *o)
{
	char root[PATH_MAX];
	uint64_t rng = o->seed ^ 0xc4u;
	struct crew c;
	double start;
	int r = 0;

	if (store_prepare(root, sizeof(root), "churn", o) < 0 || crew_alloc(&c, o->workers) < 0)
		return -1;
	choose_victims(&c, o, &rng);
	note("churn: %ld workers x %ld ops over %ld names of %u KiB, %ld killed with SIGKILL",
	     o->workers, o->ops, o->shared, SECTION_SIZE / 1024, o->kills);
	/* The store does not exist yet: the workers race to make it, too. */
	store_use(root);
	fflush(NULL);
	start = now();
	for (long i = 0; i < c.n; i++) {
		c.pid[i] = fork();
		if (c.pid[i] == 0)
			worker_main(i, o, &c.res[i]);
		if (c.pid[i] < 0) {
			note("churn: fork: %s", strerror(errno));
			c.n = i; /* supervise those that started */
			r = -1;
			break;
		}
	}
	if (supervise(&c) < 0)
		r = -1;
	judge(&c, now() - start);
	check_empty(root, o);
	crew_free(&c);
	return r;
}
