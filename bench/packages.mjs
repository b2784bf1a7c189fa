// Package benchmarks, sangam against Pyodide 0.29.5 from npm, side by side on the same loopback
// index (src/js/wheel-index.mjs serving the real PyPI wheels of tests/packages/wheels.txt):
//   lock-20      loadPackage of 20 packages (35 wheels with their dependencies) from a lock file,
//                cold (empty package cache) and warm (the cache the cold run filled)
//   micropip-20  micropip.install of the same 20 requirements from the index's PyPI JSON API
//                (Pyodide runs PyPI's micropip wheel, loaded by URL), cold and warm (a new process,
//                same cache)
//   ext          loadPackage of a wheel with two extension modules, then importing both (sangam
//                only: Pyodide cannot load a wheel built for sangam's platform)
// Each measurement is a fresh `node` process; the median of --repeats runs is shown.
//
//   node bench/packages.mjs [--repeats N] [--only lock-20,micropip-20,ext] [--json FILE] [--profile]
// --profile also prints how long sangam's installer took, verifying and writing.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const PYODIDE = path.join(HERE, 'node_modules/pyodide-0.29');
const REQUIREMENTS = ['rich', 'networkx', 'sympy', 'beautifulsoup4', 'pytest', 'hypothesis', 'requests',
  'python-dateutil', 'pytz', 'attrs', 'click', 'tqdm', 'toolz', 'more-itertools', 'pyparsing', 'fsspec',
  'humanize', 'cachetools', 'decorator', 'platformdirs'];
const IMPORTS = ['rich', 'networkx', 'sympy', 'bs4', 'pytest', 'hypothesis', 'requests', 'dateutil', 'pytz',
  'attrs', 'click', 'tqdm', 'toolz', 'more_itertools', 'pyparsing', 'fsspec', 'humanize', 'cachetools',
  'decorator', 'platformdirs'];

// ---------------------------------------------------------------- one measurement (child process)

async function child({ runtime, scenario, indexUrl, lock, cacheDir, micropipWheel, profile }) {
  const quiet = { stdout: () => {}, stderr: () => {} };
  let py;
  if (runtime === 'sangam') {
    const { loadPyodide } = await import(pathToFileURL(path.join(REPO, 'dist/sangam.mjs')).href);
    py = await loadPyodide({ ...quiet, lockFileContents: lock, packageBaseUrl: `${indexUrl}/files/`, packageCacheDir: cacheDir });
  } else {
    const { loadPyodide } = await import(pathToFileURL(path.join(PYODIDE, 'pyodide.mjs')).href);
    const own = JSON.parse(fs.readFileSync(path.join(PYODIDE, 'pyodide-lock.json'), 'utf8'));
    py = await loadPyodide({ ...quiet, lockFileContents: JSON.stringify({ ...JSON.parse(lock), info: own.info }),
      packageBaseUrl: `${indexUrl}/files/`, packageCacheDir: cacheDir });
  }
  const msg = { messageCallback: () => {} };
  // --profile: the installer's time (sangam), split into verifying and writing.
  if (profile && runtime === 'sangam') {
    py.runPython(`import _sangam_install as _i, time
_i._bench = {"verify": 0.0, "install": 0.0}
def _timed(name, f):
    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            _i._bench[name] += time.perf_counter() - t
    return timed
_i._verify = _timed("verify", _i._verify)
_i.install = _timed("install", _i.install)`);
  }
  const t0 = performance.now();
  if (scenario === 'lock-20') {
    await py.loadPackage(REQUIREMENTS, msg);
  } else if (scenario === 'micropip-20') {
    if (runtime === 'pyodide-0.29') await py.loadPackage(micropipWheel, msg);
    py.globals.set('reqs', py.toPy(REQUIREMENTS));
    // The index's PyPI JSON API (absolute file URLs): PyPI's micropip 0.11 cannot follow the
    // relative links of the PEP 691/503 pages.
    await py.runPythonAsync(`import micropip\nawait micropip.install(reqs, index_urls=[${JSON.stringify(indexUrl + '/pypi/{package_name}/json')}])`);
  } else if (scenario === 'ext') {
    await py.loadPackage('sangam-ext-demo', msg);
    py.runPython('import spam, cppext');
  }
  const installed = performance.now() - t0;
  const phases = profile && runtime === 'sangam'
    ? JSON.parse(py.runPython('import json, _sangam_install as _i; json.dumps(_i._bench)')) : undefined;
  if (scenario !== 'ext') py.runPython(IMPORTS.map((m) => `import ${m}`).join('\n'));
  return { ms: installed, phases };
}

// ---------------------------------------------------------------- the driver

