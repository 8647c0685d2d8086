import Glibc

// MARK: - Mounts and the root directory
//
// mount flags (MS_*), umount2 flags (MNT_*), the new mount API's flags
// (OPEN_TREE_*, MOVE_MOUNT_*, FSOPEN_*, FSPICK_*, MOUNT_ATTR_*) and struct
// mount_attr come from include/uapi/linux/mount.h, the same on every
// architecture, and OPEN_TREE_CLOEXEC is O_CLOEXEC, also the same on arm64
// and x86_64; so they pass unchanged. Paths go through the sysroot lookup
// like every other path; a mount source that names no file (tmpfs, proc,
// a device name) is left as given, since the lookup keeps a path that
// does not exist under the sysroot.
//
// chroot and pivot_root change what "/" means for the guest, which the
// emulator sees too: after them, guest absolute paths are already paths
// of the new root, so the sysroot lookup (-L) is dropped for the calling
// thread and for the processes it starts. execve of an arm64 program
// re-runs the emulator through /proc/self/exe, so that needs /proc mounted
// inside the new root (as a Debian chroot has it); without it execve
// fails with ENOENT. The emulator started that way must also load in the
// new root: a dynamically linked build needs its loader, glibc and Swift
// runtime there, a static build nothing. The guest program's own
// /proc/self/exe view keeps the host path it was started from.

/// x86_64 numbers of the mount calls (asm/unistd_64.h).
enum HostMountNR {
    static let pivot_root = 155, chroot = 161, mount = 165, umount2 = 166
    static let open_tree = 428, move_mount = 429, fsopen = 430, fsconfig = 431
    static let fsmount = 432, fspick = 433, mount_setattr = 442
}

let mountSyscallRows: [SyscallRow] = [
    SyscallRow(39, "umount2", [.str, .hex32], note: "MNT_* flags are generic; UMOUNT_NOFOLLOW leaves a final symbolic link unresolved") { $0.sysUmount2($1) },
    SyscallRow(40, "mount", [.str, .str, .str, .hex32, .ptr], note: "MS_* flags are generic; source and target looked up as paths, filesystem type and data (a string of options for every file system but the legacy binary NFS data) copied, at most a page, as the kernel copies them") { $0.sysMount($1) },
    SyscallRow(41, "pivot_root", [.str, .str], note: "the sysroot lookup ends for the calling thread, as after chroot") { $0.sysPivotRoot($1) },
    SyscallRow(51, "chroot", [.str], note: "the host chroot of the path (under the sysroot first); afterwards guest paths are the new root's own, so the sysroot lookup ends; execve needs /proc in the new root") { $0.sysChroot($1) },
    SyscallRow(428, "open_tree", [.atfd, .str, .hex32], note: "flags are generic (OPEN_TREE_CLOEXEC is O_CLOEXEC on both)") { $0.sysOpenTree($1) },
    SyscallRow(429, "move_mount", [.atfd, .str, .atfd, .str, .hex32]) { $0.sysMoveMount($1) },
    SyscallRow(430, "fsopen", [.str, .hex32]) { $0.sysFsopen($1) },
    SyscallRow(431, "fsconfig", [.int, .int, .str, .ptr, .int], note: "key and string values copied; FSCONFIG_SET_PATH values looked up as paths; binary values checked for their length") { $0.sysFsconfig($1) },
    SyscallRow(432, "fsmount", [.int, .hex32, .hex32]) { p, a in HostSyscall.call(HostMountNR.fsmount, a.i32(0), a.i32(1), a.i32(2)) },
    SyscallRow(433, "fspick", [.atfd, .str, .hex32]) { $0.sysFspick($1) },
    SyscallRow(442, "mount_setattr", [.atfd, .str, .hex32, .ptr, .int], note: "struct mount_attr is the same on both") { $0.sysMountSetattr($1) },
]

/// Guest strings the kernel copies with a page limit (mount's type and
/// data, fsconfig's values): nil when unreadable.
private let stringPageLimit = 4096

extension LinuxProcess {
    /// A NUL-terminated copy of a guest string as strndup_user(addr, max)
    /// makes it: the errno is EFAULT when unreadable, EINVAL when no NUL
    /// comes within `max` bytes.
    func guestCString(_ addr: UInt64, max: Int) -> (string: [CChar]?, errno: Int) {
        if let b = mem.readCStringBytes(addr, max: max) { return (b.map { CChar(bitPattern: $0) } + [0], 0) }
        // Unreadable before its end, or too long?
        var at = addr
        for _ in 0..<max {
            guard let b = mem.read(at, count: 1) else { return (nil, Errno.EFAULT) }
            if b[0] == 0 { break }
            at &+= 1
        }
        return (nil, Errno.EINVAL)
    }

    /// Runs `body` with the host path of guest path `addr`, or with NULL
    /// when `addr` is 0 (arguments the kernel allows to be absent).
    func withOptionalPath(_ addr: UInt64, followLast: Bool = true, _ body: (Int) -> Int) -> Int {
        if addr == 0 { return body(0) }
        return withPath(addr, followLast: followLast) { body(Int(bitPattern: $0)) }
    }

