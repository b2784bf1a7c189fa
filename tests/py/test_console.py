"""pyodide.console: Console input, results and errors, streams, completion, repr_shorten."""
import asyncio
import sys
import unittest

from pyodide.console import BANNER, Console, ConsoleFuture, PyodideConsole, repr_shorten, shorten


class LoopTestCase(unittest.TestCase):
    """Runs each test with a fresh current event loop, which the console's futures use."""

    def setUp(self):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.streams = sys.stdin, sys.stdout, sys.stderr

    def tearDown(self):
        restored = (sys.stdin, sys.stdout, sys.stderr) == self.streams
        sys.stdin, sys.stdout, sys.stderr = self.streams
        asyncio.set_event_loop(None)
        self.loop.close()
        self.assertTrue(restored, "the test left the standard streams redirected")

    def run_until(self, awaitable):
        return self.loop.run_until_complete(awaitable)

    def spin(self, times=10):
        """Let the loop run a few rounds of ready callbacks."""
        for _ in range(times):
            self.run_until(asyncio.sleep(0))

    def result(self, console, line):
        future = console.push(line)
        self.assertEqual(future.syntax_check, "complete")
        return self.run_until(future)


class Push(LoopTestCase):
    def test_results(self):
        out = []
        shell = Console(stdout_callback=out.append)
        self.assertIsNone(self.result(shell, "x = 5"))
        self.assertEqual(self.result(shell, "x"), 5)
        self.assertEqual(self.result(shell, "x ** 2"), 25)
        self.assertEqual(out, [])  # results are returned, not displayed
        # A trailing ";" makes the result None; like in the REPL, sys.displayhook shows it.
        self.assertIsNone(self.result(shell, "x;"))
        self.assertEqual("".join(out), "5\n")
        self.assertIsNone(self.result(shell, ""))
        self.assertIsNone(self.result(shell, "# only a comment"))
        self.assertEqual(shell.globals["x"], 5)
        self.assertEqual(shell.globals["__name__"], "__console__")

    def test_incomplete_input(self):
        shell = Console()
        lines = ["def fact(n):", "    if n < 2:", "        return 1", "    return n * fact(n - 1)"]
        for line in lines:
            future = shell.push(line)
            self.assertIsInstance(future, ConsoleFuture)
            self.assertEqual(future.syntax_check, "incomplete")
            self.assertTrue(future.done())
            self.assertIsNone(future.result())
        self.assertEqual(len(shell.buffer), 4)
        self.assertIsNone(self.result(shell, ""))
        self.assertEqual(shell.buffer, [])
        self.assertEqual(self.result(shell, "fact(10)"), 3628800)
        self.assertEqual(shell.push("(1 +").syntax_check, "incomplete")
        self.assertEqual(self.result(shell, "2)"), 3)

    def test_syntax_error(self):
        shell = Console()
        future = shell.push("1+")
        self.assertEqual(future.syntax_check, "syntax-error")
        self.assertIsInstance(future.exception(), SyntaxError)
        expected = '  File "<console>", line 1\n    1+\nSyntaxError: invalid syntax\n'
        self.assertEqual(future.formatted_error, expected)
        self.assertIs(sys.last_exc, future.exception())
        self.assertEqual(shell.buffer, [])
        future = Console(filename="<repl>").push("x = = 1")
        self.assertIn('File "<repl>", line 1', future.formatted_error)
        self.assertTrue(future.formatted_error.endswith("SyntaxError: invalid syntax\n"))
        self.assertIsInstance(future.exception(), SyntaxError)

    def test_exception(self):
        shell = Console()
        future = shell.push("raise Exception('hi')")
        with self.assertRaisesRegex(Exception, "hi"):
            self.run_until(future)
        self.assertEqual(
            future.formatted_error,
            "Traceback (most recent call last):\n"
            '  File "<console>", line 1, in <module>\n'
            "Exception: hi\n",
        )
        self.assertIs(sys.last_exc, future.exception())
        self.result(shell, "def f():\n    return 1 / 0\n")
        future = shell.push("f()")
        with self.assertRaises(ZeroDivisionError):
            self.run_until(future)
        lines = future.formatted_error.splitlines()
        self.assertEqual(lines[1], '  File "<console>", line 1, in <module>')
        self.assertEqual(lines[-1], "ZeroDivisionError: division by zero")
        self.assertNotIn("console.py", future.formatted_error)  # machinery frames are trimmed

    def test_top_level_await(self):
        queue = asyncio.Queue()
        shell = Console({"queue": queue})
        future = shell.push("await queue.get()")
        self.assertEqual(future.syntax_check, "complete")
        self.spin()
        self.assertFalse(future.done())
        queue.put_nowait(5)
        self.assertEqual(self.run_until(future), 5)

    def test_inputs_run_in_order(self):
        event = asyncio.Event()
        shell = Console({"event": event, "log": []})
        first = shell.push("done = await event.wait(); log.append(1)")
        second = shell.push("log.append(2); log")
        self.spin()
        self.assertFalse(second.done())
        event.set()
        self.assertEqual(self.run_until(second), [1, 2])
        self.assertTrue(first.done())

    def test_cancel(self):
        shell = Console({"event": asyncio.Event()})
        future = shell.push("await event.wait()")
        self.spin()
        future.cancel()
        self.spin()
        self.assertEqual(self.result(shell, "1 + 1"), 2)  # the lock was released

    def test_future_imports_are_remembered(self):
        shell = Console()
        self.result(shell, "from __future__ import annotations")
        self.result(shell, "def f(x: undefined_name): pass\n")
        self.assertEqual(self.result(shell, "f.__annotations__"), {"x": "undefined_name"})
        with self.assertRaises(NameError):
            self.result(Console(), "def f(x: undefined_name): pass\n")

    def test_runsource(self):
        shell = Console()
        future = shell.runsource("for i in range(3):\n    a = i")
        self.assertEqual(future.syntax_check, "incomplete")
        future = shell.runsource("for i in range(3):\n    a = i\n")
        self.assertEqual(future.syntax_check, "complete")
        self.assertIsNone(self.run_until(future))
        self.assertEqual(shell.globals["a"], 2)
        future = shell.runsource("a = 1\nb = 2")  # one statement at a time, as in the REPL
        self.assertEqual(future.syntax_check, "syntax-error")
        self.assertIn("multiple statements", future.formatted_error)
        self.assertIsInstance(future.exception(), SyntaxError)
        self.assertEqual(shell.buffer, [])

    def test_pyodide_console(self):
        self.assertEqual(self.result(PyodideConsole(), "import json; json.dumps([1])"), "[1]")

        class Recording(PyodideConsole):
            async def _load_packages(self, source):
                seen.append(source)

        seen = []
        self.assertEqual(self.result(Recording(), "import math; math.floor(2.5)"), 2)
        self.assertEqual(seen, ["import math; math.floor(2.5)"])


