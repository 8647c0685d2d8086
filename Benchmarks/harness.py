#!/usr/bin/env python3
"""Time the benchmark kernels under swift-qemu-lite, qemu-aarch64 and natively.

Run through Benchmarks/run.sh. For each kernel the three runners take turns
(emu, qemu, native, emu, qemu, native, ...) N times, so slow drifts in machine
load hit all columns alike, and the minimum of the N times is reported. Every
run's stdout (which ends in the kernel's checksum) must equal the native one;
a difference is reported loudly and makes the exit status 1. Timings are
reported, never asserted: the machine is shared and noisy.
"""

import argparse
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(HERE, "bin")
KERNELS_DIR = os.path.join(HERE, "kernels")
DEFAULT_EMU = os.path.join(ROOT, ".build", "release", "swift-qemu-lite")
CORE_ORDER = ["int", "mem", "calls", "fp"]
STATS_RE = re.compile(r"swift-qemu-lite: (\d+) guest instructions")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# MARK: - Running one program

class Result:
    """One run: wall and CPU seconds, exit status, output; or why it failed."""

    def __init__(self, wall=None, cpu=None, stdout="", stderr="", error=None):
        self.wall = wall
        self.cpu = cpu
        self.stdout = stdout
        self.stderr = stderr
        self.error = error  # None when the program ran and exited 0


def describe_status(status):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return "killed by %s" % name
    return "exit status %d" % os.WEXITSTATUS(status)


def run_once(argv, env=None, timeout=None):
    """Run argv and measure it from fork to reap: wall time, and the child's
    user+system CPU time from wait4 (steadier than wall time when other jobs
    share the cores). Output goes to temporary files, so a chatty failing
    program cannot block on a full pipe. Never raises for the program's own
    failures: they come back in Result.error."""
    with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        try:
            start = time.perf_counter()
            # Own process group, so a timeout also ends anything it started.
            proc = subprocess.Popen(argv, stdout=fout, stderr=ferr, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True)
        except OSError as e:
            return Result(error="cannot start: %s" % e)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except KeyboardInterrupt:
            kill()
            raise
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        proc.returncode = 0  # already reaped; keep Popen from waiting again
        fout.seek(0)
        ferr.seek(0)
        res = Result(wall=wall, cpu=usage.ru_utime + usage.ru_stime,
                     stdout=fout.read().decode(errors="replace"),
                     stderr=ferr.read().decode(errors="replace"))
    if timed_out.is_set():
        res.error = "timed out after %gs" % timeout
    elif not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        res.error = describe_status(status)
    return res


# MARK: - Building

