// A program on a real pseudo-terminal (util-linux `script`), driven the way a user would: send
// keys, wait for output. Waiting has a generous limit and is never what a test asserts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SANGAM = new URL('../../bin/sangam', import.meta.url).pathname;

// The native CPython the build made (build/paths.mk names it), for comparisons.
export function nativePython() {
  const mk = new URL('../../build/paths.mk', import.meta.url);
  const line = fs.readFileSync(mk, 'utf8').split('\n').find((l) => l.startsWith('PY_NATIVE :='));
  return path.join(line.slice('PY_NATIVE :='.length).trim(), 'bin', 'python3.13');
}

export function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-pty-'));
}

// Every program started here that has not ended yet; killAll() ends them (a test that failed
// while one was still running must not leave it behind to keep the test process alive).
const running = new Set();
export function killAll() {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;

// Starts argv on a terminal of 24x80. env is added to a clean environment (HOME is a fresh
// folder unless given). Returns {send, expect, output, exited, kill, pid}.
export function onTerminal(argv, { env = {}, cwd, rows = 24, cols = 80 } = {}) {
  const home = env.HOME ?? tmpdir();
  const command = `stty rows ${rows} cols ${cols}; exec ${argv.map(quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env: { PATH: process.env.PATH, TERM: 'xterm', LANG: 'C.UTF-8', ...env, HOME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let text = '';
  let seen = 0;
  const waiters = new Set();
  const check = () => { for (const w of waiters) w(); };
  child.stdout.on('data', (d) => { text += d.toString('utf8'); check(); });
  child.stderr.on('data', (d) => { text += d.toString('utf8'); check(); });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); check(); });
  });
  let done = false;
  exited.then(() => { done = true; });
  // The output as the screen shows it, roughly: a carriage return or a move to column 1
  // (readline redrawing its line) starts the line again; other control sequences are dropped.
  const plain = (s) => s.replace(/\r+\n/g, '\n').replace(/\x1b\[1G|\r/g, '\r')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[^\n]*\r/g, '');
  return {
    home,
    get output() { return plain(text); },
    get raw() { return text; },
    send(keys) { child.stdin.write(keys); },
    // Waits until the output after the last match matches re; returns the match. "After" is
    // counted in the bytes received, since readline's redrawing can shorten what plain()
    // shows of earlier output.
    expect(re, timeout = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(test);
          reject(new Error(`timed out waiting for ${re}; output since the last match:\n${plain(text.slice(seen))}`));
        }, timeout);
        const test = () => {
          const m = plain(text.slice(seen)).match(re);
          if (m) {
            // The shortest received text that shows the match (found by halving; the whole of
            // it matches): later expectations look past it.
            let lo = seen;
            let hi = text.length;
            while (lo < hi) {
              const mid = Math.floor((lo + hi) / 2);
              if (re.test(plain(text.slice(seen, mid)))) hi = mid;
              else lo = mid + 1;
            }
            const shown = plain(text.slice(seen, hi)).match(re);
            seen = hi;
            waiters.delete(test);
            clearTimeout(timer);
            resolve(shown);
          } else if (done) {
            waiters.delete(test);
            clearTimeout(timer);
            reject(new Error(`exited while waiting for ${re}; output since the last match:\n${plain(text.slice(seen))}`));
          }
        };
        waiters.add(test);
        test();
      });
    },
    exited,
    kill(signal) { child.kill(signal); },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
