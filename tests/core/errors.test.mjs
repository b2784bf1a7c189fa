// Errors across the boundary: PythonError in JS, JsException in Python, errors crossing twice, and
// deep recursion (Python RecursionError, JS RangeError) leaving a usable runtime.
import { before, beforeEach, afterEach } from 'node:test';
import { test } from './impl.mjs';
import assert from 'node:assert/strict';
import { load, checkLeaks, pycall, run, isPyodide, withModule as sharedWithModule } from './impl.mjs';

let py;
before(async () => {
  py = await load();
  run(py, `
    import js
    from pyodide.ffi import JsException, to_js
  `);
});
checkLeaks(beforeEach, afterEach, () => py);

const withModule = (name, value, fn) => sharedWithModule(py, name, value, fn);

test('a Python exception reaching JS is a PythonError with type and the traceback as message', () => {
  assert.throws(() => run(py, `
    def inner():
        raise ValueError("bad value")
    inner()
  `, { filename: 'mine.py' }), (e) => {
    assert.ok(e instanceof py.ffi.PythonError);
    assert.ok(e instanceof Error);
    assert.equal(e.constructor.name, 'PythonError');
    assert.equal(e.name, 'PythonError');
    assert.equal(e.type, 'ValueError');
    assert.match(e.message, /^Traceback \(most recent call last\):\n/);
    assert.match(e.message, /File "mine.py", line 3, in <module>/);
    assert.match(e.message, /File "mine.py", line 2, in inner\n/);
    assert.match(e.message, /\nValueError: bad value\n$/);
    assert.equal(typeof e.stack, 'string');
    return true;
  });
});

test('PythonError.type names the exception class; subclasses and syntax errors too', () => {
  const cases = [['raise KeyError("k")', 'KeyError', /KeyError: 'k'\n$/],
    ['class MyErr(Exception): pass\nraise MyErr("mine")', 'MyErr', /MyErr: mine\n$/],
    ['x = (', 'SyntaxError', /SyntaxError/],
    ['import no_such_module_here', 'ModuleNotFoundError', /No module named 'no_such_module_here'/],
    ['raise SystemExit(3)', 'SystemExit', /SystemExit: 3/]];
  for (const [code, type, re] of cases) {
    assert.throws(() => py.runPython(code), (e) => e.type === type && re.test(e.message), code);
  }
});

test('an exception from a Python function called from JS is a PythonError', () => {
  const f = py.runPython('def f(x):\n    return 1 / x\nf');
  try {
    assert.equal(f(2), 0.5);
    assert.throws(() => f(0), (e) => e instanceof py.ffi.PythonError && e.type === 'ZeroDivisionError' &&
      /ZeroDivisionError: division by zero\n$/.test(e.message));
  } finally {
    f.destroy();
  }
});

test('a JS error reaching Python is a JsException with js_error, name and message', () => {
  const err = new RangeError('too far');
  err.extra = 5;
  const r = pycall(py, `
    def f(thrower):
        try:
            thrower()
        except JsException as e:
            return to_js([type(e).__name__, e.name, e.message, str(e), e.js_error.extra, isinstance(e, Exception)])
    f`, () => { throw err; });
  assert.deepEqual(r, ['JsException', 'RangeError', 'too far', 'RangeError: too far', 5, true]);
  assert.equal(pycall(py, `
    def f(thrower):
        try:
            thrower()
        except JsException as e:
            return e.js_error
    f`, () => { throw err; }), err, 'js_error is the thrown JS object');
});

test('a JS error can be caught as Exception and its traceback names the JS frames', () => {
  const r = pycall(py, `
    def f(thrower):
        import traceback
        try:
            thrower()
        except Exception as e:
            return "".join(traceback.format_exception(e))
    f`, function jsThrowerFrame() { throw new TypeError('boom'); });
  assert.match(r, /JsException: TypeError: boom\n$/);
});

