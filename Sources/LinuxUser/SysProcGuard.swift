import Glibc
import GuestMemory
import Synchronization

// MARK: - The guest's /proc is the only /proc
//
// Guest memory is host memory at `mem.base + address`, so the emulator's
// own /proc files (mem, maps, smaps, pagemap, map_files...) would show the
// guest the whole emulator. Rather than recognise every spelling of a path
// (`//proc/./self/../self/maps`, a symbolic link to /proc/self, an openat
// on a /proc/PID directory fd, a thread's /proc/TID, task/TID/...), the
// host kernel resolves the path as it always does, and the file it opened
// is then classified: an fd on procfs is named by /proc/self/fd/N, whose
// target is the canonical path. A file of this process that would show
// the emulator is replaced by the guest's view, or refused with the errno
// Linux gives in a similar case (docs/security.md lists each).
//
// /proc/self/mem and pagemap become descriptors served by the emulator: a
// placeholder host fd (an empty memfd, so any call not served here reads
// nothing) and an entry in `ProcFds`, consulted by read, write, pread,
// pwrite, lseek, dup and close only while such an entry exists.

/// PROC_SUPER_MAGIC (linux/magic.h).
private let procSuperMagic = 0x9fa0

/// O_PATH on x86_64 (asm-generic/fcntl.h).
private let hostOPath: Int32 = 0o10000000

/// The filesystem type (struct statfs's f_type) of a host path, or -1.
private func fsType(path: UnsafePointer<CChar>) -> Int {
    var buf = [UInt64](repeating: 0, count: 15)
    let r = buf.withUnsafeMutableBytes { HostSyscall.call(HostNR.statfs, Int(bitPattern: path), Int(bitPattern: $0.baseAddress)) }
    return r == 0 ? Int(buf[0]) : -1
}

/// What a descriptor of the table serves.
enum ProcFdKind {
    /// The guest address space, with the kernel's forced access (FOLL_FORCE).
    case mem
    /// Eight bytes per guest page (fs/proc/task_mmu.c pagemap_read).
    case pagemap
    /// A /proc/PID/fd or fdinfo directory: the emulator's fds are hidden.
    case fdDir
}

/// One open description: dups share it, and so its file position.
final class ProcFdEntry: @unchecked Sendable {
    let kind: ProcFdKind
    let writable: Bool
    var pos: UInt64 = 0
    init(kind: ProcFdKind, writable: Bool) { self.kind = kind; self.writable = writable }
}

/// The descriptors whose calls the emulator serves itself.
enum ProcFds {
    /// False while the table is empty: the only cost on the common path.
    static let active = Atomic<Bool>(false)
    private static let table = Mutex<[Int32: ProcFdEntry]>([:])

    static func get(_ fd: Int32) -> ProcFdEntry? {
        guard active.load(ordering: .relaxed) else { return nil }
        return table.withLock { $0[fd] }
    }

    static func set(_ fd: Int32, _ e: ProcFdEntry?) {
        table.withLock {
            $0[fd] = e
            active.store(!$0.isEmpty, ordering: .relaxed)
        }
    }

    /// Forgets descriptors the host no longer has open (after close_range).
    static func prune() {
        guard active.load(ordering: .relaxed) else { return }
        table.withLock { t in
            for fd in Array(t.keys) where fcntl(fd, F_GETFD) < 0 { t[fd] = nil }
            active.store(!t.isEmpty, ordering: .relaxed)
        }
    }
}

/// Descriptors the emulator itself keeps open (the -D log): the guest
/// cannot close, replace or list them; for it they are not open.
public enum EmulatorFds {
    nonisolated(unsafe) public static var fds: Set<Int32> = []

