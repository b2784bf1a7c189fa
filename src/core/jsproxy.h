/* Internal interface of the JsProxy files (jsproxy*.c): the proxy object, the JS glue they call
 * (jsproxy.js), and what one capability's file offers the others. Not seen outside src/core. */
#ifndef SANGAM_JSPROXY_H
#define SANGAM_JSPROXY_H

#include "sangam.h"
#include "flags.h"

typedef struct {
    PyObject_HEAD JsRef ref; /* the value */
    JsRef this_;             /* for a function read as an attribute: the object it was read from */
    vectorcallfunc vectorcall;
    int flags;
    PyObject *dict; /* Python-side attributes: dunder names (__spec__ of a JS module, ...) */
} JsProxy;

#define REF(self) (((JsProxy *)(self))->ref)
#define FLAGS(self) (((JsProxy *)(self))->flags)

/* jsproxy.js. PyObject results are new references or NULL with an exception set; a NULL with no
 * exception means "missing" where noted. */
PyObject *sangam_js_getattr(JsRef obj, const char *name, int len);        /* missing */
int sangam_js_setattr(JsRef obj, const char *name, int len, JsRef value); /* 0: delete */
/* sangam_js_getattr with the name cache's index i of name (jsproxy.c); (PyObject *)1 or 2: an
 * int or a float is in *number. */
PyObject *sangam_js_getattr_cached(JsRef obj, int i, const char *name, int len, double *number);
void sangam_js_names_clear(void);
PyObject *sangam_js_call(JsRef func, JsRef this_, JsRef *argv, int nargs, JsRef *kwnames, int nkw,
                         int mark, int construct);
PyObject *sangam_js_repr(JsRef obj);
int sangam_js_equal(JsRef a, JsRef b);
int sangam_js_bool(JsRef obj);
PyObject *sangam_js_typeof(JsRef obj);
double sangam_js_id(JsRef obj);
int sangam_js_flags(JsRef obj);
PyObject *sangam_js_subscript(JsRef obj, JsRef key, int flags); /* missing */
int sangam_js_ass_subscript(JsRef obj, JsRef key, JsRef value, int flags);
int sangam_js_contains(JsRef obj, JsRef key, int flags);
PyObject *sangam_js_iter(JsRef obj, int async);
/* how: 0 next, 1 throw, 2 return. mark >= 0: the borrowed proxies made since mark (for arg)
 * live until the generator is done. */
PyObject *sangam_js_next(JsRef it, JsRef arg, int how, int *done, int mark);
PyObject *sangam_js_anext(JsRef it, JsRef arg, int how, int mark);
SANGAM_EXPORT void sangam_set_ignored_return(void);     /* jsproxy_iter.c, for the glue */
PyObject *sangam_js_object_items(JsRef obj, int which); /* 0 entries, 1 keys, 2 values */
PyObject *sangam_js_dir(JsRef obj);
int sangam_js_await(JsRef promise, PyObject *future);
PyObject *sangam_js_then(JsRef promise, JsRef on_fulfilled, JsRef on_rejected, int kind);
int sangam_js_buffer_info(JsRef obj, int32_t *out); /* byteLength, itemsize, format char */
int sangam_js_buffer_read(JsRef obj, void *dst);
int sangam_js_buffer_write(JsRef obj, const void *src, size_t n);
PyObject *sangam_js_to_py_deep(JsRef obj, int depth, PyObject *default_converter);
PyObject *sangam_js_method(JsRef obj, const char *name, JsRef arg); /* obj.name(arg?) */
PyObject *sangam_js_pyproxy_object(JsRef proxy);                    /* the object a PyProxy holds */

/* jsproxy_seq.js: lengths and JsArray's sequence operations (indices adjusted by C). */
double sangam_js_length(JsRef obj, int flags); /* -Infinity with an exception on error */
PyObject *sangam_js_array_getslice(JsRef obj, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step,
                                   Py_ssize_t n);
int sangam_js_array_setslice(JsRef obj, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step,
                             Py_ssize_t n, JsRef items); /* items 0: delete */
Py_ssize_t sangam_js_array_index(JsRef obj, JsRef x, Py_ssize_t start,
                                 Py_ssize_t stop); /* -1 missing, -2 error */
PyObject *sangam_js_array_repeat(JsRef obj, Py_ssize_t n, int in_place);
JsRef sangam_js_array_new(void);                   /* convert.js */
int sangam_js_array_push(JsRef array, JsRef item); /* steals item; -1 if item is 0 */

/* jsproxy.c: the base type. A JS property name for a Python one (a trailing '_' after a Python
 * keyword is dropped: `js.Array.from_`); UTF-8 owned by name, or NULL with an exception. */
const char *jsproxy_js_name(PyObject *name, int *len);

/* jsproxy_call.c: calls the JS function (construct: with `new`); keywords go in a trailing object.
 */
PyObject *jsproxy_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames,
                       int construct);
PyObject *jsproxy_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                             PyObject *kwnames);

/* jsproxy_bind.c: bind_sig and bind_class (methods of every JsProxy); calls and attribute reads
 * of a proxy with a signature (jsbind_call sets *handled to 0, returning NULL with no exception,
 * for a proxy without one; jsbind_attribute steals value and returns it as is then). */
PyObject *jsproxy_bind_sig(PyObject *self, PyObject *sig);
PyObject *jsproxy_bind_class(PyObject *self, PyObject *sig);
PyObject *jsbind_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames,
                      int *handled);
PyObject *jsbind_attribute(PyObject *self, PyObject *name, PyObject *value);

/* jsproxy_array.c: length, subscripts and membership, shared by arrays, maps and typed arrays. */
Py_ssize_t jsproxy_length(PyObject *self);
PyObject *jsproxy_subscript(PyObject *self, PyObject *key);
int jsproxy_ass_subscript(PyObject *self, PyObject *key, PyObject *value);
int jsproxy_contains(PyObject *self, PyObject *key);

/* The slots of each capability's mixin, one file each; jsproxy.c combines them (flags.h). */
extern PyType_Slot jscallable_slots[]; /* jsproxy_call.c */
extern PyType_Slot jslength_slots[];   /* jsproxy_array.c */
extern PyType_Slot jsarray_slots[];
extern PyType_Slot jsmap_slots[];      /* jsproxy_map.c */
extern PyType_Slot jsgetitem_slots[];  /* jsproxy_map.c */
extern PyType_Slot jssetitem_slots[];  /* jsproxy_map.c */
extern PyType_Slot jscontains_slots[]; /* jsproxy_map.c */
extern PyType_Slot jsmutablemap_slots[];
extern PyType_Slot jsiterable_slots[]; /* jsproxy_iter.c */
extern PyType_Slot jsiterator_slots[];
extern PyType_Slot jsgenerator_slots[];
extern PyType_Slot jsasynciterable_slots[];
extern PyType_Slot jsasynciterator_slots[];
extern PyType_Slot jsasyncgen_slots[];
extern PyType_Slot jspromise_slots[]; /* jsproxy_promise.c */
extern PyType_Slot jsbuffer_slots[];  /* jsproxy_buffer.c */
extern PyType_Slot jstypedarray_slots[];

#endif
