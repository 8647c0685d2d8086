#!/usr/bin/env bash
# Builds the differential harness (bin/diffharness), a static arm64 program.
# Needs gcc-aarch64-linux-gnu. Same bytes from the same sources.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$here/bin"
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Wno-unused-parameter -Wl,--build-id=none \
    "-ffile-prefix-map=$here=." -o "$here/bin/diffharness" \
    "$here/harness.c" "$here/classes.c" "$here/words.c" "$here/enter.S"
aarch64-linux-gnu-strip "$here/bin/diffharness"
