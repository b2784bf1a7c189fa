/* Exceptions crossing the boundary: Python exceptions become JS errors (PythonError) and JS
 * errors become Python exceptions (JsException), so nothing unwinds across it. An error that
 * crosses twice comes back as the object it started as. */
#include "sangam.h"

PyObject *sangam_JsException;
PyObject *sangam_ConversionError;

/* errors.js: a new PythonError holding a reference to exc (released by a FinalizationRegistry). */
JsRef sangam_h_python_error(const char *type, const char *message, PyObject *exc);

/* "Traceback (most recent call last): ..." for exc, or NULL with an exception set. */
static PyObject *
format_exception(PyObject *exc)
{
    PyObject *traceback = PyImport_ImportModule("traceback");
    if (traceback == NULL) {
        return NULL;
    }
    PyObject *lines = PyObject_CallMethod(traceback, "format_exception", "O", exc);
    Py_DECREF(traceback);
    if (lines == NULL) {
        return NULL;
    }
    PyObject *empty = PyUnicode_FromStringAndSize("", 0);
    PyObject *text = empty ? PyUnicode_Join(empty, lines) : NULL;
    Py_XDECREF(empty);
    Py_DECREF(lines);
    return text;
}

/* The JsProxy of the JS error a JsException carries (borrowed: the exception's dict holds it), or
 * NULL, with no exception set, for one made in Python. */
static PyObject *
js_error_proxy(PyObject *exc)
{
    PyObject *dict = PyObject_GenericGetDict(exc, NULL);
    PyObject *js_error = dict ? PyDict_GetItemString(dict, "js_error") : NULL;
    Py_XDECREF(dict);
    PyErr_Clear();
    return js_error && sangam_jsproxy_check(js_error) ? js_error : NULL;
}

/* A new handle of the JS value a JsException carries, or 0. */
static JsRef
js_error_of(PyObject *exc)
{
    PyObject *js_error =
        PyObject_TypeCheck(exc, (PyTypeObject *)sangam_JsException) ? js_error_proxy(exc) : NULL;
    return js_error ? sangam_h_dup(sangam_jsproxy_ref(js_error)) : 0;
}

/* sys.last_exc, last_type, last_value and last_traceback name an exception that escaped Python
 * altogether (no Python frame left below the JS caller: runPython, a call from JS's event loop),
 * as CPython's REPL records an uncaught one and as Pyodide does; pdb.pm() and
 * traceback.print_last() read them. An exception that JS hands on to Python code still running is
 * not uncaught yet, and is not recorded. */
static void
record_last_exception(PyObject *exc)
{
    if (PyEval_GetFrame() != NULL) {
        return;
    }
    PyObject *tb = PyException_GetTraceback(exc);
    if (PySys_SetObject("last_exc", exc) < 0 ||
        PySys_SetObject("last_type", (PyObject *)Py_TYPE(exc)) < 0 ||
        PySys_SetObject("last_value", exc) < 0 ||
        PySys_SetObject("last_traceback", tb ? tb : Py_None) < 0) {
        PyErr_Clear();
    }
    Py_XDECREF(tb);
}

/* When no MemoryError can be allocated, CPython raises one static instance (its "last resort"
 * singleton, immortal) every time. Its traceback and context would then keep the frames of
 * every failure since, and with them the JS values their locals hold: once it has crossed to JS
 * (its text is formatted), they are dropped. */
static void
forget_shared_memory_error(PyObject *exc)
{
    if (Py_IS_TYPE(exc, (PyTypeObject *)PyExc_MemoryError) && _Py_IsImmortal(exc)) {
        PyException_SetTraceback(exc, Py_None);
        PyException_SetContext(exc, NULL);
        PyException_SetCause(exc, NULL);
    }
}

SANGAM_EXPORT JsRef
sangam_error_to_js(void)
{
    PyObject *exc = PyErr_GetRaisedException();
    if (exc == NULL) {
        return sangam_h_python_error("SystemError", "sangam: error reported with no exception set",
                                     NULL);
    }
    record_last_exception(exc);
    JsRef original = js_error_of(exc);
    if (original) {
        Py_DECREF(exc);
        return original;
    }
    PyObject *type_name = PyType_GetName(Py_TYPE(exc));
    const char *type = type_name ? PyUnicode_AsUTF8(type_name) : NULL;
    if (type == NULL) {
        /* (Out of memory, say: the type's C name needs no allocation.) */
        PyErr_Clear();
        const char *dot = strrchr(Py_TYPE(exc)->tp_name, '.');
        type = dot ? dot + 1 : Py_TYPE(exc)->tp_name;
    }
    PyObject *text = format_exception(exc);
    if (text == NULL) {
        /* Formatting failed (out of memory, say): fall back to str(exc), then to the bare type. */
        PyErr_Clear();
        text = PyObject_Str(exc);
        if (text == NULL) {
            PyErr_Clear();
        }
    }
    const char *message = text ? PyUnicode_AsUTF8(text) : NULL;
    if (message == NULL) {
        PyErr_Clear();
        message = type;
    }
    JsRef ref = sangam_h_python_error(type, message, exc);
    Py_XDECREF(text);
    Py_XDECREF(type_name);
    forget_shared_memory_error(exc);
    Py_DECREF(exc);
    return ref;
}

