// JS glue for dynload.c: checks a side module's imports before it is loaded, and cleans up after
// a failed load. Also (SangamDynload) side modules compiled ahead of the import that loads them:
// loadPackage compiles a wheel's .so files asynchronously once installed (a browser refuses
// synchronous compilation of large modules on its main thread), and dlopen then instantiates the
// compiled module instead of compiling the file's bytes; a .so never imported is never instantiated.

// A reader of wasm's encodings over `bytes` (a Uint8Array) from `pos`.
function sangamWasmReader(bytes, pos) {
  const r = {
    pos,
    leb() {
      let value = 0, scale = 1, b;
      do { b = bytes[r.pos++]; value += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80);
      return value;
    },
    name() {
      const n = r.leb();
      const s = new TextDecoder().decode(bytes.subarray(r.pos, r.pos + n));
      r.pos += n;
      return s;
    },
  };
  return r;
}

// Bytes as a Uint8Array (Emscripten hands dlopen's file data over as an Int8Array).
const sangamBytes = (b) => (b instanceof Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

// The import and export names of a wasm binary: {imports: [{module, name, kind}], exports: Set}.
// Only the import (2) and export (7) sections are read.
function sangamWasmLinkage(bytes) {
  bytes = sangamBytes(bytes);
  const r = sangamWasmReader(bytes, 8);
  const limits = () => { const flags = bytes[r.pos++]; r.leb(); if (flags & 1) r.leb(); };
  const imports = [];
  const exports = new Set();
  while (r.pos < bytes.length) {
    const id = bytes[r.pos++];
    const end = r.leb() + r.pos;
    if (id === 2 || id === 7) {
      for (let n = r.leb(); n > 0; n--) {
        if (id === 7) { exports.add(r.name()); r.pos++; r.leb(); continue; }
        const module = r.name(), field = r.name(), kind = bytes[r.pos++];
        if (kind === 0) r.leb();                              // function: type index
        else if (kind === 1) { r.pos++; limits(); }           // table: element type, limits
        else if (kind === 2) limits();                        // memory
        else if (kind === 3) r.pos += 2;                      // global: value type, mutability
        else if (kind === 4) { r.pos++; r.leb(); }            // tag: attribute, type index
        else throw new Error(`unknown import kind ${kind}`);
        imports.push({ module, name: field, kind });
      }
      if (id === 7) break;
    }
    r.pos = end;
  }
  return { imports, exports };
}

// The run-time search path of a side module (bytes or a compiled module): the RUNTIME_PATH
// subsection (5) of its dylink.0 section, which wasm-ld writes for -rpath from LLVM 20 on
// (Emscripten 3.1.69's own loader skips it). [] when there is none.
function sangamDylinkRunPaths(binary) {
  let bytes, r, end;
  if (binary instanceof WebAssembly.Module) {
    const sections = WebAssembly.Module.customSections(binary, 'dylink.0');
    if (!sections.length) return [];
    bytes = new Uint8Array(sections[0]);
    r = sangamWasmReader(bytes, 0);
    end = bytes.length;
  } else {
    bytes = sangamBytes(binary);
    if (bytes[8] !== 0) return [];
    r = sangamWasmReader(bytes, 9);
    end = r.leb();
    end += r.pos;
    if (r.name() !== 'dylink.0') return [];
  }
  const paths = [];
  while (r.pos < end) {
    const type = bytes[r.pos++];
    const size = r.leb();
    const next = r.pos + size;
    if (type === 5) for (let n = r.leb(); n > 0; n--) paths.push(r.name());
    r.pos = next;
  }
  return paths;
}

addToLibrary({
  $sangamWasmReader: sangamWasmReader,
  $sangamBytes: sangamBytes,
  $sangamWasmLinkage__deps: ['$sangamWasmReader', '$sangamBytes'],
  $sangamWasmLinkage: sangamWasmLinkage,
  $sangamDylinkRunPaths__deps: ['$sangamWasmReader', '$sangamBytes'],
  $sangamDylinkRunPaths: sangamDylinkRunPaths,

  $SangamDynload__deps: ['$FS', '$PATH', '$loadWebAssemblyModule', '$LDSO', '$newDSO',
    '$mergeLibSymbols', '$getDylinkMetadata', '$sangamDylinkRunPaths', 'getenv',
    '$stringToUTF8OnStack', '$stackSave', '$stackRestore', '$UTF8ToString'],
  // Every load of a side module goes through the wrapper: it counts instantiations, hands
  // Emscripten's loader the precompiled module where there is one, and finds the libraries the
  // module needs in the runtime's file system.
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
    isFile(path) {
      try {
        return FS.isFile(FS.stat(path).mode);
      } catch {
        return false;
      }
    },
    getenv(name) {
      const sp = stackSave();
      try {
        const value = _getenv(stringToUTF8OnStack(name));
        return value ? UTF8ToString(value) : '';
      } finally {
        stackRestore(sp);
      }
    },
    // The `.libs` folders of the wheel that installed the file at `path`: the distribution whose
    // RECORD lists it, in the nearest folder above it that holds .dist-info folders.
    wheelLibDirs(path) {
      for (let dir = PATH.dirname(path); dir !== '/' && dir !== '.'; dir = PATH.dirname(dir)) {
        let names;
        try {
          names = FS.readdir(dir);
        } catch {
          return [];
        }
        const infos = names.filter((n) => n.endsWith('.dist-info'));
        if (!infos.length) continue;
        const rel = path.slice(dir.length + 1);
        for (const info of infos) {
          let record;
          try {
            record = FS.readFile(`${dir}/${info}/RECORD`, { encoding: 'utf8' });
          } catch {
            continue;
          }
          const files = record.split('\n').map((line) => line.split(',')[0].replace(/^"|"$/g, ''));
          if (!files.includes(rel)) continue;
          const libs = new Set(files.map((f) => f.split('/')[0]).filter((top) => top.endsWith('.libs')));
          return [...libs].map((top) => `${dir}/${top}`);
        }
        return [];
      }
      return [];
    },
    // Where the library `name` needed by the side module at `requester` (null: by dlopen) is in
    // the runtime's file system, or null. A name with a slash is a path (from the working
    // directory); a bare name is searched for in the requester's wheel's `.libs` folders, its
    // run-time path (`$ORIGIN` is its folder), LD_LIBRARY_PATH, /usr/lib and /lib. Also the
    // folders searched, for an error message.
    locate(name, requester, runPaths = []) {
      if (name.includes('/')) {
        const path = PATH.normalize(name.startsWith('/') ? name : `${FS.cwd()}/${name}`);
        return { path: SangamDynload.isFile(path) ? path : null, searched: [] };
      }
      const origin = requester ? PATH.dirname(requester) : FS.cwd();
      const dirs = [
        ...(requester ? SangamDynload.wheelLibDirs(requester) : []),
        ...runPaths.flatMap((p) => p.split(':')).map((d) => d.replace(/\$(ORIGIN\b|\{ORIGIN\})/g, origin)),
        ...SangamDynload.getenv('LD_LIBRARY_PATH').split(':'),
        '/usr/lib', '/lib',
      ].filter(Boolean).map((d) => PATH.normalize(d.startsWith('/') ? d : `${FS.cwd()}/${d}`));
      const searched = [...new Set(dirs)];
      for (const dir of searched) {
        const path = `${dir}/${name}`;
        if (SangamDynload.isFile(path)) return { path, searched };
      }
      return { path: null, searched };
    },
    notFound(name, requester, searched) {
      return `${name}: cannot open shared object file: No such file or directory` +
        (requester ? ` (needed by ${requester}` : ' (') +
        (searched.length ? `; searched ${searched.join(', ')})` : ')');
    },
    // The paths of what the side module `binary` at `path` needs: [[name, path]]; throws for one
    // that is not there.
    needed(binary, path) {
      const names = getDylinkMetadata(binary).neededDynlibs;
      if (!names.length) return [];
      const runPaths = sangamDylinkRunPaths(binary);
      return names.map((name) => {
        const found = SangamDynload.locate(name, path, runPaths);
        if (!found.path) throw new Error(SangamDynload.notFound(name, path, found.searched));
        return [name, found.path];
      });
    },
    // Loads the library at `path` from the runtime's file system (once) as a dependency of a
    // module loaded with `flags` and `localScope`, as Emscripten's loadDynamicLibrary would.
    loadNeeded(path, flags, localScope) {
      let dso = LDSO.loadedLibsByName[path];
      if (dso) return flags.loadAsync ? Promise.resolve() : undefined;
      dso = newDSO(path, undefined, 'loading');
      dso.refcount = flags.nodelete ? Infinity : 1;
      dso.global = flags.global;
      const done = (exports) => {
        if (dso.global) mergeLibSymbols(exports, path);
        else if (localScope) Object.assign(localScope, exports);
        dso.exports = exports;
      };
      const fail = (e) => {
        if (LDSO.loadedLibsByName[path] === dso) delete LDSO.loadedLibsByName[path];
        throw e;
      };
      try {
        const result = loadWebAssemblyModule(FS.readFile(path), flags, path, localScope);
        if (flags.loadAsync) return result.then(done, fail);
        done(result);
      } catch (e) {
        fail(e);
      }
    },
    wrap(load) {
      return (binary, flags, libName, localScope, handle) => {
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
        // Emscripten would look the needed libraries up outside the runtime (a URL, the host's
        // files): they are loaded here first, from where the search finds them, and known under
        // their needed names while Emscripten's loader links this module against them.
        const deps = SangamDynload.needed(binary, path);
        const aliases = [];
        const alias = () => {
          for (const [name, depPath] of deps) {
            if (name === depPath) continue;
            aliases.push([name, Object.hasOwn(LDSO.loadedLibsByName, name), LDSO.loadedLibsByName[name]]);
            LDSO.loadedLibsByName[name] = LDSO.loadedLibsByName[depPath];
          }
        };
        const unalias = () => {
          for (const [name, had, old] of aliases.reverse()) {
            if (had) LDSO.loadedLibsByName[name] = old;
            else delete LDSO.loadedLibsByName[name];
          }
        };
        const instantiate = () => {
          SangamDynload.stats.instantiated++;
          alias();
          Module.SangamSnapshot?.keepBaseGot(); // (src/core/snapshot.js)
          return load(binary, flags, libName, localScope, handle);
        };
        if (flags.loadAsync) {
          return deps.reduce((chain, [, depPath]) => chain.then(() => SangamDynload.loadNeeded(depPath, flags, localScope)),
            Promise.resolve()).then(instantiate).finally(unalias);
        }
        for (const [, depPath] of deps) SangamDynload.loadNeeded(depPath, flags, localScope);
        try {
          return instantiate();
        } finally {
          unalias();
        }
      };
    },
  },

  // A bare library name given to dlopen (ctypes.CDLL('libfoo.so'), say), searched for in the
  // runtime's file system: LD_LIBRARY_PATH, /usr/lib, /lib. A malloc'd path, or 0.
  sangam_dl_search__deps: ['$SangamDynload', '$UTF8ToString', '$stringToNewUTF8'],
  sangam_dl_search: (filename) => {
    const { path } = SangamDynload.locate(UTF8ToString(filename), null);
    return path ? stringToNewUTF8(path) : 0;
  },

  // Why the side module at `filename` cannot load, checked before loading it (a malloc'd
  // message), or 0: a library it needs (or one of those needs) that is not there, or the first
  // function one of them imports that nothing provides (neither the runtime nor the libraries).
  sangam_dl_check__deps: ['$PATH', '$UTF8ToString', '$stringToNewUTF8', '$LDSO',
    '$isSymbolDefined', '$getDylinkMetadata', '$sangamWasmLinkage', '$FS', '$SangamDynload'],
  sangam_dl_check: (filename) => {
    const top = PATH.normalize(UTF8ToString(filename));
    if (LDSO.loadedLibsByName[top]) return 0;
    // The module and the libraries it needs that are not loaded yet, each read once.
    const modules = [];
    const provided = new Set();
    const seen = new Set();
    const visit = (path) => {
      if (seen.has(path)) return null;
      seen.add(path);
      const loaded = LDSO.loadedLibsByName[path];
      if (loaded) {
        if (typeof loaded.exports === 'object') for (const name of Object.keys(loaded.exports)) provided.add(name);
        return null;
      }
      let bytes, meta, linkage;
      try {
        bytes = FS.readFile(path);
        meta = getDylinkMetadata(bytes);
        linkage = sangamWasmLinkage(bytes);
      } catch {
        return null; // not readable or not a side module: dlopen itself reports that
      }
      modules.push({ path, meta, linkage });
      for (const name of linkage.exports) provided.add(name);
      for (const [, depPath] of SangamDynload.needed(bytes, path)) {
        const problem = visit(depPath);
        if (problem) return problem;
      }
      return null;
    };
    try {
      visit(top);
    } catch (e) {
      return stringToNewUTF8(e.message);
    }
    for (const { path, meta, linkage } of modules) {
      for (const { module, name, kind } of linkage.imports) {
        if (module !== 'env' || kind !== 0 || meta.weakImports.has(name)) continue;
        if (!provided.has(name) && !isSymbolDefined(name)) {
          return stringToNewUTF8(`${path === top ? top : `${path} (needed by ${top})`}: undefined symbol: ${name}`);
        }
      }
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
