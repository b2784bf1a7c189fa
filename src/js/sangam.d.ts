// TypeScript declarations for sangam's public JS API (sangam.mjs), shaped like Pyodide's.
//
// Code typed against Pyodide's declarations should type-check against these unchanged.
// Values exported at run time: loadSangam, loadPyodide, version, PythonError, FatalError. The
// proxy classes are exported as types only; at run time they are reached through `api.ffi`.
// tests/js/dts.test.mjs checks these declarations against what dist/sangam.mjs exports.

/** Any view onto an ArrayBuffer that indexes numbers or bigints. */
export type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array
  | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

// ------------------------------------------------------------------ loading

/** What `loadSangam()` (alias `loadPyodide()`) accepts; every field is optional. */
export interface SangamConfig {
  /**
   * Where `sangam.asm.wasm`, `sangam.asm.mjs` and `python_stdlib.zip` are fetched from (a URL or,
   * in Node, a path). Defaults to the directory sangam.mjs was loaded from.
   */
  indexURL?: string;
  /**
   * Called when Python reads standard input and the previous line is used up. Return a line (a
   * newline is added if missing), or null/undefined at end of input. Without it, Node reads the
   * host's stdin and a browser calls `prompt()`.
   */
  stdin?: () => string | null | undefined;
  /** Receives standard output one line at a time, without the newline. Default: console.log. */
  stdout?: (line: string) => void;
  /** Receives standard error one line at a time, without the newline. Default: console.warn. */
  stderr?: (line: string) => void;
  /** `sys.argv[1:]`; `sys.argv[0]` is always "python". */
  args?: string[];
  /** Environment variables for `os.environ`, replacing the defaults where names clash. */
  env?: Record<string, string>;
  /**
   * The object Python's `js` module stands for. Default: `globalThis`. (Part of Pyodide's
   * documented options; sangam honours it once its FFI has the `js` module.)
   */
  jsglobals?: object;
  /**
   * Called once the file system is laid out and before Python starts (awaited): prepare files
   * Python needs at start-up. `sitePackages` is the (empty) site-packages directory.
   */
  fsInit?: (FS: FileSystem, info: { sitePackages: string }) => void | Promise<void>;
  /** JS `null` becomes Python `None` rather than `jsnull` (Pyodide's old behaviour). */
  convertNullToNone?: boolean;
  /** to_js makes a dict a LiteralMap (a Map whose string keys are properties too). */
  toJsLiteralMap?: boolean;
  /**
   * A memory snapshot (from `makeMemorySnapshot()`, or a promise of one) to start from instead of
   * Python's start-up; `false`: Python's own start-up. Default in Node: the snapshot in indexURL
   * (`sangam.snapshot`), unless SANGAM_NO_SNAPSHOT=1 or `env` sets PYTHON* variables. A snapshot
   * from another build is refused.
   */
  _loadSnapshot?: Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer> | boolean;
  /** The lock file (pyodide-lock.json) to load packages from: a URL or, in Node, a path.
   * Default: `pyodide-lock.json` in indexURL, when there is one. */
  lockFileURL?: string;
  /** The lock file itself (JSON text or the parsed object, or a promise of either); beats lockFileURL. */
  lockFileContents?: string | LockFile | Promise<string | LockFile>;
  /** Where the lock file's relative `file_name`s are fetched from. Default: the lock file's directory. */
  packageBaseUrl?: string;
  /** Node only: where downloaded wheels are cached, keyed by sha256. Default: `package-cache/` in
   * a local indexURL. */
  packageCacheDir?: string;
  /** Packages loaded (with their dependencies) before loadPyodide resolves. */
  packages?: string[];
}

/** Pyodide's pyodide-lock.json. */
export interface LockFile {
  info: { arch?: string; platform?: string; version?: string; python?: string; abi_version?: string };
  packages: Record<string, LockFilePackage>;
}

export interface LockFilePackage {
  name: string;
  version: string;
  file_name: string;
  install_dir?: string;
  sha256?: string;
  package_type?: string;
  imports?: string[];
  depends?: string[];
  [key: string]: unknown;
}

