/* SPDX-License-Identifier: MIT */
/*
 * _filemap.c - the extension module filemap._filemap: errors, sections,
 * and views that export the buffer protocol.
 *
 * It is a thin layer over the public native API (filemap.h) and nothing
 * else.  A View owns one mapping: it counts the buffers exported from it
 * and refuses to unmap while any is alive, so no memoryview ever points at
 * unmapped memory; it unmaps when closed, or when it is collected (which a
 * live export prevents, since a memoryview holds a reference to it).
 */
#include "_filemap.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

PyObject *fmpy_Error;

/* filemap._filemap.open, which unpickling a Section calls. */
static PyObject *open_function;

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

PyObject *fmpy_error_class(int code)
{
	switch (code) {
	case -ENOENT:
		return PyExc_FileNotFoundError;
	case -EACCES:
	case -EPERM:
		return PyExc_PermissionError;
	case -EEXIST:
		return PyExc_FileExistsError;
	case -ETIMEDOUT:
		return PyExc_TimeoutError;
	case -EINVAL:
	case FM_ENAME:
	case -ENAMETOOLONG:
	case -ERANGE:
	case -EOVERFLOW:
	case -EFBIG:
		return PyExc_ValueError;
	default:
		return fmpy_Error;
	}
}

/*
 * The full name the library gives name in its messages: "Local\\x" for
 * "x".  Returns a new str, or NULL with an exception set.
 */
static PyObject *full_name(const char *name)
{
	if (strncmp(name, "Local\\", 6) == 0 || strncmp(name, "Global\\", 7) == 0)
		return PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "surrogateescape");
	return PyUnicode_FromFormat("Local\\%s", name);
}

/*
 * The reason in the library's last message, "<call>: <object>: <reason>
 * (<ERRNAME>)": the words between the object (full, or cut to "...") and
 * the code's name, which the exception says otherwise.
 */
static PyObject *reason_of(int code, PyObject *object)
{
	const char *msg = fm_last_error_message(), *rest, *cut, *end;
	const char *obj = object ? PyUnicode_AsUTF8(object) : NULL;
	char suffix[64];
	size_t len;

	if (!msg || !*msg || !(rest = strstr(msg, ": ")))
		return PyUnicode_FromString(fm_strerror(code));
	rest += 2;
	len = obj ? strlen(obj) : 0;
	if (obj && strncmp(rest, obj, len) == 0 && strncmp(rest + len, ": ", 2) == 0)
		rest += len + 2;
	else if (obj && (cut = strstr(rest, "...: ")) != NULL)
		rest = cut + 5; /* a long name, cut in the message */
	snprintf(suffix, sizeof(suffix), " (%s)", fm_errname(code));
	end = rest + strlen(rest);
	if ((size_t)(end - rest) >= strlen(suffix) && strcmp(end - strlen(suffix), suffix) == 0)
		end -= strlen(suffix);
	return PyUnicode_DecodeUTF8(rest, end - rest, "replace");
}

/* Makes the exception: cls(errno, reason, filename) for an OSError, so that
 * e.errno, e.strerror and e.filename work as for any OSError (errno None
 * for the library's own codes); a ValueError says the name in its text. */
static PyObject *make_error(PyObject *cls, int code, PyObject *reason, PyObject *object)
{
	PyObject *no = code < 0 && code > -4096 ? PyLong_FromLong(-code) : Py_NewRef(Py_None);
	PyObject *exc;

	if (!no)
		return NULL;
	if (cls != PyExc_ValueError)
		exc = PyObject_CallFunctionObjArgs(cls, no, reason, object ? object : NULL, NULL);
	else if (object)
		exc = PyObject_CallFunction(cls, "N", PyUnicode_FromFormat("%U: %R", reason, object));
	else
		exc = PyObject_CallOneArg(cls, reason);
	Py_DECREF(no);
	return exc;
}

PyObject *fmpy_raise(int code, const char *name)
{
	PyObject *cls = fmpy_error_class(code), *object = NULL, *reason, *exc, *value;
	int bad;

	/* A name the library refused is said as it was given. */
	if (name && (code == FM_ENAME || code == -ENAMETOOLONG))
		object = PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "surrogateescape");
	else if (name)
		object = full_name(name);
	if (name && !object)
		return NULL;
	reason = reason_of(code, object);
	exc = reason ? make_error(cls, code, reason, object) : NULL;
	Py_XDECREF(reason);
	Py_XDECREF(object);
	if (!exc)
		return NULL;
	value = PyLong_FromLong(code);
	bad = !value || PyObject_SetAttrString(exc, "code", value) < 0;
	Py_XDECREF(value);
	value = bad ? NULL : PyUnicode_FromString(fm_errname(code));
	bad = bad || !value || PyObject_SetAttrString(exc, "errname", value) < 0;
	Py_XDECREF(value);
	if (!bad)
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
	return NULL;
}

