/* The guest's /proc is the only /proc: every spelling of the own process's
 * maps-like files lists only ranges this process can read itself (a host
 * range in them would fail the write-to-a-pipe probe), /proc/self/mem reads
 * and writes the process's own memory with forced access, and a fuzzer of
 * path spellings never reaches anything else. Prints relations only. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
#include "rtcommon.h"

static int probe[2];
static volatile int global_value = 0x5a5a1234;
static char tidbuf[32], pidbuf[32], dfdbuf[64];
static int dself, dproc, dtask;
static long failures;

static const char *en(int e)
{
    switch (e) {
    case 0: return "0"; case ENOENT: return "ENOENT"; case EACCES: return "EACCES"; case EPERM: return "EPERM";
    case EIO: return "EIO"; case EINVAL: return "EINVAL"; case ENOTDIR: return "ENOTDIR"; case ELOOP: return "ELOOP";
    case EFAULT: return "EFAULT"; case EBADF: return "EBADF"; case EISDIR: return "EISDIR";
    default: return "E?";
    }
}

/* True when this process can read the byte at a (the kernel copies it from
 * this process's memory, so a range it cannot read is not its own). */
static int readable(uintptr_t a)
{
    return write(probe[1], (void *)a, 1) == 1 && read(probe[0], &(char){0}, 1) == 1;
}

static char *slurp(int fd, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    ssize_t r;
    while ((r = read(fd, b + n, cap - n)) > 0) {
        n += r;
        if (n == cap) b = realloc(b, (cap *= 2) + 1);
    }
    b[n] = 0;
    *len = n;
    return b;
}

/* Every range of a maps-like text: readable ones must be readable here.
 * Returns the number of ranges, or -1 when one is not this process's. */
static int check_ranges(const char *text, int numa, uintptr_t *must, int nmust, int *covered)
{
    int count = 0;
    for (const char *l = text; *l; ) {
        const char *e = strchr(l, '\n');
        size_t ll = e ? (size_t)(e - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(ll < 511 ? ll : 511), l);
        unsigned long a = 0, b = 0;
        char perms[8] = "";
        int ok = numa ? sscanf(line, "%lx ", &a) == 1 : sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3;
        if (ok && !strstr(line, "[vvar") && !strstr(line, "[vsyscall]") && !strstr(line, "[rollup]")) {
            count++;
            if (numa) {
                if (!readable(a) && !strstr(line, "stack")) { /* guard or PROT_NONE pages are possible */
                    if (msync((void *)(a & ~4095UL), 4096, MS_ASYNC) != 0) return -1;
                }
            } else if (perms[0] == 'r') {
                if (!readable(a) || !readable(b - 1)) return -1;
                for (int i = 0; i < nmust; i++) if (must[i] >= a && must[i] < b) covered[i] = 1;
            }
        }
        l = e ? e + 1 : l + ll;
    }
    return count;
}

static char *here;   /* a page of data the mem tests use */
static uintptr_t must[4];

/* Opens one spelling; returns "guest" when every range checks, the errno
 * name when refused, "HOST" otherwise. */
static const char *check_view(int dfd, const char *path, const char *name)
{
    int fd = openat(dfd, path, O_RDONLY);
    if (fd < 0) return en(errno);
    size_t n;
    char *t = slurp(fd, &n);
    close(fd);
    int covered[4] = {0};
    int numa = strcmp(name, "numa_maps") == 0;
    int r = check_ranges(t, numa, must, 4, covered);
    free(t);
    if (r < 0) return "HOST";
    if (strcmp(name, "maps") == 0 || strcmp(name, "smaps") == 0)
        for (int i = 0; i < 4; i++) if (!covered[i]) return "INCOMPLETE";
    return "guest";
}

static const char *spell[] = {
    "/proc/self/%s", "//proc/self/%s", "/proc/./self/%s", "/proc/self/../self/%s", "/proc//self///%s",
    "/proc/%P/%s", "/proc/%T/%s", "/proc/thread-self/%s", "/proc/self/task/%T/%s", "/proc/%P/task/%T/%s",
    "/proc/self/task/../%s", "/proc/self/root/proc/self/%s", "/proc/self/cwd/l_self/%s", "l_proc/self/%s",
    "l_self/%s", "l_self/task/%T/%s", "./l_proc/../l_self/%s", "/proc/self/fd/%D/%s", "l_thread/%s",
};

