/* SPDX-License-Identifier: MIT */
/*
 * test-shm.c - objects other users may map (a Global\ name whose mode lets
 * group or others in), whose data is a SysV shared memory segment rather
 * than their store file: they behave as every section and sync object
 * does (views, duplicates, copy-on-write, fixed addresses, execute, fork,
 * exec, crashes; a mutex's private page right after its state page, and
 * its owner's death reported), nobody can shrink them, no segment outlives
 * its last user, a mutex kept owned after its last handle is never taken
 * for another object, and a process in another IPC namespace, or a machine
 * out of segments, gets a clear error.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "sync.h"

#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "Global\\shared"
#define PAGES 3

static size_t page(void)
{
	return fm_page_size();
}

static fm_section *create_shared(const char *name, unsigned access, unsigned flags)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	opts.mode = 0666;
	opts.access = access;
	opts.flags = flags;
	CHECK_OK(fm_section_create(&s, name, PAGES * page() + 5, &opts));
	return s;
}

/* The segment of a held section, from its header (internal). */
static int segment_of(fm_section *s, struct shmid_ds *ds)
{
	struct fm__header h;

	CHECK(pread(fm_section_fd(s), &h, sizeof(h), 0) == (ssize_t)sizeof(h));
	CHECK(h.flags & FM__HDR_SHM);
	CHECK(shmctl(h.shm_id, IPC_STAT, ds) == 0);
	return h.shm_id;
}

/* Whether a segment of that id still exists. */
static bool segment_exists(int id)
{
	struct shmid_ds ds;

	return shmctl(id, IPC_STAT, &ds) == 0;
}

/* ------------------------------------------------------------------------
 * Behaving like any section
 * ------------------------------------------------------------------------ */

/* Its store file is its header alone; the segment has the object's mode,
 * is marked for removal, and has one attachment a handle. */
static void data_in_a_segment(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *d;
	struct shmid_ds ds;
	struct stat st;
	int id;

	CHECK(fstat(fm_section_fd(s), &st) == 0);
	CHECK_INT_EQ(st.st_size, (off_t)page());
	CHECK_INT_EQ(st.st_mode & 07777, 0644);
	id = segment_of(s, &ds);
	CHECK_INT_EQ(ds.shm_perm.mode & 0777, 0666);
	CHECK(ds.shm_perm.mode & SHM_DEST);
	CHECK_INT_EQ(ds.shm_segsz, PAGES * page() + 5);
	CHECK_INT_EQ(ds.shm_nattch, 1);
	CHECK_OK(fm_section_dup(&d, s, 0));
	CHECK_INT_EQ(segment_of(d, &ds), id);
	CHECK_INT_EQ(ds.shm_nattch, 2);
	fm_section_close(d);
	fm_section_close(s);
	CHECK(!segment_exists(id));
	test_expect_gone(NAME);
}

/* Views share memory with every handle; an offset view; the last page's
 * tail reads zero; a view keeps the memory (not the name) after close. */
static void views_share_and_outlive(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *o;
	char *whole, *second, *other;
	struct shmid_ds ds;
	int id = segment_of(s, &ds);

	whole = test_map_whole(s, FM_WRITE);
	CHECK_OK(fm_view_map((void **)&second, s, page(), 0, FM_READ));
	CHECK_OK(fm_section_open(&o, NAME, FM_READ));
	other = test_map_whole(o, FM_READ);
	strcpy(whole + page(), "second page");
	CHECK_STR_EQ(second, "second page");
	CHECK_STR_EQ(other + page(), "second page");
	CHECK_INT_EQ(whole[PAGES * page() + 100], 0);
	fm_section_close(o);
	fm_section_close(s);
	test_expect_gone(NAME);
	CHECK(segment_exists(id));
	strcpy(whole, "still mine");
	CHECK_STR_EQ(other, "still mine");
	CHECK_OK(fm_view_unmap(whole));
	CHECK_OK(fm_view_unmap(second));
	CHECK_OK(fm_view_unmap(other));
	CHECK(!segment_exists(id));
}

