/* JsArray, and the length, subscripts and membership that arrays, maps and typed arrays share. */
#include "jsproxy.h"

#include <math.h>

/* ---- length, subscripts and membership, shared by arrays, maps and object maps */

/* The JS length as a Py_ssize_t, with CPython's errors for a bad __len__ result: ValueError when
 * negative, OverflowError beyond PY_SSIZE_T_MAX. Fractions are cut, NaN is 0 (JS's ToLength). */
Py_ssize_t
jsproxy_length(PyObject *self)
{
    double d = sangam_js_length(REF(self), FLAGS(self));
    if (d == -INFINITY && PyErr_Occurred()) {
        return -1;
    }
    if (isnan(d)) {
        return 0;
    }
    d = trunc(d);
    if (d >= 0 && d <= (double)PY_SSIZE_T_MAX) {
        return (Py_ssize_t)d;
    }
    PyObject *n =
        isinf(d) ? PyUnicode_FromString(d > 0 ? "Infinity" : "-Infinity") : PyLong_FromDouble(d);
    if (n == NULL) {
        return -1;
    }
    if (d < 0) {
        PyErr_Format(PyExc_ValueError, "length %S of object is negative", n);
    } else {
        PyErr_Format(PyExc_OverflowError, "length %S of object is larger than PY_SSIZE_T_MAX (%zd)",
                     n, PY_SSIZE_T_MAX);
    }
    Py_DECREF(n);
    return -1;
}

/* self[i] of an array, i already counted from the start; IndexError when out of range. */
static PyObject *
jsarray_item(PyObject *self, Py_ssize_t i)
{
    JsRef k = i >= 0 ? sangam_h_number((double)i) : 0;
    PyObject *v = k ? sangam_js_subscript(REF(self), k, FLAGS(self)) : NULL;
    sangam_h_release(k);
    if (v == NULL && !PyErr_Occurred()) {
        PyErr_SetString(PyExc_IndexError, "JS array index out of range");
    }
    return v;
}

/* An index or a slice of an array, with negative indices counted from the end. */
static Py_ssize_t
jsarray_index_of(PyObject *self, PyObject *key, Py_ssize_t *len)
{
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) {
        return -1;
    }
    *len = jsproxy_length(self);
    if (*len < 0) {
        return -1;
    }
    return i < 0 ? i + *len : i;
}

/* The slice's start, stop, step and item count for this array, or -1 with an exception. */
static Py_ssize_t
jsarray_slice_indices(PyObject *self, PyObject *slice, Py_ssize_t *start, Py_ssize_t *stop,
                      Py_ssize_t *step)
{
    if (PySlice_Unpack(slice, start, stop, step) < 0) {
        return -1;
    }
    Py_ssize_t len = jsproxy_length(self);
    return len < 0 ? -1 : PySlice_AdjustIndices(len, start, stop, *step);
}

/* items (any iterable) as a new JS Array of their implicit conversions, or 0 with an error. */
static JsRef
js_array_of(PyObject *items, Py_ssize_t *count)
{
    PyObject *list = PySequence_List(items);
    if (list == NULL) {
        return 0;
    }
    JsRef array = sangam_js_array_new();
    for (Py_ssize_t i = 0; array && i < PyList_GET_SIZE(list); i++) {
        if (sangam_js_array_push(array, sangam_py_to_js(PyList_GET_ITEM(list, i))) < 0) {
            sangam_h_release(array);
            array = 0;
        }
    }
    if (count) {
        *count = PyList_GET_SIZE(list);
    }
    Py_DECREF(list);
    return array;
}

