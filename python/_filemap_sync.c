/* SPDX-License-Identifier: MIT */
/*
 * _filemap_sync.c - Mutex, Event and Semaphore over the native sync
 * objects, shaped like threading's, and wait_any/wait_all.
 *
 * One C struct serves the three types, as one handle type serves them in
 * filemap.h.  Every wait releases the GIL and waits in slices
 * (fmpy_wait_sliced), so Ctrl-C interrupts it.  While a thread waits with
 * the GIL released, another thread could try to close the handle under it;
 * a count of waits in progress turns that into a RuntimeError instead.
 */
#include "_filemap.h"

#include <errno.h>
#include <string.h>

typedef struct {
	PyObject_HEAD
	fm_sync *o;      /* NULL once closed */
	int kind;        /* FM_TYPE_MUTEX, FM_TYPE_EVENT, FM_TYPE_SEMAPHORE */
	int existed;     /* create=True found the name taken */
	int abandoned;   /* a mutex: its last acquisition found the owner dead */
	int busy;        /* waits in progress on this handle, GIL released */
} SyncObject;

static PyTypeObject Sync_Type, Mutex_Type, Event_Type, Semaphore_Type;

static int sync_check(SyncObject *self)
{
	if (self->o)
		return 0;
	PyErr_SetString(PyExc_ValueError, "operation on a closed handle");
	return -1;
}

/* Fills a new object of type from a create or open call's result for
 * name. */
static PyObject *sync_finish(PyTypeObject *type, int kind, int r, fm_sync *o, const char *name)
{
	SyncObject *self;

	if (r < 0)
		return fmpy_raise(r, name);
	self = (SyncObject *)type->tp_alloc(type, 0);
	if (!self) {
		fm_sync_close(o);
		return NULL;
	}
	self->o = o;
	self->kind = kind;
	self->existed = r == FM_EXISTED;
	return (PyObject *)self;
}

/* The common arguments: the name (None: unnamed) and the mode. */
static int sync_args(PyObject *name_obj, PyObject *mode_obj, const char **name,
		     struct fm_sync_opts *opts)
{
	uint64_t mode = 0600;

	if (fmpy_get_name(name_obj, 1, name) < 0)
		return -1;
	if (mode_obj && fmpy_get_u64(mode_obj, "mode", &mode) < 0)
		return -1;
	if (mode > 0777) {
		PyErr_SetString(PyExc_ValueError, "mode must be at most 0o777");
		return -1;
	}
	opts->mode = (uint32_t)mode;
	return 0;
}

static void Sync_dealloc(SyncObject *self)
{
	fm_sync_close(self->o);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Sync_close(SyncObject *self, PyObject *unused)
{
	if (self->busy)
		return PyErr_Format(PyExc_RuntimeError,
				    "cannot close a handle while another thread waits on it");
	fm_sync_close(self->o);
	self->o = NULL;
	Py_RETURN_NONE;
}

static PyObject *Sync_repr(SyncObject *self)
{
	const char *type = strrchr(Py_TYPE(self)->tp_name, '.'), *name;

	type = type ? type + 1 : Py_TYPE(self)->tp_name;
	if (!self->o)
		return PyUnicode_FromFormat("<filemap.%s closed>", type);
	name = fm_sync_name(self->o);
	if (!name)
		return PyUnicode_FromFormat("<filemap.%s unnamed>", type);
	return PyUnicode_FromFormat("<filemap.%s %s>", type, name);
}

/* Pickling sends the name: unpickling opens the object again by name (of
 * this type), so some process must still hold it by then. */
static PyObject *Sync_reduce(SyncObject *self, PyObject *unused)
{
	const char *name;

	if (sync_check(self) < 0)
		return NULL;
	name = fm_sync_name(self->o);
	if (!name)
		return PyErr_Format(PyExc_TypeError, "cannot pickle an unnamed %s: no other process "
				    "can open it", Py_TYPE(self)->tp_name);
	return Py_BuildValue("O(s)", (PyObject *)Py_TYPE(self), name);
}

/*
 * The asyncio forms of the waits are coroutines of filemap._aio, which
 * wait in a thread (or, for a mutex, poll) in slices: calls one of them
 * with the handle and the timeout.
 */
static PyObject *call_aio(const char *fn, SyncObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "timeout", NULL };
	PyObject *timeout = Py_None, *aio, *coroutine;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O", keywords, &timeout) ||
	    sync_check(self) < 0)
		return NULL;
	aio = PyImport_ImportModule("filemap._aio");
	if (!aio)
		return NULL;
	coroutine = PyObject_CallMethod(aio, fn, "OO", (PyObject *)self, timeout);
	Py_DECREF(aio);
	return coroutine;
}

