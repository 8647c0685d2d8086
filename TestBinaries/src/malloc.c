/* malloc, calloc, realloc and free: many small blocks, a growing realloc
 * chain, and blocks far beyond the mmap threshold. Only contents and
 * alignment facts are printed, never addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static unsigned long fnv(const unsigned char *p, size_t n)
{
    unsigned long h = 1469598103934665603UL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211UL;
    return h;
}

int main(void)
{
    /* Small blocks, freed in an interleaved order. */
    enum { N = 2000 };
    static unsigned char *blocks[N];
    int misaligned = 0;
    for (int i = 0; i < N; i++) {
        size_t sz = 1 + (size_t)(i * 37 % 500);
        blocks[i] = malloc(sz);
        if (!blocks[i]) {
            printf("malloc failed at %d\n", i);
            return 1;
        }
        if ((uintptr_t)blocks[i] % 16 != 0)
            misaligned++;
        memset(blocks[i], i & 0xff, sz);
    }
    unsigned long sum = 0;
    for (int i = 0; i < N; i++) {
        size_t sz = 1 + (size_t)(i * 37 % 500);
        sum += fnv(blocks[i], sz) & 0xffff;
    }
    for (int i = 0; i < N; i += 2)
        free(blocks[i]);
    for (int i = 0; i < N; i += 2) {
        blocks[i] = calloc(1, 64);
        for (int j = 0; j < 64; j++)
            if (blocks[i][j] != 0)
                printf("calloc not zero\n");
    }
    for (int i = N - 1; i >= 0; i--)
        free(blocks[i]);
    printf("small blocks %d misaligned %d sum %lu\n", N, misaligned, sum);

    /* realloc chain that keeps its contents. */
    size_t size = 1;
    unsigned char *p = malloc(size);
    p[0] = 0x5a;
    for (int step = 0; step < 14; step++) {
        size_t nsize = size * 2 + 3;
        p = realloc(p, nsize);
        if (!p) {
            printf("realloc failed at %zu\n", nsize);
            return 1;
        }
        for (size_t i = size; i < nsize; i++)
            p[i] = (unsigned char)(i * 131 + step);
        size = nsize;
    }
    printf("realloc grow to %zu hash %lx\n", size, fnv(p, size));
    p = realloc(p, 100);
    printf("realloc shrink hash %lx\n", fnv(p, 100));
    free(p);

    /* Huge blocks: far over the mmap threshold. */
    size_t huge = 64u << 20;
    unsigned char *h = malloc(huge);
    if (!h) {
        printf("huge malloc failed\n");
        return 1;
    }
    for (size_t i = 0; i < huge; i += 4096)
        h[i] = (unsigned char)(i >> 12);
    h[huge - 1] = 0x77;
    unsigned long hs = 0;
    for (size_t i = 0; i < huge; i += 4096)
        hs += h[i];
    printf("huge 64 MiB sum %lu last %x\n", hs, h[huge - 1]);
    h = realloc(h, huge * 2);
    if (!h) {
        printf("huge realloc failed\n");
        return 1;
    }
    hs = 0;
    for (size_t i = 0; i < huge; i += 4096)
        hs += h[i];
    /* Only the last MiB is written: the point is the mapping, not a
     * long memset. */
    memset(h + 2 * huge - (1u << 20), 0xab, 1u << 20);
    printf("huge realloc 128 MiB sum %lu tail %x\n", hs, h[2 * huge - 1]);
    free(h);
    unsigned char *z = calloc(32u << 20, 1);
    unsigned long zs = 0;
    for (size_t i = 0; i < (32u << 20); i += 1024)
        zs += z[i];
    printf("huge calloc zero sum %lu\n", zs);
    free(z);

    /* Many mid-size blocks around the threshold. */
    unsigned long ms = 0;
    for (int i = 0; i < 40; i++) {
        size_t sz = (size_t)(96 + i * 8) << 10;
        unsigned char *m = malloc(sz);
        m[0] = (unsigned char)i;
        m[sz - 1] = (unsigned char)(i * 3);
        ms += m[0] + m[sz - 1];
        free(m);
    }
    printf("threshold blocks sum %lu\n", ms);
    void *al = aligned_alloc(4096, 8192);
    printf("aligned_alloc 4096 %d\n", (int)((uintptr_t)al % 4096 == 0));
    free(al);
    return 0;
}
