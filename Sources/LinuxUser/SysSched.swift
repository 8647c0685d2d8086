import Glibc

// MARK: - Namespaces, process handles, clone3, scheduling
//
// Guest processes are host processes and guest threads host threads, so
// pids, tids, pidfds, namespaces and scheduling attributes are the host's
// and pass through. CLONE_* and the namespace flags, the KCMP_* types,
// the SCHED_* policies and flags, struct sched_param, struct sched_attr,
// the ioprio encoding and PIDFD_NONBLOCK (O_NONBLOCK, 04000 on both) are
// the same on arm64 and x86_64.

/// x86_64 numbers (asm/unistd_64.h).
enum HostSchedNR {
    static let sched_setparam = 142, sched_setscheduler = 144, sched_rr_get_interval = 148
    static let sched_setaffinity = 203, ioprio_set = 251, ioprio_get = 252, unshare = 272
    static let setns = 308, kcmp = 312, sched_setattr = 314, sched_getattr = 315
    static let pidfd_send_signal = 424, pidfd_open = 434, pidfd_getfd = 438
}

let schedSyscallRows: [SyscallRow] = [
    SyscallRow(30, "ioprio_set", [.int, .int, .int], note: "the host's; the class and level encoding is generic") { p, a in HostSyscall.call(HostSchedNR.ioprio_set, a.i32(0), a.i32(1), a.i32(2)) },
    SyscallRow(31, "ioprio_get", [.int, .int]) { p, a in HostSyscall.call(HostSchedNR.ioprio_get, a.i32(0), a.i32(1)) },
    SyscallRow(97, "unshare", [.cloneFlags], note: "the host's, for the calling thread; CLONE_NEWUSER needs a single-threaded guest, as in Linux") { p, a in HostSyscall.call(HostSchedNR.unshare, Int(UInt32(truncatingIfNeeded: a[0]))) },
    SyscallRow(118, "sched_setparam", [.int, .ptr], note: "struct sched_param is one int on both") { p, a in
        guard let sp = p.inBuf(a[1], 4) else { return -Errno.EINVAL } // the kernel's answer to a NULL or bad param
        return HostSyscall.call(HostSchedNR.sched_setparam, a.i32(0), Int(bitPattern: sp))
    },
    SyscallRow(119, "sched_setscheduler", [.int, .int, .ptr], note: "policies (and SCHED_RESET_ON_FORK) are generic") { p, a in
        guard let sp = p.inBuf(a[2], 4) else { return -Errno.EINVAL }
        return HostSyscall.call(HostSchedNR.sched_setscheduler, a.i32(0), a.i32(1), Int(bitPattern: sp))
    },
    SyscallRow(122, "sched_setaffinity", [.int, .int, .ptr], note: "the host's: guest threads are host threads, so the mask pins them") { p, a in
        let len = a.int(1)
        guard len >= 0 else { return -Errno.EINVAL }
        guard let m = p.inBuf(a[2], min(len, 1 << 16)) else { return -Errno.EFAULT }
        return HostSyscall.call(HostSchedNR.sched_setaffinity, a.i32(0), min(len, 1 << 16), Int(bitPattern: m))
    },
    SyscallRow(127, "sched_rr_get_interval", [.int, .ptr], .timespecOut(1), note: "struct timespec is the same on both") { p, a in
        guard let t = p.outBuf(a[1], 16) else { return -Errno.EFAULT }
        return HostSyscall.call(HostSchedNR.sched_rr_get_interval, a.i32(0), Int(bitPattern: t))
    },
    SyscallRow(268, "setns", [.int, .hex32], note: "the host's; joining a user namespace needs a single-threaded guest") { p, a in HostSyscall.call(HostSchedNR.setns, a.i32(0), a.i32(1)) },
    SyscallRow(272, "kcmp", [.int, .int, .int, .long, .long], note: "the host's; guest threads share one host mm and files table, forked guests do not, as in Linux; KCMP_EPOLL_TFD's struct kcmp_epoll_slot is the same") { $0.sysKcmp($1) },
    SyscallRow(274, "sched_setattr", [.int, .ptr, .int], note: "struct sched_attr is the same on both; its size field is honoured as the kernel does") { $0.sysSchedSetattr($1) },
    SyscallRow(275, "sched_getattr", [.int, .ptr, .int, .int]) { $0.sysSchedGetattr($1) },
    SyscallRow(424, "pidfd_send_signal", [.int, .signal, .ptr, .hex32], note: "siginfo_t is the same 128 bytes on both; signal numbers pass as kill passes them") { $0.sysPidfdSendSignal($1) },
    SyscallRow(434, "pidfd_open", [.int, .hex32], note: "PIDFD_NONBLOCK is O_NONBLOCK on both") { p, a in HostSyscall.call(HostSchedNR.pidfd_open, a.i32(0), Int(UInt32(truncatingIfNeeded: a[1]))) },
    SyscallRow(435, "clone3", [.ptr, .int], .clone, note: "struct clone_args mapped onto clone: threads, fork and vfork with stack + stack_size as the new stack, CLONE_PIDFD through pidfd_open, new namespaces by unshare in the forked child; exit_signal other than SIGCHLD or 0, set_tid, CLONE_INTO_CGROUP, CLONE_CLEAR_SIGHAND, CLONE_NEWPID and CLONE_NEWTIME give EINVAL") { $0.sysClone3($1) },
    SyscallRow(438, "pidfd_getfd", [.int, .int, .int]) { p, a in HostSyscall.call(HostSchedNR.pidfd_getfd, a.i32(0), a.i32(1), Int(UInt32(truncatingIfNeeded: a[2]))) },
]

