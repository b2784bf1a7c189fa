/* JsProxy: Python objects standing for JS values. One base type and a mixin per capability
 * (JsArray, JsMap, JsCallable, JsPromise, ...); each proxy's concrete type combines the mixins its
 * value's capabilities call for (flags.h), so isinstance works as in Pyodide. The JS side of every
 * operation is in jsproxy.js. */
#include "sangam.h"
#include "flags.h"

#include <structmember.h>

typedef struct {
    PyObject_HEAD
    JsRef ref;   /* the value */
    JsRef this_; /* for a function read as an attribute: the object it was read from */
    vectorcallfunc vectorcall;
    int flags;
    PyObject *dict; /* Python-side attributes: dunder names (__spec__ of a JS module, ...) */
} JsProxy;

/* jsproxy.js. PyObject results are new references or NULL with an exception set; a NULL with no
 * exception means "missing" where noted. */
PyObject *sangam_js_getattr(JsRef obj, const char *name, int len);                 /* missing */
int sangam_js_setattr(JsRef obj, const char *name, int len, JsRef value);          /* 0: delete */
PyObject *sangam_js_call(JsRef func, JsRef this_, JsRef *argv, int nargs, JsRef *kwnames, int nkw,
                         int mark, int construct);
PyObject *sangam_js_repr(JsRef obj);
int sangam_js_equal(JsRef a, JsRef b);
int sangam_js_bool(JsRef obj);
int sangam_js_length(JsRef obj, int flags);
PyObject *sangam_js_typeof(JsRef obj);
double sangam_js_id(JsRef obj);
int sangam_js_flags(JsRef obj);
PyObject *sangam_js_subscript(JsRef obj, JsRef key, int flags); /* missing */
int sangam_js_ass_subscript(JsRef obj, JsRef key, JsRef value, int flags);
int sangam_js_contains(JsRef obj, JsRef key, int flags);
PyObject *sangam_js_iter(JsRef obj, int async);
PyObject *sangam_js_next(JsRef it, JsRef arg, int how, int *done); /* how: 0 next, 1 throw, 2 return */
PyObject *sangam_js_anext(JsRef it, JsRef arg, int how);
PyObject *sangam_js_object_items(JsRef obj, int which); /* 0 entries, 1 keys, 2 values */
PyObject *sangam_js_dir(JsRef obj);
int sangam_js_await(JsRef promise, PyObject *future);
PyObject *sangam_js_then(JsRef promise, JsRef on_fulfilled, JsRef on_rejected, int kind);
int sangam_js_buffer_info(JsRef obj, int32_t *out); /* byteLength, itemsize, format char */
int sangam_js_buffer_read(JsRef obj, void *dst);
int sangam_js_buffer_write(JsRef obj, const void *src, size_t n);
PyObject *sangam_js_to_py_deep(JsRef obj, int depth, PyObject *default_converter);
PyObject *sangam_js_array_slice(JsRef obj, Py_ssize_t start, Py_ssize_t stop);
PyObject *sangam_js_method(JsRef obj, const char *name, JsRef arg); /* obj.name(arg?) */
PyObject *sangam_js_pyproxy_object(JsRef proxy); /* the object a PyProxy holds */

static PyTypeObject *JsProxyType;
static PyObject *type_cache; /* flags -> concrete type */

int
sangam_jsproxy_check(PyObject *obj)
{
    return JsProxyType && PyObject_TypeCheck(obj, JsProxyType);
}

JsRef
sangam_jsproxy_ref(PyObject *obj)
{
    return ((JsProxy *)obj)->ref;
}

#define REF(self) (((JsProxy *)(self))->ref)
#define FLAGS(self) (((JsProxy *)(self))->flags)

/* ---- the base type */

static void
jsproxy_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    sangam_h_release(REF(self));
    sangam_h_release(((JsProxy *)self)->this_);
    Py_XDECREF(((JsProxy *)self)->dict);
    type->tp_free(self);
    Py_DECREF(type);
}

/* Python keywords are spelled with a trailing underscore (`js.Array.from_`). */
static int
is_keyword(const char *name, Py_ssize_t len)
{
    static const char *const keywords[] = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield", NULL};
    for (const char *const *k = keywords; *k; k++) {
        if ((Py_ssize_t)strlen(*k) == len && memcmp(*k, name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

static const char *
js_name(PyObject *name, int *len)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(name, &n);
    if (s && n > 1 && s[n - 1] == '_' && is_keyword(s, n - 1)) {
        n--;
    }
    *len = (int)n;
    return s;
}

static int is_dunder(PyObject *name);

static PyObject *
jsproxy_getattro(PyObject *self, PyObject *name)
{
    if (!PyUnicode_Check(name)) {
        return PyObject_GenericGetAttr(self, name);
    }
    /* Python-side methods and properties first (to_py, js_id, ...), then the JS object's. */
    PyObject *dict = ((JsProxy *)self)->dict;
    if (_PyType_Lookup(Py_TYPE(self), name) != NULL ||
        (dict && is_dunder(name) && PyDict_Contains(dict, name) == 1)) {
        return PyObject_GenericGetAttr(self, name);
    }
    int len;
    const char *s = js_name(name, &len);
    if (s == NULL) {
        return NULL;
    }
    PyObject *value = sangam_js_getattr(REF(self), s, len);
    if (value == NULL && !PyErr_Occurred()) {
        PyErr_Format(PyExc_AttributeError, "%R has no attribute '%U'", Py_TYPE(self), name);
    }
    return value;
}

static int
is_dunder(PyObject *name)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(name);
    return n > 4 && PyUnicode_READ_CHAR(name, 0) == '_' && PyUnicode_READ_CHAR(name, 1) == '_' &&
           PyUnicode_READ_CHAR(name, n - 1) == '_' && PyUnicode_READ_CHAR(name, n - 2) == '_';
}

static int
jsproxy_setattro(PyObject *self, PyObject *name, PyObject *value)
{
    if (!PyUnicode_Check(name) || is_dunder(name) || _PyType_Lookup(Py_TYPE(self), name) != NULL) {
        return PyObject_GenericSetAttr(self, name, value);
    }
    int len;
    const char *s = js_name(name, &len);
    JsRef v = s && value ? sangam_py_to_js(value) : 0;
    if (s == NULL || (value && !v)) {
        return -1;
    }
    int rc = sangam_js_setattr(REF(self), s, len, v);
    sangam_h_release(v);
    return rc;
}

static PyObject *
jsproxy_repr(PyObject *self)
{
    return sangam_js_repr(REF(self));
}

static PyObject *
jsproxy_richcompare(PyObject *self, PyObject *other, int op)
{
    if ((op != Py_EQ && op != Py_NE) || !sangam_jsproxy_check(other)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    int eq = sangam_js_equal(REF(self), REF(other));
    if (eq < 0) {
        return NULL;
    }
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static int
jsproxy_bool(PyObject *self)
{
    return sangam_js_bool(REF(self));
}

static PyObject *
jsproxy_js_id(PyObject *self, void *closure)
{
    double id = sangam_js_id(REF(self));
    return id < 0 ? NULL : PyLong_FromDouble(id);
}

static PyObject *
jsproxy_typeof(PyObject *self, void *closure)
{
    return sangam_js_typeof(REF(self));
}

static PyObject *
jsproxy_items(PyObject *self, int which)
{
    return sangam_js_object_items(REF(self), which);
}

static PyObject *
jsproxy_object_entries(PyObject *self, PyObject *unused)
{
    return jsproxy_items(self, 0);
}

static PyObject *
jsproxy_object_keys(PyObject *self, PyObject *unused)
{
    return jsproxy_items(self, 1);
}

static PyObject *
jsproxy_object_values(PyObject *self, PyObject *unused)
{
    return jsproxy_items(self, 2);
}

static PyObject *
jsproxy_as_object_map(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"hereditary", NULL};
    int hereditary = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$p:as_object_map", kwlist, &hereditary)) {
        return NULL;
    }
    return sangam_jsproxy_new(sangam_h_dup(REF(self)),
                              JS_OBJECT_MAP | JS_LENGTH | JS_MUTABLE_MAP | JS_MAP |
                                  (hereditary ? JS_HEREDITARY : 0),
                              0);
}

static PyObject *
jsproxy_to_py(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"depth", "default_converter", NULL};
    int depth = -1;
    PyObject *converter = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$iO:to_py", kwlist, &depth, &converter)) {
        return NULL;
    }
    return sangam_js_to_py_deep(REF(self), depth, converter == Py_None ? NULL : converter);
}

