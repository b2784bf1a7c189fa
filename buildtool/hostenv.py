"""The host tools' virtual environment: native CPython 3.13 from the cache with the wheels pinned in
buildtool/host-requirements.txt, so the user's own Python never matters.

The wheels are downloaded once with pip --require-hashes (the pip bundled with the native CPython,
run from its wheel) into $SANGAM_CACHE/buildtool-wheels. Every file there is checked against its
sha256 before use: a stray or tampered file stops with a message naming it. The venv lives in
$SANGAM_CACHE/buildtool-venv-<key>, keyed by the list and the interpreter. Standard library only.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .crossenv import cache_dir
from .sdist import sha256_file

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "host-requirements.txt"


class HostEnvError(Exception):
    pass


def pinned(requirements=REQUIREMENTS):
    """[(requirement, sha256)] from host-requirements.txt (or another such list)."""
    out = []
    for line in Path(requirements).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        req, _, h = line.partition(" --hash=sha256:")
        out.append((req, h.strip()))
    return out


def wheelhouse_dir(requirements=REQUIREMENTS):
    """host-requirements.txt's wheels; another list's (the package set's) have a folder of their own,
    named by its contents (so no other checkout's list finds strays in it)."""
    if Path(requirements) == REQUIREMENTS:
        return cache_dir() / "buildtool-wheels"
    key = hashlib.sha256(Path(requirements).read_bytes()).hexdigest()[:12]
    return cache_dir() / f"buildtool-wheels-{Path(requirements).parent.name}-{key}"


def _bundled_pip(python):
    out = subprocess.run([python, "-c", "import ensurepip, pathlib; print(pathlib.Path(ensurepip.__file__).parent / '_bundled')"],
                         capture_output=True, text=True, check=True)
    wheels = sorted(Path(out.stdout.strip()).glob("pip-*.whl"))
    if not wheels:
        raise HostEnvError(f"{python} has no bundled pip wheel (ensurepip)")
    return str(wheels[-1]) + "/pip"


def ensure_wheelhouse(python, log=print, requirements=REQUIREMENTS):
    """Every pinned wheel of `requirements` in its wheelhouse, checked; returns the folder."""
    d = wheelhouse_dir(requirements)
    d.mkdir(parents=True, exist_ok=True)
    pins = pinned(requirements)
    wanted = {h for _, h in pins}
    have = {}
    for f in sorted(d.glob("*.whl")):
        h = sha256_file(f)
        if h not in wanted:
            raise HostEnvError(f"{f}: sha256 {h} is not pinned in {requirements} "
                               "(tampered or stray file; delete it to download again)")
        have[h] = f
    missing = [(r, h) for r, h in pins if h not in have]
    if missing:
        log(f"downloading {len(missing)} pinned host wheels into {d}")
        with tempfile.TemporaryDirectory() as tmp:
            req = Path(tmp) / "req.txt"
            req.write_text("".join(f"{r} --hash=sha256:{h}\n" for r, h in missing))
            env = dict(os.environ)
            env.pop("PIP_FIND_LINKS", None)
            r = subprocess.run([python, _bundled_pip(python), "download", "-q", "--no-deps", "--only-binary=:all:",
                                "--require-hashes", "-d", str(Path(tmp) / "out"), "-r", str(req)], env=env)
            if r.returncode != 0:
                raise HostEnvError(f"could not download the pinned host wheels of {requirements} "
                                   "(pip's message above names the file)")
            for f in (Path(tmp) / "out").glob("*.whl"):
                h = sha256_file(f)
                if h not in wanted:
                    raise HostEnvError(f"{f.name}: sha256 {h} is not pinned in {requirements}")
                shutil.move(str(f), d / f.name)
    return d


def venv_dir(native_python):
    key = hashlib.sha256(REQUIREMENTS.read_bytes() + b"\0" + str(native_python).encode()).hexdigest()[:12]
    return cache_dir() / f"buildtool-venv-{key}"


def ensure_venv(native_python, log=print):
    """The host tools' venv (created when missing); returns its python."""
    d = venv_dir(native_python)
    py = d / "bin" / "python"
    if (d / ".complete").exists():
        return str(py)
    house = ensure_wheelhouse(native_python, log)
    log(f"creating the host tools' venv {d}")
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([native_python, "-m", "venv", "--without-pip", str(d)], check=True)
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(house))
    r = subprocess.run([str(py), _bundled_pip(native_python), "install", "-q", "--no-deps", "--require-hashes",
                        "-r", str(REQUIREMENTS)], env=env)
    if r.returncode != 0:
        shutil.rmtree(d, ignore_errors=True)
        raise HostEnvError(f"could not install {REQUIREMENTS} into {d}")
    (d / ".complete").write_text("")
    return str(py)
