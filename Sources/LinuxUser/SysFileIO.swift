import Glibc
import GuestMemory

// MARK: - File notification, splicing, extended read/write, quotas
//
// inotify_init1's IN_NONBLOCK and IN_CLOEXEC are O_NONBLOCK and O_CLOEXEC,
// which arm64 does not override (asm/fcntl.h), so they have the x86_64
// values; fanotify_init's FAN_* flags are its own bits, but its
// event_f_flags are open(2) flags and are translated. struct inotify_event,
// struct fanotify_event_metadata, struct open_how, struct iovec, loff_t and
// the RWF_*, SPLICE_F_* and RESOLVE_* bits are the same on both, as are
// the quota structs (if_dqblk 72 bytes, if_nextdqblk 72, if_dqinfo 24,
// fs_disk_quota 112, fs_quota_stat 80, fs_quota_statv 160).

enum HostFileNR {
    static let inotify_init1 = 294, inotify_add_watch = 254, inotify_rm_watch = 255
    static let fanotify_init = 300, fanotify_mark = 301
    static let splice = 275, tee = 276, vmsplice = 278, copy_file_range = 326
    static let readahead = 187, syncfs = 306, preadv2 = 327, pwritev2 = 328, openat2 = 437
    static let quotactl = 179, quotactl_fd = 443, acct = 163
}

let fileIOSyscallRows: [SyscallRow] = [
    SyscallRow(26, "inotify_init1", nil, note: "IN_NONBLOCK and IN_CLOEXEC are O_NONBLOCK and O_CLOEXEC, the same on both; events read from the fd have the same layout") { p, a in
        HostSyscall.call(HostFileNR.inotify_init1, a.i32(0))
    },
    SyscallRow(27, "inotify_add_watch", nil, note: "the path through the sysroot") { p, a in
        // IN_DONT_FOLLOW: the watch is on a final symbolic link itself.
        p.withPath(a[1], followLast: a.i32(2) & 0x0200_0000 == 0) {
            HostSyscall.call(HostFileNR.inotify_add_watch, a.i32(0), Int(bitPattern: $0), Int(UInt32(truncatingIfNeeded: a[2])))
        }
    },
    SyscallRow(28, "inotify_rm_watch", nil) { p, a in HostSyscall.call(HostFileNR.inotify_rm_watch, a.i32(0), a.i32(1)) },
    SyscallRow(60, "quotactl", nil, note: "the special file and Q_QUOTAON's quota file through the sysroot; each command's struct through a checked pointer; unknown commands get no pointer") { $0.sysQuotactl($1, fd: nil) },
    SyscallRow(75, "vmsplice", nil, note: "the iovec's guest buffers checked and translated: readable when the fd is a pipe's write end, writable when it is the read end") { $0.sysVmsplice($1) },
    SyscallRow(76, "splice", nil, note: "the loff_t pointers checked") { p, a in
        guard let offIn = p.optOut(a[1], 8), let offOut = p.optOut(a[3], 8) else { return -Errno.EFAULT }
        return HostSyscall.call(HostFileNR.splice, a.i32(0), offIn, a.i32(2), offOut, a.int(4), a.i32(5))
    },
    SyscallRow(77, "tee", nil) { p, a in HostSyscall.call(HostFileNR.tee, a.i32(0), a.i32(1), a.int(2), a.i32(3)) },
    SyscallRow(89, "acct", [.str], note: "the file through the sysroot; NULL turns accounting off") { p, a in
        if a[0] == 0 { return HostSyscall.call(HostFileNR.acct, 0) }
        return p.withPath(a[0]) { HostSyscall.call(HostFileNR.acct, Int(bitPattern: $0)) }
    },
    SyscallRow(213, "readahead", nil) { p, a in HostSyscall.call(HostFileNR.readahead, a.i32(0), a.int(1), a.int(2)) },
    SyscallRow(262, "fanotify_init", nil, note: "event_f_flags are open(2) flags, translated") { p, a in
        HostSyscall.call(HostFileNR.fanotify_init, a.i32(0), xlatOpenFlagsToHost(a.i32(1)))
    },
    SyscallRow(263, "fanotify_mark", nil, note: "the path (which may be NULL) through the sysroot") { p, a in
        let call = { (path: Int) in HostSyscall.call(HostFileNR.fanotify_mark, a.i32(0), Int(UInt32(truncatingIfNeeded: a[1])), a.int(2), a.i32(3), path) }
        if a[4] == 0 { return call(0) }
        // FAN_MARK_DONT_FOLLOW: a final symbolic link is marked itself.
        return p.withPath(a[4], followLast: a.i32(1) & 0x04 == 0) { call(Int(bitPattern: $0)) }
    },
    SyscallRow(267, "syncfs", [.int]) { p, a in HostSyscall.call(HostFileNR.syncfs, a.i32(0)) },
    SyscallRow(285, "copy_file_range", [.int, .cptr, .int, .cptr, .ulong, .uint], note: "the loff_t pointers checked") { p, a in
        guard let offIn = p.optOut(a[1], 8), let offOut = p.optOut(a[3], 8) else { return -Errno.EFAULT }
        return HostSyscall.call(HostFileNR.copy_file_range, a.i32(0), offIn, a.i32(2), offOut, a.int(4), Int(UInt32(truncatingIfNeeded: a[5])))
    },
    SyscallRow(286, "preadv2", [.int, .cptr, .int, .long, .long, .hex32], note: "iovecs translated; the offset is one 64-bit register (-1: the file position); RWF_* flags are the same on both") { $0.sysPreadv2($1, write: false) },
    SyscallRow(287, "pwritev2", [.int, .cptr, .int, .long, .long, .hex32]) { $0.sysPreadv2($1, write: true) },
    SyscallRow(437, "openat2", [.atfd, .str, .ptr, .uint], note: "struct open_how copied (its size checked as copy_struct_from_user does), its O_ flags translated, RESOLVE_* passed on; the path as openat's, /proc views and the sysroot included") { $0.sysOpenat2($1) },
    SyscallRow(443, "quotactl_fd", nil, note: "as quotactl, on the filesystem of an fd") { $0.sysQuotactl($1, fd: $1.i32(0)) },
]

