/* Instruction classes of the differential harness: encoding patterns from
 * the Arm ARM's encoding index, with the field constraints that keep every
 * result architecturally defined (no CONSTRAINED UNPREDICTABLE register
 * overlaps) and out of features the emulator does not implement. */
#include "diff.h"

#define FLD(w, lo, n) (((w) >> (lo)) & ((1u << (n)) - 1))
#define SETF(w, lo, n, v) ((w) = ((w) & ~(((1u << (n)) - 1) << (lo))) | (((uint32_t)(v) & ((1u << (n)) - 1)) << (lo)))
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))
#define RD(w) FLD(w, 0, 5)
#define RN(w) FLD(w, 5, 5)
#define RM(w) FLD(w, 16, 5)
#define RT2(w) FLD(w, 10, 5)

/* Draws an opcode from a list of allocated ones most of the time; the rest
 * keep the random field, so unallocated encodings (SIGILL) stay tested. */
static int pick(rng_t *r, uint32_t *w, int lo, int n, const uint8_t *ops, int count) {
    if (below(r, 8)) SETF(*w, lo, n, ops[below(r, (uint32_t)count)]);
    return 1;
}
#define PICK(r, w, lo, n, ops) pick(r, w, lo, n, ops, (int)sizeof(ops))

/* ---- Integer data processing ---- */

static const pat_t p_int_imm[] = {
    {0x1f000000, 0x10000000}, /* ADR, ADRP */
    {0x1f800000, 0x11000000}, /* ADD/SUB (immediate) */
    {0x1f800000, 0x12000000}, /* logical (immediate) */
    {0x1f800000, 0x12800000}, /* move wide */
};
static const pat_t p_int_bitfield[] = {
    {0x1f800000, 0x13000000}, /* SBFM, BFM, UBFM */
    {0x1f800000, 0x13800000}, /* EXTR */
};
static int fix_bitfield(uint32_t *w, rng_t *r) {
    /* Mostly valid: N = sf, and for 32 bits immr/imms < 32. */
    if (below(r, 8)) {
        uint32_t sf = FLD(*w, 31, 1);
        SETF(*w, 22, 1, sf);
        if (!sf) { SETF(*w, 21, 1, 0); SETF(*w, 15, 1, 0); }
        if (FLD(*w, 23, 1)) SETF(*w, 21, 1, 0); /* EXTR: o0 = 0, op21 = 00 */
        if (FLD(*w, 23, 1)) SETF(*w, 29, 2, 0);
        if (!FLD(*w, 23, 1) && FLD(*w, 29, 2) == 3) SETF(*w, 29, 2, below(r, 3));
    }
    return 1;
}
static const pat_t p_int_logical_reg[] = {{0x1f000000, 0x0a000000}};
static const pat_t p_int_addsub_reg[] = {
    {0x1f200000, 0x0b000000}, /* shifted register */
    {0x1f200000, 0x0b200000}, /* extended register */
};
static int fix_addsub_reg(uint32_t *w, rng_t *r) {
    if (FLD(*w, 21, 1)) { /* extended: opt = 00, imm3 <= 4 */
        if (below(r, 8)) { SETF(*w, 22, 2, 0); SETF(*w, 10, 3, below(r, 5)); }
    } else if (below(r, 8)) {
        if (FLD(*w, 22, 2) == 3) SETF(*w, 22, 2, below(r, 3));
        if (!FLD(*w, 31, 1)) SETF(*w, 15, 1, 0);
    }
    return 1;
}
static const pat_t p_int_carry[] = {{0x1fe0fc00, 0x1a000000}};
static const pat_t p_int_cond[] = {
    {0x3fe00410, 0x3a400000}, /* CCMN, CCMP (register and immediate) */
    {0x3fe00800, 0x1a800000}, /* CSEL, CSINC, CSINV, CSNEG */
};
static const pat_t p_int_mul[] = {{0x7f000000, 0x1b000000}};
static int fix_mul(uint32_t *w, rng_t *r) {
    static const uint8_t op31[] = {0, 1, 2, 5, 6};
    if (below(r, 8)) SETF(*w, 21, 3, op31[below(r, N(op31))]);
    uint32_t o = FLD(*w, 21, 3);
    if (o == 2 || o == 6) { SETF(*w, 10, 5, 31); SETF(*w, 15, 1, 0); } /* SMULH/UMULH: Ra = 11111 */
    if (o != 0 && below(r, 8)) SETF(*w, 31, 1, 1);
    return 1;
}
static const pat_t p_int_dp2[] = {{0x7fe00000, 0x1ac00000}};
static int fix_dp2(uint32_t *w, rng_t *r) {
    /* UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32{B,H,W,X}, CRC32C{B,H,W,X};
     * not the pointer-authentication and MTE opcodes. */
    static const uint8_t ops[] = {2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23};
    uint32_t op = ops[below(r, N(ops))];
    SETF(*w, 10, 6, op);
    if (op >= 16 && below(r, 8)) SETF(*w, 31, 1, (op & 3) == 3);
    return 1;
}
static const pat_t p_int_dp1[] = {{0x7fe00000, 0x5ac00000}};
static int fix_dp1(uint32_t *w, rng_t *r) {
    SETF(*w, 16, 5, 0);
    SETF(*w, 10, 6, below(r, 6)); /* RBIT, REV16, REV32/REV, REV, CLZ, CLS */
    return 1;
}

