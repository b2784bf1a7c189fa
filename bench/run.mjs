// Benchmarks of sangam against native CPython and two Pyodide releases from npm, measured side
// by side in one run: start-up, pure-Python speed (bench/py/*.py), artefact sizes and FFI
// operations (bench/ffi.mjs). Prints tables and writes build/bench.json. See bench/README.md.
//
//   node bench/run.mjs [--quick] [--only startup,speed,size,ffi] [--bench nbody,regex]
//                      [--ffi-ops call_py_js,tojs_ints] [--json FILE] [--native /path/to/python3.13]
//                      [--runtimes native,sangam,pyodide-0.29,pyodide-314]
//                      [--sangam-node-flags=--no-liftoff,--wasm-tiering-budget=1000]
//
// Every measurement runs in a child process (a fresh `node` or `python3.13`), one at a time.
// A runtime that fails shows "error [n]: ..." in its cells and the run goes on; the exit status is
// non-zero only when sangam itself failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { OPS as FFI_OPS } from './ffi.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const DIST = path.join(REPO, 'dist');
const PY_DIR = path.join(HERE, 'py');
const MODULES = path.join(HERE, 'node_modules');

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const opts = {
    quick: false, only: null, bench: null, ffiOps: null, runtimes: null,
    json: path.join(REPO, 'build', 'bench.json'), native: process.env.BENCH_NATIVE_PYTHON ?? null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const list = () => value().split(',').map((s) => s.trim()).filter(Boolean);
    if (a === '--quick') opts.quick = true;
    else if (a === '--only') opts.only = list();
    else if (a === '--bench') opts.bench = list();
    else if (a === '--ffi-ops') opts.ffiOps = list();
    else if (a === '--runtimes') opts.runtimes = list();
    else if (a === '--json') opts.json = path.resolve(value());
    else if (a === '--native') opts.native = path.resolve(value());
    else if (a.startsWith('--sangam-node-flags=')) opts.sangamNodeFlags = a.slice(a.indexOf('=') + 1).split(',').filter(Boolean);
    else if (a === '-h' || a === '--help') {
      const lines = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
      const end = lines.findIndex((l) => !l.startsWith('//'));
      console.log(lines.slice(0, end).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument: ${a} (try --help)`);
  }
  return opts;
}

const OPTS = parseArgs(process.argv.slice(2));
// --quick is for working on the harness: fewer samples, smaller N, faster brotli. Its figures
// are not comparable with a full run.
const CONFIG = OPTS.quick
  ? { startupSamples: 2, repeats: 1, scale: 0.2, brotliQuality: 5, timeoutMs: 300_000,
    ffiRepeats: 3, ffiScale: 0.2, ffiProcessPerOp: false, ffiTimeoutMs: 120_000 }
  : { startupSamples: 5, repeats: 3, scale: 1, brotliQuality: zlib.constants.BROTLI_MAX_QUALITY,
    timeoutMs: 600_000, ffiRepeats: 5, ffiScale: 1, ffiProcessPerOp: true, ffiTimeoutMs: 120_000 };
const SECTIONS = OPTS.only ?? ['startup', 'speed', 'size', 'ffi'];
for (const s of SECTIONS) {
  if (!['startup', 'speed', 'size', 'ffi'].includes(s)) throw new Error(`unknown section for --only: ${s}`);
}

// ---------------------------------------------------------------- the runtimes

// Native CPython: the one the build made (build/paths.mk, `PY_NATIVE := /path`).
function nativePython() {
  if (OPTS.native) return OPTS.native;
  const mk = path.join(REPO, 'build', 'paths.mk');
  let text;
  try {
    text = fs.readFileSync(mk, 'utf8');
  } catch {
    throw new Error(`${path.relative(REPO, mk)} not found (run make first)`);
  }
  const m = text.match(/^\s*PY_NATIVE\s*:?=\s*(\S+)\s*$/m);
  if (!m) throw new Error(`no PY_NATIVE line in ${path.relative(REPO, mk)}`);
  return path.join(m[1], 'bin', 'python3.13');
}

// The node flags bin/sangam runs with (its `exec node ... "$here/../dist/cli.mjs"` line), so
// that they are kept in one place.
function sangamNodeFlags() {
  const launcher = path.join(REPO, 'bin', 'sangam');
  const text = fs.readFileSync(launcher, 'utf8');
  const line = text.split('\n').find((l) => /^\s*exec\s+node(\s|$)/.test(l));
  if (!line) throw new Error(`no "exec node ..." line in ${launcher}`);
  const flags = [];
  for (const word of line.trim().split(/\s+/).slice(2)) {
    if (!word.startsWith('-')) break;
    flags.push(word.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return flags;
}

function npmVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

function firstExisting(dir, names) {
  return names.map((n) => path.join(dir, n)).find((p) => fs.existsSync(p)) ?? path.join(dir, names[0]);
}

function defineRuntimes() {
  const runtimes = [];
  const native = { id: 'native', label: 'native', kind: 'native' };
  try {
    native.python = nativePython();
    if (!fs.existsSync(native.python)) throw new Error(`${native.python} does not exist`);
  } catch (e) {
    native.setupError = e.message;
  }
  runtimes.push(native);

  const sangam = {
    id: 'sangam', label: 'sangam', kind: 'js', loader: 'loadSangam',
    module: path.join(DIST, 'sangam.mjs'),
    sizes: () => ({
      wasm: [path.join(DIST, 'sangam.asm.wasm')],
      // The glue and the loader modules loadSangam() imports; not the CLI (cli.mjs) nor the
      // CommonJS shim (sangam.cjs), as Pyodide's pyodide.js is not counted either.
      js: fs.readdirSync(DIST).filter((f) => f.endsWith('.mjs') && f !== 'cli.mjs').sort()
        .map((f) => path.join(DIST, f)),
      stdlib: [path.join(DIST, 'python_stdlib.zip')],
      // Fetched only when an optional module is first imported (tools/stdlib_zip.py OPTIONAL):
      // shown beside the table, not counted in it.
      onDemand: [path.join(DIST, 'python_stdlib_optional.zip')].filter((f) => fs.existsSync(f)),
    }),
  };
  try {
    sangam.nodeFlags = OPTS.sangamNodeFlags ?? sangamNodeFlags();
  } catch (e) {
    sangam.setupError = e.message;
  }
  if (!sangam.setupError && !fs.existsSync(path.join(DIST, '.stamp'))) {
    sangam.setupError = 'dist/ is not built (dist/.stamp missing; run make)';
  }
  runtimes.push(sangam);

  for (const [id, label] of [['pyodide-0.29', 'Pyodide 0.29.5'], ['pyodide-314', 'Pyodide 314']]) {
    const dir = path.join(MODULES, id);
    const version = npmVersion(dir);
    const rt = {
      id, label, kind: 'js', loader: 'loadPyodide',
      module: path.join(dir, 'pyodide.mjs'), nodeFlags: [], npmVersion: version,
      sizes: () => ({
        wasm: [path.join(dir, 'pyodide.asm.wasm')],
        // 0.29 ships the glue as pyodide.asm.js, 314 as pyodide.asm.mjs.
        js: [firstExisting(dir, ['pyodide.asm.js', 'pyodide.asm.mjs']), path.join(dir, 'pyodide.mjs')],
        stdlib: [path.join(dir, 'python_stdlib.zip')],
      }),
    };
    if (!version) rt.setupError = `${path.relative(REPO, dir)} is missing (run npm install in bench/)`;
    runtimes.push(rt);
  }
  return runtimes.filter((r) => !OPTS.runtimes || OPTS.runtimes.includes(r.id));
}

// ---------------------------------------------------------------- child processes

// Runs a command; resolves with {stdout, stderr, code, signal, markerMs, totalMs}, where
// markerMs is the time from spawn until a stdout line starting with `marker` arrived.
function runChild(cmd, args, { marker = null, timeoutMs = CONFIG.timeoutMs } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ stdout: '', stderr: String(e.message), code: null, signal: null, markerMs: null, totalMs: ms() });
      return;
    }
    let stdout = '';
    let stderr = '';
    let markerMs = null;
    let spawnError = null;
    const timer = setTimeout(() => {
      stderr += `\n[timed out after ${timeoutMs / 1000} s]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (marker !== null && markerMs === null && stdout.includes(marker)) markerMs = ms();
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', (e) => { spawnError = e; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (spawnError) stderr += `\n${spawnError.message}`;
      resolve({ stdout, stderr, code, signal, markerMs, totalMs: ms() });
    });
  });
}

