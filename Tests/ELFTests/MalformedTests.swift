import Foundation
import Glibc
import GuestMemory
import XCTest
@testable import ELF

/// Every broken input is an ELFError with a readable message, never a trap.
final class MalformedTests: XCTestCase {
    let tiny = Fixtures.bytes("tiny")

    func parseError(_ b: [UInt8]) -> ELFError? {
        do { _ = try ELFImage(bytes: b); return nil } catch { return error as? ELFError }
    }

    func loadError(_ b: [UInt8], size: UInt64 = 1 << 39) throws -> ELFError? {
        let mem = try AddressSpace(size: size)
        do { _ = try ELFLoader.load(image: ELFImage(bytes: b), into: mem); return nil } catch { return error as? ELFError }
    }

    func testNotELF() {
        XCTAssertEqual(parseError([]), .notELF)
        XCTAssertEqual(parseError([0x7f, 0x45, 0x4c]), .notELF)
        XCTAssertEqual(parseError(Array("#!/bin/sh\necho hi\n".utf8)), .notELF)
        var g = SplitMix64(state: 1)
        XCTAssertEqual(parseError((0..<4096).map { _ in UInt8.random(in: 0...255, using: &g) }), .notELF)
    }

    func testTruncatedHeader() {
        for n in [4, 10, 16, 40, 63] {
            XCTAssertEqual(parseError(Array(tiny.prefix(n))), .truncated("the ELF header is incomplete"), "length \(n)")
        }
    }

    func testTruncatedProgramHeaders() {
        // The table is 64..<176; cut it in the middle.
        XCTAssertEqual(parseError(Array(tiny.prefix(100))),
                       .truncated("the program headers extend beyond the end of the file"))
        // e_phoff pointing far past the end, and one that overflows.
        var b = tiny
        b.put64(32, 0x10_0000)
        XCTAssertEqual(parseError(b), .truncated("the program headers extend beyond the end of the file"))
        b.put64(32, ~0 - 10)
        XCTAssertEqual(parseError(b), .truncated("the program headers extend beyond the end of the file"))
    }

    func testTruncatedSegment() throws {
        // The data segment's file bytes start at 0xe8; cut before their
        // end. The file page exists, so Linux maps it (the missing bytes
        // read as zero) and so does the loader.
        XCTAssertNil(parseError(Array(tiny.prefix(0xea))))
        XCTAssertNil(try loadError(Array(tiny.prefix(0xea))))
    }

    func testClassAndEncoding() {
        var b = tiny
        b[4] = 1
        XCTAssertEqual(parseError(b), .notELF64)
        b = tiny
        b[5] = 2
        XCTAssertEqual(parseError(b), .bigEndian)
        b = tiny
        b[4] = 7
        XCTAssertEqual(parseError(b), .badHeader("unknown ELF class 7"))
    }

    func testSegmentWithoutFileContentsMayNameAnyOffset() throws {
        // A bss-only PT_LOAD (p_filesz 0) with an offset past the end of the
        // file is valid.
        var b = tiny
        b.put64(64 + 8, 0x10_0000)
        b.put64(64 + 32, 0)
        XCTAssertNil(parseError(b))
        XCTAssertNil(try loadError(b))
    }

    /// A file shorter than its segments (regression: it used to be refused
    /// whole). As in Linux, the pages that exist are mapped; pages wholly
    /// past the end are mapped but fault when touched (SIGBUS in Linux,
    /// SIGSEGV here); a writable segment whose bss starts in a page past
    /// the end fails, as Linux's padzero does (SIGSEGV at exec).
    func testFileShorterThanItsSegments() throws {
        // Text (R X, 0xe7 bytes at 0x400000) moved to file offset 0x10_0000.
        var b = tiny
        b.put64(64 + 8, 0x10_0000)
        let mem = try AddressSpace(size: 1 << 32)
        _ = try ELFLoader.load(image: ELFImage(bytes: b), into: mem)
        XCTAssertTrue(mem.check(0x400000, 1, PagePerm.mapped))
        XCTAssertFalse(mem.check(0x400000, 1, PagePerm.read), "a page past the end of the file is not readable")
        // Data (RW with bss, 8 file bytes at 0x4010e8) moved to file offset 0x100e8.
        b = tiny
        b.put64(120 + 8, 0x100e8)
        XCTAssertEqual(try loadError(b), .badSegment("segment 1 is writable and its last file page lies past the end of the file"))
        XCTAssertNil(try loadError(b)?.execveErrno)
        // The same segment read-only loads.
        b.put32(120 + 4, ELFConst.pfR)
        XCTAssertNil(try loadError(b))
    }

