"""The cross environment: what a PEP 517 backend running on the host needs to build for the runtime.

It is one folder in the cache, made from the wasm CPython build and the toolchain the cache already
holds: the target's headers (include/python3.13), its _sysconfigdata with the compiler names
pointing at the wrappers (sysconfig/), the compiler wrappers and pkg-config (bin/, running the
copy of wrapper.py in libexec/), a CMake toolchain and platform file (cmake/). Nothing in it names
the checkout that made it, so checkouts at other paths share it. `environ()` gives the variables a backend runs with; `meson_cross_file()`
writes the cross file for one build. Runs with the standard library only.
"""

import hashlib
import json
import os
import pprint
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SYSCONFIG_NAME = "_sysconfigdata__emscripten_wasm32-emscripten"
# The platform as sysconfig.get_platform() reports it inside the runtime; wheel tags follow from it
# (emscripten_3_1_69_wasm32).
EMSCRIPTEN_VERSION = "3.1.69"
HOST_PLATFORM = f"emscripten-{EMSCRIPTEN_VERSION}-wasm32"
PLATFORM_TAG = HOST_PLATFORM.replace("-", "_").replace(".", "_")
WHEEL_TAG = f"cp313-cp313-{PLATFORM_TAG}"
EXT_SUFFIX = ".cpython-313-wasm32-emscripten.so"
TOOLS = ("cc", "gcc", "clang", "c++", "g++", "clang++", "ld", "ar", "ranlib", "strip")


def cache_dir():
    return Path(os.environ.get("SANGAM_CACHE") or Path.home() / ".cache" / "sangam")


def read_paths(repo=REPO):
    """The cached builds' paths, from build/paths.mk (tools/setup.sh writes it; `make` runs it)."""
    mk = repo / "build" / "paths.mk"
    if not mk.exists():
        raise SystemExit(f"sangam-build: {mk} is missing; run `make` first (it builds the toolchain and CPython)")
    paths = {}
    for line in mk.read_text().splitlines():
        m = re.match(r"^([A-Z_]+) := (.*)$", line)
        if m:
            paths[m.group(1)] = m.group(2).strip()
    return paths


def em_environ(env_sh):
    """The variables the toolchain's env.sh exports (EM_CONFIG, EMSDK_PYTHON, PATH)."""
    out = {}
    for line in Path(env_sh).read_text().splitlines():
        m = re.match(r"^export ([A-Z_]+)=(.*)$", line)
        if not m:
            continue
        name, value = m.group(1), m.group(2)
        parts = shlex.split(value.replace("$PATH", "\0PATH\0"))
        out[name] = "".join(parts).replace("\0PATH\0", "")
    out["PATH"] = out.get("PATH", "").rstrip(":")
    return out


# Build requirements' config tools meson may ask for (pybind11's, for contourpy and matplotlib).
CONFIG_TOOLS = ("pybind11-config",)


