// The wasm-level half of memory snapshots (src/js/snapshot.mjs is the rest): what lives outside
// wasm memory and must be captured with it or re-made after it is restored. Here, because only
// code inside Emscripten's module can reach its linker state: the function table, the global
// offset table (GOT), the loaded side modules (LDSO) and the shadow stack pointer; also the
// handle table (handles.js), whose JS values are named so a new process can find them again.
//
// Side modules are re-instantiated at the memory and table bases they had (Emscripten's loader
// reads them from the dso struct in the restored memory), then the memory is copied in once more:
// instantiating re-applies a module's data segments and constructors, which would otherwise
// overwrite what the module's data had become. Table slots that addFunction filled (functions
// taken by address through the GOT, dlsym results) are named by the export they hold and put
// back where they were; GOT values are set to what they were.
addToLibrary({
  $SangamSnapshot__deps: ['$Handles', '$JsProxies', '$GOT', '$LDSO', '$FS', 'sbrk',
    '$loadDynamicLibrary', '$setWasmTableEntry', '$stackSave', '$stackRestore', 'malloc',
    '$SangamDynload'],
  $SangamSnapshot__postset: 'Module["SangamSnapshot"] = SangamSnapshot;',
  $SangamSnapshot: {
    // Table length once the main module is linked, before Python runs (ready(), called by the
    // loader; a snapshot records it and a restore checks it), and the stack pointer between calls.
    baseTableLength: 0,
    ready() {
      SangamSnapshot.baseTableLength = wasmTable.length;
      SangamSnapshot.idleStack = stackSave();
    },
    // The GOT as linking the main module leaves it (the same in every process of this build): a
    // snapshot records only what differs from it. Copied before anything changes it (the first
    // side module's load, a restore); until then there is no difference.
    baseGot: null,
    keepBaseGot() {
      SangamSnapshot.baseGot ??= new Map(Object.entries(GOT).map(([sym, g]) => [sym, g.value]));
    },

    // The side modules, in load order: {name, handles, global, nodelete}.
    dsos() {
      const byHandle = new Map();
      for (const [h, d] of Object.entries(LDSO.loadedLibsByHandle)) {
        if (!byHandle.has(d)) byHandle.set(d, []);
        byHandle.get(d).push(Number(h));
      }
      return Object.entries(LDSO.loadedLibsByName)
        .filter(([name]) => name !== '__main__')
        .map(([name, d]) => {
          if (d.exports === 'loading') throw new Error(`makeMemorySnapshot: ${name} is still being loaded`);
          const handles = byHandle.get(d) ?? [];
          if (!handles.length) throw new Error(`makeMemorySnapshot: ${name} was loaded without dlopen, which a restore cannot repeat`);
          return { name, handles, global: !!d.global, nodelete: d.refcount === Infinity };
        });
    },

    // Where each module's own functions sit in the table: [[base, size], ...].
    ranges(dsos) {
      return dsos.map(({ handles }) => [HEAPU32[(handles[0] + 20) >> 2], HEAP32[(handles[0] + 24) >> 2]]);
    },

    // Table slots past the main module's that addFunction filled: [index, dso name, export].
    tableSlots(dsos) {
      const names = new Map();
      for (const [sym, v] of Object.entries(wasmImports)) if (typeof v === 'function' && !names.has(v)) names.set(v, ['__main__', sym]);
      for (const { name } of dsos) {
        for (const [sym, v] of Object.entries(LDSO.loadedLibsByName[name].exports)) {
          if (typeof v === 'function' && !names.has(v)) names.set(v, [name, sym]);
        }
      }
      const ranges = SangamSnapshot.ranges(dsos);
      const slots = [];
      for (let i = SangamSnapshot.baseTableLength; i < wasmTable.length; i++) {
        if (ranges.some(([base, size]) => i >= base && i < base + size)) continue;
        const f = wasmTable.get(i);
        if (!f) continue;
        const name = names.get(f);
        if (!name) {
          throw new Error(`makeMemorySnapshot: function table slot ${i} holds a function made at run time (a ctypes callback, say), which a restored runtime could not re-create`);
        }
        slots.push([i, ...name]);
      }
      return slots;
    },

    // A name for a JS value that Python holds, by which a new process finds it again.
    nameOf(v, roots) {
      if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return { value: v };
      if (v === undefined) return { undefined: true };
      if (typeof v === 'bigint') return { bigint: String(v) };
      for (const [root, r] of Object.entries(roots)) if (v === r) return { path: [root] };
      // Breadth first through data properties only (getters are never run), a few levels deep,
      // past buffers and large arrays, and within a bounded number of objects.
      let level = Object.entries(roots).map(([root, r]) => [[root], r]);
      const seen = new Set(Object.values(roots));
      for (let depth = 0; depth < 3 && level.length; depth++) {
        const next = [];
        for (const [path, obj] of level) {
          if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || (Array.isArray(obj) && obj.length > 1000)) continue;
          if (seen.size > 50000) return null;
          let keys;
          try { keys = Reflect.ownKeys(obj); } catch { continue; }
          for (const key of keys) {
            if (typeof key !== 'string') continue;
            let d;
            try { d = Reflect.getOwnPropertyDescriptor(obj, key); } catch { continue; }
            if (!d || !('value' in d)) continue;
            const x = d.value;
            if (x === v) return { path: [...path, key] };
            if ((typeof x === 'object' || typeof x === 'function') && x !== null && !seen.has(x)) {
              seen.add(x);
              next.push([[...path, key], x]);
            }
          }
        }
        level = next;
      }
      return null;
    },

    describe(v) {
      try {
        const s = Object.prototype.toString.call(v);
        const name = typeof v === 'function' ? ` ${v.name}` : v?.constructor?.name ? ` (${v.constructor.name})` : '';
        return `${s}${name}`;
      } catch {
        return typeof v;
      }
    },

    // Everything outside memory, as JSON-able data; throws if something cannot be re-made.
    // roots: {name: object} a restore provides again (globalThis, the API object).
    capture(roots) {
      if (stackSave() !== SangamSnapshot.idleStack) {
        throw new Error('makeMemorySnapshot: Python is running (a snapshot can only be taken from JS, between calls into Python)');
      }
      const open = FS.streams.map((s, fd) => (s && fd > 2 ? `fd ${fd} (${s.path})` : null)).filter(Boolean);
      if (open.length) throw new Error(`makeMemorySnapshot: files are open (${open.join(', ')}): close them first`);
      const handles = [];
      const free = [];
      for (let i = 5; i < Handles.values.length; i++) {
        const v = Handles.values[i];
        if (v === Handles.FREE) { handles.push(null); free.push(i); continue; }
        const name = SangamSnapshot.nameOf(v, roots);
        if (!name) {
          throw new Error(`makeMemorySnapshot: Python holds a JS value that a restored runtime could not find again (handle ${i}: ${SangamSnapshot.describe(v)}); only values reachable from globalThis or the pyodide object by data properties, and primitives, can be kept`);
        }
        const id = JsProxies.ids.get(v);
        if (id !== undefined) name.id = id;
        handles.push(name);
      }
      const dsos = SangamSnapshot.dsos();
      const got = {};
      if (SangamSnapshot.baseGot) {
        for (const [sym, g] of Object.entries(GOT)) {
          if (SangamSnapshot.baseGot.get(sym) !== g.value) got[sym] = [g.value, !!g.required];
        }
      }
      return {
        heapEnd: _sbrk(0) >>> 0,
        memoryLength: HEAPU8.length,
        stackPointer: stackSave(),
        baseTableLength: SangamSnapshot.baseTableLength,
        tableLength: wasmTable.length,
        tableSlots: SangamSnapshot.tableSlots(dsos),
        got,
        dsos,
        handles: { values: handles, free, count: Handles.count, nextId: JsProxies.nextId },
      };
    },

    // Puts memory back: grows it to the recorded length and copies the bytes in.
    setMemory(memory, length) {
      const used = _sbrk(0) >>> 0; // (above it, memory is still zero)
      if (HEAPU8.length < length) {
        wasmMemory.grow((length - HEAPU8.length) / 65536);
        updateMemoryViews();
      }
      HEAPU8.set(memory);
      if (used > memory.length) HEAPU8.fill(0, memory.length, used);
    },

    // Restores memory and the linker state. modules: name -> WebAssembly.Module compiled from
    // the side module's file (compiled ahead, so nothing large compiles synchronously). Returns a
    // promise. (Not an async method: Emscripten's serialization of this object does not keep one.)
    restore(meta, memory, modules) {
      if (meta.baseTableLength !== SangamSnapshot.baseTableLength) {
        throw new Error(`snapshot: the function table starts at ${SangamSnapshot.baseTableLength} slots here but ${meta.baseTableLength} in the snapshot`);
      }
      SangamSnapshot.keepBaseGot();
      SangamSnapshot.setMemory(memory, meta.memoryLength);
      const load = (d) => {
        const [handle, ...more] = d.handles;
        // Emscripten's loader takes the bytes from the dso struct (dlopen frees them once the
        // module is loaded): a placeholder on the heap, which the second copy below undoes; the
        // compiled module replaces it (SangamDynload.wrap).
        HEAPU32[(handle + 28) >> 2] = _malloc(1);
        HEAPU32[(handle + 32) >> 2] = 1;
        SangamDynload.compiled.set(d.name, { module: modules.get(d.name), stamp: SangamDynload.stamp(d.name) });
        return loadDynamicLibrary(d.name, { global: d.global, nodelete: d.nodelete, loadAsync: true },
          d.global ? null : {}, handle).then(() => {
          const dso = LDSO.loadedLibsByName[d.name];
          for (const h of more) LDSO.loadedLibsByHandle[h] = dso;
          if (!d.nodelete) dso.refcount = d.handles.length;
        });
      };
      let chain = Promise.resolve();
      for (const d of meta.dsos) chain = chain.then(() => load(d));
      return chain.then(() => {
        if (meta.dsos.length) SangamSnapshot.setMemory(memory, meta.memoryLength);
        if (wasmTable.length < meta.tableLength) wasmTable.grow(meta.tableLength - wasmTable.length);
        for (const [i, dsoName, sym] of meta.tableSlots) {
          const f = dsoName === '__main__' ? wasmImports[sym] : LDSO.loadedLibsByName[dsoName]?.exports[sym];
          if (typeof f !== 'function') throw new Error(`snapshot: ${dsoName} has no function ${sym} for table slot ${i}`);
          setWasmTableEntry(i, f);
        }
        functionsInTableMap = undefined; // rebuilt from the table when next needed
        for (const [sym, [value, required]] of Object.entries(meta.got)) {
          const g = (GOT[sym] ||= new WebAssembly.Global({ value: 'i32', mutable: true }));
          g.value = value;
          if (required) g.required = true;
        }
        stackRestore(meta.stackPointer);
        SangamSnapshot.idleStack = meta.stackPointer;
      });
    },

    // Fills the handle table again; roots as for capture. Returns the slots naming each root.
    restoreHandles(h, roots) {
      const values = Handles.values.slice(0, 5);
      for (const [n, name] of h.values.entries()) {
        const i = n + 5;
        if (name === null) { values[i] = Handles.FREE; continue; }
        let v;
        if ('value' in name) v = name.value;
        else if (name.undefined) v = undefined;
        else if ('bigint' in name) v = BigInt(name.bigint);
        else {
          v = roots[name.path[0]];
          for (const key of name.path.slice(1)) v = v?.[key];
          if (v === undefined || v === null) {
            throw new Error(`snapshot: Python holds ${name.path.join('.')}, which this JS environment does not have`);
          }
        }
        values[i] = v;
        if (name.id !== undefined && (typeof v === 'object' || typeof v === 'function') && v !== null) JsProxies.ids.set(v, name.id);
      }
      Handles.values = values;
      Handles.free = [...h.free];
      Handles.count = h.count;
      JsProxies.nextId = Math.max(JsProxies.nextId, h.nextId);
    },
  },
});
