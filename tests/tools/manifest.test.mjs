// tools/: every download is checked against tools/sources.manifest; a file that differs stops the
// build with a message naming it and both hashes. (A tampered file in a private cache: no network.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

function fetchSource(cache, name) {
  return spawnSync('bash', ['-c', `source tools/lib.sh && fetch_source ${name}`],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SANGAM_CACHE: cache } });
}

function manifestLine(name) {
  const line = fs.readFileSync(path.join(ROOT, 'tools/sources.manifest'), 'utf8')
    .split('\n').find((l) => l.split(/\s+/)[0] === name);
  const [, , , , file, sha] = line.split(/\s+/);
  return { file, sha };
}

test('a download whose sha256 differs from the manifest stops the build', () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-cache-'));
  const { file, sha } = manifestLine('zlib');
  fs.mkdirSync(path.join(cache, 'downloads'));
  fs.writeFileSync(path.join(cache, 'downloads', file), 'not the real tarball');
  const r = fetchSource(cache, 'zlib');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, new RegExp(`sha256 mismatch for ${file.replace(/[.+]/g, '\\$&')}`));
  assert.match(r.stderr, new RegExp(`expected ${sha}`));
  assert.match(r.stderr, /got {6}[0-9a-f]{64}/);
  fs.rmSync(cache, { recursive: true });
});

test('every manifest entry is well formed', () => {
  const lines = fs.readFileSync(path.join(ROOT, 'tools/sources.manifest'), 'utf8')
    .split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  assert.ok(lines.length >= 8);
  for (const line of lines) {
    const [name, kind, suite, pkg, file, sha] = line.split(/\s+/);
    assert.ok(['src', 'deb'].includes(kind), line);
    assert.equal(suite, 'trixie', line);
    assert.ok(pkg && file, line);
    assert.match(sha, /^[0-9a-f]{64}$/, `${name}: sha256`);
  }
});

test('an unknown entry is a clear error', () => {
  const r = fetchSource(fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-cache-')), 'nonesuch');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no entry 'nonesuch' in .*sources\.manifest/);
});

// Cache entries are named by their inputs' contents only: a clone of the same sources in another
// folder (CI's, a worktree's) finds the entries a first clone built, and a changed input does not.
test('cache keys do not depend on where the repository or the cache lies', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-key-'));
  const key = (repo, cache, ...args) => {
    const r = spawnSync('bash', ['-c', `source "${repo}/tools/lib.sh" && input_key "$@"`, 'k', ...args],
      { encoding: 'utf8', env: { ...process.env, SANGAM_CACHE: cache } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const clone = path.join(tmp, 'elsewhere');
  fs.cpSync(path.join(ROOT, 'tools'), path.join(clone, 'tools'), { recursive: true });
  const [c1, c2] = [path.join(tmp, 'cache1'), path.join(tmp, 'cache2')];
  const here = key(ROOT, c1, path.join(ROOT, 'tools/build-libs.sh'), 'v1', `${c1}/libs-abc`);
  const there = key(clone, c2, path.join(clone, 'tools/build-libs.sh'), 'v1', `${c2}/libs-abc`);
  assert.match(here, /^[0-9a-f]{12}$/);
  assert.equal(there, here);
  fs.appendFileSync(path.join(clone, 'tools/build-libs.sh'), '\n# changed\n');
  assert.notEqual(key(clone, c2, path.join(clone, 'tools/build-libs.sh'), 'v1', `${c2}/libs-abc`), here);
  fs.rmSync(tmp, { recursive: true });
});
