/* SPDX-License-Identifier: MIT */
/*
 * cmd_cat.c - `filemap cat NAME [--offset N] [--length N] [--hex]
 * [--follow [--interval MS]]`.
 *
 * Opens the section read-only, as any reader would (so the command holds
 * it while it reads), and maps it a window at a time, so that a section
 * larger than memory or address space can still be dumped.  --hex prints
 * the canonical dump of `hexdump -C`, line for line: offsets count from the
 * start of the section, and runs of identical lines collapse into "*".
 * --follow prints the bytes again whenever they change, for a section that
 * holds a status block of text: it maps the range once, holding the
 * section as a reader does, and compares a copy every interval.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <stdlib.h>
#include <string.h>

/* How much of the section is mapped at once. */
#define WINDOW ((size_t)64 << 20)
/* The most --follow watches, of which it keeps two copies. */
#define FOLLOW_MAX ((uint64_t)16 << 20)
#define DEFAULT_INTERVAL_MS 250u
/* An option that was not given (TOOL_OPT_NUMBER never yields it). */
#define NOT_GIVEN UINT64_MAX
#define MAX_INTERVAL_MS 86400000u

#define HEX_LINE 16

/* The state of a hex dump across windows. */
struct hexdump {
	uint64_t offset;                  /* of line[0] */
	unsigned char line[HEX_LINE];
	size_t fill;                      /* bytes in line */
	unsigned char prev[HEX_LINE];     /* the last full line */
	bool have_prev, squeezing;
	bool any;                         /* any byte dumped */
};

static void hex_print(uint64_t at, const unsigned char *b, size_t n)
{
	printf("%08llx ", (unsigned long long)at);
	for (size_t i = 0; i < HEX_LINE; i++) {
		if (i % 8 == 0)
			putchar(' ');
		if (i < n)
			printf("%02x ", b[i]);
		else
			fputs("   ", stdout);
	}
	fputs(" |", stdout);
	for (size_t i = 0; i < n; i++)
		putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
	puts("|");
}

/* Prints the pending line, or "*" once for a run of repeats of a line. */
static void hex_line(struct hexdump *h)
{
	bool full = h->fill == HEX_LINE;

	if (full && h->have_prev && memcmp(h->line, h->prev, HEX_LINE) == 0) {
		if (!h->squeezing)
			puts("*");
		h->squeezing = true;
	} else {
		hex_print(h->offset, h->line, h->fill);
		h->squeezing = false;
	}
	if (full)
		memcpy(h->prev, h->line, HEX_LINE);
	h->have_prev = full;
	h->offset += h->fill;
	h->fill = 0;
}

static void hex_feed(struct hexdump *h, const unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t take = HEX_LINE - h->fill < n ? HEX_LINE - h->fill : n;

		memcpy(h->line + h->fill, p, take);
		h->fill += take;
		h->any = true;
		p += take;
		n -= take;
		if (h->fill == HEX_LINE)
			hex_line(h);
	}
}

static void hex_end(struct hexdump *h)
{
	if (h->fill)
		hex_line(h);
	if (h->any)
		printf("%08llx\n", (unsigned long long)h->offset);
}

/* Dumps n bytes at p, the section's bytes from offset, as hexdump -C. */
static void hex_dump(const unsigned char *p, size_t n, uint64_t offset)
{
	struct hexdump h = { .offset = offset };

	hex_feed(&h, p, n);
	hex_end(&h);
}

/* Writes [offset, offset + length) of s, a window at a time. */
static int dump(fm_section *s, uint64_t offset, uint64_t length, bool hex)
{
	struct hexdump h = { .offset = offset };
	unsigned char *data;
	uint64_t done;
	size_t n;
	int r;

	for (done = 0; done < length; done += n) {
		n = length - done < WINDOW ? (size_t)(length - done) : WINDOW;
		r = tool_map(s, offset + done, n, FM_READ, &data);
		if (r < 0)
			return tool_lib_failure(r);
		if (hex)
			hex_feed(&h, data, n);
		else
			fwrite(data, 1, n, stdout);
		fm_view_unmap(data);
		if (ferror(stdout))
			break; /* main() reports it */
	}
	if (hex)
		hex_end(&h);
	return TOOL_OK;
}

