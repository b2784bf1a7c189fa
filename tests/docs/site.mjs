// Shared set-up of tests/docs: the docs venv (tools/docs-venv.sh: Sphinx and numpydoc pinned in
// sphinxext/requirements.txt), a Sphinx build with sangam_sphinx, and Chromium through playwright-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export const ROOT = new URL('../../', import.meta.url).pathname;
// SANGAM_DIST: another build to test (default: dist/).
export const DIST = process.env.SANGAM_DIST ?? path.join(ROOT, 'dist');

let python = null;
export function docsPython() {
  python ??= execFileSync(path.join(ROOT, 'tools/docs-venv.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return python;
}

// sphinx-build SRC into a new temporary folder (returned); `env` adds variables (SANGAM_PACKAGES...).
export function sphinxBuild(src, env = {}) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-docs-'));
  execFileSync(docsPython(), ['-m', 'sphinx', '-q', '-W', '--keep-going', '-b', 'html', src, out],
    { env: { ...process.env, SANGAM_DIST: DIST, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  return out;
}

export async function launchChromium() {
  const { chromium } = await import(path.join(ROOT, 'tests/docs/node_modules/playwright-core/index.mjs'));
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}

// A page driver for try_examples: sections by index, cells by index within the page.
export function driver(page) {
  const d = {
    page,
    sections: () => page.locator('.sangam-try-examples'),
    cells: () => page.locator('.sangam-cell-box'),
    // Clicks section i's Try button; resolves once every cell it started has finished.
    async tryIt(i = 0, { wait = true } = {}) {
      await d.sections().nth(i).locator('.sangam-try').click();
      if (wait) await d.idle();
    },
    idle: () => page.waitForFunction(() => !window.sangamTryExamples.busy, null, { timeout: 180_000, polling: 100 }),
    // [{verdict, source, got, difference}] of cell i's examples.
    results: (i) => d.cells().nth(i).locator('.sangam-example').evaluateAll((items) => items.map((e) => ({
      verdict: e.dataset.verdict,
      source: e.querySelector('.sangam-source').textContent,
      got: e.querySelector('.sangam-got')?.textContent ?? '',
      difference: e.querySelector('.sangam-diff')?.textContent ?? '',
      html: e.querySelector('.sangam-html')?.innerHTML ?? '',
    }))),
    summary: (i) => d.cells().nth(i).locator('.sangam-verdict').textContent(),
    // Replaces cell i's text and runs it with Shift-Enter.
    async edit(i, text, { wait = true } = {}) {
      const area = d.cells().nth(i).locator('textarea');
      await area.fill(text);
      await area.press('Shift+Enter');
      if (wait) await d.idle();
    },
    status: () => page.locator('.sangam-status').first().textContent(),
  };
  return d;
}
