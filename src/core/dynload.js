// JS glue for dynload.c: checks a side module's imports before it is loaded, and cleans up after
// a failed load.

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