    /// Moves `fd` above the guest's descriptor limit and records it; the
    /// new number is returned (the old one is closed).
    public static func hide(_ fd: Int32) -> Int32 {
        var lim = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lim)
        let top = Int32(truncatingIfNeeded: min(lim.rlim_max, 1 << 16))
        var target = fd
        for candidate in stride(from: top - 1, to: max(fd, top - 64), by: -1) where fcntl(candidate, F_GETFD) < 0 {
            if HostSyscall.call(HostNR.dup3, Int(fd), Int(candidate), Int(O_CLOEXEC)) == Int(candidate) { close(fd); target = candidate }
            break
        }
        fds.insert(target)
        return target
    }

    @inline(__always) static func contains(_ fd: Int32) -> Bool { !fds.isEmpty && fds.contains(fd) }
}

/// Where a procfs file belongs.
enum ProcPlace: Equatable {
    /// Not a file of a process directory (cpuinfo, sys/..., the root).
    case global([[UInt8]])
    /// A file of this process: the components under /proc/PID (or
    /// /proc/PID/task/TID), empty for the directory itself.
    case own([[UInt8]])
    /// A file of another process.
    case other([[UInt8]])
}

extension LinuxProcess {
    /// The components of a canonical procfs path below the procfs root:
    /// the path from /proc/self/fd/N, whose leading part is the mount
    /// point (normally /proc; a guest that mounts procfs elsewhere too is
    /// handled the same way).
    static func procComponents(_ canonical: [UInt8]) -> [[UInt8]] {
        let comps = canonical.split(separator: 0x2f, omittingEmptySubsequences: true).map { Array($0) }
        var prefix: [UInt8] = []
        for (i, c) in comps.enumerated() {
            prefix += [0x2f] + c
            if prefix.withCString({ fsType(path: $0) }) == procSuperMagic {
                return Array(comps[(i + 1)...])
            }
        }
        return comps
    }

    /// Classifies the components below the procfs root.
    func procPlace(_ comps: [[UInt8]]) -> ProcPlace {
        guard let first = comps.first, let n = Int(String(decoding: first, as: UTF8.self)), n > 0 else { return .global(comps) }
        var rest = Array(comps.dropFirst())
        let own = n == pid || isOwnThread(n)
        if rest.first == "task".bytes, rest.count >= 2 {
            // /proc/PID/task/TID/...: the thread must be this process's too.
            guard own, let t = Int(String(decoding: rest[1], as: UTF8.self)), t == pid || isOwnThread(t) else {
                return .other(Array(rest.dropFirst(2)))
            }
            rest = Array(rest.dropFirst(2))
        }
        return own ? .own(rest) : .other(rest)
    }

    /// True when `tid` is a thread of this process (the kernel shows
    /// /proc/TID for every thread, though readdir lists only leaders).
    func isOwnThread(_ tid: Int) -> Bool {
        var st = stat()
        return "/proc/\(pid)/task/\(tid)".withCString { stat($0, &st) } == 0
    }

    /// The canonical path of a host fd (/proc/self/fd/N), or nil.
    func fdPath(_ fd: Int) -> [UInt8]? {
        readLink("/proc/self/fd/\(fd)".bytes)
    }

    /// True when the host fd is on procfs.
    func isProcFd(_ fd: Int) -> Bool {
        var buf = [UInt64](repeating: 0, count: 15)
        let r = buf.withUnsafeMutableBytes { HostSyscall.call(HostNR.fstatfs, fd, Int(bitPattern: $0.baseAddress)) }
        return r == 0 && Int(buf[0]) == procSuperMagic
    }

