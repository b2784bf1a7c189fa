/* JsProxy: Python objects standing for JS values. This file has the base type, the metaclass,
 * jsnull and the table of capability mixins (JsArray, JsMap, JsCallable, JsPromise, ...); each
 * proxy's concrete type combines the mixins its value's capabilities call for (flags.h), so
 * isinstance works as in Pyodide. Each capability's methods live in a jsproxy_<capability>.c of
 * their own; the JS side of every operation is in jsproxy.js. */
#include "jsproxy.h"

#include <structmember.h>

static PyTypeObject *JsProxyType;
static PyObject *type_cache; /* flags -> concrete type */

int
sangam_jsproxy_check(PyObject *obj)
{
    return JsProxyType && PyObject_TypeCheck(obj, JsProxyType);
}

JsRef
sangam_jsproxy_ref(PyObject *obj)
{
    return ((JsProxy *)obj)->ref;
}

/* ---- the base type */

static void
jsproxy_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    sangam_h_release(REF(self));
    sangam_h_release(((JsProxy *)self)->this_);
    Py_XDECREF(((JsProxy *)self)->dict);
    type->tp_free(self);
    Py_DECREF(type);
}

/* Python keywords are spelled with a trailing underscore (`js.Array.from_`). */
static int
is_keyword(const char *name, Py_ssize_t len)
{
    static const char *const keywords[] = {
        "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
        "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
        "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield",    NULL};
    for (const char *const *k = keywords; *k; k++) {
        if ((Py_ssize_t)strlen(*k) == len && memcmp(*k, name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The JS name of a Python attribute name: a keyword followed by underscores loses one (as in
 * Pyodide: `o.async_` is o.async, `o.async__` is o.async_). */
const char *
jsproxy_js_name(PyObject *name, int *len)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(name, &n);
    Py_ssize_t base = n;
    while (s && base > 0 && s[base - 1] == '_') {
        base--;
    }
    if (s && base < n && is_keyword(s, base)) {
        n--;
    }
    *len = (int)n;
    return s;
}

static int is_dunder(PyObject *name);

static int
name_is(const char *name, int len, const char *what)
{
    return (size_t)len == strlen(what) && memcmp(name, what, len) == 0;
}

/* Attributes a JsProxy lacks, as in Pyodide: a JsArray has no `keys` (dict(), update() and `**`
 * take an object with keys() for a mapping, and an array of pairs must be read as a sequence); a
 * typed array cannot change its length; as_object_map() and as_py_json() are for objects that
 * can be read as mappings (and arrays, for as_py_json). */
static int
is_hidden(PyObject *self, const char *name, int len)
{
    int flags = FLAGS(self);
    if ((flags & JS_ARRAY) && !(flags & JS_MAP) && name_is(name, len, "keys")) {
        return 1;
    }
    if ((flags & JS_TYPEDARRAY) && (name_is(name, len, "extend") || name_is(name, len, "append") ||
                                    name_is(name, len, "pop") || name_is(name, len, "insert") ||
                                    name_is(name, len, "remove") || name_is(name, len, "clear"))) {
        return 1;
    }
    int not_a_map = flags & (JS_CALLABLE | JS_BUFFER | JS_ERROR | JS_ITERATOR | JS_ASYNC_ITERATOR |
                             JS_DOUBLE_PROXY);
    if (name_is(name, len, "as_object_map")) {
        return not_a_map || (flags & JS_ARRAY);
    }
    if (name_is(name, len, "as_py_json")) {
        return not_a_map != 0;
    }
    return 0;
}

/* The names JS properties are read by, by Python attribute name (an exact str): each gets an
 * index, and jsproxy.js keeps the JS name (jsproxy_js_name's) of each index, so a read neither
 * decodes the name nor hands V8 a new string (its property caches then hit). Starts again when
 * it reaches NAME_CACHE_MAX names, so names made up at run time cannot fill memory. */
static PyObject *name_cache; /* str -> int */
#define NAME_CACHE_MAX 4096

/* The name's index, or -1 with an exception set. */
static int
cached_name(PyObject *name)
{
    if (name_cache == NULL && (name_cache = PyDict_New()) == NULL) {
        return -1;
    }
    PyObject *hit = PyDict_GetItemWithError(name_cache, name); /* borrowed */
    if (hit) {
        return (int)PyLong_AsLong(hit);
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    if (PyDict_GET_SIZE(name_cache) >= NAME_CACHE_MAX) {
        PyDict_Clear(name_cache);
        sangam_js_names_clear();
    }
    int i = (int)PyDict_GET_SIZE(name_cache);
    PyObject *index = PyLong_FromLong(i);
    int rc = index ? PyDict_SetItem(name_cache, name, index) : -1;
    Py_XDECREF(index);
    return rc < 0 ? -1 : i;
}

/* name's JS property of self; NULL without an exception if there is none. */
static PyObject *
js_getattr(PyObject *self, PyObject *name, const char *s, int len)
{
    if (!PyUnicode_CheckExact(name)) {
        return sangam_js_getattr(REF(self), s, len);
    }
    int i = cached_name(name);
    if (i < 0) {
        return NULL;
    }
    double number;
    PyObject *value = sangam_js_getattr_cached(REF(self), i, s, len, &number);
    if (value == (PyObject *)1) {
        return PyLong_FromLongLong((long long)number);
    }
    if (value == (PyObject *)2) {
        return PyFloat_FromDouble(number);
    }
    return value;
}

static PyObject *
jsproxy_getattro(PyObject *self, PyObject *name)
{
    if (!PyUnicode_Check(name)) {
        return PyObject_GenericGetAttr(self, name);
    }
    /* Python-side methods and properties first (to_py, js_id, ...), then the JS object's. */
    PyObject *dict = ((JsProxy *)self)->dict;
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(name, &n);
    if (u == NULL) {
        return NULL;
    }
    if (n < 64 && !is_dunder(name) && is_hidden(self, u, (int)n)) {
        PyErr_SetString(PyExc_AttributeError, u);
        return NULL;
    }
    if (dict && n == 4 && strcmp(u, "_sig") == 0) { /* bind_sig's signature, as in Pyodide */
        PyObject *sig = PyDict_GetItemString(dict, "__sig__");
        if (sig) {
            return Py_NewRef(sig);
        }
    }
    if (_PyType_Lookup(Py_TYPE(self), name) != NULL ||
        (dict && is_dunder(name) && PyDict_Contains(dict, name) == 1)) {
        return PyObject_GenericGetAttr(self, name);
    }
    int len;
    const char *s = jsproxy_js_name(name, &len);
    if (s == NULL) {
        return NULL;
    }
    if (is_hidden(self, s, len)) {
        PyErr_SetString(PyExc_AttributeError, s);
        return NULL;
    }
    PyObject *value = js_getattr(self, name, s, len);
    if (value == NULL && !PyErr_Occurred()) {
        PyErr_Format(PyExc_AttributeError, "%R has no attribute '%U'", Py_TYPE(self), name);
    }
    return dict ? jsbind_attribute(self, name, value) : value;
}

static int
is_dunder(PyObject *name)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(name);
    return n > 4 && PyUnicode_READ_CHAR(name, 0) == '_' && PyUnicode_READ_CHAR(name, 1) == '_' &&
           PyUnicode_READ_CHAR(name, n - 1) == '_' && PyUnicode_READ_CHAR(name, n - 2) == '_';
}

static int
jsproxy_setattro(PyObject *self, PyObject *name, PyObject *value)
{
    if (!PyUnicode_Check(name) || is_dunder(name) || _PyType_Lookup(Py_TYPE(self), name) != NULL) {
        return PyObject_GenericSetAttr(self, name, value);
    }
    int len;
    const char *s = jsproxy_js_name(name, &len);
    JsRef v = s && value ? sangam_py_to_js(value) : 0;
    if (s == NULL || (value && !v)) {
        return -1;
    }
    int rc = sangam_js_setattr(REF(self), s, len, v);
    sangam_h_release(v);
    return rc;
}

static PyObject *
jsproxy_repr(PyObject *self)
{
    return sangam_js_repr(REF(self));
}

static PyObject *
jsproxy_richcompare(PyObject *self, PyObject *other, int op)
{
    if ((op != Py_EQ && op != Py_NE) || !sangam_jsproxy_check(other)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    int eq = sangam_js_equal(REF(self), REF(other));
    if (eq < 0) {
        return NULL;
    }
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static int
jsproxy_bool(PyObject *self)
{
    return sangam_js_bool(REF(self));
}

static PyObject *
jsproxy_js_id(PyObject *self, void *closure)
{
    double id = sangam_js_id(REF(self));
    return id < 0 ? NULL : PyLong_FromDouble(id);
}

static PyObject *
jsproxy_typeof(PyObject *self, void *closure)
{
    return sangam_js_typeof(REF(self));
}

static PyObject *
jsproxy_items(PyObject *self, int which)
{
    return sangam_js_object_items(REF(self), which);
}

static PyObject *
jsproxy_object_entries(PyObject *self, PyObject *unused)
{
    return jsproxy_items(self, 0);
}

static PyObject *
jsproxy_object_keys(PyObject *self, PyObject *unused)
{
    return jsproxy_items(self, 1);
}

static PyObject *
jsproxy_object_values(PyObject *self, PyObject *unused)
{
    return jsproxy_items(self, 2);
}

static PyObject *
jsproxy_as_object_map(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"hereditary", NULL};
    int hereditary = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$p:as_object_map", kwlist, &hereditary)) {
        return NULL;
    }
    return sangam_jsproxy_new(
        sangam_h_dup(REF(self)),
        JS_OBJECT_MAP | JS_LENGTH | JS_MUTABLE_MAP | JS_MAP | (hereditary ? JS_HEREDITARY : 0), 0);
}

/* as_py_json(): the value read as parsed JSON, as in Pyodide: an array is a sequence and any
 * other object a mapping of its own properties, and so is every array or object read from it. */
static PyObject *
jsproxy_as_py_json(PyObject *self, PyObject *unused)
{
    int flags = FLAGS(self);
    if (flags & (JS_CALLABLE | JS_BUFFER | JS_ERROR | JS_ITERATOR | JS_ASYNC_ITERATOR)) {
        PyErr_SetString(PyExc_TypeError, "as_py_json() takes a JS array or plain object");
        return NULL;
    }
    if (flags & JS_ARRAY) {
        return sangam_jsproxy_new(sangam_h_dup(REF(self)), (flags & ~JS_OBJECT_MAP) | JS_PY_JSON,
                                  0);
    }
    return sangam_jsproxy_new(sangam_h_dup(REF(self)),
                              JS_OBJECT_MAP | JS_LENGTH | JS_MUTABLE_MAP | JS_MAP | JS_PY_JSON, 0);
}

static PyObject *
jsproxy_to_py(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"depth", "default_converter", NULL};
    int depth = -1;
    PyObject *converter = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$iO:to_py", kwlist, &depth, &converter)) {
        return NULL;
    }
    return sangam_js_to_py_deep(REF(self), depth, converter == Py_None ? NULL : converter);
}

/* JS property names as Python spells them: a keyword, with any underscores after it, takes one
 * more (`async` is `async_`). A new list, or NULL with an exception set. */
static PyObject *
python_names(PyObject *names)
{
    PyObject *list = PySequence_List(names);
    for (Py_ssize_t i = 0; list && i < PyList_GET_SIZE(list); i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        Py_ssize_t n;
        const char *s = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &n) : NULL;
        if (s == NULL) {
            PyErr_Clear();
            continue;
        }
        Py_ssize_t base = n;
        while (base > 0 && s[base - 1] == '_') {
            base--;
        }
        if (is_keyword(s, base)) {
            PyObject *renamed = PyUnicode_FromFormat("%U_", item);
            if (renamed == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SetItem(list, i, renamed);
        }
    }
    return list;
}

static PyObject *
jsproxy_dir(PyObject *self, PyObject *unused)
{
    PyObject *names = sangam_js_dir(REF(self));
    PyObject *own = names ? PyObject_Dir((PyObject *)Py_TYPE(self)) : NULL;
    PyObject *set = own ? PySet_New(own) : NULL;
    PyObject *list = NULL;
    PyObject *spelled = names ? python_names(names) : NULL;
    PyObject *updated = set && spelled ? PyObject_CallMethod(set, "update", "O", spelled) : NULL;
    static const char *const maybe_hidden[] = {"keys",       "extend", "append", "pop",
                                               "insert",     "remove", "clear",  "as_object_map",
                                               "as_py_json", NULL};
    for (const char *const *h = maybe_hidden; updated && *h; h++) {
        if (is_hidden(self, *h, (int)strlen(*h))) {
            PyObject *hidden = PyUnicode_FromString(*h);
            if (hidden == NULL || PySet_Discard(set, hidden) < 0) {
                Py_CLEAR(updated);
            }
            Py_XDECREF(hidden);
        }
    }
    Py_XDECREF(spelled);
    if (updated) {
        Py_DECREF(updated);
        list = PySequence_List(set);
        if (list && PyList_Sort(list) < 0) {
            Py_CLEAR(list);
        }
    }
    Py_XDECREF(names);
    Py_XDECREF(own);
    Py_XDECREF(set);
    return list;
}

static PyObject *
jsproxy_new_method(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return jsproxy_call(self, args, (size_t)nargs, kwnames, 1);
}

static PyMethodDef jsproxy_methods[] = {
    {"object_entries", jsproxy_object_entries, METH_NOARGS, "Object.entries(obj), as a JsArray."},
    {"object_keys", jsproxy_object_keys, METH_NOARGS, "Object.keys(obj), as a JsArray."},
    {"object_values", jsproxy_object_values, METH_NOARGS, "Object.values(obj), as a JsArray."},
    {"as_object_map", (PyCFunction)(void (*)(void))jsproxy_as_object_map,
     METH_VARARGS | METH_KEYWORDS, "The object's own properties as a mutable mapping."},
    {"as_py_json", jsproxy_as_py_json, METH_NOARGS,
     "The value read as parsed JSON: arrays as sequences, objects as mappings, deeply."},
    {"to_py", (PyCFunction)(void (*)(void))jsproxy_to_py, METH_VARARGS | METH_KEYWORDS,
     "Converts the value to Python containers, deeply (depth: -1 for no limit)."},
    {"new", (PyCFunction)(void (*)(void))jsproxy_new_method, METH_FASTCALL | METH_KEYWORDS,
     "new X(...args)."},
    {"__dir__", jsproxy_dir, METH_NOARGS, NULL},
    {"bind_sig", jsproxy_bind_sig, METH_O, "A copy whose calls are checked against a signature."},
    {"bind_class", jsproxy_bind_class, METH_O, "A copy that constructs instances of a class."},
    {NULL},
};

static PyMemberDef jsproxy_members[] = {
    {"__dictoffset__", Py_T_PYSSIZET, offsetof(JsProxy, dict), Py_READONLY},
    {NULL},
};

static PyGetSetDef jsproxy_getset[] = {
    {"js_id", jsproxy_js_id, NULL, "A number identifying the JS object (equal for equal proxies)."},
    {"typeof", jsproxy_typeof, NULL, "The JS typeof of the value."},
    {NULL},
};

static PyType_Slot jsproxy_slots[] = {
    {Py_tp_dealloc, jsproxy_dealloc},
    {Py_tp_getattro, jsproxy_getattro},
    {Py_tp_setattro, jsproxy_setattro},
    {Py_tp_repr, jsproxy_repr},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_richcompare, jsproxy_richcompare},
    {Py_nb_bool, jsproxy_bool},
    {Py_tp_methods, jsproxy_methods},
    {Py_tp_getset, jsproxy_getset},
    {Py_tp_members, jsproxy_members},
    {Py_tp_doc, "A JavaScript value seen from Python."},
    {0, NULL},
};