/* A read-only view, even of a writable handle, can never be made writable;
 * a read-only section refuses write views. */
static void read_only_views_stay_so(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *r, *d;
	char *ro, *w;
	void *v;

	ro = test_map_whole(s, FM_READ);
	CHECK(mprotect(ro, page(), PROT_READ | PROT_WRITE) < 0);
	CHECK_OK(fm_section_dup(&d, s, FM_READ));
	w = test_map_whole(d, FM_READ);
	CHECK(mprotect(w, page(), PROT_READ | PROT_WRITE) < 0);
	CHECK_RC(fm_view_map(&v, d, 0, 0, FM_WRITE), -EACCES);
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(d);
	r = create_shared("Global\\ro", FM_READ, 0);
	CHECK_RC(fm_view_map(&v, r, 0, 0, FM_WRITE), -EACCES);
	w = test_map_whole(r, FM_READ);
	CHECK(mprotect(w, page(), PROT_READ | PROT_WRITE) < 0);
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(r);
	CHECK_OK(fm_view_unmap(ro));
	fm_section_close(s);
}

/* A copy-on-write view is private and never changes the section. */
static void copy_view_is_private(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	char *w = test_map_whole(s, FM_WRITE), *c;

	strcpy(w, "shared");
	c = test_map_whole(s, FM_COPY);
	CHECK_STR_EQ(c, "shared");
	strcpy(c, "mine");
	CHECK_STR_EQ(w, "shared");
	CHECK_OK(fm_view_unmap(c));
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

/* A view at a chosen address, never over a mapping there. */
static void view_at_fixed_address(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	size_t len = PAGES * page() + page();
	void *hole = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *v;
	char *w = test_map_whole(s, FM_WRITE);

	CHECK(hole != MAP_FAILED);
	CHECK_RC(fm_view_map_at(&v, s, 0, 0, FM_READ, hole), -EEXIST);
	munmap(hole, len);
	CHECK_OK(fm_view_map_at(&v, s, 0, 0, FM_READ, hole));
	CHECK(v == hole);
	strcpy(w, "fixed");
	CHECK_STR_EQ(v, "fixed");
	CHECK_OK(fm_view_unmap(v));
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

/* A child holds what its parent held, across fork. */
static int child_writes(void *view)
{
	strcpy(view, "from the child");
	return 0;
}

static void fork_shares(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	char *w = test_map_whole(s, FM_WRITE);

	CHECK_INT_EQ(test_in_child(child_writes, w), 0);
	CHECK_STR_EQ(w, "from the child");
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

/* The bytes of segment id in memory (/proc/sysvipc/shm's rss). */
static unsigned long long resident(int id)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	unsigned long long rss = 0;
	char line[512];
	int shmid;

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d %d %*o %*u %*d %*d %*u %*u %*u %*u %*u %*u %*u %*u %llu",
			   &shmid, &rss) == 2 && shmid == id)
			break;
	fclose(f);
	return rss;
}

/* A section's memory is taken at create, unless it is reserved: then each
 * page is taken when first touched. */
static void commit_and_reserve(void)
{
	fm_section *c = create_shared(NAME, FM_READ | FM_WRITE, 0);
	fm_section *r = create_shared("Global\\reserved", FM_READ | FM_WRITE, FM_SECTION_RESERVE);
	struct shmid_ds ds;
	char *w;

	CHECK_INT_EQ(resident(segment_of(c, &ds)), (PAGES + 1) * page());
	CHECK_INT_EQ(resident(segment_of(r, &ds)), 0);
	w = test_map_whole(r, FM_WRITE);
	w[page()] = 1;
	CHECK_INT_EQ(resident(segment_of(r, &ds)), page());
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(r);
	fm_section_close(c);
}

