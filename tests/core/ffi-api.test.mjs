// Pyodide 0.29's public FFI API beyond the basics (issue 12): getBuffer(type), JsBuffer files and
// size rules, asJsJson, relaxed calls and captureThis, setDebug, unpackArchive, pyodide_js,
// InternalError, JS errors raised and pickled, runPython's filename, the event loop's report of
// a failed task, wrong-way conversions, jsnull in json, coroutines called from JS, `import *` of
// JS modules, sys.path, non-dict mappings, and the error texts code matches on.
import { before, beforeEach, afterEach } from 'node:test';
import { test, toJsOnce, answerSync } from './impl.mjs';
import assert from 'node:assert/strict';
import { load, checkLeaks, run, dedent, pycall, stderr, isSangam, isPyodide } from './impl.mjs';

let py;
before(async () => {
  py = await load();
});
checkLeaks(beforeEach, afterEach, () => py);

const answer = (src) => answerSync(py, src);

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

const js = toJsOnce;

// ---- getBuffer

test('getBuffer() of an empty buffer of 8-byte items is an empty Float64Array (bug 5)', () => {
  const a = py.runPython("import array; array.array('d')");
  const q = py.runPython("array.array('q')");
  try {
    for (const [proxy, T] of [[a, Float64Array], [q, BigInt64Array]]) {
      const b = proxy.getBuffer();
      try {
        assert.ok(b.data instanceof T);
        assert.equal(b.data.length, 0);
        assert.equal(b.nbytes, 0);
        assert.deepEqual(b.shape, [0]);
      } finally {
        b.release();
      }
    }
  } finally {
    a.destroy();
    q.destroy();
  }
});

test('getBuffer(type) takes each of Pyodide\'s type names; strides count the chosen items', () => {
  const a = py.runPython("array.array('d', [1.0, 2.0, 3.0])");
  const names = {
    i8: Int8Array, u8: Uint8Array, u8clamped: Uint8ClampedArray, i16: Int16Array,
    u16: Uint16Array, i32: Int32Array, u32: Uint32Array, i64: BigInt64Array,
    u64: BigUint64Array, f32: Float32Array, f64: Float64Array, dataview: DataView,
  };
  try {
    for (const [name, T] of Object.entries(names)) {
      const b = a.getBuffer(name);
      try {
        assert.ok(b.data instanceof T, name);
        assert.equal(b.data.byteLength, 24, name);
        assert.deepEqual(b.shape, [3], name);
        const size = T === DataView ? 1 : T.BYTES_PER_ELEMENT;
        assert.deepEqual(b.strides, [8 / size], name);
        assert.equal(b.format, 'd');
        assert.equal(b.itemsize, 8);
      } finally {
        b.release();
      }
    }
    const f = a.getBuffer('f64');
    assert.deepEqual(Array.from(f.data), [1, 2, 3]);
    f.release();
    const dv = a.getBuffer('dataview');
    assert.equal(dv.data.getFloat64(8, true), 2);
    dv.release();
    assert.throws(() => a.getBuffer('float64'), { message: 'Unknown type float64' });
  } finally {
    a.destroy();
  }
  const odd = py.runPython("memoryview(b'abc')");
  try {
    assert.throws(() => odd.getBuffer('i16'), /Buffer does not have valid alignment for a Int16Array/);
    const b = odd.getBuffer('u8');
    assert.deepEqual(Array.from(b.data), [97, 98, 99]);
    b.release();
  } finally {
    odd.destroy();
  }
});

// ---- JsBuffer: files and size rules

