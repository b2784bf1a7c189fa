"""_pyodide.jsbind: the annotations of JsProxy.bind_sig, where Pyodide 0.29 keeps them
(implemented in pyodide._jsbind)."""

from pyodide._jsbind import (
    BindClass,
    Deep,
    Default,
    Js2PyConverter,
    Js2PyConverterMeta,
    Json,
    Py2JsConverter,
    Py2JsConverterMeta,
)

__all__ = [
    "BindClass",
    "Deep",
    "Default",
    "Js2PyConverter",
    "Js2PyConverterMeta",
    "Json",
    "Py2JsConverter",
    "Py2JsConverterMeta",
]
