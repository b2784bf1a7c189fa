// loadPackage in headless Chromium: the page (packages.html) loads dist/ and a lock file from
// sangam's own index server on loopback, real PyPI wheels and a wheel with extension modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeLock, serveIndex } from '../../src/js/wheel-index.mjs';
import { buildExtWheels } from '../packages/ext-wheel.mjs';
import { buildLibsWheel } from '../packages/dynlib-wheels.mjs';
import { makeRepo } from '../packages/fixture.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

test('loadPackage and micropip in headless Chromium: a lock file, integrity, an extension module, the index, freeze', { timeout: 180_000 }, async (t) => {
  const repo = makeRepo();
  buildExtWheels(repo);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-dynlib-build-'));
  buildLibsWheel(repo, work);
  fs.rmSync(work, { recursive: true, force: true });
  fs.writeFileSync(path.join(repo, 'pyodide-lock.json'), JSON.stringify(makeLock(repo)));
  let gotResult;
  const result = new Promise((resolve) => { gotResult = resolve; });
  const index = await serveIndex({ dir: repo, staticDir: { '/dist/': path.join(ROOT, 'dist'),
    '/tests/browser/': path.join(ROOT, 'tests/browser'), '/repo/': repo },
  onPost: (p, body) => { if (p === '/result') gotResult(JSON.parse(body)); } });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-chromium-'));
  const chromium = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', `--user-data-dir=${profile}`, `${index.url}/tests/browser/packages.html`],
  { stdio: 'ignore', detached: true });
  try {
    let timer;
    const report = await Promise.race([result, new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('no result from the page')), 150_000);
    })]).finally(() => clearTimeout(timer));
    for (const [name, r] of Object.entries(report)) assert.ok(r.ok, `${name}: ${r.error}`);
    assert.match(report.hint.value, /The package 'networkx' provides it but is not loaded/);
    assert.deepEqual(report.loadPackage.value, ['markdown-it-py', 'mdurl', 'networkx', 'pygments', 'rich']);
    assert.equal(report.networkx.value, '[1, 2, 3]');
    assert.match(report.integrity.value, /six: integrity check failed .*the lock file says 0{64}/);
    assert.deepEqual(report.extension.value, { value: [1, 2, 3], compiled: 2, instantiatedAtInstall: 0,
      instantiatedByImport: 1, fromPrecompiled: 1 });
    assert.equal(report.cpp.value, 42);
    assert.equal(report.dynlibs.value, 111);
    const mp = report.micropip.value;
    for (const name of ['python-dateutil', 'rich', 'six', 'pygments', 'markdown-it-py', 'mdurl']) {
      assert.ok(mp.installed.map((n) => n.toLowerCase()).includes(name), `micropip.list() has ${name}: ${mp.installed}`);
      assert.ok(mp.loaded.includes(name), `the frozen lock file loads ${name}: ${mp.loaded}`);
    }
    assert.equal(mp.parsed, '2026-12-01T22:00:00');
  } finally {
    const exited = new Promise((resolve) => chromium.on('exit', resolve));
    try { process.kill(-chromium.pid, 'SIGKILL'); } catch {}
    await exited;
    await index.close();
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    fs.rmSync(repo, { recursive: true, force: true });
  }
});
