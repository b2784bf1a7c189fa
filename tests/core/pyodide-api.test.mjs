// The FFI side of the pyodide object as Pyodide's test_pyodide.py checks it (ledger:
// pyodide-suite.txt): runPython's bookkeeping (sys.last_*, nothing left behind), interrupts and
// SIGINT handlers, errors crossing twice, values JS throws that are no Errors, create_proxy's and
// create_once_callable's references, unpackArchive's argument check.
import { before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { test, load, checkLeaks, answer as answerIn, toJsOnce, isPyodide } from './impl.mjs';

let py;
before(async () => {
  py = await load();
});
checkLeaks(beforeEach, afterEach, () => py);

const answer = (src) => answerIn(py, src, 'from pyodide.code import run_js\nfrom pyodide.ffi import *\n');

// (What a test leaves behind, checkLeaks checks after each one.)
test('runPython("") and runPythonAsync("") give undefined and leave nothing behind', async () => {
  assert.equal(py.runPython(''), undefined);
  assert.equal(await py.runPythonAsync(''), undefined);
});

test('an exception escaping runPython is sys.last_value, its type sys.last_type, its traceback sys.last_traceback', () => {
  assert.throws(() => py.runPython('pd_x = ValueError(77); raise pd_x'), (e) => e.type === 'ValueError');
  assert.deepEqual(toJsOnce(py.runPython(`import sys
[sys.last_value is pd_x, sys.last_type is type(pd_x), sys.last_traceback is pd_x.__traceback__]`)), [true, true, true]);
  py.runPython('del pd_x');
});

test('a KeyboardInterrupt raised by Python called from JS called from Python is no Exception: it reaches JS', () => {
  globalThis.pdRaiseKi = () => {
    const f = py.globals.get('pd_ki');
    try {
      f();
    } finally {
      f.destroy();
    }
  };
  try {
    assert.throws(() => py.runPython(`def pd_ki():
    raise KeyboardInterrupt
from js import pdRaiseKi
try:
    pdRaiseKi()
except Exception:
    pass`), (e) => e.type === 'KeyboardInterrupt');
  } finally {
    delete globalThis.pdRaiseKi;
    py.runPython('del pd_ki, pdRaiseKi');
  }
});

test('checkInterrupt() runs a Python SIGINT handler instead of raising KeyboardInterrupt', () => {
  const buffer = new Uint8Array(1);
  globalThis.pdInterrupt = () => {
    buffer[0] = 2;
    py.checkInterrupt();
  };
  py.runPython(`import signal
pd_hit = []
signal.signal(signal.SIGINT, lambda *args: pd_hit.append(1))`);
  py.setInterruptBuffer(buffer);
  try {
    py.runPython('from js import pdInterrupt\npdInterrupt()');
    assert.deepEqual([py.runPython('len(pd_hit)'), buffer[0]], [1, 0]);
  } finally {
    py.setInterruptBuffer(undefined);
    delete globalThis.pdInterrupt;
    py.runPython('signal.signal(signal.SIGINT, signal.default_int_handler)\ndel pd_hit, pdInterrupt');
  }
});

test('values JS throws that are no Errors are JsExceptions described in Pyodide\'s words', async () => {
  const r = await answer(`
    f = run_js("""({
        null() { throw null; },
        obj() { throw {}; },
        bare() { throw Object.create(null); },
        string() { throw "abc"; },
        number() { throw 12; },
        bigint() { throw 12n; },
    })""")
    r = {}
    for name, g in f.object_entries():
        try:
            g()
        except JsException as e:
            r[name] = str(e)
    del f, g, name
  `);
  const what = (type, tag, interp, ts) => `Error: A value of type ${type} with tag [object ${tag}] was thrown as an error!\n` +
    `String interpolation of the thrown value ${interp}.\nThe thrown value's toString method ${ts}.`;
  assert.deepEqual(r, {
    null: what('object', 'Null', 'gives """null"""', 'fails'),
    obj: what('object', 'Object', 'gives """[object Object]"""', 'returns """[object Object]"""'),
    bare: what('object', 'Object', 'fails', 'fails'),
    string: 'Error: abc',
    number: what('number', 'Number', 'gives """12"""', 'returns """12"""'),
    bigint: what('bigint', 'BigInt', 'gives """12"""', 'returns """12"""'),
  });
});

test('awaiting a Python coroutine from JS again and again leaves no references behind', async () => {
  py.runPython('pd_v = 888.888\nasync def pd_co(): return pd_v');
  const once = async () => {
    const c = py.runPython('pd_co()');
    try {
      assert.equal(await c, 888.888);
    } finally {
      c.destroy();
    }
  };
  await once();
  const count = () => py.runPython('import sys; sys.getrefcount(pd_v)');
  const before = count();
  for (let i = 0; i < 4; i++) await once();
  assert.equal(count(), before);
  py.runPython('del pd_v, pd_co');
});

test('create_once_callable holds one reference until its call; create_proxy one until destroy()', async () => {
  assert.deepEqual(await answer(`
    import sys
    call7 = run_js("(f) => f(7)")
    keep = run_js("(f) => { globalThis.pdKept = f; }")
    call_kept = run_js("() => globalThis.pdKept()")
    class Square:
        def __call__(self, x=3):
            return x * x
    f = Square()
    counts = [sys.getrefcount(f)]
    once = create_once_callable(f)
    counts.append(sys.getrefcount(f))
    counts.append(call7(once))
    counts.append(sys.getrefcount(f))
    p = create_proxy(f)
    keep(p)
    counts += [sys.getrefcount(f), call_kept(), sys.getrefcount(f)]
    p.destroy()
    run_js("delete globalThis.pdKept")
    counts.append(sys.getrefcount(f))
    r = counts
    del f, once, p, call7, keep, call_kept
  `), [2, 3, 49, 2, 3, 9, 3, 2]);
});

test('unpackArchive refuses a buffer that is no ArrayBuffer (view) with Pyodide\'s TypeError', () => {
  assert.throws(() => py.unpackArchive([1, 2, 3], 'zip', 'abc'),
    (e) => e.toString() === "TypeError: Expected argument 'buffer' to be an ArrayBuffer or an ArrayBuffer view");
});

// sys.last_value: Pyodide records every exception leaving a runPython; sangam only one that
// leaves Python altogether (here Python code is still running below the JS caller, and handles it).
test('a Python exception thrown out of runPython inside a JS function called from Python is itself again there', () => {
  globalThis.pdRunRaise = () => py.runPython("pd_err = Exception('hi')\nraise pd_err");
  try {
    assert.deepEqual(toJsOnce(py.runPython(`import sys
from js import pdRunRaise
sys.__dict__.pop("last_value", None)
try:
    pdRunRaise()
except Exception as e:
    pd_r = [e is pd_err, getattr(sys, "last_value", None) is e]
pd_r`)), [true, isPyodide]);
  } finally {
    delete globalThis.pdRunRaise;
    py.runPython('globals().pop("pd_r", None)\ndel pd_err, pdRunRaise');
  }
});

test('a destroyed create_proxy result passed to JS is that destroyed PyProxy: using it there throws', async () => {
  assert.equal(await answer(`
    f = run_js("(x) => { try { return String(x.length); } catch (e) { return e.message.split('\\\\n')[0]; } }")
    p = create_proxy([])
    p.destroy()
    r = f(p)
    del f, p
  `), 'Object has already been destroyed');
});
