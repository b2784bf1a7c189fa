/* Python values as JS values: the implicit conversions of the type-translation table, and the
 * explicit deep conversion behind pyodide.ffi.to_js (containers, cycles, buffers, converters). */
#include "sangam.h"

/* convert.js: builders for JS containers. Each returns a new handle or 0 with an exception set;
 * the *_add functions steal the handles they are given and return 0 or -1. */
JsRef sangam_js_array_new(void);
int sangam_js_array_push(JsRef array, JsRef item);
JsRef sangam_js_object_new(void);
int sangam_js_object_set(JsRef obj, JsRef key, JsRef value);
JsRef sangam_js_set_new(void);
int sangam_js_set_add(JsRef set, JsRef item);
JsRef sangam_js_pair(JsRef a, JsRef b);
JsRef sangam_js_typedarray(const void *data, size_t nbytes, const char *format, int ndim,
                           const Py_ssize_t *shape);

/* Integers that a double holds exactly become Numbers; larger ones become BigInts. */
#define MAX_SAFE_INTEGER ((1LL << 53) - 1)

static JsRef
int_to_js(PyObject *obj)
{
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        return 0;
    }
    if (!overflow && v <= MAX_SAFE_INTEGER && v >= -MAX_SAFE_INTEGER) {
        return sangam_h_number((double)v);
    }
    PyObject *text = PyNumber_ToBase(obj, 10);
    if (text == NULL) {
        return 0;
    }
    JsRef ref = sangam_h_bigint(PyUnicode_AsUTF8(text));
    Py_DECREF(text);
    return ref;
}

/* A str that UTF-8 cannot hold (lone surrogates) goes as UTF-16 code units, so it arrives as the
 * same JS string. */
static JsRef
str_with_surrogates(PyObject *obj)
{
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        return 0;
    }
    PyErr_Clear();
    PyObject *units = PyUnicode_AsEncodedString(obj, "utf-16-le", "surrogatepass");
    JsRef ref =
        units ? sangam_h_string16(PyBytes_AS_STRING(units), PyBytes_GET_SIZE(units) / 2) : 0;
    Py_XDECREF(units);
    return ref;
}

/* The implicit conversion of values that have a JS equivalent; 0 without an exception if obj
 * has none. */
static JsRef
immediate_to_js(PyObject *obj)
{
    if (obj == Py_None) {
        return JSREF_UNDEFINED;
    }
    if (obj == Py_True) {
        return JSREF_TRUE;
    }
    if (obj == sangam_jsnull) {
        return JSREF_NULL;
    }
    if (obj == Py_False) {
        return JSREF_FALSE;
    }
    if (PyLong_Check(obj)) {
        return int_to_js(obj);
    }
    if (PyFloat_Check(obj)) {
        return sangam_h_number(PyFloat_AS_DOUBLE(obj));
    }
    if (PyUnicode_Check(obj)) {
        Py_ssize_t len;
        const char *utf8 = PyUnicode_AsUTF8AndSize(obj, &len);
        return utf8 ? sangam_h_string(utf8, (size_t)len) : str_with_surrogates(obj);
    }
    if (sangam_jsproxy_check(obj)) {
        return sangam_h_dup(sangam_jsproxy_ref(obj));
    }
    JsRef js_error = sangam_js_exception_ref(obj); /* a JS error is itself again */
    if (js_error) {
        return sangam_h_dup(js_error);
    }
    return 0;
}

static JsRef
py_to_js(PyObject *obj, int borrowed)
{
    JsRef ref = immediate_to_js(obj);
    if (ref || PyErr_Occurred()) {
        return ref;
    }
    return sangam_pyproxy_new(obj, borrowed);
}

JsRef
sangam_py_to_js(PyObject *obj)
{
    return py_to_js(obj, 0);
}

JsRef
sangam_py_to_js_arg(PyObject *obj)
{
    return py_to_js(obj, 1);
}

JsRef
sangam_py_take_js_number(PyObject *obj, double *number)
{
    if (obj && PyLong_CheckExact(obj) && PyUnstable_Long_IsCompact((PyLongObject *)obj)) {
        *number = (double)PyUnstable_Long_CompactValue((PyLongObject *)obj);
        Py_DECREF(obj);
        return SANGAM_NUMBER;
    }
    if (obj && PyFloat_CheckExact(obj)) {
        *number = PyFloat_AS_DOUBLE(obj);
        Py_DECREF(obj);
        return SANGAM_NUMBER;
    }
    return sangam_py_take_js(obj);
}

