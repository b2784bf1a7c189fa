// What each choice costs in the browser's download (brotli, quality 11, each file on its own):
// variants of the standard-library zip made with tools/stdlib_zip.py's options, the zip's biggest
// top-level modules, and wasm-opt passes over the linked main module. See bench/README.md.
//
//   node bench/size-costs.mjs [--only zip,modules,wasm] [--python PY] [--lib DIR] [--sysconfig FILE]
//
// The defaults come from build/paths.mk (the build's native CPython 3.13, its Lib/, its
// sysconfigdata) and dist/sangam.asm.wasm; wasm-opt is the toolchain's (EM_ENV). Takes minutes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? null : args[i + 1];
};
const only = (flag('--only') ?? 'zip,modules,wasm').split(',');

function paths() {
  const text = fs.readFileSync(path.join(REPO, 'build', 'paths.mk'), 'utf8');
  const get = (k) => text.match(new RegExp(`^${k} := (.*)$`, 'm'))?.[1];
  return { native: get('PY_NATIVE'), src: get('PY_SRC'), build: get('PY_BUILD'), env: get('EM_ENV') };
}
const P = fs.existsSync(path.join(REPO, 'build', 'paths.mk')) ? paths() : {};
const python = flag('--python') ?? `${P.native}/bin/python3.13`;
const lib = flag('--lib') ?? `${P.src}/Lib`;
const sysconfig = flag('--sysconfig') ?? (() => {
  const dir = fs.readdirSync(P.build + '/build').find((d) => d.startsWith('lib.'));
  const f = fs.readdirSync(`${P.build}/build/${dir}`).find((n) => n.startsWith('_sysconfigdata_'));
  return `${P.build}/build/${dir}/${f}`;
})();
const wheels = (() => {
  try {
    return fs.readFileSync(path.join(REPO, 'build', 'runtime-wheels.list'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
})();

const brotli = (bytes) => zlib.brotliCompressSync(bytes, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
}).length;
const mib = (n) => `${(n / 2 ** 20).toFixed(2)} MiB`;
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'size-costs-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function table(title, header, rows) {
  const all = [header, ...rows];
  const width = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  for (const [n, r] of all.entries()) {
    console.log('  ' + r.map((c, i) => (i ? String(c).padStart(width[i]) : String(c).padEnd(width[i]))).join('  '));
    if (n === 0) console.log('  ' + width.map((w) => '-'.repeat(w)).join('  '));
  }
}

// One zip variant: [main zip bytes, optional zip bytes or null].
function makeZip(name, options, split) {
  const out = path.join(tmp, `${name}.zip`);
  const opt = path.join(tmp, `${name}-optional.zip`);
  execFileSync(python, [path.join(REPO, 'tools', 'stdlib_zip.py'), ...options, ...(split ? ['--optional', opt] : []),
    lib, sysconfig, '/usr/share/zoneinfo', out, path.join(REPO, 'src', 'py'), ...wheels], { stdio: ['ignore', 'ignore', 'inherit'] });
  return [fs.readFileSync(out), split ? fs.readFileSync(opt) : null];
}

if (only.includes('zip')) {
  const variants = [
    ['pyc, deflated, one zip (before this change)', ['--deflate'], false],
    ['pyc, stored, one zip', [], false],
    ['sources (.py), stored, one zip', ['--sources'], false],
    ['pyc without docstrings, stored, one zip', ['--no-docstrings'], false],
    ['pyc, stored, one zip, no tzdata', ['--no-tzdata'], false],
    ['pyc, stored, optional zip split off (shipped)', [], true],
    ['pyc without docstrings, stored, split', ['--no-docstrings'], true],
    ['sources, stored, split', ['--sources'], true],
  ];
  const rows = [];
  for (const [label, options, split] of variants) {
    process.stderr.write(`${label}...\n`);
    const [main, opt] = makeZip(`v${rows.length}`, options, split);
    rows.push([label, mib(main.length), mib(brotli(main)), opt ? mib(opt.length) : '-', opt ? mib(brotli(opt)) : '-']);
  }
  table('Standard-library zip variants (tools/stdlib_zip.py options)',
    ['variant', 'zip raw', 'zip brotli', 'optional raw', 'optional brotli'], rows);
}

if (only.includes('modules')) {
  // Each top-level module's files as a stored zip of their own: roughly what it adds.
  const [main] = makeZip('all', [], false);
  const listing = path.join(tmp, 'all.zip');
  const groups = JSON.parse(execFileSync(python, ['-c', `
import collections, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
g = collections.defaultdict(list)
for i in z.infolist():
    g[i.filename.split("/")[0].removesuffix(".pyc")].append(i.filename)
out = {}
for top, names in g.items():
    p = sys.argv[2] + "/part-" + top.replace("/", "_") + ".zip"
    with zipfile.ZipFile(p, "w") as o:
        for n in names:
            o.writestr(z.getinfo(n), z.read(n))
    out[top] = p
print(json.dumps(out))`, listing, tmp]).toString());
  const rows = Object.entries(groups).map(([top, p]) => {
    const bytes = fs.readFileSync(p);
    return [top, bytes.length, brotli(bytes)];
  }).sort((a, b) => b[2] - a[2]).slice(0, 40);
  table(`Top-level modules by brotli cost (of ${mib(brotli(main))} for the whole stored pyc zip)`,
    ['module', 'raw', 'brotli'], rows.map(([t, r, b]) => [t, kib(r), kib(b)]));
}

// A wasm binary's sections: name (custom sections by their own name) -> bytes.
const SECTION = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start',
  'elem', 'code', 'data', 'datacount', 'tag'];
