/* SPDX-License-Identifier: MIT */
/*
 * test-security.c - what another user can do through the store, tried as
 * a hostile user would: uid 65534 attacks root, and attacks uid 65535, in
 * a store that root made (as systemd-tmpfiles would) or, where the attack
 * is to make the store first, in one the attacker made.  Each case checks
 * the promise of filemap(7), SECURITY: the victim's files unchanged and
 * unread, its objects intact and still held, no hang beyond a bounded
 * wait, no SIGBUS in any process, and the exact error codes.
 *
 * Every step another user takes runs in a forked child that has switched
 * to that user and that dies of SIGALRM if it hangs (BOUND seconds), so a
 * hang is a failure of that step, not of the whole run.  The cases need
 * root (to switch users, and as the first victim) and skip, visibly,
 * without it.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "internal.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ATTACKER 65534
#define VICTIM   65535
/* The longest a step may take, hangs included; the library's own bound on
 * waiting for a lock is a few seconds. */
#define BOUND 20

/* ------------------------------------------------------------------------
 * Users and bounded steps
 * ------------------------------------------------------------------------ */

static void need_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root, to switch to uids %d and %d", ATTACKER, VICTIM);
}

static void become(uid_t uid)
{
	if (uid == 0)
		return;
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		FAIL("cannot become uid %u: %s", (unsigned)uid, strerror(errno));
}

struct step {
	uid_t uid;
	int (*fn)(void *);
	void *arg;
};

static int run_step(void *p)
{
	const struct step *s = p;

	become(s->uid);
	alarm(BOUND);
	return s->fn(s->arg);
}

/* Runs fn(arg) as uid (0: root) in a child: its exit code, or 128 + the
 * signal that ended it (SIGALRM: it hung). */
static int run_as(uid_t uid, int (*fn)(void *), void *arg)
{
	struct step s = { uid, fn, arg };

	return test_in_child(run_step, &s);
}

/* The same, and the step must succeed. */
static void expect_ok_as(uid_t uid, int (*fn)(void *), void *arg, const char *what)
{
	int r = run_as(uid, fn, arg);

	if (r == 128 + SIGALRM)
		FAIL("%s, as uid %u: hung (more than %d s)", what, (unsigned)uid, BOUND);
	if (r == 128 + SIGBUS)
		FAIL("%s, as uid %u: killed by SIGBUS", what, (unsigned)uid);
	if (r != 0)
		FAIL("%s, as uid %u: failed (%d)", what, (unsigned)uid, r);
}

/*
 * Starts fn(arg) as uid in a child that, once fn returns 0, says so and
 * waits to be killed (holding whatever fn took).  Returns its pid.
 */
