// bin/sangam on a real terminal, as python3.13 behaves there: Ctrl-C, line editing, history
// across runs, completion, multi-line input, input(), exit statuses, signals, deep recursion.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SANGAM, nativePython, onTerminal, tmpdir, sleep, killAll } from './pty.mjs';

afterEach(killAll);

const UP = '\x1b[A';

test('Ctrl-C in the REPL raises KeyboardInterrupt and keeps the session', async () => {
  const t = onTerminal([SANGAM]);
  await t.expect(/Python 3\.13\.5 [^\n]* on emscripten\nType "help"[^\n]*\n>>> $/);
  t.send('x = 41\r');
  await t.expect(/>>> $/);
  t.send('import itertools\r');
  await t.expect(/>>> $/);
  t.send('for i in itertools.count():\r');
  await t.expect(/\.\.\. $/);
  // The interrupt comes after the print, so the loop has run 1000 times at least.
  t.send('    if i == 1000: print("spinning")\r');
  await t.expect(/\.\.\. $/);
  t.send('\r');
  await t.expect(/spinning\n/);
  t.send('\x03');
  await t.expect(/Traceback \(most recent call last\):\n[^]*KeyboardInterrupt\n>>> $/);
  t.send('x + 1\r');
  await t.expect(/x \+ 1\n42\n>>> $/);
  // At the prompt, Ctrl-C drops the line being typed.
  t.send('never run\x03');
  await t.expect(/KeyboardInterrupt\n>>> $/);
  t.send('i >= 1000, x\r');
  await t.expect(/\(True, 41\)\n>>> $/);
  t.send('\x04');
  assert.deepEqual(await t.exited, { code: 0, signal: null });
});

test('Ctrl-C in a script: a traceback and exit status 130, as with python3.13', async () => {
  const dir = tmpdir();
  const script = path.join(dir, 'spin.py');
  fs.writeFileSync(script, 'print("ready", flush=True)\nwhile True:\n    pass\n');
  for (const python of [SANGAM, nativePython()]) {
    const t = onTerminal([python, script]);
    await t.expect(/ready\n/);
    t.send('\x03');
    await t.expect(/Traceback \(most recent call last\):\n {2}File "[^"]*spin\.py", line \d+, in <module>\n[^]*KeyboardInterrupt\n/);
    assert.deepEqual(await t.exited, { code: 130, signal: null }, python);
  }
});

test('Ctrl-C ends a time.sleep() at once, with KeyboardInterrupt', async () => {
  // A sleep of 10,000 s: only an interrupted sleep lets this test end.
  const t = onTerminal([SANGAM, '-q']);
  await t.expect(/>>> $/);
  // (Ctrl-C once the sleep has begun: one sent before would interrupt the REPL's own work on
  // the line, such as registering its source with linecache, and `time` would never be bound.)
  t.send('import time; print("sleeping"); time.sleep(10_000)\r');
  await t.expect(/\nsleeping\n/);
  t.send('\x03');
  await t.expect(/Traceback \(most recent call last\):\n[^]*KeyboardInterrupt\n>>> $/);
  t.send('time.sleep(0.01); "still here"\r');
  await t.expect(/'still here'\n>>> $/);
  t.send('\x04');
  assert.deepEqual(await t.exited, { code: 0, signal: null });
});

test('a second Ctrl-C ends a process whose Python does not check for signals', async () => {
  // sum() over a range runs in C without looking at signals.
  const t = onTerminal([SANGAM, '-c', 'print("ready", flush=True); sum(range(10**15))']);
  await t.expect(/ready\n/);
  t.send('\x03');
  await sleep(500);
  t.send('\x03');
  await t.expect(/KeyboardInterrupt\n/);
  assert.deepEqual(await t.exited, { code: 130, signal: null });
});

test('SIGTERM ends the process cleanly', async () => {
  const child = spawn(SANGAM, ['-c', 'print("ready", flush=True)\nwhile True: pass'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  await new Promise((resolve) => child.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); }));
  child.kill('SIGTERM');
  const [code] = await new Promise((resolve) => child.on('exit', (...a) => resolve(a)));
  assert.equal(code, 143);
  assert.equal(err, '');
});