/* _error_table(): [(code, errname, exception class)] for every code in
 * FM_ERRORS, generated from the table itself, so a test sees a new code. */
static PyObject *error_table(PyObject *module, PyObject *unused)
{
	static const struct {
		int code;
		const char *name;
	} codes[] = {
#define X(name, value, win32, text) { value, #name },
		FM_ERRORS(X)
#undef X
	};
	PyObject *list = PyList_New(0);

	for (size_t i = 0; list && i < sizeof(codes) / sizeof(codes[0]); i++) {
		PyObject *row = Py_BuildValue("(isO)", codes[i].code, codes[i].name,
					      fmpy_error_class(codes[i].code));

		if (!row || PyList_Append(list, row) < 0)
			Py_CLEAR(list);
		Py_XDECREF(row);
	}
	return list;
}

/* ------------------------------------------------------------------------
 * Argument converters and the sliced wait
 * ------------------------------------------------------------------------ */

int fmpy_get_name(PyObject *obj, int none_ok, const char **out)
{
	Py_ssize_t len;
	const char *s;

	if (obj == Py_None && none_ok) {
		*out = NULL;
		return 0;
	}
	if (!PyUnicode_Check(obj)) {
		PyErr_Format(PyExc_TypeError, "name must be a str%s, not %.100s",
			     none_ok ? " or None" : "", Py_TYPE(obj)->tp_name);
		return -1;
	}
	s = PyUnicode_AsUTF8AndSize(obj, &len);
	if (!s)
		return -1;
	if ((size_t)len != strlen(s)) {
		PyErr_SetString(PyExc_ValueError, "name must not contain a null character");
		return -1;
	}
	*out = s;
	return 0;
}

int fmpy_get_u64(PyObject *obj, const char *what, uint64_t *out)
{
	PyObject *index;
	long long v;
	unsigned long long u;
	int overflow;

	if (!PyIndex_Check(obj) || PyBool_Check(obj)) {
		PyErr_Format(PyExc_TypeError, "%s must be an int, not %.100s", what,
			     Py_TYPE(obj)->tp_name);
		return -1;
	}
	index = PyNumber_Index(obj);
	if (!index)
		return -1;
	v = PyLong_AsLongLongAndOverflow(index, &overflow);
	if (overflow > 0)
		u = PyLong_AsUnsignedLongLong(index);
	else
		u = (unsigned long long)v;
	Py_DECREF(index);
	if (overflow < 0 || (!overflow && v < 0)) {
		PyErr_Format(PyExc_ValueError, "%s must not be negative", what);
		return -1;
	}
	if (u == (unsigned long long)-1 && PyErr_Occurred()) {
		PyErr_Format(PyExc_ValueError, "%s is too large", what);
		return -1;
	}
	*out = u;
	return 0;
}

int fmpy_get_timeout(PyObject *obj, int negative_polls, uint64_t *out)
{
	double seconds;

	if (obj == Py_None) {
		*out = FM_INFINITE;
		return 0;
	}
	if (!PyFloat_Check(obj) && !PyLong_Check(obj)) {
		PyErr_Format(PyExc_TypeError, "timeout must be a number or None, not %.100s",
			     Py_TYPE(obj)->tp_name);
		return -1;
	}
	seconds = PyFloat_AsDouble(obj);
	if (seconds == -1.0 && PyErr_Occurred())
		return -1;
	if (isnan(seconds)) {
		PyErr_SetString(PyExc_ValueError, "timeout must not be NaN");
		return -1;
	}
	if (seconds < 0 && !negative_polls) {
		PyErr_SetString(PyExc_ValueError, "timeout value must be a non-negative number");
		return -1;
	}
	if (seconds <= 0)
		*out = 0;
	else if (seconds * 1e9 >= 18e18)
		*out = FM_INFINITE; /* centuries: for ever, as far as anyone can tell */
	else
		*out = (uint64_t)(seconds * 1e9);
	return 0;
}