/* ---- create_proxy's result, create_once_callable's result */

static PyObject *
jsdoubleproxy_unwrap(PyObject *self, PyObject *unused)
{
    return sangam_js_pyproxy_object(REF(self));
}

static PyObject *
jsdoubleproxy_destroy(PyObject *self, PyObject *unused)
{
    PyObject *r = sangam_js_method(REF(self), "destroy", 0);
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_None) : NULL;
}

static PyMethodDef jsdoubleproxy_methods[] = {
    {"unwrap", jsdoubleproxy_unwrap, METH_NOARGS, "The Python object the PyProxy holds."},
    {"destroy", jsdoubleproxy_destroy, METH_NOARGS, "Destroys the PyProxy."},
    {NULL},
};

static PyType_Slot jsdoubleproxy_slots[] = {
    {Py_tp_methods, jsdoubleproxy_methods},
    {Py_tp_doc, "A PyProxy seen from Python (create_proxy's result)."},
    {0, NULL},
};

static PyType_Slot jsoncecallable_slots[] = {
    {Py_tp_methods, jsdoubleproxy_methods + 1},
    {Py_tp_doc, "A JS function that calls a Python function once (create_once_callable)."},
    {0, NULL},
};

static PyType_Slot jsweakref_slots[] = {
    {Py_tp_doc, "A JavaScript WeakRef; deref() is its target, or None once collected."},
    {0, NULL},
};

