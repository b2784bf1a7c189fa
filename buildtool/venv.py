"""`sangam-build venv DIR`: a virtual environment whose `python` is sangam under Node.

DIR is laid out as a venv of the cache's native CPython 3.13 (pyvenv.cfg, lib/python3.13/site-packages),
so the host's pip can install into it, but:
- bin/python, python3, python3.13 run sangam (bin/sangam) with DIR mounted and DIR's site-packages
  added as a site directory (.pth files work), sys.prefix and sys.executable pointing at DIR;
  `python -m pip ...` runs bin/pip;
- bin/pip runs the pinned pip on the host interpreter (bin/host-python) with the runtime's wheel
  tags and environment markers (asked from the runtime when DIR is made: .sangam/target.json), so it
  installs wheels for this platform from local files or indexes, and builds sdists only when they
  are pure: a package with C code fails with a message pointing to sangam-build. Console scripts
  get bin/python as their interpreter, so `pytest` runs inside sangam (with its default fd capture).
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from . import crossenv, hostenv

REPO = Path(__file__).resolve().parent.parent

# Asked from the runtime itself: its wheel tags (the installer's), marker environment and paths.
PROBE = """
import json, sys, sysconfig, _sangam_install
from packaging.markers import default_environment
print(json.dumps({"tags": _sangam_install.supported_tags(), "markers": default_environment(),
                  "platform": sysconfig.get_platform(), "version": sys.version}))
"""

PYTHON_SH = """#!/bin/sh
# sangam in the virtual environment {venv}: python under Node, DIR's site-packages added.
venv={venv_q}
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then shift 2; exec "$venv/bin/pip" "$@"; fi
# pytest's exit status is recorded as its session ends (.sangam/site/_sangam_pytest_status.py), so a
# failure of the interpreter's shutdown after it cannot change what the job reports.
status=$(mktemp "$venv/.sangam/pytest-status.XXXXXX") || exit 1  # inside DIR: mounted in the runtime
SANGAM_MOUNTS="$venv${{SANGAM_MOUNTS:+:$SANGAM_MOUNTS}}" PYTHONPATH="$venv/.sangam/site${{PYTHONPATH:+:$PYTHONPATH}}" \
SANGAM_VENV="$venv" \
PYTEST_PLUGINS="_sangam_pytest_status${{PYTEST_PLUGINS:+,$PYTEST_PLUGINS}}" SANGAM_PYTEST_STATUS="$status" \
{sangam_q} "$@"
rc=$?
if [ -s "$status" ]; then
    ran=$(cat "$status")
    if [ "$ran" != "$rc" ]; then
        echo "sangam venv: pytest finished with status $ran, but the interpreter then exited with $rc; reporting $ran" >&2
        rc=$ran
    fi
fi
rm -f "$status"
exit $rc
"""

PYTEST_STATUS = """\
# pytest plugin of the sangam venv (bin/python loads it with PYTEST_PLUGINS): writes the session's
# exit status where bin/python reads it, in case the interpreter's shutdown fails afterwards.
import os
import pytest


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    path = os.environ.get("SANGAM_PYTEST_STATUS")
    session = getattr(config, "_sangam_session", None)
    if path and session is not None and os.path.exists(path):
        with open(path, "w") as f:
            f.write(str(int(session.exitstatus)))


def pytest_sessionstart(session):
    session.config._sangam_session = session
"""

PIP_SH = """#!/bin/sh
# pip for the virtual environment {venv}: the host's pip, choosing wheels for sangam.
venv={venv_q}
PYTHONPATH={pythonpath_q} SANGAM_VENV="$venv" PIP_DISABLE_PIP_VERSION_CHECK=1 \\
CC={nocc_q} CXX={nocc_q} LDSHARED={nocc_q} \\
exec "$venv/bin/host-python" -m buildtool.venv_pip "$@"
"""

NOCC_SH = """#!/bin/sh
echo "sangam venv: pip cannot compile C/C++ code for sangam; build this package's wheel with" >&2
echo "  bin/sangam-build NAME==VERSION   (then: pip install dist/NAME-*.whl)" >&2
exit 1
"""

SITECUSTOMIZE = """\
# The sangam virtual environment's start-up (bin/python puts this folder on PYTHONPATH).
import os, site, sys
_venv = os.environ.get("SANGAM_VENV")
if _venv:
    site.addsitedir(os.path.join(_venv, "lib", "python3.13", "site-packages"))
    sys.prefix = sys.exec_prefix = _venv
    sys.executable = os.path.join(_venv, "bin", "python")
