/* 1,000 signals to a busy multithreaded guest, all handled:
   - pthread_kill (tgkill) sends SIGUSR1 to each of 4 busy threads in turn;
     each handler runs on the thread it was sent to;
   - the main thread, which blocks SIGUSR1, sends it 100 times to its own
     process with kill(); the busy threads take them;
   - a forked child sends SIGUSR2 with kill() to the whole process, where
     only one busy thread leaves it unblocked, so that thread takes all.
   Every signal is acknowledged before the next is sent (a semaphore, a
   pipe), so the counts do not depend on timing. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4
#define SIGNALS 1000

static sem_t ack;
static int ack_pipe[2];
static __thread int my_index = -1;
static int by_thread[WORKERS];
static int usr1_wrong_thread, usr2_total, usr2_wrong_thread;
static int stop;
static volatile unsigned long work[WORKERS];
static pthread_t workers[WORKERS];
static sem_t ready;

static void on_usr1(int sig) {
    (void)sig;
    if (my_index >= 0) __atomic_fetch_add(&by_thread[my_index], 1, __ATOMIC_SEQ_CST);
    else __atomic_fetch_add(&usr1_wrong_thread, 1, __ATOMIC_SEQ_CST);
    sem_post(&ack);
}

static void on_usr2(int sig) {
    (void)sig;
    __atomic_fetch_add(&usr2_total, 1, __ATOMIC_SEQ_CST);
    if (my_index != 0) __atomic_fetch_add(&usr2_wrong_thread, 1, __ATOMIC_SEQ_CST);
    char c = 1;
    write(ack_pipe[1], &c, 1);
}

static void *busy(void *arg) {
    my_index = (int)(long)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &set, 0);
    /* Only worker 0 takes the process-directed SIGUSR2. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(my_index == 0 ? SIG_UNBLOCK : SIG_BLOCK, &set, 0);
    sem_post(&ready);
    unsigned long x = (unsigned long)arg + 1;
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        work[my_index] = x;
    }
    return 0;
}

int main(void) {
    sem_init(&ack, 0, 0);
    sem_init(&ready, 0, 0);
    pipe(ack_pipe);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, 0);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, 0);
    /* The main thread blocks both: it only sends and waits. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, 0);
    for (long i = 0; i < WORKERS; i++) {
        pthread_create(&workers[i], 0, busy, (void *)i);
    }
    /* The workers inherit the mask and unblock what they take. */
    for (int i = 0; i < WORKERS; i++) sem_wait(&ready);

    for (int i = 0; i < SIGNALS; i++) {
        pthread_kill(workers[i % WORKERS], SIGUSR1);
        while (sem_wait(&ack) != 0) {}
    }

    /* kill() to its own process from the main thread, which blocks
       SIGUSR1: a worker must take each one. */
    int tgkill_by[WORKERS], before = 0;
    for (int i = 0; i < WORKERS; i++) before += tgkill_by[i] = by_thread[i];
    for (int i = 0; i < 100; i++) {
        kill(getpid(), SIGUSR1);
        while (sem_wait(&ack) != 0) {}
    }
    int after = 0;
    for (int i = 0; i < WORKERS; i++) after += by_thread[i];

    pid_t main_pid = getpid();
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < SIGNALS; i++) {
            kill(main_pid, SIGUSR2);
            char c;
            while (read(ack_pipe[0], &c, 1) != 1) {}
        }
        _exit(0);
    }
    int st;
    waitpid(child, &st, 0);
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < WORKERS; i++) pthread_join(workers[i], 0);

    printf("tgkill: %d signals handled (per thread %d %d %d %d), %d on a wrong thread\n",
           before, tgkill_by[0], tgkill_by[1], tgkill_by[2], tgkill_by[3], usr1_wrong_thread);
    printf("kill to itself: %d handled by the workers\n", after - before);
    printf("kill: %d signals handled, %d on a thread that blocks them\n", usr2_total, usr2_wrong_thread);
    printf("sender exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
