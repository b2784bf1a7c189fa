// Every row of Pyodide's "Type translations" page, both directions: implicit conversions, proxying,
// round trips, explicit to_js/toJs and to_py/toPy, and buffers.
import { before, beforeEach, afterEach } from 'node:test';
import { test } from './impl.mjs';
import assert from 'node:assert/strict';
import { load, checkLeaks, pycall, run, isSangam } from './impl.mjs';

let py;
before(async () => {
  py = await load();
  run(py, `
    import js
    from pyodide.ffi import to_js, create_proxy, jsnull, JsProxy, ConversionError
    def describe(x):
        # type name and repr, as a JS array (no proxy crosses back)
        return to_js([type(x).__name__, repr(x)])
  `);
});
checkLeaks(beforeEach, afterEach, () => py);

const describe = (v) => pycall(py, 'describe', v);
const jsTypeof = (pyExpr) => pycall(py, `lambda f: f(${pyExpr})`, (x) => typeof x);

// ---------------------------------------------------------------------------------------------
// Implicit conversions, Python -> JavaScript

test('py->js: int in the safe range is a Number', () => {
  for (const [expr, want] of [['0', 0], ['7', 7], ['-7', -7], ['2**31', 2 ** 31], ['2**52', 2 ** 52],
    ['2**53 - 2', 2 ** 53 - 2], ['-(2**53 - 2)', -(2 ** 53 - 2)]]) {
    const v = py.runPython(expr);
    assert.equal(typeof v, 'number', expr);
    assert.equal(v, want, expr);
  }
});

test('py->js: int outside the safe range is a BigInt', () => {
  assert.equal(py.runPython('2**64'), 2n ** 64n);
  assert.equal(py.runPython('-(2**70) + 3'), -(2n ** 70n) + 3n);
  assert.equal(py.runPython('10**30'), 10n ** 30n);
  // Pyodide 0.29.5 converts to a Number only when |x| < 2**53 - 1, so both 2**53 - 1 and 2**53 are
  // BigInts (the docs say "between -2^53 and 2^53 inclusive"); we follow 0.29.5.
  assert.equal(py.runPython('2**53'), 2n ** 53n);
  // sangam follows the docs here (safe integers, 2**53 - 1 included, are Numbers).
  assert.equal(py.runPython('2**53 - 1'), isSangam ? 2 ** 53 - 1 : 2n ** 53n - 1n);
  assert.equal(py.runPython('-(2**53 - 1)'), isSangam ? -(2 ** 53 - 1) : -(2n ** 53n - 1n));
  assert.equal(py.runPython('2**53 + 1'), 2n ** 53n + 1n);
});

test('py->js: int arguments to a JS function are Number or BigInt by the same rule', () => {
  assert.equal(jsTypeof('2**40'), 'number');
  assert.equal(jsTypeof('-(2**52)'), 'number');
  // The docs: a Number when it is a safe integer (|n| <= 2**53 - 1); Pyodide 0.29.5 makes 2**53 - 1
  // a BigInt in arguments although it returns it as a Number.
  assert.equal(jsTypeof('2**53 - 1'), isSangam ? 'number' : 'bigint');
  assert.equal(jsTypeof('2**53'), 'bigint');
  assert.equal(jsTypeof('2**100'), 'bigint');
  assert.equal(pycall(py, 'lambda f: f(2**100)', (x) => x === 2n ** 100n), true);
});

test('py->js: float is a Number, including -0.0, inf and nan', () => {
  assert.equal(py.runPython('1.5'), 1.5);
  assert.equal(py.runPython('2.0'), 2);
  assert.ok(Object.is(py.runPython('-0.0'), -0));
  assert.equal(py.runPython('float("inf")'), Infinity);
  assert.equal(py.runPython('float("-inf")'), -Infinity);
  assert.ok(Number.isNaN(py.runPython('float("nan")')));
  assert.equal(py.runPython('1e308 * 10'), Infinity);
  assert.equal(py.runPython('5e-324'), 5e-324);
  assert.equal(jsTypeof('1.0'), 'number');
});

