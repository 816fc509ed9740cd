/* SPDX-License-Identifier: MIT */
/*
 * w32.h - what the files of libfilemap-win32 share: the handle table, the
 * error mapping, the string conversions, and the entry points for programs
 * built with a 2-byte wchar_t (-fshort-wchar).
 *
 * The layer is built on the public native API only (<filemap.h>), never on
 * the core's internals: it translates types, handles and error codes, and
 * keeps the few facts Windows has and the native API does not (a handle's
 * Win32 access bits, a view's 64 KiB placement).
 */
#ifndef FM_WIN32_W32_H
#define FM_WIN32_W32_H

#include <windows.h>
#include <filemap.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Windows' allocation granularity: view offsets and bases are multiples. */
#define W32_GRANULARITY 65536u
/* The highest user address 64-bit Windows reports. */
#define W32_MAX_ADDRESS ((uintptr_t)0x7FFFFFFEFFFFull)

/* Hidden helpers shared across the layer's files. */
#define W32_INTERNAL __attribute__((visibility("hidden")))

/* ---- errors (error.c) ---- */

/* The Windows error code for a native result: the one table, generated
 * from FM_ERRORS.  Codes the table lacks give ERROR_GEN_FAILURE. */
W32_INTERNAL DWORD w32_error_of(int code);
/* Whether FM_ERRORS lists code (for the completeness test). */
W32_INTERNAL bool w32_error_known(int code);
/* The Windows error code for an errno from a file call. */
W32_INTERNAL DWORD w32_file_error(int errnum);
/* Set the last error and return FALSE / NULL, for one-line failures. */
W32_INTERNAL BOOL w32_fail(DWORD error);
W32_INTERNAL void *w32_fail_null(DWORD error);
W32_INTERNAL BOOL w32_fail_native(int code);

/* ---- handles (handle.c) ---- */

enum w32_kind { W32_NONE = 0, W32_SECTION, W32_FILE, W32_SYNC, W32_WAITFD, W32_SNAPSHOT,
		W32_THREAD };

/* What a W32_WAITFD handle stands for.  Such an object is signalled once
 * and for good (a process that has ended), and its descriptor polls
 * readable from then on; waiting never consumes it, so a wait needs only
 * poll() and the wait functions need not know which kind it is. */
enum w32_waitfd_type { W32_WAITFD_PROCESS = 1 };

/* What the table keeps for a handle.  For a section, access holds the
 * SECTION_* rights Windows would grant the handle; the native handle's own
 * access is what the kernel enforces.  For a file, access holds GENERIC_*
 * bits reduced to GENERIC_READ / GENERIC_WRITE / GENERIC_EXECUTE.  For a
 * mutex, event or semaphore, access holds its specific and standard rights,
 * generic ones mapped, and the layer alone enforces them.  For a W32_WAITFD
 * object, access holds its type's rights (PROCESS_*), generic ones mapped.
 * For a thread, access holds THREAD_* rights, generic ones mapped; a wait
 * takes it as it takes a sync object, through the event its thread sets as
 * it ends (thread.c). */
struct w32_object {
	enum w32_kind kind;
	DWORD access;
	fm_section *section;  /* W32_SECTION */
	fm_sync *sync;        /* W32_SYNC; W32_THREAD: the event it sets as it ends */
	struct w32_thread *thread; /* W32_THREAD: the thread's record, a reference */
	int fd;               /* W32_FILE, W32_WAITFD, W32_SNAPSHOT: the descriptor */
	bool delete_on_close; /* W32_FILE with FILE_FLAG_DELETE_ON_CLOSE */
	enum w32_waitfd_type waitfd; /* W32_WAITFD: what it stands for */
	unsigned long id;            /* W32_WAITFD: its id (a process's pid) */
};

/* Enters obj under its descriptor (a section's fm_section_fileno) and
 * returns the handle; inherit clears FD_CLOEXEC so the handle survives
 * exec.  On failure the caller still owns obj's resources and the last
 * error is set. */
W32_INTERNAL HANDLE w32_handle_add(const struct w32_object *obj, bool inherit);
/* Copies the handle's entry into *out; an unknown descriptor inherited
 * across exec is adopted first.  false (last error 6) for a bad handle. */
