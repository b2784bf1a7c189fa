"""sangam's one wheel installer: verifies a batch of wheels completely, then installs it, all or nothing.

Everything that puts a distribution into site-packages goes through here: `loadPackage` and the
lock file (from JS), and micropip (from Python). The interface is stable:

    install(wheels, *, installer="sangam", requested=True) -> list[dict]
        wheels: an iterable of (file_name, data, direct_url, expected_sha256)
            file_name        the wheel's file name (PEP 427: name-version[-build]-py-abi-plat.whl);
                             its tags decide whether the runtime can use it
            data             the wheel's bytes (bytes, bytearray, memoryview or a JS Uint8Array), or
                             the wheel already read in JS (pyodide_js._wheels.open or .fetch)
            direct_url       a PEP 610 dict ({"url": ..., "archive_info": {...}}) written to
                             direct_url.json, or None for a wheel from an index or a lock file
            expected_sha256  hex sha256 the bytes must have (from the lock file or the index), or None
            An optional fifth element is a dict of per-wheel options: "requested" (overrides the
            keyword for this wheel) and "dist_info_files" ({file name: bytes} written into the
            .dist-info folder and recorded, e.g. where micropip got the wheel).
        installer: the text written to the INSTALLER file (e.g. "micropip", "sangam")
        requested: writes REQUESTED (PEP 376) when true: the user asked for this distribution itself
        Returns one dict per installed distribution, in the order given:
            {"name", "version", "files": [absolute paths written], "dist_info": path,
             "imports": [top-level import names], "shared_libraries": [paths of .so files]}
        Raises InstallError naming the wheel and the reason, having written nothing. Installing a
        distribution that is already installed replaces it (its old files go, in the same transaction).

    uninstall(name) -> list[str]: removes exactly the files the distribution's RECORD lists (and the
        .pyc files the import system compiled from its .py files, and directories left empty);
        returns the paths removed. InstallError if it is not installed.

    installed() -> list[dict]: {"name", "version", "installer", "requested", "direct_url",
        "dist_info", "files"} for each distribution in site-packages.

    supported_tags() -> list[str]: the runtime's wheel tags, best first, as packaging.tags computes
        them (cp313-cp313-<plat>, cp313-abi3-<plat>, ..., py3-none-any), where <plat> is
        sysconfig.get_platform() normalized: emscripten_3_1_69_wasm32.

In a JS runtime the archive is read in JS (src/js/wheel-reader.mjs: Node's zlib and crypto, or
DecompressionStream and crypto.subtle): it inflates every entry, checks its CRC and size, and hashes
it; this module checks the result as it would check zipfile's, and JS writes the wheel's files in
one call. Elsewhere, or for an archive the JS reader leaves to it (ZIP64, bzip2, ...), zipfile.

A batch is verified first: every wheel's tags, sha256, zip structure and CRCs, its RECORD's hashes
and sizes, its WHEEL and METADATA, every path (nothing may leave its scheme's directory, no
symlinks, no duplicates) and every target on disk. Only then is anything written; if writing fails
anyway (the file system refuses), what was written is removed and what was replaced is restored, so
site-packages is byte-for-byte as it was.

This module needs nothing outside the standard library (packaging is not required), so it can
install packaging itself.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import stat
import sys
import sysconfig

__all__ = ["InstallError", "install", "installed", "uninstall", "supported_tags", "canonical_name"]

SCHEMES = ("purelib", "platlib", "scripts", "headers", "data")


class InstallError(Exception):
    """A wheel that cannot be installed (or a distribution that cannot be uninstalled); nothing was
    written. `wheel` is the file name concerned (or None)."""

    def __init__(self, message: str, wheel: str | None = None):
        super().__init__(message)
        self.wheel = wheel


def canonical_name(name: str) -> str:
    """PEP 503 normalization: runs of -, _ and . become one -, lower case."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _platform_tag() -> str:
    return re.sub(r"[^a-zA-Z0-9_]", "_", sysconfig.get_platform())


def supported_tags() -> list[str]:
    """The tags the runtime accepts, in packaging.tags.sys_tags() order."""
    major, minor = sys.version_info[:2]
    plat = _platform_tag()
    impl = f"cp{major}{minor}"
    tags = [f"{impl}-{impl}-{plat}", f"{impl}-abi3-{plat}", f"{impl}-none-{plat}"]
    tags += [f"cp{major}{m}-abi3-{plat}" for m in range(minor - 1, 1, -1)]
    versions = [f"py{major}{minor}", f"py{major}"] + [f"py{major}{m}" for m in range(minor - 1, -1, -1)]
    tags += [f"{v}-none-{plat}" for v in versions]
    tags += [f"{impl}-none-any"]
    tags += [f"{v}-none-any" for v in versions]
    return tags