    func sysMount(_ a: SysArgs) -> Int {
        var fstype: [CChar]? = nil
        if a[2] != 0 {
            let t = guestCString(a[2], max: stringPageLimit)
            guard let str = t.string else { return -t.errno }
            fstype = str
        }
        // The kernel copies up to a page of data and tolerates a fault
        // after the first byte; a string read stops at its NUL.
        var data = [CChar](repeating: 0, count: stringPageLimit)
        if a[4] != 0 {
            guard let d = mem.readCStringBytes(a[4], max: stringPageLimit - 1) else { return -Errno.EFAULT }
            for (i, c) in d.enumerated() { data[i] = CChar(bitPattern: c) }
        }
        return withOptionalPath(a[0]) { src in
            withPath(a[1]) { target in
                data.withUnsafeBufferPointer { dp in
                    let dataPtr = a[4] == 0 ? 0 : Int(bitPattern: dp.baseAddress)
                    if let fstype = fstype {
                        return fstype.withUnsafeBufferPointer {
                            HostSyscall.call(HostMountNR.mount, src, Int(bitPattern: target), Int(bitPattern: $0.baseAddress), a.int(3), dataPtr)
                        }
                    }
                    return HostSyscall.call(HostMountNR.mount, src, Int(bitPattern: target), 0, a.int(3), dataPtr)
                }
            }
        }
    }

    func sysUmount2(_ a: SysArgs) -> Int {
        let flags = a.i32(1)
        let noFollow = flags & 8 != 0 // UMOUNT_NOFOLLOW
        return withPath(a[0], followLast: !noFollow) { HostSyscall.call(HostMountNR.umount2, Int(bitPattern: $0), flags) }
    }

    func sysChroot(_ a: SysArgs) -> Int {
        let r = withPath(a[0]) { HostSyscall.call(HostMountNR.chroot, Int(bitPattern: $0)) }
        if r == 0 { options.sysroot = nil }
        return r
    }

    func sysPivotRoot(_ a: SysArgs) -> Int {
        let r = withPath(a[0]) { newRoot in
            withPath(a[1]) { HostSyscall.call(HostMountNR.pivot_root, Int(bitPattern: newRoot), Int(bitPattern: $0)) }
        }
        if r == 0 { options.sysroot = nil }
        return r
    }

    func sysOpenTree(_ a: SysArgs) -> Int {
        let flags = a.i32(2)
        return withPath(a[1], followLast: flags & 0x100 == 0 /* AT_SYMLINK_NOFOLLOW */) {
            HostSyscall.call(HostMountNR.open_tree, a.i32(0), Int(bitPattern: $0), Int(UInt32(truncatingIfNeeded: flags)))
        }
    }

    func sysMoveMount(_ a: SysArgs) -> Int {
        let flags = a.i32(4)
        return withPath(a[1], followLast: flags & 0x1 != 0) { from in
            withPath(a[3], followLast: flags & 0x10 != 0) {
                HostSyscall.call(HostMountNR.move_mount, a.i32(0), Int(bitPattern: from), a.i32(2), Int(bitPattern: $0), Int(UInt32(truncatingIfNeeded: flags)))
            }
        }
    }

    func sysFsopen(_ a: SysArgs) -> Int {
        let n = guestCString(a[0], max: stringPageLimit)
        guard let name = n.string else { return -n.errno }
        return name.withUnsafeBufferPointer { HostSyscall.call(HostMountNR.fsopen, Int(bitPattern: $0.baseAddress), a.i32(1)) }
    }

    func sysFspick(_ a: SysArgs) -> Int {
        let flags = a.i32(2)
        return withPath(a[1], followLast: flags & 0x2 == 0 /* FSPICK_SYMLINK_NOFOLLOW */) {
            HostSyscall.call(HostMountNR.fspick, a.i32(0), Int(bitPattern: $0), Int(UInt32(truncatingIfNeeded: flags)))
        }
    }

    /// fsconfig(fd, cmd, key, value, aux): what value points to depends on
    /// the command (include/uapi/linux/mount.h, fs/fsopen.c).
    func sysFsconfig(_ a: SysArgs) -> Int {
        let fd = a.i32(0), cmd = a.i32(1), aux = a.i32(4)
        var key: [CChar]? = nil
        if a[2] != 0 {
            let k = guestCString(a[2], max: 256)
            guard let str = k.string else { return -k.errno }
            key = str
        }
        func call(_ value: Int) -> Int {
            guard let key = key else { return HostSyscall.call(HostMountNR.fsconfig, fd, cmd, 0, value, aux) }
            return key.withUnsafeBufferPointer { HostSyscall.call(HostMountNR.fsconfig, fd, cmd, Int(bitPattern: $0.baseAddress), value, aux) }
        }
        if a[3] == 0 { return call(0) }
        switch cmd {
        case 1: // FSCONFIG_SET_STRING
            let r = guestCString(a[3], max: stringPageLimit)
            guard let v = r.string else { return -r.errno }
            return v.withUnsafeBufferPointer { call(Int(bitPattern: $0.baseAddress)) }
        case 2: // FSCONFIG_SET_BINARY: aux bytes, at most 1 MiB
            guard aux > 0 && aux <= 1024 * 1024 else { return -Errno.EINVAL }
            guard let v = inBuf(a[3], aux) else { return -Errno.EFAULT }
            return call(Int(bitPattern: v))
        case 3, 4: // FSCONFIG_SET_PATH, FSCONFIG_SET_PATH_EMPTY: aux is a dirfd
            return withPath(a[3]) { call(Int(bitPattern: $0)) }
        default:
            // The other commands take no value; the kernel refuses one.
            return call(Int(truncatingIfNeeded: a[3]))
        }
    }

    func sysMountSetattr(_ a: SysArgs) -> Int {
        let flags = a.i32(2), size = a.int(4)
        var attr = 0
        if a[3] != 0 && size > 0 {
            guard let p = inBuf(a[3], min(size, 4096)) else { return -Errno.EFAULT }
            attr = Int(bitPattern: p)
        }
        return withPath(a[1], followLast: flags & 0x100 == 0 /* AT_SYMLINK_NOFOLLOW */) {
            HostSyscall.call(HostMountNR.mount_setattr, a.i32(0), Int(bitPattern: $0), Int(UInt32(truncatingIfNeeded: flags)), attr, size)
        }
    }
}
