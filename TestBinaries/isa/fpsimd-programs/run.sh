#!/bin/sh
# Builds the FP/AdvSIMD programs here (glibc -O2/-O3 and musl) and checks
# that swift-qemu-lite prints exactly what qemu-aarch64 prints.
# Usage (from the repository root, after `swift build`):
#     sh TestBinaries/isa/fpsimd-programs/run.sh [path/to/swift-qemu-lite]
set -e
here=$(cd "$(dirname "$0")" && pwd)
emu=${1:-.build/debug/swift-qemu-lite}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0
for src in ${FPSIMD_PROGRAMS:-libc-fp vectorised libm-sweep}; do
    aarch64-linux-gnu-gcc -O3 -static -o "$out/$src-glibc" "$here/$src.c" -lm
    python3 -m ziglang cc -target aarch64-linux-musl -O3 -static -o "$out/$src-musl" "$here/$src.c" -lm
    for variant in glibc musl; do
        bin="$out/$src-$variant"
        qemu-aarch64 "$bin" > "$out/want" 2>&1 || true
        "$emu" "$bin" > "$out/got" 2>&1 || true
        if cmp -s "$out/want" "$out/got"; then
            echo "ok   $src ($variant)"
        else
            echo "FAIL $src ($variant)"; diff "$out/want" "$out/got" | head -20; fail=1
        fi
    done
done
exit $fail
