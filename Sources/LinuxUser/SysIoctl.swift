import Glibc
import GuestMemory

/// How an ioctl's third argument is passed, after the rows of qemu's
/// linux-user/ioctls.h.
enum IoctlArg {
    /// No argument (qemu's TYPE_NULL): 0 is passed.
    case none
    /// An int (or unsigned long) by value, passed as the register holds it.
    case value
    /// A pointer to `n` bytes the kernel writes.
    case out(Int)
    /// A pointer to `n` bytes the kernel reads.
    case inp(Int)
    /// A pointer to `n` bytes the kernel reads and writes back.
    case inOut(Int)
    /// Needs its own translation (guest pointers or open flags inside, or
    /// a size taken from the struct).
    case special(IoctlSpecial)
}

enum IoctlSpecial {
    /// TIOCGPTPEER: open flags by value.
    case openFlags
    /// SIOCGIFCONF: struct ifconf holds a guest pointer.
    case ifconf
    /// FS_IOC_FIEMAP: struct fiemap followed by fm_extent_count extents.
    case fiemap
    /// FIDEDUPERANGE: struct file_dedupe_range followed by dest_count infos.
    case dedupeRange
}

/// How -strace shows the pointed-to value, as qemu's thunk_print does.
enum IoctlShow {
    case pointer, int32, char, termios, winsize
}

/// One ioctl request: the arm64 number, its name, its argument.
struct IoctlRow {
    let req: Int
    let name: String
    let arg: IoctlArg
    let show: IoctlShow
    init(_ req: Int, _ name: String, _ arg: IoctlArg, _ show: IoctlShow = .pointer) {
        self.req = req
        self.name = name
        self.arg = arg
        self.show = show
    }
}

