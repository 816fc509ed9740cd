/* SPDX-License-Identifier: MIT */
/*
 * commit.c - which pages of a reserve section have memory, and giving it
 * to them: Windows' MEM_RESERVE and MEM_COMMIT for views of a SEC_RESERVE
 * section.
 *
 * The state lives where every view in every process sees it, with nothing
 * of our own to keep: in the section's store file, which a reserve section
 * leaves sparse.  A page has memory exactly when the file holds data there
 * (lseek SEEK_DATA / SEEK_HOLE), and committing a range allocates it in the
 * file, so committing through one view commits for all.  A section whose
 * data is a SysV segment (a shared Global\ one) has no file to ask: a page
 * of it has memory when it is resident (mincore), and committing faults it
 * in.  A page any view touches gets its memory too: the kernel gives
 * memory to a sparse page on first touch.
 *
 * A view outlives its handle, so it keeps a description of the file to do
 * that with: one a handle and an access, which its views share and which
 * goes with the last of them (struct fm__commit_fd), so that views cost no
 * descriptor each.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

/* The description in slot with one more reference; or, when there is
 * none, NULL, and made (NULL: nothing) put there. */
static struct fm__commit_fd *share_or_put(struct fm__commit_fd **slot, struct fm__commit_fd *made)
{
	struct fm__commit_fd *c;

	fm__global_lock();
	c = *slot;
	if (c)
		c->refs++;
	else
		*slot = made;
	fm__global_unlock();
	return c;
}

struct fm__commit_fd *fm__commit_fd_take(fm_section *s, unsigned view_access, int fd, int *err)
{
	struct fm__commit_fd **slot = &s->commit_fd[(view_access & FM_WRITE) != 0];
	struct fm__commit_fd *c = share_or_put(slot, NULL), *made;

	if (c)
		return c;
	made = malloc(sizeof(*made));
	if (!made) {
		*err = -ENOMEM;
		return NULL;
	}
	*made = (struct fm__commit_fd){ .fd = fm__os_dup(fd), .refs = 1, .in_handle = slot };
	if (made->fd < 0) {
		*err = made->fd;
		free(made);
		return NULL;
	}
	/* Two threads may race to make it (dup does not block, but it is a
	 * system call: not under the lock); the loser shares the winner's. */
	c = share_or_put(slot, made);
	if (!c)
		return made;
	fm__os_close(made->fd);
	free(made);
	return c;
}

void fm__commit_fd_put(struct fm__commit_fd *c)
{
	bool last;

	if (!c)
		return;
	fm__global_lock();
	last = --c->refs == 0;
	if (last && c->in_handle)
		*c->in_handle = NULL;
	fm__global_unlock();
	if (last) {
		fm__os_close(c->fd);
		free(c);
	}
}

void fm__commit_fd_forget(fm_section *s)
{
	fm__global_lock();
	for (int i = 0; i < 2; i++)
		if (s->commit_fd[i])
			s->commit_fd[i]->in_handle = NULL;
	fm__global_unlock();
}

static uintptr_t page_down(uintptr_t a)
{
	return a & ~(uintptr_t)(fm__page_size() - 1);
}

/* Touches each page of [p, p + len): a read fault allocates a sparse page. */
static void touch(const volatile char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += fm__page_size())
		(void)p[i];
}

/*
 * Faults the len bytes at p in, which gives sparse pages their memory
 * without writing them.  reserved: the memory is taken already
 * (fallocate), so a plain touch cannot fault for want of room.
 */
static int populate_pages(void *p, size_t len, bool reserved, const char *call)
{
	int r = fm__os_madvise(p, len, MADV_POPULATE_READ);

	if (r == -EINVAL && reserved) {
		touch(p, len);
		r = 0;
	}
	if (r == -EINVAL)
		return fm__fail(-ENOTSUP, call, NULL,
				"committing here needs Linux 5.14 (MADV_POPULATE_READ)");
	/* The fault the kernel could not serve is a store out of room. */
	if (r == -EFAULT || r == -ENOMEM)
		return fm__fail(-ENOSPC, call, NULL, "the store cannot hold the pages");
	return r < 0 ? fm__fail(r, call, NULL, NULL) : 0;
}

/* The same for the file's pages [offset, offset + len), through a mapping
 * of our own (the view's pages may be inaccessible now). */
static int populate(int fd, uint64_t offset, size_t len, bool reserved, const char *call)
{
	void *p;
	int r = fm__os_mmap(&p, NULL, len, PROT_READ, MAP_SHARED, fd, offset);

	if (r < 0)
		return fm__fail(r, call, NULL, "cannot map the pages to commit: %s", fm_strerror(r));
	r = populate_pages(p, len, reserved, call);
	fm__os_munmap(p, len);
	return r;
}

/*
 * Commits the view's pages [start, end).  A page of the store has memory
 * for SEEK_DATA once it is in the page cache and up to date: fallocate
 * takes the memory (a full store fails cleanly here), and a fault puts the
 * pages in.  A read-only description cannot fallocate; the fault alone
 * takes the memory then.
 */
