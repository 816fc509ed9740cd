/* SPDX-License-Identifier: MIT */
/*
 * store.c - each part's private store, and checking that a store is empty.
 *
 * Every part runs in its own store root, <base>/<part>, so that what one
 * part leaves cannot pass for another's, and the names part can keep two
 * stores side by side.  The base is $FILEMAP_ROOT when it is set (ctest
 * points it into the build directory), else a fresh directory in /dev/shm
 * that the run removes again.  The library reads FILEMAP_ROOT on every
 * call (secure_getenv in fm__store_root, its directory cache keyed by the
 * root's path), so switching stores is setting the variable.
 *
 * "Empty" is checked by walking the store itself, not through the tool or
 * the library: a namespace directory must hold nothing, and the root
 * nothing but namespace directories (a killed creator of a directory can
 * leave a ".fm-mkdir-*" behind).
 */
#define _GNU_SOURCE
#include "scale.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[PATH_MAX];
static bool base_made; /* by this run: removed at the end */

int store_base_init(void)
{
	const char *env = getenv("FILEMAP_ROOT");

	if (env && *env)
		snprintf(base, sizeof(base), "%s", env);
	else
		snprintf(base, sizeof(base), "/dev/shm/filemap-bench-scale.%d", (int)getpid());
	if (strlen(base) > PATH_MAX - 64) {
		note("the store base %s is too long", base);
		return -1;
	}
	if (mkdir(base, 0755) == 0)
		base_made = true;
	else if (errno != EEXIST) {
		note("cannot make the store base %s: %s", base, strerror(errno));
		return -1;
	}
	note("stores under %s", base);
	return 0;
}

void store_base_done(void)
{
	if (base_made && rmdir(base) < 0)
		note("leaving %s: %s", base, strerror(errno));
}

void store_use(const char *root)
{
	setenv("FILEMAP_ROOT", root, 1);
}

static bool is_namespace_dir(const struct dirent *de)
{
	char *end;

	if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
		return false;
	if (strcmp(de->d_name, "global") == 0)
		return true;
	if (strncmp(de->d_name, "local-", 6) != 0 || de->d_name[6] == '\0')
		return false;
	strtoul(de->d_name + 6, &end, 10);
	return *end == '\0';
}

/* Appends "path" to what (", "-separated) while it fits. */
static void describe(char *what, size_t len, const char *dir, const char *file)
{
	size_t used = what ? strlen(what) : 0;

	if (what && used + strlen(dir) + strlen(file) + 8 < len)
		snprintf(what + used, len - used, "%s%s%s%s", used ? ", " : "", dir, *dir ? "/" : "",
			 file);
}

/* Counts the entries of namespace directory sub of rootfd. */
static long namespace_leftovers(int rootfd, const char *sub, char *what, size_t len)
{
	int fd = openat(rootfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	long n = 0;
	DIR *dir;

	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n++ < 4)
			describe(what, len, sub, de->d_name);
	}
	closedir(dir);
	return n;
}

long store_leftovers(const char *root, char *what, size_t len)
{
	DIR *dir = opendir(root);
	struct dirent *de;
	long n = 0, sub;

	if (what && len)
		what[0] = '\0';
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!is_namespace_dir(de)) {
			describe(what, len, "", de->d_name);
			n++;
			continue;
		}
		sub = namespace_leftovers(dirfd(dir), de->d_name, what, len);
		if (sub < 0) {
			closedir(dir);
			return -1;
		}
		n += sub;
	}
	closedir(dir);
	return n;
}

void store_remove(const char *root)
{
	DIR *dir = opendir(root);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL)
		if (is_namespace_dir(de))
			unlinkat(dirfd(dir), de->d_name, AT_REMOVEDIR);
	closedir(dir);
	if (rmdir(root) < 0 && errno != ENOENT)
		note("leaving the store %s: %s", root, strerror(errno));
}

int store_prepare(char *root, size_t len, const char *part, const struct scale_opts *o)
{
	static const char *const gc[] = { "gc", NULL };
	char what[512];
	struct run r;
	long n;

	snprintf(root, len, "%s/%s", base, part);
	n = store_leftovers(root, NULL, 0);
	if (n > 0) {
		/* An earlier run's orphans: gc sweeps them; anything held stays. */
		note("%s: %ld entries left by an earlier run; running `filemap gc`", root, n);
		if (run_tool(&r, o, root, false, gc) < 0)
			return -1;
		n = store_leftovers(root, what, sizeof(what));
		if (n > 0)
			note("%s is not empty after gc (%s): something holds its objects; stop it "
			     "or use another FILEMAP_ROOT",
			     root, what);
	}
	if (n < 0)
		note("cannot read the store %s: %s", root, strerror(errno));
	return n == 0 ? 0 : -1;
}

int store_finish(const char *root, const char *label, const char *impl)
{
	char what[512], bench[96], goal[128];
	long left = store_leftovers(root, what, sizeof(what));

	snprintf(bench, sizeof(bench), "%s: entries left in the store", label);
	report_value(bench, impl, "count", (double)left);
	snprintf(goal, sizeof(goal), "%s: store empty at the end", label);
	report_goal(goal, bench, impl, "none", (double)left, 0, RECORD_EQUAL, true);
	if (left == 0) {
		store_remove(root);
		return 0;
	}
	note("%s: left in %s: %s", label, root, left < 0 ? "(the store cannot be read)" : what);
	return -1;
}
