"""The compiler wrapper: cc, gcc, c++, g++, ld, ar, ranlib and strip for the wasm cross build.

Each shim in the cross environment's bin/ runs `python wrapper.py TOOL ARGS...`. The wrapper
expands @response files (ninja and CMake write them for long command lines), drops or rewrites the
flags that mean nothing or something wrong for WebAssembly, adds the runtime's ABI flags (the
Makefile's ABI_FLAGS; side modules get -sSIDE_MODULE=1) and runs emcc, em++, emar or llvm-strip.
The prefixes in $SANGAM_LIB_PREFIXES (the package set's native libraries) are
added as include and library folders, after the build's own. A host package's folders (numpy's
headers in the build environment) become its wasm wheel's, unpacked in $SANGAM_TARGET_SITE. Every dropped or rewritten flag is one JSON line in $SANGAM_FLAG_LOG; with $SANGAM_STRICT=1 such a
flag is an error instead. A compile-only command (-c, -E, -S) runs clang itself with the flags
emcc would give it (clang-flags.json, from `emcc --cflags`), which saves emcc's start-up, most of a
configure check's time. Runs with the standard library only.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

# The ABI every module of the runtime shares (Makefile: ABI_FLAGS).
ABI_FLAGS = ["-fPIC", "-fwasm-exceptions", "-sSUPPORT_LONGJMP=wasm"]
# Added when linking a shared library (a side module) or an executable.
LINK_FLAGS = ["-sWASM_BIGINT"]
SIDE_MODULE_FLAGS = ["-sSIDE_MODULE=1"]

# Flags dropped whole, with the reason: exact names, then prefixes.
DROP_EXACT = {
    "-pthread": "no threads in the runtime",
    "-pthreads": "no threads in the runtime",
    "-lpthread": "no threads in the runtime (libc has the stubs)",
    "-lrt": "part of libc here",
    "-lutil": "part of libc here",
    "-m64": "wasm32 only",
    "-m32": "wasm32 is the target already",
    "-fopenmp": "no threads in the runtime",
    "-Wl,--no-undefined": "a side module's symbols are resolved when it is loaded",
    "-Wl,-z,defs": "a side module's symbols are resolved when it is loaded",
    "-Wl,--as-needed": "not supported by wasm-ld",
    "-Wl,--no-as-needed": "not supported by wasm-ld",
    "-Wl,-Bsymbolic": "not supported by wasm-ld",
    "-Wl,-Bsymbolic-functions": "not supported by wasm-ld",
    "-Wl,--exclude-libs,ALL": "not supported by wasm-ld",
    "-rdynamic": "exports are chosen by the side-module link",
    "-Wl,-export-dynamic": "exports are chosen by the side-module link",
    "-Wl,--export-dynamic": "exports are chosen by the side-module link",
    "-Wl,-O1": "wasm-ld optimizes with -O",
}
DROP_PREFIX = {
    "-march=": "wasm32 has one architecture",
    "-mtune=": "wasm32 has one architecture",
    "-mcpu=": "wasm32 has one architecture",
    "-mfpmath=": "x86 only",
    "-msse": "x86 only",
    "-mavx": "x86 only",
    "-mfma": "x86 only",
    "-mpopcnt": "x86 only",
    "-Wl,--version-script": "wasm-ld has no version scripts",
    "-Wl,-soname": "wasm side modules carry no soname",
    "-Wl,-h,": "wasm side modules carry no soname",
    "-Wl,-z,": "ELF-only linker option",
    "-Wl,--hash-style": "ELF-only linker option",
    "-Wl,--build-id": "ELF-only linker option",
    "-fstack-protector": "no stack protector runtime here",
    "-fstack-clash-protection": "no stack probes on wasm",
    "-fcf-protection": "x86 only",
    "-lpython3": "extension modules resolve Python's symbols from the main module",
}
# Flags that take the next argument as their value and are dropped with it.
DROP_WITH_VALUE = {"-soname": "wasm side modules carry no soname"}


def log_event(event):
    path = os.environ.get("SANGAM_FLAG_LOG")
    event["cwd"] = os.getcwd()
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(event, sort_keys=True) + "\n")


def expand_rsp(args, depth=0):
    """Replaces each @file argument by the arguments it holds (recursively, as GCC does)."""
    out = []
    for a in args:
        if a.startswith("@") and len(a) > 1 and depth < 10 and os.path.isfile(a[1:]):
            with open(a[1:], encoding="utf-8", errors="surrogateescape") as f:
                out.extend(expand_rsp(shlex.split(f.read()), depth + 1))
        else:
            out.append(a)
    return out


def _is_debug_flag(a):
    return a in ("-g", "-g1", "-g2", "-g3", "-ggdb", "-gdwarf", "-gdwarf-4", "-gdwarf-5") or (
        a.startswith("-ggdb") or a.startswith("-gdwarf")
    )


def rewrite(tool, args, env=os.environ):
    """Returns (new_args, events) for a compiler-driver command line."""
    host_incs = [p for p in env.get("SANGAM_HOST_INCLUDES", "").split(os.pathsep) if p]
    target_inc = env.get("SANGAM_TARGET_INCLUDE", "")
    keep_debug = env.get("SANGAM_KEEP_DEBUG") == "1"
    out, events = [], []

    def drop(flag, reason):
        events.append({"tool": tool, "action": "dropped", "flag": flag, "reason": reason})

    def rewritten(flag, to, reason):
        events.append({"tool": tool, "action": "rewritten", "flag": flag, "to": to, "reason": reason})

    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a in DROP_EXACT:
            drop(a, DROP_EXACT[a])
            continue
        if a in DROP_WITH_VALUE and i < len(args):
            drop(f"{a} {args[i]}", DROP_WITH_VALUE[a])
            i += 1
            continue
        reason = next((r for p, r in DROP_PREFIX.items() if a.startswith(p)), None)
        if reason:
            drop(a, reason)
            continue
        if _is_debug_flag(a) and not keep_debug:
            drop(a, "no debug info in wheels (SANGAM_KEEP_DEBUG=1 keeps it)")
            continue
        if a == "-I" and i < len(args):
            a = "-I" + args[i]
            i += 1
        if a.startswith("-I") or a.startswith("-isystem"):
            flag = "-I" if a.startswith("-I") else "-isystem"
            path = a[len(flag):] or ""
            if not path and flag == "-isystem" and i < len(args):
                path = args[i]
                i += 1
            norm = os.path.normpath(path) if path else path
            if target_inc and any(norm == os.path.normpath(h) for h in host_incs):
                rewritten(a, flag + target_inc, "the host Python's headers describe another platform")
                out.append(flag + target_inc)
                continue
            target = target_package_path(norm, env)
            if target:
                rewritten(a, flag + target, "a host package's headers describe another platform: its wasm wheel's")
                out.append(flag + target)
                continue
            out.append(flag + path)
            continue
        if a.startswith("-L") and any(os.path.normpath(a[2:]) == os.path.normpath(h) for h in
                                      env.get("SANGAM_HOST_LIBDIRS", "").split(os.pathsep) if h):
            drop(a, "the host Python's libraries are for another platform")
            continue
        if a.startswith("-L") and target_package_path(os.path.normpath(a[2:]), env):
            to = "-L" + target_package_path(os.path.normpath(a[2:]), env)
            rewritten(a, to, "a host package's libraries are for another platform: its wasm wheel's")
            out.append(to)
            continue
        out.append(a)
    return out, events


def target_package_path(path, env=os.environ):
    """For a folder inside a host package installed in the build environment (numpy's headers,
    .../site-packages/numpy/_core/include), the same folder of the package's wasm wheel, unpacked
    in one of $SANGAM_TARGET_SITE's folders; else None."""
    sites = [p for p in env.get("SANGAM_TARGET_SITE", "").split(os.pathsep) if p]
    marker = os.sep + "site-packages" + os.sep
    if not sites or marker not in path:
        return None
    rel = path.rsplit(marker, 1)[1]
    for site in sites:
        if path.startswith(os.path.normpath(site) + os.sep):
            return None
        if os.path.isdir(os.path.join(site, rel.split(os.sep)[0])) and os.path.isdir(os.path.join(site, rel)):
            return os.path.join(site, rel)
    return None


