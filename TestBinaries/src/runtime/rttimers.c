/* POSIX timers with real-time signals and interrupted calls:
 * - timer_create with SIGEV_SIGNAL for signals 33, 40 and 64 (si_code
 *   SI_TIMER, si_value, the timer's id), and SIGEV_THREAD_ID with 45 to a
 *   thread that waits for it;
 * - SIGEV_THREAD (the C library runs it on a thread of its own, woken by
 *   its internal signal);
 * - a child that forks, sets an interval timer and blocks in read with
 *   SA_RESTART: its handler runs and the read resumes, 20 times;
 * - a signalfd read loop fed 2,000 signals by another process;
 * - a signalfd of real-time signals queued with values.
 * Prints counts and relations only. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

typedef uint64_t kset;
#define BIT(s) ((kset)1 << ((s) - 1))

static int kwait(kset set, siginfo_t *si, long timeout_ns)
{
    struct timespec ts = { timeout_ns / 1000000000, timeout_ns % 1000000000 };
    return (int)syscall(SYS_rt_sigtimedwait, &set, si, timeout_ns < 0 ? NULL : &ts, 8);
}

static void one_shot(timer_t t, long ns)
{
    struct itimerspec its = { { 0, 0 }, { ns / 1000000000, ns % 1000000000 } };
    timer_settime(t, 0, &its, 0);
}

static void test_signal_timers(void)
{
    int sigs[] = { 33, 40, 64 };
    for (unsigned i = 0; i < 3; i++) {
        int s = sigs[i];
        kset set = BIT(s);
        syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, 0, 8);
        struct sigevent sev;
        memset(&sev, 0, sizeof sev);
        sev.sigev_notify = SIGEV_SIGNAL;
        sev.sigev_signo = s;
        sev.sigev_value.sival_int = 100 + s;
        timer_t t;
        int r = timer_create(CLOCK_MONOTONIC, &sev, &t);
        one_shot(t, 5000000);
        siginfo_t si;
        int got = kwait(set, &si, 2000000000L);
        printf("timer signal %d: create %d, got %d, SI_TIMER %d, value %d, timer id matches %d\n", s, r, got,
               si.si_code == SI_TIMER, si.si_value.sival_int, si.si_timerid == (int)(intptr_t)t);
        /* A periodic timer: several expirations, each one signal. */
        struct itimerspec its = { { 0, 2000000 }, { 0, 2000000 } };
        timer_settime(t, 0, &its, 0);
        int n = 0;
        while (n < 5 && kwait(set, &si, 2000000000L) == s) n++;
        its.it_value.tv_nsec = 0;
        its.it_interval.tv_nsec = 0;
        timer_settime(t, 0, &its, 0);
        while (kwait(set, &si, 0) == s) {}
        printf("  periodic: %d expirations taken\n", n);
        timer_delete(t);
    }
}

static pthread_t waiter;
static volatile int waiter_tid, waiter_got, waiter_code;
static void *wait45(void *arg)
{
    (void)arg;
    waiter_tid = (int)syscall(SYS_gettid);
    siginfo_t si;
    waiter_got = kwait(BIT(45), &si, 3000000000L);
    waiter_code = si.si_code;
    return 0;
}

static void test_thread_id_timer(void)
{
    kset set = BIT(45);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, 0, 8);
    pthread_create(&waiter, 0, wait45, 0);
    while (!waiter_tid) sched_yield();
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = 45;
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif
    sev.sigev_notify_thread_id = waiter_tid;
    timer_t t;
    int r = timer_create(CLOCK_MONOTONIC, &sev, &t);
    one_shot(t, 5000000);
    pthread_join(waiter, 0);
    kset pend = 0;
    syscall(SYS_rt_sigpending, &pend, 8);
    printf("SIGEV_THREAD_ID 45: create %d, the thread got %d SI_TIMER %d, pending in main %d\n", r, waiter_got,
           waiter_code == SI_TIMER, (pend & set) != 0);
    timer_delete(t);
}

static volatile int thread_calls, thread_value;
static void on_expire(union sigval v) { thread_value = v.sival_int; __atomic_fetch_add(&thread_calls, 1, __ATOMIC_SEQ_CST); }

static void test_sigev_thread(void)
{
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD;
    sev.sigev_notify_function = on_expire;
    sev.sigev_value.sival_int = 77;
    timer_t t;
    int r = timer_create(CLOCK_MONOTONIC, &sev, &t);
    one_shot(t, 5000000);
    for (int i = 0; i < 300 && !thread_calls; i++) usleep(10000);
    one_shot(t, 5000000);
    for (int i = 0; i < 300 && thread_calls < 2; i++) usleep(10000);
    printf("SIGEV_THREAD: create %d, calls %d, value %d\n", r, thread_calls, thread_value);
    timer_delete(t);
}

