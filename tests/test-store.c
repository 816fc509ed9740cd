/* SPDX-License-Identifier: MIT */
/*
 * test-store.c - the store on disk: who may use which object (modes,
 * Local\ per user, read-only sections, the umask ignored), orphans another
 * user left in Global\, hostile directories and object files planted where
 * the library looks (refused, never used, and an unheld corrupt file
 * removed like any orphan), a full store (-ENOSPC at create, not SIGBUS
 * later), and how names become file names (escapes, hashes, length limits).
 *
 * The uid cases run as root and switch a child to uid/gid 65534: a forked
 * child, or a fresh process (a helper re-running this binary) for what must
 * not inherit this process's library state.  They skip, visibly, when not
 * root.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define NOBODY 65534

/* ------------------------------------------------------------------------
 * Paths in the store
 * ------------------------------------------------------------------------ */

/* A path under the case's store root (helpers too may use it). */
#define at_root test_store_path

/* A path beside the root, in the case's private directory. */
static const char *beside_root(const char *file)
{
	static char buf[PATH_MAX];
	const char *slash = strrchr(test_root(), '/');

	snprintf(buf, sizeof(buf), "%.*s/%s", (int)(slash - test_root()), test_root(), file);
	return buf;
}

/* This user's Local\ directory, and the store file of a simple ASCII
 * Local\ name in it. */
static const char *local_dir(void)
{
	return at_root("local-%u", (unsigned)geteuid());
}

static const char *local_file(const char *file)
{
	return at_root("local-%u/%s", (unsigned)geteuid(), file);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		FAIL("lstat %s: %s", path, strerror(errno));
	return st.st_mode & 07777;
}

/* Entries of a directory, "." and ".." aside; one of them into first. */
static int count_entries(const char *path, char *first, size_t len)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		FAIL("opendir %s: %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (first && n++ == 0)
			snprintf(first, len, "%s", e->d_name);
		else if (!first)
			n++;
	}
	closedir(d);
	return n;
}

/* Makes the store's directories, as the library does, and leaves it empty. */
static void make_store(void)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, "Local\\setup", 1, NULL));
	fm_section_close(s);
	CHECK_OK(fm_section_create(&s, "Global\\setup", 1, NULL));
	fm_section_close(s);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* ------------------------------------------------------------------------
 * Sections
 * ------------------------------------------------------------------------ */

static fm_section *create_mode(const char *name, unsigned access, uint32_t mode)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.access = access;
	opts.mode = mode;
	CHECK_OK(fm_section_create(&s, name, 4096, &opts));
	return s;
}

/* Creates name, which must be new, and checks it is all zero. */
static void expect_fresh(const char *name)
{
	fm_section *s;
	char *view;

	CHECK_OK(fm_section_create(&s, name, 4096, NULL));
	view = test_map_whole(s, FM_READ);
	for (int i = 0; i < 4096; i++)
		CHECK_INT_EQ(view[i], 0);
	CHECK_OK(fm_view_unmap(view));
	fm_section_close(s);
}

/* ------------------------------------------------------------------------
 * Another user: uid/gid 65534
 * ------------------------------------------------------------------------ */

static void need_root(const char *why)
{
	if (geteuid() != 0)
		SKIP("needs root %s", why);
}

static void become_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		FAIL("cannot become uid %d: %s", NOBODY, strerror(errno));
}

/* What uid 65534 does in a case; CHECK failures end its process. */
struct job {
	const char *name;
	int (*fn)(void);
};

static int job_global_denied(void)
{
	fm_section *s;

	CHECK_RC(fm_section_open(&s, "Global\\private", FM_READ), -EACCES);
	CHECK_RC(fm_section_open(&s, "Global\\private", FM_WRITE), -EACCES);
	CHECK_RC(fm_section_create(&s, "Global\\private", 4096, NULL), -EACCES);
	return 0;
}

static int job_global_write(void)
{
	fm_section *s;
	char *view;

	CHECK_OK(fm_section_open(&s, "Global\\shared", FM_READ | FM_WRITE));
	view = test_map_whole(s, FM_WRITE);
	strcpy(view, "written by uid 65534");
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(view));
	return 0;
}

/* Root's Local\x is not ours: our Local\x is another object. */
static int job_local_own(void)
{
	fm_section *s;
	char *view;
	struct stat st;

	CHECK_RC(fm_section_open(&s, "Local\\x", FM_READ), -ENOENT);
	CHECK_OK(fm_section_create(&s, "Local\\x", 4096, NULL));
	view = test_map_whole(s, FM_WRITE);
	CHECK_INT_EQ(view[0], 0);
	strcpy(view, "65534's");
	CHECK(stat(at_root("local-%d/x", NOBODY), &st) == 0);
	CHECK_INT_EQ(st.st_uid, NOBODY);
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(view));
	return 0;
}

