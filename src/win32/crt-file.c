/* SPDX-License-Identifier: MIT */
/*
 * crt-file.c - the file, directory and process calls of Microsoft's C
 * runtime (<stdio.h>, <io.h>, <direct.h>, <process.h>): fopen_s and the
 * wide opens, _wperror, _dupenv_s, _access, _setmode, _mkdir with one
 * argument, _getcwd, _getpid.
 *
 * Wide names are converted to UTF-8, the layer's narrow encoding (as the
 * W calls' names are).  Results and errno follow the UCRT; a null
 * argument it validates is EINVAL.
 */
#define _GNU_SOURCE
#include "crt.h"

#include <direct.h>
#include <io.h>
#include <process.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The UTF-8 copy of a wide name, malloc'ed; NULL with errno when s is NULL
 * (EINVAL) or memory is short. */
static char *narrow_name(const void *s, size_t width)
{
	char *name;

	if (!s)
		return w32_crt_fail(EINVAL), NULL;
	name = w32_utf8_of_wide(s, width, w32_wide_length(s, width), NULL);
	if (!name)
		w32_crt_fail(ENOMEM);
	return name;
}

FM_W32_API errno_t fopen_s(FILE **file, const char *name, const char *mode)
{
	if (!file)
		return w32_crt_fail(EINVAL);
	*file = NULL;
	if (!name || !mode)
		return w32_crt_fail(EINVAL);
	*file = fopen(name, mode);
	return *file ? 0 : errno;
}

static FILE *wide_open(const void *name, const void *mode, size_t width)
{
	char *n = narrow_name(name, width), *m = n ? narrow_name(mode, width) : NULL;
	FILE *f = m ? fopen(n, m) : NULL;
	int saved = errno;

	free(n);
	free(m);
	errno = saved;
	return f;
}

static errno_t wide_open_s(FILE **file, const void *name, const void *mode, size_t width)
{
	if (!file)
		return w32_crt_fail(EINVAL);
	*file = wide_open(name, mode, width);
	return *file ? 0 : errno;
}

FM_W32_API FILE *_wfopen(const wchar_t *name, const wchar_t *mode)
{
	return wide_open(name, mode, 4);
}

FM_W32_API FILE *_wfopen_w16(const w16_t *name, const w16_t *mode)
{
	return wide_open(name, mode, 2);
}

FM_W32_API errno_t _wfopen_s(FILE **file, const wchar_t *name, const wchar_t *mode)
{
	return wide_open_s(file, name, mode, 4);
}

FM_W32_API errno_t _wfopen_s_w16(FILE **file, const w16_t *name, const w16_t *mode)
{
	return wide_open_s(file, name, mode, 2);
}

/* perror's line, "message: description", for a wide message. */
static void wide_perror(const void *message, size_t width)
{
	int saved = errno;
	char *m = message ? narrow_name(message, width) : NULL;

	errno = saved;
	perror(m && *m ? m : NULL);
	free(m);
}

FM_W32_API void _wperror(const wchar_t *message)
{
	wide_perror(message, 4);
}

FM_W32_API void _wperror_w16(const w16_t *message)
{
	wide_perror(message, 2);
}

/* A narrow call made with a wide name: the call's result and errno. */
static int with_narrow_name(const void *name, size_t width, int (*call)(const char *, int),
			    int arg)
{
	char *n = narrow_name(name, width);
	int r = n ? call(n, arg) : -1, saved = errno;

	free(n);
	errno = saved;
	return r;
}

static int remove_name(const char *name, int unused)
{
	(void)unused;
	return remove(name);
}

FM_W32_API int _wremove(const wchar_t *name)
{
	return with_narrow_name(name, 4, remove_name, 0);
}

FM_W32_API int _wremove_w16(const w16_t *name)
{
	return with_narrow_name(name, 2, remove_name, 0);
}

/* A copy of the variable name's value; an unset variable is not an error
 * (*value NULL, *length 0). */
FM_W32_API errno_t _dupenv_s(char **value, size_t *length, const char *name)
{
	const char *v;

	if (!value)
		return w32_crt_fail(EINVAL);
	*value = NULL;
	if (length)
		*length = 0;
	if (!name)
		return w32_crt_fail(EINVAL);
	v = getenv(name);
	if (!v)
		return 0;
	*value = strdup(v);
	if (!*value)
		return w32_crt_fail(ENOMEM);
	if (length)
		*length = strlen(v) + 1;
	return 0;
}

/* _wgetenv's answers: each stays valid for the program's life, as a
 * program may keep it; a name is converted again only when its value
 * changed. */
struct wide_variable {
	struct wide_variable *next;
	size_t width;
	char *name, *value;
	void *wide;
};

static struct {
	pthread_mutex_t lock; /* guards list */
	struct wide_variable *list;
} variables = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct wide_variable *remember(const char *name, const char *value, size_t width)
{
	struct wide_variable *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->width = width;
	v->name = strdup(name);
	v->value = strdup(value);
	v->wide = w32_wide_of_locale(value, width);
	if (!v->name || !v->value || !v->wide) {
		free(v->name);
		free(v->value);
		free(v->wide);
		free(v);
		return NULL;
	}
	v->next = variables.list;
	variables.list = v;
	return v;
}