/* Sync objects too: their state page is the segment, of one page. */
static void sync_state_in_a_segment(void)
{
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	fm_sync *m, *other, *dup;
	struct stat st;

	opts.mode = 0660;
	CHECK_OK(fm_semaphore_create(&m, "Global\\sem", 2, 5, &opts));
	CHECK(fstat(fm_sync_fd(m), &st) == 0);
	CHECK_INT_EQ(st.st_size, (off_t)page());
	CHECK_OK(fm_semaphore_open(&other, "Global\\sem"));
	CHECK_OK(fm_sync_dup(&dup, other));
	CHECK_OK(fm_semaphore_wait(dup, 0));
	CHECK_OK(fm_semaphore_wait(m, 0));
	CHECK_RC(fm_semaphore_wait(other, 0), -ETIMEDOUT);
	CHECK_OK(fm_semaphore_release(m, 1, NULL));
	CHECK_OK(fm_semaphore_wait(other, 0));
	fm_sync_close(dup);
	fm_sync_close(other);
	fm_sync_close(m);
}

#define MUTEX "Global\\mutex"
#define LONG_WAIT (20ull * 1000000000)

static fm_sync *create_shared_mutex(const char *name)
{
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	fm_sync *m;

	opts.mode = 0666;
	CHECK_OK(fm_mutex_create(&m, name, 0, &opts));
	return m;
}

/* The line of /proc/self/maps of the mapping that holds addr. */
static void mapping_of(const void *addr, char *line, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long lo, hi;

	CHECK(f != NULL);
	while (fgets(line, (int)len, f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && (uintptr_t)addr >= lo &&
		    (uintptr_t)addr < hi) {
			fclose(f);
			return;
		}
	fclose(f);
	FAIL("no mapping holds %p", addr);
}

/* Helper: locks the shared mutex argv[0], says "locked", and waits to be
 * killed. */
static int mutex_owner(int argc, char **argv)
{
	fm_sync *m;

	CHECK(argc == 1);
	CHECK_OK(fm_mutex_open(&m, argv[0]));
	CHECK_OK(fm_mutex_lock(m, 0));
	test_say("locked");
	pause();
	return 0;
}

static void *lock_and_end(void *m)
{
	return (void *)(intptr_t)fm_mutex_lock(m, 0);
}

/*
 * A shared mutex's word is in its segment's page, and the process's
 * private page (its robust-list node) is mapped right after it; so the
 * kernel still reports its owner's death: a process killed, a thread that
 * ends.
 */
static void shared_mutex_owner_death(void)
{
	fm_sync *m = create_shared_mutex(MUTEX);
	const char *state = (const char *)((uintptr_t)m->word & ~(uintptr_t)(page() - 1));
	char line[512];
	pthread_t t;
	void *r;
	pid_t pid;
	int out;

	mapping_of(state, line, sizeof(line));
	CHECK(strstr(line, "SYSV") != NULL);
	CHECK(strstr(line, " rw-s ") != NULL);
	CHECK((const char *)m->local == state + page());
	mapping_of(m->local, line, sizeof(line));
	CHECK(strstr(line, " rw-p ") != NULL);

	pid = test_spawn("mutex_owner", &out, MUTEX, NULL);
	test_expect_line(out, "locked");
	kill(pid, SIGKILL);
	test_wait(pid);
	close(out);
	CHECK_RC(fm_mutex_lock(m, LONG_WAIT), FM_ABANDONED);
	CHECK_OK(fm_mutex_unlock(m));

	CHECK_INT_EQ(pthread_create(&t, NULL, lock_and_end, m), 0);
	CHECK_INT_EQ(pthread_join(t, &r), 0);
	CHECK_OK((int)(intptr_t)r);
	CHECK_RC(fm_mutex_lock(m, LONG_WAIT), FM_ABANDONED);
	CHECK_OK(fm_mutex_unlock(m));
	fm_sync_close(m);
}

static void *trylock_on_thread(void *m)
{
	int r = fm_mutex_trylock(m);

	if (r == 0)
		r = fm_mutex_unlock(m);
	return (void *)(intptr_t)r;
}

/* nftw's visit: removes what it is given. */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* In a child whose store is root: see owned_mapping_outlives_its_inode. */
static int reuse_inode(void *root)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;
	struct stat old, fresh;
	fm_sync *m, *two, *again;
	pthread_t t;
	void *r;

	CHECK(setenv("FILEMAP_ROOT", root, 1) == 0);
	m = create_shared_mutex("Global\\one");
	CHECK_OK(fm_mutex_lock(m, 0));
	CHECK(fstat(fm_sync_fd(m), &old) == 0);
	fm_sync_close(m); /* the last handle: the name goes, the mutex stays ours */

	two = create_shared_mutex("Global\\two");
	CHECK(fstat(fm_sync_fd(two), &fresh) == 0);
	if (fresh.st_ino != old.st_ino)
		printf("    note: %s did not give out inode %lu again; the case checks less\n",
		       (const char *)root, (unsigned long)old.st_ino);
	CHECK_OK(fm_mutex_open(&again, "Global\\two"));
	CHECK_INT_EQ(pthread_create(&t, NULL, trylock_on_thread, again), 0);
	CHECK_INT_EQ(pthread_join(t, &r), 0);
	CHECK_OK((int)(intptr_t)r); /* free: not the one this thread owns */
	CHECK_OK(fm_mutex_lock(again, 0));
	CHECK_OK(fm_sync_query(&info, two));
	CHECK_INT_EQ(info.recursion, 1);
	CHECK_OK(fm_mutex_unlock(again));
	fm_sync_close(again);
	fm_sync_close(two);
	CHECK(rmdir(test_store_path("global")) == 0); /* nothing left in it */
	return 0;
}

