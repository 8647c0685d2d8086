#!/usr/bin/env bash
# Runs every program in bin/ under qemu-aarch64, the reference, and records
# what it did into expected/:
#
#   CASE.argv    the command line: the program's file name in bin/ on the
#                first line, then one argument per line
#   CASE.stdout  standard output, byte for byte
#   CASE.status  "exit N" or "signal N"
#   CASE.stderr  standard error, only for deaths by a signal (qemu's
#                "uncaught target signal" line)
#   environment  the complete environment every case runs with, one
#                NAME=value per line
#
# Dynamically linked programs (NAME.glibc-dyn) run with
# `-L TestBinaries/sysroot` (see make-sysroot.sh), as the tests run them.
#
# CASE is the program's file name, plus "@MODE" when a program is run more
# than once with different arguments. Each case runs in a fresh empty
# directory as cwd, with `env -i` plus the fixed environment below, and
# with core dumps off. Tests/IntegrationTests runs swift-qemu-lite the same
# way and compares.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QEMU="${QEMU:-qemu-aarch64}"
command -v "$QEMU" >/dev/null || { echo "record.sh: $QEMU not found" >&2; exit 1; }

exec python3 - "$here" "$QEMU" <<'PY'
import os, resource, shutil, subprocess, sys, tempfile

here, qemu = sys.argv[1], sys.argv[2]
bindir = os.path.join(here, "bin")
outdir = os.path.join(here, "expected")

# The whole environment of every case. Only SQL_TEST_* is printed by the
# programs; the rest keeps libc behaviour fixed.
ENVIRONMENT = [
    "LC_ALL=C",
    "PATH=/usr/bin:/bin",
    "SQL_TEST_VALUE=hello, emulated world",
    "SQL_TEST_EMPTY=",
]

# Arguments per program (the part of the file name before the first dot).
# A program with several entries runs once per entry, as CASE@MODE.
CASES = {
    "auxv": {"": ["first", "second argument with spaces", "", "x=1;y=2"]},
    "exitcodes": {m: [m] for m in ["exit0", "exit3", "exit255", "return42", "segv", "abort"]},
    "asmexit": {"": [], "args": ["one", "two"]},
    "procfs": {"": ["one", "two words", ""]},
    "asmfaults": {m: [m] for m in ["align", "zero", "udf", "brk", "wtext"]},
}
SYSROOT = os.path.join(here, "sysroot")

def run(binary, args):
    cwd = tempfile.mkdtemp(prefix="sql-record-")
    try:
        env = dict(e.split("=", 1) for e in ENVIRONMENT)
        p = subprocess.run(
            [qemu] + (["-L", SYSROOT] if binary.endswith(".glibc-dyn") else [])
            + [os.path.join(bindir, binary)] + args,
            cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)))
        leftovers = sorted(os.listdir(cwd))
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    if leftovers:
        sys.exit(f"record.sh: {binary} left files in its cwd: {leftovers}")
    return p

if os.path.isdir(outdir):
    shutil.rmtree(outdir)
os.makedirs(outdir)
with open(os.path.join(outdir, "environment"), "w") as f:
    f.write("".join(e + "\n" for e in ENVIRONMENT))

count = 0
for binary in sorted(os.listdir(bindir)):
    program = binary.split(".", 1)[0]
    for mode, args in CASES.get(program, {"": []}).items():
        case = binary + ("@" + mode if mode else "")
        for a in args:
            assert "\n" not in a
        p = run(binary, args)
        # A second run must agree: a fixture that changes between runs
        # would make the tests flaky.
        again = run(binary, args)
        if (again.returncode, again.stdout, again.stderr) != (p.returncode, p.stdout, p.stderr):
            sys.exit(f"record.sh: {case} is not deterministic: two runs under {qemu} differ")
        if p.returncode < 0:
            status = f"signal {-p.returncode}"
        else:
            status = f"exit {p.returncode}"
        base = os.path.join(outdir, case)
        with open(base + ".argv", "w") as f:
            f.write("".join(x + "\n" for x in [binary] + args))
        with open(base + ".stdout", "wb") as f:
            f.write(p.stdout)
        with open(base + ".status", "w") as f:
            f.write(status + "\n")
        if p.returncode < 0:
            with open(base + ".stderr", "wb") as f:
                f.write(p.stderr)
        elif p.stderr:
            sys.exit(f"record.sh: {case} wrote to stderr, which is not recorded:\n"
                     + p.stderr.decode(errors="replace"))
        print(f"{case:40} {status:10} {len(p.stdout):7} bytes")
        count += 1
print(f"recorded {count} cases")
PY
