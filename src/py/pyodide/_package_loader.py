"""The Python half of loadPackage (src/js/packages.mjs): installs a verified batch of wheels through
the one installer (_sangam_install), and a finder at the end of sys.meta_path that turns an import
the lock file knows, but whose package is not loaded, into a ModuleNotFoundError saying how to load
it. The JS side tells it the lock file's imports (set_lock_imports) and what it loaded (loaded)."""

import importlib
import json
import sys

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


def install(entries) -> str:
    """Installs the wheels of one loadPackage batch, all or nothing. `entries` is a JS array of
    {file_name, data: Uint8Array, direct_url: JSON text or null, sha256: hex or null, channel,
    name, requested}. Returns JSON: one {name, version, imports, shared_libraries} per wheel."""
    import _sangam_install

    wheels = []
    for entry in entries:
        direct_url = entry.direct_url
        wheels.append(
            (
                entry.file_name,
                entry.data.to_bytes(),
                json.loads(direct_url) if direct_url else None,
                entry.sha256 or None,
                # A dependency pulled in by another package was not asked for (PEP 376 REQUESTED).
                {"requested": bool(entry.requested)},
            )
        )
    results = _sangam_install.install(wheels, installer="sangam", requested=True)
    importlib.invalidate_caches()
    for entry, result in zip(entries, results):
        loaded[entry.name] = entry.channel
    return json.dumps(
        [
            {
                "name": r["name"],
                "version": r["version"],
                "imports": r.get("imports", []),
                "shared_libraries": r.get("shared_libraries", []),
            }
            for r in results
        ]
    )


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
