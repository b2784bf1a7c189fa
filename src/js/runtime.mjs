// The runtime underneath both the public API (sangam.mjs) and the command line (cli.mjs):
// loads the wasm module and the standard library, lays out the virtual file system, and calls
// into C so that nothing thrown inside wasm escapes unexplained.
import createModule from './sangam.asm.mjs';
import { installStreams } from './streams.mjs';

export const IN_NODE = typeof process === 'object' && process.versions?.node !== undefined &&
  typeof window === 'undefined';

export const LIB = '/lib';
export const STDLIB_ZIP = '/lib/python313.zip';
export const SITE_PACKAGES = '/lib/python3.13/site-packages';
export const HOME = '/home/pyodide';

// A Python exception that reached JS. `type` is the exception's class name; `message` is the
// formatted traceback, as CPython prints it.
export class PythonError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}
Object.defineProperty(PythonError.prototype, 'name', { value: 'PythonError' });

// What the runtime throws once it cannot go on (abort, exit, a trap inside wasm): every later
// call throws it again, so nothing runs on a broken heap.
export class FatalError extends Error {}
Object.defineProperty(FatalError.prototype, 'name', { value: 'FatalError' });

// A Python object with no JS equivalent yet: its type name and repr.
export class OpaquePyObject {
  constructor(type, repr) { this.type = type; this.repr = repr; }
  toString() { return this.repr; }
}

export function defaultIndexURL() {
  return new URL('.', import.meta.url).href;
}