/// Every ioctl request the emulator knows. The numbers are arm64's
/// (asm-generic/ioctls.h, linux/fs.h, linux/loop.h, linux/sockios.h,
/// linux/random.h); each one, and the size of each struct, is the same on
/// x86_64 (both use the asm-generic termbits and _IOC encoding, and the
/// structs hold only fixed-width fields), so most arguments pass through
/// once the guest buffer is checked. Anything else is -ENOTTY.
let ioctlTable: [IoctlRow] = [
    // Terminals: struct termios 36 bytes, termios2 44, termio 18, winsize 8.
    IoctlRow(0x5401, "TCGETS", .out(36), .termios),
    IoctlRow(0x5402, "TCSETS", .inp(36), .termios),
    IoctlRow(0x5403, "TCSETSW", .inp(36), .termios),
    IoctlRow(0x5404, "TCSETSF", .inp(36), .termios),
    IoctlRow(0x5405, "TCGETA", .out(18)),
    IoctlRow(0x5406, "TCSETA", .inp(18)),
    IoctlRow(0x5407, "TCSETAW", .inp(18)),
    IoctlRow(0x5408, "TCSETAF", .inp(18)),
    IoctlRow(0x5409, "TCSBRK", .value),
    IoctlRow(0x540A, "TCXONC", .value),
    IoctlRow(0x540B, "TCFLSH", .value),
    IoctlRow(0x540C, "TIOCEXCL", .none),
    IoctlRow(0x540D, "TIOCNXCL", .none),
    IoctlRow(0x540E, "TIOCSCTTY", .value),
    IoctlRow(0x540F, "TIOCGPGRP", .out(4), .int32),
    IoctlRow(0x5410, "TIOCSPGRP", .inp(4), .int32),
    IoctlRow(0x5411, "TIOCOUTQ", .out(4), .int32),
    IoctlRow(0x5412, "TIOCSTI", .inp(1), .char),
    IoctlRow(0x5413, "TIOCGWINSZ", .out(8), .winsize),
    IoctlRow(0x5414, "TIOCSWINSZ", .inp(8), .winsize),
    IoctlRow(0x5415, "TIOCMGET", .out(4), .int32),
    IoctlRow(0x5416, "TIOCMBIS", .inp(4), .int32),
    IoctlRow(0x5417, "TIOCMBIC", .inp(4), .int32),
    IoctlRow(0x5418, "TIOCMSET", .inp(4), .int32),
    IoctlRow(0x541B, "FIONREAD", .out(4), .int32),
    IoctlRow(0x541D, "TIOCCONS", .none),
    IoctlRow(0x541E, "TIOCGSERIAL", .out(72)),
    IoctlRow(0x5420, "TIOCPKT", .inp(4), .int32),
    IoctlRow(0x5421, "FIONBIO", .inp(4), .int32),
    IoctlRow(0x5422, "TIOCNOTTY", .none),
    IoctlRow(0x5423, "TIOCSETD", .inp(4), .int32),
    IoctlRow(0x5424, "TIOCGETD", .out(4), .int32),
    IoctlRow(0x5425, "TCSBRKP", .value),
    IoctlRow(0x5427, "TIOCSBRK", .none),
    IoctlRow(0x5428, "TIOCCBRK", .none),
    IoctlRow(0x5429, "TIOCGSID", .out(4), .int32),
    IoctlRow(0x802C_542A, "TCGETS2", .out(44)),
    IoctlRow(0x402C_542B, "TCSETS2", .inp(44)),
    IoctlRow(0x402C_542C, "TCSETSW2", .inp(44)),
    IoctlRow(0x402C_542D, "TCSETSF2", .inp(44)),
    // Pseudo-terminals.
    IoctlRow(0x8004_5430, "TIOCGPTN", .out(4), .int32),
    IoctlRow(0x4004_5431, "TIOCSPTLCK", .inp(4), .int32),
    IoctlRow(0x5437, "TIOCVHANGUP", .none),
    IoctlRow(0x8004_5438, "TIOCGPKT", .out(4), .int32),
    IoctlRow(0x8004_5439, "TIOCGPTLCK", .out(4), .int32),
    IoctlRow(0x8004_5440, "TIOCGEXCL", .out(4), .int32),
    IoctlRow(0x5441, "TIOCGPTPEER", .special(.openFlags)),
    // Descriptors.
    IoctlRow(0x5450, "FIONCLEX", .none),
    IoctlRow(0x5451, "FIOCLEX", .none),
    IoctlRow(0x5452, "FIOASYNC", .inp(4), .int32),
    IoctlRow(0x5460, "FIOQSIZE", .out(8)),
    IoctlRow(0x8901, "FIOSETOWN", .inp(4), .int32),
    IoctlRow(0x8902, "SIOCSPGRP", .inp(4), .int32),
    IoctlRow(0x8903, "FIOGETOWN", .out(4), .int32),
    IoctlRow(0x8904, "SIOCGPGRP", .out(4), .int32),
    IoctlRow(0x8905, "SIOCATMARK", .out(4), .int32),
    // Files and block devices. FS_IOC_{GET,SET}FLAGS and GETVERSION are
    // encoded with a long, but the kernel reads and writes an int.
    IoctlRow(0x8008_6601, "FS_IOC_GETFLAGS", .out(4), .int32),
    IoctlRow(0x4008_6602, "FS_IOC_SETFLAGS", .inp(4), .int32),
    IoctlRow(0x8008_7601, "FS_IOC_GETVERSION", .out(4), .int32),
    IoctlRow(0xC020_660B, "FS_IOC_FIEMAP", .special(.fiemap)),
    IoctlRow(0x4004_9409, "FICLONE", .value),
    IoctlRow(0x4020_940D, "FICLONERANGE", .inp(32)),
    IoctlRow(0xC018_9436, "FIDEDUPERANGE", .special(.dedupeRange)),
    IoctlRow(0x801C_581F, "FS_IOC_FSGETXATTR", .out(28)),
    IoctlRow(0x401C_5820, "FS_IOC_FSSETXATTR", .inp(28)),
    IoctlRow(0x125E, "BLKROGET", .out(4), .int32),
    IoctlRow(0x1260, "BLKGETSIZE", .out(8)),
    IoctlRow(0x1261, "BLKFLSBUF", .none),
    IoctlRow(0x1268, "BLKSSZGET", .out(4), .int32),
    IoctlRow(0x8008_1272, "BLKGETSIZE64", .out(8)),
    // Loop devices: struct loop_info64 232 bytes, loop_config 304.
    IoctlRow(0x4C00, "LOOP_SET_FD", .value),
    IoctlRow(0x4C01, "LOOP_CLR_FD", .none),
    IoctlRow(0x4C04, "LOOP_SET_STATUS64", .inp(232)),
    IoctlRow(0x4C05, "LOOP_GET_STATUS64", .out(232)),
    IoctlRow(0x4C06, "LOOP_CHANGE_FD", .value),
    IoctlRow(0x4C07, "LOOP_SET_CAPACITY", .none),
    IoctlRow(0x4C08, "LOOP_SET_DIRECT_IO", .value),
    IoctlRow(0x4C09, "LOOP_SET_BLOCK_SIZE", .value),
    IoctlRow(0x4C0A, "LOOP_CONFIGURE", .inp(304)),
    IoctlRow(0x4C80, "LOOP_CTL_ADD", .value),
    IoctlRow(0x4C81, "LOOP_CTL_REMOVE", .value),
    IoctlRow(0x4C82, "LOOP_CTL_GET_FREE", .none),
    // Network interfaces: struct ifreq 40 bytes; the timestamps are timeval/timespec.
    IoctlRow(0x8906, "SIOCGSTAMP", .out(16)),
    IoctlRow(0x8907, "SIOCGSTAMPNS", .out(16)),
    IoctlRow(0x8910, "SIOCGIFNAME", .inOut(40)),
    IoctlRow(0x8912, "SIOCGIFCONF", .special(.ifconf)),
    IoctlRow(0x8913, "SIOCGIFFLAGS", .inOut(40)),
    IoctlRow(0x8915, "SIOCGIFADDR", .inOut(40)),
    IoctlRow(0x8921, "SIOCGIFMTU", .inOut(40)),
    IoctlRow(0x8927, "SIOCGIFHWADDR", .inOut(40)),
    IoctlRow(0x8933, "SIOCGIFINDEX", .inOut(40)),
    IoctlRow(0x8004_5200, "RNDGETENTCNT", .out(4), .int32),
]

