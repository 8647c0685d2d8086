import Glibc
import GuestMemory

/// ELF64 constants used by the loader (from the gABI and Linux's elf.h).
public enum ELFConst {
    public static let classELF64: UInt8 = 2
    public static let classELF32: UInt8 = 1
    public static let data2LSB: UInt8 = 1
    public static let data2MSB: UInt8 = 2

    public static let etNone: UInt16 = 0
    public static let etRel: UInt16 = 1
    public static let etExec: UInt16 = 2
    public static let etDyn: UInt16 = 3
    public static let etCore: UInt16 = 4

    public static let emAArch64: UInt16 = 183

    public static let ptLoad: UInt32 = 1
    public static let ptDynamic: UInt32 = 2
    public static let ptInterp: UInt32 = 3
    public static let ptPhdr: UInt32 = 6
    public static let ptGNUStack: UInt32 = 0x6474_e551

    public static let pfX: UInt32 = 1
    public static let pfW: UInt32 = 2
    public static let pfR: UInt32 = 4

    public static let ehdrSize = 64
    public static let phdrSize = 56
}

/// One Elf64_Phdr.
public struct ProgramHeader: Equatable, Sendable {
    public var type: UInt32
    public var flags: UInt32
    public var offset: UInt64
    public var vaddr: UInt64
    public var filesz: UInt64
    public var memsz: UInt64
    public var align: UInt64

    /// mmap protection bits for the segment's p_flags.
    public var prot: Int32 {
        var p: Int32 = 0
        if flags & ELFConst.pfR != 0 { p |= PROT_READ }
        if flags & ELFConst.pfW != 0 { p |= PROT_WRITE }
        if flags & ELFConst.pfX != 0 { p |= PROT_EXEC }
        return p
    }
}

/// A parsed and validated ELF64 AArch64 executable, with the file's bytes.
///
/// Everything `ELFLoader` later trusts is checked here: the header fields,
/// that every program header and every PT_LOAD's file range lie inside the
/// file, and that sizes and addresses do not overflow. All arithmetic on
/// values from the file is overflow-checked, so no input can trap.
public struct ELFImage: Sendable {
    public let bytes: [UInt8]
    public let type: UInt16
    public let entry: UInt64
    public let phoff: UInt64
    public let phentsize: UInt16
    public let programHeaders: [ProgramHeader]
    /// The PT_INTERP path, when the program wants a dynamic loader.
    public let interpreterPath: [UInt8]?
    /// PT_INTERP as text, for messages.
    public var interpreter: String? { interpreterPath?.displayString }

    /// The PT_LOAD headers in ascending address order.
    public var loadSegments: [ProgramHeader] {
        programHeaders.filter { $0.type == ELFConst.ptLoad }.sorted { $0.vaddr < $1.vaddr }
    }

    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        let n = bytes.count
        // The identification bytes come first, so a short file that is not
        // ELF at all says "not an ELF file" rather than "truncated".
        guard n >= 4, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 else {
            throw ELFError.notELF
        }
        guard n >= 16 else { throw ELFError.truncated("the ELF header is incomplete") }
        switch bytes[4] {
        case ELFConst.classELF64: break
        case ELFConst.classELF32: throw ELFError.notELF64
        default: throw ELFError.badHeader("unknown ELF class \(bytes[4])")
        }
        switch bytes[5] {
        case ELFConst.data2LSB: break
        case ELFConst.data2MSB: throw ELFError.bigEndian
        default: throw ELFError.badHeader("unknown data encoding \(bytes[5])")
        }
        guard bytes[6] == 1 else { throw ELFError.badHeader("unknown ELF version \(bytes[6])") }
        guard n >= ELFConst.ehdrSize else { throw ELFError.truncated("the ELF header is incomplete") }

        type = ELFImage.u16(bytes, 16)
        let machine = ELFImage.u16(bytes, 18)
        // Machine before type: an x86-64 object should say x86-64 first.
        guard machine == ELFConst.emAArch64 else { throw ELFError.wrongMachine(machine) }
        guard type == ELFConst.etExec || type == ELFConst.etDyn else { throw ELFError.wrongType(type) }
        guard ELFImage.u32(bytes, 20) == 1 else { throw ELFError.badHeader("unknown ELF version in e_version") }
        entry = ELFImage.u64(bytes, 24)
        phoff = ELFImage.u64(bytes, 32)
        phentsize = ELFImage.u16(bytes, 54)
        let phnum = Int(ELFImage.u16(bytes, 56))

