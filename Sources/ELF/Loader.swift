import Glibc
import GuestMemory

/// What the loader placed in guest memory.
public struct LoadedProgram: Sendable {
    /// Where execution starts (the interpreter's entry when there is one).
    public var entry: UInt64
    /// The program's own entry (AT_ENTRY).
    public var programEntry: UInt64
    public var phdrAddr: UInt64
    public var phnum: UInt64
    public var phent: UInt64
    /// Load bias of the interpreter (AT_BASE), 0 without one.
    public var interpBase: UInt64
    /// First byte after the highest segment, page aligned: brk starts here.
    public var brkStart: UInt64
    /// PT_GNU_STACK asks for an executable stack (PF_X), as for GCC's
    /// trampolines of nested functions: Linux then maps the stack with exec.
    public var execStack: Bool
    /// Host bytes the loader wrote (copies and zeroing) for the program
    /// and its interpreter: what loading cost in host memory beyond the
    /// pages the guest later touches.
    public var hostBytesWritten: UInt64 = 0

    public init(entry: UInt64, programEntry: UInt64, phdrAddr: UInt64, phnum: UInt64, phent: UInt64, interpBase: UInt64, brkStart: UInt64,
                execStack: Bool = false) {
        self.entry = entry
        self.programEntry = programEntry
        self.phdrAddr = phdrAddr
        self.phnum = phnum
        self.phent = phent
        self.interpBase = interpBase
        self.brkStart = brkStart
        self.execStack = execStack
    }
}

/// One ELF image mapped at a bias (the program, or later its interpreter).
public struct MappedImage: Sendable {
    /// Added to every p_vaddr: 0 for ET_EXEC.
    public var bias: UInt64
    public var entry: UInt64
    /// Guest address of the program header table (for AT_PHDR), 0 when no
    /// loaded segment contains it.
    public var phdrAddr: UInt64
    public var phnum: UInt64
    /// Page-aligned lowest and highest guest addresses of the image.
    public var start: UInt64
    public var end: UInt64
    /// Host bytes written while mapping (see `LoadedProgram`).
    public var hostBytesWritten: UInt64
}

/// Maps ELF64 AArch64 executables into an `AddressSpace` as Linux's
/// binfmt_elf does (SegmentPlan.swift has the per-segment rules): every
/// PT_LOAD in file order at its page-aligned address with its permissions,
/// file pages mapped from the file, the rest of the segment zero.
///
/// A dynamically linked program is a second `map` call: the interpreter
/// named by PT_INTERP (ld-linux-aarch64.so.1) is an ET_DYN image mapped at
/// a free range under the mmap area, as Linux's load_elf_interp does; its
/// bias becomes AT_BASE and its entry the starting PC, while AT_ENTRY and
/// AT_PHDR still describe the program.
public enum ELFLoader {
    /// Lowest address an image may occupy: page zero stays unmapped so that
    /// null pointers fault, as Linux's mmap_min_addr ensures.
    public static let minAddress: UInt64 = AddressSpace.pageSize

    /// TASK_SIZE of a 48-bit arm64 kernel: Linux refuses a p_vaddr or
    /// p_memsz beyond it before adding the load bias.
    public static let taskSize: UInt64 = 1 << 48

    /// Where an ET_DYN program is placed: two thirds of the address space,
    /// as Linux's ELF_ET_DYN_BASE (0x5555_5555_4000 with a 47-bit space,
    /// 0x55_5555_4000 with the default 39-bit guest space).
    public static func dynBase(for mem: AddressSpace) -> UInt64 {
        ((mem.size - AddressSpace.pageSize) / 3 * 2) & ~AddressSpace.pageMask
    }

    /// Reads, checks and maps the program at `path`.
    public static func load(path: String, into mem: AddressSpace) throws -> LoadedProgram {
        let image = try ELFImage.read(path: path)
        return try load(image: image, name: regionName(path), into: mem)
    }