static void fmt(char *out, size_t cap, const char *pat, const char *name)
{
    size_t o = 0;
    for (const char *p = pat; *p && o + 40 < cap; p++) {
        if (p[0] == '%' && p[1]) {
            const char *s = p[1] == 'P' ? pidbuf : p[1] == 'T' ? tidbuf : p[1] == 'D' ? dfdbuf : name;
            o += snprintf(out + o, cap - o, "%s", s);
            p++;
        } else out[o++] = *p;
    }
    out[o] = 0;
}

static void views(void)
{
    static const char *names[] = { "maps", "smaps", "numa_maps", "smaps_rollup" };
    for (int k = 0; k < 4; k++) {
        int guest = 0, refused = 0, host = 0;
        char first[32] = "";
        for (size_t i = 0; i < sizeof spell / sizeof *spell; i++) {
            char path[256];
            fmt(path, sizeof path, spell[i], names[k]);
            const char *r = check_view(AT_FDCWD, path, names[k]);
            if (!strcmp(r, "guest")) guest++; else if (!strcmp(r, "HOST") || !strcmp(r, "INCOMPLETE")) { host++; printf("  %s: %s\n", path, r); } else refused++;
            if (!first[0]) snprintf(first, sizeof first, "%s", r);
        }
        int dirfds[] = { dself, dtask };
        for (int i = 0; i < 2; i++) {
            const char *r = check_view(dirfds[i], names[k], names[k]);
            if (!strcmp(r, "guest")) guest++; else if (!strcmp(r, "HOST") || !strcmp(r, "INCOMPLETE")) host++; else refused++;
        }
        char rel[64];
        snprintf(rel, sizeof rel, "self/%s", names[k]);
        const char *r = check_view(dproc, rel, names[k]);
        if (!strcmp(r, "guest")) guest++; else if (!strcmp(r, "HOST") || !strcmp(r, "INCOMPLETE")) host++; else refused++;
        printf("%-13s spellings %zu: guest view %d, refused %d, host %d (first: %s)\n", names[k],
               sizeof spell / sizeof *spell + 3, guest, refused, host, first);
        failures += host;
    }
}

