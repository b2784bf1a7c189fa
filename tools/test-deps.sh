#!/usr/bin/env bash
# Installs what the tests use beyond the build: Debian's Chromium (tests/browser) and util-linux's
# `script` (a pseudo-terminal for the REPL test).
source "$(dirname "$0")/lib.sh"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v script >/dev/null || missing+=(bsdutils)
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
log "installing test dependencies: ${missing[*]}"
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
