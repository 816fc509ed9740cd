/* SPDX-License-Identifier: MIT */
/*
 * test-list.c - fm_store_list: listing the store as a program.
 *
 * A store with one object of each type (and a sparse section, a section
 * over a file, a Global\ one) is listed and every field of each object
 * checked; then the holders (another process, one that died: an orphan),
 * the filters (glob, namespace, type, one name), corrupt and unreadable
 * objects (another user's, as uid 65534), shared objects (their mode and
 * state from their header and segment), a squatted and an unsafe
 * directory and a descriptor limit in the middle of a listing (each
 * reported once, for what it is, and the rest still listed), objects that
 * vanish while the listing runs, and the argument checks and struct
 * versions.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "internal.h"
#include "sync.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NOBODY 65534
#define MAX_LISTED 64

/* One listing's objects, copied out of the listing (its strings live only
 * until the next call). */
struct listed {
	struct fm_object_info info;
	char name[1024], path[1024], backing[512], problem[128];
	int32_t holders[8];
};

static struct listed listed[MAX_LISTED];

static void copy_text(char *to, size_t len, const char *from)
{
	snprintf(to, len, "%s", from ? from : "(null)");
}

/* Lists the store with opts into listed[]; returns how many.  Every
 * failure fails the case. */
static size_t list(const struct fm_list_opts *opts)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	fm_store_list *l;
	size_t n = 0;
	int r;

	CHECK_OK(fm_store_list_open(&l, opts));
	while ((r = fm_store_list_next(l, &o)) == 1) {
		struct listed *x = &listed[n++];

		CHECK(n <= MAX_LISTED);
		x->info = o;
		copy_text(x->name, sizeof(x->name), o.name);
		copy_text(x->path, sizeof(x->path), o.path);
		copy_text(x->backing, sizeof(x->backing), o.backing);
		copy_text(x->problem, sizeof(x->problem), o.problem);
		CHECK(o.holder_count <= 8);
		if (o.holder_count)
			memcpy(x->holders, o.holders, o.holder_count * sizeof(int32_t));
	}
	CHECK_RC(r, 0);
	CHECK_RC(fm_store_list_next(l, &o), 0); /* and every call after the end */
	fm_store_list_close(l);
	return n;
}

static size_t list_all(void)
{
	return list(NULL);
}

/* The listed object of this full name; fails the case if absent. */
static const struct listed *find(const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(listed[i].name, name) == 0)
			return &listed[i];
	FAIL("%s is not listed", name);
}

static bool has(const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(listed[i].name, name) == 0)
			return true;
	return false;
}

static const char *store_path(const char *dir, const char *file)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s/%s", test_root(), dir, file);
	return buf;
}

static const char *local_dir(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "local-%u", (unsigned)geteuid());
	return buf;
}

/* What every sound object of this process shows. */
static void check_common(const struct listed *x, unsigned ns, int type, uint32_t mode)
{
	time_t now = time(NULL);

	CHECK_INT_EQ(x->info.ns, ns);
	CHECK_INT_EQ(x->info.type, type);
	CHECK_INT_EQ(x->info.status, 0);
	CHECK_STR_EQ(x->problem, "(null)");
	CHECK_INT_EQ(x->info.mode, mode);
	CHECK_INT_EQ(x->info.uid, geteuid());
	CHECK_INT_EQ(x->info.gid, getegid());
	CHECK_INT_EQ(x->info.header_size, fm_page_size());
	CHECK_INT_EQ(x->info.creator_uid, geteuid());
	CHECK_INT_EQ(x->info.creator_pid, getpid());
	CHECK(x->info.created_sec <= now && x->info.created_sec > now - 60);
	CHECK(x->info.created_nsec < 1000000000u);
	CHECK_INT_EQ(x->info.holders_known, 1);
	CHECK_INT_EQ(x->info.holder_count, 1);
	CHECK_INT_EQ(x->holders[0], getpid());
}

/* ------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------ */

static void empty_store_lists_nothing(void)
{
	struct stat st;

	CHECK_INT_EQ(list_all(), 0);
	/* Nothing was made to list it. */
	CHECK(stat(test_root(), &st) < 0 && errno == ENOENT);
}

