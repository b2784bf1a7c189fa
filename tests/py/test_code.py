"""pyodide.code: eval_code, CodeRunner, should_quiet, find_imports, relaxed_call, run_js."""
import ast
import asyncio
import importlib.util
import traceback
import unittest

from pyodide.code import (
    CodeRunner,
    eval_code,
    eval_code_async,
    find_imports,
    relaxed_call,
    relaxed_wrap,
    run_js,
    should_quiet,
)

HAVE_JS = importlib.util.find_spec("js") is not None


def run_async(coro):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


class ShouldQuiet(unittest.TestCase):
    def test_cases(self):
        self.assertFalse(should_quiet("1 + 1"))
        self.assertTrue(should_quiet("1 + 1;"))
        self.assertTrue(should_quiet("1 + 1 ;\n\n  \n"))
        self.assertTrue(should_quiet("1 + 1; # a comment"))
        self.assertFalse(should_quiet("1 + 1 # comment ;"))
        self.assertFalse(should_quiet("x = ';'"))
        self.assertFalse(should_quiet("a; b"))
        self.assertFalse(should_quiet(""))


class EvalCode(unittest.TestCase):
    def test_last_expression(self):
        self.assertEqual(eval_code("1 + 1"), 2)
        self.assertEqual(eval_code("x = 6\nx * 7"), 42)
        self.assertIsNone(eval_code("x = 6"))
        self.assertIsNone(eval_code("if True:\n    5"))
        self.assertIsNone(eval_code(""))

    def test_trailing_semicolon(self):
        self.assertIsNone(eval_code("1 + 1;"))
        self.assertIsNone(eval_code("1 + 1 ; # comment\n"))
        self.assertEqual(eval_code("1 + 1;", quiet_trailing_semicolon=False), 2)
        self.assertEqual(eval_code("1 + 1 # ;"), 2)
        self.assertEqual(eval_code("';'"), ";")
        self.assertEqual(eval_code("x = 1; x + 1"), 2)

    def test_return_modes(self):
        self.assertIsNone(eval_code("x = 5", return_mode="last_expr"))
        self.assertEqual(eval_code("x = 5", return_mode="last_expr_or_assign"), 5)
        self.assertEqual(eval_code("x = 5\nx += 2", return_mode="last_expr_or_assign"), 7)
        self.assertEqual(eval_code("a = b = 3", return_mode="last_expr_or_assign"), 3)
        self.assertEqual(eval_code("x: int = 4", return_mode="last_expr_or_assign"), 4)
        self.assertIsNone(eval_code("x: int", return_mode="last_expr_or_assign"))
        self.assertIsNone(eval_code("a, b = 1, 2", return_mode="last_expr_or_assign"))
        self.assertIsNone(eval_code("x = 5;", return_mode="last_expr_or_assign"))
        self.assertEqual(eval_code("x = 5\nx - 1", return_mode="last_expr_or_assign"), 4)
        self.assertIsNone(eval_code("1 + 1", return_mode="none"))

    def test_globals_default_to_a_new_dict(self):
        eval_code("leaked = 1")
        with self.assertRaises(NameError):
            eval_code("leaked")

    def test_globals_and_locals(self):
        g = {"y": "global"}
        self.assertEqual(eval_code("z = 2\ny", g), "global")
        self.assertEqual(g["z"], 2)
        self.assertEqual(set(g), {"y", "z", "__builtins__"})  # no helper names left behind
        loc = {"y": "local"}
        self.assertEqual(eval_code("(y, globals()['y'])", g, loc), ("local", "global"))
        eval_code("w = 3", g, loc)
        self.assertEqual(loc, {"y": "local", "w": 3})
        self.assertNotIn("w", g)

    def test_dedent(self):
        self.assertEqual(eval_code("\n    x = 1\n    x + 1\n"), 2)

    def test_syntax_error_filename(self):
        with self.assertRaises(SyntaxError) as cm:
            eval_code("1 +")
        self.assertEqual(cm.exception.filename, "<exec>")
        with self.assertRaises(SyntaxError) as cm:
            eval_code("x = (", filename="script.py")
        self.assertEqual(cm.exception.filename, "script.py")
        with self.assertRaises(SyntaxError):
            eval_code("await x")  # top-level await only in eval_code_async

    def test_traceback_shows_filename_and_source(self):
        try:
            eval_code("a = 1\nb = a / 0\n", filename="my_file.py")
        except ZeroDivisionError as e:
            text = "".join(traceback.format_exception(e))
        else:
            self.fail("no ZeroDivisionError")
        self.assertIn('File "my_file.py", line 2, in <module>', text)
        self.assertIn("b = a / 0", text)

    def test_flags(self):
        source = "def f(x: undefined_name): pass\nf.__annotations__"
        with self.assertRaises(NameError):
            eval_code(source)
        flag = __import__("__future__").annotations.compiler_flag
        self.assertEqual(eval_code(source, flags=flag), {"x": "undefined_name"})


