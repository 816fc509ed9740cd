/* SPDX-License-Identifier: MIT */
/*
 * bridge_objects.c - the native side of the bridged names.
 *
 * A section NAME:SIZE that nobody holds becomes a native section over a
 * new shared file of SIZE bytes in the run directory, before COMMAND
 * starts; the helper makes the Windows section of NAME on the same file,
 * so both sides map the same pages.  When NAME is held natively already
 * (with or without :SIZE), its size is the existing one, and it is
 * mirrored to the shared file (mirror.c): a store section cannot be mapped
 * by Windows.  A NAME without SIZE that no side holds is looked for on
 * both sides until one makes it (bridge_objects_poll here, the helper in
 * Wine): the first one's size wins, and the other side gets the shared file.
 *
 * A --posix NAME is a plain file, /dev/shm/NAME (what shm_open makes, and
 * what community Wine bridges export), made the native section NAME as
 * `filemap create NAME 0 --file /dev/shm/NAME --hold` would, once it is
 * there and has a size.
 *
 * An event NAME is created here (or the existing one is taken, with its
 * kind) and by the helper in Wine, each side's own, and relay.c makes them
 * behave as one.
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Where shm_open puts its files. */
#define POSIX_SHM_DIR "/dev/shm/"

static void broken(struct bridge_section *s)
{
	s->state = BRIDGE_BROKEN;
	fm_section_close(s->section);
	s->section = NULL;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void *mirror_main(void *arg)
{
	struct bridge_objects *o = arg;
	uint64_t start, pause;

	while (!atomic_load(&o->stop_mirrors)) {
		start = now_ns();
		pthread_mutex_lock(&o->mirror_lock);
		for (unsigned i = 0; i < o->mirror_count; i++)
			mirror_pass(o->mirrors[i]);
		pthread_mutex_unlock(&o->mirror_lock);
		pause = (now_ns() - start) * MIRROR_IDLE_FACTOR;
		if (pause < MIRROR_PERIOD_MS * 1000000u)
			pause = MIRROR_PERIOD_MS * 1000000u;
		nanosleep(&(struct timespec){ .tv_sec = (time_t)(pause / 1000000000u),
					      .tv_nsec = (long)(pause % 1000000000u) }, NULL);
	}
	return NULL;
}

/* The shared file of section i, new and empty; -1 having said why. */
static int make_file(struct bridge_objects *o, unsigned i)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "section-%u", i);
	fd = openat(o->rundir, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		tool_error("cannot make the shared file %s: %s", name, strerror(errno));
	return fd;
}

/* Gives the shared file exactly size bytes, all of them reserved. */
static int size_file(int fd, uint64_t size, const char *name)
{
	int r = ftruncate(fd, (off_t)size) < 0 ? errno : posix_fallocate(fd, 0, (off_t)size);

	if (r != 0)
		tool_error("%s: cannot make its shared file %llu bytes: %s", name,
			   (unsigned long long)size, strerror(r));
	return r ? TOOL_FAILED : TOOL_OK;
}

/* Mirrors s->section, which existed before the bridge, to its shared file
 * (already s->size bytes). */
static int mirror_native(struct bridge_objects *o, struct bridge_section *s)
{
	int r = fm_view_map(&s->native_view, s->section, 0, 0, FM_WRITE);

	if (r < 0)
		return tool_lib_failure(r);
	s->file_view = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, s->file, 0);
	s->shadow = s->file_view == MAP_FAILED ? NULL : malloc(s->size);
	if (!s->shadow) {
		tool_error("%s: cannot map its shared file: %s", s->name.full, strerror(errno));
		return TOOL_FAILED;
	}
	/* The Windows side (the file) wins a block both changed. */
	mirror_init(&s->mirror, s->file_view, s->native_view, s->shadow, s->size, 0);
	pthread_mutex_lock(&o->mirror_lock);
	o->mirrors[o->mirror_count++] = &s->mirror;
	pthread_mutex_unlock(&o->mirror_lock);
	if (!o->mirror_started) {
		r = pthread_create(&o->mirror_thread, NULL, mirror_main, o);
		if (r != 0) {
			tool_error("cannot start a thread: %s", strerror(r));
			return TOOL_FAILED;
		}
		o->mirror_started = true;
	}
	s->state = BRIDGE_COPYING;
	if (o->verbose)
		tool_error("%s: held natively already, %llu bytes: mirrored to the shared file",
			   s->name.full, (unsigned long long)s->size);
	return TOOL_OK;
}

/* The native section s->section exists: a shared file of its size, and
 * the mirror between them. */
static int adopt(struct bridge_objects *o, struct bridge_section *s, unsigned i)
{
	s->size = fm_section_size(s->section);
	if (s->file < 0)
		s->file = make_file(o, i);
	if (s->file < 0 || size_file(s->file, s->size, s->name.full) != TOOL_OK)
		return TOOL_FAILED;
	return mirror_native(o, s);
}