static volatile int alarms;
static void on_alarm(int s) { (void)s; alarms++; }

static void test_restart_after_fork(void)
{
    int ok = 0;
    for (int round = 0; round < 20; round++) {
        pid_t c = fork();
        if (c == 0) {
            int p[2];
            pipe(p);
            pid_t w = fork();
            if (w == 0) {
                usleep(60000);
                write(p[1], "x", 1);
                _exit(0);
            }
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_alarm;
            sa.sa_flags = SA_RESTART;
            sigaction(SIGALRM, &sa, 0);
            struct itimerval it = { { 0, 0 }, { 0, 10000 } };
            setitimer(ITIMER_REAL, &it, 0);
            char b = 0;
            ssize_t n = read(p[0], &b, 1);
            waitpid(w, 0, 0);
            _exit(n == 1 && b == 'x' && alarms == 1 ? 0 : 1);
        }
        int st;
        waitpid(c, &st, 0);
        ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    printf("fork, setitimer, read with SA_RESTART: %d of 20 resumed after the handler\n", ok);
}

static void test_signalfd_loop(void)
{
    kset set = BIT(SIGUSR1) | BIT(SIGUSR2);
    sigset_t ss;
    sigemptyset(&ss);
    sigaddset(&ss, SIGUSR1);
    sigaddset(&ss, SIGUSR2);
    sigprocmask(SIG_BLOCK, &ss, 0);
    (void)set;
    int fd = signalfd(-1, &ss, SFD_CLOEXEC);
    int ack[2];
    pipe(ack);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        for (int i = 0; i < 2000; i++) {
            kill(parent, i % 2 ? SIGUSR2 : SIGUSR1);
            char b;
            if (read(ack[0], &b, 1) != 1) _exit(1);
        }
        _exit(0);
    }
    int n1 = 0, n2 = 0, from_child = 0;
    for (int i = 0; i < 2000; i++) {
        struct signalfd_siginfo fi;
        if (read(fd, &fi, sizeof fi) != sizeof fi) break;
        if (fi.ssi_signo == SIGUSR1) n1++;
        if (fi.ssi_signo == SIGUSR2) n2++;
        if ((pid_t)fi.ssi_pid == c) from_child++;
        write(ack[1], "a", 1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("signalfd loop: USR1 %d USR2 %d from the sender %d, sender exit %d\n", n1, n2, from_child,
           WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    close(fd);
    sigprocmask(SIG_UNBLOCK, &ss, 0);
}

static void test_signalfd_rt(void)
{
    sigset_t ss;
    sigemptyset(&ss);
    sigaddset(&ss, 40);
    sigaddset(&ss, 50);
    sigprocmask(SIG_BLOCK, &ss, 0);
    int fd = signalfd(-1, &ss, SFD_NONBLOCK);
    for (int i = 0; i < 100; i++) {
        union sigval v = { .sival_int = i };
        sigqueue(getpid(), i % 3 ? 40 : 50, v);
    }
    kset pend = 0;
    syscall(SYS_rt_sigpending, &pend, 8);
    int n40 = 0, n50 = 0, order_ok = 0, queue_code = 0, last40 = -1, last50 = -1;
    struct signalfd_siginfo fi;
    while (read(fd, &fi, sizeof fi) == sizeof fi) {
        int v = fi.ssi_int;
        if (fi.ssi_code == SI_QUEUE) queue_code++;
        if (fi.ssi_signo == 40) { if (v > last40 && v % 3) order_ok++; last40 = v; n40++; }
        if (fi.ssi_signo == 50) { if (v > last50 && v % 3 == 0) order_ok++; last50 = v; n50++; }
    }
    printf("signalfd of 40 and 50: pending %d %d, read 40 x%d 50 x%d, values in order %d, SI_QUEUE %d\n",
           (pend & BIT(40)) != 0, (pend & BIT(50)) != 0, n40, n50, order_ok, queue_code);
    close(fd);
    sigprocmask(SIG_UNBLOCK, &ss, 0);
}

int main(void)
{
    setvbuf(stdout, 0, _IOLBF, 0);
    test_signal_timers();
    test_thread_id_timer();
    test_sigev_thread();
    test_restart_after_fork();
    test_signalfd_loop();
    test_signalfd_rt();
    printf("done\n");
    return 0;
}
