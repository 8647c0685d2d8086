import Glibc
import GuestMemory
import XCTest
@testable import ELF

/// Loading the committed binaries. Expected addresses come from
/// `aarch64-linux-gnu-readelf -lhW` of the same files.
final class LoaderTests: XCTestCase {
    func testStaticExecutable() throws {
        let mem = try AddressSpace()
        let p = try ELFLoader.load(path: Fixtures.path("tiny"), into: mem)
        // Entry point address: 0x4000b0; 2 program headers at file offset 64,
        // inside the first LOAD (offset 0, vaddr 0x400000).
        XCTAssertEqual(p.entry, 0x4000b0)
        XCTAssertEqual(p.programEntry, 0x4000b0)
        XCTAssertEqual(p.phdrAddr, 0x400040)
        XCTAssertEqual(p.phnum, 2)
        XCTAssertEqual(p.phent, 56)
        XCTAssertEqual(p.interpBase, 0)
        // LOAD 0x4010e8 memsz 0x2008 ends at 0x4030f0.
        XCTAssertEqual(p.brkStart, 0x404000)

        // Text: R E, data: RW, nothing at page zero or between.
        XCTAssertTrue(mem.check(0x400000, 4, PagePerm.exec))
        XCTAssertFalse(mem.check(0x400000, 4, PagePerm.write))
        XCTAssertTrue(mem.check(0x4010e8, 8, PagePerm.write))
        XCTAssertFalse(mem.check(0, 1, PagePerm.mapped))
        XCTAssertFalse(mem.check(0x404000, 1, PagePerm.mapped))

        // File bytes copied: the ELF magic at the start of text, the
        // program headers at AT_PHDR, the .data word (41).
        let file = Fixtures.bytes("tiny")
        XCTAssertEqual(mem.read(0x400000, count: 0xe7), Array(file[0..<0xe7]))
        XCTAssertEqual(mem.readU64(0x4010e8), 41)
        XCTAssertEqual(mem.read(p.phdrAddr, count: 2 * 56), Array(file[64..<(64 + 2 * 56)]))
        // bss (memsz beyond filesz) reads as zero, up to the page end.
        XCTAssertEqual(mem.read(0x4010f0, count: 0x2008 - 8), [UInt8](repeating: 0, count: 0x2008 - 8))
        XCTAssertEqual(mem.read(0x4030f0, count: 0x404000 - 0x4030f0),
                       [UInt8](repeating: 0, count: 0x404000 - 0x4030f0))

        // Regions for /proc/self/maps, named after the file.
        // The bss pages past the file page are anonymous, as Linux's vm_brk.
        let names = mem.regions.map(\.name).filter { !$0.isEmpty }
        XCTAssertEqual(names.count, 2)
        XCTAssertEqual(mem.regions.count, 3)
        XCTAssertTrue(names.allSatisfy { $0.hasSuffix("TestBinaries/elf/tiny") && $0.hasPrefix("/") })
    }

    func testStaticPIEIsLoadedAtTheDynBase() throws {
        let mem = try AddressSpace()
        let p = try ELFLoader.load(path: Fixtures.path("tiny-pie"), into: mem)
        let bias = ELFLoader.dynBase(for: mem)
        XCTAssertEqual(bias, 0x55_5555_4000)
        XCTAssertLessThan(bias, mem.mmapTop)
        XCTAssertEqual(p.entry, bias + 0x15c)
        XCTAssertEqual(p.phdrAddr, bias + 64)
        XCTAssertEqual(p.phnum, 4)
        // LOAD 0x1f10 memsz 0x2100 ends at 0x4010.
        XCTAssertEqual(p.brkStart, bias + 0x5000)
        let file = Fixtures.bytes("tiny-pie")
        XCTAssertEqual(mem.read(bias + 0x1f10, count: 0xf8), Array(file[0xf10..<(0xf10 + 0xf8)]))
        XCTAssertTrue(mem.check(bias + 0x15c, 4, PagePerm.exec))
    }

