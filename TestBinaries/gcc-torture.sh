#!/usr/bin/env bash
# Runs GCC's own execute tests under qemu-aarch64 and under swift-qemu-lite
# and compares them.
#
#   TestBinaries/gcc-torture.sh [--jobs N] [--filter GLOB] [--opts "-O0 -O2"]
#                               [--unimplemented] WORKDIR
#
# Suites (from Debian's gcc-12-source, fetched into WORKDIR, never committed):
#   execute      gcc.c-torture/execute/*.c          (-w; each torture level)
#   ieee         gcc.c-torture/execute/ieee/*.c     (-w -fno-inline; each level)
#   aarch64      gcc.target/aarch64/{,simd/,fp16/,acle/,sve/,sve2/}*.c with
#                `dg-do run` (their dg-options, else -ansi -pedantic-errors; once)
#   torture      gcc.target/aarch64/torture/*.c     (dg-do run; each level)
#   aapcs64      gcc.target/aarch64/aapcs64 test_*, va_arg-*, func-ret-* (with
#                abitest.S) and rec_* (-fno-inline); each level
#   advsimd      gcc.target/aarch64/advsimd-intrinsics/*.c (each level)
#
# "Each level" is --opts (default "-O0 -O2"; GCC's own run also uses -O1,
# -O3 and -Os). Every binary is `aarch64-linux-gnu-gcc -static ... -lm`.
#
# --jobs is at most 2 (default 2): the machine is shared.
#
# Test ids look like SUITE/FILE@LEVEL; --filter is a shell glob on them
# (e.g. 'execute/*@-O2', 'advsimd/vld*'). A test is skipped, with a reason,
# when a dg directive asks for something this runner does not give: a
# hardware effective target (NAME_hw) the emulator does not implement (BTI,
# BF16...), SVE in any form, another target (big
# endian, ILP32, AArch32), unknown dg-add-options. Compiler-only checks
# (NAME_ok) hold, as in GCC's own run. Other dg directives (dg-options,
# dg-additional-options, dg-skip-if, dg-shouldfail, target selectors), and
# the unconditional `lappend additional_flags` of a torture test's .x file,
# are honoured; dg-final scans are compile-time checks and are ignored.
# --unimplemented runs the tests for unimplemented extensions other than
# SVE/SME too (qemu implements them), to see what implementing one fixes.
#
# Each binary runs once under qemu-aarch64 (timeout 30 s) and once under
# .build/release/swift-qemu-lite (timeout 120 s; built if missing), in an
# empty directory, stdin /dev/null. A test passes under qemu when it exits 0
# (non-zero for dg-shouldfail); it passes under the emulator when exit
# status and stdout equal qemu's (exit status only for return-addr.c and
# aarch64/pr94514.c, which print stack addresses). Binaries and qemu's
# results are cached in WORKDIR/cache, keyed by the compile command, so a
# second run only re-runs the emulator.
#
# Output: counts per suite (built, qemu-pass, emu-pass-of-qemu-pass,
# skipped by reason) and every failure with the first lines of the
# difference; also WORKDIR/results.tsv and WORKDIR/failures.txt.
#
# Needs: apt-get (for `apt-get download gcc-12-source`), dpkg, xz,
# gcc-aarch64-linux-gnu, qemu-user, python3, swift.
set -euo pipefail

jobs=2
filter='*'
opts='-O0 -O2'
unimpl=0
while [ $# -gt 0 ]; do
    case "$1" in
        --jobs) jobs="$2"; shift 2 ;;
        --filter) filter="$2"; shift 2 ;;
        --opts) opts="$2"; shift 2 ;;
        --unimplemented) unimpl=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--jobs N] [--filter GLOB] [--opts LEVELS] [--unimplemented] WORKDIR" >&2; exit 2; }
mkdir -p "$1"
workdir="$(cd "$1" && pwd)"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