        // Linux (load_elf_phdrs) insists on the native entry size and on
        // a table of at most 64 KiB; PN_XNUM extended numbering is refused.
        guard phnum > 0 else { throw ELFError.noLoadableSegments }
        guard phentsize == UInt16(ELFConst.phdrSize) else {
            throw ELFError.badProgramHeaders("entry size is \(phentsize) bytes, expected \(ELFConst.phdrSize)")
        }
        guard phnum != 0xffff else { throw ELFError.badProgramHeaders("extended program header numbering is not supported") }
        let tableSize = UInt64(phnum * ELFConst.phdrSize)
        guard tableSize <= 65536 else { throw ELFError.badProgramHeaders("\(phnum) entries is too many") }
        let (tableEnd, o1) = phoff.addingReportingOverflow(tableSize)
        guard !o1, tableEnd <= UInt64(n) else {
            throw ELFError.truncated("the program headers extend beyond the end of the file")
        }

        var headers: [ProgramHeader] = []
        headers.reserveCapacity(phnum)
        for i in 0..<phnum {
            let o = Int(phoff) + i * ELFConst.phdrSize
            headers.append(ProgramHeader(
                type: ELFImage.u32(bytes, o), flags: ELFImage.u32(bytes, o + 4),
                offset: ELFImage.u64(bytes, o + 8), vaddr: ELFImage.u64(bytes, o + 16),
                filesz: ELFImage.u64(bytes, o + 32), memsz: ELFImage.u64(bytes, o + 40),
                align: ELFImage.u64(bytes, o + 48)))
        }
        programHeaders = headers

        var interp: [UInt8]? = nil
        for (i, ph) in headers.enumerated() {
            switch ph.type {
            case ELFConst.ptLoad:
                guard ph.filesz <= ph.memsz else {
                    throw ELFError.badProgramHeaders("segment \(i) has a file size larger than its memory size")
                }
                // A segment with no file contents (all bss) may name any offset.
                let (end, o) = ph.offset.addingReportingOverflow(ph.filesz)
                guard ph.filesz == 0 || (!o && end <= UInt64(n)) else {
                    throw ELFError.truncated("segment \(i) extends beyond the end of the file")
                }
                let (_, o2) = ph.vaddr.addingReportingOverflow(ph.memsz)
                guard !o2 else { throw ELFError.badProgramHeaders("segment \(i) wraps around the address space") }
            case ELFConst.ptInterp:
                // As in Linux: a string of 2 bytes to PATH_MAX, NUL-terminated.
                guard interp == nil else { throw ELFError.badProgramHeaders("more than one PT_INTERP") }
                guard ph.filesz >= 2, ph.filesz <= 4096 else {
                    throw ELFError.badProgramHeaders("PT_INTERP has an invalid size")
                }
                let (end, o) = ph.offset.addingReportingOverflow(ph.filesz)
                guard !o, end <= UInt64(n) else {
                    throw ELFError.truncated("the interpreter path extends beyond the end of the file")
                }
                let raw = bytes[Int(ph.offset)..<Int(end)]
                guard raw.last == 0 else { throw ELFError.badProgramHeaders("PT_INTERP is not NUL-terminated") }
                interp = Array(raw.prefix { $0 != 0 })
            default:
                break
            }
        }
        interpreterPath = interp
        guard headers.contains(where: { $0.type == ELFConst.ptLoad }) else { throw ELFError.noLoadableSegments }
    }

    // MARK: - Little-endian field reads (callers check bounds first)

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 {
        UInt16(b[o]) | UInt16(b[o + 1]) << 8
    }

    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(u16(b, o)) | UInt32(u16(b, o + 2)) << 16
    }

    static func u64(_ b: [UInt8], _ o: Int) -> UInt64 {
        UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32
    }
}

// MARK: - Reading the file

extension ELFImage {
    /// Reads and parses the file at `path`, refusing what execve would
    /// refuse: a missing file, a non-regular file, one without execute
    /// permission.
    public static func read(path: String) throws -> ELFImage {
        try ELFImage(bytes: readFile(path: path.bytes))
    }

    /// The same for a path given as bytes.
    public static func read(file path: [UInt8]) throws -> ELFImage {
        try ELFImage(bytes: readFile(path: path))
    }

    static func readFile(path: [UInt8]) throws -> [UInt8] {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is
        // refused as not a regular file right after.
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        if fd < 0 { throw xlatOpenError(errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw xlatOpenError(errno) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw ELFError.notRegularFile }
        guard path.withCString({ access($0, X_OK) }) == 0 else { throw ELFError.permissionDenied }
        let size = Int(st.st_size)
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let got = out.withUnsafeMutableBytes { buf in
                Glibc.read(fd, buf.baseAddress! + done, size - done)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw xlatOpenError(errno)
            }
            if got == 0 { break } // the file shrank while we read it
            done += got
        }
        if done < size { out.removeSubrange(done...) }
        return out
    }

    static func xlatOpenError(_ e: Int32) -> ELFError {
        switch e {
        case ENOENT: return .fileNotFound
        case EACCES, EPERM: return .permissionDenied
        case EISDIR: return .notRegularFile
        default: return .unreadable(String(cString: strerror(e)))
        }
    }
}
