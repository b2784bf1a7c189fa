#!/usr/bin/env bash
# Downloads the wheels the runtime ships in its standard-library zip (tools/runtime-wheels.txt) with
# pip, each pinned by sha256, into $SANGAM_CACHE/runtime-wheels; a cached file is checked again before
# it is used. Prints the wheels' paths, one per line.
source "$(dirname "$0")/lib.sh"

LIST=$TOOLS_DIR/runtime-wheels.txt
DIR=$SANGAM_CACHE/runtime-wheels
mkdir -p "$DIR"
PIP=${PIP:-pip3}
command -v "$PIP" >/dev/null || PIP=pip

while read -r req hash; do
    case $req in ''|'#'*) continue ;; esac
    h=${hash#--hash=sha256:}
    found=
    for f in "$DIR"/*.whl; do
        [ -f "$f" ] || continue
        [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$h" ] && found=$f && break
    done
    if [ -z "$found" ]; then
        log "downloading $req"
        tmp=$(mktemp -d)
        printf '%s %s\n' "$req" "$hash" > "$tmp/req.txt"
        "$PIP" download -q --no-deps --only-binary=:all: --require-hashes --python-version 3.13 \
            --implementation py --platform any -d "$tmp/out" -r "$tmp/req.txt" >&2 ||
            { rm -rf "$tmp"; die "could not download $req with sha256 $h (pip's message above names the file)"; }
        for f in "$tmp"/out/*.whl; do
            got=$(sha256sum "$f" | cut -d' ' -f1)
            [ "$got" = "$h" ] || die "$(basename "$f"): sha256 $got, expected $h ($LIST)"
            mv "$f" "$DIR/" && found=$DIR/$(basename "$f")
        done
        rm -rf "$tmp"
    fi
    check_sha256 "$found" "$h"
    echo "$found"
done < "$LIST"