/*
 * A thread that owns a mutex keeps the process's mapping of it after its
 * last handle is closed, when the name is gone and so is the store file.
 * A new object's store file may then get the same inode (ext4 gives it
 * out again at once), so a shared mutex's mapping, which holds the
 * segment and not the store file, is known by its segment: a new mutex is
 * never taken for the one still owned.  The store is put on the file
 * system of /var/tmp (a disk, usually) for that, in a child, so that the
 * directory goes whatever the child does.
 */
static void owned_mapping_outlives_its_inode(void)
{
	char dir[] = "/var/tmp/fm-test-shm-XXXXXX", root[64];
	int status;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(root, sizeof(root), "%s/root", dir);
	status = test_in_child(reuse_inode, root);
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	CHECK_INT_EQ(status, 0);
}

/* ------------------------------------------------------------------------
 * Lifetime
 * ------------------------------------------------------------------------ */

/* Helper: creates argv[0] shared, says "ready <segment id>", and waits to
 * be killed. */
static int holder(int argc, char **argv)
{
	fm_section *s = create_shared(argv[0], FM_READ | FM_WRITE, 0);
	struct shmid_ds ds;

	test_say("ready %d", segment_of(s, &ds));
	pause();
	return 0;
}

/* A holder killed with SIGKILL leaves an orphan name and no segment. */
static void killed_holder_leaves_nothing(void)
{
	char line[64];
	pid_t pid;
	int out, id;

	pid = test_spawn("holder", &out, NAME, NULL);
	CHECK(test_read_line(out, line, sizeof(line)) && sscanf(line, "ready %d", &id) == 1);
	CHECK(segment_exists(id));
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK_INT_EQ(test_wait(pid), 128 + SIGKILL);
	close(out);
	CHECK(!segment_exists(id));
	test_expect_gone(NAME);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Helper: adopts descriptor argv[0] and reads what the section holds. */
static int adopter(int argc, char **argv)
{
	fm_section *s;
	char *view;
	int r = fm_section_adopt(&s, atoi(argv[0]), 0);

	if (r < 0) {
		test_say("%s", fm_errname(r));
		return 0;
	}
	view = test_map_whole(s, FM_READ);
	test_say("adopted access %u: %s", fm_section_access(s), view);
	fm_section_close(s);
	return 0;
}

/* Starts adopter on s's descriptor. */
static pid_t spawn_adopter(fm_section *s, int *out)
{
	char fd_arg[16];

	CHECK_INT_EQ(fcntl(fm_section_fd(s), F_SETFD, 0), 0);
	snprintf(fd_arg, sizeof(fd_arg), "%d", fm_section_fd(s));
	return test_spawn("adopter", out, fd_arg, NULL);
}

/*
 * A handle inherited across exec attaches the segment by its id, with the
 * access the object's mode gives its user, while some process still has
 * the segment attached.
 */
static void adopt_across_exec(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	char *w = test_map_whole(s, FM_WRITE);
	pid_t pid;
	int out;

	strcpy(w, "inherited");
	pid = spawn_adopter(s, &out);
	test_expect_line(out, "adopted access 3: inherited");
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	CHECK_OK(fm_view_unmap(w));
	fm_section_close(s);
}

/*
 * If every process that had the segment attached is gone before the
 * inherited handle is used, the memory is gone with them: the handle is
 * -ESTALE, and an open of the name, which that handle still holds, says so.
 */
static void adopt_after_memory_gone(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *o;
	struct shmid_ds ds;
	int id = segment_of(s, &ds), out;
	pid_t pid;

	/* The handle keeps its hold on the name, and lets its memory go, as an
	 * inherited descriptor nobody adopted yet does. */
	CHECK(munmap(s->obj.shm, fm__shm_length(&s->obj.hdr)) == 0);
	s->obj.shm = NULL;
	CHECK(!segment_exists(id));
	CHECK_RC(fm_section_open(&o, NAME, FM_READ), -ESTALE);
	CHECK(strstr(fm_last_error_message(), "memory is gone") != NULL);
	pid = spawn_adopter(s, &out);
	test_expect_line(out, "ESTALE");
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	fm_section_close(s);
	test_expect_gone(NAME);
}

/* ------------------------------------------------------------------------
 * Limits and namespaces (root: a private IPC namespace)
 * ------------------------------------------------------------------------ */

static void need_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root for an IPC namespace of its own");
}

