/* Independent CPU work split over T threads: the wall time with 2 threads
   should be about half that with 1 when the guest's threads run in
   parallel. Usage: spin ITERATIONS THREADS */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *work(void *arg) {
    long n = (long)arg;
    unsigned long x = (unsigned long)n, s = 0;
    for (long i = 0; i < n; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        s += x >> 33;
    }
    return (void *)s;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000000;
    int t = argc > 2 ? atoi(argv[2]) : 1;
    if (t < 1 || t > 64) return 2;
    pthread_t th[64];
    double t0 = now();
    for (int i = 0; i < t; i++) pthread_create(&th[i], 0, work, (void *)(n / t));
    unsigned long s = 0;
    for (int i = 0; i < t; i++) {
        void *r;
        pthread_join(th[i], &r);
        s += (unsigned long)r;
    }
    printf("threads %d wall %.3f s (checksum %lu)\n", t, now() - t0, s);
    return 0;
}
