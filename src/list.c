/* SPDX-License-Identifier: MIT */
/*
 * list.c - listing the store: fm_store_list_open/next/close, and the walk
 * over its directories that the listing and the tool share.
 *
 * A walk looks at the store the way the library does (openat with
 * O_NOFOLLOW, every directory judged by its owner with the library's own
 * rules, fm__store_dir_open, before it is read) but never creates
 * anything: a missing store lists nothing.  It reads one
 * directory at a time with readdir, so a listing streams; an unsafe or
 * unreadable directory is reported once and left, and the walk goes on
 * with the next.  The listing inspects each entry (inspect.c), filters it,
 * and tells who holds it from a table made once (holders.c).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BOTH_NAMESPACES (FM_NAMESPACE_LOCAL | FM_NAMESPACE_GLOBAL)
/* rootfd before the first fm__walk_next, which opens and checks it. */
#define ROOT_NOT_OPEN (-2)

struct fm__walk {
	int rootfd;          /* -1: no store, nothing to walk; or ROOT_NOT_OPEN */
	uid_t root_owner;    /* the root's owner, whom global/ may belong to */
	unsigned pending;    /* namespaces (FM_NAMESPACE_*) not yet begun */
	bool every_user;     /* root: every local-<uid>, read from roots */
	DIR *roots;          /* the root directory, read for local-<uid> */
	DIR *dir;            /* the namespace directory being read, or NULL */
	char *one;           /* only this file (of the one namespace), or NULL */
	bool one_done;       /* and it was looked for */
	bool pause;          /* stop at each directory's end (fm__walk_pause) */
	bool dir_done;       /* the open directory is finished: left at the next call */
	struct fm__entry at; /* the directory's part of each entry */
};

/* ------------------------------------------------------------------------
 * The walk
 * ------------------------------------------------------------------------ */

static void namespace_dir(char *buf, size_t len, enum fm__namespace ns, uid_t uid)
{
	if (ns == FM__NS_GLOBAL)
		snprintf(buf, len, "global");
	else
		snprintf(buf, len, "local-%u", (unsigned)uid);
}

/*
 * Opens directory sub (path, for messages) under dirfd, for reading if
 * read, else O_PATH, and checks it as the library does (fm__store_dir_open).
 * One that may not be read is opened again O_PATH, to be judged by its
 * owner all the same: a squatter's directory is unsafe, not unreadable.
 * Returns the descriptor with *st, -ENOENT when it does not exist, or a
 * failure with its message: FM_ESTORE for an unsafe one, else what stopped
 * us (-EMFILE...).
 */
static int open_checked(int dirfd, const char *sub, const char *path, enum fm__dir_kind kind,
			uid_t uid, uid_t root_owner, bool read, struct stat *st, const char *call)
{
	char why[512];
	int fd = fm__store_dir_open(dirfd, sub, read ? O_RDONLY : O_PATH, kind, uid, root_owner,
				    why, sizeof(why), st);

	if (fd == -EACCES && read) {
		fd = fm__store_dir_open(dirfd, sub, O_PATH, kind, uid, root_owner, why, sizeof(why),
					st);
		if (fd >= 0) {
			fm__os_close(fd);
			fd = -EACCES;
		}
	}
	if (fd == FM_ESTORE)
		return fm__fail(fd, call, NULL, "store directory %s %s", path, why);
	if (fd < 0 && fd != -ENOENT)
		return fm__fail(fd, call, NULL, "cannot open store directory %s: %s", path,
				fm_strerror(fd));
	return fd;
}

/* Opens namespace ns's directory (of uid, for local-<uid>) into w->at.
 * Returns 0, -ENOENT when it does not exist, or a failure. */