static void new_ipc_namespace(void)
{
	if (unshare(CLONE_NEWIPC) < 0)
		SKIP("unshare(CLONE_NEWIPC): %s", strerror(errno));
}

/* A process in another IPC namespace cannot attach: it is told why. */
static int open_elsewhere(void *unused)
{
	fm_section *s;

	new_ipc_namespace();
	CHECK_FAIL(fm_section_open(&s, NAME, FM_READ), -ENOTSUP, "fm_section_open", NAME);
	CHECK(strstr(fm_last_error_message(), "IPC namespace") != NULL);
	return 0;
}

static void other_ipc_namespace(void)
{
	fm_section *s;

	need_root();
	s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	CHECK_INT_EQ(test_in_child(open_elsewhere, NULL), 0);
	fm_section_close(s);
}

/* With kernel.shmmni segments in use, a create is -ENOSPC naming it, and
 * leaves nothing behind; Local\ objects need no segment. */
static int run_out_of_segments(void *unused)
{
	fm_section *a, *b, *l;
	int fd;

	new_ipc_namespace();
	fd = open("/proc/sys/kernel/shmmni", O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0 && write(fd, "1", 1) == 1);
	close(fd);
	a = create_shared(NAME, FM_READ | FM_WRITE, 0);
	CHECK_FAIL(fm_section_create(&b, "Global\\second", 4096,
				     &(struct fm_section_opts){ sizeof(struct fm_section_opts),
								FM_READ | FM_WRITE, 0, -1, 0666 }),
		   -ENOSPC, "fm_section_create", "Global\\second");
	CHECK(strstr(fm_last_error_message(), "kernel.shmmni") != NULL);
	CHECK_OK(fm_section_create(&l, "Local\\plenty", 4096, NULL));
	fm_section_close(l);
	fm_section_close(a);
	return 0;
}

