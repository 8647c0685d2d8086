import Glibc
import GuestMemory

/// How one syscall argument is shown in the -strace output, after the
/// printers of qemu-aarch64's linux-user/strace.c.
public enum ArgFmt: Sendable {
    /// %ld: the whole register as a signed number.
    case long
    /// %d: the low 32 bits as a signed number.
    case int
    /// %u: the low 32 bits as an unsigned number.
    case uint
    /// %#x: the low 32 bits in hex (qemu prints buffers of read/write so).
    case hex32
    /// print_pointer: NULL or 0x%016lx.
    case ptr
    /// %p in a qemu format string: 0x%lx, or (nil).
    case cptr
    /// A quoted NUL-terminated guest string.
    case str
    /// AT_FDCWD or the fd number.
    case atfd
    /// %#o
    case octal
    case openFlags, prot, mmapFlags, atFlags, unlinkatFlags, accessMode
    case signal, sigHow, clock, whence, fcntlCmd, ioctlCmd, futexOp
    /// fcntl's third argument: absent for the F_GET* commands, as qemu shows it.
    case fcntlArg
    /// ioctl's third argument, as its request's row says (argument 1).
    case ioctlArg
    /// A SysV IPC command as qemu's print_ipc_cmd names it.
    case ipcCmd
    /// 0x%016lx, even for 0.
    case hexPtr
    /// mq_open's mode: shown only with O_CREAT in the flags (argument 1),
    /// and the attribute pointer after it.
    case mqMode
    /// openat's mode: shown only with O_CREAT or O_TMPFILE in the flags (argument 2).
    case openMode
    /// clone's arguments as qemu labels them.
    case cloneFlags, childStack, parentTid, tls, childTid
    /// execve's argv: {"a","b",NULL}.
    case argv
    /// setitimer's which and struct itimerval.
    case itimerWhich, itimerval
    /// A struct timespec read from the guest: {tv_sec = S,tv_nsec = N}.
    case timespec
    /// %lu: the whole register as an unsigned number.
    case ulong
    /// mlockall's MCL_* flags.
    case mlockallFlags
}

/// How the result is shown.
public enum RetFmt: Sendable {
    /// " = %ld", or " = -1 errno=E (message)".
    case dec
    /// print_syscall_ret_addr: 0x%016lx (brk, mmap).
    case addr
    /// As .dec, then the timespec the call stored at argument `n`.
    case timespecOut(Int)
    /// As .dec, then the timeval at argument `n` (gettimeofday).
    case timevalOut(Int)
    /// setitimer: the result, then the old value stored at argument `n`.
    case itimerOld(Int)
    /// clone: qemu prints its result as " =  = pid".
    case clone
    /// exit/exit_group: the call line ends with a newline, no result.
    case none
    /// ioctl: the result, then the value the call stored, as its row says.
    case ioctl
}

/// Formatting of trace lines; pure functions of guest memory and registers
/// so they can be tested without running a program.
public enum Strace {
    public static func formatCall(_ name: String, _ fmts: [ArgFmt]?, _ a: [UInt64], mem: AddressSpace) -> String {
        guard let fmts = fmts else {
            // qemu's generic format: six signed longs.
            return name + "(" + a.prefix(6).map { String(Int64(bitPattern: $0)) }.joined(separator: ",") + ")"
        }
        var parts: [String] = []
        for (i, f) in fmts.enumerated() {
            if case .fcntlArg = f {
                // Each command's argument as qemu's print_fcntl shows it, or none.
                if let s = fcntlTraceArg(a[1], a.count > 2 ? a[2] : 0, mem: mem) { parts.append(s) }
                break
            }
            if case .openMode = f, Int(a[2]) & (GuestO.creat | 0o20000000) == 0 { break }
            if case .mqMode = f, Int(a[1]) & GuestO.creat == 0 { break }
            if case .ioctlArg = f {
                if let s = ioctlStraceArg(a[1], a[2], mem: mem) { parts.append(s) }
                continue
            }
            parts.append(formatArg(f, i < a.count ? a[i] : 0, mem: mem))
        }
        return name + "(" + parts.joined(separator: ",") + ")"
    }

