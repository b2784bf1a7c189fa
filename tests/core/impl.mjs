// Chooses the FFI implementation under test (env SANGAM_FFI_IMPL = sangam | pyodide-0.29), loads one
// runtime per test file, and checks sangam's live handle/proxy counts for leaks.
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

export const IMPL = process.env.SANGAM_FFI_IMPL || 'sangam';
// sangam-snapshot: sangam restored from a memory snapshot that a runtime made after importing
// asyncio and the pyodide modules (the default `sangam` starts from dist/'s default snapshot).
const KNOWN = ['sangam', 'sangam-snapshot', 'pyodide-0.29'];
if (!KNOWN.includes(IMPL)) {
  throw new Error(`SANGAM_FFI_IMPL must be one of ${KNOWN.join(', ')}, not ${JSON.stringify(IMPL)}`);
}
export const isSangam = IMPL === 'sangam' || IMPL === 'sangam-snapshot';
export const isPyodide = IMPL === 'pyodide-0.29';

// Output of the runtime, kept so tests can look at what Python printed.
export const stdout = [];
export const stderr = [];

let cached;

// One runtime per test file (each file runs in its own process under `node --test`).
export function load() {
  if (!cached) cached = loadFresh();
  return cached;
}

// A runtime of its own, for tests that must not disturb the shared one.
// `extra`: more loadPyodide options.
export async function loadFresh(extra = {}) {
  const opts = {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    ...extra,
  };
  if (isPyodide) {
    const dir = root + 'bench/node_modules/pyodide-0.29/';
    const { loadPyodide } = await import(dir + 'pyodide.mjs');
    return loadPyodide({ indexURL: dir, ...opts });
  }
  const { loadSangam } = await import(root + 'dist/sangam.mjs');
  if (IMPL === 'sangam-snapshot') {
    const maker = await loadSangam({ ...opts, _loadSnapshot: false });
    maker.runPython('import asyncio, json, pyodide.ffi, pyodide.code, pyodide.webloop');
    return loadSangam({ ...opts, _loadSnapshot: maker.makeMemorySnapshot() });
  }
  return loadSangam(opts);
}

// Counts of live JS handles (JS objects referenced from Python) and live PyProxies, or null when
// the implementation does not expose them (Pyodide).
export function liveCounts(py) {
  if (!isSangam) return null;
  return { handles: py._liveHandles(), proxies: py._livePyProxies() };
}

// sys.last_exc/last_type/last_value/last_traceback keep the last exception that escaped Python to
// JS alive on purpose (as in CPython's REPL and Pyodide), with whatever JS values its frames and
// js_error hold: that is not a leak, so they are cleared before counting.
function settledCounts(py) {
  if (!isSangam) return null;
  py.runPython(`import gc, sys
for _n in ("last_exc", "last_type", "last_value", "last_traceback"):
    sys.__dict__.pop(_n, None)
del _n
gc.collect()`);
  return liveCounts(py);
}

// Leak check for a test file: call in beforeEach/afterEach, e.g.
//   const leaks = leakCheck(py); beforeEach(leaks.before); afterEach(leaks.after);
// or use the two-function form: const mark = countsBefore(py); ... assertNoLeak(py, mark).
export function countsBefore(py) {
  return settledCounts(py);
}

export function assertNoLeak(py, before, what = 'the test') {
  if (!isSangam || before == null) return;
  const after = settledCounts(py);
  assert.deepEqual(after, before, `${what} left live handles/proxies behind`);
}

// JS garbage collection on demand, for the one thing that is released by it: a PythonError holds
// its Python exception (and so the frames of its traceback, and what their locals hold) until JS
// forgets the error, which a FinalizationRegistry then reports in a later task.
v8.setFlagsFromString('--expose-gc');
const jsGc = vm.runInNewContext('gc');

