// Builds one of tests/ext's C or C++ sources into an extension module, with emcc and the flags
// sysconfig reports for this platform (what a package build would use). Shared by tests/ext,
// the snapshot tests and tests/packages' wheels.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const HERE = new URL('.', import.meta.url).pathname;
const INCLUDE = path.join(ROOT, 'dist/include/python3.13');
const CFLAGS = '-O2 -fPIC -fwasm-exceptions -sSUPPORT_LONGJMP=wasm';
const LDFLAGS = '-shared -sSIDE_MODULE=1 -sWASM_BIGINT -fwasm-exceptions -sSUPPORT_LONGJMP=wasm';
export const SUFFIX = '.cpython-313-wasm32-emscripten.so';

// Runs a shell command with Emscripten's environment (build/paths.mk's EM_ENV).
export function emsh(cmd, cwd) {
  const emEnv = /EM_ENV := (.*)/.exec(fs.readFileSync(path.join(ROOT, 'build/paths.mk'), 'utf8'))[1];
  return execFileSync('bash', ['-c', `source ${emEnv} && ${cmd}`], { cwd, encoding: 'utf8', stdio: 'pipe' });
}

// Compiles tests/ext/<source> into <dir>/<name><SUFFIX>; returns that file's path.
export function buildSideModule(dir, name, source, compiler = 'emcc') {
  emsh(`${compiler} ${CFLAGS} -I${INCLUDE} -c ${path.join(HERE, source)} -o ${name}.o`, dir);
  emsh(`${compiler} ${LDFLAGS} ${name}.o -o ${name}${SUFFIX}`, dir);
  return path.join(dir, name + SUFFIX);
}
