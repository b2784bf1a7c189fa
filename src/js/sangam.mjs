// Public JS API: loadSangam() (alias loadPyodide) and the object it resolves to.
import {
  createRuntime, cArgv, cRecursionBudget, mountNodeDir, defaultIndexURL, IN_NODE, PythonError,
  FatalError,
} from './runtime.mjs';
import { makeInput, makeOutput, nodeStdinReader } from './streams.mjs';

export const version = '0.1.0';
export { PythonError, FatalError };

function defaultStreams(options) {
  const out = (fn) => makeOutput({ batched: fn });
  const stdout = options.stdout ? out(options.stdout) : out((line) => console.log(line));
  const stderr = options.stderr ? out(options.stderr) : out((line) => console.warn(line));
  let stdin;
  if (options.stdin) stdin = makeInput({ stdin: options.stdin });
  else if (IN_NODE) stdin = makeInput({ read: nodeStdinReader(nodeFs) });
  else if (typeof globalThis.prompt === 'function') {
    stdin = makeInput({ stdin: () => { const s = globalThis.prompt(); return s === null ? null : s + '\n'; } });
  } else stdin = makeInput({ error: true });
  return { stdin, stdout, stderr };
}

let nodeFs;

export async function loadSangam(options = {}) {
  if (IN_NODE) nodeFs = await import('node:fs');
  const runtime = await createRuntime({
    indexURL: options.indexURL ?? defaultIndexURL(),
    env: options.env ?? {},
    streams: defaultStreams(options),
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
    setStdout(opts) { runtime.streams.set('stdout', makeOutput(opts ?? { batched: (l) => console.log(l) })); },
    setStderr(opts) { runtime.streams.set('stderr', makeOutput(opts ?? { batched: (l) => console.warn(l) })); },
    setStdin(opts) { runtime.streams.set('stdin', makeInput(opts ?? {})); },
    // Makes a host directory visible to Python (Node only).
    async mountNodeFS(emscriptenPath, hostPath) {
      if (!IN_NODE) throw new Error('mountNodeFS works only in Node');
      const { statSync } = nodeFs;
      if (!statSync(hostPath, { throwIfNoEntry: false })?.isDirectory()) {
        throw new Error(`mountNodeFS: ${hostPath} is not a directory`);
      }
      if (!(await mountNodeDir(runtime, hostPath, emscriptenPath))) {
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
