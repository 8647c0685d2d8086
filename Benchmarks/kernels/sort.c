/* sort: qsort of 32-bit integers with a comparator called through a function
 * pointer. Measures glibc's qsort (merge sort into a malloc'd buffer) and a
 * very short indirect call per comparison. */
#include "common.h"

#define N 200000

static int32_t a[N];

static int cmp_i32(const void *x, const void *y)
{
    int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
    return (p > q) - (p < q);
}

int main(int argc, char **argv)
{
    long n = bench_iters(argc, argv, 6);
    uint64_t s = 0xda3e39cb94b95bdbull, h = 0;
    for (long it = 0; it < n; it++) {
        for (int i = 0; i < N; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            a[i] = (int32_t)(s >> 32);
        }
        qsort(a, N, sizeof a[0], cmp_i32);
        for (int i = 0; i < N; i += 97)
            h = h * 1000003u + (uint32_t)a[i];
        for (int i = 1; i < N; i++)
            if (a[i - 1] > a[i]) {
                printf("sort: not sorted at %d\n", i);
                return 1;
            }
    }
    bench_report("sort", n, h);
    return 0;
}
