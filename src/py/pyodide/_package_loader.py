"""The Python half of loadPackage (src/js/packages.mjs): installs a verified batch of wheels through
the one installer (_sangam_install), and a finder at the end of sys.meta_path that turns an import
the lock file knows, but whose package is not loaded, into a ModuleNotFoundError saying how to load
it. The JS side tells it the lock file's imports (set_lock_imports) and what it loaded (loaded).

A lock file entry with package_type "shared_library" whose file is no wheel (Pyodide's `.zip` with
install_dir "dynlib") is an archive of shared libraries, unpacked into /usr/lib (where the dynamic loader looks for the libraries extension modules need), in the same
all-or-nothing batch as the wheels."""

import hashlib
import io
import json
import os
import stat
import sys
import zipfile

# Where shared_library packages go (the loader's default search path, src/core/dynload.js).
DYNLIB_DIR = "/usr/lib"

# Top-level import name -> the lock file package that provides it.
_lock_imports: dict[str, str] = {}
# Package name -> where it came from ("default channel" or the wheel's URL), as loadedPackages.
loaded: dict[str, str] = {}
# The lock file's info and packages, for micropip.freeze (set by the JS loader).
lock_info: dict = {}
lock_packages: dict = {}
# Where the lock file's relative file names are fetched from (packageBaseUrl).
lock_base_url: str | None = None


def set_lock(lock_json: str, base_url: str | None = None) -> None:
    """Takes the lock file (JSON text) the runtime was started with, and its base URL."""
    global lock_base_url
    lock_base_url = base_url
    lock = json.loads(lock_json)
    lock_info.clear()
    lock_info.update(lock.get("info", {}))
    lock_packages.clear()
    lock_packages.update(lock.get("packages", {}))
    _lock_imports.clear()
    for name, entry in lock_packages.items():
        for imp in entry.get("imports", []):
            _lock_imports.setdefault(imp, entry.get("name", name))


def _is_library_archive(entry) -> bool:
    return getattr(entry, "package_type", None) == "shared_library" and not entry.file_name.endswith(".whl")


