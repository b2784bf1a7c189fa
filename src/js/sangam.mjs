// Public JS API: loadSangam() (alias loadPyodide) and the object it resolves to.
import {
  createRuntime, cArgv, cRecursionBudget, mountNodeDir, defaultIndexURL, IN_NODE, PythonError,
  FatalError,
} from './runtime.mjs';
import { makeInput, makeOutput, nodeStdinReader } from './streams.mjs';

export const version = '0.1.0';
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

export async function loadSangam(options = {}) {
  const nodeFs = IN_NODE ? await import('node:fs') : null;
  const runtime = await createRuntime({
    indexURL: options.indexURL ?? defaultIndexURL(),
    env: options.env ?? {},
    streams: {
      stdin: options.stdin ? makeInput({ stdin: options.stdin }) : defaultHandler('stdin', nodeFs),
      stdout: options.stdout ? makeOutput({ batched: options.stdout }) : defaultHandler('stdout'),
      stderr: options.stderr ? makeOutput({ batched: options.stderr }) : defaultHandler('stderr'),
    },
  });
  const { Module, FS } = runtime;
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

  const api = {
    version,
    FS,
    PythonError,
    FatalError,
    _module: Module,
    runPython(code, opts = {}) {
      if (typeof code !== 'string') throw new TypeError('runPython expects a string of Python code');
      if (opts.globals || opts.locals) {
        throw new Error('runPython: globals and locals need the FFI, which this build does not have yet');
      }
      const filename = opts.filename ?? '<exec>';
      const [status, value] = runtime.call(() => {
        // On the heap, not the wasm stack: source code can be megabytes.
        const codePtr = Module.stringToNewUTF8(code);
        const namePtr = Module.stringToNewUTF8(filename);
        const out = Module._malloc(4);
        try {
          const st = Module._sangam_run(codePtr, namePtr, out);
          return [st, Module.Handles.take(Module.getValue(out, 'i32'))];
        } finally {
          Module._free(codePtr);
          Module._free(namePtr);
          Module._free(out);
        }
      });
      // Thrown outside runtime.call: a Python exception is an ordinary result, not a fatal one.
      if (status !== 0) throw value;
      return value;
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
    get isDead() { return runtime.dead !== null; },
    _liveHandles: () => Module.Handles.live(),
    // The last JS error a system call turned into an errno ({syscall, error}), for diagnosis.
    _lastSyscallError: () => runtime.lastSyscallError,
  };
  return api;
}

export const loadPyodide = loadSangam;
