/* The C side of PyProxy: the operations JS performs on Python objects it holds (pyproxy.js).
 * Every entry point here is called from JS with PyObject pointers; results come back as JS
 * handles, 0 meaning "a Python exception is set" (see sangam.h). */
#include "sangam.h"
#include "flags.h"

#include <math.h>

SANGAM_EXPORT int
sangam_pyproxy_flags(PyObject *obj)
{
    PyTypeObject *t = Py_TYPE(obj);
    int f = 0;
    if ((t->tp_as_sequence && t->tp_as_sequence->sq_length) ||
        (t->tp_as_mapping && t->tp_as_mapping->mp_length)) {
        f |= PY_LENGTH;
    }
    if (t->tp_as_mapping && t->tp_as_mapping->mp_subscript) {
        f |= PY_GET;
    }
    if (t->tp_as_mapping && t->tp_as_mapping->mp_ass_subscript) {
        f |= PY_SET;
    }
    if (t->tp_as_sequence && t->tp_as_sequence->sq_contains) {
        f |= PY_CONTAINS;
    }
    if (t->tp_iter) {
        f |= PY_ITERABLE;
    }
    if (t->tp_iternext && PyIter_Check(obj)) {
        f |= PY_ITERATOR;
    }
    if (t->tp_as_async && t->tp_as_async->am_await) {
        f |= PY_AWAITABLE;
    }
    if (t->tp_as_buffer && t->tp_as_buffer->bf_getbuffer) {
        f |= PY_BUFFER;
    }
    if (t->tp_call) {
        f |= PY_CALLABLE;
    }
    if (t->tp_as_async && t->tp_as_async->am_aiter) {
        f |= PY_ASYNC_ITERABLE;
    }
    if (t->tp_as_async && t->tp_as_async->am_anext) {
        f |= PY_ASYNC_ITERATOR;
    }
    if (PyGen_Check(obj)) {
        f |= PY_GENERATOR;
    }
    if (PyAsyncGen_CheckExact(obj)) {
        f |= PY_ASYNC_GENERATOR;
    }
    if (PySequence_Check(obj) && !PyUnicode_Check(obj) && !PyDict_Check(obj)) {
        f |= PY_SEQUENCE;
        if (PyList_Check(obj) || PyByteArray_Check(obj)) {
            f |= PY_MUTABLE_SEQUENCE;
        }
    }
    if (PyDict_Check(obj)) {
        f |= PY_DICT;
    }
    return f;
}

static PyObject *
key_from_js(JsRef key)
{
    return sangam_js_to_py(key);
}

SANGAM_EXPORT JsRef
sangam_pp_getattr(PyObject *obj, const char *name, int len)
{
    PyObject *key = PyUnicode_FromStringAndSize(name, len);
    PyObject *value = key ? PyObject_GetAttr(obj, key) : NULL;
    Py_XDECREF(key);
    if (value == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        return JSREF_UNDEFINED;
    }
    return sangam_py_take_js(value);
}

SANGAM_EXPORT int
sangam_pp_setattr(PyObject *obj, const char *name, int len, JsRef value)
{
    PyObject *key = PyUnicode_FromStringAndSize(name, len);
    PyObject *v = key && value ? sangam_js_to_py(value) : NULL;
    int rc = key && (v || !value) ? PyObject_SetAttr(obj, key, v) : -1;
    Py_XDECREF(key);
    Py_XDECREF(v);
    return rc;
}

/* 1 if obj has the attribute, 0 if not, -1 on error. */
SANGAM_EXPORT int
sangam_pp_hasattr(PyObject *obj, const char *name, int len)
{
    PyObject *key = PyUnicode_FromStringAndSize(name, len);
    int rc = key ? PyObject_HasAttrWithError(obj, key) : -1;
    Py_XDECREF(key);
    return rc;
}

/* obj[key]; a missing key gives undefined, as a JS Map's get does. */
SANGAM_EXPORT JsRef
sangam_pp_getitem(PyObject *obj, JsRef key)
{
    PyObject *k = key_from_js(key);
    PyObject *value = k ? PyObject_GetItem(obj, k) : NULL;
    Py_XDECREF(k);
    if (value == NULL &&
        (PyErr_ExceptionMatches(PyExc_KeyError) || PyErr_ExceptionMatches(PyExc_IndexError))) {
        PyErr_Clear();
        return JSREF_UNDEFINED;
    }
    return sangam_py_take_js(value);
}

