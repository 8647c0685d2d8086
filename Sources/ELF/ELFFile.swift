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
    public static let ptNote: UInt32 = 4
    public static let ptPhdr: UInt32 = 6
    public static let ptGNUStack: UInt32 = 0x6474_e551
    public static let ptGNUProperty: UInt32 = 0x6474_e553

    public static let pfX: UInt32 = 1
    public static let pfW: UInt32 = 2
    public static let pfR: UInt32 = 4

    public static let ehdrSize = 64
    public static let phdrSize = 56
    /// The largest program header table load_elf_phdrs reads: 65,536
    /// bytes, so at most 1,170 entries. (Kernels before 6.x also capped it
    /// at ELF_MIN_ALIGN, 73 entries with 4 KiB pages; Linux 6.18 accepts 74
    /// and 1,170 entries and refuses 1,171 with ENOEXEC, checked on this
    /// host with an x86-64 program.)
    public static let maxPhdrTableSize = 65536
    /// PATH_MAX: the longest PT_INTERP load_elf_binary accepts.
    public static let maxInterpSize: UInt64 = 4096
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

/// An open program file. Only the headers are read into memory; segments
/// are mapped from the file (see `ELFLoader`). The descriptor is closed
/// with the last reference.
public final class ELFFileHandle: @unchecked Sendable {
    public let fd: Int32
    /// The size when the file was opened.
    public let size: UInt64

    public init(fd: Int32, size: UInt64) {
        self.fd = fd
        self.size = size
    }

    deinit { close(fd) }
}

/// Where an image's bytes come from: an open file (the emulator), or bytes
/// in memory (tests and the in-process fuzzer). Both go through the same
/// checks; only the way file pages reach guest memory differs.
public enum ELFSource: Sendable {
    case file(ELFFileHandle)
    case bytes([UInt8])

    public var size: UInt64 {
        switch self {
        case .file(let f): return f.size
        case .bytes(let b): return UInt64(b.count)
        }
    }

    /// Up to `count` bytes at `offset`: fewer at the end of the file, none
    /// past it. `count` is small (headers), never a segment.
    func read(_ offset: UInt64, _ count: Int) -> [UInt8] {
        guard offset < size, count > 0 else { return [] }
        let n = Int(min(UInt64(count), size - offset))
        switch self {
        case .bytes(let b):
            let o = Int(offset)
            return Array(b[o..<(o + n)])
        case .file(let f):
            var out = [UInt8](repeating: 0, count: n)
            var done = 0
            while done < n {
                let got = out.withUnsafeMutableBytes { buf in
                    pread(f.fd, buf.baseAddress! + done, n - done, off_t(truncatingIfNeeded: offset &+ UInt64(done)))
                }
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { break }
                done += got
            }
            return Array(out.prefix(done))
        }
    }
}

/// A parsed ELF64 AArch64 executable: its header and program headers, read
/// with the checks Linux's load_elf_binary makes before an execve can no
/// longer fail (errors here are an errno for execve, see
/// `ELFError.execveErrno`). The segment checks that Linux makes after that
/// point are `ELFLoader`'s. All arithmetic on values from the file is
/// overflow-checked, so no input can trap.
public struct ELFImage: Sendable {
    public let source: ELFSource
    public let type: UInt16
    public let entry: UInt64
    public let phoff: UInt64
    public let phentsize: UInt16
    public let programHeaders: [ProgramHeader]
    /// The PT_INTERP path, when the program wants a dynamic loader (the
    /// first PT_INTERP, as Linux takes).
    public let interpreterPath: [UInt8]?
    /// PT_INTERP as text, for messages.
    public var interpreter: String? { interpreterPath?.displayString }
    /// The last PT_GNU_STACK asks for an executable stack (PF_X).
    public let execStack: Bool
    /// The PT_GNU_PROPERTY header Linux would look at (the last one before
    /// the first PT_INTERP).
    public let propertyHeader: ProgramHeader?

    /// The PT_LOAD headers in file order (Linux maps them in this order).
    public var loadSegments: [ProgramHeader] {
        programHeaders.filter { $0.type == ELFConst.ptLoad }
    }

    public init(bytes: [UInt8]) throws {
        try self.init(source: .bytes(bytes))
    }

