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
                // The same death as the guest's (LinuxUser/Signals.swift):
                // default action, no core, unblocked, raised.
                fflush(stdout)
                LinuxUser.dieBySignal(sig)
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
