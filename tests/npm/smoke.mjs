// Runs smoke-core.mjs under a command-line JS runtime (Node, Deno, Bun) from a project that has
// `sangam` installed, and prints one JSON line of results.
// Usage: <runtime> smoke.mjs WHEEL_URL
import { loadPyodide } from 'sangam';
import { smoke } from './smoke-core.mjs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
console.log('SMOKE ' + JSON.stringify(await smoke(loadPyodide, args[0])));
