// The fuzzer's JS values: every kind the FFI meets, hostile ones included. jsValue(rng, py, d)
// makes one (d: how deep containers may nest).
import { throwingProxy, revokedProxy, endlessPrototypes, detachedBuffer } from './lib.mjs';

const NUMBERS = [0, -0, 1, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 31 - 1, 2 ** 31, -(2 ** 31),
  2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e-300];
const BIGINTS = [0n, 1n, -1n, 2n ** 31n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, 2n ** 63n,
  -(2n ** 63n), -(2n ** 63n) - 1n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 64n), 2n ** 1000n, -(3n ** 700n)];
const STRINGS = ['', 'a', 'length', '__proto__', 'constructor', 'then', 'toString', 'caf\u00e9',
  '\u{1F600}', '\ud800', 'x\udfffy', 'nul\0inside', 'x'.repeat(1000), '0', '-1', '4294967295'];
const TYPED = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
if (typeof Float16Array === 'function') TYPED.push(Float16Array);
const LIES = [-1, NaN, 1.5, 0];

// Python code run from a trap or getter (re-entrance).
const REENTER = ['1 + 1', '[1, 2, 3]', 'None', 'import js; js.Object.keys(js.globalThis).length',
  'raise ValueError("from a trap")', 'x = {"a": [1]}; x'];

// (Making a value can run hostile code itself, Promise.resolve reads `constructor`: such a value
// is replaced by a number.)
export function jsValue(rng, py, d = 2) {
  try {
    return makeValue(rng, py, d);
  } catch {
    return rng.pick(NUMBERS);
  }
}

function makeValue(rng, py, d) {
  const kind = rng.int(40);
  const sub = () => (d > 0 ? jsValue(rng, py, d - 1) : rng.pick(NUMBERS));
  const reenter = () => {
    const r = py.runPython(rng.pick(REENTER));
    // A PyProxy made here is the trap's to destroy; the value goes on as a string.
    if (r && typeof r === 'object' && typeof r.destroy === 'function') {
      const s = String(r.type);
      r.destroy();
      return s;
    }
    return r;
  };
  switch (kind) {
    case 0: return undefined;
    case 1: return null;
    case 2: return rng.chance(0.5);
    case 3: return rng.pick(NUMBERS);
    case 4: return rng.pick(BIGINTS);
    case 5: return rng.pick(STRINGS);
    case 6: return Symbol(rng.pick(STRINGS));
    case 7: return Array.from({ length: rng.int(5) }, sub);
    case 8: return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(STRINGS), sub()]));
    case 9: { const o = Object.create(null); o[rng.pick(STRINGS)] = sub(); return o; }
    case 10: return Object.freeze([sub(), sub()]);
    case 11: return Object.seal({ a: sub(), length: rng.pick(NUMBERS) });
    case 12: return new Map(Array.from({ length: rng.int(4) }, () => [rng.chance(0.5) ? rng.pick(STRINGS) : sub(), sub()]));
    case 13: return new Set(Array.from({ length: rng.int(4) }, sub));
    case 14: { const T = rng.pick(TYPED); return new T(rng.int(6)); }
    case 15: return new ArrayBuffer(rng.int(16));
    case 16: return new DataView(new ArrayBuffer(rng.int(16)));
    case 17: return detachedBuffer(rng.int(16) + 1);
    case 18: {
      const T = rng.pick(TYPED);
      const ab = new ArrayBuffer(T.BYTES_PER_ELEMENT * 4);
      const ta = new T(ab);
      structuredClone(ab, { transfer: [ab] });
      return ta;
    }
    case 19: return throwingProxy(rng.chance(0.5) ? {} : rng.chance(0.5) ? [] : function f() {});
    case 20: return revokedProxy(rng.chance(0.5) ? {} : () => 1);
    case 21: return endlessPrototypes();
    case 22: { // lying traps: claims and values that change on every read
      let n = 0;
      const target = rng.chance(0.5) ? [1, 2, 3] : {};
      return new Proxy(target, {
        get: (t, k) => (k === 'length' ? rng.pick(LIES) : k === 'size' ? rng.pick(NUMBERS) :
          k === 'then' ? undefined : n++ % 2 ? Reflect.get(t, k) : rng.pick(STRINGS)),
        has: () => rng.chance(0.5),
        ownKeys: (t) => Reflect.ownKeys(t),
        getPrototypeOf: () => rng.pick([Array.prototype, Map.prototype, Error.prototype, null, Object.prototype]),
      });
    }
    case 23: { // re-entrant traps
      return new Proxy({}, {
        get: (t, k) => (typeof k === 'symbol' ? undefined : reenter()),
        has: () => { reenter(); return true; },
        ownKeys: () => { reenter(); return []; },
      });
    }
    case 24: return { get x() { throw new TypeError('getter throws'); }, y: 1 };
    case 25: return { get x() { return reenter(); }, get length() { return reenter(); } };
    case 26: return { length: rng.pick([-5, 2 ** 31, 2 ** 40, Infinity, NaN, -0.5]) };
    case 27: return { size: rng.pick([-1, 2 ** 32, Infinity]), get() {}, has() { return true; } };
    case 28: return (...args) => args.length;
    case 29: return () => { throw new Error('thrown by a callee'); };
    case 30: return () => { throw rng.pick([42, undefined, null, 'str', Symbol('s'), 7n]); };
    case 31: return function () { return reenter(); };
    case 32: return class K { constructor(x) { this.x = x; } };
    case 33: return new Error(rng.pick(STRINGS));
    case 34: return Promise.resolve(rng.pick(NUMBERS)); // (of a hostile value: an unhandled rejection)
    case 35: return (function* () { yield sub(); yield sub(); })();
    case 36: return { next: () => ({ done: rng.chance(0.3), value: sub() }), [Symbol.iterator]() { return this; } };
    case 37: return { [Symbol.iterator]: () => { throw new Error('no iterator today'); } };
    case 38: return new WeakRef({});
    default: return { toString() { throw new Error('toString throws'); }, valueOf() { return reenter(); } };
  }
}

