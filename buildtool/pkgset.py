"""The package set (packages/NAME.toml, one recipe per package): building it and running its tests.

    sangam-build package-set build [NAME...] [-o DIR]     wheels into DIR (dist/packages) + pyodide-lock.json
    sangam-build package-set test [NAME...] [-o DIR] [--work DIR]

`build` makes each recipe's native libraries (tools/build-pkglibs.sh, from Debian sources), then its
wheel from the pinned PyPI sdist with the build cache (buildtool/build.py), and writes the lock file
for loadPackage (bin/sangam-lock). `test` makes a sangam venv, pip-installs the wheels with pytest,
checks that each package's compiled part loads, and runs the package's own tests (copied from its
sdist) with pytest, deselecting the ones in packages/NAME.skips; it prints a table of package,
version, wheel size and tests passed/failed/skipped, and writes it as JSON beside the venv.

A recipe (TOML): name, version, sha256 (the sdist's), libraries (native libraries), patches (files
in packages/patches/NAME/, unified diffs applied with `patch -p1` to the unpacked sdist, each
starting with a comment that explains the bug it fixes), check (Python run after installing), [build] config-settings and env, [test] paths (files and folders of the sdist
to run) or pyargs (packages whose installed tests run, `pytest --pyargs`), args (more pytest
arguments), requires (more wheels for the tests, pinned in packages/test-requirements.txt), timeout;
[build] split-tests: the wheel's `tests` folders go into a NAME-tests wheel of their own (wheelsplit.py);
[build] target-requires: recipes of the set whose wasm wheels the build compiles against (numpy's
headers): built first, unpacked for the wrapper ($SANGAM_TARGET_SITE), which points the host
package's include and library folders in the build environment at them.
NAME.skips: one test a line, `NODE_ID  # FEATURE: reason`, FEATURE one of what the platform lacks.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from . import crossenv, wheelsplit

REPO = Path(__file__).resolve().parent.parent
RECIPES = REPO / "packages"
PATCHES = RECIPES / "patches"
# The set's build requirements beyond the host tools (pinned like buildtool/host-requirements.txt).
BUILD_REQUIREMENTS = RECIPES / "build-requirements.txt"
# Pure-Python wheels the set's packages need at run time, copied beside the built ones.
RUNTIME_REQUIREMENTS = RECIPES / "runtime-requirements.txt"
# The wheels the set's tests need beyond pytest (hypothesis, ...), pinned the same way.
TEST_REQUIREMENTS = RECIPES / "test-requirements.txt"
# What a test may be skipped for: features this platform lacks.
FEATURES = ("threads", "subprocesses", "sockets", "fpe", "memmap")
# The sdist's files that configure pytest, copied with the tests.
PYTEST_CONFIG = ("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", "conftest.py")


class RecipeError(Exception):
    pass


@dataclass
class Recipe:
    path: Path
    name: str
    version: str
    sha256: str
    libraries: list = field(default_factory=list)
    patches: list = field(default_factory=list)  # Paths
    check: str = ""
    config_settings: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    split_tests: bool = False
    target_requires: list = field(default_factory=list)
    test_paths: list = field(default_factory=list)
    test_pyargs: list = field(default_factory=list)
    test_args: list = field(default_factory=list)
    test_requires: list = field(default_factory=list)
    timeout: int = 1800
    skips: list = field(default_factory=list)  # (node id, feature, reason)


def _expect(d, allowed, where):
    extra = sorted(set(d) - set(allowed))
    if extra:
        raise RecipeError(f"{where}: unknown key(s) {', '.join(extra)} (known: {', '.join(allowed)})")


def read_skips(path):
    """[(node id, feature, reason)] from NAME.skips; RecipeError for a line without a known feature."""
    skips = []
    if not path.exists():
        return skips
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^(\S+)\s+#\s*([a-z]+):\s*(\S.*)$", line)
        if not m or m.group(2) not in FEATURES:
            raise RecipeError(f"{path}:{n}: expected `NODE_ID  # FEATURE: reason` with FEATURE one of "
                              f"{', '.join(FEATURES)}: {line!r}")
        skips.append(m.groups())
    return skips


def read_patches(path, name, files):
    """The recipe's patch files (packages/patches/NAME/FILE); RecipeError for a missing one or one
    without its explaining comment before the diff."""
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise RecipeError(f"{path}: `patches` is a list of file names in {PATCHES / name}")
    found = []
    for f in files:
        p = PATCHES / name / f
        if not p.is_file():
            raise RecipeError(f"{path}: patches: no {p}")
        head = p.read_text().split("\n--- ", 1)[0]
        if head.startswith("--- ") or not head.strip():
            raise RecipeError(f"{p}: a patch starts with a comment explaining the bug it fixes")
        found.append(p)
    return found


def load(path):
    path = Path(path)
    try:
        d = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RecipeError(f"{path}: {e}") from None
    _expect(d, ("name", "version", "sha256", "libraries", "patches", "check", "build", "test"), path)
    for k in ("name", "version", "sha256"):
        if not isinstance(d.get(k), str):
            raise RecipeError(f"{path}: `{k}` (a string) is required")
    if not re.fullmatch(r"[0-9a-f]{64}", d["sha256"]):
        raise RecipeError(f"{path}: sha256 is not 64 hex digits")
    if path.stem != d["name"]:
        raise RecipeError(f"{path}: the file is named after the package ({d['name']}.toml)")
    b, t = d.get("build", {}), d.get("test", {})
    _expect(b, ("config-settings", "env", "split-tests", "target-requires"), f"{path} [build]")
    _expect(t, ("paths", "pyargs", "args", "requires", "timeout"), f"{path} [test]")
    if bool(t.get("paths")) == bool(t.get("pyargs")):
        raise RecipeError(f"{path}: [test] needs paths (the sdist's tests) or pyargs (the installed "
                          "package's), one of them")
    return Recipe(path=path, name=d["name"], version=d["version"], sha256=d["sha256"],
                  libraries=list(d.get("libraries", [])), patches=read_patches(path, d["name"], d.get("patches", [])),
                  check=d.get("check", ""),
                  config_settings=dict(b.get("config-settings", {})),
                  env={k: str(v) for k, v in b.get("env", {}).items()},
                  split_tests=bool(b.get("split-tests", False)), target_requires=list(b.get("target-requires", [])),
                  test_paths=list(t.get("paths", [])), test_pyargs=list(t.get("pyargs", [])), test_args=list(t.get("args", [])),
                  test_requires=list(t.get("requires", [])), timeout=int(t.get("timeout", 1800)),
                  skips=read_skips(path.with_suffix(".skips")))


def recipes(names=()):
    found = {p.stem: p for p in sorted(RECIPES.glob("*.toml"))}
    missing = [n for n in names if n not in found]
    if missing:
        raise RecipeError(f"no recipe for {', '.join(missing)} in {RECIPES} (have: {', '.join(found)})")
    return [load(found[n]) for n in (names or found)]


def build_order(chosen):
    """The chosen recipes with each one's target-requires before it (added when not chosen)."""
    order, seen = [], set()

    def visit(r, stack):
        if r.name in seen:
            return
        if r.name in stack:
            raise RecipeError(f"{r.path}: target-requires makes a cycle: {' -> '.join([*stack, r.name])}")
        for dep in r.target_requires:
            visit(next((c for c in chosen if c.name == dep), None) or recipes([dep])[0], [*stack, r.name])
        seen.add(r.name)
        order.append(r)

    for r in chosen:
        visit(r, [])
    return order


