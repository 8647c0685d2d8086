import XCTest
import Glibc
@testable import AArch64
import GuestMemory

/// Replays the vectors of the Armv8.1-8.6 extensions (crypto, SHA3, SM3/SM4,
/// 64-bit PMULL, dot product, I8MM, RDM, FCMA, FJCVTZS, FRINT32/64, flag
/// manipulation, LRCPC2), recorded from qemu-aarch64 -cpu max by
/// `FPSIMD_SET=isaext python3 TestBinaries/isa/record-fpsimd.py`, through the
/// decoder and both executor cores. ISAEXT_VECTORS overrides the file.
final class IsaExtOracleTests: XCTestCase {
    static let codeBase: UInt64 = 0x100000

    /// The recording (same line format as fpsimd-vectors.txt).
    static func vectors() throws -> [FPSIMDOracleTests.Vector] {
        let url = ProcessInfo.processInfo.environment["ISAEXT_VECTORS"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/isaext-vectors.txt")
        var out: [FPSIMDOracleTests.Vector] = []
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            guard let hashRange = line.range(of: " # ") else { continue }
            let f = line[..<hashRange.lowerBound].split(separator: " ")
            precondition(f.count == 34, "bad fixture line: \(line)")
            let h = { (i: Int) -> UInt64 in UInt64(f[i], radix: 16)! }
            out.append(FPSIMDOracleTests.Vector(
                insn: UInt32(h(0)), fpcr: h(1), nzcv: h(2),
                vIn: (3..<11).map(h), xIn: (11..<16).map(h), memIn: FPSIMDOracleTests.hexBytes(f[16]),
                vOut: (18..<26).map(h), xOut: (26..<31).map(h),
                nzcvOut: h(31), fpsrOut: h(32), memOut: FPSIMDOracleTests.hexBytes(f[33]),
                asm: String(line[hashRange.upperBound...]), line: String(line)))
        }
        return out
    }

    func testVectorsThroughSwitchCore() throws {
        let v = try Self.vectors()
        XCTAssertGreaterThan(v.count, 1000)
        try replay(.switchLoop, v)
    }

    func testVectorsThroughThreadedCore() throws {
        try replay(.threaded, try Self.vectors())
    }

    /// Runs each vector's instruction (followed by SVC) from its input
    /// state and compares V0-V3, X0-X4, NZCV, FPSR and the memory buffer.
    func replay(_ core: Executor.Core, _ vectors: [FPSIMDOracleTests.Vector]) throws {
        let mem = try AddressSpace(size: 1 << 32)
        let memBase = FPSIMDOracleTests.memBase
        mem.mapFixed(memBase, 0x1000, prot: PROT_READ | PROT_WRITE)
        mem.mapFixed(Self.codeBase, UInt64((vectors.count * 8 + 0xFFF) & ~0xFFF), prot: PROT_READ | PROT_EXEC)
        for (i, v) in vectors.enumerated() {
            [v.insn, 0xD400_0001].withUnsafeBytes { mem.poke(Self.codeBase + UInt64(i * 8), $0) }
        }
        let cpu = CPU()
        let r = cpu.r
        let exec = Executor(cpu: cpu, mem: mem, core: core)
        var failures: [String: Int] = [:]
        for (i, v) in vectors.enumerated() {
            for j in 0..<Slot.count where j != Slot.attention { r[j] = 0 }
            cpu.select(.max)
            for j in 0..<8 { r[Slot.v + j] = v.vIn[j] }
            for j in 0..<4 { r[j] = v.xIn[j] }
            r[4] = memBase &+ v.xIn[4]
            r[Slot.fpcr] = v.fpcr
            cpu.nzcv = v.nzcv
            r[Slot.exclAddr] = ~0
            let buf = mem.host(memBase)
            if let m = v.memIn {
                m.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: 128) }
            }
            cpu.pc = Self.codeBase + UInt64(i * 8)
            let reason = exec.run()
            var got: [UInt64] = (0..<8).map { r[Slot.v + $0] }
            got += (0..<4).map { r[$0] }
            got.append(r[4] &- memBase)
            got.append(cpu.nzcv)
            got.append(r[Slot.fpsr])
            let want = v.vOut + v.xOut + [v.nzcvOut, v.fpsrOut]
            var ok = reason == .syscall && got == want
            if let wm = v.memOut, (0..<128).map({ buf.load(fromByteOffset: $0, as: UInt8.self) }) != wm { ok = false }
            if !ok {
                failures[v.asm, default: 0] += 1
                if failures.values.reduce(0, +) <= 20 {
                    let diff = (0..<want.count).filter { got[$0] != want[$0] }
                        .map { "[\($0)] want \(String(want[$0], radix: 16)) got \(String(got[$0], radix: 16))" }
                    XCTFail("\(v.asm) (\(String(v.insn, radix: 16))) exit \(reason): \(diff.joined(separator: ", "))")
                }
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(core): instructions differing from qemu-aarch64: \(failures.keys.sorted().joined(separator: ", "))")
    }

