#!/usr/bin/env python3
# Records FP/AdvSIMD instruction test vectors with qemu-aarch64 as the oracle.
#
# Usage (from the repository root):
#     python3 TestBinaries/isa/record-fpsimd.py
# needs aarch64-linux-gnu-as, aarch64-linux-gnu-ld and qemu-aarch64, and
# rewrites Tests/AArch64Tests/Fixtures/fpsimd-vectors.txt.
#
# For every instruction listed in fpsimd_cases.py, plus random base-Armv8.0
# encodings chosen by fpsimd_fuzz.py, it draws several input
# states (V0-V3, X0-X4, FPCR, NZCV, a 128-byte memory buffer addressed by X4),
# builds one static program that loads each state, clears FPSR, runs the
# instruction and dumps V0-V3, X0-X4, NZCV, FPSR and the buffer; the program
# runs under qemu-aarch64 and its dump becomes the fixture.
#
# FPSIMD_FUZZ_COUNT, FPSIMD_FUZZ_SEED, FPSIMD_STATE_SEED and FPSIMD_OUT
# override the number of random encodings, their seed, the seed of the
# input states and the output file (for one-off deeper runs).
#
# FPSIMD_SET=fp16 records the half-precision set instead (FEAT_FP16 and
# FEAT_FHM, fp16_cases.py plus random encodings of those groups, then the
# half-precision FCMLA/FCADD of fp16_cases.FCMA_CASES, assembled
# with -march=armv8.4-a+fp16+fp16fml, run with qemu-aarch64 -cpu max) into
# Tests/AArch64Tests/Fixtures/fp16-vectors.txt.
#
# FPSIMD_SET=isaext records the Armv8.1-8.6 extensions listed in
# isaext_cases.py instead (crypto, dot product, I8MM, RDM, FCMA, FJCVTZS,
# FRINT32/64, flag manipulation, LRCPC2), assembled for armv8.6-a with those
# extensions and run with qemu-aarch64 -cpu max, into isaext-vectors.txt,
# plus random encodings from those groups (isaext_cases.FUZZ_SPACES).
#
# Fixture line format (hex fields, space separated, then " # " and the asm):
#   insn fpcr nzcv v0lo v0hi .. v3lo v3hi x0 .. x4 memIn|-  |
#   v0lo .. v3hi x0 .. x4 nzcv fpsr memOut|-
# X4 is an offset from the start of the memory buffer, in and out.
import os, random, struct, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fpsimd_fuzz import fuzz_cases, FP16_TEMPLATES
import fp16_cases

ISAEXT = os.environ.get('FPSIMD_SET') == 'isaext'
if ISAEXT:
    from isaext_cases import CASES, PER_CASE, fill_kind, FUZZ_SPACES, fuzz_skip
    MARCH = 'armv8.6-a+crypto+sha3+sm4+i8mm+rcpc+flagm'
    QEMU = ['qemu-aarch64', '-cpu', 'max']
    FIXTURE = 'isaext-vectors.txt'
else:
    from fpsimd_cases import CASES, PER_CASE
    fill_kind = None
    MARCH = 'armv8-a'
    QEMU = ['qemu-aarch64']
    FIXTURE = 'fpsimd-vectors.txt'

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FP16 = os.environ.get('FPSIMD_SET') == 'fp16'
if FP16:
    MARCH = 'armv8.4-a+fp16+fp16fml'
    QEMU = ['qemu-aarch64', '-cpu', 'max']
    FIXTURE = 'fp16-vectors.txt'
OUT = os.environ.get('FPSIMD_OUT') or os.path.join(ROOT, 'Tests', 'AArch64Tests', 'Fixtures', FIXTURE)
MASK64 = (1 << 64) - 1
FUZZ_COUNT = int(os.environ.get('FPSIMD_FUZZ_COUNT', '200' if ISAEXT else '400' if FP16 else '1500'))
FUZZ_SEED = int(os.environ.get('FPSIMD_FUZZ_SEED', '4242'))

