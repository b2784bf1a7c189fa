// JsProxy, a JavaScript object seen from Python: attributes, calls, new, typeof, equality, js_id,
// truth, repr/str, len, in, indexing, iteration, awaiting, to_py, object_* views, buffers, ABCs.
import { before, beforeEach, afterEach } from 'node:test';
import { test } from './impl.mjs';
import assert from 'node:assert/strict';
import { load, checkLeaks, pycall, run, PRELUDE } from './impl.mjs';

let py;
before(async () => {
  py = await load();
  run(py, PRELUDE);
});
checkLeaks(beforeEach, afterEach, () => py);

// Calls the Python lambda/function `src` with JS arguments.
const P = (src, ...args) => pycall(py, src, ...args);

test('attribute get: present, inherited, undefined-valued and missing', () => {
  class Base { get inherited() { return 'from proto'; } }
  const o = Object.assign(new Base(), { a: 1, u: undefined, n: null, s: 'x' });
  assert.deepEqual(P('lambda o: to_js([o.a, o.s, o.inherited, o.u is None, o.n is jsnull])', o),
    [1, 'x', 'from proto', true, true]);
  assert.equal(P('lambda o: raises(lambda: o.missing)', o), 'AttributeError');
  assert.deepEqual(P('lambda o: to_js([hasattr(o, "a"), hasattr(o, "u"), hasattr(o, "missing"), getattr(o, "missing", 5)])', o),
    [true, true, false, 5]);
});

test('attribute set and delete act on the JS object', () => {
  const o = { keep: 1, drop: 2 };
  P(`
    def f(o):
        o.added = [1, 2]
        o.keep = "changed"
        del o.drop
    f`, o);
  assert.equal(o.keep, 'changed');
  assert.ok(!('drop' in o));
  assert.ok(o.added instanceof py.ffi.PyProxy, 'a list set as an attribute is a PyProxy');
  assert.equal(o.added.toString(), '[1, 2]');
  o.added.destroy();
  assert.equal(P('lambda o: raises(delattr, o, "never_there")', o), undefined, 'deleting a missing property is fine');
});

test('calling: positional arguments, keyword arguments as a trailing object, no arguments', () => {
  const seen = (...args) => JSON.stringify(args);
  assert.equal(P('lambda f: f(1, "a", True)', seen), '[1,"a",true]');
  assert.equal(P('lambda f: f(1, a=2, b="x")', seen), '[1,{"a":2,"b":"x"}]');
  assert.equal(P('lambda f: f(k=None)', seen), '[{}]', 'None becomes undefined, which JSON drops');
  assert.equal(P('lambda f: f()', seen), '[]');
  assert.equal(P('lambda f: f(*[1, 2], **{"z": 3})', seen), '[1,2,{"z":3}]');
});

test('calling a method binds this; a method taken off its object stays bound', () => {
  const o = { v: 4, m() { return this === o ? this.v : 'unbound'; } };
  assert.equal(P('lambda o: o.m()', o), 4);
  assert.equal(P('lambda o: (lambda f: f())(o.m)', o), 4);
  const free = function () { return this === undefined ? 'undefined this' : 'other'; };
  assert.equal(P('lambda f: f()', free), 'undefined this');
  assert.equal(P('lambda f, o: f.bind(o)()', function () { return this.v; }, { v: 9 }), 9);
});

test('calling something that is not callable is a TypeError; JS errors propagate', () => {
  assert.equal(P('lambda o: raises(o)', {}), 'TypeError');
  assert.equal(P('lambda o: callable(o)', {}), false);
  assert.equal(P('lambda o: callable(o)', () => 1), true);
  assert.equal(P('lambda f: raises(f)', () => { throw new Error('x'); }), 'JsException');
});

test('new: constructs with positional and keyword arguments', () => {
  class K { constructor(...a) { this.args = JSON.stringify(a); } }
  assert.equal(P('lambda K: K.new(1, 2).args', K), '[1,2]');
  assert.equal(P('lambda K: K.new(1, k=2).args', K), '[1,{"k":2}]');
  assert.equal(P('lambda K: K.new().args', K), '[]');
  assert.equal(run(py, 'js.Date.new(0).getTime()'), 0);
  assert.equal(run(py, 'js.Array.new(3).length'), 3);
  assert.equal(P('lambda f: raises(f.new)', () => 1), 'JsException', 'arrow functions are not constructors');
});

