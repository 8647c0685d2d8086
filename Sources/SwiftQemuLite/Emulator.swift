import AArch64
import ELF
import Glibc
import GuestMemory
import LinuxUser

/// How to start one guest program.
public struct EmulatorConfig: Sendable, GuestProgramText {
    /// Host path of the arm64 ELF executable, as bytes (Linux paths,
    /// argv and environment strings need not be UTF-8).
    public var programFile: [UInt8]
    /// The guest's argv, argv[0] included, as bytes.
    public var argvBytes: [[UInt8]]
    /// The guest's environment, "NAME=value" strings in order, as bytes.
    public var environmentBytes: [[UInt8]]
    /// A path that starts this emulator again without /proc (see
    /// `ProcessOptions.emulatorFile`).
    public var emulatorFile: [UInt8]?
    /// AT_EXECFN when it is not `programFile`: a #! script's path.
    public var execfn: [UInt8]?

    /// Prefix for the guest's absolute paths (-L / QEMU_LD_PREFIX).
    public var sysrootFile: [UInt8]?
    /// Log each syscall to stderr (-strace / QEMU_STRACE).
    public var strace: Bool
    /// Size of the initial stack mapping (-s / QEMU_STACK_SIZE).
    public var stackSize: UInt64
    /// Makes AT_RANDOM reproducible (-seed / QEMU_RAND_SEED); nil draws
    /// the bytes from the host.
    public var randomSeed: UInt64?
    /// The uname release the guest sees (-r / QEMU_UNAME); nil is the host's.
    public var unameRelease: String?
    /// The program as an open file (binfmt_misc's AT_EXECFD), read instead
    /// of `programPath` and closed; `programPath` still names it.
    public var programFD: Int32?
    /// The CPU model (-cpu / QEMU_CPU): its features are what HWCAP, the ID
    /// registers and /proc/cpuinfo report and which optional instructions run.
    public var cpuModel: CPUModel = .max

    /// qemu's -d log items to write (to `Strace.fd`, stderr or the -D file).
    public var logItems: LogItems = []

    /// Where a dynamically linked program's interpreter is looked for when
    /// no sysroot is given: Debian's cross libc (libc6-arm64-cross).
    public var defaultSysroot: String?

    /// `/usr/aarch64-linux-gnu`, or what SWIFT_QEMU_LITE_DEFAULT_SYSROOT
    /// says (empty: none), so tests can stand for a machine without it.
    public static var standardDefaultSysroot: String? { ELFLoader.standardDefaultSysroot }

    public init(programPath: String, argv: [String]? = nil, environment: [String] = [], sysroot: String? = nil,
                strace: Bool = false, stackSize: UInt64 = 8 << 20, randomSeed: UInt64? = nil,
                defaultSysroot: String? = EmulatorConfig.standardDefaultSysroot) {
        self.init(programFile: programPath.bytes, argv: argv.map { $0.map(\.bytes) },
                  environment: environment.map(\.bytes), sysroot: sysroot?.bytes, strace: strace, stackSize: stackSize,
                  randomSeed: randomSeed, defaultSysroot: defaultSysroot)
    }

    /// The same with the program, argv and environment as bytes.
    public init(programFile: [UInt8], argv: [[UInt8]]? = nil, environment: [[UInt8]] = [], sysroot: [UInt8]? = nil,
                strace: Bool = false, stackSize: UInt64 = 8 << 20, randomSeed: UInt64? = nil,
                defaultSysroot: String? = EmulatorConfig.standardDefaultSysroot) {
        self.programFile = programFile
        self.defaultSysroot = defaultSysroot
        self.argvBytes = argv ?? [programFile]
        self.environmentBytes = environment
        self.sysrootFile = sysroot
        self.strace = strace
        self.stackSize = stackSize
        self.randomSeed = randomSeed
    }
}

