// Checks the TypeScript declarations src/js/sangam.d.ts against the build and with tsc.
// They must parse, declare exactly the values dist/sangam.mjs exports and every public member of
// the loaded API, and type-check tests/js/dts-usage.ts (TypeScript from tools/test-deps.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sangam from '../../dist/sangam.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const DTS = path.join(REPO, 'src/js/sangam.d.ts');
const USAGE = path.join(HERE, 'dts-usage.ts');
// Installed by tools/test-deps.sh (npm ci in tests/js, pinned by package-lock.json).
const TSC = path.join(HERE, 'node_modules/typescript/bin/tsc');

// The declarations with comments removed and string literals emptied, so that the scans below
// see only code.
function code(text) {
  let out = '';
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      assert.ok(end > 0, 'unterminated /* comment');
      out += text.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      assert.equal(text[j], c, `unterminated string at offset ${i}`);
      out += c + c;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const SOURCE = code(fs.readFileSync(DTS, 'utf8'));

// The block's text between the braces that open at `open`.
function block(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`no closing brace for the block at offset ${open}`);
}

// Names exported as values (what an `import { name }` gets at run time) and as types only.
function exportedNames(text) {
  const values = new Set();
  const types = new Set();
  for (const m of text.matchAll(/\bexport\s+(?:declare\s+)?(?:const|let|var|function|class|enum|namespace)\s+([A-Za-z_$][\w$]*)/g)) {
    values.add(m[1]);
  }
  for (const m of text.matchAll(/\bexport\s+(?:declare\s+)?(?:interface|type)\s+([A-Za-z_$][\w$]*)/g)) types.add(m[1]);
  for (const m of text.matchAll(/\bexport\s+(type\s+)?\{([^}]*)\}/g)) {
    for (const item of m[2].split(',').map((s) => s.trim()).filter(Boolean)) {
      const spec = item.match(/^(type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?$/);
      assert.ok(spec, `cannot read export specifier "${item}"`);
      (m[1] || spec[1] ? types : values).add(spec[3] ?? spec[2]);
    }
  }
  return { values, types };
}

// The member names of `interface NAME { ... }`, nested types left out.
function interfaceMembers(text, name) {
  const m = new RegExp(`\\binterface\\s+${name}\\b[^{]*\\{`).exec(text);
  assert.ok(m, `no interface ${name}`);
  let body = block(text, m.index + m[0].length - 1);
  for (const re of [/\{[^{}]*\}/g, /\([^()]*\)/g, /<[^<>]*>/g]) {
    for (let prev; prev !== body;) {
      prev = body;
      body = body.replace(re, (s) => s[0] + s[s.length - 1]);
    }
  }
  const names = new Set();
  for (const member of body.split(';')) {
    const mm = member.match(/^\s*(?:readonly\s+)?(?:get\s+|set\s+)?([A-Za-z_$][\w$]*)\s*\??\s*[(:<]/);
    if (mm) names.add(mm[1]);
  }
  return names;
}

test('the declarations parse: brackets balance, nothing is left unterminated', () => {
  const stack = [];
  const pairs = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < SOURCE.length; i++) {
    const c = SOURCE[i];
    if ('([{'.includes(c)) stack.push([c, i]);
    else if (c in pairs) {
      const line = SOURCE.slice(0, i).split('\n').length;
      assert.ok(stack.length, `unmatched "${c}" on line ${line}`);
      assert.equal(stack.pop()[0], pairs[c], `mismatched "${c}" on line ${line}`);
    }
  }
  assert.deepEqual(stack, [], 'unclosed brackets');
  assert.match(fs.readFileSync(DTS, 'utf8'), /^\/\/ /, 'the first line states the purpose');
});

test('every value dist/sangam.mjs exports is declared, and nothing else', () => {
  const { values } = exportedNames(SOURCE);
  const runtime = Object.keys(sangam).sort();
  assert.deepEqual([...values].sort(), runtime);
});

test('the proxy classes and Pyodide type names are exported as types', () => {
  const { types } = exportedNames(SOURCE);
  const wanted = [
    'PyProxy', 'PyProxyWithLength', 'PyProxyWithGet', 'PyProxyWithSet', 'PyProxyWithHas', 'PyDict',
    'PyIterable', 'PyAsyncIterable', 'PyIterator', 'PyAsyncIterator', 'PyGenerator', 'PyAsyncGenerator',
    'PyAwaitable', 'PyCallable', 'PyBuffer', 'PyBufferView', 'PySequence', 'PyMutableSequence',
    'SangamAPI', 'SangamConfig', 'PyodideAPI', 'PyodideInterface', 'PyodideConfig', 'TypedArray',
  ];
  assert.deepEqual(wanted.filter((n) => !types.has(n)), []);
  const ffi = interfaceMembers(SOURCE, 'FFI');
  assert.deepEqual(wanted.slice(0, 18).concat('PythonError').filter((n) => !ffi.has(n)), []);
});

test('every public member of the loaded API object is declared in SangamAPI', async (t) => {
  const py = await sangam.loadSangam({ stdout: () => {}, stderr: () => {} });
  const members = Object.keys(py).filter((k) => !k.startsWith('_'));
  const declared = interfaceMembers(SOURCE, 'SangamAPI');
  assert.deepEqual(members.filter((k) => !declared.has(k)), [], 'members of the API missing from SangamAPI');
  // Declared ahead of the implementation (the FFI is being written): reported, not a failure.
  const ahead = [...declared].filter((k) => !(k in py));
  if (ahead.length) t.diagnostic(`declared, not in this build yet: ${ahead.join(', ')}`);
});

test('tsc type-checks the declarations and tests/js/dts-usage.ts', () => {
  assert.ok(fs.existsSync(TSC), `TypeScript is not installed in ${path.relative(REPO, HERE)}/node_modules: run tools/test-deps.sh`);
  const res = spawnSync(process.execPath, [
    TSC, '--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext',
    '--moduleResolution', 'bundler', '--lib', 'es2022', DTS, USAGE,
  ], { encoding: 'utf8', cwd: REPO });
  assert.equal(res.error, undefined);
  assert.equal(res.status, 0, `tsc failed:\n${res.stdout}${res.stderr}`);
});
