/* Internal interface of the sangam C runtime: the pieces each file of src/core offers the others.
 *
 * Error convention, for every function here that can fail: return -1 (or NULL, or a JsRef of 0)
 * with a Python exception set, as CPython's C API does. The JS glue that C calls (the *.js files
 * beside each .c) follows the same convention: it catches every JS exception and turns it into a
 * Python one (sangam_set_js_error). Entry points that JS calls (SANGAM_EXPORT) return 0 / NULL
 * with the Python exception still set; the JS caller then takes it with sangam_error_to_js and
 * throws it as a JS error. Nothing unwinds across the boundary in either direction.
 */
#ifndef SANGAM_H
#define SANGAM_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <emscripten.h>
#include <stdint.h>

#define SANGAM_EXPORT EMSCRIPTEN_KEEPALIVE

/* A reference to a JS value held in the handle table (handles.js). 0 is "no value / error".
 * The first slots hold constants that are never released (taking one costs nothing). */
typedef int32_t JsRef;
enum {
    JSREF_UNDEFINED = 1,
    JSREF_NULL = 2,
    JSREF_TRUE = 3,
    JSREF_FALSE = 4,
    JSREF_FIRST_FREE = 5,
};

/* Checks a METH_FASTCALL function's argument count (min..max), raising TypeError. */
static inline int
sangam_check_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t min, Py_ssize_t max)
{
    if (nargs >= min && nargs <= max) {
        return 1;
    }
    PyErr_Format(PyExc_TypeError, "%s() takes %zd to %zd arguments (%zd given)", name, min, max,
                 nargs);
    return 0;
}

/* ---- main.c, run.c: start-up and runPython. */
SANGAM_EXPORT const char *sangam_init(int argc, char **argv, int c_recursion_budget);
SANGAM_EXPORT int sangam_main(int argc, char **argv, int c_recursion_budget);
SANGAM_EXPORT int sangam_snapshot_restored(int c_recursion_budget); /* snapshot.c */
SANGAM_EXPORT int sangam_snapshot_main(int argc, char **argv);      /* snapshot.c */
int sangam_run_command_line(int ready); /* main.c: pyodide._startup's hooks, then Py_RunMain */
SANGAM_EXPORT JsRef sangam_run(const char *code, const char *filename, PyObject *globals,
                               PyObject *locals);
SANGAM_EXPORT void sangam_set_interrupt_handling(int on);
SANGAM_EXPORT int sangam_check_interrupt(void);
SANGAM_EXPORT int sangam_gil_ensure(void);
SANGAM_EXPORT void sangam_gil_release(int state);

/* ---- handles.js: the table itself. */
JsRef sangam_h_string(const char *utf8, size_t len);
JsRef sangam_h_string16(const char *units, Py_ssize_t n); /* n UTF-16LE code units */
JsRef sangam_h_number(double value);
JsRef sangam_h_bigint(const char *decimal);
JsRef sangam_h_dup(JsRef ref);
void sangam_h_release(JsRef ref);

/* ---- errors.c: exceptions crossing the boundary. */
extern PyObject *sangam_JsException; /* pyodide.ffi.JsException */
/* A JS error as a JsException (steals err and text), and back (borrowed handle, or 0). */
SANGAM_EXPORT PyObject *sangam_js_exception_new(JsRef err, JsRef text);
JsRef sangam_js_exception_ref(PyObject *obj);
extern PyObject *sangam_ConversionError;
int sangam_errors_init(PyObject *module);
SANGAM_EXPORT void sangam_restore_error(PyObject *exc);
SANGAM_EXPORT void sangam_raise_object(PyObject *obj);
SANGAM_EXPORT void sangam_set_js_error_text(JsRef err, JsRef text);
SANGAM_EXPORT void sangam_set_stack_overflow(void);
SANGAM_EXPORT void sangam_set_stop_async(void);
/* The current Python exception as a JS error (clears it): a PythonError, or the original JS
 * error if the exception is a JsException that came from JS. Never fails. */
SANGAM_EXPORT JsRef sangam_error_to_js(void);
/* Sets the Python exception for a JS error (steals err): the original Python exception if the
 * error is a PythonError that came from Python, else a JsException. */
void sangam_set_js_error(JsRef err); /* errors.js */

