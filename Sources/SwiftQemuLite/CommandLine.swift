import AArch64
import GuestMemory
import LinuxUser
import Glibc

/// The command line of swift-qemu-lite, compatible with qemu-aarch64's:
/// `swift-qemu-lite [options] PROGRAM [ARGS...]`. Options stop at the first
/// argument that does not start with '-' (or after "--"); "--opt" is the
/// same as "-opt". Environment variables (QEMU_*) are read first, so the
/// command line overrides them.
public enum CommandLineOptions {
    public static let toolName = "swift-qemu-lite"
    public static let version = "0.1.0"

    /// What the command line asks for.
    public enum Action: Equatable {
        case run(Settings)
        case help
        case version
        case listCPUs
        /// -d help: the log items.
        case listLogItems
        /// --binfmt ...: binfmt_misc registration.
        case binfmt(BinfmtCommand)
    }

    /// How the kernel's binfmt_misc started this process, from the
    /// emulator's own auxv: with the P flag the kernel passes
    /// (interpreter, full path, argv[0], args...) and sets
    /// AT_FLAGS_PRESERVE_ARGV0; with O or C it passes the open program as
    /// AT_EXECFD.
    public struct Launch: Equatable, Sendable {
        public var preserveArgv0 = false
        public var execFD: Int32?
        /// The emulator's own file, absolute, when it was started by path
        /// (not by binfmt_misc): a guest execve can start it again without
        /// /proc/self/exe.
        public var emulatorFile: [UInt8]?
        /// Under binfmt_misc: the emulator's own AT_EXECFN, the path the
        /// guest's execve named (a #! script's, not its interpreter's),
        /// which becomes the guest's AT_EXECFN as under Linux.
        public var execfn: [UInt8]?
        public init(preserveArgv0: Bool = false, execFD: Int32? = nil, emulatorFile: [UInt8]? = nil,
                    execfn: [UInt8]? = nil) {
            self.preserveArgv0 = preserveArgv0
            self.execFD = execFD
            self.emulatorFile = emulatorFile
            self.execfn = execfn
        }

        /// AT_FLAGS bit 0 (include/uapi/linux/binfmts.h).
        public static let atFlagsPreserveArgv0: UInt = 1

        /// This process's own launch, from getauxval. Started by hand,
        /// AT_EXECFN names the emulator itself, an x86-64 ELF; under
        /// binfmt_misc it names the arm64 program (or its #! script).
        public static func current(arguments: [[UInt8]]) -> Launch {
            let flags = hostGetauxval(8) // AT_FLAGS
            let fd = hostGetauxval(2) // AT_EXECFD
            // 0 means absent: the kernel never passes stdin as AT_EXECFD.
            var launch = Launch(preserveArgv0: flags & atFlagsPreserveArgv0 != 0,
                                execFD: fd != 0 ? Int32(truncatingIfNeeded: fd) : nil)
            let execfnAddr = hostGetauxval(31) // AT_EXECFN
            if execfnAddr != 0, let p = UnsafePointer<CChar>(bitPattern: execfnAddr) {
                let execfn = [UInt8](cString: p)
                let byBinfmt = launch.preserveArgv0 || launch.execFD != nil || !isHostELF(execfn)
                if byBinfmt {
                    launch.execfn = execfn
                } else if let abs = execfn.withCString({ realpath($0, nil) }) {
                    launch.emulatorFile = [UInt8](cString: abs)
                    free(abs)
                }
            }
            return launch
        }
    }

    /// True when `path` is an ELF file for this host's machine (x86-64).
    static func isHostELF(_ path: [UInt8]) -> Bool {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { return false }
        defer { close(fd) }
        var h = [UInt8](repeating: 0, count: 20)
        guard read(fd, &h, 20) == 20 else { return false }
        return h[0..<4] == [0x7f, 0x45, 0x4c, 0x46] && h[18] == 62 && h[19] == 0
    }

    /// A parsed command line that runs a program.
    public struct Settings: Equatable, GuestProgramText {
        /// The program, argv and environment as bytes, as the kernel gave them.
        public var programFile: [UInt8]
        public var argvBytes: [[UInt8]]
        public var environmentBytes: [[UInt8]]
        public var sysrootFile: [UInt8]?
        public var strace = false
        public var stackSize: UInt64 = 8 << 20
        public var randomSeed: UInt64?
        /// Print the guest instruction count to stderr after the run
        /// (-icount-report / SWIFT_QEMU_LITE_STATS).
        public var reportInstructions = false
        /// The uname release the guest sees (-r / QEMU_UNAME).
        public var unameRelease: String?
        /// Print instructions, syscalls and guest MIPS at exit (--stats).
        public var stats = false
        /// Where the -d log (the syscall trace and the -d items) goes (-D);
        /// nil is stderr.
        public var logFile: String?
        /// The -d items other than strace.
        public var logItems: LogItems = []
        /// The program, already open (binfmt_misc's AT_EXECFD).
        public var programFD: Int32?
        /// The CPU model's name (-cpu / QEMU_CPU), one of `CPUModel.all`.
        public var cpuModel = CPUModel.max.name
        /// The emulator's own file when started by path (`Launch`).
        public var emulatorFile: [UInt8]?
        /// The guest's AT_EXECFN when it is not `programFile` (`Launch`).
        public var execfn: [UInt8]?

