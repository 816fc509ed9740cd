/* SPDX-License-Identifier: MIT */
/*
 * file.c - CreateFile, ReadFile, WriteFile and the other file calls a
 * shared-memory program needs around its sections.
 *
 * A file handle is the descriptor open(2) gives, entered in the handle
 * table with its Windows access (GENERIC_READ / GENERIC_WRITE, and
 * GENERIC_EXECUTE, which only a section needs), which each call checks
 * first, as Windows does: a read-only handle cannot write, truncate or
 * flush.  Paths may use backslashes; they become slashes.
 * Share modes have no Linux meaning and are accepted as they are.
 */
#define _GNU_SOURCE
#include "w32.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_READ_DATA   0x0001
#define FILE_WRITE_DATA  0x0002
#define FILE_APPEND_DATA 0x0004
#define FILE_EXECUTE     0x0020
#define READ_RIGHTS  (GENERIC_READ | GENERIC_ALL | FILE_READ_DATA)
#define WRITE_RIGHTS (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_APPEND_DATA)
#define EXEC_RIGHTS  (GENERIC_EXECUTE | GENERIC_ALL | FILE_EXECUTE)

/* The path with backslashes as slashes, malloc'ed; NULL if out of memory. */
static char *unix_path(const char *path)
{
	char *p = strdup(path), *c;

	for (c = p; c && *c; c++)
		if (*c == '\\')
			*c = '/';
	return p;
}

/* ENOENT is "file not found" when the directory exists, else "path". */
static DWORD missing_error(const char *path)
{
	char *copy = strdup(path);
	struct stat st;
	DWORD error = ERROR_FILE_NOT_FOUND;

	if (copy && (stat(dirname(copy), &st) < 0 || !S_ISDIR(st.st_mode)))
		error = ERROR_PATH_NOT_FOUND;
	free(copy);
	return error;
}

static DWORD path_error(const char *path, int errnum)
{
	return errnum == ENOENT ? missing_error(path) : w32_file_error(errnum);
}

static int open_flags(DWORD access, DWORD flags)
{
	bool r = access & READ_RIGHTS, w = access & WRITE_RIGHTS;
	int fl = O_CLOEXEC | (r && w ? O_RDWR : w ? O_WRONLY : r ? O_RDONLY : O_PATH);

	if (flags & FILE_FLAG_WRITE_THROUGH)
		fl |= O_DSYNC;
	return fl;
}

