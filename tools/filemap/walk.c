/* SPDX-License-Identifier: MIT */
/*
 * walk.c - walking the store and inspecting the objects found in it.
 *
 * The tool looks at the store the way the library does (openat with
 * O_NOFOLLOW, every directory checked with fm__dir_check before use) but
 * never creates anything: listing an empty or missing store finds nothing.
 * Objects are inspected without locks, so looking never changes what a
 * holder or an opener sees; whether anyone holds an object comes from
 * /proc (locks.c).  Every file is judged on its own header, never
 * trusted: a bad one is reported as corrupt with the reason.
 */
#define _GNU_SOURCE
#include "tool.h"

#include "sync.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORLD_STICKY 01777

static const char *const ns_prefix[FM__NS_COUNT] = { "Local\\", "Global\\" };

/* The types' names, bare and with their article. */
static const struct {
	uint32_t type;
	const char *name, *a_name;
} type_names[] = {
	{ FM__TYPE_SECTION, "section", "a section" },
	{ FM__TYPE_MUTEX, "mutex", "a mutex" },
	{ FM__TYPE_EVENT, "event", "an event" },
	{ FM__TYPE_SEMAPHORE, "semaphore", "a semaphore" },
};

#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))

const char *tool_type_name(uint32_t type)
{
	for (size_t i = 0; i < TYPE_COUNT; i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "?";
}

const char *tool_a_type(uint32_t type)
{
	for (size_t i = 0; i < TYPE_COUNT; i++)
		if (type_names[i].type == type)
			return type_names[i].a_name;
	return "an object of unknown type";
}

/*
 * Opens directory sub under dirfd and checks it as the library would (see
 * fm__dir_check; mode 0 is the root).  Returns TOOL_OK with *out set,
 * TOOL_ABSENT when it does not exist, or TOOL_FAILED having said why.
 */
static int open_checked(int dirfd, const char *sub, const char *path, uid_t uid, mode_t mode,
			int *out)
{
	const char *why;
	struct stat st;
	int fd, r;

	fd = fm__os_openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd == -ENOENT)
		return TOOL_ABSENT;
	if (fd == -ELOOP || fd == -ENOTDIR)
		why = "is a symlink or not a directory";
	else if (fd < 0)
		why = strerror(-fd);
	else if ((r = fm__os_fstat(fd, &st)) < 0)
		why = strerror(-r);
	else
		why = fm__dir_check(&st, uid, mode);
	if (!why) {
		*out = fd;
		return TOOL_OK;
	}
	if (fd >= 0)
		fm__os_close(fd);
	tool_error("store directory %s %s; not using it: fix or remove it", path, why);
	return TOOL_FAILED;
}

/* Opens the store root; TOOL_ABSENT when there is no store yet. */
static int open_root(int *out)
{
	const char *root = fm__store_root();

	return open_checked(AT_FDCWD, root, root, geteuid(), 0, out);
}

static void namespace_dir(char *buf, size_t len, enum fm__namespace ns, uid_t uid)
{
	if (ns == FM__NS_GLOBAL)
		snprintf(buf, len, "global");
	else
		snprintf(buf, len, "local-%u", (unsigned)uid);
}

/* Opens namespace directory sub (of ns, owned by uid for local-<uid>). */
static int open_namespace_at(int rootfd, enum fm__namespace ns, uid_t uid, int *fd, char **path)
{
	char sub[32];
	int r;

	namespace_dir(sub, sizeof(sub), ns, uid);
	if (asprintf(path, "%s/%s", fm__store_root(), sub) < 0) {
		tool_error("out of memory");
		return TOOL_FAILED;
	}
	r = open_checked(rootfd, sub, *path, uid, ns == FM__NS_GLOBAL ? WORLD_STICKY : 0700, fd);
	if (r != TOOL_OK) {
		free(*path);
		*path = NULL;
	}
	return r;
}

static void close_entry(struct tool_entry *e)
{
	if (e->dirfd >= 0)
		fm__os_close(e->dirfd);
	e->dirfd = -1;
	free((char *)e->dir_path);
	e->dir_path = NULL;
}

int tool_find(struct tool_entry *e, struct fm__name *parsed, int argc, char **argv)
{
	char *name;
	int r;

	r = tool_parse_args(argc, argv, NULL, "NAME", &name);
	if (r == TOOL_OK)
		r = tool_parse_name(parsed, name);
	if (r != TOOL_OK)
		return r;
	r = tool_lookup(e, parsed);
	if (r != TOOL_OK)
		fm__name_free(parsed);
	return r;
}