SANGAM_EXPORT int
sangam_pp_setitem(PyObject *obj, JsRef key, JsRef value)
{
    PyObject *k = key_from_js(key);
    PyObject *v = k && value ? sangam_js_to_py(value) : NULL;
    int rc = k && (v || !value) ? (v ? PyObject_SetItem(obj, k, v) : PyObject_DelItem(obj, k)) : -1;
    Py_XDECREF(k);
    Py_XDECREF(v);
    return rc;
}

SANGAM_EXPORT int
sangam_pp_contains(PyObject *obj, JsRef key)
{
    PyObject *k = key_from_js(key);
    int rc = k ? PySequence_Contains(obj, k) : -1;
    Py_XDECREF(k);
    return rc;
}

SANGAM_EXPORT Py_ssize_t
sangam_pp_length(PyObject *obj)
{
    return PyObject_Length(obj);
}

/* Calls obj with nargs arguments (stolen) followed by the values of kwnames (a tuple, stolen,
 * or NULL). */
/* A coroutine that a call from JS returns runs as a task from now on, awaited or not (as in
 * Pyodide): JS has no other way to start it. Steals coro; returns the task on the WebLoop, or
 * coro itself where asyncio has no loop driven by JS (the command line). */
static PyObject *
schedule_coroutine(PyObject *coro)
{
    PyObject *startup_mod = PyImport_ImportModule("pyodide._startup");
    PyObject *mode = startup_mod ? PyObject_GetAttrString(startup_mod, "_mode") : NULL;
    int library = mode && PyUnicode_Check(mode) && PyUnicode_EqualToUTF8(mode, "library");
    Py_XDECREF(mode);
    Py_XDECREF(startup_mod);
    if (!library) {
        PyErr_Clear();
        return coro;
    }
    PyObject *asyncio = PyImport_ImportModule("asyncio");
    PyObject *loop = asyncio ? PyObject_CallMethod(asyncio, "get_event_loop_policy", NULL) : NULL;
    Py_XSETREF(loop, loop ? PyObject_CallMethod(loop, "get_event_loop", NULL) : NULL);
    PyObject *task = loop ? PyObject_CallMethod(loop, "create_task", "O", coro) : NULL;
    Py_XDECREF(loop);
    Py_XDECREF(asyncio);
    if (task == NULL) {
        PyErr_Clear();
        return coro;
    }
    Py_DECREF(coro);
    return task;
}

SANGAM_EXPORT JsRef
sangam_pp_call(PyObject *obj, PyObject **args, size_t nargs, PyObject *kwnames)
{
    size_t nkw = kwnames ? (size_t)PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *result = NULL;
    if (!Py_EnterRecursiveCall(" in a call from JavaScript")) {
        result = PyObject_Vectorcall(obj, args, nargs, kwnames);
        Py_LeaveRecursiveCall();
    }
    for (size_t i = 0; i < nargs + nkw; i++) {
        Py_DECREF(args[i]);
    }
    Py_XDECREF(kwnames);
    if (result && PyCoro_CheckExact(result)) {
        result = schedule_coroutine(result);
    }
    return sangam_py_take_js(result);
}

/* The hot path of a JS -> Python call: one positional argument (stolen; NULL: an exception is
 * set), and a number result in *number (SANGAM_NUMBER) instead of a handle. */
