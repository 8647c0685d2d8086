import AArch64
import Glibc
import GuestMemory

// MARK: - fork (clone without threads), execve, wait
//
// A child process is a host fork of the whole emulator: the address space
// is one private mapping, so the child gets a copy-on-write copy of it,
// exactly what fork gives a native process. execve starts the emulator
// again (/proc/self/exe) on an arm64 program, as binfmt_misc would; other
// programs are left to the host kernel, as under qemu-user.

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
            pending.removeAll()
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

    /// Reads a NULL-terminated array of guest string pointers.
    func guestStrings(_ addr: UInt64) -> [String]? {
        var out: [String] = []
        if addr == 0 { return out }
        var p = addr
        while out.count < 65536 {
            guard let s = mem.readU64(p) else { return nil }
            if s == 0 { return out }
            guard let str = mem.readCString(s, max: 1 << 17) else { return nil }
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
        if access(path, F_OK) != 0 { return -xlatErrno(errno) }
        if access(path, X_OK) != 0 { return -Errno.EACCES }
        guard let head = readHead(path) else { return -Errno.EACCES }
        if isArm64ELF(head) { return execEmulator(path: path, argv: argv, envp: envp) }
        if head.count > 2, head[0] == 0x23, head[1] == 0x21 {
            // "#!interpreter [arg]": the interpreter gets the script's path in place of argv[0].
            let line = head[2...].prefix { $0 != 0x0a }
            let words = String(decoding: line, as: UTF8.self)
                .split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            if let interp = words.first.map(String.init) {
                let hostInterp = xlatPath(interp)
                if let ih = readHead(hostInterp), isArm64ELF(ih) {
                    var newArgv = [interp]
                    if words.count > 1 { newArgv.append(String(words[1]).trimmingSpaces()) }
                    newArgv.append(path)
                    newArgv += argv.dropFirst()
                    return execEmulator(path: hostInterp, argv: newArgv, envp: envp)
                }
            }
        }
        return execHost(path: path, argv: argv, envp: envp)
    }

    func isArm64ELF(_ head: [UInt8]) -> Bool {
        head.count >= 20 && head[0..<4] == [0x7f, 0x45, 0x4c, 0x46] && head[18] == 183 && head[19] == 0
    }

    func readHead(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var b = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &b, b.count)
        return n < 0 ? nil : Array(b[0..<n])
    }

    /// Replaces this process by a new emulator running `path`.
    func execEmulator(path: String, argv: [String], envp: [String]) -> Int {
        if let failed = checkExecImage(path) { return failed }
        var args = ["swift-qemu-lite"]
        if options.strace { args.append("-strace") }
        if let root = options.sysroot { args += ["-L", root] }
        let model = CPUModel.of(midr: cpu.r[Slot.midr])
        if model.name != CPUModel.max.name { args += ["-cpu", model.name] }
        if let first = argv.first { args += ["-0", first] }
        args += ["--", path]
        args += argv.dropFirst()
        return execHost(path: "/proc/self/exe", argv: args, envp: envp)
    }

    /// The host's execve, with the guest's blocked mask handed on.
    func execHost(path: String, argv args: [String], envp: [String]) -> Int {
        let cArgs = args.map { strdup($0) } + [nil]
        let cEnv = envp.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        prepareHostSignalsForExec()
        execve(path, cArgs, cEnv)
        let e = errno
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
        return -xlatErrno(e)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