test('JsBuffer.to_file writes at the file\'s position; from_file reads up to its size; _into_file replaces', () => {
  assert.deepEqual(answer(`
    from js import Uint8Array, ArrayBuffer
    import io, os
    r = []
    with open('/tmp/ffi_api.bin', 'wb') as f:
        f.write(b'>')
        f.flush()
        Uint8Array.new([1, 2, 3]).to_file(f)
        ArrayBuffer.new(2).to_file(f)
    r.append(list(open('/tmp/ffi_api.bin', 'rb').read()))
    with open('/tmp/ffi_api.bin', 'wb') as f:
        f.write(b'abcdefgh')
    x = Uint8Array.new(3)
    with open('/tmp/ffi_api.bin', 'rb') as f:
        x.from_file(f)
        r.append(x.to_bytes().decode())
        x.from_file(f)
        r.append(x.to_bytes().decode())
        r.append(f.tell())
    big = Uint8Array.new(10)
    with open('/tmp/ffi_api.bin', 'rb') as f:
        big.from_file(f)
    r.append(list(big))
    with open('/tmp/ffi_api.bin', 'ab') as f:
        Uint8Array.new([7, 8])._into_file(f)
    r.append(list(open('/tmp/ffi_api.bin', 'rb').read()))
    for method in ('to_file', 'from_file'):
        try:
            getattr(Uint8Array.new(2), method)(io.BytesIO(b'ab'))
        except io.UnsupportedOperation as e:
            r.append(type(e).__name__)
    os.unlink('/tmp/ffi_api.bin')
  `), [
    [62, 1, 2, 3, 0, 0], 'abc', 'def', 6, [97, 98, 99, 100, 101, 102, 103, 104, 0, 0], [7, 8],
    'UnsupportedOperation', 'UnsupportedOperation',
  ]);
});

test('JsBuffer.assign and assign_to: byte lengths must match, item sizes too (not for ArrayBuffer, DataView)', () => {
  assert.deepEqual(answer(`
    from js import Uint8Array, Int8Array, Float64Array, Int32Array, ArrayBuffer, DataView
    import array
    r = []
    def t(f):
        try:
            f()
            r.append('ok')
        except Exception as e:
            r.append(f'{type(e).__name__}: {e}')
    z = Float64Array.new(2)
    t(lambda: z.assign(b'12345678'))
    t(lambda: z.assign(b'x' * 32))
    t(lambda: z.assign(bytearray(16)))
    t(lambda: z.assign(array.array('d', [1.5, 2.5])))
    r.append(list(z))
    t(lambda: Float64Array.new(2).assign(array.array('q', [1, 2])))
    t(lambda: Int32Array.new(1).assign(array.array('f', [1])))
    t(lambda: Int32Array.new(1).assign(b'abcd'))
    t(lambda: Uint8Array.new(4).assign(array.array('i', [1])))
    t(lambda: Int8Array.new(4).assign(b'abcd'))
    t(lambda: ArrayBuffer.new(8).assign(array.array('d', [1])))
    t(lambda: DataView.new(ArrayBuffer.new(8)).assign(array.array('d', [1])))
    t(lambda: z.assign(memoryview(bytearray(32)).cast('d')[::2]))
    t(lambda: z.assign('abc'))
    t(lambda: z.assign_to(bytearray(8)))
    t(lambda: z.assign_to(bytearray(32)))
    t(lambda: z.assign_to(bytearray(16)))
    out = array.array('d', [0, 0])
    t(lambda: z.assign_to(out))
    r.append(list(out))
    t(lambda: z.assign_to(b'x' * 16))
    t(lambda: Uint8Array.new(4).assign_to(array.array('b', [0] * 4)))
    t(lambda: Uint8Array.new(0).assign(b''))
    t(lambda: Uint8Array.new(0).assign_to(bytearray()))
  `), [
    'ValueError: cannot assign to TypedArray of length 8 from buffer of length 16',
    'ValueError: cannot assign to TypedArray of length 32 from buffer of length 16',
    'ValueError: TypedArray and memorybuffer have incompatible formats',
    'ok', [1.5, 2.5], 'ok', 'ok',
    'ValueError: TypedArray and memorybuffer have incompatible formats',
    'ValueError: TypedArray and memorybuffer have incompatible formats',
    'ok', 'ok', 'ok',
    'BufferError: memoryview: underlying buffer is not contiguous',
    "TypeError: a bytes-like object is required, not 'str'",
    'ValueError: cannot assign from TypedArray of length 16 to buffer of length 8',
    'ValueError: cannot assign from TypedArray of length 16 to buffer of length 32',
    'ValueError: TypedArray and memorybuffer have incompatible formats',
    'ok', [1.5, 2.5],
    'BufferError: Object is not writable.',
    'ok', 'ok', 'ok',
  ]);
});

