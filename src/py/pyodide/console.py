"""A REPL console (Console, PyodideConsole): line input, top-level await, streams, completion."""

import __future__
import ast
import asyncio
import codeop
import contextlib
import functools
import io
import operator
import platform
import rlcompleter
import sys
import traceback
from collections.abc import Callable, Generator
from typing import Any, Literal

from .code import CodeRunner

__all__ = ["Console", "PyodideConsole", "BANNER", "repr_shorten", "ConsoleFuture"]

BANNER = (
    f"Python {platform.python_version()} ({', '.join(platform.python_build())})"
    " on WebAssembly/Emscripten\n"
    'Type "help", "copyright", "credits" or "license" for more information.'
)

ConsoleFutureStatus = Literal["incomplete", "syntax-error", "complete"]
INCOMPLETE: ConsoleFutureStatus = "incomplete"
SYNTAX_ERROR: ConsoleFutureStatus = "syntax-error"
COMPLETE: ConsoleFutureStatus = "complete"

# What GNU readline treats as word breaks: every non-alphanumeric character but "_" and ".".
_WORD_BREAKS = " \t\n`~!@#$%^&*()-=+[{]}\\|;:'\",<>/?"
_FUTURE_FEATURES = [getattr(__future__, name) for name in __future__.all_feature_names]


class _Stream(io.TextIOBase):
    encoding = "utf-8"
    errors = "strict"

    def __init__(self, callback: Callable[..., Any], name: str) -> None:
        self._callback = callback
        self.name = name

    def isatty(self) -> bool:
        return True

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file.")


class _WriteStream(_Stream):
    """A text stream that hands every write to ``callback(text)``."""

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self._check_open()
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        s.encode(self.encoding, self.errors)  # reject what a real stream would reject
        written = self._callback(s)
        return len(s) if written is None else written


class _ReadStream(_Stream):
    """A text stream that reads from ``callback(size)``; size -1 asks for whatever is
    available, and an empty string means end of file."""

    _pending = ""

    def readable(self) -> bool:
        return True

    def _fill(self, size: int) -> bool:
        got = self._callback(size if size < 0 else size - len(self._pending))
        self._pending += got
        return bool(got)

    def _take(self, n: int) -> str:
        text, self._pending = self._pending[:n], self._pending[n:]
        return text

    def read(self, size: int | None = -1) -> str:
        self._check_open()
        size = -1 if size is None else operator.index(size)
        while (size < 0 or len(self._pending) < size) and self._fill(size):
            pass
        return self._take(len(self._pending) if size < 0 else size)

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        self._check_open()
        size = operator.index(size)
        while "\n" not in self._pending and (size < 0 or len(self._pending) < size):
            if not self._fill(size):
                break
        end = self._pending.find("\n") + 1 or len(self._pending)
        return self._take(end if size < 0 else min(end, size))


class _RunnerCompile(codeop.Compile):
    """codeop.Compile that makes CodeRunners allowing top-level await, and remembers
    the __future__ imports of what it compiled."""

    def __init__(self, dont_inherit: bool, optimize: int) -> None:
        super().__init__()
        self.flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        self._dont_inherit = dont_inherit
        self._optimize = optimize

    def __call__(  # type: ignore[override]
        self, source: str, filename: str, symbol: str, incomplete_input: bool = True
    ) -> CodeRunner:
        flags = self.flags
        if not incomplete_input:
            flags &= ~(codeop.PyCF_DONT_IMPLY_DEDENT | codeop.PyCF_ALLOW_INCOMPLETE_INPUT)
        runner = CodeRunner(
            source,
            mode=symbol,
            filename=filename,
            flags=flags,
            dont_inherit=self._dont_inherit,
            optimize=self._optimize,
        ).compile()
        for feature in _FUTURE_FEATURES:
            if runner.code.co_flags & feature.compiler_flag:
                self.flags |= feature.compiler_flag
        return runner


class ConsoleFuture(asyncio.Future):
    """The future :meth:`Console.push` and :meth:`Console.runsource` return.

    ``syntax_check`` says how far the input got: ``"incomplete"`` (more lines are needed;
    already resolved with ``None``), ``"syntax-error"`` (already rejected with the
    ``SyntaxError``) or ``"complete"`` (running; resolves with the value of the input or
    rejects with its exception). ``formatted_error`` holds the formatted error once the
    future is rejected.
    """

    syntax_check: ConsoleFutureStatus
    formatted_error: str | None

    def __init__(self, syntax_check: ConsoleFutureStatus, *, loop: Any = None) -> None:
        super().__init__(loop=loop)
        self.syntax_check = syntax_check
        self.formatted_error = None


