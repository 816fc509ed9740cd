/* SPDX-License-Identifier: MIT */
/*
 * toolhelp.c - process snapshots: CreateToolhelp32Snapshot and
 * Process32First/Next (A and W), over /proc.
 *
 * A snapshot is taken whole when it is created, as Windows takes it, into
 * an anonymous memory file (memfd) of fixed-size records; the handle is
 * that file's descriptor (a W32_SNAPSHOT object), and its file offset is
 * the walk's position, so the snapshot needs no state of the layer's own
 * and goes away with its last handle.
 *
 * Names: Windows shows a process's image file name.  A process running
 * under Wine shows its Windows executable as argv[0]
 * ("C:\games\Game64.exe"), whose last part is that name; any other
 * process is named after its executable (/proc/PID/exe) with ".exe"
 * appended, as its Windows build would be called, so a reader looking for
 * "Game64.exe" finds a native Game64 too.  An executable hidden from the
 * caller (another user's) falls back to the kernel's 15-character name;
 * a kernel thread, which runs no executable, keeps its bare name.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <TlHelp32.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct record {
	uint32_t pid;
	uint32_t parent;
	uint32_t threads;
	int32_t base_priority;
	char name[MAX_PATH * 4]; /* UTF-8 */
};

/* Reads up to size - 1 bytes of a /proc file of pid into buf; the bytes
 * read (0 when it cannot). */
static size_t read_proc(char *buf, size_t size, int pid, const char *file)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

static const char *last_part(const char *path)
{
	const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\');

	if (backslash && (!slash || backslash > slash))
		return backslash + 1;
	return slash ? slash + 1 : path;
}

static bool ends_with_exe(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcasecmp(name + n - 4, ".exe") == 0;
}

/* out = name + suffix, truncated to size (a name too long for Windows'
 * MAX_PATH is cut there anyway). */
static void set_name(char *out, size_t size, const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);

	if (n > size - 1)
		n = size - 1;
	if (m > size - 1 - n)
		m = size - 1 - n;
	memcpy(out, name, n);
	memcpy(out + n, suffix, m);
	out[n + m] = '\0';
}

/* Names the process as Windows would (see the top of the file). */
static void name_process(char *out, size_t size, int pid)
{
	char buf[PATH_MAX], link[64];
	bool kernel_thread;
	ssize_t n;
	size_t len;

	if (read_proc(buf, sizeof(buf), pid, "cmdline") && ends_with_exe(last_part(buf))) {
		set_name(out, size, last_part(buf), "");
		return;
	}
	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		len = strlen(buf);
		if (len > 10 && strcmp(buf + len - 10, " (deleted)") == 0)
			buf[len - 10] = '\0';
		set_name(out, size, last_part(buf), ends_with_exe(buf) ? "" : ".exe");
		return;
	}
	kernel_thread = read_proc(buf, sizeof(buf), pid, "cmdline") == 0;
	read_proc(buf, sizeof(buf), pid, "comm");
	buf[strcspn(buf, "\n")] = '\0';
	set_name(out, size, buf, kernel_thread ? "" : ".exe");
}

/* Fills r for process pid from /proc; false when it is gone. */
static bool describe(struct record *r, int pid)
{
	char stat[1024], *end;
	int parent = 0, nice = 0, threads = 0;

	if (!read_proc(stat, sizeof(stat), pid, "stat"))
		return false;
	/* After the name in parentheses, which may hold anything: state,
	 * parent, ..., nice (19th), threads (20th). */
	end = strrchr(stat, ')');
	if (!end || sscanf(end + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
				    "%d %d", &parent, &nice, &threads) != 3)
		return false;
	*r = (struct record){ .pid = (uint32_t)pid, .parent = (uint32_t)parent,
			      .threads = (uint32_t)threads,
			      .base_priority = w32_base_priority_of_nice(nice) };
	name_process(r->name, sizeof(r->name), pid);
	return true;
}

static bool write_all(int fd, const void *p, size_t n)
{
	return write(fd, p, n) == (ssize_t)n;
}

/* Writes a record for every process into fd; false on a write error. */
static bool record_processes(int fd)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	struct record r;
	bool ok = proc != NULL;

	while (ok && (e = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (describe(&r, atoi(e->d_name)))
			ok = write_all(fd, &r, sizeof(r));
	}
	if (proc)
		closedir(proc);
	return ok;
}

FM_W32_API HANDLE WINAPI CreateToolhelp32Snapshot(DWORD dwFlags, DWORD th32ProcessID)
{
	struct w32_object obj = { .kind = W32_SNAPSHOT };
	HANDLE h;
	int fd;

	(void)th32ProcessID;
	fd = memfd_create("toolhelp-snapshot", MFD_CLOEXEC);
	if (fd < 0)
		return SetLastError(w32_file_error(errno)), INVALID_HANDLE_VALUE;
	if (((dwFlags & TH32CS_SNAPPROCESS) && !record_processes(fd)) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		SetLastError(w32_file_error(errno));
		close(fd);
		return INVALID_HANDLE_VALUE;
	}
	obj.fd = fd;
	h = w32_handle_add(&obj, (dwFlags & TH32CS_INHERIT) != 0);
	if (!h) {
		close(fd);
		return INVALID_HANDLE_VALUE;
	}
	return h;
}

