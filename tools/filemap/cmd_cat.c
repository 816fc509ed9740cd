/* SPDX-License-Identifier: MIT */
/*
 * cmd_cat.c - `filemap cat NAME [--offset N] [--length N] [--hex]`.
 *
 * Opens the section read-only, as any reader would (so the command holds
 * it while it reads), and maps it a window at a time, so that a section
 * larger than memory or address space can still be dumped.  --hex prints
 * the canonical dump of `hexdump -C`, line for line: offsets count from the
 * start of the section, and runs of identical lines collapse into "*".
 */
#define _GNU_SOURCE
#include "tool.h"

#include <string.h>

/* How much of the section is mapped at once. */
#define WINDOW ((size_t)64 << 20)

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

int cmd_cat(int argc, char **argv)
{
	uint64_t offset = 0, length = UINT64_MAX, size;
	bool hex = false;
	const struct tool_opt opts[] = {
		{ "offset", TOOL_OPT_SIZE, &offset },
		{ "length", TOOL_OPT_SIZE, &length },
		{ "hex", TOOL_OPT_FLAG, &hex },
		{ NULL },
	};
	struct fm__name name;
	fm_section *s;
	int r;

	r = tool_open_section(&s, &name, argc, argv, opts, FM_READ);
	if (r != TOOL_OK)
		return r;
	size = fm_section_size(s);
	if (length == UINT64_MAX && offset <= size)
		length = size - offset;
	r = tool_check_range(name.full, size, offset, length);
	if (r == TOOL_OK) {
		tool_catch_sigbus();
		r = dump(s, offset, length, hex);
	}
	fm_section_close(s);
	fm__name_free(&name);
	return r;
}
