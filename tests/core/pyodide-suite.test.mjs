// Behaviour that Pyodide's own FFI test programs check and the other files of tests/core did not,
// written anew (tests/core/pyodide-suite.txt is the ledger of Pyodide's tests and ours), and the
// ledger's checker: every "covered" entry names a test that exists in tests/core.
import { before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test, load, checkLeaks, dedent, pycall, answer as answerIn, toJsOnce, testsDir, isSangam, TRY_PRELUDE } from './impl.mjs';

let py;
before(async () => {
  py = await load();
});
checkLeaks(beforeEach, afterEach, () => py);
const answer = (src) => answerIn(py, src, PRE);


const PRE = TRY_PRELUDE;

test('a getter that throws is a JsException; a missing attribute an AttributeError; typeof wins over a property', async () => {
  assert.deepEqual(await answer(`
    o = run_js("({get a() { throw new Error('oops'); }, typeof: 7, x: 2})")
    r = [t(lambda: o.x), t(lambda: o.a), t(lambda: o.nothere), o.typeof]
    del o
  `), [2, 'JsException', 'AttributeError', 'object']);
});

test('an object with only next() is iterated by list(); Proxy get and has traps decide attributes', async () => {
  assert.deepEqual(await answer(`
    it = run_js("(() => { let i = 0; return {next() { return i < 3 ? {value: i++, done: false} : {done: true}; }}; })()")
    px = run_js("new Proxy({}, {get(t, k) { return {a: 3, b: 7, c: undefined, d: undefined}[k]; }, has(t, k) { return {a: true, b: false, c: true, d: false}[k]; }})")
    r = [list(it), t(lambda: px.a), t(lambda: px.b), t(lambda: px.c), t(lambda: px.d)]
    del it, px
  `), [[0, 1, 2], 3, 7, undefined, 'AttributeError']);
});

test('from js.a.b import c imports nested JS objects as modules', async () => {
  assert.equal(await answer(`
    import sys
    run_js("globalThis.nestA = {b: {c: {d: 2}}}")
    from js.nestA.b import c
    r = c.d
    del c
    sys.modules.pop("js.nestA", None)
    sys.modules.pop("js.nestA.b", None)
    run_js("delete globalThis.nestA")
  `), 2);
});

test('a capability removed after the proxy was made fails as a JsException; len() then is a TypeError', async () => {
  assert.deepEqual(await answer(`
    run_js("globalThis.mixC = {next() {}, length: 1, get() {}, set() {}, has() {}}; globalThis.mixD = {[Symbol.iterator]() {}}")
    from js import mixC as c, mixD as d
    run_js("delete mixC.next; delete mixC.length; delete mixC.get; delete mixC.set; delete mixC.has; delete mixD[Symbol.iterator]")
    def setit():
        c[0] = 7
    def delit():
        del c[0]
    r = [t(lambda: next(c)), t(lambda: iter(d)), t(lambda: len(c)), t(lambda: c[0]), t(setit), t(delit)]
    del c, d
    run_js("delete globalThis.mixC; delete globalThis.mixD")
  `), ['JsException', 'JsException', 'TypeError', 'JsException', 'JsException', 'JsException']);
});

test('array holes are missing items (IndexError), undefined items are None; del closes a hole', async () => {
  assert.deepEqual(await answer(`
    l = run_js("const l = [0, false, NaN, undefined, null]; l[6] = 7; l")
    a = run_js("[1,,2]")
    r = [t(lambda: l[10]), t(lambda: l[5]), len(l), t(lambda: l[3]), l[6], t(lambda: a[1]), a.to_py()]
    del a[1]
    r.append(a.to_py())
    del l, a
  `), ['IndexError', 'IndexError', 7, undefined, 7, 'IndexError', [1, undefined, 2], [1, 2]]);
});

test('to_string(encoding) decodes a buffer; buffer methods are listed only for buffers', async () => {
  assert.deepEqual(await answer(`
    b = run_js("new Uint8Array([207, 240, 232, 226, 229, 242, 44, 32, 236, 232, 240, 33])")
    methods = {"assign", "assign_to", "to_string", "to_memoryview", "to_bytes"}
    def bad_utf8():
        try:
            b.to_string()
        except ValueError:
            return "ValueError"
    r = [b.to_string("windows-1251"), bad_utf8(), methods < set(dir(b)),
         sorted(set(dir(run_js("({})"))) & methods)]
    del b
  `), ['Привет, мир!', 'ValueError', true, []]);
});

