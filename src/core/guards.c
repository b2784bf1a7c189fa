/* Exceptions the JS glue raises for hostile or extreme JS values: wasm memory that ran out in the
 * glue (MemoryError), and a built-in exception by name (a JS length that is negative or beyond
 * Py_ssize_t, ...). Errors.raise (errors.js) calls these for the errors Errors.pyError made. */
#include "sangam.h"

SANGAM_EXPORT void
sangam_set_no_memory(void)
{
    PyErr_NoMemory();
}

/* Sets builtins.<type>(message); an unknown name is a SystemError naming it. */
SANGAM_EXPORT void
sangam_set_builtin_error(const char *type, const char *message)
{
    PyObject *builtins = PyEval_GetFrameBuiltins();
    PyObject *exc = builtins ? PyDict_GetItemString(builtins, type) : NULL; /* borrowed */
    if (exc && PyExceptionClass_Check(exc)) {
        PyErr_SetString(exc, message);
    } else if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_SystemError, "sangam: no built-in exception %s (%s)", type, message);
    }
    Py_XDECREF(builtins);
}
