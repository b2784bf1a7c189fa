// sangam-build (buildtool/): the compiler wrapper, real PyPI sdists built into wheels for the runtime
// (setuptools with C, meson-python with Cython) that install with the runtime's installer and run,
// the build cache, a failed build's message, a pinned sdist's hash check, and `sangam-build venv`
// with pip and pytest's exit statuses. The sdists are pinned in tests/buildtool/sdists.txt.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const HERE = new URL('.', import.meta.url).pathname;
const BUILD = path.join(ROOT, 'bin/sangam-build');
const SANGAM = path.join(ROOT, 'bin/sangam');
const paths = Object.fromEntries(
  [...fs.readFileSync(path.join(ROOT, 'build/paths.mk'), 'utf8').matchAll(/^([A-Z_]+) := (.*)$/gm)].map((m) => [m[1], m[2]]),
);
const NATIVE = path.join(paths.PY_NATIVE, 'bin/python3.13');
const CACHE = process.env.SANGAM_CACHE ?? path.join(os.homedir(), '.cache/sangam');
const TAG = 'cp313-cp313-emscripten_3_1_69_wasm32';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-buildtool-'));
const out = path.join(tmp, 'dist');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', all: (r.stdout ?? '') + (r.stderr ?? '') };
}

function sangamBuild(args, opts) {
  return run(BUILD, args, opts);
}

// Installs the wheel with the runtime's one installer, then runs CODE in the same runtime.
function installAndRun(wheel, code) {
  const script = path.join(tmp, `run-${path.basename(wheel)}.py`);
  fs.writeFileSync(script, [
    'import sys, _sangam_install',
    `w = ${JSON.stringify(wheel)}`,
    "_sangam_install.install([(w.rsplit('/', 1)[-1], open(w, 'rb').read(), None, None)])",
    code,
  ].join('\n'));
  return run(SANGAM, [script], { cwd: tmp });
}

const wheels = {};
before(() => fs.mkdirSync(out, { recursive: true }));