// ---- asJsJson

test('asJsJson(): items as properties, nested containers too; JSON.stringify acts like json.dumps', () => {
  const d = py.runPython(`d = {'a': [1, {'b': 2}], 't': (1, 2), 's': 'str', 'n': None, 'f': 1.5,
     'nested': {'x': {'y': [3]}}, 1: 'one'}; d`);
  try {
    const j = d.asJsJson();
    assert.ok(j instanceof py.ffi.PyProxy);
    assert.deepEqual(Object.keys(j), ['a', 't', 's', 'n', 'f', 'nested', '1']);
    assert.equal(j.s, 'str');
    assert.equal(j.f, 1.5);
    assert.equal(j.n, undefined);
    assert.equal(j.missing, undefined);
    assert.equal(j[1], 'one');
    assert.equal(j.a.length, 2);
    assert.equal(j.a[0], 1);
    assert.equal(j.a[1].b, 2);
    assert.equal(j.nested.x.y[0], 3);
    assert.equal(j.t[1], 2);
    assert.equal(j.a[5], undefined);
    assert.ok('a' in j);
    assert.ok(!('zz' in j));
    assert.ok(0 in j.a);
    assert.ok(!(5 in j.a));
    assert.deepEqual(j.a.map((x) => typeof x), ['number', 'object']);
    assert.equal(JSON.stringify(j),
      '{"a":[1,{"b":2}],"t":[1,2],"s":"str","f":1.5,"nested":{"x":{"y":[3]}},"1":"one"}');
    j.q = 5;
    j.a[0] = 9;
    assert.deepEqual(js(py.runPython("[d['q'], d['a'][0]]")), [5, 9]);
    delete j.q;
    assert.equal(py.runPython("'q' in d"), false);
    const l = py.runPython("[{'a': 1}, [2]]");
    const jl = l.asJsJson();
    assert.equal(jl.length, 2);
    assert.equal(jl[0].a, 1);
    assert.equal(JSON.stringify(jl), '[{"a":1},[2]]');
    l.destroy();
    const o = py.runPython('object()');
    assert.equal(typeof o.asJsJson, 'undefined');
    o.destroy();
  } finally {
    d.destroy();
    py.runPython('del d');
  }
});

// ---- calls

test('callRelaxed, callKwargsRelaxed and callWithOptions drop the arguments a function does not take', () => {
  const f = py.runPython('def f(a, b=2): return [a, b]\nf');
  try {
    assert.deepEqual(js(f.callRelaxed(1, 5, 7, 8)), [1, 5]);
    assert.throws(() => f.callRelaxed(), (e) => e.type === 'TypeError' && /missing a required argument: 'a'/.test(e.message));
    assert.deepEqual(js(f.callKwargsRelaxed(3, { b: 10, c: 11 })), [3, 10]);
    assert.throws(() => f.callKwargsRelaxed(3, 4, { b: 10 }), (e) => e.type === 'TypeError' && /multiple values for argument 'b'/.test(e.message));
    assert.deepEqual(js(f.callWithOptions({}, 3, 4)), [3, 4]);
    assert.deepEqual(js(f.callWithOptions({ kwargs: true }, 3, { b: 6 })), [3, 6]);
    assert.deepEqual(js(f.callWithOptions({ relaxed: true }, 3, 4, 5)), [3, 4]);
    assert.deepEqual(js(f.callWithOptions({ relaxed: true, kwargs: true }, 3, { b: 7, z: 1 })), [3, 7]);
    assert.throws(() => f.callWithOptions({}, 1, 2, 3), (e) => e.type === 'TypeError');
  } finally {
    f.destroy();
  }
});