/* ---- Loads and stores ---- */

static const pat_t p_ls_uimm[] = {{0x3b000000, 0x39000000}};
static const pat_t p_ls_imm9[] = {{0x3b200000, 0x38000000}};
static const pat_t p_ls_reg[] = {{0x3b200c00, 0x38200800}};
static const pat_t p_ls_pair[] = {{0x3a000000, 0x28000000}};

/* Rt/Rt2 = Rn with writeback is CONSTRAINED UNPREDICTABLE. */
static int fix_ls_single(uint32_t *w, rng_t *r) {
    int wb = !FLD(*w, 24, 1) && !FLD(*w, 21, 1) && (FLD(*w, 10, 2) & 1);
    if (wb && !FLD(*w, 26, 1) && RN(*w) == RD(*w) && RN(*w) != 31) return 0;
    (void)r;
    return 1;
}
static int fix_ls_reg(uint32_t *w, rng_t *r) {
    if (below(r, 8)) SETF(*w, 14, 1, 1); /* mostly a valid extend */
    return RM(*w) != RN(*w);
}
static int fix_ls_pair(uint32_t *w, rng_t *r) {
    uint32_t opc = FLD(*w, 30, 2), v = FLD(*w, 26, 1), l = FLD(*w, 22, 1);
    if (!v && opc == 1 && !l) return 0; /* STGP (MTE) */
    if (opc == 3 && below(r, 4)) return 0;
    int wb = FLD(*w, 23, 1);
    uint32_t rn = RN(*w);
    if (!v && wb && rn != 31 && (rn == RD(*w) || rn == RT2(*w))) return 0;
    if (l && RD(*w) == RT2(*w)) return 0;
    return 1;
}
/* The literal's target stays in the mapped code, trampoline and literal
 * pages; `pc` is the slot word's address. */
static int gen_literal(rng_t *r, uint64_t pc, uint32_t *words) {
    uint32_t w = ((uint32_t)next64(r) & ~0x3b000000u) | 0x18000000u;
    uint64_t target = CODE_BASE + 4 * below(r, (uint32_t)((CODE_SIZE + 4096 - 16) / 4));
    int64_t d = ((int64_t)target - (int64_t)pc) / 4;
    SETF(w, 5, 19, (uint32_t)d);
    words[0] = w;
    return 1;
}

/* Exclusives, load-acquire/store-release: `size 001000 o2 L o1 Rs o0 Rt2 Rn Rt`. */
static uint32_t excl_word(rng_t *r, int pair, int load, uint32_t size, uint32_t rn) {
    uint32_t w = 0x08000000u | (size << 30) | ((uint32_t)load << 22) | ((uint32_t)pair << 21);
    w |= below(r, 2) << 15; /* acquire / release */
    w |= rn << 5;
    uint32_t rt, rt2 = 31, rs = 31;
    for (;;) {
        rt = below(r, 32);
        if (pair) rt2 = below(r, 32);
        if (!load) rs = below(r, 32);
        if (load && (rt == rn || (pair && (rt2 == rn || rt2 == rt))) && rn != 31) continue;
        if (load && pair && rt == rt2) continue;
        if (!load && (rs == rt || (pair && rs == rt2) || (rs == rn && rn != 31))) continue;
        break;
    }
    return w | rt | (rt2 << 10) | (rs << 16);
}
static int gen_excl(rng_t *r, uint64_t pc, uint32_t *words) {
    (void)pc;
    words[0] = 0xd5033f5fu; /* CLREX: no monitor left over from an earlier vector */
    uint32_t rn = below(r, 32);
    uint32_t kind = below(r, 4);
    if (kind == 0) { /* LDAR / STLR */
        uint32_t w = 0x0880fc00u | (below(r, 4) << 30) | (below(r, 2) << 22) | (rn << 5) | below(r, 32);
        words[1] = w;
        return 2;
    }
    int pair = below(r, 3) == 0;
    uint32_t size = pair ? 2 + below(r, 2) : below(r, 4);
    if (kind == 1) { /* a load alone, or a store that fails */
        words[1] = excl_word(r, pair, below(r, 4) != 0, size, rn);
        return 2;
    }
    words[1] = excl_word(r, pair, 1, size, rn);
    words[2] = excl_word(r, pair, 0, size, rn);
    return 3;
}

