"""Running Python source strings (eval_code, CodeRunner), finding imports, relaxed calls, run_js."""

import ast
import functools
import inspect
import linecache
import tokenize
from io import StringIO
from textwrap import dedent
from types import CodeType
from typing import Any, Literal

__all__ = [
    "CodeRunner",
    "eval_code",
    "eval_code_async",
    "find_imports",
    "should_quiet",
    "run_js",
    "relaxed_wrap",
    "relaxed_call",
]

ReturnMode = Literal["last_expr", "last_expr_or_assign", "none"]

# The value of the last expression is stored under this name in the locals, then taken out
# again as soon as the code has run. The name cannot clash with anything a user writes.
_RESULT = "__sangam_eval_result__"
_SKIPPED_TOKENS = (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)


def should_quiet(source: str, /) -> bool:
    """True when the last token of ``source`` other than comments and newlines is a ``;``.

    >>> should_quiet("1 + 1 ;"), should_quiet("1 + 1 # comment ;")
    (True, False)
    """
    last = None
    for token in tokenize.generate_tokens(StringIO(source).readline):
        if token.type not in _SKIPPED_TOKENS:
            last = token
    return last is not None and last.type == tokenize.OP and last.string == ";"


def _store_result(body: list[ast.stmt], return_mode: str) -> bool:
    """Make the last statement of ``body`` store its value under _RESULT; True if it now does."""
    if not body:
        return False
    last = body[-1]
    if return_mode == "last_expr_or_assign":
        if isinstance(last, ast.Assign):
            target = last.targets[0]
        elif isinstance(last, ast.AugAssign) or (isinstance(last, ast.AnnAssign) and last.value):
            target = last.target
        else:
            target = None
        if isinstance(target, ast.Name):
            last = ast.copy_location(ast.Expr(ast.Name(target.id, ast.Load())), last)
            body.append(last)
    if not isinstance(last, ast.Expr):
        return False
    store = ast.Assign([ast.Name(_RESULT, ast.Store())], last.value)
    body[-1] = ast.copy_location(store, last)
    return True


def _namespaces(globals: Any, locals: Any) -> tuple[Any, Any]:
    if globals is None:
        globals = {}
    return globals, globals if locals is None else locals