test('crossing twice, Python -> JS -> Python: the same exception object comes back', () => {
  withModule('_err', { callPy: (g) => g() }, () => {
    assert.equal(run(py, `
      import _err
      class _MyErr(Exception): pass
      _exc = _MyErr("mine")
      def _raiser(): raise _exc
      try:
          _err.callPy(_raiser)
          r = "no error"
      except _MyErr as e:
          r = e is _exc
      del _exc
      r
    `), true);
  });
});

// Issue 3: an error that crosses twice comes back as the same object. Pyodide 0.29.5 wraps it
// again instead (a PythonError of type JsException in JS, a JsException around the PythonError in
// Python); each implementation is held to its own rule.
test('crossing twice, JS -> Python -> JS: the JS error comes back (Pyodide: a PythonError naming it)', () => {
  const jsErr = new TypeError('orig');
  const same = (e) => {
    if (isPyodide) {
      assert.ok(e instanceof py.ffi.PythonError);
      assert.equal(e.type, 'JsException');
      assert.match(e.message, /JsException: TypeError: orig\n$/);
    } else {
      assert.equal(e, jsErr);
    }
    return true;
  };
  withModule('_err', { thrower: () => { throw jsErr; } }, () => {
    assert.throws(() => py.runPython('import _err; _err.thrower()'), same);
    const f = py.runPython('import _err\ndef _f(): _err.thrower()\n_f');
    try {
      assert.throws(() => f(), same);
    } finally {
      f.destroy();
    }
  });
});

test('a PythonError caught in JS and handed back to Python is the exception (Pyodide: a JsException)', () => {
  withModule('_err', { callAndCatch: (g) => { try { g(); return null; } catch (e) { return e; } } }, () => {
    const r = pycall(py, `
      def f():
          import _err
          def raiser(): raise KeyError("kk")
          e = _err.callAndCatch(raiser)
          if isinstance(e, KeyError):
              return to_js([type(e).__name__, e.args[0], e.__traceback__ is not None])
          return to_js([type(e).__name__, e.type, e.name, "KeyError: 'kk'" in e.message])
      f`);
    assert.deepEqual(r, isPyodide ? ['JsException', 'KeyError', 'PythonError', true] : ['KeyError', 'kk', true]);
  });
});

test('non-Error values thrown by JS arrive as JsException and the runtime goes on', () => {
  for (const v of ['a string', 42, null, undefined, { code: 7 }]) {
    const r = pycall(py, `
      def f(t):
          try:
              t()
          except JsException as e:
              return "JsException"
          return "nothing"
      f`, () => { throw v; });
    assert.equal(r, 'JsException', `throw ${String(v)}`);
  }
  assert.equal(py.runPython('1 + 1'), 2);
});

test('a JS error thrown inside a Python callback called by JS propagates through both', () => {
  const r = pycall(py, `
    def f(outer, inner):
        try:
            outer(lambda: inner())
        except JsException as e:
            return e.message
    f`, (cb) => cb(), () => { throw new Error('deep'); });
  assert.equal(r, 'deep');
});

test('Python exception types raised from Python code called by JS callbacks keep their type', () => {
  const r = pycall(py, `
    def f(call):
        def cb():
            raise IndexError("idx")
        try:
            call(cb)
        except IndexError as e:
            return "IndexError " + str(e)
        except Exception as e:
            return "other " + type(e).__name__
    f`, (cb) => cb());
  assert.equal(r, 'IndexError idx');
});

test('deep Python recursion is a RecursionError and the runtime is usable afterwards', () => {
  const f = py.runPython('def _rec(n): return _rec(n + 1)\n_rec');
  try {
    assert.throws(() => f(0), (e) => e.type === 'RecursionError');
  } finally {
    f.destroy();
  }
  assert.equal(py.runPython('sum(range(10))'), 45);
});

test('deep JS recursion in a function called from Python is a JsException wrapping a RangeError', () => {
  const deep = () => { const r = (n) => r(n + 1) + 1; return r(0); };
  assert.deepEqual(pycall(py, `
    def f(deep):
        try:
            deep()
        except JsException as e:
            return to_js([e.name, e.message])
    f`, deep), ['RangeError', 'Maximum call stack size exceeded']);
  assert.equal(py.runPython('sum(range(10))'), 45);
});

