"""Runs CPython's regression suite (Lib/test of the same source) inside the runtime.

Each test module runs in its own `bin/sangam -m test MODULE` process, two at a time. The
known failures of this platform are data, in skips.txt beside this file: a line naming a module
leaves that module out; a line naming a test (module.Class.test) leaves out that test only. Each
line carries its reason. Any other failure fails the run; `--listed` runs the listed modules to
find those that pass now (the list only shrinks).

    run.py --lib LIB_DIR (--all | --quick | --listed | MODULE...) [--jobs N] [--timeout SECONDS]

Writes a summary to build/cpython-summary.txt and ends with "N passed, N failed".
"""

import argparse
import concurrent.futures
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SANGAM = ROOT / "bin" / "sangam"
WORK = ROOT / "build" / "cpython-tests"
SUMMARY = ROOT / "build" / "cpython-summary.txt"

# A subset for `make test`: fast modules across the interpreter, the C modules this platform
# builds, and the runtime's file system and time behaviour.
QUICK = """
test_abc test_augassign test_base64 test_binascii test_bisect test_bool test_bz2 test_calendar
test_class test_collections test_complex test_contextlib test_copy test_csv test_dataclasses
test_decorators test_defaultdict test_deque test_dict test_enum test_exceptions test_float
test_fnmatch test_fstring test_functools test_generators test_genexps test_glob test_grammar
test_gzip test_hashlib test_heapq test_hmac test_int test_itertools test_json test_keywordonlyarg
test_list test_long test_lzma test_math test_operator test_ordered_dict test_pathlib test_pickle
test_posixpath test_pprint test_random test_re test_set test_shutil test_slice test_sort
test_sqlite3 test_statistics test_string test_struct test_sys test_tempfile test_textwrap
test_time test_tuple test_typing test_unicodedata test_unittest test_uuid test_weakref test_with
test_zipfile test_zlib test_zoneinfo test_ctypes test_decimal test_os test_io test_datetime
""".split()


# Test ids whose first part is not the regrtest module that runs them.
ID_MODULE = {"datetimetester": "test_datetime"}


def module_of(test_id):
    first = test_id.split(".")[0]
    return ID_MODULE.get(first, first)


def read_skips():
    modules, tests = {}, {}
    for lineno, line in enumerate((HERE / "skips.txt").read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"skips.txt:{lineno}: {name} has no reason")
        target = tests if "." in name else modules
        if name in target:
            sys.exit(f"skips.txt:{lineno}: {name} is listed twice")
        target[name] = reason.strip()
    return modules, tests


def all_modules(test_dir):
    names = []
    for p in sorted(test_dir.iterdir()):
        if p.name.startswith("test_") and (p.suffix == ".py" or (p / "__init__.py").exists()):
            names.append(p.stem if p.suffix == ".py" else p.name)
    return names


def prepare(lib):
    """A copy of Lib/test in a folder of its own: the runtime mounts the current directory, and
    the standard library itself must come from the runtime's zip, not from LIB."""
    stamp = WORK / ".source"
    if not stamp.exists() or stamp.read_text() != str(lib):
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        shutil.copytree(lib / "test", WORK / "test", symlinks=True)
        stamp.write_text(str(lib))
    return WORK


def run_module(name, ignore_tests, timeout):
    # No regrtest --timeout: it needs a watchdog thread. The process timeout below bounds a hang.
    args = [str(SANGAM), "-m", "test", name, "-W"]  # -W: a failing test's output goes to the log
    # regrtest matches a dotted pattern exactly against the full id, which starts with "test.".
    ignores = ["test." + t for t in ignore_tests if module_of(t) == name]
    ignorefile = WORK / f".ignore-{name}"
    if ignores:
        ignorefile.write_text("\n".join(ignores) + "\n")
        args += ["--ignorefile", str(ignorefile)]
    t0 = time.monotonic()
    try:
        proc = subprocess.run(args, cwd=WORK, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=timeout, text=True, errors="replace")
        out, code = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        code = "timeout"
    elapsed = time.monotonic() - t0
    ignorefile.unlink(missing_ok=True)
    if code == "timeout":
        status = "timeout"
    elif re.search(rf"^{re.escape(name)} skipped", out, re.M) or "Result: NO TESTS RAN" in out and "skipped" in out:
        status = "skipped"
    elif code == 0 and "Result: SUCCESS" in out:
        status = "passed"
    else:
        status = "failed"
    return name, status, elapsed, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, type=pathlib.Path)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--listed", action="store_true", help="run the modules skips.txt lists")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("modules", nargs="*")
    opts = ap.parse_args()

    skip_modules, skip_tests = read_skips()
    work = prepare(opts.lib.resolve())
    available = all_modules(work / "test")
    unknown = [m for m in list(skip_modules) + [module_of(t) for t in skip_tests] if m not in available]
    if unknown:
        sys.exit(f"skips.txt names modules that do not exist: {sorted(set(unknown))}")
    if opts.all:
        chosen = available
    elif opts.quick:
        chosen = QUICK
    elif opts.listed:
        chosen = list(skip_modules)
        skip_modules = {}
    else:
        chosen = opts.modules
    to_run = [m for m in chosen if m not in skip_modules]
    listed = [m for m in chosen if m in skip_modules]

    t0 = time.monotonic()
    results = {}
    logs = ROOT / "build" / "cpython-logs"
    logs.mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(opts.jobs) as pool:
        futures = [pool.submit(run_module, m, skip_tests, opts.timeout) for m in to_run]
        for fut in concurrent.futures.as_completed(futures):
            name, status, elapsed, out = fut.result()
            results[name] = (status, elapsed)
            (logs / f"{name}.log").write_text(out)
            print(f"{status:8} {elapsed:7.1f}s  {name}", flush=True)

    total_time = time.monotonic() - t0
    by = {s: sorted(m for m, (st, _) in results.items() if st == s)
          for s in ("passed", "skipped", "failed", "timeout")}
    bad = by["failed"] + by["timeout"]
    lines = [
        f"CPython regression suite in sangam: {len(chosen)} modules chosen",
        f"  passed (whole or with listed test skips): {len(by['passed'])}",
        f"  skipped by the suite itself (platform lacks a feature): {len(by['skipped'])}",
        f"  listed in tests/cpython/skips.txt as unable to pass here: {len(listed)}",
        f"  failed: {len(by['failed'])} {' '.join(by['failed'])}",
        f"  timed out: {len(by['timeout'])} {' '.join(by['timeout'])}",
        f"  listed single tests left out: {len(skip_tests)}",
        f"  pass rate: {100 * (len(by['passed']) + len(by['skipped'])) / max(1, len(chosen)):.1f}% of modules"
        " (passed or skipped by the suite)",
        f"  time: {total_time:.0f} s with {opts.jobs} workers (logs in build/cpython-logs/)",
    ]
    SUMMARY.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"{len(by['passed']) + len(by['skipped'])} passed, {len(bad)} failed")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