/// A host address in page zero, which the host never maps: passed instead
/// of a bad guest pointer where the host kernel must report EFAULT in its
/// own order of checks.
let hostFaultAddress = 8

/// E2BIG (asm-generic/errno-base.h).
private let e2big = 7

extension LinuxProcess {
    /// The host address for a guest buffer, or `hostFaultAddress` when the
    /// range is not accessible (the host call then fails with EFAULT).
    func hostPtrOrFault(_ addr: UInt64, _ len: Int, out: Bool) -> Int {
        let p = out ? outBuf(addr, len) : inBuf(addr, len)
        return p.map { Int(bitPattern: $0) } ?? hostFaultAddress
    }

    func sysPreadv2(_ a: SysArgs, write: Bool) -> Int {
        let n = a.i32(2)
        return withHostIovecs(a[1], n, write: write) {
            HostSyscall.call(write ? HostFileNR.pwritev2 : HostFileNR.preadv2, a.i32(0), Int(bitPattern: $0), n, a.int(3), 0, a.i32(5))
        }
    }

    func sysVmsplice(_ a: SysArgs) -> Int {
        let fd = a.i32(0)
        let fl = HostSyscall.call(HostNR.fcntl, fd, 3 /* F_GETFL */)
        if fl < 0 { return fl }
        // The kernel splices user pages into a pipe it can write, and out of
        // one it can read; a read-write fd (not a pipe end) is EBADF there.
        let intoPipe = fl & Int(O_ACCMODE) == Int(O_WRONLY)
        let n = a.i32(2)
        guard n >= 0 && n <= 1024 else { return -Errno.EINVAL }
        return withHostIovecs(a[1], n, write: intoPipe) {
            HostSyscall.call(HostFileNR.vmsplice, fd, Int(bitPattern: $0), n, a.i32(3))
        }
    }

    func sysOpenat2(_ a: SysArgs) -> Int {
        let size = a[3]
        // OPEN_HOW_SIZE_VER0; larger structs must be zero past what the
        // kernel knows (E2BIG), and at most a page.
        guard size >= 24 else { return -Errno.EINVAL }
        guard size <= 4096 else { return -e2big }
        guard let raw = mem.read(a[2], count: Int(size)) else { return -Errno.EFAULT }
        if raw[24...].contains(where: { $0 != 0 }) { return -e2big }
        func u64(_ o: Int) -> UInt64 { raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt64.self) } }
        let guestFlags = Int(truncatingIfNeeded: u64(0))
        return openGuestPath(a[1], guestFlags: guestFlags) { path, hostFlags in
            var how: (UInt64, UInt64, UInt64) = (UInt64(bitPattern: Int64(hostFlags)), u64(8), u64(16))
            return withUnsafePointer(to: &how) {
                HostSyscall.call(HostFileNR.openat2, a.i32(0), Int(bitPattern: path), Int(bitPattern: $0), 24)
            }
        }
    }

    /// quotactl and quotactl_fd (`fd` set): the argument struct of each
    /// command, and Q_QUOTAON's quota file path.
    func sysQuotactl(_ a: SysArgs, fd: Int?) -> Int {
        let cmd = Int(UInt32(truncatingIfNeeded: a[fd == nil ? 0 : 1]))
        let addr = a[3]
        let sub = cmd >> 8
        // (size, written by the kernel) of the struct at addr; nil: no pointer.
        let arg: (Int, Bool)?
        switch sub {
        case 0x8004: arg = (4, true)                        // Q_GETFMT
        case 0x8005: arg = (24, true)                       // Q_GETINFO
        case 0x8006: arg = (24, false)                      // Q_SETINFO
        case 0x8007, 0x8009: arg = (72, true)               // Q_GETQUOTA, Q_GETNEXTQUOTA
        case 0x8008: arg = (72, false)                      // Q_SETQUOTA
        case 0x5801, 0x5802, 0x5806: arg = (4, false)       // Q_XQUOTAON, Q_XQUOTAOFF, Q_XQUOTARM
        case 0x5803, 0x5809: arg = (112, true)              // Q_XGETQUOTA, Q_XGETNEXTQUOTA
        case 0x5804: arg = (112, false)                     // Q_XSETQLIM
        case 0x5805: arg = (80, true)                       // Q_XGETQSTAT
        case 0x5808: arg = (160, true)                      // Q_XGETQSTATV (reads qs_version too)
        default: arg = nil
        }
        func call(_ hostAddr: Int) -> Int {
            if let fd = fd { return HostSyscall.call(HostFileNR.quotactl_fd, fd, cmd, a.i32(2), hostAddr) }
            if a[1] == 0 { return HostSyscall.call(HostFileNR.quotactl, cmd, 0, a.i32(2), hostAddr) }
            return withPath(a[1]) { HostSyscall.call(HostFileNR.quotactl, cmd, Int(bitPattern: $0), a.i32(2), hostAddr) }
        }
        if sub == 0x8002 { // Q_QUOTAON: addr is the quota file's path
            if fd != nil { return call(0) }   // quotactl_fd takes no path: the kernel refuses it
            return withPath(addr) { call(Int(bitPattern: $0)) }
        }
        guard let (size, out) = arg else { return call(0) }
        return call(hostPtrOrFault(addr, size, out: out))
    }
}
