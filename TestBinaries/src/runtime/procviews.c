/* The /proc views of a process: /proc/self/exe (readlink, open and read its
 * ELF header), /proc/self/maps (the main program, stack and a fresh
 * mapping with its permissions), /proc/self/auxv (AT_PAGESZ, AT_ENTRY
 * matching getauxval, AT_HWCAP), /proc/self/cmdline, /proc/self/stat (pid,
 * comm, state, ppid), /proc/self/fd, /proc/self/status and the Features
 * line of /proc/cpuinfo. Prints relations, never addresses. */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>
#include "rtcommon.h"

static size_t slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    size_t n = 0;
    ssize_t k;
    while (n < cap - 1 && (k = read(fd, buf + n, cap - 1 - n)) > 0) n += (size_t)k;
    close(fd);
    buf[n] = 0;
    return n;
}

static char big[1 << 20];

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char exe[4096] = {0};
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *base = strrchr(exe, '/');
    printf("exe: absolute %d, basename is argv[0]'s %d\n", n > 0 && exe[0] == '/',
           base && strcmp(base + 1, strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0]) == 0);
    int fd = open("/proc/self/exe", O_RDONLY);
    Elf64_Ehdr eh;
    printf("exe open: %d, ELF %d, machine AArch64 %d\n", fd >= 0,
           read(fd, &eh, sizeof eh) == sizeof eh && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0, eh.e_machine == EM_AARCH64);
    close(fd);

    char *m = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(m + 4096, 4096, PROT_READ | PROT_WRITE);
    slurp("/proc/self/maps", big, sizeof big);
    int stack = 0, exe_rx = 0, mine_r = 0, mine_rw = 0, lines = 0, sorted = 1;
    unsigned long prev = 0;
    for (char *line = strtok(big, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
        lines++;
        if (lo < prev) sorted = 0;
        prev = hi;
        if (strstr(line, "[stack]")) stack = 1;
        if (strstr(line, exe) && strcmp(perms, "r-xp") == 0) exe_rx = 1;
        if (lo == (unsigned long)m && hi == (unsigned long)m + 4096 && strcmp(perms, "r--p") == 0) mine_r = 1;
        if (lo == (unsigned long)m + 4096 && hi == (unsigned long)m + 8192 && strcmp(perms, "rw-p") == 0) mine_rw = 1;
    }
    printf("maps: sorted %d, [stack] %d, program r-xp %d, new mapping split r--p %d rw-p %d\n", sorted, stack,
           exe_rx, mine_r, mine_rw);

    size_t an = slurp("/proc/self/auxv", big, sizeof big);
    unsigned long *av = (unsigned long *)big;
    int pagesz = 0, entry = 0, hwcap = 0, terminated = 0;
    for (size_t i = 0; i + 1 < an / 8; i += 2) {
        if (av[i] == AT_PAGESZ) pagesz = av[i + 1] == 4096;
        if (av[i] == AT_ENTRY) entry = av[i + 1] == getauxval(AT_ENTRY);
        if (av[i] == AT_HWCAP) hwcap = av[i + 1] == getauxval(AT_HWCAP);
        if (av[i] == AT_NULL) { terminated = 1; break; }
    }
    printf("auxv: AT_PAGESZ 4096 %d, AT_ENTRY matches %d, AT_HWCAP matches %d, AT_NULL %d\n", pagesz, entry,
           hwcap, terminated);

    size_t cn = slurp("/proc/self/cmdline", big, sizeof big);
    int args = 0;
    for (size_t i = 0; i < cn; i++) if (big[i] == 0) args++;
    printf("cmdline: %d strings, argc %d, second '%s'\n", args, argc, argc > 1 ? big + strlen(big) + 1 : "");

    slurp("/proc/self/stat", big, sizeof big);
    int spid = 0, sppid = 0;
    char comm[64] = {0}, state = 0;
    char *open_paren = strchr(big, '('), *close_paren = strrchr(big, ')');
    sscanf(big, "%d", &spid);
    if (open_paren && close_paren) {
        memcpy(comm, open_paren + 1, (size_t)(close_paren - open_paren - 1) < 63 ? (size_t)(close_paren - open_paren - 1) : 63);
        sscanf(close_paren + 2, "%c %d", &state, &sppid);
    }
    printf("stat: pid matches %d, comm '%s', state R %d, ppid matches %d\n", spid == getpid(), comm, state == 'R',
           sppid == getppid());

    slurp("/proc/self/status", big, sizeof big);
    char *nm = strstr(big, "Name:");
    char name[64] = {0};
    if (nm) sscanf(nm, "Name:\t%63s", name);
    printf("status: Name %s\n", name);

    int extra = open("/dev/null", O_RDONLY);
    DIR *d = opendir("/proc/self/fd");
    int fds = 0, has_extra = 0, has_012 = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        fds++;
        if (atoi(e->d_name) == extra) has_extra = 1;
        if (atoi(e->d_name) <= 2) has_012++;
    }
    char link[256] = {0}, path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", extra);
    readlink(path, link, sizeof link - 1);
    printf("fd: lists 0-2 %d, new fd %d, its link %s\n", has_012 == 3, has_extra, link);
    if (d) closedir(d);

    slurp("/proc/cpuinfo", big, sizeof big);
    char *feat = strstr(big, "Features");
    if (feat) {
        char *end = strchr(feat, '\n');
        if (end) *end = 0;
        printf("cpuinfo Features has fp %d asimd %d atomics %d\n", strstr(feat, " fp") != NULL,
               strstr(feat, " asimd") != NULL, strstr(feat, " atomics") != NULL);
    } else {
        printf("cpuinfo: no Features line\n");
    }
    char *arch = strstr(feat ? feat + strlen(feat) + 1 : big, "CPU architecture");
    printf("cpuinfo CPU architecture line %d\n", arch != NULL);
    printf("done\n");
    return 0;
}
