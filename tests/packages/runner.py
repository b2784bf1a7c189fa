"""Runs the Python package tests (tests/packages/test_*.py) inside the runtime, on the JS event loop.

unittest's own runner cannot await (asyncio.run does not exist under the web loop), so this one
runs each TestCase method and awaits it when it is a coroutine: `await runner.main(pattern)`.
It prints one line per test and ends with "N passed, N failed" (tests/run-all.sh reads it).
"""

import importlib
import inspect
import os
import sys
import time
import traceback
import unittest


async def _run_case(case):
    """Runs one test; returns None or the formatted failure."""
    method = getattr(case, case._testMethodName)
    try:
        r = case.setUp()
        if inspect.isawaitable(r):
            await r
        try:
            r = method()
            if inspect.isawaitable(r):
                await r
        finally:
            r = case.tearDown()
            if inspect.isawaitable(r):
                await r
            for fn, args, kwargs in reversed(getattr(case, "_cleanups", [])):
                fn(*args, **kwargs)
            case._cleanups = []
    except unittest.SkipTest as e:
        return f"SKIPPED: {e}"
    except BaseException:
        return traceback.format_exc()
    return None


async def main(pattern="test_*.py", only=None):
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    import fnmatch

    names = sorted(f[:-3] for f in os.listdir(here) if fnmatch.fnmatch(f, pattern))
    passed = failed = 0
    failures = []
    for modname in names:
        mod = importlib.import_module(modname)
        for cls_name, cls in sorted(vars(mod).items()):
            if not (isinstance(cls, type) and issubclass(cls, unittest.TestCase)) or cls.__module__ != modname:
                continue
            for attr in sorted(dir(cls)):
                if not attr.startswith("test") or (only and only not in f"{cls_name}.{attr}"):
                    continue
                case = cls(attr)
                t0 = time.monotonic()
                err = await _run_case(case)
                label = f"{modname}.{cls_name}.{attr}"
                if err is None:
                    passed += 1
                    print(f"ok   {label} ({time.monotonic() - t0:.2f} s)")
                else:
                    failed += 1
                    failures.append((label, err))
                    print(f"FAIL {label}")
    for label, err in failures:
        print(f"\n=== {label}\n{err}")
    print(f"{passed} passed, {failed} failed, 0 skipped")
    return failed == 0 and passed > 0
