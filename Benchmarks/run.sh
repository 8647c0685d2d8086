#!/usr/bin/env bash
# Benchmark harness: times the kernels under swift-qemu-lite, qemu-aarch64 and
# natively, checks their checksums agree, and prints a Markdown table.
# See Benchmarks/README.md; options: Benchmarks/run.sh --help
exec python3 "$(dirname "${BASH_SOURCE[0]}")/harness.py" "$@"