class Streams(LoopTestCase):
    def capture(self):
        out, err = [], []
        return out, err, dict(stdout_callback=out.append, stderr_callback=err.append)

    def test_redirection_while_running(self):
        out, err, callbacks = self.capture()
        shell = Console(**callbacks)
        self.assertIsNone(self.result(shell, "print('foo')"))
        self.assertIsNone(self.result(shell, "import sys; print('bar', file=sys.stderr)"))
        self.assertEqual("".join(out), "foo\n")
        self.assertEqual("".join(err), "bar\n")
        self.assertEqual(sys.stdout, self.streams[1])
        self.assertEqual(self.result(shell, "1 + 1"), 2)
        self.assertEqual("".join(out), "foo\n")  # results are returned, not printed

    def test_stdin(self):
        chunks = ["first line\nsecond", " line\n", ""]
        shell = Console(stdin_callback=lambda size: chunks.pop(0))
        self.assertEqual(self.result(shell, "input()"), "first line")
        self.assertEqual(self.result(shell, "import sys; sys.stdin.readline()"), "second line\n")
        self.assertEqual(self.result(shell, "sys.stdin.read()"), "")

    def test_persistent_redirection(self):
        out, err, callbacks = self.capture()
        shell = Console(persistent_stream_redirection=True, **callbacks)
        self.assertEqual(sys.stdout.name, self.streams[1].name)
        self.assertTrue(sys.stdout.isatty())
        print("foo")
        print("bar", file=sys.stderr)
        self.assertIsNone(self.result(shell, "print('foobar')"))
        self.assertEqual("".join(out), "foo\nfoobar\n")
        self.assertEqual("".join(err), "bar\n")
        shell.persistent_restore_streams()
        self.assertIs(sys.stdout, self.streams[1])
        self.assertIs(sys.stderr, self.streams[2])

    def test_redirect_streams_nests(self):
        out, _, callbacks = self.capture()
        shell = Console(**callbacks)
        with shell.redirect_streams():
            stream = sys.stdout
            with shell.redirect_streams():
                self.assertIs(sys.stdout, stream)
            self.assertIs(sys.stdout, stream)
            self.assertEqual(sys.stdout.write("abc"), 3)
        self.assertIs(sys.stdout, self.streams[1])
        self.assertEqual(out, ["abc"])

    def test_read_sizes(self):
        shell = Console(stdin_callback=lambda size: "abcdef\nghi\n" if size < 0 else "x" * size)
        with shell.redirect_streams():
            self.assertEqual(sys.stdin.readline(), "abcdef\n")
            self.assertEqual(sys.stdin.read(2), "gh")
            self.assertEqual(sys.stdin.readline(), "i\n")
            self.assertEqual(sys.stdin.read(3), "xxx")


