// Public JS API: loadSangam() (alias loadPyodide) and the object it resolves to.
import {
  createRuntime, cArgv, cRecursionBudget, mountNodeDir, defaultIndexURL, IN_NODE, PythonError,
  FatalError, SITE_PACKAGES, STDLIB_ZIP,
} from './runtime.mjs';
import { makeInput, makeOutput, nodeStdinReader } from './streams.mjs';
import { createPackages } from './packages.mjs';
import { chooseSnapshot, encodeSnapshot, restoreSnapshot } from './snapshot.mjs';

// Filled in when dist/ is assembled (Makefile: VERSION).
export const version = '@SANGAM_VERSION@';

export { PythonError, FatalError };

// What a stream gets when the caller names no handler (Pyodide's defaults): lines to the console;
// stdin from the host's stdin in Node (fs: node:fs), prompt() in a browser, else closed.
function defaultHandler(name, fs) {
  if (name === 'stdout') return makeOutput({ batched: (line) => console.log(line) });
  if (name === 'stderr') return makeOutput({ batched: (line) => console.warn(line) });
  if (fs) return makeInput({ read: nodeStdinReader(fs) });
  if (typeof globalThis.prompt === 'function') {
    return makeInput({ stdin: () => { const s = globalThis.prompt(); return s === null ? null : s + '\n'; } });
  }
  return makeInput({ error: true });
}

// Removes the indentation common to all non-blank lines (sources written inside JS templates).
// Sources whose first line is not indented, nearly all of them, are returned as they are.
function dedent(code) {
  if (!/^(\s*\n)*[ \t]/.test(code)) return code;
  const lines = code.split('\n');
  let n = Infinity;
  for (const line of lines) {
    if (line.trim()) n = Math.min(n, line.match(/^[ \t]*/)[0].length);
  }
  return lines.map((line) => line.slice(Math.min(n, line.match(/^[ \t]*/)[0].length))).join('\n');
}

// pyodide.globals: __main__'s namespace, whose get() and has() fall back to the builtins the way
// a name lookup in Python does (`globals.get('dict')` is the dict type, as in Pyodide). Anything
// else, and the object Python receives when it is passed back, is the dict's own PyProxy.
function withBuiltins(dict, builtinsDict) {
  const get = (key) => {
    const value = dict.get(key);
    return value !== undefined || dict.has(key) ? value : builtinsDict.get(key);
  };
  const has = (key) => dict.has(key) || builtinsDict.has(key);
  return new Proxy(dict, {
    get(target, key, receiver) {
      if (key === 'get') return get;
      if (key === 'has') return has;
      return Reflect.get(target, key, receiver);
    },
  });
}