class CrossEnv:
    def __init__(self, paths, host_python):
        self.paths = paths
        self.host_python = host_python
        self.em = em_environ(paths["EM_ENV"])
        key = hashlib.sha256()
        for part in (paths["EM_ENV"], paths["WASM_LIBS"], paths["PY_BUILD"], host_python,
                     (HERE / "crossenv.py").read_text(), (HERE / "wrapper.py").read_text()):
            key.update(part.encode() + b"\0")
        self.key = key.hexdigest()[:12]
        self.dir = cache_dir() / f"buildtool-cross-{self.key}"
        self.bin = self.dir / "bin"
        self.include = self.dir / "include" / "python3.13"

    @property
    def sysconfig_src(self):
        found = sorted(Path(self.paths["PY_BUILD"]).glob(f"build/lib.*/{SYSCONFIG_NAME}.py"))
        if not found:
            raise SystemExit(f"sangam-build: no {SYSCONFIG_NAME}.py in {self.paths['PY_BUILD']}; run `make`")
        return found[0]

    def ensure(self):
        if (self.dir / ".complete").exists() and (self.dir / "libexec" / "sangam_wrapper.py").exists():
            return self
        tmp = self.dir.with_name(self.dir.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "bin").mkdir(parents=True)
        inc = tmp / "include" / "python3.13"
        shutil.copytree(Path(self.paths["PY_SRC"]) / "Include", inc)
        shutil.copy(Path(self.paths["PY_BUILD"]) / "pyconfig.h", inc / "pyconfig.h")
        (tmp / "lib").mkdir()
        self._write_sysconfig(tmp)
        self._write_tools(tmp)
        self._write_cmake(tmp)
        (tmp / ".complete").write_text("")
        if (self.dir / ".complete").exists() and (self.dir / "libexec" / "sangam_wrapper.py").exists():
            shutil.rmtree(tmp)  # another build made it meanwhile
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
            tmp.rename(self.dir)
        return self

    def _write_sysconfig(self, root):
        ns = {}
        exec(compile(self.sysconfig_src.read_text(), str(self.sysconfig_src), "exec"), ns)
        v = dict(ns["build_time_vars"])
        b = self.bin
        libs = self.paths["WASM_LIBS"]
        old_libs = re.compile(r"-L\S*/libs-[0-9a-f]+/lib")
        for name, value in list(v.items()):
            if isinstance(value, str):
                value = old_libs.sub(f"-L{libs}/lib", value)
                # The compiler the build recorded: whatever cache path it had, the wrapper now.
                value = re.sub(r"\S*/emscripten/emcc\b", str(b / "cc"), value)
                value = re.sub(r"\S*/emscripten/em\+\+", str(b / "c++"), value)
                value = re.sub(r"\S*/emscripten/emar\b", str(b / "ar"), value)
                v[name] = value
        v.update({
            "CC": str(b / "cc"), "CXX": str(b / "c++"), "AR": str(b / "ar"),
            "LDSHARED": f"{b / 'cc'} -shared", "LDCXXSHARED": f"{b / 'c++'} -shared",
            "BLDSHARED": f"{b / 'cc'} -shared",
            "INCLUDEPY": str(self.include), "CONFINCLUDEPY": str(self.include),
            "INCLUDEDIR": str(self.dir / "include"), "CONFINCLUDEDIR": str(self.dir / "include"),
            "LIBDIR": str(self.dir / "lib"), "LIBPL": str(self.dir / "lib"),
        })
        (root / "sysconfig").mkdir()
        (root / "sysconfig" / "sitecustomize.py").write_text(TARGET_RUN.replace("@EXT_SUFFIX@", EXT_SUFFIX))
        (root / "sysconfig" / f"{SYSCONFIG_NAME}.py").write_text(
            "# The wasm CPython's build-time configuration, compilers pointed at sangam-build's wrappers.\n"
            f"build_time_vars = {pprint.pformat(v, width=120)}\n")

    def _write_tools(self, root):
        # The cross environment holds its own copy of the wrapper (its key covers the text), so it
        # does not depend on the checkout that made it: a cache shared by checkouts at other paths,
        # or one whose checkout is gone, still works.
        (root / "libexec").mkdir()
        shutil.copy(HERE / "wrapper.py", root / "libexec" / "sangam_wrapper.py")
        self._write_clang_flags(root / "libexec" / "clang-flags.json")
        wrapper = self.dir / "libexec" / "sangam_wrapper.py"
        for tool in TOOLS:
            p = root / "bin" / tool
            p.write_text(f'#!/bin/sh\nexec {shlex.quote(self.host_python)} -S -E {shlex.quote(str(wrapper))} {tool} "$@"\n')
            p.chmod(0o755)
        pc = root / "bin" / "pkg-config"
        pc.write_text("#!/bin/sh\n# pkg-config for the wasm libraries only; prefixes follow where the .pc files are.\n"
                      "# $SANGAM_LIB_PREFIXES (the package set's native libraries) come first.\n"
                      f"libdir={shlex.quote(self.pkg_config_libdir)}\n"
                      "IFS=:; for p in $SANGAM_LIB_PREFIXES; do libdir=\"$p/lib/pkgconfig:$libdir\"; done; unset IFS\n"
                      'PKG_CONFIG_LIBDIR="$libdir" PKG_CONFIG_PATH= exec /usr/bin/pkg-config --define-prefix "$@"\n')
        pc.chmod(0o755)

    def _write_clang_flags(self, path):
        """What emcc and em++ pass to clang when they only compile (`--cflags`, with the ABI flags),
        so the wrapper can run clang itself for -c/-E/-S: emcc's own start-up is most of a small
        compile's time (a configure check's)."""
        sys.path.insert(0, str(HERE))
        try:
            from wrapper import ABI_FLAGS
        finally:
            sys.path.pop(0)
        env = dict(os.environ, **self.em)
        env["PATH"] = f"{self.em['PATH']}:{os.environ.get('PATH', '/usr/bin:/bin')}"
        flags = {}
        for lang, driver in (("c", "emcc"), ("c++", "em++")):
            r = subprocess.run([driver, *ABI_FLAGS, "--cflags"], env=env, capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"sangam-build: `{driver} --cflags` failed: {r.stderr.strip()}")
            flags[lang] = shlex.split(r.stdout)
        clang = shutil.which("clang", path=self.em["PATH"])
        if not clang:
            raise SystemExit(f"sangam-build: no clang on emcc's PATH ({self.em['PATH']})")
        path.write_text(json.dumps({"clang": clang, "flags": flags}, indent=1) + "\n")

    @property
    def pkg_config_libdir(self):
        return f"{self.paths['WASM_LIBS']}/lib/pkgconfig"

    def _write_cmake(self, root):
        (root / "cmake" / "Platform").mkdir(parents=True)
        b = self.bin
        (root / "cmake" / "toolchain.cmake").write_text(f"""\
# sangam-build's CMake toolchain: the runtime's wasm32 Emscripten platform through the wrappers.
set(CMAKE_SYSTEM_NAME Emscripten)
set(CMAKE_SYSTEM_VERSION {EMSCRIPTEN_VERSION})
set(CMAKE_SYSTEM_PROCESSOR wasm32)
list(APPEND CMAKE_MODULE_PATH "{root.parent / self.dir.name / 'cmake'}")
set(CMAKE_C_COMPILER "{b / 'cc'}")
set(CMAKE_CXX_COMPILER "{b / 'c++'}")
set(CMAKE_AR "{b / 'ar'}" CACHE FILEPATH "")
set(CMAKE_RANLIB "{b / 'ranlib'}" CACHE FILEPATH "")
set(CMAKE_STRIP "{b / 'strip'}" CACHE FILEPATH "")
set(PKG_CONFIG_EXECUTABLE "{b / 'pkg-config'}" CACHE FILEPATH "")
set(CMAKE_FIND_ROOT_PATH "{self.paths['WASM_LIBS']}")
# The package set's native libraries (tools/build-pkglibs.sh), when a build has them.
if(DEFINED ENV{{SANGAM_LIB_PREFIXES}})
  string(REPLACE ":" ";" _sangam_lib_prefixes "$ENV{{SANGAM_LIB_PREFIXES}}")
  list(APPEND CMAKE_FIND_ROOT_PATH ${{_sangam_lib_prefixes}})
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_CROSSCOMPILING_EMULATOR node)
# Loaded after CMake's own platform files (CMake 4 has an Emscripten platform that names modules .wasm).
set(CMAKE_USER_MAKE_RULES_OVERRIDE "{self.dir / 'cmake' / 'overrides.cmake'}")
""")
        (root / "cmake" / "overrides.cmake").write_text("""\
# sangam-build: shared libraries and modules are wasm side modules named .so, as the runtime loads them.
set(CMAKE_SHARED_LIBRARY_SUFFIX ".so")
set(CMAKE_SHARED_MODULE_SUFFIX ".so")
set(CMAKE_EXECUTABLE_SUFFIX ".js")
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS TRUE)
""")
        (root / "cmake" / "Platform" / "Emscripten.cmake").write_text("""\
# The Emscripten platform for CMake as sangam uses it: shared libraries are wasm side modules (.so).
set(UNIX 1)
set(EMSCRIPTEN 1)
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS TRUE)
set(CMAKE_EXECUTABLE_SUFFIX ".js")
set(CMAKE_STATIC_LIBRARY_PREFIX "lib")
set(CMAKE_STATIC_LIBRARY_SUFFIX ".a")
set(CMAKE_SHARED_LIBRARY_PREFIX "lib")
set(CMAKE_SHARED_LIBRARY_SUFFIX ".so")
set(CMAKE_SHARED_MODULE_PREFIX "lib")
set(CMAKE_SHARED_MODULE_SUFFIX ".so")
set(CMAKE_FIND_LIBRARY_PREFIXES "lib")
set(CMAKE_FIND_LIBRARY_SUFFIXES ".a" ".so")
set(CMAKE_DL_LIBS "")
foreach(lang C CXX)
  set(CMAKE_${lang}_COMPILE_OPTIONS_PIC "-fPIC")
  set(CMAKE_${lang}_COMPILE_OPTIONS_PIE "-fPIC")
  set(CMAKE_SHARED_LIBRARY_${lang}_FLAGS "-fPIC")
  set(CMAKE_SHARED_LIBRARY_CREATE_${lang}_FLAGS "-shared")
  set(CMAKE_SHARED_MODULE_CREATE_${lang}_FLAGS "-shared")
  set(CMAKE_${lang}_LINK_OPTIONS_PIE "")
  set(CMAKE_${lang}_LINK_OPTIONS_NO_PIE "")
endforeach()
""")

    def environ(self, flag_log, strict=False):
        """The variables a PEP 517 backend runs with for a cross build."""
        host_include = Path(self.host_python).resolve().parent.parent / "include" / "python3.13"
        b = self.bin
        env = {
            "_PYTHON_SYSCONFIGDATA_NAME": SYSCONFIG_NAME,
            "_PYTHON_HOST_PLATFORM": HOST_PLATFORM,
            "PYTHONPATH": str(self.dir / "sysconfig"),
            "PATH": f"{b}:{self.em['PATH']}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "EM_CONFIG": self.em["EM_CONFIG"],
            "EMSDK_PYTHON": self.em.get("EMSDK_PYTHON", "/usr/bin/python3"),
            "CC": str(b / "cc"), "CXX": str(b / "c++"),
            "LDSHARED": f"{b / 'cc'} -shared", "LDCXXSHARED": f"{b / 'c++'} -shared",
            "AR": str(b / "ar"), "RANLIB": str(b / "ranlib"), "STRIP": str(b / "strip"),
            "PKG_CONFIG": str(b / "pkg-config"),
            "PKG_CONFIG_LIBDIR": self.pkg_config_libdir, "PKG_CONFIG_PATH": "",
            "CMAKE_TOOLCHAIN_FILE": str(self.dir / "cmake" / "toolchain.cmake"),
            "SANGAM_FLAG_LOG": str(flag_log),
            "SANGAM_TARGET_RUN": str(REPO / "bin" / "sangam"),
            "SANGAM_STRICT": "1" if strict else "0",
            "SANGAM_TARGET_INCLUDE": str(self.include),
            "SANGAM_HOST_INCLUDES": os.pathsep.join(
                [str(host_include), str(Path(self.paths["PY_NATIVE"]) / "include" / "python3.13")]),
            "SANGAM_HOST_LIBDIRS": str(Path(self.paths["PY_NATIVE"]) / "lib"),
        }
        return env

    def meson_cross_file(self, path, python):
        b = self.bin
        lib_prefixes = [p for p in os.environ.get("SANGAM_LIB_PREFIXES", "").split(os.pathsep) if p]
        q = lambda s: "'" + str(s).replace("'", "\\'") + "'"
        # Config tools of the build requirements (meson looks them up in the cross file only).
        env_bin = Path(python).parent
        tools = "".join(f"{t} = {q(env_bin / t)}\n" for t in CONFIG_TOOLS if (env_bin / t).exists())
        Path(path).write_text(f"""\
# sangam-build's meson cross file: the runtime's wasm32 Emscripten platform through the wrappers.
[binaries]
c = {q(b / 'cc')}
cpp = {q(b / 'c++')}
ar = {q(b / 'ar')}
strip = {q(b / 'strip')}
pkg-config = {q(b / 'pkg-config')}
pkgconfig = {q(b / 'pkg-config')}
cmake = 'cmake'
python = {q(python)}
python3 = {q(python)}
{tools}
[properties]
needs_exe_wrapper = true
skip_sanity_check = true
longdouble_format = 'IEEE_QUAD_LE'
pkg_config_libdir = {q(':'.join([*(f"{p}/lib/pkgconfig" for p in reversed(lib_prefixes)), self.pkg_config_libdir]))}

[host_machine]
system = 'emscripten'
cpu_family = 'wasm32'
cpu = 'wasm32'
endian = 'little'
""")
        return path


