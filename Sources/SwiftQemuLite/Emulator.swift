import AArch64
import ELF
import Glibc
import GuestMemory
import LinuxUser

/// How to start one guest program.
public struct EmulatorConfig: Sendable {
    /// Host path of the arm64 ELF executable.
    public var programPath: String
    /// The guest's argv, argv[0] included.
    public var argv: [String]
    /// The guest's environment, "NAME=value" strings in order.
    public var environment: [String]
    /// Prefix for the guest's absolute paths (-L / QEMU_LD_PREFIX).
    public var sysroot: String?
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

    public init(programPath: String, argv: [String]? = nil, environment: [String] = [], sysroot: String? = nil,
                strace: Bool = false, stackSize: UInt64 = 8 << 20, randomSeed: UInt64? = nil) {
        self.programPath = programPath
        self.argv = argv ?? [programPath]
        self.environment = environment
        self.sysroot = sysroot
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
                image = try ELFImage(bytes: Emulator.readAll(fd: fd))
            } else {
                image = try ELFImage.read(path: config.programPath)
            }
        } catch let e as ELFError {
            throw EmulatorError.load(path: config.programPath, e)
        }
        do {
            mem = try AddressSpace()
        } catch let e as MemoryError {
            throw EmulatorError.memory(e)
        }
        do {
            program = try ELFLoader.load(image: image, name: ELFLoader.regionName(config.programPath), into: mem)
            var setup = StackSetup(argv: config.argv, envp: config.environment, execfn: config.programPath,
                                   hwcap: Features.hwcap, hwcap2: Features.hwcap2,
                                   random: config.randomSeed.map(Emulator.seededRandom))
            setup.stackSize = config.stackSize
            stack = try InitialStack.build(mem: mem, program: program, setup: setup)
        } catch let e as ELFError {
            throw EmulatorError.load(path: config.programPath, e)
        }

        cpu = CPU()
        cpu.pc = program.entry
        cpu.sp = stack.sp
        executor = Executor(cpu: cpu, mem: mem)
        var options = ProcessOptions()
        options.strace = config.strace
        options.sysroot = config.sysroot
        options.programPath = config.programPath
        options.unameRelease = config.unameRelease
        // A stream apart from the AT_RANDOM bytes drawn from the same seed.
        options.randomState = config.randomSeed.map { $0 ^ 0x6765_7472_616e_646f }
        process = LinuxProcess(mem: mem, cpu: cpu, executor: executor, brkStart: program.brkStart, options: options)
    }

    /// Runs the guest until it exits or is killed by a signal.
    public func run() -> Termination {
        process.run()
    }

    /// Guest instructions executed so far (by the main thread's CPU).
    public var instructionCount: UInt64 { cpu.r[Slot.icount] }

    /// Reads the whole file open at `fd` from offset 0 and closes it, so
    /// the guest does not inherit it.
    static func readAll(fd: Int32) throws -> [UInt8] {
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        var off: off_t = 0
        while true {
            let n = pread(fd, &buf, buf.count, off)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw ELFError.unreadable(String(cString: strerror(errno))) }
            if n == 0 { return out }
            out += buf[0..<n]
            off += off_t(n)
        }
    }

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