/* JS entry: a PythonError that came from Python is raised again as the exception it was. */
SANGAM_EXPORT void
sangam_restore_error(PyObject *exc)
{
    PyErr_SetRaisedException(Py_NewRef(exc));
}

/* JS entry: JS threw a PyProxy; an exception instance is raised as itself. */
SANGAM_EXPORT void
sangam_raise_object(PyObject *obj)
{
    if (PyExceptionInstance_Check(obj)) {
        PyErr_SetRaisedException(Py_NewRef(obj));
    } else {
        PyErr_Format(PyExc_TypeError, "JS threw a Python %.100s, which is not an exception",
                     Py_TYPE(obj)->tp_name);
    }
}

/* A new JsException for a JS error (steals err); text is "name: message", computed by JS
 * (steals). JS errors are JsExceptions whether thrown or passed (Pyodide's), so Python can raise
 * them. */
SANGAM_EXPORT PyObject *
sangam_js_exception_new(JsRef err, JsRef text)
{
    PyObject *message = sangam_js_take_py(text);
    PyObject *js_error = message ? sangam_jsproxy_wrap(err) : (sangam_h_release(err), NULL);
    PyObject *exc = js_error ? PyObject_CallOneArg(sangam_JsException, message) : NULL;
    if (exc != NULL && PyObject_SetAttrString(exc, "js_error", js_error) < 0) {
        Py_CLEAR(exc);
    }
    Py_XDECREF(js_error);
    Py_XDECREF(message);
    return exc;
}

/* Raises the JsException for a JS error (steals err and text, as sangam_js_exception_new). */
SANGAM_EXPORT void
sangam_set_js_error_text(JsRef err, JsRef text)
{
    PyObject *exc = sangam_js_exception_new(err, text);
    if (exc != NULL) {
        PyErr_SetRaisedException(exc);
    }
}

/* The handle of the JS error a JsException carries (borrowed), or 0 for other objects. */
JsRef
sangam_js_exception_ref(PyObject *obj)
{
    PyObject *js_error =
        PyObject_TypeCheck(obj, (PyTypeObject *)sangam_JsException) ? js_error_proxy(obj) : NULL;
    return js_error ? sangam_jsproxy_ref(js_error) : 0;
}

/* JS entry: the JS stack ran out while JS ran on behalf of Python. */
SANGAM_EXPORT void
sangam_set_stack_overflow(void)
{
    PyErr_SetString(PyExc_RecursionError,
                    "maximum recursion depth exceeded (the JavaScript stack ran out)");
}

SANGAM_EXPORT void
sangam_set_stop_async(void)
{
    PyErr_SetNone(PyExc_StopAsyncIteration);
}

/* JsException(name, message) made in Python, with no JS error behind it: args[i]. */
static PyObject *
arg_or_none(PyObject *self, Py_ssize_t i)
{
    PyObject *args = PyObject_GetAttrString(self, "args");
    PyObject *v = args && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 2
                      ? Py_NewRef(PyTuple_GET_ITEM(args, i))
                      : (args ? Py_NewRef(Py_None) : NULL);
    Py_XDECREF(args);
    return v;
}

/* JsException's properties read the JS error: name, message, stack. */
static PyObject *
js_error_attr(PyObject *self, void *name)
{
    PyObject *js_error = js_error_proxy(self);
    if (js_error != NULL) {
        return PyObject_GetAttrString(js_error, (const char *)name);
    }
    const char *n = (const char *)name;
    return strcmp(n, "name") == 0      ? arg_or_none(self, 0)
           : strcmp(n, "message") == 0 ? arg_or_none(self, 1)
                                       : Py_NewRef(Py_None);
}

