import Glibc
import GuestMemory

// MARK: - fcntl
//
// The command numbers are the asm-generic ones on both arm64 and x86_64
// (asm-generic/fcntl.h, linux/fcntl.h), and both are 64-bit, so F_GETLK64
// and its siblings (12-14) do not exist on either. struct flock is
// {short l_type, l_whence; off_t l_start, l_len; pid_t l_pid} with 4 bytes
// of tail padding, 32 bytes on both, and F_RDLCK/F_WRLCK/F_UNLCK are 0/1/2
// on both; struct f_owner_ex is {int type; pid_t pid} on both. Only the
// file status flags of F_GETFL/F_SETFL differ (O_DIRECTORY, O_NOFOLLOW,
// O_DIRECT, O_LARGEFILE).

let fcntlSyscallRows: [SyscallRow] = [
    SyscallRow(25, "fcntl", [.int, .fcntlCmd, .fcntlArg],
               note: "every command: F_GETFL/F_SETFL flags translated; struct flock (F_GETLK, F_SETLK, F_SETLKW, F_OFD_*), f_owner_ex and the u64 of the write-hint commands through checked pointers; integer commands (F_DUPFD[_CLOEXEC], F_[GS]ETFD, F_[GS]ETOWN, F_[GS]ETSIG, F_[GS]ETLEASE, F_NOTIFY, F_[GS]ETPIPE_SZ, F_ADD_SEALS, F_GET_SEALS, F_DUPFD_QUERY, F_CREATED_QUERY) passed on; others -EINVAL as Linux") { $0.sysFcntl($1) },
]

/// Guest fcntl commands by how their third argument is passed.
enum GuestF {
    static let getfl = 3, setfl = 4
    /// Integer (or absent) argument, passed on as is.
    static let integer: Set<Int> = [0, 1, 2, 8, 9, 10, 11, 1024, 1025, 1026, 1027, 1028, 1030, 1031, 1032, 1033, 1034]
    /// Pointer commands: the size of the struct and whether the kernel
    /// writes it (it reads it in every case).
    static let pointer: [Int: (size: Int, out: Bool)] = [
        5: (32, true), 6: (32, false), 7: (32, false),        // F_GETLK, F_SETLK, F_SETLKW
        36: (32, true), 37: (32, false), 38: (32, false),     // F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW
        15: (8, false), 16: (8, true),                        // F_SETOWN_EX, F_GETOWN_EX
        17: (8, true),                                        // F_GETOWNER_UIDS
        1035: (8, true), 1036: (8, false),                    // F_GET_RW_HINT, F_SET_RW_HINT
        1037: (8, true), 1038: (8, false),                    // F_GET_FILE_RW_HINT, F_SET_FILE_RW_HINT
    ]
}

extension LinuxProcess {
    func sysFcntl(_ a: SysArgs) -> Int {
        let fd = a.i32(0), cmd = a.i32(1)
        if EmulatorFds.contains(Int32(truncatingIfNeeded: fd)) { return -Errno.EBADF }
        if cmd == 0 || cmd == 1030 { // F_DUPFD, F_DUPFD_CLOEXEC: a served fd's copy is served too
            let r = HostSyscall.call(HostNR.fcntl, fd, cmd, a.int(2))
            if r >= 0 { noteDup(Int32(truncatingIfNeeded: fd), Int32(truncatingIfNeeded: r)) }
            return r
        }
        if cmd == GuestF.getfl {
            let r = HostSyscall.call(HostNR.fcntl, fd, cmd)
            return r < 0 ? r : xlatOpenFlagsToGuest(r)
        }
        if cmd == GuestF.setfl { return HostSyscall.call(HostNR.fcntl, fd, cmd, xlatOpenFlagsToHost(a.i32(2))) }
        if GuestF.integer.contains(cmd) { return HostSyscall.call(HostNR.fcntl, fd, cmd, a.int(2)) }
        guard let (size, out) = GuestF.pointer[cmd] else { return -Errno.EINVAL }
        // A bad descriptor is reported before a bad pointer, as the kernel
        // looks the file up first.
        if HostSyscall.call(HostNR.fcntl, fd, 1 /* F_GETFD */) == -Errno.EBADF { return -Errno.EBADF }
        guard let p = out ? outBuf(a[2], size) : inBuf(a[2], size) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNR.fcntl, fd, cmd, Int(bitPattern: p))
    }
}

/// fcntl's third argument in -strace, as qemu's print_fcntl prints it:
/// nil for the commands without one; F_SETOWN and F_SETSIG keep qemu's
/// trailing comma.
func fcntlTraceArg(_ cmd: UInt64, _ arg: UInt64, mem: AddressSpace) -> String? {
    let ld = String(Int64(bitPattern: arg))
    switch Int(Int32(truncatingIfNeeded: cmd)) {
    case 1, 3, 9, 11, 1025, 1032, 1034: return nil
    case 0, 2, 1024, 1026, 1030, 1031: return ld
    case 4: return Strace.formatArg(.openFlags, arg, mem: mem)
    case 8, 10: return ld + ","
    case 1033: return "0x" + Strace.hex16(arg)
    default: return Strace.pointer(arg)   // struct pointers and unknown commands
    }
}

/// MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT (asm-generic/mman.h); 0 prints as 0.
let mlockallFlagNames: [FlagName] = [
    FlagName(0, "0"), FlagName(1, "MCL_CURRENT"), FlagName(2, "MCL_FUTURE"), FlagName(4, "MCL_ONFAULT"),
]
