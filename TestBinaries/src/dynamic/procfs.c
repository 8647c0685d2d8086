/* The /proc views of the guest: /proc/self/exe (readlink and open),
 * cmdline, auxv, stat, maps and fd. Prints only what is the same on every
 * run: names are cut to their last component, addresses are compared with
 * getauxval instead of printed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static size_t slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    size_t n = 0;
    ssize_t r;
    while (n < cap && (r = read(fd, buf + n, cap - n)) > 0) n += r;
    close(fd);
    return n;
}

int main(int argc, char **argv)
{
    static char buf[1 << 16];
    char link[4096];

    /* exe */
    ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    printf("exe: %s (matches argv[0]: %s)\n", base(link), strcmp(base(link), base(argv[0])) == 0 ? "yes" : "no");
    unsigned char head[20];
    int fd = open("/proc/self/exe", O_RDONLY);
    printf("exe opens: %s, ELF: %s, e_machine: %d\n", fd >= 0 ? "yes" : "no",
           fd >= 0 && read(fd, head, 20) == 20 && memcmp(head, "\177ELF", 4) == 0 ? "yes" : "no",
           head[18] | head[19] << 8);
    if (fd >= 0) close(fd);

    /* cmdline */
    size_t len = slurp("/proc/self/cmdline", buf, sizeof buf);
    int first = 1, count = 0;
    printf("cmdline:");
    for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
        printf(" [%s]", first ? base(buf + i) : buf + i);
        first = 0;
        count++;
    }
    printf(" (%d strings, NUL-terminated: %s)\n", count, len > 0 && buf[len - 1] == 0 ? "yes" : "no");

    /* auxv */
    len = slurp("/proc/self/auxv", buf, sizeof buf);
    uint64_t *av = (uint64_t *)buf;
    int pairs = 0, ok = 1, last_null = 0;
    for (size_t i = 0; i + 16 <= len; i += 16, pairs++) {
        uint64_t k = av[i / 8], v = av[i / 8 + 1];
        last_null = k == AT_NULL;
        if (k == AT_NULL) break;
        if (getauxval(k) != v) {
            ok = 0;
            printf("auxv %llu: %#llx, getauxval says %#lx\n", (unsigned long long)k, (unsigned long long)v, getauxval(k));
        }
    }
    printf("auxv: ends with AT_NULL: %s, agrees with getauxval: %s, AT_PAGESZ %lu, AT_BASE %s\n",
           last_null ? "yes" : "no", ok ? "yes" : "no", getauxval(AT_PAGESZ), getauxval(AT_BASE) ? "set" : "0");

    /* stat */
    len = slurp("/proc/self/stat", buf, sizeof buf - 1);
    buf[len] = 0;
    int pid = 0, ppid = 0;
    char comm[64] = "", state = '?';
    char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
    if (open_paren && close_paren) {
        pid = atoi(buf);
        snprintf(comm, sizeof comm, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
        sscanf(close_paren + 2, "%c %d", &state, &ppid);
    }
    char expect[16];
    snprintf(expect, sizeof expect, "%s", base(argv[0]));
    printf("stat: pid ok: %s, comm ok: %s, ppid ok: %s\n", pid == getpid() ? "yes" : "no",
           strcmp(comm, expect) == 0 ? "yes" : "no", ppid == getppid() ? "yes" : "no");

    /* maps */
    len = slurp("/proc/self/maps", buf, sizeof buf - 1);
    buf[len] = 0;
    int lines = 0, wellformed = 0, exec_of_program = 0, stack = 0, has_libc = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long lo, hi, off, ino;
        char perms[8], dev[16];
        int pos = 0;
        lines++;
        if (sscanf(line, "%lx-%lx %4s %lx %15s %lu %n", &lo, &hi, perms, &off, dev, &ino, &pos) >= 6 && lo < hi)
            wellformed++;
        const char *name = strchr(line, '/');
        if (name && strcmp(base(name), base(argv[0])) == 0 && strchr(perms, 'x')) exec_of_program++;
        if (strstr(line, "[stack]")) stack++;
        if (name && strstr(name, "libc.so.6")) has_libc++;
    }
    printf("maps: all lines well formed: %s, program mapped executable: %s, [stack]: %s, libc.so.6: %s\n",
           lines == wellformed ? "yes" : "no", exec_of_program ? "yes" : "no", stack ? "yes" : "no",
           has_libc ? "yes" : "no");

    /* fd */
    int probe = open("/proc/self/cmdline", O_RDONLY);
    int seen0 = 0, seen1 = 0, seen2 = 0, seen_probe = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));) {
        int k = atoi(e->d_name);
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        seen0 |= k == 0; seen1 |= k == 1; seen2 |= k == 2; seen_probe |= k == probe;
    }
    if (d) closedir(d);
    printf("fd: 0 1 2 listed: %s, new fd listed: %s\n", seen0 && seen1 && seen2 ? "yes" : "no", seen_probe ? "yes" : "no");
    (void)argc;
    return 0;
}
