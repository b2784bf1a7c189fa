// The command line's Python thread (a Node worker started by cli.mjs). Python runs here with the
// JS stack cli.mjs sized for it; the current directory and the script's directory are mounted at
// their host paths. Output goes straight to fds 1 and 2. Input from a terminal comes line by
// line from cli.mjs, which edits it: a read posts a request and blocks on the shared channel
// (cli-channel.mjs) until the line, an end of file or a Ctrl-C arrives.
import { parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import { createRuntime, cArgv, mountNodeDir, FatalError } from './runtime.mjs';
import { makeInput, makeOutput, nodeStdinReader } from './streams.mjs';
import { openChannel, STATE, KIND, LENGTH, MORE, ROWS, COLS, REPLY } from './cli-channel.mjs';

const { args, snapshot, channel: sab, isTTY, editLines, stackSizeMb } = workerData;
const { ctl, signal, data } = openChannel(sab);
const decoder = new TextDecoder();

function writeAll(fd, bytes) {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += fs.writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
  return bytes.length;
}

// The text after the last newline written to the terminal: the prompt, when Python then reads
// (CPython writes its prompts, sys.ps1 and input()'s alike, to stderr before reading a line).
let partialLine = '';
function terminalWriter(fd) {
  return (bytes) => {
    const n = writeAll(fd, bytes);
    if (editLines) {
      const text = decoder.decode(bytes);
      const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
      partialLine = cut < 0 ? partialLine + text : text.slice(cut + 1);
    }
    return n;
  };
}

// Waits for the terminal thread's next reply; returns [kind, bytes, more].
function awaitReply() {
  for (;;) {
    Atomics.wait(ctl, STATE, 0);
    const kind = ctl[KIND];
    const bytes = data.slice(0, ctl[LENGTH]);
    const more = ctl[MORE] === 1;
    Atomics.store(ctl, STATE, 0);
    if (kind !== REPLY.COMPLETE) return [kind, bytes, more];
    // Tab pressed: the read waits on, Python completes the text meanwhile.
    parentPort.postMessage({ type: 'completions', matches: complete(decoder.decode(bytes)) });
  }
}

// stdin from the terminal, one edited line at a time.
let queue = new Uint8Array(0);
let atEOF = false;
function terminalRead(buf) {
  // An end of file is seen by every read until the next line is asked for with a prompt
  // (CPython reads stdin once more after the REPL's own end of file).
  if (atEOF && partialLine === '') return 0;
  atEOF = false;
  if (queue.length === 0) {
    parentPort.postMessage({ type: 'read', prompt: partialLine });
    let [kind, bytes, more] = awaitReply();
    partialLine = '';
    if (kind === REPLY.EOF) {
      atEOF = true;
      return 0;
    }
    if (kind === REPLY.INTERRUPT) throw Object.assign(new Error('interrupted'), { code: 'EINTR' });
    const parts = [bytes];
    while (more) {
      parentPort.postMessage({ type: 'more' });
      [kind, bytes, more] = awaitReply();
      parts.push(bytes);
    }
    queue = parts.length === 1 ? bytes : Buffer.concat(parts);
  }
  const n = Math.min(buf.length, queue.length);
  buf.set(queue.subarray(0, n));
  queue = queue.subarray(n);
  return n;
}

// Tab completion with the standard library's rlcompleter, in __main__'s namespace, as
// CPython's readline module offers it. Runs while Python waits for input with the GIL released
// (in PyOS_Readline), so it takes the GIL as a C callback would.
const COMPLETER = `
import rlcompleter

def complete(text):
    import __main__
    completer = rlcompleter.Completer(__main__.__dict__)
    matches = []
    while len(matches) < 1000:
        match = completer.complete(text, len(matches))
        if match is None:
            break
        matches.append(match)
    return '\\n'.join(matches)
`;
let runtime = null;
let completerReady = false;
function runPython(code) {
  const { Module } = runtime;
  const c = Module.stringToNewUTF8(code);
  const f = Module.stringToNewUTF8('<completion>');
  try {
    const ref = Module._sangam_run(c, f, 0, 0);
    if (!ref) throw Module.Errors.takePython();
    return Module.Handles.take(ref);
  } finally {
    Module._free(c);
    Module._free(f);
  }
}
function complete(text) {
  const { Module } = runtime;
  if (typeof Module._sangam_gil_ensure !== 'function') return [];
  const gil = Module._sangam_gil_ensure();
  try {
    if (!completerReady) {
      // A module of its own (_sangam_completer), so __main__'s names stay the user's.
      runPython(`exec(${JSON.stringify(COMPLETER)}, __import__('sys').modules.setdefault(` +
        `'_sangam_completer', __import__('types').ModuleType('_sangam_completer')).__dict__)`);
      completerReady = true;
    }
    const out = runPython(`__import__('_sangam_completer').complete(${JSON.stringify(text)})`);
    return typeof out === 'string' && out !== '' ? out.split('\n') : [];
  } catch {
    return [];
  } finally {
    Module._sangam_gil_release(gil);
  }
}

// The script named on the command line, if any, following CPython's option grammar.
function scriptArgument() {
  const takesValue = new Set(['-W', '-X', '--check-hash-based-pycs']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return args[i + 1];
    if (a === '-' || a.startsWith('-c') || a.startsWith('-m')) return undefined;
    if (takesValue.has(a)) { i++; continue; }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

// How deep C code may recurse before RecursionError, from the stack this thread was given, by
// runtime.mjs's cRecursionBudget rule (72-byte trivial JS frames, 20 a unit, 2000 kept back;
// Node keeps 192 KiB of a worker's stack for itself). Computed, not probed: probing tens of
// megabytes of stack would cost more than the rest of start-up.
function recursionBudget() {
  const frames = (stackSizeMb * 2 ** 20 - 192 * 2 ** 10) / 72;
  return Math.max(100, Math.floor((frames - 2000) / 20));
}

// The one place the command line makes its runtime: Python's own start-up, or with
// `--snapshot FILE` a runtime restored from a memory snapshot (makeMemorySnapshot; see
// src/js/snapshot.mjs), which then has CPython re-read the command line (src/core/snapshot.c);
// only the options CPython applies after start-up take effect there. Resolves to the runtime
// and the function that runs the command line.
async function startRuntime(env, streams) {
  if (snapshot === null) {
    const rt = await createRuntime({ env, streams });
    return [rt, (Module, argc, argv) => Module._sangam_main(argc, argv, recursionBudget())];
  }
  let bytes;
  try {
    bytes = fs.readFileSync(snapshot);
  } catch (e) {
    throw Object.assign(new Error(`cannot read the snapshot ${snapshot}: ${e.message}`), { status: 2 });
  }
  const { loadPyodide } = await import('./sangam.mjs');
  let py;
  try {
    py = await loadPyodide({ _loadSnapshot: bytes, env, stdin: () => null, stdout: () => {},
      stderr: (line) => writeAll(2, new TextEncoder().encode(line + '\n')) });
  } catch (e) {
    throw Object.assign(e, { status: 2 });
  }
  const rt = py._runtime;
  for (const name of ['stdin', 'stdout', 'stderr']) rt.streams.set(name, streams[name]);
  return [rt, (Module, argc, argv) => Module._sangam_snapshot_main(argc, argv)];
}

function main() {
  const cwd = process.cwd();
  const env = { ...process.env, PWD: cwd };
  // Host Python settings name host paths that mean nothing inside the runtime.
  delete env.PYTHONHOME;
  delete env.PYTHONEXECUTABLE;
  // CPython 3.13's new REPL needs curses and terminfo, which this platform lacks; the basic REPL
  // reads lines that cli.mjs edits.
  env.PYTHON_BASIC_REPL ??= '1';
  const winsize = () => [ctl[ROWS] || 24, ctl[COLS] || 80];
  const stdin = editLines ? terminalRead : nodeStdinReader(fs);
  return startRuntime(env, {
    stdin: makeInput({ read: stdin, isatty: isTTY[0] }),
    stdout: { ...makeOutput({ write: terminalWriter(1), isatty: isTTY[1] }), winsize },
    stderr: { ...makeOutput({ write: terminalWriter(2), isatty: isTTY[2] }), winsize },
  }).then(([rt, enter]) => {
    runtime = rt;
    // SANGAM_MOUNTS: more host folders (':'-separated) at their host paths, e.g. a venv's
    // (sangam-build venv).
    for (const dir of (process.env.SANGAM_MOUNTS ?? '').split(':')) {
      const real = dir && fs.existsSync(dir) ? fs.realpathSync(dir) : '';
      if (real && real !== cwd && !real.startsWith(cwd + path.sep)) mountNodeDir(rt, real);
    }
    mountNodeDir(rt, cwd);
    // Files Python opens by host path: the script (its folder is sys.path[0]) and PYTHONSTARTUP.
    for (const file of [scriptArgument(), env.PYTHONSTARTUP]) {
      if (!file || !fs.existsSync(file)) continue;
      const dir = path.dirname(fs.realpathSync(file));
      if (dir !== cwd && !dir.startsWith(cwd + path.sep)) mountNodeDir(rt, dir);
    }
    try {
      rt.FS.chdir(cwd);
    } catch {
      // cwd could not be mounted (it is / or a reserved path): stay in the home directory.
    }
    const { Module } = rt;
    // Ctrl-C: cli.mjs writes 2 into the signal slot; the eval loop raises KeyboardInterrupt.
    Module.Py_EmscriptenSignalBuffer = signal;
    Module._sangam_set_interrupt_handling(1);
    try {
      return rt.call(() => {
        const [argc, argv] = cArgv(Module, ['python', ...args]);
        return enter(Module, argc, argv);
      });
    } catch (e) {
      if (e instanceof FatalError && e.cause?.name === 'ExitStatus') return e.cause.status;
      writeAll(2, new TextEncoder().encode(`${e.message}\n`));
      // SANGAM_TRACE_FATAL=1: the wasm stack of the trap too (side modules' frames name their file).
      if (process.env.SANGAM_TRACE_FATAL === '1' && e.cause?.stack) writeAll(2, new TextEncoder().encode(`${e.cause.stack}\n`));
      return 134;
    }
  });
}

main().then(
  (code) => parentPort.postMessage({ type: 'exit', code }),
  (e) => {
    writeAll(2, new TextEncoder().encode(`sangam: ${e?.message ?? e}\n`));
    parentPort.postMessage({ type: 'exit', code: e?.status ?? 1 });
  },
);
