// The packed npm package (tools/npm-pack.sh) in a fresh project: installed from its tarball with
// `npm install ./sangam-<v>.tgz`, then imported as `sangam` (ESM, CommonJS and TypeScript) and run
// by every JS runtime on this machine: Node, Deno and Bun (pinned in package-lock.json here), and
// Debian's Chromium (page and Web Worker) and Firefox ESR, driven by puppeteer-core (CDP for
// Chromium, WebDriver BiDi for Firefox) on a page served from loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildExtWheels } from '../packages/ext-wheel.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const HERE = new URL('.', import.meta.url).pathname;
const VERSION = /^VERSION := (.*)$/m.exec(fs.readFileSync(path.join(ROOT, 'Makefile'), 'utf8'))[1];
const DENO = path.join(HERE, 'node_modules/@deno/linux-x64-glibc/deno');
const BUN = path.join(HERE, 'node_modules/@oven/bun-linux-x64/bin/bun');
const TSC = path.join(ROOT, 'tests/js/node_modules/typescript/bin/tsc');
const EXPECTED = { sum: 3, version: '3.13.5', jsCallsPy: 42, pyCallsJs: 42, stdlib: '{"h": "ba7816bf"}',
  asyncio: 6, extension: [1, 2, 3] };

let project, wheelURL, tarball;

before(() => {
  tarball = execFileSync(path.join(ROOT, 'tools/npm-pack.sh'), [VERSION], { encoding: 'utf8' }).trim();
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-npm-'));
  fs.writeFileSync(path.join(project, 'package.json'),
    JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', tarball],
    { cwd: project, stdio: 'pipe' });
  for (const f of ['smoke.mjs', 'smoke-core.mjs', 'smoke-worker.mjs', 'page.html', 'vite-main.mjs']) {
    fs.copyFileSync(path.join(HERE, f), path.join(project, f));
  }
  const wheels = path.join(project, 'wheels');
  fs.mkdirSync(wheels);
  wheelURL = pathToFileURL(buildExtWheels(wheels).demo).href;
});

after(() => { if (project) fs.rmSync(project, { recursive: true, force: true }); });

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: project, encoding: 'utf8', timeout: 240_000,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
  return { ...r, all: `${r.stdout}\n${r.stderr}` };
}

function smoke(cmd, args) {
  const r = run(cmd, [...args, 'smoke.mjs', wheelURL]);
  assert.equal(r.status, 0, r.all);
  const line = r.stdout.split('\n').find((l) => l.startsWith('SMOKE '));
  assert.ok(line, r.all);
  assert.deepEqual(JSON.parse(line.slice(6)), EXPECTED);
}

test('the tarball holds the runtime and nothing of the build', () => {
  const listed = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
  assert.deepEqual(listed, ['README.md', 'package.json', 'packages.mjs', 'posix.mjs', 'python_stdlib.zip',
    'python_stdlib_optional.zip', 'runtime.mjs', 'sangam.asm.mjs', 'sangam.asm.wasm', 'sangam.cjs', 'sangam.d.cts', 'sangam.d.mts',
    'sangam.mjs', 'sangam.snapshot', 'snapshot.mjs', 'streams.mjs', 'wheel-reader.mjs'].map((f) => `package/${f}`));
  const pkg = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/sangam/package.json'), 'utf8'));
  assert.equal(pkg.version, VERSION);
  assert.equal(pkg.exports['.'].import.default, './sangam.mjs');
  assert.equal(pkg.exports['.'].require.default, './sangam.cjs');
});

test('Node: import { loadPyodide } from "sangam"', { timeout: 300_000 }, () => smoke(process.execPath, []));

test('Node: require("sangam") from CommonJS', { timeout: 300_000 }, () => {
  fs.writeFileSync(path.join(project, 'app.cjs'), `
const { loadPyodide, version, PythonError } = require('sangam');
loadPyodide().then((py) => {
  let caught;
  try { py.runPython('1 / 0'); } catch (e) { caught = e; }
  console.log('CJS', version, py.runPython('sum(range(10))'), caught instanceof PythonError,
    new Error('x') instanceof PythonError);
});
`);
  const r = run(process.execPath, ['app.cjs']);
  assert.equal(r.status, 0, r.all);
  assert.match(r.stdout, new RegExp(`^CJS ${VERSION.replace(/\./g, '\\.')} 45 true false$`, 'm'));
});

