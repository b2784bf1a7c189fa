// A seeded, reproducible fuzzer of the FFI boundary (issue 13). Each step makes random JS values
// (values.mjs: hostile ones too) and Python values, and applies a random JsProxy operation (from
// Python, on the JS value) or PyProxy operation (from JS, on the Python value, with JS values as
// arguments). After every step: the runtime is alive, any error that reached JS is one the
// operation may raise, and (checked every CHECK_EVERY steps, once both collectors ran) the live
// handle and PyProxy counts are back where they started.
//   FUZZ_SEED=s (or FUZZ_SEEDS=n) FUZZ_OPS=n node --test tests/fuzz/fuzz.test.mjs (make fuzz: more)
// A failure names the seed and step: FUZZ_SEED=<seed> FUZZ_FROM=<step> replays from it with a leak
// check after every step.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadFresh, prng, envInt, collectedCounts, settledCounts } from './lib.mjs';
import { jsValue, PY_VALUES, PY_SETUP } from './values.mjs';

// FUZZ_SEED=s: that seed alone; FUZZ_SEEDS=n: seeds 1..n (make test: 4 seeds).
const SEEDS = process.env.FUZZ_SEED !== undefined ? [envInt('FUZZ_SEED', 1)]
  : Array.from({ length: envInt('FUZZ_SEEDS', 4) }, (_, i) => i + 1);
const OPS = envInt('FUZZ_OPS', 2600); // per seed: 4 seeds x 2600 > 10,000 operations
const FROM = envInt('FUZZ_FROM', Infinity);
const CHECK_EVERY = 250;

// JsProxy operations, run by Python on v (and a second JS value a). Each is an expression.
const JS_OPS = [
  'v.x', 'v.length', 'v.constructor', 'v.then', 'v.toString', 'getattr(v, "__proto__", None)',
  'setattr(v, "x", a)', 'delattr(v, "x")', 'dir(v)', 'repr(v)', 'str(v)', 'bool(v)', 'len(v)',
  'a in v', '"x" in v', 'v[0]', 'v["x"]', 'v[-1]', 'v[0:2]', 'v.__setitem__(0, a)', 'v.__delitem__(0)',
  'list(itertools.islice(iter(v), 5))', 'list(v)', 'v.to_py()', 'v.to_py(depth=1)',
  'v.to_py(default_converter=lambda x, conv, cache: repr(x))', 'v()', 'v(a, a)', 'v.new()', 'v.new(a)',
  'v.typeof', 'v.js_id', 'hash(v)', 'v == a', 'v != v', 'isinstance(v, ffi.JsArray)',
  'isinstance(v, ffi.JsMap)', 'isinstance(v, ffi.JsBuffer)', 'isinstance(v, ffi.JsCallable)',
  'v.as_object_map()', 'dict(v.as_object_map())', 'list(v.as_object_map().items())',
  'v.to_bytes()', 'v.to_memoryview()', 'v.to_string()', 'v.to_file', 'v.keys()', 'v.values()',
  'list(v.items())', 'v.get("x")', 'v.get(a)', 'v.pop()', 'v.append(a)', 'v.extend([a, a])',
  'v.index(a)', 'v.count(a)', 'reversed(v)', 'v.object_keys()', 'v.object_values()',
  'v.object_entries()', 'js.Object.keys(v)', 'js.JSON.stringify(v)', 'js.Array.isArray(v)',
  'js.Reflect.ownKeys(v)', 'next(v)', 'v.send(a)', 'v.throw(a)', 'v.close()', 'format(v)',
  'to_js(v)', 'ffi.to_js([v, a])', 'ffi.to_js({"k": v}, dict_converter=js.Map.new)',
  'ffi.create_proxy(v)', 'js.Array.of(v, a)', 'js.Object.assign(js.Object.new(), v)',
  'js.structuredClone(v)', 'v.catch', 'type(v).__name__', 'v.__class__', 'bytes(v)',
];

