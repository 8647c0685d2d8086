import XCTest
import Glibc
@testable import AArch64
import GuestMemory

/// Replays the FP/AdvSIMD vectors recorded from qemu-aarch64 through the
/// decoder and both executor cores, so the specialised FP ops and their
/// host fast paths are checked against the same oracle as `executeFPSIMD`.
final class FPExecutorOracleTests: XCTestCase {
    static let codeBase: UInt64 = 0x100000

    func testVectorsThroughSwitchCore() throws { try replay(.switchLoop) }
    func testVectorsThroughThreadedCore() throws { try replay(.threaded) }
    func testFP16VectorsThroughSwitchCore() throws { try replay(.switchLoop, FPSIMDOracleTests.fp16Fixture) }
    func testFP16VectorsThroughThreadedCore() throws { try replay(.threaded, FPSIMDOracleTests.fp16Fixture) }

    func replay(_ core: Executor.Core, _ fixture: String = FPSIMDOracleTests.baseFixture) throws {
        let vectors = try FPSIMDOracleTests.loadVectors(fixture)
        let mem = try AddressSpace(size: 1 << 32)
        let memBase = FPSIMDOracleTests.memBase
        mem.mapFixed(memBase, 0x1000, prot: PROT_READ | PROT_WRITE)
        let codeSize = UInt64((vectors.count * 8 + 0xFFF) & ~0xFFF)
        mem.mapFixed(Self.codeBase, codeSize, prot: PROT_READ | PROT_EXEC)
        for (i, v) in vectors.enumerated() {
            [v.insn, 0xD400_0001].withUnsafeBytes { mem.poke(Self.codeBase + UInt64(i * 8), $0) }
        }
        let cpu = CPU()
        let r = cpu.r
        let exec = Executor(cpu: cpu, mem: mem, core: core)
        var failures: [String: Int] = [:]
        // FPSR flags are cumulative, so each vector also runs with IXC already
        // set (the state in which the host fast paths apply) and must then
        // give the same registers and FPSR | IXC.
        for (k, (i, v)) in (vectors.enumerated().map { ($0, $1) } + vectors.enumerated().map { ($0, $1) }).enumerated() {
            let fpsrIn: UInt64 = k < vectors.count ? 0 : 0x10
            for j in 0..<Slot.count where j != Slot.attention { r[j] = 0 }
            cpu.select(.max)
            for j in 0..<8 { r[Slot.v + j] = v.vIn[j] }
            for j in 0..<4 { r[j] = v.xIn[j] }
            r[4] = memBase &+ v.xIn[4]
            r[Slot.fpcr] = v.fpcr
            r[Slot.fpsr] = fpsrIn
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
            let want = v.vOut + v.xOut + [v.nzcvOut, v.fpsrOut | fpsrIn]
            var ok = reason == .syscall && got == want
            if let wm = v.memOut, (0..<128).map({ buf.load(fromByteOffset: $0, as: UInt8.self) }) != wm { ok = false }
            if !ok {
                failures[v.asm + (fpsrIn != 0 ? " (IXC set)" : ""), default: 0] += 1
                if failures.values.reduce(0, +) <= 20 {
                    let diff = (0..<want.count).filter { got[$0] != want[$0] }
                        .map { "[\($0)] want \(String(want[$0], radix: 16)) got \(String(got[$0], radix: 16))" }
                    XCTFail("\(v.asm) (\(String(v.insn, radix: 16))) exit \(reason): \(diff.joined(separator: ", "))")
                }
            }
        }
        XCTAssertTrue(failures.isEmpty, "instructions differing from qemu-aarch64: \(failures.keys.sorted().joined(separator: ", "))")
    }
}