# sitecustomize.py beside the target's sysconfig (so in every Python a backend starts): a build step
# on the host that imports an extension module built for the runtime (a stub generator, say) is
# started again under sangam, with the folders it uses mounted.
TARGET_RUN = """\
# sangam-build: a host Python that imports a module built for the runtime re-runs under sangam.
import os, sys
if sys.platform != "emscripten" and os.environ.get("SANGAM_TARGET_RUN"):
    class _SangamTargetModules:
        suffixes = ("@EXT_SUFFIX@", ".abi3.so", ".so")

        @classmethod
        def find_spec(cls, name, path=None, target=None):
            base = name.rpartition(".")[2]
            for d in path or sys.path:
                for suffix in cls.suffixes:
                    f = os.path.join(d or ".", base + suffix)
                    try:
                        with open(f, "rb") as fh:
                            is_wasm = fh.read(4) == b"\\0asm"
                    except OSError:
                        continue
                    if is_wasm:
                        cls.rerun(f)
            return None

        @staticmethod
        def rerun(module_file):
            here = os.path.dirname(os.path.abspath(__file__))
            dirs = [os.path.abspath(p or ".") for p in sys.path]
            dirs = [p for p in dirs if os.path.isdir(p) and p != here and not p.startswith(sys.base_prefix)]
            env = {k: v for k, v in os.environ.items()
                   if k not in ("_PYTHON_SYSCONFIGDATA_NAME", "_PYTHON_HOST_PLATFORM", "PYTHONHOME")}
            env["PYTHONPATH"] = os.pathsep.join(dirs)
            env["SANGAM_MOUNTS"] = os.pathsep.join(dirs + [os.getcwd()])
            sys.stderr.write(f"sangam-build: {module_file} is built for the runtime; running this step under sangam\\n")
            sys.stdout.flush()
            sys.stderr.flush()
            sangam = os.environ["SANGAM_TARGET_RUN"]
            os.execve(sangam, [sangam, *sys.orig_argv[1:]], env)

    sys.meta_path.append(_SangamTargetModules)
"""


def strip_cross(env):
    """The environment without the cross-build variables (for host tools run from a build)."""
    env = dict(env)
    for k in ("_PYTHON_SYSCONFIGDATA_NAME", "_PYTHON_HOST_PLATFORM", "PYTHONPATH", "PYTHONHOME"):
        env.pop(k, None)
    return env


if __name__ == "__main__":
    ce = CrossEnv(read_paths(), sys.executable).ensure()
    print(ce.dir)