/* ---- to_js: the deep conversion. */

typedef struct {
    const ToJsOptions *options;
    PyObject *memo; /* id(obj) -> handle (int) of its conversion: keeps cycles and sharing */
} ToJs;

static JsRef to_js(ToJs *c, PyObject *obj, int depth);

/* The handle of obj's conversion if it was converted before (a new handle), else 0. */
static JsRef
memo_get(ToJs *c, PyObject *obj)
{
    PyObject *key = PyLong_FromVoidPtr(obj);
    PyObject *hit = key ? PyDict_GetItemWithError(c->memo, key) : NULL; /* borrowed */
    Py_XDECREF(key);
    return hit ? sangam_h_dup((JsRef)PyLong_AsLong(hit)) : 0;
}

static int
memo_put(ToJs *c, PyObject *obj, JsRef ref)
{
    /* The memo owns a handle of its own, released with the memo; if it cannot take it, the
     * handle goes at once. */
    JsRef own = sangam_h_dup(ref);
    PyObject *key = PyLong_FromVoidPtr(obj);
    PyObject *value = key ? PyLong_FromLong(own) : NULL;
    int rc = value ? PyDict_SetItem(c->memo, key, value) : -1;
    if (rc < 0) {
        sangam_h_release(own);
    }
    Py_XDECREF(key);
    Py_XDECREF(value);
    return rc;
}

static JsRef
sequence_to_js(ToJs *c, PyObject *obj, int depth)
{
    JsRef array = sangam_js_array_new();
    if (!array || memo_put(c, obj, array) < 0) {
        goto error;
    }
    PyObject *fast = PySequence_Fast(obj, "expected a sequence");
    if (fast == NULL) {
        goto error;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    for (Py_ssize_t i = 0; i < n; i++) {
        JsRef item = to_js(c, PySequence_Fast_GET_ITEM(fast, i), depth - 1);
        if (!item || sangam_js_array_push(array, item) < 0) {
            Py_DECREF(fast);
            goto error;
        }
    }
    Py_DECREF(fast);
    return array;
error:
    sangam_h_release(array);
    return 0;
}

/* Whether key keeps its identity as a JS Set element or Map key: JS compares objects by identity,
 * so a tuple or frozenset (made into a new JS object) would never be found again. */
static int
check_js_key(PyObject *key, const char *where)
{
    if (PyUnicode_Check(key) || PyLong_Check(key) || PyFloat_Check(key) || key == Py_None ||
        key == sangam_jsnull || sangam_jsproxy_check(key)) {
        return 0;
    }
    /* Pyodide's wording (code matches on it): JS compares such a key by identity. */
    PyErr_Format(sangam_ConversionError, "Cannot use %R as a key for a Javascript %s", key, where);
    return -1;
}

static JsRef
dict_to_js(ToJs *c, PyObject *obj, int depth)
{
    /* As Pyodide 0.29 does: a plain Object unless a dict_converter is given. */
    PyObject *converter = c->options->dict_converter;
    JsRef container = converter ? sangam_js_array_new() : sangam_js_object_new();
    /* With a converter the result is only known at the end: cycles through it cannot be kept. */
    if (!container || (!converter && memo_put(c, obj, container) < 0)) {
        goto error;
    }
    /* A dict subclass is read through its mapping methods (a ChainMap mixin keeps its items
     * elsewhere), as in Pyodide. */
    PyObject *items = PyDict_CheckExact(obj) ? Py_NewRef(obj) : PyDict_New();
    if (items == NULL || (items != obj && PyDict_Merge(items, obj, 1) < 0)) {
        Py_XDECREF(items);
        goto error;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(items, &pos, &key, &value)) {
        if (converter && check_js_key(key, "Map") < 0) {
            goto error;
        }
        JsRef k = to_js(c, key, depth - 1);
        JsRef v = k ? to_js(c, value, depth - 1) : 0;
        if (!v) {
            sangam_h_release(k);
            goto error_items;
        }
        int rc = converter ? sangam_js_array_push(container, sangam_js_pair(k, v))
                           : sangam_js_object_set(container, k, v);
        if (rc == 1) {
            /* Pyodide's wording: code matches on it. */
            PyErr_Format(sangam_ConversionError,
                         "Key collision when converting Python dictionary to JavaScript. Key: %R",
                         key);
        } else if (rc == 2) {
            PyErr_Format(sangam_ConversionError, "Cannot use %R as a key for a Javascript Map",
                         key);
        }
        if (rc != 0) {
            goto error_items;
        }
    }
    Py_DECREF(items);
    if (!converter) {
        return container;
    }
    PyObject *entries = sangam_jsproxy_wrap(container);
    PyObject *result = entries ? PyObject_CallOneArg(converter, entries) : NULL;
    Py_XDECREF(entries);
    /* A dict reached again converts to the same JS object (as in Pyodide). */
    JsRef ref = sangam_py_take_js(result);
    if (ref && memo_put(c, obj, ref) < 0) {
        sangam_h_release(ref);
        return 0;
    }
    return ref;
error_items:
    Py_DECREF(items);
error:
    sangam_h_release(container);
    return 0;
}

static JsRef
set_to_js(ToJs *c, PyObject *obj, int depth)
{
    JsRef set = sangam_js_set_new();
    PyObject *it = set && memo_put(c, obj, set) == 0 ? PyObject_GetIter(obj) : NULL;
    if (it == NULL) {
        goto error;
    }
    PyObject *item;
    while ((item = PyIter_Next(it)) != NULL) {
        JsRef ref = check_js_key(item, "Set") == 0 ? to_js(c, item, depth - 1) : 0;
        Py_DECREF(item);
        if (!ref || sangam_js_set_add(set, ref) < 0) {
            break;
        }
    }
    Py_DECREF(it);
    if (!PyErr_Occurred()) {
        return set;
    }
error:
    sangam_h_release(set);
    return 0;
}

/* A buffer (bytes, bytearray, memoryview, array.array, ...) copied into a TypedArray of the
 * matching element type. */
static JsRef
buffer_to_js(PyObject *obj)
{
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_FORMAT | PyBUF_ANY_CONTIGUOUS) < 0) {
        PyErr_Clear();
        if (PyObject_GetBuffer(obj, &view, PyBUF_FULL_RO) < 0) {
            return 0;
        }
    }
    JsRef ref = 0;
    const char *format = view.format ? view.format : "B";
    if (PyBuffer_IsContiguous(&view, 'C')) {
        ref = sangam_js_typedarray(view.buf, (size_t)view.len, format, view.ndim, view.shape);
    } else {
        void *copy = PyMem_Malloc(view.len ? (size_t)view.len : 1);
        if (copy == NULL) {
            PyErr_NoMemory();
        } else if (PyBuffer_ToContiguous(copy, &view, view.len, 'C') == 0) {
            ref = sangam_js_typedarray(copy, (size_t)view.len, format, view.ndim, view.shape);
        }
        PyMem_Free(copy);
    }
    PyBuffer_Release(&view);
    return ref;
}