static PyType_Slot jserror_slots[] = {
    {Py_tp_doc, "A JavaScript Error object."},
    {0, NULL},
};

/* ---- jsnull: JS null seen from Python (falsy, converts back to null) */

PyObject *sangam_jsnull;

static PyObject *
jsnull_repr(PyObject *self)
{
    return PyUnicode_FromString("jsnull");
}

static int
jsnull_bool(PyObject *self)
{
    return 0;
}

static PyType_Slot jsnull_slots[] = {
    {Py_tp_repr, jsnull_repr},
    {Py_nb_bool, jsnull_bool},
    {Py_tp_doc, "The type of jsnull, which stands for JavaScript's null."},
    {0, NULL},
};

/* For the glue: a new reference to jsnull. */
SANGAM_EXPORT PyObject *
sangam_py_jsnull(void)
{
    return Py_NewRef(sangam_jsnull);
}

/* ---- the mixins and the concrete types */

typedef struct {
    int flag;
    const char *name;
    PyType_Slot *slots;
    PyObject *type;
} Mixin;

/* In MRO order: where two mixins fill the same slot, the earlier one wins. */
static Mixin mixins[] = {
    {JS_DOUBLE_PROXY, "pyodide.ffi.JsDoubleProxy", jsdoubleproxy_slots},
    {JS_ONCE_CALLABLE, "pyodide.ffi.JsOnceCallable", jsoncecallable_slots},
    {JS_TYPEDARRAY, "pyodide.ffi.JsTypedArray", jstypedarray_slots},
    {JS_BUFFER, "pyodide.ffi.JsBuffer", jsbuffer_slots},
    {JS_ARRAY, "pyodide.ffi.JsArray", jsarray_slots},
    {JS_MUTABLE_MAP, "pyodide.ffi.JsMutableMap", jsmutablemap_slots},
    {JS_MAP, "pyodide.ffi.JsMap", jsmap_slots},
    {JS_GET, "pyodide.ffi._JsGetItem", jsgetitem_slots},
    {JS_SET, "pyodide.ffi._JsSetItem", jssetitem_slots},
    {JS_HAS, "pyodide.ffi._JsContains", jscontains_slots},
    {JS_LENGTH, "pyodide.ffi.JsSized", jslength_slots},
    {JS_GENERATOR, "pyodide.ffi.JsGenerator", jsgenerator_slots},
    {JS_ITERATOR, "pyodide.ffi.JsIterator", jsiterator_slots},
    {JS_ITERABLE, "pyodide.ffi.JsIterable", jsiterable_slots},
    {JS_ASYNC_GENERATOR, "pyodide.ffi.JsAsyncGenerator", jsasyncgen_slots},
    {JS_ASYNC_ITERATOR, "pyodide.ffi.JsAsyncIterator", jsasynciterator_slots},
    {JS_ASYNC_ITERABLE, "pyodide.ffi.JsAsyncIterable", jsasynciterable_slots},
    {JS_THENABLE, "pyodide.ffi.JsPromise", jspromise_slots},
    {JS_CALLABLE, "pyodide.ffi.JsCallable", jscallable_slots},
    {JS_ERROR, "pyodide.ffi.JsError", jserror_slots},
    {JS_WEAKREF, "pyodide.ffi.JsWeakRef", jsweakref_slots},
};
#define N_MIXINS ((int)(sizeof(mixins) / sizeof(mixins[0])))