static void every_type_and_field(void)
{
	struct fm_section_opts sopts = FM_SECTION_OPTS_INIT, ropts = FM_SECTION_OPTS_INIT;
	struct fm_section_opts fopts = FM_SECTION_OPTS_INIT;
	struct fm_sync_opts mopts = FM_SYNC_OPTS_INIT;
	fm_section *sec, *sparse, *global, *file;
	fm_sync *mutex, *event, *sem;
	char data[256];
	const struct listed *x;
	struct stat st;
	size_t n;
	int fd;

	sopts.mode = 0640;
	sopts.access = FM_READ | FM_WRITE | FM_EXEC;
	CHECK_OK(fm_section_create(&sec, "Local\\plain", 4097, &sopts));
	ropts.flags = FM_SECTION_RESERVE;
	ropts.access = FM_READ;
	CHECK_OK(fm_section_create(&sparse, "sparse", 1u << 20, &ropts));
	CHECK_OK(fm_section_create(&global, "Global\\shared", 100, NULL));
	snprintf(data, sizeof(data), "%s.data", test_root());
	fd = open(data, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10 && fstat(fd, &st) == 0);
	fopts.fd = fd;
	CHECK_OK(fm_section_create(&file, "Local\\over a file", 0, &fopts));
	close(fd);
	mopts.mode = 0660;
	CHECK_OK(fm_mutex_create(&mutex, "Local\\m", 1, &mopts));
	CHECK_OK(fm_mutex_lock(mutex, 0)); /* twice over */
	CHECK_OK(fm_event_create(&event, "Global\\e", FM_EVENT_MANUAL_RESET | FM_EVENT_SIGNALED,
				 NULL));
	CHECK_OK(fm_semaphore_create(&sem, "Local\\s", 2, 5, NULL));

	n = list_all();
	CHECK_INT_EQ(n, 7);

	x = find("Local\\plain", n);
	check_common(x, FM_NAMESPACE_LOCAL, FM_TYPE_SECTION, 0640);
	CHECK_STR_EQ(x->path, store_path(local_dir(), "plain"));
	CHECK_INT_EQ(x->info.section_size, 4097);
	CHECK_INT_EQ(x->info.max_access, FM_READ | FM_WRITE | FM_EXEC);
	CHECK_INT_EQ(x->info.flags, 0);
	CHECK_INT_EQ(x->info.backing_state, FM_BACKING_STORE);
	CHECK_STR_EQ(x->backing, "(null)");
	CHECK_INT_EQ(x->info.sync.type, 0);
	CHECK_INT_EQ(x->info.waiters, -1);

	x = find("Local\\sparse", n);
	check_common(x, FM_NAMESPACE_LOCAL, FM_TYPE_SECTION, 0400); /* no write bits */
	CHECK_INT_EQ(x->info.section_size, 1u << 20);
	CHECK_INT_EQ(x->info.max_access, FM_READ);
	CHECK_INT_EQ(x->info.flags, FM_OBJECT_RESERVE);

	x = find("Global\\shared", n);
	check_common(x, FM_NAMESPACE_GLOBAL, FM_TYPE_SECTION, 0600);
	CHECK_STR_EQ(x->path, store_path("global", "shared"));

	x = find("Local\\over a file", n);
	check_common(x, FM_NAMESPACE_LOCAL, FM_TYPE_SECTION, 0600);
	CHECK_INT_EQ(x->info.flags, FM_OBJECT_FILE);
	CHECK_INT_EQ(x->info.section_size, 10);
	CHECK_STR_EQ(x->backing, data);
	CHECK_INT_EQ(x->info.backing_state, FM_BACKING_PRESENT);
	CHECK_INT_EQ(x->info.backing_dev, st.st_dev);
	CHECK_INT_EQ(x->info.backing_ino, st.st_ino);
	CHECK_INT_EQ(x->info.backing_file_size, 10);

	x = find("Local\\m", n);
	check_common(x, FM_NAMESPACE_LOCAL, FM_TYPE_MUTEX, 0660);
	CHECK_INT_EQ(x->info.section_size, 0);
	CHECK_INT_EQ(x->info.sync.type, FM_TYPE_MUTEX);
	CHECK_INT_EQ(x->info.sync.owner_pid, getpid());
	CHECK_INT_EQ(x->info.sync.owner_tid, gettid());
	CHECK_INT_EQ(x->info.sync.recursion, 2);
	CHECK_INT_EQ(x->info.sync.signaled, 0);
	CHECK_INT_EQ(x->info.waiters, 0);

	x = find("Global\\e", n);
	check_common(x, FM_NAMESPACE_GLOBAL, FM_TYPE_EVENT, 0600);
	CHECK_INT_EQ(x->info.sync.type, FM_TYPE_EVENT);
	CHECK_INT_EQ(x->info.sync.signaled, 1);
	CHECK_INT_EQ(x->info.sync.manual_reset, 1);
	CHECK_INT_EQ(x->info.waiters, 0);

	x = find("Local\\s", n);
	check_common(x, FM_NAMESPACE_LOCAL, FM_TYPE_SEMAPHORE, 0600);
	CHECK_INT_EQ(x->info.sync.count, 2);
	CHECK_INT_EQ(x->info.sync.maximum, 5);

	/* A file shortened under the name is what openers will refuse. */
	CHECK(truncate(data, 5) == 0);
	n = list_all();
	x = find("Local\\over a file", n);
	CHECK_INT_EQ(x->info.backing_state, FM_BACKING_TRUNCATED);
	CHECK_INT_EQ(x->info.backing_file_size, 5);
	CHECK(unlink(data) == 0);
	x = find("Local\\over a file", list_all());
	CHECK_INT_EQ(x->info.backing_state, FM_BACKING_MISSING);
	CHECK_INT_EQ(x->info.backing_file_size, 0);

	fm_mutex_unlock(mutex);
	fm_mutex_unlock(mutex);
	fm_sync_close(mutex);
	fm_sync_close(event);
	fm_sync_close(sem);
	fm_section_close(sec);
	fm_section_close(sparse);
	fm_section_close(global);
	fm_section_close(file);
	CHECK_INT_EQ(list_all(), 0);
}

