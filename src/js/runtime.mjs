// The runtime underneath both the public API (sangam.mjs) and the command line (cli.mjs):
// loads the wasm module and the standard library, lays out the virtual file system, and calls
// into C so that nothing thrown inside wasm escapes unexplained.
import createModule from './sangam.asm.mjs';
import { installStreams } from './streams.mjs';
import { fixFileSystem, guardSyscalls } from './posix.mjs';

export const IN_NODE = typeof process === 'object' && process.versions?.node !== undefined &&
  typeof window === 'undefined';

export const STDLIB_ZIP = '/lib/python313.zip';
// The rarely imported part of the standard library and the time zones (tools/stdlib_zip.py
// OPTIONAL): in Node always in place, in a browser fetched by loadPackage('stdlib-optional') (the
// finder in src/py/_sangam_optional.py says so when one is imported before).
export const OPTIONAL_ZIP = '/lib/python313-optional.zip';
export const OPTIONAL_PACKAGE = 'stdlib-optional';
export const SITE_PACKAGES = '/lib/python3.13/site-packages';
export const HOME = '/home/pyodide';
// What identifies this build (hash of the wasm, its JS glue, the standard library and the loader;
// filled in when dist/ is assembled): a memory snapshot is only valid for the build that made it.
export const BUILD_ID = '@SANGAM_BUILD_ID@';

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

// The folder this module was loaded from. Not written as `new URL('.', import.meta.url)`, which
// bundlers take for an asset reference to the package's main file.
export function defaultIndexURL() {
  const here = import.meta.url;
  return here.slice(0, here.lastIndexOf('/') + 1);
}

// The runtime's big files. Without an indexURL they are the files beside this module, written
// as `new URL('<literal>', import.meta.url)` so that bundlers (Vite, webpack, esbuild, Parcel)
// see them as assets of the app, copy them into its build and rewrite the URLs.
export function runtimeFileURL(indexURL, name) {
  if (indexURL !== undefined) return indexURL + name;
  if (name === 'sangam.asm.wasm') return new URL('./sangam.asm.wasm', import.meta.url).href;
  if (name === 'python_stdlib_optional.zip') return new URL('./python_stdlib_optional.zip', import.meta.url).href;
  return new URL('./python_stdlib.zip', import.meta.url).href;
}