static const pat_t p_ls_atomic[] = {
    {0x3f200c00, 0x38200000}, /* LDADD ... LDUMIN, SWP */
    {0x3fa07c00, 0x08a07c00}, /* CAS */
    {0xbfa07c00, 0x08207c00}, /* CASP */
    {0x3ffffc00, 0x38bfc000}, /* LDAPR */
};
static int fix_atomic(uint32_t *w, rng_t *r) {
    if ((*w & 0x3f200c00u) == 0x38200000u && (*w & 0x3ffffc00u) != 0x38bfc000u) {
        if (FLD(*w, 15, 1)) SETF(*w, 12, 3, 0); /* o3 = 1: SWP only */
    } else if ((*w & 0xbfa07c00u) == 0x08207c00u) { /* CASP: even Rs and Rt */
        SETF(*w, 16, 1, 0);
        SETF(*w, 0, 1, 0);
    }
    (void)r;
    return 1;
}

static const pat_t p_simd_ls_multi[] = {
    {0xbfbf0000, 0x0c000000}, /* LD1-LD4/ST1-ST4 (multiple structures) */
    {0xbfa00000, 0x0c800000}, /* post-indexed */
};
static int fix_simd_ls_multi(uint32_t *w, rng_t *r) {
    static const uint8_t ops[] = {0, 2, 4, 6, 7, 8, 10};
    if (below(r, 16)) SETF(*w, 12, 4, ops[below(r, N(ops))]);
    return !(FLD(*w, 23, 1) && RM(*w) == RN(*w) && RM(*w) != 31);
}
static const pat_t p_simd_ls_single[] = {
    {0xbf9f0000, 0x0d000000}, /* LD1-LD4/ST1-ST4 (single structure), LDnR */
    {0xbf800000, 0x0d800000}, /* post-indexed */
};
static int fix_simd_ls_single(uint32_t *w, rng_t *r) {
    (void)r;
    return !(FLD(*w, 23, 1) && RM(*w) == RN(*w) && RM(*w) != 31);
}

/* Faults: every form, its access in a PROT_NONE page (SIGSEGV, with no
 * writeback); exclusives, ordered accesses and atomics misaligned (SIGBUS). */
static const pat_t p_ls_fault[] = {
    {0x3b000000, 0x39000000}, {0x3b200000, 0x38000000}, {0x3b200c00, 0x38200800}, {0x3a000000, 0x28000000},
    {0x3f200c00, 0x38200000}, {0xbfbf0000, 0x0c000000}, {0xbfa00000, 0x0c800000}, {0xbf9f0000, 0x0d000000},
    {0xbf800000, 0x0d800000},
};
static int fix_ls_fault(uint32_t *w, rng_t *r) {
    if ((*w & 0x3a000000u) == 0x28000000u) return fix_ls_pair(w, r);
    if ((*w & 0x3b200c00u) == 0x38200800u) return fix_ls_reg(w, r);
    if ((*w & 0x3f200c00u) == 0x38200000u) return fix_atomic(w, r);
    if ((*w & 0xbe000000u) == 0x0c000000u) return fix_simd_ls_single(w, r);
    return fix_ls_single(w, r);
}
/* Where qemu 7.2 departs from the Arm ARM, left out: it performs a
 * misaligned LDAPR (an ordered access that must be aligned, as qemu does
 * for LDAR), and a store-exclusive with the monitor clear just fails,
 * while AArch64.ExclusiveMonitorsPass checks the alignment first. */
