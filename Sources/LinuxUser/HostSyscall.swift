import Glibc

/// Raw host system calls for what Glibc does not wrap (futex, getrandom,
/// statx...). `syscall(2)` is variadic, so it is reached through dlsym
/// with a fixed seven-word signature, which the x86_64 ABI accepts.
enum HostSyscall {
    typealias Fn = @convention(c) (Int, Int, Int, Int, Int, Int, Int) -> Int

    static let fn: Fn = {
        if let h = dlopen(nil, RTLD_NOW), let sym = dlsym(h, "syscall") {
            return unsafeBitCast(sym, to: Fn.self)
        }
        // A static executable (-static-executable) has no dynamic symbol
        // table for dlsym; its own copy of syscall(2) is reached by name.
        return { staticSyscall($0, $1, $2, $3, $4, $5, $6) }
    }()

    /// Calls host syscall `nr`; returns the result or a negative errno,
    /// the convention the guest expects in x0.
    static func call(_ nr: Int, _ a0: Int = 0, _ a1: Int = 0, _ a2: Int = 0,
                     _ a3: Int = 0, _ a4: Int = 0, _ a5: Int = 0) -> Int {
        let r = fn(nr, a0, a1, a2, a3, a4, a5)
        return r == -1 ? -Int(errno) : r
    }
}

/// glibc's syscall(2) by its symbol: seven integer words in, one out, which
/// the Swift and C conventions pass alike on x86_64 (glibc's syscall is
/// assembly that reads no variadic state).
@_silgen_name("syscall")
private func staticSyscall(_ nr: Int, _ a0: Int, _ a1: Int, _ a2: Int, _ a3: Int, _ a4: Int, _ a5: Int) -> Int

/// x86_64 host syscall numbers (asm/unistd_64.h) for calls passed through.
enum HostNR {
    static let read = 0, write = 1, close = 3, fstat = 5, lseek = 8, ioctl = 16
    static let pread64 = 17, pwrite64 = 18, readv = 19, writev = 20, sched_yield = 24
    static let dup = 32, nanosleep = 35, getpid = 39, sendfile = 40, wait4 = 61, kill = 62
    static let uname = 63, fcntl = 72, flock = 73, fsync = 74, fdatasync = 75
    static let truncate = 76, ftruncate = 77, getcwd = 79, chdir = 80, fchdir = 81
    static let fchmod = 91, fchown = 93, umask = 95, gettimeofday = 96, getrusage = 98
    static let sysinfo = 99, times = 100, getuid = 102, getgid = 104, geteuid = 107
    static let getegid = 108, setpgid = 109, getppid = 110, getpgrp = 111, setsid = 112
    static let getpgid = 121, getsid = 124, statfs = 137, fstatfs = 138, gettid = 186
    static let tkill = 200, futex = 202, sched_getaffinity = 204, getdents64 = 217
    static let fadvise64 = 221, clock_gettime = 228, clock_getres = 229, clock_nanosleep = 230
    static let tgkill = 234, openat = 257, mkdirat = 258, fchownat = 260, newfstatat = 262
    static let unlinkat = 263, renameat = 264, linkat = 265, symlinkat = 266, readlinkat = 267
    static let fchmodat = 268, faccessat = 269, pselect6 = 270, ppoll = 271, utimensat = 280
    static let fallocate = 285, dup3 = 292, pipe2 = 293, prlimit64 = 302, renameat2 = 316
    static let getrandom = 318, memfd_create = 319, copy_file_range = 326, statx = 332
    static let waitid = 247, faccessat2 = 439
}
