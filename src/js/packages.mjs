// Packages from a lock file (Pyodide's pyodide-lock.json schema): loadPackage,
// loadPackagesFromImports and loadedPackages. Resolves the dependency closure from the lock file,
// downloads the wheels in parallel (a few at a time), checks each one's sha256 (in Node too), caches
// downloads in Node under packageCacheDir keyed by sha256, and installs the whole batch through the
// one installer (src/py/pyodide/_package_loader.py -> _sangam_install), all or nothing.
import { IN_NODE, OPTIONAL_PACKAGE, OPTIONAL_ZIP, runtimeFileURL } from './runtime.mjs';
import { openWheel, openWheelSync, useNode, writeEntries } from './wheel-reader.mjs';

const PARALLEL_DOWNLOADS = 6;
// Packages the runtime ships in its standard library: loadPackage of one that the lock file does
// not list has nothing to do (Pyodide's documented `await pyodide.loadPackage("micropip")`).
const BUILT_IN = new Set(['micropip', 'packaging']);
export const DEFAULT_CHANNEL = 'default channel';

const canonicalName = (name) => name.replace(/[-_.]+/g, '-').toLowerCase();
const hasScheme = (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);
const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

// An absolute URL for a URL or (in Node) a file path; `dir` keeps a trailing slash.
async function toURL(s, { dir = false } = {}) {
  let url;
  if (hasScheme(s)) url = s;
  else if (IN_NODE) {
    const { pathToFileURL } = await import('node:url');
    const path = await import('node:path');
    url = pathToFileURL(path.resolve(s)).href;
  } else url = new URL(s, globalThis.location?.href).href;
  if (dir && !url.endsWith('/')) url += '/';
  return url;
}