static int open_namespace(struct fm__walk *w, enum fm__namespace ns, uid_t uid,
			  const char *call)
{
	char sub[32], *path;
	struct stat st;
	int fd;

	namespace_dir(sub, sizeof(sub), ns, uid);
	if (asprintf(&path, "%s/%s", fm__store_root(), sub) < 0)
		return fm__fail(-ENOMEM, call, NULL, NULL);
	fd = open_checked(w->rootfd, sub, path, ns == FM__NS_GLOBAL ? FM__DIR_GLOBAL : FM__DIR_LOCAL,
			  uid, w->root_owner, true, &st, call);
	if (fd < 0) {
		free(path);
		return fd;
	}
	free((char *)w->at.dir_path);
	w->at = (struct fm__entry){ .ns = ns, .owner = ns == FM__NS_GLOBAL ? (uid_t)-1 : uid,
				    .dirfd = fd, .dir_path = path };
	return 0;
}

static void close_namespace(struct fm__walk *w)
{
	if (w->dir)
		closedir(w->dir); /* closes at.dirfd */
	else if (w->at.dirfd >= 0)
		fm__os_close(w->at.dirfd);
	w->dir = NULL;
	w->at.dirfd = -1;
}

/* The uid of a "local-<uid>" directory name, as the library spells it. */
static bool local_dir_uid(const char *name, uid_t *uid)
{
	char canonical[32];
	unsigned long v;
	char *end;

	if (strncmp(name, "local-", 6) != 0 || name[6] < '0' || name[6] > '9')
		return false;
	errno = 0;
	v = strtoul(name + 6, &end, 10);
	if (errno || *end || v >= (uid_t)-1)
		return false;
	namespace_dir(canonical, sizeof(canonical), FM__NS_LOCAL, (uid_t)v);
	*uid = (uid_t)v;
	return strcmp(canonical, name) == 0;
}

/* The uid of the next local-<uid> directory in the root (root's walk):
 * 1, 0 when there are no more, or a failure with its message. */
static int next_local_uid(struct fm__walk *w, uid_t *uid, const char *call)
{
	struct dirent *de;
	int fd, r;

	if (!w->roots) {
		fd = fm__os_openat(w->rootfd, ".", O_RDONLY | O_DIRECTORY, 0);
		w->roots = fd < 0 ? NULL : fdopendir(fd);
		if (!w->roots) {
			r = fd < 0 ? fd : -errno;
			if (fd >= 0)
				fm__os_close(fd);
			return fm__fail(r, call, NULL, "cannot read the store root %s: %s",
					fm__store_root(), fm_strerror(r));
		}
	}
	while ((errno = 0, de = readdir(w->roots)) != NULL)
		if (local_dir_uid(de->d_name, uid))
			return 1;
	if (errno)
		return fm__fail(-errno, call, NULL, "cannot read the store root %s: %s",
				fm__store_root(), strerror(errno));
	return 0;
}

/*
 * Opens the next namespace directory to read.  Returns 1 when one is open
 * (w->at), 0 when there are none left, or a failure (that directory is
 * then left).
 */
static int next_namespace(struct fm__walk *w, const char *call)
{
	uid_t uid = geteuid();
	int r;

	for (;;) {
		if (w->pending & FM_NAMESPACE_LOCAL) {
			r = w->every_user ? next_local_uid(w, &uid, call) : 1;
			if (r <= 0 || !w->every_user)
				w->pending &= ~FM_NAMESPACE_LOCAL;
			if (r < 0)
				return r;
			if (r == 0)
				continue;
			r = open_namespace(w, FM__NS_LOCAL, uid, call);
		} else if (w->pending & FM_NAMESPACE_GLOBAL) {
			w->pending &= ~FM_NAMESPACE_GLOBAL;
			r = open_namespace(w, FM__NS_GLOBAL, 0, call);
		} else {
			return 0;
		}
		if (r != -ENOENT)
			return r < 0 ? r : 1;
	}
}

int fm__walk_open(struct fm__walk **out, unsigned namespaces, const char *one)
{
	struct fm__walk *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->rootfd = ROOT_NOT_OPEN;
	w->at.dirfd = -1;
	w->pending = namespaces;
	w->every_user = geteuid() == 0 && !one;
	if (one && !(w->one = strdup(one))) {
		free(w);
		return -ENOMEM;
	}
	*out = w;
	return 0;
}