test('typeof gives the JS typeof', () => {
  assert.deepEqual(P('lambda *a: to_js([x.typeof for x in a])', {}, [], () => 1, Symbol('s'), new Map()),
    ['object', 'object', 'function', 'symbol', 'object']);
  assert.equal(run(py, 'js.Math.max.typeof'), 'function');
});

test('== is ===, != its negation; JsProxies are unhashable', () => {
  const o = {};
  assert.deepEqual(P('lambda a, b, c: to_js([a == b, a == c, a != c, a != b])', o, o, {}), [true, false, true, false]);
  assert.equal(run(py, 'js.Math == js.Math'), true);
  assert.equal(P('lambda a: a == 1 or a == "[object Object]"', {}), false);
  assert.equal(P('lambda a: raises(hash, a)', {}), 'TypeError');
});

test('js_id is an int identifying the JS object', () => {
  const o = {};
  assert.deepEqual(P('lambda a, b, c: to_js([type(a.js_id).__name__, a.js_id == b.js_id, a.js_id == c.js_id])', o, o, {}),
    ['int', true, false]);
  // Two JsProxies of one object that are alive at the same time share the js_id. (In Pyodide
  // 0.29.5 the id of a proxy that was already freed need not match a later one.)
  assert.equal(P('lambda h: (lambda a, b: a.js_id == b.js_id and a == b and a is not b)(h.x, h.x)', { x: {} }), true);
});

test('bool: empty Array/Map/Set/TypedArray/ArrayBuffer are false, other objects true', () => {
  const falsy = [[], new Map(), new Set(), new Uint8Array(0), new ArrayBuffer(0)];
  const truthy = [[0], new Map([[1, 1]]), new Set([0]), new Uint8Array(1), {}, { length: 0 },
    new Boolean(false), () => 0, Object.create(null)];
  assert.deepEqual(P('lambda *a: to_js([bool(x) for x in a])', ...falsy), falsy.map(() => false));
  assert.deepEqual(P('lambda *a: to_js([bool(x) for x in a])', ...truthy), truthy.map(() => true));
});

test('repr and str are the JS toString()', () => {
  const fn = function foo() { return 1; };
  const values = [{}, [1, 'a', [2]], [], fn, new TypeError('bad'), { toString() { return 'custom'; } },
    new Map([[1, 2]]), new Set([1]), new Uint8Array([1, 2]), Symbol('q'), { [Symbol.toStringTag]: 'Tag' }, Object.create(null)];
  const want = ['[object Object]', '1,a,2', '', fn.toString(), 'TypeError: bad', 'custom', '[object Map]',
    '[object Set]', '1,2', 'Symbol(q)', '[object Tag]', '[object Object]'];
  assert.deepEqual(P('lambda *a: to_js([repr(x) for x in a])', ...values), want);
  assert.deepEqual(P('lambda *a: to_js([str(x) for x in a])', ...values), want);
  assert.equal(P('lambda o: raises(str, o)', { toString() { throw new Error('nope'); } }), 'JsException');
});

test('len uses length or size', () => {
  assert.deepEqual(P('lambda *a: to_js([len(x) for x in a])', [1, 2, 3], new Map([[1, 2]]), new Set([1, 2]),
    new Float64Array(7), { length: 5 }, { size: 4 }), [3, 1, 2, 7, 5, 4]);
  assert.equal(P('lambda o: raises(len, o)', {}), 'TypeError');
});

test('in uses has() or includes(); plain objects do not support it', () => {
  assert.deepEqual(P('lambda a, m, s, inc: to_js([2 in a, 5 in a, "k" in m, "v" in m, 1 in s, 3 in s, "b" in inc, "c" in inc])',
    [1, 2], new Map([['k', 'v']]), new Set([1]), { includes: (x) => x === 'b' }),
  [true, false, true, false, true, false, true, false]);
  assert.equal(P('lambda o: raises(lambda: "a" in o)', { a: 1 }), 'TypeError');
});

test('indexing arrays: get, negative index, set, delete, IndexError', () => {
  const a = [10, 20, 30];
  assert.deepEqual(P('lambda a: to_js([a[0], a[-1], a[1]])', a), [10, 30, 20]);
  assert.equal(P('lambda a: raises(lambda: a[5])', a), 'IndexError');
  P(`
    def f(a):
        a[0] = "x"
        a[-1] = None
        del a[1]
    f`, a);
  assert.deepEqual(a, ['x', undefined]);
  assert.equal(P('lambda o: raises(lambda: o["a"])', { a: 1 }), 'TypeError', 'plain objects are not subscriptable');
});

