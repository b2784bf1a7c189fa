// Wheels with extension modules through loadPackage: compiled asynchronously once installed,
// instantiated only when imported; a .so that cannot load is an ImportError saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeLock } from '../../src/js/wheel-index.mjs';
import { buildExtWheels } from './ext-wheel.mjs';
import { serve, load } from './fixture.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-extrepo-'));
buildExtWheels(dir);
fs.writeFileSync(path.join(dir, 'pyodide-lock.json'), JSON.stringify(makeLock(dir)));
const quiet = { messageCallback: () => {} };

test('a wheel with two extension modules: both compiled at install, only the imported one instantiated', async (t) => {
  const index = await serve(t, dir);
  const py = await load({ lockFileURL: `${index.url}/pyodide-lock.json` });
  const stats = () => ({ ...py._module.SangamDynload.stats });
  const before = stats();
  const got = await py.loadPackage('sangam-ext-demo', quiet);
  assert.deepEqual(got.map((p) => p.fileName), ['sangam_ext_demo-1.0-cp313-cp313-emscripten_3_1_69_wasm32.whl']);
  const installed = stats();
  assert.equal(installed.compiled - before.compiled, 2);
  assert.equal(installed.instantiated - before.instantiated, 0);
  assert.deepEqual(py.runPython('import spam; spam.sorted_longs([5, -1, 3, 2**40])').toJs(), [-1, 3, 5, 2 ** 40]);
  const imported = stats();
  assert.equal(imported.instantiated - installed.instantiated, 1);
  assert.equal(imported.fromPrecompiled - installed.fromPrecompiled, 1);
  assert.match(py.runPython('import spam; spam.__file__'), /^\/lib\/python3\.13\/site-packages\/spam\.cpython-313-wasm32-emscripten\.so$/);
  assert.equal(py.runPython('import cppext; cppext.parse("42")'), 42);
  assert.equal(stats().instantiated - installed.instantiated, 2);
  t.diagnostic(`instantiated at install: ${installed.instantiated - before.instantiated} of ${installed.compiled - before.compiled} .so files`);
});

test('an extension module with an undefined symbol is an ImportError naming it; the runtime goes on', async (t) => {
  const index = await serve(t, dir);
  const py = await load({ lockFileURL: `${index.url}/pyodide-lock.json` });
  await py.loadPackage(['sangam-ext-broken', 'sangam-ext-demo'], quiet);
  for (let i = 0; i < 2; i++) {
    assert.match(py.runPython(`
try:
    import broken
    r = "imported"
except ImportError as e:
    r = str(e)
r`), /broken\.cpython-313-wasm32-emscripten\.so: undefined symbol: \w+/);
  }
  assert.equal(py.runPython('import spam; len(spam.sorted_longs([2, 1]))'), 2);
});