/** Options of `loadPackage` and `loadPackagesFromImports`. */
export interface LoadPackageOptions {
  /** Progress messages. Default: console.log. */
  messageCallback?: (message: string) => void;
  /** Receives one message per failed package; the promise then resolves to []. Without it the
   * promise rejects with an error naming each failed package and why. */
  errorCallback?: (message: string) => void;
  /** Check each wheel against the lock file's sha256 (default true). */
  checkIntegrity?: boolean;
}

/** A package loadPackage installed. */
export interface PackageData {
  name: string;
  version: string;
  fileName: string;
  packageType: string;
}

/**
 * Starts a Python interpreter and resolves to the object through which JS drives it. Each call
 * gives a separate interpreter with its own heap and file system.
 */
export declare function loadSangam(options?: SangamConfig): Promise<SangamAPI>;
/** The same function as `loadSangam`, under the name Pyodide code calls. */
export declare function loadPyodide(options?: SangamConfig): Promise<SangamAPI>;
/** sangam's own version (not Python's: that is `sys.version`). */
export declare const version: string;

// ------------------------------------------------------------------ errors

/**
 * A Python exception that reached JS. `message` holds the formatted traceback as CPython prints
 * it; `type` the exception class's name ("ValueError", ...).
 */
export declare class PythonError extends Error {
  constructor(type: string, message: string);
  /** The Python exception's class name. */
  type: string;
}

/**
 * The interpreter can no longer run (`os._exit`, `abort()`, a wasm trap, running out of memory).
 * The message says why; every later call into the same interpreter throws it again.
 */
export declare class FatalError extends Error {}

// ------------------------------------------------------------------ standard streams

/** Options of `setStdout` and `setStderr`: give at most one of `batched`, `raw` and `write`. */
export interface StdoutOptions {
  /** Called once per complete line (newline removed); a partial line when control returns to JS. */
  batched?: (line: string) => void;
  /** Called once per byte written. */
  raw?: (byte: number) => void;
  /** Called with the bytes of each write; returns how many it consumed. */
  write?: (bytes: Uint8Array) => number;
  /** What `isatty()` answers for the stream. Default false. */
  isatty?: boolean;
}
export type StderrOptions = StdoutOptions;

/** Options of `setStdin`: give at most one of `stdin`, `read` and `error`. */
export interface StdinOptions {
  /**
   * Called when Python needs more input. A string is one line (a newline is added if missing);
   * bytes or a single byte value are passed through; null or undefined means end of input.
   */
  stdin?: () => string | ArrayBuffer | Uint8Array | number | null | undefined;
  /** Fills `buffer` like read(2) and returns the number of bytes, 0 at end of input. */
  read?: (buffer: Uint8Array) => number;
  /** Make every read fail with an I/O error. */
  error?: boolean;
  /** What `isatty()` answers for the stream. Default false. */
  isatty?: boolean;
  /**
   * After a chunk from `stdin()` that does not end in a newline, report end of input once so that
   * a blocking read returns. Default true.
   */
  autoEOF?: boolean;
}

// ------------------------------------------------------------------ file system

/** Result of `FS.stat` and `FS.lstat`. */
export interface FSStat {
  dev: number; ino: number; mode: number; nlink: number; uid: number; gid: number; rdev: number;
  size: number; blksize: number; blocks: number; atime: Date; mtime: Date; ctime: Date;
}

/**
 * Emscripten's virtual file system, as Python sees it (`/home/pyodide` is the working directory).
 * The common calls are typed; the rest of Emscripten's FS object is reachable untyped.
 */
export interface FileSystem {
  readFile(path: string, options?: { encoding?: 'binary'; flags?: string }): Uint8Array;
  readFile(path: string, options: { encoding: 'utf8'; flags?: string }): string;
  writeFile(path: string, data: string | ArrayBufferView, options?: { flags?: string; mode?: number }): void;
  mkdir(path: string, mode?: number): unknown;
  mkdirTree(path: string, mode?: number): void;
  rmdir(path: string): void;
  unlink(path: string): void;
  rename(oldPath: string, newPath: string): void;
  symlink(target: string, linkPath: string): unknown;
  readlink(path: string): string;
  readdir(path: string): string[];
  stat(path: string, dontFollow?: boolean): FSStat;
  lstat(path: string): FSStat;
  chmod(path: string, mode: number): void;
  utime(path: string, atime: number, mtime: number): void;
  truncate(path: string, length: number): void;
  cwd(): string;
  chdir(path: string): void;
  isFile(mode: number): boolean;
  isDir(mode: number): boolean;
  analyzePath(path: string, dontResolveLastLink?: boolean): { exists: boolean; isRoot: boolean; path: string; name: string; error: number; [key: string]: any };
  mount(type: unknown, options: object, mountpoint: string): unknown;
  unmount(mountpoint: string): void;
  /** The file system types Emscripten provides (MEMFS, NODEFS, ...). */
  filesystems: Record<string, unknown>;
  [member: string]: any;
}

