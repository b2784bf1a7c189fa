/* Conversions of Python values to JS values (the implicit ones: None, bool, int, float, str). */
#include "sangam.h"

/* Integers that a double holds exactly become Numbers; larger ones become BigInts. */
#define MAX_SAFE_INTEGER ((1LL << 53) - 1)

static JsRef
int_to_js(PyObject *obj)
{
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        return 0;
    }
    if (!overflow && v <= MAX_SAFE_INTEGER && v >= -MAX_SAFE_INTEGER) {
        return sangam_h_number((double)v);
    }
    PyObject *text = PyObject_Str(obj);
    if (text == NULL) {
        return 0;
    }
    JsRef ref = sangam_h_bigint(PyUnicode_AsUTF8(text));
    Py_DECREF(text);
    return ref;
}

static JsRef
opaque_to_js(PyObject *obj)
{
    PyObject *repr = PyObject_Repr(obj);
    if (repr == NULL) {
        return 0;
    }
    const char *text = PyUnicode_AsUTF8(repr);
    JsRef ref = text ? sangam_h_opaque(Py_TYPE(obj)->tp_name, text) : 0;
    Py_DECREF(repr);
    return ref;
}

JsRef
sangam_py_to_js(PyObject *obj)
{
    if (obj == Py_None) {
        return sangam_h_constant(SANGAM_CONST_UNDEFINED);
    }
    if (obj == Py_True) {
        return sangam_h_constant(SANGAM_CONST_TRUE);
    }
    if (obj == Py_False) {
        return sangam_h_constant(SANGAM_CONST_FALSE);
    }
    if (PyLong_CheckExact(obj)) {
        return int_to_js(obj);
    }
    if (PyFloat_CheckExact(obj)) {
        return sangam_h_number(PyFloat_AS_DOUBLE(obj));
    }
    if (PyUnicode_CheckExact(obj)) {
        Py_ssize_t len;
        const char *utf8 = PyUnicode_AsUTF8AndSize(obj, &len);
        return utf8 ? sangam_h_string(utf8, (size_t)len) : 0;
    }
    return opaque_to_js(obj);
}
