#!/usr/bin/env bash
# Records the differential test vectors: runs the harness
# (diff/bin/diffharness) under qemu-aarch64 -cpu max for every instruction
# class and writes diff/vectors.txt, which Tests/IntegrationTests/
# DifferentialTests.swift replays under swift-qemu-lite without qemu.
#
# Usage (from anywhere):
#   TestBinaries/isa/record-diff.sh [--scale N]
# --scale multiplies every class's vector count (default 1). The harness is
# rebuilt first when aarch64-linux-gnu-gcc is installed (diff/build.sh);
# needs qemu-user (qemu-aarch64).
#
# vectors.txt: comment lines (#), then per class one line
#   run CLASS SEED COUNT
# followed by the harness's lines for it (one per chunk of 1,000 vectors):
#   CLASS CHUNK HASH ok=N ill=N segv=N bus=N
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
diff="$here/diff"
out="$diff/vectors.txt"
scale=1
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale="$2"; shift 2 ;;
        *) echo "usage: $0 [--scale N]" >&2; exit 2 ;;
    esac
done

if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then
    "$diff/build.sh"
fi
harness="$diff/bin/diffharness"
qemu=(qemu-aarch64 -cpu max)

# Vectors per class (thousands). Classes with many opcodes, sizes and FP
# corner cases get more. The ext-* classes are recorded too; the test skips
# them until the emulator implements those extensions.
declare -A kvec=(
    [int-imm]=30 [int-bitfield]=30 [int-logical-reg]=30 [int-addsub-reg]=30 [int-carry]=20
    [int-cond]=30 [int-mul]=30 [int-dp2]=30 [int-dp1]=20
    [ls-uimm]=30 [ls-imm9]=30 [ls-reg]=30 [ls-pair]=30 [ls-literal]=20 [ls-excl]=30
    [ls-atomic]=30 [simd-ls-multi]=30 [simd-ls-single]=40 [ls-fault]=20 [ls-align]=10 [branch]=20 [system]=20
    [fp-dp1]=40 [fp-dp2]=40 [fp-dp3]=40 [fp-cmp]=30 [fp-cond]=30 [fp-imm]=10
    [fp-conv-int]=40 [fp-conv-fixed]=40
    [simd-3same]=60 [simd-3diff]=40 [simd-2misc]=60 [simd-across]=30 [simd-copy]=30
    [simd-modimm]=20 [simd-shift]=50 [simd-elem]=50 [simd-perm]=20 [simd-ext]=20 [simd-tbl]=30
    [simd-scalar-arith]=40 [simd-scalar-misc]=40 [simd-scalar-shift-elem]=40
)
ext_kvec=5
seed=1

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
{
    echo "# Differential instruction vectors, recorded by TestBinaries/isa/record-diff.sh"
    echo "# from $("${qemu[0]}" --version | head -1) with -cpu max. Do not edit by hand."
    total=0
    for class in $("${qemu[@]}" "$harness" --list all); do
        if [ -n "${kvec[$class]:-}" ]; then
            count=$(( kvec[$class] * 1000 * scale ))
        elif [[ "$class" == ext-* ]]; then
            count=$(( ext_kvec * 1000 * scale ))
        else
            echo "record-diff.sh: no vector count for class $class" >&2
            exit 1
        fi
        echo "run $class $seed $count"
        "${qemu[@]}" "$harness" "$class" "$seed" "$count"
        total=$((total + count))
        echo "$class: $count" >&2
    done
    echo "total: $total" >&2
} > "$tmp"
mv "$tmp" "$out"
trap - EXIT
grep -c '^run ' "$out" | sed 's/^/classes: /'