class Console:
    """An interactive console in the manner of :class:`code.InteractiveConsole` whose code
    runs asynchronously (top-level ``await`` allowed) in ``globals``.

    ``globals`` defaults to a new namespace named ``__console__``. While code runs,
    ``sys.stdin``/``sys.stdout``/``sys.stderr`` are redirected to those of
    ``stdin_callback(size) -> str``, ``stdout_callback(text)`` and ``stderr_callback(text)``
    that are set; with ``persistent_stream_redirection`` they stay redirected until
    :meth:`persistent_restore_streams`. ``filename`` names the input in errors;
    ``dont_inherit`` and ``optimize`` are passed to :func:`compile`.
    """

    globals: dict[str, Any]
    stdin_callback: Callable[[int], str] | None
    stdout_callback: Callable[[str], int | None] | None
    stderr_callback: Callable[[str], int | None] | None
    buffer: list[str]
    """The lines pushed since the last complete input."""
    completer_word_break_characters: str
    """The characters that end the word :meth:`complete` completes."""

    def __init__(
        self,
        globals: dict[str, Any] | None = None,
        *,
        stdin_callback: Callable[[int], str] | None = None,
        stdout_callback: Callable[[str], int | None] | None = None,
        stderr_callback: Callable[[str], int | None] | None = None,
        persistent_stream_redirection: bool = False,
        filename: str = "<console>",
        dont_inherit: bool = False,
        optimize: int = -1,
    ) -> None:
        self.globals = {"__name__": "__console__", "__doc__": None} if globals is None else globals
        self.stdin_callback = stdin_callback
        self.stdout_callback = stdout_callback
        self.stderr_callback = stderr_callback
        self.filename = filename
        self.buffer = []
        self.completer_word_break_characters = _WORD_BREAKS
        self._compile = codeop.CommandCompiler()
        self._compile.compiler = _RunnerCompile(dont_inherit, optimize)
        self._lock = asyncio.Lock()
        self._redirected = False
        self._streams: dict[str, _Stream] = {}
        self._persistent: Generator[None] | None = None
        if persistent_stream_redirection:
            self.persistent_redirect_streams()

    # Standard streams.

    def _redirection(self) -> Generator[None]:
        """Redirect the streams that have a callback until resumed or closed; a no-op while
        a redirection of this console is already in force."""
        if self._redirected:
            yield
            return
        self._redirected = True
        replaced = {}
        try:
            for attr, callback, kind in (
                ("stdin", self.stdin_callback, _ReadStream),
                ("stdout", self.stdout_callback, _WriteStream),
                ("stderr", self.stderr_callback, _WriteStream),
            ):
                if callback:
                    replaced[attr] = old = getattr(sys, attr)
                    # Streams are kept while their callback is, so input read ahead survives.
                    stream = self._streams.get(attr)
                    if stream is None or stream._callback is not callback:
                        stream = kind(callback, getattr(old, "name", f"<{attr}>"))
                        self._streams[attr] = stream
                    setattr(sys, attr, stream)
            yield
        finally:
            for attr, old in replaced.items():
                setattr(sys, attr, old)
            self._redirected = False

    @contextlib.contextmanager
    def redirect_streams(self) -> Generator[None]:
        """Context manager redirecting the standard streams to the callbacks; nests."""
        yield from self._redirection()

    def persistent_redirect_streams(self) -> None:
        """Redirect the standard streams until :meth:`persistent_restore_streams`."""
        if self._persistent is None:
            self._persistent = self._redirection()
            next(self._persistent)

    def persistent_restore_streams(self) -> None:
        """Undo :meth:`persistent_redirect_streams`."""
        redirection, self._persistent = self._persistent, None
        if redirection is not None:
            redirection.close()

    # Running input.

    def push(self, line: str) -> ConsoleFuture:
        """Add ``line`` (without its newline) to :attr:`buffer` and run the buffer with
        :meth:`runsource`. The buffer is kept while the input is incomplete and emptied
        otherwise."""
        self.buffer.append(line)
        future = self.runsource("\n".join(self.buffer), self.filename)
        if future.syntax_check != INCOMPLETE:
            self.buffer = []
        return future

    def runsource(self, source: str, filename: str = "<console>") -> ConsoleFuture:
        """Compile ``source``; if it is complete and valid, start running it on the event loop."""
        try:
            runner = self._compile(source, filename, "single")
        except (OverflowError, SyntaxError, ValueError) as e:
            future = ConsoleFuture(SYNTAX_ERROR)
            future.formatted_error = self.formatsyntaxerror(e)
            future.set_exception(e.with_traceback(None))
            return future
        if runner is None:
            future = ConsoleFuture(INCOMPLETE)
            future.set_result(None)
            return future
        future = ConsoleFuture(COMPLETE)
        task = future.get_loop().create_task(self._runcode_locked(source, runner))
        task.add_done_callback(functools.partial(self._settle, future))
        future.add_done_callback(lambda f: task.cancel() if f.cancelled() else None)
        return future

    def _settle(self, future: ConsoleFuture, task: asyncio.Task) -> None:
        if future.done():
            return
        if task.cancelled():
            future.cancel()
        elif (exc := task.exception()) is not None:
            future.formatted_error = self.formattraceback(exc)
            future.set_exception(exc)
        else:
            future.set_result(task.result())

    async def _runcode_locked(self, source: str, code: CodeRunner) -> Any:
        async with self._lock:  # one input at a time, in order
            return await self.runcode(source, code)

    async def runcode(self, source: str, code: CodeRunner) -> Any:
        """Run the compiled input ``code`` with redirected streams and return its value."""
        with self.redirect_streams():
            try:
                return await code.run_async(self.globals)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()

    # Errors.

    def formatsyntaxerror(self, e: BaseException) -> str:
        """Format a syntax error (which has no useful traceback); record it in ``sys.last_exc``."""
        sys.last_exc = sys.last_value = e
        sys.last_type = type(e)
        sys.last_traceback = None
        return "".join(traceback.format_exception_only(e))

    def formattraceback(self, e: BaseException) -> str:
        """Format an exception raised by the input, without the frames of the console
        machinery above it; record it in ``sys.last_exc``."""
        sys.last_exc = sys.last_value = e
        sys.last_type = type(e)
        sys.last_traceback = e.__traceback__
        files = [frame.f_code.co_filename for frame, _ in traceback.walk_tb(e.__traceback__)]
        user = (self.filename, "<exec>")
        first = next((i for i, name in enumerate(files) if name in user), len(files))
        return "".join(traceback.format_exception(e, limit=first - len(files)))

    # Completion.

    def complete(self, source: str) -> tuple[list[str], int]:
        """Complete the last word of ``source`` with :mod:`rlcompleter` in :attr:`globals`.

        Returns the completions and the index in ``source`` where the word starts.

        >>> Console().complete("a = 5 ; str.isa")
        (['str.isalnum(', 'str.isalpha(', 'str.isascii('], 8)
        """
        start = max(map(source.rfind, self.completer_word_break_characters), default=-1) + 1
        word = source[start:]
        completer = rlcompleter.Completer(self.globals)
        matches = completer.attr_matches(word) if "." in word else completer.global_matches(word)
        return matches, start


