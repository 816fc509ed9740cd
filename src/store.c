/* SPDX-License-Identifier: MIT */
/*
 * store.c - the store's directories, and who may own them.
 *
 * The store is a directory tree on a tmpfs: <root>/global (mode 1777,
 * sticky) for Global\ names and <root>/local-<uid> (0700, owned by uid) for
 * each user's Local\ names.  The owner of a directory can remove or rename
 * anything in it, sticky bit or not, so the root and global/ are trusted
 * only when root owns them, or when the caller does (a store of its own:
 * nobody else's objects are at stake); local-<uid> only when uid owns it.
 * Every directory is opened with O_PATH | O_NOFOLLOW (so that even one we
 * may not read can be judged by its owner) and checked with fstat before
 * use; one that exists with the wrong type, owner or mode was made by
 * somebody else and is refused (FM_ESTORE, naming it and its owner), never
 * repaired: `filemap gc` run by root removes what other users planted.
 *
 * The process caches its open namespace directories, keyed by the root
 * path and the effective uid.  A cached directory is not checked on each
 * use: one that was removed since reveals itself, as every name lookup,
 * link and unlink in a removed directory fails with ENOENT, and the
 * callers then ask fm__dir_refresh() for the store's current one.
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

/* Writes "belongs to uid N, <rest>" into buf and returns it. */
static const char *owned_by(char *buf, size_t len, uid_t owner, const char *rest)
{
	snprintf(buf, len, "belongs to uid %u, %s", (unsigned)owner, rest);
	return buf;
}

const char *fm__dir_check(const struct stat *st, enum fm__dir_kind kind, uid_t uid,
			  uid_t root_owner, char *buf, size_t len)
{
	mode_t mode = st->st_mode & 07777;

	if (!S_ISDIR(st->st_mode))
		return "is not a directory";
	switch (kind) {
	case FM__DIR_ROOT:
		if (st->st_uid != 0 && st->st_uid != uid)
			return owned_by(buf, len, st->st_uid,
					"not to root or to you: its owner could remove or replace "
					"anyone's objects in it; have root remove it (see filemap(7), "
					"SECURITY), or set FILEMAP_ROOT to a directory of your own");
		if ((mode & (S_IWGRP | S_IWOTH)) && !(mode & S_ISVTX))
			return "is writable by other users but not sticky";
		return NULL;
	case FM__DIR_GLOBAL:
		if (st->st_uid != 0 && st->st_uid != root_owner)
			return owned_by(buf, len, st->st_uid,
					"not to root: its owner could remove anyone's Global\\ objects; "
					"`filemap gc` run by root removes it");
		return mode == WORLD_STICKY ? NULL : "does not have mode 1777";
	case FM__DIR_LOCAL:
	default:
		if (st->st_uid != uid) {
			char rest[128];

			snprintf(rest, sizeof(rest),
				 "not to uid %u: another user made it to take its Local\\ names; "
				 "`filemap gc` run by root removes it", (unsigned)uid);
			return owned_by(buf, len, st->st_uid, rest);
		}
		return mode == 0700 ? NULL : "does not have mode 0700";
	}
}

/*
 * Creates directory name under dirfd with exactly mode.  mkdir applies the
 * umask, and fixing the mode afterwards would let another process see the
 * directory with the wrong one, so it is made under a temporary name, given
 * its mode, and renamed into place (never replacing).  Returns 0, or -EEXIST
 * when the name appeared meanwhile, or -errno.
 */
