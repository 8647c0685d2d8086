#!/usr/bin/env bash
# Build the benchmark kernels from the same C source twice:
#   bin/<kernel>.aarch64  static aarch64 glibc binary, stripped (committed)
#   bin/<kernel>.x86_64   native host binary (built on demand, not committed)
#
# Usage: Benchmarks/build.sh [--native-only] [kernel ...]
#
# Flags, and why:
#   -O2                  as real distribution binaries are built;
#   -fno-tree-vectorize  GCC 12 vectorises at -O2; the kernels are meant to
#                        measure scalar integer, memory, call and FP paths
#                        (SIMD is exercised through glibc by the str kernel);
#   -ffp-contract=off    aarch64 GCC fuses a*b+c into FMADD by default, x86_64
#                        without -mfma does not; unfused, both round the same
#                        way and the fp checksums match bit for bit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/kernels"
out="$here/bin"
cflags=(-O2 -fno-tree-vectorize -ffp-contract=off -Wall -Wextra)

native_only=0
kernels=()
for arg in "$@"; do
    case "$arg" in
        --native-only) native_only=1 ;;
        -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
        -*) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
        *) kernels+=("$arg") ;;
    esac
done
if [ ${#kernels[@]} -eq 0 ]; then
    for f in "$src"/*.c; do kernels+=("$(basename "$f" .c)"); done
fi

mkdir -p "$out"
for k in "${kernels[@]}"; do
    c="$src/$k.c"
    [ -f "$c" ] || { echo "build.sh: no kernel $c" >&2; exit 2; }
    if [ $native_only -eq 0 ]; then
        aarch64-linux-gnu-gcc "${cflags[@]}" -static -o "$out/$k.aarch64" "$c" -lm
        aarch64-linux-gnu-strip "$out/$k.aarch64"
        echo "built bin/$k.aarch64"
    fi
    gcc "${cflags[@]}" -o "$out/$k.x86_64" "$c" -lm
    echo "built bin/$k.x86_64"
done
