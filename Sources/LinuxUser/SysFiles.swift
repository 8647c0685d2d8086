import Glibc
import GuestMemory

// MARK: - Files, descriptors and paths
//
// Guest fds are host fds (0, 1, 2 are shared with the emulator). Buffers
// are passed to the host in place, since guest memory is host memory at
// `mem.base + address`, after checking the whole range.

extension LinuxProcess {
    /// Runs `body` with the translated guest path, or returns -EFAULT.
    /// `followLast: false` for calls that act on a final symbolic link
    /// itself (readlink, unlink, lstat, O_NOFOLLOW, rename, link).
    func withPath(_ addr: UInt64, followLast: Bool = true, _ body: (UnsafePointer<CChar>) -> Int) -> Int {
        guard let p = guestPath(addr, followLast: followLast) else { return -Errno.EFAULT }
        return p.withCString { body($0) }
    }

    /// AT_SYMLINK_NOFOLLOW: the call acts on a final symbolic link itself.
    var noFollow: Int { 0x100 }

    func sysOpenat(_ a: SysArgs) -> Int {
        openGuestPath(a[1], guestFlags: a.i32(2)) {
            HostSyscall.call(HostNR.openat, a.i32(0), Int(bitPattern: $0), $1, a.i32(3))
        }
    }

    /// How openat and openat2 open a guest path: the /proc views that
    /// describe the guest are synthetic files, anything else goes through
    /// `withPath` (the sysroot first). `open` gets the host path and the
    /// host open flags.
    func openGuestPath(_ path: UInt64, guestFlags: Int, _ open: (UnsafePointer<CChar>, Int) -> Int) -> Int {
        let flags = xlatOpenFlagsToHost(guestFlags)
        let fd = withPath(path, followLast: flags & Int(O_NOFOLLOW) == 0) { open($0, flags) }
        return guardProcOpen(fd, guestFlags: guestFlags)
    }

