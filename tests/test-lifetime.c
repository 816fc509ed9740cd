/* SPDX-License-Identifier: MIT */
/*
 * test-lifetime.c - how long a name lives, with real processes and real
 * signals: exactly as long as some process holds a handle, whether that
 * handle is closed, its process exits or is killed with SIGKILL, inherited
 * across fork or duplicated.  Views outlive handles but not the name; a
 * create of a taken name answers FM_EXISTED with the existing size and
 * memory; sixteen racing creators agree on one object.
 *
 * The other processes are helpers that re-run this binary.  An "agent"
 * obeys one-line commands read from a pipe the case writes (create, open,
 * map, read, write, close, exit) and answers each with one line on its
 * stdout, so a case steps several processes in a known order: every
 * answer is a synchronisation point, and nothing ever sleeps.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <linux/kcmp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCENARIO "Local\\MyFileMappingObject"
#define MESSAGE  "Message from first process"
#define NAME     "Local\\lifetime"
#define RACERS   16
#define HOLDERS  8

/* ------------------------------------------------------------------------
 * Pipes that helpers inherit
 * ------------------------------------------------------------------------ */

struct gate {
	int rd, wr;
};

/* A pipe whose read end survives exec (for a helper) and whose write end
 * does not (it stays the case's), so that closing the write end is an EOF
 * the helper sees at once. */
static void gate_open(struct gate *g)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0 || fcntl(fds[0], F_SETFD, 0) < 0)
		FAIL("pipe2: %s", strerror(errno));
	g->rd = fds[0];
	g->wr = fds[1];
}

/* Blocks until the other end of fd is closed. */
static void wait_eof(int fd)
{
	char c;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n > 0 || (n < 0 && errno == EINTR));
}

/* ------------------------------------------------------------------------
 * The agent: a helper process driven one command at a time
 * ------------------------------------------------------------------------ */

struct agent {
	pid_t pid;
	int out; /* the agent's answers */
	int cmd; /* our commands */
};

static void agent_start(struct agent *a)
{
	struct gate g;
	char arg[16];

	/* A dead agent must fail the case with a message, not kill it. */
	signal(SIGPIPE, SIG_IGN);
	gate_open(&g);
	snprintf(arg, sizeof(arg), "%d", g.rd);
	a->pid = test_spawn("agent", &a->out, arg, NULL);
	close(g.rd);
	a->cmd = g.wr;
}

static void agent_send(struct agent *a, const char *line)
{
	size_t len = strlen(line);

	if (write(a->cmd, line, len) != (ssize_t)len || write(a->cmd, "\n", 1) != 1)
		FAIL("agent %d: cannot send \"%s\": %s", (int)a->pid, line, strerror(errno));
}

