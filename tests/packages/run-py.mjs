// Runs tests/packages/test_*.py inside the runtime (dist/), in library mode so asyncio runs on the JS
// event loop and fetch() works: the pinned PyPI wheels ($SANGAM_CACHE/wheels and wheels-resolver)
// are mounted at /wheels and /wheels-resolver and served on loopback by sangam-index; the tests read
// SANGAM_WHEELS and SANGAM_INDEX. node tests/packages/run-py.mjs [PATTERN] [ONLY]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const cache = process.env.SANGAM_CACHE ?? path.join(os.homedir(), '.cache/sangam');
const { loadPyodide } = await import(path.join(repo, 'dist/sangam.mjs'));
const { serveIndex } = await import(path.join(repo, 'src/js/wheel-index.mjs'));

// The wheels, fetched and checked against their pins.
execFileSync(path.join(repo, 'tools/fetch-wheels.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
execFileSync(path.join(repo, 'tools/fetch-pinned-wheels.sh'),
  [path.join(here, 'wheels-resolver.txt'), 'wheels-resolver'], { stdio: ['ignore', 'ignore', 'inherit'] });
const dirs = { '/wheels': path.join(cache, 'wheels'), '/wheels-resolver': path.join(cache, 'wheels-resolver') };
// One folder for the index: links to both sets.
const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-index-'));
for (const d of Object.values(dirs)) {
  for (const f of fs.readdirSync(d)) {
    if (f.endsWith('.whl') && !fs.existsSync(path.join(indexDir, f))) fs.symlinkSync(path.join(d, f), path.join(indexDir, f));
  }
}
const index = await serveIndex({ dir: indexDir });
let ok = false;
try {
  const py = await loadPyodide({
    env: { SANGAM_WHEELS: Object.keys(dirs).join(':'), SANGAM_INDEX: `${index.url}/simple/`,
      SANGAM_INDEX_ROOT: index.url, HOME: '/home/pyodide' },
    stdout: (line) => console.log(line), stderr: (line) => console.error(line),
  });
  for (const [at, host] of Object.entries(dirs)) py.mountNodeFS(at, host);
  py.mountNodeFS('/tests/packages', here);
  const [pattern = 'test_*.py', only = ''] = process.argv.slice(2);
  py.globals.set('PATTERN', pattern);
  py.globals.set('ONLY', only || null);
  py.globals.set('INDEX_REQUESTS', index.requests);
  ok = await py.runPythonAsync(`
import sys
sys.path.insert(0, "/tests/packages")
import runner
await runner.main(PATTERN, ONLY)
`);
} finally {
  await index.close();
  fs.rmSync(indexDir, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
