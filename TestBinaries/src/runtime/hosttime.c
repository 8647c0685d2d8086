/* Host name, clocks and the kernel log, without changing the host: the
 * host and domain names only in a UTS namespace of the program's own;
 * the clock calls only with arguments the kernel rejects, or reading
 * (adjtimex modes 0); and, in a child that has given up root, the EPERM
 * of every privileged call (clock_settime, settimeofday, adjtimex,
 * clock_adjtime, sethostname, syslog, vhangup). Runs as root. */
#define _GNU_SOURCE
#include "rtcommon.h"
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *err(long r)
{
    static char buf[64];
    if (r >= 0) { snprintf(buf, sizeof buf, "%ld", r); return buf; }
    snprintf(buf, sizeof buf, "-1 %s", strerror(errno));
    return buf;
}

static int wait_child(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void uts(void)
{
    SAY("unshare UTS namespace: %s\n", err(unshare(CLONE_NEWUTS)));
    SAY("sethostname: %s\n", err(sethostname("guest-host", 10)));
    SAY("setdomainname: %s\n", err(setdomainname("guest.example", 13)));
    struct utsname u;
    uname(&u);
    SAY("uname nodename %s domainname %s machine %s\n", u.nodename, u.domainname, u.machine);
    char name[80];
    memset(name, 'n', sizeof name);
    SAY("sethostname 65 bytes: %s\n", err(sethostname(name, 65)));
    SAY("sethostname 64 bytes: %s\n", err(sethostname(name, 64)));
    uname(&u);
    SAY("nodename length %zu\n", strlen(u.nodename));
    SAY("sethostname negative length: %s\n", err(syscall(SYS_sethostname, name, -1L)));
    SAY("sethostname bad pointer: %s\n", err(syscall(SYS_sethostname, (void *)8, 5)));
    SAY("setdomainname 65 bytes: %s\n", err(setdomainname(name, 65)));
    SAY("sethostname empty: %s\n", err(sethostname("", 0)));
    uname(&u);
    SAY("nodename \"%s\"\n", u.nodename);
}

static void clocks(void)
{
    struct timespec ts = { 0, 0 };
    SAY("clock_settime MONOTONIC: %s\n", err(syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts)));
    struct timespec bad = { 1, 2000000000 };
    SAY("clock_settime bad nsec: %s\n", err(syscall(SYS_clock_settime, CLOCK_REALTIME, &bad)));
    SAY("clock_settime bad clock: %s\n", err(syscall(SYS_clock_settime, 99, &ts)));
    SAY("clock_settime bad pointer: %s\n", err(syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8)));
    struct timeval badtv = { 1, 2000000 };
    SAY("settimeofday bad usec: %s\n", err(syscall(SYS_settimeofday, &badtv, NULL)));
    SAY("settimeofday bad pointer: %s\n", err(syscall(SYS_settimeofday, (void *)8, NULL)));
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    long r = syscall(SYS_adjtimex, &tx);
    SAY("adjtimex read: state in 0..5 %d\n", r >= 0 && r <= 5);
    SAY("adjtimex bad pointer: %s\n", err(syscall(SYS_adjtimex, (void *)8)));
    memset(&tx, 0, sizeof tx);
    r = syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
    SAY("clock_adjtime REALTIME read: state in 0..5 %d\n", r >= 0 && r <= 5);
    memset(&tx, 0, sizeof tx);
    SAY("clock_adjtime MONOTONIC: %s\n", err(syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, &tx)));
    SAY("syslog bad type: %s\n", err(syscall(SYS_syslog, 99, NULL, 0)));
    SAY("syslog read NULL: %s\n", err(syscall(SYS_syslog, 2, NULL, 10)));
    char logbuf[16];
    SAY("syslog read negative: %s\n", err(syscall(SYS_syslog, 3, logbuf, -1)));
    long size = syscall(SYS_syslog, 10, NULL, 0);
    SAY("syslog buffer size positive %d\n", size > 0);
    SAY("syslog read bad pointer: %s\n", err(syscall(SYS_syslog, 3, (void *)8, 100)));
}

static void unprivileged(void)
{
    SAY("give up root: %s\n", err(setresuid(65534, 65534, 65534)));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    SAY("clock_settime: %s\n", err(syscall(SYS_clock_settime, CLOCK_REALTIME, &now)));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    SAY("settimeofday: %s\n", err(syscall(SYS_settimeofday, &tv, NULL)));
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    syscall(SYS_adjtimex, &tx);
    tx.modes = ADJ_FREQUENCY;
    SAY("adjtimex ADJ_FREQUENCY: %s\n", err(syscall(SYS_adjtimex, &tx)));
    SAY("clock_adjtime ADJ_FREQUENCY: %s\n", err(syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx)));
    SAY("sethostname: %s\n", err(sethostname("x", 1)));
    SAY("setdomainname: %s\n", err(setdomainname("x", 1)));
    SAY("syslog clear: %s\n", err(syscall(SYS_syslog, 5, NULL, 0)));
    SAY("vhangup: %s\n", err(syscall(SYS_vhangup)));
}

int main(void)
{
    if (geteuid() != 0) { SAY("hosttime: needs root\n"); return 1; }
    uts();
    clocks();
    pid_t pid = fork();
    if (pid == 0) { unprivileged(); _exit(0); }
    SAY("unprivileged child exit %d\n", wait_child(pid));
    return 0;
}