#define SLICE_NS 50000000ull /* 50 ms: how long Ctrl-C may wait to be seen */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int fmpy_wait_sliced(fmpy_wait_fn fn, void *arg, uint64_t timeout_ns)
{
	uint64_t start = now_ns(), slice, elapsed, remaining = timeout_ns;
	int r;

	for (;;) {
		if (timeout_ns != FM_INFINITE) {
			elapsed = now_ns() - start;
			remaining = elapsed >= timeout_ns ? 0 : timeout_ns - elapsed;
		}
		slice = remaining < SLICE_NS ? remaining : SLICE_NS;
		Py_BEGIN_ALLOW_THREADS
		r = fn(arg, slice);
		Py_END_ALLOW_THREADS
		if (r != -ETIMEDOUT || slice == remaining)
			return r;
		if (PyErr_CheckSignals() < 0)
			return FMPY_PYERR;
	}
}

/* ------------------------------------------------------------------------
 * Access strings: "r", "rw" (or "w", "wr"), "c" (copy-on-write), + "x"
 * ------------------------------------------------------------------------ */

static int parse_access(PyObject *obj, int view, unsigned *out)
{
	const char *s;
	unsigned bits = 0, bit;

	if (!PyUnicode_Check(obj)) {
		PyErr_Format(PyExc_TypeError, "access must be a str, not %.100s",
			     Py_TYPE(obj)->tp_name);
		return -1;
	}
	s = PyUnicode_AsUTF8(obj);
	if (!s)
		return -1;
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case 'r': bit = FM_READ; break;
		case 'w': bit = FM_WRITE; break;
		case 'x': bit = FM_EXEC; break;
		case 'c': bit = view ? FM_COPY : 0; break;
		default: bit = 0; break;
		}
		if (!bit || (bits & bit))
			goto invalid;
		bits |= bit;
	}
	if (!bits || ((bits & FM_COPY) && (bits & FM_WRITE)))
		goto invalid;
	if (bits & FM_WRITE)
		bits |= FM_READ;
	if (bits & FM_COPY)
		bits |= FM_READ;
	*out = bits;
	return 0;
invalid:
	PyErr_Format(PyExc_ValueError,
		     view ? "invalid access %R: use 'r', 'rw' or 'c' (copy-on-write), optionally with 'x'"
			  : "invalid access %R: use 'r' or 'rw', optionally with 'x'",
		     obj);
	return -1;
}

PyObject *fmpy_access_string(unsigned bits)
{
	char s[4];
	size_t n = 0;

	if (bits & FM_COPY)
		s[n++] = 'c';
	else if (bits & FM_READ)
		s[n++] = 'r';
	if (bits & FM_WRITE)
		s[n++] = 'w';
	if (bits & FM_EXEC)
		s[n++] = 'x';
	return PyUnicode_FromStringAndSize(s, (Py_ssize_t)n);
}

/* ------------------------------------------------------------------------
 * View: one mapping, exported as a buffer
 * ------------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	void *base;            /* NULL once unmapped */
	size_t length;
	uint64_t offset;
	unsigned access;
	Py_ssize_t exports;    /* buffers exported and not yet released */
	fm_section *owned;     /* a handle the view closes with itself, or NULL */
} ViewObject;

static PyTypeObject View_Type;

static void view_unmap(ViewObject *self)
{
	if (self->base)
		fm_view_unmap(self->base);
	self->base = NULL;
	fm_section_close(self->owned);
	self->owned = NULL;
}

static int view_check(ViewObject *self)
{
	if (self->base)
		return 0;
	PyErr_SetString(PyExc_ValueError, "operation on a closed view");
	return -1;
}

/* Makes a View of a new mapping of s; owns (closes) s when own is set,
 * also on failure. */
static PyObject *view_new(fm_section *s, uint64_t offset, size_t length, unsigned access,
			  int own)
{
	struct fm_view_info info = FM_VIEW_INFO_INIT;
	ViewObject *self;
	void *base;
	int r;

	r = fm_view_map(&base, s, offset, length, access);
	if (r < 0) {
		fmpy_raise(r, fm_section_name(s));
		goto fail;
	}
	r = fm_view_query(&info, base);
	if (r < 0) {
		fmpy_raise(r, fm_section_name(s));
		fm_view_unmap(base);
		goto fail;
	}
	self = PyObject_New(ViewObject, &View_Type);
	if (!self) {
		fm_view_unmap(base);
		goto fail;
	}
	self->base = base;
	self->length = info.length;
	self->offset = info.offset;
	self->access = info.access;
	self->exports = 0;
	self->owned = own ? s : NULL;
	return (PyObject *)self;
fail:
	if (own)
		fm_section_close(s);
	return NULL;
}

