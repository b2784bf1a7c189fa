/* JsArray, and the length, subscripts and membership that arrays, maps and typed arrays share. */
#include "jsproxy.h"

/* ---- length, subscripts and membership, shared by arrays, maps and object maps */

Py_ssize_t
jsproxy_length(PyObject *self)
{
    return sangam_js_length(REF(self), FLAGS(self));
}

PyObject *
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

int
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

int
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

PyType_Slot jslength_slots[] = {
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
    if (nargs == 1 && (i = PyNumber_AsSsize_t(args[0], PyExc_IndexError)) == -1 &&
        PyErr_Occurred()) {
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
    {"pop", (PyCFunction)(void (*)(void))jsarray_pop, METH_FASTCALL,
     "Removes and returns an item."},
    {"insert", (PyCFunction)(void (*)(void))jsarray_insert, METH_FASTCALL, "Inserts before index."},
    {"reverse", jsarray_reverse, METH_NOARGS, "Reverses the array in place."},
    {"__reversed__", jsarray_reversed, METH_NOARGS, NULL},
    {"index", jsarray_index, METH_O, "The first index of value."},
    {"count", jsarray_count, METH_O, "How many items equal value."},
    {NULL},
};

PyType_Slot jsarray_slots[] = {
    {Py_mp_subscript, jsproxy_subscript}, {Py_mp_ass_subscript, jsproxy_ass_subscript},
    {Py_sq_contains, jsproxy_contains},   {Py_tp_methods, jsarray_methods},
    {Py_tp_doc, "A JavaScript Array."},   {0, NULL},
};
