// sangam's own documentation site (docs/, what `make docs` builds into dist/docs/): it builds with
// no warnings, and its examples run in Chromium: the front page's match what the page shows, and
// the try_examples page's deliberate mismatch is reported with doctest's difference.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '../../src/js/static-server.mjs';
import { ROOT, sphinxBuild, launchChromium, driver } from './site.mjs';

let site, browser;
before(async () => {
  site = sphinxBuild(path.join(ROOT, 'docs'));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

test('the site has its pages, each section of examples with a Try button', () => {
  for (const page of ['index', 'getting-started', 'js-api', 'python-api', 'packages', 'building-packages',
    'differences', 'try-examples']) {
    const html = fs.readFileSync(path.join(site, `${page}.html`), 'utf8');
    assert.match(html, /class="sangam-try"/, page);
  }
});

test('its examples run in the page and are checked', { timeout: 300_000 }, async () => {
  const server = await serveStatic({ dir: site, port: 0 });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(180_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url + 'index.html');
    await page.waitForFunction(() => window.sangamTryExamples !== undefined);
    const d = driver(page);
    await d.tryIt(0);
    assert.deepEqual((await d.results(0)).map((r) => [r.verdict, r.got]),
      [['match', ''], ['match', "'emscripten'\n"], ['match', '(3, 13, 5)\n']]);

    await page.goto(server.url + 'try-examples.html');
    await page.waitForFunction(() => window.sangamTryExamples !== undefined);
    await d.tryIt(0);
    await d.tryIt(1);
    assert.deepEqual((await d.results(1)).map((r) => r.verdict), ['match', 'differs']);
    assert.match((await d.results(1))[1].difference, /Expected:\n {4}56\nGot:\n {4}55/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
});
