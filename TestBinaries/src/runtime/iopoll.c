/* I/O readiness: pipes with poll, ppoll and pselect6 (with a signal mask
 * that the call installs atomically: a blocked signal interrupts the wait),
 * epoll (the 16-byte arm64 struct epoll_event, data kept intact) and
 * epoll_pwait with a mask, eventfd, timerfd in epoll, signalfd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

static volatile int usr1_hits;
static void on_usr1(int sig) { (void)sig; usr1_hits++; }

/* Blocks SIGUSR1, arms a 30 ms one-shot timer sending it, and returns the
 * old mask (SIGUSR1 unblocked) for the *_pwait calls to install. */
static timer_t timer;
static void arm_usr1(void)
{
    struct itimerspec its = {{0, 0}, {0, 30 * 1000 * 1000}};
    timer_settime(timer, 0, &its, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2];
    pipe(p);
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    printf("poll empty pipe: %d read-ready %d write-ready %d\n", poll(pf, 2, 0),
           !!(pf[0].revents & POLLIN), !!(pf[1].revents & POLLOUT));
    write(p[1], "abc", 3);
    printf("poll after write: %d read-ready %d\n", poll(pf, 1, 0), !!(pf[0].revents & POLLIN));
    close(p[1]);
    char buf[8];
    read(p[0], buf, 3);
    printf("poll after writer closed: %d POLLHUP %d\n", poll(pf, 1, 0), !!(pf[0].revents & POLLHUP));
    close(p[0]);
    pipe(p);

    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent sev = {0};
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    timer_create(CLOCK_MONOTONIC, &sev, &timer);
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGUSR1);

    /* With SIGUSR1 blocked, a plain timeout passes; with the mask argument
     * unblocking it, the signal interrupts the wait. */
    arm_usr1();
    struct timespec ts = {0, 100 * 1000 * 1000};
    struct pollfd one = {p[0], POLLIN, 0};
    int r = ppoll(&one, 1, &ts, NULL);
    printf("ppoll without mask: %d, handler ran %d\n", r, usr1_hits);
    sigset_t pend;
    sigpending(&pend);
    printf("SIGUSR1 pending after it: %d\n", sigismember(&pend, SIGUSR1));
    /* The pending signal is taken as soon as the mask lets it in. */
    ts.tv_sec = 2;
    r = ppoll(&one, 1, &ts, &waitmask);
    printf("ppoll with mask: %d %s, handler ran %d\n", r, errno == EINTR ? "EINTR" : "?", usr1_hits);
    arm_usr1();
    r = ppoll(&one, 1, &ts, &waitmask);
    printf("ppoll with mask, signal during the wait: %d %s, handler ran %d\n", r, errno == EINTR ? "EINTR" : "?", usr1_hits);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("mask back after ppoll: USR1 blocked %d\n", sigismember(&now, SIGUSR1));

    fd_set rfds;
    FD_ZERO(&rfds);
    FD_SET(p[0], &rfds);
    struct timespec t0 = {0, 0};
    printf("pselect nothing ready: %d\n", pselect(p[0] + 1, &rfds, NULL, NULL, &t0, NULL));
    arm_usr1();
    FD_SET(p[0], &rfds);
    r = pselect(p[0] + 1, &rfds, NULL, NULL, &ts, &waitmask);
    printf("pselect with mask: %d %s, handler ran %d\n", r, errno == EINTR ? "EINTR" : "?", usr1_hits);
    write(p[1], "x", 1);
    FD_SET(p[0], &rfds);
    r = pselect(p[0] + 1, &rfds, NULL, NULL, &ts, &waitmask);
    printf("pselect ready: %d set %d\n", r, FD_ISSET(p[0], &rfds));
    read(p[0], buf, 1);
    struct timeval tv = {0, 1000};
    FD_SET(p[0], &rfds);
    printf("select timeout: %d\n", select(p[0] + 1, &rfds, NULL, NULL, &tv));

    /* epoll: the data word comes back whole. */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {0}, out[4];
    ev.events = EPOLLIN;
    ev.data.u64 = 0x1122334455667788ull;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    int efd = eventfd(0, EFD_NONBLOCK);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 0xa1b2c3d4e5f60718ull;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    printf("sizeof(struct epoll_event) = %zu\n", sizeof(struct epoll_event));
    printf("epoll_wait idle: %d\n", epoll_wait(ep, out, 4, 0));
    write(p[1], "y", 1);
    uint64_t one64 = 5;
    write(efd, &one64, 8);
    r = epoll_wait(ep, out, 4, 100);
    uint64_t seen = 0;
    for (int i = 0; i < r; i++) seen ^= out[i].data.u64;
    printf("epoll_wait: %d events, data words intact %d\n", r,
           seen == (0x1122334455667788ull ^ 0xa1b2c3d4e5f60718ull));
    uint64_t got;
    printf("eventfd read: %zd value %llu\n", read(efd, &got, 8), (unsigned long long)got);
    printf("eventfd empty read: %zd %s\n", read(efd, &got, 8), errno == EAGAIN ? "EAGAIN" : "?");
    read(p[0], buf, 1);
    ev.events = EPOLLOUT;
    ev.data.u64 = 42;
    printf("EPOLL_CTL_MOD: %d\n", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    printf("EPOLL_CTL_DEL: %d, again %d %s\n", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL),
           epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), errno == ENOENT ? "ENOENT" : "?");

    arm_usr1();
    int before = usr1_hits;
    r = epoll_pwait(ep, out, 4, 2000, &waitmask);
    printf("epoll_pwait with mask: %d %s, handler ran %d\n", r, errno == EINTR ? "EINTR" : "?", usr1_hits - before);

    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    ev.events = EPOLLIN;
    ev.data.u64 = 7;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
    struct itimerspec its = {{0, 0}, {0, 10 * 1000 * 1000}};
    timerfd_settime(tfd, 0, &its, NULL);
    r = epoll_wait(ep, out, 4, 2000);
    printf("timerfd in epoll: %d event data %llu\n", r, (unsigned long long)out[0].data.u64);
    uint64_t exp;
    printf("timerfd read: %zd expirations %llu\n", read(tfd, &exp, 8), (unsigned long long)exp);

    /* signalfd: a blocked signal read as a struct signalfd_siginfo. */
    sigset_t sfmask;
    sigemptyset(&sfmask);
    sigaddset(&sfmask, SIGUSR2);
    sigprocmask(SIG_BLOCK, &sfmask, NULL);
    int sfd = signalfd(-1, &sfmask, SFD_NONBLOCK);
    if (sfd < 0) {
        printf("signalfd: %s\n", strerror(errno));
    } else {
        struct signalfd_siginfo si;
        printf("signalfd nothing pending: %zd %s\n", read(sfd, &si, sizeof si), errno == EAGAIN ? "EAGAIN" : "?");
        kill(getpid(), SIGUSR2);
        sigpending(&pend);
        printf("pending before the read: %d\n", sigismember(&pend, SIGUSR2));
        ev.events = EPOLLIN;
        ev.data.u64 = 9;
        epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
        r = epoll_wait(ep, out, 4, 1000);
        printf("signalfd in epoll: %d data %llu\n", r, (unsigned long long)out[0].data.u64);
        ssize_t n = read(sfd, &si, sizeof si);
        printf("signalfd read: %zd signo %u code SI_USER %d pid is self %d\n", n, si.ssi_signo,
               si.ssi_code == SI_USER, si.ssi_pid == (uint32_t)getpid());
        sigpending(&pend);
        printf("consumed: still pending %d\n", sigismember(&pend, SIGUSR2));
        raise(SIGUSR2);
        struct pollfd spf = {sfd, POLLIN, 0};
        printf("poll on signalfd after raise: %d\n", poll(&spf, 1, 1000));
        n = read(sfd, &si, sizeof si);
        printf("signalfd read after raise: %zd signo %u\n", n, si.ssi_signo);
        /* Unblocking a signal the signalfd did not take runs its handler. */
        struct sigaction usa = {0};
        usa.sa_handler = on_usr1;
        sigaction(SIGUSR2, &usa, NULL);
        int hits = usr1_hits;
        kill(getpid(), SIGUSR2);
        sigprocmask(SIG_UNBLOCK, &sfmask, NULL);
        printf("handler after unblocking: %d\n", usr1_hits - hits);
        close(sfd);
    }
    printf("done\n");
    return 0;
}
