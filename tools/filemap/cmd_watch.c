/* SPDX-License-Identifier: MIT */
/*
 * cmd_watch.c - `filemap watch [PATTERN] [--type T] [--namespace N]
 * [--interval MS] [--count N]`: a live view of the store.
 *
 * Lists the objects every interval, sorted by name, with what changes
 * while programs run: the holders, a mutex's owner, an event's signal, a
 * semaphore's count, and the waits armed on them.  On a terminal it draws
 * in the alternate screen, in place: the cursor goes home and each line is
 * rewritten and its rest cleared, so nothing is erased first and nothing
 * flickers; a cell that changed since the last refresh, and a new row, are
 * shown in reverse video; lines are cut to the terminal's width and the
 * rows to its height.  When standard output is not a terminal, each
 * refresh is the same table in plain lines, followed by an empty line.
 * SIGINT, SIGTERM or SIGHUP restore the terminal and end it; SIGWINCH
 * redraws at the new size at once.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_INTERVAL_MS 1000u
#define MAX_INTERVAL_MS     86400000u

enum { C_TYPE, C_SIZE, C_STATE, C_HOLDERS, C_SYNC, C_WAITERS, C_NAME, NCELLS };

static const struct {
	const char *title;
	int width; /* 0: the last column, as wide as it needs */
	bool right;
} columns[NCELLS] = {
	{ "TYPE", 9, false },    { "SIZE", 6, true },  { "STATE", 7, false },
	{ "HOLDERS", 16, false }, { "SYNC", 21, false }, { "WAITERS", 7, true },
	{ "NAME", 0, false },
};

/* One object's row: its cells as printed (already escaped). */
struct row {
	char *key; /* the store file: one object, whatever its name says */
	char *cells[NCELLS];
	bool changed[NCELLS];
};

struct frame {
	struct row *rows;
	size_t n, cap;
};

struct watch {
	const char *pattern, *type, *ns;
	uint64_t interval, count;
	bool tty;
	struct frame now, before;
	size_t refreshes;
};

static char *text_of(const char *s)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	tool_print_text(f, s);
	fclose(f);
	return out;
}

static void waiters_text(char *buf, size_t len, const struct fm_object_info *o)
{
	if (!o->sync.type || o->waiters < 0)
		snprintf(buf, len, "-");
	else if (o->sync.type == FM_TYPE_MUTEX)
		snprintf(buf, len, "%s", o->waiters ? "yes" : "0");
	else
		snprintf(buf, len, "%d", (int)o->waiters);
}

/* Fills r's cells from o; false when memory ran out. */
static bool make_row(struct row *r, const struct fm_object_info *o)
{
	char buf[NCELLS][96];

	snprintf(buf[C_TYPE], sizeof(buf[C_TYPE]), "%s", tool_type_name((uint32_t)o->type));
	if (o->type == FM_TYPE_SECTION)
		tool_size_text(buf[C_SIZE], sizeof(buf[C_SIZE]), o->section_size, true);
	else
		snprintf(buf[C_SIZE], sizeof(buf[C_SIZE]), "%s", o->type ? "-" : "?");
	snprintf(buf[C_STATE], sizeof(buf[C_STATE]), "%s", tool_state_name(o));
	tool_holders_text(buf[C_HOLDERS], sizeof(buf[C_HOLDERS]), o,
			  (size_t)columns[C_HOLDERS].width);
	tool_sync_text(buf[C_SYNC], sizeof(buf[C_SYNC]), o);
	waiters_text(buf[C_WAITERS], sizeof(buf[C_WAITERS]), o);
	memset(r, 0, sizeof(*r));
	r->key = strdup(o->path);
	for (int c = 0; c < C_NAME; c++)
		r->cells[c] = strdup(buf[c]);
	r->cells[C_NAME] = text_of(o->name ? o->name : o->path);
	for (int c = 0; c < NCELLS; c++)
		if (!r->cells[c])
			return false;
	return r->key != NULL;
}

static void free_frame(struct frame *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->rows[i].key);
		for (int c = 0; c < NCELLS; c++)
			free(f->rows[i].cells[c]);
	}
	free(f->rows);
	*f = (struct frame){ 0 };
}

static int by_name(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int r = strcmp(a->cells[C_NAME], b->cells[C_NAME]);

	return r ? r : strcmp(a->key, b->key);
}

static int by_key(const void *pa, const void *pb)
{
	return strcmp(((const struct row *)pa)->key, ((const struct row *)pb)->key);
}

/* Lists the store into w->now, sorted by name.  TOOL_OK, or a failure
 * (reported) when the listing could not start or memory ran out. */
static int take_frame(struct watch *w)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	fm_store_list *l;
	int r;

	r = tool_list_open(&l, w->pattern, w->type, w->ns, 0);
	if (r != TOOL_OK)
		return r;
	while ((r = fm_store_list_next(l, &o)) != 0) {
		struct frame *f = &w->now;

		if (r < 0) {
			/* Said once, on the first refresh: the view goes on. */
			if (w->refreshes == 0)
				tool_lib_failure(r);
			continue;
		}
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 64;
			struct row *more = realloc(f->rows, cap * sizeof(*more));

			if (!more)
				break;
			f->rows = more;
			f->cap = cap;
		}
		if (!make_row(&f->rows[f->n++], &o))
			break;
	}
	fm_store_list_close(l);
	if (r != 0)
		return tool_fail(-ENOMEM, "cannot keep the listing");
	if (w->now.n) /* qsort may not be given NULL, even for none */
		qsort(w->now.rows, w->now.n, sizeof(*w->now.rows), by_name);
	return TOOL_OK;
}