int tool_lookup(struct tool_entry *e, struct fm__name *parsed)
{
	char *path = NULL;
	int rootfd, r, err = 0;

	memset(e, 0, sizeof(*e));
	e->dirfd = -1;
	r = open_root(&rootfd);
	if (r == TOOL_OK) {
		r = open_namespace_at(rootfd, parsed->ns, geteuid(), &e->dirfd, &path);
		fm__os_close(rootfd);
	}
	e->ns = parsed->ns;
	e->owner = parsed->ns == FM__NS_GLOBAL ? (uid_t)-1 : geteuid();
	e->dir_path = path;
	e->file = parsed->file;
	if (r == TOOL_OK)
		err = fm__os_fstatat(e->dirfd, e->file, &e->st, AT_SYMLINK_NOFOLLOW);
	if (err == -ENOENT) {
		r = TOOL_ABSENT;
	} else if (err < 0) {
		tool_error("%s: cannot look at %s/%s: %s", parsed->full, path, e->file, strerror(-err));
		r = TOOL_FAILED;
	}
	if (r == TOOL_ABSENT)
		tool_absent(parsed->full);
	if (r != TOOL_OK)
		close_entry(e);
	return r;
}

void tool_entry_close(struct tool_entry *e, struct fm__name *parsed)
{
	close_entry(e);
	if (parsed)
		fm__name_free(parsed);
}

