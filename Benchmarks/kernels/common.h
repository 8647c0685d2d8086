/* Shared helpers for the benchmark kernels.
 *
 * Every kernel reads an optional iteration count from argv[1] and prints one
 * line "<name> iters=<n> checksum=0x<hex>" at the end. The checksum lets the
 * harness check that the emulator, qemu-aarch64 and the native build computed
 * the same thing; the timed work itself stays free of libc calls unless the
 * kernel exists to measure libc (str, sort). */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Parse argv[1] as a positive count, else use the default. The default goes
 * through a volatile so the compiler cannot fold the whole kernel. */
static long bench_iters(int argc, char **argv, long dflt)
{
    volatile long v = dflt;
    if (argc > 1) {
        char *end;
        long n = strtol(argv[1], &end, 0);
        if (*argv[1] == '\0' || *end != '\0' || n <= 0) {
            fprintf(stderr, "usage: %s [iterations > 0]\n", argv[0]);
            exit(2);
        }
        v = n;
    }
    return v;
}

static void bench_report(const char *name, long iters, uint64_t checksum)
{
    printf("%s iters=%ld checksum=0x%016llx\n", name, iters,
           (unsigned long long)checksum);
}

#endif
