/* JsIterable, JsIterator, JsGenerator and their async kinds: the iteration protocols both ways. */
#include "jsproxy.h"

/* ---- iteration */

static PyObject *
jsiterable_iter(PyObject *self)
{
    if (FLAGS(self) & JS_PY_JSON) { /* an as_py_json() array: its items are views too */
        return PySeqIter_New(self);
    }
    return sangam_js_iter(REF(self), 0);
}

/* For the glue: the error of a JS generator that yielded when asked to return. */
SANGAM_EXPORT void
sangam_set_ignored_return(void)
{
    PyErr_SetString(PyExc_RuntimeError, "JavaScript generator ignored return");
}

static PyObject *
jsiterator_next_impl(PyObject *self, JsRef arg, int how, int mark)
{
    int done = 0;
    PyObject *v = sangam_js_next(REF(self), arg, how, &done, mark);
    if (v != NULL && done) {
        if (v == Py_None) { /* (the end's value, if any, is the StopIteration's, as in Pyodide) */
            PyErr_SetNone(PyExc_StopIteration);
        } else {
            PyObject *stop = PyObject_CallOneArg(PyExc_StopIteration, v);
            if (stop) {
                PyErr_SetRaisedException(stop);
            }
        }
        Py_CLEAR(v);
    }
    return v;
}

static PyObject *
jsiterator_iternext(PyObject *self)
{
    return jsiterator_next_impl(self, JSREF_UNDEFINED, 0, -1);
}

/* value as a JS argument that lives as long as the generator needs it (see sangam_js_next). */
static JsRef
generator_arg(PyObject *value, int *mark)
{
    *mark = sangam_proxies_mark();
    JsRef v = sangam_py_to_js_arg(value);
    if (!v) {
        sangam_proxies_release(*mark);
    }
    return v;
}

static PyObject *
jsgenerator_send(PyObject *self, PyObject *value)
{
    int mark;
    JsRef v = generator_arg(value, &mark);
    PyObject *r = v ? jsiterator_next_impl(self, v, 0, mark) : NULL;
    sangam_h_release(v);
    return r;
}

/* The exception that throw(typ[, val[, tb]]) and athrow() raise in the generator, as Python's
 * generators make it: an instance, or the class called with val (or the val instance). */
static PyObject *
thrown_exception(PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *typ = args[0], *val = nargs > 1 && args[1] != Py_None ? args[1] : NULL;
    if (PyExceptionInstance_Check(typ)) {
        if (val) {
            PyErr_SetString(PyExc_TypeError, "instance exception may not have a separate value");
            return NULL;
        }
        return Py_NewRef(typ);
    }
    if (!PyExceptionClass_Check(typ)) {
        PyErr_Format(PyExc_TypeError,
                     "exceptions must be classes or instances deriving from BaseException, not %s",
                     Py_TYPE(typ)->tp_name);
        return NULL;
    }
    if (val && PyObject_TypeCheck(val, (PyTypeObject *)typ)) {
        return Py_NewRef(val);
    }
    if (val && PyTuple_Check(val)) {
        return PyObject_Call(typ, val, NULL);
    }
    return val ? PyObject_CallOneArg(typ, val) : PyObject_CallNoArgs(typ);
}

/* The JS error to throw into a JS generator for throw(typ[, val[, tb]]) or athrow(...): a new
 * handle, or 0 with the Python exception set (bad arguments). */
static JsRef
thrown_error(const char *name, PyObject *const *args, Py_ssize_t nargs)
{
    if (!sangam_check_nargs(name, nargs, 1, 3)) {
        return 0;
    }
    PyObject *exc = thrown_exception(args, nargs);
    if (exc == NULL) {
        return 0;
    }
    /* An exception instance (a JsException carries its JS error), which never fails to cross. */
    PyErr_SetRaisedException(exc);
    return sangam_error_to_js();
}

/* Whether throw()'s arguments are GeneratorExit (the class or an instance). */
static int
is_generator_exit(PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1) {
        return 0;
    }
    PyObject *typ = PyExceptionInstance_Check(args[0]) ? (PyObject *)Py_TYPE(args[0]) : args[0];
    return PyExceptionClass_Check(typ) && PyObject_IsSubclass(typ, PyExc_GeneratorExit) == 1;
}

static PyObject *
jsgenerator_throw(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    /* GeneratorExit asks the JS generator to return, as in Pyodide: what it yields from a
     * finally block is the result, its end a StopIteration. */
    if (nargs <= 3 && is_generator_exit(args, nargs)) {
        return jsiterator_next_impl(self, JSREF_UNDEFINED, 2, -1);
    }
    JsRef err = thrown_error("throw", args, nargs);
    if (!err) {
        return NULL;
    }
    PyObject *r = jsiterator_next_impl(self, err, 1, -1);
    sangam_h_release(err);
    return r;
}