test('the wrapper expands @rsp files, drops and rewrites flags, logs them as JSON lines', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'wrap-'));
  const wrapperEnv = (extra) => {
    const env = { ...process.env, SANGAM_FLAG_LOG: path.join(dir, 'flags.jsonl'), ...extra };
    const em = fs.readFileSync(paths.EM_ENV, 'utf8');
    env.EM_CONFIG = /EM_CONFIG='([^']*)'/.exec(em)[1];
    env.PATH = `${/PATH='([^']*)':'([^']*)':([^:$]*)/.exec(em).slice(1, 4).join(':')}:${process.env.PATH}`;
    return env;
  };
  fs.writeFileSync(path.join(dir, 'x.c'), '#include <Python.h>\nint twice(int x) { return 2 * x; }\n');
  const hostInc = path.join(paths.PY_NATIVE, 'include/python3.13');
  const crossInc = path.join(paths.PY_SRC, 'Include');
  fs.writeFileSync(path.join(dir, 'args.rsp'), `-pthread -g -march=native -I${hostInc} -I${paths.PY_BUILD}`);
  const r = run(NATIVE, [path.join(ROOT, 'buildtool/wrapper.py'), 'cc', '-c', '@args.rsp', 'x.c', '-o', 'x.o'], {
    cwd: dir, env: wrapperEnv({ SANGAM_HOST_INCLUDES: hostInc, SANGAM_TARGET_INCLUDE: crossInc }),
  });
  assert.equal(r.status, 0, r.all);
  assert.deepEqual([...fs.readFileSync(path.join(dir, 'x.o')).subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
  const events = fs.readFileSync(path.join(dir, 'flags.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const byFlag = Object.fromEntries(events.map((e) => [e.flag, e]));
  assert.equal(byFlag['-pthread'].action, 'dropped');
  assert.equal(byFlag['-g'].action, 'dropped');
  assert.equal(byFlag['-march=native'].action, 'dropped');
  assert.equal(byFlag[`-I${hostInc}`].action, 'rewritten');
  assert.equal(byFlag[`-I${hostInc}`].to, `-I${crossInc}`);
  assert.ok(events.every((e) => e.tool === 'cc' && e.reason && e.cwd === dir));

  // --strict: the same command fails and says which flag, before anything is compiled.
  fs.rmSync(path.join(dir, 'x.o'));
  const s = run(NATIVE, [path.join(ROOT, 'buildtool/wrapper.py'), 'cc', '-c', '@args.rsp', 'x.c', '-o', 'x.o'], {
    cwd: dir, env: wrapperEnv({ SANGAM_STRICT: '1', SANGAM_HOST_INCLUDES: hostInc, SANGAM_TARGET_INCLUDE: crossInc }),
  });
  assert.equal(s.status, 1);
  assert.match(s.stderr, /--strict: cc dropped -pthread \(no threads in the runtime\)/);
  assert.ok(!fs.existsSync(path.join(dir, 'x.o')));
});

test('a host package\'s include and library folders become its wasm wheel\'s (SANGAM_TARGET_SITE)', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'target-'));
  const host = path.join(dir, 'buildenv/lib/python3.13/site-packages/numpy/_core');
  const target = path.join(dir, 'target-site/numpy/_core');
  for (const d of [host, target]) fs.mkdirSync(path.join(d, 'include/numpy'), { recursive: true });
  fs.mkdirSync(path.join(target, 'lib'), { recursive: true });
  const py = String.raw`
import os, sys
sys.path.insert(0, sys.argv[1])
import wrapper
args, events = wrapper.rewrite("cc", sys.argv[2:], {"SANGAM_TARGET_SITE": os.environ["T"]})
print(" ".join(args))
for e in events: print(e["action"], e["flag"], "->", e["to"])
`;
  const r = run(NATIVE, ['-c', py, path.join(ROOT, 'buildtool'), '-c', 'm.c', `-I${path.join(host, 'include')}`, `-L${path.join(host, 'lib')}`,
    `-I${path.join(dir, 'elsewhere')}`], { cwd: dir, env: { ...process.env, T: path.join(dir, 'target-site') } });
  assert.equal(r.status, 0, r.all);
  const [line, ...events] = r.stdout.trim().split('\n');
  assert.equal(line, `-c m.c -I${path.join(target, 'include')} -L${path.join(target, 'lib')} -I${path.join(dir, 'elsewhere')}`);
  assert.equal(events.length, 2);
  assert.match(events[0], /^rewritten -I\S+buildenv\S+ -> -I\S+target-site\/numpy\/_core\/include$/);
});

