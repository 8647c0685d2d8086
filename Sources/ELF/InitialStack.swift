import Glibc
import GuestMemory

/// Auxiliary vector keys (include/uapi/linux/auxvec.h, arm64 asm/auxvec.h).
public enum AuxType {
    public static let null: UInt64 = 0
    public static let ignore: UInt64 = 1
    public static let phdr: UInt64 = 3
    public static let phent: UInt64 = 4
    public static let phnum: UInt64 = 5
    public static let pagesz: UInt64 = 6
    public static let base: UInt64 = 7
    public static let flags: UInt64 = 8
    public static let entry: UInt64 = 9
    public static let uid: UInt64 = 11
    public static let euid: UInt64 = 12
    public static let gid: UInt64 = 13
    public static let egid: UInt64 = 14
    public static let platform: UInt64 = 15
    public static let hwcap: UInt64 = 16
    public static let clktck: UInt64 = 17
    public static let secure: UInt64 = 23
    public static let random: UInt64 = 25
    public static let hwcap2: UInt64 = 26
    public static let execfn: UInt64 = 31
    public static let minsigstksz: UInt64 = 51
}

/// What goes on the initial stack besides the loaded program.
public struct StackSetup: Sendable {
    /// argv, argv[0] included, as bytes.
    public var argv: [[UInt8]]
    /// "NAME=value" strings, as bytes.
    public var envp: [[UInt8]]
    /// The path the program was started by (AT_EXECFN), as bytes.
    public var execfn: [UInt8]
    /// AT_HWCAP and AT_HWCAP2: what the executor implements.
    public var hwcap: UInt64
    public var hwcap2: UInt64
    /// The 16 bytes AT_RANDOM points at; nil draws them from the host.
    public var random: [UInt8]?
    /// Size of the stack mapping under `AddressSpace.stackTop`.
    public var stackSize: UInt64 = 8 << 20
    /// AT_MINSIGSTKSZ. Linux's arm64 value (minsigstksz_setup) for a CPU
    /// without SVE or SME: sizeof(struct rt_sigframe) = 128 (siginfo) +
    /// 4560 (ucontext with its 4096-byte __reserved area), plus a 16-byte
    /// frame record and 16 bytes of alignment slack.
    public var minSigStackSize: UInt64 = 4720

    public init(argv: [[UInt8]], envp: [[UInt8]], execfn: [UInt8], hwcap: UInt64, hwcap2: UInt64,
                random: [UInt8]? = nil) {
        self.argv = argv
        self.envp = envp
        self.execfn = execfn
        self.hwcap = hwcap
        self.hwcap2 = hwcap2
        self.random = random
    }

    /// The same from Swift text (tests and embedders).
    public init(argv: [String], envp: [String], execfn: String, hwcap: UInt64, hwcap2: UInt64, random: [UInt8]? = nil) {
        self.init(argv: argv.map(\.bytes), envp: envp.map(\.bytes), execfn: execfn.bytes, hwcap: hwcap, hwcap2: hwcap2,
                  random: random)
    }
}

/// Where the pieces of the initial stack ended up.
public struct StackLayout: Sendable {
    /// The initial SP: it points at argc and is 16-byte aligned.
    public var sp: UInt64
    public var argvAddr: UInt64
    public var envpAddr: UInt64
    public var auxvAddr: UInt64
    /// The auxv pairs as written, AT_NULL last (for /proc/self/auxv).
    public var auxv: [(UInt64, UInt64)]
    public var execfnAddr: UInt64
    public var randomAddr: UInt64
    public var platformAddr: UInt64
    /// The stack mapping.
    public var stackLow: UInt64
    public var stackHigh: UInt64
}

/// Builds the process's initial stack the way Linux does (fs/exec.c
/// copies the strings, fs/binfmt_elf.c create_elf_tables the rest).
/// From the top down:
///
///     8 zero bytes | execfn | envp strings | argv strings
///     (16-byte align) | "aarch64" | 16 random bytes | padding
///     auxv pairs ... AT_NULL | NULL | envp[] | NULL | argv[] | argc  <- sp
///
/// with sp rounded down to 16 bytes by padding between the random bytes and
/// the auxv.
public enum InitialStack {
    public static let platform = "aarch64"
    /// Linux refuses argument and environment strings above a quarter of
    /// the stack limit (E2BIG).
    static let stringLimitFraction: UInt64 = 4

