// Memory snapshots (src/js/snapshot.mjs): makeMemorySnapshot, loadPyodide({_loadSnapshot}), the
// default snapshot in dist/, and what a snapshot refuses to hold or to be loaded into.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadPyodide } from '../../dist/sangam.mjs';

const DIST = new URL('../../dist/', import.meta.url);
const quiet = { stdout: () => {}, stderr: () => {} };

let py;
let snapshot;
before(async () => {
  py = await loadPyodide({ ...quiet, _loadSnapshot: false });
  py.runPython(`
import json, os, sys
counter = [1, 2, 3]
def bump(n):
    counter.append(n)
    return len(counter)
os.makedirs('/home/pyodide/data/sub', exist_ok=True)
with open('/home/pyodide/data/sub/a.txt', 'w') as f:
    f.write('kept in the snapshot')
os.symlink('sub/a.txt', '/home/pyodide/data/link')
os.chmod('/home/pyodide/data/sub/a.txt', 0o600)
import js
console_log = js.console.log
`);
  snapshot = py.makeMemorySnapshot();
});

test('the default snapshot is in dist/ and loadPyodide starts from it', async () => {
  assert.ok(fs.statSync(new URL('sangam.snapshot', DIST)).size > 0);
  const p = await loadPyodide(quiet);
  assert.equal(p._fromSnapshot, true);
  assert.equal(p.runPython('1 + 1'), 2);
  const fresh = await loadPyodide({ ...quiet, _loadSnapshot: false });
  assert.equal(fresh._fromSnapshot, false);
  // The same start: modules, paths and the working directory.
  // (gc: makeMemorySnapshot collects; pyodide._restore: what a restored runtime runs first.)
  const state = `import sys, os
repr((sorted(set(sys.modules) - {'gc', 'pyodide._restore'}), sys.path, os.getcwd(), sys.argv))`;
  assert.equal(p.runPython(state), fresh.runPython(state));
  // The standard library's zip keeps its directory read (the first import does not read it
  // again); a folder's finder lists it again when next asked (its files may have changed since).
  const caches = `import sys, zipimport
repr((sorted(zipimport._zip_directory_cache), sorted(p for p, f in sys.path_importer_cache.items()
      if getattr(f, '_path_mtime', -1) != -1)))`;
  assert.equal(p.runPython(caches), "(['/lib/python313.zip'], [])");
});

test('SANGAM_NO_SNAPSHOT=1 starts Python the ordinary way', () => {
  const code = `import('${new URL('sangam.mjs', DIST).href}').then(async (m) => {
    const p = await m.loadPyodide({ stdout: () => {}, stderr: () => {} });
    console.log(p._fromSnapshot, p.runPython('6 * 7'));
  })`;
  const on = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(on.stdout.trim(), 'true 42', on.stderr);
  const off = spawnSync(process.execPath, ['-e', code], {
    encoding: 'utf8', env: { ...process.env, SANGAM_NO_SNAPSHOT: '1' },
  });
  assert.equal(off.stdout.trim(), 'false 42', off.stderr);
});

test('a restored runtime has the snapshot\'s Python state, files and JS handles', async () => {
  const p = await loadPyodide({ ...quiet, _loadSnapshot: snapshot });
  assert.equal(p._fromSnapshot, true);
  assert.equal(p.runPython('bump(4)'), 4);
  assert.equal(p.runPython('repr(counter)'), '[1, 2, 3, 4]');
  assert.equal(p.runPython("open('/home/pyodide/data/link').read()"), 'kept in the snapshot');
  assert.equal(p.runPython("oct(os.stat('/home/pyodide/data/sub/a.txt').st_mode & 0o777)"), '0o600');
  assert.equal(p.runPython("os.readlink('/home/pyodide/data/link')"), 'sub/a.txt');
  assert.equal(p.runPython('console_log == js.console.log'), true);
  assert.equal(p.runPython('js.Math.max(3, 9)'), 9);
  // The API object Python holds (pyodide_js) is the new runtime's.
  assert.equal(p.runPython('import pyodide_js; pyodide_js.runPython("2 + 3")'), 5);
  assert.equal(p.pyimport('pyodide_js') === undefined, false);
  // The original runtime is unaffected and both go on independently.
  assert.equal(py.runPython('repr(counter)'), '[1, 2, 3]');
  // A snapshot of a restored runtime restores too.
  const again = await loadPyodide({ ...quiet, _loadSnapshot: Promise.resolve(p.makeMemorySnapshot()) });
  assert.equal(again.runPython('repr(counter)'), '[1, 2, 3, 4]');
});

