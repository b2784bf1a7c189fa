// Memory snapshots: an initialised runtime saved as bytes, and started again from them instead of
// running Python's start-up (makeMemorySnapshot, loadPyodide({_loadSnapshot})).
//
// The format (all integers little-endian):
//   0   8 bytes  "SANGSNP1"
//   8   u32      length of the JSON header
//   12  u32      0
//   16  JSON     {buildId, runtime: what src/core/snapshot.js captured, fs, api}
//   ... zero padding to a multiple of 16
//   memory       wasm memory up to the heap's end (runtime.heapEnd bytes)
//   files        the contents of the regular files in fs, one after another
// buildId is the build's (BUILD_ID): a snapshot is only valid for the wasm, standard library and
// loader that made it, and any other is refused.
import { BUILD_ID, IN_NODE, readURL } from './runtime.mjs';

const MAGIC = 'SANGSNP1';
const ENCODER = new TextEncoder();

// File-system trees the runtime makes itself: never saved.
const SKIP = new Set(['/dev', '/proc']);

// The file system as entries (parents before children) and the file contents they refer to.
// Host directories mounted into it are recorded as mounts, not copied.
function captureFS(FS, stdlib) {
  const entries = [];
  const blobs = [];
  let offset = 0;
  const walk = (path) => {
    for (const name of FS.readdir(path)) {
      if (name === '.' || name === '..') continue;
      const p = path === '/' ? `/${name}` : `${path}/${name}`;
      if (SKIP.has(p)) continue;
      const { node } = FS.lookupPath(p, { follow: false });
      if (node.mount.mountpoint === p && node.mount.type !== FS.filesystems.MEMFS) {
        const type = Object.entries(FS.filesystems).find(([, fs]) => fs === node.mount.type)?.[0] ?? 'unknown';
        entries.push({ p, t: 'mount', fs: type, root: node.mount.opts?.root ?? null });
        continue;
      }
      const st = FS.lstat(p);
      const e = { p, m: st.mode, ts: st.mtime.getTime() };
      if (FS.isDir(st.mode)) {
        e.t = 'd';
        entries.push(e);
        walk(p);
      } else if (FS.isLink(st.mode)) {
        e.t = 'l';
        e.target = FS.readlink(p);
        entries.push(e);
      } else if (FS.isFile(st.mode)) {
        if (stdlib.unchanged(p, node)) {
          e.t = 'stdlib';
        } else {
          const data = FS.readFile(p);
          e.t = 'f';
          e.o = offset;
          e.n = data.length;
          blobs.push(data);
          offset += data.length;
        }
        entries.push(e);
      }
      // (Devices, sockets and FIFOs elsewhere are not kept.)
    }
  };
  walk('/');
  return { fs: { entries, cwd: FS.cwd() }, blobs, size: offset };
}

function exists(FS, p) {
  try {
    FS.lstat(p);
    return true;
  } catch {
    return false;
  }
}

// Lays the saved file system over the new runtime's. Mounts of host directories are made again
// where the host has them (Node); mount(type, root, path) says whether it could.
function restoreFS(FS, { entries, cwd }, files, mount) {
  const dirs = [];
  for (const e of entries) {
    if (e.t === 'mount') {
      if (!mount(e.fs, e.root, e.p)) {
        throw new Error(`snapshot: ${e.p} was a mounted ${e.fs} directory (${e.root}), which cannot be mounted again here`);
      }
      continue;
    }
    if (e.t === 'd') {
      if (!exists(FS, e.p)) FS.mkdir(e.p, e.m & 0o7777);
      dirs.push(e);
      continue;
    }
    if (e.t === 'l') {
      if (exists(FS, e.p)) FS.unlink(e.p);
      FS.symlink(e.target, e.p);
      continue;
    }
    // (A standard-library zip this runtime has not got, the optional one in a browser, stays
    // to be fetched.)
    if (e.t === 'stdlib' && !exists(FS, e.p)) continue;
    if (e.t === 'f') {
      FS.writeFile(e.p, files.subarray(e.o, e.o + e.n));
      FS.chmod(e.p, e.m & 0o7777);
    }
    FS.utime(e.p, e.ts, e.ts);
  }
  // Directory times last: filling a directory changes its time.
  for (const e of dirs.reverse()) {
    FS.chmod(e.p, e.m & 0o7777);
    FS.utime(e.p, e.ts, e.ts);
  }
  FS.chdir(cwd);
}

