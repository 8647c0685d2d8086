# Instruction list for record-fpsimd.py: (assembly, input kind).
# Kinds: fd/fs/fh = V lanes hold double/single/half values (fdw/fsw: random
# exponents over the whole range, for the exception-flag fast paths), int = random
# integers, gpr_f = X registers hold float bit patterns, mem = load/store
# through X4 (post-index register X3).
PER_CASE = {'fd': 12, 'fs': 12, 'fh': 8, 'int': 6, 'gpr_f': 8, 'mem': 4, 'fdw': 40, 'fsw': 40, 'fdt': 40, 'fst': 40}

CASES = []


def add(kind, text):
    for line in text.strip().splitlines():
        line = line.strip()
        if line:
            CASES.append((line, kind))


# --- Scalar FP -------------------------------------------------------------
for t, k in (('d', 'fd'), ('s', 'fs')):
    add(k, f"""
    fadd {t}0, {t}1, {t}2
    fsub {t}0, {t}1, {t}2
    fmul {t}0, {t}1, {t}2
    fdiv {t}0, {t}1, {t}2
    fnmul {t}0, {t}1, {t}2
    fmax {t}0, {t}1, {t}2
    fmin {t}0, {t}1, {t}2
    fmaxnm {t}0, {t}1, {t}2
    fminnm {t}0, {t}1, {t}2
    fmadd {t}0, {t}1, {t}2, {t}3
    fmsub {t}0, {t}1, {t}2, {t}3
    fnmadd {t}0, {t}1, {t}2, {t}3
    fnmsub {t}0, {t}1, {t}2, {t}3
    fabs {t}0, {t}1
    fneg {t}0, {t}1
    fsqrt {t}0, {t}1
    fmov {t}0, {t}1
    frintn {t}0, {t}1
    frinta {t}0, {t}1
    frintm {t}0, {t}1
    frintp {t}0, {t}1
    frintz {t}0, {t}1
    frintx {t}0, {t}1
    frinti {t}0, {t}1
    fcmp {t}1, {t}2
    fcmpe {t}1, {t}2
    fcmp {t}1, #0.0
    fcmpe {t}1, #0.0
    fccmp {t}1, {t}2, #5, eq
    fccmpe {t}1, {t}2, #2, lt
    fcsel {t}0, {t}1, {t}2, ne
    fcsel {t}0, {t}1, {t}2, ge
    fcvtzs w0, {t}1
    fcvtzs x0, {t}1
    fcvtzu w0, {t}1
    fcvtzu x0, {t}1
    fcvtas w0, {t}1
    fcvtas x0, {t}1
    fcvtau x0, {t}1
    fcvtns x0, {t}1
    fcvtnu w0, {t}1
    fcvtms x0, {t}1
    fcvtmu x0, {t}1
    fcvtps w0, {t}1
    fcvtpu x0, {t}1
    fcvtzs w0, {t}1, #3
    fcvtzs x0, {t}1, #32
    fcvtzu w0, {t}1, #16
    fcvtzu x0, {t}1, #64
    frecps {t}0, {t}1, {t}2
    frsqrts {t}0, {t}1, {t}2
    fabd {t}0, {t}1, {t}2
    fcmeq {t}0, {t}1, {t}2
    fcmge {t}0, {t}1, {t}2
    fcmgt {t}0, {t}1, {t}2
    fcmeq {t}0, {t}1, #0.0
    fcmlt {t}0, {t}1, #0.0
    fcvtzs {t}0, {t}1
    fcvtzu {t}0, {t}1
    fcvtzs {t}0, {t}1, #5
    """)
add('fd', """
    fcvt s0, d1
    fcvt h0, d1
    fmov x0, d1
    fmov x0, v1.d[1]
    fmov d0, #1.5
    fmov d0, #-0.125
    """)
add('fs', """
    fcvt d0, s1
    fcvt h0, s1
    fmov w0, s1
    fmov s0, #31.0
    fmov s0, #-1.0
    """)
add('fh', """
    fcvt s0, h1
    fcvt d0, h1
    """)
add('gpr_f', """
    fmov d0, x1
    fmov s0, w1
    fmov v0.d[1], x1
    scvtf d0, x1
    scvtf d0, w1
    scvtf s0, x1
    scvtf s0, w1
    ucvtf d0, x1
    ucvtf d0, w1
    ucvtf s0, x1
    ucvtf s0, w1
    scvtf d0, x1, #12
    ucvtf s0, w1, #31
    ucvtf d0, x1, #64
    scvtf s0, x1, #1
    """)
