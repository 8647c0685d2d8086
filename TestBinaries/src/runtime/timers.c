/* Timers and interrupted calls: alarm, setitimer (ITIMER_REAL), POSIX
 * timers with SIGEV_SIGNAL and SIGEV_THREAD_ID (si_code SI_TIMER and
 * si_value), timerfd, and a blocking read interrupted by a signal with and
 * without SA_RESTART. Prints counts and relations only, never times. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

static volatile int alarms, timer_hits, last_code, last_value, value_ok;

static void on_alarm(int sig) { (void)sig; alarms++; }

static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    timer_hits++;
    last_code = si->si_code;
    last_value = si->si_value.sival_int;
}

static void test_alarm(void)
{
    signal(SIGALRM, on_alarm);
    printf("alarm(5) returns %u\n", alarm(5));
    unsigned left = alarm(0);
    printf("alarm(0) returns the remainder: %d\n", left >= 4 && left <= 5);
    alarm(1);
    pause();
    printf("pause returned after %d alarm\n", alarms);
}

static void test_itimer(void)
{
    struct itimerval it = {{0, 20000}, {0, 20000}}, cur;
    alarms = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    while (alarms < 5) pause();
    getitimer(ITIMER_REAL, &cur);
    printf("itimer: at least 5 SIGALRM %d, interval kept %d\n", alarms >= 5,
           cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, &cur);
    getitimer(ITIMER_REAL, &cur);
    printf("itimer disarmed: %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
}

static void test_posix_timer(int notify)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = notify;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = notify == SIGEV_SIGNAL ? 1234 : 5678;
#ifdef sigev_notify_thread_id
    if (notify == SIGEV_THREAD_ID) sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
#else
    if (notify == SIGEV_THREAD_ID) sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
#endif
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &sev, &t) != 0) {
        printf("timer_create(%s) failed: %s\n", notify == SIGEV_SIGNAL ? "SIGEV_SIGNAL" : "SIGEV_THREAD_ID", strerror(errno));
        return;
    }
    timer_hits = 0;
    struct itimerspec its = {{0, 10 * 1000 * 1000}, {0, 10 * 1000 * 1000}}, cur;
    timer_settime(t, 0, &its, NULL);
    while (timer_hits < 3) pause();
    timer_gettime(t, &cur);
    printf("%s: hits>=3 %d code SI_TIMER %d value %d interval %ld ns\n",
           notify == SIGEV_SIGNAL ? "SIGEV_SIGNAL" : "SIGEV_THREAD_ID", timer_hits >= 3,
           last_code == SI_TIMER, last_value, cur.it_interval.tv_nsec);
    struct itimerspec off = {{0, 0}, {0, 0}};
    timer_settime(t, 0, &off, NULL);
    timer_gettime(t, &cur);
    printf("disarmed: %d, overrun %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
           timer_getoverrun(t) >= 0);
    printf("timer_delete: %d\n", timer_delete(t));

    /* A one-shot absolute timer on CLOCK_REALTIME, waited for with
     * sigwaitinfo while blocked. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sev.sigev_signo = SIGUSR2;
    sev.sigev_value.sival_int = 99;
    timer_create(CLOCK_REALTIME, &sev, &t);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec += 30 * 1000 * 1000;
    if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
    struct itimerspec abs = {{0, 0}, now};
    timer_settime(t, TIMER_ABSTIME, &abs, NULL);
    siginfo_t si;
    int r = sigwaitinfo(&set, &si);
    printf("absolute one-shot: sig %d code SI_TIMER %d value %d\n", r, si.si_code == SI_TIMER, si.si_value.sival_int);
    timer_delete(t);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_timerfd(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec its = {{0, 5 * 1000 * 1000}, {0, 5 * 1000 * 1000}}, cur;
    timerfd_settime(fd, 0, &its, NULL);
    uint64_t total = 0, n;
    while (total < 4) {
        if (read(fd, &n, 8) != 8) { printf("timerfd read failed\n"); break; }
        total += n;
    }
    timerfd_gettime(fd, &cur);
    printf("timerfd: expirations>=4 %d interval %ld ns\n", total >= 4, cur.it_interval.tv_nsec);
    struct itimerspec off = {{0, 0}, {0, 0}};
    timerfd_settime(fd, 0, &off, NULL);
    close(fd);
    fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    ssize_t r = read(fd, &n, 8);
    printf("timerfd unarmed nonblocking read: %zd %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
    close(fd);
}

/* A read from an empty pipe, interrupted by SIGALRM: EINTR without
 * SA_RESTART; with it, the read restarts and returns the data written by a
 * second alarm's handler. */
static int pipefd[2];
static volatile int restart_hits;
static void on_alarm_write(int sig)
{
    (void)sig;
    if (++restart_hits == 2) write(pipefd[1], "x", 1);
}

static void test_restart(void)
{
    pipe(pipefd);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarms = 0;
    struct itimerval it = {{0, 0}, {0, 30000}};
    setitimer(ITIMER_REAL, &it, NULL);
    char c;
    ssize_t r = read(pipefd[0], &c, 1);
    printf("read without SA_RESTART: %zd %s, alarms %d\n", r, errno == EINTR ? "EINTR" : "?", alarms);

    sa.sa_handler = on_alarm_write;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it2 = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &it2, NULL);
    r = read(pipefd[0], &c, 1);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("read with SA_RESTART: %zd '%c', handler ran at least twice %d\n", r, c, restart_hits >= 2);

    /* nanosleep is never restarted: EINTR even with SA_RESTART. */
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it3 = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &it3, NULL);
    struct timespec req = {5, 0}, rem = {0, 0};
    int s = nanosleep(&req, &rem);
    printf("nanosleep with SA_RESTART: %d %s, remainder left %d\n", s, errno == EINTR ? "EINTR" : "?",
           rem.tv_sec >= 3 && rem.tv_sec <= 5);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_alarm();
    test_itimer();
    test_posix_timer(SIGEV_SIGNAL);
    test_posix_timer(SIGEV_THREAD_ID);
    test_timerfd();
    test_restart();
    printf("done\n");
    return 0;
}