static PyObject *Sync_acquire_async(SyncObject *self, PyObject *args, PyObject *kwargs)
{
	return call_aio(self->kind == FM_TYPE_MUTEX ? "mutex_acquire" : "semaphore_acquire", self,
			args, kwargs);
}

static PyObject *Event_wait_async(SyncObject *self, PyObject *args, PyObject *kwargs)
{
	return call_aio("event_wait", self, args, kwargs);
}

static PyObject *Sync_get_name(SyncObject *self, void *unused)
{
	const char *name;

	if (sync_check(self) < 0)
		return NULL;
	name = fm_sync_name(self->o);
	if (!name)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "surrogateescape");
}

static PyObject *Sync_get_existed(SyncObject *self, void *unused)
{
	return PyBool_FromLong(self->existed);
}

static PyObject *Sync_get_closed(SyncObject *self, void *unused)
{
	return PyBool_FromLong(!self->o);
}

static int sync_query(SyncObject *self, struct fm_sync_info *info)
{
	int r;

	if (sync_check(self) < 0)
		return -1;
	r = fm_sync_query(info, self->o);
	if (r < 0) {
		fmpy_raise(r, fm_sync_name(self->o));
		return -1;
	}
	return 0;
}

/* Calls fn(handle) and turns its result into None or an exception. */
static PyObject *sync_call(SyncObject *self, int (*fn)(fm_sync *))
{
	int r;

	if (sync_check(self) < 0)
		return NULL;
	r = fn(self->o);
	if (r < 0)
		return fmpy_raise(r, fm_sync_name(self->o));
	Py_RETURN_NONE;
}

/* One wait on self, sliced, with the handle marked busy meanwhile. */
static int sync_wait(SyncObject *self, fmpy_wait_fn fn, uint64_t timeout_ns)
{
	int r;

	self->busy++;
	r = fmpy_wait_sliced(fn, self->o, timeout_ns);
	self->busy--;
	return r;
}

static int wait_one(void *o, uint64_t timeout_ns)
{
	return fm_sync_wait(o, timeout_ns);
}

/* Takes the object, waiting up to timeout_ns.  Returns 1 (taken), 0
 * (timed out) or -1 (exception set). */
static int sync_take(SyncObject *self, uint64_t timeout_ns)
{
	int r;

	if (sync_check(self) < 0)
		return -1;
	r = sync_wait(self, wait_one, timeout_ns);
	if (r == FMPY_PYERR)
		return -1;
	if (r == -ETIMEDOUT)
		return 0;
	if (r < 0) {
		fmpy_raise(r, fm_sync_name(self->o));
		return -1;
	}
	self->abandoned = r == FM_ABANDONED;
	return 1;
}

/* acquire(blocking=True, timeout=None) as threading's: a timeout of -1 or
 * None waits for ever; a timeout with blocking=False is a ValueError. */