/* default_converter's helpers: convert(value) and cache_conversion(obj, js), valid during the
 * conversion only. */
typedef struct {
    ToJs *c;
    int depth;
    PyObject *self; /* eager_converter: the value it was called for (convert() of it is the
                       built-in conversion), else NULL */
} ConverterContext;

static JsRef builtin_to_js(ToJs *c, PyObject *obj, int depth);
static JsRef proxy_to_js(ToJs *c, PyObject *obj);

static ConverterContext *
context_of(PyObject *capsule)
{
    ConverterContext *ctx = PyCapsule_GetPointer(capsule, "sangam.to_js");
    if (ctx && ctx->c == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "to_js: convert() used after the conversion ended");
        return NULL;
    }
    return ctx;
}

static PyObject *
converter_convert(PyObject *capsule, PyObject *value)
{
    ConverterContext *ctx = context_of(capsule);
    JsRef ref = !ctx                 ? 0
                : value == ctx->self ? builtin_to_js(ctx->c, value, ctx->depth)
                                     : to_js(ctx->c, value, ctx->depth);
    return ref ? sangam_js_take_py(ref) : NULL;
}

static PyObject *
converter_cache(PyObject *capsule, PyObject *const *args, Py_ssize_t nargs)
{
    ConverterContext *ctx = context_of(capsule);
    if (ctx == NULL || !sangam_check_nargs("cache_conversion", nargs, 2, 2)) {
        return NULL;
    }
    JsRef ref = sangam_py_to_js(args[1]);
    if (!ref) {
        return NULL;
    }
    int rc = memo_put(ctx->c, args[0], ref);
    sangam_h_release(ref);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyMethodDef converter_convert_def = {"convert", converter_convert, METH_O, NULL};
static PyMethodDef converter_cache_def = {
    "cache_conversion", (PyCFunction)(void (*)(void))converter_cache, METH_FASTCALL, NULL};

/* Calls converter(obj, convert, cache_conversion): default_converter (for what has no built-in
 * conversion) or, eager, eager_converter (for every value without an immediate JS form, before the
 * built-in conversion). An eager converter's Python result that is no JS value becomes a PyProxy,
 * listed in pyproxies as the conversion's other proxies are. */
static JsRef
call_converter(ToJs *c, PyObject *converter, PyObject *obj, int depth, int eager)
{
    ConverterContext ctx = {c, depth, eager ? obj : NULL};
    PyObject *capsule = PyCapsule_New(&ctx, "sangam.to_js", NULL);
    PyObject *convert = capsule ? PyCFunction_New(&converter_convert_def, capsule) : NULL;
    PyObject *cache = convert ? PyCFunction_New(&converter_cache_def, capsule) : NULL;
    PyObject *result =
        cache ? PyObject_CallFunctionObjArgs(converter, obj, convert, cache, NULL) : NULL;
    ctx.c = NULL; /* the helpers may outlive the call; they refuse to work from now on */
    Py_XDECREF(cache);
    Py_XDECREF(convert);
    Py_XDECREF(capsule);
    if (!eager || result == NULL) {
        return sangam_py_take_js(result);
    }
    JsRef ref = immediate_to_js(result);
    if (!ref && !PyErr_Occurred()) {
        ref = proxy_to_js(c, result);
    }
    Py_DECREF(result);
    return ref;
}

static JsRef
proxy_to_js(ToJs *c, PyObject *obj)
{
    const ToJsOptions *o = c->options;
    if (!o->create_pyproxies) {
        PyErr_Format(sangam_ConversionError,
                     "cannot convert %R to JavaScript without creating a PyProxy "
                     "(create_pyproxies=False)",
                     obj);
        return 0;
    }
    JsRef ref = sangam_pyproxy_new(obj, 0);
    if (ref && o->pyproxies && sangam_js_array_push(o->pyproxies, sangam_h_dup(ref)) < 0) {
        sangam_h_release(ref);
        return 0;
    }
    return ref;
}

static JsRef
to_js(ToJs *c, PyObject *obj, int depth)
{
    JsRef ref = immediate_to_js(obj);
    if (ref || PyErr_Occurred()) {
        return ref;
    }
    if ((ref = memo_get(c, obj)) || PyErr_Occurred()) {
        return ref;
    }
    if (depth == 0) {
        return proxy_to_js(c, obj);
    }
    if (c->options->eager_converter) {
        if (Py_EnterRecursiveCall(" in to_js")) {
            return 0;
        }
        ref = call_converter(c, c->options->eager_converter, obj, depth, 1);
        Py_LeaveRecursiveCall();
        return ref;
    }
    return builtin_to_js(c, obj, depth);
}

/* The conversion of a value that has no immediate JS form, by its type. */
static JsRef
builtin_to_js(ToJs *c, PyObject *obj, int depth)
{
    JsRef ref;
    if (Py_EnterRecursiveCall(" in to_js")) {
        return 0;
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
        ref = sequence_to_js(c, obj, depth);
    } else if (PyDict_Check(obj)) {
        ref = dict_to_js(c, obj, depth);
    } else if (PySet_Check(obj)) {
        ref = set_to_js(c, obj, depth);
    } else if (PyObject_CheckBuffer(obj)) {
        ref = buffer_to_js(obj);
    } else if (c->options->default_converter) {
        ref = call_converter(c, c->options->default_converter, obj, depth, 0);
    } else {
        ref = proxy_to_js(c, obj);
    }
    Py_LeaveRecursiveCall();
    return ref;
}

JsRef
sangam_to_js(PyObject *obj, const ToJsOptions *options)
{
    ToJs c = {options, PyDict_New()};
    if (c.memo == NULL) {
        return 0;
    }
    JsRef ref = to_js(&c, obj, options->depth);
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(c.memo, &pos, &key, &value)) {
        sangam_h_release((JsRef)PyLong_AsLong(value));
    }
    Py_DECREF(c.memo);
    return ref;
}
