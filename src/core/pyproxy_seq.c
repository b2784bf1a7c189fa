/* The Python side of the JS Array methods that change a PyProxy'd mutable sequence in place
 * (splice, fill, copyWithin, sort in pyproxy.js): slice assignment, with JS values converted. */
#include "sangam.h"

SANGAM_EXPORT int sangam_pp_set_slice(PyObject *obj, Py_ssize_t start, Py_ssize_t stop,
                                      JsRef items);
SANGAM_EXPORT int sangam_pp_copy_within(PyObject *obj, Py_ssize_t to, Py_ssize_t from,
                                        Py_ssize_t count);

/* obj[start:stop] = items (a JS Array, each item converted implicitly); 0, or -1 with an error. */
SANGAM_EXPORT int
sangam_pp_set_slice(PyObject *obj, Py_ssize_t start, Py_ssize_t stop, JsRef items)
{
    PyObject *array = sangam_js_to_py(items);
    PyObject *list = array ? PySequence_List(array) : NULL;
    int rc = list ? PySequence_SetSlice(obj, start, stop, list) : -1;
    Py_XDECREF(array);
    Py_XDECREF(list);
    return rc;
}

/* obj[to:to + count] = obj[from:from + count], without any item leaving Python. */
SANGAM_EXPORT int
sangam_pp_copy_within(PyObject *obj, Py_ssize_t to, Py_ssize_t from, Py_ssize_t count)
{
    PyObject *items = PySequence_GetSlice(obj, from, from + count);
    int rc = items ? PySequence_SetSlice(obj, to, to + count, items) : -1;
    Py_XDECREF(items);
    return rc;
}
