// Builds the real side modules and wheels of tests/packages/dynlibs.test.mjs with emcc: extension
// modules (dynlib/uselib.c) linked against shared libraries (dynlib/lib.c) that they find at run
// time in their wheel's `.libs` folder, through their run-time path ($ORIGIN), in /usr/lib (from a
// lock file's shared_library package), through LD_LIBRARY_PATH, or not at all; and a big wheel of
// several extension modules of which a test imports only some.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeLock } from '../../src/js/wheel-index.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const SRC = path.join(ROOT, 'tests/packages/dynlib');
const SUFFIX = '.cpython-313-wasm32-emscripten.so';
const FLAGS = '-O2 -fPIC -sSIDE_MODULE=1 -sWASM_BIGINT -fwasm-exceptions -sSUPPORT_LONGJMP=wasm';

function emcc(args, cwd) {
  const emEnv = /EM_ENV := (.*)/.exec(fs.readFileSync(path.join(ROOT, 'build/paths.mk'), 'utf8'))[1];
  execFileSync('bash', ['-c', `source ${emEnv} && nice emcc ${args}`], { cwd, encoding: 'utf8', stdio: 'pipe' });
}

// lib<name>.so: demo_<name>(n) = n + add, or demo_<dep>(n) + add linked against lib<dep>.so.
function library(dir, name, add, dep) {
  const defs = `-DNAME=demo_${name} -DADD=${add}` + (dep ? ` -DDEP=demo_${dep}` : '');
  emcc(`-shared ${FLAGS} ${defs} ${path.join(SRC, 'lib.c')} ${dep ? `-L. -l${dep}` : ''} -o lib${name}.so`, dir);
  return path.join(dir, `lib${name}.so`);
}

// <module>.cpython-313-wasm32-emscripten.so: call(n) = demo_<lib>(n), linked against lib<lib>.so.
function extension(dir, module, lib) {
  const include = path.join(ROOT, 'dist/include/python3.13');
  const defs = `-DMODULE=${module}` + (lib ? ` -DLIBFUNC=demo_${lib}` : '');
  emcc(`-shared ${FLAGS} -I${include} ${defs} ${path.join(SRC, 'uselib.c')} ${lib ? `-L. -l${lib}` : ''} -o ${module}${SUFFIX}`, dir);
  return path.join(dir, module + SUFFIX);
}

const leb = (n) => {
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
};
const str = (s) => { const b = Buffer.from(s); return [...leb(b.length), ...b]; };

// Gives the side module at `file` a run-time path: the RUNTIME_PATH subsection (5) of its
// dylink.0 section, as wasm-ld writes for -rpath from LLVM 20 on (Emscripten 3.1.69's linker
// ignores -rpath).
export function addRunPath(file, paths) {
  const bytes = fs.readFileSync(file);
  let pos = 9;
  let size = 0, scale = 1, b;
  do { b = bytes[pos++]; size += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80);
  const body = bytes.subarray(pos, pos + size);
  const rest = bytes.subarray(pos + size);
  const payload = [...leb(paths.length), ...paths.flatMap(str)];
  const sub = [5, ...leb(payload.length), ...payload];
  const section = Buffer.concat([body, Buffer.from(sub)]);
  fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), Buffer.from([0, ...leb(section.length)]), section, rest]));
}

function wheel(outDir, name, ...files) {
  return execFileSync('python3', [path.join(ROOT, 'tests/packages/make_ext_wheel.py'), outDir, name, '1.0', ...files],
    { encoding: 'utf8' }).trim();
}

export const BIG_MODULES = 6;

// Writes sangam_dl_libs (needs_libs, which needs liba.so, which needs libb.so, both in the
// wheel's .libs folder) into `outDir`; `work` is a folder for the build.
export function buildLibsWheel(outDir, work) {
  library(work, 'b', 100);
  const a = library(work, 'a', 10, 'b');
  const b = path.join(work, 'libb.so');
  return wheel(outDir, 'sangam_dl_libs', extension(work, 'needs_libs', 'a'),
    `${a}=sangam_dl_libs.libs/liba.so`, `${b}=sangam_dl_libs.libs/libb.so`);
}

// Writes the wheels, the shared_library archive and pyodide-lock.json into `outDir`. Returns
// {gone: the bytes of libgone.so, which no package ships}.
export function buildDynlibRepo(outDir) {
  const work = fs.mkdtempSync(path.join(outDir, '.build-'));
  try {
    buildLibsWheel(outDir, work);
    // Through the run-time path.
    const r = library(work, 'r', 20000);
    const rpath = extension(work, 'needs_rpath', 'r');
    addRunPath(rpath, ['$ORIGIN/needs_rpath_vendor']);
    wheel(outDir, 'sangam_dl_rpath', rpath, `${r}=needs_rpath_vendor/libr.so`);
    // In /usr/lib, from a shared_library package.
    const sys = library(work, 'sys', 1000);
    execFileSync('python3', ['-c', `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z: z.write(sys.argv[2], 'libsys.so')`, path.join(outDir, 'libsys-1.0.zip'), sys]);
    wheel(outDir, 'sangam_dl_sys', extension(work, 'needs_sys', 'sys'));
    // Shipped by nobody.
    const gone = library(work, 'gone', 7);
    wheel(outDir, 'sangam_dl_missing', extension(work, 'needs_gone', 'gone'));
    // A big wheel: one package of several extension modules.
    const init = path.join(work, '__init__.py');
    fs.writeFileSync(init, '');
    const modules = Array.from({ length: BIG_MODULES }, (_, i) => `${extension(work, `_m${i}`)}=bigpkg/_m${i}${SUFFIX}`);
    wheel(outDir, 'sangam_dl_big', `${init}=bigpkg/__init__.py`, ...modules);

    const lock = makeLock(outDir);
    const zip = fs.readFileSync(path.join(outDir, 'libsys-1.0.zip'));
    lock.packages.libsys = { name: 'libsys', version: '1.0', file_name: 'libsys-1.0.zip', install_dir: 'dynlib',
      sha256: crypto.createHash('sha256').update(zip).digest('hex'), package_type: 'shared_library',
      imports: [], depends: [], unvendored_tests: false, shared_library: true };
    lock.packages['sangam-dl-sys'].depends = ['libsys'];
    fs.writeFileSync(path.join(outDir, 'pyodide-lock.json'), JSON.stringify(lock, null, 2));
    return { gone: fs.readFileSync(gone) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
