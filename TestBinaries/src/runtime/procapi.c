/* The calls qemu-aarch64 7.2 lacks, so Linux is the reference (record.sh
 * runs this program built for the host, see HOST_ORACLE): clone3 (a
 * child with CLONE_PIDFD, posix_spawn, the argument checks), pidfd_open,
 * pidfd_send_signal with a siginfo, pidfd_getfd, sched_setattr and
 * sched_getattr, and the new mount API (fsopen, fsconfig, fsmount,
 * move_mount, open_tree, mount_setattr, fspick) in a mount namespace of
 * its own. Runs as root; prints nothing that differs between arm64 and
 * x86_64. */
#define _GNU_SOURCE
#include "rtcommon.h"
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

struct clone_args_v0 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};

struct sched_attr_v1 {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};

struct mount_attr_v0 { uint64_t attr_set, attr_clr, propagation, userns_fd; };

static const char *err(long r)
{
    static char buf[64];
    if (r >= 0) { snprintf(buf, sizeof buf, "%ld", r); return buf; }
    snprintf(buf, sizeof buf, "-1 errno %d", errno); /* strerror differs between libcs */
    return buf;
}

/* A thread made by a raw clone3 call: the child starts on the new stack
 * (stack + stack_size) with the caller's other registers, so it calls
 * fn from assembly and ends with the exit syscall. */
static long clone3_thread(struct clone_args_v0 *ca, void (*fn)(void))
{
#if defined(__aarch64__)
    register long x0 __asm__("x0") = (long)ca;
    register long x1 __asm__("x1") = sizeof *ca;
    register long x8 __asm__("x8") = SYS_clone3;
    register long x9 __asm__("x9") = (long)fn;
    __asm__ volatile("svc #0\n\tcbnz x0, 1f\n\tblr x9\n\tmov x0, #0\n\tmov x8, #93\n\tsvc #0\n1:"
                     : "+r"(x0) : "r"(x1), "r"(x8), "r"(x9) : "memory", "x30", "cc");
    return x0;
#elif defined(__x86_64__)
    long r;
    register void (*f)(void) __asm__("r12") = fn;
    __asm__ volatile("syscall\n\ttest %%rax, %%rax\n\tjnz 1f\n\tcall *%%r12\n\tmov $60, %%eax\n\txor %%edi, %%edi\n\tsyscall\n1:"
                     : "=a"(r) : "0"((long)SYS_clone3), "D"(ca), "S"(sizeof *ca), "r"(f) : "memory", "rcx", "r11", "cc");
    return r;
#endif
}

static char thread_stack[65536] __attribute__((aligned(16)));
static volatile int thread_ran, thread_on_stack;

static void thread_body(void)
{
    char here;
    thread_on_stack = &here > thread_stack && &here < thread_stack + sizeof thread_stack;
    thread_ran = 42;
}

static void clone3_threads(void)
{
    volatile int32_t ptid = 0, ctid = -1;
    struct clone_args_v0 ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM
             | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    ca.parent_tid = (uintptr_t)&ptid;
    ca.child_tid = (uintptr_t)&ctid;
    ca.stack = (uintptr_t)thread_stack;
    ca.stack_size = sizeof thread_stack;
    long tid = clone3_thread(&ca, thread_body);
    SAY("clone3 thread: %d, parent_tid set %d\n", tid > 0, ptid == tid);
    while (ctid != 0) syscall(SYS_futex, &ctid, 0 /* FUTEX_WAIT */, ctid, NULL, NULL, 0);
    SAY("thread ran %d on its stack %d, child_tid cleared\n", thread_ran, thread_on_stack);
    ca.exit_signal = SIGCHLD;
    SAY("clone3 thread with exit_signal: %s\n", err(syscall(SYS_clone3, &ca, sizeof ca)));
}

