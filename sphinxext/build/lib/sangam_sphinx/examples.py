"""Finds the Examples section of an autodoc docstring and wraps it in ``.. try_examples::``.

numpydoc and napoleon turn a docstring's ``Examples`` header into ``.. rubric:: Examples`` (or an
admonition); the section runs until the next rubric or admonition, a field list, or numpydoc's
closing ``.. !! processed by numpydoc !!`` comment. A section that starts with the comment
``..! disable_try_examples`` (jupyterlite-sphinx's spelling) or ``.. disable_try_examples`` is left
alone, as is one that already starts with the directive.
"""

import re

_START = re.compile(r"\.\. (rubric|admonition)::\s*Examples\s*$")
_NEXT = re.compile(r"\.\. (rubric|admonition)::|:[A-Za-z][\w ]*:(\s|$)|\.\. !! processed by numpydoc !!")
_DISABLE = ("..! disable_try_examples", "..! disable_try_examples::", ".. disable_try_examples",
            ".. disable_try_examples::")


def _end_of_section(lines, start):
    for i in range(start, len(lines)):
        line = lines[i]
        if "!! processed by numpydoc !!" in line and line.strip().startswith("!!"):
            # numpydoc sometimes writes the comment's ".." on the line before.
            return i - 1 if i > start and lines[i - 1].strip() == ".." else i
        if _NEXT.match(line):
            return i
    return len(lines)


def insert_try_examples(lines, options):
    """A new list of docstring lines with the Examples section under ``.. try_examples::``."""
    start = next((i for i, line in enumerate(lines) if _START.match(line)), None)
    if start is None:
        return list(lines)
    first = start + 1
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines):
        return list(lines)
    head = lines[first].strip()
    if head in _DISABLE or head.startswith(".. try_examples::"):
        return list(lines)
    end = _end_of_section(lines, first)
    body = ["    " + line if line.strip() else "" for line in lines[first:end]]
    head = [".. try_examples::"] + [f"    :{k}: {v}" for k, v in options.items()] + [""]
    return lines[:first] + head + body + [""] + lines[end:]
