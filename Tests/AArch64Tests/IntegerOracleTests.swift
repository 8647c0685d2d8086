import Foundation
import XCTest
import GuestMemory
@testable import AArch64

/// Replays integer-instruction vectors recorded from qemu-aarch64
/// (TestBinaries/isa/record-integer.py) and compares x0...x15, NZCV and, for
/// memory cases, a hash of the scratch buffer.
final class IntegerOracleTests: XCTestCase {
    static let buffer: UInt64 = 0x2_0000_0000
    static let codeBase: UInt64 = 0x10000

    struct Vector {
        var words: [UInt32]
        var inputs: [UInt64]
        var outputs: [UInt64]
        var memHash: UInt64
        var text: String
    }

    static func loadVectors() throws -> [Vector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/integer-vectors.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        var out: [Vector] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "#", maxSplits: 1)
            let fields = parts[0].trimmingCharacters(in: .whitespaces).split(separator: ";")
            guard fields.count == 4 else { continue }
            let hex = { (s: Substring) in s.split(separator: ",").map { UInt64($0, radix: 16)! } }
            out.append(Vector(words: hex(fields[0]).map { UInt32($0) }, inputs: hex(fields[1]), outputs: hex(fields[2]),
                              memHash: UInt64(fields[3], radix: 16)!,
                              text: parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""))
        }
        return out
    }

    static func pattern() -> [UInt8] { (0..<256).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) } }

    static func fnv(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<n {
            h ^= UInt64(p.load(fromByteOffset: i, as: UInt8.self))
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    func testIntegerInstructionsMatchQemuSwitchCore() throws {
        try replay(core: .switchLoop)
    }

    func testIntegerInstructionsMatchQemuThreadedCore() throws {
        try replay(core: .threaded)
    }

    func replay(core: Executor.Core) throws {
        let vectors = try Self.loadVectors()
        XCTAssertGreaterThan(vectors.count, 1000)
        let mem = try AddressSpace(size: 1 << 36)
        let codeSize = UInt64((vectors.count * 32 + 0xFFF) & ~0xFFF)
        mem.mapFixed(Self.codeBase, codeSize, prot: PROT_READ | PROT_EXEC)
        for (i, v) in vectors.enumerated() {
            let words = v.words + [0xD400_0001] // svc #0
            words.withUnsafeBytes { mem.poke(Self.codeBase + UInt64(i * 32), $0) }
        }
        mem.mapFixed(Self.buffer, 0x1000, prot: PROT_READ | PROT_WRITE)
        let pattern = Self.pattern()
        let cpu = CPU()
        let exec = Executor(cpu: cpu, mem: mem, core: core)
        var failures = 0
        for (i, v) in vectors.enumerated() {
            pattern.withUnsafeBytes { mem.poke(Self.buffer, $0) }
            for j in 0..<16 { cpu.r[j] = v.inputs[j] }
            for j in 16..<31 { cpu.r[j] = 0 }
            cpu.nzcv = v.inputs[16]
            cpu.r[Slot.exclAddr] = ~0
            let start = Self.codeBase + UInt64(i * 32)
            cpu.pc = start
            let reason = exec.run()
            var got = (0..<16).map { cpu.r[$0] }
            got.append(cpu.nzcv)
            let hash = v.memHash == 0 ? 0 : Self.fnv(mem.host(Self.buffer), 256)
            let ok = reason == .syscall && got == v.outputs && hash == v.memHash
            if !ok {
                failures += 1
                if failures <= 25 {
                    var diffs: [String] = []
                    for j in 0..<17 where got[j] != v.outputs[j] {
                        diffs.append("\(j == 16 ? "nzcv" : "x\(j)"): got \(String(got[j], radix: 16)) want \(String(v.outputs[j], radix: 16))")
                    }
                    if hash != v.memHash { diffs.append("memory differs") }
                    XCTFail("\(v.text) [\(v.words.map { String($0, radix: 16) }.joined(separator: " "))] exit \(reason): \(diffs.joined(separator: ", "))")
                }
            }
        }
        XCTAssertEqual(failures, 0, "\(failures) of \(vectors.count) vectors differ from qemu-aarch64")
    }
}
