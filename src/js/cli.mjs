// The command line: `python` under Node. Arguments are CPython's own. Python runs in a worker
// thread (cli-worker.mjs) whose stack is sized for deep recursion; this thread owns the terminal:
// it edits input lines (cli-terminal.mjs) and hands them to Python, and it turns signals into
// what CPython does with them:
//   Ctrl-C      KeyboardInterrupt in running Python code (the interrupt buffer), or in a read;
//               a second Ctrl-C that Python has not yet noticed (it is in a long C call) ends
//               the process with status 130, as an unhandled KeyboardInterrupt does.
//   SIGTERM     the terminal is restored and the process ends with status 143 (128 + 15).
import { Worker } from 'node:worker_threads';
import tty from 'node:tty';
import os from 'node:os';
import {
  createChannel, openChannel, SIGNAL, STATE, KIND, LENGTH, MORE, ROWS, COLS, REPLY,
} from './cli-channel.mjs';

// The worker's JS stack, in MiB. 32 MiB holds CPython's whole C recursion limit (10000 units:
// about 3300 lru_cache-wrapped calls, or repr of a list 10000 deep) with room to spare; pages
// are only committed as deep recursion touches them.
const STACK_SIZE_MB = 32;

const args = process.argv.slice(2);
// `--snapshot FILE` or `--snapshot=FILE`, first only: Python comes from that memory snapshot
// (cli-worker.mjs); the rest is CPython's command line.
let snapshot = null;
if (args[0] === '--snapshot' || args[0]?.startsWith('--snapshot=')) {
  snapshot = args[0] === '--snapshot' ? args[1] : args[0].slice('--snapshot='.length);
  args.splice(0, args[0] === '--snapshot' ? 2 : 1);
  if (!snapshot) {
    process.stderr.write('sangam: --snapshot needs a file (made by makeMemorySnapshot())\n');
    process.exit(2);
  }
}
const isTTY = [0, 1, 2].map((fd) => tty.isatty(fd));
// Lines are edited here when stdin is a terminal and readline has a terminal to draw on.
const editOutput = isTTY[0] ? (isTTY[1] ? process.stdout : isTTY[2] ? process.stderr : null) : null;
const channel = createChannel();
const { ctl, data } = openChannel(channel);

const worker = new Worker(new URL('./cli-worker.mjs', import.meta.url), {
  workerData: { args, snapshot, channel, isTTY, editLines: editOutput !== null, stackSizeMb: STACK_SIZE_MB },
  resourceLimits: { stackSizeMb: STACK_SIZE_MB },
  stdout: false,
  stderr: false,
});

function trackSize() {
  const out = editOutput ?? (isTTY[1] ? process.stdout : isTTY[2] ? process.stderr : null);
  if (!out) return;
  const update = () => {
    ctl[ROWS] = out.rows ?? 24;
    ctl[COLS] = out.columns ?? 80;
  };
  update();
  out.on('resize', update);
}
trackSize();

let editor = null;
let ended = false;
function end(code, message) {
  if (ended) return;
  ended = true;
  try {
    editor?.close();
  } catch {
    // The terminal is gone already.
  }
  if (message) process.stderr.write(message);
  process.exit(code);
}

// Replies to a Python read. Long lines go in pieces; the worker asks for each next one.
let rest = null;
function reply(kind, bytes = new Uint8Array(0)) {
  const n = Math.min(bytes.length, data.length);
  data.set(bytes.subarray(0, n));
  rest = n < bytes.length ? bytes.subarray(n) : null;
  ctl[KIND] = kind;
  ctl[LENGTH] = n;
  ctl[MORE] = rest ? 1 : 0;
  Atomics.store(ctl, STATE, 1);
  Atomics.notify(ctl, STATE);
}

let completing = null;
function complete(text) {
  return new Promise((resolve) => {
    completing = resolve;
    reply(REPLY.COMPLETE, Buffer.from(text));
  });
}

async function getEditor() {
  if (!editor) {
    const { LineEditor, historyFile } = await import('./cli-terminal.mjs');
    // History is CPython's interactive-mode feature; in a script input() edits lines but keeps
    // no file.
    const file = interactive() ? historyFile(process.env, os.homedir()) : null;
    editor = new LineEditor({ stdin: process.stdin, output: editOutput, file, complete, onInterrupt: sigint });
  }
  return editor;
}

// Whether CPython will run its REPL (it reads ~/.python_history only then): -i or
// PYTHONINSPECT, or no script, -c or -m (a script of '-' is stdin, the terminal here).
function interactive() {
  if (process.env.PYTHONINSPECT) return true;
  let inspect = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-') break;
    if (a === '--') return inspect || i + 1 >= args.length || args[i + 1] === '-';
    if (!a.startsWith('-')) return inspect;
    if (a.startsWith('--')) {
      if (a === '--check-hash-based-pycs') i++;
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      if (a[j] === 'i') inspect = true;
      if (a[j] === 'c' || a[j] === 'm') return inspect;
      if (a[j] === 'W' || a[j] === 'X') {
        if (j === a.length - 1) i++;
        break;
      }
    }
  }
  return true;
}

async function onRead(prompt) {
  const ed = await getEditor();
  // A Ctrl-C that came while Python was on its way to this read (after its last look at the
  // signal): the read is interrupted at once, as a pending SIGINT interrupts read(2).
  if (Atomics.load(ctl, SIGNAL) !== 0) {
    reply(REPLY.INTERRUPT);
    return;
  }
  const result = await ed.readLine(prompt);
  if (result.kind === 'line') reply(REPLY.LINE, Buffer.from(result.text + '\n'));
  else if (result.kind === 'eof') reply(REPLY.EOF);
  else {
    Atomics.store(ctl, SIGNAL, 2);
    reply(REPLY.INTERRUPT);
  }
}

worker.on('message', (m) => {
  if (m.type === 'read') {
    onRead(m.prompt).catch((e) => end(1, `sangam: ${e.message}\n`));
  } else if (m.type === 'more') {
    reply(REPLY.LINE, rest);
  } else if (m.type === 'completions') {
    const resolve = completing;
    completing = null;
    resolve?.(m.matches);
  } else if (m.type === 'exit') {
    end(m.code);
  }
});
worker.on('error', (e) => end(134, `sangam: ${e?.stack ?? e}\n`));
worker.on('exit', (code) => end(code || 1));

function sigint() {
  if (editor?.interrupt()) return;
  if (Atomics.load(ctl, SIGNAL) !== 0) end(130, '\nKeyboardInterrupt\n');
  else {
    Atomics.store(ctl, SIGNAL, 2);
    Atomics.notify(ctl, SIGNAL); // a time.sleep() waits on it (src/core/posix.c)
  }
}
process.on('SIGINT', sigint);
// The terminal is made raw at once (Ctrl-C is then a key, not a SIGINT, at any time).
if (editOutput) getEditor();
process.on('SIGTERM', () => end(143));
process.on('SIGHUP', () => end(129));
