import Glibc

// MARK: - Guest paths and the sysroot
//
// With a sysroot (-L DIR, QEMU_LD_PREFIX, or the default one that held the
// dynamic loader), an absolute guest path names the file under DIR when
// that file exists, and the host's file otherwise: qemu's path() in
// util/path.c. Unlike qemu, symbolic links met on the way are followed
// inside DIR, as a chroot would, so a Debian sysroot's absolute links
// (/lib/x -> /usr/lib/x) stay in the sysroot. /proc, /dev and /sys always
// name the host's, since they describe the running system.

/// The host path for the absolute guest path `path` under `root`, or
/// `path` itself when nothing exists there. `followLast` resolves a final
/// symbolic link too (stat, open); without it (lstat, readlink, unlink)
/// the link itself is named.
public func xlatSysrootPath(root: String, _ path: String, followLast: Bool = true) -> String {
    guard path.hasPrefix("/"), !root.isEmpty, root != "/" else { return path }
    for host in ["/proc", "/dev", "/sys"] where path == host || path.hasPrefix(host + "/") { return path }
    let rootDir = root.hasSuffix("/") ? String(root.dropLast()) : root
    var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    pending.reverse() // a stack: the next component is last
    var resolved: [String] = []
    var links = 0
    while let comp = pending.popLast() {
        if comp == "." { continue }
        if comp == ".." { _ = resolved.popLast(); continue }
        let candidate = rootDir + "/" + (resolved + [comp]).joined(separator: "/")
        var st = stat()
        guard lstat(candidate, &st) == 0 else { return path }
        let isLast = pending.isEmpty
        if st.st_mode & S_IFMT == S_IFLNK && (!isLast || followLast) {
            links += 1
            guard links <= 40, let target = readLink(candidate) else { return path }
            if target.hasPrefix("/") { resolved.removeAll() }
            for c in target.split(separator: "/", omittingEmptySubsequences: true).reversed() {
                pending.append(String(c))
            }
            continue
        }
        if !isLast && st.st_mode & S_IFMT != S_IFDIR { return path }
        resolved.append(comp)
    }
    return rootDir + "/" + resolved.joined(separator: "/")
}

/// The target of a symbolic link on the host, or nil.
func readLink(_ path: String) -> String? {
    var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buf, buf.count - 1)
    guard n >= 0 else { return nil }
    return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension LinuxProcess {
    /// The host path for a guest path: the guest program for
    /// /proc/self/exe, the sysroot's file when the sysroot has it, else
    /// the path as given. Every path-taking syscall goes through here.
    public func xlatPath(_ p: String, followLast: Bool = true) -> String {
        if !options.programPath.isEmpty, followLast, isProcSelf(p, "exe") { return options.programPath }
        guard let root = options.sysroot else { return p }
        return xlatSysrootPath(root: root, p, followLast: followLast)
    }

    /// True for /proc/self/NAME, /proc/thread-self/NAME, /proc/PID/NAME and
    /// /proc/PID/task/PID/NAME of this process.
    func isProcSelf(_ path: String, _ name: String) -> Bool {
        procSelfEntry(path) == name
    }

    /// "NAME" for a /proc path of this process, such as "maps" for
    /// /proc/self/maps; nil for other paths.
    func procSelfEntry(_ path: String) -> String? {
        guard path.hasPrefix("/proc/") else { return nil }
        let prefixes = ["/proc/self/", "/proc/thread-self/", "/proc/\(pid)/", "/proc/\(pid)/task/\(tid)/",
                        "/proc/self/task/\(tid)/"]
        for prefix in prefixes where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            if !rest.isEmpty, !rest.contains("/") { return String(rest) }
        }
        return nil
    }
}
