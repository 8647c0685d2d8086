/* Random instruction words for the harness's fuzz classes (`--list fuzz`).
 *
 * fuzz-uniform draws any 32-bit word; fuzz-biased draws a word inside one
 * of the Arm ARM's encoding groups (and inside the encodings of each
 * optional feature), so every group is hit often. Each word runs under the
 * `-cpu` model the harness was started with; what must match the oracle is
 * whether it raises a signal (SIGILL on a model without its feature) and
 * the whole resulting state.
 *
 * A word is drawn again when its outcome would not be a property of the
 * instruction: SVC (a random system call), reads of the counters, RNDR and
 * TPIDR_EL0 (time, randomness, the host's thread pointer), the debug
 * communications channel (where qemu departs from Linux), and register
 * overlaps the Arm ARM makes CONSTRAINED UNPREDICTABLE. Immediate branches
 * get a target skipping the marker word, BR/BLR/RET and loads and stores
 * get base registers from the harness (fix_special, fix_memory), and cache
 * maintenance by address gets a buffer address. Under `-cpu max` (MIDR
 * 0x000f0510) words of features the emulator does not implement are
 * drawn again (`unimplemented`); on every other model they stay, and must
 * raise SIGILL. */
#include "diff.h"

#define FLD(w, lo, n) (((w) >> (lo)) & ((1u << (n)) - 1))
#define SETF(w, lo, n, v) ((w) = ((w) & ~(((1u << (n)) - 1) << (lo))) | (((uint32_t)(v) & ((1u << (n)) - 1)) << (lo)))
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

int fuzz_is_max; /* set by the harness from MIDR_EL1 */

/* Encoding groups and subgroups (Arm ARM, "A64 instruction set encoding"),
 * and the encodings of the optional features. */
static const pat_t groups[] = {
    {0x1c000000, 0x10000000}, /* data processing, immediate */
    {0x1c000000, 0x14000000}, /* branches, exception generation, system */
    {0xffc00000, 0xd5000000}, /* system: hints, barriers, PSTATE, SYS, MRS/MSR */
    {0xfff80000, 0xd5080000}, /* SYS (op0 = 01) */
    {0xfff00000, 0xd5300000}, /* MRS */
    {0xfff00000, 0xd5100000}, /* MSR (register) */
    {0xfffff01f, 0xd503201f}, /* hints */
    {0xfffff01f, 0xd503301f}, /* barriers */
    {0xfff8f01f, 0xd500401f}, /* MSR (immediate) */
    {0xfe000000, 0xd6000000}, /* branch (register), with the PAuth forms */
    {0x0e000000, 0x0a000000}, /* data processing, register */
    {0x5fe00000, 0x5ac00000}, /* data processing, 1 source (PAC, AUT, XPAC) */
    {0x5fe00000, 0x1ac00000}, /* data processing, 2 source (CRC32, PACGA, MTE) */
    {0x1fe00000, 0x1a000000}, /* add/sub with carry, RMIF, SETF */
    {0x0a000000, 0x08000000}, /* loads and stores */
    {0x3f000000, 0x08000000}, /* exclusives, ordered, LOR, CAS */
    {0x3f200c00, 0x38200000}, /* LSE atomics, LDAPR */
    {0x3f200400, 0x38200400}, /* LDRAA/LDRAB and unallocated neighbours */
    {0x3f200c00, 0x19000000}, /* LDAPUR/STLUR */
    {0x3b200c00, 0x38200800}, /* register offset */
    {0x3a000000, 0x28000000}, /* pairs, STGP */
    {0xff200000, 0xd9200000}, /* MTE tag loads and stores */
    {0xbf000000, 0x0c000000}, /* AdvSIMD load/store multiple structures */
    {0xbe000000, 0x0c000000}, /* AdvSIMD load/store structures */
    {0x0e000000, 0x0e000000}, /* FP and AdvSIMD */
    {0x5f000000, 0x1e000000}, /* scalar FP */
    {0x9f200400, 0x0e200400}, /* AdvSIMD three same */
    {0x9f200c00, 0x0e200000}, /* three different */
    {0x9f3e0c00, 0x0e200800}, /* two-register miscellaneous */
    {0x9f000400, 0x0f000000}, /* by element */
    {0x9f800400, 0x0f000400}, /* shift by immediate, modified immediate */
    {0xdf000000, 0x5e000000}, /* scalar AdvSIMD */
    {0xff000000, 0xce000000}, /* SHA3, SM3, SM4, SHA512 */
    {0xbf208400, 0x2e008400}, /* three same extra (RDM, FCMA, dot product, I8MM, BF16) */
    {0xbf20fc00, 0x2e00fc00}, /* BF16 vector */
    {0xffbffc00, 0x1e230000}, /* scalar FP conversions (BFCVT, FCVT) */
    {0xffe00000, 0x1ee00000}, /* scalar half precision */
    {0x1e000000, 0x04000000}, /* SVE */
    {0x9e000000, 0x80000000}, /* SME */
    {0xffc00000, 0x00000000}, /* UDF, reserved */
};