    func testInterpreterIsRequired() throws {
        let mem = try AddressSpace()
        XCTAssertThrowsError(try ELFLoader.load(path: Fixtures.path("tiny-dyn"), into: mem)) { e in
            XCTAssertEqual(e as? ELFError, .needsInterpreter("/lib/ld-linux-aarch64.so.1"))
        }
        XCTAssertTrue(mem.regions.isEmpty, "nothing is mapped for a refused program")
    }

    func testInterpreterIsMappedAtItsOwnBias() throws {
        // tiny-dyn: PIE, entry 0x1ec, PT_INTERP /lib/ld-linux-aarch64.so.1.
        // The committed sysroot's ld-linux-aarch64.so.1: ET_DYN, entry
        // 0x1ac40, LOADs at 0 (R E, 0x26058 bytes) and 0x3eda0 (RW, memsz
        // 0x25d8), both aligned to 0x10000 (readelf -hlW).
        let ldso = Fixtures.dir.deletingLastPathComponent().appendingPathComponent("sysroot/lib/ld-linux-aarch64.so.1").path
        let interp = try ELFImage.read(path: ldso)
        let mem = try AddressSpace()
        let p = try ELFLoader.load(image: ELFImage.read(path: Fixtures.path("tiny-dyn")), name: "tiny-dyn",
                                   interpreter: (interp, "ld.so"), into: mem)
        let bias = ELFLoader.dynBase(for: mem)
        XCTAssertEqual(p.programEntry, bias + 0x1ec, "AT_ENTRY is the program's entry")
        XCTAssertEqual(p.phdrAddr, bias + 64)
        XCTAssertEqual(p.brkStart, bias + 0x5000, "brk follows the program, not the interpreter")
        XCTAssertNotEqual(p.interpBase, 0)
        XCTAssertEqual(p.interpBase % 0x10000, 0, "the interpreter's p_align is honoured")
        XCTAssertEqual(p.entry, p.interpBase + 0x1ac40, "execution starts in the interpreter")
        XCTAssertGreaterThan(p.interpBase, bias, "the interpreter sits in the mmap area, above the program")
        XCTAssertLessThanOrEqual(p.interpBase + 0x3eda0 + 0x25d8, mem.mmapTop)
        XCTAssertTrue(mem.check(p.entry, 4, PagePerm.exec))
        XCTAssertTrue(mem.check(p.interpBase + 0x3eda0, 8, PagePerm.write))
        XCTAssertEqual(Set(mem.regions.map(\.name)), ["tiny-dyn", "ld.so", ""])
        // The interpreter's first page holds its ELF header.
        XCTAssertEqual(mem.read(p.interpBase, count: 4), [0x7f, 0x45, 0x4c, 0x46])
    }

    func testInterpretersOwnInterpreterIsIgnored() throws {
        // load_elf_interp never looks at the interpreter's PT_INTERP.
        let mem = try AddressSpace()
        let dyn = try ELFImage.read(path: Fixtures.path("tiny-dyn"))
        let p = try ELFLoader.load(image: dyn, interpreter: (dyn, "x"), into: mem)
        XCTAssertNotEqual(p.interpBase, 0)
    }

    func testPageSharedBySegmentsGetsBothPermissions() throws {
        // Two segments in one page: text R X at 0x400000, data RW right
        // after it in the same page.
        var b = [UInt8](repeating: 0, count: 0x200)
        b[0..<4] = [0x7f, 0x45, 0x4c, 0x46]
        b[4] = 2; b[5] = 1; b[6] = 1
        b.put16(16, 2); b.put16(18, 183); b.put32(20, 1)
        b.put64(24, 0x400100); b.put64(32, 64)
        b.put16(52, 64); b.put16(54, 56); b.put16(56, 2)
        func phdr(_ i: Int, flags: UInt32, off: UInt64, vaddr: UInt64, filesz: UInt64, memsz: UInt64) {
            let o = 64 + 56 * i
            b.put32(o, 1); b.put32(o + 4, flags); b.put64(o + 8, off); b.put64(o + 16, vaddr)
            b.put64(o + 24, vaddr); b.put64(o + 32, filesz); b.put64(o + 40, memsz); b.put64(o + 48, 0x1000)
        }
        phdr(0, flags: 5, off: 0, vaddr: 0x400000, filesz: 0x180, memsz: 0x180)
        phdr(1, flags: 6, off: 0x180, vaddr: 0x400180, filesz: 0x80, memsz: 0x100)
        for i in 0x100..<0x200 { b[i] = 0xaa }
        let mem = try AddressSpace()
        _ = try ELFLoader.load(image: ELFImage(bytes: b), into: mem)
        XCTAssertTrue(mem.check(0x400000, 1, PagePerm.exec))
        XCTAssertTrue(mem.check(0x400000, 1, PagePerm.write))
        // Both segments' bytes survived the second mapping of the page.
        XCTAssertEqual(mem.read(0x400100, count: 0x100), [UInt8](repeating: 0xaa, count: 0x100))
        XCTAssertEqual(mem.read(0x400200, count: 0x80), [UInt8](repeating: 0, count: 0x80))
    }

