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
}

/// Maps ELF64 AArch64 executables into an `AddressSpace` as Linux's
/// binfmt_elf does: every PT_LOAD at its page-aligned address with its
/// permissions, file bytes copied, the rest of the segment zero.
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
    /// parsed dynamic loader and its region name.
    public static func load(image: ELFImage, name: String = "", interpreter: (image: ELFImage, name: String)? = nil,
                            into mem: AddressSpace) throws -> LoadedProgram {
        if let interp = image.interpreter, interpreter == nil { throw ELFError.needsInterpreter(interp) }
        if let interp = interpreter?.image {
            // Linux (load_elf_binary) refuses an interpreter that is not
            // ET_DYN or ET_EXEC, or that wants an interpreter itself.
            guard interp.interpreter == nil else {
                throw ELFError.badInterpreter("the interpreter itself names an interpreter")
            }
        }
        let bias = image.type == ELFConst.etDyn ? try dynBias(image, mem) : 0
        let m = try map(image, bias: bias, name: name, into: mem)
        // Linux takes the stack's exec permission from the program's
        // PT_GNU_STACK, not the interpreter's.
        let execStack = image.programHeaders.contains { $0.type == ELFConst.ptGNUStack && $0.flags & ELFConst.pfX != 0 }
        guard let (interpImage, interpName) = interpreter, image.interpreter != nil else {
            return LoadedProgram(entry: m.entry, programEntry: m.entry, phdrAddr: m.phdrAddr, phnum: m.phnum,
                                 phent: UInt64(ELFConst.phdrSize), interpBase: 0, brkStart: m.end, execStack: execStack)
        }
        let interpBias: UInt64
        do {
            interpBias = interpImage.type == ELFConst.etDyn ? try freeBias(interpImage, mem) : 0
        } catch {
            mem.unmap(m.start, m.end - m.start)
            throw error
        }
        let i: MappedImage
        do {
            i = try map(interpImage, bias: interpBias, name: interpName, into: mem)
        } catch let e as ELFError {
            mem.unmap(m.start, m.end - m.start)
            throw ELFError.badInterpreter("\(e)")
        }
        return LoadedProgram(entry: i.entry, programEntry: m.entry, phdrAddr: m.phdrAddr, phnum: m.phnum,
                             phent: UInt64(ELFConst.phdrSize), interpBase: i.bias, brkStart: m.end, execStack: execStack)
    }

    /// The bias that puts an ET_DYN interpreter at the top of the free mmap
    /// area, aligned to its largest segment alignment.
    static func freeBias(_ image: ELFImage, _ mem: AddressSpace) throws -> UInt64 {
        let loads = image.loadSegments
        var align = AddressSpace.pageSize
        for ph in loads where ph.align > align && ph.align & (ph.align - 1) == 0 && ph.align <= 1 << 28 {
            align = ph.align
        }
        let first = loads.first!.vaddr & ~AddressSpace.pageMask
        let last = loads.map { $0.vaddr &+ $0.memsz }.max()!
        guard last > first, last - first < 1 << 32 else {
            throw ELFError.badInterpreter("its segments span more than 4 GiB")
        }
        let span = pageUp(last) - first
        guard let at = mem.findFree(span + align) else {
            throw ELFError.badInterpreter("no free guest address range of \(span) bytes")
        }
        // [at, at + span + align) is free; the aligned start inside it
        // that keeps the image highest.
        let start = (at + align) & ~(align - 1)
        return start - first
    }

    /// The bias that puts the lowest PT_LOAD of an ET_DYN image at
    /// `dynBase`, aligned to the largest segment alignment (as Linux 5.10+
    /// honours p_align for PIE).
    static func dynBias(_ image: ELFImage, _ mem: AddressSpace) throws -> UInt64 {
        let loads = image.loadSegments
        var align = AddressSpace.pageSize
        for ph in loads where ph.align > align && ph.align & (ph.align - 1) == 0 && ph.align <= 1 << 28 {
            align = ph.align
        }
        let first = loads.first!.vaddr & ~AddressSpace.pageMask
        let base = dynBase(for: mem) & ~(align - 1)
        guard first <= base else {
            throw ELFError.badProgramHeaders("position-independent program starts at \(hex(first)), too high to place")
        }
        return base - first
    }

    /// Maps every PT_LOAD of `image` at `bias`. Checks each address against
    /// the guest space first, so nothing is mapped when the image is bad.
    public static func map(_ image: ELFImage, bias: UInt64, name: String, into mem: AddressSpace) throws -> MappedImage {
        let limit = mem.mmapTop
        let loads = image.loadSegments.filter { $0.memsz > 0 }
        guard !loads.isEmpty else { throw ELFError.noLoadableSegments }

        // MARK: Check every range before touching memory.
        var prevEnd: UInt64 = 0
        for (i, ph) in loads.enumerated() {
            let (start, o1) = ph.vaddr.addingReportingOverflow(bias)
            let (end, o2) = start.addingReportingOverflow(ph.memsz)
            guard !o1, !o2, end <= limit else {
                throw ELFError.badProgramHeaders(
                    "segment at \(hex(ph.vaddr)) of \(hex(ph.memsz)) bytes lies beyond the \(limit >> 30) GiB guest address space")
            }
            guard start & ~AddressSpace.pageMask >= minAddress else {
                throw ELFError.badProgramHeaders("segment at \(hex(ph.vaddr)) would map page zero")
            }
            if i > 0, start < prevEnd {
                throw ELFError.badProgramHeaders("segments overlap at \(hex(ph.vaddr))")
            }
            prevEnd = end
        }
        let (entry, oe) = image.entry.addingReportingOverflow(bias)
        guard !oe, entry < mem.size else {
            throw ELFError.badHeader("entry point \(hex(image.entry)) lies outside the address space")
        }

        // MARK: Map pages. A page shared by two segments gets both segments'
        // permissions, as the kernel's second MAP_FIXED would leave the
        // union of what both need readable.
        var prevPageEnd: UInt64 = 0
        var prevProt: Int32 = 0
        for ph in loads {
            let start = (ph.vaddr + bias) & ~AddressSpace.pageMask
            let end = pageUp(ph.vaddr + bias + ph.memsz)
            mem.mapFixed(start, end - start, prot: ph.prot, name: name, offset: ph.offset & ~AddressSpace.pageMask)
            if start < prevPageEnd {
                _ = mem.protect(start, min(prevPageEnd, end) - start, prot: ph.prot | prevProt)
            }
            if end >= prevPageEnd {
                prevPageEnd = end
                prevProt = ph.prot
            }
        }

        // MARK: Copy the file bytes; the rest of each segment is zero.
        for ph in loads {
            let addr = ph.vaddr + bias
            if ph.filesz > 0 {
                image.bytes.withUnsafeBytes { buf in
                    mem.poke(addr, UnsafeRawBufferPointer(rebasing: buf[Int(ph.offset)..<Int(ph.offset + ph.filesz)]))
                }
            }
            // mapFixed zero-fills fresh pages; clear the tail of the last
            // file page explicitly all the same, since it may be shared.
            let bssStart = addr + ph.filesz
            let tailEnd = min(pageUp(bssStart), addr + ph.memsz)
            if tailEnd > bssStart {
                mem.host(bssStart).initializeMemory(as: UInt8.self, repeating: 0, count: Int(tailEnd - bssStart))
            }
        }

        let first = loads.first!
        let last = loads.max { $0.vaddr + $0.memsz < $1.vaddr + $1.memsz }!
        return MappedImage(bias: bias, entry: entry, phdrAddr: phdrAddress(image, bias: bias),
                           phnum: UInt64(image.programHeaders.count),
                           start: (first.vaddr + bias) & ~AddressSpace.pageMask,
                           end: pageUp(last.vaddr + bias + last.memsz))
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

    static func pageUp(_ a: UInt64) -> UInt64 {
        (a &+ AddressSpace.pageMask) & ~AddressSpace.pageMask
    }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
