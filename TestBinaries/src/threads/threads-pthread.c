/* POSIX threads over parallel guest threads: mutex, condition variable,
   read-write lock, barrier, semaphore, once, keys, __thread TLS, join
   results, detached threads, and a store-buffer litmus test of seq_cst
   atomics (a store followed by a load of another location must not be
   reordered). */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 8
#define ROUNDS 5000
#define LITMUS 500

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t barrier;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static sem_t sem;
static long mutex_total, rw_total, rw_reads_ok = 1, once_calls, key_destructors;
static int queue[64], queue_len, produced, consumed_sum;
static __thread long tls_value = 7;
static __thread char tls_name[16];

static void init_once(void) { once_calls++; }
static void destroy_key(void *p) { __atomic_fetch_add(&key_destructors, 1, __ATOMIC_SEQ_CST); free(p); }

static void *worker(void *arg) {
    long id = (long)arg;
    pthread_once(&once, init_once);
    tls_value += id;
    snprintf(tls_name, sizeof tls_name, "worker %ld", id);
    long *mine = malloc(sizeof *mine);
    *mine = id * 100;
    pthread_setspecific(key, mine);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&mutex);
        mutex_total++;
        pthread_mutex_unlock(&mutex);
        if (i % 10 == 0) {
            pthread_rwlock_wrlock(&rwlock);
            rw_total += 2;
            pthread_rwlock_unlock(&rwlock);
        } else {
            pthread_rwlock_rdlock(&rwlock);
            if (rw_total % 2 != 0) rw_reads_ok = 0;
            pthread_rwlock_unlock(&rwlock);
        }
    }
    pthread_barrier_wait(&barrier);
    /* After the barrier every thread sees every other's total. */
    int ok = mutex_total == (long)THREADS * ROUNDS;
    sem_post(&sem);
    long *back = pthread_getspecific(key);
    char expect[16];
    snprintf(expect, sizeof expect, "worker %ld", id);
    int tls_ok = tls_value == 7 + id && *back == id * 100;
    for (int j = 0; expect[j] || tls_name[j]; j++) if (expect[j] != tls_name[j]) tls_ok = 0;
    return (void *)(long)(ok + 2 * tls_ok);
}

/* Producer/consumer over a condition variable. */
static void *producer(void *arg) {
    (void)arg;
    for (int i = 1; i <= 1000; i++) {
        pthread_mutex_lock(&mutex);
        while (queue_len == 64) pthread_cond_wait(&cond, &mutex);
        queue[queue_len++] = i;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&mutex);
    }
    return 0;
}

static void *consumer(void *arg) {
    (void)arg;
    int sum = 0;
    for (;;) {
        pthread_mutex_lock(&mutex);
        while (queue_len == 0 && produced < 2000) pthread_cond_wait(&cond, &mutex);
        if (queue_len == 0) { pthread_mutex_unlock(&mutex); break; }
        int v = queue[--queue_len];
        produced++;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&mutex);
        sum += v;
    }
    pthread_mutex_lock(&mutex);
    consumed_sum += sum;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&mutex);
    return 0;
}

/* Store buffering: x = 1; r1 = y || y = 1; r2 = x. With seq_cst,
   r1 == r2 == 0 is forbidden. */
static int x, y, r1, r2, go[2];
static void *litmus(void *arg) {
    long me = (long)arg;
    for (int i = 1; i <= LITMUS; i++) {
        while (__atomic_load_n(&go[me], __ATOMIC_ACQUIRE) != i) sched_yield();
        if (me == 0) {
            __atomic_store_n(&x, 1, __ATOMIC_SEQ_CST);
            r1 = __atomic_load_n(&y, __ATOMIC_SEQ_CST);
        } else {
            __atomic_store_n(&y, 1, __ATOMIC_SEQ_CST);
            r2 = __atomic_load_n(&x, __ATOMIC_SEQ_CST);
        }
        __atomic_store_n(&go[me], -i, __ATOMIC_RELEASE);
    }
    return 0;
}

static void *detached(void *arg) {
    sem_post((sem_t *)arg);
    return 0;
}

int main(void) {
    pthread_t t[THREADS];
    pthread_barrier_init(&barrier, 0, THREADS);
    pthread_key_create(&key, destroy_key);
    sem_init(&sem, 0, 0);
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], 0, worker, (void *)i);
    int both = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        both += (long)r == 3;
    }
    for (int i = 0; i < THREADS; i++) sem_wait(&sem);
    printf("mutex total %ld, rwlock total %ld, readers saw even totals: %s\n", mutex_total, rw_total, rw_reads_ok ? "yes" : "no");
    printf("threads that saw every total after the barrier and their own TLS and key: %d\n", both);
    printf("pthread_once ran %ld time(s), key destructors %ld, main's TLS %ld\n", once_calls, key_destructors, tls_value);

    pthread_t p[2], c[3];
    for (int i = 0; i < 2; i++) pthread_create(&p[i], 0, producer, 0);
    for (int i = 0; i < 3; i++) pthread_create(&c[i], 0, consumer, 0);
    for (int i = 0; i < 2; i++) pthread_join(p[i], 0);
    for (int i = 0; i < 3; i++) pthread_join(c[i], 0);
    printf("condition variable: %d items consumed, sum %d\n", produced, consumed_sum);

    pthread_t l[2];
    int forbidden = 0;
    for (long i = 0; i < 2; i++) pthread_create(&l[i], 0, litmus, (void *)i);
    for (int i = 1; i <= LITMUS; i++) {
        x = y = 0;
        __atomic_store_n(&go[0], i, __ATOMIC_RELEASE);
        __atomic_store_n(&go[1], i, __ATOMIC_RELEASE);
        while (__atomic_load_n(&go[0], __ATOMIC_ACQUIRE) != -i || __atomic_load_n(&go[1], __ATOMIC_ACQUIRE) != -i) sched_yield();
        if (r1 == 0 && r2 == 0) forbidden++;
    }
    for (int i = 0; i < 2; i++) pthread_join(l[i], 0);
    printf("store buffering: %d forbidden outcomes in %d rounds\n", forbidden, LITMUS);

    sem_t done;
    sem_init(&done, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 50; i++) {
        pthread_t d;
        if (pthread_create(&d, &attr, detached, &done) != 0) {
            printf("pthread_create of a detached thread failed\n");
            return 1;
        }
    }
    for (int i = 0; i < 50; i++) sem_wait(&done);
    printf("detached threads: 50 ran\n");
    return 0;
}
