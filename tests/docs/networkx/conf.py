# A docs site of networkx's own numpydoc docstrings (the wheel pinned in tests/packages/wheels.txt,
# on sys.path as NETWORKX_WHEEL), with try_examples configured as SciPy's conf.py does it for
# jupyterlite-sphinx: global_enable_try_examples and the global button and warning texts.
import os
import sys

sys.path.insert(0, os.environ["NETWORKX_WHEEL"])
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "sphinxext"))

project = "networkx (try_examples test)"
extensions = ["sphinx.ext.autodoc", "numpydoc", "sangam_sphinx"]
numpydoc_show_class_members = False
exclude_patterns = ["_build"]

global_enable_try_examples = True
try_examples_global_button_text = "Try it in your browser!"
try_examples_global_warning_text = "Interactive examples run in your browser, on sangam."
# networkx's doctests assume `nx` (its conftest.py adds it).
try_examples_preamble = "import networkx as nx"
