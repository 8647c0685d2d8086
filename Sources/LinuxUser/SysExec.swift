import AArch64
import Glibc
import GuestMemory

// MARK: - fork (clone without threads), execve, execveat, wait
//
// A child process is a host fork of the whole emulator: the address space
// is one private mapping, so the child gets a copy-on-write copy of it,
// exactly what fork gives a native process. execve starts a new emulator
// on an arm64 program (through /proc/self/exe, the emulator's own path,
// or binfmt_misc; see execEmulator); other programs are left to the host
// kernel, as under qemu-user. Paths, argv and envp are byte strings.

public enum GuestClone {
    public static let vm = 0x100, vfork = 0x4000, thread = 0x10000, settls = 0x80000
    public static let parentSettid = 0x100000, childCleartid = 0x200000, childSettid = 0x100_0000
}

extension LinuxProcess {
    /// clone(flags, newsp, parent_tidptr, tls, child_tidptr): the arm64
    /// (generic) argument order. Threads (CLONE_THREAD, or CLONE_VM without
    /// CLONE_VFORK) are not supported yet.
    func sysClone(_ a: SysArgs) -> Int {
        let flags = a.int(0)
        if flags & GuestClone.thread != 0 && flags & GuestClone.vm != 0 { return sysCloneThread(a) }
        if flags & GuestClone.thread != 0 || (flags & GuestClone.vm != 0 && flags & GuestClone.vfork == 0) {
            return -Errno.EINVAL
        }
        // vfork: the parent sleeps until the child execs or exits, which
        // closes the child's copy of this close-on-exec pipe.
        var gate: [Int32] = [-1, -1]
        if flags & GuestClone.vfork != 0 { _ = gate.withUnsafeMutableBufferPointer { HostSyscall.call(HostNR.pipe2, Int(bitPattern: $0.baseAddress), Int(O_CLOEXEC)) } }
        let child = shared.aroundFork(mem) { fork() }
        if child < 0 { return -xlatErrno(errno) }
        if child == 0 {
            if gate[0] >= 0 { close(gate[0]) }
            pid = Int(getpid())
            tid = pid
            isMainThreadAfterFork = true
            shared.resetAfterFork(mem)
            setThreadSlotTid(signalSlot, Int32(truncatingIfNeeded: pid))
            resetSignalsAfterFork()
            if a[1] != 0 { cpu.sp = a[1] }
            if flags & GuestClone.settls != 0 { cpu.tpidr = a[3] }
            if flags & GuestClone.childSettid != 0 { _ = mem.writeU32(a[4], UInt32(pid)) }
            if flags & GuestClone.childCleartid != 0 { clearChildTid = a[4] }
            if flags & GuestClone.parentSettid != 0 { _ = mem.writeU32(a[2], UInt32(pid)) }
            inForkedChild = true
            return 0
        }
        if gate[1] >= 0 {
            close(gate[1])
            var b: UInt8 = 0
            while read(gate[0], &b, 1) < 0 && errno == EINTR {}
            close(gate[0])
        }
        if flags & GuestClone.parentSettid != 0 { _ = mem.writeU32(a[2], UInt32(child)) }
        return Int(child)
    }

    func sysWaitid(_ a: SysArgs) -> Int {
        var info = 0, ru = 0
        if a[2] != 0 { guard let p = outBuf(a[2], 128) else { return -Errno.EFAULT }; info = Int(bitPattern: p) }
        if a[4] != 0 { guard let p = outBuf(a[4], 144) else { return -Errno.EFAULT }; ru = Int(bitPattern: p) }
        return HostSyscall.call(HostNR.waitid, a.i32(0), a.i32(1), info, a.i32(3), ru)
    }

    /// Reads a NULL-terminated array of guest string pointers, each string
    /// as bytes.
    func guestStrings(_ addr: UInt64) -> [[UInt8]]? {
        var out: [[UInt8]] = []
        if addr == 0 { return out }
        var p = addr
        while out.count < 65536 {
            guard let s = mem.readU64(p) else { return nil }
            if s == 0 { return out }
            guard let str = mem.readCStringBytes(s, max: 1 << 17) else { return nil }
            out.append(str)
            p &+= 8
        }
        return nil
    }

    /// execve: an arm64 ELF (directly or as the interpreter of a #! script)
    /// runs in a new emulator; anything else is handed to the host kernel,
    /// as qemu-user does, so host tools such as /bin/sh still run natively.
    func sysExecve(_ a: SysArgs) -> Int {
        guard let path = guestPath(a[0]), let argv = guestStrings(a[1]), let envp = guestStrings(a[2]) else {
            return -Errno.EFAULT
        }
        return execProgram(ExecTarget(path: path, fd: nil), argv: argv, envp: envp)
    }

