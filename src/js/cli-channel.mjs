// The memory the command line's two threads share (cli.mjs, the terminal's; cli-worker.mjs,
// Python's): a SharedArrayBuffer holding a few Int32 slots and a byte area for one reply.
// Python blocks on STATE with Atomics.wait until the terminal's thread has a reply for it.

// Slot 0 is CPython's Emscripten signal buffer (Module.Py_EmscriptenSignalBuffer): writing 2
// there raises KeyboardInterrupt at Python's next check; Python clears it when it reads it.
export const SIGNAL = 0;
// 1 while a reply waits for Python; Python sets it back to 0 once it has copied the reply.
export const STATE = 1;
// What the reply is (REPLY), and how many bytes of it are in the byte area.
export const KIND = 2;
export const LENGTH = 3;
// 1 when the line goes on in a further reply (lines longer than the byte area).
export const MORE = 4;
// The terminal's size, kept current by the terminal's thread (os.get_terminal_size()).
export const ROWS = 5;
export const COLS = 6;

export const REPLY = {
  LINE: 1, // bytes of a line, with its newline
  EOF: 2, // end of input (Ctrl-D)
  INTERRUPT: 3, // Ctrl-C while reading: the read fails with EINTR, the signal slot holds 2
  COMPLETE: 4, // not for the read: complete the text in the byte area, then wait again
};

const HEADER = 64;
const DATA = 1 << 16;

export function createChannel() {
  return new SharedArrayBuffer(HEADER + DATA);
}

export function openChannel(sab) {
  return {
    ctl: new Int32Array(sab, 0, HEADER / 4),
    signal: new Int32Array(sab, 0, 1),
    data: new Uint8Array(sab, HEADER),
  };
}
