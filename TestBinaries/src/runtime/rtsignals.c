/* Real-time signals and the kernel's delivery order:
 * - 1,000 sigqueue() to itself of one real-time signal while blocked, all
 *   queued and taken in order with their si_value and SI_QUEUE;
 * - 500 kill() of a blocked real-time signal: its handler runs 500 times;
 * - 1,000 values queued by a child process (a direct real-time signal and
 *   33 interleaved), all taken in order;
 * - rt_sigqueueinfo and rt_tgsigqueueinfo checks (EPERM for a non-negative
 *   si_code or SI_TKILL to another process, EINVAL, ESRCH);
 * - the order in which handlers of several signals unblocked at once run
 *   (thread-directed before process-wide, lowest number first, each frame
 *   stacked on the previous one, so the last one set up runs first);
 * - every signal 1-64 (but SIGKILL, SIGSTOP, SIGCONT) sent within the
 *   process and from another process, taken with rt_sigtimedwait in the
 *   kernel's order (synchronous signals first);
 * - sigwait in the main thread of a signal every thread blocks, sent by
 *   another thread to the process.
 * Raw system calls for the mask and the waits: the C libraries keep 32-34
 * for themselves. Portable: the same source runs natively on x86-64. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

typedef uint64_t kset;
#define BIT(s) ((kset)1 << ((s) - 1))

static long kmask(int how, kset set, kset *old)
{
    return syscall(SYS_rt_sigprocmask, how, &set, old, 8);
}

/* rt_sigtimedwait on a kernel set; timeout_ns < 0 waits for ever. */
static int kwait(kset set, siginfo_t *si, long timeout_ns)
{
    struct timespec ts = { timeout_ns / 1000000000, timeout_ns % 1000000000 };
    return (int)syscall(SYS_rt_sigtimedwait, &set, si, timeout_ns < 0 ? NULL : &ts, 8);
}

static long kqueueinfo(pid_t pid, int sig, int code, int value)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = value;
    return syscall(SYS_rt_sigqueueinfo, pid, sig, &si);
}

static long ktgqueueinfo(pid_t tgid, pid_t tid, int sig, int code, int value)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = value;
    return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si);
}

static const char *err(long r) { return r == 0 ? "0" : errno == EPERM ? "EPERM" : errno == EINVAL ? "EINVAL" : errno == ESRCH ? "ESRCH" : errno == EAGAIN ? "EAGAIN" : "other"; }

static void test_queue_self(void)
{
    kmask(SIG_BLOCK, BIT(40), 0);
    int sent = 0;
    for (int i = 0; i < 1000; i++) {
        union sigval v = { .sival_int = i * 7 };
        if (sigqueue(getpid(), 40, v) == 0) sent++;
    }
    kset pend = 0;
    syscall(SYS_rt_sigpending, &pend, 8);
    int taken = 0, in_order = 0, queue_code = 0, self_pid = 0;
    siginfo_t si;
    while (kwait(BIT(40), &si, 0) == 40) {
        if (si.si_value.sival_int == taken * 7) in_order++;
        if (si.si_code == SI_QUEUE) queue_code++;
        if (si.si_pid == getpid()) self_pid++;
        taken++;
    }
    printf("sigqueue to itself: sent %d, pending %d, taken %d, in order with values %d, SI_QUEUE %d, si_pid self %d\n",
           sent, (pend & BIT(40)) != 0, taken, in_order, queue_code, self_pid);
    kmask(SIG_UNBLOCK, BIT(40), 0);
}

static volatile int handled41;
static void on41(int sig) { (void)sig; handled41++; }

static void test_kill_rt_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on41;
    sigaction(41, &sa, 0);
    kmask(SIG_BLOCK, BIT(41), 0);
    for (int i = 0; i < 500; i++) kill(getpid(), 41);
    int before = handled41;
    kmask(SIG_UNBLOCK, BIT(41), 0);
    printf("500 kill(41) while blocked: handler ran %d before unblocking, %d after\n", before, handled41);
    signal(41, SIG_DFL);
}

