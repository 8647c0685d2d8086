#!/usr/bin/env bash
# Runs real Debian 12 arm64 programs under swift-qemu-lite with a sysroot
# made by debian-sysroot.sh, and prints a pass count.
#
#   TestBinaries/debian-smoke.sh DIR [FILTER]
#
# Each case is one of:
#   q NAME ARGV...   one arm64 program: its stdout and exit status must equal
#                    qemu-aarch64's (run with QEMU_LD_PREFIX=DIR)
#   h NAME COMMAND   a bash command line run by the sysroot's arm64 bash,
#                    which starts the other arm64 programs itself (no binfmt
#                    needed); stdout and status must equal the same command
#                    run natively by the host's bash, for commands whose
#                    output does not depend on the architecture
#   n NAME ARGV...   like q, but run without -L (static programs)
# FILTER keeps the cases whose name contains it.
#
# EMU (default .build/debug/swift-qemu-lite) and QEMU (qemu-aarch64) name
# the emulators; TIMEOUT (seconds, default 600) bounds each run. This is a
# long job and not part of `swift test`.
set -uo pipefail

dir="${1:?usage: debian-smoke.sh DIR [FILTER]}"
dir="$(cd "$dir" && pwd)"
filter="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EMU="${EMU:-$here/../.build/debug/swift-qemu-lite}"
QEMU="${QEMU:-qemu-aarch64}"
TIMEOUT="${TIMEOUT:-600}"
work="$(mktemp -d /tmp/debian-smoke.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
ENV=(env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$work" TMPDIR=/tmp TERM=dumb)

seq 1 20000 > numbers.txt
printf 'banana\napple\ncherry\napple\ndate\n' > fruit.txt

pass=0 fail=0 failed=()

check() {
    local name="$1" exp_out="$2" exp_rc="$3" got_out="$4" got_rc="$5" err="$6"
    if [ "$exp_rc" != 0 ] || [ ! -s "$exp_out" ]; then
        # A reference that failed or printed nothing proves nothing.
        fail=$((fail + 1))
        failed+=("$name (the reference run failed: status $exp_rc)")
        echo "FAIL $name: the reference run failed (status $exp_rc)"
        head -c 600 "$(dirname "$exp_out")/exp.err" | sed 's/^/    reference stderr: /'
        return
    fi
    if [ "$exp_rc" = "$got_rc" ] && cmp -s "$exp_out" "$got_out"; then
        pass=$((pass + 1))
        echo "PASS $name"
    else
        fail=$((fail + 1))
        failed+=("$name")
        echo "FAIL $name (status $got_rc, expected $exp_rc)"
        diff <(head -c 4000 "$exp_out") <(head -c 4000 "$got_out") | head -8 | sed 's/^/    /'
        head -c 600 "$err" | sed 's/^/    stderr: /'
    fi
}

q() {
    local mode="$1" name="$2"; shift 2
    [[ -n "$filter" && "$name" != *"$filter"* ]] && return
    local lflag=(-L "$dir") qenv=(QEMU_LD_PREFIX="$dir")
    if [ "$mode" = n ]; then lflag=(); qenv=(); fi
    local prog="$1"; shift
    case "$prog" in /*) ;; *) prog="$dir/usr/bin/$prog" ;; esac
    "${ENV[@]}" "${qenv[@]}" timeout "$TIMEOUT" "$QEMU" "$prog" "$@" > exp.out 2> exp.err < /dev/null
    local erc=$?
    "${ENV[@]}" timeout "$TIMEOUT" "$EMU" "${lflag[@]}" "$prog" "$@" > got.out 2> got.err < /dev/null
    local grc=$?
    check "$name" exp.out "$erc" got.out "$grc" got.err
}

h() {
    local name="$1" cmd="$2"
    [[ -n "$filter" && "$name" != *"$filter"* ]] && return
    "${ENV[@]}" timeout "$TIMEOUT" bash -c "$cmd" > exp.out 2> exp.err < /dev/null
    local erc=$?
    "${ENV[@]}" timeout "$TIMEOUT" "$EMU" -L "$dir" "$dir/usr/bin/bash" -c "$cmd" > got.out 2> got.err < /dev/null
    local grc=$?
    check "$name" exp.out "$erc" got.out "$grc" got.err
}

# busybox-static, with and without -L
q n busybox-nosysroot-echo "$dir/bin/busybox" echo hello from busybox
q n busybox-nosysroot-sh "$dir/bin/busybox" sh -c 'for i in 1 2 3; do echo $((i * i)); done; echo $((6 * 7))'
q q busybox-sysroot-sort busybox sort "$work/fruit.txt"
q q busybox-sysroot-md5 busybox md5sum "$work/numbers.txt"

# coreutils, grep, sed, gawk
q q coreutils-echo echo hello world
q q coreutils-seq seq 1 3 20
q q coreutils-sort sort -u "$work/fruit.txt"
q q coreutils-sha256 sha256sum "$work/numbers.txt"
q q coreutils-wc wc "$work/numbers.txt"
q q coreutils-factor factor 1234567 600851475143
q q coreutils-date date -u -d @1000000000 '+%Y-%m-%d %H:%M:%S'
q q coreutils-ls ls -1 "$dir/usr/share/doc/coreutils"
q q coreutils-stat stat -c '%s %F' "$work/numbers.txt"
q q coreutils-expr expr 6 \* 7
q q coreutils-printf printf '%05d|%-6s|%x\n' 42 ab 255
h coreutils-tr 'tr a-z A-Z < fruit.txt'
q q coreutils-head head -n 3 "$work/numbers.txt"
q q coreutils-tac tac "$work/fruit.txt"
q q coreutils-base64 base64 "$work/fruit.txt"
q q coreutils-readlink readlink -f /lib/ld-linux-aarch64.so.1
q q grep-count grep -c 7 "$work/numbers.txt"
q q grep-regex grep -E '^(12|3)4+5$' "$work/numbers.txt"
q q sed-subst sed -n 's/\(a\)p\(p\)/<\1\2>/p' "$work/fruit.txt"
q q gawk-sum gawk '{ s += $1 } END { print s, NR }' "$work/numbers.txt"
q q gawk-printf gawk 'BEGIN { printf "%.6f %d %s\n", atan2(0, -1), 2^40, toupper("x") }'

# python3.11
q q python-hello python3.11 -c 'print("hello from python", 6 * 7)'
q q python-json python3.11 -c 'import json; print(json.dumps({"a": [1, 2.5, None, True], "b": "x"}, sort_keys=True)); print(json.loads("[1, {\"k\": \"v\"}]"))'
q q python-re python3.11 -c 'import re; print(re.findall(r"(\w+)@(\w+)\.com", "a@b.com, c@d.com")); print(re.sub(r"\d+", lambda m: str(int(m.group()) * 2), "a1 b22 c333"))'
q q python-hashlib python3.11 -c 'import hashlib; print(hashlib.sha256(b"abc").hexdigest()); print(hashlib.md5(b"abc").hexdigest()); print(hashlib.blake2b(b"abc").hexdigest()[:32])'
q q python-threading python3.11 -c '
import threading
total = 0
lock = threading.Lock()
def work(n):
    global total
    for _ in range(n):
        with lock:
            total += 1
ts = [threading.Thread(target=work, args=(2000,)) for _ in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print("threads done", total)'
q q python-decimal python3.11 -c 'from decimal import Decimal, getcontext; getcontext().prec = 40; print(Decimal(1) / Decimal(7)); print(Decimal("1.1") + Decimal("2.2"))'
q q python-math python3.11 -c 'import math, fractions, statistics; print(math.factorial(30), math.gcd(84, 36), fractions.Fraction(3, 9) + fractions.Fraction(1, 6), statistics.mean([1, 2, 3, 4]))'
q q python-subprocess-free python3.11 -c 'import os, sys, zlib, struct; print(sys.version_info[:2], len(zlib.compress(b"x" * 1000)), struct.pack("<I", 258).hex(), os.path.basename(sys.executable))'
q q python-sqlite python3.11 -c 'import sqlite3; c = sqlite3.connect(":memory:"); c.execute("create table t(x)"); c.executemany("insert into t values (?)", [(i,) for i in range(100)]); print(c.execute("select sum(x), count(*) from t").fetchone())'

# perl, lua, sqlite3
q q perl-hello perl -e 'print "hello from perl ", 6 * 7, "\n"; my %h = (b => 2, a => 1); print join(",", map { "$_=$h{$_}" } sort keys %h), "\n"'
q q perl-regex perl -ne 'print if /^(1|2)3+4$/' "$work/numbers.txt"
q q lua-hello lua5.4 -e 'local t = {} for i = 1, 10 do t[#t + 1] = i * i end print(table.concat(t, ",")) print(string.format("%.3f", math.pi))'
q q sqlite3-query sqlite3 :memory: 'create table t(a, b); insert into t values (1, "x"), (2, "y"); select a * 10, upper(b) from t order by a desc;'

# compressors and openssl, round trips through the sysroot's bash
h xz-roundtrip 'xz -c numbers.txt | xz -dc | sha256sum; xz -9c numbers.txt | wc -c | tr -d " " >/dev/null; echo ok'
h zstd-roundtrip 'zstd -qc numbers.txt | zstd -qdc | sha256sum'
h bzip2-roundtrip 'bzip2 -c numbers.txt | bzip2 -dc | sha256sum; bzip2 -c numbers.txt | sha256sum'
h gzip-roundtrip 'gzip -nc numbers.txt | gzip -dc | sha256sum; gzip -nc numbers.txt | sha256sum'
h openssl-dgst 'openssl dgst -sha256 -r numbers.txt; openssl dgst -sha512 -r fruit.txt'
h openssl-enc 'echo "secret message" | openssl enc -aes-256-cbc -pbkdf2 -pass pass:hunter2 -S 0102030405060708 | sha256sum; echo "secret message" | openssl enc -aes-256-cbc -pbkdf2 -pass pass:hunter2 | openssl enc -d -aes-256-cbc -pbkdf2 -pass pass:hunter2'
h bash-script 'for f in fruit.txt numbers.txt; do printf "%s %s\n" "$(wc -l < $f)" "$f"; done; sort fruit.txt | uniq -c | sort -rn | head -2; x=$(grep -c 9 numbers.txt); echo "nines: $x"; seq 5 | awk "{s+=\$1} END {print s}"'
h bash-pipeline 'cat numbers.txt | grep 77 | sed "s/7/seven/g" | awk "{n++} END {print n}"; echo $((2**20)); test -x /usr/bin/xz && echo have-xz'

# system views and process control
q q coreutils-uname uname -m
q q coreutils-id-name id -un
q q coreutils-ls-long ls -ln "$work/fruit.txt"
q q coreutils-nproc-env env -i A=1 B=2 printenv B
h coreutils-timeout 'timeout 5 sleep 0.1; echo "status $?"; timeout 0.2 sleep 5; echo "status $?"'
q q coreutils-sort-parallel sort --parallel=4 -S 1M -rn "$work/numbers.txt"
q q coreutils-df-mountinfo df --output=target /
h coreutils-mktemp-rm 'd=$(mktemp -d) && touch "$d/a" && ls "$d" && rm -r "$d" && echo removed'
q q python-uname python3.11 -c 'import os, platform; print(os.uname().machine, platform.machine())'
h python-subprocess 'python3 -c "import subprocess, sys; r = subprocess.run([sys.executable, \"-c\", \"print(6*7)\"], capture_output=True, text=True); print(r.returncode, r.stdout.strip())"'
q q python-fork python3.11 -c '
import os
pid = os.fork()
if pid == 0:
    os._exit(7)
_, st = os.waitpid(pid, 0)
print("child exit", os.WEXITSTATUS(st))'
q q python-signal python3.11 -c '
import signal, time
got = []
signal.signal(signal.SIGALRM, lambda s, f: got.append(s))
signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(1)
print("signals", got)'
q q python-socketpair python3.11 -c '
import socket, select
a, b = socket.socketpair()
a.sendall(b"ping")
r, _, _ = select.select([b], [], [], 5)
print(b.recv(10), len(r))'
q q python-asyncio python3.11 -c '
import asyncio
async def f(i):
    await asyncio.sleep(0.01 * i)
    return i * i
async def main():
    print(await asyncio.gather(*(f(i) for i in range(5))))
asyncio.run(main())'
q q python-tempfile python3.11 -c '
import tempfile, os, shutil
d = tempfile.mkdtemp()
with open(os.path.join(d, "f"), "w") as f: f.write("x" * 100)
print(os.path.getsize(os.path.join(d, "f")), sorted(os.listdir(d)))
shutil.rmtree(d)'
q q python-mp python3.11 -c '
import multiprocessing as mp
if __name__ == "__main__":
    with mp.Pool(2) as p:
        print(p.map(abs, [-1, -2, 3]))'
q q python-shared-mmap python3.11 -c '
import mmap, os
m = mmap.mmap(-1, 4096)
pid = os.fork()
if pid == 0:
    m[0:5] = b"child"
    os._exit(0)
os.waitpid(pid, 0)
print(m[0:5])'
q q python-mp-value python3.11 -c '
import multiprocessing as mp
def add(v, n):
    for _ in range(n):
        with v.get_lock():
            v.value += 1
if __name__ == "__main__":
    v = mp.Value("i", 0)
    ps = [mp.Process(target=add, args=(v, 300)) for _ in range(3)]
    [p.start() for p in ps]
    [p.join() for p in ps]
    print("total", v.value)'
q q perl-fork perl -e 'my $pid = fork(); if ($pid == 0) { exit 3 } waitpid($pid, 0); print "child ", $? >> 8, "\n"; open(my $fh, "-|", "echo", "piped") or die; print <$fh>;'
h sqlite3-file 'f=$(mktemp); sqlite3 "$f" "pragma journal_mode=wal; create table t(x); insert into t values (1),(2),(3); select sum(x) from t;"; sqlite3 "$f" "select count(*) from t;"; rm -f "$f"*'

# more of the runtime: ctypes (libffi closures), ssl, threads in compressors
q q python-ctypes python3.11 -c '
import ctypes, ctypes.util
libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
print(libc.strlen(b"hello"), libc.abs(-5))
CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
arr = (ctypes.c_int * 5)(5, 1, 4, 2, 3)
libc.qsort(arr, 5, ctypes.sizeof(ctypes.c_int), CMP(lambda a, b: a[0] - b[0]))
print(list(arr))'
q q python-ssl python3.11 -c 'import ssl; print(ssl.OPENSSL_VERSION.split()[0], ssl.create_default_context().verify_mode)'
q q python-futures python3.11 -c '
from concurrent.futures import ThreadPoolExecutor
with ThreadPoolExecutor(4) as ex:
    print(sum(ex.map(lambda x: x * x, range(1000))))'
q q python-unicode python3.11 -c 'import unicodedata; s = "Ünïcödé ✓"; print(s.upper(), len(s.encode()), unicodedata.name("✓"))'
q q perl-posix perl -MPOSIX -e 'print POSIX::floor(3.7), " ", POSIX::strftime("%Y", gmtime(0)), "\n"'
q q lua-string lua5.4 -e 'print(("hello world"):gsub("o", "0")) print(string.rep("ab", 3, "-")) print(utf8.char(72, 228, 8364))'
q q sqlite3-json sqlite3 :memory: "select json_object('a', 1, 'b', json_array(1, 2)); with recursive c(x) as (select 1 union all select x + 1 from c where x < 100) select sum(x) from c;"
h xz-threads 'xz -T2 -c numbers.txt | xz -dc | sha256sum'
h zstd-threads 'zstd -q -T2 -c numbers.txt | zstd -qdc | sha256sum'
h awk-pipe-getline 'awk "BEGIN { while ((\"seq 3\" | getline x) > 0) s += x; print s }"'

# ptys and SysV IPC: script(1) over a pty, python's os.openpty and pty.fork,
# perl's IPC::SysV (msg_lrpid is left out: qemu 7.2 reports it wrong)
h pty-script 'script -qc tty /dev/null | sed "s/[0-9]*\r$/N/"'
q q python-pty python3.11 -c '
import os, pty, tty, struct, fcntl, termios
m, s = os.openpty()
print(os.ttyname(s).startswith("/dev/pts/"), os.isatty(s), os.isatty(m))
tty.setraw(s); os.write(m, b"hello"); print(os.read(s, 5))
fcntl.ioctl(m, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
print(struct.unpack("HHHH", fcntl.ioctl(s, termios.TIOCGWINSZ, bytes(8))))
pid, fd = pty.fork()
if pid == 0:
    print("child", os.ttyname(0).startswith("/dev/pts/"), os.getsid(0) == os.getpid()); os._exit(0)
out = b""
while True:
    try: d = os.read(fd, 100)
    except OSError: break
    if not d: break
    out += d
os.waitpid(pid, 0); print(out)'
q q perl-sysv perl -e '
use IPC::SysV qw(IPC_PRIVATE IPC_CREAT IPC_NOWAIT S_IRUSR S_IWUSR SEM_UNDO); use IPC::Msg; use IPC::Semaphore;
my $q = IPC::Msg->new(IPC_PRIVATE, S_IRUSR | S_IWUSR) or die "msgget: $!";
$q->snd(3, "hello perl") or die; my $st = $q->stat; printf "qnum %d mode %o\n", $st->qnum, $st->mode & 0777;
my $b; $q->rcv($b, 64, 0); print "rcv $b\n"; print defined $q->rcv($b, 64, 0, IPC_NOWAIT) ? "got\n" : "empty: $!\n"; $q->remove;
my $s = IPC::Semaphore->new(IPC_PRIVATE, 3, S_IRUSR | S_IWUSR | IPC_CREAT) or die; $s->setall(1, 2, 3) or die;
$s->op(0, -1, 0, 2, 4, SEM_UNDO) or die; print join(",", $s->getall), " nsems ", $s->stat->nsems, "\n"; $s->remove'

echo
echo "debian-smoke: $pass passed, $fail failed"
for f in "${failed[@]}"; do echo "  failed: $f"; done