function parseArgs(argv) {
  const opts = { repeats: 3, only: ['lock-20', 'micropip-20', 'ext'], json: path.join(REPO, 'build/bench-packages.json'),
    profile: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--repeats') opts.repeats = Number(argv[++i]);
    else if (argv[i] === '--only') opts.only = argv[++i].split(',');
    else if (argv[i] === '--json') opts.json = path.resolve(argv[++i]);
    else if (argv[i] === '--profile') opts.profile = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

// One measurement in a fresh process. Asynchronous: the index server runs in this process, and
// a blocked event loop (spawnSync) would leave the child waiting for it. A child that takes longer
// than `timeoutMs` (a loaded machine) is killed and reported, so the run always finishes.
function measure(job, timeoutMs = 900_000) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--stack-size=4000', fileURLToPath(import.meta.url), '--child', JSON.stringify(job)],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('close', (status, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop();
      try {
        const out = JSON.parse(line);
        resolve(out.error ? { error: out.error } : out);
      } catch {
        resolve({ error: signal === 'SIGKILL' ? `no result within ${timeoutMs / 1000} s`
          : (stderr || stdout || `exit ${status}`).trim().split('\n').slice(-3).join(' ') });
      }
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { makeLock, serveIndex } = await import('../src/js/wheel-index.mjs');
  const { buildExtWheels } = await import('../tests/packages/ext-wheel.mjs');
  const wheels = spawnSync(path.join(REPO, 'tools/fetch-wheels.sh'), { encoding: 'utf8' }).stdout.trim();
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-bench-repo-'));
  for (const f of fs.readdirSync(wheels)) fs.symlinkSync(path.join(wheels, f), path.join(repo, f));
  if (opts.only.includes('ext')) buildExtWheels(repo);
  const index = await serveIndex({ dir: repo });
  const lock = makeLock(repo);
  const lockText = JSON.stringify(lock);
  const micropipWheel = `${index.url}/files/${fs.readdirSync(repo).find((f) => f.startsWith('micropip-'))}`;
  const runtimes = ['sangam', 'pyodide-0.29'];
  const rows = [];
  for (const scenario of opts.only) {
    for (const phase of scenario === 'ext' ? ['cold'] : ['cold', 'warm']) {
      const row = { scenario, phase };
      for (const runtime of runtimes) {
        if (scenario === 'ext' && runtime !== 'sangam') { row[runtime] = 'n/a'; continue; }
        const times = [];
        let error = null;
        for (let i = 0; i < opts.repeats && !error; i++) {
          const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-bench-cache-'));
          // micropip works from the index alone: an empty lock file, so neither runtime takes a shortcut.
          const jobLock = scenario === 'micropip-20' ? JSON.stringify({ info: lock.info, packages: {} }) : lockText;
          const job = { child: true, runtime, scenario, indexUrl: index.url, lock: jobLock, cacheDir, micropipWheel,
            profile: opts.profile };
          // Warm: a first run fills the cache, the measured run is the next process.
          if (phase === 'warm') await measure(job);
          const out = await measure(job);
          fs.rmSync(cacheDir, { recursive: true, force: true });
          if (out.error) error = out.error;
          else times.push(out.ms);
          if (out.phases) {
            const { verify, install } = out.phases;
            console.error(`  ${runtime} ${scenario} ${phase}: ${(out.ms / 1000).toFixed(2)} s, of which the installer `
              + `${install.toFixed(2)} s (verifying ${verify.toFixed(2)} s, writing ${(install - verify).toFixed(2)} s)`);
          }
        }
        row[runtime] = error ? `error: ${error.slice(0, 160)}` : median(times);
      }
      rows.push(row);
      console.error(`${scenario} ${phase}: ${JSON.stringify(row)}`);
    }
  }
  await index.close();
  fs.rmSync(repo, { recursive: true, force: true });
  const fmt = (v) => (typeof v === 'number' ? `${(v / 1000).toFixed(2)} s` : v);
  console.log('\n| packages | | sangam | Pyodide 0.29.5 | sangam / Pyodide |\n| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const ratio = typeof r.sangam === 'number' && typeof r['pyodide-0.29'] === 'number'
      ? `${(r.sangam / r['pyodide-0.29']).toFixed(2)}x` : '';
    console.log(`| ${r.scenario} | ${r.phase} | ${fmt(r.sangam)} | ${fmt(r['pyodide-0.29'])} | ${ratio} |`);
  }
  fs.mkdirSync(path.dirname(opts.json), { recursive: true });
  fs.writeFileSync(opts.json, JSON.stringify(rows, null, 2));
  if (rows.some((r) => typeof r.sangam !== 'number')) process.exitCode = 1;
}

if (process.argv[2] === '--child') {
  child(JSON.parse(process.argv[3])).then((out) => console.log(JSON.stringify(out)),
    (e) => console.log(JSON.stringify({ error: String(e?.message ?? e).split('\n').slice(-2).join(' ') })));
} else {
  await main();
}