static PyObject *
jsproxy_dir(PyObject *self, PyObject *unused)
{
    PyObject *names = sangam_js_dir(REF(self));
    PyObject *own = names ? PyObject_Dir((PyObject *)Py_TYPE(self)) : NULL;
    PyObject *set = own ? PySet_New(own) : NULL;
    PyObject *list = NULL;
    PyObject *updated = set ? PyObject_CallMethod(set, "update", "O", names) : NULL;
    if (updated) {
        Py_DECREF(updated);
        list = PySequence_List(set);
        if (list && PyList_Sort(list) < 0) {
            Py_CLEAR(list);
        }
    }
    Py_XDECREF(names);
    Py_XDECREF(own);
    Py_XDECREF(set);
    return list;
}

static PyObject *call_js(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames,
                         int construct);

static PyObject *
jsproxy_new_method(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return call_js(self, args, (size_t)nargs, kwnames, 1);
}

static PyMethodDef jsproxy_methods[] = {
    {"object_entries", jsproxy_object_entries, METH_NOARGS, "Object.entries(obj), as a JsArray."},
    {"object_keys", jsproxy_object_keys, METH_NOARGS, "Object.keys(obj), as a JsArray."},
    {"object_values", jsproxy_object_values, METH_NOARGS, "Object.values(obj), as a JsArray."},
    {"as_object_map", (PyCFunction)(void (*)(void))jsproxy_as_object_map,
     METH_VARARGS | METH_KEYWORDS, "The object's own properties as a mutable mapping."},
    {"to_py", (PyCFunction)(void (*)(void))jsproxy_to_py, METH_VARARGS | METH_KEYWORDS,
     "Converts the value to Python containers, deeply (depth: -1 for no limit)."},
    {"new", (PyCFunction)(void (*)(void))jsproxy_new_method, METH_FASTCALL | METH_KEYWORDS,
     "new X(...args)."},
    {"__dir__", jsproxy_dir, METH_NOARGS, NULL},
    {NULL},
};

static PyMemberDef jsproxy_members[] = {
    {"__dictoffset__", Py_T_PYSSIZET, offsetof(JsProxy, dict), Py_READONLY},
    {NULL},
};

static PyGetSetDef jsproxy_getset[] = {
    {"js_id", jsproxy_js_id, NULL, "A number identifying the JS object (equal for equal proxies)."},
    {"typeof", jsproxy_typeof, NULL, "The JS typeof of the value."},
    {NULL},
};

static int jsproxy_contains(PyObject *self, PyObject *key);

static PyType_Slot jsproxy_slots[] = {
    {Py_sq_contains, jsproxy_contains},
    {Py_tp_dealloc, jsproxy_dealloc},
    {Py_tp_getattro, jsproxy_getattro},
    {Py_tp_setattro, jsproxy_setattro},
    {Py_tp_repr, jsproxy_repr},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_richcompare, jsproxy_richcompare},
    {Py_nb_bool, jsproxy_bool},
    {Py_tp_methods, jsproxy_methods},
    {Py_tp_getset, jsproxy_getset},
    {Py_tp_members, jsproxy_members},
    {Py_tp_doc, "A JavaScript value seen from Python."},
    {0, NULL},
};

/* ---- JsCallable */

/* Calls the function with Python arguments; keyword arguments go in a trailing object. */
static PyObject *
call_js(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames, int construct)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    JsRef stack_refs[8];
    JsRef *refs = nargs + 2 * nkw <= 8 ? stack_refs : PyMem_Malloc(sizeof(JsRef) * (nargs + 2 * nkw));
    if (refs == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *result = NULL;
    int mark = sangam_proxies_mark();
    Py_ssize_t done = 0;
    for (; done < nargs + nkw; done++) {
        if (!(refs[done] = sangam_py_to_js_arg(args[done]))) {
            goto out;
        }
    }
    for (Py_ssize_t i = 0; i < nkw; i++) {
        int len;
        const char *s = js_name(PyTuple_GET_ITEM(kwnames, i), &len);
        if (s == NULL || !(refs[nargs + nkw + i] = sangam_h_string(s, (size_t)len))) {
            for (Py_ssize_t j = 0; j < i; j++) {
                sangam_h_release(refs[nargs + nkw + j]);
            }
            goto out;
        }
    }
    /* The glue releases the borrowed proxies made since mark, after converting the result. */
    mark = -1 - mark;
    result = sangam_js_call(REF(self), ((JsProxy *)self)->this_, refs, (int)nargs,
                            nkw ? refs + nargs + nkw : NULL, (int)nkw, -1 - mark, construct);
    for (Py_ssize_t i = 0; i < nkw; i++) {
        sangam_h_release(refs[nargs + nkw + i]);
    }
out:
    for (Py_ssize_t i = 0; i < done; i++) {
        sangam_h_release(refs[i]);
    }
    if (mark >= 0) {
        sangam_proxies_release(mark);
    }
    if (refs != stack_refs) {
        PyMem_Free(refs);
    }
    return result;
}

static PyObject *
jsproxy_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    return call_js(self, args, nargsf, kwnames, 0);
}

static PyObject *
jscallable_bind(PyObject *self, PyObject *this_obj)
{
    JsRef this_ = sangam_py_to_js(this_obj);
    if (!this_) {
        return NULL;
    }
    PyObject *bound = sangam_jsproxy_new(sangam_h_dup(REF(self)), FLAGS(self), this_);
    return bound;
}