test('py->js: str is a String, with non-BMP characters as surrogate pairs', () => {
  assert.equal(py.runPython('"plain"'), 'plain');
  assert.equal(py.runPython('""'), '');
  assert.equal(py.runPython('"h\\u00e9llo \\u2713 \\U0001F600"'), 'héllo ✓ 😀');
  assert.equal(py.runPython('len("\\U0001F600")'), 1);
  assert.equal(py.runPython('"\\U0001F600"').length, 2);
  assert.equal(py.runPython('"nul\\x00inside"'), 'nul\0inside');
  assert.equal(jsTypeof('"x"'), 'string');
});

test('py->js: bool is a Boolean (not a number)', () => {
  assert.equal(py.runPython('True'), true);
  assert.equal(py.runPython('False'), false);
  assert.equal(jsTypeof('True'), 'boolean');
  assert.equal(jsTypeof('1 == 1'), 'boolean');
});

test('py->js: None is undefined', () => {
  assert.equal(py.runPython('None'), undefined);
  assert.equal(jsTypeof('None'), 'undefined');
  assert.equal(pycall(py, 'lambda f: f(None)', (...a) => a.length === 1 && a[0] === undefined), true);
});

test('py->js: results of Python functions and PyProxy attributes are converted the same way', () => {
  const f = py.runPython('lambda: (3, 2**64, 0.5, "s", True, None)');
  const t = f();
  assert.deepEqual([...t], [3, 2n ** 64n, 0.5, 's', true, undefined]);
  t.destroy(); f.destroy();
  const ns = py.runPython('import types; types.SimpleNamespace(i=1, big=2**80, s="x", n=None)');
  assert.equal(ns.i, 1);
  assert.equal(ns.big, 2n ** 80n);
  assert.equal(ns.s, 'x');
  assert.equal(ns.n, undefined);
  ns.destroy();
});

// ---------------------------------------------------------------------------------------------
// Implicit conversions, JavaScript -> Python

test('js->py: an integral Number is an int', () => {
  for (const v of [0, 1, -1, 2 ** 31, 2 ** 52, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e15]) {
    assert.deepEqual(describe(v), ['int', String(v)], String(v));
  }
});

test('js->py: a fractional or non-finite Number is a float', () => {
  assert.deepEqual(describe(0.5), ['float', '0.5']);
  assert.deepEqual(describe(-1.25), ['float', '-1.25']);
  assert.deepEqual(describe(Infinity), ['float', 'inf']);
  assert.deepEqual(describe(-Infinity), ['float', '-inf']);
  assert.deepEqual(describe(NaN), ['float', 'nan']);
  // Pyodide 0.29.5: an integral Number with |x| >= 2**53 is a float (docs: int up to 2^53 inclusive).
  assert.deepEqual(describe(2 ** 53), ['float', '9007199254740992.0']);
  assert.deepEqual(describe(1e20), ['float', '1e+20']);
  assert.deepEqual(describe(-(2 ** 60)), ['float', '-1.152921504606847e+18']);
});

test('js->py: -0 becomes the int 0 (the sign is lost)', () => {
  assert.deepEqual(describe(-0), ['int', '0']);
  assert.equal(pycall(py, 'lambda x: str(x)', -0), '0');
});

test('js->py: BigInt is an int, whatever its size', () => {
  assert.deepEqual(describe(5n), ['int', '5']);
  assert.deepEqual(describe(-5n), ['int', '-5']);
  assert.deepEqual(describe(2n ** 53n), ['int', '9007199254740992']);
  assert.deepEqual(describe(2n ** 200n), ['int', String(2n ** 200n)]);
  assert.deepEqual(describe(-(3n ** 100n)), ['int', String(-(3n ** 100n))]);
});

test('js->py: String is a str, non-BMP characters are one code point', () => {
  assert.deepEqual(describe('abc'), ['str', "'abc'"]);
  assert.deepEqual(describe(''), ['str', "''"]);
  assert.equal(pycall(py, 'lambda s: len(s)', 'a😀b'), 3);
  assert.equal(pycall(py, 'lambda s: [hex(ord(c)) for c in s] == ["0xe9", "0x1f600"]', 'é😀'), true);
  // A lone surrogate survives as a surrogate code point.
  assert.equal(pycall(py, 'lambda s: ord(s)', '\ud800'), 0xd800);
});

test('js->py: Boolean is a bool', () => {
  assert.deepEqual(describe(true), ['bool', 'True']);
  assert.deepEqual(describe(false), ['bool', 'False']);
});