static void *wide_getenv(const void *wide_name, size_t width)
{
	char *name = narrow_name(wide_name, width);
	const char *value = name ? getenv(name) : NULL;
	struct wide_variable *v = NULL;

	if (value) {
		pthread_mutex_lock(&variables.lock);
		for (v = variables.list; v; v = v->next)
			if (v->width == width && strcmp(v->name, name) == 0 &&
			    strcmp(v->value, value) == 0)
				break;
		if (!v)
			v = remember(name, value, width);
		pthread_mutex_unlock(&variables.lock);
	}
	free(name);
	return v ? v->wide : NULL;
}

FM_W32_API wchar_t *_wgetenv(const wchar_t *name)
{
	return wide_getenv(name, 4);
}

FM_W32_API w16_t *_wgetenv_w16(const w16_t *name)
{
	return wide_getenv(name, 2);
}

static int run_command(const char *command, int unused)
{
	(void)unused;
	return system(command);
}

FM_W32_API int _wsystem(const wchar_t *command)
{
	return command ? with_narrow_name(command, 4, run_command, 0) : system(NULL);
}

FM_W32_API int _wsystem_w16(const w16_t *command)
{
	return command ? with_narrow_name(command, 2, run_command, 0) : system(NULL);
}

/* _getcwd for a wide buffer of maxlen units. */
static void *wide_getcwd(void *buffer, int maxlen, size_t width)
{
	char *cwd = getcwd(NULL, 0);
	size_t units, room;
	void *out = buffer;

	if (!cwd)
		return NULL;
	units = w32_wide_of_utf8(NULL, width, cwd, strlen(cwd));
	room = maxlen > 0 ? (size_t)maxlen : 0;
	if (!buffer) {
		out = malloc((units + 1 > room ? units + 1 : room) * width);
		if (!out)
			w32_crt_fail(ENOMEM);
	} else if (maxlen <= 0 || units + 1 > room) {
		out = NULL;
		w32_crt_fail(maxlen <= 0 ? EINVAL : ERANGE);
	}
	if (out) {
		w32_wide_of_utf8(out, width, cwd, strlen(cwd));
		w32_wide_store(out, width, units, 0);
	}
	free(cwd);
	return out;
}

FM_W32_API wchar_t *_wgetcwd(wchar_t *buffer, int maxlen)
{
	return wide_getcwd(buffer, maxlen, 4);
}

FM_W32_API w16_t *_wgetcwd_w16(w16_t *buffer, int maxlen)
{
	return wide_getcwd(buffer, maxlen, 2);
}

/* ---- <io.h> ---- */

static int access_any(const char *path, int mode)
{
	if (!path || (mode & ~6))
		return w32_crt_fail(EINVAL), -1;
	return access(path, (mode & 2 ? W_OK : 0) | (mode & 4 ? R_OK : 0) | F_OK);
}

FM_W32_API int _access(const char *path, int mode)
{
	return access_any(path, mode);
}

FM_W32_API int _waccess(const wchar_t *path, int mode)
{
	return with_narrow_name(path, 4, access_any, mode);
}

FM_W32_API int _waccess_w16(const w16_t *path, int mode)
{
	return with_narrow_name(path, 2, access_any, mode);
}

FM_W32_API int _isatty(int fd)
{
	return isatty(fd);
}

/* The modes _setmode was given, for the answer of its next call. */
#define REMEMBERED_FDS 64
static _Atomic int modes[REMEMBERED_FDS];

FM_W32_API int _setmode(int fd, int mode)
{
	static const int valid[] = { _O_TEXT, _O_BINARY, _O_WTEXT, _O_U16TEXT, _O_U8TEXT };
	int previous = _O_TEXT;
	size_t i;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]) && valid[i] != mode; i++)
		;
	if (i == sizeof(valid) / sizeof(valid[0]))
		return w32_crt_fail(EINVAL), -1;
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return w32_crt_fail(EBADF), -1;
	if (fd < REMEMBERED_FDS) {
		previous = atomic_exchange(&modes[fd], mode);
		if (previous == 0)
			previous = _O_TEXT;
	}
	return previous;
}

/* ---- <direct.h> and <process.h> ---- */

FM_W32_API int _mkdir(const char *path)
{
	if (!path)
		return w32_crt_fail(EINVAL), -1;
	return mkdir(path, 0777);
}

static int make_directory(const char *path, int unused)
{
	(void)unused;
	return mkdir(path, 0777);
}

FM_W32_API int _wmkdir(const wchar_t *path)
{
	return with_narrow_name(path, 4, make_directory, 0);
}

FM_W32_API int _wmkdir_w16(const w16_t *path)
{
	return with_narrow_name(path, 2, make_directory, 0);
}

FM_W32_API int _rmdir(const char *path)
{
	if (!path)
		return w32_crt_fail(EINVAL), -1;
	return rmdir(path);
}

FM_W32_API int _chdir(const char *path)
{
	if (!path)
		return w32_crt_fail(EINVAL), -1;
	return chdir(path);
}

FM_W32_API char *_getcwd(char *buffer, int maxlen)
{
	char *cwd;
	size_t need;

	if (buffer) {
		if (maxlen <= 0)
			return w32_crt_fail(EINVAL), NULL;
		return getcwd(buffer, (size_t)maxlen);
	}
	/* NULL: a buffer of at least maxlen bytes, as MSVC allocates. */
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	need = strlen(cwd) + 1;
	if (maxlen > 0 && (size_t)maxlen > need) {
		char *bigger = realloc(cwd, (size_t)maxlen);

		if (bigger)
			cwd = bigger;
	}
	return cwd;
}

FM_W32_API int _getpid(void)
{
	return (int)getpid();
}