/* Creates Global\orphan and waits to be killed. */
static int job_hold_global(void)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, "Global\\orphan", 4096, NULL));
	test_say("ready");
	for (;;)
		pause();
}

/* Root's orphan in the sticky Global\ directory: absent to open, and in
 * the way of create, which names its owner. */
static int job_root_orphan(void)
{
	fm_section *s;

	CHECK_RC(fm_section_open(&s, "Global\\orphan", FM_READ), -ENOENT);
	CHECK_RC(fm_section_create(&s, "Global\\orphan", 4096, NULL), -EACCES);
	CHECK(strstr(fm_last_error_message(), "uid 0") != NULL);
	return 0;
}

static const struct job jobs[] = {
	{ "global_denied", job_global_denied },
	{ "global_write", job_global_write },
	{ "local_own", job_local_own },
	{ "hold_global", job_hold_global },
	{ "root_orphan", job_root_orphan },
};

static const struct job *find_job(const char *name)
{
	for (size_t i = 0; i < TEST_COUNT(jobs); i++)
		if (strcmp(jobs[i].name, name) == 0)
			return &jobs[i];
	FAIL("no job named %s", name);
}

static int run_job(void *job)
{
	become_nobody();
	return ((const struct job *)job)->fn();
}

/* Runs a job as 65534 in a child forked from this process. */
static void nobody_fork(const char *job)
{
	CHECK_INT_EQ(test_in_child(run_job, (void *)find_job(job)), 0);
}

/* Starts a job as 65534 in a fresh process: nothing of this process's
 * library state comes along. */
static pid_t nobody_spawn(const char *job, int *out)
{
	return test_spawn("as_nobody", out, job, NULL);
}

static int as_nobody_main(int argc, char **argv)
{
	return argc < 1 ? 2 : run_job((void *)find_job(argv[0]));
}

/* ------------------------------------------------------------------------
 * Cases: permissions
 * ------------------------------------------------------------------------ */

static void global_default_mode_denies_others(void)
{
	fm_section *s;

	need_root("to switch to uid 65534 and chown");
	CHECK_OK(fm_section_create(&s, "Global\\private", 4096, NULL));
	CHECK_INT_EQ(test_object_mode(at_root("global/private")), 0600);
	nobody_fork("global_denied");
	fm_section_close(s);
	test_expect_gone("Global\\private");
}

static void global_mode_0666_shared(void)
{
	fm_section *s;
	char *view;

	need_root("to switch to uid 65534 and chown");
	s = create_mode("Global\\shared", FM_READ | FM_WRITE, 0666);
	CHECK_INT_EQ(test_object_mode(at_root("global/shared")), 0666);
	view = test_map_whole(s, FM_READ);
	nobody_fork("global_write");
	CHECK_STR_EQ(view, "written by uid 65534");
	fm_section_close(s);
	test_expect_gone("Global\\shared");
	CHECK_OK(fm_view_unmap(view));
}

/* Root's Local\x, then 65534's job_local_own run by start(). */
static void check_local_private(void (*start)(const char *))
{
	fm_section *s;
	char *view;

	need_root("to switch to uid 65534 and chown");
	CHECK_OK(fm_section_create(&s, "Local\\x", 4096, NULL));
	view = test_map_whole(s, FM_WRITE);
	strcpy(view, "root's");
	start("local_own");
	CHECK_STR_EQ(view, "root's");
	CHECK_INT_EQ(count_entries(at_root("local-%d", NOBODY), NULL, 0), 0);
	CHECK_INT_EQ(mode_of(at_root("local-%d", NOBODY)), 0700);
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(view));
}

static void nobody_exec(const char *job)
{
	CHECK_INT_EQ(test_wait(nobody_spawn(job, NULL)), 0);
}

static void local_private_per_user(void)
{
	check_local_private(nobody_exec);
}

/*
 * A process that used Local\ and then switches uid must use the new user's
 * namespace (-ENOENT, then a create of its own), not the cached directory
 * of the old one.
 */
static void local_private_after_uid_switch(void)
{
	check_local_private(nobody_fork);
}

static void read_only_section(void)
{
	fm_section *s, *w;
	void *view;

	s = create_mode("Local\\ro", FM_READ, 0644);
	CHECK_INT_EQ(test_object_mode(local_file("ro")), 0444);
	CHECK_RC(fm_view_map(&view, s, 0, 0, FM_WRITE), -EACCES);
	CHECK_RC(fm_section_open(&w, "Local\\ro", FM_WRITE), -EACCES);
	view = test_map_whole(s, FM_READ);
	CHECK_OK(fm_view_unmap(view));
	fm_section_close(s);

	s = create_mode("Local\\ro", FM_READ, 0);
	CHECK_INT_EQ(test_object_mode(local_file("ro")), 0400);
	fm_section_close(s);
	test_expect_gone("Local\\ro");
}