static int hold_main(int argc, char **argv)
{
	fm_section *s;

	if (argc < 1)
		return 2;
	CHECK_RC(fm_section_create(&s, argv[0], 4096, NULL), argc > 1 ? FM_EXISTED : 0);
	test_say("ready");
	for (;;)
		pause();
}

static void holders_and_orphans(void)
{
	const struct listed *x;
	fm_section *s;
	pid_t other;
	char line[16];
	int out;

	CHECK_OK(fm_section_create(&s, "Local\\shared", 4096, NULL));
	other = test_spawn("hold", &out, "Local\\shared", "existed", NULL);
	test_expect_line(out, "ready");
	x = find("Local\\shared", list_all());
	CHECK_INT_EQ(x->info.holder_count, 2);
	/* Ascending, each once. */
	CHECK_INT_EQ(x->holders[0], getpid() < other ? getpid() : other);
	CHECK_INT_EQ(x->holders[1], getpid() < other ? other : getpid());

	fm_section_close(s);
	x = find("Local\\shared", list_all());
	CHECK_INT_EQ(x->info.holder_count, 1);
	CHECK_INT_EQ(x->holders[0], other);

	/* Killed, it leaves an orphan: listed, held by nobody, not removed. */
	kill(other, SIGKILL);
	CHECK_INT_EQ(test_wait(other), 128 + SIGKILL);
	CHECK(!test_read_line(out, line, sizeof(line)));
	close(out);
	x = find("Local\\shared", list_all());
	CHECK_INT_EQ(x->info.holders_known, 1);
	CHECK_INT_EQ(x->info.holder_count, 0);
	CHECK(x->info.holders == NULL);
	CHECK_INT_EQ(test_store_count(), 1);
	/* Opening it treats it as absent, and removes it. */
	test_expect_gone("Local\\shared");
}

static void without_holders(void)
{
	struct fm_list_opts opts = FM_LIST_OPTS_INIT;
	const struct listed *x;
	fm_section *s;

	CHECK_OK(fm_section_create(&s, "x", 4096, NULL));
	opts.flags = FM_LIST_NO_HOLDERS;
	x = find("Local\\x", list(&opts));
	CHECK_INT_EQ(x->info.holders_known, 0);
	CHECK_INT_EQ(x->info.holder_count, 0);
	fm_section_close(s);
}

static size_t list_filtered(const char *pattern, unsigned namespaces, int type, const char *name)
{
	struct fm_list_opts opts = FM_LIST_OPTS_INIT;

	opts.pattern = pattern;
	opts.namespaces = namespaces;
	opts.type = type;
	opts.name = name;
	return list(&opts);
}

static void filters(void)
{
	static const char *const names[] = { "Local\\job.1", "Local\\job.2", "Local\\other",
					     "Global\\job.3", "Global\\*star" };
	char hashed[400] = "Local\\job.long.";
	fm_section *s[6];
	fm_sync *m;
	size_t n;

	for (size_t i = 0; i < 5; i++)
		CHECK_OK(fm_section_create(&s[i], names[i], 64, NULL));
	memset(hashed + strlen(hashed), 'x', 300);
	CHECK_OK(fm_section_create(&s[5], hashed, 64, NULL));
	CHECK_OK(fm_mutex_create(&m, "Local\\job.lock", 0, NULL));

	n = list_filtered("job.*", 0, 0, NULL);
	CHECK_INT_EQ(n, 5); /* job.1, job.2, job.3, job.lock and the hashed one */
	CHECK(has(hashed, n) && !has("Local\\other", n));
	CHECK_INT_EQ(list_filtered("job.?", 0, 0, NULL), 3);
	CHECK_INT_EQ(list_filtered("Global\\job.*", 0, 0, NULL), 1);
	CHECK_INT_EQ(list_filtered("Local\\job.*", FM_NAMESPACE_GLOBAL, 0, NULL), 0);
	CHECK_INT_EQ(list_filtered("\\*star", 0, 0, NULL), 1); /* \ quotes, as in fnmatch */
	CHECK_INT_EQ(list_filtered("*", FM_NAMESPACE_GLOBAL, 0, NULL), 2);
	CHECK_INT_EQ(list_filtered(NULL, FM_NAMESPACE_LOCAL, 0, NULL), 5);
	n = list_filtered(NULL, 0, FM_TYPE_MUTEX, NULL);
	CHECK_INT_EQ(n, 1);
	CHECK_STR_EQ(listed[0].name, "Local\\job.lock");
	CHECK_INT_EQ(list_filtered("job.*", 0, FM_TYPE_SECTION, NULL), 4);

	/* One name: found without reading the directory. */
	n = list_filtered(NULL, 0, 0, "job.1");
	CHECK_INT_EQ(n, 1);
	CHECK_STR_EQ(listed[0].name, "Local\\job.1");
	CHECK_INT_EQ(list_filtered(NULL, 0, 0, hashed), 1);
	CHECK_INT_EQ(list_filtered(NULL, 0, 0, "Local\\absent"), 0);
	CHECK_INT_EQ(list_filtered(NULL, FM_NAMESPACE_GLOBAL, 0, "job.1"), 0);
	CHECK_INT_EQ(list_filtered(NULL, 0, FM_TYPE_MUTEX, "job.1"), 0);

	for (size_t i = 0; i < 6; i++)
		fm_section_close(s[i]);
	fm_sync_close(m);
}

