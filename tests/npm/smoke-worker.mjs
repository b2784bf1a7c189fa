// smoke-core.mjs in a module Web Worker (page.html?worker). Import maps do not reach workers,
// so the package is imported by its path.
import { loadPyodide } from './node_modules/sangam/sangam.mjs';
import { smoke } from './smoke-core.mjs';

self.onmessage = (e) => {
  smoke(loadPyodide, e.data).then((r) => self.postMessage(r),
    (err) => self.postMessage({ error: String(err.stack ?? err) }));
};