static PyType_Slot concrete_slots[] = {{0, NULL}};

/* What `match` takes the value for: an array is a sequence, a map (or object map) a mapping. */
static unsigned long
collection_flags(int flags)
{
    if (flags & (JS_ARRAY | JS_TYPEDARRAY)) {
        return Py_TPFLAGS_SEQUENCE;
    }
    return flags & (JS_MAP | JS_OBJECT_MAP) ? Py_TPFLAGS_MAPPING : 0;
}

/* The type for a set of capabilities: a subclass of each matching mixin (or of JsProxy). */
static PyTypeObject *
type_for(int flags)
{
    PyObject *key = PyLong_FromLong(flags);
    if (key == NULL) {
        return NULL;
    }
    PyObject *type = PyDict_GetItemWithError(type_cache, key); /* borrowed */
    if (type == NULL && !PyErr_Occurred()) {
        PyObject *bases = PyList_New(0);
        for (int i = 0; bases && i < N_MIXINS; i++) {
            if ((flags & mixins[i].flag) && PyList_Append(bases, mixins[i].type) < 0) {
                Py_CLEAR(bases);
            }
        }
        if (bases && PyList_GET_SIZE(bases) == 0) {
            type = Py_NewRef((PyObject *)JsProxyType);
        } else if (bases) {
            PyObject *tuple = PyList_AsTuple(bases);
            PyType_Spec spec = {
                .name = "pyodide.ffi.JsProxy",
                .basicsize = sizeof(JsProxy),
                .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
                         collection_flags(flags),
                .slots = concrete_slots,
            };
            type = tuple ? PyType_FromSpecWithBases(&spec, tuple) : NULL;
            Py_XDECREF(tuple);
        }
        Py_XDECREF(bases);
        if (type && PyDict_SetItem(type_cache, key, type) < 0) {
            Py_CLEAR(type);
        }
        Py_XDECREF(type); /* the cache holds it */
    }
    Py_DECREF(key);
    return (PyTypeObject *)type;
}

