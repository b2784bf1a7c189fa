// The smoke test every JS runtime runs against the installed npm package (tests/npm): runPython,
// a call each way across the FFI, a stdlib import, asyncio, and loadPackage of a wheel with an
// extension module. Returns the results for the test to compare.
export async function smoke(loadPyodide, wheelURL) {
  const out = {};
  const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} });
  out.sum = pyodide.runPython('1 + 2');
  out.version = pyodide.runPython('import sys; sys.version.split()[0]');
  // JS -> Python: a Python function called from JS.
  const pyAdd = pyodide.runPython('lambda a, b: a + b');
  out.jsCallsPy = pyAdd(40, 2);
  pyAdd.destroy();
  // Python -> JS: a JS function called from Python.
  pyodide.globals.set('jsTwice', (x) => x * 2);
  out.pyCallsJs = pyodide.runPython('jsTwice(21)');
  out.stdlib = pyodide.runPython('import json, hashlib; json.dumps({"h": hashlib.sha256(b"abc").hexdigest()[:8]})');
  out.asyncio = await pyodide.runPythonAsync(`
import asyncio
async def twice(x):
    await asyncio.sleep(0.01)
    return x * 2
sum(await asyncio.gather(twice(1), twice(2)))
`);
  await pyodide.loadPackage(wheelURL);
  const sorted = pyodide.runPython('import spam; spam.sorted_longs([3, 1, 2])');
  out.extension = sorted.toJs();
  sorted.destroy();
  return out;
}
