"""micropip's resolver: backtracking over what is installed, the lock file and the indexes together.

A requirement carries its chain: how it was reached from what the user asked for
("requested: universal-pathlib" -> "universal-pathlib 0.3.10 requires fsspec>=2024.5.0"). The resolver
takes requirements in the order they are met (the user's first), and for each project picks the best
candidate that satisfies every requirement on it known so far and the constraints: the installed
version, then the lock file's, then the index's from the newest down. A candidate's dependencies
join the queue; when a requirement later rules a pinned candidate out, or no candidate satisfies a
project's requirements together, the resolver backtracks to the most recent choice that the failure
depends on (a project in one of the chains involved) and tries its next candidate. When nothing is
left, the error names the requirements that cannot be met together and the chain of each.

A version whose files on the index are an sdist only (or wheels for other platforms) is an error
naming the project, the version and the chain: an older version with a wheel is never taken
silently (the message names the newest one that has a wheel, so the user can pin it).
"""

from __future__ import annotations

import asyncio
import email.parser
import io
import sys
import zipfile
from dataclasses import dataclass, field

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

import _sangam_install

from . import _index

STEP_LIMIT = 20000


def _marker_env_ok(req, extras=("",)):
    """Whether a requirement applies here (its marker, for the base install or one of extras)."""
    if req.marker is None:
        return True
    env = default_environment()
    return any(req.marker.evaluate(dict(env, extra=e)) for e in extras)


class ResolutionError(ValueError):
    """The requirements cannot be met; nothing was installed."""


class _Backtrack(Exception):
    """A failure the resolver may get past by choosing differently; `involved` are the projects
    whose choices led to it."""

    def __init__(self, message, involved):
        super().__init__(message)
        self.message = message
        self.involved = set(involved)


@dataclass(frozen=True)
class Item:
    req: Requirement
    chain: tuple  # ((project, version) or ("requested", None), ...) from the user down

    @property
    def name(self):
        return canonicalize_name(self.req.name)

    def describe(self):
        return f"{self.req} ({chain_text(self.chain)})"


def chain_text(chain):
    parts = []
    for name, version in chain:
        parts.append("requested" if name == "requested" else f"{name} {version}")
    return " -> ".join(parts)


def chain_names(chain):
    return {n for n, _ in chain if n != "requested"}


@dataclass
class Candidate:
    name: str
    version: Version
    source: str  # "installed", "lockfile", "index"
    file: _index.DistFile | None = None
    lock_entry: dict | None = None
    requires: list | None = None  # Requirement list (all, with markers), once known
    requires_python: str | None = None
    wheel_bytes: bytes | None = None
    dist_name: str = ""

    def __str__(self):
        return f"{self.name} {self.version}"


@dataclass
class Pin:
    cand: Candidate
    extras: frozenset
    chain: tuple
    items: tuple = field(default_factory=tuple)  # the requirements it was chosen to satisfy


