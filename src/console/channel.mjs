// The console's shared memory, made by the page and handed to its worker: the interrupt byte that
// setInterruptBuffer watches, and the mailbox through which a blocking input() in the worker
// waits (Atomics.wait) for the line the page's terminal reads. Both need a cross-origin isolated
// page (SharedArrayBuffer); without one the page restarts the worker on Ctrl-C and input() fails.
export const STDIN_BYTES = 1 << 16;
// ctl[0]: what the mailbox holds; ctl[1]: the line's length in bytes.
export const EMPTY = 0, LINE = 1, INTERRUPTED = 2, END = 3;

export function makeChannel() {
  if (!self.crossOriginIsolated) return null;
  return { interrupt: new Uint8Array(new SharedArrayBuffer(1)),
    stdin: new SharedArrayBuffer(8 + STDIN_BYTES) };
}

// The page's side: hands the worker a line (or an interruption, or the end of input).
export function answer(stdin, kind, line = '') {
  const ctl = new Int32Array(stdin, 0, 2);
  let bytes = new TextEncoder().encode(line);
  if (bytes.length > STDIN_BYTES) bytes = bytes.slice(0, STDIN_BYTES);
  new Uint8Array(stdin, 8).set(bytes);
  ctl[1] = bytes.length;
  Atomics.store(ctl, 0, kind);
  Atomics.notify(ctl, 0);
}

// The worker's side: blocks until the page answers; returns the line, undefined (None in Python)
// when interrupted, or '' at the end of input.
export function waitForLine(stdin) {
  const ctl = new Int32Array(stdin, 0, 2);
  Atomics.wait(ctl, 0, EMPTY);
  const kind = Atomics.load(ctl, 0);
  const line = new TextDecoder().decode(new Uint8Array(stdin, 8, ctl[1]).slice());
  Atomics.store(ctl, 0, EMPTY);
  if (kind === INTERRUPTED) return undefined;
  return kind === END ? '' : line;
}
