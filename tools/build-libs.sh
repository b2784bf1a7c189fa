#!/usr/bin/env bash
# Builds the C libraries the standard library needs (zlib, bzip2, liblzma, sqlite3, libffi) as
# static, position-independent wasm archives from their Debian sources, into one cached prefix.
# Usage: build-libs.sh ENV_SH   (the toolchain's env.sh). Prints the prefix.
source "$(dirname "$0")/lib.sh"
source "$1"

# One flag set for every library: the same ABI as the main module and the side modules.
LIB_CFLAGS="-O2 -fPIC -fwasm-exceptions -sSUPPORT_LONGJMP=wasm"
LIBS="zlib bzip2 xz sqlite3 libffi"

key_parts=("$(emcc --version | head -1)" "$LIB_CFLAGS" "$TOOLS_DIR/build-libs.sh")
for l in $LIBS; do key_parts+=("$(manifest_field "$l" 5)"); done
PREFIX=$SANGAM_CACHE/libs-$(input_key "${key_parts[@]}")
WORK=$SANGAM_CACHE/build/libs

build_zlib() {
    local s=$WORK/zlib
    unpack_source zlib "$s"
    (cd "$s" && CFLAGS="$LIB_CFLAGS" emconfigure ./configure --static --prefix="$PREFIX" &&
        emmake make -j"$JOBS" libz.a && emmake make install)
}

build_bzip2() {
    local s=$WORK/bzip2
    unpack_source bzip2 "$s"
    (cd "$s" && emmake make -j"$JOBS" libbz2.a CC=emcc AR=emar RANLIB=emranlib \
        CFLAGS="$LIB_CFLAGS -D_FILE_OFFSET_BITS=64" &&
        install -m644 bzlib.h "$PREFIX/include/" && install -m644 libbz2.a "$PREFIX/lib/")
}

build_xz() {
    local s=$WORK/xz
    unpack_source xz "$s"
    (cd "$s" && CFLAGS="$LIB_CFLAGS" emconfigure ./configure --host=wasm32-unknown-emscripten \
        --prefix="$PREFIX" --disable-shared --enable-static --disable-threads --disable-xz \
        --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links \
        --disable-scripts --disable-doc --disable-nls --disable-microlzma --disable-lzip-decoder &&
        emmake make -j"$JOBS" -C src/liblzma && emmake make -C src/liblzma install)
}

build_sqlite3() {
    local s=$WORK/sqlite3
    unpack_source sqlite3 "$s"
    # The Debian orig tarball is the full source tree: generate the amalgamation with host tools.
    (cd "$s" && mkdir -p host && cd host && ../configure --disable-tcl >/dev/null && make sqlite3.c >/dev/null)
    (cd "$s/host" && emcc $LIB_CFLAGS -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_THREADSAFE=0 \
        -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_JSON1 \
        -DSQLITE_ENABLE_RTREE -c sqlite3.c -o sqlite3.o &&
        emar rcs "$PREFIX/lib/libsqlite3.a" sqlite3.o &&
        install -m644 sqlite3.h sqlite3ext.h "$PREFIX/include/")
}

build_libffi() {
    local s=$WORK/libffi
    unpack_source libffi "$s"
    (cd "$s" && autoreconf -fi >/dev/null 2>&1 &&
        CFLAGS="$LIB_CFLAGS" emconfigure ./configure --host=wasm32-unknown-emscripten \
        --prefix="$PREFIX" --disable-shared --enable-static --disable-docs \
        --disable-multi-os-directory --disable-exec-static-tramp &&
        emmake make -j"$JOBS" && emmake make install)
}

if [ ! -f "$PREFIX/.done" ]; then
    rm -rf "$PREFIX"; mkdir -p "$PREFIX/include" "$PREFIX/lib" "$WORK"
    for l in $LIBS; do
        log "building $l for wasm"
        "build_$l" > "$WORK/$l.log" 2>&1 || { tail -40 "$WORK/$l.log" >&2; die "building $l failed (log: $WORK/$l.log)"; }
    done
    rm -rf "$WORK"
    touch "$PREFIX/.done"
fi
printf '%s\n' "$PREFIX"