_WHEEL_RE = re.compile(
    r"^(?P<name>[^\s-]+?)-(?P<version>[^\s-]+?)(-(?P<build>\d[^-]*))?"
    r"-(?P<py>[^\s-]+?)-(?P<abi>[^\s-]+?)-(?P<plat>[^\s-]+?)\.whl$"
)


def parse_wheel_name(file_name: str) -> dict:
    """name, version, build and the expanded tag set of a wheel file name; InstallError if it is not one."""
    base = os.path.basename(file_name)
    m = _WHEEL_RE.match(base)
    if not m:
        raise InstallError(
            f"{file_name!r} is not a wheel file name (name-version[-build]-python-abi-platform.whl)",
            file_name,
        )
    tags = {
        f"{p}-{a}-{pl}"
        for p in m["py"].split(".")
        for a in m["abi"].split(".")
        for pl in m["plat"].split(".")
    }
    return {"name": m["name"], "version": m["version"], "build": m["build"], "tags": tags}


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


class _ZipArchive:
    """A wheel read by zipfile (native CPython, a browser, an archive the JS reader leaves to it)."""

    def __init__(self, data: bytes, file_name: str):
        self.data = data
        self.file_name = file_name
        self.members: list[tuple[str, int]] = []  # (name, mode) of each entry, in order
        self.bodies: list[bytes] = []

    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def check(self) -> None:
        """Reads every entry (checking its CRC); InstallError for a broken archive."""
        import zipfile  # only here: the JS reader reads the wheels of a JS runtime

        try:
            zf = zipfile.ZipFile(io.BytesIO(self.data))
            for zi in zf.infolist():
                self.members.append((zi.filename, zi.external_attr >> 16))
                self.bodies.append(b"" if zi.is_dir() else zf.read(zi))
        except Exception as e:  # zipfile.BadZipFile, zlib.error, EOFError, ... : a damaged archive
            raise InstallError(f"{self.file_name}: not a valid zip archive (truncated or corrupt): {e}",
                               self.file_name) from None

    def read(self, index: int) -> bytes:
        return self.bodies[index]

    def size(self, index: int) -> int:
        return len(self.bodies[index])

    def digest(self, index: int) -> str:
        return _record_hash(self.bodies[index])

    def write(self, items) -> None:
        """items: (entry index, target path, mode or None); the directories exist."""
        for index, target, mode in items:
            with open(target, "wb") as f:
                f.write(self.bodies[index])
            if mode is not None:
                os.chmod(target, mode)


class _JsArchive:
    """A wheel read in JS (src/js/wheel-reader.mjs: inflated, CRC-checked and hashed there), written
    into the file system by JS in one call per wheel."""

    def __init__(self, proxy, wheels, file_name: str):
        self.proxy = proxy
        self.wheels = wheels
        self.file_name = file_name

    def sha256(self) -> str:
        return str(self.proxy.sha256)

    def check(self) -> None:
        error = self.proxy.error
        if error:
            raise InstallError(f"{self.file_name}: not a valid zip archive (truncated or corrupt): {error}",
                               self.file_name)
        listing = json.loads(self.proxy.listing)
        self.members = [(name, mode) for name, mode, _, _ in listing]
        self.sizes = [size for _, _, size, _ in listing]
        self.hashes = ["sha256=" + digest for _, _, _, digest in listing]

    def read(self, index: int) -> bytes:
        return self.proxy.read(index).to_bytes()

    def size(self, index: int) -> int:
        return self.sizes[index]

    def digest(self, index: int) -> str:
        return self.hashes[index]

    def write(self, items) -> None:
        self.wheels.write(self.proxy, json.dumps(items))


def _js_wheels():
    """The JS side's wheel reader (pyodide_js._wheels), or None outside a JS runtime."""
    try:
        import pyodide_js
    except ImportError:
        return None
    try:
        return pyodide_js._wheels
    except AttributeError:
        return None


def _open_archive(data, file_name: str):
    """The archive of a wheel's data: bytes-like, a JS Uint8Array, or a wheel already read in JS
    (pyodide_js._wheels.open / fetch). Nothing is checked yet beyond its type (check() does)."""
    wheels = _js_wheels()
    if wheels is not None and getattr(data, "_sangamArchive", False):
        return _JsArchive(data, wheels, file_name)
    is_js = hasattr(data, "to_bytes") and hasattr(data, "byteLength")
    if wheels is not None:
        try:
            if is_js:
                proxy = wheels.open(data)
            else:
                from pyodide.ffi import to_js

                proxy = wheels.open(to_js(memoryview(data).cast("B")))
        except Exception:  # not a buffer; a JS typed array other than a Uint8Array
            raise InstallError(f"{file_name}: the wheel's data must be bytes or a Uint8Array, not "
                               f"{type(data).__name__}", file_name) from None
        if proxy is not None:  # None: the JS reader leaves this archive to zipfile
            return _JsArchive(proxy, wheels, file_name)
    try:
        data = data.to_bytes() if is_js else bytes(data)
    except TypeError:
        raise InstallError(f"{file_name}: the wheel's data must be bytes, not {type(data).__name__}", file_name)
    return _ZipArchive(data, file_name)


