// POSIX behaviour that Emscripten 3.1.69 gets wrong in JS, corrected where it goes wrong (the C
// side is src/core/posix.c): its file system, and system calls that would let a JS error unwind
// through C and Python.

// Links followed in one path lookup before ELOOP, as Linux's MAXSYMLINKS.
const MAXSYMLINKS = 40;

// The file system. errno: Emscripten's table (src/core/posix.js), not Linux's numbers.
export function fixFileSystem(FS, errno) {
  const { ENOENT, EINVAL, ELOOP } = errno;
  const lookupPath = FS.lookupPath;
  // FS.readlink resolves the link's target to an absolute path, but readlink(2) returns the
  // link's contents: `a -> ../b` must read as `../b` (tarfile's extraction filters,
  // os.path.realpath and shutil depend on it). Both callers want the contents: the readlinkat
  // syscall, and path lookup, which resolves them against the link's folder itself.
  FS.readlink = (path) => {
    const link = lookupPath(path).node; // not a new lookup: part of the caller's, if any
    if (!link) throw new FS.ErrnoError(ENOENT);
    if (!link.node_ops.readlink) throw new FS.ErrnoError(EINVAL);
    return link.node_ops.readlink(link);
  };
  // /dev/null can be seeked on Linux (every seek lands at 0); Python's seekable() asks.
  FS.devices[FS.makedev(1, 3)].stream_ops.llseek = () => 0;
  // A walk through a symlink loop never ends: only links within links are counted, not links
  // one after another. Like Linux: ELOOP past MAXSYMLINKS links followed in one lookup. (Lookup
  // calls itself once for each link it follows, with opts.recurse_count set.) No PATH_MAX check:
  // lookups get absolute paths even for dir_fd-relative calls, which Linux allows to go deeper.
  let linksFollowed = 0;
  FS.lookupPath = (path, opts = {}) => {
    if (!opts.recurse_count) linksFollowed = 0;
    else if (++linksFollowed > MAXSYMLINKS) throw new FS.ErrnoError(ELOOP);
    return lookupPath(path, opts);
  };
}

// fstat(2) of an open file: Emscripten stats the path the file was opened by, so a file unlinked
// or renamed since fails with ENOENT (pytest's fd capture fstat()s its unlinked temporary files).
// This answers for the open file's node instead, by giving the call an FS.stat of that node.
// runtimeState.FS is set once the module exists.
// A host file (NODEFS) is stat()ed by its path too: an unlinked one is fstat()ed by the host's
// descriptor Emscripten keeps open for it (stream.nfd), whose Stats have the same fields.
function statOpenFile(fstat, runtimeState) {
  return function (fd, buf) {
    const FS = runtimeState.FS;
    const stream = FS?.getStream(fd);
    const node = stream?.node;
    if (!node?.node_ops?.getattr) return fstat.call(this, fd, buf);
    const stat = FS.stat;
    FS.stat = () => {
      try {
        return node.node_ops.getattr(node);
      } catch (e) {
        if (typeof stream.nfd !== 'number' || !runtimeState.nodeFs) throw e;
        return runtimeState.nodeFs.fstatSync(stream.nfd);
      }
    };
    try {
      return fstat.call(this, fd, buf);
    } finally {
      FS.stat = stat;
    }
  };
}

// ftruncate(2) likewise truncates by path on a host file: an unlinked one (pytest's capture files
// again) is truncated through the host's descriptor.
function truncateOpenFile(ftruncate, runtimeState) {
  return function (fd, length) {
    const result = ftruncate.call(this, fd, length);
    const stream = runtimeState.FS?.getStream(fd);
    if (result !== -runtimeState.errno?.ENOENT || typeof stream?.nfd !== 'number' || !runtimeState.nodeFs) return result;
    runtimeState.nodeFs.ftruncateSync(stream.nfd, Number(length));
    return 0;
  };
}

// System calls are JS functions that C calls. Emscripten's turn the errors they expect into
// -errno and let anything else through, which would unwind C and Python frames. This wraps each
// one so that nothing else crosses either: a capability the host lacks (a Node module that is not
// there, say, for sockets) is ENOSYS, anything else EIO. The JS error is kept for diagnosis.
// runtimeState.errno and runtimeState.FS are filled in once the module exists (no system call runs
// before that).
export function guardSyscalls(imports, runtimeState) {
  const env = { ...imports.env };
  for (const [name, original] of Object.entries(env)) {
    if (typeof original !== 'function' || !(name.startsWith('__syscall_') || name.startsWith('fd_'))) continue;
    const fn = name === '__syscall_fstat64' ? statOpenFile(original, runtimeState)
      : name === '__syscall_ftruncate64' ? truncateOpenFile(original, runtimeState) : original;
    const guarded = function (...args) {
      try {
        return fn.apply(this, args);
      } catch (e) {
        if (e?.name === 'ExitStatus' || e === 'unwind') throw e;
        runtimeState.lastSyscallError = { syscall: name, error: e };
        const missing = e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND';
        return -(missing ? runtimeState.errno.ENOSYS : runtimeState.errno.EIO);
      }
    };
    if (original.sig) guarded.sig = original.sig;
    env[name] = guarded;
  }
  return { ...imports, env, wasi_snapshot_preview1: env };
}