    /// Encodings of the extension groups that qemu-aarch64 -cpu max rejects
    /// with SIGILL (`FPSIMD_SET=isaext python3
    /// TestBinaries/isa/record-fpsimd-undefined.py`) must leave the executor
    /// as undefined, before changing any register.
    func testUnallocatedEncodingsAreUndefined() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/isaext-undefined.txt")
        let words = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.compactMap { UInt32($0.prefix(8), radix: 16) }
        XCTAssertGreaterThan(words.count, 1000)
        let mem = try AddressSpace(size: 1 << 32)
        let codeBase: UInt64 = 0x100000
        mem.mapFixed(codeBase, UInt64((words.count * 4 + 0xFFF) & ~0xFFF), prot: PROT_READ | PROT_EXEC)
        mem.mapFixed(0x10000, 0x1000, prot: PROT_READ | PROT_WRITE)
        words.withUnsafeBytes { mem.poke(codeBase, $0) }
        let cpu = CPU()
        let exec = Executor(cpu: cpu, mem: mem, core: .switchLoop)
        var wrong: [String] = []
        for (i, w) in words.enumerated() {
            for j in 0..<Slot.count where j != Slot.attention { cpu.r[j] = UInt64(j) &* 0x9E37_79B9_7F4A_7C15 }
            cpu.r[31] = 0
            cpu.r[Slot.fpcr] = 0
            cpu.r[Slot.exclAddr] = ~0
            cpu.nzcv = 0x6000_0000
            cpu.select(.max)
            for j in 0..<31 { cpu.r[j] = 0x10000 + UInt64(j) * 8 }
            let pc = codeBase + UInt64(i * 4)
            cpu.pc = pc
            let before = (0..<Slot.count).map { cpu.r[$0] }
            let reason = exec.run()
            let after = (0..<Slot.count).map { cpu.r[$0] }
            if reason != .undefined(insn: w) || cpu.pc != pc || after != before {
                wrong.append(String(format: "%08x", w) + " \(reason)")
            }
        }
        XCTAssertEqual(wrong, [], "executed encodings that qemu-aarch64 -cpu max rejects")
    }

    /// Mnemonics of the extensions (the random encodings of the recording
    /// also hit Armv8.0 instructions of the same groups). Every memory
    /// instruction of the recording is an extension (LSE, LRCPC, LRCPC2).
    static let extensionPrefixes = ["aes", "sha", "sm3", "sm4", "eor3", "bcax", "rax1", "xar", "sdot", "udot",
                                    "usdot", "sudot", "smmla", "ummla", "usmmla", "sqrdmlah", "sqrdmlsh", "fcmla",
                                    "fcadd", "fjcvtzs", "frint32", "frint64", "cfinv", "xaflag", "axflag", "rmif",
                                    "setf", "ld", "st", "swp", "cas"]

    static func isExtension(_ asm: String) -> Bool {
        let mn = asm.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        if mn == "pmull" || mn == "pmull2" { return asm.contains(".1q") }
        return extensionPrefixes.contains { mn.hasPrefix($0) }
    }

    /// Every recorded extension instruction belongs to a feature, decodes
    /// for `max` and is UNDEFINED on a CPU with only FP and AdvSIMD (the
    /// 8-bit PMULL, which is Armv8.0, excepted).
    func testExtensionsAreGatedByTheirFeature() throws {
        let base: FeatureSet = [.fp, .asimd]
        var ungated = Set<String>()
        for v in try Self.vectors() where Self.isExtension(v.asm) {
            let code = Decoder.decode(v.insn, pc: 0x1000, features: .implemented).code
            XCTAssertNotEqual(code, .undefined, v.asm)
            if ["aes", "sha", "sm3", "sm4", "eor3", "bcax", "rax1", "xar"].contains(where: { v.asm.hasPrefix($0) }) {
                XCTAssertEqual(code, .simdCrypto, v.asm)
            }
            if FeatureGate.required(v.insn) == nil || Decoder.decode(v.insn, pc: 0x1000, features: base).code != .undefined {
                ungated.insert(v.asm)
            }
        }
        XCTAssertEqual(ungated.sorted(), [])
    }

    /// Misaligned RCpc accesses stop with an alignment fault (SIGBUS), as
    /// under qemu-aarch64 -cpu max for LDAPUR/STLUR (the first four, run
    /// there with x1 16-byte aligned); LDAPR as the Arm ARM says (qemu 7.2
    /// performs it). A byte access (LDAPURB) and one that the offset
    /// realigns (LDAPURSW at x1 + 2 - 2) run.
    func testMisalignedOrderedAccessesFault() throws {
        let cases: [(UInt32, UInt64, Bool?)] = [
            (0xD940_1020, 0x10001, false),  // ldapur x0, [x1, #1]
            (0x9940_2020, 0x10002, false),  // ldapur w0, [x1, #2]
            (0xD900_4020, 0x10004, true),   // stlur x0, [x1, #4]
            (0x5940_1020, 0x10001, false),  // ldapurh w0, [x1, #1]
            (0xF8BF_C040, 0x10001, false),  // ldapr x0, [x2] (x2 = x1 + 1)
            (0x1940_1020, 0, nil),          // ldapurb w0, [x1, #1]
            (0x999F_E020, 0, nil),          // ldapursw x0, [x1, #-2] (x1 = base + 2)
        ]
        let mem = try AddressSpace(size: 1 << 32)
        mem.mapFixed(0x10000, 0x1000, prot: PROT_READ | PROT_WRITE)
        mem.mapFixed(Self.codeBase, 0x1000, prot: PROT_READ | PROT_EXEC)
        for (i, c) in cases.enumerated() {
            [c.0, 0xD400_0001].withUnsafeBytes { mem.poke(Self.codeBase + UInt64(i * 8), $0) }
        }
        let cpu = CPU()
        let exec = Executor(cpu: cpu, mem: mem, core: .switchLoop)
        for (i, c) in cases.enumerated() {
            cpu.r[1] = c.0 == 0x999F_E020 ? 0x10002 : 0x10000
            cpu.r[2] = 0x10001
            cpu.pc = Self.codeBase + UInt64(i * 8)
            let reason = exec.run()
            if let write = c.2 {
                XCTAssertEqual(reason, .alignment(addr: c.1, write: write), String(c.0, radix: 16))
                XCTAssertEqual(cpu.pc, Self.codeBase + UInt64(i * 8))
            } else {
                XCTAssertEqual(reason, .syscall, String(c.0, radix: 16))
            }
        }
    }
}