/// A host range that is never accessible (PROT_NONE, reserved once): a
/// bad guest buffer is handed to the host kernel as this address, which
/// faults wherever the kernel touches it within the first 64 KiB.
let hostFaultAreaSize = 1 << 16
let hostFaultArea: UnsafeMutableRawPointer? = {
    let p = mmap(nil, hostFaultAreaSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
    return p == MAP_FAILED ? nil : p
}()
/// A guest address standing for "not accessible" in `hostBuffer`.
let guestFaultAddress = UInt64.max

/// The table by request number.
let ioctlIndex: [Int: IoctlRow] = {
    var idx: [Int: IoctlRow] = [:]
    for row in ioctlTable {
        precondition(idx[row.req] == nil, "ioctl \(row.req) listed twice")
        idx[row.req] = row
    }
    return idx
}()

/// Request names for -strace.
let ioctlNames: [Int: String] = ioctlIndex.mapValues { $0.name }

extension LinuxProcess {
    /// ioctl(2) through `ioctlTable`: a guest buffer is checked and handed
    /// to the host (a bad one as an address where the host faults); unknown
    /// requests are -ENOTTY, as Linux answers for a request no driver knows.
    func sysIoctl(_ a: SysArgs) -> Int {
        let fd = a.i32(0), req = Int(UInt32(truncatingIfNeeded: a[1]))
        guard let row = ioctlIndex[req] else { return -Errno.ENOTTY }
        func host(_ arg: Int) -> Int { HostSyscall.call(HostNR.ioctl, fd, req, arg) }
        switch row.arg {
        case .none:
            return host(0)
        case .value:
            return host(a.int(2))
        case .out(let n):
            return hostBuffer(a[2], n, write: true).map(host) ?? -Errno.EFAULT
        case .inp(let n):
            return hostBuffer(a[2], n, write: false).map(host) ?? -Errno.EFAULT
        case .inOut(let n):
            let readable = a[2] == 0 || inBuf(a[2], n) != nil
            return hostBuffer(readable ? a[2] : guestFaultAddress, n, write: true).map(host) ?? -Errno.EFAULT
        case .special(.openFlags):
            return host(xlatOpenFlagsToHost(a.i32(2)))
        case .special(.ifconf):
            return ioctlIfconf(fd, req, a[2])
        case .special(.fiemap):
            return ioctlVariable(fd, req, a[2], countAt: 24, countBytes: 4, header: 32, item: 56)
        case .special(.dedupeRange):
            return ioctlVariable(fd, req, a[2], countAt: 16, countBytes: 2, header: 24, item: 32)
        }
    }

    /// The host address for a guest buffer of `n` bytes: the buffer itself
    /// when the guest may access it, NULL for NULL, and otherwise an
    /// address where the host kernel faults (`hostFaultArea`), so that the
    /// kernel's own order of checks decides between EFAULT and its other
    /// errors (ENOTTY for the wrong kind of file, EINVAL...) as on Linux.
    /// nil (the caller's EFAULT) only if that area could not be reserved.
    func hostBuffer(_ addr: UInt64, _ n: Int, write: Bool) -> Int? {
        if addr == 0 { return 0 }
        if addr != guestFaultAddress, let p = write ? outBuf(addr, n) : inBuf(addr, n) { return Int(bitPattern: p) }
        guard n <= hostFaultAreaSize, let f = hostFaultArea else { return nil }
        return Int(bitPattern: f)
    }

    /// SIOCGIFCONF: struct ifconf is { int ifc_len; pad; char *ifc_buf }
    /// (16 bytes on both); the buffer pointer is the guest's, so the host
    /// gets its own ifconf pointing at the checked guest buffer, and the
    /// length the kernel stores goes back. A NULL buffer asks for the size.
    func ioctlIfconf(_ fd: Int, _ req: Int, _ addr: UInt64) -> Int {
        guard inBuf(addr, 16) != nil, outBuf(addr, 4) != nil,
              let lenBits = mem.readU32(addr), let buf = mem.readU64(addr &+ 8) else { return -Errno.EFAULT }
        let len = Int(Int32(bitPattern: lenBits))
        var hostBuf = 0
        if buf != 0 {
            guard len >= 0 else { return -Errno.EINVAL }
            guard let p = outBuf(buf, len) else { return -Errno.EFAULT }
            hostBuf = Int(bitPattern: p)
        }
        var conf: (Int32, Int32, Int) = (Int32(truncatingIfNeeded: len), 0, hostBuf)
        let r = withUnsafeMutablePointer(to: &conf) { HostSyscall.call(HostNR.ioctl, fd, req, Int(bitPattern: $0)) }
        if r >= 0 { _ = mem.writeU32(addr, UInt32(bitPattern: conf.0)) }
        return r
    }

    /// A struct whose size is a header plus `count` items, the count read
    /// from the guest's header (FIEMAP: fm_extent_count, checked against
    /// the kernel's FIEMAP_MAX_EXTENTS; FIDEDUPERANGE: dest_count, at most
    /// a page as the kernel allows). The whole struct must be writable.
    func ioctlVariable(_ fd: Int, _ req: Int, _ addr: UInt64, countAt: UInt64, countBytes: Int,
                       header: Int, item: Int) -> Int {
        guard inBuf(addr, header) != nil, let word = mem.readU32(addr &+ countAt) else { return -Errno.EFAULT }
        let count = countBytes == 2 ? Int(word & 0xFFFF) : Int(word)
        let (items, o1) = count.multipliedReportingOverflow(by: item)
        let (size, o2) = items.addingReportingOverflow(header)
        if countBytes == 4 {
            if o1 || o2 || count > Int(UInt32.max) / item - 1 { return -Errno.EINVAL }
        } else if o1 || o2 || size > 4096 {
            return -Errno.ENOMEM
        }
        guard let p = outBuf(addr, size) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.ioctl, fd, req, Int(bitPattern: p))
    }
}

