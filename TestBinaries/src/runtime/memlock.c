/* mincore residency of touched and untouched pages, ENOMEM for a hole,
 * EINVAL for an unaligned start, EFAULT for a bad vector; mlock, munlock
 * and mlockall range and flag checks (ENOMEM for unmapped or PROT_NONE
 * pages). */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "rtcommon.h"

#define RES(call) ((call) == 0 ? "0" : strerror(errno))

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    long page = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", page);
    char *m = mmap(NULL, 6 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    m[2 * page] = 1;
    m[3 * page + 100] = 1;
    unsigned char v[6];
    memset(v, 0xee, sizeof v);
    CHECK(mincore(m, 6 * page, v) == 0);
    printf("residency:");
    for (int i = 0; i < 6; i++) printf(" %d", v[i]);
    printf("\n");
    memset(v, 0xee, sizeof v);
    CHECK(mincore(m + 2 * page, page + 1, v) == 0 && v[0] == 1 && v[1] == 1 && v[2] == 0xee);
    CHECK(mincore(m + 1, page, v) == -1 && errno == EINVAL);
    CHECK(mincore(m, 0, v) == 0);
    CHECK(mincore(m, page, (unsigned char *)8) == -1 && errno == EFAULT);
    mprotect(m + 4 * page, page, PROT_NONE);
    CHECK(mincore(m + 4 * page, page, v) == 0 && v[0] == 0);
    munmap(m + page, page);
    CHECK(mincore(m, 3 * page, v) == -1 && errno == ENOMEM);
    CHECK(mincore(m + page, page, v) == -1 && errno == ENOMEM);
    CHECK(mincore((void *)(uintptr_t)-page, page, v) == -1 && errno == ENOMEM);

    printf("mlock one page: %s\n", RES(mlock(m, page)));
    printf("mlock unaligned within: %s\n", RES(mlock(m + 10, 20)));
    printf("mlock across a hole: %s\n", RES(mlock(m, 2 * page)));
    printf("mlock unmapped: %s\n", RES(mlock(m + page, page)));
    printf("mlock PROT_NONE: %s\n", RES(mlock(m + 4 * page, page)));
    printf("mlock empty: %s\n", RES(mlock(m + page, 0)));
    printf("mlock wrapping: %s\n", RES(mlock(m, (size_t)-1)));
    printf("munlock one page: %s\n", RES(munlock(m, page)));
    printf("munlock across a hole: %s\n", RES(munlock(m, 3 * page)));
    printf("munlock unmapped: %s\n", RES(munlock(m + page, page)));
    printf("mlockall(0): %s\n", RES(mlockall(0)));
    printf("mlockall(MCL_ONFAULT): %s\n", RES(mlockall(MCL_ONFAULT)));
    printf("mlockall(0x100): %s\n", RES(mlockall(0x100)));
    printf("munlockall: %s\n", RES(munlockall()));
    return 0;
}
