"""micropip inside the runtime against a real HTTP index on loopback serving real PyPI wheels.

Run by tests/packages/run-py.mjs, which serves the pinned wheels (tests/packages/wheels.txt and
wheels-resolver.txt) with sangam-index and passes its URL in SANGAM_INDEX, and its request log as
INDEX_REQUESTS (a JS array of {method, path}) in the runner's globals.
"""

import importlib
import importlib.metadata
import json
import os
import sys
import unittest

import _sangam_install
import micropip
from micropip import _index
from wheeltools import tree_digest

INDEX = os.environ.get("SANGAM_INDEX", "")
ROOT = os.environ.get("SANGAM_INDEX_ROOT", "")


def site():
    return _sangam_install.site_packages()


def requests():
    import __main__

    return [(r.method, r.path) for r in __main__.INDEX_REQUESTS]


class MicropipTest(unittest.TestCase):
    def setUp(self):
        self.assertTrue(INDEX, "SANGAM_INDEX is not set: run tests/packages/run-py.mjs")
        micropip.set_index_urls([INDEX])
        self.before = tree_digest(site())
        self.modules = set(sys.modules)

    def tearDown(self):
        for d in _sangam_install.installed():
            _sangam_install.uninstall(d["name"])
        # Forget only modules imported from site-packages (the runtime's own stay loaded).
        for m in set(sys.modules) - self.modules:
            f = getattr(sys.modules[m], "__file__", None) or ""
            if f.startswith(site() + "/"):
                del sys.modules[m]
        importlib.invalidate_caches()
        _index.ACCEPT = _index.DEFAULT_ACCEPT

    def version(self, name):
        return importlib.metadata.version(name)

    async def refused(self, reqs, *fragments, **kw):
        with self.assertRaises(ValueError) as cm:
            await micropip.install(reqs, **kw)
        msg = str(cm.exception)
        for f in fragments:
            self.assertIn(f, msg)
        self.assertEqual(tree_digest(site()), self.before, f"site-packages changed after: {msg}")
        return msg

    # -- the resolver --------------------------------------------------------------------------

    async def test_fsspec_pin_is_kept(self):
        # micropip issue 232: the pin and a package that depends on fsspec without one. The index
        # has fsspec 2026.9.0 too; the resolver must take 2025.3.2 whichever comes first.
        await micropip.install(["fsspec==2025.3.2", "universal_pathlib"])
        self.assertEqual(self.version("fsspec"), "2025.3.2")
        self.assertEqual(self.version("universal_pathlib"), "0.3.10")
        import upath

        p = upath.UPath("memory:///sangam/data.txt")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("kept")
        self.assertEqual(p.read_text(), "kept")
        import fsspec

        self.assertEqual(fsspec.__version__, "2025.3.2")

    async def test_fsspec_pin_after_the_dependent(self):
        await micropip.install(["universal_pathlib", "fsspec==2025.3.2"])
        self.assertEqual(self.version("fsspec"), "2025.3.2")

    async def test_unpinned_takes_the_newest(self):
        await micropip.install(["universal_pathlib"])
        self.assertEqual(self.version("fsspec"), "2026.9.0")

    async def test_fastparquet_has_no_wheel_for_this_runtime(self):
        msg = await self.refused(["fsspec==2025.3.2", "fastparquet"], "fastparquet 2026.9.0",
                                 "fastparquet (requested)", "manylinux", "emscripten")
        self.assertIn("Can't find a wheel", msg)

    async def test_conflict_names_its_chain(self):
        msg = await self.refused(["pytest", "pluggy<1.0"], "pluggy<1.0 (requested)",
                                 "(requested -> pytest 9.2.0)", "Available: 1.7.0")
        self.assertIn("no version of pluggy", msg)
        msg = await self.refused(["universal_pathlib", "fsspec<2024.6"], "fsspec<2024.6 (requested)",
                                 "fsspec>=2024.5.0 (requested -> universal-pathlib 0.3.10)")

    async def test_conflict_two_levels_down(self):
        # rich -> markdown-it-py -> mdurl~=0.1: a constraint against the grandchild.
        msg = await self.refused(["rich"], "mdurl", "requested -> rich 15.0.0 -> markdown-it-py 4.3.0",
                                 constraints=["mdurl>=1"])
        self.assertIn("constraint mdurl>=1", msg)

    async def test_markers(self):
        # pytest needs colorama only on Windows, and exceptiongroup/tomli only before 3.11.
        await micropip.install(['six; python_version < "3"', "pytest"])
        names = {d["name"].lower() for d in _sangam_install.installed()}
        self.assertIn("pytest", names)
        self.assertTrue({"pluggy", "iniconfig", "pygments"} <= names, names)
        self.assertNotIn("colorama", names)
        self.assertNotIn("six", names)
        self.assertEqual(self.version("packaging"), "26.4")  # the runtime's own, not installed again

    async def test_extras(self):
        await micropip.install(["hypothesis"])
        names = {d["name"].lower() for d in _sangam_install.installed()}
        self.assertNotIn("pytz", names)
        await micropip.install(["hypothesis[pytz,dateutil]"])
        self.assertEqual(self.version("pytz"), "2026.6")
        self.assertEqual(self.version("python-dateutil"), "4.0.0")
        self.assertEqual(self.version("tzdata"), "2026.6")  # dateutil's own dependency

    async def test_extra_with_a_platform_marker(self):
        # hypothesis[zoneinfo] wants tzdata on Windows and Emscripten only: this runtime is Emscripten.
        await micropip.install(["hypothesis[zoneinfo]"])
        self.assertEqual(sys.platform, "emscripten")
        self.assertEqual(self.version("tzdata"), "2026.6")

    async def test_constraints_narrow_without_adding(self):
        await micropip.install(["universal_pathlib"], constraints=["fsspec==2024.12.0", "rich<1"])
        self.assertEqual(self.version("fsspec"), "2024.12.0")
        with self.assertRaises(importlib.metadata.PackageNotFoundError):
            importlib.metadata.version("rich")
        micropip.set_constraints(["fsspec<2025"])
        try:
            await micropip.install(["fsspec"], reinstall=True)
            self.assertEqual(self.version("fsspec"), "2024.12.0")
        finally:
            micropip.set_constraints([])

    async def test_installed_versions_count_and_upgrade(self):
        await micropip.install(["fsspec==2024.6.1"])
        await micropip.install(["universal_pathlib"])  # 2024.6.1 satisfies >=2024.5.0: kept
        self.assertEqual(self.version("fsspec"), "2024.6.1")
        await micropip.install(["fsspec>2025"])  # an upgrade replaces the old files
        self.assertEqual(self.version("fsspec"), "2026.9.0")
        self.assertEqual([n for n in os.listdir(site()) if n.startswith("fsspec-")], ["fsspec-2026.9.0.dist-info"])

    async def test_keep_going_reports_everything(self):
        msg = await self.refused(["fastparquet", "no-such-project-sangam", "six"], keep_going=True)
        self.assertIn("fastparquet", msg)
        self.assertIn("no-such-project-sangam", msg)

    async def test_not_found(self):
        await self.refused(["no-such-project-sangam"], "Can't find a package named 'no-such-project-sangam'")

    async def test_deps_false(self):
        await micropip.install(["universal_pathlib"], deps=False)
        names = {d["name"].lower() for d in _sangam_install.installed()}
        self.assertEqual(names, {"universal_pathlib"})

    async def test_pre_releases_only_when_asked(self):
        # The fixture has no pre-releases of these: pre=True must still take the same finals.
        await micropip.install(["six"], pre=True)
        self.assertEqual(self.version("six"), "1.17.0")

    # -- the lock file and the indexes together -----------------------------------------------------

    def use_lock(self, packages):
        from pyodide import _package_loader as loader

        loader.set_lock(json.dumps({"info": {"arch": "wasm32", "platform": "emscripten_3_1_69",
                                             "python": "3.13.5", "abi_version": "emscripten_3_1_69"},
                                    "packages": packages}))
        loader.lock_base_url = ROOT + "/files/"
        self.addCleanup(loader.set_lock, json.dumps({"info": {}, "packages": {}}))

    FSSPEC_2024_6_1 = {"name": "fsspec", "version": "2024.6.1", "file_name": "fsspec-2024.6.1-py3-none-any.whl",
                       "install_dir": "site", "package_type": "package", "imports": ["fsspec"], "depends": [],
                       "sha256": "3cb443f8bcd2efb31295a5b9fdb02aee81d8452c80d28f97a6d0959e6cee101e"}

    async def test_lock_file_version_is_preferred_when_it_fits(self):
        self.use_lock({"fsspec": self.FSSPEC_2024_6_1})
        await micropip.install(["universal_pathlib"])
        self.assertEqual(self.version("fsspec"), "2024.6.1")
        self.assertEqual(micropip.list()["fsspec"].source, "pyodide")
        lock = json.loads(micropip.freeze())
        self.assertEqual(lock["packages"]["fsspec"]["version"], "2024.6.1")
        self.assertEqual(lock["packages"]["universal-pathlib"]["depends"], ["fsspec", "pathlib-abc"])

    async def test_requested_version_beats_the_lock_file(self):
        self.use_lock({"fsspec": self.FSSPEC_2024_6_1})
        await micropip.install(["fsspec==2025.3.2", "universal_pathlib"])
        self.assertEqual(self.version("fsspec"), "2025.3.2")

    async def test_lock_file_sha256_is_checked(self):
        bad = dict(self.FSSPEC_2024_6_1, sha256="0" * 64)
        self.use_lock({"fsspec": bad})
        await self.refused(["fsspec"], "sha256 mismatch", "0" * 64)

    # -- indexes ---------------------------------------------------------------------------------

    async def test_pep691_json_metadata_before_wheel_in_parallel(self):
        start = len(requests())
        await micropip.install(["rich"])
        log = [p for _, p in requests()[start:]]
        for name in ("rich", "pygments", "markdown-it-py", "mdurl"):
            meta = [i for i, p in enumerate(log) if p.startswith("/files/") and p.endswith(".whl.metadata")
                    and p[7:].lower().replace("_", "-").startswith(name)]
            wheel = [i for i, p in enumerate(log) if p.startswith("/files/") and p.endswith(".whl")
                     and p[7:].lower().replace("_", "-").startswith(name)]
            self.assertTrue(meta and wheel, (name, log))
            self.assertLess(meta[0], wheel[0], log)
        self.assertEqual(self.version("rich"), "15.0.0")

    async def test_pep503_html(self):
        _index.ACCEPT = "text/html"
        await micropip.install(["fsspec==2024.12.0"])
        self.assertEqual(self.version("fsspec"), "2024.12.0")

    async def test_pypi_json_api(self):
        await micropip.install(["fsspec==2025.3.2", "universal_pathlib"],
                               index_urls=[ROOT + "/pypi/{package_name}/json"])
        self.assertEqual(self.version("fsspec"), "2025.3.2")

    async def test_index_order(self):
        # A first index that does not know the project is passed over.
        await micropip.install(["six"], index_urls=[ROOT + "/nothing-here/", INDEX])
        self.assertEqual(self.version("six"), "1.17.0")

    async def test_no_index(self):
        await self.refused(["six"], "none configured", index_urls=[])

    async def test_wheel_by_url(self):
        await micropip.install(ROOT + "/files/six-1.17.0-py2.py3-none-any.whl")
        dist = importlib.metadata.distribution("six")
        self.assertEqual(json.loads(dist.read_text("direct_url.json"))["url"],
                         ROOT + "/files/six-1.17.0-py2.py3-none-any.whl")

    # -- list, freeze, uninstall, mocks ------------------------------------------------------------

    async def test_list_freeze_uninstall(self):
        await micropip.install(["python-dateutil"])
        pkgs = micropip.list()
        self.assertEqual(pkgs["python-dateutil"].version, "4.0.0")
        self.assertTrue(pkgs["tzdata"].source.startswith(ROOT))
        self.assertIn("Name", repr(pkgs))
        lock = json.loads(micropip.freeze())
        self.assertLessEqual({"arch", "platform", "python", "abi_version"}, set(lock["info"]))
        self.assertEqual(lock["info"]["python"], "3.13.5")
        self.assertEqual(lock["info"]["platform"], "emscripten_3_1_69")
        entry = lock["packages"]["python-dateutil"]
        self.assertEqual(entry["depends"], ["tzdata"])
        self.assertEqual(entry["imports"], ["dateutil"])
        self.assertEqual(entry["install_dir"], "site")
        self.assertEqual(entry["package_type"], "package")
        self.assertTrue(entry["file_name"].endswith("python_dateutil-4.0.0-py3-none-any.whl"))
        self.assertEqual(len(entry["sha256"]), 64)
        micropip.uninstall(["python-dateutil", "tzdata"])
        self.assertNotIn("tzdata", micropip.list())
        with self.assertWarns(UserWarning):
            micropip.uninstall("tzdata")
        with self.assertRaises(ValueError):
            micropip.uninstall("packaging")  # the runtime's own

    async def test_mock_packages(self):
        micropip.add_mock_package("fsspec", "2099.1.0", modules={"fsspec": "MOCK = True\n"})
        self.assertEqual(micropip.list_mock_packages(), ["fsspec"])
        await micropip.install(["universal_pathlib"])  # the mock satisfies fsspec>=2024.5.0
        import fsspec

        self.assertTrue(fsspec.MOCK)
        self.assertEqual(self.version("fsspec"), "2099.1.0")
        micropip.remove_mock_package("fsspec")
        self.assertEqual(micropip.list_mock_packages(), [])
        with self.assertRaises(ValueError):
            micropip.remove_mock_package("fsspec")

    # -- real use ----------------------------------------------------------------------------------

    async def test_rich_renders_a_table(self):
        await micropip.install(["rich"])
        import io

        from rich.console import Console
        from rich.table import Table

        t = Table(title="Packages")
        t.add_column("name")
        t.add_column("version")
        t.add_row("rich", self.version("rich"))
        out = io.StringIO()
        Console(file=out, width=40, color_system=None).print(t)
        text = out.getvalue()
        self.assertIn("Packages", text)
        self.assertIn("│ rich", text)
        self.assertIn("15.0.0", text)
        self.assertIn("┏", text)

    async def test_networkx_shortest_path(self):
        await micropip.install(["networkx"])
        import networkx as nx

        g = nx.Graph()
        g.add_weighted_edges_from([("a", "b", 1), ("b", "c", 1), ("a", "c", 5), ("c", "d", 1)])
        self.assertEqual(nx.shortest_path(g, "a", "d", weight="weight"), ["a", "b", "c", "d"])
        self.assertEqual(nx.shortest_path_length(g, "a", "d", weight="weight"), 3)

    async def test_sympy_integrates(self):
        await micropip.install(["sympy"])
        self.assertEqual(self.version("mpmath"), "1.3.0")  # sympy 1.14.0 wants mpmath<1.4: 1.4.1 is passed over
        import sympy

        x = sympy.Symbol("x")
        self.assertEqual(sympy.integrate(x * sympy.exp(x), x), (x - 1) * sympy.exp(x))
        self.assertEqual(sympy.integrate(sympy.sin(x), (x, 0, sympy.pi)), 2)

    async def test_beautifulsoup_parses(self):
        await micropip.install(["beautifulsoup4"])
        from bs4 import BeautifulSoup

        soup = BeautifulSoup("<html><body><p class='a'>one</p><p>two <b>bold</b></p></body></html>", "html.parser")
        self.assertEqual([p.get_text() for p in soup.find_all("p")], ["one", "two bold"])
        self.assertEqual(soup.select_one("p.a").string, "one")  # soupsieve

    async def test_pytest_runs_a_test_file(self):
        await micropip.install(["pytest"])
        import tempfile

        import pytest

        d = tempfile.mkdtemp()
        with open(os.path.join(d, "test_sample.py"), "w") as f:
            f.write("import pytest\n\n"
                    "def test_adds():\n    assert 1 + 1 == 2\n\n"
                    "@pytest.mark.parametrize('n', [1, 2, 3])\ndef test_param(n):\n    assert n > 0\n\n"
                    "def test_fails():\n    assert [1, 2] == [1, 3]\n")

        class Collect:
            def __init__(self):
                self.reports = []

            def pytest_runtest_logreport(self, report):
                if report.when == "call":
                    self.reports.append((report.nodeid.split("::")[-1], report.outcome))

        c = Collect()
        # --capture=sys: pytest's default fd-level capture dup2()s onto a temporary file that this
        # runtime's file system loses (FileNotFoundError in capture.snap); Python-level capture works.
        code = pytest.main(["-q", "-p", "no:cacheprovider", "--capture=sys", d], plugins=[c])
        self.assertEqual(int(code), 1)  # one test fails, on purpose
        self.assertEqual(sorted(c.reports), [("test_adds", "passed"), ("test_fails", "failed"),
                                             ("test_param[1]", "passed"), ("test_param[2]", "passed"),
                                             ("test_param[3]", "passed")])
