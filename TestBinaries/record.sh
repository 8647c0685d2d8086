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
# Programs of calls qemu 7.2 lacks (HOST_ORACLE below) are recorded from
# the same C source built for x86-64 and run on the host kernel instead.
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

exec python3 - "$here" "$QEMU" "$@" <<'PY'
import atexit, os, resource, shutil, subprocess, sys, tempfile

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
    "procviews": {"": ["arg1"]},
}

# Programs that execve arm64 programs. qemu-aarch64 passes execve to the
# host kernel, which runs an arm64 ELF only through binfmt_misc; these run
# in a new user and mount namespace with a binfmt_misc instance of their
# own (Linux 6.7 and later) where qemu-aarch64 is registered with the F
# flag, so the host's binfmt_misc settings are neither needed nor touched.
NEEDS_BINFMT = {"execs"}

BINFMT_RULE = (r":qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:"
               r"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:{qemu}:F")

# Where qemu-aarch64 7.2 is wrong, the recorded line is Linux's. Each entry
# replaces one exact line of qemu's stdout; recording fails if qemu no longer
# prints it, so a correction cannot outlive the bug. The reasons are in
# README.md ("Where qemu-aarch64 is wrong").
CORRECTIONS = {
    # qemu writes no esr_context record; Linux adds one for data aborts
    # (arch/arm64/kernel/signal.c setup_sigframe, mm/fault.c set_thread_esr).
    "sigctx": [
        ("segv: esr record absent", "segv: esr size 16 EC=0x24 IL=1 WnR=0 DFSC type translation"),
        ("segv: esr record absent", "segv: esr size 16 EC=0x24 IL=1 WnR=1 DFSC type permission"),
    ],
    # qemu reports ILL_ILLOPN for an undefined instruction; Linux reports
    # ILL_ILLOPC (arch/arm64/kernel/traps.c do_el0_undef).
    # qemu 7.2 reports the raw address (a fetch) or 0 (a load beyond its
    # guest address space) for a fault with bit 55 set; Linux reports
    # untagged_addr(FAR), bit 55 sign-extended (arch_untagged_si_addr in
    # arch/arm64/kernel/signal.c, kernel/signal.c force_sig_fault).
    "tbi": [
        ("blr to bit 55 set: SIGSEGV, pc is the full address yes, si_addr sign-extended from bit 55 no",
         "blr to bit 55 set: SIGSEGV, pc is the full address yes, si_addr sign-extended from bit 55 yes"),
        ("load with bit 55 set: SIGSEGV, si_addr sign-extended no",
         "load with bit 55 set: SIGSEGV, si_addr sign-extended yes"),
    ],
    "sigsegv": [
        ("udf                          Illegal instruction ? si_addr==expected",
         "udf                          Illegal instruction ILL_ILLOPC si_addr==expected"),
    ],
    # qemu 7.2 ignores MAP_FIXED_NOREPLACE over an existing mapping and maps
    # elsewhere; Linux fails with EEXIST (mm/mmap.c do_mmap).
    "mmapfile": [
        ("MAP_FIXED_NOREPLACE over a mapping: mapped", "MAP_FIXED_NOREPLACE over a mapping: EEXIST"),
    ],
    # qemu 7.2 checks fcntl's struct flock pointer before the descriptor;
    # Linux looks the descriptor up first (fs/fcntl.c). Its F_GETFL drops
    # O_LARGEFILE, which Linux sets on every file of a 64-bit process
    # (force_o_largefile in do_sys_open).
    "fileio2": [
        ("fcntl(-1, F_GETLK, (void *)8) == -1 && errno == EBADF        FAIL",
         "fcntl(-1, F_GETLK, (void *)8) == -1 && errno == EBADF        ok"),
        ("directory F_GETFL: O_DIRECTORY 1 O_LARGEFILE 0 O_NOFOLLOW 0",
         "directory F_GETFL: O_DIRECTORY 1 O_LARGEFILE 1 O_NOFOLLOW 0"),
    ],
    # qemu 7.2's mincore refuses a PROT_NONE page (it checks guest access);
    # Linux reports its residency, as for any mapped page (mm/mincore.c).
    "memlock": [
        ("mincore(m + 4 * page, page, v) == 0 && v[0] == 0             FAIL",
         "mincore(m + 4 * page, page, v) == 0 && v[0] == 0             ok"),
    ],
    # qemu 7.2 ignores recvmmsg's timeout argument; Linux reads it first
    # and fails with EFAULT for a bad pointer (net/socket.c __sys_recvmmsg).
    "mmsg": [
        ("syscall(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, (struct timespec *)8) == -1 && errno == EFAULT FAIL",
         "syscall(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, (struct timespec *)8) == -1 && errno == EFAULT ok"),
    ],
    # qemu 7.2 ignores MAP_FIXED_NOREPLACE when MAP_FIXED is set too;
    # Linux checks it first and fails with EEXIST (mm/mmap.c do_mmap).
    "mmapshared": [
        ("MAP_FIXED|MAP_FIXED_NOREPLACE over a mapping: mapped, byte kept 0",
         "MAP_FIXED|MAP_FIXED_NOREPLACE over a mapping: EEXIST, byte kept 1"),
    ],
    # qemu 7.2 keeps running the translation of code rewritten through
    # another (shared) view of the same memfd pages; on Linux the views are
    # the same physical pages and the cache maintenance makes the new
    # instructions run (each call returns its round's value, 1..100).
    "smc": [
        ("dual view, 100 rewrites, sum of results: 100", "dual view, 100 rewrites, sum of results: 5050"),
    ],
    # qemu 7.2 gives ENOMEM for mremap lengths and MREMAP_FIXED addresses
    # beyond the address space; Linux checks them first and gives EINVAL
    # (mm/mremap.c check_mremap_params: new_len > TASK_SIZE, new_addr >
    # TASK_SIZE - new_len).
    "mremaploop": [
        ("mremap to length 2^62: ENOMEM", "mremap to length 2^62: EINVAL"),
        ("mremap MREMAP_FIXED to a wrapping address: ENOMEM", "mremap MREMAP_FIXED to a wrapping address: EINVAL"),
    ],
    # qemu 7.2 performs a misaligned LDAPR; the Arm ARM's load-acquire
    # (Mem with AccType_ORDERED) takes an Alignment fault without FEAT_LSE2,
    # which Linux delivers as SIGBUS BUS_ADRALN.
    "threads-alignment": [
        ("ldapr  no signal", "ldapr  signal 7 code 1 offset 4"),
    ],
    # qemu's /proc/self/stat has 0 for the state, its /proc/self/status is
    # the host's (Name: qemu-aarch64) and /proc/cpuinfo the host's x86 one;
    # Linux shows R for a running process, the program's comm as Name, and
    # an arm64 cpuinfo with Features and CPU architecture lines.
    "procviews": [
        ("state R 0,", "state R 1,"),
        ("status: Name qemu-aarch64", "status: Name {comm}"),
        ("cpuinfo: no Features line", "cpuinfo Features has fp 1 asimd 1 atomics 1"),
        ("cpuinfo CPU architecture line 0", "cpuinfo CPU architecture line 1"),
    ],
    # qemu 7.2 lacks TIOCGPTLCK, TCGETS2, TIOCGPKT, TIOCGEXCL and FIOQSIZE
    # (ENOSYS), answers ENOSYS instead of ENOTTY for requests it does not
    # know, copies only 4 bytes for TCGETA, and never copies TIOCGSID's
    # result back; Linux (drivers/tty/tty_io.c, tty_ioctl.c, pty.c,
    # fs/ioctl.c) answers as the x86-64 build of ptys.c does on this host.
    "ptys": [
        ("TIOCGPTLCK ENOSYS lock 7", "TIOCGPTLCK ok lock 0"),
        ("TCGETS2 ENOSYS", "TCGETS2 ok"),
        ('k2.c_lflag == t.c_lflag && k2.c_iflag == t.c_iflag && k2.c_cc[VINTR] == t.c_cc[VINTR] FAIL', 'k2.c_lflag == t.c_lflag && k2.c_iflag == t.c_iflag && k2.c_cc[VINTR] == t.c_cc[VINTR] ok'),
        ('k1.c_lflag == (t.c_lflag & 0xffff) && k1.c_cc[VINTR] == t.c_cc[VINTR] FAIL', 'k1.c_lflag == (t.c_lflag & 0xffff) && k1.c_cc[VINTR] == t.c_cc[VINTR] ok'),
        ("TIOCGPKT ENOSYS -1", "TIOCGPKT ok 1"),
        ("TIOCGEXCL ENOSYS 0", "TIOCGEXCL ok 1"),
        ("TIOCGEXCL ENOSYS 0", "TIOCGEXCL ok 0"),
        ('waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0 FAIL', 'waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0 ok'),
        ("unknown request on a pty ENOSYS", "unknown request on a pty ENOTTY"),
        ("FIOQSIZE ENOSYS -1", "FIOQSIZE ok 65536"),
        ("unknown request on a file ENOSYS", "unknown request on a file ENOTTY"),
    ],
    # qemu 7.2 reports a wrong msg_lrpid after msgrcv, and fails msgrcv into
    # an unwritable buffer with EFAULT before looking at the queue; Linux
    # (ipc/msg.c do_msgrcv) sets msg_lrpid to the receiver and answers
    # ENOMSG for an empty queue whatever the buffer.
    "sysvipc": [
        ('msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0 && ds.msg_lrpid == getpid() && ds.msg_rtime > 0 FAIL', 'msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0 && ds.msg_lrpid == getpid() && ds.msg_rtime > 0 ok'),
        ("msgrcv bad pointer: EFAULT", "msgrcv bad pointer: ENOMSG"),
    ],
    # qemu 7.2 has no mq_notify (ENOSYS); Linux (ipc/mqueue.c) registers the
    # notification, refuses a second one with EBUSY and sends SIGUSR1 with
    # si_code SI_MESGQ when a message reaches the empty queue.
    "posixmq": [
        ('mq_notify(q, &ev) == 0                                       FAIL', 'mq_notify(q, &ev) == 0                                       ok'),
        ("second registration: ENOSYS", "second registration: EBUSY"),
        ("notified 0", "notified 2"),
        ('mq_notify(q, NULL) == 0                                      FAIL', 'mq_notify(q, NULL) == 0                                      ok'),
    ],
    # qemu 7.2 locks the whole value before checking its size; Linux
    # refuses a value above XATTR_SIZE_MAX with E2BIG first (fs/xattr.c).
    "mounts": [
        ("setxattr 70000 bytes: -1 Bad address", "setxattr 70000 bytes: -1 Argument list too long"),
    ],
    # qemu 7.2 makes a NULL syslog buffer a read of nothing and a negative
    # length EFAULT; Linux answers EINVAL to both (kernel/printk do_syslog).
    "hosttime": [
        ("syslog read NULL: 0", "syslog read NULL: -1 Invalid argument"),
        ("syslog read negative: -1 Bad address", "syslog read negative: -1 Invalid argument"),
    ],
    # qemu 7.2 refuses PR_SET/GET_CHILD_SUBREAPER, which Linux supports.
    # Its default CPU has SVE, pointer authentication and top-byte-ignore
    # loads; the emulated CPU has none of them, so Linux on it answers
    # EINVAL (arch/arm64/kernel/process.c, fpsimd.c, pointer_auth.c).
    "schedctl": [
        ("SET_CHILD_SUBREAPER: -1 Invalid argument", "SET_CHILD_SUBREAPER: 0"),
        ("GET_CHILD_SUBREAPER: -1 Invalid argument", "GET_CHILD_SUBREAPER: 0"),
        ("subreaper -1", "subreaper 1"),
        ("SVE_GET_VL: 16", "SVE_GET_VL: -1 Invalid argument"),
        ("PAC_RESET_KEYS: 0", "PAC_RESET_KEYS: -1 Invalid argument"),
        ("SET_TAGGED_ADDR_CTRL enable: 0", "SET_TAGGED_ADDR_CTRL enable: -1 Invalid argument"),
    ],
}