async function sha256(bytes) {
  if (IN_NODE) {
    const { createHash } = await import('node:crypto');
    return createHash('sha256').update(bytes).digest('hex');
  }
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

async function fetchBytes(url, init) {
  if (IN_NODE && url.startsWith('file:')) {
    const { readFile } = await import('node:fs/promises');
    try {
      return new Uint8Array(await readFile(new URL(url)));
    } catch (e) {
      throw new Error(`cannot read ${url}: ${e.code ?? e.message}`);
    }
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new Error(`cannot fetch ${url}: ${e.cause?.message ?? e.message}`);
  }
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Reads the lock file from the options: lockFileContents (JSON text or an object, or a promise of
// either), else lockFileURL, else indexURL's pyodide-lock.json when there is one.
async function readLock(options, indexURL) {
  let contents = await options.lockFileContents;
  let lockURL = null;
  if (contents === undefined || contents === null) {
    if (options.lockFileURL !== undefined) {
      lockURL = await toURL(options.lockFileURL);
      contents = new TextDecoder().decode(await fetchBytes(lockURL).catch((e) => {
        throw new Error(`sangam: lockFileURL: ${e.message}`);
      }));
    } else {
      lockURL = indexURL + 'pyodide-lock.json';
      try {
        contents = new TextDecoder().decode(await fetchBytes(lockURL));
      } catch {
        contents = { info: {}, packages: {} }; // dist/ without a lock file: no packages
      }
    }
  }
  let lock;
  try {
    lock = typeof contents === 'string' ? JSON.parse(contents) : contents;
  } catch (e) {
    throw new Error(`sangam: the lock file is not valid JSON: ${e.message}`);
  }
  if (typeof lock !== 'object' || lock === null || typeof (lock.packages ?? {}) !== 'object') {
    throw new Error('sangam: the lock file has no "packages" object');
  }
  lock.info ??= {};
  lock.packages ??= {};
  const python = lock.info.python;
  if (python && !/^3\.13(\.|$)/.test(python)) {
    throw new Error(`sangam: the lock file is for Python ${python}; this runtime is Python 3.13`);
  }
  for (const [key, entry] of Object.entries(lock.packages)) {
    for (const field of ['name', 'version', 'file_name']) {
      if (typeof entry?.[field] !== 'string') throw new Error(`sangam: lock file package ${key}: no "${field}"`);
    }
  }
  return { lock, lockURL };
}

// Creates the package manager for one runtime. `api` is the object loadPyodide resolves to (for
// runPython and pyimport), `options` loadPyodide's options.
export async function createPackages(api, options, indexURL) {
  if (IN_NODE) await useNode();
  const optionalURL = runtimeFileURL(options.indexURL === undefined ? undefined : indexURL, 'python_stdlib_optional.zip');
  const { lock, lockURL } = await readLock(options, indexURL);
  const baseURL = options.packageBaseUrl !== undefined
    ? await toURL(options.packageBaseUrl, { dir: true })
    : lockURL ? new URL('.', lockURL).href : indexURL;
  let cacheDir = null;
  if (IN_NODE) {
    if (options.packageCacheDir) cacheDir = options.packageCacheDir;
    else if (indexURL.startsWith('file:')) {
      const { fileURLToPath } = await import('node:url');
      cacheDir = fileURLToPath(indexURL + 'package-cache/');
    }
  }
  // Lock file entries by canonical name (a lock file's keys are already canonical in Pyodide's).
  const entries = new Map();
  for (const [key, entry] of Object.entries(lock.packages)) entries.set(canonicalName(entry.name ?? key), entry);
  const importToPackage = new Map();
  for (const [name, entry] of entries) for (const imp of entry.imports ?? []) if (!importToPackage.has(imp)) importToPackage.set(imp, name);

  // The optional standard library's top-level modules (tools/stdlib_zip.py), for loadPackagesFromImports.
  let index = null, modules = null;
  try {
    index = api.pyimport('_sangam_optional_index');
    modules = index.MODULES;
    for (const name of modules) if (!importToPackage.has(name)) importToPackage.set(name, OPTIONAL_PACKAGE);
  } catch {
    // (a zip made without --optional has no index: everything is in it)
  } finally {
    modules?.destroy();
    index?.destroy();
  }

  const loader = api.pyimport('pyodide._package_loader');
  try {
    loader.set_lock(JSON.stringify(lock), baseURL);
  } catch (e) {
    loader.destroy();
    throw e;
  }
  // loadedPackages reads the Python dict both loadPackage and micropip record into.
  const loadedDict = loader.loaded;
  const loadedPackages = new Proxy({}, {
    get: (_, k) => (typeof k === 'string' ? loadedDict.get(k) : undefined),
    has: (_, k) => typeof k === 'string' && loadedDict.has(k),
    set: (_, k, v) => { loadedDict.set(k, String(v)); return true; },
    deleteProperty: (_, k) => { if (loadedDict.has(k)) loadedDict.delete(k); return true; },
    ownKeys: () => Array.from(loadedDict),
    getOwnPropertyDescriptor: (_, k) => (typeof k === 'string' && loadedDict.has(k)
      ? { value: loadedDict.get(k), enumerable: true, configurable: true, writable: true } : undefined),
  });

  // Wheel bytes from Node's cache `dir` (checked against their sha256) or the network (then
  // cached): {bytes, sha256}, sha256 the hex digest when it was computed on the way (else null).
  async function download(url, expected, fileName, message, init, dir = cacheDir) {
    const fs = dir && expected && !url.startsWith('file:') ? await import('node:fs/promises') : null;
    let cached = null;
    if (fs) {
      const path = await import('node:path');
      cached = path.join(dir, `${expected}-${fileName.split('/').pop()}`);
      const bytes = await fs.readFile(cached).catch(() => null);
      if (bytes) {
        const got = await sha256(bytes);
        if (got === expected) return { bytes: new Uint8Array(bytes), sha256: got };
        message(`Refusing the cached ${cached}: its sha256 is ${got}, the lock file says ${expected}; downloading it again`);
        await fs.rm(cached, { force: true });
      }
    }
    const bytes = await fetchBytes(url, init);
    const got = fs ? await sha256(bytes) : null;
    if (fs && got === expected) {
      await fs.mkdir(dir, { recursive: true });
      const tmp = `${cached}.${process.pid}.part`;
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, cached);
    }
    return { bytes, sha256: got };
  }

  // Runs `jobs` (functions returning promises) at most `limit` at a time; settles them all.
  async function parallel(jobs, limit) {
    const results = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        try {
          results[i] = { ok: true, value: await jobs[i]() };
        } catch (error) {
          results[i] = { ok: false, error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
    return results;
  }

  // What to load for `names`: [{name, fileName, url, sha256, channel, entry}] plus failures.
  async function plan(names) {
    const todo = [];
    const failures = [];
    const seen = new Set();
    const visit = (name, chain) => {
      const key = canonicalName(name);
      if (seen.has(key)) return;
      seen.add(key);
      const entry = entries.get(key);
      if (!entry && BUILT_IN.has(key)) return;
      if (!entry) {
        failures.push({ name, reason: chain.length
          ? `no such package in the lock file (required by ${chain.join(' -> ')})`
          : 'no such package in the lock file' });
        return;
      }
      for (const dep of entry.depends ?? []) visit(dep, [...chain, key]);
      if (key in loadedPackages) return;
      todo.push({ name: key, version: entry.version, fileName: entry.file_name, entry,
        url: hasScheme(entry.file_name) ? entry.file_name : new URL(entry.file_name, baseURL).href,
        sha256: entry.sha256 ?? null, channel: DEFAULT_CHANNEL, packageType: entry.package_type ?? 'package' });
    };
    for (const name of names) {
      if (typeof name !== 'string' || !name) {
        failures.push({ name: String(name), reason: 'a package name or a wheel URL must be a non-empty string' });
      } else if (name.endsWith('.whl') || name.includes('/') || hasScheme(name)) {
        const url = await toURL(name);
        const fileName = decodeURIComponent(new URL(url).pathname.split('/').pop());
        const m = /^([^-]+)-([^-]+)-.*\.whl$/.exec(fileName);
        if (!m) { failures.push({ name, reason: `${fileName} is not a wheel file name (name-version-tags.whl)` }); continue; }
        const key = canonicalName(m[1]);
        if (seen.has(key)) continue;
        seen.add(key);
        if (loadedPackages[key] === url) continue;
        todo.push({ name: key, version: m[2], fileName, url, sha256: null, channel: url, packageType: 'package' });
      } else {
        visit(name, []);
      }
    }
    return { todo, failures };
  }

  async function load(names, { messageCallback, errorCallback, checkIntegrity = true } = {}) {
    const message = messageCallback ?? ((m) => console.log(m));
    if (typeof names === 'string') names = [names];
    else if (names && typeof names[Symbol.iterator] === 'function' && typeof names !== 'string') names = Array.from(names);
    else throw new TypeError('loadPackage expects a package name, a wheel URL or an array of them');
    const optional = names.some((n) => typeof n === 'string' && canonicalName(n) === OPTIONAL_PACKAGE);
    names = names.filter((n) => typeof n !== 'string' || canonicalName(n) !== OPTIONAL_PACKAGE);
    const { todo, failures } = await plan(names);
    // The optional standard library is a zip beside the stdlib's, not a wheel (in Node it is in
    // place from the start).
    if (optional && !api.FS.analyzePath(OPTIONAL_ZIP).exists && !failures.length) {
      message(`Loading ${OPTIONAL_PACKAGE}`);
      try {
        api._runtime.stdlib.addOptional(await fetchBytes(optionalURL));
        message(`Loaded ${OPTIONAL_PACKAGE}`);
        if (!todo.length) return [{ name: OPTIONAL_PACKAGE, version: '', fileName: 'python_stdlib_optional.zip', packageType: 'stdlib' }];
      } catch (e) {
        failures.push({ name: OPTIONAL_PACKAGE, reason: e.message });
      }
    }
    const asked = new Set(names.map((n) => (typeof n === 'string' && !/[/:]|\.whl$/.test(n) ? canonicalName(n) : null)));
    for (const p of todo) if (p.channel !== DEFAULT_CHANNEL) asked.add(p.name);
    if (todo.length && !failures.length) {
      message(`Loading ${todo.map((p) => p.name).join(', ')}`);
      const results = await parallel(todo.map((p) => async () => {
        const got = await download(p.url, checkIntegrity ? p.sha256 : null, p.fileName.split('/').pop(), message);
        const { bytes } = got;
        // The wheel's sha256, computed once: for the integrity check, and for a wheel by URL its
        // record (PEP 610 direct_url.json).
        const needHash = (checkIntegrity && p.sha256) || p.channel !== DEFAULT_CHANNEL;
        const digest = got.sha256 ?? (needHash ? await sha256(bytes) : null);
        if (checkIntegrity && p.sha256 && digest !== p.sha256) {
          throw new Error(`integrity check failed for ${p.url}: its sha256 is ${digest}, the lock file says ${p.sha256}`);
        }
        const hash = p.channel === DEFAULT_CHANNEL ? null : digest;
        // A wheel is read (inflated, CRC-checked, hashed) here, in parallel with the downloads;
        // the installer checks the result. (undefined: one left to Python's zipfile.)
        const archive = p.fileName.endsWith('.whl') ? await openWheel(bytes, digest) : undefined;
        return { bytes: archive ?? bytes, hash };
      }), PARALLEL_DOWNLOADS);
      results.forEach((r, i) => { if (!r.ok) failures.push({ name: todo[i].name, reason: r.error.message }); });
      if (!failures.length) {
        const batch = todo.map((p, i) => ({
          name: p.name, channel: p.channel, file_name: p.fileName.split('/').pop(), data: results[i].value.bytes,
          requested: asked.has(p.name), package_type: p.packageType,
          sha256: checkIntegrity ? p.sha256 : null,
          direct_url: p.channel === DEFAULT_CHANNEL ? null : JSON.stringify({ url: p.url,
            archive_info: { hash: `sha256=${results[i].value.hash}`, hashes: { sha256: results[i].value.hash } } }),
        }));
        let installed;
        try {
          installed = JSON.parse(loader.install(batch));
        } catch (e) {
          const text = String(e?.message ?? e);
          const last = text.trim().split('\n').pop();
          const culprit = todo.find((p) => last.includes(p.fileName.split('/').pop())) ?? null;
          failures.push({ name: culprit ? culprit.name : todo.map((p) => p.name).join(', '), reason: last });
        }
        if (installed) {
          await afterInstall(installed);
          message(`Loaded ${todo.map((p) => p.name).join(', ')}`);
          return todo.map((p) => ({ name: p.name, version: p.version, fileName: p.fileName.split('/').pop(),
            packageType: p.packageType }));
        }
      }
    }
    if (!failures.length) {
      message('No new packages to load');
      return [];
    }
    const lines = failures.map((f) => `${f.name}: ${f.reason}`);
    if (errorCallback) {
      for (const line of lines) errorCallback(line);
      return [];
    }
    const error = new Error(`loadPackage: nothing was installed; ${failures.length === 1 ? 'a package' : `${failures.length} packages`} failed:\n  ${lines.join('\n  ')}`);
    error.failures = failures;
    throw error;
  }

  // Extension modules of a freshly installed batch are compiled now, off the import path (a
  // browser refuses synchronous compilation of large modules on the main thread); they are
  // instantiated only when imported.
  async function afterInstall(installed) {
    const precompile = api._module.SangamDynload?.precompile;
    if (!precompile) return;
    const paths = installed.flatMap((r) => r.shared_libraries ?? []);
    await Promise.all(paths.map((p) => precompile(p).catch(() => {}))); // dlopen reports errors itself
  }

  // What the installer (src/py/_sangam_install.py) and micropip reach as pyodide_js._wheels:
  // the JS wheel reader, and downloads through Node's package cache when loadPyodide was given a
  // packageCacheDir (micropip's own downloads are not cached otherwise, as in Pyodide).
  const FS = api._module.FS;
  const wheels = {
    open: (bytes) => openWheelSync(bytes),
    write: (archive, plan) => writeEntries(FS, archive, plan),
    // The wheel at `url`, from the cache when it holds one with this sha256 (a tampered cached
    // file is refused and downloaded again), read for the installer; its sha256 is checked by the
    // installer. `credentials`: fetch()'s option, or undefined.
    async fetch(url, expected, credentials) {
      const fileName = decodeURIComponent(new URL(url).pathname.split('/').pop());
      const { bytes, sha256: digest } = await download(url, expected || null, fileName, () => {},
        credentials ? { credentials } : undefined, IN_NODE ? options.packageCacheDir ?? null : null);
      return (fileName.endsWith('.whl') ? await openWheel(bytes, digest) : undefined) ?? bytes;
    },
  };

  // One loadPackage at a time, as in Pyodide: a second call waits for the first.
  let queue = Promise.resolve();
  function loadPackage(names, opts) {
    const run = queue.then(() => load(names, opts));
    queue = run.catch(() => {});
    return run;
  }

  async function loadPackagesFromImports(code, opts) {
    if (typeof code !== 'string') throw new TypeError('loadPackagesFromImports expects a string of Python code');
    const codeModule = api.pyimport('pyodide.code');
    let imports;
    try {
      const found = codeModule.find_imports(code);
      imports = found.toJs();
      found.destroy();
    } finally {
      codeModule.destroy();
    }
    const names = [...new Set(imports.map((imp) => importToPackage.get(imp.split('.')[0])).filter(Boolean))];
    if (!names.length) return [];
    return loadPackage(names, opts);
  }

  return {
    lock,
    loadedPackages,
    loadPackage,
    loadPackagesFromImports,
    wheels,
    destroy() { loadedDict.destroy(); loader.destroy(); },
  };
}