static PyGetSetDef js_exception_getset[] = {
    {"name", js_error_attr, NULL, "The JS error's name.", "name"},
    {"message", js_error_attr, NULL, "The JS error's message.", "message"},
    {"stack", js_error_attr, NULL, "The JS error's stack trace.", "stack"},
    {NULL},
};

/* "Name: message" for JsException(name, message) made in Python; else str() of the args. */
static PyObject *
js_exception_str(PyObject *self)
{
    PyObject *args = js_error_proxy(self) ? NULL : PyObject_GetAttrString(self, "args");
    PyObject *s;
    if (args && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 2) {
        s = PyUnicode_FromFormat("%S: %S", PyTuple_GET_ITEM(args, 0), PyTuple_GET_ITEM(args, 1));
    } else {
        PyErr_Clear();
        s = ((PyTypeObject *)PyExc_Exception)->tp_str(self);
    }
    Py_XDECREF(args);
    return s;
}

/* repr() of one made for a JS error is the error's (its toString()), as for a JsProxy. */
static PyObject *
js_exception_repr(PyObject *self)
{
    PyObject *js_error = js_error_proxy(self);
    return js_error ? PyObject_Repr(js_error) : ((PyTypeObject *)PyExc_Exception)->tp_repr(self);
}

/* A JsException is a JsProxy of its JS error: attributes it lacks are the error's. */
static PyObject *
js_exception_getattro(PyObject *self, PyObject *name)
{
    PyObject *value = PyObject_GenericGetAttr(self, name);
    if (value != NULL || !PyErr_ExceptionMatches(PyExc_AttributeError)) {
        return value;
    }
    PyObject *exc = PyErr_GetRaisedException();
    PyObject *js_error = js_error_proxy(self);
    if (js_error == NULL) {
        PyErr_SetRaisedException(exc);
        return NULL;
    }
    Py_DECREF(exc);
    return PyObject_GetAttr(js_error, name);
}

/* Attributes the exception does not define are set on the JS error (e.foo = 1), as on a JsProxy. */
static int
js_exception_setattro(PyObject *self, PyObject *name, PyObject *value)
{
    PyObject *js_error = NULL;
    if (PyUnicode_Check(name) && !PyUnicode_EqualToUTF8(name, "js_error") &&
        _PyType_Lookup(Py_TYPE(self), name) == NULL &&
        !(PyUnicode_GET_LENGTH(name) > 4 && PyUnicode_READ_CHAR(name, 0) == '_' &&
          PyUnicode_READ_CHAR(name, 1) == '_')) {
        js_error = js_error_proxy(self);
    }
    return js_error ? PyObject_SetAttr(js_error, name, value)
                    : PyObject_GenericSetAttr(self, name, value);
}

/* Pickles as JsException(name, message): the JS error itself cannot be pickled. */
static PyObject *
js_exception_reduce(PyObject *self, PyObject *unused)
{
    PyObject *name = js_error_attr(self, "name");
    PyObject *message = name ? js_error_attr(self, "message") : NULL;
    PyObject *r =
        message ? Py_BuildValue("O(OO)", (PyObject *)sangam_JsException, name, message) : NULL;
    Py_XDECREF(name);
    Py_XDECREF(message);
    return r;
}

static PyMethodDef js_exception_methods[] = {
    {"__reduce__", js_exception_reduce, METH_NOARGS, "Pickles the name and the message."},
    {NULL},
};

static PyType_Slot js_exception_slots[] = {
    {Py_tp_getattro, js_exception_getattro},
    {Py_tp_setattro, js_exception_setattro},
    {Py_tp_methods, js_exception_methods},
    {Py_tp_str, js_exception_str},
    {Py_tp_repr, js_exception_repr},
    {Py_tp_doc, "A JavaScript error raised in Python; js_error is the JS value thrown."},
    {Py_tp_getset, js_exception_getset},
    {0, NULL},
};

static PyType_Spec js_exception_spec = {
    .name = "pyodide.ffi.JsException",
    .basicsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = js_exception_slots,
};

int
sangam_errors_init(PyObject *module)
{
    sangam_JsException =
        PyType_FromMetaclass(sangam_JsProxyMeta, module, &js_exception_spec, PyExc_Exception);
    if (sangam_JsException == NULL ||
        PyModule_AddObjectRef(module, "JsException", sangam_JsException) < 0) {
        return -1;
    }
    sangam_ConversionError = PyErr_NewExceptionWithDoc(
        "pyodide.ffi.ConversionError", "A value could not be converted between Python and JS.",
        NULL, NULL);
    return sangam_ConversionError
               ? PyModule_AddObjectRef(module, "ConversionError", sangam_ConversionError)
               : -1;
}
