/* fork from a guest with 16 running threads: the threads allocate, print
   into buffers and take a mutex while the main thread forks; every child
   must run (malloc and stdio, which glibc makes safe across fork) and exit with the status
   it computed, and the parent's threads must keep running. (The child
   starts no thread: qemu-aarch64 7.2, the reference, aborts on that.) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 16
#define FORKS 20

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static long shared_total;
static int stop;

static void *busy(void *arg) {
    long id = (long)arg, rounds = 0;
    char buf[64];
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        char *p = malloc(32 + (rounds % 200));
        snprintf(buf, sizeof buf, "%ld:%ld", id, rounds);
        memcpy(p, buf, strlen(buf) + 1);
        pthread_mutex_lock(&mutex);
        shared_total += p[0] == buf[0];
        pthread_mutex_unlock(&mutex);
        free(p);
        rounds++;
    }
    return (void *)rounds;
}

int main(void) {
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], 0, busy, (void *)i);
    /* Let every thread get going before the forks. */
    for (;;) {
        pthread_mutex_lock(&mutex);
        long seen = shared_total;
        pthread_mutex_unlock(&mutex);
        if (seen > 1000) break;
        usleep(1000);
    }
    int ok = 0;
    for (int f = 0; f < FORKS; f++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* The child has one thread. (The mutex may be held by a thread
               that does not exist here: it must not be touched.) */
            char *p = malloc(1000);
            snprintf(p, 1000, "child %d", f);
            int status = f * 2 + (int)strlen(p);
            free(p);
            fflush(stdout);
            _exit(status & 0xff);
        }
        int st;
        if (waitpid(pid, &st, 0) == pid && WIFEXITED(st)) {
            char s[16];
            int expect = (f * 2 + snprintf(s, sizeof s, "child %d", f)) & 0xff;
            if (WEXITSTATUS(st) == expect) ok++;
            else printf("fork %d: status %d, expected %d\n", f, WEXITSTATUS(st), expect);
        } else {
            printf("fork %d: child did not exit normally\n", f);
        }
    }
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    long running = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        running += (long)r > 0;
    }
    printf("fork from %d threads: %d of %d children exited as expected\n", THREADS, ok, FORKS);
    printf("threads that kept running: %ld\n", running);
    return 0;
}