test('typed arrays: no item deletion, no extend, no +=; reverse() reverses in place like an Array', async () => {
  assert.deepEqual(await answer(`
    ta = run_js("new Uint8Array([1, 2, 3, 4])")
    def deltyped():
        del ta[0]
    def iadd():
        x = ta
        x += [1]
    arr = run_js("[3, 1, 2]")
    arr.reverse()
    tarr = run_js("new Int8Array([3, 1, 2])")
    tarr.reverse()
    r = [t(deltyped), hasattr(ta, "extend"), t(iadd), ta[-1], arr.to_py(), list(tarr)]
    del ta, arr, tarr
  `), ['TypeError', false, 'TypeError', 4, [2, 1, 3], [2, 1, 3]]);
});

test('repr and str of JS objects: null prototype, failing toString getters, throwing toString', async () => {
  assert.deepEqual(await answer(`
    r = [repr(run_js("Object.create(null)")), str(run_js("[1,2,3]")),
         str(run_js("({get toString() { throw new Error(); }, [Symbol.toStringTag]: 'SomeTag'})")),
         t(lambda: str(run_js("({toString() { throw new Error('hi!'); }})"))),
         t(lambda: str(run_js("({get [Symbol.toStringTag]() { throw new Error('hi!'); }})")))]
  `), ['[object Object]', '1,2,3', '[object SomeTag]', 'JsException', 'JsException']);
});

test('a revoked Proxy crosses to JS and back; str() of it is a JsException', async () => {
  assert.deepEqual(await answer(`
    rv = run_js("(p = Proxy.revocable({}, {})); p.revoke(); p.proxy")
    back = run_js("((x) => x)")(rv)
    r = [back is not None, t(lambda: str(rv))]
    del rv, back
  `), [true, 'JsException']);
});

test('JsProxy classes cannot be instantiated; an async iterable is not iterable', async () => {
  assert.deepEqual(await answer(`
    ai = run_js("({[Symbol.asyncIterator]() { return (async function*() { yield 1; })(); }})")
    r = [t(lambda: JsProxy()), t(lambda: JsArray()),
         issubclass(type(run_js("[]")), type(run_js("Object.create(null)"))),
         isinstance(run_js("[Promise.resolve()]")[0], JsPromise),
         t(lambda: iter(ai)), isinstance(ai, JsIterable), isinstance(ai, JsAsyncIterable)]
    del ai
  `), ['TypeError', 'TypeError', true, true, 'TypeError', false, true]);
});

test('JS names that are Python keywords take a trailing underscore, in attributes and dir()', async () => {
  assert.deepEqual(await answer(`
    o = run_js("({async: 1, await: 2, False: 3, nonlocal: 4, yield: 5, try: 6, assert: 7, match: 222})")
    names = set(dir(o))
    r = [o.match, o.async_, o.await_, o.False_, o.nonlocal_, o.yield_, o.try_, o.assert_,
         getattr(o, "async"), t(lambda: o.match_),
         sorted(names & {"async_", "await_", "match", "async", "await"})]
    o.async_ = 2
    r.append(run_js("(o) => o.async")(o))
    p = run_js("({async: 1, async_: 2, async__: 3})")
    r += [p.async_, p.async__, p.async___, sorted(set(dir(p)) & {"async_", "async__", "async___"})]
    del o, p
  `), [222, 1, 2, 3, 4, 5, 6, 7, 1, 'AttributeError', ['async_', 'await_', 'match'], 2, 1, 2, 3,
    ['async_', 'async__', 'async___']]);
});

test('as_object_map and as_py_json are offered only where Pyodide offers them', async () => {
  assert.deepEqual(await answer(`
    def has(src, name):
        return hasattr(run_js(src), name)
    r = [[has(s, "as_object_map") for s in ("({[Symbol.iterator]() {}})", "({get() {}})", "({set() {}})", "({})")],
         [has(s, "as_py_json") for s in ("[]", "({})")],
         [has(s, n) for s in ("({next() {}})", "new Uint8Array()", "new ArrayBuffer()", "new Error()", "() => {}")
          for n in ("as_object_map", "as_py_json")],
         has("[]", "as_object_map")]
  `), [[true, true, true, true], [true, true], Array(10).fill(false), false]);
});

