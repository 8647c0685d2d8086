/* A small JIT: writes arm64 code into a mapping, runs it, rewrites it in
 * place and runs the new code (__builtin___clear_cache between), flips a
 * page between RW and RX (W^X), and patches a branch in code that already
 * ran, so a decoder cache that misses the store would run stale code. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "rtcommon.h"

typedef long (*fn1)(long);

/* movz x0, #imm; ret */
static void emit_const(uint32_t *p, unsigned imm)
{
    p[0] = 0xd2800000u | (imm & 0xffff) << 5;
    p[1] = 0xd65f03c0u;
}

/* add x0, x0, #imm; ret */
static void emit_add(uint32_t *p, unsigned imm)
{
    p[0] = 0x91000000u | (imm & 0xfff) << 10;
    p[1] = 0xd65f03c0u;
}

static void flush(void *p, size_t n) { __builtin___clear_cache((char *)p, (char *)p + n); }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    long page = sysconf(_SC_PAGESIZE);
    uint32_t *code = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fn1 f = (fn1)code;

    emit_const(code, 7);
    flush(code, 8);
    printf("movz 7: %ld\n", f(0));
    emit_const(code, 42);
    flush(code, 8);
    printf("rewritten to movz 42: %ld\n", f(0));
    emit_add(code, 5);
    flush(code, 8);
    long acc = 0;
    for (int i = 0; i < 1000; i++) acc = f(acc);
    printf("add 5 run 1000 times: %ld\n", acc);

    /* Rewrite inside a loop: each round patches the immediate. */
    long sum = 0;
    for (unsigned i = 1; i <= 100; i++) {
        emit_add(code, i);
        flush(code, 8);
        sum = f(sum);
    }
    printf("100 rewrites: %ld\n", sum);

    /* A longer function: a loop summing 1..n, then the branch patched. */
    uint32_t prog[] = {
        0xaa1f03e1, /* mov x1, xzr */
        0xb4000080, /* cbz x0, +16 -> done */
        0x8b000021, /* add x1, x1, x0 */
        0xd1000400, /* sub x0, x0, #1 */
        0x17fffffd, /* b -12 -> cbz */
        0xaa0103e0, /* done: mov x0, x1 */
        0xd65f03c0, /* ret */
    };
    memcpy(code, prog, sizeof prog);
    flush(code, sizeof prog);
    printf("sum 1..100: %ld\n", f(100));
    code[2] = 0xcb000021; /* sub x1, x1, x0 */
    flush(code + 2, 4);
    printf("patched to subtract: %ld\n", f(100));

    /* W^X: write while RW, run while RX; a write while RX faults is not
     * tested here, only that the switch keeps the bytes. */
    uint32_t *wx = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    emit_const(wx, 1234);
    mprotect(wx, (size_t)page, PROT_READ | PROT_EXEC);
    flush(wx, 8);
    printf("W^X run: %ld\n", ((fn1)wx)(0));
    mprotect(wx, (size_t)page, PROT_READ | PROT_WRITE);
    emit_const(wx, 4321);
    mprotect(wx, (size_t)page, PROT_READ | PROT_EXEC);
    flush(wx, 8);
    printf("W^X rewritten: %ld\n", ((fn1)wx)(0));

    /* Two virtual views of one memfd: write through one, run the other.
     * (Rewriting code already run through the other view is left out:
     * qemu-aarch64 keeps running the stale translation.) */
    int fd = memfd_create("jit", 0);
    ftruncate(fd, page);
    uint32_t *w = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    uint32_t *x = mmap(NULL, (size_t)page, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    emit_const(w, 77);
    flush(x, 8);
    printf("dual mapping run: %ld\n", ((fn1)x)(0));

    munmap(code, (size_t)page);
    printf("done\n");
    return 0;
}