test('js->py: undefined is None', () => {
  assert.deepEqual(describe(undefined), ['NoneType', 'None']);
  assert.equal(pycall(py, 'lambda: js.eval("undefined") is None'), true);
});

test('js->py: null is pyodide.ffi.jsnull (Pyodide 0.29.5; the docs still say None)', () => {
  // 0.29.5 converts null to the falsy singleton jsnull (convertNullToNone: true restores None).
  assert.deepEqual(describe(null), ['JsNull', 'jsnull']);
  assert.equal(pycall(py, 'lambda x: x is jsnull and not x and x is not None', null), true);
  assert.equal(pycall(py, 'lambda: js.eval("null") is jsnull'), true);
  assert.equal(pycall(py, 'lambda: js.eval("({a: null})").a is jsnull'), true);
  // and jsnull goes back as null, None as undefined
  assert.equal(pycall(py, 'lambda f: f(jsnull)', (x) => x === null), true);
  assert.equal(pycall(py, 'lambda: jsnull'), null);
});

test('js->py: results of JS functions and JsProxy attributes are converted', () => {
  const r = pycall(py, `
    lambda o: to_js([type(o.f()).__name__, type(o.n).__name__, type(o.b).__name__,
                     type(o.s).__name__, o.u is None, o.big == 2**70])`,
  { f: () => 1.5, n: 3, b: false, s: 'x', u: undefined, big: 2n ** 70n });
  assert.deepEqual(r, ['float', 'int', 'bool', 'str', true, true]);
});

// ---------------------------------------------------------------------------------------------
// Proxying

test('proxied: tuple and bytes are proxied to JS, not converted', () => {
  const t = py.runPython('(1, 2)');
  assert.ok(t instanceof py.ffi.PyProxy);
  assert.equal(t.type, 'tuple');
  assert.equal(t.length, 2);
  t.destroy();
  const b = py.runPython('b"ab"');
  assert.ok(b instanceof py.ffi.PyProxy);
  assert.equal(b.type, 'bytes');
  b.destroy();
});

test('proxied: mutable Python objects are PyProxies', () => {
  for (const [expr, type] of [['[1]', 'list'], ['{"a": 1}', 'dict'], ['{1}', 'set'],
    ['bytearray(2)', 'bytearray'], ['object()', 'object'], ['len', 'builtin_function_or_method'],
    ['frozenset()', 'frozenset'], ['range(3)', 'range'], ['1j', 'complex']]) {
    const p = py.runPython(expr);
    assert.ok(p instanceof py.ffi.PyProxy, expr);
    assert.equal(p.type, type, expr);
    p.destroy();
  }
});

test('proxied: JS objects, arrays, maps, sets, functions, typed arrays, symbols are JsProxies', () => {
  const values = [{}, [1], new Map(), new Set(), () => 1, new Uint8Array(1), Symbol('s'), new Date(0),
    new Number(3), new String('s'), new Boolean(false), new ArrayBuffer(1), /re/];
  const r = pycall(py, 'lambda *a: to_js([isinstance(x, JsProxy) for x in a])', ...values);
  assert.deepEqual(r, values.map(() => true));
});

test('round trip py->js->py: a proxied object comes back as the same object', () => {
  run(py, `
    _obj = [1, 2]
    _tup = (1, "x")
    _res = js.eval("(x) => x")(_obj) is _obj and js.eval("(x) => x")(_tup) is _tup
    _cls = type("K", (), {})()
    _res = _res and js.eval("(x) => x")(_cls) is _cls
  `);
  assert.equal(py.runPython('_res'), true);
  run(py, 'del _obj, _tup, _res, _cls');
});

test('round trip py->js->py: create_proxy comes back as an equal JsDoubleProxy, unless roundtrip=False', () => {
  // create_proxy's docs: with roundtrip=True (the default) the proxy converted back to Python is a
  // JsDoubleProxy (unwrap() gives the object); with roundtrip=False it is the object itself.
  assert.equal(run(py, `
    from pyodide.ffi import JsDoubleProxy
    _o = {"k": 1}
    _p = create_proxy(_o)
    _back = js.eval("(x) => x")(_p)
    _r = isinstance(_back, JsDoubleProxy) and _back == _p and _back.unwrap() is _o and _p.unwrap() is _o
    del _back
    _p.destroy()
    _p = create_proxy(_o, roundtrip=False)
    _r = _r and js.eval("(x) => x")(_p) is _o
    _p.destroy()
    _r and js.eval("(x) => x")(2**80) == 2**80 and js.eval("(x) => x")("é") == "é"
  `), true);
  assert.equal(run(py, 'import math; math.isnan(js.eval("(x) => x")(float("nan")))'), true);
  run(py, 'del _o, _p, _r');
});

