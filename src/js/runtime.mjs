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

// Creates the wasm module with the standard library in place and the standard streams on the
// given handlers ({stdin, stdout, stderr}). Python itself is not started yet.
export async function createRuntime({ indexURL = defaultIndexURL(), env = {}, streams }) {
  if (!indexURL.endsWith('/')) indexURL += '/';
  const stdlib = readURL(indexURL + 'python_stdlib.zip');
  const Module = await createModule({
    locateFile: (path) => indexURL + path,
    PythonError,
    OpaquePyObject,
    // Emscripten's own console output is only used for its internal diagnostics.
    print: (line) => streams.stdout.write(new TextEncoder().encode(line + '\n')),
    printErr: (line) => streams.stderr.write(new TextEncoder().encode(line + '\n')),
    preRun: [(M) => {
      for (const key of ['USER', 'LOGNAME', '_']) delete M.ENV[key];
      Object.assign(M.ENV, { HOME, PWD: HOME, PATH: '/', LANG: 'C.UTF-8' }, env);
    }],
  });
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
    // Calls into C. A JS exception escaping wasm means C code was cut off mid-way (abort,
    // exit(), a trap, the JS stack running out): the runtime is marked dead with the reason.
    call(fn) {
      if (runtime.dead) throw runtime.dead;
      try {
        return fn();
      } catch (e) {
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
  const reserved = ['/', '/lib', '/dev', '/proc', '/tmp', '/home', HOME];
  if (reserved.includes(mountPoint) || mountPoint.startsWith('/lib/') || mountPoint.startsWith('/dev/') ||
      mountPoint.startsWith('/proc/')) {
    return false;
  }
  FS.mkdirTree(mountPoint);
  FS.mount(Module.NODEFS ?? FS.filesystems.NODEFS, { root: hostPath }, mountPoint);
  return true;
}
