// Async across the boundary: runPythonAsync with top-level await, Python awaiting JS promises, JS
// awaiting Python coroutines/tasks/futures, asyncio on the JS event loop, and asyncio.run.
import { before, beforeEach, afterEach } from 'node:test';
import { test } from './impl.mjs';
import assert from 'node:assert/strict';
import { load, checkLeaks, dedent, run, withModule as sharedWithModule } from './impl.mjs';

let py;
before(async () => {
  py = await load();
  run(py, `
    import asyncio, js
    from pyodide.ffi import to_js, JsException
    async def _double_later(x, delay=0.001):
        await asyncio.sleep(delay)
        return x * 2
  `);
});
checkLeaks(beforeEach, afterEach, () => py);

const runAsync = (src) => py.runPythonAsync(dedent(src));

const withModule = (name, value, fn) => sharedWithModule(py, name, value, fn);

test('runPythonAsync returns a Promise of the last expression, with top-level await', async () => {
  const p = py.runPythonAsync('1 + 1');
  assert.ok(p instanceof Promise);
  assert.equal(await p, 2);
  assert.equal(await runAsync(`
    await asyncio.sleep(0.001)
    x = await _double_later(21)
    x
  `), 42);
  assert.equal(await py.runPythonAsync('await asyncio.sleep(0)'), undefined);
});

test('runPythonAsync rejects with a PythonError', async () => {
  await assert.rejects(runAsync(`
    await asyncio.sleep(0)
    raise ValueError("async bad")
  `), (e) => e instanceof py.ffi.PythonError && e.type === 'ValueError' && /ValueError: async bad\n$/.test(e.message));
  assert.equal(await py.runPythonAsync('3'), 3, 'usable afterwards');
});

test('runPython (not async) rejects top-level await with a SyntaxError', () => {
  assert.throws(() => py.runPython('await asyncio.sleep(0)'), (e) => e.type === 'SyntaxError');
});

test('Python awaits a JS promise: resolved value converted, rejection is JsException', async () => {
  await withModule('_as', {
    later: (v, ms) => new Promise((r) => setTimeout(() => r(v), ms)),
    fail: () => Promise.reject(new TypeError('rejected here')),
    obj: () => Promise.resolve({ k: [1, 2] }),
  }, async () => {
    assert.deepEqual(await runAsync(`
      import _as
      r = [await _as.later(5, 2), await _as.later("s", 0), await _as.later(2**60, 0)]
      try:
          await _as.fail()
      except JsException as e:
          r.append(e.name + ": " + e.message)
      o = await _as.obj()
      r.append(o.k.to_py())
      to_js(r)
    `), [5, 's', 2n ** 60n, 'TypeError: rejected here', [1, 2]]);
  });
  py.runPython('del r, o');
});

test('Python awaits a JS thenable and an already-settled promise', async () => {
  await withModule('_as', {
    thenable: { then(res) { setTimeout(() => res('from thenable'), 1); } },
    done: Promise.resolve('already'),
  }, async () => {
    assert.deepEqual(await runAsync(`
      import _as
      to_js([await _as.thenable, await _as.done, await _as.done])
    `), ['from thenable', 'already', 'already']);
  });
});

test('a JS promise is a future in Python: done(), result(), add_done_callback', async () => {
  await withModule('_as', { later: (v) => new Promise((r) => setTimeout(() => r(v), 2)) }, async () => {
    assert.deepEqual(await runAsync(`
      import _as
      fut = _as.later(7)
      seen = []
      fut.add_done_callback(lambda f: seen.append(f.result()))
      before = fut.done()
      v = await fut
      await asyncio.sleep(0)
      to_js([before, fut.done(), fut.result(), v, seen])
    `), [false, true, 7, 7, [7]]);
  });
  py.runPython('del fut, seen, before, v');
});

test('JS awaits a Python coroutine returned to it', async () => {
  const co = py.runPython('_double_later(21)');
  assert.equal(co.type, 'coroutine');
  assert.equal(await co, 42);
  co.destroy();
});

test('JS awaits Python tasks and futures', async () => {
  const task = py.runPython('asyncio.ensure_future(_double_later(5))');
  assert.equal(await task, 10);
  task.destroy();
  const fut = run(py, `
    _fut = asyncio.get_event_loop().create_future()
    asyncio.get_event_loop().call_later(0.002, _fut.set_result, "set later")
    _fut
  `);
  assert.equal(await fut, 'set later');
  fut.destroy();
  const failing = run(py, `
    _fut = asyncio.get_event_loop().create_future()
    _fut.set_exception(KeyError("nope"))
    _fut
  `);
  await assert.rejects(Promise.resolve(failing), (e) => e.type === 'KeyError');
  failing.destroy();
  py.runPython('del _fut');
});