// The snapshot's bytes. capture: what src/core/snapshot.js recorded; api: the JS API's own state.
export function encodeSnapshot(Module, stdlib, api) {
  const runtime = Module.SangamSnapshot.capture({ globalThis, pyodide: api.object });
  for (const d of runtime.dsos) {
    if (!exists(Module.FS, d.name)) throw new Error(`makeMemorySnapshot: the file of the loaded side module ${d.name} is gone`);
  }
  const { fs, blobs, size } = captureFS(Module.FS, stdlib);
  const json = ENCODER.encode(JSON.stringify({ buildId: BUILD_ID, runtime, fs, api: api.state }));
  const head = 16 + json.length;
  const memoryAt = Math.ceil(head / 16) * 16;
  const out = new Uint8Array(memoryAt + runtime.heapEnd + size);
  ENCODER.encodeInto(MAGIC, out);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 16);
  out.set(Module.HEAPU8.subarray(0, runtime.heapEnd), memoryAt);
  let at = memoryAt + runtime.heapEnd;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

// Reads a snapshot's header and checks it belongs to this build: {meta, memory, files}.
export function decodeSnapshot(bytes) {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('_loadSnapshot must be a Uint8Array or an ArrayBuffer (or a promise of one)');
  }
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error('snapshot: not a sangam memory snapshot (no SANGSNP1 header)');
  }
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (bytes.length < 16 + jsonLength) throw new Error('snapshot: it is cut short');
  let meta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + jsonLength)));
  } catch (e) {
    throw new Error(`snapshot: its header is damaged (${e.message})`);
  }
  if (meta.buildId !== BUILD_ID) {
    throw new Error(`snapshot: made by another build of sangam (build id ${meta.buildId}; this build is ${BUILD_ID}): make a new snapshot with this build`);
  }
  const memoryAt = Math.ceil((16 + jsonLength) / 16) * 16;
  const filesAt = memoryAt + meta.runtime.heapEnd;
  if (bytes.length < filesAt) throw new Error('snapshot: it is cut short');
  return { meta, memory: bytes.subarray(memoryAt, filesAt), files: bytes.subarray(filesAt) };
}

// Restores a decoded snapshot into a new runtime whose Python has not started: the file system,
// then the side modules (compiled first, asynchronously), memory and linker state. The handle
// table follows once the API object exists (restoreHandles).
export async function restoreSnapshot(runtime, { meta, memory, files }, mount) {
  const { Module, FS } = runtime;
  restoreFS(FS, meta.fs, files, mount);
  const modules = new Map();
  await Promise.all(meta.runtime.dsos.map(async (d) => {
    modules.set(d.name, await WebAssembly.compile(FS.readFile(d.name)));
  }));
  await Module.SangamSnapshot.restore(meta.runtime, memory, modules);
}

// The default snapshot's file in dist/ (Makefile: tools/make-snapshot.mjs).
export const DEFAULT_SNAPSHOT = 'sangam.snapshot';

// The snapshot loadPyodide starts from, decoded, or null for Python's own start-up: the
// _loadSnapshot option (bytes, or a promise of them), else the build's default snapshot (in Node;
// a browser would download it), unless _loadSnapshot is false, SANGAM_NO_SNAPSHOT=1 is set, or
// the options need a fresh start-up (PYTHON* variables, which only start-up reads). A default
// snapshot that is missing or from another build is passed over; a given one must be valid.
export async function chooseSnapshot(options, indexURL) {
  const given = options._loadSnapshot;
  if (given === false) return null;
  if (given !== undefined && given !== null && given !== true) return decodeSnapshot(await given);
  if (!IN_NODE || process.env.SANGAM_NO_SNAPSHOT) return null;
  if (Object.keys(options.env ?? {}).some((k) => k.startsWith('PYTHON'))) return null;
  try {
    return decodeSnapshot(await readURL(indexURL + DEFAULT_SNAPSHOT));
  } catch {
    return null;
  }
}