class Resolver:
    def __init__(self, *, index_urls, lockfile, installed, constraints, pre, reinstall, deps, credentials,
                 keep_going, verbose, runtime_fixed):
        self.index_urls = index_urls
        self.lockfile = lockfile or {}
        self.installed = installed  # name -> (Version, requires list, dist)
        self.constraints = constraints  # name -> list[Requirement]
        self.pre = pre
        self.reinstall = reinstall
        self.deps = deps
        self.credentials = credentials
        self.keep_going = keep_going
        self.verbose = verbose
        self.runtime_fixed = runtime_fixed  # names the runtime provides (stdlib zip): never replaced
        self.tags = _sangam_install.supported_tags()
        self.tag_rank = {t: i for i, t in enumerate(self.tags)}
        self.env = default_environment()
        self.python_version = Version(".".join(map(str, sys.version_info[:3])))
        self._projects: dict[str, asyncio.Future] = {}
        self._metadata: dict[tuple, asyncio.Future] = {}
        self.steps = 0
        self.hard_errors: list[str] = []
        self.skipped: set[str] = set()

    def log(self, msg):
        if self.verbose:
            print(msg)

    # -- data from the indexes -----------------------------------------------------------------

    def project(self, name) -> asyncio.Future:
        fut = self._projects.get(name)
        if fut is None:
            fut = asyncio.ensure_future(self._fetch_project(name))
            self._projects[name] = fut
        return fut

    async def _fetch_project(self, name):
        if not self.index_urls:
            return None
        return await _index.fetch_project(name, self.index_urls, self.credentials)

    def metadata(self, cand: Candidate) -> asyncio.Future:
        key = (cand.name, str(cand.version), cand.source)
        fut = self._metadata.get(key)
        if fut is None:
            fut = asyncio.ensure_future(self._fetch_metadata(cand))
            self._metadata[key] = fut
        return fut

    async def _fetch_metadata(self, cand: Candidate):
        """Fills cand.requires (and requires_python) from PEP 658 metadata or the wheel itself."""
        if cand.requires is not None:
            return cand
        f = cand.file
        text = None
        if f.metadata:
            try:
                body, _ = await _index.fetch(f.url + ".metadata", credentials=self.credentials)
                want = f.metadata.get("sha256") if isinstance(f.metadata, dict) else None
                import hashlib

                if want and hashlib.sha256(body).hexdigest() != want:
                    raise ResolutionError(f"{f.filename}: the index's metadata file does not match its sha256 {want}")
                text = body
            except OSError:
                text = None  # fall back to the wheel
        if text is None:
            body, _ = await _index.fetch(f.url, credentials=self.credentials)
            import hashlib

            if f.sha256 and hashlib.sha256(body).hexdigest() != f.sha256:
                raise ResolutionError(
                    f"{f.filename}: sha256 mismatch: the index says {f.sha256}, the download has "
                    f"{hashlib.sha256(body).hexdigest()}"
                )
            cand.wheel_bytes = body
            try:
                zf = zipfile.ZipFile(io.BytesIO(body))
                meta_name = next(n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
                text = zf.read(meta_name)
            except Exception as e:
                raise ResolutionError(f"{f.filename}: cannot read its METADATA: {e}") from None
        msg = email.parser.BytesParser().parsebytes(text, headersonly=True)
        reqs = []
        for line in msg.get_all("Requires-Dist") or []:
            try:
                reqs.append(Requirement(line))
            except InvalidRequirement:
                continue
        cand.requires = reqs
        cand.requires_python = msg.get("Requires-Python")
        cand.dist_name = msg.get("Name") or cand.name
        return cand

    # -- candidates ------------------------------------------------------------------------------

    def _allows(self, cand_version, items, name):
        for it in items:
            if not it.req.specifier.contains(cand_version, prereleases=True):
                return False
        for c in self.constraints.get(name, ()):
            if not c.specifier.contains(cand_version, prereleases=True):
                return False
        return True

    def _prereleases_ok(self, items):
        return self.pre or any(
            s.prereleases for it in items for s in it.req.specifier if s.prereleases
        )

    async def candidates(self, name, items) -> list[Candidate]:
        out = []
        inst = self.installed.get(name)
        if name in self.runtime_fixed:
            version = inst[0]
            return [Candidate(name, version, "installed", requires=inst[1])] if self._allows(version, items, name) else []
        if inst and not self.reinstall and self._allows(inst[0], items, name):
            out.append(Candidate(name, inst[0], "installed", requires=inst[1]))
        entry = self.lockfile.get(name)
        if entry:
            try:
                v = Version(entry["version"])
            except (InvalidVersion, KeyError):
                v = None
            if v is not None and self._allows(v, items, name) and not (inst and inst[0] == v and not self.reinstall):
                deps = [Requirement(d) for d in entry.get("depends", [])]
                out.append(Candidate(name, v, "lockfile", lock_entry=entry, requires=deps))
        project = await self.project(name)
        if project is None:
            return out
        pre_ok = self._prereleases_ok(items)
        by_version: dict[Version, list] = {}
        for f in project.files:
            by_version.setdefault(f.version, []).append(f)
        versions = sorted(by_version, reverse=True)
        allowed = [v for v in versions if self._allows(v, items, name)]
        finals = [v for v in allowed if not v.is_prerelease]
        if not pre_ok and finals:
            allowed = finals
        exact = any(s.operator in ("==", "===") for it in items for s in it.req.specifier)
        seen = {c.version for c in out}
        first_checked = False
        for v in allowed:
            files = [f for f in by_version[v] if (exact or not f.yanked)]
            files = [f for f in files if not f.requires_python or self.python_version in SpecifierSet(f.requires_python)]
            if not files:
                continue
            wheels = [f for f in files if f.is_wheel and f.tags & self.tag_rank.keys()]
            if not wheels:
                if not first_checked and v not in seen and not out:
                    raise _NoWheel(name, v, files, [w for w in allowed if any(
                        f.is_wheel and f.tags & self.tag_rank.keys() for f in by_version[w])], items)
                continue
            first_checked = True
            if v in seen:
                continue
            best = min(wheels, key=lambda f: min(self.tag_rank[t] for t in f.tags if t in self.tag_rank))
            out.append(Candidate(name, v, "index", file=best))
        return out

    def deps_of(self, cand: Candidate, extras) -> list[Requirement]:
        out = []
        for r in cand.requires or []:
            if r.marker is None:
                out.append(r)
                continue
            envs = [dict(self.env, extra=e) for e in sorted(extras)] or [dict(self.env, extra="")]
            if not extras:
                envs = [dict(self.env, extra="")]
            else:
                envs = [dict(self.env, extra="")] + envs
            if any(r.marker.evaluate(e) for e in envs):
                out.append(r)
        return out

    # -- the search --------------------------------------------------------------------------------

    def prefetch(self, reqs):
        for r in reqs:
            self.project(canonicalize_name(r.name))

    async def resolve(self, requirements: list[Requirement]) -> dict[str, Pin]:
        queue = tuple(Item(r, (("requested", None),)) for r in requirements if self._marker_ok(r))
        self.prefetch([it.req for it in queue])
        try:
            pins = await self._solve({}, queue)
        except _NoWheel as e:
            raise ResolutionError(e.message) from None
        except _Backtrack as e:
            raise ResolutionError("Cannot install the requirements: " + e.message) from None
        if self.hard_errors:
            raise ResolutionError("\n".join(self.hard_errors))
        return pins

    def _marker_ok(self, r, extras=()):
        return r.marker is None or r.marker.evaluate(dict(self.env, extra=""))

    async def _solve(self, pins, queue):
        while queue:
            item, queue = queue[0], queue[1:]
            name = item.name
            if name in self.skipped:
                continue
            if name in pins:
                pin = pins[name]
                if not item.req.specifier.contains(pin.cand.version, prereleases=True):
                    raise _Backtrack(
                        f"{item.describe()} conflicts with {pin.cand} chosen for "
                        f"{'; '.join(i.describe() for i in pin.items)}",
                        chain_names(item.chain) | chain_names(pin.chain) | {name},
                    )
                new_extras = frozenset(canonicalize_name(e) for e in item.req.extras) - pin.extras
                if new_extras:
                    if pin.cand.requires is None:
                        await self.metadata(pin.cand)
                    extras = pin.extras | new_extras
                    pins = dict(pins)
                    pins[name] = Pin(pin.cand, extras, pin.chain, pin.items + (item,))
                    base = set(map(str, self.deps_of(pin.cand, pin.extras)))
                    more = [r for r in self.deps_of(pin.cand, extras) if str(r) not in base]
                    if self.deps:
                        chain = item.chain + ((name, str(pin.cand.version)),)
                        queue = queue + tuple(Item(r, chain) for r in more)
                        self.prefetch(more)
                else:
                    pins = dict(pins)
                    pins[name] = Pin(pin.cand, pin.extras, pin.chain, pin.items + (item,))
                continue
            # Every queued requirement on this project counts for the choice.
            same = (item,) + tuple(i for i in queue if i.name == name)
            try:
                cands = await self.candidates(name, same)
            except _NoWheel as e:
                if self.keep_going:
                    self.hard_errors.append(e.message)
                    self.skipped.add(name)
                    continue
                raise
            except OSError as e:
                msg = f"{name}: cannot reach the index: {e} (needed by {chain_text(item.chain)})"
                if self.keep_going:
                    self.hard_errors.append(msg)
                    self.skipped.add(name)
                    continue
                raise ResolutionError(msg) from None
            if not cands:
                project = await self.project(name)
                if project is None and name not in self.lockfile and name not in self.installed:
                    msg = (f"Can't find a package named {item.req.name!r} on the indexes "
                           f"({', '.join(self.index_urls) or 'none configured: pass index_urls or call set_index_urls'})"
                           f" or in the lock file (needed by {chain_text(item.chain)})")
                    if self.keep_going:
                        self.hard_errors.append(msg)
                        self.skipped.add(name)
                        continue
                    raise ResolutionError(msg)
                known = sorted({str(f.version) for f in project.files}, key=Version, reverse=True) if project else []
                if name in self.lockfile:
                    known.append(f"{self.lockfile[name].get('version')} (lock file)")
                if name in self.installed:
                    known.append(f"{self.installed[name][0]} (installed{', part of the runtime' if name in self.runtime_fixed else ''})")
                cons = self.constraints.get(name, ())
                raise _Backtrack(
                    f"no version of {name} satisfies all of: "
                    + "; ".join(i.describe() for i in same)
                    + (f"; constraint {', '.join(map(str, cons))}" if cons else "")
                    + f". Available: {', '.join(known[:12]) or 'none'}",
                    set().union(*(chain_names(i.chain) for i in same)) | {name},
                )
            extras = frozenset(canonicalize_name(e) for i in same for e in i.req.extras)
            last = None
            for cand in cands:
                self.steps += 1
                if self.steps > STEP_LIMIT:
                    raise ResolutionError(f"gave up after {STEP_LIMIT} steps of backtracking; the last problem: "
                                          + (last.message if last else "none"))
                if self.deps:
                    await self.metadata(cand)
                    if cand.requires_python and self.python_version not in SpecifierSet(cand.requires_python):
                        continue
                    deps = self.deps_of(cand, extras)
                else:
                    deps = []
                self.log(f"trying {cand} ({cand.source}) for {item.describe()}")
                chain = item.chain + ((name, str(cand.version)),)
                new = tuple(Item(r, chain) for r in deps)
                self.prefetch(deps)
                npins = dict(pins)
                npins[name] = Pin(cand, extras, item.chain, same)
                try:
                    return await self._solve(npins, queue + new)
                except _Backtrack as e:
                    if name not in e.involved:
                        raise  # another choice of this project cannot help
                    last = e
                    continue
            if last is None:
                raise _Backtrack(f"no candidate of {name} fits Python {self.python_version} "
                                 f"(needed by {chain_text(item.chain)})", chain_names(item.chain) | {name})
            raise last
        return pins


class _NoWheel(Exception):
    def __init__(self, name, version, files, with_wheels, items):
        chains = "; ".join(i.describe() for i in items)
        kinds = ", ".join(sorted(f.filename for f in files))
        older = f" The newest version that has one is {with_wheels[0]}: ask for {name}=={with_wheels[0]} if that will do." \
            if with_wheels else " No version that the requirements allow has one."
        self.message = (
            f"Can't find a wheel for this runtime for {name} {version} (needed by {chains}): the index has "
            f"only {kinds}, and this runtime installs only wheels tagged {self.__class__.tags_hint()}.{older}"
        )
        super().__init__(self.message)

    @staticmethod
    def tags_hint():
        t = _sangam_install.supported_tags()
        return f"{t[0]}, {t[1]}, py3-none-any and others"
