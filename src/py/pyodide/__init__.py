"""sangam's `pyodide` package: the Python API it shares with Pyodide (ffi, code, console, http,
webloop), so that code written for Pyodide runs unchanged."""

from _sangam_ffi import __version__  # sangam's version (Makefile: VERSION)

__all__ = ["__version__", "ffi", "code", "console", "http", "webloop"]


def __getattr__(name):
    # Submodules load on first use: `import pyodide` stays cheap at start-up.
    if name in ("ffi", "code", "console", "http", "webloop"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'pyodide' has no attribute {name!r}")
