// Allocation-failure sweep (issue 13): an FFI workload runs once to count its allocations (CPython's
// raw/mem/obj allocators and the JS glue's mallocs, faults.c), then again for each N with the Nth
// allocation failing (one-shot; ALLOC_PERSIST=1: the Nth and every later one). Every failure must
// end in MemoryError (a PythonError, or a JS error saying "out of memory"), the runtime must be
// usable afterwards and the live handle/PyProxy counts back where they were.
//   ALLOC_STRIDE=k   test every k-th N (default: a stride that keeps the sweep near 1500 runs)
//   ALLOC_FROM=n ALLOC_TO=n   a range of N (make fault-sweep runs the whole range, stride 1)
import { before } from 'node:test';
// (The wrapper runs tests named in tests/core/known-differences.txt as todo, with the reason.)
import { test } from '../core/impl.mjs';
import assert from 'node:assert/strict';
import { loadFresh, envInt, collectedCounts, settledCounts } from './lib.mjs';

let py;
let Alloc;
let work;
before(async () => {
  py = await loadFresh();
  Alloc = py._module.Alloc;
  py.runPython(`
from pyodide.ffi import to_js, create_proxy
import js
def fa_work(arr, obj, f):
    out = []
    out.append(arr.to_py())
    out.append(obj.to_py(depth=2))
    out.append(len(arr) + obj.n)
    out.append(f("a" * 50, 2 ** 70, [1, 2], {"k": (1, 2)}))
    out.append(to_js({"x": [1, 2.5, "s" * 40], "y": {"z": None}}))
    out.append(js.JSON.stringify(to_js([1, 2, 3])))
    out.append(str(arr) + repr(obj))
    out.append(bytes(js.Uint8Array.new([1, 2, 3]).to_bytes()))
    try:
        f(None, None, None, None, 1)
    except Exception as e:
        out.append(type(e).__name__)
    return len(out)
`);
  const fa = py.globals.get('fa_work');
  work = () => {
    const results = [];
    const arr = [1, 'two', [3], { four: 4 }];
    const obj = { n: 5, nested: { m: [6] } };
    const f = (s, big, l, d, extra) => {
      if (extra) throw new Error('thrown by JS');
      return `${s.length}:${typeof big}:${l.length}:${d.get('k').length}`;
    };
    results.push(fa(arr, obj, f));
    const r = py.runPython('{"a": [1, 2, {"b": "c" * 30}], "t": (1, 2)}');
    try {
      results.push(JSON.stringify(r.toJs({ dict_converter: Object.fromEntries })));
      results.push(r.get('a').length);
    } finally {
      r.destroy();
    }
    const conv = py.toPy({ a: [1, 2, new Map([['k', new Set([1])]])], b: new Uint8Array([1, 2]) });
    try {
      results.push(conv.type, String(conv).length);
    } finally {
      conv.destroy();
    }
    results.push(py.runPython('"é" * 20 + str(2 ** 80)').length);
    return results;
  };
  work.destroy = () => fa.destroy();
});

// Whether e is, or says it was caused by, running out of memory.
function isMemoryError(e) {
  const text = `${e?.type ?? ''} ${e?.name ?? ''} ${e?.message ?? String(e)}`;
  return /MemoryError|out of memory/.test(text);
}

test('the allocation-failure switch counts, fails and clears', () => {
  Alloc.set(1e9, 0);
  py.runPython('[str(i) for i in range(100)]');
  const n = Alloc.count();
  assert.equal(Alloc.clear(), 0);
  assert.ok(n > 100, `${n} allocations`);
  Alloc.set(1, 0);
  try {
    assert.throws(() => py.runPython('[str(i) for i in range(100)]'), (e) => isMemoryError(e));
  } finally {
    assert.ok(Alloc.clear() > 0);
  }
  // A failure inside Python (the source string is in wasm memory already) is a MemoryError.
  const g = py.runPython('lambda: [str(i) for i in range(100)]');
  Alloc.set(1, 2);
  try {
    assert.throws(() => g(), (e) => e.type === 'MemoryError');
  } finally {
    Alloc.clear();
    g.destroy();
  }
  assert.equal(py.runPython('len([str(i) for i in range(100)])'), 100);
  // The glue's own mallocs fail too: a long string into Python.
  const s = 'x'.repeat(100_000);
  const f = py.runPython('len');
  Alloc.set(1, 0);
  try {
    assert.throws(() => f(s), (e) => isMemoryError(e));
  } finally {
    Alloc.clear();
  }
  assert.equal(f(s), 100_000);
  f.destroy();
});

test('MemoryError while crossing the FFI, with the runtime going on', () => {
  // (2**30 pointers is more than a 32-bit address space: refused before anything is allocated.)
  const f = py.runPython('lambda x: [x] * 2**30');
  assert.throws(() => f(1), (e) => e.type === 'MemoryError');
  assert.equal(py.runPython('6 * 7'), 42);
  f.destroy();
});

const PERSIST = process.env.ALLOC_PERSIST === '1';
test(`every allocation of an FFI workload failing in turn ends in MemoryError${PERSIST ? ' (persistent)' : ''}`, async () => {
  const expected = work();
  const base = await collectedCounts(py);
  Alloc.set(1e9, 0);
  work();
  const total = Alloc.count();
  Alloc.clear();
  const from = envInt('ALLOC_FROM', 1);
  const to = Math.min(envInt('ALLOC_TO', total), total);
  const stride = envInt('ALLOC_STRIDE', Math.max(1, Math.ceil((to - from + 1) / 1500)));
  let runs = 0;
  let failed = 0;
  leaked = null;
  const problems = [];
  for (let n = from; n <= to; n += stride) {
    runs++;
    Alloc.set(n, PERSIST ? 0 : n + 1);
    let error = null;
    let result;
    try {
      result = work();
    } catch (e) {
      error = e;
    }
    const fails = Alloc.clear();
    if (py.isDead) {
      assert.fail(`allocation ${n} of ${total} failing killed the runtime: ${error?.message}`);
    }
    if (error) {
      failed++;
      if (!isMemoryError(error)) {
        problems.push(`allocation ${n}: ${error?.type ?? error?.name}: ${String(error?.message).split('\n').slice(-3).join(' | ')}`);
      }
    } else if (fails > 0) {
      // A failure Python recovered from (caches, optional work) must not change the result.
      assert.deepEqual(result, expected, `allocation ${n} failed silently and changed the result`);
    }
    error = null;
    assert.equal(py.runPython('6 * 7'), 42, `after allocation ${n} failed`);
    if (runs % 50 === 0 || n + stride > to) {
      const now = await collectedCounts(py);
      if (!leaked && (now.handles !== base.handles || now.proxies !== base.proxies)) {
        leaked = `handles/proxies leaked by the runs up to allocation ${n}: ${JSON.stringify(base)} -> ${JSON.stringify(now)}`;
      }
    } else {
      settledCounts(py);
    }
  }
  assert.deepEqual(problems, [], `failures that did not end in MemoryError:\n${problems.join('\n')}`);
  console.log(`# allocation sweep: the workload makes ${total} allocations; ${runs} runs failing allocations ${from}..${to} (stride ${stride}), ${failed} ended in MemoryError`);
  work.destroy();
});

let leaked = null;
test('the allocation-failure sweep leaves no handles or proxies behind', () => {
  assert.equal(leaked, null, leaked);
});
