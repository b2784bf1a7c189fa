// Standard streams: character devices that stand in for fds 0, 1 and 2, each forwarding whole
// buffers to a handler the user can replace at any time (setStdin/setStdout/setStderr).
// A stream reports itself as a terminal only when its handler says so (isatty).

const EIO = 29;
const EAGAIN = 6;
const EINTR = 27;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

// The termios a terminal reports: canonical mode with echo, as a fresh tty has it.
const TERMIOS = {
  c_iflag: 0o2400, c_oflag: 0o5, c_cflag: 0o277, c_lflag: 0o105073,
  c_cc: [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0],
};

function ttyFor(handler) {
  return {
    ops: {
      ioctl_tcgets: () => TERMIOS,
      ioctl_tcsets: () => 0,
      ioctl_tiocgwinsz: () => handler.winsize?.() ?? [24, 80],
    },
  };
}

// Output handler from Pyodide-style options: {batched}, {raw}, {write} and isatty.
export function makeOutput(options = {}) {
  const { batched, raw, write, isatty = false } = options;
  const given = [batched, raw, write].filter((f) => f !== undefined).length;
  if (given > 1) throw new TypeError('give only one of batched, raw or write');
  if (write) return { isatty, write: (bytes) => write(bytes), flush() {} };
  if (raw) {
    return { isatty, write(bytes) { for (const b of bytes) raw(b); return bytes.length; }, flush() {} };
  }
  const emit = batched ?? (() => {});
  let pending = [];
  return {
    isatty,
    write(bytes) {
      let start = 0;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] !== 10) continue;
        pending.push(bytes.slice(start, i));
        emit(decoder.decode(concat(pending)));
        pending = [];
        start = i + 1;
      }
      if (start < bytes.length) pending.push(bytes.slice(start));
      return bytes.length;
    },
    // A partial last line is emitted when control returns to JS.
    flush() {
      if (pending.length) emit(decoder.decode(concat(pending)));
      pending = [];
    },
  };
}

// Input handler from Pyodide-style options: {stdin} (returns str, bytes, a byte, or null/undefined
// at end of input), {read(buffer)}, or {error: true}; isatty; autoEOF (default true).
// Each string is a line: a newline is added when it has none. With autoEOF, a chunk that does not
// end in a newline (binary data, in practice) is followed by an end of file, so read() returns.
export function makeInput(options = {}) {
  const { stdin, read, error, isatty = false, autoEOF = true } = options;
  if (error) return { isatty, read() { throw new Error('stdin is closed'); } };
  if (read) return { isatty, read: (buf) => read(buf) };
  let queue = new Uint8Array(0);
  let atEOF = false;
  return {
    isatty,
    read(buf) {
      if (!stdin) return 0;
      if (queue.length === 0) {
        if (atEOF) { atEOF = false; return 0; }
        let v = stdin();
        if (v === null || v === undefined) return 0;
        if (typeof v === 'number') v = new Uint8Array([v]);
        else if (typeof v === 'string') v = encoder.encode(v.endsWith('\n') ? v : v + '\n');
        else if (ArrayBuffer.isView(v)) v = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        else if (v instanceof ArrayBuffer) v = new Uint8Array(v);
        else throw new TypeError(`stdin() returned ${typeof v}; expected str, bytes, a number or null`);
        if (v.length === 0) return 0;
        queue = v;
        if (autoEOF && v[v.length - 1] !== 10) atEOF = true;
      }
      const n = Math.min(buf.length, queue.length);
      buf.set(queue.subarray(0, n));
      queue = queue.subarray(n);
      return n;
    },
  };
}

// A read(buffer) for Node's stdin, given node:fs (not imported here: this file also runs in
// browsers). Blocks like read(2); a non-blocking stdin that has nothing yet is waited on.
export function nodeStdinReader(fs) {
  return (buf) => {
    for (;;) {
      try {
        return fs.readSync(0, buf, 0, buf.length, null);
      } catch (e) {
        if (e.code === 'EOF') return 0;
        if (e.code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    }
  };
}

function concat(chunks) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

// Installs the three devices in Module's FS and reopens fds 0, 1, 2 on them. Returns an object
// whose handlers can be swapped later.
export function installStreams(Module, handlers) {
  const { FS } = Module;
  const names = ['stdin', 'stdout', 'stderr'];
  names.forEach((name, fd) => {
    const dev = FS.makedev(64, fd);
    FS.registerDevice(dev, {
      open(stream) {
        const h = handlers[name];
        stream.seekable = false;
        if (h.isatty) stream.tty = ttyFor(h);
      },
      close() { handlers[name].flush?.(); },
      fsync() { handlers[name].flush?.(); },
      read(stream, buffer, offset, length) {
        let n;
        try {
          n = handlers[name].read(buffer.subarray(offset, offset + length));
        } catch (e) {
          if (e?.code === 'EAGAIN') throw new FS.ErrnoError(EAGAIN);
          // A read cut short by a signal (Ctrl-C at the command line): Python then runs the
          // signal's handler, as after read(2) fails with EINTR.
          if (e?.code === 'EINTR') throw new FS.ErrnoError(EINTR);
          throw new FS.ErrnoError(EIO);
        }
        if (n > 0) stream.node.atime = Date.now();
        return n;
      },
      write(stream, buffer, offset, length) {
        let n;
        try {
          n = handlers[name].write(buffer.subarray(offset, offset + length));
        } catch (e) {
          throw new FS.ErrnoError(EIO);
        }
        if (length) stream.node.mtime = Date.now();
        return n ?? length;
      },
    });
    const path = `/dev/${name}`;
    try { FS.unlink(path); } catch {}
    FS.mkdev(path, dev);
    const old = FS.getStream(fd);
    if (old) FS.close(old);
    const stream = FS.open(path, fd === 0 ? 0 : 1);
    if (stream.fd !== fd) throw new Error(`sangam: could not reopen fd ${fd}`);
  });
  return {
    set(name, handler) {
      handlers[name].flush?.();
      handlers[name] = handler;
      // isatty is read when a stream is opened: re-read it for the open one.
      const stream = FS.getStream(names.indexOf(name));
      if (stream) stream.tty = handler.isatty ? ttyFor(handler) : undefined;
    },
    flush() { handlers.stdout.flush?.(); handlers.stderr.flush?.(); },
  };
}
