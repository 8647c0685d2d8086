# Instruction list for record-fpsimd.py with FPSIMD_SET=fp16 (FEAT_FP16 and
# FEAT_FHM): (assembly, input kind). Kinds: fh = V lanes hold half values
# (edge values and random patterns), fhw = halves with random exponents,
# fhm = V0 holds singles (the FMLAL accumulator), V1-V3 halves, fs16 =
# singles and doubles near the half-precision range, gpr_h = X registers
# hold half patterns and small integers, int = random integers.
PER_CASE = {'fh': 14, 'fhw': 14, 'fhm': 16, 'fs16': 16, 'gpr_h': 12, 'int': 8}

CASES = []


def add(kind, text):
    for line in text.strip().splitlines():
        line = line.strip()
        if line:
            CASES.append((line, kind))


# --- Scalar half precision ---------------------------------------------------
for op in ['fadd', 'fsub', 'fmul', 'fdiv', 'fnmul', 'fmax', 'fmin', 'fmaxnm', 'fminnm']:
    add('fh', f'{op} h0, h1, h2')
    add('fhw', f'{op} h0, h1, h2')
for op in ['fmadd', 'fmsub', 'fnmadd', 'fnmsub']:
    add('fh', f'{op} h0, h1, h2, h3')
    add('fhw', f'{op} h0, h1, h2, h3')
add('fh', """
    fabs h0, h1
    fneg h0, h1
    fsqrt h0, h1
    fmov h0, h1
    frintn h0, h1
    frinta h0, h1
    frintm h0, h1
    frintp h0, h1
    frintz h0, h1
    frintx h0, h1
    frinti h0, h1
    fcmp h1, h2
    fcmpe h1, h2
    fcmp h1, #0.0
    fcmpe h1, #0.0
    fccmp h1, h2, #5, eq
    fccmpe h1, h2, #2, lt
    fcsel h0, h1, h2, ne
    fcsel h0, h1, h2, ge
    fmov h0, #1.0
    fmov h0, #-31.0
    fmov h0, #0.125
    fmov w0, h1
    fmov x0, h1
    fcvt s0, h1
    fcvt d0, h1
    fcvtzs w0, h1
    fcvtzs x0, h1
    fcvtzu w0, h1
    fcvtzu x0, h1
    fcvtas w0, h1
    fcvtas x0, h1
    fcvtau w0, h1
    fcvtns x0, h1
    fcvtnu w0, h1
    fcvtms w0, h1
    fcvtmu x0, h1
    fcvtps x0, h1
    fcvtpu w0, h1
    fcvtzs w0, h1, #3
    fcvtzs x0, h1, #32
    fcvtzu w0, h1, #16
    fcvtzu x0, h1, #64
    fcvtzs w0, h1, #1
    """)
add('fhw', """
    fsqrt h0, h1
    frintx h0, h1
    frinta h0, h1
    fcvtzs w0, h1, #20
    fcvtns w0, h1
    """)
add('fs16', """
    fcvt h0, s1
    fcvt h0, d1
    fcvtn v0.4h, v1.4s
    fcvtn2 v0.8h, v1.4s
    """)
add('fh', """
    fcvtl v0.4s, v1.4h
    fcvtl2 v0.4s, v1.8h
    """)
add('gpr_h', """
    fmov h0, w1
    fmov h0, x1
    scvtf h0, w1
    scvtf h0, x1
    ucvtf h0, w1
    ucvtf h0, x1
    scvtf h0, w1, #4
    ucvtf h0, x1, #40
    scvtf h0, x1, #64
    ucvtf h0, w1, #1
    """)
add('int', """
    scvtf h0, x1
    ucvtf h0, x1
    scvtf h0, w1
    ucvtf h0, w1
    scvtf h0, x1, #7
    """)

# --- AdvSIMD scalar half precision -------------------------------------------
add('fh', """
    frecps h0, h1, h2
    frsqrts h0, h1, h2
    fabd h0, h1, h2
    fmulx h0, h1, h2
    fcmeq h0, h1, h2
    fcmge h0, h1, h2
    fcmgt h0, h1, h2
    facge h0, h1, h2
    facgt h0, h1, h2
    fcmeq h0, h1, #0.0
    fcmge h0, h1, #0.0
    fcmgt h0, h1, #0.0
    fcmle h0, h1, #0.0
    fcmlt h0, h1, #0.0
    fcvtns h0, h1
    fcvtnu h0, h1
    fcvtms h0, h1
    fcvtmu h0, h1
    fcvtas h0, h1
    fcvtau h0, h1
    fcvtps h0, h1
    fcvtpu h0, h1
    fcvtzs h0, h1
    fcvtzu h0, h1
    frecpe h0, h1
    frsqrte h0, h1
    frecpx h0, h1
    fcvtzs h0, h1, #3
    fcvtzu h0, h1, #16
    faddp h0, v1.2h
    fmaxp h0, v1.2h
    fminp h0, v1.2h
    fmaxnmp h0, v1.2h
    fminnmp h0, v1.2h
    fmla h0, h1, v2.h[5]
    fmls h0, h1, v3.h[7]
    fmul h0, h1, v2.h[1]
    fmulx h0, h1, v2.h[3]
    """)
