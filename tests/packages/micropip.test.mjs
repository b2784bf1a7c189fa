// micropip from JS as Pyodide's documentation uses it: install with index_urls from the loopback
// index, then freeze() -> loadPyodide({lockFileContents}) in a fresh runtime, which loads the same
// packages again from the frozen lock file (the wheels' URLs and sha256s).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { load, makeRepo, serve, wheelRequests } from './fixture.mjs';

test('micropip.install with index_urls, freeze, and the lock file back in loadPyodide', async (t) => {
  const dir = makeRepo();
  const index = await serve(t, dir);
  const py = await load();
  // As Pyodide's documentation has it; micropip ships with the runtime, so there is nothing to do.
  assert.deepEqual(await py.loadPackage('micropip', { messageCallback: () => {} }), []);
  const micropip = py.pyimport('micropip');
  await micropip.install.callKwargs(['python-dateutil', 'rich'], { index_urls: [`${index.url}/simple/`] });
  micropip.destroy();
  assert.equal(py.runPython('import dateutil, importlib.metadata as m; m.version("python-dateutil")'), '4.0.0');
  const frozen = py.runPython('import micropip; micropip.freeze()');
  const lock = JSON.parse(frozen);
  for (const key of ['arch', 'platform', 'python', 'abi_version']) assert.ok(key in lock.info, key);
  for (const name of ['python-dateutil', 'tzdata', 'rich', 'pygments', 'markdown-it-py', 'mdurl']) {
    const e = lock.packages[name];
    assert.ok(e, `${name} in the frozen lock file`);
    for (const key of ['name', 'version', 'file_name', 'install_dir', 'sha256', 'package_type', 'imports', 'depends']) {
      assert.ok(key in e, `${name}.${key}`);
    }
  }
  assert.deepEqual(lock.packages.rich.depends, ['markdown-it-py', 'pygments']);

  const again = await load({ lockFileContents: frozen, packages: ['rich', 'python-dateutil'] });
  const out = again.runPython(`
import io, importlib.metadata as m
from rich.console import Console
from rich.table import Table
import dateutil.parser
t = Table("when"); t.add_row(dateutil.parser.parse("2026-12-01T22:00").isoformat())
f = io.StringIO(); Console(file=f, width=40, color_system=None).print(t)
m.version("rich") + "\\n" + f.getvalue()`);
  assert.match(out, /^15\.0\.0\n/);
  assert.match(out, /2026-12-01T22:00:00/);
});

test('micropip caches downloads under packageCacheDir by sha256: no wheel request the second time; a tampered file is refused', async (t) => {
  const dir = makeRepo();
  const index = await serve(t, dir);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-pkgcache-'));
  t.after(() => fs.rmSync(cache, { recursive: true, force: true }));
  const install = async () => {
    const py = await load({ packageCacheDir: cache });
    py.globals.set('index_url', `${index.url}/simple/`);
    await py.runPythonAsync('import micropip\nawait micropip.install("attrs", index_urls=[index_url])');
    return py;
  };
  await install();
  assert.equal(wheelRequests(index).length, 1);
  const cached = fs.readdirSync(cache);
  assert.equal(cached.length, 1);
  assert.match(cached[0], /^[0-9a-f]{64}-attrs-.*\.whl$/);
  const py = await install();
  assert.equal(wheelRequests(index).length, 1, 'the second install downloaded the wheel');
  assert.equal(py.runPython('import attrs, importlib.metadata as m; m.version("attrs") == attrs.__version__'), true);

  // Tampered with: refused, downloaded again, the cache repaired and the install the real wheel.
  const file = path.join(cache, cached[0]);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 100] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const third = await install();
  assert.equal(wheelRequests(index).length, 2);
  assert.equal(fs.readFileSync(file).equals(fs.readFileSync(path.join(dir, cached[0].slice(65)))), true);
  assert.equal(third.runPython('import attrs; attrs.__name__'), 'attrs');
});
