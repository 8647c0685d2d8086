#!/bin/sh
# Rebuilds the committed loader test binaries. Needs aarch64-linux-gnu-gcc.
set -e
cd "$(dirname "$0")"
# ET_EXEC, fixed addresses.
aarch64-linux-gnu-gcc -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=4096 -s -o tiny tiny.S
# ET_DYN static PIE, loaded at a bias.
aarch64-linux-gnu-gcc -nostdlib -static-pie -fPIE -Wl,--build-id=none -Wl,-z,max-page-size=4096 -s -o tiny-pie tiny.S
# Dynamically linked (PT_INTERP): the loader must refuse it with a clear message.
aarch64-linux-gnu-gcc -nostdlib -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,--dynamic-linker=/lib/ld-linux-aarch64.so.1 -s -o tiny-dyn tiny.S -lc
# A relocatable object (ET_REL).
aarch64-linux-gnu-gcc -c -o tiny.o tiny.S
# Dies by SIGSEGV.
aarch64-linux-gnu-gcc -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=4096 -s -o segv segv.S
# Runs execve(argv[1], argv + 1) and exits with the errno when it fails.
aarch64-linux-gnu-gcc -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=4096 -s -o execarg execarg.S
