// The console page's main thread: an xterm.js terminal, the line editor, and the worker that runs
// Python (worker.mjs). The page owns the keyboard: Ctrl-C interrupts running code through the
// shared interrupt byte, or, when the page is not cross-origin isolated, restarts the worker.
// History is kept in localStorage, so it survives a reload.
import { Terminal } from './xterm.mjs';
import { LineEditor } from './line-editor.mjs';
import { makeChannel, answer, LINE, INTERRUPTED, END } from './channel.mjs';

const HISTORY_KEY = 'sangam-console-history';
const HISTORY_MAX = 1000;

const term = new Terminal({ cursorBlink: true, convertEol: true, scrollback: 5000,
  fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 14 });
term.open(document.getElementById('terminal'));
const fit = () => {
  // Fills the page: the cell size comes from the rendered terminal.
  const el = document.getElementById('terminal');
  const cell = term._core?._renderService?.dimensions?.css?.cell;
  if (!cell?.width || !cell?.height) return;
  term.resize(Math.max(20, Math.floor((el.clientWidth - 8) / cell.width)),
    Math.max(5, Math.floor((el.clientHeight - 8) / cell.height)));
};
addEventListener('resize', fit);
setTimeout(fit, 0);

const loadHistory = () => {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) ?? []; } catch { return []; }
};
const saveHistory = () => {
  try { localStorage.setItem(HISTORY_KEY, JSON.stringify(editor.history.slice(-HISTORY_MAX))); } catch { /* private mode */ }
};

const editor = new LineEditor({ write: (s) => term.write(s), columns: () => term.cols, history: loadHistory() });
let worker = null;
let channel = null;
let mode = 'starting';        // 'starting' | 'prompt' | 'running' | 'input'
let typeahead = '';
let lastTab = { source: null, matches: [] };

function startWorker() {
  channel = makeChannel();
  worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  worker.onmessage = (e) => onWorkerMessage(e.data);
  worker.onerror = (e) => { term.write(`\r\nsangam: the interpreter failed: ${e.message}\r\n`); };
  worker.postMessage({ type: 'init', channel });
  mode = 'starting';
  if (!channel) {
    term.write('\x1b[2m(This page is not cross-origin isolated: Ctrl-C restarts the interpreter, ' +
      'and input() is not available. Serve it with bin/sangam-serve.)\x1b[0m\r\n');
  }
}

function onWorkerMessage(msg) {
  switch (msg.type) {
    case 'out': term.write(msg.text); break;
    case 'err': term.write(`\x1b[31m${msg.text}\x1b[0m`); break;
    case 'prompt': prompt(msg.text); break;
    case 'stdin':
      // input()'s prompt is already written; the line starts where the terminal's cursor is once
      // xterm has processed that write (writes are asynchronous).
      mode = 'input';
      term.write('', () => {
        editor.start('', { useHistory: false, startColumn: term.buffer.active.cursorX });
        replayTypeahead();
      });
      break;
    case 'completions': showCompletions(msg); break;
    case 'fatal': term.write(`\r\n\x1b[31msangam: ${msg.text}\x1b[0m\r\n`); break;
    default: break;
  }
}

function prompt(text) {
  mode = 'prompt';
  editor.start(text);
  replayTypeahead();
}

function replayTypeahead() {
  if (!typeahead) return;
  const keys = typeahead;
  typeahead = '';
  onKey(keys);
}

// Tab: one match completes; several complete their common prefix, and a second Tab lists them.
function showCompletions({ matches, start }) {
  if (!editor.active) return;
  const source = editor.text.slice(0, editor.cursor);
  const word = source.slice(start);
  if (matches.length === 0) return;
  let prefix = matches.reduce((a, b) => { let i = 0; while (i < a.length && a[i] === b[i]) i++; return a.slice(0, i); });
  if (matches.length === 1) prefix = matches[0];
  if (prefix.length > word.length) {
    editor.insert(prefix.slice(word.length));
  } else if (matches.length > 1 && lastTab.source === source) {
    const text = editor.text, cursor = editor.cursor;
    editor.finish();
    term.write(matches.join('  ') + '\r\n');
    editor.start(editor.prompt);
    editor.set(text, cursor);
  }
  lastTab = { source: editor.text.slice(0, editor.cursor), matches };
}

function interrupt() {
  if (mode === 'input' && channel) {
    answer(channel.stdin, INTERRUPTED);
    mode = 'running';
  } else if (mode === 'running' && channel) {
    channel.interrupt[0] = 2;   // SIGINT: Python raises KeyboardInterrupt at its next check
  } else if (mode === 'running' || mode === 'input' || mode === 'starting') {
    worker.terminate();
    term.write('\r\nKeyboardInterrupt: the interpreter was restarted (without cross-origin isolation ' +
      'running code cannot be interrupted), so its names are lost.\r\n');
    startWorker();
  }
}

function onKey(data) {
  if (!editor.active) {
    if (data.includes('\x03')) interrupt();
    else typeahead += data;     // typed while code runs: kept for the next prompt
    return;
  }
  if (data !== '\t') lastTab = { source: null, matches: [] };
  for (const event of editor.key(data)) {
    if (event.typeahead !== undefined) typeahead = event.typeahead + typeahead;
    else if (event.complete !== undefined) {
      if (mode === 'prompt') worker.postMessage({ type: 'complete', source: event.complete });
      else editor.insert('    ');
    } else if (event.interrupt) {
      if (mode === 'input') { interrupt(); continue; }
      term.write('KeyboardInterrupt\r\n');
      worker.postMessage({ type: 'reset' });
      prompt('>>> ');
    } else if (event.eof) {
      if (mode === 'input') { answer(channel.stdin, END); mode = 'running'; continue; }
      term.write('(Ctrl-D: a page cannot be closed from here; reload to restart)\r\n');
      prompt('>>> ');
    } else if (event.submit !== undefined) {
      if (mode === 'input') {
        answer(channel.stdin, LINE, event.submit + '\n');
      } else {
        saveHistory();
        worker.postMessage({ type: 'push', line: event.submit });
      }
      mode = 'running';
    }
  }
}

term.onData(onKey);
term.focus();
startWorker();

// For tests and for pages that embed the console: the terminal's text, and what it is doing.
window.sangamConsole = {
  get mode() { return mode; },
  text() {
    const buf = term.buffer.active;
    const lines = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i).translateToString(true));
    while (lines.length && lines.at(-1) === '') lines.pop();
    return lines.join('\n');
  },
  currentLine: () => editor.text,
};