class PyodideConsole(Console):
    """A :class:`Console` that loads the packages an input imports before running it."""

    async def runcode(self, source: str, code: CodeRunner) -> Any:
        await self._load_packages(source)
        return await super().runcode(source, code)

    async def _load_packages(self, source: str) -> None:
        """Load the packages ``source`` imports; nothing to do without a package loader."""
        try:
            from pyodide_js import loadPackagesFromImports
        except ImportError:
            return
        await loadPackagesFromImports(source)


def shorten(text: str, limit: int = 1000, split: int | None = None, separator: str = "...") -> str:
    """``text`` if it has at most ``limit`` characters, else its first and last ``split``
    characters (default ``limit // 2``, at most half of ``text``) joined by ``separator``.

    >>> shorten("abcdefg", limit=6, separator="_")
    'abc_efg'
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    if len(text) <= limit:
        return text
    split = min(limit // 2 if split is None else split, len(text) // 2)
    return text[:split] + separator + text[len(text) - split :]


def repr_shorten(
    value: Any, limit: int = 1000, split: int | None = None, separator: str = "..."
) -> str:
    """``shorten(repr(value), limit, split, separator)``; ``limit`` must be at least 4.

    >>> repr_shorten(123456789, limit=6, separator="_")
    '123_789'
    """
    if limit < 4:
        raise ValueError("limit must be at least 4")
    return shorten(repr(value), limit, split, separator)
