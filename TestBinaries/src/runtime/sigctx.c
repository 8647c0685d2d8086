/* Signal handlers that read and change the interrupted context: registers,
 * PC, NZCV and the FPSIMD record of the arm64 signal frame, the esr_context
 * record of a data abort, and the sigaction flags SA_NODEFER, SA_RESETHAND,
 * SA_ONSTACK (sigaltstack), with rt_sigsuspend, rt_sigtimedwait and
 * sigpending. Prints only relations, never addresses. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "rtcommon.h"

static volatile int trap_count;
static char *good_page;

/* SIGTRAP from BRK #imm: #0x42 sets registers, NZCV and v16 and steps over;
 * #0x43 resumes at the address the code left in x1. */
static void on_trap(int sig, siginfo_t *si, void *uc)
{
    struct ksigcontext *k = KCTX(uc);
    uint32_t insn = *(uint32_t *)k->pc;
    unsigned imm = (insn >> 5) & 0xffff;
    trap_count++;
    printf("trap: sig=%d code=%d addr==pc %d brk #0x%x\n", sig, si->si_code,
           (uint64_t)si->si_addr == k->pc, imm);
    struct kctxhead *fp = find_record(uc, K_FPSIMD_MAGIC);
    printf("trap: fpsimd record %s size %u\n", fp ? "present" : "missing", fp ? fp->size : 0);
    printf("trap: esr record %s\n", find_record(uc, K_ESR_MAGIC) ? "present" : "absent");
    if (imm == 0x42) {
        uint64_t *v = (uint64_t *)((char *)fp + 16);
        printf("trap: x0=%#llx x1=%#llx v16=%#llx:%#llx\n", (unsigned long long)k->regs[0],
               (unsigned long long)k->regs[1], (unsigned long long)v[33], (unsigned long long)v[32]);
        k->regs[0] = 0x5555;
        k->regs[1] += 1;
        k->pstate = (k->pstate & ~0xf0000000ull) | 0x40000000ull; /* Z only */
        v[32] = 0x7777;
        v[33] = 0x8888;
        /* With SVE state live, sigreturn takes Z16 from the SVE record
         * (whose low 128 bits are V16) instead of the FPSIMD record. */
        struct { struct kctxhead h; uint16_t vl, flags, pad[2]; } *sve = find_record(uc, 0x53564501u);
        if (sve && sve->h.size > 16) {
            uint64_t *z16 = (uint64_t *)((char *)sve + 16 + 16 * sve->vl);
            z16[0] = 0x7777;
            z16[1] = 0x8888;
        }
        k->pc += 4;
    } else {
        k->pc = k->regs[1];
    }
}

static void test_modify_context(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGTRAP, &sa, NULL);

    register uint64_t x0 asm("x0") = 0x1111;
    register uint64_t x1 asm("x1") = 0x2222;
    uint64_t lo, hi, z;
    asm volatile("movz x9, #0xbeef\n"
                 "fmov d16, x9\n"
                 "mov v16.d[1], x9\n"
                 "cmp x9, #0\n" /* Z clear before the trap */
                 "brk #0x42\n"
                 "cset %2, eq\n"
                 "fmov %3, d16\n"
                 "mov %4, v16.d[1]\n"
                 : "+r"(x0), "+r"(x1), "=&r"(z), "=&r"(lo), "=&r"(hi) : : "x9", "v16", "cc", "memory");
    printf("after brk: x0=%#llx x1=%#llx z=%llu v16=%#llx:%#llx\n", (unsigned long long)x0,
           (unsigned long long)x1, (unsigned long long)z, (unsigned long long)hi, (unsigned long long)lo);

    uint64_t r;
    asm volatile("adr x1, 1f\n"
                 "brk #0x43\n"
                 "mov %0, #1\n"
                 "b 2f\n"
                 "1: mov %0, #2\n"
                 "2:\n"
                 : "=r"(r) : : "x1", "memory");
    printf("after brk with a new pc: took the %s path\n", r == 2 ? "redirected" : "fall-through");
}