def target_site(recipe, outdir):
    """A folder with the wasm wheels of the recipe's target-requires unpacked (cached by their
    sha256), or None when it has none."""
    if not recipe.target_requires:
        return None
    import hashlib
    import zipfile
    wheels = []
    for dep in recipe.target_requires:
        w = wheel_of(recipes([dep])[0], outdir)
        if not w:
            raise RecipeError(f"{recipe.name} compiles against {dep}'s wasm wheel, which {outdir} does not have")
        wheels.append(w)
    key = hashlib.sha256(b"".join(hashlib.sha256(w.read_bytes()).digest() for w in wheels)).hexdigest()[:16]
    site = crossenv.cache_dir() / f"buildtool-target-site-{key}"
    if not (site / ".complete").exists():
        tmp = site.with_name(site.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        for w in wheels:
            with zipfile.ZipFile(w) as z:
                z.extractall(tmp)
        (tmp / ".complete").write_text("")
        shutil.rmtree(site, ignore_errors=True)
        tmp.rename(site)
    return site


def library_prefixes(libraries, log):
    """The cached prefixes of the native libraries (built when missing), in order."""
    if not libraries:
        return []
    paths = crossenv.read_paths()
    log(f"native libraries: {' '.join(libraries)}")
    r = subprocess.run(["bash", str(REPO / "tools" / "build-pkglibs.sh"), paths["EM_ENV"], paths["WASM_LIBS"],
                        *libraries], stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RecipeError(f"building the native libraries {' '.join(libraries)} failed (its message above)")
    return r.stdout.split()


def wheel_of(recipe, folder, suffix=""):
    """The recipe's wheel in `folder` (suffix "_tests": its split-out tests), or None."""
    stem = re.sub(r"[-_.]+", "_", recipe.name).lower() + suffix
    found = [p for p in Path(folder).glob("*.whl")
             if p.name.lower().startswith(f"{stem}-{recipe.version}-".lower())]
    return found[0] if found else None


def build_set(names, outdir):
    from .build import BuildFailed, Progress, build
    from .hostenv import HostEnvError
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    failed = []
    for r in build_order(recipes(names)):
        progress = Progress()
        progress.say(f"== {r.name} {r.version}")
        try:
            if any(d in failed for d in r.target_requires):
                raise RecipeError(f"not built: it compiles against {', '.join(r.target_requires)}, which failed")
            prefixes = library_prefixes(r.libraries, progress.say)
            env = dict(r.env)
            site = target_site(r, outdir)
            if site:
                env["SANGAM_TARGET_SITE"] = str(site)
                # A wasm wheel's pkg-config folder (numpy's numpy/_core/lib/pkgconfig/numpy.pc) makes
                # its parent a library prefix: pkg-config, meson and CMake find the wasm headers.
                prefixes += sorted(str(d.parent.parent) for d in site.rglob("lib/pkgconfig") if d.is_dir())
            if prefixes:
                env["SANGAM_LIB_PREFIXES"] = os.pathsep.join(prefixes)
            stem = re.sub(r'[-_.]+', '_', r.name).lower()
            for old in [*outdir.glob(f"{stem}-*.whl"), *outdir.glob(f"{stem}_tests-*.whl")]:
                old.unlink()  # another version of it, from an older recipe
            wheel, _ = build(f"{r.name}=={r.version}", outdir, config_settings=r.config_settings,
                             pins_files=[r.path], progress=progress, env=env, requirements=[BUILD_REQUIREMENTS],
                             patches=r.patches)
            if r.split_tests:
                tests = wheelsplit.split(wheel)
                if tests:
                    progress.say(f"tests split out: {tests.name} ({tests.stat().st_size // 1024} KiB), "
                                 f"{wheel.name} {wheel.stat().st_size // 1024} KiB without them")
        except (BuildFailed, RecipeError, HostEnvError, wheelsplit.SplitError) as e:
            step = f"step '{e.step}' " if isinstance(e, BuildFailed) else ""
            print(f"sangam-build package-set: {r.name} {step}failed: {e}", file=sys.stderr)
            for line in getattr(e, "tail", [])[-20:]:
                print(f"  {line}", file=sys.stderr)
            if getattr(e, "log", None):
                print(f"  full log: {e.log}", file=sys.stderr)
            failed.append(r.name)
    try:
        copy_runtime_wheels(outdir)
    except HostEnvError as e:
        print(f"sangam-build package-set: {e}", file=sys.stderr)
        failed.append(RUNTIME_REQUIREMENTS.name)
    r = subprocess.run(["node", str(REPO / "bin" / "sangam-lock"), str(outdir)])
    if r.returncode != 0:
        failed.append("pyodide-lock.json")
    if failed:
        print(f"sangam-build package-set: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def copy_runtime_wheels(outdir):
    """runtime-requirements.txt's wheels (downloaded once, checked) into outdir."""
    from . import hostenv
    native = str(Path(crossenv.read_paths()["PY_NATIVE"]) / "bin" / "python3.13")
    house = hostenv.ensure_wheelhouse(native, lambda m: print(f"[package-set] {m}", file=sys.stderr),
                                      RUNTIME_REQUIREMENTS)
    for w in sorted(house.glob("*.whl")):
        if not (outdir / w.name).exists():
            shutil.copyfile(w, outdir / w.name)


def junit_counts(path):
    """(passed, failed, errors, skipped) from pytest's JUnit XML."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
    passed = total["tests"] - total["failures"] - total["errors"] - total["skipped"]
    return passed, total["failures"], total["errors"], total["skipped"]


def copy_tests(recipe, src, dest):
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in PYTEST_CONFIG:
        if (src / name).is_file():
            shutil.copy(src / name, dest / name)
    for rel in recipe.test_paths:
        s = src / rel
        if not s.exists():
            raise RecipeError(f"{recipe.path}: [test] paths: the sdist has no {rel}")
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, dest / rel, dirs_exist_ok=True)
        else:
            shutil.copy(s, dest / rel)


def test_set(names, wheels, work):
    from . import hostenv, venv as venv_mod
    from .sdist import fetch, unpack
    wheels, work = Path(wheels).resolve(), Path(work).resolve()
    chosen = recipes(names)
    missing = [r.name for r in chosen if not wheel_of(r, wheels)]
    if missing:
        print(f"sangam-build package-set: no wheel in {wheels} for {', '.join(missing)}; "
              f"run `make packages` (sangam-build package-set build) first", file=sys.stderr)
        return 1
    venv = work / "venv"
    if venv.exists():
        shutil.rmtree(venv)
    work.mkdir(parents=True, exist_ok=True)
    say = lambda m: print(f"[package-set] {m}", file=sys.stderr, flush=True)
    say(f"making the venv {venv}")
    venv_mod.make(venv)
    native = str(Path(crossenv.read_paths()["PY_NATIVE"]) / "bin" / "python3.13")
    house = hostenv.ensure_wheelhouse(native)
    test_house = hostenv.ensure_wheelhouse(native, say, TEST_REQUIREMENTS)
    reqs = ["pytest"] + [str(w) for r in chosen for w in (wheel_of(r, wheels), wheel_of(r, wheels, "_tests")) if w] \
        + [q for r in chosen for q in r.test_requires]
    say(f"pip install {' '.join(Path(q).name for q in reqs)}")
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-index", "--find-links", str(house),
                          "--find-links", str(test_house), "--find-links", str(wheels), *reqs])
    if pip.returncode != 0:
        print("sangam-build package-set: pip install failed (its message above)", file=sys.stderr)
        return 1
    site = str(venv / "lib" / "python3.13" / "site-packages")
    rows = []
    for r in chosen:
        row = {"package": r.name, "version": r.version, "wheel_kib": wheel_of(r, wheels).stat().st_size / 1024,
               "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "deselected": len(r.skips),
               "seconds": 0.0, "status": "ok"}
        rows.append(row)
        t0 = time.monotonic()
        try:
            archive, _ = fetch(r.name, r.version, r.sha256, log=say)
            src = unpack(archive, work / "sdists" / r.name) if not (work / "sdists" / r.name).exists() \
                else next((work / "sdists" / r.name).iterdir())
            tdir = work / "tests" / r.name
            copy_tests(r, src, tdir)
        except Exception as e:  # a missing sdist, a recipe path the sdist lacks: this row fails
            row["status"] = f"setup failed: {e}"
            continue
        # The package imports from the venv, and its compiled part loads.
        probe = (f"{r.check}\nimport importlib.metadata as m, os\n"
                 f"d = m.distribution({r.name!r})\n"
                 f"assert os.path.realpath(str(d.locate_file(''))) == os.path.realpath({site!r}), d.locate_file('')\n")
        c = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=tdir, capture_output=True, text=True)
        if c.returncode != 0:
            row["status"] = "check failed: " + (c.stderr.strip().splitlines() or ["?"])[-1]
            say(f"{r.name}: {row['status']}")
            continue
        junit = tdir / "junit.xml"
        where = r.test_paths
        if r.test_pyargs:
            # The installed package's tests: node ids relative to site-packages (as NAME.skips has
            # them), the sdist's pytest configuration.
            ini = next((tdir / n for n in ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
                        if (tdir / n).is_file()), None)
            where = [*(["-c", str(ini)] if ini else []), f"--rootdir={site}", "--pyargs", *r.test_pyargs]
        args = [str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
                *[f"--deselect={node}" for node, _, _ in r.skips], *r.test_args, *where]
        say(f"{r.name}: pytest {' '.join(r.test_paths or r.test_pyargs)} ({len(r.skips)} platform skips)")
        log = work / f"{r.name}-pytest.log"
        try:
            with open(log, "w") as f:
                p = subprocess.run(args, cwd=tdir, stdout=f, stderr=subprocess.STDOUT, timeout=r.timeout)
            row["exit"] = p.returncode
        except subprocess.TimeoutExpired:
            row["status"] = f"timed out after {r.timeout} s"
        row["seconds"] = time.monotonic() - t0
        if junit.exists():
            row["passed"], row["failed"], row["errors"], row["skipped"] = junit_counts(junit)
        elif row["status"] == "ok":
            row["status"] = f"no results (exit {row.get('exit')}; log {log})"
        if row["status"] == "ok" and row.get("exit") not in (0, 1):
            row["status"] = f"pytest exit {row['exit']} (log {log})"
        say(f"{r.name}: {row['passed']} passed, {row['failed']} failed, {row['errors']} errors, "
            f"{row['skipped']} skipped in {row['seconds']:.0f} s (log {log})")
    (work / "results.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))
    bad = [x for x in rows if x["status"] != "ok" or x["failed"] or x["errors"]]
    return 1 if bad else 0


def table(rows):
    head = ("package", "version", "wheel", "passed", "failed", "errors", "skipped", "platform skips", "time", "status")
    lines = [head]
    for x in rows:
        lines.append((x["package"], x["version"], f"{x['wheel_kib']:.0f} KiB", str(x["passed"]), str(x["failed"]),
                      str(x["errors"]), str(x["skipped"]), str(x["deselected"]), f"{x['seconds']:.0f} s", x["status"]))
    widths = [max(len(l[i]) for l in lines) for i in range(len(head))]
    fmt = lambda l: "| " + " | ".join(c.ljust(w) for c, w in zip(l, widths)) + " |"
    return "\n".join([fmt(lines[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(fmt, lines[1:])])


def main(argv):
    p = argparse.ArgumentParser(prog="sangam-build package-set", description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=("build", "test", "list"))
    p.add_argument("names", nargs="*", help="recipes (default: all of packages/)")
    p.add_argument("-o", "--outdir", default=str(REPO / "dist" / "packages"), help="the wheels' folder")
    p.add_argument("--work", default=str(REPO / "build" / "package-set"), help="test: venv, sdists, results")
    a = p.parse_args(argv)
    try:
        if a.action == "list":
            for r in recipes(a.names):
                print(f"{r.name} {r.version} libraries={','.join(r.libraries) or '-'} "
                      f"patches={','.join(p.name for p in r.patches) or '-'} skips={len(r.skips)}")
            return 0
        if a.action == "build":
            return build_set(a.names, a.outdir)
        return test_set(a.names, a.outdir, a.work)
    except RecipeError as e:
        print(f"sangam-build package-set: {e}", file=sys.stderr)
        return 1
