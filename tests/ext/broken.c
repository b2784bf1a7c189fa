/* An extension that needs a symbol nobody provides: importing it must fail cleanly. */
#include <Python.h>

extern int sangam_test_symbol_that_does_not_exist(int);

static PyObject *
call(PyObject *self, PyObject *arg)
{
    return PyLong_FromLong(sangam_test_symbol_that_does_not_exist(1));
}

static PyMethodDef methods[] = {{"call", call, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "broken", NULL, -1, methods};

PyMODINIT_FUNC
PyInit_broken(void)
{
    return PyModule_Create(&module);
}
