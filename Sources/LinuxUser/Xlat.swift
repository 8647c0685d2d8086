import Glibc

// MARK: - Guest (arm64) constants, from the kernel UAPI headers

/// arm64 open(2) flags (asm/fcntl.h over asm-generic/fcntl.h). Only the four
/// that arm64 overrides differ from the x86_64 host's values.
public enum GuestO {
    public static let accmode = 0o3
    public static let creat = 0o100, excl = 0o200, noctty = 0o400, trunc = 0o1000
    public static let append = 0o2000, nonblock = 0o4000, dsync = 0o10000
    public static let directory = 0o40000, nofollow = 0o100000, direct = 0o200000
    public static let largefile = 0o400000
    public static let noatime = 0o1000000, cloexec = 0o2000000, sync = 0o4010000
    public static let path = 0o10000000, tmpfile = 0o20000000 | 0o40000
}

/// One translation between a guest bit and the host bit with the same meaning.
public struct FlagPair: Sendable {
    public let guest: Int
    public let host: Int
}

/// Bits of open(2) flags whose values differ between arm64 and x86_64
/// (x86_64 uses the asm-generic values). All other bits are identical.
public let openFlagTable: [FlagPair] = [
    FlagPair(guest: 0o40000, host: 0o200000),   // O_DIRECTORY
    FlagPair(guest: 0o100000, host: 0o400000),  // O_NOFOLLOW
    FlagPair(guest: 0o200000, host: 0o40000),   // O_DIRECT
    FlagPair(guest: 0o400000, host: 0o100000),  // O_LARGEFILE
]

private let openSwappedMask = openFlagTable.reduce(0) { $0 | $1.guest }

/// Guest open/fcntl flags to host flags.
public func xlatOpenFlagsToHost(_ g: Int) -> Int {
    var h = g & ~openSwappedMask
    for p in openFlagTable where g & p.guest != 0 { h |= p.host }
    return h
}

/// Host open/fcntl flags (F_GETFL) to guest flags.
public func xlatOpenFlagsToGuest(_ h: Int) -> Int {
    let hostMask = openFlagTable.reduce(0) { $0 | $1.host }
    var g = h & ~hostMask
    for p in openFlagTable where h & p.host != 0 { g |= p.guest }
    return g
}

// MARK: - errno

/// arm64 uses asm-generic/errno.h, and so does x86_64: the numbers are the
/// same, so translation is the identity. Kept in one place so a host with
/// other numbers only changes this function.
@inline(__always) public func xlatErrno(_ hostErrno: Int32) -> Int { Int(hostErrno) }

public enum Errno {
    public static let EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENOEXEC = 8, EBADF = 9, ECHILD = 10
    public static let EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EEXIST = 17
    public static let ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENOTTY = 25, ESPIPE = 29
    public static let ERANGE = 34, ENOSYS = 38, ELOOP = 40, ETIMEDOUT = 110
}

/// The message qemu prints for an errno (the host's strerror).
public func errnoMessage(_ e: Int) -> String {
    guard let s = strerror(Int32(truncatingIfNeeded: e)) else { return "Unknown error \(e)" }
    return String(cString: s)
}

// MARK: - Signals