    func testMachineAndType() {
        var b = tiny
        b.put16(18, 62)
        XCTAssertEqual(parseError(b), .wrongMachine(62))
        b.put16(18, 40)
        XCTAssertEqual("\(parseError(b)!)", "ELF file is for 32-bit ARM, not arm64 (AArch64)")
        XCTAssertEqual(parseError(Fixtures.bytes("tiny.o")), .wrongType(1))
        b = tiny
        b.put16(16, 4)
        XCTAssertEqual(parseError(b), .wrongType(4))
        XCTAssertTrue("\(ELFError.wrongType(1))".contains("relocatable"))
    }

    func testBadProgramHeaderTable() {
        var b = tiny
        b.put16(54, 32)
        XCTAssertEqual(parseError(b), .badProgramHeaders("entry size is 32 bytes, expected 56"))
        b = tiny
        b.put16(56, 0)
        XCTAssertEqual(parseError(b), .badProgramHeaders("there are none (e_phnum is 0)"))
        XCTAssertEqual(parseError(b)?.execveErrno, ENOEXEC)
        // Both segments turned into PT_NULL: parsed, but nothing to map.
        b = tiny
        b.put32(64, 0); b.put32(120, 0)
        XCTAssertNil(parseError(b))
        XCTAssertEqual(try loadError(b), .noLoadableSegments)
    }

    func testBadSegments() throws {
        // filesz > memsz (Linux: EINVAL after the point of no return).
        var b = tiny
        b.put64(120 + 40, 4)
        XCTAssertNil(parseError(b))
        XCTAssertEqual(try loadError(b), .badSegment("segment 1 has a file size (0x8) larger than its memory size (0x4)"))
        XCTAssertNil(try loadError(b)?.execveErrno, "the kernel kills with SIGSEGV")
        // An address range that wraps.
        b = tiny
        b.put64(120 + 16, ~0 - 0x100)
        XCTAssertEqual(try loadError(b).map { "\($0)" }?.contains("wraps or lies beyond the address space"), true)
        // Beyond the guest address space.
        b = tiny
        b.put64(120 + 16, 1 << 45)
        XCTAssertNotNil(try loadError(b))
        if case .badSegment(let why)? = try loadError(b) {
            XCTAssertTrue(why.contains("beyond"), why)
        } else { XCTFail() }
        // An absurd memory size.
        b = tiny
        b.put64(120 + 40, 1 << 62)
        XCTAssertNotNil(try loadError(b))
        // p_offset 0xe8 and p_vaddr 0x400080 disagree modulo the page size:
        // Linux's mmap of the file gets an unaligned offset (EINVAL after
        // the point of no return: SIGSEGV).
        b = tiny
        b.put64(120 + 16, 0x400080)
        XCTAssertEqual(try loadError(b), .badSegment("segment 1: p_offset 0xe8 and p_vaddr 0x400080 differ modulo the page size"))
        // Page zero.
        b = tiny
        b.put64(64 + 16, 0)
        XCTAssertEqual(try loadError(b), .badSegment("segment 0 at 0x0 would map page zero"))
    }

    func testBadInterpreterHeader() {
        var b = Fixtures.bytes("tiny-dyn")
        // Find the PT_INTERP header and make its string run past the end.
        let phnum = Int(UInt16(b[56]) | UInt16(b[57]) << 8)
        for i in 0..<phnum where b[64 + 56 * i] == 3 {
            b.put64(64 + 56 * i + 8, UInt64(b.count - 4))
        }
        XCTAssertEqual(parseError(b), .readFailed("the interpreter path extends beyond the end of the file"))
        XCTAssertEqual(parseError(b)?.execveErrno, EIO, "elf_read's short read")
        // Overlong (more than PATH_MAX), too short, not NUL-terminated: ENOEXEC.
        let dyn = Fixtures.bytes("tiny-dyn")
        for (size, last) in [(UInt64(4097), UInt8(0)), (1, 0), (0x1b, 0x41)] {
            b = dyn
            b.put64(64 + 56 + 32, size)
            b[0x190 + 0x1a] = last
            XCTAssertEqual(parseError(b)?.execveErrno, ENOEXEC, "PT_INTERP of \(size) bytes")
        }
        // Only the first PT_INTERP counts, as in Linux: a second one that is
        // broken is ignored.
        b = dyn
        b.put32(64, 3)
        b.put64(64 + 32, 4097)
        XCTAssertEqual(parseError(b)?.execveErrno, ENOEXEC, "the first (former PT_PHDR) is broken")
        b = dyn
        b.put32(64 + 56 * 4, 3)
        b.put64(64 + 56 * 4 + 32, 4097)
        XCTAssertNil(parseError(b), "a broken second PT_INTERP is never read")
    }

