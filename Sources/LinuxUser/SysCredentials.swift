import Glibc

// MARK: - Credentials
//
// In Linux, credentials belong to a task (a thread): setuid(2) and its
// relatives change only the calling thread, and the C library makes the
// change process-wide by signalling every other thread to make the same
// call (glibc's SIGSETXID, musl's __synccall). Guest threads are host
// threads, so each call here is the raw host syscall, which changes the
// calling host thread alone; the guest libc's own broadcast reaches the
// other threads. Glibc's setuid() wrapper would broadcast to every host
// thread of the emulator instead, so it is not used.
//
// uid_t and gid_t are 32-bit on both, and -1 (keep) is the same word.

/// x86_64 numbers of the credential calls (asm/unistd_64.h).
enum HostCredNR {
    static let setuid = 105, setgid = 106, setreuid = 113, setregid = 114, getgroups = 115
    static let setgroups = 116, setresuid = 117, getresuid = 118, setresgid = 119, getresgid = 120
    static let setfsuid = 122, setfsgid = 123, capget = 125, capset = 126
}

/// NGROUPS_MAX of include/uapi/linux/limits.h.
let ngroupsMax = 65536

let credentialSyscallRows: [SyscallRow] = [
    SyscallRow(90, "capget", [.ptr, .ptr], note: "struct __user_cap_header_struct and _data_struct are the same on both (one data struct for version 1, two for versions 2 and 3); the calling thread's sets") { $0.sysCapget($1, set: false) },
    SyscallRow(91, "capset", [.ptr, .ptr], note: "the calling thread's sets, as the kernel does") { $0.sysCapget($1, set: true) },
    SyscallRow(143, "setregid", [.int, .int], note: "the calling thread only (raw host call); the guest libc broadcasts") { p, a in HostSyscall.call(HostCredNR.setregid, a.i32(0), a.i32(1)) },
    SyscallRow(144, "setgid", [.int], note: "the calling thread only (raw host call); the guest libc broadcasts") { p, a in HostSyscall.call(HostCredNR.setgid, a.i32(0)) },
    SyscallRow(145, "setreuid", [.int, .int], note: "the calling thread only") { p, a in HostSyscall.call(HostCredNR.setreuid, a.i32(0), a.i32(1)) },
    SyscallRow(146, "setuid", [.int], note: "the calling thread only") { p, a in HostSyscall.call(HostCredNR.setuid, a.i32(0)) },
    SyscallRow(147, "setresuid", [.int, .int, .int], note: "the calling thread only") { p, a in HostSyscall.call(HostCredNR.setresuid, a.i32(0), a.i32(1), a.i32(2)) },
    SyscallRow(148, "getresuid", [.ptr, .ptr, .ptr], note: "the calling thread's real, effective and saved ids") { $0.sysGetresids($1, gid: false) },
    SyscallRow(149, "setresgid", [.int, .int, .int], note: "the calling thread only") { p, a in HostSyscall.call(HostCredNR.setresgid, a.i32(0), a.i32(1), a.i32(2)) },
    SyscallRow(150, "getresgid", [.ptr, .ptr, .ptr]) { $0.sysGetresids($1, gid: true) },
    SyscallRow(151, "setfsuid", [.int], note: "the calling thread only; returns the previous fsuid") { p, a in HostSyscall.call(HostCredNR.setfsuid, a.i32(0)) },
    SyscallRow(152, "setfsgid", [.int], note: "the calling thread only; returns the previous fsgid") { p, a in HostSyscall.call(HostCredNR.setfsgid, a.i32(0)) },
    SyscallRow(158, "getgroups", [.int, .ptr], note: "the calling thread's supplementary groups; size 0 asks for the count") { $0.sysGetgroupsRaw($1) },
    SyscallRow(159, "setgroups", [.int, .ptr], note: "the calling thread only; at most NGROUPS_MAX (65536)") { $0.sysSetgroups($1) },
]

extension LinuxProcess {
    /// getresuid/getresgid: three u32 stores, each checked, as put_user.
    func sysGetresids(_ a: SysArgs, gid: Bool) -> Int {
        var ids: (UInt32, UInt32, UInt32) = (0, 0, 0)
        let r = withUnsafeMutablePointer(to: &ids) { t -> Int in
            t.withMemoryRebound(to: UInt32.self, capacity: 3) { b in
                HostSyscall.call(gid ? HostCredNR.getresgid : HostCredNR.getresuid,
                                 Int(bitPattern: b), Int(bitPattern: b + 1), Int(bitPattern: b + 2))
            }
        }
        if r < 0 { return r }
        for (i, v) in [ids.0, ids.1, ids.2].enumerated() where !mem.writeU32(a[i], v) { return -Errno.EFAULT }
        return 0
    }

    /// getgroups(size, list): a negative size is EINVAL; a size smaller
    /// than the count is EINVAL after the count is known, as in the kernel.
    func sysGetgroupsRaw(_ a: SysArgs) -> Int {
        let n = a.i32(0)
        guard n >= 0 else { return -Errno.EINVAL }
        if n == 0 { return HostSyscall.call(HostCredNR.getgroups, 0, 0) }
        let count = HostSyscall.call(HostCredNR.getgroups, 0, 0)
        if count < 0 { return count }
        if count > n { return -Errno.EINVAL }
        if count == 0 { return 0 }
        guard let p = outBuf(a[1], count * 4) else { return -Errno.EFAULT }
        return HostSyscall.call(HostCredNR.getgroups, count, Int(bitPattern: p))
    }

    /// setgroups(size, list): size above NGROUPS_MAX (or negative) is EINVAL.
    func sysSetgroups(_ a: SysArgs) -> Int {
        let n = a.i32(0)
        guard n >= 0 && n <= ngroupsMax else { return -Errno.EINVAL }
        if n == 0 { return HostSyscall.call(HostCredNR.setgroups, 0, 0) }
        guard let p = inBuf(a[1], n * 4) else { return -Errno.EFAULT }
        return HostSyscall.call(HostCredNR.setgroups, n, Int(bitPattern: p))
    }

    /// capget/capset(header, data): the header is read (and, for an unknown
    /// version, written with the preferred one); data holds one struct of
    /// three u32 for _LINUX_CAPABILITY_VERSION_1 and two for versions 2 and
    /// 3. A NULL data pointer is allowed for capget (a version probe).
    func sysCapget(_ a: SysArgs, set: Bool) -> Int {
        guard let hdr = inBuf(a[0], 8) else { return -Errno.EFAULT }
        let version = hdr.load(as: UInt32.self)
        let structs: Int
        switch version {
        case 0x1998_0330: structs = 1
        case 0x2007_1026, 0x2008_0522: structs = 2
        default: structs = 0 // the host writes the preferred version and says EINVAL
        }
        var data = 0
        if a[1] != 0 && structs > 0 {
            let len = structs * 12
            guard let d = set ? inBuf(a[1], len) : outBuf(a[1], len) else { return -Errno.EFAULT }
            data = Int(bitPattern: d)
        } else if set && structs > 0 {
            return -Errno.EFAULT
        }
        return HostSyscall.call(set ? HostCredNR.capset : HostCredNR.capget, Int(bitPattern: hdr), data)
    }
}