test('round trip js->py->js: a proxied object comes back ===', () => {
  const objs = [{}, [1, 2], new Map(), () => 0, new Uint8Array(2), Symbol('q')];
  for (const o of objs) assert.equal(pycall(py, 'lambda x: x', o), o);
});

test('round trip js->py->js: NaN stays NaN, small BigInt becomes Number, null stays null', () => {
  const id = py.runPython('lambda x: x');
  try {
    assert.ok(Number.isNaN(id(NaN)));
    assert.equal(id(5n), 5);
    assert.equal(typeof id(5n), 'number');
    assert.equal(id(2n ** 60n), 2n ** 60n);
    // Docs: "null is converted to undefined after a round trip". Pyodide 0.29.5 (null -> jsnull)
    // gives null back.
    assert.equal(id(null), null);
    assert.equal(id(undefined), undefined);
    assert.ok(Object.is(id(-0), 0), '-0 comes back as +0');
  } finally {
    id.destroy();
  }
});

// ---------------------------------------------------------------------------------------------
// Explicit conversion Python -> JavaScript: to_js and PyProxy.toJs

test('to_js: list and tuple become Arrays', () => {
  assert.deepEqual(py.runPython('to_js([1, "a", None, True])'), [1, 'a', undefined, true]);
  assert.deepEqual(py.runPython('to_js((1, (2, 3)))'), [1, [2, 3]]);
  assert.ok(Array.isArray(py.runPython('to_js(())')));
});

test('to_js: dict becomes a plain Object by default (Pyodide 0.29.5; the docs say Map)', () => {
  // 0.29.5 changed the default dict conversion to Object (toJsLiteralMap: true restores the old
  // Map-like LiteralMap); we follow 0.29.5.
  const o = py.runPython('to_js({"a": 1, "b": {"c": [2]}})');
  assert.equal(Object.getPrototypeOf(o), Object.prototype);
  assert.deepEqual(o, { a: 1, b: { c: [2] } });
  // non-str keys become property names
  assert.deepEqual(py.runPython('to_js({1: "x", 2.5: "y", False: "z", None: "n"})'),
    { 1: 'x', 2.5: 'y', false: 'z', undefined: 'n' });
});

test('to_js: dict keys that collide as property names are a ConversionError', () => {
  assert.equal(run(py, `
    try:
        to_js({1: "a", "1": "b"})
        r = "no error"
    except ConversionError as e:
        r = "ConversionError"
    r
  `), 'ConversionError');
});

test('to_js: dict_converter=js.Object.fromEntries and js.Map.new', () => {
  const o = py.runPython('to_js({"a": 1, "b": {"c": 2}}, dict_converter=js.Object.fromEntries)');
  assert.deepEqual(o, { a: 1, b: { c: 2 } });
  const m = py.runPython('to_js({"a": 1, 2: {"c": 3}}, dict_converter=js.Map.new)');
  assert.ok(m instanceof Map);
  assert.equal(m.get('a'), 1);
  assert.ok(m.get(2) instanceof Map);
  assert.equal(m.get(2).get('c'), 3);
  const pairs = py.runPython('to_js({"x": 1}, dict_converter=getattr(js.Array, "from"))');
  assert.deepEqual(pairs, [['x', 1]]);
});

test('to_js: set becomes a Set; frozenset, range and generators stay PyProxies', () => {
  const s = py.runPython('to_js({1, "a", None})');
  assert.ok(s instanceof Set);
  assert.deepEqual([...s].sort(), [1, 'a', undefined].sort());
  for (const expr of ['frozenset([2])', 'range(3)', '(x for x in [1])', '{1: 2}.keys()']) {
    const f = py.runPython(`to_js(${expr})`);
    assert.ok(f instanceof py.ffi.PyProxy, expr);
    f.destroy();
  }
});