static int gen_align(rng_t *r, uint64_t pc, uint32_t *words) {
    if (below(r, 2)) {
        for (;;) {
            int n = gen_excl(r, pc, words);
            if (!(n == 2 && (words[1] & 0x3fc00000u) == 0x08000000u)) return n; /* no lone STXR/STXP */
        }
    }
    uint32_t w;
    do {
        const pat_t *p = &p_ls_atomic[below(r, N(p_ls_atomic) - 1)];
        w = ((uint32_t)next64(r) & ~p->mask) | p->value;
    } while (!fix_atomic(&w, r) || (w >> 30) == 0 || (w & 0x3ffffc00u) == 0x38bfc000u);
    words[0] = w;
    return 1;
}

/* ---- Scalar floating point ---- */

static const pat_t p_fp_dp1[] = {{0xff207c00, 0x1e204000}};
static int fix_fp_dp1(uint32_t *w, rng_t *r) {
    static const uint8_t ops[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14, 15};
    uint32_t op = ops[below(r, N(ops))];
    SETF(*w, 15, 6, op);
    uint32_t type = (op == 4 || op == 5 || op == 7) ? (uint32_t[]){0, 1, 3}[below(r, 3)] : below(r, 2);
    SETF(*w, 22, 2, type);
    return 1;
}
static int fix_fp_type(uint32_t *w, rng_t *r) {
    SETF(*w, 22, 2, below(r, 2));
    return 1;
}
static const pat_t p_fp_dp2[] = {{0xff200c00, 0x1e200800}};
static int fix_fp_dp2(uint32_t *w, rng_t *r) {
    SETF(*w, 12, 4, below(r, 9));
    return fix_fp_type(w, r);
}
static const pat_t p_fp_dp3[] = {{0xff000000, 0x1f000000}};
static const pat_t p_fp_cmp[] = {{0xff20fc07, 0x1e202000}};
static int fix_fp_cmp(uint32_t *w, rng_t *r) {
    if (FLD(*w, 3, 1)) SETF(*w, 16, 5, 0); /* against #0.0: Rm = 00000 */
    return fix_fp_type(w, r);
}
static const pat_t p_fp_cond[] = {
    {0xff200c00, 0x1e200400}, /* FCCMP, FCCMPE */
    {0xff200c00, 0x1e200c00}, /* FCSEL */
};
static const pat_t p_fp_imm[] = {{0xff201fe0, 0x1e201000}};
static const pat_t p_fp_conv_int[] = {{0x7f20fc00, 0x1e200000}};
static int fix_fp_conv_int(uint32_t *w, rng_t *r) {
    static const uint8_t rmop[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19};
    PICK(r, w, 16, 5, rmop);
    uint32_t type = below(r, 3); /* 10: FMOV to/from the top half only */
    SETF(*w, 22, 2, type);
    if (type == 2) { SETF(*w, 31, 1, 1); SETF(*w, 19, 2, 1); SETF(*w, 17, 2, 3); }
    else if (FLD(*w, 17, 4) == 3 && below(r, 8)) SETF(*w, 31, 1, type); /* FMOV: sf = size */
    /* FJCVTZS (FEAT_JSCVT) */
    if (!FLD(*w, 31, 1) && type == 1 && FLD(*w, 19, 2) == 3 && FLD(*w, 16, 3) == 6) return 0;
    return 1;
}
static const pat_t p_fp_conv_fixed[] = {{0x7f200000, 0x1e000000}};
static int fix_fp_conv_fixed(uint32_t *w, rng_t *r) {
    static const uint8_t rmop[] = {0x02, 0x03, 0x18, 0x19}; /* SCVTF, UCVTF, FCVTZS, FCVTZU */
    if (below(r, 8)) SETF(*w, 16, 5, rmop[below(r, 4)]);
    if (!FLD(*w, 31, 1) && below(r, 8)) SETF(*w, 15, 1, 1); /* scale >= 32 */
    return fix_fp_type(w, r);
}

/* ---- AdvSIMD ---- */

