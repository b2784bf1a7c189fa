// Issue 12's last items, each checked on both implementations: bind_sig's Json and Annotated
// converters, callWithOptions({promising}), unpackArchive's options, send() on plain iterators,
// throw(GeneratorExit) on a JS generator, which JS objects are mappings, and as_py_json().
import { before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { test, load, checkLeaks, dedent, pycall, answer as answerIn, toJsOnce, isSangam, isPyodide } from './impl.mjs';

let py;
before(async () => {
  py = await load();
});
checkLeaks(beforeEach, afterEach, () => py);
const answer = (src) => answerIn(py, src);


// ---- bind_sig: Json, Annotated, Optional, Future

test('bind_sig: a Json argument reaches JS as a JSON view, a Json result is read with as_py_json', async () => {
  assert.deepEqual(await answer(`
    import json
    from _pyodide.jsbind import Json
    from pyodide.code import run_js
    from pyodide.ffi import JsMap, JsArray
    f = run_js("(x) => [JSON.stringify(x), x.k.length, x.k[1], {a: [1, {b: 2}]}]")
    def sig(x: Json, /) -> JsArray: ...
    seen = f.bind_sig(sig)({"k": [1, 2]})
    def sig2() -> Json: ...
    g = run_js("() => ({a: [1, {b: 2}], s: 'x'})")
    res = g.bind_sig(sig2)()
    dump = json.dumps(res, default=lambda o: dict(o) if isinstance(o, JsMap) else list(o))
    r = [seen[0], seen[1], seen[2], isinstance(res, JsMap), isinstance(res["a"], JsArray),
         res["a"][1]["b"], res["s"], dump]
    del f, g, seen, res
  `), ['{"k":[1,2]}', 2, 2, true, true, 2, 'x', '{"a": [1, {"b": 2}], "s": "x"}']);
});

test('bind_sig: Annotated[T, Deep] and Annotated[T, Json] convert as Deep and Json; Optional and unannotated do not', async () => {
  assert.deepEqual(await answer(`
    from typing import Annotated, Any, Optional
    from _pyodide.jsbind import Deep, Json
    from pyodide.code import run_js
    from pyodide.ffi import JsMap, JsProxy
    f = run_js("(x) => [Array.isArray(x), x instanceof Map, {a: [1]}]")
    def deep(x: Annotated[list, Deep], /) -> Annotated[Any, Deep]: ...
    def json_(x: Annotated[dict, Json], /) -> Optional[Annotated[Any, Json]]: ...
    def plain(x, /) -> list[int]: ...
    a = f.bind_sig(deep)([1, [2]])
    b = f.bind_sig(json_)({"k": 1})
    c = f.bind_sig(plain)([1])
    r = [a, type(b).__name__, isinstance(b, JsMap), b[2]["a"][0], isinstance(c, JsProxy),
         isinstance(c, JsMap)]
    del f, a, b, c
  `), [[true, false, { a: [1] }], 'JsProxy', false, 1, true, false]);
});

test('bind_sig: keyword-only Json arguments and BindClass attributes annotated Deep or Json', async () => {
  assert.deepEqual(await answer(`
    from typing import Annotated
    from _pyodide.jsbind import BindClass, Deep, Json
    from pyodide.code import run_js
    f = run_js("(o) => JSON.stringify(o)")
    def sig(*, x: Json, y=3): ...
    s = f.bind_sig(sig)(x={"k": [1]})
    class A(BindClass):
        y: Annotated[list[int], Deep]
        z: Json
    o = run_js("({y: [1, 2], z: {q: [3]}})").bind_sig(A)
    r = [s, o.y, type(o.y).__name__, o.z["q"][0]]
    del f, o, A
  `), ['{"x":{"k":[1]},"y":3}', [1, 2], 'list', 3]);
});

test('bind_sig: an async signature or a Future[X] result awaits the promise and converts as X', async () => {
  assert.deepEqual(await answer(`
    from asyncio import Future
    from _pyodide.jsbind import Deep, Json
    from pyodide.code import run_js
    g = run_js("async (x) => ({r: x})")
    async def s1(x: Deep, /) -> Deep: ...
    async def s2(x, /) -> Json: ...
    def s3(x: Deep, /) -> Future[Deep]: ...
    a = await g.bind_sig(s1)([1, 2])
    b = await g.bind_sig(s2)(5)
    c = await g.bind_sig(s3)([3])
    r = [a, type(b).__name__, b["r"], c]
    del g, b
  `), [{ r: [1, 2] }, 'JsProxy', 5, { r: [3] }]);
});

// ---- as_py_json

test('as_py_json(): arrays are sequences and objects mappings, deeply; functions stay themselves', async () => {
  assert.deepEqual(await answer(`
    from pyodide.code import run_js
    from pyodide.ffi import JsArray, JsMap
    o = run_js("({a: [1, 2, {b: 7}], f() {}})").as_py_json()
    a = run_js("([{b: 1}, {b: 3}, [5]])").as_py_json()
    r = [isinstance(o, JsMap), "a" in o, len(o), isinstance(o["a"], JsArray), o["a"][-1]["b"],
         sorted(o.keys()), [e["b"] for e in list(a)[:2]], a[2][0], isinstance(o["f"], JsMap),
         [(k, v.to_py()) for (k, v) in o.items() if k == "a"]]
    del o, a
  `), [true, true, 2, true, 7, ['a', 'f'], [1, 3], 5, false, [['a', [1, 2, { b: 7 }]]]]);
});

test('as_object_map(hereditary=True) leaves arrays, typed arrays, errors and buffers alone', async () => {
  assert.deepEqual(await answer(`
    from pyodide.code import run_js
    from pyodide.ffi import JsMutableMap, JsArray
    o = run_js("({0: [1], 1: new Uint8Array(2), 2: new Error('e'), 3: new ArrayBuffer(1), 4: {x: 1}})").as_object_map(hereditary=True)
    r = [isinstance(o["0"], JsArray), isinstance(o["0"], JsMutableMap), isinstance(o["1"], JsMutableMap),
         isinstance(o["2"], JsMutableMap), isinstance(o["3"], JsMutableMap), isinstance(o["4"], JsMutableMap),
         o["4"]["x"]]
    del o
  `), [true, false, false, false, false, true, 1]);
});

// ---- which JS objects are mappings (Pyodide: get(), a size and an iterator)

test('get() and has() without a size make a Container, not a Mapping; get() alone is subscriptable', async () => {
  assert.deepEqual(await answer(`
    from collections.abc import Container, Mapping, MutableMapping, Sized, Iterable
    from pyodide.code import run_js
    def kinds(src):
        o = run_js(src)
        return [isinstance(o, c) for c in (Container, Sized, Iterable, Mapping, MutableMapping)]
    r = [
        kinds("({get(k) { return k; }, has(k) { return true; }})"),
        kinds("({get(k) { return k; }, has(k) { return true; }, set() {}, delete() {}})"),
        kinds("({get(k) { return k; }, size: 1, *[Symbol.iterator]() { yield 1; }})"),
        kinds("({get(k) { return k; }, size: 1, set() {}, *[Symbol.iterator]() { yield 1; }})"),
        kinds("new Map([[1, 2]])"),
        kinds("({has(k) { return true; }})"),
        run_js("({get(k) { return k * 2; }})")[21],
        list(dict(run_js("({get(k) { return k * 2; }, size: 1, *[Symbol.iterator]() { yield 4; }})")).items()),
    ]
  `), [
    [true, false, false, false, false],
    [true, false, false, false, false],
    [true, true, true, true, false],
    [true, true, true, true, true],
    [true, true, true, true, true],
    [true, false, false, false, false],
    42,
    [[4, 8]],
  ]);
});

test('an object with get() that returns undefined: None, or KeyError when has() says the key is missing', async () => {
  assert.deepEqual(await answer(`
    from pyodide.code import run_js
    def t(f):
        try:
            return f()
        except Exception as e:
            return type(e).__name__
    a = run_js("({get() { return undefined; }, has() { return false; }})")
    b = run_js("({get() { return undefined; }})")
    c = run_js("({set() {}, delete() { return false; }})")
    def d():
        del c[1]
    r = [t(lambda: a[1]), t(lambda: b[1]), t(d), t(lambda: 1 in b)]
    del a, b, c
  `), ['KeyError', undefined, 'KeyError', 'TypeError']);
});

// ---- iterators that are no generators

test('send() works on any JS iterator; bad results are TypeErrors in Pyodide\'s words', async () => {
  assert.deepEqual(await answer(`
    from pyodide.code import run_js
    from pyodide.ffi import JsIterator, JsAsyncIterator, JsGenerator
    def t(f):
        try:
            v = f()
            return v.to_py() if hasattr(v, "to_py") else v
        except Exception as e:
            return f"{type(e).__name__}: {e.value if isinstance(e, StopIteration) else e}"
    g = run_js("(() => { let n = 0; return {next(x) { n++; return n > 2 ? {done: true, value: 'end ' + x} : {done: false, value: [n, x]}; }}; })()")
    kinds = [isinstance(g, JsIterator), isinstance(g, JsAsyncIterator), isinstance(g, JsGenerator)]
    r = [kinds, t(lambda: g.send(None)), t(lambda: g.send(5)), t(lambda: g.send(6)),
         t(lambda: run_js("({next() { return 2; }})").send(None)),
         t(lambda: next(run_js("({next() { return 2; }})"))),
         t(lambda: run_js("({next() { return Promise.resolve(2); }})").send(None)),
         t(lambda: run_js("({next() { return {}; }})").send(None)),
         [isinstance(run_js(s), JsAsyncIterator) for s in ("[].values()", "(function*(){})()")]]
    del g
  `), [[true, true, false], [1, undefined], [2, 5], 'StopIteration: end 6',
    'TypeError: Result should have type "object" not "number"',
    'TypeError: Result should have type "object" not "number"',
    'TypeError: Result was a promise, use anext() / asend() / athrow() instead.',
    'TypeError: Result has no "done" field.', [false, false]]);
});

test('asend() works on a JS iterator with next() returning promises; anext() refuses plain results', async () => {
  assert.deepEqual(await answer(`
    from pyodide.code import run_js
    g = run_js("(() => { let n = 0; return {next(x) { n++; return Promise.resolve(n > 2 ? {done: true} : {done: false, value: [n, x]}); }}; })()")
    r = [(await g.asend(3)).to_py(), (await anext(g)).to_py()]
    try:
        await g.asend(4)
    except StopAsyncIteration:
        r.append("StopAsyncIteration")
    for src in ("({next() { return {done: false, value: 1}; }})", "({next() { return 5; }})"):
        try:
            await anext(run_js(src))
        except TypeError as e:
            r.append(str(e))
    del g
  `), [[1, 3], [2, undefined], 'StopAsyncIteration', 'Result of anext() was not a promise, use next() instead.',
    'Result of anext() should be object not number']);
});

test('throw(GeneratorExit) into a JS generator asks it to return, as Pyodide does', async () => {
  assert.deepEqual(await answer(`
    from pyodide.code import run_js
    def t(f):
        try:
            return f()
        except BaseException as e:
            return type(e).__name__
    log = []
    f = run_js("(log) => (function*() { try { yield 1; yield 2; } finally { log.append('finally'); } })()")
    g = f(log)
    r = [next(g), t(lambda: g.throw(GeneratorExit)), t(lambda: next(g)), log]
    c = run_js("(function*() { try { yield 1; } catch (e) { yield 'caught'; } })")()
    r += [next(c), t(lambda: c.throw(GeneratorExit())), t(lambda: next(c))]
    y = run_js("(function*() { try { yield 1; } finally { yield 2; } })")()
    r += [next(y), t(lambda: y.throw(GeneratorExit)), t(lambda: next(y))]
    e = run_js("(function*() { try { yield 1; } catch (e) { yield 'caught'; } })")()
    r += [next(e), t(lambda: e.throw(ValueError("v")))]
    del f, g, c, y, e
  `), [1, 'StopIteration', 'StopIteration', ['finally'], 1, 'StopIteration', 'StopIteration',
    1, 2, 'StopIteration', 1, 'caught']);
});

// ---- callWithOptions({promising}) and unpackArchive's options

test('callWithOptions({promising: true}) returns a Promise (sangam: of the result; Pyodide in Node: rejected, no JSPI)', async () => {
  const f = py.runPython('def f(a, b=2, *, c=3): return [a, b, c]\nf');
  try {
    const p = f.callWithOptions({ promising: true }, 1, 5);
    assert.ok(p instanceof Promise);
    const k = f.callWithOptions({ promising: true, kwargs: true }, 1, { c: 9 });
    assert.ok(k instanceof Promise);
    const c = f.callPromising(1);
    assert.ok(c instanceof Promise);
    const settled = await Promise.allSettled([p, k, c]);
    if (isSangam) {
      const values = settled.map((s) => { const v = s.value.toJs(); s.value.destroy(); return v; });
      assert.deepEqual(values, [[1, 5, 3], [1, 2, 9], [1, 2, 3]]);
      await assert.rejects(f.callWithOptions({ promising: true }, 1, 2, 3, 4), { type: 'TypeError' });
    } else {
      for (const s of settled) {
        assert.equal(s.status, 'rejected');
        assert.match(s.reason.message, /stack switching not supported/);
      }
    }
    assert.deepEqual(js(f.callWithOptions({ promising: false }, 7)), [7, 2, 3]);
  } finally {
    f.destroy();
  }
});

const js = toJsOnce;

test('unpackArchive takes Pyodide\'s options (calculateDynlibs is accepted and returns nothing); a non-buffer is a TypeError', () => {
  const zip = py.runPython(`
import io, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("pkg/mod.py", "x = 1\\n")
    z.writestr("pkg/_ext.cpython-313-wasm32-emscripten.so", b"\\0asm")
b.getvalue()`);
  try {
    const bytes = zip.toJs();
    const r = py.unpackArchive(bytes, 'zip', { extractDir: '/tmp/unpack12', calculateDynlibs: true });
    assert.equal(r, undefined);
    assert.equal(py.FS.readFile('/tmp/unpack12/pkg/mod.py', { encoding: 'utf8' }), 'x = 1\n');
    assert.throws(() => py.unpackArchive('not a buffer', 'zip'), {
      name: 'TypeError', message: "Expected argument 'buffer' to be an ArrayBuffer or an ArrayBuffer view",
    });
  } finally {
    zip.destroy();
    py.runPython('import shutil; shutil.rmtree("/tmp/unpack12", ignore_errors=True)');
  }
});