/* Sends one command and returns the agent's one-line answer. */
static const char *agent_ask(struct agent *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *agent_ask(struct agent *a, const char *fmt, ...)
{
	static char reply[4096];
	char line[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	agent_send(a, line);
	if (!test_read_line(a->out, reply, sizeof(reply)))
		FAIL("agent %d ended without answering \"%s\"", (int)a->pid, line);
	return reply;
}

/* Waits for the agent to end and checks how it ended (exit code, or 128 +
 * signal). */
static void agent_reap(struct agent *a, int expected)
{
	CHECK_INT_EQ(test_wait(a->pid), expected);
	close(a->out);
	close(a->cmd);
}

/* End of input: the agent closes its handle, if any, and exits 0. */
static void agent_stop(struct agent *a)
{
	close(a->cmd);
	a->cmd = -1;
	agent_reap(a, 0);
}

/* What an agent holds: at most one handle and one view. */
struct agent_state {
	fm_section *s;
	char *view;
};

/* "create NAME SIZE" or "open NAME": answers "ERRNAME SIZE". */
static void agent_section(struct agent_state *st, char *arg, bool create)
{
	char *size = strchr(arg, ' ');
	int r;

	if (size)
		*size++ = '\0';
	if (create)
		r = fm_section_create(&st->s, arg, strtoull(size ? size : "0", NULL, 10), NULL);
	else
		r = fm_section_open(&st->s, arg, FM_READ | FM_WRITE);
	test_say("%s %" PRIu64, fm_errname(r), r < 0 ? 0 : fm_section_size(st->s));
}

/* Runs one command line, answering it on stdout. */
static void agent_do(struct agent_state *st, char *line)
{
	char *arg = strchr(line, ' ');
	char *text;

	if (arg)
		*arg++ = '\0';
	if (strcmp(line, "create") == 0 || strcmp(line, "open") == 0) {
		agent_section(st, arg ? arg : "", line[0] == 'c');
	} else if (strcmp(line, "map") == 0) {
		test_say("%s", fm_errname(fm_view_map((void **)&st->view, st->s, 0, 0, FM_WRITE)));
	} else if (strcmp(line, "write") == 0 && arg) {
		/* "write OFFSET TEXT": the text and its NUL. */
		unsigned long off = strtoul(arg, &text, 10);

		strcpy(st->view + off, *text ? text + 1 : text);
		test_say("ok");
	} else if (strcmp(line, "read") == 0 && arg) {
		test_say("%s", st->view + strtoul(arg, NULL, 10));
	} else if (strcmp(line, "close") == 0) {
		fm_section_close(st->s);
		st->s = NULL;
		test_say("ok");
	} else if (strcmp(line, "exit") == 0) {
		exit(0); /* a holder that exits without closing */
	} else {
		test_say("unknown command \"%s\"", line);
	}
}

static int agent_main(int argc, char **argv)
{
	struct agent_state st = { NULL, NULL };
	char line[4096];
	int cmd;

	if (argc < 1)
		return 2;
	cmd = atoi(argv[0]);
	while (test_read_line(cmd, line, sizeof(line)))
		agent_do(&st, line);
	fm_section_close(st.s);
	return 0;
}

/* ------------------------------------------------------------------------
 * Small checks the cases share
 * ------------------------------------------------------------------------ */

/* The last close removed the name itself; no open had to. */
static void expect_removed(const char *name)
{
	CHECK_INT_EQ(test_store_count(), 0);
	test_expect_gone(name);
}

static void expect_alive(const char *name)
{
	fm_section *s;

	CHECK_OK(fm_section_open(&s, name, FM_READ));
	fm_section_close(s);
}

/* Creates name, which must be new, and checks its memory is all zero. */
static fm_section *create_fresh(const char *name, uint64_t size, char **view)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, name, size, NULL));
	CHECK_INT_EQ(fm_section_size(s), size);
	*view = test_map_whole(s, FM_WRITE);
	for (uint64_t i = 0; i < size; i++)
		if ((*view)[i] != 0)
			FAIL("%s: byte %" PRIu64 " of a new section is %d, not 0", name, i,
			     (*view)[i]);
	return s;
}

/* ------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------ */

/* The classic demo: the second process knows only the name. */
static void two_process_scenario(void)
{
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	struct agent first;
	fm_section *s;
	char *view;

	agent_start(&first);
	CHECK_STR_EQ(agent_ask(&first, "create %s 256", SCENARIO), "SUCCESS 256");
	CHECK_STR_EQ(agent_ask(&first, "map"), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&first, "write 0 %s", MESSAGE), "ok");

	CHECK_OK(fm_section_open(&s, SCENARIO, FM_READ));
	CHECK_INT_EQ(fm_section_size(s), 256);
	view = test_map_whole(s, FM_READ);
	CHECK_STR_EQ(view, MESSAGE);
	CHECK_OK(fm_view_query(&info, view));
	CHECK_INT_EQ(info.length, 256);
	CHECK_INT_EQ(info.section_size, 256);
	fm_section_close(s);

	agent_stop(&first);
	expect_removed(SCENARIO);
	CHECK_STR_EQ(view, MESSAGE); /* the view outlives the name */
	CHECK_OK(fm_view_unmap(view));
}

static void create_existing_same_process(void)
{
	fm_section *a, *b;
	char *va, *vb;

	CHECK_OK(fm_section_create(&a, NAME, 256, NULL));
	CHECK_RC(fm_section_create(&b, NAME, 8192, NULL), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(b), 256);
	va = test_map_whole(a, FM_WRITE);
	vb = test_map_whole(b, FM_WRITE);
	strcpy(va, "through a");
	CHECK_STR_EQ(vb, "through a");
	strcpy(vb + 100, "through b");
	CHECK_STR_EQ(va + 100, "through b");
	fm_section_close(a);
	expect_alive(NAME);
	fm_section_close(b);
	expect_removed(NAME);
	CHECK_OK(fm_view_unmap(va));
	CHECK_OK(fm_view_unmap(vb));
}

