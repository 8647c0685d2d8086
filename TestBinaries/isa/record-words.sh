#!/usr/bin/env bash
# Records the quick mode of the random-instruction-word fuzzer: runs the
# harness's fuzz classes (diff/words.c) under qemu-aarch64 -cpu MODEL for
# every CPU model the emulator offers and writes diff/words.txt, which
# Tests/IntegrationTests/WordFuzzTests.swift replays under
# swift-qemu-lite -cpu MODEL without qemu. The long mode is fuzz-words.sh.
#
# Usage: TestBinaries/isa/record-words.sh [COUNT]   (words per class and
# model, default 3000). words.txt: comment lines, then per run
#   run CLASS SEED COUNT MODEL
# followed by the harness's lines (one per chunk of 1,000 words).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
harness="$here/diff/bin/diffharness"
count="${1:-3000}"
seed=1
out="$here/diff/words.txt"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
{
    echo "# Random instruction words, recorded by TestBinaries/isa/record-words.sh"
    echo "# from $(qemu-aarch64 --version | head -1). Do not edit by hand."
    for cpu in cortex-a53 cortex-a57 cortex-a72 max; do
        for class in $(qemu-aarch64 -cpu max "$harness" --list fuzz); do
            echo "run $class $seed $count $cpu"
            qemu-aarch64 -cpu "$cpu" "$harness" "$class" "$seed" "$count"
        done
    done
} > "$tmp"
mv "$tmp" "$out"
trap - EXIT
grep -c '^run ' "$out" | sed 's/^/runs: /'
