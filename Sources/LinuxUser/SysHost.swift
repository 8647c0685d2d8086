import Glibc

// MARK: - Host name, clocks, kernel log, terminal hangup
//
// These change the host (or the namespace the emulator runs in), exactly
// as the guest asked: the emulator is the guest's process to the kernel,
// which checks the capabilities. struct timex (include/uapi/linux/timex.h)
// is the same 208 bytes on arm64 and x86_64 (both LP64), as are struct
// timespec, struct timeval and struct timezone; clock ids are generic.

/// x86_64 numbers (asm/unistd_64.h).
enum HostHostNR {
    static let syslog = 103, vhangup = 153, adjtimex = 159, settimeofday = 164
    static let sethostname = 170, setdomainname = 171, clock_settime = 227, clock_adjtime = 305
}

/// sizeof(struct timex) on arm64.
let timexSize = 208

let hostSyscallRows: [SyscallRow] = [
    SyscallRow(58, "vhangup", [], note: "the host's: hangs up the controlling terminal, with CAP_SYS_TTY_CONFIG") { _, _ in HostSyscall.call(HostHostNR.vhangup) },
    SyscallRow(112, "clock_settime", [.clock, .timespec], note: "struct timespec is the same on both; the host clock, with CAP_SYS_TIME") { p, a in
        guard let t = p.inBuf(a[1], 16) else { return -Errno.EFAULT }
        return HostSyscall.call(HostHostNR.clock_settime, a.i32(0), Int(bitPattern: t))
    },
    SyscallRow(116, "syslog", [.int, .ptr, .int], note: "the kernel log; the read actions (2, 3, 4) fill the buffer") { $0.sysSyslog($1) },
    SyscallRow(161, "sethostname", [.str, .int], note: "in the UTS namespace of the emulator; at most 64 bytes") { $0.sysSetUTSName($1, HostHostNR.sethostname) },
    SyscallRow(162, "setdomainname", [.str, .int]) { $0.sysSetUTSName($1, HostHostNR.setdomainname) },
    SyscallRow(170, "settimeofday", [.ptr, .ptr], note: "struct timeval and struct timezone are the same on both") { p, a in
        guard let tv = p.optIn(a[0], 16), let tz = p.optIn(a[1], 8) else { return -Errno.EFAULT }
        return HostSyscall.call(HostHostNR.settimeofday, tv, tz)
    },
    SyscallRow(171, "adjtimex", [.ptr], note: "struct timex is the same 208 bytes on both; modes 0 only reads") { p, a in
        guard let t = p.outBuf(a[0], timexSize) else { return -Errno.EFAULT }
        return HostSyscall.call(HostHostNR.adjtimex, Int(bitPattern: t))
    },
    SyscallRow(266, "clock_adjtime", [.clock, .ptr], note: "as adjtimex, for a clock id") { p, a in
        guard let t = p.outBuf(a[1], timexSize) else { return -Errno.EFAULT }
        return HostSyscall.call(HostHostNR.clock_adjtime, a.i32(0), Int(bitPattern: t))
    },
]

extension LinuxProcess {
    /// sethostname/setdomainname(name, len): len above __NEW_UTS_LEN (64)
    /// or negative is EINVAL, as the kernel checks before copying.
    func sysSetUTSName(_ a: SysArgs, _ hostNR: Int) -> Int {
        let len = a.int(1)
        guard len >= 0 && len <= 64 else { return -Errno.EINVAL }
        guard let name = inBuf(a[0], len) else { return -Errno.EFAULT }
        return HostSyscall.call(hostNR, Int(bitPattern: name), len)
    }

    /// syslog(type, buf, len): SYSLOG_ACTION_READ (2), READ_ALL (3) and
    /// READ_CLEAR (4) write up to len bytes into buf; the others ignore it.
    func sysSyslog(_ a: SysArgs) -> Int {
        let type = a.i32(0), len = a.i32(2)
        guard (2...4).contains(type), a[1] != 0, len > 0 else {
            return HostSyscall.call(HostHostNR.syslog, type, a[1] == 0 ? 0 : 1, len)
        }
        guard let buf = outBuf(a[1], len) else { return -Errno.EFAULT }
        return HostSyscall.call(HostHostNR.syslog, type, Int(bitPattern: buf), len)
    }
}
