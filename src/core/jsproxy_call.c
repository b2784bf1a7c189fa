/* JsCallable: calling a JS function from Python (with `new`, keywords, and bind). */
#include "jsproxy.h"

/* ---- JsCallable */

/* Calls the function with Python arguments; keyword arguments go in a trailing object. */
PyObject *
jsproxy_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames, int construct)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    JsRef stack_refs[8];
    JsRef *refs =
        nargs + 2 * nkw <= 8 ? stack_refs : PyMem_Malloc(sizeof(JsRef) * (nargs + 2 * nkw));
    if (refs == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *result = NULL;
    int mark = sangam_proxies_mark();
    Py_ssize_t done = 0;
    for (; done < nargs + nkw; done++) {
        if (!(refs[done] = sangam_py_to_js_arg(args[done]))) {
            goto out;
        }
    }
    for (Py_ssize_t i = 0; i < nkw; i++) {
        int len;
        const char *s = jsproxy_js_name(PyTuple_GET_ITEM(kwnames, i), &len);
        if (s == NULL || !(refs[nargs + nkw + i] = sangam_h_string(s, (size_t)len))) {
            for (Py_ssize_t j = 0; j < i; j++) {
                sangam_h_release(refs[nargs + nkw + j]);
            }
            goto out;
        }
    }
    /* The glue releases the borrowed proxies made since mark, after converting the result. */
    mark = -1 - mark;
    result = sangam_js_call(REF(self), ((JsProxy *)self)->this_, refs, (int)nargs,
                            nkw ? refs + nargs + nkw : NULL, (int)nkw, -1 - mark, construct);
    for (Py_ssize_t i = 0; i < nkw; i++) {
        sangam_h_release(refs[nargs + nkw + i]);
    }
out:
    for (Py_ssize_t i = 0; i < done; i++) {
        sangam_h_release(refs[i]);
    }
    if (mark >= 0) {
        sangam_proxies_release(mark);
    }
    if (refs != stack_refs) {
        PyMem_Free(refs);
    }
    return result;
}

PyObject *
jsproxy_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (((JsProxy *)self)->dict) { /* maybe a signature (bind_sig) */
        int handled;
        PyObject *r = jsbind_call(self, args, nargsf, kwnames, &handled);
        if (handled) {
            return r;
        }
    }
    return jsproxy_call(self, args, nargsf, kwnames, 0);
}

static PyObject *
jscallable_bind(PyObject *self, PyObject *this_obj)
{
    JsRef this_ = sangam_py_to_js(this_obj);
    if (!this_) {
        return NULL;
    }
    PyObject *bound = sangam_jsproxy_new(sangam_h_dup(REF(self)), FLAGS(self), this_);
    return bound;
}

/* A JS function stored on a Python class is a method, as in Pyodide: read through an instance,
 * it is bound with the instance as JS's `this`. */
static PyObject *
jscallable_descr_get(PyObject *self, PyObject *obj, PyObject *type)
{
    (void)type;
    if (obj == NULL || obj == Py_None) {
        return Py_NewRef(self);
    }
    return jscallable_bind(self, obj);
}

static PyMemberDef jscallable_members[] = {
    {"__vectorcalloffset__", Py_T_PYSSIZET, offsetof(JsProxy, vectorcall), Py_READONLY},
    {NULL},
};

static PyMethodDef jscallable_methods[] = {
    {"bind", jscallable_bind, METH_O, "The function with `this` fixed to the given value."},
    {NULL},
};

PyType_Slot jscallable_slots[] = {
    {Py_tp_call, PyVectorcall_Call},       {Py_tp_descr_get, jscallable_descr_get},
    {Py_tp_members, jscallable_members},   {Py_tp_methods, jscallable_methods},
    {Py_tp_doc, "A JavaScript function."}, {0, NULL},
};