// Python source of values for the PyProxy side: expressions evaluated in the fuzzer's namespace.
export const PY_VALUES = [
  '[1, "a", None]', '{"a": 1, 2: [3]}', '(1, 2)', '{1, 2}', 'frozenset({1})', 'b"bytes"',
  'bytearray(b"ab")', 'memoryview(b"abcd")', '2 ** 100', '-(2 ** 64)', '1.5', '"str"', 'None',
  'lambda *a, **k: (len(a), sorted(k))', 'iter([1, 2, 3])', '(x for x in range(3))', 'Weird()',
  'Raising()', 'Huge()', 'rec_list()', 'rec_dict()', 'object()', 'range(5)', 'array.array("d", [1.5])',
  'array.array("q", [2**62])', 'Exception("boom")', 'type', 'print', 'Callback()', 'collections.OrderedDict(a=1)',
];

export const PY_SETUP = `
import array, collections, itertools, sys
class Weird:
    def __getattr__(self, name):
        raise RuntimeError("no attribute " + name)
    def __repr__(self):
        raise ValueError("no repr")
    def __len__(self):
        return -1
    def __bool__(self):
        raise TypeError("no bool")
    def __iter__(self):
        raise OSError("no iter")
    def __call__(self, *a, **k):
        raise KeyError("no call")
class Raising:
    def __getitem__(self, k):
        raise IndexError(k)
    def __contains__(self, k):
        raise LookupError(k)
    def __setitem__(self, k, v):
        raise TypeError("read-only")
class Huge:
    def __len__(self):
        return sys.maxsize
    def __index__(self):
        return 2 ** 62
class Callback:
    def __call__(self, f=None, *rest):
        # Calls back into JS with what it was given.
        return f(*rest) if callable(f) else f
def rec_list():
    l = [1]
    l.append(l)
    return l
def rec_dict():
    d = {}
    d["d"] = d
    return d
`;
