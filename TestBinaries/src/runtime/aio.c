/* Linux native AIO through raw system calls (no libaio): io_setup,
 * io_submit of PREAD, PWRITE, PREADV, FSYNC and a PREAD into a bad buffer
 * (accepted, its event carries -EFAULT), io_getevents (aio_data and the
 * iocb pointer come back), a partial submission, IOCB_CMD_POLL cancelled
 * with io_cancel, io_pgetevents with a signal mask, io_destroy, and the
 * errors of each. qemu-aarch64 7.2 lacks these calls: the expected output
 * is this program's, built for x86-64 and run on the host kernel. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

static long io_setup(unsigned n, aio_context_t *c) { return syscall(SYS_io_setup, n, c); }
static long io_destroy(aio_context_t c) { return syscall(SYS_io_destroy, c); }
static long io_submit(aio_context_t c, long n, struct iocb **l) { return syscall(SYS_io_submit, c, n, l); }
static long io_cancel(aio_context_t c, struct iocb *i, struct io_event *e) { return syscall(SYS_io_cancel, c, i, e); }
static long io_getevents(aio_context_t c, long mn, long n, struct io_event *e, struct timespec *t)
{
    return syscall(SYS_io_getevents, c, mn, n, e, t);
}

static const char *ename(long r)
{
    if (r >= 0) return "ok";
    switch (errno) {
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case EINPROGRESS: return "EINPROGRESS";
    case ENOSYS: return "ENOSYS";
    case EINTR: return "EINTR";
    default: return "other";
    }
}

static struct iocb cb[6];
static const char *which(uint64_t obj)
{
    static const char *names[] = {"pread", "pwrite", "preadv", "fsync", "badbuf", "poll"};
    for (int i = 0; i < 6; i++)
        if (obj == (uint64_t)(uintptr_t)&cb[i]) return names[i];
    return "unknown";
}

static int by_data(const void *a, const void *b)
{
    const struct io_event *x = a, *y = b;
    return x->data < y->data ? -1 : x->data > y->data;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    aio_context_t ctx = 0, other = 1;
    printf("io_setup nonzero id: %s\n", ename(io_setup(8, &other)));
    printf("io_setup 0 events: %s\n", ename(io_setup(0, &ctx)));
    printf("io_setup bad pointer: %s\n", ename(io_setup(8, (aio_context_t *)8)));
    CHECK(io_setup(8, &ctx) == 0 && ctx != 0);

    int fd = open("aio.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "0123456789abcdefghij", 20);
    char rbuf[9] = {0}, v1[4] = {0}, v2[3] = {0};
    struct iovec iov[2] = {{v1, 3}, {v2, 2}};
    for (int i = 0; i < 6; i++) {
        cb[i].aio_fildes = fd;
        cb[i].aio_data = 0x1000 + i;
    }
    cb[0].aio_lio_opcode = IOCB_CMD_PREAD;
    cb[0].aio_buf = (uintptr_t)rbuf;
    cb[0].aio_nbytes = 8;
    cb[0].aio_offset = 4;
    cb[1].aio_lio_opcode = IOCB_CMD_PWRITE;
    cb[1].aio_buf = (uintptr_t)"WXYZ";
    cb[1].aio_nbytes = 4;
    cb[1].aio_offset = 16;
    cb[2].aio_lio_opcode = IOCB_CMD_PREADV;
    cb[2].aio_buf = (uintptr_t)iov;
    cb[2].aio_nbytes = 2;
    cb[2].aio_offset = 10;
    cb[3].aio_lio_opcode = IOCB_CMD_FSYNC;
    cb[4].aio_lio_opcode = IOCB_CMD_PREAD;
    cb[4].aio_buf = 8;
    cb[4].aio_nbytes = 4;
    struct iocb *list[5] = {&cb[0], &cb[1], &cb[2], &cb[3], &cb[4]};
    CHECK(io_submit(ctx, 5, list) == 5);
    struct io_event ev[8];
    memset(ev, 0, sizeof ev);
    long n = io_getevents(ctx, 5, 8, ev, NULL);
    printf("io_getevents: %ld\n", n);
    qsort(ev, n > 0 ? n : 0, sizeof ev[0], by_data);
    for (long i = 0; i < n; i++)
        printf("event data %#llx obj %s res %lld%s res2 %lld\n", (unsigned long long)ev[i].data, which(ev[i].obj),
               (long long)ev[i].res, ev[i].res == -EFAULT ? " (-EFAULT)" : "", (long long)ev[i].res2);
    printf("pread '%s' preadv '%s' '%s'\n", rbuf, v1, v2);
    char all[21] = {0};
    pread(fd, all, 20, 0);
    printf("file after pwrite '%s'\n", all);

    struct timespec zero = {0, 0};
    printf("io_getevents, none pending, zero timeout: %ld\n", io_getevents(ctx, 1, 8, ev, &zero));
    struct iocb *partial[2] = {&cb[0], (struct iocb *)8};
    printf("io_submit with a bad second iocb: %ld\n", io_submit(ctx, 2, partial));
    n = io_getevents(ctx, 1, 8, ev, NULL);
    printf("reaped %ld: obj %s data %#llx\n", n, which(ev[0].obj), (unsigned long long)ev[0].data);
    printf("io_submit bad list: %s\n", ename(io_submit(ctx, 1, (struct iocb **)8)));
    printf("io_submit nr -1: %s\n", ename(io_submit(ctx, -1, list)));
    printf("io_submit bad context: %s\n", ename(io_submit(12345, 1, list)));
    printf("io_submit 0: %ld\n", io_submit(ctx, 0, list));
    cb[5].aio_lio_opcode = 99;
    struct iocb *badop[1] = {&cb[5]};
    printf("io_submit unknown opcode: %s\n", ename(io_submit(ctx, 1, badop)));
    cb[5].aio_fildes = 999;
    cb[5].aio_lio_opcode = IOCB_CMD_PREAD;
    printf("io_submit bad fd: %s\n", ename(io_submit(ctx, 1, badop)));
    printf("io_getevents min > nr: %s\n", ename(io_getevents(ctx, 3, 2, ev, NULL)));
    printf("io_getevents bad context: %s\n", ename(io_getevents(12345, 1, 1, ev, &zero)));
    printf("io_getevents bad timeout: %s\n", ename(io_getevents(ctx, 1, 1, ev, (struct timespec *)8)));

    /* A poll request stays pending until cancelled. */
    int p[2];
    pipe(p);
    cb[5].aio_fildes = p[0];
    cb[5].aio_lio_opcode = IOCB_CMD_POLL;
    cb[5].aio_buf = POLLIN;
    cb[5].aio_data = 0x2000;
    CHECK(io_submit(ctx, 1, badop) == 1);
    printf("io_getevents on pending poll, zero timeout: %ld\n", io_getevents(ctx, 1, 1, ev, &zero));
    struct io_event cres;
    printf("io_cancel of a finished request: %s\n", ename(io_cancel(ctx, &cb[0], &cres)));
    long c = io_cancel(ctx, &cb[5], &cres);
    printf("io_cancel of the poll: %s\n", ename(c));
    if (c == -1 && errno == EINPROGRESS) {
        n = io_getevents(ctx, 1, 1, ev, NULL);
        printf("cancelled event: %ld obj %s data %#llx res %lld\n", n, which(ev[0].obj),
               (unsigned long long)ev[0].data, (long long)ev[0].res);
    }
    /* A poll completed by data. */
    cb[5].aio_data = 0x2001;
    CHECK(io_submit(ctx, 1, badop) == 1);
    write(p[1], "x", 1);
    n = io_getevents(ctx, 1, 1, ev, NULL);
    printf("poll event: %ld obj %s data %#llx POLLIN %d\n", n, which(ev[0].obj), (unsigned long long)ev[0].data,
           !!(ev[0].res & POLLIN));

    sigset_t mask;
    sigemptyset(&mask);
    struct { sigset_t *m; size_t len; } ss = {&mask, 8};
    printf("io_pgetevents zero timeout: %ld\n", syscall(SYS_io_pgetevents, ctx, 1, 1, ev, &zero, &ss));
    ss.len = 4;
    printf("io_pgetevents bad sigset size: %s\n", ename(syscall(SYS_io_pgetevents, ctx, 1, 1, ev, &zero, &ss)));

    CHECK(io_destroy(ctx) == 0);
    printf("io_destroy again: %s\n", ename(io_destroy(ctx)));
    printf("io_getevents after destroy: %s\n", ename(io_getevents(ctx, 1, 1, ev, &zero)));
    close(fd);
    unlink("aio.dat");
    return 0;
}
