// Node-only tools over a folder of wheels: reading a wheel's metadata (a small zip reader), the
// lock file generator (pyodide-lock.json) and a package index server on loopback (PEP 503 HTML,
// PEP 691 JSON, PEP 658 metadata files, the PyPI JSON API), with CORS headers. bin/sangam-index
// and bin/sangam-lock are the commands; tests and benchmarks import this module.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

export const PLATFORM = 'emscripten_3_1_69';
export const PYTHON = '3.13.5';

// PEP 503 normalization.
export const canonicalName = (name) => name.replace(/[-_.]+/g, '-').toLowerCase();

// The members of a zip archive (from its central directory): name -> {read()}.
export function readZip(buf, what = 'zip') {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${what}: not a zip archive (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  const members = new Map();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(pos) !== 0x02014b50) throw new Error(`${what}: corrupt central directory`);
    const method = buf.readUInt16LE(pos + 10);
    const compSize = buf.readUInt32LE(pos + 20);
    const nameLen = buf.readUInt16LE(pos + 28), extraLen = buf.readUInt16LE(pos + 30);
    const commentLen = buf.readUInt16LE(pos + 32);
    const offset = buf.readUInt32LE(pos + 42);
    const name = buf.toString('utf8', pos + 46, pos + 46 + nameLen);
    members.set(name, {
      read() {
        const start = offset + 30 + buf.readUInt16LE(offset + 26) + buf.readUInt16LE(offset + 28);
        const data = buf.subarray(start, start + compSize);
        if (method === 0) return data;
        if (method === 8) return zlib.inflateRawSync(data);
        throw new Error(`${what}: ${name} uses compression method ${method}`);
      },
    });
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return members;
}

// Email-header fields of a METADATA file: name (lower case) -> [values].
export function parseMetadata(text) {
  const fields = new Map();
  let last = null;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the body (description) follows
    if (/^[ \t]/.test(line) && last) { last.push(last.pop() + '\n' + line.trim()); continue; }
    const m = /^([^:]+):\s?(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    if (!fields.has(key)) fields.set(key, []);
    last = fields.get(key);
    last.push(m[2]);
  }
  return fields;
}

// PEP 508 environment markers, evaluated for the runtime (Emscripten, CPython 3.13).
export const MARKER_ENV = {
  os_name: 'posix', sys_platform: 'emscripten', platform_machine: 'wasm32', platform_system: 'Emscripten',
  platform_release: '3.1.69', platform_version: '', python_version: '3.13', python_full_version: PYTHON,
  implementation_name: 'cpython', implementation_version: PYTHON, platform_python_implementation: 'CPython',
  extra: '',
};

