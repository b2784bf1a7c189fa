// FFI operations timed inside one runtime (sangam or a Pyodide), the child side of bench/run.mjs's
// `ffi` section. Uses only the public API both speak: loadPyodide/loadSangam, runPython,
// registerJsModule, globals.get, toPy, PyProxy (call, attributes, toJs, getBuffer, destroy) and,
// in Python, JsProxy (call, attributes, to_memoryview, to_py).
//
//   node ffi.mjs '{"module": URL, "loader": "loadPyodide", "ops": [...], "repeats": 5, "scale": 1}'
//
// run.mjs imports this file for the list of operations (OPS); it runs them only as a script.
//
// Each operation names the API members it needs beyond runPython (`api`); one missing is reported
// as such. For each operation: set-up (untimed), one warm-up loop, then `repeats` timed loops of `n`
// iterations; each loop's result is checked. Prints one "@@bench-result {...}" line per operation
// as soon as it is done, so a runtime that dies half-way still reports what it finished.
import { realpathSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const MARK = '@@bench-result ';
const MB10 = 10 * 1024 * 1024;

// Registers `members` as a JS module and imports `names` from it into Python's globals.
function jsModule(py, name, members) {
  py.registerJsModule(name, members);
  py.runPython(`from ${name} import ${Object.keys(members).map((k) => `${k} as _bench_${k}`).join(', ')}`);
}

function pythonWrite(py, statement, readBack) {
  try {
    py.runPython(statement);
  } catch (e) {
    return `Python cannot write (${String(e.message).trim().split('\n').pop()})`;
  }
  return readBack();
}

// Python reads a few bytes of a JS Uint8Array after converting it with `method`.
function jsBufferOp(method) {
  return {
    n: 20, unit: 'conversion', label: `py: Uint8Array(10 MB).${method}()`, api: ['registerJsModule'],
    setup(py) {
      const u8 = new Uint8Array(MB10);
      u8[0] = 1; u8[u8.length >> 1] = 2; u8[u8.length - 1] = 3;
      jsModule(py, `_bench_mod_${method}`, { [`buf_${method}`]: u8 });
      py.runPython([
        `def _bench_${method}(n):`,
        `    b = _bench_buf_${method}`,
        '    s = 0',
        '    for _ in range(n):',
        `        m = b.${method}()`,
        '        s += m[0] + m[len(m) // 2] + m[-1]',
        '    return s',
      ].join('\n'));
      return { u8 };
    },
    run: (py, ctx, n) => py.runPython(`_bench_${method}(${n})`),
    expect: (n) => 6 * n,
    sharing(py, { u8 }) {
      py.runPython(`_bench_view = _bench_buf_${method}.${method}()`);
      u8[5] = 42;
      const jsToPy = Number(py.runPython('_bench_view[5]')) === 42;
      const pyToJs = pythonWrite(py, '_bench_view[6] = 7', () => u8[6] === 7);
      py.runPython('del _bench_view');
      u8[5] = 0; u8[6] = 0;
      return { js_to_py: jsToPy, py_to_js: pyToJs };
    },
  };
}

export const OPS = {
  call_py_js: {
    n: 100_000, unit: 'call', label: 'py→js call f(i)', api: ['registerJsModule'],
    setup(py) {
      jsModule(py, '_bench_mod_call', { f: (x) => x + 1 });
      py.runPython([
        'def _bench_call_py_js(n):',
        '    f = _bench_f',
        '    s = 0',
        '    for i in range(n):',
        '        s += f(i)',
        '    return s',
      ].join('\n'));
    },
    run: (py, ctx, n) => py.runPython(`_bench_call_py_js(${n})`),
    expect: (n) => (n * (n + 1)) / 2,
  },
  call_js_py: {
    n: 100_000, unit: 'call', label: 'js→py call f(i)', api: ['globals'],
    setup(py) {
      py.runPython('def _bench_g(x):\n    return x + 1');
      return { g: py.globals.get('_bench_g') };
    },
    run(py, { g }, n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += g(i);
      return s;
    },
    expect: (n) => (n * (n + 1)) / 2,
    teardown: (py, { g }) => g.destroy(),
  },
  getattr_py_js: {
    n: 100_000, unit: 'get', label: 'py reads jsobj.x', api: ['registerJsModule'],
    setup(py) {
      jsModule(py, '_bench_mod_attr', { obj: { x: 1 } });
      py.runPython([
        'def _bench_getattr(n):',
        '    o = _bench_obj',
        '    s = 0',
        '    for _ in range(n):',
        '        s += o.x',
        '    return s',
      ].join('\n'));
    },
    run: (py, ctx, n) => py.runPython(`_bench_getattr(${n})`),
    expect: (n) => n,
  },
  getattr_js_py: {
    n: 100_000, unit: 'get', label: 'js reads pyproxy.x', api: ['globals'],
    setup(py) {
      py.runPython('class _BenchC:\n    pass\n_bench_o = _BenchC()\n_bench_o.x = 1');
      return { o: py.globals.get('_bench_o') };
    },
    run(py, { o }, n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += o.x;
      return s;
    },
    expect: (n) => n,
    teardown: (py, { o }) => o.destroy(),
  },
  tojs_ints: {
    n: 20, unit: 'conversion', label: 'toJs(): list of 100k ints', api: ['globals'],
    setup(py) {
      py.runPython('_bench_ints = list(range(100_000))');
      return { p: py.globals.get('_bench_ints') };
    },
    run(py, { p }, n) {
      let ok = 0;
      for (let i = 0; i < n; i++) {
        const a = p.toJs();
        if (Array.isArray(a) && a.length === 100_000 && a[99_999] === 99_999) ok++;
      }
      return ok;
    },
    expect: (n) => n,
    teardown: (py, { p }) => p.destroy(),
  },
  tojs_dicts: {
    n: 20, unit: 'conversion', label: 'toJs(): list of 10k dicts', api: ['globals'],
    setup(py) {
      py.runPython("_bench_dicts = [{'i': i, 's': str(i), 'f': i * 0.5} for i in range(10_000)]");
      return { p: py.globals.get('_bench_dicts') };
    },
    run(py, { p }, n) {
      let ok = 0;
      for (let i = 0; i < n; i++) {
        const a = p.toJs();
        const d = a[9_999];
        const get = (k) => (d instanceof Map ? d.get(k) : d?.[k]);
        if (a.length === 10_000 && get('i') === 9_999 && get('s') === '9999' && get('f') === 4999.5) ok++;
      }
      return ok;
    },
    expect: (n) => n,
    teardown: (py, { p }) => p.destroy(),
  },
  topy_nested: {
    n: 20, unit: 'conversion', label: 'toPy(): 1000 objects × 10 keys', api: ['toPy', 'globals'],
    setup() {
      const data = Array.from({ length: 1000 }, (_, i) => ({
        k0: i, k1: `v${i}`, k2: i * 0.25, k3: i % 2 === 0, k4: null,
        k5: i + 1, k6: 'abc', k7: -i, k8: `w${i}`, k9: [i, i + 1, i + 2, i + 3, i + 4],
      }));
      return { data };
    },
    run(py, { data }, n) {
      let ok = 0;
      for (let i = 0; i < n; i++) {
        const r = py.toPy(data);
        if (r.length === 1000) ok++;
        r.destroy();
      }
      return ok;
    },
    expect: (n) => n,
    // The conversion is deep: the last object is a dict whose k9 is a list.
    verify(py, { data }) {
      const r = py.toPy(data);
      py.globals.set('_bench_topy', r);
      r.destroy();
      const got = py.runPython("f\"{type(_bench_topy).__name__} {type(_bench_topy[999]).__name__} " +
        "{type(_bench_topy[999]['k9']).__name__} {_bench_topy[999]['k9'][4]} {_bench_topy[999]['k1']}\"");
      py.runPython('del _bench_topy');
      const want = 'list dict list 1003 v999';
      if (got !== want) throw new Error(`toPy gave ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    },
  },
  buf_to_memoryview: jsBufferOp('to_memoryview'),
  buf_to_py: jsBufferOp('to_py'),
  buf_getbuffer: {
    n: 1000, unit: 'view', label: 'js: bytearray(10 MB).getBuffer()', api: ['globals'],
    setup(py) {
      py.runPython('_bench_ba = bytearray(10 * 1024 * 1024)\n' +
        '_bench_ba[0] = 1; _bench_ba[len(_bench_ba) // 2] = 2; _bench_ba[-1] = 3');
      return { p: py.globals.get('_bench_ba') };
    },
    run(py, { p }, n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const v = p.getBuffer();
        const d = v.data;
        s += d[0] + d[d.length >> 1] + d[d.length - 1];
        v.release();
      }
      return s;
    },
    expect: (n) => 6 * n,
    sharing(py, { p }) {
      const v = p.getBuffer();
      try {
        v.data[5] = 42;
        const jsToPy = Number(py.runPython('_bench_ba[5]')) === 42;
        const pyToJs = pythonWrite(py, '_bench_ba[6] = 7', () => v.data[6] === 7);
        py.runPython('_bench_ba[5] = 0; _bench_ba[6] = 0');
        return { js_to_py: jsToPy, py_to_js: pyToJs };
      } finally {
        v.release();
      }
    },
    teardown: (py, { p }) => p.destroy(),
  },
};

function describe(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function emit(result) {
  writeSync(1, MARK + JSON.stringify(result) + '\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function measure(py, name, job) {
  const op = OPS[name];
  const n = Math.max(1, Math.round(op.n * job.scale));
  const out = { op: name, n, unit: op.unit };
  let ctx;
  try {
    const missing = ['runPython', ...op.api].filter((k) => py[k] === undefined || py[k] === null);
    if (missing.length) throw new Error(`the API has no ${missing.join(', ')}`);
    ctx = (await op.setup?.(py)) ?? {};
    const check = (got) => {
      if (Number(got) !== op.expect(n)) {
        throw new Error(`wrong result: got ${String(got)}, expected ${op.expect(n)}`);
      }
    };
    check(op.run(py, ctx, n)); // warm-up
    const times = [];
    for (let r = 0; r < job.repeats; r++) {
      const t0 = performance.now();
      const got = op.run(py, ctx, n);
      times.push(performance.now() - t0);
      check(got);
    }
    op.verify?.(py, ctx);
    if (op.sharing) out.sharing = op.sharing(py, ctx);
    Object.assign(out, { times_ms: times, per_op_ns: (median(times) / n) * 1e6 });
  } catch (e) {
    out.error = describe(e);
  }
  try {
    if (ctx) op.teardown?.(py, ctx);
  } catch (e) {
    out.error ??= `teardown: ${describe(e)}`;
  }
  return out;
}

async function main() {
  const job = JSON.parse(process.argv[2]);
  let py;
  try {
    const mod = await import(job.module);
    if (typeof mod[job.loader] !== 'function') throw new Error(`${job.module} exports no ${job.loader}()`);
    py = await mod[job.loader]();
  } catch (e) {
    for (const name of job.ops) emit({ op: name, error: `loading: ${describe(e)}` });
    return;
  }
  for (const name of job.ops) {
    if (!OPS[name]) emit({ op: name, error: `no such operation: ${name}` });
    else emit(await measure(py, name, job));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  await main();
  process.exit(0);
}
