/* Python exceptions leaving Python for JS: each becomes a JS PythonError carrying the exception's
 * type name and its formatted traceback, so nothing unwinds across the boundary. */
#include "sangam.h"

JsRef sangam_h_python_error(const char *type, const char *message);

/* "Traceback (most recent call last): ..." for exc, or NULL with an exception set. */
static PyObject *
format_exception(PyObject *exc)
{
    PyObject *traceback = PyImport_ImportModule("traceback");
    if (traceback == NULL) {
        return NULL;
    }
    PyObject *lines = PyObject_CallMethod(traceback, "format_exception", "O", exc);
    Py_DECREF(traceback);
    if (lines == NULL) {
        return NULL;
    }
    PyObject *empty = PyUnicode_FromStringAndSize("", 0);
    PyObject *text = empty ? PyUnicode_Join(empty, lines) : NULL;
    Py_XDECREF(empty);
    Py_DECREF(lines);
    return text;
}

JsRef
sangam_error_to_js(void)
{
    PyObject *exc = PyErr_GetRaisedException();
    if (exc == NULL) {
        return sangam_h_python_error("SystemError", "sangam: error reported with no exception set");
    }
    PyObject *type_name = PyType_GetName(Py_TYPE(exc));
    const char *type = type_name ? PyUnicode_AsUTF8(type_name) : NULL;
    if (type == NULL) {
        PyErr_Clear();
        type = "BaseException";
    }
    PyObject *text = format_exception(exc);
    if (text == NULL) {
        /* Formatting failed (out of memory, say): fall back to str(exc), then to the bare type. */
        PyErr_Clear();
        text = PyObject_Str(exc);
        if (text == NULL) {
            PyErr_Clear();
        }
    }
    const char *message = text ? PyUnicode_AsUTF8(text) : NULL;
    if (message == NULL) {
        PyErr_Clear();
        message = type;
    }
    JsRef ref = sangam_h_python_error(type, message);
    Py_XDECREF(text);
    Py_XDECREF(type_name);
    Py_DECREF(exc);
    return ref;
}