    /// execveat(dirfd, path, argv, envp, flags): AT_EMPTY_PATH runs the file
    /// open at dirfd (fexecve), a relative path is looked up from dirfd, and
    /// AT_SYMLINK_NOFOLLOW refuses a final symbolic link (ELOOP).
    func sysExecveat(_ a: SysArgs) -> Int {
        let dirfd = Int32(truncatingIfNeeded: a.i32(0)), flags = a.i32(4)
        let emptyPath = 0x1000, noFollowLink = 0x100
        guard flags & ~(emptyPath | noFollowLink) == 0 else { return -Errno.EINVAL }
        guard let name = mem.readCStringBytes(a[1], max: Int(PATH_MAX)), let argv = guestStrings(a[2]),
              let envp = guestStrings(a[3]) else { return -Errno.EFAULT }
        if name.isEmpty && flags & emptyPath == 0 { return -Errno.ENOENT }
        if !name.isEmpty && (name.first == 0x2f || dirfd == AT_FDCWD) && flags == 0 {
            guard let path = guestPath(a[1]) else { return -Errno.EFAULT }
            return execProgram(ExecTarget(path: path, fd: nil), argv: argv, envp: envp)
        }
        // Open what the kernel would run and name it as Linux does for
        // AT_EXECFN: /dev/fd/N, or /dev/fd/N/path for a relative path.
        var fd: Int
        var shown: [UInt8]
        if name.isEmpty {
            fd = Int(fcntl(dirfd, F_DUPFD_CLOEXEC, 3))
            if fd < 0 { return -xlatErrno(errno) }
            shown = "/dev/fd/\(dirfd)".bytes
        } else {
            let nofollow = flags & noFollowLink != 0 ? Int(O_NOFOLLOW) : 0
            var hostName = name.first == 0x2f ? xlatPath(name, followLast: nofollow == 0) : name
            if nofollow == 0, !options.programFile.isEmpty, isOwnExe(dirfd: Int(dirfd), name) { hostName = options.programFile }
            fd = hostName.withCString {
                HostSyscall.call(HostNR.openat, Int(dirfd), Int(bitPattern: $0), Int(O_RDONLY | O_CLOEXEC) | nofollow)
            }
            if fd == -Errno.EACCES {
                // Execute permission without read permission: Linux runs it, the emulator cannot read it.
                return -Errno.EACCES
            }
            shown = name.first == 0x2f || dirfd == AT_FDCWD ? name : "/dev/fd/\(dirfd)/".bytes + name
        }
        if fd < 0 { return fd }
        defer { close(Int32(fd)) }
        return execProgram(ExecTarget(path: shown, fd: Int32(fd)), argv: argv, envp: envp)
    }

    /// What execve or execveat runs: a host path, or an open file (then
    /// `path` is the name the guest sees, /dev/fd/N).
    struct ExecTarget {
        var path: [UInt8]
        var fd: Int32?

        /// The first bytes of the file, or nil when it cannot be read.
        func head() -> [UInt8]? {
            var b = [UInt8](repeating: 0, count: 256)
            if let fd {
                let n = pread(fd, &b, b.count, 0)
                return n < 0 ? nil : Array(b[0..<n])
            }
            return readHead(path)
        }
    }

    /// Runs `target`: checks as the kernel's do_open_execat (exists,
    /// executable, a regular file), then an arm64 ELF or a #! script with
    /// an arm64 interpreter goes to a new emulator, anything else to the
    /// host kernel.
    func execProgram(_ target: ExecTarget, argv: [[UInt8]], envp: [[UInt8]]) -> Int {
        var st = stat()
        let r: Int32
        if let fd = target.fd { r = fstat(fd, &st) } else { r = target.path.withCString { stat($0, &st) } }
        if r != 0 { return -xlatErrno(errno) }
        if st.st_mode & S_IFMT == S_IFDIR { return -Errno.EACCES }
        let executable: Int32
        if let fd = target.fd {
            executable = faccessat(fd, "", X_OK, Int32(HostExecNR.atEmptyPath) | AT_EACCESS)
        } else {
            executable = target.path.withCString { access($0, X_OK) }
        }
        if executable != 0 || st.st_mode & S_IFMT != S_IFREG { return -Errno.EACCES }
        guard let head = target.head() else { return -Errno.EACCES }
        if isArm64ELF(head) { return execEmulator(target, argv: argv, envp: envp) }
        if head.count > 2, head[0] == 0x23, head[1] == 0x21, let (interp, arg) = shebang(head) {
            // "#!interpreter [arg]": the interpreter gets the script's path in place of argv[0].
            let hostInterp = xlatPath(interp)
            if let ih = readHead(hostInterp), isArm64ELF(ih) {
                var newArgv = [interp]
                if let arg { newArgv.append(arg) }
                newArgv.append(target.path)
                newArgv += argv.dropFirst()
                return execEmulator(ExecTarget(path: hostInterp, fd: nil), argv: newArgv, envp: envp,
                                    execfn: target.path)
            }
        }
        if let fd = target.fd {
            return execHostAt(fd: fd, path: [], flags: HostExecNR.atEmptyPath, argv: argv, envp: envp)
        }
        return execHost(path: target.path, argv: argv, envp: envp)
    }

