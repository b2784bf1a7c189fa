// JS values as Python values (convert.c does the other direction): the implicit conversions of
// the type-translation table, the deep conversion behind toPy / JsProxy.to_py, the capability
// flags that choose a JsProxy's type, and the JS containers convert.c builds for to_js.
addToLibrary({
  $Convert: {
    scratch: 0,
    scratchSize: 0,
    // A UTF-8 copy of s in wasm memory (valid until the next call); returns [ptr, length].
    utf8(s) {
      const need = s.length * 3 + 1;
      if (need > Convert.scratchSize) {
        const scratch = Alloc.malloc(Math.max(need, 256));
        if (!scratch) throw Errors.outOfMemory('converting a string');
        _free(Convert.scratch);
        Convert.scratchSize = Math.max(need, 256);
        Convert.scratch = scratch;
      }
      if (s.isWellFormed()) return [Convert.scratch, stringToUTF8(s, Convert.scratch, need)];
      // A lone surrogate is written as its own 3-byte sequence (Python decodes that with
      // "surrogatepass"), not replaced: JS strings that are not valid UTF-16 survive the trip.
      let n = 0;
      for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
          }
        }
        const at = Convert.scratch + n;
        if (c < 0x80) {
          HEAPU8[at] = c;
          n += 1;
        } else if (c < 0x800) {
          HEAPU8.set([0xc0 | (c >> 6), 0x80 | (c & 63)], at);
          n += 2;
        } else if (c < 0x10000) {
          HEAPU8.set([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)], at);
          n += 3;
        } else {
          HEAPU8.set([0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)], at);
          n += 4;
        }
      }
      HEAPU8[Convert.scratch + n] = 0;
      return [Convert.scratch, n];
    },
    str(s) {
      const [ptr, len] = Convert.utf8(s);
      return _sangam_py_str(ptr, len);
    },
    bigint(v) {
      if (v >= -(2n ** 63n) && v < 2n ** 63n) return _sangam_py_int64(v);
      const [ptr] = Convert.utf8(v < 0n ? '-' + (-v).toString(16) : v.toString(16));
      return _sangam_py_int_hex(ptr);
    },
    // Implicit conversion: a new reference to a Python object, or 0 with a Python exception set.
    // Throws for JS errors (destroyed proxies, ...); callers catch them.
    toPy(v) {
      switch (typeof v) {
        case 'string': return Convert.str(v);
        case 'number': return Number.isSafeInteger(v) ? _sangam_py_int(v) : _sangam_py_float(v);
        case 'boolean': return _sangam_py_bool(v ? 1 : 0);
        case 'undefined': return _sangam_py_none();
        case 'bigint': return Convert.bigint(v);
      }
      if (v === null) return Module.convertNullToNone ? _sangam_py_none() : _sangam_py_jsnull();
      // A Python object back from JS is itself: a PyProxy's (but create_proxy's, by default, is
      // a JsDoubleProxy, whose unwrap() is the object), or a PythonError's exception.
      const s = PyProxies.stateOf(v);
      if (s?.roundtrip) return _sangam_jsproxy_new(Handles.add(v), Convert.flags(v), 0);
      const ptr = s ? s.ptr : Errors.pyExcOf(v);
      if (ptr) {
        _Py_IncRef(ptr);
        return ptr;
      }
      const flags = Convert.flags(v);
      // A JS Error is a JsException (Python can raise it), as in Pyodide.
      if (flags & Flags.JS_ERROR) return _sangam_js_exception_new(Handles.add(v), Handles.add(Errors.text(v)));
      return _sangam_jsproxy_new(Handles.add(v), flags, 0);
    },
    // What a JS value can do (flags.h, JS_*): chooses its JsProxy's type. Each probe runs the
    // object's own code (getters, Proxy traps); one that throws means "cannot", as in Pyodide, so
    // a hostile object still becomes a JsProxy and fails only at the operations that touch it.
    flags(v) {
      let f = 0;
      const F = Flags;
      // A PyProxy seen from Python is a JsDoubleProxy; only whether it can be called matters.
      if (PyProxies.isPyProxy(v)) return F.JS_DOUBLE_PROXY | (typeof v === 'function' ? F.JS_CALLABLE : 0);
      if (v === null || v === undefined) return 0;
      const is = (test) => {
        try {
          return !!test();
        } catch {
          return false;
        }
      };
      if (typeof v === 'function') f |= F.JS_CALLABLE;
      const buffer = Convert.bufferKind(v);
      if (is(() => Array.isArray(v))) f |= F.JS_ARRAY | F.JS_LENGTH;
      else if (buffer === 'typed') f |= F.JS_BUFFER | F.JS_TYPEDARRAY | F.JS_ARRAY | F.JS_LENGTH;
      else if (buffer) f |= F.JS_BUFFER;
      // As in Pyodide: get() gives subscripting, set() item assignment and deletion, has() or
      // includes() `in`; a mapping also needs a size (or length) and to be iterable.
      if (is(() => typeof v.get === 'function')) f |= F.JS_GET;
      if (is(() => typeof v.set === 'function')) f |= F.JS_SET;
      if (is(() => typeof v.has === 'function' || typeof v.includes === 'function')) f |= F.JS_HAS;
      if (is(() => typeof v.size === 'number' || (typeof v.length === 'number' && typeof v !== 'function'))) f |= F.JS_LENGTH;
      if (is(() => typeof v[Symbol.iterator] === 'function')) f |= F.JS_ITERABLE;
      if ((f & F.JS_GET) && (f & F.JS_LENGTH) && (f & F.JS_ITERABLE) && !(f & F.JS_ARRAY)) {
        f |= F.JS_MAP;
        if (f & F.JS_SET) f |= F.JS_MUTABLE_MAP;
      }
      if (is(() => typeof v[Symbol.asyncIterator] === 'function')) f |= F.JS_ASYNC_ITERABLE;
      if (is(() => typeof v.next === 'function')) {
        // An iterator with neither Symbol.iterator nor Symbol.asyncIterator may be either kind,
        // as in Pyodide: next() and send() expect results, anext() and asend() promises.
        if (f & F.JS_ASYNC_ITERABLE) f |= F.JS_ASYNC_ITERATOR;
        else if (f & F.JS_ITERABLE) f |= F.JS_ITERATOR;
        else f |= F.JS_ITERATOR | F.JS_ASYNC_ITERATOR;
      }
      let tag;
      is(() => { tag = v[Symbol.toStringTag]; });
      if (tag === 'Generator') f |= F.JS_GENERATOR;
      else if (tag === 'AsyncGenerator') f |= F.JS_ASYNC_GENERATOR;
      if (is(() => typeof v.then === 'function')) f |= F.JS_THENABLE;
      if (Errors.instanceOf(v, Error)) f |= F.JS_ERROR;
      if (typeof WeakRef === 'function' && Errors.instanceOf(v, WeakRef)) f |= F.JS_WEAKREF;
      return f;
    },
    // Element format and size of a buffer, as Python's struct module spells them.
    bufferFormat(v) {
      return Convert.bufferOf(v).slice(1);
    },
    // [bytes, format, itemsize] of a real ArrayBuffer, SharedArrayBuffer, TypedArray or DataView,
    // bytes a Uint8Array over its memory. Read through the built-in getters only: a subclass's
    // or Proxy's byteLength cannot lie about the memory C copies (a detached one throws).
    bufferOf(v) {
      const I = (Convert.intrinsics ??= Convert.bufferIntrinsics());
      if (ArrayBuffer.isView(v)) {
        const name = I.tag.call(v);
        if (name === undefined) {
          return [new Uint8Array(I.dvBuffer.call(v), I.dvOffset.call(v), I.dvLength.call(v)), 'B', 1];
        }
        const [format, size] = I.formats[name] ?? ['B', 1];
        return [new Uint8Array(I.taBuffer.call(v), I.taOffset.call(v), I.taLength.call(v)), format, size];
      }
      if (Convert.bufferKind(v)) return [new Uint8Array(v), 'B', 1];
      throw new TypeError('not an ArrayBuffer, TypedArray or DataView');
    },
    // 'typed', 'dataview', 'arraybuffer' (also shared) or null, from internal slots only.
    bufferKind(v) {
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return null;
      const I = (Convert.intrinsics ??= Convert.bufferIntrinsics());
      if (ArrayBuffer.isView(v)) return I.tag.call(v) === undefined ? 'dataview' : 'typed';
      // (The prototype is a cheap filter; the getter, which reads the internal slot, decides.)
      const brand = (C, getter) => {
        if (!getter || !Errors.instanceOf(v, C)) return false;
        try {
          getter.call(v);
          return true;
        } catch {
          return false;
        }
      };
      if (brand(ArrayBuffer, I.abLength) || (I.sabLength && brand(SharedArrayBuffer, I.sabLength))) return 'arraybuffer';
      return null;
    },
    bufferIntrinsics() {
      const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
      const TA = Object.getPrototypeOf(Int8Array.prototype);
      return {
        tag: getter(TA, Symbol.toStringTag),
        taBuffer: getter(TA, 'buffer'), taOffset: getter(TA, 'byteOffset'), taLength: getter(TA, 'byteLength'),
        dvBuffer: getter(DataView.prototype, 'buffer'), dvOffset: getter(DataView.prototype, 'byteOffset'),
        dvLength: getter(DataView.prototype, 'byteLength'),
        abLength: getter(ArrayBuffer.prototype, 'byteLength'),
        sabLength: typeof SharedArrayBuffer === 'function' ? getter(SharedArrayBuffer.prototype, 'byteLength') : null,
        formats: {
          Int8Array: ['b', 1], Uint8Array: ['B', 1], Uint8ClampedArray: ['B', 1], Int16Array: ['h', 2],
          Uint16Array: ['H', 2], Int32Array: ['i', 4], Uint32Array: ['I', 4], Float32Array: ['f', 4],
          Float64Array: ['d', 8], BigInt64Array: ['q', 8], BigUint64Array: ['Q', 8], Float16Array: ['e', 2],
        },
      };
    },
    // (A method, not an object of classes: Emscripten serializes library objects as source.)
    typedArrayFor: (code) => ({
      b: Int8Array, B: Uint8Array, c: Uint8Array, h: Int16Array, H: Uint16Array, i: Int32Array,
      I: Uint32Array, l: Int32Array, L: Uint32Array, q: BigInt64Array, Q: BigUint64Array,
      n: Int32Array, N: Uint32Array, f: Float32Array, d: Float64Array, '?': Uint8Array,
    })[code],
    isPlainObject(v) {
      const proto = Object.getPrototypeOf(v);
      return proto === Object.prototype || proto === null;
    },
    // Deep conversion (toPy, JsProxy.to_py): Arrays to lists, Maps and plain objects to dicts,
    // Sets to sets, buffers to memoryviews (copies); the same JS object becomes the same Python
    // object, so cycles and shared references survive. depth < 0: no limit. converter(value,
    // convert, cacheConversion) handles what has no Python container (JS API form).
    // Nesting is bounded by the JS stack: every STACK_CHECK levels (and on entry) there must be
    // room for Errors.HEADROOM more frames, or the conversion stops with Convert.tooDeep() while
    // the C calls it makes still have stack to run in.
    toPyDeep(v, depth, converter, cache = new Map(), level = 0) {
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null || depth === 0 ||
          PyProxies.isPyProxy(v)) {
        return Convert.toPy(v);
      }
      const seen = cache.get(v);
      if (seen) {
        _Py_IncRef(seen);
        return seen;
      }
      if (level % Convert.STACK_CHECK === 0 && !Errors.headroom(Errors.HEADROOM)) throw Convert.tooDeep();
      const deeper = (x) => Convert.toPyDeep(x, depth - 1, converter, cache, level + 1);
      let result;
      const fill = (container, add) => {
        cache.set(v, container);
        try {
          add();
        } catch (e) {
          _Py_DecRef(container);
          cache.delete(v);
          throw e;
        }
        return container;
      };
      const check = (rc) => {
        if (rc < 0) throw Convert.PY_ERROR;
      };
      const item = (x) => {
        const p = deeper(x);
        if (!p) throw Convert.PY_ERROR;
        return p;
      };
      // A string key is converted once per conversion (records share their keys): the dicts
      // share one str, as a dict's keys from one literal do. (`cache` holds it, as it holds
      // containers: borrowed from the dict that took it first, alive until the conversion ends.)
      const key = (k) => {
        const seen = cache.get(k);
        if (seen) {
          _Py_IncRef(seen);
          return seen;
        }
        const p = item(k);
        cache.set(k, p);
        return p;
      };
      if (Array.isArray(v)) {
        result = _sangam_py_list();
        if (!result) return 0;
        return fill(result, () => {
          for (const x of v) check(_sangam_py_list_append(result, item(x)));
        });
      }
      if (Errors.instanceOf(v, Map) || Convert.isPlainObject(v)) {
        result = _sangam_py_dict();
        if (!result) return 0;
        return fill(result, () => {
          const entries = Errors.instanceOf(v, Map) ? v.entries() : Object.entries(v);
          for (const [k, x] of entries) {
            const pk = typeof k === 'string' ? key(k) : item(k);
            let px;
            try {
              px = item(x);
            } catch (e) {
              _Py_DecRef(pk);
              throw e;
            }
            check(_sangam_py_dict_set(result, pk, px));
          }
        });
      }
      if (Errors.instanceOf(v, Set)) {
        result = _sangam_py_set();
        if (!result) return 0;
        return fill(result, () => {
          for (const x of v) check(_sangam_py_set_add(result, item(x)));
        });
      }
      if (Convert.bufferKind(v)) {
        const [bytes, format] = Convert.bufferOf(v);
        const ptr = Alloc.malloc(bytes.length || 1);
        if (!ptr) throw Errors.outOfMemory('copying a buffer');
        HEAPU8.set(bytes, ptr);
        const [fmt] = Convert.utf8(format);
        result = _sangam_py_memoryview(ptr, bytes.length, fmt);
        _free(ptr);
        if (result) cache.set(v, result);
        return result;
      }
      if (converter) {
        const convert = (x) => PyProxies.wrap(item(x), true);
        const cacheConversion = (input, output) => {
          const ptr = PyProxies.ptrOf(output);
          if (ptr) cache.set(input, ptr);
        };
        result = Convert.toPy(converter(v, convert, cacheConversion));
        if (result) cache.set(v, result);
        return result;
      }
      return Convert.toPy(v);
    },
    // Thrown inside toPyDeep when a C constructor failed (the Python exception is already set).
    PY_ERROR: { pythonErrorIsSet: true },
    STACK_CHECK: 16,
    // A value nested deeper than the JS stack allows: a RangeError in JS, RecursionError in
    // Python (sangam_js_to_py_deep).
    tooDeep() {
      const err = new RangeError('Maximum call stack size exceeded: the value is nested too deeply to convert');
      Convert.tooDeepErrors.add(err);
      return err;
    },
  },
  $Convert__postset: 'Convert.tooDeepErrors = new WeakSet();',
  $Convert__deps: ['$Handles', '$Errors', '$PyProxies', '$Flags', '$Alloc', 'malloc', 'free', '$stringToUTF8',
    'sangam_py_str', 'sangam_py_int', 'sangam_py_int64', 'sangam_py_int_hex', 'sangam_py_float',
    'sangam_py_bool', 'sangam_py_none', 'sangam_py_jsnull', 'sangam_py_list', 'sangam_py_list_append', 'sangam_py_dict',
    'sangam_py_dict_set', 'sangam_py_set', 'sangam_py_set_add', 'sangam_py_memoryview',
    'sangam_jsproxy_new', 'sangam_js_exception_new', 'Py_IncRef', 'Py_DecRef'],

  // Set by C at start-up from flags.h (ffimodule.c): the one source of truth for the numbers.
  $Flags: {},
  sangam_js_define_flag__deps: ['$Flags', '$UTF8ToString'],
  sangam_js_define_flag: (name, value) => { Flags[UTF8ToString(name)] = value; },

  sangam_js_to_py__deps: ['$Convert'],
  sangam_js_to_py: (ref) => {
    try {
      return Convert.toPy(Handles.values[ref]);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  // JsProxy.to_py(depth=, default_converter=): a Python default_converter is called with the
  // value, a convert function and a cache_conversion function, all as proxies.
  sangam_js_to_py_deep__deps: ['$Convert', 'sangam_set_stack_overflow'],
  sangam_js_to_py_deep: (ref, depth, pyConverter) => {
    let converter = null;
    const mark = PyProxies.borrowed.length;
    try {
      if (pyConverter) {
        _Py_IncRef(pyConverter);
        converter = PyProxies.wrap(pyConverter, 0);
      }
      return Convert.toPyDeep(Handles.values[ref], depth, converter);
    } catch (e) {
      if (Convert.tooDeepErrors.has(e)) _sangam_set_stack_overflow();
      else if (e !== Convert.PY_ERROR) Errors.raise(e);
      return 0;
    } finally {
      converter?.destroy();
      PyProxies.releaseBorrowed(mark);
    }
  },

  // LiteralMap (Pyodide's, for toJsLiteralMap): a Map whose string keys read, write and delete
  // as properties too (`m.a` is m.get("a")), where no Map member has that name.
  $literalMapClass: () => {
    const maps = new WeakMap(); // proxy -> its Map
    const mapOf = (m) => maps.get(m) ?? m;
    const isKey = (t, k) => typeof k === 'string' && !(k in t);
    class LiteralMap extends Map {
      constructor(entries) {
        super(entries);
        const proxy = new Proxy(this, {
          get: (t, k, r) => (isKey(t, k) ? t.get(k) : Reflect.get(t, k, r)),
          set: (t, k, v, r) => (isKey(t, k) ? (t.set(k, v), true) : Reflect.set(t, k, v, r)),
          has: (t, k) => (isKey(t, k) ? t.has(k) : k in t),
          deleteProperty: (t, k) => (isKey(t, k) ? (t.delete(k), true) : Reflect.deleteProperty(t, k)),
          ownKeys: (t) => [...new Set([...Reflect.ownKeys(t), ...[...t.keys()].filter((k) => typeof k === 'string')])],
          getOwnPropertyDescriptor: (t, k) => (typeof k === 'string' && !Object.hasOwn(t, k) && t.has(k)
            ? { value: t.get(k), writable: true, enumerable: true, configurable: true }
            : Reflect.getOwnPropertyDescriptor(t, k)),
        });
        maps.set(proxy, this);
        return proxy;
      }
      get size() { return Map.prototype.__lookupGetter__('size').call(mapOf(this)); }
    }
    // (Map's methods need the Map itself as `this`, not the Proxy.)
    for (const name of ['get', 'has', 'delete', 'clear', 'forEach', 'keys', 'values', 'entries',
      Symbol.iterator]) {
      const f = Map.prototype[name];
      Object.defineProperty(LiteralMap.prototype, name, {
        value: { [name]: function (...args) { return f.apply(mapOf(this), args); } }[name],
        writable: true, configurable: true,
      });
    }
    Object.defineProperty(LiteralMap.prototype, 'set', {
      value: function set(k, v) { Map.prototype.set.call(mapOf(this), k, v); return this; },
      writable: true, configurable: true,
    });
    return LiteralMap;
  },

  // Builders for convert.c's to_js (handles in, handles out; *_add steal their arguments).
  sangam_js_array_new__deps: ['$Handles'],
  sangam_js_array_new: () => Handles.add([]),
  sangam_js_array_push__deps: ['$Handles'],
  sangam_js_array_push: (array, item) => {
    if (!item) return -1;
    Handles.values[array].push(Handles.take(item));
    return 0;
  },
  // A dict's JS form: an Object, or with loadPyodide({toJsLiteralMap: true}) a LiteralMap.
  sangam_js_object_new__deps: ['$Handles', '$Convert', '$literalMapClass'],
  sangam_js_object_new: () => Handles.add(Module.toJsLiteralMap
    ? new (Convert.LiteralMap ??= literalMapClass())() : {}),
  // Returns 1 (and sets nothing) if the key names a property already, 2 if it is no property name.
  sangam_js_object_set__deps: ['$Handles'],
  sangam_js_object_set: (obj, key, value) => {
    const o = Handles.values[obj];
    const k = Handles.take(key);
    const v = Handles.take(value);
    if (!['string', 'number', 'boolean', 'undefined', 'bigint'].includes(typeof k) && k !== null) return 2;
    if (o instanceof Map) {
      o.set(k, v);
      return 0;
    }
    const name = String(k);
    if (Object.prototype.hasOwnProperty.call(o, name)) return 1;
    o[name] = v;
    return 0;
  },
  sangam_js_set_new__deps: ['$Handles'],
  sangam_js_set_new: () => Handles.add(new Set()),
  sangam_js_set_add__deps: ['$Handles'],
  sangam_js_set_add: (set, item) => {
    Handles.values[set].add(Handles.take(item));
    return 0;
  },
  sangam_js_pair__deps: ['$Handles'],
  sangam_js_pair: (a, b) => Handles.add([Handles.take(a), Handles.take(b)]),
  // A copy of a Python buffer: a TypedArray by element format (booleans, format "?", as an Array
  // of booleans); a buffer of ndim > 1 (its shape: ndim Py_ssize_t) as nested Arrays of those.
  sangam_js_typedarray__deps: ['$Convert', '$UTF8ToString'],
  sangam_js_typedarray: (ptr, nbytes, format, ndim, shape) => {
    try {
      const code = UTF8ToString(format).replace(/^[@=<>!]/, '');
      const T = code === '?' ? Uint8Array : Convert.typedArrayFor(code) ?? Uint8Array;
      const flat = new T(nbytes / T.BYTES_PER_ELEMENT);
      new Uint8Array(flat.buffer).set(HEAPU8.subarray(ptr, ptr + nbytes));
      const dims = ndim > 1 ? Array.from(HEAP32.subarray(shape >> 2, (shape >> 2) + ndim)) : [flat.length];
      const build = (level, start) => {
        const n = dims[level];
        if (level === dims.length - 1) {
          const row = dims.length === 1 ? flat : flat.slice(start, start + n);
          return code === '?' ? Array.from(row, (b) => b !== 0) : row;
        }
        const stride = dims.slice(level + 1).reduce((a, b) => a * b, 1);
        return Array.from({ length: n }, (_, i) => build(level + 1, start + i * stride));
      };
      return Handles.add(build(0, 0));
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
});