static pid_t start_as(uid_t uid, int (*fn)(void *), void *arg)
{
	int fds[2];
	char c = 0;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		become(uid);
		alarm(BOUND);
		if (fn(arg) != 0)
			_exit(1);
		alarm(0);
		if (write(fds[1], "1", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1)
		FAIL("the process of uid %u failed before it was ready (%d)", (unsigned)uid,
		     test_wait(pid));
	close(fds[0]);
	return pid;
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	test_wait(pid);
}

/* Stops the attacker, and removes the orphan it leaves under name. */
static void stop_attacker(pid_t pid, const char *name)
{
	stop(pid);
	test_expect_gone(name);
}

/*
 * An agent: a process of another user that sets something up, pauses
 * (agent_pause, in the agent) until the case lets it go on (agent_finish),
 * then checks what it holds and exits: its exit code, or 128 + the signal
 * that killed it (SIGBUS: the memory it mapped was cut from under it).
 */
struct agent {
	pid_t pid;
	int go;
};

static int agent_ready = -1, agent_go = -1;

static void agent_pause(void)
{
	char c = 0;

	alarm(0);
	if (write(agent_ready, "1", 1) != 1 || read(agent_go, &c, 1) != 1)
		_exit(3);
	alarm(BOUND);
}

static void agent_start(struct agent *a, uid_t uid, int (*fn)(void *), void *arg)
{
	int ready[2], go[2];
	char c;

	CHECK(pipe(ready) == 0 && pipe(go) == 0);
	fflush(NULL);
	a->pid = fork();
	CHECK(a->pid >= 0);
	if (a->pid == 0) {
		close(ready[0]);
		close(go[1]);
		agent_ready = ready[1];
		agent_go = go[0];
		become(uid);
		alarm(BOUND);
		_exit(fn(arg));
	}
	close(ready[1]);
	close(go[0]);
	a->go = go[1];
	if (read(ready[0], &c, 1) != 1)
		FAIL("the agent of uid %u failed before it was ready (%d)", (unsigned)uid,
		     test_wait(a->pid));
	close(ready[0]);
}

static void agent_finish(struct agent *a, const char *what)
{
	int r;

	CHECK(write(a->go, "1", 1) == 1);
	close(a->go);
	r = test_wait(a->pid);
	if (r == 128 + SIGBUS)
		FAIL("%s: killed by SIGBUS", what);
	if (r != 0)
		FAIL("%s: failed (%d)", what, r);
}

/* ------------------------------------------------------------------------
 * Paths
 * ------------------------------------------------------------------------ */

#define at_root test_store_path

/* The directory the case's store root is in, made shared like /dev/shm
 * (sticky, writable by all), so that any user may make the root first. */
static void share_root_parent(void)
{
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s", getenv("FILEMAP_ROOT"));
	*strrchr(parent, '/') = '\0';
	if (chmod(parent, 01777) < 0)
		FAIL("chmod %s: %s", parent, strerror(errno));
}

/* The store as systemd-tmpfiles makes it: the root and global/, root's. */
static void make_system_store(void)
{
	share_root_parent();
	if (mkdir(getenv("FILEMAP_ROOT"), 01777) < 0 || chmod(getenv("FILEMAP_ROOT"), 01777) < 0 ||
	    mkdir(at_root("global"), 01777) < 0 || chmod(at_root("global"), 01777) < 0)
		FAIL("making the store: %s", strerror(errno));
}

/* Makes directory path as the current user, with exactly mode. */
static void plant_dir(const char *path, mode_t mode)
{
	if (mkdir(path, 0700) < 0 || chmod(path, mode) < 0)
		FAIL("mkdir %s: %s", path, strerror(errno));
}

/* Runs the filemap tool with one argument as the current user; its exit
 * code, and its stderr in err. */
static int run_tool(const char *verb, char *err, size_t len)
{
	const char *tool = getenv("FILEMAP_TOOL");
	int pipe_fds[2], status;
	ssize_t n = 0, r;
	pid_t pid;

	if (!tool)
		FAIL("FILEMAP_TOOL is not set");
	CHECK(pipe(pipe_fds) == 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(pipe_fds[1], STDERR_FILENO);
		dup2(open("/dev/null", O_WRONLY), STDOUT_FILENO);
		execl(tool, tool, verb, (char *)NULL);
		_exit(126);
	}
	close(pipe_fds[1]);
	while ((size_t)n + 1 < len && (r = read(pipe_fds[0], err + n, len - 1 - n)) > 0)
		n += r;
	err[n] = '\0';
	close(pipe_fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A path beside the store root, in the case's own directory. */
static const char *beside_root(const char *leaf)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, PATH_MAX, "%s", getenv("FILEMAP_ROOT"));
	snprintf(strrchr(buf, '/') + 1, PATH_MAX / 2, "%s", leaf);
	return buf;
}

/* Root's gc removes what the agents left, exiting with their handles. */
static void collect_orphans(void)
{
	char err[4096];

	CHECK_INT_EQ(run_tool("gc", err, sizeof(err)), 0);
}

/* ------------------------------------------------------------------------
 * Item 3: whoever makes the store first must not own everyone's names
 * ------------------------------------------------------------------------ */

/* The attacker makes the store on a fresh machine, shared like /tmp, with
 * a global/ of its own. */
static int attacker_makes_store(void *unused)
{
	plant_dir(getenv("FILEMAP_ROOT"), 01777);
	plant_dir(at_root("global"), 01777);
	return 0;
}

/* The victim's create in a store another user made is refused, naming
 * that user and what to do, and nothing of the victim's enters it. */
static int victim_refuses_store(void *name)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, name, 4096, NULL), FM_ESTORE);
	CHECK(strstr(fm_last_error_message(), "uid 65534") != NULL);
	CHECK(strstr(fm_last_error_message(), "filemap(7)") != NULL);
	CHECK_RC(fm_section_open(&s, name, FM_READ), FM_ESTORE);
	return 0;
}

