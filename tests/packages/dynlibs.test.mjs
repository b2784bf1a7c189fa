// Dependencies between .so files, found in the runtime's file system: a wheel's own `.libs` folder,
// a module's run-time path ($ORIGIN), /usr/lib (a lock file's shared_library package),
// LD_LIBRARY_PATH; a library nobody ships is an ImportError naming it. And how many .so files of a
// big wheel are instantiated at install and at import. Real side modules built by emcc
// (dynlib-wheels.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDynlibRepo, BIG_MODULES } from './dynlib-wheels.mjs';
import { serve, load, sitePackages } from './fixture.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-dynlibs-'));
const { gone } = buildDynlibRepo(dir);
const quiet = { messageCallback: () => {} };

async function runtime(t) {
  const index = await serve(t, dir);
  return load({ lockFileURL: `${index.url}/pyodide-lock.json` });
}

const tryImport = (py, module) => py.runPython(`
try:
    import ${module}
    r = ${module}.call(1)
except ImportError as e:
    r = str(e)
r`);

test("an extension module's libraries in its wheel's .libs folder, one needing the other", async (t) => {
  const py = await runtime(t);
  await py.loadPackage('sangam-dl-libs', quiet);
  const stats = () => ({ ...py._module.SangamDynload.stats });
  const before = stats();
  assert.equal(tryImport(py, 'needs_libs'), 111); // libb: +100, liba: +10, and 1
  assert.equal(stats().instantiated - before.instantiated, 3);
  assert.equal(py.runPython('import needs_libs; needs_libs.call(5)'), 115);
});

test('a library found through the run-time path ($ORIGIN) of the module that needs it', async (t) => {
  const py = await runtime(t);
  await py.loadPackage('sangam-dl-rpath', quiet);
  assert.equal(tryImport(py, 'needs_rpath'), 20001);
});

test('a shared_library package from the lock file goes to /usr/lib, where the module finds it', async (t) => {
  const py = await runtime(t);
  const got = await py.loadPackage('sangam-dl-sys', quiet);
  assert.deepEqual(got.map((p) => [p.name, p.packageType]).sort(),
    [['libsys', 'shared_library'], ['sangam-dl-sys', 'package']]);
  assert.deepEqual(py.FS.readdir('/usr/lib').filter((f) => f.endsWith('.so')), ['libsys.so']);
  assert.equal(tryImport(py, 'needs_sys'), 1001);
  assert.deepEqual({ ...py.loadedPackages }, { libsys: 'default channel', 'sangam-dl-sys': 'default channel' });
});

test('a library nobody ships: an ImportError naming it; found later through LD_LIBRARY_PATH', async (t) => {
  const py = await runtime(t);
  await py.loadPackage('sangam-dl-missing', quiet);
  for (let i = 0; i < 2; i++) {
    assert.match(tryImport(py, 'needs_gone'),
      /libgone\.so: cannot open shared object file: No such file or directory \(needed by \/lib\/python3\.13\/site-packages\/needs_gone\.cpython-313-wasm32-emscripten\.so; searched .*\/usr\/lib, \/lib\)/);
  }
  // The runtime goes on: the library put where LD_LIBRARY_PATH says is found.
  py.FS.mkdirTree('/home/pyodide/mylibs');
  py.FS.writeFile('/home/pyodide/mylibs/libgone.so', gone);
  py.runPython("import os; os.environ['LD_LIBRARY_PATH'] = '/home/pyodide/mylibs'");
  assert.equal(tryImport(py, 'needs_gone'), 8);
});

test('a bare name given to dlopen is looked up in the runtime, not on the host', async (t) => {
  const py = await runtime(t);
  await py.loadPackage('sangam-dl-sys', quiet);
  const opened = py.runPython(`
import ctypes
lib = ctypes.CDLL('libsys.so')
lib.demo_sys(5)`);
  assert.equal(opened, 1005);
  assert.match(py.runPython(`
try:
    ctypes.CDLL('libnowhere.so')
    r = 'opened'
except OSError as e:
    r = str(e)
r`), /libnowhere\.so: cannot open shared object file/);
});

test('a broken shared_library archive: a clear error, nothing installed', async (t) => {
  const index = await serve(t, dir);
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'pyodide-lock.json'), 'utf8'));
  const bad = path.join(dir, 'libsys-bad.zip');
  fs.writeFileSync(bad, fs.readFileSync(path.join(dir, 'libsys-1.0.zip')).subarray(0, 40));
  t.after(() => fs.rmSync(bad));
  lock.packages.libsys.file_name = 'libsys-bad.zip';
  lock.packages.libsys.sha256 = null;
  const py = await load({ lockFileContents: lock, packageBaseUrl: `${index.url}/` });
  const before = sitePackages(py);
  await assert.rejects(py.loadPackage('sangam-dl-sys', quiet), /libsys-bad\.zip: not a readable zip archive/);
  assert.equal(sitePackages(py), before);
  const usrLib = py.FS.analyzePath('/usr/lib').exists ? py.FS.readdir('/usr/lib') : [];
  assert.deepEqual(usrLib.filter((f) => f !== '.' && f !== '..'), []);
});

test(`a big wheel of ${BIG_MODULES} extension modules: none instantiated at install, only the imported ones later`, async (t) => {
  const py = await runtime(t);
  const stats = () => ({ ...py._module.SangamDynload.stats });
  const before = stats();
  await py.loadPackage('sangam-dl-big', quiet);
  const installed = stats();
  assert.equal(installed.compiled - before.compiled, BIG_MODULES);
  assert.equal(installed.instantiated - before.instantiated, 0);
  assert.equal(py.runPython('import bigpkg._m1, bigpkg._m4; bigpkg._m1.call(3) + bigpkg._m4.call(4)'), 7);
  const imported = stats();
  assert.equal(imported.instantiated - installed.instantiated, 2);
  assert.equal(imported.fromPrecompiled - installed.fromPrecompiled, 2);
  t.diagnostic(`.so files instantiated: ${installed.instantiated - before.instantiated} at install, ` +
    `${imported.instantiated - installed.instantiated} after importing 2 of ${BIG_MODULES}`);
});
