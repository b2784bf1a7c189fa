// The entry of the Vite app tests/npm builds: the package imported by name and bundled; the
// runtime's wasm and stdlib zip become the app's assets. The wheel is in the app's public/.
import { loadPyodide } from 'sangam';
import { smoke } from './smoke-core.mjs';

smoke(loadPyodide, new URL('wheels/' + new URLSearchParams(location.search).get('wheel'), location.href).href)
  .then((r) => { window.smokeResult = r; }, (e) => { window.smokeResult = { error: String(e.stack ?? e) }; });
