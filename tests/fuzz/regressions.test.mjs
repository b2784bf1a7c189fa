// Hostile JS values and extreme inputs never kill the runtime (issue 13): deep nesting in both
// directions, Proxies whose traps throw or lie, revoked Proxies, and the failing seeds the fuzzer
// found. Each test ends with the runtime usable and no handles or proxies left behind.
import { test, before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  loadFresh, collectedCounts, throwingProxy, revokedProxy, endlessPrototypes, detachedBuffer, nested,
} from './lib.mjs';

let py;
let mark;
before(async () => { py = await loadFresh(); });
beforeEach(async () => { mark = await collectedCounts(py); });
afterEach(async () => {
  assert.equal(py.isDead, false, 'the runtime died');
  assert.equal(py.runPython('6 * 7'), 42);
  assert.deepEqual(await collectedCounts(py), mark, 'handles/proxies left behind');
});

// Runs `expr` in Python on globalThis.__v and describes the outcome ("ok T" / "EXC T: msg").
function pyOutcome(expr, v) {
  globalThis.__v = v;
  try {
    return py.runPython(`
import js
v = js.__v
try:
    _r = ${expr}
    _out = "ok " + type(_r).__name__
except BaseException as e:
    _out = "EXC " + type(e).__name__ + ": " + str(e)
del v
_out`);
  } finally {
    delete globalThis.__v;
    py.runPython('globals().pop("_r", None); globals().pop("e", None)');
  }
}

test('toPy of a 200,000-deep JS array is a RangeError and the runtime goes on', () => {
  const deep = nested(200_000);
  assert.throws(() => py.toPy(deep), (e) => e instanceof RangeError && /nested too deeply|call stack/.test(e.message));
  // Shallower values still convert, also with a depth limit on the deep one.
  const p = py.toPy(deep, { depth: 3 });
  const kind = py.runPython('from pyodide.ffi import JsArray\nlambda x: isinstance(x[0][0][0], JsArray)');
  assert.equal(kind(p), true);
  kind.destroy();
  p.destroy();
  const ok = py.toPy(nested(50));
  assert.equal(ok.type, 'list');
  ok.destroy();
});

test('toPy of deeply nested objects and Maps is a RangeError too', () => {
  let o = {};
  for (let i = 0; i < 200_000; i++) o = { o };
  assert.throws(() => py.toPy(o), RangeError);
  let m = new Map();
  for (let i = 0; i < 200_000; i++) m = new Map([['m', m]]);
  assert.throws(() => py.toPy(m), RangeError);
});

test('JsProxy.to_py() of a 200,000-deep JS array is a RecursionError in Python', () => {
  assert.match(pyOutcome('v.to_py()', nested(200_000)), /^EXC RecursionError: /);
  assert.match(pyOutcome('v.to_py(depth=5)', nested(200_000)), /^ok list$/);
});

test('to_js of a 200,000-deep Python list is a RecursionError, from Python and from JS', () => {
  const r = py.runPython(`
from pyodide.ffi import to_js
deep = []
for _ in range(200_000):
    deep = [deep]
try:
    to_js(deep)
    r = "ok"
except RecursionError as e:
    r = "RecursionError"
r`);
  assert.equal(r, 'RecursionError');
  const deep = py.globals.get('deep');
  assert.throws(() => deep.toJs(), (e) => e.type === 'RecursionError');
  deep.destroy();
  py.runPython('del deep');
});

test('a default converter that recurses without end is a RangeError (toPy) / RecursionError (to_js)', () => {
  class Node { constructor() { this.next = this; } }
  // A converter that converts the same node again and again (never caching it).
  let calls = 0;
  const conv = (v, convert) => { calls++; return [convert(v.next)]; };
  assert.throws(() => py.toPy(new Node(), { defaultConverter: conv }), (e) => e instanceof RangeError || e.type === 'RecursionError');
  assert.ok(calls > 10);
  const r = py.runPython(`
from pyodide.ffi import to_js
class Chain:
    pass
def conv(value, convert, cache):
    return convert(Chain())
try:
    to_js(Chain(), default_converter=conv)
    r = "ok"
except RecursionError:
    r = "RecursionError"
r`);
  assert.equal(r, 'RecursionError');
  py.runPython('del Chain, conv');
});

