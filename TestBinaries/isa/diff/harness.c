/* Differential instruction-testing harness.
 *
 *   diffharness [-n CHUNK] [-v INDEX] CLASS SEED COUNT
 *   diffharness --list [base|ext|all|fuzz]
 *
 * Generates COUNT random instructions of CLASS (classes.c) from SEED, each
 * with a random input state (X0-X30, SP, NZCV, FPCR, FPSR, V0-V31 and, for
 * loads and stores, a 512-byte buffer that every access falls in), runs
 * each once and prints one line per chunk of CHUNK vectors (default 1000):
 *
 *   CLASS INDEX HASH ok=N ill=N segv=N bus=N
 *
 * HASH is a 64-bit hash of every vector's outcome: all registers, NZCV,
 * FPCR, FPSR and the buffer, or the signal that stopped it with its code,
 * fault address and the general registers, SP, PC and NZCV of its frame. Everything is
 * deterministic, so the output under qemu-aarch64 and under another
 * emulator must be identical. With -v INDEX only that chunk runs, and each
 * vector prints its instruction words, input and output state in full.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "diff.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

extern void dh_enter(const struct cpu *in, uint64_t slot);
extern void dh_exit(void);
extern struct cpu dh_out;

static sigjmp_buf jump;
static volatile int caught;
/* The signal's outcome: si_code, si_addr, then X0-X30, SP, PC and NZCV as
 * the kernel's signal frame shows them. */
static uint64_t sigstate[37];

static void on_signal(int sig, siginfo_t *info, void *ctx) {
    const mcontext_t *mc = &((const ucontext_t *)ctx)->uc_mcontext;
    /* Not SIGILL's si_code: Linux reports ILL_ILLOPC for an undefined
     * instruction, qemu-aarch64 ILL_ILLOPN. */
    sigstate[0] = sig == SIGILL ? 0 : (uint64_t)(uint32_t)info->si_code;
    sigstate[1] = (uint64_t)(uintptr_t)info->si_addr;
    for (int i = 0; i < 31; i++) sigstate[2 + i] = mc->regs[i];
    sigstate[33] = mc->sp;
    sigstate[34] = mc->pc;
    sigstate[35] = mc->pstate & 0xf0000000ull;
    sigstate[36] = 0;
    caught = sig;
    siglongjmp(jump, 1);
}

/* ---- Random input values ---- */

static const uint64_t int_special[] = {
    0, 1, 2, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x7fffffff, 0x80000000,
    0xffffffff, 0xffffffff80000000ull, 0x00ff00ff00ff00ffull, 0x8080808080808080ull,
    0x0123456789abcdefull, 0xfedcba9876543210ull, 0x8000800080008000ull, 0x7fff7fff7fff7fffull,
    0x100000000ull, 0xaaaaaaaaaaaaaaaaull, 0x5555555555555555ull,
};
static const uint64_t f64_special[] = {
    0x0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff8000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000001ull, 0xfff8000000000123ull,
    0x7ff0000000000005ull, 0xfff4000000000000ull, 0x1ull, 0x000fffffffffffffull, 0x800f000000000000ull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
    0x43f0000000000000ull, 0x41f0000000000000ull, 0x41dfffffffe00000ull, 0xc1e0000000100000ull,
    0x3fe0000000000000ull, 0x3fe0000000000001ull, 0xbfe8000000000000ull, 0x4330000000000001ull,
    0x3cb0000000000000ull, 0x0020000000000001ull, 0x4008000000000000ull, 0x3fb999999999999aull,
};
static const uint32_t f32_special[] = {
    0x0, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40200000, 0xc0200000, 0x3dcccccd,
    0x7f800000, 0xff800000, 0x7fc00001, 0xffc00123, 0x7f800005, 0xffa00000, 0x00000001, 0x007fffff,
    0x80700000, 0x00800000, 0x7f7fffff, 0x5f000000, 0xdf000000, 0x5f800000, 0x4f000000, 0x4effffff,
    0xcf000001, 0x3f000000, 0x3f000001, 0xbf400000, 0x4b000001, 0x34000000, 0x01000001, 0x47800000,
};
static const uint16_t f16_special[] = {
    0x0000, 0x8000, 0x3c00, 0xbc00, 0x3e00, 0x7bff, 0x7c00, 0xfc00, 0x7e01, 0x7c05, 0x0001, 0x03ff,
    0x0400, 0x5640, 0xc900, 0xfbff,
};
#define NA(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rand_x(rng_t *r) {
    switch (below(r, 8)) {
    case 0: return (uint64_t)((int64_t)below(r, 33) - 16);
    case 1: return int_special[below(r, NA(int_special))];
    case 2: return (uint32_t)next64(r);
    case 3: return (1ull << below(r, 64)) + (uint64_t)((int64_t)below(r, 5) - 2);
    default: return next64(r);
    }
}

