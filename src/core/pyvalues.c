/* Python values built for the JS glue: the constructors convert.js calls to turn JS values into
 * Python objects. Each returns a new reference, or NULL (-1) with an exception set. */
#include "sangam.h"

SANGAM_EXPORT PyObject *
sangam_py_none(void)
{
    return Py_NewRef(Py_None);
}

SANGAM_EXPORT PyObject *
sangam_py_bool(int value)
{
    return PyBool_FromLong(value);
}

SANGAM_EXPORT PyObject *
sangam_py_float(double value)
{
    return PyFloat_FromDouble(value);
}

/* An integral double within 2**53. */
SANGAM_EXPORT PyObject *
sangam_py_int(double value)
{
    return PyLong_FromLongLong((long long)value);
}

SANGAM_EXPORT PyObject *
sangam_py_int64(int64_t value)
{
    return PyLong_FromLongLong(value);
}

/* A BigInt beyond 64 bits, from its hexadecimal digits (with a sign). */
SANGAM_EXPORT PyObject *
sangam_py_int_hex(const char *digits)
{
    return PyLong_FromString(digits, NULL, 16);
}

/* JS strings may hold lone surrogates; they survive the trip as they are. */
SANGAM_EXPORT PyObject *
sangam_py_str(const char *utf8, size_t len)
{
    return PyUnicode_DecodeUTF8(utf8, (Py_ssize_t)len, "surrogatepass");
}

SANGAM_EXPORT PyObject *
sangam_py_list(void)
{
    return PyList_New(0);
}

/* Appends item (stolen). */
SANGAM_EXPORT int
sangam_py_list_append(PyObject *list, PyObject *item)
{
    int rc = PyList_Append(list, item);
    Py_DECREF(item);
    return rc;
}

SANGAM_EXPORT PyObject *
sangam_py_dict(void)
{
    return PyDict_New();
}

/* For the deep JS -> Python conversion, whose JS keys are all distinct: two that are equal in
 * Python (1 and true, 1 and 1.0) would lose an entry, which the container's size not growing
 * shows. That is a ConversionError (the caller drops the container). */
static int
refuse_duplicate(int rc, Py_ssize_t before, Py_ssize_t after, PyObject *key)
{
    if (rc == 0 && after == before) {
        PyErr_Format(sangam_ConversionError,
                     "to_py: the JS keys convert to equal Python keys (%R); the Python container "
                     "would lose one",
                     key);
        return -1;
    }
    return rc;
}

/* d[key] = value (both stolen); a key already there is a ConversionError. */
SANGAM_EXPORT int
sangam_py_dict_set(PyObject *d, PyObject *key, PyObject *value)
{
    Py_ssize_t before = PyDict_GET_SIZE(d);
    int rc = refuse_duplicate(PyDict_SetItem(d, key, value), before, PyDict_GET_SIZE(d), key);
    Py_DECREF(key);
    Py_DECREF(value);
    return rc;
}

SANGAM_EXPORT PyObject *
sangam_py_set(void)
{
    return PySet_New(NULL);
}

/* set.add(item) (stolen); an item already there is a ConversionError. */
SANGAM_EXPORT int
sangam_py_set_add(PyObject *set, PyObject *item)
{
    Py_ssize_t before = PySet_GET_SIZE(set);
    int rc = refuse_duplicate(PySet_Add(set, item), before, PySet_GET_SIZE(set), item);
    Py_DECREF(item);
    return rc;
}

/* A tuple of n strings (stolen) from an array of pointers: keyword names of a call. */
SANGAM_EXPORT PyObject *
sangam_py_tuple(PyObject **items, int n)
{
    PyObject *t = PyTuple_New(n);
    for (int i = 0; i < n; i++) {
        if (t) {
            PyTuple_SET_ITEM(t, i, items[i]);
        } else {
            Py_DECREF(items[i]);
        }
    }
    return t;
}

/* A writable memoryview over a copy of n bytes, of the given element format. */
SANGAM_EXPORT PyObject *
sangam_py_memoryview(const void *data, size_t n, const char *format)
{
    PyObject *bytes = PyByteArray_FromStringAndSize(data, (Py_ssize_t)n);
    PyObject *view = bytes ? PyMemoryView_FromObject(bytes) : NULL;
    Py_XDECREF(bytes);
    if (view && strcmp(format, "B") != 0) {
        PyObject *cast = PyObject_CallMethod(view, "cast", "s", format);
        Py_SETREF(view, cast);
    }
    return view;
}
