import Glibc
import GuestMemory

// MARK: - sendmmsg, recvmmsg, epoll_pwait2, futex_waitv, process_vm_readv/writev
//
// struct mmsghdr is a struct msghdr (56 bytes) and an unsigned msg_len,
// 64 bytes on both; struct futex_waitv ({u64 val, u64 uaddr, u32 flags,
// u32 reserved}, 24 bytes) and struct timespec are the same too. Guest
// pointers inside them are translated after their ranges are checked.

enum HostVecNR {
    static let sendmmsg = 307, recvmmsg = 299, epoll_pwait2 = 441, futex_waitv = 449
    static let process_vm_readv = 310, process_vm_writev = 311
}

let vecIOSyscallRows: [SyscallRow] = [
    SyscallRow(243, "recvmmsg", nil, note: "each msghdr translated as recvmsg's; msg_len and the lengths the host updates copied back for the messages received; the timeout updated in place") { $0.sysMmsg($1, receive: true) },
    SyscallRow(269, "sendmmsg", nil, note: "each msghdr translated as sendmsg's; vlen capped at UIO_MAXIOV; a bad entry after the first ends the batch there, as Linux returns the count sent") { $0.sysMmsg($1, receive: false) },
    SyscallRow(270, "process_vm_readv", nil, note: "own process (its pid or a thread's tid): a copy within the guest address space, page by page, stopping at an unmapped page as Linux (partial count or EFAULT); another process is another emulator whose guest memory is not reachable from here: ESRCH when it does not exist, otherwise EFAULT") { $0.sysProcessVm($1, write: false) },
    SyscallRow(271, "process_vm_writev", nil, note: "as process_vm_readv") { $0.sysProcessVm($1, write: true) },
    SyscallRow(441, "epoll_pwait2", [.int, .ptr, .int, .timespec, .ptr, .uint], note: "as epoll_pwait (events converted, the signal mask installed for the wait), with a struct timespec timeout") { $0.sysEpollPwait2($1) },
    SyscallRow(449, "futex_waitv", [.ptr, .uint, .uint, .timespec, .clock], note: "each waiter's uaddr translated to the host address of the guest word (a bad one to an address the host reports EFAULT for); flags, timeout and clock checked by the host") { $0.sysFutexWaitv($1) },
]

extension LinuxProcess {
    func sysMmsg(_ a: SysArgs, receive: Bool) -> Int {
        let vec = a[1]
        // UIO_MAXIOV: the kernel caps vlen rather than refusing it.
        let vlen = min(Int(UInt32(truncatingIfNeeded: a[2])), 1024)
        var msgs: [HostMsghdr] = []
        var firstError = 0
        for i in 0..<vlen {
            switch hostMsghdr(vec &+ UInt64(i * 64), receive: receive) {
            case .success(let m): msgs.append(m)
            case .failure(let e): firstError = -e.code
            }
            if firstError != 0 { break }
            guard mem.check(vec &+ UInt64(i * 64 + 56), 4, PagePerm.write) else { firstError = -Errno.EFAULT; break }
        }
        if msgs.isEmpty { return vlen == 0 ? 0 : firstError }
        let host = UnsafeMutableRawPointer.allocate(byteCount: msgs.count * 64, alignment: 8)
        defer { host.deallocate() }
        host.initializeMemory(as: UInt8.self, repeating: 0, count: msgs.count * 64)
        for (i, m) in msgs.enumerated() { host.storeBytes(of: m.hdr, toByteOffset: i * 64, as: msghdr.self) }
        let r: Int
        if receive {
            guard let ts = optOut(a[4], 16) else { return -Errno.EFAULT }
            r = HostSyscall.call(HostVecNR.recvmmsg, a.i32(0), Int(bitPattern: host), msgs.count, a.i32(3), ts)
        } else {
            r = HostSyscall.call(HostVecNR.sendmmsg, a.i32(0), Int(bitPattern: host), msgs.count, a.i32(3))
        }
        if r <= 0 { return r }
        for i in 0..<r {
            let g = vec &+ UInt64(i * 64)
            if receive { copyBackMsghdr(g, host.load(fromByteOffset: i * 64, as: msghdr.self)) }
            _ = mem.writeU32(g &+ 56, host.load(fromByteOffset: i * 64 + 56, as: UInt32.self))
        }
        return r
    }

    func sysEpollPwait2(_ a: SysArgs) -> Int {
        // The timeout is read before anything else is checked.
        let ts = a[3] == 0 ? 0 : (inBuf(a[3], 16).map { Int(bitPattern: $0) } ?? hostFaultAddress)
        if ts == hostFaultAddress { return -Errno.EFAULT }
        return epollWait(a) { events, n, mask in HostSyscall.call(HostVecNR.epoll_pwait2, a.i32(0), events, n, ts, mask, 8) }
    }

