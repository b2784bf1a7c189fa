// loadPackage, loadPackagesFromImports, loadedPackages and the lock file options of loadPyodide,
// with real PyPI wheels served over HTTP on loopback by sangam's own index server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeRepo, lockOf, serve, wheelRequests, load, sitePackages } from './fixture.mjs';

const repo = makeRepo();
const quiet = { messageCallback: () => {} };

test('loadPackage installs the dependency closure from lockFileURL, and rich renders a table', async (t) => {
  const index = await serve(t, repo);
  const py = await load({ lockFileURL: `${index.url}/pyodide-lock.json` });
  const messages = [];
  const got = await py.loadPackage('rich', { messageCallback: (m) => messages.push(m) });
  assert.deepEqual(got.map((p) => p.name).sort(), ['markdown-it-py', 'mdurl', 'pygments', 'rich']);
  assert.ok(got.every((p) => p.fileName.endsWith('.whl') && p.packageType === 'package' && p.version));
  assert.deepEqual({ ...py.loadedPackages }, Object.fromEntries(
    ['markdown-it-py', 'mdurl', 'pygments', 'rich'].map((n) => [n, 'default channel'])));
  assert.match(messages[0], /^Loading .*rich/);
  assert.match(messages.at(-1), /^Loaded .*rich/);
  assert.equal(wheelRequests(index).length, 4);
  const table = py.runPython(`
import io
from rich.console import Console
from rich.table import Table
table = Table(title="Planets")
table.add_column("name")
table.add_column("moons", justify="right")
table.add_row("Earth", "1")
table.add_row("Mars", "2")
out = io.StringIO()
Console(file=out, width=40, color_system=None).print(table)
out.getvalue()`);
  assert.match(table, /Planets/);
  assert.match(table, /│ Earth │\s+1 │/);
  // Installed the way pip would: importlib.metadata sees it, INSTALLER says who.
  assert.equal(py.runPython(`import importlib.metadata as m; m.version('rich') + ' ' + m.distribution('rich').read_text('INSTALLER').strip()`),
    `${lockOf(repo).packages.rich.version} sangam`);
  // Only what was asked for is REQUESTED (PEP 376); its dependencies are not.
  assert.deepEqual(py.runPython(`[m.distribution(n).read_text('REQUESTED') is not None for n in ('rich', 'pygments')]`).toJs(), [true, false]);
  // Loading it again does nothing.
  assert.deepEqual(await py.loadPackage(['rich', 'pygments'], quiet), []);
  assert.equal(wheelRequests(index).length, 4);
});

test('downloads run in parallel, a few at a time', async (t) => {
  const index = await serve(t, repo, { delayMs: 30 });
  const py = await load({ lockFileURL: `${index.url}/pyodide-lock.json` });
  const got = await py.loadPackage(['pytest', 'requests', 'sympy'], quiet);
  assert.equal(got.length, 12);
  assert.equal(wheelRequests(index).length, 12);
  assert.ok(index.stats.maxInFlight > 1, `downloads did not overlap (${index.stats.maxInFlight} at once)`);
  assert.ok(index.stats.maxInFlight <= 6, `${index.stats.maxInFlight} downloads at once, more than the cap`);
  assert.equal(py.runPython(`
import sympy
x = sympy.Symbol('x')
str(sympy.integrate(x * sympy.cos(x), x))`), 'x*sin(x) + cos(x)');
});

test('a sha256 that differs from the lock file: a clear error, nothing installed', async (t) => {
  const index = await serve(t, repo);
  const lock = lockOf(repo);
  lock.packages.mpmath.sha256 = '0'.repeat(64);
  const py = await load({ lockFileContents: JSON.stringify(lock), packageBaseUrl: `${index.url}/` });
  const before = sitePackages(py);
  await assert.rejects(py.loadPackage('sympy', quiet), (e) => {
    assert.match(e.message, /nothing was installed/);
    assert.match(e.message, /mpmath: integrity check failed .*mpmath-.*\.whl: its sha256 is [0-9a-f]{64}, the lock file says 0{64}/);
    return true;
  });
  assert.equal(sitePackages(py), before);
  assert.deepEqual({ ...py.loadedPackages }, {});
  assert.throws(() => py.runPython('import sympy'), /ModuleNotFoundError/);
  // checkIntegrity: false skips the check (the wheel itself is intact).
  await py.loadPackage('sympy', { ...quiet, checkIntegrity: false });
  assert.equal(py.runPython('import sympy; sympy.sqrt(8).__str__()'), '2*sqrt(2)');
});

