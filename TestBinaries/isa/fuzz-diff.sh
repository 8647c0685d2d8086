#!/usr/bin/env bash
# Long differential fuzzing: runs the harness (diff/bin/diffharness) live
# under qemu-aarch64 -cpu max and under swift-qemu-lite with a new seed,
# and for every chunk whose hash differs prints the first differing vector
# in full (instruction words, input state, both output states).
#
# Usage:
#   TestBinaries/isa/fuzz-diff.sh [--count N] [--seed S|random] [--class NAME]...
#                                 [--ext] [--fuzz] [--cpu MODEL] [--emulator PATH]
# --count: vectors per class (default 100000); --seed: a number or
# "random" (default); --class: only these classes (repeatable; default
# every implemented class, plus the ext-* ones with --ext, or the fuzz-*
# random-word classes alone with --fuzz); --cpu: the model both run
# (default max); --emulator:
# the swift-qemu-lite to test (default .build/release, else .build/debug).
# Needs qemu-user and python3. Exit status 1 when any class differs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
harness="$here/diff/bin/diffharness"
count=100000
seed=random
classes=()
ext=0
cpu=max
emu=""
while [ $# -gt 0 ]; do
    case "$1" in
        --count) count="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --class) classes+=("$2"); shift 2 ;;
        --ext) ext=1; shift ;;
        --fuzz) ext=2; shift ;;
        --cpu) cpu="$2"; shift 2 ;;
        --emulator) emu="$2"; shift 2 ;;
        *) sed -n '2,16p' "$0" >&2; exit 2 ;;
    esac
done
if [ -z "$emu" ]; then
    for c in "$root/.build/release/swift-qemu-lite" "$root/.build/debug/swift-qemu-lite"; do
        if [ -x "$c" ]; then emu="$c"; break; fi
    done
fi
[ -x "$emu" ] || { echo "fuzz-diff.sh: no swift-qemu-lite built (swift build)" >&2; exit 2; }
if [ "$seed" = random ]; then seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); fi
qemu=(qemu-aarch64 -cpu "$cpu")
if [ ${#classes[@]} -eq 0 ]; then
    list=base; [ $ext = 1 ] && list=all; [ $ext = 2 ] && list=fuzz
    mapfile -t classes < <("${qemu[@]}" "$harness" --list "$list")
fi
echo "seed $seed, $count vectors per class, -cpu $cpu, emulator $emu"

# Prints the first vector whose lines differ between two verbose runs.
show_vector() {
    python3 - "$1" "$2" <<'PY'
import sys
def blocks(path):
    out, cur = {}, None
    for line in open(path):
        if line.startswith('vector '):
            cur = line.split(':')[0]; out[cur] = [line.rstrip()]
        elif cur:
            out[cur].append(line.rstrip())
    return out
q, e = blocks(sys.argv[1]), blocks(sys.argv[2])
for k in q:
    if q[k] != e.get(k):
        print('  qemu:'); print('\n'.join('    ' + l for l in q[k]))
        print('  swift-qemu-lite:'); print('\n'.join('    ' + l for l in e.get(k, ['<missing>'])))
        break
PY
}

failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for class in "${classes[@]}"; do
    "${qemu[@]}" "$harness" "$class" "$seed" "$count" > "$tmp/q" 2>&1 || true
    "$emu" -cpu "$cpu" "$harness" "$class" "$seed" "$count" > "$tmp/e" 2>&1 || true
    if cmp -s "$tmp/q" "$tmp/e"; then
        echo "ok $class"
        continue
    fi
    failed=1
    chunk=$( (diff "$tmp/q" "$tmp/e" || true) | sed -n 's/^< [^ ]* \([0-9]*\) .*/\1/p' | head -1)
    echo "MISMATCH $class chunk ${chunk:-?}"
    (diff "$tmp/q" "$tmp/e" || true) | head -4 | sed 's/^/  /'
    if [ -n "$chunk" ]; then
        "${qemu[@]}" "$harness" -v "$chunk" "$class" "$seed" "$count" > "$tmp/qv" 2>&1 || true
        "$emu" -cpu "$cpu" "$harness" -v "$chunk" "$class" "$seed" "$count" > "$tmp/ev" 2>&1 || true
        show_vector "$tmp/qv" "$tmp/ev"
    fi
done
exit $failed
