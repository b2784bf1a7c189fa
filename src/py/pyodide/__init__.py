"""sangam's `pyodide` package: the Python API it shares with Pyodide (ffi, code, console, http,
webloop), so that code written for Pyodide runs unchanged."""

# The one place the version is written; the JS API reads it from here.
__version__ = "0.1.0"

__all__ = ["__version__", "ffi", "code", "console", "http", "webloop"]


def __getattr__(name):
    # Submodules load on first use: `import pyodide` stays cheap at start-up.
    if name in ("ffi", "code", "console", "http", "webloop"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'pyodide' has no attribute {name!r}")
