/* SysV message queues and semaphores: msgget/msgsnd/msgrcv/msgctl with the
 * IPC_STAT fields (struct msqid64_ds), IPC_SET, IPC_RMID; semget, semctl
 * SETVAL/GETVAL/SETALL/GETALL/IPC_STAT (struct semid64_ds, whose arm64
 * layout differs from x86_64's), semop with SEM_UNDO undone when a child
 * exits, semtimedop timing out, and the errors. Keys are IPC_PRIVATE, so
 * nothing depends on other users of the host's IPC namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

union semun { int val; struct semid_ds *buf; unsigned short *array; };

struct msg { long mtype; char text[64]; };

static const char *en(int e)
{
    switch (e) {
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case ENOMSG: return "ENOMSG";
    case EAGAIN: return "EAGAIN";
    case E2BIG: return "E2BIG";
    case EIDRM: return "EIDRM";
    case ERANGE: return "ERANGE";
    case ENOSYS: return "ENOSYS";
    default: return "other";
    }
}

static void messages(void)
{
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0640);
    CHECK(q >= 0);
    struct msg m = { 2, "second type" };
    CHECK(msgsnd(q, &m, strlen(m.text) + 1, 0) == 0);
    m.mtype = 1;
    strcpy(m.text, "first");
    CHECK(msgsnd(q, &m, 6, 0) == 0);
    struct msqid_ds ds;
    CHECK(msgctl(q, IPC_STAT, &ds) == 0);
    SAY("msg_qnum %lu msg_cbytes %lu mode %o uid==euid %d cuid==euid %d key %d lspid==pid %d lrpid %d\n",
        (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes, ds.msg_perm.mode & 0777,
        ds.msg_perm.uid == geteuid(), ds.msg_perm.cuid == geteuid(), (int)ds.msg_perm.__key,
        ds.msg_lspid == getpid(), ds.msg_lrpid);
    SAY("stime set %d rtime %ld ctime set %d qbytes>0 %d\n", ds.msg_stime > 0, (long)ds.msg_rtime,
        ds.msg_ctime > 0, ds.msg_qbytes > 0);
    struct msg in;
    memset(&in, 0, sizeof in);
    ssize_t n = msgrcv(q, &in, sizeof in.text, 1, 0);
    SAY("msgrcv type 1: %zd type %ld \"%s\"\n", n, in.mtype, in.text);
    n = msgrcv(q, &in, 4, 0, IPC_NOWAIT);
    SAY("msgrcv too small: %zd %s\n", n, n < 0 ? en(errno) : "");
    n = msgrcv(q, &in, 4, 0, IPC_NOWAIT | MSG_NOERROR);
    SAY("msgrcv MSG_NOERROR: %zd type %ld \"%.4s\"\n", n, in.mtype, in.text);
    n = msgrcv(q, &in, sizeof in.text, 0, IPC_NOWAIT);
    SAY("msgrcv empty: %zd %s\n", n, n < 0 ? en(errno) : "");
    CHECK(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0 && ds.msg_lrpid == getpid() && ds.msg_rtime > 0);
    ds.msg_perm.mode = 0600;
    ds.msg_qbytes = 4096;
    CHECK(msgctl(q, IPC_SET, &ds) == 0);
    CHECK(msgctl(q, IPC_STAT, &ds) == 0 && (ds.msg_perm.mode & 0777) == 0600 && ds.msg_qbytes == 4096);
    m.mtype = 0;
    SAY("msgsnd type 0: %s\n", msgsnd(q, &m, 4, 0) < 0 ? en(errno) : "sent");
    SAY("msgsnd bad pointer: %s\n", msgsnd(q, (void *)8, 4, 0) < 0 ? en(errno) : "sent");
    SAY("msgrcv bad pointer: %s\n", msgrcv(q, (void *)8, 4, 0, IPC_NOWAIT) < 0 ? en(errno) : "got");
    SAY("msgctl bad command: %s\n", msgctl(q, 99, &ds) < 0 ? en(errno) : "ok");
    struct msginfo mi;
    int top = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
    CHECK(top >= 0 && mi.msgmax > 0 && mi.msgmnb > 0);
    /* a child blocks in msgrcv until the parent sends */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct msg r;
        ssize_t k = msgrcv(q, &r, sizeof r.text, 7, 0);
        _exit(k == 5 && strcmp(r.text, "wake") == 0 ? 0 : 1);
    }
    struct timespec d = { 0, 20000000 };
    nanosleep(&d, NULL);
    m.mtype = 7;
    strcpy(m.text, "wake");
    CHECK(msgsnd(q, &m, 5, 0) == 0);
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(msgctl(q, IPC_RMID, NULL) == 0);
    SAY("after IPC_RMID: %s\n", msgsnd(q, &m, 4, IPC_NOWAIT) < 0 ? en(errno) : "sent");
}