static void clone3s(void)
{
    clone3_threads();
    int pidfd = -1;
    struct clone_args_v0 ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = 0x1000; /* CLONE_PIDFD */
    ca.pidfd = (uintptr_t)&pidfd;
    ca.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &ca, 64);
    if (pid == 0) syscall(SYS_exit_group, 7);
    SAY("clone3 with a pidfd: child %d, pidfd %d\n", pid > 0, pidfd >= 0);
    struct pollfd p = { pidfd, POLLIN, 0 };
    int ready = poll(&p, 1, 5000);
    SAY("poll pidfd: %d revents %#x\n", ready, p.revents);
    int st = 0;
    SAY("waitpid: %d\n", waitpid(pid, &st, 0) == pid);
    SAY("child status: exited %d code %d\n", WIFEXITED(st), WEXITSTATUS(st));
    SAY("pidfd close-on-exec %d\n", (fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0);
    close(pidfd);

    memset(&ca, 0, sizeof ca);
    ca.exit_signal = SIGCHLD;
    SAY("clone3 size 32: %s\n", err(syscall(SYS_clone3, &ca, 32)));
    SAY("clone3 size 8192: %s\n", err(syscall(SYS_clone3, &ca, 8192)));
    unsigned char big[128] = { 0 };
    memcpy(big, &ca, sizeof ca);
    big[100] = 1;
    SAY("clone3 nonzero tail: %s\n", err(syscall(SYS_clone3, big, 128)));
    ca.exit_signal = 99;
    SAY("clone3 exit_signal 99: %s\n", err(syscall(SYS_clone3, &ca, sizeof ca)));
    ca.exit_signal = SIGCHLD;
    ca.stack = 0x10000;
    SAY("clone3 stack without size: %s\n", err(syscall(SYS_clone3, &ca, sizeof ca)));
    ca.stack = 0;
    ca.flags = 0x10000; /* CLONE_THREAD without CLONE_SIGHAND */
    SAY("clone3 thread without sighand: %s\n", err(syscall(SYS_clone3, &ca, sizeof ca)));
    ca.flags = 0x40; /* a CSIGNAL bit */
    SAY("clone3 signal bits in flags: %s\n", err(syscall(SYS_clone3, &ca, sizeof ca)));
    SAY("clone3 bad pointer: %s\n", err(syscall(SYS_clone3, (void *)8, 64)));

    pid_t child;
    char *argv[] = { "sh", "-c", "exit 5", NULL };
    char *envp[] = { NULL };
    int r = posix_spawn(&child, "/bin/sh", NULL, NULL, argv, envp);
    SAY("posix_spawn: %d\n", r);
    waitpid(child, &st, 0);
    SAY("spawned status: exited %d code %d\n", WIFEXITED(st), WEXITSTATUS(st));
}

static int report[2];

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    int msg[3] = { sig, si->si_code, si->si_value.sival_int };
    write(report[1], msg, sizeof msg);
}