/* Visits every entry of one namespace directory; returns a TOOL_* code. */
static int walk_namespace(int rootfd, enum fm__namespace ns, uid_t uid, tool_visit_fn fn,
			  void *arg)
{
	struct tool_entry e = { .ns = ns, .owner = ns == FM__NS_GLOBAL ? (uid_t)-1 : uid };
	int fd, r, status = TOOL_OK;
	struct dirent *de;
	char *path;
	DIR *dir;

	r = open_namespace_at(rootfd, ns, uid, &fd, &path);
	if (r != TOOL_OK)
		return r == TOOL_ABSENT ? TOOL_OK : r;
	dir = fdopendir(fd);
	if (!dir) {
		tool_error("cannot read store directory %s: %s", path, strerror(errno));
		fm__os_close(fd);
		free(path);
		return TOOL_FAILED;
	}
	e.dirfd = fd;
	e.dir_path = path;
	while ((errno = 0, de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* A regular file is stat'ed when it is inspected; anything else
		 * now.  Gone since readdir saw it: removed by its last holder. */
		e.type_only = de->d_type == DT_REG;
		if (e.type_only)
			e.st = (struct stat){ .st_mode = S_IFREG };
		else if (fm__os_fstatat(fd, de->d_name, &e.st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		e.file = de->d_name;
		if (fn(&e, arg) != TOOL_OK)
			status = TOOL_FAILED;
	}
	if (errno) {
		tool_error("cannot read store directory %s: %s", path, strerror(errno));
		status = TOOL_FAILED;
	}
	closedir(dir);
	free(path);
	return status;
}

/* The uid of a "local-<uid>" directory name, as the library spells it. */
static bool local_dir_uid(const char *name, uid_t *uid)
{
	char canonical[32];
	unsigned long v;
	char *end;

	if (strncmp(name, "local-", 6) != 0)
		return false;
	errno = 0;
	v = strtoul(name + 6, &end, 10);
	if (errno || *end || v >= (uid_t)-1)
		return false;
	namespace_dir(canonical, sizeof(canonical), FM__NS_LOCAL, (uid_t)v);
	*uid = (uid_t)v;
	return strcmp(canonical, name) == 0;
}

/* Root sees every user's Local\ objects: every local-<uid> directory. */
static int walk_every_local(int rootfd, tool_visit_fn fn, void *arg)
{
	int fd = fm__os_openat(rootfd, ".", O_RDONLY | O_DIRECTORY, 0), status = TOOL_OK;
	struct dirent *de;
	DIR *dir;
	uid_t uid;

	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		tool_error("cannot read the store root %s: %s", fm__store_root(),
			   strerror(fd < 0 ? -fd : errno));
		if (fd >= 0)
			fm__os_close(fd);
		return TOOL_FAILED;
	}
	while ((de = readdir(dir)) != NULL) {
		if (local_dir_uid(de->d_name, &uid) &&
		    walk_namespace(rootfd, FM__NS_LOCAL, uid, fn, arg) != TOOL_OK)
			status = TOOL_FAILED;
	}
	closedir(dir);
	return status;
}

int tool_walk_store(tool_visit_fn fn, void *arg)
{
	int rootfd, r, status;

	r = open_root(&rootfd);
	if (r != TOOL_OK)
		return r == TOOL_ABSENT ? TOOL_OK : r;
	if (geteuid() == 0)
		status = walk_every_local(rootfd, fn, arg);
	else
		status = walk_namespace(rootfd, FM__NS_LOCAL, geteuid(), fn, arg);
	if (walk_namespace(rootfd, FM__NS_GLOBAL, 0, fn, arg) != TOOL_OK)
		status = TOOL_FAILED;
	fm__os_close(rootfd);
	return status;
}

/* Whether name ("Local\\x") is stored under e's file name, in e's namespace. */
static bool belongs_here(const char *name, const struct tool_entry *e)
{
	struct fm__name parsed;
	bool ok;

	if (fm__name_parse(&parsed, name) < 0)
		return false;
	ok = parsed.ns == e->ns && strcmp(parsed.file, e->file) == 0;
	fm__name_free(&parsed);
	return ok;
}

/*
 * The name a directly encoded file name stands for, or NULL (a hashed or
 * foreign file name: fm__name_decode_file accepts only what the encoder
 * writes).
 */
static char *decode_name(const struct tool_entry *e)
{
	char rest[NAME_MAX + 1], *name;

	if (!fm__name_decode_file(rest, sizeof(rest), e->file) ||
	    asprintf(&name, "%s%s", ns_prefix[e->ns], rest) < 0)
		return NULL;
	return name;
}

/*
 * Judges a sync object's state, read from its state page: the library
 * refuses an object whose state fails its checks, so such an object is
 * corrupt, though its type is known.
 */
static void inspect_sync(struct tool_object *o)
{
	const char *why = NULL;

	if (fm__sync_describe_file(o->fd, &o->st, &o->hdr, &o->sync, &why) == 0)
		return;
	o->state = TOOL_CORRUPT;
	snprintf(o->why, sizeof(o->why), "corrupt %s state: %s", tool_type_name(o->hdr.type),
		 why ? why : "unknown kind");
	o->problem = o->why;
}

/* Reads and judges the header of the open file o->fd. */
static void inspect_header(struct tool_object *o, const struct tool_entry *e)
{
	const char *why = "";
	char *stored = NULL;
	int r;

	r = fm__header_read(o->fd, &o->st, &o->hdr, &stored, &why);
	if (r == FM_ECORRUPT) {
		o->state = TOOL_CORRUPT;
		o->problem = why;
	} else if (r < 0) {
		o->state = TOOL_UNREADABLE;
		o->problem = fm_strerror(r);
	} else if (!belongs_here(stored, e)) {
		o->state = TOOL_CORRUPT;
		o->problem = "the store file for this name holds another name";
	} else if ((o->hdr.flags & FM__HDR_FILE) &&
		   (r = fm__header_read_path(o->fd, &o->hdr, &o->backing, &why)) < 0) {
		o->state = r == FM_ECORRUPT ? TOOL_CORRUPT : TOOL_UNREADABLE;
		o->problem = r == FM_ECORRUPT ? why : fm_strerror(r);
	} else {
		o->typed = true;
		o->state = TOOL_SOUND;
		o->name = stored;
		stored = NULL;
		if (fm__sync_kind_of(o->hdr.type))
			inspect_sync(o);
	}
	free(stored);
}

const char *tool_backing_state(const struct tool_object *o, struct stat *st)
{
	/* What fm__backing_open checks, without opening the file. */
	if (stat(o->backing, st) < 0)
		return "missing";
	if (!S_ISREG(st->st_mode) || st->st_dev != o->hdr.backing_dev ||
	    st->st_ino != o->hdr.backing_ino)
		return "replaced";
	if ((uint64_t)st->st_size < o->hdr.size)
		return "truncated";
	return "present";
}

void tool_inspect(struct tool_object *o, const struct tool_entry *e)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->st = e->st;
	if (!S_ISREG(e->st.st_mode)) {
		o->state = TOOL_CORRUPT;
		o->problem = "not a regular file";
	} else if ((o->fd = fm__object_open_file(e->dirfd, e->file, O_RDONLY)) < 0) {
		o->state = o->fd == -ENOENT ? TOOL_GONE : TOOL_UNREADABLE;
		/* What is shown of a file that cannot be opened is its entry's. */
		if (e->type_only && o->state != TOOL_GONE &&
		    fm__os_fstatat(e->dirfd, e->file, &o->st, AT_SYMLINK_NOFOLLOW) < 0)
			o->state = TOOL_GONE;
		o->problem = o->fd == -EACCES ? "permission denied by the object's mode"
					      : strerror(-o->fd);
		o->fd = -1;
	} else if (fm__os_fstat(o->fd, &o->st) < 0 || !S_ISREG(o->st.st_mode)) {
		/* Replaced by something else since the walk saw it. */
		o->state = TOOL_CORRUPT;
		o->problem = "not a regular file";
	} else {
		inspect_header(o, e);
	}
	if (!o->name)
		o->name = decode_name(e);
}

void tool_object_free(struct tool_object *o)
{
	if (o->fd >= 0)
		fm__os_close(o->fd);
	o->fd = -1;
	free(o->name);
	o->name = NULL;
	free(o->backing);
	o->backing = NULL;
}