static uint64_t normal64(rng_t *r) { /* a double of moderate magnitude */
    return (next64(r) & 0x800fffffffffffffull) | ((uint64_t)(1023 - 40 + below(r, 80)) << 52);
}
static uint32_t normal32(rng_t *r) {
    return ((uint32_t)next64(r) & 0x807fffffu) | ((127 - 20 + below(r, 40)) << 23);
}

static uint64_t rand_v64(rng_t *r) {
    uint64_t v = 0;
    switch (below(r, 10)) {
    case 0: return f64_special[below(r, NA(f64_special))];
    case 1: case 2: return normal64(r);
    case 3:
        for (int i = 0; i < 2; i++) v |= (uint64_t)f32_special[below(r, NA(f32_special))] << (32 * i);
        return v;
    case 4: case 5:
        for (int i = 0; i < 2; i++) v |= (uint64_t)(below(r, 4) ? normal32(r) : f32_special[below(r, NA(f32_special))]) << (32 * i);
        return v;
    case 6:
        for (int i = 0; i < 4; i++) v |= (uint64_t)f16_special[below(r, NA(f16_special))] << (16 * i);
        return v;
    case 7: return rand_x(r);
    default: return next64(r);
    }
}

static void rand_vreg(rng_t *r, struct cpu *s, uint32_t n) {
    s->v[2 * (n & 31)] = rand_v64(r);
    s->v[2 * (n & 31) + 1] = below(r, 4) ? rand_v64(r) : s->v[2 * (n & 31)];
}

/* The input state of one vector. The first vector of a chunk draws every
 * register and the whole buffer; later ones keep the previous vector's
 * input registers and output buffer and draw afresh the registers named by
 * the instruction's register fields (and the next three, for register
 * lists and pairs), two more at random, SP, NZCV, FPCR, FPSR and some
 * buffer words: as thorough, and far cheaper to run. */
static void rand_state(rng_t *r, struct cpu *s, int mem, int first, const uint32_t *words, int nwords) {
    if (first) {
        for (int i = 0; i < 31; i++) s->x[i] = rand_x(r);
        for (int i = 0; i < 32; i++) rand_vreg(r, s, i);
    } else {
        for (int j = 0; j < nwords; j++) {
            uint32_t w = words[j];
            static const uint8_t at[] = {0, 5, 10, 16};
            for (int f = 0; f < 4; f++) {
                uint32_t n = (w >> at[f]) & 31;
                if (n < 31) s->x[n] = rand_x(r);
                if (n < 30) s->x[n + 1] = rand_x(r);
                rand_vreg(r, s, n);
                if (f == 0) { rand_vreg(r, s, n + 1); rand_vreg(r, s, n + 2); rand_vreg(r, s, n + 3); }
            }
        }
        s->x[below(r, 31)] = rand_x(r);
        rand_vreg(r, s, below(r, 32));
    }
    s->sp = next64(r);
    s->nzcv = (uint64_t)below(r, 16) << 28;
    /* FPCR: RMode, FZ, DN, AHP, half the time all clear. */
    s->fpcr = below(r, 2) ? (next64(r) & (0x1full << 22)) : 0;
    s->fpsr = below(r, 2) ? (next64(r) & 0x0800009full) : 0;
    s->pad = 0;
    if (mem) {
        uint64_t *buf = (uint64_t *)BUF_BASE;
        if (first) {
            for (int i = 0; i < BUF_SIZE / 8; i++) buf[i] = rand_x(r);
        } else {
            for (int i = 0; i < 8; i++) buf[8 + below(r, 32)] = rand_x(r);
        }
    }
}

