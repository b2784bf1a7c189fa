// Proxy lifetimes: borrowed argument proxies die after the call unless kept with create_proxy,
// create_once_callable or copy(); destroy_proxies; errors on destroyed proxies; sangam's live counts.
import { before, beforeEach, afterEach } from 'node:test';
import { test } from './impl.mjs';
import assert from 'node:assert/strict';
import { load, checkLeaks, liveCounts, countsBefore, assertNoLeak, run, withModule as sharedWithModule } from './impl.mjs';

let py;
before(async () => {
  py = await load();
  run(py, `
    import js
    from pyodide.ffi import create_proxy, create_once_callable, destroy_proxies, to_js
  `);
});
checkLeaks(beforeEach, afterEach, () => py);

const BORROWED = /borrowed .*destroyed.*create_proxy/;
const DESTROYED = /destroyed/;
// assert.throws matcher on the error's message
const says = (re) => (e) => e instanceof Error && re.test(e.message);

const withModule = (name, value, fn) => sharedWithModule(py, name, value, fn);

test('an argument proxy is usable during the call and destroyed after it', () => {
  let kept = null;
  withModule('_lt', { keep: (x) => { kept = x; return x.length; } }, () => {
    assert.equal(run(py, 'import _lt; _lt.keep([1, 2, 3])'), 3);
  });
  assert.ok(kept instanceof py.ffi.PyProxy);
  assert.throws(() => kept.length, (e) => BORROWED.test(e.message));
  assert.throws(() => kept.toString(), says(BORROWED));
  kept.destroy(); // destroying an already destroyed proxy is harmless
});

test('a callback passed as a plain argument cannot be called later', () => {
  let later = null;
  withModule('_lt', { callLater: (f) => { later = f; return f(20); } }, () => {
    assert.equal(run(py, 'import _lt; _lt.callLater(lambda x: x + 1)'), 21, 'callable during the call');
  });
  assert.throws(() => later(1), says(BORROWED));
});

test('copy() inside the call keeps a proxy alive', () => {
  let kept = null;
  withModule('_lt', { keepCopy: (x) => { kept = x.copy(); } }, () => {
    run(py, 'import _lt; _lt.keepCopy([1, 2])');
  });
  assert.equal(kept.toString(), '[1, 2]');
  kept.destroy();
  assert.throws(() => kept.toString(), says(DESTROYED));
});

test('create_proxy(capture_this=True) passes JS this as the first argument', () => {
  withModule('_lt', { obj: { name: 'target' }, callOn: (o, f) => f.call(o, 5) }, () => {
    assert.deepEqual(run(py, `
      import _lt
      _p = create_proxy(lambda this, x: f"{this.name}:{x}", capture_this=True)
      _r = _lt.callOn(_lt.obj, _p)
      _p.destroy()
      del _p
      _r
    `), 'target:5');
  });
});

test('create_proxy keeps a callable alive until destroyed from Python', () => {
  let kept = null;
  withModule('_lt', { keep: (f) => { kept = f; } }, () => {
    run(py, `
      _p = create_proxy(lambda x: x * 2)
      import _lt; _lt.keep(_p)
    `);
  });
  assert.equal(kept(2), 4);
  assert.equal(kept(3), 6);
  py.runPython('_p.destroy(); del _p');
  assert.throws(() => kept(1), says(DESTROYED));
});

test('create_proxy survives the Python handle: del leaves the JS proxy alive until destroy()', () => {
  let kept = null;
  withModule('_lt', { keep: (f) => { kept = f; } }, () => {
    run(py, `
      _p2 = create_proxy([1])
      import _lt; _lt.keep(_p2)
      del _p2
    `);
  });
  assert.equal(kept.type, 'list');
  kept.destroy();
});

test('create_once_callable: callable exactly once, then an error saying so', () => {
  let kept = null;
  withModule('_lt', { keep: (f) => { kept = f; } }, () => {
    run(py, 'import _lt; _lt.keep(create_once_callable(lambda x: x + 1))');
  });
  assert.equal(kept(1), 2);
  assert.throws(() => kept(1), says(/once/));
});

test('destroy_proxies destroys a JS array of PyProxies', () => {
  const bag = [];
  withModule('_lt', { bag }, () => {
    run(py, `
      import _lt
      _lt.bag.push(create_proxy([1]))
      _lt.bag.push(create_proxy({}))
    `);
    assert.deepEqual(bag.map((p) => p.type), ['list', 'dict']);
    run(py, 'destroy_proxies(_lt.bag)');
  });
  for (const p of bag) assert.throws(() => p.type, says(DESTROYED));
});