static void check_store_of_attacker(uid_t victim)
{
	need_root();
	share_root_parent();
	expect_ok_as(ATTACKER, attacker_makes_store, NULL, "making the store");
	expect_ok_as(victim, victim_refuses_store, "Global\\victim", "creating Global\\victim");
	expect_ok_as(victim, victim_refuses_store, "Local\\victim", "creating Local\\victim");
	CHECK(access(at_root("global/victim"), F_OK) < 0);
}

static void store_made_by_attacker_vs_root(void)
{
	check_store_of_attacker(0);
}

static void store_made_by_attacker_vs_65535(void)
{
	check_store_of_attacker(VICTIM);
}

/* ------------------------------------------------------------------------
 * Item 4: squatting
 * ------------------------------------------------------------------------ */

static uid_t squat_victim;

/* The attacker takes the victim's Local\ directory before it exists. */
static int squat_local(void *unused)
{
	plant_dir(at_root("local-%u", (unsigned)squat_victim), 0700);
	return 0;
}

/* The victim is told FM_ESTORE, naming the directory and its owner. */
static int victim_sees_squat(void *dir)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, "Local\\x", 4096, NULL), FM_ESTORE);
	CHECK(strstr(fm_last_error_message(), dir) != NULL);
	CHECK(strstr(fm_last_error_message(), "uid 65534") != NULL);
	return 0;
}

static int victim_creates(void *name)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, name, 4096, NULL));
	fm_section_close(s);
	return 0;
}

/* Root's gc removes the squat, and the victim has its namespace back. */
static void gc_frees_squat(uid_t victim, const char *name)
{
	char err[4096];

	CHECK_INT_EQ(run_tool("gc", err, sizeof(err)), 0);
	expect_ok_as(victim, victim_creates, (void *)name, "using the store after gc");
}

static void check_squat_local(uid_t victim)
{
	char dir[PATH_MAX];

	need_root();
	make_system_store();
	squat_victim = victim;
	snprintf(dir, sizeof(dir), "local-%u", (unsigned)victim);
	expect_ok_as(ATTACKER, squat_local, NULL, "squatting");
	expect_ok_as(victim, victim_sees_squat, dir, "creating Local\\x");
	gc_frees_squat(victim, "Local\\x");
}

static void squat_local_vs_root(void)
{
	check_squat_local(0);
}

static void squat_local_vs_65535(void)
{
	check_squat_local(VICTIM);
}

/* The attacker makes the root itself, 0755: nobody else may use it. */
static int squat_root(void *unused)
{
	plant_dir(getenv("FILEMAP_ROOT"), 0755);
	return 0;
}

static void check_squat_root(uid_t victim)
{
	need_root();
	share_root_parent();
	expect_ok_as(ATTACKER, squat_root, NULL, "squatting the root");
	expect_ok_as(victim, victim_sees_squat, getenv("FILEMAP_ROOT"), "creating Local\\x");
}

static void squat_root_vs_root(void)
{
	check_squat_root(0);
}

static void squat_root_vs_65535(void)
{
	check_squat_root(VICTIM);
}

/* In a root's store that has no global/ yet, the attacker makes one, as a
 * plain file or as a directory of its own. */
static int squat_global_file(void *unused)
{
	int fd = open(at_root("global"), O_CREAT | O_EXCL | O_WRONLY, 0644);

	CHECK(fd >= 0);
	close(fd);
	return 0;
}

static int squat_global_dir(void *unused)
{
	plant_dir(at_root("global"), 01777);
	return 0;
}

static int victim_sees_global_squat(void *unused)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, "Global\\x", 4096, NULL), FM_ESTORE);
	CHECK(strstr(fm_last_error_message(), "global") != NULL);
	CHECK(strstr(fm_last_error_message(), "uid 65534") != NULL);
	return 0;
}

static void check_squat_global(uid_t victim, int (*squat)(void *))
{
	need_root();
	share_root_parent();
	plant_dir(getenv("FILEMAP_ROOT"), 01777);
	expect_ok_as(ATTACKER, squat, NULL, "squatting global");
	expect_ok_as(victim, victim_sees_global_squat, NULL, "creating Global\\x");
	gc_frees_squat(victim, "Global\\x");
}