/* ---- convert.c: Python values as JS values. */
/* Implicit conversion (Pyodide's type-translation table): a new handle, or 0 with an error.
 * Objects with no JS equivalent become PyProxies; with collect != 0 they are also recorded as
 * borrowed (released when the current JS call returns, see sangam_proxies_mark). */
JsRef sangam_py_to_js(PyObject *obj);
JsRef sangam_py_to_js_arg(PyObject *obj);
/* The same, consuming obj: for results of C API calls (NULL, an error already set, gives 0). */
static inline JsRef
sangam_py_take_js(PyObject *obj)
{
    if (obj == NULL) {
        return 0;
    }
    JsRef ref = sangam_py_to_js(obj);
    Py_DECREF(obj);
    return ref;
}
/* The same for the hot paths' results (a call from JS): an int a double holds exactly, or a
 * float, comes back as SANGAM_NUMBER with its value in *number, without a handle. */
#define SANGAM_NUMBER (-1)
JsRef sangam_py_take_js_number(PyObject *obj, double *number);
/* Explicit deep conversion, pyodide.ffi.to_js. */
typedef struct {
    int depth;                   /* -1: unlimited */
    int create_pyproxies;        /* 0: raise ConversionError instead */
    JsRef pyproxies;             /* a JS array collecting created proxies, or 0 */
    PyObject *dict_converter;    /* callable or NULL */
    PyObject *default_converter; /* callable or NULL */
    PyObject *eager_converter;   /* callable or NULL */
} ToJsOptions;
JsRef sangam_to_js(PyObject *obj, const ToJsOptions *options);

/* ---- convert.js: JS values as Python values (implicit conversion); new reference or NULL. */
PyObject *sangam_js_to_py(JsRef ref);
/* The same, consuming the handle (results of to_js, JS-made values). */
static inline PyObject *
sangam_js_take_py(JsRef ref)
{
    PyObject *value = sangam_js_to_py(ref);
    sangam_h_release(ref);
    return value;
}
/* Proxies lent to JS for the duration of a call (the JS glue releases them). */
int sangam_proxies_mark(void);
void sangam_proxies_release(int mark);

/* ---- jsproxy.c: Python objects standing for JS values. */
int sangam_jsproxy_init(PyObject *module);
/* The metaclass of JsProxy and JsException, which makes each an instance of the other. */
extern PyTypeObject *sangam_JsProxyMeta;
int sangam_jsproxy_check(PyObject *obj);
JsRef sangam_jsproxy_ref(PyObject *obj); /* borrowed handle */
SANGAM_EXPORT PyObject *sangam_jsproxy_new(JsRef ref, int flags, JsRef this_);
extern PyObject *sangam_jsnull; /* pyodide.ffi.jsnull */
SANGAM_EXPORT PyObject *sangam_py_jsnull(void);
PyObject *sangam_jsproxy_wrap(JsRef ref); /* steals ref, flags computed by JS */
SANGAM_EXPORT void sangam_future_settle(PyObject *future, JsRef value, int rejected);
SANGAM_EXPORT PyObject *sangam_new_future(void);

/* ---- pyproxy.c: JS objects standing for Python values. */
JsRef sangam_pyproxy_new(PyObject *obj, int borrowed); /* pyproxy.js */
SANGAM_EXPORT int sangam_pyproxy_flags(PyObject *obj);

/* ---- faults.c: allocation failure (MemoryError for the glue; failures on purpose for tests). */
SANGAM_EXPORT void sangam_faults_set(long start, long stop);
SANGAM_EXPORT long sangam_faults_clear(void);
SANGAM_EXPORT long sangam_faults_count(void);
SANGAM_EXPORT void *sangam_glue_malloc(size_t size);
SANGAM_EXPORT long sangam_heap_in_use(void);
/* ---- guards.c: the exceptions the JS glue raises for hostile or extreme JS values. */
SANGAM_EXPORT void sangam_set_no_memory(void);
SANGAM_EXPORT void sangam_set_builtin_error(const char *type, const char *message);

/* ---- ffimodule.c: the _sangam_ffi module behind pyodide.ffi. */
PyMODINIT_FUNC PyInit__sangam_ffi(void);
int sangam_ffi_start(void);     /* after Py_Initialize: `js` module, constants to JS */
void sangam_ffi_js_start(void); /* its JS half: constants to JS (again after a snapshot) */