static const pat_t p_simd_3same[] = {{0x9f200400, 0x0e200400}};
static int fix_simd_3same(uint32_t *w, rng_t *r) {
    (void)r;
    uint32_t u = FLD(*w, 29, 1), op = FLD(*w, 11, 5);
    if (!u && op == 0x1d) return 0; /* FMLAL, FMLSL (FEAT_FHM) */
    if (u && op == 0x19) return 0;  /* FMLAL2, FMLSL2 */
    return 1;
}
static const pat_t p_simd_3diff[] = {{0x9f200c00, 0x0e200000}};
static int fix_simd_3diff(uint32_t *w, rng_t *r) {
    if (below(r, 8) && FLD(*w, 22, 2) == 3) SETF(*w, 22, 2, below(r, 3));
    return !(FLD(*w, 12, 4) == 14 && FLD(*w, 22, 2) == 3); /* PMULL.1Q (crypto) */
}
static const pat_t p_simd_2misc[] = {{0x9f3e0c00, 0x0e200800}};
static int fix_simd_2misc(uint32_t *w, rng_t *r) {
    (void)r;
    uint32_t op = FLD(*w, 12, 5), size = FLD(*w, 22, 2), u = FLD(*w, 29, 1);
    if ((op == 0x1e || op == 0x1f) && !(size & 2)) return 0; /* FRINT32/64 */
    if (op == 0x16 && !u && size == 2) return 0;              /* BFCVTN */
    return 1;
}
static const pat_t p_simd_across[] = {{0x9f3e0c00, 0x0e300800}};
static int fix_simd_across(uint32_t *w, rng_t *r) {
    static const uint8_t ops0[] = {0x03, 0x0a, 0x1a, 0x1b}, ops1[] = {0x03, 0x0a, 0x1a, 0x0c, 0x0f};
    if (FLD(*w, 29, 1)) PICK(r, w, 12, 5, ops1); else PICK(r, w, 12, 5, ops0);
    if (below(r, 4) && FLD(*w, 22, 2) == 3) SETF(*w, 22, 2, below(r, 3));
    uint32_t op = FLD(*w, 12, 5);
    return !(!FLD(*w, 29, 1) && (op == 0x0c || op == 0x0f)); /* FP16 FMAXNMV... */
}
static const pat_t p_simd_copy[] = {{0x9fe08400, 0x0e000400}};
static int fix_copy(uint32_t *w, rng_t *r) {
    static const uint8_t ops[] = {0, 1, 3, 5, 7}; /* DUP element, DUP, INS, SMOV, UMOV */
    if (!FLD(*w, 29, 1)) PICK(r, w, 11, 4, ops);
    if (below(r, 8) && !(FLD(*w, 16, 5) & 15)) SETF(*w, 16, 5, FLD(*w, 16, 5) | 1 << below(r, 4));
    return 1;
}
static const pat_t p_simd_modimm[] = {{0x9ff80c00, 0x0f000400}}; /* o2 = 0 */
static const pat_t p_simd_shift[] = {{0x9f800400, 0x0f000400}};
static int fix_shift(uint32_t *w, rng_t *r) {
    static const uint8_t ops0[] = {0x00, 0x02, 0x04, 0x06, 0x0a, 0x0e, 0x10, 0x11, 0x12, 0x13, 0x14, 0x1c, 0x1f};
    static const uint8_t ops1[] = {0x00, 0x02, 0x04, 0x06, 0x08, 0x0a, 0x0c, 0x0e, 0x10, 0x11, 0x12, 0x13, 0x14, 0x1c, 0x1f};
    if (FLD(*w, 29, 1)) PICK(r, w, 11, 5, ops1); else PICK(r, w, 11, 5, ops0);
    if (FLD(*w, 30, 1) && FLD(*w, 28, 1) && below(r, 2)) SETF(*w, 22, 1, 1); /* scalar: mostly D */
    uint32_t immh = FLD(*w, 19, 4), op = FLD(*w, 11, 5);
    if (!immh) return 0;
    if ((immh >> 1) == 1 && (op == 0x1c || op == 0x1f)) return 0; /* FP16 fixed-point */
    return 1;
}
static const pat_t p_simd_elem[] = {{0x9f000400, 0x0f000000}};
static int fix_elem(uint32_t *w, rng_t *r) {
    uint32_t u = FLD(*w, 29, 1), op = FLD(*w, 12, 4), size = FLD(*w, 22, 2);
    /* Base Armv8.0 opcodes only: no FHM, dot product, RDM, FCMA, I8MM, BF16. */
    static const uint16_t ok0 = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8 | 1 << 9 |
                                1 << 10 | 1 << 11 | 1 << 12 | 1 << 13;
    static const uint16_t ok1 = 1 << 0 | 1 << 2 | 1 << 4 | 1 << 6 | 1 << 9 | 1 << 10;
    if (!((u ? ok1 : ok0) >> op & 1)) return 0;
    int fp = (op == 1 || op == 5 || op == 9) && (!u || op == 9);
    if (fp && size == 0) return 0; /* FP16 */
    if (below(r, 8)) SETF(*w, 22, 2, fp ? 2 + below(r, 2) : 1 + below(r, 2));
    return 1;
}
static const pat_t p_simd_perm[] = {{0xbf208c00, 0x0e000800}};
static const pat_t p_simd_ext[] = {{0xbfe08400, 0x2e000000}};
static const pat_t p_simd_tbl[] = {{0xbfe08c00, 0x0e000000}};

