/* SPDX-License-Identifier: MIT */
/*
 * tool.c - what the verbs share on the command line: option and size
 * parsing, object names, error lines that say what to do, and mapping a
 * range of a section from any offset.
 *
 * Errors are one line on stderr, "filemap VERB: what; what to do", and the
 * exit code says what kind of failure it was (tool.h, filemap.1).
 */
#define _GNU_SOURCE
#include "tool.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *tool_verb;

void tool_error(const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	fputs("filemap", stderr);
	if (tool_verb)
		fprintf(stderr, " %s", tool_verb);
	fputs(": ", stderr);
	/* Names may hold newlines; the message stays one line. */
	tool_print_text(stderr, n < 0 ? "out of memory" : msg);
	fputc('\n', stderr);
	free(msg);
}

/* What a user can do about a failure, or NULL. */
static const char *hint(int code)
{
	switch (code) {
	case -ENOENT:
		return "list the objects with `filemap ls`";
	case -EACCES:
		return "check the object's owner and mode with `filemap stat`";
	case FM_ETYPE:
		return "see its type with `filemap stat`";
	case FM_ECORRUPT:
		return "remove it with `filemap rm`, or with `filemap gc` once nobody holds it";
	case FM_ESTORE:
		return "fix or remove that directory, or point FILEMAP_ROOT at another store";
	case -ENOSPC:
		return "free memory in the store (`filemap gc` removes orphans) or ask for less";
	case -EMFILE:
	case -ENFILE:
		return "close some files or raise the limit (ulimit -n)";
	default:
		return NULL;
	}
}

/* Prints the failure line: msg, then advice (NULL: the hint for code). */
static int fail_line(int code, const char *msg, const char *advice)
{
	const char *h = advice ? advice : hint(code);

	tool_error("%s%s%s", msg, h ? "; " : "", h ? h : "");
	return code == -ENOENT ? TOOL_ABSENT : TOOL_FAILED;
}

int tool_fail_advice(int code, const char *advice, const char *fmt, ...)
{
	char *msg = NULL, *line = NULL;
	va_list ap;
	int r, n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0 || asprintf(&line, "%s (%s)", msg, fm_errname(code)) < 0)
		line = NULL;
	r = fail_line(code, line ? line : "out of memory", advice);
	free(msg);
	free(line);
	return r;
}

int tool_lib_failure(int code)
{
	const char *msg = fm_last_error_message(), *colon;

	/* The message starts with the library call ("fm_section_open: "),
	 * which means nothing at a shell; the object, the reason and the
	 * code follow. */
	if (strncmp(msg, "fm_", 3) == 0 && (colon = strstr(msg, ": ")) != NULL)
		msg = colon + 2;
	if (*msg == '\0')
		return tool_fail(code, "%s", fm_strerror(code));
	return fail_line(code, msg, NULL);
}

int tool_absent(const char *name)
{
	return tool_fail(-ENOENT, "%s: %s", name, fm_strerror(-ENOENT));
}

static int usage_error(const char *what, const char *arg)
{
	tool_error("%s%s; see `filemap %s --help`", what, arg ? arg : "", tool_verb);
	return TOOL_USAGE;
}

int tool_parse_size(const char *text, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *suffix;
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	/* strtoull would accept a sign or leading blanks, and wrap "-1". */
	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (*end) {
		suffix = strchr(suffixes, toupper((unsigned char)*end));
		if (!suffix || end[1] != '\0')
			return -1;
		shift = 10 * (unsigned)(suffix - suffixes + 1);
	}
	if (errno == ERANGE || (shift && v > (UINT64_MAX >> shift)))
		return -2;
	*out = (uint64_t)v << shift;
	return 0;
}

int tool_bad_size(const char *what, const char *text, int r)
{
	if (r == -2)
		tool_error("%s %s: too large: a size is at most %llu bytes (16 EiB less one)", what,
			   text, (unsigned long long)UINT64_MAX);
	else
		tool_error("%s %s: not a size; use digits with an optional K, M, G or T", what, text);
	return TOOL_USAGE;
}