def _norm(path: str) -> str:
    """normpath, and one leading slash (a prefix of / gives sysconfig paths like //lib/...)."""
    path = os.path.normpath(path)
    return "/" + path.lstrip("/") if path.startswith("//") else path


class _Headers(dict):
    """The header fields of a WHEEL or METADATA file (the core metadata's RFC 822 style): get()
    by name in any case, the first of a repeated field, continuation lines joined with a newline,
    up to the first empty line or a line that is not a field. What email.parser gives for them,
    without importing the email package (some 20 modules, 40 ms in the runtime)."""

    def __init__(self, text: bytes):
        super().__init__()
        current = None  # the field a continuation line belongs to (None: not the first of its name)
        for line in _header_block(text).decode("utf-8", "surrogateescape").split("\n"):
            line = line.rstrip("\r")
            if not line.strip():
                break
            if line[0] in " \t":
                if current is not None:
                    self[current] += "\n" + line
                continue
            key, sep, value = line.partition(":")
            if not sep:
                break
            key = key.strip().lower()
            current = None if key in self else key
            if current is not None:
                self[key] = value.strip()

    def get(self, name, default=None):
        return super().get(name.lower(), default)


def _header_block(text: bytes) -> bytes:
    """The header fields of a METADATA file, without the description after the first empty line
    (which a headers-only parse would still go through line by line)."""
    ends = [i + len(sep) // 2 for sep in (b"\n\n", b"\r\n\r\n") if (i := text.find(sep)) >= 0]
    return text[: min(ends)] if ends else text


def _dir(path: str) -> str:
    """os.path.dirname of a normalized path, by slicing (cheaper, for thousands of files)."""
    i = path.rfind("/")
    return path[:i] if i > 0 else "/" if i == 0 else ""


def _relative(path: str, start: str) -> str:
    """os.path.relpath for normalized absolute paths, without its cost for one below start."""
    if path.startswith(start + "/"):
        return path[len(start) + 1 :]
    return os.path.relpath(path, start)


def _parents(path: str):
    """The directories above path, nearest first, up to (without) the root."""
    parent = os.path.dirname(path)
    while parent and os.path.dirname(parent) != parent:
        yield parent
        parent = os.path.dirname(parent)


def _ancestors(paths) -> set[str]:
    """Every directory above any of paths (normalized), up to (without) the root; each one
    computed once (by slicing: os.path.dirname costs more, for thousands of files)."""
    found: set[str] = set()
    for path in paths:
        i = path.rfind("/")
        while i > 0:
            parent = path[:i]
            if parent in found:
                break
            found.add(parent)
            i = path.rfind("/", 0, i)
    return found


def _scheme_dirs() -> dict[str, str]:
    paths = sysconfig.get_paths()
    return {
        "purelib": _norm(paths["purelib"]),
        "platlib": _norm(paths["platlib"]),
        "scripts": _norm(paths["scripts"]),
        "headers": _norm(paths["include"]),  # + the distribution's name, below
        "data": _norm(paths["data"]),
    }


def site_packages() -> str:
    return _scheme_dirs()["purelib"]


_BAD_PARTS = frozenset(("", ".", ".."))


def _check_member_name(name: str, wheel: str) -> list[str]:
    """The path's parts; InstallError for anything that could leave the directory it is unpacked to."""
    if "\\" in name or "\x00" in name:
        raise InstallError(f"{wheel}: refusing entry {name!r}: backslash or NUL in a path", wheel)
    if name.startswith("/") or (name[1:2] == ":" and name[0].isascii() and name[0].isalpha()):
        raise InstallError(f"{wheel}: refusing entry {name!r}: an absolute path", wheel)
    parts = name.rstrip("/").split("/")
    if not _BAD_PARTS.isdisjoint(parts):
        raise InstallError(
            f"{wheel}: refusing entry {name!r}: a path leaving site-packages ('..', '.' or an empty part)",
            wheel,
        )
    return parts


class _Plan:
    """One verified wheel: what goes where."""

    def __init__(self, wheel):
        self.wheel = wheel
        self.name = ""
        self.version = ""
        self.dist_info = ""  # archive name of the .dist-info folder
        # (absolute target, bytes or the archive's entry index, executable)
        self.files: list[tuple[str, bytes | int, bool]] = []
        self.imports: list[str] = []
        self.replaces: list[str] = []  # files of an installed version that go
        self.hashes: dict[str, str] = {}  # absolute target -> its verified RECORD hash
        self.archive = None  # _ZipArchive or _JsArchive


def _verify(file_name, data, direct_url, expected_sha256, dirs, tags) -> _Plan:
    plan = _Plan(file_name)
    if not isinstance(file_name, str):
        raise InstallError(f"a wheel's file name must be a str, not {type(file_name).__name__}")
    info = parse_wheel_name(file_name)
    if not (info["tags"] & set(tags)):
        raise InstallError(
            f"{file_name} is not for this runtime: its tags are {', '.join(sorted(info['tags']))}; "
            f"this runtime (CPython {sys.version_info[0]}.{sys.version_info[1]}, {_platform_tag()}) "
            f"takes {', '.join(tags[:3])}, py3-none-any and {len(tags) - 4} more "
            f"(supported_tags() lists them)",
            file_name,
        )
    arch = _open_archive(data, file_name)
    if expected_sha256 is not None:
        got = arch.sha256()
        if got != str(expected_sha256).lower():
            raise InstallError(
                f"{file_name}: sha256 mismatch: expected {expected_sha256}, the data has {got}", file_name
            )
    if direct_url is not None and not (isinstance(direct_url, dict) and isinstance(direct_url.get("url"), str)):
        raise InstallError(f"{file_name}: direct_url must be a PEP 610 dict with a 'url'", file_name)
    arch.check()
    contents: dict[str, int] = {}  # file entry name -> its index in the archive
    modes: dict[str, int] = {}
    for index, (name, mode) in enumerate(arch.members):
        _check_member_name(name, file_name)
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise InstallError(f"{file_name}: refusing entry {name!r}: a symbolic link", file_name)
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise InstallError(f"{file_name}: refusing entry {name!r}: not a regular file", file_name)
        if name.endswith("/") or kind == stat.S_IFDIR:
            continue
        if name in contents:
            raise InstallError(f"{file_name}: duplicate entry {name!r} in the archive", file_name)
        contents[name] = index
        modes[name] = mode
    plan.archive = arch

    def read(name):
        return arch.read(contents[name])

    # The .dist-info folder: exactly one, named after the wheel.
    tops = {n.split("/", 1)[0] for n in contents}
    infos = sorted(t for t in tops if t.endswith(".dist-info"))
    if len(infos) != 1:
        raise InstallError(
            f"{file_name}: a wheel has exactly one .dist-info folder; this one has {len(infos)}"
            + (f" ({', '.join(infos)})" if infos else ""),
            file_name,
        )
    dist_info = infos[0]
    di_name, _, di_version = dist_info[: -len(".dist-info")].partition("-")
    if canonical_name(di_name) != canonical_name(info["name"]):
        raise InstallError(f"{file_name}: its metadata folder {dist_info} names another distribution", file_name)
    for required in ("WHEEL", "METADATA", "RECORD"):
        if f"{dist_info}/{required}" not in contents:
            raise InstallError(f"{file_name}: {dist_info}/{required} is missing", file_name)
    try:
        wheel_meta = _Headers(read(f"{dist_info}/WHEEL"))
        metadata = _Headers(read(f"{dist_info}/METADATA"))
    except Exception as e:
        raise InstallError(f"{file_name}: unreadable WHEEL or METADATA: {e}", file_name) from None
    wv = (wheel_meta.get("Wheel-Version") or "").strip()
    if not re.match(r"^1(\.\d+)?$", wv):
        raise InstallError(f"{file_name}: unsupported Wheel-Version {wv!r} (this installer reads 1.x)", file_name)
    plan.name = (metadata.get("Name") or "").strip()
    plan.version = (metadata.get("Version") or "").strip()
    if not plan.name or not plan.version:
        raise InstallError(f"{file_name}: METADATA has no Name or Version", file_name)
    if canonical_name(plan.name) != canonical_name(info["name"]):
        raise InstallError(
            f"{file_name}: METADATA names {plan.name!r}, the file name {info['name']!r}", file_name
        )

    # RECORD: every file listed with its hash and size, and nothing listed that is not there.
    record_name = f"{dist_info}/RECORD"
    try:
        rows = list(csv.reader(io.StringIO(read(record_name).decode("utf-8"))))
    except Exception as e:
        raise InstallError(f"{file_name}: unreadable RECORD: {e}", file_name) from None
    recorded: dict[str, str] = {}
    for row in rows:
        if not row:
            continue
        if len(row) != 3:
            raise InstallError(f"{file_name}: malformed RECORD line {row!r}", file_name)
        path, digest, size = row
        if path in recorded:
            raise InstallError(f"{file_name}: RECORD lists {path!r} twice", file_name)
        recorded[path] = digest
        if path in (record_name, f"{dist_info}/RECORD.jws", f"{dist_info}/RECORD.p7s"):
            continue
        if path not in contents:
            raise InstallError(f"{file_name}: RECORD lists {path!r}, which the archive does not have", file_name)
        algo, _, _ = digest.partition("=")
        if algo != "sha256":
            raise InstallError(f"{file_name}: RECORD entry {path!r} has no sha256 hash ({digest!r})", file_name)
        if (got := arch.digest(contents[path])) != digest:
            raise InstallError(
                f"{file_name}: RECORD hash mismatch for {path!r}: RECORD says {digest}, "
                f"the file has {got}",
                file_name,
            )
        if size and size != str(arch.size(contents[path])):
            raise InstallError(f"{file_name}: RECORD size mismatch for {path!r}", file_name)
    for path in contents:
        if path not in recorded and path not in (record_name, f"{dist_info}/RECORD.jws", f"{dist_info}/RECORD.p7s"):
            raise InstallError(f"{file_name}: {path!r} is in the archive but not in RECORD", file_name)

    # Where each file goes.
    purelib = (wheel_meta.get("Root-Is-Purelib") or "true").strip().lower() == "true"
    root = dirs["purelib"] if purelib else dirs["platlib"]
    root_prefix = root.rstrip("/") + "/"
    data_dir = f"{dist_info[: -len('.dist-info')]}.data"
    targets: dict[str, tuple[bytes | int, bool]] = {}  # bytes: rewritten; int: the archive's entry
    imports = set()
    for name, body in contents.items():
        parts = name.split("/")
        if name == record_name or name.endswith(("/RECORD.jws", "/RECORD.p7s")) and parts[0] == dist_info:
            continue
        executable = bool(modes[name] & 0o111)
        if parts[0] == data_dir:
            if len(parts) < 3 or parts[1] not in SCHEMES:
                raise InstallError(
                    f"{file_name}: {name!r} is in {data_dir}/ but not under one of {', '.join(SCHEMES)}", file_name
                )
            scheme = parts[1]
            base = dirs[scheme]
            if scheme == "headers":
                base = os.path.join(base, plan.name)
            if scheme == "scripts":
                executable = True
                text = arch.read(body)
                if text.startswith(b"#!python"):
                    recorded[name] = ""  # rewritten: hashed again when written
                    body = b"#!" + os.fsencode(sys.executable or "/usr/bin/python3") + text[len(b"#!python"):]
            if scheme in ("purelib", "platlib"):
                imports.add((parts[2], len(parts) == 3))  # (the top-level name, whether it is a file)
            target = _norm(os.path.join(base, *parts[2:]))
        else:
            target = root_prefix + name  # normalized: its parts were checked
            if parts[0] != dist_info:
                imports.add((parts[0], len(parts) == 1))
        if target in targets:
            raise InstallError(f"{file_name}: two entries unpack to {target}", file_name)
        targets[target] = (body, executable)
        if recorded.get(name):
            plan.hashes[target] = recorded[name]
    imports = {_import_name(first, is_file) for first, is_file in imports}
    top_level = read(f"{dist_info}/top_level.txt") if f"{dist_info}/top_level.txt" in contents else None
    if top_level is not None:
        names = {ln.strip().split("/")[0] for ln in top_level.decode("utf-8", "replace").splitlines() if ln.strip()}
        imports = {n for n in names if n.isidentifier()} or imports
    plan.imports = sorted(i for i in imports if i)
    plan.dist_info = os.path.join(root, dist_info)
    plan.files = [(t, b, x) for t, (b, x) in targets.items()]
    # A file in the tree where another needs a directory.
    for parent in sorted(_ancestors(targets) & targets.keys()):
        raise InstallError(f"{file_name}: {parent} is both a file and a directory in the archive", file_name)
    plan._direct_url = direct_url
    return plan


def _import_name(first: str, is_file: bool) -> str:
    """The module a wheel's top-level entry `first` gives ('' for none): a file, or a folder."""
    if is_file:
        if first.endswith(".py"):
            return first[:-3]
        if first.endswith(".so") or first.endswith(".pyd"):
            return first.split(".")[0]
        return ""
    if first.endswith((".dist-info", ".data", ".libs")) or not first.isidentifier():
        return ""
    return first


def _find_dist_info(name: str, site: str) -> str | None:
    want = canonical_name(name)
    try:
        entries = os.listdir(site)
    except FileNotFoundError:
        return None
    for entry in sorted(entries):
        if entry.endswith(".dist-info") and canonical_name(entry[: -len(".dist-info")].partition("-")[0]) == want:
            return os.path.join(site, entry)
    return None


def _read_record(dist_info: str, site: str) -> list[str]:
    """Absolute paths of the files a distribution's RECORD lists."""
    record = os.path.join(dist_info, "RECORD")
    paths = []
    try:
        with open(record, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                if row:
                    paths.append(_norm(os.path.join(site, row[0])))
    except FileNotFoundError:
        raise InstallError(f"{os.path.basename(dist_info)} has no RECORD: cannot tell which files are its own")
    return paths


def _owned_roots(dirs) -> list[str]:
    return sorted({_norm(d) for d in dirs.values()})


def _inside(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _pyc_of(path: str) -> list[str]:
    if not path.endswith(".py"):
        return []
    d, base = os.path.split(path)
    cache = os.path.join(d, "__pycache__")
    try:
        entries = os.listdir(cache)
    except OSError:
        return []
    stem = base[:-3] + "."
    return [os.path.join(cache, e) for e in entries if e.startswith(stem) and e.endswith(".pyc")
            and e[len(stem):].count(".") <= 2]


def install(wheels, *, installer: str = "sangam", requested: bool = True, _dirs: dict | None = None) -> list[dict]:
    """Installs a batch of wheels, all or nothing (see the module's docstring)."""
    dirs = {k: _norm(v) for k, v in _dirs.items()} if _dirs else _scheme_dirs()
    site = dirs["purelib"]
    tags = supported_tags()
    wheels = list(wheels)
    plans: list[_Plan] = []
    for entry in wheels:
        try:
            file_name, data, direct_url, expected, *rest = entry
            options = dict(rest[0]) if rest else {}
            if len(rest) > 1:
                raise ValueError
        except (TypeError, ValueError):
            raise InstallError(
                "each wheel is a tuple (file_name, data, direct_url, expected_sha256[, options]), not "
                + repr(entry)[:80]
            ) from None
        plan = _verify(file_name, data, direct_url, expected, dirs, tags)
        plan.requested = bool(options.get("requested", requested))
        extra_files = options.get("dist_info_files") or {}
        for fname, body in extra_files.items():
            if not isinstance(fname, str) or "/" in fname or fname in ("", ".", "..", "RECORD"):
                raise InstallError(f"{file_name}: bad dist_info_files name {fname!r}", file_name)
        plan.extra_files = {k: bytes(v) for k, v in extra_files.items()}
        plans.append(plan)

    # The batch as a whole: one wheel per distribution, no two writing the same file.
    seen_names: dict[str, str] = {}
    seen_files: dict[str, str] = {}
    for plan in plans:
        key = canonical_name(plan.name)
        if key in seen_names:
            raise InstallError(
                f"{plan.wheel}: the batch has two wheels of {plan.name} ({seen_names[key]} and {plan.wheel})", plan.wheel
            )
        seen_names[key] = plan.wheel
        for target, _, _ in plan.files:
            if target in seen_files:
                raise InstallError(f"{plan.wheel} and {seen_files[target]} both install {target}", plan.wheel)
            seen_files[target] = plan.wheel
    for parent in sorted(_ancestors(seen_files) & seen_files.keys()):
        wheel = next(w for t, w in seen_files.items() if t.startswith(parent + "/"))
        raise InstallError(f"{wheel} needs {parent} to be a directory, {seen_files[parent]} installs a file there",
                           wheel)

    # Metadata the installer writes, and the installed versions each wheel replaces.
    roots = _owned_roots(dirs)
    existing_dirs: set[str] = set()
    missing_dirs: set[str] = set()
    for plan in plans:
        di = plan.dist_info
        extra = {
            os.path.join(di, "INSTALLER"): (installer.strip() + "\n").encode(),
        }
        if plan.requested:
            extra[os.path.join(di, "REQUESTED")] = b""
        for fname, body in plan.extra_files.items():
            extra[os.path.join(di, fname)] = body
        if plan._direct_url is not None:
            extra[os.path.join(di, "direct_url.json")] = json.dumps(plan._direct_url, sort_keys=True).encode()
        plan.files = [f for f in plan.files if f[0] not in extra] + [(p, b, False) for p, b in extra.items()]
        old = _find_dist_info(plan.name, site)
        if old is not None:
            plan.replaces = [p for p in _read_record(old, site) if _inside(p, roots) and os.path.lexists(p)]
            plan.replaces += [p for f in list(plan.replaces) for p in _pyc_of(f)]
            plan.replaces += [os.path.join(old, e) for e in os.listdir(old)
                              if os.path.join(old, e) not in plan.replaces]
            plan.old_dist_info = old
        else:
            plan.old_dist_info = None
        # Each directory the wheel needs is looked at once; files under one that does not exist yet
        # cannot be on disk either.
        for parent in sorted(_ancestors(t for t, _, _ in plan.files)):
            if parent in existing_dirs or parent in missing_dirs:
                continue
            if os.path.isdir(parent):
                existing_dirs.add(parent)
            elif os.path.lexists(parent):
                raise InstallError(f"{plan.wheel}: {parent} is a file on disk, the wheel needs a directory", plan.wheel)
            else:
                missing_dirs.add(parent)
        for target, _, _ in plan.files:
            if _dir(target) in existing_dirs and os.path.isdir(target) and not os.path.islink(target):
                raise InstallError(f"{plan.wheel}: {target} is a directory on disk, the wheel has a file there", plan.wheel)

    # Write. Anything that fails from here on is undone.
    created_files: list[str] = []
    created_dirs: list[str] = []
    saved: dict[str, tuple[bytes, int]] = {}
    removed_dirs: list[tuple[str, int]] = []

    def save(path):
        if _dir(path) in made:
            return  # in a directory this install created: nothing there to keep
        if path not in saved and os.path.lexists(path) and not os.path.isdir(path):
            with open(path, "rb") as f:
                saved[path] = (f.read(), os.stat(path).st_mode)

    made: set[str] = set()  # directories created by this install
    present: set[str] = set()  # directories known to exist

    def makedirs(d):
        if d in present:
            return
        missing = []
        # (One missing before the install, and not made by it yet, is not looked at again.)
        while d and d not in present and _dir(d) != d and (
            (d in missing_dirs and d not in made) or not os.path.isdir(d)
        ):
            missing.append(d)
            d = _dir(d)
        for m in reversed(missing):
            try:
                os.mkdir(m)
            except FileExistsError:
                if not os.path.isdir(m):
                    raise
                continue
            created_dirs.append(m)
            made.add(m)
        present.update(missing)
        present.add(d)

    results = []
    try:
        for plan in plans:
            for path in plan.replaces:
                if os.path.lexists(path) and not os.path.isdir(path):
                    save(path)
                    os.remove(path)
            if plan.old_dist_info and os.path.isdir(plan.old_dist_info) and not os.listdir(plan.old_dist_info):
                removed_dirs.append((plan.old_dist_info, os.stat(plan.old_dist_info).st_mode))
                os.rmdir(plan.old_dist_info)
            record_rows = []
            from_archive = []  # (entry index, target, mode): written by the archive in one call
            hashes, size_of = plan.hashes, plan.archive.size
            for target, body, executable in plan.files:
                d = _dir(target)
                if d not in present:
                    makedirs(d)
                if d not in made:
                    save(target)
                if target not in saved:
                    created_files.append(target)
                if isinstance(body, int):
                    from_archive.append((body, target, 0o755 if executable else None))
                    record_rows.append([_relative(target, site), hashes[target], str(size_of(body))])
                    continue
                with open(target, "wb") as f:  # (written here: a rewritten script or a metadata file)
                    f.write(body)
                if executable:
                    os.chmod(target, 0o755)
                digest = hashes.get(target) or _record_hash(body)
                record_rows.append([_relative(target, site), digest, str(len(body))])
            plan.archive.write(from_archive)
            record = os.path.join(plan.dist_info, "RECORD")
            makedirs(plan.dist_info)
            save(record)
            if record not in saved:
                created_files.append(record)
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerows(sorted(record_rows) + [[os.path.relpath(record, site), "", ""]])
            with open(record, "w", encoding="utf-8", newline="") as f:
                f.write(out.getvalue())
            # Directories the old version leaves empty go too (they were its own).
            if plan.old_dist_info:
                for path in sorted({os.path.dirname(p) for p in plan.replaces}, key=len, reverse=True):
                    _prune(path, roots, removed_dirs)
                present.clear()  # pruning may have removed some
            results.append({
                "name": plan.name,
                "version": plan.version,
                "files": [t for t, _, _ in plan.files] + [record],
                "dist_info": plan.dist_info,
                "imports": plan.imports,
                "shared_libraries": [t for t, _, _ in plan.files
                                     if ".so" in t and (t.endswith(".so") or ".so." in t[t.rfind("/") + 1 :])],
            })
    except BaseException as e:
        _rollback(created_files, created_dirs, saved, removed_dirs)
        if isinstance(e, InstallError):
            raise
        if isinstance(e, Exception):
            raise InstallError(f"installing {plan.wheel} failed, nothing was changed: {type(e).__name__}: {e}",
                               plan.wheel) from e
        raise
    invalidate_import_caches()
    return results


def invalidate_import_caches() -> None:
    """importlib.invalidate_caches() for what an install or an uninstall changes: the finders'
    listings of folders, namespace packages, and importlib.metadata's cache if it was imported.
    (importlib.invalidate_caches() imports importlib.metadata: some 50 modules, 80 ms in the
    runtime; and it drops the zip importers' directories, which no install changes: the standard
    library's zip was read again at the next import.)"""
    import zipimport
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is PathFinder:
            for path, f in list(sys.path_importer_cache.items()):
                if f is None or not os.path.isabs(path):
                    del sys.path_importer_cache[path]
                elif not isinstance(f, zipimport.zipimporter) and hasattr(f, "invalidate_caches"):
                    f.invalidate_caches()
            # A namespace package's __path__ is computed again (what PathFinder does).
            from importlib._bootstrap_external import _NamespacePath

            _NamespacePath._epoch += 1
        elif hasattr(finder, "invalidate_caches"):
            finder.invalidate_caches()
    metadata = sys.modules.get("importlib.metadata")
    if metadata is not None:
        metadata.MetadataPathFinder.invalidate_caches()


def _prune(path, roots, removed_dirs):
    """Removes path and its parents while they are empty and inside the scheme directories (never a root)."""
    while _inside(path, roots) and path not in roots and os.path.dirname(path) != path:
        try:
            if os.listdir(path):
                return
            mode = os.stat(path).st_mode
            os.rmdir(path)
        except OSError:
            return
        removed_dirs.append((path, mode))
        path = os.path.dirname(path)


def _rollback(created_files, created_dirs, saved, removed_dirs):
    for path in reversed(created_files):
        try:
            os.remove(path)
        except OSError:
            pass
    for path, (body, mode) in saved.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(body)
        os.chmod(path, stat.S_IMODE(mode))
    for path in reversed(created_dirs):
        try:
            os.rmdir(path)
        except OSError:
            pass
    for path, mode in reversed(removed_dirs):
        if not os.path.isdir(path):
            os.makedirs(path, exist_ok=True)
            os.chmod(path, stat.S_IMODE(mode))


def _metadata_of(dist_info: str) -> dict:
    def read(name):
        try:
            with open(os.path.join(dist_info, name), "rb") as f:
                return f.read()
        except OSError:
            return None

    meta = _Headers(read("METADATA") or b"")
    direct = read("direct_url.json")
    installer = read("INSTALLER")
    return {
        "name": meta.get("Name", os.path.basename(dist_info).partition("-")[0]),
        "version": meta.get("Version", ""),
        "installer": installer.decode("utf-8", "replace").strip() if installer is not None else None,
        "requested": read("REQUESTED") is not None,
        "direct_url": json.loads(direct) if direct else None,
        "dist_info": dist_info,
    }


def installed(*, _dirs: dict | None = None) -> list[dict]:
    """The distributions in site-packages (see the module's docstring)."""
    dirs = {k: _norm(v) for k, v in _dirs.items()} if _dirs else _scheme_dirs()
    site = dirs["purelib"]
    out = []
    try:
        entries = sorted(os.listdir(site))
    except FileNotFoundError:
        return out
    for entry in entries:
        if entry.endswith(".dist-info") and os.path.isdir(os.path.join(site, entry)):
            di = os.path.join(site, entry)
            info = _metadata_of(di)
            try:
                info["files"] = _read_record(di, site)
            except InstallError:
                info["files"] = []
            out.append(info)
    return out


def uninstall(name: str, *, _dirs: dict | None = None) -> list[str]:
    """Removes a distribution: the files its RECORD lists (see the module's docstring)."""
    dirs = {k: _norm(v) for k, v in _dirs.items()} if _dirs else _scheme_dirs()
    site = dirs["purelib"]
    di = _find_dist_info(name, site)
    if di is None:
        raise InstallError(f"{name} is not installed in {site}")
    roots = _owned_roots(dirs)
    listed = _read_record(di, site)
    outside = [p for p in listed if not _inside(p, roots)]
    if outside:
        raise InstallError(f"{name}: its RECORD lists files outside the runtime's directories ({outside[0]}); "
                           "refusing to remove them")
    removed = []
    for path in listed:
        for p in [path] + _pyc_of(path):
            if os.path.lexists(p) and not os.path.isdir(p):
                os.remove(p)
                removed.append(p)
    if os.path.isdir(di) and not os.listdir(di):
        os.rmdir(di)
    removed_dirs: list = []
    for d in sorted({os.path.dirname(p) for p in listed}, key=len, reverse=True):
        if os.path.basename(d) != "__pycache__":
            cache = os.path.join(d, "__pycache__")
            if os.path.isdir(cache) and not os.listdir(cache):
                os.rmdir(cache)
        _prune(d, roots, removed_dirs)
    invalidate_import_caches()
    return removed