/* Marks what changed since the last refresh (w->before, sorted by key). */
static void mark_changes(struct watch *w)
{
	for (size_t i = 0; i < w->now.n; i++) {
		struct row *r = &w->now.rows[i];
		const struct row *old = w->before.n ? bsearch(r, w->before.rows, w->before.n,
							      sizeof(*r), by_key)
						    : NULL;

		for (int c = 0; c < NCELLS; c++)
			r->changed[c] = w->refreshes > 0 &&
					(!old || strcmp(old->cells[c], r->cells[c]) != 0);
	}
}

/* Prints text padded to width (0: as it is, cut to left columns), in
 * reverse video when marked; returns the columns it took. */
static size_t print_cell(const char *text, int width, bool right, bool mark, size_t left)
{
	size_t used, n = tool_fit_columns(text, left, &used), pad;

	pad = width > 0 && (size_t)width > used ? (size_t)width - used : 0;
	if (pad > left - used)
		pad = left - used;
	if (right)
		printf("%*s", (int)pad, "");
	if (mark)
		fputs("\033[7m", stdout);
	fwrite(text, 1, n, stdout);
	if (mark)
		fputs("\033[m", stdout);
	if (!right)
		printf("%*s", (int)pad, "");
	return used + pad;
}

/* One line of the table: the header (row NULL) or a row, cut to cols. */
static void print_line(const struct row *r, size_t cols, bool tty)
{
	size_t used = 0;

	for (int c = 0; c < NCELLS && used < cols; c++) {
		if (c > 0) {
			putchar(' ');
			used++;
		}
		used += print_cell(r ? r->cells[c] : columns[c].title, columns[c].width,
				   columns[c].right, tty && r && r->changed[c], cols - used);
	}
	if (tty)
		fputs("\033[K", stdout); /* the rest of the old line */
}

/* The terminal's size, or a large one for a pipe. */
static void screen_size(bool tty, size_t *rows, size_t *cols)
{
	struct winsize ws;

	*rows = SIZE_MAX;
	*cols = SIZE_MAX / 2;
	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

static void draw(const struct watch *w)
{
	size_t rows, cols, shown, room;
	char title[128], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	screen_size(w->tty, &rows, &cols);
	if (w->tty) {
		strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime_r(&now, &tm));
		snprintf(title, sizeof(title), "filemap watch: %zu object%s, every %llu ms; %s",
			 w->now.n, w->now.n == 1 ? "" : "s", (unsigned long long)w->interval, stamp);
		fputs("\033[H", stdout);
		print_cell(title, 0, false, false, cols);
		fputs("\033[K\n\033[K\n", stdout);
	}
	print_line(NULL, cols, w->tty);
	/* On a terminal the rows fit its height, with a line to say how
	 * many more there are. */
	room = w->tty && rows > 3 ? rows - 3 : SIZE_MAX;
	shown = w->now.n <= room ? w->now.n : room - 1;
	for (size_t i = 0; i < shown; i++) {
		putchar('\n');
		print_line(&w->now.rows[i], cols, w->tty);
	}
	if (shown < w->now.n) {
		snprintf(title, sizeof(title), "... and %zu more: narrow the view with a PATTERN",
			 w->now.n - shown);
		putchar('\n');
		print_cell(title, 0, false, false, cols);
	}
	fputs(w->tty ? "\033[K\033[J" : "\n\n", stdout);
	fflush(stdout);
}

/* Enters the alternate screen, without a cursor; or leaves it. */
static void screen(bool enter)
{
	fputs(enter ? "\033[?1049h\033[?25l\033[H\033[2J" : "\033[?25h\033[?1049l", stdout);
	fflush(stdout);
}

static int run(struct watch *w, const sigset_t *stops)
{
	int r = TOOL_OK, sig = 0;

	for (;;) {
		r = take_frame(w);
		if (r != TOOL_OK)
			break;
		/* The last frame, by key, tells what changed. */
		if (w->before.n)
			qsort(w->before.rows, w->before.n, sizeof(*w->before.rows), by_key);
		mark_changes(w);
		draw(w);
		free_frame(&w->before);
		w->before = w->now;
		w->now = (struct frame){ 0 };
		if (++w->refreshes == w->count)
			break;
		/* SIGWINCH: redraw at once, at the new size. */
		while ((sig = tool_sleep(w->interval, stops)) == SIGWINCH)
			;
		if (sig)
			break;
	}
	free_frame(&w->before);
	free_frame(&w->now);
	if (w->tty)
		screen(false);
	if (sig)
		tool_die_by(sig);
	return r;
}

int cmd_watch(int argc, char **argv)
{
	struct watch w = { .interval = DEFAULT_INTERVAL_MS };
	const struct tool_opt opts[] = {
		{ "type", TOOL_OPT_TEXT, &w.type, 0 },
		{ "namespace", TOOL_OPT_TEXT, &w.ns, 0 },
		{ "interval", TOOL_OPT_NUMBER, &w.interval, 0 },
		{ "count", TOOL_OPT_NUMBER, &w.count, 0 },
		{ NULL },
	};
	char *pattern;
	sigset_t stops;
	int r;

	r = tool_parse_args(argc, argv, opts, "[PATTERN]", &pattern);
	if (r != TOOL_OK)
		return r;
	if (w.interval == 0 || w.interval > MAX_INTERVAL_MS) {
		tool_error("--interval %llu: use 1 to %u milliseconds",
			   (unsigned long long)w.interval, MAX_INTERVAL_MS);
		return TOOL_USAGE;
	}
	w.pattern = pattern;
	w.tty = isatty(STDOUT_FILENO);
	/* Blocked, so that the view always ends by restoring the terminal. */
	tool_stop_signals(&stops, true);
	sigaddset(&stops, SIGWINCH);
	sigprocmask(SIG_BLOCK, &stops, NULL);
	if (w.tty)
		screen(true);
	return run(&w, &stops);
}