test('captureThis() gives a copy that passes JS\'s `this` as the first argument', () => {
  const f = py.runPython('def f(self, a): return self.x + a\nf');
  const g = f.captureThis();
  try {
    const o = { x: 5, g };
    assert.equal(o.g(2), 7);
    assert.equal(g.call({ x: 1 }, 2), 3);
    assert.equal(g.apply({ x: 10 }, [2]), 12);
    assert.throws(() => f.call({ x: 1 }, 2), (e) => e.type === 'TypeError', 'the original is unchanged');
  } finally {
    g.destroy();
    f.destroy();
  }
});

// ---- the pyodide object

test('setDebug(flag) returns the previous setting', () => {
  assert.equal(py.setDebug(true), false);
  assert.equal(py.setDebug(false), true);
  assert.equal(py.setDebug(false), false);
});

test('unpackArchive(buffer, format, {extractDir}) unpacks zip and tar archives; format synonyms work', () => {
  const bytes = run(py, `
    import io, zipfile, tarfile
    def _archives():
        z = io.BytesIO()
        with zipfile.ZipFile(z, 'w') as f:
            f.writestr('pkg/a.txt', 'zipped')
        t = io.BytesIO()
        with tarfile.open(fileobj=t, mode='w:gz') as f:
            data = b'tarred'
            info = tarfile.TarInfo('tpkg/b.txt')
            info.size = len(data)
            f.addfile(info, io.BytesIO(data))
        return [z.getvalue(), t.getvalue()]
    _archives()
  `);
  const [zip, tgz] = bytes.toJs();
  bytes.destroy();
  py.runPython('del _archives');
  const read = (path) => py.runPython(`open(${JSON.stringify(path)}).read()`);
  py.unpackArchive(zip, 'zip');
  assert.equal(read('/home/pyodide/pkg/a.txt'), 'zipped');
  py.unpackArchive(zip, 'whl', { extractDir: '/tmp/ffi_api_whl' });
  assert.equal(read('/tmp/ffi_api_whl/pkg/a.txt'), 'zipped');
  py.unpackArchive(tgz, 'tgz', { extractDir: '/tmp/ffi_api_tgz' });
  assert.equal(read('/tmp/ffi_api_tgz/tpkg/b.txt'), 'tarred');
  py.unpackArchive(tgz.buffer, '.tar.gz', { extractDir: '/tmp/ffi_api_tgz2' });
  assert.equal(read('/tmp/ffi_api_tgz2/tpkg/b.txt'), 'tarred');
  assert.throws(() => py.unpackArchive(zip, 'rar'), (e) => /ValueError: Unrecognized format rar/.test(e.message));
  assert.throws(() => py.unpackArchive(new Uint8Array([1, 2, 3]), 'zip'), (e) => /is not a zip file/.test(e.message));
  assert.throws(() => py.unpackArchive('not a buffer', 'zip'), TypeError);
  py.runPython(`
import shutil
for d in ['/home/pyodide/pkg', '/tmp/ffi_api_whl', '/tmp/ffi_api_tgz', '/tmp/ffi_api_tgz2']:
    shutil.rmtree(d)
del d`);
});

test('`import pyodide_js` is the pyodide object', () => {
  assert.deepEqual(answer(`
    import pyodide_js
    r = [pyodide_js.version == pyodide_js.version, type(pyodide_js).__name__, pyodide_js.runPython('1 + 1')]
  `), [true, 'JsProxy', 2]);
});

test('pyodide.ffi.InternalError is an Exception of pyodide.ffi', () => {
  assert.deepEqual(answer(`
    from pyodide.ffi import InternalError
    r = [issubclass(InternalError, Exception), InternalError.__module__, InternalError.__name__]
    del InternalError
  `), [true, 'pyodide.ffi', 'InternalError']);
});