static void corrupt_objects(void)
{
	char path[512];
	const struct listed *x;
	fm_sync *sem;
	size_t n;
	int fd;

	CHECK_OK(fm_semaphore_create(&sem, "Local\\sem", 1, 3, NULL));
	snprintf(path, sizeof(path), "%s", store_path(local_dir(), "junk"));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && write(fd, "not an object", 13) == 13);
	close(fd);
	/* The semaphore's count above its maximum, written in its state page. */
	snprintf(path, sizeof(path), "%s", store_path(local_dir(), "sem"));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0 && pwrite(fd, &(uint32_t){ 99 }, 4,
			       (off_t)(sem->obj.hdr.header_size +
				       fm__sync_state_offset(sem->type, sem->obj.ino) +
				       offsetof(struct fm__counter_state, word))) == 4);
	close(fd);

	n = list_all();
	CHECK_INT_EQ(n, 2);
	x = find("Local\\junk", n);
	CHECK_INT_EQ(x->info.status, FM_ECORRUPT);
	CHECK_INT_EQ(x->info.type, 0);
	CHECK_STR_EQ(x->problem, "truncated header");
	x = find("Local\\sem", n);
	CHECK_INT_EQ(x->info.status, FM_ECORRUPT);
	CHECK_INT_EQ(x->info.type, FM_TYPE_SEMAPHORE);
	CHECK_STR_EQ(x->problem, "corrupt semaphore state: count above the maximum");
	CHECK_INT_EQ(x->info.sync.type, 0);
	CHECK_INT_EQ(x->info.holder_count, 1);
	fm_sync_close(sem);
	CHECK(unlink(store_path(local_dir(), "junk")) == 0);
	CHECK(unlink(store_path(local_dir(), "sem")) == 0 || errno == ENOENT);
}

static void become_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		FAIL("cannot become uid %d: %s", NOBODY, strerror(errno));
}

/* As 65534: root's 0600 objects are listed, but not read. */
static int nobody_lists(void *arg)
{
	const char *hashed = arg;
	const struct listed *x;
	size_t n;

	become_nobody();
	n = list_all();
	CHECK_INT_EQ(n, 3);
	x = find("Global\\secret", n);
	CHECK_INT_EQ(x->info.status, -EACCES);
	CHECK_STR_EQ(x->problem, "permission denied by the object's mode");
	CHECK_INT_EQ(x->info.type, 0);
	CHECK_INT_EQ(x->info.section_size, 0);
	CHECK_INT_EQ(x->info.mode, 0600);
	CHECK_INT_EQ(x->info.uid, 0);
	/* Root's holder is seen through /proc/locks; this child, forked from
	 * it, holds the object too. */
	CHECK_INT_EQ(x->info.holders_known, 1);
	CHECK_INT_EQ(x->info.holder_count, 2);
	CHECK_INT_EQ(x->holders[0], getppid() < getpid() ? getppid() : getpid());
	CHECK_INT_EQ(x->holders[1], getppid() < getpid() ? getpid() : getppid());
	x = find("Global\\readable", n);
	CHECK_INT_EQ(x->info.status, 0);
	CHECK_INT_EQ(x->info.section_size, 100);
	/* A hashed name cannot be read from an unreadable object. */
	CHECK(!has(hashed, n) && has("(null)", n));
	x = find("(null)", n);
	CHECK(strstr(x->path, "/global/.h-") != NULL);
	/* ... but it is still found by a pattern, on its file name. */
	CHECK_INT_EQ(list_filtered(".h-*", 0, 0, NULL), 1);
	return 0;
}