static void squat_global_file_vs_root(void)
{
	check_squat_global(0, squat_global_file);
}

static void squat_global_dir_vs_65535(void)
{
	check_squat_global(VICTIM, squat_global_dir);
}

/* ------------------------------------------------------------------------
 * Item 1: a file-backed header must not make others open what it says
 * ------------------------------------------------------------------------ */

#define SECRET "the victim's secret"

/* The victim's file nobody else may read: SECRET, mode 0600. */
static const char *make_secret(uid_t owner)
{
	const char *path = beside_root("secret");
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	CHECK(fd >= 0);
	CHECK(write(fd, SECRET, strlen(SECRET)) == (ssize_t)strlen(SECRET));
	CHECK(fchown(fd, owner, owner) == 0);
	close(fd);
	return path;
}

static void expect_secret_intact(void)
{
	char buf[64] = { 0 };
	int fd = open(beside_root("secret"), O_RDONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf) - 1) >= 0);
	close(fd);
	CHECK_STR_EQ(buf, SECRET);
}

/* Watches path for being opened (an O_PATH open is no open). */
static int watch_opens(const char *path)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	CHECK(fd >= 0);
	CHECK(inotify_add_watch(fd, path, IN_OPEN) >= 0);
	return fd;
}

static void expect_not_opened(int watch, const char *what)
{
	char buf[4096];

	if (read(watch, buf, sizeof(buf)) > 0)
		FAIL("%s was opened", what);
	close(watch);
}

/* Rewrites the header of the store file of Global\<leaf>, a file-backed
 * section of ours, to name target instead. */
static void retarget_header(const char *leaf, const char *target)
{
	int fd = open(at_root("global/%s", leaf), O_RDWR | O_CLOEXEC);
	struct fm__header h;
	struct stat st;

	CHECK(fd >= 0);
	CHECK(stat(target, &st) == 0);
	CHECK(pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h));
	h.path_size = (uint32_t)strlen(target);
	h.backing_dev = st.st_dev;
	h.backing_ino = st.st_ino;
	CHECK(pwrite(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h));
	CHECK(pwrite(fd, target, h.path_size, FM__HEADER_NAME_OFFSET + h.name_size) ==
	      (ssize_t)h.path_size);
	close(fd);
}

/* The attacker shares Global\bait over a file of its own, one byte long,
 * then makes its header name target (and holds it). */
static int serve_bait(void *target)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	const char *bait = beside_root("bait");
	fm_section *s;

	opts.fd = open(bait, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	CHECK(opts.fd >= 0);
	CHECK(write(opts.fd, "b", 1) == 1);
	opts.mode = 0644;
	CHECK_OK(fm_section_create(&s, "Global\\bait", 0, &opts));
	retarget_header("bait", target);
	return 0;
}

/* The victim opens Global\bait to write, and to read, and uses what it
 * gets as a victim would: both refused, with code. */
static int victim_opens_bait(void *code)
{
	static const unsigned accesses[] = { FM_READ | FM_WRITE, FM_READ };
	int r[TEST_COUNT(accesses)];
	fm_section *s;
	char *view;

	for (size_t i = 0; i < TEST_COUNT(accesses); i++) {
		r[i] = fm_section_open(&s, "Global\\bait", accesses[i]);
		if (r[i] == 0 && fm_view_map((void **)&view, s, 0, 0, accesses[i]) == 0 &&
		    (accesses[i] & FM_WRITE))
			view[0] = 'X'; /* the victim writes its data */
	}
	for (size_t i = 0; i < TEST_COUNT(accesses); i++)
		CHECK_RC(r[i], (int)(intptr_t)code);
	return 0;
}

static void check_bait_secret(uid_t victim)
{
	const char *secret;
	pid_t attacker;
	int watch;

	need_root();
	make_system_store();
	share_root_parent();
	secret = make_secret(victim);
	watch = watch_opens(secret);
	attacker = start_as(ATTACKER, serve_bait, (void *)secret);
	expect_ok_as(victim, victim_opens_bait, (void *)(intptr_t)-EACCES, "opening Global\\bait");
	expect_not_opened(watch, "the victim's secret");
	expect_secret_intact();
	stop_attacker(attacker, "Global\\bait");
}