static void create_existing_across_processes(void)
{
	struct agent other, third;
	fm_section *s;
	char *view;

	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "create %s 256", NAME), "SUCCESS 256");
	CHECK_STR_EQ(agent_ask(&other, "map"), "SUCCESS");
	CHECK_RC(fm_section_create(&s, NAME, 100000, NULL), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(s), 256);
	agent_start(&third);
	CHECK_STR_EQ(agent_ask(&third, "create %s 1", NAME), "FM_EXISTED 256");

	view = test_map_whole(s, FM_WRITE);
	strcpy(view, "from the case");
	CHECK_STR_EQ(agent_ask(&other, "read 0"), "from the case");
	CHECK_STR_EQ(agent_ask(&other, "write 128 from the agent"), "ok");
	CHECK_STR_EQ(view + 128, "from the agent");

	agent_stop(&third);
	agent_stop(&other);
	fm_section_close(s);
	expect_removed(NAME);
	CHECK_OK(fm_view_unmap(view));
}

/*
 * The name goes with the last handle, closed in another process; this
 * process's view keeps working; a new create of the name is a new object.
 */
static void gone_after_last_close_elsewhere(void)
{
	struct agent holder;
	fm_section *s, *fresh;
	char *old, *view;

	agent_start(&holder);
	CHECK_STR_EQ(agent_ask(&holder, "create %s 4096", NAME), "SUCCESS 4096");
	CHECK_STR_EQ(agent_ask(&holder, "map"), "SUCCESS");
	CHECK_STR_EQ(agent_ask(&holder, "write 0 old data"), "ok");
	CHECK_OK(fm_section_open(&s, NAME, FM_READ | FM_WRITE));
	old = test_map_whole(s, FM_WRITE);
	fm_section_close(s);
	expect_alive(NAME);

	CHECK_STR_EQ(agent_ask(&holder, "close"), "ok");
	expect_removed(NAME);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_STR_EQ(old, "old data");
	strcpy(old + 64, "still writable");
	CHECK_STR_EQ(old + 64, "still writable");
	CHECK_STR_EQ(agent_ask(&holder, "read 64"), "still writable");

	fresh = create_fresh(NAME, 4096, &view);
	CHECK_STR_EQ(old, "old data");
	strcpy(view, "new data");
	CHECK_STR_EQ(old, "old data");
	fm_section_close(fresh);
	agent_stop(&holder);
	CHECK_OK(fm_view_unmap(old));
	CHECK_OK(fm_view_unmap(view));
}

/* An orphan a dead holder left is in the store until an open removes it,
 * and a create after that is fresh. */
static void expect_orphan_removed(const char *name)
{
	fm_section *s;
	char *view;

	CHECK_INT_EQ(test_store_count(), 1);
	test_expect_gone(name);
	CHECK_INT_EQ(test_store_count(), 0);
	s = create_fresh(name, 4096, &view);
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(view));
}

/* An agent that created NAME and wrote into it: the holder that dies. */
static void start_holder(struct agent *holder)
{
	agent_start(holder);
	CHECK_STR_EQ(agent_ask(holder, "create %s 4096", NAME), "SUCCESS 4096");
	CHECK_STR_EQ(agent_ask(holder, "map"), "SUCCESS");
	CHECK_STR_EQ(agent_ask(holder, "write 0 left behind"), "ok");
}

static void killed_holder_leaves_no_name(void)
{
	struct agent holder;

	start_holder(&holder);
	CHECK(kill(holder.pid, SIGKILL) == 0);
	agent_reap(&holder, 128 + SIGKILL);
	expect_orphan_removed(NAME);
}

static void exited_holder_leaves_no_name(void)
{
	struct agent holder;

	start_holder(&holder);
	agent_send(&holder, "exit");
	agent_reap(&holder, 0);
	expect_orphan_removed(NAME);
}

/* A child forked (no exec) shares the parent's handle, and holds the name
 * by itself once the parent has closed it. */
static void fork_child_keeps_name(void)
{
	struct gate g;
	fm_section *s;
	pid_t pid;

	CHECK_OK(fm_section_create(&s, NAME, 64, NULL));
	gate_open(&g);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0) {
		close(g.wr);
		wait_eof(g.rd);
		_exit(0); /* without closing: the handle dies with us */
	}
	close(g.rd);
	fm_section_close(s);
	expect_alive(NAME);
	close(g.wr);
	CHECK_INT_EQ(test_wait(pid), 0);
	expect_orphan_removed(NAME);
}

static int close_inherited(void *s)
{
	fm_section_close(s);
	return 0;
}

