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

    func testTruncatedSegment() {
        // The data segment's file bytes start at 0xe8; cut before its end.
        XCTAssertEqual(parseError(Array(tiny.prefix(0xea))), .truncated("segment 1 extends beyond the end of the file"))
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

    func testSegmentWithoutFileContentsMayNameAnyOffset() {
        // A bss-only PT_LOAD (p_filesz 0) with an offset past the end of the
        // file is valid; the same offset with file contents is truncation.
        var b = tiny
        let phoff = Int(b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0x20, as: UInt64.self) })
        var load = phoff
        while b.withUnsafeBytes({ $0.loadUnaligned(fromByteOffset: load, as: UInt32.self) }) != 1 { load += 56 }
        let memsz = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: load + 40, as: UInt64.self) }
        b.put64(load + 8, 0x10_0000)
        b.put64(load + 32, 0)
        XCTAssertNil(parseError(b))
        b.put64(load + 32, min(memsz, 16))
        XCTAssertEqual(parseError(b).map { "\($0)" }?.contains("beyond the end of the file"), true)
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
        XCTAssertEqual(parseError(b), .noLoadableSegments)
        // Both segments turned into PT_NULL.
        b = tiny
        b.put32(64, 0); b.put32(120, 0)
        XCTAssertEqual(parseError(b), .noLoadableSegments)
    }

    func testBadSegments() throws {
        // filesz > memsz.
        var b = tiny
        b.put64(120 + 40, 4)
        XCTAssertEqual(parseError(b), .badProgramHeaders("segment 1 has a file size larger than its memory size"))
        // An address range that wraps.
        b = tiny
        b.put64(120 + 16, ~0 - 0x100)
        XCTAssertEqual(parseError(b), .badProgramHeaders("segment 1 wraps around the address space"))
        // Beyond the guest address space.
        b = tiny
        b.put64(120 + 16, 1 << 45)
        XCTAssertNotNil(try loadError(b))
        if case .badProgramHeaders(let why)? = try loadError(b) {
            XCTAssertTrue(why.contains("beyond"), why)
        } else { XCTFail() }
        // An absurd memory size.
        b = tiny
        b.put64(120 + 40, 1 << 62)
        XCTAssertNotNil(try loadError(b))
        // Overlapping segments.
        b = tiny
        b.put64(120 + 16, 0x400080)
        XCTAssertEqual(try loadError(b), .badProgramHeaders("segments overlap at 0x400080"))
        // Page zero.
        b = tiny
        b.put64(64 + 16, 0)
        XCTAssertEqual(try loadError(b), .badProgramHeaders("segment at 0x0 would map page zero"))
    }

    func testBadInterpreterHeader() {
        var b = Fixtures.bytes("tiny-dyn")
        // Find the PT_INTERP header and make its string run past the end.
        let phnum = Int(UInt16(b[56]) | UInt16(b[57]) << 8)
        for i in 0..<phnum where b[64 + 56 * i] == 3 {
            b.put64(64 + 56 * i + 8, UInt64(b.count - 4))
        }
        XCTAssertEqual(parseError(b), .truncated("the interpreter path extends beyond the end of the file"))
    }

    /// Thousands of random mutations of a valid program: each must load or
    /// throw ELFError, and never trap.
    func testMutationFuzz() throws {
        let originals = [tiny, Fixtures.bytes("tiny-pie"), Fixtures.bytes("tiny-dyn")]
        // A 4 GiB space keeps the permission table small when a mutated
        // memsz covers all of it.
        let mem = try AddressSpace(size: 1 << 32)
        var g = SplitMix64(state: 0x5eed)
        let interesting: [UInt64] = [0, 1, 0x38, 0x40, 0xfff, 0x1000, 0x7fff_ffff, 0xffff_ffff, 1 << 32, 1 << 39,
                                     UInt64.max, UInt64.max - 0xfff, UInt64.max / 2]
        var loaded = 0, refused = 0
        for iteration in 0..<10000 {
            var b = originals[iteration % originals.count]
            switch g.next() % 4 {
            case 0: // flip a few bytes, mostly in the headers
                for _ in 0..<(1 + Int(g.next() % 6)) {
                    let range = g.next() % 3 == 0 ? b.count : min(b.count, 64 + 56 * 4)
                    b[Int(g.next() % UInt64(range))] ^= UInt8(truncatingIfNeeded: 1 + g.next() % 255)
                }
            case 1: // truncate
                b = Array(b.prefix(Int(g.next() % UInt64(b.count))))
            case 2: // an interesting value into a program header field
                let field = 64 + 56 * Int(g.next() % 4) + 8 * Int(g.next() % 7)
                if field + 8 <= b.count { b.put64(field, interesting[Int(g.next() % UInt64(interesting.count))]) }
            default: // an interesting value into an ELF header field
                let field = [24, 32, 40, 48, 52, 54, 56][Int(g.next() % 7)]
                let v = interesting[Int(g.next() % UInt64(interesting.count))]
                if field >= 52 { b.put16(field, UInt16(truncatingIfNeeded: v)) } else { b.put64(field, v) }
            }
            do {
                let image = try ELFImage(bytes: b)
                let p = try ELFLoader.load(image: image, into: mem)
                _ = try InitialStack.build(mem: mem, program: p,
                                           setup: StackSetup(argv: ["x"], envp: [], execfn: "x", hwcap: 0, hwcap2: 0))
                loaded += 1
            } catch is ELFError {
                refused += 1
            } catch {
                XCTFail("iteration \(iteration): unexpected error \(error)")
            }
        }
        print("mutation fuzz: \(loaded) loaded, \(refused) refused")
        XCTAssertGreaterThan(loaded, 0)
        XCTAssertGreaterThan(refused, 0)
    }
}