static const pat_t p_scalar_arith[] = {
    {0xdf200400, 0x5e200400}, /* three same */
    {0xdf200c00, 0x5e200000}, /* three different */
    {0xdf3e0c00, 0x5e300800}, /* pairwise */
};
static int fix_scalar_arith(uint32_t *w, rng_t *r) {
    static const uint8_t same0[] = {0x01, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x11, 0x16, 0x1b, 0x1c, 0x1f};
    static const uint8_t same1[] = {0x01, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x11, 0x16, 0x1a, 0x1c, 0x1d};
    static const uint8_t diff0[] = {0x09, 0x0b, 0x0d};
    static const uint8_t pair0[] = {0x1b}, pair1[] = {0x0c, 0x0d, 0x0f};
    uint32_t u = FLD(*w, 29, 1);
    if ((*w & 0xdf200400u) == 0x5e200400u) {
        if (u) PICK(r, w, 11, 5, same1); else PICK(r, w, 11, 5, same0);
        if (FLD(*w, 11, 5) >= 0x10 && FLD(*w, 11, 5) <= 0x11 && below(r, 2)) SETF(*w, 22, 2, 3);
    } else if ((*w & 0xdf200c00u) == 0x5e200000u) {
        PICK(r, w, 12, 4, diff0);
        if (below(r, 8)) { SETF(*w, 29, 1, 0); SETF(*w, 22, 2, 1 + below(r, 2)); }
    } else {
        if (u) PICK(r, w, 12, 5, pair1); else PICK(r, w, 12, 5, pair0);
        if (!u && below(r, 8)) SETF(*w, 22, 2, 3);
    }
    if ((*w & 0xdf3e0c00u) == 0x5e300800u && !FLD(*w, 29, 1)) {
        uint32_t op = FLD(*w, 12, 5);
        if (op == 0x0c || op == 0x0d || op == 0x0f) return 0; /* FP16 pairwise */
    }
    return 1;
}
static const pat_t p_scalar_misc[] = {
    {0xdf3e0c00, 0x5e200800}, /* two-register miscellaneous */
    {0xdfe08400, 0x5e000400}, /* copy (DUP element) */
};
static int fix_scalar_misc(uint32_t *w, rng_t *r) {
    static const uint8_t ops0[] = {0x03, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x14, 0x1a, 0x1b, 0x1c, 0x1d, 0x1f};
    static const uint8_t ops1[] = {0x03, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x12, 0x14, 0x16, 0x1a, 0x1b, 0x1c, 0x1d};
    if ((*w & 0xdfe08400u) == 0x5e000400u) { /* DUP (element): op = 0, imm4 = 0 */
        if (below(r, 8)) { SETF(*w, 29, 1, 0); SETF(*w, 11, 4, 0); }
        return 1;
    }
    if (FLD(*w, 29, 1)) PICK(r, w, 12, 5, ops1); else PICK(r, w, 12, 5, ops0);
    return 1;
}
static const pat_t p_scalar_shift_elem[] = {
    {0xdf800400, 0x5f000400}, /* shift by immediate */
    {0xdf000400, 0x5f000000}, /* by element */
};
static int fix_scalar_shift_elem(uint32_t *w, rng_t *r) {
    return FLD(*w, 10, 1) ? fix_shift(w, r) : fix_elem(w, r);
}

/* ---- Branches and system instructions ---- */

/* A branch at `pc` whose target skips one word: taken, it lands on the
 * slot's final branch to the trampoline; not taken, it first runs the
 * marker MOVI V31.2D, #-1, so the outcome shows in V31. BR/BLR/RET get
 * their target register from the harness (fix_special). */
static int gen_branch(rng_t *r, uint64_t pc, uint32_t *words) {
    (void)pc;
    uint32_t w;
    switch (below(r, 7)) {
    case 0: w = 0x54000040u | below(r, 16); break;                       /* B.cond +8 */
    case 1: w = 0x34000040u | below(r, 2) << 31 | below(r, 2) << 24 | below(r, 32); break; /* CBZ/CBNZ */
    case 2: w = 0x36000040u | below(r, 2) << 31 | below(r, 2) << 24 | below(r, 32) << 19 | below(r, 32); break; /* TBZ/TBNZ */
    case 3: w = below(r, 2) ? 0x14000002u : 0x94000002u; break;         /* B, BL +8 */
    default: {
        static const uint32_t op[] = {0xd61f0000u, 0xd63f0000u, 0xd65f0000u}; /* BR, BLR, RET */
        w = op[below(r, 3)] | below(r, 31) << 5;
    }
    }
    words[0] = w;
    words[1] = 0x6f07e7ffu; /* movi v31.2d, #0xffffffffffffffff */
    return 2;
}

