// JS glue for faults.c: the glue's own wasm allocations go through sangam_glue_malloc, so they can
// fail on purpose (fault-injection tests) and a failure is handled like a real one: the caller
// gets 0 and raises Errors.outOfMemory (MemoryError in Python).
addToLibrary({
  $Alloc: {
    malloc: (n) => _sangam_glue_malloc(n),
    // A NUL-terminated UTF-8 copy of str on the heap (free it with _free), or 0.
    string(str) {
      const size = lengthBytesUTF8(str) + 1;
      const ptr = _sangam_glue_malloc(size);
      if (ptr) stringToUTF8(str, ptr, size);
      return ptr;
    },
    // Test switch: allocations start <= n < stop (stop 0: all from start), counted from this
    // call, fail; clear() ends it and returns how many failed. onFail(n, size), if given, is
    // called at each failing allocation, inside it (its `new Error().stack` is the C path).
    onFail: null,
    set: (start, stop = 0, onFail = null) => {
      Alloc.onFail = onFail;
      _sangam_faults_set(start, stop);
    },
    clear: () => {
      Alloc.onFail = null;
      return _sangam_faults_clear();
    },
    count: () => _sangam_faults_count(),
    // Wasm memory: malloc's bytes in use, and the memory's size.
    inUse: () => _sangam_heap_in_use(),
    memorySize: () => HEAP8.length,
  },
  // (Called by faults.c; nothing thrown by the callback reaches C.)
  sangam_faults_on_fail__deps: ['$Alloc'],
  sangam_faults_on_fail: (n, size) => {
    try {
      Alloc.onFail?.(n, size);
    } catch (e) {
      console.error('Alloc.onFail threw:', e);
    }
  },
  $Alloc__deps: ['sangam_glue_malloc', 'sangam_faults_set', 'sangam_faults_clear',
    'sangam_faults_count', 'sangam_heap_in_use', '$lengthBytesUTF8', '$stringToUTF8'],
  $Alloc__postset: 'Module["Alloc"] = Alloc;',
});
