"""One PEP 517 build for the runtime: a source tree or an sdist to a wheel in an output folder.

Steps, each printed with the time since the start: source (unpack or hash), cache (a wheel built
before from the same source, toolchain, flags and pins is reused), build environment (pypa build's
isolated env, requirements installed from the pinned host wheels only), build wheel (the backend
runs on the host with the target's sysconfig, the wrappers and the cross files), check wheel (tags
and extension modules). A failed step is named, with the tail of the backend's output.
Runs inside the host tools' venv (buildtool/hostenv.py).
"""

import collections
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from . import crossenv
from .crossenv import EXT_SUFFIX, PLATFORM_TAG, WHEEL_TAG, CrossEnv, cache_dir
from .hostenv import REQUIREMENTS, ensure_wheelhouse, wheelhouse_dir
from .sdist import fetch, normalize, read_pins, unpack

HERE = Path(__file__).resolve().parent
TAIL_LINES = 40


class BuildFailed(Exception):
    def __init__(self, step, message, tail=(), log=None):
        super().__init__(message)
        self.step, self.tail, self.log = step, list(tail), log


class Progress:
    def __init__(self, out=sys.stderr):
        self.t0 = time.monotonic()
        self.out = out
        self.step = None

    def elapsed(self):
        return time.monotonic() - self.t0

    def say(self, text):
        self.out.write(f"[{self.elapsed():6.1f}s] {text}\n")
        self.out.flush()

    def begin(self, step, detail=""):
        self.step = step
        self.say(f"{step}{': ' + detail if detail else ''}")