function sections(bytes) {
  const out = {};
  let pos = 8;
  const leb = () => {
    let v = 0, s = 1, b;
    do { b = bytes[pos++]; v += (b & 0x7f) * s; s *= 128; } while (b & 0x80);
    return v;
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = leb();
    const end = pos + size;
    let key = SECTION[id] ?? `section ${id}`;
    if (id === 0) {
      const n = leb();
      key = `custom "${Buffer.from(bytes.subarray(pos, pos + n)).toString()}"`;
    }
    out[key] = (out[key] ?? 0) + size;
    pos = end;
  }
  return out;
}

if (only.includes('wasm')) {
  const wasm = path.join(REPO, 'dist', 'sangam.asm.wasm');
  const bytes = fs.readFileSync(wasm);
  const rows = [['as linked (emcc -O2)', mib(bytes.length), mib(brotli(bytes))]];
  const pyodide = path.join(REPO, 'bench', 'node_modules', 'pyodide-0.29', 'pyodide.asm.wasm');
  const ours = sections(bytes);
  const theirs = fs.existsSync(pyodide) ? sections(fs.readFileSync(pyodide)) : {};
  table('Sections of the main module, raw (no "name" section: emcc -O2 without -g strips it)',
    ['section', 'sangam', 'Pyodide 0.29.5'],
    [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].map((k) => [k, kib(ours[k] ?? 0), kib(theirs[k] ?? 0)]));
  for (const passes of [['-O2'], ['-O3'], ['-Os'], ['-Oz'], ['--strip-debug', '--strip-producers']]) {
    const out = path.join(tmp, 'opt.wasm');
    process.stderr.write(`wasm-opt ${passes.join(' ')}...\n`);
    try {
      execFileSync('bash', ['-c', `source "$1" && shift && wasm-opt "$@"`, '-', P.env, wasm, '-o', out, '--all-features', ...passes],
        { stdio: ['ignore', 'ignore', 'inherit'] });
      const b = fs.readFileSync(out);
      rows.push([`then wasm-opt ${passes.join(' ')}`, mib(b.length), mib(brotli(b))]);
    } catch (e) {
      rows.push([`then wasm-opt ${passes.join(' ')}`, 'error', e.message.split('\n')[0]]);
    }
  }
  table('The main module after wasm-opt passes (over the linked binary)', ['wasm', 'raw', 'brotli'], rows);
}