    /// The interpreter and optional argument of a "#!" line, split as
    /// fs/binfmt_script.c does: blanks around both, the argument is the
    /// rest of the line in one piece.
    func shebang(_ head: [UInt8]) -> ([UInt8], [UInt8]?)? {
        let line = head[2...].prefix { $0 != 0x0a }
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        let trimmed = line.drop(while: blank)
        let interp = Array(trimmed.prefix { !blank($0) })
        guard !interp.isEmpty else { return nil }
        var rest = trimmed.dropFirst(interp.count).drop(while: blank)
        while let l = rest.last, blank(l) || l == 0x0d { rest = rest.dropLast() }
        return (interp, rest.isEmpty ? nil : Array(rest))
    }

    func isArm64ELF(_ head: [UInt8]) -> Bool {
        head.count >= 20 && head[0..<4] == [0x7f, 0x45, 0x4c, 0x46] && head[18] == 183 && head[19] == 0
    }

    /// Replaces this process by a new emulator running `target`. With
    /// /proc, or with the emulator's own path known (started by hand, not
    /// by binfmt_misc), the emulator is started on it with the options of
    /// this run; otherwise the program itself is handed to the host's
    /// execve, and binfmt_misc starts the registered emulator on it, as
    /// under qemu. The options then travel in QEMU_* variables that the new
    /// emulator reads and removes again (`ExecEnvironment`).
    func execEmulator(_ target: ExecTarget, argv: [[UInt8]], envp: [[UInt8]], execfn: [UInt8]? = nil) -> Int {
        // A program the loader would refuse fails here, while this image
        // can still return the error (an open file is checked by the new
        // emulator instead).
        if target.fd == nil, let failed = checkExecImage(target.path) { return failed }
        let model = CPUModel.of(midr: cpu.r[Slot.midr])
        let emulator: [UInt8]?
        if access("/proc/self/exe", X_OK) == 0 {
            emulator = "/proc/self/exe".bytes
        } else if let own = options.emulatorFile, own.withCString({ access($0, X_OK) }) == 0 {
            emulator = own
        } else {
            emulator = nil
        }
        guard let emulator else {
            var passed: [(String, [UInt8])] = []
            if options.strace { passed.append(("QEMU_STRACE", "1".bytes)) }
            if let root = options.sysrootFile { passed.append(("QEMU_LD_PREFIX", root)) }
            if model.name != CPUModel.max.name { passed.append(("QEMU_CPU", model.name.bytes)) }
            let env = ExecEnvironment.adding(passed, to: envp)
            if let fd = target.fd {
                return execHostAt(fd: fd, path: [], flags: HostExecNR.atEmptyPath, argv: argv, envp: env)
            }
            return execHost(path: target.path, argv: argv, envp: env)
        }
        var args: [[UInt8]] = ["swift-qemu-lite".bytes]
        if options.strace { args.append("-strace".bytes) }
        if let root = options.sysrootFile { args += ["-L".bytes, root] }
        if model.name != CPUModel.max.name { args += ["-cpu".bytes, model.name.bytes] }
        if let first = argv.first { args += ["-0".bytes, first] }
        var env = envp
        if let execfn { env = ExecEnvironment.adding([(ExecEnvironment.execFN, execfn)], to: env) }
        var keep: Int32 = -1
        if let fd = target.fd {
            // The program stays open across the exec for the new emulator,
            // which reads it as it would binfmt_misc's AT_EXECFD.
            keep = fcntl(fd, F_DUPFD, 3)
            if keep < 0 { return -xlatErrno(errno) }
            env = ExecEnvironment.adding([(ExecEnvironment.execFD, "\(keep)".bytes)], to: env)
        }
        defer { if keep >= 0 { close(keep) } }
        args += ["--".bytes, target.path]
        args += argv.dropFirst()
        return execHost(path: emulator, argv: args, envp: env)
    }

    /// The host's execve, with the guest's blocked mask handed on.
    func execHost(path: [UInt8], argv args: [[UInt8]], envp: [[UInt8]]) -> Int {
        path.withCString { p in
            withCStringArray(args) { cArgs in
                withCStringArray(envp) { cEnv in
                    prepareHostSignalsForExec()
                    let r = HostSyscall.call(HostExecNR.execve, Int(bitPattern: p), Int(bitPattern: cArgs),
                                             Int(bitPattern: cEnv))
                    restoreSignalsAfterFailedExec()
                    return r
                }
            }
        }
    }