// MARK: - -strace

/// The third ioctl argument as qemu's print_ioctl shows it: nothing for a
/// request without one, the number for a value, the pointed-to value for a
/// buffer the kernel reads (when it can be shown), else the pointer.
/// Unknown requests show the raw argument in hex.
func ioctlStraceArg(_ req: UInt64, _ arg: UInt64, mem: AddressSpace) -> String? {
    guard let row = ioctlIndex[Int(req & 0xFFFF_FFFF)] else { return Strace.hex32(arg) }
    switch row.arg {
    case .none: return nil
    case .value, .special(.openFlags): return String(Int32(truncatingIfNeeded: arg))
    case .inp, .inOut: return ioctlShow(row.show, arg, mem: mem) ?? Strace.pointer(arg)
    default: return Strace.pointer(arg)
    }
}

/// What qemu prints after a successful ioctl that filled a buffer:
/// " (value)", or nothing.
func ioctlStraceResult(_ req: UInt64, _ arg: UInt64, mem: AddressSpace) -> String {
    guard let row = ioctlIndex[Int(req & 0xFFFF_FFFF)] else { return "" }
    switch row.arg {
    case .out, .inOut:
        return ioctlShow(row.show, arg, mem: mem).map { " (" + $0 + ")" } ?? ""
    default: return ""
    }
}

