# Instruction list for `FPSIMD_SET=isaext python3 TestBinaries/isa/record-fpsimd.py`:
# the A64 extensions beyond Armv8.0 other than FP16 (crypto, SHA3, SM3/SM4,
# 64-bit PMULL, dot product, I8MM, RDM, FCMA, FJCVTZS, FRINT32/64, flag
# manipulation, LRCPC/LRCPC2), as (assembly, input kind).
#
# Kinds beyond record-fpsimd.py's own: i_sat16/i_sat32 = lanes near the
# saturation points of SQRDMLAH/SQRDMLSH; fjc = doubles around the int32
# range, NaNs, infinities and denormals for FJCVTZS; frd/frs = doubles or
# singles around 2^31 and 2^63 and halfway points for FRINT32/64; i_mem =
# load/store through X4 (8-byte aligned: ordered accesses need alignment)
# with FPCR 0; i_mem_lse = the same, 16-byte aligned (CASP), for every LSE
# atomic, size and ordering.
import random, re, struct

PER_CASE = {'i_mem_lse': 3, 'int': 8, 'i_sat16': 16, 'i_sat32': 16, 'fd': 12, 'fs': 12, 'fdw': 24, 'fsw': 24,
            'fjc': 64, 'frd': 32, 'frs': 32, 'i_mem': 6, 'i_flags': 24}

CASES = []


def add(kind, text):
    for line in text.strip().splitlines():
        line = line.strip()
        if line:
            CASES.append((line, kind))


