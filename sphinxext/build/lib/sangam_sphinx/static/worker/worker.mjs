// try_examples' interpreter: sangam in a module Web Worker beside the runtime (<site>/_sangam/), one
// per page, running runner.py. Messages in, handled one at a time and in order:
//   {type: 'init', channel, preamble}  {type: 'run', cell, text}  {type: 'reset', preamble}
// Messages out: {type: 'ready'}  {type: 'status', text}  {type: 'result', cell, ...one example}
//   {type: 'done', cell, error?}  {type: 'stderr', text}  {type: 'fatal', text}
import { loadPyodide } from './sangam.mjs';

const post = (type, fields = {}) => self.postMessage({ type, ...fields });
let pyodide, runner;
let queue = Promise.resolve();

async function init({ channel, preamble }) {
  pyodide = await loadPyodide({ stdout: (text) => post('stderr', { text }), stderr: (text) => post('stderr', { text }) });
  if (channel) pyodide.setInterruptBuffer(channel.interrupt);
  const source = await (await fetch(new URL('./runner.py', import.meta.url))).text();
  pyodide.FS.writeFile('/tmp/sangam_try_runner.py', source);
  runner = pyodide.runPython('import sys; sys.path.insert(0, "/tmp"); import sangam_try_runner; sangam_try_runner');
  await reset(preamble);
  post('ready');
}

// The preamble (try_examples_preamble) may import packages: they are loaded first.
async function reset(preamble) {
  if (preamble) await pyodide.loadPackagesFromImports(preamble, { messageCallback: (m) => post('status', { text: m }) });
  runner.reset(preamble);
}

// The packages the cell imports come first (from the site's lock file); then the examples, each
// reported as it finishes.
async function run({ cell, text }) {
  try {
    await pyodide.loadPackagesFromImports(runner.source_of(text),
      { messageCallback: (m) => post('status', { text: m }), errorCallback: (m) => post('stderr', { text: m }) });
    runner.run(text, (json) => post('result', { cell, ...JSON.parse(json) }));
    post('done', { cell });
  } catch (e) {
    // A doctest parse error (bad indentation, a prompt without its space) or a failed download.
    post('done', { cell, error: String(e.message ?? e).trim().split('\n').at(-1) });
  }
}

function handle(msg) {
  switch (msg.type) {
    case 'init': return init(msg);
    case 'run': return run(msg);
    case 'reset': return reset(msg.preamble);
    default: return undefined;
  }
}

self.onmessage = (e) => {
  queue = queue.then(() => handle(e.data)).catch((err) => post('fatal', { text: String(err?.stack ?? err) }));
};
