"""pyodide.ffi: the Python side of the foreign function interface (implemented in C, in the
_sangam_ffi module): JsProxy and its capability classes, conversions and proxy lifetimes."""

from _sangam_ffi import (
    ConversionError,
    JsArray,
    JsAsyncGenerator,
    JsAsyncIterable,
    JsAsyncIterator,
    JsBuffer,
    JsCallable,
    JsDoubleProxy,
    JsError,
    JsException,
    JsGenerator,
    JsIterable,
    JsIterator,
    JsMap,
    JsMutableMap,
    JsNull,
    JsOnceCallable,
    JsPromise,
    JsProxy,
    JsSized,
    JsTypedArray,
    JsWeakRef,
    create_once_callable,
    create_proxy,
    destroy_proxies,
    to_js,
    jsnull,
)
from pyodide._js_modules import register_js_module, unregister_js_module

import collections.abc as _abc
import js as _js

# Each capability's class is registered with its collections.abc counterpart, as in Pyodide, so
# isinstance(x, Sequence), MutableMapping, Generator, ... hold for the proxies of such JS values.
for _cls, _abcs in (
    (JsArray, (_abc.MutableSequence,)),
    (JsTypedArray, (_abc.MutableSequence,)),
    (JsMap, (_abc.Mapping,)),
    (JsMutableMap, (_abc.MutableMapping,)),
    (JsIterable, (_abc.Iterable,)),
    (JsIterator, (_abc.Iterator,)),
    (JsGenerator, (_abc.Generator,)),
    (JsAsyncIterable, (_abc.AsyncIterable,)),
    (JsAsyncIterator, (_abc.AsyncIterator,)),
    (JsAsyncGenerator, (_abc.AsyncGenerator,)),
):
    for _base in _abcs:
        _base.register(_cls)
del _cls, _abcs, _base

class InternalError(Exception):
    """Raised when an internal check of the FFI fails but the runtime can go on."""


# True in a browser or web worker, False under Node.
IN_BROWSER = not hasattr(_js, "process") or not hasattr(_js.process, "versions")

__all__ = [
    "ConversionError",
    "IN_BROWSER",
    "InternalError",
    "JsArray",
    "JsAsyncGenerator",
    "JsAsyncIterable",
    "JsAsyncIterator",
    "JsBuffer",
    "JsCallable",
    "JsDoubleProxy",
    "JsError",
    "JsException",
    "JsGenerator",
    "JsIterable",
    "JsIterator",
    "JsMap",
    "JsMutableMap",
    "JsNull",
    "JsOnceCallable",
    "JsPromise",
    "JsProxy",
    "JsSized",
    "JsTypedArray",
    "JsWeakRef",
    "create_once_callable",
    "create_proxy",
    "destroy_proxies",
    "jsnull",
    "register_js_module",
    "to_js",
    "unregister_js_module",
]
