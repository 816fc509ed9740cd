/* SPDX-License-Identifier: MIT */
/*
 * handle.c - HANDLEs as file descriptors: the handle table, CloseHandle,
 * DuplicateHandle, handle inheritance, and the process and thread
 * pseudo-handles.
 *
 * A handle's value is derived from the descriptor that holds the object
 * (fm_section_fileno, fm_sync_fileno, a file's or a pidfd's own), so a
 * handle inherited across exec keeps its value and its meaning: the
 * child's table does not know the descriptor, and adopts it on first use.
 * A section's or sync object's descriptor is given out (fm_section_fd)
 * when its handle becomes inheritable, and only then: the library's last
 * close is cheaper for a descriptor that never leaves the process.
 *
 * The value is (fd + 1) * 4, a multiple of four like Windows' handles; as
 * in Windows, the two low "tag" bits are ignored, and NULL and
 * INVALID_HANDLE_VALUE are never valid.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define PSEUDO_PROCESS ((HANDLE)(LONG_PTR)-1)

/* The process's handles, indexed by descriptor. */
static struct {
	pthread_mutex_t lock; /* guards entries and count */
	struct w32_object *entries;
	size_t count;
} table = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Bumped (under the table's lock) by every change to its entries, so that
 * a thread's cached lookup can tell it is still current (w32.h). */
_Atomic unsigned long w32_handle_generation;

/* Each thread's last lookup (w32.h): a wait and a release on one mutex
 * look the same handle up, and this spares them the table's lock (which
 * cost two atomic operations each, and made a Win32 lock+unlock twice the
 * native one).  A handle closed by another thread during a call is the
 * caller's race, in Windows too; with the lock the copy handed out was no
 * fresher. */
__thread struct w32_last_lookup w32_last_lookup __attribute__((tls_model("initial-exec")));

/* Records a change to entries (lock held). */
static void changed_locked(void)
{
	atomic_fetch_add_explicit(&w32_handle_generation, 1, memory_order_release);
}

static void lock_table(void)
{
	pthread_mutex_lock(&table.lock);
}

static void unlock_table(void)
{
	pthread_mutex_unlock(&table.lock);
}

/* At load: Windows programs hold many handles, and each of ours is a
 * descriptor, so the soft limit goes up to the hard one; and a fork while
 * another thread holds the table's lock must not leave the child's locked. */
__attribute__((constructor)) static void start_up(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	pthread_atfork(lock_table, unlock_table, unlock_table);
}

static HANDLE handle_of(int fd)
{
	return (HANDLE)(((uintptr_t)fd + 1) << 2);
}

int w32_handle_fd(HANDLE h)
{
	uintptr_t v = (uintptr_t)h >> 2;

	return v == 0 || v > (uintptr_t)INT_MAX ? -1 : (int)(v - 1);
}

/* Makes room for descriptor fd (lock held). */
static bool reserve_locked(int fd)
{
	size_t want = table.count ? table.count : 64;
	struct w32_object *grown;

	if ((size_t)fd < table.count)
		return true;
	while (want <= (size_t)fd)
		want *= 2;
	grown = realloc(table.entries, want * sizeof(*grown));
	if (!grown)
		return false;
	memset(grown + table.count, 0, (want - table.count) * sizeof(*grown));
	table.entries = grown;
	table.count = want;
	return true;
}

/* The descriptor a handle's value comes from.  A section's or sync
 * object's is its number only (fm_section_fileno): the layer lets it leave
 * the process only when the handle becomes inheritable (inheritable). */
static int object_fd(const struct w32_object *obj)
{
	if (obj->kind == W32_SECTION)
		return fm_section_fileno(obj->section);
	return obj->kind == W32_SYNC || obj->kind == W32_THREAD ? fm_sync_fileno(obj->sync)
								 : obj->fd;
}

/* Makes obj's descriptor inheritable (on) or not: a section's or sync
 * object's is first given out (fm_section_fd), since a child may hold it
 * from now on.  false with errno set on a failure. */
static bool inheritable(const struct w32_object *obj, int fd, bool on)
{
	int r = 0;

	if (on && obj->kind == W32_SECTION)
		r = fm_section_fd(obj->section);
	else if (on && (obj->kind == W32_SYNC || obj->kind == W32_THREAD))
		r = fm_sync_fd(obj->sync);
	if (r < 0) {
		errno = -r;
		return false;
	}
	return fcntl(fd, F_SETFD, on ? 0 : FD_CLOEXEC) == 0;
}

HANDLE w32_handle_add(const struct w32_object *obj, bool inherit)
{
	int fd = object_fd(obj);
	bool ok;

	if (fd < 0)
		return w32_fail_null(ERROR_INVALID_HANDLE);
	if (inherit && !inheritable(obj, fd, true))
		return w32_fail_null(w32_file_error(errno));
	pthread_mutex_lock(&table.lock);
	ok = reserve_locked(fd);
	if (ok)
		table.entries[fd] = *obj;
	changed_locked();
	pthread_mutex_unlock(&table.lock);
	return ok ? handle_of(fd) : w32_fail_null(ERROR_NOT_ENOUGH_MEMORY);
}

/* The SECTION_* rights of a section handle whose Win32 access is unknown
 * (inherited across exec): what its descriptor allows. */
static DWORD adopted_rights(unsigned native)
{
	DWORD rights = STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_READ;

	if (native & FM_WRITE)
		rights |= SECTION_MAP_WRITE;
	if (native & FM_EXEC)
		rights |= SECTION_MAP_EXECUTE;
	return rights;
}

/* Makes an entry of a descriptor the table does not know (lock held).  Only
 * an inheritable descriptor can be an inherited handle; every descriptor the
 * native library opens is close-on-exec, so its own are never taken.  The
 * rights a parent's handle had are not passed along: an inherited section
 * handle gets what its descriptor allows, a sync object all its rights. */
static bool adopt_locked(int fd)
{
	struct w32_object obj = { .kind = W32_NONE, .fd = -1 };
	int fdflags = fcntl(fd, F_GETFD), fl;
	fm_section *s;
	fm_sync *o;
	struct stat st;
	int r;

	if (fdflags < 0 || (fdflags & FD_CLOEXEC) || !reserve_locked(fd))
		return false;
	r = fm_section_adopt(&s, fd, 0);
	if (r == 0) {
		obj = (struct w32_object){ .kind = W32_SECTION, .section = s, .fd = -1,
					   .access = adopted_rights(fm_section_access(s)) };
	} else if (r != -EBADF && r != FM_ETYPE) {
		/* A section that cannot be used here (its file is gone, say) is
		 * no file handle either: the handle is invalid. */
	} else if (fm_sync_adopt(&o, fd) == 0) {
		obj = (struct w32_object){ .kind = W32_SYNC, .sync = o, .fd = -1,
					   .access = w32_sync_rights(fm_sync_type(o), GENERIC_ALL) };
	} else if (w32_process_adopt(&obj, fd)) {
		/* A process handle: obj is filled in. */
	} else if (fd > STDERR_FILENO && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		fl = fcntl(fd, F_GETFL) & O_ACCMODE;
		/* Execute is not in a descriptor: whatever can read may. */
		obj = (struct w32_object){ .kind = W32_FILE, .fd = fd,
					   .access = (fl != O_WRONLY ? GENERIC_READ | GENERIC_EXECUTE : 0) |
						     (fl != O_RDONLY ? GENERIC_WRITE : 0) };
	}
	table.entries[fd] = obj;
	changed_locked();
	return obj.kind != W32_NONE;
}

/* Finds h's entry (lock held), adopting an inherited descriptor. */
static struct w32_object *find_locked(HANDLE h)
{
	int fd = w32_handle_fd(h);

	if (fd < 0)
		return NULL;
	if ((size_t)fd < table.count && table.entries[fd].kind != W32_NONE)
		return &table.entries[fd];
	return adopt_locked(fd) ? &table.entries[fd] : NULL;
}

const struct w32_object *w32_handle_find(HANDLE h)
{
	struct w32_object *e;

	pthread_mutex_lock(&table.lock);
	e = find_locked(h);
	if (e) {
		w32_last_lookup.handle = h;
		w32_last_lookup.generation =
			atomic_load_explicit(&w32_handle_generation, memory_order_relaxed);
		w32_last_lookup.obj = *e;
		w32_last_lookup.waitable =
			e->kind == W32_SYNC && (e->access & SYNCHRONIZE) ? e->sync : NULL;
		w32_last_lookup.mutex = e->kind == W32_SYNC && fm_sync_type(e->sync) == FM_TYPE_MUTEX
						? e->sync
						: NULL;
	}
	pthread_mutex_unlock(&table.lock);
	if (!e) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	return &w32_last_lookup.obj;
}

bool w32_handle_get(struct w32_object *out, HANDLE h)
{
	const struct w32_object *e = w32_handle_peek(h);

	if (e)
		*out = *e;
	return e != NULL;
}

bool w32_handle_take(struct w32_object *out, HANDLE h)
{
	struct w32_object *e;

	pthread_mutex_lock(&table.lock);
	e = find_locked(h);
	if (e) {
		*out = *e;
		*e = (struct w32_object){ .kind = W32_NONE };
		changed_locked();
	}
	pthread_mutex_unlock(&table.lock);
	if (!e)
		SetLastError(ERROR_INVALID_HANDLE);
	return e != NULL;
}

bool w32_handle_any(bool (*match)(const struct w32_object *obj, const void *arg),
		    const void *arg)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&table.lock);
	for (i = 0; !found && i < table.count; i++)
		found = table.entries[i].kind != W32_NONE && match(&table.entries[i], arg);
	pthread_mutex_unlock(&table.lock);
	return found;
}

