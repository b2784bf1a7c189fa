#!/usr/bin/env bash
# tools/fetch-pinned-wheels.sh LIST DIR: downloads the wheels LIST pins (pip's requirements format, one
# `name==version --hash=sha256:H [--platform=P]` a line) with pip into DIR ($SANGAM_CACHE/<DIR> when
# relative), checks every file against its sha256 (a cached one too, before it is used) and prints the
# wheels' paths, one a line. --platform names a foreign platform (a wheel the runtime must refuse);
# without it only pure-Python wheels are taken. A mismatch stops with a message naming the file.
source "$(dirname "$0")/lib.sh"

LIST=$1
DIR=$2
case $DIR in /*) ;; *) DIR=$SANGAM_CACHE/$DIR ;; esac
mkdir -p "$DIR"
PIP=${PIP:-pip3}
command -v "$PIP" >/dev/null || PIP=pip

while read -r req hash platform; do
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
        if [ -n "$platform" ]; then
            target=(--implementation cp --abi cp313 --platform "${platform#--platform=}")
        else
            target=(--implementation py --platform any)
        fi
        "$PIP" download -q --no-deps --only-binary=:all: --require-hashes --python-version 3.13 \
            "${target[@]}" -d "$tmp/out" -r "$tmp/req.txt" >&2 ||
            { rm -rf "$tmp"; die "could not download $req with sha256 $h (pip's message above names the file)"; }
        for f in "$tmp"/out/*.whl; do
            got=$(sha256sum "$f" | cut -d' ' -f1)
            [ "$got" = "$h" ] || die "$(basename "$f"): sha256 $got, expected $h ($LIST)"
            mv "$f" "$DIR/" && found=$DIR/$(basename "$f")
        done
        rm -rf "$tmp"
    fi
    got=$(sha256sum "$found" | cut -d' ' -f1)
    [ "$got" = "$h" ] || die "$found: sha256 $got, expected $h (pinned in $LIST); delete it to download again"
    echo "$found"
done < "$LIST"
