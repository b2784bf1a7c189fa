// Shared pieces of the robustness suite (tests/fuzz): a seeded PRNG, the runtime with leak checks
// that settle both collectors, and hostile JS values.
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadFresh, liveCounts } from '../core/impl.mjs';

export { loadFresh };

v8.setFlagsFromString('--expose-gc');
export const jsGc = vm.runInNewContext('gc');

// mulberry32: small, fast, and the same sequence for the same seed everywhere.
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

export const envInt = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${v}`);
  return n;
};

// Live JS handles and PyProxies, once Python's collector ran and sys.last_* (which keep the
// last exception that reached JS, on purpose) were cleared.
export function settledCounts(py) {
  py.runPython(`import gc, sys
for _n in ("last_exc", "last_type", "last_value", "last_traceback"):
    sys.__dict__.pop(_n, None)
del _n
gc.collect()`);
  return liveCounts(py); // (null on Pyodide, which has no such counts)
}

// The same after JS's collector too: a PythonError holds its Python exception until JS forgets
// it (a FinalizationRegistry reports that in a later task).
export async function collectedCounts(py) {
  for (let i = 0; i < 2; i++) {
    jsGc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return settledCounts(py);
}

export const thrower = (what = 'trap') => () => { throw new Error(`${what} says no`); };

// Every Proxy trap, each throwing.
export function throwingProxy(target = {}) {
  const t = thrower('trap');
  return new Proxy(target, {
    get: t, set: t, has: t, deleteProperty: t, ownKeys: t, getOwnPropertyDescriptor: t,
    defineProperty: t, getPrototypeOf: t, setPrototypeOf: t, isExtensible: t,
    preventExtensions: t, apply: t, construct: t,
  });
}

export function revokedProxy(target = {}) {
  const r = Proxy.revocable(target, {});
  r.revoke();
  return r.proxy;
}

// A prototype chain that never ends (each step a new Proxy).
export function endlessPrototypes() {
  const handler = { getPrototypeOf: () => new Proxy({}, handler) };
  return new Proxy({}, handler);
}

export function detachedBuffer(n = 8) {
  const ab = new ArrayBuffer(n);
  structuredClone(ab, { transfer: [ab] });
  return ab;
}

export function nested(depth, leaf = []) {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
