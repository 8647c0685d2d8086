import Glibc
import GuestMemory

// MARK: - Guest paths and the sysroot
//
// With a sysroot (-L DIR, QEMU_LD_PREFIX, or the default one that held the
// dynamic loader), an absolute guest path names the file under DIR when
// that file exists, and the host's file otherwise: qemu's path() in
// util/path.c. Unlike qemu, symbolic links met on the way are followed
// inside DIR, as a chroot would, so a Debian sysroot's absolute links
// (/lib/x -> /usr/lib/x) stay in the sysroot. /proc, /dev and /sys always
// name the host's, since they describe the running system.
//
// Paths are byte strings (GuestMemory/ByteString.swift) throughout.

private let slash: UInt8 = 0x2f

/// The host path for the absolute guest path `path` under `root`, or
/// `path` itself when nothing exists there. `followLast` resolves a final
/// symbolic link too (stat, open); without it (lstat, readlink, unlink)
/// the link itself is named.
public func xlatSysrootPath(root: [UInt8], _ path: [UInt8], followLast: Bool = true) -> [UInt8] {
    guard path.first == slash, !root.isEmpty, root != [slash] else { return path }
    for host in ["/proc", "/dev", "/sys"] {
        let h = host.bytes
        if path == h || path.hasPrefix(h + [slash]) { return path }
    }
    let rootDir = root.last == slash ? Array(root.dropLast()) : root
    var pending = path.split(separator: slash, omittingEmptySubsequences: true).map { Array($0) }
    pending.reverse() // a stack: the next component is last
    var resolved: [UInt8] = [] // "/a/b" below rootDir
    var links = 0
    let dot: [UInt8] = [0x2e], dotdot: [UInt8] = [0x2e, 0x2e]
    while let comp = pending.popLast() {
        if comp == dot { continue }
        if comp == dotdot {
            if let i = resolved.lastIndex(of: slash) { resolved.removeSubrange(i...) }
            continue
        }
        let candidate = rootDir + resolved + [slash] + comp
        var st = stat()
        guard candidate.withCString({ lstat($0, &st) }) == 0 else { return path }
        let isLast = pending.isEmpty
        if st.st_mode & S_IFMT == S_IFLNK && (!isLast || followLast) {
            links += 1
            guard links <= 40, let target = readLink(candidate) else { return path }
            if target.first == slash { resolved.removeAll() }
            for c in target.split(separator: slash, omittingEmptySubsequences: true).reversed() {
                pending.append(Array(c))
            }
            continue
        }
        if !isLast && st.st_mode & S_IFMT != S_IFDIR { return path }
        resolved += [slash] + comp
    }
    return rootDir + (resolved.isEmpty ? [slash] : resolved)
}

/// The same for paths given as Swift text (tests and embedders).
public func xlatSysrootPath(root: String, _ path: String, followLast: Bool = true) -> String {
    xlatSysrootPath(root: root.bytes, path.bytes, followLast: followLast).displayString
}

/// The target of a symbolic link on the host, or nil.
func readLink(_ path: [UInt8]) -> [UInt8]? {
    var buf = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = path.withCString { p in buf.withUnsafeMutableBytes { readlink(p, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count - 1) } }
    guard n >= 0 else { return nil }
    return Array(buf[0..<n])
}

extension LinuxProcess {
    /// The host path for a guest path: the guest program for
    /// /proc/self/exe, the sysroot's file when the sysroot has it, else
    /// the path as given. Every path-taking syscall goes through here.
    public func xlatPath(_ p: [UInt8], followLast: Bool = true) -> [UInt8] {
        if !options.programFile.isEmpty, followLast, isProcSelf(p, "exe") || isOwnExe(dirfd: Int(AT_FDCWD), p) { return options.programFile }
        guard let root = options.sysrootFile else { return p }
        return xlatSysrootPath(root: root, p, followLast: followLast)
    }

    /// True for /proc/self/NAME, /proc/thread-self/NAME, /proc/PID/NAME and
    /// /proc/PID/task/PID/NAME of this process.
    func isProcSelf(_ path: [UInt8], _ name: String) -> Bool {
        procSelfEntry(path) == name
    }

    /// "NAME" for a /proc path of this process, such as "maps" for
    /// /proc/self/maps; nil for other paths. The names the emulator
    /// makes up are ASCII; others are nil too.
    func procSelfEntry(_ path: [UInt8]) -> String? {
        guard path.hasPrefix("/proc/".bytes) else { return nil }
        let prefixes = ["/proc/self/", "/proc/thread-self/", "/proc/\(pid)/", "/proc/\(pid)/task/\(tid)/",
                        "/proc/self/task/\(tid)/"]
        for prefix in prefixes {
            let pb = prefix.bytes
            guard path.hasPrefix(pb) else { continue }
            let rest = path[pb.count...]
            if !rest.isEmpty, !rest.contains(slash), rest.allSatisfy({ $0 < 0x80 }) {
                return String(decoding: rest, as: UTF8.self)
            }
        }
        return nil
    }
}