// PyProxy operations, run by JS on p (a PyProxy) with JS values a and b.
const PY_OPS = {
  get: (p, a) => p[typeof a === 'string' ? a : 'x'],
  getMethod: (p) => p.__class__,
  set: (p, a) => { p.fuzzAttr = a; },
  has: (p, a) => (typeof a === 'string' ? a : 'x') in p,
  del: (p) => delete p.fuzzAttr,
  keys: (p) => Object.keys(p).length,
  toString: (p) => String(p),
  length: (p) => p.length,
  getItem: (p, a) => p.get?.(a),
  setItem: (p, a, b) => p.set?.(a, b),
  hasItem: (p, a) => p.has?.(a),
  delItem: (p, a) => p.delete?.(a),
  call: (p, a, b) => p(a, b),
  callKw: (p, a, b) => p.callKwargs?.(a, { k: b }),
  apply: (p, a, b) => p.apply?.(b, [a]),
  iterate: (p) => { let n = 0; for (const x of p) { drop(x); if (++n > 5) break; } return n; },
  next: (p, a) => p.next?.(a),
  throw: (p, a) => p.throw?.(a),
  return: (p, a) => p.return?.(a),
  toJs: (p) => toJs(p, {}),
  toJsDepth: (p) => toJs(p, { depth: 1 }),
  toJsNoProxies: (p) => toJs(p, { create_pyproxies: false }),
  toJsConverter: (p, a) => toJs(p, { default_converter: () => a }),
  toJsDict: (p) => toJs(p, { dict_converter: Object.fromEntries }),
  copy: (p) => p.copy(),
  type: (p) => p.type,
  buffer: (p) => { const b = p.getBuffer?.(); b?.release(); },
  bufferTyped: (p) => { const b = p.getBuffer?.('i32'); b?.release(); },
  // (JSON.stringify(p) itself would leave the item PyProxies toJSON hands out to JS's collector.)
  json: (p) => JSON.stringify(toJs(p, {})),
  instance: (p) => [p instanceof Object, typeof p.then],
  array: (p) => (typeof p.map === 'function' ? p.map((x) => x).length : 0),
  push: (p, a) => p.push?.(a),
  pop: (p) => p.pop?.(),
  callback: (p, a) => p(a), // Callback(): calls a (a JS value) from Python
  pass: (p, a) => fuzzPass(p, a),
  toPy: (p, a) => fuzzToPy(a),
  toPyDepth: (p, a) => fuzzToPy(a, { depth: 2 }),
  toPyConverter: (p, a) => fuzzToPy(a, { defaultConverter: (v) => String(typeof v) }),
  setGlobal: (p, a) => { fuzzPy.globals.set('fz_global', a); fuzzPy.globals.delete('fz_global'); },
};
let fuzzPy;
let fuzzPass;
// Destroys the PyProxies in an operation's result (the fuzzer's to release).
function drop(x, seen = new Set()) {
  if ((typeof x !== 'object' && typeof x !== 'function') || x === null || seen.has(x)) return;
  seen.add(x);
  if (x instanceof fuzzPy.ffi.PyProxy) {
    x.destroy();
    return;
  }
  let values = [];
  try {
    if (Array.isArray(x)) values = x;
    else if (Object.getPrototypeOf(x) === Object.prototype) values = Object.values(x);
  } catch {}
  for (const v of values) drop(v, seen);
}
const toJs = (p, opts) => {
  const made = [];
  try {
    return p.toJs({ ...opts, pyproxies: made });
  } finally {
    for (const x of made) x.destroy();
  }
};
const fuzzToPy = (v, opts) => {
  const r = fuzzPy.toPy(v, opts);
  if (r && typeof r.destroy === 'function') r.destroy();
};

// A JS error is acceptable when it is a Python error (PythonError) or an error of JS's own from
// the operation or the hostile value; never a FatalError or a runtime in the dead state.
// (instanceof itself throws for a thrown hostile value: a Proxy with an endless prototype chain.)
const isA = (e, C) => {
  try {
    return e instanceof C;
  } catch {
    return false;
  }
};
function checkError(py, e, where) {
  assert.equal(py.isDead, false, `${where}: the runtime died: ${describe(e)}: ${isA(e, Error) ? e.message : ''}`);
  if (isA(e, py.FatalError)) assert.fail(`${where}: FatalError: ${e.message}`);
  if (isA(e, py.PythonError)) {
    // The Python errors of JsProxy/PyProxy operations never include these:
    assert.doesNotMatch(e.message, /SystemError|error return without exception set|sangam internal error/,
      `${where}: ${e.message}`);
  }
}

function describe(v) {
  try {
    if (typeof v === 'symbol') return 'symbol';
    if (typeof v === 'bigint') return `bigint`;
    if (typeof v !== 'object' && typeof v !== 'function') return `${typeof v}`;
    if (v === null) return 'null';
    return Object.prototype.toString.call(v);
  } catch {
    return 'a hostile object';
  }
}

