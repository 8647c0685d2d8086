/* mremap and MAP_FIXED in tight loops, as stress tools run them: rounds
 * of growing, moving (MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP) and
 * shrinking a mapping whose contents must follow it (25,000, or argv[1]),
 * and 100,000 of MAP_FIXED replacing a mapping. An emulator that copies contents,
 * rescans the whole map or flushes everything per call takes far longer
 * than the test's timeout. Also guest lengths and addresses that wrap or
 * are huge get the kernel's errors. Prints results, never addresses. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "rtcommon.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define ROUNDS 100000
static long mremap_rounds = 25000;

/* errno by name: the libcs' strerror texts differ. */
static const char *ename(int e)
{
    switch (e) {
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EPERM: return "EPERM";
    case EEXIST: return "EEXIST";
    default: return strerror(e);
    }
}

static const char *res(void *p) { return p == MAP_FAILED ? ename(errno) : "ok"; }

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1) mremap_rounds = atol(argv[1]);
    long page = sysconf(_SC_PAGESIZE);
    size_t big = 64 * (size_t)page;

    /* Grow, move and shrink; the first and last page carry markers. */
    char *m = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    /* Two targets 2*big apart in a free area. */
    char *area = mmap(NULL, 4 * big, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(area, 4 * big);
    long bad = 0;
    for (long i = 0; i < mremap_rounds; i++) {
        m[0] = (char)i;
        char *g = mremap(m, (size_t)page, big, MREMAP_MAYMOVE);
        if (g == MAP_FAILED) { bad++; break; }
        g[big - 1] = (char)(i + 1);
        char *target = (i & 1) ? area + 2 * big : area;
        char *f = mremap(g, big, big, MREMAP_MAYMOVE | MREMAP_FIXED, target);
        if (f != target || f[0] != (char)i || f[big - 1] != (char)(i + 1)) { bad++; break; }
        m = mremap(f, big, (size_t)page, 0);
        if (m != f || m[0] != (char)i) { bad++; break; }
    }
    printf("mremap grow/move/shrink rounds with contents kept: %ld failures\n", bad);

    /* MREMAP_DONTUNMAP: the old range stays mapped and reads zero. */
    bad = 0;
    char *d = mmap(NULL, (size_t)page * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < ROUNDS / 10; i++) {
        d[5] = 'd';
        char *n = mremap(d, (size_t)page * 4, (size_t)page * 4, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
        if (n == MAP_FAILED || n[5] != 'd' || d[5] != 0) { bad++; break; }
        munmap(d, (size_t)page * 4);
        d = n;
    }
    printf("MREMAP_DONTUNMAP rounds: %ld failures\n", bad);
    munmap(d, (size_t)page * 4);

    /* MAP_FIXED replacing a mapping over and over, alternating sizes. */
    bad = 0;
    char *r = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < ROUNDS; i++) {
        size_t len = (i & 1) ? big : (size_t)page * (1 + (i & 15));
        char *n = mmap(r, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (n != r || n[len - 1] != 0) { bad++; break; }
        n[len - 1] = 1;
    }
    printf("MAP_FIXED replacement rounds: %ld failures\n", bad);

    /* Many small mappings at once, then unmapped in another order. */
    enum { N = 2000 };
    static char *many[N];
    bad = 0;
    for (int i = 0; i < N; i++) {
        many[i] = mmap(NULL, (size_t)page, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (many[i] == MAP_FAILED) bad++;
    }
    for (int i = 0; i < N; i += 2) many[i][0] = 1;
    for (int i = 1; i < N; i += 2) if (munmap(many[i], (size_t)page)) bad++;
    for (int i = 0; i < N; i += 2) if (many[i][0] != 1 || munmap(many[i], (size_t)page)) bad++;
    printf("%d small mappings: %ld failures\n", N, bad);

    /* Lengths and addresses the guest controls. */
    printf("mmap of length -1: %s\n", res(mmap(NULL, (size_t)-1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
    printf("mmap of length 2^63: %s\n", res(mmap(NULL, (size_t)1 << 63, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
    printf("mmap MAP_FIXED at the top of the address space: %s\n",
           res(mmap((void *)-(long)page, 2 * (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
    printf("mremap to length 2^62: %s\n", res(mremap(r, (size_t)page, (size_t)1 << 62, MREMAP_MAYMOVE)));
    printf("mremap from length 2^62: %s\n", res(mremap(r, (size_t)1 << 62, (size_t)page, MREMAP_MAYMOVE)));
    printf("mremap MREMAP_FIXED to a wrapping address: %s\n",
           res(mremap(r, (size_t)page, 2 * (size_t)page, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)-(long)page)));
    printf("mremap DONTUNMAP with a new length: %s\n",
           res(mremap(r, (size_t)page, 2 * (size_t)page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP)));
    printf("mremap unknown flag: %s\n", res(mremap(r, (size_t)page, (size_t)page, 64)));
    errno = 0;
    int u = munmap((void *)-(long)page, 2 * (size_t)page);
    printf("munmap wrapping: %d %s\n", u, u ? ename(errno) : "");
    u = munmap(r, (size_t)-1);
    printf("munmap of length -1: %d %s\n", u, u ? ename(errno) : "");
    /* musl's wrapper rounds the range itself (to length 0 here). */
    u = (int)syscall(SYS_mprotect, r, (size_t)-1, PROT_READ);
    printf("mprotect of length -1: %d %s\n", u, u ? ename(errno) : "");
    u = madvise(r, (size_t)-1, MADV_DONTNEED);
    printf("madvise of length -1: %d %s\n", u, u ? ename(errno) : "");
    printf("done\n");
    return 0;
}