F64 = [0x0, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000,
       0x3FF8000000000000, 0x4004000000000000, 0xC004000000000000,
       0x3FB999999999999A, 0x4008000000000000, 0x7E37E43C8800759C,
       0xFE37E43C8800759C, 0x7FF0000000000000, 0xFFF0000000000000,
       0x7FF8000000000001, 0xFFF8000000000123, 0x7FF0000000000005,
       0xFFF4000000000000, 0x0000000000000001, 0x000FFFFFFFFFFFFF,
       0x800F000000000000, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF,
       0x43E0000000000000, 0xC3E0000000000000, 0x43F0000000000000,
       0x41F0000000000000, 0x41DFFFFFFFE00000, 0xC1E0000000100000,
       0x3FE0000000000000, 0x3FE0000000000001, 0xBFE8000000000000,
       0x4330000000000001, 0x3CB0000000000000, 0x0020000000000001]
F32 = [0x0, 0x80000000, 0x3F800000, 0xBF800000, 0x3FC00000, 0x40200000,
       0xC0200000, 0x3DCCCCCD, 0x40400000, 0x7E967699, 0xFE967699,
       0x7F800000, 0xFF800000, 0x7FC00001, 0xFFC00123, 0x7F800005,
       0xFFA00000, 0x00000001, 0x007FFFFF, 0x80700000, 0x00800000,
       0x7F7FFFFF, 0x5F000000, 0xDF000000, 0x5F800000, 0x4F000000,
       0x4EFFFFFF, 0xCF000001, 0x3F000000, 0x3F000001, 0xBF400000,
       0x4B000001, 0x34000000, 0x01000001]
F16 = [0x0000, 0x8000, 0x3C00, 0xBC00, 0x3E00, 0x7BFF, 0x7C00, 0xFC00, 0x7E01,
       0x7C05, 0x0001, 0x03FF, 0x0400, 0x5640, 0xC900]
INTS = [0, 1, MASK64, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0x7FFFFFFF,
        0x80000000, 0xFFFFFFFF, 0x00FF00FF00FF00FF, 0x8080808080808080,
        0x7F7F7F7F7F7F7F7F, 0x0123456789ABCDEF, 0xFEDCBA9876543210,
        0x8000800080008000, 0x7FFF7FFF7FFF7FFF, 0x0001000100010001]
FPCRS = [0] * 8 + [0x400000, 0x800000, 0xC00000, 0x2000000, 0x1000000, 0x3000000, 0x3C00000]
# Half precision: denormals, the normal range's ends, signalling and quiet
# NaNs of both signs, values whose sums, products and roots round at ties.
F16X = F16 + [0xFBFF, 0x0400, 0x8400, 0x8001, 0x83FF, 0x0200, 0x0100, 0x00FF, 0x0401, 0xFE00, 0xFD00,
              0x7D55, 0x7FFF, 0x3555, 0x3BFF, 0x3C01, 0x4000, 0x5BFF, 0x6400, 0x7400, 0x7800, 0x7A00,
              0xE400, 0x4900, 0x2E66, 0x1400, 0x0800, 0x3800, 0xB800, 0x4200, 0xC200, 0x77FF, 0x7801]
# FPCR: RMode, FZ16 (bit 19), FZ, DN, AHP (bit 26) and combinations.
FPCRS16 = [0] * 6 + [0x400000, 0x800000, 0xC00000, 0x80000, 0x80000, 0x2000000, 0x1000000, 0x4000000,
                     0x2080000, 0x1480000, 0x4C80000, 0x7C80000, 0x1000000 | 0x80000, 0x4000000 | 0x2000000]


def rnd_float_bits(rng, pool, bits):
    if rng.random() < 0.7:
        return rng.choice(pool)
    if bits == 64:
        return struct.unpack('<Q', struct.pack('<d', rng.uniform(-1e6, 1e6)))[0]
    if bits == 32:
        return struct.unpack('<I', struct.pack('<f', rng.uniform(-1e4, 1e4)))[0]
    return rng.randrange(1 << 16)


def rnd_int(rng):
    r = rng.random()
    if r < 0.4:
        return rng.choice(INTS)
    if r < 0.7:
        return rng.getrandbits(64)
    # small lanes: bytes near 0 / 0x80
    return int.from_bytes(bytes(rng.choice([0, 1, 2, 0x7F, 0x80, 0x81, 0xFE, 0xFF, rng.randrange(256)])
                                for _ in range(8)), 'little')


def rnd_wide(rng, bits):
    """A value with a random exponent over (almost) the whole range, and
    operands that often share exponents so sums and FMAs cancel."""
    if bits == 64:
        e = rng.choice([rng.randrange(0, 2047), rng.randrange(1000, 1050), rng.randrange(0, 60)])
        return (rng.getrandbits(1) << 63) | (e << 52) | rng.getrandbits(52)
    e = rng.choice([rng.randrange(0, 255), rng.randrange(120, 135), rng.randrange(0, 30)])
    return (rng.getrandbits(1) << 31) | (e << 23) | rng.getrandbits(23)


