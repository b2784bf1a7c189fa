// PyProxy, a Python object seen from JavaScript: calls, attributes through the JS Proxy, the
// get/set/has/delete/length protocol, iteration, awaiting, getBuffer, toJs, copy/destroy, classes.
import { before, beforeEach, afterEach } from 'node:test';
import { test } from './impl.mjs';
import assert from 'node:assert/strict';
import { load, checkLeaks, run, isPyodide } from './impl.mjs';

let py;
before(async () => {
  py = await load();
});
checkLeaks(beforeEach, afterEach, () => py);

// Runs `fn(proxy)` on the PyProxy of a Python expression and destroys the proxy afterwards.
function withPy(expr, fn) {
  const p = run(py, expr);
  try {
    return fn(p);
  } finally {
    p.destroy();
  }
}
async function withPyAsync(expr, fn) {
  const p = run(py, expr);
  try {
    return await fn(p);
  } finally {
    p.destroy();
  }
}

test('call: positional arguments, defaults, errors become PythonError', () => {
  withPy(`
    def f(a, b=2, *, c=3):
        return f"{a},{b},{c}"
    f
  `, (f) => {
    assert.equal(typeof f, 'function');
    assert.equal(f(1), '1,2,3');
    assert.equal(f(1, 5), '1,5,3');
    assert.equal(f('x', undefined), 'x,None,3', 'undefined is passed as None, not omitted');
    assert.throws(() => f(), (e) => e instanceof py.ffi.PythonError && e.type === 'TypeError' &&
      /missing 1 required positional argument: 'a'/.test(e.message));
    assert.equal(f(1, { c: 9 }), '1,[object Object],3', 'a plain call passes an object positionally');
  });
});

test('callKwargs: the last argument holds the keyword arguments', () => {
  withPy('lambda a=0, b=1, *, c=3: f"{a},{b},{c}"', (f) => {
    assert.equal(f.callKwargs(1, { c: 9 }), '1,1,9');
    assert.equal(f.callKwargs({ a: 5, b: 6 }), '5,6,3');
    assert.equal(f.callKwargs({}), '0,1,3');
    assert.throws(() => f.callKwargs(1, { nope: 1 }), (e) => e.type === 'TypeError');
  });
});

test('Function.prototype methods: apply, call, bind', () => {
  withPy('lambda *a: ",".join(map(str, a))', (f) => {
    assert.equal(f.apply(null, [7, 8]), '7,8');
    assert.equal(f.call(null, 7), '7');
    const bound = f.bind(null, 5);
    assert.equal(bound(6), '5,6');
    bound.destroy?.();
  });
});

test('arguments are converted by the implicit rules; results too', () => {
  withPy('lambda *a: [type(x).__name__ for x in a]', (f) => {
    const r = f(1, 1.5, 'x', true, undefined, null, 2n ** 70n, {}, [1]);
    assert.deepEqual(r.toJs(), ['int', 'float', 'str', 'bool', 'NoneType', 'JsNull', 'int', 'JsProxy', 'JsProxy']);
    r.destroy();
  });
});

test('attribute access through the JS Proxy: get, set, delete, in', () => {
  withPy('import types; types.SimpleNamespace(x=1, items=[1, 2])', (o) => {
    assert.equal(o.x, 1);
    assert.equal(o.missing, undefined, 'a missing attribute reads as undefined');
    assert.ok('x' in o);
    assert.ok(!('missing' in o));
    o.y = 'set from js';
    withPy('lambda o: o.y', (get) => assert.equal(get(o), 'set from js'));
    delete o.y;
    assert.equal(o.y, undefined);
    const items = o.items;
    assert.ok(items instanceof py.ffi.PyProxy);
    assert.equal(items.toString(), '[1, 2]');
    items.destroy();
  });
});

test('method calls through attributes', () => {
  withPy('[3, 1, 2]', (l) => {
    l.sort();
    assert.equal(l.toString(), '[1, 2, 3]');
    l.append(4);
    assert.equal(l.index(4), 3);
    assert.equal(l.count(1), 1);
  });
});

test('dict protocol: get, set, has, delete, length; get of a missing key is undefined', () => {
  withPy('{"a": 1, 2: [3]}', (d) => {
    assert.equal(d.get('a'), 1);
    assert.equal(d.get('missing'), undefined);
    const inner = d.get(2);
    assert.equal(inner.toString(), '[3]');
    inner.destroy();
    assert.deepEqual([d.has('a'), d.has('zz'), d.has(2)], [true, false, true]);
    assert.equal(d.length, 2);
    d.set('b', 'bee');
    assert.equal(d.get('b'), 'bee');
    d.delete('b');
    assert.equal(d.has('b'), false);
    assert.throws(() => d.delete('nope'), (e) => e.type === 'KeyError');
    assert.equal(d.size, undefined, 'there is no size, only length');
  });
});