static void test_queue_from_child(void)
{
    kmask(SIG_BLOCK, BIT(42) | BIT(33), 0);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        int bad = 0;
        for (int i = 0; i < 500; i++) {
            union sigval v = { .sival_int = 1000 + i };
            if (sigqueue(parent, 42, v) != 0) bad++;
            if (kqueueinfo(parent, 33, SI_QUEUE, 5000 + i) != 0) bad++;
        }
        /* Checks the kernel makes on a signal to another process. */
        long r1 = kqueueinfo(parent, 42, SI_USER, 0);
        printf("child: rt_sigqueueinfo to the parent with SI_USER: %s\n", err(r1));
        long r2 = kqueueinfo(parent, 42, SI_TKILL, 0);
        printf("child: rt_sigqueueinfo to the parent with SI_TKILL: %s\n", err(r2));
        long r3 = kqueueinfo(parent, 42, 1, 0);
        printf("child: rt_sigqueueinfo to the parent with si_code 1: %s\n", err(r3));
        long r4 = ktgqueueinfo(parent, parent, 42, SI_USER, 0);
        printf("child: rt_tgsigqueueinfo to the parent with SI_USER: %s\n", err(r4));
        fflush(stdout);
        _exit(bad);
    }
    int st;
    waitpid(c, &st, 0);
    int n42 = 0, n33 = 0, ok42 = 0, ok33 = 0, from_child = 0, other = 0;
    siginfo_t si;
    int s;
    while ((s = kwait(BIT(42) | BIT(33), &si, 0)) > 0) {
        if (si.si_pid == c && si.si_code == SI_QUEUE) from_child++;
        if (s == 42) { if (si.si_value.sival_int == 1000 + n42) ok42++; n42++; }
        else if (s == 33) { if (si.si_value.sival_int == 5000 + n33) ok33++; n33++; }
        else other++;
    }
    printf("from a child: exit %d, 42 taken %d in order %d, 33 taken %d in order %d, from the child with SI_QUEUE %d, other %d\n",
           WIFEXITED(st) ? WEXITSTATUS(st) : -1, n42, ok42, n33, ok33, from_child, other);
    kmask(SIG_UNBLOCK, BIT(42) | BIT(33), 0);
}

static void test_queueinfo_checks(void)
{
    kmask(SIG_BLOCK, BIT(43) | BIT(44), 0);
    printf("rt_sigqueueinfo to itself with si_code 1: %s\n", err(kqueueinfo(getpid(), 43, 1, 11)));
    printf("rt_sigqueueinfo to itself with SI_TKILL: %s\n", err(kqueueinfo(getpid(), 43, SI_TKILL, 12)));
    printf("rt_sigqueueinfo signal 65: %s\n", err(kqueueinfo(getpid(), 65, SI_QUEUE, 0)));
    printf("rt_sigqueueinfo signal 0: %s\n", err(kqueueinfo(getpid(), 0, SI_QUEUE, 0)));
    printf("rt_tgsigqueueinfo to itself: %s\n", err(ktgqueueinfo(getpid(), (pid_t)syscall(SYS_gettid), 44, SI_QUEUE, 13)));
    printf("rt_tgsigqueueinfo tid 0: %s\n", err(ktgqueueinfo(getpid(), 0, 44, SI_QUEUE, 0)));
    printf("rt_tgsigqueueinfo to a thread of no process: %s\n", err(ktgqueueinfo(getpid(), 0x3ffffff0, 44, SI_QUEUE, 0)));
    siginfo_t si;
    int s;
    while ((s = kwait(BIT(43) | BIT(44), &si, 0)) > 0)
        printf("  took %d code %d value %d\n", s, si.si_code, si.si_value.sival_int);
    kmask(SIG_UNBLOCK, BIT(43) | BIT(44), 0);
}

static int order[64], norder;
static void record(int sig, siginfo_t *si, void *uc) { (void)si; (void)uc; order[norder++] = sig; }

static void test_order(void)
{
    int sigs[] = { SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, 35, 36, 40, 50, 64 };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = record;
    sa.sa_flags = SA_SIGINFO;
    kset all = 0;
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) { sigaction(sigs[i], &sa, 0); all |= BIT(sigs[i]); }
    kset old;
    kmask(SIG_BLOCK, all, &old);
    pid_t tid = (pid_t)syscall(SYS_gettid);
    /* Thread-directed: 50, SIGUSR2, 36. Process-wide: the rest. */
    syscall(SYS_tgkill, getpid(), tid, 50);
    syscall(SYS_tgkill, getpid(), tid, SIGUSR2);
    syscall(SYS_tgkill, getpid(), tid, 36);
    kill(getpid(), 64);
    kill(getpid(), SIGTERM);
    kill(getpid(), 40);
    kill(getpid(), SIGUSR1);
    union sigval v = { .sival_int = 1 };
    sigqueue(getpid(), 35, v);
    kill(getpid(), SIGALRM);
    norder = 0;
    kmask(SIG_SETMASK, old, 0);
    printf("handlers ran in the order:");
    for (int i = 0; i < norder; i++) printf(" %d", order[i]);
    printf("\n");
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_DFL);
}