static int make_dir(int dirfd, const char *name, mode_t mode)
{
	static _Atomic unsigned counter;
	char tmp[64];
	int fd, r;

	for (;;) {
		snprintf(tmp, sizeof(tmp), ".fm-mkdir-%d-%u", (int)getpid(),
			 atomic_fetch_add(&counter, 1));
		r = fm__os_mkdirat(dirfd, tmp, 0700);
		if (r != -EEXIST)
			break;
	}
	if (r < 0)
		return r;
	fd = fm__os_openat(dirfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	r = fd < 0 ? fd : fm__os_fchmod(fd, mode);
	if (fd >= 0)
		fm__os_close(fd);
	if (r == 0)
		r = fm__os_rename_noreplace(dirfd, tmp, name);
	if (r < 0)
		fm__os_unlinkat(dirfd, tmp, AT_REMOVEDIR);
	return r;
}

/* How one store directory is opened, made and judged. */
struct dir_rule {
	enum fm__dir_kind kind;
	uid_t uid;          /* the caller's effective uid */
	uid_t root_owner;   /* for global/: the owner of the root it is in */
	mode_t create_mode; /* 0: the caller may not make it */
};

int fm__store_dir_open(int dirfd, const char *name, int flags, enum fm__dir_kind kind, uid_t uid,
		       uid_t root_owner, char *why, size_t len, struct stat *st)
{
	int fd = fm__os_openat(dirfd, name, flags | O_DIRECTORY | O_NOFOLLOW, 0), r;
	const char *wrong;

	if (fd == -ELOOP || fd == -ENOTDIR) {
		struct stat at;

		if (fm__os_fstatat(dirfd, name, &at, AT_SYMLINK_NOFOLLOW) == 0)
			snprintf(why, len, "is %s of uid %u, not a directory; %s",
				 S_ISLNK(at.st_mode) ? "a symlink" : "a file", (unsigned)at.st_uid,
				 kind == FM__DIR_ROOT ? "remove it, or set FILEMAP_ROOT elsewhere"
						      : "`filemap gc` run by root removes it");
		else
			snprintf(why, len, "is a symlink or not a directory");
		return FM_ESTORE;
	}
	if (fd < 0) {
		snprintf(why, len, fd == -ENOENT ? "does not exist" : "cannot be opened: %s",
			 fm_strerror(fd));
		return fd;
	}
	r = fm__os_fstat(fd, st);
	wrong = r < 0 ? fm_strerror(r) : fm__dir_check(st, kind, uid, root_owner, why, len);
	if (!wrong)
		return fd;
	if (wrong != why)
		snprintf(why, len, "%s", wrong);
	fm__os_close(fd);
	return r < 0 ? r : FM_ESTORE;
}

/*
 * Opens directory name under dirfd, creating it as rule says if it does
 * not exist, and checks it.  Returns the descriptor (O_PATH), FM_ESTORE,
 * or -errno, with why (len bytes) saying what was wrong; *created tells
 * whether this call made it, and *st what it is.
 */
static int open_store_dir(int dirfd, const char *name, const struct dir_rule *rule, char *why,
			  size_t len, bool *created, struct stat *st)
{
	int fd, r;

	*created = false;
	fd = fm__store_dir_open(dirfd, name, O_PATH, rule->kind, rule->uid, rule->root_owner, why, len, st);
	if (fd != -ENOENT)
		return fd;
	if (!rule->create_mode) {
		snprintf(why, len, "does not exist, and only root may make it in a store that root "
			 "owns; run a filemap call as root once, or see filemap(7), SECURITY");
		return FM_ESTORE;
	}
	r = make_dir(dirfd, name, rule->create_mode);
	if ((r == -EACCES || r == -EPERM) && rule->kind == FM__DIR_LOCAL) {
		snprintf(why, len, "does not exist, and the store root does not let users make "
			 "it; ask the administrator to make it (owner uid %u, mode 0700)",
			 (unsigned)rule->uid);
		return FM_ESTORE;
	}
	if (r < 0 && r != -EEXIST) {
		snprintf(why, len, "cannot be created: %s", fm_strerror(r));
		return r;
	}
	*created = r == 0;
	fd = fm__store_dir_open(dirfd, name, O_PATH, rule->kind, rule->uid, rule->root_owner, why, len, st);
	if (fd == -ENOENT) /* removed as soon as made */
		snprintf(why, len, "cannot be opened: %s", fm_strerror(fd));
	return fd;
}

/* Opens the directory that holds the root (the root path given, up to its
 * last component, may involve symlinks; the root itself may not). */
static int open_root_parent(const char *root, char *base, size_t base_len)
{
	char parent[PATH_MAX];
	size_t len = strlen(root);
	const char *slash;

	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, root, len);
	parent[len] = '\0';
	slash = strrchr(parent, '/');
	if (snprintf(base, base_len, "%s", slash ? slash + 1 : parent) >= (int)base_len ||
	    !*base)
		return -EINVAL;
	if (!slash)
		strcpy(parent, ".");
	else if (slash == parent)
		strcpy(parent, "/");
	else
		parent[slash - parent] = '\0';
	/* O_PATH: searching it is all we do, and may be all we are allowed. */
	return fm__os_openat(AT_FDCWD, parent, O_PATH | O_DIRECTORY, 0);
}

/*
 * Opens the store root under parentfd (its last path component, base) for
 * effective uid: 0 with *fd and the root's owner, or a failure with its
 * message set.  A root this call makes gets its global/ at once, so that
 * Global\ names never wait for a user who may not make it.
 */
