// Handle table: JS values referenced from C by small integers, with free-slot reuse (JS glue for
// the C declarations in sangam.h). Slot 0 is never used, so 0 can mean "no value"; slots 1-4 hold
// undefined, null, true and false for good (JSREF_* in sangam.h) and are never released. The live
// count makes leaks testable: a test reads Module.Handles.live() before and after.
addToLibrary({
  $Handles: {
    // (Not `[undefined, ...]`: Emscripten serializes this object, and an undefined element does
    // not survive that. The postset fills slots 1-4.)
    values: ['reserved: 0 is no value'],
    free: [],
    count: 0,
    add(value) {
      if (value === undefined) return 1;
      const ref = Handles.free.length ? Handles.free.pop() : Handles.values.length;
      Handles.values[ref] = value;
      Handles.count++;
      return ref;
    },
    get(ref) {
      const value = ref > 0 ? Handles.values[ref] : Handles.FREE;
      if (value === Handles.FREE || ref >= Handles.values.length) {
        throw new Error(`sangam internal error: bad handle ${ref}`);
      }
      return value;
    },
    release(ref) {
      if (ref < 5 || Handles.values[ref] === Handles.FREE) return;
      Handles.values[ref] = Handles.FREE;
      Handles.free.push(ref);
      Handles.count--;
    },
    // The value of a handle, and the handle released: how results come back from C.
    take(ref) {
      const value = Handles.get(ref);
      Handles.release(ref);
      return value;
    },
    live: () => Handles.count,
  },
  // FREE marks a released slot (a value no caller can hold), so checks cost O(1).
  $Handles__postset: 'Handles.FREE = Object.freeze({}); Handles.values.push(undefined, null, true, false); Handles.utf8 = new TextDecoder("utf-8", { ignoreBOM: true }); Module["Handles"] = Handles;',

  // Exactly len bytes of UTF-8 (Python strings may hold NUL characters).
  sangam_h_string__deps: ['$Handles'],
  sangam_h_string: (ptr, len) => {
    if (len < 32) {
      let ascii = '';
      for (let i = 0; i < len; i++) {
        const c = HEAPU8[ptr + i];
        if (c > 127) return Handles.add(Handles.utf8.decode(HEAPU8.subarray(ptr, ptr + len)));
        ascii += String.fromCharCode(c);
      }
      return Handles.add(ascii);
    }
    return Handles.add(Handles.utf8.decode(HEAPU8.subarray(ptr, ptr + len)));
  },
  // n UTF-16 code units (little-endian), which may hold lone surrogates.
  sangam_h_string16__deps: ['$Handles'],
  sangam_h_string16: (ptr, n) => {
    let s = '';
    for (let i = 0; i < n; i += 4096) {
      const end = Math.min(n, i + 4096);
      const units = [];
      for (let j = i; j < end; j++) units.push(HEAPU8[ptr + 2 * j] | (HEAPU8[ptr + 2 * j + 1] << 8));
      s += String.fromCharCode(...units);
    }
    return Handles.add(s);
  },
  sangam_h_number__deps: ['$Handles'],
  sangam_h_number: (value) => Handles.add(value),
  sangam_h_bigint__deps: ['$Handles', '$UTF8ToString'],
  sangam_h_bigint: (ptr) => Handles.add(BigInt(UTF8ToString(ptr))),
  sangam_h_dup__deps: ['$Handles'],
  sangam_h_dup: (ref) => (ref < 5 ? ref : Handles.add(Handles.values[ref])),
  sangam_h_release__deps: ['$Handles'],
  sangam_h_release: (ref) => Handles.release(ref),
});