static PyMemberDef jscallable_members[] = {
    {"__vectorcalloffset__", Py_T_PYSSIZET, offsetof(JsProxy, vectorcall), Py_READONLY},
    {NULL},
};

static PyMethodDef jscallable_methods[] = {
    {"bind", jscallable_bind, METH_O, "The function with `this` fixed to the given value."},
    {NULL},
};

static PyType_Slot jscallable_slots[] = {
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_members, jscallable_members},
    {Py_tp_methods, jscallable_methods},
    {Py_tp_doc, "A JavaScript function."},
    {0, NULL},
};

/* ---- length, subscripts and membership, shared by arrays, maps and object maps */

static Py_ssize_t
jsproxy_length(PyObject *self)
{
    return sangam_js_length(REF(self), FLAGS(self));
}

static PyObject *
jsproxy_subscript(PyObject *self, PyObject *key)
{
    int flags = FLAGS(self);
    if (flags & (JS_ARRAY | JS_TYPEDARRAY)) {
        if (PySlice_Check(key)) {
            Py_ssize_t start, stop, step, len = sangam_js_length(REF(self), FLAGS(self));
            if (len < 0 || PySlice_Unpack(key, &start, &stop, &step) < 0) {
                return NULL;
            }
            PySlice_AdjustIndices(len, &start, &stop, step);
            if (step != 1) {
                PyErr_SetString(PyExc_ValueError, "JS array slices must have step 1");
                return NULL;
            }
            return sangam_js_array_slice(REF(self), start, stop);
        }
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (i < 0) {
            Py_ssize_t len = sangam_js_length(REF(self), FLAGS(self));
            if (len < 0) {
                return NULL;
            }
            i += len;
        }
        JsRef k = sangam_h_number((double)i);
        PyObject *v = i >= 0 ? sangam_js_subscript(REF(self), k, flags) : NULL;
        sangam_h_release(k);
        if (v == NULL && !PyErr_Occurred()) {
            PyErr_SetString(PyExc_IndexError, "JS array index out of range");
        }
        return v;
    }
    JsRef k = sangam_py_to_js(key);
    PyObject *v = k ? sangam_js_subscript(REF(self), k, flags) : NULL;
    sangam_h_release(k);
    if (v == NULL && !PyErr_Occurred()) {
        PyErr_SetObject(PyExc_KeyError, key);
    }
    return v;
}

static int
jsproxy_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    int flags = FLAGS(self);
    JsRef k;
    if (flags & (JS_ARRAY | JS_TYPEDARRAY)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) {
            return -1;
        }
        Py_ssize_t len = sangam_js_length(REF(self), FLAGS(self));
        if (len < 0) {
            return -1;
        }
        if (i < 0) {
            i += len;
        }
        if (i < 0 || i >= len) {
            PyErr_SetString(PyExc_IndexError, "JS array assignment index out of range");
            return -1;
        }
        k = sangam_h_number((double)i);
    } else {
        k = sangam_py_to_js(key);
    }
    JsRef v = k && value ? sangam_py_to_js(value) : 0;
    int rc = -1;
    if (k && (v || !value)) {
        rc = sangam_js_ass_subscript(REF(self), k, v, flags);
        if (rc == 1) {
            PyErr_SetObject(PyExc_KeyError, key);
            rc = -1;
        }
    }
    sangam_h_release(k);
    sangam_h_release(v);
    return rc;
}

static int
jsproxy_contains(PyObject *self, PyObject *key)
{
    JsRef k = sangam_py_to_js(key);
    int rc = k ? sangam_js_contains(REF(self), k, FLAGS(self)) : -1;
    sangam_h_release(k);
    if (rc != -2) {
        return rc;
    }
    /* No has() or includes(): an iterable is searched as Python searches one, else `in` is a
     * TypeError, as for a Python object that is neither a container nor iterable. */
    if (!(FLAGS(self) & JS_ITERABLE)) {
        PyErr_SetString(PyExc_TypeError,
                        "argument of type 'JsProxy' is not a container or iterable (no has() or "
                        "includes(), no [Symbol.iterator])");
        return -1;
    }
    PyObject *it = PyObject_GetIter(self);
    if (it == NULL) {
        return -1;
    }
    PyObject *item;
    int found = 0;
    while (!found && (item = PyIter_Next(it)) != NULL) {
        found = PyObject_RichCompareBool(item, key, Py_EQ);
        Py_DECREF(item);
    }
    Py_DECREF(it);
    return found < 0 || PyErr_Occurred() ? -1 : found;
}

static PyType_Slot jslength_slots[] = {
    {Py_mp_length, jsproxy_length},
    {Py_sq_length, jsproxy_length},
    {0, NULL},
};

/* ---- JsArray */

static PyObject *
jsarray_method(PyObject *self, const char *name, PyObject *arg)
{
    JsRef a = arg ? sangam_py_to_js(arg) : 0;
    if (arg && !a) {
        return NULL;
    }
    PyObject *r = sangam_js_method(REF(self), name, a);
    sangam_h_release(a);
    return r;
}

static PyObject *
jsarray_append(PyObject *self, PyObject *item)
{
    PyObject *r = jsarray_method(self, "push", item);
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_None) : NULL;
}

static PyObject *
jsarray_extend(PyObject *self, PyObject *items)
{
    PyObject *it = PyObject_GetIter(items), *item;
    if (it == NULL) {
        return NULL;
    }
    while ((item = PyIter_Next(it)) != NULL) {
        PyObject *r = jsarray_append(self, item);
        Py_DECREF(item);
        if (r == NULL) {
            break;
        }
        Py_DECREF(r);
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
}

static PyObject *
jsarray_pop(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t len = sangam_js_length(REF(self), FLAGS(self));
    Py_ssize_t i = len - 1;
    if (len < 0 || !sangam_check_nargs("pop", nargs, 0, 1)) {
        return NULL;
    }
    if (nargs == 1 && (i = PyNumber_AsSsize_t(args[0], PyExc_IndexError)) == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (i < 0) {
        i += len;
    }
    if (i < 0 || i >= len) {
        PyErr_SetString(PyExc_IndexError, len ? "pop index out of range" : "pop from empty array");
        return NULL;
    }
    PyObject *index = PyLong_FromSsize_t(i);
    PyObject *r = index ? jsarray_method(self, "sangam:pop", index) : NULL;
    Py_XDECREF(index);
    return r;
}

static PyObject *
jsarray_reverse(PyObject *self, PyObject *unused)
{
    PyObject *r = sangam_js_method(REF(self), "reverse", 0);
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_None) : NULL;
}

static PyObject *
jsarray_reversed(PyObject *self, PyObject *unused)
{
    PyObject *copy = sangam_js_method(REF(self), "sangam:reversed", 0);
    PyObject *it = copy ? PyObject_GetIter(copy) : NULL;
    Py_XDECREF(copy);
    return it;
}

static PyObject *
jsarray_index(PyObject *self, PyObject *value)
{
    PyObject *r = jsarray_method(self, "indexOf", value);
    if (r != NULL && PyLong_Check(r) && PyLong_AsLong(r) < 0) {
        Py_DECREF(r);
        PyErr_Format(PyExc_ValueError, "%R is not in the array", value);
        return NULL;
    }
    return r;
}

static PyObject *
jsarray_count(PyObject *self, PyObject *value)
{
    return jsarray_method(self, "sangam:count", value);
}

static PyObject *
jsarray_insert(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (!sangam_check_nargs("insert", nargs, 2, 2)) {
        return NULL;
    }
    PyObject *pair = PyTuple_Pack(2, args[0], args[1]);
    PyObject *r = pair ? jsarray_method(self, "sangam:insert", pair) : NULL;
    Py_XDECREF(pair);
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_None) : NULL;
}

