/* SPDX-License-Identifier: MIT */
/*
 * _filemap_list.c - the store's listing for Python: _list(...) returns an
 * iterator over fm_store_list, one dict per object, which filemap.list()
 * and filemap.stat() make into ObjectInfo records.
 *
 * The listing's calls read directories and /proc, so they run with the GIL
 * released.  A part of the store that cannot be read raises, as the
 * listing reports it (an unsafe directory: filemap.Error, FM_ESTORE).
 */
#include "_filemap.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
	PyObject_HEAD
	fm_store_list *l; /* NULL once exhausted or closed */
} ListObject;

static PyTypeObject List_Type;

static const char *const type_names[] = { NULL, "section", "mutex", "event", "semaphore" };

static PyObject *text_or_none(const char *s)
{
	if (!s)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

static PyObject *type_or_none(int type)
{
	if (type < 1 || type > FM_TYPE_SEMAPHORE)
		Py_RETURN_NONE;
	return PyUnicode_FromString(type_names[type]);
}

static PyObject *holders_of(const struct fm_object_info *o)
{
	PyObject *t;

	if (!o->holders_known)
		Py_RETURN_NONE;
	t = PyTuple_New((Py_ssize_t)o->holder_count);
	for (size_t i = 0; t && i < o->holder_count; i++) {
		PyObject *pid = PyLong_FromLong(o->holders[i]);

		if (!pid) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, pid);
	}
	return t;
}

/* A sound sync object's state, the fields of struct fm_sync_info. */
static PyObject *sync_of(const struct fm_object_info *o)
{
	const struct fm_sync_info *s = &o->sync;

	switch (s->type) {
	case FM_TYPE_MUTEX:
		return Py_BuildValue("{s:O,s:i,s:i,s:I,s:O,s:i}", "signaled",
				     s->signaled ? Py_True : Py_False, "owner_pid", (int)s->owner_pid,
				     "owner_tid", (int)s->owner_tid, "recursion",
				     (unsigned)s->recursion, "abandoned",
				     s->abandoned ? Py_True : Py_False, "waiters", (int)o->waiters);
	case FM_TYPE_EVENT:
		return Py_BuildValue("{s:O,s:O,s:i}", "signaled", s->signaled ? Py_True : Py_False,
				     "manual_reset", s->manual_reset ? Py_True : Py_False, "waiters",
				     (int)o->waiters);
	case FM_TYPE_SEMAPHORE:
		return Py_BuildValue("{s:O,s:I,s:I,s:i}", "signaled",
				     s->signaled ? Py_True : Py_False, "count", (unsigned)s->count,
				     "maximum", (unsigned)s->maximum, "waiters", (int)o->waiters);
	default:
		Py_RETURN_NONE;
	}
}

static const char *backing_name(int state)
{
	static const char *const names[] = { NULL, "present", "missing", "replaced", "truncated" };

	return state > 0 && state <= FM_BACKING_TRUNCATED ? names[state] : NULL;
}

/* Sets key to value (a new reference, or NULL on failure); -1 on failure. */
static int set(PyObject *d, const char *key, PyObject *value)
{
	int r = value ? PyDict_SetItemString(d, key, value) : -1;

	Py_XDECREF(value);
	return r;
}

/* value when known, else None (a new reference either way). */
static PyObject *when(bool known, PyObject *value)
{
	if (known || !value)
		return value;
	Py_XDECREF(value);
	Py_RETURN_NONE;
}

/* What only a readable header tells; None for each field otherwise. */
static int add_header(PyObject *d, const struct fm_object_info *o)
{
	bool known = o->type != 0, section = o->type == FM_TYPE_SECTION;

	if (set(d, "size", when(section, PyLong_FromUnsignedLongLong(o->section_size))) < 0 ||
	    set(d, "access", when(section, fmpy_access_string(o->max_access))) < 0 ||
	    set(d, "reserve", when(section, PyBool_FromLong(o->flags & FM_OBJECT_RESERVE))) < 0 ||
	    set(d, "created", when(known, PyFloat_FromDouble((double)o->created_sec +
							      o->created_nsec / 1e9))) < 0 ||
	    set(d, "creator_uid", when(known, PyLong_FromUnsignedLong(o->creator_uid))) < 0 ||
	    set(d, "creator_pid", when(known, PyLong_FromLong(o->creator_pid))) < 0)
		return -1;
	return 0;
}