/* ---- Loads and stores: every access lands in the buffer ---- */

#define FLD(w, lo, n) (((w) >> (lo)) & ((1u << (n)) - 1))

static int64_t sext(uint64_t v, int bits) { return (int64_t)(v << (64 - bits)) >> (64 - bits); }

static void set_reg(struct cpu *s, uint32_t n, uint64_t v) {
    if (n == 31) s->sp = v; else s->x[n] = v;
}

/* Picks the base register's value (and an index register's) so that the
 * first access of `w` lands 64 to 255 bytes into the buffer, aligned as
 * exclusives and atomics require, and SP-based accesses use a 16-byte
 * aligned SP. Returns 0 when `w` is not a load or store. */
static int fix_memory(uint32_t w, struct cpu *s, rng_t *r, int fault) {
    if ((w & 0x0a000000u) != 0x08000000u) return 0;
    uint32_t rn = FLD(w, 5, 5), size = w >> 30, v = FLD(w, 26, 1);
    int64_t off = 0;
    uint64_t align = 1;
    uint32_t scale = (v && FLD(w, 23, 1)) ? 4 : size;
    if ((w & 0x3f000000u) == 0x08000000u) { /* exclusives, ordered, CAS, CASP */
        align = 1ull << size;
        /* LDXP/STXP and CASP: two registers of 4 << sz bytes, aligned as a whole */
        if (FLD(w, 21, 1) && !FLD(w, 23, 1)) align = 8ull << FLD(w, 30, 1);
    } else if ((w & 0x3b000000u) == 0x18000000u) {
        return 0; /* literal */
    } else if ((w & 0x3f200c00u) == 0x19000000u) { /* LDAPUR, STLUR */
        off = sext(FLD(w, 12, 9), 9);
        align = 1ull << size;
    } else if ((w & 0x3a000000u) == 0x28000000u) { /* pairs */
        uint32_t opc = w >> 30;
        uint32_t sc = v ? 2 + opc : 2 + (opc >> 1);
        if (FLD(w, 23, 2) != 1) off = sext(FLD(w, 15, 7), 7) * (1 << sc);
    } else if ((w & 0x3f200c00u) == 0x38200000u) { /* LSE atomics, LDAPR */
        align = 1ull << size;
    } else if ((w & 0x3b200c00u) == 0x38200800u) { /* register offset */
        uint32_t rm = FLD(w, 16, 5), option = FLD(w, 13, 3), sbit = FLD(w, 12, 1);
        int64_t idx = (int64_t)below(r, 65) - 32;
        uint64_t xm = (uint64_t)idx;
        if (option == 2) { idx = below(r, 33); xm = (next64(r) << 32) | (uint64_t)idx; }
        else if (option == 6) xm = (next64(r) << 32) | (uint32_t)idx;
        if (rm == 31) idx = 0; else s->x[rm] = xm;
        off = idx * (1 << (sbit ? scale : 0));
    } else if ((w & 0x3b200000u) == 0x38000000u) { /* 9-bit immediate forms */
        if (FLD(w, 10, 2) != 1) off = sext(FLD(w, 12, 9), 9);
    } else if ((w & 0x3b000000u) == 0x39000000u) { /* unsigned offset */
        off = (int64_t)FLD(w, 10, 12) << scale;
    } else if ((w & 0xbe000000u) == 0x0c000000u) { /* AdvSIMD structures */
        uint32_t rm = FLD(w, 16, 5);
        if (FLD(w, 23, 1) && rm != 31) s->x[rm] = (uint64_t)((int64_t)below(r, 129) - 64);
    } else {
        return 0;
    }
    uint64_t target = ((fault == FAULT_PAGE ? NONE_BASE : BUF_BASE) + 64 + below(r, 192)) & ~(align - 1);
    if (fault == FAULT_ALIGN && align > 1) target += 1 + below(r, (uint32_t)align - 1);
    uint64_t base = target - (uint64_t)off;
    if (rn == 31) base &= ~15ull;
    set_reg(s, rn, base);
    return 1;
}