    func testProgramHeaderCountLimit() {
        // 65,536 bytes of table: 1,170 entries are read, 1,171 refused.
        var b = tiny + [UInt8](repeating: 0, count: 1171 * 56)
        b.put64(32, UInt64(tiny.count))
        for i in 0..<2 { b.replaceSubrange((tiny.count + 56 * i)..<(tiny.count + 56 * i + 56), with: tiny[(64 + 56 * i)..<(120 + 56 * i)]) }
        b.put16(56, 1170)
        XCTAssertNil(parseError(b))
        b.put16(56, 1171)
        XCTAssertEqual(parseError(b)?.execveErrno, ENOEXEC)
        b.put16(56, 0xffff)
        XCTAssertEqual(parseError(b)?.execveErrno, ENOEXEC, "PN_XNUM")
    }

    /// The ELF mutation fuzzer, in process: mutations of the headers,
    /// program headers, PT_INTERP, PT_GNU_STACK and notes of the committed
    /// static, static-PIE and dynamic programs (ELFMutator.swift). Each must
    /// load (with its interpreter from the test sysroot) and get its stack,
    /// or throw ELFError, and never trap; a load from a file writes at most
    /// a page of zeroing per segment on the host. One case in eight goes
    /// through a memfd, so the file mapping path is fuzzed too.
    /// ELF_FUZZ_COUNT (default 20,000) and ELF_FUZZ_SEED change the run
    /// (TestBinaries/fuzz-elf.sh).
    func testMutationFuzz() throws {
        let env = ProcessInfo.processInfo.environment
        let count = env["ELF_FUZZ_COUNT"].flatMap { Int($0) } ?? 20000
        let seed = env["ELF_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5eed_e1f
        let bin = Fixtures.dir.deletingLastPathComponent().appendingPathComponent("bin")
        let sysroot = Fixtures.dir.deletingLastPathComponent().appendingPathComponent("sysroot").path
        let originals = [tiny, Fixtures.bytes("tiny-pie"), Fixtures.bytes("tiny-dyn"),
                         [UInt8](FileManager.default.contents(atPath: bin.appendingPathComponent("hello.musl-O2").path)!),
                         [UInt8](FileManager.default.contents(atPath: bin.appendingPathComponent("hello.glibc-dyn").path)!)]
        // An unlinked scratch file stands for the program file.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("elf-fuzz-\(getpid())").path
        let memfd = open(scratch, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        XCTAssertGreaterThanOrEqual(memfd, 0)
        unlink(scratch)
        defer { close(memfd) }
        var loaded = 0, viaFile = 0, maxWritten: UInt64 = 0
        var refused: [String: Int] = [:]
        let started = Date()
        for i in 0..<count {
            let (b, what) = ELFMutator.mutate(originals[i % originals.count], seed: seed, index: i)
            // A space per case: nothing left from the previous one. 4 GiB
            // keeps the permission table small when a memsz covers it all.
            let mem = try AddressSpace(size: 1 << 32)
            do {
                let image: ELFImage
                let fromFile = i % 8 == 7
                if fromFile {
                    ftruncate(memfd, 0)
                    XCTAssertEqual(b.withUnsafeBytes { pwrite(memfd, $0.baseAddress, $0.count, 0) }, b.count)
                    image = try ELFImage(source: .file(ELFFileHandle(fd: dup(memfd), size: UInt64(b.count))))
                    viaFile += 1
                } else {
                    image = try ELFImage(bytes: b)
                }
                var interp: (image: ELFImage, name: String)? = nil
                if let path = image.interpreterPath {
                    let found = try ELFLoader.findInterpreter(path, sysroot: sysroot.bytes, defaultSysroot: nil) { $0 + $1 }
                    interp = (found.image, "ld.so")
                }
                let p = try ELFLoader.load(image: image, name: "fuzz", interpreter: interp, into: mem)
                XCTAssertLessThan(p.entry, mem.size)
                if fromFile {
                    let segments = (image.loadSegments.count + (interp?.image.loadSegments.count ?? 0))
                    XCTAssertLessThanOrEqual(p.hostBytesWritten, UInt64(segments) * AddressSpace.pageSize,
                                             "case \(i) (\(what)): the loader copied file pages")
                }
                maxWritten = max(maxWritten, fromFile ? p.hostBytesWritten : 0)
                _ = try InitialStack.build(mem: mem, program: p,
                                           setup: StackSetup(argv: ["x"], envp: [], execfn: "x", hwcap: 0, hwcap2: 0))
                loaded += 1
            } catch let e as ELFError {
                refused[e.execveErrno.map { String(cString: strerror($0)) } ?? "SIGSEGV", default: 0] += 1
            } catch {
                XCTFail("case \(i) (\(what)), seed \(seed): unexpected error \(error)")
            }
        }
        let kinds = refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("ELF fuzz (in-process): \(count) cases, seed \(seed), \(loaded) loaded, "
              + "\(refused.values.reduce(0, +)) refused (\(kinds)); \(viaFile) through a file, "
              + "at most \(maxWritten) host bytes written by a file load; "
              + String(format: "%.1f s", Date().timeIntervalSince(started)))
        XCTAssertGreaterThan(loaded, 0)
        XCTAssertGreaterThan(refused.count, 3)
    }
}
