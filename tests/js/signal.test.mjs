// Interrupts from another thread (setInterruptBuffer, the command line's Ctrl-C): the runtime's
// reader of the interrupt buffer (src/js/runtime.mjs takeSignal, in place of CPython's, which
// read [0] and then wrote 0 and so lost a signal stored in between) and a stress run in which
// every one of hundreds of interrupts sent to a spinning eval loop arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { takeSignal } from '../../dist/runtime.mjs';

test('takeSignal takes a pending signal and clears it; a 0 is only read', () => {
  const i32 = new Int32Array(new SharedArrayBuffer(8));
  assert.equal(takeSignal(i32), 0);
  i32[0] = 2;
  i32[1] = 7;
  assert.equal(takeSignal(i32), 2);
  assert.deepEqual([...i32], [0, 7]);
  const u8 = new Uint8Array(new SharedArrayBuffer(1));
  u8[0] = 2;
  assert.equal(takeSignal(u8), 2);
  assert.equal(u8[0], 0);
  // Not an integer typed array: read and cleared all the same; nothing at all: no signal.
  const plain = [2];
  assert.equal(takeSignal(plain), 2);
  assert.deepEqual(plain, [0]);
  assert.equal(takeSignal(new Float64Array([2])), 2);
  assert.equal(takeSignal(null), 0);
  assert.equal(takeSignal(undefined), 0);
});

test('every interrupt sent to a spinning eval loop arrives (300 in a row)', { timeout: 300_000 }, async () => {
  const N = 300;
  // [0] the interrupt buffer; [1] how many times Python started spinning; [2] how many
  // KeyboardInterrupts it caught.
  const ctl = new Int32Array(new SharedArrayBuffer(12));
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    (async () => {
      const { loadPyodide } = await import(workerData.sangam);
      const py = await loadPyodide({ stdout: () => {} });
      const ctl = workerData.ctl;
      py.setInterruptBuffer(ctl.subarray(0, 1));
      const bump = (i) => () => { Atomics.add(ctl, i, 1); Atomics.notify(ctl, i); };
      py.registerJsModule('_sig', { spinning: bump(1), caught: bump(2) });
      py.runPython(\`
import _sig
n = 0
while n < \${workerData.n}:
    try:
        _sig.spinning()
        while True:
            pass
    except KeyboardInterrupt:
        n += 1
        _sig.caught()
\`);
    })().catch((e) => { console.error(e); process.exit(1); });
  `, { eval: true, workerData: { sangam: new URL('../../dist/sangam.mjs', import.meta.url).href, ctl, n: N } });
  const exited = new Promise((resolve) => worker.on('exit', resolve));
  const waitFor = async (slot, value, what) => {
    const deadline = Date.now() + 60_000;
    while (Atomics.load(ctl, slot) < value) {
      if (Date.now() > deadline) assert.fail(`${what} (interrupt ${value} of ${N})`);
      await Atomics.waitAsync(ctl, slot, Atomics.load(ctl, slot), 100).value;
    }
  };
  try {
    for (let k = 1; k <= N; k++) {
      await waitFor(1, k, 'Python did not start spinning');
      Atomics.store(ctl, 0, 2);
      await waitFor(2, k, 'an interrupt was lost: the loop went on spinning');
    }
    assert.equal(await exited, 0);
  } finally {
    await worker.terminate();
  }
});