test('JsArray is a MutableSequence: index, count, reversed, append, extend, pop, slices', () => {
  const a = [1, 2, 3, 2];
  assert.deepEqual(P('lambda a: to_js([a.index(2), a.count(2), list(reversed(a)), list(a)])', a),
    [1, 2, [2, 3, 2, 1], [1, 2, 3, 2]]);
  P(`
    def f(a):
        a.append(4)
        a.extend([5, 6])
        a.pop()
    f`, a);
  assert.deepEqual(a, [1, 2, 3, 2, 4, 5]);
  assert.equal(P('lambda a: repr(a[1:3])', [1, 2, 3]), '2,3');
});

test('indexing maps: get, set, delete, KeyError, keys/values/items/get', () => {
  const m = new Map([['k', 1], [2, 'two']]);
  assert.deepEqual(P('lambda m: to_js([m["k"], m[2], m.get("zz", 5), raises(lambda: m["zz"])])', m), [1, 'two', 5, 'KeyError']);
  assert.deepEqual(P('lambda m: to_js([list(m.keys()), list(m.values()), [list(i) for i in m.items()], list(m)])', m),
    [['k', 2], [1, 'two'], [['k', 1], [2, 'two']], ['k', 2]]);
  P(`
    def f(m):
        m["new"] = 3
        del m["k"]
    f`, m);
  assert.deepEqual([...m], [[2, 'two'], ['new', 3]]);
  assert.equal(P('lambda m: raises(m.__delitem__, "absent")', m), 'KeyError');
  assert.equal(P('lambda m: repr(dict(m))', m), "{2: 'two', 'new': 3}");
});

test('iteration over JS iterables: arrays, Sets, Maps, strings objects, generators', () => {
  assert.deepEqual(P('lambda *a: to_js([list(x) for x in a])', [1, 2], new Set(['a']), new String('ab'),
    (function* g() { yield 1; yield 2; return 3; })()), [[1, 2], ['a'], ['a', 'b'], [1, 2]]);
  assert.deepEqual(P('lambda m: to_js([list(e) for e in m.entries()])', new Map([[1, 2]])), [[1, 2]]);
  assert.equal(P('lambda o: raises(iter, o)', { a: 1 }), 'TypeError');
  assert.equal(P('lambda it: next(it)', [7][Symbol.iterator]()), 7);
});

test('JS generators: send, return value in StopIteration, throw', () => {
  assert.deepEqual(P(`
    def f(g):
        return to_js([next(g), g.send(21)])
    f`, (function* () { const x = yield 1; yield x * 2; })()), [1, 42]);
  assert.equal(P(`
    def f(g):
        next(g)
        try:
            next(g)
        except StopIteration as e:
            return e.value
    f`, (function* () { yield 1; return 5; })()), 5);
  const thrown = P('lambda g: (next(g), g.throw(ValueError("v")))[1]',
    (function* () { try { yield 1; } catch (e) { yield `caught ${e.constructor.name} ${e.type}`; } })());
  assert.equal(thrown, 'caught PythonError ValueError');
});

test('async iterables: async for over a JS async generator, anext', async () => {
  globalThis.__agen = async function* () { yield 1; await null; yield 2; };
  try {
    const r = await py.runPythonAsync(`
from pyodide.ffi import to_js
import js
_vals = [x async for x in js.__agen()]
_it = js.__agen()
_more = [await anext(_it), await _it.__anext__()]
to_js([_vals, _more])`);
    assert.deepEqual(r, [[1, 2], [1, 2]]);
  } finally {
    delete globalThis.__agen;
    py.runPython('del _vals, _it, _more');
  }
});

test('await on promises and thenables; a rejected promise raises JsException', async () => {
  globalThis.__fx = {
    thenable: { then(res) { setTimeout(() => res(42), 1); } },
    promise: Promise.resolve('p'),
    reject: () => Promise.reject(new TypeError('nope')),
  };
  try {
    const r = await py.runPythonAsync(`
import js
_r = [await js.__fx.thenable, await js.__fx.promise, isinstance(js.__fx.thenable, JsPromise)]
try:
    await js.__fx.reject()
except JsException as e:
    _r.append(e.name + ": " + e.message)
to_js(_r)`);
    assert.deepEqual(r, [42, 'p', true, 'TypeError: nope']);
  } finally {
    delete globalThis.__fx;
    py.runPython('del _r');
  }
});

test('to_py(depth=...) converts that many levels', () => {
  assert.deepEqual(P(`
    lambda x: to_js([type(x.to_py()[0]).__name__, type(x.to_py(depth=1)[0]).__name__,
                     type(x.to_py(depth=2)[0][0]).__name__, type(x.to_py(depth=1)).__name__])`, [[[1]]]),
  ['list', 'JsProxy', 'JsProxy', 'list']);
});

