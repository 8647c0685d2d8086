/* MAP_SHARED is shared in every case: a file opened read-only, a mapping
 * reaching past the end of the file, memfd, a /dev/shm file. A store, a
 * punched hole or a truncation through one mapping or the fd is seen
 * through every other mapping at once. Pages wholly past the end of the
 * file raise SIGBUS (BUS_ADRERR, si_addr the faulting byte) until the file
 * grows; the rest of the last partial page reads as zeros. Also
 * MAP_FIXED|MAP_FIXED_NOREPLACE over a mapping, and a moved shared mapping.
 * Prints relations, never addresses. */
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
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 1
#endif
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE 2
#endif

static long page;
static sigjmp_buf env;
static volatile int fsig, fcode;
static void *volatile faddr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    fsig = sig;
    fcode = si->si_code;
    faddr = si->si_addr;
    siglongjmp(env, 1);
}

static const char *codename(int sig, int code)
{
    if (sig == SIGBUS && code == BUS_ADRERR) return "SIGBUS BUS_ADRERR";
    if (sig == SIGBUS) return "SIGBUS other";
    if (sig == SIGSEGV && code == SEGV_ACCERR) return "SIGSEGV SEGV_ACCERR";
    if (sig == SIGSEGV) return "SIGSEGV other";
    return "?";
}

/* Reads (or writes) one byte; prints the value or the signal. */
static void probe(const char *what, volatile char *p, int write)
{
    fsig = 0;
    if (sigsetjmp(env, 1) == 0) {
        if (write) {
            *p = 'w';
            printf("%-44s write ok\n", what);
        } else {
            char c = *p;
            printf("%-44s reads %d\n", what, c);
        }
    } else {
        printf("%-44s %s, si_addr is the byte %d\n", what, codename(fsig, fcode), faddr == (void *)p);
    }
}

static void read_only_file(void)
{
    int w = open("ro.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(w, page);
    int r = open("ro.dat", O_RDONLY);
    char *ro = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, r, 0);
    char *rw = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, w, 0);
    strcpy(rw, "through the writable mapping");
    printf("read-only fd mapping sees the store: '%s'\n", ro);
    pwrite(w, "PWRITE", 6, 0);
    printf("and the file write: '%.6s', other mapping '%.6s'\n", ro, rw);
    ftruncate(w, 0);
    probe("read-only mapping after truncation to 0:", ro, 0);
    ftruncate(w, page);
    probe("after growing back (a hole):", ro, 0);
    munmap(ro, (size_t)page);
    munmap(rw, (size_t)page);
    close(r);
    close(w);
    unlink("ro.dat");
}

