// micropip from JS as Pyodide's documentation uses it: install with index_urls from the loopback
// index, then freeze() -> loadPyodide({lockFileContents}) in a fresh runtime, which loads the same
// packages again from the frozen lock file (the wheels' URLs and sha256s).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, makeRepo, serve } from './fixture.mjs';

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
