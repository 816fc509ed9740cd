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
 * It also sweeps what a creator killed while it made a store directory
 * leaves: the library makes each directory under a temporary name,
 * .fm-mkdir-<pid>-<n>, gives it its mode and renames it into place (store.c),
 * so a kill in between leaves the temporary one, empty, in the store root
 * (or, for the root itself, beside it).  One whose pid no longer runs is
 * removed; nothing else in those directories is touched.
 *
 * And it sweeps what `filemap bridge` processes that are gone left beside
 * the root (bridge_run.c, bridge_sweep).
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <string.h>
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
		return TOOL_OK; /* held: not ours to judge */
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

int cmd_gc(int argc, char **argv)
{
	int r;

	r = tool_parse_args(argc, argv, NULL, "", NULL);
	if (r != TOOL_OK)
		return r;
	r = tool_walk_store(visit, NULL);
	if (sweep_temp_dirs() != TOOL_OK)
		r = TOOL_FAILED;
	if (bridge_sweep(true) != TOOL_OK)
		r = TOOL_FAILED;
	return r;
}