// ------------------------------------------------------------------ proxies of Python objects

/** Options of `PyProxy.toJs()`. */
export interface ToJsOptions {
  /** How many levels of containers to convert; -1 (the default) means all of them. */
  depth?: number;
  /** Collects every PyProxy created during the conversion, so the caller can destroy them. */
  pyproxies?: PyProxy[];
  /** If false, an object with no JS counterpart raises instead of becoming a PyProxy. */
  create_pyproxies?: boolean;
  /** Builds the JS value for a dict from its entries. Default: a Map. (`Object.fromEntries` gives plain objects.) */
  dict_converter?: (entries: Iterable<[key: any, value: any]>) => any;
  /** Called for an object that has no JS counterpart; its result replaces the PyProxy. */
  default_converter?: (
    value: PyProxy,
    convert: (value: PyProxy) => any,
    cacheConversion: (value: PyProxy, result: any) => void,
  ) => any;
}

/**
 * A JS handle on a Python object. It keeps the object alive until `destroy()` is called (a
 * finalizer is only a safety net). The subclasses below describe what the object supports; an
 * `instanceof` test against them asks the Python object, not the JS prototype chain.
 */
declare class PyProxy {
  static [Symbol.hasInstance](value: any): value is PyProxy;
  /** The Python type's name: "list", or "module.Class" for a type outside builtins. */
  readonly type: string;
  /** `str()` of the Python object. */
  toString(): string;
  /** Releases the Python object. Any later use of the proxy throws, with `message` if given. */
  destroy(options?: { message?: string; destroyRoundtrip?: boolean }): void;
  /** A second, independent handle on the same Python object. */
  copy(): PyProxy;
  /** Converts the object to a JS value: list → Array, dict → Map, set → Set, and so on. */
  toJs(options?: ToJsOptions): any;
  /** Attributes of the Python object, read and written with ordinary property syntax. */
  [attribute: string]: any;
}

/** An object with `__len__`. */
declare class PyProxyWithLength extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyProxyWithLength;
  /** `len(obj)`. */
  readonly length: number;
}

/** An object with `__getitem__`. */
declare class PyProxyWithGet extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyProxyWithGet;
  /** `obj[key]`; undefined when Python raises KeyError or IndexError. */
  get(key: any): any;
  /** A view that JSON.stringify and JS code can walk like parsed JSON. */
  asJsJson(): PyProxy;
}

/** An object with `__setitem__` (and `__delitem__`). */
declare class PyProxyWithSet extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyProxyWithSet;
  /** `obj[key] = value`. */
  set(key: any, value: any): void;
  /** `del obj[key]`. */
  delete(key: any): void;
}

/** An object with `__contains__`. */
declare class PyProxyWithHas extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyProxyWithHas;
  /** `key in obj`. */
  has(key: any): boolean;
}

/** An object with `__iter__`: usable in `for...of` and spread. */
declare class PyIterable extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyIterable;
  [Symbol.iterator](): Iterator<any, any, any>;
}

/** An object with `__aiter__`: usable in `for await...of`. */
declare class PyAsyncIterable extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyAsyncIterable;
  [Symbol.asyncIterator](): AsyncIterator<any, any, any>;
}

/** An iterator (`__next__`). */
declare class PyIterator extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyIterator;
  [Symbol.iterator](): this;
  /** Advances the iterator; for a generator, `value` is what `yield` evaluates to. */
  next(value?: any): IteratorResult<any, any>;
}

/** A generator: an iterator that can also be thrown into and closed. */
declare class PyGenerator extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyGenerator;
}
interface PyGenerator extends PyIterator {
  /** Raises `error` at the paused `yield`. */
  throw(error: any): IteratorResult<any, any>;
  /** Closes the generator, as if `return value` ran at the paused `yield`. */
  return(value: any): IteratorResult<any, any>;
}