/// Signal numbers (asm-generic/signal.h), identical on arm64 and x86_64.
public enum Sig {
    public static let SIGHUP: Int32 = 1, SIGINT: Int32 = 2, SIGQUIT: Int32 = 3, SIGILL: Int32 = 4
    public static let SIGTRAP: Int32 = 5, SIGABRT: Int32 = 6, SIGBUS: Int32 = 7, SIGFPE: Int32 = 8
    public static let SIGKILL: Int32 = 9, SIGUSR1: Int32 = 10, SIGSEGV: Int32 = 11, SIGUSR2: Int32 = 12
    public static let SIGPIPE: Int32 = 13, SIGALRM: Int32 = 14, SIGTERM: Int32 = 15, SIGSTKFLT: Int32 = 16
    public static let SIGCHLD: Int32 = 17, SIGCONT: Int32 = 18, SIGSTOP: Int32 = 19, SIGTSTP: Int32 = 20
    public static let SIGTTIN: Int32 = 21, SIGTTOU: Int32 = 22, SIGURG: Int32 = 23, SIGXCPU: Int32 = 24
    public static let SIGXFSZ: Int32 = 25, SIGVTALRM: Int32 = 26, SIGPROF: Int32 = 27, SIGWINCH: Int32 = 28
    public static let SIGIO: Int32 = 29, SIGPWR: Int32 = 30, SIGSYS: Int32 = 31
    /// _NSIG on arm64.
    public static let count: Int32 = 64
}

/// Names as qemu's strace prints them (6 is SIGIOT there).
let signalNames: [String] = [
    "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGIOT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
    "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
]

/// The description qemu shows in "uncaught target signal" (host strsignal).
public func signalDescription(_ sig: Int32) -> String {
    guard let s = strsignal(sig) else { return "Unknown signal \(sig)" }
    return String(cString: s)
}

// MARK: - Flag names for the syscall trace

/// A named value or bit set, printed as qemu's strace prints flags.
struct FlagName {
    let value: Int
    let name: String
    init(_ value: Int, _ name: String) { self.value = value; self.name = name }
}

/// In qemu's order; O_LARGEFILE is left out, as qemu (whose host value for
/// it is 0) shows it as a number.
let openFlagNames: [FlagName] = [
    FlagName(GuestO.append, "O_APPEND"), FlagName(GuestO.creat, "O_CREAT"),
    FlagName(GuestO.directory, "O_DIRECTORY"), FlagName(GuestO.excl, "O_EXCL"),
    FlagName(GuestO.noctty, "O_NOCTTY"), FlagName(GuestO.nofollow, "O_NOFOLLOW"),
    FlagName(GuestO.nonblock, "O_NONBLOCK"), FlagName(GuestO.dsync, "O_DSYNC"),
    FlagName(GuestO.sync, "O_SYNC"), FlagName(GuestO.trunc, "O_TRUNC"),
    FlagName(GuestO.direct, "O_DIRECT"), FlagName(GuestO.noatime, "O_NOATIME"),
    FlagName(GuestO.cloexec, "O_CLOEXEC"), FlagName(GuestO.path, "O_PATH"),
]

// Orders and members follow qemu's tables, so composite flags print alike.
let protNames: [FlagName] = [
    FlagName(0, "PROT_NONE"), FlagName(4, "PROT_EXEC"), FlagName(1, "PROT_READ"), FlagName(2, "PROT_WRITE"),
]

let mmapFlagNames: [FlagName] = [
    FlagName(0x01, "MAP_SHARED"), FlagName(0x02, "MAP_PRIVATE"), FlagName(0x20, "MAP_ANONYMOUS"),
    FlagName(0x800, "MAP_DENYWRITE"), FlagName(0x10, "MAP_FIXED"), FlagName(0x100, "MAP_GROWSDOWN"),
    FlagName(0x1000, "MAP_EXECUTABLE"), FlagName(0x2000, "MAP_LOCKED"), FlagName(0x10000, "MAP_NONBLOCK"),
    FlagName(0x4000, "MAP_NORESERVE"), FlagName(0x8000, "MAP_POPULATE"), FlagName(0x40000, "MAP_HUGETLB"),
]

/// qemu's at_file_flags table names only these two.
let atFlagNames: [FlagName] = [
    FlagName(0x200, "AT_EACCESS"), FlagName(0x100, "AT_SYMLINK_NOFOLLOW"),
]

let unlinkatFlagNames: [FlagName] = [FlagName(0x200, "AT_REMOVEDIR")]

