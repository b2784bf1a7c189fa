"""Packs CPython's Lib/ into the runtime's standard library zips: compiled .pyc only, stored
(not deflated: the server's brotli or gzip then compresses across files, which a deflated zip
defeats; bench/README.md has the measured costs of each choice).

Run with the native CPython of the same version as the wasm build, so the bytecode matches:
    python3.13 stdlib_zip.py [--optional OPT.zip [--ext MODULE.so]...] LIB_DIR SYSCONFIGDATA ZONEINFO_DIR OUT.zip [EXTRA_DIR...]
With --optional, the modules of OPTIONAL (and the time zones) go into OPT.zip instead, which the
runtime loads when one is first imported (src/py/_sangam_optional.py); OUT.zip gets the index of
what is where (_sangam_optional_index). Each --ext is an extension module built as a side module
(tools/build-python.sh's Setup.local: _sqlite3); it goes into OPT.zip under lib-dynload/,
and the runtime writes it out to lib-dynload when it is first imported. The options --sources, --deflate, --no-docstrings and
--no-tzdata make the variants bench/size-costs.mjs measures; the build uses none of them.
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
# a browser or Node, and the pip bootstrapper. Importing one says so (_sangam_optional).
EXCLUDED = {
    "test": "CPython's test suite is not shipped (tests/cpython runs it from the source tree)",
    "idlelib": "IDLE needs Tk, which cannot run here",
    "tkinter": "Tk cannot run here",
    "turtledemo": "it needs Tk, which cannot run here",
    "ensurepip": "pip is not bootstrapped here (use micropip)",
}
EXCLUDE = {*EXCLUDED, "site-packages", "__pycache__"}
# Rarely imported modules, moved to the optional zip (top-level names; tzdata is the time zones).
OPTIONAL = {
    "tzdata", "pydoc_data", "_pydecimal", "_pyio", "curses", "dbm", "venv", "turtle",
    "xmlrpc", "wsgiref", "mailbox", "imaplib", "ftplib", "smtplib", "poplib", "pickletools",
    "tabnanny", "pyclbr", "msilib", "lib2to3", "nntplib", "telnetlib", "cgi", "cgitb",
    "sqlite3",  # (over _sqlite3, a side module in the optional zip: --ext)
}
RUNTIME_ZIP = "/lib/python313.zip"
OPTIONAL_ZIP = "/lib/python313-optional.zip"
# The build leaves these platform settings in sysconfig; side modules need them to link against
# the main module (same ABI flags, and a real shared-module link command).
SIDE_MODULE_LINK = "emcc -shared -sSIDE_MODULE=1 -sWASM_BIGINT -fwasm-exceptions -sSUPPORT_LONGJMP=wasm"
DETERMINISTIC_TIME = (2025, 1, 1, 0, 0, 0)


OPTS = {"sources": False, "deflate": False, "docstrings": True, "tzdata": True}


def without_docstrings(source: bytes, path: str):
    """The module's AST without docstrings (asserts kept, unlike optimize=2)."""
    import ast

    tree = ast.parse(source, path)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                first = body.pop(0)
                if not body:
                    body.append(ast.copy_location(ast.Pass(), first))
    return tree


def pyc_bytes(source: bytes, runtime_path: str) -> bytes:
    if not OPTS["docstrings"]:
        source = without_docstrings(source, runtime_path)
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
    if OPTS["deflate"]:
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, data, compresslevel=9)
    else:
        zf.writestr(info, data)


def add_module(zf: zipfile.ZipFile, rel: str, source: bytes, runtime_zip: str) -> None:
    if OPTS["sources"]:
        add(zf, rel, source)
    else:
        add(zf, rel[:-3] + ".pyc", pyc_bytes(source, f"{runtime_zip}/{rel}"))


