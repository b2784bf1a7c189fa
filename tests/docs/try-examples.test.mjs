// sangam_sphinx's try_examples on a docs site of networkx's own numpydoc docstrings (networkx's
// PyPI wheel, pinned in tests/packages/wheels.txt), built with the pinned Sphinx and numpydoc and
// driven in Debian's Chromium with playwright-core: the Try button, doctest verdicts and their
// differences, +SKIP / +ELLIPSIS / NORMALIZE_WHITESPACE / <BLANKLINE>, _repr_html_, editing with
// Shift-Enter, the page's shared namespace and Reset, networkx loaded from the examples' imports,
// Stop (KeyboardInterrupt when cross-origin isolated; a restarted interpreter from
// `python -m http.server`), every request to the site's own origin, and the size note. Prints the
// payload the extension adds and the time from click to first result, cold and warm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { serveStatic } from '../../src/js/static-server.mjs';
import { makeLock } from '../../src/js/wheel-index.mjs';
import { WHEELS } from '../packages/fixture.mjs';
import { ROOT, docsPython, sphinxBuild, launchChromium, driver } from './site.mjs';

let site, packages, browser;
const networkx = () => {
  const f = fs.readdirSync(WHEELS).find((n) => /^networkx-3\.7-py3-none-any\.whl$/.test(n));
  assert.ok(f, `no networkx wheel in ${WHEELS}: run tools/fetch-wheels.sh`);
  return path.join(WHEELS, f);
};