/* Makes the native section of s on a new shared file of size bytes, or
 * finds the name taken and adopts it. */
static int share(struct bridge_objects *o, struct bridge_section *s, unsigned i, uint64_t size)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	int r;

	s->file = make_file(o, i);
	if (s->file < 0)
		return TOOL_FAILED;
	opts.fd = s->file;
	r = fm_section_create(&s->section, s->name.full, size, &opts);
	if (r < 0)
		return tool_type_failure(r, &s->name, FM__TYPE_SECTION);
	if (r == FM_EXISTED)
		return adopt(o, s, i);
	s->size = size;
	s->state = BRIDGE_SHARING;
	if (o->verbose)
		tool_error("%s: %llu bytes, a native section on the shared file", s->name.full,
			   (unsigned long long)size);
	return TOOL_OK;
}

/* Sets up section i before COMMAND starts. */
static int setup_section(struct bridge_objects *o, struct bridge_section *s, unsigned i)
{
	int r;

	s->file = -1;
	s->state = BRIDGE_PENDING;
	if (s->size)
		return share(o, s, i, s->size);
	r = fm_section_open(&s->section, s->name.full, FM_READ | FM_WRITE);
	if (r == -ENOENT)
		return TOOL_OK; /* looked for later, on both sides */
	if (r < 0)
		return tool_type_failure(r, &s->name, FM__TYPE_SECTION);
	return adopt(o, s, i);
}

/* Creates event e, or takes the existing one with its kind. */
static int setup_event(struct bridge_objects *o, struct bridge_event *e)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;
	int r = fm_event_create(&e->event, e->name.full, e->manual ? FM_EVENT_MANUAL_RESET : 0, NULL);

	if (r < 0)
		return tool_type_failure(r, &e->name, FM__TYPE_EVENT);
	if (r == FM_EXISTED && fm_sync_query(&info, e->event) == 0 && !info.manual_reset != !e->manual) {
		tool_error("note: %s exists already as %s event: bridged as one", e->name.full,
			   info.manual_reset ? "a manual-reset" : "an auto-reset");
		e->manual = info.manual_reset;
	}
	if (o->verbose)
		tool_error("%s: %s event", e->name.full, e->manual ? "manual-reset" : "auto-reset");
	return TOOL_OK;
}

int bridge_objects_setup(struct bridge_objects *o)
{
	int r = TOOL_OK;

	pthread_mutex_init(&o->mirror_lock, NULL);
	for (unsigned i = 0; i < o->posix_count; i++) {
		o->posix[i].file = -1;
		o->posix[i].state = BRIDGE_PENDING;
	}
	for (unsigned i = 0; r == TOOL_OK && i < o->section_count; i++)
		r = setup_section(o, &o->sections[i], i);
	for (unsigned i = 0; r == TOOL_OK && i < o->event_count; i++)
		r = setup_event(o, &o->events[i]);
	return r;
}

/* Makes /dev/shm/<s->posix> the native section s once it has a size;
 * false while it is not there yet. */
static bool try_posix(struct bridge_section *s)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	char path[PATH_MAX];
	struct stat st;
	int r;

	snprintf(path, sizeof(path), POSIX_SHM_DIR "%s", s->posix);
	opts.fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (opts.fd < 0 && errno == ENOENT)
		return false; /* not yet */
	if (opts.fd < 0 || fstat(opts.fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid()) {
		tool_error("%s: %s; the bridge maps only your own regular files", path,
			   opts.fd < 0 ? strerror(errno) : !S_ISREG(st.st_mode) ? "not a regular file" :
			   "it belongs to another user");
		s->state = BRIDGE_BROKEN;
	} else if (st.st_size > 0) {
		r = fm_section_create(&s->section, s->name.full, 0, &opts);
		if (r == 0)
			s->state = BRIDGE_SHARING;
		else if (r == FM_EXISTED)
			tool_error("%s exists already: %s is not bridged to it", s->name.full, path);
		else
			tool_type_failure(r, &s->name, FM__TYPE_SECTION);
		if (r != 0)
			broken(s);
	}
	if (opts.fd >= 0)
		close(opts.fd); /* the section keeps its own */
	return s->state != BRIDGE_PENDING;
}

