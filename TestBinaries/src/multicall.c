/* A busybox-style multi-call program: what it does depends on the name it
 * was called by, the basename of argv[0]. It tests how argv[0] reaches the
 * guest (binfmt_misc with and without its P flag, symlinked applets, -0).
 *
 *   echo ARGS...   prints ARGS separated by spaces
 *   true, false    exit 0 and 1
 *   uname          prints the release and machine from uname(2)
 *   cat FILE...    copies each FILE to stdout
 *   random         prints the 16 AT_RANDOM bytes in hex
 *   getrandom      prints 16 bytes from getrandom(2) in hex
 *   sh -c LINE     a tiny shell: runs the commands of LINE separated by ';'
 *                  (words split at spaces, names without '/' taken from
 *                  /bin), one after the other; exits with the last status
 *   run PROG...    runs each PROG (fork, execv with argv[0] = PROG and one
 *                  argument "from-run"), waits, prints "PROG: exit N"
 *   anything else  prints "name=BASENAME argc=N", then each argument;
 *                  with MULTICALL_FULL_ARGV0 set, also the whole argv[0]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *base(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Runs one command of words; returns its exit status as a shell would. */
static int spawn(char **words) {
    char path[4096];
    if (strchr(words[0], '/')) snprintf(path, sizeof path, "%s", words[0]);
    else snprintf(path, sizeof path, "/bin/%s", words[0]);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
        execv(path, words);
        perror(words[0]);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return 2;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int shell(char *line) {
    int status = 0;
    for (char *cmd = strtok(line, ";"), *next; cmd; cmd = next) {
        next = strtok(NULL, ";");
        char *words[64];
        int n = 0;
        for (char *save, *w = strtok_r(cmd, " ", &save); w && n < 63; w = strtok_r(NULL, " ", &save)) words[n++] = w;
        words[n] = 0;
        if (n > 0) status = spawn(words);
    }
    return status;
}

int main(int argc, char **argv) {
    const char *name = argc > 0 ? base(argv[0]) : "";
    if (strcmp(name, "echo") == 0) {
        for (int i = 1; i < argc; i++) printf("%s%s", i > 1 ? " " : "", argv[i]);
        printf("\n");
        return 0;
    }
    if (strcmp(name, "true") == 0) return 0;
    if (strcmp(name, "false") == 0) return 1;
    if (strcmp(name, "uname") == 0) {
        struct utsname u;
        if (uname(&u) != 0) return 2;
        printf("%s %s\n", u.release, u.machine);
        return 0;
    }
    if (strcmp(name, "cat") == 0) {
        for (int i = 1; i < argc; i++) {
            int fd = open(argv[i], O_RDONLY);
            if (fd < 0) { perror(argv[i]); return 1; }
            char buf[4096];
            ssize_t n;
            while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
            close(fd);
        }
        return 0;
    }
    if (strcmp(name, "random") == 0) {
        const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
        if (!r) return 2;
        for (int i = 0; i < 16; i++) printf("%02x", r[i]);
        printf("\n");
        return 0;
    }
    if (strcmp(name, "getrandom") == 0) {
        unsigned char r[16];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) return 2;
        for (int i = 0; i < 16; i++) printf("%02x", r[i]);
        printf("\n");
        return 0;
    }
    if (strcmp(name, "sh") == 0) {
        if (argc != 3 || strcmp(argv[1], "-c") != 0) {
            fprintf(stderr, "usage: sh -c 'command; command...'\n");
            return 2;
        }
        return shell(argv[2]);
    }
    if (strcmp(name, "run") == 0) {
        for (int i = 1; i < argc; i++) {
            fflush(stdout);
            pid_t pid = fork();
            if (pid < 0) return 2;
            if (pid == 0) {
                execl(argv[i], argv[i], "from-run", (char *)0);
                perror(argv[i]);
                _exit(127);
            }
            int status = 0;
            if (waitpid(pid, &status, 0) != pid) return 2;
            printf("%s: exit %d\n", argv[i], WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
        return 0;
    }
    printf("name=%s argc=%d\n", name, argc);
    if (getenv("MULTICALL_FULL_ARGV0")) printf("argv[0]=%s\n", argc > 0 ? argv[0] : "(none)");
    for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    return 0;
}
