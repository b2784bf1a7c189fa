// bin/sangam behaves like `python`: -c, -m, scripts with arguments, stdin, exit codes,
// tracebacks, and files in the current directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SANGAM = new URL('../../bin/sangam', import.meta.url).pathname;

function run(args, { input, cwd } = {}) {
  const r = spawnSync(SANGAM, args, { input, cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-cli-'));
}

test('-c runs code and prints the platform', () => {
  const r = run(['-c', 'import sys, zlib, bz2, lzma, sqlite3, ctypes, decimal, json, hashlib, zoneinfo, unicodedata; print(sys.platform)']);
  assert.equal(r.err, '');
  assert.equal(r.out, 'emscripten\n');
  assert.equal(r.code, 0);
});

test('sys.argv for -c and -m', () => {
  assert.equal(run(['-c', 'import sys; print(sys.argv)', 'x', 'y']).out, "['-c', 'x', 'y']\n");
  const r = run(['-m', 'json.tool'], { input: '{"b": 1, "a": [1, 2]}' });
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.out).a[1], 2);
});

test('an uncaught exception exits 1 with a CPython traceback on stderr', () => {
  const r = run(['-c', 'def f():\n    raise ValueError("bad")\nf()']);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /^Traceback \(most recent call last\):\n {2}File "<string>", line 3, in <module>\n/);
  assert.match(r.err, /ValueError: bad\n$/);
});

test('exit codes from sys.exit and os._exit', () => {
  assert.equal(run(['-c', 'import sys; sys.exit(7)']).code, 7);
  const r = run(['-c', 'import sys; sys.exit("message")']);
  assert.equal(r.code, 1);
  assert.equal(r.err, 'message\n');
  assert.equal(run(['-c', 'import os; os._exit(5)']).code, 5);
  assert.equal(run(['-c', 'raise KeyboardInterrupt']).code, 130);
});

test('a script with arguments reads and writes files in the current directory', () => {
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'input.txt'), 'three words here\n');
  fs.writeFileSync(path.join(dir, 'count.py'), [
    'import sys, helper',
    'words = open(sys.argv[1]).read().split()',
    'open("result.txt", "w").write(helper.fmt(len(words)))',
    'print(sys.argv)',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'helper.py'), 'def fmt(n):\n    return f"{n} words"\n');
  const r = run(['count.py', 'input.txt'], { cwd: dir });
  assert.equal(r.err, '');
  assert.equal(r.out, "['count.py', 'input.txt']\n");
  assert.equal(fs.readFileSync(path.join(dir, 'result.txt'), 'utf8'), '3 words');
});

test('an unlinked host file stays open: fstat, ftruncate and writes go to it (pytest\'s fd capture in a host folder)', () => {
  const dir = tmpdir();
  const r = run(['-c', [
    'import os, tempfile',
    'f = tempfile.TemporaryFile(dir=".", buffering=0)',
    'f.write(b"12345")',
    'print(os.fstat(f.fileno()).st_size, os.listdir("."))',
    'f.truncate(2); f.seek(0, 2); f.write(b"x")',
    'f.seek(0); print(os.fstat(f.fileno()).st_size, f.read())',
    'g = open("gone", "wb"); os.unlink("gone"); g.truncate(3); print(os.fstat(g.fileno()).st_size)',
  ].join('\n')], { cwd: dir });
  assert.equal(r.err, '');
  assert.equal(r.out, "5 []\n3 b'12x'\n3\n");
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('a script outside the current directory can import its neighbours', () => {
  const dir = tmpdir();
  const other = tmpdir();
  fs.writeFileSync(path.join(dir, 'main.py'), 'import mod; print(mod.X)');
  fs.writeFileSync(path.join(dir, 'mod.py'), 'X = 42');
  const r = run([path.join(dir, 'main.py')], { cwd: other });
  assert.equal(r.out, '42\n');
});

test('a missing script is reported like CPython does', () => {
  const r = run(['no_such_file.py'], { cwd: tmpdir() });
  assert.equal(r.code, 2);
  assert.match(r.err, /can't open file .*no_such_file\.py.*No such file or directory/);
});

test('code from stdin, piped or with -', () => {
  assert.equal(run([], { input: 'print(6 * 7)\n' }).out, '42\n');
  assert.equal(run(['-', 'arg'], { input: 'import sys; print(sys.argv)\n' }).out, "['-', 'arg']\n");
  const r = run(['-c', 'import sys; print(sys.stdin.read().upper())'], { input: 'shout' });
  assert.equal(r.out, 'SHOUT\n');
});

test('interactive mode reads statements from stdin with -i', () => {
  const r = run(['-i', '-c', 'x = 20'], { input: 'print(x + 1)\n' });
  assert.equal(r.out, '21\n');
  assert.match(r.err, />>> /);
});

test('--version and -V', () => {
  assert.equal(run(['--version']).out, 'Python 3.13.5\n');
});

test('output is not lost when large', () => {
  const r = run(['-c', 'import sys\nfor i in range(20000): print(i)']);
  assert.equal(r.out.split('\n').length, 20001);
  assert.ok(r.out.endsWith('19999\n'));
});

test('time.sleep(0.1) takes about 0.1 s', () => {
  const r = run(['-c', 'import time; t = time.monotonic(); time.sleep(0.1); print(round(time.monotonic() - t, 1))']);
  assert.equal(r.out, '0.1\n');
});

test('an interactive session on a terminal', async () => {
  // util-linux `script` gives the CLI a pseudo-terminal of a known size (tests/js/pty.mjs).
  const { onTerminal } = await import('./pty.mjs');
  const t = onTerminal([SANGAM], { rows: 11, cols: 77 });
  await t.expect(/Python 3\.13\.5 .* on emscripten\nType "help".*\n>>> $/);
  t.send('import os, sys\r');
  await t.expect(/>>> $/);
  t.send('print(sys.stdin.isatty(), sys.stdout.isatty(), tuple(os.get_terminal_size()))\r');
  await t.expect(/\nTrue True \(77, 11\)\n>>> $/);
  t.send('6*7\r');
  await t.expect(/\n42\n>>> $/);
  t.send('\x04');
  assert.equal((await t.exited).code, 0);
  assert.doesNotMatch(t.output, /warning/);
});