def rnd_tiny_edge(rng, bits):
    """Operands whose products, quotients and narrowings land next to the
    smallest normal number, where tininess before/after rounding differ."""
    if bits == 64:
        e = rng.choice([510, 511, 512, 513, 896, 897, 1023, 1022])
        frac = rng.choice([(1 << 52) - 1, 0, 1, rng.getrandbits(52)])
        return (rng.getrandbits(1) << 63) | (e << 52) | frac
    e = rng.choice([62, 63, 64, 65, 127, 126])
    frac = rng.choice([(1 << 23) - 1, 0, 1, rng.getrandbits(23)])
    return (rng.getrandbits(1) << 31) | (e << 23) | frac


def rnd_half_range(rng, bits):
    """A single or double whose exponent is near the half-precision range
    (overflow, denormals, underflow) or a special value."""
    r = rng.random()
    if r < 0.15:
        return rng.choice(F64 if bits == 64 else F32)
    e = rng.choice([rng.randrange(-27, 17), 15, 16, -15, -14, -25, -24])
    if bits == 64:
        frac = rng.choice([rng.getrandbits(52), 1 << 41, (1 << 41) | 1, (1 << 42) - 1, rng.getrandbits(12) << 40])
        return (rng.getrandbits(1) << 63) | ((e + 1023) << 52) | frac
    frac = rng.choice([rng.getrandbits(23), 1 << 12, (1 << 12) | 1, (1 << 13) - 1, rng.getrandbits(12) << 11])
    return (rng.getrandbits(1) << 31) | ((e + 127) << 23) | frac


def fill128(rng, kind):
    if fill_kind is not None:
        v = fill_kind(rng, kind)
        if v is not None:
            return v
    if kind == 'fdt':
        return rnd_tiny_edge(rng, 64) | (rnd_tiny_edge(rng, 64) << 64)
    if kind == 'fst':
        v = 0
        for i in range(4):
            v |= rnd_tiny_edge(rng, 32) << (32 * i)
        return v
    if kind == 'fdw':
        return rnd_wide(rng, 64) | (rnd_wide(rng, 64) << 64)
    if kind == 'fsw':
        v = 0
        for i in range(4):
            v |= rnd_wide(rng, 32) << (32 * i)
        return v
    if kind in ('fd', 'cvt_d'):
        return rnd_float_bits(rng, F64, 64) | (rnd_float_bits(rng, F64, 64) << 64)
    if kind in ('fs', 'cvt_s'):
        v = 0
        for i in range(4):
            v |= rnd_float_bits(rng, F32, 32) << (32 * i)
        return v
    if kind == 'fh':
        v = 0
        for i in range(8):
            if not FP16:
                v |= rng.choice(F16) << (16 * i)
            else:
                v |= (rng.choice(F16X) if rng.random() < 0.7 else rng.randrange(1 << 16)) << (16 * i)
        return v
    if kind == 'fhw':
        v = 0
        for i in range(8):
            e = rng.choice([rng.randrange(0, 31), rng.randrange(12, 18), rng.randrange(0, 4)])
            v |= ((rng.getrandbits(1) << 15) | (e << 10) | rng.getrandbits(10)) << (16 * i)
        return v
    if kind == 'fs16':
        if rng.random() < 0.5:
            return rnd_half_range(rng, 64) | (rnd_half_range(rng, 64) << 64)
        v = 0
        for i in range(4):
            v |= rnd_half_range(rng, 32) << (32 * i)
        return v
    return rnd_int(rng) | (rnd_int(rng) << 64)


