/* JsMap and JsMutableMap: JS Maps, objects with get(), a size and an iterator, and
 * as_object_map() as Python mappings; the item access of objects with get(), set() or has(). */
#include "jsproxy.h"

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

/* A JS operation on the map (a JsArray of its keys, ...); as_object_map() proxies use their own
 * properties. */
static PyObject *
jsmap_view(PyObject *self, const char *map_op, const char *object_op)
{
    return sangam_js_method(REF(self), FLAGS(self) & JS_OBJECT_MAP ? object_op : map_op, 0);
}

/* keys(), values() and items() are collections.abc's views of the mapping, as for a dict and in
 * Pyodide: live, sized, and the key and item views are sets (`m.keys() & {...}`). */
static PyObject *
jsmap_abc_view(PyObject *self, const char *view)
{
    PyObject *abc = PyImport_ImportModule("collections.abc");
    PyObject *r = abc ? PyObject_CallMethod(abc, view, "O", self) : NULL;
    Py_XDECREF(abc);
    return r;
}

static PyObject *
jsmap_keys(PyObject *self, PyObject *unused)
{
    return jsmap_abc_view(self, "KeysView");
}

static PyObject *
jsmap_values(PyObject *self, PyObject *unused)
{
    return jsmap_abc_view(self, "ValuesView");
}

static PyObject *
jsmap_items(PyObject *self, PyObject *unused)
{
    return jsmap_abc_view(self, "ItemsView");
}

static PyObject *
jsmap_iter(PyObject *self)
{
    PyObject *keys = jsmap_view(self, "sangam:keys", "sangam:okeys");
    PyObject *it = keys ? PyObject_GetIter(keys) : NULL;
    Py_XDECREF(keys);
    return it;
}

static PyMethodDef jsmap_methods[] = {
    {"get", (PyCFunction)(void (*)(void))jsmap_get, METH_FASTCALL, "map.get(key, default)"},
    {"keys", jsmap_keys, METH_NOARGS, "A set-like view of the keys (collections.abc.KeysView)."},
    {"values", jsmap_values, METH_NOARGS, "A view of the values (collections.abc.ValuesView)."},
    {"items", jsmap_items, METH_NOARGS,
     "A set-like view of the (key, value) pairs (collections.abc.ItemsView)."},
    {NULL},
};

PyType_Slot jsmap_slots[] = {
    {Py_mp_subscript, jsproxy_subscript},
    {Py_sq_contains, jsproxy_contains},
    {Py_tp_iter, jsmap_iter},
    {Py_tp_methods, jsmap_methods},
    {Py_tp_doc, "A JavaScript Map, or an iterable object with get() and a size."},
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
    if (d == NULL ||
        (other && PyDict_Merge(d, other, 1) < 0 &&
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
    PyObject *keys = jsmap_view(self, "sangam:keys", "sangam:okeys");
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
    {"pop", (PyCFunction)(void (*)(void))jsmap_pop, METH_FASTCALL,
     "Removes key; returns its value."},
    {"popitem", jsmap_popitem, METH_NOARGS, "Removes and returns the last (key, value)."},
    {"clear", jsmap_clear, METH_NOARGS, "Removes every key."},
    {"setdefault", (PyCFunction)(void (*)(void))jsmap_setdefault, METH_FASTCALL, NULL},
    {"update", (PyCFunction)(void (*)(void))jsmap_update, METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL},
};

PyType_Slot jsmutablemap_slots[] = {
    {Py_mp_ass_subscript, jsproxy_ass_subscript},
    {Py_tp_methods, jsmutablemap_methods},
    {Py_tp_doc, "A JavaScript Map, or an iterable object with get(), set() and a size."},
    {0, NULL},
};

/* ---- Item access of any object with get(), set() or has()/includes(), as in Pyodide */

PyType_Slot jsgetitem_slots[] = {
    {Py_mp_subscript, jsproxy_subscript},
    {Py_tp_doc, "A JavaScript object with get(): subscripting calls it."},
    {0, NULL},
};

PyType_Slot jssetitem_slots[] = {
    {Py_mp_ass_subscript, jsproxy_ass_subscript},
    {Py_tp_doc, "A JavaScript object with set(): item assignment calls it, deletion delete()."},
    {0, NULL},
};

PyType_Slot jscontains_slots[] = {
    {Py_sq_contains, jsproxy_contains},
    {Py_tp_doc, "A JavaScript object with has() or includes(): `in` calls it."},
    {0, NULL},
};
