// JS glue for errors.c: the JS errors that stand for Python exceptions, and the way every piece
// of glue turns a JS exception into a Python one (Errors.raise) or lets a fatal one through.
addToLibrary({
  $Errors: {
    // Values thrown for control flow (an async iterator that is done).
    STOP_ASYNC: { stopAsyncIteration: true },
    // A JS generator that yielded when close() or aclose() asked it to return.
    IGNORED_RETURN: { ignoredReturn: true },
    // A trap, abort() or exit() unwinding through JS: the runtime cannot go on, so it must not
    // be turned into a Python exception.
    // (Both look at e without running its code: a thrown JS Proxy may have traps that throw.)
    isFatal: (e) => Errors.instanceOf(e, WebAssembly.RuntimeError) ||
      Errors.safely(() => e?.name === 'ExitStatus') || Errors.instanceOf(e, Module.FatalError),
    isStackOverflow: (e) => Errors.instanceOf(e, RangeError) && Errors.safely(() => /call stack/i.test(e.message)),
    // `v instanceof C` that always ends: a Proxy's getPrototypeOf trap can make the prototype
    // chain endless (V8's own instanceof then never returns) or throw; either is "no".
    instanceOf(v, C) {
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return false;
      const proto = C.prototype;
      try {
        for (let o = v, i = 0; i < 10000; i++) {
          o = Object.getPrototypeOf(o);
          if (o === proto) return true;
          if (o === null) return false;
        }
      } catch {}
      return false;
    },
    safely(f) {
      try {
        return f();
      } catch {
        return false;
      }
    },
    // The Python exception a PythonError made by sangam_h_python_error stands for, else 0 (a
    // WeakMap, not a property: a JS object lying about it cannot make C use a bad pointer).
    pyExcOf: (e) => Errors.pyExc.get(e) ?? 0,
    // A JS error for wasm memory that ran out in the glue (malloc returned 0): MemoryError in
    // Python, an Error saying so in JS.
    outOfMemory(what) {
      const err = new RangeError(`sangam: out of memory (wasm malloc failed ${what})`);
      Errors.oom.add(err);
      return err;
    },
    // A JS error that is builtins.<type>(message) in Python (an Error named type in JS).
    pyError(type, message) {
      const err = new Error(message);
      err.name = type;
      Errors.builtin.set(err, type);
      return err;
    },
    // Sets the Python exception for JS exception e (called from glue that C called).
    raise(e) {
      if (Errors.isFatal(e)) throw e;
      if (Errors.pyExcOf(e)) {
        _sangam_restore_error(Errors.pyExcOf(e));
      } else if (Errors.oom.has(e)) {
        _sangam_set_no_memory();
      } else if (Errors.builtin.has(e)) {
        const sp = stackSave();
        _sangam_set_builtin_error(stringToUTF8OnStack(Errors.builtin.get(e)), stringToUTF8OnStack(e.message));
        stackRestore(sp);
      } else if (PyProxies.isPyProxy(e) && !PyProxies.states.get(e).destroyed) {
        // A Python exception object thrown from JS is raised as itself.
        _sangam_raise_object(PyProxies.ptrOf(e));
      } else if (e === Errors.STOP_ASYNC) {
        _sangam_set_stop_async();
      } else if (e === Errors.IGNORED_RETURN) {
        _sangam_set_ignored_return();
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
    // str() of the JsException for a JS value thrown: "name: message". A thrown string is the
    // message; another value that is no Error is described in Pyodide's words (code matches on
    // them): its type and tag, and what `${value}` and value.toString() give.
    text(e) {
      try {
        if (Errors.instanceOf(e, Error)) return `${e.name}: ${e.message}`;
        if (typeof e === 'string') return `Error: ${e}`;
        const gives = (f, verb) => {
          try {
            return `${verb} """${f()}"""`;
          } catch {
            return 'fails';
          }
        };
        return `Error: A value of type ${typeof e} with tag ${Object.prototype.toString.call(e)} was ` +
          `thrown as an error!\nString interpolation of the thrown value ${gives(() => `${e}`, 'gives')}.` +
          `\nThe thrown value's toString method ${gives(() => e.toString(), 'returns')}.`;
      } catch {
        // (A revoked Proxy refuses even this.)
        return Errors.safely(() => Object.prototype.toString.call(e)) || 'Error: a JS value that cannot be described';
      }
    },
    // Entering wasm with the JS stack nearly spent is not safe: V8 checks the stack at the entry
    // of each wasm function, and a RangeError from there cuts C off mid-way (a reference taken,
    // a frame half pushed), which corrupts the runtime. So each entry from JS (a PyProxy
    // operation, runtime.call) first checks that a margin is left and throws the RangeError
    // itself while nothing is half done. The check is one call of Errors.probe (made in the
    // postset): it passes 4096 values, so V8 refuses to enter it unless 32 KiB of stack are
    // free, in every tier (optimized code reserves the frame it may deoptimize to).
    roomToEnter() {
      try {
        Errors.probe();
        return true;
      } catch {
        return false;
      }
    },
    checkStack() {
      if (!Errors.roomToEnter()) {
        throw new RangeError('Maximum call stack size exceeded (too little JS stack left to call into Python)');
      }
      if (Errors.deferred.length) Errors.releaseDeferred();
    },
    // Py_DecRef from JS (a PyProxy destroyed, a JS error collected): with too little stack left
    // to enter wasm, the release waits for the next entry that has room.
    decref(ptr) {
      if (Errors.roomToEnter()) _Py_DecRef(ptr);
      else Errors.deferred.push(ptr);
    },
    releaseDeferred() {
      const list = Errors.deferred.splice(0);
      for (const ptr of list) _Py_DecRef(ptr);
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
      try {
        if (e?.name === 'ExitStatus') reason = `Python exited (status ${e.status})`;
        else if (e instanceof WebAssembly.RuntimeError) reason = `a fatal error in wasm: ${e.message}`;
        else if (e instanceof RangeError) reason = `the JS stack ran out inside Python: ${e.message}`;
        else if (e instanceof Module.FatalError) reason = e.message;
        else reason = `an unexpected error inside the runtime: ${e?.stack ?? e}`;
      } catch {
        reason = `an unexpected error inside the runtime: ${Object.prototype.toString.call(e)}`;
      }
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
  $Errors__postset: `Module["Errors"] = Errors; Errors.pyExc = new WeakMap(); Errors.oom = new WeakSet(); Errors.builtin = new WeakMap();
    Errors.deferred = [];
    Errors.registry = new FinalizationRegistry((ptr) => {
      if (!Module.sangamDead) Errors.decref(ptr);
    });
    Errors.sink = () => 0;
    Errors.probe = () => Errors.sink(${Array(4096).fill(0).join()});`,
  $Errors__deps: ['$Handles', 'sangam_restore_error', 'sangam_raise_object', 'sangam_set_stop_async',
    'sangam_set_ignored_return',
    'sangam_set_stack_overflow', 'sangam_set_js_error_text', 'sangam_error_to_js', 'Py_DecRef',
    'sangam_set_no_memory', 'sangam_set_builtin_error', '$stackSave', '$stackRestore',
    '$stringToUTF8OnStack'],

  // For C: sets the Python exception standing for a JS value (consumes the handle).
  sangam_set_js_error__deps: ['$Errors'],
  sangam_set_js_error: (ref) => Errors.raise(Handles.take(ref)),

  sangam_h_python_error: (type, message, exc) => {
    const err = new Module.PythonError(UTF8ToString(type), UTF8ToString(message));
    if (exc) {
      _Py_IncRef(exc);
      Object.defineProperty(err, '__pyExc', { value: exc });
      Errors.pyExc.set(err, exc);
      Errors.registry.register(err, exc);
    }
    return Handles.add(err);
  },
  sangam_h_python_error__deps: ['$Errors', '$UTF8ToString', 'Py_IncRef'],
});