static void file_header_names_secret_vs_root(void)
{
	check_bait_secret(0);
}

static void file_header_names_secret_vs_65535(void)
{
	check_bait_secret(VICTIM);
}

/* The attacker's FIFO: opening it is a side effect (a writer waiting in
 * open would go on), and no opener may open anything but a regular file. */
static int make_fifo(void *path)
{
	CHECK(mkfifo(path, 0666) == 0);
	return 0;
}

static void check_bait_fifo(uid_t victim)
{
	const char *fifo = beside_root("fifo");
	pid_t attacker;
	int watch;

	need_root();
	make_system_store();
	share_root_parent();
	expect_ok_as(ATTACKER, make_fifo, (void *)fifo, "making a FIFO");
	watch = watch_opens(fifo);
	attacker = start_as(ATTACKER, serve_bait, (void *)fifo);
	expect_ok_as(victim, victim_opens_bait, (void *)(intptr_t)-ESTALE, "opening Global\\bait");
	expect_not_opened(watch, "the FIFO");
	stop_attacker(attacker, "Global\\bait");
}

static void file_header_names_fifo_vs_root(void)
{
	check_bait_fifo(0);
}

static void file_header_names_fifo_vs_65535(void)
{
	check_bait_fifo(VICTIM);
}

/* ------------------------------------------------------------------------
 * Item 6: a create that finds the name taken changes nothing of the caller's
 * ------------------------------------------------------------------------ */

/* The attacker takes a name, shared with all, before the victim. */
static int take_name(void *name)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.mode = 0666;
	CHECK_OK(fm_section_create(&s, name, 4096, &opts));
	return 0;
}

/* The victim creates Global\\taken over a file of its own of 25 bytes,
 * asking for 100 MiB: it gets the attacker's section, and its file is as
 * it was, to the nanosecond of its last change. */
static int victim_creates_over_file(void *unused)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	struct stat before, after;
	fm_section *s;

	opts.fd = open(beside_root("mine"), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CHECK(opts.fd >= 0);
	CHECK(write(opts.fd, "twenty-five bytes of data", 25) == 25);
	CHECK(fstat(opts.fd, &before) == 0);
	CHECK_RC(fm_section_create(&s, "Global\\taken", 100 << 20, &opts), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(s), 4096);
	CHECK(fstat(opts.fd, &after) == 0);
	CHECK_INT_EQ(after.st_size, 25);
	CHECK_INT_EQ(after.st_ctim.tv_sec, before.st_ctim.tv_sec);
	CHECK_INT_EQ(after.st_ctim.tv_nsec, before.st_ctim.tv_nsec);
	fm_section_close(s);
	return 0;
}

static void check_create_over_file(uid_t victim)
{
	pid_t attacker;

	need_root();
	make_system_store();
	share_root_parent();
	attacker = start_as(ATTACKER, take_name, "Global\\taken");
	expect_ok_as(victim, victim_creates_over_file, NULL, "creating Global\\taken");
	stop_attacker(attacker, "Global\\taken");
}

static void file_create_on_taken_name_vs_root(void)
{
	check_create_over_file(0);
}

static void file_create_on_taken_name_vs_65535(void)
{
	check_create_over_file(VICTIM);
}

/* ------------------------------------------------------------------------
 * Item 5: no holder may shrink the memory others map
 * ------------------------------------------------------------------------ */

#define PAGES 4

/* Everything a holder might try on every descriptor it has: shrink it,
 * and write over the header at its start. */
static void vandalize_descriptors(void)
{
	for (int fd = 3; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		if (ftruncate(fd, 0) == 0)
			fprintf(stderr, "    note: descriptor %d could be truncated\n", fd);
		if (pwrite(fd, "vandal", 6, 0) == 6)
			fprintf(stderr, "    note: descriptor %d could be written at 0\n", fd);
	}
}

/* The same by the store file's path, for a holder allowed to open it. */
static void vandalize_path(const char *path)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0) {
		fprintf(stderr, "    note: %s could be opened for writing\n", path);
		(void)!ftruncate(fd, 0);
		close(fd);
	}
}

