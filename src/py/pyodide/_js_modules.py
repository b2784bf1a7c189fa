"""JS objects importable as Python modules (registerJsModule, pyodide.ffi.register_js_module, and
`js` itself): a finder on sys.meta_path that looks names up in a registry.

The module is the JsProxy of the registered object, so Python and JS see each other's changes.
An attribute that is itself a JS object imports as a submodule (`from ns.sub import y`).
Unregistering stops later imports; a module already imported stays in sys.modules until removed
from there, as in Pyodide."""

import sys
from importlib.machinery import ModuleSpec

from _sangam_ffi import JsProxy

_registry = {}


def register_js_module(name, jsproxy):
    """Makes a JS object importable as the module `name`."""
    if not isinstance(jsproxy, JsProxy):
        raise TypeError(f"register_js_module: {jsproxy!r} is not a JsProxy")
    _registry[name] = jsproxy


def unregister_js_module(name):
    """Undoes register_js_module: later imports of `name` fail."""
    if _registry.pop(name, None) is None:
        # Pyodide's wording (code matches on it).
        raise ValueError(
            f"Cannot unregister {name!r}: no Javascript module with that name is registered"
        )


def _lookup(fullname):
    """The JsProxy for a registered name or a dotted path inside one, else None."""
    head, *parts = fullname.split(".")
    obj = _registry.get(head)
    for part in parts:
        if obj is None:
            return None
        obj = getattr(obj, part, None)
        if not isinstance(obj, JsProxy):
            return None
    return obj


class JsModuleFinder:
    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if _lookup(fullname) is None:
            return None
        # A package (empty __path__), so that its attributes can import as submodules.
        return ModuleSpec(fullname, JsModuleFinder, origin="javascript", is_package=True)

    @staticmethod
    def create_module(spec):
        return _lookup(spec.name)

    @staticmethod
    def exec_module(module):
        # `from mod import *` takes the JS object's own property names, or its __all__ (as a
        # list, set on the proxy's Python side: the JS object is left alone).
        names = getattr(module, "__all__", None)
        module.__all__ = _OwnNames(module.__name__) if names is None else [str(n) for n in names]


class _OwnNames:
    """A JS module's __all__: the object's own property names (enumerable or not), read afresh
    each time `import *` starts reading it (from index 0)."""

    def __init__(self, name):
        self._name = name
        self._names = []

    def __len__(self):
        return len(self._names)

    def __getitem__(self, i):
        if i == 0:
            import js

            module = sys.modules.get(self._name) or _lookup(self._name)
            names = js.Object.getOwnPropertyNames(module) if module is not None else []
            self._names = [str(n) for n in names]
        return self._names[i]

    def __repr__(self):
        return repr(self._names)


sys.meta_path.append(JsModuleFinder)