export async function loadSangam(options = {}) {
  const nodeFs = IN_NODE ? await import('node:fs') : null;
  let indexURL = options.indexURL ?? defaultIndexURL();
  if (!indexURL.endsWith('/')) indexURL += '/';
  // A memory snapshot to start from instead of Python's start-up (src/js/snapshot.mjs).
  const snapshotChoice = chooseSnapshot(options, indexURL);
  snapshotChoice.catch(() => {}); // (awaited below, after the runtime)
  const runtime = await createRuntime({
    indexURL: options.indexURL === undefined ? undefined : indexURL,
    env: options.env ?? {},
    streams: {
      stdin: options.stdin ? makeInput({ stdin: options.stdin }) : defaultHandler('stdin', nodeFs),
      stdout: options.stdout ? makeOutput({ batched: options.stdout }) : defaultHandler('stdout'),
      stderr: options.stderr ? makeOutput({ batched: options.stderr }) : defaultHandler('stderr'),
    },
  });
  const { Module, FS } = runtime;
  // Options kept from Pyodide: fsInit(FS, {sitePackages}) prepares the file system before
  // Python starts; convertNullToNone makes JS null None in Python (not jsnull).
  Module.convertNullToNone = !!options.convertNullToNone;
  // toJsLiteralMap: to_js makes a dict a LiteralMap (a Map whose string keys are properties too).
  Module.toJsLiteralMap = !!options.toJsLiteralMap;
  const snapshot = await snapshotChoice;
  // The API object, in the handle table of a restored runtime before the object exists.
  const API_PLACEHOLDER = {};
  if (snapshot) {
    await restoreSnapshot(runtime, snapshot, (fs, root, path) =>
      fs === 'NODEFS' && IN_NODE && nodeFs.statSync(root, { throwIfNoEntry: false })?.isDirectory() &&
      mountNodeDir(runtime, root, path));
    if (options.fsInit) await options.fsInit(FS, { sitePackages: SITE_PACKAGES });
    Module.SangamSnapshot.restoreHandles(snapshot.meta.runtime.handles, { globalThis, pyodide: API_PLACEHOLDER });
    runtime.call(() => Module._sangam_snapshot_restored(cRecursionBudget()));
  } else {
    if (options.fsInit) await options.fsInit(FS, { sitePackages: SITE_PACKAGES });
    const args = options.args ?? [];
    const message = runtime.call(() => {
      const [argc, argv, free] = cArgv(Module, ['python', ...args]);
      try {
        return Module._sangam_init(argc, argv, cRecursionBudget());
      } finally {
        free();
      }
    });
    if (message) throw new FatalError(`sangam: Python did not start: ${Module.UTF8ToString(message)}`);
  }

  const P = Module.PyProxies;
  const { Handles } = Module;
  // Calls a C entry point that returns a handle (0: a Python exception is set); returns the
  // value or throws the Python error. A fatal error inside marks the runtime dead.
  const callC = (fn) => {
    const [ok, value] = runtime.call(() => {
      const ref = fn();
      return ref ? [true, Handles.take(ref)] : [false, Module.Errors.takePython()];
    });
    if (!ok) throw value;
    return value;
  };
  // A string in wasm memory for the duration of f (on the heap: code can be megabytes).
  const withCString = (str, f) => {
    const ptr = Module.Alloc.string(str);
    if (!ptr) throw Module.Errors.outOfMemory('copying a string into wasm memory');
    try {
      return f(ptr);
    } finally {
      Module._free(ptr);
    }
  };
  const pyimport = (name) => withCString(name, (ptr) => callC(() => Module._sangam_pyimport(ptr)));
  const pointerOf = (proxy, what) => {
    if (proxy === undefined || proxy === null) return 0;
    const ptr = P.ptrOf(proxy);
    if (!ptr) throw new TypeError(`${what} must be a PyProxy of a dict (e.g. pyodide.globals)`);
    return ptr;
  };
  const mainDict = runtime.call(() => P.wrap(Module._sangam_main_dict(), false));
  const builtinsModule = pyimport('builtins');
  const builtinsDict = builtinsModule.__dict__.copy();
  builtinsModule.destroy();
  const globals = withBuiltins(mainDict, builtinsDict);
  P.states.set(globals, P.states.get(mainDict)); // (it stands for the dict's PyProxy)
  const pyodidePy = pyimport('pyodide');
  // asyncio's event loop will run on the JS event loop (src/py/pyodide/_startup.py).
  if (!snapshot) {
    const startup = pyimport('pyodide._startup');
    try {
      startup.library();
    } finally {
      startup.destroy();
    }
  }
  let interruptBuffer = null;

  const api = {
    version,
    FS,
    PythonError,
    FatalError,
    globals,
    pyodide_py: pyodidePy,
    ffi: { ...P.ffi, PythonError },
    _module: Module,
    _runtime: runtime, // (for the command line: runtime.call)
    // Whether this runtime started from a memory snapshot.
    _fromSnapshot: !!snapshot,
    runPython(code, opts = {}) {
      if (typeof code !== 'string') throw new TypeError('runPython expects a string of Python code');
      code = dedent(code);
      const g = pointerOf(opts.globals, 'globals');
      const l = pointerOf(opts.locals, 'locals');
      return withCString(code, (c) => withCString(opts.filename ?? '<exec>', (f) =>
        callC(() => Module._sangam_run(c, f, g, l))));
    },
    // Runs code that may use top-level await; resolves to the last expression's value.
    async runPythonAsync(code, opts = {}) {
      if (typeof code !== 'string') throw new TypeError('runPythonAsync expects a string of Python code');
      const codeModule = pyimport('pyodide.code');
      let coroutine;
      try {
        coroutine = codeModule.eval_code_async.callKwargs(code, opts.globals ?? globals, opts.locals, {
          filename: opts.filename ?? '<exec>',
        });
      } finally {
        codeModule.destroy(); // and the attribute proxies read from it
      }
      try {
        return await coroutine;
      } finally {
        coroutine.destroy();
      }
    },
    pyimport,
    registerJsModule(name, module) {
      withCString(name, (ptr) => callC(() => (Module._sangam_register_js_module(ptr, Handles.add(module)) < 0 ? 0 : 1)));
    },
    unregisterJsModule(name) {
      withCString(name, (ptr) => callC(() => (Module._sangam_unregister_js_module(ptr) < 0 ? 0 : 1)));
    },
    // Deep conversion of a JS value to Python containers; returns a PyProxy (or the value itself
    // when it has an implicit conversion).
    toPy(value, { depth = -1, defaultConverter } = {}) {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return value;
      const mark = P.borrowed.length;
      const { Convert, Errors } = Module;
      try {
        // A JS error from the value itself (a throwing getter or trap, a converter's error, a
        // value nested too deeply: a RangeError) is thrown as it is; the runtime goes on.
        const [ok, result] = runtime.call(() => {
          let ptr;
          try {
            ptr = Convert.toPyDeep(value, depth, defaultConverter ?? null);
          } catch (e) {
            if (e !== Convert.PY_ERROR) {
              if (Errors.isFatal(e)) throw e;
              return [false, e];
            }
            ptr = 0;
          }
          if (!ptr) return [false, Errors.takePython()];
          let ref;
          try {
            ref = Module._sangam_to_js_value(ptr);
          } finally {
            P.decref(ptr);
          }
          return ref ? [true, Handles.take(ref)] : [false, Errors.takePython()];
        });
        if (!ok) throw result;
        return result;
      } finally {
        P.releaseBorrowed(mark);
      }
    },
    // KeyboardInterrupt from another thread: it writes 2 (SIGINT) into buffer[0].
    setInterruptBuffer(buffer) {
      interruptBuffer = buffer ?? null;
      Module.Py_EmscriptenSignalBuffer = interruptBuffer;
      Module._sangam_set_interrupt_handling(interruptBuffer ? 1 : 0);
    },
    checkInterrupt() {
      if (!interruptBuffer || interruptBuffer[0] === 0) return;
      callC(() => (Module._sangam_check_interrupt() < 0 ? 0 : 1));
    },
    setStdout(opts) { runtime.streams.set('stdout', opts ? makeOutput(opts) : defaultHandler('stdout')); },
    setStderr(opts) { runtime.streams.set('stderr', opts ? makeOutput(opts) : defaultHandler('stderr')); },
    setStdin(opts) { runtime.streams.set('stdin', opts ? makeInput(opts) : defaultHandler('stdin', nodeFs)); },
    // Makes a host directory visible to Python (Node only).
    mountNodeFS(emscriptenPath, hostPath) {
      if (!IN_NODE) throw new Error('mountNodeFS works only in Node');
      const { statSync } = nodeFs;
      if (!statSync(hostPath, { throwIfNoEntry: false })?.isDirectory()) {
        throw new Error(`mountNodeFS: ${hostPath} is not a directory`);
      }
      if (!mountNodeDir(runtime, hostPath, emscriptenPath)) {
        throw new Error(`mountNodeFS: cannot mount over ${emscriptenPath}`);
      }
    },
    // Debug mode: more detail in some error messages (destroyed proxies). Returns the old value.
    setDebug(debug) {
      const old = !!Module.sangamDebug;
      Module.sangamDebug = !!debug;
      return old;
    },
    // Unpacks an archive (zip, tar, gztar, bztar, xztar and their synonyms, as in Pyodide) held
    // in a buffer into options.extractDir (default: the working directory).
    unpackArchive(buffer, format, { extractDir } = {}) {
      if (!(buffer instanceof ArrayBuffer) && !ArrayBuffer.isView(buffer)) {
        throw new TypeError("Expected argument 'buffer' to be an ArrayBuffer or an ArrayBuffer view");
      }
      const archive = pyimport('pyodide._archive');
      try {
        archive.unpack_buffer.callKwargs(buffer, format, { extract_dir: extractDir ?? null });
      } finally {
        archive.destroy();
      }
    },
    // A memory snapshot of the runtime as it is now, for loadPyodide({_loadSnapshot}). Taken from
    // JS between calls into Python; what Python holds of JS must be findable again by name.
    makeMemorySnapshot() {
      if (runtime.dead) throw runtime.dead;
      // (The last exception that reached JS is not kept: it may hold JS values, such as errors.)
      api.runPython(`import gc, sys
for _n in ("last_exc", "last_type", "last_value", "last_traceback"):
    sys.__dict__.pop(_n, None)
del _n
gc.collect()`);
      return encodeSnapshot(Module, runtime.stdlib, { object: api, state: {} });
    },
    get isDead() { return runtime.dead !== null; },
    // Leak checks: JS values held for C, and PyProxies not yet destroyed.
    _liveHandles: () => Handles.live(),
    _livePyProxies: () => P.live,
    // The last JS error a system call turned into an errno ({syscall, error}), for diagnosis.
    _lastSyscallError: () => runtime.lastSyscallError,
  };
  // Packages from the lock file (src/js/packages.mjs): loadPackage, loadPackagesFromImports, ...
  const packages = await createPackages(api, options, indexURL);
  Object.assign(api, {
    loadPackage: packages.loadPackage,
    loadPackagesFromImports: packages.loadPackagesFromImports,
    loadedPackages: packages.loadedPackages,
    _lockfile: packages.lock,
    _wheels: packages.wheels,
  });
  if (snapshot) {
    // Python's handles on the API object are this one's now (the snapshot's `import pyodide_js`),
    // and what this process was started with replaces what the snapshot's had.
    Handles.values.forEach((v, i) => { if (v === API_PLACEHOLDER) Handles.values[i] = api; });
    // (JSON strings are Python string literals too.)
    const str = (x) => JSON.stringify(String(x));
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${str(k)}: ${str(v)}`).join(', ');
    const argv = options.args ? `[${['python', ...options.args].map(str).join(', ')}]` : 'None';
    api.runPython(`import pyodide._restore\npyodide._restore.restored({${env}}, ${argv}, (${str(STDLIB_ZIP)},))`);
  } else {
    // Python reaches the API as `import pyodide_js` (micropip, pyodide.console), as in Pyodide.
    api.registerJsModule('pyodide_js', api);
  }
  if (options.packages?.length) await api.loadPackage(options.packages, { messageCallback: () => {} });
  return api;
}

export const loadPyodide = loadSangam;