static void fill(char *p, size_t n, char c)
{
	memset(p, c, n);
}

/* Every byte of the view is c (reading them all: a cut page is SIGBUS). */
static void expect_filled(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			FAIL("byte %zu is %#x, not %#x", i, (unsigned char)p[i], (unsigned char)c);
}

/* The victim shares Global\\shared (PAGES pages, mode 0666), an event and
 * a mutex, maps them, and once the attacker had its go, uses all of it. */
static int victim_shares(void *unused)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	struct fm_sync_opts sync_opts = FM_SYNC_OPTS_INIT;
	size_t len = PAGES * fm_page_size();
	fm_section *s, *again;
	fm_sync *event, *mutex;
	char *view;

	opts.mode = 0666;
	sync_opts.mode = 0666;
	CHECK_OK(fm_section_create(&s, "Global\\shared", len, &opts));
	CHECK_OK(fm_event_create(&event, "Global\\event", 0, &sync_opts));
	CHECK_OK(fm_mutex_create(&mutex, "Global\\mutex", 0, &sync_opts));
	view = test_map_whole(s, FM_WRITE);
	fill(view, len, 'v');
	agent_pause();
	expect_filled(view, len, 'a'); /* what the attacker wrote, all of it */
	CHECK_OK(fm_event_set(event));
	CHECK_OK(fm_event_wait(event, 0));
	CHECK_OK(fm_mutex_lock(mutex, 0));
	CHECK_OK(fm_mutex_unlock(mutex));
	/* The name still opens, with its header intact. */
	CHECK_OK(fm_section_open(&again, "Global\\shared", FM_READ));
	CHECK_INT_EQ(fm_section_size(again), len);
	fm_section_close(again);
	return 0;
}

/* The attacker, allowed to write all three, tries to shrink them. */
static int attacker_shrinks(void *unused)
{
	size_t len = PAGES * fm_page_size();
	fm_sync *event, *mutex;
	fm_section *s;
	char *view;

	CHECK_OK(fm_section_open(&s, "Global\\shared", FM_READ | FM_WRITE));
	CHECK_OK(fm_event_open(&event, "Global\\event"));
	CHECK_OK(fm_mutex_open(&mutex, "Global\\mutex"));
	view = test_map_whole(s, FM_WRITE);
	expect_filled(view, len, 'v');
	fill(view, len, 'a');
	vandalize_descriptors();
	vandalize_path(at_root("global/shared"));
	vandalize_path(at_root("global/event"));
	vandalize_path(at_root("global/mutex"));
	return 0;
}

static void check_shrink_shared(uid_t victim)
{
	struct agent v;

	need_root();
	make_system_store();
	agent_start(&v, victim, victim_shares, NULL);
	expect_ok_as(ATTACKER, attacker_shrinks, NULL, "attacking");
	agent_finish(&v, "the victim, using what it shares");
	collect_orphans();
}

static void shrink_shared_objects_vs_root(void)
{
	check_shrink_shared(0);
}

static void shrink_shared_objects_vs_65535(void)
{
	check_shrink_shared(VICTIM);
}

/* The attacker owns Global\\pub (mode 0644) and keeps writing it; the
 * victim maps it to read.  Owning it must not let the attacker cut it. */
static int attacker_publishes(void *unused)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	size_t len = PAGES * fm_page_size();
	fm_section *s;
	char *view;

	opts.mode = 0644;
	CHECK_OK(fm_section_create(&s, "Global\\pub", len, &opts));
	view = test_map_whole(s, FM_WRITE);
	fill(view, len, 'p');
	agent_pause();
	vandalize_descriptors();
	vandalize_path(at_root("global/pub"));
	return 0;
}

static int victim_reads_pub(void *unused)
{
	size_t len = PAGES * fm_page_size();
	fm_section *s;
	char *view;

	CHECK_OK(fm_section_open(&s, "Global\\pub", FM_READ));
	view = test_map_whole(s, FM_READ);
	expect_filled(view, len, 'p');
	agent_pause();
	expect_filled(view, len, 'p');
	return 0;
}

static void check_shrink_own(uid_t victim)
{
	struct agent a, v;

	need_root();
	make_system_store();
	agent_start(&a, ATTACKER, attacker_publishes, NULL);
	agent_start(&v, victim, victim_reads_pub, NULL);
	agent_finish(&a, "the attacker");
	agent_finish(&v, "the victim, reading what it maps");
	collect_orphans();
}

