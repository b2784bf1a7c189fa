// The smoke test every JS runtime runs against the installed npm package (tests/npm): runPython,
// a call each way across the FFI, a stdlib import, asyncio, and loadPackage of a wheel with an
// extension module. It prints one JSON line of results; the test compares them.
// Usage: <runtime> smoke.mjs WHEEL_URL   (run from a project that has `sangam` installed)
import { loadPyodide } from 'sangam';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const wheelURL = args[0];
const out = {};
const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} });
out.sum = pyodide.runPython('1 + 2');
out.version = pyodide.runPython('import sys; sys.version.split()[0]');
// JS -> Python: call a Python function from JS.
const pyAdd = pyodide.runPython('lambda a, b: a + b');
out.jsCallsPy = pyAdd(40, 2);
pyAdd.destroy();
// Python -> JS: call a JS function from Python.
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
out.extension = pyodide.runPython("import spam; spam.sorted_longs([3, 1, 2])").toJs();
console.log('SMOKE ' + JSON.stringify(out));
