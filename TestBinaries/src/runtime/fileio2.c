/* File I/O calls beyond read and write: inotify (IN_NONBLOCK/IN_CLOEXEC,
 * events, IN_IGNORED), splice, tee and vmsplice in both directions,
 * copy_file_range, readahead, syncfs, and fcntl's commands (F_DUPFD_CLOEXEC,
 * F_GETFL/F_SETFL, struct flock locks from a read-only struct, OFD locks,
 * owners, F_SETSIG, pipe size, seals, leases, unknown commands). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "rtcommon.h"

#define ERR(call) ((call) < 0 ? errno : 0)

static void inotify_part(void)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    CHECK(inotify_init1(0x1) == -1 && errno == EINVAL);
    mkdir("watched", 0755);
    int wd = inotify_add_watch(fd, "watched", IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE);
    CHECK(wd >= 0);
    char buf[4096] __attribute__((aligned(8)));
    CHECK(read(fd, buf, sizeof buf) == -1 && errno == EAGAIN);
    int f = open("watched/a", O_CREAT | O_WRONLY, 0644);
    write(f, "x", 1);
    close(f);
    unlink("watched/a");
    CHECK(inotify_rm_watch(fd, wd) == 0);
    ssize_t n = read(fd, buf, sizeof buf);
    for (char *p = buf; p < buf + n;) {
        struct inotify_event *ev = (struct inotify_event *)p;
        printf("inotify event: same wd %d mask %#x name '%s'\n", ev->wd == wd, ev->mask, ev->len ? ev->name : "");
        p += sizeof *ev + ev->len;
    }
    CHECK(inotify_rm_watch(fd, wd) == -1 && errno == EINVAL);
    CHECK(inotify_add_watch(fd, "missing", IN_CREATE) == -1 && errno == ENOENT);
    CHECK(inotify_add_watch(fd, (char *)8, IN_CREATE) == -1 && errno == EFAULT);
    CHECK(inotify_add_watch(-1, "watched", IN_CREATE) == -1 && errno == EBADF);
    rmdir("watched");
    close(fd);
}

static void splice_part(void)
{
    int p[2], q[2];
    pipe(p);
    pipe(q);
    int f = open("spliced", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(f, "hello splice world", 18);
    loff_t off = 6;
    CHECK(splice(f, &off, p[1], NULL, 6, 0) == 6 && off == 12);
    CHECK(tee(p[0], q[1], 100, 0) == 6);
    char b1[16] = {0}, b2[16] = {0};
    read(q[0], b1, sizeof b1 - 1);
    read(p[0], b2, sizeof b2 - 1);
    printf("tee copy '%s', original '%s'\n", b1, b2);
    CHECK(splice(f, (loff_t *)8, p[1], NULL, 6, 0) == -1 && errno == EFAULT);
    CHECK(splice(f, NULL, f, NULL, 6, 0) == -1 && errno == EINVAL);

    char x[] = "ab", y[] = "cde";
    struct iovec iov[2] = {{x, 2}, {y, 3}};
    CHECK(vmsplice(p[1], iov, 2, 0) == 5);
    memset(b1, 0, sizeof b1);
    read(p[0], b1, sizeof b1 - 1);
    printf("vmsplice into pipe: '%s'\n", b1);
    write(p[1], "xyz", 3);
    char out[8] = {0};
    struct iovec o = {out, 3};
    CHECK(vmsplice(p[0], &o, 1, 0) == 3);
    printf("vmsplice out of pipe: '%s'\n", out);
    struct iovec bad = {(void *)8, 4};
    CHECK(vmsplice(p[1], &bad, 1, 0) == -1 && errno == EFAULT);
    CHECK(vmsplice(p[1], (struct iovec *)8, 1, 0) == -1 && errno == EFAULT);

    int g = open("copied", O_CREAT | O_RDWR | O_TRUNC, 0644);
    loff_t in = 0;
    CHECK(copy_file_range(f, &in, g, NULL, 18, 0) == 18 && in == 18);
    memset(b1, 0, sizeof b1);
    pread(g, b1, 15, 0);
    printf("copy_file_range: '%s' position %ld\n", b1, (long)lseek(g, 0, SEEK_CUR));
    CHECK(copy_file_range(f, &in, g, NULL, 18, 1) == -1 && errno == EINVAL);
    CHECK(copy_file_range(f, (loff_t *)8, g, NULL, 18, 0) == -1 && errno == EFAULT);

    CHECK(readahead(f, 0, 4096) == 0);
    CHECK(readahead(p[0], 0, 4096) == -1 && errno == EINVAL);
    CHECK(syncfs(f) == 0);
    CHECK(syncfs(-1) == -1 && errno == EBADF);
    close(g);
    close(f);
    unlink("copied");
    unlink("spliced");
    close(p[0]); close(p[1]); close(q[0]); close(q[1]);
}

static const struct flock ro_lock = {F_WRLCK, SEEK_SET, 0, 10, 0};

static void fcntl_part(void)
{
    int f = open("locked", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(f, "0123456789abcdef", 16);
    int d = fcntl(f, F_DUPFD_CLOEXEC, 100);
    CHECK(d >= 100 && fcntl(d, F_GETFD) == FD_CLOEXEC);
    close(d);
    d = fcntl(f, F_DUPFD, 50);
    CHECK(d >= 50 && fcntl(d, F_GETFD) == 0);
    close(d);
    CHECK(fcntl(f, F_SETFL, O_APPEND | O_NONBLOCK) == 0);
    int fl = fcntl(f, F_GETFL);
    CHECK((fl & O_ACCMODE) == O_RDWR && (fl & O_APPEND) && (fl & O_NONBLOCK) && !(fl & O_DIRECTORY));
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    fl = fcntl(dir, F_GETFL);
    /* arm64's O_LARGEFILE (asm/fcntl.h): glibc defines O_LARGEFILE as 0 for LP64. */
    printf("directory F_GETFL: O_DIRECTORY %d O_LARGEFILE %d O_NOFOLLOW %d\n", !!(fl & O_DIRECTORY),
           !!(fl & 0400000), !!(fl & O_NOFOLLOW));

    CHECK(fcntl(f, F_SETLK, &ro_lock) == 0);
    struct flock q = {F_WRLCK, SEEK_SET, 0, 10, 0};
    CHECK(fcntl(f, F_GETLK, &q) == 0 && q.l_type == F_UNLCK);
    int g = open("locked", O_RDWR);
    struct flock o = {F_WRLCK, SEEK_SET, 2, 3, 0};
    CHECK(fcntl(g, F_OFD_GETLK, &o) == 0);
    printf("OFD_GETLK against a process lock: type %s start %ld len %ld pid %s\n",
           o.l_type == F_WRLCK ? "F_WRLCK" : "other", (long)o.l_start, (long)o.l_len,
           o.l_pid == getpid() ? "own" : o.l_pid == -1 ? "-1" : "other");
    struct flock o2 = {F_RDLCK, SEEK_SET, 2, 3, 0};
    CHECK(fcntl(g, F_OFD_SETLK, &o2) == -1 && errno == EAGAIN);
    struct flock o3 = {F_RDLCK, SEEK_SET, 12, 2, 0};
    CHECK(fcntl(g, F_OFD_SETLK, &o3) == 0);
    struct flock o4 = {F_RDLCK, SEEK_SET, 12, 2, 1};
    CHECK(fcntl(g, F_OFD_SETLK, &o4) == -1 && errno == EINVAL);
    struct flock bad = {7, SEEK_SET, 0, 1, 0};
    CHECK(fcntl(f, F_SETLK, &bad) == -1 && errno == EINVAL);
    CHECK(fcntl(f, F_GETLK, (void *)8) == -1 && errno == EFAULT);
    CHECK(fcntl(f, F_SETLK, (void *)8) == -1 && errno == EFAULT);
    CHECK(fcntl(-1, F_GETLK, (void *)8) == -1 && errno == EBADF);
    struct flock un = {F_UNLCK, SEEK_SET, 0, 0, 0};
    CHECK(fcntl(f, F_SETLKW, &un) == 0);
    close(g);

    struct f_owner_ex ox = {F_OWNER_PID, getpid()}, oy = {0, 0};
    CHECK(fcntl(f, F_SETOWN_EX, &ox) == 0);
    CHECK(fcntl(f, F_GETOWN_EX, &oy) == 0 && oy.type == F_OWNER_PID && oy.pid == getpid());
    CHECK(fcntl(f, F_GETOWN_EX, (void *)8) == -1 && errno == EFAULT);
    CHECK(fcntl(f, F_SETOWN, getpid()) == 0 && fcntl(f, F_GETOWN) == getpid());
    CHECK(fcntl(f, F_SETSIG, SIGUSR1) == 0 && fcntl(f, F_GETSIG) == SIGUSR1);
    CHECK(fcntl(f, F_SETSIG, 99) == -1 && errno == EINVAL);

    int p[2];
    pipe(p);
    printf("pipe size %d\n", fcntl(p[0], F_GETPIPE_SZ));
    CHECK(fcntl(p[0], F_SETPIPE_SZ, 8192) == 8192 && fcntl(p[1], F_GETPIPE_SZ) == 8192);
    CHECK(fcntl(f, F_GETPIPE_SZ) == -1 && errno == EBADF);
    close(p[0]); close(p[1]);

    int m = memfd_create("sealed", MFD_ALLOW_SEALING);
    write(m, "abc", 3);
    CHECK(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK) == 0);
    CHECK(fcntl(m, F_GET_SEALS) == (F_SEAL_WRITE | F_SEAL_SHRINK));
    CHECK(write(m, "d", 1) == -1 && errno == EPERM);
    CHECK(fcntl(f, F_GET_SEALS) == -1 && errno == EINVAL);
    close(m);

    int r = open("locked", O_RDONLY);
    int lease = fcntl(r, F_SETLEASE, F_RDLCK);
    printf("F_SETLEASE F_RDLCK: %s\n", lease == 0 ? "0" : strerror(errno));
    if (lease == 0) {
        CHECK(fcntl(r, F_GETLEASE) == F_RDLCK);
        CHECK(fcntl(r, F_SETLEASE, F_UNLCK) == 0 && fcntl(r, F_GETLEASE) == F_UNLCK);
    }
    close(r);
    int n = fcntl(dir, F_NOTIFY, DN_CREATE | DN_MULTISHOT);
    printf("F_NOTIFY: %s\n", n == 0 ? "0" : strerror(errno));
    fcntl(dir, F_NOTIFY, 0);
    CHECK(syscall(SYS_fcntl, f, 12, &q) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_fcntl, f, 9999, 0) == -1 && errno == EINVAL);
    close(dir);
    close(f);
    unlink("locked");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    inotify_part();
    splice_part();
    fcntl_part();
    return 0;
}
