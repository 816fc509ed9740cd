/* SPDX-License-Identifier: MIT */
/*
 * view.c - views: mapping sections into the process, and the view table.
 *
 * The table maps each view's address range to what fm_view_query() reports,
 * so that unmap, flush and query accept any address inside a view.  It is a
 * balanced tree (tsearch) under the global lock, ordered by address range:
 * views never overlap, so "overlaps" is a consistent "equal".  The lock is
 * held only for tree operations; mmap and munmap run outside it, and a view
 * leaves the table before its range is unmapped, so the kernel can never
 * hand the range to a new view while the old entry is still there.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <search.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define VIEW_ACCESS_BITS (FM_READ | FM_WRITE | FM_EXEC | FM_COPY)

struct fm__view {
	uintptr_t base;        /* page-aligned */
	size_t map_len;        /* bytes mapped: length rounded up to pages */
	size_t length;         /* exact */
	uint64_t offset;       /* in the section */
	uint64_t section_size;
	unsigned access;       /* as reported */
	uint64_t file_offset;  /* where the view starts in the file it maps */
	bool file_backed;      /* the section maps a user's file */
	struct fm__commit_fd *commit_fd; /* a reserve section's view's: its
					  * handle's shared description of
					  * the file (commit.c); else NULL */
	bool in_segment;       /* a reserve section's shared view of a segment,
				* whose pages commit.c reads through a mapping */
	struct fm__hold *counted; /* the hold whose description it maps, which
				   * counts it (hold.c), or NULL */
	struct fm__view *next_dropped; /* insert()'s list of stale views */
};

/* Forgets a view whose range is unmapped. */
static void view_free(struct fm__view *v)
{
	fm__commit_fd_put(v->commit_fd);
	if (v->counted)
		fm__hold_view_gone(v->counted);
	free(v);
}

static int compare(const void *pa, const void *pb)
{
	const struct fm__view *a = pa, *b = pb;

	if (a->base + a->map_len <= b->base)
		return -1;
	if (b->base + b->map_len <= a->base)
		return 1;
	return 0;
}

/* The view containing addr (global lock held), or NULL. */
static struct fm__view *find_locked(const void *addr)
{
	struct fm__view probe = { .base = (uintptr_t)addr, .map_len = 1 };
	void *node = tfind(&probe, &fm__global.views, compare);

	return node ? *(struct fm__view **)node : NULL;
}

/* Adds v to the table.  An entry still covering its range belongs to a view
 * someone unmapped behind our back (munmap); it is dropped (and freed
 * once the lock is let go: that closes and takes locks). */
static int insert(struct fm__view *v)
{
	struct fm__view *stale, *dropped = NULL;
	void *node;
	int r = 0;

	fm__global_lock();
	node = tsearch(v, &fm__global.views, compare);
	while (node && *(struct fm__view **)node != v) {
		stale = *(struct fm__view **)node;
		tdelete(stale, &fm__global.views, compare);
		fm__global.view_count--;
		stale->next_dropped = dropped;
		dropped = stale;
		node = tsearch(v, &fm__global.views, compare);
	}
	if (node)
		fm__global.view_count++;
	else
		r = -ENOMEM;
	fm__global_unlock();
	while ((stale = dropped) != NULL) {
		dropped = stale->next_dropped;
		view_free(stale);
	}
	return r;
}

/* Checks a view request; returns the mmap protection, or a failure. */
static int check_view(fm_section *s, uint64_t offset, size_t *length, unsigned access,
		      const char *call)
{
	const char *label = s->obj.name ? s->obj.name : "(unnamed)";
	uint64_t size = s->obj.hdr.size;
	unsigned needed;
	int prot = PROT_NONE;

	if (access & ~VIEW_ACCESS_BITS)
		return fm__fail(-EINVAL, call, label, "unknown access bits %#x", access);
	if ((access & FM_COPY) && (access & FM_WRITE))
		return fm__fail(-EINVAL, call, label,
				"FM_COPY | FM_WRITE: a view is either shared-writable or copy-on-write");
	if (offset % fm__page_size())
		return fm__fail(-EINVAL, call, label,
				"offset %llu is not a multiple of the page size %zu",
				(unsigned long long)offset, fm__page_size());
	if (offset >= size)
		return fm__fail(-ERANGE, call, label, "offset %llu is at or past the end (%llu bytes)",
				(unsigned long long)offset, (unsigned long long)size);
	if (*length == 0)
		*length = (size_t)(size - offset);
	else if (*length > size - offset)
		return fm__fail(-ERANGE, call, label,
				"offset %llu + length %zu is past the end (%llu bytes)",
				(unsigned long long)offset, *length, (unsigned long long)size);
	needed = fm__access_normalize(access & ~FM_COPY) | (access & FM_COPY ? FM_READ : 0);
	if (needed & ~s->access)
		return fm__fail(-EACCES, call, label, "view access \"%s\" exceeds the handle's \"%s\"",
				fm__access_words(access).s, fm__access_words(s->access).s);
	if (needed & FM_READ)
		prot |= PROT_READ;
	if (access & (FM_WRITE | FM_COPY))
		prot |= PROT_WRITE;
	if (access & FM_EXEC)
		prot |= PROT_EXEC;
	return prot;
}

