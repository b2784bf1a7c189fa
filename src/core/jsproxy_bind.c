/* JsProxy.bind_sig and bind_class: a JsProxy carrying a Python signature (Pyodide's experimental
 * API). The signature lives in the proxy's Python-side attributes (__sig__, __sig_construct__);
 * calls and attribute reads through such a proxy go to pyodide._jsbind, which checks and
 * converts. */
#include "jsproxy.h"

/* The signature bound to self (borrowed), or NULL (no exception set) if none. */
static PyObject *
signature_of(PyObject *self, int *construct)
{
    PyObject *dict = ((JsProxy *)self)->dict;
    if (dict == NULL) {
        return NULL;
    }
    PyObject *sig = PyDict_GetItemString(dict, "__sig__"); /* borrowed */
    if (sig && construct) {
        *construct = PyDict_GetItemString(dict, "__sig_construct__") != NULL;
    }
    return sig;
}

/* A copy of self (same JS value, same `this`) with sig bound, or none bound if sig is NULL. */
static PyObject *
copy_with(PyObject *self, PyObject *sig, int construct)
{
    JsRef this_ = ((JsProxy *)self)->this_;
    PyObject *copy =
        sangam_jsproxy_new(sangam_h_dup(REF(self)), FLAGS(self), this_ ? sangam_h_dup(this_) : 0);
    if (copy == NULL || sig == NULL) {
        return copy;
    }
    if (PyObject_SetAttrString(copy, "__sig__", sig) < 0 ||
        (construct && PyObject_SetAttrString(copy, "__sig_construct__", Py_True) < 0)) {
        Py_CLEAR(copy);
    }
    return copy;
}

PyObject *
jsproxy_bind_sig(PyObject *self, PyObject *sig)
{
    return copy_with(self, sig, 0);
}

PyObject *
jsproxy_bind_class(PyObject *self, PyObject *sig)
{
    return copy_with(self, sig, 1);
}

static PyObject *
jsbind_helper(const char *name)
{
    PyObject *module = PyImport_ImportModule("pyodide._jsbind");
    PyObject *f = module ? PyObject_GetAttrString(module, name) : NULL;
    Py_XDECREF(module);
    return f;
}

/* A call of a proxy with a signature; NULL with no exception set if self has none. */
PyObject *
jsbind_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames, int *handled)
{
    int construct = 0;
    PyObject *sig = signature_of(self, &construct);
    *handled = sig != NULL;
    if (sig == NULL) {
        return NULL;
    }
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyObject *tuple = PyTuple_New(nargs);
    PyObject *kwargs = tuple ? PyDict_New() : NULL;
    if (kwargs == NULL) {
        Py_XDECREF(tuple);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
    }
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    int rc = 0;
    for (Py_ssize_t i = 0; i < nkw && rc == 0; i++) {
        rc = PyDict_SetItem(kwargs, PyTuple_GET_ITEM(kwnames, i), args[nargs + i]);
    }
    PyObject *raw = rc == 0 ? copy_with(self, NULL, 0) : NULL;
    PyObject *call = raw ? jsbind_helper("call") : NULL;
    PyObject *result = call ? PyObject_CallFunction(call, "OOOOO", raw, sig,
                                                    construct ? Py_True : Py_False, tuple, kwargs)
                            : NULL;
    Py_XDECREF(call);
    Py_XDECREF(raw);
    Py_DECREF(tuple);
    Py_DECREF(kwargs);
    return result;
}

/* An attribute value read through self: bound as the signature says (steals value). */
PyObject *
jsbind_attribute(PyObject *self, PyObject *name, PyObject *value)
{
    PyObject *sig = value ? signature_of(self, NULL) : NULL;
    if (sig == NULL) {
        return value;
    }
    PyObject *f = jsbind_helper("attribute");
    PyObject *r = f ? PyObject_CallFunctionObjArgs(f, sig, name, value, NULL) : NULL;
    Py_XDECREF(f);
    Py_DECREF(value);
    return r;
}
