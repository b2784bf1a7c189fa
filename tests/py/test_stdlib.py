"""The standard library's C-backed modules import and do real work."""
import sys
import unittest


class StdlibModulesTest(unittest.TestCase):
    def test_compression_round_trips(self):
        import bz2
        import lzma
        import zlib
        data = b"sangam " * 1000
        for mod in (zlib, bz2, lzma):
            with self.subTest(mod=mod.__name__):
                packed = mod.compress(data)
                self.assertLess(len(packed), len(data) // 10)
                self.assertEqual(mod.decompress(packed), data)
        self.assertEqual(zlib.crc32(b"hello"), 907060870)

    def test_zipfile_and_gzip(self):
        import gzip
        import io
        import zipfile
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_LZMA) as zf:
            zf.writestr("a.txt", "alpha")
        with zipfile.ZipFile(buf) as zf:
            self.assertEqual(zf.read("a.txt"), b"alpha")
        self.assertEqual(gzip.decompress(gzip.compress(b"x" * 100)), b"x" * 100)

    def test_sqlite3(self):
        import sqlite3
        con = sqlite3.connect(":memory:")
        con.execute("create table t (k integer primary key, v text)")
        con.executemany("insert into t (v) values (?)", [("a",), ("b",), ("c",)])
        self.assertEqual(con.execute("select group_concat(v, '') from t").fetchone()[0], "abc")
        self.assertEqual(con.execute("select json_extract('{\"a\": [1, 2]}', '$.a[1]')").fetchone()[0], 2)
        con.close()

    def test_sqlite3_on_disk(self):
        import os
        import sqlite3
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "db.sqlite")
            con = sqlite3.connect(path)
            con.execute("create table t (x)")
            con.execute("insert into t values (42)")
            con.commit()
            con.close()
            self.assertEqual(sqlite3.connect(path).execute("select x from t").fetchone(), (42,))

    def test_ctypes(self):
        import ctypes
        libc = ctypes.CDLL(None)
        self.assertEqual(libc.strlen(b"sangam"), 6)
        buf = ctypes.create_string_buffer(b"hello")
        self.assertEqual(buf.value, b"hello")
        cmp = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
        arr = (ctypes.c_int * 5)(5, 1, 4, 2, 3)
        libc.qsort(arr, 5, ctypes.sizeof(ctypes.c_int), cmp(lambda a, b: a[0] - b[0]))
        self.assertEqual(list(arr), [1, 2, 3, 4, 5])
        self.assertEqual(ctypes.c_longlong(2**62).value, 2**62)

    def test_decimal(self):
        import decimal
        self.assertIsNotNone(decimal.__spec__)
        import _decimal  # the C implementation, not the pure-Python fallback
        ctx = decimal.Context(prec=50)
        self.assertEqual(str(ctx.divide(decimal.Decimal(1), decimal.Decimal(7)))[:12], "0.1428571428")
        self.assertIs(decimal.Decimal, _decimal.Decimal)

    def test_hashlib_builtin_hashes(self):
        import hashlib
        self.assertEqual(hashlib.sha256(b"abc").hexdigest()[:16], "ba7816bf8f01cfea")
        self.assertEqual(hashlib.md5(b"abc").hexdigest(), "900150983cd24fb0d6963f7d28e17f72")
        self.assertEqual(hashlib.sha3_256(b"").hexdigest()[:8], "a7ffc6f8")
        self.assertEqual(hashlib.blake2b(b"abc", digest_size=8).hexdigest(), "d8bb14d833d59559")

    def test_pyexpat(self):
        import xml.etree.ElementTree as ET
        root = ET.fromstring("<a><b x='1'/><b x='2'/></a>")
        self.assertEqual([b.get("x") for b in root], ["1", "2"])

    def test_unicodedata(self):
        import unicodedata
        self.assertEqual(unicodedata.name("λ"), "GREEK SMALL LETTER LAMDA")
        self.assertEqual(unicodedata.normalize("NFD", "é"), "e\u0301")

    def test_optional_modules_import_from_the_optional_zip(self):
        # tools/stdlib_zip.py moves rarely used modules and the time zones out of the default
        # download; in Node they import as ever, from the second zip.
        import tzdata
        import wsgiref.util
        import xmlrpc.client
        for module in (xmlrpc.client, wsgiref.util, tzdata):
            self.assertTrue(module.__spec__.origin.startswith("/lib/python313-optional.zip/"), module.__spec__.origin)

    def test_optional_extension_modules_are_side_modules(self):
        # _sqlite3 is a side module in the optional zip (tools/build-python.sh), written out to
        # lib-dynload on its first import and loaded from there.
        import sqlite3
        import _sqlite3
        self.assertEqual(_sqlite3.__file__, "/lib/python3.13/lib-dynload/_sqlite3.cpython-313-wasm32-emscripten.so")
        self.assertNotIn("_sqlite3", sys.builtin_module_names)
        self.assertTrue(sqlite3.__spec__.origin.startswith("/lib/python313-optional.zip/"))
        db = sqlite3.connect(":memory:")
        db.execute("create table t (x integer, y text)")
        db.executemany("insert into t values (?, ?)", [(i, str(i)) for i in range(100)])
        self.assertEqual(db.execute("select sum(x), max(y) from t").fetchone(), (4950, "99"))
        self.assertRaises(sqlite3.OperationalError, db.execute, "select * from no_such_table")
        with open(_sqlite3.__file__, "rb") as f:
            self.assertEqual(f.read(4), b"\0asm")

    def test_left_out_modules_say_so(self):
        for name in ("tkinter", "idlelib", "ensurepip", "test"):
            with self.assertRaisesRegex(ModuleNotFoundError, "sangam's standard library leaves it out") as cm:
                __import__(name)
            self.assertEqual(cm.exception.name, name)
        with self.assertRaisesRegex(ModuleNotFoundError, "No module named 'no_such_module_here'$"):
            import no_such_module_here  # noqa: F401

    def test_zoneinfo(self):
        import datetime
        import zoneinfo
        paris = zoneinfo.ZoneInfo("Europe/Paris")
        summer = datetime.datetime(2030, 7, 1, 12, tzinfo=paris)
        self.assertEqual(summer.utcoffset(), datetime.timedelta(hours=2))
        winter = datetime.datetime(2030, 1, 1, 12, tzinfo=paris)
        self.assertEqual(winter.tzname(), "CET")
        self.assertIn("America/New_York", zoneinfo.available_timezones())
        with self.assertRaises(zoneinfo.ZoneInfoNotFoundError):
            zoneinfo.ZoneInfo("Not/A_Zone")

    def test_json_re_struct(self):
        import json
        import re
        import struct
        self.assertEqual(json.loads(json.dumps({"a": [1, 2.5, None]})), {"a": [1, 2.5, None]})
        self.assertEqual(re.findall(r"\d+", "a1b22c333"), ["1", "22", "333"])
        self.assertEqual(struct.unpack("<Qd", struct.pack("<Qd", 2**63, 1.5)), (2**63, 1.5))

    def test_sockets_fail_cleanly(self):
        # No network stack here: socket calls fail with OSError, and the runtime goes on.
        import socket
        with socket.socket() as s:
            with self.assertRaises(OSError):
                s.connect(("127.0.0.1", 9))
        with self.assertRaises(OSError):
            socket.socketpair()
        import asyncio
        # asyncio's loop works without the socketpair it normally wakes itself with
        # (src/py/pyodide/_startup.py).
        async def main():
            await asyncio.sleep(0.01)
            return 7
        self.assertEqual(asyncio.run(main()), 7)

    def test_deep_recursion_is_an_exception(self):
        def f(n):
            return f(n + 1)
        with self.assertRaises(RecursionError):
            f(0)
        nested = []
        for _ in range(100_000):
            nested = [nested]
        with self.assertRaises(RecursionError):
            repr(nested)

    def test_memory_error_is_recoverable(self):
        # Memory may grow to 4 GiB: the second of two ~2 GiB blocks cannot fit.
        big = bytearray(2**31 - 2**20)
        with self.assertRaises(MemoryError):
            bytearray(2**31 - 2**20)
        del big
        self.assertEqual(len(bytearray(10**8)), 10**8)


if __name__ == "__main__":
    unittest.main()
