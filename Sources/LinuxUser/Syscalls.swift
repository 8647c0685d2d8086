import Glibc

/// One row of the syscall table: the arm64 number (asm-generic/unistd.h),
/// the name, how -strace shows the arguments and the result, and the handler.
public struct SyscallRow {
    public let nr: Int
    public let name: String
    /// nil: qemu's generic format (six signed longs).
    public let args: [ArgFmt]?
    public let ret: RetFmt
    /// What docs/syscalls.md says about the implementation.
    public let note: String
    let handler: (LinuxProcess, SysArgs) -> Int
    /// Runs under the process lock (mapping and disposition changes). Not
    /// openat: a blocking open (a FIFO) must not hold up other threads, and
    /// the region list it may read for /proc has its own lock.
    var serialized: Bool { [45, 46, 134, 194, 195, 196, 197, 214, 215, 216, 222, 226, 233].contains(nr) }

    init(_ nr: Int, _ name: String, _ args: [ArgFmt]?, _ ret: RetFmt = .dec, note: String = "",
         _ handler: @escaping (LinuxProcess, SysArgs) -> Int) {
        self.nr = nr
        self.name = name
        self.args = args
        self.ret = ret
        self.note = note
        self.handler = handler
    }
}

private func enosys(_ p: LinuxProcess, _ a: SysArgs) -> Int { -Errno.ENOSYS }

/// The whole syscall table, one row per call, ordered by number: the
/// core rows below plus each family's rows from its own file.
public let syscallTable: [SyscallRow] = (coreSyscallRows + familySyscallRows.joined())
    .sorted { $0.nr < $1.nr }

/// Rows kept by syscall family in files of their own; each family adds its
/// array here.
let familySyscallRows: [[SyscallRow]] = [
    fcntlSyscallRows, fileIOSyscallRows, aioSyscallRows, memLockSyscallRows, vecIOSyscallRows,
    ioctlSyscallRows,
    ipcSyscallRows,
    execSyscallRows,
    credentialSyscallRows, mountSyscallRows, xattrSyscallRows, hostSyscallRows, schedSyscallRows,
    prctlSyscallRows,
    memorySyscallRows,
    shmSyscallRows,
    sigqueueSyscallRows,
]

