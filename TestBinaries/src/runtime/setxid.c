/* setgid and setuid in a process of 16 threads change every thread's
 * credentials: glibc and musl make each thread call the system call
 * itself, through a signal of their own (glibc's SIGSETXID 33, musl's
 * SIGSYNCCALL 34). Each thread reports getresuid/getresgid and the Uid and
 * Gid lines of /proc/thread-self/status. Needs root to change ids; as
 * another user it reports that it skipped. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "rtcommon.h"

enum { N = 16 };
static pthread_barrier_t before, after, done;
static int uid_ok[N], gid_ok[N], status_ok[N];
static uid_t want_uid = 65534;
static gid_t want_gid = 65533;

/* The Uid: or Gid: line of /proc/thread-self/status holds four equal ids. */
static int status_has(const char *key, unsigned id)
{
    FILE *f = fopen("/proc/thread-self/status", "r");
    if (!f) return 0;
    char line[256];
    int ok = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned a, b, c, d;
        if (strncmp(line, key, strlen(key)) == 0 && sscanf(line + strlen(key), "%u %u %u %u", &a, &b, &c, &d) == 4)
            ok = a == id && b == id && c == id && d == id;
    }
    fclose(f);
    return ok;
}

static void check(int i)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    syscall(SYS_getresuid, &r, &e, &s);
    syscall(SYS_getresgid, &gr, &ge, &gs);
    uid_ok[i] = r == want_uid && e == want_uid && s == want_uid;
    gid_ok[i] = gr == want_gid && ge == want_gid && gs == want_gid;
    status_ok[i] = status_has("Uid:", want_uid) && status_has("Gid:", want_gid);
}

static void *worker(void *arg)
{
    int i = (int)(long)arg;
    pthread_barrier_wait(&before);
    pthread_barrier_wait(&after);
    check(i);
    pthread_barrier_wait(&done);
    return 0;
}

int main(void)
{
    setvbuf(stdout, 0, _IOLBF, 0);
    if (getuid() != 0) {
        printf("not root: skipped\n");
        return 0;
    }
    pthread_barrier_init(&before, 0, N);
    pthread_barrier_init(&after, 0, N);
    pthread_barrier_init(&done, 0, N);
    pthread_t t[N];
    for (long i = 1; i < N; i++) pthread_create(&t[i], 0, worker, (void *)i);
    pthread_barrier_wait(&before);
    int g = setgid(want_gid);
    int u = setuid(want_uid);
    printf("setgid %d setuid %d in a process of %d threads\n", g, u, N);
    pthread_barrier_wait(&after);
    check(0);
    pthread_barrier_wait(&done);
    for (int i = 1; i < N; i++) pthread_join(t[i], 0);
    int nu = 0, ng = 0, ns = 0;
    for (int i = 0; i < N; i++) { nu += uid_ok[i]; ng += gid_ok[i]; ns += status_ok[i]; }
    printf("threads with the new uid (real, effective, saved) %d, gid %d, /proc/thread-self/status %d of %d\n", nu, ng, ns, N);
    printf("setuid back to 0 refused: %d\n", setuid(0) != 0);
    return 0;
}