def make_state(rng, kind):
    if kind == 'fhm':
        v = [fill128(rng, 'fs')] + [fill128(rng, 'fh') for _ in range(3)]
    else:
        v = [fill128(rng, kind) for _ in range(4)]
    if kind == 'gpr_h':   # half from general: half patterns and small integers
        x = [rng.choice([rng.choice(F16X), rng.randrange(-70000, 70000) & MASK64, rng.randrange(1 << 16),
                         rng.getrandbits(64), rng.getrandbits(40)]) for _ in range(4)]
    elif kind == 'gpr_f':   # FP from general: X regs hold float bit patterns
        x = [rng.choice(F64) if rng.random() < 0.5 else rng.choice(F32) for _ in range(4)]
    else:
        x = [rnd_int(rng) for _ in range(4)]
    if FP16:
        fpcr = rng.choice(FPCRS16)
    else:
        fpcr = rng.choice(FPCRS) if kind not in ('int', 'mem') and not kind.startswith('i_') else rng.choice([0, 0])
    nzcv = rng.randrange(16) << 28
    mem = bytes(rng.randrange(256) for _ in range(128))
    x4 = 0
    if kind == 'mem' or kind.startswith('i_mem'):
        x4 = rng.choice([16, 32] if kind == 'i_mem_lse' else [16, 24, 32] if kind == 'i_mem' else [16, 24, 32, 33])
        x[3] = rng.choice([0, 8, 16, 32, (-16) & MASK64, 3])
    return v, x + [x4], fpcr, nzcv, mem


def build(cases, states, workdir):
    lines = ['.text', '.global _start', '_start:',
             '  adrp x19, inputs', '  add x19, x19, :lo12:inputs',
             '  adrp x20, outputs', '  add x20, x20, :lo12:outputs',
             '  adrp x21, membuf', '  add x21, x21, :lo12:membuf']
    data = ['.data', '.balign 16', 'inputs:']
    n = 0
    for (asm, kind), sts in zip(cases, states):
        for (v, x, fpcr, nzcv, mem) in sts:
            lines += ['  bl load_state', '  ' + asm, '  bl save_state']
            words = []
            for q in v:
                words += [q & MASK64, q >> 64]
            words += x + [fpcr, nzcv]
            data.append('  .quad ' + ','.join('0x%x' % w for w in words))
            data.append('  .byte ' + ','.join(str(b) for b in mem))
            data.append('  .balign 16')
            n += 1
    lines += ['  mov x0, #1', '  adrp x1, outputs', '  add x1, x1, :lo12:outputs',
              '  ldr x2, =%d' % (n * 256), '  mov x8, #64', '  svc #0',
              '  mov x0, #0', '  mov x8, #93', '  svc #0',
              'load_state:']
    for i in range(0, 128, 16):
        lines += ['  ldp x9, x10, [x19, #%d]' % (120 + i), '  stp x9, x10, [x21, #%d]' % i]
    lines += ['  ldp q0, q1, [x19]', '  ldp q2, q3, [x19, #32]',
              '  ldp x0, x1, [x19, #64]', '  ldp x2, x3, [x19, #80]',
              '  ldr x4, [x19, #96]', '  add x4, x4, x21',
              '  ldr x9, [x19, #104]', '  msr fpcr, x9',
              '  ldr x9, [x19, #112]', '  msr nzcv, x9',
              '  msr fpsr, xzr', '  add x19, x19, #256', '  ret',
              'save_state:',
              '  mrs x9, nzcv', '  mrs x10, fpsr', '  msr fpcr, xzr',
              '  stp q0, q1, [x20]', '  stp q2, q3, [x20, #32]',
              '  stp x0, x1, [x20, #64]', '  stp x2, x3, [x20, #80]',
              '  sub x4, x4, x21', '  str x4, [x20, #96]',
              '  stp x9, x10, [x20, #104]', '  ldr w11, [x30, #-8]', '  str x11, [x20, #120]']
    for i in range(0, 128, 16):
        lines += ['  ldp x9, x10, [x21, #%d]' % i, '  stp x9, x10, [x20, #%d]' % (128 + i)]
    lines += ['  add x20, x20, #256', '  ret', '.ltorg']
    bss = ['.bss', '.balign 16', 'membuf: .skip 256', '.balign 16', 'outputs: .skip %d' % (n * 256)]
    src = os.path.join(workdir, 't.s')
    with open(src, 'w') as f:
        f.write('\n'.join(lines + data + bss) + '\n')
    obj = os.path.join(workdir, 't.o')
    exe = os.path.join(workdir, 't')
    subprocess.run(['aarch64-linux-gnu-as', '-march=' + MARCH, src, '-o', obj], check=True)
    subprocess.run(['aarch64-linux-gnu-ld', '-static', obj, '-o', exe], check=True)
    out = subprocess.run(QEMU + [exe], check=True, stdout=subprocess.PIPE).stdout
    assert len(out) == n * 256, (len(out), n)
    return out


