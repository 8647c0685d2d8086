/* Top Byte Ignore (TCR_EL1.TBI0, as Linux sets it for EL0) on branch
 * targets, and the fault address of data aborts at tagged and high
 * addresses (si_addr is untagged_addr(FAR): bit 55 sign-extended over
 * the top byte). Prints relations only, never addresses. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include "rtcommon.h"

#define TAG(p, t) ((uint64_t)(p) | ((uint64_t)(t) << 56))

/* Returns the PC it runs at (x0) and leaves its LR in x1. */
__attribute__((naked, noinline)) static void where(void)
{
    __asm__ volatile("adr x0, .\n mov x1, x30\n ret\n");
}

static uint64_t call_blr(uint64_t target, uint64_t *lr, uint64_t *ret_addr)
{
    register uint64_t x0 __asm__("x0");
    register uint64_t x1 __asm__("x1");
    uint64_t after;
    __asm__ volatile("adr %2, 1f\n blr %3\n1:\n"
                     : "=r"(x0), "=r"(x1), "=&r"(after)
                     : "r"(target)
                     : "x30", "memory");
    *lr = x1;
    *ret_addr = after;
    return x0;
}

static sigjmp_buf jb;
static volatile uint64_t got_addr, got_pc;
static volatile int got_sig;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    got_sig = sig;
    got_addr = (uint64_t)si->si_addr;
    got_pc = KCTX(uc)->pc;
    siglongjmp(jb, 1);
}

static int load_at(uint64_t addr)
{
    got_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        uint64_t v;
        __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
        (void)v;
    }
    return got_sig;
}

static int branch_to(uint64_t addr)
{
    got_sig = 0;
    if (sigsetjmp(jb, 1) == 0) __asm__ volatile("blr %0" : : "r"(addr) : "x30", "memory");
    return got_sig;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGBUS, &sa, 0);

    uint64_t plain = (uint64_t)(uintptr_t)where, lr, after;
    for (unsigned t = 0; t < 256; t += 0x35) {
        uint64_t pc = call_blr(TAG(plain, t), &lr, &after);
        printf("blr to tag %02x: pc is the untagged target %s, lr the untagged return address %s\n", t,
               pc == plain ? "yes" : "no", lr == after ? "yes" : "no");
    }
    /* RET to a tagged return address. */
    uint64_t tagged_ret;
    __asm__ volatile("adr x30, 1f\n mov %0, #0x5a\n orr x30, x30, %0, lsl #56\n ret\n1: adr %0, 1b\n"
                     : "=&r"(tagged_ret) : : "x30");
    printf("ret to a tagged address lands untagged: %s\n", tagged_ret >> 56 == 0 ? "yes" : "no");

    /* A branch to an address with bit 55 set is not stripped and faults. */
    uint64_t high = TAG(plain, 0x12) | (1ull << 55);
    int s = branch_to(high);
    printf("blr to bit 55 set: %s, pc is the full address %s, si_addr sign-extended from bit 55 %s\n",
           s == SIGSEGV ? "SIGSEGV" : "other", got_pc == high ? "yes" : "no",
           got_addr == (high | 0xff00000000000000ull) ? "yes" : "no");

    /* Data faults: unmapped low address, tagged. */
    uint64_t low = 0x1000;
    s = load_at(TAG(low, 0x7f));
    printf("load at tag 7f of an unmapped page: %s, si_addr untagged %s\n", s == SIGSEGV ? "SIGSEGV" : "other",
           got_addr == low ? "yes" : "no");
    uint64_t h2 = 0x0080000000001000ull;
    s = load_at(TAG(h2, 0x34));
    printf("load with bit 55 set: %s, si_addr sign-extended %s\n", s == SIGSEGV ? "SIGSEGV" : "other",
           got_addr == 0xff80000000001000ull ? "yes" : "no");
    return 0;
}