class Complete(unittest.TestCase):
    def test_complete(self):
        shell = Console({"a_variable": 7})
        matches, start = shell.complete("a_v")
        self.assertEqual((matches, start), (["a_variable"], 0))
        self.assertIn("abs(", shell.complete("a")[0])
        self.assertIn("and ", shell.complete("a")[0])
        isa = ["str.isalnum(", "str.isalpha(", "str.isascii("]
        self.assertEqual(shell.complete("str.isa"), (isa, 0))
        self.assertEqual(shell.complete("a = 5 ; str.isa"), (isa, 8))
        self.assertEqual(shell.complete("print(a_var"), (["a_variable"], 6))
        self.assertEqual(shell.complete("zzz_nothing"), ([], 0))

    def test_word_breaks_and_new_names(self):
        shell = Console()
        shell.globals["fresh_name"] = 1
        self.assertEqual(shell.complete("x+fresh"), (["fresh_name"], 2))
        shell.completer_word_break_characters = " "
        self.assertEqual(shell.complete("x+fresh")[1], 0)


class Shorten(unittest.TestCase):
    def test_repr_shorten(self):
        self.assertEqual(repr_shorten("abcdefg", limit=8, separator="_"), "'abc_efg'")
        self.assertEqual(repr_shorten("abcdefg", limit=12, separator="_"), "'abcdefg'")
        self.assertEqual(
            [repr_shorten(123456789, limit=i, separator="_") for i in range(4, 10)],
            ["12_89", "12_89", "123_789", "123_789", "1234_6789", "123456789"],
        )
        for text in ("x" * 10**5, "x" * (10**5 + 1)):
            for limit in (9, 10, 100, 101):
                self.assertEqual(len(repr_shorten(text, limit=limit)), 2 * (limit // 2) + 3)
        self.assertEqual(repr_shorten(list(range(1000)), limit=20, split=3), "[0,...99]")
        with self.assertRaises(ValueError):
            repr_shorten(1, limit=3)

    def test_shorten(self):
        self.assertEqual(shorten("abcdefg", limit=5, separator="_"), "ab_fg")
        self.assertEqual(shorten("abcdefg", limit=6, split=1, separator="_"), "a_g")
        self.assertEqual(shorten("abcdefg", limit=6, split=10), "abc...efg")
        self.assertEqual(shorten("abc", limit=2, split=0), "...")
        with self.assertRaises(ValueError):
            shorten("abc", limit=1)

    def test_banner(self):
        self.assertTrue(BANNER.startswith(f"Python {sys.version_info[0]}.{sys.version_info[1]}"))
        self.assertIn("WebAssembly", BANNER)
        self.assertEqual(len(BANNER.splitlines()), 2)


if __name__ == "__main__":
    unittest.main()