test('object_entries, object_keys, object_values', () => {
  const o = { a: 1, b: [2] };
  assert.deepEqual(P('lambda o: to_js([[list(e) for e in o.object_entries()], list(o.object_keys()), len(list(o.object_values()))])', o),
    [[['a', 1], ['b', [2]]], ['a', 'b'], 2]);
});

test('as_object_map: a plain object as a mutable mapping', () => {
  const o = { a: 1, b: { c: 2 } };
  assert.deepEqual(P(`
    def f(o):
        m = o.as_object_map()
        r = [len(m), "a" in m, "z" in m, m["a"], sorted(m), isinstance(m, JsMutableMap)]
        m["z"] = 26
        del m["a"]
        r.append(raises(lambda: m["a"]))
        r.append(type(m["b"]).__name__)
        r.append(isinstance(o.as_object_map(hereditary=True)["b"], JsMutableMap))
        return to_js(r)
    f`, o), [2, true, false, 1, ['a', 'b'], true, 'KeyError', 'JsProxy', true]);
  assert.deepEqual(Object.keys(o), ['b', 'z']);
  assert.equal(o.z, 26);
});

test('dir lists own and inherited properties plus the JsProxy methods', () => {
  assert.deepEqual(P('lambda o: to_js([n in dir(o) for n in ("zz", "toString", "hasOwnProperty", "to_py")])', { zz: 1 }),
    [true, true, true, true]);
});

test('buffers: to_py, to_memoryview, to_bytes, to_string, bytes()', () => {
  const u8 = new Uint8Array([104, 105, 0xc3, 0xa9]);
  assert.deepEqual(P(`
    lambda b: to_js([type(b.to_py()).__name__, b.to_memoryview().tolist(), b.to_bytes() == b"hi\\xc3\\xa9",
                     b.to_string(), b.to_string("latin1"), bytes(b) == b.to_bytes(), len(b), b[0], b[-1]])`, u8),
  ['memoryview', [104, 105, 195, 169], true, 'hié', 'hiÃ©', true, 4, 104, 169]);
  assert.deepEqual(P('lambda f: to_js([f.to_memoryview().format, f.to_memoryview().tolist(), len(f.to_bytes())])',
    new Float32Array([1.5, 2.5])), ['f', [1.5, 2.5], 8]);
  assert.deepEqual(P('lambda *a: to_js([x.to_bytes().hex() for x in a])', new Uint8Array([1, 2]).buffer,
    new DataView(new Uint8Array([5, 6]).buffer), new Uint8Array([1, 2, 3, 4]).subarray(1, 3)), ['0102', '0506', '0203']);
});

test('buffers: assign copies a Python buffer into the TypedArray, assign_to the other way', () => {
  const dst = new Uint8Array(3);
  P('lambda d: d.assign(b"abc")', dst);
  assert.deepEqual([...dst], [97, 98, 99]);
  const f64 = new Float64Array(2);
  P('lambda d: __import__("array").array("d", [0.5, 1.5]) and d.assign(__import__("array").array("d", [0.5, 1.5]))', f64);
  assert.deepEqual([...f64], [0.5, 1.5]);
  assert.equal(P('lambda src: (lambda b: (src.assign_to(b), b.hex())[1])(bytearray(3))', new Uint8Array([1, 2, 3])), '010203');
  assert.equal(P('lambda d: raises(d.assign, b"ab")', new Uint8Array(3)), 'ValueError');
  assert.equal(P('lambda s: raises(s.assign_to, bytearray(2))', new Uint8Array(3)), 'ValueError');
  assert.equal(P('lambda s: raises(s.assign_to, b"abc")', new Uint8Array(3)), 'BufferError', 'bytes are read-only');
});

test('typed arrays support item assignment with JS wrap-around', () => {
  const t = new Uint8Array(2);
  P('lambda t: t.__setitem__(1, 300)', t);
  assert.deepEqual([...t], [0, 44]);
});

