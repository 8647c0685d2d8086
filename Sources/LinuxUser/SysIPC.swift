import Glibc

/// x86_64 host numbers of the SysV message queue and semaphore calls and
/// of the POSIX message queue calls.
enum HostIPCNR {
    static let semget = 64, semop = 65, semctl = 66, msgget = 68, msgsnd = 69, msgrcv = 70, msgctl = 71
    static let semtimedop = 220, mq_open = 240, mq_unlink = 241, mq_timedsend = 242
    static let mq_timedreceive = 243, mq_notify = 244, mq_getsetattr = 245
}

/// SysV message queues and semaphores, POSIX message queues (arm64 180-193).
/// The structs are asm-generic on arm64. struct ipc64_perm (48 bytes),
/// msqid64_ds (120), msginfo, seminfo, sembuf (6), mq_attr (64), sigevent
/// (64) and timespec are laid out alike on x86_64; semid64_ds is not
/// (arm64: 88 bytes without the padding words after the times; x86_64:
/// 104), so it is translated field by field.
let ipcSyscallRows: [SyscallRow] = [
    SyscallRow(180, "mq_open", [.str, .openFlags, .mqMode, .ptr], note: "the name is a byte string of the host's mqueue namespace (not a sysroot path); flags translated; struct mq_attr is the same") { $0.sysMqOpen($1) },
    SyscallRow(181, "mq_unlink", [.str]) { $0.sysMqUnlink($1) },
    SyscallRow(182, "mq_timedsend", [.int, .cptr, .int, .int, .cptr]) { $0.sysMqTimedsend($1) },
    SyscallRow(183, "mq_timedreceive", [.int, .cptr, .int, .uint, .cptr]) { $0.sysMqTimedreceive($1) },
    SyscallRow(184, "mq_notify", [.int, .cptr], note: "SIGEV_SIGNAL (signals 1-31), SIGEV_NONE, and SIGEV_THREAD (glibc's netlink cookie, read from guest memory)") { $0.sysMqNotify($1) },
    SyscallRow(185, "mq_getsetattr", [.int, .cptr, .cptr]) { $0.sysMqGetsetattr($1) },
    SyscallRow(186, "msgget", nil) { p, a in HostSyscall.call(HostIPCNR.msgget, a.i32(0), a.i32(1)) },
    SyscallRow(187, "msgctl", nil, note: "struct msqid64_ds and msginfo are the same on both") { $0.sysMsgctl($1) },
    SyscallRow(188, "msgrcv", nil) { $0.sysMsgrcv($1) },
    SyscallRow(189, "msgsnd", nil) { $0.sysMsgsnd($1) },
    SyscallRow(190, "semget", nil) { p, a in HostSyscall.call(HostIPCNR.semget, a.i32(0), a.i32(1), a.i32(2)) },
    SyscallRow(191, "semctl", [.int, .int, .ipcCmd, .hexPtr], note: "union semun by command: struct semid64_ds translated field by field (its layout differs), GETALL/SETALL arrays sized by the set's semaphore count") { $0.sysSemctl($1) },
    SyscallRow(192, "semtimedop", nil) { $0.sysSemop($1, timeout: $1[3]) },
    SyscallRow(193, "semop", nil) { $0.sysSemop($1, timeout: 0) },
]

/// qemu's print_ipc_cmd: the first name listed for each value (11-14 are
/// also SHM_LOCK/GETPID and so on).
let ipcCmdNames: [Int: String] = [
    0: "IPC_RMID", 1: "IPC_SET", 2: "IPC_STAT", 3: "IPC_INFO", 11: "MSG_STAT", 12: "MSG_INFO",
    13: "SHM_STAT", 14: "SHM_INFO", 15: "GETZCNT", 16: "SETVAL", 17: "SETALL", 18: "SEM_STAT", 19: "SEM_INFO",
]

