/* pthread_cancel, which glibc and musl carry out with a signal of their
 * own (32 or 33): deferred cancellation of threads blocked in read,
 * pthread_cond_wait and nanosleep, asynchronous cancellation of a thread
 * spinning without calls, cleanup handlers run in each case, and many
 * threads waiting on one condition variable cancelled together (under musl
 * the cancellation signal once reached the host C library's own handler). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

static int cleanups;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int fds[2];
static volatile int started;

static void count_cleanup(void *arg) { (void)arg; __atomic_fetch_add(&cleanups, 1, __ATOMIC_SEQ_CST); }
static void unlock_cleanup(void *arg) { count_cleanup(arg); pthread_mutex_unlock(&m); }

static void *in_read(void *arg)
{
    (void)arg;
    char b;
    pthread_cleanup_push(count_cleanup, 0);
    __atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
    read(fds[0], &b, 1);
    pthread_cleanup_pop(0);
    return (void *)1;
}

static void *in_condwait(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    pthread_cleanup_push(unlock_cleanup, 0);
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    for (;;) pthread_cond_wait(&cv, &m);
    pthread_cleanup_pop(1);
    return (void *)1;
}

static void *in_sleep(void *arg)
{
    (void)arg;
    pthread_cleanup_push(count_cleanup, 0);
    __atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
    for (;;) sleep(10);
    pthread_cleanup_pop(0);
    return (void *)1;
}

static volatile unsigned long spin;
static void *spinning(void *arg)
{
    (void)arg;
    int old;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
    pthread_cleanup_push(count_cleanup, 0);
    __atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
    for (;;) spin = spin * 3 + 1;
    pthread_cleanup_pop(0);
    return (void *)1;
}

static void *disabled(void *arg)
{
    (void)arg;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, 0);
    __atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
    struct timespec ts = { 0, 50000000 };
    nanosleep(&ts, 0);
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, 0);
    pthread_testcancel();
    return (void *)1;
}

static void wait_started(int n)
{
    while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < n) sched_yield();
    /* Let the thread reach its blocking call. */
    struct timespec ts = { 0, 20000000 };
    nanosleep(&ts, 0);
}

static void one(const char *what, void *(*fn)(void *))
{
    pthread_t t;
    void *res = 0;
    started = 0;
    int before = cleanups;
    pthread_create(&t, 0, fn, 0);
    wait_started(1);
    int c = pthread_cancel(t);
    int j = pthread_join(t, &res);
    printf("%-28s cancel %d join %d canceled %d cleanup ran %d\n", what, c, j, res == PTHREAD_CANCELED, cleanups - before);
}

int main(void)
{
    setvbuf(stdout, 0, _IOLBF, 0);
    pipe(fds);
    for (int round = 0; round < 3; round++) {
        one("deferred, in read", in_read);
        one("deferred, in cond_wait", in_condwait);
        one("deferred, in sleep", in_sleep);
        one("asynchronous, spinning", spinning);
        one("disabled, then testcancel", disabled);
    }
    /* Many threads on one condition variable, all cancelled. */
    enum { N = 12 };
    pthread_t ts[N];
    int ok = 0;
    for (int round = 0; round < 5; round++) {
        started = 0;
        int before = cleanups;
        for (int i = 0; i < N; i++) pthread_create(&ts[i], 0, in_condwait, 0);
        wait_started(N);
        for (int i = 0; i < N; i++) pthread_cancel(ts[i]);
        pthread_mutex_lock(&m);
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&m);
        int canceled = 0;
        for (int i = 0; i < N; i++) {
            void *res = 0;
            pthread_join(ts[i], &res);
            canceled += res == PTHREAD_CANCELED;
        }
        if (canceled == N && cleanups - before == N) ok++;
    }
    printf("%d threads in cond_wait cancelled together: %d of 5 rounds all cancelled with cleanup\n", N, ok);
    /* The mutex is usable afterwards. */
    printf("mutex free afterwards: %d\n", pthread_mutex_trylock(&m) == 0);
    pthread_mutex_unlock(&m);
    printf("done\n");
    return 0;
}
