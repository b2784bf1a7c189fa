// Adds V8's compilation hints (a "compilationHints" custom section, read under
// --experimental-wasm-compilation-hints) to a wasm module, in place: the exported functions named
// on the command line are compiled with the optimizing tier (TurboFan) while the module is
// compiled, every other function lazily on first call with the baseline tier (Liftoff), as V8
// does by default. So a long first activation of CPython's eval loop (a one-shot script) runs
// optimized code; V8 cannot replace a running wasm activation's code (bench/README.md).
//
//   node tools/wasm-hints.mjs FILE.wasm EXPORT...
//
// (V8 11's compile waits for such a function's optimized code, and so it does for the hint
// "baseline first, optimized compiled at once in the background": measured, bench/README.md.)
//
// The section holds one byte per function defined in the module (not imported), in order:
// bits 0-1 the strategy (1 lazy, 2 eager), bits 2-3 the first tier and bits 4-5 the top tier
// (0 V8's choice, 1 baseline, 2 optimized). V8 wants it after the function section and before
// the code section. A module that has the section already is rewritten with the new hints.
import fs from 'node:fs';

const LAZY = 0x01;
const EAGER_OPTIMIZED = 0x02 | (2 << 2) | (2 << 4);
const NAME = 'compilationHints';

function die(message) {
  process.stderr.write(`wasm-hints: ${message}\n`);
  process.exit(1);
}

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [value, at];
  }
}

function encodeLeb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function name(bytes, at) {
  const [n, start] = leb(bytes, at);
  return [new TextDecoder().decode(bytes.subarray(start, start + n)), start + n];
}

// The module's sections: {id, start (of the section's header), body, end, name (custom)}.
function sections(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    die('not a wasm module');
  }
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    let size;
    [size, at] = leb(bytes, at);
    const s = { id, start, body: at, end: at + size };
    if (id === 0) s.name = name(bytes, at)[0];
    out.push(s);
    at += size;
  }
  return out;
}

const [file, ...wanted] = process.argv.slice(2);
if (!file || wanted.length === 0) die('usage: node tools/wasm-hints.mjs FILE.wasm EXPORT...');
const bytes = fs.readFileSync(file);
const all = sections(bytes);
const kept = all.filter((s) => !(s.id === 0 && s.name === NAME));
const section = (id) => kept.find((s) => s.id === id) ?? die(`the module has no section ${id}`);

// Imported functions come first in the function index space.
let imported = 0;
{
  const imp = kept.find((s) => s.id === 2);
  if (imp) {
    let [n, at] = leb(bytes, imp.body);
    for (let i = 0; i < n; i++) {
      [, at] = name(bytes, at);
      [, at] = name(bytes, at);
      const kind = bytes[at++];
      if (kind === 0) { imported++; [, at] = leb(bytes, at); }
      else if (kind === 1) { at++; const flags = bytes[at++]; [, at] = leb(bytes, at); if (flags & 1) [, at] = leb(bytes, at); }
      else if (kind === 2) { const flags = bytes[at++]; [, at] = leb(bytes, at); if (flags & 1) [, at] = leb(bytes, at); }
      else if (kind === 3) { at += 2; }
      else if (kind === 4) { at++; [, at] = leb(bytes, at); }
      else die(`unknown import kind ${kind}`);
    }
  }
}
const [declared] = leb(bytes, section(3).body);
const exports = new Map();
{
  let [n, at] = leb(bytes, section(7).body);
  for (let i = 0; i < n; i++) {
    let field;
    [field, at] = name(bytes, at);
    const kind = bytes[at++];
    let index;
    [index, at] = leb(bytes, at);
    if (kind === 0) exports.set(field, index);
  }
}
const hints = new Uint8Array(declared).fill(LAZY);
for (const w of wanted) {
  const index = exports.get(w);
  if (index === undefined) die(`${file} exports no function ${w}`);
  if (index < imported) die(`${w} is an imported function`);
  hints[index - imported] = EAGER_OPTIMIZED;
}
const nameBytes = new TextEncoder().encode(NAME);
const body = [...encodeLeb(nameBytes.length), ...nameBytes, ...encodeLeb(declared)];
const custom = Buffer.concat([Buffer.from([0, ...encodeLeb(body.length + hints.length), ...body]), hints]);
const code = section(10);
const parts = [bytes.subarray(0, 8)];
for (const s of kept) {
  if (s === code) parts.push(custom);
  parts.push(bytes.subarray(s.start, s.end));
}
fs.writeFileSync(file, Buffer.concat(parts));