/* MRS/MSR of NZCV, FPCR and FPSR, hints and barriers (not the pointer
 * authentication hints, WFE/WFI or SB). */
static int gen_system(rng_t *r, uint64_t pc, uint32_t *words) {
    (void)pc;
    static const uint32_t sysreg[] = {0xd53b4200u, 0xd51b4200u, 0xd53b4400u, 0xd51b4400u, 0xd53b4420u, 0xd51b4420u};
    static const uint8_t hints[] = {0, 1, 4, 5, 16, 17, 18, 20, 32, 34, 36, 38};
    uint32_t w;
    switch (below(r, 4)) {
    case 0: case 1: w = sysreg[below(r, 6)] | below(r, 32); break;
    case 2: w = 0xd503201fu | (uint32_t)hints[below(r, sizeof hints)] << 5; break; /* HINT */
    default: {
        static const uint8_t op2[] = {2, 4, 5, 6}; /* CLREX, DSB, DMB, ISB */
        w = 0xd503301fu | below(r, 16) << 8 | (uint32_t)op2[below(r, 4)] << 5;
    }
    }
    words[0] = w;
    return 1;
}

/* ---- Extensions beyond Armv8.0 (`--list ext`) ---- */

static const pat_t p_ext_aes[] = {{0xffffcc00, 0x4e284800}};
static const pat_t p_ext_sha[] = {{0xffe08c00, 0x5e000000}, {0xffffec00, 0x5e280800}, {0xfffffc00, 0x5e282800}};
static const pat_t p_ext_sha3[] = {{0xff800000, 0xce000000}, {0xffe00000, 0xce600000}};
static const pat_t p_ext_pmull64[] = {{0xbfe0fc00, 0x0ee0e000}};
static const pat_t p_ext_dotprod[] = {{0xbfe0fc00, 0x0e809400}, {0xbfc0f400, 0x0f80e000}};
static const pat_t p_ext_i8mm[] = {{0xbfe0fc00, 0x0e809c00}, {0xbfe0bc00, 0x4e80a400}, {0xbfc0f400, 0x0f00f000}};
static const pat_t p_ext_rdm[] = {{0xbf20f400, 0x2e008400}, {0xff20f400, 0x7e008400}, {0xbf00d400, 0x2f00d000}};
static const pat_t p_ext_fcma[] = {{0xbf20e400, 0x2e00c400}, {0xbf009400, 0x2f001000}};
static const pat_t p_ext_fp16[] = {
    {0xffe00c00, 0x1ee00800}, {0xffe07c00, 0x1ee04000}, {0xff200000, 0x1fc00000},
    {0x9f60c400, 0x0e400400}, {0x9f7e0c00, 0x0e780800},
};
/* qemu 7.2 aborts on an assertion for unallocated FP16 two-register
 * miscellaneous encodings (e.g. 0x4ef9f82d, U = 0, a = 1, opcode 11111):
 * only allocated (a, U, opcode) triples there. */
static int fix_ext_fp16(uint32_t *w, rng_t *r) {
    static const uint8_t ok[] = {
        0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,                   /* a=0 U=0 */
        0x2c, 0x2d, 0x2e, 0x2f, 0x38, 0x39, 0x3a, 0x3b, 0x3d, /* a=1 U=0 */
        0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d,                   /* a=0 U=1 */
        0x6c, 0x6d, 0x6f, 0x79, 0x7a, 0x7b, 0x7d, 0x7f,       /* a=1 U=1 */
    };
    if ((*w & 0x9f7e0c00u) == 0x0e780800u) {
        uint32_t t = ok[below(r, sizeof ok)];
        SETF(*w, 12, 5, t & 31);
        SETF(*w, 23, 1, t >> 5 & 1);
        SETF(*w, 29, 1, t >> 6 & 1);
    }
    return 1;
}
static const pat_t p_ext_fhm[] = {{0xbfa0fc00, 0x0e20ec00}, {0xbfa0fc00, 0x2e20cc00}, {0xbf80b400, 0x0f800000}};
static const pat_t p_ext_flagm[] = {{0xffffffff, 0xd500401f}, {0xffe07c10, 0xba000400}, {0xbfffbc1f, 0x3a00080d}};
static const pat_t p_ext_jscvt[] = {{0xfffffc00, 0x1e7e0000}};
static const pat_t p_ext_frint[] = {{0xffbcfc00, 0x1e284000}, {0xbfbfec00, 0x0e21e800}};