    func sysRead(_ a: SysArgs) -> Int {
        if let r = procFdIO(Int32(truncatingIfNeeded: a.i32(0)), a[1], a.int(2), offset: nil, write: false) { return r }
        guard let buf = outBuf(a[1], a.int(2)) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.read, a.i32(0), Int(bitPattern: buf), a.int(2))
    }

    func sysWrite(_ a: SysArgs) -> Int {
        if let r = procFdIO(Int32(truncatingIfNeeded: a.i32(0)), a[1], a.int(2), offset: nil, write: true) { return r }
        guard let buf = inBuf(a[1], a.int(2)) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.write, a.i32(0), Int(bitPattern: buf), a.int(2))
    }

    func sysPread(_ a: SysArgs, write: Bool) -> Int {
        if let r = procFdIO(Int32(truncatingIfNeeded: a.i32(0)), a[1], a.int(2), offset: a[3], write: write) { return r }
        guard let buf = write ? inBuf(a[1], a.int(2)) : outBuf(a[1], a.int(2)) else { return -Errno.EFAULT }
        return HostSyscall.call(write ? HostNR.pwrite64 : HostNR.pread64, a.i32(0), Int(bitPattern: buf), a.int(2), a.int(3))
    }

    /// An errno as a Swift error, for helpers shared by several syscalls.
    struct SysError: Error {
        let code: Int
    }

    /// A guest iovec array as host iovecs: struct iovec is two 64-bit words
    /// on both sides; each buffer is checked before its base is translated
    /// (for writes the guest buffers are read, so they must be readable).
    func hostIovecs(_ addr: UInt64, _ n: Int, write: Bool) -> Result<[iovec], SysError> {
        guard n >= 0 && n <= 1024 else { return .failure(SysError(code: Errno.EINVAL)) }
        guard let raw = mem.read(addr, count: n * 16) else { return .failure(SysError(code: Errno.EFAULT)) }
        var iov = [iovec]()
        for i in 0..<n {
            let base = raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self) }
            let len = raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self) }
            guard len <= Int.max, let p = write ? inBuf(base, Int(len)) : outBuf(base, Int(len)) else {
                return .failure(SysError(code: Errno.EFAULT))
            }
            iov.append(iovec(iov_base: p, iov_len: Int(len)))
        }
        return .success(iov)
    }

    /// Runs `body` with the host iovec array of a guest one, or returns the
    /// negated errno when the guest array or a buffer is bad.
    func withHostIovecs(_ addr: UInt64, _ n: Int, write: Bool, _ body: (UnsafePointer<iovec>?) -> Int) -> Int {
        switch hostIovecs(addr, n, write: write) {
        case .success(let iov): return iov.withUnsafeBufferPointer { body($0.baseAddress) }
        case .failure(let e): return -e.code
        }
    }

    /// readv/writev.
    func sysReadv(_ a: SysArgs, write: Bool) -> Int {
        let n = a.i32(2)
        return withHostIovecs(a[1], n, write: write) {
            HostSyscall.call(write ? HostNR.writev : HostNR.readv, a.i32(0), Int(bitPattern: $0), n)
        }
    }

    func sysSendfile(_ a: SysArgs) -> Int {
        var off = 0
        if a[2] != 0 {
            guard let p = outBuf(a[2], 8) else { return -Errno.EFAULT }
            off = Int(bitPattern: p)
        }
        return HostSyscall.call(HostNR.sendfile, a.i32(0), a.i32(1), off, a.int(3))
    }

    /// struct pollfd and the POLL* bits are the same on arm64 and x86_64.
    func sysPpoll(_ a: SysArgs) -> Int {
        guard let fds = outBuf(a[0], a.int(1) * 8) else { return -Errno.EFAULT }
        var ts = 0
        if a[2] != 0 {
            guard let p = outBuf(a[2], 16) else { return -Errno.EFAULT }
            ts = Int(bitPattern: p)
        }
        return withWaitMask(a[3], size: a[4]) { HostSyscall.call(HostNR.ppoll, Int(bitPattern: fds), a.int(1), ts, $0, 8) }
    }

    func sysGetcwd(_ a: SysArgs) -> Int {
        var buf = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let r = buf.withUnsafeMutableBytes { HostSyscall.call(HostNR.getcwd, Int(bitPattern: $0.baseAddress), $0.count) }
        if r < 0 { return r }
        if r > a.int(1) { return -Errno.ERANGE }
        guard mem.write(a[0], Array(buf[0..<r])) else { return -Errno.EFAULT }
        return r
    }

    func sysChdir(_ a: SysArgs) -> Int {
        withPath(a[0]) { HostSyscall.call(HostNR.chdir, Int(bitPattern: $0)) }
    }

    func sysTruncate(_ a: SysArgs) -> Int {
        withPath(a[0]) { HostSyscall.call(HostNR.truncate, Int(bitPattern: $0), a.int(1)) }
    }

    func sysMkdirat(_ a: SysArgs) -> Int {
        withPath(a[1], followLast: false) { HostSyscall.call(HostNR.mkdirat, a.i32(0), Int(bitPattern: $0), a.i32(2)) }
    }

    func sysUnlinkat(_ a: SysArgs) -> Int {
        withPath(a[1], followLast: false) { HostSyscall.call(HostNR.unlinkat, a.i32(0), Int(bitPattern: $0), a.i32(2)) }
    }

    func sysSymlinkat(_ a: SysArgs) -> Int {
        // The link target is stored as given: it is guest data, not a path to open now.
        guard let target = mem.readCStringBytes(a[0], max: Int(PATH_MAX)) else { return -Errno.EFAULT }
        return target.withCString { t in
            withPath(a[2], followLast: false) { HostSyscall.call(HostNR.symlinkat, Int(bitPattern: t), a.i32(1), Int(bitPattern: $0)) }
        }
    }

    func sysLinkat(_ a: SysArgs) -> Int {
        withPath(a[1], followLast: a.i32(4) & 0x400 != 0 /* AT_SYMLINK_FOLLOW */) { old in
            withPath(a[3], followLast: false) { HostSyscall.call(HostNR.linkat, a.i32(0), Int(bitPattern: old), a.i32(2), Int(bitPattern: $0), a.i32(4)) }
        }
    }

    func sysRenameat2(_ a: SysArgs, flags: Int) -> Int {
        withPath(a[1], followLast: false) { old in
            withPath(a[3], followLast: false) { HostSyscall.call(HostNR.renameat2, a.i32(0), Int(bitPattern: old), a.i32(2), Int(bitPattern: $0), flags) }
        }
    }

    func sysFaccessat(_ a: SysArgs, flags: Int) -> Int {
        withPath(a[1]) {
            flags == 0 ? HostSyscall.call(HostNR.faccessat, a.i32(0), Int(bitPattern: $0), a.i32(2))
                : HostSyscall.call(HostNR.faccessat2, a.i32(0), Int(bitPattern: $0), a.i32(2), flags)
        }
    }

    func sysFchmodat(_ a: SysArgs) -> Int {
        withPath(a[1]) { HostSyscall.call(HostNR.fchmodat, a.i32(0), Int(bitPattern: $0), a.i32(2)) }
    }

    func sysFchownat(_ a: SysArgs) -> Int {
        withPath(a[1], followLast: a.i32(4) & noFollow == 0) { HostSyscall.call(HostNR.fchownat, a.i32(0), Int(bitPattern: $0), a.i32(2), a.i32(3), a.i32(4)) }
    }

    /// struct timespec[2] is the same on both; UTIME_NOW/UTIME_OMIT too.
    func sysUtimensat(_ a: SysArgs) -> Int {
        var times = 0
        if a[2] != 0 {
            guard let p = inBuf(a[2], 32) else { return -Errno.EFAULT }
            times = Int(bitPattern: p)
        }
        if a[1] == 0 { return HostSyscall.call(HostNR.utimensat, a.i32(0), 0, times, a.i32(3)) }
        return withPath(a[1], followLast: a.i32(3) & noFollow == 0) { HostSyscall.call(HostNR.utimensat, a.i32(0), Int(bitPattern: $0), times, a.i32(3)) }
    }

    func sysReadlinkat(_ a: SysArgs) -> Int {
        guard mem.readCStringBytes(a[1], max: Int(PATH_MAX)) != nil else { return -Errno.EFAULT }
        let size = a.int(3)
        guard size > 0 else { return -Errno.EINVAL }
        var answer: [UInt8]?? = nil
        let r0 = withPath(a[1], followLast: false) { hostPath in
            answer = guardProcReadlink(dirfd: a.i32(0), hostPath)
            return 0
        }
        if r0 < 0 { return r0 }
        switch answer {
        case .some(.some(let target)):
            let bytes = Array(target.prefix(size))
            return mem.write(a[2], bytes) ? bytes.count : -Errno.EFAULT
        case .some(.none): return -Errno.ENOENT
        case .none: break
        }
        guard let buf = outBuf(a[2], size) else { return -Errno.EFAULT }
        return withPath(a[1], followLast: false) { HostSyscall.call(HostNR.readlinkat, a.i32(0), Int(bitPattern: $0), Int(bitPattern: buf), size) }
    }

    func sysGetdents64(_ a: SysArgs) -> Int {
        // struct linux_dirent64 has the same layout on arm64 and x86_64.
        guard let buf = outBuf(a[1], a.i32(2)) else { return -Errno.EFAULT }
        let r = HostSyscall.call(HostNR.getdents64, a.i32(0), Int(bitPattern: buf), a.i32(2))
        if r > 0, !EmulatorFds.fds.isEmpty, let e = ProcFds.get(Int32(truncatingIfNeeded: a.i32(0))), e.kind == .fdDir {
            return filterEmulatorFds(buf, r)
        }
        return r
    }

    // MARK: stat family

    func sysFstat(_ a: SysArgs) -> Int {
        var st = stat()
        let r = withUnsafeMutablePointer(to: &st) { HostSyscall.call(HostNR.fstat, a.i32(0), Int(bitPattern: $0)) }
        if r < 0 { return r }
        return mem.write(a[1], encodeGuestStat(st)) ? 0 : -Errno.EFAULT
    }

    func sysNewfstatat(_ a: SysArgs) -> Int {
        var st = stat()
        let r = withUnsafeMutablePointer(to: &st) { sp in
            withPath(a[1], followLast: a.i32(3) & noFollow == 0) { HostSyscall.call(HostNR.newfstatat, a.i32(0), Int(bitPattern: $0), Int(bitPattern: sp), a.i32(3)) }
        }
        if r < 0 { return r }
        return mem.write(a[2], encodeGuestStat(st)) ? 0 : -Errno.EFAULT
    }

    /// struct statx is defined by linux/stat.h for every architecture alike.
    func sysStatx(_ a: SysArgs) -> Int {
        guard let buf = outBuf(a[4], 256) else { return -Errno.EFAULT }
        return withPath(a[1], followLast: a.i32(2) & noFollow == 0) { HostSyscall.call(HostNR.statx, a.i32(0), Int(bitPattern: $0), a.i32(2), a.i32(3), Int(bitPattern: buf)) }
    }

    /// struct statfs: all words are 64-bit on both arm64 and x86_64 (120 bytes).
    func sysStatfs(_ a: SysArgs) -> Int {
        guard let buf = outBuf(a[1], 120) else { return -Errno.EFAULT }
        return withPath(a[0]) { HostSyscall.call(HostNR.statfs, Int(bitPattern: $0), Int(bitPattern: buf)) }
    }

    func sysFstatfs(_ a: SysArgs) -> Int {
        guard let buf = outBuf(a[1], 120) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.fstatfs, a.i32(0), Int(bitPattern: buf))
    }

    // MARK: Descriptors

    func sysDup3(_ a: SysArgs) -> Int {
        let old = Int32(truncatingIfNeeded: a.i32(0)), new = Int32(truncatingIfNeeded: a.i32(1))
        if EmulatorFds.contains(old) || EmulatorFds.contains(new) { return -Errno.EBADF }
        let r = HostSyscall.call(HostNR.dup3, a.i32(0), a.i32(1), xlatOpenFlagsToHost(a.i32(2)))
        if r >= 0 { noteDup(old, Int32(truncatingIfNeeded: r)) }
        return r
    }

    /// A served descriptor's dup shares its entry; a number reused by dup2
    /// or dup3 forgets the old one.
    func noteDup(_ old: Int32, _ new: Int32) {
        guard ProcFds.active.load(ordering: .relaxed) else { return }
        ProcFds.set(new, ProcFds.get(old))
    }

    func sysPipe2(_ a: SysArgs) -> Int {
        guard let buf = outBuf(a[0], 8) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.pipe2, Int(bitPattern: buf), xlatOpenFlagsToHost(a.i32(1)))
    }

    func sysMemfdCreate(_ a: SysArgs) -> Int {
        guard let name = mem.readCStringBytes(a[0], max: 250) else { return -Errno.EFAULT }
        return name.withCString { HostSyscall.call(HostNR.memfd_create, Int(bitPattern: $0), a.i32(1)) }
    }
}