del _venv
"""


def main(argv):
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: sangam-build venv DIR", file=sys.stderr)
        return 2
    venv = Path(argv[0]).absolute()
    try:
        make(venv)
    except (OSError, subprocess.CalledProcessError, RuntimeError) as e:
        print(f"sangam-build venv: {e}", file=sys.stderr)
        return 1
    print(f"sangam-build venv: made {venv} (python: sangam {target(venv)['version'].split()[0]}); "
          f"activate with `. {venv}/bin/activate` or run {venv}/bin/python", file=sys.stderr)
    return 0


def target(venv):
    return json.loads((venv / ".sangam" / "target.json").read_text())


def make(venv):
    paths = crossenv.read_paths()
    native = str(Path(paths["PY_NATIVE"]) / "bin" / "python3.13")
    cross = crossenv.CrossEnv(paths, native).ensure()
    sangam = REPO / "bin" / "sangam"
    if not (REPO / "dist" / "cli.mjs").exists():
        raise RuntimeError(f"{REPO / 'dist'} is not built; run `make` first")
    if (venv / "pyvenv.cfg").exists() or (venv.exists() and any(venv.iterdir())):
        if not (venv / ".sangam").exists():
            raise RuntimeError(f"{venv} exists and is not a sangam venv; choose another folder")
    subprocess.run([native, "-m", "venv", "--without-pip", "--clear", str(venv)], check=True)
    venv = venv.resolve()
    bindir = venv / "bin"
    for name in ("python", "python3", "python3.13"):
        (bindir / name).unlink(missing_ok=True)
    (bindir / "host-python").symlink_to(native)
    (venv / ".sangam" / "site").mkdir(parents=True)
    (venv / ".sangam" / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    (venv / ".sangam" / "site" / "_sangam_pytest_status.py").write_text(PYTEST_STATUS)

    r = subprocess.run([str(sangam), "-c", PROBE], capture_output=True, text=True, cwd=venv)
    if r.returncode != 0:
        raise RuntimeError(f"could not ask the runtime for its tags: {r.stderr.strip()}")
    (venv / ".sangam" / "target.json").write_text(r.stdout)

    q = shlex.quote
    fmt = dict(venv=venv, venv_q=q(str(venv)), sangam_q=q(str(sangam)),
               sysconfig_name=crossenv.SYSCONFIG_NAME, host_platform=crossenv.HOST_PLATFORM,
               pythonpath_q=q(str(REPO)), nocc_q=q(str(venv / ".sangam" / "no-compiler")))
    for name, text in (("python", PYTHON_SH), ("pip", PIP_SH)):
        (bindir / name).write_text(text.format(**fmt))
        (bindir / name).chmod(0o755)
    for alias, to in (("python3", "python"), ("python3.13", "python"), ("pip3", "pip"), ("pip3.13", "pip")):
        (bindir / alias).symlink_to(to)
    nocc = venv / ".sangam" / "no-compiler"
    nocc.write_text(NOCC_SH)
    nocc.chmod(0o755)

    # pip itself, pinned (from the host tools' wheelhouse), into the venv.
    house = hostenv.ensure_wheelhouse(native)
    pip_pin = next(f"{r} --hash=sha256:{h}" for r, h in hostenv.pinned() if r.startswith("pip=="))
    req = venv / ".sangam" / "pip-requirement.txt"
    req.write_text(pip_pin + "\n")
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(house))
    subprocess.run([str(bindir / "host-python"), hostenv._bundled_pip(native), "install", "-q", "--no-deps",
                    "--require-hashes", "-r", str(req)], check=True, env=env)
    # pip's own console scripts would run it inside sangam; bin/pip is the host one.
    for name in ("pip", "pip3", "pip3.13"):
        p = bindir / name
        if p.exists() and not p.is_symlink() and "buildtool.venv_pip" not in p.read_text():
            p.unlink()
    for alias, to in (("pip3", "pip"), ("pip3.13", "pip")):
        if not (bindir / alias).exists():
            (bindir / alias).symlink_to(to)
    (bindir / "pip").write_text(PIP_SH.format(**fmt))
    (bindir / "pip").chmod(0o755)
    return venv