/* Register operands that must hold particular values: the target of
 * BR/BLR/RET (the slot's last word, skipping the marker), and the
 * architecturally defined bits of values written to FPCR and FPSR (the
 * others depend on the features of the CPU). */
static void fix_special(uint32_t w, uint64_t slot, struct cpu *s, rng_t *r) {
    uint32_t rt = w & 31;
    if ((w & 0xff9ffc1fu) == 0xd61f0000u) {
        s->x[(w >> 5) & 31] = slot + 12;
    } else if ((w & 0xffffffe0u) == 0xd51b4400u && rt != 31) {
        s->x[rt] = next64(r) & (0x1full << 22);
    } else if ((w & 0xffffffe0u) == 0xd51b4420u && rt != 31) {
        s->x[rt] = next64(r) & 0x0800009full;
    } else if ((w & 0xfffffc00u) == 0x1e7e0000u) {
        /* FJCVTZS of a denormal flushed by FPCR.FZ: qemu 7.2 sets Z, the
         * Arm ARM (FPToFixedJS) clears it. Such inputs run with FZ clear. */
        uint64_t d = s->v[2 * ((w >> 5) & 31)];
        if ((d & 0x7ff0000000000000ull) == 0 && (d << 1) != 0) s->fpcr &= ~(1ull << 24);
    }
}

/* ---- Slots ---- */

#define TRAMP (CODE_BASE + (uint64_t)MAX_CHUNK * SLOT_WORDS * 4)

static uint32_t ldr_lit(uint64_t pc, uint64_t target, uint32_t rt) {
    return 0x58000000u | ((uint32_t)(((int64_t)(target - pc) / 4) & 0x7ffff) << 5) | rt;
}

static void setup(void) {
    void *code = mmap((void *)CODE_BASE, CODE_SIZE + 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    void *buf = mmap((void *)BUF_BASE, 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    void *none = mmap((void *)NONE_BASE, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code != (void *)CODE_BASE || buf != (void *)BUF_BASE || none != (void *)NONE_BASE) {
        fprintf(stderr, "diffharness: cannot map the fixed code and buffer pages\n");
        exit(2);
    }
    uint32_t *t = (uint32_t *)TRAMP;
    t[0] = 0xd51bd040u;                           /* msr tpidr_el0, x0 */
    t[1] = ldr_lit(TRAMP + 4, LIT_BASE + 8, 0);   /* ldr x0, exit address */
    t[2] = 0xd61f0000u;                           /* br x0 */
    *(uint64_t *)(LIT_BASE + 8) = (uint64_t)(uintptr_t)dh_exit;
    __builtin___clear_cache((char *)TRAMP, (char *)TRAMP + 16);

    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGILL, &sa, 0);
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGBUS, &sa, 0);
    sigaction(SIGTRAP, &sa, 0);
    sigaction(SIGFPE, &sa, 0);
}

static uint64_t mix(uint64_t h, uint64_t v) {
    h = (h ^ v) * 0x9e3779b97f4a7c15ull;
    return (h << 27) | (h >> 37);
}

static uint64_t name_hash(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    while (*s) h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
    return h;
}

