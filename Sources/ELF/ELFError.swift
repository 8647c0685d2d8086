import Glibc

/// Why a program could not be loaded. Each description is one line a user
/// understands; callers prefix it with the program's path.
public enum ELFError: Error, Equatable, CustomStringConvertible {
    case fileNotFound
    case permissionDenied
    case notRegularFile
    /// Any other failure to open or read, with the host's strerror text.
    case unreadable(String)
    case notELF
    /// The file ends before something its headers describe.
    case truncated(String)
    case notELF64
    case bigEndian
    case badHeader(String)
    /// e_machine is not EM_AARCH64.
    case wrongMachine(UInt16)
    /// e_type is neither ET_EXEC nor ET_DYN.
    case wrongType(UInt16)
    case badProgramHeaders(String)
    /// PT_INTERP of a bad size or without its terminating NUL.
    case badInterpreterPath(String)
    /// A short read where Linux's elf_read wants every byte (EIO).
    case readFailed(String)
    /// A malformed PT_GNU_PROPERTY note (parse_elf_properties).
    case badProperty(String)
    /// A PT_LOAD that cannot be mapped; Linux finds this only after the
    /// old image is gone (see `execveErrno`).
    case badSegment(String)
    case noLoadableSegments
    /// The entry point lies outside the address space (after the point of
    /// no return in Linux).
    case badEntry(UInt64)
    /// The program names a dynamic loader (PT_INTERP) but none was given
    /// to the loader.
    case needsInterpreter(String)
    /// The dynamic loader named by PT_INTERP was found nowhere: the path it
    /// names, and the host paths that were tried.
    case interpreterNotFound(String, searched: [String])
    /// The dynamic loader was found but is no AArch64 ELF program (ELIBBAD).
    case badInterpreter(String)
    /// The dynamic loader's segments cannot be mapped (after the point
    /// of no return in Linux).
    case badInterpreterSegments(String)
    /// argv and envp do not fit on the initial stack (E2BIG).
    case argumentListTooLong
    /// The requested stack size is unusable.
    case invalidStackSize(UInt64)

    public var description: String {
        switch self {
        case .fileNotFound: return "No such file or directory"
        case .permissionDenied: return "Permission denied"
        case .notRegularFile: return "not a regular file"
        case .unreadable(let why): return "cannot read the file: \(why)"
        case .notELF: return "not an ELF file"
        case .truncated(let what): return "truncated ELF file: \(what)"
        case .notELF64: return "32-bit ELF file; only 64-bit arm64 (AArch64) programs are supported"
        case .bigEndian: return "big-endian ELF file; only little-endian arm64 (AArch64) programs are supported"
        case .badHeader(let what): return "invalid ELF header: \(what)"
        case .wrongMachine(let m):
            return "ELF file is for \(ELFError.machineName(m)), not arm64 (AArch64)"
        case .wrongType(let t):
            switch t {
            case ELFConst.etRel: return "relocatable object file (ET_REL), not an executable; link it first"
            case ELFConst.etCore: return "core dump (ET_CORE), not an executable"
            case ELFConst.etNone: return "ELF file of type ET_NONE, not an executable"
            default: return "ELF file of unknown type \(t), not an executable"
            }
        case .badProgramHeaders(let what): return "invalid program headers: \(what)"
        case .badInterpreterPath(let what): return "invalid interpreter path: \(what)"
        case .readFailed(let what): return "truncated ELF file: \(what)"
        case .badProperty(let what): return "invalid GNU property note: \(what)"
        case .badSegment(let what): return "invalid loadable segment: \(what)"
        case .noLoadableSegments: return "ELF file has no loadable segments (PT_LOAD)"
        case .badEntry(let e): return "entry point 0x\(String(e, radix: 16)) lies outside the address space"
        case .needsInterpreter(let interp):
            return "dynamically linked program: its interpreter \(interp) was not loaded"
        case .interpreterNotFound(let interp, let searched):
            return "dynamically linked program needs its interpreter \(interp), not found (looked for "
                + searched.joined(separator: ", ")
                + "); give an arm64 sysroot holding it with -L DIR or QEMU_LD_PREFIX=DIR, "
                + "or install Debian's libc6-arm64-cross (apt-get install libc6-arm64-cross)"
        case .badInterpreter(let why), .badInterpreterSegments(let why):
            return "cannot use the program's interpreter: \(why)"
        case .argumentListTooLong: return "Argument list too long"
        case .invalidStackSize(let s): return "stack size \(s) is out of range"
        }
    }

    /// What a Linux execve of such a file returns: the errno of the checks
    /// load_elf_binary makes before begin_new_exec, or nil for failures it
    /// meets only after the old image is gone, when the kernel kills the
    /// process with SIGSEGV instead.
    public var execveErrno: Int32? {
        switch self {
        case .fileNotFound, .needsInterpreter, .interpreterNotFound: return ENOENT
        case .permissionDenied, .notRegularFile: return EACCES
        case .unreadable, .readFailed: return EIO
        case .notELF, .truncated, .notELF64, .bigEndian, .badHeader, .wrongMachine, .wrongType,
             .badProgramHeaders, .badInterpreterPath, .badProperty:
            return ENOEXEC
        case .badInterpreter: return ELIBBAD
        case .argumentListTooLong: return E2BIG
        case .badSegment, .noLoadableSegments, .badEntry, .badInterpreterSegments, .invalidStackSize: return nil
        }
    }

    /// A readable name for an e_machine value (from the ELF gABI registry).
    public static func machineName(_ m: UInt16) -> String {
        switch m {
        case 0: return "no machine (EM_NONE)"
        case 2: return "SPARC"
        case 3: return "x86 (i386)"
        case 8: return "MIPS"
        case 20: return "PowerPC"
        case 21: return "PowerPC64"
        case 22: return "IBM S/390"
        case 40: return "32-bit ARM"
        case 42: return "SuperH"
        case 43: return "SPARC V9"
        case 50: return "IA-64"
        case 62: return "x86-64"
        case 183: return "arm64 (AArch64)"
        case 243: return "RISC-V"
        case 247: return "BPF"
        case 258: return "LoongArch"
        default: return "machine type \(m)"
        }
    }
}