#define C(name, p, fix) {name, p, N(p), fix, 0, 0, 0}
#define G(name, gen) {name, 0, 0, 0, gen, 0, 0}
#define X(name, p) {name, p, N(p), 0, 0, 1, 0}

const klass_t classes[] = {
    C("int-imm", p_int_imm, 0),
    C("int-bitfield", p_int_bitfield, fix_bitfield),
    C("int-logical-reg", p_int_logical_reg, 0),
    C("int-addsub-reg", p_int_addsub_reg, fix_addsub_reg),
    C("int-carry", p_int_carry, 0),
    C("int-cond", p_int_cond, 0),
    C("int-mul", p_int_mul, fix_mul),
    C("int-dp2", p_int_dp2, fix_dp2),
    C("int-dp1", p_int_dp1, fix_dp1),
    C("ls-uimm", p_ls_uimm, 0),
    C("ls-imm9", p_ls_imm9, fix_ls_single),
    C("ls-reg", p_ls_reg, fix_ls_reg),
    C("ls-pair", p_ls_pair, fix_ls_pair),
    G("ls-literal", gen_literal),
    G("ls-excl", gen_excl),
    C("ls-atomic", p_ls_atomic, fix_atomic),
    C("simd-ls-multi", p_simd_ls_multi, fix_simd_ls_multi),
    C("simd-ls-single", p_simd_ls_single, fix_simd_ls_single),
    {"ls-fault", p_ls_fault, N(p_ls_fault), fix_ls_fault, 0, 0, FAULT_PAGE},
    {"ls-align", 0, 0, 0, gen_align, 0, FAULT_ALIGN},
    G("branch", gen_branch),
    G("system", gen_system),
    C("fp-dp1", p_fp_dp1, fix_fp_dp1),
    C("fp-dp2", p_fp_dp2, fix_fp_dp2),
    C("fp-dp3", p_fp_dp3, fix_fp_type),
    C("fp-cmp", p_fp_cmp, fix_fp_cmp),
    C("fp-cond", p_fp_cond, fix_fp_type),
    C("fp-imm", p_fp_imm, fix_fp_type),
    C("fp-conv-int", p_fp_conv_int, fix_fp_conv_int),
    C("fp-conv-fixed", p_fp_conv_fixed, fix_fp_conv_fixed),
    C("simd-3same", p_simd_3same, fix_simd_3same),
    C("simd-3diff", p_simd_3diff, fix_simd_3diff),
    C("simd-2misc", p_simd_2misc, fix_simd_2misc),
    C("simd-across", p_simd_across, fix_simd_across),
    C("simd-copy", p_simd_copy, fix_copy),
    C("simd-modimm", p_simd_modimm, 0),
    C("simd-shift", p_simd_shift, fix_shift),
    C("simd-elem", p_simd_elem, fix_elem),
    C("simd-perm", p_simd_perm, 0),
    C("simd-ext", p_simd_ext, 0),
    C("simd-tbl", p_simd_tbl, 0),
    C("simd-scalar-arith", p_scalar_arith, fix_scalar_arith),
    C("simd-scalar-misc", p_scalar_misc, fix_scalar_misc),
    C("simd-scalar-shift-elem", p_scalar_shift_elem, fix_scalar_shift_elem),
    X("ext-aes", p_ext_aes),
    X("ext-sha", p_ext_sha),
    X("ext-sha3", p_ext_sha3),
    X("ext-pmull64", p_ext_pmull64),
    X("ext-dotprod", p_ext_dotprod),
    X("ext-i8mm", p_ext_i8mm),
    X("ext-rdm", p_ext_rdm),
    X("ext-fcma", p_ext_fcma),
    {"ext-fp16", p_ext_fp16, N(p_ext_fp16), fix_ext_fp16, 0, 1, 0},
    X("ext-fhm", p_ext_fhm),
    X("ext-flagm", p_ext_flagm),
    X("ext-jscvt", p_ext_jscvt),
    X("ext-frint", p_ext_frint),
    {"fuzz-uniform", 0, 0, 0, gen_fuzz_uniform, 2, 0},
    {"fuzz-biased", 0, 0, 0, gen_fuzz_biased, 2, 0},
};
const int nclasses = N(classes);