    func testFileErrors() throws {
        let mem = try AddressSpace()
        func err(_ path: String) -> ELFError? {
            do { _ = try ELFLoader.load(path: path, into: mem); return nil } catch { return error as? ELFError }
        }
        XCTAssertEqual(err("/nonexistent/program"), .fileNotFound)
        XCTAssertEqual(err("/"), .notRegularFile)
        // A readable file without execute permission, as execve refuses it.
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("elf-noexec-\(getpid())").path
        _ = FileManager.default.createFile(atPath: tmp, contents: Data(Fixtures.bytes("tiny")),
                                       attributes: [.posixPermissions: 0o644])
        defer { unlink(tmp) }
        XCTAssertEqual(err(tmp), .permissionDenied)
        // A FIFO without a writer: refused at once, not waited on.
        let fifo = tmp + ".fifo"
        XCTAssertEqual(mkfifo(fifo, 0o755), 0)
        defer { unlink(fifo) }
        XCTAssertEqual(err(fifo), .notRegularFile)
        // The host's own programs are x86-64.
        XCTAssertEqual(err("/bin/true"), .wrongMachine(62))
        XCTAssertEqual("\(ELFError.wrongMachine(62))", "ELF file is for x86-64, not arm64 (AArch64)")
    }

    /// A 4 GiB file segment of a sparse file (regression: it was read into
    /// memory whole, 8 GB of host RSS). The file pages are mapped from the
    /// file, so loading writes at most a page on the host, whatever the
    /// segment's size; the guest still reads the file's bytes.
    func testSparse4GiBSegmentIsMappedNotCopied() throws {
        var b = Fixtures.bytes("tiny")
        // The data segment (8 file bytes at 0x4010e8, offset 0xe8) becomes
        // 4 GiB of file, the rest of it a hole.
        b.put64(120 + 32, 1 << 32)
        b.put64(120 + 40, 1 << 32)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("elf-sparse-\(getpid())").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(b), attributes: [.posixPermissions: 0o755]))
        defer { unlink(path) }
        XCTAssertEqual(truncate(path, off_t(0xe8 + (1 << 32))), 0)
        let mem = try AddressSpace()
        let p = try ELFLoader.load(path: path, into: mem)
        XCTAssertLessThanOrEqual(p.hostBytesWritten, AddressSpace.pageSize, "nothing copied")
        XCTAssertGreaterThanOrEqual(mem.fileBackedBytes, 1 << 32, "the segment is a file mapping")
        XCTAssertEqual(mem.readU64(0x4010e8), 41)
        XCTAssertEqual(mem.readU64(0x4010e8 + (1 << 31)), 0)
        XCTAssertTrue(mem.check(0x4010e8 + (1 << 32) - 8, 8, PagePerm.write))
        XCTAssertEqual(p.brkStart, 0x1_0040_2000)
        // Reusing the range (munmap, then anonymous memory) reads zeros, not
        // the file: the file mapping is replaced, not just discarded.
        mem.unmap(0x401000, 0x1000)
        mem.mapFixed(0x401000, 0x1000, prot: PROT_READ | PROT_WRITE)
        XCTAssertEqual(mem.readU64(0x4010e8), 0)
    }
}