def _lanes(rng, bits, pool):
    v = 0
    for i in range(128 // bits):
        x = rng.choice(pool) if rng.random() < 0.7 else rng.getrandbits(bits)
        v |= (x & ((1 << bits) - 1)) << (bits * i)
    return v


SAT16 = [0x8000, 0x7FFF, 0xFFFF, 0, 1, 0x4000, 0xC000, 0x8001, 0x7FFE, 0x2000]
SAT32 = [0x80000000, 0x7FFFFFFF, 0xFFFFFFFF, 0, 1, 0x40000000, 0xC0000000, 0x80000001, 0x7FFFFFFE]


def _f64(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def _f32(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def _fjc(rng):
    r = rng.random()
    if r < 0.25:
        return rng.choice([0, 1 << 63, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
                           0x7FF4000000000000, 0xFFF8000000000001, 0x0000000000000001, 0x800FFFFFFFFFFFFF,
                           _f64(2147483647.0), _f64(2147483648.0), _f64(-2147483648.0), _f64(-2147483649.0),
                           _f64(4294967296.0), _f64(4294967297.5), _f64(-0.5), _f64(0.99999), _f64(1e300),
                           _f64(2.0 ** 84 + 2.0 ** 33), _f64(2.0 ** 52 + 3), _f64(-(2.0 ** 63)), _f64(2.0 ** 31 - 0.5)])
    if r < 0.5:
        return _f64(rng.uniform(-5e9, 5e9))
    if r < 0.75:
        return _f64(float(rng.randrange(-2 ** 33, 2 ** 33)) + rng.choice([0, 0.5, 0.25, -0.75]))
    e = rng.randrange(0, 2047)
    return (rng.getrandbits(1) << 63) | (e << 52) | rng.getrandbits(52)


def _frd(rng):
    base = rng.choice([2.0 ** 31, 2.0 ** 63, 2.0 ** 30, 1.0, 0.5, 2.0 ** 52, 2.0 ** 62])
    r = rng.random()
    if r < 0.2:
        return rng.choice([0, 1 << 63, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000001,
                           0x7FF4000000000000, 0x1, 0x800FFFFFFFFFFFFF, _f64(-2147483648.5),
                           _f64(2147483647.5), _f64(-2147483648.0), _f64(2147483648.0),
                           _f64(-(2.0 ** 63)), _f64(2.0 ** 63), _f64(-(2.0 ** 63) - 2048), _f64(2.5), _f64(-1.5)])
    if r < 0.6:
        x = base + rng.choice([-1.5, -1, -0.5, 0, 0.5, 1, 1.5, -2048.0, 1024.0, -0.25])
        return _f64(x if rng.random() < 0.5 else -x)
    return _f64(rng.uniform(-3e9, 3e9))


def _frs(rng):
    r = rng.random()
    if r < 0.2:
        return rng.choice([0, 1 << 31, 0x7F800000, 0xFF800000, 0x7FC00001, 0x7FA00000, 0x1, 0x807FFFFF,
                           _f32(2147483648.0), _f32(-2147483648.0), _f32(2.0 ** 63), _f32(-(2.0 ** 63)),
                           _f32(2.5), _f32(-1.5), _f32(0.5), _f32(8388607.5)])
    if r < 0.6:
        e = rng.choice([30, 31, 32, 62, 63, 64, 22, 23, 0, -1])
        x = (2.0 ** e) * rng.choice([1.0, 1.5, 0.75, 1.0000001, 0.9999999, 1.25])
        return _f32(x if rng.random() < 0.5 else -x)
    return _f32(rng.uniform(-1e6, 1e6))


def fill_kind(rng, kind):
    """A 128-bit register value for this file's own kinds, or None."""
    if kind == 'i_sat16':
        return _lanes(rng, 16, SAT16)
    if kind == 'i_sat32':
        return _lanes(rng, 32, SAT32)
    if kind == 'fjc':
        return _fjc(rng) | (_fjc(rng) << 64)
    if kind == 'frd':
        return _frd(rng) | (_frd(rng) << 64)
    if kind == 'frs':
        v = 0
        for i in range(4):
            v |= _frs(rng) << (32 * i)
        return v
    return None


# --- Crypto: AES, SHA1, SHA256, SHA512, SHA3, SM3, SM4 --------------------------
add('int', """
    aese v0.16b, v1.16b
    aesd v0.16b, v1.16b
    aesmc v0.16b, v1.16b
    aesimc v0.16b, v1.16b
    aesmc v0.16b, v0.16b
    sha1c q0, s1, v2.4s
    sha1p q0, s1, v2.4s
    sha1m q0, s1, v2.4s
    sha1su0 v0.4s, v1.4s, v2.4s
    sha1h s0, s1
    sha1su1 v0.4s, v1.4s
    sha256h q0, q1, v2.4s
    sha256h2 q0, q1, v2.4s
    sha256su0 v0.4s, v1.4s
    sha256su1 v0.4s, v1.4s, v2.4s
    sha512h q0, q1, v2.2d
    sha512h2 q0, q1, v2.2d
    sha512su0 v0.2d, v1.2d
    sha512su1 v0.2d, v1.2d, v2.2d
    eor3 v0.16b, v1.16b, v2.16b, v3.16b
    bcax v0.16b, v1.16b, v2.16b, v3.16b
    rax1 v0.2d, v1.2d, v2.2d
    xar v0.2d, v1.2d, v2.2d, #0
    xar v0.2d, v1.2d, v2.2d, #1
    xar v0.2d, v1.2d, v2.2d, #37
    xar v0.2d, v1.2d, v2.2d, #63
    sm3ss1 v0.4s, v1.4s, v2.4s, v3.4s
    sm3partw1 v0.4s, v1.4s, v2.4s
    sm3partw2 v0.4s, v1.4s, v2.4s
    sm4e v0.4s, v1.4s
    sm4ekey v0.4s, v1.4s, v2.4s
    pmull v0.1q, v1.1d, v2.1d
    pmull2 v0.1q, v1.2d, v2.2d
    pmull v0.8h, v1.8b, v2.8b
    pmull2 v0.8h, v1.16b, v2.16b
    """)
for op in ['sm3tt1a', 'sm3tt1b', 'sm3tt2a', 'sm3tt2b']:
    for i in range(4):
        CASES.append((f'{op} v0.4s, v1.4s, v2.s[{i}]', 'int'))

# --- Dot product and I8MM --------------------------------------------------------
for op in ['sdot', 'udot', 'usdot']:
    add('int', f"""
    {op} v0.2s, v1.8b, v2.8b
    {op} v0.4s, v1.16b, v2.16b
    """)
for op in ['sdot', 'udot', 'usdot', 'sudot']:
    for i in range(4):
        add('int', f"""
        {op} v0.4s, v1.16b, v2.4b[{i}]
        {op} v0.2s, v1.8b, v3.4b[{i}]
        """)
add('int', """
    smmla v0.4s, v1.16b, v2.16b
    ummla v0.4s, v1.16b, v2.16b
    usmmla v0.4s, v1.16b, v2.16b
    """)

# --- RDM: SQRDMLAH, SQRDMLSH -------------------------------------------------------
for op in ['sqrdmlah', 'sqrdmlsh']:
    add('i_sat16', f"""
    {op} v0.4h, v1.4h, v2.4h
    {op} v0.8h, v1.8h, v2.8h
    {op} h0, h1, h2
    """)
    add('i_sat32', f"""
    {op} v0.2s, v1.2s, v2.2s
    {op} v0.4s, v1.4s, v2.4s
    {op} s0, s1, s2
    """)
    for i in range(8):
        add('i_sat16', f"""
        {op} v0.{'4h' if i % 2 else '8h'}, v1.{'4h' if i % 2 else '8h'}, v2.h[{i}]
        {op} h0, h1, v3.h[{i}]
        """)
    for i in range(4):
        add('i_sat32', f"""
        {op} v0.{'2s' if i % 2 else '4s'}, v1.{'2s' if i % 2 else '4s'}, v2.s[{i}]
        {op} s0, s1, v3.s[{i}]
        """)

# --- FCMA: FCMLA, FCADD ---------------------------------------------------------------
for rot in [0, 90, 180, 270]:
    for a, k in (('2s', 'fs'), ('4s', 'fsw'), ('2d', 'fd'), ('2d', 'fdw')):
        CASES.append((f'fcmla v0.{a}, v1.{a}, v2.{a}, #{rot}', k))
    for i in range(2):
        CASES.append((f'fcmla v0.4s, v1.4s, v2.s[{i}], #{rot}', 'fs' if rot % 180 else 'fsw'))
for rot in [90, 270]:
    for a, k in (('2s', 'fs'), ('4s', 'fsw'), ('2d', 'fd'), ('2d', 'fdw')):
        CASES.append((f'fcadd v0.{a}, v1.{a}, v2.{a}, #{rot}', k))

# --- FJCVTZS, FRINT32/64 -----------------------------------------------------------
add('fjc', """
    fjcvtzs w0, d1
    fjcvtzs w1, d2
    """)
for op in ['frint32z', 'frint32x', 'frint64z', 'frint64x']:
    add('frd', f"""
    {op} d0, d1
    {op} v0.2d, v1.2d
    """)
    add('frs', f"""
    {op} s0, s1
    {op} v0.2s, v1.2s
    {op} v0.4s, v1.4s
    """)

# --- Flag manipulation ----------------------------------------------------------------
add('i_flags', """
    cfinv
    xaflag
    axflag
    setf8 w1
    setf16 w1
    setf8 w2
    setf16 w3
    rmif x1, #0, #15
    rmif x1, #1, #8
    rmif x2, #63, #5
    rmif x1, #28, #15
    rmif x3, #33, #3
    """)

# --- LRCPC and LRCPC2 ------------------------------------------------------------------
add('i_mem', """
    ldapr x0, [x4]
    ldapr w0, [x4]
    ldaprb w0, [x4]
    ldaprh w0, [x4]
    ldapurb w0, [x4, #-3]
    ldapurh w0, [x4, #2]
    ldapur w0, [x4, #-4]
    ldapur x0, [x4, #8]
    ldapursb w0, [x4, #1]
    ldapursb x0, [x4, #-1]
    ldapursh w0, [x4, #-2]
    ldapursh x0, [x4, #6]
    ldapursw x0, [x4, #-8]
    ldapur x0, [x4, #-16]
    ldapur w0, [x4, #64]
    stlurb w1, [x4, #-3]
    stlurh w1, [x4, #2]
    stlur w1, [x4, #4]
    stlur x1, [x4, #-8]
    stlur x1, [x4, #-16]
    stlurb wzr, [x4, #7]
    """)

# --- LSE: every operation, size and ordering -----------------------------------------
for op in ['ldadd', 'ldclr', 'ldeor', 'ldset', 'ldsmax', 'ldsmin', 'ldumax', 'ldumin', 'swp']:
    for order in ['', 'a', 'l', 'al']:
        for sz, reg in (('b', 'w'), ('h', 'w'), ('', 'w'), ('', 'x')):
            CASES.append((f'{op}{order}{sz} {reg}1, {reg}0, [x4]', 'i_mem_lse'))
for op in ['stadd', 'stclr', 'steor', 'stset', 'stsmax', 'stsmin', 'stumax', 'stumin']:
    CASES.append((f'{op}l x1, [x4]', 'i_mem_lse'))
    CASES.append((f'{op}b w1, [x4]', 'i_mem_lse'))
for order in ['', 'a', 'l', 'al']:
    for sz, reg in (('b', 'w'), ('h', 'w'), ('', 'w'), ('', 'x')):
        CASES.append((f'cas{order}{sz} {reg}0, {reg}1, [x4]', 'i_mem_lse'))
    for reg in 'wx':
        CASES.append((f'casp{order} {reg}0, {reg}1, {reg}2, {reg}3, [x4]', 'i_mem_lse'))

# --- Random encodings -------------------------------------------------------------------
# (fixed bits, random bits) of the extension groups in the FP/SIMD space, for
# fpsimd_fuzz.fuzz_cases; register fields are forced to V0-V3 there.
FUZZ_SPACES = [
    (0xCE000000, 0x00FFFFFF),   # crypto with bit 31 set: SHA512, SHA3, SM3, SM4
    (0x4E280800, 0x0001F000),   # crypto AES
    (0x5E280800, 0x0001F000),   # two-register SHA
    (0x5E000000, 0x001F7000),   # three-register SHA
    (0x0E008400, 0x70DF7800),   # three same (extra), vector and scalar
    (0x0F00E000, 0x70FF1800),   # by element: dot products, SQRDMLSH
    (0x2F001000, 0x50FFE800),   # by element, U = 1: FCMLA, SQRDMLAH
    (0x0E21E800, 0x70401000),   # two-register misc FRINT32/64
    (0x1E284000, 0x00418000),   # FP 1-source FRINT32/64
    (0x0E20E000, 0x40C00000),   # PMULL/PMULL2
]


def fuzz_skip(text):
    """Half precision and BF16 belong to other features."""
    mn = text.split()[0]
    if mn.startswith('bf') or mn.startswith('fmlal') or mn.startswith('fmlsl'):
        return True
    return mn.startswith('f') and bool(re.search(r'\.[48]h\b|\.2h\b|\bh\d', text))
