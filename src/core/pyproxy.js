// PyProxy: JS objects standing for Python objects (pyproxy.c does the Python side of each
// operation). A PyProxy is a JS Proxy whose target carries the state: the PyObject pointer (one
// strong reference), its capability flags, and whether it was destroyed. Its class is chosen from
// the flags (PyProxies.classFor) and `instanceof` against the ffi classes tests the flags.
// Lifetimes: destroy() is the contract, a FinalizationRegistry the safety net; proxies lent to a
// JS function for one call ("borrowed") are destroyed when the call returns.
addToLibrary({
  $PyProxies__deps: ['$Handles', '$Errors', '$Convert', '$Flags', '$UTF8ToString', 'Py_IncRef',
    'Py_DecRef', 'sangam_pp_getattr', 'sangam_pp_setattr', 'sangam_pp_hasattr', 'sangam_pp_getitem',
    'sangam_pp_setitem', 'sangam_pp_contains', 'sangam_pp_length', 'sangam_pp_call',
    'sangam_pp_call1', 'sangam_pp_call1_number', 'sangam_number_slot',
    'sangam_pp_repr', 'sangam_pp_type', 'sangam_pp_iter', 'sangam_pp_aiter', 'sangam_pp_anext',
    'sangam_pp_send', 'sangam_pp_throw', 'sangam_pp_close', 'sangam_pp_then', 'sangam_pp_tojs',
    'sangam_pp_getbuffer', 'sangam_pp_buffer_release', 'sangam_py_str', 'sangam_py_tuple',
    'sangam_pyproxy_flags', 'sangam_pp_set_slice', 'sangam_pp_copy_within', '$PyJson', '$stackSave',
    '$stackRestore', '$stackAlloc'],
  $PyProxies__postset: 'Module["PyProxies"] = PyProxies; Module["Convert"] = Convert;',
  $PyProxies: {
    init() {
      const P = PyProxies;
      const STATE = Symbol('sangam.PyProxy');
      P.STATE = STATE;
      P.live = 0;
      P.borrowed = [];
      P.classes = new Map();
      // Proxy -> state, so telling a PyProxy from another value never runs a hostile object's
      // traps (a JS Proxy whose get trap throws, or lies about STATE).
      P.states = new WeakMap();
      P.registry = new FinalizationRegistry((ptr) => {
        P.live--;
        if (!Module.sangamDead) Errors.decref(ptr);
      });

      // ---- calling into C: dead runtime, too little JS stack (Errors.checkStack), fatal errors,
      // Python errors.
      const enter = (proxy) => {
        if (Module.sangamDead) throw Module.sangamDead;
        const s = proxy?.[STATE];
        if (!s) throw new TypeError('not a PyProxy');
        if (s.destroyed) throw new Error(s.destroyed);
        Errors.checkStack();
        return s;
      };
      P.enter = enter;
      // enter() for the Proxy's traps, which have its target (reading the state through the
      // proxy would run the get trap once more).
      const live = (s) => {
        if (Module.sangamDead) throw Module.sangamDead;
        if (s.destroyed) throw new Error(s.destroyed);
        Errors.checkStack();
        return s;
      };
      P.decref = (ptr) => _Py_DecRef(ptr);
      // Runs a C entry point; a trap or exit inside kills the runtime, a Python error throws.
      const c = (fn, ...args) => {
        let r;
        try {
          r = fn(...args);
        } catch (e) {
          throw Errors.fatal(e);
        }
        if (r === 0) Errors.throwPython();
        return r;
      };
      const cInt = (fn, ...args) => {
        let r;
        try {
          r = fn(...args);
        } catch (e) {
          throw Errors.fatal(e);
        }
        if (r < 0) Errors.throwPython();
        return r;
      };
      P.c = c;
      P.cInt = cInt;
      const take = (ref) => Handles.take(ref);
      const NUMBER = -1; // SANGAM_NUMBER in sangam.h: the result is in the number slot
      // A JS value as a new Python reference (for a C entry point that steals it).
      const toPy = (v) => {
        const p = Convert.toPy(v);
        if (!p) Errors.throwPython();
        return p;
      };
      const withHandle = (v, f) => {
        const ref = Handles.add(v);
        try {
          return f(ref);
        } finally {
          Handles.release(ref);
        }
      };
      const withName = (key, f) => {
        const [ptr, len] = Convert.utf8(key);
        return f(ptr, len);
      };
      const stackCall = (n, f) => {
        const sp = stackSave();
        try {
          return f(stackAlloc(n));
        } finally {
          stackRestore(sp);
        }
      };

      // ---- creating and destroying.
      // A new PyProxy owning one reference to ptr (the caller hands it over).
      P.wrap = (ptr, borrowed) => {
        const flags = _sangam_pyproxy_flags(ptr);
        const cls = P.classFor(flags);
        const s = { ptr, flags, destroyed: null, borrowed, proxy: null, target: null };
        const target = flags & Flags.PY_CALLABLE ? P.callableTarget(cls, s) : Object.create(cls.prototype);
        const proxy = new Proxy(target, P.handler);
        s.proxy = proxy;
        s.target = target;
        Object.defineProperty(target, STATE, { value: s, configurable: true });
        P.states.set(proxy, s);
        P.registry.register(proxy, ptr, s);
        P.live++;
        if (borrowed) P.borrowed.push(proxy);
        return proxy;
      };
      // A callable proxy's target is the call itself, so the Proxy is callable and `instanceof
      // Function` with no apply trap (which would cost an arguments array per call). A method:
      // it has no own `arguments` or `caller` and cannot be called with `new`; `length` and
      // `name` are deleted. A bound
      // proxy (bind()) or captureThis() goes through P.invoke.
      P.callableTarget = (cls, s) => {
        const f = {
          call(arg) {
            if (arguments.length === 1 && !s.captureThis && !s.bound) return P.call1(live(s), arg);
            return P.invoke(live(s), this, Array.prototype.slice.call(arguments), null);
          },
        }.call;
        // An own, non-configurable `prototype` as a function made by `function` has (so
        // `delete proxy.prototype` fails as on Pyodide); its value is Python's (the get trap).
        Object.defineProperty(f, 'prototype', { value: undefined, writable: true });
        delete f.length;
        delete f.name;
        Object.setPrototypeOf(f, cls.prototype);
        return f;
      };
      // Attribute values that are proxies (bound methods, ...) belong to the proxy they were read
      // from: one proxy per Python object, destroyed with it, so `l.append(4)` leaks nothing.
      P.cached = (s, value) => {
        const vs = value[STATE];
        s.cache ??= new Map();
        const old = s.cache.get(vs.ptr);
        if (old && !old[STATE].destroyed) {
          P.destroy(value);
          return old;
        }
        s.cache.set(vs.ptr, value);
        return value;
      };
      P.destroy = (proxy, message) => {
        const s = proxy[STATE];
        if (!s || s.destroyed) return;
        if (s.cache) {
          for (const child of s.cache.values()) P.destroy(child);
          s.cache = null;
        }
        // Pyodide's wording (code matches on it); in debug mode (pyodide.setDebug) which object.
        s.destroyed = (message ?? 'Object has already been destroyed') + '\n' + (Module.sangamDebug
          ? `The PyProxy was of a Python ${s.typeName ?? P.typeNameOf(s)}.`
          : 'For more information about the cause of this error, use `pyodide.setDebug(true)`');
        P.registry.unregister(s);
        P.live--;
        if (!Module.sangamDead) Errors.decref(s.ptr);
        s.ptr = 0;
      };
      // Destroys the borrowed proxies made since mark (argument proxies of a JS call that
      // returned), or those of `list` (of a call whose promise settled).
      P.releaseBorrowed = (mark, list = P.borrowed.splice(mark)) => {
        const when = mark < 0 ? 'its promise settled' : 'returned';
        for (const proxy of list) {
          const s = proxy[STATE];
          if (s.destroyed) continue;
          s.typeName = P.typeNameOf(s);
          P.destroy(proxy, 'This borrowed proxy was automatically destroyed at the end of a ' +
            'function call. Try using create_proxy or create_once_callable.' + (Module.sangamDebug
            ? ` (A PyProxy of a Python ${s.typeName}, destroyed when the JS function it was passed ` +
              `to ${when}; proxy.copy() in JS keeps it too.)` : ''));
        }
      };
      P.typeNameOf = (s) => {
        try {
          return take(c(_sangam_pp_type, s.ptr));
        } catch {
          return 'object';
        }
      };
      P.isPyProxy = (v) => P.states.has(v);
      // The PyObject a live PyProxy holds, 0 for other values; throws for a destroyed one.
      P.ptrOf = (v) => P.stateOf(v)?.ptr ?? 0;
      // The state of a live PyProxy, undefined for other values; throws for a destroyed one.
      P.stateOf = (v) => {
        const s = P.states.get(v);
        if (s?.destroyed) throw new Error(s.destroyed);
        return s;
      };

      // ---- the Proxy handler: Python attributes behind JS property access.
      // Properties of Function.prototype that a callable's proxy leaves to Python (a Python
      // object's `name` or `length` is its own): as in Pyodide, they are Python attributes.
      const PYTHON_FIRST = new Set(['name', 'length', 'caller', 'arguments', 'prototype']);
      const isOwn = (target, key) => typeof key === 'symbol' ||
        (key in target && !(typeof target === 'function' && PYTHON_FIRST.has(key)));
      const pyKey = (key) => (key.startsWith('$') ? key.slice(1) : key);
      const isIndex = (key) => /^(0|[1-9][0-9]*)$/.test(key);
      P.handler = {
        get(target, key) {
          if (isOwn(target, key)) return Reflect.get(target, key);
          const s = live(target[STATE]);
          if ((s.flags & Flags.PY_SEQUENCE) && isIndex(key)) return P.getItem(s, Number(key));
          const value = withName(pyKey(key), (ptr, len) => take(c(_sangam_pp_getattr, s.ptr, ptr, len)));
          return P.isPyProxy(value) ? P.cached(s, value) : value;
        },
        set(target, key, value) {
          if (typeof key === 'symbol' || (isOwn(target, key) && !key.startsWith('$'))) {
            return Reflect.set(target, key, value);
          }
          const s = live(target[STATE]);
          if ((s.flags & Flags.PY_SEQUENCE) && isIndex(key)) {
            withHandle(Number(key), (k) => withHandle(value, (v) => cInt(_sangam_pp_setitem, s.ptr, k, v)));
            return true;
          }
          withHandle(value, (ref) => withName(pyKey(key), (ptr, len) => cInt(_sangam_pp_setattr, s.ptr, ptr, len, ref)));
          return true;
        },
        has(target, key) {
          if (typeof key === 'symbol') return key in target;
          // (A function's own `prototype` must be `in` it: JS's invariant for Proxies.)
          if (isOwn(target, key) || key === 'prototype' && typeof target === 'function') return true;
          const s = live(target[STATE]);
          // (Array.prototype's methods ask whether each index is there.)
          if ((s.flags & Flags.PY_SEQUENCE) && (s.flags & Flags.PY_LENGTH) && isIndex(key)) {
            return Number(key) < cInt(_sangam_pp_length, s.ptr);
          }
          return withName(pyKey(key), (ptr, len) => cInt(_sangam_pp_hasattr, s.ptr, ptr, len)) === 1;
        },
        deleteProperty(target, key) {
          if (isOwn(target, key) || Object.hasOwn(target, key)) return Reflect.deleteProperty(target, key);
          const s = live(target[STATE]);
          withName(pyKey(key), (ptr, len) => cInt(_sangam_pp_setattr, s.ptr, ptr, len, 0));
          return true;
        },
        ownKeys(target) {
          const s = live(target[STATE]);
          const names = P.dir(s);
          return [...new Set([...names, ...Reflect.ownKeys(target)])];
        },
        getOwnPropertyDescriptor(target, key) {
          const own = Reflect.getOwnPropertyDescriptor(target, key);
          if (own || typeof key === 'symbol') return own;
          const s = live(target[STATE]);
          if (withName(key, (ptr, len) => cInt(_sangam_pp_hasattr, s.ptr, ptr, len)) !== 1) return undefined;
          return { value: P.handler.get(target, key), writable: true, enumerable: true, configurable: true };
        },
      };
      P.dir = (s) => {
        const ref = c(_sangam_pp_getattr, s.ptr, ...Convert.utf8('__dir__'));
        const dirFn = take(ref);
        let names;
        try {
          names = dirFn();
          return Array.from(names);
        } finally {
          names?.destroy?.();
          dirFn.destroy?.();
        }
      };

      // ---- operations shared by the classes.
      // Calls the object with args and (unless null) kwargs, an object of keyword arguments.
      // Written out without closures: this is the JS -> Python call's hot path.
      P.call = (s, args, kwargs) => {
        const names = kwargs === null ? null : Object.keys(kwargs);
        const nargs = args.length;
        const nkw = names === null ? 0 : names.length;
        const n = nargs + nkw;
        const sp = stackSave();
        const argv = stackAlloc(4 * (n + nkw) + 4) >> 2; // the values, then the keyword names
        let i = 0;
        let k = 0;
        let r;
        let called = false;
        try {
          for (; i < n; i++) {
            const p = Convert.toPy(i < nargs ? args[i] : kwargs[names[i - nargs]]);
            if (!p) Errors.throwPython();
            HEAP32[argv + i] = p;
          }
          let kwnames = 0;
          if (nkw) {
            for (; k < nkw; k++) {
              const p = Convert.str(names[k]);
              if (!p) Errors.throwPython();
              HEAP32[argv + n + k] = p;
            }
            k = 0; // (the tuple owns the names, even when it fails)
            kwnames = _sangam_py_tuple((argv + n) << 2, nkw);
            if (!kwnames) Errors.throwPython();
          }
          called = true; // (the call owns the arguments from here)
          r = _sangam_pp_call(s.ptr, argv << 2, nargs, kwnames);
        } catch (e) {
          if (!called) {
            for (let j = 0; j < i; j++) _Py_DecRef(HEAP32[argv + j]);
            for (let j = 0; j < k; j++) _Py_DecRef(HEAP32[argv + n + j]);
          }
          throw Errors.fatal(e);
        } finally {
          stackRestore(sp);
        }
        if (r === 0) Errors.throwPython();
        return Handles.take(r);
      };
      // A call with JS's `this`: a bound proxy (bind()) has its own `this` (the first bound
      // one, as for JS functions) and leading arguments; captureThis() passes `this` first.
      P.invoke = (s, thisArg, args, kwargs) => {
        const b = s.bound;
        const self = b ? b.thisArg : thisArg;
        const all = b ? [...b.args, ...args] : args;
        return P.call(s, s.captureThis ? [self, ...all] : all, kwargs);
      };
      // P.call with one positional argument, the commonest call from JS: no arguments array
      // in wasm memory, and a number result comes back without the handle table.
      P.call1 = (s, arg) => {
        const slot = P.numberSlot || (P.numberSlot = _sangam_number_slot());
        let r;
        try {
          if (typeof arg === 'number') {
            r = _sangam_pp_call1_number(s.ptr, arg, slot);
          } else {
            const p = Convert.toPy(arg);
            if (!p) Errors.throwPython();
            r = _sangam_pp_call1(s.ptr, p, slot); // (it owns p)
          }
        } catch (e) {
          throw Errors.fatal(e);
        }
        if (r === NUMBER) return HEAPF64[slot >> 3];
        if (r === 0) Errors.throwPython();
        return Handles.take(r);
      };
      // pyodide.code.relaxed_call(f, *args, **kwargs).
      P.callRelaxed = (f, args, kwargs) => {
        const code = take(c(Module._sangam_pyimport, Convert.utf8('pyodide.code')[0]));
        try {
          return P.call(enter(code.relaxed_call), [f, ...args], kwargs);
        } finally {
          code.destroy();
        }
      };
      P.getItem = (s, key) => withHandle(key, (ref) => take(c(_sangam_pp_getitem, s.ptr, ref)));
      // iter(obj) is taken at once, so an __iter__ that raises throws from [Symbol.iterator]()
      // (as in Pyodide); the generator then steps it.
      P.iterate = (s) => P.stepping(take(c(_sangam_pp_iter, s.ptr)));
      P.stepping = function* (it) {
        try {
          for (;;) {
            const r = it.next();
            if (r.done) return;
            yield r.value;
          }
        } finally {
          it.destroy();
        }
      };
      P.send = (s, value, how) => stackCall(4, (done) => {
        let ref;
        if (how === 'throw') ref = withHandle(value, (v) => c(_sangam_pp_throw, s.ptr, v, done));
        else if (how === 'return') {
          cInt(_sangam_pp_close, s.ptr);
          return { done: true, value };
        } else ref = withHandle(value, (v) => c(_sangam_pp_send, s.ptr, v, done));
        const result = take(ref);
        return { done: HEAP32[done >> 2] === 1, value: result };
      });
      // A JS promise settled by the Python awaitable (run as a task on the event loop).
      P.promise = (s) => new Promise((resolve, reject) => {
        cInt(_sangam_pp_then, s.ptr, Handles.add(resolve), Handles.add(reject));
      });

      // ---- the classes: one method set per capability, combined per flags.
      const F = Flags;
      const jsonView = PyJson.init(P, Flags);
      class PyProxy {
        static [Symbol.hasInstance](v) { return P.isPyProxy(v); }
        get [Symbol.toStringTag]() { return 'PyProxy'; }
        get type() { return take(c(_sangam_pp_type, enter(this).ptr)); }
        toString() { return take(c(_sangam_pp_repr, enter(this).ptr, 1)); }
        destroy(options = {}) {
          const s = this[STATE];
          if (!s.destroyed) {
            s.typeName = P.typeNameOf(s);
            P.destroy(this, options.message);
          }
        }
        copy() {
          const s = enter(this);
          _Py_IncRef(s.ptr);
          const p = P.wrap(s.ptr, false);
          // (A copy calls as the original does: captureThis() and bind() are kept.)
          const c = p[STATE];
          c.captureThis = s.captureThis;
          c.bound = s.bound;
          return p;
        }
        toJs({ depth = -1, pyproxies, create_pyproxies = true, createPyProxies, dict_converter,
          dictConverter, default_converter, defaultConverter } = {}) {
          const s = enter(this);
          const create = createPyProxies ?? create_pyproxies;
          const dictC = dictConverter ?? dict_converter;
          const defaultC = defaultConverter ?? default_converter;
          const proxies = pyproxies ? Handles.add(pyproxies) : 0;
          try {
            const conv = (f) => (f ? toPy(f) : 0);
            const dc = conv(dictC);
            let df = 0;
            try {
              df = conv(defaultC);
            } catch (e) {
              if (dc) _Py_DecRef(dc);
              throw e;
            }
            return take(c(_sangam_pp_tojs, s.ptr, depth, create === false ? 0 : 1, proxies, dc, df));
          } finally {
            Handles.release(proxies);
          }
        }
      }
      const methods = {};
      methods[F.PY_LENGTH] = {
        get length() { return cInt(_sangam_pp_length, enter(this).ptr); },
      };
      methods[F.PY_GET] = {
        get(key) { return P.getItem(enter(this), key); },
        asJsJson() { return jsonView(this); },
      };
      methods[F.PY_SET] = {
        set(key, value) {
          const s = enter(this);
          withHandle(key, (k) => withHandle(value, (v) => cInt(_sangam_pp_setitem, s.ptr, k, v)));
        },
        delete(key) {
          const s = enter(this);
          withHandle(key, (k) => cInt(_sangam_pp_setitem, s.ptr, k, 0));
        },
      };
      methods[F.PY_CONTAINS] = {
        has(key) {
          const s = enter(this);
          return withHandle(key, (k) => cInt(_sangam_pp_contains, s.ptr, k)) === 1;
        },
      };
      methods[F.PY_ITERABLE] = {
        [Symbol.iterator]() { return P.iterate(enter(this)); },
      };
      methods[F.PY_ITERATOR] = {
        [Symbol.iterator]() { return this; },
        next(value) { return P.send(enter(this), value, 'next'); },
      };
      methods[F.PY_GENERATOR] = {
        throw(error) { return P.send(enter(this), error, 'throw'); },
        return(value) { return P.send(enter(this), value, 'return'); },
      };
      methods[F.PY_ASYNC_ITERABLE] = {
        [Symbol.asyncIterator]() {
          const it = take(c(_sangam_pp_aiter, enter(this).ptr));
          return it;
        },
      };
      methods[F.PY_ASYNC_ITERATOR] = {
        [Symbol.asyncIterator]() { return this; },
        async next(value) {
          const step = take(c(_sangam_pp_anext, enter(this).ptr));
          try {
            return { done: false, value: await step };
          } catch (e) {
            if (e instanceof Module.PythonError && e.type === 'StopAsyncIteration') {
              return { done: true, value: undefined };
            }
            throw e;
          } finally {
            step.destroy?.();
          }
        },
      };
      methods[F.PY_ASYNC_GENERATOR] = {
        // next(value) sends the value in (asend), as a JS async generator's next does.
        async next(value) {
          if (value === undefined) return methods[F.PY_ASYNC_ITERATOR].next.call(this);
          const asend = this.asend;
          try {
            return { done: false, value: await asend(value) };
          } catch (e) {
            if (e instanceof Module.PythonError && e.type === 'StopAsyncIteration') {
              return { done: true, value: undefined };
            }
            throw e;
          } finally {
            asend.destroy();
          }
        },
        async throw(error) {
          const athrow = this.athrow;
          try { return { done: false, value: await athrow(error) }; } finally { athrow.destroy(); }
        },
        async return(value) {
          const aclose = this.aclose;
          try { await aclose(); } finally { aclose.destroy(); }
          return { done: true, value };
        },
      };
      methods[F.PY_AWAITABLE] = {
        then(onFulfilled, onRejected) { return P.promise(enter(this)).then(onFulfilled, onRejected); },
        catch(onRejected) { return P.promise(enter(this)).catch(onRejected); },
        finally(onFinally) { return P.promise(enter(this)).finally(onFinally); },
      };
      methods[F.PY_BUFFER] = {
        getBuffer(type) { return P.getBuffer(enter(this), type); },
      };
      // (create_proxy(f, capture_this=True): the `this` of a call is f's first argument.)
      methods[F.PY_CALLABLE] = {
        apply(thisArg, args) {
          const s = enter(this);
          return P.invoke(s, thisArg, Array.from(args ?? []), null);
        },
        call(thisArg, ...args) {
          return P.invoke(enter(this), thisArg, args, null);
        },
        callKwargs(...args) {
          if (!args.length) {
            throw new TypeError('callKwargs requires at least one argument (the key word argument object)');
          }
          const kwargs = args.pop();
          if (typeof kwargs !== 'object' || kwargs === null) {
            throw new TypeError('callKwargs: the last argument must be an object of keyword arguments');
          }
          return P.invoke(enter(this), undefined, args, kwargs);
        },
        // options: kwargs (the last argument is an object of keyword arguments), relaxed
        // (arguments the function does not take are dropped: pyodide.code.relaxed_call),
        // promising (a Promise of the result, or rejected with the error: Pyodide's JSPI calls;
        // with no stack switching here, the call runs to its end before the Promise settles).
        callWithOptions({ kwargs = false, relaxed = false, promising = false } = {}, ...args) {
          if (promising) {
            try {
              return Promise.resolve(this.callWithOptions({ kwargs, relaxed }, ...args));
            } catch (e) {
              return Promise.reject(e);
            }
          }
          const s = enter(this);
          let kw = null;
          if (kwargs) {
            kw = args.pop();
            if (typeof kw !== 'object' || kw === null) {
              throw new TypeError('callWithOptions: with kwargs, the last argument must be an object of keyword arguments');
            }
          }
          return relaxed ? P.callRelaxed(this, args, kw) : P.call(s, args, kw);
        },
        callRelaxed(...args) { return this.callWithOptions({ relaxed: true }, ...args); },
        callKwargsRelaxed(...args) { return this.callWithOptions({ relaxed: true, kwargs: true }, ...args); },
        callPromising(...args) { return this.callWithOptions({ promising: true }, ...args); },
        callPromisingKwargs(...args) { return this.callWithOptions({ promising: true, kwargs: true }, ...args); },
        // A new PyProxy of the function whose calls pass JS's `this` as the first argument.
        captureThis() {
          const p = this.copy();
          p[STATE].captureThis = true;
          return p;
        },
        // As a JS function's bind(): a new PyProxy (a copy) with `this` fixed (the first bind's
        // stays) and the arguments put first; it has captureThis(), bind() and destroy().
        bind(thisArg, ...args) {
          const s = enter(this);
          const p = this.copy();
          p[STATE].bound = s.bound ? { thisArg: s.bound.thisArg, args: [...s.bound.args, ...args] }
            : { thisArg, args };
          return p;
        },
      };
      // ---- a sequence is array-like to JS: Array.prototype's methods with JS semantics
      // (relative indices, callbacks getting (item, index, proxy)). Those that read run on the
      // proxy itself; those that write are slice assignments in Python (pyproxy_seq.c).
      methods[F.PY_SEQUENCE] = {
        concat(...args) {
          const out = Array.from(this);
          for (const a of args) {
            if (Array.isArray(a) || (P.isPyProxy(a) && (a[STATE].flags & F.PY_SEQUENCE))) out.push(...Array.from(a));
            else out.push(a);
          }
          return out;
        },
        toJSON() { return Array.from(this); },
      };
      for (const name of ['join', 'slice', 'indexOf', 'lastIndexOf', 'includes', 'forEach', 'map',
        'filter', 'some', 'every', 'reduce', 'reduceRight', 'find', 'findIndex', 'at', 'entries',
        'keys', 'values']) {
        methods[F.PY_SEQUENCE][name] = function (...args) {
          return Array.prototype[name].apply(this, args);
        };
      }
      // A relative index (start, end, ... of Array methods) clamped to 0..len.
      const relative = (v, len) => {
        const x = Math.trunc(Number(v)) || 0;
        return x < 0 ? Math.max(len + x, 0) : Math.min(x, len);
      };
      const setSlice = (proxy, start, stop, items) => {
        const s = enter(proxy);
        withHandle(items, (ref) => cInt(_sangam_pp_set_slice, s.ptr, start, stop, ref));
      };
      methods[F.PY_MUTABLE_SEQUENCE] = {
        splice(start, deleteCount, ...items) {
          const len = this.length;
          const from = relative(start, len);
          const count = arguments.length === 0 ? 0 : arguments.length === 1 ? len - from
            : Math.min(Math.max(Math.trunc(Number(deleteCount)) || 0, 0), len - from);
          const removed = Array.prototype.slice.call(this, from, from + count);
          setSlice(this, from, from + count, items);
          return removed;
        },
        fill(value, start = 0, end = undefined) {
          const len = this.length;
          const from = relative(start, len);
          const to = end === undefined ? len : relative(end, len);
          if (to > from) setSlice(this, from, to, new Array(to - from).fill(value));
          return this;
        },
        copyWithin(target, start = 0, end = undefined) {
          const len = this.length;
          const to = relative(target, len);
          const from = relative(start, len);
          const count = Math.min((end === undefined ? len : relative(end, len)) - from, len - to);
          if (count > 0) cInt(_sangam_pp_copy_within, enter(this).ptr, to, from, count);
          return this;
        },
        // JS's order (by default as strings, as Array.prototype.sort), written back in place.
        sort(compare) {
          const items = Array.from(this);
          try {
            items.sort(compare);
            setSlice(this, 0, items.length, items);
          } finally {
            for (const x of items) if (P.isPyProxy(x)) x.destroy();
          }
          return this;
        },
      };
      for (const [name, py] of [['push', 'append'], ['reverse', 'reverse']]) {
        methods[F.PY_MUTABLE_SEQUENCE][name] = function (...args) {
          const f = this['$' + py];
          try {
            if (name === 'push') for (const a of args) f(a);
            else f();
          } finally {
            f.destroy?.();
          }
          return name === 'push' ? this.length : this;
        };
      }
      methods[F.PY_MUTABLE_SEQUENCE].pop = function () {
        const f = this.$pop;
        try { return this.length ? f() : undefined; } finally { f.destroy?.(); }
      };
      methods[F.PY_MUTABLE_SEQUENCE].shift = function () {
        const f = this.$pop;
        try { return this.length ? f(0) : undefined; } finally { f.destroy?.(); }
      };
      methods[F.PY_MUTABLE_SEQUENCE].unshift = function (...args) {
        if (args.length) setSlice(this, 0, 0, args);
        return this.length;
      };
      P.functionBase = Object.create(Function.prototype, Object.getOwnPropertyDescriptors(PyProxy.prototype));
      P.classFor = (flags) => {
        let cls = P.classes.get(flags);
        if (cls) return cls;
        cls = class extends PyProxy {};
        // A callable's proxy is a Function too (`instanceof Function`, Function.prototype's
        // members), with PyProxy's members in front.
        if (flags & F.PY_CALLABLE) Object.setPrototypeOf(cls.prototype, P.functionBase);
        for (const [flag, set] of Object.entries(methods)) {
          if (flags & Number(flag)) {
            Object.defineProperties(cls.prototype, Object.getOwnPropertyDescriptors(set));
          }
        }
        P.classes.set(flags, cls);
        return cls;
      };
      // The public classes: instanceof tests capabilities.
      const kind = (flags, name) => {
        const cls = class extends PyProxy {
          static [Symbol.hasInstance](v) {
            return P.isPyProxy(v) && (P.states.get(v).flags & flags) === flags;
          }
        };
        Object.defineProperty(cls, 'name', { value: name });
        return cls;
      };
      P.ffi = {
        PyProxy,
        PyProxyWithLength: kind(F.PY_LENGTH, 'PyProxyWithLength'),
        PyProxyWithGet: kind(F.PY_GET, 'PyProxyWithGet'),
        PyProxyWithSet: kind(F.PY_SET, 'PyProxyWithSet'),
        PyProxyWithHas: kind(F.PY_CONTAINS, 'PyProxyWithHas'),
        PyDict: kind(F.PY_DICT, 'PyDict'),
        PyIterable: kind(F.PY_ITERABLE, 'PyIterable'),
        PyAsyncIterable: kind(F.PY_ASYNC_ITERABLE, 'PyAsyncIterable'),
        PyIterator: kind(F.PY_ITERATOR, 'PyIterator'),
        PyAsyncIterator: kind(F.PY_ASYNC_ITERATOR, 'PyAsyncIterator'),
        PyGenerator: kind(F.PY_GENERATOR, 'PyGenerator'),
        PyAsyncGenerator: kind(F.PY_ASYNC_GENERATOR, 'PyAsyncGenerator'),
        PyAwaitable: kind(F.PY_AWAITABLE, 'PyAwaitable'),
        PyCallable: kind(F.PY_CALLABLE, 'PyCallable'),
        PyBuffer: kind(F.PY_BUFFER, 'PyBuffer'),
        PySequence: kind(F.PY_SEQUENCE, 'PySequence'),
        PyMutableSequence: kind(F.PY_MUTABLE_SEQUENCE, 'PyMutableSequence'),
      };

      // ---- getBuffer: a zero-copy view of a Python buffer's memory.
      const ARRAYS = {
        b: Int8Array, B: Uint8Array, c: Uint8Array, '?': Uint8Array, h: Int16Array, H: Uint16Array,
        i: Int32Array, I: Uint32Array, l: Int32Array, L: Uint32Array, n: Int32Array, N: Uint32Array,
        q: BigInt64Array, Q: BigUint64Array, f: Float32Array, d: Float64Array,
      };
      class PyBufferView {
        constructor(fields) { Object.assign(this, fields); }
        release() {
          if (this._view) {
            _sangam_pp_buffer_release(this._view);
            this._view = 0;
            this.data = null;
          }
        }
      }
      P.PyBufferView = PyBufferView;
      P.ffi.PyBufferView = PyBufferView;
      // getBuffer(type)'s type names (Pyodide's), each a TypedArray or DataView.
      const TYPES = new Map([
        ['i8', Int8Array], ['u8', Uint8Array], ['u8clamped', Uint8ClampedArray],
        ['i16', Int16Array], ['u16', Uint16Array], ['i32', Int32Array], ['u32', Uint32Array],
        ['i64', BigInt64Array], ['u64', BigUint64Array], ['f32', Float32Array],
        ['f64', Float64Array], ['dataview', DataView],
      ]);
      P.getBuffer = (s, type) => {
        let T;
        if (type !== undefined && type !== null) {
          T = TYPES.get(type);
          if (T === undefined) throw new Error(`Unknown type ${type}`);
        }
        return stackCall(44, (out) => {
          cInt(_sangam_pp_getbuffer, s.ptr, out);
          const f = (i) => HEAP32[(out >> 2) + i];
          const [view, buf, len, readonly, itemsize, ndim, formatPtr, shapePtr, stridesPtr, cContig, fContig] =
            Array.from({ length: 11 }, (_, i) => f(i));
          try {
            const format = UTF8ToString(formatPtr);
            const order = format[0];
            const code = format.replace(/^[@=<>!]/, '');
            if (T === undefined) {
              if ((order === '>' || order === '!') && itemsize > 1) {
                throw new Error('JavaScript has no native support for big endian buffers. Pass an ' +
                  "explicit type argument: getBuffer('dataview') gives a DataView, which reads " +
                  'big endian data; toJs() converts the buffer to little endian.');
              }
              T = ARRAYS[code] ?? Uint8Array;
            }
            const size = T === DataView ? 1 : T.BYTES_PER_ELEMENT;
            const shape = [];
            const strides = [];
            for (let i = 0; i < ndim; i++) {
              shape.push(shapePtr ? HEAP32[(shapePtr >> 2) + i] : len / itemsize);
              strides.push(stridesPtr ? HEAP32[(stridesPtr >> 2) + i] : itemsize);
            }
            // The memory spans every element the strides reach, from the lowest address.
            let lo = 0;
            let hi = itemsize;
            for (let i = 0; i < ndim; i++) {
              const extent = (shape[i] - 1) * strides[i];
              if (extent < 0) lo += extent;
              else hi += extent;
            }
            if (len === 0) hi = lo;
            const nbytes = hi - lo;
            const start = buf + lo;
            if (nbytes !== 0 && (buf % size !== 0 || start % size !== 0 || (buf + hi) % size !== 0)) {
              throw new Error(`Buffer does not have valid alignment for a ${T.name}`);
            }
            // An empty buffer gets an empty array of its own (its address need not be aligned).
            const data = nbytes === 0 ? new T(new ArrayBuffer(0))
              : new T(HEAP8.buffer, start, T === DataView ? nbytes : nbytes / size);
            const result = new PyBufferView({
              offset: lo === 0 ? 0 : -lo / size, readonly: !!readonly, format, itemsize, ndim, nbytes,
              shape, strides: strides.map((x) => x / size), data, c_contiguous: !!cContig,
              f_contiguous: !!fContig, _view: view,
            });
            return result;
          } catch (e) {
            _sangam_pp_buffer_release(view);
            throw e;
          }
        });
      };
    },
  },

  // Called by C once the flags are defined (ffimodule.c): builds the classes.
  sangam_js_ffi_ready__deps: ['$PyProxies'],
  sangam_js_ffi_ready: () => PyProxies.init(),
  // C creates PyProxies through this (convert.c): borrowed ones are destroyed after the call.
  sangam_pyproxy_new__deps: ['$PyProxies'],
  sangam_pyproxy_new: (ptr, borrowed) => {
    try {
      _Py_IncRef(ptr);
      return Handles.add(PyProxies.wrap(ptr, !!borrowed));
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  // create_proxy's options: capture_this (JS's `this` becomes the first argument) and roundtrip
  // (back in Python the proxy is a JsDoubleProxy, not the object).
  sangam_js_pyproxy_options__deps: ['$PyProxies', '$Handles'],
  sangam_js_pyproxy_options: (ref, captureThis, roundtrip) => {
    const s = Handles.values[ref][PyProxies.STATE];
    s.captureThis = !!captureThis;
    s.roundtrip = !!roundtrip;
  },
  // The Python object a PyProxy holds (a new reference), for JsDoubleProxy.unwrap().
  sangam_js_pyproxy_object__deps: ['$PyProxies', '$Handles', '$Errors', 'Py_IncRef'],
  sangam_js_pyproxy_object: (ref) => {
    try {
      const ptr = PyProxies.ptrOf(Handles.values[ref]);
      _Py_IncRef(ptr);
      return ptr;
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  sangam_js_is_pyproxy__deps: ['$PyProxies', '$Handles'],
  sangam_js_is_pyproxy: (ref) => (PyProxies.isPyProxy(Handles.values[ref]) ? 1 : 0),
  sangam_proxies_mark__deps: ['$PyProxies'],
  sangam_proxies_mark: () => PyProxies.borrowed.length,
  sangam_proxies_release__deps: ['$PyProxies'],
  sangam_proxies_release: (mark) => PyProxies.releaseBorrowed(mark),
  // Settles a JS promise from Python (pyproxy.c's then): handles are consumed.
  sangam_js_settle__deps: ['$Handles'],
  sangam_js_settle: (resolve, reject, value, rejected) => {
    const v = Handles.take(value);
    const f = Handles.values[rejected ? reject : resolve];
    try {
      f(v);
    } catch (e) {
      if (Errors.isFatal(e)) throw e;
    }
  },
});