static void shrink_own_shared_section_vs_root(void)
{
	check_shrink_own(0);
}

static void shrink_own_shared_section_vs_65535(void)
{
	check_shrink_own(VICTIM);
}

/* ------------------------------------------------------------------------
 * Issue 15: the creator's handle has all access; opens by name the mode's
 * ------------------------------------------------------------------------ */

/* A producer (uid 65535) publishes Global\\ro and Local\\ro, mode 0444,
 * writable by its own handle and that handle's duplicates only; and an
 * event of mode 0400 that only its creator's handles may use. */
static int producer(void *unused)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	struct fm_sync_opts sync_opts = FM_SYNC_OPTS_INIT;
	fm_section *g, *l, *dup, *other;
	fm_sync *event, *event_dup;
	char *view, *dup_view;

	opts.mode = 0444;
	CHECK_OK(fm_section_create(&g, "Global\\ro", 4096, &opts));
	CHECK_OK(fm_section_create(&l, "Local\\ro", 4096, &opts));
	CHECK_INT_EQ(fm_section_access(g), FM_READ | FM_WRITE);
	view = test_map_whole(g, FM_WRITE);
	strcpy(view, "published");
	CHECK_OK(fm_section_dup(&dup, g, 0));
	dup_view = test_map_whole(dup, FM_WRITE);
	CHECK_STR_EQ(dup_view, "published");
	strcpy(view + 100, "by a duplicate too");
	strcpy(test_map_whole(l, FM_WRITE), "local");
	/* Opening by name is bounded by the mode, for the owner too. */
	CHECK_RC(fm_section_open(&other, "Global\\ro", FM_READ | FM_WRITE), -EACCES);
	CHECK_RC(fm_section_open(&other, "Local\\ro", FM_READ | FM_WRITE), -EACCES);
	CHECK_OK(fm_section_open(&other, "Local\\ro", FM_READ));
	CHECK_STR_EQ(test_map_whole(other, FM_READ), "local");
	sync_opts.mode = 0400;
	CHECK_OK(fm_event_create(&event, "Global\\ev", 0, &sync_opts));
	CHECK_OK(fm_sync_dup(&event_dup, event));
	CHECK_OK(fm_event_set(event_dup));
	CHECK_OK(fm_event_wait(event, 0));
	CHECK_RC(fm_event_open(&event_dup, "Global\\ev"), -EACCES);
	agent_pause();
	return 0;
}

/* Another user reads Global\\ro and may not write it, by any way. */
static int reader(void *unused)
{
	fm_section *s;
	fm_sync *event;
	char *view;
	void *raw;

	CHECK_RC(fm_section_open(&s, "Global\\ro", FM_READ | FM_WRITE), -EACCES);
	CHECK_OK(fm_section_open(&s, "Global\\ro", FM_READ));
	view = test_map_whole(s, FM_READ);
	CHECK_STR_EQ(view, "published");
	CHECK_STR_EQ(view + 100, "by a duplicate too");
	CHECK_RC(fm_view_map(&raw, s, 0, 0, FM_WRITE), -EACCES);
	CHECK(mprotect(view, 4096, PROT_READ | PROT_WRITE) < 0);
	CHECK_RC(fm_event_open(&event, "Global\\ev"), -EACCES);
	vandalize_descriptors();
	return 0;
}

static void creator_keeps_full_access(void)
{
	struct agent p;

	need_root();
	make_system_store();
	agent_start(&p, VICTIM, producer, NULL);
	expect_ok_as(ATTACKER, reader, NULL, "reading Global\\ro");
	agent_finish(&p, "the producer");
	collect_orphans();
}

/* ------------------------------------------------------------------------
 * Item 2: a lock another user holds must not hang anyone
 * ------------------------------------------------------------------------ */

/* Creates the section name, readable by all, and exits holding it: its
 * name is left as an orphan. */
static int leave_readable_orphan(void *name)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.mode = 0644;
	CHECK_OK(fm_section_create(&s, name, 4096, &opts));
	return 0;
}