/** An asynchronous iterator (`__anext__`). */
declare class PyAsyncIterator extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyAsyncIterator;
  [Symbol.asyncIterator](): this;
  next(value?: any): Promise<IteratorResult<any, any>>;
}

/** An asynchronous generator. */
declare class PyAsyncGenerator extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyAsyncGenerator;
}
interface PyAsyncGenerator extends PyAsyncIterator {
  throw(error: any): Promise<IteratorResult<any, any>>;
  return(value: any): Promise<IteratorResult<any, any>>;
}

/** A Python awaitable (coroutine, Task, Future): a JS thenable that settles with its result. */
declare class PyAwaitable extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyAwaitable;
}
interface PyAwaitable extends Promise<any> {}

/** A Python callable: call it like a JS function; JS arguments are converted to Python ones. */
declare class PyCallable extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyCallable;
  apply(thisArg: any, args: any[]): any;
  call(thisArg: any, ...args: any[]): any;
  /** Calls with keyword arguments: the last argument is an object of them. */
  callKwargs(...args: any[]): any;
  /** Calls, dropping arguments the Python function does not accept. */
  callRelaxed(...args: any[]): any;
  /** `callKwargs` and `callRelaxed` together. */
  callKwargsRelaxed(...args: any[]): any;
  /** A Promise of the call's result (Pyodide: a call able to suspend with JSPI). */
  callPromising(...args: any[]): Promise<any>;
  callPromisingKwargs(...args: any[]): Promise<any>;
  /** The general form of the calls above. */
  callWithOptions(options: { relaxed?: boolean; kwargs?: boolean; promising?: boolean }, ...args: any[]): any;
  /** A callable with `this` and leading arguments fixed, like Function.prototype.bind. */
  bind(thisArg: any, ...args: any[]): PyProxy;
  /** A callable that passes the JS `this` as its first Python argument. */
  captureThis(): PyProxy;
}
interface PyCallable {
  (...args: any[]): any;
}

/** An object supporting Python's buffer protocol (bytes, bytearray, memoryview, array, ...). */
declare class PyBuffer extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyBuffer;
  /**
   * A view of the buffer's memory inside the interpreter: no copy is made, so writes through
   * `data` are seen by Python and the other way round. `type` picks the TypedArray ("u8", "i32",
   * "f64", ...); by default it follows the buffer's format. Call `release()` when done.
   */
  getBuffer(type?: BufferType): PyBufferView;
}

/** The element types `getBuffer(type)` takes; any other name throws "Unknown type". */
type BufferType = 'i8' | 'u8' | 'u8clamped' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64' |
  'f32' | 'f64' | 'dataview';

/** What `PyBuffer.getBuffer()` returns: a typed view of the memory, with its layout. */
declare class PyBufferView {
  /** Index in `data` of the buffer's first element. */
  offset: number;
  readonly: boolean;
  /** The struct-module format code of one element, e.g. "B" or "d". */
  format: string;
  /** Bytes per element. */
  itemsize: number;
  /** Number of dimensions. */
  ndim: number;
  /** Total size in bytes. */
  nbytes: number;
  /** Elements per dimension. */
  shape: number[];
  /** Elements (not bytes) between neighbours, per dimension. */
  strides: number[];
  /** The memory; valid until `release()`. */
  data: TypedArray;
  c_contiguous: boolean;
  f_contiguous: boolean;
  /** Lets Python resize or free the buffer again; `data` must not be used afterwards. */
  release(): void;
}

/** A dict: get/set/has/delete by key, `size` via length, iteration over keys. */
declare class PyDict extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyDict;
}
interface PyDict extends PyProxyWithGet, PyProxyWithSet, PyProxyWithHas, PyProxyWithLength, PyIterable {}