/* Opens path by disposition; *existed says whether the file was there. */
static int open_disposition(const char *path, int fl, DWORD disposition, bool *existed)
{
	int fd;

	*existed = false;
	switch (disposition) {
	case CREATE_NEW:
		return open(path, fl | O_CREAT | O_EXCL, 0666);
	case OPEN_EXISTING:
		return open(path, fl);
	case TRUNCATE_EXISTING:
		return open(path, fl | O_TRUNC);
	case CREATE_ALWAYS:
	case OPEN_ALWAYS:
		/* Try to create first, so "existed" is exact, not a guess. */
		fd = open(path, fl | O_CREAT | O_EXCL, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		*existed = true;
		return open(path, fl | (disposition == CREATE_ALWAYS ? O_TRUNC : 0));
	}
	errno = EINVAL;
	return -1;
}

HANDLE w32_create_file(const char *path, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa,
		       DWORD disposition, DWORD flags)
{
	struct w32_object obj = { .kind = W32_FILE };
	char *p;
	bool existed;
	struct stat st;
	HANDLE h;

	if (disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING)
		return w32_fail(ERROR_INVALID_PARAMETER), INVALID_HANDLE_VALUE;
	if (!path)
		return w32_fail(ERROR_PATH_NOT_FOUND), INVALID_HANDLE_VALUE;
	p = unix_path(path);
	if (!p)
		return w32_fail(ERROR_NOT_ENOUGH_MEMORY), INVALID_HANDLE_VALUE;
	obj.fd = open_disposition(p, open_flags(access, flags), disposition, &existed);
	if (obj.fd < 0) {
		w32_fail(path_error(p, errno));
		free(p);
		return INVALID_HANDLE_VALUE;
	}
	free(p);
	/* A directory opens only for backup semantics, as in Windows. */
	if (!(flags & FILE_FLAG_BACKUP_SEMANTICS) && fstat(obj.fd, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		close(obj.fd);
		return w32_fail(ERROR_ACCESS_DENIED), INVALID_HANDLE_VALUE;
	}
	obj.access = (access & READ_RIGHTS ? GENERIC_READ : 0) |
		     (access & WRITE_RIGHTS ? GENERIC_WRITE : 0) |
		     (access & EXEC_RIGHTS ? GENERIC_EXECUTE : 0);
	obj.delete_on_close = flags & FILE_FLAG_DELETE_ON_CLOSE;
	h = w32_handle_add(&obj, sa && sa->bInheritHandle);
	if (!h) {
		close(obj.fd);
		return INVALID_HANDLE_VALUE;
	}
	SetLastError(existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return h;
}

FM_W32_API HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
				     DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
				     DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
				     HANDLE hTemplateFile)
{
	return w32_create_file(lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
			       dwCreationDisposition, dwFlagsAndAttributes);
}

static HANDLE create_wide(const void *name, size_t width, DWORD access, DWORD share,
			  LPSECURITY_ATTRIBUTES sa, DWORD disposition, DWORD flags)
{
	char *utf8;
	HANDLE h;
	int r = w32_utf8_from_wide(&utf8, name, width);

	if (r < 0)
		return w32_fail(r == FM_ENAME ? ERROR_INVALID_NAME : w32_error_of(r)),
		       INVALID_HANDLE_VALUE;
	h = w32_create_file(utf8, access, share, sa, disposition, flags);
	free(utf8);
	return h;
}

FM_W32_API HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
				     DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
				     DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
				     HANDLE hTemplateFile)
{
	return create_wide(lpFileName, sizeof(*lpFileName), dwDesiredAccess, dwShareMode,
			   lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes);
}

FM_W32_API HANDLE WINAPI CreateFileW_w16(const uint16_t *lpFileName, DWORD access, DWORD share,
					 LPSECURITY_ATTRIBUTES sa, DWORD disposition,
					 DWORD flags, HANDLE hTemplateFile)
{
	return create_wide(lpFileName, sizeof(*lpFileName), access, share, sa, disposition,
			   flags);
}

/* The file behind h, if h is a file handle with the access `need`. */
static bool file_of(struct w32_object *obj, HANDLE h, DWORD need)
{
	if (!w32_handle_get(obj, h) || obj->kind != W32_FILE)
		return w32_fail(ERROR_INVALID_HANDLE);
	if (need & ~obj->access)
		return w32_fail(ERROR_ACCESS_DENIED);
	return true;
}

FM_W32_API BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
				LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
{
	struct w32_object obj;
	ssize_t n;

	if (!file_of(&obj, hFile, GENERIC_READ))
		return FALSE;
	do {
		/* On a synchronous handle, OVERLAPPED only says where to read. */
		if (lpOverlapped)
			n = pread(obj.fd, lpBuffer, nNumberOfBytesToRead,
				  (off_t)((uint64_t)lpOverlapped->OffsetHigh << 32 |
					  lpOverlapped->Offset));
		else
			n = read(obj.fd, lpBuffer, nNumberOfBytesToRead);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return w32_fail(w32_file_error(errno));
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = (DWORD)n;
	return TRUE;
}

/* Writes all of buf, at offset (or the file position when offset < 0). */
static ssize_t write_all(int fd, const char *buf, size_t len, off_t offset)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = offset < 0 ? write(fd, buf + done, len - done)
			       : pwrite(fd, buf + done, len - done, offset + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

FM_W32_API BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
				 LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
	struct w32_object obj;
	off_t at = -1;
	ssize_t n;

	if (!file_of(&obj, hFile, GENERIC_WRITE))
		return FALSE;
	if (lpOverlapped)
		at = (off_t)((uint64_t)lpOverlapped->OffsetHigh << 32 | lpOverlapped->Offset);
	n = write_all(obj.fd, lpBuffer, nNumberOfBytesToWrite, at);
	if (n < 0)
		return w32_fail(w32_file_error(errno));
	if (lpNumberOfBytesWritten)
		*lpNumberOfBytesWritten = (DWORD)n;
	return TRUE;
}

/* Moves the file position; the new one in *pos.  0 or a Windows error. */
static DWORD seek(HANDLE h, int64_t distance, DWORD method, int64_t *pos)
{
	static const int whence[] = { SEEK_SET, SEEK_CUR, SEEK_END };
	struct w32_object obj;
	off_t now;

	if (!file_of(&obj, h, 0))
		return ERROR_INVALID_HANDLE;
	if (method > FILE_END)
		return ERROR_INVALID_PARAMETER;
	now = lseek(obj.fd, 0, whence[method]);
	if (now < 0)
		return w32_file_error(errno);
	if ((distance < 0 && now + distance < 0))
		return ERROR_NEGATIVE_SEEK;
	now = lseek(obj.fd, now + distance, SEEK_SET);
	if (now < 0)
		return w32_file_error(errno);
	*pos = now;
	return 0;
}

FM_W32_API DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove,
				       PLONG lpDistanceToMoveHigh, DWORD dwMoveMethod)
{
	int64_t distance = lDistanceToMove, pos = 0;
	DWORD error;

	/* With a high part the two halves make one unsigned-low 64-bit value. */
	if (lpDistanceToMoveHigh)
		distance = (int64_t)((uint64_t)(uint32_t)*lpDistanceToMoveHigh << 32 |
				     (uint32_t)lDistanceToMove);
	error = seek(hFile, distance, dwMoveMethod, &pos);
	if (error)
		return w32_fail(error), INVALID_SET_FILE_POINTER;
	if (lpDistanceToMoveHigh)
		*lpDistanceToMoveHigh = (LONG)(pos >> 32);
	/* The low half may be 0xFFFFFFFF: then the last error tells success. */
	if ((DWORD)pos == INVALID_SET_FILE_POINTER)
		SetLastError(NO_ERROR);
	return (DWORD)pos;
}

FM_W32_API BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
					PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod)
{
	int64_t pos = 0;
	DWORD error = seek(hFile, liDistanceToMove.QuadPart, dwMoveMethod, &pos);

	if (error)
		return w32_fail(error);
	if (lpNewFilePointer)
		lpNewFilePointer->QuadPart = pos;
	return TRUE;
}