static void pidfds(void)
{
    SAY("pidfd_open self: %d\n", (int)(syscall(SYS_pidfd_open, getpid(), 0) >= 0));
    SAY("pidfd_open bad flags: %s\n", err(syscall(SYS_pidfd_open, getpid(), 1)));
    SAY("pidfd_open no such pid: %s\n", err(syscall(SYS_pidfd_open, 0x7ffffff0, 0)));

    pipe(report);
    int ready[2];
    pipe(ready);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_usr1;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGUSR1, &sa, NULL);
        write(ready[1], "r", 1);
        for (;;) pause();
    }
    char c;
    read(ready[0], &c, 1);
    int pidfd = syscall(SYS_pidfd_open, pid, 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = 4242;
    SAY("pidfd_send_signal with siginfo: %s\n", err(syscall(SYS_pidfd_send_signal, pidfd, SIGUSR1, &si, 0)));
    int msg[3] = { 0 };
    read(report[0], msg, sizeof msg);
    SAY("child handler: sig %d code %d value %d\n", msg[0], msg[1], msg[2]);
    si.si_code = SI_USER;
    SAY("pidfd_send_signal SI_USER info: %s\n", err(syscall(SYS_pidfd_send_signal, pidfd, SIGUSR1, &si, 0)));
    si.si_code = SI_QUEUE;
    SAY("pidfd_send_signal signo mismatch: %s\n", err(syscall(SYS_pidfd_send_signal, pidfd, SIGUSR2, &si, 0)));
    SAY("pidfd_send_signal bad flags: %s\n", err(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 99)));
    SAY("pidfd_send_signal bad info: %s\n", err(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, (void *)8, 0)));
    SAY("pidfd_send_signal not a pidfd: %s\n", err(syscall(SYS_pidfd_send_signal, 0, SIGTERM, NULL, 0)));
    SAY("pidfd_send_signal SIGTERM: %s\n", err(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0)));
    int st = 0;
    waitpid(pid, &st, 0);
    SAY("child status: signaled %d signal %d\n", WIFSIGNALED(st), WTERMSIG(st));
    close(pidfd);

    int self = syscall(SYS_pidfd_open, getpid(), 0);
    int fd = open("/proc/self/ns/uts", O_RDONLY);
    int got = syscall(SYS_pidfd_getfd, self, fd, 0);
    SAY("pidfd_getfd: %d\n", got >= 0);
    SAY("same file %ld\n", syscall(SYS_kcmp, getpid(), getpid(), 0, fd, got));
    SAY("pidfd_getfd close-on-exec %d\n", (fcntl(got, F_GETFD) & FD_CLOEXEC) != 0);
    SAY("pidfd_getfd bad flags: %s\n", err(syscall(SYS_pidfd_getfd, self, fd, 1)));
    SAY("pidfd_getfd bad fd: %s\n", err(syscall(SYS_pidfd_getfd, self, 999, 0)));
    close(got); close(fd); close(self);
    close(report[0]); close(report[1]); close(ready[0]); close(ready[1]);
}

static void schedattr(void)
{
    struct sched_attr_v1 a;
    memset(&a, 0, sizeof a);
    SAY("sched_getattr: %s\n", err(syscall(SYS_sched_getattr, 0, &a, sizeof a, 0)));
    SAY("size %u policy %u nice %d\n", a.size, a.sched_policy, a.sched_nice);
    memset(&a, 0, sizeof a);
    SAY("sched_getattr size 48: %s\n", err(syscall(SYS_sched_getattr, 0, &a, 48, 0)));
    SAY("size %u\n", a.size);
    SAY("sched_getattr size 10: %s\n", err(syscall(SYS_sched_getattr, 0, &a, 10, 0)));
    SAY("sched_getattr flags 1: %s\n", err(syscall(SYS_sched_getattr, 0, &a, sizeof a, 1)));
    SAY("sched_getattr bad pointer: %s\n", err(syscall(SYS_sched_getattr, 0, (void *)8, sizeof a, 0)));
    memset(&a, 0, sizeof a);
    a.size = 48;
    a.sched_policy = SCHED_BATCH;
    a.sched_nice = 5;
    SAY("sched_setattr BATCH nice 5: %s\n", err(syscall(SYS_sched_setattr, 0, &a, 0)));
    memset(&a, 0, sizeof a);
    syscall(SYS_sched_getattr, 0, &a, sizeof a, 0);
    SAY("now policy %u nice %d\n", a.sched_policy, a.sched_nice);
    SAY("getpriority: %d\n", getpriority(PRIO_PROCESS, 0));
    memset(&a, 0, sizeof a);
    a.size = 20;
    SAY("sched_setattr size 20: %s\n", err(syscall(SYS_sched_setattr, 0, &a, 0)));
    SAY("size written back %u\n", a.size);
    a.size = 0;
    a.sched_policy = 77;
    SAY("sched_setattr bad policy: %s\n", err(syscall(SYS_sched_setattr, 0, &a, 0)));
    SAY("sched_setattr NULL: %s\n", err(syscall(SYS_sched_setattr, 0, NULL, 0)));
    a.sched_policy = SCHED_OTHER;
    a.sched_nice = 0;
    SAY("sched_setattr size 0 (first version): %s\n", err(syscall(SYS_sched_setattr, 0, &a, 0)));
}