def classify(args):
    """'compile' (-c/-S/-E/-M only), 'shared' (a side module) or 'exe'."""
    if any(a in ("-c", "-S", "-E") for a in args) or "-M" in args or "-MM" in args:
        return "compile"
    if "-shared" in args:
        return "shared"
    out = None
    for j, a in enumerate(args):
        if a == "-o" and j + 1 < len(args):
            out = args[j + 1]
    if out and (out.endswith(".so") or ".so." in os.path.basename(out)):
        return "shared"
    if "--version" in args or "-v" in args or "-dumpversion" in args or "-dumpmachine" in args:
        return "query"
    return "exe"


def compiler(tool, args):
    args = expand_rsp(args)
    args, events = rewrite(tool, args)
    strict = os.environ.get("SANGAM_STRICT") == "1"
    for e in events:
        log_event(e)
    if strict and events:
        for e in events:
            to = f" -> {e['to']}" if "to" in e else ""
            sys.stderr.write(f"sangam-build --strict: {tool} {e['action']} {e['flag']}{to} ({e['reason']})\n")
        return 1
    mode = classify(args)
    extra = [] if mode == "query" else list(ABI_FLAGS)
    if mode == "shared":
        extra += SIDE_MODULE_FLAGS + LINK_FLAGS
        if "-shared" not in args:
            extra.append("-shared")
    elif mode == "exe":
        extra += LINK_FLAGS
    # The package set's native libraries (tools/build-pkglibs.sh): searched after the build's own paths.
    for prefix in lib_prefixes():
        if mode != "query":
            extra.append(f"-I{prefix}/include")
        if mode in ("shared", "exe"):
            extra.append(f"-L{prefix}/lib")
    driver = "em++" if tool in ("c++", "g++", "clang++", "cxx") else "emcc"
    cmd = [driver] + args + [a for a in extra if a not in args]
    direct = mode == "compile" and direct_compile(driver, args, extra)
    return run(direct or cmd)


