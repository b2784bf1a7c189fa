/* A small C extension built out of tree against the runtime's headers. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>

static int
cmp_long(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* sorted_longs(iterable) -> list: sorts with libc's qsort, so libc comes from the main module. */
static PyObject *
sorted_longs(PyObject *self, PyObject *arg)
{
    PyObject *seq = PySequence_Fast(arg, "expected a sequence");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    long long *buf = PyMem_New(long long, n ? n : 1);
    PyObject *result = NULL;
    if (buf == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        buf[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i));
        if (buf[i] == -1 && PyErr_Occurred()) {
            goto done;
        }
    }
    qsort(buf, (size_t)n, sizeof(long long), cmp_long);
    result = PyList_New(n);
    for (Py_ssize_t i = 0; result && i < n; i++) {
        PyList_SET_ITEM(result, i, PyLong_FromLongLong(buf[i]));
    }
done:
    PyMem_Free(buf);
    Py_DECREF(seq);
    return result;
}

static PyObject *
fail(PyObject *self, PyObject *arg)
{
    PyErr_SetString(PyExc_ValueError, "spam failed on purpose");
    return NULL;
}

static PyMethodDef methods[] = {
    {"sorted_longs", sorted_longs, METH_O, "Sort integers with qsort."},
    {"fail", fail, METH_NOARGS, "Raise ValueError."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "spam", NULL, -1, methods};

PyMODINIT_FUNC
PyInit_spam(void)
{
    return PyModule_Create(&module);
}