export async function readURL(url) {
  if (IN_NODE && url.startsWith('file:')) {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(new URL(url));
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`sangam: could not fetch ${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// V8 (Node) reads the wasm's compilation hints (tools/wasm-hints.mjs: the eval loop compiled
// with the optimizing tier while the module compiles, in the background, everything else lazily)
// only under these flags. They are read when a compilation starts, so they are set for ours
// alone and put back at once. Only for the V8 whose hints format is known (11, Node 20); other
// engines compile as they do by default, and so does SANGAM_WASM_HINTS=0 (bench/README.md).
async function nodeV8() {
  if (process.env.SANGAM_WASM_HINTS === '0' || !/^11\./.test(process.versions.v8 ?? '') ||
    process.versions.bun || globalThis.Deno) return null;
  try {
    const v8 = await import('node:v8');
    return typeof v8.setFlagsFromString === 'function' ? v8 : null;
  } catch {
    return null;
  }
}

async function instantiate(url, imports) {
  if (!IN_NODE && typeof WebAssembly.instantiateStreaming === 'function') {
    return WebAssembly.instantiateStreaming(fetch(url), imports);
  }
  const [bytes, v8] = await Promise.all([readURL(url), IN_NODE ? nodeV8() : null]);
  if (!v8) return WebAssembly.instantiate(bytes, imports);
  // (Flags given on node's command line stay as given.)
  const flags = [['experimental-wasm-compilation-hints', true], ['wasm-lazy-compilation', false]]
    .filter(([name]) => !process.execArgv.some((a) => a === `--${name}` || a === `--no-${name}`));
  const set = (on) => {
    for (const [name, value] of flags) v8.setFlagsFromString(`--${value === on ? '' : 'no-'}${name}`);
  };
  try {
    set(true);
    return WebAssembly.instantiate(bytes, imports);
  } finally {
    set(false);
  }
}

// The signal in an interrupt buffer (Module.Py_EmscriptenSignalBuffer: an integer typed array
// another thread writes a signal number into), taken and cleared, for CPython's eval loop, which
// looks every few dozen instructions. This replaces CPython's own reader
// (Python/emscripten_signal.c), which reads [0] and then writes 0 there: a signal stored between
// the two was lost (a Ctrl-C that did nothing). Here a pending signal is taken in one atomic
// exchange; a 0 is only read.
export function takeSignal(buffer) {
  if (!buffer) return 0;
  try {
    return buffer[0] === 0 ? 0 : Atomics.exchange(buffer, 0, 0);
  } catch {
    // Not an integer typed array (Atomics refuses it): read and cleared as CPython does.
    try {
      const signal = buffer[0];
      buffer[0] = 0;
      return signal;
    } catch {
      return 0;
    }
  }
}

// Creates the wasm module with the standard library in place and the standard streams on the
// given handlers ({stdin, stdout, stderr}). Python itself is not started yet.
export async function createRuntime({ indexURL, env = {}, streams }) {
  if (indexURL !== undefined && !indexURL.endsWith('/')) indexURL += '/';
  const stdlib = readURL(runtimeFileURL(indexURL, 'python_stdlib.zip'));
  // (A dist/ without it, or a failed read, leaves it to loadPackage.)
  const optional = IN_NODE ? readURL(runtimeFileURL(indexURL, 'python_stdlib_optional.zip')).catch(() => null) : null;
  const state = { lastSyscallError: null, errno: null, FS: null };
  let failed;
  const failure = new Promise((_, reject) => { failed = reject; });
  const moduleArg = {
    locateFile: (path) => (indexURL ?? defaultIndexURL()) + path,
    instantiateWasm(imports, receive) {
      imports.env._Py_CheckEmscriptenSignals_Helper = () => takeSignal(moduleArg.Py_EmscriptenSignalBuffer);
      instantiate(runtimeFileURL(indexURL, 'sangam.asm.wasm'), guardSyscalls(imports, state))
        .then(({ instance, module }) => receive(instance, module))
        .catch((e) => failed(new Error(`sangam: could not load sangam.asm.wasm: ${e.message}`, { cause: e })));
      return {};
    },
    PythonError,
    FatalError,
    // Emscripten's own console output is only used for its internal diagnostics.
    print: (line) => streams.stdout.write(new TextEncoder().encode(line + '\n')),
    printErr: (line) => streams.stderr.write(new TextEncoder().encode(line + '\n')),
    preRun: [(M) => {
      for (const key of ['USER', 'LOGNAME', '_']) delete M.ENV[key];
      Object.assign(M.ENV, { HOME, PWD: HOME, PATH: '/', LANG: 'C.UTF-8' }, env);
    }],
  };
  const Module = await Promise.race([failure, createModule(moduleArg)]);
  const { FS } = Module;
  state.errno = Module.ERRNO_CODES;
  state.FS = FS;
  if (IN_NODE) state.nodeFs = await import('node:fs'); // fstat of unlinked host files (posix.mjs)
  fixFileSystem(FS, state.errno);
  FS.mkdirTree(SITE_PACKAGES);
  FS.mkdirTree('/lib/python3.13/lib-dynload');
  FS.mkdirTree(HOME);
  FS.writeFile(STDLIB_ZIP, await stdlib);
  const optionalBytes = await optional;
  if (optionalBytes) FS.writeFile(OPTIONAL_ZIP, optionalBytes);
  FS.chdir(HOME);
  // Snapshots leave the standard library out while it is the file written here (src/js/snapshot.mjs).
  const written = new Map();
  const remember = (path) => {
    const node = FS.lookupPath(path).node;
    written.set(path, { node, contents: node.contents, time: FS.stat(path).mtime.getTime() });
  };
  remember(STDLIB_ZIP);
  if (optionalBytes) remember(OPTIONAL_ZIP);
  Module.SangamSnapshot.ready();
  const runtime = {
    Module,
    FS,
    streams: installStreams(Module, streams),
    stdlib: {
      // Whether the file at path is still the standard-library zip this runtime wrote there.
      unchanged: (path, node) => {
        const w = written.get(path);
        return !!w && node === w.node && node.contents === w.contents && FS.stat(path).mtime.getTime() === w.time;
      },
      // The optional zip, fetched into place (loadPackage('stdlib-optional')).
      addOptional(bytes) {
        FS.writeFile(OPTIONAL_ZIP, bytes);
        remember(OPTIONAL_ZIP);
      },
    },
    // Set once the runtime cannot go on (see Errors.fatal in src/core/errors.js).
    get dead() { return Module.sangamDead ?? null; },
    // The last JS error a system call turned into an errno (see guardSyscalls).
    get lastSyscallError() { return state.lastSyscallError; },
    // Calls into C. A JS exception escaping wasm means C code was cut off mid-way (abort,
    // exit(), a trap, the JS stack running out): the runtime is marked dead with the reason.
    call(fn) {
      if (runtime.dead) throw runtime.dead;
      // (A RangeError now, while nothing is half done, if the JS stack is nearly spent.)
      Module.Errors.checkStack();
      const hostExitCode = IN_NODE ? process.exitCode : undefined;
      try {
        return fn();
      } catch (e) {
        // Emscripten's exit() sets the Node process's exit code; the host process is not ours
        // to end. The status travels in the error instead.
        if (IN_NODE) process.exitCode = hostExitCode;
        // Anything escaping wasm here cut C off mid-way: the runtime cannot go on.
        throw Module.Errors.fatal(e, true);
      } finally {
        runtime.streams.flush();
      }
    },
  };
  return runtime;
}

// How deep C code may recurse before CPython raises RecursionError, from the JS stack this
// thread has: each level of C recursion takes JS engine stack too. Measured in trivial JS frames
// (about 72 bytes each in V8). The costliest unit is the eval loop re-entered from C (a Python
// function called through functools.lru_cache, say): CPython counts it as 2 units, and while
// baseline-compiled its wasm frame takes ~2 KB, ~14 trivial frames a unit. Raising
// RecursionError at the bottom needs room of its own, and so does the JS that calls into Python
// (reserved: 2000 frames). Hence a twentieth of the rest. (main.c applies it;
// tests/js/loader.test.mjs and tests/py/test_stdlib.py hold it to account.)
export function cRecursionBudget() {
  let frames = 0;
  const dive = () => { frames++; dive(); };
  try { dive(); } catch {}
  return Math.max(100, Math.floor((frames - 2000) / 20));
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
export function mountNodeDir(runtime, hostPath, mountPoint = hostPath) {
  const { FS, Module } = runtime;
  // The runtime's own trees stay; anything else (even /tmp or /home) may be shadowed by a mount.
  if (mountPoint === '/' || /^\/(lib|dev|proc)(\/|$)/.test(mountPoint)) return false;
  FS.mkdirTree(mountPoint);
  FS.mount(Module.NODEFS ?? FS.filesystems.NODEFS, { root: hostPath }, mountPoint);
  return true;
}