static void modes_ignore_umask(void)
{
	fm_section *a, *b, *c;

	umask(077);
	a = create_mode("Local\\m", FM_READ | FM_WRITE, 0644);
	b = create_mode("Local\\d", FM_READ | FM_WRITE, 0);
	c = create_mode("Global\\g", FM_READ | FM_WRITE, 0666);
	CHECK_INT_EQ(test_object_mode(local_file("m")), 0644);
	CHECK_INT_EQ(test_object_mode(local_file("d")), 0600);
	CHECK_INT_EQ(test_object_mode(at_root("global/g")), 0666);
	/* The directories the library made, too: a root made by root is
	 * shared like /tmp, one made by another user is that user's own. */
	CHECK_INT_EQ(mode_of(test_root()), geteuid() == 0 ? 01777 : 0700);
	CHECK_INT_EQ(mode_of(at_root("global")), 01777);
	CHECK_INT_EQ(mode_of(local_dir()), 0700);
	fm_section_close(a);
	fm_section_close(b);
	fm_section_close(c);
}

/* ------------------------------------------------------------------------
 * Cases: another user's orphans in Global\
 * ------------------------------------------------------------------------ */

static void global_orphan_of_nobody(void)
{
	pid_t pid;
	int out;

	need_root("to switch to uid 65534 and chown");
	make_store();
	pid = nobody_spawn("hold_global", &out);
	test_expect_line(out, "ready");
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK_INT_EQ(test_wait(pid), 128 + SIGKILL);
	close(out);
	CHECK_INT_EQ(test_store_count(), 1);
	test_expect_gone("Global\\orphan"); /* root may remove it */
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Creates name readable and writable by all, and exits holding it. */
static int leave_orphan(void *name)
{
	create_mode(name, FM_READ | FM_WRITE, 0666);
	return 0;
}

static void global_orphan_of_root(void)
{
	need_root("to switch to uid 65534 and chown");
	make_store();
	CHECK_INT_EQ(test_in_child(leave_orphan, "Global\\orphan"), 0);
	CHECK_INT_EQ(test_store_count(), 1);
	nobody_fork("root_orphan");
	CHECK_INT_EQ(test_store_count(), 1);
	test_expect_gone("Global\\orphan");
	CHECK_INT_EQ(test_store_count(), 0);
}

/* 65534, holding root's Global\handover, closes last, then creates it. */
static int last_out_then_create(int ready, int go)
{
	fm_section *s;

	become_nobody();
	CHECK_OK(fm_section_open(&s, "Global\\handover", FM_READ | FM_WRITE));
	CHECK(write(ready, "1", 1) == 1);
	CHECK(read(go, &(char){ 0 }, 1) == 0);
	fm_section_close(s);
	/* The name is gone for every opener... */
	test_expect_gone("Global\\handover");
	/* ...but root's file stays in the sticky directory, so this user's
	 * create is refused, naming the owner, as API.md says. */
	CHECK_RC(fm_section_create(&s, "Global\\handover", 4096, NULL), -EACCES);
	CHECK(strstr(fm_last_error_message(), "uid 0") != NULL);
	return 0;
}

/*
 * The last handle to root's Global\ object is closed by another user, who
 * may not unlink root's file from the sticky global/ directory: the name
 * reads as absent to every open, a create by that user fails with -EACCES
 * naming the owner, and root (the owner) takes the name back at once.
 * This is the trade-off API.md documents ("Global\ orphans of another
 * user"): without the sticky bit any user could unlink or hijack live names.
 */
static void global_last_close_by_other_user(void)
{
	int ready[2], go[2], status;
	fm_section *s;
	pid_t pid;

	need_root("to switch to uid 65534 and chown");
	s = create_mode("Global\\handover", FM_READ | FM_WRITE, 0666);
	CHECK(pipe(ready) == 0 && pipe(go) == 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		fm_section_close(s); /* our copy only: the parent still holds it */
		close(ready[0]);
		close(go[1]);
		_exit(last_out_then_create(ready[1], go[0]));
	}
	close(ready[1]);
	close(go[0]);
	CHECK(read(ready[0], &(char){ 0 }, 1) == 1);
	fm_section_close(s);
	close(go[1]);
	status = test_wait(pid);
	CHECK_INT_EQ(status, 0);
	expect_fresh("Global\\handover"); /* the owner removes the leftover */
}

/* ------------------------------------------------------------------------
 * Cases: hostile store directories
 * ------------------------------------------------------------------------ */

static void make_dir(const char *path, mode_t mode)
{
	if (mkdir(path, 0700) < 0 || chmod(path, mode) < 0)
		FAIL("mkdir %s: %s", path, strerror(errno));
}

static void give_to_nobody(const char *path)
{
	if (lchown(path, NOBODY, NOBODY) < 0)
		FAIL("chown %s: %s", path, strerror(errno));
}

/* Both calls refuse name's store, and nothing is made in dir (if any). */
static void expect_refused(const char *name, const char *dir)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, name, 4096, NULL), FM_ESTORE);
	CHECK_RC(fm_section_open(&s, name, FM_READ), FM_ESTORE);
	CHECK(strstr(fm_last_error_message(), "store") != NULL);
	if (dir)
		CHECK_INT_EQ(count_entries(dir, NULL, 0), 0);
}

