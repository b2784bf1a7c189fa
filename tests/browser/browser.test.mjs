// The same dist/ artefacts in a real browser: headless Chromium loads a page from a loopback
// HTTP server; the page runs Python through the public API and posts its results back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.zip': 'application/zip' };

function serve(onResult) {
  return http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/result') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { res.end('ok'); onResult(JSON.parse(body)); });
      return;
    }
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1);
    const file = path.join(ROOT, rel);
    if (!/^(dist|tests\/browser)\//.test(rel) || rel.includes('..') || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
}

test('runs in headless Chromium', { timeout: 120_000 }, async (t) => {
  let gotResult;
  const result = new Promise((resolve) => { gotResult = resolve; });
  const server = serve(gotResult);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/tests/browser/page.html`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-chromium-'));
  const chromium = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', `--user-data-dir=${profile}`, url], { stdio: 'ignore', detached: true });
  try {
    let timer;
    const report = await Promise.race([result, new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('no result from the page')), 100_000);
    })]).finally(() => clearTimeout(timer));
    for (const [name, r] of Object.entries(report)) assert.ok(r.ok, `${name}: ${r.error}`);
    assert.equal(report.arithmetic.value, 3);
    assert.equal(report.platform.value, 'emscripten 3.13.5');
    assert.equal(report.bigint.value, String(2n ** 70n));
    assert.deepEqual(report.print.value, ['hello from the browser']);
    assert.deepEqual(report.optional.value, ['ModuleNotFoundError: true', '/lib/python313-optional.zip/xmlrpc/client.pyc']);
    assert.equal(report.stdlib.value, '[42, "2d711642", "5:30:00"]');
    assert.equal(report.error.value, 'PythonError ZeroDivisionError');
    assert.equal(report.recursion.value, 'RecursionError');
    assert.equal(report.fs.value, 'from js');
    assert.deepEqual(report.dom.value, [2, 'click', 'BUTTON']);
    assert.deepEqual(report.asyncio.value, [[1, 2, 3], true, 200, true]);
    assert.deepEqual(report.pyproxy.value, ['[1, 2]', true, 'undefined', 'dict']);
    t.diagnostic(`loadPyodide in Chromium took ${report.load.value} ms`);
  } finally {
    // Chromium runs in a process group of its own: end it with all its helper processes.
    const exited = new Promise((resolve) => chromium.on('exit', resolve));
    try { process.kill(-chromium.pid, 'SIGKILL'); } catch {}
    await exited;
    server.close();
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
});
