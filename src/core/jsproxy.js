// JS glue for jsproxy*.c: what each JsProxy operation does to the JS value. Every function here is
// called from C, catches every JS exception and turns it into a Python one (Errors.raise), then
// returns the C error value (0 or -1), so nothing unwinds through Python frames.
addToLibrary({
  $JsProxies__postset: 'JsProxies.ids = new WeakMap(); JsProxies.kept = new WeakMap(); JsProxies.names = [];',
  $JsProxies: {
    nextId: 1,
    MAX_PROTOTYPES: 10000,
    // An id per JS object, stable for its life (js_id, hash()).
    idOf(v) {
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return 0;
      let id = JsProxies.ids.get(v);
      if (id === undefined) {
        id = JsProxies.nextId++;
        JsProxies.ids.set(v, id);
      }
      return id;
    },
    // obj[key]'s value v as a new reference for C: 0 (no exception set) when the attribute is
    // missing; a function is proxied with obj as its `this`.
    attribute(obj, key, v) {
      if (v === undefined && !(key in obj)) return 0;
      if (typeof v === 'function') {
        return _sangam_jsproxy_new(Handles.add(v), Convert.flags(v), Handles.add(obj));
      }
      return Convert.toPy(v);
    },
    // An object that as_object_map(hereditary=True) and as_py_json() read as a mapping.
    isPlainish(v) {
      return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
        !Errors.instanceOf(v, ArrayBuffer) && !Errors.instanceOf(v, Error);
    },
    // A value read from an as_py_json() view: arrays and objects are views too.
    pyJson(v) {
      const F = Flags;
      if (Array.isArray(v)) return _sangam_jsproxy_new(Handles.add(v), Convert.flags(v) | F.JS_PY_JSON, 0);
      if (JsProxies.isPlainish(v)) {
        return _sangam_jsproxy_new(Handles.add(v), F.JS_OBJECT_MAP | F.JS_LENGTH | F.JS_MUTABLE_MAP | F.JS_MAP | F.JS_PY_JSON, 0);
      }
      return Convert.toPy(v);
    },
    // A length as C takes it (Py_ssize_t), with Python's errors for one out of range (as in
    // Pyodide: NaN is 0, a fraction is cut off).
    size(v) {
      let n;
      if (typeof v.size === 'number') n = v.size;
      else if (typeof v.length === 'number') n = v.length;
      else throw Errors.pyError('TypeError', 'object does not have a valid length');
      n = Math.trunc(n) || 0;
      if (n < 0) throw Errors.pyError('ValueError', `length ${n} of object is negative`);
      if (n > 0x7fffffff) throw Errors.pyError('OverflowError', `length ${n} of object is larger than Py_ssize_t allows (2147483647)`);
      return n;
    },
    // Settles the Python future with the outcome of a thenable, then releases the argument
    // proxies `kept` for it. Holds a reference to the future until then.
    settleLater(thenable, future, kept) {
      const settle = (value, rejected) => {
        if (Module.sangamDead) return;
        try {
          _sangam_future_settle(future, Handles.add(value), rejected);
        } finally {
          PyProxies.releaseBorrowed(-1, kept);
        }
      };
      _Py_IncRef(future);
      Promise.resolve(thenable).then((v) => settle(v, 0), (e) => settle(e, 1));
    },
    // A new future (the event loop's, a PyodideFuture under the web loop) settled by thenable.
    future(thenable, kept) {
      const future = _sangam_new_future();
      if (future) JsProxies.settleLater(thenable, future, kept);
      else PyProxies.releaseBorrowed(-1, kept);
      return future;
    },
    // Borrowed argument proxies that live as long as a JS generator needs them: those of the
    // call that made it and of each send(), released once it is done (or collected with it).
    keep(it, list) {
      if (!list.length) return;
      const kept = JsProxies.kept.get(it);
      if (kept) kept.push(...list);
      else JsProxies.kept.set(it, list);
    },
    finish(it) {
      const kept = JsProxies.kept.get(it);
      if (kept) {
        JsProxies.kept.delete(it);
        PyProxies.releaseBorrowed(-1, kept);
      }
    },
    isGenerator(v) {
      if (typeof v !== 'object' || v === null || PyProxies.isPyProxy(v)) return false;
      const tag = Errors.safely(() => v[Symbol.toStringTag]);
      return tag === 'Generator' || tag === 'AsyncGenerator';
    },
    // Operations of jsproxy.c's helper methods that have no JS method of their own.
    methods: {
      'sangam:pop': (a, i) => a.splice(i, 1)[0],
      'sangam:reversed': (a) => Array.from(a).reverse(),
      'sangam:count': (a, x) => a.filter((y) => y === x).length,
      'sangam:insert': (a, [i, x]) => { a.splice(i < 0 ? Math.max(0, a.length + i) : i, 0, x); },
      'sangam:keys': (m) => Array.from(typeof m.keys === 'function' ? m.keys() : m),
      'sangam:values': (m) => Array.from(m.values()),
      'sangam:items': (m) => Array.from(m.entries()),
      'sangam:clear': (m) => m.clear(),
      // The same for as_object_map() proxies, which look at own properties only.
      'sangam:okeys': (m) => Object.keys(m),
      'sangam:ovalues': (m) => Object.values(m),
      'sangam:oitems': (m) => Object.entries(m),
      'sangam:oclear': (m) => { for (const k of Object.keys(m)) delete m[k]; },
      'sangam:destroy_all': (a) => {
        for (const p of a) if (PyProxies.isPyProxy(p)) p.destroy();
      },
    },
  },
  $JsProxies__deps: ['$Handles', '$Errors', '$Convert', '$PyProxies', 'sangam_jsproxy_new',
    'sangam_future_settle', 'sangam_new_future', 'Py_IncRef'],

  sangam_js_global__deps: ['$Handles'],
  sangam_js_global: () => Handles.add(globalThis),
  // create_once_callable: a function that calls the PyProxy once, then destroys it.
  sangam_js_once_callable__deps: ['$PyProxies'],
  sangam_js_once_callable: (ref) => {
    const proxy = Handles.values[ref];
    let used = false;
    const once = (...args) => {
      if (used) throw new Error('OnceProxy can only be called once'); // (Pyodide's wording)
      used = true;
      try {
        return proxy(...args);
      } finally {
        proxy.destroy();
      }
    };
    once.destroy = () => {
      if (!used) {
        used = true;
        proxy.destroy();
      }
    };
    return Handles.add(once);
  },

  sangam_js_getattr__deps: ['$JsProxies', '$UTF8ToString'],
  sangam_js_getattr: (ref, name, len) => {
    try {
      const obj = Handles.values[ref];
      const key = UTF8ToString(name, len);
      const v = obj[key];
      return JsProxies.attribute(obj, key, v);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  // The hot path of sangam_js_getattr (jsproxy.c's name cache): the name is JsProxies.names[i],
  // made from name/len when missing (a runtime restored from a snapshot starts without them);
  // a number comes back in *slot (1: an int, 2: a float) for C to box.
  sangam_js_getattr_cached__deps: ['$JsProxies', '$UTF8ToString'],
  sangam_js_getattr_cached: (ref, i, name, len, slot) => {
    try {
      const obj = Handles.values[ref];
      const key = JsProxies.names[i] ?? (JsProxies.names[i] = UTF8ToString(name, len));
      const v = obj[key];
      if (typeof v === 'number') {
        HEAPF64[slot >> 3] = v;
        return Number.isSafeInteger(v) ? 1 : 2;
      }
      return JsProxies.attribute(obj, key, v);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  sangam_js_names_clear__deps: ['$JsProxies'],
  sangam_js_names_clear: () => {
    JsProxies.names.length = 0;
  },
  sangam_js_setattr__deps: ['$JsProxies', '$UTF8ToString'],
  sangam_js_setattr: (ref, name, len, value) => {
    try {
      const obj = Handles.values[ref];
      const key = UTF8ToString(name, len);
      if (value) obj[key] = Handles.values[value];
      else if (!delete obj[key]) throw new TypeError(`cannot delete property '${key}'`);
      return 0;
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  sangam_js_call__deps: ['$JsProxies', '$PyProxies'],
  sangam_js_call: (func, thisRef, argv, nargs, kwnames, nkw, mark, construct) => {
    try {
      const f = Handles.values[func];
      const args = new Array(nargs);
      for (let i = 0; i < nargs; i++) args[i] = Handles.values[HEAP32[(argv >> 2) + i]];
      if (nkw) {
        const kwargs = {};
        for (let i = 0; i < nkw; i++) {
          kwargs[Handles.values[HEAP32[(kwnames >> 2) + i]]] = Handles.values[HEAP32[(argv >> 2) + nargs + i]];
        }
        args.push(kwargs);
      }
      let result;
      if (construct) result = Reflect.construct(f, args);
      else result = Reflect.apply(f, thisRef ? Handles.values[thisRef] : undefined, args);
      // (A result whose `then` or toStringTag cannot be read, a revoked Proxy say, is no
      // promise or generator: it still reaches Python.)
      if (!construct && Errors.safely(() => typeof result?.then === 'function') && !PyProxies.isPyProxy(result)) {
        // A promise: Python gets a future, and the arguments live until the promise settles.
        return JsProxies.future(result, PyProxies.borrowed.splice(mark));
      }
      if (!construct && JsProxies.isGenerator(result)) JsProxies.keep(result, PyProxies.borrowed.splice(mark));
      return Convert.toPy(result);
    } catch (e) {
      Errors.raise(e);
      return 0;
    } finally {
      PyProxies.releaseBorrowed(mark);
    }
  },
  sangam_js_repr__deps: ['$JsProxies'],
  sangam_js_repr: (ref) => {
    try {
      const v = Handles.values[ref];
      // String(v), whose errors are the object's own; an object with no way to become a string
      // (Object.create(null)) is described as "[object Object]".
      // One whose toString cannot even be read is described the same way, as in Pyodide.
      const isObject = (typeof v === 'object' || typeof v === 'function') && v !== null;
      let unreadable = false;
      try {
        if (isObject) void v.toString;
      } catch {
        unreadable = true;
      }
      const stringless = isObject && (unreadable || (
        typeof v.toString !== 'function' && typeof v[Symbol.toPrimitive] !== 'function' &&
        typeof v.valueOf !== 'function'));
      return Convert.toPy(stringless ? Object.prototype.toString.call(v) : String(v));
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  sangam_js_equal__deps: ['$Handles'],
  sangam_js_equal: (a, b) => (Handles.values[a] === Handles.values[b] ? 1 : 0),
  sangam_js_bool__deps: ['$JsProxies'],
  sangam_js_bool: (ref) => {
    try {
      const v = Handles.values[ref];
      if (!v) return 0;
      if (typeof v === 'object') {
        if (typeof v.size === 'number' && !Errors.instanceOf(v, Blob)) return v.size > 0 ? 1 : 0;
        if (Array.isArray(v) || ArrayBuffer.isView(v)) return v.length > 0 ? 1 : 0;
        if (Errors.instanceOf(v, ArrayBuffer)) return v.byteLength > 0 ? 1 : 0;
      }
      return 1;
    } catch (e) {
      // An object whose size or length cannot be read (a throwing getter or Proxy trap) is
      // true, as in Pyodide; only a fatal error goes on.
      if (Errors.isFatal(e)) throw e;
      return 1;
    }
  },
  sangam_js_typeof__deps: ['$JsProxies'],
  sangam_js_typeof: (ref) => Convert.toPy(typeof Handles.values[ref]),
  sangam_js_id__deps: ['$JsProxies'],
  sangam_js_id: (ref) => JsProxies.idOf(Handles.values[ref]),
  sangam_js_flags__deps: ['$JsProxies'],
  sangam_js_flags: (ref) => {
    try {
      return Convert.flags(Handles.values[ref]);
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  sangam_js_subscript__deps: ['$JsProxies'],
  sangam_js_subscript: (ref, keyRef, flags) => {
    try {
      const obj = Handles.values[ref];
      const key = Handles.values[keyRef];
      if (flags & (Flags.JS_ARRAY | Flags.JS_TYPEDARRAY)) {
        // (A hole in an array is a missing item, as in Pyodide.)
        if (!(key < JsProxies.size(obj)) || (!(flags & Flags.JS_TYPEDARRAY) && !(key in obj))) return 0;
        return flags & Flags.JS_PY_JSON ? JsProxies.pyJson(obj[key]) : Convert.toPy(obj[key]);
      }
      if (flags & Flags.JS_OBJECT_MAP) {
        if (!Object.prototype.hasOwnProperty.call(obj, key)) return 0;
        const v = obj[key];
        if (flags & Flags.JS_PY_JSON) return JsProxies.pyJson(v);
        // as_object_map(hereditary=True): nested objects are object maps too (not arrays,
        // buffers or errors, as in Pyodide).
        if ((flags & Flags.JS_HEREDITARY) && JsProxies.isPlainish(v)) {
          return _sangam_jsproxy_new(Handles.add(v), flags, 0);
        }
        return Convert.toPy(v);
      }
      const v = obj.get(key);
      // undefined is a missing key only when has() says so (as in Pyodide).
      if (v === undefined && typeof obj.has === 'function' && !obj.has(key)) return 0;
      return Convert.toPy(v);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  // Returns 0, -1 on error, 1 when deleting a missing key.
  sangam_js_ass_subscript__deps: ['$JsProxies'],
  sangam_js_ass_subscript: (ref, keyRef, valueRef, flags) => {
    try {
      const obj = Handles.values[ref];
      const key = Handles.values[keyRef];
      const value = Handles.values[valueRef];
      if (flags & (Flags.JS_ARRAY | Flags.JS_TYPEDARRAY)) {
        if (valueRef) obj[key] = value;
        else obj.splice(key, 1);
      } else if (flags & Flags.JS_OBJECT_MAP) {
        if (valueRef) obj[key] = value;
        else if (!Object.prototype.hasOwnProperty.call(obj, key)) return 1;
        else delete obj[key];
      } else if (valueRef) {
        obj.set(key, value);
      } else if (!obj.delete(key)) {
        return 1;
      }
      return 0;
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  sangam_js_contains__deps: ['$JsProxies'],
  sangam_js_contains: (ref, keyRef, flags) => {
    try {
      const obj = Handles.values[ref];
      const key = Handles.values[keyRef];
      if (flags & Flags.JS_OBJECT_MAP) return Object.prototype.hasOwnProperty.call(obj, key) ? 1 : 0;
      if (typeof obj.has === 'function') return obj.has(key) ? 1 : 0;
      if (typeof obj.includes === 'function') return obj.includes(key) ? 1 : 0;
      return -2; // no membership test of its own (C then iterates, or refuses)
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  sangam_js_iter__deps: ['$JsProxies'],
  sangam_js_iter: (ref, async) => {
    try {
      const obj = Handles.values[ref];
      const it = async ? obj[Symbol.asyncIterator]() : obj[Symbol.iterator]();
      return Convert.toPy(it);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  // how: 0 next(arg), 1 throw(arg), 2 return(arg). *done is set when the iterator finished.
  sangam_js_next__deps: ['$JsProxies'],
  // mark >= 0: the borrowed proxies made since mark (for arg) live as long as the generator.
  sangam_js_next: (ref, argRef, how, donePtr, mark) => {
    const it = Handles.values[ref];
    try {
      if (mark >= 0) JsProxies.keep(it, PyProxies.borrowed.splice(mark));
      const arg = Handles.values[argRef];
      let r;
      if (how === 0) r = argRef === 1 ? it.next() : it.next(arg);
      else if (how === 1) {
        if (typeof it.throw !== 'function') throw arg;
        r = it.throw(arg);
      } else r = typeof it.return === 'function' ? it.return(arg) : { done: true, value: arg };
      // A result that is no iterator result is a TypeError, in Pyodide's words.
      if (typeof r !== 'object' || r === null) {
        throw Errors.pyError('TypeError', `Result should have type "object" not "${r === null ? 'null' : typeof r}"`);
      }
      if (typeof r.then === 'function') {
        throw Errors.pyError('TypeError', 'Result was a promise, use anext() / asend() / athrow() instead.');
      }
      if (!('done' in r)) throw Errors.pyError('TypeError', 'Result has no "done" field.');
      HEAP32[donePtr >> 2] = r.done ? 1 : 0;
      const value = Convert.toPy(r.value);
      if (r.done) JsProxies.finish(it);
      return value;
    } catch (e) {
      JsProxies.finish(it);
      Errors.raise(e);
      return 0;
    }
  },
  // The awaitable of an async iterator's next step: a promise that rejects with STOP_ASYNC
  // (StopAsyncIteration in Python) when the iterator is done.
  sangam_js_anext__deps: ['$JsProxies'],
  // (aclose: a generator that yields instead of returning is a RuntimeError, as in Python.)
  sangam_js_anext: (ref, argRef, how, mark) => {
    const it = Handles.values[ref];
    try {
      if (mark >= 0) JsProxies.keep(it, PyProxies.borrowed.splice(mark));
      const arg = Handles.values[argRef];
      let p;
      if (how === 0) p = argRef === 1 ? it.next() : it.next(arg);
      else if (how === 1) p = it.throw(arg);
      else p = typeof it.return === 'function' ? it.return(arg) : Promise.resolve({ done: true });
      if (typeof p !== 'object' || p === null) {
        throw Errors.pyError('TypeError', `Result of anext() should be object not ${p === null ? 'null' : typeof p}`);
      }
      if (typeof p.then !== 'function') {
        throw Errors.pyError('TypeError', 'Result of anext() was not a promise, use next() instead.');
      }
      const step = Promise.resolve(p).then((r) => {
        if (typeof r !== 'object' || r === null) {
          throw Errors.pyError('TypeError', `Result of anext() should be object not ${r === null ? 'null' : typeof r}`);
        }
        if (how === 2 && !r.done) throw Errors.IGNORED_RETURN;
        if (how === 2 || r.done) JsProxies.finish(it);
        if (how === 2) return undefined;
        if (r.done) throw Errors.STOP_ASYNC;
        return r.value;
      }, (e) => {
        JsProxies.finish(it);
        throw e;
      });
      return Convert.toPy(step);
    } catch (e) {
      JsProxies.finish(it);
      Errors.raise(e);
      return 0;
    }
  },
  sangam_js_object_items__deps: ['$JsProxies'],
  sangam_js_object_items: (ref, which) => {
    try {
      const obj = Handles.values[ref];
      const f = [Object.entries, Object.keys, Object.values][which];
      return Convert.toPy(f(obj));
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  sangam_js_dir__deps: ['$JsProxies'],
  sangam_js_dir: (ref) => {
    try {
      const names = new Set();
      // (Bounded: a Proxy's getPrototypeOf trap can make the chain endless.)
      let depth = 0;
      for (let o = Handles.values[ref]; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
        if (++depth > JsProxies.MAX_PROTOTYPES) {
          throw Errors.pyError('RecursionError', `dir(): the prototype chain is longer than ${JsProxies.MAX_PROTOTYPES} objects`);
        }
        for (const k of Object.getOwnPropertyNames(o)) names.add(k);
        if (o === Object.prototype) break;
      }
      return Convert.toPyDeep(Array.from(names), 1, null);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  // Settles future (a Python future; its reference is handed over) when the promise settles.
  sangam_js_await__deps: ['$JsProxies', 'sangam_future_settle'],
  sangam_js_await: (ref, future) => {
    try {
      JsProxies.settleLater(Handles.values[ref], future, []);
      return 0;
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  // promise.then/catch/finally with Python callbacks (PyProxies released once settled).
  sangam_js_then__deps: ['$JsProxies', '$PyProxies'],
  sangam_js_then: (ref, onF, onR, kind) => {
    try {
      const p = Handles.values[ref];
      const f = Handles.values[onF];
      const r = Handles.values[onR];
      const done = () => {
        for (const x of [f, r]) if (PyProxies.isPyProxy(x)) x.destroy();
      };
      // (finally's callback takes no argument, as in JS and Pyodide.)
      const wrap = (cb) => (cb === undefined ? undefined : (...v) => {
        try { return cb(...v); } finally { done(); }
      });
      let result;
      if (kind === 0) result = p.then(wrap(f), wrap(r));
      else if (kind === 1) result = p.catch(wrap(r));
      else result = p.finally(wrap(f));
      return Convert.toPy(result);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  // info: byteLength, itemsize, format character. buffer_read copies at most that byteLength
  // (JsProxies.bufferLimit): C's buffer was made for it, whatever the JS buffer became since.
  sangam_js_buffer_info__deps: ['$JsProxies'],
  sangam_js_buffer_info: (ref, out) => {
    try {
      const [bytes, format, itemsize] = Convert.bufferOf(Handles.values[ref]);
      JsProxies.bufferLimit = bytes.length;
      HEAP32[out >> 2] = bytes.length;
      HEAP32[(out >> 2) + 1] = itemsize;
      HEAP32[(out >> 2) + 2] = format.charCodeAt(0);
      return 0;
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  sangam_js_buffer_read__deps: ['$JsProxies'],
  sangam_js_buffer_read: (ref, dst) => {
    try {
      const [bytes] = Convert.bufferOf(Handles.values[ref]);
      HEAPU8.set(bytes.subarray(0, JsProxies.bufferLimit), dst);
      return 0;
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  sangam_js_buffer_write__deps: ['$JsProxies'],
  sangam_js_buffer_write: (ref, src, n) => {
    try {
      const [bytes] = Convert.bufferOf(Handles.values[ref]);
      bytes.set(HEAPU8.subarray(src, src + n));
      return 0;
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  // obj.name(arg) (arg 0: no argument), or one of JsProxies.methods for "sangam:" names.
  sangam_js_method__deps: ['$JsProxies', '$UTF8ToString'],
  sangam_js_method: (ref, name, argRef) => {
    try {
      const obj = Handles.values[ref];
      const key = UTF8ToString(name);
      const own = JsProxies.methods[key];
      let r;
      if (own) r = argRef ? own(obj, Handles.values[argRef]) : own(obj);
      else r = argRef ? obj[key](Handles.values[argRef]) : obj[key]();
      return Convert.toPy(r);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
});