class EvalCodeAsync(unittest.TestCase):
    def test_top_level_await(self):
        source = "import asyncio\nawait asyncio.sleep(0)\nx = await asyncio.sleep(0, 21)\nx * 2"
        self.assertEqual(run_async(eval_code_async(source)), 42)

    def test_is_a_coroutine(self):
        coro = eval_code_async("1 + 1")
        self.assertTrue(asyncio.iscoroutine(coro))
        self.assertEqual(run_async(coro), 2)

    def test_semicolon_and_modes(self):
        self.assertIsNone(run_async(eval_code_async("import asyncio\nawait asyncio.sleep(0, 1);")))
        source = "import asyncio\nx = await asyncio.sleep(0, 3)"
        self.assertEqual(run_async(eval_code_async(source, return_mode="last_expr_or_assign")), 3)

    def test_coroutine_result_is_not_awaited(self):
        result = run_async(eval_code_async("async def f():\n    return 1\nf()"))
        self.assertTrue(asyncio.iscoroutine(result))
        result.close()

    def test_extra_flags_keep_top_level_await(self):
        flag = __import__("__future__").annotations.compiler_flag
        source = "import asyncio\nawait asyncio.sleep(0, 5)"
        self.assertEqual(run_async(eval_code_async(source, flags=flag)), 5)

    def test_globals(self):
        g = {"n": 4}
        source = "import asyncio\nm = await asyncio.sleep(0, n)\nm + 1"
        self.assertEqual(run_async(eval_code_async(source, g)), 5)
        self.assertEqual(g["m"], 4)


class CodeRunnerTests(unittest.TestCase):
    def test_run(self):
        runner = CodeRunner("x + y")
        self.assertIsInstance(runner.ast, ast.Module)
        self.assertIs(runner.compile(), runner)
        self.assertEqual(runner.run({"x": 20}, {"y": 5}), 25)
        self.assertEqual(runner.run({"x": 1, "y": 2}), 3)

    def test_ast_transform(self):
        runner = CodeRunner("1 + 1")
        runner.ast.body[0].value.right = ast.Constant(41)
        self.assertEqual(runner.compile().run(), 42)

    def test_state_errors(self):
        runner = CodeRunner("1")
        with self.assertRaises(RuntimeError):
            runner.run()
        runner.compile()
        with self.assertRaises(RuntimeError):
            runner.compile()
        runner.code = None
        self.assertIsNone(runner.run())

    def test_top_level_await_needs_run_async(self):
        source = "import asyncio\nawait asyncio.sleep(0, 7)"
        runner = CodeRunner(source, flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        runner.compile()
        with self.assertRaises(RuntimeError):
            runner.run()
        self.assertEqual(run_async(runner.run_async()), 7)

    def test_modes(self):
        self.assertEqual(CodeRunner("2 ** 10", mode="eval").compile().run(), 1024)
        self.assertIsNone(CodeRunner("2 ** 10", mode="eval", return_mode="none").compile().run())
        self.assertEqual(CodeRunner("x = 3; x * 3", mode="single").compile().run(), 9)
        runner = CodeRunner("y = 8", mode="single", return_mode="last_expr_or_assign")
        self.assertEqual(runner.compile().run(), 8)

    def test_syntax_error_at_construction(self):
        with self.assertRaises(SyntaxError) as cm:
            CodeRunner("def", filename="f.py")
        self.assertEqual(cm.exception.filename, "f.py")


class FindImports(unittest.TestCase):
    def test_imports(self):
        imports = find_imports("import numpy as np; import scipy.stats")
        self.assertEqual(imports, ["numpy", "scipy", "scipy.stats"])
        imports = find_imports("from a.b.c import d\nimport e, f.g")
        self.assertEqual(imports, ["a", "a.b", "a.b.c", "e", "f", "f.g"])

    def test_relative_and_nested(self):
        self.assertEqual(find_imports("from . import x\nfrom .. import y"), [])
        self.assertEqual(find_imports("from .pkg.mod import x"), ["pkg", "pkg.mod"])
        source = "def f():\n    import json\n    from os import path"
        self.assertEqual(find_imports(source), ["json", "os"])
        self.assertEqual(find_imports("\n    import sys\n    import sys\n"), ["sys"])

    def test_invalid_source(self):
        self.assertEqual(find_imports("import"), [])
        self.assertEqual(find_imports("x = 1"), [])


class Relaxed(unittest.TestCase):
    def test_relaxed_call(self):
        def f(a, b=2, *, c=3):
            return a, b, c

        self.assertEqual(relaxed_call(f, 1), (1, 2, 3))
        self.assertEqual(relaxed_call(f, 1, 5, 6, 7), (1, 5, 3))
        self.assertEqual(relaxed_call(f, 1, c=9, d=10), (1, 2, 9))
        with self.assertRaises(TypeError):
            relaxed_call(f)  # missing arguments are not filled in
        with self.assertRaises(TypeError):
            relaxed_call(f, 1, a=2)  # given twice

    def test_variadic_functions_get_everything(self):
        self.assertEqual(relaxed_call(lambda *args: args, 1, 2, x=3), (1, 2))
        self.assertEqual(relaxed_call(lambda a, **kw: (a, kw), 1, 2, x=3), (1, {"x": 3}))
        self.assertEqual(relaxed_call(lambda _extra_args: _extra_args, 1, 2), 1)

    def test_no_signature(self):
        self.assertEqual(relaxed_call(max, 1, 3, 2), 3)
        with self.assertRaises(TypeError):
            relaxed_wrap(max)

    def test_relaxed_wrap(self):
        class C:
            def method(self, x):
                return x * 2

        @relaxed_wrap
        def g(x, y):
            """doc"""
            return x - y

        self.assertEqual(g(5, 3, 1, z=0), 2)
        self.assertEqual(g.__name__, "g")
        self.assertEqual(g.__doc__, "doc")
        self.assertEqual(relaxed_wrap(C().method)(4, "extra"), 8)
        self.assertEqual(relaxed_call(C, "extra").method(1), 2)


class RunJs(unittest.TestCase):
    def test_module_imports_without_js(self):
        self.assertTrue(callable(run_js))

    @unittest.skipUnless(HAVE_JS, "needs the js module (inside sangam)")
    def test_run_js(self):
        self.assertEqual(run_js("1 + 2"), 3)
        with self.assertRaises(TypeError):
            run_js(12)


if __name__ == "__main__":
    unittest.main()