/* Removes a file the handle was to delete on close: by its descriptor's
 * path now, since the process may have changed directory since. */
static void delete_on_close(int fd)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return;
	path[n] = '\0';
	unlink(path);
}

void w32_object_release(struct w32_object *obj)
{
	if (obj->kind == W32_SECTION) {
		fm_section_close(obj->section);
	} else if (obj->kind == W32_SYNC) {
		fm_sync_close(obj->sync);
	} else if (obj->kind == W32_THREAD) {
		w32_thread_release(obj);
	} else if (obj->kind == W32_FILE) {
		if (obj->delete_on_close)
			delete_on_close(obj->fd);
		close(obj->fd);
	} else if (obj->kind == W32_WAITFD || obj->kind == W32_SNAPSHOT) {
		close(obj->fd);
	}
	obj->kind = W32_NONE;
}

FM_W32_API BOOL WINAPI CloseHandle(HANDLE hObject)
{
	struct w32_object obj;

	/* Closing a pseudo-handle is allowed, and a no-op. */
	if (hObject == PSEUDO_PROCESS || hObject == W32_PSEUDO_THREAD)
		return TRUE;
	if (!w32_handle_take(&obj, hObject))
		return FALSE;
	w32_object_release(&obj);
	return TRUE;
}

/* Opens a section with more access than src has: by name, since the name
 * is held by src and so still means the same section. */