static PyMethodDef jsarray_methods[] = {
    {"append", jsarray_append, METH_O, "array.push(item)"},
    {"extend", jsarray_extend, METH_O, "Appends every item of an iterable."},
    {"pop", (PyCFunction)(void (*)(void))jsarray_pop, METH_FASTCALL, "Removes and returns an item."},
    {"insert", (PyCFunction)(void (*)(void))jsarray_insert, METH_FASTCALL, "Inserts before index."},
    {"reverse", jsarray_reverse, METH_NOARGS, "Reverses the array in place."},
    {"__reversed__", jsarray_reversed, METH_NOARGS, NULL},
    {"index", jsarray_index, METH_O, "The first index of value."},
    {"count", jsarray_count, METH_O, "How many items equal value."},
    {NULL},
};

static PyType_Slot jsarray_slots[] = {
    {Py_mp_subscript, jsproxy_subscript},
    {Py_mp_ass_subscript, jsproxy_ass_subscript},
    {Py_sq_contains, jsproxy_contains},
    {Py_tp_methods, jsarray_methods},
    {Py_tp_doc, "A JavaScript Array."},
    {0, NULL},
};

/* ---- JsMap (read-only mapping: get/has) and JsMutableMap (set/delete too) */

/* self[key], or NULL with no exception set when key is missing (NULL with one on error). */
static PyObject *
jsmap_lookup(PyObject *self, PyObject *key)
{
    PyObject *v = jsproxy_subscript(self, key);
    if (v == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
    }
    return v;
}

static PyObject *
jsmap_get(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (!sangam_check_nargs("get", nargs, 1, 2)) {
        return NULL;
    }
    PyObject *v = jsmap_lookup(self, args[0]);
    return v || PyErr_Occurred() ? v : Py_NewRef(nargs == 2 ? args[1] : Py_None);
}

/* keys(), values() or items() as a JsArray; as_object_map() proxies use own properties. */
static PyObject *
jsmap_view(PyObject *self, const char *map_op, const char *object_op)
{
    return sangam_js_method(REF(self), FLAGS(self) & JS_OBJECT_MAP ? object_op : map_op, 0);
}

static PyObject *
jsmap_keys(PyObject *self, PyObject *unused)
{
    return jsmap_view(self, "sangam:keys", "sangam:okeys");
}

static PyObject *
jsmap_values(PyObject *self, PyObject *unused)
{
    return jsmap_view(self, "sangam:values", "sangam:ovalues");
}

static PyObject *
jsmap_items(PyObject *self, PyObject *unused)
{
    return jsmap_view(self, "sangam:items", "sangam:oitems");
}

static PyObject *
jsmap_iter(PyObject *self)
{
    PyObject *keys = jsmap_keys(self, NULL);
    PyObject *it = keys ? PyObject_GetIter(keys) : NULL;
    Py_XDECREF(keys);
    return it;
}

static PyMethodDef jsmap_methods[] = {
    {"get", (PyCFunction)(void (*)(void))jsmap_get, METH_FASTCALL, "map.get(key, default)"},
    {"keys", jsmap_keys, METH_NOARGS, "The keys, as a JsArray."},
    {"values", jsmap_values, METH_NOARGS, "The values, as a JsArray."},
    {"items", jsmap_items, METH_NOARGS, "The [key, value] pairs, as a list of tuples."},
    {NULL},
};

static PyType_Slot jsmap_slots[] = {
    {Py_mp_subscript, jsproxy_subscript},
    {Py_sq_contains, jsproxy_contains},
    {Py_tp_iter, jsmap_iter},
    {Py_tp_methods, jsmap_methods},
    {Py_tp_doc, "A JavaScript Map, or an object with get() and has()."},
    {0, NULL},
};

static PyObject *
jsmap_pop(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (!sangam_check_nargs("pop", nargs, 1, 2)) {
        return NULL;
    }
    PyObject *v = jsproxy_subscript(self, args[0]);
    if (v == NULL) {
        if (nargs == 2 && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            return Py_NewRef(args[1]);
        }
        return NULL;
    }
    if (jsproxy_ass_subscript(self, args[0], NULL) < 0) {
        Py_CLEAR(v);
    }
    return v;
}

static PyObject *
jsmap_clear(PyObject *self, PyObject *unused)
{
    PyObject *r = jsmap_view(self, "sangam:clear", "sangam:oclear");
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_None) : NULL;
}

static PyObject *
jsmap_setdefault(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (!sangam_check_nargs("setdefault", nargs, 1, 2)) {
        return NULL;
    }
    PyObject *v = jsmap_lookup(self, args[0]);
    if (v == NULL && !PyErr_Occurred()) {
        v = Py_NewRef(nargs == 2 ? args[1] : Py_None);
        if (jsproxy_ass_subscript(self, args[0], v) < 0) {
            Py_CLEAR(v);
        }
    }
    return v;
}

static PyObject *
jsmap_update(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *other = NULL;
    if (!PyArg_UnpackTuple(args, "update", 0, 1, &other)) {
        return NULL;
    }
    PyObject *d = PyDict_New();
    if (d == NULL || (other && PyDict_Merge(d, other, 1) < 0 &&
                      (!PyErr_ExceptionMatches(PyExc_AttributeError) ||
                       (PyErr_Clear(), PyDict_MergeFromSeq2(d, other, 1) < 0))) ||
        (kwargs && PyDict_Update(d, kwargs) < 0)) {
        Py_XDECREF(d);
        return NULL;
    }
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(d, &pos, &k, &v)) {
        if (jsproxy_ass_subscript(self, k, v) < 0) {
            Py_DECREF(d);
            return NULL;
        }
    }
    Py_DECREF(d);
    Py_RETURN_NONE;
}

static PyObject *
jsmap_popitem(PyObject *self, PyObject *unused)
{
    PyObject *keys = jsmap_keys(self, NULL);
    PyObject *list = keys ? PySequence_List(keys) : NULL;
    Py_XDECREF(keys);
    if (list == NULL) {
        return NULL;
    }
    if (PyList_GET_SIZE(list) == 0) {
        Py_DECREF(list);
        PyErr_SetString(PyExc_KeyError, "popitem(): mapping is empty");
        return NULL;
    }
    PyObject *key = Py_NewRef(PyList_GET_ITEM(list, PyList_GET_SIZE(list) - 1));
    Py_DECREF(list);
    PyObject *value = jsmap_pop(self, &key, 1);
    PyObject *pair = value ? PyTuple_Pack(2, key, value) : NULL;
    Py_DECREF(key);
    Py_XDECREF(value);
    return pair;
}

