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
    static func vectors() throws -> [FPSIMDOracleTests.Vector] {
        try FPSIMDOracleTests.loadVectors(fixture: "isaext-vectors.txt", override: "ISAEXT_VECTORS")
    }

    func testVectorsThroughSwitchCore() throws {
        let v = try Self.vectors()
        XCTAssertGreaterThan(v.count, 1000)
        try FPExecutorOracleTests.replay(.switchLoop, v)
    }

    func testVectorsThroughThreadedCore() throws {
        try FPExecutorOracleTests.replay(.threaded, try Self.vectors())
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
}