function compareVersions(a, b) {
  const pa = a.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0, y = pb[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

export function evalMarker(marker, env = MARKER_ENV) {
  const tokens = marker.match(/\s*("[^"]*"|'[^']*'|\(|\)|===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b|[A-Za-z_.]+)/g)
    ?.map((t) => t.trim().replace(/\s+/g, ' ')) ?? [];
  let i = 0;
  const value = () => {
    const t = tokens[i++];
    if (/^["']/.test(t)) return t.slice(1, -1);
    if (!(t in env)) throw new Error(`unknown marker variable ${t} in "${marker}"`);
    return env[t];
  };
  const compare = (l, op, r) => {
    const versionish = /^\d+(\.\d+)*$/.test(l) && /^\d+(\.\d+)*/.test(r);
    switch (op) {
      case 'in': return r.includes(l);
      case 'not in': return !r.includes(l);
      case '==': case '===': return versionish ? compareVersions(l, r) === 0 : l === r;
      case '!=': return versionish ? compareVersions(l, r) !== 0 : l !== r;
      case '<': return compareVersions(l, r) < 0;
      case '<=': return compareVersions(l, r) <= 0;
      case '>': return compareVersions(l, r) > 0;
      case '>=': return compareVersions(l, r) >= 0;
      case '~=': return compareVersions(l, r) >= 0 &&
        compareVersions(l.split('.').slice(0, r.split('.').length - 1).join('.'), r.split('.').slice(0, -1).join('.')) === 0;
      default: throw new Error(`bad marker operator ${op} in "${marker}"`);
    }
  };
  const atom = () => {
    if (tokens[i] === '(') { i++; const v = or(); i++; return v; }
    const l = value(), op = tokens[i++], r = value();
    // `extra == "x"` compares normalized names; no extra is requested here.
    return compare(l, op, r);
  };
  const and = () => { let v = atom(); while (tokens[i] === 'and') { i++; v = atom() && v; } return v; };
  const or = () => { let v = and(); while (tokens[i] === 'or') { i++; v = and() || v; } return v; };
  return or();
}

// What a Requires-Dist list makes the runtime need (no extras requested): [{name, specifier}].
export function requirements(requiresDist) {
  const reqs = [];
  for (const req of requiresDist) {
    const [spec, marker] = req.split(';');
    if (marker && !evalMarker(marker.trim())) continue;
    const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*\(?([^)]*)\)?/.exec(spec);
    reqs.push({ name: canonicalName(m[1]), specifier: m[2].trim() });
  }
  return reqs;
}

export const requiredNames = (requiresDist) => requirements(requiresDist).map((r) => r.name);

// Whether `version` satisfies a PEP 440 specifier such as ">=1.1.0,<1.4" (release segments
// compared numerically; enough for choosing among a folder's wheels).
export function satisfies(version, specifier) {
  for (const clause of specifier.split(',').map((c) => c.trim()).filter(Boolean)) {
    const m = /^(===|==|!=|<=|>=|~=|<|>)\s*(.+)$/.exec(clause);
    if (!m) return false;
    const [, op, v] = m;
    if ((op === '==' || op === '!=') && v.endsWith('.*')) {
      const prefix = v.slice(0, -2);
      const same = version === prefix || version.startsWith(prefix + '.');
      if (same !== (op === '==')) return false;
      continue;
    }
    const c = compareVersions(version, v);
    const ok = { '==': c === 0, '===': version === v, '!=': c !== 0, '<=': c <= 0, '>=': c >= 0, '<': c < 0, '>': c > 0,
      '~=': c >= 0 && compareVersions(version.split('.').slice(0, v.split('.').length - 1).join('.'),
        v.split('.').slice(0, -1).join('.')) === 0 }[op];
    if (!ok) return false;
  }
  return true;
}

// Everything the index and the lock file say about one wheel file.
const infoCache = new Map();
export function wheelInfo(file) {
  const st = fs.statSync(file);
  const key = `${file}:${st.size}:${st.mtimeMs}`;
  if (infoCache.has(key)) return infoCache.get(key);
  const buf = fs.readFileSync(file);
  const fileName = path.basename(file);
  const parts = fileName.slice(0, -4).split('-');
  const members = readZip(buf, fileName);
  const distInfo = [...members.keys()].find((n) => /^[^/]+\.dist-info\/METADATA$/.test(n));
  if (!distInfo) throw new Error(`${fileName}: no .dist-info/METADATA`);
  const metadata = members.get(distInfo).read();
  const fields = parseMetadata(metadata.toString('utf8'));
  const dir = distInfo.split('/')[0];
  let imports;
  const topLevel = members.get(`${dir}/top_level.txt`);
  if (topLevel) {
    imports = topLevel.read().toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s && !s.includes('/'));
  } else {
    const set = new Set();
    for (const name of members.keys()) {
      const top = name.split('/');
      if (top[0].endsWith('.dist-info') || top[0].endsWith('.data')) continue;
      if (top.length === 1 && /\.py$/.test(top[0])) set.add(top[0].slice(0, -3));
      else if (top.length === 1 && /\.so$/.test(top[0])) set.add(top[0].split('.')[0]);
      else if (top.length > 1 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(top[0]) && !top[0].endsWith('.libs')) set.add(top[0]);
    }
    imports = [...set];
  }
  const info = {
    fileName,
    name: canonicalName(fields.get('name')?.[0] ?? parts[0]),
    displayName: fields.get('name')?.[0] ?? parts[0],
    version: fields.get('version')?.[0] ?? parts[1],
    tags: parts.slice(-3).join('-'),
    sha256: crypto.createHash('sha256').update(buf).digest('hex'),
    size: buf.length,
    metadata,
    metadataSha256: crypto.createHash('sha256').update(metadata).digest('hex'),
    requiresPython: fields.get('requires-python')?.[0] ?? null,
    requiresDist: fields.get('requires-dist') ?? [],
    imports: imports.sort(),
    sharedLibraries: [...members.keys()].filter((n) => /\.so(\.\d+)*$/.test(n)),
  };
  infoCache.set(key, info);
  return info;
}

export function listWheels(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.whl')).sort().map((f) => wheelInfo(path.join(dir, f)));
}

function newest(infos) {
  return [...infos].sort((a, b) => compareVersions(b.version, a.version))[0];
}

// A pyodide-lock.json for a folder of wheels: for each project one wheel (see below), depending on the
// projects its Requires-Dist names (markers evaluated for the runtime, extras left out). file_name
// is relative to the folder unless `baseUrl` is given.
export function makeLock(dir, { baseUrl = '' } = {}) {
  const byName = new Map();
  for (const info of listWheels(dir)) {
    if (!byName.has(info.name)) byName.set(info.name, []);
    byName.get(info.name).push(info);
  }
  // Each project's newest wheel, unless what the other chosen wheels require rules it out: then
  // the newest that satisfies them all (repeated until nothing changes).
  const chosen = new Map([...byName].map(([name, infos]) => [name, newest(infos)]));
  for (let changed = true, rounds = 0; changed && rounds < 10; rounds++) {
    changed = false;
    for (const [name, infos] of byName) {
      const specs = [...chosen.values()].flatMap((w) => requirements(w.requiresDist))
        .filter((r) => r.name === name).map((r) => r.specifier);
      const fits = infos.filter((w) => specs.every((spec) => satisfies(w.version, spec)));
      const pick = fits.length ? newest(fits) : newest(infos);
      if (pick !== chosen.get(name)) { chosen.set(name, pick); changed = true; }
    }
  }
  const packages = {};
  for (const [name] of [...byName].sort()) {
    const w = chosen.get(name);
    const depends = [...new Set(requiredNames(w.requiresDist))].filter((d) => {
      if (byName.has(d)) return true;
      throw new Error(`${w.fileName} requires ${d}, which ${dir} has no wheel for`);
    });
    packages[name] = {
      name, version: w.version, file_name: baseUrl + w.fileName, install_dir: 'site', sha256: w.sha256,
      package_type: w.sharedLibraries.length && !w.imports.length ? 'shared_library' : 'package',
      imports: w.imports, depends, unvendored_tests: byName.has(`${name}-tests`), shared_library: false,
    };
  }
  return { info: { arch: 'wasm32', platform: PLATFORM, version: '0.1.0', python: PYTHON, abi_version: PLATFORM },
    packages };
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';

// A package index serving the wheels in `dir` (re-read on every request, so files may be added):
//   /simple/ and /simple/<project>/   PEP 503 HTML, or PEP 691 JSON when the Accept header asks
//   /files/<wheel> and /files/<wheel>.metadata   the wheel and its PEP 658 metadata
//   /pypi/<project>/json              the PyPI JSON API
//   anything else from `staticDir` (a folder, or {prefix: folder}), e.g. dist/ for a browser
// onPost(path, body), when given, receives POST requests (a test page's report).
// Resolves to {url, requests (each request's method and path, in order), stats, close()}.
export async function serveIndex({ dir, port = 0, host = '127.0.0.1', staticDir = null, log = null, delayMs = 0, onPost = null } = {}) {
  const requests = [];
  // staticDir: a folder served at /, or {prefix: folder}.
  const statics = Object.entries(typeof staticDir === 'string' ? { '/': staticDir } : staticDir ?? {})
    .map(([prefix, root]) => [prefix.endsWith('/') ? prefix : prefix + '/', path.resolve(root)])
    .sort((a, b) => b[0].length - a[0].length);
  // Requests being answered at once, and the most there were (tests check parallel downloads).
  const stats = { inFlight: 0, maxInFlight: 0 };
  const projects = () => {
    const map = new Map();
    for (const info of listWheels(dir)) {
      if (!map.has(info.name)) map.set(info.name, []);
      map.get(info.name).push(info);
    }
    return map;
  };
  const fileEntry = (w) => ({
    filename: w.fileName, url: `../../files/${w.fileName}`, hashes: { sha256: w.sha256 },
    'requires-python': w.requiresPython, 'core-metadata': { sha256: w.metadataSha256 },
    'dist-info-metadata': { sha256: w.metadataSha256 }, 'data-dist-info-metadata': { sha256: w.metadataSha256 },
    yanked: false, size: w.size,
  });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://index');
    const p = decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/');
    requests.push({ method: req.method, path: p });
    log?.(`${req.method} ${p}`);
    stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
    res.once('close', () => { stats.inFlight--; });
    const headers = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*',
      'access-control-allow-methods': 'GET, HEAD, OPTIONS' };
    const send = (status, type, body) => {
      res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (delayMs && !res.delayed) {
      // Wheels answered after a pause, so that a test sees downloads overlap.
      res.delayed = true;
      setTimeout(() => handle(req, res, url, p, headers, send), delayMs);
      return;
    }
    handle(req, res, url, p, headers, send);
  });
  const handle = (req, res, url, p, headers, send) => {
    try {
      if (req.method === 'OPTIONS') { res.writeHead(204, headers); res.end(); return; }
      if (req.method === 'POST' && onPost) {
        // For tests: a page posts what it saw.
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => { send(200, 'text/plain', 'ok\n'); onPost(p, body); });
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') { send(405, 'text/plain', 'method not allowed\n'); return; }
      const wantsJson = (req.headers.accept ?? '').includes(JSON_TYPE) || url.searchParams.get('format') === JSON_TYPE;
      let m;
      if (p === '/simple/' || p === '/simple') {
        const names = [...projects().keys()];
        if (wantsJson) {
          send(200, JSON_TYPE, JSON.stringify({ meta: { 'api-version': '1.1' }, projects: names.map((name) => ({ name })) }));
        } else {
          send(200, 'text/html', `<!DOCTYPE html>\n<html><body>\n${names.map((n) => `<a href="${esc(n)}/">${esc(n)}</a>`).join('\n')}\n</body></html>\n`);
        }
      } else if ((m = /^\/simple\/([^/]+)\/?$/.exec(p))) {
        const name = canonicalName(m[1]);
        const files = projects().get(name);
        if (!files) { send(404, 'text/plain', `no project ${name}\n`); return; }
        if (m[1] !== name) { res.writeHead(301, { ...headers, location: `/simple/${name}/` }); res.end(); return; }
        if (wantsJson) {
          send(200, JSON_TYPE, JSON.stringify({ meta: { 'api-version': '1.1' }, name,
            versions: [...new Set(files.map((w) => w.version))], files: files.map(fileEntry) }));
        } else {
          const links = files.map((w) => `<a href="../../files/${esc(w.fileName)}#sha256=${w.sha256}"` +
            (w.requiresPython ? ` data-requires-python="${esc(w.requiresPython)}"` : '') +
            ` data-core-metadata="sha256=${w.metadataSha256}" data-dist-info-metadata="sha256=${w.metadataSha256}">${esc(w.fileName)}</a><br/>`);
          send(200, 'text/html', `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1"></head><body>\n<h1>Links for ${esc(name)}</h1>\n${links.join('\n')}\n</body></html>\n`);
        }
      } else if ((m = /^\/files\/([^/]+\.whl)(\.metadata)?$/.exec(p))) {
        const file = path.join(dir, m[1]);
        if (!fs.existsSync(file)) { send(404, 'text/plain', `no file ${m[1]}\n`); return; }
        if (m[2]) send(200, 'text/plain', wheelInfo(file).metadata);
        else send(200, 'application/octet-stream', fs.readFileSync(file));
      } else if ((m = /^\/pypi\/([^/]+)(?:\/([^/]+))?\/json\/?$/.exec(p))) {
        const files = projects().get(canonicalName(m[1]));
        const version = m[2] ?? (files && newest(files).version);
        const chosen = files?.filter((w) => w.version === version);
        if (!chosen?.length) { send(404, 'application/json', JSON.stringify({ message: 'Not Found' })); return; }
        const base = `http://${req.headers.host}/files/`;
        const release = (w) => ({ filename: w.fileName, url: base + w.fileName, digests: { sha256: w.sha256 },
          packagetype: 'bdist_wheel', requires_python: w.requiresPython, yanked: false, size: w.size,
          core_metadata: { sha256: w.metadataSha256 }, data_dist_info_metadata: { sha256: w.metadataSha256 } });
        const releases = {};
        for (const w of files) (releases[w.version] ??= []).push(release(w));
        send(200, 'application/json', JSON.stringify({
          info: { name: chosen[0].displayName, version, requires_dist: chosen[0].requiresDist.length ? chosen[0].requiresDist : null,
            requires_python: chosen[0].requiresPython, yanked: false },
          releases, urls: chosen.map(release),
        }));
      } else if (statics.length) {
        // The longest prefix whose folder has the file.
        const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript',
          '.wasm': 'application/wasm', '.json': 'application/json', '.zip': 'application/zip' };
        for (const [prefix, root] of statics) {
          if (!p.startsWith(prefix)) continue;
          const file = path.join(root, path.normalize(p.slice(prefix.length)).replace(/^(\.\.[/\\])+/, ''));
          if (!file.startsWith(root + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
          send(200, types[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
          return;
        }
        send(404, 'text/plain', 'not found\n');
      } else {
        send(404, 'text/plain', 'not found\n');
      }
    } catch (e) {
      send(500, 'text/plain', `${e.message}\n`);
    }
  };
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, host, resolve); });
  const addr = server.address();
  return {
    url: `http://${host}:${addr.port}`,
    server,
    requests,
    stats,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