W32_INTERNAL bool w32_handle_get(struct w32_object *out, HANDLE h);

/* The calling thread's last lookup, good while w32_handle_generation is
 * what it was then (handle.c). */
struct w32_last_lookup {
	HANDLE handle;
	unsigned long generation;
	/* What WaitForSingleObject and ReleaseMutex need, resolved at lookup
	 * and beside the two words above, so that they call the native wait,
	 * lock or unlock after loads from one line: obj.sync if the handle may
	 * wait on it (a sync object with SYNCHRONIZE), else NULL; obj.sync if
	 * it is a mutex, else NULL. */
	fm_sync *waitable;
	fm_sync *mutex;
	struct w32_object obj;
};
W32_INTERNAL extern __thread struct w32_last_lookup w32_last_lookup
	__attribute__((tls_model("initial-exec")));
W32_INTERNAL extern _Atomic unsigned long w32_handle_generation;
/* The slow lookup: under the table's lock, adopting an inherited
 * descriptor; it becomes the thread's last lookup.  NULL (last error 6)
 * for a bad handle. */
W32_INTERNAL const struct w32_object *w32_handle_find(HANDLE h);

/*
 * The thread's last lookup if it was of h and the table has not changed
 * since, else NULL (h may then still be valid: ask w32_handle_peek).  Its
 * kind is W32_NONE until the thread's first lookup.  The hot path of
 * WaitForSingleObject and ReleaseMutex, which do only this (two compares)
 * before they call the native function.
 */
static inline const struct w32_last_lookup *w32_handle_cached(HANDLE h)
{
	if (w32_last_lookup.handle == h &&
	    w32_last_lookup.generation ==
		    atomic_load_explicit(&w32_handle_generation, memory_order_acquire))
		return &w32_last_lookup;
	return NULL;
}

/*
 * The handle's entry, valid until this thread's next lookup (the thread's
 * copy: a wait and a release on one handle cost two loads each), or NULL
 * with last error 6.  The hot path of every call that takes a handle.
 */
static inline const struct w32_object *w32_handle_peek(HANDLE h)
{
	const struct w32_last_lookup *last = h ? w32_handle_cached(h) : NULL;

	return last ? &last->obj : w32_handle_find(h);
}
/* Removes the entry and returns it in *out; false for a bad handle. */
W32_INTERNAL bool w32_handle_take(struct w32_object *out, HANDLE h);
/* Whether some handle in the table matches (match runs with the table
 * locked, so it must not call back into the table). */
W32_INTERNAL bool w32_handle_any(bool (*match)(const struct w32_object *obj, const void *arg),
				 const void *arg);
/* Whether the file open at fd has a section that Windows would not let
 * SetEndOfFile cut short (mapped.c). */
W32_INTERNAL bool w32_file_has_section(int fd);
/* Whether addr lies in memory the process has mapped (query.c). */
W32_INTERNAL bool w32_address_mapped(const void *addr);
/* Releases what a taken entry holds. */
W32_INTERNAL void w32_object_release(struct w32_object *obj);
/* The descriptor of a handle value, or -1 when it cannot be one. */
W32_INTERNAL int w32_handle_fd(HANDLE h);

/* ---- page protections (protect.c) ---- */

/* The protection (PAGE_*) of a view MapViewOfFile maps with access mask
 * `access` (FILE_MAP_*), as Windows derives it. */
W32_INTERNAL DWORD w32_view_protect(DWORD access);
/* Whether protect is one plain PAGE_* value (no modifier bits). */
W32_INTERNAL bool w32_protect_known(DWORD protect);
/* The native view access (FM_*) of a plain protection; 0 for NOACCESS. */
W32_INTERNAL unsigned w32_protect_native(DWORD protect);
/* Whether a section handle with SECTION_* rights may map a view of protect. */
W32_INTERNAL bool w32_protect_rights_allow(DWORD rights, DWORD protect);
/* Whether protect asks no more (read, write, execute) than limit allows:
 * VirtualProtect's rule for the pages of a view. */
W32_INTERNAL bool w32_protect_within(DWORD protect, DWORD limit);
/* The protection Windows names for native view access (FM_*); a written
 * copy-on-write page is the process's own, PAGE_READWRITE. */