static void mem_tests(void)
{
    int fd = open("/proc/self/mem", O_RDWR);
    printf("open mem rdwr: %s\n", fd >= 0 ? "ok" : en(errno));
    if (fd < 0) return;
    int v = 0;
    CHECK(pread(fd, &v, sizeof v, (off_t)(uintptr_t)&global_value) == sizeof v && v == 0x5a5a1234);
    strcpy(here, "guest data");
    char buf[16] = "";
    CHECK(pread(fd, buf, 11, (off_t)(uintptr_t)here) == 11 && !strcmp(buf, "guest data"));
    CHECK(lseek(fd, (off_t)(uintptr_t)here, SEEK_SET) == (off_t)(uintptr_t)here && read(fd, buf, 5) == 5 && !memcmp(buf, "guest", 5));
    /* Forced write to a read-only page. */
    char *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(ro, "before");
    mprotect(ro, 4096, PROT_READ);
    CHECK(pwrite(fd, "after!", 6, (off_t)(uintptr_t)ro) == 6 && !strcmp(ro, "after!"));
    /* PROT_NONE is still readable with forced access. */
    mprotect(ro, 4096, PROT_NONE);
    CHECK(pread(fd, buf, 6, (off_t)(uintptr_t)ro) == 6 && !memcmp(buf, "after!", 6));
    /* Unmapped: EIO. */
    munmap(ro, 4096);
    errno = 0;
    CHECK(pread(fd, buf, 4, (off_t)(uintptr_t)ro) == -1 && errno == EIO);
    errno = 0;
    CHECK(pwrite(fd, buf, 4, (off_t)(uintptr_t)ro) == -1 && errno == EIO);
    /* Partial: a read running into an unmapped page stops there. */
    char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(two + 4096, 4096);
    CHECK(pread(fd, buf, 16, (off_t)(uintptr_t)(two + 4088)) == 8);
    munmap(two, 4096);
    /* Code: run it, rewrite it through mem, run the new code. */
#if defined(__aarch64__)
    static const uint32_t ret1[] = { 0x52800020, 0xd65f03c0 }, ret2[] = { 0x52800040, 0xd65f03c0 };
#else
    static const uint8_t ret1[] = { 0xb8, 1, 0, 0, 0, 0xc3 }, ret2[] = { 0xb8, 2, 0, 0, 0, 0xc3 };
#endif
    char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(code, ret1, sizeof ret1);
    __builtin___clear_cache(code, code + sizeof ret1);
    mprotect(code, 4096, PROT_READ | PROT_EXEC);
    int (*fn)(void) = (int (*)(void))code;
    int first = fn();
    CHECK(pwrite(fd, ret2, sizeof ret2, (off_t)(uintptr_t)code) == sizeof ret2);
    __builtin___clear_cache(code, code + sizeof ret2);
    int second = fn();
    CHECK(first == 1 && second == 2);
    close(fd);
    /* Read-only open: writes are EBADF. */
    fd = open("/proc/self/mem", O_RDONLY);
    errno = 0;
    CHECK(fd >= 0 && pwrite(fd, "x", 1, (off_t)(uintptr_t)here) == -1 && errno == EBADF);
    /* A dup shares the description. */
    int d = dup(fd);
    CHECK(d >= 0 && pread(d, &v, sizeof v, (off_t)(uintptr_t)&global_value) == sizeof v && v == 0x5a5a1234);
    close(d);
    close(fd);
    /* Every spelling of mem reaches this process's memory. */
    int same = 0, total = 0;
    for (size_t i = 0; i < sizeof spell / sizeof *spell; i++) {
        char path[256];
        fmt(path, sizeof path, spell[i], "mem");
        int f = open(path, O_RDONLY);
        total++;
        v = 0;
        if (f >= 0 && pread(f, &v, sizeof v, (off_t)(uintptr_t)&global_value) == sizeof v && v == 0x5a5a1234) same++;
        if (f >= 0) close(f);
    }
    int f = openat(dself, "mem", O_RDONLY);
    total++;
    if (f >= 0 && pread(f, &v, sizeof v, (off_t)(uintptr_t)&global_value) == sizeof v && v == 0x5a5a1234) same++;
    if (f >= 0) close(f);
    printf("mem spellings %d: own memory %d\n", total, same);
}

static void pagemap_tests(void)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    printf("open pagemap: %s\n", fd >= 0 ? "ok" : en(errno));
    if (fd < 0) return;
    uint64_t e = 0;
    here[0] = 1;
    CHECK(pread(fd, &e, 8, (off_t)((uintptr_t)here / 4096 * 8)) == 8 && (e >> 63) == 1);
    char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, 4096);
    e = 1;
    CHECK(pread(fd, &e, 8, (off_t)((uintptr_t)gone / 4096 * 8)) == 8 && e == 0);
    errno = 0;
    CHECK(pread(fd, &e, 4, 0) == -1 && errno == EINVAL);
    close(fd);
}

