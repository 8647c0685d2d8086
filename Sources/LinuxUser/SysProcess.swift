import Glibc
import GuestMemory

// MARK: - Process identity, limits, exit, futex

extension LinuxProcess {
    func sysExit(_ a: SysArgs, group: Bool) -> Int {
        if !group && shared.multiThreaded { threadExited = true }
        termination = .exited(Int32(a[0] & 0xff))
        return 0
    }

    func sysSetTidAddress(_ a: SysArgs) -> Int {
        clearChildTid = a[0]
        return pid
    }

    /// struct utsname is six 65-byte strings on both; only the machine differs.
    func sysUname(_ a: SysArgs) -> Int {
        var u = utsname()
        guard uname(&u) == 0 else { return -xlatErrno(errno) }
        withUnsafeMutableBytes(of: &u.machine) { m in
            m.initializeMemory(as: UInt8.self, repeating: 0)
            for (i, c) in "aarch64".utf8.enumerated() { m[i] = c }
        }
        if let release = options.unameRelease {
            withUnsafeMutableBytes(of: &u.release) { m in
                m.initializeMemory(as: UInt8.self, repeating: 0)
                for (i, c) in release.utf8.prefix(m.count - 1).enumerated() { m[i] = c }
            }
        }
        return put(a[0], u) ? 0 : -Errno.EFAULT
    }

    /// prlimit64(pid, resource, new, old): struct rlimit64 and the resource
    /// numbers are the same. Limits on address space, data and stack are
    /// not applied to the host, where they would constrain the emulator.
    func sysPrlimit(_ a: SysArgs) -> Int {
        let pidArg = a.i32(0), res = a.i32(1)
        if pidArg != 0 && pidArg != pid {
            // Another process: ESRCH when there is none (a negative pid
            // never names one), as Linux's find_task_by_vpid.
            if pidArg < 0 || (kill(pid_t(truncatingIfNeeded: pidArg), 0) != 0 && errno == ESRCH) { return -Errno.ESRCH }
            return -Errno.EPERM
        }
        var old = rlimit(), new = rlimit()
        guard getrlimit(__rlimit_resource_t(UInt32(truncatingIfNeeded: res)), &old) == 0 else { return -xlatErrno(errno) }
        if a[2] != 0 {
            guard let b = mem.read(a[2], count: 16) else { return -Errno.EFAULT }
            b.withUnsafeBytes {
                new.rlim_cur = rlim_t($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
                new.rlim_max = rlim_t($0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
            if ![2, 3, 9].contains(res) {
                if setrlimit(__rlimit_resource_t(UInt32(truncatingIfNeeded: res)), &new) != 0 { return -xlatErrno(errno) }
            }
        }
        if a[3] != 0 {
            guard put(a[3], (UInt64(old.rlim_cur), UInt64(old.rlim_max))) else { return -Errno.EFAULT }
        }
        return 0
    }

    /// struct rusage (144 bytes), struct sysinfo (112) and struct tms (32)
    /// are made of longs on both architectures.
    func sysGetrusage(_ a: SysArgs) -> Int {
        guard let p = outBuf(a[1], 144) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.getrusage, a.i32(0), Int(bitPattern: p))
    }

    func sysSysinfo(_ a: SysArgs) -> Int {
        guard let p = outBuf(a[0], 112) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.sysinfo, Int(bitPattern: p))
    }

    func sysTimes(_ a: SysArgs) -> Int {
        if a[0] == 0 { return HostSyscall.call(HostNR.times, 0) }
        guard let p = outBuf(a[0], 32) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.times, Int(bitPattern: p))
    }

