/* SPDX-License-Identifier: MIT */
/*
 * mapping.c - CreateFileMapping and OpenFileMapping, A and W.
 *
 * A section handle carries two accesses: the SECTION_* rights Windows would
 * grant it (kept in the handle table, checked by MapViewOfFile, so that a
 * FILE_MAP_WRITE handle cannot give a read view, as in Windows), and the
 * native handle's access, which the kernel enforces.  Names reach the
 * native API as UTF-8; the few names Windows' object manager refuses before
 * any lookup (an empty last component, a leading backslash) are answered
 * here with Windows' codes.
 *
 * A section of a real file takes the descriptor of a file handle.  Whether
 * the handle's access allows the protection, and the file's size the
 * section's size, is decided here from the handle table and fstat, before
 * the native call, so each row gets Windows' code whatever the core would
 * call it; the core keeps its own reference to the file, so the file handle
 * may be closed at once.
 */
#include "w32.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#define PROTECT_MASK 0xFFu
#define SEC_KINDS    (SEC_COMMIT | SEC_RESERVE)
/* Windows takes these as hints about caching; on Linux they change nothing. */
#define SEC_HINTS    (SEC_NOCACHE | SEC_WRITECOMBINE)

/* What a page protection means for a new section. */
struct protect_info {
	unsigned max;  /* the section's native maximum access */
	DWORD rights;  /* the SECTION_* rights of the creator's handle */
};

/* The section attributes (SEC_*), in the order Windows checks them: a bad
 * combination is 87 before an image is looked for, and an image (of the
 * paging file, or of a file that is no executable here) is 193. */
static DWORD check_attributes(DWORD flags)
{
	DWORD kind = flags & (SEC_KINDS | SEC_IMAGE);

	if (flags & ~(SEC_KINDS | SEC_IMAGE | SEC_HINTS))
		return ERROR_INVALID_PARAMETER;
	/* One kind at most; a hint alone names none (no SEC_COMMIT is
	 * implied once some attribute is given). */
	if ((kind & (kind - 1)) || (flags && !kind))
		return ERROR_INVALID_PARAMETER;
	/* SEC_IMAGE | SEC_NOCACHE is SEC_IMAGE_NO_EXECUTE, still an image. */
	if (kind == SEC_IMAGE && (flags & SEC_WRITECOMBINE))
		return ERROR_INVALID_PARAMETER;
	return kind == SEC_IMAGE ? ERROR_BAD_EXE_FORMAT : 0;
}

static DWORD decode_protect(struct protect_info *out, DWORD protect)
{
	const DWORD base = STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_READ;

	switch (protect & PROTECT_MASK) {
	case PAGE_READONLY:
	case PAGE_WRITECOPY:
		*out = (struct protect_info){ FM_READ, base };
		break;
	case PAGE_READWRITE:
		*out = (struct protect_info){ FM_READ | FM_WRITE, base | SECTION_MAP_WRITE };
		break;
	case PAGE_EXECUTE_READ:
	case PAGE_EXECUTE_WRITECOPY:
		*out = (struct protect_info){ FM_READ | FM_EXEC, base | SECTION_MAP_EXECUTE };
		break;
	case PAGE_EXECUTE_READWRITE:
		*out = (struct protect_info){ FM_READ | FM_WRITE | FM_EXEC, SECTION_ALL_ACCESS };
		break;
	default:
		return ERROR_INVALID_PARAMETER;
	}
	return check_attributes(protect & ~PROTECT_MASK);
}

unsigned w32_native_access(DWORD rights)
{
	unsigned native = FM_READ; /* every native handle holds at least read */

	if (rights & SECTION_MAP_WRITE)
		native |= FM_WRITE;
	/* Only an explicit FILE_MAP_EXECUTE asks the kernel for execute: the
	 * SECTION_MAP_EXECUTE inside FILE_MAP_ALL_ACCESS would make every
	 * open of a non-executable section fail once before it succeeds. */
	if (rights & SECTION_MAP_EXECUTE_EXPLICIT)
		native |= FM_EXEC;
	return native;
}

int w32_section_open(fm_section **out, const char *name, unsigned native)
{
	unsigned within;
	int r = fm_section_open(out, name, native);

	if (r != -EACCES || native == FM_READ)
		return r;
	/* Refused: by the section's maximum access, which Windows grants the
	 * handle anyway (only its views are refused), or by the object's mode,
	 * its DACL, which Windows refuses.  A read-only handle tells which. */
	r = fm_section_open(out, name, FM_READ);
	if (r < 0)
		return r;
	within = native & fm_section_max_access(*out);
	if (within == native) {
		fm_section_close(*out);
		return -EACCES;
	}
	if (within == FM_READ)
		return 0;
	fm_section_close(*out);
	r = fm_section_open(out, name, within);
	return r == -EACCES ? -EACCES : r;
}