test('sequence protocol: get by index, negative and out of range, set, has, length', () => {
  withPy('[1, 2, 3]', (l) => {
    assert.deepEqual([l.get(0), l.get(-1), l.get(10)], [1, 3, undefined]);
    assert.deepEqual([l[0], l[2], l[10]], [1, 3, undefined], 'numeric property access indexes');
    l.set(0, 9);
    l[1] = 8;
    assert.equal(l.toString(), '[9, 8, 3]');
    assert.deepEqual([l.has(3), l.has(99)], [true, false]);
    assert.equal(l.length, 3);
    l.delete(0);
    assert.equal(l.toString(), '[8, 3]');
  });
});

test('sequences borrow Array methods: map, filter, join, includes, indexOf, push, pop, slice, JSON', () => {
  withPy('[1, 2, 3]', (l) => {
    assert.equal(Array.isArray(l), false);
    assert.deepEqual(l.map((x) => x * 2), [2, 4, 6]);
    assert.deepEqual(l.filter((x) => x > 1), [2, 3]);
    assert.equal(l.join('-'), '1-2-3');
    assert.equal(l.includes(2), true);
    assert.equal(l.indexOf(3), 2);
    assert.deepEqual(l.slice(1), [2, 3]);
    assert.equal(l.at(-1), 3);
    l.push(4);
    assert.equal(l.pop(), 4);
    assert.equal(JSON.stringify(l), '[1,2,3]');
    assert.deepEqual([...l.keys()], [0, 1, 2]);
  });
});

test('for...of iterates a Python iterable; a generator proxies next/return/throw', () => {
  withPy('{"a": 1, "b": 2}', (d) => assert.deepEqual([...d], ['a', 'b']));
  withPy('range(3)', (r) => assert.deepEqual([...r], [0, 1, 2]));
  withPy(`
    def g():
        x = yield 1
        try:
            yield x * 2
        except ValueError as e:
            yield "caught " + str(e)
        return "done"
    g()
  `, (gen) => {
    assert.deepEqual(gen.next(), { done: false, value: 1 });
    assert.deepEqual(gen.next(21), { done: false, value: 42 });
    withPy('ValueError("v")', (exc) => {
      assert.deepEqual(gen.throw(exc), { done: false, value: 'caught v' });
    });
    assert.deepEqual(gen.next(), { done: true, value: 'done' });
  });
  withPy('(i * i for i in range(4))', (gen) => {
    const out = [];
    for (const v of gen) out.push(v);
    assert.deepEqual(out, [0, 1, 4, 9]);
  });
});

test('for await...of iterates a Python async iterable', async () => {
  await withPyAsync(`
    import asyncio
    async def agen():
        for i in range(3):
            await asyncio.sleep(0)
            yield i
    agen()
  `, async (ag) => {
    const out = [];
    for await (const v of ag) out.push(v);
    assert.deepEqual(out, [0, 1, 2]);
  });
});

test('then: awaiting a coroutine or a future from JS', async () => {
  const co = run(py, `
    import asyncio
    async def co(x):
        await asyncio.sleep(0)
        return x * 2
    co(21)
  `);
  assert.equal(typeof co.then, 'function');
  assert.equal(await co, 42);
  co.destroy();
  const fut = run(py, `
    _fut = asyncio.get_event_loop().create_future()
    asyncio.get_event_loop().call_soon(_fut.set_result, "resolved")
    _fut
  `);
  assert.equal(await fut, 'resolved');
  fut.destroy();
  py.runPython('del _fut');
  const bad = run(py, `
    async def bad():
        raise KeyError("k")
    bad()
  `);
  await assert.rejects(bad, (e) => e.type === 'KeyError');
  bad.destroy();
});

test('getBuffer: zero-copy view, writes are seen on both sides; release()', () => {
  run(py, '_ba = bytearray(b"abcd")');
  withPy('_ba', (b) => {
    const view = b.getBuffer();
    try {
      assert.ok(view.data instanceof Uint8Array);
      assert.equal(view.data.length, 4);
      assert.equal(view.format, 'B');
      assert.equal(view.itemsize, 1);
      assert.equal(view.ndim, 1);
      assert.equal(view.nbytes, 4);
      assert.deepEqual([...view.shape], [4]);
      assert.ok(!view.readonly);
      view.data[0] = 'x'.charCodeAt(0);
      assert.equal(py.runPython('_ba.decode()'), 'xbcd');
      py.runPython('_ba[1] = ord("y")');
      assert.equal(String.fromCharCode(view.data[1]), 'y');
      assert.throws(() => py.runPython('_ba.append(1)'), (e) => e.type === 'BufferError', 'exported buffers cannot resize');
    } finally {
      view.release();
    }
    py.runPython('_ba.append(1)');
    assert.equal(py.runPython('len(_ba)'), 5);
  });
  py.runPython('del _ba');
});

