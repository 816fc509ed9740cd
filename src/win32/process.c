/* SPDX-License-Identifier: MIT */
/*
 * process.c - process handles: OpenProcess, GetExitCodeProcess and
 * GetProcessId, a real handle to this process for DuplicateHandle, and the
 * priority class.
 *
 * A process handle is a pidfd: it names the process itself, not a pid that
 * a later process could take, and it polls readable once the process has
 * ended, which is when Windows signals a process object.  So it is a
 * W32_WAITFD object, and the wait functions need nothing of their own for
 * it (wait-fd.c).
 *
 * Rights follow Windows: waiting needs SYNCHRONIZE, the exit code
 * PROCESS_QUERY_(LIMITED_)INFORMATION; the process of another user can be
 * opened only by root (Windows' default process DACL grants other users
 * nothing; an administrator has SeDebugPrivilege).
 *
 * The exit code: Linux keeps a process's exit status for its parent only.
 * For a child of the caller it is exact (read with WNOWAIT, so the
 * program's own waitpid still reaps it), the low 8 bits as Linux keeps
 * them, or 128 + N for a child killed by signal N, as a shell says.  For any
 * other process, or a child already reaped, it is 0 once the process has
 * ended.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PSEUDO_PROCESS ((HANDLE)(LONG_PTR)-1)

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* What each generic right means for a process, as Windows maps it. */
#define PROCESS_GENERIC_READ (STANDARD_RIGHTS_READ | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION)
#define PROCESS_GENERIC_WRITE                                                            \
	(STANDARD_RIGHTS_WRITE | PROCESS_CREATE_PROCESS | PROCESS_CREATE_THREAD |        \
	 PROCESS_VM_OPERATION | PROCESS_VM_WRITE | PROCESS_DUP_HANDLE | PROCESS_TERMINATE | \
	 PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION | PROCESS_SUSPEND_RESUME)
#define PROCESS_GENERIC_EXECUTE                                                          \
	(STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION |     \
	 PROCESS_TERMINATE)

/* The rights a handle asking for access gets: generic rights mapped, and
 * the full query right bringing the limited one, as in Windows. */
DWORD w32_process_rights(DWORD access)
{
	DWORD rights = access & (PROCESS_ALL_ACCESS | ACCESS_SYSTEM_SECURITY);

	if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
		rights |= PROCESS_ALL_ACCESS;
	if (access & GENERIC_READ)
		rights |= PROCESS_GENERIC_READ;
	if (access & GENERIC_WRITE)
		rights |= PROCESS_GENERIC_WRITE;
	if (access & GENERIC_EXECUTE)
		rights |= PROCESS_GENERIC_EXECUTE;
	if (rights & PROCESS_QUERY_INFORMATION)
		rights |= PROCESS_QUERY_LIMITED_INFORMATION;
	return rights;
}

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static DWORD open_error(int errnum)
{
	/* Windows says 87 for a process id that names no process. */
	return errnum == ESRCH || errnum == EINVAL ? ERROR_INVALID_PARAMETER
						   : w32_file_error(errnum);
}

/* Whether a process that is still running belongs to another user: its
 * /proc directory is owned by its effective uid.  A process that has
 * ended is nobody's to refuse: its pid may already be another's. */
static bool belongs_to_other_user(pid_t pid, int pidfd)
{
	struct pollfd ended = { .fd = pidfd, .events = POLLIN };
	char path[32];
	struct stat st;
	uid_t me = geteuid();

	if (me == 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) != 0)
		return false;
	return st.st_uid != me && poll(&ended, 1, 0) == 0;
}

FM_W32_API HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle,
				     DWORD dwProcessId)
{
	struct w32_object obj = { .kind = W32_WAITFD, .waitfd = W32_WAITFD_PROCESS };
	HANDLE h;
	int fd;

	if (dwProcessId == 0 || dwProcessId > (DWORD)INT_MAX)
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	fd = pidfd_open((pid_t)dwProcessId);
	if (fd < 0)
		return w32_fail_null(open_error(errno));
	if (belongs_to_other_user((pid_t)dwProcessId, fd)) {
		close(fd);
		return w32_fail_null(ERROR_ACCESS_DENIED);
	}
	obj.fd = fd;
	obj.id = dwProcessId;
	obj.access = w32_process_rights(dwDesiredAccess);
	h = w32_handle_add(&obj, bInheritHandle);
	if (!h)
		close(fd);
	return h;
}

bool w32_process_self(struct w32_object *out, DWORD access)
{
	int fd = pidfd_open(getpid());

	if (fd < 0)
		return w32_fail(w32_file_error(errno));
	*out = (struct w32_object){ .kind = W32_WAITFD, .waitfd = W32_WAITFD_PROCESS, .fd = fd,
				    .id = (unsigned long)getpid(),
				    .access = w32_process_rights(access) };
	return true;
}

/* The pid that /proc/self/fdinfo gives for pidfd fd; 0 when it has none
 * any more (the process was reaped) or cannot be read. */
static unsigned long pidfd_pid(int fd)
{
	char path[64], line[128];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %ld", &pid) == 1)
			break;
	fclose(f);
	return pid > 0 ? (unsigned long)pid : 0;
}

bool w32_process_adopt(struct w32_object *out, int fd)
{
	static const char pidfd[] = "anon_inode:[pidfd]";
	char link[64], target[sizeof(pidfd)];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target));
	if (n != (ssize_t)sizeof(pidfd) - 1 || memcmp(target, pidfd, (size_t)n) != 0)
		return false;
	*out = (struct w32_object){ .kind = W32_WAITFD, .waitfd = W32_WAITFD_PROCESS, .fd = fd,
				    .id = pidfd_pid(fd), .access = PROCESS_ALL_ACCESS };
	return true;
}