def fp16_kind(text):
    """Input kind of a random FP16/FHM encoding; None drops those that are
    no half-precision instruction (the templates also hit other groups)."""
    import re
    mn = text.split()[0]
    if mn.startswith('fmlal') or mn.startswith('fmlsl'):
        return 'fhm'
    if not re.search(r'\bh\d|\.[248]h\b|\.h\[', text):
        return None
    if mn in ('scvtf', 'ucvtf') and re.search(r'\b[wx]\d', text):
        return 'gpr_h'
    if mn in ('scvtf', 'ucvtf'):
        return 'int'
    if mn == 'fmov' and re.search(r'\bh\d+, [wx]', text):
        return 'gpr_h'
    if mn.startswith('fcvt') and re.search(r'\b[sd]\d|\.4s', text) and re.search(r'\bh0|v0\.[48]h', text):
        return 'fs16'
    return 'fh'


def arm_arm_fixup(asm, vo):
    """Where qemu-aarch64 7.2 disagrees with the Arm ARM, the recorded
    result is the Arm ARM's, derived from qemu's; the fixture line says so.
    Returns (outputs, note)."""
    import re
    # FCVTZS (scalar, fixed-point) on a half: V[d] = result writes 16 bits
    # and clears the rest of the register; qemu writes the sign-extended
    # 32-bit integer.
    m = re.match(r'fcvtzs\s+h(\d+), h\d+, #', asm)
    if m and int(m.group(1)) < 4:
        d = int(m.group(1))
        vo = list(vo)
        if vo[2 * d] & 0xFFFF != vo[2 * d]:
            vo[2 * d] &= 0xFFFF
            return vo, ' [Arm ARM: qemu 7.2 sign-extends the result to 32 bits]'
    return vo, ''


def main():
    rng = random.Random(int(os.environ.get('FPSIMD_STATE_SEED', '20261129')))
    if FP16:
        cases = fp16_cases.CASES + fuzz_cases(FUZZ_COUNT, FUZZ_SEED, march=MARCH, templates=FP16_TEMPLATES,
                                              kind_of=fp16_kind)
        per_case, listed = fp16_cases.PER_CASE, len(fp16_cases.CASES)
        # Listed after the random encodings: they came later.
        tail = len(cases)
        cases += fp16_cases.FCMA_CASES
    else:
        fuzz = dict(spaces=FUZZ_SPACES, march=MARCH, skip=fuzz_skip) if ISAEXT else {}
        cases = CASES + (fuzz_cases(FUZZ_COUNT, FUZZ_SEED, **fuzz) if FUZZ_COUNT else [])
        per_case, listed = PER_CASE, len(cases)
        tail = len(cases)
    # Random encodings (between the listed cases and the tail) get fewer states each.
    states = [[make_state(rng, kind) for _ in range(per_case.get(kind, 8) if i < listed or i >= tail else 5)]
              for i, (asm, kind) in enumerate(cases)]
    with tempfile.TemporaryDirectory() as d:
        out = build(cases, states, d)
    res = ['# DO NOT EDIT: generated by TestBinaries/isa/record-fpsimd.py from qemu-aarch64 runs.']
    k = 0
    for (asm, kind), sts in zip(cases, states):
        for (v, x, fpcr, nzcv, mem) in sts:
            rec = out[k * 256:(k + 1) * 256]
            k += 1
            q = struct.unpack('<16Q', rec[:128])
            vo = q[0:8]
            vo, note = arm_arm_fixup(asm, vo) if FP16 else (vo, '')
            xo = q[8:13]
            nz, fs, insn = q[13], q[14], q[15]
            memo = rec[128:256]
            ism = kind == 'mem' or kind.startswith('i_mem')
            fin = ['%08x' % insn, '%x' % fpcr, '%x' % nzcv]
            for qq in v:
                fin += ['%x' % (qq & MASK64), '%x' % (qq >> 64)]
            fin += ['%x' % xx for xx in x]
            fin.append(mem.hex() if ism else '-')
            fo = ['%x' % w for w in vo] + ['%x' % w for w in xo] + ['%x' % nz, '%x' % fs, memo.hex() if ism else '-']
            res.append(' '.join(fin) + ' | ' + ' '.join(fo) + ' # ' + asm + note)
    with open(OUT, 'w') as f:
        f.write('\n'.join(res) + '\n')
    print('wrote %d vectors for %d instructions to %s' % (k, len(cases), OUT))


if __name__ == '__main__':
    main()