// ---- errors

test('raising the JsProxy of a JS Error raises it as a JsException; other JS objects are no exceptions', () => {
  assert.deepEqual(answer(`
    import js
    from pyodide.ffi import JsException
    r = []
    e = js.Error.new("boom")
    r += [type(e).__name__, isinstance(e, BaseException)]
    try:
        raise e
    except JsException as caught:
        r += [caught is e, str(caught), caught.name, caught.message]
    try:
        raise js.TypeError.new("bad")
    except Exception as caught:
        r += [type(caught).__name__, str(caught)]
    try:
        raise js.Object.new()
    except TypeError as caught:
        r.append(str(caught))
    e.foo = 3
    r.append(list(js.Object.keys(e)))
    del e
  `), ['JsException', true, true, 'Error: boom', 'Error', 'boom', 'JsException', 'TypeError: bad',
    'exceptions must derive from BaseException', ['foo']]);
});

test('a JS Error passed to Python and back is the same object', () => {
  const err = new RangeError('out');
  const same = pycall(py, 'lambda e: e', err);
  assert.equal(same, err);
});

test('a JsException pickles and unpickles with its name, message and text', () => {
  assert.deepEqual(answer(`
    import pickle, js
    from pyodide.ffi import JsException
    r = []
    for err in [js.Error.new("boom"), js.TypeError.new("x1")]:
        try:
            raise err
        except JsException as e:
            copy = pickle.loads(pickle.dumps(e))
            r.append([type(copy).__name__, str(copy), copy.name, copy.message])
    del err, copy
  `), [['JsException', 'Error: boom', 'Error', 'boom'], ['JsException', 'TypeError: x1', 'TypeError', 'x1']]);
});

test('runPython(code, {filename}): tracebacks name the file and show its lines; inspect finds them', () => {
  assert.throws(() => py.runPython('x = 1\ndef f():\n    1/0\nf()', { filename: 'my_file.py' }), (e) => {
    assert.match(e.message, /File "my_file.py", line 4, in <module>\n {4}f\(\)\n/);
    assert.match(e.message, /File "my_file.py", line 3, in f\n {4}1\/0\n/);
    assert.match(e.message, /ZeroDivisionError: division by zero\n$/);
    return true;
  });
  assert.throws(() => py.runPython('1/0'), (e) => /File "<exec>", line 1, in <module>\nZeroDivisionError/.test(e.message));
  const ns = py.toPy({});
  try {
    py.runPython('def g():\n    return 1\n', { filename: 'src_file.py', globals: ns });
    const r = py.runPython('import inspect, linecache\n[inspect.getsource(g), linecache.getline("src_file.py", 2)]', { globals: ns });
    assert.deepEqual(r.toJs(), ['def g():\n    return 1\n', '    return 1\n']);
    r.destroy();
  } finally {
    ns.destroy();
  }
});

test('a task that fails with nothing waiting for it is reported by the event loop at once', async () => {
  const start = stderr.length;
  run(py, `
    import asyncio
    async def _boom():
        raise ValueError("task boom")
    asyncio.ensure_future(_boom())
    del _boom
  `);
  for (let i = 0; i < 20 && !stderr.slice(start).join('\n').includes('task boom'); i++) await tick(5);
  const text = stderr.slice(start).join('\n');
  assert.match(text, /^Unhandled exception in event loop\nTraceback \(most recent call last\):/);
  assert.match(text, /File "<exec>", line 3, in _boom/);
  assert.match(text, /ValueError: task boom/);
  assert.doesNotMatch(text, /never retrieved/);
});

// ---- conversions

