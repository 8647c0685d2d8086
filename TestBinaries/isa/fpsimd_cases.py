# Instruction list for record-fpsimd.py: (assembly, input kind).
# Kinds: fd/fs/fh = V lanes hold double/single/half values, int = random
# integers, gpr_f = X registers hold float bit patterns, mem = load/store
# through X4 (post-index register X3).
PER_CASE = {'fd': 12, 'fs': 12, 'fh': 8, 'int': 6, 'gpr_f': 8, 'mem': 4}

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
