/* Synchronous fault signals caught and recovered with siglongjmp: SIGSEGV
 * with MAPERR (unmapped) and ACCERR (mapped, wrong permission) and si_addr,
 * a PROT_NONE guard page, SIGBUS (misaligned PC), SIGILL (ILL_ILLOPC) and
 * SIGTRAP (BRK), then a fault with the handler blocked: the kernel forces
 * the default action. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rtcommon.h"

static sigjmp_buf env;
static volatile int last_sig, last_code;
static volatile uintptr_t last_addr, last_pc;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    last_sig = sig;
    last_code = si->si_code;
    last_addr = (uintptr_t)si->si_addr;
    last_pc = KCTX(uc)->pc;
    siglongjmp(env, 1);
}

static const char *codename(int sig, int code)
{
    if (sig == SIGSEGV) return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGBUS) return code == BUS_ADRALN ? "BUS_ADRALN" : code == BUS_ADRERR ? "BUS_ADRERR" : "?";
    if (sig == SIGILL) return code == ILL_ILLOPC ? "ILL_ILLOPC" : "?";
    if (sig == SIGTRAP) return code == TRAP_BRKPT ? "TRAP_BRKPT" : "?";
    return "?";
}

#define TRY(label, expr_addr, stmt) do { \
    last_sig = 0; \
    if (sigsetjmp(env, 1) == 0) { stmt; printf("%-28s no signal\n", label); } \
    else printf("%-28s %s %s si_addr%s\n", label, strsignal(last_sig), codename(last_sig, last_code), \
                last_addr == (uintptr_t)(expr_addr) ? "==expected" : "!=expected"); \
} while (0)

typedef void (*fn)(void);

/* A child that dies by a signal must not leave qemu's report on stderr. */
static void quiet_stderr(void)
{
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);

    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + 3 * page, page);
    mprotect(m + page, page, PROT_READ);
    mprotect(m + 2 * page, page, PROT_NONE);
    volatile char *v = m;

    TRY("read unmapped", m + 3 * page + 5, (void)v[3 * page + 5]);
    TRY("write unmapped", m + 3 * page, v[3 * page] = 1);
    TRY("write read-only", m + page + 7, v[page + 7] = 1);
    TRY("read read-only", 0, (void)v[page + 7]);
    TRY("read PROT_NONE guard", m + 2 * page + 100, (void)v[2 * page + 100]);
    TRY("null pointer", 0, (void)*(volatile int *)0);
    TRY("execute data page", m, ((fn)m)());
    TRY("execute unmapped", m + 3 * page, ((fn)(m + 3 * page))());
    /* A branch to a misaligned address faults at the branch target. */
    TRY("misaligned pc", (uintptr_t)main + 2, ((fn)((uintptr_t)main + 2))());
    TRY("udf", last_pc, asm volatile(".inst 0x00000000"));
    printf("udf: si_addr==pc %d\n", last_addr == last_pc);
    TRY("brk", last_pc, asm volatile("brk #7"));
    printf("brk: si_addr==pc %d\n", last_addr == last_pc);

    /* mprotect makes the guard readable again. */
    mprotect(m + 2 * page, page, PROT_READ | PROT_WRITE);
    TRY("guard after mprotect", 0, v[2 * page + 100] = 3);
    printf("value kept: %d\n", v[2 * page + 100]);

    /* Recover many times in a row (siglongjmp restores the mask). */
    int n = 0;
    for (int i = 0; i < 100; i++) {
        if (sigsetjmp(env, 1) == 0) (void)*(volatile int *)(m + 3 * page);
        else n++;
    }
    printf("recovered %d faults\n", n);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&now, SIGSEGV));

    /* A fault while SIGSEGV is blocked kills with the default action. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        quiet_stderr();
        sigset_t b;
        sigemptyset(&b);
        sigaddset(&b, SIGSEGV);
        sigprocmask(SIG_BLOCK, &b, NULL);
        (void)*(volatile int *)(m + 3 * page);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("blocked fault: signaled %d sig %d\n", WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : -1);
    pid = fork();
    if (pid == 0) {
        quiet_stderr();
        signal(SIGSEGV, SIG_IGN);
        (void)*(volatile int *)(m + 3 * page);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("ignored fault: signaled %d sig %d\n", WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : -1);
    return 0;
}
