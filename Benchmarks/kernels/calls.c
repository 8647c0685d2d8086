/* calls: function-call heavy. Recursive fib with its callee kept out of line
 * (BL/RET, stack frames, callee-saved spills), then a loop of indirect calls
 * through a table of small functions (BLR with a changing target). Measures
 * block exits, return prediction and indirect-branch lookup. */
#include "common.h"

__attribute__((noinline)) static uint64_t fib(uint32_t n)
{
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

typedef uint64_t (*op_fn)(uint64_t, uint64_t);

__attribute__((noinline)) static uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
__attribute__((noinline)) static uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ (b << 7); }
__attribute__((noinline)) static uint64_t op_rot(uint64_t a, uint64_t b) { return (a << 9 | a >> 55) + b; }
__attribute__((noinline)) static uint64_t op_sub(uint64_t a, uint64_t b) { return a - (b >> 3); }

/* Not const: the table is read at run time so the calls stay indirect. */
static op_fn ops[4] = { op_add, op_xor, op_rot, op_sub };

__attribute__((noinline)) static uint64_t dispatch(long n)
{
    uint64_t acc = 1;
    for (long i = 0; i < n; i++)
        acc = ops[(acc ^ (uint64_t)i) & 3](acc, (uint64_t)i);
    return acc;
}

int main(int argc, char **argv)
{
    long n = bench_iters(argc, argv, 25);
    uint64_t h = 0;
    for (long it = 0; it < n; it++) {
        h = h * 1000003u + fib(24 + (uint32_t)(it & 1));
        h = h * 1000003u + dispatch(1000000);
    }
    bench_report("calls", n, h);
    return 0;
}
