// bin/sangam-serve's server (src/js/static-server.mjs): MIME types, the cross-origin isolation
// headers (and their absence with isolate: false), folders' index.html, and paths that try to
// leave the served folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { serveStatic } from '../../src/js/static-server.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

function site() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-serve-'));
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'a.wasm'), Buffer.from([0, 97, 115, 109]));
  fs.writeFileSync(path.join(dir, 'm.mjs'), 'export {};');
  fs.writeFileSync(path.join(dir, 'sub/index.html'), '<p>sub</p>');
  fs.writeFileSync(path.join(path.dirname(dir), 'outside-' + path.basename(dir)), 'secret');
  return dir;
}

// A raw request, so that `..` reaches the server as typed (fetch would normalise it).
function raw(port, target) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.end(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    sock.on('data', (c) => { data += c; });
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
}

test('types, isolation headers, index.html and no way out of the folder', async () => {
  const dir = site();
  const s = await serveStatic({ dir, port: 0 });
  try {
    const wasm = await fetch(s.url + 'a.wasm');
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(wasm.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer())], [0, 97, 115, 109]);
    assert.match((await fetch(s.url + 'm.mjs')).headers.get('content-type'), /^text\/javascript/);
    assert.equal(await (await fetch(s.url + 'sub/')).text(), '<p>sub</p>');
    assert.equal((await fetch(s.url + 'missing.js')).status, 404);
    assert.equal((await fetch(s.url + 'a.wasm', { method: 'POST' })).status, 405);
    const port = new URL(s.url).port;
    for (const target of [`/../outside-${path.basename(dir)}`, `/%2e%2e/outside-${path.basename(dir)}`,
      `/sub/../../outside-${path.basename(dir)}`]) {
      const reply = await raw(port, target);
      assert.doesNotMatch(reply, /secret/, target);
      assert.match(reply, /^HTTP\/1\.1 404/, target);
    }
  } finally {
    await s.close();
  }
  const open = await serveStatic({ dir, port: 0, isolate: false });
  try {
    assert.equal((await fetch(open.url + 'a.wasm')).headers.get('cross-origin-opener-policy'), null);
  } finally {
    await open.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(dir), 'outside-' + path.basename(dir)), { force: true });
  }
});

test('bin/sangam-serve prints its URL and serves dist/ by default', { timeout: 60_000 }, async () => {
  const child = spawn(path.join(ROOT, 'bin/sangam-serve'), ['--port', '0', '--quiet']);
  try {
    const url = await new Promise((resolve, reject) => {
      child.stdout.on('data', (c) => resolve(String(c).trim()));
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const page = await fetch(url + 'console.html');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(await page.text(), /console\/console\.mjs/);
  } finally {
    child.kill();
  }
});
