/* str: libc string routines. memcpy of assorted sizes and alignments, strlen
 * and memchr over the copies, memcmp between them. Unlike the other kernels
 * this one measures glibc's own aarch64 routines (which use SIMD and are
 * chosen by ifunc from HWCAP), i.e. what real programs spend time in. */
#include "common.h"
#include <string.h>

#define BUF (64 * 1024)

static char src[BUF + 64];
static char dst[BUF + 64];

int main(int argc, char **argv)
{
    long n = bench_iters(argc, argv, 16);
    /* Printable bytes with a NUL every so often, so strlen sees strings of
     * many lengths. */
    uint64_t s = 0x853c49e6748fea9bull;
    for (int i = 0; i < BUF + 64; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t r = (uint32_t)(s >> 33);
        src[i] = (r % 97 == 0) ? 0 : (char)('!' + r % 90);
    }
    uint64_t h = 0;
    for (long it = 0; it < n; it++) {
        for (uint32_t k = 0; k < 20000; k++) {
            uint32_t len = 1 + (k * 2654435761u >> 7) % 4096;
            uint32_t so = (k * 7) & 31, dof = (k * 13) & 31;
            memcpy(dst + dof, src + so, len);
            dst[dof + len] = 0;
            size_t l = strlen(dst + dof);
            const char *q = memchr(dst + dof, 'A' + (int)(k % 26), len);
            int c = memcmp(dst + dof, src + so + (k & 1), len);
            h = h * 1000003u + l;
            h = h * 31 + (q ? (uint64_t)(q - (dst + dof)) : 0xffff);
            h = h * 7 + (uint64_t)(c < 0 ? 1 : c > 0 ? 2 : 0);
        }
        /* Slide the whole buffer by one byte (overlapping memmove). */
        memmove(src + 1, src, BUF);
        src[0] = (char)('a' + it % 26);
    }
    bench_report("str", n, h);
    return 0;
}