static void View_dealloc(ViewObject *self)
{
	/* No export can be alive: each holds a reference to the view. */
	view_unmap(self);
	PyObject_Free(self);
}

static int View_getbuffer(ViewObject *self, Py_buffer *buf, int flags)
{
	int readonly = !(self->access & (FM_WRITE | FM_COPY));

	if (view_check(self) < 0)
		return -1;
	if (PyBuffer_FillInfo(buf, (PyObject *)self, self->base, (Py_ssize_t)self->length,
			      readonly, flags) < 0)
		return -1;
	self->exports++;
	return 0;
}

static void View_releasebuffer(ViewObject *self, Py_buffer *buf)
{
	self->exports--;
}

static PyObject *View_close(ViewObject *self, PyObject *unused)
{
	if (self->exports > 0)
		return PyErr_Format(PyExc_BufferError,
				    "cannot close a view while %zd buffer%s exported from it "
				    "(release the memoryviews first)",
				    self->exports, self->exports == 1 ? " is" : "s are");
	view_unmap(self);
	Py_RETURN_NONE;
}

static PyObject *View_flush(ViewObject *self, PyObject *unused)
{
	int r;

	if (view_check(self) < 0)
		return NULL;
	r = fm_view_flush(self->base, 0);
	if (r < 0)
		return fmpy_raise(r, NULL);
	Py_RETURN_NONE;
}

static PyObject *View_enter(ViewObject *self, PyObject *unused)
{
	if (view_check(self) < 0)
		return NULL;
	return Py_NewRef(self);
}

static PyObject *View_exit(ViewObject *self, PyObject *args)
{
	return View_close(self, NULL);
}

static Py_ssize_t View_len(ViewObject *self)
{
	if (view_check(self) < 0)
		return -1;
	return (Py_ssize_t)self->length;
}

static PyObject *View_repr(ViewObject *self)
{
	PyObject *access, *repr;

	if (!self->base)
		return PyUnicode_FromString("<filemap.View closed>");
	access = fmpy_access_string(self->access);
	if (!access)
		return NULL;
	repr = PyUnicode_FromFormat("<filemap.View size=%zu offset=%llu access=%R>",
				    self->length, (unsigned long long)self->offset, access);
	Py_DECREF(access);
	return repr;
}

static PyObject *View_get_closed(ViewObject *self, void *unused)
{
	return PyBool_FromLong(!self->base);
}

static PyObject *View_get_size(ViewObject *self, void *unused)
{
	return view_check(self) < 0 ? NULL : PyLong_FromSize_t(self->length);
}

static PyObject *View_get_offset(ViewObject *self, void *unused)
{
	return view_check(self) < 0 ? NULL : PyLong_FromUnsignedLongLong(self->offset);
}

static PyObject *View_get_access(ViewObject *self, void *unused)
{
	return view_check(self) < 0 ? NULL : fmpy_access_string(self->access);
}

static PyObject *View_get_readonly(ViewObject *self, void *unused)
{
	return view_check(self) < 0 ? NULL
				    : PyBool_FromLong(!(self->access & (FM_WRITE | FM_COPY)));
}

static PyObject *View_get_address(ViewObject *self, void *unused)
{
	return view_check(self) < 0 ? NULL : PyLong_FromVoidPtr(self->base);
}

static PyMethodDef View_methods[] = {
	{ "close", FMPY_METH(View_close), METH_NOARGS,
	  "Unmap the view; BufferError while a buffer exported from it is alive." },
	{ "flush", FMPY_METH(View_flush), METH_NOARGS,
	  "Write modified pages back to the section's backing and wait for it." },
	{ "__enter__", FMPY_METH(View_enter), METH_NOARGS, NULL },
	{ "__exit__", FMPY_METH(View_exit), METH_VARARGS, NULL },
	{ NULL },
};