/* close(): generator.return(); a generator that yields instead (from a finally block) is a
 * RuntimeError, as a Python generator that ignores GeneratorExit. */
static PyObject *
jsgenerator_close(PyObject *self, PyObject *unused)
{
    int done = 0;
    PyObject *r = sangam_js_next(REF(self), JSREF_UNDEFINED, 2, &done, -1);
    if (r == NULL) {
        return NULL;
    }
    Py_DECREF(r);
    if (!done) {
        sangam_set_ignored_return();
        return NULL;
    }
    Py_RETURN_NONE;
}

PyType_Slot jsiterable_slots[] = {
    {Py_tp_iter, jsiterable_iter},
    {Py_tp_doc, "A JavaScript iterable."},
    {0, NULL},
};

static PyObject *
self_iter(PyObject *self)
{
    return Py_NewRef(self);
}

/* send() on any JS iterator, as in Pyodide: iterator.next(value). */
static PyMethodDef jsiterator_methods[] = {
    {"send", jsgenerator_send, METH_O, "iterator.next(value)"},
    {NULL},
};

PyType_Slot jsiterator_slots[] = {
    {Py_tp_iter, self_iter},
    {Py_tp_methods, jsiterator_methods},
    {Py_tp_iternext, jsiterator_iternext},
    {Py_tp_doc, "A JavaScript iterator."},
    {0, NULL},
};

static PyMethodDef jsgenerator_methods[] = {
    {"send", jsgenerator_send, METH_O, "generator.next(value)"},
    {"throw", (PyCFunction)(void (*)(void))jsgenerator_throw, METH_FASTCALL,
     "generator.throw(error)"},
    {"close", jsgenerator_close, METH_NOARGS, "generator.return()"},
    {NULL},
};

PyType_Slot jsgenerator_slots[] = {
    {Py_tp_methods, jsgenerator_methods},
    {Py_tp_doc, "A JavaScript generator."},
    {0, NULL},
};

/* ---- async iteration and awaiting */

static PyObject *
jsasynciterable_aiter(PyObject *self)
{
    return sangam_js_iter(REF(self), 1);
}

static PyObject *
jsasynciterator_anext(PyObject *self)
{
    return sangam_js_anext(REF(self), JSREF_UNDEFINED, 0, -1);
}

static PyObject *
jsasyncgen_asend(PyObject *self, PyObject *value)
{
    int mark;
    JsRef v = generator_arg(value, &mark);
    PyObject *r = v ? sangam_js_anext(REF(self), v, 0, mark) : NULL;
    sangam_h_release(v);
    return r;
}

static PyObject *
jsasyncgen_athrow(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    JsRef err = thrown_error("athrow", args, nargs);
    if (!err) {
        return NULL;
    }
    PyObject *r = sangam_js_anext(REF(self), err, 1, -1);
    sangam_h_release(err);
    return r;
}

static PyObject *
jsasyncgen_aclose(PyObject *self, PyObject *unused)
{
    return sangam_js_anext(REF(self), JSREF_UNDEFINED, 2, -1);
}

PyType_Slot jsasynciterable_slots[] = {
    {Py_am_aiter, jsasynciterable_aiter},
    {Py_tp_doc, "A JavaScript async iterable."},
    {0, NULL},
};

/* asend() on any JS async iterator, as in Pyodide: iterator.next(value). */
static PyMethodDef jsasynciterator_methods[] = {
    {"asend", jsasyncgen_asend, METH_O, "iterator.next(value), awaited"},
    {NULL},
};

PyType_Slot jsasynciterator_slots[] = {
    {Py_am_aiter, self_iter},
    {Py_tp_methods, jsasynciterator_methods},
    {Py_am_anext, jsasynciterator_anext},
    {Py_tp_doc, "A JavaScript async iterator."},
    {0, NULL},
};

static PyMethodDef jsasyncgen_methods[] = {
    {"asend", jsasyncgen_asend, METH_O, NULL},
    {"athrow", (PyCFunction)(void (*)(void))jsasyncgen_athrow, METH_FASTCALL, NULL},
    {"aclose", jsasyncgen_aclose, METH_NOARGS, NULL},
    {NULL},
};

PyType_Slot jsasyncgen_slots[] = {
    {Py_tp_methods, jsasyncgen_methods},
    {Py_tp_doc, "A JavaScript async generator."},
    {0, NULL},
};
