/* Capability flags shared by C and JS: the one source of truth. C sends each name and value to
 * JS at start-up (ffimodule.c), so the JS glue reads Flags.X and never repeats a number.
 *
 * JS_*: what a JS value can do; JS computes them (convert.js) and jsproxy.c picks the JsProxy
 * subclass from them. PY_*: what a Python object can do; C computes them (pyproxy.c) and
 * pyproxy.js picks the PyProxy class from them. */
#ifndef SANGAM_FLAGS_H
#define SANGAM_FLAGS_H

#define SANGAM_JS_FLAGS(X)                                                                         \
    X(JS_CALLABLE, 1 << 0)                                                                         \
    X(JS_ARRAY, 1 << 1)                                                                            \
    X(JS_TYPEDARRAY, 1 << 2)                                                                       \
    X(JS_BUFFER, 1 << 3)                                                                           \
    X(JS_MAP, 1 << 4)                                                                              \
    X(JS_MUTABLE_MAP, 1 << 5)                                                                      \
    X(JS_LENGTH, 1 << 6)                                                                           \
    X(JS_ITERABLE, 1 << 7)                                                                         \
    X(JS_ITERATOR, 1 << 8)                                                                         \
    X(JS_GENERATOR, 1 << 9)                                                                        \
    X(JS_ASYNC_ITERABLE, 1 << 10)                                                                  \
    X(JS_ASYNC_ITERATOR, 1 << 11)                                                                  \
    X(JS_ASYNC_GENERATOR, 1 << 12)                                                                 \
    X(JS_THENABLE, 1 << 13)                                                                        \
    X(JS_ERROR, 1 << 14)                                                                           \
    X(JS_OBJECT_MAP, 1 << 15)                                                                      \
    X(JS_DOUBLE_PROXY, 1 << 16)                                                                    \
    X(JS_ONCE_CALLABLE, 1 << 17)                                                                   \
    X(JS_HEREDITARY, 1 << 18)                                                                      \
    X(JS_WEAKREF, 1 << 19)                                                                         \
    X(JS_GET, 1 << 20)                                                                             \
    X(JS_SET, 1 << 21)                                                                             \
    X(JS_HAS, 1 << 22)                                                                             \
    X(JS_PY_JSON, 1 << 23)

#define SANGAM_PY_FLAGS(X)                                                                         \
    X(PY_LENGTH, 1 << 0)                                                                           \
    X(PY_GET, 1 << 1)                                                                              \
    X(PY_SET, 1 << 2)                                                                              \
    X(PY_CONTAINS, 1 << 3)                                                                         \
    X(PY_ITERABLE, 1 << 4)                                                                         \
    X(PY_ITERATOR, 1 << 5)                                                                         \
    X(PY_AWAITABLE, 1 << 6)                                                                        \
    X(PY_BUFFER, 1 << 7)                                                                           \
    X(PY_CALLABLE, 1 << 8)                                                                         \
    X(PY_ASYNC_ITERABLE, 1 << 9)                                                                   \
    X(PY_ASYNC_ITERATOR, 1 << 10)                                                                  \
    X(PY_GENERATOR, 1 << 11)                                                                       \
    X(PY_ASYNC_GENERATOR, 1 << 12)                                                                 \
    X(PY_SEQUENCE, 1 << 13)                                                                        \
    X(PY_MUTABLE_SEQUENCE, 1 << 14)                                                                \
    X(PY_DICT, 1 << 15)

#define SANGAM_FLAG_ENUM(name, value) name = (value),
enum { SANGAM_JS_FLAGS(SANGAM_FLAG_ENUM) SANGAM_PY_FLAGS(SANGAM_FLAG_ENUM) };
#undef SANGAM_FLAG_ENUM

#endif