add('int', """
    scvtf d0, x1
    ucvtf d0, x1
    scvtf s0, x1
    ucvtf s0, x1
    scvtf s0, w1
    ucvtf s0, w1
    scvtf d0, d1
    ucvtf s0, s1
    scvtf d0, d1, #10
    """)

# --- AdvSIMD integer ---------------------------------------------------------
INT_ARR = ['8b', '16b', '4h', '8h', '2s', '4s']
INT_ARR_D = INT_ARR + ['2d']
for op in ['add', 'sub', 'cmeq', 'cmge', 'cmgt', 'cmhi', 'cmhs', 'cmtst', 'sqadd', 'uqadd', 'sqsub', 'uqsub',
           'sshl', 'ushl', 'srshl', 'urshl', 'sqshl', 'uqshl', 'sqrshl', 'uqrshl']:
    for a in INT_ARR_D:
        CASES.append((f'{op} v0.{a}, v1.{a}, v2.{a}', 'int'))
for op in ['mul', 'mla', 'mls', 'umax', 'umin', 'smax', 'smin', 'uabd', 'sabd', 'uaba', 'saba',
           'shadd', 'uhadd', 'srhadd', 'urhadd', 'shsub', 'uhsub', 'addp', 'umaxp', 'uminp', 'smaxp', 'sminp']:
    for a in INT_ARR:
        CASES.append((f'{op} v0.{a}, v1.{a}, v2.{a}', 'int'))
CASES.append(('addp v0.2d, v1.2d, v2.2d', 'int'))
for a in ['4h', '8h', '2s', '4s']:
    add('int', f"""
    sqdmulh v0.{a}, v1.{a}, v2.{a}
    sqrdmulh v0.{a}, v1.{a}, v2.{a}
    """)
add('int', """
    pmul v0.16b, v1.16b, v2.16b
    and v0.16b, v1.16b, v2.16b
    orr v0.8b, v1.8b, v2.8b
    orn v0.16b, v1.16b, v2.16b
    eor v0.16b, v1.16b, v2.16b
    bic v0.8b, v1.8b, v2.8b
    bsl v0.16b, v1.16b, v2.16b
    bit v0.16b, v1.16b, v2.16b
    bif v0.8b, v1.8b, v2.8b
    mov v0.16b, v1.16b
    not v0.16b, v1.16b
    not v0.8b, v1.8b
    rbit v0.16b, v1.16b
    cnt v0.16b, v1.16b
    cnt v0.8b, v1.8b
    add d0, d1, d2
    sub d0, d1, d2
    cmeq d0, d1, d2
    cmgt d0, d1, d2
    cmhi d0, d1, d2
    cmtst d0, d1, d2
    ushl d0, d1, d2
    sshl d0, d1, d2
    sqadd b0, b1, b2
    uqadd h0, h1, h2
    sqsub s0, s1, s2
    uqsub d0, d1, d2
    sqshl s0, s1, s2
    sqdmulh s0, s1, s2
    cmeq d0, d1, #0
    cmlt d0, d1, #0
    abs d0, d1
    neg d0, d1
    sqabs s0, s1
    sqneg b0, b1
    sqxtn b0, h1
    uqxtn s0, d1
    sqxtun h0, s1
    addp d0, v1.2d
    mov b0, v1.b[9]
    mov h0, v1.h[3]
    mov s0, v1.s[2]
    mov d0, v1.d[1]
    dup d0, v1.d[0]
    ushr d0, d1, #3
    sshr d0, d1, #63
    shl d0, d1, #17
    ursra d0, d1, #64
    sli d0, d1, #5
    sri d0, d1, #9
    sqshl d0, d1, #3
    uqshl b0, b1, #3
    sqshlu s0, s1, #7
    sqshrn s0, d1, #5
    uqrshrn h0, s1, #3
    sqrshrun b0, h1, #2
    suqadd v0.16b, v1.16b
    usqadd v0.8h, v1.8h
    suqadd d0, d1
    usqadd d0, d1
    """)