test('a Python async function called from JS returns an awaitable', async () => {
  const f = py.runPython('_double_later');
  const co = f(4);
  assert.equal(await co, 8);
  co.destroy();
  f.destroy();
});

test('asyncio.sleep, create_task and gather from top level', async () => {
  assert.deepEqual(await runAsync(`
    order = []
    async def worker(name, delay):
        await asyncio.sleep(delay)
        order.append(name)
        return name
    t = asyncio.create_task(worker("slow", 0.2))
    results = await asyncio.gather(worker("a", 0.05), worker("b", 0.001), t)
    to_js([results, order])
  `), [['a', 'b', 'slow'], ['b', 'a', 'slow']]);
  py.runPython('del order, worker, t, results');
});

test('asyncio.wait_for times out; wait returns done and pending', async () => {
  assert.deepEqual(await runAsync(`
    try:
        await asyncio.wait_for(asyncio.sleep(10), 0.01)
        r1 = "no timeout"
    except asyncio.TimeoutError:
        r1 = "timeout"
    r2 = await asyncio.wait_for(_double_later(3), 1)
    fast = asyncio.ensure_future(_double_later(1, 0.001))
    slow = asyncio.ensure_future(_double_later(1, 5))
    done, pending = await asyncio.wait([fast, slow], return_when=asyncio.FIRST_COMPLETED)
    slow.cancel()
    to_js([r1, r2, len(done), len(pending), fast in done])
  `), ['timeout', 6, 1, 1, true]);
  py.runPython('del r1, r2, fast, slow, done, pending');
});

test('loop.call_later, call_soon and ensure_future run on the JS event loop', async () => {
  assert.deepEqual(await runAsync(`
    loop = asyncio.get_event_loop()
    events = []
    fut = loop.create_future()
    loop.call_later(0.005, lambda: (events.append("later"), fut.set_result(len(events))))
    loop.call_soon(events.append, "soon")
    ef = asyncio.ensure_future(_double_later(2))
    n = await fut
    to_js([events, n, await ef])
  `), [['soon', 'later'], 2, 4]);
  py.runPython('del loop, events, fut, ef, n');
});

test('tasks started without awaiting still run while JS awaits something else', async () => {
  run(py, `
    _bg = []
    async def _bg_task():
        await asyncio.sleep(0.001)
        _bg.append("ran")
    _t = asyncio.ensure_future(_bg_task())
  `);
  // JS only awaits timers here; the task must finish meanwhile (polled, so a busy machine
  // cannot make it flaky).
  let done = false;
  for (let i = 0; i < 500 && !done; i++) {
    await new Promise((r) => setTimeout(r, 10));
    done = py.runPython('_bg == ["ran"] and _t.done()');
  }
  assert.equal(done, true);
  py.runPython('del _bg, _bg_task, _t');
});

test('cancelling a task raises CancelledError in its awaiter', async () => {
  assert.equal(await runAsync(`
    t = asyncio.ensure_future(asyncio.sleep(10))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
        r = "not cancelled"
    except asyncio.CancelledError:
        r = "cancelled"
    r
  `), 'cancelled');
  py.runPython('del t, r');
});

test('the running loop is the JS-driven loop and time advances', async () => {
  assert.deepEqual(await runAsync(`
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(0.02)
    to_js([loop is asyncio.get_event_loop(), loop.time() - t0 >= 0.015])
  `), [true, true]);
  py.runPython('del loop, t0');
});

test('asyncio.run either works or raises a clear RuntimeError', async () => {
  // Pyodide 0.29.5 on Node 20 (no JSPI) raises RuntimeError("WebAssembly stack switching not
  // supported in this JavaScript runtime"); a runtime that can block may return the value.
  const r = run(py, `
    async def _main():
        await asyncio.sleep(0)
        return "ran"
    _co = _main()
    try:
        r = asyncio.run(_co)
    except RuntimeError as e:
        _co.close()
        r = "RuntimeError: " + str(e)
    r
  `);
  assert.ok(r === 'ran' || /^RuntimeError: \S.{10,}/.test(r), r);
  py.runPython('del _co, _main, r');
});

test('JS callbacks into Python from promise reactions run Python code', async () => {
  const seen = [];
  await withModule('_as', { seen }, async () => {
    await runAsync(`
      import _as
      from pyodide.ffi import create_once_callable
      p = js.Promise.resolve(5)
      done = asyncio.get_event_loop().create_future()
      def cb(v):
          _as.seen.push(v * 3)
          done.set_result(None)
      p.then(create_once_callable(cb))
      await done
    `);
  });
  assert.deepEqual(seen, [15]);
  py.runPython('del p, done, cb');
});