static void semaphores(void)
{
    int s = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    CHECK(s >= 0);
    struct semid_ds ds;
    union semun u = { .buf = &ds };
    CHECK(semctl(s, 0, IPC_STAT, u) == 0);
    SAY("sem_nsems %lu mode %o uid==euid %d otime %ld ctime set %d\n", (unsigned long)ds.sem_nsems,
        ds.sem_perm.mode & 0777, ds.sem_perm.uid == geteuid(), (long)ds.sem_otime, ds.sem_ctime > 0);
    u.val = 5;
    CHECK(semctl(s, 1, SETVAL, u) == 0);
    SAY("GETVAL 0 %d 1 %d\n", semctl(s, 0, GETVAL), semctl(s, 1, GETVAL));
    unsigned short all[3] = { 3, 0, 9 }, back[3] = { 0 };
    u.array = all;
    CHECK(semctl(s, 0, SETALL, u) == 0);
    u.array = back;
    CHECK(semctl(s, 0, GETALL, u) == 0);
    SAY("GETALL %u %u %u\n", back[0], back[1], back[2]);
    struct sembuf ops[2] = { { 0, -2, 0 }, { 2, 1, 0 } };
    CHECK(semop(s, ops, 2) == 0);
    SAY("after semop %d %d %d pid==self %d\n", semctl(s, 0, GETVAL), semctl(s, 1, GETVAL), semctl(s, 2, GETVAL),
        semctl(s, 0, GETPID) == getpid());
    u.buf = &ds;
    CHECK(semctl(s, 0, IPC_STAT, u) == 0 && ds.sem_otime > 0 && ds.sem_nsems == 3);
    struct sembuf take = { 1, -1, IPC_NOWAIT };
    SAY("semop on zero: %s\n", semop(s, &take, 1) < 0 ? en(errno) : "done");
    struct timespec t = { 0, 10000000 };
    SAY("semtimedop timeout: %s\n", semtimedop(s, &take, 1, &t) < 0 ? en(errno) : "done");
    /* SEM_UNDO: the child's decrement is undone when it exits */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct sembuf dec = { 2, -10, SEM_UNDO };
        _exit(semop(s, &dec, 1) == 0 && semctl(s, 2, GETVAL) == 0 ? 0 : 1);
    }
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    SAY("after undo %d\n", semctl(s, 2, GETVAL));
    /* a child waits for zero until the parent releases it */
    c = fork();
    if (c == 0) {
        struct sembuf wz = { 0, 0, 0 };
        _exit(semop(s, &wz, 1) == 0 ? 0 : 1);
    }
    struct timespec d = { 0, 20000000 };
    nanosleep(&d, NULL);
    SAY("GETZCNT %d\n", semctl(s, 0, GETZCNT));
    struct sembuf rel = { 0, -1, 0 };
    CHECK(semop(s, &rel, 1) == 0);
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ds.sem_perm.mode = 0640;
    u.buf = &ds;
    CHECK(semctl(s, 0, IPC_SET, u) == 0);
    CHECK(semctl(s, 0, IPC_STAT, u) == 0 && (ds.sem_perm.mode & 0777) == 0640 && ds.sem_nsems == 3);
    u.val = 40000;
    SAY("SETVAL out of range: %s\n", semctl(s, 0, SETVAL, u) < 0 ? en(errno) : "set");
    SAY("semop bad pointer: %s\n", semop(s, (struct sembuf *)8, 1) < 0 ? en(errno) : "done");
    SAY("semop too many: %s\n", semop(s, ops, 100000) < 0 ? en(errno) : "done");
    u.buf = (struct semid_ds *)8;
    SAY("IPC_STAT bad pointer: %s\n", semctl(s, 0, IPC_STAT, u) < 0 ? en(errno) : "ok");
    struct seminfo si;
    u.buf = (struct semid_ds *)&si;
    CHECK(semctl(0, 0, IPC_INFO, u) >= 0 && si.semmsl > 0 && si.semopm > 0);
    CHECK(semctl(s, 0, IPC_RMID) == 0);
    SAY("after IPC_RMID: %s\n", semctl(s, 0, GETVAL) < 0 ? en(errno) : "value");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    messages();
    semaphores();
    SAY("done\n");
    return 0;
}