find_testsuite() { ls -d "$workdir"/gcc-*/gcc/testsuite 2>/dev/null | head -1 || true; }
testsuite="$(find_testsuite)"
if [ -z "$testsuite" ] || [ ! -d "$testsuite/gcc.target/aarch64" ]; then
    (
        cd "$workdir"
        ls gcc-12-source_*.deb >/dev/null 2>&1 || apt-get download gcc-12-source
        rm -rf deb && dpkg -x gcc-12-source_*.deb deb
        tar -xJf deb/usr/src/gcc-12/gcc-*.tar.xz --wildcards \
            'gcc-*/gcc/testsuite/gcc.c-torture/execute/*' \
            'gcc-*/gcc/testsuite/gcc.target/aarch64/*'
        rm -rf deb
    )
    testsuite="$(find_testsuite)"
fi

emu="$repo/.build/release/swift-qemu-lite"
if [ ! -x "$emu" ]; then
    (cd "$repo" && swift build -c release --product swift-qemu-lite)
fi

exec python3 - "$workdir" "$testsuite" "$emu" "$jobs" "$filter" "$opts" "$unimpl" <<'PYEOF'
import concurrent.futures, fnmatch, os, re, shlex, subprocess, sys, tempfile, collections

workdir, ts, emu, jobs, pattern, levels, unimpl = sys.argv[1:]
unimpl = unimpl == '1'
jobs = max(1, min(int(jobs), 2))
levels = levels.split()
CC = 'aarch64-linux-gnu-gcc'
TRIPLET = 'aarch64-unknown-linux-gnu'
cache = os.path.join(workdir, 'cache')
os.makedirs(cache, exist_ok=True)

# Effective targets true for static glibc on aarch64 with the emulator's
# features (FP, ASIMD, CRC32, LSE, FP16, and the hardware probes of the
# implemented extensions: FJCVTZS, RDM, dot product).
ET_YES = set('''arm_v8_2a_fp16_scalar_ok arm_v8_2a_fp16_scalar_hw
arm_v8_2a_fp16_neon_ok arm_v8_2a_fp16_neon_hw lp64 int32plus int32 ptr32plus size32plus size20plus int128
longlong64 double64 double64plus large_double large_long_double alloca
label_values trampolines indirect_jumps untyped_assembly return_address
nonlocal_goto signal mmap fileio c99_runtime stdint_types vect_int vect_float
vect_condition static fpic pie aarch64_little_endian tls tls_native
tls_runtime fstack_protector fenv fenv_exceptions
supports_stack_clash_protection aarch64_asm_lse_ok aarch64_small
aarch64_small_fpic aarch64_tlsle32 aarch64_variant_pcs arm_v8_neon_hw
arm_v8_neon_ok arm_neon_ok arm_neon_hw arm_neon_fp16_ok arm_neon_fp16_hw
unwrapped sync_int_long sync_char_short sync_long_long ucn wchar
freorder nonpic weak alias int_eq_float ptr_eq_long lto linker_plugin
stack_size section_anchors aarch64_asm_crc_ok le aarch64_fjcvtzs_hw
arm_v8_1a_neon_hw arm_v8_2a_dotprod_neon_hw'''.split())
# Effective targets whose instructions the emulator does not implement (and
# does not advertise), or that describe another target.
ET_NO = {
    'sve': 'SVE', 'sme': 'SME', 'bf16': 'BF16',
    'f64mm': 'F64MM', 'f32mm': 'F32MM',
    'bti': 'BTI',
    'big_endian': 'big endian', 'ilp32': 'ILP32', 'arm32': 'AArch32',
    'arm_hard': 'AArch32', 'dfp': 'decimal FP', 'memtag': 'MTE',
}
# Extensions the emulator implements and advertises in -cpu max: their
# NAME_ok and NAME_hw targets hold.
ET_IMPLEMENTED = ('i8mm', 'dotprod', 'crypto', 'fjcvtzs', 'v8_1a', 'sha3', 'sm4', 'fp16', 'complex')
ADD_OPTIONS = {
    'arm_v8_2a_fp16_scalar': '-march=armv8.2-a+fp16', 'arm_v8_2a_fp16_neon': '-march=armv8.2-a+fp16',
    'arm_v8_2a_bf16_neon': '-march=armv8.2-a+bf16', 'arm_v8_2a_i8mm': '-march=armv8.2-a+i8mm',
    'arm_v8_2a_dotprod_neon': '-march=armv8.2-a+dotprod', 'arm_v8_1a_neon': '-march=armv8.1-a+rdma',
    'arm_v8_3a_complex_neon': '-march=armv8.3-a', 'arm_crypto': '-march=armv8-a+crypto',
    'arm_neon': '', 'ieee': '', 'arm_arch_v8a': '-march=armv8-a',
    'arm_v8_neon': '', 'stack_size': '', 'c99_runtime': '', 'float16': None,
}