static PyGetSetDef View_getset[] = {
	{ "closed", FMPY_GET(View_get_closed), NULL, "True once the view is unmapped.", NULL },
	{ "size", FMPY_GET(View_get_size), NULL, "The view's length in bytes, exact.", NULL },
	{ "offset", FMPY_GET(View_get_offset), NULL, "Where in the section it starts.", NULL },
	{ "access", FMPY_GET(View_get_access), NULL, "'r', 'rw' or 'c', with 'x' if executable.", NULL },
	{ "readonly", FMPY_GET(View_get_readonly), NULL, "True when its buffer is read-only.", NULL },
	{ "address", FMPY_GET(View_get_address), NULL, "The view's base address.", NULL },
	{ NULL },
};

static PyBufferProcs View_as_buffer = {
	.bf_getbuffer = (getbufferproc)View_getbuffer,
	.bf_releasebuffer = (releasebufferproc)View_releasebuffer,
};

static PySequenceMethods View_as_sequence = {
	.sq_length = (lenfunc)View_len,
};

static PyTypeObject View_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "filemap.View",
	.tp_basicsize = sizeof(ViewObject),
	.tp_dealloc = (destructor)View_dealloc,
	.tp_repr = (reprfunc)View_repr,
	.tp_as_sequence = &View_as_sequence,
	.tp_as_buffer = &View_as_buffer,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A view of a section, mapped into this process: use memoryview(view).",
	.tp_methods = View_methods,
	.tp_getset = View_getset,
};

/* ------------------------------------------------------------------------
 * Section: a handle to a section
 * ------------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	fm_section *s;   /* NULL once closed */
	int existed;     /* create found the name taken */
} SectionObject;

static PyTypeObject Section_Type;

static int section_check(SectionObject *self)
{
	if (self->s)
		return 0;
	PyErr_SetString(PyExc_ValueError, "operation on a closed section");
	return -1;
}

static PyObject *section_new(fm_section *s, int existed)
{
	SectionObject *self = PyObject_New(SectionObject, &Section_Type);

	if (!self) {
		fm_section_close(s);
		return NULL;
	}
	self->s = s;
	self->existed = existed;
	return (PyObject *)self;
}

static void Section_dealloc(SectionObject *self)
{
	fm_section_close(self->s);
	PyObject_Free(self);
}

static PyObject *Section_close(SectionObject *self, PyObject *unused)
{
	fm_section_close(self->s);
	self->s = NULL;
	Py_RETURN_NONE;
}

static PyObject *Section_map(SectionObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "offset", "length", "access", NULL };
	PyObject *offset_obj = NULL, *length_obj = NULL, *access_obj = Py_None;
	uint64_t offset = 0, length = 0;
	unsigned access;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OOO:map", keywords, &offset_obj,
					 &length_obj, &access_obj))
		return NULL;
	if (section_check(self) < 0)
		return NULL;
	if (offset_obj && fmpy_get_u64(offset_obj, "offset", &offset) < 0)
		return NULL;
	if (length_obj && fmpy_get_u64(length_obj, "length", &length) < 0)
		return NULL;
	if (length > SIZE_MAX)
		return PyErr_Format(PyExc_ValueError, "length is too large");
	if (access_obj == Py_None)
		access = fm_section_access(self->s) & (FM_READ | FM_WRITE);
	else if (parse_access(access_obj, 1, &access) < 0)
		return NULL;
	return view_new(self->s, offset, (size_t)length, access, 0);
}

/* Pickling sends the name and the access; unpickling opens the section
 * again, so it must still exist (some process must hold it) by then. */
static PyObject *Section_reduce(SectionObject *self, PyObject *unused)
{
	const char *name;
	PyObject *access;

	if (section_check(self) < 0)
		return NULL;
	name = fm_section_name(self->s);
	if (!name)
		return PyErr_Format(PyExc_TypeError,
				    "cannot pickle an unnamed section: no other process can open it");
	access = fmpy_access_string(fm_section_access(self->s));
	if (!access)
		return NULL;
	return Py_BuildValue("O(sN)", open_function, name, access);
}

static PyObject *Section_enter(SectionObject *self, PyObject *unused)
{
	if (section_check(self) < 0)
		return NULL;
	return Py_NewRef(self);
}

static PyObject *Section_exit(SectionObject *self, PyObject *args)
{
	return Section_close(self, NULL);
}

static PyObject *name_or_none(const char *name)
{
	if (!name)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "surrogateescape");
}