    func sysSchedGetaffinity(_ a: SysArgs) -> Int {
        let size = a.int(1)
        guard size > 0 else { return -Errno.EINVAL }
        guard let p = outBuf(a[2], size) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.sched_getaffinity, a.i32(0), size, Int(bitPattern: p))
    }

    func sysGetrandom(_ a: SysArgs) -> Int {
        guard let p = outBuf(a[0], a.int(1)) else { return -Errno.EFAULT }
        if var s = options.randomState {
            // SplitMix64, as for the seeded AT_RANDOM bytes.
            let count = a.int(1)
            var i = 0
            while i < count {
                s &+= 0x9e37_79b9_7f4a_7c15
                var z = s
                z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
                z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
                z ^= z >> 31
                for b in 0..<8 where i < count {
                    p.advanced(by: i).storeBytes(of: UInt8(truncatingIfNeeded: z >> (8 * UInt64(b))), as: UInt8.self)
                    i += 1
                }
            }
            options.randomState = s
            return count
        }
        return HostSyscall.call(HostNR.getrandom, Int(bitPattern: p), a.int(1), a.i32(2))
    }

    func sysWait4(_ a: SysArgs) -> Int {
        var status = 0, ru = 0
        if a[1] != 0 { guard let p = outBuf(a[1], 4) else { return -Errno.EFAULT }; status = Int(bitPattern: p) }
        if a[3] != 0 { guard let p = outBuf(a[3], 144) else { return -Errno.EFAULT }; ru = Int(bitPattern: p) }
        return HostSyscall.call(HostNR.wait4, a.i32(0), status, a.i32(2), ru)
    }

    /// futex on the guest word through the host futex: with one thread a
    /// WAIT on an unchanged value sleeps until its timeout, as on Linux, and
    /// a changed value gives -EAGAIN; WAKE finds nobody and returns 0.
    func sysFutex(_ a: SysArgs) -> Int {
        let op = a.i32(1), cmd = op & 0x7f
        guard a[0] & 3 == 0 else { return -Errno.EINVAL }
        guard let uaddr = outBuf(a[0], 4) else { return -Errno.EFAULT }
        switch cmd {
        case 0, 9: // FUTEX_WAIT, FUTEX_WAIT_BITSET
            var ts = 0
            if a[3] != 0 { guard let p = inBuf(a[3], 16) else { return -Errno.EFAULT }; ts = Int(bitPattern: p) }
            return HostSyscall.call(HostNR.futex, Int(bitPattern: uaddr), op, a.i32(2), ts, 0, a.i32(5))
        case 1, 10: // FUTEX_WAKE, FUTEX_WAKE_BITSET
            return HostSyscall.call(HostNR.futex, Int(bitPattern: uaddr), op, a.i32(2), 0, 0, a.i32(5))
        case 3, 4, 5, 12: // FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP, FUTEX_CMP_REQUEUE_PI: arg 3 is a count
            guard let uaddr2 = outBuf(a[4], 4) else { return -Errno.EFAULT }
            return HostSyscall.call(HostNR.futex, Int(bitPattern: uaddr), op, a.i32(2), a.i32(3), Int(bitPattern: uaddr2), a.i32(5))
        case 6, 7, 8, 13: // FUTEX_LOCK_PI, FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI, FUTEX_LOCK_PI2: guest tids are host tids
            var ts = 0
            if cmd != 7 && cmd != 8 && a[3] != 0 { guard let p = inBuf(a[3], 16) else { return -Errno.EFAULT }; ts = Int(bitPattern: p) }
            return HostSyscall.call(HostNR.futex, Int(bitPattern: uaddr), op, a.i32(2), ts, 0, 0)
        case 11: // FUTEX_WAIT_REQUEUE_PI
            var ts = 0
            if a[3] != 0 { guard let p = inBuf(a[3], 16) else { return -Errno.EFAULT }; ts = Int(bitPattern: p) }
            guard let uaddr2 = outBuf(a[4], 4) else { return -Errno.EFAULT }
            return HostSyscall.call(HostNR.futex, Int(bitPattern: uaddr), op, a.i32(2), ts, Int(bitPattern: uaddr2), a.i32(5))
        default:
            return -Errno.ENOSYS
        }
    }
}