/// CLONE_* values that only clone3 takes (include/uapi/linux/sched.h).
private enum Clone3Flag {
    static let pidfd = 0x1000, newtime = 0x80, clearSighand: UInt64 = 0x1_0000_0000
    static let intoCgroup: UInt64 = 0x2_0000_0000
    /// CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWNET: made by
    /// unshare in the child, which has the same effect.
    static let namespaces: UInt64 = 0x0002_0000 | 0x0200_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x4000_0000
    /// CLONE_NEWPID and CLONE_NEWTIME put the child itself in the new
    /// namespace, which unshare cannot do for a forked emulator.
    static let unsupportedNamespaces: UInt64 = 0x2000_0000 | 0x80
}

extension LinuxProcess {
    func sysKcmp(_ a: SysArgs) -> Int {
        var idx2 = Int(truncatingIfNeeded: a[4])
        if a.i32(2) == 7 { // KCMP_EPOLL_TFD: idx2 points at struct kcmp_epoll_slot
            guard let slot = inBuf(a[4], 12) else { return -Errno.EFAULT }
            idx2 = Int(bitPattern: slot)
        }
        return HostSyscall.call(HostSchedNR.kcmp, a.i32(0), a.i32(1), a.i32(2), Int(truncatingIfNeeded: a[3]), idx2)
    }

    /// sched_setattr(pid, attr, flags): the kernel reads attr->size first
    /// (0 means the first version, 48 bytes).
    func sysSchedSetattr(_ a: SysArgs) -> Int {
        guard a[1] != 0 else { return -Errno.EINVAL }
        guard let size = mem.readU32(a[1]) else { return -Errno.EFAULT }
        let len = size == 0 ? 48 : min(Int(size), 4096)
        guard let attr = outBuf(a[1], max(len, 4)) ?? inBuf(a[1], max(len, 4)) else { return -Errno.EFAULT }
        return HostSyscall.call(HostSchedNR.sched_setattr, a.i32(0), Int(bitPattern: attr), Int(UInt32(truncatingIfNeeded: a[2])))
    }

    /// sched_getattr(pid, attr, size, flags): size between the first
    /// version (48) and a page, else EINVAL.
    func sysSchedGetattr(_ a: SysArgs) -> Int {
        let size = Int(UInt32(truncatingIfNeeded: a[2]))
        guard a[1] != 0, size >= 48, size <= 4096, a.i32(3) == 0 else { return -Errno.EINVAL }
        guard let attr = outBuf(a[1], size) else { return -Errno.EFAULT }
        return HostSyscall.call(HostSchedNR.sched_getattr, a.i32(0), Int(bitPattern: attr), size, 0)
    }

    func sysPidfdSendSignal(_ a: SysArgs) -> Int {
        let sig = a.i32(1)
        guard sig >= 0 && sig <= Int(Sig.count) else { return -Errno.EINVAL }
        var info = 0
        if a[2] != 0 {
            guard let p = inBuf(a[2], 128) else { return -Errno.EFAULT }
            info = Int(bitPattern: p)
        }
        return HostSyscall.call(HostSchedNR.pidfd_send_signal, a.i32(0), sig, info, Int(UInt32(truncatingIfNeeded: a[3])))
    }