add('fhw', """
    frecps h0, h1, h2
    frsqrts h0, h1, h2
    frecpe h0, h1
    frsqrte h0, h1
    fabd h0, h1, h2
    fmla h0, h1, v2.h[0]
    """)
add('int', """
    scvtf h0, h1
    ucvtf h0, h1
    scvtf h0, h1, #5
    ucvtf h0, h1, #1
    """)

# --- AdvSIMD vector half precision -------------------------------------------
THREE = ['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fabd', 'fmulx', 'frecps',
         'frsqrts', 'fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt', 'fmla', 'fmls', 'faddp', 'fmaxp', 'fminp',
         'fmaxnmp', 'fminnmp']
for op in THREE:
    add('fh', f'{op} v0.8h, v1.8h, v2.8h')
for op in ['fadd', 'fmul', 'fdiv', 'fmla', 'fmls', 'frecps', 'frsqrts']:
    add('fhw', f'{op} v0.8h, v1.8h, v2.8h')
for op in ['fadd', 'fmaxp', 'faddp', 'fcmge', 'fmla']:
    add('fh', f'{op} v0.4h, v1.4h, v2.4h')
MISC = ['fabs', 'fneg', 'fsqrt', 'frintn', 'frinta', 'frintm', 'frintp', 'frintz', 'frintx', 'frinti',
        'fcvtns', 'fcvtnu', 'fcvtms', 'fcvtmu', 'fcvtas', 'fcvtau', 'fcvtps', 'fcvtpu', 'fcvtzs', 'fcvtzu',
        'frecpe', 'frsqrte']
for op in MISC:
    add('fh', f'{op} v0.8h, v1.8h')
for op in ['fsqrt', 'frintx', 'fcvtzs', 'frecpe']:
    add('fh', f'{op} v0.4h, v1.4h')
for op in ['scvtf', 'ucvtf']:
    add('int', f'{op} v0.8h, v1.8h')
    add('int', f'{op} v0.4h, v1.4h')
    add('int', f'{op} v0.8h, v1.8h, #3')
    add('int', f'{op} v0.4h, v1.4h, #16')
add('fh', """
    fcmeq v0.8h, v1.8h, #0.0
    fcmge v0.8h, v1.8h, #0.0
    fcmgt v0.8h, v1.8h, #0.0
    fcmle v0.8h, v1.8h, #0.0
    fcmlt v0.4h, v1.4h, #0.0
    fcvtzs v0.8h, v1.8h, #3
    fcvtzu v0.8h, v1.8h, #1
    fcvtzs v0.4h, v1.4h, #16
    fmaxnmv h0, v1.8h
    fminnmv h0, v1.8h
    fmaxv h0, v1.8h
    fminv h0, v1.8h
    fmaxnmv h0, v1.4h
    fminv h0, v1.4h
    fmla v0.8h, v1.8h, v2.h[7]
    fmls v0.8h, v1.8h, v2.h[2]
    fmul v0.8h, v1.8h, v3.h[4]
    fmulx v0.8h, v1.8h, v2.h[6]
    fmla v0.4h, v1.4h, v2.h[1]
    fmul v0.4h, v1.4h, v2.h[0]
    fmov v0.8h, #1.0
    fmov v0.4h, #-2.5
    fmov v0.8h, #0.1875
    """)

# --- FEAT_FHM ---------------------------------------------------------------
for op in ['fmlal', 'fmlsl', 'fmlal2', 'fmlsl2']:
    add('fhm', f'{op} v0.2s, v1.2h, v2.2h')
    add('fhm', f'{op} v0.4s, v1.4h, v2.4h')
    add('fhm', f'{op} v0.2s, v1.2h, v2.h[3]')
    add('fhm', f'{op} v0.4s, v1.4h, v3.h[6]')

# --- FEAT_FCMA on halves (with FEAT_FP16) --------------------------------------
# Recorded after the random encodings so the earlier vectors keep their states.
FCMA_CASES = []
for rot in [0, 90, 180, 270]:
    for a, k in (('4h', 'fh'), ('8h', 'fhw'), ('8h', 'fh'), ('4h', 'fhw')):
        FCMA_CASES.append((f'fcmla v0.{a}, v1.{a}, v2.{a}, #{rot}', k))
    for i in range(2):
        FCMA_CASES.append((f'fcmla v0.4h, v1.4h, v2.h[{i}], #{rot}', 'fh' if rot % 180 else 'fhw'))
    for i in range(4):
        FCMA_CASES.append((f'fcmla v0.8h, v1.8h, v3.h[{i}], #{rot}', 'fhw' if rot % 180 else 'fh'))
for rot in [90, 270]:
    for a, k in (('4h', 'fh'), ('8h', 'fhw'), ('8h', 'fh'), ('4h', 'fhw')):
        FCMA_CASES.append((f'fcadd v0.{a}, v1.{a}, v2.{a}, #{rot}', k))
