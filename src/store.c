/* SPDX-License-Identifier: MIT */
/*
 * store.c - the store's directories.
 *
 * The store is a directory tree on a tmpfs: <root>/global (mode 1777,
 * sticky) for Global\ names and <root>/local-<uid> (0700, owned by uid) for
 * each user's Local\ names.  Every directory is opened with O_NOFOLLOW and
 * checked with fstat before use; one that exists with the wrong type,
 * owner or mode was made by somebody else and is refused (FM_ESTORE), never
 * repaired.  The process caches its open namespace directories, keyed by
 * the root path, and checks on each use that the cached one still exists.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_ROOT "/dev/shm/filemap"
#define WORLD_STICKY (S_ISVTX | S_IRWXU | S_IRWXG | S_IRWXO) /* 01777 */

const char *fm__store_root(void)
{
	/* secure_getenv: a set-user-ID program never takes its store from
	 * the environment of whoever runs it. */
	const char *root = secure_getenv("FILEMAP_ROOT");

	return root && *root ? root : DEFAULT_ROOT;
}

const char *fm__dir_check(const struct stat *st, uid_t uid, mode_t mode)
{
	if (!S_ISDIR(st->st_mode))
		return "is not a directory";
	if (mode == 0) {
		/* The root: shared like /tmp, or private to its owner. */
		if (st->st_uid == uid)
			return NULL;
		if ((st->st_mode & (S_ISVTX | S_IWOTH)) != (S_ISVTX | S_IWOTH))
			return "belongs to another user and is not world-writable and sticky";
		return NULL;
	}
	if ((st->st_mode & 07777) != mode)
		return mode == 0700 ? "does not have mode 0700" : "does not have mode 1777";
	if (mode == 0700 && st->st_uid != uid)
		return "belongs to another user";
	return NULL;
}

/*
 * Opens directory path under dirfd, creating it with mode first if it does
 * not exist, and checks it.  A directory this call created gets its mode
 * set exactly (mkdir applies the umask).  Returns the descriptor, FM_ESTORE,
 * or -errno; *why says what was wrong.
 */
static int open_store_dir(int dirfd, const char *path, mode_t mode, const char **why)
{
	uid_t uid = geteuid();
	bool created;
	struct stat st;
	int fd, r;

	r = fm__os_mkdirat(dirfd, path, mode ? mode : WORLD_STICKY);
	created = r == 0;
	if (r < 0 && r != -EEXIST) {
		*why = "cannot be created";
		return r;
	}
	fd = fm__os_openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd < 0) {
		*why = fd == -ELOOP || fd == -ENOTDIR ? "is a symlink or not a directory"
						       : "cannot be opened";
		return fd == -ELOOP || fd == -ENOTDIR ? FM_ESTORE : fd;
	}
	r = fm__os_fstat(fd, &st);
	if (r == 0 && created && st.st_uid == uid)
		r = fm__os_fchmod(fd, mode ? mode : WORLD_STICKY);
	if (r == 0 && created)
		r = fm__os_fstat(fd, &st);
	if (r < 0) {
		*why = "cannot be inspected";
		fm__os_close(fd);
		return r;
	}
	*why = fm__dir_check(&st, uid, mode);
	if (*why) {
		fm__os_close(fd);
		return FM_ESTORE;
	}
	return fd;
}

/* Opens the root and namespace ns's directory under it. */
static int open_namespace(const char *root, enum fm__namespace ns, char **path_out,
			  const char *call)
{
	char sub[32], *path;
	const char *why = NULL;
	int rootfd, fd;

	if (ns == FM__NS_GLOBAL)
		snprintf(sub, sizeof(sub), "global");
	else
		snprintf(sub, sizeof(sub), "local-%u", (unsigned)geteuid());
	rootfd = open_store_dir(AT_FDCWD, root, 0, &why);
	if (rootfd < 0)
		return fm__fail(rootfd, call, NULL, "store root %s %s", root, why);
	fd = open_store_dir(rootfd, sub, ns == FM__NS_GLOBAL ? WORLD_STICKY : 0700, &why);
	fm__os_close(rootfd);
	if (fd < 0)
		return fm__fail(fd, call, NULL, "store directory %s/%s %s", root, sub, why);
	if (asprintf(&path, "%s/%s", root, sub) < 0) {
		fm__os_close(fd);
		return fm__fail(-ENOMEM, call, NULL, NULL);
	}
	*path_out = path;
	return fd;
}

struct fm__dir *fm__dir_ref(struct fm__dir *d)
{
	atomic_fetch_add(&d->refs, 1);
	return d;
}

void fm__dir_put(struct fm__dir *d)
{
	if (!d || atomic_fetch_sub(&d->refs, 1) != 1)
		return;
	fm__os_close(d->fd);
	free(d->path);
	free(d);
}

/* The cached directory for ns under root, with a new reference, or NULL. */
static struct fm__dir *cache_lookup(const char *root, enum fm__namespace ns)
{
	struct fm__dir *d = NULL;

	fm__global_lock();
	if (fm__global.dirs_root && strcmp(fm__global.dirs_root, root) == 0 &&
	    fm__global.dirs[ns])
		d = fm__dir_ref(fm__global.dirs[ns]);
	fm__global_unlock();
	return d;
}

/* Makes d the cached directory for ns under root (replacing what was). */
static void cache_store(const char *root, struct fm__dir *d)
{
	struct fm__dir *drop[FM__NS_COUNT + 1] = { NULL };
	char *root_copy = strdup(root), *old_root = NULL;

	fm__global_lock();
	if (!fm__global.dirs_root || strcmp(fm__global.dirs_root, root) != 0) {
		if (!root_copy) {
			fm__global_unlock();
			return; /* no cache this time; d still works */
		}
		for (int i = 0; i < FM__NS_COUNT; i++) {
			drop[i] = fm__global.dirs[i];
			fm__global.dirs[i] = NULL;
		}
		old_root = fm__global.dirs_root;
		fm__global.dirs_root = root_copy;
		root_copy = NULL;
	}
	drop[FM__NS_COUNT] = fm__global.dirs[d->ns];
	fm__global.dirs[d->ns] = fm__dir_ref(d);
	fm__global_unlock();

	for (int i = 0; i <= FM__NS_COUNT; i++)
		fm__dir_put(drop[i]);
	free(old_root);
	free(root_copy);
}

int fm__dir_get(struct fm__dir **out, enum fm__namespace ns, const char *call)
{
	const char *root = fm__store_root();
	struct fm__dir *d = cache_lookup(root, ns);
	struct stat st;
	char *path = NULL;
	int fd;

	/* A cached directory that was removed meanwhile is dropped. */
	if (d && fm__os_fstat(d->fd, &st) == 0 && st.st_nlink > 0) {
		*out = d;
		return 0;
	}
	fm__dir_put(d);
	fd = open_namespace(root, ns, &path, call);
	if (fd < 0)
		return fd;
	d = malloc(sizeof(*d));
	if (!d) {
		fm__os_close(fd);
		free(path);
		return fm__fail(-ENOMEM, call, NULL, NULL);
	}
	atomic_init(&d->refs, 1);
	d->fd = fd;
	d->ns = ns;
	d->path = path;
	cache_store(root, d);
	*out = d;
	return 0;
}
