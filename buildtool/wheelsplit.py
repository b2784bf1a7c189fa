"""Splits a package's tests out of its wheel: NAME-VERSION-TAG.whl becomes a wheel without them and
NAME_tests-VERSION-TAG.whl (the project `NAME-tests`, requiring `NAME==VERSION`) holding every
folder named `tests` inside the package, so that `loadPackage("numpy")` does not download numpy's
test suite and `loadPackage("numpy-tests")` or `pip install` of both gets it back.

Both wheels get a RECORD of their own (sha256 of each file, as the wheel spec asks); the tests wheel
has an empty top_level.txt, so a lock file gives it no import names of its own.
"""

import base64
import hashlib
import re
import zipfile
from pathlib import Path


class SplitError(Exception):
    pass


def _is_test_file(name):
    parts = name.split("/")
    top = parts[0]
    if top.endswith(".dist-info") or top.endswith(".data"):
        return False
    return "tests" in parts[1:-1]


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _write(path, files, dist_info, stamp, modes):
    """A wheel at `path` of `files` ({name: bytes}, without RECORD) and a RECORD for them; every
    entry dated `stamp` (the built wheel's), so the same wheel splits into the same bytes."""
    record = [f"{n},{_digest(d)},{len(d)}" for n, d in files.items()] + [f"{dist_info}/RECORD,,"]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in [*files.items(), (f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode())]:
            info = zipfile.ZipInfo(n, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = modes.get(n, 0o644 << 16)
            z.writestr(info, d)
    tmp.replace(path)


def split(wheel):
    """Splits `wheel` in place; returns the tests wheel's path, or None when it has no tests."""
    wheel = Path(wheel)
    m = re.fullmatch(r"([^-]+)-([^-]+)-(.+)\.whl", wheel.name)
    if not m:
        raise SplitError(f"{wheel.name}: not a wheel file name")
    dist, version, tags = m.groups()
    with zipfile.ZipFile(wheel) as z:
        entries = [i for i in z.infolist() if not i.is_dir()]
        files = {i.filename: z.read(i) for i in entries}
    stamp = min((i.date_time for i in entries), default=(1980, 1, 1, 0, 0, 0))
    modes = {i.filename: i.external_attr for i in entries if i.external_attr}
    dist_info = f"{dist}-{version}.dist-info"
    if f"{dist_info}/METADATA" not in files:
        raise SplitError(f"{wheel.name}: no {dist_info}/METADATA")
    tests = {n: d for n, d in files.items() if _is_test_file(n)}
    if not tests:
        return None
    main = {n: d for n, d in files.items() if n not in tests and n != f"{dist_info}/RECORD"}
    name = re.search(r"^Name: *(.+)$", main[f"{dist_info}/METADATA"].decode(), re.M).group(1).strip()
    tdist = f"{dist}_tests"
    tinfo = f"{tdist}-{version}.dist-info"
    wheel_meta = main[f"{dist_info}/WHEEL"].decode()
    tests[f"{tinfo}/METADATA"] = (f"Metadata-Version: 2.1\nName: {name}-tests\nVersion: {version}\n"
                                  f"Summary: the tests of {name} {version}, split out of its wheel\n"
                                  f"Requires-Dist: {name}=={version}\n").encode()
    tests[f"{tinfo}/WHEEL"] = wheel_meta.encode()
    tests[f"{tinfo}/top_level.txt"] = b""
    out = wheel.with_name(f"{tdist}-{version}-{tags}.whl")
    _write(out, tests, tinfo, stamp, modes)
    _write(wheel, main, dist_info, stamp, modes)
    return out