static PyMethodDef jsmutablemap_methods[] = {
    {"pop", (PyCFunction)(void (*)(void))jsmap_pop, METH_FASTCALL, "Removes key; returns its value."},
    {"popitem", jsmap_popitem, METH_NOARGS, "Removes and returns the last (key, value)."},
    {"clear", jsmap_clear, METH_NOARGS, "Removes every key."},
    {"setdefault", (PyCFunction)(void (*)(void))jsmap_setdefault, METH_FASTCALL, NULL},
    {"update", (PyCFunction)(void (*)(void))jsmap_update, METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL},
};

static PyType_Slot jsmutablemap_slots[] = {
    {Py_mp_ass_subscript, jsproxy_ass_subscript},
    {Py_tp_methods, jsmutablemap_methods},
    {Py_tp_doc, "A JavaScript Map, or an object with get(), has(), set() and delete()."},
    {0, NULL},
};

/* ---- iteration */

static PyObject *
jsiterable_iter(PyObject *self)
{
    return sangam_js_iter(REF(self), 0);
}

static PyObject *
jsiterator_next_impl(PyObject *self, JsRef arg, int how)
{
    int done = 0;
    PyObject *v = sangam_js_next(REF(self), arg, how, &done);
    if (v != NULL && done) {
        if (v == Py_None || !(FLAGS(self) & JS_GENERATOR)) {
            PyErr_SetNone(PyExc_StopIteration);
        } else {
            PyObject *stop = PyObject_CallOneArg(PyExc_StopIteration, v);
            if (stop) {
                PyErr_SetRaisedException(stop);
            }
        }
        Py_CLEAR(v);
    }
    return v;
}

static PyObject *
jsiterator_iternext(PyObject *self)
{
    PyObject *v = jsiterator_next_impl(self, JSREF_UNDEFINED, 0);
    if (v == NULL && PyErr_ExceptionMatches(PyExc_StopIteration) &&
        !(FLAGS(self) & JS_GENERATOR)) {
        PyErr_Clear(); /* tp_iternext: end without an exception */
    }
    return v;
}

static PyObject *
jsgenerator_send(PyObject *self, PyObject *value)
{
    JsRef v = sangam_py_to_js(value);
    PyObject *r = v ? jsiterator_next_impl(self, v, 0) : NULL;
    sangam_h_release(v);
    return r;
}

static PyObject *
jsgenerator_throw(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (!sangam_check_nargs("throw", nargs, 1, 3)) {
        return NULL;
    }
    PyObject *exc = args[0];
    if (PyType_Check(exc)) {
        exc = PyObject_CallNoArgs(exc);
    } else {
        Py_INCREF(exc);
    }
    if (exc == NULL) {
        return NULL;
    }
    PyErr_SetRaisedException(exc);
    JsRef err = sangam_error_to_js();
    PyObject *r = jsiterator_next_impl(self, err, 1);
    sangam_h_release(err);
    return r;
}

static PyObject *
jsgenerator_close(PyObject *self, PyObject *unused)
{
    PyObject *r = jsiterator_next_impl(self, JSREF_UNDEFINED, 2);
    if (r == NULL && PyErr_ExceptionMatches(PyExc_StopIteration)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    return r;
}

static PyType_Slot jsiterable_slots[] = {
    {Py_tp_iter, jsiterable_iter},
    {Py_tp_doc, "A JavaScript iterable."},
    {0, NULL},
};

static PyObject *
self_iter(PyObject *self)
{
    return Py_NewRef(self);
}

static PyType_Slot jsiterator_slots[] = {
    {Py_tp_iter, self_iter},
    {Py_tp_iternext, jsiterator_iternext},
    {Py_tp_doc, "A JavaScript iterator."},
    {0, NULL},
};

static PyMethodDef jsgenerator_methods[] = {
    {"send", jsgenerator_send, METH_O, "generator.next(value)"},
    {"throw", (PyCFunction)(void (*)(void))jsgenerator_throw, METH_FASTCALL, "generator.throw(error)"},
    {"close", jsgenerator_close, METH_NOARGS, "generator.return()"},
    {NULL},
};

static PyType_Slot jsgenerator_slots[] = {
    {Py_tp_methods, jsgenerator_methods},
    {Py_tp_doc, "A JavaScript generator."},
    {0, NULL},
};

/* ---- async iteration and awaiting */

static PyObject *
jsasynciterable_aiter(PyObject *self)
{
    return sangam_js_iter(REF(self), 1);
}

static PyObject *
jsasynciterator_anext(PyObject *self)
{
    return sangam_js_anext(REF(self), JSREF_UNDEFINED, 0);
}

static PyObject *
jsasyncgen_asend(PyObject *self, PyObject *value)
{
    JsRef v = sangam_py_to_js(value);
    PyObject *r = v ? sangam_js_anext(REF(self), v, 0) : NULL;
    sangam_h_release(v);
    return r;
}

static PyObject *
jsasyncgen_athrow(PyObject *self, PyObject *exc)
{
    if (PyType_Check(exc)) {
        exc = PyObject_CallNoArgs(exc);
    } else {
        Py_INCREF(exc);
    }
    if (exc == NULL) {
        return NULL;
    }
    PyErr_SetRaisedException(exc);
    JsRef err = sangam_error_to_js();
    PyObject *r = sangam_js_anext(REF(self), err, 1);
    sangam_h_release(err);
    return r;
}

static PyObject *
jsasyncgen_aclose(PyObject *self, PyObject *unused)
{
    return sangam_js_anext(REF(self), JSREF_UNDEFINED, 2);
}

static PyType_Slot jsasynciterable_slots[] = {
    {Py_am_aiter, jsasynciterable_aiter},
    {Py_tp_doc, "A JavaScript async iterable."},
    {0, NULL},
};

static PyType_Slot jsasynciterator_slots[] = {
    {Py_am_aiter, self_iter},
    {Py_am_anext, jsasynciterator_anext},
    {Py_tp_doc, "A JavaScript async iterator."},
    {0, NULL},
};

static PyMethodDef jsasyncgen_methods[] = {
    {"asend", jsasyncgen_asend, METH_O, NULL},
    {"athrow", jsasyncgen_athrow, METH_O, NULL},
    {"aclose", jsasyncgen_aclose, METH_NOARGS, NULL},
    {NULL},
};

static PyType_Slot jsasyncgen_slots[] = {
    {Py_tp_methods, jsasyncgen_methods},
    {Py_tp_doc, "A JavaScript async generator."},
    {0, NULL},
};

/* For the glue: a new future of the current event loop (a PyodideFuture under the web loop), for a
 * JS promise to settle (a promise returned by a JS call, or awaited). */
SANGAM_EXPORT PyObject *
sangam_new_future(void)
{
    PyObject *asyncio = PyImport_ImportModule("asyncio");
    PyObject *loop = asyncio ? PyObject_CallMethod(asyncio, "get_event_loop", NULL) : NULL;
    PyObject *future = loop ? PyObject_CallMethod(loop, "create_future", NULL) : NULL;
    Py_XDECREF(loop);
    Py_XDECREF(asyncio);
    return future;
}

/* await promise: a future on the running loop that the promise settles (sangam_future_settle). */
static PyObject *
jspromise_await(PyObject *self)
{
    PyObject *future = sangam_new_future();
    PyObject *it = NULL;
    if (future && sangam_js_await(REF(self), future) == 0) {
        it = PyObject_CallMethod(future, "__await__", NULL);
    }
    Py_XDECREF(future);
    return it;
}

/* JS entry: a promise that a Python future waits on has settled (steals value). */
SANGAM_EXPORT void
sangam_future_settle(PyObject *future, JsRef value, int rejected)
{
    PyObject *exc = PyErr_GetRaisedException();
    PyObject *done = PyObject_CallMethod(future, "done", NULL);
    if (done == Py_False) {
        PyObject *r = NULL;
        if (rejected) {
            sangam_set_js_error(value);
            value = 0;
            PyObject *error = PyErr_GetRaisedException();
            r = PyObject_CallMethod(future, "set_exception", "O", error);
            Py_XDECREF(error);
        } else {
            PyObject *v = sangam_js_to_py(value);
            r = v ? PyObject_CallMethod(future, "set_result", "O", v) : NULL;
            Py_XDECREF(v);
        }
        if (r == NULL) {
            PyErr_WriteUnraisable(future);
        }
        Py_XDECREF(r);
    }
    if (done == NULL) {
        PyErr_WriteUnraisable(future);
    }
    Py_XDECREF(done);
    sangam_h_release(value);
    Py_DECREF(future); /* the reference the glue held while waiting */
    PyErr_SetRaisedException(exc);
}

static PyObject *
jspromise_then_kind(PyObject *self, PyObject *on_fulfilled, PyObject *on_rejected, int kind)
{
    JsRef f = on_fulfilled && on_fulfilled != Py_None ? sangam_py_to_js(on_fulfilled) : JSREF_UNDEFINED;
    JsRef r = f && on_rejected && on_rejected != Py_None ? sangam_py_to_js(on_rejected) : JSREF_UNDEFINED;
    PyObject *p = f && r ? sangam_js_then(REF(self), f, r, kind) : NULL;
    sangam_h_release(f);
    sangam_h_release(r);
    return p;
}

static PyObject *
jspromise_then(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"onfulfilled", "onrejected", NULL};
    PyObject *f = NULL, *r = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:then", kwlist, &f, &r)) {
        return NULL;
    }
    return jspromise_then_kind(self, f, r, 0);
}