test('a PyProxy returned from JS to Python is unwrapped to the original object', () => {
  withModule('_lt', { same: (x) => x }, () => {
    assert.equal(run(py, 'import _lt; _l = [5]; _lt.same(_l) is _l'), true);
  });
  py.runPython('del _l');
});

test('the result of a Python call from JS belongs to the caller and stays alive', () => {
  const f = py.runPython('lambda: [1, 2]');
  const r = f();
  f.destroy();
  assert.equal(r.toString(), '[1, 2]');
  assert.equal(r.length, 2);
  r.destroy();
  assert.throws(() => r.length, says(DESTROYED));
});

test('arguments of a JS function returning a promise live until the promise settles', async () => {
  let seen = null;
  const api = {
    later: (x) => new Promise((resolve) => setTimeout(() => { seen = x.toString(); resolve(x.length); }, 5)),
  };
  await withModule('_lt_async', api, async () => {
    const n = await py.runPythonAsync('import _lt_async\nawait _lt_async.later([1, 2, 3])');
    assert.equal(n, 3);
    assert.equal(seen, '[1, 2, 3]');
  });
});

test('a destroyed proxy raises an error that says so, for every kind of use', () => {
  const f = py.runPython('lambda: 1');
  const d = py.runPython('{"a": 1}');
  f.destroy(); d.destroy();
  for (const use of [() => f(), () => f.callKwargs({}), () => d.get('a'), () => d.has('a'), () => d.set('a', 1),
    () => [...d], () => d.toJs(), () => d.copy(), () => d.type]) {
    assert.throws(use, (e) => e instanceof Error && DESTROYED.test(e.message), String(use));
  }
});

test('live counts: calls with proxied arguments leave nothing behind', () => {
  const mark = countsBefore(py);
  withModule('_lt', { touch: (x) => x.length, obj: {} }, () => {
    run(py, `
      import _lt
      for i in range(200):
          _lt.touch([i])
          _lt.touch({"i": i})
          _lt.obj.v = i  # (a list stored on a JS object is a proxy JS owns until it destroys it)
          del _lt.obj.v
    `);
  });
  assertNoLeak(py, mark, '200 calls with proxied arguments');
});

test('live counts: create_proxy is counted until destroyed (sangam only)', () => {
  const base = liveCounts(py);
  run(py, '_cp = create_proxy({"x": 1}); _held = to_js([1])');
  const during = liveCounts(py);
  run(py, '_cp.destroy(); del _cp, _held; import gc; gc.collect()');
  const after = liveCounts(py);
  if (base === null) return; // Pyodide has no live counts
  assert.ok(during.proxies > base.proxies, `a create_proxy is a live PyProxy (${base.proxies} -> ${during.proxies})`);
  assert.ok(during.handles > base.handles, `a JS array held by Python is a live handle (${base.handles} -> ${during.handles})`);
  assert.deepEqual(after, base);
});

test('live counts: a PyProxy held by JS is counted until destroyed (sangam only)', () => {
  const base = liveCounts(py);
  const p = py.runPython('[1, 2, 3]');
  const during = liveCounts(py);
  p.destroy();
  const after = liveCounts(py);
  if (base === null) return;
  assert.equal(during.proxies, base.proxies + 1);
  assert.deepEqual(after, base);
});

test('live counts: exceptions crossing the boundary leave nothing behind', () => {
  const mark = countsBefore(py);
  const jsErr = new TypeError('from js');
  const thrower = () => { throw jsErr; };
  withModule('_lt', { thrower }, () => {
    for (let i = 0; i < 50; i++) {
      // (sangam: the JS error itself comes back; Pyodide 0.29.5: a PythonError of type JsException)
      assert.throws(() => run(py, 'import _lt; _lt.thrower()'), (e) => e === jsErr || e.type === 'JsException');
      assert.throws(() => py.runPython('raise ValueError(1)'), (e) => e.type === 'ValueError');
    }
  });
  py.runPython('import sys; sys.last_value = sys.last_exc = sys.last_traceback = sys.last_type = None');
  assertNoLeak(py, mark, 'errors crossing the boundary');
});
