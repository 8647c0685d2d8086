/* Credentials: setgroups/getgroups, setres[ug]id and the other set*id
 * calls, setfs[ug]id, capget/capset through the C library, each in a
 * forked child so the parent stays root; then the per-thread semantics of
 * the raw syscalls: a credential change made with syscall() in one thread
 * leaves another thread's credentials alone, as in the kernel. Runs as
 * root (or as root of a user namespace with uids 0-65535 mapped). */
#define _GNU_SOURCE
#include "rtcommon.h"
#include <grp.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct cap_header { uint32_t version; int pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };

static void ids(const char *tag)
{
    unsigned r, e, s, gr, ge, gs;
    syscall(SYS_getresuid, &r, &e, &s);
    syscall(SYS_getresgid, &gr, &ge, &gs);
    SAY("%s: uid %u %u %u gid %u %u %u\n", tag, r, e, s, gr, ge, gs);
}

static const char *err(long r)
{
    static char buf[32];
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

static void libc_calls(void)
{
    gid_t groups[3] = { 10, 20, 30 }, got[8];
    SAY("setgroups 3: %s\n", err(setgroups(3, groups)));
    SAY("getgroups 0: %s\n", err(getgroups(0, NULL)));
    int n = getgroups(8, got);
    SAY("getgroups 8: %d:", n);
    for (int i = 0; i < n; i++) SAY(" %u", got[i]);
    SAY("\n");
    SAY("getgroups 1 (too small): %s\n", err(getgroups(1, got)));
    SAY("setgroups 70000: %s\n", err(syscall(SYS_setgroups, 70000, groups)));
    SAY("setgroups bad pointer: %s\n", err(syscall(SYS_setgroups, 2, (void *)8)));
    SAY("setgroups 0: %s\n", err(setgroups(0, NULL)));
    SAY("getgroups after: %s\n", err(getgroups(0, NULL)));

    SAY("setresgid 100 200 300: %s\n", err(setresgid(100, 200, 300)));
    ids("after setresgid");
    SAY("setregid -1 400: %s\n", err(setregid(-1, 400)));
    ids("after setregid");
    SAY("setgid 500: %s\n", err(setgid(500)));
    ids("after setgid");

    SAY("setfsuid 1234 returns %d\n", setfsuid(1234));
    SAY("setfsuid -1 returns %d\n", setfsuid(-1));
    SAY("setfsgid 4321 returns %d\n", setfsgid(4321));
    SAY("setfsgid -1 returns %d\n", setfsgid(-1));
    setfsuid(0);

    struct cap_header h = { 0, 0 };
    struct cap_data d[2];
    SAY("capget version 0: %s\n", err(syscall(SYS_capget, &h, NULL)));
    SAY("capget preferred version %#x\n", h.version);
    h.version = 0x20080522;
    SAY("capget v3: %s\n", err(syscall(SYS_capget, &h, d)));
    SAY("effective has CAP_SETUID %d CAP_NET_RAW %d\n", !!(d[0].effective & (1u << 7)), !!(d[0].effective & (1u << 13)));
    d[0].effective &= ~(1u << 13);
    SAY("capset drops CAP_NET_RAW: %s\n", err(syscall(SYS_capset, &h, d)));
    syscall(SYS_capget, &h, d);
    SAY("effective has CAP_SETUID %d CAP_NET_RAW %d\n", !!(d[0].effective & (1u << 7)), !!(d[0].effective & (1u << 13)));
    SAY("capget bad data: %s\n", err(syscall(SYS_capget, &h, (void *)8)));

    SAY("setresuid 1000 1001 1002: %s\n", err(setresuid(1000, 1001, 1002)));
    ids("after setresuid");
    syscall(SYS_capget, &h, d);
    SAY("effective capabilities now %#x\n", d[0].effective);
    SAY("setuid 0: %s\n", err(setuid(0)));
    SAY("setreuid 1001 1000: %s\n", err(setreuid(1001, 1000)));
    ids("after setreuid");
    SAY("setuid 1002: %s\n", err(setuid(1002)));
    ids("after setuid");
    SAY("setresgid 0 0 0: %s\n", err(setresgid(0, 0, 0)));
    SAY("getresuid bad pointer: %s\n", err(syscall(SYS_getresuid, (void *)8, (void *)8, (void *)8)));
}

static pthread_barrier_t step1, step2;
static char other_report[128];

static void *other_thread(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&step1); /* the main thread has changed its ids */
    unsigned r, e, s, gr, ge, gs;
    syscall(SYS_getresuid, &r, &e, &s);
    syscall(SYS_getresgid, &gr, &ge, &gs);
    int ng = syscall(SYS_getgroups, 0, NULL);
    int fsuid = syscall(SYS_setfsuid, -1);
    snprintf(other_report, sizeof other_report, "uid %u %u %u gid %u %u %u groups %d fsuid %d",
             r, e, s, gr, ge, gs, ng, fsuid);
    pthread_barrier_wait(&step2);
    return NULL;
}

static void per_thread(void)
{
    gid_t g[2] = { 7, 8 };
    syscall(SYS_setgroups, 0, NULL);
    pthread_barrier_init(&step1, NULL, 2);
    pthread_barrier_init(&step2, NULL, 2);
    pthread_t t;
    pthread_create(&t, NULL, other_thread, NULL);
    SAY("raw setgroups 2: %s\n", err(syscall(SYS_setgroups, 2, g)));
    SAY("raw setfsuid 77 returns %ld\n", syscall(SYS_setfsuid, 77));
    SAY("raw setresgid 61 62 63: %s\n", err(syscall(SYS_setresgid, 61, 62, 63)));
    SAY("raw setresuid 51 52 53: %s\n", err(syscall(SYS_setresuid, 51, 52, 53)));
    ids("calling thread");
    SAY("calling thread groups %ld\n", syscall(SYS_getgroups, 0, NULL));
    pthread_barrier_wait(&step1);
    pthread_barrier_wait(&step2);
    pthread_join(t, NULL);
    SAY("other thread: %s\n", other_report);
}

int main(void)
{
    if (geteuid() != 0) { SAY("creds: needs root\n"); return 1; }
    ids("start");
    pid_t pid = fork();
    if (pid == 0) { libc_calls(); _exit(0); }
    SAY("libc child exit %d\n", wait_child(pid));
    pid = fork();
    if (pid == 0) { per_thread(); _exit(0); }
    SAY("threads child exit %d\n", wait_child(pid));
    ids("parent");
    return 0;
}
