/* SPDX-License-Identifier: MIT */
/*
 * w32-files.c - CreateFile and the file calls around it: dispositions and
 * their last errors, reading, writing, the file pointer, truncation, sizes
 * past 4 GiB, access checks, deleting, and delete-on-close.  One line per
 * check (see check.h).  Files are made in the current directory.
 *
 * Not here, as Wine 8.0 answers them unlike Windows and outside the known
 * list: SetEndOfFile through a read-only handle, and ReadFile or GetFileSize
 * on a section handle (Windows refuses both; test-win32.c checks them).
 */
#include "check.h"

#include <string.h>

#define PATH "w32files.tmp"

static HANDLE open_file(const char *path, DWORD access, DWORD disposition)
{
	return CreateFileA(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			   NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL);
}

static void dispositions(void)
{
	HANDLE f;

	DeleteFileA(PATH);
	SetLastError(1234);
	f = open_file(PATH, GENERIC_READ | GENERIC_WRITE, CREATE_NEW);
	say_result("create.new", f != INVALID_HANDLE_VALUE);
	WriteFile(f, "0123456789", 10, NULL, &(OVERLAPPED){ 0 });
	CloseHandle(f);
	say_result("create.new_exists", open_file(PATH, GENERIC_READ, CREATE_NEW) != INVALID_HANDLE_VALUE);
	SetLastError(1234);
	f = open_file(PATH, GENERIC_READ, OPEN_EXISTING);
	say_result("create.open_existing", f != INVALID_HANDLE_VALUE);
	CloseHandle(f);
	f = open_file(PATH, GENERIC_READ, OPEN_ALWAYS);
	say_result("create.open_always_exists", f != INVALID_HANDLE_VALUE);
	say("create.open_always_exists.size", "%lu", (unsigned long)GetFileSize(f, NULL));
	CloseHandle(f);
	f = open_file(PATH, GENERIC_WRITE, CREATE_ALWAYS);
	say_result("create.always_exists", f != INVALID_HANDLE_VALUE);
	say("create.always_exists.truncated", "%lu", (unsigned long)GetFileSize(f, NULL));
	CloseHandle(f);
	SetLastError(1234);
	f = open_file(PATH, GENERIC_WRITE, TRUNCATE_EXISTING);
	say_result("create.truncate_existing", f != INVALID_HANDLE_VALUE);
	CloseHandle(f);
	say_result("create.missing", open_file("w32files.missing", GENERIC_READ, OPEN_EXISTING) != INVALID_HANDLE_VALUE);
	say_result("create.missing_dir", open_file("w32files.nodir\\x", GENERIC_READ, OPEN_EXISTING) != INVALID_HANDLE_VALUE);
	say_result("create.truncate_missing", open_file("w32files.missing", GENERIC_WRITE, TRUNCATE_EXISTING) != INVALID_HANDLE_VALUE);
	say_result("create.disposition_0", open_file(PATH, GENERIC_READ, 0) != INVALID_HANDLE_VALUE);
	say_result("create.disposition_6", open_file(PATH, GENERIC_READ, 6) != INVALID_HANDLE_VALUE);
	say_result("create.directory", open_file(".", GENERIC_READ, OPEN_EXISTING) != INVALID_HANDLE_VALUE);
}