static unsigned reported_access(unsigned access)
{
	if (access & FM_COPY)
		return (access & FM_EXEC) | FM_READ | FM_COPY;
	return fm__access_normalize(access);
}

/* Whether the section's pages may lack memory: a reserve section's in the
 * store or in a segment (a file section's pages are the file's, always
 * there). */
static bool reserves(const fm_section *s)
{
	return (s->obj.hdr.flags & FM__HDR_RESERVE) && !fm__section_is_file(s);
}

/*
 * A copy-on-write view of a section in a segment: a segment has no file to
 * map privately, so the view is private memory holding a copy of the
 * section as it is now.  It does not see later writes by others.
 */
static int map_shm_copy(void **base, const void *from, size_t map_len, int prot, void *addr)
{
	int r = fm__os_mmap(base, addr, map_len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | (addr ? MAP_FIXED_NOREPLACE : 0), -1, 0);

	if (r < 0)
		return r;
	memcpy(*base, from, map_len);
	if (prot != (PROT_READ | PROT_WRITE))
		r = fm__os_mprotect(*base, map_len, prot);
	if (r < 0)
		fm__os_munmap(*base, map_len);
	return r;
}

/*
 * Maps a view of a section in a segment: a second mapping of one of the
 * handle's attachments (no permission is checked again), the read-only
 * one unless the view writes, so that it can never be made writable.  At a
 * fixed address, the range is taken first (never over a mapping), then
 * replaced by the view.
 */