test('the cross environment names nothing of the checkout that made it (a cache outlives its checkout)', () => {
  const r = run(NATIVE, ['-m', 'buildtool.crossenv'], { cwd: ROOT });
  assert.equal(r.status, 0, r.all);
  const dir = r.stdout.trim();
  // What runs: the shims, the wrapper, the CMake files and the backend's sitecustomize.
  const files = fs.readdirSync(dir, { recursive: true }).filter((f) => /^(bin|libexec|cmake)\//.test(f) || f === 'sysconfig/sitecustomize.py')
    .map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
  assert.ok(files.some((f) => f.endsWith('/bin/cc')));
  for (const f of files) {
    assert.ok(!fs.readFileSync(f, 'latin1').includes(ROOT.replace(/\/$/, '')), `${f} names the checkout ${ROOT}`);
  }
  // The shims run the environment's own copy of the wrapper.
  assert.ok(fs.readFileSync(path.join(dir, 'bin/cc'), 'utf8').includes(path.join(dir, 'libexec/sangam_wrapper.py')));
});

test('a compile-only command runs clang with emcc\'s flags (clang-flags.json) and makes the object emcc makes', () => {
  const r = run(NATIVE, ['-m', 'buildtool.crossenv'], { cwd: ROOT });
  assert.equal(r.status, 0, r.all);
  const cross = r.stdout.trim();
  const recorded = JSON.parse(fs.readFileSync(path.join(cross, 'libexec/clang-flags.json'), 'utf8'));
  assert.ok(recorded.flags.c.includes('-mllvm') && recorded.flags.c.includes('-wasm-enable-sjlj'), JSON.stringify(recorded));
  assert.ok(recorded.flags['c++'].includes('-fwasm-exceptions'));
  // A copy of the wrapper whose "clang" logs each call before running the real one.
  const dir = fs.mkdtempSync(path.join(tmp, 'direct-'));
  fs.copyFileSync(path.join(cross, 'libexec/sangam_wrapper.py'), path.join(dir, 'w.py'));
  fs.writeFileSync(path.join(dir, 'clang'), `#!/bin/sh\necho "$@" >> ${dir}/clang.log\nexec ${recorded.clang} "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'clang-flags.json'), JSON.stringify({ ...recorded, clang: path.join(dir, 'clang') }));
  fs.writeFileSync(path.join(dir, 'x.c'), '#include <Python.h>\n#include <setjmp.h>\nstatic jmp_buf b;\n' +
    'int twice(int x) { if (setjmp(b)) return -1; return 2 * x + (int)PyLong_AsLong(Py_None); }\n');
  fs.writeFileSync(path.join(dir, 'y.cpp'), '#include <stdexcept>\n#include <string>\n' +
    'int f(const std::string& s) { try { return std::stoi(s); } catch (const std::exception&) { return -1; } }\n');
  const em = fs.readFileSync(paths.EM_ENV, 'utf8');
  const env = { ...process.env, EM_CONFIG: /EM_CONFIG='([^']*)'/.exec(em)[1],
    PATH: `${/PATH='([^']*)':'([^']*)':([^:$]*)/.exec(em).slice(1, 4).join(':')}:${process.env.PATH}` };
  for (const [tool, src] of [['cc', 'x.c'], ['c++', 'y.cpp']]) {
    const args = ['-c', src, '-O2', `-I${path.join(cross, 'include/python3.13')}`];
    const a = run(NATIVE, [path.join(dir, 'w.py'), tool, ...args, '-o', 'direct.o'], { cwd: dir, env });
    assert.equal(a.status, 0, a.all);
    const b = run(NATIVE, [path.join(dir, 'w.py'), tool, ...args, '-o', 'emcc.o'], { cwd: dir, env: { ...env, SANGAM_VIA_EMCC: '1' } });
    assert.equal(b.status, 0, b.all);
    assert.ok(fs.readFileSync(path.join(dir, 'direct.o')).equals(fs.readFileSync(path.join(dir, 'emcc.o'))), `${src}: the objects differ`);
  }
  const calls = fs.readFileSync(path.join(dir, 'clang.log'), 'utf8').trim().split('\n');
  assert.equal(calls.length, 2, 'one direct clang call per compile, none for the emcc runs');
  // An emcc option sends the compile through emcc.
  const c = run(NATIVE, [path.join(dir, 'w.py'), 'cc', '-c', 'x.c', '-sSTRICT=0', `-I${path.join(cross, 'include/python3.13')}`, '-o', 's.o'], { cwd: dir, env });
  assert.equal(c.status, 0, c.all);
  assert.equal(fs.readFileSync(path.join(dir, 'clang.log'), 'utf8').trim().split('\n').length, 2);
});

test('setuptools with C: markupsafe from its PyPI sdist builds, installs and runs', { timeout: 600_000 }, () => {
  const r = sangamBuild(['markupsafe==3.0.4', '-o', out, '--no-cache']);
  assert.equal(r.status, 0, r.all);
  assert.match(r.stderr, /\] source: markupsafe==3\.0\.4 \(pinned sha256\)/);
  assert.match(r.stderr, /\] build wheel: backend setuptools\.build_meta/);
  wheels.markupsafe = r.stdout.trim();
  assert.equal(path.basename(wheels.markupsafe), `markupsafe-3.0.4-${TAG}.whl`);
  const p = installAndRun(wheels.markupsafe, [
    'import markupsafe, markupsafe._speedups as s',
    'assert s.__file__.endswith(".cpython-313-wasm32-emscripten.so"), s.__file__',
    'print(markupsafe.escape("<b>&</b>"), markupsafe.escape is s._escape_inner or "speedups")',
  ].join('\n'));
  assert.equal(p.status, 0, p.all);
  assert.match(p.stdout, /^&lt;b&gt;&amp;&lt;\/b&gt; /);
});

test('the built wheel loads with loadPackage(url) from the JS API', { timeout: 120_000 }, async () => {
  assert.ok(wheels.markupsafe, 'needs the markupsafe build');
  const { loadPyodide } = await import(path.join(ROOT, 'dist/sangam.mjs'));
  const { pathToFileURL } = await import('node:url');
  const py = await loadPyodide({ stdout: () => {}, stderr: () => {} });
  const loaded = await py.loadPackage(pathToFileURL(wheels.markupsafe).href, { messageCallback: () => {} });
  assert.deepEqual(loaded.map((p) => p.name), ['markupsafe']);
  assert.equal(py.runPython('import markupsafe; str(markupsafe.escape("<&>"))'), '&lt;&amp;&gt;');
  assert.match(py.runPython('markupsafe._speedups.__file__'), /_speedups\.cpython-313-wasm32-emscripten\.so$/);
});

test('an unchanged rebuild is a cache hit and says so', { timeout: 120_000 }, () => {
  assert.ok(wheels.markupsafe, 'needs the markupsafe build');
  fs.rmSync(wheels.markupsafe);
  const r = sangamBuild(['markupsafe==3.0.4', '-o', out]);
  assert.equal(r.status, 0, r.all);
  assert.match(r.stderr, /cache hit \([0-9a-f]{16}\): markupsafe-3\.0\.4\.tar\.gz was built before in \d+ s/);
  assert.doesNotMatch(r.stderr, /build wheel/);
  assert.ok(fs.existsSync(wheels.markupsafe));
});

test('meson-python with Cython: memory-allocator builds (cross file applied), installs and its doctests pass', { timeout: 900_000 }, () => {
  const r = sangamBuild(['memory-allocator==0.2.1', '-o', out, '--no-cache']);
  assert.equal(r.status, 0, r.all);
  assert.match(r.stderr, /build wheel: backend mesonpy/);
  wheels.ma = r.stdout.trim();
  assert.equal(path.basename(wheels.ma), `memory_allocator-0.2.1-${TAG}.whl`);
  const p = installAndRun(wheels.ma, [
    'import doctest, memory_allocator.test as t, memory_allocator.memory_allocator as m',
    // The options the package's own test runner (cydoctest.py in the sdist) passes.
    'res = [doctest.testmod(mod, optionflags=doctest.ELLIPSIS) for mod in (t, m)]',
    'print("doctests", sum(x.attempted for x in res), "failed", sum(x.failed for x in res))',
  ].join('\n'));
  assert.equal(p.status, 0, p.all);
  const m = /doctests (\d+) failed (\d+)/.exec(p.stdout);
  assert.ok(m && Number(m[1]) > 0, p.all);
  assert.equal(m[2], '0', p.all);
});

test('scikit-build-core with CMake: mapbox-earcut (C++, nanobind) builds; its stub step runs under sangam', { timeout: 900_000 }, () => {
  // The build cache may hold it (its key covers the source, the toolchain and buildtool/ itself).
  const r = sangamBuild(['mapbox-earcut==2.1.0', '-o', out]);
  assert.equal(r.status, 0, r.all);
  assert.match(r.stderr, /build wheel: backend scikit_build_core\.build|cache hit/);
  const wheel = r.stdout.trim();
  assert.equal(path.basename(wheel), `mapbox_earcut-2.1.0-${TAG}.whl`);
  const p = installAndRun(wheel, [
    'import array, importlib.metadata as md, mapbox_earcut as me',
    'print("version", me.__version__)',
    // nanobind's stub generator imported the wasm module to write this: it ran in the runtime.
    'stub = [f for f in md.files("mapbox-earcut") if f.name == "_core.pyi"][0]',
    'print("stub", "def triangulate_float64" in stub.read_text())',
    "verts = memoryview(array.array('d', [0, 0, 1, 0, 1, 1, 0, 1])).cast('B').cast('d', [4, 2])",
    "rings = memoryview(array.array('I', [4]))",
    'try:',
    '    me.triangulate_float64(verts, rings)',
    'except TypeError as e:',
    // The triangles are computed; handing them back needs numpy, which is not installed here.
    '    print("result", e)',
  ].join('\n'));
  assert.equal(p.status, 0, p.all);
  assert.match(p.stdout, /^version 2\.1\.0$/m);
  assert.match(p.stdout, /^stub True$/m);
  assert.match(p.stdout, /^result could not export nanobind::ndarray: ModuleNotFoundError: No module named 'numpy'$/m);
});

test('a failed build names the step and shows the tail of the compiler output', { timeout: 300_000 }, () => {
  const src = fs.mkdtempSync(path.join(tmp, 'broken-'));
  fs.writeFileSync(path.join(src, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "broken"\nversion = "1.0"\n');
  fs.writeFileSync(path.join(src, 'setup.py'),
    'from setuptools import setup, Extension\nsetup(ext_modules=[Extension("broken", ["broken.c"])])\n');
  fs.writeFileSync(path.join(src, 'broken.c'), '#include <Python.h>\nint broken(void) { return undefined_name_here; }\n');
  const r = sangamBuild([src, '-o', path.join(tmp, 'broken-out')]);
  assert.equal(r.status, 1, r.all);
  assert.match(r.stderr, /sangam-build: step 'build wheel' failed after [\d.]+ s: the backend failed/);
  assert.match(r.stderr, /--- the last \d+ lines of its output:/);
  assert.match(r.stderr, /broken\.c:2:\d+: error: use of undeclared identifier 'undefined_name_here'/);
  assert.match(r.stderr, /full log: \S+\.log/);
});

// A C extension with the bug regex 2026.9.3 has (packages/patches/regex/): a METH_NOARGS function
// defined with one parameter, which wasm's typed indirect call traps on; --patch fixes it in a copy.
test('--patch applies a diff to a copy of the source before building; one that does not apply names the file', { timeout: 600_000 }, () => {
  const src = fs.mkdtempSync(path.join(tmp, 'noargs-'));
  fs.writeFileSync(path.join(src, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "noargs"\nversion = "1.0"\n');
  fs.writeFileSync(path.join(src, 'setup.py'),
    'from setuptools import setup, Extension\nsetup(ext_modules=[Extension("noargs", ["noargs.c"])])\n');
  const c = [
    '#include <Python.h>',
    'static PyObject* answer(PyObject* self) { return PyLong_FromLong(42); }',
    'static PyMethodDef methods[] = {{"answer", (PyCFunction)answer, METH_NOARGS}, {NULL, NULL}};',
    'static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "noargs", NULL, -1, methods};',
    'PyMODINIT_FUNC PyInit_noargs(void) { return PyModule_Create(&def); }',
    '',
  ];
  fs.writeFileSync(path.join(src, 'noargs.c'), c.join('\n'));
  // Unpatched, the call traps (natively the extra argument would be ignored).
  const plain = sangamBuild([src, '-o', path.join(tmp, 'noargs-plain'), '--no-cache']);
  assert.equal(plain.status, 0, plain.all);
  const trap = installAndRun(path.join(tmp, 'noargs-plain', `noargs-1.0-${TAG}.whl`), 'import noargs\nnoargs.answer()');
  assert.notEqual(trap.status, 0, trap.all);
  assert.match(trap.all, /null function or function signature mismatch/);

  const patch = path.join(tmp, 'noargs.patch');
  fs.writeFileSync(patch, [
    'answer() is called as a PyCFunction (self, NULL): give it the second parameter.',
    '', '--- a/noargs.c', '+++ b/noargs.c', '@@ -1,3 +1,3 @@', ` ${c[0]}`, `-${c[1]}`,
    '+static PyObject* answer(PyObject* self, PyObject* unused) { return PyLong_FromLong(42); }', ` ${c[2]}`, '',
  ].join('\n'));
  const r = sangamBuild([src, '-o', path.join(tmp, 'noargs-out'), '--patch', patch, '--no-cache']);
  assert.equal(r.status, 0, r.all);
  assert.match(r.stderr, /patch.*noargs\.patch/);
  assert.equal(fs.readFileSync(path.join(src, 'noargs.c'), 'utf8'), c.join('\n'), 'the source tree is not patched in place');
  const wheel = path.join(tmp, 'noargs-out', `noargs-1.0-${TAG}.whl`);
  const p = installAndRun(wheel, 'import noargs\nprint("answer", noargs.answer())');
  assert.equal(p.status, 0, p.all);
  assert.match(p.stdout, /^answer 42$/m);

  const stale = path.join(tmp, 'stale.patch');
  fs.writeFileSync(stale, fs.readFileSync(patch, 'utf8').replaceAll('answer', 'question'));
  const bad = sangamBuild([src, '-o', path.join(tmp, 'noargs-out'), '--patch', stale]);
  assert.equal(bad.status, 1, bad.all);
  assert.match(bad.stderr, /step 'patch' failed after [\d.]+ s: \S+stale\.patch does not apply to noargs-/);
  assert.match(bad.stderr, /Hunk #1 FAILED/);
});

test('a pinned sdist whose cached file has another sha256 stops the build, naming the file', { timeout: 60_000 }, () => {
  const pins = path.join(tmp, 'pins.txt');
  fs.writeFileSync(pins, `markupsafe==3.0.4 --hash=sha256:${'0'.repeat(64)}\n`);
  const r = sangamBuild(['markupsafe==3.0.4', '-o', out, '--pins', pins]);
  assert.equal(r.status, 1, r.all);
  assert.match(r.stderr, /step 'source' failed .*markupsafe-3\.0\.4\.tar\.gz: sha256 [0-9a-f]{64}, expected 0{64} \(pinned\)/);
});

test('sangam-build venv: pip installs wheels for the runtime, pytest runs with its real exit status', { timeout: 600_000 }, () => {
  assert.ok(wheels.markupsafe, 'needs the markupsafe build');
  const venv = path.join(tmp, 'venv');
  const v = sangamBuild(['venv', venv]);
  assert.equal(v.status, 0, v.all);
  const py = path.join(venv, 'bin/python');
  const ver = run(py, ['-c', 'import sys; print(sys.platform, sys.prefix == sys.argv[1] if len(sys.argv) > 1 else sys.prefix)']);
  assert.equal(ver.status, 0, ver.all);
  assert.equal(ver.stdout.trim(), `emscripten ${fs.realpathSync(venv)}`);
  // Wheels: a local one built above and pure ones from the pinned fixture folder (tools/fetch-wheels.sh).
  const fixture = run(path.join(ROOT, 'tools/fetch-wheels.sh'), []).stdout.trim();
  const pip = run(path.join(venv, 'bin/pip'), ['install', '--no-index', '--find-links', fixture, wheels.markupsafe, 'pytest']);
  assert.equal(pip.status, 0, pip.all);
  assert.match(pip.stdout, /Successfully installed .*markupsafe-3\.0\.4/);
  // A foreign wheel is refused by the runtime's tags.
  const list = run(py, ['-m', 'pip', 'list']);
  assert.match(list.stdout, /MarkupSafe\s+3\.0\.4/i);
  assert.match(list.stdout, /pytest\s+\d/);

  const tests = fs.mkdtempSync(path.join(tmp, 'tests-'));
  fs.writeFileSync(path.join(tests, 'test_pass.py'),
    'import markupsafe\n\ndef test_escape():\n    assert markupsafe.escape("<") == "&lt;"\n\ndef test_platform():\n    import sys\n    assert sys.platform == "emscripten"\n');
  fs.writeFileSync(path.join(tests, 'test_fail.py'), 'def test_fails():\n    assert 1 + 1 == 3\n');
  const pass = run(py, ['-m', 'pytest', '-q', 'test_pass.py'], { cwd: tests });
  assert.equal(pass.status, 0, pass.all);
  assert.match(pass.stdout, /2 passed/);
  const fail = run(py, ['-m', 'pytest', '-q', 'test_fail.py'], { cwd: tests });
  assert.equal(fail.status, 1, fail.all);
  assert.match(fail.stdout, /1 failed/);
  // The console script, too (its #! line is the venv's python, i.e. sangam).
  const script = run(path.join(venv, 'bin/pytest'), ['-q', 'test_pass.py', 'test_fail.py'], { cwd: tests });
  assert.equal(script.status, 1, script.all);
  assert.match(script.stdout, /1 failed, 2 passed/);
  const none = run(path.join(venv, 'bin/pytest'), ['-q', '-k', 'nothing_matches'], { cwd: tests });
  assert.equal(none.status, 5, none.all);
  // The interpreter's shutdown failing after pytest finished does not change pytest's status.
  const shutdown = path.join(tests, 'shutdown');
  fs.mkdirSync(shutdown);
  fs.writeFileSync(path.join(shutdown, 'conftest.py'), 'import atexit, os\natexit.register(lambda: os._exit(99))\n');
  fs.writeFileSync(path.join(shutdown, 'test_fine.py'), 'def test_fine():\n    pass\n');
  const sd = run(py, ['-m', 'pytest', '-q', 'test_fine.py'], { cwd: shutdown });
  assert.equal(sd.status, 0, sd.all);
  assert.match(sd.stderr, /pytest finished with status 0, but the interpreter then exited with 99; reporting 0/);
  // Without pytest, python's own status stands.
  assert.equal(run(py, ['-c', 'import sys; sys.exit(7)']).status, 7);
  // A source package with C code is refused, pointing at sangam-build; a pure one installs.
  const csrc = fs.mkdtempSync(path.join(tmp, 'csrc-'));
  fs.writeFileSync(path.join(csrc, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "withc"\nversion = "1.0"\n');
  fs.writeFileSync(path.join(csrc, 'setup.py'), 'from setuptools import setup, Extension\nsetup(ext_modules=[Extension("withc", ["withc.c"])])\n');
  fs.writeFileSync(path.join(csrc, 'withc.c'), 'int withc(void) { return 1; }\n');
  const house = path.join(CACHE, 'buildtool-wheels');
  const cpip = run(path.join(venv, 'bin/pip'), ['install', '--no-index', '--find-links', house, csrc]);
  assert.notEqual(cpip.status, 0, cpip.all);
  assert.match(cpip.all, /sangam venv: pip cannot compile C\/C\+\+ code for sangam; build this package's wheel with/);
  const psrc = fs.mkdtempSync(path.join(tmp, 'psrc-'));
  fs.writeFileSync(path.join(psrc, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "purepkg"\nversion = "1.0"\n');
  fs.writeFileSync(path.join(psrc, 'purepkg.py'), 'ANSWER = 42\n');
  const ppip = run(path.join(venv, 'bin/pip'), ['install', '--no-index', '--find-links', house, psrc]);
  assert.equal(ppip.status, 0, ppip.all);
  const answer = run(py, ['-c', 'import purepkg; print(purepkg.ANSWER)'], { cwd: tests });
  assert.equal(answer.stdout.trim(), '42', answer.all);
});
