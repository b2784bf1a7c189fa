"""Runs the Python behaviour tests inside the runtime: bin/sangam tests/py/run.py [PATTERN]."""
import pathlib
import sys
import unittest

here = pathlib.Path(__file__).resolve().parent
pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
suite = unittest.defaultTestLoader.discover(str(here), pattern=pattern, top_level_dir=str(here))
result = unittest.TextTestRunner(verbosity=2).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
passed = result.testsRun - failed - len(result.skipped)
print(f"{passed} passed, {failed} failed, {len(result.skipped)} skipped")
sys.exit(1 if failed or result.testsRun == 0 else 0)