/** A `collections.abc.Sequence`: read-only Array methods work on it. */
declare class PySequence extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PySequence;
  readonly [Symbol.isConcatSpreadable]: boolean;
  at(index: number): any;
  includes(element: any): boolean;
  indexOf(element: any, fromIndex?: number): number;
  lastIndexOf(element: any, fromIndex?: number): number;
  join(separator?: string): string;
  slice(start?: number, end?: number): any[];
  concat(...items: any[]): any[];
  forEach(callback: (element: any, index: number, sequence: any) => void, thisArg?: any): void;
  map<U>(callback: (element: any, index: number, sequence: any) => U, thisArg?: any): U[];
  filter(predicate: (element: any, index: number, sequence: any) => unknown, thisArg?: any): any[];
  some(predicate: (element: any, index: number, sequence: any) => unknown, thisArg?: any): boolean;
  every(predicate: (element: any, index: number, sequence: any) => unknown, thisArg?: any): boolean;
  find(predicate: (element: any, index: number, sequence: any) => unknown, thisArg?: any): any;
  findIndex(predicate: (element: any, index: number, sequence: any) => unknown, thisArg?: any): number;
  reduce(callback: (accumulator: any, element: any, index: number, sequence: any) => any, initial?: any): any;
  reduceRight(callback: (accumulator: any, element: any, index: number, sequence: any) => any, initial?: any): any;
  entries(): IterableIterator<[number, any]>;
  keys(): IterableIterator<number>;
  values(): IterableIterator<any>;
  /** What JSON.stringify serialises: the elements as an Array. */
  toJSON(): unknown[];
}
interface PySequence extends PyProxyWithLength, PyProxyWithGet, PyIterable {}

/** A `collections.abc.MutableSequence` (a list, say): the mutating Array methods work too. */
declare class PyMutableSequence extends PyProxy {
  static [Symbol.hasInstance](value: any): value is PyMutableSequence;
  push(...elements: any[]): number;
  pop(): any;
  shift(): any;
  unshift(...elements: any[]): number;
  splice(start: number, deleteCount?: number, ...elements: any[]): any[];
  reverse(): PyMutableSequence;
  sort(compare?: (a: any, b: any) => number): PyMutableSequence;
  fill(value: any, start?: number, end?: number): PyMutableSequence;
  copyWithin(target: number, start?: number, end?: number): PyMutableSequence;
}
interface PyMutableSequence extends PySequence, PyProxyWithSet {}

/** The proxy classes, as found at `api.ffi` (for `instanceof` checks). */
export interface FFI {
  PyProxy: typeof PyProxy;
  PyProxyWithLength: typeof PyProxyWithLength;
  PyProxyWithGet: typeof PyProxyWithGet;
  PyProxyWithSet: typeof PyProxyWithSet;
  PyProxyWithHas: typeof PyProxyWithHas;
  PyDict: typeof PyDict;
  PyIterable: typeof PyIterable;
  PyAsyncIterable: typeof PyAsyncIterable;
  PyIterator: typeof PyIterator;
  PyAsyncIterator: typeof PyAsyncIterator;
  PyGenerator: typeof PyGenerator;
  PyAsyncGenerator: typeof PyAsyncGenerator;
  PyAwaitable: typeof PyAwaitable;
  PyCallable: typeof PyCallable;
  PyBuffer: typeof PyBuffer;
  PyBufferView: typeof PyBufferView;
  PySequence: typeof PySequence;
  PyMutableSequence: typeof PyMutableSequence;
  PythonError: typeof PythonError;
}

// ------------------------------------------------------------------ the interpreter

/** Options of `runPython` and `runPythonAsync`. */
export interface RunPythonOptions {
  /** The namespace the code runs in. Default: `api.globals` (the `__main__` module's dict). */
  globals?: PyProxy;
  /** The local namespace. Default: the same as `globals`. */
  locals?: PyProxy;
  /** Names the code in tracebacks. Default: "<exec>". */
  filename?: string;
}

/** Options of `toPy`. */
export interface ToPyOptions {
  /** How many levels of containers to convert; -1 (the default) means all of them. */
  depth?: number;
  /** Called for a JS value with no Python counterpart; its result is used instead of a JsProxy. */
  defaultConverter?: (
    value: any,
    convert: (value: any) => any,
    cacheConversion: (input: any, output: any) => void,
  ) => any;
}