/* The first next(): opens and checks the root.  0, or a failure. */
static int open_root(struct fm__walk *w, const char *call)
{
	const char *root = fm__store_root();
	struct stat st;
	/* Only searched (root's walk reads it anew, next_local_uid). */
	int fd = open_checked(AT_FDCWD, root, root, FM__DIR_ROOT, geteuid(), 0, false, &st, call);

	if (fd == -ENOENT) {
		w->rootfd = -1;
		return 0;
	}
	w->rootfd = fd < 0 ? -1 : fd;
	w->root_owner = fd < 0 ? 0 : st.st_uid;
	return fd < 0 ? fd : 0;
}

/* The only entry of a one-file walk: 1, 0 (absent) or a failure. */
static int next_one(struct fm__walk *w, struct fm__entry *e, const char *call)
{
	int r;

	if (w->one_done)
		return 0;
	w->one_done = true;
	r = next_namespace(w, call);
	if (r <= 0)
		return r;
	*e = w->at;
	e->file = w->one;
	r = fm__os_fstatat(w->at.dirfd, w->one, &e->st, AT_SYMLINK_NOFOLLOW);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return fm__fail(r, call, NULL, "cannot look at %s/%s: %s", w->at.dir_path, w->one,
				fm_strerror(r));
	return 1;
}

/* Reads the next entry of the open directory: 1, 0 at its end, or a
 * failure (the directory is then left). */