/*
 * --follow: prints [offset, offset + length) of s, then again each time it
 * changes, looking every interval ms, until a stop signal.  What is printed
 * is a copy, so a writer busy meanwhile never tears a line of the dump.
 */
static int follow(fm_section *s, const char *name, uint64_t offset, uint64_t length, bool hex,
		  uint64_t interval)
{
	unsigned char *view, *last = NULL, *copy = NULL;
	sigset_t stops;
	bool first = true;
	int r, sig = 0;

	if (length > FOLLOW_MAX)
		return tool_fail_advice(-EFBIG, "choose a part with --offset and --length",
					"%s: --follow keeps a copy of what it shows, at most %u MiB, "
					"not %llu bytes", name, (unsigned)(FOLLOW_MAX >> 20),
					(unsigned long long)length);
	r = length ? tool_map(s, offset, (size_t)length, FM_READ, &view) : 0;
	if (r < 0)
		return tool_lib_failure(r);
	last = malloc(length ? length : 1);
	copy = malloc(length ? length : 1);
	tool_stop_signals(&stops, false);
	sigprocmask(SIG_BLOCK, &stops, NULL);
	for (r = TOOL_OK; last && copy && !sig && !ferror(stdout);
	     sig = tool_sleep(interval, &stops)) {
		if (length)
			memcpy(copy, view, length);
		if (!first && memcmp(copy, last, length) == 0)
			continue;
		if (hex && !first)
			putchar('\n');
		if (hex)
			hex_dump(copy, length, offset);
		else
			fwrite(copy, 1, length, stdout);
		fflush(stdout);
		memcpy(last, copy, length);
		first = false;
	}
	if (!last || !copy)
		r = tool_fail(-ENOMEM, "%s: no memory for a copy of %llu bytes", name,
			      (unsigned long long)length);
	free(last);
	free(copy);
	if (length)
		fm_view_unmap(view);
	if (sig) {
		fm_section_close(s);
		tool_die_by(sig);
	}
	return r;
}

/* Checks --interval, which only --follow takes, and fills in its default. */
static int check_interval(uint64_t *interval, bool following)
{
	if (*interval != NOT_GIVEN && !following) {
		tool_error("--interval is how often --follow looks: use it with --follow");
		return TOOL_USAGE;
	}
	if (*interval == NOT_GIVEN)
		*interval = DEFAULT_INTERVAL_MS;
	if (*interval == 0 || *interval > MAX_INTERVAL_MS) {
		tool_error("--interval %llu: use 1 to %u milliseconds",
			   (unsigned long long)*interval, MAX_INTERVAL_MS);
		return TOOL_USAGE;
	}
	return TOOL_OK;
}

int cmd_cat(int argc, char **argv)
{
	uint64_t offset = 0, length = UINT64_MAX, size, interval = NOT_GIVEN;
	bool hex = false, following = false;
	const struct tool_opt opts[] = {
		{ "offset", TOOL_OPT_SIZE, &offset, 0 },
		{ "length", TOOL_OPT_SIZE, &length, 0 },
		{ "hex", TOOL_OPT_FLAG, &hex, 0 },
		{ "follow", TOOL_OPT_FLAG, &following, 'f' },
		{ "interval", TOOL_OPT_NUMBER, &interval, 0 },
		{ NULL },
	};
	struct fm__name name;
	fm_section *s;
	char *arg;
	int r;

	r = tool_parse_args(argc, argv, opts, "NAME", &arg);
	if (r == TOOL_OK)
		r = check_interval(&interval, following);
	if (r == TOOL_OK)
		r = tool_open_section(&s, &name, arg, FM_READ);
	if (r != TOOL_OK)
		return r;
	size = fm_section_size(s);
	if (length == UINT64_MAX && offset <= size)
		length = size - offset;
	r = tool_check_range(name.full, size, offset, length);
	if (r == TOOL_OK) {
		tool_catch_sigbus();
		r = following ? follow(s, name.full, offset, length, hex, interval)
			      : dump(s, offset, length, hex);
	}
	fm_section_close(s);
	fm__name_free(&name);
	return r;
}
