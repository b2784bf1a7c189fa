/* Start-up from a memory snapshot (src/js/snapshot.mjs, src/core/snapshot.js): the interpreter in
 * the restored memory is already initialised; what C keeps outside it, or sized for the process
 * that made the snapshot, is set up again here. */
/* (CPython's internal API: reconfiguring a running interpreter, as its own tests do.) */
#define Py_BUILD_CORE 1
#include "sangam.h"

#include "internal/pycore_initconfig.h"
#include "internal/pycore_interp.h"

/* Called once the memory, the side modules and the handle table are back. The C recursion budget
 * is this process's (its JS stack may differ from the snapshot maker's: main.c explains it).
 * Returns 0. */
SANGAM_EXPORT int
sangam_snapshot_restored(int c_recursion_budget)
{
    sangam_ffi_js_start();
    PyThreadState *tstate = PyThreadState_Get();
    if (c_recursion_budget > 0) {
        tstate->c_recursion_remaining =
            c_recursion_budget < Py_C_RECURSION_LIMIT ? c_recursion_budget : Py_C_RECURSION_LIMIT;
    }
    return 0;
}

/* The command line (bin/sangam --snapshot FILE ARGS): the restored interpreter takes ARGS as
 * `python` takes them, through CPython's own configuration (the run command, module or file,
 * -i, sys.argv, sys.flags), then runs them with Py_RunMain. What only start-up applies (options
 * such as -I, -E, -X, and PYTHON* variables that configure the interpreter) was fixed when the
 * snapshot was made. Returns the exit status. */
SANGAM_EXPORT int
sangam_snapshot_main(int argc, char **argv)
{
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    int failed = _PyInterpreterState_GetConfigCopy(&config) < 0;
    if (!failed) {
        config.parse_argv = 1;
        _PyWideStringList_Clear(&config.orig_argv);
        PyStatus status = PyConfig_SetBytesArgv(&config, argc, argv);
        if (PyStatus_Exception(status)) {
            if (PyStatus_IsExit(status)) {
                PyConfig_Clear(&config);
                return status.exitcode;
            }
            PyErr_SetString(PyExc_RuntimeError, status.err_msg ? status.err_msg : "bad arguments");
            failed = 1;
        }
    }
    failed = failed || _PyInterpreterState_SetConfig(&config) < 0;
    PyConfig_Clear(&config);
    /* The library's sys.path[0] ('') gives way to the command line's own (Py_RunMain). */
    PyObject *path = failed ? NULL : PySys_GetObject("path");
    if (path != NULL && PyList_GET_SIZE(path) > 0) {
        PyObject *first = PyList_GET_ITEM(path, 0);
        if (PyUnicode_Check(first) && PyUnicode_GET_LENGTH(first) == 0) {
            failed = PySequence_DelItem(path, 0) < 0;
        }
    }
    return sangam_run_command_line(!failed);
}