def correct(program, binary, stdout):
    """Applies CORRECTIONS to qemu's stdout, each to the first line not yet
    corrected that matches (a fragment ending in ',' matches inside a line)."""
    lines = stdout.decode().split("\n")
    done = set()
    for old, new in CORRECTIONS.get(program, []):
        new = new.replace("{comm}", binary[:15])
        for i, line in enumerate(lines):
            if i in done:
                continue
            if line == old or (old.endswith(",") and old in line):
                lines[i] = line.replace(old, new) if line != old else new
                done.add(i)
                break
        else:
            sys.exit(f"record.sh: {binary}: qemu no longer prints {old!r}; drop the correction")
    return "\n".join(lines).encode()
SYSROOT = os.path.join(here, "sysroot")

# Runtime programs of calls that qemu-aarch64 7.2 does not implement (it
# returns ENOSYS): their reference is Linux itself. The same C source is
# built for x86-64 with the host's cc and run on this host kernel, and its
# output is recorded for every arm64 build of the program. Such a program
# prints only what is the same on both architectures (errno names rather
# than strerror, relations rather than values). See README.md.
HOST_ORACLE = {
    "aio", "newcalls",
    # execveat is ENOSYS in qemu 7.2; under binfmt_misc without the P flag
    # qemu loses argv[0], and it passes the environment in reverse order.
    "bytenames",
    # clone3, pidfd_*, sched_setattr and the new mount API.
    "procapi",
    # Real-time signals and timers: qemu 7.2 drops signals 63 and 64,
    # keeps one instance of each pending signal and crashes.
    "rtsignals", "rttimers",
    # qemu 7.2 shows the guest the emulator's own /proc/self/mem, smaps,
    # numa_maps, pagemap and map_files, and its maps through any spelling
    # but the plain one: Linux is the reference for the guest's /proc.
    "procguard",
}
host_builds = {}