/* SIGSEGV from a load through x1: the handler points x1 at a good page and
 * returns, so the load runs again and succeeds. */
static void on_segv_fixup(int sig, siginfo_t *si, void *uc)
{
    struct ksigcontext *k = KCTX(uc);
    struct { struct kctxhead h; uint64_t esr; } *e = find_record(uc, K_ESR_MAGIC);
    printf("segv: code=%d fault_address==si_addr %d x1==si_addr %d\n", si->si_code,
           k->fault_address == (uint64_t)si->si_addr, k->regs[1] == (uint64_t)si->si_addr);
    if (e) {
        unsigned ec = (unsigned)(e->esr >> 26) & 0x3f;
        unsigned wnr = (unsigned)(e->esr >> 6) & 1;
        unsigned fsc = (unsigned)e->esr & 0x3f;
        printf("segv: esr size %u EC=%#x IL=%u WnR=%u DFSC type %s\n", e->h.size, ec,
               (unsigned)(e->esr >> 25) & 1, wnr,
               (fsc >> 2) == 1 ? "translation" : (fsc >> 2) == 3 ? "permission" : "other");
    } else {
        printf("segv: esr record absent\n");
    }
    k->regs[1] = (uint64_t)good_page;
    (void)sig;
}

static void test_fault_fixup(void)
{
    good_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *bad = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(bad + 4096, 4096);
    memcpy(good_page, "fixed up", 9);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv_fixup;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    register uint64_t x1 asm("x1") = (uint64_t)(bad + 4096 + 16);
    uint64_t v;
    asm volatile("ldr %0, [x1]" : "=r"(v), "+r"(x1) : : "memory");
    printf("load after fixup: %.8s\n", (char *)&v);

    /* A store to a read-only page: a permission fault with WnR set. */
    x1 = (uint64_t)bad;
    asm volatile("str xzr, [x1]" : "+r"(x1) : : "memory");
    printf("store after fixup: good page starts %#x\n", (unsigned)good_page[0]);
    signal(SIGSEGV, SIG_DFL);
}

/* SA_NODEFER and its absence: a handler that raises its own signal. */
static volatile int depth, max_depth, pending_inside, raises_left;
static void on_usr1(int sig)
{
    depth++;
    if (depth > max_depth) max_depth = depth;
    if (depth == 1 && raises_left > 0) {
        raises_left--;
        raise(sig);
        sigset_t p;
        sigpending(&p);
        pending_inside = sigismember(&p, sig);
    }
    depth--;
}

static void test_nodefer(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    max_depth = 0;
    raises_left = 1;
    raise(SIGUSR1);
    printf("default: nested depth %d, pending inside handler %d\n", max_depth, pending_inside);
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    max_depth = 0;
    pending_inside = 0;
    raises_left = 1;
    raise(SIGUSR1);
    printf("SA_NODEFER: nested depth %d, pending inside handler %d\n", max_depth, pending_inside);
}

static volatile int resethand_hits;
static void on_usr2(int sig) { (void)sig; resethand_hits++; }

static void test_resethand(void)
{
    struct sigaction sa = {0}, old;
    sa.sa_handler = on_usr2;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &old);
    printf("SA_RESETHAND: hits %d, handler now %s\n", resethand_hits,
           old.sa_handler == SIG_DFL ? "SIG_DFL" : "still set");
}

/* SA_ONSTACK: the handler runs on the alternate stack and sees SS_ONSTACK. */
static char altstack[65536] __attribute__((aligned(16)));
static volatile int on_alt, alt_flags, uc_flags_ok, nested_alt_err;
static void on_alt_handler(int sig, siginfo_t *si, void *uc)
{
    char here;
    (void)sig; (void)si;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flags = cur.ss_flags;
    stack_t *ucs = (stack_t *)((char *)uc + 16);
    uc_flags_ok = ucs->ss_sp == altstack && ucs->ss_size == sizeof altstack;
    /* Changing the stack while on it fails with EPERM. */
    stack_t other = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    nested_alt_err = sigaltstack(&other, NULL) == -1 ? errno : 0;
}