for a in INT_ARR_D:
    add('int', f"""
    cmeq v0.{a}, v1.{a}, #0
    cmge v0.{a}, v1.{a}, #0
    cmgt v0.{a}, v1.{a}, #0
    cmle v0.{a}, v1.{a}, #0
    cmlt v0.{a}, v1.{a}, #0
    abs v0.{a}, v1.{a}
    neg v0.{a}, v1.{a}
    sqabs v0.{a}, v1.{a}
    sqneg v0.{a}, v1.{a}
    """)
for a in INT_ARR:
    add('int', f"""
    cls v0.{a}, v1.{a}
    clz v0.{a}, v1.{a}
    rev64 v0.{a}, v1.{a}
    """)
add('int', """
    rev16 v0.16b, v1.16b
    rev16 v0.8b, v1.8b
    rev32 v0.16b, v1.16b
    rev32 v0.4h, v1.4h
    rev32 v0.8h, v1.8h
    """)
for w, n_ in (('8h', '16b'), ('4h', '8b'), ('4s', '8h'), ('2s', '4h'), ('2d', '4s'), ('1d', '2s')):
    add('int', f"""
    uaddlp v0.{w}, v1.{n_}
    saddlp v0.{w}, v1.{n_}
    uadalp v0.{w}, v1.{n_}
    sadalp v0.{w}, v1.{n_}
    """)
for a in ['8b', '16b', '4h', '8h', '4s']:
    add('int', f"""
    addv {a[-1]}0, v1.{a}
    umaxv {a[-1]}0, v1.{a}
    uminv {a[-1]}0, v1.{a}
    smaxv {a[-1]}0, v1.{a}
    sminv {a[-1]}0, v1.{a}
    """)
    w = {'b': 'h', 'h': 's', 's': 'd'}[a[-1]]
    add('int', f"""
    uaddlv {w}0, v1.{a}
    saddlv {w}0, v1.{a}
    """)
# narrowing / widening
for n2, w, q2 in (('8b', '8h', '16b'), ('4h', '4s', '8h'), ('2s', '2d', '4s')):
    add('int', f"""
    xtn v0.{n2}, v1.{w}
    xtn2 v0.{q2}, v1.{w}
    sqxtn v0.{n2}, v1.{w}
    uqxtn2 v0.{q2}, v1.{w}
    sqxtun v0.{n2}, v1.{w}
    sqxtun2 v0.{q2}, v1.{w}
    shrn v0.{n2}, v1.{w}, #3
    rshrn2 v0.{q2}, v1.{w}, #1
    sqshrn v0.{n2}, v1.{w}, #2
    uqshrn v0.{n2}, v1.{w}, #4
    sqrshrn2 v0.{q2}, v1.{w}, #5
    uqrshrn v0.{n2}, v1.{w}, #1
    sqshrun v0.{n2}, v1.{w}, #3
    sqrshrun2 v0.{q2}, v1.{w}, #3
    ushll v0.{w}, v1.{n2}, #0
    sshll v0.{w}, v1.{n2}, #3
    ushll2 v0.{w}, v1.{q2}, #1
    sshll2 v0.{w}, v1.{q2}, #0
    shll v0.{w}, v1.{n2}, #{ {'8b': 8, '4h': 16, '2s': 32}[n2] }
    shll2 v0.{w}, v1.{q2}, #{ {'8b': 8, '4h': 16, '2s': 32}[n2] }
    uaddl v0.{w}, v1.{n2}, v2.{n2}
    saddl2 v0.{w}, v1.{q2}, v2.{q2}
    uaddw v0.{w}, v1.{w}, v2.{n2}
    saddw2 v0.{w}, v1.{w}, v2.{q2}
    usubl v0.{w}, v1.{n2}, v2.{n2}
    ssubl2 v0.{w}, v1.{q2}, v2.{q2}
    usubw2 v0.{w}, v1.{w}, v2.{q2}
    ssubw v0.{w}, v1.{w}, v2.{n2}
    umull v0.{w}, v1.{n2}, v2.{n2}
    smull2 v0.{w}, v1.{q2}, v2.{q2}
    umlal2 v0.{w}, v1.{q2}, v2.{q2}
    smlal v0.{w}, v1.{n2}, v2.{n2}
    umlsl v0.{w}, v1.{n2}, v2.{n2}
    smlsl2 v0.{w}, v1.{q2}, v2.{q2}
    uabdl v0.{w}, v1.{n2}, v2.{n2}
    sabal2 v0.{w}, v1.{q2}, v2.{q2}
    addhn v0.{n2}, v1.{w}, v2.{w}
    raddhn2 v0.{q2}, v1.{w}, v2.{w}
    subhn v0.{n2}, v1.{w}, v2.{w}
    rsubhn v0.{n2}, v1.{w}, v2.{w}
    """)
