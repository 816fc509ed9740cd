/* SPDX-License-Identifier: MIT */
/*
 * bench-scale.c - the scale benchmark of issue 7: its command line, and
 * the parts it runs.
 *
 *   names    100,000 live named sections in one store: the cost of an
 *            open next to a store of 10, `filemap ls` and `ls --json`;
 *   churn    64 processes x 10,000 create/open/map/unmap/close over 256
 *            shared names, some killed with SIGKILL; then `filemap gc`
 *            must leave the store empty;
 *   reserve  a 1 TiB FM_SECTION_RESERVE section shared by two processes,
 *            which must cost a few pages;
 *   memory   the library's heap and descriptors per section and per view,
 *            at 10 objects and at 100,000.
 *
 * Prints one JSON object a line on stdout (measurements and goals, see
 * report.c) and a table on stderr.  Exit status: 0 when every correctness
 * check passed (speed goals that are missed are reported, not failures),
 * 1 when one failed, 2 on a usage error.  Every size is an option, so that
 * ctest runs it small as a correctness test.
 */
#define _GNU_SOURCE
#include "scale.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef FILEMAP_TOOL
#define FILEMAP_TOOL "filemap"
#endif

static const struct {
	const char *name;
	int (*run)(const struct scale_opts *o);
} parts[] = {
	{ "names", part_names },
	{ "churn", part_churn },
	{ "reserve", part_reserve },
	{ "memory", part_memory },
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench-scale [OPTION]... [PART]...\n"
		"PART: names, churn, reserve, memory (default: all, in that order)\n"
		"  --names N        live sections in the large store (100000)\n"
		"  --small N        objects in the small store, and the memory part's small count (10)\n"
		"  --blocks N       timed blocks of each kind of open and store (20)\n"
		"  --iterations N   opens in a block (1000)\n"
		"  --ls-runs N      timed runs of `filemap ls` (5)\n"
		"  --workers N      churn processes (64, at most 1024)\n"
		"  --ops N          operations each churn process makes (10000)\n"
		"  --shared N       names the churn processes share (256)\n"
		"  --kills N        churn processes killed with SIGKILL (a quarter)\n"
		"  --reserve SIZE   the reserved section's size, K/M/G/T suffixes (1T)\n"
		"  --memory N       objects in the memory part's large count (100000)\n"
		"  --seed N         for every random choice (default: from the clock)\n"
		"  --tool PATH      the filemap tool (default: the one built with this)\n"
		"Stores: each part uses <base>/<part>; base is $FILEMAP_ROOT, or a fresh\n"
		"directory in /dev/shm.  Exit: 0 every check passed, 1 one failed, 2 usage.\n");
}

/* A decimal number (positive unless zero_ok), or with suffix a size with
 * an optional K/M/G/T. */
static bool parse_number(const char *text, bool suffix, bool zero_ok, uint64_t *out)
{
	const char *units = "KMGT", *u;
	unsigned long long v;
	char *end;

	if (*text < '0' || *text > '9')
		return false;
	v = strtoull(text, &end, 10);
	if (suffix && *end && (u = strchr(units, *end)) != NULL && end[1] == '\0') {
		unsigned shift = 10 * (unsigned)(u - units + 1);

		if (v > (UINT64_MAX >> shift))
			return false;
		v <<= shift;
		end++;
	}
	*out = v;
	return *end == '\0' && (v > 0 || zero_ok);
}

static int parse_options(struct scale_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "names", 1, NULL, 'n' },   { "small", 1, NULL, 's' },   { "blocks", 1, NULL, 'b' },
		{ "iterations", 1, NULL, 'i' }, { "ls-runs", 1, NULL, 'l' }, { "workers", 1, NULL, 'w' },
		{ "ops", 1, NULL, 'o' },     { "shared", 1, NULL, 'S' },  { "kills", 1, NULL, 'k' },
		{ "reserve", 1, NULL, 'r' }, { "memory", 1, NULL, 'm' },  { "seed", 1, NULL, 'e' },
		{ "tool", 1, NULL, 't' },    { "help", 0, NULL, 'h' },    { NULL, 0, NULL, 0 },
	};
	long *field[128] = {
		['n'] = &o->names, ['s'] = &o->small, ['b'] = &o->blocks, ['i'] = &o->iterations,
		['l'] = &o->ls_runs, ['w'] = &o->workers, ['o'] = &o->ops, ['S'] = &o->shared,
		['k'] = &o->kills, ['m'] = &o->memory,
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		} else if (c == 't') {
			o->tool = optarg;
		} else if (c == 'e' && parse_number(optarg, false, true, &v)) {
			o->seed = v;
		} else if (c == 'r' && parse_number(optarg, true, false, &v)) {
			o->reserve = v;
		} else if (c > 0 && c < 128 && field[c] && parse_number(optarg, false, c == 'k', &v) &&
			   v <= 100000000) {
			*field[c] = (long)v;
		} else {
			for (const struct option *l = longopts; c != '?' && l->name; l++)
				if (l->val == c)
					fprintf(stderr, "bench-scale: --%s %s: not a %s\n", l->name,
						optarg, c == 'r' ? "positive size" : c == 'k' || c == 'e'
						? "number" : "positive number");
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

/* Checks what the options ask for makes sense; says why not. */
static int check_options(const struct scale_opts *o)
{
	const char *why = NULL;

	if (o->names <= o->small)
		why = "--names must be more than --small";
	else if (o->memory < o->small)
		why = "--memory must be at least --small";
	else if (o->workers > 1024)
		why = "--workers: at most 1024";
	else if (o->kills > o->workers)
		why = "--kills: at most --workers";
	else if (o->reserve < 3 * fm_page_size())
		why = "--reserve: at least three pages";
	if (why)
		fprintf(stderr, "bench-scale: %s\n", why);
	return why ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct scale_opts o = {
		.names = 100000, .small = 10, .blocks = 20, .iterations = 1000, .ls_runs = 5,
		.workers = 64, .ops = 10000, .shared = 256, .kills = -1, .reserve = 1ull << 40,
		.memory = 100000, .seed = (uint64_t)time(NULL), .tool = FILEMAP_TOOL,
	};
	bool chosen[NPARTS] = { false }, any = false;
	int failed;

	if (argc == 5 && strcmp(argv[1], "--memory-child") == 0)
		return memory_child(argv);
	if (parse_options(&o, argc, argv) < 0)
		return 2;
	if (o.kills < 0)
		o.kills = o.workers / 4;
	for (int i = optind; i < argc; i++) {
		size_t p;

		for (p = 0; p < NPARTS && strcmp(argv[i], parts[p].name) != 0; p++)
			;
		if (p == NPARTS) {
			fprintf(stderr, "bench-scale: unknown part %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
		chosen[p] = any = true;
	}
	if (check_options(&o) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	note("seed %llu; tool %s", (unsigned long long)o.seed, o.tool);
	if (store_base_init() < 0)
		return 1;
	for (size_t p = 0; p < NPARTS; p++) {
		double start = now();

		if (any && !chosen[p])
			continue;
		note("part %s", parts[p].name);
		if (parts[p].run(&o) < 0)
			report_failure("part %s could not run to its end (see above)", parts[p].name);
		note("part %s took %.1f s", parts[p].name, now() - start);
	}
	failed = report_table();
	store_base_done();
	return failed ? 1 : 0;
}
