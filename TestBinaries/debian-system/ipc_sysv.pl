# SysV shared memory, semaphores and message queues through perl's
# IPC::SysV, IPC::SharedMem, IPC::Semaphore and IPC::Msg, between a
# parent and a forked child.
use strict;
use warnings;
use IPC::SysV qw(IPC_PRIVATE IPC_CREAT S_IRUSR S_IWUSR);
use IPC::SharedMem;
use IPC::Semaphore;
use IPC::Msg;

my $shm = IPC::SharedMem->new(IPC_PRIVATE, 4096, S_IRUSR | S_IWUSR | IPC_CREAT) or die "shmget: $!\n";
my $sem = IPC::Semaphore->new(IPC_PRIVATE, 2, S_IRUSR | S_IWUSR | IPC_CREAT) or die "semget: $!\n";
my $msg = IPC::Msg->new(IPC_PRIVATE, S_IRUSR | S_IWUSR | IPC_CREAT) or die "msgget: $!\n";
$sem->setall(0, 3) or die "semctl SETALL: $!\n";

my $pid = fork() // die "fork: $!\n";
if ($pid == 0) {
    $shm->write("perl child was here", 0, 19) or die "shm write: $!\n";
    $msg->snd(4, "queued four") or die "msgsnd: $!\n";
    $msg->snd(2, "queued two") or die "msgsnd: $!\n";
    $sem->op(0, 1, 0) or die "semop: $!\n";
    exit 0;
}
$sem->op(0, -1, 0) or die "semop wait: $!\n";
print "shm: ", $shm->read(0, 19), "\n";
my $buf;
$msg->rcv($buf, 64, 2) or die "msgrcv: $!\n";
print "msgrcv type 2: $buf\n";
$msg->rcv($buf, 64) or die "msgrcv: $!\n";
print "msgrcv any: $buf\n";
print "queue now: ", $msg->stat->qnum, " messages\n";
$sem->op(1, -2, 0, 0, 1, 0) or die "semop: $!\n";
print "semaphores: ", join(",", $sem->getall), "\n";
waitpid($pid, 0);
print "child exit: ", $? >> 8, "\n";
print "shm size: ", $shm->stat->segsz, "\n";
$shm->remove or die "shmctl IPC_RMID: $!\n";
$sem->remove or die "semctl IPC_RMID: $!\n";
$msg->remove or die "msgctl IPC_RMID: $!\n";
print "perl sysv ipc ok\n";