/* Once the plant is gone, the library makes a sound store and works. */
static void expect_usable(const char *name)
{
	expect_fresh(name);
	CHECK_INT_EQ(test_store_count(), 0);
}

static void remove_plant(const char *path)
{
	if (remove(path) < 0)
		FAIL("remove %s: %s", path, strerror(errno));
}

static void hostile_local_owner(void)
{
	const char *dir;

	need_root("to switch to uid 65534 and chown");
	make_dir(test_root(), 01777);
	dir = local_dir();
	make_dir(dir, 0700);
	give_to_nobody(dir);
	expect_refused("Local\\x", dir);
	remove_plant(dir);
	expect_usable("Local\\x");
}

static void hostile_local_symlink(void)
{
	char elsewhere[PATH_MAX];

	snprintf(elsewhere, sizeof(elsewhere), "%s", beside_root("elsewhere"));
	make_dir(test_root(), 01777);
	make_dir(elsewhere, 0700);
	CHECK(symlink(elsewhere, local_dir()) == 0);
	expect_refused("Local\\x", elsewhere);
	remove_plant(local_dir());
	remove_plant(elsewhere);
	expect_usable("Local\\x");
}

static void hostile_local_mode(void)
{
	make_dir(test_root(), 01777);
	make_dir(local_dir(), 0755);
	expect_refused("Local\\x", local_dir());
	remove_plant(local_dir());
	expect_usable("Local\\x");
}

static void hostile_global_mode(void)
{
	make_dir(test_root(), 01777);
	make_dir(at_root("global"), 0777);
	expect_refused("Global\\x", at_root("global"));
	remove_plant(at_root("global"));
	expect_usable("Global\\x");
}

static void hostile_global_file(void)
{
	make_dir(test_root(), 01777);
	CHECK(mknod(at_root("global"), S_IFREG | 0600, 0) == 0);
	expect_refused("Global\\x", NULL);
	remove_plant(at_root("global"));
	expect_usable("Global\\x");
}

static void hostile_root_symlink(void)
{
	char elsewhere[PATH_MAX];

	snprintf(elsewhere, sizeof(elsewhere), "%s", beside_root("elsewhere"));
	make_dir(elsewhere, 01777);
	CHECK(symlink(elsewhere, test_root()) == 0);
	expect_refused("Local\\x", elsewhere);
	expect_refused("Global\\x", elsewhere);
	remove_plant(test_root());
	remove_plant(elsewhere);
	expect_usable("Local\\x");
}

/*
 * Another user's root is refused whatever its mode, even shared like /tmp:
 * its owner could remove or rename anything in it.  The message names the
 * owner.
 */
static void hostile_root_owner(void)
{
	static const mode_t refused[] = { 0755, 0777, 01755, 0700, 01777 };

	need_root("to switch to uid 65534 and chown");
	for (size_t i = 0; i < TEST_COUNT(refused); i++) {
		make_dir(test_root(), refused[i]);
		give_to_nobody(test_root());
		expect_refused("Local\\x", test_root());
		CHECK(strstr(fm_last_error_message(), "uid 65534") != NULL);
		expect_refused("Global\\x", test_root());
		remove_plant(test_root());
	}
	/* A root's own, shared or not, is fine. */
	make_dir(test_root(), 0755);
	expect_usable("Local\\x");
}

static void hostile_root_file(void)
{
	CHECK(mknod(test_root(), S_IFREG | 0600, 0) == 0);
	expect_refused("Local\\x", NULL);
	expect_refused("Global\\x", NULL);
	remove_plant(test_root());
	expect_usable("Local\\x");
}

/* ------------------------------------------------------------------------
 * Cases: the store removed under a process that has its directories cached
 * ------------------------------------------------------------------------ */

/* Creates name holding text, and has another process (helper open_read)
 * open it and read the text. */
static void create_read_elsewhere(const char *name, const char *text)
{
	fm_section *s;
	char *view;
	pid_t pid;
	int out;

	CHECK_OK(fm_section_create(&s, name, 4096, NULL));
	view = test_map_whole(s, FM_WRITE);
	strcpy(view, text);
	pid = test_spawn("open_read", &out, name, NULL);
	test_expect_line(out, text);
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(view));
}


/* Removes the (empty) store: its namespace directories and its root. */
static void remove_store(void)
{
	const char *dirs[] = { local_dir(), at_root("global"), test_root() };

	for (size_t i = 0; i < TEST_COUNT(dirs); i++)
		if (rmdir(dirs[i]) < 0)
			FAIL("rmdir %s: %s", dirs[i], strerror(errno));
}

