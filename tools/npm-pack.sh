#!/usr/bin/env bash
# Packs dist/ as the npm package `sangam` (src/npm/ holds its package.json and README):
#   tools/npm-pack.sh VERSION   ->  dist/sangam-VERSION.tgz
# The package holds the runtime and nothing else: the JS API, the wasm and the stdlib zip.
source "$(dirname "$0")/lib.sh"
version=${1:?usage: npm-pack.sh VERSION}
dist=$REPO_DIR/dist
stage=$dist/npm
rm -rf "$stage" && mkdir -p "$stage"
sed "s/@SANGAM_VERSION@/$version/" "$REPO_DIR/src/npm/package.json" > "$stage/package.json"
cp "$REPO_DIR/src/npm/README.md" "$stage/"
for f in $(node -e 'for (const f of require(process.argv[1]).files) console.log(f)' "$stage/package.json"); do
    [ -e "$stage/$f" ] && continue
    case $f in
        sangam.d.cts) cp "$dist/sangam.d.ts" "$stage/$f" ;;
        *) [ -f "$dist/$f" ] || die "dist/$f is missing: run make first"; cp "$dist/$f" "$stage/$f" ;;
    esac
done
(cd "$stage" && npm pack --silent --pack-destination "$dist" >/dev/null) || die "npm pack failed in $stage"
rm -rf "$stage"
log "wrote dist/sangam-$version.tgz ($(du -k "$dist/sangam-$version.tgz" | cut -f1) KiB)"
echo "$dist/sangam-$version.tgz"
