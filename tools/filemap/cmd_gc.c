/* SPDX-License-Identifier: MIT */
/*
 * cmd_gc.c - `filemap gc`: remove the orphans in the store.
 *
 * An orphan is an object no process holds: its holders died without the
 * last-one-out removal.  Opening its name would remove it anyway (it reads
 * as absent); gc sweeps them all at once, with the library's own test
 * (fm__object_remove_if_unheld: LOCK_EX|LOCK_NB on a fresh description), so
 * a held object is never touched and an opener racing with gc sees either
 * the object or nothing.  A corrupt file nobody holds is an orphan too.
 * Another user's orphan in global/ can be removed only by that user or root
 * (the directory is sticky); gc says so and leaves it.
 *
 * Run by root, it also removes what other users planted where the store's
 * own directories belong (squats, filemap(7) SECURITY): a local-<uid> that
 * is not uid's directory, or a global that is not root's directory, in a
 * store root owns.  Such a squat denies its victim the namespace (the
 * library refuses it, FM_ESTORE) and only root may remove it from the
 * sticky root.  The store root itself, if another user made it, is only
 * reported: it may be that user's own store.
 *
 * It also sweeps what a creator killed while it made a store directory
 * leaves: the library makes each directory under a temporary name,
 * .fm-mkdir-<pid>-<n>, gives it its mode and renames it into place (store.c),
 * so a kill in between leaves the temporary one, empty, in the store root
 * (or, for the root itself, beside it).  One whose pid no longer runs is
 * removed; nothing else in those directories is touched.
 *
 * And it sweeps what `filemap bridge` processes that are gone left beside
 * the root (bridge_run.c, bridge_sweep), and the SysV shared memory
 * segments creators of shared Global\ objects were killed too early to
 * mark for removal (shm.c, fm__shm_sweep): the caller's, or as root all.
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Prints the object's name, or its file when the name is unknown, and
 * whose store it is in when that is not the caller's. */
static void print_label(FILE *f, const struct fm__inspection *o, const struct fm__entry *e)
{
	if (o->name) {
		tool_print_text(f, o->name);
	} else {
		tool_print_text(f, e->dir_path);
		putc('/', f);
		tool_print_text(f, e->file);
	}
	if (e->ns == FM__NS_LOCAL && e->owner != geteuid())
		fprintf(f, " (uid %u)", (unsigned)e->owner);
}

/*
 * A held entry: held by handles (LOCK_SH), or by somebody who keeps
 * LOCK_EX, which no filemap process does for long (a remover unlinks at
 * once): that blocks every open of the name, so it is removed, as a
 * remover would, if we may (root, or the object's owner); unlinking takes
 * no lock.  Returns a TOOL_* code.
 */
static int collect_held(const struct fm__inspection *o, const struct fm__entry *e)
{
	char holder[64];
	struct stat at;
	int r = fm__os_flock(o->fd, LOCK_SH | LOCK_NB);

	/* A moment's LOCK_SH: it tells the kinds of holder apart. */
	if (r == -EWOULDBLOCK)
		r = fm__lock_shared(o->fd);
	if (r != -EBUSY) {
		fm__os_flock(o->fd, LOCK_UN);
		return TOOL_OK; /* held by handles: not ours to judge */
	}
	fm__lock_holder(&o->st, holder, sizeof(holder));
	/* Only while the name is still that file. */
	r = fm__os_fstatat(e->dirfd, e->file, &at, AT_SYMLINK_NOFOLLOW);
	if (r == 0 && (at.st_dev != o->st.st_dev || at.st_ino != o->st.st_ino))
		return TOOL_OK;
	if (r == 0)
		r = fm__os_unlinkat(e->dirfd, e->file, 0);
	if (r == 0 || r == -ENOENT) {
		printf("removed ");
		print_label(stdout, o, e);
		printf(" (held exclusively by %s, not a filemap process)\n", holder);
		return TOOL_OK;
	}
	fputs("filemap gc: note: ", stderr);
	print_label(stderr, o, e);
	fprintf(stderr, " is held exclusively by %s, which blocks every open of it; run `filemap gc` "
		"as its owner (uid %u) or root to remove it\n", holder, (unsigned)o->st.st_uid);
	return TOOL_OK;
}

