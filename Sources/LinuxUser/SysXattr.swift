import Glibc

// MARK: - Extended attributes
//
// The twelve calls of fs/xattr.c. Names are guest C strings copied as
// bytes (the kernel's strncpy_from_user into 256 bytes: an empty name or
// one of 256 bytes or more is ERANGE); values are byte buffers checked for
// their length (XATTR_SIZE_MAX, 65536: larger values are E2BIG, larger
// get/list buffers are clamped to it as the kernel does). XATTR_CREATE and
// XATTR_REPLACE are the same on both. The path forms go through the
// sysroot lookup; the l* forms leave a final symbolic link unresolved.

/// x86_64 numbers of the xattr calls (asm/unistd_64.h): setxattr is 188,
/// and the twelve follow in the same order as on arm64 (5...16).
enum HostXattrNR {
    static let setxattr = 188
    /// The host number for arm64 number `nr` in 5...16.
    static func forGuest(_ nr: Int) -> Int { setxattr + (nr - 5) }
}

/// XATTR_SIZE_MAX and XATTR_LIST_MAX of include/uapi/linux/limits.h.
let xattrSizeMax = 65536

private enum XattrTarget { case path(follow: Bool), fd }

private func xattrRow(_ nr: Int, _ name: String, _ target: XattrTarget, _ args: [ArgFmt], note: String = "",
                      _ body: @escaping (LinuxProcess, SysArgs, Int) -> Int) -> SyscallRow {
    SyscallRow(nr, name, args, note: note) { p, a in
        switch target {
        case .fd: return body(p, a, Int(a.i32(0)))
        case .path(let follow): return p.withPath(a[0], followLast: follow) { body(p, a, Int(bitPattern: $0)) }
        }
    }
}

let xattrSyscallRows: [SyscallRow] = [
    xattrRow(5, "setxattr", .path(follow: true), [.str, .str, .ptr, .int, .int], note: "names are byte strings; values up to 65536 bytes (E2BIG beyond)") { $0.sysSetxattr($1, 5, $2) },
    xattrRow(6, "lsetxattr", .path(follow: false), [.str, .str, .ptr, .int, .int]) { $0.sysSetxattr($1, 6, $2) },
    xattrRow(7, "fsetxattr", .fd, [.int, .str, .ptr, .int, .int]) { $0.sysSetxattr($1, 7, $2) },
    xattrRow(8, "getxattr", .path(follow: true), [.str, .str, .ptr, .int], note: "size 0 asks for the length; a buffer above 65536 bytes is clamped to it") { $0.sysGetxattr($1, 8, $2) },
    xattrRow(9, "lgetxattr", .path(follow: false), [.str, .str, .ptr, .int]) { $0.sysGetxattr($1, 9, $2) },
    xattrRow(10, "fgetxattr", .fd, [.int, .str, .ptr, .int]) { $0.sysGetxattr($1, 10, $2) },
    xattrRow(11, "listxattr", .path(follow: true), [.str, .ptr, .int], note: "the NUL-separated name list; size 0 asks for its length") { $0.sysListxattr($1, 11, $2) },
    xattrRow(12, "llistxattr", .path(follow: false), [.str, .ptr, .int]) { $0.sysListxattr($1, 12, $2) },
    xattrRow(13, "flistxattr", .fd, [.int, .ptr, .int]) { $0.sysListxattr($1, 13, $2) },
    xattrRow(14, "removexattr", .path(follow: true), [.str, .str]) { $0.sysRemovexattr($1, 14, $2) },
    xattrRow(15, "lremovexattr", .path(follow: false), [.str, .str]) { $0.sysRemovexattr($1, 15, $2) },
    xattrRow(16, "fremovexattr", .fd, [.int, .str]) { $0.sysRemovexattr($1, 16, $2) },
]

extension LinuxProcess {
    /// The attribute name at `addr` as the kernel copies it: -EFAULT when
    /// unreadable, -ERANGE when empty or 256 bytes or longer.
    func withXattrName(_ addr: UInt64, _ body: (Int) -> Int) -> Int {
        var name: [UInt8] = []
        var at = addr
        while true {
            guard let b = mem.read(at, count: 1) else { return -Errno.EFAULT }
            if b[0] == 0 { break }
            name.append(b[0])
            if name.count >= 256 { return -Errno.ERANGE }
            at &+= 1
        }
        if name.isEmpty { return -Errno.ERANGE }
        name.append(0)
        return name.withUnsafeBufferPointer { body(Int(bitPattern: $0.baseAddress)) }
    }

    func sysSetxattr(_ a: SysArgs, _ nr: Int, _ target: Int) -> Int {
        let size = a.int(3)
        return withXattrName(a[1]) { name in
            guard size >= 0 && size <= xattrSizeMax else { return -LinuxErrno.E2BIG }
            var value = 0
            if size > 0 {
                guard let v = inBuf(a[2], size) else { return -Errno.EFAULT }
                value = Int(bitPattern: v)
            }
            return HostSyscall.call(HostXattrNR.forGuest(nr), target, name, value, size, a.i32(4))
        }
    }

    func sysGetxattr(_ a: SysArgs, _ nr: Int, _ target: Int) -> Int {
        let size = a.int(3) < 0 ? xattrSizeMax : min(a.int(3), xattrSizeMax)
        return withXattrName(a[1]) { name in
            var value = 0
            if size > 0 {
                guard let v = outBuf(a[2], size) else { return -Errno.EFAULT }
                value = Int(bitPattern: v)
            }
            return HostSyscall.call(HostXattrNR.forGuest(nr), target, name, value, size)
        }
    }

    func sysListxattr(_ a: SysArgs, _ nr: Int, _ target: Int) -> Int {
        let size = a.int(2) < 0 ? xattrSizeMax : min(a.int(2), xattrSizeMax)
        var list = 0
        if size > 0 {
            guard let v = outBuf(a[1], size) else { return -Errno.EFAULT }
            list = Int(bitPattern: v)
        }
        return HostSyscall.call(HostXattrNR.forGuest(nr), target, list, size)
    }

    func sysRemovexattr(_ a: SysArgs, _ nr: Int, _ target: Int) -> Int {
        withXattrName(a[1]) { HostSyscall.call(HostXattrNR.forGuest(nr), target, $0) }
    }
}
