#!/bin/sh
# The ELF mutation fuzzer's long mode: N in-process loads and P whole
# emulator processes of mutated copies of the committed static, static-PIE
# and dynamic programs (Tests/ELFTests/ELFMutator.swift), printing counts.
#
#   TestBinaries/fuzz-elf.sh [N [P [SEED]]]      defaults: 1000000 10000 99540511
#
# Environment: CONFIG=release builds and runs with `-c release --scratch-path
# .build-release -Xswiftc -enable-testing` (default: the debug build),
# ELF_FUZZ_JOBS (parallel processes, 2), ELF_FUZZ_TIMEOUT (seconds, 30).
# The quick mode is the same two tests with their defaults in `swift test`.
set -e
cd "$(dirname "$0")/.."
N=${1:-1000000}
P=${2:-10000}
SEED=${3:-99540511}
if [ "$CONFIG" = release ]; then
    set -- -c release --scratch-path .build-release -Xswiftc -enable-testing
else
    set --
fi
swift build --build-tests "$@"
echo "in-process: $N cases"
ELF_FUZZ_COUNT=$N ELF_FUZZ_SEED=$SEED /usr/bin/time -v swift test --skip-build "$@" \
    --filter MalformedTests.testMutationFuzz 2>&1 \
    | grep -E "ELF fuzz|error:|Executed .* tests|Maximum resident|Elapsed"
echo "processes: $P cases"
ELF_FUZZ_PROCESSES=$P ELF_FUZZ_SEED=$SEED swift test --skip-build "$@" \
    --filter ELFFuzzProcessTests 2>&1 | grep -E "ELF fuzz|error:|Executed .* tests"