/* Helper: creates argv[0] holding the text argv[1], says "ready <fd>" with
 * its handle's descriptor, and holds it until killed. */
static int hold_main(int argc, char **argv)
{
	fm_section *s;
	char *view;

	if (argc < 2)
		return 2;
	CHECK_OK(fm_section_create(&s, argv[0], 4096, NULL));
	view = test_map_whole(s, FM_WRITE);
	strcpy(view, argv[1]);
	test_say("ready %d", fm_section_fd(s));
	for (;;)
		pause();
}

/* Another process makes the store anew with name in it, and holds it;
 * returns its pid and the descriptor of its handle in *fd. */
static pid_t hold_elsewhere(const char *name, int *fd)
{
	char line[64];
	pid_t pid;
	int out;

	pid = test_spawn("hold", &out, name, "made anew", NULL);
	CHECK(test_read_line(out, line, sizeof(line)) && sscanf(line, "ready %d", fd) == 1);
	close(out);
	return pid;
}

static void kill_holder(pid_t pid)
{
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK_INT_EQ(test_wait(pid), 128 + SIGKILL);
}

/* The directories this process cached are gone: a create puts its object
 * in the store's new directory, where other processes find it. */
static void create_in_new_store(const char *name)
{
	make_store();
	remove_store();
	create_read_elsewhere(name, "in the new store");
	test_expect_gone(name);
}

static void store_removed_create(void)
{
	create_in_new_store("Local\\x");
	create_in_new_store("Global\\x");
}

/* The same for open: the name is found in the new directory. */
static void open_in_new_store(const char *name)
{
	fm_section *s;
	char *view;
	pid_t pid;
	int fd;

	make_store();
	remove_store();
	pid = hold_elsewhere(name, &fd);
	CHECK_OK(fm_section_open(&s, name, FM_READ));
	view = test_map_whole(s, FM_READ);
	CHECK_STR_EQ(view, "made anew");
	kill_holder(pid);
	/* Ours is the last hold: its close removes the name. */
	fm_section_close(s);
	CHECK_OK(fm_view_unmap(view));
	test_expect_gone(name);
}

static void store_removed_open(void)
{
	open_in_new_store("Local\\y");
	open_in_new_store("Global\\y");
}

/* And for adopting a descriptor: the handle finds its name in the new
 * directory, and so removes it as the last one out. */
static void store_removed_adopt(void)
{
	char path[64];
	fm_section *s;
	pid_t pid;
	int fd;

	make_store();
	remove_store();
	pid = hold_elsewhere("Local\\z", &fd);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	fd = open(path, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_OK(fm_section_adopt(&s, fd, 0));
	kill_holder(pid);
	CHECK_INT_EQ(test_store_count(), 1);
	fm_section_close(s);
	test_expect_gone("Local\\z");
	CHECK_INT_EQ(test_store_count(), 0);
}

/* A directory planted where the removed one was is refused, as ever. */
static void store_removed_hostile(void)
{
	make_store();
	remove_store();
	hostile_local_symlink();
}

/* ------------------------------------------------------------------------
 * Cases: hostile object files
 * ------------------------------------------------------------------------ */

/* Every way to reach Local\x refuses the planted file and leaves it. */
static void expect_corrupt(const char *path)
{
	struct stat before, after;
	fm_section *s;

	CHECK(lstat(path, &before) == 0);
	CHECK_RC(fm_section_open(&s, "Local\\x", FM_READ), FM_ECORRUPT);
	CHECK_RC(fm_section_open(&s, "Local\\x", FM_READ | FM_WRITE), FM_ECORRUPT);
	CHECK_RC(fm_section_create(&s, "Local\\x", 4096, NULL), FM_ECORRUPT);
	CHECK(lstat(path, &after) == 0);
	CHECK_INT_EQ(after.st_ino, before.st_ino);
	CHECK_INT_EQ(after.st_mode, before.st_mode);
	CHECK_INT_EQ(after.st_size, before.st_size);
}

/* A file that is not a regular file can be no object: it is refused and
 * left where it is, without anyone holding it (`filemap rm` removes it). */
static void check_not_regular(void (*plant)(const char *))
{
	const char *path;

	make_store();
	path = local_file("x");
	plant(path);
	expect_corrupt(path);
	remove_plant(path);
	CHECK_INT_EQ(test_store_count(), 0);
}

static void plant_symlink(const char *path)
{
	const char *target = beside_root("target");

	CHECK(mknod(target, S_IFREG | 0600, 0) == 0);
	CHECK(symlink(target, path) == 0);
}

static void plant_fifo(const char *path)
{
	CHECK(mkfifo(path, 0600) == 0);
}

static void plant_directory(const char *path)
{
	make_dir(path, 0700);
}

static void plant_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0 && strlen(path) < sizeof(addr.sun_path));
	strcpy(addr.sun_path, path);
	CHECK(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	close(fd);
}