class CodeRunner:
    """Parses ``source`` at once, compiles it on :meth:`compile`, runs it on :meth:`run`.

    :meth:`run_async` also runs code that uses top-level await. Between the steps a caller
    may transform :attr:`ast` (before ``compile``) or :attr:`code` (before ``run``). ``mode``
    is the ``compile`` mode: ``"exec"`` (default), ``"single"`` or ``"eval"``; the other
    arguments are those of :func:`eval_code`.
    """

    ast: ast.AST
    """The parsed source; transform it before calling :meth:`compile`."""

    code: CodeType | None
    """The compiled code, set by :meth:`compile`; may be replaced before :meth:`run`."""

    def __init__(
        self,
        source: str,
        *,
        return_mode: ReturnMode = "last_expr",
        mode: str = "exec",
        quiet_trailing_semicolon: bool = True,
        filename: str = "<exec>",
        flags: int = 0x0,
        dont_inherit: bool = False,
        optimize: int = -1,
    ) -> None:
        # Snippets often come from indented multi-line strings.
        self._source = dedent(source)
        self._return_mode = return_mode
        self._mode = mode
        self._quiet = quiet_trailing_semicolon
        self._filename = filename
        self._flags = flags
        self._dont_inherit = dont_inherit
        self._optimize = optimize
        self._compiled = False
        self._returns = False
        self.code = None
        self.ast = compile(self._source, filename, mode, flags | ast.PyCF_ONLY_AST)

    def compile(self) -> "CodeRunner":
        """Compile :attr:`ast` into :attr:`code`. Allowed once; returns ``self``."""
        if self._compiled:
            raise RuntimeError("Already compiled")
        self._compiled = True
        return_mode = self._return_mode
        if self._quiet and should_quiet(self._source):
            return_mode = "none"
        tree = self.ast
        if return_mode == "none":
            self._returns = False
        elif isinstance(tree, ast.Expression):
            self._returns = True
        else:
            self._returns = _store_result(tree.body, return_mode)
        ast.fix_missing_locations(tree)
        self.code = compile(
            tree, self._filename, self._mode, self._flags, self._dont_inherit, self._optimize
        )
        return self

    def _prepare(self) -> bool:
        """Check the state before a run; False if there is nothing to run."""
        if not self._compiled:
            raise RuntimeError("Not yet compiled")
        if self.code is None:
            return False
        filename = self.code.co_filename
        if not (filename.startswith("<") and filename.endswith(">")):
            # Let tracebacks show the source lines of a made-up file name.
            lines = self._source.splitlines(keepends=True)
            linecache.cache[filename] = (len(self._source), None, lines, filename)
        return True

    def _result(self, value: Any, locals: Any) -> Any:
        if not self._returns:
            return None
        if isinstance(self.ast, ast.Expression):
            return value
        try:
            value = locals[_RESULT]
        except KeyError:  # the code object was replaced by one that stores nothing
            return None
        del locals[_RESULT]
        return value

    def run(self, globals: dict[str, Any] | None = None, locals: Any = None) -> Any:
        """Execute :attr:`code` (which may not use top-level await) and return its result.

        ``globals`` defaults to a new empty dict, ``locals`` to ``globals``. The result is
        the value of the final expression statement, or ``None``: see :func:`eval_code`.
        """
        globals, locals = _namespaces(globals, locals)
        if not self._prepare():
            return None
        if self.code.co_flags & inspect.CO_COROUTINE:
            raise RuntimeError("The code uses top-level await: run it with run_async()")
        return self._result(eval(self.code, globals, locals), locals)

    async def run_async(self, globals: dict[str, Any] | None = None, locals: Any = None) -> Any:
        """Like :meth:`run`, but code that uses top-level await is awaited."""
        globals, locals = _namespaces(globals, locals)
        if not self._prepare():
            return None
        value = eval(self.code, globals, locals)
        if self.code.co_flags & inspect.CO_COROUTINE:
            value = await value
        return self._result(value, locals)


def eval_code(
    source: str,
    globals: dict[str, Any] | None = None,
    locals: Any = None,
    *,
    return_mode: ReturnMode = "last_expr",
    quiet_trailing_semicolon: bool = True,
    filename: str = "<exec>",
    flags: int = 0x0,
    dont_inherit: bool = False,
    optimize: int = -1,
) -> Any:
    """Run ``source`` and return the value of its last statement if that is an expression.

    ``globals`` defaults to a new empty dict and ``locals`` to ``globals``. ``return_mode``
    ``"last_expr_or_assign"`` also returns the value assigned by a final ``name = ...``
    (or ``+=``, or annotated assignment); ``"none"`` always returns ``None``. With
    ``quiet_trailing_semicolon`` (the default) a source ending in ``;`` returns ``None``.
    ``filename`` is reported in syntax errors and tracebacks; ``flags``, ``dont_inherit``
    and ``optimize`` are passed to :func:`compile`.

    >>> eval_code("x = 6\\nx * 7")
    42
    >>> eval_code("x = 6\\nx * 7;") is None
    True
    """
    runner = CodeRunner(
        source,
        return_mode=return_mode,
        quiet_trailing_semicolon=quiet_trailing_semicolon,
        filename=filename,
        flags=flags,
        dont_inherit=dont_inherit,
        optimize=optimize,
    )
    return runner.compile().run(globals, locals)