static int widen_section(fm_section **out, fm_section *src, unsigned native)
{
	const char *name = fm_section_name(src);
	unsigned have = fm_section_access(src);

	if (name && w32_section_open(out, name, native) == 0)
		return 0;
	/* Unnamed, or the section allows no more: views will say so. */
	return fm_section_dup(out, src, native & have);
}

static bool dup_object(struct w32_object *out, const struct w32_object *src, DWORD access,
		       bool same_access)
{
	unsigned native, have;
	int r, fd;

	*out = (struct w32_object){ .kind = src->kind, .access = access, .fd = -1 };
	if (src->kind == W32_THREAD)
		return w32_thread_dup(out, src, access, same_access);
	if (src->kind == W32_FILE || src->kind == W32_WAITFD || src->kind == W32_SNAPSHOT) {
		fd = fcntl(src->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return w32_fail(w32_file_error(errno));
		out->fd = fd;
		out->waitfd = src->waitfd;
		out->id = src->id;
		if (src->kind == W32_WAITFD && !same_access)
			out->access = w32_process_rights(access);
		return true;
	}
	if (src->kind == W32_SYNC) {
		r = fm_sync_dup(&out->sync, src->sync);
		if (!same_access)
			out->access = w32_sync_rights(fm_sync_type(src->sync), access);
		return r < 0 ? w32_fail_native(r) : true;
	}
	have = fm_section_access(src->section);
	native = same_access ? have : w32_native_access(access);
	r = native & ~have ? widen_section(&out->section, src->section, native)
			   : fm_section_dup(&out->section, src->section, native);
	return r < 0 ? w32_fail_native(r) : true;
}

static bool is_this_process(HANDLE h)
{
	return h == PSEUDO_PROCESS;
}

FM_W32_API BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
				       HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
				       DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions)
{
	struct w32_object src, dup;
	HANDLE h = NULL;
	bool ok;

	/* Only this process exists for the layer: no other process handle can. */
	if (!is_this_process(hSourceProcessHandle) || !is_this_process(hTargetProcessHandle))
		return w32_fail(ERROR_INVALID_HANDLE);
	if (hSourceHandle == PSEUDO_PROCESS) {
		/* A real handle to this process, as Windows makes one. */
		if (dwOptions & DUPLICATE_SAME_ACCESS)
			dwDesiredAccess = PROCESS_ALL_ACCESS;
		ok = !lpTargetHandle || w32_process_self(&dup, dwDesiredAccess);
	} else if (hSourceHandle == W32_PSEUDO_THREAD) {
		/* A real handle to the calling thread, as Windows makes one. */
		ok = !lpTargetHandle ||
		     w32_thread_self(&dup, dwOptions & DUPLICATE_SAME_ACCESS ? THREAD_ALL_ACCESS
									     : dwDesiredAccess);
	} else {
		if (!w32_handle_get(&src, hSourceHandle))
			return FALSE;
		if (dwOptions & DUPLICATE_SAME_ACCESS)
			dwDesiredAccess = src.access;
		ok = !lpTargetHandle || dup_object(&dup, &src, dwDesiredAccess,
						   dwOptions & DUPLICATE_SAME_ACCESS);
	}
	if (ok && lpTargetHandle) {
		h = w32_handle_add(&dup, bInheritHandle);
		if (!h)
			w32_object_release(&dup);
		ok = h != NULL;
	}
	/* Windows closes the source even when the duplicate failed. */
	if ((dwOptions & DUPLICATE_CLOSE_SOURCE) && hSourceHandle != PSEUDO_PROCESS &&
	    hSourceHandle != W32_PSEUDO_THREAD && w32_handle_take(&src, hSourceHandle))
		w32_object_release(&src);
	if (ok && lpTargetHandle)
		*lpTargetHandle = h;
	return ok;
}