static void print_state(const char *tag, const struct cpu *s, int mem) {
    printf("  %s x:", tag);
    for (int i = 0; i < 31; i++) printf(" %016llx", (unsigned long long)s->x[i]);
    printf(" sp %016llx nzcv %08llx fpcr %08llx fpsr %08llx\n  %s v:", (unsigned long long)s->sp,
           (unsigned long long)s->nzcv, (unsigned long long)s->fpcr, (unsigned long long)s->fpsr, tag);
    for (int i = 0; i < 32; i++) printf(" %016llx%016llx", (unsigned long long)s->v[2 * i + 1], (unsigned long long)s->v[2 * i]);
    printf("\n");
    if (mem) {
        printf("  %s mem:", tag);
        const uint64_t *buf = (const uint64_t *)BUF_BASE;
        for (int i = 0; i < BUF_SIZE / 8; i++) printf(" %016llx", (unsigned long long)buf[i]);
        printf("\n");
    }
}

static void run_chunk(const klass_t *k, uint64_t seed, long index, int n, int verbose) {
    int fuzz = k->ext == 2;
    int mem = fuzz || !strncmp(k->name, "ls-", 3) || !strncmp(k->name, "simd-ls-", 8);
    uint64_t cs = seed * 0x9e3779b97f4a7c15ull ^ name_hash(k->name) ^ (uint64_t)(index + 1) * 0xd1b54a32d192ed03ull;
    rng_t gr = {cs};
    static uint32_t words[MAX_CHUNK][4];
    static int nwords[MAX_CHUNK];
    for (int i = 0; i < n; i++) {
        uint64_t slot = CODE_BASE + (uint64_t)i * SLOT_WORDS * 4;
        uint32_t *p = (uint32_t *)slot;
        if (k->gen) {
            nwords[i] = k->gen(&gr, slot + 4, words[i]);
        } else {
            uint32_t w;
            for (;;) {
                const pat_t *pt = &k->pats[below(&gr, k->npats)];
                w = ((uint32_t)next64(&gr) & ~pt->mask) | pt->value;
                if (!k->fix || k->fix(&w, &gr)) {
                    if ((w & pt->mask) == pt->value) break;
                }
            }
            words[i][0] = w;
            nwords[i] = 1;
        }
        p[0] = ldr_lit(slot, LIT_BASE, 30);
        for (int j = 0; j < nwords[i]; j++) p[1 + j] = words[i][j];
        uint64_t b = slot + 4 + 4 * nwords[i];
        p[1 + nwords[i]] = 0x14000000u | (uint32_t)(((int64_t)(TRAMP - b) / 4) & 0x3ffffff);
        for (int j = 2 + nwords[i]; j < SLOT_WORDS; j++) p[j] = 0;
    }
    __builtin___clear_cache((char *)CODE_BASE, (char *)(CODE_BASE + (uint64_t)n * SLOT_WORDS * 4));

    uint64_t h = 0xcbf29ce484222325ull;
    long ok = 0, ill = 0, segv = 0, bus = 0;
    static struct cpu in;
    for (int i = 0; i < n; i++) {
        rng_t sr = {cs ^ (uint64_t)(i + 1) * 0xa0761d6478bd642full};
        next64(&sr);
        rand_state(&sr, &in, mem, i == 0, words[i], nwords[i]);
        for (int j = 0; j < nwords[i]; j++)
            if (fix_memory(words[i][j], &in, &sr, k->fault)) break;
        for (int j = 0; j < nwords[i]; j++)
            fix_special(words[i][j], CODE_BASE + (uint64_t)i * SLOT_WORDS * 4, &in, &sr);
        if (fuzz) fix_fuzz(words[i][0], &in, &sr);
        *(volatile uint64_t *)LIT_BASE = in.x[30];
        if (verbose) {
            printf("vector %d:", i);
            for (int j = 0; j < nwords[i]; j++) printf(" %08x", words[i][j]);
            printf("\n");
            print_state("in", &in, mem);
        }
        caught = 0;
        if (sigsetjmp(jump, 0) == 0) {
            dh_enter(&in, CODE_BASE + (uint64_t)i * SLOT_WORDS * 4);
        } else {
            __asm__ volatile("msr fpcr, xzr\n msr fpsr, xzr");
        }
        h = mix(h, (uint64_t)caught);
        if (caught) {
            ill += caught == SIGILL;
            segv += caught == SIGSEGV;
            bus += caught == SIGBUS;
            for (int j = 0; j < 36; j++) h = mix(h, sigstate[j]);
            if (verbose) {
                printf("  signal %d code %llx addr %016llx pc %016llx nzcv %08llx\n  sig x:", caught,
                       (unsigned long long)sigstate[0], (unsigned long long)sigstate[1],
                       (unsigned long long)sigstate[34], (unsigned long long)sigstate[35]);
                for (int j = 0; j < 31; j++) printf(" %016llx", (unsigned long long)sigstate[2 + j]);
                printf(" sp %016llx\n", (unsigned long long)sigstate[33]);
            }
        } else {
            ok++;
            const uint64_t *o = (const uint64_t *)&dh_out;
            for (int j = 0; j < 35; j++) h = mix(h, o[j]); /* X0-X30, SP, NZCV, FPCR, FPSR */
            for (int j = 0; j < 64; j++) h = mix(h, dh_out.v[j]);
            if (verbose) print_state("out", &dh_out, 0);
        }
        if (mem) {
            const uint64_t *buf = (const uint64_t *)BUF_BASE;
            for (int j = 0; j < BUF_SIZE / 8; j++) h = mix(h, buf[j]);
            if (verbose) {
                printf("  out mem:");
                for (int j = 0; j < BUF_SIZE / 8; j++) printf(" %016llx", (unsigned long long)buf[j]);
                printf("\n");
            }
        }
    }
    printf("%s %ld %016llx ok=%ld ill=%ld segv=%ld bus=%ld\n", k->name, index, (unsigned long long)h, ok, ill,
           segv, bus);
    fflush(stdout);
}

