// Pyodide's documented FFI examples, run as written (browser globals replaced by Node equivalents:
// window = globalThis, an EventTarget for document.body, a local promise-returning fetch stand-in).
import { before, beforeEach, afterEach } from 'node:test';
import { test } from './impl.mjs';
import assert from 'node:assert/strict';
import { load, checkLeaks, stdout } from './impl.mjs';

let pyodide;
before(async () => {
  pyodide = await load();
  globalThis.window = globalThis;
});
checkLeaks(beforeEach, afterEach, () => pyodide);

// Lines printed by Python during fn().
function printed(fn) {
  const start = stdout.length;
  fn();
  return stdout.slice(start);
}
async function printedAsync(fn) {
  const start = stdout.length;
  await fn();
  return stdout.slice(start);
}

test('type translations: to_py converts only plain objects (class Test example)', () => {
  class Test {}
  window.x = { a: 7, b: 2 };
  window.y = { a: 7, b: 2 };
  Object.setPrototypeOf(y, Test.prototype);
  pyodide.runPython(`
    from js import x, y
    # x is converted to a dictionary
    assert x.to_py() == { "a" : 7, "b" : 2}
    # y is not a "Plain Old JavaScript Object", it's an instance of type Test so it's not converted
    assert y.to_py() == y
  `);
  pyodide.runPython('del x, y');
  delete window.x; delete window.y;
});

test('calling Python from JS: a returned list is a PyProxy; toJs() copies it', () => {
  const test = pyodide.runPython(`
    def test(x):
        return [n*n for n in x]
    test
  `);
  const result_py = test([1, 2, 3, 4]);
  const result_js = result_py.toJs();
  assert.deepEqual(result_js, [1, 4, 9, 16]);
  result_py.destroy();
  test.destroy();
});

test('calling Python from JS: to_js on the return value leaves nothing to destroy', () => {
  const test = pyodide.runPython(`
    from pyodide.ffi import to_js
    def test(x):
        return to_js([n*n for n in x])
    test
  `);
  const result = test([1, 2, 3, 4]);
  assert.deepEqual(result, [1, 4, 9, 16]);
  test.destroy();
});

test('callKwargs example (the docs comment says [8, 12, 16, 23]; 2*2 + 7 is 11)', () => {
  const test = pyodide.runPython(`
    from pyodide.ffi import to_js
    def test(x, *, offset):
        return to_js([n*n + offset for n in x])
    to_js(test)
  `);
  const result = test.callKwargs([1, 2, 3, 4], { offset: 7 });
  assert.deepEqual(result, [8, 11, 16, 23]);
  test.destroy();
});

test('calling JS from Python: keyword arguments become one trailing object', () => {
  window.f = (...args) => JSON.stringify(args);
  assert.equal(pyodide.runPython('import js\njs.f(a=2, b=3)'), '[{"a":2,"b":3}]');
  delete window.f;
});

test('create_once_callable with setTimeout', async () => {
  const lines = await printedAsync(async () => {
    pyodide.runPython(`
      from pyodide.ffi import create_once_callable
      from js import setTimeout
      def my_callback():
          print("hi")
      setTimeout(create_once_callable(my_callback), 10)
    `);
    await new Promise((r) => setTimeout(r, 50));
  });
  assert.deepEqual(lines, ['hi']);
  pyodide.runPython('del my_callback, setTimeout');
});

test('create_proxy as an event handler on an EventTarget, then removeEventListener and destroy', () => {
  const body = new EventTarget();
  window.document = { body };
  try {
    const lines = printed(() => {
      pyodide.runPython(`
        from pyodide.ffi import create_proxy
        from js import document
        def my_callback(event):
            print("hi", event.type)
        proxy = create_proxy(my_callback)
        document.body.addEventListener("click", proxy)
      `);
      body.dispatchEvent(new Event('click'));
      body.dispatchEvent(new Event('click'));
      pyodide.runPython(`
        document.body.removeEventListener("click", proxy)
        proxy.destroy()
      `);
      body.dispatchEvent(new Event('click'));
    });
    assert.deepEqual(lines, ['hi click', 'hi click']);
  } finally {
    pyodide.runPython('del proxy, my_callback, document');
    delete window.document;
  }
});

test('awaiting fetch-like promises from Python', async () => {
  window.fetchLike = async (url) => ({
    ok: true,
    status: 200,
    url,
    json: async () => ({ items: [1, 2, 3], name: 'demo' }),
    text: async () => 'plain body',
  });
  try {
    const r = await pyodide.runPythonAsync(`
      from js import fetchLike
      response = await fetchLike("https://example.invalid/data.json")
      data = (await response.json()).to_py()
      text = await response.text()
      f"{response.status} {data['name']} {sum(data['items'])} {text}"
    `);
    assert.equal(r, '200 demo 6 plain body');
  } finally {
    pyodide.runPython('del fetchLike, response, data, text');
    delete window.fetchLike;
  }
});

test('to_js with dict_converter=js.Object.fromEntries gives the plain object JS APIs expect', () => {
  window.takesOptions = (opts) => [Object.getPrototypeOf(opts) === Object.prototype, Object.keys(opts).join(), opts.nested.deep];
  try {
    const r = pyodide.runPython(`
      import js
      from pyodide.ffi import to_js
      js.takesOptions(to_js({"method": "POST", "nested": {"deep": True}}, dict_converter=js.Object.fromEntries))
    `);
    assert.deepEqual(r, [true, 'method,nested', true], 'a JS array returned through Python is the same array');
  } finally {
    delete window.takesOptions;
  }
});

