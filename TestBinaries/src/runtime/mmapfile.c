/* Memory mappings: file-backed private (copy on write, never written back)
 * and shared (seen by read(2) and by a forked child, msync), MAP_SHARED of
 * a read-only file with PROT_READ,
 * mremap grow/move/shrink, madvise(MADV_DONTNEED) zeroing, memfd_create,
 * MAP_FIXED and MAP_FIXED_NOREPLACE, mprotect, and a PROT_NONE guard hit
 * caught as SIGSEGV. Prints contents and relations, never addresses. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rtcommon.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static sigjmp_buf env;
static volatile int fault_sig, fault_code;
static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    fault_sig = sig;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

static long page;

static int make_file(const char *name, const char *text, size_t size)
{
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, (off_t)size);
    pwrite(fd, text, strlen(text), 0);
    return fd;
}

static void file_private(void)
{
    int fd = make_file("private.dat", "original file text", (size_t)page * 2);
    char *m = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("private map: '%.18s'\n", m);
    memcpy(m, "CHANGED", 7);
    char buf[20] = {0};
    pread(fd, buf, 18, 0);
    printf("private write not in the file: '%s', mapping '%.18s'\n", buf, m);
    /* A second page at an offset. */
    pwrite(fd, "second page", 11, page);
    char *m2 = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, page);
    printf("offset map: '%.11s'\n", m2);
    munmap(m, (size_t)page * 2);
    munmap(m2, (size_t)page);
    close(fd);
    unlink("private.dat");
}

static void file_shared(void)
{
    int fd = make_file("shared.dat", "shared file text", (size_t)page);
    char *m = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(m, "SHARED", 6);
    printf("msync: %d\n", msync(m, (size_t)page, MS_SYNC));
    char buf[20] = {0};
    pread(fd, buf, 16, 0);
    printf("shared write in the file: '%s'\n", buf);
    pwrite(fd, "written", 7, 100);
    printf("file write in the mapping: '%.7s'\n", m + 100);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        memcpy(m + 200, "from child", 10);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child's store through MAP_SHARED: '%.10s'\n", m + 200);

    munmap(m, (size_t)page);
    close(fd);

    /* MAP_SHARED of a file opened read-only, with PROT_READ. */
    fd = open("shared.dat", O_RDONLY);
    char *r = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
    printf("read-only shared map: %s '%.6s'\n", r == MAP_FAILED ? strerror(errno) : "ok", r == MAP_FAILED ? "" : r);
    char *w = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("writable shared map of a read-only fd: %s\n", w == MAP_FAILED ? (errno == EACCES ? "EACCES" : strerror(errno)) : "mapped");
    int wfd = open("shared.dat", O_WRONLY);
    pwrite(wfd, "UPDATE", 6, 0);
    close(wfd);
    if (r != MAP_FAILED) {
        printf("later file write seen: '%.6s'\n", r);
        printf("mprotect to write: %s\n", mprotect(r, (size_t)page, PROT_READ | PROT_WRITE) == 0 ? "allowed" : (errno == EACCES ? "EACCES" : strerror(errno)));
        munmap(r, (size_t)page);
    }
    close(fd);
    unlink("shared.dat");
}

static void remap_and_advise(void)
{
    char *m = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(m, "keep me");
    char *g = mremap(m, (size_t)page, (size_t)page * 8, MREMAP_MAYMOVE);
    printf("mremap grow: %s '%s', new tail zero %d\n", g == MAP_FAILED ? "failed" : "ok", g, g[page * 7] == 0);
    g[page * 7] = 'z';
    char *s = mremap(g, (size_t)page * 8, (size_t)page * 2, 0);
    printf("mremap shrink in place: %d '%s'\n", s == g, s);
    char *target = mmap(NULL, (size_t)page * 4, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *f = mremap(s, (size_t)page * 2, (size_t)page * 2, MREMAP_MAYMOVE | MREMAP_FIXED, target + page);
    printf("mremap fixed: at target %d '%s'\n", f == target + page, f);
    munmap(target, (size_t)page * 4);

    char *d = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(d, 'a', (size_t)page * 3);
    madvise(d + page, (size_t)page, MADV_DONTNEED);
    printf("MADV_DONTNEED: before %c, zeroed %d, after %c\n", d[page - 1], d[page] == 0 && d[2 * page - 1] == 0, d[2 * page]);
    munmap(d, (size_t)page * 3);

    /* MADV_DONTNEED on a private file mapping brings the file back. */
    int fd = make_file("advise.dat", "file bytes", (size_t)page);
    char *fm = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    memcpy(fm, "dirty", 5);
    madvise(fm, (size_t)page, MADV_DONTNEED);
    printf("MADV_DONTNEED on a private file map: '%.10s'\n", fm);
    munmap(fm, (size_t)page);
    close(fd);
    unlink("advise.dat");
}

static void memfd_and_fixed(void)
{
    int fd = memfd_create("runtime-test", MFD_CLOEXEC);
    printf("memfd_create: %d\n", fd >= 0);
    ftruncate(fd, page);
    char *a = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
    strcpy(a, "via memfd");
    printf("two shared views: '%s'\n", b);
    char buf[16] = {0};
    pread(fd, buf, 9, 0);
    printf("memfd read: '%s'\n", buf);
    char link[64] = {0}, path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    readlink(path, link, sizeof link - 1);
    printf("memfd link: %.21s\n", link);
    munmap(a, (size_t)page);
    munmap(b, (size_t)page);
    close(fd);

    char *r = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r[0] = 'x';
    char *n = mmap(r, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE over a mapping: %s\n", n == MAP_FAILED ? (errno == EEXIST ? "EEXIST" : strerror(errno)) : "mapped");
    munmap(r + page, (size_t)page);
    n = mmap(r + page, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE in a hole: at hint %d\n", n == r + page);
    n = mmap(r, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED replaces: at address %d, old byte gone %d\n", n == r, r[0] == 0);
    munmap(r, (size_t)page * 2);

    /* A hint that is free is honoured without MAP_FIXED. */
    char *h = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(h, (size_t)page);
    char *h2 = mmap(h, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("free hint honoured: %d\n", h2 == h);
    munmap(h2, (size_t)page);
}

static void guard(void)
{
    char *m = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(m + page, (size_t)page, PROT_NONE);
    volatile char *v = m;
    for (int i = 0; i < 3; i++) {
        fault_sig = 0;
        if (sigsetjmp(env, 1) == 0) {
            v[i * page] = 1;
            printf("page %d: writable\n", i);
        } else {
            printf("page %d: %s code SEGV_ACCERR %d\n", i, strsignal(fault_sig), fault_code == SEGV_ACCERR);
        }
    }
    mprotect(m, (size_t)page, PROT_READ);
    if (sigsetjmp(env, 1) == 0) { v[0] = 2; printf("read-only page: writable\n"); }
    else printf("read-only page: %s, value kept %d\n", strsignal(fault_sig), v[0]);
    printf("mprotect of an unmapped range: %d %s\n", mprotect(m + 3 * page + 1024 * page, (size_t)page, PROT_READ),
           errno == ENOMEM ? "ENOMEM" : "?");
    printf("munmap unaligned: %d %s\n", munmap(m + 1, (size_t)page), errno == EINVAL ? "EINVAL" : "?");
    munmap(m, (size_t)page * 3);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    page = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", page);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    file_private();
    file_shared();
    remap_and_advise();
    memfd_and_fixed();
    guard();
    printf("done\n");
    return 0;
}