test('calling a JS function from Python passes no this (it is not an error value)', async () => {
  assert.equal(await answer(`
    f = run_js("() => new Proxy(() => 1, {apply(target, thisArg, args) { return thisArg === null || thisArg === undefined; }})")()
    r = f()
    del f
  `), true);
});

test('eval_code_async: the last value, awaits of JS promises in its globals, their rejections', async () => {
  assert.deepEqual(await answer(`
    from pyodide.code import eval_code_async
    p = run_js("Promise.resolve(10)")
    r = [await eval_code_async("1+92"), await eval_code_async("x = await p\\nx + 7", globals={"p": p})]
    q = run_js("(async () => { throw new Error('This is an error message!'); })")
    try:
        await eval_code_async("await q()", globals={"q": q})
    except JsException as e:
        r.append(str(e))
    del p, q
  `), [93, 17, 'Error: This is an error message!']);
});

test('bind_sig as Pyodide\'s examples use it: Json, Deep, BindClass results, __call__, __getattr__, Future attributes', async () => {
  assert.deepEqual(await answer(`
    from asyncio import Future
    from typing import Annotated, Any, NotRequired, TypedDict
    from _pyodide.jsbind import BindClass, Deep, Json, Default
    take3 = "(function f(x, y, z) { return [x.get('a'), y.b, z.c]; })"
    def fsig(a: dict[str, int], b: Annotated[dict[str, int], Json], c: Annotated[dict[str, int], Deep], /) -> Annotated[list[int], Deep]: ...
    class A(BindClass):
        x: Annotated[list[int], Deep]
    def ret_a() -> A: ...
    class B(BindClass):
        @staticmethod
        def g(x: Annotated[dict[str, int], Json], /) -> int: ...
        c: Annotated[list[int], Deep]
    class C(BindClass):
        f = staticmethod(fsig)
        y: B
    class F(BindClass):
        def __call__(self, a: dict[str, int], b: Annotated[dict[str, int], Json], c: Annotated[dict[str, int], Deep], /) -> Annotated[list[int], Deep]: ...
    class G:
        def __getattr__(self, name: str) -> F: ...
    class Inner(TypedDict):
        b: int
        c: NotRequired[str]
    class Outer(TypedDict):
        a: list[Inner]
        x: int
    def shape(x: Annotated[Any, Default], /) -> Annotated[Outer, Json]: ...
    class P(BindClass):
        x: Future[Annotated[list[int], Deep]]
    async def af() -> A: ...
    def ff() -> Future[A]: ...
    o = run_js("({f: " + take3 + ", y: {g(x) { return x.a; }, c: [1, 2, 3]}})").bind_sig(C)
    data = run_js("({x: 7, a: [{b: 1, c: 'xyz'}, {b: 2}]})")
    res = run_js("(x) => x").bind_sig(shape)(data)
    res["x"] = 9
    jf = run_js("(async function() { return {x: [1, 2, 3]}; })")
    r = [run_js(take3).bind_sig(fsig)({"a": 2}, {"b": 4}, {"c": 6}),
         run_js("(function() { return {x: [77, 1]}; })").bind_sig(ret_a)().x,
         o.f({"a": 2}, {"b": 4}, {"c": 6}), o.y.g({"a": 7}), o.y.c,
         run_js(take3).bind_sig(F)({"a": 7}, {"b": 9}, {"c": 11}),
         run_js("({f: " + take3 + "})").bind_sig(G).f({"a": 1}, {"b": 2}, {"c": 3}),
         res["a"][0]["c"], "c" in res["a"][1], data.x,
         await run_js("({x: (async () => [1, 2, 3])()})").bind_sig(P).x,
         (await jf.bind_sig(af)()).x, (await jf.bind_sig(ff)()).x]
    del o, data, res, jf
  `), [[2, 4, 6], [77, 1], [2, 4, 6], 7, [1, 2, 3], [7, 9, 11], [1, 2, 3], 'xyz', false, 9, [1, 2, 3],
    [1, 2, 3], [1, 2, 3]]);
});

