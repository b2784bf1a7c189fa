"""micropip's view of package indexes: fetching over HTTP and reading the three index formats.

An index URL is either a simple-API base (`https://host/simple/`: the project page is
`<base>/<normalized name>/`, served as PEP 691 JSON or PEP 503 HTML, whichever the server answers
to our Accept header) or a URL with a `{package_name}` placeholder, whose answer may be PEP 691
JSON, the PyPI JSON API (`{"info": ..., "releases": {...}}`) or PEP 503 HTML. The first index that
knows a project is the one used for it (as pip's --index-url then --extra-index-url would not:
there is no mixing of files from several indexes for one project, which keeps dependency
confusion out).
"""

from __future__ import annotations

import asyncio
import html.parser
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

DEFAULT_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
ACCEPT = DEFAULT_ACCEPT  # what project pages are asked for (the tests ask for HTML only, too)


class HttpError(OSError):
    def __init__(self, url, status, message=""):
        super().__init__(f"{url}: HTTP {status}{' ' + message if message else ''}")
        self.url = url
        self.status = status


async def fetch(url: str, *, accept: str | None = None, credentials: str | None = None) -> tuple[bytes, str]:
    """The body and the Content-Type of a GET; HttpError for a status that is not 2xx."""
    try:
        import js  # noqa: F401
    except ImportError:
        return await asyncio.get_running_loop().run_in_executor(None, _fetch_native, url, accept)
    from pyodide.http import pyfetch

    kwargs = {}
    if accept:
        kwargs["headers"] = {"Accept": accept}
    if credentials:
        kwargs["credentials"] = credentials
    resp = await pyfetch(url, **kwargs)
    if not resp.ok:
        raise HttpError(url, resp.status, resp.status_text)
    ctype = resp.headers.get("content-type", "")
    return await resp.bytes(), ctype


def _fetch_native(url, accept):
    """On native CPython (development, tools): urllib."""
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raise HttpError(url, e.code, str(e.reason)) from None


@dataclass
class DistFile:
    """One file of a project on an index."""

    filename: str
    url: str
    version: Version
    sha256: str | None = None
    requires_python: str | None = None
    yanked: bool = False
    metadata: bool | dict = False  # PEP 658: True, or the metadata file's hashes
    is_wheel: bool = False
    tags: frozenset = field(default_factory=frozenset)


@dataclass
class ProjectInfo:
    name: str
    index_url: str
    files: list[DistFile]


def _make_file(name, filename, url, hashes, requires_python, yanked, metadata) -> DistFile | None:
    try:
        if filename.endswith(".whl"):
            wname, version, _build, tags = parse_wheel_filename(filename)
            if canonicalize_name(wname) != name:
                return None
            return DistFile(filename, url, version, (hashes or {}).get("sha256"), requires_python,
                            bool(yanked), metadata or False, True, frozenset(str(t) for t in tags))
        if filename.endswith((".tar.gz", ".zip")):
            sname, version = parse_sdist_filename(filename)
            if canonicalize_name(sname) != name:
                return None
            return DistFile(filename, url, version, (hashes or {}).get("sha256"), requires_python,
                            bool(yanked), False, False)
    except (InvalidVersion, ValueError, Exception):
        return None
    return None


def parse_pep691(name: str, page_url: str, data: dict) -> list[DistFile]:
    out = []
    for f in data.get("files", []):
        meta = f.get("core-metadata", f.get("dist-info-metadata", False))
        df = _make_file(name, f.get("filename", ""), urljoin(page_url, f.get("url", "")), f.get("hashes"),
                        f.get("requires-python"), f.get("yanked", False), meta)
        if df:
            out.append(df)
    return out


def parse_pypi_json(name: str, page_url: str, data: dict) -> list[DistFile]:
    out = []
    for files in (data.get("releases") or {}).values():
        for f in files:
            meta = f.get("core_metadata", f.get("data-dist-info-metadata", False))
            df = _make_file(name, f.get("filename", ""), urljoin(page_url, f.get("url", "")), f.get("digests"),
                            f.get("requires_python"), f.get("yanked", False), meta)
            if df:
                out.append(df)
    if not out and data.get("urls"):  # a single-release answer (/pypi/<name>/<version>/json)
        for f in data["urls"]:
            df = _make_file(name, f.get("filename", ""), urljoin(page_url, f.get("url", "")), f.get("digests"),
                            f.get("requires_python"), f.get("yanked", False), False)
            if df:
                out.append(df)
    return out


class _Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.base = None
        self.anchors = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"]
        elif tag == "a" and a.get("href"):
            self.anchors.append(a)


def _parse_hash_value(value):
    if not value or value == "true":
        return True if value == "true" else False
    algo, _, digest = value.partition("=")
    return {algo: digest} if digest else True


def parse_pep503(name: str, page_url: str, text: str) -> list[DistFile]:
    p = _Anchors()
    p.feed(text)
    base = urljoin(page_url, p.base) if p.base else page_url
    out = []
    for a in p.anchors:
        url, frag = urldefrag(urljoin(base, a["href"]))
        hashes = {}
        if "=" in frag:
            algo, _, digest = frag.partition("=")
            hashes[algo] = digest
        filename = url.rstrip("/").rsplit("/", 1)[-1]
        meta_attr = a.get("data-core-metadata", a.get("data-dist-info-metadata"))
        yanked = "data-yanked" in a
        df = _make_file(name, filename, url, hashes, a.get("data-requires-python"), yanked,
                        _parse_hash_value(meta_attr) if meta_attr is not None else False)
        if df:
            out.append(df)
    return out


def project_urls(index_url: str, name: str) -> str:
    if "{package_name}" in index_url:
        return index_url.replace("{package_name}", name)
    return index_url.rstrip("/") + "/" + name + "/"


async def fetch_project(name: str, index_urls: list[str], credentials=None) -> ProjectInfo | None:
    """The project's files from the first index that knows it; None when none does."""
    name = canonicalize_name(name)
    errors = []
    for index in index_urls:
        url = project_urls(index, name)
        try:
            body, ctype = await fetch(url, accept=ACCEPT, credentials=credentials)
        except HttpError as e:
            if e.status == 404:
                continue
            errors.append(str(e))
            continue
        except OSError as e:
            errors.append(f"{url}: {e}")
            continue
        ctype = ctype.split(";")[0].strip().lower()
        text = body.decode("utf-8", "replace")
        if "json" in ctype or (not ctype and text.lstrip().startswith("{")):
            try:
                data = json.loads(text)
            except ValueError as e:
                errors.append(f"{url}: invalid JSON ({e})")
                continue
            files = parse_pypi_json(name, url, data) if "releases" in data or "info" in data else parse_pep691(name, url, data)
        else:
            files = parse_pep503(name, url, text)
        return ProjectInfo(name, index, files)
    if errors:
        raise OSError(f"cannot read the index for {name}: " + "; ".join(errors))
    return None