test('to_js: set or Map keys with a different JS identity semantics are a ConversionError', () => {
  for (const expr of ['{(1, 2)}', '{frozenset([1])}']) {
    assert.equal(run(py, `
      try:
          to_js(${expr})
          r = "no error"
      except ConversionError:
          r = "ConversionError"
      r
    `), 'ConversionError', expr);
  }
  assert.equal(run(py, `
    try:
        to_js({(1, 2): 3}, dict_converter=js.Map.new)
        r = "no error"
    except ConversionError:
        r = "ConversionError"
    r
  `), 'ConversionError');
});

test('to_js: bytes, bytearray, memoryview and array.array become TypedArrays by format', () => {
  run(py, 'import array');
  const cases = [['b"abc"', Uint8Array, [97, 98, 99]], ['bytearray(b"\\x01\\x02")', Uint8Array, [1, 2]],
    ['array.array("b", [-1, 2])', Int8Array, [-1, 2]], ['array.array("h", [-300])', Int16Array, [-300]],
    ['array.array("H", [65535])', Uint16Array, [65535]], ['array.array("i", [-7])', Int32Array, [-7]],
    ['array.array("I", [7])', Uint32Array, [7]], ['array.array("f", [1.5])', Float32Array, [1.5]],
    ['array.array("d", [0.1])', Float64Array, [0.1]], ['array.array("q", [-2**40])', BigInt64Array, [-(2n ** 40n)]],
    ['array.array("Q", [2**63])', BigUint64Array, [2n ** 63n]], ['memoryview(b"xy")', Uint8Array, [120, 121]],
    ['memoryview(b"xy").cast("c")', Uint8Array, [120, 121]]];
  for (const [expr, Ctor, values] of cases) {
    const a = py.runPython(`to_js(${expr})`);
    assert.ok(a instanceof Ctor, `${expr}: ${Object.prototype.toString.call(a)}`);
    assert.deepEqual([...a], values, expr);
  }
});

test('to_js: a bool buffer becomes an Array of booleans, a 2-d buffer nested Arrays', () => {
  assert.deepEqual(py.runPython('to_js(memoryview(bytes([1, 0, 1])).cast("?"))'), [true, false, true]);
  const nested = py.runPython('to_js(memoryview(bytes(range(6))).cast("B", [2, 3]))');
  assert.ok(Array.isArray(nested));
  assert.equal(nested.length, 2);
  assert.ok(nested[0] instanceof Uint8Array);
  assert.deepEqual(nested.map((r) => [...r]), [[0, 1, 2], [3, 4, 5]]);
});

test('to_js: buffers are copied (the JS array does not alias Python memory)', () => {
  const a = py.runPython('_ba = bytearray(b"abc"); to_js(_ba)');
  a[0] = 120;
  assert.equal(py.runPython('_ba[0]'), 97);
  py.runPython('_ba[1] = 0');
  assert.equal(a[1], 98);
  py.runPython('del _ba');
});

test('to_js: scalars and JS objects pass through unchanged', () => {
  assert.equal(py.runPython('to_js(5)'), 5);
  assert.equal(py.runPython('to_js("s")'), 's');
  assert.equal(py.runPython('to_js(None)'), undefined);
  assert.equal(py.runPython('to_js(2**70)'), 2n ** 70n);
  assert.equal(py.runPython('_j = js.eval("({q: 1})"); to_js(_j) is _j'), true);
  py.runPython('del _j');
});

test('to_js: objects without a conversion stay PyProxies; create_pyproxies=False refuses them', () => {
  const arr = py.runPython('class _Thing: pass\nto_js([_Thing()])');
  assert.ok(arr[0] instanceof py.ffi.PyProxy);
  assert.equal(arr[0].type, '_Thing');
  arr[0].destroy();
  assert.equal(run(py, `
    try:
        to_js([_Thing()], create_pyproxies=False)
        r = "no error"
    except ConversionError:
        r = "ConversionError"
    r
  `), 'ConversionError');
});