test('getBuffer: format, typed array type, shape and strides (in items) of numeric and 2-d buffers', () => {
  withPy('import array; array.array("d", [1.5, 2.5])', (a) => {
    const v = a.getBuffer();
    assert.ok(v.data instanceof Float64Array);
    assert.deepEqual([v.format, v.itemsize, v.nbytes, [...v.data]], ['d', 8, 16, [1.5, 2.5]]);
    assert.deepEqual([...v.strides], [1]);
    v.release();
    const bytes = a.getBuffer('u8');
    assert.ok(bytes.data instanceof Uint8Array);
    assert.equal(bytes.data.length, 16);
    bytes.release();
  });
  withPy('memoryview(bytearray(range(6))).cast("B", [2, 3])', (m) => {
    const v = m.getBuffer();
    assert.deepEqual([v.ndim, [...v.shape], [...v.strides], v.data.length], [2, [2, 3], [3, 1], 6]);
    assert.ok(v.c_contiguous);
    v.release();
  });
  withPy('b"xyz"', (b) => {
    const v = b.getBuffer();
    assert.ok(v.readonly, 'bytes give a read-only view');
    v.release();
  });
  withPy('[1]', (l) => assert.equal(l.getBuffer, undefined, 'no getBuffer on non-buffers'));
});

test('toJs(options) on a proxy: depth, dict_converter, pyproxies', () => {
  withPy('{"a": [1, {"b": 2}], "t": (1,)}', (d) => {
    assert.deepEqual(d.toJs(), { a: [1, { b: 2 }], t: [1] });
    const m = d.toJs({ dict_converter: (it) => new Map(it) });
    assert.ok(m instanceof Map);
    assert.ok(m.get('a')[1] instanceof Map);
    const shallow = d.toJs({ depth: 1 });
    assert.ok(shallow.a instanceof py.ffi.PyProxy);
    shallow.a.destroy(); shallow.t.destroy();
    const made = [];
    const full = d.toJs({ pyproxies: made });
    assert.equal(made.length, 0, 'a full conversion creates no proxies');
    assert.deepEqual(full.a, [1, { b: 2 }]);
  });
});

test('copy() is an independent proxy of the same object; destroy() on a copy leaves the other', () => {
  const a = run(py, '_shared = [1]; _shared');
  const b = a.copy();
  a.destroy();
  assert.equal(b.toString(), '[1]');
  b.append(2);
  assert.equal(py.runPython('len(_shared)'), 2);
  b.destroy();
  py.runPython('del _shared');
});

test('destroy(): later use throws "Object has already been destroyed"; destroying twice is fine', () => {
  const o = run(py, '[1]');
  o.destroy();
  for (const use of [() => o.length, () => o.toString(), () => o.type, () => String(o), () => o.get(0)]) {
    assert.throws(use, (e) => e instanceof Error && /destroyed/.test(e.message));
  }
  const f = run(py, 'lambda: 1');
  f.destroy();
  assert.throws(() => f(), /destroyed/);
  o.destroy();
});

test('destroy({message}) replaces the message of later errors', () => {
  const o = run(py, '[]');
  o.destroy({ message: 'custom gone message' });
  assert.throws(() => o.length, (e) => /^custom gone message/.test(e.message));
});

test('type is the C-level type name (tp_name): module-qualified only for C types', () => {
  // The d.ts describes "module.name outside builtins"; Pyodide 0.29.5 gives tp_name, so classes
  // written in Python have no module prefix.
  for (const [expr, want] of [['[]', 'list'], ['{}', 'dict'], ['(1,)', 'tuple'], ['len', 'builtin_function_or_method'],
    ['import collections; collections.OrderedDict()', 'collections.OrderedDict'], ['class K: pass\nK()', 'K'],
    ['import fractions; fractions.Fraction(1, 3)', 'Fraction'], ['collections.Counter()', 'Counter'],
    ['import datetime; datetime.date(2020, 1, 1)', 'datetime.date'], ['import io; io.BytesIO()', '_io.BytesIO'],
    ['import types; types.SimpleNamespace()', 'types.SimpleNamespace'], ['ValueError()', 'ValueError']]) {
    withPy(expr, (p) => assert.equal(p.type, want, expr));
  }
});

