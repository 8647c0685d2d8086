/* SysV shared memory: shmget, shmat (NULL address, a given address,
 * SHM_RND, SHM_RDONLY, SHM_REMAP), shmdt, shmctl (IPC_STAT, IPC_SET,
 * IPC_INFO, SHM_INFO, SHM_STAT, SHM_LOCK/UNLOCK, IPC_RMID), two
 * attachments of one segment, a forked child writing through an inherited
 * attachment, and the attachment in /proc/self/maps. Prints relations,
 * never ids, keys, pids or addresses. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rtcommon.h"

static sigjmp_buf env;
static volatile int fsig, fcode;
static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    fsig = sig;
    fcode = si->si_code;
    siglongjmp(env, 1);
}

static const char *err(int r) { return r == -1 ? strerror(errno) : "ok"; }

/* The /proc/self/maps line of `addr`: its permissions and whether the
 * name is a SYSV one. */
static void maps_line(const char *what, void *addr)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long lo, hi;
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo == (unsigned long)addr) {
            char perms[8] = {0};
            sscanf(line, "%*s %7s", perms);
            printf("%s: maps line %s, SYSV name %d, size %lu pages\n", what, perms,
                   strstr(line, "/SYSV") != NULL, (hi - lo) / 4096);
            found = 1;
        }
    }
    if (!found) printf("%s: not in maps\n", what);
    if (f) fclose(f);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    int id = shmget(IPC_PRIVATE, 3 * 4096 + 10, IPC_CREAT | 0600);
    printf("shmget: %s\n", id >= 0 ? "ok" : strerror(errno));
    if (id < 0) return 1;
    printf("shmget of an unknown key without IPC_CREAT: %s\n", err(shmget(0x5a1f00d, 4096, 0)));

    struct shmid_ds ds;
    printf("IPC_STAT: %s\n", err(shmctl(id, IPC_STAT, &ds)));
    printf("  segsz %zu, mode %o, nattch %lu, cpid is me %d, uid is mine %d, atime 0 %d\n",
           (size_t)ds.shm_segsz, ds.shm_perm.mode & 0777, (unsigned long)ds.shm_nattch,
           ds.shm_cpid == getpid(), ds.shm_perm.uid == getuid(), ds.shm_atime == 0);

    char *a = shmat(id, NULL, 0);
    printf("shmat NULL: %s\n", a == (void *)-1 ? strerror(errno) : "ok");
    maps_line("attachment", a);
    strcpy(a, "segment text");
    a[3 * 4096 + 9] = 'e';
    char *b = shmat(id, NULL, SHM_RDONLY);
    printf("second attachment, read-only, sees: '%s', end byte %c, distinct %d\n", b, b[3 * 4096 + 9], a != b);
    maps_line("read-only attachment", b);
    shmctl(id, IPC_STAT, &ds);
    printf("nattch %lu, lpid is me %d, atime set %d\n", (unsigned long)ds.shm_nattch, ds.shm_lpid == getpid(), ds.shm_atime != 0);
    fsig = 0;
    if (sigsetjmp(env, 1) == 0) {
        b[0] = 'X';
        printf("store to SHM_RDONLY: allowed\n");
    } else {
        printf("store to SHM_RDONLY: signal %d SEGV_ACCERR %d, kept '%.7s'\n", fsig, fcode == SEGV_ACCERR, a);
    }
    printf("mprotect of SHM_RDONLY to write: %s\n", err(mprotect(b, 4096, PROT_READ | PROT_WRITE)));

    /* A given address: page-aligned, rounded with SHM_RND, or refused. */
    char *hole = mmap(NULL, 8 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(hole, 8 * 4096);
    char *c = shmat(id, hole, 0);
    printf("shmat at a free address: at it %d, sees '%.7s'\n", c == hole, c);
    printf("shmat over it without SHM_REMAP: %s\n", shmat(id, hole, 0) == (void *)-1 ? strerror(errno) : "attached");
    char *d = shmat(id, hole, SHM_REMAP);
    printf("shmat over it with SHM_REMAP: at it %d\n", d == hole);
    printf("shmat unaligned: %s\n", shmat(id, hole + 100, 0) == (void *)-1 ? strerror(errno) : "attached");
    shmdt(hole);
    char *e = shmat(id, hole + 100, SHM_RND);
    printf("shmat unaligned with SHM_RND: rounded down %d\n", e == hole);
    printf("shmdt: %s\n", err(shmdt(e)));
    printf("shmdt again: %s\n", err(shmdt(e)));
    printf("shmdt of a non-attachment: %s\n", err(shmdt(hole + 4096)));
    maps_line("after shmdt", hole);

    /* IPC_SET changes the mode. */
    shmctl(id, IPC_STAT, &ds);
    ds.shm_perm.mode = 0640;
    printf("IPC_SET: %s\n", err(shmctl(id, IPC_SET, &ds)));
    shmctl(id, IPC_STAT, &ds);
    printf("mode now %o\n", ds.shm_perm.mode & 0777);

    struct shminfo info;
    int hi = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
    printf("IPC_INFO: highest index >= 0 %d, shmmax > 0 %d, shmmni > 0 %d, shmmin %lu\n",
           hi >= 0, info.shmmax > 0, info.shmmni > 0, (unsigned long)info.shmmin);
    struct shm_info sinfo;
    int hi2 = shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo);
    printf("SHM_INFO: same index %d, used_ids >= 1 %d, shm_tot >= 4 pages %d\n", hi2 == hi,
           sinfo.used_ids >= 1, sinfo.shm_tot >= 4);
    int found = 0;
    for (int i = 0; i <= hi; i++) {
        struct shmid_ds s;
        int sid = shmctl(i, SHM_STAT, &s);
        if (sid == id) found = s.shm_segsz == 3 * 4096 + 10;
    }
    printf("SHM_STAT finds the segment by index: %d\n", found);
    printf("SHM_LOCK: %s\n", shmctl(id, SHM_LOCK, NULL) == 0 ? "ok" : (errno == EPERM || errno == ENOMEM ? "EPERM or ENOMEM" : strerror(errno)));
    printf("SHM_UNLOCK: %s\n", shmctl(id, SHM_UNLOCK, NULL) == 0 ? "ok" : (errno == EPERM ? "EPERM" : strerror(errno)));
    printf("shmctl bad command: %s\n", err(shmctl(id, 99, &ds)));

    /* A forked child writes through its inherited attachment. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(a + 100, "child wrote this");
        shmdt(a);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child's store seen: '%s'\n", a + 100);
    shmctl(id, IPC_STAT, &ds);
    printf("nattch after the child: %lu\n", (unsigned long)ds.shm_nattch);

    /* munmap of an attachment detaches it as well. */
    munmap(b, 4 * 4096);
    shmctl(id, IPC_STAT, &ds);
    printf("nattch after munmap: %lu\n", (unsigned long)ds.shm_nattch);
    printf("IPC_RMID: %s\n", err(shmctl(id, IPC_RMID, NULL)));
    printf("still attached after IPC_RMID: '%.7s'\n", a);
    shmctl(id, IPC_STAT, &ds);
    printf("marked for destruction: %d\n", (ds.shm_perm.mode & SHM_DEST) != 0);
    shmdt(a);
    printf("IPC_STAT after the last detach: %s\n", err(shmctl(id, IPC_STAT, &ds)));
    printf("done\n");
    return 0;
}
