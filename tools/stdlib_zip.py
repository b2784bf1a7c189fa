"""Packs CPython's Lib/ into the runtime's standard library zip: compiled .pyc only.

Run with the native CPython of the same version as the wasm build, so the bytecode matches:
    python3.13 stdlib_zip.py LIB_DIR SYSCONFIGDATA ZONEINFO_DIR OUT.zip [EXTRA_DIR...]
Each module is compiled with the path zipimport gives it inside the runtime
(/lib/python313.zip/...), so tracebacks, __file__ and co_filename agree. The time-zone database (Debian's tzdata, ZONEINFO_DIR) goes in as
the `tzdata` package, where zoneinfo looks when the system has no database of its own. Each
EXTRA_DIR (sangam's own Python packages, src/py) is packed the same way as Lib/. An EXTRA ending in
.whl (a pinned PyPI wheel, tools/runtime-wheels.txt: packaging) is unpacked into the zip the same way,
its .dist-info folder included so importlib.metadata reports it.
"""

import importlib.util
import marshal
import pathlib
import sys
import zipfile

# Left out: the test suite (run from the source tree instead), GUI toolkits that cannot work in
# a browser or Node, and the pip bootstrapper.
EXCLUDE = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "site-packages", "__pycache__"}
RUNTIME_ZIP = "/lib/python313.zip"
# The build leaves these platform settings in sysconfig; side modules need them to link against
# the main module (same ABI flags, and a real shared-module link command).
SIDE_MODULE_LINK = "emcc -shared -sSIDE_MODULE=1 -sWASM_BIGINT -fwasm-exceptions -sSUPPORT_LONGJMP=wasm"
DETERMINISTIC_TIME = (2025, 1, 1, 0, 0, 0)


def pyc_bytes(source: bytes, runtime_path: str) -> bytes:
    code = compile(source, runtime_path, "exec", dont_inherit=True, optimize=0)
    # A sourceless .pyc: magic, flags (0 = timestamp-based), mtime, size, then the code.
    header = importlib.util.MAGIC_NUMBER + (0).to_bytes(4, "little") * 3
    return header + marshal.dumps(code)


def without_host_paths(value):
    """Drops -I/-L flags naming the build machine's cache: they mean nothing to a package build."""
    if not isinstance(value, str) or "/.cache/sangam" not in value:
        return value
    return " ".join(w for w in value.split() if "/.cache/sangam" not in w)


def sysconfig_source(path: pathlib.Path) -> bytes:
    scope: dict = {}
    exec(path.read_text(), scope)
    data = {k: without_host_paths(v) for k, v in scope["build_time_vars"].items()}
    link = f"emcc -shared -sSIDE_MODULE=1 {data['LDFLAGS']}".strip()
    assert all(flag in link for flag in SIDE_MODULE_LINK.split()[1:]), link
    for key in ("LDSHARED", "BLDSHARED"):
        data[key] = link
    data["LDCXXSHARED"] = link.replace("emcc", "em++", 1)
    text = "# system configuration of the sangam runtime\nbuild_time_vars = " + repr(data) + "\n"
    return text.encode()


def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, DETERMINISTIC_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data, compresslevel=9)


def add_tzdata(zf: zipfile.ZipFile, zoneinfo: pathlib.Path) -> int:
    """Each folder a package (zoneinfo reads zones as package resources), each zone a file."""
    zones = []
    add(zf, "tzdata/__init__.pyc", pyc_bytes(b"", f"{RUNTIME_ZIP}/tzdata/__init__.py"))
    for path in sorted(zoneinfo.rglob("*")):
        rel = path.relative_to(zoneinfo)
        if rel.parts[0] in ("posix", "right") or path.is_symlink() and not path.exists():
            continue
        name = "tzdata/zoneinfo/" + rel.as_posix()
        if path.is_dir():
            add(zf, name + "/__init__.pyc", pyc_bytes(b"", f"{RUNTIME_ZIP}/{name}/__init__.py"))
        elif path.read_bytes()[:4] == b"TZif":
            add(zf, name, path.read_bytes())
            zones.append(rel.as_posix())
    add(zf, "tzdata/zoneinfo/__init__.pyc", pyc_bytes(b"", f"{RUNTIME_ZIP}/tzdata/zoneinfo/__init__.py"))
    add(zf, "tzdata/zones", "\n".join(zones).encode() + b"\n")  # zoneinfo.available_timezones()
    return len(zones)


def sources(root: pathlib.Path) -> list[tuple[pathlib.Path, str]]:
    return sorted(
        (p, p.relative_to(root).as_posix()) for p in root.rglob("*.py")
        if not EXCLUDE.intersection(p.relative_to(root).parts[:-1])
    )


def add_wheel(zf: zipfile.ZipFile, wheel: pathlib.Path) -> int:
    """A pure-Python wheel's modules compiled, its other files (metadata, py.typed) as they are."""
    n = 0
    with zipfile.ZipFile(wheel) as whl:
        for name in sorted(whl.namelist()):
            if name.endswith("/") or name.endswith(".dist-info/RECORD"):
                continue  # the zip is no installation: nothing here can be uninstalled
            if ".data/" in name.split("/", 1)[0] + "/":
                raise SystemExit(f"{wheel.name}: .data entries cannot go into the standard library zip")
            body = whl.read(name)
            if name.endswith(".py"):
                add(zf, name[:-3] + ".pyc", pyc_bytes(body, f"{RUNTIME_ZIP}/{name}"))
                n += 1
            else:
                add(zf, name, body)
    return n


def main(lib_dir: str, sysconfigdata: str, zoneinfo: str, out: str, *extras: str) -> None:
    wheels = [pathlib.Path(e) for e in extras if e.endswith(".whl")]
    extra_dirs = [e for e in extras if not e.endswith(".whl")]
    files = [f for d in (lib_dir, *extra_dirs) for f in sources(pathlib.Path(d))]
    with zipfile.ZipFile(out + ".part", "w") as zf:
        for path, rel in files:
            add(zf, rel[:-3] + ".pyc", pyc_bytes(path.read_bytes(), f"{RUNTIME_ZIP}/{rel}"))
        for wheel in wheels:
            add_wheel(zf, wheel)
        sc = pathlib.Path(sysconfigdata)
        add(zf, sc.stem + ".pyc", pyc_bytes(sysconfig_source(sc), f"{RUNTIME_ZIP}/{sc.name}"))
        zones = add_tzdata(zf, pathlib.Path(zoneinfo))
    pathlib.Path(out + ".part").rename(out)
    print(f"{out}: {len(files) + 1} modules, {zones} time zones", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