static int map_shm(void **base, fm_section *s, uint64_t offset, size_t map_len, int prot,
		   unsigned access, void *addr)
{
	void *from = access & FM_WRITE ? s->obj.shm : fm__object_shm_ro(&s->obj), *taken = NULL;
	int attached = access & FM_WRITE ? PROT_READ | PROT_WRITE : PROT_READ, r = 0;

	if (!from) { /* a creator whose mode denies even itself reading */
		from = s->obj.shm;
		attached = PROT_READ | PROT_WRITE;
	}
	from = (char *)from + offset;
	if (access & FM_COPY)
		return map_shm_copy(base, from, map_len, prot, addr);
	if (addr)
		r = fm__os_mmap(&taken, addr, map_len, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (r == 0 && taken && taken != addr)
		r = -EEXIST; /* a kernel older than 4.17: a hint, not honoured */
	if (r == 0)
		r = fm__shm_dup(base, from, map_len, taken);
	if (r == 0 && prot != attached)
		r = fm__os_mprotect(*base, map_len, prot);
	if (r < 0 && taken)
		fm__os_munmap(taken, map_len);
	else if (r < 0 && *base)
		fm__os_munmap(*base, map_len);
	return r;
}

/*
 * Maps a view of a section in a file (the store's, or a user's): *kept is
 * the handle's shared description of the file for a reserve section's view
 * (commit.c), *counted the hold that counts the view (fm__section_view_fd).
 * Returns 0, mmap's -errno, or a failure to find what to map with its
 * message set (*told); map_at undoes *kept and *counted when it fails.
 */
static int map_file(void **base, struct fm__commit_fd **kept, struct fm__hold **counted,
		    fm_section *s, uint64_t offset, size_t map_len, int prot, unsigned access,
		    void *addr, bool *told, const char *call)
{
	int flags = (access & FM_COPY ? MAP_PRIVATE : MAP_SHARED) | (addr ? MAP_FIXED_NOREPLACE : 0);
	int fd, r;

	/* The hold's descriptors stay what they are until the view is in. */
	fm__hold_map_begin();
	r = fd = fm__section_view_fd(s, access, counted, call);
	if (r >= 0 && reserves(s) && !(*kept = fm__commit_fd_take(s, access, fd, &r)))
		r = fm__fail(r, call, s->obj.name, NULL);
	*told = r < 0;
	if (r >= 0)
		r = fm__os_mmap(base, addr, map_len, prot, flags, fd, s->data_offset + offset);
	fm__hold_map_end();
	return r; /* map_at undoes *kept and *counted on a failure */
}

/* Maps the checked view at addr (NULL: anywhere), never over a mapping;
 * *kept and *counted as map_file says. */
static int map_at(void **base, struct fm__commit_fd **kept, struct fm__hold **counted,
		  fm_section *s, uint64_t offset, size_t map_len, int prot, unsigned access,
		  void *addr, const char *call)
{
	bool told = false;
	int r;

	*base = NULL;
	*kept = NULL;
	*counted = NULL;
	if (fm__section_is_shm(s))
		r = map_shm(base, s, offset, map_len, prot, access, addr);
	else
		r = map_file(base, kept, counted, s, offset, map_len, prot, access, addr, &told,
			     call);
	if (r == 0 && addr && *base != addr) {
		/* A kernel older than 4.17 takes MAP_FIXED_NOREPLACE as a hint. */
		fm__os_munmap(*base, map_len);
		r = -EEXIST;
	}
	if (r < 0 && *kept) {
		fm__commit_fd_put(*kept);
		*kept = NULL;
	}
	if (r < 0 && *counted) {
		fm__hold_view_gone(*counted);
		*counted = NULL;
	}
	if (told)
		return r;
	if (r == -EEXIST)
		return fm__fail(r, call, s->obj.name, "%p: the range is already in use", addr);
	if (r == -EPERM)
		return fm__fail(-EACCES, call, s->obj.name,
				"the %s does not allow executable mappings (noexec)",
				fm__section_is_file(s) ? "backing file's file system" : "store");
	return r < 0 ? fm__fail(r, call, s->obj.name, NULL) : 0;
}

static int view_map(void **out, fm_section *s, uint64_t offset, size_t length,
		    unsigned access, void *addr, const char *call)
{
	struct fm__view *v;
	void *base;
	int prot, r;

	if (!out || !s)
		return fm__fail(-EINVAL, call, NULL, "%s is NULL", out ? "s" : "out");
	prot = check_view(s, offset, &length, access, call);
	if (prot < 0)
		return prot;
	if ((uintptr_t)addr % fm__page_size())
		return fm__fail(-EINVAL, call, s->obj.name,
				"address %p is not a multiple of the page size", addr);
	v = malloc(sizeof(*v));
	if (!v)
		return fm__fail(-ENOMEM, call, s->obj.name, NULL);
	v->map_len = fm__round_up(length, fm__page_size());
	r = map_at(&base, &v->commit_fd, &v->counted, s, offset, v->map_len, prot, access, addr,
		   call);
	if (r < 0) {
		free(v);
		return r;
	}
	v->base = (uintptr_t)base;
	v->length = length;
	v->offset = offset;
	v->section_size = s->obj.hdr.size;
	v->access = reported_access(access);
	v->file_offset = s->data_offset + offset;
	v->file_backed = fm__section_is_file(s);
	v->in_segment = reserves(s) && fm__section_is_shm(s) && !(access & FM_COPY);
	r = insert(v);
	if (r < 0) {
		fm__os_munmap(base, v->map_len);
		view_free(v);
		return fm__fail(r, call, s->obj.name, NULL);
	}
	*out = base;
	return 0;
}

FM_API int fm_view_map(void **out, fm_section *s, uint64_t offset, size_t length,
		       unsigned access)
{
	return view_map(out, s, offset, length, access, NULL, "fm_view_map");
}

FM_API int fm_view_map_at(void **out, fm_section *s, uint64_t offset, size_t length,
			  unsigned access, void *addr)
{
	return view_map(out, s, offset, length, access, addr, "fm_view_map_at");
}

FM_API int fm_view_unmap(void *addr)
{
	struct fm__view *v;
	int r;

	fm__global_lock();
	v = find_locked(addr);
	if (v) {
		tdelete(v, &fm__global.views, compare);
		fm__global.view_count--;
	}
	fm__global_unlock();
	if (!v)
		return fm__fail(-EFAULT, "fm_view_unmap", NULL, "%p is not inside a view", addr);
	r = fm__os_munmap((void *)v->base, v->map_len);
	view_free(v);
	return r < 0 ? fm__fail(r, "fm_view_unmap", NULL, NULL) : 0;
}

/* A copy of the view containing addr, taken under the lock. */
static int lookup(struct fm__view *out, const void *addr, const char *call)
{
	struct fm__view *v;

	fm__global_lock();
	v = find_locked(addr);
	if (v)
		*out = *v;
	fm__global_unlock();
	if (!v)
		return fm__fail(-EFAULT, call, NULL, "%p is not inside a view", addr);
	return 0;
}

FM_API int fm_view_flush(void *addr, size_t length)
{
	static const char call[] = "fm_view_flush";
	uintptr_t start, end;
	struct fm__view v = { 0 }; /* set by the lookup; zeroed for the optimizer */
	int r;

	r = lookup(&v, addr, call);
	if (r < 0)
		return r;
	if (length > v.base + v.map_len - (uintptr_t)addr)
		return fm__fail(-ERANGE, call, NULL, "%p + %zu leaves the view", addr, length);
	start = (uintptr_t)addr & ~(uintptr_t)(fm__page_size() - 1);
	end = length ? (uintptr_t)addr + length : v.base + v.map_len;
	r = fm__os_msync((void *)start, end - start, MS_SYNC);
	return r < 0 ? fm__fail(r == -ENOMEM ? -EFAULT : r, call, NULL, NULL) : 0;
}

/* A read-only mapping of the segment pages of view v, for commit.c. */
static int segment_pages(void **out, const struct fm__view *v)
{
	int r = fm__shm_dup(out, (void *)v->base, v->map_len, NULL);

	if (r == 0 && (r = fm__os_mprotect(*out, v->map_len, PROT_READ)) < 0)
		fm__os_munmap(*out, v->map_len);
	return r;
}

int fm__view_pages(struct fm__view_pages *out, const void *addr, const char *call)
{
	struct fm__view *v;
	void *pages = NULL;
	int fd = -1, r = 0;

	fm__global_lock();
	v = find_locked(addr);
	/* A copy of the view's descriptor, or of its pages, so that an unmap
	 * on another thread cannot leave us its number or its addresses (dup
	 * and mremap never block). */
	if (v && v->commit_fd && (fd = fm__os_dup(v->commit_fd->fd)) < 0) {
		r = fd;
		fd = -1;
	}
	if (v && v->in_segment && (r = segment_pages(&pages, v)) < 0)
		pages = NULL;
	if (v)
		*out = (struct fm__view_pages){ v->base, v->map_len, v->length, v->file_offset, fd,
						pages, v->access };
	fm__global_unlock();
	if (!v)
		return fm__fail(-EFAULT, call, NULL, "%p is not inside a view", addr);
	return r < 0 ? fm__fail(r, call, NULL, NULL) : 0;
}

/* Where each field of struct fm_view_info ends: only whole fields are written. */
static const size_t info_field_ends[] = {
	offsetof(struct fm_view_info, size) + sizeof(uint32_t),
	offsetof(struct fm_view_info, base) + sizeof(void *),
	offsetof(struct fm_view_info, length) + sizeof(size_t),
	offsetof(struct fm_view_info, offset) + sizeof(uint64_t),
	offsetof(struct fm_view_info, access) + sizeof(unsigned),
	offsetof(struct fm_view_info, section_size) + sizeof(uint64_t),
	sizeof(struct fm_view_info),
};

FM_API int fm_view_query(struct fm_view_info *out, const void *addr)
{
	static const char call[] = "fm_view_query";
	struct fm_view_info info;
	struct fm__view v = { 0 }; /* likewise */
	int r;

	if (!out)
		return fm__fail(-EINVAL, call, NULL, "out is NULL");
	if (out->size < sizeof(out->size))
		return fm__fail(-EINVAL, call, NULL,
				"out->size is %u; use FM_VIEW_INFO_INIT", out->size);
	r = lookup(&v, addr, call);
	if (r < 0)
		return r;
	info = (struct fm_view_info){
		.size = out->size,
		.base = (void *)v.base,
		.length = v.length,
		.offset = v.offset,
		.access = v.access,
		.section_size = v.section_size,
		.file_backed = v.file_backed,
	};
	memcpy(out, &info, fm__struct_fit(out->size, info_field_ends,
					 sizeof(info_field_ends) / sizeof(info_field_ends[0])));
	return 0;
}

FM_API size_t fm_page_size(void)
{
	return fm__page_size();
}
