/* Shared declarations of the differential instruction-testing harness. */
#ifndef DIFF_H
#define DIFF_H
#include <stdint.h>

/* Fixed guest addresses, so that every address-dependent result (ADR,
 * written-back bases, stored pointers, literal loads) is the same under
 * every emulator. */
#define CODE_BASE 0x20000000ull          /* test slots, RWX */
#define SLOT_WORDS 8                     /* one slot: 32 bytes */
#define MAX_CHUNK 1024
#define CODE_SIZE (MAX_CHUNK * SLOT_WORDS * 4 + 4096) /* slots + trampoline page */
#define LIT_BASE (CODE_BASE + CODE_SIZE) /* literals page: X30 value, exit address */
#define BUF_BASE 0x30000000ull           /* scratch memory of loads and stores */
#define BUF_SIZE 512
#define NONE_BASE 0x30010000ull          /* a PROT_NONE page */
#define FAULT_PAGE 1                     /* every access lands in NONE_BASE */
#define FAULT_ALIGN 2                    /* exclusives and atomics misaligned */

typedef struct { uint64_t s; } rng_t;

static inline uint64_t next64(rng_t *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static inline uint32_t below(rng_t *r, uint32_t n) { return (uint32_t)(next64(r) % n); }

typedef struct { uint32_t mask, value; } pat_t;

/* One instruction class: random words matching one of its patterns, then
 * `fix` (may force fields, returns 0 to draw again). `gen`, when set,
 * replaces both and may emit up to 3 words (e.g. LDXR then STXR). */
typedef struct klass {
    const char *name;
    const pat_t *pats;
    int npats;
    int (*fix)(uint32_t *w, rng_t *r);
    int (*gen)(rng_t *r, uint64_t pc, uint32_t *words);
    int ext; /* 1: an extension beyond Armv8.0; 2: random words (words.c) */
    int fault; /* accesses: 0 in the buffer, FAULT_PAGE or FAULT_ALIGN */
} klass_t;

extern const klass_t classes[];

/* words.c: the fuzz classes. */
struct cpu;
extern int fuzz_is_max;
int gen_fuzz_uniform(rng_t *r, uint64_t pc, uint32_t *words);
int gen_fuzz_biased(rng_t *r, uint64_t pc, uint32_t *words);
void fix_fuzz(uint32_t w, struct cpu *s, rng_t *r);
extern const int nclasses;

/* CPU state in and out; layout known by enter.S. */
struct cpu {
    uint64_t x[31];
    uint64_t sp, nzcv, fpcr, fpsr, pad;
    uint64_t v[64] __attribute__((aligned(16)));
};

#endif