static PyObject *
jspromise_catch(PyObject *self, PyObject *on_rejected)
{
    return jspromise_then_kind(self, NULL, on_rejected, 1);
}

static PyObject *
jspromise_finally(PyObject *self, PyObject *on_finally)
{
    return jspromise_then_kind(self, on_finally, NULL, 2);
}

static PyMethodDef jspromise_methods[] = {
    {"then", (PyCFunction)(void (*)(void))jspromise_then, METH_VARARGS | METH_KEYWORDS,
     "promise.then(onfulfilled, onrejected)"},
    {"catch", jspromise_catch, METH_O, "promise.catch(onrejected)"},
    {"finally_", jspromise_finally, METH_O, "promise.finally(onfinally)"},
    {NULL},
};

static PyType_Slot jspromise_slots[] = {
    {Py_am_await, jspromise_await},
    {Py_tp_methods, jspromise_methods},
    {Py_tp_doc, "A JavaScript promise (or other thenable); await it."},
    {0, NULL},
};

/* ---- JsBuffer: ArrayBuffer, TypedArray, DataView */

/* Copies the buffer into a new bytearray; *format gets its element format. */
static PyObject *
buffer_copy(PyObject *self, char *format, int *itemsize)
{
    int32_t info[3];
    if (sangam_js_buffer_info(REF(self), info) < 0) {
        return NULL;
    }
    PyObject *bytes = PyByteArray_FromStringAndSize(NULL, info[0]);
    if (bytes && info[0] > 0 && sangam_js_buffer_read(REF(self), PyByteArray_AS_STRING(bytes)) < 0) {
        Py_CLEAR(bytes);
    }
    if (format) {
        format[0] = (char)info[2];
        format[1] = 0;
    }
    if (itemsize) {
        *itemsize = info[1];
    }
    return bytes;
}

static PyObject *
jsbuffer_to_memoryview(PyObject *self, PyObject *unused)
{
    char format[2];
    int itemsize;
    PyObject *bytes = buffer_copy(self, format, &itemsize);
    PyObject *view = bytes ? PyMemoryView_FromObject(bytes) : NULL;
    Py_XDECREF(bytes);
    if (view && format[0] != 'B') {
        PyObject *cast = PyObject_CallMethod(view, "cast", "s", format);
        Py_SETREF(view, cast);
    }
    return view;
}

static PyObject *
jsbuffer_to_py(PyObject *self, PyObject *args, PyObject *kwargs)
{
    return jsbuffer_to_memoryview(self, NULL);
}

static PyObject *
jsbuffer_to_bytes(PyObject *self, PyObject *unused)
{
    PyObject *copy = buffer_copy(self, NULL, NULL);
    PyObject *bytes = copy ? PyBytes_FromObject(copy) : NULL;
    Py_XDECREF(copy);
    return bytes;
}

static PyObject *
jsbuffer_to_string(PyObject *self, PyObject *args)
{
    const char *encoding = NULL;
    if (!PyArg_ParseTuple(args, "|z:to_string", &encoding)) {
        return NULL;
    }
    PyObject *copy = buffer_copy(self, NULL, NULL);
    PyObject *s = copy ? PyUnicode_Decode(PyByteArray_AS_STRING(copy), PyByteArray_GET_SIZE(copy),
                                          encoding ? encoding : "utf-8", "strict")
                       : NULL;
    Py_XDECREF(copy);
    return s;
}