# Tests whose output is a stack address, which differs between any two
# emulators' stack placement: only their exit status is compared.
ADDRESS_PRINTERS = {'return-addr.c', 'pr94514.c'}

def effective(name):
    if name in ET_YES:
        return True, ''
    for key in ('big_endian', 'ilp32', 'arm32', 'arm_hard', 'dfp'):
        if key in name or name == 'be':
            return False, 'effective target ' + name + ' (not this target)'
    for key in ET_IMPLEMENTED:
        if key in name and 'sve' not in name and 'bf16' not in name:
            return True, ''
    for key, what in ET_NO.items():
        if key in name:
            # NAME_ok asks only whether the compiler and assembler take the
            # options (GCC's run then executes the test anyway); NAME_hw
            # runs a probe on the target, which fails on the emulator.
            if (unimpl or name.endswith('_ok')) and key not in ('sve', 'sme', 'f64mm', 'f32mm'):
                return True, ''
            return False, 'needs ' + what + ' (not implemented)'
    return False, 'effective target ' + name + ' not evaluated'

def braced(text, i):
    """Index after the brace group starting at text[i] == '{'."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c == '\\':
            i += 2; continue
        if c == '{': depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0: return i + 1
        i += 1
    return len(text)

def words(s):
    """Tcl-ish words: "..." and {...} groups and bare words."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isspace(): i += 1; continue
        if c == '"':
            j = i + 1
            while j < len(s) and s[j] != '"':
                j += 2 if s[j] == '\\' else 1
            out.append(s[i + 1:j]); i = j + 1
        elif c == '{':
            j = braced(s, i); out.append(s[i + 1:j - 1]); i = j
        else:
            j = i
            while j < len(s) and not s[j].isspace(): j += 1
            out.append(s[i:j]); i = j
    return out

def directives(text):
    out = []
    for m in re.finditer(r'\{\s*dg-', text):
        end = braced(text, m.start())
        ws = words(text[m.start() + 1:end - 1])
        if ws: out.append((ws[0], ws[1:]))
    return out

def expr(tokens):
    """Evaluates a target/effective-target expression."""
    pos = 0
    def atom():
        nonlocal pos
        if pos >= len(tokens): return True
        t = tokens[pos]; pos += 1
        if t == '!': return not atom()
        if t.startswith('{'):
            return expr(tokenize(t[1:-1]))
        if '-' in t and '*' in t or t.count('-') >= 2:
            return fnmatch.fnmatch(TRIPLET, t)
        return effective(t)[0]
    val = atom()
    while pos < len(tokens):
        op = tokens[pos]
        if op in ('&&', '||'): pos += 1
        rhs = atom()
        # Juxtaposed patterns form a list: any of them.
        val = (val and rhs) if op == '&&' else (val or rhs)
    return val

def tokenize(s):
    toks, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isspace(): i += 1; continue
        if c == '{':
            j = braced(s, i); toks.append(s[i:j]); i = j
        elif s.startswith('&&', i) or s.startswith('||', i):
            toks.append(s[i:i + 2]); i += 2
        elif c == '!':
            toks.append('!'); i += 1
        else:
            j = i
            while j < len(s) and not s[j].isspace() and s[j] not in '{}!': j += 1
            toks.append(s[i:j]); i = j
    return toks

