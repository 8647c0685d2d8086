/* POSIX message queues: mq_open with attributes, priorities in order,
 * mq_getattr/mq_setattr (O_NONBLOCK), timed receive timing out, mq_notify
 * with a signal, a second opener, and mq_unlink. The queue name carries
 * the pid so that runs do not meet; it is never printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

static volatile sig_atomic_t got;
static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    got = si->si_code == SI_MESGQ ? 2 : 1;
}

static const char *en(int e)
{
    switch (e) {
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EMSGSIZE: return "EMSGSIZE";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EACCES: return "EACCES";
    case ENOSYS: return "ENOSYS";
    default: return "other";
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char name[64];
    snprintf(name, sizeof name, "/sql-posixmq-%d", (int)getpid());
    struct mq_attr attr = { .mq_flags = 0, .mq_maxmsg = 4, .mq_msgsize = 32 };
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    mqd_t again = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
    SAY("O_EXCL again: %s\n", again == (mqd_t)-1 ? en(errno) : "opened");
    struct mq_attr a;
    CHECK(mq_getattr(q, &a) == 0);
    SAY("flags %ld maxmsg %ld msgsize %ld curmsgs %ld\n", a.mq_flags, a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
    CHECK(mq_send(q, "low", 4, 1) == 0);
    CHECK(mq_send(q, "high", 5, 9) == 0);
    CHECK(mq_send(q, "middle", 7, 5) == 0);
    CHECK(mq_getattr(q, &a) == 0 && a.mq_curmsgs == 3);
    char buf[64];
    unsigned prio;
    for (int i = 0; i < 3; i++) {
        ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
        SAY("received %zd \"%s\" prio %u\n", n, buf, prio);
    }
    SAY("send too long: %s\n", mq_send(q, buf, 33, 0) < 0 ? en(errno) : "sent");
    SAY("receive small buffer: %s\n", mq_receive(q, buf, 8, &prio) < 0 ? en(errno) : "got");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    SAY("timed receive on empty: %s\n", mq_timedreceive(q, buf, sizeof buf, &prio, &ts) < 0 ? en(errno) : "got");
    struct mq_attr nb = { .mq_flags = O_NONBLOCK }, old;
    CHECK(mq_setattr(q, &nb, &old) == 0 && old.mq_flags == 0);
    CHECK(mq_getattr(q, &a) == 0);
    SAY("nonblocking flag %d\n", (a.mq_flags & O_NONBLOCK) != 0);
    SAY("receive nonblocking: %s\n", mq_receive(q, buf, sizeof buf, &prio) < 0 ? en(errno) : "got");

    /* notification by signal when a message arrives on the empty queue */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    CHECK(mq_notify(q, &ev) == 0);
    SAY("second registration: %s\n", mq_notify(q, &ev) < 0 ? en(errno) : "registered");
    mqd_t w = mq_open(name, O_WRONLY);
    CHECK(w != (mqd_t)-1);
    CHECK(mq_send(w, "ping", 5, 3) == 0);
    for (int i = 0; i < 500 && !got; i++) { struct timespec d = { 0, 1000000 }; nanosleep(&d, NULL); }
    SAY("notified %d\n", got);
    CHECK(mq_receive(q, buf, sizeof buf, &prio) == 5 && strcmp(buf, "ping") == 0 && prio == 3);
    CHECK(mq_notify(q, NULL) == 0);
    SAY("receive on write-only: %s\n", mq_receive(w, buf, sizeof buf, &prio) < 0 ? en(errno) : "got");
    SAY("send bad pointer: %s\n", mq_send(w, (const char *)8, 4, 0) < 0 ? en(errno) : "sent");
    mq_close(w);
    mq_close(q);
    CHECK(mq_unlink(name) == 0);
    SAY("unlink again: %s\n", mq_unlink(name) < 0 ? en(errno) : "removed");
    SAY("open removed: %s\n", mq_open(name, O_RDONLY) == (mqd_t)-1 ? en(errno) : "opened");
    SAY("done\n");
    return 0;
}