static void other_users_objects(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	char hashed[400] = "Global\\";
	fm_section *secret, *readable, *long_one;

	if (geteuid() != 0)
		SKIP("needs root to switch to uid 65534");
	memset(hashed + 7, 'h', 300);
	CHECK_OK(fm_section_create(&secret, "Global\\secret", 100, NULL));
	CHECK_OK(fm_section_create(&long_one, hashed, 100, NULL));
	opts.mode = 0644;
	CHECK_OK(fm_section_create(&readable, "Global\\readable", 100, &opts));
	CHECK_INT_EQ(test_in_child(nobody_lists, hashed), 0);
	fm_section_close(secret);
	fm_section_close(long_one);
	fm_section_close(readable);
}

static int nobody_holds_main(int argc, char **argv)
{
	become_nobody();
	return hold_main(argc, argv);
}

static void root_sees_every_user(void)
{
	const struct listed *x;
	fm_section *s;
	pid_t other;
	size_t n;
	int out;

	if (geteuid() != 0)
		SKIP("needs root to switch to uid 65534");
	/* The root, which 65534 may not make in the case's directory. */
	CHECK_OK(fm_section_create(&s, "Local\\mine", 64, NULL));
	other = test_spawn("nobody_holds", &out, "Local\\theirs", NULL);
	test_expect_line(out, "ready");
	n = list_all();
	CHECK_INT_EQ(n, 2);
	x = find("Local\\theirs", n);
	CHECK_INT_EQ(x->info.uid, NOBODY);
	CHECK_INT_EQ(x->holders[0], other);
	CHECK(strstr(x->path, "/local-65534/theirs") != NULL);
	/* One name is the caller's own: root's Local\theirs is another. */
	CHECK_INT_EQ(list_filtered(NULL, 0, 0, "Local\\theirs"), 0);
	kill(other, SIGTERM);
	test_wait(other);
	close(out);
	test_expect_gone("Local\\theirs"); /* root's: absent */
	fm_section_close(s);
	/* 65534's orphan, removed by hand for the harness's check. */
	CHECK(unlink(store_path("local-65534", "theirs")) == 0);
}

/*
 * Lists the store, which must hold the one object name and one unsafe
 * store directory, reported once (FM_ESTORE) with why in its message,
 * while the rest is still listed.
 */
static void expect_one_unsafe(const char *name, const char *why)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	fm_store_list *l;
	int r, ok = 0, failed = 0;

	CHECK_OK(fm_store_list_open(&l, NULL));
	while ((r = fm_store_list_next(l, &o)) != 0) {
		if (r == 1) {
			CHECK_STR_EQ(o.name, name);
			ok++;
			continue;
		}
		CHECK_RC(r, FM_ESTORE);
		CHECK(strstr(fm_last_error_message(), "store directory") != NULL);
		CHECK(strstr(fm_last_error_message(), why) != NULL);
		failed++;
	}
	fm_store_list_close(l);
	CHECK_INT_EQ(ok, 1);
	CHECK_INT_EQ(failed, 1);
}

/*
 * A Global\ object other users may open keeps its data in a SysV segment:
 * its mode is the header's (its store file is its owner's alone to
 * write), and a sync object's state is read from the segment.
 */
static void shared_objects(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	struct fm_sync_opts sopts = FM_SYNC_OPTS_INIT;
	const struct listed *x;
	fm_section *sec;
	fm_sync *sem;
	struct stat st;
	size_t n;

	opts.mode = 0666;
	sopts.mode = 0664;
	CHECK_OK(fm_section_create(&sec, "Global\\shared", 100, &opts));
	CHECK_OK(fm_semaphore_create(&sem, "Global\\sem", 2, 5, &sopts));
	CHECK_OK(fm_semaphore_release(sem, 1, NULL));
	n = list_all();
	CHECK_INT_EQ(n, 2);
	x = find("Global\\shared", n);
	check_common(x, FM_NAMESPACE_GLOBAL, FM_TYPE_SECTION, 0666);
	CHECK_INT_EQ(x->info.section_size, 100);
	x = find("Global\\sem", n);
	check_common(x, FM_NAMESPACE_GLOBAL, FM_TYPE_SEMAPHORE, 0664);
	CHECK_INT_EQ(x->info.sync.type, FM_TYPE_SEMAPHORE);
	CHECK_INT_EQ(x->info.sync.count, 3);
	CHECK_INT_EQ(x->info.sync.maximum, 5);
	CHECK_INT_EQ(x->info.waiters, 0);
	CHECK(stat(store_path("global", "sem"), &st) == 0);
	CHECK_INT_EQ(st.st_mode & 07777, 0644);
	fm_sync_close(sem);
	fm_section_close(sec);
}

/* As 65534, whose local-65534 uid 65535 made first: the listing says the
 * directory is unsafe and whose it is, not merely that it cannot be read. */
