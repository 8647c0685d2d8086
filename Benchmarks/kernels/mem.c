/* mem: memory-bound work. A byte sieve of Eratosthenes over 2 MB (strided
 * stores, sequential loads), then a pointer chase through a 4 MB single-cycle
 * permutation (dependent random loads). Measures guest load/store cost: the
 * address check and translation on every access. */
#include "common.h"

#define SIEVE_LIMIT (2u * 1024 * 1024)
#define CHASE_LEN (1u << 20)
#define CHASE_STEPS_PER_ITER (1u << 20)

static uint8_t flags[SIEVE_LIMIT];
static uint32_t next[CHASE_LEN];

__attribute__((noinline)) static uint32_t sieve(void)
{
    /* Odd numbers start as candidates; storing i & 1 keeps the compiler from
     * turning the initialisation into a memset call. */
    for (uint32_t i = 0; i < SIEVE_LIMIT; i++)
        flags[i] = (uint8_t)(i & 1);
    flags[1] = 0;
    flags[2] = 1;
    for (uint32_t p = 3; p * p < SIEVE_LIMIT; p += 2) {
        if (!flags[p])
            continue;
        for (uint32_t j = p * p; j < SIEVE_LIMIT; j += 2 * p)
            flags[j] = 0;
    }
    uint32_t count = 0, last = 0;
    for (uint32_t i = 0; i < SIEVE_LIMIT; i++) {
        if (flags[i]) {
            count++;
            last = i;
        }
    }
    return count * 31u + last;
}

/* Sattolo's shuffle: a random permutation made of one cycle, so the chase
 * visits every slot before repeating. */
__attribute__((noinline)) static void build_chase(void)
{
    for (uint32_t i = 0; i < CHASE_LEN; i++)
        next[i] = i;
    uint64_t s = 0x2545F4914F6CDD1Dull;
    for (uint32_t i = CHASE_LEN - 1; i > 0; i--) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t j = (uint32_t)((s >> 33) % i);
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
}

__attribute__((noinline)) static uint64_t chase(uint32_t start, long steps)
{
    uint32_t p = start;
    uint64_t sum = 0;
    for (long k = 0; k < steps; k++) {
        p = next[p];
        sum += p;
    }
    return sum ^ p;
}

int main(int argc, char **argv)
{
    long n = bench_iters(argc, argv, 16);
    uint64_t h = 0;
    build_chase();
    for (long it = 0; it < n; it++) {
        h = h * 1000003u + sieve();
        h = h * 1000003u + chase((uint32_t)it, CHASE_STEPS_PER_ITER);
    }
    bench_report("mem", n, h);
    return 0;
}