let accessModeNames: [FlagName] = [
    FlagName(0, "F_OK"), FlagName(4, "R_OK"), FlagName(2, "W_OK"), FlagName(1, "X_OK"),
]

let clockNames: [Int: String] = [
    0: "CLOCK_REALTIME", 1: "CLOCK_MONOTONIC", 2: "CLOCK_PROCESS_CPUTIME_ID",
    3: "CLOCK_THREAD_CPUTIME_ID", 4: "CLOCK_MONOTONIC_RAW", 5: "CLOCK_REALTIME_COARSE",
    6: "CLOCK_MONOTONIC_COARSE", 7: "CLOCK_BOOTTIME",
]

let whenceNames: [Int: String] = [0: "SEEK_SET", 1: "SEEK_CUR", 2: "SEEK_END", 3: "SEEK_DATA", 4: "SEEK_HOLE"]

let sigHowNames: [Int: String] = [0: "SIG_BLOCK", 1: "SIG_UNBLOCK", 2: "SIG_SETMASK"]

/// The commands qemu's print_fcntl names; others print as numbers.
let fcntlCmdNames: [Int: String] = [
    0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL", 5: "F_GETLK",
    6: "F_SETLK", 7: "F_SETLKW", 8: "F_SETOWN", 9: "F_GETOWN", 10: "F_SETSIG", 11: "F_GETSIG",
    15: "F_SETOWN_EX", 16: "F_GETOWN_EX", 36: "F_OFD_GETLK", 37: "F_OFD_SETLK", 38: "F_OFD_SETLKW",
    1024: "F_SETLEASE", 1025: "F_GETLEASE", 1026: "F_NOTIFY", 1030: "F_DUPFD_CLOEXEC",
    1031: "F_SETPIPE_SZ", 1032: "F_GETPIPE_SZ", 1033: "F_ADD_SEALS", 1034: "F_GET_SEALS",
]

let cloneFlagNames: [FlagName] = [
    FlagName(0x100, "CLONE_VM"), FlagName(0x200, "CLONE_FS"), FlagName(0x400, "CLONE_FILES"),
    FlagName(0x800, "CLONE_SIGHAND"), FlagName(0x1000, "CLONE_PIDFD"), FlagName(0x2000, "CLONE_PTRACE"),
    FlagName(0x4000, "CLONE_VFORK"), FlagName(0x8000, "CLONE_PARENT"), FlagName(0x10000, "CLONE_THREAD"),
    FlagName(0x20000, "CLONE_NEWNS"), FlagName(0x40000, "CLONE_SYSVSEM"), FlagName(0x80000, "CLONE_SETTLS"),
    FlagName(0x100000, "CLONE_PARENT_SETTID"), FlagName(0x200000, "CLONE_CHILD_CLEARTID"),
    FlagName(0x400000, "CLONE_DETACHED"), FlagName(0x800000, "CLONE_UNTRACED"),
    FlagName(0x1000000, "CLONE_CHILD_SETTID"), FlagName(0x2000000, "CLONE_NEWCGROUP"),
    FlagName(0x4000000, "CLONE_NEWUTS"), FlagName(0x8000000, "CLONE_NEWIPC"), FlagName(0x10000000, "CLONE_NEWUSER"),
    FlagName(0x20000000, "CLONE_NEWPID"), FlagName(0x40000000, "CLONE_NEWNET"), FlagName(0x80000000, "CLONE_IO"),
]

let futexOpNames: [Int: String] = [
    0: "FUTEX_WAIT", 1: "FUTEX_WAKE", 2: "FUTEX_FD", 3: "FUTEX_REQUEUE", 4: "FUTEX_CMP_REQUEUE",
    5: "FUTEX_WAKE_OP", 6: "FUTEX_LOCK_PI", 7: "FUTEX_UNLOCK_PI", 8: "FUTEX_TRYLOCK_PI",
    9: "FUTEX_WAIT_BITSET", 10: "FUTEX_WAKE_BITSET",
]
