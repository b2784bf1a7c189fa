#!/usr/bin/env bash
# Builds CPython twice from the same pinned source: natively (the build Python, also the
# benchmark's reference) and cross for wasm32-emscripten (libpython, sysconfig data, test
# side modules). Both are cached, keyed by their inputs.
# Usage: build-python.sh native            -> prints the native prefix
#        build-python.sh wasm ENV_SH LIBS  -> prints the wasm build directory
source "$(dirname "$0")/lib.sh"

PY_SHA=$(manifest_field python 5)

# Compile flags shared by CPython, the C libraries and side modules: one ABI everywhere.
WASM_CFLAGS="-O2 -fPIC -fwasm-exceptions -sSUPPORT_LONGJMP=wasm"
WASM_LDFLAGS="-sWASM_BIGINT -fwasm-exceptions -sSUPPORT_LONGJMP=wasm"

build_native() {
    local prefix=$SANGAM_CACHE/python-native-$(input_key "$PY_SHA" "build-python.sh:native-v1")
    if [ ! -x "$prefix/bin/python3.13" ]; then
        local s=$SANGAM_CACHE/build/python-native
        unpack_source python "$s"
        log "building native CPython 3.13 (a few minutes)"
        (cd "$s" && ./configure --prefix="$prefix.part" --without-ensurepip \
            --with-system-libmpdec=no --with-system-expat=no >"$s.log" 2>&1 &&
            make -j"$JOBS" >>"$s.log" 2>&1 && make install >>"$s.log" 2>&1) ||
            { tail -30 "$s.log" >&2; die "native CPython build failed (log: $s.log)"; }
        # The install records its prefix in a few scripts; nothing below relies on them.
        rm -rf "$prefix"; mv "$prefix.part" "$prefix"; rm -rf "$s" "$s.log"
    fi
    printf '%s\n' "$prefix"
}

# Fixes to CPython's own bugs, in tools/patches/python (each file says what it fixes), applied in
# name order to the wasm build's tree. The native build is only the build tool and benchmark
# reference, so it stays as released.
PATCHES=$(ls "$TOOLS_DIR"/patches/python/*.patch 2>/dev/null || true)

apply_patches() {
    local p
    for p in $PATCHES; do
        patch -d "$1" -p1 --forward --quiet < "$p" >&2 || die "patch $(basename "$p") does not apply to CPython"
    done
}

build_wasm() {
    local env_sh=$1 libs=$2 native out s b
    source "$env_sh"
    native=$(build_native)
    # (shellcheck: PATCHES is meant to split into one word per file.)
    # shellcheck disable=SC2086
    out=$SANGAM_CACHE/python-wasm-$(input_key "$PY_SHA" "$libs" "$(emcc --version | head -1)" \
        "$WASM_CFLAGS" "$WASM_LDFLAGS" "$TOOLS_DIR/build-python.sh" "$TOOLS_DIR/config.site-sangam" \
        $PATCHES)
    if [ ! -f "$out/.done" ]; then
        rm -rf "$out"
        s=$out.part
        unpack_source python "$s"
        apply_patches "$s"
        b=$s/builddir
        mkdir -p "$b"
        log "cross-building CPython 3.13 for wasm32-emscripten (about 10 minutes)"
        (
            cd "$b"
            cat "$s/Tools/wasm/config.site-wasm32-emscripten" "$TOOLS_DIR/config.site-sangam" > config.site
            # _sqlite3 (sqlite is 0.4 MiB of the download, brotli) is a side module (.so) instead of
            # part of the main module: it ships in the optional standard library (Makefile
            # OPTIONAL_EXTENSIONS) and loads on import. Setup.local's rules win over Setup.stdlib's.
            # (Not _lzma: 58 KiB, and shutil imports it whenever it is found.)
            mkdir -p Modules
            printf '%s\n' '*shared*' \
                '_sqlite3 _sqlite/blob.c _sqlite/connection.c _sqlite/cursor.c _sqlite/microprotocols.c _sqlite/module.c _sqlite/prepare_protocol.c _sqlite/row.c _sqlite/statement.c _sqlite/util.c' \
                > Modules/Setup.local
            # Each library is named explicitly; otherwise configure asks for Emscripten's ports,
            # which would need a download.
            CONFIG_SITE=$b/config.site \
            CFLAGS="$WASM_CFLAGS" LDFLAGS="$WASM_LDFLAGS -L$libs/lib" CPPFLAGS="-I$libs/include" \
            OPT="-DNDEBUG -fwrapv" \
            ZLIB_CFLAGS="-I$libs/include" ZLIB_LIBS="-lz" \
            BZIP2_CFLAGS="-I$libs/include" BZIP2_LIBS="-lbz2" \
            LIBLZMA_CFLAGS="-I$libs/include" LIBLZMA_LIBS="-llzma" \
            LIBSQLITE3_CFLAGS="-I$libs/include" LIBSQLITE3_LIBS="-lsqlite3" \
            LIBFFI_CFLAGS="-I$libs/include" LIBFFI_LIBS="-lffi" \
            emconfigure ../configure --host=wasm32-unknown-emscripten --build=x86_64-pc-linux-gnu \
                --with-build-python="$native/bin/python3.13" --with-emscripten-target=node \
                --enable-wasm-dynamic-linking --with-pymalloc --without-ensurepip \
                --with-system-libmpdec=no --with-system-expat=no \
                --prefix=/ --disable-ipv6 >configure.log 2>&1 ||
                { tail -40 config.log; exit 1; }
            # configure hard-codes "no large file support" for Emscripten, true only of old
            # releases: off_t is 64-bit, so Py_off_t should be too (seek and tell past 2 GiB).
            # pyconfig.h also goes to extension builds, so they agree.
            printf '\n/* sangam: off_t is 64-bit on Emscripten 3.1.69 */\n#define HAVE_LARGEFILE_SUPPORT 1\n' >> pyconfig.h
            # Not CPython's own python.js: sangam links its main module itself (Makefile).
            emmake make -j"$JOBS" libpython3.13.a platform sharedmods >make.log 2>&1 ||
                { grep -E -A3 'error:|Error [0-9]' make.log | grep -v Werror | head -40; exit 1; }
        ) >&2 || die "wasm CPython build failed (logs in $b)"
        mv "$s" "$out"
        touch "$out/.done"
    fi
    printf '%s\n' "$out"
}

case ${1:-} in
    native) build_native ;;
    wasm) build_wasm "$2" "$3" ;;
    *) die "usage: build-python.sh native | wasm ENV_SH LIBS_PREFIX" ;;
esac
