import XCTest
import Glibc
@testable import AArch64
import GuestMemory

/// Undefined encodings (recorded as SIGILL under qemu-aarch64) and faulting
/// structure loads/stores.
final class FPSIMDUnitTests: XCTestCase {
    func snapshot(_ r: UnsafeMutablePointer<UInt64>) -> [UInt64] {
        (0..<Slot.count).map { r[$0] }
    }

    func fillRegisters(_ r: UnsafeMutablePointer<UInt64>) {
        for i in 0..<Slot.count { r[i] = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 }
        r[31] = 0
        r[Slot.fpcr] = 0
        r[Slot.fpsr] = 0
        r[Slot.flagKind] = FlagKind.materialized
    }

    func testUnallocatedEncodingsAreUndefined() throws { try checkUndefined("fpsimd-undefined.txt") }

    /// Reserved encodings in the FP16 and FHM groups (qemu-aarch64 -cpu max).
    func testUnallocatedFP16EncodingsAreUndefined() throws { try checkUndefined("fp16-undefined.txt") }

    func checkUndefined(_ fixture: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/" + fixture)
        let text = try String(contentsOf: url, encoding: .utf8)
        let mem = try AddressSpace(size: 1 << 32)
        mem.mapFixed(0x10000, 0x1000, prot: PROT_READ | PROT_WRITE)
        let cpu = CPU()
        var count = 0
        var wrong: [String] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let word = UInt32(line.prefix(8), radix: 16) else { continue }
            fillRegisters(cpu.r)
            cpu.r[4] = 0x10000
            let before = snapshot(cpu.r)
            let st = executeFPSIMD(cpu.r, mem, word, pc: 0x400000)
            if st != .undefined || snapshot(cpu.r) != before { wrong.append(String(line)) }
            count += 1
        }
        XCTAssertGreaterThan(count, 100)
        XCTAssertEqual(wrong, [], "executed encodings that qemu-aarch64 rejects")
    }

    func testStructureLoadStoreFaultsLeaveStateUntouched() throws {
        let mem = try AddressSpace(size: 1 << 32)
        mem.mapFixed(0x10000, 0x1000, prot: PROT_READ)
        let cpu = CPU()
        let r = cpu.r
        // ld1 {v0.16b-v3.16b}, [x4], #64 ; st1 {v0.16b}, [x4] ; ld1 {v0.s}[1], [x4]
        let cases: [(UInt32, UInt64, Bool)] = [
            (0x4CDF_2080, 0x0FFF8, false),   // starts below the mapped page
            (0x4CDF_2080, 0x10FE0, false),   // runs past its end
            (0x4C00_7080, 0x10000, true),    // store to a read-only page
            (0x0D40_9080, 0x20000, false),   // single lane from an unmapped page
        ]
        for (insn, addr, write) in cases {
            fillRegisters(r)
            r[4] = addr
            let before = snapshot(r)
            let st = executeFPSIMD(r, mem, insn, pc: 0x400000)
            XCTAssertEqual(st, .fault(addr: addr, write: write), String(insn, radix: 16))
            XCTAssertEqual(snapshot(r), before, String(insn, radix: 16))
        }
        XCTAssertEqual(mem.host(0x10000).load(as: UInt64.self), 0)
    }

    func testStructureLoadUsesSPForRegister31() throws {
        let mem = try AddressSpace(size: 1 << 32)
        mem.mapFixed(0x10000, 0x1000, prot: PROT_READ | PROT_WRITE)
        mem.host(0x10100).storeBytes(of: 0x1122_3344_5566_7788 as UInt64, as: UInt64.self)
        let cpu = CPU()
        cpu.r[Slot.sp] = 0x10100
        // ld1 {v5.d}[1], [sp], #8
        let st = executeFPSIMD(cpu.r, mem, 0x4DDF_87E5, pc: 0)
        XCTAssertEqual(st, .ok)
        XCTAssertEqual(cpu.vHigh(5), 0x1122_3344_5566_7788)
        XCTAssertEqual(cpu.r[Slot.sp], 0x10108)
        XCTAssertEqual(cpu.r[31], 0)
    }
}