    public static func formatResult(_ ret: Int, _ fmt: RetFmt, _ a: [UInt64], mem: AddressSpace) -> String {
        if ret < 0 && ret >= -4095 {
            return " = -1 errno=\(-ret) (\(errnoMessage(-ret)))"
        }
        switch fmt {
        case .addr:
            return " = 0x" + hex16(UInt64(bitPattern: Int64(ret)))
        case .clone:
            return " =  = \(ret)"
        case .ioctl:
            return " = \(ret)" + ioctlStraceResult(a[1], a[2], mem: mem)
        case .itimerOld(let n):
            return " = \(ret) (old_value = " + formatItimerval(a[n], mem: mem) + ")"
        case .timespecOut(let n):
            return " = \(ret) (" + formatTimespec(a[n], mem: mem) + ")"
        case .timevalOut(let n):
            let tz = a[n + 1] == 0 ? "NULL" : "0x" + hex16(a[n + 1])
            return " = \(ret) (" + formatTimeval(a[n], mem: mem) + "," + tz + ")"
        default:
            return " = \(ret)"
        }
    }

    static func hex16(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s
    }

    static func pointer(_ v: UInt64) -> String { v == 0 ? "NULL" : "0x" + hex16(v) }

    static func flags(_ table: [FlagName], _ value: Int) -> String {
        let v = value & 0xFFFF_FFFF
        if v == 0, let zero = table.first(where: { $0.value == 0 }) { return zero.name }
        var rest = v
        var names: [String] = []
        for f in table where f.value != 0 && rest & f.value == f.value {
            names.append(f.name)
            rest &= ~f.value
        }
        if names.isEmpty { return "0x" + String(v, radix: 16) }
        if rest != 0 { names.append("0x" + String(rest, radix: 16)) }
        return names.joined(separator: "|")
    }

    static func hex32(_ v: UInt64) -> String {
        let w = v & 0xFFFF_FFFF
        return w == 0 ? "0" : "0x" + String(w, radix: 16)
    }

    static func named(_ table: [Int: String], _ v: UInt64) -> String {
        table[Int(Int32(truncatingIfNeeded: v))] ?? String(Int32(truncatingIfNeeded: v))
    }

    public static func formatArg(_ f: ArgFmt, _ v: UInt64, mem: AddressSpace) -> String {
        let i32 = Int32(truncatingIfNeeded: v)
        switch f {
        case .long: return String(Int64(bitPattern: v))
        case .int: return String(i32)
        case .uint: return String(UInt32(truncatingIfNeeded: v))
        case .hex32: return hex32(v)
        case .ptr: return pointer(v)
        case .cptr: return v == 0 ? "(nil)" : "0x" + String(v, radix: 16)
        case .octal: return i32 == 0 ? "0" : "0" + String(UInt32(bitPattern: i32), radix: 8)
        case .str:
            guard let s = mem.readCStringBytes(v, max: 4096) else { return pointer(v) }
            return "\"" + String(decoding: s, as: UTF8.self) + "\""
        // qemu names the whole register -100 only; a zero-extended int prints as a number.
        case .atfd: return Int64(bitPattern: v) == -100 ? "AT_FDCWD" : String(i32)
        case .openFlags:
            let acc = Int(v) & GuestO.accmode
            let accName = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"][acc]
            let rest = Int(v & 0xFFFF_FFFF) & ~GuestO.accmode
            if rest == 0 { return accName }
            return accName + "|" + flags(openFlagNames, rest)
        case .prot: return flags(protNames, Int(v))
        case .mmapFlags: return flags(mmapFlagNames, Int(v))
        case .atFlags: return v & 0xFFFF_FFFF == 0 ? "0" : flags(atFlagNames, Int(v))
        case .unlinkatFlags: return v & 0xFFFF_FFFF == 0 ? "0" : flags(unlinkatFlagNames, Int(v))
        case .accessMode: return flags(accessModeNames, Int(v))
        case .signal:
            if i32 > 0 && Int(i32) < signalNames.count { return signalNames[Int(i32)] }
            return String(i32)
        case .sigHow: return named(sigHowNames, v)
        case .clock: return named(clockNames, v)
        case .whence: return named(whenceNames, v)
        case .fcntlCmd: return named(fcntlCmdNames, v)
        case .ioctlCmd: return ioctlNames[Int(v & 0xFFFF_FFFF)] ?? hex32(v)
        case .futexOp:
            var op = Int(i32)
            var s = ""
            if op & 128 != 0 { s = "FUTEX_PRIVATE_FLAG|"; op &= ~128 }
            if op & 256 != 0 { s += "FUTEX_CLOCK_REALTIME|"; op &= ~256 }
            return s + (futexOpNames[op] ?? String(op))
        case .timespec: return formatTimespec(v, mem: mem)
        case .fcntlArg: return String(Int64(bitPattern: v))
        case .ulong: return String(v)
        case .mlockallFlags: return flags(mlockallFlagNames, Int(v))
        case .ioctlArg: return pointer(v)
        case .ipcCmd: return ipcCmdNames[Int(v & 0xFF)] ?? String(v & 0xFF)
        case .hexPtr: return "0x" + hex16(v)
        case .mqMode: return formatArg(.octal, v, mem: mem)
        case .openMode: return formatArg(.octal, v, mem: mem)
        case .itimerWhich: return [0: "ITIMER_REAL", 1: "ITIMER_VIRTUAL", 2: "ITIMER_PROF"][Int(i32)] ?? String(i32)
        case .itimerval: return formatItimerval(v, mem: mem)
        case .cloneFlags: return flags(cloneFlagNames, Int(v))
        case .childStack: return "child_stack=0x" + hex16(v)
        case .parentTid: return "parent_tidptr=0x" + hex16(v)
        case .tls: return "tls=0x" + hex16(v)
        case .childTid: return "child_tidptr=0x" + hex16(v)
        case .argv:
            var items: [String] = []
            var p = v
            while items.count < 4096, let s = mem.readU64(p), s != 0 {
                items.append(formatArg(.str, s, mem: mem))
                p &+= 8
            }
            return "{" + (items + ["NULL"]).joined(separator: ",") + "}"
        }
    }