static int is_branch_imm(uint32_t w) {
    return (w & 0x7c000000u) == 0x14000000u || (w & 0x7e000000u) == 0x34000000u ||
           (w & 0x7e000000u) == 0x36000000u || (w & 0xfe000000u) == 0x54000000u;
}

/* Encodings of features that the emulator does not implement and that
 * qemu 7.2's -cpu max offers. */
static int unimplemented(uint32_t w) {
    uint32_t op1 = FLD(w, 16, 3), crn = FLD(w, 12, 4), crm = FLD(w, 8, 4), op2 = FLD(w, 5, 3);
    if ((w & 0x1e000000u) == 0x04000000u) return 1;                       /* SVE */
    if ((w & 0x9e000000u) == 0x80000000u) return 1;                       /* SME */
    if ((w & 0xffffc000u) == 0xdac10000u) return 1;                       /* PAC*, AUT*, XPAC* */
    if ((w & 0xffe0fc00u) == 0x9ac03000u) return 1;                       /* PACGA */
    if ((w & 0xfe000000u) == 0xd6000000u && (w & 0x00000c00u)) return 1;  /* BRAA, RETAA, ERETAA ... */
    if ((w & 0xff200400u) == 0xf8200400u) return 1;                       /* LDRAA, LDRAB */
    if ((w & 0xff200000u) == 0xd9200000u) return 1;                       /* MTE tag loads and stores */
    if ((w & 0xfe400000u) == 0x68000000u) return 1;                       /* STGP */
    if ((w & 0xfffff000u) == 0xd50b7000u && op2 >= 3 && op2 <= 5) return 1; /* DC GVA, DC CGVAC... (MTE) */
    /* Not features, but where qemu 7.2 -cpu max is wrong: it performs
     * MOVI with op = 1, cmode = 1111, o2 = 1 (unallocated in the Arm ARM;
     * o2 = 1 is FMOV .4H/.8H only with op = 0), and it aborts on an
     * assertion for the unallocated FP16 two-register miscellaneous
     * opcodes (classes.c, fix_ext_fp16). */
    if ((w & 0x9ff8fc00u) == 0x0f00fc00u && FLD(w, 29, 1)) return 1;
    if ((w & 0x9f7e0c00u) == 0x0e780800u || (w & 0xdf7e0c00u) == 0x5e780800u) {
        static const uint8_t ok[] = {0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x2c, 0x2d, 0x2e, 0x2f, 0x38, 0x39,
                                     0x3a, 0x3b, 0x3d, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x6c, 0x6d, 0x6f,
                                     0x79, 0x7a, 0x7b, 0x7d, 0x7f};
        uint32_t t = FLD(w, 12, 5) | FLD(w, 23, 1) << 5 | FLD(w, 29, 1) << 6;
        int found = 0;
        for (int i = 0; i < N(ok); i++) found |= ok[i] == t;
        if (!found) return 1;
    }
    if ((w & 0xfffff01fu) == 0xd503201fu) {                                /* PAuth hints */
        uint32_t imm = FLD(w, 5, 7);
        if (imm == 7 || imm == 8 || imm == 10 || imm == 12 || imm == 14 || (imm >= 0x18 && imm < 0x20)) return 1;
    }
    if ((w & 0xffe0e000u) == 0x9ac00000u) return 1;                       /* SUBP, IRG, GMI */
    if ((w & 0xffe0fc00u) == 0xbac00000u) return 1;                       /* SUBPS */
    if ((w & 0xbfc00000u) == 0x91800000u) return 1;                       /* ADDG, SUBG */
    if ((w & 0xfffffc00u) == 0x1e634000u) return 1;                       /* BFCVT */
    if ((w & 0xbffffc00u) == 0x0ea16800u) return 1;                       /* BFCVTN */
    if ((w & 0xbf20fc00u) == 0x2e00fc00u && FLD(w, 22, 2) != 0) return 1; /* BFDOT, BFMLAL */
    if ((w & 0xffe0fc00u) == 0x6e40ec00u) return 1;                       /* BFMMLA */
    if ((w & 0xbf40f400u) == 0x0f40f000u) return 1;                       /* BFDOT, BFMLAL by element */
    if ((w & 0xfff8f01fu) == 0xd500401fu && (op1 | crm | op2) && w != 0xd500403fu && w != 0xd500405fu)
        return 1;                                                          /* MSR SSBS, DIT, PAN, TCO ... */
    if ((w & 0xffd00000u) == 0xd5100000u) {                                /* MRS/MSR op0 = 2 or 3 */
        if (op1 == 0 && crn == 0) return 1;                                /* ID registers */
        if (op1 == 3 && crn == 4 && crm == 2 && op2 >= 5) return 1;       /* DIT, SSBS, TCO */
        if (op1 == 3 && crn == 2 && crm == 4) return 1;                    /* RNDR, RNDRRS */
    }
    return 0;
}