static PyObject *Sync_acquire(SyncObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "blocking", "timeout", NULL };
	PyObject *timeout_obj = Py_None;
	uint64_t timeout_ns = FM_INFINITE;
	int blocking = 1, r;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|pO:acquire", keywords, &blocking,
					 &timeout_obj))
		return NULL;
	if (timeout_obj != Py_None) {
		int minus_one = PyLong_Check(timeout_obj) || PyFloat_Check(timeout_obj)
					? PyFloat_AsDouble(timeout_obj) == -1
					: 0;

		if (PyErr_Occurred())
			return NULL;
		if (!minus_one && !blocking)
			return PyErr_Format(PyExc_ValueError,
					    "can't specify a timeout for a non-blocking call");
		if (!minus_one && fmpy_get_timeout(timeout_obj, 0, &timeout_ns) < 0)
			return NULL;
	}
	r = sync_take(self, blocking ? timeout_ns : 0);
	return r < 0 ? NULL : PyBool_FromLong(r);
}

static PyObject *Sync_enter(SyncObject *self, PyObject *unused)
{
	int r = sync_take(self, FM_INFINITE);

	return r < 0 ? NULL : PyBool_FromLong(r);
}

#define SYNC_GETSET                                                                        \
	{ "name", FMPY_GET(Sync_get_name), NULL, "The full name ('Local\\\\x'), or None.", NULL }, \
	{ "existed", FMPY_GET(Sync_get_existed), NULL, "create=True found the name taken.", NULL }, \
	{ "closed", FMPY_GET(Sync_get_closed), NULL, "True once closed.", NULL }

#define SYNC_CLOSE                                                                         \
	{ "close", FMPY_METH(Sync_close), METH_NOARGS,                                  \
	  "Release the handle; the last handle anywhere takes the name with it." },        \
	{ "__reduce__", FMPY_METH(Sync_reduce), METH_NOARGS,                            \
	  "Pickles by name: unpickling opens the object again." }

#define ACQUIRE_ASYNC(what)                                                                \
	{ "acquire_async", FMPY_METH(Sync_acquire_async), METH_VARARGS | METH_KEYWORDS,   \
	  "acquire_async(timeout=None) -> bool, a coroutine for asyncio: " what }

#define ACQUIRE_DOC "acquire(blocking=True, timeout=None) -> bool, as threading's"

/* ------------------------------------------------------------------------
 * Mutex
 * ------------------------------------------------------------------------ */

static PyObject *Mutex_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "name", "create", "initial_owner", "mode", NULL };
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	PyObject *name_obj = Py_None, *mode_obj = NULL;
	int create = 0, initial_owner = 0, r;
	const char *name;
	fm_sync *o;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|Opp$O:Mutex", keywords, &name_obj,
					 &create, &initial_owner, &mode_obj) ||
	    sync_args(name_obj, mode_obj, &name, &opts) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	if (!name || create)
		r = fm_mutex_create(&o, name, initial_owner, &opts);
	else
		r = fm_mutex_open(&o, name);
	Py_END_ALLOW_THREADS
	return sync_finish(type, FM_TYPE_MUTEX, r, o, name);
}

static PyObject *Mutex_release(SyncObject *self, PyObject *unused)
{
	int r;

	if (sync_check(self) < 0)
		return NULL;
	r = fm_mutex_unlock(self->o);
	if (r == -EPERM)
		return PyErr_Format(PyExc_RuntimeError,
				    "cannot release un-acquired lock (%s)", fm_last_error_message());
	if (r < 0)
		return fmpy_raise(r, fm_sync_name(self->o));
	Py_RETURN_NONE;
}

static PyObject *Mutex_exit(SyncObject *self, PyObject *args)
{
	return Mutex_release(self, NULL);
}

static PyObject *Mutex_locked(SyncObject *self, PyObject *unused)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;

	return sync_query(self, &info) < 0 ? NULL : PyBool_FromLong(!info.signaled);
}

static PyObject *Mutex_get_abandoned(SyncObject *self, void *unused)
{
	return PyBool_FromLong(self->abandoned);
}

