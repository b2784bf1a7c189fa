// CommonJS entry: the same API as sangam.mjs, whose module is imported on first use (loading is
// async anyway). The error classes test instances of sangam.mjs's own classes, so `instanceof`
// works on errors the runtime throws whichever entry the caller used.
'use strict';
let esm = null;
const load = () => import('./sangam.mjs').then((m) => (esm = m));
exports.loadSangam = (options) => load().then((m) => m.loadSangam(options));
exports.loadPyodide = exports.loadSangam;
exports.version = '@SANGAM_VERSION@';
for (const name of ['PythonError', 'FatalError']) {
  const Class = class extends Error {
    static [Symbol.hasInstance](value) {
      return esm !== null && value instanceof esm[name];
    }
  };
  Object.defineProperty(Class, 'name', { value: name });
  exports[name] = Class;
}
