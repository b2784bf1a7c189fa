// sangam's own documentation site (docs/, what `make docs` builds into dist/docs/): it builds with
// no warnings, and its examples run in Chromium: every one matches what its page shows, but for the
// try_examples page's deliberate mismatch, reported with doctest's difference.
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

const PAGES = ['index', 'getting-started', 'js-api', 'python-api', 'packages', 'building-packages', 'differences',
  'try-examples'];

test('the site has its pages, each with a section of examples', () => {
  for (const page of PAGES) {
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

    // Every example of every page (names carry over between a page's sections).
    for (const name of PAGES.filter((p) => p !== 'index')) {
      await page.goto(server.url + `${name}.html`);
      await page.waitForFunction(() => window.sangamTryExamples !== undefined);
      const sections = await d.sections().count();
      for (let i = 0; i < sections; i++) await d.tryIt(i);
      const cells = await d.cells().count();
      for (let i = 0; i < cells; i++) {
        const results = await d.results(i);
        assert.ok(results.length > 0, `${name}: cell ${i} ran nothing`);
        const deliberate = name === 'try-examples' && i === 1;
        for (const r of results.slice(0, deliberate ? 1 : undefined)) {
          assert.equal(r.verdict, 'match', `${name}, cell ${i}: ${r.source}\n${r.got}\n${r.difference}`);
        }
        if (deliberate) assert.match(results[1].difference, /Expected:\n {4}56\nGot:\n {4}55/);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
});
