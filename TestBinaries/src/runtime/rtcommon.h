/* Shared helpers of the runtime test programs: the arm64 kernel's view of
 * ucontext (asm/ucontext.h, asm/sigcontext.h), independent of how glibc or
 * musl spell it, and a checked print. */
#ifndef RTCOMMON_H
#define RTCOMMON_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

/* struct sigcontext at offset 176 of struct ucontext (uc_flags, uc_link,
 * uc_stack (24), uc_sigmask (8), 120 bytes of padding up to 1024 bits). */
struct ksigcontext {
    uint64_t fault_address;
    uint64_t regs[31];
    uint64_t sp, pc, pstate;
    uint8_t reserved[4096] __attribute__((aligned(16)));
};
#define KCTX(uc) ((struct ksigcontext *)((char *)(uc) + 176))
#define KSIGMASK(uc) (*(uint64_t *)((char *)(uc) + 40))

struct kctxhead { uint32_t magic, size; };
#define K_FPSIMD_MAGIC 0x46508001u
#define K_ESR_MAGIC 0x45535201u

/* The record with `magic` in __reserved, or NULL. */
static inline void *find_record(void *uc, uint32_t magic)
{
    struct ksigcontext *k = KCTX(uc);
    size_t o = 0;
    while (o + 8 <= sizeof k->reserved) {
        struct kctxhead *h = (struct kctxhead *)(k->reserved + o);
        if (h->magic == 0 || h->size < 8) return NULL;
        if (h->magic == magic) return h;
        o += h->size;
    }
    return NULL;
}

#define CHECK(cond) do { printf("%-60s %s\n", #cond, (cond) ? "ok" : "FAIL"); } while (0)
#define SAY(...) do { printf(__VA_ARGS__); fflush(stdout); } while (0)
#endif