static void object_symlink(void)
{
	check_not_regular(plant_symlink);
	CHECK_INT_EQ(mode_of(beside_root("target")), 0600); /* untouched */
}

static void object_fifo(void)
{
	/* A hang fails fast: the library must open with O_NONBLOCK. */
	alarm(20);
	check_not_regular(plant_fifo);
}

/* A FIFO planted and held under LOCK_EX is refused at once too: an open
 * waits only for a lock on a regular file (a remover's). */
static void object_fifo_locked(void)
{
	const char *path;
	int fd;

	alarm(20);
	make_store();
	path = local_file("x");
	plant_fifo(path);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0);
	expect_corrupt(path);
	close(fd);
	remove_plant(path);
}

/* A FIFO planted under the name of a handle whose object was removed
 * (`filemap rm`) outlives the handle: its last-one-out removal takes only
 * regular files, which a lock can tell unheld. */
static void object_fifo_at_released_name(void)
{
	fm_section *s;

	alarm(20);
	CHECK_OK(fm_section_create(&s, "Local\\x", 4096, NULL));
	remove_plant(local_file("x"));
	plant_fifo(local_file("x"));
	fm_section_close(s);
	CHECK_INT_EQ(mode_of(local_file("x")), 0600);
	remove_plant(local_file("x"));
}

/*
 * A directory planted under the name is refused with FM_ECORRUPT by every
 * open and create, also those for writing, whose openat(O_RDWR) fails with
 * EISDIR before any S_ISREG check could run.
 */
static void object_directory(void)
{
	check_not_regular(plant_directory);
}

static void object_socket(void)
{
	check_not_regular(plant_socket);
}

/* What is wrong with a planted regular file. */
enum flaw {
	FLAW_NONE,      /* a sound object, made by hand */
	FLAW_GARBAGE,   /* no header at all */
	FLAW_SHORT,     /* shorter than the fixed header */
	FLAW_TRUNCATED, /* shorter than the header says it is */
	FLAW_SIZE,      /* the size field disagrees with the file's size */
	FLAW_NAME,      /* the header holds another name */
};

/* Writes a section object for Local\x at path, with the flaw. */
static void plant_object(const char *path, enum flaw flaw)
{
	const char *name = flaw == FLAW_NAME ? "Local\\y" : "Local\\x";
	struct fm__header h;
	off_t file_size;
	int fd;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, FM__MAGIC, sizeof(h.magic));
	h.version = FM__FORMAT_VERSION;
	h.type = FM__TYPE_SECTION;
	h.header_size = fm__header_size(strlen(name), 0);
	h.max_access = FM_READ | FM_WRITE;
	h.name_size = (uint32_t)strlen(name);
	h.size = flaw == FLAW_SIZE ? 8192 : 4096;
	h.creator_uid = (uint32_t)geteuid();
	h.creator_pid = (uint32_t)getpid();
	h.mode = 0600;
	file_size = (off_t)h.header_size + 4096;
	if (flaw == FLAW_GARBAGE)
		memset(&h, 0x5a, sizeof(h));
	if (flaw == FLAW_SHORT)
		file_size = 100;
	if (flaw == FLAW_TRUNCATED)
		file_size = 1000;
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, &h, sizeof(h), 0) == sizeof(h));
	CHECK(pwrite(fd, name, strlen(name), FM__HEADER_NAME_OFFSET) == (ssize_t)strlen(name));
	CHECK(ftruncate(fd, file_size) == 0);
	close(fd);
}

/* Holds path as a handle would: flock(LOCK_SH) on a description of its own. */
static int hold_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	CHECK(fd >= 0 && flock(fd, LOCK_SH) == 0);
	return fd;
}

/* Held: refused and left alone.  Unheld: an orphan, removed by open; and
 * a create over another one makes a fresh object. */
static void check_flaw(enum flaw flaw)
{
	const char *path;
	int hold;

	make_store();
	path = local_file("x");
	plant_object(path, flaw);
	hold = hold_file(path);
	expect_corrupt(path);
	close(hold);
	CHECK_INT_EQ(test_store_count(), 1);
	test_expect_gone("Local\\x");
	CHECK_INT_EQ(test_store_count(), 0);

	plant_object(path, flaw);
	expect_fresh("Local\\x");
	CHECK_INT_EQ(test_store_count(), 0);
}

/* The hand-made object is sound, so each flaw alone is what is refused. */
static void object_planted_sound(void)
{
	const char *path;
	fm_section *s;
	int hold;

	make_store();
	path = local_file("x");
	plant_object(path, FLAW_NONE);
	hold = hold_file(path);
	CHECK_OK(fm_section_open(&s, "Local\\x", FM_READ));
	CHECK_INT_EQ(fm_section_size(s), 4096);
	fm_section_close(s);
	close(hold);
	test_expect_gone("Local\\x");
}

static void object_garbage(void)
{
	check_flaw(FLAW_GARBAGE);
}

