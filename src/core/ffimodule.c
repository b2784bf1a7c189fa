/* The _sangam_ffi module: the C half of pyodide.ffi (to_js, create_proxy, create_once_callable,
 * destroy_proxies), JS modules as JS registers them, and the FFI's start-up (flags to JS, the
 * `js` module). */
#include "sangam.h"
#include "flags.h"

/* convert.js, jsproxy.js, pyproxy.js */
void sangam_js_define_flag(const char *name, int value);
JsRef sangam_js_global(void);
JsRef sangam_js_once_callable(JsRef pyproxy);
PyObject *sangam_js_method(JsRef obj, const char *name, JsRef arg);
int sangam_js_is_pyproxy(JsRef obj);
void sangam_js_pyproxy_options(JsRef proxy, int capture_this, int roundtrip);
void sangam_js_ffi_ready(void);

static PyObject *
ffi_to_js(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"obj",
                             "depth",
                             "pyproxies",
                             "create_pyproxies",
                             "dict_converter",
                             "default_converter",
                             "eager_converter",
                             NULL};
    PyObject *obj, *pyproxies = Py_None, *dict_converter = Py_None, *default_converter = Py_None;
    PyObject *eager = Py_None;
    int depth = -1, create = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$iOpOOO:to_js", kwlist, &obj, &depth,
                                     &pyproxies, &create, &dict_converter, &default_converter,
                                     &eager)) {
        return NULL;
    }
    if (pyproxies != Py_None && !sangam_jsproxy_check(pyproxies)) {
        PyErr_SetString(PyExc_TypeError,
                        "to_js: pyproxies must be a JsArray (e.g. js.Array.new())");
        return NULL;
    }
    if (sangam_jsproxy_check(obj)) {
        return Py_NewRef(obj); /* already JS: the proxy itself, as Pyodide returns it */
    }
    ToJsOptions options = {
        depth,
        create,
        pyproxies == Py_None ? 0 : sangam_jsproxy_ref(pyproxies),
        dict_converter == Py_None ? NULL : dict_converter,
        default_converter == Py_None ? NULL : default_converter,
        eager == Py_None ? NULL : eager,
    };
    JsRef ref = sangam_to_js(obj, &options);
    if (!ref) {
        return NULL;
    }
    /* obj has no JS form, so the result is a new PyProxy: Python gets it as a JsDoubleProxy (as
     * in Pyodide), which JS receives as that PyProxy and owns. Unwrapping it to obj would leave
     * the PyProxy behind with nobody to destroy it. */
    if (sangam_js_is_pyproxy(ref)) {
        return sangam_jsproxy_wrap(ref);
    }
    return sangam_js_take_py(ref);
}

/* A JsProxy of a new PyProxy of obj, which lives until destroy() (create_proxy). */
static PyObject *
ffi_create_proxy(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"obj", "capture_this", "roundtrip", NULL};
    PyObject *obj;
    int capture_this = 0, roundtrip = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$pp:create_proxy", kwlist, &obj,
                                     &capture_this, &roundtrip)) {
        return NULL;
    }
    JsRef ref = sangam_pyproxy_new(obj, 0);
    if (ref) {
        sangam_js_pyproxy_options(ref, capture_this, roundtrip);
    }
    return ref ? sangam_jsproxy_wrap(ref) : NULL;
}

static PyObject *
ffi_create_once_callable(PyObject *module, PyObject *obj)
{
    if (!PyCallable_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "create_once_callable: %R is not callable", obj);
        return NULL;
    }
    JsRef proxy = sangam_pyproxy_new(obj, 0);
    JsRef once = proxy ? sangam_js_once_callable(proxy) : 0;
    sangam_h_release(proxy);
    return once ? sangam_jsproxy_new(once, JS_CALLABLE | JS_ONCE_CALLABLE, 0) : NULL;
}

static PyObject *
ffi_destroy_proxies(PyObject *module, PyObject *proxies)
{
    if (!sangam_jsproxy_check(proxies)) {
        PyErr_SetString(PyExc_TypeError, "destroy_proxies: expected a JsArray of PyProxies");
        return NULL;
    }
    return sangam_js_method(sangam_jsproxy_ref(proxies), "sangam:destroy_all", 0);
}

/* JS modules are registered with the finder in pyodide/_js_modules.py; name is a str. */
static int
js_modules_call(const char *func, PyObject *name, PyObject *value)
{
    PyObject *m = PyImport_ImportModule("pyodide._js_modules");
    PyObject *r = m == NULL ? NULL
                  : value   ? PyObject_CallMethod(m, func, "OO", name, value)
                            : PyObject_CallMethod(m, func, "O", name);
    Py_XDECREF(m);
    Py_XDECREF(r);
    return r ? 0 : -1;
}

/* JS entry: registerJsModule(name, value) (steals value). */
SANGAM_EXPORT int
sangam_register_js_module(const char *name, JsRef value)
{
    PyObject *proxy = sangam_jsproxy_wrap(value);
    PyObject *key = proxy ? PyUnicode_FromString(name) : NULL;
    int rc = key ? js_modules_call("register_js_module", key, proxy) : -1;
    Py_XDECREF(key);
    Py_XDECREF(proxy);
    return rc;
}

SANGAM_EXPORT int
sangam_unregister_js_module(const char *name)
{
    PyObject *key = PyUnicode_FromString(name);
    int rc = key ? js_modules_call("unregister_js_module", key, NULL) : -1;
    Py_XDECREF(key);
    return rc;
}

static PyMethodDef ffi_methods[] = {
    {"to_js", (PyCFunction)(void (*)(void))ffi_to_js, METH_VARARGS | METH_KEYWORDS,
     "Converts a Python object to JS, deeply: lists and tuples to Arrays, dicts to Maps (or "
     "dict_converter's result), sets to Sets, buffers to TypedArrays."},
    {"create_proxy", (PyCFunction)(void (*)(void))ffi_create_proxy, METH_VARARGS | METH_KEYWORDS,
     "A PyProxy of obj that lives until its destroy() is called."},
    {"create_once_callable", ffi_create_once_callable, METH_O,
     "A JS function that calls obj once, then releases it."},
    {"destroy_proxies", ffi_destroy_proxies, METH_O, "Destroys every PyProxy in a JsArray."},
    {NULL},
};

static struct PyModuleDef ffi_module = {
    PyModuleDef_HEAD_INIT, "_sangam_ffi", "The C core of pyodide.ffi.", -1, ffi_methods,
};

PyMODINIT_FUNC
PyInit__sangam_ffi(void)
{
    PyObject *m = PyModule_Create(&ffi_module);
    if (m == NULL || PyModule_AddStringConstant(m, "__version__", SANGAM_VERSION) < 0 ||
        sangam_jsproxy_init(m) < 0 || sangam_errors_init(m) < 0) {
        Py_XDECREF(m);
        return NULL;
    }
    return m;
}

void
sangam_ffi_js_start(void)
{
#define DEFINE_FLAG(name, value) sangam_js_define_flag(#name, value);
    SANGAM_JS_FLAGS(DEFINE_FLAG)
    SANGAM_PY_FLAGS(DEFINE_FLAG)
#undef DEFINE_FLAG
    sangam_js_ffi_ready();
}

int
sangam_ffi_start(void)
{
    sangam_ffi_js_start();
    PyObject *m = PyImport_ImportModule("_sangam_ffi");
    Py_XDECREF(m);
    JsRef global = m ? sangam_js_global() : 0;
    return global ? sangam_register_js_module("js", global) : -1;
}