test('to_js: dict subclasses through their mapping methods; tuple keys in Pyodide\'s words', async () => {
  assert.deepEqual(await answer(`
    from collections import ChainMap
    j = run_js("(d) => JSON.stringify(d.toJs({dict_converter: Object.fromEntries}))")
    class D1(ChainMap, dict):
        pass
    class D2(dict, ChainMap):
        pass
    def msg(f):
        try:
            f()
        except ConversionError as e:
            return str(e)
    r = [j(D1({"a": "b"})), j(D2({"a": "b"})), msg(lambda: to_js({(2, 2): 0})), msg(lambda: to_js({(2, 2)}))]
    del j
  `), ['{"a":"b"}', '{"a":"b"}', 'Cannot use (2, 2) as a key for a Javascript Map',
    'Cannot use (2, 2) as a key for a Javascript Set']);
});

test('long strings cross both ways whole; a callable without Function.prototype is called with this', async () => {
  assert.deepEqual(await answer(`
    s = run_js('"ab".repeat(200000)')
    o = run_js("function nf(...params) { return [this, ...params]; }; Object.setPrototypeOf(nf, {}); ({nf})")
    res = o.nf(1, 2, 3)
    r = [len(s), s.count("ab"), run_js("(s) => s.length === 40000 && s.endsWith('abab')")("ab" * 20000),
         res[0] == o, list(res)[1:]]
    del o, res
  `), [400000, 200000, true, true, [1, 2, 3]]);
});

// ---- PyProxy behaviour seen from JS

const lastLine = (e) => String(e.message).split('\n').filter(Boolean).pop();

test('globals: has() sees builtins; `del open` is a NameError and open is still there', () => {
  py.runPython('yyyyy = 7');
  try {
    assert.deepEqual(['xxxxx', 'yyyyy', 'open', 'globals'].map((n) => py.globals.has(n)), [false, true, true, true]);
    assert.throws(() => py.runPython('del open'), (e) => e.type === 'NameError');
    const open = py.globals.get('open');
    assert.equal(typeof open, 'function');
    open.destroy();
  } finally {
    py.runPython('del yyyyy');
  }
});

test('callKwargs needs its keyword object, and Python\'s argument errors come through', () => {
  const f = py.runPython('def f(x=2, y=3): return [x, y]\nf');
  try {
    assert.throws(() => f.callKwargs(), { name: 'TypeError', message: /^callKwargs requires at least one argument/ });
    assert.throws(() => f.callKwargs({ z: 6 }), (e) => /unexpected keyword argument 'z'/.test(lastLine(e)));
    assert.throws(() => f.callKwargs(76, { x: 6 }), (e) => /multiple values for argument 'x'/.test(lastLine(e)));
  } finally {
    f.destroy();
  }
});

test('an __iter__ that raises and a generator that raises part-way throw PythonErrors in JS', () => {
  const it = py.runPython('class T:\n    def __iter__(self): raise Exception("hi")\nT()');
  const g = py.runPython('def g():\n    yield 1\n    raise Exception("hi")\ng()');
  try {
    assert.throws(() => it[Symbol.iterator](), (e) => e.constructor.name === 'PythonError' && lastLine(e) === 'Exception: hi');
    assert.equal(g.next().value, 1);
    assert.throws(() => g.next(), (e) => e.constructor.name === 'PythonError' && lastLine(e) === 'Exception: hi');
  } finally {
    it.destroy();
    g.destroy();
  }
});

test('an attribute proxy dies with the proxy it was read from; copies and separate results live on', () => {
  const outer = py.runPython('class Tinner:\n    def f(self): return 7\nclass Touter:\n    T = Tinner()\nTouter');
  const inner = outer.T;
  const kept = inner.copy();
  outer.destroy();
  assert.equal(kept.f(), 7);
  assert.throws(() => inner.f(), Error);
  kept.destroy();
  const a = py.runPython('d = {1: 2}; d');
  const b = py.runPython('d');
  assert.deepEqual([a.get(1), b.get(1), a === b], [2, 2, false]);
  a.destroy();
  assert.equal(b.get(1), 2);
  b.destroy();
  py.runPython('del d, Tinner, Touter');
});

test('a callable\'s proxy: Function.prototype methods are there, length and name are not', () => {
  const o = py.runPython('lambda: None');
  try {
    assert.deepEqual(['length', 'name', 'apply', 'bind', 'call', Symbol.hasInstance].map((k) => k in o), [false, false, true, true, true, true]);
    assert.ok(o instanceof Function);
  } finally {
    o.destroy();
  }
});