    /// After the host opened a guest path as `fd`: a procfs file that
    /// would show the emulator is replaced by the guest's view or closed
    /// with the refusal's errno. Any other fd is returned as it is.
    func guardProcOpen(_ fd: Int, guestFlags: Int) -> Int {
        guard fd >= 0, isProcFd(fd), let canonical = fdPath(fd) else { return fd }
        let hostFd = Int32(truncatingIfNeeded: fd)
        let cloexec = guestFlags & GuestO.cloexec != 0
        let acc = xlatOpenFlagsToHost(guestFlags) & Int(O_ACCMODE)
        let isPath = xlatOpenFlagsToHost(guestFlags) & Int(hostOPath) != 0
        func refuse(_ e: Int) -> Int { close(hostFd); return -e }
        func replace(_ newFd: Int) -> Int {
            if newFd < 0 { return refuse(-newFd) }
            // Keep the number the host gave, as the kernel would have.
            let r = HostSyscall.call(HostNR.dup3, newFd, fd, cloexec ? Int(O_CLOEXEC) : 0)
            close(Int32(truncatingIfNeeded: newFd))
            return r < 0 ? refuse(-r) : fd
        }
        switch procPlace(LinuxProcess.procComponents(canonical)) {
        case .global(let c):
            if c == ["cpuinfo".bytes] && !isPath { return replace(openSynthetic(Array(procCpuinfo().utf8), cloexec: false)) }
            return fd
        case .other(let c):
            // Another process: if it is a guest, its emulator's memory;
            // the emulator cannot tell, so none is reachable (as without
            // ptrace access).
            guard let name = c.first else { return fd }
            if ["mem".bytes, "pagemap".bytes, "map_files".bytes].contains(name) { return refuse(Errno.EACCES) }
            return fd
        case .own(let c):
            guard let name = c.first else { return fd }
            let entry = String(decoding: name, as: UTF8.self)
            if c.count > 1 {
                switch entry {
                case "map_files": return refuse(Errno.ENOENT)
                case "fd", "fdinfo":
                    if let n = Int32(String(decoding: c[1], as: UTF8.self)), EmulatorFds.contains(n) { return refuse(Errno.ENOENT) }
                    return fd
                default: return fd
                }
            }
            if isPath && entry != "mem" && entry != "pagemap" && entry != "map_files" { return fd }
            switch entry {
            case "mem", "pagemap":
                if isPath { return replace(openSynthetic([], cloexec: false)) }
                let writable = entry == "mem" && acc != Int(O_RDONLY)
                if entry == "pagemap" && acc != Int(O_RDONLY) { return refuse(Errno.EACCES) }
                let r = replace(openSynthetic([], cloexec: false))
                if r >= 0 { ProcFds.set(Int32(truncatingIfNeeded: r), ProcFdEntry(kind: entry == "mem" ? .mem : .pagemap, writable: writable)) }
                return r
            case "map_files", "stack": return refuse(Errno.EACCES)
            case "fd", "fdinfo":
                ProcFds.set(hostFd, ProcFdEntry(kind: .fdDir, writable: false))
                return fd
            case "exe":
                guard !options.programFile.isEmpty else { return refuse(Errno.ENOENT) }
                let r = options.programFile.withCString { HostSyscall.call(HostNR.openat, Int(AT_FDCWD), Int(bitPattern: $0), Int(O_RDONLY)) }
                return replace(r)
            default:
                guard let bytes = guestProcView(entry) else { return fd }
                if acc != Int(O_RDONLY) { return refuse(Errno.EACCES) }
                return replace(openSynthetic(bytes, cloexec: false))
            }
        }
    }

    /// The guest's view of an entry of its /proc/PID directory, or nil
    /// when the host's file shows nothing of the emulator.
    func guestProcView(_ entry: String) -> [UInt8]? {
        switch entry {
        case "maps": return Array(procMaps().utf8)
        case "smaps": return Array(procSmaps(rollup: false).utf8)
        case "smaps_rollup": return Array(procSmaps(rollup: true).utf8)
        case "numa_maps": return Array(procNumaMaps().utf8)
        case "auxv": return procAuxv()
        case "cmdline": return procGuestBytes(options.procInfo.argStart, options.procInfo.argEnd)
        case "environ": return procGuestBytes(options.procInfo.envStart, options.procInfo.envEnd)
        case "stat": return procStat()
        case "statm": return Array(procStatm().utf8)
        case "comm": return threadName + [0x0a]
        case "status": return procStatus()
        case "syscall": return Array("running\n".utf8)
        case "wchan": return Array("0".utf8)
        case "personality": return Array("00000000\n".utf8)
        default: return nil
        }
    }

