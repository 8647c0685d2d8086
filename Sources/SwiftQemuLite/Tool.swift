import Glibc
import LinuxUser

/// The swift-qemu-lite command: parse, load, run, and leave with the
/// guest's exit status or die by the guest's signal.
public enum Tool {
    /// Runs the command line `arguments` (the tool's own name first) and
    /// never returns.
    public static func main(_ arguments: [String]) -> Never {
        let action: CommandLineOptions.Action
        do {
            action = try CommandLineOptions.parse(Array(arguments.dropFirst()), environment: hostEnvironment())
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
        case .run(let settings):
            let emulator: Emulator
            do {
                emulator = try Emulator(config: settings.emulatorConfig)
            } catch {
                fail("\(error)")
            }
            let end = emulator.run()
            if settings.reportInstructions {
                writeStderr("\(CommandLineOptions.toolName): \(emulator.instructionCount) guest instructions\n")
            }
            switch end {
            case .exited(let status):
                exit(status)
            case .signaled(let sig):
                dieBySignal(sig)
            }
        }
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

    /// Ends this process by `sig`, so the parent sees the same wait status
    /// it would for the program on arm64: the default action restored, no
    /// core file, the signal unblocked and raised. Should the signal not
    /// kill (it was ignored or cannot terminate), exit with 128 + sig as a
    /// shell would report it.
    public static func dieBySignal(_ sig: Int32) -> Never {
        fflush(stdout)
        fflush(stderr)
        signal(sig, SIG_DFL)
        var core = rlimit()
        if getrlimit(RLIMIT_CORE_ID, &core) == 0 {
            core.rlim_cur = 0
            _ = setrlimit(RLIMIT_CORE_ID, &core)
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
        exit(128 + sig)
    }

    static var RLIMIT_CORE_ID: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_CORE.rawValue) }

    /// The host environment as "NAME=value" strings, in order.
    public static func hostEnvironment() -> [String] {
        var out: [String] = []
        var p = environ
        while let s = p.pointee {
            out.append(String(cString: s))
            p += 1
        }
        return out
    }
}
