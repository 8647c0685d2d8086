/* Self-modifying code inside one block: a routine stores a new instruction
 * a few instructions ahead of itself, then runs the cache maintenance
 * sequence (dc cvau; dsb ish; ic ivau; dsb ish; isb) and falls through to
 * the patched instruction, which must be the new one. A translator that
 * keeps running the block it started would execute the old instruction.
 * Also: the patch repeated in a loop, a patch behind a branch in the
 * same page, and code rewritten through the writable view of a memfd
 * mapped twice (read-write and read-execute), run through the other. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "rtcommon.h"

/* x0 = address of the instruction to patch, w1 = its new encoding.
 * Returns x0 as set by the patched instruction. */
static const uint32_t routine[] = {
    0xb9000001, /* str w1, [x0] */
    0xd50b7b20, /* dc cvau, x0 */
    0xd5033b9f, /* dsb ish */
    0xd50b7520, /* ic ivau, x0 */
    0xd5033b9f, /* dsb ish */
    0xd5033fdf, /* isb */
    0xd2800020, /* patched: mov x0, #1 */
    0xd65f03c0, /* ret */
};
#define PATCHED 6

static uint32_t movz_x0(unsigned imm) { return 0xd2800000u | (imm & 0xffff) << 5; }

typedef long (*patcher)(uint32_t *at, uint32_t insn);

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    long page = sysconf(_SC_PAGESIZE);
    uint32_t *code = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(code, routine, sizeof routine);
    __builtin___clear_cache((char *)code, (char *)code + sizeof routine);
    patcher f = (patcher)code;

    /* Run once unpatched (the store writes the same instruction), so the
     * block is translated before the patch. */
    printf("unpatched: %ld\n", f(code + PATCHED, movz_x0(1)));
    printf("patched ahead in its own block: %ld\n", f(code + PATCHED, movz_x0(2)));
    printf("patched again: %ld\n", f(code + PATCHED, movz_x0(3)));

    long sum = 0;
    for (unsigned i = 1; i <= 1000; i++) sum += f(code + PATCHED, movz_x0(i));
    printf("1000 patches, sum of results: %ld\n", sum);

    /* The same routine, patching an instruction of another block (after a
     * branch) in the same page. */
    uint32_t *two = code + 64;
    static const uint32_t branchy[] = {
        0xb9000001, /* str w1, [x0] */
        0xd50b7b20, 0xd5033b9f, 0xd50b7520, 0xd5033b9f, 0xd5033fdf,
        0x14000001, /* b +4 */
        0xd2800020, /* patched: mov x0, #1 */
        0xd65f03c0, /* ret */
    };
    memcpy(two, branchy, sizeof branchy);
    __builtin___clear_cache((char *)two, (char *)two + sizeof branchy);
    patcher g = (patcher)two;
    printf("other block, unpatched: %ld\n", g(two + 7, movz_x0(1)));
    printf("other block, patched: %ld\n", g(two + 7, movz_x0(9)));

    /* Two views of one memfd: written through one, run through the other. */
    int fd = memfd_create("smc-dual", 0);
    ftruncate(fd, page);
    uint32_t *rw = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    uint32_t *rx = mmap(NULL, (size_t)page, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    typedef long (*fn0)(void);
    long dual = 0;
    for (unsigned i = 1; i <= 100; i++) {
        rw[0] = movz_x0(i);
        rw[1] = 0xd65f03c0; /* ret */
        __builtin___clear_cache((char *)rx, (char *)(rx + 2));
        dual += ((fn0)rx)();
    }
    printf("dual view, 100 rewrites, sum of results: %ld\n", dual);
    munmap(rw, (size_t)page);
    munmap(rx, (size_t)page);
    close(fd);

    /* The data read back as the store left it. */
    printf("instruction word in memory: %d\n", code[PATCHED] == movz_x0(1000));
    munmap(code, (size_t)page);
    printf("done\n");
    return 0;
}