test('wrong-way conversions: to_js of a JsProxy is the JS object itself', () => {
  assert.deepEqual(answer(`
    import js
    from pyodide.ffi import to_js, create_proxy
    o = js.Object.new()
    a = js.Array.new()
    p = create_proxy([1, 2])
    r = [to_js(o) is o, to_js(a) is a, to_js(js) is js, to_js(p) is p]
    p.destroy()
    del o, a, p
  `), [true, true, true, true]);
});

test('jsnull and None in json.dumps are both null', () => {
  assert.deepEqual(answer(`
    import json
    from pyodide.ffi import jsnull
    r = [json.dumps([jsnull, None]), json.dumps({"a": jsnull}), repr(jsnull), bool(jsnull)]
  `), ['[null, null]', '{"a": null}', 'jsnull', false]);
});

test('loadPyodide({convertNullToNone}) makes JS null None; fsInit prepares the file system first', async () => {
  let info;
  const opts = {
    convertNullToNone: true,
    fsInit: async (FS, { sitePackages }) => {
      info = [sitePackages, FS.readdir(sitePackages).filter((n) => !n.startsWith('.'))];
      FS.writeFile(`${sitePackages}/fs_init_mod.py`, 'X = 42\n');
    },
  };
  let py2;
  if (isPyodide) {
    const { loadPyodide } = await import(new URL('../../bench/node_modules/pyodide-0.29/pyodide.mjs', import.meta.url));
    py2 = await loadPyodide({ indexURL: new URL('../../bench/node_modules/pyodide-0.29/', import.meta.url).pathname, ...opts });
  } else {
    const { loadPyodide } = await import(new URL('../../dist/sangam.mjs', import.meta.url));
    py2 = await loadPyodide({ stdout: () => {}, stderr: () => {}, ...opts });
  }
  assert.deepEqual(info, ['/lib/python3.13/site-packages', []]);
  assert.equal(py2.runPython('import fs_init_mod; fs_init_mod.X'), 42);
  py2.globals.set('n', null);
  assert.equal(py2.runPython('repr(n)'), 'None');
  assert.equal(py2.runPython('import js; repr(js.Object.fromEntries([["a", js.JSON.parse("null")]]).a)'), 'None');
  assert.equal(py.runPython('import js; r = repr(js.JSON.parse("null")); del js; r'), 'jsnull', 'the default is jsnull');
});

// ---- async

test('a Python coroutine function called from JS runs at once, awaited or not', async () => {
  run(py, `
    _ran = []
    async def _co(x):
        _ran.append(x)
        return x * 2
  `);
  const f = py.globals.get('_co');
  try {
    const c = f(5);
    assert.deepEqual(js(py.runPython('list(_ran)')), [], 'scheduled, not run inside the call');
    for (let i = 0; i < 100 && py.runPython('len(_ran)') === 0; i++) await tick(5);
    assert.deepEqual(js(py.runPython('list(_ran)')), [5], 'ran without being awaited');
    assert.equal(await c, 10);
    c.destroy();
    const c2 = f.callKwargs({ x: 6 });
    assert.equal(await c2, 12);
    c2.destroy();
  } finally {
    f.destroy();
    py.runPython('del _ran, _co');
  }
});

// ---- JS modules

test('`from mod import *` takes a registered JS module\'s own names, or its __all__', () => {
  py.registerJsModule('star_mod', { a: 1, b: 'x', _c: 3 });
  py.registerJsModule('star_mod2', { a: 1, b: 'x', __all__: ['a'] });
  try {
    assert.deepEqual(answer(`
      r = []
      for name in ['star_mod', 'star_mod2']:
          ns = {}
          exec(f"from {name} import *", ns)
          r.append(sorted(k for k in ns if k != "__builtins__"))
      ns = {}
      exec("from js import *", ns)
      r.append("Object" in ns and ns["Object"].keys is not None)
      del ns, name
    `), [['_c', 'a', 'b'], ['a'], true]);
  } finally {
    py.unregisterJsModule('star_mod');
    py.unregisterJsModule('star_mod2');
    py.runPython("import sys\nfor _m in ['star_mod', 'star_mod2']: sys.modules.pop(_m, None)\ndel _m");
  }
});