/* The next record of the snapshot (the first if first); false with the
 * last error set (ERROR_NO_MORE_FILES past the last). */
static bool next_record(struct record *r, HANDLE snapshot, bool first)
{
	struct w32_object obj;
	ssize_t n;

	if (!w32_handle_get(&obj, snapshot))
		return false;
	if (obj.kind != W32_SNAPSHOT)
		return w32_fail(ERROR_INVALID_HANDLE);
	if (first && lseek(obj.fd, 0, SEEK_SET) != 0)
		return w32_fail(w32_file_error(errno));
	n = read(obj.fd, r, sizeof(*r));
	if (n < 0)
		return w32_fail(w32_file_error(errno));
	return n == (ssize_t)sizeof(*r) ? true : w32_fail(ERROR_NO_MORE_FILES);
}

/* Fills the fields both structures share: they differ only in szExeFile. */
#define FILL_COMMON(pe, r)                                    \
	do {                                                  \
		(pe)->cntUsage = 0;                           \
		(pe)->th32ProcessID = (r).pid;                \
		(pe)->th32DefaultHeapID = 0;                  \
		(pe)->th32ModuleID = 0;                       \
		(pe)->cntThreads = (r).threads;               \
		(pe)->th32ParentProcessID = (r).parent;       \
		(pe)->pcPriClassBase = (r).base_priority;     \
		(pe)->dwFlags = 0;                            \
	} while (0)

static BOOL process_a(HANDLE snapshot, LPPROCESSENTRY32 pe, bool first)
{
	struct record r;
	size_t n;

	if (!pe)
		return w32_fail(ERROR_INVALID_PARAMETER);
	if (pe->dwSize < sizeof(*pe))
		return w32_fail(ERROR_INSUFFICIENT_BUFFER);
	if (!next_record(&r, snapshot, first))
		return FALSE;
	FILL_COMMON(pe, r);
	/* Truncated to the array, at a character's boundary. */
	n = strlen(r.name);
	if (n >= sizeof(pe->szExeFile)) {
		n = sizeof(pe->szExeFile) - 1;
		while (n > 0 && ((unsigned char)r.name[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(pe->szExeFile, r.name, n);
	pe->szExeFile[n] = '\0';
	return TRUE;
}

/* The W forms, for a wchar_t of width bytes: the structures differ only in
 * szExeFile's units, at the same offset. */
static BOOL process_w(HANDLE snapshot, void *entry, bool first, size_t width)
{
	PROCESSENTRY32W *pe = entry;
	size_t size = offsetof(PROCESSENTRY32W, szExeFile) + MAX_PATH * width, units;
	void *name = (char *)entry + offsetof(PROCESSENTRY32W, szExeFile), *wide;
	struct record r;

	if (!pe)
		return w32_fail(ERROR_INVALID_PARAMETER);
	if (pe->dwSize < (size + 7) / 8 * 8)
		return w32_fail(ERROR_INSUFFICIENT_BUFFER);
	if (!next_record(&r, snapshot, first))
		return FALSE;
	FILL_COMMON(pe, r);
	units = w32_wide_of_utf8(NULL, width, r.name, strlen(r.name));
	wide = malloc((units + 1) * width);
	if (!wide)
		return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
	w32_wide_of_utf8(wide, width, r.name, strlen(r.name));
	units = units < MAX_PATH ? units : MAX_PATH - 1;
	memcpy(name, wide, units * width);
	w32_wide_store(name, width, units, 0);
	free(wide);
	return TRUE;
}

FM_W32_API BOOL WINAPI Process32First(HANDLE hSnapshot, LPPROCESSENTRY32 lppe)
{
	return process_a(hSnapshot, lppe, true);
}

FM_W32_API BOOL WINAPI Process32Next(HANDLE hSnapshot, LPPROCESSENTRY32 lppe)
{
	return process_a(hSnapshot, lppe, false);
}

FM_W32_API BOOL WINAPI Process32FirstW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe)
{
	return process_w(hSnapshot, lppe, true, 4);
}

FM_W32_API BOOL WINAPI Process32NextW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe)
{
	return process_w(hSnapshot, lppe, false, 4);
}

FM_W32_API BOOL WINAPI Process32FirstW_w16(HANDLE hSnapshot, void *lppe)
{
	return process_w(hSnapshot, lppe, true, 2);
}

FM_W32_API BOOL WINAPI Process32NextW_w16(HANDLE hSnapshot, void *lppe)
{
	return process_w(hSnapshot, lppe, false, 2);
}
