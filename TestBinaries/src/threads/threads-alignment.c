/* Exclusives, LSE atomics, CASP, LDAR and STLR at misaligned addresses
   raise SIGBUS (BUS_ADRALN) with si_addr; LDAPR and plain loads do not,
   and a STXR without a matching LDXR fails without touching memory.
   Built with -march=armv8.3-a for the LSE and LDAPR encodings. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static char buf[64] __attribute__((aligned(16)));
static sigjmp_buf back;
static volatile int got_sig, got_code;
static volatile long got_off;

static void handler(int sig, siginfo_t *info, void *uc) {
    (void)uc;
    got_sig = sig;
    got_code = info->si_code;
    got_off = (char *)info->si_addr - buf;
    siglongjmp(back, 1);
}

static void try(const char *name, int which) {
    got_sig = 0;
    if (sigsetjmp(back, 1) == 0) {
        long v = 0;
        char *p = buf + 4;
        switch (which) {
        case 0: asm volatile("ldxr %0, [%1]" : "=r"(v) : "r"(p) : "memory"); break;
        case 1: asm volatile("stxr w3, %0, [%1]" : : "r"(v), "r"(p) : "x3", "memory"); break;
        case 2: asm volatile("ldadd %0, %0, [%1]" : "+r"(v) : "r"(p) : "memory"); break;
        case 3: asm volatile("swph %w0, %w0, [%1]" : "+r"(v) : "r"(buf + 1) : "memory"); break;
        case 4: asm volatile("cas %0, %0, [%1]" : "+r"(v) : "r"(p) : "memory"); break;
        case 5: asm volatile("mov x0, %0\n mov x2, xzr\n mov x3, xzr\n mov x4, xzr\n mov x5, xzr\n casp x2, x3, x4, x5, [x0]"
                             : : "r"(buf + 8) : "x0", "x2", "x3", "x4", "x5", "memory"); break;
        case 6: { long a, b; asm volatile("ldxp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"(buf + 8) : "memory"); break; }
        case 7: asm volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory"); break;
        case 8: asm volatile("stlr %0, [%1]" : : "r"(v), "r"(p) : "memory"); break;
        case 9: asm volatile("ldarh %w0, [%1]" : "=r"(v) : "r"(buf + 1) : "memory"); break;
        case 10: asm volatile("ldapr %0, [%1]" : "=r"(v) : "r"(p) : "memory"); break;
        case 11: asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(p) : "memory"); break;
        case 12: { int a, b; asm volatile("ldxp %w0, %w1, [%2]" : "=r"(a), "=r"(b) : "r"(p) : "memory"); break; }
        case 13: asm volatile("ldaxrb %w0, [%1]" : "=r"(v) : "r"(buf + 3) : "memory"); break;
        }
    }
    if (got_sig) printf("%-6s signal %d code %d offset %ld\n", name, got_sig, got_code, got_off);
    else printf("%-6s no signal\n", name);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGBUS, &sa, 0);
    sigaction(SIGSEGV, &sa, 0);
    const char *names[] = {"ldxr", "stxr", "ldadd", "swph", "cas", "casp", "ldxp", "ldar", "stlr", "ldarh",
                           "ldapr", "ldr", "ldxp w", "ldaxrb"};
    for (int i = 0; i < 14; i++) try(names[i], i);
    return 0;
}
