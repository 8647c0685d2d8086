import XCTest
import Glibc
@testable import AArch64
import GuestMemory

/// Replays instruction vectors recorded under qemu-aarch64 by
/// TestBinaries/isa/record-fpsimd.py through `executeFPSIMD`.
final class FPSIMDOracleTests: XCTestCase {
    static let memBase: UInt64 = 0x10000

    struct Vector {
        var insn: UInt32
        var fpcr: UInt64
        var nzcv: UInt64
        var vIn: [UInt64]
        var xIn: [UInt64]
        var memIn: [UInt8]?
        var vOut: [UInt64]
        var xOut: [UInt64]
        var nzcvOut: UInt64
        var fpsrOut: UInt64
        var memOut: [UInt8]?
        var asm: String
        var line: String
    }

    static func hexBytes(_ s: Substring) -> [UInt8]? {
        if s == "-" { return nil }
        var out: [UInt8] = []
        var it = s.makeIterator()
        while let a = it.next(), let b = it.next() {
            out.append(UInt8(String([a, b]), radix: 16)!)
        }
        return out
    }

    /// The base FP/AdvSIMD recording and the FEAT_FP16/FEAT_FHM one
    /// (record-fpsimd.py with FPSIMD_SET=fp16).
    static let baseFixture = "fpsimd-vectors.txt"
    static let fp16Fixture = "fp16-vectors.txt"

    static func loadVectors(_ fixture: String = baseFixture) throws -> [Vector] {
        // FPSIMD_VECTORS points at another recording (e.g. a deeper random run).
        let override = fixture == baseFixture ? ProcessInfo.processInfo.environment["FPSIMD_VECTORS"] : nil
        let url = override.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + fixture)
        let text = try String(contentsOf: url, encoding: .utf8)
        var out: [Vector] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let hashRange = line.range(of: " # ") else { continue }
            let asm = String(line[hashRange.upperBound...])
            let f = line[..<hashRange.lowerBound].split(separator: " ")
            precondition(f.count == 34, "bad fixture line: \(line)")
            let h = { (i: Int) -> UInt64 in UInt64(f[i], radix: 16)! }
            out.append(Vector(
                insn: UInt32(h(0)), fpcr: h(1), nzcv: h(2),
                vIn: (3..<11).map(h), xIn: (11..<16).map(h), memIn: hexBytes(f[16]),
                vOut: (18..<26).map(h), xOut: (26..<31).map(h),
                nzcvOut: h(31), fpsrOut: h(32), memOut: hexBytes(f[33]),
                asm: asm, line: String(line)))
        }
        return out
    }

    func testOracleVectors() throws { try replay(Self.baseFixture) }
    func testFP16OracleVectors() throws { try replay(Self.fp16Fixture) }

    func replay(_ fixture: String) throws {
        let vectors = try Self.loadVectors(fixture)
        XCTAssertGreaterThan(vectors.count, 100)
        let mem = try AddressSpace(size: 1 << 32)
        mem.mapFixed(Self.memBase, 0x1000, prot: PROT_READ | PROT_WRITE)
        let cpu = CPU()
        let r = cpu.r
        var failures = 0
        var failedInsns: [String: Int] = [:]
        for v in vectors {
            for i in 0..<Slot.count { r[i] = 0 }
            for i in 0..<8 { r[Slot.v + i] = v.vIn[i] }
            for i in 0..<4 { r[i] = v.xIn[i] }
            r[4] = Self.memBase &+ v.xIn[4]
            r[Slot.fpcr] = v.fpcr
            r[Slot.fpsr] = 0
            r[Slot.nzcv] = v.nzcv
            r[Slot.flagKind] = FlagKind.materialized
            let buf = mem.host(Self.memBase)
            if let m = v.memIn {
                m.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: 128) }
            }
            let st = executeFPSIMD(r, mem, v.insn, pc: 0x400000)
            var got: [UInt64] = (0..<8).map { r[Slot.v + $0] }
            got += (0..<4).map { r[$0] }
            got.append(r[4] &- Self.memBase)
            got.append(Flags.materialize(r))
            got.append(r[Slot.fpsr])
            let want = v.vOut + v.xOut + [v.nzcvOut, v.fpsrOut]
            var ok = st == .ok && got == want && r[31] == 0
            var gotMem: [UInt8]? = nil
            if let wm = v.memOut {
                let gm = (0..<128).map { buf.load(fromByteOffset: $0, as: UInt8.self) }
                gotMem = gm
                if gm != wm { ok = false }
            }
            if !ok {
                failures += 1
                failedInsns[v.asm, default: 0] += 1
                if failedInsns[v.asm]! <= 2 {
                    let names = ["v0lo", "v0hi", "v1lo", "v1hi", "v2lo", "v2hi", "v3lo", "v3hi",
                                 "x0", "x1", "x2", "x3", "x4", "nzcv", "fpsr"]
                    var diff = ""
                    for i in 0..<want.count where got[i] != want[i] {
                        diff += " \(names[i]): want \(String(want[i], radix: 16)) got \(String(got[i], radix: 16));"
                    }
                    if gotMem != v.memOut { diff += " memory differs;" }
                    print("MISMATCH \(String(v.insn, radix: 16)) \(v.asm) status \(st):\(diff)\n  vector: \(v.line.prefix(400))")
                }
            }
        }
        let passed = vectors.count - failures
        print("FPSIMD oracle (\(fixture)): \(passed)/\(vectors.count) vectors passed, \(failedInsns.count) instructions with failures")
        XCTAssertEqual(failures, 0, "failing: \(failedInsns.keys.sorted().joined(separator: ", "))")
    }
}