static void mountapi(void)
{
    SAY("unshare mount namespace: %s\n", err(unshare(CLONE_NEWNS)));
    SAY("make / private: %s\n", err(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)));
    mkdir("m", 0755);
    mkdir("b", 0755);
    int fs = syscall(SYS_fsopen, "tmpfs", 1 /* FSOPEN_CLOEXEC */);
    SAY("fsopen tmpfs: %d\n", fs >= 0);
    SAY("fsopen unknown: %s\n", err(syscall(SYS_fsopen, "no-such-fs", 0)));
    SAY("fsconfig size: %s\n", err(syscall(SYS_fsconfig, fs, 1 /* SET_STRING */, "size", "1m", 0)));
    SAY("fsconfig mode: %s\n", err(syscall(SYS_fsconfig, fs, 1, "mode", "0750", 0)));
    SAY("fsconfig flag with a value: %s\n", err(syscall(SYS_fsconfig, fs, 0 /* SET_FLAG */, "ro", "x", 0)));
    SAY("fsconfig bad command: %s\n", err(syscall(SYS_fsconfig, fs, 99, NULL, NULL, 0)));
    SAY("fsconfig create: %s\n", err(syscall(SYS_fsconfig, fs, 6 /* CMD_CREATE */, NULL, NULL, 0)));
    int mnt = syscall(SYS_fsmount, fs, 1 /* FSMOUNT_CLOEXEC */, 0);
    SAY("fsmount: %d\n", mnt >= 0);
    SAY("move_mount to m: %s\n", err(syscall(SYS_move_mount, mnt, "", AT_FDCWD, "m", 4 /* F_EMPTY_PATH */)));
    struct statfs sf;
    statfs("m", &sf);
    struct stat st;
    stat("m", &st);
    SAY("m is tmpfs %d mode %o\n", sf.f_type == 0x01021994, st.st_mode & 07777);
    close(mnt);
    close(fs);
    int tree = syscall(SYS_open_tree, AT_FDCWD, "m", 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC);
    SAY("open_tree clone: %d\n", tree >= 0);
    SAY("move_mount to b: %s\n", err(syscall(SYS_move_mount, tree, "", AT_FDCWD, "b", 4)));
    close(tree);
    int fd = open("m/f", O_WRONLY | O_CREAT, 0644);
    close(fd);
    SAY("b/f through the clone: %s\n", err(access("b/f", F_OK)));
    struct mount_attr_v0 attr = { 1 /* MOUNT_ATTR_RDONLY */, 0, 0, 0 };
    SAY("mount_setattr read-only: %s\n", err(syscall(SYS_mount_setattr, AT_FDCWD, "b", 0, &attr, sizeof attr)));
    fd = open("b/g", O_WRONLY | O_CREAT, 0644);
    SAY("create in b: %s\n", err(fd));
    if (fd >= 0) close(fd);
    SAY("mount_setattr size 8: %s\n", err(syscall(SYS_mount_setattr, AT_FDCWD, "b", 0, &attr, 8)));
    SAY("mount_setattr bad pointer: %s\n", err(syscall(SYS_mount_setattr, AT_FDCWD, "b", 0, (void *)8, sizeof attr)));
    int pick = syscall(SYS_fspick, AT_FDCWD, "m", 1 /* FSPICK_CLOEXEC */);
    SAY("fspick: %d\n", pick >= 0);
    SAY("fspick missing: %s\n", err(syscall(SYS_fspick, AT_FDCWD, "nowhere", 0)));
    SAY("fsconfig reconfigure: %s\n", err(syscall(SYS_fsconfig, pick, 7 /* CMD_RECONFIGURE */, NULL, NULL, 0)));
    close(pick);
    SAY("open_tree missing: %s\n", err(syscall(SYS_open_tree, AT_FDCWD, "nowhere", 1)));
    SAY("move_mount bad flags: %s\n", err(syscall(SYS_move_mount, AT_FDCWD, "m", AT_FDCWD, "b", 0x8000)));
    unlink("m/f");
    SAY("umount b: %s\n", err(umount2("b", 0)));
    SAY("umount m: %s\n", err(umount2("m", 0)));
    rmdir("m");
    rmdir("b");
}

int main(void)
{
    if (geteuid() != 0) { SAY("procapi: needs root\n"); return 1; }
    clone3s();
    pidfds();
    schedattr();
    mountapi();
    return 0;
}