static void object_short(void)
{
	check_flaw(FLAW_SHORT);
}

static void object_truncated(void)
{
	check_flaw(FLAW_TRUNCATED);
}

static void object_size_mismatch(void)
{
	check_flaw(FLAW_SIZE);
}

static void object_other_name(void)
{
	check_flaw(FLAW_NAME);
}

/* ------------------------------------------------------------------------
 * Cases: a full store
 * ------------------------------------------------------------------------ */

/* Touches every page of a reserved section bigger than the store. */
static int touch_all(void *s)
{
	size_t size = fm_section_size(s);
	char *view = test_map_whole(s, FM_WRITE);

	/* The kernel's SIGBUS, not a sanitizer's report of it. */
	signal(SIGBUS, SIG_DFL);
	for (size_t i = 0; i < size; i += fm_page_size())
		view[i] = 1;
	return 0;
}

static void full_store_checks(void)
{
	struct fm_section_opts reserve = FM_SECTION_OPTS_INIT;
	fm_section *s, *big, *again;

	CHECK_RC(fm_section_create(&s, "Local\\huge", 4 << 20, NULL), -ENOSPC);
	CHECK_INT_EQ(test_store_count(), 0);
	reserve.flags = FM_SECTION_RESERVE;
	CHECK_OK(fm_section_create(&s, "Local\\huge", 4 << 20, &reserve));
	CHECK_INT_EQ(test_in_child(touch_all, s), 128 + SIGBUS);
	fm_section_close(s);
	CHECK_INT_EQ(test_store_count(), 0);

	/* A taken name needs no room: the existing object comes back. */
	CHECK_OK(fm_section_create(&big, "Local\\big", 512 << 10, NULL));
	CHECK_RC(fm_section_create(&again, "Local\\big", 4 << 20, NULL), FM_EXISTED);
	CHECK_INT_EQ(fm_section_size(again), 512 << 10);
	fm_section_close(again);
	fm_section_close(big);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* In a mount namespace of its own, the store root is a 1 MiB tmpfs; the
 * harness's count of the store then looks inside it. */
static int in_small_store(void *unused)
{
	if (unshare(CLONE_NEWNS) < 0)
		SKIP("unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		SKIP("making mounts private: %s", strerror(errno));
	make_dir(test_root(), 0700);
	if (mount("fm-test", test_root(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=1777") < 0)
		SKIP("mounting a tmpfs: %s", strerror(errno));
	setenv("FILEMAP_ROOT", test_root(), 1);
	full_store_checks();
	return 0;
}

static void store_full_enospc(void)
{
	int r;

	need_root("to mount a small tmpfs");
	r = test_in_child(in_small_store, NULL);
	if (r == 77)
		SKIP("see above");
	CHECK_INT_EQ(r, 0);
}

/* ------------------------------------------------------------------------
 * Cases: names as file names
 * ------------------------------------------------------------------------ */

static void names_escaped(void)
{
	static const char *const names[][2] = {
		{ "Local\\a/b", "a%2Fb" },
		{ "Local\\100%", "100%25" },
		{ "Local\\.hidden", "%2Ehidden" },
	};
	fm_section *s[3], *o;

	for (int i = 0; i < 3; i++) {
		CHECK_OK(fm_section_create(&s[i], names[i][0], 4096, NULL));
		CHECK_INT_EQ(mode_of(local_file(names[i][1])), 0600);
	}
	/* No escape left the namespace: local-0 and global (made with the root). */
	CHECK_INT_EQ(count_entries(test_root(), NULL, 0), 2);
	CHECK_INT_EQ(count_entries(local_dir(), NULL, 0), 3);
	for (int i = 0; i < 3; i++) {
		CHECK_OK(fm_section_open(&o, names[i][0], FM_READ));
		fm_section_close(o);
		fm_section_close(s[i]);
	}
}

/* "Local\" followed by count copies of unit (malloc'd). */
static char *long_name(const char *unit, size_t count)
{
	size_t len = strlen(unit);
	char *name = malloc(6 + len * count + 1);

	CHECK(name != NULL);
	memcpy(name, "Local\\", 6);
	for (size_t i = 0; i < count; i++)
		memcpy(name + 6 + i * len, unit, len);
	name[6 + len * count] = '\0';
	return name;
}

/* Creates name and returns the store file it got. */
static void stored_as(const char *name, char *file, size_t len)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, name, 4096, NULL));
	CHECK_INT_EQ(count_entries(local_dir(), file, len), 1);
	fm_section_close(s);
}

static void names_hashed(void)
{
	char file[NAME_MAX + 1], *name, stored[400];
	int fd;
	fm_section *s;

	name = long_name("h", 300);
	CHECK_OK(fm_section_create(&s, name, 4096, NULL));
	CHECK_INT_EQ(count_entries(local_dir(), file, sizeof(file)), 1);
	CHECK(strncmp(file, ".h-", 3) == 0);
	CHECK_INT_EQ(strlen(file), 3 + 64);
	/* The header holds the full name. */
	fd = open(local_file(file), O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(pread(fd, stored, 306, FM__HEADER_NAME_OFFSET) == 306);
	close(fd);
	CHECK(memcmp(stored, name, 306) == 0);
	fm_section_close(s);
	free(name);
}

/* A name fills one file name exactly (255 bytes) or goes to a hash. */
static void names_at_name_max(void)
{
	char file[NAME_MAX + 1], *name;

	name = long_name("b", NAME_MAX);
	stored_as(name, file, sizeof(file));
	CHECK_STR_EQ(file, name + 6);
	free(name);
	name = long_name("b", NAME_MAX + 1);
	stored_as(name, file, sizeof(file));
	CHECK(strncmp(file, ".h-", 3) == 0);
	free(name);
	name = long_name("%", NAME_MAX / 3); /* 85 escapes: 255 bytes */
	stored_as(name, file, sizeof(file));
	CHECK_INT_EQ(strlen(file), NAME_MAX);
	free(name);
	name = long_name("%", NAME_MAX / 3 + 1);
	stored_as(name, file, sizeof(file));
	CHECK(strncmp(file, ".h-", 3) == 0);
	free(name);
}

/* Opens the name given and says what its view holds. */
static int open_read_main(int argc, char **argv)
{
	fm_section *s;
	void *view;
	int r;

	if (argc < 1)
		return 2;
	r = fm_section_open(&s, argv[0], FM_READ);
	if (r < 0) {
		test_say("%s", fm_last_error_message());
		return 1;
	}
	r = fm_view_map(&view, s, 0, 0, FM_READ);
	test_say("%s", r == 0 ? (char *)view : fm_last_error_message());
	fm_section_close(s);
	return r == 0 ? 0 : 1;
}

static void names_longest(void)
{
	char *name = long_name("n", 32767);

	create_read_elsewhere(name, "under the longest name");
	free(name);
}

/* Names of count units each: the limit counts UTF-16 units. */
static void check_length(const char *unit, size_t count, int expected)
{
	char *name = long_name(unit, count);
	fm_section *s;

	CHECK_RC(fm_section_create(&s, name, 4096, NULL), expected);
	if (expected == 0)
		fm_section_close(s);
	else
		CHECK_RC(fm_section_open(&s, name, FM_READ), expected);
	free(name);
}

static void names_too_long(void)
{
	check_length("n", 32768, -ENAMETOOLONG);
	check_length("\xc3\xa9", 32767, 0); /* U+00E9: one unit, two bytes */
	check_length("\xc3\xa9", 32768, -ENAMETOOLONG);
	check_length("\xf0\x9f\x98\x80", 16383, 0); /* U+1F600: two units */
	check_length("\xf0\x9f\x98\x80", 16384, -ENAMETOOLONG);
}

static const struct test_case cases[] = {
	TEST_CASE(global_default_mode_denies_others),
	TEST_CASE(global_mode_0666_shared),
	TEST_CASE(local_private_per_user),
	TEST_CASE(local_private_after_uid_switch),
	TEST_CASE(read_only_section),
	TEST_CASE(modes_ignore_umask),
	TEST_CASE(global_orphan_of_nobody),
	TEST_CASE(global_orphan_of_root),
	TEST_CASE(global_last_close_by_other_user),
	TEST_CASE(hostile_local_owner),
	TEST_CASE(hostile_local_symlink),
	TEST_CASE(hostile_local_mode),
	TEST_CASE(hostile_global_mode),
	TEST_CASE(hostile_global_file),
	TEST_CASE(hostile_root_symlink),
	TEST_CASE(hostile_root_owner),
	TEST_CASE(hostile_root_file),
	TEST_CASE(store_removed_create),
	TEST_CASE(store_removed_open),
	TEST_CASE(store_removed_adopt),
	TEST_CASE(store_removed_hostile),
	TEST_CASE(object_symlink),
	TEST_CASE(object_fifo),
	TEST_CASE(object_fifo_locked),
	TEST_CASE(object_fifo_at_released_name),
	TEST_CASE(object_directory),
	TEST_CASE(object_socket),
	TEST_CASE(object_planted_sound),
	TEST_CASE(object_garbage),
	TEST_CASE(object_short),
	TEST_CASE(object_truncated),
	TEST_CASE(object_size_mismatch),
	TEST_CASE(object_other_name),
	TEST_CASE(store_full_enospc),
	TEST_CASE(names_escaped),
	TEST_CASE(names_hashed),
	TEST_CASE(names_at_name_max),
	TEST_CASE(names_longest),
	TEST_CASE(names_too_long),
};

static const struct test_helper helpers[] = {
	{ "as_nobody", as_nobody_main },
	{ "open_read", open_read_main },
	{ "hold", hold_main },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
