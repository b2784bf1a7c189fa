// The JS wheel reader (src/js/wheel-reader.mjs) against Python's zipfile on every pinned PyPI
// wheel: the same entries, modes, sizes and RECORD hashes, by Node's zlib/crypto and by the
// browser's DecompressionStream/crypto.subtle; broken archives are refused with a reason, and an
// archive the reader does not handle (ZIP64, bzip2) is left to zipfile.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { WHEELS, pinnedWheels } from './fixture.mjs';

// Imported twice: one module instance uses Node's modules, the other the browser's APIs.
const browser = await import(`../../src/js/wheel-reader.mjs?browser`);
const nodeReader = await import('../../src/js/wheel-reader.mjs');
await nodeReader.useNode();

const ZIPFILE_VIEW = `
import base64, hashlib, json, sys, zipfile
out = {}
for p in sys.argv[1:]:
    z = zipfile.ZipFile(p)
    rows = []
    for zi in z.infolist():
        b = z.read(zi)
        rows.append([zi.filename, zi.external_attr >> 16, len(b),
                     base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b"=").decode()])
    out[p] = [hashlib.sha256(open(p, "rb").read()).hexdigest(), rows]
print(json.dumps(out))`;

const read = (f) => new Uint8Array(fs.readFileSync(f));

test('every pinned wheel reads as zipfile reads it, in Node and with the browser APIs', async () => {
  const files = pinnedWheels().map((f) => path.join(WHEELS, f));
  const want = JSON.parse(execFileSync('python3', ['-c', ZIPFILE_VIEW, ...files], { maxBuffer: 1 << 28 }));
  for (const f of files) {
    const [sha256, rows] = want[f];
    for (const archive of [nodeReader.openWheelSync(read(f)), await browser.openWheel(read(f))]) {
      assert.equal(archive.error, '', f);
      assert.equal(archive.sha256, sha256, f);
      assert.deepEqual(JSON.parse(archive.listing), rows, f);
    }
  }
  const six = nodeReader.openWheelSync(read(path.join(WHEELS, pinnedWheels().find((n) => n.startsWith('six-')))));
  const i = JSON.parse(six.listing).findIndex(([name]) => name === 'six.py');
  assert.match(new TextDecoder().decode(six.read(i)), /^# Copyright/);
});

test('a broken archive is refused with a reason, its sha256 still given', async () => {
  const data = read(path.join(WHEELS, pinnedWheels().find((n) => n.startsWith('six-'))));
  const flipped = data.slice();
  for (let i = 300; i < 316; i++) flipped[i] ^= 0xff;
  const cases = [[data.subarray(0, data.length >> 1), /no end of central directory/],
    [data.subarray(0, 0), /no end of central directory/], [flipped, /six\.py: (bad deflate data|bad CRC-32)/]];
  for (const [bytes, reason] of cases) {
    for (const archive of [nodeReader.openWheelSync(bytes), await browser.openWheel(bytes)]) {
      assert.match(archive.error, reason);
      assert.equal(archive.listing, '[]');
      assert.match(archive.sha256, /^[0-9a-f]{64}$/);
    }
  }
  // A CRC that does not match data that inflates fine.
  const zip = execFileSync('python3', ['-c', `import io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z: z.writestr("a.py", "x = 1\\n")
sys.stdout.buffer.write(b.getvalue())`]);
  const badCrc = new Uint8Array(zip);
  const central = Buffer.from(badCrc).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  badCrc[central + 16] ^= 1;
  assert.match(nodeReader.openWheelSync(badCrc).error, /a\.py: bad CRC-32/);
  assert.match((await browser.openWheel(badCrc)).error, /a\.py: bad CRC-32/);
  // An end record that hides an entry of the directory.
  const hiding = new Uint8Array(zip);
  hiding[hiding.length - 22 + 8] = hiding[hiding.length - 22 + 10] = 0;
  assert.match(nodeReader.openWheelSync(hiding).error, /the central directory holds 1 entries, its end record says 0/);
});

test('what the reader does not handle is left to zipfile (undefined)', async () => {
  const bz = execFileSync('python3', ['-c', `import io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_BZIP2) as z: z.writestr("a.py", "x = 1\\n")
sys.stdout.buffer.write(b.getvalue())`]);
  assert.equal(nodeReader.openWheelSync(new Uint8Array(bz)), undefined);
  assert.equal(await browser.openWheel(new Uint8Array(bz)), undefined);
  assert.equal(browser.openWheelSync(new Uint8Array(bz)), undefined); // no Node modules: always
});