static void usage(void) {
    fprintf(stderr, "usage: diffharness [-n CHUNK] [-v INDEX] CLASS SEED COUNT\n"
                    "       diffharness --list [base|ext|all|fuzz]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int chunk = 1000;
    long verbose = -1;
    int a = 1;
    if (argc >= 2 && !strcmp(argv[1], "--list")) {
        const char *which = argc >= 3 ? argv[2] : "base";
        for (int i = 0; i < nclasses; i++) {
            int ext = classes[i].ext;
            int want = !strcmp(which, "fuzz") ? ext == 2
                       : ext != 2 && (!strcmp(which, "all") || (!strcmp(which, "ext") ? ext == 1 : ext == 0));
            if (want) printf("%s\n", classes[i].name);
        }
        return 0;
    }
    while (a < argc && argv[a][0] == '-') {
        if (!strcmp(argv[a], "-n") && a + 1 < argc) chunk = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "-v") && a + 1 < argc) verbose = atol(argv[a + 1]);
        else usage();
        a += 2;
    }
    if (argc - a != 3 || chunk < 1 || chunk > MAX_CHUNK) usage();
    const klass_t *k = 0;
    for (int i = 0; i < nclasses; i++)
        if (!strcmp(classes[i].name, argv[a])) k = &classes[i];
    if (!k) {
        fprintf(stderr, "diffharness: unknown class %s (see --list all)\n", argv[a]);
        return 2;
    }
    uint64_t seed = strtoull(argv[a + 1], 0, 0);
    uint64_t midr;
    __asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
    fuzz_is_max = midr == 0x000f0510; /* qemu's -cpu max */
    long count = atol(argv[a + 2]);
    setup();
    long chunks = (count + chunk - 1) / chunk;
    for (long c = 0; c < chunks; c++) {
        int n = (int)(count - c * chunk < chunk ? count - c * chunk : chunk);
        if (verbose >= 0 && c != verbose) continue;
        run_chunk(k, seed, c, n, verbose >= 0);
    }
    return 0;
}
