"""What the built site carries for try_examples: sangam's runtime (its dist/), the worker and the
runner, the wheels and their pyodide-lock.json, all copied into ``<output>/_sangam/`` so that every
request stays on the site's origin; and what the first run downloads, for the toolbar's note.
"""

import json
import os
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

STATIC = Path(__file__).parent / "static"
# dist/'s files a page loads: the JS modules, the wasm and the standard library (not the typings,
# the CommonJS entry, the headers, the console, or the memory snapshot, which only Node starts from).
RUNTIME_SUFFIXES = (".mjs", ".wasm", ".zip")
WORKER_FILES = ("worker.mjs", "runner.py")
OUT = "_sangam"


def dist_dir(app):
    d = app.config.sangam_dist or os.environ.get("SANGAM_DIST")
    if not d:
        raise ExtensionError("sangam_sphinx: set sangam_dist in conf.py (or SANGAM_DIST) to sangam's dist/ folder")
    d = Path(app.confdir, d).resolve()
    if not (d / "sangam.mjs").is_file():
        raise ExtensionError(f"sangam_sphinx: {d} has no sangam.mjs: sangam_dist must name a built dist/ (make)")
    if not (d / "console" / "channel.mjs").is_file():
        raise ExtensionError(f"sangam_sphinx: {d} has no console/channel.mjs (make builds it)")
    return d


def packages_dir(app):
    d = app.config.sangam_packages or os.environ.get("SANGAM_PACKAGES")
    if not d:
        return None
    d = Path(app.confdir, d).resolve()
    if not (d / "pyodide-lock.json").is_file():
        raise ExtensionError(f"sangam_sphinx: {d} has no pyodide-lock.json (make one with bin/sangam-lock {d})")
    return d


def _runtime_files(dist):
    return sorted(f for f in dist.iterdir() if f.is_file() and f.suffix in RUNTIME_SUFFIXES)


def _lock(app):
    if not hasattr(app, "_sangam_lock"):
        d = packages_dir(app)
        app._sangam_lock = (d, json.loads((d / "pyodide-lock.json").read_text())) if d else (None, {"packages": {}})
    return app._sangam_lock


def download_size(app, imports):
    """(runtime bytes, [(package, bytes)]) for a first run of examples that import `imports`."""
    runtime = sum(f.stat().st_size for f in _runtime_files(dist_dir(app)))
    d, lock = _lock(app)
    packages = lock.get("packages", {})
    by_import = {imp: key for key, p in packages.items() for imp in p.get("imports", [])}
    wanted, todo = [], [by_import[i] for i in sorted(imports) if i in by_import]
    while todo:
        key = todo.pop(0)
        if key in wanted or key not in packages:
            continue
        wanted.append(key)
        todo += packages[key].get("depends", [])
    sizes = []
    for key in wanted:
        f = d / packages[key]["file_name"]
        sizes.append((packages[key].get("name", key), f.stat().st_size if f.is_file() else 0))
    return runtime, sizes


def copy_site(app, exception):
    """build-finished: the runtime, worker, channel, wheels and lock into <output>/_sangam/."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / OUT
    out.mkdir(parents=True, exist_ok=True)
    dist = dist_dir(app)
    for f in _runtime_files(dist):
        shutil.copyfile(f, out / f.name)
    shutil.copyfile(dist / "console" / "channel.mjs", out / "channel.mjs")
    for name in WORKER_FILES:
        shutil.copyfile(STATIC / "worker" / name, out / name)
    d, lock = _lock(app)
    if d:
        for p in lock.get("packages", {}).values():
            src = d / p["file_name"]
            if not src.is_file():
                raise ExtensionError(f"sangam_sphinx: {src}, listed in {d / 'pyodide-lock.json'}, is missing")
            shutil.copyfile(src, out / Path(p["file_name"]).name)
        (out / "pyodide-lock.json").write_text((d / "pyodide-lock.json").read_text())
    # jupyterlite-sphinx's per-site settings: try_examples.json beside the pages (html_extra_path
    # puts it there too); the page script reads its ignore_patterns.
    conf = Path(app.srcdir) / "try_examples.json"
    if conf.is_file() and not (Path(app.outdir) / "try_examples.json").exists():
        shutil.copyfile(conf, Path(app.outdir) / "try_examples.json")
