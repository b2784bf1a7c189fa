// CommonJS entry: the same API as sangam.mjs, loaded on first use (loading is async anyway).
'use strict';
const load = () => import('./sangam.mjs');
exports.loadSangam = (options) => load().then((m) => m.loadSangam(options));
exports.loadPyodide = exports.loadSangam;
