import Glibc
import GuestMemory
import LinuxUser

/// The swift-qemu-lite command: parse, load, run, and leave with the
/// guest's exit status or die by the guest's signal.
public enum Tool {
    /// Runs the command line `arguments` (the tool's own name first) and
    /// never returns.
    public static func main(_ arguments: [String]) -> Never {
        main(bytes: arguments.map(\.bytes))
    }

    /// The same with the command line as the kernel gave it (`HostArgs`).
    public static func main(bytes arguments: [[UInt8]]) -> Never {
        let action: CommandLineOptions.Action
        do {
            action = try CommandLineOptions.parse(bytes: Array(arguments.dropFirst()),
                                                  environment: hostEnvironmentBytes(),
                                                  launch: .current(arguments: arguments))
        } catch {
            fail("\(error)")
        }
        switch action {
        case .help:
            print(CommandLineOptions.usage, terminator: "")
            exit(0)
        case .version:
            print(CommandLineOptions.versionText, terminator: "")
            exit(0)
        case .listCPUs:
            print(CommandLineOptions.cpuList, terminator: "")
            exit(0)
        case .listLogItems:
            print(CommandLineOptions.logItemList, terminator: "")
            exit(0)
        case .binfmt(let command):
            do {
                let (text, status) = try command.run()
                print(text, terminator: "")
                exit(status)
            } catch {
                fail("\(error)")
            }
        case .run(let settings):
            // Opened only when there is something to log, as qemu does, so a
            // QEMU_LOG_FILENAME meant for qemu is not truncated for nothing.
            if let log = settings.logFile, settings.strace || !settings.logItems.isEmpty {
                let fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                if fd < 0 { fail("\(log): \(String(cString: strerror(errno)))") }
                LinuxUser.Strace.fd = LinuxUser.EmulatorFds.hide(fd)
            }
            let emulator: Emulator
            do {
                emulator = try Emulator(config: settings.emulatorConfig)
            } catch {
                fail("\(error)")
            }
            // ps, top, pgrep and pidof: the guest's command line and name.
            ProcTitle.set(guestArgv: settings.argvBytes, program: settings.programFile)
            var started = timespec()
            clock_gettime(CLOCK_MONOTONIC, &started)
            let end = emulator.run()
            if settings.reportInstructions {
                writeStderr("\(CommandLineOptions.toolName): \(emulator.instructionCount) guest instructions\n")
            }
            if settings.stats {
                var now = timespec()
                clock_gettime(CLOCK_MONOTONIC, &now)
                let seconds = Double(now.tv_sec - started.tv_sec) + Double(now.tv_nsec - started.tv_nsec) / 1e9
                writeStderr(statsLine(instructions: emulator.instructionCount,
                                      blocks: emulator.executor.blocksTranslated,
                                      hits: emulator.executor.blockCacheHits,
                                      syscalls: emulator.process.syscallCount, seconds: seconds))
            }
            switch end {
            case .exited(let status):
                exit(status)
            case .signaled(let sig):
                // The same death as the guest's (LinuxUser/Signals.swift):
                // default action, no core, unblocked, raised.
                fflush(stdout)
                LinuxUser.dieBySignal(sig)
            }
        }
    }

    /// The --stats line: the main thread's instructions, translated blocks,
    /// block-cache hits and syscalls, the run's wall time and guest MIPS
    /// (instructions per microsecond).
    static func statsLine(instructions: UInt64, blocks: Int, hits: Int, syscalls: UInt64, seconds: Double) -> String {
        let mips = seconds > 0 ? Double(instructions) / seconds / 1e6 : 0
        // Fixed-point text: Double's description turns small values into
        // exponents (1e-05).
        func fixed(_ v: Double, _ digits: Int) -> String {
            var scale = 1
            for _ in 0..<digits { scale *= 10 }
            let n = Int((v * Double(scale)).rounded())
            let frac = String(n % scale)
            return "\(n / scale)." + String(repeating: "0", count: digits - frac.count) + frac
        }
        return "\(CommandLineOptions.toolName): stats: \(instructions) guest instructions, \(blocks) blocks translated, "
            + "\(hits) block-cache hits, \(syscalls) syscalls, "
            + "\(fixed(seconds, 6)) s, \(fixed(mips, 1)) guest MIPS\n"
    }

    /// One line on stderr, then exit status 1 (as qemu for its own errors).
    static func fail(_ message: String) -> Never {
        writeStderr("\(CommandLineOptions.toolName): \(message)\n")
        exit(1)
    }

    static func writeStderr(_ s: String) {
        fflush(stdout)
        var bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + off, $0.count - off) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
        bytes.removeAll()
    }

    /// The host environment as "NAME=value" strings, in order.
    public static func hostEnvironment() -> [String] {
        hostEnvironmentBytes().map(\.displayString)
    }

    /// The host environment as bytes, as the kernel passed it (`HostArgs`),
    /// else from `environ`; not from ProcessInfo, which would decode it.
    public static func hostEnvironmentBytes() -> [[UInt8]] {
        var out: [[UInt8]] = []
        guard var p = HostArgs.envp ?? Optional(environ) else { return [] }
        while let s = p.pointee {
            out.append([UInt8](cString: s))
            p += 1
        }
        return out
    }
}