W32_INTERNAL DWORD w32_protect_of_native(unsigned native, bool written);
/* A protection VirtualAlloc and VirtualProtect take (a plain one, with at
 * most one of PAGE_GUARD, PAGE_NOCACHE, PAGE_WRITECOMBINE), as Windows
 * will report it; 0 for one they refuse. */
W32_INTERNAL DWORD w32_protect_page(DWORD protect);
/* The mmap protection (PROT_*) of pages of that protection. */
W32_INTERNAL int w32_protect_mmap(DWORD protect);
/* Whether protect is copy-on-write (PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY). */
W32_INTERNAL bool w32_protect_copies(DWORD protect);
/* What a copy-on-write protection reads as once its page was written. */
W32_INTERNAL DWORD w32_protect_written(DWORD protect);

/* ---- page state (regions.c) ---- */

/* An allocation the layer keeps page state for: memory from VirtualAlloc
 * (MEM_PRIVATE), or a view whose pages were given protections (MEM_MAPPED). */
struct w32_region {
	uintptr_t base;
	size_t size;         /* whole pages */
	DWORD type;          /* MEM_PRIVATE or MEM_MAPPED */
	DWORD alloc_protect;
};

/* One page's state, and how far the pages alike go. */
struct w32_page {
	DWORD state;   /* MEM_RESERVE or MEM_COMMIT (a view's: see fm_view_committed) */
	DWORD protect; /* as Windows reports it, when committed */
	size_t run;    /* bytes from the page to the end of the run of pages alike */
};

/* Enters a region whose every page is state and protect; false when out of
 * memory or when a region is there already. */
W32_INTERNAL bool w32_region_add(const struct w32_region *info, DWORD state, DWORD protect);
/* Forgets the region based at base; false if there is none. */
W32_INTERNAL bool w32_region_remove(uintptr_t base);
/* The region containing addr; false if none. */
W32_INTERNAL bool w32_region_find(struct w32_region *out, const void *addr);
/* The state of the page containing addr; false if no region holds it. */
W32_INTERNAL bool w32_region_page(struct w32_page *out, const void *addr);
/* Sets whole pages [addr, addr + length) of one region; false if they
 * leave it, or when out of memory. */
W32_INTERNAL bool w32_region_set(const void *addr, size_t length, DWORD state, DWORD protect);

/* Whether the page at page (page-aligned) of a copy-on-write mapping holds
 * this process's own copy: it was written (query.c). */
W32_INTERNAL bool w32_page_written(const void *page);

/* ---- threads (thread.c) ---- */

/* GetCurrentThread()'s pseudo-handle. */
#define W32_PSEUDO_THREAD ((HANDLE)(LONG_PTR)-2)
/* The rights of a thread handle that asked for access (generic mapped). */
W32_INTERNAL DWORD w32_thread_rights(DWORD access);
/* A real handle's object for the calling thread (DuplicateHandle of the
 * pseudo-handle), with the rights asked for; false with the last error. */
W32_INTERNAL bool w32_thread_self(struct w32_object *out, DWORD access);
/* A second handle's object for src's thread: with access's rights (same:
 * access is rights already). */
W32_INTERNAL bool w32_thread_dup(struct w32_object *out, const struct w32_object *src,
				 DWORD access, bool same);
/* Releases what a thread handle's object holds. */
W32_INTERNAL void w32_thread_release(struct w32_object *obj);

/* ---- processes (process.c) and waits on W32_WAITFD objects (wait-fd.c) ---- */

/* The rights of a process handle that asked for access (generic mapped). */
W32_INTERNAL DWORD w32_process_rights(DWORD access);
/* The priority class (IDLE_PRIORITY_CLASS ...) whose range holds a nice
 * value, and Windows' base priority of that class (toolhelp.c). */
W32_INTERNAL DWORD w32_priority_class_of_nice(int nice);
W32_INTERNAL LONG w32_base_priority_of_nice(int nice);
/* Whether descriptor fd, inherited across exec, is a process handle (a
 * pidfd); if so fills *out with all of a process handle's rights. */