test('to_js: depth limits the conversion', () => {
  const a = py.runPython('to_js([[1, [2]], (3,)], depth=1)');
  assert.ok(Array.isArray(a));
  assert.ok(a[0] instanceof py.ffi.PyProxy);
  assert.equal(a[0].type, 'list');
  assert.equal(a[1].type, 'tuple');
  a.forEach((p) => p.destroy());
  const b = py.runPython('to_js([[1, [2]]], depth=2)');
  assert.ok(Array.isArray(b[0]));
  assert.ok(b[0][1] instanceof py.ffi.PyProxy);
  b[0][1].destroy();
});

test('to_js: cycles and shared references are preserved', () => {
  const c = py.runPython('_l = [1]; _l.append(_l); to_js(_l)');
  assert.equal(c[0], 1);
  assert.equal(c[1], c);
  const s = py.runPython('_s = {"v": 1}; to_js([_s, _s, {"again": _s}])');
  assert.equal(s[0], s[1]);
  assert.equal(s[2].again, s[0]);
  const d = py.runPython('_d = {}; _d["self"] = _d; to_js(_d)');
  assert.equal(d.self, d);
  py.runPython('del _l, _s, _d');
});

test('to_js: default_converter handles objects with no default conversion', () => {
  const r = run(py, `
    class _Pt:
        def __init__(self, x, y): self.x, self.y, self.tags = x, y, ["t", x]
    def _conv(value, convert, cache):
        # (convert() caches by Python object, so it is given objects that stay alive)
        return js.Array.of(value.x, value.y, convert(value.tags))
    to_js([_Pt(1, 2), {"p": _Pt(3, 4)}], default_converter=_conv)
  `);
  assert.deepEqual(r, [[1, 2, ['t', 1]], { p: [3, 4, ['t', 3]] }]);
});

test('PyProxy.toJs: same table from the JS side, with depth and dict_converter', () => {
  const p = py.runPython('[{"a": (1, 2)}, {3}, b"\\x05", 2**70, None]');
  const v = p.toJs();
  assert.deepEqual(v[0], { a: [1, 2] });
  assert.ok(v[1] instanceof Set);
  assert.ok(v[2] instanceof Uint8Array);
  assert.equal(v[3], 2n ** 70n);
  assert.equal(v[4], undefined);
  const m = p.toJs({ dict_converter: (it) => new Map(it) });
  assert.ok(m[0] instanceof Map);
  assert.deepEqual(m[0].get('a'), [1, 2]);
  const shallow = p.toJs({ depth: 1 });
  assert.ok(shallow[0] instanceof py.ffi.PyProxy);
  shallow.slice(0, 3).forEach((x) => x.destroy());
  p.destroy();
});

test('PyProxy.toJs: pyproxies collects the proxies it creates; create_pyproxies: false throws', () => {
  const p = py.runPython('[object(), [object()]]');
  const made = [];
  const v = p.toJs({ pyproxies: made });
  assert.equal(made.length, 2);
  assert.ok(made.includes(v[0]));
  assert.ok(made.includes(v[1][0]));
  made.forEach((x) => x.destroy());
  assert.throws(() => p.toJs({ create_pyproxies: false }), (e) => e.type === 'ConversionError');
  p.destroy();
});

// ---------------------------------------------------------------------------------------------
// Explicit conversion JavaScript -> Python: JsProxy.to_py and pyodide.toPy

test('to_py: Array becomes list, Object dict, Map dict, Set set, recursively', () => {
  const r = pycall(py, 'lambda x: repr(x.to_py())',
    { a: [1, 'x', [true]], m: new Map([[1, 'one'], ['k', new Set([2])]]), o: {} });
  assert.equal(r, "{'a': [1, 'x', [True]], 'm': {1: 'one', 'k': {2}}, 'o': {}}");
  assert.equal(pycall(py, 'lambda x: type(x.to_py()).__name__', new Set()), 'set');
});

test('to_py: an object whose constructor is not Object is left alone', () => {
  class Test {}
  const y = Object.assign(Object.create(Test.prototype), { a: 7 });
  assert.equal(pycall(py, 'lambda y: y.to_py() == y and isinstance(y.to_py(), JsProxy)', y), true);
  assert.equal(pycall(py, 'lambda y: isinstance(y.to_py(), JsProxy)', new Date(0)), true);
  // A null-prototype object counts as a plain object in Pyodide 0.29.5.
  assert.equal(pycall(py, 'lambda y: y.to_py() == {"a": 1}', Object.assign(Object.create(null), { a: 1 })), true);
});

