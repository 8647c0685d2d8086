#!/usr/bin/env bash
# Rebuilds every test program in bin/ from src/.
#
# Each C program is built four ways:
#   NAME.glibc-O0          aarch64-linux-gnu-gcc -static -O0
#   NAME.glibc-O2          aarch64-linux-gnu-gcc -static -O2
#   NAME.glibc-O3-armv82   aarch64-linux-gnu-gcc -static -O3 -march=armv8.2-a
#   NAME.musl-O2           zig cc -target aarch64-linux-musl -static -O2
# Each assembly program is built once, without libc, as NAME.nolibc.
# The Linux-runtime programs of src/runtime (signals, timers, processes,
# I/O readiness, sockets, mappings, JIT, /proc) test the kernel interface
# rather than code generation, so they are built twice, with each libc:
#   NAME.glibc-O2, NAME.musl-O2
# The Go programs of src/go/NAME (a main package each) are built with the
# installed Go toolchain as NAME.go: GOARCH=arm64, CGO_ENABLED=0, stripped
# (-s -w), no build id, no VCS stamp, -trimpath.
# Dynamically linked programs (glibc's default) are built once, at -O2:
#   NAME.glibc-dyn         from src/dynamic/NAME.c or .cc, and from hello.c
# They need the arm64 shared libraries at run time: sysroot/ holds the few
# the tests use (make-sysroot.sh), and they run with -L TestBinaries/sysroot.
# Everything is stripped to keep the committed binaries small.
#
# Needs: gcc-aarch64-linux-gnu (with libc6-dev-arm64-cross), the
# ziglang Python package and Go (1.19 or later). After rebuilding, run record.sh to refresh the
# expected outputs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/src"
bin="$here/bin"
mkdir -p "$bin"

CC=aarch64-linux-gnu-gcc
STRIP=aarch64-linux-gnu-strip
ZIGCC=(python3 -m ziglang cc -target aarch64-linux-musl)

# Same bytes from the same sources: no build id, no source paths.
common=(-static -Wall -Wno-unused-result -Wl,--build-id=none "-ffile-prefix-map=$here=.")

declare -A libs=([libm]="-lm")

build_c() {
    local name="$1" file="$src/$1.c"
    local extra="${libs[$name]:-}"
    # shellcheck disable=SC2086
    {
        "$CC" "${common[@]}" -O0 -o "$bin/$name.glibc-O0" "$file" $extra
        "$CC" "${common[@]}" -O2 -o "$bin/$name.glibc-O2" "$file" $extra
        "$CC" "${common[@]}" -O3 -march=armv8.2-a -o "$bin/$name.glibc-O3-armv82" "$file" $extra
        # zig cc turns on the undefined-behaviour sanitizer in trap mode by
        # default; the programs must not depend on it.
        "${ZIGCC[@]}" "${common[@]}" -fno-sanitize=undefined -O2 -o "$bin/$name.musl-O2" "$file" $extra
    }
    "$STRIP" "$bin/$name.glibc-O0" "$bin/$name.glibc-O2" "$bin/$name.glibc-O3-armv82" "$bin/$name.musl-O2"
}

# Dynamic: no -static; no build id and no source paths, as above.
dyncommon=(-Wall -Wno-unused-result -Wl,--build-id=none "-ffile-prefix-map=$here=." -O2)

build_dyn() {
    local name="$1" file="$2" compiler="$CC"
    case "$file" in *.cc) compiler=aarch64-linux-gnu-g++ ;; esac
    "$compiler" "${dyncommon[@]}" -o "$bin/$name.glibc-dyn" "$file"
    "$STRIP" "$bin/$name.glibc-dyn"
}

build_runtime() {
    local name="$1" file="$src/runtime/$1.c"
    "$CC" "${common[@]}" -O2 -o "$bin/$name.glibc-O2" "$file"
    "${ZIGCC[@]}" "${common[@]}" -fno-sanitize=undefined -O2 -o "$bin/$name.musl-O2" "$file"
    "$STRIP" "$bin/$name.glibc-O2" "$bin/$name.musl-O2"
}

build_go() {
    local name="$1"
    (cd "$src/go/$name" && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 \
        go build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$bin/$name.go" .)
}

build_asm() {
    local name="$1"
    "$CC" -nostdlib -static -Wl,--build-id=none -o "$bin/$name.nolibc" "$src/$name.S"
    "$STRIP" "$bin/$name.nolibc"
}

# Thread programs (src/threads/), static glibc at -O2. threads-atomics is
# built twice so that both kinds of atomics are exercised:
#   threads-atomics.glibc-llsc  -march=armv8-a -mno-outline-atomics: LDXR/STXR, LDXP/STXP
#   threads-atomics.glibc-lse   -march=armv8.1-a: LDADD, SWP, CAS, CASP
# and threads-alignment with -march=armv8.3-a for its inline assembly.
# `./build.sh threads` rebuilds only these.
build_threads() {
    for f in "$src"/threads/*.c; do
        local name
        name="$(basename "$f" .c)"
        echo "build $name (threads)"
        rm -f "$bin/$name".*
        if [ "$name" = threads-atomics ]; then
            "$CC" "${common[@]}" -O2 -march=armv8-a -mno-outline-atomics -o "$bin/$name.glibc-llsc" "$f"
            "$CC" "${common[@]}" -O2 -march=armv8.1-a -o "$bin/$name.glibc-lse" "$f"
        elif [ "$name" = threads-alignment ]; then
            # LSE and LDAPR in inline assembly.
            "$CC" "${common[@]}" -O2 -march=armv8.3-a -o "$bin/$name.glibc-O2" "$f"
        else
            "$CC" "${common[@]}" -O2 -o "$bin/$name.glibc-O2" "$f"
        fi
        "$STRIP" "$bin/$name".*
    done
}
if [ "${1:-}" = threads ]; then
    build_threads
    exit 0
fi
# `./build.sh runtime NAME...` rebuilds only those programs of src/runtime.
if [ "${1:-}" = runtime ]; then
    shift
    for name in "$@"; do
        echo "build $name (runtime)"
        build_runtime "$name"
    done
    exit 0
fi

rm -f "$bin"/*
for f in "$src"/*.c; do
    name="$(basename "$f" .c)"
    echo "build $name"
    build_c "$name"
done
for f in "$src"/*.S; do
    name="$(basename "$f" .S)"
    echo "build $name (no libc)"
    build_asm "$name"
done

for f in "$src"/runtime/*.c; do
    name="$(basename "$f" .c)"
    echo "build $name (runtime)"
    build_runtime "$name"
done
for d in "$src"/go/*/; do
    name="$(basename "$d")"
    echo "build $name (Go)"
    build_go "$name"
done

echo "build hello (dynamic)"
build_dyn hello "$src/hello.c"
for f in "$src"/dynamic/*.c "$src"/dynamic/*.cc; do
    name="$(basename "${f%.*}")"
    echo "build $name (dynamic)"
    build_dyn "$name" "$f"
done

build_threads

count=$(find "$bin" -type f | wc -l)
total=$(du -cb "$bin"/* | tail -1 | cut -f1)
echo "built $count programs, $((total / 1024)) KiB in total"
