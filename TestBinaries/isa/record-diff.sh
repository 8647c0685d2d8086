#!/usr/bin/env bash
# Records the differential test vectors: runs the harness
# (diff/bin/diffharness) under qemu-aarch64 -cpu max for every instruction
# class and writes diff/vectors.txt, which Tests/IntegrationTests/
# DifferentialTests.swift replays under swift-qemu-lite without qemu.
#
# Usage (from anywhere):
#   TestBinaries/isa/record-diff.sh [--scale N] [CLASS...]
# --scale multiplies every class's vector count (default 1). With CLASS
# names, only those classes are recorded again; the others keep their
# lines (run line, seed, count and hashes) from the current vectors.txt
# (after a change of the harness that affects only those classes). The harness is
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
declare -A only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale="$2"; shift 2 ;;
        -*) echo "usage: $0 [--scale N] [CLASS...]" >&2; exit 2 ;;
        *) only[$1]=1; shift ;;
    esac
done
if [ ${#only[@]} -gt 0 ] && [ ! -f "$out" ]; then
    echo "record-diff.sh: no $out to keep the other classes from" >&2
    exit 1
fi

if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then
    "$diff/build.sh"
fi
harness="$diff/bin/diffharness"
qemu=(qemu-aarch64 -cpu max)

# Vectors per class (thousands). Classes with many opcodes, sizes and FP
# corner cases get more. The ext-* classes (extensions beyond Armv8.0) get
# ext_kvec each; the test skips a class only while it is listed in
# DifferentialTests.pending.
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
    classes="$("${qemu[@]}" "$harness" --list all)"
    for class in ${!only[@]}; do
        if ! grep -qx -- "$class" <<<"$classes"; then
            echo "record-diff.sh: the harness has no class $class" >&2
            exit 1
        fi
    done
    for class in $classes; do
        if [ ${#only[@]} -gt 0 ] && [ -z "${only[$class]:-}" ]; then
            # Kept: this class's run line and hash lines as recorded before.
            kept="$(awk -v c="$class" '$1 == "run" { on = ($2 == c) } on' "$out")"
            if [ -z "$kept" ]; then
                echo "record-diff.sh: $out has no class $class; record it too" >&2
                exit 1
            fi
            echo "$kept"
            total=$((total + $(awk 'NR == 1 { print $4 }' <<<"$kept")))
            echo "$class: kept" >&2
            continue
        fi
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
