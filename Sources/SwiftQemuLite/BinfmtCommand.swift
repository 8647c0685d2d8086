import Glibc

/// `swift-qemu-lite --binfmt register|unregister|status|persist [options]`.
public struct BinfmtCommand: Equatable, Sendable {
    public enum Verb: String, Equatable, Sendable, CaseIterable {
        case register, unregister, status, persist, help
    }

    public var verb: Verb
    public var registration: Binfmt.Registration
    /// persist: install the binfmt.d file instead of printing it.
    public var write = false

    public static var usage: String {
        """
        usage: \(CommandLineOptions.toolName) --binfmt register|unregister|status|persist|help [options]
        Registers swift-qemu-lite with binfmt_misc so arm64 programs run directly.

          register      register (mounts binfmt_misc when needed; needs root)
          unregister    remove the entry
          status        show the entry and other entries for arm64 programs
          persist       print the /etc/binfmt.d file and the fstab line (--write installs the file)

          --name NAME          entry name (default \(Binfmt.defaultName))
          --interpreter PATH   the emulator to run (default: this executable)
          --persistent         F: open the interpreter now, so it also works in chroots
          --preserve-argv0     P: the program sees the argv[0] it was started with
          --credential         C (implies O): setuid programs get their own credentials
          --write              persist: write /etc/binfmt.d/NAME.conf

        """
    }

    /// Parses what follows `--binfmt`.
    public static func parse(_ args: [String]) throws -> BinfmtCommand {
        guard let first = args.first else { throw CommandLineOptions.ParseError.missingArgument("binfmt") }
        let verb0 = ["-h", "-help", "--help"].contains(first) ? "help" : first
        guard let verb = Verb(rawValue: verb0) else {
            throw CommandLineOptions.ParseError.badValue(option: "binfmt", value: first,
                                                        reason: "expected register, unregister, status or persist")
        }
        var name = Binfmt.defaultName
        var interpreter: String?
        var flags: Binfmt.Flags = []
        var write = false
        var i = 1
        while i < args.count {
            var o = args[i]
            i += 1
            guard o.hasPrefix("-") else { throw CommandLineOptions.ParseError.unknownOption(o) }
            o.removeFirst()
            if o.hasPrefix("-") { o.removeFirst() }
            func value() throws -> String {
                guard i < args.count else { throw CommandLineOptions.ParseError.missingArgument(o) }
                i += 1
                return args[i - 1]
            }
            switch o {
            case "name": name = try value()
            case "interpreter": interpreter = try value()
            case "persistent": flags.insert(.fixBinary)
            case "preserve-argv0": flags.insert(.preserveArgv0)
            case "credential": flags.formUnion([.credentials, .openBinary])
            case "write": write = true
            default: throw CommandLineOptions.ParseError.unknownOption(o)
            }
        }
        if write && verb != .persist {
            throw CommandLineOptions.ParseError.badValue(option: "write", value: verb.rawValue,
                                                        reason: "--write goes with persist")
        }
        let reg = Binfmt.Registration(name: name, interpreter: interpreter ?? Binfmt.selfPath(), flags: flags)
        return BinfmtCommand(verb: verb, registration: reg, write: write)
    }

    /// Carries the command out: what to print on stdout and the exit
    /// status; failures throw `BinfmtError`.
    public func run() throws -> (output: String, status: Int32) {
        let r = registration
        switch verb {
        case .help:
            return (Self.usage, 0)
        case .register:
            try Binfmt.register(r)
            return ("registered \(r.name): \(r.interpreter), flags '\(r.flags.letters)'\n", 0)
        case .unregister:
            try Binfmt.unregister(name: r.name)
            return ("unregistered \(r.name)\n", 0)
        case .status:
            let s = Binfmt.statusReport(name: r.name)
            return (s.text, s.registered ? 0 : 1)
        case .persist:
            if write {
                try Binfmt.requireRoot("writing \(Binfmt.binfmtDirectory)")
                let path = try Binfmt.writePersistent(r)
                return ("wrote \(path)\n"
                        + "without systemd, add this line to /etc/fstab to mount binfmt_misc at boot:\n"
                        + Binfmt.fstabLine + "\n", 0)
            }
            try r.validate()
            return ("# \(Binfmt.binfmtDirectory)/\(r.name).conf\n" + r.binfmtDFile
                    + "# /etc/fstab (only without systemd, which mounts binfmt_misc itself)\n"
                    + Binfmt.fstabLine + "\n", 0)
        }
    }
}