test('isinstance against the pyodide.ffi ABCs', () => {
  const cases = [
    [[1], ['JsArray', 'JsIterable', 'JsProxy']],
    [new Map(), ['JsMap', 'JsMutableMap', 'JsIterable']],
    [new Set(), ['JsIterable']],
    [() => 0, ['JsCallable']],
    [new Uint8Array(1), ['JsBuffer', 'JsTypedArray', 'JsArray', 'JsIterable']],
    [new ArrayBuffer(1), ['JsBuffer']],
    [(function* () {})(), ['JsGenerator', 'JsIterator', 'JsIterable']],
    [(async function* () {})(), ['JsAsyncGenerator', 'JsAsyncIterator', 'JsAsyncIterable']],
    [[1][Symbol.iterator](), ['JsIterator']],
    [new Error('e'), ['JsException']],
    [new WeakRef({}), ['JsWeakRef']],
    [{ p: Promise.resolve(1) }.p, ['JsPromise']],
  ];
  const all = ['JsArray', 'JsMap', 'JsMutableMap', 'JsIterable', 'JsCallable', 'JsBuffer', 'JsTypedArray',
    'JsGenerator', 'JsIterator', 'JsAsyncGenerator', 'JsAsyncIterator', 'JsAsyncIterable', 'JsException',
    'JsWeakRef', 'JsPromise', 'JsProxy'];
  const check = py.runPython(`
import pyodide.ffi
lambda x, names: to_js([n for n in names if isinstance(x, getattr(pyodide.ffi, n))])`);
  try {
    for (const [v, want] of cases) {
      const got = check(v, all);
      for (const n of want) assert.ok(got.includes(n), `${Object.prototype.toString.call(v)} should be ${n} (got ${got})`);
    }
    // Pyodide 0.29.5 reports isinstance(<plain object>, JsWeakRef) as True; not required here.
    assert.deepEqual(check({}, all).filter((n) => n !== 'JsWeakRef'), ['JsProxy'], 'a plain object is only a JsProxy');
    assert.deepEqual(check([], all).filter((n) => n.startsWith('JsMap')), []);
    assert.ok(!check(new Set(), all).includes('JsMap'));
    assert.ok(!check(new ArrayBuffer(1), all).includes('JsTypedArray'));
    assert.ok(!check([1][Symbol.iterator](), all).includes('JsGenerator'));
  } finally {
    check.destroy();
  }
});

test('type() of every JsProxy is named JsProxy; the ABCs are not their exact type', () => {
  assert.deepEqual(P('lambda a, m: to_js([type(a).__name__, type(m).__name__, type(a) is JsArray, issubclass(type(a), JsProxy)])',
    [1], new Map()), ['JsProxy', 'JsProxy', false, true]);
});

test('a JS function returning a promise gives a Python future; a promise attribute is a JsPromise', async () => {
  const r = P(`
    def f(make, holder):
        fut = make()
        return to_js([type(fut).__name__, isinstance(fut, JsPromise), isinstance(holder.p, JsPromise)])
    f`, () => Promise.resolve(1), { p: Promise.resolve(2) });
  assert.deepEqual(r, ['PyodideFuture', false, true]);
});

test('JsException: name, message, str, js_error, constructed from Python', () => {
  assert.deepEqual(P(`
    def f(thrower):
        try:
            thrower()
        except JsException as e:
            return to_js([e.name, e.message, str(e), e.js_error.name, isinstance(e, JsProxy), type(e).__name__])
    f`, () => { throw new TypeError('boom'); }), ['TypeError', 'boom', 'TypeError: boom', 'TypeError', true, 'JsException']);
  assert.deepEqual(run(py, '(lambda e: to_js([e.name, e.message, str(e)]))(JsException("MyErr", "hello"))'),
    ['MyErr', 'hello', 'MyErr: hello']);
});

test('non-Error values thrown from JS still arrive as JsException', () => {
  assert.deepEqual(P(`
    def f(*throwers):
        out = []
        for t in throwers:
            try:
                t()
            except JsException as e:
                out.append(str(e).split(":")[0])
        return to_js(out)
    f`, () => { throw 'just a string'; }, () => { throw null; }, () => { throw { code: 7 }; }), ['Error', 'Error', 'Error']);
});

test('js module: attribute lookups on globalThis, assignment creates globals, from js import', () => {
  globalThis.__fromJs = { v: 11 };
  try {
    run(py, `
      js.__setByPy = 5
      from js import __fromJs
      _v = __fromJs.v
    `);
    assert.equal(globalThis.__setByPy, 5);
    assert.equal(py.runPython('_v'), 11);
    assert.equal(run(py, 'raises(lambda: js.__surely_missing__)'), 'AttributeError');
    assert.equal(run(py, 'raises(exec, "from js import __surely_missing__")'), 'ImportError');
  } finally {
    delete globalThis.__fromJs; delete globalThis.__setByPy;
    py.runPython('del _v, __fromJs');
  }
});
