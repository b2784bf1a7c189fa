// The package set (packages/, buildtool/pkgset.py), on one recipe with a native library: pyyaml's
// C extension over libyaml, built with emcc from its Debian source (tools/build-pkglibs.sh, pinned
// in tools/sources.manifest) and found by pkg-config; the wheel and its lock file; then pyyaml's own
// tests with pytest in a sangam venv, reported in the package table. `make packages` and
// `make test-packages` do the same for every recipe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const BUILD = path.join(ROOT, 'bin/sangam-build');
const CACHE = process.env.SANGAM_CACHE ?? path.join(os.homedir(), '.cache/sangam');
const TAG = 'cp313-cp313-emscripten_3_1_69_wasm32';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-pkgset-'));
const out = path.join(tmp, 'packages');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', all: (r.stdout ?? '') + (r.stderr ?? '') };
}

test('every recipe reads: name, version, sha256, libraries, patches and platform skips with their reasons', { timeout: 120_000 }, () => {
  const r = run(BUILD, ['package-set', 'list']);
  assert.equal(r.status, 0, r.all);
  for (const name of fs.readdirSync(path.join(ROOT, 'packages')).filter((f) => f.endsWith('.toml'))) {
    assert.match(r.stdout, new RegExp(`^${name.slice(0, -5)} \\S+ libraries=`, 'm'));
  }
  assert.match(r.stdout, /^pyyaml 6\.0\.4 libraries=libyaml /m);
  assert.match(r.stdout, /^regex 2026\.9\.3 libraries=- patches=signatures\.patch skips=/m);
  const bad = run(BUILD, ['package-set', 'list', 'no-such-package']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /no recipe for no-such-package in \S+packages \(have: .*pyyaml/);
});

let wheel;
test('pyyaml builds against libyaml (built for wasm, found by pkg-config) into a wheel and a lock file', { timeout: 1_200_000 }, () => {
  const r = run(BUILD, ['package-set', 'build', 'pyyaml', '-o', out]);
  assert.equal(r.status, 0, r.all);
  wheel = path.join(out, `pyyaml-6.0.4-${TAG}.whl`);
  assert.ok(fs.existsSync(wheel), r.all);
  const lock = JSON.parse(fs.readFileSync(path.join(out, 'pyodide-lock.json'), 'utf8'));
  assert.equal(lock.packages.pyyaml.version, '6.0.4');
  assert.deepEqual(lock.packages.pyyaml.imports, ['_yaml', 'yaml']);
  assert.equal(lock.packages.pyyaml.package_type, 'package');

  // The library's prefix has its pkg-config file, which the cross environment's pkg-config reads.
  const prefix = fs.readdirSync(CACHE).filter((d) => d.startsWith('pkglib-libyaml-')).map((d) => path.join(CACHE, d))
    .find((d) => fs.existsSync(path.join(d, '.done')));
  assert.ok(prefix, 'libyaml is built in the cache');
  assert.ok(fs.existsSync(path.join(prefix, 'lib/libyaml.a')));
  const cross = fs.readdirSync(CACHE).filter((d) => /^buildtool-cross-[0-9a-f]+$/.test(d))
    .map((d) => path.join(CACHE, d, 'bin/pkg-config'))
    .filter((f) => fs.existsSync(f) && fs.readFileSync(f, 'utf8').includes('SANGAM_LIB_PREFIXES'));
  assert.ok(cross.length);
  const pc = run(cross[0], ['--cflags', '--libs', 'yaml-0.1'], { env: { ...process.env, SANGAM_LIB_PREFIXES: prefix } });
  assert.equal(pc.status, 0, pc.all);
  assert.equal(pc.stdout.trim(), `-I${prefix}/include -L${prefix}/lib -lyaml`);
});

test('pyyaml\'s own tests pass with pytest in a sangam venv, reported in the package table', { timeout: 1_800_000 }, () => {
  assert.ok(wheel, 'needs the pyyaml build');
  const work = path.join(tmp, 'work');
  const r = run(BUILD, ['package-set', 'test', 'pyyaml', '-o', out, '--work', work]);
  assert.equal(r.status, 0, r.all);
  assert.match(r.stdout, /^\| package +\| version +\| wheel +\| passed +\| failed +\| errors +\| skipped +\| platform skips +\| time +\| status +\|$/m);
  const [row] = JSON.parse(fs.readFileSync(path.join(work, 'results.json'), 'utf8'));
  assert.equal(row.package, 'pyyaml');
  assert.equal(row.status, 'ok');
  assert.ok(row.passed > 1000, JSON.stringify(row));
  assert.equal(row.failed, 0);
  assert.equal(row.errors, 0);
  assert.match(r.stdout, new RegExp(`^\\| pyyaml +\\| 6\\.0\\.4 +\\| \\d+ KiB +\\| ${row.passed} +\\| 0 +\\| 0 +\\|`, 'm'));
  // pytest's default fd capture works in the venv (it fstat()s unlinked temporary files).
  const t = fs.mkdtempSync(path.join(tmp, 'capture-'));
  fs.writeFileSync(path.join(t, 'test_capture.py'), [
    'import os', '', 'def test_fd(capfd):', '    print("hello")', '    os.write(1, b"raw\\n")',
    '    assert capfd.readouterr().out == "hello\\nraw\\n"', '',
  ].join('\n'));
  const c = run(path.join(work, 'venv/bin/pytest'), ['-q', 'test_capture.py'], { cwd: t, env: { ...process.env, PYTEST_ADDOPTS: '' } });
  assert.equal(c.status, 0, c.all);
  assert.match(c.stdout, /1 passed/);
});

test('split-tests: a wheel\'s tests folders become a NAME-tests wheel, both with valid RECORDs, and the lock file knows', { timeout: 120_000 }, () => {
  const d = fs.mkdtempSync(path.join(tmp, 'split-'));
  const py = String.raw`
import base64, hashlib, sys, zipfile
sys.path.insert(0, sys.argv[1])
from buildtool import wheelsplit
d = sys.argv[2]
w = f"{d}/demo_pkg-1.0-${TAG}.whl"
files = {"demo_pkg/__init__.py": "X = 1\n", "demo_pkg/tests/__init__.py": "", "demo_pkg/tests/test_a.py": "def test(): pass\n",
         "demo_pkg/sub/mod.py": "", "demo_pkg/sub/tests/data/x.txt": "data", "demo_pkg/testing.py": "",
         "demo_pkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n",
         "demo_pkg-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: ${TAG}\n",
         "demo_pkg-1.0.dist-info/RECORD": ""}
with zipfile.ZipFile(w, "w") as z:
    for n, t in files.items():
        z.writestr(n, t)
t = wheelsplit.split(w)
for path in (w, t):
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if not n.endswith("RECORD"))
        record = {l.split(",")[0]: l.split(",")[1] for l in z.read([n for n in z.namelist() if n.endswith("/RECORD")][0]).decode().split()}
        for n in names:
            assert record[n] == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(z.read(n)).digest()).rstrip(b"=").decode(), n
        print(str(path).rsplit("/", 1)[1], " ".join(names))
        if "_tests-" in str(path):
            print(z.read("demo_pkg_tests-1.0.dist-info/METADATA").decode())
print(wheelsplit.split(w))
`;
  const r = run('python3', ['-c', py, ROOT, d]);
  assert.equal(r.status, 0, r.all);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `demo_pkg-1.0-${TAG}.whl demo_pkg-1.0.dist-info/METADATA demo_pkg-1.0.dist-info/WHEEL demo_pkg/__init__.py demo_pkg/sub/mod.py demo_pkg/testing.py`);
  assert.equal(lines[1], `demo_pkg_tests-1.0-${TAG}.whl demo_pkg/sub/tests/data/x.txt demo_pkg/tests/__init__.py demo_pkg/tests/test_a.py demo_pkg_tests-1.0.dist-info/METADATA demo_pkg_tests-1.0.dist-info/WHEEL demo_pkg_tests-1.0.dist-info/top_level.txt`);
  assert.match(r.stdout, /^Name: demo-pkg-tests$/m);
  assert.match(r.stdout, /^Requires-Dist: demo-pkg==1\.0$/m);
  assert.match(r.stdout, /^None$/m, 'a wheel without tests is left alone');
  const l = run('node', [path.join(ROOT, 'bin/sangam-lock'), d]);
  assert.equal(l.status, 0, l.all);
  const lock = JSON.parse(fs.readFileSync(path.join(d, 'pyodide-lock.json'), 'utf8'));
  assert.equal(lock.packages['demo-pkg'].unvendored_tests, true);
  assert.deepEqual(lock.packages['demo-pkg'].imports, ['demo_pkg']);
  assert.deepEqual(lock.packages['demo-pkg-tests'].imports, []);
  assert.deepEqual(lock.packages['demo-pkg-tests'].depends, ['demo-pkg']);
});
