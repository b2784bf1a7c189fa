#!/usr/bin/env bash
# tools/docs-venv.sh [PYTHON]: a venv with the documentation tools pinned in sphinxext/requirements.txt
# (Sphinx, numpydoc), installed with pip --require-hashes, in $SANGAM_CACHE/docs-venv-<key> (keyed by
# the list and the interpreter). PYTHON defaults to the cache's native CPython 3.13 (build/paths.mk's
# PY_NATIVE; or $SANGAM_DOCS_PYTHON). Prints the venv's python. A file whose sha256 is not pinned stops pip with its name.
source "$(dirname "$0")/lib.sh"

LIST=$REPO_DIR/sphinxext/requirements.txt
PYTHON=${1:-${SANGAM_DOCS_PYTHON:-}}
if [ -z "$PYTHON" ]; then
    [ -f "$REPO_DIR/build/paths.mk" ] || die "no build/paths.mk: run make first (or pass a Python)"
    PYTHON=$(sed -n 's/^PY_NATIVE := //p' "$REPO_DIR/build/paths.mk")/bin/python3.13
fi
[ -x "$PYTHON" ] || command -v "$PYTHON" >/dev/null || die "no Python at $PYTHON"
key=$( (cat "$LIST"; "$PYTHON" -c 'import sys; print(sys.version, sys.executable)') | sha256sum | cut -c1-16)
VENV=$SANGAM_CACHE/docs-venv-$key
if [ ! -f "$VENV/.done" ]; then
    rm -rf "$VENV"
    log "installing the documentation tools into $VENV"
    "$PYTHON" -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --only-binary=:all: \
        --require-hashes -r "$LIST" >&2 ||
        { rm -rf "$VENV"; die "could not install the pinned documentation tools of $LIST (pip's message above names the file)"; }
    touch "$VENV/.done"
fi
echo "$VENV/bin/python"
