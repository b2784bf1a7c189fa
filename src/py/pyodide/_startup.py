"""Start-up hooks for asyncio, installed the first time asyncio is imported (so start-up does not
pay for importing it). In the library runtime (library(), called by the JS loader) asyncio's loop
is the one driven by the JS event loop (pyodide.webloop). On the command line (command_line(),
called by the CLI) Python runs to completion before JS gets control back, so asyncio keeps its own
loop, minus the self-pipe it cannot make here (no socketpair): asyncio.run works."""

import sys
from importlib.machinery import PathFinder

import _sangam_optional  # noqa: F401 - the optional standard library's finder, in both modes

# pyodide.webloop imports asyncio itself: whichever of the two finishes last installs the loop.
_WATCHED = ("asyncio", "pyodide.webloop")


def _install_command_line():
    if _Finder in sys.meta_path:
        sys.meta_path.remove(_Finder)
    import asyncio

    class CommandLineLoop(asyncio.SelectorEventLoop):
        """asyncio's loop without the self-pipe (it only wakes the loop from other threads and
        signal handlers, which this platform does not have)."""

        def _make_self_pipe(self):
            self._ssock = self._csock = None

        def _close_self_pipe(self):
            pass

        def _write_to_self(self):
            pass

    class CommandLinePolicy(asyncio.DefaultEventLoopPolicy):
        _loop_factory = CommandLineLoop

    asyncio.set_event_loop_policy(CommandLinePolicy())


_mode = None


def _install():
    if _mode == "command_line":
        _install_command_line()
        return
    webloop = sys.modules.get("pyodide.webloop")
    if webloop is not None and not hasattr(webloop, "install"):
        return  # webloop is still being imported; its own hook will install
    if _Finder in sys.meta_path:
        sys.meta_path.remove(_Finder)
    from pyodide import webloop

    webloop.install()


class _InstallAfter:
    """Wraps a module's loader so that the WebLoop is installed once the module has run."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _install()

    def __getattr__(self, name):
        return getattr(self.loader, name)


class _Finder:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in _WATCHED or (_mode == "command_line" and name != "asyncio"):
            return None
        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _InstallAfter(spec.loader)
        return spec


def _hook(mode):
    global _mode
    _mode = mode
    if "asyncio" in sys.modules:
        _install()
    elif _Finder not in sys.meta_path:
        sys.meta_path.insert(0, _Finder)


def _patch_json(json):
    """json.dumps writes jsnull as null (as in Pyodide): the encoders' default() fallback."""
    from _sangam_ffi import jsnull

    default = json.JSONEncoder.default

    def encode_jsnull(self, o):
        return None if o is jsnull else default(self, o)

    json.JSONEncoder.default = encode_jsnull


class _PatchAfter(_InstallAfter):
    def exec_module(self, module):
        self.loader.exec_module(module)
        _patch_json(module)


class _JsonFinder:
    """Patches json the first time it is imported (start-up does not pay for importing it)."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "json":
            return None
        sys.meta_path.remove(cls)
        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchAfter(spec.loader)
        return spec


def library():
    # As in Pyodide (and `python -c`): modules in the working directory import.
    if sys.path[:1] != [""]:
        sys.path.insert(0, "")
    if "json" in sys.modules:
        _patch_json(sys.modules["json"])
    elif _JsonFinder not in sys.meta_path:
        sys.meta_path.insert(0, _JsonFinder)
    _hook("library")


def command_line():
    _hook("command_line")