// MARK: - struct stat

/// Offsets of arm64's struct stat (asm-generic/stat.h), 128 bytes; x86_64's
/// layout differs (st_nlink is 64-bit and comes before st_mode).
public enum GuestStat {
    public static let size = 128
    public static let dev = 0, ino = 8, mode = 16, nlink = 20, uid = 24, gid = 28, rdev = 32
    public static let sizeOff = 48, blksize = 56, blocks = 64
    public static let atime = 72, atimeNsec = 80, mtime = 88, mtimeNsec = 96, ctime = 104, ctimeNsec = 112
}

/// Encodes a host `struct stat` in the guest layout, field by field.
public func encodeGuestStat(_ st: stat) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: GuestStat.size)
    out.withUnsafeMutableBytes { b in
        func u64(_ off: Int, _ v: UInt64) { b.storeBytes(of: v.littleEndian, toByteOffset: off, as: UInt64.self) }
        func u32(_ off: Int, _ v: UInt32) { b.storeBytes(of: v.littleEndian, toByteOffset: off, as: UInt32.self) }
        u64(GuestStat.dev, UInt64(st.st_dev))
        u64(GuestStat.ino, UInt64(st.st_ino))
        u32(GuestStat.mode, UInt32(st.st_mode))
        u32(GuestStat.nlink, UInt32(truncatingIfNeeded: st.st_nlink))
        u32(GuestStat.uid, UInt32(st.st_uid))
        u32(GuestStat.gid, UInt32(st.st_gid))
        u64(GuestStat.rdev, UInt64(st.st_rdev))
        u64(GuestStat.sizeOff, UInt64(bitPattern: Int64(st.st_size)))
        u32(GuestStat.blksize, UInt32(truncatingIfNeeded: st.st_blksize))
        u64(GuestStat.blocks, UInt64(bitPattern: Int64(st.st_blocks)))
        u64(GuestStat.atime, UInt64(bitPattern: Int64(st.st_atim.tv_sec)))
        u64(GuestStat.atimeNsec, UInt64(bitPattern: Int64(st.st_atim.tv_nsec)))
        u64(GuestStat.mtime, UInt64(bitPattern: Int64(st.st_mtim.tv_sec)))
        u64(GuestStat.mtimeNsec, UInt64(bitPattern: Int64(st.st_mtim.tv_nsec)))
        u64(GuestStat.ctime, UInt64(bitPattern: Int64(st.st_ctim.tv_sec)))
        u64(GuestStat.ctimeNsec, UInt64(bitPattern: Int64(st.st_ctim.tv_nsec)))
    }
    return out
}
