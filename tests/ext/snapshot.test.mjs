// A memory snapshot holding imported extension modules (C and C++ side modules): a runtime
// restored from it has them loaded, with their state, and they run; more load after it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPyodide } from '../../dist/sangam.mjs';
import { buildSideModule, SUFFIX } from './side-module.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const HERE = new URL('.', import.meta.url).pathname;
const SITE = '/lib/python3.13/site-packages';
const quiet = { stdout: () => {}, stderr: () => {} };

const build = (dir, name, source, compiler) => fs.readFileSync(buildSideModule(dir, name, source, compiler));

let libs;
let snapshot;
before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-snap-ext-'));
  libs = { spam: build(dir, 'spam', 'spam.c'), cppext: build(dir, 'cppext', 'cppext.cpp', 'em++') };
  const py = await loadPyodide({ ...quiet, _loadSnapshot: false });
  py.FS.writeFile(`${SITE}/spam${SUFFIX}`, libs.spam);
  py.FS.writeFile(`${SITE}/cppext${SUFFIX}`, libs.cppext);
  py.runPython(`
import spam, cppext
sorted_before = spam.sorted_longs([3, 1, 2])
sort = spam.sorted_longs          # a builtin function object of the side module, kept
parse = cppext.parse
assert cppext.parse("5") == 5
`);
  snapshot = py.makeMemorySnapshot();
}, { timeout: 300_000 });

test('a restored runtime has the extension modules loaded and they run', async () => {
  const py = await loadPyodide({ ...quiet, _loadSnapshot: snapshot });
  assert.equal(py._fromSnapshot, true);
  assert.equal(py.runPython('repr(sorted_before)'), '[1, 2, 3]');
  assert.equal(py.runPython('repr(sort([5, -1, 3, 2**40]))'), '[-1, 3, 5, 1099511627776]');
  assert.equal(py.runPython('repr(spam.sorted_longs([9, 8]))'), '[8, 9]');
  assert.match(py.runPython(`
try:
    spam.fail()
except ValueError as e:
    r = str(e)
r`), /on purpose/);
  // C++ exceptions thrown and caught inside the side module.
  assert.equal(py.runPython('parse("42")'), 42);
  assert.match(py.runPython(`
try:
    cppext.parse("abc")
except ValueError as e:
    r = str(e)
r`), /invalid_argument: abc/);
  assert.equal(py.runPython('repr(cppext.word_counts("b a b"))'), "[('a', 1), ('b', 2)]");
  // Re-importing finds the loaded modules; nothing is instantiated twice.
  assert.equal(py.runPython('import sys; del sys.modules["spam"]; import spam; spam.sorted_longs([2, 1])[0]'), 1);
  assert.equal(py._module.SangamDynload.stats.instantiated, 2);
});

test('more extension modules load after a restore, and a restored runtime snapshots again', async () => {
  const py = await loadPyodide({ ...quiet, _loadSnapshot: snapshot });
  py.FS.writeFile('/home/pyodide/spam2.py', 'from spam import *\n');
  // Another copy of the side module under a new name is a new dlopen after the restore.
  py.FS.writeFile(`/home/pyodide/cppext_copy${SUFFIX}`, libs.cppext);
  assert.match(py.runPython(`
try:
    import cppext_copy
except ImportError as e:
    r = str(e)
r`), /PyInit_cppext_copy/);
  const again = await loadPyodide({ ...quiet, _loadSnapshot: py.makeMemorySnapshot() });
  assert.equal(again.runPython('parse("7") + sort([4, 3])[0]'), 10);
  assert.equal(again.runPython('import spam2; spam2.sorted_longs([3, 2])[0]'), 2);
});

test('a restored runtime with extension modules passes the extension checks', async () => {
  const py = await loadPyodide({ ...quiet, _loadSnapshot: snapshot });
  py.runPython(`
import unittest
class T(unittest.TestCase):
    def test_types(self):
        with self.assertRaises(TypeError):
            spam.sorted_longs(["x"])
    def test_out_of_range(self):
        with self.assertRaisesRegex(ValueError, "out_of_range"):
            cppext.parse("99999999999999999999")
    def test_negative(self):
        with self.assertRaisesRegex(ValueError, "not a positive integer: -4"):
            cppext.parse("-4")
suite = unittest.defaultTestLoader.loadTestsFromTestCase(T)
result = unittest.TextTestRunner(stream=open('/dev/null', 'w')).run(suite)
`);
  assert.equal(py.runPython('result.testsRun'), 3);
  assert.equal(py.runPython('len(result.failures) + len(result.errors)'), 0);
});