def selector(sel):
    """A `target X` / `xfail X` selector: does it select us?"""
    ws = tokenize(sel)
    if not ws: return True
    if ws[0] in ('target', 'xfail'): ws = ws[1:]
    if not ws: return True
    return expr(ws)

def plan(suite, path, level):
    """(flags, extra sources, skip reason or None, expect failure)."""
    text = open(path, errors='replace').read()
    base = {'execute': '-w', 'ieee': '-w -fno-inline',
            'aapcs64': '-W -Wall -Wno-abi', 'advsimd': ''}.get(suite, '-ansi -pedantic-errors')
    name = os.path.basename(path)
    if suite == 'aapcs64':
        base += ' -fno-inline' if name.startswith('rec_') else ''
        base += ' -fno-ipa-ra' if name.startswith('func-ret-') else ''
    options, additional, extra, shouldfail = None, [], [], False
    # A torture test's NAME.x is Tcl run before it; the unconditional
    # `lappend additional_flags` lines are what matters on aarch64.
    xfile = path[:-2] + '.x'
    if suite in ('execute', 'ieee') and os.path.exists(xfile):
        for line in open(xfile):
            if line.startswith('lappend additional_flags '):
                base += ' ' + ' '.join(words(line[len('lappend additional_flags '):]))
    dgdo = 'run' if suite in ('execute', 'ieee', 'advsimd', 'aapcs64') else None
    if suite == 'aapcs64' and not name.startswith('rec_'):
        extra.append(os.path.join(os.path.dirname(path), 'abitest.S'))
    for d, args in directives(text):
        sel_ok = lambda k: len(args) <= k or selector(args[k])
        if d == 'dg-do':
            if args and sel_ok(1): dgdo = args[0]
            elif args and args[0] == 'run':
                # A run test only where the selector holds: say why not here.
                names = re.findall(r'[A-Za-z0-9_*?-]+', args[1])
                why = [effective(n)[1] for n in names
                       if re.fullmatch(r'[a-z0-9_]+', n) and n != 'target' and not effective(n)[0]]
                return None, None, (why[0] if why else 'dg-do run { %s }' % args[1].strip()), False
        elif d == 'dg-options':
            if args and sel_ok(1): options = args[0]
        elif d == 'dg-additional-options':
            if args and sel_ok(1): additional.append(args[0])
        elif d == 'dg-require-effective-target':
            if args and sel_ok(1):
                ok, why = effective(args[0])
                if not ok: return None, None, why, False
        elif d == 'dg-add-options':
            for a in args:
                if a in ADD_OPTIONS and ADD_OPTIONS[a] is not None:
                    additional.append(ADD_OPTIONS[a])
                else:
                    ok, why = effective(a)
                    return None, None, why if why.startswith('needs') else 'dg-add-options ' + a, False
        elif d == 'dg-additional-sources':
            for f in args[0].split() if args else []:
                f = os.path.join(os.path.dirname(path), f)
                if f not in extra: extra.append(f)
        elif d == 'dg-skip-if':
            # dg-skip-if COMMENT SELECTOR [INCLUDE-OPTS [EXCLUDE-OPTS]]
            if len(args) >= 2 and selector(args[1]):
                flags = (level + ' ' + (options or '') + ' ' + ' '.join(additional)).split()
                inc = args[2].split() if len(args) > 2 else ['*']
                exc = args[3].split() if len(args) > 3 else []
                hit = any(i == '*' or i in flags for i in inc) or inc == []
                if exc and any(e in flags for e in exc): hit = False
                if hit: return None, None, 'dg-skip-if', False
        elif d == 'dg-shouldfail':
            if len(args) < 2 or selector(args[1]): shouldfail = True
        elif d in ('dg-require-weak', 'dg-require-alias', 'dg-require-stack-size',
                   'dg-require-visibility', 'dg-require-named-sections'):
            pass
        elif d.startswith('dg-require-'):
            return None, None, d, False
    if dgdo != 'run':
        return None, None, 'not a run test', False
    flags = (options if options is not None else base)
    flags = ' '.join([flags] + additional)
    if re.search(r'/sve2?/', path):
        return None, None, 'needs SVE (not implemented)', False
    for m in re.finditer(r'-march=\S*', flags):
        for ext in re.findall(r'\+(\w+)', m.group(0)):
            if ext in ('sve', 'sve2', 'sme', 'f32mm', 'f64mm'):
                # SVE code may come from the vectoriser anywhere.
                return None, None, 'compiled for +%s (SVE, not implemented)' % ext, False
    return flags, extra, None, shouldfail