static PyMethodDef Mutex_methods[] = {
	{ "acquire", FMPY_METH(Sync_acquire), METH_VARARGS | METH_KEYWORDS,
	  ACQUIRE_DOC "; ownership is per thread and recursive." },
	{ "release", FMPY_METH(Mutex_release), METH_NOARGS,
	  "Release one level of ownership; RuntimeError if this thread does not own it." },
	{ "locked", FMPY_METH(Mutex_locked), METH_NOARGS, "True if some thread owns it." },
	ACQUIRE_ASYNC("the thread running the event loop owns the mutex when it returns True "
		      "(it polls, backing off to 20 ms, since a mutex is owned by a thread)"),
	{ "__enter__", FMPY_METH(Sync_enter), METH_NOARGS, NULL },
	{ "__exit__", FMPY_METH(Mutex_exit), METH_VARARGS, NULL },
	SYNC_CLOSE,
	{ NULL },
};

static PyGetSetDef Mutex_getset[] = {
	SYNC_GETSET,
	{ "abandoned", FMPY_GET(Mutex_get_abandoned), NULL,
	  "True when the last acquisition found the owner dead (its data may be "
	  "inconsistent).", NULL },
	{ NULL },
};

/* ------------------------------------------------------------------------
 * Event
 * ------------------------------------------------------------------------ */

static PyObject *Event_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "name", "create", "manual_reset", "initial", "mode", NULL };
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	PyObject *name_obj = Py_None, *mode_obj = NULL;
	int create = 0, manual_reset = 0, initial = 0, r;
	const char *name;
	unsigned flags;
	fm_sync *o;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|Oppp$O:Event", keywords, &name_obj,
					 &create, &manual_reset, &initial, &mode_obj) ||
	    sync_args(name_obj, mode_obj, &name, &opts) < 0)
		return NULL;
	flags = (manual_reset ? FM_EVENT_MANUAL_RESET : 0) | (initial ? FM_EVENT_SIGNALED : 0);
	Py_BEGIN_ALLOW_THREADS
	if (!name || create)
		r = fm_event_create(&o, name, flags, &opts);
	else
		r = fm_event_open(&o, name);
	Py_END_ALLOW_THREADS
	return sync_finish(type, FM_TYPE_EVENT, r, o, name);
}

static PyObject *Event_set(SyncObject *self, PyObject *unused)
{
	return sync_call(self, fm_event_set);
}

static PyObject *Event_clear(SyncObject *self, PyObject *unused)
{
	return sync_call(self, fm_event_reset);
}

static PyObject *Event_pulse(SyncObject *self, PyObject *unused)
{
	return sync_call(self, fm_event_pulse);
}

static PyObject *Event_is_set(SyncObject *self, PyObject *unused)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;

	return sync_query(self, &info) < 0 ? NULL : PyBool_FromLong(info.signaled);
}

static PyObject *Event_get_manual_reset(SyncObject *self, void *unused)
{
	struct fm_sync_info info = FM_SYNC_INFO_INIT;

	return sync_query(self, &info) < 0 ? NULL : PyBool_FromLong(info.manual_reset);
}

static PyObject *Event_wait(SyncObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "timeout", NULL };
	PyObject *timeout_obj = Py_None;
	uint64_t timeout_ns;
	int r;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:wait", keywords, &timeout_obj) ||
	    fmpy_get_timeout(timeout_obj, 1, &timeout_ns) < 0 || sync_check(self) < 0)
		return NULL;
	r = sync_wait(self, wait_one, timeout_ns);
	if (r == FMPY_PYERR)
		return NULL;
	if (r == -ETIMEDOUT)
		Py_RETURN_FALSE;
	if (r < 0)
		return fmpy_raise(r, fm_sync_name(self->o));
	Py_RETURN_TRUE;
}