static int skip(int s) { return s == SIGKILL || s == SIGSTOP || s == SIGCONT; }

/* Takes every pending signal of 1-64 with rt_sigtimedwait; prints them. */
static void take_all(const char *who, pid_t sender)
{
    siginfo_t si;
    int s, n = 0, from_sender = 0;
    printf("%s:", who);
    while ((s = kwait(~(kset)0, &si, 0)) > 0) {
        printf(" %d", s);
        if (si.si_pid == sender && si.si_code == SI_USER) from_sender++;
        n++;
    }
    printf("\n%s: %d signals, %d with SI_USER from the sender\n", who, n, from_sender);
}

static void test_all_signals(void)
{
    kset old;
    kmask(SIG_BLOCK, ~(kset)0, &old);
    for (int s = 1; s <= 64; s++)
        if (!skip(s)) syscall(SYS_kill, getpid(), s);
    kset pend = 0;
    syscall(SYS_rt_sigpending, &pend, 8);
    int npend = 0;
    for (int s = 1; s <= 64; s++) npend += (pend & BIT(s)) != 0;
    printf("within the process: %d pending\n", npend);
    take_all("within the process", getpid());

    int ready[2], go[2];
    pipe(ready);
    pipe(go);
    pid_t c = fork();
    if (c == 0) {
        char b = 0;
        write(ready[1], &b, 1);
        read(go[0], &b, 1);
        take_all("from another process", getppid());
        fflush(stdout);
        _exit(0);
    }
    char b;
    read(ready[0], &b, 1);
    int sent = 0;
    for (int s = 1; s <= 64; s++)
        if (!skip(s) && syscall(SYS_kill, c, s) == 0) sent++;
    printf("sent %d signals to the child\n", sent);
    fflush(stdout);
    write(go[1], &b, 1);
    int st;
    waitpid(c, &st, 0);
    printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    kmask(SIG_SETMASK, old, 0);
}

/* A child dies by each real-time signal: the parent sees it. */
static void test_rt_deaths(void)
{
    int sigs[] = { 32, 33, 34, 35, 48, 63, 64 };
    printf("deaths:");
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        int p[2];
        pipe(p);
        pid_t c = fork();
        if (c == 0) {
            kset none = 0;
            syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, 8);
            char b = 0;
            write(p[1], &b, 1);
            for (;;) pause();
        }
        char b;
        read(p[0], &b, 1);
        syscall(SYS_kill, c, sigs[i]);
        int st;
        waitpid(c, &st, 0);
        printf(" %d:%s%d", sigs[i], WIFSIGNALED(st) ? "signal " : "exit ", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
        close(p[0]);
        close(p[1]);
    }
    printf("\n");
}

/* A process-wide signal that every thread blocks, sent by another thread,
 * is taken by the main thread's sigwait (the kernel unblocks the waited
 * signals for the wait; CPython's test_signal.test_sigwait_thread). */
static void *kill_later(void *arg)
{
    (void)arg;
    usleep(100000);
    kill(getpid(), SIGUSR1);
    return 0;
}

static void test_sigwait_thread(void)
{
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, &old);
    pthread_t t;
    pthread_create(&t, 0, kill_later, 0);
    int sig = 0;
    int r = sigwait(&s, &sig);
    pthread_join(t, 0);
    pthread_sigmask(SIG_SETMASK, &old, 0);
    printf("sigwait of a process-wide signal every thread blocks: %d, signal %d\n", r, sig);
}

int main(void)
{
    setvbuf(stdout, 0, _IOLBF, 0);
    test_queue_self();
    test_kill_rt_handler();
    test_queue_from_child();
    test_queueinfo_checks();
    test_order();
    test_all_signals();
    test_rt_deaths();
    test_sigwait_thread();
    printf("done\n");
    return 0;
}
