# sangam's documentation site (make docs -> dist/docs/), built with sangam_sphinx so that its
# examples run in the reader's browser on the runtime the same make built.
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "sphinxext"))

project = "sangam"
author = "the sangam authors"
release = version = os.environ.get("SANGAM_VERSION", "0.1.0")
extensions = ["sangam_sphinx"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_title = "sangam"

sangam_dist = os.environ.get("SANGAM_DIST", os.path.join(HERE, "..", "dist"))
try_examples_global_button_text = "Run these examples"
