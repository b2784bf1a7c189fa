// The JS loader API: loadSangam/loadPyodide, runPython results and errors, streams, FS, and the
// dead state after a fatal error.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadSangam, loadPyodide, PythonError, FatalError } from '../../dist/sangam.mjs';

let py;
const out = [];
const err = [];
before(async () => {
  py = await loadSangam({ stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
});

test('loadPyodide is the same loader', () => {
  assert.equal(loadPyodide, loadSangam);
  assert.match(py.version, /^\d+\.\d+\.\d+/);
});

test('simple results become JS values', () => {
  assert.equal(py.runPython('1 + 2'), 3);
  assert.equal(py.runPython('1.5 * 2'), 3.0);
  assert.equal(py.runPython('"héllo " + "wörld ✓"'), 'héllo wörld ✓');
  assert.equal(py.runPython('True'), true);
  assert.equal(py.runPython('False'), false);
  assert.equal(py.runPython('None'), undefined);
  assert.equal(py.runPython('2**53 - 1'), Number.MAX_SAFE_INTEGER);
  assert.equal(py.runPython('2**100'), 2n ** 100n);
  assert.equal(py.runPython('-(2**70)'), -(2n ** 70n));
  assert.ok(Number.isNaN(py.runPython('float("nan")')));
  assert.equal(py.runPython('x = 5'), undefined);
  assert.equal(py.runPython('x * 2;'), undefined, 'a trailing semicolon suppresses the value');
  assert.equal(py.runPython('x * 2  # comment'), 10);
  assert.equal(py.runPython(''), undefined);
});

test('other results are PyProxies that describe themselves', () => {
  const v = py.runPython('[1, "a", None]');
  assert.equal(v.type, 'list');
  assert.equal(String(v), "[1, 'a', None]");
});

test('large sources run (they do not go through the wasm stack)', () => {
  const big = 'x = [\n' + '    1,\n'.repeat(1_000_000) + ']\nlen(x)';
  assert.ok(big.length > 7_000_000);
  assert.equal(py.runPython(big), 1_000_000);
});

test('state persists in __main__ between calls', () => {
  py.runPython('import math\ndef area(r):\n    return math.pi * r * r');
  assert.ok(Math.abs(py.runPython('area(2)') - 4 * Math.PI) < 1e-12);
});

test('a Python exception becomes a PythonError with type and traceback', () => {
  assert.throws(() => py.runPython('def f():\n    1/0\nf()', { filename: 'calc.py' }), (e) => {
    assert.ok(e instanceof PythonError);
    assert.ok(e instanceof Error);
    assert.equal(e.type, 'ZeroDivisionError');
    assert.match(e.message, /^Traceback \(most recent call last\):/);
    assert.match(e.message, /File "calc.py", line 2, in f/);
    assert.match(e.message, /ZeroDivisionError: division by zero\n$/);
    return true;
  });
  assert.throws(() => py.runPython('x = ('), (e) => e.type === 'SyntaxError');
  assert.throws(() => py.runPython('import sys; sys.exit(3)'), (e) => e.type === 'SystemExit');
  assert.throws(() => py.runPython('raise KeyError("k")'), /KeyError: 'k'/);
  assert.equal(py.runPython('1 + 1'), 2, 'the runtime is usable after errors');
});

test('lone surrogates in a result arrive as the same JS string, not garbage', () => {
  assert.equal(py.runPython('"\\ud800"'), '\ud800');
  assert.equal(py.runPython('"a\\udfffb"'), 'a\udfffb');
});

test('stdout and stderr reach the handlers line by line', () => {
  out.length = 0; err.length = 0;
  py.runPython('print("one"); print("two", "three"); import sys; print("oops", file=sys.stderr)');
  assert.deepEqual(out, ['one', 'two three']);
  assert.deepEqual(err, ['oops']);
  py.runPython('print("partial", end="")');
  assert.deepEqual(out, ['one', 'two three', 'partial'], 'a partial line is flushed when the call ends');
});

test('setStdout with raw and write handlers, and isatty', () => {
  const bytes = [];
  py.setStdout({ raw: (b) => bytes.push(b) });
  py.runPython('print("hi")');
  assert.deepEqual(bytes, [104, 105, 10]);
  let got = '';
  py.setStdout({ write: (buf) => { got += new TextDecoder().decode(buf); return buf.length; }, isatty: true });
  py.runPython('import sys; print(sys.stdout.isatty(), "é")');
  assert.equal(got, 'True é\n');
  py.setStdout({ batched: (l) => out.push(l) });
  assert.equal(py.runPython('import sys; sys.stdout.isatty()'), false);
});

test('setStdin feeds input()', () => {
  const lines = ['first\n', 'second', 'third'];
  py.setStdin({ stdin: () => lines.shift() ?? null });
  assert.equal(py.runPython('input() + "|" + input()'), 'first|second');
  assert.equal(py.runPython('import sys; sys.stdin.readline()'), 'third\n');
  assert.throws(() => py.runPython('input()'), (e) => e.type === 'EOFError');
  // Binary chunks without a newline end with EOF (autoEOF), so read() returns.
  const chunks = [new Uint8Array([104, 105])];
  py.setStdin({ stdin: () => chunks.shift() });
  assert.equal(py.runPython('sys.stdin.buffer.read().decode()'), 'hi');
  py.setStdin({ error: true });
  assert.throws(() => py.runPython('input()'), (e) => e.type === 'OSError');
});

test('FS is shared with Python', () => {
  py.FS.writeFile('/home/pyodide/data.txt', 'from js');
  assert.equal(py.runPython('open("data.txt").read()'), 'from js');
  py.runPython('open("/tmp/out.txt", "w").write("from python")');
  assert.equal(py.FS.readFile('/tmp/out.txt', { encoding: 'utf8' }), 'from python');
});

test('the host file system is reachable only when mounted', async () => {
  assert.equal(py.runPython('import os; os.path.exists("/etc/hostname") or os.path.exists("/usr")'), false);
  const dir = new URL('.', import.meta.url).pathname.replace(/\/$/, '');
  py.mountNodeFS('/mnt/tests', dir);
  assert.equal(py.runPython('"loader.test.mjs" in os.listdir("/mnt/tests")'), true);
});

test('no handle is left behind', () => {
  const before = py._liveHandles();
  for (let i = 0; i < 100; i++) {
    py.runPython(`${i} + 1`);
    assert.throws(() => py.runPython('1/0'));
  }
  assert.equal(py._liveHandles(), before);
});

test('deep recursion is a RecursionError on the default JS stack, not a dead runtime', () => {
  const cases = {
    'nested repr': 'n = []\nfor _ in range(100000): n = [n]\nrepr(n)',
    'Python through C': 'import functools\n@functools.lru_cache(None)\ndef g(k): return g(k - 1) if k else 0\ng(5000)',
    'pure Python': 'def f(k): return f(k + 1)\nf(0)',
    'compiler': 'eval("-" * 5000 + "1")',
  };
  for (const [name, code] of Object.entries(cases)) {
    assert.throws(() => py.runPython(code), (e) => e.type === 'RecursionError', name);
  }
  assert.equal(py.runPython('sum(range(10))'), 45);
});

test('a failing system call is an OSError, not a JS exception through Python', () => {
  // Sockets need a module Node does not have here ('ws'): the call fails, the runtime goes on.
  assert.equal(py.runPython(`
import socket
try:
    socket.socketpair()
    r = "no error"
except OSError as e:
    r = e.strerror
r`), 'Function not implemented');
  const last = py._lastSyscallError();
  assert.match(last.syscall, /^__syscall_/);
  assert.match(String(last.error), /ws/, 'the JS error that was turned into ENOSYS is kept');
  assert.equal(py.runPython('2 * 21'), 42);
});

test('args and env options', async () => {
  const p = await loadSangam({ args: ['a', 'b'], env: { GREETING: 'hi' }, stdout: () => {} });
  assert.equal(p.runPython('import sys; " ".join(sys.argv[1:])'), 'a b');
  assert.equal(p.runPython('import os; os.environ["GREETING"]'), 'hi');
  assert.equal(p.runPython('os.environ["HOME"]'), '/home/pyodide');
});

test('the optional standard library: missing (as in a browser), an import says how to load it; loadPackage does', async () => {
  const p = await loadSangam({ stdout: () => {}, stderr: () => {} });
  // In Node it is in place from the start; a browser fetches it only when asked.
  assert.equal(p.runPython('import os; os.path.isfile("/lib/python313-optional.zip")'), true);
  p.FS.unlink('/lib/python313-optional.zip');
  assert.throws(() => p.runPython('import xmlrpc.client'), (e) => {
    assert.equal(e.type, 'ModuleNotFoundError');
    assert.match(e.message, /No module named 'xmlrpc' yet: it is in the optional part of the standard library \(python_stdlib_optional\.zip\)/);
    assert.match(e.message, /await pyodide\.loadPackage\('stdlib-optional'\)/);
    return true;
  });
  // zoneinfo itself is in the default download; its time zones are not.
  assert.throws(() => p.runPython('import zoneinfo; zoneinfo.ZoneInfo("Europe/Paris")'),
    (e) => /ZoneInfoNotFoundError/.test(e.message) && /loadPackage\('stdlib-optional'\)/.test(e.message));
  const loaded = await p.loadPackage('stdlib-optional', { messageCallback: () => {} });
  assert.deepEqual(loaded.map((x) => x.name), ['stdlib-optional']);
  assert.equal(p.runPython('import xmlrpc.client; xmlrpc.client.__spec__.origin'),
    '/lib/python313-optional.zip/xmlrpc/client.pyc');
  assert.equal(p.runPython('str(zoneinfo.ZoneInfo("Europe/Paris"))'), 'Europe/Paris');
  assert.deepEqual(await p.loadPackage('stdlib-optional', { messageCallback: () => {} }), [], 'once is enough');
  // loadPackagesFromImports knows the optional modules too.
  const q = await loadSangam({ stdout: () => {}, stderr: () => {} });
  q.FS.unlink('/lib/python313-optional.zip');
  const got = await q.loadPackagesFromImports('import wsgiref.util\nimport json', { messageCallback: () => {} });
  assert.deepEqual(got.map((x) => x.name), ['stdlib-optional']);
  assert.equal(q.runPython('import wsgiref.util; wsgiref.util.guess_scheme({})'), 'http');
});

test('a fatal error leaves a dead runtime that says why', async () => {
  const p = await loadSangam({ stdout: () => {}, stderr: () => {} });
  assert.throws(() => p.runPython('import os; os._exit(3)'), (e) => {
    assert.ok(e instanceof FatalError);
    assert.match(e.message, /exited \(status 3\)/);
    return true;
  });
  assert.equal(p.isDead, true);
  assert.throws(() => p.runPython('1'), /no longer usable.*status 3/);
  assert.equal(py.runPython('2 + 2'), 4, 'other runtimes are unaffected');
});

test('CommonJS entry', async () => {
  const require = createRequire(import.meta.url);
  const cjs = require('../../dist/sangam.cjs');
  const p = await cjs.loadPyodide({ stdout: () => {} });
  assert.equal(p.runPython('6 * 7'), 42);
});

test('toPy converts a string key once: records share their keys; a failure part-way frees them', () => {
  const records = py.toPy([{ id: 1, name: 'a' }, { id: 2, name: 'b' }, new Map([['id', 3]])]);
  py.globals.set('_records', records);
  records.destroy();
  assert.equal(py.runPython(`
keys = [next(iter(d)) for d in _records]
repr(([sorted(d.items()) for d in _records], keys[0] is keys[1] is keys[2]))`),
  "([[('id', 1), ('name', 'a')], [('id', 2), ('name', 'b')], [('id', 3)]], True)");
  // A getter that throws in the second record: the conversion fails, nothing is left half-made,
  // and the next conversion starts afresh.
  const bad = [{ id: 1 }, { get id() { throw new Error('no id'); } }];
  assert.throws(() => py.toPy(bad), /no id/);
  const again = py.toPy([{ id: 5 }]);
  py.globals.set('_again', again);
  again.destroy();
  assert.equal(py.runPython('repr(_again)'), "[{'id': 5}]");
  py.runPython('del _records, _again, keys');
});
