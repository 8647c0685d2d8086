/* The futex operations glibc and other runtimes use, through the raw
   syscall: WAIT and WAKE (private and shared), WAIT_BITSET/WAKE_BITSET,
   REQUEUE, CMP_REQUEUE and WAKE_OP, relative and absolute timeouts, and a
   shared futex across fork. Every count printed is deterministic: wakes
   are repeated until the expected number of waiters has been reached. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long futex(int *uaddr, int op, int val, long timeout_or_val2, int *uaddr2, int val3) {
    long r = syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
    return r < 0 ? -errno : r;
}

static double now(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define WAITERS 4
static int word1, word2, released, finished;

/* Waits on word1 until `released`; counts itself out in `finished`. */
static void *waiter(void *arg) {
    int op = (int)(long)arg;
    while (!__atomic_load_n(&released, __ATOMIC_ACQUIRE))
        futex(&word1, op, 0, 0, 0, FUTEX_BITSET_MATCH_ANY);
    __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void start(pthread_t *t, int n, int op) {
    word1 = word2 = released = finished = 0;
    for (int i = 0; i < n; i++) pthread_create(&t[i], 0, waiter, (void *)(long)op);
}

static void join(pthread_t *t, int n) {
    for (int i = 0; i < n; i++) pthread_join(t[i], 0);
}

int main(void) {
    pthread_t t[WAITERS];
    struct timespec rel = {0, 30 * 1000 * 1000};

    /* Value mismatch and timeouts. */
    int w = 1;
    printf("WAIT on a changed value: %ld\n", futex(&w, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0));
    double t0 = now(CLOCK_MONOTONIC);
    long r = futex(&w, FUTEX_WAIT_PRIVATE, 1, (long)&rel, 0, 0);
    printf("WAIT 30 ms: %ld, waited at least 30 ms: %s\n", r, now(CLOCK_MONOTONIC) - t0 >= 0.029 ? "yes" : "no");
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 30 * 1000 * 1000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    t0 = now(CLOCK_MONOTONIC);
    r = futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 1, (long)&abs, 0, FUTEX_BITSET_MATCH_ANY);
    printf("WAIT_BITSET absolute monotonic: %ld, at the deadline: %s\n", r, now(CLOCK_MONOTONIC) - t0 >= 0.029 ? "yes" : "no");
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 30 * 1000 * 1000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    t0 = now(CLOCK_REALTIME);
    r = futex(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, (long)&abs, 0, FUTEX_BITSET_MATCH_ANY);
    printf("WAIT_BITSET absolute realtime, shared: %ld, at the deadline: %s\n", r, now(CLOCK_REALTIME) - t0 >= 0.029 ? "yes" : "no");
    printf("WAKE with no waiter: %ld\n", futex(&w, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0));
    printf("WAIT_BITSET with an empty mask: %ld\n", futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 1, 0, 0, 0));

    /* WAKE: private and shared waiters. */
    for (int shared = 0; shared < 2; shared++) {
        start(t, WAITERS, shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE);
        __atomic_store_n(&released, 1, __ATOMIC_RELEASE);
        while (__atomic_load_n(&finished, __ATOMIC_SEQ_CST) < WAITERS)
            futex(&word1, shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
        join(t, WAITERS);
        printf("WAKE %s: %d waiters finished\n", shared ? "shared" : "private", finished);
    }

    /* WAKE_BITSET: the bits must intersect. */
    start(t, WAITERS, FUTEX_WAIT_BITSET_PRIVATE);
    __atomic_store_n(&released, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&finished, __ATOMIC_SEQ_CST) < WAITERS)
        futex(&word1, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, 0, 0x10);
    join(t, WAITERS);
    printf("WAKE_BITSET: %d waiters finished\n", finished);

    /* CMP_REQUEUE: move every waiter from word1 to word2, then wake them
       on word2 one at a time. */
    start(t, WAITERS, FUTEX_WAIT_PRIVATE);
    printf("CMP_REQUEUE with a stale value: %ld\n", futex(&word1, FUTEX_CMP_REQUEUE_PRIVATE, 0, WAITERS, &word2, 1));
    long moved = 0;
    while (moved < WAITERS) moved += futex(&word1, FUTEX_CMP_REQUEUE_PRIVATE, 0, WAITERS, &word2, 0);
    __atomic_store_n(&released, 1, __ATOMIC_RELEASE);
    long woken = 0;
    while (woken < WAITERS) woken += futex(&word2, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
    join(t, WAITERS);
    printf("CMP_REQUEUE: %ld requeued, %ld woken on the second word, %d finished\n", moved, woken, finished);

    /* REQUEUE (no compare): wake one, move the rest. */
    start(t, WAITERS, FUTEX_WAIT_PRIVATE);
    moved = 0;
    while (moved < WAITERS) moved += futex(&word1, FUTEX_REQUEUE_PRIVATE, 0, WAITERS, &word2, 0);
    __atomic_store_n(&released, 1, __ATOMIC_RELEASE);
    woken = 0;
    while (woken < WAITERS) woken += futex(&word2, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
    join(t, WAITERS);
    printf("REQUEUE: %ld requeued, %ld woken, %d finished\n", moved, woken, finished);

    /* WAKE_OP: word2 += 3 each call; waiters on word1 are woken once all
       have been counted. */
    start(t, WAITERS, FUTEX_WAIT_PRIVATE);
    __atomic_store_n(&released, 1, __ATOMIC_RELEASE);
    int calls = 0;
    while (__atomic_load_n(&finished, __ATOMIC_SEQ_CST) < WAITERS) {
        futex(&word1, FUTEX_WAKE_OP_PRIVATE, 1, 0, &word2, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GE, 0));
        calls++;
    }
    join(t, WAITERS);
    printf("WAKE_OP: %d finished, word2 is 3 x calls: %s\n", finished, word2 == 3 * calls ? "yes" : "no");
    word1 = word2 = 0;
    r = futex(&word1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &word2, FUTEX_OP(FUTEX_OP_OR, 6, FUTEX_OP_CMP_EQ, 0));
    printf("WAKE_OP without waiters: %ld, word2 %d\n", r, word2);
    r = futex(&word1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &word2, FUTEX_OP(FUTEX_OP_ANDN, 2, FUTEX_OP_CMP_NE, 6));
    printf("WAKE_OP andn: %ld, word2 %d\n", r, word2);

    /* A shared futex in MAP_SHARED memory, across fork. */
    int *sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    sh[0] = 0;
    pid_t child = fork();
    if (child == 0) {
        while (__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) == 0) futex(&sh[0], FUTEX_WAIT, 0, 0, 0, 0);
        _exit(sh[0]);
    }
    usleep(10000);
    __atomic_store_n(&sh[0], 42, __ATOMIC_RELEASE);
    int st = 0;
    while (waitpid(child, &st, WNOHANG) == 0) {
        futex(&sh[0], FUTEX_WAKE, 1, 0, 0, 0);
        usleep(1000);
    }
    printf("shared futex across fork: child exited %d\n", WEXITSTATUS(st));
    return 0;
}
