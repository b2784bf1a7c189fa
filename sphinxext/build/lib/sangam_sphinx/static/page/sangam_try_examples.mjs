// try_examples in the page: a section's "Try" button turns its doctest blocks into editable cells
// and runs them in one sangam interpreter for the whole page (a Web Worker, <site>/_sangam/), so later
// examples see earlier names. Shift-Enter runs a cell; each example is marked as matching its
// documented output or not (doctest's checker), with the difference. Stop interrupts through the
// shared interrupt byte when the page is cross-origin isolated, else restarts the interpreter.
const SANGAM = new URL('../_sangam/', import.meta.url);
const ROOT = new URL('../', import.meta.url);
const { makeChannel } = await import(new URL('channel.mjs', SANGAM).href);
const settings = JSON.parse(document.getElementById('sangam-try-examples-settings')?.textContent ?? '{}');
const preamble = settings.preamble ?? '';

let worker = null, channel = null, ready = false;
// The cells waiting to run, in order, and the one the worker runs (one at a time, so that Stop can
// drop the rest).
let queue = [], current = null;
// For tests and the benchmark: when a click happened and when its first result came.
const timings = { click: null, firstResult: null, ready: null };

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

const NOTE = self.crossOriginIsolated ? ''
  : ' (Not cross-origin isolated: Stop restarts the interpreter, and its names are lost.)';
function setStatus(text) {
  for (const s of document.querySelectorAll('.sangam-status')) s.textContent = text + NOTE;
}

function startWorker() {
  channel = makeChannel();
  ready = false;
  worker = new Worker(new URL('worker.mjs', SANGAM), { type: 'module' });
  worker.onmessage = (e) => onMessage(e.data);
  worker.onerror = (e) => setStatus(`The interpreter failed: ${e.message}`);
  worker.postMessage({ type: 'init', channel, preamble });
  setStatus('Loading Python…');
}

function onMessage(msg) {
  const box = current;
  switch (msg.type) {
    case 'ready':
      ready = true;
      timings.ready ??= performance.now();
      for (const s of document.querySelectorAll('.sangam-size')) s.hidden = true;
      setStatus('Ready.');
      break;
    case 'status': setStatus(msg.text); break;
    case 'stderr': console.warn(msg.text); break;
    case 'fatal':
      // (Kept in view: a failed preamble or start-up explains every later error.)
      for (const bar of document.querySelectorAll('.sangam-active .sangam-toolbar')) {
        bar.after(el('pre', 'sangam-error', `The interpreter failed: ${msg.text}`));
      }
      break;
    case 'result':
      if (timings.click !== null && timings.firstResult === null) timings.firstResult = performance.now();
      if (box) showResult(box, msg);
      break;
    case 'done':
      if (!box) break;
      if (msg.error) box.querySelector('.sangam-output').append(el('pre', 'sangam-error', msg.error));
      finish(box);
      current = null;
      pump();
      break;
    default: break;
  }
}

function showResult(box, r) {
  const item = el('div', 'sangam-example');
  item.dataset.verdict = r.verdict;
  const mark = { match: '✓', differs: '✗', error: '✗', skipped: '–', ran: '' }[r.verdict];
  const head = el('div', 'sangam-example-head');
  head.append(el('span', 'sangam-mark', mark), el('code', 'sangam-source', r.source.trimEnd().split('\n')[0]));
  item.append(head);
  if (r.got) item.append(el('pre', 'sangam-got', r.got));
  for (const html of r.html) {
    const rich = el('div', 'sangam-html');
    rich.innerHTML = html;   // the reader's own code made it
    item.append(rich);
  }
  for (const png of r.images) {
    const img = el('img', 'sangam-figure');
    img.src = `data:image/png;base64,${png}`;
    item.append(img);
  }
  if (r.difference) item.append(el('pre', 'sangam-diff', r.difference));
  box.querySelector('.sangam-output').append(item);
}

function finish(box) {
  const verdicts = [...box.querySelectorAll('.sangam-example')].map((e) => e.dataset.verdict);
  const checked = verdicts.filter((v) => v === 'match' || v === 'differs' || v === 'error');
  const bad = checked.filter((v) => v !== 'match').length;
  const summary = box.querySelector('.sangam-verdict');
  summary.dataset.verdict = bad ? 'differs' : checked.length ? 'match' : 'ran';
  summary.textContent = !checked.length ? '' : bad ? `${bad} of ${checked.length} differ from the documentation`
    : `all ${checked.length} match the documentation`;
  box.classList.remove('sangam-running');
}

function runCell(box) {
  if (!worker) startWorker();
  if (box === current || queue.includes(box)) return;
  box.querySelector('.sangam-output').replaceChildren();
  box.querySelector('.sangam-verdict').textContent = 'waiting…';
  box.classList.add('sangam-running');
  queue.push(box);
  pump();
}