    public init(source: ELFSource) throws {
        self.source = source
        let head = source.read(0, ELFConst.ehdrSize)
        let n = head.count
        // The identification bytes come first, so a short file that is not
        // ELF at all says "not an ELF file" rather than "truncated".
        guard n >= 4, head[0] == 0x7f, head[1] == 0x45, head[2] == 0x4c, head[3] == 0x46 else {
            throw ELFError.notELF
        }
        guard n >= 16 else { throw ELFError.truncated("the ELF header is incomplete") }
        switch head[4] {
        case ELFConst.classELF64: break
        case ELFConst.classELF32: throw ELFError.notELF64
        default: throw ELFError.badHeader("unknown ELF class \(head[4])")
        }
        switch head[5] {
        case ELFConst.data2LSB: break
        case ELFConst.data2MSB: throw ELFError.bigEndian
        default: throw ELFError.badHeader("unknown data encoding \(head[5])")
        }
        // Linux checks neither EI_VERSION nor e_version.
        guard n >= ELFConst.ehdrSize else { throw ELFError.truncated("the ELF header is incomplete") }

        type = ELFImage.u16(head, 16)
        let machine = ELFImage.u16(head, 18)
        // Machine before type: an x86-64 object should say x86-64 first.
        guard machine == ELFConst.emAArch64 else { throw ELFError.wrongMachine(machine) }
        guard type == ELFConst.etExec || type == ELFConst.etDyn else { throw ELFError.wrongType(type) }
        entry = ELFImage.u64(head, 24)
        phoff = ELFImage.u64(head, 32)
        phentsize = ELFImage.u16(head, 54)
        let phnum = Int(ELFImage.u16(head, 56))

        // load_elf_phdrs: the native entry size, 1 to 65,536 bytes of table
        // (PN_XNUM extended numbering never fits), all of it read.
        guard phnum > 0 else { throw ELFError.badProgramHeaders("there are none (e_phnum is 0)") }
        guard phentsize == UInt16(ELFConst.phdrSize) else {
            throw ELFError.badProgramHeaders("entry size is \(phentsize) bytes, expected \(ELFConst.phdrSize)")
        }
        let tableSize = phnum * ELFConst.phdrSize
        guard tableSize <= ELFConst.maxPhdrTableSize else {
            throw ELFError.badProgramHeaders("\(phnum) entries is too many (at most \(ELFConst.maxPhdrTableSize / ELFConst.phdrSize))")
        }
        let table = source.read(phoff, tableSize)
        guard table.count == tableSize else {
            throw ELFError.truncated("the program headers extend beyond the end of the file")
        }

        var headers: [ProgramHeader] = []
        headers.reserveCapacity(phnum)
        for i in 0..<phnum {
            let o = i * ELFConst.phdrSize
            headers.append(ProgramHeader(
                type: ELFImage.u32(table, o), flags: ELFImage.u32(table, o + 4),
                offset: ELFImage.u64(table, o + 8), vaddr: ELFImage.u64(table, o + 16),
                filesz: ELFImage.u64(table, o + 32), memsz: ELFImage.u64(table, o + 40),
                align: ELFImage.u64(table, o + 48)))
        }
        programHeaders = headers

        // The first loop of load_elf_binary: PT_GNU_PROPERTY (the last one
        // seen) and the first PT_INTERP, which ends the loop.
        var interp: [UInt8]? = nil
        var property: ProgramHeader? = nil
        for ph in headers {
            if ph.type == ELFConst.ptGNUProperty { property = ph; continue }
            guard ph.type == ELFConst.ptInterp else { continue }
            guard ph.filesz >= 2, ph.filesz <= ELFConst.maxInterpSize else {
                throw ELFError.badInterpreterPath("PT_INTERP of \(ph.filesz) bytes (2 to \(ELFConst.maxInterpSize))")
            }
            let raw = source.read(ph.offset, Int(ph.filesz))
            guard raw.count == Int(ph.filesz) else {
                throw ELFError.readFailed("the interpreter path extends beyond the end of the file")
            }
            guard raw.last == 0 else { throw ELFError.badInterpreterPath("PT_INTERP is not NUL-terminated") }
            interp = Array(raw.prefix { $0 != 0 })
            break
        }
        interpreterPath = interp
        propertyHeader = property
        // The second loop: the last PT_GNU_STACK decides.
        var exec = false
        for ph in headers where ph.type == ELFConst.ptGNUStack { exec = ph.flags & ELFConst.pfX != 0 }
        execStack = exec
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
    /// Opens and parses the file at `path`, refusing what execve would
    /// refuse: a missing file, a non-regular file, one without execute
    /// permission. Only the headers are read.
    public static func read(path: String) throws -> ELFImage {
        try read(file: path.bytes)
    }

    /// The same for a path given as bytes.
    public static func read(file path: [UInt8]) throws -> ELFImage {
        try ELFImage(source: .file(open(path: path)))
    }

    /// Parses the program open at `fd` (binfmt_misc's AT_EXECFD), which
    /// the image then owns.
    public static func read(fd: Int32) throws -> ELFImage {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw xlatOpenError(e)
        }
        let handle = ELFFileHandle(fd: fd, size: UInt64(max(st.st_size, 0)))
        guard st.st_mode & S_IFMT == S_IFREG else { throw ELFError.notRegularFile }
        return try ELFImage(source: .file(handle))
    }

    static func open(path: [UInt8]) throws -> ELFFileHandle {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is
        // refused as not a regular file right after.
        let fd = path.withCString { Glibc.open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        if fd < 0 { throw xlatOpenError(errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw xlatOpenError(e)
        }
        let handle = ELFFileHandle(fd: fd, size: UInt64(max(st.st_size, 0)))
        guard st.st_mode & S_IFMT == S_IFREG else { throw ELFError.notRegularFile }
        guard path.withCString({ access($0, X_OK) }) == 0 else { throw ELFError.permissionDenied }
        return handle
    }

    /// The whole file (for the symbol table of `-d in_asm`), at most
    /// `limit` bytes; nil when it is larger or unreadable.
    public func wholeFile(limit: UInt64 = 256 << 20) -> [UInt8]? {
        guard source.size <= limit else { return nil }
        if case .bytes(let b) = source { return b }
        let all = source.read(0, Int(source.size))
        return all.count == Int(source.size) ? all : nil
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