def _verify_shared_library(file_name: str, data: bytes, expected_sha256: str | None) -> list[tuple[str, bytes]]:
    """The files a shared_library archive unpacks into DYNLIB_DIR: [(target, bytes)]. InstallError,
    with nothing written, for a sha256 that differs, a broken zip, or an entry that is a symlink,
    a duplicate, or a path leaving DYNLIB_DIR."""
    from _sangam_install import InstallError

    if expected_sha256:
        got = hashlib.sha256(data).hexdigest()
        if got != expected_sha256.lower():
            raise InstallError(f"{file_name}: its sha256 is {got}, expected {expected_sha256}", file_name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as e:
        raise InstallError(f"{file_name}: not a readable zip archive: {e}", file_name) from None
    if bad is not None:
        raise InstallError(f"{file_name}: entry {bad!r} is corrupt (CRC mismatch)", file_name)
    files: dict[str, bytes] = {}
    with archive:
        for info in archive.infolist():
            name = info.filename
            parts = name.rstrip("/").split("/")
            if "\\" in name or "\x00" in name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
                raise InstallError(f"{file_name}: refusing entry {name!r}: a path leaving {DYNLIB_DIR}", file_name)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise InstallError(f"{file_name}: refusing entry {name!r}: a symlink", file_name)
            if info.is_dir():
                continue
            target = os.path.join(DYNLIB_DIR, *parts)
            if target in files:
                raise InstallError(f"{file_name}: refusing entry {name!r}: it is in the archive twice", file_name)
            files[target] = archive.read(info)
    for target in files:
        if os.path.isdir(target):
            raise InstallError(f"{file_name}: {target} is a directory on disk, the archive has a file there", file_name)
    return list(files.items())


def _write_files(files: list[tuple[str, bytes]]):
    """Writes the files; returns a function that undoes it (restores what was replaced)."""
    saved: list[tuple[str, bytes | None]] = []
    made: list[str] = []

    def undo():
        for path, body in reversed(saved):
            try:
                if body is None:
                    os.remove(path)
                else:
                    with open(path, "wb") as f:
                        f.write(body)
            except OSError:
                pass
        for d in reversed(made):
            try:
                os.rmdir(d)
            except OSError:
                pass

    try:
        for target, body in files:
            missing = []
            d = os.path.dirname(target)
            while not os.path.isdir(d):
                missing.append(d)
                d = os.path.dirname(d)
            for m in reversed(missing):
                os.mkdir(m)
                made.append(m)
            old = None
            if os.path.exists(target):
                with open(target, "rb") as f:
                    old = f.read()
            saved.append((target, old))
            with open(target, "wb") as f:
                f.write(body)
    except BaseException:
        undo()
        raise
    return undo


def install(entries) -> str:
    """Installs the wheels (and shared_library archives) of one loadPackage batch, all or nothing.
    `entries` is a JS array of {file_name, data: Uint8Array or a wheel read in JS, direct_url: JSON text or null, sha256:
    hex or null, channel, name, requested, package_type}. Returns JSON: one {name, version, imports,
    shared_libraries} per entry."""
    import _sangam_install

    entries = list(entries)  # one proxy per entry, compared by identity below
    wheels = []
    libraries = []  # (entry, [(target, bytes)])
    for entry in entries:
        if _is_library_archive(entry):
            libraries.append((entry, _verify_shared_library(entry.file_name, entry.data.to_bytes(), entry.sha256 or None)))
            continue
        direct_url = entry.direct_url
        wheels.append(
            (
                entry.file_name,
                entry.data,  # a wheel read in JS (src/js/wheel-reader.mjs), or its bytes
                json.loads(direct_url) if direct_url else None,
                entry.sha256 or None,
                # A dependency pulled in by another package was not asked for (PEP 376 REQUESTED).
                {"requested": bool(entry.requested)},
            )
        )
    targets = [t for _, files in libraries for t, _ in files]
    if len(set(targets)) != len(targets):
        twice = next(t for t in targets if targets.count(t) > 1)
        raise _sangam_install.InstallError(f"two shared_library packages of the batch both install {twice}")
    undo = _write_files([f for _, files in libraries for f in files])
    try:
        results = _sangam_install.install(wheels, installer="sangam", requested=True) if wheels else []
    except BaseException:
        undo()
        raise
    if not wheels:  # (the installer has done it for wheels)
        _sangam_install.invalidate_import_caches()
    for entry in entries:
        loaded[entry.name] = entry.channel
    by_wheel = iter(results)
    out = []
    for entry in entries:
        if _is_library_archive(entry):
            files = next(f for e, f in libraries if e is entry)
            out.append({"name": entry.name, "version": "", "imports": [],
                        "shared_libraries": [t for t, _ in files if t.endswith(".so") or ".so." in os.path.basename(t)]})
        else:
            r = next(by_wheel)
            out.append({"name": r["name"], "version": r["version"], "imports": r.get("imports", []),
                        "shared_libraries": r.get("shared_libraries", [])})
    return json.dumps(out)


def install_error_type():
    """The installer's exception class name (JS tells a refused wheel from a crash by it)."""
    import _sangam_install

    return _sangam_install.InstallError.__name__


class LockFileFinder:
    """Last on sys.meta_path: an import nothing else found, of a top-level name a lock file
    package provides, fails saying which package to load."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if path is not None or "." in fullname:
            return None
        package = _lock_imports.get(fullname)
        if package is None or package in loaded:
            return None
        # A finder added after this one (a JS module, say) may still provide the name.
        meta_path = sys.meta_path
        if cls in meta_path:
            for finder in meta_path[meta_path.index(cls) + 1 :]:
                find = getattr(finder, "find_spec", None)
                spec = find(fullname, path, target) if find else None
                if spec is not None:
                    return spec
        raise ModuleNotFoundError(
            f"No module named {fullname!r}. The package {package!r} provides it but is not loaded: "
            f"load it with `await pyodide.loadPackage({package!r})` in JS or "
            f"`await micropip.install({package!r})` in Python",
            name=fullname,
        )


if LockFileFinder not in sys.meta_path:
    sys.meta_path.append(LockFileFinder)