/* ---- Entry points the JS glue calls (each file's SANGAM_EXPORT functions). */
/* pyproxy.c */
SANGAM_EXPORT JsRef sangam_pp_getattr(PyObject *obj, const char *name, int len);
SANGAM_EXPORT int sangam_pp_setattr(PyObject *obj, const char *name, int len, JsRef value);
SANGAM_EXPORT int sangam_pp_hasattr(PyObject *obj, const char *name, int len);
SANGAM_EXPORT JsRef sangam_pp_getitem(PyObject *obj, JsRef key);
SANGAM_EXPORT int sangam_pp_setitem(PyObject *obj, JsRef key, JsRef value);
SANGAM_EXPORT int sangam_pp_contains(PyObject *obj, JsRef key);
SANGAM_EXPORT Py_ssize_t sangam_pp_length(PyObject *obj);
SANGAM_EXPORT JsRef sangam_pp_call(PyObject *obj, PyObject **args, size_t nargs, PyObject *kwnames);
/* The hot path of a call with one argument (stolen; or a JS number): a number result is in
 * *number (SANGAM_NUMBER), the slot sangam_number_slot() gives. */
SANGAM_EXPORT JsRef sangam_pp_call1(PyObject *obj, PyObject *arg, double *number);
SANGAM_EXPORT JsRef sangam_pp_call1_number(PyObject *obj, double arg, double *number);
SANGAM_EXPORT double *sangam_number_slot(void);
SANGAM_EXPORT JsRef sangam_pp_repr(PyObject *obj, int str);
SANGAM_EXPORT JsRef sangam_pp_type(PyObject *obj);
SANGAM_EXPORT JsRef sangam_pp_iter(PyObject *obj);
SANGAM_EXPORT JsRef sangam_pp_aiter(PyObject *obj);
SANGAM_EXPORT JsRef sangam_pp_anext(PyObject *obj);
SANGAM_EXPORT JsRef sangam_pp_send(PyObject *obj, JsRef value, int *done);
SANGAM_EXPORT JsRef sangam_pp_throw(PyObject *obj, JsRef error, int *done);
SANGAM_EXPORT int sangam_pp_close(PyObject *obj);
SANGAM_EXPORT int sangam_pp_then(PyObject *obj, JsRef resolve, JsRef reject);
SANGAM_EXPORT JsRef sangam_pp_tojs(PyObject *obj, int depth, int create_pyproxies, JsRef pyproxies,
                                   PyObject *dict_converter, PyObject *default_converter);
SANGAM_EXPORT int sangam_pp_getbuffer(PyObject *obj, int32_t *out);
SANGAM_EXPORT void sangam_pp_buffer_release(Py_buffer *view);
SANGAM_EXPORT JsRef sangam_pyimport(const char *name);
SANGAM_EXPORT PyObject *sangam_main_dict(void);
SANGAM_EXPORT JsRef sangam_to_js_value(PyObject *obj);
/* pyvalues.c */
SANGAM_EXPORT PyObject *sangam_py_none(void);
SANGAM_EXPORT PyObject *sangam_py_bool(int value);
SANGAM_EXPORT PyObject *sangam_py_float(double value);
SANGAM_EXPORT PyObject *sangam_py_int(double value);
SANGAM_EXPORT PyObject *sangam_py_int64(int64_t value);
SANGAM_EXPORT PyObject *sangam_py_int_hex(const char *digits);
SANGAM_EXPORT PyObject *sangam_py_str(const char *utf8, size_t len);
SANGAM_EXPORT PyObject *sangam_py_list(void);
SANGAM_EXPORT int sangam_py_list_append(PyObject *list, PyObject *item);
SANGAM_EXPORT PyObject *sangam_py_dict(void);
SANGAM_EXPORT int sangam_py_dict_set(PyObject *d, PyObject *key, PyObject *value);
SANGAM_EXPORT PyObject *sangam_py_set(void);
SANGAM_EXPORT int sangam_py_set_add(PyObject *set, PyObject *item);
SANGAM_EXPORT PyObject *sangam_py_tuple(PyObject **items, int n);
SANGAM_EXPORT PyObject *sangam_py_memoryview(const void *data, size_t n, const char *format);
/* ffimodule.c */
SANGAM_EXPORT int sangam_register_js_module(const char *name, JsRef value);
SANGAM_EXPORT int sangam_unregister_js_module(const char *name);

#endif