test('repr of proxies nested through each other ends in RecursionError, not a dead runtime', () => {
  const a = py.runPython(`
class A:
    def __repr__(self):
        return "A(" + str(self.js) + ")"
A()`);
  const obj = { toString: () => `js(${String(a)})` };
  a.js = obj;
  const r = py.runPython(`
def f(a):
    try:
        repr(a)
        return "ok"
    except RecursionError:
        return "RecursionError"
    except Exception as e:
        return type(e).__name__ + ": " + str(e)[:200]
f`);
  const out = r(a);
  assert.match(out, /RecursionError|JsException: RangeError/);
  r.destroy();
  a.js = undefined;
  a.destroy();
  py.runPython('del A, f');
});

test('dir() of an object with an endless prototype chain is an error, not a hang', () => {
  assert.match(pyOutcome('dir(v)', endlessPrototypes()), /^EXC RecursionError: dir\(\): the prototype chain/);
  // Capability checks walk the chain too: they stop.
  assert.match(pyOutcome('isinstance(v, __import__("pyodide.ffi").ffi.JsArray)', endlessPrototypes()), /^ok bool$/);
  assert.match(pyOutcome('repr(v)', endlessPrototypes()), /^(ok str|EXC JsException)/);
});

test('`from js import evil` works for a Proxy whose every trap throws; each operation raises', () => {
  globalThis.evil = throwingProxy();
  globalThis.evilf = throwingProxy(function f() {});
  try {
    assert.equal(py.runPython('from js import evil, evilf\n"imported"'), 'imported');
    const expect = {
      'evil.foo': /^EXC JsException: Error: trap says no$/,
      'dir(evil)': /^EXC JsException: Error: trap says no$/,
      'repr(evil)': /^EXC JsException: Error: trap says no$/,
      'str(evil)': /^EXC JsException: Error: trap says no$/,
      '"x" in evil': /^EXC (JsException: Error: trap says no|TypeError: .*)$/,
      'bool(evil)': /^ok bool$/,
      'len(evil)': /^EXC TypeError: /,
      'evil[0]': /^EXC TypeError: /,
      'list(evil)': /^EXC TypeError: /,
      'evil.to_py()': /^EXC JsException: /,
      'evilf()': /^EXC JsException: Error: trap says no$/,
      'evil.typeof': /^ok str$/,
      'evil == evil': /^ok bool$/,
      'setattr(evil, "x", 1)': /^EXC JsException: Error: trap says no$/,
      'delattr(evil, "x")': /^EXC JsException: Error: trap says no$/,
    };
    for (const [expr, re] of Object.entries(expect)) {
      const out = py.runPython(`
try:
    _r = ${expr}
    _out = "ok " + type(_r).__name__
except BaseException as e:
    _out = "EXC " + type(e).__name__ + ": " + str(e)
_out`);
      assert.match(out, re, expr);
    }
    assert.throws(() => py.toPy(globalThis.evil), /trap says no/);
  } finally {
    py.runPython('del evil, evilf\nglobals().pop("_r", None); globals().pop("e", None)');
    delete globalThis.evil;
    delete globalThis.evilf;
  }
});

test('a revoked Proxy imports and fails per operation with a JsException', () => {
  for (const expr of ['v.foo', 'dir(v)', 'repr(v)', 'str(v)', 'v.to_py()']) {
    assert.match(pyOutcome(expr, revokedProxy()), /^EXC JsException: TypeError: .*revoked/, expr);
  }
  assert.match(pyOutcome('bool(v)', revokedProxy()), /^ok bool$/);
  assert.throws(() => py.toPy(revokedProxy()), /revoked/);
});

test('thrown values that are hostile themselves arrive as JsException', () => {
  const f = py.runPython(`
def f(g):
    try:
        g()
    except Exception as e:
        return type(e).__name__
f`);
  for (const value of [throwingProxy(), revokedProxy(), endlessPrototypes(), 42, undefined, null, Symbol('s'), 10n]) {
    assert.equal(f(() => { throw value; }), 'JsException');
  }
  f.destroy();
  py.runPython('del f');
});

