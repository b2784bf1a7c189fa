// Finer points of the two proxies and of to_js that Pyodide's own FFI tests check (ledger:
// pyodide-suite.txt): which Function properties a PyProxy shows, bind() and captureThis(),
// release by JS's garbage collector, errors from every PyProxy operation, to_js's converters
// (dict_converter's cache, eager_converter, LiteralMap), JS functions as methods of Python
// classes, and bind_sig's converter classes and `_sig`.
import { before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { test, load, loadFresh, checkLeaks, answer as answerIn, collectGarbage, withModule, toJsOnce, TRY_PRELUDE } from './impl.mjs';

let py;
before(async () => {
  py = await load();
});
checkLeaks(beforeEach, afterEach, () => py);

const PRE = TRY_PRELUDE;
const answer = (src) => answerIn(py, src, PRE);
const isPythonError = (e) => e instanceof py.ffi.PythonError;

// Runs f in strict mode (assignments the Proxy refuses throw there).
const strict = (f) => f();

// ---- Function properties, `$` names

test('a dict\'s proxy has no prototype, caller or name; its methods\' proxies have a prototype; $name is the Python attribute', () => {
  const d = py.runPython('{}');
  const gi = d.__getitem__;
  try {
    assert.deepEqual(['prototype', 'caller', 'name', 'length'].map((k) => k in d), [false, false, false, true]);
    assert.deepEqual(['prototype' in gi, gi.prototype, 'length' in gi, 'name' in gi], [true, undefined, false, false]);
    assert.equal(d.$get.type, 'builtin_function_or_method');
    assert.deepEqual([d.get.type, d.set.type], [undefined, undefined]);
  } finally {
    d.destroy();
  }
});

test('a class\'s proxy: prototype, name and length are its Python attributes, set and deleted there', () => {
  const [T, i] = py.runPython('from pyodide.ffi import to_js\nclass PdT: pass\nto_js([PdT, PdT()])');
  try {
    assert.deepEqual([T.prototype, 'name' in T, 'length' in T], [undefined, false, false]);
    assert.deepEqual(['prototype', 'caller', 'name', 'length'].map((k) => k in i), [false, false, false, false]);
    T.prototype = 7;
    T.name = 8;
    T.length = 9;
    assert.deepEqual(toJsOnce(py.runPython('(PdT.prototype, PdT.name, PdT.length)')), [7, 8, 9]);
    // (`prototype` is the function's own, which JS does not let a Proxy delete.)
    assert.throws(() => strict(() => { 'use strict'; delete T.prototype; }), TypeError);
    delete T.name;
    delete T.length;
    assert.deepEqual(toJsOnce(py.runPython('(PdT.prototype, hasattr(PdT, "name"), hasattr(PdT, "length"))')), [7, false, false]);
  } finally {
    T.destroy();
    i.destroy();
    py.runPython('del PdT');
  }
});

test('Python attributes named caller, prototype, name and length are what a callable\'s proxy shows', () => {
  const [T, i] = py.runPython(`from pyodide.ffi import to_js
class PdC:
    caller = "fifty"
    prototype = "prototype"
    name = "me"
    length = 7
    def __call__(self, x):
        return x + 1
to_js([PdC, PdC()])`);
  try {
    assert.deepEqual([T.$prototype, T.prototype, T.name, T.length], ['prototype', 'prototype', 'me', 7]);
    assert.deepEqual([i.caller, 'prototype' in i, i.prototype, i.name, i.length, i(7)], ['fifty', true, 'prototype', 'me', 7, 8]);
  } finally {
    T.destroy();
    i.destroy();
    py.runPython('del PdC');
  }
  const c = py.runPython('class PdD:\n    def __call__(self, x): return x\nPdD()');
  try {
    assert.deepEqual(['prototype' in c, c.prototype], [true, undefined]);
  } finally {
    c.destroy();
    py.runPython('del PdD');
  }
});

test('a sized object\'s length cannot be assigned (strict mode: TypeError) and delete leaves it', () => {
  const [T, i] = py.runPython('from pyodide.ffi import to_js\nclass PdL:\n    def __len__(self): return 9\nto_js([PdL, PdL()])');
  try {
    assert.deepEqual(['length' in T, i.length, i instanceof py.ffi.PyProxyWithLength], [false, 9, true]);
    assert.throws(() => strict(() => { 'use strict'; i.length = 10; }), TypeError);
    delete i.length;
    assert.equal(i.length, 9);
  } finally {
    T.destroy();
    i.destroy();
    py.runPython('del PdL');
  }
});

test('`in` a PyProxy: then, catch, finally, Symbol.iterator and next only where Python has the protocol', () => {
  const all = py.runPython(`from pyodide.ffi import to_js
class PdNo: pass
class PdAwait:
    def __await__(self): return iter([])
class PdIter:
    def __iter__(self): return iter([])
class PdNext:
    def __next__(self): pass
class PdAwaitIter(PdAwait, PdIter): pass
class PdAwaitNext(PdAwait, PdNext): pass
to_js([PdNo(), PdAwait(), PdIter(), PdNext(), PdAwaitIter(), PdAwaitNext()])`);
  try {
    const has = (x) => ['then', 'catch', 'finally', Symbol.iterator, 'next'].map((k) => (k in x ? 1 : 0)).join('');
    assert.deepEqual(all.map(has), ['00000', '11100', '00010', '00011', '11110', '11111']);
  } finally {
    for (const x of all) x.destroy();
    py.runPython('del PdNo, PdAwait, PdIter, PdNext, PdAwaitIter, PdAwaitNext');
  }
});

// ---- garbage collection

test('a PyProxy that JS drops without destroy() is released by JS\'s garbage collector', async () => {
  py.runPython(`import sys
class PdGc:
    def __del__(self):
        pd_gc_log.append("del")
pd_gc_log = []
pd_gc = PdGc()`);
  const count = () => py.runPython('sys.getrefcount(pd_gc)');
  const base = count();
  (() => {
    const p = py.runPython('pd_gc');
    assert.equal(count(), base + 1);
    p.copy(); // (dropped at once too)
  })();
  // Collected within a few rounds (JS decides when; nothing else holds the proxies).
  for (let i = 0; i < 20 && count() !== base; i++) await collectGarbage();
  assert.equal(count(), base);
  py.runPython('del pd_gc');
  assert.deepEqual(toJsOnce(py.runPython('pd_gc_log')), ['del']);
  py.runPython('del pd_gc_log, PdGc');
});

// ---- errors from every operation

test('every PyProxy operation on an object whose dunders raise throws a PythonError; after destroy() an Error', async () => {
  const o = py.runPython(`def pd_te(self, *args, **kwargs):
    raise Exception(repr(args))
class PdTemp:
    __getattr__ = __setattr__ = __delattr__ = __dir__ = __call__ = pd_te
    __getitem__ = __setitem__ = __delitem__ = __iter__ = __len__ = pd_te
    __contains__ = __await__ = __repr__ = pd_te
PdTemp()`);
  try {
    const ops = [() => o.x, () => { o.x = 2; }, () => { delete o.x; }, () => Object.getOwnPropertyNames(o),
      () => o(), () => o.get(1), () => o.set(1, 2), () => o.delete(1), () => o.has(1), () => o.length,
      () => o.toString(), () => Array.from(o)];
    for (const op of ops) assert.throws(op, isPythonError, String(op));
    await assert.rejects(async () => await o, isPythonError);
  } finally {
    o.destroy();
    py.runPython('del PdTemp, pd_te');
  }
  assert.throws(() => o.type, (e) => e.constructor === Error && e.message.startsWith('Object has already been destroyed'));
});

// ---- bind, captureThis

test('bind() and captureThis() chain in any order as JS bind does', () => {
  const g = py.runPython('from pyodide.ffi import to_js\ndef pd_args(*args): return to_js(args)\npd_args');
  const made = [g];
  const keep = (p) => (made.push(p), p); // (each bind() and captureThis() is a new PyProxy)
  const f = keep(g.captureThis());
  const js = function (...args) { return [this, ...args]; };
  const plain = function (...args) { return args; };
  try {
    const same = (a, b) => assert.deepEqual(a(2, 3, 4), b(2, 3, 4));
    same(keep(f.bind(1)), js.bind(1));
    same(keep(keep(f.bind(1)).bind(2)), js.bind(1).bind(2));
    same(keep(f.bind(2)), js.bind(2));
    const g1 = keep(g.bind(1, 2, 3, 4));
    const g2 = keep(g1.bind(5, 6, 7, 8));
    same(g1, plain.bind(1, 2, 3, 4));
    same(g2, plain.bind(1, 2, 3, 4).bind(5, 6, 7, 8));
    assert.deepEqual(keep(g2.captureThis())(-1, -2), [1, 2, 3, 4, 6, 7, 8, -1, -2]);
    assert.deepEqual(keep(f.bind(1)).call(9, 2), [1, 2]);
  } finally {
    for (const p of made) p.destroy();
    py.runPython('del pd_args');
  }
});

// ---- to_js's converters

test('with a dict_converter, a dict reached twice converts to the same JS object', () => {
  const d = py.runPython('pd_d = {0: {1: 2}}; pd_d[1] = pd_d[0]; pd_d');
  try {
    const r = d.toJs({ dict_converter: Object.fromEntries });
    assert.ok(r[0] === r[1]);
    assert.deepEqual(r[0], { 1: 2 });
  } finally {
    d.destroy();
    py.runPython('del pd_d');
  }
});

test('dict_converter applies to the dicts a default_converter converts', async () => {
  assert.equal(await answer(`
    from js import Object
    class A:
        pass
    r = to_js(A, dict_converter=Object.fromEntries, default_converter=lambda o, c, _: c({"a": 2})).a
  `), 2);
});

test('to_js(eager_converter=...) sees every value first; convert() is the built-in conversion; a Python result is proxied', async () => {
  assert.deepEqual(await answer(`
    from js import Array
    rec_list = []
    rec_list.append(rec_list)
    rec_dict = {}
    rec_dict[0] = rec_dict
    thing = [{1: 2}, (2, 4, 6)]
    seen = []
    def normal(value, convert, cache):
        seen.append(type(value).__name__)
        return convert(value)
    def reject_tuples(value, convert, cache):
        if isinstance(value, tuple):
            raise ConversionError("We don't convert tuples!")
        return convert(value)
    def proxy_tuples(value, convert, cache):
        return value if isinstance(value, tuple) else convert(value)
    def swap(value, convert, cache):
        return convert((7, 8)) if isinstance(value, list) and value == [1] else convert(value)
    is_cycle = run_js("(x) => x[0] === x")
    out = [is_cycle(to_js(rec_list, eager_converter=normal)),
           is_cycle(to_js(rec_dict, eager_converter=normal)),
           to_js(thing, eager_converter=normal).to_py(), seen]
    to_js(rec_list, eager_converter=reject_tuples)
    to_js(rec_dict, eager_converter=reject_tuples)
    out.append(t(lambda: to_js(thing, eager_converter=reject_tuples)))
    proxies = Array.new()
    res = to_js(thing, eager_converter=proxy_tuples, pyproxies=proxies)
    out += [res[-1] == (2, 4, 6), len(proxies)]
    destroy_proxies(proxies)
    out.append(to_js([[1], "s"], eager_converter=swap).to_py())
    r = out
    del res, proxies, rec_list, rec_dict, is_cycle
  `), [true, true, [{ 1: 2 }, [2, 4, 6]], ['list', 'dict', 'list', 'dict', 'tuple'], 'ConversionError', true, 1, [[7, 8], 's']]);
});

test('loadPyodide({toJsLiteralMap: true}): to_js makes a dict a LiteralMap, a Map whose string keys are properties', async () => {
  const p = await loadFresh({ toJsLiteralMap: true });
  const res = p.runPython('from pyodide.ffi import to_js\nto_js({"a": 6, "b": 10, 6: 9, "get": 77, True: 90})');
  assert.equal(res.constructor.name, 'LiteralMap');
  assert.ok(res instanceof Map);
  assert.deepEqual(['a' in res, 'b' in res, 6 in res, 'get' in res, true in res], [true, true, false, true, false]);
  assert.deepEqual(['a', 'b', 6, 'get', true].map((k) => res.has(k)), [true, true, true, true, true]);
  assert.deepEqual([res.a, res.b, res[6], typeof res.get, res[true]], [6, 10, undefined, 'function', undefined]);
  assert.deepEqual(['a', 'b', 6, 'get', true].map((k) => res.get(k)), [6, 10, 9, 77, 90]);
  res.delete('a');
  assert.deepEqual(['a' in res, res.has('a')], [false, false]);
  res.a = 7;
  assert.deepEqual([res.a, res.get('a')], [7, 7]);
  res.set('a', 99);
  assert.deepEqual([res.a, res.get('a')], [99, 99]);
  delete res.a;
  assert.deepEqual(['a' in res, res.has('a')], [false, false]);
  assert.equal(JSON.stringify(res), '{"b":10}');
});

// ---- JsProxy: JS functions as methods, bind_sig

test('a JS function stored on a Python class is a method: called through an instance, `this` is the instance', async () => {
  assert.deepEqual(await answer(`
    class T:
        f = run_js("(function f(x) { return this[x]; })")
    i = T()
    i.a = 7
    i.b = 66
    r = [i.f("a"), i.f("b"), i.f("c"), T.f is T.__dict__["f"]]
    del T, i
  `), [7, 66, undefined, true]);
});

test('bind_sig: Py2JsConverterMeta classes convert arguments (pre_convert), Js2PyConverterMeta results (post_convert)', async () => {
  assert.deepEqual(await answer(`
    from typing import Annotated
    from _pyodide.jsbind import Deep, Py2JsConverterMeta, Js2PyConverterMeta
    from js import Headers
    f = run_js("(x) => [x.toString(), JSON.stringify(Array.from(x))]")
    class ToHeaders(metaclass=Py2JsConverterMeta):
        @staticmethod
        def pre_convert(value):
            return Headers.new(value.items())
    class Count(metaclass=Js2PyConverterMeta):
        @staticmethod
        def post_convert(value):
            return len(value)
    def a(x: Annotated[dict[str, str] | None, ToHeaders], /) -> Annotated[list[str], Deep]: ...
    def b(x: Annotated[dict[str, str], ToHeaders], /) -> Annotated[list[str], Count]: ...
    r = [f.bind_sig(a)({"x": "y"}), f.bind_sig(b)({"x": "y"}), type(ToHeaders).__name__,
         t(lambda: Py2JsConverterMeta("X", (), {}))]
    del f
  `), [['[object Headers]', '[["x","y"]]'], 2, 'Py2JsConverter', 'KeyError']);
});

test('a bound proxy\'s _sig is its signature, also for attributes and results bound through self-referencing annotations', () => {
  py.runPython(`from _pyodide.jsbind import BindClass
from pyodide.code import run_js
class PdA(BindClass):
    a: "PdA"
    @staticmethod
    def f() -> "PdA":
        raise NotImplementedError
pd_a = run_js("({f() { return this; }})")
pd_a.a = pd_a
pd_b = pd_a.bind_sig(PdA)
pd_r = [pd_b._sig is PdA, pd_b.a._sig is PdA, pd_b.a.a._sig is PdA, pd_b.f()._sig is PdA]`);
  try {
    assert.deepEqual(toJsOnce(py.runPython('pd_r')), [true, true, true, true]);
  } finally {
    py.runPython('pd_a.a = None\ndel pd_a, pd_b, pd_r, PdA');
  }
});

// ---- reference counts

test('an attribute read through a PyProxy holds one reference until it or its owner is destroyed', () => {
  const o = py.runPython('import sys\nclass PdAttr:\n    a = {}\npd_attr = PdAttr()\npd_attr');
  const counts = () => toJsOnce(py.runPython('[sys.getrefcount(pd_attr), sys.getrefcount(pd_attr.a)]'));
  try {
    assert.deepEqual(counts(), [3, 2]);
    o.a;
    assert.deepEqual(counts(), [3, 3]);
    o.a.destroy();
    assert.deepEqual(counts(), [3, 2]);
    o.a;
    assert.deepEqual(counts(), [3, 3]);
  } finally {
    o.destroy();
  }
  assert.deepEqual(counts(), [2, 2]);
  py.runPython('del pd_attr, PdAttr');
});

// ---- odds and ends

test('PyProxies of array("Q") and array("u") are buffers, made and destroyed without leaving an error set', () => {
  py.runPython('import array\npd_q = array.array("Q", [1, 2, 3])\npd_u = array.array("u", "123")');
  for (const name of ['pd_q', 'pd_u']) {
    const p = py.runPython(name);
    assert.ok(p instanceof py.ffi.PyBuffer);
    p.destroy();
    assert.equal(py.runPython('1 + 1'), 2);
  }
  py.runPython('del pd_q, pd_u');
});

test('`from mod import *` of a JS module made from a non-extensible object takes its names', () => {
  withModule(py, 'pd_sealed', Object.preventExtensions({ aaa: 2, bbb: 7 }), () => {
    assert.deepEqual(toJsOnce(py.runPython('pd_ns = {}\nexec("from pd_sealed import *", pd_ns)\nr = sorted(k for k in pd_ns if k != "__builtins__")\ndel pd_ns\nr')), ['aaa', 'bbb']);
    py.runPython('del r');
  });
});