static void past_eof(void)
{
    int fd = open("eof.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, page + 100);
    char *m = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *p = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("mapping 3 pages of a 1-page+100 file: shared %s, private %s\n",
           m == MAP_FAILED ? "failed" : "ok", p == MAP_FAILED ? "failed" : "ok");
    m[page + 99] = 'x';
    probe("shared: last byte in the file:", m + page + 99, 0);
    probe("shared: rest of the partial page:", m + page + 100, 0);
    probe("shared: end of the partial page:", m + 2 * page - 1, 0);
    probe("shared: page past the end, read:", m + 2 * page + 8, 0);
    probe("shared: page past the end, write:", m + 2 * page + 16, 1);
    probe("private: rest of the partial page:", p + page + 100, 0);
    probe("private: page past the end, read:", p + 2 * page, 0);
    probe("private: page past the end, write:", p + 3 * page - 1, 1);
    char b = 0;
    pread(fd, &b, 1, page + 100);
    printf("the zeros past the end are not in the file: size %ld\n", (long)lseek(fd, 0, SEEK_END));
    (void)b;
    /* The file grows: the page becomes valid in both. */
    ftruncate(fd, page * 3);
    pwrite(fd, "grown", 5, page * 2);
    probe("shared: page past the old end after growth:", m + 2 * page, 0);
    printf("shared reads the file there: '%.5s'\n", m + 2 * page);
    probe("private: page past the old end after growth:", p + 2 * page, 0);
    printf("private reads the file there: '%.5s'\n", p + 2 * page);
    /* Shrinking cuts them off again. */
    ftruncate(fd, page);
    probe("shared: after shrinking to one page:", m + page, 0);
    probe("shared: first page still there:", m, 0);
    /* write(2) into a page past the end fails with EFAULT. */
    int pfd[2];
    pipe(pfd);
    ssize_t wr = write(pfd[1], m + page, 1);
    int we = errno;
    printf("write(2) from a page past the end: %zd %s\n", wr, we == EFAULT ? "EFAULT" : strerror(we));
    close(pfd[0]);
    close(pfd[1]);
    munmap(m, (size_t)page * 3);
    munmap(p, (size_t)page * 3);
    close(fd);
    unlink("eof.dat");
}

static void memfd_views(void)
{
    int fd = memfd_create("views", 0);
    /* Mapped before it has a size: every page is past the end. */
    char *a = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    probe("memfd of size 0:", a, 0);
    ftruncate(fd, page * 2);
    strcpy(a + page, "one view");
    printf("the other view: '%s'\n", b + page);
    memset(b, 'q', (size_t)page);
    char c = 0;
    pread(fd, &c, 1, 10);
    printf("store through b: a[10] %c, fd %c\n", a[10], c);
    fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, page);
    printf("hole punched through the fd: a[10] %d, b[10] %d\n", a[10], b[10]);
    memset(a, 'r', (size_t)page);
    madvise(b, (size_t)page, MADV_DONTNEED);
    printf("MADV_DONTNEED on b keeps the data: b[10] %c\n", b[10]);
    ftruncate(fd, 0);
    ftruncate(fd, page * 2);
    printf("truncated and regrown: a[10] %d, b[%ld] %d\n", a[10], page + 1, b[page + 1]);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(b, "from the child");
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child's store through b, seen in a: '%s'\n", a);
    /* A moved shared mapping stays shared. */
    char *moved = mremap(a, (size_t)page * 2, (size_t)page * 2, MREMAP_MAYMOVE | MREMAP_FIXED,
                         mmap(NULL, (size_t)page * 2, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    strcpy(moved, "after mremap");
    printf("moved mapping still shared: '%s'\n", b);
    char *grown = mremap(moved, (size_t)page * 2, (size_t)page * 4, MREMAP_MAYMOVE);
    probe("grown past the end of the memfd:", grown + page * 3, 0);
    strcpy(grown + page, "tail");
    printf("grown mapping still shared: '%s'\n", b + page);
    munmap(grown, (size_t)page * 4);
    munmap(b, (size_t)page * 2);
    close(fd);
}

static void dev_shm(void)
{
    int fd = open("/dev/shm/sql-mmapshared-test", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        printf("/dev/shm: not available\n");
        return;
    }
    unlink("/dev/shm/sql-mmapshared-test");
    ftruncate(fd, page);
    char *a = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
    strcpy(a, "dev shm");
    printf("/dev/shm file, two views: '%s'\n", b);
    munmap(a, (size_t)page);
    munmap(b, (size_t)page);
    close(fd);
}

static void fixed_noreplace(void)
{
    char *r = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r[0] = 'x';
    char *n = mmap(r, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED|MAP_FIXED_NOREPLACE over a mapping: %s, byte kept %d\n",
           n == MAP_FAILED ? (errno == EEXIST ? "EEXIST" : strerror(errno)) : "mapped", r[0] == 'x');
    munmap(r, (size_t)page * 2);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    page = sysconf(_SC_PAGESIZE);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    read_only_file();
    past_eof();
    memfd_views();
    dev_shm();
    fixed_noreplace();
    printf("done\n");
    return 0;
}