    /// The line qemu prints when a signal is taken, e.g.
    /// `--- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=0x0000000000001238} ---`.
    public static func formatSignal(sig: Int32, code: Int32, addr: UInt64, fault: Bool) -> String {
        let name = sig > 0 && Int(sig) < signalNames.count ? signalNames[Int(sig)] : String(sig)
        let codeNames: [Int32: String] = [0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER",
                                          -3: "SI_MESGQ", -4: "SI_ASYNCIO", -5: "SI_SIGIO", -6: "SI_TKILL"]
        var s = "--- \(name) {si_signo=\(name), si_code=" + (fault ? String(code) : (codeNames[code] ?? String(code)))
        if fault {
            s += ", si_addr=0x" + hex16(addr)
        } else {
            s += ", si_pid=\(UInt32(truncatingIfNeeded: addr)), si_uid=\(UInt32(truncatingIfNeeded: addr >> 32))"
        }
        return s + "} ---\n"
    }

    static func formatItimerval(_ addr: UInt64, mem: AddressSpace) -> String {
        if addr == 0 { return "NULL" }
        return "{it_interval=" + formatTimeval(addr, mem: mem) + ",it_value=" + formatTimeval(addr &+ 16, mem: mem) + ",}"
    }

    static func formatTimespec(_ addr: UInt64, mem: AddressSpace) -> String {
        if addr == 0 { return "NULL" }
        guard let s = mem.readU64(addr), let n = mem.readU64(addr &+ 8) else { return pointer(addr) }
        return "{tv_sec = \(Int64(bitPattern: s)),tv_nsec = \(Int64(bitPattern: n))}"
    }

    static func formatTimeval(_ addr: UInt64, mem: AddressSpace) -> String {
        if addr == 0 { return "NULL" }
        guard let s = mem.readU64(addr), let u = mem.readU64(addr &+ 8) else { return pointer(addr) }
        return "{tv_sec = \(Int64(bitPattern: s)),tv_usec = \(Int64(bitPattern: u))}"
    }

    /// Writes straight to fd 2, unbuffered, so the trace interleaves with
    /// the guest's own output in call order as qemu's does.
    /// Where the trace goes: stderr, or the -D log file.
    nonisolated(unsafe) public static var fd: Int32 = 2

    static func emit(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { break }
                off += n
            }
        }
    }
}