/* 0: keep the word; otherwise draw again. */
static int reject(uint32_t w) {
    uint32_t rt = FLD(w, 0, 5), rn = FLD(w, 5, 5), rt2 = FLD(w, 10, 5), rs = FLD(w, 16, 5);
    if ((w & 0xffe0001fu) == 0xd4000001u) return 1;                       /* SVC */
    if ((w & 0xffd00000u) == 0xd5100000u) {                                /* MRS/MSR of a system register */
        uint32_t op1 = FLD(w, 16, 3), crn = FLD(w, 12, 4), crm = FLD(w, 8, 4), op2 = FLD(w, 5, 3);
        if (op1 == 3 && crn == 14) return 1;                               /* counters and timers */
        if (op1 == 3 && crn == 13 && crm == 0) return 1;                   /* TPIDR_EL0, TPIDRRO_EL0 */
        if (op1 == 3 && crn == 2 && crm == 4 && op2 < 2) return 1;         /* RNDR, RNDRRS */
        if (op1 == 3 && crn == 9) return 1;                                /* PMU */
        /* The debug communications channel (op0 = 2, op1 = 3, CRn = 0):
         * Linux sets MDSCR_EL1.TDCC (__cpu_setup in arch/arm64/mm/proc.S),
         * so EL0 accesses are UNDEFINED, as in the emulator; qemu 7.2
         * reads MDCCSR_EL0 as 0. */
        if (!FLD(w, 19, 1) && op1 == 3 && crn == 0) return 1;
    }
    if ((w & 0x3a000000u) == 0x28000000u) {                                /* pairs */
        int wb = FLD(w, 23, 1), l = FLD(w, 22, 1), v = FLD(w, 26, 1);
        if (!v && wb && rn != 31 && (rn == rt || rn == rt2)) return 1;
        if (l && rt == rt2) return 1;
    }
    if ((w & 0x3b200000u) == 0x38000000u && (FLD(w, 10, 2) & 1) && !FLD(w, 26, 1) && rn == rt && rn != 31)
        return 1;                                                          /* pre/post-index, Rn = Rt */
    if ((w & 0x3b200400u) == 0x38200400u && FLD(w, 11, 1) && rn == rt && rn != 31)
        return 1;                                                          /* LDRAA writeback, Rn = Rt */
    if ((w & 0x3f000000u) == 0x08000000u) {                                /* exclusives */
        int l = FLD(w, 22, 1), o2 = FLD(w, 23, 1), pair = FLD(w, 21, 1);
        if (!o2 && !l && (rs == rt || rs == rn || (pair && rs == rt2))) return 1;
        if (!o2 && l && pair && rt == rt2) return 1;
    }
    if ((w & 0x3b200c00u) == 0x38200800u && FLD(w, 16, 5) == rn) return 1; /* register offset, Rm = Rn */
    if (fuzz_is_max && unimplemented(w)) return 1;
    return 0;
}

/* The word, then the marker MOVI V31.2D, #-1 that a taken branch skips. */
static int finish(uint32_t w, uint32_t *words) {
    if (is_branch_imm(w)) {
        if ((w & 0x7c000000u) == 0x14000000u) w = (w & 0xfc000000u) | 2;
        else if ((w & 0x7e000000u) == 0x36000000u) SETF(w, 5, 14, 2);
        else SETF(w, 5, 19, 2);
    }
    words[0] = w;
    words[1] = 0x6f07e7ffu;
    return 2;
}

int gen_fuzz_uniform(rng_t *r, uint64_t pc, uint32_t *words) {
    (void)pc;
    uint32_t w;
    do w = (uint32_t)next64(r); while (reject(w));
    return finish(w, words);
}

int gen_fuzz_biased(rng_t *r, uint64_t pc, uint32_t *words) {
    (void)pc;
    uint32_t w;
    do {
        const pat_t *g = &groups[below(r, N(groups))];
        w = ((uint32_t)next64(r) & ~g->mask) | g->value;
    } while (reject(w));
    return finish(w, words);
}

/* Cache maintenance by address (SYS, op1 = 3, CRn = 7) and DC ZVA: the
 * address register points into the buffer. */
void fix_fuzz(uint32_t w, struct cpu *s, rng_t *r) {
    if ((w & 0xfff8f000u) == 0xd5087000u && FLD(w, 0, 5) != 31)
        s->x[FLD(w, 0, 5)] = BUF_BASE + below(r, BUF_SIZE);
}