def build_emulator():
    """swift build -c release; returns an error string or None."""
    if shutil.which("swift") is None:
        return "swift not found on PATH"
    log("building swift-qemu-lite (swift build -c release)...")
    p = subprocess.run(["swift", "build", "-c", "release", "--product", "swift-qemu-lite"],
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        tail = p.stdout.decode(errors="replace").strip().splitlines()[-15:]
        log("\n".join(tail))
        return "release build failed"
    return None


def ensure_kernel_binaries(kernels, want_native):
    """Build whatever bin/<k>.aarch64 or bin/<k>.x86_64 is missing."""
    missing_guest = [k for k in kernels if not os.path.exists(guest_path(k))]
    missing_native = [k for k in kernels if want_native and not os.path.exists(native_path(k))]
    script = os.path.join(HERE, "build.sh")
    if missing_guest:
        log("building kernels: %s" % ", ".join(missing_guest))
        subprocess.run([script] + missing_guest, stdout=subprocess.DEVNULL)
    rest = [k for k in missing_native if k not in missing_guest]
    if rest:
        if shutil.which("gcc") is None:
            log("gcc not found: native column left blank")
            return
        log("building native kernels: %s" % ", ".join(rest))
        subprocess.run([script, "--native-only"] + rest, stdout=subprocess.DEVNULL)


def guest_path(k):
    return os.path.join(BIN, k + ".aarch64")


def native_path(k):
    return os.path.join(BIN, k + ".x86_64")


def all_kernels():
    names = {os.path.splitext(f)[0] for f in os.listdir(KERNELS_DIR) if f.endswith(".c")}
    names |= {f[:-len(".aarch64")] for f in os.listdir(BIN) if f.endswith(".aarch64")} \
        if os.path.isdir(BIN) else set()
    core = [k for k in CORE_ORDER if k in names]
    return core + sorted(names - set(core))


# MARK: - Measuring a kernel

class Column:
    """One runner's runs of one kernel."""

    def __init__(self, name, prefix):
        self.name = name
        self.prefix = prefix  # argv before the kernel, None when unavailable
        self.times = []
        self.error = None  # first failure; no further runs after it
        self.mismatch = None  # first output that differed from the reference

    @property
    def enabled(self):
        return self.prefix is not None and self.error is None and self.mismatch is None

    def best(self):
        """Minimum time, or None when there is no trustworthy one."""
        if self.error is not None or self.mismatch is not None or not self.times:
            return None
        return min(self.times)


def first_line(text):
    for line in text.strip().splitlines():
        return line[:200]
    return ""


def measure(kernel, args, emu, qemu, have_native):
    extra = [str(args.iters[kernel])] if kernel in args.iters else []
    guest = guest_path(kernel)
    cols = [
        Column("emu", [emu] if emu else None),
        Column("qemu", [qemu] if qemu else None),
        Column("native", [] if have_native and os.path.exists(native_path(kernel)) else None),
    ]
    argv_of = {
        "emu": lambda c: c.prefix + [guest] + extra,
        "qemu": lambda c: c.prefix + [guest] + extra,
        "native": lambda c: [native_path(kernel)] + extra,
    }
    reference = None  # stdout every runner must reproduce
    minsn = None

    def check(col, res):
        nonlocal reference
        if res.error is None and not res.stdout.strip():
            # Every kernel prints its checksum; silence means the program
            # never ran to the end, which is a failure, not a wrong answer.
            res.error = "exited 0 without printing anything"
        if res.error is not None:
            detail = first_line(res.stderr)
            col.error = res.error + ((" (" + detail + ")") if detail else "")
            log("  %s %s: %s" % (kernel, col.name, col.error))
            return False
        if reference is None:
            reference = res.stdout
        elif res.stdout != reference and col.mismatch is None:
            col.mismatch = res.stdout
            def show(text):
                return (text.strip() or "(no output)").replace("\n", "\n!!!   ")
            log("!!! CHECKSUM MISMATCH: %s under %s printed\n!!!   %s\n!!! expected\n!!!   %s"
                % (kernel, col.name, show(res.stdout), show(reference)))
            if res.stderr.strip():
                log("!!! its stderr began: %s" % first_line(res.stderr))
        return True

    # Native first: it defines the reference output. Then the untimed stats
    # run of the emulator, which doubles as a warm-up.
    native, emu_col = cols[2], cols[0]
    order = [native, cols[1], emu_col]
    for col in order:
        if not col.enabled:
            continue
        env = None
        if col is emu_col:
            env = dict(os.environ, SWIFT_QEMU_LITE_STATS="1")
        res = run_once(argv_of[col.name](col), env=env, timeout=args.timeout)
        if check(col, res) and col is emu_col:
            m = STATS_RE.search(res.stderr)
            if m:
                minsn = int(m.group(1)) / 1e6

    for i in range(args.n):
        for col in cols:
            if not col.enabled:
                continue
            res = run_once(argv_of[col.name](col), timeout=args.timeout)
            if check(col, res):
                col.times.append(res.cpu if args.cpu else res.wall)
    return cols, minsn


# MARK: - Report

def fmt_s(col):
    if col.prefix is None:
        return ""
    if col.error is not None:
        return "fail"
    if col.mismatch is not None:
        return "**MISMATCH**"
    b = col.best()
    return "" if b is None else "%.3f" % b


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def fmt_ratio(r):
    return "" if r is None else "%.2f" % r


def git_describe():
    p = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %cs"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    desc = p.stdout.decode().strip() or "(unknown commit)"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.strip()
    return desc + (" + local changes" if dirty else "")


def qemu_version(qemu):
    if qemu is None:
        return "not installed"
    p = subprocess.run([qemu, "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return first_line(p.stdout.decode(errors="replace")) or qemu


def main():
    ap = argparse.ArgumentParser(
        prog="Benchmarks/run.sh",
        description="Time the kernels under swift-qemu-lite, qemu-aarch64 and natively.")
    ap.add_argument("-n", type=int, default=5, metavar="N",
                    help="timed runs per kernel and runner; the minimum is reported (default 5)")
    ap.add_argument("--kernels", default=None, metavar="a,b",
                    help="comma-separated kernels (default: all in Benchmarks/kernels)")
    ap.add_argument("--no-build", action="store_true",
                    help="do not build swift-qemu-lite; use the existing release binary")
    ap.add_argument("--iters", default="", metavar="k=N,...",
                    help="iteration count to pass to a kernel, e.g. int=1000000,fp=2")
    ap.add_argument("--emu", default=DEFAULT_EMU, metavar="PATH",
                    help="emulator binary (default .build/release/swift-qemu-lite)")
    ap.add_argument("--no-emu", action="store_true", help="leave out the emulator column")
    ap.add_argument("--cpu", action="store_true",
                    help="report user+system CPU time instead of wall time")
    ap.add_argument("--timeout", type=float, default=600, metavar="S",
                    help="seconds before a run counts as failed (default 600)")
    args = ap.parse_args()
    if args.n < 1:
        ap.error("-n must be at least 1")
    iters = {}
    for item in filter(None, (s.strip() for s in args.iters.split(","))):
        k, sep, v = item.partition("=")
        if not sep or not v.isdigit() or int(v) < 1:
            ap.error("--iters wants kernel=N with N > 0, got %r" % item)
        iters[k] = int(v)
    args.iters = iters

    kernels = all_kernels()
    if args.kernels:
        wanted = [k.strip() for k in args.kernels.split(",") if k.strip()]
        unknown = [k for k in wanted if k not in kernels]
        if unknown:
            ap.error("unknown kernel(s): %s (have: %s)" % (", ".join(unknown), ", ".join(kernels)))
        kernels = wanted

    # Emulator: build it unless told not to; a failed build is a "fail" column.
    emu, emu_note = None, None
    if not args.no_emu:
        err = None if args.no_build else build_emulator()
        if err is not None:
            emu_note = err
        elif not os.access(args.emu, os.X_OK):
            emu_note = "%s not found (build with swift build -c release)" % args.emu
        else:
            emu = args.emu
    qemu = shutil.which("qemu-aarch64")
    if qemu is None:
        log("qemu-aarch64 not installed: qemu column skipped")
    ensure_kernel_binaries(kernels, want_native=True)
    if emu_note:
        log("emulator: %s" % emu_note)

    rows = []
    mismatched = False
    for k in kernels:
        if not os.path.exists(guest_path(k)):
            log("  %s: no %s, skipped" % (k, guest_path(k)))
            continue
        log("running %s..." % k)
        cols, minsn = measure(k, args, emu, qemu, have_native=True)
        e, q, nat = cols
        if emu is None and not args.no_emu:
            e.prefix, e.error = [], emu_note  # shown as "fail"
        mismatched |= any(c.mismatch is not None for c in cols)
        rows.append((k, e, q, nat, minsn))

    # Markdown table: one column spec (header, cell) per shown column.
    show_emu, show_qemu = not args.no_emu, qemu is not None

    def mips(r):
        eb = r[1].best()
        return None if (r[4] is None or eb is None) else r[4] / eb

    specs = [("kernel", lambda r: r[0])]
    if show_emu:
        specs.append(("emu s", lambda r: fmt_s(r[1])))
    if show_qemu:
        specs.append(("qemu s", lambda r: fmt_s(r[2])))
    specs.append(("native s", lambda r: fmt_s(r[3])))
    if show_emu:
        specs += [
            ("guest Minsn", lambda r: "" if r[4] is None else "%.1f" % r[4]),
            ("emu MIPS", lambda r: "" if mips(r) is None else "%.0f" % mips(r)),
        ]
        if show_qemu:
            specs.append(("emu/qemu", lambda r: fmt_ratio(ratio(r[1].best(), r[2].best()))))
        specs.append(("emu/native", lambda r: fmt_ratio(ratio(r[1].best(), r[3].best()))))
    elif show_qemu:
        specs.append(("qemu/native", lambda r: fmt_ratio(ratio(r[2].best(), r[3].best()))))
    lines = ["| " + " | ".join(h for h, _ in specs) + " |", "|" + "---|" * len(specs)]
    lines += ["| " + " | ".join(cell(r) for _, cell in specs) + " |" for r in rows]
    emu_qemu = [x for x in (ratio(r[1].best(), r[2].best()) for r in rows) if x is not None]

    what = "user+sys CPU" if args.cpu else "wall"
    print("\nBest of %d runs, %s seconds; %s, %d CPUs; %s." % (
        args.n, what, platform.machine(), os.cpu_count() or 0,
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("swift-qemu-lite commit %s; %s" % (git_describe(), qemu_version(qemu)))
    print()
    print("\n".join(lines))
    print()
    if emu_qemu:
        gm = math.exp(sum(math.log(r) for r in emu_qemu) / len(emu_qemu))
        print("geometric mean emu/qemu: %.2f (over %d kernels)" % (gm, len(emu_qemu)))
    elif show_emu and show_qemu:
        print("geometric mean emu/qemu: n/a (no kernel ran under both)")
    # One line per distinct reason, so "not built" is not repeated per kernel.
    reasons = {}
    for k, e, q, nat, _ in rows:
        for c in (e, q, nat):
            if c.error is not None:
                reasons.setdefault((c.name, c.error), []).append(k)
    for (name, why), ks in reasons.items():
        print("%s fail on %s: %s" % (name, ", ".join(ks), why))
    if mismatched:
        print("\n!!! CHECKSUM MISMATCH: the cells marked MISMATCH printed something other than"
              " the reference run (see above); their times are left out.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