const MARK = '@@bench-result ';

function resultLine(stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  return line === undefined ? null : JSON.parse(line.slice(MARK.length));
}

// The most telling part of a failed child's output: the last non-empty stderr lines.
function failure(res, what) {
  const lines = `${res.stderr}\n${res.stdout}`.split('\n').map((l) => l.trimEnd())
    .filter((l) => l && !l.startsWith(MARK));
  const status = res.signal ? `signal ${res.signal}` : `exit status ${res.code}`;
  const telling = lines.find((l) => /\b\w*(Error|Exception)\b|^error:|timed out/.test(l.trim()));
  const shown = telling ? [telling.trim()] : lines.slice(-3).map((l) => l.trim());
  return `${what} failed (${status})${shown.length ? ': ' + shown.join(' | ') : ''}`;
}

function nodeCommand(rt, code) {
  return ['node', [...rt.nodeFlags, '--input-type=module', '-e', code]];
}

// ---------------------------------------------------------------- 1. start-up

function startupCommand(rt) {
  if (rt.kind === 'native') return [rt.python, ['-c', '1+1']];
  if (rt.kind === 'node') return ['node', ['-e', '']];
  return nodeCommand(rt, [
    `import { ${rt.loader} } from ${JSON.stringify(pathToFileURL(rt.module).href)};`,
    `import { writeSync } from 'node:fs';`,
    `let r;`,
    `try {`,
    `  const py = await ${rt.loader}(${rt.loaderOptions ?? ''});`,
    `  r = py.runPython('1+1');`,
    `} catch (e) {`,
    `  writeSync(1, ${JSON.stringify(MARK)} + JSON.stringify({ error: (e instanceof Error ? e.name + ": " + e.message : String(e)) }) + '\\n');`,
    `  process.exit(1);`,
    `}`,
    `writeSync(1, ${JSON.stringify(MARK)} + JSON.stringify(r) + '\\n');`,
    `process.exit(0);`,
  ].join('\n'));
}

