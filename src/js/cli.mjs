// The command line: `python` under Node. Arguments are CPython's own; the current directory and
// the script's directory are mounted at their host paths so scripts can use files there.
import fs from 'node:fs';
import path from 'node:path';
import tty from 'node:tty';
import { createRuntime, cArgv, cRecursionBudget, mountNodeDir, FatalError } from './runtime.mjs';
import { makeInput, makeOutput, nodeStdinReader } from './streams.mjs';

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

// The script named on the command line, if any, following CPython's option grammar.
function scriptArgument(args) {
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

// `--snapshot FILE ARGS`: the interpreter comes from a memory snapshot (makeMemorySnapshot; see
// src/js/snapshot.mjs) instead of Python's start-up, then runs ARGS as the command line
// (src/core/snapshot.c). Only the options CPython applies after start-up take effect.
async function fromSnapshot(file, args, env) {
  const { loadPyodide } = await import('./sangam.mjs');
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    process.stderr.write(`sangam: cannot read the snapshot ${file}: ${e.message}\n`);
    return 2;
  }
  let py;
  try {
    py = await loadPyodide({
      _loadSnapshot: bytes, env,
      stdin: () => null, stdout: () => {}, stderr: (line) => process.stderr.write(line + '\n'),
    });
  } catch (e) {
    process.stderr.write(`sangam: ${e.message}\n`);
    return 2;
  }
  py.setStdin({ read: nodeStdinReader(fs), isatty: tty.isatty(0) });
  py.setStdout({ write: (b) => writeAll(1, b), isatty: tty.isatty(1) });
  py.setStderr({ write: (b) => writeAll(2, b), isatty: tty.isatty(2) });
  const runtime = py._runtime;
  mountAndEnter(runtime, args);
  const { Module } = runtime;
  try {
    return runtime.call(() => {
      const [argc, argv] = cArgv(Module, ['python', ...args]);
      return Module._sangam_snapshot_main(argc, argv);
    });
  } catch (e) {
    if (e instanceof FatalError && e.cause?.name === 'ExitStatus') return e.cause.status;
    process.stderr.write(`${e.message}\n`);
    return 134;
  }
}

// Mounts the current directory and the script's, and makes the current directory the runtime's.
function mountAndEnter(runtime, args) {
  const cwd = process.cwd();
  mountNodeDir(runtime, cwd);
  const script = scriptArgument(args);
  if (script && fs.existsSync(script)) {
    const dir = path.dirname(fs.realpathSync(script));
    if (dir !== cwd && !dir.startsWith(cwd + path.sep)) mountNodeDir(runtime, dir);
  }
  try {
    runtime.FS.chdir(cwd);
  } catch {
    // cwd could not be mounted (it is / or a reserved path): stay in the home directory.
  }
}

async function main() {
  const args = process.argv.slice(2);
  const env = { ...process.env, PWD: process.cwd() };
  // Host Python settings name host paths that mean nothing inside the runtime.
  delete env.PYTHONHOME;
  delete env.PYTHONEXECUTABLE;
  // CPython 3.13's new REPL needs curses and terminfo, which this platform lacks; without this it
  // warns and falls back to the basic REPL anyway.
  env.PYTHON_BASIC_REPL ??= '1';
  if (args[0] === '--snapshot' || args[0]?.startsWith('--snapshot=')) {
    const file = args[0] === '--snapshot' ? args[1] : args[0].slice('--snapshot='.length);
    if (!file) {
      process.stderr.write('sangam: --snapshot needs a file (made by makeMemorySnapshot())\n');
      return 2;
    }
    return fromSnapshot(file, args.slice(args[0] === '--snapshot' ? 2 : 1), env);
  }
  const winsize = () => [process.stdout.rows ?? 24, process.stdout.columns ?? 80];
  const runtime = await createRuntime({
    env,
    streams: {
      stdin: makeInput({ read: nodeStdinReader(fs), isatty: tty.isatty(0) }),
      stdout: { ...makeOutput({ write: (b) => writeAll(1, b), isatty: tty.isatty(1) }), winsize },
      stderr: { ...makeOutput({ write: (b) => writeAll(2, b), isatty: tty.isatty(2) }), winsize },
    },
  });
  mountAndEnter(runtime, args);
  const { Module } = runtime;
  try {
    return runtime.call(() => {
      const [argc, argv] = cArgv(Module, ['python', ...args]);
      return Module._sangam_main(argc, argv, cRecursionBudget());
    });
  } catch (e) {
    if (e instanceof FatalError && e.cause?.name === 'ExitStatus') return e.cause.status;
    process.stderr.write(`${e.message}\n`);
    return 134;
  }
}

process.exitCode = await main();
