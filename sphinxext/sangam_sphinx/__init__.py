"""sangam_sphinx: a docstring's ``>>>`` examples, runnable in the reader's page on sangam.

Provides ``.. try_examples::`` and reads jupyterlite-sphinx's configuration names, so a conf.py
written for jupyterlite-sphinx works unchanged: ``global_enable_try_examples`` (wrap every autodoc
Examples section), ``try_examples_global_button_text``, ``try_examples_global_warning_text``,
``try_examples_global_theme``, ``try_examples_preamble``, and ``try_examples.json``'s
``ignore_patterns``. Its own settings: ``sangam_dist`` (sangam's built dist/; or SANGAM_DIST) and
``sangam_packages`` (a folder of wheels with their pyodide-lock.json; or SANGAM_PACKAGES).
"""

import json

from docutils import nodes

from . import site
from .directive import PlotSource, TryExamples
from .examples import insert_try_examples

__version__ = "0.1.0"


def _wrap_examples(app, what, name, obj, options, lines):
    opts = {"theme": app.config.try_examples_global_theme,
            "button_text": app.config.try_examples_global_button_text,
            "warning_text": app.config.try_examples_global_warning_text}
    new = insert_try_examples(lines, {k: v for k, v in opts.items() if v is not None})
    lines[:] = new


def _config_inited(app, config):
    if config.global_enable_try_examples:
        # After numpydoc (priority 500), which writes the ".. rubric:: Examples" this looks for.
        app.connect("autodoc-process-docstring", _wrap_examples, priority=900)
    config.html_static_path.append(str(site.STATIC / "page"))
    if "matplotlib.sphinxext.plot_directive" not in config.extensions:
        app.add_directive("plot", PlotSource)


def _page_context(app, pagename, templatename, context, doctree):
    if doctree is None or not any(True for n in doctree.findall(nodes.container) if "sangam-try-examples" in n["classes"]):
        return
    app.add_css_file("sangam_try_examples.css")
    app.add_js_file("sangam_try_examples.mjs", type="module")
    # The preamble and the doctest settings the page script hands to the interpreter.
    settings = json.dumps({"preamble": app.config.try_examples_preamble or ""}).replace("</", "<\\/")
    context["body"] = (f'<script type="application/json" id="sangam-try-examples-settings">{settings}</script>\n'
                       + context.get("body", ""))


def setup(app):
    app.add_config_value("global_enable_try_examples", False, "env")
    app.add_config_value("try_examples_global_button_text", None, "html")
    app.add_config_value("try_examples_global_warning_text", None, "html")
    app.add_config_value("try_examples_global_theme", None, "html")
    app.add_config_value("try_examples_preamble", None, "html")
    app.add_config_value("sangam_dist", None, "html")
    app.add_config_value("sangam_packages", None, "html")
    app.add_directive("try_examples", TryExamples)
    app.add_directive("sangam-plot-source", PlotSource)
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", site.copy_site)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
