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

async function main() {
  const args = process.argv.slice(2);
  const env = { ...process.env, PWD: process.cwd() };
  // Host Python settings name host paths that mean nothing inside the runtime.
  delete env.PYTHONHOME;
  delete env.PYTHONEXECUTABLE;
  // CPython 3.13's new REPL needs curses and terminfo, which this platform lacks; without this it
  // warns and falls back to the basic REPL anyway.
  env.PYTHON_BASIC_REPL ??= '1';
  const winsize = () => [process.stdout.rows ?? 24, process.stdout.columns ?? 80];
  const runtime = await createRuntime({
    env,
    streams: {
      stdin: makeInput({ read: nodeStdinReader(fs), isatty: tty.isatty(0) }),
      stdout: { ...makeOutput({ write: (b) => writeAll(1, b), isatty: tty.isatty(1) }), winsize },
      stderr: { ...makeOutput({ write: (b) => writeAll(2, b), isatty: tty.isatty(2) }), winsize },
    },
  });
  const cwd = process.cwd();
  // SANGAM_MOUNTS: more host folders (':'-separated) at their host paths, e.g. a venv's (sangam-build venv).
  for (const dir of (process.env.SANGAM_MOUNTS ?? '').split(':')) {
    const real = dir && fs.existsSync(dir) ? fs.realpathSync(dir) : '';
    if (real && real !== cwd && !real.startsWith(cwd + path.sep)) mountNodeDir(runtime, real);
  }
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