static int commit_pages(const struct fm__view_pages *v, uintptr_t start, uintptr_t end,
			const char *call)
{
	uint64_t offset = v->file_offset + (start - v->base);
	int fl = fm__os_getfl(v->fd), r = 0;
	bool writable = fl >= 0 && (fl & O_ACCMODE) == O_RDWR;

	if (fl < 0)
		return fm__fail(fl, call, NULL, NULL);
	/* Not past the view's exact end: the file's size must not change. */
	if (writable)
		r = fm__os_fallocate_keep_size(v->fd, offset,
					       (v->base + v->length < end ? v->base + v->length : end) -
						       start);
	if (r == -ENOSPC || r == -ENOMEM)
		return fm__fail(-ENOSPC, call, NULL, "the store cannot hold %zu bytes more",
				(size_t)(end - start));
	if (r < 0)
		return fm__fail(r, call, NULL, NULL);
	return populate(v->fd, offset, end - start, writable, call);
}

static void release(const struct fm__view_pages *v)
{
	if (v->fd >= 0)
		fm__os_close(v->fd);
	if (v->pages)
		fm__os_munmap(v->pages, v->map_len);
}

FM_API int fm_view_commit(void *addr, size_t length)
{
	static const char call[] = "fm_view_commit";
	struct fm__view_pages v;
	uintptr_t start, end;
	int r;

	if (length == 0)
		return fm__fail(-EINVAL, call, NULL, "length 0: nothing to commit");
	r = fm__view_pages(&v, addr, call);
	if (r < 0)
		return r;
	start = page_down((uintptr_t)addr);
	end = (uintptr_t)addr + length;
	if (end < (uintptr_t)addr || end > v.base + v.map_len)
		r = fm__fail(-ERANGE, call, NULL, "%p + %zu leaves the view", addr, length);
	else if (v.fd >= 0)
		r = commit_pages(&v, start, fm__round_up(end, fm__page_size()), call);
	else if (v.pages)
		r = populate_pages((char *)v.pages + (start - v.base),
				   fm__round_up(end, fm__page_size()) - start, false, call);
	release(&v);
	return r;
}

/* For a view of a reserve section: whether the page at pos (a file offset)
 * has memory, and in *next where the run of pages alike ends. */
static int probe_file(uint64_t *next, int fd, uint64_t pos, uint64_t limit, const char *call)
{
	int64_t data = fm__os_seek(fd, pos, SEEK_DATA), hole;

	/* No data from pos to the end of the file. */
	if (data == -ENXIO || (data >= 0 && (uint64_t)data >= limit)) {
		*next = limit;
		return 0;
	}
	if (data < 0)
		return fm__fail((int)data, call, NULL, "cannot look for data: %s",
				fm_strerror((int)data));
	if ((uint64_t)data > pos) {
		*next = (uint64_t)data;
		return 0;
	}
	hole = fm__os_seek(fd, pos, SEEK_HOLE);
	if (hole < 0)
		return fm__fail((int)hole, call, NULL, "cannot look for a hole: %s",
				fm_strerror((int)hole));
	*next = fm__round_up((uint64_t)hole, fm__page_size());
	if (*next > limit)
		*next = limit;
	return 1;
}

/* The same for a view of a segment, whose pages are mapped at pages: the
 * page at index first of len has memory when it is resident. */
static int probe_pages(size_t *next, const void *pages, size_t first, size_t len,
		       const char *call)
{
	size_t page = fm__page_size(), i;
	unsigned char state[64], now = 0;
	int r;

	for (i = first; i < len; i++) {
		size_t k = (i - first) % sizeof(state);

		if (k == 0) {
			size_t n = len - i < sizeof(state) ? len - i : sizeof(state);

			r = fm__os_mincore((const char *)pages + i * page, n * page, state);
			if (r < 0)
				return fm__fail(r, call, NULL, "cannot look at the pages: %s",
						fm_strerror(r));
		}
		if (i == first)
			now = state[0] & 1;
		else if ((state[k] & 1) != now)
			break;
	}
	*next = i;
	return now;
}

FM_API int fm_view_committed(size_t *out, const void *addr)
{
	static const char call[] = "fm_view_committed";
	struct fm__view_pages v;
	uint64_t pos, next = 0;
	uintptr_t page;
	int r;

	if (!out)
		return fm__fail(-EINVAL, call, NULL, "out is NULL");
	r = fm__view_pages(&v, addr, call);
	if (r < 0)
		return r;
	page = page_down((uintptr_t)addr);
	if (v.pages) {
		size_t first = (page - v.base) / fm__page_size(), end = first;

		r = probe_pages(&end, v.pages, first, v.map_len / fm__page_size(), call);
		if (r >= 0)
			*out = (end - first) * fm__page_size();
	} else if (v.fd >= 0) {
		pos = v.file_offset + (page - v.base);
		r = probe_file(&next, v.fd, pos, v.file_offset + v.map_len, call);
		if (r >= 0)
			*out = (size_t)(next - pos);
	} else {
		*out = v.base + v.map_len - page;
		r = 1;
	}
	release(&v);
	return r;
}
