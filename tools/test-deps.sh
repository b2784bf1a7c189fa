#!/usr/bin/env bash
# Installs what the tests use beyond the build: Debian's Chromium (tests/browser, tests/npm) and
# Firefox ESR (tests/npm), clang-format-19
# (tools/check-format.sh), util-linux's
# `script` (a pseudo-terminal for the REPL test) and, from npm, TypeScript for tests/js/dts.test.mjs
# and Deno, Bun and puppeteer-core for tests/npm (pinned with their checksums in tests/*/package-lock.json,
# installed into tests/*/node_modules).
source "$(dirname "$0")/lib.sh"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
command -v script >/dev/null || missing+=(bsdutils)
command -v npm >/dev/null || missing+=(npm)
command -v clang-format-19 >/dev/null || missing+=(clang-format-19)
# pkg-config: sangam-build's pkg-config for the wasm libraries runs it (tests/buildtool).
command -v pkg-config >/dev/null || missing+=(pkgconf)
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
    log "installing test dependencies: ${missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# Exactly what the lock files pin, whenever node_modules is missing or older than the lock file:
# TypeScript (tests/js), the Deno and Bun binaries the npm package runs in (tests/npm), and
# playwright-core (tests/docs).
for js in "$REPO_DIR/tests/js" "$REPO_DIR/tests/npm" "$REPO_DIR/tests/docs"; do
    if [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
        log "installing test dependencies from npm into ${js#$REPO_DIR/}/node_modules"
        (cd "$js" && npm ci --no-audit --no-fund --silent) >&2
    fi
done

# The real wheels tests/packages and bench/ install, pinned by sha256 (tests/packages/wheels.txt).
"$TOOLS_DIR/fetch-wheels.sh" >/dev/null