add('int', """
    pmull v0.8h, v1.8b, v2.8b
    pmull2 v0.8h, v1.16b, v2.16b
    """)
# shifts by immediate
for a, b in (('8b', 8), ('16b', 8), ('4h', 16), ('8h', 16), ('2s', 32), ('4s', 32), ('2d', 64)):
    for sh in (1, b // 2 + 1, b):
        add('int', f"""
        ushr v0.{a}, v1.{a}, #{sh}
        sshr v0.{a}, v1.{a}, #{sh}
        usra v0.{a}, v1.{a}, #{sh}
        ssra v0.{a}, v1.{a}, #{sh}
        urshr v0.{a}, v1.{a}, #{sh}
        srshr v0.{a}, v1.{a}, #{sh}
        ursra v0.{a}, v1.{a}, #{sh}
        srsra v0.{a}, v1.{a}, #{sh}
        sri v0.{a}, v1.{a}, #{sh}
        """)
    for sh in (0, 1, b - 1):
        add('int', f"""
        shl v0.{a}, v1.{a}, #{sh}
        sli v0.{a}, v1.{a}, #{sh}
        sqshl v0.{a}, v1.{a}, #{sh}
        uqshl v0.{a}, v1.{a}, #{sh}
        sqshlu v0.{a}, v1.{a}, #{sh}
        """)
# copy / permute
add('int', """
    dup v0.16b, v1.b[5]
    dup v0.8h, v1.h[7]
    dup v0.2s, v1.s[3]
    dup v0.2d, v1.d[1]
    dup v0.16b, w1
    dup v0.4h, w1
    dup v0.4s, w1
    dup v0.2d, x1
    ins v0.b[3], w1
    ins v0.h[6], w1
    ins v0.s[1], w1
    ins v0.d[1], x1
    ins v0.b[15], v1.b[0]
    ins v0.h[2], v1.h[7]
    ins v0.s[3], v1.s[1]
    ins v0.d[0], v1.d[1]
    umov w0, v1.b[11]
    umov w0, v1.h[5]
    umov w0, v1.s[3]
    umov x0, v1.d[1]
    smov w0, v1.b[6]
    smov x0, v1.b[15]
    smov w0, v1.h[1]
    smov x0, v1.h[4]
    smov x0, v1.s[2]
    umov wzr, v1.s[1]
    ext v0.16b, v1.16b, v2.16b, #3
    ext v0.8b, v1.8b, v2.8b, #7
    ext v0.16b, v1.16b, v2.16b, #15
    tbl v0.16b, {v1.16b}, v2.16b
    tbl v0.8b, {v1.16b, v2.16b}, v3.8b
    tbl v0.16b, {v1.16b, v2.16b, v3.16b}, v0.16b
    tbl v0.16b, {v0.16b, v1.16b, v2.16b, v3.16b}, v3.16b
    tbx v0.16b, {v1.16b}, v2.16b
    tbx v0.8b, {v1.16b, v2.16b}, v3.8b
    tbx v0.16b, {v1.16b, v2.16b, v3.16b}, v3.16b
    """)
for op in ['uzp1', 'uzp2', 'zip1', 'zip2', 'trn1', 'trn2']:
    for a in INT_ARR_D:
        CASES.append((f'{op} v0.{a}, v1.{a}, v2.{a}', 'int'))
# modified immediate
add('int', """
    movi v0.16b, #0xab
    movi v0.8b, #0x7f
    movi v0.4h, #0x12, lsl #8
    movi v0.8h, #0x80
    movi v0.4s, #0x34, lsl #16
    movi v0.2s, #0xff, lsl #24
    movi v0.4s, #0x56, msl #8
    movi v0.2s, #0x9a, msl #16
    movi v0.2d, #0xff00ff0000ffff00
    movi d0, #0xff000000000000ff
    movi v0.2d, #0
    mvni v0.4h, #0x12, lsl #8
    mvni v0.4s, #0x34
    mvni v0.2s, #0x56, msl #16
    orr v0.4s, #0x12, lsl #8
    orr v0.8h, #0x80
    bic v0.2s, #0xff, lsl #24
    bic v0.4h, #0x3
    fmov v0.4s, #1.0
    fmov v0.2s, #-0.5
    fmov v0.2d, #31.0
    """)
# by element (integer)
add('int', """
    mul v0.8h, v1.8h, v2.h[5]
    mul v0.2s, v1.2s, v2.s[3]
    mla v0.4s, v1.4s, v2.s[1]
    mls v0.4h, v1.4h, v2.h[7]
    umull v0.4s, v1.4h, v2.h[2]
    smull2 v0.2d, v1.4s, v2.s[3]
    umlal v0.2d, v1.2s, v2.s[0]
    smlsl2 v0.4s, v1.8h, v2.h[6]
    sqdmulh v0.4s, v1.4s, v2.s[2]
    sqrdmulh v0.8h, v1.8h, v2.h[1]
    sqdmulh s0, s1, v2.s[1]
    """)

# --- AdvSIMD floating point --------------------------------------------------
for arrs, k in ((('2s', '4s'), 'fs'), (('2d',), 'fd')):
    for a in arrs:
        add(k, f"""
        fadd v0.{a}, v1.{a}, v2.{a}
        fsub v0.{a}, v1.{a}, v2.{a}
        fmul v0.{a}, v1.{a}, v2.{a}
        fdiv v0.{a}, v1.{a}, v2.{a}
        fmulx v0.{a}, v1.{a}, v2.{a}
        fmla v0.{a}, v1.{a}, v2.{a}
        fmls v0.{a}, v1.{a}, v2.{a}
        fmax v0.{a}, v1.{a}, v2.{a}
        fmin v0.{a}, v1.{a}, v2.{a}
        fmaxnm v0.{a}, v1.{a}, v2.{a}
        fminnm v0.{a}, v1.{a}, v2.{a}
        faddp v0.{a}, v1.{a}, v2.{a}
        fmaxp v0.{a}, v1.{a}, v2.{a}
        fminp v0.{a}, v1.{a}, v2.{a}
        fmaxnmp v0.{a}, v1.{a}, v2.{a}
        fminnmp v0.{a}, v1.{a}, v2.{a}
        fabd v0.{a}, v1.{a}, v2.{a}
        fcmeq v0.{a}, v1.{a}, v2.{a}
        fcmge v0.{a}, v1.{a}, v2.{a}
        fcmgt v0.{a}, v1.{a}, v2.{a}
        facge v0.{a}, v1.{a}, v2.{a}
        facgt v0.{a}, v1.{a}, v2.{a}
        frecps v0.{a}, v1.{a}, v2.{a}
        frsqrts v0.{a}, v1.{a}, v2.{a}
        fcmeq v0.{a}, v1.{a}, #0.0
        fcmge v0.{a}, v1.{a}, #0.0
        fcmgt v0.{a}, v1.{a}, #0.0
        fcmle v0.{a}, v1.{a}, #0.0
        fcmlt v0.{a}, v1.{a}, #0.0
        fabs v0.{a}, v1.{a}
        fneg v0.{a}, v1.{a}
        fsqrt v0.{a}, v1.{a}
        frintn v0.{a}, v1.{a}
        frinta v0.{a}, v1.{a}
        frintp v0.{a}, v1.{a}
        frintm v0.{a}, v1.{a}
        frintz v0.{a}, v1.{a}
        frintx v0.{a}, v1.{a}
        frinti v0.{a}, v1.{a}
        fcvtzs v0.{a}, v1.{a}
        fcvtzu v0.{a}, v1.{a}
        fcvtns v0.{a}, v1.{a}
        fcvtnu v0.{a}, v1.{a}
        fcvtas v0.{a}, v1.{a}
        fcvtau v0.{a}, v1.{a}
        fcvtms v0.{a}, v1.{a}
        fcvtmu v0.{a}, v1.{a}
        fcvtps v0.{a}, v1.{a}
        fcvtpu v0.{a}, v1.{a}
        fcvtzs v0.{a}, v1.{a}, #7
        fcvtzu v0.{a}, v1.{a}, #1
        """)
    for a in arrs:
        add('int', f"""
        scvtf v0.{a}, v1.{a}
        ucvtf v0.{a}, v1.{a}
        scvtf v0.{a}, v1.{a}, #3
        ucvtf v0.{a}, v1.{a}, #9
        """)
add('fs', """
    fmul v0.4s, v1.4s, v2.s[3]
    fmla v0.2s, v1.2s, v2.s[1]
    fmls v0.4s, v1.4s, v2.s[0]
    fmulx v0.4s, v1.4s, v2.s[2]
    fmul s0, s1, v2.s[3]
    fmla s0, s1, v2.s[2]
    fmaxv s0, v1.4s
    fminv s0, v1.4s
    fmaxnmv s0, v1.4s
    fminnmv s0, v1.4s
    faddp s0, v1.2s
    fmaxp s0, v1.2s
    fminnmp s0, v1.2s
    fcvtl v0.2d, v1.2s
    fcvtl2 v0.2d, v1.4s
    fcvtn v0.4h, v1.4s
    fcvtn2 v0.8h, v1.4s
    fmulx s0, s1, s2
    facgt s0, s1, s2
    fcvtns s0, s1
    fcvtau s0, s1
    """)
add('fd', """
    fmul v0.2d, v1.2d, v2.d[1]
    fmla v0.2d, v1.2d, v2.d[0]
    fmls v0.2d, v1.2d, v2.d[1]
    fmul d0, d1, v2.d[1]
    fmls d0, d1, v2.d[0]
    faddp d0, v1.2d
    fmaxp d0, v1.2d
    fminp d0, v1.2d
    fmaxnmp d0, v1.2d
    fcvtn v0.2s, v1.2d
    fcvtn2 v0.4s, v1.2d
    fcvtxn v0.2s, v1.2d
    fcvtxn2 v0.4s, v1.2d
    fcvtxn s0, d1
    fmulx d0, d1, d2
    facge d0, d1, d2
    fcmle d0, d1, #0.0
    fcvtms d0, d1
    fcvtpu d0, d1
    """)
add('fh', """
    fcvtl v0.4s, v1.4h
    fcvtl2 v0.4s, v1.8h
    """)

# --- AdvSIMD load/store structures -------------------------------------------
add('mem', """
    ld1 {v0.16b}, [x4]
    ld1 {v0.8b}, [x4]
    ld1 {v0.4s, v1.4s}, [x4]
    ld1 {v0.2d, v1.2d, v2.2d}, [x4]
    ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x4]
    ld1 {v0.4h, v1.4h, v2.4h, v3.4h}, [x4]
    ld1 {v0.16b}, [x4], #16
    ld1 {v0.8b, v1.8b}, [x4], #16
    ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x4], #64
    ld1 {v0.4s}, [x4], x3
    ld2 {v0.16b, v1.16b}, [x4]
    ld2 {v0.4h, v1.4h}, [x4], #16
    ld2 {v0.2d, v1.2d}, [x4], x3
    ld3 {v0.8b, v1.8b, v2.8b}, [x4]
    ld3 {v0.4s, v1.4s, v2.4s}, [x4], #48
    ld4 {v0.16b, v1.16b, v2.16b, v3.16b}, [x4]
    ld4 {v0.2s, v1.2s, v2.2s, v3.2s}, [x4], x3
    ld4 {v0.8h, v1.8h, v2.8h, v3.8h}, [x4], #64
    st1 {v0.16b}, [x4]
    st1 {v0.8b}, [x4], #8
    st1 {v0.2d, v1.2d}, [x4]
    st1 {v0.4s, v1.4s, v2.4s}, [x4], x3
    st1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x4], #64
    st2 {v0.8h, v1.8h}, [x4]
    st2 {v0.8b, v1.8b}, [x4], #16
    st3 {v0.16b, v1.16b, v2.16b}, [x4]
    st3 {v0.2s, v1.2s, v2.2s}, [x4], #24
    st4 {v0.4s, v1.4s, v2.4s, v3.4s}, [x4]
    st4 {v0.4h, v1.4h, v2.4h, v3.4h}, [x4], x3
    ld1 {v0.b}[9], [x4]
    ld1 {v0.h}[3], [x4], #2
    ld1 {v0.s}[2], [x4], x3
    ld1 {v0.d}[1], [x4]
    ld2 {v0.b, v1.b}[15], [x4], #2
    ld2 {v0.s, v1.s}[1], [x4]
    ld3 {v0.h, v1.h, v2.h}[6], [x4], #6
    ld3 {v0.d, v1.d, v2.d}[0], [x4]
    ld4 {v0.s, v1.s, v2.s, v3.s}[3], [x4], x3
    ld4 {v0.b, v1.b, v2.b, v3.b}[0], [x4]
    st1 {v0.b}[7], [x4]
    st1 {v0.d}[1], [x4], #8
    st2 {v0.h, v1.h}[5], [x4], x3
    st3 {v0.s, v1.s, v2.s}[2], [x4]
    st4 {v0.d, v1.d, v2.d, v3.d}[1], [x4], #32
    ld1r {v0.16b}, [x4]
    ld1r {v0.4h}, [x4], #2
    ld1r {v0.2d}, [x4], x3
    ld2r {v0.4s, v1.4s}, [x4]
    ld3r {v0.8b, v1.8b, v2.8b}, [x4], #3
    ld4r {v0.2d, v1.2d, v2.2d, v3.2d}, [x4], #32
    """)

# --- Estimates and saturating doubling long multiplies -----------------------
add('fs', """
    frecpe v0.4s, v1.4s
    frsqrte v0.2s, v1.2s
    frecpe s0, s1
    frsqrte s0, s1
    frecpx s0, s1
    """)
add('fd', """
    frecpe v0.2d, v1.2d
    frsqrte v0.2d, v1.2d
    frecpe d0, d1
    frsqrte d0, d1
    frecpx d0, d1
    """)
add('int', """
    urecpe v0.4s, v1.4s
    ursqrte v0.2s, v1.2s
    sqdmull v0.4s, v1.4h, v2.4h
    sqdmull2 v0.2d, v1.4s, v2.4s
    sqdmlal v0.2d, v1.2s, v2.2s
    sqdmlsl2 v0.4s, v1.8h, v2.8h
    sqdmull s0, h1, h2
    sqdmlal d0, s1, s2
    sqdmlsl s0, h1, v2.h[3]
    sqdmull2 v0.4s, v1.8h, v2.h[7]
    sqdmlal v0.2d, v1.2s, v2.s[1]
    """)

# --- Wide-range operands for the round-to-nearest exception fast paths -------
for t, k in (('d', 'fdw'), ('s', 'fsw')):
    add(k, f"""
    fadd {t}0, {t}1, {t}2
    fsub {t}0, {t}1, {t}2
    fmul {t}0, {t}1, {t}2
    fdiv {t}0, {t}1, {t}2
    fmadd {t}0, {t}1, {t}2, {t}3
    fnmsub {t}0, {t}1, {t}2, {t}3
    fsqrt {t}0, {t}1
    fabs {t}0, {t}1
    """)
add('fdw', """
    fcvt s0, d1
    fmla v0.2d, v1.2d, v2.2d
    fsqrt v0.2d, v1.2d
    fcvtzs x0, d1
    """)
add('fsw', """
    fmla v0.4s, v1.4s, v2.4s
    fdiv v0.4s, v1.4s, v2.4s
    fcvt d0, s1
    """)

# --- Results next to the smallest normal number ------------------------------
for t, k in (('d', 'fdt'), ('s', 'fst')):
    add(k, f"""
    fmul {t}0, {t}1, {t}2
    fnmul {t}0, {t}1, {t}2
    fdiv {t}0, {t}1, {t}2
    fmadd {t}0, {t}1, {t}2, {t}3
    fmsub {t}0, {t}1, {t}2, {t}3
    fsub {t}0, {t}1, {t}2
    frecps {t}0, {t}1, {t}2
    frsqrts {t}0, {t}1, {t}2
    fmulx {t}0, {t}1, {t}2
    """)
add('fdt', """
    fcvt s0, d1
    fcvtn v0.2s, v1.2d
    fcvtxn v0.2s, v1.2d
    fmla v0.2d, v1.2d, v2.2d
    """)
add('fst', """
    fmla v0.4s, v1.4s, v2.4s
    fmul v0.4s, v1.4s, v2.s[1]
    """)

# --- Forms the decoder specialises further ------------------------------------
# Pairwise ops with one register as both sources (the reductions in string
# functions), and more LD1/ST1 register counts.
add('int', """
    umaxp v0.16b, v1.16b, v1.16b
    uminp v0.16b, v1.16b, v1.16b
    umaxp v0.8b, v1.8b, v1.8b
    addp v0.16b, v1.16b, v1.16b
    addp v0.4s, v2.4s, v2.4s
    addp v0.2s, v1.2s, v1.2s
    """)
add('mem', """
    st1 {v0.8b, v1.8b, v2.8b, v3.8b}, [x4], #32
    ld1 {v0.8b, v1.8b, v2.8b}, [x4], x3
    ld1 {v0.2d, v1.2d}, [x4], #32
    """)
