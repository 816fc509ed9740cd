/* SPDX-License-Identifier: MIT */
/*
 * sections.c - the helper's sections (helper.h).
 *
 * A section whose size is known is made on the shared file the tool made,
 * "section-<i>" in the run directory: CreateFileMapping(file, NAME).  Then
 * a Windows program that creates NAME gets this very section, with
 * ERROR_ALREADY_EXISTS, and maps the file's pages: the ones native
 * programs map (Wine maps a file's section with mmap of the file).  If
 * NAME existed already in the prefix, CreateFileMapping returns that
 * object instead, and it is mirrored to the file (mirror.c).
 *
 * A section whose size is not known yet waits for a side to make it: the
 * helper looks for the name every BRIDGE_APPEAR_POLL_MS; when a Windows
 * program made it, the helper tells the tool its size (VirtualQuery's,
 * whole pages: Windows tells no exact size) and mirrors it to the file the
 * tool then makes.  When a native program made it first, the tool makes
 * the file and the helper makes the section on it as above.
 */
#include "helper.h"

#include <stdio.h>
#include <stdlib.h>

/* The shared file of section index, opened for reading and writing. */
static HANDLE open_file(struct helper *h, uint16_t index)
{
	WCHAR path[MAX_PATH + 64];

	_snwprintf(path, MAX_PATH + 64, L"%ls\\section-%u", h->rundir, (unsigned)index);
	path[MAX_PATH + 63] = L'\0';
	return CreateFileW(path, GENERIC_READ | GENERIC_WRITE,
			   FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
			   OPEN_EXISTING, 0, NULL);
}

static void failed(struct helper *h, struct helper_section *s, DWORD error)
{
	s->done = true;
	link_send(h, BRIDGE_FAILED, BRIDGE_KIND_SECTION, s->index, 0, error);
}

/* Maps all of section; its length (whole pages) in *length, or NULL. */
static void *map_whole(HANDLE section, size_t *length)
{
	MEMORY_BASIC_INFORMATION info;
	void *view = MapViewOfFile(section, FILE_MAP_ALL_ACCESS, 0, 0, 0);

	if (view && VirtualQuery(view, &info, sizeof(info)) == sizeof(info)) {
		*length = info.RegionSize;
		return view;
	}
	if (view)
		UnmapViewOfFile(view);
	return NULL;
}

static DWORD WINAPI mirror_main(void *arg)
{
	struct helper *h = arg;
	LARGE_INTEGER hz, t0, t1;
	DWORD pause;

	QueryPerformanceFrequency(&hz);
	for (;;) {
		QueryPerformanceCounter(&t0);
		EnterCriticalSection(&h->mirror_lock);
		for (unsigned i = 0; i < h->mirror_count; i++)
			mirror_pass(h->mirrors[i]);
		LeaveCriticalSection(&h->mirror_lock);
		QueryPerformanceCounter(&t1);
		pause = (DWORD)((t1.QuadPart - t0.QuadPart) * 1000 * MIRROR_IDLE_FACTOR / hz.QuadPart);
		Sleep(pause > MIRROR_PERIOD_MS ? pause : MIRROR_PERIOD_MS);
	}
	return 0;
}

/* Mirrors s->object, which existed before, to its shared file. */
static void mirror_object(struct helper *h, struct helper_section *s)
{
	HANDLE file = open_file(h, s->index);
	size_t length;

	if (file == INVALID_HANDLE_VALUE) {
		failed(h, s, GetLastError());
		return;
	}
	s->file_mapping = CreateFileMappingW(file, NULL, PAGE_READWRITE, 0, 0, NULL);
	CloseHandle(file); /* the mapping keeps its own reference */
	s->file_view = s->file_mapping ? MapViewOfFile(s->file_mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
	if (s->file_view && !s->object_view)
		s->object_view = map_whole(s->object, &s->object_length);
	if (!s->file_view || !s->object_view) {
		failed(h, s, GetLastError());
		return;
	}
	length = s->object_length < s->size ? s->object_length : (size_t)s->size;
	s->shadow = malloc(length ? length : 1);
	if (!s->shadow) {
		failed(h, s, ERROR_NOT_ENOUGH_MEMORY);
		return;
	}
	mirror_init(&s->mirror, s->object_view, s->file_view, s->shadow, length, 1);
	EnterCriticalSection(&h->mirror_lock);
	h->mirrors[h->mirror_count++] = &s->mirror;
	LeaveCriticalSection(&h->mirror_lock);
	if (!h->mirror_thread)
		h->mirror_thread = CreateThread(NULL, 0, mirror_main, h, 0, NULL);
	s->done = true;
	link_send(h, BRIDGE_STATUS, 0, s->index, 0, BRIDGE_MIRRORED);
}

/* Makes s on its shared file, or finds the name taken and mirrors it. */
static void share(struct helper *h, struct helper_section *s)
{
	HANDLE file = open_file(h, s->index);
	DWORD error;

	if (file == INVALID_HANDLE_VALUE) {
		failed(h, s, GetLastError());
		return;
	}
	s->object = CreateFileMappingW(file, NULL, PAGE_READWRITE, 0, 0, s->name);
	error = GetLastError();
	CloseHandle(file);
	if (!s->object) {
		failed(h, s, error);
		return;
	}
	if (error == ERROR_ALREADY_EXISTS) {
		mirror_object(h, s);
		return;
	}
	s->done = true;
	link_send(h, BRIDGE_STATUS, 0, s->index, 0, BRIDGE_SHARED);
}

void sections_setup(struct helper *h)
{
	for (unsigned i = 0; i < h->section_count; i++)
		if (h->sections[i].size)
			share(h, &h->sections[i]);
}

bool sections_poll(struct helper *h)
{
	bool waiting = false;

	for (unsigned i = 0; i < h->section_count; i++) {
		struct helper_section *s = &h->sections[i];

		if (s->done || s->object)
			continue;
		s->object = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, s->name);
		if (s->object)
			s->object_view = map_whole(s->object, &s->object_length);
		if (s->object && !s->object_view)
			failed(h, s, GetLastError());
		else if (s->object)
			link_send(h, BRIDGE_APPEARED, 0, s->index, 0, s->object_length);
		else
			waiting = true;
	}
	return waiting;
}

void sections_file_ready(struct helper *h, uint16_t index, uint64_t size)
{
	struct helper_section *s = index < h->section_count ? &h->sections[index] : NULL;

	if (!s || s->done || size == 0)
		return;
	s->size = size;
	if (s->object)
		mirror_object(h, s); /* a Windows program made it: we hold it already */
	else
		share(h, s);
}