/* A child that closes its inherited copy does not take the name from the
 * parent, which still holds it. */
static void fork_child_close_keeps_parent(void)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, NAME, 64, NULL));
	CHECK_INT_EQ(test_in_child(close_inherited, s), 0);
	expect_alive(NAME);
	fm_section_close(s);
	expect_removed(NAME);
}

/* ------------------------------------------------------------------------
 * Views and handles across fork: a child the case steps one byte at a time
 * ------------------------------------------------------------------------ */

/* A forked child (no exec) with the parent's handle and view as the fork
 * left them.  Each command byte the case writes is one step, answered by
 * one byte, '+' when it went as expected. */
struct forked {
	pid_t pid;
	int cmd, ans;
};

struct inherited {
	fm_section *s;
	char *view;
};

/* 'c' closes the handle, keeping the view; 'm' maps a view; 'r' checks the
 * parent's text at 0; 'w' writes at 64. */
static char forked_step(struct inherited *in, char c)
{
	switch (c) {
	case 'c':
		fm_section_close(in->s);
		in->s = NULL;
		return '+';
	case 'm':
		return fm_view_map((void **)&in->view, in->s, 0, 0, FM_WRITE) == 0 ? '+' : '-';
	case 'r':
		return strcmp(in->view, "from the parent") == 0 ? '+' : '-';
	case 'w':
		strcpy(in->view + 64, "from the child");
		return '+';
	default:
		return '?';
	}
}

/* Forks the child; at the end of the commands it exits without closing. */
static void forked_start(struct forked *f, fm_section *s, char *view)
{
	struct inherited in = { s, view };
	int cmd[2], ans[2];
	char c;

	if (pipe2(cmd, O_CLOEXEC) < 0 || pipe2(ans, O_CLOEXEC) < 0)
		FAIL("pipe2: %s", strerror(errno));
	fflush(NULL);
	f->pid = fork();
	if (f->pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (f->pid == 0) {
		close(cmd[1]);
		close(ans[0]);
		while (read(cmd[0], &c, 1) == 1) {
			c = forked_step(&in, c);
			if (write(ans[1], &c, 1) != 1)
				break;
		}
		_exit(0);
	}
	close(cmd[0]);
	close(ans[1]);
	f->cmd = cmd[1];
	f->ans = ans[0];
}

/* Has the child take step c; checks it went as expected. */
static void forked_ask(struct forked *f, char c)
{
	char answer = 0;

	if (write(f->cmd, &c, 1) != 1 || read(f->ans, &answer, 1) != 1)
		FAIL("the forked child did not answer '%c'", c);
	if (answer != '+')
		FAIL("the forked child's step '%c' answered '%c'", c, answer);
}

static void forked_stop(struct forked *f)
{
	close(f->cmd);
	close(f->ans);
	CHECK_INT_EQ(test_wait(f->pid), 0);
}

/* A section with a view that says "from the parent" (the parent's views
 * and the child's see each other's writes, checked at the end). */
static fm_section *create_with_view(char **view)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, NAME, 4096, NULL));
	*view = test_map_whole(s, FM_WRITE);
	strcpy(*view, "from the parent");
	return s;
}

/* Both processes' views still share the memory; the child's ends. */
static void forked_views_coherent(struct forked *f, char *view)
{
	forked_ask(f, 'r');
	forked_ask(f, 'w');
	CHECK_STR_EQ(view + 64, "from the child");
	forked_stop(f);
	CHECK_OK(fm_view_unmap(view));
}

/* A view mapped before a fork is in both processes; it keeps the memory
 * and never the name: once the child has closed its copy of the handle,
 * the parent's close removes the name. */
static void views_before_fork_keep_no_name(void)
{
	struct forked f;
	char *view;
	fm_section *s = create_with_view(&view);

	forked_start(&f, s, view);
	forked_ask(&f, 'c');
	expect_alive(NAME);
	fm_section_close(s);
	expect_removed(NAME);
	forked_views_coherent(&f, view);
}

/* The same, the child last: it holds the name after the parent's close,
 * and its close removes it, though both processes' views map the file. */
static void child_closes_last_with_views(void)
{
	struct forked f;
	char *view;
	fm_section *s = create_with_view(&view);

	forked_start(&f, s, view);
	fm_section_close(s);
	expect_alive(NAME);
	forked_ask(&f, 'c');
	expect_removed(NAME);
	forked_views_coherent(&f, view);
}

