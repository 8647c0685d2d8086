#!/usr/bin/env bash
# Parallel speedup of guest threads: the same CPU work on 1 and on 2 guest
# threads under a release build, interleaved, best of N runs each.
# Usage: Benchmarks/threads-speedup.sh [RUNS] [ITERATIONS]
# Needs aarch64-linux-gnu-gcc; builds .build/release if missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
runs="${1:-5}" iterations="${2:-200000000}"
emu="${SWIFT_QEMU_LITE_EXECUTABLE:-$root/.build/release/swift-qemu-lite}"
[ -x "$emu" ] || (cd "$root" && swift build -c release --product swift-qemu-lite)
bin="$(mktemp -d)/spin"
aarch64-linux-gnu-gcc -static -O2 -o "$bin" "$here/threads/spin.c" -lpthread
best() { sort -n | head -1; }
one=() two=()
for _ in $(seq "$runs"); do
    one+=("$("$emu" "$bin" "$iterations" 1 | awk '{print $4}')")
    two+=("$("$emu" "$bin" "$iterations" 2 | awk '{print $4}')")
done
b1=$(printf '%s\n' "${one[@]}" | best) b2=$(printf '%s\n' "${two[@]}" | best)
echo "1 thread: best ${b1} s; 2 threads: best ${b2} s; speedup $(python3 -c "print(round($b1 / $b2, 2))")x (load: $(cut -d' ' -f1-3 /proc/loadavg))"
rm -rf "$(dirname "$bin")"
