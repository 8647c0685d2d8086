/* int: a plain integer loop. xorshift64 feeds an FNV/djb-style hash mix, with
 * a data-dependent compare-and-branch every iteration. Measures the dispatch
 * cost of simple ALU ops (EOR, ADD, LSL/LSR, CMP + B.cond); the loop carries a
 * serial dependency so it cannot be vectorised or folded. */
#include "common.h"

__attribute__((noinline)) static uint64_t mix(long n)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    uint64_t h = 0xcbf29ce484222325ull;
    uint32_t odd = 0;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        h = (h ^ (x >> 29)) + (h << 5) + (h >> 3);
        if ((x & 0x1f) < 9) {
            odd += (uint32_t)(x >> 40) ^ (uint32_t)i;
            h ^= odd;
        } else {
            h -= x >> 51;
        }
    }
    return h ^ ((uint64_t)odd << 32);
}

int main(int argc, char **argv)
{
    long n = bench_iters(argc, argv, 90000000);
    bench_report("int", n, mix(n));
    return 0;
}