/* h's entry if it is a process handle with right; false with the last
 * error set (6 not a process handle, 5 without the right). */
static bool process_of(struct w32_object *out, HANDLE h, DWORD right)
{
	if (!w32_handle_get(out, h))
		return false;
	if (out->kind != W32_WAITFD || out->waitfd != W32_WAITFD_PROCESS)
		return w32_fail(ERROR_INVALID_HANDLE);
	if (!(out->access & right))
		return w32_fail(ERROR_ACCESS_DENIED);
	return true;
}

/* Windows' exit code for an ended process (see the top of the file). */
static DWORD exit_code(int pidfd)
{
	siginfo_t si = { 0 };

	if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
	    si.si_pid == 0)
		return 0;
	if (si.si_code == CLD_EXITED)
		return (DWORD)si.si_status;
	return 128 + (DWORD)si.si_status;
}

FM_W32_API BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode)
{
	struct w32_object obj;
	struct pollfd ended;
	int n;

	if (hProcess != PSEUDO_PROCESS &&
	    !process_of(&obj, hProcess, PROCESS_QUERY_LIMITED_INFORMATION))
		return FALSE;
	if (!lpExitCode)
		return w32_fail(ERROR_NOACCESS);
	if (hProcess == PSEUDO_PROCESS) {
		*lpExitCode = STILL_ACTIVE;
		return TRUE;
	}
	ended = (struct pollfd){ .fd = obj.fd, .events = POLLIN };
	n = poll(&ended, 1, 0);
	if (n < 0)
		return w32_fail(w32_file_error(errno));
	*lpExitCode = n == 0 ? STILL_ACTIVE : exit_code(obj.fd);
	return TRUE;
}

FM_W32_API DWORD WINAPI GetProcessId(HANDLE Process)
{
	struct w32_object obj;

	if (Process == PSEUDO_PROCESS)
		return (DWORD)getpid();
	if (!process_of(&obj, Process, PROCESS_QUERY_LIMITED_INFORMATION))
		return 0;
	return (DWORD)obj.id;
}

/* ---- priority classes, on nice values ---- */

/* Each class: the nice value SetPriorityClass gives, the lowest nice value
 * GetPriorityClass reads as it, and Windows' base priority of the class. */
static const struct {
	DWORD priority_class;
	int nice, from;
	LONG base;
} classes[] = {
	{ REALTIME_PRIORITY_CLASS, -20, -20, 24 },
	{ HIGH_PRIORITY_CLASS, -10, -19, 13 },
	{ ABOVE_NORMAL_PRIORITY_CLASS, -5, -9, 10 },
	{ NORMAL_PRIORITY_CLASS, 0, -4, 8 },
	{ BELOW_NORMAL_PRIORITY_CLASS, 10, 5, 6 },
	{ IDLE_PRIORITY_CLASS, 19, 15, 4 },
};

#define CLASS_COUNT (sizeof(classes) / sizeof(classes[0]))

static size_t class_index_of_nice(int nice)
{
	size_t i = CLASS_COUNT - 1;

	while (i > 0 && nice < classes[i].from)
		i--;
	return i;
}

DWORD w32_priority_class_of_nice(int nice)
{
	return classes[class_index_of_nice(nice)].priority_class;
}

LONG w32_base_priority_of_nice(int nice)
{
	return classes[class_index_of_nice(nice)].base;
}

/* The pid a process handle (or the pseudo-handle) names, if it has right
 * and the process still runs; 0 with the last error set. */
static pid_t running_pid(HANDLE h, DWORD right)
{
	struct w32_object obj;
	struct pollfd ended;

	if (h == PSEUDO_PROCESS)
		return getpid();
	if (!process_of(&obj, h, right))
		return 0;
	ended = (struct pollfd){ .fd = obj.fd, .events = POLLIN };
	if (poll(&ended, 1, 0) != 0 || obj.id == 0)
		return w32_fail(ERROR_ACCESS_DENIED), 0;
	return (pid_t)obj.id;
}

/* Sets every thread's nice value: Linux's is per thread. */
static DWORD renice_threads(pid_t pid, int nice)
{
	char path[64];
	struct dirent *e;
	DWORD error = NO_ERROR;
	DIR *tasks;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		return ERROR_ACCESS_DENIED;
	while ((e = readdir(tasks)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (setpriority(PRIO_PROCESS, (id_t)atoi(e->d_name), nice) != 0 && errno != ESRCH)
			error = errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED
								   : w32_file_error(errno);
	}
	closedir(tasks);
	return error;
}

FM_W32_API BOOL WINAPI SetPriorityClass(HANDLE hProcess, DWORD dwPriorityClass)
{
	size_t i;
	pid_t pid;
	DWORD error;

	for (i = 0; i < CLASS_COUNT && classes[i].priority_class != dwPriorityClass; i++)
		;
	pid = running_pid(hProcess, PROCESS_SET_INFORMATION);
	if (!pid)
		return FALSE;
	if (i == CLASS_COUNT)
		return w32_fail(ERROR_INVALID_PARAMETER);
	error = renice_threads(pid, classes[i].nice);
	return error == NO_ERROR ? TRUE : w32_fail(error);
}

FM_W32_API DWORD WINAPI GetPriorityClass(HANDLE hProcess)
{
	pid_t pid = running_pid(hProcess, PROCESS_QUERY_LIMITED_INFORMATION);
	int nice;

	if (!pid)
		return 0;
	errno = 0;
	nice = getpriority(PRIO_PROCESS, (id_t)pid);
	if (nice == -1 && errno != 0)
		return w32_fail(w32_file_error(errno)), 0;
	return w32_priority_class_of_nice(nice);
}