static PyMethodDef Event_methods[] = {
	{ "set", FMPY_METH(Event_set), METH_NOARGS,
	  "Signal it: release one waiter (auto-reset) or all of them (manual-reset)." },
	{ "clear", FMPY_METH(Event_clear), METH_NOARGS, "Unsignal it." },
	{ "pulse", FMPY_METH(Event_pulse), METH_NOARGS,
	  "Release the threads waiting now and leave it unsignalled." },
	{ "is_set", FMPY_METH(Event_is_set), METH_NOARGS, "True if it is signalled now." },
	{ "wait", FMPY_METH(Event_wait), METH_VARARGS | METH_KEYWORDS,
	  "wait(timeout=None) -> bool: False on timeout; an auto-reset event is taken." },
	{ "wait_async", FMPY_METH(Event_wait_async), METH_VARARGS | METH_KEYWORDS,
	  "wait_async(timeout=None) -> bool, a coroutine for asyncio: wait() in a worker "
	  "thread; cancelled, it takes nothing." },
	SYNC_CLOSE,
	{ NULL },
};

static PyGetSetDef Event_getset[] = {
	SYNC_GETSET,
	{ "manual_reset", FMPY_GET(Event_get_manual_reset), NULL,
	  "True for a manual-reset event.", NULL },
	{ NULL },
};

/* ------------------------------------------------------------------------
 * Semaphore
 * ------------------------------------------------------------------------ */

static int get_count(PyObject *obj, const char *what, uint32_t *out)
{
	uint64_t v;

	if (fmpy_get_u64(obj, what, &v) < 0)
		return -1;
	if (v > UINT32_MAX) {
		PyErr_Format(PyExc_ValueError, "%s is too large", what);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static PyObject *Semaphore_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "name", "create", "initial", "maximum", "mode", NULL };
	struct fm_sync_opts opts = FM_SYNC_OPTS_INIT;
	PyObject *name_obj = Py_None, *initial_obj = NULL, *maximum_obj = NULL, *mode_obj = NULL;
	/* One rule everywhere (the tool's create too): a semaphore starts at 1,
	 * as threading.Semaphore does, and may go up to Windows' limit. */
	uint32_t initial = 1, maximum = INT32_MAX;
	const char *name;
	int create = 0, r;
	fm_sync *o;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OpOO$O:Semaphore", keywords, &name_obj,
					 &create, &initial_obj, &maximum_obj, &mode_obj) ||
	    sync_args(name_obj, mode_obj, &name, &opts) < 0 ||
	    (initial_obj && get_count(initial_obj, "initial", &initial) < 0))
		return NULL;
	if (maximum_obj && get_count(maximum_obj, "maximum", &maximum) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	if (!name || create)
		r = fm_semaphore_create(&o, name, initial, maximum, &opts);
	else
		r = fm_semaphore_open(&o, name);
	Py_END_ALLOW_THREADS
	return sync_finish(type, FM_TYPE_SEMAPHORE, r, o, name);
}

static PyObject *Semaphore_release(SyncObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "n", NULL };
	PyObject *n_obj = NULL;
	uint32_t n = 1, previous;
	int r;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:release", keywords, &n_obj) ||
	    (n_obj && get_count(n_obj, "n", &n) < 0))
		return NULL;
	if (n < 1)
		return PyErr_Format(PyExc_ValueError, "semaphore release value must be >= 1");
	if (sync_check(self) < 0)
		return NULL;
	r = fm_semaphore_release(self->o, n, &previous);
	if (r < 0)
		return fmpy_raise(r, fm_sync_name(self->o));
	return PyLong_FromUnsignedLong(previous);
}

static int release_one(fm_semaphore *s)
{
	return fm_semaphore_release(s, 1, NULL);
}

static PyObject *Semaphore_exit(SyncObject *self, PyObject *args)
{
	return sync_call(self, release_one);
}

static PyMethodDef Semaphore_methods[] = {
	{ "acquire", FMPY_METH(Sync_acquire), METH_VARARGS | METH_KEYWORDS,
	  ACQUIRE_DOC "; takes one from the count." },
	{ "release", FMPY_METH(Semaphore_release), METH_VARARGS | METH_KEYWORDS,
	  "release(n=1) -> the previous count; ValueError past the maximum (nothing changes)." },
	ACQUIRE_ASYNC("acquire() in a worker thread; cancelled, it takes nothing."),
	{ "__enter__", FMPY_METH(Sync_enter), METH_NOARGS, NULL },
	{ "__exit__", FMPY_METH(Semaphore_exit), METH_VARARGS, NULL },
	SYNC_CLOSE,
	{ NULL },
};