    /// Maps the stack under `mem.stackTop` (the space below the mapping is
    /// left unmapped as a guard) and writes argv, envp and auxv onto it.
    public static func build(mem: AddressSpace, program: LoadedProgram, setup: StackSetup) throws -> StackLayout {
        let top = mem.stackTop
        let size = (setup.stackSize + AddressSpace.pageMask) & ~AddressSpace.pageMask
        guard size >= 64 << 10, size < top / 2 else {
            throw ELFError.invalidStackSize(setup.stackSize)
        }
        let low = top - size

        // The strings Linux copies from the caller, NUL-terminated.
        let execfn = setup.execfn + [0]
        let args = setup.argv.map { $0 + [0] }
        let envs = setup.envp.map { $0 + [0] }
        let stringBytes = args.reduce(0) { $0 + UInt64($1.count) } + envs.reduce(0) { $0 + UInt64($1.count) }
            + UInt64(execfn.count)
        let pointerBytes = UInt64(args.count + envs.count + 2) * 8
        guard stringBytes + pointerBytes <= size / stringLimitFraction else { throw ELFError.argumentListTooLong }

        mem.mapFixed(low, size, prot: PROT_READ | PROT_WRITE | (program.execStack ? PROT_EXEC : 0), name: "[stack]")

        var p = top - 8 // fs/exec.c: bprm->p = vma_end - sizeof(void *)
        func push(_ bytes: [UInt8]) -> UInt64 {
            p -= UInt64(bytes.count)
            bytes.withUnsafeBytes { mem.poke(p, $0) }
            return p
        }
        let execfnAddr = push(execfn)
        // copy_strings copies the last string first, so element 0 ends up
        // lowest and each array is contiguous in order.
        var envAddrs = [UInt64](repeating: 0, count: envs.count)
        for i in envs.indices.reversed() { envAddrs[i] = push(envs[i]) }
        var argAddrs = [UInt64](repeating: 0, count: args.count)
        for i in args.indices.reversed() { argAddrs[i] = push(args[i]) }

        // create_elf_tables: arch_align_stack (without its random offset).
        p &= ~15
        let platformAddr = push(Array(platform.utf8) + [0])
        var random = setup.random ?? hostRandom16()
        if random.count != 16 { random = Array((random + [UInt8](repeating: 0, count: 16)).prefix(16)) }
        let randomAddr = push(random)

        // The order of entries is Linux's (ARCH_DLINFO first, arm64 has no
        // vDSO here so only AT_MINSIGSTKSZ).
        let auxv: [(UInt64, UInt64)] = [
            (AuxType.minsigstksz, setup.minSigStackSize),
            (AuxType.hwcap, setup.hwcap),
            (AuxType.pagesz, AddressSpace.pageSize),
            (AuxType.clktck, 100),
            (AuxType.phdr, program.phdrAddr),
            (AuxType.phent, program.phent),
            (AuxType.phnum, program.phnum),
            (AuxType.base, program.interpBase),
            (AuxType.flags, 0),
            (AuxType.entry, program.programEntry),
            (AuxType.uid, UInt64(getuid())),
            (AuxType.euid, UInt64(geteuid())),
            (AuxType.gid, UInt64(getgid())),
            (AuxType.egid, UInt64(getegid())),
            (AuxType.secure, 0),
            (AuxType.random, randomAddr),
            (AuxType.hwcap2, setup.hwcap2),
            (AuxType.execfn, execfnAddr),
            (AuxType.platform, platformAddr),
            (AuxType.null, 0),
        ]

        // STACK_ROUND: argc, argv[] + NULL, envp[] + NULL, then the auxv,
        // ending just under the random bytes; sp rounded down to 16.
        let words = 1 + UInt64(args.count + 1) + UInt64(envs.count + 1) + UInt64(auxv.count * 2)
        let sp = (p - words * 8) & ~15
        var table: [UInt64] = [UInt64(args.count)]
        table += argAddrs + [0] + envAddrs + [0]
        for (k, v) in auxv { table += [k, v] }
        table.map { $0.littleEndian }.withUnsafeBytes { mem.poke(sp, $0) }

        let argvAddr = sp + 8
        let envpAddr = argvAddr + UInt64(args.count + 1) * 8
        let auxvAddr = envpAddr + UInt64(envs.count + 1) * 8
        return StackLayout(sp: sp, argvAddr: argvAddr, envpAddr: envpAddr, auxvAddr: auxvAddr, auxv: auxv,
                           execfnAddr: execfnAddr, randomAddr: randomAddr, platformAddr: platformAddr,
                           stackLow: low, stackHigh: top)
    }

    /// AT_RANDOM bytes from the host's generator (getrandom underneath).
    static func hostRandom16() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}