/// Why an `Emulator` could not be set up. The description is one line,
/// meant to follow "swift-qemu-lite: ".
public enum EmulatorError: Error, CustomStringConvertible {
    /// The program could not be loaded; the path is the program's.
    case load(path: String, ELFError)
    case memory(MemoryError)

    public var description: String {
        switch self {
        case .load(let path, let e): return "\(path): \(e)"
        case .memory(let e): return e.description
        }
    }
}

/// One guest process: its address space, CPU, executor and Linux layer,
/// set up from an `EmulatorConfig` and ready to `run`.
public final class Emulator {
    public let config: EmulatorConfig
    public let mem: AddressSpace
    public let cpu: CPU
    public let executor: Executor
    public let process: LinuxProcess
    public let program: LoadedProgram
    public let stack: StackLayout

    /// Loads the program and builds its initial stack; throws
    /// `EmulatorError` with a message for the user when that fails.
    public init(config: EmulatorConfig) throws {
        self.config = config
        // Parse before reserving guest memory: most errors are here.
        let image: ELFImage
        do {
            if let fd = config.programFD {
                // The image owns the descriptor and closes it once loaded,
                // so the guest does not inherit it.
                image = try ELFImage.read(fd: fd)
            } else {
                image = try ELFImage.read(file: config.programFile)
            }
        } catch let e as ELFError {
            throw EmulatorError.load(path: config.programPath, e)
        }
        do {
            mem = try AddressSpace()
        } catch let e as MemoryError {
            throw EmulatorError.memory(e)
        }
        // Absolute, so that the guest's chdir does not move it.
        var sysroot = config.sysrootFile.flatMap { $0.isEmpty ? nil : Emulator.absolute($0) }
        var interpreter: (image: ELFImage, name: String)? = nil
        if let interp = image.interpreterPath {
            do {
                let found = try Emulator.findInterpreter(interp, sysroot: sysroot, defaultSysroot: config.defaultSysroot)
                interpreter = (found.image, ELFLoader.regionName(file: found.path))
                if sysroot == nil { sysroot = found.sysroot }
            } catch let e as ELFError {
                throw EmulatorError.load(path: config.programPath, e)
            }
        }
        do {
            program = try ELFLoader.load(image: image, name: ELFLoader.regionName(file: config.programFile),
                                         interpreter: interpreter, into: mem)
            var setup = StackSetup(argv: config.argvBytes, envp: config.environmentBytes, execfn: config.execfn ?? config.programFile,
                                   hwcap: config.cpuModel.features.hwcap, hwcap2: config.cpuModel.features.hwcap2,
                                   random: config.randomSeed.map(Emulator.seededRandom))
            setup.stackSize = config.stackSize
            stack = try InitialStack.build(mem: mem, program: program, setup: setup)
        } catch let e as ELFError {
            throw EmulatorError.load(path: config.programPath, e)
        }

        cpu = CPU()
        cpu.select(config.cpuModel)
        cpu.pc = program.entry
        cpu.sp = stack.sp
        executor = Executor(cpu: cpu, mem: mem)
        var options = ProcessOptions()
        options.strace = config.strace
        options.sysrootFile = sysroot
        options.procInfo = Emulator.procInfo(mem: mem, stack: stack,
                                             programName: ELFLoader.regionName(file: config.programFile))
        options.programFile = config.programFile
        options.emulatorFile = config.emulatorFile
        options.unameRelease = config.unameRelease
        // A stream apart from the AT_RANDOM bytes drawn from the same seed.
        options.randomState = config.randomSeed.map { $0 ^ 0x6765_7472_616e_646f }
        options.logUnimp = config.logItems.contains(.unimp)
        options.logGuestErrors = config.logItems.contains(.guestErrors)
        process = LinuxProcess(mem: mem, cpu: cpu, executor: executor, brkStart: program.brkStart, options: options)
        var symbols = GuestSymbols()
        if !config.logItems.intersection([.inAsm, .exec]).isEmpty {
            symbols = GuestSymbols(elf: image.wholeFile() ?? [], bias: program.programEntry &- image.entry)
        }
        installLog(config.logItems, info: options.procInfo, symbols: symbols)
    }

