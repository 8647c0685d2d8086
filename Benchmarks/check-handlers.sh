#!/usr/bin/env bash
# Checks the release build's threaded handlers: none may reach another
# handler's body with a `call` (function merging does that, and it makes the
# host stack grow with every op). Also counts the handlers that pass control
# on with an indirect tail jump (`jmp *`); the few without one are ops that
# always return to the dispatcher (MSR, SVC, BRK, undefined). Prints one line
# per offending handler and exits 1 if there is any.
#
#   Benchmarks/check-handlers.sh [path/to/swift-qemu-lite]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${1:-.build/release/swift-qemu-lite}"
if [ ! -x "$bin" ]; then
    swift build -c release --product swift-qemu-lite >/dev/null
fi
objdump -d --no-show-raw-insn "$bin" | awk '
    /^[0-9a-f]+ <.*ThreadedO5table.*>:$/ { name = $2; handlers++; jumps[name] = 0; next }
    /^$/ { name = "" }
    name != "" && /jmp +\*/ { jumps[name]++ }
    name != "" && /call +[0-9a-f]+ <.*ThreadedO5table/ { print "calls another handler: " name; bad++ }
    END {
        for (n in jumps) if (jumps[n] > 0) tail++
        printf "%d handler functions, %d with tail jumps, %d problems\n", handlers, tail, bad
        exit bad > 0
    }'