/* Removes the entry if it is an orphan; returns a TOOL_* code. */
static int collect(const struct fm__inspection *o, const struct fm__entry *e)
{
	int r = fm__object_remove_if_unheld(e->dirfd, e->file, o->fd);

	if (r == 1) {
		printf("removed %sorphan ", o->state == FM__INSPECT_CORRUPT ? "corrupt " : "");
		print_label(stdout, o, e);
		if (o->state == FM__INSPECT_CORRUPT)
			printf(" (%s)", o->problem);
		putchar('\n');
		return TOOL_OK;
	}
	if (r == 0)
		return collect_held(o, e);
	fputs(r == -EACCES ? "filemap gc: note: cannot remove orphan " : "filemap gc: cannot remove ",
	      stderr);
	print_label(stderr, o, e);
	if (r == -EACCES) {
		fprintf(stderr, " of uid %u; run `filemap gc` as that user or root\n",
			(unsigned)o->st.st_uid);
		return TOOL_OK;
	}
	fprintf(stderr, ": %s (%s)\n", fm_strerror(r), fm_errname(r));
	return TOOL_FAILED;
}

static int visit(const struct fm__entry *e, void *arg)
{
	struct fm__inspection o;
	int r = TOOL_OK;

	(void)arg;
	fm__inspect(&o, e);
	if (o.state == FM__INSPECT_FAILED) {
		/* Not a verdict on the object: we could not look (EMFILE...). */
		r = tool_fail(o.error, "cannot look at %s/%s: %s", e->dir_path, e->file,
			      fm_strerror(o.error));
	} else if (!S_ISREG(o.st.st_mode)) {
		/* Not something the library made: no lock can tell if it is in
		 * use, so it is left to a person. */
		fputs("filemap gc: note: leaving ", stderr);
		print_label(stderr, &o, e);
		fputs(": not a regular file, so not an object; remove it by hand\n", stderr);
	} else if (o.fd >= 0) {
		r = collect(&o, e);
	}
	/* An unreadable object (another user's, mode 0600) cannot be
	 * tested for holders; only its owner or root may remove it anyway. */
	fm__inspection_free(&o);
	return r;
}

/* The pid in a name the library gives a directory it is making
 * (".fm-mkdir-<pid>-<n>", exactly), or 0. */
static pid_t temp_dir_pid(const char *name)
{
	unsigned n;
	int pid, end = 0;

	if (sscanf(name, ".fm-mkdir-%d-%u%n", &pid, &n, &end) != 2 || name[end] != '\0' ||
	    pid <= 0)
		return 0;
	return (pid_t)pid;
}

/* Removes the temporary directories of dead creators in path. */
static int sweep_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), status = TOOL_OK;
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	pid_t pid;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return TOOL_OK; /* no store, or nowhere we may look: nothing of ours */
	}
	while ((de = readdir(dir)) != NULL) {
		pid = temp_dir_pid(de->d_name);
		/* Alive (or another user's, alive): still making it. */
		if (pid == 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		if (unlinkat(fd, de->d_name, AT_REMOVEDIR) == 0) {
			printf("removed stale directory ");
			tool_print_text(stdout, path);
			printf("/%s (its creator, pid %d, died making it)\n", de->d_name, (int)pid);
		} else if (errno != ENOENT) {
			int err = errno;

			tool_fail(-err, "cannot remove stale directory %s/%s: %s", path, de->d_name,
				  strerror(err));
			status = err == EPERM || err == EACCES ? status : TOOL_FAILED;
		}
	}
	closedir(dir);
	return status;
}

/* Sweeps the store root, and the directory it is in. */
static int sweep_temp_dirs(void)
{
	char parent[PATH_MAX];
	int r;

	r = sweep_dir(fm__store_root());
	if (snprintf(parent, sizeof(parent), "%s", fm__store_root()) < (int)sizeof(parent) &&
	    sweep_dir(dirname(parent)) != TOOL_OK)
		r = TOOL_FAILED;
	return r;
}

/* A squat may be a tree the attacker keeps filling: this deep, no deeper. */
#define SQUAT_DEPTH 16

/* Removes name under dirfd, a file or a tree, never following a symlink. */
static int remove_tree(int dirfd, const char *name, int depth)
{
	int fd, r = fm__os_unlinkat(dirfd, name, 0);
	struct dirent *de;
	DIR *dir;

	if (r != -EISDIR && r != -EPERM)
		return r;
	if (depth == 0)
		return -ELOOP;
	fd = fm__os_openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			fm__os_close(fd);
		return fd < 0 ? fd : -errno;
	}
	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			remove_tree(fd, de->d_name, depth - 1);
	closedir(dir);
	return fm__os_unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* The owner a namespace directory must have in a store root_owner owns,
 * or false for an entry that is no namespace directory. */