static PyGetSetDef Semaphore_getset[] = {
	SYNC_GETSET,
	{ NULL },
};

/* ------------------------------------------------------------------------
 * wait_any, wait_all
 * ------------------------------------------------------------------------ */

struct wait_many {
	fm_sync *objects[FM_WAIT_MAX];
	size_t count;
	size_t index;
	int all;
};

static int wait_many_fn(void *arg, uint64_t timeout_ns)
{
	struct wait_many *w = arg;

	if (w->all)
		return fm_wait_all(w->objects, w->count, timeout_ns, &w->index);
	return fm_wait_any(w->objects, w->count, timeout_ns, &w->index);
}

/* Returns the result of the wait, or FMPY_PYERR; *seq_out holds the
 * objects (a new reference) when it returns anything else. */
static int wait_many(PyObject *args, PyObject *kwargs, int all, struct wait_many *w,
		     PyObject **seq_out)
{
	static char *keywords[] = { "objects", "timeout", NULL };
	PyObject *objects, *timeout_obj = Py_None, *seq;
	uint64_t timeout_ns;
	Py_ssize_t n;
	int r;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, all ? "O|O:wait_all" : "O|O:wait_any",
					 keywords, &objects, &timeout_obj))
		return FMPY_PYERR;
	seq = PySequence_Fast(objects, "objects must be a sequence of Mutex, Event or "
				       "Semaphore objects");
	if (!seq)
		return FMPY_PYERR;
	n = PySequence_Fast_GET_SIZE(seq);
	if (n < 1 || n > FM_WAIT_MAX) {
		PyErr_Format(PyExc_ValueError, "%s needs 1 to %d objects, not %zd",
			     all ? "wait_all" : "wait_any", FM_WAIT_MAX, n);
		goto fail;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *item = PySequence_Fast_GET_ITEM(seq, i);

		if (!PyObject_TypeCheck(item, &Sync_Type)) {
			PyErr_Format(PyExc_TypeError,
				     "objects[%zd] is a %.100s, not a Mutex, Event or Semaphore", i,
				     Py_TYPE(item)->tp_name);
			goto fail;
		}
		if (sync_check((SyncObject *)item) < 0)
			goto fail;
		w->objects[i] = ((SyncObject *)item)->o;
	}
	if (fmpy_get_timeout(timeout_obj, 1, &timeout_ns) < 0)
		goto fail;
	w->count = (size_t)n;
	w->index = 0;
	w->all = all;
	for (Py_ssize_t i = 0; i < n; i++)
		((SyncObject *)PySequence_Fast_GET_ITEM(seq, i))->busy++;
	r = fmpy_wait_sliced(wait_many_fn, w, timeout_ns);
	for (Py_ssize_t i = 0; i < n; i++)
		((SyncObject *)PySequence_Fast_GET_ITEM(seq, i))->busy--;
	if (r < 0 && r != -ETIMEDOUT) {
		if (r != FMPY_PYERR)
			fmpy_raise(r, NULL);
		goto fail;
	}
	*seq_out = seq;
	return r;
fail:
	Py_DECREF(seq);
	return FMPY_PYERR;
}

/* Records on each mutex taken whether it was abandoned. */
static void note_abandoned(PyObject *seq, struct wait_many *w, int r)
{
	Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);

	for (Py_ssize_t i = 0; i < n; i++) {
		SyncObject *o = (SyncObject *)PySequence_Fast_GET_ITEM(seq, i);

		if (w->all || (size_t)i == w->index)
			o->abandoned = r == FM_ABANDONED && (size_t)i == w->index;
	}
}