def host_binary(program):
    if program not in host_builds:
        d = tempfile.mkdtemp(prefix="sql-host-")
        atexit.register(shutil.rmtree, d, True)
        out = os.path.join(d, program)
        subprocess.run(["cc", "-O2", "-Wall", "-Wno-unused-result", "-pthread", "-I", os.path.join(here, "src", "runtime"), "-o", out,
                        os.path.join(here, "src", "runtime", program + ".c")], check=True)
        host_builds[program] = out
    return host_builds[program]

def run(binary, args):
    cwd = tempfile.mkdtemp(prefix="sql-record-")
    try:
        env = dict(e.split("=", 1) for e in ENVIRONMENT)
        cmd = ([qemu] + (["-L", SYSROOT] if binary.endswith(".glibc-dyn") else [])
               + [os.path.join(bindir, binary)] + args)
        if binary.split(".", 1)[0] in HOST_ORACLE:
            cmd = [host_binary(binary.split(".", 1)[0])] + args
        if binary.split(".", 1)[0] in NEEDS_BINFMT:
            qpath = shutil.which(qemu)
            script = ("mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && "
                      f"printf '%s' '{BINFMT_RULE.format(qemu=qpath)}' > /proc/sys/fs/binfmt_misc/register && "
                      'exec "$@"')
            cmd = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"] + cmd
        p = subprocess.run(
            cmd,
            cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)))
        leftovers = sorted(os.listdir(cwd))
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    if leftovers:
        sys.exit(f"record.sh: {binary} left files in its cwd: {leftovers}")
    return p

# `record.sh NAME...` records only those programs (every build of each),
# leaving the other recorded cases as they are.
only = set(sys.argv[3:])
if only:
    for name in os.listdir(outdir):
        if name.split(".", 1)[0] in only:
            os.remove(os.path.join(outdir, name))
else:
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
with open(os.path.join(outdir, "environment"), "w") as f:
    f.write("".join(e + "\n" for e in ENVIRONMENT))

count = 0
for binary in sorted(os.listdir(bindir)):
    program = binary.split(".", 1)[0]
    if only and program not in only:
        continue
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
        stdout = correct(program, binary, p.stdout)
        base = os.path.join(outdir, case)
        with open(base + ".argv", "w") as f:
            f.write("".join(x + "\n" for x in [binary] + args))
        with open(base + ".stdout", "wb") as f:
            f.write(stdout)
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