test('to_py: depth limits the conversion', () => {
  const r = pycall(py, `
    lambda x: to_js([type(x.to_py(depth=1)).__name__,
                     type(x.to_py(depth=1)[0]).__name__,
                     type(x.to_py(depth=2)[0]).__name__])`, [[1], [2]]);
  assert.deepEqual(r, ['list', 'JsProxy', 'list']);
});

test('to_py: cycles and shared references are preserved', () => {
  const a = [1]; a.push(a);
  assert.equal(pycall(py, 'lambda x: (lambda v: v[1] is v)(x.to_py())', a), true);
  const s = { n: 1 };
  assert.equal(pycall(py, 'lambda x: (lambda v: v[0] is v[1] and v[2]["s"] is v[0])(x.to_py())', [s, s, { s }]), true);
});

test('to_py: a Map with both 1 and true as keys, or an object key, cannot be converted', () => {
  // Docs say ConversionError; Pyodide 0.29.5 raises a JsException wrapping a JS Error.
  const fails = py.runPython(`
def _fails(m):
    try:
        m.to_py()
    except Exception as e:
        return True
    return False
_fails`);
  try {
    assert.equal(fails(new Map([[true, 1], [1, 2]])), true);
    assert.equal(fails(new Map([[{}, 1]])), true);
    assert.equal(fails(new Set([[]])), true);
    assert.equal(fails(new Map([[1, 2], ['1', 3]])), false);
  } finally {
    fails.destroy();
  }
});

test('to_py: TypedArray, ArrayBuffer and DataView become memoryviews (copied) with their format', () => {
  const r = pycall(py, `
    lambda *a: to_js([[x.to_py().format, x.to_py().tolist() if x.to_py().format != "B" or True else 0] for x in a])`,
  new Float32Array([1.5]), new Int16Array([-2]), new Uint8Array([3]), new BigInt64Array([4n]),
  new Float64Array([0.25]), new Uint32Array([7]));
  assert.deepEqual(r, [['f', [1.5]], ['h', [-2]], ['B', [3]], ['q', [4]], ['d', [0.25]], ['I', [7]]]);
  assert.deepEqual(pycall(py, 'lambda b: to_js([type(b.to_py()).__name__, b.to_py().tolist()])',
    new Uint8Array([1, 2, 3]).buffer), ['memoryview', [1, 2, 3]]);
  const ta = new Uint8Array([1, 2, 3]);
  const copied = pycall(py, `
    def f(ta, poke):
        m = ta.to_py()
        poke()
        return m.tolist()
    f`, ta, () => { ta[0] = 99; });
  assert.equal(copied.join(), '1,2,3');
  copied.destroy();
});

test('to_py: default_converter handles objects with no default conversion', () => {
  const r = pycall(py, `
    def f(x):
        def conv(value, convert, cache):
            return "date:" + str(value.getTime())
        return repr(x.to_py(default_converter=conv))
    f`, [new Date(5), { d: new Date(6) }]);
  assert.equal(r, "['date:5', {'d': 'date:6'}]");
});

test('pyodide.toPy: JS containers become Python objects (a PyProxy back in JS)', () => {
  const l = py.toPy([1, [2, 3], { a: new Set([4]) }]);
  assert.ok(l instanceof py.ffi.PyProxy);
  assert.equal(l.type, 'list');
  assert.equal(l.toString(), "[1, [2, 3], {'a': {4}}]");
  l.destroy();
  const d = py.toPy(new Map([['k', 1]]));
  assert.equal(d.type, 'dict');
  d.destroy();
  assert.equal(py.toPy(5), 5);
  assert.equal(py.toPy('s'), 's');
  const shallow = py.toPy([[1]], { depth: 1 });
  assert.equal(pycall(py, 'lambda l: type(l).__name__ + "/" + type(l[0]).__name__', shallow), 'list/JsProxy');
  shallow.destroy();
});

test('pyodide.toPy: cycles and shared references are preserved', () => {
  const a = []; a.push(a, a);
  const p = py.toPy(a);
  py.globals.set('_cyc', p);
  assert.equal(py.runPython('_cyc[0] is _cyc and _cyc[1] is _cyc'), true);
  py.globals.delete('_cyc');
  p.destroy();
});