/** The object `loadSangam()` resolves to: one running interpreter. */
export interface SangamAPI {
  /** sangam's version. */
  readonly version: string;
  /**
   * Runs Python source; the value of a final expression statement is returned, converted to JS
   * (str, int, float, bool and None become JS values; a big int a BigInt; other objects a PyProxy).
   * A Python exception is thrown as a PythonError.
   */
  runPython(code: string, options?: RunPythonOptions): any;
  /** Like runPython, but top-level `await` is allowed; resolves once the code has finished. */
  runPythonAsync(code: string, options?: RunPythonOptions): Promise<any>;
  /** The `__main__` module's namespace; `get` and `has` fall back to the builtins (`globals.get('dict')`). */
  readonly globals: PyDict;
  /** `import name` in Python; returns the module as a PyProxy. */
  pyimport(name: string): any;
  /** Makes a JS object importable from Python as module `name` (its properties become attributes;
   * properties that are objects import as submodules, `from name.sub import x`). */
  registerJsModule(name: string, module: object): void;
  /** Undoes registerJsModule (modules already imported stay in use). */
  unregisterJsModule(name: string): void;
  /** Converts a JS value to a Python one (Array → list, Map and plain objects → dict, ...). */
  toPy(value: any, options?: ToPyOptions): any;
  /**
   * Shares a buffer through which JS requests a KeyboardInterrupt: store 2 (SIGINT) in
   * `buffer[0]`; Python checks it periodically and resets it to 0.
   */
  setInterruptBuffer(buffer: TypedArray): void;
  /** Raises a pending interrupt (see setInterruptBuffer) now, as a thrown PythonError. */
  checkInterrupt(): void;
  /** The Python `pyodide` package, as a PyProxy. */
  readonly pyodide_py: PyProxy;
  /** The proxy classes, for `instanceof`. */
  readonly ffi: FFI;
  /** The interpreter's file system. */
  readonly FS: FileSystem;
  /** Redirects standard output; with no options, back to the default (console.log). */
  setStdout(options?: StdoutOptions): void;
  /** Redirects standard error; with no options, back to the default (console.warn). */
  setStderr(options?: StderrOptions): void;
  /** Replaces standard input; with no options, back to the default for the host. */
  setStdin(options?: StdinOptions): void;
  /** Node only: makes host directory `hostPath` visible to Python at `emscriptenPath`. */
  mountNodeFS(emscriptenPath: string, hostPath: string): void;
  /** Turns debug mode (more detail in some error messages) on or off; returns the old value. */
  setDebug(debug: boolean): boolean;
  /**
   * Unpacks an archive held in memory into `extractDir` (default: the working directory).
   * `format`: "zip", "tar", "gztar", "bztar", "xztar" or a synonym (".zip", "whl", "tar.gz",
   * "tgz", ".tar.bz2", "txz", ...).
   */
  unpackArchive(buffer: TypedArray | ArrayBuffer, format: string, options?: { extractDir?: string }): void;
  /**
   * The runtime as it is now (memory, file system, loaded extension modules) as bytes for
   * `loadPyodide({_loadSnapshot})`. Call it from JS, not from Python; JS values Python holds
   * must be reachable from globalThis or this object.
   */
  makeMemorySnapshot(): Uint8Array;
  /** True once a FatalError has happened: every call then throws it again. */
  readonly isDead: boolean;
  /** The class of Python exceptions thrown into JS (the same as the module's export). */
  readonly PythonError: typeof PythonError;
  /** The class of fatal errors (the same as the module's export). */
  readonly FatalError: typeof FatalError;
  /** Installs packages of the lock file with their dependencies, or wheels by URL; resolves to
   * what it installed. All or nothing: if any package fails, nothing is installed. */
  loadPackage(names: string | string[], options?: LoadPackageOptions): Promise<PackageData[]>;
  /** Loads the lock file packages that the imports in `code` need. */
  loadPackagesFromImports(code: string, options?: LoadPackageOptions): Promise<PackageData[]>;
  /** The packages loaded so far: name -> where from ("default channel" or the wheel's URL). */
  readonly loadedPackages: Record<string, string>;
}

/** Names for code written against Pyodide's type declarations. */
export type PyodideAPI = SangamAPI;
export type PyodideInterface = SangamAPI;
export type PyodideConfig = SangamConfig;

export type {
  PyProxy, PyProxyWithLength, PyProxyWithGet, PyProxyWithSet, PyProxyWithHas, PyDict, PyIterable,
  PyAsyncIterable, PyIterator, PyAsyncIterator, PyGenerator, PyAsyncGenerator, PyAwaitable,
  PyCallable, PyBuffer, PyBufferView, PySequence, PyMutableSequence, BufferType,
};