test('Node caches downloads under packageCacheDir by sha256: no request the second time; a tampered file is refused', async (t) => {
  const index = await serve(t, repo);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-pkgcache-'));
  t.after(() => fs.rmSync(cache, { recursive: true, force: true }));
  const opts = { lockFileURL: `${index.url}/pyodide-lock.json`, packageCacheDir: cache };
  const first = await load(opts);
  await first.loadPackage('networkx', quiet);
  assert.equal(wheelRequests(index).length, 1);
  const sha = lockOf(repo).packages.networkx.sha256;
  const cached = fs.readdirSync(cache);
  assert.equal(cached.length, 1);
  assert.ok(cached[0].startsWith(`${sha}-networkx-`), cached[0]);

  const second = await load(opts);
  await second.loadPackage('networkx', quiet);
  assert.equal(wheelRequests(index).length, 1, 'the second load made a request');
  assert.deepEqual(second.runPython(`
import networkx as nx
g = nx.Graph([(1, 2), (2, 3), (3, 4), (1, 5), (5, 4)])
nx.shortest_path(g, 1, 4)`).toJs(), [1, 5, 4]);

  // Tampered with: refused (said so), downloaded again, and the cache repaired.
  const file = path.join(cache, cached[0]);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 100] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const third = await load(opts);
  const messages = [];
  await third.loadPackage('networkx', { messageCallback: (m) => messages.push(m) });
  assert.equal(wheelRequests(index).length, 2);
  assert.ok(messages.some((m) => /Refusing the cached .*networkx.*its sha256 is [0-9a-f]{64}, the lock file says/.test(m)), messages.join('\n'));
  assert.equal(third.runPython('import networkx; networkx.__name__'), 'networkx');
  assert.equal(fs.readFileSync(file).equals(fs.readFileSync(path.join(repo, cached[0].slice(65)))), true);
});

test('a failure goes to errorCallback when given, otherwise the promise rejects naming each package', async (t) => {
  const index = await serve(t, repo);
  const lock = lockOf(repo);
  lock.packages.click.file_name = 'no-such-file-1.0-py3-none-any.whl';
  lock.packages.tqdm.depends = ['left-pad'];
  const py = await load({ lockFileContents: lock, packageBaseUrl: `${index.url}/` });
  const errors = [];
  assert.deepEqual(await py.loadPackage(['six', 'nonexistent', 'tqdm'], { ...quiet, errorCallback: (m) => errors.push(m) }), []);
  assert.deepEqual(errors, [
    'nonexistent: no such package in the lock file',
    'left-pad: no such package in the lock file (required by tqdm)',
  ]);
  assert.deepEqual({ ...py.loadedPackages }, {});
  await assert.rejects(py.loadPackage(['click', 'six'], quiet), (e) => {
    assert.match(e.message, /^loadPackage: nothing was installed; a package failed:\n {2}click: cannot fetch http:\/\/127\.0\.0\.1:\d+\/no-such-file-1\.0-py3-none-any\.whl: HTTP 404$/);
    assert.deepEqual(e.failures.map((f) => f.name), ['click']);
    return true;
  });
  assert.throws(() => py.runPython('import six'), /ModuleNotFoundError/);
  await assert.rejects(py.loadPackage(42, quiet), TypeError);
  // The runtime goes on.
  await py.loadPackage('six', quiet);
  assert.equal(py.runPython('import six; six.PY3'), true);
});

