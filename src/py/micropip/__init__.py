"""micropip for sangam: installs packages from package indexes and the lock file, with Pyodide's API.

    await micropip.install(requirements, keep_going=False, deps=True, credentials=None, pre=False,
                           index_urls=None, constraints=None, reinstall=False, verbose=False)
    micropip.list(), micropip.freeze(), micropip.uninstall(packages)
    micropip.add_mock_package(name, version, ...), list_mock_packages(), remove_mock_package(name)
    micropip.set_index_urls(urls), micropip.set_constraints(constraints)

How it works (and where it differs from Pyodide's micropip):
- Requirements (PEP 508: specifiers, extras, environment markers, pre-releases) are read by
  `packaging`, which ships in the runtime's standard-library zip from a pinned PyPI wheel.
- One resolver (micropip._resolver) backtracks over the installed distributions, the lock file and
  the indexes together; a conflict is a ValueError (micropip.ResolutionError) that names the
  requirements that cannot be met together and the chain that led to each, raised before anything
  is downloaded for installing or written. A version that has no wheel for this runtime (an sdist
  only, or wheels for other platforms) is an error naming it and its chain: an older version with a
  wheel is never taken silently. A requirement the user gives beats the lock file's version.
- Index metadata (PEP 658 `.metadata` files when the index offers them, else the wheel) is fetched
  in parallel with the resolution; wheels are downloaded in parallel (in Node through the package
  cache when loadPyodide was given a packageCacheDir; read in JS as they arrive), checked against
  the index's sha256, then installed in one all-or-nothing batch by the runtime's installer
  (_sangam_install).
- Indexes: PEP 691 JSON, PEP 503 HTML and the PyPI JSON API (URLs with `{package_name}`). sangam
  names no index of its own: the default is $PIP_INDEX_URL (split on spaces), else none (packages
  come from the lock file only) until set_index_urls or index_urls= says which.
- freeze() returns a pyodide-lock.json (the lock file the runtime started with, plus what micropip
  installed, each wheel by its URL and sha256) that loadPyodide({lockFileContents}) accepts.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
import io
import json
import os
import sys
import sysconfig
import zipfile
from urllib.parse import urljoin

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import _sangam_install

from . import _index
from ._resolver import ResolutionError, Resolver

__version__ = "0.1.0+sangam"

__all__ = [
    "install", "list", "freeze", "uninstall", "add_mock_package", "list_mock_packages",
    "remove_mock_package", "set_index_urls", "set_constraints", "ResolutionError", "PackageDict",
]

_builtin_list = list
_index_urls: list[str] = os.environ.get("PIP_INDEX_URL", "").split()
_constraints: list[str] = []
SOURCE_FILE = "sangam_source.json"  # in a .dist-info that micropip installed: the wheel's URL and sha256
MOCK_FILE = "sangam_mock"  # in a mock package's .dist-info


def set_index_urls(urls: str | list[str]) -> None:
    """The indexes install() uses when it is given no index_urls (see the module docstring)."""
    global _index_urls
    _index_urls = [urls] if isinstance(urls, str) else _builtin_list(urls)


def set_constraints(constraints: list[str]) -> None:
    """Constraints (PEP 508 requirements that narrow versions, never add packages) for later installs."""
    global _constraints
    for c in constraints:
        Requirement(c)  # an invalid one is an error now, not at install time
    _constraints = _builtin_list(constraints)


# -- the lock file and the JS loader (pyodide._package_loader, written by the JS side) -----------

def _loader():
    return sys.modules.get("pyodide._package_loader")


def _lockfile() -> tuple[dict, dict, str | None]:
    """(packages by canonical name, info, base URL) of the lock file the runtime started with."""
    loader = _loader()
    if loader is None:
        try:
            from pyodide import _package_loader as loader  # noqa: PLC0415
        except ImportError:
            return {}, {}, None
    packages = {canonicalize_name(e.get("name", k)): e for k, e in getattr(loader, "lock_packages", {}).items()}
    return packages, dict(getattr(loader, "lock_info", {})), getattr(loader, "lock_base_url", None)


def _site() -> str:
    return _sangam_install.site_packages()  # normalized: the runtime's sysconfig says //lib/...


def _installed():
    """name -> (Version, requires, dist) for every distribution on sys.path (first one wins), and
    the names the runtime itself provides (outside site-packages: the standard-library zip)."""
    out = {}
    fixed = set()
    site = _site()
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        key = canonicalize_name(name)
        if key in out:
            continue
        try:
            version = Version(dist.version)
        except Exception:
            continue
        reqs = []
        for r in dist.requires or []:
            try:
                reqs.append(Requirement(r))
            except InvalidRequirement:
                pass
        out[key] = (version, reqs, dist)
        location = str(getattr(dist, "_path", ""))
        if location and not os.path.normpath(location).startswith(site + os.sep):
            fixed.add(key)
    return out, fixed


async def install(
    requirements: str | list[str],
    keep_going: bool = False,
    deps: bool = True,
    credentials: str | None = None,
    pre: bool = False,
    index_urls: list[str] | str | None = None,
    *,
    constraints: list[str] | None = None,
    reinstall: bool = False,
    verbose: bool | int = False,
) -> None:
    """Installs the requirements and their dependencies (see the module docstring).

    requirements: PEP 508 strings, or URLs / paths of wheels (emfs:/path for a file in the runtime).
    keep_going: report every package that cannot be found or has no wheel, not only the first.
    deps: also install dependencies. credentials: fetch()'s credentials option for the downloads.
    pre: allow pre-releases. index_urls: indexes for this call (else set_index_urls' / the default).
    constraints: narrow versions without adding packages. reinstall: install even what is installed.
    """
    if isinstance(requirements, str):
        requirements = [requirements]
    if index_urls is None:
        index_urls = _index_urls
    elif isinstance(index_urls, str):
        index_urls = [index_urls]
    index_urls = _builtin_list(index_urls)
    reqs: list[Requirement] = []
    direct: list[tuple[str, str]] = []  # (name, url) of wheels given by URL
    for r in requirements:
        r = r.strip()
        if r.endswith(".whl") and ("/" in r or ":" in r):
            direct.append(r)
            continue
        try:
            reqs.append(Requirement(r))
        except InvalidRequirement as e:
            raise ValueError(f"invalid requirement {r!r}: {e}") from None
    cons: dict[str, list[Requirement]] = {}
    for c in _builtin_list(_constraints) + _builtin_list(constraints or []):
        req = Requirement(c)
        cons.setdefault(canonicalize_name(req.name), []).append(req)

    direct_wheels = []
    for url in direct:
        data = await _read_url(url, credentials)
        file_name = url.rsplit("/", 1)[-1]
        try:
            wname = _sangam_install.parse_wheel_name(file_name)
        except _sangam_install.InstallError as e:
            raise ValueError(str(e)) from None
        sha = hashlib.sha256(data).hexdigest()
        direct_wheels.append((file_name, data, {"url": url, "archive_info": {"hashes": {"sha256": sha}}}, sha))
        deps_of_direct = _wheel_requires(data, file_name)
        reqs.append(Requirement(f"{wname['name']}=={wname['version']}"))
        if deps:
            reqs.extend(deps_of_direct)

    lock, _info, base_url = _lockfile()
    installed, fixed = _installed()
    # Direct wheels are installed as given: the resolver sees them as already there.
    for file_name, data, _, _ in direct_wheels:
        w = _sangam_install.parse_wheel_name(file_name)
        installed[canonicalize_name(w["name"])] = (Version(w["version"]), _wheel_requires(data, file_name), None)
    resolver = Resolver(index_urls=index_urls, lockfile=lock, installed=installed, constraints=cons, pre=pre,
                        reinstall=reinstall, deps=deps, credentials=credentials, keep_going=keep_going,
                        verbose=verbose, runtime_fixed=fixed)
    pins = await resolver.resolve(reqs)

    direct_names = {canonicalize_name(_sangam_install.parse_wheel_name(w[0])["name"]) for w in direct_wheels}
    todo = [p for name, p in pins.items() if p.cand.source != "installed" and name not in direct_names]
    requested = {canonicalize_name(r.name) for r in reqs}

    async def download(pin):
        c = pin.cand
        if c.source == "lockfile":
            entry = c.lock_entry
            url = entry["file_name"]
            if "://" not in url and base_url:
                url = urljoin(base_url, url)
            data = await _fetch_wheel(url, entry.get("sha256"), credentials)
            return (entry["file_name"].rsplit("/", 1)[-1], data, None, entry.get("sha256") or None,
                    {"requested": canonicalize_name(c.name) in requested, "dist_info_files": {
                        SOURCE_FILE: json.dumps({"url": url, "sha256": entry.get("sha256"), "lockfile": True}).encode()}})
        f = c.file
        data = c.wheel_bytes
        if data is None:
            data = await _fetch_wheel(f.url, f.sha256, credentials)
        sha = f.sha256 or _sha256_of(data)
        return (f.filename, data, None, f.sha256 or None,
                {"requested": canonicalize_name(c.name) in requested, "dist_info_files": {
                    SOURCE_FILE: json.dumps({"url": f.url, "sha256": sha, "index": True}).encode()}})

    if verbose:
        for p in todo:
            print(f"Collecting {p.cand} from {p.cand.source}")
    try:
        wheels = await asyncio.gather(*(download(p) for p in todo))
    except OSError as e:
        raise ValueError(f"downloading failed, nothing was installed: {e}") from None
    batch = _builtin_list(wheels)
    batch.extend(w + ({"requested": True, "dist_info_files": {
        SOURCE_FILE: json.dumps({"url": w[2]["url"], "sha256": w[3]}).encode()}},) for w in direct_wheels)
    if not batch:
        if verbose:
            print("Requirements already satisfied")
        return
    try:
        results = _sangam_install.install(batch, installer="micropip")
    except _sangam_install.InstallError as e:
        raise ValueError(f"nothing was installed: {e}") from e
    loader = _loader()
    for r in results:
        if loader is not None and hasattr(loader, "loaded"):
            src = json.loads(open(os.path.join(r["dist_info"], SOURCE_FILE)).read()) if os.path.exists(
                os.path.join(r["dist_info"], SOURCE_FILE)) else {}
            loader.loaded[r["name"]] = src.get("url", "micropip")
        if verbose:
            print(f"Successfully installed {r['name']}-{r['version']}")


def _wheel_requires(data, file_name):
    import email.parser

    from ._resolver import _marker_env_ok

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        meta = next(n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        msg = email.parser.BytesParser().parsebytes(zf.read(meta), headersonly=True)
    except Exception as e:
        raise ValueError(f"{file_name}: not a readable wheel: {e}") from None
    out = []
    for line in msg.get_all("Requires-Dist") or []:
        try:
            r = Requirement(line)
        except InvalidRequirement:
            continue
        if _marker_env_ok(r):
            out.append(r)
    return out


async def _fetch_wheel(url, sha256, credentials=None):
    """A wheel for the installer: in a JS runtime through pyodide_js._wheels (Node caches it in
    packageCacheDir by sha256; it is read in JS, in parallel with the other downloads), else its
    bytes. The installer checks its sha256."""
    wheels = _sangam_install._js_wheels()
    if wheels is None or url.startswith(("emfs:", "file:")):
        return await _read_url(url, credentials)
    try:
        return await wheels.fetch(url, sha256 or "", credentials or None)
    except Exception as e:  # a JsException from fetch(): install() says nothing was installed
        raise OSError(f"cannot download {url}: {e}") from None


def _sha256_of(data) -> str:
    """The sha256 (hex) of what _fetch_wheel returned."""
    if getattr(data, "_sangamArchive", False):
        return str(data.sha256)
    return hashlib.sha256(data.to_bytes() if hasattr(data, "byteLength") else data).hexdigest()


async def _read_url(url, credentials=None) -> bytes:
    if url.startswith("emfs:"):
        with open(url[len("emfs:"):], "rb") as f:
            return f.read()
    if url.startswith("file:"):
        with open(url[len("file:"):].lstrip("/").join(["/", ""]) if url.startswith("file:///") else url[5:], "rb") as f:
            return f.read()
    try:
        data, _ = await _index.fetch(url, credentials=credentials)
    except OSError as e:
        raise ValueError(f"cannot download {url}: {e}") from None
    return data


# -- list, freeze, uninstall ---------------------------------------------------------------------

class PackageMetadata:
    __slots__ = ("name", "version", "source")

    def __init__(self, name, version, source):
        self.name, self.version, self.source = name, version, source

    def __repr__(self):
        return f"PackageMetadata(name={self.name!r}, version={self.version!r}, source={self.source!r})"

    def __eq__(self, other):
        return isinstance(other, PackageMetadata) and (self.name, self.version, self.source) == (
            other.name, other.version, other.source)


class PackageDict(dict):
    """name -> PackageMetadata; its repr is a table."""

    def __repr__(self):
        rows = [("Name", "Version", "Source")] + [(p.name, p.version, p.source) for p in self.values()]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join(lines)


def _source_of(dist) -> str:
    try:
        text = dist.read_text(SOURCE_FILE)
    except Exception:
        text = None
    if text:
        src = json.loads(text)
        return "pyodide" if src.get("lockfile") else src.get("url", "micropip")
    if dist.read_text(MOCK_FILE) is not None:
        return "micropip mock"
    installer = (dist.read_text("INSTALLER") or "").strip()
    location = str(getattr(dist, "_path", ""))
    if location.startswith("/lib/python313.zip"):
        return "sangam (standard library zip)"
    return installer or "unknown"


def list() -> PackageDict:  # noqa: A001 - Pyodide's name
    """Every installed distribution: name -> PackageMetadata(name, version, source)."""
    out = PackageDict()
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if not name or name in out:
            continue
        out[name] = PackageMetadata(name, dist.version, _source_of(dist))
    return PackageDict(sorted(out.items(), key=lambda kv: canonicalize_name(kv[0])))


def _runtime_info() -> dict:
    plat = sysconfig.get_platform().split("-")
    platform = "_".join([plat[0]] + plat[1].split(".")) if len(plat) > 1 else plat[0]
    py = ".".join(map(str, sys.version_info[:3]))
    return {"arch": "wasm32", "platform": platform, "python": py, "abi_version": platform}


def freeze() -> str:
    """A pyodide-lock.json (text) for the current state: the runtime's lock file and every
    distribution micropip installed, which loadPyodide({lockFileContents}) takes back."""
    lock, info, base_url = _lockfile()
    out_info = _runtime_info()
    out_info.update(info or {})
    packages = {}
    for key, entry in lock.items():
        e = dict(entry)
        if base_url and "://" not in e.get("file_name", ""):
            e["file_name"] = urljoin(base_url, e["file_name"])
        packages[key] = e
    for dist in importlib.metadata.distributions():
        try:
            text = dist.read_text(SOURCE_FILE)
        except Exception:
            text = None
        if not text:
            continue
        src = json.loads(text)
        name = dist.metadata["Name"]
        key = canonicalize_name(name)
        if src.get("lockfile") and key in packages:
            continue
        depends = []
        for r in dist.requires or []:
            try:
                req = Requirement(r)
            except InvalidRequirement:
                continue
            from ._resolver import _marker_env_ok

            if _marker_env_ok(req):
                depends.append(canonicalize_name(req.name))
        top = dist.read_text("top_level.txt")
        if top:
            imports = sorted({ln.strip() for ln in top.splitlines() if ln.strip().isidentifier()})
        else:
            imports = sorted({str(f).split("/")[0].removesuffix(".py") for f in dist.files or []
                              if not str(f).split("/")[0].endswith((".dist-info", ".data"))
                              and not str(f).startswith("..")
                              and str(f).split("/")[0].removesuffix(".py").isidentifier()})
        packages[key] = {
            "name": name,
            "version": dist.version,
            "file_name": src["url"],
            "install_dir": "site",
            "sha256": src.get("sha256") or "",
            "package_type": "package",
            "imports": imports,
            "depends": sorted(set(depends)),
        }
    return json.dumps({"info": out_info, "packages": dict(sorted(packages.items()))}, indent=2, sort_keys=False)


def uninstall(packages: str | list[str], *, verbose: bool | int = False) -> None:
    """Uninstalls distributions in site-packages (the files their RECORD lists). One that is not
    installed is skipped with a warning, as Pyodide's micropip does; one that the runtime itself
    provides (the standard-library zip) cannot be uninstalled and is a ValueError."""
    import warnings

    if isinstance(packages, str):
        packages = [packages]
    _, fixed = _installed()
    for name in packages:
        key = canonicalize_name(name)
        if key in fixed:
            raise ValueError(f"{name} is part of the runtime (the standard-library zip): it cannot be uninstalled")
        try:
            removed = _sangam_install.uninstall(name)
        except _sangam_install.InstallError:
            warnings.warn(f"Skipping '{name}' as it is not installed.", stacklevel=2)
            continue
        loader = _loader()
        if loader is not None and hasattr(loader, "loaded"):
            for k in _builtin_list(loader.loaded):
                if canonicalize_name(k) == key:
                    del loader.loaded[k]
        if verbose:
            print(f"Successfully uninstalled {name} ({len(removed)} files)")


# -- mock packages ---------------------------------------------------------------------------------

def add_mock_package(name: str, version: str, *, modules: dict[str, str | None] | None = None,
                     persistent: bool = False) -> None:
    """Installs a distribution with no real contents, so that requirements on it are satisfied.
    modules: module name -> source (None: an empty module); the default is one empty module named
    after the package. Mock packages are real distributions in site-packages (persistent or not:
    the runtime's file system lasts as long as the runtime)."""
    Version(version)
    if modules is None:
        modules = {name.replace("-", "_"): ""}
    dist = f"{name.replace('-', '_')}-{version}"
    items = {
        f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: micropip\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist}.dist-info/{MOCK_FILE}": b"",
    }
    for mod, src in modules.items():
        items[mod.replace(".", "/") + ".py"] = (src or "").encode()
    import base64
    import csv

    rec = io.StringIO()
    w = csv.writer(rec, lineterminator="\n")
    for path, body in items.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()
        w.writerow([path, f"sha256={digest}", len(body)])
    w.writerow([f"{dist}.dist-info/RECORD", "", ""])
    items[f"{dist}.dist-info/RECORD"] = rec.getvalue().encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, body in items.items():
            zf.writestr(path, body)
    _sangam_install.install([(f"{dist}-py3-none-any.whl", buf.getvalue(), None, None)], installer="micropip")


def list_mock_packages() -> list[str]:
    """The names of the mock packages installed."""
    return sorted(d["name"] for d in _sangam_install.installed()
                  if os.path.exists(os.path.join(d["dist_info"], MOCK_FILE)))


def remove_mock_package(name: str) -> None:
    """Uninstalls a mock package (ValueError if there is no mock package of that name)."""
    key = canonicalize_name(name)
    for d in _sangam_install.installed():
        if canonicalize_name(d["name"]) == key and os.path.exists(os.path.join(d["dist_info"], MOCK_FILE)):
            _sangam_install.uninstall(name)
            return
    raise ValueError(f"no mock package named {name!r}")