def tests():
    out = []
    def add(suite, rel, each_level):
        p = os.path.join(ts, rel)
        for lv in (levels if each_level else ['']):
            tid = suite + '/' + os.path.basename(p) + ('@' + lv if lv else '')
            if fnmatch.fnmatch(tid, pattern): out.append((tid, suite, p, lv))
    def c_files(d):
        full = os.path.join(ts, d)
        return sorted(f for f in os.listdir(full) if f.endswith('.c')) if os.path.isdir(full) else []
    for f in c_files('gcc.c-torture/execute'): add('execute', 'gcc.c-torture/execute/' + f, True)
    for f in c_files('gcc.c-torture/execute/ieee'): add('ieee', 'gcc.c-torture/execute/ieee/' + f, True)
    for sub in ('', 'simd/', 'fp16/', 'acle/', 'sve/', 'sve2/'):
        for f in c_files('gcc.target/aarch64/' + sub):
            rel = 'gcc.target/aarch64/' + sub + f
            if 'dg-do run' in open(os.path.join(ts, rel), errors='replace').read():
                add('aarch64', rel, False)
    for f in c_files('gcc.target/aarch64/torture'): add('torture', 'gcc.target/aarch64/torture/' + f, True)
    for f in c_files('gcc.target/aarch64/aapcs64'):
        if re.match(r'(test_|rec_|va_arg-|func-ret-)', f):
            add('aapcs64', 'gcc.target/aarch64/aapcs64/' + f, True)
    for f in c_files('gcc.target/aarch64/advsimd-intrinsics'):
        add('advsimd', 'gcc.target/aarch64/advsimd-intrinsics/' + f, True)
    return out

def run(cmd, timeout):
    with tempfile.TemporaryDirectory(dir=workdir) as cwd:
        try:
            p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout,
                               env={'PATH': '/usr/bin:/bin', 'LANG': 'C'})
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            return 'timeout', e.stdout or b'', e.stderr or b''