    /// Hooks the -d items into the main thread's executor (threads it
    /// creates take the same hooks); with none there is nothing to check
    /// while running.
    func installLog(_ items: LogItems, info: ProcInfo, symbols: GuestSymbols) {
        let mem = self.mem
        if items.contains(.page) {
            DebugLog.emit(DebugLog.pageLayout(mem: mem, program: program, stack: stack, info: info))
        }
        if items.contains(.inAsm) {
            executor.onTranslate = { pc, count in
                DebugLog.emit(DebugLog.inAsm(pc: pc, count: count, mem: mem, symbol: symbols.name(at: pc)))
            }
        }
        let exec = items.contains(.exec), regs = items.contains(.cpu)
        if exec || regs {
            executor.onBlock = { cpu, pc, host in
                var s = exec ? DebugLog.execLine(pc: pc, host: host, symbol: symbols.name(at: pc)) : ""
                if regs { s += DebugLog.cpuState(cpu, pc: pc) }
                DebugLog.emit(s)
            }
        }
    }

    /// What /proc/self/{stat,cmdline,environ,auxv} show: the argument and
    /// environment strings lie back to back under AT_EXECFN's string, and
    /// the code and data are the program's executable and writable regions.
    static func procInfo(mem: AddressSpace, stack: StackLayout, programName: String) -> ProcInfo {
        var info = ProcInfo()
        info.auxv = stack.auxv
        info.startStack = stack.sp
        let argc = mem.readU64(stack.sp) ?? 0
        let envStart = mem.readU64(stack.envpAddr).flatMap { $0 == 0 ? nil : $0 } ?? stack.execfnAddr
        info.argStart = argc > 0 ? (mem.readU64(stack.argvAddr) ?? envStart) : envStart
        info.argEnd = envStart
        info.envStart = envStart
        info.envEnd = stack.execfnAddr
        let own = mem.regions.filter { $0.name == programName }
        if let code = own.first(where: { $0.prot & PROT_EXEC != 0 }) {
            info.startCode = code.start
            info.endCode = code.end
        }
        if let data = own.first(where: { $0.prot & PROT_WRITE != 0 }) {
            info.startData = data.start
            info.endData = data.end
        }
        return info
    }

    /// Finds the dynamic loader `interp` (see `ELFLoader.findInterpreter`),
    /// resolving paths under a sysroot as the guest's are.
    public static func findInterpreter(_ interp: [UInt8], sysroot: [UInt8]?, defaultSysroot: String?) throws
        -> (image: ELFImage, path: [UInt8], sysroot: [UInt8]?) {
        try ELFLoader.findInterpreter(interp, sysroot: sysroot, defaultSysroot: defaultSysroot) {
            xlatSysrootPath(root: $0, $1)
        }
    }

    /// `path` made absolute and free of symbolic links when it exists.
    static func absolute(_ path: [UInt8]) -> [UInt8] {
        guard let p = path.withCString({ realpath($0, nil) }) else { return path }
        defer { free(p) }
        return [UInt8](cString: p)
    }

    /// Runs the guest until it exits or is killed by a signal.
    public func run() -> Termination {
        process.run()
    }

    /// Guest instructions executed so far (by the main thread's CPU).
    public var instructionCount: UInt64 { cpu.r[Slot.icount] }

    /// 16 AT_RANDOM bytes from a seed, by SplitMix64.
    static func seededRandom(_ seed: UInt64) -> [UInt8] {
        var s = seed
        var out: [UInt8] = []
        for _ in 0..<2 {
            s &+= 0x9e37_79b9_7f4a_7c15
            var z = s
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            z ^= z >> 31
            withUnsafeBytes(of: z.littleEndian) { out += $0 }
        }
        return out
    }
}
