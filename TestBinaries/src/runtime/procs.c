/* Processes: fork and wait4/waitpid/waitid statuses (exit codes, deaths by
 * signal, WNOHANG, stopped children are not used), the parent's view of
 * rusage and SIGCHLD, process groups and sessions, vfork, and a pipe between
 * parent and child. Prints relations, never pids. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rtcommon.h"

static void quiet_stderr(void)
{
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
    close(fd);
}

static volatile int sigchld_count;
static void on_chld(int sig) { (void)sig; sigchld_count++; }

static void describe(const char *what, int st)
{
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by signal %d%s\n", what, WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
    else printf("%s: status %#x\n", what, st);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {0};
    sa.sa_handler = on_chld;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);

    pid_t me = getpid();
    int codes[] = {0, 1, 42, 255};
    for (int i = 0; i < 4; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            if (getppid() != me) _exit(99);
            _exit(codes[i]);
        }
        int st;
        pid_t w = waitpid(pid, &st, 0);
        char what[32];
        snprintf(what, sizeof what, "exit(%d) pid matches %d", codes[i], w == pid);
        describe(what, st);
    }

    int sigs[] = {SIGTERM, SIGKILL, SIGSEGV, SIGABRT, SIGUSR1};
    for (int i = 0; i < 5; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            quiet_stderr();
            if (sigs[i] == SIGSEGV) *(volatile int *)0 = 1;
            if (sigs[i] == SIGABRT) abort();
            raise(sigs[i]);
            _exit(0);
        }
        int st;
        waitpid(pid, &st, 0);
        char what[32];
        snprintf(what, sizeof what, "raise %d", sigs[i]);
        describe(what, st);
    }

    /* The parent kills a child that waits in pause(). */
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        write(p[1], "r", 1);
        for (;;) pause();
    }
    close(p[1]);
    char c;
    read(p[0], &c, 1);
    close(p[0]);
    kill(pid, SIGTERM);
    int st;
    struct rusage ru;
    pid_t w = wait4(pid, &st, 0, &ru);
    describe("killed by the parent", st);
    printf("wait4 pid matches %d, rusage maxrss known %d\n", w == pid, ru.ru_maxrss > 0);

    /* WNOHANG before the child is done, then waitid. */
    pipe(p);
    pid = fork();
    if (pid == 0) {
        close(p[1]);
        read(p[0], &c, 1);
        _exit(7);
    }
    close(p[0]);
    printf("WNOHANG while running: %d\n", waitpid(pid, &st, WNOHANG));
    write(p[1], "g", 1);
    close(p[1]);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, pid, &si, WEXITED);
    printf("waitid: %d code CLD_EXITED %d status %d pid matches %d signo SIGCHLD %d\n", r,
           si.si_code == CLD_EXITED, si.si_status, si.si_pid == pid, si.si_signo == SIGCHLD);
    pid = fork();
    if (pid == 0) { quiet_stderr(); raise(SIGKILL); }
    memset(&si, 0, sizeof si);
    waitid(P_ALL, 0, &si, WEXITED);
    printf("waitid killed: code CLD_KILLED %d status %d\n", si.si_code == CLD_KILLED, si.si_status);
    pid = fork();
    if (pid == 0) _exit(3);
    memset(&si, 0, sizeof si);
    waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
    printf("WNOWAIT leaves it: status %d, ", si.si_status);
    waitpid(pid, &st, 0);
    printf("then waitpid gets exit %d\n", WEXITSTATUS(st));
    printf("no more children: %d %s\n", wait(&st), errno == ECHILD ? "ECHILD" : "?");
    printf("SIGCHLD seen: %d\n", sigchld_count > 0);

    /* Process groups and sessions. */
    pid = fork();
    if (pid == 0) {
        pid_t self = getpid();
        int ok1 = getpgid(0) == getpgid(getppid());
        int ok2 = setpgid(0, 0) == 0 && getpgrp() == self;
        int ok3 = getsid(0) == getsid(getppid());
        pid_t s = setsid();
        printf("child: same group as parent %d, own group after setpgid %d, same session %d, "
               "setsid as group leader %d %s\n", ok1, ok2, ok3, (int)s, errno == EPERM ? "EPERM" : "?");
        pid_t g = fork();
        if (g == 0) {
            pid_t s2 = setsid();
            printf("grandchild: setsid makes a new session %d, leads its group %d\n",
                   s2 == getpid() && getsid(0) == getpid(), getpgrp() == getpid());
            _exit(0);
        }
        waitpid(g, &st, 0);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    describe("group child", st);

    /* Killing a process group. */
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        for (;;) pause();
    }
    setpgid(pid, pid);
    pid_t pid2 = fork();
    if (pid2 == 0) {
        setpgid(0, pid);
        for (;;) pause();
    }
    setpgid(pid2, pid);
    usleep(1000);
    printf("kill group: %d\n", kill(-pid, SIGUSR2));
    int st2;
    waitpid(pid, &st, 0);
    waitpid(pid2, &st2, 0);
    describe("group member 1", st);
    describe("group member 2", st2);

    /* vfork: the child runs first and shares memory until _exit. */
    volatile int shared_flag = 0;
    pid = vfork();
    if (pid == 0) {
        shared_flag = 1;
        _exit(5);
    }
    waitpid(pid, &st, 0);
    printf("vfork: exit %d, child's store seen %d\n", WEXITSTATUS(st), shared_flag);

    /* Memory is copied at fork. */
    static int counter = 10;
    pid = fork();
    if (pid == 0) { counter = 20; _exit(counter); }
    waitpid(pid, &st, 0);
    printf("fork copy: child exit %d, parent still %d\n", WEXITSTATUS(st), counter);
    printf("done\n");
    return 0;
}