/// Offsets of struct semid64_ds: arm64 (asm-generic/sembuf.h) and x86_64.
enum SemidDs {
    static let guestSize = 88, hostSize = 104, perm = 48
    static let guestOtime = 48, guestCtime = 56, guestNsems = 64
    static let hostOtime = 48, hostCtime = 64, hostNsems = 80
}

extension LinuxProcess {
    // MARK: SysV semaphores

    /// semctl(semid, semnum, cmd, arg): the fourth argument is the union
    /// semun, by command a value, a struct semid64_ds or an array.
    func sysSemctl(_ a: SysArgs) -> Int {
        let id = a.i32(0), num = a.i32(1), cmd = a.i32(2), arg = a[3]
        func host(_ x: Int) -> Int { HostSyscall.call(HostIPCNR.semctl, id, num, cmd, x) }
        switch cmd {
        case 2, 18, 20: // IPC_STAT, SEM_STAT, SEM_STAT_ANY
            guard outBuf(arg, SemidDs.guestSize) != nil else { return -Errno.EFAULT }
            var ds = [UInt8](repeating: 0, count: SemidDs.hostSize)
            let r = ds.withUnsafeMutableBytes { host(Int(bitPattern: $0.baseAddress!)) }
            if r < 0 { return r }
            return mem.write(arg, Self.semidToGuest(ds)) ? r : -Errno.EFAULT
        case 1: // IPC_SET
            guard let g = mem.read(arg, count: SemidDs.guestSize) else { return -Errno.EFAULT }
            var ds = Self.semidToHost(g)
            return ds.withUnsafeMutableBytes { host(Int(bitPattern: $0.baseAddress!)) }
        case 3, 19: // IPC_INFO, SEM_INFO: struct seminfo, ten ints
            guard let p = outBuf(arg, 40) else { return -Errno.EFAULT }
            return host(Int(bitPattern: p))
        case 13, 17: // GETALL, SETALL: one unsigned short per semaphore
            var ds = [UInt8](repeating: 0, count: SemidDs.hostSize)
            let r = ds.withUnsafeMutableBytes { HostSyscall.call(HostIPCNR.semctl, id, 0, 2, Int(bitPattern: $0.baseAddress!)) }
            if r < 0 { return r }
            let n = ds.withUnsafeBytes { Int(truncatingIfNeeded: $0.loadUnaligned(fromByteOffset: SemidDs.hostNsems, as: UInt64.self)) }
            let (size, o) = n.multipliedReportingOverflow(by: 2)
            if o { return -Errno.EINVAL }
            guard let p = cmd == 13 ? outBuf(arg, size) : inBuf(arg, size) else { return -Errno.EFAULT }
            return host(Int(bitPattern: p))
        default: // IPC_RMID, GETPID, GETVAL, GETNCNT, GETZCNT, SETVAL (the int by value)
            return host(Int(bitPattern: UInt(arg)))
        }
    }

    /// x86_64 layout to arm64 layout (the perm block, the times, the count).
    static func semidToGuest(_ h: [UInt8]) -> [UInt8] {
        var g = [UInt8](repeating: 0, count: SemidDs.guestSize)
        g[0..<SemidDs.perm] = h[0..<SemidDs.perm]
        g[SemidDs.guestOtime..<SemidDs.guestOtime + 8] = h[SemidDs.hostOtime..<SemidDs.hostOtime + 8]
        g[SemidDs.guestCtime..<SemidDs.guestCtime + 8] = h[SemidDs.hostCtime..<SemidDs.hostCtime + 8]
        g[SemidDs.guestNsems..<SemidDs.guestNsems + 8] = h[SemidDs.hostNsems..<SemidDs.hostNsems + 8]
        return g
    }