static int nobody_meets_squat(void *arg)
{
	(void)arg;
	become_nobody();
	expect_one_unsafe("Global\\fine", "/local-65534 belongs to uid 65535");
	return 0;
}

static void squatted_directory_names_its_owner(void)
{
	fm_section *s;

	if (geteuid() != 0)
		SKIP("needs root to switch to uids 65534 and 65535");
	CHECK_OK(fm_section_create(&s, "Global\\fine", 64, NULL));
	CHECK(mkdir(store_path("local-65534", ""), 0700) == 0);
	CHECK(chown(store_path("local-65534", ""), 65535, 65535) == 0);
	CHECK_INT_EQ(test_in_child(nobody_meets_squat, NULL), 0);
	CHECK(rmdir(store_path("local-65534", "")) == 0);
	fm_section_close(s);
}

static void unsafe_directory_is_reported_once(void)
{
	fm_section *s;

	CHECK_OK(fm_section_create(&s, "Local\\fine", 64, NULL));
	CHECK(mkdir(store_path("global", ""), 0700) == 0 || errno == EEXIST);
	CHECK(chmod(store_path("global", ""), 0755) == 0);
	expect_one_unsafe("Local\\fine", "/global does not have mode 1777");
	CHECK(rmdir(store_path("global", "")) == 0);
	fm_section_close(s);
}

/* Descriptors taken to reach the limit. */
struct taken {
	int fd[64];
	int n;
};

/* Takes every free descriptor but spare. */
static void exhaust_descriptors(struct taken *t, int spare)
{
	int fd;

	t->n = 0;
	while (t->n < 64 && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		t->fd[t->n++] = fd;
	CHECK_INT_EQ(errno, EMFILE);
	while (spare-- > 0 && t->n > 0)
		close(t->fd[--t->n]);
}

static void give_back(struct taken *t)
{
	while (t->n > 0)
		close(t->fd[--t->n]);
}

static void descriptor_limit_is_said(void)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	struct rlimit rl = { 64, 64 };
	/* What a walk keeps open: the root, the namespace directory, and for
	 * root the root read again for every user's local-<uid>. */
	int walk_fds = geteuid() == 0 ? 3 : 2;
	struct taken t;
	fm_store_list *l;
	fm_section *a, *b;

	CHECK_OK(fm_section_create(&a, "Local\\a", 64, NULL));
	CHECK_OK(fm_section_create(&b, "Local\\b", 64, NULL));
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);

	/* The store's directories cannot be opened: that is what is said,
	 * not that they are unsafe. */
	CHECK_OK(fm_store_list_open(&l, NULL));
	exhaust_descriptors(&t, 0);
	CHECK_RC(fm_store_list_next(l, &o), -EMFILE);
	CHECK(strstr(fm_last_error_message(), "cannot open store directory") != NULL);
	CHECK(strstr(fm_last_error_message(), "too many open files") != NULL);
	CHECK(strstr(fm_last_error_message(), "unsafe") == NULL);
	give_back(&t);
	fm_store_list_close(l);

	/* An object that cannot be opened is skipped with -EMFILE, and the
	 * listing goes on once descriptors are free again. */
	CHECK_OK(fm_store_list_open(&l, NULL));
	exhaust_descriptors(&t, walk_fds);
	CHECK_RC(fm_store_list_next(l, &o), -EMFILE);
	CHECK(strstr(fm_last_error_message(), "cannot look at") != NULL);
	CHECK(strstr(fm_last_error_message(), "too many open files") != NULL);
	give_back(&t);
	CHECK_RC(fm_store_list_next(l, &o), 1);
	CHECK_RC(fm_store_list_next(l, &o), 0);
	fm_store_list_close(l);
	fm_section_close(a);
	fm_section_close(b);
}

/*
 * An object removed before the listing looks at it is skipped, without a
 * failure.  The listing looks at most FM__AHEAD_SLOTS entries ahead of
 * what it hands out: of these, those already looked at are reported.
 */
static void vanishing_objects_are_skipped(void)
{
	enum { COUNT = 3 * FM__AHEAD_SLOTS };
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	static fm_section *s[COUNT];
	fm_store_list *l;
	char name[32];
	int r, seen = 0;

	for (int i = 0; i < COUNT; i++) {
		snprintf(name, sizeof(name), "Local\\v%d", i);
		CHECK_OK(fm_section_create(&s[i], name, 64, NULL));
	}
	CHECK_OK(fm_store_list_open(&l, NULL));
	CHECK_RC(fm_store_list_next(l, &o), 1);
	/* The rest go while the listing reads the directory. */
	for (int i = 0; i < COUNT; i++) {
		if (strcmp(o.name, fm_section_name(s[i])) != 0) {
			fm_section_close(s[i]);
			s[i] = NULL;
		}
	}
	while ((r = fm_store_list_next(l, &o)) == 1) {
		CHECK_RC(o.status, 0);
		seen++;
	}
	CHECK_RC(r, 0);
	fm_store_list_close(l);
	CHECK(seen < FM__AHEAD_SLOTS);
	for (int i = 0; i < COUNT; i++)
		fm_section_close(s[i]);
}