test('a Python async generator driven from JS: next(value) sends it, return() and throw() follow the protocol', async () => {
  const ag = py.runPython('async def ag():\n    n = 0\n    for _ in range(3):\n        n = yield n + 2\nag()');
  const ag2 = py.runPython('async def ag2():\n    try:\n        yield 1\n        yield 2\n    finally:\n        yield 3\nag2()');
  try {
    assert.deepEqual([await ag.next(), await ag.next(3), await ag.return(5)],
      [{ done: false, value: 2 }, { done: false, value: 5 }, { done: true, value: 5 }]);
    assert.deepEqual([await ag2.next(), await ag2.throw(new TypeError('hi'))], [{ done: false, value: 1 }, { done: false, value: 3 }]);
    // The JS error thrown in comes out again: in sangam as itself (README: an error crossing twice
    // is the original object), in Pyodide as a PythonError naming it.
    await assert.rejects(ag2.next(), (e) => (isSangam ? e instanceof TypeError && e.message === 'hi'
      : e.constructor.name === 'PythonError' && /TypeError: hi/.test(lastLine(e))));
  } finally {
    ag.destroy();
    ag2.destroy();
  }
});

test('bind() chains and captureThis() combine as JS bind does', () => {
  const g = py.runPython('from pyodide.ffi import to_js\ndef g3(*args): return to_js(args)\ng3');
  const c = g.captureThis();
  const b = g.bind(1, 2, 3).bind(5, 6).captureThis();
  try {
    const f1 = c.bind(1);
    assert.deepEqual([f1(2, 3), f1.bind(2)(2, 3), b(-1)], [[1, 2, 3], [1, 2, 3], [1, 2, 3, 6, -1]]);
  } finally {
    g.destroy();
    c.destroy();
    b.destroy?.();
    py.runPython('del g3');
  }
});

test('PyProxy.toJs({default_converter}) converts what has no conversion, with its cache', () => {
  const p = py.runPython('class P:\n    def __init__(self): self.first = 1; self.second = 2\nP()');
  try {
    const conv = (x, convert, cache) => { const r = []; cache(x, r); r.push(convert(x.first), convert(x.second)); return r; };
    assert.deepEqual(p.toJs({ default_converter: conv }), [1, 2]);
  } finally {
    p.destroy();
    py.runPython('del P');
  }
});

// ---- the ledger and its checker

const LEDGER = new URL('./pyodide-suite.txt', import.meta.url);

// The names of the tests in tests/core, as node:test reports them.
function ourTests() {
  const names = new Set();
  for (const f of readdirSync(testsDir).filter((n) => n.endsWith('.test.mjs'))) {
    const src = readFileSync(testsDir + f, 'utf8');
    for (const m of src.matchAll(/^test\((['"`])((?:\\.|(?!\1)[^\\])*)\1/gm)) {
      names.add(m[2].replace(/\\(.)/g, '$1'));
    }
  }
  return names;
}

// The tests listed in known-differences.txt (they do not pass on sangam yet).
function knownDifferences() {
  return new Set(readFileSync(new URL('./known-differences.txt', import.meta.url), 'utf8').split('\n')
    .filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split(' | ')[0].trim()));
}

test('the ledger of Pyodide\'s FFI tests names existing tests for every covered entry', () => {
  const names = ourTests();
  const known = knownDifferences();
  const rows = readFileSync(LEDGER, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const counts = { covered: 0, excluded: 0, missing: 0 };
  const unknown = [];
  const seen = new Set();
  for (const row of rows) {
    const [id, status, what] = row.split(' | ').map((s) => s?.trim());
    assert.ok(id && status && what, `ledger row needs "file::test | status | test or reason": ${row}`);
    assert.ok(!seen.has(id), `ledger names ${id} twice`);
    seen.add(id);
    assert.ok(status in counts, `unknown status ${status} in: ${row}`);
    counts[status]++;
    if (status === 'covered') {
      for (const name of what.split(' && ')) {
        if (!names.has(name)) unknown.push(`${id}: ${name}`);
        else if (known.has(name)) unknown.push(`${id}: ${name} (a known difference, so not covered)`);
      }
    }
  }
  assert.deepEqual(unknown, [], 'covered entries must name tests that exist in tests/core');
  const eligible = counts.covered + counts.missing;
  const pct = (100 * counts.covered / eligible).toFixed(1);
  console.log(`# Pyodide FFI suite ledger: ${rows.length} tests, ${counts.excluded} excluded, ` +
    `${counts.covered} of ${eligible} covered (${pct}%), ${counts.missing} missing`);
});