SANGAM_EXPORT PyObject *
sangam_jsproxy_new(JsRef ref, int flags, JsRef this_)
{
    PyTypeObject *type = type_for(flags);
    JsProxy *self = type ? PyObject_New(JsProxy, type) : NULL;
    if (self == NULL) {
        sangam_h_release(ref);
        sangam_h_release(this_);
        return NULL;
    }
    Py_INCREF(type); /* instances of heap types own a reference to their type */
    self->ref = ref;
    self->this_ = this_;
    self->flags = flags;
    self->dict = NULL;
    self->vectorcall = (flags & JS_CALLABLE) ? jsproxy_vectorcall : NULL;
    return (PyObject *)self;
}

PyObject *
sangam_jsproxy_wrap(JsRef ref)
{
    int flags = sangam_js_flags(ref);
    if (flags < 0) {
        sangam_h_release(ref);
        return NULL;
    }
    return sangam_jsproxy_new(ref, flags, 0);
}

/* ---- the metaclass: a raised JsException is a JsProxy (of its JS error), and a JsProxy of a JS
 * Error is a JsException, for isinstance and issubclass as in Pyodide. (The two cannot share a
 * base: an exception's memory layout is BaseException's.) */

PyTypeObject *sangam_JsProxyMeta;

static PyObject *
meta_instancecheck(PyObject *cls, PyObject *inst)
{
    int r = PyObject_TypeCheck(inst, (PyTypeObject *)cls) ||
            (cls == (PyObject *)JsProxyType &&
             PyObject_TypeCheck(inst, (PyTypeObject *)sangam_JsException)) ||
            (cls == sangam_JsException && sangam_jsproxy_check(inst) && (FLAGS(inst) & JS_ERROR));
    return PyBool_FromLong(r);
}

