// JS glue for posix.c's counterpart in src/js/posix.mjs: Emscripten's errno table (name to
// number, generated from its libc headers), exported so that JS needs no copy of the numbers.
addToLibrary({
  $SangamErrno__deps: ['$ERRNO_CODES'],
  $SangamErrno: {},
  $SangamErrno__postset: 'Module["ERRNO_CODES"] = ERRNO_CODES;',

  // posix.c's sleep: waits up to ms milliseconds, at most 50 at a time, for a signal in the
  // interrupt buffer when Python looks at it (watch; whoever writes the buffer may not notify).
  // 1: a signal is pending; 0: the time passed, or part of it (the caller checks the clock);
  // -1: this thread may not block.
  sangam_js_wait_signal__sig: 'idi',
  sangam_js_wait_signal: (ms, watch) => {
    try {
      const buffer = watch ? Module.Py_EmscriptenSignalBuffer : null;
      const valid = buffer instanceof Int32Array;
      if (valid && Atomics.load(buffer, 0) !== 0) return 1;
      const shared = valid && buffer.buffer instanceof SharedArrayBuffer;
      const cell = shared ? buffer : (Module.sangamSleepCell ??= new Int32Array(new SharedArrayBuffer(4)));
      Atomics.wait(cell, 0, 0, Math.min(ms, 50));
      return valid && Atomics.load(buffer, 0) !== 0 ? 1 : 0;
    } catch {
      return -1;
    }
  },
});
