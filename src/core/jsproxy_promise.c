/* JsPromise: awaiting a JS thenable, then/catch/finally_, and the futures that JS promises settle.
 */
#include "jsproxy.h"

/* For the glue: a new future of the current event loop (a PyodideFuture under the web loop), for a
 * JS promise to settle (a promise returned by a JS call, or awaited). */
SANGAM_EXPORT PyObject *
sangam_new_future(void)
{
    PyObject *asyncio = PyImport_ImportModule("asyncio");
    PyObject *loop = asyncio ? PyObject_CallMethod(asyncio, "get_event_loop", NULL) : NULL;
    PyObject *future = loop ? PyObject_CallMethod(loop, "create_future", NULL) : NULL;
    Py_XDECREF(loop);
    Py_XDECREF(asyncio);
    return future;
}

/* await promise: a future on the running loop that the promise settles (sangam_future_settle). */
static PyObject *
jspromise_await(PyObject *self)
{
    PyObject *future = sangam_new_future();
    PyObject *it = NULL;
    if (future && sangam_js_await(REF(self), future) == 0) {
        it = PyObject_CallMethod(future, "__await__", NULL);
    }
    Py_XDECREF(future);
    return it;
}

/* JS entry: a promise that a Python future waits on has settled (steals value). */
SANGAM_EXPORT void
sangam_future_settle(PyObject *future, JsRef value, int rejected)
{
    PyObject *exc = PyErr_GetRaisedException();
    PyObject *done = PyObject_CallMethod(future, "done", NULL);
    if (done == Py_False) {
        PyObject *r = NULL;
        if (rejected) {
            sangam_set_js_error(value);
            value = 0;
            PyObject *error = PyErr_GetRaisedException();
            r = PyObject_CallMethod(future, "set_exception", "O", error);
            Py_XDECREF(error);
        } else {
            PyObject *v = sangam_js_to_py(value);
            r = v ? PyObject_CallMethod(future, "set_result", "O", v) : NULL;
            Py_XDECREF(v);
        }
        if (r == NULL) {
            PyErr_WriteUnraisable(future);
        }
        Py_XDECREF(r);
    }
    if (done == NULL) {
        PyErr_WriteUnraisable(future);
    }
    Py_XDECREF(done);
    sangam_h_release(value);
    Py_DECREF(future); /* the reference the glue held while waiting */
    PyErr_SetRaisedException(exc);
}

static PyObject *
jspromise_then_kind(PyObject *self, PyObject *on_fulfilled, PyObject *on_rejected, int kind)
{
    JsRef f =
        on_fulfilled && on_fulfilled != Py_None ? sangam_py_to_js(on_fulfilled) : JSREF_UNDEFINED;
    JsRef r =
        f && on_rejected && on_rejected != Py_None ? sangam_py_to_js(on_rejected) : JSREF_UNDEFINED;
    PyObject *p = f && r ? sangam_js_then(REF(self), f, r, kind) : NULL;
    sangam_h_release(f);
    sangam_h_release(r);
    return p;
}

static PyObject *
jspromise_then(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"onfulfilled", "onrejected", NULL};
    PyObject *f = NULL, *r = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:then", kwlist, &f, &r)) {
        return NULL;
    }
    return jspromise_then_kind(self, f, r, 0);
}

static PyObject *
jspromise_catch(PyObject *self, PyObject *on_rejected)
{
    return jspromise_then_kind(self, NULL, on_rejected, 1);
}

static PyObject *
jspromise_finally(PyObject *self, PyObject *on_finally)
{
    return jspromise_then_kind(self, on_finally, NULL, 2);
}

static PyMethodDef jspromise_methods[] = {
    {"then", (PyCFunction)(void (*)(void))jspromise_then, METH_VARARGS | METH_KEYWORDS,
     "promise.then(onfulfilled, onrejected)"},
    {"catch", jspromise_catch, METH_O, "promise.catch(onrejected)"},
    {"finally_", jspromise_finally, METH_O, "promise.finally(onfinally)"},
    {NULL},
};

PyType_Slot jspromise_slots[] = {
    {Py_am_await, jspromise_await},
    {Py_tp_methods, jspromise_methods},
    {Py_tp_doc, "A JavaScript promise (or other thenable); await it."},
    {0, NULL},
};