def add_tzdata(zf: zipfile.ZipFile, zoneinfo: pathlib.Path, runtime_zip: str) -> int:
    """Each folder a package (zoneinfo reads zones as package resources), each zone a file."""
    zones = []
    add_module(zf, "tzdata/__init__.py", b"", runtime_zip)
    for path in sorted(zoneinfo.rglob("*")):
        rel = path.relative_to(zoneinfo)
        if rel.parts[0] in ("posix", "right") or path.is_symlink() and not path.exists():
            continue
        name = "tzdata/zoneinfo/" + rel.as_posix()
        if path.is_dir():
            add_module(zf, name + "/__init__.py", b"", runtime_zip)
        elif path.read_bytes()[:4] == b"TZif":
            add(zf, name, path.read_bytes())
            zones.append(rel.as_posix())
    add_module(zf, "tzdata/zoneinfo/__init__.py", b"", runtime_zip)
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
                add_module(zf, name, body, RUNTIME_ZIP)
                n += 1
            else:
                add(zf, name, body)
    return n


def index_source(optional: set[str], extensions: dict[str, str], zip_name: str) -> bytes:
    """_sangam_optional_index: which top-level modules the optional zip holds (their submodules are
    found through the package's __path__), its extension modules (name: member), and which are left
    out, with why."""
    return (
        "# generated by tools/stdlib_zip.py: the modules of the optional standard-library zip\n"
        f"ZIP_FILE = {zip_name!r}\n"
        f"PATH = {OPTIONAL_ZIP!r}\n"
        f"MODULES = frozenset({sorted(optional)!r})\n"
        f"EXTENSIONS = {dict(sorted(extensions.items()))!r}\n"
        f"EXCLUDED = {EXCLUDED!r}\n"
    ).encode()


def main(argv: list[str]) -> None:
    optional_out = None
    ext_files: list[pathlib.Path] = []
    while argv and argv[0].startswith("--"):
        flag = argv.pop(0)
        if flag == "--optional":
            optional_out = argv.pop(0)
        elif flag == "--ext":
            ext_files.append(pathlib.Path(argv.pop(0)))
        elif flag in ("--sources", "--deflate"):
            OPTS[flag[2:]] = True
        elif flag in ("--no-docstrings", "--no-tzdata"):
            OPTS[flag[5:]] = False
        else:
            raise SystemExit(f"stdlib_zip.py: unknown option {flag}")
    lib_dir, sysconfigdata, zoneinfo, out, *extras = argv
    if ext_files and optional_out is None:
        raise SystemExit("stdlib_zip.py: --ext needs --optional (extension modules go into the optional zip)")
    wheels = [pathlib.Path(e) for e in extras if e.endswith(".whl")]
    extra_dirs = [e for e in extras if not e.endswith(".whl")]
    files = [f for d in (lib_dir, *extra_dirs) for f in sources(pathlib.Path(d))]
    is_optional = (lambda rel: optional_out is not None and rel.split("/")[0].removesuffix(".py") in OPTIONAL)
    zones = 0
    with zipfile.ZipFile(out + ".part", "w") as zf:
        for path, rel in files:
            if not is_optional(rel):
                add_module(zf, rel, path.read_bytes(), RUNTIME_ZIP)
        for wheel in wheels:
            add_wheel(zf, wheel)
        sc = pathlib.Path(sysconfigdata)
        add_module(zf, sc.name, sysconfig_source(sc), RUNTIME_ZIP)
        if OPTS["tzdata"] and optional_out is None:
            zones = add_tzdata(zf, pathlib.Path(zoneinfo), RUNTIME_ZIP)
        if optional_out is not None:
            with zipfile.ZipFile(optional_out + ".part", "w") as oz:
                names = set()
                for path, rel in files:
                    if is_optional(rel):
                        add_module(oz, rel, path.read_bytes(), OPTIONAL_ZIP)
                        names.add(rel.split("/")[0].removesuffix(".py"))
                if OPTS["tzdata"]:
                    zones = add_tzdata(oz, pathlib.Path(zoneinfo), OPTIONAL_ZIP)
                    names.add("tzdata")
                extensions = {}
                for so in ext_files:
                    name = so.name.split(".", 1)[0]
                    extensions[name] = f"lib-dynload/{so.name}"
                    add(oz, extensions[name], so.read_bytes())
            add_module(zf, "_sangam_optional_index.py",
                       index_source(names, extensions, pathlib.Path(optional_out).name), RUNTIME_ZIP)
    if optional_out is not None:
        pathlib.Path(optional_out + ".part").rename(optional_out)
    pathlib.Path(out + ".part").rename(out)
    print(f"{out}: {len(files) + 1} modules, {zones} time zones"
          + (f" ({optional_out}: the optional ones)" if optional_out else ""), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