static PyObject *mod_wait_any(PyObject *module, PyObject *args, PyObject *kwargs)
{
	struct wait_many w;
	PyObject *seq;
	int r = wait_many(args, kwargs, 0, &w, &seq);

	if (r == FMPY_PYERR)
		return NULL;
	if (r == -ETIMEDOUT) {
		Py_DECREF(seq);
		Py_RETURN_NONE;
	}
	note_abandoned(seq, &w, r);
	Py_DECREF(seq);
	return PyLong_FromSize_t(w.index);
}

static PyObject *mod_wait_all(PyObject *module, PyObject *args, PyObject *kwargs)
{
	struct wait_many w;
	PyObject *seq;
	int r = wait_many(args, kwargs, 1, &w, &seq);

	if (r == FMPY_PYERR)
		return NULL;
	if (r != -ETIMEDOUT)
		note_abandoned(seq, &w, r);
	Py_DECREF(seq);
	return PyBool_FromLong(r != -ETIMEDOUT);
}

static PyMethodDef sync_functions[] = {
	{ "wait_any", FMPY_METH(mod_wait_any), METH_VARARGS | METH_KEYWORDS,
	  "wait_any(objects, timeout=None) -> the index of the one object taken, or None "
	  "on timeout" },
	{ "wait_all", FMPY_METH(mod_wait_all), METH_VARARGS | METH_KEYWORDS,
	  "wait_all(objects, timeout=None) -> True when all were taken at once, False on "
	  "timeout" },
	{ NULL },
};

/* ------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------ */

static PyTypeObject Sync_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "filemap.SyncObject",
	.tp_basicsize = sizeof(SyncObject),
	.tp_dealloc = (destructor)Sync_dealloc,
	.tp_repr = (reprfunc)Sync_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "The base of Mutex, Event and Semaphore.",
};

#define SYNC_TYPE(c_name, py_name, doc)                                 \
	static PyTypeObject c_name##_Type = {                           \
		PyVarObject_HEAD_INIT(NULL, 0)                          \
		.tp_name = "filemap." py_name,                          \
		.tp_basicsize = sizeof(SyncObject),                     \
		.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,   \
		.tp_doc = doc,                                          \
		.tp_methods = c_name##_methods,                         \
		.tp_getset = c_name##_getset,                           \
		.tp_base = &Sync_Type,                                  \
		.tp_new = c_name##_new,                                 \
	}

SYNC_TYPE(Mutex, "Mutex",
	  "Mutex(name=None, create=False, initial_owner=False, *, mode=0o600): a named "
	  "(or, without a name, unnamed) recursive mutex, owned per thread.");
SYNC_TYPE(Event, "Event",
	  "Event(name=None, create=False, manual_reset=False, initial=False, *, mode=0o600)");
SYNC_TYPE(Semaphore, "Semaphore",
	  "Semaphore(name=None, create=False, initial=1, maximum=2147483647, *, mode=0o600): "
	  "a new one starts at 1, as threading.Semaphore does, and may go up to maximum "
	  "(Windows' limit, 2**31 - 1, by default); opening an existing one ignores both.");

int fmpy_sync_init(PyObject *module)
{
	if (PyType_Ready(&Sync_Type) < 0 || PyType_Ready(&Mutex_Type) < 0 ||
	    PyType_Ready(&Event_Type) < 0 || PyType_Ready(&Semaphore_Type) < 0)
		return -1;
	if (PyModule_AddObjectRef(module, "SyncObject", (PyObject *)&Sync_Type) < 0 ||
	    PyModule_AddObjectRef(module, "Mutex", (PyObject *)&Mutex_Type) < 0 ||
	    PyModule_AddObjectRef(module, "Event", (PyObject *)&Event_Type) < 0 ||
	    PyModule_AddObjectRef(module, "Semaphore", (PyObject *)&Semaphore_Type) < 0)
		return -1;
	return PyModule_AddFunctions(module, sync_functions);
}