W32_INTERNAL bool w32_process_adopt(struct w32_object *out, int fd);
/* A real handle's object for this process (DuplicateHandle of the
 * pseudo-handle), with the rights asked for; false with the last error. */
W32_INTERNAL bool w32_process_self(struct w32_object *out, DWORD access);
/* Waits until fd polls readable or timeout_ms (INFINITE: never) passes:
 * 0 signalled, -ETIMEDOUT, or another -errno. */
W32_INTERNAL int w32_waitfd_wait(int fd, DWORD timeout_ms);
/* A native wait's result as Windows says it (wait.c): WAIT_OBJECT_0 +
 * index, WAIT_ABANDONED_0 + index, WAIT_TIMEOUT, or WAIT_FAILED with the
 * last error set. */
W32_INTERNAL DWORD w32_wait_result(int r, size_t index);
/* WaitForMultipleObjects over handles of which at least one is a
 * W32_WAITFD object; objs[] are the checked entries of the handles. */
W32_INTERNAL DWORD w32_wait_mixed(const struct w32_object *objs, DWORD count, BOOL all,
				  DWORD timeout_ms);

/* ---- strings (text.c) ---- */

/* UTF-8 copies of wide strings, malloc'ed into *out (NULL for NULL).
 * Returns 0, FM_ENAME for a lone surrogate or a value past U+10FFFF, or
 * -ENOMEM. */
W32_INTERNAL int w32_utf8_from_utf32(char **out, const uint32_t *s);
W32_INTERNAL int w32_utf8_from_utf16(char **out, const uint16_t *s);
/* The same for a string of width bytes a unit (2 or 4). */
W32_INTERNAL int w32_utf8_from_wide(char **out, const void *s, size_t width);
/* How many UTF-16 units s (UTF-8, not necessarily valid) takes. */
W32_INTERNAL size_t w32_utf16_length(const char *s);

/* Lenient conversions, for text that is shown or copied: what has no form
 * on the other side becomes U+FFFD.  A wide string is units of width
 * bytes (4: UTF-32, 2: UTF-16). */
W32_INTERNAL uint32_t w32_wide_unit(const void *s, size_t width, size_t i);
W32_INTERNAL void w32_wide_store(void *s, size_t width, size_t i, uint32_t unit);
W32_INTERNAL size_t w32_wide_length(const void *s, size_t width);
/* UTF-8 of s[0..n), malloc'ed (NULL when out of memory); *length its bytes. */
W32_INTERNAL char *w32_utf8_of_wide(const void *s, size_t width, size_t n, size_t *length);
/* Writes code point c as UTF-8 at out (4 bytes of room); the bytes written. */
W32_INTERNAL size_t w32_utf8_put(char *out, uint32_t c);
/* The code point at s (len bytes left) and its length in *bytes. */
W32_INTERNAL uint32_t w32_utf8_next(const char *s, size_t len, size_t *bytes);
/* Stores code point c at unit i of out (NULL: only counts); the units. */
W32_INTERNAL size_t w32_wide_put(void *out, size_t width, size_t i, uint32_t c);
/* Decodes s[0..len) into out (NULL: only counts); the units it takes. */
W32_INTERNAL size_t w32_wide_of_utf8(void *out, size_t width, const char *s, size_t len);

/* ---- sections (mapping.c) and files (file.c), by UTF-8 name ---- */

W32_INTERNAL HANDLE w32_create_mapping(HANDLE file, LPSECURITY_ATTRIBUTES sa, DWORD protect,
				       DWORD size_high, DWORD size_low, const char *name);
W32_INTERNAL HANDLE w32_open_mapping(DWORD access, BOOL inherit, const char *name);
W32_INTERNAL HANDLE w32_create_file(const char *path, DWORD access, DWORD share,
				    LPSECURITY_ATTRIBUTES sa, DWORD disposition, DWORD flags);
W32_INTERNAL BOOL w32_delete_file(const char *path);
/* Opens the named section with the native access, or with less (first
 * without execute, then without write) when the section allows no more:
 * Windows grants the handle and refuses only the view. */
W32_INTERNAL int w32_section_open(fm_section **out, const char *name, unsigned native);
/* The native access a section handle with these SECTION_* rights needs. */
W32_INTERNAL unsigned w32_native_access(DWORD rights);