FM_W32_API BOOL WINAPI SetEndOfFile(HANDLE hFile)
{
	struct w32_object obj;
	struct stat st;
	off_t pos;

	if (!file_of(&obj, hFile, GENERIC_WRITE))
		return FALSE;
	pos = lseek(obj.fd, 0, SEEK_CUR);
	if (pos < 0 || fstat(obj.fd, &st) < 0)
		return w32_fail(w32_file_error(errno));
	/* Only cutting the file short is refused; growing it is fine. */
	if (pos < st.st_size && w32_file_has_section(obj.fd))
		return w32_fail(ERROR_USER_MAPPED_FILE);
	if (ftruncate(obj.fd, pos) < 0)
		return w32_fail(w32_file_error(errno));
	return TRUE;
}

static bool file_size(HANDLE h, int64_t *size)
{
	struct w32_object obj;
	struct stat st;

	if (!file_of(&obj, h, 0))
		return false;
	if (fstat(obj.fd, &st) < 0)
		return w32_fail(w32_file_error(errno));
	*size = st.st_size;
	return true;
}

FM_W32_API DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh)
{
	int64_t size = 0;

	if (!file_size(hFile, &size))
		return INVALID_FILE_SIZE;
	if (lpFileSizeHigh)
		*lpFileSizeHigh = (DWORD)((uint64_t)size >> 32);
	if ((DWORD)size == INVALID_FILE_SIZE)
		SetLastError(NO_ERROR);
	return (DWORD)size;
}

FM_W32_API BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize)
{
	int64_t size = 0;

	if (!file_size(hFile, &size))
		return FALSE;
	lpFileSize->QuadPart = size;
	return TRUE;
}

FM_W32_API BOOL WINAPI FlushFileBuffers(HANDLE hFile)
{
	struct w32_object obj;

	if (!file_of(&obj, hFile, GENERIC_WRITE))
		return FALSE;
	if (fsync(obj.fd) < 0)
		return w32_fail(w32_file_error(errno));
	return TRUE;
}

BOOL w32_delete_file(const char *path)
{
	char *p;
	BOOL ok;

	if (!path)
		return w32_fail(ERROR_PATH_NOT_FOUND);
	p = unix_path(path);
	if (!p)
		return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
	ok = unlink(p) == 0 || w32_fail(path_error(p, errno));
	free(p);
	return ok;
}

FM_W32_API BOOL WINAPI DeleteFileA(LPCSTR lpFileName)
{
	return w32_delete_file(lpFileName);
}

static BOOL delete_wide(const void *name, size_t width)
{
	char *utf8;
	BOOL ok;
	int r = w32_utf8_from_wide(&utf8, name, width);

	if (r < 0)
		return w32_fail(r == FM_ENAME ? ERROR_INVALID_NAME : w32_error_of(r));
	ok = w32_delete_file(utf8);
	free(utf8);
	return ok;
}

FM_W32_API BOOL WINAPI DeleteFileW(LPCWSTR lpFileName)
{
	return delete_wide(lpFileName, sizeof(*lpFileName));
}

FM_W32_API BOOL WINAPI DeleteFileW_w16(const uint16_t *lpFileName)
{
	return delete_wide(lpFileName, sizeof(*lpFileName));
}
