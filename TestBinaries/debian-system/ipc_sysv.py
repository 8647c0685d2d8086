# SysV shared memory, semaphores and message queues through ctypes on
# libc's shmget/shmat/shmdt/shmctl, semget/semop/semctl and
# msgget/msgsnd/msgrcv/msgctl, between a parent and a forked child.
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
IPC_PRIVATE, IPC_CREAT, IPC_RMID, IPC_STAT = 0, 0o1000, 0, 2
GETVAL, SETVAL = 12, 16

libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmdt.argtypes = [ctypes.c_void_p]


class Sembuf(ctypes.Structure):
    _fields_ = [("sem_num", ctypes.c_ushort), ("sem_op", ctypes.c_short), ("sem_flg", ctypes.c_short)]


class Msgbuf(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 64)]


def check(name, r):
    if r == -1 or r is None:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (name, os.strerror(e)))
    return r


shm = check("shmget", libc.shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o600))
sem = check("semget", libc.semget(IPC_PRIVATE, 2, IPC_CREAT | 0o600))
msq = check("msgget", libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600))
check("semctl SETVAL", libc.semctl(sem, 0, SETVAL, ctypes.c_int(0)))
check("semctl SETVAL", libc.semctl(sem, 1, SETVAL, ctypes.c_int(5)))
addr = check("shmat", libc.shmat(shm, None, 0))

pid = os.fork()
if pid == 0:
    child = libc.shmat(shm, None, 0)
    ctypes.memmove(child, b"written by the child\0", 21)
    libc.shmdt(ctypes.c_void_p(child))
    m = Msgbuf(5, b"message five")
    libc.msgsnd(msq, ctypes.byref(m), 12, 0)
    m = Msgbuf(9, b"message nine")
    libc.msgsnd(msq, ctypes.byref(m), 12, 0)
    post = Sembuf(0, 1, 0)
    libc.semop(sem, ctypes.byref(post), 1)
    os._exit(0)

wait = Sembuf(0, -1, 0)
check("semop", libc.semop(sem, ctypes.byref(wait), 1))
print("shm:", ctypes.string_at(addr).decode())
m = Msgbuf()
n = check("msgrcv", libc.msgrcv(msq, ctypes.byref(m), 64, 9, 0))
print("msgrcv type 9:", m.mtype, m.mtext[:n].decode())
n = check("msgrcv", libc.msgrcv(msq, ctypes.byref(m), 64, 0, 0))
print("msgrcv any:", m.mtype, m.mtext[:n].decode())
two = (Sembuf * 2)(Sembuf(0, 1, 0), Sembuf(1, -2, 0))
check("semop", libc.semop(sem, two, 2))
print("semaphores:", libc.semctl(sem, 0, GETVAL), libc.semctl(sem, 1, GETVAL))
_, st = os.waitpid(pid, 0)
print("child exit:", os.waitstatus_to_exitcode(st))
check("shmdt", libc.shmdt(ctypes.c_void_p(addr)))
check("shmctl IPC_RMID", libc.shmctl(shm, IPC_RMID, None))
check("semctl IPC_RMID", libc.semctl(sem, 0, IPC_RMID))
check("msgctl IPC_RMID", libc.msgctl(msq, IPC_RMID, None))
print("python sysv ipc ok")
