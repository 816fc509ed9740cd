/* SPDX-License-Identifier: MIT */
/*
 * _filemap.h - what the two halves of the extension module share: the
 * error mapping, argument converters, and the sliced wait that keeps
 * blocking calls interruptible.  _filemap.c holds the module, sections and
 * views; _filemap_sync.c the mutexes, events, semaphores and waits.
 */
#ifndef FMPY_FILEMAP_H
#define FMPY_FILEMAP_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <filemap.h>

/* Method and getter table casts (through void (*)(void), as CPython
 * does, since the functions take their own object types). */
#define FMPY_METH(f) ((PyCFunction)(void (*)(void))(f))
#define FMPY_GET(f) ((getter)(void (*)(void))(f))

/* What fmpy_wait_sliced() returns when a Python exception is pending. */
#define FMPY_PYERR INT32_MIN

/* filemap.Error, the OSError for codes Python has no better word for. */
extern PyObject *fmpy_Error;

/*
 * Raises the exception for a failed call's result code: the class for the
 * code (fmpy_error_class), the reason in words from the library's
 * last-error message, and, when name is not NULL, the object's full name
 * as its filename (OSError) or in its text (ValueError); .code and
 * .errname too.  Returns NULL.
 */
PyObject *fmpy_raise(int code, const char *name);

/* The Python exception class for a result code (borrowed). */
PyObject *fmpy_error_class(int code);

/*
 * Argument converters; each returns 0, or -1 with an exception set that
 * names the argument `what`.  fmpy_get_name: a str as UTF-8 (valid while
 * obj lives), or None as NULL when none_ok.  fmpy_get_u64: a non-negative
 * int.  fmpy_get_timeout: seconds (int or float) as nanoseconds, None as
 * FM_INFINITE; a negative timeout is 0 when negative_polls (as in
 * threading.Event.wait), else a ValueError.
 */
int fmpy_get_name(PyObject *obj, int none_ok, const char **out);
int fmpy_get_u64(PyObject *obj, const char *what, uint64_t *out);
int fmpy_get_timeout(PyObject *obj, int negative_polls, uint64_t *out);

/* An access mask (FM_READ, FM_WRITE, FM_COPY, FM_EXEC) as Python spells
 * it: "r", "rw", "c", with "x" after; a new reference, or NULL. */
PyObject *fmpy_access_string(unsigned bits);

/*
 * Calls fn(arg, slice) with the GIL released, in slices of at most 50 ms
 * until it returns anything but -ETIMEDOUT or timeout_ns has passed,
 * running Python's signal handlers between slices, so that Ctrl-C
 * interrupts a wait.  A slice that times out has taken nothing (true of
 * every filemap wait), so slicing changes nothing else.  Returns fn's
 * result, -ETIMEDOUT, or FMPY_PYERR with an exception set.
 */
typedef int (*fmpy_wait_fn)(void *arg, uint64_t timeout_ns);
int fmpy_wait_sliced(fmpy_wait_fn fn, void *arg, uint64_t timeout_ns);

/* The sync object types, and their registration in the module. */
int fmpy_sync_init(PyObject *module);

/* filemap._filemap._list, the store's listing (_filemap_list.c). */
int fmpy_list_init(PyObject *module);

PyMODINIT_FUNC PyInit__filemap(void);

#endif /* FMPY_FILEMAP_H */