test('unregistering a name that is not registered raises Pyodide\'s ValueError', () => {
  assert.throws(() => py.unregisterJsModule('no_such_js_mod'),
    (e) => /ValueError: Cannot unregister 'no_such_js_mod': no Javascript module with that name is registered/.test(e.message));
  assert.deepEqual(answer(`
    from pyodide.ffi import unregister_js_module
    try:
        unregister_js_module("no_such_js_mod2")
    except ValueError as e:
        r = str(e)
  `), "Cannot unregister 'no_such_js_mod2': no Javascript module with that name is registered");
});

// ---- start-up and environment

test('sys.path starts with "" and the working directory is /home/pyodide, as in Pyodide', () => {
  assert.deepEqual(answer('import sys, os\nr = [sys.path[0], sys.path[1], os.getcwd()]'),
    ['', '/lib/python313.zip', '/home/pyodide']);
  py.runPython('open("/home/pyodide/cwd_mod_ffi.py", "w").write("Y = 7\\n")');
  try {
    assert.equal(py.runPython('import cwd_mod_ffi; cwd_mod_ffi.Y'), 7);
  } finally {
    py.runPython('import os, sys; os.unlink("/home/pyodide/cwd_mod_ffi.py"); del sys.modules["cwd_mod_ffi"], cwd_mod_ffi');
  }
});

test('eval and exec take a non-dict mapping (ChainMap) as locals; globals must be a dict', () => {
  assert.deepEqual(answer(`
    from collections import ChainMap
    from pyodide.code import eval_code
    r = []
    g = ChainMap({}, {"x": 1})
    r.append(eval("x + 1", {}, g))
    exec("y = x + 2", {"x": 5}, g)
    r.append(g["y"])
    r.append(eval_code("z = x * 10\\nz", {}, g))
    r.append(g.maps[0]["z"])
    try:
        eval("x", g)
    except TypeError as e:
        r.append(str(e))
    del g, ChainMap, eval_code
  `), [2, 3, 10, 10, 'globals must be a real dict; try eval(expr, {}, mapping)']);
  const cm = py.runPython('from collections import ChainMap; ChainMap({}, {"x": 3})');
  try {
    assert.equal(py.runPython('y = x * 2\ny', { locals: cm }), 6);
    assert.equal(cm.get('y'), 6);
    assert.throws(() => py.runPython('x', { globals: cm }), (e) => (isSangam ? e instanceof TypeError || e.type === 'TypeError' : e.type === 'TypeError'));
  } finally {
    cm.destroy();
    py.runPython('del ChainMap');
  }
});

// ---- error texts

test('error texts as in Pyodide: to_js key collisions, destroyed proxies, create_once_callable reuse', () => {
  assert.deepEqual(answer(`
    from pyodide.ffi import to_js, ConversionError
    try:
        to_js({1: 1, "1": 2})
    except ConversionError as e:
        r = str(e)
  `), "Key collision when converting Python dictionary to JavaScript. Key: '1'");
  const hint = 'For more information about the cause of this error, use `pyodide.setDebug(true)`';
  const f = py.runPython('def _fff(): pass\n_fff');
  f.destroy();
  assert.throws(() => f(), { message: `Object has already been destroyed\n${hint}` });
  const l = py.runPython('[1]');
  l.destroy({ message: 'custom' });
  assert.throws(() => l.length, { message: `custom\n${hint}` });
  let kept;
  py.globals.set('_keep', (x) => { kept = x; });
  py.runPython('_keep([1, 2]); del _keep, _fff');
  assert.throws(() => kept.length, {
    message: 'This borrowed proxy was automatically destroyed at the end of a function call. ' +
      `Try using create_proxy or create_once_callable.\n${hint}`,
  });
  assert.deepEqual(answer(`
    from pyodide.ffi import create_once_callable
    from js import Function
    f = Function.new("g", "g(1); try { g(2); } catch (e) { return [e.constructor.name, e.message]; }")
    r = f(create_once_callable(lambda x: x)).to_py()
    f = Function.new("g", "g.destroy(); try { g(2); } catch (e) { return e.message; }")
    r.append(f(create_once_callable(lambda x: x)))
    del f
  `), ['Error', 'OnceProxy can only be called once', 'OnceProxy can only be called once']);
});

