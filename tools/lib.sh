# Shared helpers for the host-side build scripts: cache layout, private apt, pinned downloads.
# Sourced, never run. Every script that builds something keys its output by a hash of its inputs.

set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TOOLS_DIR/.." && pwd)
SANGAM_CACHE=${SANGAM_CACHE:-$HOME/.cache/sangam}
MANIFEST=$TOOLS_DIR/sources.manifest
APT_DIR=$SANGAM_CACHE/apt
DL_DIR=$SANGAM_CACHE/downloads
JOBS=${JOBS:-$(nproc)}

mkdir -p "$SANGAM_CACHE" "$DL_DIR"

log() { printf '[sangam] %s\n' "$*" >&2; }
die() { printf '[sangam] error: %s\n' "$*" >&2; exit 1; }

# manifest_field NAME COLUMN: one column (1-based, after the name) of the manifest line for NAME.
manifest_field() {
    local v
    v=$(awk -v n="$1" -v c="$2" '$1 == n { print $(c + 1); found = 1 } END { exit !found }' "$MANIFEST") ||
        die "no entry '$1' in $MANIFEST"
    printf '%s' "$v"
}

# The Debian archive this machine's own apt uses (its first non-security URI), so no host is
# written here; SANGAM_DEBIAN_MIRROR overrides it.
debian_mirror() {
    if [ -n "${SANGAM_DEBIAN_MIRROR:-}" ]; then
        printf '%s' "$SANGAM_DEBIAN_MIRROR"
        return
    fi
    local uri
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { print $2 }' | grep -v security | head -1)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" { print ($2 ~ /^\[/ ? $3 : $2) }' /etc/apt/sources.list 2>/dev/null | grep -v security | head -1)
    [ -n "$uri" ] || die "no Debian archive found in /etc/apt sources; set SANGAM_DEBIAN_MIRROR"
    printf '%s' "$uri"
}

# apt_private SUITE apt-get|apt-cache ARGS...: apt with a private configuration for one Debian suite.
# The system's sources are never read or changed.
apt_private() {
    local suite=$1 tool=$2; shift 2
    local root=$APT_DIR/$suite
    if [ ! -f "$root/sources.list.d/$suite.sources" ]; then
        mkdir -p "$root/sources.list.d" "$root/lists/partial" "$root/archives/partial"
        cat > "$root/sources.list.d/$suite.sources" <<EOF
Types: deb deb-src
URIs: $(debian_mirror)
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    fi
    "$tool" -q -o Dir::Etc::sourcelist=/dev/null \
        -o Dir::Etc::sourceparts="$root/sources.list.d" \
        -o Dir::State::Lists="$root/lists" \
        -o Dir::Cache::archives="$root/archives" \
        -o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" \
        -o APT::Sandbox::User=root -o APT::Get::AllowUnauthenticated=false "$@"
}

apt_private_update() {
    local suite=$1 stamp=$APT_DIR/$1/updated
    # Lists are refreshed at most once a day; pinned hashes make staleness harmless.
    if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
        log "updating private apt lists for $suite"
        apt_private "$suite" apt-get update -qq >&2 || die "apt-get update for $suite failed"
        touch "$stamp"
    fi
}

check_sha256() {
    local file=$1 want=$2 got
    got=$(sha256sum "$file" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
        die "sha256 mismatch for $(basename "$file"):
    expected $want (pinned in tools/sources.manifest)
    got      $got
  The archive now serves a different file. Check it, then update the manifest on purpose."
    fi
}

# fetch_source NAME: the upstream tarball named in the manifest, verified, path on stdout.
# Manifest columns: NAME KIND(src|deb) SUITE PACKAGE FILE SHA256
fetch_source() {
    local name=$1 kind suite pkg file sha out
    kind=$(manifest_field "$name" 1); suite=$(manifest_field "$name" 2)
    pkg=$(manifest_field "$name" 3); file=$(manifest_field "$name" 4); sha=$(manifest_field "$name" 5)
    out=$DL_DIR/$file
    if [ ! -f "$out" ]; then
        apt_private_update "$suite"
        local tmp; tmp=$(mktemp -d "$DL_DIR/.fetch.XXXXXX")
        log "downloading $pkg ($kind) from Debian $suite"
        # Only the pinned file matters, and its hash is checked below, so a mirror that lacks
        # another file of the source package (a newer .dsc, say) is not an error by itself.
        case $kind in
            src) (cd "$tmp" && apt_private "$suite" apt-get source --download-only "$pkg" >"$tmp/.log" 2>&1) || true ;;
            deb) (cd "$tmp" && apt_private "$suite" apt-get download "$pkg" >"$tmp/.log" 2>&1) || true ;;
            *) die "bad kind '$kind' for $name in manifest" ;;
        esac
        if [ ! -f "$tmp/$file" ]; then
            cat "$tmp/.log" >&2
            die "Debian $suite did not give $file for $pkg (got: $(ls "$tmp" | tr '\n' ' ')). If the archive moved on, update tools/sources.manifest."
        fi
        mv "$tmp/$file" "$out.part"
        rm -rf "$tmp"
        check_sha256 "$out.part" "$sha"
        mv "$out.part" "$out"
    else
        check_sha256 "$out" "$sha"
    fi
    printf '%s\n' "$out"
}

# unpack_source NAME DIR: a fresh tree of NAME's tarball in DIR (the tarball's top folder stripped).
unpack_source() {
    local tarball; tarball=$(fetch_source "$1")
    rm -rf "$2"; mkdir -p "$2"
    tar -xf "$tarball" -C "$2" --strip-components=1
}

# input_key WORDS...: a short hash of files and strings, used to name cache entries.
input_key() {
    local a
    for a in "$@"; do
        if [ -f "$a" ]; then sha256sum "$a"; else printf '%s\n' "$a"; fi
    done | sha256sum | cut -c1-12
}