FM_W32_API BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags)
{
	struct w32_object obj;
	int fdflags;

	if (!w32_handle_get(&obj, hObject))
		return FALSE;
	fdflags = fcntl(w32_handle_fd(hObject), F_GETFD);
	if (fdflags < 0)
		return w32_fail(ERROR_INVALID_HANDLE);
	if (lpdwFlags)
		*lpdwFlags = fdflags & FD_CLOEXEC ? 0 : HANDLE_FLAG_INHERIT;
	return TRUE;
}

FM_W32_API BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags)
{
	struct w32_object obj;
	int fd = w32_handle_fd(hObject);

	if (!w32_handle_get(&obj, hObject))
		return FALSE;
	/* Only inheritance has a meaning here; protection from close is not
	 * kept, as nothing but CloseHandle closes a handle. */
	if ((dwMask & HANDLE_FLAG_INHERIT) &&
	    !inheritable(&obj, fd, dwFlags & HANDLE_FLAG_INHERIT))
		return w32_fail(w32_file_error(errno));
	return TRUE;
}

FM_W32_API HANDLE WINAPI GetCurrentProcess(void)
{
	return PSEUDO_PROCESS;
}

FM_W32_API DWORD WINAPI GetCurrentProcessId(void)
{
	return (DWORD)getpid();
}

FM_W32_API DWORD WINAPI GetCurrentThreadId(void)
{
	return (DWORD)gettid();
}
