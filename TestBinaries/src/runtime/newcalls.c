/* Calls qemu-aarch64 7.2 lacks: preadv2/pwritev2 with RWF_* flags, openat2
 * (open_how's O_ flags, its size rules, RESOLVE_*, a /proc view),
 * epoll_pwait2 (the 16-byte event, a timespec timeout, the signal mask),
 * futex_waitv (woken by FUTEX_WAKE from another thread, the value check,
 * timeouts and the checks of each waiter), process_vm_readv/writev on the
 * own process (partial copies stop at an unmapped page), mlock2,
 * quotactl, quotactl_fd, acct and fanotify. The expected output is this
 * program's, built for x86-64 and run on the host kernel: it prints only
 * what is the same on both architectures (errno names, relations). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/quota.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

#ifndef SYS_quotactl_fd
#define SYS_quotactl_fd 443 /* the same on arm64 and x86_64 */
#endif

static const char *ename(long r)
{
    if (r >= 0) return "ok";
    static const struct { int e; const char *n; } t[] = {
        {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"}, {EBADF, "EBADF"},
        {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"}, {EFAULT, "EFAULT"},
        {ENOTBLK, "ENOTBLK"}, {EEXIST, "EEXIST"}, {EXDEV, "EXDEV"}, {ENODEV, "ENODEV"},
        {ENOTDIR, "ENOTDIR"}, {EINVAL, "EINVAL"}, {E2BIG, "E2BIG"}, {ENOSYS, "ENOSYS"}, {ELOOP, "ELOOP"},
        {EOPNOTSUPP, "EOPNOTSUPP"}, {ETIMEDOUT, "ETIMEDOUT"}, {EROFS, "EROFS"},
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].e == errno) return t[i].n;
    return "other";
}
#define SHOW(what, call) printf("%-48s %s\n", what, ename(call))

static void rw2_part(void)
{
    int fd = open("rw2.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char a[] = "ab", b[] = "cde";
    struct iovec w[2] = {{a, 2}, {b, 3}};
    printf("pwritev2 at 0: %ld\n", syscall(SYS_pwritev2, fd, w, 2, 0L, 0L, 0));
    printf("pwritev2 at the position, RWF_DSYNC: %ld\n", syscall(SYS_pwritev2, fd, w, 1, -1L, 0L, RWF_DSYNC));
    printf("position %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("pwritev2 RWF_APPEND at 0: %ld\n", syscall(SYS_pwritev2, fd, &w[1], 1, 0L, 0L, RWF_APPEND));
    char r1[4] = {0}, r2[8] = {0};
    struct iovec r[2] = {{r1, 3}, {r2, 7}};
    long n = syscall(SYS_preadv2, fd, r, 2, 1L, 0L, 0);
    printf("preadv2 at 1: %ld '%s' '%s'\n", n, r1, r2);
    lseek(fd, 2, SEEK_SET);
    memset(r1, 0, sizeof r1);
    n = syscall(SYS_preadv2, fd, r, 1, -1L, 0L, RWF_HIPRI);
    printf("preadv2 at the position: %ld '%s' position %ld\n", n, r1, (long)lseek(fd, 0, SEEK_CUR));
    SHOW("preadv2 unknown flag", syscall(SYS_preadv2, fd, r, 1, 0L, 0L, 0x40000000));
    struct iovec bad = {(void *)8, 4};
    SHOW("preadv2 bad buffer", syscall(SYS_preadv2, fd, &bad, 1, 0L, 0L, 0));
    SHOW("pwritev2 bad iovec array", syscall(SYS_pwritev2, fd, (void *)8, 1, 0L, 0L, 0));
    SHOW("preadv2 1025 iovecs", syscall(SYS_preadv2, fd, r, 1025, 0L, 0L, 0));
    close(fd);
}

static long openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
    return syscall(SYS_openat2, dirfd, path, how, size);
}

static void openat2_part(const char *argv0)
{
    struct open_how how = {O_RDONLY | O_CLOEXEC, 0, 0};
    long fd = openat2(AT_FDCWD, "rw2.dat", &how, sizeof how);
    CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    close(fd);
    how.flags = O_RDONLY | O_DIRECTORY;
    SHOW("openat2 O_DIRECTORY on a file", openat2(AT_FDCWD, "rw2.dat", &how, sizeof how));
    fd = openat2(AT_FDCWD, ".", &how, sizeof how);
    SHOW("openat2 O_DIRECTORY on a directory", fd);
    close(fd);
    symlink("rw2.dat", "link");
    how.flags = O_RDONLY | O_NOFOLLOW;
    SHOW("openat2 O_NOFOLLOW on a symlink", openat2(AT_FDCWD, "link", &how, sizeof how));
    how.flags = O_RDONLY;
    how.resolve = RESOLVE_NO_SYMLINKS;
    SHOW("openat2 RESOLVE_NO_SYMLINKS", openat2(AT_FDCWD, "link", &how, sizeof how));
    how.resolve = RESOLVE_BENEATH;
    SHOW("openat2 RESOLVE_BENEATH absolute", openat2(AT_FDCWD, "/etc/passwd", &how, sizeof how));
    SHOW("openat2 RESOLVE_BENEATH relative", fd = openat2(AT_FDCWD, "rw2.dat", &how, sizeof how));
    close(fd);
    how.resolve = 0x1000;
    SHOW("openat2 unknown resolve flag", openat2(AT_FDCWD, "rw2.dat", &how, sizeof how));
    how.resolve = 0;
    how.mode = 0644;
    SHOW("openat2 mode without O_CREAT", openat2(AT_FDCWD, "rw2.dat", &how, sizeof how));
    how.flags = O_CREAT | O_EXCL | O_WRONLY;
    how.mode = 0600;
    fd = openat2(AT_FDCWD, "created", &how, sizeof how);
    struct stat st;
    fstat(fd, &st);
    printf("openat2 O_CREAT: %s mode %o\n", ename(fd), st.st_mode & 0777);
    close(fd);
    SHOW("openat2 O_CREAT|O_EXCL again", openat2(AT_FDCWD, "created", &how, sizeof how));
    unlink("created");
    how.flags = O_RDONLY;
    how.mode = 0;
    SHOW("openat2 size 16", openat2(AT_FDCWD, "rw2.dat", &how, 16));
    struct { struct open_how h; uint64_t extra; } big = {{O_RDONLY, 0, 0}, 0};
    fd = openat2(AT_FDCWD, "rw2.dat", &big.h, sizeof big);
    SHOW("openat2 size 32, zero tail", fd);
    close(fd);
    big.extra = 1;
    SHOW("openat2 size 32, nonzero tail", openat2(AT_FDCWD, "rw2.dat", &big.h, sizeof big));
    SHOW("openat2 size 8192", openat2(AT_FDCWD, "rw2.dat", &how, 8192));
    SHOW("openat2 bad open_how", openat2(AT_FDCWD, "rw2.dat", (struct open_how *)8, sizeof how));
    SHOW("openat2 bad path", openat2(AT_FDCWD, (char *)8, &how, sizeof how));
    SHOW("openat2 upper flag bits", (how.flags = 1ULL << 40, openat2(AT_FDCWD, "rw2.dat", &how, sizeof how)));
    how.flags = O_RDONLY;
    fd = openat2(AT_FDCWD, "/proc/self/cmdline", &how, sizeof how);
    char cmd[256] = {0};
    read(fd, cmd, sizeof cmd - 1);
    close(fd);
    printf("openat2 /proc/self/cmdline starts with argv[0]: %d\n", strcmp(cmd, argv0) == 0);
    unlink("link");
}

static volatile int usr1;
static void on_usr1(int s) { (void)s; usr1++; }

static void epoll_part(void)
{
    int ep = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event ev = {EPOLLIN, {.u64 = 0x1122334455667788ULL}}, out[4];
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    struct timespec ts = {0, 1000000};
    printf("epoll_pwait2 nothing ready: %ld\n", syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8));
    write(p[1], "x", 1);
    memset(out, 0, sizeof out);
    long n = syscall(SYS_epoll_pwait2, ep, out, 4, NULL, NULL, 8);
    printf("epoll_pwait2 ready: %ld events %#x data %#llx\n", n, out[0].events, (unsigned long long)out[0].data.u64);
    SHOW("epoll_pwait2 bad timeout", syscall(SYS_epoll_pwait2, ep, out, 4, (void *)8, NULL, 8));
    SHOW("epoll_pwait2 bad events", syscall(SYS_epoll_pwait2, ep, (void *)8, 4, &ts, NULL, 8));
    SHOW("epoll_pwait2 maxevents 0", syscall(SYS_epoll_pwait2, ep, out, 0, &ts, NULL, 8));
    struct timespec badts = {0, 2000000000};
    SHOW("epoll_pwait2 bad nanoseconds", syscall(SYS_epoll_pwait2, ep, out, 4, &badts, NULL, 8));
    char c;
    read(p[0], &c, 1);
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, none;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    struct timespec sec = {1, 0};
    SHOW("epoll_pwait2 mask lets a pending signal in", syscall(SYS_epoll_pwait2, ep, out, 4, &sec, &none, 8));
    printf("handler ran %d times\n", usr1);
    SHOW("epoll_pwait2 bad sigset size", syscall(SYS_epoll_pwait2, ep, out, 4, &ts, &none, 4));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    close(ep);
    close(p[0]);
    close(p[1]);
}

static uint32_t words[2] __attribute__((aligned(8)));

static void *waker(void *arg)
{
    (void)arg;
    struct timespec d = {0, 20 * 1000 * 1000};
    nanosleep(&d, NULL);
    words[1] = 1;
    syscall(SYS_futex, &words[1], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    return NULL;
}

static void futex_part(void)
{
    struct futex_waitv w[2];
    memset(w, 0, sizeof w);
    for (int i = 0; i < 2; i++) {
        w[i].uaddr = (uintptr_t)&words[i];
        w[i].val = 0;
        w[i].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
    }
    struct timespec to;
    clock_gettime(CLOCK_MONOTONIC, &to);
    to.tv_sec += 10;
    pthread_t t;
    pthread_create(&t, NULL, waker, NULL);
    long r = syscall(SYS_futex_waitv, w, 2, 0, &to, CLOCK_MONOTONIC);
    printf("futex_waitv woken: index %ld\n", r);
    pthread_join(t, NULL);
    SHOW("futex_waitv value changed", syscall(SYS_futex_waitv, w, 2, 0, &to, CLOCK_MONOTONIC));
    w[1].val = 1;
    clock_gettime(CLOCK_MONOTONIC, &to);
    to.tv_nsec += 20 * 1000 * 1000;
    if (to.tv_nsec >= 1000000000) { to.tv_sec++; to.tv_nsec -= 1000000000; }
    SHOW("futex_waitv timeout", syscall(SYS_futex_waitv, w, 2, 0, &to, CLOCK_MONOTONIC));
    clock_gettime(CLOCK_REALTIME, &to);
    SHOW("futex_waitv CLOCK_REALTIME past", syscall(SYS_futex_waitv, w, 2, 0, &to, CLOCK_REALTIME));
    SHOW("futex_waitv CLOCK_BOOTTIME", syscall(SYS_futex_waitv, w, 2, 0, &to, CLOCK_BOOTTIME));
    SHOW("futex_waitv flags 1", syscall(SYS_futex_waitv, w, 2, 1, NULL, CLOCK_MONOTONIC));
    SHOW("futex_waitv nr 0", syscall(SYS_futex_waitv, w, 0, 0, NULL, CLOCK_MONOTONIC));
    SHOW("futex_waitv nr 129", syscall(SYS_futex_waitv, w, 129, 0, NULL, CLOCK_MONOTONIC));
    SHOW("futex_waitv bad array", syscall(SYS_futex_waitv, (void *)8, 2, 0, NULL, CLOCK_MONOTONIC));
    SHOW("futex_waitv bad timeout", syscall(SYS_futex_waitv, w, 2, 0, (void *)8, CLOCK_MONOTONIC));
    w[0].uaddr = 8;
    SHOW("futex_waitv bad uaddr", syscall(SYS_futex_waitv, w, 2, 0, NULL, CLOCK_MONOTONIC));
    w[0].uaddr = (uintptr_t)&words[0] + 1;
    SHOW("futex_waitv misaligned uaddr", syscall(SYS_futex_waitv, w, 2, 0, NULL, CLOCK_MONOTONIC));
    w[0].uaddr = (uintptr_t)&words[0];
    w[0].flags = FUTEX_PRIVATE_FLAG;
    SHOW("futex_waitv no size flag", syscall(SYS_futex_waitv, w, 2, 0, NULL, CLOCK_MONOTONIC));
    w[0].flags = FUTEX_32;
    w[0].__reserved = 1;
    SHOW("futex_waitv reserved set", syscall(SYS_futex_waitv, w, 2, 0, NULL, CLOCK_MONOTONIC));
}

static void vm_part(void)
{
    pid_t me = getpid();
    char src[] = "process_vm data", dst[32] = {0};
    struct iovec local[2] = {{dst, 7}, {dst + 7, 9}}, remote[1] = {{src, 16}};
    long n = syscall(SYS_process_vm_readv, me, local, 2, remote, 1, 0);
    printf("process_vm_readv: %ld '%s'\n", n, dst);
    char back[] = "WRITTEN";
    struct iovec l1 = {back, 7}, r1 = {src + 8, 7};
    n = syscall(SYS_process_vm_writev, me, &l1, 1, &r1, 1, 0);
    printf("process_vm_writev: %ld '%s'\n", n, src);
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(m + page - 3, "xyz", 3);
    munmap(m + page, page);
    memset(dst, 0, sizeof dst);
    struct iovec l2 = {dst, 32}, r2[3] = {{src, 4}, {m + page - 3, 6}, {src, 4}};
    n = syscall(SYS_process_vm_readv, me, &l2, 1, r2, 3, 0);
    printf("process_vm_readv into an unmapped page: %ld '%s'\n", n, dst);
    struct iovec r3[2] = {{(void *)8, 4}, {src, 4}};
    SHOW("process_vm_readv first remote unmapped", syscall(SYS_process_vm_readv, me, &l2, 1, r3, 2, 0));
    struct iovec l3 = {(void *)8, 4};
    SHOW("process_vm_readv local unmapped", syscall(SYS_process_vm_readv, me, &l3, 1, remote, 1, 0));
    SHOW("process_vm_writev to read-only", syscall(SYS_process_vm_writev, me, &l1, 1,
         &(struct iovec){(void *)"const string", 4}, 1, 0));
    SHOW("process_vm_readv flags 1", syscall(SYS_process_vm_readv, me, local, 2, remote, 1, 1));
    SHOW("process_vm_readv 1025 local", syscall(SYS_process_vm_readv, me, local, 1025, remote, 1, 0));
    SHOW("process_vm_readv bad remote array", syscall(SYS_process_vm_readv, me, local, 2, (void *)8, 1, 0));
    struct iovec empty = {dst, 0};
    printf("process_vm_readv empty local: %ld\n", syscall(SYS_process_vm_readv, me, &empty, 1, (void *)8, 1, 0));
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    SHOW("process_vm_readv of a reaped child", syscall(SYS_process_vm_readv, child, local, 2, remote, 1, 0));
    munmap(m, page);
}

static void lock_part(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + page, page);
    mprotect(m + 2 * page, page, PROT_NONE);
    SHOW("mlock2 0", syscall(SYS_mlock2, m, page, 0));
    SHOW("mlock2 MLOCK_ONFAULT", syscall(SYS_mlock2, m, page, MLOCK_ONFAULT));
    SHOW("mlock2 flags 2", syscall(SYS_mlock2, m, page, 2));
    SHOW("mlock2 across a hole", syscall(SYS_mlock2, m, 2 * page, 0));
    SHOW("mlock2 PROT_NONE", syscall(SYS_mlock2, m + 2 * page, page, 0));
    SHOW("mlock2 PROT_NONE MLOCK_ONFAULT", syscall(SYS_mlock2, m + 2 * page, page, MLOCK_ONFAULT));
    munlock(m, page);
    munmap(m, 3 * page);
}

static void admin_part(void)
{
    struct dqblk dq;
    SHOW("quotactl Q_GETQUOTA missing device", syscall(SYS_quotactl, QCMD(Q_GETQUOTA, USRQUOTA), "/nonexistent-dev", 0, &dq));
    SHOW("quotactl Q_GETQUOTA bad device pointer", syscall(SYS_quotactl, QCMD(Q_GETQUOTA, USRQUOTA), (char *)8, 0, &dq));
    SHOW("quotactl Q_GETQUOTA on a regular file", syscall(SYS_quotactl, QCMD(Q_GETQUOTA, USRQUOTA), "rw2.dat", 0, &dq));
    SHOW("quotactl type 9", syscall(SYS_quotactl, QCMD(Q_GETQUOTA, 9), "rw2.dat", 0, &dq));
    int d = open(".", O_RDONLY | O_DIRECTORY);
    SHOW("quotactl_fd Q_GETQUOTA", syscall(SYS_quotactl_fd, d, QCMD(Q_GETQUOTA, USRQUOTA), 0, &dq));
    SHOW("quotactl_fd Q_GETFMT bad pointer", syscall(SYS_quotactl_fd, d, QCMD(Q_GETFMT, USRQUOTA), 0, (void *)8));
    SHOW("quotactl_fd bad fd", syscall(SYS_quotactl_fd, -1, QCMD(Q_GETQUOTA, USRQUOTA), 0, &dq));
    SHOW("quotactl_fd type 9", syscall(SYS_quotactl_fd, d, QCMD(Q_GETQUOTA, 9), 0, &dq));
    close(d);
    SHOW("acct missing file", syscall(SYS_acct, "/nonexistent/acct"));
    SHOW("acct bad pointer", syscall(SYS_acct, (char *)8));

    int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE);
    SHOW("fanotify_init", fd);
    SHOW("fanotify_init bad flags", syscall(SYS_fanotify_init, 0x80000000u, O_RDONLY));
    if (fd < 0) return;
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC && (fcntl(fd, F_GETFL) & O_NONBLOCK));
    SHOW("fanotify_mark bad path", syscall(SYS_fanotify_mark, fd, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, (char *)8));
    SHOW("fanotify_mark missing path", fanotify_mark(fd, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, "missing"));
    long r = fanotify_mark(fd, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, "rw2.dat");
    SHOW("fanotify_mark", r);
    if (r == 0) {
        int w = open("rw2.dat", O_WRONLY);
        close(w);
        char buf[4096] __attribute__((aligned(8)));
        long n = read(fd, buf, sizeof buf);
        struct fanotify_event_metadata *ev = (struct fanotify_event_metadata *)buf;
        printf("fanotify event: %d mask %#llx fd %d\n", n >= (long)sizeof *ev,
               n > 0 ? (unsigned long long)ev->mask : 0ULL, n > 0 && ev->fd >= 0);
        if (n > 0 && ev->fd >= 0) {
            printf("event fd access mode O_RDONLY %d\n", (fcntl(ev->fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
            close(ev->fd);
        }
    }
    close(fd);
}

int main(int argc, char **argv)
{
    (void)argc;
    setvbuf(stdout, NULL, _IONBF, 0);
    rw2_part();
    openat2_part(argv[0]);
    epoll_part();
    futex_part();
    vm_part();
    lock_part();
    admin_part();
    unlink("rw2.dat");
    return 0;
}