static void test_onstack(void)
{
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    printf("sigaltstack set: %d\n", sigaltstack(&ss, NULL));
    stack_t tiny = { .ss_sp = altstack, .ss_size = 1024, .ss_flags = 0 };
    printf("sigaltstack too small: %d %s\n", sigaltstack(&tiny, NULL), errno == ENOMEM ? "ENOMEM" : "other");
    struct sigaction sa = {0};
    sa.sa_sigaction = on_alt_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGWINCH, &sa, NULL);
    raise(SIGWINCH);
    printf("SA_ONSTACK: on alt stack %d, ss_flags SS_ONSTACK %d, uc_stack describes it %d, change while on it %s\n",
           on_alt, alt_flags == SS_ONSTACK, uc_flags_ok, nested_alt_err == EPERM ? "EPERM" : "allowed");
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGWINCH, &sa, NULL);
    raise(SIGWINCH);
    printf("without SA_ONSTACK: on alt stack %d\n", on_alt);
    stack_t off = { .ss_flags = SS_DISABLE };
    sigaltstack(&off, NULL);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("disabled: SS_DISABLE %d\n", cur.ss_flags == SS_DISABLE);
}

static volatile int handled_sig;
static volatile uint64_t mask_in_handler;
static void on_record(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    handled_sig = sig;
    mask_in_handler = KSIGMASK(uc);
}

static void test_suspend_wait_pending(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_record;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigset_t block, old, p;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    kill(getpid(), SIGUSR2);
    sigpending(&p);
    printf("pending after kill while blocked: USR2 %d HUP %d handled %d\n",
           sigismember(&p, SIGUSR2), sigismember(&p, SIGHUP), handled_sig);

    sigset_t wait_mask;
    sigfillset(&wait_mask);
    sigdelset(&wait_mask, SIGUSR2);
    int r = sigsuspend(&wait_mask);
    printf("sigsuspend: %d %s, handled %d\n", r, errno == EINTR ? "EINTR" : "?", handled_sig);
    /* The ucontext holds the mask to restore: the one before sigsuspend. */
    printf("uc_sigmask in handler is the pre-suspend mask: %d\n",
           (mask_in_handler & (1ull << (SIGUSR2 - 1))) && (mask_in_handler & (1ull << (SIGHUP - 1))) &&
           !(mask_in_handler & (1ull << (SIGTERM - 1))));
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("mask restored after sigsuspend: USR2 blocked %d TERM blocked %d\n",
           sigismember(&now, SIGUSR2), sigismember(&now, SIGTERM));

    /* sigtimedwait takes a blocked pending signal without the handler. */
    handled_sig = 0;
    kill(getpid(), SIGHUP);
    siginfo_t si;
    struct timespec ts = {1, 0};
    r = sigtimedwait(&block, &si, &ts);
    printf("sigtimedwait: sig %d code %d (SI_USER %d) pid is self %d, handler ran %d\n", r, si.si_code,
           si.si_code == SI_USER, si.si_pid == getpid(), handled_sig);
    raise(SIGUSR2);
    r = sigwaitinfo(&block, &si);
    printf("sigwaitinfo after raise: sig %d\n", r);
    struct timespec zero = {0, 0};
    r = sigtimedwait(&block, &si, &zero);
    printf("sigtimedwait with nothing pending: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
    struct timespec shortwait = {0, 20 * 1000 * 1000};
    r = sigtimedwait(&block, &si, &shortwait);
    printf("sigtimedwait 20 ms: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");

    /* Ignoring a pending signal discards it. */
    kill(getpid(), SIGHUP);
    signal(SIGHUP, SIG_IGN);
    sigpending(&p);
    printf("pending HUP after SIG_IGN: %d\n", sigismember(&p, SIGHUP));
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_modify_context();
    printf("traps taken: %d\n", trap_count);
    test_fault_fixup();
    test_nodefer();
    test_resethand();
    test_onstack();
    test_suspend_wait_pending();
    printf("done\n");
    return 0;
}