/* Decimal digits, no sign, no suffix; 0 or -1. */
static int parse_number(const char *text, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	/* UINT64_MAX is kept for "not given" (and is no useful number). */
	if (errno || *end || v >= UINT64_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Octal permission bits the owner can read with; 0 or -1. */
static int parse_mode(const char *text, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	v = strtoul(text, &end, 8);
	if (*end || v > 0777 || !(v & 0400))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Stores an option's value; returns TOOL_OK or TOOL_USAGE. */
static int set_option(const struct tool_opt *o, const char *value)
{
	char what[64];
	int r;

	switch (o->kind) {
	case TOOL_OPT_FLAG:
		if (value)
			return usage_error("this option takes no value: --", o->name);
		*(bool *)o->value = true;
		return TOOL_OK;
	case TOOL_OPT_SIZE:
		r = tool_parse_size(value, o->value);
		if (r < 0) {
			snprintf(what, sizeof(what), "--%s", o->name);
			return tool_bad_size(what, value, r);
		}
		return TOOL_OK;
	case TOOL_OPT_NUMBER:
		if (parse_number(value, o->value) < 0) {
			tool_error("--%s %s: not a number; use decimal digits", o->name, value);
			return TOOL_USAGE;
		}
		return TOOL_OK;
	case TOOL_OPT_TEXT:
		*(const char **)o->value = value;
		return TOOL_OK;
	case TOOL_OPT_MODE:
		if (parse_mode(value, o->value) < 0) {
			tool_error("--%s %s: not a mode; use octal bits up to 0777 that let the owner read, like 0600",
				   o->name, value);
			return TOOL_USAGE;
		}
		return TOOL_OK;
	}
	return TOOL_USAGE;
}

/* Handles the option at argv[*i] ("--name" or "--name=value"), taking its
 * value from the next argument if needed. */
static int parse_option(int argc, char **argv, int *i, const struct tool_opt *opts)
{
	const char *arg = argv[*i], *value = NULL, *eq;
	size_t len;

	if (strncmp(arg, "--", 2) != 0)
		return usage_error("unknown option ", arg);
	arg += 2;
	eq = strchr(arg, '=');
	len = eq ? (size_t)(eq - arg) : strlen(arg);
	if (eq)
		value = eq + 1;
	for (const struct tool_opt *o = opts; o && o->name; o++) {
		if (strlen(o->name) != len || strncmp(o->name, arg, len) != 0)
			continue;
		if (o->kind != TOOL_OPT_FLAG && !value) {
			if (*i + 1 >= argc)
				return usage_error("this option needs a value: --", o->name);
			value = argv[++*i];
		}
		return set_option(o, value);
	}
	return usage_error("unknown option ", argv[*i]);
}

/*
 * Handles "-L" or "-LM": flags by their letters.  -h is help unless a flag
 * of the verb takes that letter (ls -h: human sizes).
 */
static int parse_letters(const char *arg, const struct tool_opt *opts)
{
	for (const char *p = arg + 1; *p; p++) {
		const struct tool_opt *o = opts;

		while (o && o->name && !(o->letter == *p && o->kind == TOOL_OPT_FLAG))
			o++;
		if (o && o->name)
			*(bool *)o->value = true;
		else if (*p == 'h' && p == arg + 1 && p[1] == '\0')
			return TOOL_HELP;
		else
			return usage_error("unknown option ", arg);
	}
	return TOOL_OK;
}

/* How many words s has, and how many of them are not "[optional]". */
static int count_words(const char *s, int *required)
{
	int n = 0;

	*required = 0;
	for (const char *p = s; *p; p++) {
		if (*p != ' ' && (p == s || p[-1] == ' ')) {
			n++;
			*required += *p != '[';
		}
	}
	return n;
}

int tool_parse_args(int argc, char **argv, const struct tool_opt *opts, const char *positional,
		    char **pos)
{
	int required, want = count_words(positional, &required), got = 0;
	bool options = true;

	for (int i = 0; i < want; i++)
		pos[i] = NULL;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int r;

		if (options && strcmp(arg, "--") == 0) {
			options = false;
		} else if (options && arg[0] == '-' && arg[1] != '-' && arg[1] != '\0') {
			r = parse_letters(arg, opts);
			if (r != TOOL_OK)
				return r;
		} else if (options && strcmp(arg, "--help") == 0) {
			return TOOL_HELP;
		} else if (options && arg[0] == '-' && arg[1] != '\0') {
			r = parse_option(argc, argv, &i, opts);
			if (r != TOOL_OK)
				return r;
		} else if (got < want) {
			pos[got++] = argv[i];
		} else {
			return usage_error("unexpected argument ", arg);
		}
	}
	if (got < required) {
		tool_error("expects %s; see `filemap %s --help`", positional, tool_verb);
		return TOOL_USAGE;
	}
	return TOOL_OK;
}

int tool_parse_name(struct fm__name *out, const char *name)
{
	int r = fm__name_parse(out, name);

	if (r == 0)
		return TOOL_OK;
	if (r == -ENOMEM) {
		tool_error("out of memory");
		return TOOL_FAILED;
	}
	tool_error("\"%s\": %s; a name is Local\\NAME, Global\\NAME or NAME", name, fm_strerror(r));
	return TOOL_USAGE;
}

static void on_sigbus(int sig)
{
	static const char msg[] =
		"filemap: the object's memory could not be provided (SIGBUS): the store is full "
		"(a sparse section) or its file was truncated; free memory in the store\n";
	ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);

	(void)ignored;
	(void)sig;
	_exit(TOOL_FAILED);
}

void tool_catch_sigbus(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

int tool_map(fm_section *s, uint64_t offset, size_t length, unsigned access,
	     unsigned char **data)
{
	uint64_t page = fm_page_size(), base = offset / page * page;
	void *view;
	int r;

	r = fm_view_map(&view, s, base, (size_t)(offset - base) + length, access);
	if (r < 0)
		return r;
	*data = (unsigned char *)view + (offset - base);
	return 0;
}

int tool_open_section(fm_section **s, struct fm__name *name, const char *arg, unsigned access)
{
	int r;

	r = tool_parse_name(name, arg);
	if (r != TOOL_OK)
		return r;
	r = fm_section_open(s, name->full, access);
	if (r < 0) {
		r = tool_type_failure(r, name, FM__TYPE_SECTION);
		fm__name_free(name);
		return r;
	}
	return TOOL_OK;
}

int tool_check_range(const char *name, uint64_t size, uint64_t offset, uint64_t length)
{
	if (offset > size)
		return tool_fail(-ERANGE, "%s: offset %llu is past the end of the section (%llu bytes)",
				 name, (unsigned long long)offset, (unsigned long long)size);
	if (length > size - offset)
		return tool_fail(-ERANGE,
				 "%s: %llu bytes from offset %llu run past the end of the section "
				 "(%llu bytes); at most %llu fit there",
				 name, (unsigned long long)length, (unsigned long long)offset,
				 (unsigned long long)size, (unsigned long long)(size - offset));
	return TOOL_OK;
}

int tool_parse_type(const char *text, uint32_t *type)
{
	static const uint32_t types[] = { FM__TYPE_SECTION, FM__TYPE_MUTEX, FM__TYPE_EVENT,
					   FM__TYPE_SEMAPHORE };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(text, tool_type_name(types[i])) == 0) {
			*type = types[i];
			return TOOL_OK;
		}
	}
	tool_error("--type %s: use section, mutex, event or semaphore", text);
	return TOOL_USAGE;
}

int tool_sleep(uint64_t ms, const sigset_t *set)
{
	struct timespec wait = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
	int sig;

	/* sigtimedwait returns at the first of the signals, or at the end. */
	do
		sig = sigtimedwait(set, NULL, &wait);
	while (sig < 0 && errno == EINTR);
	return sig > 0 ? sig : 0;
}