def one(t):
    tid, suite, path, level = t
    try:
        flags, extra, skip, shouldfail = plan(suite, path, level)
    except Exception as e:
        return tid, 'skip', 'directive not understood', ''
    if skip: return tid, 'skip', skip, ''
    key = re.sub(r'[^A-Za-z0-9_.@+-]', '_', tid)
    exe = os.path.join(cache, key)
    cmdline = [CC, '-static', '-fno-diagnostics-color'] + ([level] if level else []) + \
        shlex.split(flags) + [path] + extra + ['-I', os.path.dirname(path), '-lm', '-o', exe]
    stamp = exe + '.cmd'
    want = ' '.join(cmdline)
    if not (os.path.exists(exe) and os.path.exists(stamp) and open(stamp).read() == want):
        for f in (exe, exe + '.qemu'):
            if os.path.exists(f): os.unlink(f)
        p = subprocess.run(cmdline, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        if p.returncode != 0:
            open(stamp, 'w').write(want)
            return tid, 'buildfail', p.stdout.decode(errors='replace').splitlines()[-1:] and \
                p.stdout.decode(errors='replace').strip().splitlines()[-1], ''
        open(stamp, 'w').write(want)
    if not os.path.exists(exe):
        return tid, 'buildfail', '(cached)', ''
    qfile = exe + '.qemu'
    if os.path.exists(qfile):
        qrc, qout = open(qfile, 'rb').read().split(b'\n', 1)
        qrc = qrc.decode()
    else:
        rc, out, _ = run(['qemu-aarch64', exe], 30)
        qrc, qout = str(rc), out
        open(qfile, 'wb').write(qrc.encode() + b'\n' + qout)
    qpass = (qrc == '0') != shouldfail
    if not qpass: return tid, 'qemufail', 'qemu: ' + qrc, ''
    rc, out, err = run([emu, exe], 120)
    if str(rc) == qrc and (out == qout or os.path.basename(path) in ADDRESS_PRINTERS):
        return tid, 'pass', '', ''
    diff = ['qemu status %s, emulator status %s' % (qrc, rc)]
    if out != qout:
        ql, el = qout.decode(errors='replace').splitlines(), out.decode(errors='replace').splitlines()
        for i in range(max(len(ql), len(el))):
            a = ql[i] if i < len(ql) else '<eof>'
            b = el[i] if i < len(el) else '<eof>'
            if a != b:
                diff.append('line %d: qemu %r, emulator %r' % (i + 1, a[:120], b[:120])); break
    diff += ['stderr: ' + l for l in err.decode(errors='replace').strip().splitlines()[:3]]
    return tid, 'FAIL', diff[0], '\n'.join(diff)

todo = tests()
results = []
with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
    for r in ex.map(one, todo):
        results.append(r)
        if r[1] == 'FAIL': print('FAIL', r[0], '|', r[3].replace('\n', ' | '), flush=True)

with open(os.path.join(workdir, 'results.tsv'), 'w') as f:
    for tid, st, why, _ in results: f.write('%s\t%s\t%s\n' % (tid, st, why))
with open(os.path.join(workdir, 'failures.txt'), 'w') as f:
    for tid, st, why, d in results:
        if st == 'FAIL': f.write(tid + '\n  ' + d.replace('\n', '\n  ') + '\n')

print()
print('%-10s %6s %6s %7s %9s %6s %6s  %s' % ('suite', 'tests', 'built', 'skipped', 'qemu-pass', 'emu-ok', 'emu-%', 'skipped because'))
bysuite = collections.OrderedDict()
for tid, st, why, _ in results:
    bysuite.setdefault(tid.split('/')[0], []).append((st, why))
tot = collections.Counter()
for suite, rs in list(bysuite.items()) + [('total', [x for v in bysuite.values() for x in v])]:
    c = collections.Counter(st for st, _ in rs)
    run_tests = [x for x in rs if not (x[0] == 'skip' and x[1] == 'not a run test')]
    built = c['pass'] + c['FAIL'] + c['qemufail']
    qp = c['pass'] + c['FAIL']
    skipped = collections.Counter(w for st, w in rs if st == 'skip' and w != 'not a run test')
    pct = '%.2f' % (100.0 * c['pass'] / qp) if qp else '-'
    print('%-10s %6d %6d %7d %9d %6d %6s  %s' % (suite, len(run_tests), built, sum(skipped.values()), qp, c['pass'], pct,
          ', '.join('%s: %d' % kv for kv in skipped.most_common(6)) + (' ...' if len(skipped) > 6 else '')))
bf = sum(1 for _, st, _, _ in results if st == 'buildfail')
print('build failures: %d; qemu failures (excluded): %d' % (bf, sum(1 for _, st, _, _ in results if st == 'qemufail')))
fails = [r for r in results if r[1] == 'FAIL']
print('failures under the emulator of tests that pass under qemu: %d' % len(fails))
for tid, st, why, d in fails:
    print('  ' + tid + ': ' + d.replace('\n', '\n      '))
PYEOF