function noSnapshot(sangam) {
  return { ...sangam, id: 'sangam-no-snapshot', label: 'sangam, no snapshot', loaderOptions: '{ _loadSnapshot: false }' };
}

async function measureStartup(runtimes) {
  // Bare node for reference: the share of every JS runtime's figure that is node itself.
  const nodeBaseline = { id: 'node', label: 'node -e ""', kind: 'node' };
  // sangam starts from dist/'s memory snapshot by default; this row is Python's own start-up.
  const sangam = runtimes.find((rt) => rt.id === 'sangam');
  const all = [...runtimes, ...(sangam ? [noSnapshot(sangam)] : []), nodeBaseline];
  const results = Object.fromEntries(all.map((rt) => [rt.id, { samples_ms: [] }]));
  for (const rt of all) if (rt.setupError) results[rt.id].error = rt.setupError;
  // Round robin, so that a change in the machine's load falls on every runtime alike.
  for (let i = 0; i < CONFIG.startupSamples; i++) {
    for (const rt of all) {
      const r = results[rt.id];
      if (r.error) continue;
      const [cmd, args] = startupCommand(rt);
      const res = await runChild(cmd, args, { marker: rt.kind === 'js' ? MARK : null });
      if (res.code !== 0) {
        const out = rt.kind === 'js' ? resultLine(res.stdout) : null;
        r.error = out?.error ?? failure(res, 'start-up');
        continue;
      }
      if (rt.kind === 'js') {
        const value = resultLine(res.stdout);
        if (value !== 2 || res.markerMs === null) {
          r.error = `runPython("1+1") gave ${JSON.stringify(value)}, not 2`;
          continue;
        }
        r.samples_ms.push(res.markerMs);
      } else {
        r.samples_ms.push(res.totalMs);
      }
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  for (const r of Object.values(results)) {
    if (r.error) continue;
    const s = [...r.samples_ms].sort((a, b) => a - b);
    r.median_ms = s[Math.floor(s.length / 2)];
    if (s.length % 2 === 0) r.median_ms = (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    r.min_ms = s[0];
    r.max_ms = s[s.length - 1];
  }
  return results;
}

// ---------------------------------------------------------------- 2. pure-Python speed

// The same Python runs in every runtime: the benchmark's source is loaded as is, then each run
// is one call timed inside the interpreter; the first run in a fresh runtime is the cold one.
const PRELUDE = `from time import perf_counter as _bench_clock\n_bench_n = max(1, round(N * SCALE))\n`;
const TIMED = `_r = None\n_bench_t0 = _bench_clock()\n_r = run(_bench_n)\n` +
  `_bench_elapsed = _bench_clock() - _bench_t0\n`;
const VERSION_EXPR = `__import__('sys').version.split()[0]`;

function benchmarks() {
  const order = ['pystone', 'richards', 'nbody', 'float', 'json_bench', 'regex'];
  const files = fs.readdirSync(PY_DIR).filter((f) => f.endsWith('.py')).map((f) => f.slice(0, -3));
  files.sort((a, b) => ((order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99)) || a.localeCompare(b));
  return files
    .map((stem) => ({ name: stem.replace(/_bench$/, ''), file: path.join(PY_DIR, `${stem}.py`) }))
    .filter((b) => !OPTS.bench || OPTS.bench.includes(b.name));
}

function speedCommand(rt, bench) {
  const job = {
    file: bench.file, repeats: CONFIG.repeats,
    prelude: PRELUDE.replace('SCALE', String(CONFIG.scale)), timed: TIMED,
  };
  if (rt.kind === 'native') {
    const driver = [
      'import json, sys, __main__',
      'job = json.loads(sys.argv[1])',
      'g = __main__.__dict__',
      'try:',
      '    src = open(job["file"], encoding="utf-8").read()',
      '    exec(compile(src, "<exec>", "exec"), g)',
      '    exec(job["prelude"], g)',
      '    times = []',
      '    for _ in range(1 + job["repeats"]):',
      '        exec(job["timed"], g)',
      '        times.append(g["_bench_elapsed"])',
      `    out = {"cold": times[0], "times": times[1:], "check": eval("repr(_r)", g),`,
      `           "version": eval(${JSON.stringify(VERSION_EXPR)}, g), "n": g["_bench_n"]}`,
      'except BaseException as e:',
      '    import traceback',
      '    out = {"error": "".join(traceback.format_exception_only(e)).strip()}',
      `print(${JSON.stringify(MARK)} + json.dumps(out), flush=True)`,
    ].join('\n');
    return [rt.python, ['-c', driver, JSON.stringify(job)]];
  }
  return nodeCommand(rt, [
    `import { ${rt.loader} } from ${JSON.stringify(pathToFileURL(rt.module).href)};`,
    `import { readFileSync, writeSync } from 'node:fs';`,
    `const job = ${JSON.stringify(job)};`,
    `let out;`,
    `try {`,
    `  const py = await ${rt.loader}(${rt.loaderOptions ?? ''});`,
    `  py.runPython(readFileSync(job.file, 'utf8'));`,
    `  py.runPython(job.prelude);`,
    `  const times = [];`,
    `  for (let i = 0; i <= job.repeats; i++) {`,
    `    const t = py.runPython(job.timed + '_bench_elapsed');`,
    `    if (typeof t !== 'number') throw new Error('the timing came back as ' + typeof t + ', not a number');`,
    `    times.push(t);`,
    `  }`,
    `  out = { cold: times[0], times: times.slice(1), check: py.runPython('repr(_r)'),`,
    `          version: py.runPython(${JSON.stringify(VERSION_EXPR)}), n: py.runPython('_bench_n') };`,
    `} catch (e) {`,
    `  out = { error: (e instanceof Error ? e.name + ": " + e.message : String(e)) };`,
    `}`,
    `writeSync(1, ${JSON.stringify(MARK)} + JSON.stringify(out) + '\\n');`,
    `process.exit(0);`,
  ].join('\n'));
}

// One line for an error: the last line of a Python traceback, else the first line.
function shortError(message) {
  const lines = String(message).split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return String(message);
  return lines.some((l) => /^(\w+: )?Traceback \(most recent call last\)/.test(l)) ? lines[lines.length - 1] : lines[0];
}

async function measureSpeed(runtimes) {
  const results = {};
  for (const bench of benchmarks()) {
    const row = results[bench.name] = { file: path.relative(REPO, bench.file) };
    for (const rt of runtimes) {
      const cell = row[rt.id] = {};
      if (rt.setupError) {
        cell.error = rt.setupError;
        continue;
      }
      const [cmd, args] = speedCommand(rt, bench);
      const res = await runChild(cmd, args);
      const out = resultLine(res.stdout);
      if (!out) {
        cell.error = failure(res, bench.name);
      } else if (out.error) {
        cell.error = out.error.trimEnd();
      } else {
        Object.assign(cell, {
          best_s: Math.min(...out.times), times_s: out.times, cold_s: out.cold,
          n: out.n, check: out.check, version: out.version,
        });
      }
      process.stderr.write(cell.error ? 'x' : '.');
    }
    // Every runtime must compute what native CPython computes.
    const ref = row.native?.check;
    for (const rt of runtimes) {
      const cell = row[rt.id];
      if (ref !== undefined && cell.check !== undefined && cell.check !== ref) {
        cell.mismatch = true;
      }
    }
  }
  process.stderr.write('\n');
  return { benchmarks: results };
}

// ---------------------------------------------------------------- 3. artefact sizes

function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: CONFIG.brotliQuality,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

const PARTS = ['wasm', 'js', 'stdlib'];
const KINDS = ['raw', 'gzip', 'brotli'];

function measureSizes(runtimes) {
  const results = {};
  for (const rt of runtimes) {
    if (!rt.sizes) continue;
    const r = results[rt.id] = {};
    try {
      if (rt.setupError && !fs.existsSync(rt.module)) throw new Error(rt.setupError);
      const groups = rt.sizes();
      const total = { raw: 0, gzip: 0, brotli: 0 };
      for (const part of PARTS) {
        const sizes = { raw: 0, gzip: 0, brotli: 0 };
        for (const file of groups[part]) {
          // Each file on its own, as a server would send it.
          const s = compressedSizes(fs.readFileSync(file));
          for (const k of KINDS) sizes[k] += s[k];
        }
        r[part] = { files: groups[part].map((f) => path.relative(REPO, f)), ...sizes };
        for (const k of KINDS) total[k] += sizes[k];
        process.stderr.write('.');
      }
      r.total = total;
      r.onDemand = (groups.onDemand ?? []).map((f) => ({ file: path.relative(REPO, f), ...compressedSizes(fs.readFileSync(f)) }));
    } catch (e) {
      results[rt.id] = { error: e.message };
      process.stderr.write('x');
    }
  }
  process.stderr.write('\n');
  return results;
}

// ---------------------------------------------------------------- 4. FFI operations

// The JS runtimes only: native CPython has no FFI. Each operation runs in a fresh process per
// runtime (round robin over the runtimes); --quick runs all of a runtime's operations in one.
function ffiOperations() {
  const names = Object.keys(FFI_OPS);
  const unknown = (OPTS.ffiOps ?? []).filter((n) => !names.includes(n));
  if (unknown.length) throw new Error(`unknown FFI operation ${unknown.join(', ')} (known: ${names.join(', ')})`);
  return names.filter((n) => !OPTS.ffiOps || OPTS.ffiOps.includes(n));
}

function ffiCommand(rt, ops) {
  const job = {
    module: pathToFileURL(rt.module).href, loader: rt.loader, ops,
    repeats: CONFIG.ffiRepeats, scale: CONFIG.ffiScale,
  };
  return ['node', [...rt.nodeFlags, path.join(HERE, 'ffi.mjs'), JSON.stringify(job)]];
}

async function measureFfi(runtimes) {
  const jsRuntimes = runtimes.filter((rt) => rt.kind === 'js');
  const names = ffiOperations();
  const operations = {};
  for (const name of names) {
    const { label, unit } = FFI_OPS[name];
    operations[name] = { label, unit };
    for (const rt of jsRuntimes) operations[name][rt.id] = rt.setupError ? { error: rt.setupError } : null;
  }
  const batches = CONFIG.ffiProcessPerOp ? names.map((n) => [n]) : [names];
  for (const batch of batches) {
    for (const rt of jsRuntimes) {
      if (rt.setupError) continue;
      const [cmd, args] = ffiCommand(rt, batch);
      const res = await runChild(cmd, args, { timeoutMs: CONFIG.ffiTimeoutMs });
      const results = res.stdout.split('\n').filter((l) => l.startsWith(MARK))
        .map((l) => JSON.parse(l.slice(MARK.length)));
      for (const name of batch) {
        const out = results.find((x) => x.op === name);
        const cell = operations[name][rt.id] = {};
        if (!out) cell.error = failure(res, `FFI ${name}`);
        else if (out.error) cell.error = out.error.trimEnd();
        else {
          Object.assign(cell, { per_op_ns: out.per_op_ns, times_ms: out.times_ms, n: out.n });
          if (out.sharing) cell.sharing = out.sharing;
        }
        operations[name].n ??= out?.n;
        process.stderr.write(cell.error ? 'x' : '.');
      }
    }
  }
  process.stderr.write('\n');
  return {
    runtimes: jsRuntimes.map((rt) => rt.id), repeats: CONFIG.ffiRepeats, scale: CONFIG.ffiScale,
    process_per: CONFIG.ffiProcessPerOp ? 'operation' : 'runtime', operations,
  };
}

// ---------------------------------------------------------------- output

function fmtMs(ms) {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
const fmtS = (s) => fmtMs(s * 1000);
function fmtNs(ns) {
  if (ns >= 1e6) return fmtMs(ns / 1e6);
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(ns >= 1e5 ? 0 : ns >= 1e4 ? 1 : 2)} µs`;
  return `${ns.toFixed(0)} ns`;
}
const fmtRatio = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(2));
function fmtBytes(n) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}
// Table cells show the start of an error and a number; the full texts follow the tables.
const ERRORS = [];
function errCell(message) {
  let n = ERRORS.indexOf(message);
  if (n < 0) n = ERRORS.push(message) - 1;
  const s = `error [${n + 1}]: ${shortError(message)}`;
  return s.length > 48 ? s.slice(0, 47) + '…' : s;
}

function printErrors() {
  if (!ERRORS.length) return;
  console.log('\nErrors');
  ERRORS.forEach((message, i) => {
    const lines = String(message).trimEnd().split('\n');
    const shown = lines.length > 24 ? [...lines.slice(0, 12), '…', ...lines.slice(-11)] : lines;
    console.log(`  [${i + 1}] ${shown.join('\n      ')}`);
  });
}

function printTable(title, header, rows, notes = []) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c ?? '').padEnd(widths[i])
    : String(c ?? '').padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(n);
}

const ratio = (a, b) => (a > 0 && b > 0 ? a / b : null);
const geomean = (xs) => (xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : null);

// sangam against each other runtime; `others` are runtime ids.
function ratioColumns(runtimes, others) {
  if (!runtimes.some((r) => r.id === 'sangam')) return [];
  return others.filter((id) => runtimes.some((r) => r.id === id));
}

function ratioLabel(runtimes, id) {
  const rt = runtimes.find((r) => r.id === id);
  return `sangam/${rt.id === 'native' ? 'native' : rt.label.replace(/^Pyodide /, 'Pyodide-')}`;
}

function printStartup(runtimes, startup) {
  const others = ratioColumns(runtimes, ['native', 'pyodide-0.29', 'pyodide-314']);
  const s = startup.sangam?.median_ms;
  const rows = [];
  const sangam = runtimes.find((rt) => rt.id === 'sangam');
  for (const rt of [...runtimes, ...(sangam ? [noSnapshot(sangam)] : []), { id: 'node', label: 'node -e "" (reference)' }]) {
    const r = startup[rt.id];
    if (!r) continue;
    if (r.error) {
      rows.push([rt.label, errCell(r.error)]);
      continue;
    }
    rows.push([rt.label, fmtMs(r.median_ms), fmtMs(r.min_ms), fmtMs(r.max_ms),
      rt.id === 'sangam' || rt.id === 'node' ? '' : fmtRatio(ratio(s, r.median_ms))]);
  }
  const ratios = Object.fromEntries(others.map((id) => [id, ratio(s, startup[id]?.median_ms)]));
  startup.ratios = ratios;
  printTable(`1. Start-up: process start to the first runPython("1+1") result, median of ${CONFIG.startupSamples}`,
    ['runtime', 'median', 'min', 'max', 'sangam/this'], rows,
    [...(others.length ? [`   ${others.map((id) => `${ratioLabel(runtimes, id)} = ${fmtRatio(ratios[id])}`)
      .join(', ')}  (< 1: sangam starts faster)`] : []),
    '   native is `python3.13 -c "1+1"` to its exit; JS runtimes are a fresh node process each time.']);
}

function printSpeed(runtimes, speed) {
  const others = ratioColumns(runtimes, ['native', 'pyodide-0.29', 'pyodide-314']);
  const header = ['benchmark', 'N', ...runtimes.map((r) => r.label),
    ...others.map((id) => ratioLabel(runtimes, id))];
  const rows = [];
  const logs = Object.fromEntries(others.map((id) => [id, []]));
  const notes = [];
  for (const [name, row] of Object.entries(speed.benchmarks)) {
    const n = Object.values(row).find((c) => c?.n !== undefined)?.n ?? '';
    const cells = [name, n];
    for (const rt of runtimes) {
      const c = row[rt.id];
      cells.push(c.error ? errCell(c.error) : fmtS(c.best_s) + (c.mismatch ? ' (!)' : ''));
    }
    row.ratios = {};
    for (const id of others) {
      const x = ratio(row.sangam?.best_s, row[id]?.best_s);
      row.ratios[id] = x;
      if (x) logs[id].push(x);
      cells.push(fmtRatio(x));
    }
    rows.push(cells);
    for (const rt of runtimes) {
      const c = row[rt.id];
      if (c.mismatch) notes.push(`   (!) ${name} on ${rt.label}: result ${c.check} differs from native's ${row.native.check}`);
    }
  }
  const gm = Object.fromEntries(others.map((id) => [id, geomean(logs[id])]));
  if (others.length) rows.push(['geometric mean', '', ...runtimes.map(() => ''), ...others.map((id) => fmtRatio(gm[id]))]);
  speed.geomean_ratios = gm;
  printTable(`2. Pure-Python speed: best of ${CONFIG.repeats} warmed-up runs of run(N), ` +
    'timed with time.perf_counter() inside the interpreter', header, rows,
  ['   ratios: sangam time / other time; < 1: sangam is faster.', ...notes]);

  // The first run in a fresh runtime: what a one-shot script pays.
  const coldIds = ['sangam', 'pyodide-0.29'].filter((id) => runtimes.some((r) => r.id === id));
  if (!coldIds.length) return;
  const label = (id) => runtimes.find((r) => r.id === id).label;
  const coldHeader = ['benchmark', ...coldIds.map(label), ...coldIds.map((id) => `${label(id)} cold/warm`)];
  const pair = coldIds.length === 2;
  if (pair) coldHeader.push(ratioLabel(runtimes, 'pyodide-0.29'));
  const coldRows = [];
  const coldLogs = [];
  for (const [name, row] of Object.entries(speed.benchmarks)) {
    const cells = [name];
    for (const id of coldIds) cells.push(row[id].error ? errCell(row[id].error) : fmtS(row[id].cold_s));
    for (const id of coldIds) cells.push(fmtRatio(ratio(row[id].cold_s, row[id].best_s)));
    if (pair) {
      const x = ratio(row.sangam.cold_s, row['pyodide-0.29'].cold_s);
      row.ratios.cold_pyodide_0_29 = x;
      if (x) coldLogs.push(x);
      cells.push(fmtRatio(x));
    }
    coldRows.push(cells);
  }
  if (pair) {
    speed.geomean_ratios.cold_pyodide_0_29 = geomean(coldLogs);
    coldRows.push(['geometric mean', ...coldIds.map(() => ''), ...coldIds.map(() => ''), fmtRatio(geomean(coldLogs))]);
  }
  printTable('   Cold one-shot: the very first run(N) in a fresh runtime (it is also the warm-up run)',
    coldHeader, coldRows);
}

function printSizes(runtimes, sizes) {
  const ids = runtimes.filter((r) => sizes[r.id]).map((r) => r.id);
  const others = ids.includes('sangam') ? ids.filter((id) => id !== 'sangam') : [];
  const header = ['artefact', ...ids.map((id) => runtimes.find((r) => r.id === id).label),
    ...others.map((id) => ratioLabel(runtimes, id))];
  const rows = [];
  const ratios = {};
  for (const part of [...PARTS, 'total']) {
    for (const kind of KINDS) {
      const cells = [`${part} ${kind}`];
      for (const id of ids) {
        const r = sizes[id];
        cells.push(r.error ? (part === PARTS[0] && kind === 'raw' ? errCell(r.error) : '-') : fmtBytes(r[part][kind]));
      }
      for (const id of others) {
        const x = ratio(sizes.sangam?.[part]?.[kind], sizes[id]?.[part]?.[kind]);
        ((ratios[id] ??= {})[part] ??= {})[kind] = x;
        cells.push(fmtRatio(x));
      }
      rows.push(cells);
    }
  }
  sizes.ratios = ratios;
  const files = ids.filter((id) => !sizes[id].error).map((id) => {
    const label = runtimes.find((r) => r.id === id).label;
    return `   ${label}: ${PARTS.map((p) => sizes[id][p].files.map((f) => path.basename(f)).join(' + ')).join(', ')}`;
  });
  const onDemand = ids.flatMap((id) => (sizes[id].onDemand ?? []).map((f) =>
    `   ${runtimes.find((r) => r.id === id).label}, not counted (fetched on first import of one of its modules): ` +
    `${path.basename(f.file)} raw ${fmtBytes(f.raw)}, gzip ${fmtBytes(f.gzip)}, brotli ${fmtBytes(f.brotli)}`));
  printTable('3. Artefact sizes: raw, gzip -9 and brotli (quality ' +
    `${CONFIG.brotliQuality}), each file compressed on its own`, header, rows,
  ['   ratios < 1: sangam is smaller. Files counted:', ...files, ...onDemand]);
}

// What a write through one side of a buffer showed on the other.
function fmtSharing(sh) {
  if (!sh) return '';
  const yes = (x) => (x === true ? 'yes' : x === false ? 'no' : x);
  if (sh.js_to_py === true && sh.py_to_js === true) return 'zero-copy (shared both ways)';
  if (sh.js_to_py === false && sh.py_to_js === false) return 'copy';
  return `JS write seen by Python: ${yes(sh.js_to_py)}; Python write seen by JS: ${yes(sh.py_to_js)}`;
}

function printFfi(runtimes, ffi) {
  const rts = runtimes.filter((rt) => ffi.runtimes.includes(rt.id));
  const others = rts.some((r) => r.id === 'sangam') ? ratioColumns(rts, ['pyodide-0.29', 'pyodide-314']) : [];
  const header = ['operation', 'loop', ...rts.map((r) => r.label), ...others.map((id) => ratioLabel(runtimes, id))];
  const rows = [];
  const logs = Object.fromEntries(others.map((id) => [id, []]));
  for (const row of Object.values(ffi.operations)) {
    const cells = [row.label, row.n ? `${row.n} × ${row.unit}` : ''];
    for (const rt of rts) {
      const c = row[rt.id];
      cells.push(c.error ? errCell(c.error) : fmtNs(c.per_op_ns));
    }
    row.ratios = {};
    for (const id of others) {
      const x = ratio(row.sangam?.per_op_ns, row[id]?.per_op_ns);
      row.ratios[id] = x;
      if (x) logs[id].push(x);
      cells.push(fmtRatio(x));
    }
    rows.push(cells);
  }
  const gm = Object.fromEntries(others.map((id) => [id, geomean(logs[id])]));
  if (others.length) rows.push(['geometric mean', '', ...rts.map(() => ''), ...others.map((id) => fmtRatio(gm[id]))]);
  ffi.geomean_ratios = gm;
  printTable(`4. FFI: time per operation, median of ${ffi.repeats} timed loops after a warm-up loop ` +
    (ffi.process_per === 'operation' ? '(a fresh process per operation and runtime)'
      : "(each runtime's operations in one process)"), header, rows,
  ['   ratios: sangam time / other time; < 1: sangam is faster. Native CPython has no FFI.']);

  const shared = Object.values(ffi.operations).filter((row) => rts.some((rt) => row[rt.id]?.sharing));
  if (!shared.length) return;
  printTable('   Buffers: does a write through one side show on the other?', ['operation', ...rts.map((r) => r.label)],
    shared.map((row) => [row.label, ...rts.map((rt) => (row[rt.id].error ? 'error' : fmtSharing(row[rt.id].sharing)))]));
}

// ---------------------------------------------------------------- main

// When dist/ was last built: a rebuild during the run would mix two builds in the figures.
function distStamp() {
  try {
    return fs.statSync(path.join(DIST, '.stamp')).mtimeMs;
  } catch {
    return null;
  }
}

async function main() {
  const stampBefore = distStamp();
  const runtimes = defineRuntimes();
  const started = new Date();
  console.log(`sangam benchmarks, ${started.toISOString()}${OPTS.quick ? '  [QUICK MODE: not comparable with a full run]' : ''}`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ` +
    `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const rt of runtimes) {
    const where = rt.kind === 'native' ? rt.python : rt.module;
    const flags = rt.nodeFlags?.length ? `  (node ${rt.nodeFlags.join(' ')})` : '';
    const version = rt.npmVersion ? ` (npm ${rt.npmVersion})` : '';
    console.log(`  ${(rt.label + version).padEnd(30)} ${where ?? ''}${flags}` +
      `${rt.setupError ? `  [${rt.setupError}]` : ''}`);
  }

  const report = {
    date: started.toISOString(),
    quick: OPTS.quick,
    config: CONFIG,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
    runtimes: Object.fromEntries(runtimes.map((rt) => [rt.id, {
      label: rt.label, path: rt.kind === 'native' ? rt.python ?? null : rt.module,
      npm_version: rt.npmVersion ?? null, node_flags: rt.nodeFlags ?? null, setup_error: rt.setupError ?? null,
    }])),
  };

  if (SECTIONS.includes('startup')) {
    process.stderr.write('start-up ');
    report.startup = await measureStartup(runtimes);
    printStartup(runtimes, report.startup);
  }
  if (SECTIONS.includes('speed')) {
    process.stderr.write('speed ');
    report.speed = await measureSpeed(runtimes);
    for (const rt of runtimes) {
      const v = Object.values(report.speed.benchmarks).map((row) => row[rt.id]?.version).find(Boolean);
      if (v) report.runtimes[rt.id].python_version = v;
    }
    printSpeed(runtimes, report.speed);
  }
  if (SECTIONS.includes('size')) {
    process.stderr.write('sizes ');
    report.sizes = measureSizes(runtimes);
    printSizes(runtimes, report.sizes);
  }
  if (SECTIONS.includes('ffi')) {
    process.stderr.write('ffi ');
    report.ffi = await measureFfi(runtimes);
    printFfi(runtimes, report.ffi);
  }
  const versions = runtimes.filter((rt) => report.runtimes[rt.id].python_version)
    .map((rt) => `${rt.label}: Python ${report.runtimes[rt.id].python_version}`);
  if (versions.length) console.log(`\nPython versions: ${versions.join(', ')}`);
  printErrors();
  if (distStamp() !== stampBefore) {
    console.log('\nwarning: dist/ was rebuilt during the run; the sangam figures may mix two builds.');
    report.dist_rebuilt_during_run = true;
  }

  fs.mkdirSync(path.dirname(OPTS.json), { recursive: true });
  fs.writeFileSync(OPTS.json, JSON.stringify(report, null, 2) + '\n');
  console.log(`results written to ${path.relative(process.cwd(), OPTS.json) || OPTS.json}`);

  // Sangam failing anywhere is a failure of the run; other runtimes failing is only reported.
  if (runtimes.some((r) => r.id === 'sangam')) {
    const failed = [];
    if (report.startup?.sangam?.error) failed.push(`start-up: ${shortError(report.startup.sangam.error)}`);
    for (const [name, row] of Object.entries(report.speed?.benchmarks ?? {})) {
      if (row.sangam?.error) failed.push(`${name}: ${shortError(row.sangam.error)}`);
      if (row.sangam?.mismatch) failed.push(`${name}: wrong result ${row.sangam.check}`);
    }
    if (report.sizes?.sangam?.error) failed.push(`sizes: ${shortError(report.sizes.sangam.error)}`);
    for (const [name, row] of Object.entries(report.ffi?.operations ?? {})) {
      if (row.sangam?.error) failed.push(`ffi ${name}: ${shortError(row.sangam.error)}`);
    }
    if (failed.length) {
      console.error(`\nsangam failed:\n  ${failed.join('\n  ')}`);
      process.exitCode = 1;
    }
  }
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exitCode = 2;
});
