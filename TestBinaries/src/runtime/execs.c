/* execve: of an arm64 ELF (this program, through /proc/self/exe and by
 * path), of a `#!` script whose interpreter is this program, with argv and
 * envp passed on, close-on-exec, a blocked signal and an ignored one
 * surviving exec, a failed exec's errno, and fexecve-like exec by fd.
 *
 *   execs               the tests
 *   execs child ARGS    prints what the new program received
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rtcommon.h"

extern char **environ;

static int child(int argc, char **argv)
{
    printf("  child argc=%d", argc);
    for (int i = 2; i < argc; i++) printf(" [%s]", argv[i]);
    const char *v = getenv("EXECS_VAR");
    printf(" EXECS_VAR=%s", v ? v : "(unset)");
    printf(" fd 5 %s fd 6 %s", fcntl(5, F_GETFD) == -1 ? "closed" : "open", fcntl(6, F_GETFD) == -1 ? "closed" : "open");
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    sigaction(SIGUSR1, NULL, &old);
    printf(" USR1 blocked %d", sigismember(&m, SIGUSR1));
    sigaction(SIGUSR2, NULL, &old);
    printf(" USR2 ignored %d", old.sa_handler == SIG_IGN);
    const char *p = getenv("EXECS_PID");
    if (p) printf(" pid kept %d", atoi(p) == (int)getpid());
    printf("\n");
    return 17;
}

static void run(const char *label, const char *path, char *const argv[], char *const envp[])
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve(path, argv, envp);
        printf("  exec failed: %s\n", strerror(errno));
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("%s: exit %d\n", label, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child(argc, argv);

    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;

    /* fd 5 survives exec, fd 6 is close-on-exec. */
    int fd = open("/dev/null", O_RDONLY);
    dup2(fd, 5);
    dup3(fd, 6, O_CLOEXEC);
    close(fd);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    signal(SIGUSR2, SIG_IGN);

    char *env[] = {"EXECS_VAR=passed", "LC_ALL=C", NULL};
    char *a1[] = {"execs", "child", "one", "two words", "", NULL};
    run("exec /proc/self/exe", "/proc/self/exe", a1, env);
    run("exec by path", self, a1, env);

    /* A script whose interpreter is this program with an argument. */
    char script[] = "execs-script.sh";
    FILE *f = fopen(script, "w");
    fprintf(f, "#!%s child\nignored body\n", self);
    fclose(f);
    chmod(script, 0755);
    char *a2[] = {"script-name", "script-arg", NULL};
    char *noenv[] = {NULL};
    run("exec #! script", "./execs-script.sh", a2, noenv);
    unlink(script);

    char *a3[] = {"nothing", NULL};
    run("exec missing file", "./does-not-exist", a3, env);
    f = fopen("not-executable", "w");
    fputs("plain text\n", f);
    fclose(f);
    chmod("not-executable", 0644);
    run("exec without x bit", "./not-executable", a3, env);
    unlink("not-executable");

    /* execve replaces the process: same pid. */
    pid_t pid = fork();
    if (pid == 0) {
        char buf[32];
        snprintf(buf, sizeof buf, "%d", (int)getpid());
        setenv("EXECS_PID", buf, 1);
        char *a4[] = {"execs", "child", "same-pid", NULL};
        execv("/proc/self/exe", a4);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("plain execv: exit %d\n", WEXITSTATUS(st));
    printf("done\n");
    return 0;
}