/* Windows' answer for a name its object manager refuses before any lookup
 * (a leading backslash, an empty name after Local\ or Global\), or 0. */
W32_INTERNAL DWORD w32_name_error(const char *name);
/* The permission bits a new named object (a mutex, event or semaphore when
 * sync) gets from its security attributes (security.c). */
W32_INTERNAL uint32_t w32_mode_of(const SECURITY_ATTRIBUTES *sa, bool sync);

/* ---- mutexes, events, semaphores (sync.c) ---- */

/* The rights of a handle to a sync object of native type (FM_TYPE_*) that
 * asked for access: generic rights mapped to the type's own. */
W32_INTERNAL DWORD w32_sync_rights(int type, DWORD access);

/* ---- entry points for 2-byte wchar_t programs (the header binds them) ---- */

FM_W32_API HANDLE WINAPI CreateFileMappingW_w16(HANDLE hFile, LPSECURITY_ATTRIBUTES sa,
						DWORD flProtect, DWORD high, DWORD low,
						const uint16_t *lpName);
FM_W32_API HANDLE WINAPI OpenFileMappingW_w16(DWORD dwDesiredAccess, BOOL bInheritHandle,
					      const uint16_t *lpName);
FM_W32_API HANDLE WINAPI CreateFileW_w16(const uint16_t *lpFileName, DWORD access, DWORD share,
					 LPSECURITY_ATTRIBUTES sa, DWORD disposition,
					 DWORD flags, HANDLE hTemplateFile);
FM_W32_API BOOL WINAPI DeleteFileW_w16(const uint16_t *lpFileName);
FM_W32_API HANDLE WINAPI CreateMutexW_w16(LPSECURITY_ATTRIBUTES sa, BOOL owner,
					  const uint16_t *lpName);
FM_W32_API HANDLE WINAPI CreateMutexExW_w16(LPSECURITY_ATTRIBUTES sa, const uint16_t *lpName,
					    DWORD flags, DWORD access);
FM_W32_API HANDLE WINAPI OpenMutexW_w16(DWORD access, BOOL inherit, const uint16_t *lpName);
FM_W32_API HANDLE WINAPI CreateEventW_w16(LPSECURITY_ATTRIBUTES sa, BOOL manual, BOOL initial,
					  const uint16_t *lpName);
FM_W32_API HANDLE WINAPI CreateEventExW_w16(LPSECURITY_ATTRIBUTES sa, const uint16_t *lpName,
					    DWORD flags, DWORD access);
FM_W32_API HANDLE WINAPI OpenEventW_w16(DWORD access, BOOL inherit, const uint16_t *lpName);
FM_W32_API HANDLE WINAPI CreateSemaphoreW_w16(LPSECURITY_ATTRIBUTES sa, LONG initial,
					      LONG maximum, const uint16_t *lpName);
FM_W32_API HANDLE WINAPI CreateSemaphoreExW_w16(LPSECURITY_ATTRIBUTES sa, LONG initial,
						LONG maximum, const uint16_t *lpName,
						DWORD flags, DWORD access);
FM_W32_API HANDLE WINAPI OpenSemaphoreW_w16(DWORD access, BOOL inherit,
					    const uint16_t *lpName);
FM_W32_API int WINAPI MessageBoxW_w16(HWND hWnd, const uint16_t *lpText,
				      const uint16_t *lpCaption, UINT uType);
FM_W32_API UINT WINAPI RegisterWindowMessageW_w16(const uint16_t *lpString);
FM_W32_API BOOL WINAPI Process32FirstW_w16(HANDLE hSnapshot, void *lppe);
FM_W32_API BOOL WINAPI Process32NextW_w16(HANDLE hSnapshot, void *lppe);
FM_W32_API uint16_t **WINAPI CommandLineToArgvW_w16(const uint16_t *lpCmdLine, int *pNumArgs);
FM_W32_API uint16_t *WINAPI GetCommandLineW_w16(void);
FM_W32_API DWORD WINAPI GetModuleFileNameW_w16(HMODULE hModule, uint16_t *lpFilename,
					       DWORD nSize);

#endif /* FM_WIN32_W32_H */