/* Views mapped after a fork, in the parent and in the child, keep no name
 * either. */
static void views_after_fork_keep_no_name(void)
{
	struct forked f;
	fm_section *s;
	char *view;

	CHECK_OK(fm_section_create(&s, NAME, 4096, NULL));
	forked_start(&f, s, NULL);
	view = test_map_whole(s, FM_WRITE);
	strcpy(view, "from the parent");
	forked_ask(&f, 'm');
	forked_ask(&f, 'c');
	expect_alive(NAME);
	fm_section_close(s);
	expect_removed(NAME);
	forked_views_coherent(&f, view);
}

/* NAME's store file. */
static const char *name_path(void)
{
	static char path[700];

	snprintf(path, sizeof(path), "%s/local-%u/lifetime", test_root(), (unsigned)geteuid());
	return path;
}

/* A second handle of a name this process holds, opened after the name was
 * removed (`filemap rm`) and made anew by another process, is the new
 * object, not the one this process holds. */
static void open_after_name_remade(void)
{
	struct agent other;
	fm_section *s, *again;
	char *old, *view;

	s = create_fresh(NAME, 4096, &old);
	strcpy(old, "old object");
	CHECK_INT_EQ(unlink(name_path()), 0);
	agent_start(&other);
	CHECK_STR_EQ(agent_ask(&other, "create %s 8192", NAME), "SUCCESS 8192");
	CHECK_OK(fm_section_open(&again, NAME, FM_READ | FM_WRITE));
	CHECK_INT_EQ(fm_section_size(again), 8192);
	view = test_map_whole(again, FM_WRITE);
	CHECK_INT_EQ(view[0], 0);
	fm_section_close(s);
	expect_alive(NAME);
	CHECK_OK(fm_view_unmap(old));
	CHECK_OK(fm_view_unmap(view));
	fm_section_close(again);
	agent_stop(&other);
	expect_removed(NAME);
}

/* The same name removed by force and not made again: an open by name
 * fails as for any other absent name, and leaves the held handle, and the
 * name's absence, as they were. */
static void open_after_name_removed(void)
{
	fm_section *s, *again;
	fm_sync *mutex;
	char *view, *copy;

	s = create_fresh(NAME, 4096, &view);
	strcpy(view, "still mine");
	/* Before the removal, the held name answers, and is of its type. */
	CHECK_RC(fm_mutex_open(&mutex, NAME), FM_ETYPE);
	CHECK_OK(fm_section_open(&again, NAME, FM_READ));
	fm_section_close(again);
	CHECK_INT_EQ(unlink(name_path()), 0);
	CHECK_RC(fm_section_open(&again, NAME, FM_READ | FM_WRITE), -ENOENT);
	CHECK_RC(fm_mutex_open(&mutex, NAME), -ENOENT);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_OK(fm_section_dup(&again, s, 0));
	copy = test_map_whole(again, FM_READ);
	CHECK_STR_EQ(copy, "still mine");
	fm_section_close(again);
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(copy));
	CHECK_OK(fm_view_unmap(view));
	expect_removed(NAME);
}

/* Whether descriptors a and b of this process share one description. */
static bool same_description(int a, int b)
{
	long r = syscall(SYS_kcmp, (long)getpid(), (long)getpid(), KCMP_FILE, (long)a, (long)b);

	if (r < 0 && errno == ENOSYS)
		SKIP("kcmp is not in this kernel");
	CHECK(r >= 0);
	return r == 0;
}

/* A fork moves the lock off the description a view maps: every handle's
 * own descriptor number follows the lock to the new description, not
 * only the hold's. */
static void fork_moves_every_number(void)
{
	struct forked f;
	fm_section *s, *d;
	int a, b, old;
	char *view;

	CHECK_OK(fm_section_create(&s, NAME, 4096, NULL));
	CHECK_OK(fm_section_dup(&d, s, 0));
	a = fm_section_fileno(s);
	b = fm_section_fileno(d);
	CHECK(a >= 0 && b >= 0 && a != b && same_description(a, b));
	old = dup(a);
	view = test_map_whole(s, FM_WRITE);
	forked_start(&f, s, NULL);
	CHECK(!same_description(a, old)); /* the lock moved */
	CHECK(same_description(a, b));
	forked_ask(&f, 'c');
	forked_stop(&f);
	close(old);
	fm_section_close(d);
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(view));
	expect_removed(NAME);
}