static int
jsarray_ass_slice(PyObject *self, PyObject *slice, PyObject *value)
{
    Py_ssize_t start, stop, step;
    Py_ssize_t n = jsarray_slice_indices(self, slice, &start, &stop, &step);
    if (n < 0) {
        return -1;
    }
    JsRef items = 0;
    if (value) {
        if (!PySequence_Check(value) && !PyIter_Check(value) &&
            !PyObject_HasAttrString(value, "__iter__")) {
            PyErr_SetString(PyExc_TypeError, step == 1 ? "can only assign an iterable"
                                                       : "must assign iterable to extended slice");
            return -1;
        }
        Py_ssize_t count;
        if (!(items = js_array_of(value, &count))) {
            return -1;
        }
        if (step != 1 && count != n) {
            sangam_h_release(items);
            PyErr_Format(PyExc_ValueError,
                         "attempt to assign sequence of size %zd to extended slice of size %zd",
                         count, n);
            return -1;
        }
    }
    int rc = sangam_js_array_setslice(REF(self), start, stop, step, n, items);
    sangam_h_release(items);
    return rc;
}

PyObject *
jsproxy_subscript(PyObject *self, PyObject *key)
{
    int flags = FLAGS(self);
    if (flags & (JS_ARRAY | JS_TYPEDARRAY)) {
        if (PySlice_Check(key)) {
            Py_ssize_t start, stop, step;
            Py_ssize_t n = jsarray_slice_indices(self, key, &start, &stop, &step);
            return n < 0 ? NULL : sangam_js_array_getslice(REF(self), start, stop, step, n);
        }
        Py_ssize_t len, i = jsarray_index_of(self, key, &len);
        if (i == -1 && PyErr_Occurred()) {
            return NULL;
        }
        return jsarray_item(self, i);
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
        if (PySlice_Check(key)) {
            return jsarray_ass_slice(self, key, value);
        }
        Py_ssize_t len, i = jsarray_index_of(self, key, &len);
        if (i == -1 && PyErr_Occurred()) {
            return -1;
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

/* ---- JsArray: a MutableSequence (sq_item makes it one for PySequence_Check, and the type's
 * Py_TPFLAGS_SEQUENCE for `match`) */

static PyObject *
jsarray_sq_item(PyObject *self, Py_ssize_t i)
{
    return jsarray_item(self, i);
}

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

/* Appends every item of an iterable (taken first, so a.extend(a) doubles a). */
static int
jsarray_extend_impl(PyObject *self, PyObject *items)
{
    JsRef array = js_array_of(items, NULL);
    Py_ssize_t len = array ? jsproxy_length(self) : -1;
    int rc = len < 0 ? -1 : sangam_js_array_setslice(REF(self), len, len, 1, 0, array);
    sangam_h_release(array);
    return rc;
}

static PyObject *
jsarray_extend(PyObject *self, PyObject *items)
{
    return jsarray_extend_impl(self, items) < 0 ? NULL : Py_NewRef(Py_None);
}

static PyObject *
jsarray_pop(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t len = jsproxy_length(self);
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

/* The first index of value in self[start:stop] (JS equality, as Pyodide), -1 with ValueError. */
static Py_ssize_t
jsarray_find(PyObject *self, PyObject *value, Py_ssize_t start, Py_ssize_t stop)
{
    Py_ssize_t len = jsproxy_length(self);
    if (len < 0) {
        return -1;
    }
    if (start < 0 && (start += len) < 0) {
        start = 0;
    }
    if (stop < 0 && (stop += len) < 0) {
        stop = 0;
    }
    int mark = sangam_proxies_mark();
    JsRef x = sangam_py_to_js_arg(value);
    Py_ssize_t i = x ? sangam_js_array_index(REF(self), x, start, stop) : -2;
    sangam_h_release(x);
    sangam_proxies_release(mark);
    if (i == -1) {
        PyErr_Format(PyExc_ValueError, "%R is not in list", value);
    }
    return i < 0 ? -1 : i;
}

static PyObject *
jsarray_index(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t bounds[2] = {0, PY_SSIZE_T_MAX};
    if (!sangam_check_nargs("index", nargs, 1, 3)) {
        return NULL;
    }
    for (Py_ssize_t j = 1; j < nargs; j++) {
        if ((bounds[j - 1] = PyNumber_AsSsize_t(args[j], NULL)) == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    Py_ssize_t i = jsarray_find(self, args[0], bounds[0], bounds[1]);
    return i < 0 ? NULL : PyLong_FromSsize_t(i);
}

static PyObject *
jsarray_remove(PyObject *self, PyObject *value)
{
    Py_ssize_t i = jsarray_find(self, value, 0, PY_SSIZE_T_MAX);
    if (i < 0 || sangam_js_array_setslice(REF(self), i, i + 1, 1, 1, 0) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
jsarray_clear(PyObject *self, PyObject *unused)
{
    Py_ssize_t len = jsproxy_length(self);
    if (len < 0 || sangam_js_array_setslice(REF(self), 0, len, 1, len, 0) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
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

/* a + b: a new JS Array of a's items and b's (any sequence). */
static PyObject *
jsarray_concat(PyObject *self, PyObject *other)
{
    if (!PySequence_Check(other)) {
        PyErr_Format(PyExc_TypeError,
                     "can only concatenate a sequence (not \"%.200s\") to a JsArray",
                     Py_TYPE(other)->tp_name);
        return NULL;
    }
    PyObject *copy = sangam_js_array_repeat(REF(self), 1, 0);
    if (copy && jsarray_extend_impl(copy, other) < 0) {
        Py_CLEAR(copy);
    }
    return copy;
}

static PyObject *
jsarray_inplace_concat(PyObject *self, PyObject *other)
{
    return jsarray_extend_impl(self, other) < 0 ? NULL : Py_NewRef(self);
}

static PyObject *
jsarray_repeat(PyObject *self, Py_ssize_t n)
{
    return sangam_js_array_repeat(REF(self), n < 0 ? 0 : n, 0);
}

static PyObject *
jsarray_inplace_repeat(PyObject *self, Py_ssize_t n)
{
    PyObject *r = sangam_js_array_repeat(REF(self), n < 0 ? 0 : n, 1);
    Py_XDECREF(r);
    return r ? Py_NewRef(self) : NULL;
}

static PyMethodDef jsarray_methods[] = {
    {"append", jsarray_append, METH_O, "array.push(item)"},
    {"extend", jsarray_extend, METH_O, "Appends every item of an iterable."},
    {"pop", (PyCFunction)(void (*)(void))jsarray_pop, METH_FASTCALL,
     "Removes and returns an item."},
    {"insert", (PyCFunction)(void (*)(void))jsarray_insert, METH_FASTCALL, "Inserts before index."},
    {"remove", jsarray_remove, METH_O, "Removes the first item equal (===) to value."},
    {"clear", jsarray_clear, METH_NOARGS, "Removes every item."},
    {"reverse", jsarray_reverse, METH_NOARGS, "Reverses the array in place."},
    {"__reversed__", jsarray_reversed, METH_NOARGS, NULL},
    {"index", (PyCFunction)(void (*)(void))jsarray_index, METH_FASTCALL,
     "index(value, start=0, stop=sys.maxsize): the first index of value (===)."},
    {"count", jsarray_count, METH_O, "How many items equal (===) value."},
    {NULL},
};

PyType_Slot jsarray_slots[] = {
    {Py_mp_subscript, jsproxy_subscript},
    {Py_mp_ass_subscript, jsproxy_ass_subscript},
    {Py_sq_item, jsarray_sq_item},
    {Py_sq_concat, jsarray_concat},
    {Py_sq_inplace_concat, jsarray_inplace_concat},
    {Py_sq_repeat, jsarray_repeat},
    {Py_sq_inplace_repeat, jsarray_inplace_repeat},
    {Py_sq_contains, jsproxy_contains},
    {Py_tp_methods, jsarray_methods},
    {Py_tp_doc, "A JavaScript Array."},
    {0, NULL},
};