SANGAM_EXPORT JsRef
sangam_pp_call1(PyObject *obj, PyObject *arg, double *number)
{
    PyObject *result = NULL;
    if (arg && !Py_EnterRecursiveCall(" in a call from JavaScript")) {
        PyObject *args[2] = {NULL, arg};
        result = PyObject_Vectorcall(obj, args + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        Py_LeaveRecursiveCall();
    }
    Py_XDECREF(arg);
    if (result && PyCoro_CheckExact(result)) {
        result = schedule_coroutine(result);
    }
    return sangam_py_take_js_number(result, number);
}

/* The same with a JS number for the argument: an int if it is a safe integer (as
 * Number.isSafeInteger says), else a float. */
SANGAM_EXPORT JsRef
sangam_pp_call1_number(PyObject *obj, double arg, double *number)
{
    int is_int = fabs(arg) <= 9007199254740991.0 && arg == trunc(arg);
    PyObject *value = is_int ? PyLong_FromLongLong((long long)arg) : PyFloat_FromDouble(arg);
    return sangam_pp_call1(obj, value, number);
}

/* Where sangam_pp_call1 leaves a number result. */
static double number_slot;

SANGAM_EXPORT double *
sangam_number_slot(void)
{
    return &number_slot;
}

SANGAM_EXPORT JsRef
sangam_pp_repr(PyObject *obj, int str)
{
    return sangam_py_take_js(str ? PyObject_Str(obj) : PyObject_Repr(obj));
}

/* The type's tp_name: "module.Name" for C types, the bare name for Python classes. */
SANGAM_EXPORT JsRef
sangam_pp_type(PyObject *obj)
{
    return sangam_py_take_js(PyUnicode_FromString(Py_TYPE(obj)->tp_name));
}

SANGAM_EXPORT JsRef
sangam_pp_iter(PyObject *obj)
{
    return sangam_py_take_js(PyObject_GetIter(obj));
}

SANGAM_EXPORT JsRef
sangam_pp_aiter(PyObject *obj)
{
    PyTypeObject *t = Py_TYPE(obj);
    if (!t->tp_as_async || !t->tp_as_async->am_aiter) {
        PyErr_Format(PyExc_TypeError, "'%.100s' object is not an async iterable", t->tp_name);
        return 0;
    }
    return sangam_py_take_js(t->tp_as_async->am_aiter(obj));
}

/* The next awaitable of an async iterator (anext(obj)). */
SANGAM_EXPORT JsRef
sangam_pp_anext(PyObject *obj)
{
    PyTypeObject *t = Py_TYPE(obj);
    if (!t->tp_as_async || !t->tp_as_async->am_anext) {
        PyErr_Format(PyExc_TypeError, "'%.100s' object is not an async iterator", t->tp_name);
        return 0;
    }
    return sangam_py_take_js(t->tp_as_async->am_anext(obj));
}

/* Sends a value (None for undefined) into an iterator or generator: the next value, with *done
 * set when the iterator returned (its return value is then the result). */
SANGAM_EXPORT JsRef
sangam_pp_send(PyObject *obj, JsRef value, int *done)
{
    PyObject *arg = sangam_js_to_py(value);
    if (arg == NULL) {
        return 0;
    }
    PyObject *result = NULL;
    PySendResult status;
    if (arg == Py_None && !PyGen_Check(obj)) {
        result = PyIter_Next(obj);
        status = result ? PYGEN_NEXT : (PyErr_Occurred() ? PYGEN_ERROR : PYGEN_RETURN);
        if (status == PYGEN_RETURN) {
            result = Py_NewRef(Py_None);
        }
    } else {
        status = PyIter_Send(obj, arg, &result);
    }
    Py_DECREF(arg);
    *done = status == PYGEN_RETURN;
    return status == PYGEN_ERROR ? 0 : sangam_py_take_js(result);
}

/* generator.throw(error), where error is a JS value raised as the exception it stands for. */
SANGAM_EXPORT JsRef
sangam_pp_throw(PyObject *obj, JsRef error, int *done)
{
    sangam_set_js_error(sangam_h_dup(error));
    PyObject *exc = PyErr_GetRaisedException();
    PyObject *result = exc ? PyObject_CallMethod(obj, "throw", "O", exc) : NULL;
    Py_XDECREF(exc);
    *done = 0;
    if (result == NULL && PyErr_ExceptionMatches(PyExc_StopIteration)) {
        PyObject *stop = PyErr_GetRaisedException();
        result = PyObject_GetAttrString(stop, "value");
        Py_DECREF(stop);
        *done = 1;
    }
    return sangam_py_take_js(result);
}

SANGAM_EXPORT int
sangam_pp_close(PyObject *obj)
{
    PyObject *r = PyObject_CallMethod(obj, "close", NULL);
    Py_XDECREF(r);
    return r ? 0 : -1;
}

/* ---- awaiting Python awaitables from JS. */

/* pyproxy.js: settles a JS promise (resolve or reject are handles of its functions). */
void sangam_js_settle(JsRef resolve, JsRef reject, JsRef value, int rejected);

typedef struct {
    JsRef resolve, reject;
} Settle;

static void
settle_free(PyObject *capsule)
{
    Settle *s = PyCapsule_GetPointer(capsule, "sangam.settle");
    sangam_h_release(s->resolve);
    sangam_h_release(s->reject);
    PyMem_Free(s);
}

static PyObject *
settle_done(PyObject *capsule, PyObject *future)
{
    Settle *s = PyCapsule_GetPointer(capsule, "sangam.settle");
    JsRef value = sangam_py_take_js(PyObject_CallMethod(future, "result", NULL));
    int rejected = value == 0;
    if (rejected) {
        value = sangam_error_to_js();
    }
    sangam_js_settle(s->resolve, s->reject, value, rejected);
    Py_RETURN_NONE;
}

static PyMethodDef settle_def = {"_settle_js_promise", settle_done, METH_O, NULL};

/* Runs obj (a coroutine, future or other awaitable) as a task on the running event loop and
 * settles a JS promise with its outcome. Takes the handles resolve and reject. */
SANGAM_EXPORT int
sangam_pp_then(PyObject *obj, JsRef resolve, JsRef reject)
{
    Settle *s = PyMem_Malloc(sizeof(Settle));
    PyObject *capsule = s ? PyCapsule_New(s, "sangam.settle", settle_free) : NULL;
    if (capsule == NULL) {
        PyMem_Free(s);
        sangam_h_release(resolve);
        sangam_h_release(reject);
        return s ? -1 : (PyErr_NoMemory(), -1);
    }
    s->resolve = resolve;
    s->reject = reject;
    PyObject *asyncio = PyImport_ImportModule("asyncio");
    PyObject *future = asyncio ? PyObject_CallMethod(asyncio, "ensure_future", "O", obj) : NULL;
    PyObject *callback = future ? PyCFunction_New(&settle_def, capsule) : NULL;
    PyObject *r = callback ? PyObject_CallMethod(future, "add_done_callback", "O", callback) : NULL;
    Py_XDECREF(r);
    Py_XDECREF(callback);
    Py_XDECREF(future);
    Py_XDECREF(asyncio);
    Py_DECREF(capsule);
    return r ? 0 : -1;
}

/* ---- conversions and buffers. */

/* proxy.toJs(options): converters are JsProxies (or NULL), stolen. */
SANGAM_EXPORT JsRef
sangam_pp_tojs(PyObject *obj, int depth, int create_pyproxies, JsRef pyproxies,
               PyObject *dict_converter, PyObject *default_converter)
{
    ToJsOptions options = {depth,          create_pyproxies,  pyproxies,
                           dict_converter, default_converter, NULL};
    JsRef ref = sangam_to_js(obj, &options);
    Py_XDECREF(dict_converter);
    Py_XDECREF(default_converter);
    return ref;
}

/* Fills out[0..] for pyproxy.js's getBuffer: the Py_buffer (to release), buf, len, readonly,
 * itemsize, ndim, format, shape, strides, c_contiguous, f_contiguous. */
SANGAM_EXPORT int
sangam_pp_getbuffer(PyObject *obj, int32_t *out)
{
    Py_buffer *view = PyMem_Calloc(1, sizeof(Py_buffer));
    if (view == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (PyObject_GetBuffer(obj, view, PyBUF_RECORDS_RO) < 0) {
        PyMem_Free(view);
        return -1;
    }
    int32_t fields[] = {(int32_t)(intptr_t)view,
                        (int32_t)(intptr_t)view->buf,
                        (int32_t)view->len,
                        view->readonly,
                        (int32_t)view->itemsize,
                        view->ndim,
                        (int32_t)(intptr_t)(view->format ? view->format : "B"),
                        (int32_t)(intptr_t)view->shape,
                        (int32_t)(intptr_t)view->strides,
                        PyBuffer_IsContiguous(view, 'C'),
                        PyBuffer_IsContiguous(view, 'F')};
    memcpy(out, fields, sizeof(fields));
    return 0;
}

SANGAM_EXPORT void
sangam_pp_buffer_release(Py_buffer *view)
{
    PyBuffer_Release(view);
    PyMem_Free(view);
}

/* ---- the JS API's own entry points. */

SANGAM_EXPORT JsRef
sangam_pyimport(const char *name)
{
    return sangam_py_take_js(PyImport_ImportModule(name));
}

/* The JS value for obj, as the implicit conversion gives it (toPy's result). */
SANGAM_EXPORT JsRef
sangam_to_js_value(PyObject *obj)
{
    return sangam_py_to_js(obj);
}

/* __main__'s namespace, for pyodide.globals (a new reference). */
SANGAM_EXPORT PyObject *
sangam_main_dict(void)
{
    PyObject *main_mod = PyImport_AddModule("__main__"); /* borrowed */
    return main_mod ? Py_NewRef(PyModule_GetDict(main_mod)) : NULL;
}
