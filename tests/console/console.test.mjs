// dist/console.html in Debian's Chromium (puppeteer-core from tests/npm), served by sangam-serve's
// server: typing, results, multi-line blocks, completion, input(), history across a reload, and
// Ctrl-C, both with cross-origin isolation (KeyboardInterrupt, names kept) and without it (the
// worker restarts), and the packages an input imports loaded from the site's lock file first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveStatic } from '../../src/js/static-server.mjs';
import { buildExtWheels } from '../packages/ext-wheel.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
let puppeteer, browser;

before(async () => {
  ({ default: puppeteer } = await import(path.join(ROOT, 'tests/npm/node_modules/puppeteer-core/lib/puppeteer/puppeteer-core.js')));
  browser = await puppeteer.launch({ headless: true, executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});
after(async () => { await browser?.close(); });

async function openConsole(isolate, dir = path.join(ROOT, 'dist')) {
  const server = await serveStatic({ dir, port: 0, isolate });
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + 'console.html');
  const con = {
    page, errors,
    text: () => page.evaluate(() => window.sangamConsole.text()),
    // Waits until the terminal shows `pattern` (a RegExp over its whole text).
    async until(pattern) {
      try {
        await page.waitForFunction((src, flags) => new RegExp(src, flags).test(window.sangamConsole.text()),
          { polling: 100 }, pattern.source, pattern.flags);
      } catch (e) {
        throw new Error(`the console never showed ${pattern}; it shows:\n${await con.text()}\n${errors.join('\n')}`);
      }
    },
    // Waits until the console is in `mode` ('prompt', 'running', 'input').
    async mode(mode) {
      try {
        await page.waitForFunction((m) => window.sangamConsole.mode === m, { polling: 50 }, mode);
      } catch (e) {
        throw new Error(`the console never reached ${mode}; it shows:\n${await con.text()}\n${errors.join('\n')}`);
      }
    },
    prompt: () => con.mode('prompt'),
    async type(keys) { await page.keyboard.type(keys); },
    async enter(line) { await page.keyboard.type(line); await page.keyboard.press('Enter'); },
    async close() { await page.close(); await server.close(); },
  };
  await con.until(/^>>> $/m);
  await page.click('#terminal');
  return con;
}

const count = (text, re) => (text.match(re) ?? []).length;

test('runs lines, blocks and completion, and keeps history across a reload', { timeout: 300_000 }, async () => {
  const con = await openConsole(true);
  try {
    await con.until(/Python 3\.13\.5/);
    await con.enter('x = 6 * 7');
    await con.prompt();
    await con.enter('x');
    await con.until(/^42$/m);
    await con.enter("'a' + 'b'");
    await con.until(/^'ab'$/m);
    await con.enter('1 / 0');
    await con.until(/ZeroDivisionError: division by zero/);
    // A block: the continuation prompt, then a blank line ends it.
    await con.enter('def f(n):');
    await con.until(/^\.\.\. $/m);
    await con.enter('    return n + 1');
    await con.enter('');
    await con.prompt();
    await con.enter('f(x)');
    await con.until(/^43$/m);
    // Tab: a single match completes in place.
    await con.enter('import math');
    await con.prompt();
    await con.type('math.facto');
    await con.page.keyboard.press('Tab');
    await con.page.waitForFunction(() => window.sangamConsole.currentLine() === 'math.factorial(', { polling: 50 });
    await con.enter('5)');
    await con.until(/^120$/m);
    // Tab twice with several matches lists them.
    await con.type('math.is');
    await con.page.keyboard.press('Tab');
    await con.page.keyboard.press('Tab');
    await con.until(/math\.isclose\(.*math\.isfinite\(/);
    await con.page.keyboard.down('Control'); await con.page.keyboard.press('KeyU'); await con.page.keyboard.up('Control');
    // Up recalls the previous line.
    await con.page.keyboard.press('ArrowUp');
    await con.page.waitForFunction(() => window.sangamConsole.currentLine() === 'math.factorial(5)', { polling: 50 });
    // After a reload the history is still there (the names are not).
    await con.page.reload();
    await con.until(/^>>> $/m);
    await con.page.click('#terminal');
    await con.page.keyboard.press('ArrowUp');
    await con.page.waitForFunction(() => window.sangamConsole.currentLine() === 'math.factorial(5)', { polling: 50 });
    assert.deepEqual(con.errors, []);
  } finally {
    await con.close();
  }
});

test('input() reads a line from the terminal; Ctrl-C interrupts and keeps the names', { timeout: 300_000 }, async () => {
  const con = await openConsole(true);
  try {
    await con.enter('name = input("who? ")');
    await con.mode('input');
    await con.enter('ada');
    await con.until(/^who\? ada$/m);
    await con.prompt();
    await con.enter('name.upper()');
    await con.until(/^'ADA'$/m);
    // Ctrl-C at an idle prompt drops the line.
    await con.type('half typed');
    await con.page.keyboard.down('Control'); await con.page.keyboard.press('KeyC'); await con.page.keyboard.up('Control');
    await con.until(/half typed\^C\nKeyboardInterrupt\n>>> $/);
    // Ctrl-C while code runs raises KeyboardInterrupt in it.
    await con.enter('n = 0');
    await con.prompt();
    await con.enter('while True: n += 1');
    await con.enter('');
    await con.mode('running');
    await new Promise((r) => setTimeout(r, 500));
    await con.page.keyboard.down('Control'); await con.page.keyboard.press('KeyC'); await con.page.keyboard.up('Control');
    await con.until(/Traceback[^]*KeyboardInterrupt\n>>> $/);
    await con.enter('n > 0, name');
    await con.until(/^\(True, 'ada'\)$/m);
    // Ctrl-C during input() interrupts the input.
    await con.enter('input()');
    await con.mode('input');
    await con.page.keyboard.down('Control'); await con.page.keyboard.press('KeyC'); await con.page.keyboard.up('Control');
    await con.until(/>>> input\(\)\n\^C\nTraceback[^]*KeyboardInterrupt\n>>> $/);
    assert.equal(count(await con.text(), /^KeyboardInterrupt$/gm), 3);
    assert.deepEqual(con.errors, []);
  } finally {
    await con.close();
  }
});

test('without cross-origin isolation Ctrl-C restarts the interpreter', { timeout: 300_000 }, async () => {
  const con = await openConsole(false);
  try {
    await con.until(/not cross-origin isolated/);
    await con.enter('while True: pass');
    await con.enter('');
    await con.mode('running');
    await con.page.keyboard.down('Control'); await con.page.keyboard.press('KeyC'); await con.page.keyboard.up('Control');
    await con.until(/the interpreter was restarted/);
    await con.prompt();
    await con.enter('input()');
    await con.until(/input\(\) needs a cross-origin isolated page/);
    await con.prompt();
    await con.enter('2 ** 10');
    await con.until(/^1024$/m);
  } finally {
    await con.close();
  }
});

test('the packages an input imports are loaded before it runs', { timeout: 300_000 }, async () => {
  // A site: dist/ plus a wheel with extension modules and its pyodide-lock.json.
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-console-site-'));
  try {
    for (const f of fs.readdirSync(path.join(ROOT, 'dist'))) fs.symlinkSync(path.join(ROOT, 'dist', f), path.join(site, f));
    buildExtWheels(site);
    execFileSync(path.join(ROOT, 'bin/sangam-lock'), [site]);
    const con = await openConsole(true, site);
    try {
      await con.enter('import spam; spam.sorted_longs([3, 1, 2])');
      await con.until(/^\[1, 2, 3\]$/m);
      assert.deepEqual(con.errors, []);
    } finally {
      await con.close();
    }
  } finally {
    fs.rmSync(site, { recursive: true, force: true });
  }
});