    /// Maps an already parsed program. `name` labels its regions in
    /// /proc/self/maps. A program with PT_INTERP needs `interpreter`: the
    /// parsed dynamic loader and its region name. Every check Linux makes
    /// before the point of no return comes first; a failure while mapping
    /// leaves what was mapped (the caller drops the space, as Linux kills
    /// the process).
    public static func load(image: ELFImage, name: String = "", interpreter: (image: ELFImage, name: String)? = nil,
                            into mem: AddressSpace) throws -> LoadedProgram {
        if let interp = image.interpreter, interpreter == nil { throw ELFError.needsInterpreter(interp) }
        let interp = image.interpreter == nil ? nil : interpreter
        try GNUProperties.check(interp?.image ?? image)

        let bias = image.type == ELFConst.etDyn ? try dynBias(image, mem) : 0
        let m = try map(image, bias: bias, name: name, into: mem)
        // Linux takes the stack's exec permission from the program's
        // PT_GNU_STACK, not the interpreter's.
        guard let (interpImage, interpName) = interp else {
            var p = LoadedProgram(entry: m.entry, programEntry: m.entry, phdrAddr: m.phdrAddr, phnum: m.phnum,
                                  phent: UInt64(ELFConst.phdrSize), interpBase: 0, brkStart: m.end, execStack: image.execStack)
            p.hostBytesWritten = m.hostBytesWritten
            return p
        }
        let i: MappedImage
        do {
            // load_elf_interp: ET_EXEC or ET_DYN (ELFImage checked that),
            // ET_DYN placed by a mapping of its whole span.
            let interpBias = interpImage.type == ELFConst.etDyn ? try freeBias(interpImage, mem) : 0
            i = try map(interpImage, bias: interpBias, name: interpName, into: mem)
        } catch let e as ELFError {
            throw ELFError.badInterpreterSegments("\(e)")
        }
        var p = LoadedProgram(entry: i.entry, programEntry: m.entry, phdrAddr: m.phdrAddr, phnum: m.phnum,
                              phent: UInt64(ELFConst.phdrSize), interpBase: i.bias, brkStart: m.end, execStack: image.execStack)
        p.hostBytesWritten = m.hostBytesWritten &+ i.hostBytesWritten
        return p
    }

    /// Linux's total_mapping_size: from the page of the lowest PT_LOAD to
    /// the end of the highest, 0 without PT_LOAD (wrapping as in C, which
    /// the segment checks then refuse).
    static func span(_ image: ELFImage) -> (first: UInt64, size: UInt64) {
        var lo = UInt64.max, hi: UInt64 = 0, any = false
        for ph in image.programHeaders where ph.type == ELFConst.ptLoad {
            lo = min(lo, ph.vaddr & ~AddressSpace.pageMask)
            hi = max(hi, ph.vaddr &+ ph.memsz)
            any = true
        }
        return any ? (lo, hi &- lo) : (0, 0)
    }

    /// The largest power-of-two p_align of the PT_LOADs, at least a page
    /// (Linux's maximum_alignment), capped at 256 MiB so that a hostile
    /// value cannot ask for more than the space.
    static func alignment(_ image: ELFImage) -> UInt64 {
        var align = AddressSpace.pageSize
        for ph in image.programHeaders where ph.type == ELFConst.ptLoad
            && ph.align > align && ph.align & (ph.align &- 1) == 0 && ph.align <= 1 << 28 {
            align = ph.align
        }
        return align
    }

    /// The bias that puts an ET_DYN interpreter at the top of the free mmap
    /// area, aligned to its largest segment alignment.
    static func freeBias(_ image: ELFImage, _ mem: AddressSpace) throws -> UInt64 {
        let align = alignment(image)
        let (first, size) = span(image)
        guard size > 0 else { throw ELFError.noLoadableSegments }
        guard size < 1 << 32 else { throw ELFError.badSegment("the segments span more than 4 GiB") }
        let len = SegmentPlan.pageUp(size)
        guard let at = mem.findFree(len + align) else {
            throw ELFError.badSegment("no free guest address range of \(len) bytes")
        }
        // [at, at + len + align) is free; the aligned start inside it
        // that keeps the image highest.
        let start = (at + align) & ~(align - 1)
        return start &- first
    }