/* The names of the store's local directory, in its order, as readdir
 * gives them; returns how many (at most max). */
static size_t directory_order(char (*names)[NAME_MAX + 1], size_t max)
{
	DIR *d = opendir(store_path(local_dir(), ""));
	struct dirent *de;
	size_t n = 0;

	CHECK(d != NULL);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		CHECK(n < max);
		snprintf(names[n++], NAME_MAX + 1, "%s", de->d_name);
	}
	closedir(d);
	return n;
}

enum { MANY = 5 * FM__AHEAD_SLOTS / 2 };
static fm_section *many[MANY];
static char order[MANY][NAME_MAX + 1];

static void create_many(void)
{
	char name[32];

	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "Local\\m%d", i);
		CHECK_OK(fm_section_create(&many[i], name, 64, NULL));
	}
	CHECK_INT_EQ(directory_order(order, MANY), MANY);
}

static void close_many(void)
{
	for (int i = 0; i < MANY; i++)
		fm_section_close(many[i]);
}

/* A listing of order[], its first object handed out, and who holds them. */
struct rest {
	fm_store_list *l;
	pid_t holder;
};

/* Lists the rest of a listing, checking it against order[]. */
static int list_rest(void *arg)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	struct rest *rest = arg;
	fm_store_list *l = rest->l;
	size_t at = 1;
	int r;

	while ((r = fm_store_list_next(l, &o)) == 1) {
		CHECK(at < MANY);
		CHECK_STR_EQ(strrchr(o.path, '/') + 1, order[at]);
		CHECK_INT_EQ(o.holder_count, 1);
		CHECK_INT_EQ(o.holders[0], rest->holder);
		at++;
	}
	CHECK_RC(r, 0);
	CHECK_INT_EQ(at, MANY);
	fm_store_list_close(l);
	return 0;
}

/* Opens a listing of order[] and takes its first object. */
static void list_first(struct rest *rest)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;

	rest->holder = getpid();
	CHECK_OK(fm_store_list_open(&rest->l, NULL));
	CHECK_RC(fm_store_list_next(rest->l, &o), 1);
	CHECK_STR_EQ(strrchr(o.path, '/') + 1, order[0]);
}

/* Objects are looked at ahead, in two threads, and handed out in the
 * directory's order all the same, each with its own holders. */
static void order_is_the_directory_order(void)
{
	struct rest rest;

	create_many();
	for (int run = 0; run < 3; run++) {
		list_first(&rest);
		list_rest(&rest);
	}
	close_many();
}

/* Entries looked at ahead keep no store file open: a listing costs the
 * process a few descriptors, not a ring's worth. */
static void ahead_keeps_no_files_open(void)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	int before, most = 0, n = 0, r;
	fm_store_list *l;

	create_many();
	before = test_fd_count();
	CHECK_OK(fm_store_list_open(&l, NULL));
	while ((r = fm_store_list_next(l, &o)) == 1) {
		int now = test_fd_count();

		most = now > most ? now : most;
		n++;
	}
	CHECK_RC(r, 0);
	CHECK_INT_EQ(n, MANY);
	fm_store_list_close(l);
	CHECK(most - before <= 16);
	CHECK_INT_EQ(test_fd_count(), before);
	close_many();
}

/*
 * A child forked in the middle of a listing (while the helper thread looks
 * ahead) goes on with its copy to the same end as the parent, with no
 * helper of its own; neither waits for the other's thread.
 */
static void fork_in_the_middle(void)
{
	struct rest rest;

	SKIP_FORK_WITH_THREADS_UNDER_ASAN();
	create_many();
	/* Where the helper is at the fork differs from run to run; in some
	 * of 50 it has entries taken (without the care, the child waits for
	 * them forever). */
	for (int run = 0; run < 50; run++) {
		list_first(&rest);
		/* The holders were found at the open: the parent, in both. */
		CHECK_INT_EQ(test_in_child(list_rest, &rest), 0);
		list_rest(&rest);
	}
	close_many();
}

/* The threads of this process but the main one (a sanitizer may have
 * its own), into tids; returns how many. */
static int other_threads(pid_t *tids, int max)
{
	DIR *tasks = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	CHECK(tasks != NULL);
	while ((de = readdir(tasks)) != NULL)
		if (de->d_name[0] != '.' && atoi(de->d_name) != getpid() && n < max)
			tids[n++] = atoi(de->d_name);
	closedir(tasks);
	return n;
}

/* The signals thread tid blocks. */
static unsigned long long blocked_signals(pid_t tid)
{
	unsigned long long blocked = 0;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "re");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigBlk: %llx", &blocked) == 1)
			break;
	fclose(f);
	return blocked;
}

