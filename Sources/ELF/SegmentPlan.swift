import Glibc
import GuestMemory

/// One PT_LOAD, checked and laid out before anything is mapped, with the
/// rules of Linux's elf_load, elf_map and the checks load_elf_binary makes
/// on each segment (all after its point of no return, so each failure is
/// `ELFError.badSegment`):
///
/// - p_filesz ≤ p_memsz, and p_vaddr and p_memsz within TASK_SIZE;
/// - the biased range lies inside the guest space, above page zero,
///   without wrapping;
/// - when there are file bytes, p_offset and p_vaddr agree modulo the
///   page size (mmap of the file needs a page-aligned offset);
/// - a writable segment with bss needs the page holding its last file
///   byte to exist in the file (padzero writes there; past the end of the
///   file Linux faults).
///
/// The file part [page of p_vaddr, page end of p_vaddr + p_filesz) is the
/// file mapped at the page-aligned offset: pages wholly past the end of
/// the file are left mapped but inaccessible (Linux would raise SIGBUS on
/// touching them; the guest gets SIGSEGV). The bss part after it is
/// anonymous read-write memory (vm_brk_flags), executable when the
/// segment is. Segments are applied in file order and a later one
/// replaces the pages of an earlier one, as MAP_FIXED does in Linux.
struct SegmentPlan {
    let index: Int
    let prot: Int32
    /// Page-aligned start of the segment in guest memory.
    let pageStart: UInt64
    /// Unaligned end (start + p_memsz).
    let end: UInt64
    /// Page-aligned end of the file part (== pageStart without file bytes).
    let fileEnd: UInt64
    /// Page-aligned file offset of `pageStart`.
    let fileOffset: UInt64
    /// First byte after the file contents (start + p_filesz).
    let zeroStart: UInt64
    let hasBSS: Bool

    static func pageUp(_ a: UInt64) -> UInt64 { (a &+ AddressSpace.pageMask) & ~AddressSpace.pageMask }
    static func pageDown(_ a: UInt64) -> UInt64 { a & ~AddressSpace.pageMask }

    /// nil for a segment that maps nothing (p_memsz 0).
    init?(_ ph: ProgramHeader, index i: Int, bias: UInt64, fileSize: UInt64, limit: UInt64) throws {
        index = i
        prot = ph.prot
        guard ph.filesz <= ph.memsz else {
            throw ELFError.badSegment("segment \(i) has a file size (\(hex(ph.filesz))) larger than its memory size (\(hex(ph.memsz)))")
        }
        // Linux checks the unbiased p_vaddr and p_memsz against TASK_SIZE.
        let task = ELFLoader.taskSize
        guard ph.vaddr < task, ph.memsz <= task, task - ph.memsz >= ph.vaddr else {
            throw ELFError.badSegment("segment \(i) at \(hex(ph.vaddr)) of \(hex(ph.memsz)) bytes wraps or lies beyond the address space")
        }
        let start = ph.vaddr &+ bias
        let (e, o) = start.addingReportingOverflow(ph.memsz)
        guard !o, e <= limit else {
            throw ELFError.badSegment(
                "segment \(i) at \(hex(ph.vaddr)) of \(hex(ph.memsz)) bytes lies beyond the \(limit >> 30) GiB guest address space")
        }
        if ph.memsz == 0 { return nil }
        end = e
        pageStart = SegmentPlan.pageDown(start)
        guard pageStart >= ELFLoader.minAddress else {
            throw ELFError.badSegment("segment \(i) at \(hex(ph.vaddr)) would map page zero")
        }
        let pageOffset = start & AddressSpace.pageMask
        zeroStart = start + ph.filesz
        hasBSS = ph.memsz > ph.filesz
        if ph.filesz > 0 {
            guard ph.offset & AddressSpace.pageMask == ph.vaddr & AddressSpace.pageMask else {
                throw ELFError.badSegment("segment \(i): p_offset \(hex(ph.offset)) and p_vaddr \(hex(ph.vaddr)) differ modulo the page size")
            }
            fileOffset = ph.offset - pageOffset
            fileEnd = SegmentPlan.pageUp(zeroStart)
            let (fileLast, o2) = fileOffset.addingReportingOverflow(fileEnd - pageStart)
            guard !o2, fileLast <= UInt64(Int64.max) else {
                throw ELFError.badSegment("segment \(i): file offset \(hex(ph.offset)) plus size overflows")
            }
            // padzero: the page holding the first bss byte must be in the
            // file when the segment is writable (else Linux returns EFAULT).
            if hasBSS, zeroStart & AddressSpace.pageMask != 0, prot & PROT_WRITE != 0 {
                let zeroPageOffset = fileOffset + (SegmentPlan.pageDown(zeroStart) - pageStart)
                guard zeroPageOffset < fileSize else {
                    throw ELFError.badSegment("segment \(i) is writable and its last file page lies past the end of the file")
                }
            }
        } else {
            fileOffset = 0
            fileEnd = pageStart
        }
    }

    /// Maps the segment; returns the host bytes written (copies, zeroing).
    func apply(_ source: ELFSource, name: String, into mem: AddressSpace) throws -> UInt64 {
        var written: UInt64 = 0
        if fileEnd > pageStart {
            let len = fileEnd - pageStart
            mem.mapFixed(pageStart, len, prot: prot, name: name, offset: fileOffset)
            // File pages that exist: [fileOffset, page end of the file size).
            let available = fileOffset < source.size ? min(len, SegmentPlan.pageUp(source.size) - fileOffset) : 0
            switch source {
            case .file(let f):
                guard mem.mapFilePrivate(pageStart, available, fd: f.fd, offset: fileOffset) else {
                    throw ELFError.badSegment("segment \(index): the host cannot map \(hex(available)) bytes of the file")
                }
            case .bytes(let b):
                let count = Int(min(available, source.size - min(fileOffset, source.size)))
                if count > 0 {
                    let o = Int(fileOffset)
                    b.withUnsafeBytes { buf in
                        mem.poke(pageStart, UnsafeRawBufferPointer(rebasing: buf[o..<(o + count)]))
                    }
                    written &+= UInt64(count)
                }
            }
            if available < len { mem.makeInaccessible(pageStart + available, len - available) }
            // padzero: the rest of the page after the file bytes.
            if hasBSS, zeroStart < fileEnd, zeroStart < pageStart + available {
                let n = fileEnd - zeroStart
                mem.host(zeroStart).initializeMemory(as: UInt8.self, repeating: 0, count: Int(n))
                written &+= n
            }
        }
        let bssStart = max(fileEnd, pageStart), bssEnd = SegmentPlan.pageUp(end)
        if bssEnd > bssStart {
            mem.mapFixed(bssStart, bssEnd - bssStart, prot: PROT_READ | PROT_WRITE | (prot & PROT_EXEC))
        }
        return written
    }
}