    /// The bias that puts the first PT_LOAD of an ET_DYN program at
    /// `dynBase`, aligned to the largest segment alignment (as Linux 5.10+
    /// honours p_align for PIE): load_bias = ELF_PAGESTART(base - vaddr),
    /// wrapping as in C.
    static func dynBias(_ image: ELFImage, _ mem: AddressSpace) throws -> UInt64 {
        guard let first = image.loadSegments.first else { throw ELFError.noLoadableSegments }
        let (_, size) = span(image)
        guard size > 0 else { throw ELFError.noLoadableSegments }
        let base = dynBase(for: mem) & ~(alignment(image) - 1)
        return (base &- first.vaddr) & ~AddressSpace.pageMask
    }

    /// Maps every PT_LOAD of `image` at `bias`. Every segment is checked
    /// first (`SegmentPlan`), so nothing is mapped when one is bad.
    public static func map(_ image: ELFImage, bias: UInt64, name: String, into mem: AddressSpace) throws -> MappedImage {
        var plans: [SegmentPlan] = []
        for (i, ph) in image.programHeaders.enumerated() where ph.type == ELFConst.ptLoad {
            if let p = try SegmentPlan(ph, index: i, bias: bias, fileSize: image.source.size, limit: mem.mmapTop) {
                plans.append(p)
            }
        }
        guard let lowest = plans.map(\.pageStart).min(), let highest = plans.map(\.end).max() else {
            throw ELFError.noLoadableSegments
        }
        let (entry, oe) = image.entry.addingReportingOverflow(bias)
        guard !oe, entry < mem.size else { throw ELFError.badEntry(image.entry) }

        // A page shared by consecutive segments gets both segments'
        // permissions (more lenient than Linux, where the later MAP_FIXED
        // decides): code and data packed into one page keep working.
        var written: UInt64 = 0
        var prev: SegmentPlan? = nil
        for p in plans {
            written &+= try p.apply(image.source, name: name, into: mem)
            if let q = prev, p.pageStart < SegmentPlan.pageUp(q.end), SegmentPlan.pageUp(q.end) <= SegmentPlan.pageUp(p.end) {
                _ = mem.protect(p.pageStart, SegmentPlan.pageUp(q.end) - p.pageStart, prot: p.prot | q.prot)
            }
            prev = p
        }
        return MappedImage(bias: bias, entry: entry, phdrAddr: phdrAddress(image, bias: bias),
                           phnum: UInt64(image.programHeaders.count),
                           start: lowest, end: SegmentPlan.pageUp(highest), hostBytesWritten: written)
    }

    /// AT_PHDR: where the program header table is in memory. Linux takes it
    /// from the PT_LOAD whose file range holds e_phoff; PT_PHDR is the
    /// fallback for images whose headers are not in a loaded segment.
    static func phdrAddress(_ image: ELFImage, bias: UInt64) -> UInt64 {
        for ph in image.programHeaders where ph.type == ELFConst.ptLoad {
            if ph.offset <= image.phoff, image.phoff - ph.offset < ph.filesz {
                return ph.vaddr &+ (image.phoff - ph.offset) &+ bias
            }
        }
        if let ph = image.programHeaders.first(where: { $0.type == ELFConst.ptPhdr }) {
            return ph.vaddr &+ bias
        }
        return 0
    }

    /// The absolute path, as /proc/self/maps names a mapped file.
    public static func regionName(_ path: String) -> String {
        regionName(file: path.bytes)
    }

    /// The same for a path as bytes. Region names are text: a name that is
    /// not UTF-8 shows U+FFFD in /proc/self/maps.
    public static func regionName(file path: [UInt8]) -> String {
        guard let p = path.withCString({ realpath($0, nil) }) else { return path.displayString }
        defer { free(p) }
        return [UInt8](cString: p).displayString
    }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