static void other_tests(void)
{
    /* map_files: refused, or names only ranges of maps. */
    DIR *d = opendir("/proc/self/map_files");
    int bad = 0;
    if (d) {
        int mfd = open("/proc/self/maps", O_RDONLY);
        size_t n;
        char *maps = slurp(mfd, &n);
        close(mfd);
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.') continue;
            char key[300];
            snprintf(key, sizeof key, "%s ", de->d_name);
            char *p = strstr(maps, key);
            if (!p || (p != maps && p[-1] != '\n')) { /* kernel omits leading zeros in both */ bad++; }
        }
        closedir(d);
        free(maps);
    }
    printf("map_files: names outside maps %d\n", bad);
    failures += bad;
    /* exe: every spelling is the same program. */
    char a[4096] = "", b[4096];
    ssize_t n = readlink("/proc/self/exe", a, sizeof a - 1);
    if (n > 0) a[n] = 0;
    int same = 0, total = 0;
    const char *ex[] = { "//proc/self/exe", "/proc/./self/exe", "/proc/thread-self/exe", "l_self/exe", "l_proc/self/exe" };
    for (size_t i = 0; i < 5; i++) {
        total++;
        n = readlink(ex[i], b, sizeof b - 1);
        if (n > 0) { b[n] = 0; same += !strcmp(a, b); }
    }
    total++;
    n = readlinkat(dself, "exe", b, sizeof b - 1);
    if (n > 0) { b[n] = 0; same += !strcmp(a, b); }
    printf("exe links %d: same target %d\n", total, same);
    /* execve through spellings of the own exe runs this program again. */
    const char *runs[] = { "/proc/self/exe", "//proc/self/exe", "l_self/exe", "l_proc/self/../self/exe", "/proc/thread-self/exe" };
    int ran = 0;
    for (int i = 0; i < 6; i++) {
        pid_t c = fork();
        if (c == 0) {
            char *args[] = { "procguard", "exe-child", NULL };
            if (i < 5) execv(runs[i], args);
            else syscall(SYS_execveat, open("/proc/self", O_RDONLY | O_DIRECTORY), "exe", args, environ, 0);
            _exit(1);
        }
        int st = 0;
        waitpid(c, &st, 0);
        ran += WIFEXITED(st) && WEXITSTATUS(st) == 42;
    }
    printf("execve of exe spellings 6: ran this program %d\n", ran);
    int fd = openat(dself, "exe", O_RDONLY);
    char magic[4] = "";
    CHECK(fd >= 0 && read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4));
    close(fd);
    /* Another process's memory: refused, or that process's own bytes. */
    pid_t c = fork();
    if (c == 0) { global_value = 77; pause(); _exit(0); }
    usleep(200000);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)c);
    fd = open(path, O_RDONLY);
    int v = 0;
    int other_ok = fd < 0 || (pread(fd, &v, 4, (off_t)(uintptr_t)&global_value) == 4 && v == 77)
        || pread(fd, &v, 4, (off_t)(uintptr_t)&global_value) < 0;
    if (fd >= 0) close(fd);
    printf("other process mem: %s\n", other_ok ? "refused or its own bytes" : "FOREIGN BYTES");
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
}

/* Random spellings of the own process's maps and mem: each opens to the
 * guest view or fails with an errno; never to anything else. */
static void fuzz(long iterations)
{
    static const char *comp[] = { ".", "..", "", "self", "thread-self", "%P", "%T", "task", "proc", "l_proc", "l_self", "root", "cwd" };
    static const char *leaf[] = { "maps", "smaps", "numa_maps", "mem" };
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    long opened = 0, errs = 0, hostv = 0;
    for (long it = 0; it < iterations; it++) {
        char pat[512] = "";
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int start = (seed >> 33) % 4;
        strcat(pat, start == 0 ? "/proc" : start == 1 ? "//proc" : start == 2 ? "l_proc" : "l_self");
        int ncomp = (seed >> 40) % 5;
        for (int i = 0; i < ncomp; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            strcat(pat, "/");
            strcat(pat, comp[(seed >> 33) % (sizeof comp / sizeof *comp)]);
        }
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        const char *name = leaf[(seed >> 33) % 4];
        strcat(pat, "/%s");
        char path[600];
        fmt(path, sizeof path, pat, name);
        if (!strcmp(name, "mem")) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            int dk = (seed >> 33) % 8;
            int f = dk < 3 && ncomp > 0 ? openat(dk == 0 ? dself : dk == 1 ? dproc : dtask, strchr(path + 2, '/') + 1, O_RDONLY)
                                        : open(path, O_RDONLY);
            if (f < 0) { errs++; continue; }
            opened++;
            int v = 0;
            if (pread(f, &v, 4, (off_t)(uintptr_t)&global_value) != 4 || v != 0x5a5a1234) hostv++;
            close(f);
            continue;
        }
        /* A quarter of the spellings are relative to a directory fd. */
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int dk = (seed >> 33) % 8;
        int dfd = AT_FDCWD;
        const char *rel = path;
        if (dk < 3 && ncomp > 0) {
            dfd = dk == 0 ? dself : dk == 1 ? dproc : dtask;
            rel = strchr(path + 2, '/') + 1;
        }
        const char *r = check_view(dfd, rel, name);
        if (!strcmp(r, "guest")) opened++; else if (!strcmp(r, "HOST") || !strcmp(r, "INCOMPLETE")) { hostv++; printf("  fuzz %s: %s\n", path, r); } else errs++;
    }
    printf("fuzz %ld spellings: guest view %ld, errno %ld, host view %ld\n", iterations, opened, errs, hostv);
    failures += hostv;
}