    func sysFutexWaitv(_ a: SysArgs) -> Int {
        let nr = Int(UInt32(truncatingIfNeeded: a[1]))
        // FUTEX_WAITV_MAX; flags must be 0; checked before anything is read.
        guard a.i32(2) == 0, nr > 0, nr <= 128, a[0] != 0 else { return -Errno.EINVAL }
        let ts = a[3] == 0 ? 0 : (inBuf(a[3], 16).map { Int(bitPattern: $0) } ?? hostFaultAddress)
        guard let raw = mem.read(a[0], count: nr * 24) else {
            return HostSyscall.call(HostVecNR.futex_waitv, hostFaultAddress, nr, 0, ts, a.i32(4))
        }
        var host = raw
        for i in 0..<nr {
            let uaddr = raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 24 + 8, as: UInt64.self) }
            // Misalignment stays visible to the host, which checks it first.
            let h = mem.check(uaddr, 4, PagePerm.read) ? Int(bitPattern: mem.host(uaddr)) : hostFaultAddress + Int(uaddr & 3)
            host.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(UInt(bitPattern: h)), toByteOffset: i * 24 + 8, as: UInt64.self) }
        }
        return host.withUnsafeMutableBytes {
            HostSyscall.call(HostVecNR.futex_waitv, Int(bitPattern: $0.baseAddress), nr, 0, ts, a.i32(4))
        }
    }

    /// A guest iovec array as (address, length) pairs, checked as
    /// import_iovec checks it: at most UIO_MAXIOV entries, no negative
    /// length, each range within the address space.
    private func guestIovecs(_ addr: UInt64, _ count: UInt64) -> Result<[(UInt64, Int)], SysError> {
        guard count <= 1024 else { return .failure(SysError(code: Errno.EINVAL)) }
        guard let raw = mem.read(addr, count: Int(count) * 16) else { return .failure(SysError(code: Errno.EFAULT)) }
        var v: [(UInt64, Int)] = []
        for i in 0..<Int(count) {
            let b = raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self) }
            let l = raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self) }
            guard l <= UInt64(Int.max) else { return .failure(SysError(code: Errno.EINVAL)) }
            v.append((b, Int(l)))
        }
        return .success(v)
    }

    func sysProcessVm(_ a: SysArgs, write: Bool) -> Int {
        guard a[5] == 0 else { return -Errno.EINVAL }
        let local: [(UInt64, Int)], remote: [(UInt64, Int)]
        switch guestIovecs(a[1], UInt64(UInt32(truncatingIfNeeded: a[2]))) {
        case .success(let v): local = v
        case .failure(let e): return -e.code
        }
        for (b, l) in local where l > 0 && (b &+ UInt64(l) < b || b &+ UInt64(l) > mem.size) { return -Errno.EFAULT }
        if local.allSatisfy({ $0.1 == 0 }) { return 0 }
        switch guestIovecs(a[3], UInt64(UInt32(truncatingIfNeeded: a[4]))) {
        case .success(let v): remote = v
        case .failure(let e): return -e.code
        }
        let pid = a.i32(0)
        // The own process: its pid, or any of its threads (host threads of
        // this emulator, listed in the host's /proc/self/task).
        let own = pid == self.pid || pid == self.tid || (pid > 0 && access("/proc/self/task/\(pid)", F_OK) == 0)
        if !own {
            // Another process: its guest memory lives in another emulator.
            if pid <= 0 || HostSyscall.call(HostNR.kill, pid, 0) == -Errno.ESRCH { return -Errno.ESRCH }
            return -Errno.EFAULT
        }
        // Both sides are guest addresses of this process. The remote side
        // is the one read by readv and written by writev.
        var total = 0
        var li = 0, lo = 0
        let page = Int(AddressSpace.pageSize)
        outer: for (rb, rl) in remote {
            var ro = 0
            while ro < rl {
                while li < local.count && lo == local[li].1 { li += 1; lo = 0 }
                if li == local.count { break outer }
                let r = rb &+ UInt64(ro), l = local[li].0 &+ UInt64(lo)
                let n = min(rl - ro, local[li].1 - lo, page - Int(r & UInt64(page - 1)), page - Int(l & UInt64(page - 1)))
                let (src, dst) = write ? (l, r) : (r, l)
                guard let s = inBuf(src, n), let d = outBuf(dst, n) else { break outer }
                d.copyMemory(from: s, byteCount: n)
                total += n
                ro += n
                lo += n
            }
        }
        return total > 0 ? total : -Errno.EFAULT
    }
}