/// The value at `addr` in qemu's thunk_print format; nil when unreadable
/// or when qemu shows only the pointer.
func ioctlShow(_ show: IoctlShow, _ addr: UInt64, mem: AddressSpace) -> String? {
    switch show {
    case .pointer:
        return nil
    case .int32:
        return mem.readU32(addr).map { String(Int32(bitPattern: $0)) }
    case .char:
        return mem.read(addr, count: 1).map { String(Int8(bitPattern: $0[0])) }
    case .winsize:
        guard let b = mem.read(addr, count: 8) else { return nil }
        let v = (0..<4).map { String(UInt16(b[2 * $0]) | UInt16(b[2 * $0 + 1]) << 8) }
        return "{" + v.joined(separator: ",") + "}"
    case .termios:
        guard let b = mem.read(addr, count: 36) else { return nil }
        return formatTermios(b)
    }
}

private let termiosIflags: [(Int, String)] = [
    (0x1, "IGNBRK"), (0x2, "BRKINT"), (0x4, "IGNPAR"), (0x8, "PARMRK"), (0x10, "INPCK"), (0x20, "ISTRIP"),
    (0x40, "INLCR"), (0x80, "IGNCR"), (0x100, "ICRNL"), (0x200, "IUCLC"), (0x400, "IXON"), (0x800, "IXANY"),
    (0x1000, "IXOFF"), (0x2000, "IMAXBEL"), (0x4000, "IUTF8"),
]
private let termiosOflags: [(Int, String)] = [
    (0x1, "OPOST"), (0x2, "OLCUC"), (0x4, "ONLCR"), (0x8, "OCRNL"), (0x10, "ONOCR"), (0x20, "ONLRET"),
    (0x40, "OFILL"), (0x80, "OFDEL"),
]
/// The output delay fields (mask, values) in qemu's order: NL, CR, TAB, VT, FF, BS.
private let termiosOdelays: [(Int, [Int: String])] = [
    (0x100, [0: "NL0", 0x100: "NL1"]),
    (0x600, [0: "CR0", 0x200: "CR1", 0x400: "CR2", 0x600: "CR3"]),
    (0x1800, [0: "TAB0", 0x800: "TAB1", 0x1000: "TAB2", 0x1800: "TAB3"]),
    (0x4000, [0: "VT0", 0x4000: "VT1"]),
    (0x8000, [0: "FF0", 0x8000: "FF1"]),
    (0x2000, [0: "BS0", 0x2000: "BS1"]),
]
private let termiosBauds: [Int: String] = [
    0: "B0", 1: "B50", 2: "B75", 3: "B110", 4: "B134", 5: "B150", 6: "B200", 7: "B300", 8: "B600",
    9: "B1200", 10: "B1800", 11: "B2400", 12: "B4800", 13: "B9600", 14: "B19200", 15: "B38400",
    0x1001: "B57600", 0x1002: "B115200", 0x1003: "B230400", 0x1004: "B460800",
]
private let termiosCflags: [(Int, String)] = [
    (0x40, "CSTOPB"), (0x80, "CREAD"), (0x100, "PARENB"), (0x200, "PARODD"), (0x400, "HUPCL"),
    (0x800, "CLOCAL"), (0x8000_0000, "CRTSCTS"),
]
private let termiosLflags: [(Int, String)] = [
    (0x1, "ISIG"), (0x2, "ICANON"), (0x4, "XCASE"), (0x8, "ECHO"), (0x10, "ECHOE"), (0x20, "ECHOK"),
    (0x40, "ECHONL"), (0x80, "NOFLSH"), (0x100, "TOSTOP"), (0x200, "ECHOCTL"), (0x400, "ECHOPRT"),
    (0x800, "ECHOKE"), (0x1000, "FLUSHO"), (0x4000, "PENDIN"), (0x8000, "IEXTEN"), (0x10000, "EXTPROC"),
]

/// qemu's print_flags: names joined by |, the rest in hex; %#x when none match.
private func qemuFlags(_ table: [(Int, String)], _ value: Int) -> String {
    var rest = value
    var names: [String] = []
    for (v, n) in table where rest & v == v {
        names.append(n)
        rest &= ~v
    }
    if names.isEmpty { return Strace.hex32(UInt64(value)) }
    if rest != 0 { names.append(Strace.hex32(UInt64(rest))) }
    return names.joined(separator: "|")
}

