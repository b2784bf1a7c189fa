#!/usr/bin/env bash
# Downloads the real wheels the package tests and benchmarks use (tests/packages/wheels.txt) into
# $SANGAM_CACHE/wheels with pip, each pinned by its sha256. A cached file is checked before it is
# used; a file whose sha256 is not in the list stops with a message naming it. Prints the folder.
source "$(dirname "$0")/lib.sh"

LIST=$REPO_DIR/tests/packages/wheels.txt
WHEELS=$SANGAM_CACHE/wheels
mkdir -p "$WHEELS"
PIP=${PIP:-pip3}
command -v "$PIP" >/dev/null || PIP=pip

# The sha256 of every cached wheel, as "HASH FILE" lines.
cached_hashes() { (cd "$WHEELS" && for f in *.whl; do if [ -f "$f" ]; then sha256sum "$f"; fi; done) | awk '{print $1, $2}'; }

check_cache() {
    local h f
    while read -r h f; do
        grep -q -- "--hash=sha256:$h\$" "$LIST" ||
            die "$WHEELS/$f: sha256 $h is not pinned in $LIST (tampered or stray file; delete it to download again)"
    done < <(cached_hashes)
}

check_cache
have=$(cached_hashes | awk '{print $1}')
n=0
while read -r req hash; do
    case $req in ''|'#'*) continue ;; esac
    h=${hash#--hash=sha256:}
    grep -qx "$h" <<<"$have" && continue
    log "downloading $req"
    tmp=$(mktemp -d)
    printf '%s %s\n' "$req" "$hash" > "$tmp/req.txt"
    # Pure-Python wheels only; pip checks the hash and refuses a mismatch naming the file.
    if ! "$PIP" download -q --no-deps --only-binary=:all: --require-hashes --python-version 3.13 \
        --implementation py --platform any -d "$tmp/out" -r "$tmp/req.txt" >&2; then
        rm -rf "$tmp"
        die "could not download $req with sha256 $h (pip's message above names the file)"
    fi
    for f in "$tmp"/out/*.whl; do
        got=$(sha256sum "$f" | cut -d' ' -f1)
        [ "$got" = "$h" ] || die "$(basename "$f"): sha256 $got, expected $h ($LIST)"
        mv "$f" "$WHEELS/"
    done
    rm -rf "$tmp"
    n=$((n + 1))
done < "$LIST"
check_cache
[ "$n" -eq 0 ] || log "downloaded $n wheels into $WHEELS"
echo "$WHEELS"