static PyObject *Section_repr(SectionObject *self)
{
	PyObject *name, *access, *repr;

	if (!self->s)
		return PyUnicode_FromString("<filemap.Section closed>");
	name = name_or_none(fm_section_name(self->s));
	access = name ? fmpy_access_string(fm_section_access(self->s)) : NULL;
	repr = access ? PyUnicode_FromFormat("<filemap.Section %R size=%llu access=%R>", name,
					     (unsigned long long)fm_section_size(self->s),
					     access)
		      : NULL;
	Py_XDECREF(name);
	Py_XDECREF(access);
	return repr;
}

static PyObject *Section_get_name(SectionObject *self, void *unused)
{
	return section_check(self) < 0 ? NULL : name_or_none(fm_section_name(self->s));
}

static PyObject *Section_get_size(SectionObject *self, void *unused)
{
	return section_check(self) < 0 ? NULL
				       : PyLong_FromUnsignedLongLong(fm_section_size(self->s));
}

static PyObject *Section_get_access(SectionObject *self, void *unused)
{
	return section_check(self) < 0 ? NULL : fmpy_access_string(fm_section_access(self->s));
}

static PyObject *Section_get_existed(SectionObject *self, void *unused)
{
	return PyBool_FromLong(self->existed);
}

static PyObject *Section_get_closed(SectionObject *self, void *unused)
{
	return PyBool_FromLong(!self->s);
}

static PyMethodDef Section_methods[] = {
	{ "map", FMPY_METH(Section_map), METH_VARARGS | METH_KEYWORDS,
	  "map(offset=0, length=0, access=None) -> View: map [offset, offset+length) "
	  "(length 0: to the end); access 'r', 'rw' or 'c', default the handle's." },
	{ "close", FMPY_METH(Section_close), METH_NOARGS,
	  "Release the handle; the last handle anywhere takes the name with it. "
	  "Views stay valid." },
	{ "__enter__", FMPY_METH(Section_enter), METH_NOARGS, NULL },
	{ "__exit__", FMPY_METH(Section_exit), METH_VARARGS, NULL },
	{ "__reduce__", FMPY_METH(Section_reduce), METH_NOARGS,
	  "Pickles by name and access: unpickling opens the section again." },
	{ NULL },
};

static PyGetSetDef Section_getset[] = {
	{ "name", FMPY_GET(Section_get_name), NULL, "The full name ('Local\\\\x'), or None.", NULL },
	{ "size", FMPY_GET(Section_get_size), NULL, "The exact size its creator asked for.", NULL },
	{ "access", FMPY_GET(Section_get_access), NULL, "The handle's access: 'r' or 'rw' (+'x').", NULL },
	{ "existed", FMPY_GET(Section_get_existed), NULL, "create() found the name taken.", NULL },
	{ "closed", FMPY_GET(Section_get_closed), NULL, "True once closed.", NULL },
	{ NULL },
};

static PyTypeObject Section_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "filemap.Section",
	.tp_basicsize = sizeof(SectionObject),
	.tp_dealloc = (destructor)Section_dealloc,
	.tp_repr = (reprfunc)Section_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A handle to a section; made by filemap.create() and filemap.open().",
	.tp_methods = Section_methods,
	.tp_getset = Section_getset,
};

/* ------------------------------------------------------------------------
 * Module functions
 * ------------------------------------------------------------------------ */

static PyObject *mod_create(PyObject *module, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "name", "size", "access", "mode", "reserve", NULL };
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	PyObject *name_obj, *size_obj, *access_obj = NULL, *mode_obj = NULL;
	const char *name;
	uint64_t size, mode = 0600;
	int reserve = 0, r;
	fm_section *s;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOp:create", keywords, &name_obj,
					 &size_obj, &access_obj, &mode_obj, &reserve))
		return NULL;
	if (fmpy_get_name(name_obj, 1, &name) < 0 || fmpy_get_u64(size_obj, "size", &size) < 0)
		return NULL;
	if (size == 0)
		return PyErr_Format(PyExc_ValueError, "size must be positive");
	if (access_obj && parse_access(access_obj, 0, &opts.access) < 0)
		return NULL;
	if (mode_obj && fmpy_get_u64(mode_obj, "mode", &mode) < 0)
		return NULL;
	if (mode > 0777)
		return PyErr_Format(PyExc_ValueError, "mode must be at most 0o777");
	opts.mode = (uint32_t)mode;
	opts.flags = reserve ? FM_SECTION_RESERVE : 0;
	Py_BEGIN_ALLOW_THREADS
	r = fm_section_create(&s, name, size, &opts);
	Py_END_ALLOW_THREADS
	if (r < 0)
		return fmpy_raise(r, name);
	return section_new(s, r == FM_EXISTED);
}