static int read_entry(struct fm__walk *w, struct fm__entry *e, const char *call)
{
	struct dirent *de;

	while ((errno = 0, de = readdir(w->dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		*e = w->at;
		e->file = de->d_name;
		/* A regular file is stat'ed when it is inspected; anything else
		 * now.  Gone since readdir saw it: removed by its last holder. */
		e->type_only = de->d_type == DT_REG;
		if (e->type_only)
			e->st = (struct stat){ .st_mode = S_IFREG };
		else if (fm__os_fstatat(w->at.dirfd, de->d_name, &e->st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		return 1;
	}
	if (errno)
		return fm__fail(-errno, call, NULL, "cannot read store directory %s: %s",
				w->at.dir_path, strerror(errno));
	return 0;
}

int fm__walk_next(struct fm__walk *w, struct fm__entry *e, const char *call)
{
	int r;

	if (w->rootfd == ROOT_NOT_OPEN && (r = open_root(w, call)) < 0)
		return r;
	if (w->rootfd < 0)
		return 0;
	if (w->one)
		return next_one(w, e, call);
	if (w->dir_done)
		close_namespace(w);
	w->dir_done = false;
	for (;;) {
		if (w->dir) {
			r = read_entry(w, e, call);
			if (r > 0)
				return r;
			/* Its entries may still be in use: it is closed at the next
			 * call (when it failed, the next call goes on with the next). */
			if (r < 0 || w->pause) {
				w->dir_done = true;
				return r < 0 ? r : FM__WALK_DIR_END;
			}
			close_namespace(w);
		}
		r = next_namespace(w, call);
		if (r <= 0)
			return r;
		w->dir = fdopendir(w->at.dirfd);
		if (!w->dir) {
			r = -errno;
			close_namespace(w);
			return fm__fail(r, call, NULL, "cannot read store directory %s: %s",
					w->at.dir_path, fm_strerror(r));
		}
	}
}

void fm__walk_pause(struct fm__walk *w)
{
	w->pause = true;
}

void fm__walk_close(struct fm__walk *w)
{
	if (!w)
		return;
	close_namespace(w);
	if (w->roots)
		closedir(w->roots);
	if (w->rootfd >= 0)
		fm__os_close(w->rootfd);
	free((char *)w->at.dir_path);
	free(w->one);
	free(w);
}

/* ------------------------------------------------------------------------
 * The listing
 * ------------------------------------------------------------------------ */

struct fm_store_list {
	struct fm__ahead *ahead;   /* the walk, inspected ahead (lookahead.c) */
	int type;                  /* only this type, or 0 */
	unsigned flags;            /* FM_LIST_* */
	char *pattern;             /* the glob, without a namespace prefix, or NULL */
	struct fm__holders holders;
	const struct fm__inspection *now; /* the object last reported */
	char *path;                /* now's store file */
	size_t path_cap;
	int32_t *pids;             /* now's holders */
	size_t pids_cap;
};

#define LIST_FLAGS FM_LIST_NO_HOLDERS

static const char open_call[] = "fm_store_list_open";
static const char next_call[] = "fm_store_list_next";

/* Takes a namespace prefix off the pattern, narrowing *namespaces. */
static const char *pattern_namespace(const char *pattern, unsigned *namespaces)
{
	static const struct {
		const char *prefix;
		unsigned ns;
	} prefixes[] = { { "Local\\", FM_NAMESPACE_LOCAL }, { "Global\\", FM_NAMESPACE_GLOBAL } };

	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(prefixes[i].prefix);

		if (strncmp(pattern, prefixes[i].prefix, len) == 0) {
			*namespaces &= prefixes[i].ns;
			return pattern + len;
		}
	}
	return pattern;
}

/* Checks and copies the options; 0 or a failure with its message. */
static int take_opts(struct fm_list_opts *o, const struct fm_list_opts *opts)
{
	static const size_t field_ends[] = {
		offsetof(struct fm_list_opts, namespaces) + sizeof(unsigned),
		offsetof(struct fm_list_opts, type) + sizeof(int),
		offsetof(struct fm_list_opts, pattern) + sizeof(const char *),
		offsetof(struct fm_list_opts, name) + sizeof(const char *),
		offsetof(struct fm_list_opts, flags) + sizeof(unsigned),
	};

	*o = (struct fm_list_opts)FM_LIST_OPTS_INIT;
	if (!opts)
		return 0;
	if (opts->size < sizeof(uint32_t))
		return fm__fail(-EINVAL, open_call, NULL, "opts->size is too small");
	memcpy(o, opts, fm__struct_fit(opts->size, field_ends, 5));
	if (o->namespaces & ~BOTH_NAMESPACES)
		return fm__fail(-EINVAL, open_call, NULL, "unknown namespace bits %#x",
				o->namespaces & ~BOTH_NAMESPACES);
	if (o->type < 0 || o->type > FM_TYPE_SEMAPHORE)
		return fm__fail(-EINVAL, open_call, NULL, "unknown type %d", o->type);
	if (o->flags & ~LIST_FLAGS)
		return fm__fail(-EINVAL, open_call, NULL, "unknown flags %#x", o->flags & ~LIST_FLAGS);
	return 0;
}

static bool may_match(const struct fm__entry *e, const void *arg);

/* Makes the walk: of one name, or of the namespaces the options leave
 * (none, when the filters disagree: an empty listing). */
static int open_walk(struct fm_store_list *l, const struct fm_list_opts *o)
{
	static const unsigned ns_bit[FM__NS_COUNT] = { FM_NAMESPACE_LOCAL, FM_NAMESPACE_GLOBAL };
	unsigned namespaces = o->namespaces ? o->namespaces : BOTH_NAMESPACES;
	struct fm__walk *walk;
	struct fm__name one;
	int r;

	if (o->pattern && !(l->pattern = strdup(pattern_namespace(o->pattern, &namespaces))))
		return fm__fail(-ENOMEM, open_call, NULL, NULL);
	if (!o->name) {
		r = fm__walk_open(&walk, namespaces, NULL);
	} else {
		r = fm__name_parse(&one, o->name);
		if (r < 0)
			return fm__fail(r, open_call, r == -ENOMEM ? NULL : o->name, NULL);
		r = fm__walk_open(&walk, namespaces & ns_bit[one.ns], one.file);
		fm__name_free(&one);
	}
	if (r == 0 && (r = fm__ahead_open(&l->ahead, walk, may_match, l)) < 0)
		fm__walk_close(walk);
	return r < 0 ? fm__fail(r, open_call, NULL, NULL) : 0;
}

FM_API int fm_store_list_open(fm_store_list **out, const struct fm_list_opts *opts)
{
	struct fm_list_opts o;
	fm_store_list *l;
	int r;

	if (!out)
		return fm__fail(-EINVAL, open_call, NULL, "out is NULL");
	r = take_opts(&o, opts);
	if (r < 0)
		return r;
	l = calloc(1, sizeof(*l));
	if (!l)
		return fm__fail(-ENOMEM, open_call, NULL, NULL);
	l->type = o.type;
	l->flags = o.flags;
	r = open_walk(l, &o);
	if (r < 0) {
		fm_store_list_close(l);
		return r;
	}
	/* /proc that cannot be read leaves the holders unknown, not an error. */
	if (!(l->flags & FM_LIST_NO_HOLDERS))
		fm__holders_load(&l->holders);
	*out = l;
	return 0;
}

/*
 * Whether the pattern could match the entry, judged before it is opened:
 * a directly encoded file name tells its name.  A hashed one must be read.
 */
static bool may_match(const struct fm__entry *e, const void *arg)
{
	const fm_store_list *l = arg;
	char rest[NAME_MAX + 1];

	if (!l->pattern || !fm__name_decode_file(rest, sizeof(rest), e->file))
		return true;
	return fnmatch(l->pattern, rest, 0) == 0;
}

/* Whether the inspected object passes the filters. */
static bool wanted(const fm_store_list *l, const struct fm__inspection *o,
		   const struct fm__entry *e)
{
	const char *slash = o->name ? strchr(o->name, '\\') : NULL;

	if (l->type && (!o->typed || (int)o->hdr.type != l->type))
		return false;
	return !l->pattern || fnmatch(l->pattern, slash ? slash + 1 : e->file, 0) == 0;
}

/* Keeps the distinct holders of the current object in l->pids. */
static int take_holders(fm_store_list *l, size_t *count)
{
	const struct fm__holder *first;
	size_t n = fm__holders_find(&l->holders, &l->now->st, &first);

	if (n > l->pids_cap) {
		int32_t *more = realloc(l->pids, n * sizeof(*more));

		if (!more)
			return -ENOMEM;
		l->pids = more;
		l->pids_cap = n;
	}
	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (*count == 0 || l->pids[*count - 1] != first[i].pid)
			l->pids[(*count)++] = first[i].pid;
	return 0;
}

#define INFO_END(f) (offsetof(struct fm_object_info, f) + sizeof(((struct fm_object_info *)0)->f))

/* Copies the whole fields of info that fit the caller's struct. */
static void copy_info(struct fm_object_info *out, const struct fm_object_info *info)
{
	static const size_t field_ends[] = {
		INFO_END(ns), INFO_END(name), INFO_END(path), INFO_END(type), INFO_END(status),
		INFO_END(problem), INFO_END(section_size), INFO_END(mode), INFO_END(uid),
		INFO_END(gid), INFO_END(max_access), INFO_END(flags), INFO_END(header_size),
		INFO_END(creator_uid), INFO_END(creator_pid), INFO_END(created_sec),
		INFO_END(created_nsec), INFO_END(holders_known), INFO_END(holder_count),
		INFO_END(holders), INFO_END(backing), INFO_END(backing_state),
		INFO_END(backing_dev), INFO_END(backing_ino), INFO_END(backing_file_size),
		INFO_END(sync), INFO_END(waiters),
	};
	uint32_t size = out->size;

	memcpy(out, info, fm__struct_fit(size, field_ends, sizeof(field_ends) / sizeof(field_ends[0])));
	out->size = size;
}

/* What the header tells, when it is sound. */
static void describe_header(struct fm_object_info *info, const struct fm__inspection *o)
{
	const struct fm__header *h = &o->hdr;
	struct stat st;

	info->type = (int)h->type;
	info->section_size = h->type == FM__TYPE_SECTION ? h->size : 0;
	info->max_access = h->max_access & (FM_READ | FM_WRITE | FM_EXEC);
	info->flags = (h->flags & FM__HDR_RESERVE ? FM_OBJECT_RESERVE : 0) |
		      (h->flags & FM__HDR_FILE ? FM_OBJECT_FILE : 0);
	info->header_size = h->header_size;
	info->creator_uid = h->creator_uid;
	info->creator_pid = (int32_t)h->creator_pid;
	info->created_sec = h->created_sec;
	info->created_nsec = h->created_nsec;
	if (o->backing) {
		info->backing = o->backing;
		info->backing_state = fm__backing_state(o, &st);
		info->backing_dev = h->backing_dev;
		info->backing_ino = h->backing_ino;
		if (info->backing_state != FM_BACKING_MISSING)
			info->backing_file_size = (uint64_t)st.st_size;
	}
	if (o->state == FM__INSPECT_SOUND && h->type != FM__TYPE_SECTION) {
		info->sync = o->sync;
		info->waiters = fm__inspect_waiters(o);
	}
}

/* Makes l->path the entry's path, in a buffer kept from one to the next. */
static int join_path(fm_store_list *l, const struct fm__entry *e)
{
	size_t dir = strlen(e->dir_path), file = strlen(e->file), need = dir + file + 2;

	if (need > l->path_cap) {
		char *more = realloc(l->path, need);

		if (!more)
			return -ENOMEM;
		l->path = more;
		l->path_cap = need;
	}
	memcpy(l->path, e->dir_path, dir);
	l->path[dir] = '/';
	memcpy(l->path + dir + 1, e->file, file + 1);
	return 0;
}

/* Fills *out from the object l->now found at e; 0 or -ENOMEM. */
static int describe(fm_store_list *l, const struct fm__entry *e, struct fm_object_info *out)
{
	struct fm_object_info info = FM_OBJECT_INFO_INIT;
	const struct fm__inspection *o = l->now;
	size_t holders = 0;

	if (join_path(l, e) < 0)
		return -ENOMEM;
	if (l->holders.known && take_holders(l, &holders) < 0)
		return -ENOMEM;
	info.ns = e->ns == FM__NS_GLOBAL ? FM_NAMESPACE_GLOBAL : FM_NAMESPACE_LOCAL;
	info.name = o->name;
	info.path = l->path;
	info.status = o->state == FM__INSPECT_SOUND ? 0 : o->error;
	info.problem = o->problem;
	/* The object's mode is its creator's word in the header (the store
	 * file's own mode says who may read the header, not the object). */
	info.mode = o->typed ? o->hdr.mode : o->st.st_mode & 07777;
	info.uid = o->st.st_uid;
	info.gid = o->st.st_gid;
	info.holders_known = l->holders.known;
	info.holder_count = holders;
	info.holders = holders ? l->pids : NULL;
	info.waiters = -1;
	if (o->typed)
		describe_header(&info, o);
	copy_info(out, &info);
	return 0;
}

FM_API int fm_store_list_next(fm_store_list *l, struct fm_object_info *out)
{
	const struct fm__entry *e;
	struct fm__inspection *o;
	int r;

	if (!l || !out)
		return fm__fail(-EINVAL, next_call, NULL, l ? "out is NULL" : "the listing is NULL");
	if (out->size < INFO_END(ns))
		return fm__fail(-EINVAL, next_call, NULL, "out->size is too small");
	for (;;) {
		l->now = NULL;
		r = fm__ahead_next(l->ahead, &e, &o, next_call);
		if (r <= 0)
			return r;
		if (o->state == FM__INSPECT_FAILED)
			return fm__fail(o->error, next_call, NULL, "cannot look at %s/%s: %s",
					e->dir_path, e->file, o->problem);
		if (o->state == FM__INSPECT_GONE || !wanted(l, o, e))
			continue;
		l->now = o;
		r = describe(l, e, out);
		return r < 0 ? fm__fail(r, next_call, NULL, NULL) : 1;
	}
}

FM_API void fm_store_list_close(fm_store_list *l)
{
	if (!l)
		return;
	fm__ahead_close(l->ahead);
	fm__holders_free(&l->holders);
	free(l->pattern);
	free(l->path);
	free(l->pids);
	free(l);
}
