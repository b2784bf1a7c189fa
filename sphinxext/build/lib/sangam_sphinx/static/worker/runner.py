"""try_examples' runner inside sangam: a cell's text runs through doctest's own parser, runner and
output checker, in the one namespace the whole page shares.

A cell is doctest text (``>>>`` lines and their expected output) or, once edited into plain code,
a block of statements whose last expression is shown. Each example's result is reported as it
finishes, as JSON: its source, what it printed (``got``), the verdict (``match``, ``differs``,
``error``, ``skipped``, or ``ran`` for plain code), doctest's difference when it differs, the
``_repr_html_`` of a shown value, and the matplotlib figures it left open, as PNG.
"""

import ast
import base64
import builtins
import contextlib
import doctest
import io
import json
import os
import sys
import traceback

# matplotlib draws without a display and without show(): figures are collected after each example.
os.environ.setdefault("MPLBACKEND", "agg")

PAGE = {}
_parser = doctest.DocTestParser()


def reset(preamble=""):
    """Empties the page's namespace and runs the preamble (try_examples_preamble) in it."""
    PAGE.clear()
    PAGE.update(__name__="__main__", __builtins__=builtins)
    if preamble:
        exec(compile(preamble, "<preamble>", "exec"), PAGE)


def is_doctest(text):
    return any(line.lstrip().startswith(">>>") for line in text.splitlines())


def source_of(text):
    """The Python code of a cell (for loadPackagesFromImports); doctest's parse errors raise."""
    if not is_doctest(text):
        return text
    return "\n".join(e.source for e in _parser.get_examples(text, "<cell>"))


def _figures():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    images = []
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
        images.append(base64.b64encode(buf.getvalue()).decode())
    return images


def _traceback(e, keep):
    """The traceback's text without the runner's own frames (doctest's, or this module's)."""
    tb = traceback.TracebackException.from_exception(e)
    tb.stack = traceback.StackSummary.from_list([f for f in tb.stack if keep(f)])
    return "".join(tb.format())


class _Rich:
    """The displayhook doctest's runner uses (it installs sys.__displayhook__): prints repr() as the
    default one does, so the output doctest checks is unchanged, and keeps the value's HTML."""

    def __init__(self):
        self.html = []

    def __call__(self, value):
        if value is None:
            return
        builtins._ = None
        print(repr(value))
        builtins._ = value
        to_html = getattr(type(value), "_repr_html_", None)
        if callable(to_html):
            try:
                html = to_html(value)
            except Exception:
                html = None
            if isinstance(html, str):
                self.html.append(html)


class _Runner(doctest.DocTestRunner):
    def __init__(self, report, rich, examples):
        super().__init__(verbose=False)
        self.report, self.rich, self.current = report, rich, None
        self.unreported = list(examples)

    def _send(self, example, verdict, got, difference=None):
        # The examples before this one that doctest passed over were skipped (+SKIP).
        while self.unreported and self.unreported[0] is not example:
            self.skipped(self.unreported.pop(0))
        if self.unreported:
            self.unreported.pop(0)
        self.report(json.dumps({"source": example.source, "want": example.want, "got": got, "verdict": verdict,
                                "difference": difference, "line": example.lineno,
                                "html": self.rich.html, "images": _figures()}))
        self.rich.html = []

    def skipped(self, example):
        self.report(json.dumps({"source": example.source, "want": example.want, "got": "", "verdict": "skipped",
                                "line": example.lineno, "html": [], "images": []}))

    def report_start(self, out, test, example):
        self.current = example

    def report_success(self, out, test, example, got):
        self._send(example, "match", got)

    def report_failure(self, out, test, example, got):
        self._send(example, "differs", got, self._checker.output_difference(example, got, self.optionflags))

    def report_unexpected_exception(self, out, test, example, exc_info):
        got = _traceback(exc_info[1], lambda f: f.filename != doctest.__file__)
        self._send(example, "error", got, "Exception raised:\n" + doctest._indent(got))


def _run_doctest(text, report):
    rich = _Rich()
    examples = _parser.get_examples(text, "<cell>")
    test = doctest.DocTest(examples, {}, "<cell>", None, 0, text)
    test.globs = PAGE  # (DocTest keeps a copy of the globals it is given; the page shares one)
    runner = _Runner(report, rich, examples)
    saved = sys.__displayhook__
    sys.__displayhook__ = rich
    try:
        runner.run(test, clear_globs=False, out=lambda s: None)
    except KeyboardInterrupt:
        if runner.current is not None:
            runner._send(runner.current, "error", "KeyboardInterrupt\n", "Interrupted")
        while runner.unreported:
            runner.skipped(runner.unreported.pop(0))
    finally:
        sys.__displayhook__ = saved


def _run_code(text, report):
    rich = _Rich()
    out = io.StringIO()
    verdict = "ran"
    with contextlib.redirect_stdout(out):
        try:
            tree = ast.parse(text, "<cell>")
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, "<cell>", "exec"), PAGE)
            if last is not None:
                rich(eval(compile(ast.Expression(last.value), "<cell>", "eval"), PAGE))
        except BaseException as e:
            # (A KeyboardInterrupt from Stop ends up here as well.)
            verdict = "error"
            out.write(_traceback(e, lambda f: f.filename != __file__))
    report(json.dumps({"source": text, "want": "", "got": out.getvalue(), "verdict": verdict,
                       "line": 0, "html": rich.html, "images": _figures()}))


def run(text, report):
    """Runs a cell; calls report(json) once per example."""
    if is_doctest(text):
        _run_doctest(text, report)
    else:
        _run_code(text, report)