/* The helper thread takes no signal meant for the program. */
static void helper_blocks_signals(void)
{
	pid_t before[16], after[16];
	int nbefore, nafter, helpers = 0;
	unsigned long long blocked;
	struct rest rest;

	create_many();
	nbefore = other_threads(before, 16);
	list_first(&rest);
	nafter = other_threads(after, 16);
	for (int i = 0; i < nafter; i++) {
		bool old = false;

		for (int j = 0; j < nbefore; j++)
			old |= after[i] == before[j];
		if (old)
			continue;
		blocked = blocked_signals(after[i]);
		CHECK(blocked & (1ull << (SIGTERM - 1)));
		CHECK(blocked & (1ull << (SIGINT - 1)));
		CHECK(blocked & (1ull << (SIGCHLD - 1)));
		helpers++;
	}
	/* A helper on a machine with more than one CPU, else none (TSan
	 * starts a thread of its own with the first). */
	CHECK(sysconf(_SC_NPROCESSORS_ONLN) > 1 ? helpers >= 1 : helpers == 0);
	fm_store_list_close(rest.l);
	close_many();
}

static void arguments_and_versions(void)
{
	struct fm_list_opts opts = FM_LIST_OPTS_INIT;
	struct fm_object_info o = FM_OBJECT_INFO_INIT, old;
	fm_store_list *l;
	fm_section *s;

	CHECK_FAIL(fm_store_list_open(NULL, NULL), -EINVAL, "fm_store_list_open", NULL);
	opts.size = 0;
	CHECK_RC(fm_store_list_open(&l, &opts), -EINVAL);
	opts = (struct fm_list_opts)FM_LIST_OPTS_INIT;
	opts.namespaces = 4;
	CHECK_RC(fm_store_list_open(&l, &opts), -EINVAL);
	opts = (struct fm_list_opts)FM_LIST_OPTS_INIT;
	opts.type = 5;
	CHECK_RC(fm_store_list_open(&l, &opts), -EINVAL);
	opts = (struct fm_list_opts)FM_LIST_OPTS_INIT;
	opts.flags = 2;
	CHECK_RC(fm_store_list_open(&l, &opts), -EINVAL);
	opts = (struct fm_list_opts)FM_LIST_OPTS_INIT;
	opts.name = "local\\x";
	CHECK_FAIL(fm_store_list_open(&l, &opts), FM_ENAME, "fm_store_list_open", "local\\x");
	/* An older caller's options: the fields past its size are not read. */
	opts = (struct fm_list_opts)FM_LIST_OPTS_INIT;
	opts.size = offsetof(struct fm_list_opts, pattern);
	opts.pattern = "nothing matches this";
	CHECK_OK(fm_section_create(&s, "x", 64, NULL));
	CHECK_INT_EQ(list(&opts), 1);

	CHECK_OK(fm_store_list_open(&l, NULL));
	CHECK_RC(fm_store_list_next(NULL, &o), -EINVAL);
	CHECK_RC(fm_store_list_next(l, NULL), -EINVAL);
	o.size = 4;
	CHECK_RC(fm_store_list_next(l, &o), -EINVAL);
	/* An older caller's struct: only the fields that fit are written. */
	memset(&old, 0x5a, sizeof(old));
	old.size = offsetof(struct fm_object_info, holders_known);
	CHECK_RC(fm_store_list_next(l, &old), 1);
	CHECK_STR_EQ(old.name, "Local\\x");
	CHECK_INT_EQ(old.size, offsetof(struct fm_object_info, holders_known));
	CHECK_INT_EQ(old.holders_known, 0x5a5a5a5a);
	fm_store_list_close(l);
	fm_store_list_close(NULL);
	fm_section_close(s);
}

static const struct test_case cases[] = {
	TEST_CASE(empty_store_lists_nothing),
	TEST_CASE(every_type_and_field),
	TEST_CASE(holders_and_orphans),
	TEST_CASE(without_holders),
	TEST_CASE(filters),
	TEST_CASE(corrupt_objects),
	TEST_CASE(other_users_objects),
	TEST_CASE(root_sees_every_user),
	TEST_CASE(shared_objects),
	TEST_CASE(squatted_directory_names_its_owner),
	TEST_CASE(unsafe_directory_is_reported_once),
	TEST_CASE(descriptor_limit_is_said),
	TEST_CASE(vanishing_objects_are_skipped),
	TEST_CASE(order_is_the_directory_order),
	TEST_CASE(ahead_keeps_no_files_open),
	TEST_CASE(fork_in_the_middle),
	TEST_CASE(helper_blocks_signals),
	TEST_CASE(arguments_and_versions),
};

static const struct test_helper helpers[] = {
	{ "hold", hold_main },
	{ "nobody_holds", nobody_holds_main },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