def tree_hash(root):
    """sha256 over a source tree's files (paths and contents), skipping VCS and build folders."""
    h = hashlib.sha256()
    skip = {".git", ".hg", ".svn", "__pycache__", "build", "dist", ".mesonpy-native", ".tox", ".nox"}
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.startswith(".mesonpy-"))
        for name in sorted(filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            h.update(rel.encode() + b"\0")
            if p.is_symlink():
                h.update(b"L" + os.readlink(p).encode())
            elif p.is_file():
                with open(p, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
            h.update(b"\0")
    return h.hexdigest()


# The files that decide what a build makes (not the package set's runner, venvs or command line).
BUILD_FILES = ("build.py", "crossenv.py", "hostenv.py", "sdist.py", "wrapper.py")


def buildtool_hash():
    h = hashlib.sha256()
    for p in [HERE / f for f in BUILD_FILES] + [REQUIREMENTS]:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


class Runner:
    """pyproject_hooks' subprocess runner: the cross environment added, output logged and summarized."""

    def __init__(self, progress, log_path, cross_env, verbose):
        self.progress, self.log_path, self.cross_env, self.verbose = progress, log_path, cross_env, verbose
        self.tail = collections.deque(maxlen=TAIL_LINES)

    def __call__(self, cmd, cwd=None, extra_environ=None):
        env = dict(os.environ)
        env.update(extra_environ or {})
        env.update(self.cross_env)
        # PYTHONPATH carries the target's sysconfig ahead of whatever the hook adds.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (self.cross_env["PYTHONPATH"], (extra_environ or {}).get("PYTHONPATH")) if p)
        with open(self.log_path, "ab") as log:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
            last = {"line": "", "t": time.monotonic()}
            stop = threading.Event()

            def heartbeat():
                while not stop.wait(20):
                    if not self.verbose:
                        self.progress.say(f"  {self.progress.step} ... {last['line'][:100]}")

            t = threading.Thread(target=heartbeat, daemon=True)
            t.start()
            try:
                for raw in proc.stdout:
                    log.write(raw)
                    line = raw.decode("utf-8", "replace").rstrip()
                    self.tail.append(line)
                    if line.strip():
                        last["line"] = line.strip()
                    if self.verbose:
                        sys.stderr.write(line + "\n")
                rc = proc.wait()
            finally:
                stop.set()
        if rc != 0:
            raise subprocess.CalledProcessError(rc, cmd)


def check_wheel(path):
    """The wheel's tags agree with its contents; returns (kind, number of extension modules)."""
    name = Path(path).name
    tags = name[:-4].split("-")[-3:]
    with zipfile.ZipFile(path) as z:
        exts = []
        for info in z.infolist():
            if info.filename.endswith(".so") or ".so." in info.filename:
                with z.open(info) as f:
                    magic = f.read(4)
                if magic != b"\0asm":
                    raise BuildFailed("check wheel", f"{name}: {info.filename} is not a WebAssembly module "
                                      f"(starts with {magic!r}): it was built for the host, not the runtime")
                if "/" in info.filename or info.filename.endswith(EXT_SUFFIX):
                    exts.append(info.filename)
                bad = [s for s in (".cpython-313-x86_64-linux-gnu.so",) if info.filename.endswith(s)]
                if bad:
                    raise BuildFailed("check wheel", f"{name}: {info.filename} has the host's extension suffix")
    if exts:
        if tags[2] != PLATFORM_TAG:
            raise BuildFailed("check wheel", f"{name} holds extension modules but is tagged {'-'.join(tags)}, "
                              f"not for this platform ({WHEEL_TAG})")
        return "compiled", len(exts)
    return "pure", 0


def flag_summary(flag_log):
    if not Path(flag_log).exists():
        return {}
    counts = collections.Counter()
    for line in Path(flag_log).read_text().splitlines():
        e = json.loads(line)
        counts[(e["action"], e["flag"])] += 1
    return counts


def build(source, outdir, *, strict=False, config_settings=None, verbose=False, use_cache=True,
          pins_files=(), progress=None, env=None, requirements=(), patches=()):
    """Builds one wheel into outdir; (path, cache hit?). `env`: variables the backend runs with
    (a package set recipe's, and its native libraries' SANGAM_LIB_PREFIXES); `requirements`: more
    pinned lists of build requirements (the package set's) beside host-requirements.txt; `patches`:
    unified diffs applied (`patch -p1`) to the unpacked source. All are part of the cache key."""
    progress = progress or Progress()
    env = dict(env or {})
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    config_settings = dict(config_settings or {})
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sangam-build-"))
    try:
        return _build(source, outdir, work, strict, config_settings, verbose, use_cache, pins_files, progress, env,
                      list(requirements), [Path(p) for p in patches])
    finally:
        if os.environ.get("SANGAM_BUILD_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def apply_patches(src, patches, progress):
    """Applies each unified diff to the source tree `src` (`patch -p1`); BuildFailed naming the
    patch when one does not apply, so a new sdist version is not built half-patched."""
    for p in patches:
        progress.begin("patch", p.name)
        r = subprocess.run(["patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch", "-d", str(src),
                            "-i", str(p)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise BuildFailed("patch", f"{p} does not apply to {src.name}", tail=r.stdout.splitlines())


def _build(source, outdir, work, strict, config_settings, verbose, use_cache, pins_files, progress, env,
           requirements, patches):
    paths = crossenv.read_paths()
    native = str(Path(paths["PY_NATIVE"]) / "bin" / "python3.13")
    cross = CrossEnv(paths, native)

    # Source.
    if "==" in source and not Path(source).exists():
        name, version = source.split("==", 1)
        pins = {}
        for f in reversed(pins_files):  # the first list that pins a version wins
            pins.update(read_pins(f))
        pinned = pins.get((normalize(name), version))
        progress.begin("source", f"{name}=={version}" + (" (pinned sha256)" if pinned else ""))
        try:
            archive, src_hash = fetch(name, version, pinned, log=lambda m: progress.say("  " + m))
        except Exception as e:
            raise BuildFailed("source", str(e))
        label = archive.name
    else:
        src = Path(source).resolve()
        if not (src / "pyproject.toml").exists() and not (src / "setup.py").exists():
            raise BuildFailed("source", f"{src} is neither a source tree (no pyproject.toml or setup.py) "
                              "nor NAME==VERSION")
        progress.begin("source", str(src))
        archive, src_hash, label = None, tree_hash(src), src.name

    # Cache.
    key_parts = {
        "source": src_hash, "toolchain": cross.key, "buildtool": buildtool_hash(),
        "config_settings": config_settings, "strict": strict, "env": env,
        "requirements": [hashlib.sha256(Path(r).read_bytes()).hexdigest() for r in requirements],
        "patches": [hashlib.sha256(p.read_bytes()).hexdigest() for p in patches],
        "flags": {k: os.environ.get(k, "") for k in ("CFLAGS", "CXXFLAGS", "LDFLAGS", "CPPFLAGS", "SANGAM_KEEP_DEBUG")},
    }
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()[:16]
    entry = cache_dir() / "buildtool-built" / key
    if use_cache and (entry / "info.json").exists():
        info = json.loads((entry / "info.json").read_text())
        wheel = entry / info["wheel"]
        if wheel.exists():
            dest = outdir / wheel.name
            shutil.copyfile(wheel, dest)
            progress.say(f"cache hit ({key}): {label} was built before in {info['seconds']:.0f} s; "
                         f"{dest} ({dest.stat().st_size // 1024} KiB)")
            return dest, True
    progress.say(f"cache miss ({key})")

    if archive:
        progress.begin("unpack", archive.name)
        src = unpack(archive, work / "src")
    elif patches:  # a source tree is patched in a copy, never in place
        src = Path(shutil.copytree(src, work / "src" / src.name, symlinks=True))
    apply_patches(src, patches, progress)

    progress.begin("cross environment")
    cross.ensure()

    import build as pypa_build
    import build.env as pypa_env

    houses = [wheelhouse_dir()] + [ensure_wheelhouse(native, lambda m: progress.say("  " + m), r) for r in requirements]
    # Build requirements come from the pinned host wheels only.
    os.environ.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": " ".join(map(str, houses)),
                       "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    os.environ.pop("PIP_INDEX_URL", None)
    os.environ.pop("PIP_EXTRA_INDEX_URL", None)
    # The host tools' bin (cmake, ninja) first, so backends find them rather than asking for them.
    venv_bin = str(Path(sys.executable).parent)
    flag_log = work / "flags.jsonl"
    log_path = work / "build.log"
    cross_vars = cross.environ(flag_log, strict)
    cross_vars["PATH"] = f"{cross.bin}:{venv_bin}:{cross_vars['PATH'].split(':', 1)[1]}"
    runner = Runner(progress, log_path, cross_vars, verbose)

    progress.begin("build environment", "isolated, requirements from the pinned host wheels")
    try:
        with pypa_env.DefaultIsolatedEnv() as env:
            builder = pypa_build.ProjectBuilder.from_isolated_env(env, src, runner=runner)
            backend = builder._backend  # pypa build keeps the parsed table private
            _install(env, builder.build_system_requires, "build-system.requires")
            if backend == "mesonpy":
                cross_file = cross.meson_cross_file(work / "cross.ini", env.python_executable)
                args = config_settings.get("setup-args", [])
                args = [args] if isinstance(args, str) else list(args)
                config_settings["setup-args"] = args + [f"--cross-file={cross_file}"]
            try:
                extra = builder.get_requires_for_build("wheel", config_settings)
            except pypa_build.BuildBackendException as e:
                raise BuildFailed("build environment", f"the backend's get_requires_for_build_wheel failed: {e}",
                                  runner.tail, log_path)
            _install(env, extra, "the backend's get_requires_for_build_wheel")
            progress.begin("build wheel", f"backend {backend}")
            (work / "out").mkdir()
            try:
                built = builder.build("wheel", work / "out", config_settings)
            except pypa_build.BuildBackendException as e:
                raise BuildFailed("build wheel", f"the backend failed ({e.exception.__class__.__name__})",
                                  runner.tail, log_path)
    except BuildFailed as e:
        if e.log:
            kept = cache_dir() / "buildtool-logs" / f"{label}-{key}.log"
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(e.log, kept)
            e.log = kept
        raise

    progress.begin("check wheel")
    built = Path(built)
    kind, n_ext = check_wheel(built)
    flags = flag_summary(flag_log)
    if flags:
        progress.say("  flags the wrappers dropped or rewrote (log: --flag-log):")
        for (action, flag), n in sorted(flags.items()):
            progress.say(f"    {action:9} {flag} x{n}")
    seconds = progress.elapsed()
    entry_tmp = entry.with_name(entry.name + f".tmp{os.getpid()}")
    shutil.rmtree(entry_tmp, ignore_errors=True)
    entry_tmp.mkdir(parents=True)
    shutil.copyfile(built, entry_tmp / built.name)
    if flag_log.exists():
        shutil.copyfile(flag_log, entry_tmp / "flags.jsonl")
    (entry_tmp / "info.json").write_text(json.dumps({"wheel": built.name, "seconds": seconds, "key": key_parts,
                                                     "kind": kind, "extensions": n_ext}, indent=1))
    shutil.rmtree(entry, ignore_errors=True)
    entry_tmp.rename(entry)
    dest = outdir / built.name
    shutil.copyfile(built, dest)
    progress.say(f"built {dest} ({dest.stat().st_size // 1024} KiB, {kind}"
                 f"{f', {n_ext} extension modules' if n_ext else ''}) in {seconds:.1f} s")
    return dest, False


def _install(env, requirements, what):
    requirements = sorted(requirements)
    if not requirements:
        return
    try:
        env.install(requirements)
    except subprocess.CalledProcessError as e:
        out = (e.stdout or b"") + (e.stderr or b"") if isinstance(e.stdout, bytes) else (e.output or "")
        text = out.decode("utf-8", "replace") if isinstance(out, bytes) else str(out)
        raise BuildFailed("build environment",
                          f"cannot install {what} {requirements} from the pinned host wheels "
                          f"({REQUIREMENTS}): add what is missing there", text.splitlines()[-TAIL_LINES:])