test('toString() is str(obj); String() and template literals agree', () => {
  withPy(`
    class R:
        def __str__(self): return "str form"
        def __repr__(self): return "repr form"
    R()
  `, (r) => {
    assert.equal(r.toString(), 'str form');
    assert.equal(String(r), 'str form');
    assert.equal(`${r}`, 'str form');
  });
  withPy('"a string in a list".split()', (l) => assert.equal(l.toString(), "['a', 'string', 'in', 'a', 'list']"));
});

test('typeof and Symbol.toStringTag', () => {
  withPy('[1]', (l) => {
    assert.equal(typeof l, 'object');
    assert.equal(Object.prototype.toString.call(l), '[object PyProxy]');
    assert.equal(l[Symbol.toStringTag], 'PyProxy');
  });
  withPy('lambda: 0', (f) => {
    assert.equal(typeof f, 'function');
    assert.equal(Object.prototype.toString.call(f), '[object PyProxy]');
  });
});

test('instanceof the pyodide.ffi classes follows the Python protocols', () => {
  const classesOf = (p) => Object.entries(py.ffi)
    .filter(([k, C]) => typeof C === 'function' && k !== 'PythonError' && p instanceof C).map(([k]) => k).sort();
  withPy('[1]', (p) => assert.deepEqual(classesOf(p), ['PyIterable', 'PyMutableSequence', 'PyProxy', 'PyProxyWithGet',
    'PyProxyWithHas', 'PyProxyWithLength', 'PyProxyWithSet', 'PySequence']));
  withPy('{}', (p) => assert.deepEqual(classesOf(p), ['PyDict', 'PyIterable', 'PyProxy', 'PyProxyWithGet', 'PyProxyWithHas',
    'PyProxyWithLength', 'PyProxyWithSet']));
  // A tuple is no MutableSequence (the docs: PyMutableSequence is for a collections.abc
  // MutableSequence); Pyodide 0.29.5 still reports it as a PyMutableSequence.
  withPy('(1,)', (p) => assert.deepEqual(classesOf(p), ['PyIterable', ...(isPyodide ? ['PyMutableSequence'] : []),
    'PyProxy', 'PyProxyWithGet', 'PyProxyWithHas', 'PyProxyWithLength', 'PySequence']));
  withPy('lambda: 0', (p) => assert.deepEqual(classesOf(p), ['PyCallable', 'PyProxy']));
  withPy('bytearray(2)', (p) => assert.ok(classesOf(p).includes('PyBuffer')));
  withPy('(x for x in [])', (p) => {
    const c = classesOf(p);
    assert.ok(c.includes('PyGenerator') && c.includes('PyIterator') && c.includes('PyIterable'), c.join());
  });
  withPy('iter([1])', (p) => {
    const c = classesOf(p);
    assert.ok(c.includes('PyIterator') && !c.includes('PyGenerator'), c.join());
  });
  withPy('import asyncio\nasync def _c(): pass\n_c()', (p) => {
    assert.ok(classesOf(p).includes('PyAwaitable'));
    p.close();
  });
  withPy('async def _ag():\n    yield 1\n_ag()', (p) => {
    const c = classesOf(p);
    assert.ok(c.includes('PyAsyncGenerator') && c.includes('PyAsyncIterator') && c.includes('PyAsyncIterable'), c.join());
  });
  withPy('object()', (p) => assert.deepEqual(classesOf(p), ['PyProxy']));
  assert.equal({} instanceof py.ffi.PyProxy, false);
  assert.equal((() => 0) instanceof py.ffi.PyCallable, false);
});

test('ownKeys of a proxy are dir(obj); Object.keys is empty', () => {
  withPy('import types; types.SimpleNamespace(alpha=1)', (o) => {
    const names = Object.getOwnPropertyNames(o);
    assert.ok(names.includes('alpha'));
    assert.ok(names.includes('__class__'));
  });
});

test('a Python object passed to JS and back is the same object', () => {
  run(py, '_orig = {"k": [1]}');
  withPy('_orig', (p) => {
    const check = run(py, 'lambda x: x is _orig');
    assert.equal(check(p), true);
    check.destroy();
  });
  py.runPython('del _orig');
});

test('PyProxy of a dict from globals: get/set/delete on pyodide.globals', () => {
  py.globals.set('_from_js', 5);
  assert.equal(py.runPython('_from_js + 1'), 6);
  assert.equal(py.globals.get('_from_js'), 5);
  py.globals.delete('_from_js');
  assert.equal(py.globals.get('_from_js'), undefined);
  assert.equal(py.globals.has('_from_js'), false);
});