static void read_write(void)
{
	HANDLE f = open_file(PATH, GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS);
	OVERLAPPED at = { 0 };
	char buf[100];
	DWORD n = 0;

	SetLastError(0xdead);
	say_result("write", WriteFile(f, "hello, file", 11, &n, NULL));
	say("write.count", "%lu", (unsigned long)n);
	say("size", "%lu", (unsigned long)GetFileSize(f, NULL));
	say("pointer.begin", "%lu", (unsigned long)SetFilePointer(f, 0, NULL, FILE_BEGIN));
	memset(buf, 0, sizeof(buf));
	say_result("read", ReadFile(f, buf, sizeof(buf), &n, NULL));
	say("read.count", "%lu", (unsigned long)n);
	say("read.content", "%s", buf);
	n = 99;
	say_result("read.at_end", ReadFile(f, buf, sizeof(buf), &n, NULL));
	say("read.at_end.count", "%lu", (unsigned long)n);
	at.Offset = 7;
	memset(buf, 0, sizeof(buf));
	ReadFile(f, buf, 4, &n, &at);
	say("read.overlapped_offset", "%s", buf);
	say("pointer.after_overlapped", "%lu", (unsigned long)SetFilePointer(f, 0, NULL, FILE_CURRENT));
	say("pointer.current_minus", "%lu", (unsigned long)SetFilePointer(f, -6, NULL, FILE_CURRENT));
	say_result("truncate", SetEndOfFile(f));
	say("truncate.size", "%lu", (unsigned long)GetFileSize(f, NULL));
	SetLastError(0xdead);
	say("pointer.negative", "%lu", (unsigned long)SetFilePointer(f, -100, NULL, FILE_BEGIN));
	say_error("pointer.negative.error");
	say("pointer.bad_method", "%lu", (unsigned long)SetFilePointer(f, 0, NULL, 3));
	say_error("pointer.bad_method.error");
	say_result("flush", FlushFileBuffers(f));
	CloseHandle(f);
}

static void large(void)
{
	HANDLE f = open_file(PATH, GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS);
	LARGE_INTEGER to, pos, size;
	LONG high = 1;
	DWORD size_high = 0, low;

	low = SetFilePointer(f, 16, &high, FILE_BEGIN);
	say("large.pointer_low", "%lu", (unsigned long)low);
	say("large.pointer_high", "%ld", (long)high);
	say_result("large.extend", SetEndOfFile(f));
	low = GetFileSize(f, &size_high);
	say("large.size_low", "%lu", (unsigned long)low);
	say("large.size_high", "%lu", (unsigned long)size_high);
	to.QuadPart = -16;
	say_result("large.pointer_ex", SetFilePointerEx(f, to, &pos, FILE_END));
	say("large.pointer_ex.position", "%lld", (long long)pos.QuadPart);
	say_result("large.size_ex", GetFileSizeEx(f, &size));
	say("large.size_ex.size", "%lld", (long long)size.QuadPart);
	CloseHandle(f);
}

static void access_checks(void)
{
	HANDLE ro = open_file(PATH, GENERIC_READ, CREATE_ALWAYS);
	HANDLE wo = open_file(PATH, GENERIC_WRITE, OPEN_EXISTING);
	char buf[4];
	DWORD n;

	SetLastError(0xdead);
	say_result("access.read_only.write", WriteFile(ro, "x", 1, &n, NULL));
	say_result("access.write_only.read", ReadFile(wo, buf, 1, &n, NULL));
	say_result("access.write_only.write", WriteFile(wo, "x", 1, &n, NULL));
	say_result("access.bogus.read", ReadFile((HANDLE)(ULONG_PTR)0x1230, buf, 1, &n, NULL));
	say_result("close.file", CloseHandle(ro));
	say_result("close.file_twice", CloseHandle(ro));
	CloseHandle(wo);
}

static void deleting(void)
{
	HANDLE f;

	SetLastError(0xdead);
	say_result("delete", DeleteFileA(PATH));
	say_result("delete.again", DeleteFileA(PATH));
	say_result("delete.missing_dir", DeleteFileA("w32files.nodir\\x"));
	f = CreateFileA(PATH, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_DELETE, NULL, CREATE_NEW,
			FILE_FLAG_DELETE_ON_CLOSE, NULL);
	say_bool("delete_on_close.created", f != INVALID_HANDLE_VALUE);
	WriteFile(f, "x", 1, NULL, &(OVERLAPPED){ 0 });
	CloseHandle(f);
	say_result("delete_on_close.gone", open_file(PATH, GENERIC_READ, OPEN_EXISTING) != INVALID_HANDLE_VALUE);
}

int main(void)
{
	dispositions();
	read_write();
	large();
	access_checks();
	deleting();
	return 0;
}