test('a wheel the installer refuses: its message, nothing installed', async (t) => {
  const src = path.join(repo, fs.readdirSync(repo).find((f) => f.startsWith('six-')));
  const dir = makeRepo();
  const bad = 'six-1.17.0-cp312-cp312-manylinux_2_17_x86_64.whl';
  fs.copyFileSync(src, path.join(dir, bad));
  const lock = lockOf(repo);
  lock.packages.six.file_name = bad;
  const index = await serve(t, dir);
  const py = await load({ lockFileContents: lock, packageBaseUrl: `${index.url}/` });
  const before = sitePackages(py);
  await assert.rejects(py.loadPackage(['tzdata', 'six'], quiet), (e) => {
    assert.match(e.message, /nothing was installed/);
    assert.match(e.message, /six.*cp312-cp312-manylinux_2_17_x86_64/);
    return true;
  });
  assert.equal(sitePackages(py), before);
});

test('loadPackagesFromImports loads what the code imports; beautifulsoup4 parses a page', async (t) => {
  const index = await serve(t, repo);
  const py = await load({ lockFileURL: `${index.url}/pyodide-lock.json` });
  const code = 'import bs4\nfrom dateutil import parser\nimport json, os.path\nimport not_in_the_lock';
  const got = await py.loadPackagesFromImports(code, quiet);
  assert.deepEqual(got.map((p) => p.name).sort(),
    ['beautifulsoup4', 'python-dateutil', 'soupsieve', 'typing-extensions', 'tzdata']);
  assert.deepEqual(py.runPython(`
from bs4 import BeautifulSoup
soup = BeautifulSoup('<html><body><p class="a">one</p><p>two <b>three</b></p></body></html>', 'html.parser')
[p.get_text() for p in soup.select('p')] + [soup.select_one('p.a').name]`).toJs(), ['one', 'two three', 'p']);
  assert.deepEqual(await py.loadPackagesFromImports('import bs4', quiet), []);
});

test('importing a package the lock file knows but nobody loaded says how to load it', async (t) => {
  const index = await serve(t, repo);
  const py = await load({ lockFileURL: `${index.url}/pyodide-lock.json` });
  const message = py.runPython(`
try:
    import sympy
except ModuleNotFoundError as e:
    result = f"{e.name}: {e}"
result`);
  assert.match(message, /^sympy: No module named 'sympy'\. The package 'sympy' provides it but is not loaded: load it with `await pyodide\.loadPackage\('sympy'\)`/);
  assert.match(py.runPython(`
try:
    import dateutil.parser
except ModuleNotFoundError as e:
    result = str(e)
result`), /package 'python-dateutil' provides it/);
  // Unknown names keep Python's own message.
  assert.throws(() => py.runPython('import surely_not_a_module'), /No module named 'surely_not_a_module'\n?$/);
  await py.loadPackage('sympy', quiet);
  assert.equal(py.runPython('import sympy; type(sympy.pi).__name__'), 'Pi');
});

test('loadPackage of a wheel URL, and loadPyodide({packages})', async (t) => {
  const index = await serve(t, repo);
  const six = fs.readdirSync(repo).find((f) => f.startsWith('six-'));
  const py = await load({ lockFileContents: '{"info": {}, "packages": {}}' });
  const url = `${index.url}/files/${six}`;
  const got = await py.loadPackage(url, quiet);
  assert.deepEqual(got.map((p) => p.name), ['six']);
  assert.equal(py.loadedPackages.six, url);
  assert.equal(py.runPython(`import json, importlib.metadata as m; json.loads(m.distribution('six').read_text('direct_url.json'))['url']`), url);

  const withPackages = await load({ lockFileURL: `${index.url}/pyodide-lock.json`, packages: ['attrs', 'toolz'] });
  assert.deepEqual(Object.keys(withPackages.loadedPackages).sort(), ['attrs', 'toolz']);
  assert.equal(withPackages.runPython('import attrs, toolz; toolz.compose(len, str)(12345)'), 5);
});

test('bad lock files are refused with a clear error', async () => {
  await assert.rejects(load({ lockFileContents: '{not json' }), /the lock file is not valid JSON/);
  await assert.rejects(load({ lockFileContents: { info: { python: '3.12.7' }, packages: {} } }), /lock file is for Python 3\.12\.7/);
  await assert.rejects(load({ lockFileContents: { packages: { x: { name: 'x' } } } }), /package x: no "version"/);
  await assert.rejects(load({ lockFileURL: '/no/such/pyodide-lock.json' }), /lockFileURL: cannot read/);
});