# emcc options clang does not know, which send a compile through emcc itself.
_EMCC_ONLY = re.compile(r"-s$|-s[A-Z_]|-flto|-gsource-map|-gseparate-dwarf|--(?!target=|sysroot|param|std=)")


def direct_compile(driver, args, extra):
    """A compile-only command for clang itself (emcc's and em++'s `--cflags`, which crossenv.py
    records in clang-flags.json beside the wrapper: the same object file without emcc's start-up),
    or None when the command needs emcc (an emcc option, $EMCC_CFLAGS, no recorded flags)."""
    if os.environ.get("EMCC_CFLAGS") or os.environ.get("SANGAM_VIA_EMCC") == "1":
        return None
    if any(_EMCC_ONLY.match(a) for a in args):
        return None
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "clang-flags.json")) as f:
            recorded = json.load(f)
    except OSError:
        return None
    flags = recorded["flags"]["c++" if driver == "em++" else "c"]
    # The ABI flags are in the recorded ones already (-sSUPPORT_LONGJMP=wasm as clang's -mllvm form).
    more = [a for a in extra if a not in ABI_FLAGS and a not in args]
    return [recorded["clang"], *flags, *args, *more]


def lib_prefixes(env=os.environ):
    """The wasm library prefixes a package set build links against ($SANGAM_LIB_PREFIXES, ':'-separated)."""
    return [p for p in env.get("SANGAM_LIB_PREFIXES", "").split(os.pathsep) if p]


def tool_env():
    # The cross-build variables are for the host Python running the backend, not for emcc's.
    env = dict(os.environ)
    for k in ("_PYTHON_SYSCONFIGDATA_NAME", "_PYTHON_HOST_PLATFORM", "PYTHONPATH", "PYTHONHOME"):
        env.pop(k, None)
    return env


def run(cmd):
    # Long command lines go to emcc through a response file of our own.
    if sum(len(a) + 1 for a in cmd) > 100_000:
        fd, rsp = tempfile.mkstemp(suffix=".rsp", prefix="sangam-")
        with os.fdopen(fd, "w") as f:
            f.write(" ".join(shlex.quote(a) for a in cmd[1:]))
        try:
            return subprocess.call([cmd[0], "@" + rsp], env=tool_env())
        finally:
            os.unlink(rsp)
    return subprocess.call(cmd, env=tool_env())


def main(argv):
    tool, args = argv[1], argv[2:]
    if tool in ("cc", "gcc", "c++", "g++", "clang", "clang++", "cxx"):
        return compiler(tool, args)
    if tool == "ld":
        # A direct linker call: wasm-ld takes ld's own syntax.
        args = expand_rsp(args)
        return run(["wasm-ld"] + args)
    if tool == "ar":
        return run(["emar"] + args)
    if tool == "ranlib":
        return run(["emranlib"] + args)
    if tool == "strip":
        return run(["llvm-strip"] + expand_rsp(args))
    sys.stderr.write(f"sangam wrapper: unknown tool {tool}\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