/* `procguard fds`: the emulator's own descriptors (the -D log) are not
 * the guest's: not listed, not open to fcntl, not closed by close_range,
 * not replaced by dup2. Used by EmulatorFdTests with -D. */
static int fds_mode(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    long top = rl.rlim_max > 1 << 16 ? 1 << 16 : (long)rl.rlim_max;  /* where the emulator puts its own */
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    long highest = -1;
    while (d && (de = readdir(d))) if (de->d_name[0] != '.' && atol(de->d_name) > highest) highest = atol(de->d_name);
    if (d) closedir(d);
    printf("highest listed fd below 1000: %s\n", highest < 1000 ? "yes" : "no");
    long open_high = 0;
    for (long fd = 1000; fd < top; fd++) if (fcntl((int)fd, F_GETFD) >= 0) open_high++;
    printf("open fds from 1000: %ld\n", open_high);
    long dup_ok = 0;
    for (long fd = top - 70; fd < top; fd++) if (dup2(1, (int)fd) == fd) { dup_ok++; close((int)fd); }
    printf("dup2 onto the top 70 fds: %ld\n", dup_ok);
    syscall(SYS_close_range, 3, ~0U, 0);
    long open_after = 0;
    for (long fd = 3; fd < top; fd++) if (fcntl((int)fd, F_GETFD) >= 0) open_after++;
    printf("open fds from 3 after close_range: %ld\n", open_after);
    getppid(); /* logged after close_range */
    return 0;
}

static void *thread_main(void *arg)
{
    (void)arg;
    snprintf(tidbuf, sizeof tidbuf, "%ld", (long)syscall(SYS_gettid));
    symlink(tidbuf[0] ? "/proc/thread-self" : "", "l_thread");
    views();
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exe-child")) return 42;
    if (argc > 1 && !strcmp(argv[1], "fds")) return fds_mode();
    long iterations = argc > 1 ? atol(argv[1]) : 2000;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pipe(probe) != 0) return 1;
    here = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int stackvar = 1;
    must[0] = (uintptr_t)&stackvar; must[1] = (uintptr_t)&global_value; must[2] = (uintptr_t)main; must[3] = (uintptr_t)here;
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
    snprintf(tidbuf, sizeof tidbuf, "%d", (int)getpid());
    unlink("l_proc"); unlink("l_self"); unlink("l_thread");
    symlink("/proc", "l_proc");
    symlink("/proc/self", "l_self");
    symlink("/proc/thread-self", "l_thread");
    dself = open("/proc/self", O_RDONLY | O_DIRECTORY);
    dproc = open("/proc", O_RDONLY | O_DIRECTORY);
    char tp[64];
    snprintf(tp, sizeof tp, "/proc/self/task/%s", tidbuf);
    dtask = open(tp, O_RDONLY | O_DIRECTORY);
    snprintf(dfdbuf, sizeof dfdbuf, "%d", dself);
    printf("main thread:\n");
    views();
    /* The same from a second thread: its own TID in /proc/TID and task/. */
    unlink("l_thread");
    pthread_t t;
    printf("second thread:\n");
    pthread_create(&t, NULL, thread_main, NULL);
    pthread_join(t, NULL);
    snprintf(tidbuf, sizeof tidbuf, "%d", (int)getpid());
    mem_tests();
    pagemap_tests();
    other_tests();
    fuzz(iterations);
    unlink("l_proc"); unlink("l_self"); unlink("l_thread");
    printf("host views seen: %ld\n", failures);
    return failures != 0;
}