    /// The host's execveat.
    func execHostAt(fd: Int32, path: [UInt8], flags: Int, argv args: [[UInt8]], envp: [[UInt8]]) -> Int {
        path.withCString { p in
            withCStringArray(args) { cArgs in
                withCStringArray(envp) { cEnv in
                    prepareHostSignalsForExec()
                    let r = HostSyscall.call(HostExecNR.execveat, Int(fd), Int(bitPattern: p), Int(bitPattern: cArgs),
                                             Int(bitPattern: cEnv), flags)
                    restoreSignalsAfterFailedExec()
                    return r
                }
            }
        }
    }

    func restoreSignalsAfterFailedExec() {
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
    }
}

/// x86_64 numbers of the exec calls (asm/unistd_64.h).
enum HostExecNR {
    static let execve = 59, execveat = 322, prctl = 157
    /// AT_EMPTY_PATH (linux/fcntl.h), which Glibc does not export.
    static let atEmptyPath = 0x1000
}

/// The rows of execve and execveat.
let execSyscallRows: [SyscallRow] = [
    SyscallRow(221, "execve", [.str, .argv], note: "arm64 ELF (or #! script with an arm64 interpreter) runs in a new emulator (through /proc/self/exe, or binfmt_misc without /proc); other files go to the host kernel, as in qemu-user; paths, argv and envp stay bytes") { $0.sysExecve($1) },
    SyscallRow(281, "execveat", [.atfd, .str, .argv, .ptr, .atFlags], note: "AT_EMPTY_PATH (fexecve), dirfd-relative paths, AT_SYMLINK_NOFOLLOW; then as execve") { $0.sysExecveat($1) },
]

/// The first bytes of a host file, or nil when it cannot be read.
func readHead(_ path: [UInt8]) -> [UInt8]? {
    let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
    if fd < 0 { return nil }
    defer { close(fd) }
    var b = [UInt8](repeating: 0, count: 256)
    let n = read(fd, &b, b.count)
    return n < 0 ? nil : Array(b[0..<n])
}

/// Runs `body` with a NULL-terminated array of C strings.
func withCStringArray<R>(_ strings: [[UInt8]], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var storage: [UnsafeMutablePointer<CChar>?] = strings.map { s in
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: s.count + 1)
        s.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: s.count) }
        }
        p[s.count] = 0
        return p
    }
    storage.append(nil)
    defer { for p in storage { p?.deallocate() } }
    return storage.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Options a guest execve hands to the next emulator through the
/// environment when binfmt_misc starts it (no /proc/self/exe): the names
/// added are listed in SWIFT_QEMU_LITE_EXEC_ENV, and the new emulator
/// removes them and that list before the guest sees its environment. A
/// variable the guest set itself is left alone (and read, as qemu would).
public enum ExecEnvironment {
    public static let list = "SWIFT_QEMU_LITE_EXEC_ENV"
    /// The open program of an execveat(fd) (like binfmt_misc's AT_EXECFD).
    public static let execFD = "SWIFT_QEMU_LITE_EXECFD"
    /// The guest's AT_EXECFN, when a #! script's interpreter runs.
    public static let execFN = "SWIFT_QEMU_LITE_EXECFN"

    static func name(_ entry: [UInt8]) -> [UInt8] {
        Array(entry.prefix { $0 != 0x3d })
    }

    /// `envp` with the `passed` variables it does not set already, and
    /// their names listed.
    public static func adding(_ passed: [(String, [UInt8])], to envp: [[UInt8]]) -> [[UInt8]] {
        let existing = Set(envp.map(name))
        var env = envp
        var added: [String] = []
        for (n, v) in passed where !existing.contains(n.bytes) {
            env.append(n.bytes + [0x3d] + v)
            added.append(n)
        }
        if !added.isEmpty {
            let earlier = env.first { name($0) == list.bytes }.map { Array($0.dropFirst(list.utf8.count + 1)).displayString }
            env.removeAll { name($0) == list.bytes }
            env.append((list + "=" + ((earlier.map { [$0] } ?? []) + added).joined(separator: ",")).bytes)
        }
        return env
    }

    /// `env` without the variables a previous emulator added and their list.
    public static func removingAdded(from env: [[UInt8]]) -> [[UInt8]] {
        guard let entry = env.first(where: { name($0) == list.bytes }) else { return env }
        let names = entry.dropFirst(list.utf8.count + 1).split(separator: 0x2c).map { Array($0) }
        let drop = Set(names + [list.bytes])
        return env.filter { !drop.contains(name($0)) }
    }
}