/*
 * The previous release, call for call (filemap(7), LIFETIME): each handle
 * locked a description of its own, shared; an open first tried an
 * exclusive lock (the orphan test); a close closed that description, then
 * tried an exclusive lock on a fresh one and removed the name if it got
 * it.  flock locks belong to descriptions, not processes, so this process
 * can play such a process with descriptions the library does not know.
 */
static int previous_release_open(void)
{
	int fd = open(name_path(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	CHECK(fd >= 0);
	CHECK(flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK); /* held: no orphan */
	CHECK_INT_EQ(flock(fd, LOCK_SH | LOCK_NB), 0);
	CHECK_INT_EQ(fstat(fd, &st), 0);
	CHECK_INT_EQ(st.st_nlink, 1);
	return fd;
}

/* Its close: whether it removed the name, the last one out. */
static bool previous_release_close(int fd)
{
	struct stat st;
	bool removed = false;

	close(fd);
	fd = open(name_path(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	CHECK(fd >= 0);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 && st.st_nlink > 0)
		removed = unlink(name_path()) == 0;
	close(fd);
	return removed;
}

/* A process of the previous release and this one on one store: whoever
 * is the last one out removes the name, and nobody else does, views or
 * not (the header format did not change). */
static void previous_release_interoperates(void)
{
	fm_section *s;
	char *view;
	int old;

	/* This release closes first (with a view still mapped): the older
	 * holder keeps the name, and its close removes it. */
	s = create_fresh(NAME, 4096, &view);
	old = previous_release_open();
	fm_section_close(s);
	expect_alive(NAME);
	CHECK(previous_release_close(old));
	expect_removed(NAME);
	CHECK_OK(fm_view_unmap(view));
	/* The older one closes first: this release's handle keeps the name. */
	s = create_fresh(NAME, 4096, &view);
	old = previous_release_open();
	CHECK(!previous_release_close(old));
	expect_alive(NAME);
	fm_section_close(s);
	expect_removed(NAME);
	CHECK_OK(fm_view_unmap(view));
}

static void dup_keeps_name(void)
{
	fm_section *s, *d;

	CHECK_OK(fm_section_create(&s, NAME, 64, NULL));
	CHECK_OK(fm_section_dup(&d, s, 0));
	fm_section_close(s);
	expect_alive(NAME);
	CHECK_INT_EQ(fm_section_size(d), 64);
	fm_section_close(d);
	expect_removed(NAME);
}

static void dup_read_only_cannot_write(void)
{
	fm_section *s, *d, *w;
	void *view;

	CHECK_OK(fm_section_create(&s, NAME, 64, NULL));
	CHECK_OK(fm_section_dup(&d, s, FM_READ));
	fm_section_close(s);
	CHECK_RC(fm_view_map(&view, d, 0, 0, FM_WRITE), -EACCES);
	CHECK_RC(fm_section_dup(&w, d, FM_WRITE), -EACCES);
	view = test_map_whole(d, FM_READ);
	CHECK_OK(fm_view_unmap(view));
	fm_section_close(d);
	expect_removed(NAME);
}

/* A racer: waits at the start gate, creates asking for its own size, marks
 * its slot, reports, and holds the name until the release gate opens. */
static int racer_main(int argc, char **argv)
{
	int start, release, index, r;
	uint32_t *slots;
	fm_section *s;

	if (argc < 3)
		return 2;
	start = atoi(argv[0]);
	release = atoi(argv[1]);
	index = atoi(argv[2]);
	test_say("waiting");
	wait_eof(start);
	r = fm_section_create(&s, NAME, 1000 + (uint64_t)index, NULL);
	if (r < 0 || fm_view_map((void **)&slots, s, 0, 0, FM_WRITE) < 0) {
		test_say("%s 0 %s", fm_errname(r), fm_last_error_message());
		return 1;
	}
	slots[index] = (uint32_t)index + 1;
	test_say("%s %" PRIu64, fm_errname(r), fm_section_size(s));
	wait_eof(release);
	fm_section_close(s);
	return 0;
}

/* Reads every racer's answer; returns the winner's index. */
static int race_results(const int out[RACERS])
{
	int winner = -1, existed = 0;
	char line[256], result[64];
	unsigned long long size[RACERS];

	for (int i = 0; i < RACERS; i++) {
		if (!test_read_line(out[i], line, sizeof(line)) ||
		    sscanf(line, "%63s %llu", result, &size[i]) != 2)
			FAIL("racer %d answered \"%s\"", i, line);
		if (strcmp(result, "SUCCESS") == 0) {
			CHECK_INT_EQ(winner, -1);
			winner = i;
		} else if (strcmp(result, "FM_EXISTED") == 0) {
			existed++;
		} else {
			FAIL("racer %d: %s", i, line);
		}
	}
	CHECK(winner >= 0);
	CHECK_INT_EQ(existed, RACERS - 1);
	for (int i = 0; i < RACERS; i++)
		CHECK_INT_EQ(size[i], 1000 + winner); /* the winner's size, for all */
	return winner;
}

static void race_to_create(void)
{
	struct gate start, release;
	char start_arg[16], release_arg[16], index[16];
	int out[RACERS], winner;
	pid_t pid[RACERS];
	fm_section *s;
	uint32_t *slots;

	gate_open(&start);
	gate_open(&release);
	snprintf(start_arg, sizeof(start_arg), "%d", start.rd);
	snprintf(release_arg, sizeof(release_arg), "%d", release.rd);
	for (int i = 0; i < RACERS; i++) {
		snprintf(index, sizeof(index), "%d", i);
		pid[i] = test_spawn("racer", &out[i], start_arg, release_arg, index, NULL);
	}
	close(start.rd);
	close(release.rd);
	for (int i = 0; i < RACERS; i++)
		test_expect_line(out[i], "waiting");
	close(start.wr); /* all of them go at once */
	winner = race_results(out);

	CHECK_OK(fm_section_open(&s, NAME, FM_READ));
	CHECK_INT_EQ(fm_section_size(s), 1000 + winner);
	slots = test_map_whole(s, FM_READ);
	for (int i = 0; i < RACERS; i++)
		CHECK_INT_EQ(slots[i], i + 1);
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(slots));

	close(release.wr);
	for (int i = 0; i < RACERS; i++) {
		CHECK_INT_EQ(test_wait(pid[i]), 0);
		close(out[i]);
	}
	expect_removed(NAME);
}

/* Two views in this process (one at an offset) and one in another process
 * all see each other's writes. */
static void coherent_views_two_processes(void)
{
	size_t page = fm_page_size();
	struct agent other;
	fm_section *s;
	char *whole, *second, opened[64];

	CHECK_OK(fm_section_create(&s, NAME, 3 * page, NULL));
	agent_start(&other);
	snprintf(opened, sizeof(opened), "SUCCESS %zu", 3 * page);
	CHECK_STR_EQ(agent_ask(&other, "open %s", NAME), opened);
	CHECK_STR_EQ(agent_ask(&other, "map"), "SUCCESS");
	whole = test_map_whole(s, FM_WRITE);
	CHECK_OK(fm_view_map((void **)&second, s, page, page, FM_WRITE));

	strcpy(second + 10, "written at page 1 + 10");
	CHECK_STR_EQ(whole + page + 10, "written at page 1 + 10");
	CHECK_STR_EQ(agent_ask(&other, "read %zu", page + 10), "written at page 1 + 10");
	CHECK_STR_EQ(agent_ask(&other, "write %zu from the agent", page + 100), "ok");
	CHECK_STR_EQ(second + 100, "from the agent");
	CHECK_STR_EQ(agent_ask(&other, "write %zu last page", 2 * page), "ok");
	CHECK_STR_EQ(whole + 2 * page, "last page");
	strcpy(whole, "first page");
	CHECK_STR_EQ(agent_ask(&other, "read 0"), "first page");

	agent_stop(&other);
	fm_section_close(s);
	expect_removed(NAME);
	CHECK_OK(fm_view_unmap(whole));
	CHECK_OK(fm_view_unmap(second));
}

/* The name survives until the last of HOLDERS processes closes, whatever
 * the order (the creator goes first). */
static void many_holders_last_one_out(void)
{
	struct agent a[HOLDERS];

	for (int i = 0; i < HOLDERS; i++) {
		agent_start(&a[i]);
		CHECK_STR_EQ(agent_ask(&a[i], "%s %s 4096", i ? "open" : "create", NAME),
			     "SUCCESS 4096");
	}
	for (int i = 0; i < HOLDERS; i++) {
		CHECK_STR_EQ(agent_ask(&a[i], "close"), "ok");
		if (i < HOLDERS - 1)
			expect_alive(NAME);
	}
	expect_removed(NAME);
	for (int i = 0; i < HOLDERS; i++)
		agent_stop(&a[i]);
}

/* ------------------------------------------------------------------------
 * An open meets a remover: the one moment anybody holds LOCK_EX
 * ------------------------------------------------------------------------ */

/* Whether thread tid of this process waits for LOCK_SH: an open tries
 * flock(fd, LOCK_SH | LOCK_NB) and sleeps between tries, never blocking
 * in flock (what /proc/self/task/TID/syscall says of a thread in a call). */
static bool waits_for_lock_sh(pid_t tid)
{
	char path[64], line[256];
	long nr = -1;
	unsigned long fd, op = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (fgets(line, sizeof(line), f) && sscanf(line, "%ld %lx %lx", &nr, &fd, &op) != 3)
		nr = -1;
	fclose(f);
	return (nr == SYS_flock && (op & LOCK_SH)) || nr == SYS_nanosleep ||
	       nr == SYS_clock_nanosleep;
}

struct opener {
	pthread_t thread;
	_Atomic pid_t tid;
	int result;
	fm_section *s;
};

static void *opener_main(void *arg)
{
	struct opener *o = arg;

	o->tid = gettid();
	o->result = fm_section_open(&o->s, NAME, FM_READ);
	return NULL;
}

/*
 * Makes NAME's object unheld but under LOCK_EX, as a remover has it, and
 * starts an open in a thread, which must wait for the lock.  Returns the
 * remover's descriptor.
 */
static int remover_with_waiter(struct opener *o)
{
	fm_section *s;
	int fd;

	CHECK_OK(fm_section_create(&s, NAME, 64, NULL));
	fd = open(name_path(), O_RDONLY | O_CLOEXEC);
	/* A raw hold keeps the name past the close; converted, it is the
	 * remover's lock on an object nobody else holds. */
	CHECK(fd >= 0 && flock(fd, LOCK_SH) == 0);
	fm_section_close(s);
	CHECK(flock(fd, LOCK_EX) == 0);
	o->tid = 0;
	CHECK_INT_EQ(pthread_create(&o->thread, NULL, opener_main, o), 0);
	for (int i = 0; !o->tid || !waits_for_lock_sh(o->tid); i++) {
		if (i == 10000)
			FAIL("the open never waited for the lock");
		usleep(1000);
	}
	return fd;
}

/* The remover removes the name: the waiting open then finds it absent. */
static void open_waits_for_remover(void)
{
	struct opener o;
	int fd = remover_with_waiter(&o);

	CHECK_INT_EQ(unlink(name_path()), 0);
	close(fd);
	CHECK_INT_EQ(pthread_join(o.thread, NULL), 0);
	CHECK_RC(o.result, -ENOENT);
	expect_removed(NAME);
}

/* The lock goes without a removal: the waiting open holds the object. */
static void open_waits_then_holds(void)
{
	struct opener o;
	int fd = remover_with_waiter(&o);

	close(fd);
	CHECK_INT_EQ(pthread_join(o.thread, NULL), 0);
	CHECK_OK(o.result);
	CHECK_INT_EQ(fm_section_size(o.s), 64);
	expect_alive(NAME);
	fm_section_close(o.s);
	expect_removed(NAME);
}

static const struct test_case cases[] = {
	TEST_CASE(two_process_scenario),
	TEST_CASE(create_existing_same_process),
	TEST_CASE(create_existing_across_processes),
	TEST_CASE(gone_after_last_close_elsewhere),
	TEST_CASE(killed_holder_leaves_no_name),
	TEST_CASE(exited_holder_leaves_no_name),
	TEST_CASE(fork_child_keeps_name),
	TEST_CASE(fork_child_close_keeps_parent),
	TEST_CASE(views_before_fork_keep_no_name),
	TEST_CASE(child_closes_last_with_views),
	TEST_CASE(views_after_fork_keep_no_name),
	TEST_CASE(open_after_name_remade),
	TEST_CASE(open_after_name_removed),
	TEST_CASE(previous_release_interoperates),
	TEST_CASE(fork_moves_every_number),
	TEST_CASE(dup_keeps_name),
	TEST_CASE(dup_read_only_cannot_write),
	TEST_CASE(race_to_create),
	TEST_CASE(coherent_views_two_processes),
	TEST_CASE(many_holders_last_one_out),
	TEST_CASE(open_waits_for_remover),
	TEST_CASE(open_waits_then_holds),
};

static const struct test_helper helpers[] = {
	{ "agent", agent_main },
	{ "racer", racer_main },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