async def eval_code_async(
    source: str,
    globals: dict[str, Any] | None = None,
    locals: Any = None,
    *,
    return_mode: ReturnMode = "last_expr",
    quiet_trailing_semicolon: bool = True,
    filename: str = "<exec>",
    flags: int = 0x0,
    dont_inherit: bool = False,
    optimize: int = -1,
) -> Any:
    """Like :func:`eval_code`, but ``source`` may use top-level ``await``
    (it is compiled with :data:`ast.PyCF_ALLOW_TOP_LEVEL_AWAIT`)."""
    runner = CodeRunner(
        source,
        return_mode=return_mode,
        quiet_trailing_semicolon=quiet_trailing_semicolon,
        filename=filename,
        flags=flags | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        dont_inherit=dont_inherit,
        optimize=optimize,
    )
    return await runner.compile().run_async(globals, locals)


def find_imports(source: str) -> list[str]:
    """The sorted names of the modules ``source`` imports, with every parent package.

    ``import a.b.c`` contributes ``a``, ``a.b`` and ``a.b.c``; ``from .x import y``
    contributes ``x`` and ``from . import y`` nothing. Source that does not parse (after
    dedenting) yields ``[]``.

    >>> find_imports("import numpy as np; import scipy.stats")
    ['numpy', 'scipy', 'scipy.stats']
    """
    try:
        tree = ast.parse(dedent(source))
    except (SyntaxError, ValueError):
        return []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            names.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return sorted(names)


def run_js(code: str, /) -> Any:
    """Evaluate ``code`` with JavaScript's global ``eval`` and return the result.

    Unlike ``eval`` in JavaScript, a ``code`` that is not a string is a :exc:`TypeError`.
    """
    from js import eval as _js_eval

    if not isinstance(code, str):
        raise TypeError(f"run_js() argument must be str, not {type(code).__name__}")
    return _js_eval(code)


def _fresh_name(base: str, taken: Any) -> str:
    while base in taken:
        base += "_"
    return base


def _relaxed_signature(func: Any) -> tuple[inspect.Signature, str, str] | None:
    """``func``'s signature widened with catch-all ``*args``/``**kwargs`` where it has none,
    and the names of those two; None if ``func`` has no signature."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    extra_args = _fresh_name("_extra_args", sig.parameters)
    extra_kwargs = _fresh_name("_extra_kwargs", sig.parameters)
    kinds = {p.kind for p in params}
    if inspect.Parameter.VAR_POSITIONAL not in kinds:
        named = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD)
        at = next((i for i, p in enumerate(params) if p.kind in named), len(params))
        params.insert(at, inspect.Parameter(extra_args, inspect.Parameter.VAR_POSITIONAL))
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        params.append(inspect.Parameter(extra_kwargs, inspect.Parameter.VAR_KEYWORD))
    return sig.replace(parameters=params), extra_args, extra_kwargs


_cached_relaxed_signature = functools.lru_cache(maxsize=256)(_relaxed_signature)


def _call_relaxed(func: Any, relaxed: tuple, args: tuple, kwargs: dict) -> Any:
    sig, extra_args, extra_kwargs = relaxed
    bound = sig.bind(*args, **kwargs)
    bound.arguments.pop(extra_args, None)
    bound.arguments.pop(extra_kwargs, None)
    return func(*bound.args, **bound.kwargs)


def relaxed_wrap(func: Any) -> Any:
    """Decorator: the returned function drops the positional and keyword arguments that
    ``func`` does not accept, the way JavaScript ignores extra arguments. Missing
    arguments are still an error. :exc:`TypeError` if ``func`` has no signature."""
    relaxed = _relaxed_signature(func)
    if relaxed is None:
        raise TypeError(f"cannot wrap {func!r}: its signature is unknown")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _call_relaxed(func, relaxed, args, kwargs)

    return wrapper


def relaxed_call(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``func``, dropping the arguments it does not accept (see :func:`relaxed_wrap`).
    A ``func`` without a known signature gets all arguments."""
    try:
        relaxed = _cached_relaxed_signature(func)
    except TypeError:  # unhashable callable
        relaxed = _relaxed_signature(func)
    if relaxed is None:
        return func(*args, **kwargs)
    return _call_relaxed(func, relaxed, args, kwargs)