/* Takes LOCK_EX on the store file of Global\<leaf> and keeps it. */
static int lock_exclusively(void *leaf)
{
	int fd = open(at_root("global/%s", (const char *)leaf), O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0);
	return 0;
}

/* Plants a file of its own under Global\<leaf> and keeps LOCK_EX on it. */
static int plant_locked(void *leaf)
{
	int fd = open(at_root("global/%s", (const char *)leaf), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		      0644);

	CHECK(fd >= 0);
	CHECK(write(fd, "not an object", 13) == 13);
	CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0);
	return 0;
}

/* Open and create of the locked name come back, -EBUSY, naming the
 * attacker. */
static int victim_sees_busy(void *name)
{
	fm_section *s;

	CHECK_RC(fm_section_open(&s, name, FM_READ), -EBUSY);
	CHECK(strstr(fm_last_error_message(), "uid 65534") != NULL);
	CHECK_RC(fm_section_create(&s, name, 4096, NULL), -EBUSY);
	CHECK(strstr(fm_last_error_message(), "uid 65534") != NULL);
	return 0;
}

/* gc run by the victim: removes the name if it may, else says who may. */
static int victim_gc(void *unused)
{
	char err[4096];

	CHECK_INT_EQ(run_tool("gc", err, sizeof(err)), 0);
	return 0;
}

static void check_exclusive_lock(uid_t victim, bool planted)
{
	pid_t attacker;

	need_root();
	make_system_store();
	if (planted)
		attacker = start_as(ATTACKER, plant_locked, "held");
	else {
		expect_ok_as(victim, leave_readable_orphan, "Global\\held", "leaving an orphan");
		attacker = start_as(ATTACKER, lock_exclusively, "held");
	}
	expect_ok_as(victim, victim_sees_busy, "Global\\held", "opening Global\\held");
	/* The owner (or root) may remove it; anyone else is told who may. */
	expect_ok_as(victim, victim_gc, NULL, "gc");
	if (planted && victim != 0)
		CHECK(access(at_root("global/held"), F_OK) == 0);
	expect_ok_as(0, victim_gc, NULL, "gc");
	CHECK(access(at_root("global/held"), F_OK) < 0);
	expect_ok_as(victim, victim_creates, "Global\\held", "creating Global\\held");
	stop(attacker);
}

static void exclusive_lock_on_orphan_vs_root(void)
{
	check_exclusive_lock(0, false);
}

static void exclusive_lock_on_orphan_vs_65535(void)
{
	check_exclusive_lock(VICTIM, false);
}

static void exclusive_lock_on_plant_vs_root(void)
{
	check_exclusive_lock(0, true);
}

static void exclusive_lock_on_plant_vs_65535(void)
{
	check_exclusive_lock(VICTIM, true);
}

/* ------------------------------------------------------------------------ */

static const struct test_case cases[] = {
	TEST_CASE(store_made_by_attacker_vs_root),
	TEST_CASE(store_made_by_attacker_vs_65535),
	TEST_CASE(squat_local_vs_root),
	TEST_CASE(squat_local_vs_65535),
	TEST_CASE(squat_root_vs_root),
	TEST_CASE(squat_root_vs_65535),
	TEST_CASE(squat_global_file_vs_root),
	TEST_CASE(squat_global_dir_vs_65535),
	TEST_CASE(file_header_names_secret_vs_root),
	TEST_CASE(file_header_names_secret_vs_65535),
	TEST_CASE(file_header_names_fifo_vs_root),
	TEST_CASE(file_header_names_fifo_vs_65535),
	TEST_CASE(file_create_on_taken_name_vs_root),
	TEST_CASE(file_create_on_taken_name_vs_65535),
	TEST_CASE(shrink_shared_objects_vs_root),
	TEST_CASE(shrink_shared_objects_vs_65535),
	TEST_CASE(shrink_own_shared_section_vs_root),
	TEST_CASE(shrink_own_shared_section_vs_65535),
	TEST_CASE(creator_keeps_full_access),
	TEST_CASE(exclusive_lock_on_orphan_vs_root),
	TEST_CASE(exclusive_lock_on_orphan_vs_65535),
	TEST_CASE(exclusive_lock_on_plant_vs_root),
	TEST_CASE(exclusive_lock_on_plant_vs_65535),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
