"""The platform as Python sees it: identity, the standard library's C modules, time, files."""
import errno
import os
import sys
import tempfile
import time
import unittest


class PlatformTest(unittest.TestCase):
    def test_identity(self):
        self.assertEqual(sys.platform, "emscripten")
        self.assertEqual(sys.version_info[:3], (3, 13, 5))
        self.assertEqual(os.name, "posix")
        import sysconfig
        self.assertEqual(sysconfig.get_config_var("EXT_SUFFIX"), ".cpython-313-wasm32-emscripten.so")
        self.assertIn("SIDE_MODULE", sysconfig.get_config_var("LDSHARED"))

    def test_stdlib_is_compiled_zip(self):
        import json.decoder
        self.assertEqual(json.decoder.__spec__.origin, "/lib/python313.zip/json/decoder.pyc")
        self.assertEqual(json.decoder.__spec__.loader.__class__.__name__, "zipimporter")
        self.assertIn("/lib/python313.zip", sys.path)
        # Tracebacks name the module's path in the zip, as its __file__ does.
        self.assertEqual(json.decoder.JSONDecoder.decode.__code__.co_filename,
                         "/lib/python313.zip/json/decoder.py")
        self.assertEqual(sys._stdlib_dir, "/lib/python3.13")
        self.assertEqual(os.__file__, "/lib/python3.13/os.py")  # frozen

    def test_no_host_filesystem_by_default(self):
        # The runtime sees its own file system: /lib holds the zips and site-packages only (in
        # Node, the optional part of the standard library is in place from the start).
        self.assertEqual(sorted(os.listdir("/lib")), ["python3.13", "python313-optional.zip", "python313.zip"])

    def test_source_lines_are_not_shipped(self):
        # The zips hold .pyc only: tracebacks name file and line, without the line's text, and
        # inspect.getsource fails cleanly (as it does for any module without source).
        import inspect
        import json
        import linecache
        import traceback
        self.assertEqual(linecache.getline(json.__file__.removesuffix("c"), 1), "")
        with self.assertRaises(OSError):
            inspect.getsource(json.dumps)
        try:
            json.loads("{")
        except ValueError as e:
            text = "".join(traceback.format_exception(e))
        self.assertIn('File "/lib/python313.zip/json/decoder.py", line', text)
        # Code the user gives has its lines, as ever.
        ns = {}
        exec(compile("def f():\n    return 1 / 0\n", "/home/pyodide/mine.py", "exec"), ns)
        with open("/home/pyodide/mine.py", "w") as f:
            f.write("def f():\n    return 1 / 0\n")
        try:
            ns["f"]()
        except ZeroDivisionError as e:
            self.assertIn("return 1 / 0", "".join(traceback.format_exception(e)))
        os.remove("/home/pyodide/mine.py")

    def test_sleep_takes_the_time_asked(self):
        t0 = time.monotonic()
        time.sleep(0.1)
        elapsed = time.monotonic() - t0
        self.assertGreaterEqual(elapsed, 0.095)
        self.assertLess(elapsed, 0.5)

    def test_clocks(self):
        self.assertGreater(time.time(), 1.7e9)
        t0 = time.perf_counter_ns()
        self.assertGreater(time.perf_counter_ns(), t0 - 1)

    def test_utime_after_2038(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "f")
            open(path, "w").close()
            when = 4_102_444_800  # 2100-01-01
            os.utime(path, (when, when))
            st = os.stat(path)
            self.assertEqual(st.st_mtime, when)
            self.assertEqual(st.st_atime, when)
            os.utime(path, ns=(when * 10**9 + 250_000_000,) * 2)
            self.assertEqual(os.stat(path).st_mtime_ns, when * 10**9 + 250_000_000)
            # Emscripten 3.1.69's in-memory file system keeps one timestamp per file: the
            # later of atime and mtime stands for both.
            os.utime(path, (when, when + 1))
            self.assertEqual(os.stat(path).st_mtime, when + 1)

    def test_large_file_offsets(self):
        # off_t is 64-bit: positions past 4 GiB are representable (the in-memory file system
        # cannot hold such a file, so nothing is written there).
        with tempfile.TemporaryFile() as f:
            self.assertEqual(f.seek(2**32 + 10), 2**32 + 10)
            self.assertEqual(f.tell(), 2**32 + 10)
            self.assertEqual(os.lseek(f.fileno(), 2**33, os.SEEK_SET), 2**33)

    def test_fstat_of_unlinked_and_renamed_open_files(self):
        # fstat answers for the open file, not for the path it was opened by (pytest's fd capture
        # fstat()s unlinked temporary files; tempfile.TemporaryFile unlinks at once).
        with tempfile.TemporaryFile() as f:
            f.write(b"12345")
            f.flush()
            self.assertEqual(os.fstat(f.fileno()).st_size, 5)
        with tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a"), os.path.join(d, "b")
            with open(a, "wb") as f:
                f.write(b"x" * 7)
                f.flush()
                os.rename(a, b)
                with open(a, "wb") as other:
                    other.write(b"y")
                # The open file is the renamed one, not the new file at the path it was opened by.
                self.assertEqual(os.fstat(f.fileno()).st_size, 7)
                os.unlink(b)
                self.assertEqual(os.fstat(f.fileno()).st_size, 7)
            # A descriptor that is not open is still EBADF.
            with self.assertRaises(OSError) as cm:
                os.fstat(10_000)
            self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_environment(self):
        self.assertIn("HOME", os.environ)
        os.environ["SANGAM_TEST_VAR"] = "1"
        self.assertEqual(os.getenv("SANGAM_TEST_VAR"), "1")


if __name__ == "__main__":
    unittest.main()
