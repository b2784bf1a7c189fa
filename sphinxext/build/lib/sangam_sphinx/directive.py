"""The ``.. try_examples::`` directive: its content rendered as usual, inside a container the page
script (static/try_examples.mjs) turns into editable, runnable cells.

The doctest blocks in the content are marked ``sangam-cell``. The code of a ``.. plot::`` directive
(matplotlib's plot_directive) is kept as a cell too, after the plot; without plot_directive the plot
block is replaced by its code. The toolbar says how much the first run downloads: the runtime, and
the wheels of the packages the examples import (from the lock file, with their dependencies).
"""

import html
import re

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList

from . import site

_IMPORT = re.compile(r"^\s*(?:>>>|\.\.\.)?\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))")


def _imports(lines):
    names = set()
    for line in lines:
        m = _IMPORT.match(line)
        if m:
            for part in (m.group(1) or m.group(2)).split(","):
                part = part.strip().split(" ")[0]
                if part:
                    names.add(part.split(".")[0])
    return names


def _mb(n):
    return f"{n / 1e6:.1f} MB"


def _raw_source(block):
    """The block's text as written, for the cell: Sphinx's trim_doctest_flags later removes
    ``# doctest:`` comments and ``<BLANKLINE>`` from what the page shows."""
    return nodes.raw("", f'<textarea class="sangam-doctest" hidden>{html.escape(block.astext())}</textarea>', format="html")


def _plot_blocks(lines, have_plot):
    """The content with each ``.. plot::`` block's code added after it as a cell."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip().startswith(".. plot::") or line[0:1].isspace():
            out.append(line)
            i += 1
            continue
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j][0:1].isspace()):
            j += 1
        body = [l for l in lines[i + 1:j] if not re.match(r"\s+:[\w-]+:", l)]
        code = [l for l in body if l.strip()]
        if have_plot:
            out.extend(lines[i:j])
        if code:
            # The code again, for the cell (PlotSource below), shown only once the section runs.
            out += ["", ".. sangam-plot-source::", "   :hidden:" if have_plot else "", ""]
            out += ["   " + l.strip("\n") if l.strip() else "" for l in body] + [""]
        i = j
    return out


class PlotSource(Directive):
    """A ``.. plot::``'s code, kept as a block that try_examples runs as a cell: ``.. plot::`` itself
    where matplotlib's plot_directive is not loaded (no figure is drawn at build time), and, as
    ``.. sangam-plot-source:: :hidden:``, the copy try_examples adds after a real plot."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = type("AnyOption", (dict,), {"__missing__": lambda self, key: directives.unchanged})()

    def run(self):
        shown = "hidden" not in self.options
        box = nodes.container(classes=["sangam-plot-source"] + (["sangam-shown"] if shown else []))
        code = "\n".join(line for line in self.content if not re.match(r":[\w-]+:", line))
        block = nodes.literal_block(code, code)
        box += [block, _raw_source(block)]
        return [box]


class TryExamples(Directive):
    has_content = True
    # jupyterlite-sphinx's options; theme, min_height and toolbar are accepted and have nothing to do.
    option_spec = {
        "button_text": directives.unchanged,
        "warning_text": directives.unchanged,
        "theme": directives.unchanged,
        "example_class": directives.unchanged,
        "min_height": directives.unchanged,
        "toolbar": directives.unchanged,
    }

    def run(self):
        config = self.state.document.settings.env.config
        button = self.options.get("button_text") or config.try_examples_global_button_text or "Try it in your browser!"
        warning = self.options.get("warning_text", config.try_examples_global_warning_text)
        # (jupyterlite-sphinx's theme names a JupyterLite theme; here the cells take the page's own
        # colours, light or dark, so it is accepted and has nothing to choose.)
        css_class = self.options.get("example_class")

        lines = list(self.content)
        plot = directives.directive("plot", self.state.memo.language, self.state.document)[0]
        have_plot = plot is not None and plot is not PlotSource
        if plot is not PlotSource and any(l.strip().startswith(".. plot::") for l in lines):
            lines = _plot_blocks(lines, have_plot)

        box = nodes.container(classes=["sangam-try-examples"] + ([css_class] if css_class else []))
        preamble = (config.try_examples_preamble or "").splitlines()
        runtime, packages = site.download_size(self.state.document.settings.env.app, _imports(lines + preamble))
        parts = [f"Python {_mb(runtime)}"] + [f"{name} {_mb(size)}" for name, size in packages]
        total = runtime + sum(size for _, size in packages)
        toolbar = (f'<div class="sangam-toolbar"><button type="button" class="sangam-try">{html.escape(button)}'
                   f'</button> <span class="sangam-size">The first run downloads {_mb(total)} '
                   f'({html.escape(", ".join(parts))}).</span></div>')
        if warning:
            toolbar += f'<div class="sangam-warning" hidden>{html.escape(warning)}</div>'
        box += nodes.raw("", toolbar, format="html")
        source = self.content.source(0) if self.content else ""
        self.state.nested_parse(StringList(lines, source=source), self.content_offset, box)
        for block in list(box.findall(nodes.doctest_block)):
            cell = nodes.container(classes=["sangam-cell"])
            block.replace_self(cell)
            cell += [block, _raw_source(block)]
        return [box]
