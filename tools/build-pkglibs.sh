#!/usr/bin/env bash
# Builds the native libraries that the package set's extension modules link against (libyaml,
# libpng, libjpeg-turbo, freetype, ...) as static, position-independent wasm archives from their
# Debian sources (tools/sources.manifest), one cached prefix per library, each with its pkg-config
# file. The flags are the runtime's ABI (tools/build-libs.sh) and the package set's optimization
# level (buildtool/README.md has the measurements). zlib comes from the C libraries CPython is built with (WASM_LIBS).
# Usage: build-pkglibs.sh ENV_SH WASM_LIBS LIB...   Prints one prefix per LIB, in order.
source "$(dirname "$0")/lib.sh"
source "$1"
WASM_LIBS=$2
shift 2

LIB_CFLAGS="${SANGAM_LIB_OPT:--O2} -fPIC -fwasm-exceptions -sSUPPORT_LONGJMP=wasm"
# Which libraries each one is built on (their prefixes are in its key and on its search paths).
declare -A DEPS=([libyaml]="" [libpng]="" [libjpeg]="" [freetype]="" [libxml2]="" [libxslt]="libxml2"
                 [geos]="" [qhull]="")

declare -A PREFIXES=()
prefix_of() {
    local lib=$1 parts d
    [ -n "${DEPS[$lib]+x}" ] || die "build-pkglibs.sh: no recipe for library '$lib' (known: ${!DEPS[*]})"
    parts=("$(emcc --version | head -1)" "$LIB_CFLAGS" "$TOOLS_DIR/build-pkglibs.sh" "$(manifest_field "$lib" 5)" "$WASM_LIBS")
    for d in ${DEPS[$lib]}; do parts+=("$(prefix_of "$d")"); done
    printf '%s' "$SANGAM_CACHE/pkglib-$lib-$(input_key "${parts[@]}")"
}

# configure_static DIR PREFIX ARGS...: autoconf's configure for wasm, static only.
configure_static() {
    local s=$1 p=$2; shift 2
    (cd "$s" && CFLAGS="$LIB_CFLAGS" CXXFLAGS="$LIB_CFLAGS" CPPFLAGS="$DEP_CPPFLAGS" LDFLAGS="$DEP_LDFLAGS" \
        PKG_CONFIG_LIBDIR="$DEP_PKG_CONFIG" PKG_CONFIG_PATH= \
        emconfigure ./configure --host=wasm32-unknown-emscripten --prefix="$p" --disable-shared --enable-static "$@")
}

# cmake_static DIR PREFIX ARGS...
cmake_static() {
    local s=$1 p=$2; shift 2
    (cd "$s" && mkdir -p _build && cd _build && PKG_CONFIG_LIBDIR="$DEP_PKG_CONFIG" PKG_CONFIG_PATH= \
        emcmake cmake .. -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$p" -DCMAKE_INSTALL_LIBDIR=lib \
        -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_C_FLAGS="$LIB_CFLAGS $DEP_CPPFLAGS" \
        -DCMAKE_CXX_FLAGS="$LIB_CFLAGS $DEP_CPPFLAGS" -DCMAKE_PREFIX_PATH="$DEP_PREFIXES" "$@" &&
        emmake make -j"$JOBS" && emmake make install)
}

build_libyaml() {
    # The Debian tarball is the release's git tree: configure is generated first.
    (cd "$1" && autoreconf -fi) && configure_static "$1" "$2" && (cd "$1" && emmake make -j"$JOBS" -C src &&
        emmake make -C include install && emmake make -C src install && emmake make install-pkgconfigDATA)
}

build_libpng() {
    configure_static "$1" "$2" && (cd "$1" && emmake make -j"$JOBS" && emmake make install)
}

build_libjpeg() {
    cmake_static "$1" "$2" -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_SIMD=OFF -DWITH_TURBOJPEG=OFF \
        -DWITH_JAVA=OFF -DCMAKE_INSTALL_LIBDIR="$2/lib"  # its GNUInstallDirs takes a relative one from the build folder
}

build_freetype() {
    # apinames runs during the build: a host program (configure picked emcc for it too).
    configure_static "$1" "$2" --with-zlib=yes --with-png=no --with-bzip2=no --with-brotli=no \
        --with-harfbuzz=no && (cd "$1" && emmake make -j"$JOBS" CCexe=/usr/bin/gcc && emmake make install)
}

build_libxml2() {
    configure_static "$1" "$2" --without-python --without-threads --without-lzma --without-http \
        --without-ftp --without-iconv --without-icu --with-zlib="$WASM_LIBS" &&
        (cd "$1" && emmake make -j"$JOBS" libxml2.la && emmake make install-libLTLIBRARIES install-data)
}

build_libxslt() {
    configure_static "$1" "$2" --without-python --without-crypto --without-debugger --without-profiler \
        --with-libxml-prefix="$(prefix_of libxml2)" &&
        (cd "$1" && emmake make -j"$JOBS" -C libxslt && emmake make -j"$JOBS" -C libexslt &&
            emmake make -C libxslt install && emmake make -C libexslt install && emmake make install-pkgconfigDATA)
}

build_geos() {
    cmake_static "$1" "$2" -DBUILD_TESTING=OFF -DBUILD_BENCHMARKS=OFF -DBUILD_DOCUMENTATION=OFF -DBUILD_GEOSOP=OFF
}

build_qhull() {
    # qhull_r.pc names the shared library (-lqhull_r); only the static one is built.
    cmake_static "$1" "$2" -DBUILD_APPLICATIONS=OFF -DBUILD_STATIC_LIBS=ON -DQHULL_ENABLE_TESTING=OFF &&
        ln -sf libqhullstatic_r.a "$2/lib/libqhull_r.a"
}

build_one() {
    local lib=$1 p d
    p=$(prefix_of "$lib")
    if [ ! -f "$p/.done" ]; then
        DEP_PREFIXES=$WASM_LIBS DEP_CPPFLAGS="-I$WASM_LIBS/include" DEP_LDFLAGS="-L$WASM_LIBS/lib"
        DEP_PKG_CONFIG=$WASM_LIBS/lib/pkgconfig
        for d in ${DEPS[$lib]}; do
            local dp; dp=$(build_one "$d")
            DEP_PREFIXES+=";$dp" DEP_CPPFLAGS+=" -I$dp/include" DEP_LDFLAGS+=" -L$dp/lib" DEP_PKG_CONFIG+=":$dp/lib/pkgconfig"
        done
        local work=$SANGAM_CACHE/build/pkglib-$lib
        log "building $lib for wasm"
        rm -rf "$p"; mkdir -p "$p/include" "$p/lib/pkgconfig"
        unpack_source "$lib" "$work"
        ( "build_$lib" "$work" "$p" ) > "$work.log" 2>&1 ||
            { tail -40 "$work.log" >&2; die "building $lib failed (log: $work.log)"; }
        ls "$p"/lib/pkgconfig/*.pc >/dev/null 2>&1 || die "building $lib installed no pkg-config file (log: $work.log)"
        rm -rf "$work" "$work.log"
        touch "$p/.done"
    fi
    printf '%s\n' "$p"
}

for lib in "$@"; do build_one "$lib"; done