/* Windows' answer for a name its object manager refuses before looking it
 * up, or 0.  The native API checks the rest. */
DWORD w32_name_error(const char *name)
{
	const char *rest = name;

	if (name[0] == '\\')
		return ERROR_BAD_PATHNAME;
	if (strncmp(name, "Local\\", 6) == 0)
		rest = name + 6;
	else if (strncmp(name, "Global\\", 7) == 0)
		rest = name + 7;
	if (rest != name && (rest[0] == '\0' || rest[0] == '\\'))
		return ERROR_INVALID_NAME;
	return 0;
}

/* Whether a file handle allows a section of this protection, and the
 * file's size allows its size: the checks Windows makes, in its order,
 * before any section exists.  0 or a Windows error. */
static DWORD check_file(const struct w32_object *file, unsigned max, uint64_t size)
{
	DWORD need = GENERIC_READ | (max & FM_WRITE ? GENERIC_WRITE : 0) |
		     (max & FM_EXEC ? GENERIC_EXECUTE : 0);
	struct stat st;

	/* Every section reads its file; a writable one writes it too, and an
	 * executable one needs the right to execute it (MS documents
	 * GENERIC_EXECUTE for every PAGE_EXECUTE_* protection). */
	if (need & ~file->access)
		return ERROR_ACCESS_DENIED;
	if (fstat(file->fd, &st) < 0)
		return w32_file_error(errno);
	/* A directory's handle, say: Wine calls it the wrong kind of handle. */
	if (!S_ISREG(st.st_mode))
		return ERROR_INVALID_HANDLE;
	/* Size 0 means the file's size, and a section cannot be empty. */
	if (size == 0 && st.st_size == 0)
		return ERROR_FILE_INVALID;
	/* Only a writable section may grow its file (STATUS_SECTION_TOO_BIG). */
	if (size > (uint64_t)st.st_size && !(max & FM_WRITE))
		return ERROR_NOT_ENOUGH_MEMORY;
	return 0;
}

/* The backing of a new section, into opts: fd -1 for the paging file, else
 * the file's descriptor, which the native section takes a reference of.
 * 0 or a Windows error. */
static DWORD backing_of(struct fm_section_opts *opts, HANDLE file, uint64_t size)
{
	struct w32_object obj;

	opts->fd = -1;
	/* Windows, too, reads NULL as "no file". */
	if (file == INVALID_HANDLE_VALUE || file == NULL)
		return size == 0 ? ERROR_INVALID_PARAMETER : 0;
	if (!w32_handle_get(&obj, file) || obj.kind != W32_FILE)
		return ERROR_INVALID_HANDLE;
	/* A file is its own backing: there is nothing to reserve or not. */
	opts->flags &= ~FM_SECTION_RESERVE;
	opts->fd = obj.fd;
	return check_file(&obj, opts->access, size);
}

/* Creates or opens the section; returns the native result. */
static int create_section(fm_section **out, const char *name, uint64_t size,
			  const struct fm_section_opts *opts)
{
	int r = fm_section_create(out, name, size, opts);

	/* An existing section with less access than this call's protection:
	 * Windows hands it over and refuses only views it does not allow. */
	if (r == -EACCES && name && w32_section_open(out, name, opts->access) == 0)
		r = FM_EXISTED;
	return r;
}

HANDLE w32_create_mapping(HANDLE file, LPSECURITY_ATTRIBUTES sa, DWORD protect,
			  DWORD size_high, DWORD size_low, const char *name)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	uint64_t size = (uint64_t)size_high << 32 | size_low;
	struct protect_info info = { 0, 0 };
	struct w32_object obj;
	fm_section *s;
	DWORD error;
	HANDLE h;
	int r;

	error = decode_protect(&info, protect);
	opts.access = info.max;
	opts.flags = protect & SEC_RESERVE ? FM_SECTION_RESERVE : 0;
	opts.mode = w32_mode_of(sa, false);
	if (!error)
		error = backing_of(&opts, file, size);
	if (name && name[0] == '\0')
		name = NULL; /* Windows makes an unnamed section of "" */
	if (!error && name)
		error = w32_name_error(name);
	if (error)
		return w32_fail_null(error);
	r = create_section(&s, name, size, &opts);
	/* A file that cannot grow is a full disk, not a full paging file. */
	if (r < 0)
		return w32_fail_null(opts.fd >= 0 && r == -ENOSPC ? ERROR_DISK_FULL
								   : w32_error_of(r));
	obj = (struct w32_object){ .kind = W32_SECTION, .access = info.rights, .section = s,
				   .fd = -1 };
	h = w32_handle_add(&obj, sa && sa->bInheritHandle);
	if (!h) {
		fm_section_close(s);
		return NULL;
	}
	SetLastError(r == FM_EXISTED ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return h;
}

