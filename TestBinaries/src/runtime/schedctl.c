/* Scheduling, namespaces and prctl: sched_setscheduler/getscheduler,
 * sched_setparam/getparam, sched_rr_get_interval, sched_setaffinity
 * (really pinning), ioprio, unshare and setns of a UTS namespace, kcmp;
 * prctl's process options (dumpable, parent death signal, keepcaps,
 * no_new_privs, subreaper, timer slack, capability bounding set, ambient
 * set, securebits, THP), the ones the emulator refuses (seccomp, SET_MM),
 * the arm64 CPU ones (SVE, PAC, tagged addresses) and the thread name,
 * which /proc shows. Runs as root. */
#define _GNU_SOURCE
#include "rtcommon.h"
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(long r)
{
    static char buf[64];
    if (r >= 0) { snprintf(buf, sizeof buf, "%ld", r); return buf; }
    snprintf(buf, sizeof buf, "-1 %s", strerror(errno));
    return buf;
}

static long pr(int op, unsigned long a, unsigned long b, unsigned long c, unsigned long d)
{
    return syscall(SYS_prctl, op, a, b, c, d);
}

static void sched(void)
{
    struct sched_param sp = { 0 };
    int orig = sched_getscheduler(0);
    SAY("scheduler at start %d\n", orig);
    SAY("setscheduler BATCH: %s\n", err(sched_setscheduler(0, SCHED_BATCH, &sp)));
    SAY("getscheduler: %d\n", sched_getscheduler(0));
    SAY("setscheduler IDLE: %s\n", err(sched_setscheduler(0, SCHED_IDLE, &sp)));
    SAY("getscheduler: %d\n", sched_getscheduler(0));
    sp.sched_priority = 5;
    SAY("setscheduler OTHER priority 5: %s\n", err(sched_setscheduler(0, SCHED_OTHER, &sp)));
    SAY("setscheduler bad policy: %s\n", err(sched_setscheduler(0, 77, &sp)));
    SAY("setscheduler NULL param: %s\n", err(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL)));
    sp.sched_priority = 0;
    SAY("setscheduler OTHER: %s\n", err(sched_setscheduler(0, SCHED_OTHER, &sp)));
    SAY("setparam 0: %s\n", err(sched_setparam(0, &sp)));
    sp.sched_priority = 3;
    SAY("setparam 3 for OTHER: %s\n", err(sched_setparam(0, &sp)));
    sp.sched_priority = -1;
    SAY("getparam: %s\n", err(sched_getparam(0, &sp)));
    SAY("priority %d\n", sp.sched_priority);
    SAY("setparam no such pid: %s\n", err(syscall(SYS_sched_setparam, 0x7ffffff0, &sp)));
    struct timespec ts;
    SAY("rr_get_interval: %s\n", err(sched_rr_get_interval(0, &ts)));
    SAY("rr_get_interval bad pointer: %s\n", err(syscall(SYS_sched_rr_get_interval, 0, (void *)8)));

    cpu_set_t orig_set, set;
    sched_getaffinity(0, sizeof orig_set, &orig_set);
    int first = 0;
    while (first < CPU_SETSIZE && !CPU_ISSET(first, &orig_set)) first++;
    CPU_ZERO(&set);
    CPU_SET(first, &set);
    SAY("setaffinity to one cpu: %s\n", err(sched_setaffinity(0, sizeof set, &set)));
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    SAY("cpus now %d, the chosen one %d\n", CPU_COUNT(&set), (int)(CPU_ISSET(first, &set) != 0));
    SAY("getcpu on it: %d\n", sched_getcpu() == first);
    CPU_ZERO(&set);
    SAY("setaffinity empty: %s\n", err(sched_setaffinity(0, sizeof set, &set)));
    SAY("setaffinity bad pointer: %s\n", err(syscall(SYS_sched_setaffinity, 0, 128, (void *)8)));
    SAY("restore affinity: %s\n", err(sched_setaffinity(0, sizeof orig_set, &orig_set)));
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    SAY("cpus restored %d\n", CPU_EQUAL(&set, &orig_set));

    SAY("ioprio_set BE 4: %s\n", err(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 4)));
    SAY("ioprio_get: %ld\n", syscall(SYS_ioprio_get, 1, 0));
    SAY("ioprio_set bad class: %s\n", err(syscall(SYS_ioprio_set, 1, 0, (7 << 13))));
    SAY("ioprio_get bad which: %s\n", err(syscall(SYS_ioprio_get, 9, 0)));
}

static void namespaces(void)
{
    int orig = open("/proc/self/ns/uts", O_RDONLY);
    struct utsname u0, u;
    uname(&u0);
    SAY("unshare UTS: %s\n", err(unshare(CLONE_NEWUTS)));
    sethostname("inner", 5);
    uname(&u);
    SAY("inner name %s\n", u.nodename);
    SAY("setns back: %s\n", err(setns(orig, CLONE_NEWUTS)));
    uname(&u);
    SAY("name restored %d\n", strcmp(u.nodename, u0.nodename) == 0);
    SAY("setns wrong type: %s\n", err(setns(orig, CLONE_NEWNET)));
    SAY("setns bad fd: %s\n", err(setns(-1, 0)));
    SAY("unshare bad flag: %s\n", err(unshare(0x80000000u)));
    close(orig);

    int fd = open("/proc/self/ns/uts", O_RDONLY);
    int fd2 = dup(fd);
    int fd3 = open("/proc/self/ns/net", O_RDONLY);
    pid_t me = getpid();
    SAY("kcmp same file: %ld\n", syscall(SYS_kcmp, me, me, 0 /* KCMP_FILE */, fd, fd2));
    SAY("kcmp other file differs: %d\n", (int)(syscall(SYS_kcmp, me, me, 0, fd, fd3) != 0));
    SAY("kcmp own vm: %ld\n", syscall(SYS_kcmp, me, me, 1 /* KCMP_VM */, 0, 0));
    SAY("kcmp bad type: %s\n", err(syscall(SYS_kcmp, me, me, 99, 0, 0)));
    SAY("kcmp bad fd: %s\n", err(syscall(SYS_kcmp, me, me, 0, fd, 999)));
    close(fd); close(fd2); close(fd3);
}