test('PyProxy.toJs({dict_converter: Object.fromEntries})', () => {
  const proxy = pyodide.runPython('{"a": 1, "b": {"c": 2}}');
  assert.deepEqual(proxy.toJs({ dict_converter: Object.fromEntries }), { a: 1, b: { c: 2 } });
  proxy.destroy();
});

test('toJs pyproxies example: destroy every proxy toJs created', () => {
  const proxy = pyodide.runPython('[object(), {"k": object()}]');
  const pyproxies = [];
  const js = proxy.toJs({ pyproxies });
  assert.equal(pyproxies.length, 2);
  assert.equal(js[0].type, 'object');
  for (const px of pyproxies) px.destroy();
  proxy.destroy();
});

test('typed array to_py, then assign back', () => {
  globalThis.jsarray = new Float32Array([1, 2, 3, 4, 5, 6]);
  try {
    pyodide.runPython(`
      from js import jsarray
      array = jsarray.to_py()
      rows = array.cast("B").cast("f", (2, 3))
      import array as _array
      a = _array.array("f", array.tolist())
      a[4] = 77
      jsarray.assign(a)
    `);
    assert.deepEqual([...jsarray], [1, 2, 3, 4, 77, 6]);
  } finally {
    pyodide.runPython('del jsarray, array, rows, a, _array');
    delete globalThis.jsarray;
  }
});

test('getBuffer example: a view of the data backing a Python buffer, released when done', () => {
  pyodide.runPython('import array; some_buffer = array.array("i", [1, 2, 3, 4])');
  const proxy = pyodide.globals.get('some_buffer');
  const buffer = proxy.getBuffer();
  proxy.destroy();
  try {
    if (buffer.readonly) throw new Error('Uh-oh, we were planning to change the buffer');
    assert.ok(buffer.data instanceof Int32Array);
    assert.deepEqual([...buffer.shape], [4]);
    buffer.data[buffer.offset + 2] = 30;
  } finally {
    buffer.release();
  }
  assert.equal(pyodide.runPython('some_buffer[2]'), 30);
  pyodide.runPython('del some_buffer');
});

test('errors example: reformat an exception from sys.last_value', () => {
  pyodide.runPython(`
    def reformat_exception():
        import sys
        from traceback import format_exception
        # Format a modified exception here
        # this just prints it normally but you could for instance filter some frames
        return "".join(
            format_exception(sys.last_type, sys.last_value, sys.last_traceback)
        )
  `);
  const reformat_exception = pyodide.globals.get('reformat_exception');
  try {
    assert.throws(() => {
      try {
        pyodide.runPython('raise ValueError("from some code")');
      } catch (e) {
        e.message = reformat_exception();
        throw e;
      }
    }, (e) => /ValueError: from some code\n$/.test(e.message) && e.type === 'ValueError');
  } finally {
    reformat_exception.destroy();
    pyodide.runPython('import sys; sys.last_value = sys.last_exc = sys.last_traceback = sys.last_type = None; del reformat_exception');
  }
});

test('importing Python objects into JS: globals.get("sys"), globals.set', () => {
  const sys = pyodide.globals.get('sys');
  assert.equal(sys.type, 'module');
  sys.destroy();
  const lines = printed(() => {
    pyodide.globals.set('x', 2);
    pyodide.runPython('print(x)'); // Prints 2
  });
  assert.deepEqual(lines, ['2']);
  pyodide.globals.delete('x');
});

test('a custom globals dictionary', () => {
  // The docs pass the dict positionally (older API); 0.29.5 takes {globals}. The docs also never
  // destroy the PyProxy of the dict type that globals.get('dict') returns; here it is.
  const dict = pyodide.globals.get('dict');
  const my_py_namespace = dict();
  dict.destroy();
  pyodide.runPython('x=2', { globals: my_py_namespace });
  const x = my_py_namespace.get('x');
  assert.equal(x, 2);
  my_py_namespace.destroy();
});

test('importing JS objects into Python: assigning js.x creates a global', () => {
  pyodide.runPython('import js\njs.x = 2');
  assert.equal(window.x, 2);
  delete window.x;
});

test('registerJsModule example (with the import the docs example forgets)', () => {
  // As printed in the docs the example raises NameError (my_js_namespace is never imported as a
  // name), in Pyodide 0.29.5 too; one import line is added.
  const my_js_namespace = { x: 3 };
  pyodide.registerJsModule('my_js_namespace', my_js_namespace);
  try {
    const lines = printed(() => pyodide.runPython(`
      from my_js_namespace import x
      print(x) # 3
      import my_js_namespace
      my_js_namespace.y = 7
    `));
    assert.deepEqual(lines, ['3']);
    assert.equal(my_js_namespace.y, 7);
  } finally {
    pyodide.unregisterJsModule('my_js_namespace');
    pyodide.runPython('import sys; sys.modules.pop("my_js_namespace", None); del my_js_namespace, x');
  }
});

test('destroyed proxy example: foo() after foo.destroy() throws', () => {
  pyodide.runPython('def foo(): return "called"');
  const foo = pyodide.globals.get('foo');
  assert.equal(foo(), 'called');
  foo.destroy();
  assert.throws(() => foo(), (e) => /Object has already been destroyed/.test(e.message));
  pyodide.runPython('del foo');
});

test('JsProxy.as_object_map example: iterate a plain object like a dict', () => {
  window.jsobj = { a: 1, b: 2 };
  try {
    assert.equal(pyodide.runPython(`
      from js import jsobj
      ", ".join(f"{k}={v}" for k, v in jsobj.as_object_map().items())
    `), 'a=1, b=2');
  } finally {
    pyodide.runPython('del jsobj');
    delete window.jsobj;
  }
});