test('history is kept in ~/.python_history across runs: Up, Down and Ctrl-R', async () => {
  const home = tmpdir();
  const first = onTerminal([SANGAM, '-q'], { env: { HOME: home } });
  await first.expect(/>>> $/);
  first.send('marker_a = 12345\r');
  await first.expect(/>>> $/);
  first.send('marker_b = "second"\r');
  await first.expect(/>>> $/);
  first.send('exit()\r');
  assert.equal((await first.exited).code, 0);
  assert.deepEqual(fs.readFileSync(path.join(home, '.python_history'), 'utf8').split('\n'),
    ['marker_a = 12345', 'marker_b = "second"', 'exit()', '']);

  const second = onTerminal([SANGAM, '-q'], { env: { HOME: home } });
  await second.expect(/>>> $/);
  second.send(UP + UP);
  await second.expect(/marker_b = "second"$/);
  second.send('\r');
  await second.expect(/>>> $/);
  second.send('\x12ker_a');
  await second.expect(/ker_a': marker_a = 12345$/);
  second.send('\r');
  await second.expect(/>>> $/);
  second.send('marker_a, marker_b\r');
  await second.expect(/\(12345, 'second'\)\n>>> $/);
  second.send('\x04');
  assert.equal((await second.exited).code, 0);
  const lines = fs.readFileSync(path.join(home, '.python_history'), 'utf8').split('\n');
  assert.deepEqual(lines.slice(-4), ['marker_b = "second"', 'marker_a = 12345', 'marker_a, marker_b', '']);
});

test('tab completes names, attributes and keywords (rlcompleter)', async () => {
  const t = onTerminal([SANGAM, '-q']);
  await t.expect(/>>> $/);
  t.send('import math\r');
  await t.expect(/>>> $/);
  t.send('math.facto\t');
  await t.expect(/math\.factorial\($/);
  t.send('5)\r');
  await t.expect(/\n120\n>>> $/);
  t.send('a_long_variable_name = 6\r');
  await t.expect(/>>> $/);
  t.send('a_long_v\t');
  await t.expect(/a_long_variable_name$/);
  t.send(' * 7\r');
  await t.expect(/\n42\n>>> $/);
  t.send('whi\t');
  await t.expect(/while $/);
  t.send('False:\r');
  await t.expect(/\.\.\. $/);
  // Tab on an empty continuation line indents.
  t.send('\tpass\r');
  await t.expect(/\.\.\. $/);
  t.send('\r');
  await t.expect(/>>> $/);
  // Two tabs list the candidates.
  t.send('math.is\t\t');
  await t.expect(/math\.isclose\( +math\.isfinite\( +math\.isinf\( +math\.isnan\( +math\.isqrt\(/);
  t.send('\x03');
  await t.expect(/>>> $/);
  t.send('exit()\r');
  assert.equal((await t.exited).code, 0);
});

test('multi-line blocks, sys.ps1 and sys.ps2', async () => {
  const t = onTerminal([SANGAM, '-q']);
  await t.expect(/>>> $/);
  t.send('def f(n):\r');
  await t.expect(/\.\.\. $/);
  t.send('    total = 0\r');
  await t.expect(/\.\.\. $/);
  t.send('    for i in range(n):\r');
  await t.expect(/\.\.\. $/);
  t.send('        total += i\r');
  await t.expect(/\.\.\. $/);
  t.send('    return total\r');
  await t.expect(/\.\.\. $/);
  t.send('\r');
  await t.expect(/>>> $/);
  t.send('import sys; sys.ps1 = "py> "; sys.ps2 = "more "\r');
  await t.expect(/py> $/);
  t.send('(f(10) +\r');
  await t.expect(/more $/);
  t.send(' 1)\r');
  await t.expect(/\n46\npy> $/);
  t.send('raise SystemExit(3)\r');
  assert.equal((await t.exited).code, 3);
});

test('input() edits its line, in the REPL and in a script; Ctrl-C and Ctrl-D raise', async () => {
  const t = onTerminal([SANGAM, '-q']);
  await t.expect(/>>> $/);
  t.send('name = input("Name? ")\r');
  await t.expect(/Name\? $/);
  t.send('Adx\x7fa\r');
  await t.expect(/>>> $/);
  t.send('name.upper()\r');
  await t.expect(/'ADA'\n>>> $/);
  t.send('input("? ")\r');
  await t.expect(/\? $/);
  t.send('\x03');
  await t.expect(/KeyboardInterrupt\n>>> $/);
  t.send('input("? ")\r');
  await t.expect(/\? $/);
  t.send('\x04');
  await t.expect(/EOFError\n>>> $/);
  t.send('\x04');
  assert.equal((await t.exited).code, 0);

  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'ask.py'), 'a = input("first: ")\nb = input("second: ")\nprint(f"<{a}|{b}>")\n');
  const s = onTerminal([SANGAM, 'ask.py'], { cwd: dir });
  await s.expect(/first: $/);
  s.send('one\x1b[Dx\r'); // Left arrow, then insert before the last character
  await s.expect(/second: $/);
  s.send(UP + '\r'); // the script's own earlier line
  await s.expect(/<onxe\|onxe>\n/);
  assert.equal((await s.exited).code, 0);
});

test('-i, PYTHONSTARTUP and -q', async () => {
  const dir = tmpdir();
  const startup = path.join(dir, 'startup.py');
  fs.writeFileSync(startup, 'started = "yes"\n');
  const t = onTerminal([SANGAM], { env: { PYTHONSTARTUP: startup } });
  await t.expect(/Type "help"[^\n]*\n>>> $/);
  t.send('started\r');
  await t.expect(/'yes'\n>>> $/);
  t.send('\x04');
  assert.equal((await t.exited).code, 0);

  const q = onTerminal([SANGAM, '-q', '-i', '-c', 'from_c = 5']);
  await q.expect(/>>> $/);
  q.send('from_c * 2\r');
  await q.expect(/\n10\n>>> $/);
  q.send('\x04');
  assert.equal((await q.exited).code, 0);
  assert.doesNotMatch(q.output, /Type "help"/);
});

test('exit statuses on a terminal match python3.13', async () => {
  const cases = [
    [['-c', 'import sys; sys.exit(4)'], ''],
    [['-c', 'raise ValueError'], ''],
    [['-c', 'raise KeyboardInterrupt'], ''],
    [['-q'], 'import os; os._exit(9)\r'],
    [['-q'], 'raise SystemExit("bye")\r'],
  ];
  for (const [args, keys] of cases) {
    const codes = [];
    for (const python of [SANGAM, nativePython()]) {
      const t = onTerminal([python, ...args], { env: { PYTHON_BASIC_REPL: '1' } });
      if (keys) {
        await t.expect(/>>> $/);
        t.send(keys);
      }
      codes.push((await t.exited).code);
    }
    assert.equal(codes[0], codes[1], `${args.join(' ')} ${JSON.stringify(keys)}`);
  }
});

test('piped input: no prompts and no echo, as with python3.13', () => {
  const input = 'x = 6\nif x:\n    print(x * 7)\n\nx\n';
  const ours = spawnSync(SANGAM, [], { input, encoding: 'utf8' });
  const native = spawnSync(nativePython(), [], { input, encoding: 'utf8' });
  assert.equal(ours.stdout, '42\n');
  assert.equal(ours.stdout, native.stdout);
  assert.equal(ours.stderr, native.stderr);
  assert.equal(ours.status, native.status);
});

// The deepest n for which f(n) returns, up to hi (binary search, in Python).
const DEPTH = `
import sys, functools
sys.setrecursionlimit(100000)

def deepest(f, hi):
    lo = 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            f(mid)
            lo = mid
        except RecursionError:
            hi = mid - 1
    return lo

@functools.lru_cache(None)
def cached(n):
    return cached(n - 1) + 1 if n else 0

def lru(n):
    cached.cache_clear()
    return cached(n)

def nested_repr(n):
    x = []
    for _ in range(n):
        x = [x]
    return repr(x)

def plain(n):
    return plain(n - 1) + 1 if n else 0

try:
    lru(20000)
except RecursionError:
    print("lru 20000: RecursionError")
try:
    nested_repr(20000)
except RecursionError:
    print("repr 20000: RecursionError")
print("plain", plain(50000))
print("deepest", deepest(lru, 20000), deepest(nested_repr, 20000))
`;

test('deep recursion through C reaches CPython\'s own limit and ends in RecursionError', () => {
  const ours = spawnSync(SANGAM, ['-c', DEPTH], { encoding: 'utf8' });
  const native = spawnSync(nativePython(), ['-c', DEPTH], { encoding: 'utf8' });
  assert.equal(ours.stderr, '');
  assert.equal(ours.status, 0);
  assert.match(ours.stdout, /^lru 20000: RecursionError\nrepr 20000: RecursionError\nplain 50000\ndeepest \d+ \d+\n$/);
  const depths = (out) => out.match(/deepest (\d+) (\d+)/).slice(1).map(Number);
  const [lru, repr] = depths(ours.stdout);
  const [nativeLru, nativeRepr] = depths(native.stdout);
  assert.ok(lru >= nativeLru, `lru_cache depth ${lru} < native ${nativeLru}`);
  assert.ok(repr >= nativeRepr, `repr depth ${repr} < native ${nativeRepr}`);
  // The runtime is still usable after the RecursionErrors.
  assert.match(ours.stdout, /plain 50000/);
});