        public init(programFile: [UInt8], argv: [[UInt8]], environment: [[UInt8]]) {
            self.programFile = programFile
            self.argvBytes = argv
            self.environmentBytes = environment
        }

        public var emulatorConfig: EmulatorConfig {
            var c = EmulatorConfig(programFile: programFile, argv: argvBytes, environment: environmentBytes,
                                   sysroot: sysrootFile, strace: strace, stackSize: stackSize, randomSeed: randomSeed)
            c.emulatorFile = emulatorFile
            c.execfn = execfn
            c.unameRelease = unameRelease
            c.programFD = programFD
            c.logItems = logItems
            c.cpuModel = CPUModel.named(cpuModel) ?? .max
            return c
        }
    }

    /// A command line that cannot be run; the description is one line.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case unknownOption(String)
        case missingArgument(String)
        case noProgram
        case badValue(option: String, value: String, reason: String)
        case unsupported(option: String, reason: String)

        public var description: String {
            switch self {
            case .unknownOption(let o): return "unknown option '\(o)'"
            case .missingArgument(let o): return "missing argument for option '\(o)'"
            case .noProgram: return "no user program specified"
            case .badValue(let o, let v, let why): return "invalid value '\(v)' for option '\(o)': \(why)"
            case .unsupported(let o, let why): return "option '-\(o)' is not supported: \(why)"
            }
        }
    }

    /// One option: its name, whether it takes a value, its environment
    /// variable, and what it does to the settings.
    struct Option {
        let name: String
        let hasArg: Bool
        let env: String?
        let apply: (inout Partial, String) throws -> Void
    }

    /// Settings before the program is known.
    struct Partial {
        var help = false
        var version = false
        var listCPUs = false
        /// -E and -U in the order given: ("NAME=value", true) or ("NAME", false).
        var envChanges: [(String, Bool)] = []
        var argv0: [UInt8]?
        var sysroot: [UInt8]?
        var strace = false
        var stackSize: UInt64 = 8 << 20
        var randomSeed: UInt64?
        var reportInstructions = false
        var unameRelease: String?
        var cpuModel = CPUModel.max.name
        var stats = false
        var logFile: String?
        var logItems: LogItems = []
        var listLogItems = false
    }

    /// glibc's getauxval(3), which the Glibc module does not import
    /// (sys/auxv.h). One integer in, one out: the Swift and C calling
    /// conventions agree on x86_64 and arm64. It reads the auxv glibc kept
    /// at startup, so it needs no /proc (absent in a fresh chroot).
    @_silgen_name("getauxval")
    static func hostGetauxval(_ type: UInt) -> UInt

    /// qemu's -d items: those with a meaning here, and why the rest are not.
    static let logItems: [(name: String, supported: Bool, note: String)] = [
        ("strace", true, "log system calls (the same as -strace)"),
        ("in_asm", true, "show target assembly code for each compiled TB"),
        ("exec", true, "show trace before each executed TB (blocks are not chained while on)"),
        ("cpu", true, "show CPU registers before entering a TB (blocks are not chained while on)"),
        ("unimp", true, "log unimplemented functionality (unknown syscalls, undefined instructions)"),
        ("guest_errors", true, "log when the guest OS does something invalid (faults, EFAULT from syscalls)"),
        ("page", true, "dump pages at beginning of user mode emulation"),
    ]

    /// The `LogItems` member of a supported -d item other than strace.
    static let logItemFlags: [String: LogItems] = [
        "in_asm": .inAsm, "exec": .exec, "cpu": .cpu, "page": .page, "unimp": .unimp, "guest_errors": .guestErrors,
    ]

    static func applyLogItems(_ p: inout Partial, _ v: String) throws {
        for item in v.split(separator: ",", omittingEmptySubsequences: true).map(String.init) {
            if item == "help" { p.listLogItems = true; continue }
            guard let known = logItems.first(where: { $0.name == item }) else {
                throw ParseError.badValue(option: "d", value: item, reason: "unknown log item; -d help lists them")
            }
            guard known.supported else {
                throw ParseError.unsupported(option: "d " + item, reason: known.note)
            }
            if item == "strace" { p.strace = true }
            if let flag = logItemFlags[item] { p.logItems.insert(flag) }
        }
    }

    static let options: [Option] = [
        Option(name: "h", hasArg: false, env: nil) { p, _ in p.help = true },
        Option(name: "help", hasArg: false, env: nil) { p, _ in p.help = true },
        Option(name: "version", hasArg: false, env: nil) { p, _ in p.version = true },
        // The bytes themselves are taken in `parse`.
        Option(name: "L", hasArg: true, env: "QEMU_LD_PREFIX") { p, v in p.sysroot = v.bytes },
        Option(name: "s", hasArg: true, env: "QEMU_STACK_SIZE") { p, v in
            guard let n = parseSize(v), n >= 64 << 10, n <= 1 << 30 else {
                throw ParseError.badValue(option: "s", value: v, reason: "expected a size from 64k to 1G")
            }
            p.stackSize = n
        },
        Option(name: "cpu", hasArg: true, env: "QEMU_CPU") { p, v in
            switch v {
            case "help": p.listCPUs = true
            default:
                guard CPUModel.named(v) != nil else {
                    throw ParseError.badValue(option: "cpu", value: v,
                                              reason: "unknown CPU model (-cpu help lists them)")
                }
                p.cpuModel = v
            }
        },
        Option(name: "E", hasArg: true, env: "QEMU_SET_ENV") { p, v in
            for item in v.split(separator: ",", omittingEmptySubsequences: true) {
                guard item.contains("=") else {
                    throw ParseError.badValue(option: "E", value: v, reason: "expected var=value")
                }
                p.envChanges.append((String(item), true))
            }
        },
        Option(name: "U", hasArg: true, env: "QEMU_UNSET_ENV") { p, v in
            for item in v.split(separator: ",", omittingEmptySubsequences: true) {
                p.envChanges.append((String(item), false))
            }
        },
        // The bytes themselves are taken in `parse`.
        Option(name: "0", hasArg: true, env: "QEMU_ARGV0") { p, v in p.argv0 = v.bytes },
        Option(name: "strace", hasArg: false, env: "QEMU_STRACE") { p, _ in p.strace = true },
        Option(name: "seed", hasArg: true, env: "QEMU_RAND_SEED") { p, v in
            guard let n = parseInteger(v) else {
                throw ParseError.badValue(option: "seed", value: v, reason: "expected a number")
            }
            p.randomSeed = n
        },
        Option(name: "p", hasArg: true, env: "QEMU_PAGESIZE") { _, v in
            guard parseSize(v) == 4096 else {
                throw ParseError.badValue(option: "p", value: v, reason: "the page size is 4096")
            }
        },
        // Same results with or without; there are no translation blocks to
        // split.
        Option(name: "singlestep", hasArg: false, env: nil) { _, _ in },
        Option(name: "one-insn-per-tb", hasArg: false, env: nil) { _, _ in },
        Option(name: "D", hasArg: true, env: "QEMU_LOG_FILENAME") { p, v in p.logFile = v },
        // QEMU_LOG is not read: a value meant for qemu (in_asm...) would stop
        // every program.
        Option(name: "d", hasArg: true, env: nil) { p, v in try applyLogItems(&p, v) },
        Option(name: "r", hasArg: true, env: "QEMU_UNAME") { p, v in
            // struct utsname's fields are 65 bytes with the terminating NUL.
            guard v.utf8.count <= 64 else {
                throw ParseError.badValue(option: "r", value: v, reason: "at most 64 bytes")
            }
            p.unameRelease = v
        },
        Option(name: "icount-report", hasArg: false, env: nil) { p, _ in p.reportInstructions = true },
        Option(name: "stats", hasArg: false, env: nil) { p, _ in p.stats = true },
        unsupported("dfilter", arg: true, "there is no debug logging"),
        unsupported("g", arg: true, "there is no gdb stub"),
        unsupported("B", arg: true, "the guest address space is laid out by the emulator"),
        unsupported("R", arg: true, "the guest address space has a fixed size"),
        unsupported("trace", arg: true, "there are no trace events"),
        unsupported("plugin", arg: true, "there are no plugins"),
    ]

    static func unsupported(_ name: String, arg: Bool, _ why: String) -> Option {
        Option(name: name, hasArg: arg, env: nil) { _, _ in throw ParseError.unsupported(option: name, reason: why) }
    }

    /// Parses `arguments` (without the tool's own name) in the host
    /// `environment` ("NAME=value" strings, in order).
    public static func parse(_ arguments: [String], environment: [String],
                             launch: Launch = Launch()) throws -> Action {
        try parse(bytes: arguments.map(\.bytes), environment: environment.map(\.bytes), launch: launch)
    }

    /// The same with the command line and environment as the kernel gave
    /// them: the program, its arguments and the environment stay bytes;
    /// options and QEMU_* values are read as text.
    public static func parse(bytes arguments: [[UInt8]], environment hostEnv: [[UInt8]],
                             launch: Launch = Launch()) throws -> Action {
        if let first = arguments.first?.displayString, first == "--binfmt" || first == "-binfmt" {
            return .binfmt(try BinfmtCommand.parse(arguments.dropFirst().map(\.displayString)))
        }
        var p = Partial()
        let env = lookupTable(hostEnv.map(\.displayString))
        for o in options {
            if let name = o.env, let v = env[name] { try o.apply(&p, v) }
        }
        // Values that are paths or guest strings stay bytes.
        if let raw = hostEnv.last(where: { $0.hasPrefix("QEMU_ARGV0=".bytes) }) {
            p.argv0 = Array(raw.dropFirst("QEMU_ARGV0=".utf8.count))
        }
        if let raw = hostEnv.last(where: { $0.hasPrefix("QEMU_LD_PREFIX=".bytes) }) {
            p.sysroot = Array(raw.dropFirst("QEMU_LD_PREFIX=".utf8.count))
        }
        if let v = env["SWIFT_QEMU_LITE_STATS"], !v.isEmpty, v != "0" { p.reportInstructions = true }
        var programFD = launch.execFD
        var execfn = launch.execfn
        if let raw = hostEnv.first(where: { $0.hasPrefix((ExecEnvironment.execFN + "=").bytes) }) {
            execfn = Array(raw.dropFirst(ExecEnvironment.execFN.utf8.count + 1))
        }
        if programFD == nil, let v = env[ExecEnvironment.execFD], let fd = Int32(v), fd >= 0 { programFD = fd }
        // Options a previous emulator passed here are not the guest's.
        let environment = ExecEnvironment.removingAdded(from: hostEnv)

        var i = 0
        while i < arguments.count {
            let a = arguments[i].displayString
            guard a.hasPrefix("-") else { break }
            i += 1
            var name = String(a.dropFirst())
            if name == "-" { break }
            if name.hasPrefix("-") { name.removeFirst() }
            guard let o = options.first(where: { $0.name == name }) else { throw ParseError.unknownOption(name) }
            var value = ""
            if o.hasArg {
                guard i < arguments.count else { throw ParseError.missingArgument(name) }
                value = arguments[i].displayString
                i += 1
            }
            try o.apply(&p, value)
            if o.name == "0" { p.argv0 = arguments[i - 1] }
            if o.name == "L" { p.sysroot = arguments[i - 1] }
            // qemu acts on these at once, ignoring what follows.
            if p.help { return .help }
            if p.version { return .version }
            if p.listCPUs { return .listCPUs }
            if p.listLogItems { return .listLogItems }
        }
        if p.listLogItems { return .listLogItems }
        guard i < arguments.count else { throw ParseError.noProgram }

        let program = arguments[i]
        var argv = Array(arguments[i...])
        // binfmt_misc's P flag: the kernel put the full path before the
        // original argv[0], which becomes the guest's argv[0].
        if launch.preserveArgv0 && argv.count >= 2 { argv.removeFirst() }
        if let a0 = p.argv0 { argv[0] = a0 }
        var s = Settings(programFile: program, argv: argv,
                         environment: applyEnvironment(environment, p.envChanges.map { ($0.0.bytes, $0.1) }))
        s.sysrootFile = p.sysroot
        s.strace = p.strace
        s.stackSize = p.stackSize
        s.randomSeed = p.randomSeed
        s.reportInstructions = p.reportInstructions
        s.unameRelease = p.unameRelease
        s.stats = p.stats
        s.logFile = p.logFile
        s.logItems = p.logItems
        s.programFD = programFD
        s.cpuModel = p.cpuModel
        s.emulatorFile = launch.emulatorFile
        s.execfn = execfn
        return .run(s)
    }

    /// The host environment with -E (set) and -U (unset) applied in
    /// order, so the last change to a variable wins (as with qemu's
    /// envlist). A variable that is set again keeps its place.
    static func applyEnvironment(_ host: [[UInt8]], _ changes: [([UInt8], Bool)]) -> [[UInt8]] {
        var env = host
        func key(_ s: [UInt8]) -> ArraySlice<UInt8> { s.prefix { $0 != 0x3d } }
        for (item, isSet) in changes {
            let k = key(item)
            if !isSet {
                env.removeAll { key($0) == k }
            } else if let idx = env.firstIndex(where: { key($0) == k }) {
                env[idx] = item
            } else {
                env.append(item)
            }
        }
        return env
    }

    static func lookupTable(_ env: [String]) -> [String: String] {
        var t: [String: String] = [:]
        for e in env {
            guard let eq = e.firstIndex(of: "=") else { continue }
            t[String(e[..<eq])] = String(e[e.index(after: eq)...])
        }
        return t
    }

    /// A number with an optional k, M or G suffix (powers of 1024).
    static func parseSize(_ s: String) -> UInt64? {
        var digits = Substring(s)
        var shift: UInt64 = 0
        switch digits.last {
        case "k", "K": shift = 10
        case "m", "M": shift = 20
        case "g", "G": shift = 30
        default: break
        }
        if shift != 0 { digits = digits.dropLast() }
        guard let n = parseInteger(String(digits)) else { return nil }
        let (r, o) = n.multipliedReportingOverflow(by: 1 << shift)
        return o ? nil : r
    }

    /// Decimal, or hexadecimal with 0x.
    static func parseInteger(_ s: String) -> UInt64? {
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
        return UInt64(s)
    }

    // MARK: - Texts

    public static var usage: String {
        """
        usage: \(toolName) [options] program [arguments...]
        Linux user-mode emulator for arm64 (AArch64) programs

        Options and associated environment variables:

        Argument             Env-variable      Description
        -h                                     print this help
        -help
        -L path              QEMU_LD_PREFIX    set the sysroot for the guest's absolute paths to 'path'
        -s size              QEMU_STACK_SIZE   set the stack size to 'size' bytes (k, M, G suffixes)
        -cpu model           QEMU_CPU          select CPU (-cpu help for list)
        -E var=value         QEMU_SET_ENV      sets targets environment variable (see below)
        -U var               QEMU_UNSET_ENV    unsets targets environment variable (see below)
        -0 argv0             QEMU_ARGV0        forces target process argv[0] to be 'argv0'
        -p pagesize          QEMU_PAGESIZE     accepted for compatibility; must be 4096
        -singlestep                            accepted for compatibility; no effect
        -r uname             QEMU_UNAME        set the uname release shown to the guest to 'uname'
        -strace              QEMU_STRACE       log system calls
        -d item[,...]        QEMU_LOG          enable logging of specified items (-d help for a list)
        -D logfile           QEMU_LOG_FILENAME write logs to 'logfile' (default stderr)
        -seed number         QEMU_RAND_SEED    seed the AT_RANDOM bytes
        -icount-report       SWIFT_QEMU_LITE_STATS  print the guest instruction count at exit
        -stats                                 print instructions, blocks, syscalls and guest MIPS at exit
        -version                               display version information and exit
        --                                     end of options; the program follows

        -binfmt register|unregister|status|persist|help [...]
                                               binfmt_misc registration (-binfmt help lists its options)

        Defaults:
        QEMU_STACK_SIZE = 8388608 byte

        You can use -E and -U options or the QEMU_SET_ENV and
        QEMU_UNSET_ENV environment variables to set and unset
        environment variables for the target process.
        It is possible to provide several variables by separating them
        by commas. Additionally it is possible to provide the -E and -U
        options multiple times. The following lines are equivalent:
            -E var1=val2 -E var2=val2 -U LD_PRELOAD -U LD_DEBUG
            -E var1=val2,var2=val2 -U LD_PRELOAD,LD_DEBUG
            QEMU_SET_ENV=var1=val2,var2=val2 QEMU_UNSET_ENV=LD_PRELOAD,LD_DEBUG
        Note that if you provide several changes to a single variable
        the last change will stay in effect.

        """
    }

    public static var versionText: String { "\(toolName) version \(version)\n" }

    /// qemu's `-cpu help` layout, with what each model offers.
    public static var cpuList: String {
        "Available CPUs:\n" + CPUModel.all.map { m in
            "  " + m.name + String(repeating: " ", count: max(1, 12 - m.name.count)) + m.summary
                + " (" + m.features.cpuinfoNames.joined(separator: " ") + ")\n"
        }.joined()
    }

    public static var logItemList: String {
        "Log items (comma separated):\n"
            + logItems.map { item in
                let pad = String(repeating: " ", count: max(1, 14 - item.name.count))
                return item.name + pad + (item.supported ? "" : "not supported: ") + item.note + "\n"
            }.joined()
    }
}
