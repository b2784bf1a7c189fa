// Typical uses of sangam's JS API, type-checked (never run) by dts.test.mjs against sangam.d.ts.
// Lines marked @ts-expect-error must be rejected: they keep the declarations from decaying to `any`.
import {
  loadSangam, loadPyodide, version, PythonError, FatalError,
  type SangamAPI, type PyodideInterface, type PyodideConfig, type PyProxy, type PyDict,
  type PyCallable, type PyBufferView, type TypedArray, type PySequence, type PyIterator, type PackageData,
} from '../../src/js/sangam';

export async function main(): Promise<void> {
  const lines: string[] = [];
  const config: PyodideConfig = {
    indexURL: './dist/',
    stdout: (line) => lines.push(line),
    stderr: (line) => lines.push(line),
    stdin: () => null,
    args: ['-X', 'dev'],
    env: { HOME: '/home/pyodide' },
    jsglobals: globalThis,
  };
  const py: SangamAPI = await loadSangam(config);
  const same: PyodideInterface = await loadPyodide();
  const v: string = version + py.version + same.version;

  // Running code.
  const n: number = py.runPython('1 + 1');
  py.runPython('x = 1', { globals: py.globals, locals: py.globals, filename: '<usage>' });
  const later: Promise<any> = py.runPythonAsync('await something()');
  await later;

  // Namespaces and modules.
  const g: PyDict = py.globals;
  g.set('answer', 42);
  const has: boolean = g.has('answer');
  const size: number = g.length;
  for (const key of g) lines.push(String(key));
  const f: PyCallable = g.get('f');
  f(1, 2);
  f.callKwargs(1, { sep: '' });
  f.bind(null, 1).destroy();
  const json = py.pyimport('json');
  json.dumps([1, 2]);
  py.registerJsModule('helpers', { twice: (x: number) => 2 * x });
  py.unregisterJsModule('helpers');

  // Conversions.
  const p: PyProxy = py.toPy({ a: [1, 2, 3] }, { depth: 1 });
  const back = p.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  const kind: string = p.type;
  p.destroy({ message: 'done' });
  py.toPy(new Map(), { defaultConverter: (value, convert) => convert(value) });
  lines.push(String(back), kind, String(n), String(has), String(size), v);

  // Proxy classes at run time.
  const value = py.runPython('[1, 2, 3]');
  if (value instanceof py.ffi.PySequence) {
    const s: PySequence = value;
    const doubled: number[] = s.map((x: number) => 2 * x);
    lines.push(doubled.join(','), s.join('-'));
  }
  if (value instanceof py.ffi.PyIterator) {
    const it: PyIterator = value;
    const r: IteratorResult<any> = it.next();
    lines.push(String(r.done));
  }
  if (value instanceof py.ffi.PyBuffer) {
    const view: PyBufferView = value.getBuffer('u8');
    const data: TypedArray = view.data;
    lines.push(String(data[view.offset]), view.format, String(view.shape[0]));
    view.release();
  }

  // Errors.
  try {
    py.runPython('1/0');
  } catch (e) {
    if (e instanceof PythonError) lines.push(e.type, e.message);
    else if (e instanceof FatalError) lines.push(e.message);
    if (e instanceof py.ffi.PythonError) lines.push(e.type);
  }
  const dead: boolean = py.isDead;

  // Streams and files.
  py.setStdout({ batched: (line) => lines.push(line) });
  py.setStderr({ write: (bytes) => bytes.length, isatty: false });
  py.setStdin({ stdin: () => 'a line', autoEOF: true });
  py.setStdin({ read: (buffer) => { buffer[0] = 10; return 1; } });
  py.setStdout();
  py.FS.writeFile('/tmp/a.txt', 'hello');
  const text: string = py.FS.readFile('/tmp/a.txt', { encoding: 'utf8' });
  const bytes: Uint8Array = py.FS.readFile('/tmp/a.txt');
  py.mountNodeFS('/mnt', '/tmp');
  const interrupt = new Int32Array(new SharedArrayBuffer(4));
  py.setInterruptBuffer(interrupt);
  py.checkInterrupt();
  lines.push(text, String(bytes.length), String(dead));

  // Packages from a lock file.
  const withLock = await loadPyodide({ lockFileURL: './dist/pyodide-lock.json', packageBaseUrl: './dist/',
    packageCacheDir: '/tmp/cache', packages: ['six'], lockFileContents: '{"info": {}, "packages": {}}' });
  const got: PackageData[] = await withLock.loadPackage(['six', 'attrs'], {
    messageCallback: (m) => lines.push(m), errorCallback: (m) => lines.push(m), checkIntegrity: true });
  await withLock.loadPackagesFromImports('import six');
  lines.push(got[0].fileName, withLock.loadedPackages['six']);
  // @ts-expect-error: package names are strings
  await withLock.loadPackage(42);

  // @ts-expect-error: code must be a string
  py.runPython(42);
  // @ts-expect-error: not an option (Pyodide spells it indexURL)
  await loadSangam({ indexUrl: './dist/' });
  // @ts-expect-error: batched takes a function
  py.setStdout({ batched: 1 });
  // @ts-expect-error: isDead is read-only
  py.isDead = false;
  // @ts-expect-error: the proxy classes are types only, not exports with a run-time value
  lines.push(String(PyProxy));
}
