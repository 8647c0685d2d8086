/* File I/O inside a fresh directory under /tmp: open, write, read, lseek,
 * pread/pwrite, fstat/stat, rename, unlink, mkdir, opendir/readdir,
 * rmdir. Only facts that are the same on every run are printed: sizes,
 * contents, modes, error numbers, sorted names. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/uio.h>

static char dir[64];

static void path(char *out, const char *name)
{
    snprintf(out, 128, "%s/%s", dir, name);
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *label)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("opendir failed errno %d\n", errno);
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmpstr);
    printf("%s:", label);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void)
{
    /* Modes printed below must not depend on the caller's umask. */
    umask(022);
    strcpy(dir, "/tmp/sqltest-XXXXXX");
    if (!mkdtemp(dir)) {
        printf("mkdtemp failed errno %d\n", errno);
        return 1;
    }
    printf("mkdtemp ok, name length %zu\n", strlen(dir));
    char a[128], b[128], sub[128];
    path(a, "alpha.txt");
    path(b, "beta.txt");
    path(sub, "subdir");

    int fd = open(a, O_CREAT | O_EXCL | O_RDWR, 0640);
    printf("open %d\n", fd >= 0);
    const char *text = "line one\nline two\nline three\n";
    ssize_t w = write(fd, text, strlen(text));
    printf("write %zd\n", w);
    printf("lseek end %ld\n", (long)lseek(fd, 0, SEEK_END));
    printf("lseek set %ld\n", (long)lseek(fd, 5, SEEK_SET));
    char buf[256];
    ssize_t r = read(fd, buf, 8);
    buf[r > 0 ? r : 0] = 0;
    printf("read %zd [%s]\n", r, buf);
    printf("lseek cur %ld\n", (long)lseek(fd, -3, SEEK_CUR));
    r = read(fd, buf, sizeof buf - 1);
    buf[r > 0 ? r : 0] = 0;
    printf("read rest %zd [%s]\n", r, buf);
    r = read(fd, buf, 10);
    printf("read at eof %zd\n", r);
    printf("pwrite %zd\n", pwrite(fd, "LINE", 4, 0));
    r = pread(fd, buf, 12, 0);
    buf[r > 0 ? r : 0] = 0;
    printf("pread %zd [%s]\n", r, buf);
    struct iovec iov[2] = { { "vec", 3 }, { "tor\n", 4 } };
    lseek(fd, 0, SEEK_END);
    printf("writev %zd\n", writev(fd, iov, 2));
    struct stat st;
    printf("fstat %d size %lld mode %o nlink %ld reg %d\n", fstat(fd, &st), (long long)st.st_size,
           st.st_mode & 07777, (long)st.st_nlink, S_ISREG(st.st_mode));
    printf("ftruncate %d\n", ftruncate(fd, 10));
    fstat(fd, &st);
    printf("size after truncate %lld\n", (long long)st.st_size);
    printf("close %d\n", close(fd));

    printf("stat %d size %lld\n", stat(a, &st), (long long)st.st_size);
    printf("stat missing %d errno %d\n", stat(b, &st), errno);
    printf("open excl again %d errno %d\n", open(a, O_CREAT | O_EXCL | O_RDWR, 0600), errno);
    printf("rename %d\n", rename(a, b));
    printf("stat old %d errno %d\n", stat(a, &st), errno);
    printf("stat new %d size %lld\n", stat(b, &st), (long long)st.st_size);
    printf("mkdir %d\n", mkdir(sub, 0755));
    stat(sub, &st);
    printf("dir mode %o isdir %d\n", st.st_mode & 07777, S_ISDIR(st.st_mode));

    /* A few more files so the listing has something to sort. */
    const char *names[] = { "zeta", "Mixed", "a1", "a10", "a2", ".hidden" };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[128];
        path(p, names[i]);
        FILE *f = fopen(p, "w");
        fprintf(f, "%u:%s\n", i, names[i]);
        fclose(f);
    }
    list("listing");

    /* stdio on the renamed file. */
    FILE *f = fopen(b, "r");
    printf("fopen %d\n", f != NULL);
    int c, count = 0;
    while ((c = fgetc(f)) != EOF)
        count++;
    printf("fgetc count %d feof %d\n", count, feof(f) != 0);
    rewind(f);
    char line[64];
    printf("fgets [%s]", fgets(line, sizeof line, f));
    printf("\n");
    fclose(f);
    f = fopen(b, "a+");
    fputs("appended\n", f);
    fseek(f, 0, SEEK_SET);
    size_t got = fread(line, 1, sizeof line - 1, f);
    line[got] = 0;
    printf("fread %zu\n%s", got, line);
    fclose(f);

    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    printf("open dir %d\n", dfd >= 0);
    int afd = openat(dfd, "zeta", O_RDONLY);
    r = read(afd, buf, sizeof buf - 1);
    buf[r > 0 ? r : 0] = 0;
    printf("openat read %zd [%s]\n", r, strtok(buf, "\n"));
    close(afd);
    printf("faccessat %d\n", faccessat(dfd, "zeta", R_OK, 0));
    printf("unlinkat %d\n", unlinkat(dfd, "zeta", 0));
    close(dfd);
    printf("open file as dir %d errno %d\n", open(b, O_RDONLY | O_DIRECTORY), errno);
    printf("rmdir nonempty %d errno %d\n", rmdir(dir), errno);
    printf("unlink dir %d errno %d\n", unlink(sub), errno);
    printf("rmdir sub %d\n", rmdir(sub));
    list("after unlinkat");
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[128];
        path(p, names[i]);
        unlink(p);
    }
    printf("unlink %d\n", unlink(b));
    printf("unlink again %d errno %d\n", unlink(b), errno);
    list("empty");
    printf("rmdir %d\n", rmdir(dir));
    printf("stat removed dir %d errno %d\n", stat(dir, &st), errno);
    return 0;
}
