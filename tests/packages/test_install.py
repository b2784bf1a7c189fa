"""The wheel installer (_sangam_install) on real PyPI wheels and on hostile or broken variants of them.

Every refused wheel must leave the runtime's directories (site-packages, scripts, headers, data)
exactly as they were: the tests hash the trees before and after. Inside the runtime the real
site-packages is used; on native CPython (for development) a temporary scheme.
"""

import csv
import hashlib
import importlib
import importlib.metadata
import json
import os
import shutil
import sys
import sysconfig
import tempfile
import unittest
import zipfile

import _sangam_install as inst
from wheeltools import build, entries, read_wheel, record_hash, tree_digest

IN_RUNTIME = sys.platform == "emscripten"


def _text(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def scheme_dirs():
    if IN_RUNTIME:
        return None, inst._scheme_dirs()
    root = tempfile.mkdtemp()
    dirs = {k: os.path.join(root, k) for k in ("purelib", "scripts", "headers", "data")}
    dirs["platlib"] = dirs["purelib"]
    return dirs, dirs


class InstallerTest(unittest.TestCase):
    def setUp(self):
        self.override, self.dirs = scheme_dirs()
        self.site = self.dirs["purelib"]
        self.roots = sorted(set(self.dirs.values()))
        for d in self.roots:  # uninstall leaves the scheme directories themselves in place
            os.makedirs(d, exist_ok=True)
        if not IN_RUNTIME:
            sys.path.insert(0, self.site)
        self.before = tree_digest(*self.roots)

    def tearDown(self):
        for name in ("six", "sangam-data-demo", "attrs", "iniconfig"):
            try:
                inst.uninstall(name, _dirs=self.override)
            except inst.InstallError:
                pass
        for mod in ("six", "attr", "attrs", "iniconfig", "demo_pkg"):
            sys.modules.pop(mod, None)
        if not IN_RUNTIME:
            sys.path.remove(self.site)
            shutil.rmtree(os.path.dirname(self.site))
        importlib.invalidate_caches()

    def install(self, wheels, **kw):
        return inst.install(wheels, _dirs=self.override, **kw)

    def refused(self, wheels, *fragments):
        """Installing wheels raises InstallError whose message has each fragment; nothing changed."""
        with self.assertRaises(inst.InstallError) as cm:
            self.install(wheels)
        msg = str(cm.exception)
        for f in fragments:
            self.assertIn(f, msg)
        self.assertEqual(tree_digest(*self.roots), self.before, f"the tree changed after: {msg}")
        return msg

    # -- what a runtime takes --------------------------------------------------------------

    def test_supported_tags_are_packagings(self):
        tags = inst.supported_tags()
        plat = tags[0].split("-")[2]
        if IN_RUNTIME:
            self.assertEqual(plat, "emscripten_3_1_69_wasm32")
        self.assertEqual(tags[:2], [f"cp313-cp313-{plat}", f"cp313-abi3-{plat}"])
        self.assertIn("py3-none-any", tags)
        from packaging import tags as ptags  # shipped in the runtime's standard-library zip
        self.assertEqual(tags, [str(t) for t in ptags.sys_tags()])

    def test_foreign_wheels_are_refused_naming_both_tag_sets(self):
        name, data = read_wheel("six-1.17.0")
        for tag in ("cp313-cp313-manylinux_2_17_x86_64", "cp313-cp313-macosx_11_0_arm64",
                    "cp313-cp313-win_amd64", "cp312-cp312-emscripten_3_1_69_wasm32",
                    "cp313-cp313-pyodide_2025_0_wasm32", "cp313-cp313-pyemscripten_2025_0_wasm32",
                    "cp313-cp313-emscripten_3_1_58_wasm32", "py2-none-any"):
            msg = self.refused([(f"six-1.17.0-{tag}.whl", data, None, None)], tag, inst.supported_tags()[0])
            self.assertIn("not for this runtime", msg)

    def test_accepted_tags(self):
        plat = inst.supported_tags()[0].split("-")[2]
        name, data = read_wheel("six-1.17.0")
        for tag in (f"cp313-cp313-{plat}", f"cp313-abi3-{plat}", f"cp310-abi3-{plat}", "py3-none-any",
                    "py2.py3-none-any"):
            res = self.install([(f"six-1.17.0-{tag}.whl", data, None, None)])
            self.assertEqual(res[0]["version"], "1.17.0")
            inst.uninstall("six", _dirs=self.override)
        self.assertEqual(tree_digest(*self.roots), self.before)

    # -- a good install ----------------------------------------------------------------------

    def test_metadata_headers_read_as_email_parser_reads_them(self):
        # The installer reads WHEEL and METADATA headers itself (not with the email package):
        # for every pinned wheel, and for the awkward cases, the fields it reads are email.parser's.
        import email.parser
        import glob

        def email_fields(text):
            m = email.parser.BytesParser().parsebytes(text, headersonly=True)
            return {k: m.get(k) for k in ("Name", "Version", "Wheel-Version", "Root-Is-Purelib", "Summary")}

        def ours(text):
            h = inst._Headers(text)
            return {k: h.get(k) for k in ("Name", "Version", "Wheel-Version", "Root-Is-Purelib", "Summary")}

        texts = []
        for d in os.environ["SANGAM_WHEELS"].split(":"):
            for path in sorted(glob.glob(os.path.join(d, "*.whl"))):
                with zipfile.ZipFile(path) as zf:
                    texts += [zf.read(n) for n in zf.namelist() if n.endswith((".dist-info/WHEEL", ".dist-info/METADATA"))]
        self.assertGreater(len(texts), 60)
        texts += [
            b"Name: a\r\nVersion: 1.0\r\n\r\nName: body\r\n",  # CRLF, a body after the blank line
            b"name: lower\nVERSION:  2.0 \n",  # any case, spaces around the value
            b"Name: first\nName: second\nSummary: one\n  two\n\tthree\nVersion: 3\n",  # repeats, continuations
            b"Name: x\nnot a field\nVersion: 4\n",  # a line that is not a field ends the headers
            b"",
        ]
        for text in texts:
            expected, got = email_fields(text), ours(text)
            # (A value with bytes beyond ASCII is an email Header object there: compared below.)
            expected = {k: v.strip() for k, v in expected.items() if isinstance(v, str)}
            got = {k: v.strip() for k, v in got.items() if k in expected}
            self.assertEqual(got, expected, text[:200])
        self.assertEqual(inst._Headers(b"Name: caf\xc3\xa9\nVersion: 5\n").get("name"), "caf\u00e9")

    def test_install_real_wheel_then_uninstall(self):
        name, data = read_wheel("six-1.17.0")
        sha = hashlib.sha256(data).hexdigest()
        url = {"url": "http://127.0.0.1:1/six-1.17.0-py2.py3-none-any.whl", "archive_info": {"hashes": {"sha256": sha}}}
        res = self.install([(name, memoryview(data), url, sha)], installer="micropip")
        self.assertEqual([(r["name"], r["version"]) for r in res], [("six", "1.17.0")])
        self.assertEqual(res[0]["imports"], ["six"])
        di = res[0]["dist_info"]
        self.assertEqual(_text(os.path.join(di, "INSTALLER")), "micropip\n")
        self.assertTrue(os.path.exists(os.path.join(di, "REQUESTED")))
        self.assertEqual(json.loads(_text(os.path.join(di, "direct_url.json"))), url)
        # RECORD matches the disk, line by line, and lists everything installed.
        rows = list(csv.reader(_text(os.path.join(di, "RECORD")).splitlines()))
        listed = set()
        for path, digest, size in rows:
            full = os.path.normpath(os.path.join(self.site, path))
            listed.add(full)
            with open(full, "rb") as f:
                body = f.read()
            if path.endswith("RECORD"):
                self.assertEqual((digest, size), ("", ""))
            else:
                self.assertEqual((digest, size), (record_hash(body), str(len(body))))
        self.assertEqual(listed, set(res[0]["files"]))
        # importlib.metadata and import see it.
        dist = importlib.metadata.distribution("six")
        self.assertEqual(dist.version, "1.17.0")
        self.assertEqual(dist.read_text("INSTALLER"), "micropip\n")
        import six
        self.assertTrue(six.__file__.startswith(self.site))
        self.assertIn("six", [d["name"] for d in inst.installed(_dirs=self.override)])
        # Uninstall: exactly RECORD's files (and the .pyc compiled from them) go.
        removed = inst.uninstall("six", _dirs=self.override)
        self.assertTrue(listed <= set(removed))
        self.assertTrue(all(p in listed or "__pycache__" in p for p in removed))
        self.assertEqual(tree_digest(*self.roots), self.before)
        importlib.invalidate_caches()
        with self.assertRaises(importlib.metadata.PackageNotFoundError):
            importlib.metadata.distribution("six")
        with self.assertRaises(inst.InstallError):
            inst.uninstall("six", _dirs=self.override)

    def test_batch_and_upgrade_in_place(self):
        a = read_wheel("attrs-")
        i = read_wheel("iniconfig-")
        res = self.install([a + (None, None), i + (None, None)], requested=False)
        self.assertEqual([r["name"] for r in res], ["attrs", "iniconfig"])
        self.assertFalse(os.path.exists(os.path.join(res[0]["dist_info"], "REQUESTED")))
        self.assertEqual(sorted(res[0]["imports"]), ["attr", "attrs"])
        # Reinstalling replaces: no file of the old install is left behind that the new one lacks.
        items = [(zi, b) for zi, b in entries(i[1]) if not zi.filename.endswith("py.typed")]
        renamed = build([(zi.filename.replace("2.3.1", "2.3.2") if ".dist-info" in zi.filename else zi, b)
                         for zi, b in items])
        renamed = renamed.replace(b"Version: 2.3.1", b"Version: 2.3.1")  # METADATA version stays readable
        self.install([("iniconfig-2.3.2-py3-none-any.whl", renamed, None, None)])
        names = os.listdir(self.site)
        self.assertEqual([n for n in names if n.startswith("iniconfig-")], ["iniconfig-2.3.2.dist-info"])
        self.assertFalse(os.path.exists(os.path.join(self.site, "iniconfig", "py.typed")))

    def test_data_schemes(self):
        _, six = read_wheel("six-1.17.0")
        items = [(zi.filename.replace("six-1.17.0", "sangam_data_demo-1.0").replace("Name: six", "x"), b)
                 for zi, b in entries(six) if ".dist-info/" in zi.filename]
        items = [(n, b.replace(b"Name: six", b"Name: sangam-data-demo").replace(b"Version: 1.17.0", b"Version: 1.0"))
                 for n, b in items]
        d = "sangam_data_demo-1.0.data"
        items += [
            ("demo_pkg/__init__.py", b"VALUE = 1\n"),
            (f"{d}/purelib/demo_pkg/pure.py", b"PURE = 2\n"),
            (f"{d}/platlib/demo_pkg/plat.py", b"PLAT = 3\n"),
            (f"{d}/scripts/demo-tool", b"#!python\nprint('tool')\n"),
            (f"{d}/headers/demo.h", b"#define DEMO 1\n"),
            (f"{d}/data/share/demo/notes.txt", b"notes\n"),
        ]
        res = self.install([("sangam_data_demo-1.0-py3-none-any.whl", build(items), None, None)])
        files = res[0]["files"]
        self.assertIn(os.path.join(self.dirs["purelib"], "demo_pkg", "pure.py"), files)
        self.assertIn(os.path.join(self.dirs["platlib"], "demo_pkg", "plat.py"), files)
        script = os.path.join(self.dirs["scripts"], "demo-tool")
        self.assertIn(script, files)
        self.assertTrue(_text(script, "rb").startswith(b"#!" + os.fsencode(sys.executable or "/usr/bin/python3")))
        self.assertTrue(os.stat(script).st_mode & 0o100)
        header = os.path.join(self.dirs["headers"], "sangam-data-demo", "demo.h")
        self.assertEqual(_text(header), "#define DEMO 1\n")
        self.assertEqual(_text(os.path.join(self.dirs["data"], "share", "demo", "notes.txt")), "notes\n")
        import demo_pkg.plat
        import demo_pkg.pure
        self.assertEqual((demo_pkg.pure.PURE, demo_pkg.plat.PLAT), (2, 3))
        dist_files = {str(f.locate()) for f in importlib.metadata.distribution("sangam-data-demo").files}
        self.assertIn(os.path.normpath(header), {os.path.normpath(f) for f in dist_files})
        inst.uninstall("sangam-data-demo", _dirs=self.override)
        for m in [m for m in sys.modules if m.startswith("demo_pkg")]:
            del sys.modules[m]
        self.assertEqual(tree_digest(*self.roots), self.before)

    # -- hostile and broken wheels ------------------------------------------------------------

    def six_with(self, extra=(), drop=(), fix_record=True, change=None):
        _, data = read_wheel("six-1.17.0")
        items = [(zi, b) for zi, b in entries(data) if zi.filename not in drop]
        if change:
            items = [(zi, change(zi.filename, b)) for zi, b in items]
        return build(items + list(extra), fix_record=fix_record)

    SIX = "six-1.17.0-py2.py3-none-any.whl"

    def test_path_leaving_site_packages(self):
        self.refused([(self.SIX, self.six_with([("../evil.py", b"x")]), None, None)], "'../evil.py'", "leaving")
        self.refused([(self.SIX, self.six_with([("six/../../evil.py", b"x")]), None, None)], "leaving")
        self.refused([(self.SIX, self.six_with([("six-1.17.0.data/data/../../../evil", b"x")]), None, None)],
                     "leaving")

    def test_absolute_path(self):
        self.refused([(self.SIX, self.six_with([("/tmp/evil.py", b"x")]), None, None)], "absolute")

    def test_symlink(self):
        zi = zipfile.ZipInfo("six_link.py")
        zi.external_attr = (0o120777 << 16)
        self.refused([(self.SIX, self.six_with([(zi, b"/etc/passwd")]), None, None)], "symbolic link", "six_link.py")

    def test_duplicate_entries(self):
        self.refused([(self.SIX, self.six_with([("six.py", b"print('second')\n")], fix_record=False), None, None)],
                     "duplicate entry 'six.py'")

    def test_truncated_zip(self):
        _, data = read_wheel("six-1.17.0")
        for cut in (len(data) // 2, len(data) - 10, 100, 0):
            self.refused([(self.SIX, data[:cut], None, None)], self.SIX, "not a valid zip")

    def test_corrupt_zip(self):
        _, data = read_wheel("six-1.17.0")
        zf = zipfile.ZipFile(__import__("io").BytesIO(data))
        zi = zf.getinfo("six.py")
        start = zi.header_offset + 30 + len(zi.filename) + len(zi.extra) + 200
        bad = data[:start] + bytes(b ^ 0xFF for b in data[start:start + 16]) + data[start + 16:]
        self.refused([(self.SIX, bad, None, None)], self.SIX, "not a valid zip")

    def test_record_hash_mismatch(self):
        bad = self.six_with(change=lambda n, b: b + b"# changed\n" if n == "six.py" else b, fix_record=False)
        self.refused([(self.SIX, bad, None, None)], "RECORD hash mismatch for 'six.py'")

    def test_file_missing_from_record(self):
        bad = self.six_with([("six_extra.py", b"x = 1\n")], fix_record=False)
        self.refused([(self.SIX, bad, None, None)], "'six_extra.py' is in the archive but not in RECORD")

    def test_sha256_differs_from_expected(self):
        _, data = read_wheel("six-1.17.0")
        self.refused([(self.SIX, data, None, "0" * 64)], "sha256 mismatch", "0" * 64, hashlib.sha256(data).hexdigest())

    def test_missing_wheel_and_metadata(self):
        for missing in ("WHEEL", "METADATA", "RECORD"):
            bad = self.six_with(drop={f"six-1.17.0.dist-info/{missing}"})
            self.refused([(self.SIX, bad, None, None)], f"six-1.17.0.dist-info/{missing} is missing")

    def test_not_a_wheel_name(self):
        _, data = read_wheel("six-1.17.0")
        self.refused([("six.zip", data, None, None)], "not a wheel file name")

    def test_one_bad_wheel_fails_the_whole_batch(self):
        good = read_wheel("attrs-")
        _, six = read_wheel("six-1.17.0")
        msg = self.refused([good + (None, None), (self.SIX, six[:-40], None, None)], self.SIX)
        self.assertNotIn("attrs", msg)
        with self.assertRaises(importlib.metadata.PackageNotFoundError):
            importlib.metadata.distribution("attrs")

    def test_two_wheels_writing_one_file(self):
        _, six = read_wheel("six-1.17.0")
        other = self.six_with(change=lambda n, b: b.replace(b"Name: six", b"Name: seven"))
        other = build([(zi.filename.replace("six-1.17.0.dist-info", "seven-1.0.dist-info"), b)
                       for zi, b in entries(other)])
        self.refused([(self.SIX, six, None, None), ("seven-1.0-py3-none-any.whl", other, None, None)],
                     "both install", "six.py")

    def test_failure_while_writing_is_undone(self):
        # The file system refuses a write that verification cannot foresee (a read-only directory):
        # the wheel before it in the batch is written, then taken back.
        ro = os.path.join(self.site, "sangam_read_only")
        os.mkdir(ro)
        os.chmod(ro, 0o555)

        def cleanup():
            os.chmod(ro, 0o755)
            os.rmdir(ro)

        self.addCleanup(cleanup)
        before = tree_digest(*self.roots)
        good = read_wheel("attrs-")
        bad = self.six_with([("sangam_read_only/x.py", b"x = 1\n")])
        with self.assertRaises(inst.InstallError) as cm:
            self.install([good + (None, None), (self.SIX, bad, None, None)])
        self.assertIn("nothing was changed", str(cm.exception))
        self.assertEqual(tree_digest(*self.roots), before)
        # The runtime is still usable: the same batch without the bad wheel installs.
        self.install([good + (None, None)])
        self.assertEqual(importlib.metadata.version("attrs"), good[0].split("-")[1])


if __name__ == "__main__":
    unittest.main()