bool bridge_objects_poll(struct bridge_objects *o)
{
	bool waiting = false;

	for (unsigned i = 0; i < o->posix_count; i++)
		if (o->posix[i].state == BRIDGE_PENDING)
			waiting |= !try_posix(&o->posix[i]);
	for (unsigned i = 0; i < o->section_count; i++) {
		struct bridge_section *s = &o->sections[i];

		if (s->state != BRIDGE_PENDING)
			continue;
		if (fm_section_open(&s->section, s->name.full, FM_READ | FM_WRITE) < 0) {
			waiting = true;
			continue;
		}
		if (adopt(o, s, i) != TOOL_OK)
			broken(s);
		else if (atomic_load(&o->link->sock) >= 0 && !s->file_told)
			bridge_link_send(o->link, BRIDGE_FILE, (uint16_t)i, 0, s->size);
		s->file_told = s->state != BRIDGE_BROKEN;
	}
	return waiting;
}

/* What a Windows error the helper reports means, in words. */
static const char *windows_error(uint64_t code)
{
	switch (code) {
	case 2:
	case 3:
		return "the shared file is not reachable through drive Z: (is Z: mapped to /?)";
	case 5:
		return "access denied";
	case 6:
		return "the name belongs to another type of object there";
	case 8:
	case 1455:
		return "not enough memory";
	default:
		return "see the Windows error codes";
	}
}

void bridge_objects_message(struct bridge_objects *o, const struct bridge_msg *m)
{
	struct bridge_section *s = m->index < o->section_count ? &o->sections[m->index] : NULL;
	const char *name;

	if (m->type == BRIDGE_FAILED) {
		name = m->kind == BRIDGE_KIND_EVENT && m->index < o->event_count ?
			       o->events[m->index].name.full : s ? s->name.full : "?";
		tool_error("%s: the Windows side cannot make it: error %llu (%s)", name,
			   (unsigned long long)m->value, windows_error(m->value));
		if (s && m->kind == BRIDGE_KIND_SECTION)
			s->windows = -1;
		if (m->kind == BRIDGE_KIND_EVENT && m->index < o->event_count)
			o->events[m->index].broken = true;
	} else if (s && m->type == BRIDGE_STATUS) {
		s->windows = (int)m->value;
		if (o->verbose)
			tool_error("%s: %s", s->name.full,
				   m->value == BRIDGE_MIRRORED ?
					   "made first on the Windows side: mirrored to the shared file" :
					   "a Windows section on the shared file");
	} else if (s && m->type == BRIDGE_APPEARED && s->state == BRIDGE_PENDING && m->value > 0 &&
		   m->value <= SIZE_MAX) {
		/* A Windows program made it first: it has that many bytes. */
		if (share(o, s, m->index, m->value) != TOOL_OK)
			broken(s);
		else
			bridge_link_send(o->link, BRIDGE_FILE, m->index, 0, s->size);
		s->file_told = true;
	}
}

static bool event_peek(void *event)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;

	return fm_sync_query(&info, event) == 0 && info.signaled;
}

static void event_set(void *event)
{
	fm_event_set(event);
}

static void event_reset(void *event)
{
	fm_event_reset(event);
}

static void event_pulse(void *event)
{
	fm_event_pulse(event);
}

static void event_send(void *link, uint8_t type, uint16_t index, uint32_t seen)
{
	bridge_link_send(link, type, index, seen, 0);
}

static const struct relay_ops event_ops = {
	.peek = event_peek, .set = event_set, .reset = event_reset, .pulse = event_pulse,
	.send = event_send,
};

void bridge_objects_ready(struct bridge_objects *o)
{
	for (unsigned i = 0; i < o->section_count; i++) {
		struct bridge_section *s = &o->sections[i];

		if (s->file >= 0 && !s->file_told && s->state != BRIDGE_BROKEN)
			bridge_link_send(o->link, BRIDGE_FILE, (uint16_t)i, 0, s->size);
		s->file_told = s->file >= 0;
	}
	for (unsigned i = 0; i < o->event_count; i++)
		relay_init(&o->events[i].relay, &event_ops, o->events[i].event, o->link, (uint16_t)i,
			   o->events[i].manual, true);
}

static void close_section(struct bridge_section *s)
{
	if (s->native_view)
		fm_view_unmap(s->native_view);
	if (s->file_view && s->file_view != MAP_FAILED)
		munmap(s->file_view, s->size);
	free(s->shadow);
	fm_section_close(s->section);
	if (s->file >= 0)
		close(s->file);
	s->section = NULL;
	s->file = -1;
}

void bridge_objects_close(struct bridge_objects *o)
{
	atomic_store(&o->stop_mirrors, true);
	if (o->mirror_started)
		pthread_join(o->mirror_thread, NULL);
	for (unsigned i = 0; i < o->section_count; i++)
		close_section(&o->sections[i]);
	for (unsigned i = 0; i < o->posix_count; i++)
		close_section(&o->posix[i]);
	for (unsigned i = 0; i < o->event_count; i++)
		fm_event_close(o->events[i].event);
	pthread_mutex_destroy(&o->mirror_lock);
}