    /// arm64 layout to x86_64 layout.
    static func semidToHost(_ g: [UInt8]) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: SemidDs.hostSize)
        h[0..<SemidDs.perm] = g[0..<SemidDs.perm]
        h[SemidDs.hostOtime..<SemidDs.hostOtime + 8] = g[SemidDs.guestOtime..<SemidDs.guestOtime + 8]
        h[SemidDs.hostCtime..<SemidDs.hostCtime + 8] = g[SemidDs.guestCtime..<SemidDs.guestCtime + 8]
        h[SemidDs.hostNsems..<SemidDs.hostNsems + 8] = g[SemidDs.guestNsems..<SemidDs.guestNsems + 8]
        return h
    }

    /// semop and semtimedop: struct sembuf (6 bytes) and timespec are the
    /// same on both. More than SEMOPM operations is the kernel's E2BIG.
    func sysSemop(_ a: SysArgs, timeout: UInt64) -> Int {
        let n = Int(truncatingIfNeeded: a[2])
        if n < 1 || n > 0xFFFF { return n == 0 ? -Errno.EINVAL : -Int(E2BIG) }
        guard let ops = inBuf(a[1], n * 6), let ts = optIn(timeout, 16) else { return -Errno.EFAULT }
        if timeout == 0 {
            return HostSyscall.call(HostIPCNR.semop, a.i32(0), Int(bitPattern: ops), n)
        }
        return HostSyscall.call(HostIPCNR.semtimedop, a.i32(0), Int(bitPattern: ops), n, ts)
    }

    // MARK: SysV message queues

    func sysMsgctl(_ a: SysArgs) -> Int {
        let id = a.i32(0), cmd = a.i32(1)
        let p: UnsafeMutableRawPointer?
        switch cmd {
        case 2, 11, 13: p = outBuf(a[2], 120)  // IPC_STAT, MSG_STAT, MSG_STAT_ANY
        case 1: p = inBuf(a[2], 120)            // IPC_SET
        case 3, 12: p = outBuf(a[2], 32)        // IPC_INFO, MSG_INFO: struct msginfo
        default: return HostSyscall.call(HostIPCNR.msgctl, id, cmd, 0)
        }
        guard let p = p else { return -Errno.EFAULT }
        return HostSyscall.call(HostIPCNR.msgctl, id, cmd, Int(bitPattern: p))
    }

    /// The message is { long mtype; char mtext[msgsz] } on both. The
    /// kernel reads mtype first (EFAULT), then rejects a size above
    /// msgmax (EINVAL) before copying the text.
    func sysMsgsnd(_ a: SysArgs) -> Int {
        let size = a.int(2)
        guard mem.readU64(a[1]) != nil else { return -Errno.EFAULT }
        if size < 0 || size > 0x7FFF_FFFF { return -Errno.EINVAL }
        guard let p = inBuf(a[1], 8 &+ size) else {
            return size > msgMax ? -Errno.EINVAL : -Errno.EFAULT
        }
        return HostSyscall.call(HostIPCNR.msgsnd, a.i32(0), Int(bitPattern: p), size, a.i32(3))
    }

    /// The kernel copies out only a message it took: with a buffer the
    /// guest cannot write, an empty queue still answers ENOMSG (or blocks),
    /// and a message taken is lost with EFAULT, so a bad buffer reaches the
    /// host as an address where it faults.
    func sysMsgrcv(_ a: SysArgs) -> Int {
        let size = a.int(2)
        if size < 0 { return -Errno.EINVAL }
        let ok = size <= 0x7FFF_FFFF && outBuf(a[1], 8 &+ size) != nil
        guard let p = hostBuffer(ok ? a[1] : guestFaultAddress, ok ? 8 &+ size : 8, write: true) else { return -Errno.EFAULT }
        return HostSyscall.call(HostIPCNR.msgrcv, a.i32(0), p, size, a.int(3), a.i32(4))
    }

    /// The host's msgmax (/proc/sys/kernel/msgmax), for msgsnd's order of checks.
    var msgMax: Int {
        guard let f = fopen("/proc/sys/kernel/msgmax", "r") else { return 8192 }
        defer { fclose(f) }
        var v: Int = 8192
        return fscanf_long(f, &v) ? v : 8192
    }

    // MARK: POSIX message queues

    /// The queue name: a byte string in the mqueue namespace, never looked
    /// up under the sysroot.
    func mqName(_ addr: UInt64, _ body: (UnsafePointer<CChar>) -> Int) -> Int {
        guard var bytes = mem.readCStringBytes(addr, max: Int(PATH_MAX)) else {
            // No NUL in the first PATH_MAX bytes: too long if they are all readable.
            return mem.read(addr, count: Int(PATH_MAX)) != nil ? -Int(ENAMETOOLONG) : -Errno.EFAULT
        }
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }

    func sysMqOpen(_ a: SysArgs) -> Int {
        guard let attr = optIn(a[3], 64) else { return -Errno.EFAULT }
        let flags = xlatOpenFlagsToHost(a.i32(1))
        return mqName(a[0]) { HostSyscall.call(HostIPCNR.mq_open, Int(bitPattern: $0), flags, a.i32(2), attr) }
    }

    func sysMqUnlink(_ a: SysArgs) -> Int {
        mqName(a[0]) { HostSyscall.call(HostIPCNR.mq_unlink, Int(bitPattern: $0)) }
    }

    func sysMqTimedsend(_ a: SysArgs) -> Int {
        let len = a.int(2)
        let ok = len >= 0 && inBuf(a[1], len) != nil
        guard let msg = hostBuffer(ok ? a[1] : guestFaultAddress, ok ? len : 1, write: false),
              let ts = optIn(a[4], 16) else { return -Errno.EFAULT }
        return HostSyscall.call(HostIPCNR.mq_timedsend, a.i32(0), msg, len, a.i32(3), ts)
    }

    func sysMqTimedreceive(_ a: SysArgs) -> Int {
        let len = a.int(2)
        let ok = len >= 0 && outBuf(a[1], len) != nil
        guard let msg = hostBuffer(ok ? a[1] : guestFaultAddress, ok ? len : 1, write: true),
              let prio = optOut(a[3], 4), let ts = optIn(a[4], 16) else { return -Errno.EFAULT }
        return HostSyscall.call(HostIPCNR.mq_timedreceive, a.i32(0), msg, len, prio, ts)
    }

    /// struct sigevent is the same on both (64 bytes). With SIGEV_THREAD the
    /// kernel reads a 32-byte cookie through sigev_value, a guest pointer,
    /// so the host gets a copy of the struct pointing at the checked cookie.
    func sysMqNotify(_ a: SysArgs) -> Int {
        if a[1] == 0 { return HostSyscall.call(HostIPCNR.mq_notify, a.i32(0), 0) }
        guard var sev = mem.read(a[1], count: 64) else { return -Errno.EFAULT }
        let signo = sev.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: Int32.self) }
        let notify = sev.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: Int32.self) }
        switch notify {
        case 0: // SIGEV_SIGNAL: the host only tells the emulator about signals 1...31.
            if signo < 1 || signo > 31 { return -Errno.EINVAL }
        case 2: // SIGEV_THREAD
            let cookie = sev.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            guard let c = inBuf(cookie, 32) else { return -Errno.EFAULT }
            withUnsafeBytes(of: UInt64(UInt(bitPattern: c))) { sev.replaceSubrange(0..<8, with: $0) }
        default:
            break
        }
        return sev.withUnsafeMutableBytes { HostSyscall.call(HostIPCNR.mq_notify, a.i32(0), Int(bitPattern: $0.baseAddress!)) }
    }

    func sysMqGetsetattr(_ a: SysArgs) -> Int {
        guard let new = optIn(a[1], 64), let old = optOut(a[2], 64) else { return -Errno.EFAULT }
        return HostSyscall.call(HostIPCNR.mq_getsetattr, a.i32(0), new, old)
    }
}

private func fscanf_long(_ f: UnsafeMutablePointer<FILE>, _ v: inout Int) -> Bool {
    var buf = [CChar](repeating: 0, count: 32)
    guard fgets(&buf, 32, f) != nil else { return false }
    guard let n = Int(String(cString: buf).filter { $0.isNumber }) else { return false }
    v = n
    return true
}
