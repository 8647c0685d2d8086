#!/bin/sh
# Long mode of procguard's /proc path-spelling fuzzer: N random spellings
# (default 100000) of the own process's maps, smaps, numa_maps and mem,
# with the same fixed seed as the quick mode of `swift test` (2,000).
# Runs the glibc and musl builds under the emulator and the same C built
# for x86-64 on this kernel, and prints each one's tallies; every line must
# say "host view 0", and the three must agree.
#   TestBinaries/procguard-fuzz.sh [N] [EMULATOR]
set -e
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-100000}
emu=${2:-$here/../.build/debug/swift-qemu-lite}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -pthread -I "$here/src/runtime" -o "$work/procguard" "$here/src/runtime/procguard.c"
cd "$work"
echo "linux:  $(./procguard "$n" | grep '^fuzz')"
for v in glibc musl; do
    echo "$v: $("$emu" "$here/bin/procguard.$v-O2" "$n" | grep '^fuzz')"
done