test('options of the new process apply to a restored runtime', async () => {
  const out = [];
  const p = await loadPyodide({
    stdout: (l) => out.push(l), stderr: () => {}, _loadSnapshot: snapshot,
    env: { SANGAM_SNAP_TEST: 'yes' }, args: ['one', 'two'],
    fsInit: (FS) => FS.writeFile('/home/pyodide/fsinit.py', 'VALUE = 7\n'),
  });
  p.runPython('print("hello from the copy")');
  assert.deepEqual(out, ['hello from the copy']);
  assert.equal(p.runPython("os.environ['SANGAM_SNAP_TEST']"), 'yes');
  assert.equal(p.runPython("os.getenv('SANGAM_SNAP_TEST')"), 'yes');
  assert.equal(p.runPython('repr(sys.argv)'), "['python', 'one', 'two']");
  assert.equal(p.runPython('import fsinit; fsinit.VALUE'), 7);
});

test('a snapshot from another build, or no snapshot at all, is refused clearly', async () => {
  const foreign = snapshot.slice();
  const text = new TextDecoder().decode(foreign.subarray(16, 200));
  const at = 16 + text.indexOf('"buildId":"') + '"buildId":"'.length;
  foreign[at] = foreign[at] === 0x30 ? 0x31 : 0x30;
  await assert.rejects(loadPyodide({ ...quiet, _loadSnapshot: foreign }), /made by another build of sangam/);
  await assert.rejects(loadPyodide({ ...quiet, _loadSnapshot: new Uint8Array(100) }), /not a sangam memory snapshot/);
  await assert.rejects(loadPyodide({ ...quiet, _loadSnapshot: snapshot.subarray(0, 5000) }), /cut short/);
  await assert.rejects(loadPyodide({ ...quiet, _loadSnapshot: 'snapshot.bin' }), TypeError);
});

test('what a snapshot cannot hold is a clear error, and the runtime goes on', async () => {
  const p = await loadPyodide({ ...quiet, _loadSnapshot: false });
  p.globals.set('held', { made: 'in JS' });
  assert.throws(() => p.makeMemorySnapshot(), /Python holds a JS value that a restored runtime could not find again \(handle \d+: \[object Object\]/);
  p.runPython('del held');
  p.runPython("f = open('/tmp/open.txt', 'w')");
  assert.throws(() => p.makeMemorySnapshot(), /files are open \(fd \d+ \(\/tmp\/open.txt\)\)/);
  p.runPython('f.close()');
  // From inside Python: the interpreter is mid-call.
  assert.throws(() => p.runPython('import pyodide_js; pyodide_js.makeMemorySnapshot()'), /Python is running/);
  const bytes = p.makeMemorySnapshot();
  const q = await loadPyodide({ ...quiet, _loadSnapshot: bytes });
  assert.equal(q.runPython("open('/tmp/open.txt').read()"), '');
  assert.equal(p.runPython('1 + 1'), 2);
});

test('an asyncio program runs in a restored runtime', async () => {
  const p = await loadPyodide({ ...quiet, _loadSnapshot: snapshot });
  const r = await p.runPythonAsync(`
import asyncio
await asyncio.sleep(0.01)
sum(await asyncio.gather(*(asyncio.sleep(0, result=i) for i in range(5))))
`);
  assert.equal(r, 10);
});

test('bin/sangam --snapshot FILE runs the command line on a restored runtime', () => {
  const dir = fs.mkdtempSync('/tmp/sangam-snap-cli-');
  const file = `${dir}/state.snapshot`;
  fs.writeFileSync(file, snapshot);
  fs.writeFileSync(`${dir}/script.py`, 'import sys\nprint(sys.argv[1:], bump(9), counter)\nsys.exit(3)\n');
  const BIN = new URL('../../bin/sangam', import.meta.url).pathname;
  const run = (...args) => spawnSync(BIN, args, { cwd: dir, encoding: 'utf8' });
  let r = run('--snapshot', file, 'script.py', 'x');
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stdout, "['x'] 4 [1, 2, 3, 9]\n");
  r = run(`--snapshot=${file}`, '-c', 'import sys; print(sys.argv, open("script.py").readline().strip()); 1/0');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "['-c'] import sys\n");
  assert.match(r.stderr, /ZeroDivisionError/);
  r = spawnSync(BIN, ['--snapshot', file], { cwd: dir, encoding: 'utf8', input: 'print(len(counter))\n' });
  assert.equal(r.stdout, '3\n', r.stderr);
  const foreign = snapshot.slice();
  foreign[16 + new TextDecoder().decode(foreign.subarray(16, 200)).indexOf('"buildId":"') + 11] ^= 1;
  fs.writeFileSync(`${dir}/foreign.snapshot`, foreign);
  r = run('--snapshot', `${dir}/foreign.snapshot`, '-c', 'print(1)');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /made by another build of sangam/);
  r = run('--snapshot', `${dir}/missing.snapshot`, '-c', 'print(1)');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot read the snapshot/);
});