function pump() {
  if (current || !queue.length) {
    if (!current) setStatus('Done.');
    return;
  }
  current = queue.shift();
  current.querySelector('.sangam-verdict').textContent = 'running…';
  worker.postMessage({ type: 'run', text: current.querySelector('textarea').value });
}

function cancelQueued(why) {
  for (const box of queue) {
    box.querySelector('.sangam-output').append(el('pre', 'sangam-error', why));
    finish(box);
  }
  queue = [];
}

// Stop: KeyboardInterrupt in the running example, or a new interpreter (the names are lost).
function stop() {
  if (!current) return;
  cancelQueued('Not run: stopped.');
  if (channel && ready) {
    channel.interrupt[0] = 2;   // SIGINT, checked by the interpreter between bytecodes
    return;
  }
  restart('Interrupted: the interpreter was restarted (this page is not cross-origin isolated), so its names are lost.');
}

function restart(why) {
  worker.terminate();
  if (current) {
    current.querySelector('.sangam-output').append(el('pre', 'sangam-error', why));
    finish(current);
    current = null;
  }
  startWorker();
}

function reset() {
  for (const box of document.querySelectorAll('.sangam-cell-box')) {
    box.querySelector('.sangam-output').replaceChildren();
    box.querySelector('.sangam-verdict').textContent = '';
  }
  cancelQueued('Not run: reset.');
  if (worker && ready && !current) worker.postMessage({ type: 'reset', preamble });
  else if (worker) restart('Stopped by Reset.');
}

function makeCell(block) {
  // The text as written (the page shows it without doctest's flags and <BLANKLINE>).
  const text = block.querySelector('textarea.sangam-doctest')?.value ?? block.querySelector('pre')?.textContent ?? '';
  const box = el('div', 'sangam-cell-box');
  const area = el('textarea', 'sangam-code');
  area.value = text.replace(/\n+$/, '');
  area.spellcheck = false;
  area.rows = area.value.split('\n').length;
  area.addEventListener('input', () => { area.rows = area.value.split('\n').length; });
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.shiftKey) { e.preventDefault(); runCell(box); }
  });
  const bar = el('div', 'sangam-cell-bar');
  const run = el('button', 'sangam-run', 'Run');
  run.type = 'button';
  run.title = 'Run this cell (Shift-Enter)';
  run.addEventListener('click', () => runCell(box));
  bar.append(run, el('span', 'sangam-verdict'));
  box.append(area, bar, el('div', 'sangam-output'));
  block.replaceWith(box);
  return box;
}

function activate(section) {
  timings.click = performance.now();
  timings.firstResult = null;
  section.classList.add('sangam-active');
  section.querySelector('.sangam-warning')?.removeAttribute('hidden');
  const toolbar = section.querySelector('.sangam-toolbar');
  toolbar.querySelector('.sangam-try').remove();
  const button = (cls, label, action) => {
    const b = el('button', cls, label);
    b.type = 'button';
    b.addEventListener('click', action);
    return b;
  };
  const boxes = [...section.querySelectorAll('.sangam-cell, .sangam-plot-source')].map(makeCell);
  toolbar.prepend(button('sangam-run-all', 'Run all', () => boxes.forEach(runCell)),
    button('sangam-stop', 'Stop', stop), button('sangam-reset', 'Reset', reset), el('span', 'sangam-status'));
  if (worker) setStatus(ready ? 'Ready.' : 'Loading Python…');
  boxes.forEach(runCell);
}

// jupyterlite-sphinx's try_examples.json: pages whose path matches one of its ignore_patterns
// (regular expressions) keep their examples static.
async function ignored() {
  try {
    const res = await fetch(new URL('try_examples.json', ROOT));
    if (!res.ok) return false;
    const patterns = (await res.json()).ignore_patterns ?? [];
    return patterns.some((p) => new RegExp(p).test(location.pathname));
  } catch {
    return false;
  }
}

const supported = typeof WebAssembly === 'object' && typeof Worker === 'function';
const off = await ignored();
for (const section of document.querySelectorAll('.sangam-try-examples')) {
  const button = section.querySelector('.sangam-try');
  if (!button) continue;
  if (off) { section.querySelector('.sangam-toolbar').hidden = true; continue; }
  if (!supported) {
    button.disabled = true;
    button.title = 'Running the examples needs a browser with WebAssembly and Web Workers';
    continue;
  }
  button.addEventListener('click', () => activate(section));
}

window.sangamTryExamples = { timings, get ready() { return ready; }, get busy() { return current !== null || queue.length > 0; } };