test('lengths out of range are ValueError / OverflowError as in Pyodide, not garbage', () => {
  assert.equal(pyOutcome('len(v)', { length: -5 }), 'EXC ValueError: length -5 of object is negative');
  assert.match(pyOutcome('len(v)', { length: 2 ** 40 }), /^EXC OverflowError: length 1099511627776/);
  assert.match(pyOutcome('len(v)', { length: 2 ** 31 }), /^EXC OverflowError: /);
  assert.equal(pyOutcome('len(v)', { length: NaN }), 'ok int');
  assert.equal(pyOutcome('len(v)', { length: 1.5 }), 'ok int');
  assert.match(pyOutcome('len(v)', { size: -1, get() {}, has() {} }), /^EXC ValueError: /);
});

test('buffers are read through their real slots: a lying byteLength cannot overrun memory', () => {
  class Liar extends Uint8Array {
    get byteLength() { return 1; }
    get length() { return 1; }
    get BYTES_PER_ELEMENT() { return 8; }
  }
  const liar = new Liar(16).fill(7);
  assert.equal(pyOutcome('v.to_bytes()', liar), 'ok bytes');
  globalThis.__v = liar;
  assert.equal(py.runPython('import js\nlen(js.__v.to_bytes())'), 16);
  delete globalThis.__v;
  // A Proxy claiming to be an ArrayBuffer is no buffer.
  const fake = new Proxy({}, { getPrototypeOf: () => ArrayBuffer.prototype, get: (t, k) => (k === 'byteLength' ? 1e9 : undefined) });
  assert.match(pyOutcome('v.to_bytes()', fake), /^EXC (AttributeError|TypeError)/);
  // Detached buffers.
  assert.match(pyOutcome('v.to_bytes()', detachedBuffer()), /^(ok bytes|EXC JsException: TypeError: .*detached)/);
  const ab = new ArrayBuffer(8);
  const ta = new Int32Array(ab);
  structuredClone(ab, { transfer: [ab] });
  assert.equal(pyOutcome('len(v)', ta), 'ok int');
  assert.match(pyOutcome('v.to_py()', ta), /^(ok memoryview|EXC JsException: TypeError: .*detached)/);
});

test('getters that call runPython, or throw, are fine at each operation', () => {
  const v = {
    get x() { return py.runPython('1 + 1'); },
    get y() { throw new TypeError('getter!'); },
    get z() { return py.runPython('"s" * 3'); },
  };
  assert.equal(pyOutcome('v.x', v), 'ok int');
  assert.equal(pyOutcome('v.y', v), 'EXC JsException: TypeError: getter!');
  assert.equal(pyOutcome('v.z', v), 'ok str');
  assert.equal(pyOutcome('v.to_py()', v), 'EXC JsException: TypeError: getter!');
});

// Fuzzer seed 1, step 1153: `gen.throw(x)` on a JS generator with x no exception (a JS function,
// an int) set a non-exception as the raised exception, and the runtime died.
test('fuzz seed 1: JsGenerator.throw of a non-exception is a TypeError, as for a Python generator', () => {
  const gen = () => (function* () { yield 1; })();
  assert.match(pyOutcome('v.throw(1)', gen()), /^EXC TypeError: exceptions must be/);
  assert.match(pyOutcome('v.throw(__import__("js").Object)', gen()), /^EXC TypeError: exceptions must be/);
  assert.match(pyOutcome('v.throw(__import__("js").Error.new("e"))', gen()), /^EXC JsException: Error: e/);
  assert.equal(pyOutcome('v.throw(ValueError("x"))', gen()), 'EXC ValueError: x');
});

// Throws `evil` from JS through a Python call; it must come back to JS as itself.
function throwsBackAsItself(evil) {
  const f = py.runPython('lambda g: g()');
  let caught = null;
  try {
    f(() => { throw evil; });
  } catch (e) {
    caught = e;
  } finally {
    f.destroy();
  }
  assert.ok(caught === evil, 'the thrown value came back as itself');
}

// Fuzz seed 6 (make fuzz): an operation threw a hostile value back to JS, and `instanceof` on it
// threw in the fuzzer's own check. The runtime was fine; the value must come back as itself.
test('fuzz seed 6: a Proxy with an endless prototype chain thrown through Python comes back as itself',
  () => throwsBackAsItself(endlessPrototypes()));

// Fuzz seeds 14, 17, 19 and 21 (make fuzz): the same with a revoked Proxy thrown back.
test('fuzz seeds 14, 17, 19, 21: a revoked Proxy thrown through Python comes back as itself',
  () => throwsBackAsItself(revokedProxy()));