static int open_section(PyObject *name_obj, unsigned access, fm_section **out)
{
	const char *name;
	int r;

	if (fmpy_get_name(name_obj, 0, &name) < 0)
		return -1;
	Py_BEGIN_ALLOW_THREADS
	r = fm_section_open(out, name, access);
	Py_END_ALLOW_THREADS
	if (r < 0) {
		fmpy_raise(r, name);
		return -1;
	}
	return 0;
}

static PyObject *mod_open(PyObject *module, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "name", "access", NULL };
	PyObject *name_obj, *access_obj = NULL;
	unsigned access = FM_READ | FM_WRITE;
	fm_section *s;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:open", keywords, &name_obj,
					 &access_obj))
		return NULL;
	if (access_obj && parse_access(access_obj, 0, &access) < 0)
		return NULL;
	if (open_section(name_obj, access, &s) < 0)
		return NULL;
	return section_new(s, 0);
}

static PyObject *mod_map_section(PyObject *module, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = { "name", "mode", NULL };
	PyObject *name_obj, *view, *memory;
	const char *mode = "r";
	unsigned access;
	fm_section *s;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|s:map_section", keywords, &name_obj,
					 &mode))
		return NULL;
	if (!strcmp(mode, "r"))
		access = FM_READ;
	else if (!strcmp(mode, "w") || !strcmp(mode, "rw") || !strcmp(mode, "wr"))
		access = FM_READ | FM_WRITE;
	else
		return PyErr_Format(PyExc_ValueError, "invalid mode");
	if (open_section(name_obj, access, &s) < 0)
		return NULL;
	/* The view owns the handle: both go when the memoryview is released
	 * (or collected), and the name lives as long as the memoryview. */
	view = view_new(s, 0, 0, access, 1);
	if (!view)
		return NULL;
	memory = PyMemoryView_FromObject(view);
	Py_DECREF(view);
	return memory;
}

static PyObject *mod_page_size(PyObject *module, PyObject *unused)
{
	return PyLong_FromSize_t(fm_page_size());
}

static PyMethodDef module_methods[] = {
	{ "create", FMPY_METH(mod_create), METH_VARARGS | METH_KEYWORDS,
	  "create(name, size, *, access='rw', mode=0o600, reserve=False) -> Section" },
	{ "open", FMPY_METH(mod_open), METH_VARARGS | METH_KEYWORDS,
	  "open(name, access='rw') -> Section" },
	{ "map_section", FMPY_METH(mod_map_section),
	  METH_VARARGS | METH_KEYWORDS,
	  "map_section(name, mode='r') -> memoryview of the whole existing section" },
	{ "page_size", mod_page_size, METH_NOARGS, "The granularity of view offsets." },
	{ "_error_table", error_table, METH_NOARGS, NULL },
	{ NULL },
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT,
	.m_name = "filemap._filemap",
	.m_doc = "The filemap native API for Python (use the filemap package).",
	.m_size = -1,
	.m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__filemap(void)
{
	PyObject *module;

	if (PyType_Ready(&View_Type) < 0 || PyType_Ready(&Section_Type) < 0)
		return NULL;
	module = PyModule_Create(&module_def);
	if (!module)
		return NULL;
	fmpy_Error = PyErr_NewExceptionWithDoc(
		"filemap.Error",
		"A filemap failure Python has no more precise exception for.  "
		"Every exception raised for a library failure also has .code "
		"(the library's result code) and .errname ('FM_ETYPE', ...).",
		PyExc_OSError, NULL);
	if (!fmpy_Error || PyModule_AddObjectRef(module, "Error", fmpy_Error) < 0 ||
	    PyModule_AddObjectRef(module, "Section", (PyObject *)&Section_Type) < 0 ||
	    PyModule_AddObjectRef(module, "View", (PyObject *)&View_Type) < 0 ||
	    PyModule_AddIntConstant(module, "WAIT_MAX", FM_WAIT_MAX) < 0 ||
	    PyModule_AddStringConstant(module, "__version__", FM_VERSION_STRING) < 0 ||
	    fmpy_sync_init(module) < 0 || fmpy_list_init(module) < 0 ||
	    !(open_function = PyObject_GetAttrString(module, "open"))) {
		Py_DECREF(module);
		return NULL;
	}
	return module;
}
