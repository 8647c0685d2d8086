import Glibc
import GuestMemory

// MARK: - The emulator's own command line, and what ps shows
//
// The Swift runtime finds argv on Linux by looking up the stack in
// /proc/self/maps (CommandLineSupport/CommandLine.cpp); without /proc
// (a fresh chroot) CommandLine.arguments comes back empty. The executable
// hands the runtime argv before it starts (swift-qemu-lite/Startup.swift);
// failing that, the kernel's layout needs no /proc: argc, then argv[],
// NULL, then envp[], which `environ` points at when the process starts, so
// argv is found by walking back from environ to the word that holds the
// count of the pointers passed on the way. The environment is the
// kernel's envp, just after argv, whatever was added to `environ` since.
//
// The same layout holds the strings: argv's and environ's, back to back at
// the top of the stack, which is what /proc/PID/cmdline reads (between
// mm->arg_start and arg_end). `ProcTitle` moves the environment elsewhere
// and writes the guest's argv there, as setproctitle does, so ps, top,
// pgrep and pidof see the guest's command line.

public enum HostArgs {
    typealias Vector = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    /// argv and environ as the kernel passed them, captured by `capture`.
    nonisolated(unsafe) static var argv: Vector?
    nonisolated(unsafe) static var argc = 0
    nonisolated(unsafe) static var envp: Vector?

    /// Finds argv (call first thing in main, before anything changes
    /// `environ`) and returns its strings as bytes; empty when it cannot.
    public static func capture() -> [[UInt8]] {
        if CommandLine.argc > 0 {
            argv = CommandLine.unsafeArgv
            argc = Int(CommandLine.argc)
            envp = CommandLine.unsafeArgv + argc + 1
        } else if let env = Optional(environ), env[-1] == nil {
            envp = env
            // env[-1] ends argv; below it argv[argc-1] ... argv[0], then argc.
            for k in 0..<(1 << 20) {
                let word = UInt(bitPattern: env[-2 - k])
                if word == UInt(k) {
                    argv = env - 1 - k
                    argc = k
                    break
                }
            }
        }
        guard let argv else { return [] }
        return (0..<argc).compactMap { argv[$0].map { [UInt8](cString: $0) } }
    }
}

public enum ProcTitle {
    /// Shows `guestArgv` as this process's command line and `program`'s
    /// base name (15 bytes, as the kernel's TASK_COMM_LEN allows) as its
    /// comm. Call once the command line and the environment have been
    /// read; the host environment is copied to the heap first.
    public static func set(guestArgv: [[UInt8]], program: [UInt8]) {
        let comm = Array(program.pathBasename.prefix(15))
        comm.withCString { _ = hostSyscall(157 /* prctl */, 15 /* PR_SET_NAME */, Int(bitPattern: $0), 0, 0, 0, 0) }
        guard let argv = HostArgs.argv, HostArgs.argc > 0, let first = argv[0] else { return }
        // The contiguous strings: argv's, then environ's.
        var end = first
        var argEnd = first
        for i in 0..<HostArgs.argc {
            guard let s = argv[i], s == end else { break }
            end = s + strlen(s) + 1
            argEnd = end
        }
        if let envp = HostArgs.envp {
            var i = 0
            while let s = envp[i], s == end {
                end = s + strlen(s) + 1
                i += 1
            }
        }
        // The environment moves to the heap (for good) before its strings
        // are overwritten: putenv keeps the copies themselves.
        var copies: [UnsafeMutablePointer<CChar>] = []
        if let env = Optional(environ) {
            var i = 0
            while let s = env[i] {
                copies.append(strdup(s))
                i += 1
            }
        }
        clearenv()
        for c in copies { putenv(c) }
        let area = end - first
        let argArea = argEnd - first
        var text: [UInt8] = guestArgv.flatMap { $0 + [0] }
        if text.count > argArea {
            // Past the original argv: the kernel then shows the first
            // string only (get_mm_proctitle), so the arguments are joined
            // by spaces, as setproctitle does.
            text = Array(guestArgv.map { $0 }.joined(separator: [0x20])) + [0]
        }
        if text.count > area { text = Array(text.prefix(area - 1)) + [0] }
        let raw = UnsafeMutableRawPointer(first)
        text.withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        (raw + text.count).initializeMemory(as: UInt8.self, repeating: 0, count: area - text.count)
    }
}

/// glibc's syscall(2) by its symbol (see LinuxUser/HostSyscall.swift).
@_silgen_name("syscall")
private func hostSyscall(_ nr: Int, _ a0: Int, _ a1: Int, _ a2: Int, _ a3: Int, _ a4: Int, _ a5: Int) -> Int