    /// clone3(cl_args, size): struct clone_args (include/uapi/linux/sched.h)
    /// is eleven u64 fields; sizes below the first version (64 bytes) are
    /// EINVAL, above a page E2BIG, and bytes past the known fields must be
    /// zero (E2BIG), as copy_struct_from_user checks.
    func sysClone3(_ a: SysArgs) -> Int {
        let size = a.int(1)
        guard size >= 64 else { return -Errno.EINVAL }
        guard size <= 4096 else { return -LinuxErrno.E2BIG }
        guard let raw = mem.read(a[0], count: size) else { return -Errno.EFAULT }
        if size > 88 && raw[88...].contains(where: { $0 != 0 }) { return -LinuxErrno.E2BIG }
        func field(_ i: Int) -> UInt64 {
            guard i * 8 + 8 <= size else { return 0 }
            var v: UInt64 = 0
            for b in 0..<8 { v |= UInt64(raw[i * 8 + b]) << (8 * UInt64(b)) }
            return v
        }
        let flags = field(0), pidfdAddr = field(1), childTid = field(2), parentTid = field(3)
        let exitSignal = field(4), stack = field(5), stackSize = field(6), tls = field(7)
        let setTid = field(8), setTidSize = field(9)
        // The kernel's checks (kernel/fork.c copy_clone_args_from_user,
        // clone3_args_valid).
        if flags & ~0x3_ffff_ffff != 0 || flags & 0x40_007f != 0 { return -Errno.EINVAL } // CLONE_DETACHED, CSIGNAL bits
        if exitSignal & ~0xff != 0 || exitSignal > UInt64(Sig.count) { return -Errno.EINVAL }
        if (stack == 0) != (stackSize == 0) { return -Errno.EINVAL }
        if setTid != 0 || setTidSize != 0 { return -Errno.EINVAL } // set_tid needs CAP_CHECKPOINT_RESTORE over the pid namespace
        if flags & Clone3Flag.intoCgroup != 0 || flags & Clone3Flag.clearSighand != 0 { return -Errno.EINVAL }
        if flags & Clone3Flag.unsupportedNamespaces != 0 { return -Errno.EINVAL }
        let isThread = flags & UInt64(GuestClone.thread) != 0
        if isThread && exitSignal != 0 { return -Errno.EINVAL }
        if !isThread && exitSignal != 0 && exitSignal != 17 /* SIGCHLD */ { return -Errno.EINVAL }
        if flags & UInt64(Clone3Flag.pidfd) != 0 && isThread { return -Errno.EINVAL }
        let namespaces = flags & Clone3Flag.namespaces
        if isThread && namespaces != 0 { return -Errno.EINVAL }
        var pidfdOut: UnsafeMutableRawPointer? = nil
        if flags & UInt64(Clone3Flag.pidfd) != 0 {
            guard let p = outBuf(pidfdAddr, 4) else { return -Errno.EFAULT }
            pidfdOut = p
        }
        let newSP = stack == 0 ? 0 : stack &+ stackSize
        let legacyFlags = (flags & 0xffff_ff00 & ~UInt64(Clone3Flag.pidfd) & ~namespaces) | exitSignal
        let r = sysClone(SysArgs([legacyFlags, newSP, parentTid, tls, childTid]))
        if r == 0 && namespaces != 0 {
            // The forked child enters its new namespaces before it runs
            // guest code; if it may not, it ends as a child the kernel
            // could not have created (status 127).
            if HostSyscall.call(HostSchedNR.unshare, Int(namespaces)) < 0 { _exit(127) }
        }
        if r > 0, let out = pidfdOut {
            // The parent's side: a pidfd for the new child, close-on-exec
            // as the kernel makes it.
            let fd = HostSyscall.call(HostSchedNR.pidfd_open, r, 0)
            if fd >= 0 { _ = fcntl(Int32(fd), F_SETFD, FD_CLOEXEC) }
            out.storeBytes(of: Int32(truncatingIfNeeded: fd), as: Int32.self)
        }
        return r
    }
}