// ---- bind_sig and bind_class (Pyodide's experimental signatures)

test('bind_sig(f): calls are checked like calls of f (CPython\'s messages), defaults filled in', () => {
  assert.deepEqual(answer(`
    from js import Function, Object
    from pyodide.ffi import JsProxy
    r = []
    def t(f):
        try:
            v = f()
            r.append(v.to_py() if hasattr(v, 'to_py') else v)
        except Exception as e:
            r.append(f'{type(e).__name__}: {e}')
    f = Function.new("a", "b", "return [a, b, arguments.length]")
    def sig(a: int, b: int = 5, /) -> list: ...
    g = f.bind_sig(sig)
    r.append(isinstance(g, JsProxy))
    t(lambda: g(1, 2))
    t(lambda: g(1))
    t(lambda: g())
    t(lambda: g(1, 2, 3))
    t(lambda: g(1, b=2))
    def sig2(a, /, *, x, y=3): ...
    h = Function.new("a", "o", "return [a, o, arguments.length]").bind_sig(sig2)
    t(lambda: h(1, x=2))
    t(lambda: h(1))
    t(lambda: h(1, x=2, z=4))
    def sig3(a, b): ...
    t(lambda: f.bind_sig(sig3)(1, 2))
    def sig4(*args): ...
    t(lambda: f.bind_sig(sig4)(1, 2, 3))
    t(lambda: f(1, 2, 3))
    del f, g, h, t, sig, sig2, sig3, sig4
  `), [true, [1, 2, 2], [1, 5, 2], "TypeError: sig() missing 1 required positional argument: 'a'",
    'TypeError: sig() takes from 1 to 2 positional arguments but 3 were given',
    "TypeError: sig() got some positional-only arguments passed as keyword arguments: 'b'",
    [1, { x: 2, y: 3 }, 2], "TypeError: sig2() missing 1 required keyword-only argument: 'x'",
    "TypeError: sig2() got an unexpected keyword argument 'z'",
    "RuntimeError: Don't currently handle POS_OR_KWD args", [1, 2, 3], [1, 2, 3]]);
});

test('bind_sig(cls) binds methods read from the object; bind_class(cls) constructs checked instances', () => {
  assert.deepEqual(answer(`
    from js import Function, Object
    r = []
    def t(f):
        try:
            r.append(f())
        except Exception as e:
            r.append(f'{type(e).__name__}: {e}')
    class A:
        x: int
        def m(self, a, /) -> int: ...
    o = Object.new()
    o.x = 5
    o.m = Function.new("a", "return a * 2")
    bo = o.bind_sig(A)
    t(lambda: bo.x)
    t(lambda: bo.m(4))
    t(lambda: bo.m(4, 5))
    C = Function.new("return class C { constructor(a) { this.a = a; } get2() { return this.a * 2; } }")()
    class CSig:
        a: int
        def __init__(self, a, /): ...
        def get2(self, /) -> int: ...
    BC = C.bind_class(CSig)
    t(lambda: BC(7).a)
    t(lambda: BC(7).get2())
    t(lambda: BC(7).get2(1))
    t(lambda: BC(7, 8))
    del t, A, o, bo, C, CSig, BC
  `), [5, 8, 'TypeError: A.m() takes 2 positional arguments but 3 were given', 7, 14,
    14, // (the instance is bound only if CSig derives from BindClass)
    'TypeError: CSig.__init__() takes 2 positional arguments but 3 were given']);
});
