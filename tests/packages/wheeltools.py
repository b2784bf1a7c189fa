"""Helpers for the package tests: where the real PyPI wheels are, and hostile variants of them.

The wheels are the pinned sets tools/fetch-wheels.sh (tests/packages/wheels.txt) and
tools/fetch-pinned-wheels.sh (tests/packages/wheels-resolver.txt) download into $SANGAM_CACHE.
tests/packages/run-py.mjs mounts those folders in the runtime and names them in SANGAM_WHEELS
(':'-separated); the index it serves them from is SANGAM_INDEX.
"""

import base64
import csv
import hashlib
import io
import os
import zipfile


def wheel_dirs():
    env = os.environ.get("SANGAM_WHEELS")
    if env:
        return env.split(":")
    cache = os.environ.get("SANGAM_CACHE") or os.path.expanduser("~/.cache/sangam")
    return [os.path.join(cache, "wheels"), os.path.join(cache, "wheels-resolver")]


def wheel_path(prefix):
    """The cached wheel whose file name starts with prefix ('six-1.17.0')."""
    found = sorted(os.path.join(d, n) for d in wheel_dirs() if os.path.isdir(d)
                   for n in os.listdir(d) if n.startswith(prefix) and n.endswith(".whl"))
    if not found:
        raise FileNotFoundError(f"no wheel {prefix}* in {wheel_dirs()}: run tools/fetch-wheels.sh")
    return found[-1]


def read_wheel(prefix):
    p = wheel_path(prefix)
    with open(p, "rb") as f:
        return os.path.basename(p), f.read()


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def entries(data):
    """[(ZipInfo, bytes)] of a wheel, in archive order."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    return [(zi, zf.read(zi)) for zi in zf.infolist()]


def build(items, fix_record=True):
    """A zip of items [(name or ZipInfo, bytes)]; with fix_record, RECORD is rewritten to match."""
    items = list(items)
    if fix_record:
        record_name = next(
            (n.filename if isinstance(n, zipfile.ZipInfo) else n for n, _ in items
             if (n.filename if isinstance(n, zipfile.ZipInfo) else n).endswith(".dist-info/RECORD")),
            None,
        )
        if record_name:
            out = io.StringIO()
            w = csv.writer(out, lineterminator="\n")
            for n, body in items:
                name = n.filename if isinstance(n, zipfile.ZipInfo) else n
                if name != record_name and not name.endswith("/"):
                    w.writerow([name, record_hash(body), len(body)])
            w.writerow([record_name, "", ""])
            items = [(n, out.getvalue().encode() if (n.filename if isinstance(n, zipfile.ZipInfo) else n)
                      == record_name else b) for n, b in items]
    buf = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are what some tests want
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, body in items:
                zf.writestr(n, body)
    return buf.getvalue()


def _skipped():
    """What a digest of the runtime's tree leaves out: devices and the test inputs mounted from the host."""
    return {"/dev", "/proc", "/sys", "/tests", "/sangam_src", "/pk", *wheel_dirs()}


def tree_digest(*roots):
    """A digest of everything under roots: paths, file bytes, modes, directories (devices and the
    mounted test inputs left out: a scheme directory may be / itself)."""
    import stat

    skip = _skipped()
    h = hashlib.sha256()
    for root in roots:
        if not os.path.exists(root):
            h.update(b"missing:" + root.encode())
            continue
        for d, dirs, files in os.walk(root):
            dirs[:] = sorted(x for x in dirs if os.path.join(d, x) not in skip)
            h.update(b"D" + d.encode())
            for f in sorted(files):
                p = os.path.join(d, f)
                st = os.lstat(p)
                h.update(b"F" + p.encode() + oct(st.st_mode).encode())
                if stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as fh:
                        h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()
