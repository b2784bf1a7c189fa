// JS glue for JsArray's sequence operations (jsproxy_array.c): slices with steps, index with
// bounds, repetition, and the lengths every sized JsProxy reports. Like the rest of the glue, each
// function catches every JS exception and turns it into a Python one (Errors.raise).
addToLibrary({
  // len() of a sized JS value: its size or length as a double (C checks the range), or -Infinity
  // with a Python exception set.
  sangam_js_length__deps: ['$JsProxies'],
  sangam_js_length: (ref, flags) => {
    try {
      const v = Handles.values[ref];
      if (flags & Flags.JS_OBJECT_MAP) return Object.keys(v).length;
      return JsProxies.size(v);
    } catch (e) {
      Errors.raise(e);
      return -Infinity;
    }
  },
  // a[start:stop:step] as a new Array of n items (the indices are already adjusted by C).
  sangam_js_array_getslice__deps: ['$JsProxies'],
  sangam_js_array_getslice: (ref, start, stop, step, n) => {
    try {
      const a = Handles.values[ref];
      if (step === 1) {
        const slice = typeof a.slice === 'function' ? a.slice : Array.prototype.slice;
        return Convert.toPy(slice.call(a, start, Math.max(start, stop)));
      }
      const out = ArrayBuffer.isView(a) ? new a.constructor(n) : new Array(n);
      for (let i = 0; i < n; i++) out[i] = a[start + i * step];
      return Convert.toPy(out);
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  // a[start:stop:step] = items (a JS Array; for step != 1 C checked it has n items), or, with
  // itemsRef 0, del a[start:stop:step].
  sangam_js_array_setslice__deps: ['$JsProxies'],
  sangam_js_array_setslice: (ref, start, stop, step, n, itemsRef) => {
    try {
      const a = Handles.values[ref];
      const items = itemsRef ? Handles.values[itemsRef] : null;
      if (step === 1) {
        Array.prototype.splice.call(a, start, Math.max(0, stop - start), ...(items ?? []));
      } else if (items) {
        for (let i = 0; i < n; i++) a[start + i * step] = items[i];
      } else {
        // Deleted from the highest index down, so the lower ones stay where they are.
        const at = Array.from({ length: n }, (_, i) => start + i * step).sort((x, y) => y - x);
        for (const i of at) Array.prototype.splice.call(a, i, 1);
      }
      return 0;
    } catch (e) {
      Errors.raise(e);
      return -1;
    }
  },
  // The first index of x in a[start:stop] (JS equality, as Array.prototype.indexOf), or -1.
  sangam_js_array_index__deps: ['$JsProxies'],
  sangam_js_array_index: (ref, xRef, start, stop) => {
    try {
      const a = Handles.values[ref];
      const x = Handles.values[xRef];
      const i = Array.prototype.indexOf.call(a, x, start);
      return i >= 0 && i < stop ? i : -1;
    } catch (e) {
      Errors.raise(e);
      return -2;
    }
  },
  // a repeated n times: a new Array, or (inPlace) a itself, extended.
  sangam_js_array_repeat: (ref, n, inPlace) => {
    try {
      const a = Handles.values[ref];
      const items = Array.from(a);
      if (!inPlace) {
        const out = [];
        for (let i = 0; i < n; i++) out.push(...items);
        return Convert.toPy(out);
      }
      a.length = 0;
      for (let i = 0; i < n; i++) Array.prototype.push.apply(a, items);
      return _sangam_py_none();
    } catch (e) {
      Errors.raise(e);
      return 0;
    }
  },
  sangam_js_array_repeat__deps: ['$JsProxies', 'sangam_py_none'],
});
