/* A busybox-style multi-call program: what it does depends on the name it
 * was called by, the basename of argv[0]. It tests how argv[0] reaches the
 * guest (binfmt_misc with and without its P flag, symlinked applets, -0).
 *
 *   echo ARGS...   prints ARGS separated by spaces
 *   true, false    exit 0 and 1
 *   uname          prints the release and machine from uname(2)
 *   run PROG...    runs each PROG (fork, execv with argv[0] = PROG and one
 *                  argument "from-run"), waits, prints "PROG: exit N"
 *   anything else  prints "name=BASENAME argc=N", then each argument;
 *                  with MULTICALL_FULL_ARGV0 set, also the whole argv[0]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *base(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
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