async function readURL(url) {
  if (IN_NODE && url.startsWith('file:')) {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(new URL(url)));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`sangam: could not fetch ${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Errno values of Emscripten's libc (musl numbering, not Linux's).
const ENOSYS = 52;
const EIO = 29;

// System calls are JS functions that C calls. Emscripten's turn the errors they expect into
// -errno and let anything else through, which would unwind C and Python frames. This wraps each
// one so that nothing else crosses either: a capability the host lacks (a Node module that is not
// there, say, for sockets) is ENOSYS, anything else EIO. The JS error is kept for diagnosis.
function guardSyscalls(imports, runtimeState) {
  const env = { ...imports.env };
  for (const [name, fn] of Object.entries(env)) {
    if (typeof fn !== 'function' || !(name.startsWith('__syscall_') || name.startsWith('fd_'))) continue;
    const guarded = function (...args) {
      try {
        return fn.apply(this, args);
      } catch (e) {
        if (e?.name === 'ExitStatus' || e === 'unwind') throw e;
        runtimeState.lastSyscallError = { syscall: name, error: e };
        const missing = e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND';
        return -(missing ? ENOSYS : EIO);
      }
    };
    if (fn.sig) guarded.sig = fn.sig;
    env[name] = guarded;
  }
  return { ...imports, env, wasi_snapshot_preview1: env };
}

async function instantiate(url, imports) {
  if (!IN_NODE && typeof WebAssembly.instantiateStreaming === 'function') {
    return WebAssembly.instantiateStreaming(fetch(url), imports);
  }
  return WebAssembly.instantiate(await readURL(url), imports);
}

// Creates the wasm module with the standard library in place and the standard streams on the
// given handlers ({stdin, stdout, stderr}). Python itself is not started yet.
export async function createRuntime({ indexURL = defaultIndexURL(), env = {}, streams }) {
  if (!indexURL.endsWith('/')) indexURL += '/';
  const stdlib = readURL(indexURL + 'python_stdlib.zip');
  const state = { lastSyscallError: null };
  let failed;
  const failure = new Promise((_, reject) => { failed = reject; });
  const Module = await Promise.race([failure, createModule({
    locateFile: (path) => indexURL + path,
    instantiateWasm(imports, receive) {
      instantiate(indexURL + 'sangam.asm.wasm', guardSyscalls(imports, state))
        .then(({ instance, module }) => receive(instance, module))
        .catch((e) => failed(new Error(`sangam: could not load sangam.asm.wasm: ${e.message}`, { cause: e })));
      return {};
    },
    PythonError,
    OpaquePyObject,
    // Emscripten's own console output is only used for its internal diagnostics.
    print: (line) => streams.stdout.write(new TextEncoder().encode(line + '\n')),
    printErr: (line) => streams.stderr.write(new TextEncoder().encode(line + '\n')),
    preRun: [(M) => {
      for (const key of ['USER', 'LOGNAME', '_']) delete M.ENV[key];
      Object.assign(M.ENV, { HOME, PWD: HOME, PATH: '/', LANG: 'C.UTF-8' }, env);
    }],
  })]);
  const { FS } = Module;
  FS.mkdirTree(SITE_PACKAGES);
  FS.mkdirTree('/lib/python3.13/lib-dynload');
  FS.mkdirTree(HOME);
  FS.writeFile(STDLIB_ZIP, await stdlib);
  FS.chdir(HOME);
  const runtime = {
    Module,
    FS,
    streams: installStreams(Module, streams),
    dead: null,
    // The last JS error a system call turned into an errno (see guardSyscalls).
    get lastSyscallError() { return state.lastSyscallError; },
    // Calls into C. A JS exception escaping wasm means C code was cut off mid-way (abort,
    // exit(), a trap, the JS stack running out): the runtime is marked dead with the reason.
    call(fn) {
      if (runtime.dead) throw runtime.dead;
      const hostExitCode = IN_NODE ? process.exitCode : undefined;
      try {
        return fn();
      } catch (e) {
        // Emscripten's exit() sets the Node process's exit code; the host process is not ours
        // to end. The status travels in the error instead.
        if (IN_NODE) process.exitCode = hostExitCode;
        runtime.dead = fatalFrom(e);
        throw runtime.dead;
      } finally {
        runtime.streams.flush();
      }
    },
  };
  return runtime;
}

function fatalFrom(e) {
  let reason;
  if (e?.name === 'ExitStatus') reason = `Python exited (status ${e.status})`;
  else if (e instanceof WebAssembly.RuntimeError) reason = `a fatal error in wasm: ${e.message}`;
  else if (e instanceof RangeError) reason = `the JS stack ran out inside Python: ${e.message}`;
  else reason = `an unexpected error inside the runtime: ${e?.stack ?? e}`;
  const err = new FatalError(`sangam: the runtime is no longer usable: ${reason}`);
  err.cause = e;
  return err;
}

// How deep C code may recurse before CPython raises RecursionError, from the JS stack this
// thread has: each level of C recursion takes JS engine stack too. Measured with trivial JS
// frames; one C recursion level costs at most ~4 of them (deepest case seen: comparing nested
// lists), so a fifth leaves a margin. (main.c applies it.)
export function cRecursionBudget() {
  let frames = 0;
  const dive = () => { frames++; dive(); };
  try { dive(); } catch {}
  return Math.floor(frames / 5);
}

// Writes argv into wasm memory as a C array of strings; returns [argc, argv, free].
export function cArgv(Module, args) {
  const ptrs = args.map((a) => Module.stringToNewUTF8(a));
  const argv = Module._malloc(4 * (ptrs.length + 1));
  ptrs.forEach((p, i) => Module.setValue(argv + 4 * i, p, 'i32'));
  Module.setValue(argv + 4 * ptrs.length, 0, 'i32');
  return [ptrs.length, argv, () => { ptrs.forEach((p) => Module._free(p)); Module._free(argv); }];
}

// Mounts a host directory (Node only) at the same path, or at mountPoint.
export async function mountNodeDir(runtime, hostPath, mountPoint = hostPath) {
  const { FS, Module } = runtime;
  // The runtime's own trees stay; anything else (even /tmp or /home) may be shadowed by a mount.
  if (mountPoint === '/' || /^\/(lib|dev|proc)(\/|$)/.test(mountPoint)) return false;
  FS.mkdirTree(mountPoint);
  FS.mount(Module.NODEFS ?? FS.filesystems.NODEFS, { root: hostPath }, mountPoint);
  return true;
}
