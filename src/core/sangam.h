/* Internal interface of the sangam C runtime: the pieces each file of src/core offers the others.
 *
 * Error convention, for every function here that can fail: return -1 (or NULL) with a Python
 * exception set, 0 (or a value) on success, as CPython's C API does. Entry points that JS calls
 * (marked SANGAM_EXPORT) never let a Python exception escape: they turn it into a JS error handle.
 */
#ifndef SANGAM_H
#define SANGAM_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <emscripten.h>
#include <stdint.h>

#define SANGAM_EXPORT EMSCRIPTEN_KEEPALIVE

/* Entry points JS calls (src/js/runtime.mjs and friends). None lets a C or Python error escape. */
SANGAM_EXPORT const char *sangam_init(int argc, char **argv, int c_recursion_budget); /* main.c */
SANGAM_EXPORT int sangam_main(int argc, char **argv, int c_recursion_budget);         /* main.c */
SANGAM_EXPORT int sangam_run(const char *code, const char *filename, int32_t *out);   /* run.c */

/* A reference to a JS value held in the handle table (handles.c, handles.js). 0 is "no value". */
typedef int32_t JsRef;

/* Handle table: implemented in JS (handles.js), declared here for C. */
JsRef sangam_h_string(const char *utf8, size_t len);
JsRef sangam_h_number(double value);
JsRef sangam_h_bigint(const char *decimal);
JsRef sangam_h_constant(int which); /* SANGAM_CONST_* */
JsRef sangam_h_opaque(const char *type, const char *repr);

enum {
    SANGAM_CONST_UNDEFINED = 1,
    SANGAM_CONST_NULL = 2,
    SANGAM_CONST_TRUE = 3,
    SANGAM_CONST_FALSE = 4,
};

/* errors.c: the current Python exception as a JS PythonError (clears it). Never fails: if even
 * formatting the error fails, the result still names the original exception type. */
JsRef sangam_error_to_js(void);

/* convert.c: a Python object as a JS value (new handle), or 0 with an exception set. */
JsRef sangam_py_to_js(PyObject *obj);

#endif