static PyObject *dict_of(const struct fm_object_info *o)
{
	PyObject *d = PyDict_New();

	if (!d)
		return NULL;
	if (set(d, "namespace", PyUnicode_FromString(o->ns == FM_NAMESPACE_GLOBAL ? "Global"
										     : "Local")) < 0 ||
	    set(d, "name", text_or_none(o->name)) < 0 || set(d, "path", text_or_none(o->path)) < 0 ||
	    set(d, "type", type_or_none(o->type)) < 0 ||
	    set(d, "corrupt", PyBool_FromLong(o->status == FM_ECORRUPT)) < 0 ||
	    set(d, "readable", PyBool_FromLong(o->status != -EACCES)) < 0 ||
	    set(d, "problem", text_or_none(o->problem)) < 0 ||
	    set(d, "mode", PyLong_FromUnsignedLong(o->mode)) < 0 ||
	    set(d, "uid", PyLong_FromUnsignedLong(o->uid)) < 0 ||
	    set(d, "gid", PyLong_FromUnsignedLong(o->gid)) < 0 ||
	    set(d, "holders", holders_of(o)) < 0 ||
	    set(d, "backing", text_or_none(o->backing)) < 0 ||
	    set(d, "backing_state", text_or_none(backing_name(o->backing_state))) < 0 ||
	    set(d, "sync", sync_of(o)) < 0 || add_header(d, o) < 0)
		Py_CLEAR(d);
	return d;
}

static void List_close(ListObject *self)
{
	fm_store_list_close(self->l);
	self->l = NULL;
}

static void List_dealloc(ListObject *self)
{
	List_close(self);
	PyObject_Free(self);
}

static PyObject *List_next(ListObject *self)
{
	struct fm_object_info o = FM_OBJECT_INFO_INIT;
	int r;

	if (!self->l)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	r = fm_store_list_next(self->l, &o);
	Py_END_ALLOW_THREADS
	if (r == 1)
		return dict_of(&o);
	List_close(self);
	return r < 0 ? fmpy_raise(r, NULL) : NULL;
}

static PyTypeObject List_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "filemap._filemap.StoreList",
	.tp_basicsize = sizeof(ListObject),
	.tp_dealloc = (destructor)List_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "An iterator over the store's objects, one dict each (see filemap.list).",
	.tp_iter = PyObject_SelfIter,
	.tp_iternext = (iternextfunc)List_next,
};

/* Reads a filter: None, or one of the words of names[1..count). */
static int get_word(PyObject *obj, const char *what, const char *const *names, int count, int *out)
{
	const char *s;

	*out = 0;
	if (obj == Py_None)
		return 0;
	s = PyUnicode_Check(obj) ? PyUnicode_AsUTF8(obj) : NULL;
	for (int i = 1; s && i < count; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	if (!PyErr_Occurred())
		PyErr_Format(PyExc_ValueError, "%s %R: not one of the known ones", what, obj);
	return -1;
}

static PyObject *mod_list(PyObject *module, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "pattern", "namespace", "type", "name", "holders", NULL };
	static const char *const namespaces[] = { NULL, "Local", "Global" };
	struct fm_list_opts opts = FM_LIST_OPTS_INIT;
	PyObject *pattern = Py_None, *ns = Py_None, *type = Py_None, *name = Py_None;
	int holders = 1, ns_index, r;
	ListObject *self;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O$OOOp:list", keywords, &pattern, &ns,
					 &type, &name, &holders) ||
	    get_word(ns, "namespace", namespaces, 3, &ns_index) < 0 ||
	    get_word(type, "type", type_names, 5, &opts.type) < 0 ||
	    (pattern != Py_None && fmpy_get_name(pattern, 0, &opts.pattern) < 0) ||
	    (name != Py_None && fmpy_get_name(name, 0, &opts.name) < 0))
		return NULL;
	opts.namespaces = ns_index == 1 ? FM_NAMESPACE_LOCAL : ns_index == 2 ? FM_NAMESPACE_GLOBAL : 0;
	opts.flags = holders ? 0 : FM_LIST_NO_HOLDERS;
	self = PyObject_New(ListObject, &List_Type);
	if (!self)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	r = fm_store_list_open(&self->l, &opts);
	Py_END_ALLOW_THREADS
	if (r < 0) {
		self->l = NULL;
		Py_DECREF(self);
		return fmpy_raise(r, opts.name);
	}
	return (PyObject *)self;
}

static PyMethodDef list_functions[] = {
	{ "_list", FMPY_METH(mod_list), METH_VARARGS | METH_KEYWORDS,
	  "_list(pattern=None, *, namespace=None, type=None, name=None, holders=True) -> "
	  "an iterator of one dict an object; filemap.list() is the interface" },
	{ NULL },
};

int fmpy_list_init(PyObject *module)
{
	if (PyType_Ready(&List_Type) < 0)
		return -1;
	return PyModule_AddFunctions(module, list_functions);
}