HANDLE w32_open_mapping(DWORD access, BOOL inherit, const char *name)
{
	struct w32_object obj = { .kind = W32_SECTION, .fd = -1 };
	DWORD error;
	HANDLE h;
	int r;

	if (!name)
		return w32_fail_null(ERROR_INVALID_PARAMETER);
	/* "" names the directory of named objects: not a section. */
	error = name[0] == '\0' ? ERROR_INVALID_HANDLE : w32_name_error(name);
	if (error)
		return w32_fail_null(error);
	/* A copy-on-write view needs only read access to the section. */
	obj.access = access == FILE_MAP_COPY ? SECTION_MAP_READ : access;
	r = w32_section_open(&obj.section, name, w32_native_access(obj.access));
	if (r < 0)
		return w32_fail_null(w32_error_of(r));
	h = w32_handle_add(&obj, inherit);
	if (!h)
		fm_section_close(obj.section);
	return h;
}

/* ---- the A and W entry points ---- */

/* An A name travels through a MAX_PATH buffer of UTF-16 in Windows. */
static bool ansi_name_fits(const char *name)
{
	return !name || w32_utf16_length(name) <= MAX_PATH;
}

FM_W32_API HANDLE WINAPI CreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes,
					    DWORD flProtect, DWORD dwMaximumSizeHigh,
					    DWORD dwMaximumSizeLow, LPCSTR lpName)
{
	if (!ansi_name_fits(lpName))
		return w32_fail_null(ERROR_FILENAME_EXCED_RANGE);
	return w32_create_mapping(hFile, lpAttributes, flProtect, dwMaximumSizeHigh,
				  dwMaximumSizeLow, lpName);
}

FM_W32_API HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					  LPCSTR lpName)
{
	if (!ansi_name_fits(lpName))
		return w32_fail_null(ERROR_FILENAME_EXCED_RANGE);
	return w32_open_mapping(dwDesiredAccess, bInheritHandle, lpName);
}

static HANDLE create_wide(HANDLE file, LPSECURITY_ATTRIBUTES sa, DWORD protect, DWORD high,
			  DWORD low, const void *name, size_t width)
{
	char *utf8;
	HANDLE h;
	int r = w32_utf8_from_wide(&utf8, name, width);

	if (r < 0)
		return w32_fail_null(w32_error_of(r));
	h = w32_create_mapping(file, sa, protect, high, low, utf8);
	free(utf8);
	return h;
}

static HANDLE open_wide(DWORD access, BOOL inherit, const void *name, size_t width)
{
	char *utf8;
	HANDLE h;
	int r = w32_utf8_from_wide(&utf8, name, width);

	if (r < 0)
		return w32_fail_null(w32_error_of(r));
	h = w32_open_mapping(access, inherit, utf8);
	free(utf8);
	return h;
}

FM_W32_API HANDLE WINAPI CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes,
					    DWORD flProtect, DWORD dwMaximumSizeHigh,
					    DWORD dwMaximumSizeLow, LPCWSTR lpName)
{
	return create_wide(hFile, lpAttributes, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow,
			   lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI CreateFileMappingW_w16(HANDLE hFile, LPSECURITY_ATTRIBUTES sa,
						DWORD flProtect, DWORD high, DWORD low,
						const uint16_t *lpName)
{
	return create_wide(hFile, sa, flProtect, high, low, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					  LPCWSTR lpName)
{
	return open_wide(dwDesiredAccess, bInheritHandle, lpName, sizeof(*lpName));
}

FM_W32_API HANDLE WINAPI OpenFileMappingW_w16(DWORD dwDesiredAccess, BOOL bInheritHandle,
					      const uint16_t *lpName)
{
	return open_wide(dwDesiredAccess, bInheritHandle, lpName, sizeof(*lpName));
}