before(async () => {
  packages = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-docs-wheels-'));
  fs.symlinkSync(networkx(), path.join(packages, path.basename(networkx())));
  fs.writeFileSync(path.join(packages, 'pyodide-lock.json'), JSON.stringify(makeLock(packages), null, 2));
  site = sphinxBuild(path.join(ROOT, 'tests/docs/networkx'), { NETWORKX_WHEEL: networkx(), SANGAM_PACKAGES: packages });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  for (const d of [site, packages]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const read = (f) => fs.readFileSync(path.join(site, f), 'utf8');

test('the site carries the runtime, the wheel and its lock; Examples sections get try_examples', () => {
  for (const f of ['sangam.mjs', 'sangam.asm.wasm', 'python_stdlib.zip', 'worker.mjs', 'runner.py', 'channel.mjs',
    'pyodide-lock.json', path.basename(networkx())]) {
    assert.ok(fs.existsSync(path.join(site, '_sangam', f)), `_sangam/${f}`);
  }
  // global_enable_try_examples wrapped numpydoc's Examples sections (shortest_path's; on the classic
  // page complete_graph's, path_graph has none), with the global button text and the size of what
  // the first run downloads.
  assert.equal(read('paths.html').match(/class="sangam-try-examples/g).length, 1);
  assert.equal(read('classic.html').match(/class="sangam-try-examples/g).length, 1);
  assert.match(read('paths.html'), /<button type="button" class="sangam-try">Try it in your browser!<\/button>/);
  assert.match(read('paths.html'), /The first run downloads [\d.]+ MB \(Python [\d.]+ MB, networkx [\d.]+ MB\)/);
  // `.. plot::` content is kept (as a block the examples can run; no plot_directive here).
  assert.equal(read('classic.html').match(/class="sangam-plot-source/g).length, 2);
  assert.match(read('classic.html'), /<textarea class="sangam-doctest" hidden>&gt;&gt;&gt; nx.draw\(nx.complete_graph\(5\)\)<\/textarea>/);
  // The page script only on pages that have examples.
  assert.doesNotMatch(read('genindex.html'), /sangam_try_examples/);
  // The payload the extension adds, beside the runtime and wheels.
  const payload = ['_static/sangam_try_examples.mjs', '_static/sangam_try_examples.css', '_sangam/worker.mjs',
    '_sangam/runner.py', '_sangam/channel.mjs'].map((f) => [f, fs.statSync(path.join(site, f)).size]);
  const total = payload.reduce((n, [, s]) => n + s, 0);
  console.log(`# try_examples payload: ${total} bytes (${payload.map(([f, s]) => `${path.basename(f)} ${s}`).join(', ')})`);
  const runtime = fs.readdirSync(path.join(site, '_sangam')).filter((f) => /\.(mjs|wasm|zip)$/.test(f))
    .filter((f) => !['worker.mjs', 'channel.mjs'].includes(f))
    .reduce((n, f) => n + fs.statSync(path.join(site, '_sangam', f)).size, 0);
  console.log(`# runtime files it serves: ${runtime} bytes`);
});

async function open(server, file, context) {
  const page = await context.newPage();
  page.setDefaultTimeout(180_000);
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url + file);
  await page.waitForFunction(() => window.sangamTryExamples !== undefined);
  return { d: driver(page), errors, requests };
}

test('cross-origin isolated: run, verdicts, edit, shared state, interrupt, reset', { timeout: 600_000 }, async () => {
  const server = await serveStatic({ dir: site, port: 0, isolate: true });
  const context = await browser.newContext();
  try {
    // networkx's own example: its import comes from the preamble; the wheel from the site.
    const { d, errors, requests } = await open(server, 'paths.html', context);
    await d.tryIt(0);
    const first = await d.results(0);
    assert.deepEqual(first.slice(0, 2).map((r) => [r.verdict, r.got]),
      [['match', ''], ['match', '[0, 1, 2, 3, 4]\n']]);
    assert.ok(first.every((r) => r.verdict === 'match'), JSON.stringify(first));
    assert.match(await d.summary(0), /^all \d+ match the documentation$/);
    // Editing a cell and Shift-Enter; the names of the page's earlier cells are there.
    await d.edit(0, '>>> nx.shortest_path(G, 0, 2)\n[0, 1, 2]\n>>> len(p)\n4');
    assert.deepEqual((await d.results(0)).map((r) => r.verdict), ['match', 'differs']);
    assert.match((await d.results(0))[1].difference, /^Expected:\n {4}4\nGot:\n {4}5\n$/);
    assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith('data:')), requests.join('\n'));
    assert.ok(requests.some((u) => u.endsWith('.whl')), 'networkx was loaded');
    assert.deepEqual(errors, []);
    await d.page.close();

    // The hand-written section: doctest's options, a difference, _repr_html_, and the loop.
    const idx = await open(server, 'index.html', context);
    const x = idx.d;
    await x.tryIt(0, { wait: false });
    // Its last cell is an endless loop: wait until it runs, then Stop.
    await x.page.waitForFunction(() => document.querySelectorAll(".sangam-example").length >= 10, null, { polling: 100 });
    await new Promise((r) => setTimeout(r, 300));
    await x.page.locator('.sangam-stop').click();
    await x.idle();
    const [a, b, c] = [await x.results(0), await x.results(1), await x.results(2)];
    assert.deepEqual(a.map((r) => r.verdict), ['match', 'match']);
    assert.deepEqual(b.map((r) => [r.source, r.verdict]), [
      ['>>> len(numbers)', 'differs'], ['>>> print("a   b")  # doctest: +NORMALIZE_WHITESPACE', 'match'],
      ['>>> print(list(range(30)))  # doctest: +ELLIPSIS', 'match'], ['>>> print("x\\n\\ny")', 'match'],
      ['>>> undefined_name  # doctest: +SKIP', 'skipped'], ['>>> class Table:', 'match'],
      ['>>> Table()  # doctest: +ELLIPSIS', 'match']].map(([s, v]) => [s.replace(/^>>> /, ''), v]));
    assert.match(b[0].difference, /^Expected:\n {4}4\nGot:\n {4}3\n$/);
    assert.match(await x.summary(1), /^1 of 6 differ from the documentation$/);
    assert.equal(b[6].html, "<table class=\"t\"><tbody><tr><td>1</td></tr></tbody></table>");
    assert.equal(c[0].verdict, 'match');
    assert.equal(c[1].verdict, 'error');
    assert.match(c[1].got, /KeyboardInterrupt/);
    // The interrupted loop's names are kept; later cells see them.
    await x.edit(2, '>>> total > 0, sorted(numbers)\n(True, [1, 2, 3])');
    assert.deepEqual((await x.results(2)).map((r) => r.verdict), ['match']);
    // Plain code (no prompts) runs too, its last expression shown.
    await x.edit(2, 'y = len(numbers)\ny * 10');
    assert.deepEqual((await x.results(2)).map((r) => [r.verdict, r.got]), [['ran', '30\n']]);
    // Reset empties the namespace (and runs the preamble again).
    await x.page.locator('.sangam-reset').click();
    await x.edit(2, '>>> total\nTraceback (most recent call last):\nNameError: name \'total\' is not defined\n>>> nx.__name__\n\'networkx\'');
    assert.deepEqual((await x.results(2)).map((r) => r.verdict), ['match', 'match']);
    // A parse error of doctest's is reported and the interpreter goes on.
    await x.edit(2, '>>>1');
    await x.edit(2, '>>> 6 * 7\n42');
    assert.deepEqual((await x.results(2)).map((r) => r.verdict), ['match']);
    // Dark mode: the verdict colours follow the colour scheme.
    const ok = () => x.page.locator('.sangam-try-examples').first().evaluate((e) => getComputedStyle(e).getPropertyValue('--sangam-ok'));
    await x.page.emulateMedia({ colorScheme: 'light' });
    const light = await ok();
    await x.page.emulateMedia({ colorScheme: 'dark' });
    assert.notEqual(await ok(), light);
    assert.deepEqual(idx.errors, []);
  } finally {
    await context.close();
    await server.close();
  }
});

test('try_examples.json ignore_patterns keeps a page static', { timeout: 120_000 }, async () => {
  const server = await serveStatic({ dir: site, port: 0 });
  const context = await browser.newContext();
  try {
    const { d } = await open(server, 'ignored.html', context);
    assert.equal(await d.sections().count(), 1);
    assert.equal(await d.page.locator('.sangam-toolbar').isHidden(), true);
  } finally {
    await context.close();
    await server.close();
  }
});

// Python's own static server: no isolation headers, so Stop restarts the interpreter.
async function httpServer(dir) {
  const proc = spawn(docsPython(), ['-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    proc.stdout.on('data', (c) => {
      text += c;
      const m = text.match(/port (\d+)/);
      if (m) resolve(`http://127.0.0.1:${m[1]}/`);
    });
    proc.on('exit', (code) => reject(new Error(`http.server exited ${code}`)));
  });
  return { url, close: () => proc.kill() };
}

test('from python -m http.server: Stop restarts the interpreter; cold and warm first results', { timeout: 600_000 }, async () => {
  const server = await httpServer(site);
  try {
    const timings = [];
    const context = await browser.newContext();
    for (const round of ['cold', 'warm']) {
      const { d, errors } = await open(server, 'paths.html', context);
      await d.tryIt(0);
      const t = await d.page.evaluate(() => window.sangamTryExamples.timings);
      timings.push(`${round} ${Math.round(t.firstResult - t.click)} ms (interpreter and networkx ready at ${Math.round(t.ready - t.click)} ms)`);
      assert.ok((await d.results(0)).every((r) => r.verdict === 'match'));
      if (round === 'warm') {
        // Once the interpreter is up: Shift-Enter in the cell to its first result.
        const ms = await d.page.evaluate(async () => {
          const t = performance.now();
          document.querySelector('.sangam-cell-box textarea').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true }));
          await new Promise((resolve) => {
            const poll = setInterval(() => {
              if (document.querySelector('.sangam-cell-box .sangam-example')) { clearInterval(poll); resolve(); }
            }, 2);
          });
          return performance.now() - t;
        });
        timings.push(`rerun with the interpreter up ${Math.round(ms)} ms`);
        await d.idle();
      }
      assert.deepEqual(errors, []);
      await d.page.close();
    }
    console.log(`# click to first result (networkx's shortest_path, python -m http.server; cold: a new browser ` +
      `context, warm: the same one again, from its HTTP cache): ${timings.join(', ')}`);

    const { d, errors } = await open(server, 'index.html', context);
    await d.tryIt(0, { wait: false });
    await d.page.waitForFunction(() => document.querySelectorAll(".sangam-example").length >= 10, null, { polling: 100 });
    assert.match(await d.status(), /Not cross-origin isolated/);
    await d.page.locator('.sangam-stop').click();
    await d.idle();
    assert.match(await d.cells().nth(2).locator('.sangam-error').textContent(), /the interpreter was restarted/);
    await d.edit(2, '>>> \'numbers\' in dir()\nFalse\n>>> 2 ** 10\n1024');
    assert.deepEqual((await d.results(2)).map((r) => r.verdict), ['match', 'match']);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    server.close();
  }
});

test('sangam_sphinx builds as a wheel with its static files', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-sphinx-wheel-'));
  try {
    execFileSync(docsPython(), ['-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '--disable-pip-version-check',
      '-w', out, path.join(ROOT, 'sphinxext')], { stdio: ['ignore', 'inherit', 'inherit'] });
    const wheel = fs.readdirSync(out).find((f) => f.endsWith('.whl'));
    assert.match(wheel, /^sangam_sphinx-0\.1\.0-py3-none-any\.whl$/);
    const names = execFileSync(docsPython(), ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
      path.join(out, wheel)], { encoding: 'utf8' });
    for (const f of ['sangam_sphinx/__init__.py', 'sangam_sphinx/static/page/sangam_try_examples.mjs',
      'sangam_sphinx/static/worker/worker.mjs', 'sangam_sphinx/static/worker/runner.py']) {
      assert.ok(names.split('\n').includes(f), f);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
