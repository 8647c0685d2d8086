/* File names, argv and environment strings are bytes: names that are not
 * UTF-8 (\xff\xfe), and the NFC and NFD spellings of "é" (distinct names),
 * are created, listed with getdents64, renamed, stat'ed, linked, read back
 * with readlink and getcwd, and unlinked; this program is copied to a path
 * that is not UTF-8 and run from there with argv and environment strings
 * that are not UTF-8, directly, by execveat and through a #! script.
 * Every name is printed in hex. The reference is Linux (the same source
 * run natively on x86-64, see record.sh): qemu 7.2 has no execveat.
 *
 *   bytenames             the tests
 *   bytenames child ...   prints what the new program received
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rtcommon.h"

extern char **environ;

static void hex(const char *label, const char *s)
{
    printf("%s:", label);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) printf(" %02x", *p);
    printf("\n");
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int child(int argc, char **argv)
{
    printf("  child argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        char l[32];
        snprintf(l, sizeof l, "  argv[%d]", i);
        hex(l, i == 0 ? base(argv[i]) : argv[i]);
    }
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "BYTES", 5) == 0 || strncmp(*e, "SWIFT", 5) == 0 || strncmp(*e, "QEMU", 4) == 0)
            hex("  env", *e);
    if (argc > 2 && strcmp(argv[2], "nopath") == 0) return 7;
    hex("  AT_EXECFN base", base((const char *)getauxval(AT_EXECFN)));
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    hex("  /proc/self/exe base", base(buf));
    return 7;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    char buf[4096];
    char *names[64];
    int count = 0;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long o = 0; o < n;) {
            struct { unsigned long ino; long off; unsigned short reclen; unsigned char type; char name[]; } *d = (void *)(buf + o);
            if (strcmp(d->name, ".") && strcmp(d->name, "..") && count < 64) names[count++] = strdup(d->name);
            o += d->reclen;
        }
    }
    close(fd);
    qsort(names, count, sizeof names[0], cmp);
    printf("getdents64 %s: %d names\n", dir, count);
    for (int i = 0; i < count; i++) { hex("  name", names[i]); free(names[i]); }
}

static void wait_child(const char *label, pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    printf("%s: exit %d\n", label, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child(argc, argv);
    struct stat st;

    const char *bad = "d/\xff\xfe.txt", *nfc = "d/\xc3\xa9", *nfd = "d/e\xcc\x81";
    CHECK(mkdir("d", 0755) == 0);
    int fd = open(bad, O_CREAT | O_WRONLY | O_EXCL, 0644);
    CHECK(fd >= 0 && write(fd, "bad", 3) == 3);
    close(fd);
    fd = open(nfc, O_CREAT | O_WRONLY | O_EXCL, 0644);
    CHECK(fd >= 0 && write(fd, "nfc", 3) == 3);
    close(fd);
    fd = open(nfd, O_CREAT | O_WRONLY | O_EXCL, 0644);
    CHECK(fd >= 0 && write(fd, "nfd!", 4) == 4);
    close(fd);
    CHECK(stat(nfc, &st) == 0 && st.st_size == 3);
    CHECK(stat(nfd, &st) == 0 && st.st_size == 4);
    CHECK(stat("d/\xef\xbf\xbd\xef\xbf\xbd.txt", &st) == -1 && errno == ENOENT);
    list("d");

    CHECK(rename(bad, "d/\x80x\xc0") == 0);
    CHECK(stat(bad, &st) == -1 && errno == ENOENT);
    CHECK(lstat("d/\x80x\xc0", &st) == 0 && st.st_size == 3);
    CHECK(symlink("\xff\xfe-target", "d/\xfelink") == 0);
    char buf[4096];
    ssize_t n = readlink("d/\xfelink", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    hex("readlink", buf);
    CHECK(link("d/\x80x\xc0", "d/\xf0\x28\x8c\x28") == 0);
    CHECK(stat("d/\xf0\x28\x8c\x28", &st) == 0 && st.st_nlink == 2);
    CHECK(mkdir("d/\xfd\xfc", 0755) == 0 && chdir("d/\xfd\xfc") == 0);
    CHECK(getcwd(buf, sizeof buf) != NULL);
    hex("getcwd base", base(buf));
    CHECK(chdir("../..") == 0);
    list("d");
    const char *all[] = {"d/\x80x\xc0", nfc, nfd, "d/\xfelink", "d/\xf0\x28\x8c\x28"};
    for (int i = 0; i < 5; i++) CHECK(unlink(all[i]) == 0);
    CHECK(rmdir("d/\xfd\xfc") == 0);
    list("d");

    /* This program, copied to a name that is not UTF-8, run from there. */
    const char *prog = "d/run\xff\xfe";
    int in = open("/proc/self/exe", O_RDONLY), out = open(prog, O_CREAT | O_WRONLY | O_TRUNC, 0755);
    while ((n = read(in, buf, sizeof buf)) > 0) write(out, buf, n);
    close(in);
    close(out);
    char *a[] = {"x\xff", "child", "\xfe\xff" "A", "plain", NULL};
    char *env[] = {"BYTES_VAR=\xff\xfe", "BYTES_\xe9=latin1", NULL};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { execve(prog, a, env); printf("  execve: %s\n", strerror(errno)); _exit(127); }
    wait_child("execve of d/run\\xff\\xfe", pid);

    int dir = open("d", O_RDONLY | O_DIRECTORY);
    pid = fork();
    if (pid == 0) { syscall(SYS_execveat, dir, "run\xff\xfe", a, env, 0); printf("  execveat: %s\n", strerror(errno)); _exit(127); }
    wait_child("execveat(dirfd, run\\xff\\xfe)", pid);
    /* fexecve: AT_EXECFN is /dev/fd/20, which the new program cannot resolve once it is closed. */
    int pfd = open(prog, O_RDONLY);
    dup2(pfd, 20);
    close(pfd);
    char *a3[] = {"f\xff", "child", "nopath", "\xfe", NULL};
    pid = fork();
    if (pid == 0) { syscall(SYS_execveat, 20, "", a3, env, AT_EMPTY_PATH); printf("  execveat: %s\n", strerror(errno)); _exit(127); }
    wait_child("execveat(fd, \"\", AT_EMPTY_PATH)", pid);
    close(20);
    CHECK(symlink("run\xff\xfe", "d/lnk\xff") == 0);
    CHECK(syscall(SYS_execveat, dir, "lnk\xff", a, env, AT_SYMLINK_NOFOLLOW) == -1 && errno == ELOOP);
    CHECK(syscall(SYS_execveat, dir, "", a, env, 0) == -1 && errno == ENOENT);
    CHECK(syscall(SYS_execveat, dir, "missing", a, env, 0) == -1 && errno == ENOENT);
    pid = fork();
    if (pid == 0) { syscall(SYS_execveat, dir, "lnk\xff", a, env, 0); _exit(127); }
    wait_child("execveat(dirfd, link)", pid);

    /* A #! script at a name that is not UTF-8 whose interpreter is too. */
    const char *script = "d/scr\xfe.sh";
    FILE *f = fopen(script, "w");
    fprintf(f, "#!%s child\n", prog);
    fclose(f);
    chmod(script, 0755);
    char *a2[] = {"s\xff", "tail\xfe", NULL};
    pid = fork();
    if (pid == 0) { execve(script, a2, env); printf("  execve: %s\n", strerror(errno)); _exit(127); }
    wait_child("execve of #! script", pid);

    CHECK(unlink(script) == 0 && unlink("d/lnk\xff") == 0 && unlink(prog) == 0);
    close(dir);
    CHECK(rmdir("d") == 0);
    printf("done\n");
    return 0;
}