static void out_of_segments(void)
{
	need_root();
	CHECK_INT_EQ(test_in_child(run_out_of_segments, NULL), 0);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* A read-only duplicate of a shared section (its data a segment) gives
 * out a read-only descriptor of its store file, as a read-only open does
 * (an adoption's access is then the segment's mode's, fm_section_adopt). */
static void read_only_dup_gives_read_only_fd(void)
{
	fm_section *s = create_shared(NAME, FM_READ | FM_WRITE, 0), *d;
	int out;

	CHECK_OK(fm_section_dup(&d, s, FM_READ));
	out = fm_section_fd(d);
	CHECK(out >= 0);
	CHECK_INT_EQ(fcntl(out, F_GETFL) & O_ACCMODE, O_RDONLY);
	fm_section_close(d);
	fm_section_close(s);
}

/* A segment of key and mode made by a process that has exited. */
static int segment_of_the_dead(int key, int mode)
{
	int fds[2], id = -1;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | mode);
		_exit(write(fds[1], &id, sizeof(id)) == sizeof(id) ? 0 : 1);
	}
	CHECK(read(fds[0], &id, sizeof(id)) == sizeof(id));
	CHECK(waitpid(pid, NULL, 0) == pid);
	close(fds[0]);
	close(fds[1]);
	CHECK(id >= 0);
	return id;
}

static void note_removed(const struct fm__shm_leak *leak, void *arg)
{
	*(int *)arg = leak->id;
}

/* gc's sweep removes exactly the segment a killed creator left: ours by
 * key and mode, attached nowhere, its creator gone; a live object's
 * (marked) segment, another program's, and one whose creator still runs
 * stay. */
static int run_sweep_leaked_segments(void *unused)
{
	int leaked, other_key, other_mode, alive, removed = -1;
	fm_section *s;

	new_ipc_namespace();
	s = create_shared(NAME, FM_READ | FM_WRITE, 0);
	leaked = segment_of_the_dead(0x464d1234, 0600);
	other_key = segment_of_the_dead(0x12341234, 0600);
	other_mode = segment_of_the_dead(0x464d1235, 0640);
	alive = shmget(0x464d1236, 4096, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(alive >= 0);
	CHECK_INT_EQ(fm__shm_sweep(note_removed, &removed), 1);
	CHECK_INT_EQ(removed, leaked);
	CHECK(!segment_exists(leaked));
	CHECK(segment_exists(other_key) && segment_exists(other_mode) && segment_exists(alive));
	CHECK_INT_EQ(fm__shm_sweep(NULL, NULL), 0);
	CHECK(segment_exists(segment_of(s, &(struct shmid_ds){ 0 })));
	shmctl(other_key, IPC_RMID, NULL);
	shmctl(other_mode, IPC_RMID, NULL);
	shmctl(alive, IPC_RMID, NULL);
	fm_section_close(s);
	return 0;
}

static void sweep_leaked_segments(void)
{
	need_root();
	CHECK_INT_EQ(test_in_child(run_sweep_leaked_segments, NULL), 0);
	CHECK_INT_EQ(test_store_count(), 0);
}

static const struct test_case cases[] = {
	TEST_CASE(data_in_a_segment),
	TEST_CASE(views_share_and_outlive),
	TEST_CASE(read_only_views_stay_so),
	TEST_CASE(copy_view_is_private),
	TEST_CASE(view_at_fixed_address),
	TEST_CASE(fork_shares),
	TEST_CASE(commit_and_reserve),
	TEST_CASE(sync_state_in_a_segment),
	TEST_CASE(shared_mutex_owner_death),
	TEST_CASE(owned_mapping_outlives_its_inode),
	TEST_CASE(killed_holder_leaves_nothing),
	TEST_CASE(adopt_across_exec),
	TEST_CASE(adopt_after_memory_gone),
	TEST_CASE(other_ipc_namespace),
	TEST_CASE(out_of_segments),
	TEST_CASE(sweep_leaked_segments),
	TEST_CASE(read_only_dup_gives_read_only_fd),
};

static const struct test_helper helpers[] = {
	TEST_HELPER(holder),
	TEST_HELPER(adopter),
	TEST_HELPER(mutex_owner),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