static PyObject *
jsbuffer_assign(PyObject *self, PyObject *source)
{
    Py_buffer view;
    if (PyObject_GetBuffer(source, &view, PyBUF_ANY_CONTIGUOUS) < 0) {
        return NULL;
    }
    int32_t info[3];
    int rc = sangam_js_buffer_info(REF(self), info);
    if (rc == 0 && view.len != info[0]) {
        PyErr_Format(PyExc_ValueError, "cannot assign %zd bytes to a JS buffer of %d bytes",
                     view.len, (int)info[0]);
        rc = -1;
    }
    if (rc == 0) {
        rc = sangam_js_buffer_write(REF(self), view.buf, (size_t)view.len);
    }
    PyBuffer_Release(&view);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyObject *
jsbuffer_assign_to(PyObject *self, PyObject *target)
{
    Py_buffer view;
    if (PyObject_GetBuffer(target, &view, PyBUF_ANY_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        return NULL;
    }
    int32_t info[3];
    int rc = sangam_js_buffer_info(REF(self), info);
    if (rc == 0 && view.len != info[0]) {
        PyErr_Format(PyExc_ValueError, "cannot copy a JS buffer of %d bytes into %zd bytes",
                     (int)info[0], view.len);
        rc = -1;
    }
    if (rc == 0 && info[0] > 0) {
        rc = sangam_js_buffer_read(REF(self), view.buf);
    }
    PyBuffer_Release(&view);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyObject *
jsbuffer_to_file(PyObject *self, PyObject *file)
{
    PyObject *bytes = jsbuffer_to_bytes(self, NULL);
    PyObject *r = bytes ? PyObject_CallMethod(file, "write", "O", bytes) : NULL;
    Py_XDECREF(bytes);
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_None) : NULL;
}

static PyObject *
jsbuffer_from_file(PyObject *self, PyObject *file)
{
    PyObject *bytes = PyObject_CallMethod(file, "read", NULL);
    PyObject *r = bytes ? jsbuffer_assign(self, bytes) : NULL;
    Py_XDECREF(bytes);
    return r;
}

static PyMethodDef jsbuffer_methods[] = {
    {"to_py", (PyCFunction)(void (*)(void))jsbuffer_to_py, METH_VARARGS | METH_KEYWORDS,
     "A memoryview of a copy."},
    {"to_memoryview", jsbuffer_to_memoryview, METH_NOARGS, "A memoryview of a copy."},
    {"to_bytes", jsbuffer_to_bytes, METH_NOARGS, "The bytes of the buffer."},
    {"to_string", jsbuffer_to_string, METH_VARARGS, "The buffer decoded (utf-8 by default)."},
    {"assign", jsbuffer_assign, METH_O, "Copies a Python buffer of the same size into it."},
    {"assign_to", jsbuffer_assign_to, METH_O, "Copies it into a Python buffer of the same size."},
    {"to_file", jsbuffer_to_file, METH_O, "Writes the bytes to a file."},
    {"from_file", jsbuffer_from_file, METH_O, "Reads the bytes from a file."},
    {NULL},
};

static PyType_Slot jsbuffer_slots[] = {
    {Py_tp_methods, jsbuffer_methods},
    {Py_tp_doc, "A JavaScript ArrayBuffer, TypedArray or DataView."},
    {0, NULL},
};

static PyType_Slot jstypedarray_slots[] = {
    {Py_mp_subscript, jsproxy_subscript},
    {Py_mp_ass_subscript, jsproxy_ass_subscript},
    {Py_tp_doc, "A JavaScript TypedArray."},
    {0, NULL},
};

/* ---- create_proxy's result, create_once_callable's result */

static PyObject *
jsdoubleproxy_unwrap(PyObject *self, PyObject *unused)
{
    return sangam_js_pyproxy_object(REF(self));
}

static PyObject *
jsdoubleproxy_destroy(PyObject *self, PyObject *unused)
{
    PyObject *r = sangam_js_method(REF(self), "destroy", 0);
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_None) : NULL;
}

static PyMethodDef jsdoubleproxy_methods[] = {
    {"unwrap", jsdoubleproxy_unwrap, METH_NOARGS, "The Python object the PyProxy holds."},
    {"destroy", jsdoubleproxy_destroy, METH_NOARGS, "Destroys the PyProxy."},
    {NULL},
};

static PyType_Slot jsdoubleproxy_slots[] = {
    {Py_tp_methods, jsdoubleproxy_methods},
    {Py_tp_doc, "A PyProxy seen from Python (create_proxy's result)."},
    {0, NULL},
};

static PyType_Slot jsoncecallable_slots[] = {
    {Py_tp_methods, jsdoubleproxy_methods + 1},
    {Py_tp_doc, "A JS function that calls a Python function once (create_once_callable)."},
    {0, NULL},
};

static PyType_Slot jsweakref_slots[] = {
    {Py_tp_doc, "A JavaScript WeakRef; deref() is its target, or None once collected."},
    {0, NULL},
};

static PyType_Slot jserror_slots[] = {
    {Py_tp_doc, "A JavaScript Error object."},
    {0, NULL},
};

/* ---- jsnull: JS null seen from Python (falsy, converts back to null) */

PyObject *sangam_jsnull;

static PyObject *
jsnull_repr(PyObject *self)
{
    return PyUnicode_FromString("jsnull");
}

static int
jsnull_bool(PyObject *self)
{
    return 0;
}

static PyType_Slot jsnull_slots[] = {
    {Py_tp_repr, jsnull_repr},
    {Py_nb_bool, jsnull_bool},
    {Py_tp_doc, "The type of jsnull, which stands for JavaScript's null."},
    {0, NULL},
};

/* For the glue: a new reference to jsnull. */
SANGAM_EXPORT PyObject *
sangam_py_jsnull(void)
{
    return Py_NewRef(sangam_jsnull);
}

/* ---- the mixins and the concrete types */

typedef struct {
    int flag;
    const char *name;
    PyType_Slot *slots;
    PyObject *type;
} Mixin;

/* In MRO order: where two mixins fill the same slot, the earlier one wins. */
static Mixin mixins[] = {
    {JS_DOUBLE_PROXY, "pyodide.ffi.JsDoubleProxy", jsdoubleproxy_slots},
    {JS_ONCE_CALLABLE, "pyodide.ffi.JsOnceCallable", jsoncecallable_slots},
    {JS_TYPEDARRAY, "pyodide.ffi.JsTypedArray", jstypedarray_slots},
    {JS_BUFFER, "pyodide.ffi.JsBuffer", jsbuffer_slots},
    {JS_ARRAY, "pyodide.ffi.JsArray", jsarray_slots},
    {JS_MUTABLE_MAP, "pyodide.ffi.JsMutableMap", jsmutablemap_slots},
    {JS_MAP, "pyodide.ffi.JsMap", jsmap_slots},
    {JS_LENGTH, "pyodide.ffi.JsSized", jslength_slots},
    {JS_GENERATOR, "pyodide.ffi.JsGenerator", jsgenerator_slots},
    {JS_ITERATOR, "pyodide.ffi.JsIterator", jsiterator_slots},
    {JS_ITERABLE, "pyodide.ffi.JsIterable", jsiterable_slots},
    {JS_ASYNC_GENERATOR, "pyodide.ffi.JsAsyncGenerator", jsasyncgen_slots},
    {JS_ASYNC_ITERATOR, "pyodide.ffi.JsAsyncIterator", jsasynciterator_slots},
    {JS_ASYNC_ITERABLE, "pyodide.ffi.JsAsyncIterable", jsasynciterable_slots},
    {JS_THENABLE, "pyodide.ffi.JsPromise", jspromise_slots},
    {JS_CALLABLE, "pyodide.ffi.JsCallable", jscallable_slots},
    {JS_ERROR, "pyodide.ffi.JsError", jserror_slots},
    {JS_WEAKREF, "pyodide.ffi.JsWeakRef", jsweakref_slots},
};
#define N_MIXINS ((int)(sizeof(mixins) / sizeof(mixins[0])))

static PyType_Slot concrete_slots[] = {{0, NULL}};

/* The type for a set of capabilities: a subclass of each matching mixin (or of JsProxy). */
static PyTypeObject *
type_for(int flags)
{
    PyObject *key = PyLong_FromLong(flags);
    if (key == NULL) {
        return NULL;
    }
    PyObject *type = PyDict_GetItemWithError(type_cache, key); /* borrowed */
    if (type == NULL && !PyErr_Occurred()) {
        PyObject *bases = PyList_New(0);
        for (int i = 0; bases && i < N_MIXINS; i++) {
            if ((flags & mixins[i].flag) && PyList_Append(bases, mixins[i].type) < 0) {
                Py_CLEAR(bases);
            }
        }
        if (bases && PyList_GET_SIZE(bases) == 0) {
            type = Py_NewRef((PyObject *)JsProxyType);
        } else if (bases) {
            PyObject *tuple = PyList_AsTuple(bases);
            PyType_Spec spec = {
                .name = "pyodide.ffi.JsProxy",
                .basicsize = sizeof(JsProxy),
                .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
                .slots = concrete_slots,
            };
            type = tuple ? PyType_FromSpecWithBases(&spec, tuple) : NULL;
            Py_XDECREF(tuple);
        }
        Py_XDECREF(bases);
        if (type && PyDict_SetItem(type_cache, key, type) < 0) {
            Py_CLEAR(type);
        }
        Py_XDECREF(type); /* the cache holds it */
    }
    Py_DECREF(key);
    return (PyTypeObject *)type;
}

SANGAM_EXPORT PyObject *
sangam_jsproxy_new(JsRef ref, int flags, JsRef this_)
{
    PyTypeObject *type = type_for(flags);
    JsProxy *self = type ? PyObject_New(JsProxy, type) : NULL;
    if (self == NULL) {
        sangam_h_release(ref);
        sangam_h_release(this_);
        return NULL;
    }
    Py_INCREF(type); /* instances of heap types own a reference to their type */
    self->ref = ref;
    self->this_ = this_;
    self->flags = flags;
    self->dict = NULL;
    self->vectorcall = (flags & JS_CALLABLE) ? jsproxy_vectorcall : NULL;
    return (PyObject *)self;
}

PyObject *
sangam_jsproxy_wrap(JsRef ref)
{
    int flags = sangam_js_flags(ref);
    if (flags < 0) {
        sangam_h_release(ref);
        return NULL;
    }
    return sangam_jsproxy_new(ref, flags, 0);
}

/* ---- the metaclass: a raised JsException is a JsProxy (of its JS error), and a JsProxy of a JS
 * Error is a JsException, for isinstance and issubclass as in Pyodide. (The two cannot share a
 * base: an exception's memory layout is BaseException's.) */

PyTypeObject *sangam_JsProxyMeta;

static PyObject *
meta_instancecheck(PyObject *cls, PyObject *inst)
{
    int r = PyObject_TypeCheck(inst, (PyTypeObject *)cls) ||
            (cls == (PyObject *)JsProxyType && PyObject_TypeCheck(inst, (PyTypeObject *)sangam_JsException)) ||
            (cls == sangam_JsException && sangam_jsproxy_check(inst) && (FLAGS(inst) & JS_ERROR));
    return PyBool_FromLong(r);
}

static PyObject *
meta_subclasscheck(PyObject *cls, PyObject *sub)
{
    if (!PyType_Check(sub)) {
        PyErr_SetString(PyExc_TypeError, "issubclass() arg 1 must be a class");
        return NULL;
    }
    PyTypeObject *t = (PyTypeObject *)sub;
    int r = PyType_IsSubtype(t, (PyTypeObject *)cls) ||
            (cls == (PyObject *)JsProxyType && PyType_IsSubtype(t, (PyTypeObject *)sangam_JsException));
    for (int i = 0; !r && cls == sangam_JsException && i < N_MIXINS; i++) {
        r = mixins[i].flag == JS_ERROR && PyType_IsSubtype(t, (PyTypeObject *)mixins[i].type);
    }
    return PyBool_FromLong(r);
}

static PyMethodDef meta_methods[] = {
    {"__instancecheck__", meta_instancecheck, METH_O, NULL},
    {"__subclasscheck__", meta_subclasscheck, METH_O, NULL},
    {NULL},
};

static PyType_Slot meta_slots[] = {
    {Py_tp_methods, meta_methods},
    {0, NULL},
};

int
sangam_jsproxy_init(PyObject *module)
{
    PyType_Spec meta_spec = {
        .name = "pyodide.ffi._JsProxyType",
        .basicsize = 0,
        .flags = Py_TPFLAGS_DEFAULT,
        .slots = meta_slots,
    };
    sangam_JsProxyMeta = (PyTypeObject *)PyType_FromSpecWithBases(&meta_spec, (PyObject *)&PyType_Type);
    if (sangam_JsProxyMeta == NULL) {
        return -1;
    }
    PyType_Spec spec = {
        .name = "pyodide.ffi.JsProxy",
        .basicsize = sizeof(JsProxy),
        .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
        .slots = jsproxy_slots,
    };
    JsProxyType = (PyTypeObject *)PyType_FromMetaclass(sangam_JsProxyMeta, module, &spec, NULL);
    type_cache = PyDict_New();
    if (JsProxyType == NULL || type_cache == NULL ||
        PyModule_AddObjectRef(module, "JsProxy", (PyObject *)JsProxyType) < 0) {
        return -1;
    }
    PyType_Spec jsnull_spec = {
        .name = "pyodide.ffi.JsNull",
        .basicsize = sizeof(PyObject),
        .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
        .slots = jsnull_slots,
    };
    PyObject *jsnull_type = PyType_FromSpec(&jsnull_spec);
    sangam_jsnull = jsnull_type ? (PyObject *)PyObject_New(PyObject, (PyTypeObject *)jsnull_type)
                                : NULL;
    if (sangam_jsnull == NULL || PyModule_AddObjectRef(module, "JsNull", jsnull_type) < 0 ||
        PyModule_AddObjectRef(module, "jsnull", sangam_jsnull) < 0) {
        return -1;
    }
    Py_INCREF(jsnull_type); /* the instance's reference to its heap type */
    Py_DECREF(jsnull_type);
    for (int i = 0; i < N_MIXINS; i++) {
        PyType_Spec mixin = {
            .name = mixins[i].name,
            .basicsize = sizeof(JsProxy),
            .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION |
                     (mixins[i].flag == JS_CALLABLE ? Py_TPFLAGS_HAVE_VECTORCALL : 0),
            .slots = mixins[i].slots,
        };
        mixins[i].type = PyType_FromSpecWithBases(&mixin, (PyObject *)JsProxyType);
        if (mixins[i].type == NULL ||
            PyModule_AddObjectRef(module, strrchr(mixins[i].name, '.') + 1, mixins[i].type) < 0) {
            return -1;
        }
    }
    return 0;
}