// Runs JS's garbage collector, then lets a task pass (FinalizationRegistry callbacks run in one).
export async function collectGarbage() {
  jsGc();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

async function collectedCounts(py) {
  for (let i = 0; i < 2; i++) {
    jsGc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return settledCounts(py);
}

// Installs beforeEach/afterEach hooks checking every test of the file for leaks (sangam only):
// what the test made must be unreachable afterwards, once Python's and JS's collectors ran.
// `getPy` returns the loaded runtime (it is loaded in `before`).
export function checkLeaks(beforeEach, afterEach, getPy) {
  let mark = null;
  beforeEach(async () => { mark = isSangam ? await collectedCounts(getPy()) : null; });
  afterEach(async (t) => {
    if (!isSangam) return;
    const what = t?.name ? `test "${t.name}"` : 'the test';
    assert.deepEqual(await collectedCounts(getPy()), mark, `${what} left live handles/proxies behind`);
  });
}

export const testsDir = here;

// Removes the common leading indentation of a block of Python source (and a leading newline), so
// tests can indent their Python like the JavaScript around it without relying on runPython to.
export function dedent(src) {
  const lines = src.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n') + '\n';
}

// Runs Python source whose value is a callable, calls it with `args` and destroys the callable's
// proxy. The result is returned as is (a PyProxy result is the caller's to destroy).
export function pycall(py, src, ...args) {
  const fn = py.runPython(dedent(src));
  try {
    return fn(...args);
  } finally {
    fn.destroy();
  }
}

// Runs Python (after `pre`) in a namespace of its own that leaves its answer in `r`; returns r
// converted to JS. The namespace and what it holds are released afterwards. answer() allows
// top-level await (runPythonAsync); answerSync() runs it with runPython.
function inNamespace(py, src, pre, run) {
  const ns = py.runPython('{"__builtins__": __builtins__}');
  const done = () => {
    pycall(py, 'lambda ns: ns.clear()', ns);
    ns.destroy();
  };
  const convert = (r) => {
    try {
      return r?.toJs ? r.toJs() : r;
    } finally {
      r?.destroy?.();
    }
  };
  let result;
  try {
    result = run(pre + dedent(src) + 'r', { globals: ns });
  } catch (e) {
    done();
    throw e;
  }
  if (!(result instanceof Promise)) {
    try {
      return convert(result);
    } finally {
      done();
    }
  }
  return result.then(convert).finally(done);
}
export const answer = (py, src, pre = '') => inNamespace(py, src, pre, (code, o) => py.runPythonAsync(code, o));
export const answerSync = (py, src, pre = '') => inNamespace(py, src, pre, (code, o) => py.runPython(code, o));

// A PyProxy result converted to JS, and destroyed.
export function toJsOnce(proxy) {
  try {
    return proxy.toJs();
  } finally {
    proxy.destroy();
  }
}

// Python the FFI test files start with: `js`, pyodide.ffi's names, and raises(f, *a, **k), the name
// of the exception f(*a, **k) raises (None if it returns).
// A prelude for answer(): run_js, pyodide.ffi's names, and t(f), f()'s value or the name of the
// exception it raises.
export const TRY_PRELUDE = `from pyodide.code import run_js
from pyodide.ffi import *
def t(f):
    try:
        return f()
    except BaseException as e:
        return type(e).__name__
`;
export const PRELUDE = `
import js
from pyodide.ffi import *
def raises(f, *a, **k):
    try:
        f(*a, **k)
    except BaseException as e:
        return type(e).__name__
    return None
`;

// Runs dedented Python source.
export function run(py, src, options) {
  return options ? py.runPython(dedent(src), options) : py.runPython(dedent(src));
}

// Known differences (sangam only): tests named in known-differences.txt run as `todo`, so they
// are reported but do not fail the suite. The file says why for each; the list only shrinks.
import { test as nodeTest } from 'node:test';
import { readFileSync } from 'node:fs';

const known = new Map(
  readFileSync(new URL('./known-differences.txt', import.meta.url), 'utf8').split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const [name, reason] = line.split(' | ');
      return [name.trim(), (reason ?? '').trim()];
    }),
);

export function test(name, ...rest) {
  const reason = isSangam ? known.get(name) : undefined;
  if (reason === undefined) return nodeTest(name, ...rest);
  const fn = rest.pop();
  return nodeTest(name, { ...(rest[0] ?? {}), todo: `known difference: ${reason}` }, fn);
}

// Runs fn with a JS value registered as the Python module `name`, then removes it again (once
// fn's promise settles, if it returns one), with the global that `import name` bound in __main__.
export function withModule(py, name, value, fn) {
  py.registerJsModule(name, value);
  const done = () => {
    py.unregisterJsModule(name);
    py.runPython(`import sys; sys.modules.pop(${JSON.stringify(name)}, None); globals().pop(${JSON.stringify(name)}, None)`);
  };
  let r;
  try {
    r = fn();
  } catch (e) {
    done();
    throw e;
  }
  if (typeof r?.then === 'function') return Promise.resolve(r).finally(done);
  done();
  return r;
}