static void prctls(void)
{
    int v = -1;
    SAY("GET_DUMPABLE: %ld\n", pr(PR_GET_DUMPABLE, 0, 0, 0, 0));
    SAY("SET_DUMPABLE 0: %s\n", err(pr(PR_SET_DUMPABLE, 0, 0, 0, 0)));
    SAY("GET_DUMPABLE: %ld\n", pr(PR_GET_DUMPABLE, 0, 0, 0, 0));
    SAY("SET_DUMPABLE 5: %s\n", err(pr(PR_SET_DUMPABLE, 5, 0, 0, 0)));
    pr(PR_SET_DUMPABLE, 1, 0, 0, 0);
    SAY("SET_PDEATHSIG SIGUSR1: %s\n", err(pr(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0)));
    SAY("GET_PDEATHSIG: %s\n", err(pr(PR_GET_PDEATHSIG, (unsigned long)&v, 0, 0, 0)));
    SAY("sig %d\n", v);
    SAY("SET_PDEATHSIG 99: %s\n", err(pr(PR_SET_PDEATHSIG, 99, 0, 0, 0)));
    SAY("GET_PDEATHSIG bad pointer: %s\n", err(pr(PR_GET_PDEATHSIG, 8, 0, 0, 0)));
    pr(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    SAY("SET_KEEPCAPS 1: %s\n", err(pr(PR_SET_KEEPCAPS, 1, 0, 0, 0)));
    SAY("GET_KEEPCAPS: %ld\n", pr(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    pr(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    SAY("SET_CHILD_SUBREAPER: %s\n", err(pr(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)));
    v = -1;
    SAY("GET_CHILD_SUBREAPER: %s\n", err(pr(PR_GET_CHILD_SUBREAPER, (unsigned long)&v, 0, 0, 0)));
    SAY("subreaper %d\n", v);
    pr(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    SAY("SET_TIMERSLACK 123456: %s\n", err(pr(PR_SET_TIMERSLACK, 123456, 0, 0, 0)));
    SAY("GET_TIMERSLACK: %ld\n", pr(PR_GET_TIMERSLACK, 0, 0, 0, 0));
    SAY("CAPBSET_READ CAP_SYS_ADMIN: %ld\n", pr(PR_CAPBSET_READ, 21, 0, 0, 0));
    SAY("CAPBSET_READ 999: %s\n", err(pr(PR_CAPBSET_READ, 999, 0, 0, 0)));
    SAY("CAP_AMBIENT IS_SET CAP_CHOWN: %ld\n", pr(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0));
    SAY("CAP_AMBIENT bad op: %s\n", err(pr(PR_CAP_AMBIENT, 99, 0, 0, 0)));
    SAY("GET_SECUREBITS: %ld\n", pr(PR_GET_SECUREBITS, 0, 0, 0, 0));
    SAY("GET_SECCOMP: %s\n", err(pr(PR_GET_SECCOMP, 0, 0, 0, 0)));
    SAY("SET_SECCOMP mode 99: %s\n", err(pr(PR_SET_SECCOMP, 99, 0, 0, 0)));
    SAY("SET_MM with arg5: %s\n", err(pr(PR_SET_MM, PR_SET_MM_START_CODE, 0x1000, 0, 1)));
    SAY("SVE_GET_VL: %s\n", err(pr(50, 0, 0, 0, 0)));
    SAY("PAC_RESET_KEYS: %s\n", err(pr(54, 0, 0, 0, 0)));
    SAY("GET_TAGGED_ADDR_CTRL: %s\n", err(pr(56, 0, 0, 0, 0)));
    SAY("SET_TAGGED_ADDR_CTRL 0: %s\n", err(pr(55, 0, 0, 0, 0)));
    SAY("SET_TAGGED_ADDR_CTRL enable: %s\n", err(pr(55, 1, 0, 0, 0)));
    SAY("unknown option: %s\n", err(pr(12345, 0, 0, 0, 0)));
    SAY("SET_NAME: %s\n", err(pr(PR_SET_NAME, (unsigned long)"guest-worker-name-long", 0, 0, 0)));
    char name[17] = { 0 };
    SAY("GET_NAME: %s \"%s\"\n", err(pr(PR_GET_NAME, (unsigned long)name, 0, 0, 0)), name);
    char comm[64] = { 0 };
    int fd = open("/proc/self/comm", O_RDONLY);
    read(fd, comm, sizeof comm - 1);
    close(fd);
    SAY("/proc/self/comm %s", comm);
    SAY("SET_NAME bad pointer: %s\n", err(pr(PR_SET_NAME, 8, 0, 0, 0)));
    /* Last: no_new_privs cannot be undone. */
    SAY("GET_NO_NEW_PRIVS: %ld\n", pr(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    SAY("SET_NO_NEW_PRIVS: %s\n", err(pr(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)));
    SAY("GET_NO_NEW_PRIVS: %ld\n", pr(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    SAY("SET_NO_NEW_PRIVS 0: %s\n", err(pr(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0)));
}

int main(void)
{
    if (geteuid() != 0) { SAY("schedctl: needs root\n"); return 1; }
    sched();
    namespaces();
    prctls();
    return 0;
}