/// qemu's print_termios for the asm-generic struct termios (c_iflag,
/// c_oflag, c_cflag, c_lflag, c_line, c_cc[19]), including its quirks:
/// c_cc printed as a C string and c_line as a raw character.
func formatTermios(_ b: [UInt8]) -> String {
    func word(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24 }
    let iflag = word(0), oflag = word(4), cflag = word(8), lflag = word(12)
    var s = "{c_iflag = " + qemuFlags(termiosIflags, iflag) + ",c_oflag = "
    s += qemuFlags(termiosOflags, oflag & ~0xFF00) + ","
    for (mask, names) in termiosOdelays where oflag & mask != 0 {
        s += (names[oflag & mask] ?? Strace.hex32(UInt64(oflag & mask))) + ","
    }
    s += "c_cflag = "
    if cflag & 0x100F != 0 { s += (termiosBauds[cflag & 0x100F] ?? Strace.hex32(UInt64(cflag & 0x100F))) + "," }
    if cflag & 0x30 != 0 { s += ["CS5", "CS6", "CS7", "CS8"][(cflag & 0x30) >> 4] + "," }
    s += qemuFlags(termiosCflags, cflag & ~0x103F) + ",c_lflag = " + qemuFlags(termiosLflags, lflag) + ","
    let cc = b[17..<36].prefix { $0 != 0 }
    s += "c_cc = \"" + String(decoding: cc, as: UTF8.self) + "\",c_line = '"
    s += String(decoding: [b[16]], as: UTF8.self) + "'}"
    return s
}

let ioctlSyscallRows: [SyscallRow] = [
    SyscallRow(29, "ioctl", [.int, .ioctlCmd, .ioctlArg], .ioctl,
               note: "a table of \(ioctlTable.count) requests (docs/ioctls.md): terminals, ptys, descriptors, file flags, FIEMAP, clones, block and loop devices, network interfaces; guest buffers checked, a bad one faulting in the host kernel so that EFAULT comes in Linux's order; struct ifconf's pointer and FIEMAP's extent count translated; others -ENOTTY") { $0.sysIoctl($1) },
]

/// docs/ioctls.md, generated from `ioctlTable`.
public func ioctlsMarkdown() -> String {
    var s = """
    # ioctl requests

    Generated from `ioctlTable` (Sources/LinuxUser/SysIoctl.swift) by
    `UPDATE_SYSCALL_DOC=1 swift test --filter LinuxUserTests.IoctlTests`.

    Each request has its arm64 number (asm-generic/ioctls.h, linux/fs.h,
    linux/loop.h, linux/sockios.h, linux/random.h). Every number and every
    struct size listed is the same on the x86_64 host, so a buffer passes
    through once the guest may access it; a buffer it may not access
    reaches the host kernel as an address where it faults, so the kernel's
    own order of checks gives EFAULT or its other error, as on Linux. Any
    other request is ENOTTY, which Linux answers when no driver knows a
    request (qemu-aarch64 7.2 answers ENOSYS). `-strace` names every
    request in the table (qemu 7.2 names only those below 0x80000000, as
    it compares the sign-extended number) and shows the argument as qemu's
    `print_ioctl` does: nothing, a number, or for ints, struct winsize and
    struct termios the value read (after the call, in the result, for the
    requests that fill it); other structs show as a pointer.

    | request | arm64 number | argument |
    |---|---|---|

    """
    for row in ioctlTable {
        let arg: String
        switch row.arg {
        case .none: arg = "none"
        case .value: arg = "int by value"
        case .out(let n): arg = "out: \(n) bytes"
        case .inp(let n): arg = "in: \(n) bytes"
        case .inOut(let n): arg = "in/out: \(n) bytes"
        case .special(.openFlags): arg = "open flags by value, translated"
        case .special(.ifconf): arg = "struct ifconf (16 bytes): its buffer pointer translated, ifc_len written back"
        case .special(.fiemap): arg = "in/out: struct fiemap (32 bytes) plus fm_extent_count extents of 56 bytes; a count above FIEMAP_MAX_EXTENTS is EINVAL"
        case .special(.dedupeRange): arg = "in/out: struct file_dedupe_range (24 bytes) plus dest_count infos of 32 bytes, at most a page (ENOMEM)"
        }
        s += "| \(row.name) | 0x\(String(row.req, radix: 16)) | \(arg) |\n"
    }
    return s
}
