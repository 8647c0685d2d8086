/* 32 threads update shared counters with atomics; the totals must be
   exact. Built twice: with -march=armv8-a -mno-outline-atomics GCC emits
   exclusives (LDXR/STXR, LDXP/STXP), with -march=armv8.1-a LSE atomics
   (LDADD, SWP, CAS, CASP). */
#include <pthread.h>
#include <stdio.h>

#define THREADS 32
#define INCREMENTS 100000
#define SMALL 5000

static long counter;               /* fetch-add, 64 bits */
static int counter32;              /* fetch-add, 32 bits, seq_cst */
static unsigned short counter16;   /* fetch-add, 16 bits (wraps) */
static unsigned char counter8;     /* fetch-add, 8 bits (wraps) */
static long cas_counter;           /* compare-exchange loop */
static unsigned __int128 wide;     /* 128-bit compare-exchange: both halves */
static int lock;                   /* a spin lock: exchange + release store */
static long locked_counter;        /* plain increments under the lock */
static unsigned long bits;         /* fetch-or / fetch-and */
static long maximum;               /* max via compare-exchange */

static void *worker(void *arg) {
    long id = (long)arg;
    for (int i = 0; i < INCREMENTS; i++)
        __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < SMALL; i++) {
        __atomic_fetch_add(&counter32, 1, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&counter16, 1, __ATOMIC_ACQ_REL);
        __atomic_fetch_add(&counter8, 1, __ATOMIC_RELAXED);
        long old = __atomic_load_n(&cas_counter, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&cas_counter, &old, old + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {}
        /* GCC inlines the 16-byte __sync builtin (CASP, or LDXP/STXP). */
        unsigned __int128 w = wide, seen;
        for (;;) {
            unsigned __int128 n = (((w >> 64) + 2) << 64) | (unsigned long)((unsigned long)w + 1);
            seen = __sync_val_compare_and_swap(&wide, w, n);
            if (seen == w) break;
            w = seen;
        }
        while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE)) {
            while (__atomic_load_n(&lock, __ATOMIC_RELAXED)) {}
        }
        locked_counter++;
        __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
        long v = id * SMALL + i, m = __atomic_load_n(&maximum, __ATOMIC_RELAXED);
        while (v > m && !__atomic_compare_exchange_n(&maximum, &m, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {}
    }
    __atomic_fetch_or(&bits, 1UL << id, __ATOMIC_SEQ_CST);
    __atomic_fetch_and(&bits, ~(1UL << (id + 32)), __ATOMIC_SEQ_CST);
    return (void *)(id * 3);
}

int main(void) {
    pthread_t t[THREADS];
    bits = 0xFFFFFFFF00000000UL;
    for (long i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], 0, worker, (void *)i)) { puts("pthread_create failed"); return 1; }
    long results = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        results += (long)r;
    }
    printf("threads %d, increments %d each\n", THREADS, INCREMENTS);
    printf("fetch-add 64: %ld (expected %ld)\n", counter, (long)THREADS * INCREMENTS);
    printf("fetch-add 32: %d\n", counter32);
    printf("fetch-add 16: %u\n", counter16);
    printf("fetch-add 8: %u\n", counter8);
    printf("compare-exchange: %ld\n", cas_counter);
    printf("128-bit compare-exchange: low %lu high %lu\n", (unsigned long)wide, (unsigned long)(wide >> 64));
    printf("spin lock: %ld\n", locked_counter);
    printf("fetch-or/and: %lx\n", bits);
    printf("max: %ld\n", maximum);
    printf("join results: %ld\n", results);
    return 0;
}
