#!/usr/bin/env bash
# Repeatable cost figure for one kernel: host instructions executed per guest
# instruction, counted by callgrind (the VM has no hardware counters, and
# instruction counts do not depend on machine load the way times do).
#
# Usage: Benchmarks/callgrind.sh KERNEL [ITERATIONS] [EMULATOR]
#   ITERATIONS defaults to a small per-kernel count (callgrind runs ~50x slower);
#   EMULATOR defaults to .build/release/swift-qemu-lite.
# Leaves callgrind.out.KERNEL in the current directory for callgrind_annotate.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
k="${1:?usage: callgrind.sh KERNEL [ITERATIONS] [EMULATOR]}"
case "$k" in
    int) dflt=2000000 ;;
    *) dflt=1 ;;
esac
iters="${2:-$dflt}"
emu="${3:-$here/../.build/release/swift-qemu-lite}"
guest="$here/bin/$k.aarch64"
[ -x "$emu" ] || { echo "callgrind.sh: no emulator at $emu (swift build -c release)" >&2; exit 2; }
[ -f "$guest" ] || { echo "callgrind.sh: no $guest (Benchmarks/build.sh)" >&2; exit 2; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
SWIFT_QEMU_LITE_STATS=1 valgrind --tool=callgrind --callgrind-out-file="callgrind.out.$k" \
    "$emu" "$guest" "$iters" 2>"$log"
host=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log" | tail -1)
guest_n=$(sed -n 's/.*swift-qemu-lite: \([0-9]*\) guest instructions.*/\1/p' "$log" | tail -1)
echo "host instructions:  ${host:-?}"
echo "guest instructions: ${guest_n:-? (emulator printed no SWIFT_QEMU_LITE_STATS line)}"
if [ -n "$host" ] && [ -n "$guest_n" ] && [ "$guest_n" -gt 0 ]; then
    awk -v h="$host" -v g="$guest_n" 'BEGIN { printf "host/guest:         %.1f\n", h / g }'
fi