static PyObject *
meta_subclasscheck(PyObject *cls, PyObject *sub)
{
    if (!PyType_Check(sub)) {
        PyErr_SetString(PyExc_TypeError, "issubclass() arg 1 must be a class");
        return NULL;
    }
    PyTypeObject *t = (PyTypeObject *)sub;
    int r =
        PyType_IsSubtype(t, (PyTypeObject *)cls) ||
        (cls == (PyObject *)JsProxyType && PyType_IsSubtype(t, (PyTypeObject *)sangam_JsException));
    for (int i = 0; !r && cls == sangam_JsException && i < N_MIXINS; i++) {
        r = mixins[i].flag == JS_ERROR && PyType_IsSubtype(t, (PyTypeObject *)mixins[i].type);
    }
    return PyBool_FromLong(r);
}

static PyMethodDef meta_methods[] = {
    {"__instancecheck__", meta_instancecheck, METH_O, NULL},
    {"__subclasscheck__", meta_subclasscheck, METH_O, NULL},
    {NULL},
};

static PyType_Slot meta_slots[] = {
    {Py_tp_methods, meta_methods},
    {0, NULL},
};

int
sangam_jsproxy_init(PyObject *module)
{
    PyType_Spec meta_spec = {
        .name = "pyodide.ffi._JsProxyType",
        .basicsize = 0,
        .flags = Py_TPFLAGS_DEFAULT,
        .slots = meta_slots,
    };
    sangam_JsProxyMeta =
        (PyTypeObject *)PyType_FromSpecWithBases(&meta_spec, (PyObject *)&PyType_Type);
    if (sangam_JsProxyMeta == NULL) {
        return -1;
    }
    PyType_Spec spec = {
        .name = "pyodide.ffi.JsProxy",
        .basicsize = sizeof(JsProxy),
        .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
        .slots = jsproxy_slots,
    };
    JsProxyType = (PyTypeObject *)PyType_FromMetaclass(sangam_JsProxyMeta, module, &spec, NULL);
    type_cache = PyDict_New();
    if (JsProxyType == NULL || type_cache == NULL ||
        PyModule_AddObjectRef(module, "JsProxy", (PyObject *)JsProxyType) < 0) {
        return -1;
    }
    PyType_Spec jsnull_spec = {
        .name = "pyodide.ffi.JsNull",
        .basicsize = sizeof(PyObject),
        .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
        .slots = jsnull_slots,
    };
    PyObject *jsnull_type = PyType_FromSpec(&jsnull_spec);
    sangam_jsnull =
        jsnull_type ? (PyObject *)PyObject_New(PyObject, (PyTypeObject *)jsnull_type) : NULL;
    if (sangam_jsnull == NULL || PyModule_AddObjectRef(module, "JsNull", jsnull_type) < 0 ||
        PyModule_AddObjectRef(module, "jsnull", sangam_jsnull) < 0) {
        return -1;
    }
    Py_INCREF(jsnull_type); /* the instance's reference to its heap type */
    Py_DECREF(jsnull_type);
    for (int i = 0; i < N_MIXINS; i++) {
        PyType_Spec mixin = {
            .name = mixins[i].name,
            .basicsize = sizeof(JsProxy),
            .flags =
                Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION |
                (mixins[i].flag == JS_CALLABLE ? Py_TPFLAGS_HAVE_VECTORCALL : 0) |
                (mixins[i].flag & (JS_ARRAY | JS_TYPEDARRAY | JS_MAP | JS_MUTABLE_MAP)
                     ? collection_flags(mixins[i].flag == JS_MUTABLE_MAP ? JS_MAP : mixins[i].flag)
                     : 0),
            .slots = mixins[i].slots,
        };
        mixins[i].type = PyType_FromSpecWithBases(&mixin, (PyObject *)JsProxyType);
        if (mixins[i].type == NULL ||
            PyModule_AddObjectRef(module, strrchr(mixins[i].name, '.') + 1, mixins[i].type) < 0) {
            return -1;
        }
    }
    return 0;
}
