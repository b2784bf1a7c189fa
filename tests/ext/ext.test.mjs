// C and C++ extension modules built out of tree with emcc against dist/include/python3.13, then
// imported inside the runtime. Also: a side module with a missing symbol fails cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSideModule } from './side-module.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const HERE = new URL('.', import.meta.url).pathname;
const build = buildSideModule;

test('C and C++ extensions build out of tree and import', { timeout: 300_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-ext-'));
  build(dir, 'spam', 'spam.c');
  build(dir, 'cppext', 'cppext.cpp', 'em++');
  build(dir, 'broken', 'broken.c');
  fs.copyFileSync(path.join(HERE, 'check_ext.py'), path.join(dir, 'check_ext.py'));
  const r = spawnSync(path.join(ROOT, 'bin/sangam'), ['check_ext.py'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /3 passed, 0 failed/);
});