    /// readlinkat's answer for a link of this process's /proc directory
    /// (found by opening the link itself with hostOPath|O_NOFOLLOW), or nil
    /// to ask the host.
    func guardProcReadlink(dirfd: Int, _ hostPath: UnsafePointer<CChar>) -> [UInt8]?? {
        guard let c = ownProcLink(dirfd: dirfd, hostPath), let name = c.first else { return nil }
        switch (String(decoding: name, as: UTF8.self), c.count) {
        case ("exe", 1):
            guard !options.programFile.isEmpty else { return .some(nil) }
            var target = options.programFile
            if let rp = target.withCString({ realpath($0, nil) }) { target = [UInt8](cString: rp); free(rp) }
            return .some(target)
        case ("map_files", 2): return .some(nil)
        case ("fd", 2):
            if let n = Int32(String(decoding: c[1], as: UTF8.self)), EmulatorFds.contains(n) { return .some(nil) }
            return nil
        default: return nil
        }
    }
}

extension LinuxProcess {
    func sysClose(_ a: SysArgs) -> Int {
        let fd = Int32(truncatingIfNeeded: a.i32(0))
        if EmulatorFds.contains(fd) { return -Errno.EBADF }
        let r = HostSyscall.call(HostNR.close, a.i32(0))
        if ProcFds.active.load(ordering: .relaxed) { ProcFds.set(fd, nil) }
        return r
    }

    /// close_range over the guest's part of [first, last]: the emulator's
    /// own fds split it into pieces closed one after the other.
    func sysCloseRange(_ a: SysArgs) -> Int {
        let first = UInt32(truncatingIfNeeded: a[0]), last = UInt32(truncatingIfNeeded: a[1])
        let flags = a.i32(2)
        if first > last { return -Errno.EINVAL }
        var start = first
        var r = 0
        for h in EmulatorFds.fds.sorted() where UInt32(bitPattern: h) >= start && UInt32(bitPattern: h) <= last {
            if UInt32(bitPattern: h) > start {
                r = HostSyscall.call(HostNetNR.close_range, Int(start), Int(UInt32(bitPattern: h) - 1), flags)
                if r < 0 { return r }
            }
            start = UInt32(bitPattern: h) &+ 1
            if start == 0 { break }
        }
        if start != 0 && start <= last {
            r = HostSyscall.call(HostNetNR.close_range, Int(start), Int(last), flags)
        }
        ProcFds.prune()
        return r
    }
}

extension LinuxProcess {
    /// The components below this process's /proc directory of the file
    /// `path` names without following a final link (O_PATH|O_NOFOLLOW),
    /// or nil when it is not there.
    func ownProcLink(dirfd: Int, _ hostPath: UnsafePointer<CChar>) -> [[UInt8]]? {
        let fd = HostSyscall.call(HostNR.openat, dirfd, Int(bitPattern: hostPath), Int(hostOPath | O_NOFOLLOW | O_CLOEXEC))
        guard fd >= 0 else { return nil }
        defer { close(Int32(truncatingIfNeeded: fd)) }
        guard isProcFd(fd), let canonical = fdPath(fd) else { return nil }
        guard case .own(let c) = procPlace(LinuxProcess.procComponents(canonical)) else { return nil }
        return c
    }

    /// True when `path` (from `dirfd`) is this process's exe link by any
    /// spelling; only paths ending in "exe" are looked at.
    func isOwnExe(dirfd: Int, _ path: [UInt8]) -> Bool {
        guard path.count >= 3, path.suffix(3).elementsEqual("exe".utf8) else { return false }
        return path.withCString { ownProcLink(dirfd: dirfd, $0) } == ["exe".bytes]
    }
}
