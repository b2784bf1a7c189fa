// Reads a wheel's zip archive in JS for the installer (src/py/_sangam_install.py): every entry
// inflated and CRC-checked, with its size and its RECORD hash (sha256, urlsafe base64 without
// padding), and the whole archive's sha256; then writes chosen entries into the runtime's file
// system in one call. Node uses its zlib and crypto (synchronously, after useNode()); a browser
// uses DecompressionStream('deflate-raw') and crypto.subtle (asynchronously).
//
// A malformed archive (truncated, a bad signature, a CRC or size that does not match, a deflate
// stream that does not end) throws an Error saying what is wrong. An archive this reader does not
// handle, but Python's zipfile may (ZIP64, compression other than stored or deflate, a non-UTF-8
// name), gives undefined (None in Python): the installer then reads it with zipfile, with the same
// checks.

// Node's zlib and crypto, once useNode() has loaded them (in Node: src/js/packages.mjs does).
let node = null;
export async function useNode() {
  node ??= { zlib: await import('node:zlib'), crypto: await import('node:crypto') };
}

let crcTable = null;
function crc32(bytes) {
  if (node?.zlib.crc32) return node.zlib.crc32(bytes) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const b64url = (digest) => btoa(String.fromCharCode(...new Uint8Array(digest)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const hexOf = (digest) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');

// The central directory: [{name, mode, method, crc, csize, usize, dataStart}], or undefined for
// an archive left to zipfile. Throws for a broken one.
function listEntries(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o) => view.getUint16(o, true);
  const u32 = (o) => view.getUint32(o, true);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (u32(i) === 0x06054b50 && i + 22 + u16(i + 20) <= bytes.length) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('no end of central directory record (not a zip file, or truncated)');
  const count = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return undefined; // ZIP64
  if (eocd >= 20 && u32(eocd - 20) === 0x07064b50) return undefined; // a ZIP64 locator
  const cdStart = eocd - cdSize;
  const concat = cdStart - cdOffset; // bytes prepended to the archive, as zipfile allows
  if (cdStart < 0 || concat < 0) throw new Error('the central directory lies outside the file (truncated)');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const entries = [];
  // Every entry the directory holds (as zipfile reads it: by its size), which must be as many as
  // the end record says.
  const cdEnd = cdStart + cdSize;
  let p = cdStart;
  while (p < cdEnd) {
    if (p + 46 > cdEnd || u32(p) !== 0x02014b50) throw new Error('bad central directory entry (truncated or corrupt)');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    const csize = u32(p + 20);
    const usize = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    const mode = u32(p + 38) >>> 16;
    const local = u32(p + 42) + concat;
    if (p + 46 + nameLen > cdEnd) throw new Error('bad central directory entry (truncated or corrupt)');
    const rawName = bytes.subarray(p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (csize === 0xffffffff || usize === 0xffffffff || local - concat === 0xffffffff) return undefined;
    if (method !== 0 && method !== 8) return undefined;
    if (!(flags & 0x800) && rawName.some((b) => b > 0x7f)) return undefined; // cp437: zipfile decodes it
    if (flags & 1) throw new Error(`${utf8.decode(rawName)}: the entry is encrypted`);
    let name;
    try {
      name = utf8.decode(rawName);
    } catch {
      throw new Error('an entry name that is not UTF-8');
    }
    if (local + 30 > bytes.length || u32(local) !== 0x04034b50) throw new Error(`${name}: bad local file header (truncated or corrupt)`);
    const localName = bytes.subarray(local + 30, local + 30 + u16(local + 26));
    if (localName.length !== rawName.length || localName.some((b, i) => b !== rawName[i])) {
      throw new Error(`${name}: the local header names another file`);
    }
    const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
    if (dataStart + csize > bytes.length) throw new Error(`${name}: the entry's data is truncated`);
    entries.push({ name, mode, method, crc, csize, usize, dataStart });
  }
  if (entries.length !== count) {
    throw new Error(`the central directory holds ${entries.length} entries, its end record says ${count}`);
  }
  return entries;
}

function check(entry, data) {
  if (data.length !== entry.usize) throw new Error(`${entry.name}: its size is ${data.length}, the directory says ${entry.usize}`);
  if (crc32(data) !== entry.crc) throw new Error(`${entry.name}: bad CRC-32`);
  return data;
}

// What the installer sees (through the FFI): the archive's sha256 (hex), then either `error` (what
// is wrong with a broken archive; '' for a good one) or the listing as JSON text [[name, mode, size, hash]] and
// read(i) for one entry's bytes.
class Archive {
  constructor(sha256, entries, contents, hashes) {
    this._sangamArchive = true;
    this.sha256 = sha256;
    this.error = '';
    this.contents = contents;
    this.listing = JSON.stringify(entries.map((e, i) => [e.name, e.mode, contents[i].length, hashes[i]]));
  }

  static broken(sha256, error) {
    const archive = new Archive(sha256, [], [], []);
    archive.error = error.message;
    return archive;
  }

  read(i) {
    return this.contents[i];
  }
}

// Node: synchronous. undefined if the archive is left to zipfile (or there is no Node).
// `sha256`: the bytes' hex digest when the caller has just computed it (else it is computed here).
export function openWheelSync(bytes, sha256 = null) {
  if (!node) return undefined;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('a wheel is a Uint8Array');
  // A plain Uint8Array: a Node Buffer's slices would share memory with the file system's files.
  bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  sha256 ??= node.crypto.createHash('sha256').update(bytes).digest('hex');
  try {
    return readSync(bytes, sha256);
  } catch (e) {
    return Archive.broken(sha256, e);
  }
}

function readSync(bytes, sha256) {
  const entries = listEntries(bytes);
  if (!entries) return undefined;
  const contents = entries.map((e) => {
    const raw = bytes.subarray(e.dataStart, e.dataStart + e.csize);
    if (e.method === 0) return check(e, raw.slice()); // (its own memory: the file system takes it)
    // One output chunk of the declared size. A limit on the output costs more than inflating a
    // small entry, and deflate expands at most ~1032-fold: only an entry that could exceed 16 MB
    // gets one (a zip bomb stops there).
    const opts = { chunkSize: Math.min(Math.max(e.usize, 64), 1 << 26) };
    if (e.csize > 16384) opts.maxOutputLength = Math.max(e.usize, 1);
    let data;
    try {
      data = node.zlib.inflateRawSync(raw, opts);
    } catch (err) {
      throw new Error(`${e.name}: bad deflate data (${err.code ?? err.message})`);
    }
    return check(e, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });
  const hash = (b) => node.crypto.createHash('sha256').update(b).digest('base64url');
  return new Archive(sha256, entries, contents, contents.map(hash));
}

async function inflateRaw(raw, entry) {
  try {
    const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    throw new Error(`${entry.name}: bad deflate data (${err.message})`);
  }
}

// Anywhere: Node's synchronous reader, else DecompressionStream and crypto.subtle (undefined
// where they are missing).
export async function openWheel(bytes, known = null) {
  if (node) return openWheelSync(bytes, known);
  if (!(bytes instanceof Uint8Array)) throw new TypeError('a wheel is a Uint8Array');
  // (crypto.subtle exists in secure contexts only; without either API, zipfile reads the wheel.)
  if (typeof DecompressionStream !== 'function' || !globalThis.crypto?.subtle) return undefined;
  const digest = (b) => crypto.subtle.digest('SHA-256', b);
  const sha256 = known ?? hexOf(await digest(bytes));
  try {
    const entries = listEntries(bytes);
    if (!entries) return undefined;
    const contents = await Promise.all(entries.map(async (e) => {
      const raw = bytes.subarray(e.dataStart, e.dataStart + e.csize);
      return check(e, e.method === 0 ? raw.slice() : await inflateRaw(raw, e));
    }));
    const hashes = (await Promise.all(contents.map(digest))).map(b64url);
    return new Archive(sha256, entries, contents, hashes);
  } catch (e) {
    return Archive.broken(sha256, e);
  }
}

// Writes archive entries into the file system: `plan` is JSON text [[entry index, path, mode]]
// (mode null: the file system's default). Directories exist already. Throws an Error naming the
// path that failed; the files before it are written (the installer removes them). The file system
// takes the entries' memory (no copy): the archive is not used afterwards.
//
// Each directory is looked up once. A new file in an in-memory directory is made by the
// directory's own mknod with the entry as its contents, as FS.writeFile with canOwn leaves it but
// without two path walks and a stream per file (thousands of files in a batch of wheels); any
// other case (a file there already, a directory it may not write to, another file system such as
// a mounted host folder) goes through FS.writeFile.
export function writeEntries(FS, archive, plan) {
  const memfs = FS.filesystems?.MEMFS;
  const dirs = new Map();
  for (const [i, path, mode] of JSON.parse(plan)) {
    try {
      const slash = path.lastIndexOf('/');
      const dir = slash > 0 ? path.slice(0, slash) : '/';
      let parent = dirs.get(dir);
      if (parent === undefined) {
        parent = FS.lookupPath(dir, { follow: true }).node;
        // (A directory this process may not write to is left to FS.writeFile, which says so.)
        if (!(memfs && parent.mount?.type === memfs && FS.isDir(parent.mode) && !FS.nodePermissions(parent, 'wx'))) parent = null;
        dirs.set(dir, parent);
      }
      const name = path.slice(slash + 1);
      const data = archive.contents[i];
      if (parent && !Object.hasOwn(parent.contents, name)) {
        const node = parent.node_ops.mknod(parent, name, 0o100000 | (mode ?? 0o666), 0);
        node.contents = data;
        node.usedBytes = data.length;
      } else {
        FS.writeFile(path, data, { canOwn: true });
        if (mode !== null) FS.chmod(path, mode);
      }
    } catch (e) {
      throw new Error(`cannot write ${path}: ${e.code ?? (e.errno !== undefined ? `errno ${e.errno}` : e.message)}`);
    }
  }
}
