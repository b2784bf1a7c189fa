// Shared set-up of the package tests: the real PyPI wheels of tests/packages/wheels.txt (fetched
// into the cache by tools/fetch-wheels.sh), a folder of them with its pyodide-lock.json, and a
// package index server (src/js/wheel-index.mjs) on loopback serving it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeLock, serveIndex } from '../../src/js/wheel-index.mjs';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CACHE = process.env.SANGAM_CACHE ?? path.join(os.homedir(), '.cache/sangam');
export const WHEELS = path.join(CACHE, 'wheels');

// The pinned file names, checked to be in the cache.
export function pinnedWheels() {
  const lines = fs.readFileSync(path.join(ROOT, 'tests/packages/wheels.txt'), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#'));
  const have = fs.existsSync(WHEELS) ? fs.readdirSync(WHEELS) : [];
  assert.ok(have.length >= lines.length, `the pinned wheels are not all in ${WHEELS}: run tools/fetch-wheels.sh`);
  return have.filter((f) => f.endsWith('.whl'));
}

// A temporary folder holding the pinned wheels (links; `exclude` filters file names out) and the
// lock file sangam-lock writes for it, plus `extra` files copied in.
export function makeRepo({ exclude = () => false, extra = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-repo-'));
  for (const f of pinnedWheels()) if (!exclude(f)) fs.symlinkSync(path.join(WHEELS, f), path.join(dir, f));
  for (const f of extra) fs.copyFileSync(f, path.join(dir, path.basename(f)));
  fs.writeFileSync(path.join(dir, 'pyodide-lock.json'), JSON.stringify(makeLock(dir), null, 2));
  return dir;
}

export const lockOf = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'pyodide-lock.json'), 'utf8'));

// The index serving `dir`, with the folder itself also served as static files (the lock file and
// wheels at /<name>). Closed by the test's after hook.
export async function serve(t, dir, opts = {}) {
  const index = await serveIndex({ dir, staticDir: dir, ...opts });
  t.after(() => index.close());
  return index;
}

export const wheelRequests = (index) => index.requests.filter((r) => r.path.endsWith('.whl')).map((r) => r.path);

export async function load(opts = {}) {
  // SANGAM_DIST: another build to test (default: dist/).
  const { loadPyodide } = await import(path.join(process.env.SANGAM_DIST ?? path.join(ROOT, 'dist'), 'sangam.mjs'));
  // A fresh package cache unless the test names one (the default, in dist/, outlives a test).
  const packageCacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-test-cache-'));
  return loadPyodide({ stdout: () => {}, stderr: () => {}, packageCacheDir, ...opts });
}

export function sitePackages(py) {
  return py.runPython(`
import os, json
top = '/lib/python3.13/site-packages'
json.dumps(sorted(os.path.relpath(os.path.join(d, f), top) for d, _, fs in os.walk(top) for f in fs))`);
}
