"""_pyodide.jsbind: the annotations of JsProxy.bind_sig, where Pyodide 0.29 keeps them
(implemented in pyodide._jsbind)."""

from pyodide._jsbind import BindClass, Deep, Default, Json

__all__ = ["BindClass", "Deep", "Default", "Json"]
