/* A test extension module, built several times under other names by
 * tests/packages/dynlib-wheels.mjs
 * (-DMODULE=name): call(n) returns LIBFUNC(n) from the shared library it is linked against
 * (-DLIBFUNC=function), or n itself when built without one. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define STR2(x) #x
#define STR(x) STR2(x)
#define INIT2(m) PyInit_##m
#define INIT(m) INIT2(m)

#ifdef LIBFUNC
int LIBFUNC(int);
#endif

static PyObject *
call(PyObject *self, PyObject *arg)
{
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) {
        return NULL;
    }
#ifdef LIBFUNC
    v = LIBFUNC((int)v);
#endif
    return PyLong_FromLong(v);
}

static PyMethodDef methods[] = {
    {"call", call, METH_O, "call(n): the linked library's function of n"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, STR(MODULE), "a test extension module", -1, methods,
};

PyMODINIT_FUNC INIT(MODULE)(void);

PyMODINIT_FUNC
INIT(MODULE)(void)
{
    return PyModule_Create(&module);
}