static int open_root(int *fd, uid_t *owner, int parentfd, const char *base, const char *root,
		     uid_t uid, const char *call)
{
	/* Made by root, the store is shared like /tmp; made by another
	 * user, it is that user's own, which nobody else trusts anyway. */
	struct dir_rule rule = { FM__DIR_ROOT, uid, 0, uid == 0 ? WORLD_STICKY : 0700 };
	char why[512];
	struct stat st;
	bool created;

	*fd = open_store_dir(parentfd, base, &rule, why, sizeof(why), &created, &st);
	if (*fd < 0)
		return fm__fail(*fd, call, NULL, "store root %s %s", root, why);
	if (created) {
		int r = make_dir(*fd, "global", WORLD_STICKY);

		if (r < 0 && r != -EEXIST) {
			fm__os_close(*fd);
			return fm__fail(r, call, NULL, "store directory %s/global cannot be created: %s",
					root, fm_strerror(r));
		}
	}
	*owner = st.st_uid;
	return 0;
}

/* Opens the root and namespace ns's directory under it, for effective uid. */
static int open_namespace(const char *root, enum fm__namespace ns, uid_t uid, char **path_out,
			  const char *call)
{
	char sub[32], base[NAME_MAX + 1], why[512], *path;
	struct dir_rule rule = { FM__DIR_LOCAL, uid, 0, 0700 };
	int parentfd, rootfd, fd, r;
	struct stat st;
	bool created;

	if (ns == FM__NS_GLOBAL)
		snprintf(sub, sizeof(sub), "global");
	else
		snprintf(sub, sizeof(sub), "local-%u", (unsigned)uid);
	parentfd = open_root_parent(root, base, sizeof(base));
	if (parentfd < 0)
		return fm__fail(parentfd, call, NULL, "store root %s: its directory cannot be opened: %s",
				root, fm_strerror(parentfd));
	r = open_root(&rootfd, &rule.root_owner, parentfd, base, root, uid, call);
	fm__os_close(parentfd);
	if (r < 0)
		return r;
	if (ns == FM__NS_GLOBAL) {
		/* Only the root's owner may make global/: anyone else's would
		 * be trusted by nobody but its maker. */
		rule.kind = FM__DIR_GLOBAL;
		rule.create_mode = rule.root_owner == uid ? WORLD_STICKY : 0;
	}
	fd = open_store_dir(rootfd, sub, &rule, why, sizeof(why), &created, &st);
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

/* Whether the cache holds directories of root for effective uid (a
 * process that changes uid must not keep using the old user's Local\). */
static bool cache_matches(const char *root, uid_t uid)
{
	return fm__global.dirs_root && strcmp(fm__global.dirs_root, root) == 0 &&
	       fm__global.dirs_uid == uid;
}

/* The cached directory for ns under root, with a new reference, or NULL. */
static struct fm__dir *cache_lookup(const char *root, enum fm__namespace ns, uid_t uid)
{
	struct fm__dir *d = NULL;

	fm__global_lock();
	if (cache_matches(root, uid) && fm__global.dirs[ns])
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
	if (!cache_matches(root, d->uid)) {
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
		fm__global.dirs_uid = d->uid;
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

/* Opens namespace ns's directory under root for effective uid, and makes
 * it the cached one. */
static int dir_open(struct fm__dir **out, const char *root, enum fm__namespace ns, uid_t uid,
		    const char *call)
{
	struct fm__dir *d;
	char *path = NULL;
	int fd;

	fd = open_namespace(root, ns, uid, &path, call);
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
	d->uid = uid;
	d->path = path;
	cache_store(root, d);
	*out = d;
	return 0;
}

int fm__dir_get(struct fm__dir **out, enum fm__namespace ns, const char *call)
{
	const char *root = fm__store_root();
	uid_t uid = geteuid();
	struct fm__dir *d = cache_lookup(root, ns, uid);

	if (d) {
		*out = d;
		return 0;
	}
	return dir_open(out, root, ns, uid, call);
}

int fm__dir_refresh(struct fm__dir **dir, const char *call)
{
	struct fm__dir *fresh;
	struct stat st;
	int r;

	/* A directory that cannot even be inspected is opened afresh too. */
	if (fm__os_fstat((*dir)->fd, &st) == 0 && st.st_nlink > 0)
		return 0;
	/* The stale one stays cached until a fresh one replaces it. */
	r = dir_open(&fresh, fm__store_root(), (*dir)->ns, (*dir)->uid, call);
	if (r < 0)
		return r;
	fm__dir_put(*dir);
	*dir = fresh;
	return 1;
}
