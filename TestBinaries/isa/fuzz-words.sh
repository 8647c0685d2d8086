#!/usr/bin/env bash
# Long mode of the random-instruction-word fuzzer: N random words per
# class (fuzz-uniform, fuzz-biased) and per CPU model, each run by the
# differential harness under qemu-aarch64 -cpu MODEL and under
# swift-qemu-lite -cpu MODEL, compared chunk by chunk (1,000 words; the
# signal raised, or every register, NZCV, FPCR, FPSR and the buffer). For
# every differing chunk, each differing word is printed on one line.
#
# Usage:
#   TestBinaries/isa/fuzz-words.sh [--seed S|random] [--cpu MODEL]...
#                                  [--jobs J] [--emulator PATH] N
# --cpu: repeatable (default cortex-a53 cortex-a57 cortex-a72 max);
# --jobs: parallel runs (default 2); the work is cut in chunks of 100,000
# words per class, each with its own seed (S + chunk number).
# The quick mode is Tests/IntegrationTests/WordFuzzTests.swift, which
# replays diff/words.txt (record-words.sh) without qemu.
# Prints the totals; exit status 1 when any word differs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
harness="$here/diff/bin/diffharness"
seed=random
cpus=()
jobs=2
emu=""
while [ $# -gt 1 ]; do
    case "$1" in
        --seed) seed="$2"; shift 2 ;;
        --cpu) cpus+=("$2"); shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --emulator) emu="$2"; shift 2 ;;
        *) sed -n '2,18p' "$0" >&2; exit 2 ;;
    esac
done
[ $# -eq 1 ] || { sed -n '2,18p' "$0" >&2; exit 2; }
total="$1"
[ ${#cpus[@]} -gt 0 ] || cpus=(cortex-a53 cortex-a57 cortex-a72 max)
if [ -z "$emu" ]; then
    for c in "$root/.build-release/release/swift-qemu-lite" "$root/.build/release/swift-qemu-lite" \
             "$root/.build/debug/swift-qemu-lite"; do
        if [ -x "$c" ]; then emu="$c"; break; fi
    done
fi
[ -x "$emu" ] || { echo "fuzz-words.sh: no swift-qemu-lite built" >&2; exit 2; }
if [ "$seed" = random ]; then seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); fi
piece=100000
echo "seed $seed, $total words per class and model, models ${cpus[*]}, emulator $emu"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# One unit of work: MODEL CLASS SEED COUNT.
for cpu in "${cpus[@]}"; do
    for class in fuzz-uniform fuzz-biased; do
        left=$total; s=$seed
        while [ "$left" -gt 0 ]; do
            n=$(( left < piece ? left : piece ))
            echo "$cpu $class $s $n"
            left=$((left - n)); s=$((s + 1))
        done
    done
done > "$tmp/units"

export harness emu tmp here
run_unit() {
    set -u
    local cpu=$1 class=$2 s=$3 n=$4 id="$1.$2.$3"
    qemu-aarch64 -cpu "$cpu" "$harness" "$class" "$s" "$n" > "$tmp/$id.q" 2>&1 || true
    "$emu" -cpu "$cpu" "$harness" "$class" "$s" "$n" > "$tmp/$id.e" 2>"$tmp/$id.err" || true
    local words=$(awk '{ n += substr($4, 4) + substr($5, 5) + substr($6, 6) + substr($7, 5) } END { print n + 0 }' "$tmp/$id.q")
    if cmp -s "$tmp/$id.q" "$tmp/$id.e"; then
        echo "ok $cpu $class $s $n $words" > "$tmp/$id.res"
        return
    fi
    local bad=""
    bad=$(diff "$tmp/$id.q" "$tmp/$id.e" | sed -n 's/^< [^ ]* \([0-9]*\) .*/\1/p' | tr '\n' ' ' || true)
    {
        echo "MISMATCH $cpu $class $s $n $words chunks: ${bad:-?}"
        head -c 300 "$tmp/$id.err"
        for c in $bad; do
            qemu-aarch64 -cpu "$cpu" "$harness" -v "$c" "$class" "$s" "$n" > "$tmp/$id.$c.qv" 2>&1 || true
            "$emu" -cpu "$cpu" "$harness" -v "$c" "$class" "$s" "$n" > "$tmp/$id.$c.ev" 2>&1 || true
            python3 "$here/vector-diff.py" "$tmp/$id.$c.qv" "$tmp/$id.$c.ev" "$cpu $class $s chunk $c"
        done
    } > "$tmp/$id.res"
}
export -f run_unit
xargs -P "$jobs" -L 1 bash -c 'run_unit "$@"' _ < "$tmp/units"

failed=0
words=0; units=0
for f in "$tmp"/*.res; do
    read -r status _ _ _ _ w _ < "$f"
    words=$((words + w)); units=$((units + 1))
    if [ "$status" != ok ]; then failed=1; cat "$f"; fi
done
echo "words: $words in $units runs, $( [ $failed = 0 ] && echo 'no mismatches' || echo 'MISMATCHES above')"
exit $failed
