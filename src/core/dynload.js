// JS glue for dynload.c: checks a side module's imports before it is loaded, and cleans up after
// a failed load. Also (SangamDynload) side modules compiled ahead of the import that loads them:
// loadPackage compiles a wheel's .so files asynchronously once installed (a browser refuses
// synchronous compilation of large modules on its main thread), and dlopen then instantiates the
// compiled module instead of compiling the file's bytes; a .so never imported is never instantiated.

// The import and export names of a wasm binary: {imports: [{module, name, kind}], exports: Set}.
// Only the import (2) and export (7) sections are read.
function sangamWasmLinkage(bytes) {
  let pos = 8;
  const leb = () => {
    let value = 0, scale = 1, b;
    do { b = bytes[pos++]; value += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80);
    return value;
  };
  const name = () => {
    const n = leb();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  const limits = () => { const flags = bytes[pos++]; leb(); if (flags & 1) leb(); };
  const imports = [];
  const exports = new Set();
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const end = leb() + pos;
    if (id === 2 || id === 7) {
      for (let n = leb(); n > 0; n--) {
        if (id === 7) { exports.add(name()); pos++; leb(); continue; }
        const module = name(), field = name(), kind = bytes[pos++];
        if (kind === 0) leb();                          // function: type index
        else if (kind === 1) { pos++; limits(); }       // table: element type, limits
        else if (kind === 2) limits();                  // memory
        else if (kind === 3) pos += 2;                  // global: value type, mutability
        else if (kind === 4) { pos++; leb(); }          // tag: attribute, type index
        else throw new Error(`unknown import kind ${kind}`);
        imports.push({ module, name: field, kind });
      }
      if (id === 7) break;
    }
    pos = end;
  }
  return { imports, exports };
}

addToLibrary({
  $sangamWasmLinkage: sangamWasmLinkage,

  $SangamDynload__deps: ['$FS', '$PATH', '$loadWebAssemblyModule'],
  // Every load of a side module goes through the wrapper: it counts instantiations and hands
  // Emscripten's loader the precompiled module where there is one.
  $SangamDynload__postset: `SangamDynload.compiled = new Map();
    loadWebAssemblyModule = SangamDynload.wrap(loadWebAssemblyModule);
    Module["SangamDynload"] = SangamDynload;`,
  $SangamDynload: {
    // Modules compiled so far, instantiations since start-up (tests/packages measure both).
    stats: { compiled: 0, instantiated: 0, fromPrecompiled: 0 },
    // Compiles the side module at `path` (in the runtime's file system) without blocking; a
    // later dlopen of it instantiates the result. Rejects if it is no wasm module.
    // (Not an async method: Emscripten's serialization of this object does not keep one.)
    precompile(path) {
      path = PATH.normalize(path);
      let stamp, bytes;
      try {
        stamp = SangamDynload.stamp(path);
        bytes = FS.readFile(path);
      } catch (e) {
        return Promise.reject(e);
      }
      return WebAssembly.compile(bytes).then((module) => {
        SangamDynload.compiled.set(path, { module, stamp });
        SangamDynload.stats.compiled++;
      });
    },
    // What identifies the file's contents: a precompiled module is used only while it matches.
    stamp(path) {
      const st = FS.stat(path);
      return `${st.ino}:${st.size}:${+st.mtime}`;
    },
    wrap(load) {
      return (binary, flags, libName, ...rest) => {
        const path = libName && PATH.normalize(libName);
        const entry = path && SangamDynload.compiled.get(path);
        if (entry) {
          SangamDynload.compiled.delete(path);
          let same = false;
          try { same = SangamDynload.stamp(path) === entry.stamp; } catch {}
          if (same) {
            SangamDynload.stats.fromPrecompiled++;
            binary = entry.module;
          }
        }
        SangamDynload.stats.instantiated++;
        Module.SangamSnapshot?.keepBaseGot(); // (src/core/snapshot.js)
        return load(binary, flags, libName, ...rest);
      };
    },
  },

  // The first function the side module at `filename` imports that nothing provides (a malloc'd
  // string), or 0. Modules that bring dependent libraries of their own are left to the loader.
  sangam_dl_missing_symbol__deps: ['$PATH', '$UTF8ToString', '$stringToNewUTF8', '$LDSO',
    '$isSymbolDefined', '$getDylinkMetadata', '$sangamWasmLinkage', '$FS'],
  sangam_dl_missing_symbol: (filename) => {
    const path = PATH.normalize(UTF8ToString(filename));
    if (LDSO.loadedLibsByName[path]) return 0;
    let bytes, meta, linkage;
    try {
      bytes = FS.readFile(path);
      meta = getDylinkMetadata(bytes);
      linkage = sangamWasmLinkage(bytes);
    } catch {
      return 0; // not readable or not a side module: dlopen itself reports that
    }
    if (meta.neededDynlibs.length) return 0;
    for (const { module, name, kind } of linkage.imports) {
      if (module !== 'env' || kind !== 0 || meta.weakImports.has(name)) continue;
      if (!linkage.exports.has(name) && !isSymbolDefined(name)) return stringToNewUTF8(name);
    }
    return 0;
  },

  // After a failed dlopen, forgets what the failed load left in Emscripten's dynamic linker: the
  // library's entry (stuck in the 'loading' state) and global offset table entries for symbols
  // nothing provides, which would otherwise fail every later load.
  sangam_dl_forget_failed__deps: ['$LDSO', '$GOT', '$PATH', '$UTF8ToString', '$isSymbolDefined'],
  sangam_dl_forget_failed: (filename) => {
    const name = PATH.normalize(UTF8ToString(filename));
    const dso = LDSO.loadedLibsByName[name];
    if (dso && dso.exports === 'loading') {
      delete LDSO.loadedLibsByName[name];
      for (const [handle, d] of Object.entries(LDSO.loadedLibsByHandle)) {
        if (d === dso) delete LDSO.loadedLibsByHandle[handle];
      }
    }
    for (const [sym, entry] of Object.entries(GOT)) {
      if (entry.value == 0 && entry.required && !isSymbolDefined(sym)) delete GOT[sym];
    }
  },
});