static bool rightful_owner(const char *name, uid_t root_owner, uid_t *owner)
{
	char canonical[32];
	unsigned long v;
	char *end;

	if (strcmp(name, "global") == 0) {
		*owner = root_owner;
		return true;
	}
	if (strncmp(name, "local-", 6) != 0 || name[6] < '0' || name[6] > '9')
		return false;
	errno = 0;
	v = strtoul(name + 6, &end, 10);
	snprintf(canonical, sizeof(canonical), "local-%lu", v);
	*owner = (uid_t)v;
	return !errno && !*end && v < (uid_t)-1 && strcmp(canonical, name) == 0;
}

/* Makes the rightful global/ in place of a squat, as the library does. */
static int make_global(void)
{
	struct fm__dir *d;
	int r = fm__dir_get(&d, FM__NS_GLOBAL, "filemap gc");

	if (r < 0)
		return tool_lib_failure(r);
	fm__dir_put(d);
	return TOOL_OK;
}

/* Removes entry name of the root (open at rootfd) if another user put it
 * where a namespace directory belongs. */
static int sweep_squat(int rootfd, const char *name, uid_t root_owner)
{
	struct stat st;
	uid_t owner;
	int r;

	if (!rightful_owner(name, root_owner, &owner) ||
	    fm__os_fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    (S_ISDIR(st.st_mode) && (st.st_uid == owner || st.st_uid == 0)))
		return TOOL_OK;
	r = remove_tree(rootfd, name, SQUAT_DEPTH);
	if (r < 0 && r != -ENOENT)
		return tool_fail(r, "cannot remove %s/%s, planted by uid %u: %s", fm__store_root(),
				 name, (unsigned)st.st_uid, fm_strerror(r));
	printf("removed squatted %s/%s (%s of uid %u; it belongs to uid %u)\n", fm__store_root(),
	       name, S_ISDIR(st.st_mode) ? "a directory" : "not a directory", (unsigned)st.st_uid,
	       (unsigned)owner);
	return strcmp(name, "global") == 0 ? make_global() : TOOL_OK;
}

/* As root: removes the squats in the store root. */
static int sweep_squats(void)
{
	int fd = open(fm__store_root(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int status = TOOL_OK;
	struct dirent *de;
	struct stat st;
	DIR *dir;

	if (geteuid() != 0 || fd < 0)
		return TOOL_OK; /* no store, or not ours to judge: the walk says why */
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || !(dir = fdopendir(fd))) {
		close(fd);
		return TOOL_OK; /* another user's root: the walk refuses it, naming them */
	}
	while ((de = readdir(dir)) != NULL)
		if (sweep_squat(fd, de->d_name, 0) != TOOL_OK)
			status = TOOL_FAILED;
	closedir(dir);
	return status;
}

static void print_segment(const struct fm__shm_leak *leak, void *unused)
{
	(void)unused;
	printf("removed SysV shared memory segment %d (key 0x%08x, %zu bytes, uid %u), left by "
	       "pid %d, killed while it created an object\n",
	       leak->id, (unsigned)leak->key, leak->size, (unsigned)leak->owner, (int)leak->creator);
}

/* Removes the segments killed creators left (shm.c, fm__shm_sweep). */
static int sweep_segments(void)
{
	int r = fm__shm_sweep(print_segment, NULL);

	if (r < 0)
		return tool_fail(r, "cannot list the SysV shared memory segments: %s",
				 fm_strerror(r));
	return TOOL_OK;
}

int cmd_gc(int argc, char **argv)
{
	int r;

	r = tool_parse_args(argc, argv, NULL, "", NULL);
	if (r != TOOL_OK)
		return r;
	r = sweep_squats();
	if (tool_walk_store(visit, NULL) != TOOL_OK)
		r = TOOL_FAILED;
	if (sweep_temp_dirs() != TOOL_OK)
		r = TOOL_FAILED;
	if (bridge_sweep(true) != TOOL_OK)
		r = TOOL_FAILED;
	if (sweep_segments() != TOOL_OK)
		r = TOOL_FAILED;
	return r;
}