test('mutual recursion Python <-> JS under a low recursion limit raises RecursionError', () => {
  // Where the limit is hit varies: in Pyodide 0.29.5 it is often while converting the arguments of
  // the JS call, so the outermost error is a ConversionError caused by the RecursionError.
  withModule('_err', { bounce: (f, n) => f(n) }, () => {
    run(py, `
      import sys, _err
      _old_limit = sys.getrecursionlimit()
      def _pyrec(n):
          return _err.bounce(_pyrec, n + 1)
      def _chain(e):
          names = []
          while e is not None:
              names.append(type(e).__name__)
              e = e.__cause__ or e.__context__
          return names
    `);
    try {
      py.runPython('sys.setrecursionlimit(150)');
      assert.throws(() => py.runPython('_pyrec(0)'), (e) => e instanceof py.ffi.PythonError &&
        /RecursionError: maximum recursion depth exceeded/.test(e.message));
      assert.equal(run(py, `
        try:
            _pyrec(0)
            r = "returned"
        except Exception as e:
            r = "RecursionError" in _chain(e)
        r
      `), true, 'the error can be caught in Python, through the JS frames');
    } finally {
      py.runPython('sys.setrecursionlimit(_old_limit); del _old_limit, _pyrec, _chain');
    }
  });
  assert.equal(py.runPython('sum(range(10))'), 45);
  assert.equal(pycall(py, 'lambda f: f(3)', (x) => x * 2), 6, 'calls in both directions still work');
});

test('JS stack exhaustion several crossings deep is a JsException RangeError', () => {
  const deep = () => { const r = (n) => r(n + 1) + 1; return r(0); };
  const r = pycall(py, `
    def f(bounce, deep):
        def level(n):
            if n == 0:
                try:
                    deep()
                except JsException as e:
                    return e.name
            return bounce(level, n - 1)
        return level(20)
    f`, (f, n) => f(n), deep);
  assert.equal(r, 'RangeError');
  assert.equal(py.runPython('sum(range(10))'), 45);
});

// Unbounded mutual recursion runs whichever stack is smaller out first. Pyodide 0.29.5 sometimes
// survives this (JsException: RangeError) and sometimes overflows its wasm stack ("memory access
// out of bounds", then a fatal error and a hung process), depending on how much JS stack the caller
// already used, so this test is for sangam only.
test('unbounded mutual recursion Python <-> JS ends in an error and the runtime is usable', {
  skip: isPyodide && 'Pyodide 0.29.5 can overflow its wasm stack here (fatal error)',
}, () => {
  withModule('_err', { bounce: (f, n) => f(n) }, () => {
    assert.throws(() => run(py, `
      import _err
      def _pyrec(n):
          return _err.bounce(_pyrec, n + 1)
      _pyrec(0)
    `), (e) => {
      assert.ok(e instanceof py.ffi.PythonError, `${e.constructor.name}: ${e.message}`);
      assert.ok(e.type === 'RecursionError' || (e.type === 'JsException' && /RangeError|Maximum call stack/.test(e.message)),
        `${e.type}: ${e.message.slice(-200)}`);
      return true;
    });
  });
  assert.equal(py.runPython('sum(range(10))'), 45);
  assert.throws(() => py.runPython('raise RuntimeError("after")'), (e) => e.type === 'RuntimeError');
  assert.equal(pycall(py, 'lambda f: f(3)', (x) => x * 2), 6);
});

test('errors leave no half-finished state: the next calls see a clean runtime', () => {
  for (let i = 0; i < 20; i++) {
    assert.throws(() => py.runPython('raise RuntimeError("again")'), (e) => e.type === 'RuntimeError');
    const jsErr = new Error('js');
    // (sangam: the JS error itself comes back; Pyodide 0.29.5: a PythonError of type JsException)
    assert.throws(() => pycall(py, 'lambda f: f()', () => { throw jsErr; }),
      (e) => (isPyodide ? e.type === 'JsException' : e === jsErr));
  }
  assert.equal(py.runPython('import sys; sys.exc_info()[0] is None'), true);
});
