"""sangam-build's command line (bin/sangam-build).

    sangam-build [SRC_DIR | NAME==VERSION] [-o DIR] [--strict] [--no-cache] [-v] [-C KEY=VALUE]...
    sangam-build venv DIR
    sangam-build package-set build|test|list [NAME...]   (packages/; buildtool/pkgset.py)

Started with the cache's native CPython (standard library only): it makes sure the host tools'
venv exists, then runs itself again inside it.
"""

import argparse
import os
import sys
from pathlib import Path

from . import crossenv, hostenv

REPO = Path(__file__).resolve().parent.parent


def parse(argv):
    p = argparse.ArgumentParser(prog="sangam-build", description=(
        "Builds a wheel for sangam (CPython 3.13 on WebAssembly, tag cp313-cp313-emscripten_3_1_69_wasm32) "
        "from a source tree or a PyPI sdist; `sangam-build venv DIR` makes a virtual environment whose "
        "python is sangam under Node."))
    p.add_argument("source", nargs="?", default=".", help="a source tree (default: .) or NAME==VERSION")
    p.add_argument("-o", "--outdir", default=None, help="where the wheel goes (default: dist/ under the source tree, or ./dist)")
    p.add_argument("--strict", action="store_true", help="fail when a wrapper would drop or rewrite a flag")
    p.add_argument("--no-cache", action="store_true", help="build even when the build cache has the wheel")
    p.add_argument("-v", "--verbose", action="store_true", help="show the backend's whole output")
    p.add_argument("-C", "--config-setting", action="append", default=[], metavar="KEY=VALUE",
                   help="a PEP 517 config setting for the backend (repeatable)")
    p.add_argument("--patch", action="append", default=[], metavar="FILE",
                   help="a unified diff applied (patch -p1) to the source before building; repeatable")
    p.add_argument("--pins", action="append", default=[], metavar="FILE",
                   help="a list of sdists pinned by sha256 (name==version --hash=sha256:H)")
    p.add_argument("--flag-log", default=None, metavar="FILE",
                   help="also append the wrappers' dropped/rewritten flags (JSON lines) to FILE")
    return p.parse_args(argv)


def config_settings(items):
    out = {}
    for item in items:
        k, sep, v = item.partition("=")
        if not sep:
            raise SystemExit(f"sangam-build: -C {item}: expected KEY=VALUE")
        if k in out:
            out[k] = (out[k] if isinstance(out[k], list) else [out[k]]) + [v]
        else:
            out[k] = v
    return out


def in_host_venv():
    return os.environ.get("SANGAM_BUILDTOOL_VENV") == sys.prefix


def main(argv):
    if not in_host_venv():
        paths = crossenv.read_paths()
        native = str(Path(paths["PY_NATIVE"]) / "bin" / "python3.13")
        try:
            py = hostenv.ensure_venv(native, log=lambda m: print(f"sangam-build: {m}", file=sys.stderr))
        except hostenv.HostEnvError as e:
            print(f"sangam-build: {e}", file=sys.stderr)
            return 1
        env = dict(os.environ, SANGAM_BUILDTOOL_VENV=str(Path(py).parent.parent),
                   PYTHONPATH=str(REPO), PYTHONNOUSERSITE="1")
        env.pop("PYTHONHOME", None)
        os.execve(py, [py, "-m", "buildtool", *argv], env)

    if argv[:1] == ["venv"]:
        from .venv import main as venv_main
        return venv_main(argv[1:])
    if argv[:1] == ["package-set"]:
        from .pkgset import main as pkgset_main
        return pkgset_main(argv[1:])

    args = parse(argv)
    from .build import BuildFailed, Progress, build
    progress = Progress()
    src = args.source
    outdir = args.outdir or (str(Path(src) / "dist") if Path(src).is_dir() else "dist")
    default_pins = [p for p in [REPO / "tests" / "buildtool" / "sdists.txt", *sorted((REPO / "packages").glob("*.toml"))]
                    if p.exists()]
    try:
        wheel, hit = build(src, outdir, strict=args.strict, config_settings=config_settings(args.config_setting),
                           verbose=args.verbose, use_cache=not args.no_cache,
                           pins_files=[*args.pins, *default_pins], progress=progress,
                           patches=[Path(f).resolve() for f in args.patch])
    except BuildFailed as e:
        print(f"sangam-build: step '{e.step}' failed after {progress.elapsed():.1f} s: {e}", file=sys.stderr)
        if e.tail:
            print(f"--- the last {len(e.tail)} lines of its output:", file=sys.stderr)
            for line in e.tail:
                print(line, file=sys.stderr)
            print("---", file=sys.stderr)
        if e.log:
            print(f"full log: {e.log}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if args.flag_log:
        from .crossenv import cache_dir
        import glob, json
        for info in glob.glob(str(cache_dir() / "buildtool-built" / "*" / "info.json")):
            d = Path(info).parent
            if (d / json.loads(Path(info).read_text())["wheel"]).name == wheel.name and (d / "flags.jsonl").exists():
                with open(args.flag_log, "a") as f:
                    f.write((d / "flags.jsonl").read_text())
                break
    print(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
