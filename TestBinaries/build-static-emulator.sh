#!/usr/bin/env bash
# Builds swift-qemu-lite as one fully static executable: the Swift runtime,
# Foundation-free stdlib and glibc linked in, no PT_INTERP and no shared
# libraries. binfmt_misc's F flag opens the interpreter once, at
# registration, and the kernel then runs it inside chroots and containers
# whose file systems have no Swift runtime and no x86_64 dynamic loader;
# only a static executable can start there.
#
#   TestBinaries/build-static-emulator.sh           release build
#   TestBinaries/build-static-emulator.sh --debug   debug build (faster to build; CI)
#
# The output goes to its own scratch path, .build-static/{release,debug}/
# swift-qemu-lite, so it never invalidates the ordinary .build. The script
# prints that path and fails if the result has a PT_INTERP.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

config=release
case "${1:-}" in
    "") ;;
    --debug) config=debug ;;
    *) echo "usage: $0 [--debug]" >&2; exit 2 ;;
esac

swift build -c "$config" --product swift-qemu-lite \
    --static-swift-stdlib -Xswiftc -static-executable \
    --scratch-path .build-static >&2

out=".build-static/$config/swift-qemu-lite"
if command -v readelf >/dev/null 2>&1 && readelf -lW "$out" | grep -q 'INTERP'; then
    echo "$0: $out has a PT_INTERP; it is not a static executable" >&2
    exit 1
fi
echo "$out"
