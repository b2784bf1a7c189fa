"""Source distributions by NAME==VERSION: found on the package index pip is configured with (PEP 691
JSON), downloaded once into $SANGAM_CACHE/sdists and checked against their sha256: the one pinned
in a checked-in list when there is one, else the index's. A mismatch stops with a message naming
the file. Runs with the standard library (and pip's settings, when pip is importable).
"""

import hashlib
import json
import os
import re
import ssl
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

from .crossenv import cache_dir


class SdistError(Exception):
    pass


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path):
    """{(normalized name, version): sha256} from a `name==version --hash=sha256:H` list, or from a
    package set recipe (packages/NAME.toml: its name, version and sha256)."""
    pins = {}
    if str(path).endswith(".toml"):
        import tomllib
        try:
            recipe = tomllib.loads(Path(path).read_text())
            pins[(normalize(recipe["name"]), recipe["version"])] = recipe["sha256"]
        except (tomllib.TOMLDecodeError, KeyError) as e:
            raise SdistError(f"{path}: not a recipe with name, version and sha256 ({e})") from None
        return pins
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})$", line)
        if not m:
            raise SdistError(f"{path}: cannot read line {line!r} (expected name==version --hash=sha256:H)")
        pins[(normalize(m.group(1)), m.group(2))] = m.group(3)
    return pins


def index_url():
    url = os.environ.get("PIP_INDEX_URL")
    if not url:
        try:
            out = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                                 capture_output=True, text=True)
            url = out.stdout.strip() if out.returncode == 0 else ""
        except OSError:
            url = ""
    if not url:
        try:
            from pip._internal.models.index import PyPI
            url = PyPI.simple_url
        except ImportError as e:
            raise SdistError("no package index: set PIP_INDEX_URL") from e
    return url.rstrip("/")


def _ssl_context():
    cafile = os.environ.get("PIP_CERT") or ("/etc/ssl/certs/ca-certificates.crt"
                                            if os.path.exists("/etc/ssl/certs/ca-certificates.crt") else None)
    return ssl.create_default_context(cafile=cafile)


def find_sdist(name, version):
    """(filename, url, sha256) of NAME==VERSION's sdist on the index."""
    url = f"{index_url()}/{normalize(name)}/"
    req = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(req, context=_ssl_context(), timeout=60) as r:
            data = json.load(r)
    except OSError as e:
        raise SdistError(f"cannot read the index page of {name}: {e}") from e
    want = {f"{n}-{version}{ext}" for n in {normalize(name).replace("-", "_"), name, normalize(name)}
            for ext in (".tar.gz", ".zip")}
    for f in data.get("files", []):
        if f["filename"] in want or f["filename"].lower() in {w.lower() for w in want}:
            return f["filename"], f["url"], f.get("hashes", {}).get("sha256")
    raise SdistError(f"{name}=={version}: the index has no source distribution of that version")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(name, version, pinned=None, log=print):
    """The cached sdist of NAME==VERSION, downloaded when missing; (path, sha256)."""
    d = cache_dir() / "sdists"
    d.mkdir(parents=True, exist_ok=True)
    prefix = f"{normalize(name).replace('-', '_')}-{version}"
    if pinned:
        for p in d.iterdir():
            if p.name.lower().startswith(prefix.lower() + ".") or p.name.lower().startswith(f"{name}-{version}.".lower()):
                got = sha256_file(p)
                if got != pinned:
                    raise SdistError(f"{p}: sha256 {got}, expected {pinned} (pinned); delete it to download again")
                return p, got
    # An sdist downloaded before without a pin: the index's sha256 was kept beside it.
    for p in d.glob("*.sha256"):
        stem = p.name[:-len(".sha256")]
        if stem.lower().startswith(prefix.lower() + ".") and (d / stem).exists():
            expected = p.read_text().strip()
            got = sha256_file(d / stem)
            if got != expected:
                raise SdistError(f"{d / stem}: sha256 {got}, expected {expected} (the index's); delete it to download again")
            return d / stem, got
    filename, url, index_hash = find_sdist(name, version)
    expected = pinned or index_hash
    dest = d / filename
    if dest.exists():
        got = sha256_file(dest)
        if expected and got != expected:
            raise SdistError(f"{dest}: sha256 {got}, expected {expected}; delete it to download again")
        return dest, got
    log(f"downloading {filename}")
    tmp = dest.with_name(dest.name + ".part")
    with urllib.request.urlopen(url, context=_ssl_context(), timeout=300) as r, open(tmp, "wb") as out:
        while chunk := r.read(1 << 20):
            out.write(chunk)
    got = sha256_file(tmp)
    if expected and got != expected:
        tmp.unlink()
        raise SdistError(f"{filename}: sha256 {got}, expected {expected}"
                         f" ({'pinned' if pinned else 'the index'}); nothing kept")
    tmp.rename(dest)
    if not pinned:
        dest.with_name(dest.name + ".sha256").write_text(got + "\n")
    return dest, got


def unpack(archive, dest):
    """Unpacks an sdist into dest and returns its top folder (refusing paths that leave dest)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if str(archive).endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            for n in z.namelist():
                if n.startswith("/") or ".." in Path(n).parts:
                    raise SdistError(f"{archive}: unsafe path {n}")
            z.extractall(dest)
    else:
        with tarfile.open(archive) as t:
            t.extractall(dest, filter="data")
    tops = [p for p in dest.iterdir()]
    if len(tops) == 1 and tops[0].is_dir():
        return tops[0]
    return dest
