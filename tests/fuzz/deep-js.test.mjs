// User JS that recurses through PyProxies, entering wasm at every level (issue 13): walking a
// 100,000-deep Python list from JS runs out of JS stack long before the list ends. That must be a
// catchable RangeError in JS, with the runtime usable afterwards (as on Pyodide 0.29.5). The
// stack runs out at a different point for each extra frame the caller adds, so each walk is
// started from 12 depths in turn (DEEP_OFFSETS=n: n). Each test has a runtime of its own.
// (The wrapper runs tests named in tests/core/known-differences.txt as todo, with the reason.)
import { test } from '../core/impl.mjs';
import assert from 'node:assert/strict';
import { loadFresh, collectedCounts } from './lib.mjs';

const DEPTH = 100_000;
const OFFSETS = Number(process.env.DEEP_OFFSETS ?? 12);

// A runtime with a DEPTH-deep list x = [[[...]]] and child(p) = p[0] (None at the bottom).
async function deepRuntime() {
  const py = await loadFresh();
  py.runPython(`
x = []
for _ in range(${DEPTH}):
    x = [x]
def child(p):
    return p[0] if p else None
`);
  return py;
}

// Calls f() from `extra` more frames down the JS stack.
const from = (extra, f) => (extra === 0 ? f() : from(extra - 1, f));

async function walkEndsInRangeError(py, walk) {
  const mark = await collectedCounts(py);
  const top = py.globals.get('x');
  const outcomes = new Map();
  for (let extra = 0; extra < OFFSETS; extra++) {
    let outcome;
    try {
      outcome = `reached the bottom at ${from(extra, () => walk(top))}`;
    } catch (e) {
      outcome = `${e?.constructor?.name}: ${e?.message}`;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    assert.ok(!py.isDead, `the runtime died (starting ${extra} frames down): ${outcome}`);
    assert.equal(py.runPython('import gc; gc.collect(); 6 * 7'), 42, `after a walk from ${extra} frames down`);
  }
  assert.deepEqual([...outcomes.keys()].map((o) => o.split(':')[0]), ['RangeError']);
  assert.match([...outcomes.keys()][0], /call stack/);
  top.destroy();
  assert.deepEqual(await collectedCounts(py), mark, 'handles/proxies left behind');
}

test('JS recursing through a deep list with PyProxy.get ends in a RangeError, the runtime goes on', async () => {
  const py = await deepRuntime();
  const walk = (p) => {
    const c = p.get(0);
    if (c === undefined) return 0;
    try {
      return 1 + walk(c);
    } finally {
      c.destroy();
    }
  };
  await walkEndsInRangeError(py, walk);
});

test('JS recursing through a deep list by iteration ends in a RangeError, the runtime goes on', async () => {
  const py = await deepRuntime();
  const walk = (p) => {
    let n = 1;
    for (const c of p) {
      try {
        n += walk(c);
      } finally {
        c.destroy();
      }
    }
    return n;
  };
  await walkEndsInRangeError(py, walk);
});

test('JS recursing through a deep list by calling a Python function ends in a RangeError, the runtime goes on', async () => {
  const py = await deepRuntime();
  const child = py.globals.get('child');
  const walk = (p) => {
    const c = child(p);
    if (c === undefined) return 0;
    try {
      return 1 + walk(c);
    } finally {
      c.destroy();
    }
  };
  try {
    await walkEndsInRangeError(py, walk);
  } finally {
    if (!py.isDead) child.destroy();
  }
});