/// The rows that predate the family files, ordered by number.
let coreSyscallRows: [SyscallRow] = [
    SyscallRow(17, "getcwd", [.cptr, .int]) { $0.sysGetcwd($1) },
    SyscallRow(19, "eventfd2", [.int, .int]) { p, a in HostSyscall.call(HostNetNR.eventfd2, a.i32(0), a.i32(1)) },
    SyscallRow(20, "epoll_create1", [.int]) { p, a in HostSyscall.call(HostNetNR.epoll_create1, a.i32(0)) },
    SyscallRow(21, "epoll_ctl", nil, note: "struct epoll_event converted (16 bytes on arm64, packed 12 on x86_64)") { $0.sysEpollCtl($1) },
    SyscallRow(22, "epoll_pwait", nil, note: "the signal mask is installed for the duration of the wait, atomically, as the kernel does") { $0.sysEpollPwait($1) },
    SyscallRow(23, "dup", [.int]) { p, a in
        let old = Int32(truncatingIfNeeded: a.i32(0))
        if EmulatorFds.contains(old) { return -Errno.EBADF }
        let r = HostSyscall.call(HostNR.dup, a.i32(0))
        if r >= 0 { p.noteDup(old, Int32(truncatingIfNeeded: r)) }
        return r
    },
    SyscallRow(24, "dup3", [.int, .int, .int]) { $0.sysDup3($1) },
    SyscallRow(32, "flock", nil) { p, a in HostSyscall.call(HostNR.flock, a.i32(0), a.i32(1)) },
    SyscallRow(33, "mknodat", nil) { p, a in p.withPath(a[1], followLast: false) { HostSyscall.call(HostNetNR.mknodat, a.i32(0), Int(bitPattern: $0), a.i32(2), a.i32(3)) } },
    SyscallRow(34, "mkdirat", [.atfd, .str, .octal]) { $0.sysMkdirat($1) },
    SyscallRow(35, "unlinkat", [.atfd, .str, .unlinkatFlags]) { $0.sysUnlinkat($1) },
    SyscallRow(36, "symlinkat", [.str, .atfd, .str]) { $0.sysSymlinkat($1) },
    SyscallRow(37, "linkat", [.atfd, .str, .atfd, .str, .atFlags]) { $0.sysLinkat($1) },
    SyscallRow(38, "renameat", [.atfd, .str, .atfd, .str]) { $0.sysRenameat2($1, flags: 0) },
    SyscallRow(43, "statfs", [.str, .ptr]) { $0.sysStatfs($1) },
    SyscallRow(44, "fstatfs", [.int, .cptr]) { $0.sysFstatfs($1) },
    SyscallRow(47, "fallocate", nil) { p, a in HostSyscall.call(HostNR.fallocate, a.i32(0), a.i32(1), a.int(2), a.int(3)) },
    SyscallRow(48, "faccessat", [.atfd, .str, .accessMode, .atFlags]) { $0.sysFaccessat($1, flags: 0) },
    SyscallRow(49, "chdir", [.str]) { $0.sysChdir($1) },
    SyscallRow(50, "fchdir", nil) { p, a in HostSyscall.call(HostNR.fchdir, a.i32(0)) },
    SyscallRow(52, "fchmod", [.int, .octal]) { p, a in HostSyscall.call(HostNR.fchmod, a.i32(0), Int(UInt32(truncatingIfNeeded: a[1]))) },
    SyscallRow(53, "fchmodat", [.atfd, .str, .octal, .atFlags]) { $0.sysFchmodat($1) },
    SyscallRow(54, "fchownat", [.atfd, .str, .int, .int, .atFlags]) { $0.sysFchownat($1) },
    SyscallRow(55, "fchown", [.int, .int, .int]) { p, a in HostSyscall.call(HostNR.fchown, a.i32(0), a.i32(1), a.i32(2)) },
    SyscallRow(56, "openat", [.atfd, .str, .openFlags, .openMode], note: "flags translated (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE differ); absolute paths under the sysroot first; /proc/self/{exe,maps,auxv,cmdline,environ,stat,comm} and /proc/cpuinfo describe the guest") { $0.sysOpenat($1) },
    SyscallRow(57, "close", [.int], note: "the emulator's own fds (the -D log) are not open for the guest: EBADF") { $0.sysClose($1) },
    SyscallRow(59, "pipe2", nil) { $0.sysPipe2($1) },
    SyscallRow(61, "getdents64", [.int, .cptr, .int]) { $0.sysGetdents64($1) },
    SyscallRow(62, "lseek", [.int, .long, .whence], note: "/proc/self/mem and pagemap fds are served by the emulator") { p, a in
        if let e = ProcFds.get(Int32(truncatingIfNeeded: a.i32(0))), e.kind != .fdDir { return p.procFdSeek(e, a.int(1), a.i32(2)) }
        return HostSyscall.call(HostNR.lseek, a.i32(0), a.int(1), a.i32(2))
    },
    SyscallRow(63, "read", [.int, .hex32, .int]) { $0.sysRead($1) },
    SyscallRow(64, "write", [.int, .hex32, .int]) { $0.sysWrite($1) },
    SyscallRow(65, "readv", nil) { $0.sysReadv($1, write: false) },
    SyscallRow(66, "writev", [.int, .cptr, .hex32]) { $0.sysReadv($1, write: true) },
    SyscallRow(67, "pread64", nil) { $0.sysPread($1, write: false) },
    SyscallRow(68, "pwrite64", nil) { $0.sysPread($1, write: true) },
    SyscallRow(69, "preadv", nil) { $0.sysPreadv($1, write: false) },
    SyscallRow(70, "pwritev", nil) { $0.sysPreadv($1, write: true) },
    SyscallRow(71, "sendfile", nil) { $0.sysSendfile($1) },
    SyscallRow(72, "pselect6", nil, note: "the signal mask is installed for the duration of the wait, atomically, as the kernel does") { $0.sysPselect6($1) },
    SyscallRow(73, "ppoll", nil, note: "fds and timeout passed through; the signal mask is installed for the duration of the wait, atomically, as the kernel does") { $0.sysPpoll($1) },
    SyscallRow(74, "signalfd4", nil, note: "a host signalfd; its signals stay blocked on the host while the guest blocks them, so the host sees them pending") { $0.sysSignalfd4($1) },
    SyscallRow(78, "readlinkat", [.atfd, .str, .ptr, .uint], note: "/proc/self/exe is the guest program") { $0.sysReadlinkat($1) },
    SyscallRow(79, "newfstatat", [.atfd, .str, .ptr, .atFlags], note: "struct stat written field by field (asm-generic layout)") { $0.sysNewfstatat($1) },
    SyscallRow(80, "fstat", [.int, .ptr]) { $0.sysFstat($1) },
    SyscallRow(81, "sync", nil) { _, _ in Glibc.sync(); return 0 },
    SyscallRow(82, "fsync", nil) { p, a in HostSyscall.call(HostNR.fsync, a.i32(0)) },
    SyscallRow(83, "fdatasync", nil) { p, a in HostSyscall.call(HostNR.fdatasync, a.i32(0)) },
    SyscallRow(84, "sync_file_range", nil) { p, a in HostSyscall.call(HostNetNR.sync_file_range, a.i32(0), a.int(1), a.int(2), a.i32(3)) },
    SyscallRow(85, "timerfd_create", nil) { p, a in HostSyscall.call(HostNetNR.timerfd_create, a.i32(0), a.i32(1)) },
    SyscallRow(86, "timerfd_settime", nil) { $0.sysTimerfdSettime($1) },
    SyscallRow(87, "timerfd_gettime", nil) { $0.sysTimerfdGettime($1) },
    SyscallRow(88, "utimensat", [.atfd, .str, .ptr, .atFlags]) { $0.sysUtimensat($1) },
    SyscallRow(92, "personality", nil, note: "PER_LINUX only") { p, a in a[0] == 0xffff_ffff || a[0] == 0 ? 0 : -Errno.EINVAL },
    SyscallRow(93, "exit", [.int], .none, note: "ends the calling thread; the last one ends the process") { $0.sysExit($1, group: false) },
    SyscallRow(94, "exit_group", [.int], .none) { $0.sysExit($1, group: true) },
    SyscallRow(95, "waitid", nil) { $0.sysWaitid($1) },
    SyscallRow(96, "set_tid_address", nil) { $0.sysSetTidAddress($1) },
    SyscallRow(98, "futex", [.ptr, .futexOp, .int, .ptr, .ptr, .int], note: "the host futex on the guest's word (threads are host threads): WAIT, WAKE, BITSET, REQUEUE, CMP_REQUEUE, WAKE_OP and the PI operations, private or shared, with timeouts") { $0.sysFutex($1) },
    SyscallRow(99, "set_robust_list", nil, note: "the list is walked when the thread exits: futexes it still owns get FUTEX_OWNER_DIED and a waiter is woken") { $0.sysSetRobustList($1) },
    SyscallRow(100, "get_robust_list", nil, note: "the calling thread's list only") { $0.sysGetRobustList($1) },
    SyscallRow(101, "nanosleep", nil) { $0.sysNanosleep($1) },
    SyscallRow(102, "getitimer", nil) { $0.sysGetitimer($1) },
    SyscallRow(103, "setitimer", [.itimerWhich, .itimerval, .ptr], .itimerOld(2), note: "host timers; SIGALRM reaches the guest like other host signals") { $0.sysSetitimer($1) },
    SyscallRow(108, "timer_gettime", nil) { $0.sysTimerGettime($1) },
    SyscallRow(109, "timer_getoverrun", nil) { p, a in HostSyscall.call(HostTimerNR.timer_getoverrun, a.i32(0)) },
    SyscallRow(110, "timer_settime", nil) { $0.sysTimerSettime($1) },
    SyscallRow(113, "clock_gettime", [.clock, .ptr], .timespecOut(1)) { $0.sysClockGettime($1) },
    SyscallRow(114, "clock_getres", [.clock, .ptr], .timespecOut(1)) { $0.sysClockGetres($1) },
    SyscallRow(115, "clock_nanosleep", [.clock, .int, .timespec, .timespec]) { $0.sysClockNanosleep($1) },
    SyscallRow(120, "sched_getscheduler", nil) { p, a in HostSyscall.call(HostNetNR.sched_getscheduler, a.i32(0)) },
    SyscallRow(121, "sched_getparam", nil) { p, a in p.outBuf(a[1], 4).map { HostSyscall.call(HostNetNR.sched_getparam, a.i32(0), Int(bitPattern: $0)) } ?? -Errno.EFAULT },
    SyscallRow(123, "sched_getaffinity", nil) { $0.sysSchedGetaffinity($1) },
    SyscallRow(124, "sched_yield", nil) { _, _ in HostSyscall.call(HostNR.sched_yield) },
    SyscallRow(125, "sched_get_priority_max", nil) { p, a in HostSyscall.call(HostNetNR.sched_get_priority_max, a.i32(0)) },
    SyscallRow(126, "sched_get_priority_min", nil) { p, a in HostSyscall.call(HostNetNR.sched_get_priority_min, a.i32(0)) },
    SyscallRow(132, "sigaltstack", [.cptr, .cptr]) { $0.sysSigaltstack($1) },
    SyscallRow(133, "rt_sigsuspend", nil) { $0.sysRtSigsuspend($1) },
    SyscallRow(134, "rt_sigaction", [.signal, .ptr, .ptr], note: "arm64 struct sigaction (handler, flags, restorer, mask)") { $0.sysRtSigaction($1) },
    SyscallRow(135, "rt_sigprocmask", [.sigHow, .ptr, .ptr]) { $0.sysRtSigprocmask($1) },
    SyscallRow(139, "rt_sigreturn", nil, note: "restores the arm64 rt_sigframe built at delivery (fpsimd, esr_context records)") { $0.sysRtSigreturn($1) },
    SyscallRow(140, "setpriority", nil) { p, a in HostSyscall.call(HostNetNR.setpriority, a.i32(0), a.i32(1), a.i32(2)) },
    SyscallRow(141, "getpriority", [.hex32, .hex32]) { p, a in HostSyscall.call(HostNetNR.getpriority, a.i32(0), a.i32(1)) },
    SyscallRow(153, "times", nil) { $0.sysTimes($1) },
    SyscallRow(154, "setpgid", nil) { p, a in HostSyscall.call(HostNR.setpgid, a.i32(0), a.i32(1)) },
    SyscallRow(155, "getpgid", nil) { p, a in HostSyscall.call(HostNR.getpgid, a.i32(0)) },
    SyscallRow(156, "getsid", nil) { p, a in HostSyscall.call(HostNR.getsid, a.i32(0)) },
    SyscallRow(157, "setsid", nil) { _, _ in HostSyscall.call(HostNR.setsid) },
    SyscallRow(160, "uname", [.cptr], note: "machine is aarch64, the rest from the host") { $0.sysUname($1) },
    SyscallRow(163, "getrlimit", nil) { $0.sysPrlimit(SysArgs([0, $1[0], 0, $1[1]])) },
    SyscallRow(164, "setrlimit", nil) { $0.sysPrlimit(SysArgs([0, $1[0], $1[1], 0])) },
    SyscallRow(165, "getrusage", nil) { $0.sysGetrusage($1) },
    SyscallRow(166, "umask", [.octal]) { p, a in Int(umask(mode_t(a[0] & 0o777))) },
    SyscallRow(168, "getcpu", nil) { p, a in guard let c = p.optOut(a[0], 4), let n = p.optOut(a[1], 4) else { return -Errno.EFAULT }; return HostSyscall.call(HostNetNR.getcpu, c, n, 0) },
    SyscallRow(169, "gettimeofday", [.ptr, .ptr], .timevalOut(0)) { $0.sysGettimeofday($1) },
    SyscallRow(172, "getpid", []) { p, _ in p.pid },
    SyscallRow(173, "getppid", []) { _, _ in Int(getppid()) },
    SyscallRow(174, "getuid", []) { _, _ in Int(getuid()) },
    SyscallRow(175, "geteuid", []) { _, _ in Int(geteuid()) },
    SyscallRow(176, "getgid", []) { _, _ in Int(getgid()) },
    SyscallRow(177, "getegid", []) { _, _ in Int(getegid()) },
    SyscallRow(178, "gettid", []) { p, _ in p.tid },
    SyscallRow(179, "sysinfo", nil) { $0.sysSysinfo($1) },
    SyscallRow(198, "socket", nil, note: "sockets: structs are the same on both; msghdr pointers translated") { $0.sysSocketCall(198, $1) },
    SyscallRow(199, "socketpair", nil) { $0.sysSocketCall(199, $1) },
    SyscallRow(200, "bind", nil) { $0.sysSocketCall(200, $1) },
    SyscallRow(201, "listen", nil) { $0.sysSocketCall(201, $1) },
    SyscallRow(202, "accept", nil) { $0.sysSocketCall(202, $1) },
    SyscallRow(203, "connect", nil) { $0.sysSocketCall(203, $1) },
    SyscallRow(204, "getsockname", nil) { $0.sysSocketCall(204, $1) },
    SyscallRow(205, "getpeername", nil) { $0.sysSocketCall(205, $1) },
    SyscallRow(206, "sendto", nil) { $0.sysSocketCall(206, $1) },
    SyscallRow(207, "recvfrom", nil) { $0.sysSocketCall(207, $1) },
    SyscallRow(208, "setsockopt", nil) { $0.sysSocketCall(208, $1) },
    SyscallRow(209, "getsockopt", nil) { $0.sysSocketCall(209, $1) },
    SyscallRow(210, "shutdown", nil) { $0.sysSocketCall(210, $1) },
    SyscallRow(211, "sendmsg", [.int, .cptr, .int]) { $0.sysSocketCall(211, $1) },
    SyscallRow(212, "recvmsg", [.int, .cptr, .int]) { $0.sysSocketCall(212, $1) },
    SyscallRow(220, "clone", [.cloneFlags, .childStack, .parentTid, .tls, .childTid], .clone,
               note: "threads (CLONE_VM|CLONE_THREAD) are host threads; fork and vfork are host forks of the emulator") { $0.sysClone($1) },
    SyscallRow(223, "fadvise64", nil, note: "accepted; advice only") { _, _ in 0 },
    SyscallRow(227, "msync", nil, note: "passed to the host for the range") { p, a in
        // MS_ASYNC, MS_INVALIDATE and MS_SYNC are the asm-generic values on both.
        guard a[0] & 0xfff == 0, a[0] &+ a[1] <= p.mem.size, a[0] &+ a[1] >= a[0] else { return -Errno.EINVAL }
        return Glibc.msync(p.mem.host(a[0]), Int(a[1]), Int32(a.i32(2))) == 0 ? 0 : -xlatErrno(errno)
    },
    SyscallRow(242, "accept4", nil) { $0.sysSocketCall(242, $1) },
    SyscallRow(260, "wait4", nil, note: "children are forked emulators, so the host waits for them") { $0.sysWait4($1) },
    SyscallRow(261, "prlimit64", nil, note: "own process only; passed to the host") { $0.sysPrlimit($1) },
    SyscallRow(276, "renameat2", [.atfd, .str, .atfd, .str, .uint]) { $0.sysRenameat2($1, flags: $1.i32(4)) },
    SyscallRow(278, "getrandom", [.cptr, .int, .int]) { $0.sysGetrandom($1) },
    SyscallRow(279, "memfd_create", [.str, .uint]) { $0.sysMemfdCreate($1) },
    SyscallRow(283, "membarrier", nil, note: "the host's: guest threads are host threads") { $0.sysMembarrier($1) },
    SyscallRow(291, "statx", [.atfd, .str, .atFlags, .hex32, .ptr], note: "struct statx is the same on both; passed through") { $0.sysStatx($1) },
    SyscallRow(436, "close_range", nil, note: "the emulator's own fds are left open: the range is closed around them") { $0.sysCloseRange($1) },
    SyscallRow(439, "faccessat2", [.atfd, .str, .accessMode, .atFlags]) { $0.sysFaccessat($1, flags: $1.i32(3)) },
]

/// The table indexed by number for dispatch: the implemented rows and
/// the left-out ones (SysLeftOut.swift), which answer their errno.
let syscallIndex: [SyscallRow?] = {
    var idx = [SyscallRow?](repeating: nil, count: 452)
    for row in syscallTable + leftOutSyscallRows {
        precondition(idx[row.nr] == nil, "syscall \(row.nr) listed twice")
        idx[row.nr] = row
    }
    return idx
}()