// Promises the fuzzer makes from hostile values (Promise.resolve of a Proxy whose `then` trap
// throws) reject with nobody listening: JS's behaviour, not the runtime's, so they are counted.
let rejections = 0;
process.on('unhandledRejection', () => { rejections++; });

before(async () => {
  fuzzPy = await loadFresh();
  fuzzPy.runPython(PY_SETUP);
  fuzzPy.runPython(`
import itertools, js
import pyodide.ffi as ffi
from pyodide.ffi import to_js
def fz_js_op(src, v, a):
    code = fz_code.get(src)
    if code is None:
        code = fz_code[src] = compile(src, "<fuzz op>", "eval")
    try:
        r = eval(code, fz_ns, {"v": v, "a": a})
        out = "ok " + type(r).__name__
        if type(r).__name__ == "JsDoubleProxy":
            r.destroy()
        del r
        return out
    except RecursionError:
        return "EXC RecursionError"
    except SystemError as e:
        return "SYSTEMERROR " + str(e)
    except BaseException as e:
        return "EXC " + type(e).__name__
fz_code = {}
fz_ns = dict(globals())
def fz_py(src):
    return eval(src, fz_ns)
def fz_pass(p, a):
    # A PyProxy and a JS value handed to Python and straight back.
    return [type(p).__name__, type(a).__name__]
`);
  const passFn = fuzzPy.globals.get('fz_pass');
  fuzzPass = (p, a) => { const r = passFn(p, a); r.destroy(); };
});

for (const seed of SEEDS) {
  test(`FFI fuzz, seed ${seed}: ${OPS} random operations`, async () => {
    const py = fuzzPy;
    const rng = prng(seed);
    const jsOp = py.globals.get('fz_js_op');
    const pyMake = py.globals.get('fz_py');
    const base = await collectedCounts(py);
    const stats = { js: 0, py: 0, errors: 0 };
    const check = async (where) => {
      const now = await collectedCounts(py);
      assert.deepEqual(now, base, `${where}: live handles/proxies did not return (${JSON.stringify(base)} -> ${JSON.stringify(now)}); ` +
        `replay with FUZZ_SEED=${seed} FUZZ_FROM=<step>`);
    };
    try {
      for (let i = 0; i < OPS; i++) {
        const strict = i >= FROM;
        const v = jsValue(rng, py);
        const a = jsValue(rng, py, 1);
        let where;
        if (rng.chance(0.5)) {
          const op = rng.pick(JS_OPS);
          where = `seed ${seed} step ${i}: JsProxy op \`${op}\` on ${describe(v)} (a: ${describe(a)})`;
          stats.js++;
          let out;
          try {
            out = jsOp(op, v, a);
          } catch (e) {
            // The op's own errors are caught in Python: only hostile values crossing back
            // (a trap run while converting the arguments) may throw here.
            stats.errors++;
            checkError(py, e, where);
          }
          if (out !== undefined) assert.doesNotMatch(out, /^SYSTEMERROR/, `${where}: ${out}`);
        } else {
          const name = rng.pick(Object.keys(PY_OPS));
          const src = rng.pick(PY_VALUES);
          where = `seed ${seed} step ${i}: PyProxy op ${name} on ${src} (a: ${describe(v)}, b: ${describe(a)})`;
          stats.py++;
          let p;
          try {
            p = pyMake(src);
            const r = PY_OPS[name](p, v, a);
            if (r !== p) drop(r);
          } catch (e) {
            stats.errors++;
            checkError(py, e, where);
          } finally {
            if (p && typeof p.destroy === 'function') p.destroy();
          }
        }
        assert.equal(py.isDead, false, `${where}: the runtime died`);
        if (strict) await check(where);
        else if ((i + 1) % CHECK_EVERY === 0) await check(`seed ${seed} steps ${i + 1 - CHECK_EVERY}..${i}`);
      }
      await check(`seed ${seed} at the end`);
      assert.equal(py.runPython('6 * 7'), 42);
    } finally {
      jsOp.destroy();
      pyMake.destroy();
    }
    console.log(`# seed ${seed}: ${stats.js} JsProxy ops, ${stats.py} PyProxy ops, ${stats.errors} errors that reached JS, ${rejections} unhandled rejections so far`);
    void settledCounts;
  });
}