test('TypeScript resolves the types for import and require', { timeout: 300_000 }, () => {
  fs.writeFileSync(path.join(project, 'esm.mts'), `
import { loadPyodide, type PyodideAPI } from 'sangam';
const py: PyodideAPI = await loadPyodide({ indexURL: '.' });
const n: number = py.runPython('1');
export { n };
`);
  fs.writeFileSync(path.join(project, 'cjs.cts'), `
import sangam = require('sangam');
export const p: Promise<unknown> = sangam.loadPyodide();
`);
  const r = run(process.execPath, [TSC, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022',
    '--skipLibCheck', 'false', 'esm.mts', 'cjs.cts']);
  assert.equal(r.status, 0, r.all);
});

test('Deno runs the package from node_modules', { timeout: 300_000 }, () => smoke(DENO, ['run', '-A']));

test('Bun runs the package', { timeout: 300_000 }, () => smoke(BUN, ['run']));

// A static server for the fresh project, as a page's own site would serve it.
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.zip': 'application/zip', '.whl': 'application/zip' };
async function serveProject() {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1);
    const file = path.join(project, rel);
    if (rel.includes('..') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function inBrowser(launchOptions, query, page_ = 'page.html') {
  const { default: puppeteer } = await import('puppeteer-core');
  const server = await serveProject();
  const browser = await puppeteer.launch({ headless: true, ...launchOptions });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const wheel = page_ === 'page.html' ? path.relative(project, new URL(wheelURL).pathname)
      : path.basename(new URL(wheelURL).pathname);
    await page.goto(`http://127.0.0.1:${server.address().port}/${page_}?wheel=${wheel}${query}`);
    await page.waitForFunction('window.smokeResult !== undefined', { timeout: 240_000, polling: 200 });
    const result = await page.evaluate(() => window.smokeResult);
    assert.deepEqual(result, EXPECTED, errors.join('\n'));
  } finally {
    await browser.close();
    server.close();
  }
}

const CHROMIUM = { executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] };
const FIREFOX = { browser: 'firefox', executablePath: '/usr/bin/firefox-esr' };

test('Chromium: a page without a bundler', { timeout: 300_000 }, () => inBrowser(CHROMIUM, ''));
test('Chromium: a module Web Worker', { timeout: 300_000 }, () => inBrowser(CHROMIUM, '&worker'));
test('Firefox ESR: a page without a bundler', { timeout: 300_000 }, () => inBrowser(FIREFOX, ''));
test('Firefox ESR: a module Web Worker', { timeout: 300_000 }, () => inBrowser(FIREFOX, '&worker'));

test('Vite bundles the package into an app that runs in Chromium', { timeout: 300_000 }, async () => {
  fs.writeFileSync(path.join(project, 'index.html'),
    '<!doctype html><meta charset="utf-8"><script type="module" src="./vite-main.mjs"></script>\n');
  const pub = path.join(project, 'public/wheels');
  fs.mkdirSync(pub, { recursive: true });
  fs.copyFileSync(new URL(wheelURL), path.join(pub, path.basename(new URL(wheelURL).pathname)));
  const r = run(process.execPath, [path.join(HERE, 'node_modules/vite/bin/vite.js'), 'build',
    '--outDir', 'app', '--base', './', '--logLevel', 'error']);
  assert.equal(r.status, 0, r.all);
  const assets = fs.readdirSync(path.join(project, 'app/assets'));
  assert.ok(assets.some((f) => /^sangam\.asm-.*\.wasm$/.test(f)), `wasm not emitted: ${assets}`);
  assert.ok(assets.some((f) => /^python_stdlib-.*\.zip$/.test(f)), `stdlib zip not emitted: ${assets}`);
  await inBrowser(CHROMIUM, '', 'app/index.html');
});
