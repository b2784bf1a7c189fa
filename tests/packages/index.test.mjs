// The package index server (bin/sangam-index, src/js/wheel-index.mjs) and the lock file generator
// (bin/sangam-lock), checked with real clients: pip, fetch, and the schema Pyodide reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evalMarker, requiredNames, requirements, satisfies, readZip } from '../../src/js/wheel-index.mjs';
import { ROOT, WHEELS, pinnedWheels, makeRepo, lockOf, serve } from './fixture.mjs';

const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
const repo = makeRepo();
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

test('the fixture: every pinned wheel is in the cache with the sha256 wheels.txt names', () => {
  const pins = fs.readFileSync(path.join(ROOT, 'tests/packages/wheels.txt'), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => /--hash=sha256:([0-9a-f]{64})$/.exec(l)[1]);
  const have = pinnedWheels().map((f) => sha256(fs.readFileSync(path.join(WHEELS, f))));
  assert.deepEqual([...have].sort(), [...pins].sort());
  assert.ok(new Set(pinnedWheels().map((f) => f.split('-')[0].toLowerCase())).size >= 30);
});

test('PEP 503 HTML: pip downloads from it with the hashes checked', async (t) => {
  const index = await serve(t, repo);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-pip-'));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  // (Not spawnSync: the server answers from this process's event loop.)
  const pip = spawn('pip3', ['download', '--no-deps', '--only-binary=:all:', '--no-cache-dir', '-q',
    '--index-url', `${index.url}/simple/`, '-d', out, 'fsspec==2024.12.0', 'six'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  pip.stderr.on('data', (d) => { stderr += d; });
  const status = await new Promise((resolve) => pip.on('exit', resolve));
  assert.equal(status, 0, stderr);
  assert.deepEqual(fs.readdirSync(out).sort(), ['fsspec-2024.12.0-py3-none-any.whl', 'six-1.17.0-py2.py3-none-any.whl']);
  const html = await (await fetch(`${index.url}/simple/fsspec/`)).text();
  const links = [...html.matchAll(/<a href="([^"]+)"([^>]*)>([^<]+)<\/a>/g)];
  assert.equal(links.length, 4);
  for (const [, href, attrs, name] of links) {
    const file = fs.readFileSync(path.join(repo, name));
    assert.equal(href, `../../files/${name}#sha256=${sha256(file)}`);
    assert.match(attrs, /data-requires-python="&gt;=3\.\d+"/);
    assert.match(attrs, / data-core-metadata="sha256=[0-9a-f]{64}"/);
  }
  const projects = await (await fetch(`${index.url}/simple/`)).text();
  assert.match(projects, /<a href="python-dateutil\/">python-dateutil<\/a>/);
});

test('PEP 691 JSON and PEP 658 metadata; names normalized; CORS everywhere', async (t) => {
  const index = await serve(t, repo);
  const res = await fetch(`${index.url}/simple/fsspec/`, { headers: { accept: JSON_TYPE } });
  assert.equal(res.headers.get('content-type'), JSON_TYPE);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const page = await res.json();
  assert.equal(page.meta['api-version'], '1.1');
  assert.equal(page.name, 'fsspec');
  assert.deepEqual(page.versions.sort(), ['2024.12.0', '2024.6.1', '2025.3.2', '2026.9.0']);
  for (const f of page.files) {
    const wheel = Buffer.from(await (await fetch(new URL(f.url, `${index.url}/simple/fsspec/`))).arrayBuffer());
    assert.equal(sha256(wheel), f.hashes.sha256);
    const metadata = Buffer.from(await (await fetch(new URL(f.url + '.metadata', `${index.url}/simple/fsspec/`))).arrayBuffer());
    assert.equal(sha256(metadata), f['core-metadata'].sha256);
    const inside = readZip(wheel).get([...readZip(wheel).keys()].find((n) => n.endsWith('.dist-info/METADATA'))).read();
    assert.ok(metadata.equals(inside));
  }
  const list = await (await fetch(`${index.url}/simple/`, { headers: { accept: JSON_TYPE } })).json();
  assert.ok(list.projects.some((p) => p.name === 'typing-extensions'));
  // Un-normalized names redirect to the normalized page, which answers.
  const redirected = await fetch(`${index.url}/simple/Typing_Extensions/`, { headers: { accept: JSON_TYPE } });
  assert.equal(redirected.url, `${index.url}/simple/typing-extensions/`);
  assert.equal((await redirected.json()).name, 'typing-extensions');
  assert.equal((await fetch(`${index.url}/simple/no-such-project/`)).status, 404);
  const preflight = await fetch(`${index.url}/simple/six/`, { method: 'OPTIONS' });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
});

test('the PyPI JSON API: releases, digests and requires_dist', async (t) => {
  const index = await serve(t, repo);
  const latest = await (await fetch(`${index.url}/pypi/rich/json`)).json();
  assert.equal(latest.info.name, 'rich');
  assert.ok(latest.info.requires_dist.some((r) => r.startsWith('pygments')));
  assert.equal(latest.urls[0].digests.sha256, lockOf(repo).packages.rich.sha256);
  const fsspec = await (await fetch(`${index.url}/pypi/fsspec/2025.3.2/json`)).json();
  assert.equal(fsspec.info.version, '2025.3.2');
  assert.equal(Object.keys(fsspec.releases).length, 4);
  assert.equal(fsspec.urls[0].filename, 'fsspec-2025.3.2-py3-none-any.whl');
  assert.equal((await fetch(`${index.url}/pypi/fsspec/1.0/json`)).status, 404);
});

test('bin/sangam-index serves a folder until stopped; bad arguments are refused', async () => {
  const child = spawn(path.join(ROOT, 'bin/sangam-index'), [repo, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => resolve(String(d).trim()));
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/simple\/$/);
    assert.match(await (await fetch(`${url}six/`)).text(), /six-1\.17\.0-py2\.py3-none-any\.whl/);
  } finally {
    child.kill();
  }
  const bad = spawnSync(path.join(ROOT, 'bin/sangam-index'), ['--port', 'x'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /usage: sangam-index DIR/);
});

test('sangam-lock writes a pyodide-lock.json whose dependencies close over the folder', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-lock-')), 'lock.json');
  const r = spawnSync(path.join(ROOT, 'bin/sangam-lock'), [repo, '-o', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lock = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.deepEqual(lock.info, { arch: 'wasm32', platform: 'emscripten_3_1_69', version: '0.1.0', python: '3.13.5',
    abi_version: 'emscripten_3_1_69' });
  for (const [key, p] of Object.entries(lock.packages)) {
    assert.equal(key, p.name);
    assert.deepEqual(Object.keys(p).slice(0, 8), ['name', 'version', 'file_name', 'install_dir', 'sha256', 'package_type', 'imports', 'depends']);
    assert.equal(p.sha256, sha256(fs.readFileSync(path.join(repo, p.file_name))));
    for (const d of p.depends) assert.ok(d in lock.packages, `${key} depends on ${d}`);
  }
  assert.equal(lock.packages.fsspec.version, '2026.9.0'); // the newest of the four
  assert.equal(lock.packages.mpmath.version, '1.3.0'); // sympy requires mpmath<1.4
  assert.deepEqual(lock.packages.pytest.depends.sort(), ['iniconfig', 'packaging', 'pluggy', 'pygments']);
  assert.deepEqual(lock.packages.sympy.imports, ['isympy', 'sympy']);
  assert.deepEqual(lock.packages['python-dateutil'].imports, ['dateutil']);
  const missing = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-lock-'));
  fs.symlinkSync(path.join(repo, fs.readdirSync(repo).find((f) => f.startsWith('rich-'))), path.join(missing, 'rich.whl'.replace('rich', fs.readdirSync(repo).find((f) => f.startsWith('rich-')).slice(0, -4))));
  const bad = spawnSync(path.join(ROOT, 'bin/sangam-lock'), [missing], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /rich-.*\.whl requires (markdown-it-py|pygments), which .* has no wheel for/);
});

test('environment markers and Requires-Dist, evaluated for the runtime', () => {
  assert.equal(evalMarker('sys_platform == "emscripten"'), true);
  assert.equal(evalMarker('python_version < "3.11"'), false);
  assert.equal(evalMarker('python_version >= "3.8" and (os_name == "nt" or platform_system == "Emscripten")'), true);
  assert.equal(evalMarker("extra == 'test'"), false);
  assert.equal(evalMarker('python_full_version ~= "3.13.0"'), true);
  assert.equal(evalMarker('"wasm" in platform_machine'), true);
  assert.deepEqual(requiredNames(['typing_extensions>=4; python_version < "3.14"', 'tomli; python_version < "3.11"',
    'pytest; extra == "test"', 'Pygments (>=2.13.0,<3.0.0)']), ['typing-extensions', 'pygments']);
  assert.throws(() => evalMarker('no_such_variable == "x"'), /unknown marker variable no_such_variable/);
  assert.deepEqual(requirements(['mpmath<1.4,>=1.1.0', 'rich[jupyter] (>=10)']),
    [{ name: 'mpmath', specifier: '<1.4,>=1.1.0' }, { name: 'rich', specifier: '>=10' }]);
  assert.equal(satisfies('1.3.0', '<1.4,>=1.1.0'), true);
  assert.equal(satisfies('1.4.1', '<1.4,>=1.1.0'), false);
  assert.equal(satisfies('2024.12.0', '==2024.*'), true);
  assert.equal(satisfies('2.3.1', '~=2.2'), true);
  assert.equal(satisfies('3.0', '~=2.2'), false);
});
