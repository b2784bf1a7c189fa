"""Imports the extensions built by ext.test.mjs (run inside the runtime from their folder)."""
import sys
import unittest

sys.path.insert(0, ".")


class ExtensionTest(unittest.TestCase):
    def test_c_extension(self):
        import spam
        self.assertTrue(spam.__file__.endswith("spam.cpython-313-wasm32-emscripten.so"))
        self.assertEqual(spam.sorted_longs([5, -1, 3, 2**40]), [-1, 3, 5, 2**40])
        with self.assertRaisesRegex(ValueError, "on purpose"):
            spam.fail()
        with self.assertRaises(TypeError):
            spam.sorted_longs(["x"])

    def test_cpp_extension_throws_and_catches(self):
        import cppext
        self.assertEqual(cppext.parse("42"), 42)
        with self.assertRaisesRegex(ValueError, "invalid_argument: abc"):
            cppext.parse("abc")
        with self.assertRaisesRegex(ValueError, "not a positive integer: -4"):
            cppext.parse("-4")
        with self.assertRaisesRegex(ValueError, "out_of_range"):
            cppext.parse("99999999999999999999")
        self.assertEqual(cppext.word_counts("b a b"), [("a", 1), ("b", 2)])

    def test_failed_dlopen_is_an_import_error_and_harmless(self):
        for _ in range(2):
            with self.assertRaises(ImportError) as cm:
                import broken  # noqa: F401
            self.assertIn("sangam_test_symbol_that_does_not_exist", str(cm.exception))
        # Corrupt and truncated side modules: a clear ImportError, nothing else.
        with open("spam.cpython-313-wasm32-emscripten.so", "rb") as f:
            good = f.read()
        for name, data in [("junk", b"not a wasm module"), ("trunc", good[:100])]:
            with open(f"{name}.cpython-313-wasm32-emscripten.so", "wb") as f:
                f.write(data)
            with self.assertRaisesRegex(ImportError, "Could not load dynamic lib"):
                __import__(name)
        # Later imports of good extensions still work.
        import importlib
        import spam
        importlib.reload(spam)
        sys.modules.pop("cppext", None)
        import cppext
        self.assertEqual(cppext.parse("7"), 7)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
