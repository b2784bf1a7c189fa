// Soak: SOAK_TRIPS (default 1,000,000) mixed FFI round trips, JS -> Python -> JS and Python ->
// JS -> Python, with wasm memory (malloc's bytes in use, the memory's size), Python's allocated
// blocks, the JS heap and the live handle/PyProxy counts sampled along the way. After a warm-up
// they must stay flat within a bound: the behaviour under test is "nothing accumulates".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFresh, envInt, collectedCounts, jsGc } from './lib.mjs';

const TRIPS = envInt('SOAK_TRIPS', 1_000_000);
const SAMPLES = 10;
// Bounds: growth between the first sample after warm-up and any later one.
const MAX_MALLOC_GROWTH = 2 << 20; // bytes
const MAX_PY_BLOCKS_GROWTH = 2000;
const MAX_JS_HEAP_GROWTH = 16 << 20;

test(`soak: ${TRIPS} mixed FFI round trips leave memory and handles flat`, async () => {
  const py = await loadFresh();
  const M = py._module;
  py.runPython(`
import sys
from pyodide.ffi import to_js, create_proxy
def py_side(i, s, arr, obj, f):
    # JS values in: a number, a string, an Array and an object (JsProxies), a JS function.
    k = i % 6
    if k == 0:
        return f(i, s)
    if k == 1:
        return len(arr) + obj.n
    if k == 2:
        return to_js({"i": i, "l": [i, s]})
    if k == 3:
        return [s, i, None]
    if k == 4:
        return f(arr, obj)
    return str(i) + s
def py_loop(n, f, arr):
    # Python -> JS -> Python: JS functions called with Python values.
    total = 0
    for i in range(n):
        r = f(i, "s", [i], {"k": i}) if i % 3 else f(i, arr)
        total += 1 if r is None else 0
    return total
blocks = sys.getallocatedblocks
`);
  const pySide = py.globals.get('py_side');
  const pyLoop = py.globals.get('py_loop');
  const blocks = py.globals.get('blocks');
  const jsBack = (a, b) => (typeof a === 'number' ? a + 1 : b?.n ?? String(a));
  const jsCallee = (i, x, l, d) => {
    // Arguments are borrowed PyProxies (lists, dicts) or plain values.
    if (l && typeof l.length === 'number') return l.length + (d?.get?.('k') ?? 0);
    return undefined;
  };
  const sample = async () => {
    const counts = await collectedCounts(py);
    jsGc();
    return {
      ...counts,
      malloc: M.Alloc.inUse(),
      memory: M.Alloc.memorySize(),
      pyBlocks: blocks(),
      jsHeap: process.memoryUsage().heapUsed,
    };
  };
  const arr = [1, 2, 3];
  const obj = { n: 4 };
  const perSample = Math.floor(TRIPS / SAMPLES);
  const samples = [];
  let trips = 0;
  try {
    for (let s = 0; s <= SAMPLES; s++) {
      // Half the trips start in JS, half in Python.
      const jsTrips = Math.floor(perSample / 2);
      for (let i = 0; i < jsTrips; i++) {
        const r = pySide(i, 'x', arr, obj, jsBack);
        if (r && typeof r.destroy === 'function') r.destroy();
      }
      pyLoop(perSample - jsTrips, jsCallee, arr);
      trips += s === 0 ? 0 : perSample; // sample 0 is the warm-up
      samples.push(await sample());
    }
  } finally {
    pySide.destroy();
    pyLoop.destroy();
    blocks.destroy();
  }
  const [first, ...rest] = samples.slice(1);
  for (const [i, x] of rest.entries()) {
    const at = `sample ${i + 2} of ${SAMPLES} (${JSON.stringify(x)} vs ${JSON.stringify(first)})`;
    assert.equal(x.handles, first.handles, `live handles grew: ${at}`);
    assert.equal(x.proxies, first.proxies, `live PyProxies grew: ${at}`);
    assert.ok(x.malloc - first.malloc <= MAX_MALLOC_GROWTH, `wasm malloc in use grew: ${at}`);
    assert.ok(x.memory === first.memory, `wasm memory grew: ${at}`);
    assert.ok(x.pyBlocks - first.pyBlocks <= MAX_PY_BLOCKS_GROWTH, `Python's allocated blocks grew: ${at}`);
    assert.ok(x.jsHeap - first.jsHeap <= MAX_JS_HEAP_GROWTH, `the JS heap grew: ${at}`);
  }
  assert.ok(trips >= TRIPS - SAMPLES, `${trips} round trips`);
  console.log(`# soak: ${trips} round trips (+${perSample} warm-up); first ${JSON.stringify(first)}; last ${JSON.stringify(samples.at(-1))}`);
});
