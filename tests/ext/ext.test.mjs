// C and C++ extension modules built out of tree with emcc against dist/include/python3.13, then
// imported inside the runtime. Also: a side module with a missing symbol fails cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const HERE = new URL('.', import.meta.url).pathname;
const EM_ENV = /EM_ENV := (.*)/.exec(fs.readFileSync(path.join(ROOT, 'build/paths.mk'), 'utf8'))[1];
const INCLUDE = path.join(ROOT, 'dist/include/python3.13');
// The flags sysconfig reports for this platform: what a package build would use.
const CFLAGS = '-O2 -fPIC -fwasm-exceptions -sSUPPORT_LONGJMP=wasm';
const LDSHARED = 'emcc -shared -sSIDE_MODULE=1 -sWASM_BIGINT -fwasm-exceptions -sSUPPORT_LONGJMP=wasm';
const SUFFIX = '.cpython-313-wasm32-emscripten.so';

function sh(cmd, cwd) {
  return execFileSync('bash', ['-c', `source ${EM_ENV} && ${cmd}`], { cwd, encoding: 'utf8', stdio: 'pipe' });
}

function build(dir, name, source, compiler = 'emcc') {
  sh(`${compiler} ${CFLAGS} -I${INCLUDE} -c ${path.join(HERE, source)} -o ${name}.o`, dir);
  const link = compiler === 'em++' ? LDSHARED.replace(/^emcc/, 'em++') : LDSHARED;
  sh(`${link} ${name}.o -o ${name}${SUFFIX}`, dir);
}

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
