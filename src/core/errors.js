// JS glue for errors.c: the JS errors that stand for Python exceptions, and the way every piece
// of glue turns a JS exception into a Python one (Errors.raise) or lets a fatal one through.
addToLibrary({
  $Errors: {
    // Values thrown for control flow (an async iterator that is done).
    STOP_ASYNC: { stopAsyncIteration: true },
    // A trap, abort() or exit() unwinding through JS: the runtime cannot go on, so it must not
    // be turned into a Python exception.
    isFatal: (e) => e instanceof WebAssembly.RuntimeError || e?.name === 'ExitStatus' ||
      e instanceof Module.FatalError,
    isStackOverflow: (e) => e instanceof RangeError && /call stack/i.test(e.message),
    // Sets the Python exception for JS exception e (called from glue that C called).
    raise(e) {
      if (Errors.isFatal(e)) throw e;
      if (e instanceof Module.PythonError && e.__pyExc) {
        _sangam_restore_error(e.__pyExc);
      } else if (PyProxies.isPyProxy(e)) {
        // A Python exception object thrown from JS is raised as itself.
        _sangam_raise_object(PyProxies.ptrOf(e));
      } else if (e === Errors.STOP_ASYNC) {
        _sangam_set_stop_async();
      } else {
        const text = Errors.text(e);
        // Making a JsException runs Python: with the JS stack nearly spent (a RangeError caught
        // near its end), a RecursionError is set instead, which needs almost none.
        if (Errors.isStackOverflow(e) && !Errors.headroom(Errors.HEADROOM)) {
          _sangam_set_stack_overflow();
        } else {
          _sangam_set_js_error_text(Handles.add(e), Handles.add(text));
        }
      }
    },
    // str() of the JsException for a JS value thrown: "name: message".
    text(e) {
      try {
        return e instanceof Error ? `${e.name}: ${e.message}` : `Error: ${String(e)}`;
      } catch {
        return Object.prototype.toString.call(e);
      }
    },
    // Whether n more (small) JS frames fit on the stack.
    HEADROOM: 2000,
    headroom(n) {
      try {
        return n === 0 || Errors.headroom(n - 1);
      } catch {
        return false;
      }
    },
    // The error to throw for exception e that came out of wasm: a fatal one puts the runtime in
    // the dead state (every later call throws the same FatalError); others are returned as is,
    // unless `always` (e cut C off mid-way, whatever it is).
    fatal(e, always = false) {
      if (!always && !(Errors.isFatal(e) || Errors.isStackOverflow(e))) return e;
      if (Module.sangamDead) return Module.sangamDead;
      let reason;
      if (e?.name === 'ExitStatus') reason = `Python exited (status ${e.status})`;
      else if (e instanceof WebAssembly.RuntimeError) reason = `a fatal error in wasm: ${e.message}`;
      else if (e instanceof RangeError) reason = `the JS stack ran out inside Python: ${e.message}`;
      else if (e instanceof Module.FatalError) reason = e.message;
      else reason = `an unexpected error inside the runtime: ${e?.stack ?? e}`;
      const err = new Module.FatalError(`sangam: the runtime is no longer usable: ${reason}`);
      err.cause = e;
      Module.sangamDead = err;
      return err;
    },
    // The Python exception that a C entry point left set, as a JS error (clears it).
    takePython: () => Handles.take(_sangam_error_to_js()),
    throwPython() {
      throw Errors.takePython();
    },
  },
  // (Objects such as registries are made here: Emscripten serializes the library object as
  // source, which keeps functions but not instances.) PythonErrors hold their Python exception
  // until JS forgets them.
  $Errors__postset: `Module["Errors"] = Errors;
    Errors.registry = new FinalizationRegistry((ptr) => {
      if (!Module.sangamDead) _Py_DecRef(ptr);
    });`,
  $Errors__deps: ['$Handles', 'sangam_restore_error', 'sangam_raise_object', 'sangam_set_stop_async',
    'sangam_set_stack_overflow', 'sangam_set_js_error_text', 'sangam_error_to_js', 'Py_DecRef'],

  // For C: sets the Python exception standing for a JS value (consumes the handle).
  sangam_set_js_error__deps: ['$Errors'],
  sangam_set_js_error: (ref) => Errors.raise(Handles.take(ref)),

  sangam_h_python_error: (type, message, exc) => {
    const err = new Module.PythonError(UTF8ToString(type), UTF8ToString(message));
    if (exc) {
      _Py_IncRef(exc);
      Object.defineProperty(err, '__pyExc', { value: exc });
      Errors.registry.register(err, exc);
    }
    return Handles.add(err);
  },
  sangam_h_python_error__deps: ['$Errors', '$UTF8ToString', 'Py_IncRef'],
});
