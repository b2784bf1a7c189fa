// Writes the default memory snapshot (dist/sangam.snapshot) of the dist/ folder given:
//   node tools/make-snapshot.mjs DIST OUT
// A runtime started the ordinary way (no snapshot), snapshotted as loadPyodide leaves it.
import { writeFileSync, renameSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [dist, out] = process.argv.slice(2);
if (!dist || !out) {
  console.error('usage: node tools/make-snapshot.mjs DIST OUT');
  process.exit(2);
}
const indexURL = pathToFileURL(path.resolve(dist)).href + '/';
const { loadPyodide } = await import(indexURL + 'sangam.mjs');
const py = await loadPyodide({ indexURL, _loadSnapshot: false });
const bytes = py.makeMemorySnapshot();
writeFileSync(out + '.part', bytes);
renameSync(out + '.part', out);
console.log(`${out}: ${(bytes.length / 2 ** 20).toFixed(1)} MiB`);
